//! One segment in, its breakdown out: what each fund pays, the subsidy, the shortfall and why.
//!
//! This is SPEC §3 and nothing else: pure functions of a [`Segment`] and a [`RuleSet`], no I/O.
//! The batch run and every screen show the same numbers because they all call [`compute`].

mod note;

use rust_decimal::Decimal;

pub use note::{names_quote_free, write_cut_head, write_cut_tail, Note, NoteSink};

use crate::money;
use crate::rules::{ClassId, FundId, OnOverrun, RuleSet, TierChoice, When};

/// How the cost of a segment was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cost {
    /// The whole cost in yuan.
    Total(Decimal),
    /// Yuan per km; the cost is this × length, rounded to the fen.
    PerKm(Decimal),
}

/// A planned segment with checked values (SPEC §3 inputs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Road class.
    pub class: ClassId,
    /// Width in metres.
    pub width_m: Decimal,
    /// Length in km, more than zero.
    pub length_km: Decimal,
    /// Cost, whole or per km.
    pub cost: Cost,
    /// The plan's own money for the gap, yuan (SPEC §8): 整合资金, 一事一议, 农户自筹, 村项目资金.
    pub sources: Sources,
    /// Amounts approved for ceiling funds (以内), by fund, when the table gives them (SPEC §8);
    /// empty for most rows, so no allocation.
    pub approved: Vec<(FundId, Decimal)>,
    /// Paid out already, yuan, when the table says (已拨付).
    pub disbursed: Option<Decimal>,
    /// Order under an `in_order` budget (优先级: lower first), when the table gives one.
    pub priority: Option<i64>,
    /// Households that benefit, when known.
    pub households: Option<u32>,
    /// Km already finished, when known; never more than the length.
    pub completed_km: Option<Decimal>,
    /// The day or year the row gives (SPEC §9); `None`: the rules' as-of day dates it.
    pub date: Option<When>,
}

impl Segment {
    /// A segment of `class`, `width_m` wide and `length_km` long costing `cost`, with none of
    /// the optional inputs (sources, approvals, payments, priority, households, progress,
    /// date).
    pub fn new(class: ClassId, width_m: Decimal, length_km: Decimal, cost: Cost) -> Segment {
        Segment {
            class,
            width_m,
            length_km,
            cost,
            sources: Sources::default(),
            approved: Vec::new(),
            disbursed: None,
            priority: None,
            households: None,
            completed_km: None,
            date: None,
        }
    }
}

/// Where the money for a segment's gap comes from besides the funds (SPEC §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    /// 整合资金: other project funds integrated.
    OtherFunds,
    /// 一事一议筹资.
    YishiYiyi,
    /// 农户自筹.
    SelfRaised,
    /// 村项目资金.
    VillageFund,
}

impl Source {
    /// Every source, in the SPEC's order.
    pub const ALL: [Source; 4] = [
        Source::OtherFunds,
        Source::YishiYiyi,
        Source::SelfRaised,
        Source::VillageFund,
    ];

    /// The id a rules file and the output use (`village_fund`).
    pub fn key(self) -> &'static str {
        match self {
            Source::OtherFunds => "other_funds",
            Source::YishiYiyi => "yishi_yiyi",
            Source::SelfRaised => "self_raised",
            Source::VillageFund => "village_fund",
        }
    }

    /// The source a rules file names `key`, if any.
    pub fn from_key(key: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|s| s.key() == key)
    }

    /// Its name in `lang` (村项目资金, village project fund).
    pub fn display(self, lang: crate::i18n::Lang) -> &'static str {
        let (en, zh) = match self {
            Source::OtherFunds => ("integrated funds", "整合资金"),
            Source::YishiYiyi => ("one-matter-one-discussion funds", "一事一议筹资"),
            Source::SelfRaised => ("raised by households", "农户自筹"),
            Source::VillageFund => ("village project fund", "村项目资金"),
        };
        lang.pick(en, zh)
    }
}

/// The amount of each [`Source`] a segment has, yuan (0 when the table gives none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sources(pub [Decimal; 4]);

