//! Validation of the mirror into a [`RuleSet`]: every value checked, every problem collected
//! with where it is, so that a rule set, once built, holds no negative rate, unknown class or
//! clashing name.

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;
use toml::Spanned;

use super::{read_shape, BudgetFile, ClassFile, FundFile, Locator, RawDate, RawNumber};
use crate::engine::Source;
use crate::money::{self, Rounding, Scale, ValueError};
use crate::rules::{
    Budget, Citation, Class, Day, Draw, Fund, Meta, OnOverrun, Period, RuleSet, RulesError,
    RulesProblem, Tier,
};

pub(in crate::rules) fn parse(
    text: &str,
    origin: &str,
    columns: crate::rules::ColumnCheck<'_>,
) -> Result<RuleSet, Vec<RulesError>> {
    let mut loc = Locator {
        text,
        origin,
        errors: Vec::new(),
        stand_ins: Vec::new(),
        columns,
    };
    let file = match read_shape(text, &mut loc) {
        Some(f) => f,
        None => return Err(loc.finish()),
    };

    let rounding = match &file.meta.rounding {
        None => Rounding::HalfAwayFromZero,
        Some(r) => Rounding::from_key(r.get_ref()).unwrap_or_else(|| {
            loc.push(r, RulesProblem::UnknownRounding(r.get_ref().clone()));
            Rounding::HalfAwayFromZero
        }),
    };
    let m = file.meta;
    check_text(&mut loc, &m.name, "name");
    check_text(&mut loc, &m.source, "source");
    if let Some(currency) = &m.currency {
        check_text(&mut loc, currency, "currency");
    }
    if let Some(date) = &m.effective {
        // Spaces around it are none of it, as around a tier's `from` (review 37).
        if crate::rules::Day::parse(date.get_ref().0.trim()).is_none() {
            loc.push(date, RulesProblem::BadDate(date.get_ref().0.clone()));
        }
    }
    let plausible = m
        .plausible_cost_per_km
        .as_ref()
        .and_then(|range| check_range(&mut loc, range));
    let meta = Meta {
        name: m.name.into_inner(),
        name_en: m.name_en,
        issuer: m.issuer,
        issuer_en: m.issuer_en,
        source: m.source.into_inner(),
        source_en: m.source_en,
        currency: m
            .currency
            .map_or_else(|| "CNY".to_string(), Spanned::into_inner),
        effective: m.effective.map(|d| d.into_inner().0.trim().to_string()),
        rounding,
        plausible_cost_per_km: plausible,
    };

    let classes = check_classes(&mut loc, &file.classes);
    let class_ids: HashMap<&str, usize> = file
        .classes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.get_ref().id.get_ref().as_str(), i))
        .collect();
    let known_classes = listed(
        file.classes
            .iter()
            .map(|c| c.get_ref().id.get_ref().as_str()),
    );
    let funds = check_funds(&mut loc, &file.funds, &class_ids, &known_classes);
    super::approved::check(&mut loc, &file.funds);
    let fund_ids: HashMap<&str, usize> = file
        .funds
        .iter()
        .enumerate()
        .map(|(i, f)| (f.get_ref().id.get_ref().as_str(), i))
        .collect();
    let known_funds = listed(file.funds.iter().map(|f| f.get_ref().id.get_ref().as_str()));

    let mut budgets = Vec::new();
    // Each budget's draw, class and scope, with the line it starts on.
    let mut seen_budgets = HashMap::new();
    // A budget's name is how the summary tells it from the others.
    let mut budget_names = HashSet::new();
    for b in &file.budgets {
        let raw = b.get_ref();
        for (name, key) in [(&raw.name, "name"), (&raw.name_en, "name_en")] {
            if let Some(name) = name {
                check_text(&mut loc, name, key);
            }
        }
        if let Some(name) = raw.name.as_ref().filter(|n| !n.get_ref().trim().is_empty()) {
            let text = name.get_ref().trim().to_string();
            if !budget_names.insert(text.clone()) {
                loc.push(name, RulesProblem::DuplicateBudgetName(text));
            }
        }
        let draw = check_draw(&mut loc, b, &fund_ids, &known_funds);
        let class = match &raw.class {
            None => Some(None),
            Some(c) => match class_ids.get(c.get_ref().as_str()) {
                Some(&i) => Some(Some(i)),
                None => {
                    let problem = RulesProblem::UnknownClass {
                        name: c.get_ref().clone(),
                        known: known_classes.clone(),
                    };
                    loc.push(c, problem);
                    None
                }
            },
        };
        let amount = check_amount(&mut loc, &raw.amount);
        let on_overrun = match &raw.on_overrun {
            None => Some(OnOverrun::Report),
            Some(key) => OnOverrun::from_key(key.get_ref()).or_else(|| {
                loc.push(key, RulesProblem::UnknownOnOverrun(key.get_ref().clone()));
                None
            }),
        };
        // The sources are the plan's own money, written in its table: no budget may cut them,
        // so a budget on one only measures and reports.
        let on_overrun = match (draw, on_overrun, &raw.on_overrun) {
            (Some(Draw::Source(source)), Some(o), Some(key)) if o != OnOverrun::Report => {
                let problem = RulesProblem::SourceBudgetAllocates {
                    source: source.key(),
                    on_overrun: key.get_ref().clone(),
                };
                loc.push(key, problem);
                None
            }
            (_, o, _) => o,
        };
        if let (Some(draw), Some(class), Some(amount), Some(on_overrun)) =
            (draw, class, amount, on_overrun)
        {
            let line = super::locate::position(loc.text, b.span().start).0;
            if let Some(&first) = seen_budgets.get(&(draw, class, raw.per_village)) {
                loc.push(b, RulesProblem::DuplicateBudget(first));
            } else {
                seen_budgets.insert((draw, class, raw.per_village), line);
            }
            budgets.push(Budget {
                draw,
                class,
                per_village: raw.per_village,
                name: raw.name.as_ref().map(|n| n.get_ref().clone()),
                name_en: raw.name_en.as_ref().map(|n| n.get_ref().clone()),
                envelope: amount,
                on_overrun,
            });
        }
    }

    // The tests name classes and funds: they are read against the rules as far as those are
    // valid, so that one run lists the tests' problems with all the others.
    let mut rules = RuleSet::new(origin, meta, classes, funds, budgets);
    rules.tests = super::selftest::check(&mut loc, &file.test, &rules);
    if loc.errors.is_empty() {
        Ok(rules)
    } else {
        Err(loc.finish())
    }
}

