//! Budgets that bind, in a run that streams (SPEC §8): what a fund pays a row depends on what
//! every row under the same envelope asks, so the input is read more than once. Each counting
//! pass adds up, per envelope of the budgets it decides, what the rows ask (after the cuts of
//! the budgets decided before it), as a whole and chunk by chunk; the last pass cuts every row
//! as it goes and writes it. Chunks stay independent: a chunk's prorated rows start from the
//! running total of the chunks before it ([`Prorater::starting_after`]), and an `in_order`
//! row finds its amount by its index within its envelope.
//!
//! Memory: per envelope a few sums, per chunk and envelope a few more; for an `in_order`
//! envelope, while its pass runs, each row's priority and amount asked (32 bytes), then, when
//! the envelope binds, what each row is paid (16 bytes a row) until the run ends.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::engine::{Breakdown, BudgetCut, Segment};
use crate::i18n::Lang;
use crate::money;
use crate::report::allocate::{allocates, in_order, levels, AllocError, Prorater};
use crate::rules::{ClassId, FundId, OnOverrun, RuleSet};
use crate::table::row::RowText;

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

/// What a counting pass learnt of one chunk.
pub struct Tally {
    first_line: u64,
    envs: Vec<TallyEnv>,
}

/// One envelope's rows in a chunk, for a budget the pass decides.
struct TallyEnv {
    decision: usize,
    place: Option<(String, String)>,
    asked: i128,
    rows: u64,
    print: u64,
    asked_by_row: Asks,
}

/// One envelope's rows in the chunk under way.
#[derive(Default)]
struct Slot {
    asked: i128,
    rows: u64,
    print: u64,
    /// For a decided budget, once the first row found it: the envelope and its place.
    found: Option<(u32, InChunk)>,
    prorater: Option<Prorater>,
    asked_by_row: Asks,
}

/// The budgets of a plan as one chunk meets them: the decided ones cut its rows, the ones
/// under way add them up.
pub struct ChunkCuts<'a> {
    plan: &'a Plan,
    rules: &'a RuleSet,
    /// Budgets of earlier passes are applied, this pass's added up.
    pass: usize,
    label: &'a str,
    first_line: u64,
    record: Option<&'a ChunkRecord>,
    /// The chunk's villages, numbered as met.
    places: Places,
    names: Vec<(String, String)>,
    /// Per decision, per place (or the one envelope).
    slots: Vec<Vec<Slot>>,
    error: Option<Changed>,
}

/// Mixes `value` into a fingerprint.
fn mix(print: u64, value: u64) -> u64 {
    (print ^ value)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .rotate_left(29)
}

