//! One row under an `in_order` envelope, as a streaming run keeps it between its passes: a
//! million rows under one envelope are held at once, so the record is 16 bytes (a priority and
//! the fen asked, whether it had a priority folded into the amount's top bit) and what each row
//! is paid is written over it, then kept at 8 bytes a row.

use super::super::{paying_order, total, AllocError};

/// A row's priority and the fen it asks, in 16 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Ask {
    priority: i64,
    /// The fen asked in the low 63 bits (`NEGATIVE` for any amount under zero); the top bit set
    /// when the row has no priority.
    asked: u64,
}

/// The top bit of `Ask::asked`: the row has no priority.
const NONE: u64 = 1 << 63;
/// Stands for any amount asked under zero: what `in_order` says of one does not depend on it.
const NEGATIVE: u64 = NONE - 1;

impl Ask {
    /// A row asking `asked` fen; an amount of `NEGATIVE` fen or more does not fit.
    pub(super) fn new(priority: Option<i64>, asked: i128) -> Result<Ask, AllocError> {
        let fen = if asked < 0 {
            NEGATIVE
        } else {
            u64::try_from(asked)
                .ok()
                .filter(|&f| f < NEGATIVE)
                .ok_or(AllocError::Overflow)?
        };
        Ok(Ask {
            priority: priority.unwrap_or(0),
            asked: fen | if priority.is_none() { NONE } else { 0 },
        })
    }

    pub(super) fn priority(self) -> Option<i64> {
        (self.asked & NONE == 0).then_some(self.priority)
    }

    /// The fen asked; -1 for any amount under zero.
    pub(super) fn asked(self) -> i128 {
        match self.asked & !NONE {
            NEGATIVE => -1,
            fen => i128::from(fen),
        }
    }
}

/// What `in_order` pays each row of `asks` (in input order) from `envelope` fen, the same as
/// [`super::super::in_order`] says, in 4 more bytes a row while it sorts and 8 a row after.
pub(super) fn pay_in_order(mut asks: Vec<Ask>, envelope: i128) -> Result<Vec<i64>, AllocError> {
    if envelope < 0 {
        return Err(AllocError::Negative);
    }
    let demand = total(asks.iter().map(|a| a.asked()))?;
    if demand > envelope {
        let order = paying_order(asks.len(), |i| asks[i].priority())?;
        let mut left = envelope;
        for i in order {
            let ask = &mut asks[i as usize];
            let share = ask.asked().min(left);
            left -= share;
            // What is paid is no more than asked, so it fits where the amount asked was.
            ask.asked = u64::try_from(share).map_err(|_| AllocError::Overflow)?;
        }
    } else {
        for ask in &mut asks {
            ask.asked &= !NONE;
        }
    }
    // Reuses the records' memory, then gives back the half it no longer needs.
    let mut paid: Vec<i64> = asks
        .into_iter()
        .map(|a| i64::try_from(a.asked).map_err(|_| AllocError::Overflow))
        .collect::<Result<_, _>>()?;
    paid.shrink_to_fit();
    Ok(paid)
}

#[cfg(test)]
mod tests {
    use super::super::super::in_order;
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_row_under_an_in_order_envelope_is_kept_in_16_bytes() {
        assert_eq!(std::mem::size_of::<Ask>(), 16);
    }

    #[test]
    fn an_ask_keeps_its_priority_and_amount_at_the_ends_of_their_ranges() {
        for priority in [None, Some(i64::MIN), Some(-1), Some(0), Some(i64::MAX)] {
            for asked in [0, 1, i128::from(NEGATIVE) - 1] {
                let ask = Ask::new(priority, asked).unwrap();
                assert_eq!((ask.priority(), ask.asked()), (priority, asked));
            }
            assert_eq!(Ask::new(priority, -5).unwrap().asked(), -1);
            assert_eq!(Ask::new(priority, -5).unwrap().priority(), priority);
            assert_eq!(
                Ask::new(priority, i128::from(NEGATIVE)),
                Err(AllocError::Overflow)
            );
        }
    }

    #[test]
    fn rows_without_a_priority_are_paid_after_a_row_of_the_highest_priority_number() {
        let asks = [(None, 5), (Some(i64::MAX), 7), (Some(i64::MIN), 3)];
        let compact = asks.iter().map(|&(p, a)| Ask::new(p, a).unwrap()).collect();
        assert_eq!(pay_in_order(compact, 12).unwrap(), vec![2, 7, 3]);
        assert_eq!(in_order(&asks, 12).unwrap(), vec![2, 7, 3]);
    }

    proptest! {
        #[test]
        fn paying_compact_rows_in_order_is_what_in_order_pays(
            rows in proptest::collection::vec(
                (proptest::option::of(-3i64..3), -1i128..40),
                0..40,
            ),
            envelope in -1i128..300,
        ) {
            let compact = rows.iter().map(|&(p, a)| Ask::new(p, a).unwrap()).collect();
            let paid = pay_in_order(compact, envelope)
                .map(|p| p.into_iter().map(i128::from).collect::<Vec<_>>());
            prop_assert_eq!(paid, in_order(&rows, envelope));
        }
    }
}