/// What a budget's envelope holds: the one fund or source it names (`None`, with the problem
/// pushed, when it names both, neither, or one that is not defined).
fn check_draw(
    loc: &mut Locator,
    budget: &Spanned<BudgetFile>,
    fund_ids: &HashMap<&str, usize>,
    known_funds: &str,
) -> Option<Draw> {
    let raw = budget.get_ref();
    match (&raw.fund, &raw.source) {
        (Some(_), Some(source)) => {
            loc.push(source, RulesProblem::BudgetDrawsTwice);
            None
        }
        (None, None) => {
            loc.push(budget, RulesProblem::BudgetDrawsNothing);
            None
        }
        (Some(fund), None) => match fund_ids.get(fund.get_ref().as_str()) {
            Some(&f) => Some(Draw::Fund(f)),
            None => {
                let problem = RulesProblem::UnknownFund {
                    name: fund.get_ref().clone(),
                    known: known_funds.to_string(),
                };
                loc.push(fund, problem);
                None
            }
        },
        (None, Some(source)) => match Source::from_key(source.get_ref()) {
            Some(s) => Some(Draw::Source(s)),
            None => {
                loc.push(
                    source,
                    RulesProblem::UnknownSource(source.get_ref().clone()),
                );
                None
            }
        },
    }
}

