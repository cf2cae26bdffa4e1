//! A comparison computed while its tables are read: the calling thread reads them in blocks
//! ([`super::read`]), every core computes blocks under both sides, and the core that finds a
//! block's result next in input order hands it on (`batch::deliver`), with any after it
//! already done. No block is begun more than a few per core past the last one handed on, so
//! few are ever held at once.
//!
//! Budgets that bind need every row before any row can be cut, so a comparison under them
//! reads its tables whole ([`super::paired`]); so does one whose sums do not fit, since which
//! row no longer fits is the one a single pass in input order finds.

use std::sync::{mpsc, Arc, Mutex};

use super::cores::AHEAD_PER_CORE;
use super::groups::Groups;
use super::paired::{blank_pair, pair_fused, pair_row, placed, Paired, Seen, Sums};
use super::read::{read_all, Block, Inputs};
use super::whole::Pair;
use super::Funds;
use crate::batch::deliver::{Consume, Crew, Delivery};
use crate::batch::fused::Fused;
use crate::engine::Breakdown;
use crate::rules::RuleSet;
use crate::table::row::{self, Evaluated, RowText};
use crate::table::{Columns, Field, Record};

/// What a core makes of a block's rows, one after another (written, as a rule), and hands
/// on as one piece.
pub(super) trait BlockRows {
    /// The piece handed on.
    type Piece: Send;
    /// The next row.
    fn row(&mut self, pair: &Pair);
    /// The block's rows are all there.
    fn piece(self) -> Self::Piece;
}

