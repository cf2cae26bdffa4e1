//! Budgets that bind, in a run that streams (SPEC §8): what a fund pays a row depends on what
//! every row under the same envelope asks, so the input is read more than once. Each counting
//! pass adds up, per envelope of the budgets it decides, what the rows ask (after the cuts of
//! the budgets decided before it), as a whole and chunk by chunk; the last pass cuts every row
//! as it goes and writes it. Chunks stay independent: a chunk's prorated rows start from the
//! running total of the chunks before it (`Prorater::starting_after`), and an `in_order` row
//! finds its amount by its index within its envelope. Every pass checks that it cut the input
//! into the same chunks (by their first lines) and that their rows ask what they asked before.
//!
//! Memory: per envelope a few sums; per chunk, 48 bytes for each envelope its rows fall under
//! (one per village a per-village budget meets in the chunk); for an `in_order` envelope,
//! while its pass runs, each row's priority and amount asked (16 bytes, [`ask::Ask`]), then,
//! when the envelope binds, 4 bytes more a row for the order it is paid in while what each
//! row is paid is written over what it asked, then kept at 8 bytes a row until the run ends.
//! Villages are numbered once, so no chunk keeps a village's name.

use std::collections::BTreeMap;
use std::sync::RwLock;

use rust_decimal::Decimal;

use super::{allocates, levels, AllocError};
use crate::engine::BudgetCut;
use crate::i18n::Lang;
use crate::money;
use crate::rules::{ClassId, FundId, OnOverrun, RuleSet};
use ask::{pay_in_order, Ask};
use villages::Villages;

/// Rows' priorities and amounts asked (fen), in input order, for an `in_order` budget.
type Asks = Vec<Ask>;

/// The budgets a run allocates, what was learnt of them so far, and the chunks it was learnt
/// from.
pub struct Plan {
    decisions: Vec<Decision>,
    /// Counting passes before the one that writes.
    counting: usize,
    /// Whether some budget has an envelope per village.
    per_village: bool,
    /// The villages of per-village budgets, numbered by the first pass: a per-village
    /// envelope's place in `Decision::envs` is its village's number. Written only while the
    /// first pass runs (a chunk numbers the villages it met first at its end).
    villages: RwLock<Villages>,
    /// Every chunk of the first pass, by its place in the run.
    chunks: BTreeMap<u64, ChunkRecord>,
    /// What a counting pass reads of a record.
    asking: Asking,
}

/// One allocating budget.
struct Decision {
    budget: usize,
    fund: FundId,
    class: Option<ClassId>,
    per_village: bool,
    how: OnOverrun,
    /// The envelope, fen and yuan.
    envelope: i128,
    envelope_yuan: Decimal,
    /// The counting pass that adds it up.
    pass: usize,
    /// Its envelopes: the one, or one per village by number.
    envs: Vec<Envelope>,
}

/// One envelope of a decided budget.
#[derive(Default)]
struct Envelope {
    /// D, what its rows asked, fen.
    asked: i128,
    /// How many rows asked it.
    rows: u64,
    /// The cut, when its rows asked more than it holds.
    cut: Option<BudgetCut>,
    /// For `in_order`, while its pass is decided: each row's priority and amount asked.
    asked_by_row: Asks,
    /// For `in_order` when it binds: what each row is paid, by its index under the envelope.
    paid_by_row: Vec<i64>,
}

/// What the first pass saw of a chunk, and what every pass learnt of its rows' envelopes.
struct ChunkRecord {
    first_line: u64,
    /// What the chunk's rows asked of each envelope they fall under, sorted by (decision,
    /// envelope).
    envs: Vec<InChunk>,
    /// Until its pass is decided, the rows under `in_order` envelopes, envelope by envelope as
    /// in `envs`, each in input order.
    asks: Asks,
}

/// One envelope's rows in one chunk: 48 bytes, kept for the whole run.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
struct InChunk {
    decision: u32,
    env: u32,
    rows: u64,
    asked: i64,
    /// A fingerprint of the rows' priorities and amounts, in order: a chunk whose rows changed
    /// but not their sum is caught too.
    print: u64,
    /// What the chunks before asked of the envelope, and in how many rows.
    asked_before: i64,
    rows_before: u64,
}

impl InChunk {
    fn key(&self) -> (u32, u32) {
        (self.decision, self.env)
    }
}

/// A chunk's entries for decision `d`.
fn of_decision(envs: &[InChunk], d: u32) -> &[InChunk] {
    let start = envs.partition_point(|e| e.decision < d);
    let end = envs.partition_point(|e| e.decision <= d);
    &envs[start..end]
}

/// Why a run had to stop: the input is not what the earlier passes read, or the amounts
/// cannot be shared out exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    /// A chunk began on another line than in the first pass.
    FirstLine { label: String, was: u64, now: u64 },
    /// The ids of a block of rows, from `line`, are not those the first pass read.
    Ids { label: String, line: u64 },
    /// The rows under a budget asked other amounts (or the arithmetic failed).
    Alloc {
        label: Option<String>,
        error: AllocError,
    },
}

impl Changed {
    fn alloc(label: &str, error: AllocError) -> Changed {
        Changed::Alloc {
            label: Some(label.to_string()),
            error,
        }
    }