impl Sources {
    /// The amount from `source`.
    pub fn get(&self, source: Source) -> Decimal {
        self.0[source as usize]
    }

    /// Sets the amount from `source`.
    pub fn set(&mut self, source: Source, amount: Decimal) {
        self.0[source as usize] = amount;
    }

    /// Only integrated funds (the one source older tables have).
    pub fn other_funds(amount: Decimal) -> Sources {
        let mut s = Sources::default();
        s.set(Source::OtherFunds, amount);
        s
    }
}

/// What one fund pays for one segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share {
    /// The tier used, as an index into the fund's tiers, or why none applies.
    pub tier: TierChoice,
    /// rate × length, rounded; zero when no tier applies.
    pub nominal: Decimal,
    /// What the fund pays: the nominal, cut to what the cost leaves.
    pub paid: Decimal,
}

/// The breakdown of one segment (SPEC §3 outputs).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Breakdown {
    /// The cost in yuan (given, or per km × length, rounded).
    pub cost: Decimal,
    /// One share per fund, in rules order.
    pub shares: Vec<Share>,
    /// Σ paid.
    pub subsidy_total: Decimal,
    /// 差额: max(0, cost − subsidy).
    pub gap: Decimal,
    /// 尚需筹集: max(0, gap − Σ sources).
    pub shortfall: Decimal,
    /// shortfall ÷ households, rounded, when households is given.
    pub per_household: Option<Decimal>,
    /// 应拨付: subsidy × completed ÷ length, rounded, when completed km is given.
    pub due: Option<Decimal>,
    /// 待拨付: max(0, due − disbursed), when both are known.
    pub outstanding: Option<Decimal>,
    /// What a reader should know about this row.
    pub notes: Vec<Note>,
}

/// An amount left the range in which every step is exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overflow;

/// Computes the breakdown of `segment` under `rules` (SPEC §3).
pub fn compute(rules: &RuleSet, segment: &Segment) -> Result<Breakdown, Overflow> {
    let mut out = Breakdown::default();
    compute_into(rules, segment, &mut out)?;
    Ok(out)
}

/// [`compute`] into an existing breakdown, reusing its allocations (the batch hot path).
///
/// Amounts are whole numbers of fen inside (in `i128`, far beyond any amount that fits a
/// `Decimal`), so every step is exact and cheap; they become `Decimal`s on the way out.
pub fn compute_into(
    rules: &RuleSet,
    segment: &Segment,
    out: &mut Breakdown,
) -> Result<(), Overflow> {
    let (cost, total) = funds_into(rules, segment, out, true)?;
    settle_fen(rules, segment, out, cost, total, true)
}

/// [`compute_into`] for a caller that reads only the cost, the shares and the subsidy (a
/// budget's counting pass): those are [`compute_into`]'s, and it fails exactly when
/// [`compute_into`] does, but the rest of `out` may be left as an earlier row had it, and it
/// makes no notes. What follows from the shares is worked out only when it might fail.
pub fn shares_into(
    rules: &RuleSet,
    segment: &Segment,
    out: &mut Breakdown,
) -> Result<(), Overflow> {
    let (cost, total) = funds_into(rules, segment, out, false)?;
    if settles_surely(segment, out) {
        return Ok(());
    }
    settle_fen(rules, segment, out, cost, total, true)
}

/// Whether [`settle`] surely succeeds on `segment` with the funds worked out in `out`: the
/// cost and the subsidy whole fen from zero to [`money::MAX_YUAN`], households not zero, the
/// completed length from zero to the length, both in µkm, and every source and the amount
/// disbursed whole fen within `MAX_YUAN` either way. Then every amount settle makes is within
/// a few times `MAX_YUAN` and every conversion fits. Checked input always is.
fn settles_surely(segment: &Segment, out: &Breakdown) -> bool {
    let max = i64::try_from(money::MAX_FEN).unwrap_or(0);
    let within = |amount: Decimal| money::exact_fen(amount).is_some_and(|f| -max <= f && f <= max);
    let up_to_max =
        |amount: Decimal| money::exact_fen(amount).is_some_and(|f| (0..=max).contains(&f));
    let completed = match segment.completed_km {
        None => true,
        Some(done) => match (
            money::units(done, money::LENGTH_DP),
            money::units(segment.length_km, money::LENGTH_DP),
        ) {
            (Some(done), Some(length)) => length > 0 && (0..=length).contains(&done),
            _ => false,
        },
    };
    up_to_max(out.cost)
        && up_to_max(out.subsidy_total)
        && segment.households != Some(0)
        && completed
        && segment.sources.0.iter().all(|&s| s.is_zero() || within(s))
        && segment.disbursed.is_none_or(within)
}

