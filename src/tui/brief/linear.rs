//! What a row's part in the totals does when its one cut moves by a few fen. Under a
//! prorated envelope an edit moves the shares of hundreds of thousands of rows, nearly all
//! by a fen, and going back to each row's numbers to work out what that changes of the totals
//! costs most of an edit (the rows lie far apart in memory). But a row's part in the totals
//! is linear in its cut between two points: its subsidy and the fund's paid amount move fen
//! for fen with the cut, and the gap, the shortfall and what the sources give beyond the gap
//! each move against it or not at all, changing only where the gap or the gap less the
//! sources reaches zero. So what kind of row it is and how far its cut can move before one of
//! those is reached are kept beside the envelope ([`Linear`]), and a cut moving within that
//! room changes the totals by the kind's amounts, fen for fen, without reading the row.

use super::{
    CutChange, Mark, Shape, State, COMPLETED, COST, FUNDS, LENGTH, NONE, SOURCES, SUBSIDY,
};
use crate::rules::FundId;

/// The gap moves (against the cut).
const GAP: u8 = 1;
/// The shortfall moves (against the cut).
const SHORTFALL: u8 = 2;
/// What the sources give beyond the gap moves (with the cut).
const SURPLUS: u8 = 4;

/// How a row's part in the totals moves with its one cut, and how far the cut can move
/// either way while it moves so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Linear {
    /// Which of the gap, the shortfall and the surplus move; [`Linear::NOT`]'s when the
    /// row's part is not worked out this way.
    kind: u8,
    /// How many fen the cut can go down.
    down: u16,
    /// How many fen it can go up.
    up: u16,
}

impl Linear {
    /// A row whose totals are worked out from its numbers (not good, more than one
    /// allocating budget, no cut, or an amount due that moves with the subsidy).
    pub const NOT: Linear = Linear {
        kind: u8::MAX,
        down: 0,
        up: 0,
    };

    /// The kind of row it is, when the cut can move from `from` to `to` (fen) within its
    /// room; then the room is moved along with it.
    pub fn moved(&mut self, from: i64, to: i64) -> Option<u8> {
        if self.kind == Linear::NOT.kind {
            return None;
        }
        let by = i128::from(to) - i128::from(from);
        let (down, up) = (i128::from(self.down), i128::from(self.up));
        if by < -down || by > up {
            return None;
        }
        // Less room than there is is kept when it does not fit: it only sends the row the
        // long way sooner.
        let fit = |n: i128| u16::try_from(n).unwrap_or(u16::MAX);
        self.down = fit(down + by);
        self.up = fit(up - by);
        Some(self.kind)
    }

    /// Adds to `change` what cuts of rows of kind `kind` (on fund `fund`) moving by `fen` in
    /// all, each within its room, change of the totals: what [`Briefs::cut_change`](super::Briefs::cut_change)
    /// adds row by row.
    pub fn add(kind: u8, fen: i128, fund: FundId, change: &mut CutChange) {
        if change.paid.len() <= fund {
            change.paid.resize(fund + 1, 0);
        }
        if change.cuts.is_empty() {
            change.cuts.push((0, 0));
        }
        change.paid[fund] += fen;
        change.subsidy += fen;
        // What the cut took from what the row asked.
        change.cuts[0].0 -= fen;
        if kind & GAP != 0 {
            change.gap -= fen;
        }
        if kind & SHORTFALL != 0 {
            change.shortfall -= fen;
            // What the villages raise is the shortfall the cut made.
            change.cuts[0].1 -= fen;
        }
        if kind & SURPLUS != 0 {
            change.surplus += fen;
        }
    }
}

