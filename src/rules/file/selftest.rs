//! Checking the `[[test]]` entries (SPEC §9) into [`SelfTest`]s. A test's inputs are read by
//! the very parsers a table's cells go through ([`row::number`]), so that a test says what a
//! row of a table would come to, and a value a table refuses is refused here with the same
//! words; an amount written as a TOML float is refused, as everywhere in the rules file.

use std::collections::HashSet;

use rust_decimal::Decimal;
use toml::Spanned;

use super::{Locator, RawNumber, TestFile, TestValue};
use crate::engine::{Cost, Segment, Sources};
use crate::money::{self, Scale, ValueError};
use crate::rules::selftest::{Amount, SelfTest};
use crate::rules::{Day, RuleSet, RulesProblem, When};
use crate::table::{row, Field};

/// The inputs a test takes besides `class`, by the key a table's header gives them.
const INPUTS: [Field; 11] = [
    Field::Width,
    Field::Length,
    Field::Cost,
    Field::CostPerKm,
    Field::OtherFunds,
    Field::YishiYiyi,
    Field::SelfRaised,
    Field::VillageFund,
    Field::Households,
    Field::Completed,
    Field::Disbursed,
];

/// The keys of a test, for the message about one it does not have.
const KEYS: &str = "name, note, class, width_m, length_km, cost, cost_per_km, other_funds, yishi_yiyi, self_raised, village_fund, households, completed_km, disbursed, date, <fund>_approved, expect";

/// Every test checked against `rules` (whose classes and funds it names); every problem
/// pushed with its place, and only the tests without one returned.
pub(super) fn check(
    loc: &mut Locator,
    tests: &[Spanned<TestFile>],
    rules: &RuleSet,
) -> Vec<SelfTest> {
    let mut names = HashSet::new();
    // A rule set with problems of its own is not computed with; one test's problems leave
    // the next computed all the same, so every problem is said in one run (review 37: only
    // the first test's was).
    let rules_ok = loc.errors.is_empty();
    tests
        .iter()
        .filter_map(|t| check_one(loc, t, rules, rules_ok, &mut names))
        .collect()
}

