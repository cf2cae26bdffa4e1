//! Self-tests (SPEC §9): a rules file's `[[test]]` entries, each one segment's inputs and the
//! amounts the rules must give it, so that an edited rules file is checked against the answers
//! agreed before it was edited. Running one is the engine's own computation, compared to the
//! fen; what differs is said in both languages.

use rust_decimal::Decimal;

use super::{FundId, RuleSet, When};
use crate::engine::{self, Breakdown, Segment};
use crate::i18n::Lang;
use crate::money;

/// One `[[test]]`: a segment and what it must come to.
#[derive(Debug, Clone)]
pub struct SelfTest {
    /// Its name (E1).
    pub name: String,
    /// What it shows, in the author's words.
    pub note: Option<String>,
    /// Where its `[[test]]` starts: 1-based line and column.
    pub at: (usize, usize),
    /// The inputs, read as a table's row is read.
    pub segment: Segment,
    /// Each amount expected, in [`Amount`]'s order.
    pub expect: Vec<(Amount, Decimal)>,
}

/// An amount a test can expect, in the order a breakdown gives them (funds in rules order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Amount {
    /// What a fund pays.
    Fund(FundId),
    /// Σ paid.
    SubsidyTotal,
    /// 差额.
    Gap,
    /// 尚需筹集.
    Shortfall,
    /// Shortfall per household.
    PerHousehold,
    /// 应拨付.
    Due,
    /// 待拨付.
    Outstanding,
}

impl Amount {
    /// The amounts other than a fund's, by the key a test's `expect` writes them under.
    pub const KEYED: [(&'static str, Amount); 6] = [
        ("subsidy_total", Amount::SubsidyTotal),
        ("gap", Amount::Gap),
        ("shortfall", Amount::Shortfall),
        ("shortfall_per_household", Amount::PerHousehold),
        ("due", Amount::Due),
        ("outstanding", Amount::Outstanding),
    ];

    /// The key it is written under (a fund by its id).
    pub fn key(self, rules: &RuleSet) -> &str {
        match self {
            Amount::Fund(f) => &rules.funds[f].id,
            other => Amount::KEYED
                .iter()
                .find(|(_, a)| *a == other)
                .map_or("", |(k, _)| k),
        }
    }

    /// The keys of the inputs it is computed from besides the segment itself: without them a
    /// breakdown has none of it (see [`Amount::of`]).
    pub fn inputs(self) -> &'static [&'static str] {
        match self {
            Amount::PerHousehold => &["households"],
            Amount::Due => &["completed_km"],
            Amount::Outstanding => &["completed_km", "disbursed"],
            _ => &[],
        }
    }

    /// Its value in a breakdown; `None` when the inputs give none (no households, no
    /// completed km).
    fn of(self, b: &Breakdown) -> Option<Decimal> {
        match self {
            Amount::Fund(f) => b.shares.get(f).map(|s| s.paid),
            Amount::SubsidyTotal => Some(b.subsidy_total),
            Amount::Gap => Some(b.gap),
            Amount::Shortfall => Some(b.shortfall),
            Amount::PerHousehold => b.per_household,
            Amount::Due => b.due,
            Amount::Outstanding => b.outstanding,
        }
    }
}

/// One amount that is not what the test expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// Which amount.
    pub amount: Amount,
    /// What the test expects.
    pub expected: Decimal,
    /// What the rules give (`None`: none is computed for these inputs).
    pub got: Option<Decimal>,
}

/// How a test came out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every amount as expected.
    Pass,
    /// These amounts differ.
    Fail(Vec<Difference>),
    /// An amount left the exact range.
    Overflow,
    /// The segment would be refused as a table's row is: a fund has no rate in force for
    /// its class on its date (or, undated, on the as-of day).
    Refused(crate::table::Problem),
}

