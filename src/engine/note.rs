//! The notes a breakdown carries, and how they read in each language.

use rust_decimal::Decimal;

use crate::i18n::Lang;
use crate::money;
use crate::rules::{ClassId, FundId, OnOverrun, RuleSet};

/// Appends each piece in turn.
macro_rules! put {
    ($out:expr, $($piece:expr),+ $(,)?) => {
        $(Put::put($piece, $out);)+
    };
}

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
    /// The sources (整合资金, 一事一议, …) cover more than the gap: a surplus.
    SourcesExceed { surplus: Decimal },
    /// An amount below the fund's ceiling was approved for the segment (SPEC §8).
    Approved {
        fund: FundId,
        ceiling: Decimal,
        approved: Decimal,
    },
    /// More was paid out than the completed km have earned (`of_subsidy` false: `limit` is
    /// what is due), or than the whole subsidy after a budget cut it (`of_subsidy` true).
    OverDisbursed {
        disbursed: Decimal,
        limit: Decimal,
        of_subsidy: bool,
    },
    /// A budget that ran short paid the fund less than it asked (SPEC §8).
    CutByBudget {
        cut: super::BudgetCut,
        from: Decimal,
        to: Decimal,
        /// How much more the village raises because of the cut (the shortfall's rise: less
        /// than the cut when the sources covered more than the gap).
        raised: Decimal,
    },
    /// A warning: the cost per km is outside the rules' plausible range, as when 63 is typed
    /// for 63万. The numbers are computed as written all the same.
    ImplausibleCost {
        cost: Decimal,
        per_km: Decimal,
        low: Decimal,
        high: Decimal,
        too_low: bool,
    },
}

impl Note {
    /// Whether the note warns that an input looks wrong (counted in the summary).
    pub fn is_warning(&self) -> bool {
        matches!(self, Note::ImplausibleCost { .. })
    }

    /// The note as a sentence.
    pub fn render(&self, rules: &RuleSet, lang: Lang) -> String {
        let mut out = String::new();
        self.write_to(&mut out, rules, lang);
        out
    }