/// Every row of `inputs` (about `bytes` bytes in all) under `rules` (before, after), each
/// block's rows paired, put in what `make` makes for the block on the core that computed it,
/// and handed to `put` in input order: each side's sums, or `None` when a sum did not fit
/// (the comparison is then to be made again from tables held whole), with the groups when
/// `grouped`: each core adds the rows it computes to groups of its own, merged once every
/// row is in. Stops with the first input that stops the comparison.
///
/// On `workers` cores ([`super::cores::workers`] gives how many there are): with two or more, a core
/// fewer besides the calling thread, which reads and computes a block itself whenever the
/// cores have two each waiting (as a batch run's reading thread does: `batch::pipeline`);
/// on one, the calling thread only reads (computing there too would gain nothing and hold
/// another set of groups).
pub(super) fn compare_piped<I: Inputs, R: BlockRows>(
    workers: usize,
    inputs: &I,
    bytes: u64,
    rules: [&RuleSet; 2],
    (funds, grouped): (&Funds, bool),
    make: &(impl Fn() -> R + Sync),
    put: impl FnMut(R::Piece) + Send,
) -> Result<Option<Paired>, I::Error> {
    let workers = workers.max(1);
    let ahead = AHEAD_PER_CORE * workers;
    let crew = Crew::of(workers);
    let delivery = Delivery::new(HandOn {
        put,
        sums: Sums::lean(rules),
    });
    let handing = &delivery;
    // A block in its turn, computed on the thread that took it: whether the work goes on.
    let compute = |seq: usize, block: &Block, groups: &mut Option<Groups>| {
        // No core runs more than `ahead` blocks past the last one handed on, however slow
        // the output.
        if !handing.wait_turn(seq as u64, ahead as u64) {
            return false;
        }
        let mut rows = make();
        let sums = block_pairs(block, rules, (funds, groups.as_mut()), &mut rows);
        // The core that finds this block next in order hands it on, with any after it
        // already done (`deliver`).
        handing.give(seq as u64, (rows.piece(), sums))
    };
    let compute = &compute;
    let (read, per_core) = std::thread::scope(|scope| {
        let (work, blocks) = mpsc::sync_channel::<(usize, Block)>(crew.room);
        // Shared by the cores and gone with the last of them, so that a reader still
        // sending blocks when they have stopped is told, and stops too.
        let blocks = Arc::new(Mutex::new(blocks));
        let cores: Vec<_> = (0..crew.helpers)
            .map(|_| {
                let blocks = blocks.clone();
                scope.spawn(move || {
                    let _stop = handing.stop_on_panic();
                    let mut groups = grouped.then(|| Groups::new(rules));
                    loop {
                        // Blocks are taken in order, so the earliest one not yet handed on
                        // is always being computed: waiting for it cannot wait for ever.
                        let next = blocks.lock().map(|rx| rx.recv());
                        let Ok(Ok((seq, block))) = next else {
                            return groups;
                        };
                        if !compute(seq, &block, &mut groups) {
                            return groups;
                        }
                    }
                })
            })
            .collect();
        drop(blocks);
        // The calling thread reads, and computes blocks too; a failure here lets the
        // waiting cores go.
        let _stop = handing.stop_on_panic();
        let mut own = (grouped && crew.reader_computes()).then(|| Groups::new(rules));
        let mut seq = 0;
        let read = read_all(inputs, bytes, |block| {
            seq += 1;
            crew.hand(&work, (seq - 1, block), |(at, block)| {
                compute(at, &block, &mut own)
            })
        });
        // The cores stop once the blocks run out.
        drop(work);
        let mut per_core: Vec<_> = cores
            .into_iter()
            .map(|core| core.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect();
        per_core.push(own);
        (read, per_core)
    });
    read?;
    let HandOn { mut sums, .. } = delivery.into_inner();
    for groups in per_core.into_iter().flatten() {
        sums.merge_groups(groups);
    }
    Ok((!sums.overflowed()).then(|| sums.finish()))
}

/// What takes each block's piece in input order: `put`, and the block's sums added to the
/// run's.
struct HandOn<F> {
    put: F,
    sums: Sums,
}

impl<P, F: FnMut(P) + Send> Consume<(P, Sums)> for HandOn<F> {
    fn take(&mut self, _: u64, (piece, sums): (P, Sums)) -> bool {
        (self.put)(piece);
        self.sums.merge(sums);
        true
    }
}

/// The rows of `block` under both sides, paired and put in `rows`, and what they add up to
/// (their groups added to `groups`, when given). Each side's breakdown and problems are
/// computed into buffers kept from row to row, as a batch run's are, and each row is paired
/// in the same pair.
fn block_pairs(
    block: &Block,
    rules: [&RuleSet; 2],
    (funds, mut groups): (&Funds, Option<&mut Groups>),
    rows: &mut impl BlockRows,
) -> Sums {
    let table = &block.table;
    let mut sums = Sums::lean(rules);
    let mut pair = blank_pair();
    let mut cuts = [None, None];
    let mut breakdowns = [Breakdown::default(), Breakdown::default()];
    let mut errors = [Vec::new(), Vec::new()];
    // The fused path of a batch run under each side, where it can take the table's rows: a
    // row it takes under both is computed in fen, with no `Decimal` between.
    let fused = |rules, columns| Fused::new(rules, columns, true).map(Fused::counting);
    let mut fused = fused(rules[0], &table.columns).zip(fused(rules[1], &table.other));
    // The same header under both sides: a row's values are read once.
    let again = fused.as_ref().is_some_and(|(fb, fa)| fa.reads_as(fb));
    block.each(|record, duplicate| {
        let get = |f: Field| cell(&table.columns, record, f);
        let at = RowText {
            id: "",
            township: get(Field::Township),
            village: get(Field::Village),
        };
        let seen = Seen {
            file: table.file,
            line: record.line,
            at,
            place: placed(at),
            id: get(Field::Id),
            class: get(Field::Class),
        };
        if let Some((fb, fa)) = &mut fused {
            if let Some(rb) = fb.take(record, duplicate) {
                let ra = match again {
                    true => fa.take_again(record, &rb),
                    false => fa.take(record, duplicate),
                };
                if let Some(ra) = ra {
                    let sums = (&mut sums, groups.as_deref_mut());
                    let sides = [(&*fb, &rb), (&*fa, &ra)];
                    pair_fused(rules, funds, sums, sides, seen, &mut pair);
                    rows.row(&pair);
                    return;
                }
            }
        }
        let [bb, ba] = &mut breakdowns;
        let [eb, ea] = &mut errors;
        let (sb, sa);
        let judged = [
            match row::evaluate(record, &table.columns, rules[0], duplicate, eb, bb) {
                Evaluated::Totals => None,
                Evaluated::Good { segment, .. } => {
                    sb = segment;
                    Some(Ok((&sb, bb)))
                }
                Evaluated::Bad => Some(Err(std::mem::take(eb))),
            },
            match row::evaluate(record, &table.other, rules[1], duplicate, ea, ba) {
                Evaluated::Totals => None,
                Evaluated::Good { segment, .. } => {
                    sa = segment;
                    Some(Ok((&sa, ba)))
                }
                Evaluated::Bad => Some(Err(std::mem::take(ea))),
            },
        ];
        let sums = (&mut sums, groups.as_deref_mut());
        if pair_row(rules, funds, sums, &mut cuts, (seen, judged), &mut pair) {
            rows.row(&pair);
        }
    });
    sums
}

/// `record`'s text in the column of `field` (`""` when there is none), trimmed.
#[inline(always)]
fn cell<'r>(columns: &Columns, record: &'r Record, field: Field) -> &'r str {
    columns
        .index(field)
        .and_then(|i| record.get(i))
        .map_or("", trimmed)
}