/// The first half of [`compute_into`]: the cost, each fund's share and the subsidy, and, with
/// `notes`, the notes they make (without them, it fails all the same). Returns the cost and
/// the subsidy in fen, which [`settle_fen`] goes on with.
fn funds_into(
    rules: &RuleSet,
    segment: &Segment,
    out: &mut Breakdown,
    notes: bool,
) -> Result<(i128, i128), Overflow> {
    let rounding = rules.meta.rounding;
    // Exact integer arithmetic for the usual small non-negative operands, Decimal otherwise:
    // both round the same way (money::round::tests and engine::props pin that). Each gives
    // the amount in fen; the general path also gives the `Decimal` it rounded to.
    let mul = |a: Decimal, b: Decimal| match money::mul_fen(a, b, rounding) {
        Some(fen) => Ok((fen, None)),
        None => {
            let exact = a
                .checked_mul(b)
                .map(|x| rounding.to_fen(x))
                .ok_or(Overflow)?;
            Ok((rounding.fen(exact), Some(exact)))
        }
    };
    let yuan = |fen: i128| money::from_fen(fen).ok_or(Overflow);
    out.shares.clear();
    out.notes.clear();
    let (cost, cost_yuan) = match segment.cost {
        // A cost in whole fen (nearly every one) is taken as it is.
        Cost::Total(c) => match money::exact_fen(c) {
            Some(fen) => (i128::from(fen), money::yuan_of_fen(fen)),
            None => {
                let exact = rounding.to_fen(c);
                (rounding.fen(exact), exact)
            }
        },
        Cost::PerKm(per_km) => match mul(per_km, segment.length_km)? {
            (fen, Some(exact)) => (fen, exact),
            (fen, None) => (fen, yuan(fen)?),
        },
    };
    out.cost = cost_yuan;
    if cost > money::MAX_FEN {
        // A cost per km times a long road can leave the range every total is exact in.
        return Err(Overflow);
    }
    if let Some((low, high)) = rules.meta.plausible_cost_per_km.filter(|_| notes) {
        if let Some(note) = implausible(cost, segment, low, high, rounding) {
            out.notes.push(note);
        }
    }
    let mut left = cost;
    let mut total = 0i128;
    for (fund_id, fund) in rules.funds.iter().enumerate() {
        let (tier, next) =
            rules.tier_and_next_on(segment.class, fund_id, segment.width_m, segment.date);
        let nominal = match tier {
            TierChoice::Tier(t) => {
                let min = fund.tiers[t].min_width_m;
                if let Some(next) = next.filter(|_| notes) {
                    out.notes.push(Note::BetweenTiers {
                        fund: fund_id,
                        width: segment.width_m,
                        min,
                        next,
                    });
                }
                mul(fund.tiers[t].rate_per_km, segment.length_km)?.0
            }
            TierChoice::BelowMinimum(min) => {
                if notes {
                    out.notes.push(Note::BelowMinimum {
                        fund: fund_id,
                        width: segment.width_m,
                        min,
                    });
                }
                0
            }
            TierChoice::NoTierForClass => {
                if notes {
                    out.notes.push(Note::NoTier {
                        fund: fund_id,
                        class: segment.class,
                    });
                }
                0
            }
        };
        let approved = segment
            .approved
            .iter()
            .find(|(f, _)| *f == fund_id)
            .map(|&(_, a)| rounding.fen(a));
        // What the fund offers: the nominal, or the amount approved under its ceiling (more
        // than the ceiling is the row's error, judged by `table::row::evaluate`).
        let offered = match approved {
            Some(a) if fund.up_to && a < nominal => {
                // Both convert when the nominal does, which the share below converts too.
                if notes {
                    out.notes.push(Note::Approved {
                        fund: fund_id,
                        ceiling: yuan(nominal)?,
                        approved: yuan(a.max(0))?,
                    });
                }
                a.max(0)
            }
            _ => nominal,
        };
        let paid = offered.min(left);
        let cut = paid < offered;
        // What is offered is the nominal, or an amount from zero to it: it converts when the
        // nominal does, so only a note needs it apart.
        let nominal_yuan = yuan(nominal)?;
        let paid_yuan = if paid == nominal {
            nominal_yuan
        } else {
            yuan(paid)?
        };
        if cut && notes {
            out.notes.push(Note::CutByCost {
                fund: fund_id,
                nominal: yuan(offered)?,
                paid: paid_yuan,
            });
        }
        // Both at most the cost, which is within MAX_YUAN.
        left -= paid;
        total += paid;
        out.shares.push(Share {
            tier,
            nominal: nominal_yuan,
            paid: paid_yuan,
        });
    }
    out.subsidy_total = yuan(total)?;
    Ok((cost, total))
}

