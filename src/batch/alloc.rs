//! Budgets that bind, in a run that streams (SPEC §8): what a fund pays a row depends on what
//! every row under the same envelope asks, so the input is read more than once. Each counting
//! pass adds up, per envelope of the budgets it decides, what the rows ask (after the cuts of
//! the budgets decided before it), as a whole and chunk by chunk; the last pass cuts every row
//! as it goes and writes it. Chunks stay independent: a chunk's prorated rows start from the
//! running total of the chunks before it (`Prorater::starting_after`), and an `in_order` row
//! finds its amount by its index within its envelope. Every pass checks that it cut the input
//! into the same chunks (by their first lines) and that their rows ask what they asked before.
//!
//! Memory: per envelope a few sums, per chunk and envelope a few more; for an `in_order`
//! envelope, while its pass runs, each row's priority and amount asked (32 bytes), then, when
//! the envelope binds, what each row is paid (16 bytes a row) until the run ends.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::engine::BudgetCut;
use crate::i18n::Lang;
use crate::money;
use crate::report::allocate::{allocates, in_order, levels, AllocError};
use crate::rules::{ClassId, FundId, OnOverrun, RuleSet};

/// Places (township, village) by name, looked up without building a key per row.
type Places = foldhash::HashMap<String, foldhash::HashMap<String, u32>>;

/// Rows' priorities and amounts asked (fen), in input order, for an `in_order` budget.
type Asks = Vec<(Option<i64>, i128)>;

fn find(places: &Places, township: &str, village: &str) -> Option<u32> {
    places.get(township)?.get(village).copied()
}

/// The budgets a run allocates, what was learnt of them so far, and the chunks it was learnt
/// from.
pub struct Plan {
    decisions: Vec<Decision>,
    /// Counting passes before the one that writes.
    counting: usize,
    /// Every chunk of the first pass, by its place in the run.
    chunks: BTreeMap<u64, ChunkRecord>,
    /// `in_order` rows of the pass under way, by chunk: chunks come in any order.
    pending: Vec<(u64, usize, u32, Asks)>,
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
    /// Per village, its envelope's index in `envs`.
    places: Places,
    envs: Vec<Envelope>,
}

/// One envelope of a decided budget.
#[derive(Default)]
struct Envelope {
    /// D, what its rows asked, fen.
    asked: i128,
    /// The cut, when its rows asked more than it holds.
    cut: Option<BudgetCut>,
    /// For `in_order`, while its pass runs: each row's priority and amount asked.
    asked_by_row: Asks,
    /// For `in_order` when it binds: what each row is paid, by its index under the envelope.
    paid_by_row: Vec<i128>,
}

/// What the first pass saw of a chunk, and what every pass learnt of its rows' envelopes.
struct ChunkRecord {
    first_line: u64,
    /// Per (decision, envelope): what the chunk's rows asked, and what the chunks before did.
    envs: BTreeMap<(usize, u32), InChunk>,
}

/// One envelope's rows in one chunk.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
struct InChunk {
    asked: i128,
    rows: u64,
    /// A fingerprint of the rows' priorities and amounts, in order: a chunk whose rows changed
    /// but not their sum is caught too.
    print: u64,
    asked_before: i128,
    rows_before: u64,
}

/// Why a run had to stop: the input is not what the earlier passes read, or the amounts
/// cannot be shared out exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    /// A chunk began on another line than in the first pass.
    FirstLine { label: String, was: u64, now: u64 },
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
                    places: Places::default(),
                    envs: Vec::new(),
                })
            })
            .collect();
        (!decisions.is_empty()).then_some(Plan {
            decisions,
            counting,
            chunks: BTreeMap::new(),
            pending: Vec::new(),
        })
    }

    /// Counting passes before the one that writes.
    pub fn counting_passes(&self) -> usize {
        self.counting
    }

    /// Chunks the first pass saw.
    pub fn chunks(&self) -> usize {
        self.chunks.len()
    }

    /// Takes a chunk's tally from counting pass `pass`.
    pub fn add(&mut self, pass: usize, seq: u64, tally: Tally) -> Result<(), Changed> {
        let record = if pass == 0 {
            self.chunks.entry(seq).or_insert(ChunkRecord {
                first_line: tally.first_line,
                envs: BTreeMap::new(),
            })
        } else {
            // The worker checked it against the first pass: this is only a guard.
            self.chunks.get_mut(&seq).ok_or(Changed::Alloc {
                label: None,
                error: AllocError::MoreThanTotal,
            })?
        };
        for t in tally.envs {
            let decision = &mut self.decisions[t.decision];
            let env = match &t.place {
                None => {
                    if decision.envs.is_empty() {
                        decision.envs.push(Envelope::default());
                    }
                    0
                }
                Some((township, village)) => match find(&decision.places, township, village) {
                    Some(e) => e,
                    None => {
                        let e = u32::try_from(decision.envs.len()).map_err(|_| Changed::Alloc {
                            label: None,
                            error: AllocError::Overflow,
                        })?;
                        decision.envs.push(Envelope::default());
                        decision
                            .places
                            .entry(township.clone())
                            .or_default()
                            .insert(village.clone(), e);
                        e
                    }
                },
            };
            record.envs.insert(
                (t.decision, env),
                InChunk {
                    asked: t.asked,
                    rows: t.rows,
                    print: t.print,
                    ..InChunk::default()
                },
            );
            if !t.asked_by_row.is_empty() {
                self.pending.push((seq, t.decision, env, t.asked_by_row));
            }
        }
        Ok(())
    }

    /// Decides the budgets of counting pass `pass`, once all its chunks are in: each
    /// envelope's total, the running totals before each chunk, and who is cut.
    pub fn decide(&mut self, pass: usize) -> Result<(), Changed> {
        let fail = |error| Changed::Alloc { label: None, error };
        let mut running: BTreeMap<(usize, u32), (i128, u64)> = BTreeMap::new();
        for record in self.chunks.values_mut() {
            for (&(d, e), at) in record.envs.iter_mut() {
                if self.decisions[d].pass != pass {
                    continue;
                }
                let sum = running.entry((d, e)).or_default();
                at.asked_before = sum.0;
                at.rows_before = sum.1;
                sum.0 = sum
                    .0
                    .checked_add(at.asked)
                    .ok_or(fail(AllocError::Overflow))?;
                sum.1 += at.rows;
            }
        }
        for ((d, e), (asked, _)) in &running {
            self.decisions[*d].envs[*e as usize].asked = *asked;
        }
        self.pending.sort_by_key(|p| p.0);
        for (_, d, e, rows) in self.pending.drain(..) {
            self.decisions[d].envs[e as usize].asked_by_row.extend(rows);
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
                    env.paid_by_row = in_order(&asked_by_row, decision.envelope).map_err(fail)?;
                }
            }
        }
        Ok(())
    }
}

mod chunk;

pub use chunk::{ChunkCuts, Tally};

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;