fn check_one(
    loc: &mut Locator,
    test: &Spanned<TestFile>,
    rules: &RuleSet,
    rules_ok: bool,
    names: &mut HashSet<String>,
) -> Option<SelfTest> {
    let before = loc.errors.len();
    let mut name = None;
    let mut note = None;
    let mut class = None;
    let mut inputs: Vec<(Field, Decimal, &Spanned<TestValue>)> = Vec::new();
    let mut approved = Vec::new();
    let mut approved_at = Vec::new();
    let mut expect = None;
    let mut date = None;
    let mut date_at = None;
    let present: HashSet<&str> = test
        .get_ref()
        .0
        .iter()
        .map(|(k, _)| k.get_ref().as_str())
        .collect();
    for (key, value) in &test.get_ref().0 {
        match key.get_ref().as_str() {
            "name" => {
                if let Some(text) = text(loc, value) {
                    if text.trim().is_empty() {
                        loc.push(value, RulesProblem::EmptyText("name"));
                    } else if !names.insert(text.trim().to_string()) {
                        loc.push(value, RulesProblem::DuplicateTestName(text.clone()));
                    }
                    name = Some(text);
                }
            }
            "note" => note = text(loc, value),
            "class" => {
                let Some(text) = text(loc, value) else {
                    continue;
                };
                class = rules.class_by_name(&text);
                if class.is_none() {
                    let known = rules.classes.iter().map(|c| c.id.as_str());
                    let problem = RulesProblem::UnknownClass {
                        name: text,
                        known: known.collect::<Vec<_>>().join(", "),
                    };
                    loc.push(value, problem);
                }
            }
            "expect" => expect = Some(check_expect(loc, value, rules, &present)),
            // The day the test's segment is dated, as a table's `date` column gives it.
            "date" => {
                let text = match value.get_ref() {
                    // A TOML date (`date = 2019-03-01`) names a day as its string does; a
                    // datetime or a time is refused below as no day.
                    TestValue::Date(d) => d.clone(),
                    _ => {
                        let Some(text) = text(loc, value) else {
                            continue;
                        };
                        text
                    }
                };
                date = Day::parse(text.trim()).map(When::Day);
                date_at = Some(value);
                if date.is_none() {
                    loc.push(
                        value,
                        RulesProblem::BadTierDate {
                            key: "date",
                            value: text,
                        },
                    );
                }
            }
            k => {
                if let Some(&field) = INPUTS.iter().find(|f| f.key() == k) {
                    let Some(text) = number_text(loc, key, value) else {
                        continue;
                    };
                    match row::number(field, &text, Scale::Base) {
                        Some(Ok(x)) => inputs.push((field, x, value)),
                        Some(Err(error)) => {
                            loc.push(value, cell(k, &text, field, error));
                        }
                        // Every input is a number field.
                        None => {}
                    }
                } else if let Some(id) = k.strip_suffix("_approved") {
                    let Some(fund) = rules.funds.iter().position(|f| f.id == id) else {
                        let problem = RulesProblem::UnknownFund {
                            name: id.to_string(),
                            known: fund_ids(rules),
                        };
                        loc.push(key, problem);
                        continue;
                    };
                    if !rules.funds[fund].up_to {
                        loc.push(key, RulesProblem::TestApprovedFixedRate(id.to_string()));
                        continue;
                    }
                    if let Some(x) = amount(loc, key, value) {
                        approved.push((fund, x));
                        approved_at.push((key, value));
                    }
                } else {
                    let problem = RulesProblem::UnknownKey {
                        key: k.to_string(),
                        expected: KEYS.to_string(),
                    };
                    loc.push(key, problem);
                }
            }
        }
    }
    for key in ["name", "class", "width_m", "length_km"] {
        if !present.contains(key) {
            loc.push(test, RulesProblem::MissingKey(key.to_string()));
        }
    }
    if !present.contains("cost") && !present.contains("cost_per_km") {
        loc.push(test, RulesProblem::TestNoCost);
    }
    let input = |f: Field| inputs.iter().find(|(g, _, _)| *g == f);
    if let Some(&(_, length, at)) = input(Field::Length) {
        if length.is_zero() {
            let text = number_value(at);
            let problem = cell("length_km", &text, Field::Length, ValueError::NotPositive);
            loc.push(at, problem);
        } else if let Some(&(_, done, at)) = input(Field::Completed) {
            if done > length {
                let problem = RulesProblem::TestCompletedBeyondLength {
                    value: number_value(at),
                    length,
                };
                loc.push(at, problem);
            }
        }
    }
    let expect = match expect {
        Some(Some(e)) if e.is_empty() => {
            let problem = RulesProblem::TestExpectsNothing(name.clone().unwrap_or_default());
            loc.push(test, problem);
            None
        }
        Some(e) => e,
        None => {
            let problem = RulesProblem::TestExpectsNothing(name.clone().unwrap_or_default());
            loc.push(test, problem);
            None
        }
    };
    if loc.errors.len() > before {
        return None;
    }
    let value = |f: Field| input(f).map(|&(_, x, _)| x);
    let mut sources = Sources::default();
    for f in [
        Field::OtherFunds,
        Field::YishiYiyi,
        Field::SelfRaised,
        Field::VillageFund,
    ] {
        if let (Some(source), Some(x)) = (f.source(), value(f)) {
            sources.set(source, x);
        }
    }
    let cost = match (value(Field::Cost), value(Field::CostPerKm)) {
        (Some(c), _) => Cost::Total(c),
        (None, p) => Cost::PerKm(p?),
    };
    let households = match value(Field::Households) {
        // Read by the households parser: a whole number that fits.
        Some(h) => Some(u32::try_from(h.mantissa()).ok()?),
        None => None,
    };
    let test = SelfTest {
        name: name?,
        note,
        at: super::position(loc.text, test.span().start),
        segment: Segment {
            class: class?,
            width_m: value(Field::Width)?,
            length_km: value(Field::Length)?,
            cost,
            sources,
            approved,
            disbursed: value(Field::Disbursed),
            priority: None,
            households,
            completed_km: value(Field::Completed),
            date,
        },
        expect: expect?,
    };
    // A day on which a fund has no rate in force for the class refuses a table's row (SPEC
    // §9); the engine would pay that fund nothing, and a test expecting 0 would pass. A test
    // without a date is dated when it runs (`--as-of`), and refused then (`Outcome::Refused`).
    if let (true, Some(at)) = (rules_ok, date_at) {
        let segment = &test.segment;
        if let Some(fund) = rules.not_in_force(segment.class, segment.width_m, segment.date) {
            let problem = crate::table::Problem::NotInForce {
                fund,
                class: segment.class,
                width: segment.width_m,
                when: segment.date.unwrap_or(rules.as_of()),
            };
            let problem = RulesProblem::TestNotInForce {
                en: problem.render(rules, crate::i18n::Lang::En),
                zh: problem.render(rules, crate::i18n::Lang::Zh),
            };
            loc.push(at, problem);
        }
    }
    // What a table's row is refused for once computed, a test is too (a rule set with
    // problems of its own is not computed with, nor a test refused above).
    if rules_ok && loc.errors.len() == before {
        if let Ok(b) = crate::engine::compute(rules, &test.segment) {
            for (&(fund, x), (key, at)) in test.segment.approved.iter().zip(&approved_at) {
                let ceiling = b.shares[fund].nominal;
                // A fund that pays the segment nothing has nothing to approve, said in a
                // table's words (review 37: "above the ceiling, 0.00").
                let tier = b.shares[fund].tier;
                if x > ceiling && !matches!(tier, crate::rules::TierChoice::Tier(_)) {
                    let problem = crate::table::Problem::NothingToApprove {
                        fund,
                        tier,
                        width: test.segment.width_m,
                        class: test.segment.class,
                    };
                    let problem = RulesProblem::TestNothingToApprove {
                        key: key.get_ref().clone(),
                        value: number_value(at),
                        en: problem.render(rules, crate::i18n::Lang::En),
                        zh: problem.render(rules, crate::i18n::Lang::Zh),
                    };
                    loc.push(*at, problem);
                } else if x > ceiling {
                    let problem = RulesProblem::TestAboveCeiling {
                        key: key.get_ref().clone(),
                        value: number_value(at),
                        ceiling,
                    };
                    loc.push(*at, problem);
                }
            }
            if let (Some(paid), Some(&(_, _, at))) =
                (test.segment.disbursed, input(Field::Disbursed))
            {
                if paid > b.subsidy_total {
                    let problem = RulesProblem::TestDisbursedAboveSubsidy {
                        value: number_value(at),
                        subsidy: b.subsidy_total,
                    };
                    loc.push(at, problem);
                }
            }
        }
    }
    (loc.errors.len() == before).then_some(test)
}