/// A name, source or id must say something: an empty one would name nothing in the output.
fn check_text(loc: &mut Locator, text: &Spanned<String>, key: &'static str) {
    if text.get_ref().trim().is_empty() {
        loc.push(text, RulesProblem::EmptyText(key));
    }
}

/// A fund's or tier's `source`, `source_en` and `quote`, each checked to say something.
fn check_citation(
    loc: &mut Locator,
    [source, source_en, quote]: [&Option<Spanned<String>>; 3],
) -> Citation {
    Citation {
        source: optional_text(loc, source, "source"),
        source_en: optional_text(loc, source_en, "source_en"),
        quote: optional_text(loc, quote, "quote"),
    }
}

/// An optional text as written, checked to say something when it is there.
fn optional_text(
    loc: &mut Locator,
    text: &Option<Spanned<String>>,
    key: &'static str,
) -> Option<String> {
    let text = text.as_ref()?;
    check_text(loc, text, key);
    Some(text.get_ref().clone())
}

/// A tier's `from` and `until`, each a calendar day, `until` not before `from`; `None` when
/// either is wrong (each problem is pushed).
fn check_period(
    loc: &mut Locator,
    from: &Option<toml::Spanned<RawDate>>,
    until: &Option<toml::Spanned<RawDate>>,
) -> Option<Period> {
    let mut day = |key: &'static str, raw: &Option<toml::Spanned<RawDate>>| match raw {
        None => Some(None),
        Some(raw) => match Day::parse(raw.get_ref().0.trim()) {
            Some(d) => Some(Some(d)),
            None => {
                let value = raw.get_ref().0.clone();
                loc.push(raw, RulesProblem::BadTierDate { key, value });
                None
            }
        },
    };
    let (from_day, until_day) = (day("from", from), day("until", until));
    let period = Period {
        from: from_day?,
        until: until_day?,
    };
    if let (Some(f), Some(u), Some(at)) = (period.from, period.until, until) {
        if u < f {
            let problem = RulesProblem::PeriodReversed {
                from: f.to_string(),
                until: u.to_string(),
            };
            loc.push(at, problem);
            return None;
        }
    }
    Some(period)
}

/// `[min, max]` yuan per km, both amounts, min not above max.
fn check_range(
    loc: &mut Locator,
    range: &Spanned<Vec<Spanned<RawNumber>>>,
) -> Option<(Decimal, Decimal)> {
    let [low, high] = range.get_ref().as_slice() else {
        loc.push(range, RulesProblem::BadRange);
        return None;
    };
    let (low, high) = (check_amount(loc, low)?, check_amount(loc, high)?);
    if low > high {
        loc.push(range, RulesProblem::BadRange);
        return None;
    }
    Some((low, high))
}

/// Refuses a fund whose id or name is already an output column's name.
fn check_column(loc: &mut Locator, name: &Spanned<String>, key: &'static str) {
    if let Some(taken) = (loc.columns)(name.get_ref().trim()) {
        let problem = RulesProblem::ColumnClash {
            key,
            name: name.get_ref().clone(),
            taken,
        };
        loc.push(name, problem);
    }
}

