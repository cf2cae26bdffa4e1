//! One segment in, its breakdown out: what each fund pays, the subsidy, the shortfall and why.
//!
//! This is SPEC §3 and nothing else: pure functions of a [`Segment`] and a [`RuleSet`], no I/O.
//! The batch run and every screen show the same numbers because they all call [`compute`].

mod note;

use rust_decimal::Decimal;

pub use note::Note;

use crate::money;
use crate::rules::{ClassId, RuleSet, TierChoice};

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
    /// Integrated funds already secured, yuan.
    pub other_funds: Decimal,
    /// Households that benefit, when known.
    pub households: Option<u32>,
    /// Km already finished, when known; never more than the length.
    pub completed_km: Option<Decimal>,
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
    /// max(0, cost − subsidy − other funds).
    pub shortfall: Decimal,
    /// shortfall ÷ households, rounded, when households is given.
    pub per_household: Option<Decimal>,
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
    let rounding = rules.meta.rounding;
    // Exact integer arithmetic for the usual small non-negative operands, Decimal otherwise:
    // both round the same way (money::round::tests pins that).
    let mul = |a: Decimal, b: Decimal| match money::mul_to_fen(a, b, rounding) {
        Some(v) => Ok(v),
        None => a.checked_mul(b).map(|x| rounding.to_fen(x)).ok_or(Overflow),
    };
    let yuan = |fen: i128| money::from_fen(fen).ok_or(Overflow);
    out.shares.clear();
    out.notes.clear();
    out.cost = match segment.cost {
        Cost::Total(c) => rounding.to_fen(c),
        Cost::PerKm(per_km) => mul(per_km, segment.length_km)?,
    };
    let cost = rounding.fen(out.cost);
    if cost > money::MAX_FEN {
        // A cost per km times a long road can leave the range every total is exact in.
        return Err(Overflow);
    }
    if let Some((low, high)) = rules.meta.plausible_cost_per_km {
        if let Some(note) = implausible(cost, segment, low, high, rounding) {
            out.notes.push(note);
        }
    }
    let mut left = cost;
    let mut total = 0i128;
    for (fund_id, fund) in rules.funds.iter().enumerate() {
        let (tier, next) = rules.tier_and_next(segment.class, fund_id, segment.width_m);
        let nominal = match tier {
            TierChoice::Tier(t) => {
                let min = fund.tiers[t].min_width_m;
                if let Some(next) = next {
                    out.notes.push(Note::BetweenTiers {
                        fund: fund_id,
                        width: segment.width_m,
                        min,
                        next,
                    });
                }
                rounding.fen(mul(fund.tiers[t].rate_per_km, segment.length_km)?)
            }
            TierChoice::BelowMinimum(min) => {
                out.notes.push(Note::BelowMinimum {
                    fund: fund_id,
                    width: segment.width_m,
                    min,
                });
                0
            }
            TierChoice::NoTierForClass => {
                out.notes.push(Note::NoTier {
                    fund: fund_id,
                    class: segment.class,
                });
                0
            }
        };
        let paid = nominal.min(left);
        let cut = paid < nominal;
        let (nominal, paid_yuan) = (yuan(nominal)?, yuan(paid)?);
        if cut {
            out.notes.push(Note::CutByCost {
                fund: fund_id,
                nominal,
                paid: paid_yuan,
            });
        }
        // Both at most the cost, which is within MAX_YUAN.
        left -= paid;
        total += paid;
        out.shares.push(Share {
            tier,
            nominal,
            paid: paid_yuan,
        });
    }
    out.subsidy_total = yuan(total)?;
    let after_other = left - rounding.fen(segment.other_funds);
    if after_other < 0 {
        out.notes.push(Note::OtherFundsExceed {
            surplus: yuan(-after_other)?,
        });
    }
    let shortfall = after_other.max(0);
    out.shortfall = yuan(shortfall)?;
    out.per_household = match segment.households {
        Some(0) => return Err(Overflow),
        Some(n) => Some(yuan(rounding.div_fen(shortfall, i128::from(n)))?),
        None => None,
    };
    Ok(())
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