    /// Appends the note to `out`: no allocation beyond `out`'s own, and no `fmt` (the batch
    /// hot path writes a note for most rows).
    pub fn write_to(&self, out: &mut (impl NoteSink + ?Sized), rules: &RuleSet, lang: Lang) {
        let fund = |f: FundId| rules.funds[f].display(lang);
        let zh = lang == Lang::Zh;
        // Every amount goes through this, so none can be printed without its unit.
        let y = |amount: Decimal| Yuan { amount, lang };
        match *self {
            Note::BelowMinimum {
                fund: f,
                width,
                min,
            } => {
                if zh {
                    put!(
                        out,
                        "宽度 ",
                        width,
                        " 米低于",
                        fund(f),
                        "的最小宽度 ",
                        min,
                        " 米"
                    );
                } else {
                    put!(
                        out,
                        "width ",
                        width,
                        " m is below the ",
                        min,
                        " m minimum of ",
                        fund(f)
                    );
                }
            }
            Note::BetweenTiers {
                fund: f,
                width,
                min,
                next,
            } => {
                if zh {
                    put!(
                        out,
                        "宽度 ",
                        width,
                        " 米不足",
                        fund(f),
                        "的 ",
                        next,
                        " 米档，按 ",
                        min,
                        " 米档计"
                    );
                } else {
                    put!(
                        out,
                        "width ",
                        width,
                        " m is below the ",
                        next,
                        " m tier of ",
                        fund(f),
                        ": the ",
                        min,
                        " m tier applies"
                    );
                }
            }
            Note::NoTier { fund: f, class } => {
                let class = rules.classes[class].display(lang);
                if zh {
                    put!(out, fund(f), "没有", class, "的补助标准");
                } else {
                    put!(out, fund(f), " has no rate for ", class);
                }
            }
            Note::CutByCost {
                fund: f,
                nominal,
                paid,
            } => {
                if zh {
                    put!(
                        out,
                        fund(f),
                        "由 ",
                        y(nominal),
                        "核减为 ",
                        y(paid),
                        "，补助不超过造价"
                    );
                } else {
                    put!(
                        out,
                        fund(f),
                        " cut from ",
                        y(nominal),
                        " to ",
                        y(paid),
                        " so the subsidy does not exceed the cost"
                    );
                }
            }
            Note::ImplausibleCost {
                cost,
                per_km,
                low,
                high,
                too_low,
            } => {
                if zh {
                    // A range of rates in one unit, as the rules state rates: 5万–500万元/公里.
                    let (low, high) = (money::exact_wan(low), money::exact_wan(high));
                    put!(
                        out,
                        "警告：造价 ",
                        y(cost),
                        "即每公里 ",
                        y(per_km),
                        "，超出合理范围（",
                        low.as_str(),
                        "–",
                        high.as_str(),
                        "元/公里）：",
                        // Too low: a sheet in 万元 read as yuan, or lengths in metres read as km
                        // (the table may be read in 万元 already, so no unit is suggested).
                        if too_low {
                            "金额单位（元、万元）与长度是否有误？"
                        } else {
                            "请核对金额与长度"
                        },
                    );
                } else {
                    let (low, high) = (money::whole_yuan(low), money::whole_yuan(high));
                    put!(
                        out,
                        "warning: cost ",
                        y(cost),
                        " is ",
                        y(per_km),
                        " per km, outside the plausible ",
                        low.as_str(),
                        "–",
                        high.as_str(),
                        " yuan per km: ",
                        if too_low {
                            "are the amount's unit (元 or 万元) and the length right?"
                        } else {
                            "are the amount and the length right?"
                        },
                    );
                }
            }
            Note::SourcesExceed { surplus } => {
                if zh {
                    put!(out, "资金来源超出差额，多出 ", y(surplus));
                } else {
                    put!(out, "the sources exceed the gap: a surplus of ", y(surplus));
                }
            }
            Note::OverDisbursed {
                disbursed,
                limit,
                of_subsidy,
            } => {
                let over = disbursed - limit;
                match (zh, of_subsidy) {
                    (true, true) => {
                        put!(
                            out,
                            "警告：已拨付 ",
                            y(disbursed),
                            "，超过核减后的补助合计 ",
                            y(limit),
                            "，多拨 ",
                            y(over)
                        );
                    }
                    (true, false) => {
                        put!(
                            out,
                            "已拨付 ",
                            y(disbursed),
                            "，超过按完工里程应拨付的 ",
                            y(limit),
                            "（超前拨付 ",
                            y(over),
                            "）"
                        );
                    }
                    (false, true) => {
                        put!(
                            out,
                            "warning: ",
                            y(disbursed),
                            " disbursed is more than the subsidy of ",
                            y(limit),
                            " after the budget's cut: ",
                            y(over),
                            " paid out too much"
                        );
                    }
                    (false, false) => {
                        put!(
                            out,
                            y(disbursed),
                            " disbursed is more than the ",
                            y(limit),
                            " due for the completed km (",
                            y(over),
                            " paid ahead of the work)"
                        );
                    }
                }
            }
            Note::Approved {
                fund: f,
                ceiling,
                approved,
            } => {
                if zh {
                    put!(
                        out,
                        fund(f),
                        "批复 ",
                        y(approved),
                        "（上限 ",
                        y(ceiling),
                        "）"
                    );
                } else {
                    put!(
                        out,
                        fund(f),
                        " approved at ",
                        y(approved),
                        " (ceiling ",
                        y(ceiling),
                        ")"
                    );
                }
            }
            Note::CutByBudget { cut, from, to, .. } => {
                write_cut_head(out, &cut, from, to, rules, lang);
                write_cut_tail(out, &cut, rules, lang);
            }
        }
    }
}

/// Whether no note under `rules` can hold a quote or a line break (CR or LF), so that a CSV
/// cell of notes needs quotes exactly when it holds a comma. A note's text is this file's
/// own words, numbers (digits, a sign, a point, commas between groups) and the names of the
/// rules' funds, classes and budgets (a budget with no name of its own is named by its
/// fund or source and class); of those only the names come from the user, so only they are
/// looked at.
pub fn names_quote_free(rules: &RuleSet) -> bool {
    let plain = |text: &str| !text.bytes().any(|b| matches!(b, b'"' | b'\r' | b'\n'));
    let both = |name: &str, name_en: Option<&str>| plain(name) && name_en.is_none_or(plain);
    rules
        .funds
        .iter()
        .all(|f| both(&f.name, f.name_en.as_deref()))
        && rules
            .classes
            .iter()
            .all(|c| both(&c.name, c.name_en.as_deref()))
        && rules
            .budgets
            .iter()
            .all(|b| b.name.as_deref().is_none_or(plain) && b.name_en.as_deref().is_none_or(plain))
}

