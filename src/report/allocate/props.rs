//! SPEC §8's promises about allocation, as properties over random rows: prorate pays the
//! envelope exactly, never more than asked, each row within a fen of its exact share, the same
//! whatever the chunking; in_order pays min(D, E), row by row in priority then input order.
//! The exact-share check multiplies in a reference of its own (32-bit limbs), so amounts past
//! 128-bit products are checked too.

use proptest::prelude::*;

use super::*;

/// A non-negative whole number in 32-bit limbs, least significant first: the reference.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Big(Vec<u64>);

impl Big {
    fn from(n: i128) -> Big {
        assert!(n >= 0);
        let mut n = n as u128;
        let mut limbs = Vec::new();
        while n > 0 {
            limbs.push((n & 0xFFFF_FFFF) as u64);
            n >>= 32;
        }
        Big(limbs).trim()
    }

    fn trim(mut self) -> Big {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
        self
    }

    fn mul(&self, other: &Big) -> Big {
        let mut out = vec![0u64; self.0.len() + other.0.len() + 1];
        for (i, &x) in self.0.iter().enumerate() {
            let mut carry = 0u64;
            for (j, &y) in other.0.iter().enumerate() {
                let t = out[i + j] + x * y + carry;
                out[i + j] = t & 0xFFFF_FFFF;
                carry = t >> 32;
            }
            let mut k = i + other.0.len();
            while carry > 0 {
                let t = out[k] + carry;
                out[k] = t & 0xFFFF_FFFF;
                carry = t >> 32;
                k += 1;
            }
        }
        Big(out).trim()
    }

    fn add(&self, other: &Big) -> Big {
        let len = self.0.len().max(other.0.len()) + 1;
        let mut out = vec![0u64; len];
        let mut carry = 0;
        for (i, slot) in out.iter_mut().enumerate() {
            let t = self.0.get(i).unwrap_or(&0) + other.0.get(i).unwrap_or(&0) + carry;
            *slot = t & 0xFFFF_FFFF;
            carry = t >> 32;
        }
        Big(out).trim()
    }

    fn lt(&self, other: &Big) -> bool {
        if self.0.len() != other.0.len() {
            return self.0.len() < other.0.len();
        }
        self.0.iter().rev().lt(other.0.iter().rev())
    }
}

/// |a·D − p·E| < D, said without subtraction: a·D < p·E + D and p·E < a·D + D.
fn within_a_fen(a: i128, p: i128, demand: i128, envelope: i128) -> bool {
    let (a, p, d, e) = (
        Big::from(a),
        Big::from(p),
        Big::from(demand),
        Big::from(envelope),
    );
    let (ad, pe) = (a.mul(&d), p.mul(&e));
    ad.lt(&pe.add(&d)) && pe.lt(&ad.add(&d))
}

/// Rows and an envelope: amounts up to `max` fen (zeros often), the envelope anywhere from
/// nothing to past the total asked.
fn rows_and_envelope(max: i128, rows: usize) -> impl Strategy<Value = (Vec<i128>, i128)> {
    prop::collection::vec(prop_oneof![1 => Just(0i128), 4 => 0..=max], 0..rows).prop_flat_map(
        |asked| {
            let demand: i128 = asked.iter().sum();
            (Just(asked), 0..=demand.saturating_add(demand / 4).max(1))
        },
    )
}

/// Cuts `0..len` into chunks whose lengths come from `cuts`.
fn chunks(len: usize, cuts: &[usize]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut cuts = cuts.iter().cycle();
    while start < len {
        let end = (start + cuts.next().copied().unwrap_or(len)).min(len);
        out.push(start..end);
        start = end;
    }
    out
}

fn check_prorate(asked: &[i128], envelope: i128) -> Result<(), TestCaseError> {
    let paid = prorate(asked, envelope).unwrap();
    let demand: i128 = asked.iter().sum();
    prop_assert_eq!(paid.len(), asked.len());
    if demand <= envelope {
        prop_assert_eq!(&paid, &asked.to_vec());
        return Ok(());
    }
    prop_assert_eq!(paid.iter().sum::<i128>(), envelope);
    for (&a, &p) in paid.iter().zip(asked) {
        prop_assert!(0 <= a && a <= p, "paid {} of {}", a, p);
        prop_assert!(
            within_a_fen(a, p, demand, envelope),
            "paid {} of {}: not within a fen of {}·{}/{}",
            a,
            p,
            p,
            envelope,
            demand
        );
    }
    Ok(())
}