impl SelfTest {
    /// Computes the segment under `rules` and compares every expected amount, exactly.
    pub fn run(&self, rules: &RuleSet) -> Outcome {
        // The engine pays such a fund nothing, so a test expecting 0 would pass.
        let segment = &self.segment;
        if let Some(fund) = rules.not_in_force(segment.class, segment.width_m, segment.date) {
            return Outcome::Refused(crate::table::Problem::NotInForce {
                fund,
                class: segment.class,
                width: segment.width_m,
                when: segment.date.unwrap_or(rules.as_of()),
            });
        }
        let Ok(b) = engine::compute(rules, &self.segment) else {
            return Outcome::Overflow;
        };
        let differences: Vec<Difference> = self
            .expect
            .iter()
            .filter_map(|&(amount, expected)| {
                let got = amount.of(&b);
                (got != Some(expected)).then_some(Difference {
                    amount,
                    expected,
                    got,
                })
            })
            .collect();
        if differences.is_empty() {
            Outcome::Pass
        } else {
            Outcome::Fail(differences)
        }
    }
}

impl Outcome {
    /// What differs, in `lang`: `poverty expected 300000.00, got 250000.00`.
    pub fn render(&self, rules: &RuleSet, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            Outcome::Pass => String::new(),
            Outcome::Overflow => lang
                .pick(
                    "an amount left the exact range (at most 999,999,999,999,999.99 yuan)",
                    "金额超出可精确计算的范围（最多 999,999,999,999,999.99 元）",
                )
                .to_string(),
            Outcome::Refused(problem) => {
                let said = match problem {
                    // A test has no year to give (review 37): a date, or --as-of.
                    crate::table::Problem::NotInForce {
                        fund,
                        class,
                        width,
                        when: When::Undated,
                    } => {
                        let name = rules.funds[*fund].display(lang);
                        let class = rules.classes[*class].display(lang);
                        let width = money::measure(*width);
                        match lang {
                            Lang::En => format!("has no date, and no rate of {name} for {class} {width} m is in force always: give the test a date, or run with --as-of DATE"),
                            Lang::Zh => format!("没有日期，而{name}对{class} {width} 米没有始终施行的标准：请填写该自测的 date，或加 --as-of 日期 运行"),
                        }
                    }
                    _ => problem.render(rules, lang),
                };
                match lang {
                    Lang::En => {
                        format!("the test's segment {said} (a table's row is refused for this)")
                    }
                    Lang::Zh => format!("该自测的路段{said}（表格中这样的行会被拒绝）"),
                }
            }
            Outcome::Fail(differences) => differences
                .iter()
                .map(|d| {
                    let key = d.amount.key(rules);
                    let expected = money::plain(d.expected);
                    let got = d
                        .got
                        .map_or_else(|| lang.pick("none", "无").to_string(), money::plain);
                    if zh {
                        format!("{key} 应为 {expected}，实为 {got}")
                    } else {
                        format!("{key} expected {expected}, got {got}")
                    }
                })
                .collect::<Vec<_>>()
                .join(lang.pick("; ", "；")),
        }
    }
}

/// Every test of `rules` run: one line each (`ok E1`, `FAIL E3: …`) and a count, in `lang`;
/// and how many failed.
pub fn report(rules: &RuleSet, lang: Lang) -> (String, usize) {
    let mut out = String::new();
    let mut failed = 0;
    for test in &rules.tests {
        let outcome = test.run(rules);
        // A failure says where its test is, so it can be found and fixed.
        let at = format!("{}:{}", rules.origin(lang), test.at.0);
        let line = match (&outcome, lang) {
            (Outcome::Pass, Lang::En) => format!("ok {}\n", test.name),
            (Outcome::Pass, Lang::Zh) => format!("通过 {}\n", test.name),
            (_, Lang::En) => format!(
                "FAIL {} ({at}): {}\n",
                test.name,
                outcome.render(rules, lang)
            ),
            (_, Lang::Zh) => format!(
                "未通过 {}（{at}）：{}\n",
                test.name,
                outcome.render(rules, lang)
            ),
        };
        if outcome != Outcome::Pass {
            failed += 1;
        }
        out.push_str(&line);
    }
    let total = rules.tests.len();
    if total == 0 {
        out.push_str(lang.pick(
            "no self-tests: this rules file has no [[test]] entries\n",
            "没有自测：此规则文件中没有 [[test]] 条目\n",
        ));
        return (out, 0);
    }
    let passed = total - failed;
    out.push_str(&match lang {
        Lang::En => format!(
            "{total} {}: {passed} passed, {failed} failed\n",
            if total == 1 { "test" } else { "tests" }
        ),
        Lang::Zh => format!("共 {total} 项自测：通过 {passed} 项，未通过 {failed} 项\n"),
    });
    (out, failed)
}