fn fund_ids(rules: &RuleSet) -> String {
    super::check::listed(rules.funds.iter().map(|f| f.id.as_str()))
}

fn cell(key: &str, text: &str, field: Field, error: ValueError) -> RulesProblem {
    RulesProblem::TestValue {
        key: key.to_string(),
        value: text.to_string(),
        field,
        error,
    }
}

/// The amounts under `expect`, each by its key; `None` (problems pushed) when any is wrong.
/// An amount computed from inputs the test (whose keys are `present`) does not give is
/// refused: it could never be what the test expects.
fn check_expect(
    loc: &mut Locator,
    value: &Spanned<TestValue>,
    rules: &RuleSet,
    present: &HashSet<&str>,
) -> Option<Vec<(Amount, Decimal)>> {
    let TestValue::Table(table) = value.get_ref() else {
        let problem = RulesProblem::WrongType {
            found: found(value.get_ref()),
            expected: "a map".to_string(),
        };
        loc.push(value, problem);
        return None;
    };
    let before = loc.errors.len();
    let mut expect = Vec::new();
    for (key, v) in &table.0 {
        let k = key.get_ref().as_str();
        let what = match rules.funds.iter().position(|f| f.id == k) {
            Some(fund) => Some(Amount::Fund(fund)),
            None => Amount::KEYED
                .iter()
                .find(|(name, _)| *name == k)
                .map(|&(_, a)| a),
        };
        let Some(what) = what else {
            let known: Vec<&str> = Amount::KEYED.iter().map(|(name, _)| *name).collect();
            let problem = RulesProblem::UnknownKey {
                key: k.to_string(),
                expected: format!("{}, {}", fund_ids(rules), known.join(", ")),
            };
            loc.push(key, problem);
            continue;
        };
        let missing: Vec<&'static str> = what
            .inputs()
            .iter()
            .copied()
            .filter(|input| !present.contains(input))
            .collect();
        if !missing.is_empty() {
            let problem = RulesProblem::TestExpectsWithout {
                key: k.to_string(),
                needs: what.inputs(),
                missing,
            };
            loc.push(key, problem);
            continue;
        }
        if let Some(x) = amount(loc, key, v) {
            expect.push((what, x));
        }
    }
    // TOML keeps a table's keys sorted by name: what differs is told in a breakdown's order.
    expect.sort_by_key(|&(what, _)| what);
    (loc.errors.len() == before).then_some(expect)
}