/// Works out everything that follows from the funds' amounts (SPEC §8): the gap, what the
/// sources leave of it (a surplus noted), per household, due and outstanding. Called by
/// [`compute_into`], and again by [`cut`] when a budget pays a fund less.
fn settle(rules: &RuleSet, segment: &Segment, out: &mut Breakdown) -> Result<(), Overflow> {
    let rounding = rules.meta.rounding;
    let (cost, total) = (rounding.fen(out.cost), rounding.fen(out.subsidy_total));
    settle_fen(rules, segment, out, cost, total, false)
}

/// [`settle`], given the cost and the subsidy in fen (what `out` holds, in yuan); `fresh`
/// when `out`'s notes are only those [`funds_into`] just made, so none of settle's own is
/// there to replace.
fn settle_fen(
    rules: &RuleSet,
    segment: &Segment,
    out: &mut Breakdown,
    cost: i128,
    total: i128,
    fresh: bool,
) -> Result<(), Overflow> {
    let rounding = rules.meta.rounding;
    let yuan = |fen: i128| money::from_fen(fen).ok_or(Overflow);
    let gap = (cost - total).max(0);
    out.gap = yuan(gap)?;
    // Most rows have no source at all: a zero costs no conversion.
    let sources = segment
        .sources
        .0
        .iter()
        .filter(|s| !s.is_zero())
        .try_fold(0i128, |sum, s| sum.checked_add(rounding.fen(*s)))
        .ok_or(Overflow)?;
    if !fresh {
        out.notes
            .retain(|n| !matches!(n, Note::SourcesExceed { .. }));
    }
    if sources > gap {
        out.notes.push(Note::SourcesExceed {
            surplus: yuan(sources - gap)?,
        });
    }
    let shortfall = (gap - sources).max(0);
    out.shortfall = yuan(shortfall)?;
    out.per_household = match segment.households {
        Some(0) => return Err(Overflow),
        Some(n) => Some(yuan(rounding.div_fen(shortfall, i128::from(n)))?),
        None => None,
    };
    out.due = match segment.completed_km {
        Some(done) => {
            // total × done ÷ length, exactly: lengths in µkm.
            let done = i128::from(money::units(done, money::LENGTH_DP).ok_or(Overflow)?);
            let length =
                i128::from(money::units(segment.length_km, money::LENGTH_DP).ok_or(Overflow)?);
            if length <= 0 {
                return Err(Overflow);
            }
            let scaled = total.checked_mul(done).ok_or(Overflow)?;
            Some(yuan(rounding.div_fen(scaled, length))?)
        }
        None => None,
    };
    out.outstanding = match (out.due, segment.disbursed) {
        (Some(due), Some(paid)) => Some(yuan((rounding.fen(due) - rounding.fen(paid)).max(0))?),
        _ => None,
    };
    // Paid out ahead of the work, or (after a budget cut the subsidy) beyond the subsidy.
    if !fresh {
        out.notes
            .retain(|n| !matches!(n, Note::OverDisbursed { .. }));
    }
    if let Some(paid) = segment.disbursed {
        let paid = rounding.fen(paid);
        let limit = match out.due {
            _ if paid > total => Some((total, true)),
            Some(due) if paid > rounding.fen(due) => Some((rounding.fen(due), false)),
            _ => None,
        };
        if let Some((limit, of_subsidy)) = limit {
            out.notes.push(Note::OverDisbursed {
                disbursed: yuan(paid)?,
                limit: yuan(limit)?,
                of_subsidy,
            });
        }
    }
    Ok(())
}