/// The start of a budget's cut note: the fund and the amounts it is cut from and to.
pub fn write_cut_head(
    out: &mut (impl NoteSink + ?Sized),
    cut: &super::BudgetCut,
    from: Decimal,
    to: Decimal,
    rules: &RuleSet,
    lang: Lang,
) {
    let fund = rules.funds[cut.fund].display(lang);
    let y = |amount: Decimal| Yuan { amount, lang };
    if lang == Lang::Zh {
        put!(out, fund, "由 ", y(from), "核减为 ", y(to), "：");
    } else {
        put!(out, fund, " cut from ", y(from), " to ", y(to), ": ");
    }
}

/// The rest of a budget's cut note, after [`write_cut_head`]: the budget, what it holds, what
/// its rows asked and how it shares. The same for every row under one envelope, so a batch
/// writes it once per envelope and copies it.
pub fn write_cut_tail(
    out: &mut (impl NoteSink + ?Sized),
    cut: &super::BudgetCut,
    rules: &RuleSet,
    lang: Lang,
) {
    let zh = lang == Lang::Zh;
    let y = |amount: Decimal| Yuan { amount, lang };
    let budget = rules.budgets[cut.budget].display(rules, lang);
    let village = if cut.per_village {
        lang.pick(" (this village's envelope)", "本村的")
    } else {
        ""
    };
    if zh {
        let (asked, envelope) = (
            money::short_yuan(cut.asked),
            money::short_yuan(cut.envelope),
        );
        put!(
            out,
            village,
            budget.as_str(),
            "额度",
            envelope.as_str(),
            "元，各路段共申请",
            asked.as_str(),
            "元，",
            match cut.how {
                OnOverrun::InOrder => "按优先级依次足额安排",
                _ => "按申请额同比例分配",
            }
        );
    } else {
        put!(
            out,
            budget.as_str(),
            village,
            " holds ",
            y(cut.envelope),
            " and its segments asked ",
            y(cut.asked),
            ", ",
            match cut.how {
                OnOverrun::InOrder => "paid whole by priority until spent",
                _ => "shared in proportion to what each asked",
            }
        );
    }
}

/// Where a note's text is written: a `String`, or the bytes of a batch row, where the notes
/// cell is written in place (its amounts stored a word at a time, with no UTF-8 check).
/// Both take the same pieces, so a note's text is made in one place.
pub trait NoteSink {
    /// Appends text.
    fn push_str(&mut self, text: &str);
    /// Appends a measure as written ([`money::push_decimal`]).
    fn push_decimal(&mut self, value: Decimal);
    /// Appends an amount with its separators ([`money::push_grouped`]).
    fn push_grouped(&mut self, amount: Decimal);
}

impl NoteSink for String {
    fn push_str(&mut self, text: &str) {
        String::push_str(self, text);
    }
    fn push_decimal(&mut self, value: Decimal) {
        money::push_decimal(self, value);
    }
    fn push_grouped(&mut self, amount: Decimal) {
        money::push_grouped(self, amount);
    }
}

impl NoteSink for Vec<u8> {
    fn push_str(&mut self, text: &str) {
        self.extend_from_slice(text.as_bytes());
    }
    fn push_decimal(&mut self, value: Decimal) {
        // A measure in a note that holds an amount (a width's notes are kept as text).
        let mut text = String::new();
        money::push_decimal(&mut text, value);
        self.extend_from_slice(text.as_bytes());
    }
    fn push_grouped(&mut self, amount: Decimal) {
        money::push_grouped_bytes(self, amount);
    }
}

/// A piece of a note: text, a measure as written, or an amount with separators and its unit.
trait Put {
    fn put(self, out: &mut (impl NoteSink + ?Sized));
}

impl Put for &str {
    fn put(self, out: &mut (impl NoteSink + ?Sized)) {
        out.push_str(self);
    }
}

impl Put for Decimal {
    fn put(self, out: &mut (impl NoteSink + ?Sized)) {
        out.push_decimal(self);
    }
}

/// An amount in yuan as a note prints it: grouped, then its unit, so a note read beside
/// columns in 万元 cannot be taken for 万元 (and there is no piece for a bare amount).
struct Yuan {
    amount: Decimal,
    lang: Lang,
}

impl Put for Yuan {
    fn put(self, out: &mut (impl NoteSink + ?Sized)) {
        out.push_grouped(self.amount);
        out.push_str(self.lang.pick(" yuan", " 元"));
    }
}