impl<'a> ChunkCuts<'a> {
    /// The cuts of `plan` for the chunk at `seq` (from `label`, starting at `first_line`) in
    /// pass `pass` (`plan.counting_passes()` for the pass that writes).
    pub fn new(
        plan: &'a Plan,
        rules: &'a RuleSet,
        pass: usize,
        seq: u64,
        label: &'a str,
        first_line: u64,
    ) -> ChunkCuts<'a> {
        let mut error = None;
        let record = if pass == 0 {
            None
        } else {
            match plan.chunks.get(&seq) {
                Some(r) if r.first_line != first_line => {
                    error = Some(Changed::FirstLine {
                        label: label.to_string(),
                        was: r.first_line,
                        now: first_line,
                    });
                    None
                }
                Some(r) => Some(r),
                None => {
                    error = Some(Changed::alloc(label, AllocError::MoreThanTotal));
                    None
                }
            }
        };
        ChunkCuts {
            plan,
            rules,
            pass,
            label,
            first_line,
            record,
            places: Places::default(),
            names: Vec::new(),
            slots: plan.decisions.iter().map(|_| Vec::new()).collect(),
            error,
        }
    }

    /// Applies the decided budgets to one good row, in file order, and adds up what it asks
    /// of the budgets under way.
    pub fn row(&mut self, segment: &Segment, text: &RowText, breakdown: &mut Breakdown) {
        if self.error.is_some() {
            return;
        }
        if let Err(error) = self.try_row(segment, text, breakdown) {
            self.error = Some(Changed::alloc(self.label, error));
        }
    }

    fn place(&mut self, text: &RowText) -> usize {
        if let Some(p) = find(&self.places, text.township, text.village) {
            return p as usize;
        }
        let p = self.names.len();
        self.names
            .push((text.township.to_string(), text.village.to_string()));
        self.places
            .entry(text.township.to_string())
            .or_default()
            .insert(text.village.to_string(), p as u32);
        p
    }

    fn try_row(
        &mut self,
        segment: &Segment,
        text: &RowText,
        breakdown: &mut Breakdown,
    ) -> Result<(), AllocError> {
        let (plan, rules, record) = (self.plan, self.rules, self.record);
        let mut place = None;
        for (d, decision) in plan.decisions.iter().enumerate() {
            if decision.pass > self.pass || decision.class.is_some_and(|c| c != segment.class) {
                continue;
            }
            let at = if decision.per_village {
                match place {
                    Some(p) => p,
                    None => *place.insert(self.place(text)),
                }
            } else {
                0
            };
            let slots = &mut self.slots[d];
            if slots.len() <= at {
                slots.resize_with(at + 1, Slot::default);
            }
            let slot = &mut slots[at];
            let asked = rules
                .meta
                .rounding
                .fen(breakdown.shares[decision.fund].paid);
            let index = slot.rows;
            slot.asked = slot.asked.checked_add(asked).ok_or(AllocError::Overflow)?;
            slot.rows += 1;
            let priority = segment.priority.map_or(u64::MAX ^ 0xA5, |p| p as u64);
            slot.print = mix(
                mix(mix(slot.print, asked as u64), (asked >> 64) as u64),
                priority,
            );
            if decision.pass == self.pass {
                if decision.how == OnOverrun::InOrder {
                    slot.asked_by_row.push((segment.priority, asked));
                }
                continue;
            }
            let (env, before) = match slot.found {
                Some(found) => found,
                None => {
                    let env = if decision.per_village {
                        find(&decision.places, text.township, text.village)
                    } else {
                        (!decision.envs.is_empty()).then_some(0)
                    };
                    let before = env.and_then(|e| record?.envs.get(&(d, e)).copied());
                    let found = env.zip(before).ok_or(AllocError::MoreThanTotal)?;
                    *slot.found.insert(found)
                }
            };
            let envelope = &decision.envs[env as usize];
            let Some(cut) = envelope.cut else { continue };
            let paid = match decision.how {
                OnOverrun::InOrder => *usize::try_from(before.rows_before + index)
                    .ok()
                    .and_then(|i| envelope.paid_by_row.get(i))
                    .ok_or(AllocError::MoreThanTotal)?,
                _ => {
                    let prorater = match &mut slot.prorater {
                        Some(p) => p,
                        None => slot.prorater.insert(Prorater::starting_after(
                            envelope.asked,
                            decision.envelope,
                            before.asked_before,
                        )?),
                    };
                    prorater.next(asked)?
                }
            };
            if paid < asked {
                crate::engine::cut(rules, segment, breakdown, cut, paid)
                    .map_err(|_| AllocError::Overflow)?;
            }
        }
        Ok(())
    }

    /// Ends the chunk: checks that the decided budgets met the rows the earlier passes
    /// counted, and hands over what this pass adds up.
    pub fn finish(mut self) -> Result<Tally, Changed> {
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        let mut envs = Vec::new();
        for (d, slots) in self.slots.iter_mut().enumerate() {
            let decision = &self.plan.decisions[d];
            if decision.pass > self.pass {
                continue;
            }
            if decision.pass == self.pass {
                for (at, slot) in slots.iter_mut().enumerate().filter(|(_, s)| s.rows > 0) {
                    envs.push(TallyEnv {
                        decision: d,
                        place: decision.per_village.then(|| self.names[at].clone()),
                        asked: slot.asked,
                        rows: slot.rows,
                        print: slot.print,
                        asked_by_row: std::mem::take(&mut slot.asked_by_row),
                    });
                }
                continue;
            }
            let counted = self
                .record
                .map_or(0, |r| r.envs.range((d, 0)..(d + 1, 0)).count());
            let mut met = 0;
            for slot in slots.iter().filter(|s| s.rows > 0) {
                let Some((_, before)) = slot.found else {
                    continue;
                };
                met += 1;
                if (slot.asked, slot.rows, slot.print) != (before.asked, before.rows, before.print)
                {
                    let error = if slot.asked > before.asked || slot.rows > before.rows {
                        AllocError::MoreThanTotal
                    } else {
                        AllocError::LessThanTotal
                    };
                    return Err(Changed::alloc(self.label, error));
                }
            }
            if met != counted {
                return Err(Changed::alloc(self.label, AllocError::LessThanTotal));
            }
        }
        Ok(Tally {
            first_line: self.first_line,
            envs,
        })
    }
}

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;