/// A budget pays fund `fund` of this segment `to` (in fen) instead of what it was paying
/// (SPEC §8): the fund's amount is cut, the row says by which budget and why, and the
/// subsidy, gap, shortfall, per household, due and outstanding follow. No other fund grows.
/// `asked` and `envelope` are what the rows under the budget asked of it and what it holds.
pub fn cut(
    rules: &RuleSet,
    segment: &Segment,
    out: &mut Breakdown,
    cut: BudgetCut,
    to: i128,
) -> Result<(), Overflow> {
    let rounding = rules.meta.rounding;
    let yuan = |fen: i128| money::from_fen(fen).ok_or(Overflow);
    let share = out.shares.get_mut(cut.fund).ok_or(Overflow)?;
    let from = rounding.fen(share.paid);
    if to >= from {
        return Ok(());
    }
    let to = to.max(0);
    share.paid = yuan(to)?;
    let total = rounding.fen(out.subsidy_total) - (from - to);
    out.subsidy_total = yuan(total)?;
    let before = out.shortfall;
    settle(rules, segment, out)?;
    // The notes settle keeps (a surplus) stay last; the cut goes before them.
    let at = out
        .notes
        .iter()
        .position(|n| matches!(n, Note::SourcesExceed { .. } | Note::OverDisbursed { .. }))
        .unwrap_or(out.notes.len());
    out.notes.insert(
        at,
        Note::CutByBudget {
            cut,
            from: yuan(from)?,
            to: yuan(to)?,
            raised: out.shortfall - before,
        },
    );
    Ok(())
}

/// Which budget cut a fund, how, and what the rows under it asked of what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BudgetCut {
    /// The fund cut.
    pub fund: FundId,
    /// The budget (its place in the rules).
    pub budget: usize,
    /// The village, for a budget per village (the note names it).
    pub per_village: bool,
    /// Prorated or paid in order.
    pub how: OnOverrun,
    /// Σ asked of the envelope, yuan.
    pub asked: Decimal,
    /// The envelope, yuan.
    pub envelope: Decimal,
}

/// The warning for a cost (in fen) whose cost per km is outside `[low, high]` yuan, if it is.
/// Compared exactly, in integers: cost × 10⁶ against the bound × length in µkm.
fn implausible(
    cost: i128,
    segment: &Segment,
    low: Decimal,
    high: Decimal,
    rounding: money::Rounding,
) -> Option<Note> {
    let length_ukm = money::units(segment.length_km, money::LENGTH_DP)?;
    let scaled = |bound: Decimal| rounding.fen(bound).checked_mul(i128::from(length_ukm));
    let cost_scaled = cost.checked_mul(1_000_000)?;
    let too_low = cost_scaled < scaled(low)?;
    let too_high = cost_scaled > scaled(high)?;
    if !(too_low || too_high) {
        return None;
    }
    let per_km = match segment.cost {
        Cost::PerKm(per_km) => rounding.to_fen(per_km),
        Cost::Total(_) if length_ukm > 0 => {
            let fen = rounding.div_fen(cost.checked_mul(1_000_000)?, i128::from(length_ukm));
            money::from_fen(fen)?
        }
        Cost::Total(_) => return None,
    };
    Some(Note::ImplausibleCost {
        cost: money::from_fen(cost)?,
        per_km,
        low,
        high,
        too_low,
    })
}

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;