    /// The message, said in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        match self {
            Changed::FirstLine { label, was, now } => match lang {
                Lang::En => format!(
                    "{label}: the input changed while it was read again to share out a budget (a block of rows began at line {now}, not at line {was} as before); nothing written"
                ),
                Lang::Zh => format!(
                    "{label}: 为分配预算额度再次读取时输入已变动（一段行起于第 {now} 行，之前起于第 {was} 行）；未写出任何结果"
                ),
            },
            Changed::Ids { label, line } => match lang {
                Lang::En => format!(
                    "{label}: the input changed while it was read again to share out a budget (the ids of a block of rows from line {line} are not those read before); nothing written"
                ),
                Lang::Zh => format!(
                    "{label}: 为分配预算额度再次读取时输入已变动（起于第 {line} 行的一段行的编号与之前读到的不同）；未写出任何结果"
                ),
            },
            Changed::Alloc { label, error } => {
                let at = label.as_ref().map_or(String::new(), |l| format!("{l}: "));
                format!(
                    "{at}{}{}",
                    error.render(lang),
                    lang.pick("; nothing written", "；未写出任何结果")
                )
            }
        }
    }
}

impl Plan {
    /// The plan for `rules`, or `None` when no budget allocates (a run then reads once).
    pub fn new(rules: &RuleSet) -> Option<Plan> {
        let mut pass_of = vec![usize::MAX; rules.budgets.len()];
        let mut counting = 0;
        for level in levels(rules) {
            let allocating: Vec<usize> = level
                .into_iter()
                .filter(|&b| allocates(&rules.budgets[b]).is_some())
                .collect();
            if allocating.is_empty() {
                continue;
            }
            for b in allocating {
                pass_of[b] = counting;
            }
            counting += 1;
        }
        let decisions: Vec<Decision> = rules
            .budgets
            .iter()
            .enumerate()
            .filter_map(|(b, budget)| {
                Some(Decision {
                    budget: b,
                    fund: allocates(budget)?,
                    class: budget.class,
                    per_village: budget.per_village,
                    how: budget.on_overrun,
                    envelope: rules.meta.rounding.fen(budget.envelope),
                    envelope_yuan: budget.envelope,
                    pass: pass_of[b],
                    envs: Vec::new(),
                })
            })
            .collect();
        (!decisions.is_empty()).then_some(Plan {
            asking: Asking::new(rules, decisions.iter().map(|d| d.class)),
            per_village: decisions.iter().any(|d| d.per_village),
            decisions,
            counting,
            villages: RwLock::default(),
            chunks: BTreeMap::new(),
        })
    }

    /// Counting passes before the one that writes.
    pub fn counting_passes(&self) -> usize {
        self.counting
    }

    /// What a counting pass reads of each record.
    pub fn asking(&self) -> &Asking {
        &self.asking
    }

    /// Chunks the first pass saw.
    pub fn chunks(&self) -> usize {
        self.chunks.len()
    }

    /// Takes a chunk's tally from counting pass `pass`.
    pub fn add(&mut self, pass: usize, seq: u64, tally: Tally) -> Result<(), Changed> {
        if pass == 0 {
            self.chunks.insert(
                seq,
                ChunkRecord {
                    first_line: tally.first_line,
                    envs: tally.envs,
                    asks: tally.asks,
                },
            );
            return Ok(());
        }
        // The worker checked it against the first pass: this is only a guard.
        let record = self.chunks.get_mut(&seq).ok_or(Changed::Alloc {
            label: None,
            error: AllocError::MoreThanTotal,
        })?;
        record.envs.extend(tally.envs);
        record.envs.sort_unstable_by_key(InChunk::key);
        record.asks = tally.asks;
        Ok(())
    }

    /// Decides the budgets of counting pass `pass`, once all its chunks are in: each
    /// envelope's total, the running totals before each chunk, and who is cut.
    pub fn decide(&mut self, pass: usize) -> Result<(), Changed> {
        let fail = |error| Changed::Alloc { label: None, error };
        let villages = self
            .villages
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len();
        for decision in self.decisions.iter_mut().filter(|d| d.pass == pass) {
            let envs = if decision.per_village { villages } else { 1 };
            decision.envs.resize_with(envs, Envelope::default);
        }
        for record in self.chunks.values_mut() {
            let mut asks = std::mem::take(&mut record.asks).into_iter();
            for at in &mut record.envs {
                let decision = &mut self.decisions[at.decision as usize];
                if decision.pass != pass {
                    continue;
                }
                let env = decision
                    .envs
                    .get_mut(at.env as usize)
                    .ok_or(fail(AllocError::MoreThanTotal))?;
                at.asked_before =
                    i64::try_from(env.asked).map_err(|_| fail(AllocError::Overflow))?;
                at.rows_before = env.rows;
                env.asked = env
                    .asked
                    .checked_add(i128::from(at.asked))
                    .ok_or(fail(AllocError::Overflow))?;
                env.rows += at.rows;
                if decision.how == OnOverrun::InOrder {
                    let rows = usize::try_from(at.rows).map_err(|_| fail(AllocError::Overflow))?;
                    env.asked_by_row.extend(asks.by_ref().take(rows));
                }
            }
        }
        for decision in self.decisions.iter_mut().filter(|d| d.pass == pass) {
            for env in &mut decision.envs {
                let asked_by_row = std::mem::take(&mut env.asked_by_row);
                if env.asked <= decision.envelope {
                    continue;
                }
                env.cut = Some(BudgetCut {
                    fund: decision.fund,
                    budget: decision.budget,
                    per_village: decision.per_village,
                    how: decision.how,
                    asked: money::from_fen(env.asked).ok_or(fail(AllocError::Overflow))?,
                    envelope: decision.envelope_yuan,
                });
                if decision.how == OnOverrun::InOrder {
                    env.paid_by_row =
                        pay_in_order(asked_by_row, decision.envelope).map_err(fail)?;
                }
            }
        }
        Ok(())
    }
}

mod ask;
mod asking;
mod chunk;
mod villages;

pub use asking::Asking;
pub use chunk::{ChunkCuts, CutRow, Tally};

#[cfg(test)]
mod tests;
