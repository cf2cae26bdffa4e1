//! One segment in, its breakdown out: what each fund pays, the subsidy, the shortfall and why.
//!
//! This is SPEC §3 and nothing else: pure functions of a [`Segment`] and a [`RuleSet`], no I/O.
//! The batch run and every screen show the same numbers because they all call [`compute`].

mod note;

use rust_decimal::Decimal;

pub use note::Note;

use crate::money::MAX_YUAN;
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
pub fn compute_into(
    rules: &RuleSet,
    segment: &Segment,
    out: &mut Breakdown,
) -> Result<(), Overflow> {
    let round = |x: Decimal| rules.meta.rounding.to_fen(x);
    // Exact integer arithmetic for the usual small non-negative operands, Decimal otherwise:
    // both round the same way (money::tests pins that).
    let mul = |a: Decimal, b: Decimal| match crate::money::mul_to_fen(a, b, rules.meta.rounding) {
        Some(v) => Ok(v),
        None => a.checked_mul(b).map(round).ok_or(Overflow),
    };
    out.shares.clear();
    out.notes.clear();
    out.cost = match segment.cost {
        Cost::Total(c) => round(c),
        Cost::PerKm(per_km) => mul(per_km, segment.length_km)?,
    };
    if out.cost > MAX_YUAN {
        // A cost per km times a long road can leave the range every total is exact in.
        return Err(Overflow);
    }
    let mut left = out.cost;
    let mut total = Decimal::ZERO;
    for (fund_id, fund) in rules.funds.iter().enumerate() {
        let tier = rules.tier_for(segment.class, fund_id, segment.width_m);
        let nominal = match tier {
            TierChoice::Tier(t) => {
                let min = fund.tiers[t].min_width_m;
                if let Some(next) = rules.next_tier_above(segment.class, fund_id, segment.width_m) {
                    if segment.width_m > min {
                        out.notes.push(Note::BetweenTiers {
                            fund: fund_id,
                            width: segment.width_m,
                            min,
                            next,
                        });
                    }
                }
                mul(fund.tiers[t].rate_per_km, segment.length_km)?
            }
            TierChoice::BelowMinimum(min) => {
                out.notes.push(Note::BelowMinimum {
                    fund: fund_id,
                    width: segment.width_m,
                    min,
                });
                Decimal::ZERO
            }
            TierChoice::NoTierForClass => {
                out.notes.push(Note::NoTier {
                    fund: fund_id,
                    class: segment.class,
                });
                Decimal::ZERO
            }
        };
        let paid = nominal.min(left);
        if paid < nominal {
            out.notes.push(Note::CutByCost {
                fund: fund_id,
                nominal,
                paid,
            });
        }
        left = left.checked_sub(paid).ok_or(Overflow)?;
        total = total.checked_add(paid).ok_or(Overflow)?;
        out.shares.push(Share {
            tier,
            nominal,
            paid,
        });
    }
    out.subsidy_total = total;
    let after_other = left.checked_sub(segment.other_funds).ok_or(Overflow)?;
    if after_other.is_sign_negative() && !after_other.is_zero() {
        out.notes.push(Note::OtherFundsExceed {
            surplus: -after_other,
        });
    }
    out.shortfall = after_other.max(Decimal::ZERO);
    out.shortfall.rescale(2);
    out.per_household = match segment.households {
        Some(n) => Some(round(
            out.shortfall
                .checked_div(Decimal::from(n))
                .ok_or(Overflow)?,
        )),
        None => None,
    };
    Ok(())
}

#[cfg(test)]
mod tests;