proptest! {
    #[test]
    fn prorate_pays_the_envelope_exactly_never_more_than_asked_each_within_a_fen(
        (asked, envelope) in rows_and_envelope(100_000_000_000_000_000, 40),
    ) {
        check_prorate(&asked, envelope)?;
    }

    #[test]
    fn prorate_keeps_its_promises_for_amounts_whose_products_pass_128_bits(
        (asked, envelope) in rows_and_envelope(i128::MAX / 64, 32),
    ) {
        check_prorate(&asked, envelope)?;
    }

    #[test]
    fn a_streamed_row_is_paid_the_step_of_the_running_floor_whichever_division_finds_it(
        (asked, envelope) in prop_oneof![
            rows_and_envelope(100_000_000, 40),
            rows_and_envelope(100_000_000_000_000_000, 40),
            rows_and_envelope(i128::MAX / 64, 32),
        ],
        before in 0usize..40,
    ) {
        // Each row's share from the running sums alone, by the long division.
        let demand: i128 = asked.iter().sum();
        let floor = |s: i128| -> i128 {
            if demand <= envelope {
                return s;
            }
            let f = mul_div_floor(envelope as u128, s as u128, demand as u128);
            i128::try_from(f).unwrap()
        };
        let before = before.min(asked.len());
        let start: i128 = asked[..before].iter().sum();
        let mut prorater = Prorater::starting_after(demand, envelope, start).unwrap();
        let mut running = start;
        for &p in &asked[before..] {
            let share = prorater.next(p).unwrap();
            prop_assert_eq!(share, floor(running + p) - floor(running));
            running += p;
        }
        prop_assert_eq!(prorater.finish(), Ok(demand.min(envelope)));
    }

    #[test]
    fn prorate_in_chunks_pays_what_prorate_at_once_pays(
        (asked, envelope) in rows_and_envelope(100_000_000_000_000_000, 60),
        cuts in prop::collection::vec(1usize..8, 1..6),
    ) {
        let whole = prorate(&asked, envelope).unwrap();
        let demand: i128 = asked.iter().sum();
        // Each chunk on its own, set up from the rows before it, as threads would.
        let mut apart = Vec::new();
        let mut before = 0;
        for range in chunks(asked.len(), &cuts) {
            let mut prorater = Prorater::starting_after(demand, envelope, before).unwrap();
            for &p in &asked[range.clone()] {
                apart.push(prorater.next(p).unwrap());
            }
            before += asked[range].iter().sum::<i128>();
        }
        prop_assert_eq!(&apart, &whole);
        // And one allocator fed the chunks in turn.
        let mut prorater = Prorater::new(demand, envelope).unwrap();
        let mut streamed = Vec::new();
        for range in chunks(asked.len(), &cuts) {
            for &p in &asked[range] {
                streamed.push(prorater.next(p).unwrap());
            }
        }
        prop_assert_eq!(prorater.finish(), Ok(demand.min(envelope)));
        prop_assert_eq!(&streamed, &whole);
    }

    #[test]
    fn in_order_pays_min_of_asked_and_envelope_by_priority_then_input_order(
        rows in prop::collection::vec(
            (prop::option::of(-2i64..3), prop_oneof![1 => Just(0i128), 4 => 0i128..1_000]),
            0..30,
        ),
        share in 0i128..=125,
    ) {
        let demand: i128 = rows.iter().map(|r| r.1).sum();
        let envelope = demand * share / 100;
        let paid = in_order(&rows, envelope).unwrap();
        prop_assert_eq!(paid.len(), rows.len());
        if demand <= envelope {
            prop_assert_eq!(paid, rows.iter().map(|r| r.1).collect::<Vec<_>>());
            return Ok(());
        }
        prop_assert_eq!(paid.iter().sum::<i128>(), demand.min(envelope));
        // Whether row i comes before row j: a priority before none, lower first, then input.
        let before = |i: usize, j: usize| match (rows[i].0, rows[j].0) {
            (Some(a), Some(b)) if a != b => a < b,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            _ => i < j,
        };
        for i in 0..rows.len() {
            prop_assert!(0 <= paid[i] && paid[i] <= rows[i].1);
            for j in 0..rows.len() {
                if i != j && before(i, j) && paid[j] > 0 {
                    prop_assert_eq!(
                        paid[i], rows[i].1,
                        "row {} ({:?}) was cut while row {} ({:?}) was paid", i, rows[i], j, rows[j]
                    );
                }
            }
        }
    }
}