/// An amount of yuan, read as a table's amount cell is.
fn amount(loc: &mut Locator, key: &Spanned<String>, value: &Spanned<TestValue>) -> Option<Decimal> {
    let text = number_text(loc, key, value)?;
    money::parse_amount(&text, Scale::Base, false)
        .map_err(|e| loc.push(value, cell(key.get_ref(), &text, Field::Cost, e)))
        .ok()
}

/// A string value; anything else is refused.
fn text(loc: &mut Locator, value: &Spanned<TestValue>) -> Option<String> {
    match value.get_ref() {
        TestValue::Number(RawNumber::Text(s)) => Some(s.clone()),
        other => {
            let problem = RulesProblem::WrongType {
                found: found(other),
                expected: "a string".to_string(),
            };
            loc.push(value, problem);
            None
        }
    }
}

/// A number as a cell would hold it: an integer's digits or a string's text; a float or
/// anything else is refused.
fn number_text(
    loc: &mut Locator,
    key: &Spanned<String>,
    value: &Spanned<TestValue>,
) -> Option<String> {
    match value.get_ref() {
        TestValue::Number(RawNumber::Float(f)) => {
            let problem = RulesProblem::TestFloat {
                key: key.get_ref().clone(),
                value: *f,
            };
            loc.push(value, problem);
            None
        }
        TestValue::Number(n) => Some(n.text()),
        other => {
            let problem = RulesProblem::WrongType {
                found: found(other),
                // An example of the key's own kind (review 37: a width was asked for as
                // "15万").
                expected: match key.get_ref().as_str() {
                    "width_m" | "length_km" | "completed_km" => {
                        "an integer or a string such as \"3.5\""
                    }
                    "households" => "an integer or a string such as \"12\"",
                    _ => "an integer or a string such as \"15万\"",
                }
                .to_string(),
            };
            loc.push(value, problem);
            None
        }
    }
}

/// The text of a value already read as a number.
fn number_value(value: &Spanned<TestValue>) -> String {
    match value.get_ref() {
        TestValue::Number(n) => n.text(),
        _ => String::new(),
    }
}

/// A value's type as serde says it, which the messages translate.
fn found(value: &TestValue) -> String {
    match value {
        TestValue::Number(RawNumber::Int(i)) => format!("integer `{i}`"),
        TestValue::Number(RawNumber::Float(f)) => format!("floating point `{f}`"),
        TestValue::Number(RawNumber::Text(s)) => format!("string {s:?}"),
        TestValue::Bool(b) => format!("boolean `{b}`"),
        TestValue::Table(_) => "map".to_string(),
        TestValue::Date(when) => format!("datetime `{when}`"),
        TestValue::Other(what) => what.to_string(),
    }
}