/// `text.trim()`, told at once for the text nearly every cell holds: one that begins with a
/// printable ASCII character or a character from U+4000 on (a lead byte from 0xE4), and ends
/// with a printable ASCII character or a three-byte character from U+4000 on, has no white
/// space to trim (Unicode's white space is ASCII's, U+0085, U+00A0, U+1680, U+2000–U+205F
/// and U+3000, all below U+4000). Anything else is trimmed as `str::trim` trims it.
#[inline]
fn trimmed(text: &str) -> &str {
    let b = text.as_bytes();
    let plain_start = |c: u8| (0x21..0x7f).contains(&c) || c >= 0xe4;
    let plain_end = match b {
        [.., c] if (0x21..0x7f).contains(c) => true,
        // The last character is three bytes long (a lead byte from 0xE0 two bytes before
        // the end) and from U+4000 on (that byte from 0xE4).
        [.., lead, _, c] if *c >= 0x80 && (0xe4..0xf0).contains(lead) => true,
        _ => false,
    };
    match b.first() {
        Some(&c) if plain_start(c) && plain_end => text,
        _ => text.trim(),
    }
}

#[cfg(test)]
mod tests {
    use super::trimmed;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// A cell trimmed the quick way is the cell `str::trim` trims: any text of ASCII,
        /// every kind of white space Unicode has, Chinese characters, other characters of
        /// two, three and four bytes, at either end or both.
        #[test]
        fn a_cell_trimmed_at_once_is_the_cell_str_trim_trims(
            parts in proptest::collection::vec(
                prop_oneof![
                    "[ -~]{0,3}",
                    "[\t\n\x0b\x0c\r \u{85}\u{a0}\u{1680}\u{2000}-\u{200a}\u{2028}\u{2029}\u{202f}\u{205f}\u{3000}]",
                    "[\u{4000}-\u{9fff}]{1,2}",
                    "[\u{80}-\u{7ff}\u{800}-\u{3fff}\u{a000}-\u{ffff}\u{10000}-\u{10ffff}]",
                    any::<char>().prop_map(String::from),
                ],
                0..6,
            ),
        ) {
            let text: String = parts.concat();
            prop_assert_eq!(trimmed(&text), text.trim());
        }
    }

    /// Every character, alone and between two Chinese characters, at either end: trimmed as
    /// `str::trim` trims it.
    #[test]
    fn every_character_at_either_end_is_trimmed_as_str_trim_trims_it() {
        for c in (0..=0x10ffffu32).filter_map(char::from_u32) {
            for text in [
                c.to_string(),
                format!("{c}村"),
                format!("村{c}"),
                format!("{c}a{c}"),
                format!("乡{c}村"),
            ] {
                assert_eq!(trimmed(&text), text.trim(), "{:?}", text);
            }
        }
    }
}