fn check_classes(loc: &mut Locator, raw: &[Spanned<ClassFile>]) -> Vec<Class> {
    if raw.is_empty() {
        let e = loc.at(0, RulesProblem::Empty("classes"));
        loc.errors.push(e);
    }
    let mut ids = HashSet::new();
    let mut names: HashMap<String, usize> = HashMap::new();
    let mut classes = Vec::new();
    for (i, c) in raw.iter().enumerate() {
        let c = c.get_ref();
        check_text(loc, &c.id, "id");
        check_text(loc, &c.name, "name");
        for alias in &c.aliases {
            if alias.get_ref().trim().is_empty() {
                loc.push(alias, RulesProblem::EmptyAlias("aliases"));
            }
        }
        if !ids.insert(c.id.get_ref().as_str()) {
            loc.push(
                &c.id,
                RulesProblem::DuplicateId {
                    what: "class",
                    id: c.id.get_ref().clone(),
                },
            );
            // Its names would only repeat the same complaint.
            continue;
        }
        let mut own: Vec<(&str, usize)> = vec![(c.id.get_ref(), c.id.span().start)];
        own.push((c.name.get_ref(), c.name.span().start));
        own.extend(
            c.aliases
                .iter()
                .map(|a| (a.get_ref().as_str(), a.span().start)),
        );
        for (name, at) in own {
            let key = crate::rules::class_key(name);
            match names.get(&key) {
                Some(&other) if other != i => {
                    let e = loc.at(at, RulesProblem::DuplicateAlias(name.to_string()));
                    loc.errors.push(e);
                }
                _ => {
                    names.insert(key, i);
                }
            }
        }
        classes.push(Class {
            id: c.id.get_ref().clone(),
            name: c.name.get_ref().clone(),
            name_en: c.name_en.clone(),
            aliases: c.aliases.iter().map(|a| a.get_ref().clone()).collect(),
        });
    }
    classes
}

fn check_funds(
    loc: &mut Locator,
    raw: &[Spanned<FundFile>],
    class_ids: &HashMap<&str, usize>,
    known_classes: &str,
) -> Vec<Fund> {
    if raw.is_empty() {
        let e = loc.at(loc.text.len(), RulesProblem::Empty("funds"));
        loc.errors.push(e);
    }
    let mut ids = HashSet::new();
    // Every fund's id and name head a column: another fund's must differ from both.
    let mut headings: HashMap<String, &str> = HashMap::new();
    let mut funds = Vec::new();
    for f in raw {
        let f = f.get_ref();
        let own_id = f.id.get_ref().as_str();
        for (name, key) in [(&f.id, "id"), (&f.name, "name")] {
            let heading = name.get_ref().trim().to_lowercase();
            match headings.get(&heading) {
                Some(&other) if other != own_id => loc.push(
                    name,
                    RulesProblem::ColumnClash {
                        key,
                        name: name.get_ref().clone(),
                        taken: crate::rules::Taken::Fund(other.to_string()),
                    },
                ),
                _ => {
                    headings.insert(heading, own_id);
                }
            }
        }
        check_text(loc, &f.id, "id");
        check_text(loc, &f.name, "name");
        check_column(loc, &f.id, "id");
        check_column(loc, &f.name, "name");
        if let Some(en) = &f.name_en {
            check_column(loc, en, "name_en");
        }
        if !ids.insert(f.id.get_ref().as_str()) {
            loc.push(
                &f.id,
                RulesProblem::DuplicateId {
                    what: "fund",
                    id: f.id.get_ref().clone(),
                },
            );
        }
        // Each class and minimum width, with the periods of the tiers seen for it.
        let mut seen: HashMap<(usize, Decimal), Vec<Period>> = HashMap::new();
        let mut tiers = Vec::new();
        for t in &f.tiers {
            let t = t.get_ref();
            if t.classes.get_ref().is_empty() {
                loc.push(&t.classes, RulesProblem::Empty("tier classes"));
            }
            let mut classes = Vec::new();
            for c in t.classes.get_ref() {
                match class_ids.get(c.get_ref().as_str()) {
                    Some(&i) => classes.push(i),
                    None => {
                        let problem = RulesProblem::UnknownClass {
                            name: c.get_ref().clone(),
                            known: known_classes.to_string(),
                        };
                        loc.push(c, problem);
                    }
                }
            }
            let width = check_width(loc, &t.min_width_m);
            let rate = check_amount(loc, &t.rate_per_km);
            let period = check_period(loc, &t.from, &t.until);
            let (Some(width), Some(rate), Some(period)) = (width, rate, period) else {
                continue;
            };
            for (&class, name) in classes.iter().zip(t.classes.get_ref()) {
                let periods = seen.entry((class, width.normalize())).or_default();
                if let Some(other) = periods.iter().find(|p| p.overlaps(&period)) {
                    // Undated twice is the same tier twice; dated, the periods are the news.
                    let problem = if other.is_always() && period.is_always() {
                        RulesProblem::DuplicateTier {
                            fund: f.id.get_ref().clone(),
                            class: name.get_ref().clone(),
                            width: money::measure(width),
                        }
                    } else {
                        RulesProblem::PeriodsOverlap {
                            fund: f.id.get_ref().clone(),
                            class: name.get_ref().clone(),
                            width: money::measure(width),
                            first: other.describe(),
                            second: period.describe(),
                        }
                    };
                    let at = t.from.as_ref().map_or(t.min_width_m.span(), |d| d.span());
                    loc.errors.push(loc.at(at.start, problem));
                }
                periods.push(period);
            }
            let cited = check_citation(loc, [&t.source, &t.source_en, &t.quote]);
            tiers.push(Tier {
                classes,
                min_width_m: width,
                rate_per_km: rate,
                cited,
                period,
            });
        }
        if f.tiers.is_empty() {
            loc.push(&f.id, RulesProblem::Empty("fund tiers"));
        }
        let cited = check_citation(loc, [&f.source, &f.source_en, &f.quote]);
        let reading = optional_text(loc, &f.reading, "reading");
        let reading_en = optional_text(loc, &f.reading_en, "reading_en");
        funds.push(Fund {
            id: f.id.get_ref().clone(),
            name: f.name.get_ref().clone(),
            name_en: f.name_en.as_ref().map(|n| n.get_ref().clone()),
            up_to: f.up_to,
            approved_aliases: f
                .approved_aliases
                .iter()
                .map(|a| a.get_ref().trim().to_string())
                .collect(),
            tiers,
            cited,
            reading,
            reading_en,
        });
    }
    funds
}