impl Shape {
    /// How the part in the totals of a row marked `mark`, of numbers `n`, moves with its cut.
    pub(super) fn linear(&self, mark: Mark, n: &[i64]) -> Linear {
        let [cut] = self.cuts[..] else {
            return Linear::NOT;
        };
        let x = n[self.cuts_at()];
        let asked = n[FUNDS + cut.fund];
        // Due (and so outstanding) moves with the subsidy unless no km is completed.
        let due_fixed = n[COMPLETED] == NONE || n[COMPLETED] == 0 || n[LENGTH] <= 0;
        if mark.state != State::Good || x == NONE || x < 0 || x >= asked || !due_fixed {
            return Linear::NOT;
        }
        let (x, asked) = (i128::from(x), i128::from(asked));
        // With cut x the subsidy is S − (asked − x), so the gap is max(0, g − x) and the
        // shortfall and surplus ± (g − x − sources) where positive: they bend at g and at
        // g − sources only.
        let g = i128::from(n[COST]) - i128::from(n[SUBSIDY]) + asked;
        let bends = [g - i128::from(n[SOURCES]), g];
        // The stretch from the last bend at or below x to the next above it, the cut staying
        // a cut (0 ≤ cut < asked).
        let low = bends
            .iter()
            .copied()
            .filter(|&b| b <= x)
            .max()
            .unwrap_or(0)
            .max(0);
        let high = bends
            .iter()
            .copied()
            .filter(|&b| b > x)
            .min()
            .unwrap_or(asked - 1)
            .min(asked - 1);
        let mut kind = 0;
        if x < g {
            kind |= GAP;
            kind |= if x < bends[0] { SHORTFALL } else { SURPLUS };
        }
        let fit = |n: i128| u16::try_from(n).unwrap_or(u16::MAX);
        Linear {
            kind,
            down: fit(x - low),
            up: fit(high - x),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::{Briefs, CutChange, Mark, State, NONE};
    use super::*;
    use crate::rules::RuleSet;

    fn briefs() -> Briefs {
        let rules = RuleSet::shipped_with_budgets(
            "[[budgets]]\nfund = \"poverty\"\nclass = \"group\"\nname = \"社级道路建设\"\namount = \"30万\"\non_overrun = \"prorate\"\n",
        );
        Briefs::new(&rules, 0)
    }

    fn good() -> Mark {
        Mark {
            state: State::Good,
            warns: false,
            class: 0,
        }
    }

    /// Compares the fields of two changes, lengths aside (an empty list adds nothing).
    fn same(a: &CutChange, b: &CutChange) -> bool {
        let pad = |v: &[i128], n: usize| {
            let mut v = v.to_vec();
            v.resize(n, 0);
            v
        };
        let pads = |v: &[(i128, i128)], n: usize| {
            let mut v = v.to_vec();
            v.resize(n, (0, 0));
            v
        };
        let (p, c) = (
            a.paid.len().max(b.paid.len()),
            a.cuts.len().max(b.cuts.len()),
        );
        pad(&a.paid, p) == pad(&b.paid, p)
            && pads(&a.cuts, c) == pads(&b.cuts, c)
            && (
                a.subsidy,
                a.gap,
                a.shortfall,
                a.surplus,
                a.due,
                a.outstanding,
            ) == (
                b.subsidy,
                b.gap,
                b.shortfall,
                b.surplus,
                b.due,
                b.outstanding,
            )
    }

    #[test]
    fn a_cut_moving_past_where_the_gap_less_the_sources_is_zero_is_not_taken_as_linear() {
        let b = briefs();
        let shape = &b.shape;
        let mut n = vec![0; shape.stride];
        let fund = shape.cuts[0].fund;
        // Asks 1,000 fen of the fund, subsidy 1,500 in all, cost 2,000, sources 200: g =
        // 2,000 − 1,500 + 1,000 = 1,500; the shortfall is zero from a cut of 1,300 up.
        n[COST] = 2_000;
        n[SUBSIDY] = 1_500;
        n[SOURCES] = 200;
        n[COMPLETED] = NONE;
        n[FUNDS + fund] = 1_000;
        n[shape.cuts_at()] = 900;
        let mut at = shape.linear(good(), &n);
        assert_eq!(
            at,
            Linear {
                kind: GAP | SHORTFALL,
                down: 900,
                up: 99
            }
        );
        assert_eq!(at.clone().moved(900, 999), Some(GAP | SHORTFALL));
        assert_eq!(at.moved(900, 1_000), None, "no longer a cut");
        n[COST] = 1_500;
        // g = 1,000: the shortfall is zero from 800 up, the gap from 1,000.
        let at = shape.linear(good(), &n);
        assert_eq!(
            at,
            Linear {
                kind: GAP | SURPLUS,
                down: 100,
                up: 99
            }
        );
        // At the bend itself, up from it: the shortfall stays zero, the surplus grows.
        n[shape.cuts_at()] = 800;
        let mut at = shape.linear(good(), &n);
        assert_eq!(
            at,
            Linear {
                kind: GAP | SURPLUS,
                down: 0,
                up: 199
            }
        );
        assert_eq!(
            at.moved(800, 799),
            None,
            "below the bend the shortfall moves"
        );
        let mut row = CutChange::default();
        assert!(shape.cut_change(good(), &n, &[800], &[801], &mut row));
        assert_eq!((row.gap, row.shortfall, row.surplus), (-1, 0, 1));
    }

    fn amount() -> impl Strategy<Value = i64> {
        prop_oneof![0i64..3_000, 0i64..10_000_000, -5i64..5]
    }

    proptest! {
        #[test]
        fn a_cut_moving_within_its_room_changes_the_totals_as_the_row_worked_out_again(
            (cost, subsidy, sources, asked) in (amount(), amount(), amount(), 1i64..5_000),
            other in amount(),
            completed in prop_oneof![Just(NONE), Just(0i64), 0i64..5_000],
            (length, disbursed) in (prop_oneof![Just(0i64), 1i64..5_000], prop_oneof![Just(NONE), amount()]),
            (x, bend, off) in (0i64..5_000, prop_oneof![Just(None), Just(Some(0usize)), Just(Some(1usize))], -1i64..=1),
            (shift, far, near) in (-3i64..=3, 0i64..5_000, any::<bool>()),
        ) {
            let b = briefs();
            let shape = &b.shape;
            let mut n = vec![0; shape.stride];
            let fund = shape.cuts[0].fund;
            n[COST] = cost;
            n[SUBSIDY] = subsidy.max(asked);
            n[SOURCES] = sources;
            n[COMPLETED] = completed;
            n[LENGTH] = length;
            n[super::super::DISBURSED] = disbursed;
            n[FUNDS + fund] = asked;
            n[FUNDS + 1 - fund] = other;
            let x = x % asked;
            // Often at or beside a bend, g − sources or g (g = cost − subsidy + asked): the
            // cost is set so.
            match bend {
                Some(0) => n[COST] = x - off + sources + n[SUBSIDY] - asked,
                Some(_) => n[COST] = x - off + n[SUBSIDY] - asked,
                None => {}
            }
            n[shape.cuts_at()] = x;
            // Mostly by a fen or two, as shares move.
            let to = if near { (x + shift).max(0) } else { far };
            let mut linear = shape.linear(good(), &n);
            let Some(kind) = linear.moved(x, to) else {
                return Ok(());
            };
            let mut row = CutChange::default();
            prop_assert!(shape.cut_change(good(), &n, &[x], &[to], &mut row));
            let mut fast = CutChange::default();
            Linear::add(kind, i128::from(to) - i128::from(x), fund, &mut fast);
            prop_assert!(same(&row, &fast), "{:?} {:?}", row, fast);
        }
    }
}
