//! How an envelope that runs short is shared out (SPEC §8): what each row of a fund is paid
//! when the rows under one budget ask for more than it holds. Pure integer arithmetic in fen,
//! no I/O, so a batch run and the interactive table get the same fen from the same function.
//!
//! `prorate` rounds by running totals: row i gets ⌊E·S_i/D⌋ − ⌊E·S_(i−1)/D⌋, so the rows sum
//! to the envelope exactly and no row is off its exact share by a fen or more, and the result
//! depends only on the rows' order, never on how they are cut into chunks ([`Prorater`]).
//! `in_order` pays rows whole, by priority then input order, until the envelope is spent.

use crate::i18n::Lang;

/// Why an allocation could not be worked out; nothing is allocated then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllocError {
    /// An amount asked, or the envelope, is below zero.
    Negative,
    /// The amounts asked add up to more than exact arithmetic can hold.
    Overflow,
    /// More was asked row by row than the total the allocation was set up with.
    MoreThanTotal,
    /// Fewer rows came than the total the allocation was set up with.
    LessThanTotal,
}

impl AllocError {
    /// The reason, said in `lang`.
    pub fn render(self, lang: Lang) -> String {
        let (en, zh) = match self {
            AllocError::Negative => (
                "an amount asked of a budget, or the budget itself, is negative; nothing was allocated",
                "向预算额度申请的金额或预算额度本身为负数；未作分配",
            ),
            AllocError::Overflow => (
                "the amounts asked of a budget add up to more than can be computed exactly; nothing was allocated",
                "向预算额度申请的金额合计过大，无法精确计算；未作分配",
            ),
            AllocError::MoreThanTotal => (
                "the rows asked more of a budget than when they were first added up (did the input change while it was read?); nothing was allocated",
                "各行向预算额度申请的金额超过首次汇总时的合计（读取期间输入是否有变动？）；未作分配",
            ),
            AllocError::LessThanTotal => (
                "the rows asked less of a budget than when they were first added up (did the input change while it was read?); the allocation is incomplete",
                "各行向预算额度申请的金额少于首次汇总时的合计（读取期间输入是否有变动？）；分配不完整",
            ),
        };
        lang.pick(en, zh).to_string()
    }
}

impl std::fmt::Display for AllocError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

impl std::error::Error for AllocError {}

/// Σ `amounts`, each checked to be 0 or more.
fn total(mut amounts: impl Iterator<Item = i128>) -> Result<i128, AllocError> {
    amounts.try_fold(0i128, |sum, p| {
        if p < 0 {
            return Err(AllocError::Negative);
        }
        sum.checked_add(p).ok_or(AllocError::Overflow)
    })
}

/// Shares `envelope` fen among rows asking `asked` fen, in proportion, by running-total
/// rounding (SPEC §8). When the rows ask no more than the envelope, they get what they ask.
pub fn prorate(asked: &[i128], envelope: i128) -> Result<Vec<i128>, AllocError> {
    let mut prorater = Prorater::new(total(asked.iter().copied())?, envelope)?;
    let paid = asked
        .iter()
        .map(|&p| prorater.next(p))
        .collect::<Result<Vec<_>, _>>()?;
    prorater.finish()?;
    Ok(paid)
}

/// [`prorate`] one row at a time, for rows that come in chunks: set up with the total asked
/// (a first pass), then fed every row in input order (a second pass). The fen each row gets
/// depends only on the total, the envelope and the rows before it, never on the chunking.
#[derive(Debug, Clone)]
pub struct Prorater {
    /// D, the total asked.
    total_asked: i128,
    /// E, the envelope.
    envelope: i128,
    /// S_i, the amounts asked by the rows seen so far.
    running: i128,
    /// ⌊E·S_i/D⌋, what the rows seen so far were paid, kept so each row costs one division.
    paid: i128,
    /// E·S_i − D·⌊E·S_i/D⌋ when the envelope binds: with it a row's share is the quotient of
    /// the small E·asked + rem by D, one machine division for the usual amounts.
    rem: u128,
}