fn number_problem(raw: &RawNumber, error: ValueError, expected: &'static str) -> RulesProblem {
    match error {
        ValueError::Negative => RulesProblem::Negative(raw.text()),
        ValueError::TooLarge => RulesProblem::TooLarge {
            value: raw.text(),
            expected,
        },
        _ => RulesProblem::BadNumber {
            value: raw.text(),
            expected,
        },
    }
}

fn check_amount(loc: &mut Locator, raw: &Spanned<RawNumber>) -> Option<Decimal> {
    let parsed = match raw.get_ref() {
        RawNumber::Float(f) => {
            loc.push(raw, RulesProblem::FloatAmount(*f));
            return None;
        }
        RawNumber::Int(i) if *i < 0 => Err(ValueError::Negative),
        other => money::parse_amount(&other.text(), Scale::Base, true),
    };
    parsed
        .map_err(|e| loc.push(raw, number_problem(raw.get_ref(), e, "amount")))
        .ok()
}

fn check_width(loc: &mut Locator, raw: &Spanned<RawNumber>) -> Option<Decimal> {
    // A width is not money: 3.5 written as a TOML float is exact enough, and read from its
    // shortest decimal form, never from the binary value.
    let text = raw.get_ref().text();
    let parsed = if text.trim_start().starts_with('-') {
        Err(ValueError::Negative)
    } else {
        money::parse_width_m(&text)
    };
    parsed
        .map_err(|e| loc.push(raw, number_problem(raw.get_ref(), e, "width")))
        .ok()
}

/// Ids as a message lists them, each once (an id given twice is said where it is given) in
/// the order first given: `village, group`; `—` for none.
pub(super) fn listed<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for id in ids {
        if !seen.contains(&id) {
            seen.push(id);
        }
    }
    match seen.is_empty() {
        true => "—".to_string(),
        false => seen.join(", "),
    }
}
