//! The notes a breakdown carries, and how they read in each language.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use crate::i18n::Lang;
use crate::money::Grouped;
use crate::rules::{ClassId, FundId, RuleSet};

/// Something a reader should know about one segment's numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Note {
    /// The width is below every tier the fund has for the class, so the fund pays nothing.
    BelowMinimum {
        fund: FundId,
        width: Decimal,
        min: Decimal,
    },
    /// The width is between two tiers: the lower tier's rate applies (SPEC E3, "3.5 m tier").
    BetweenTiers {
        fund: FundId,
        width: Decimal,
        min: Decimal,
        next: Decimal,
    },
    /// The fund has no tier for this class at all.
    NoTier { fund: FundId, class: ClassId },
    /// The fund's nominal amount was cut so the subsidy does not exceed the cost.
    CutByCost {
        fund: FundId,
        nominal: Decimal,
        paid: Decimal,
    },
    /// Other funds already cover more than the subsidy leaves.
    OtherFundsExceed { surplus: Decimal },
}

impl Note {
    /// The note as a sentence.
    pub fn render(&self, rules: &RuleSet, lang: Lang) -> String {
        let mut out = String::new();
        self.write_to(&mut out, rules, lang);
        out
    }

    /// Appends the note to `out` (no allocation beyond `out`'s own: the batch hot path).
    pub fn write_to(&self, out: &mut String, rules: &RuleSet, lang: Lang) {
        let fund = |f: FundId| rules.funds[f].display(lang);
        // Writing to a String cannot fail.
        let _ = match *self {
            Note::BelowMinimum {
                fund: f,
                width,
                min,
            } => match lang {
                Lang::En => write!(
                    out,
                    "width {width} m is below the {min} m minimum of {}",
                    fund(f)
                ),
                Lang::Zh => write!(out, "宽度 {width} 米低于{}的最小宽度 {min} 米", fund(f)),
            },
            Note::BetweenTiers {
                fund: f,
                width,
                min,
                next,
            } => match lang {
                Lang::En => write!(
                    out,
                    "width {width} m is below the {next} m tier of {}: the {min} m tier applies",
                    fund(f)
                ),
                Lang::Zh => write!(
                    out,
                    "宽度 {width} 米不足{}的 {next} 米档，按 {min} 米档计",
                    fund(f)
                ),
            },
            Note::NoTier { fund: f, class } => match lang {
                Lang::En => write!(
                    out,
                    "{} has no rate for {}",
                    fund(f),
                    rules.classes[class].display(lang)
                ),
                Lang::Zh => write!(
                    out,
                    "{}没有{}的补助标准",
                    fund(f),
                    rules.classes[class].display(lang)
                ),
            },
            Note::CutByCost {
                fund: f,
                nominal,
                paid,
            } => match lang {
                Lang::En => write!(
                    out,
                    "{} cut from {} to {} so the subsidy does not exceed the cost",
                    fund(f),
                    Grouped(nominal),
                    Grouped(paid)
                ),
                Lang::Zh => write!(
                    out,
                    "{}由 {} 核减为 {}，补助不超过造价",
                    fund(f),
                    Grouped(nominal),
                    Grouped(paid)
                ),
            },
            Note::OtherFundsExceed { surplus } => match lang {
                Lang::En => write!(
                    out,
                    "other funds exceed what the subsidy leaves by {}",
                    Grouped(surplus)
                ),
                Lang::Zh => write!(out, "整合资金超出补助后剩余造价 {}", Grouped(surplus)),
            },
        };
    }
}