impl Prorater {
    /// An allocation of `envelope` among rows asking `total_asked` in all (both in fen, ≥ 0).
    pub fn new(total_asked: i128, envelope: i128) -> Result<Prorater, AllocError> {
        if total_asked < 0 || envelope < 0 {
            return Err(AllocError::Negative);
        }
        Ok(Prorater {
            total_asked,
            envelope,
            running: 0,
            paid: 0,
            rem: 0,
        })
    }

    /// [`Prorater::new`] for a chunk that starts after rows asking `asked_before` in all, so
    /// chunks can be allocated apart (on other threads) once their running sums are known.
    pub fn starting_after(
        total_asked: i128,
        envelope: i128,
        asked_before: i128,
    ) -> Result<Prorater, AllocError> {
        let mut prorater = Prorater::new(total_asked, envelope)?;
        if asked_before < 0 {
            return Err(AllocError::Negative);
        }
        if asked_before > total_asked {
            return Err(AllocError::MoreThanTotal);
        }
        prorater.running = asked_before;
        (prorater.paid, prorater.rem) = prorater.floor_share(asked_before)?;
        Ok(prorater)
    }

    /// ⌊E·S/D⌋ and the remainder for a running sum S ≤ D when the envelope binds; S itself
    /// (and no remainder) when it does not.
    fn floor_share(&self, running: i128) -> Result<(i128, u128), AllocError> {
        if !self.binds() {
            return Ok((running, 0));
        }
        // 0 ≤ E < D and 0 ≤ S ≤ D, so the floor is at most E and fits.
        let (floor, rem) = mul_div_rem(
            self.envelope.unsigned_abs(),
            running.unsigned_abs(),
            self.total_asked.unsigned_abs(),
        );
        let floor = i128::try_from(floor).map_err(|_| AllocError::Overflow)?;
        Ok((floor, rem))
    }

    /// Whether the rows ask more than the envelope, so that some are paid less than asked.
    pub fn binds(&self) -> bool {
        self.total_asked > self.envelope
    }

    /// What the next row, asking `asked` fen, is paid.
    pub fn next(&mut self, asked: i128) -> Result<i128, AllocError> {
        if asked < 0 {
            return Err(AllocError::Negative);
        }
        let running = self
            .running
            .checked_add(asked)
            .filter(|&s| s <= self.total_asked)
            .ok_or(AllocError::MoreThanTotal)?;
        if !self.binds() {
            self.running = running;
            self.paid = running;
            return Ok(asked);
        }
        // E·S_i = E·S_(i−1) + E·asked, so ⌊E·S_i/D⌋ = paid + ⌊(rem + E·asked)/D⌋, the same
        // floor as from the running sum, for a smaller division.
        let step = self
            .envelope
            .unsigned_abs()
            .checked_mul(asked.unsigned_abs())
            .and_then(|p| p.checked_add(self.rem));
        let floor = match step {
            Some(step) => {
                let (more, rem) = div_rem(step, self.total_asked.unsigned_abs());
                self.rem = rem;
                // At most E − paid: it fits.
                let more = i128::try_from(more).map_err(|_| AllocError::Overflow)?;
                self.paid.checked_add(more).ok_or(AllocError::Overflow)?
            }
            None => {
                let (floor, rem) = self.floor_share(running)?;
                self.rem = rem;
                floor
            }
        };
        self.running = running;
        let share = floor - self.paid;
        self.paid = floor;
        Ok(share)
    }

    /// Checks that every row was seen: then the rows were paid the envelope exactly (or what
    /// they asked, when it was not more), which is returned.
    pub fn finish(&self) -> Result<i128, AllocError> {
        if self.running != self.total_asked {
            return Err(AllocError::LessThanTotal);
        }
        Ok(self.total_asked.min(self.envelope))
    }
}

/// `n` ÷ `d` and the remainder (d > 0), in one machine division when both fit 64 bits.
fn div_rem(n: u128, d: u128) -> (u128, u128) {
    match (u64::try_from(n), u64::try_from(d)) {
        (Ok(n), Ok(d)) => (u128::from(n / d), u128::from(n % d)),
        _ => (n / d, n % d),
    }
}