/// The tests that fail, each as `file:line:col: test E3 fails: …` in `lang`, for
/// `rules check`.
pub fn failures(rules: &RuleSet, lang: Lang) -> Vec<String> {
    let origin = rules.origin(lang);
    rules
        .tests
        .iter()
        .filter_map(|test| {
            let outcome = test.run(rules);
            if outcome == Outcome::Pass {
                return None;
            }
            let (line, col) = test.at;
            let why = outcome.render(rules, lang);
            Some(match lang {
                Lang::En => format!("{origin}:{line}:{col}: test {} fails: {why}", test.name),
                Lang::Zh => format!("{origin}:{line}:{col}: 自测 {} 未通过：{why}", test.name),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_rules_carry_e1_to_e7_and_every_one_passes() {
        let rules = RuleSet::builtin();
        let names: Vec<&str> = rules.tests.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "E1",
                "E2",
                "E3",
                "E4",
                "E5",
                "E6",
                "E7",
                "E1-other_funds",
                "E1-households"
            ]
        );
        for t in &rules.tests {
            assert_eq!(t.run(&rules), Outcome::Pass, "{}", t.name);
        }
    }

    #[test]
    fn a_difference_of_one_fen_is_a_failure_naming_the_amount_and_both_values() {
        let rules = RuleSet::builtin();
        let mut e7 = rules.tests[6].clone();
        assert_eq!(e7.expect[1], (Amount::Fund(1), Decimal::new(8_325_000, 2)));
        e7.expect[1].1 = Decimal::new(8_325_001, 2);
        let outcome = e7.run(&rules);
        assert_eq!(
            outcome,
            Outcome::Fail(vec![Difference {
                amount: Amount::Fund(1),
                expected: Decimal::new(8_325_001, 2),
                got: Some(Decimal::new(8_325_000, 2)),
            }])
        );
        assert_eq!(
            outcome.render(&rules, Lang::En),
            "poverty expected 83250.01, got 83250.00"
        );
        assert_eq!(
            outcome.render(&rules, Lang::Zh),
            "poverty 应为 83250.01，实为 83250.00"
        );
    }

    #[test]
    fn every_amount_a_test_can_expect_names_the_inputs_without_which_it_is_none() {
        let rules = RuleSet::builtin();
        let mut segment = rules.tests[0].segment.clone();
        segment.households = None;
        segment.completed_km = None;
        segment.disbursed = None;
        let bare = engine::compute(&rules, &segment).unwrap();
        for &(key, amount) in &Amount::KEYED {
            assert_eq!(
                amount.of(&bare).is_some(),
                amount.inputs().is_empty(),
                "{key} without households, completed_km or disbursed"
            );
            // Given only the inputs it names, it is computed.
            let mut given = segment.clone();
            for &input in amount.inputs() {
                match input {
                    "households" => given.households = Some(3),
                    "completed_km" => given.completed_km = Some(Decimal::ONE),
                    "disbursed" => given.disbursed = Some(Decimal::ZERO),
                    other => panic!("{key} names an input no segment has: {other}"),
                }
            }
            let b = engine::compute(&rules, &given).unwrap();
            assert!(amount.of(&b).is_some(), "{key} given {:?}", amount.inputs());
        }
    }

    #[test]
    fn an_amount_the_inputs_give_none_of_is_told_as_none() {
        let rules = RuleSet::builtin();
        let mut e1 = rules.tests[0].clone();
        e1.expect = vec![(Amount::Due, Decimal::ZERO)];
        let outcome = e1.run(&rules);
        assert_eq!(
            outcome.render(&rules, Lang::En),
            "due expected 0.00, got none"
        );
        assert_eq!(outcome.render(&rules, Lang::Zh), "due 应为 0.00，实为 无");
    }
}