/// ⌊a·b/d⌋ for d > 0 and a ≤ d (so the result is at most b), exact even when a·b needs more
/// than 128 bits: the product is formed in 256 bits and divided by long division.
#[cfg(test)]
fn mul_div_floor(a: u128, b: u128, d: u128) -> u128 {
    mul_div_rem(a, b, d).0
}

/// [`mul_div_floor`] and the remainder, a·b − d·⌊a·b/d⌋.
fn mul_div_rem(a: u128, b: u128, d: u128) -> (u128, u128) {
    debug_assert!(d > 0 && a <= d);
    if let Some(product) = a.checked_mul(b) {
        return div_rem(product, d);
    }
    let (high, low) = mul_wide(a, b);
    // a ≤ d makes a·b < d·2^128, so high < d and the quotient fits in 128 bits.
    let mut rem = high;
    let mut quotient = 0u128;
    for bit in (0..128).rev() {
        let carry = rem >> 127;
        rem = (rem << 1) | ((low >> bit) & 1);
        // The true remainder is 2·rem + bit < 2d; with the carry it is past 2^128, above d.
        if carry == 1 || rem >= d {
            rem = rem.wrapping_sub(d);
            quotient |= 1 << bit;
        }
    }
    (quotient, rem)
}

/// The 256-bit product of `a` and `b` as (high, low) 128-bit halves.
fn mul_wide(a: u128, b: u128) -> (u128, u128) {
    const MASK: u128 = u64::MAX as u128;
    let (a1, a0) = (a >> 64, a & MASK);
    let (b1, b0) = (b >> 64, b & MASK);
    let low = a0 * b0;
    let mid1 = a1 * b0;
    let mid2 = a0 * b1;
    let high = a1 * b1;
    // Each term below is under 2^64 · 3, so the sum cannot overflow.
    let middle = (low >> 64) + (mid1 & MASK) + (mid2 & MASK);
    let low = (low & MASK) | (middle << 64);
    let high = high + (mid1 >> 64) + (mid2 >> 64) + (middle >> 64);
    (high, low)
}

/// Shares `envelope` fen among rows by paying them whole in order (SPEC §8): by `priority`
/// (lower first; rows without one after all rows with one), ties and missing priorities in
/// input order, each row paid min(asked, what is left). Results are in input order.
pub fn in_order(asked: &[(Option<i64>, i128)], envelope: i128) -> Result<Vec<i128>, AllocError> {
    if envelope < 0 {
        return Err(AllocError::Negative);
    }
    let demand = total(asked.iter().map(|&(_, p)| p))?;
    if demand <= envelope {
        return Ok(asked.iter().map(|&(_, p)| p).collect());
    }
    let order = paying_order(asked.len(), |i| asked[i].0)?;
    let mut paid = vec![0; asked.len()];
    let mut left = envelope;
    for i in order {
        let share = asked[i as usize].1.min(left);
        paid[i as usize] = share;
        left -= share;
    }
    Ok(paid)
}

/// The order `in_order` pays `rows` rows in, by index (4 bytes a row): by priority, lower
/// first, rows without one after all rows with one, ties and missing priorities in input order.
fn paying_order(
    rows: usize,
    priority: impl Fn(usize) -> Option<i64>,
) -> Result<Vec<u32>, AllocError> {
    let rows = u32::try_from(rows).map_err(|_| AllocError::Overflow)?;
    let mut order: Vec<u32> = (0..rows).collect();
    // A stable sort keeps input order among ties and among rows without a priority.
    order.sort_by_key(|&i| match priority(i as usize) {
        Some(priority) => (false, priority),
        None => (true, 0),
    });
    Ok(order)
}

mod again;
mod plan;
pub(crate) mod streamed;

pub use again::{prorate_again, prorate_again_after};
pub use plan::{
    allocate, allocates, levels, Allocation, Envelope, EnvelopeUse, Held, HeldRow, Rows,
};

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;
