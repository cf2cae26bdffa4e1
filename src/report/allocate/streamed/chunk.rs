//! The budgets of a run as one chunk meets them, on a worker: the decided ones cut its rows
//! (a prorater started from the running total of the chunks before, or each row's amount by
//! its index under an `in_order` envelope); the ones of the pass under way add them up. At
//! the end of the chunk, what it met is checked against what the earlier passes counted.

use std::sync::{PoisonError, RwLockReadGuard};

use super::villages::{Villages, FRESH};
use super::{of_decision, AllocError, Ask, Asks, Changed, ChunkRecord, InChunk, Plan};
use crate::engine::{Breakdown, BudgetCut, Overflow, Segment};
use crate::report::allocate::Prorater;
use crate::rules::{ClassId, FundId, OnOverrun, RuleSet};
use crate::table::row::RowText;

/// What a counting pass learnt of one chunk.
pub struct Tally {
    pub(super) first_line: u64,
    /// Per envelope of the budgets the pass decides, sorted by (decision, envelope).
    pub(super) envs: Vec<InChunk>,
    /// The rows under its `in_order` envelopes, envelope by envelope as in `envs`.
    pub(super) asks: Asks,
}

/// One envelope's rows in the chunk under way.
#[derive(Default)]
struct Slot {
    /// The envelope (a village's number, or one of the chunk's own, `FRESH` up).
    env: u32,
    asked: i128,
    rows: u64,
    print: u64,
    /// For a decided budget, once the first row found it: what the earlier passes counted.
    found: Option<InChunk>,
    prorater: Option<Prorater>,
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
    /// The run's villages, read for the whole chunk (no chunk numbers them while it is held).
    villages: Option<RwLockReadGuard<'a, Villages>>,
    /// In the first pass, the villages no chunk had numbered when this one met them.
    fresh: Villages,
    /// The chunk's places among its slots, by village number, as met.
    local: foldhash::HashMap<u32, u32>,
    /// Per decision, per place in the chunk (or the one envelope).
    slots: Vec<Vec<Slot>>,
    /// Rows under the `in_order` budgets under way: decision, slot, priority, amount asked.
    asks: Vec<(u32, u32, Option<i64>, i128)>,
    error: Option<Changed>,
}

/// A good row as the budgets meet it: its class and priority, what each fund pays it, and
/// how a budget cuts it.
pub trait CutRow {
    fn class(&self) -> ClassId;
    fn priority(&self) -> Option<i64>;
    /// What fund `fund` pays the row now, in fen.
    fn paid(&self, fund: FundId) -> i128;
    /// A budget pays the fund of `cut` only `to` fen (less than it pays now): as
    /// [`crate::engine::cut`] does to a breakdown.
    fn cut(&mut self, cut: BudgetCut, to: i128) -> Result<(), Overflow>;
}

/// A segment and its breakdown, computed.
struct Computed<'r> {
    rules: &'r RuleSet,
    segment: &'r Segment,
    breakdown: &'r mut Breakdown,
}

impl CutRow for Computed<'_> {
    fn class(&self) -> ClassId {
        self.segment.class
    }

    fn priority(&self) -> Option<i64> {
        self.segment.priority
    }

    fn paid(&self, fund: FundId) -> i128 {
        self.rules
            .meta
            .rounding
            .fen(self.breakdown.shares[fund].paid)
    }

    fn cut(&mut self, cut: BudgetCut, to: i128) -> Result<(), Overflow> {
        crate::engine::cut(self.rules, self.segment, self.breakdown, cut, to)
    }
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
            villages: plan
                .per_village
                .then(|| plan.villages.read().unwrap_or_else(PoisonError::into_inner)),
            fresh: Villages::default(),
            local: foldhash::HashMap::default(),
            slots: plan.decisions.iter().map(|_| Vec::new()).collect(),
            asks: Vec::new(),
            error,
        }
    }

    /// Applies the decided budgets to one good row, in file order, and adds up what it asks
    /// of the budgets under way.
    pub fn row(&mut self, segment: &Segment, text: &RowText, breakdown: &mut Breakdown) {
        let rules = self.rules;
        self.row_with(
            text,
            &mut Computed {
                rules,
                segment,
                breakdown,
            },
        );
    }

    /// [`ChunkCuts::row`] of a row given as a [`CutRow`].
    pub fn row_with(&mut self, text: &RowText, row: &mut impl CutRow) {
        if self.error.is_some() {
            return;
        }
        if let Err(error) = self.try_row(text, row) {
            self.error = Some(Changed::alloc(self.label, error));
        }
    }

    /// The row's village: its number and its place among the chunk's slots. The first pass
    /// numbers a village new to the run among the chunk's own; a later pass meets only
    /// villages the first one numbered.
    fn place(&mut self, text: &RowText) -> Result<(u32, usize), AllocError> {
        let known = self
            .villages
            .as_ref()
            .and_then(|v| v.find(text.township, text.village));
        let number = match known {
            Some(n) => n,
            None if self.pass == 0 => FRESH + self.fresh.number(text.township, text.village)?,
            None => return Err(AllocError::MoreThanTotal),
        };
        let next = self.local.len() as u32;
        let at = *self.local.entry(number).or_insert(next);
        Ok((number, at as usize))
    }

    fn try_row(&mut self, text: &RowText, row: &mut impl CutRow) -> Result<(), AllocError> {
        let (plan, record) = (self.plan, self.record);
        let (class, priority) = (row.class(), row.priority());
        let mut place = None;
        for (d, decision) in plan.decisions.iter().enumerate() {
            if decision.class.is_some_and(|c| c != class) {
                continue;
            }
            // The first pass numbers the villages of every per-village budget, later or not.
            let (env, at) = if decision.per_village {
                match place {
                    Some(p) => p,
                    None => *place.insert(self.place(text)?),
                }
            } else {
                (0, 0)
            };
            if decision.pass > self.pass {
                continue;
            }
            let slots = &mut self.slots[d];
            if slots.len() <= at {
                slots.resize_with(at + 1, Slot::default);
            }
            let slot = &mut slots[at];
            slot.env = env;
            let asked = row.paid(decision.fund);
            let index = slot.rows;
            slot.asked = slot.asked.checked_add(asked).ok_or(AllocError::Overflow)?;
            slot.rows += 1;
            slot.print = mix(
                mix(mix(slot.print, asked as u64), (asked >> 64) as u64),
                priority.map_or(u64::MAX ^ 0xA5, |p| p as u64),
            );
            if decision.pass == self.pass {
                if decision.how == OnOverrun::InOrder {
                    self.asks.push((d as u32, at as u32, priority, asked));
                }
                continue;
            }
            let before = match slot.found {
                Some(found) => found,
                None => {
                    let counted = record.map_or(&[][..], |r| of_decision(&r.envs, d as u32));
                    let found = counted
                        .binary_search_by_key(&env, |e| e.env)
                        .map(|i| counted[i])
                        .map_err(|_| AllocError::MoreThanTotal)?;
                    *slot.found.insert(found)
                }
            };
            let envelope = decision
                .envs
                .get(env as usize)
                .ok_or(AllocError::MoreThanTotal)?;
            let Some(cut) = envelope.cut else { continue };
            let paid = match decision.how {
                OnOverrun::InOrder => usize::try_from(before.rows_before + index)
                    .ok()
                    .and_then(|i| envelope.paid_by_row.get(i))
                    .map(|&p| i128::from(p))
                    .ok_or(AllocError::MoreThanTotal)?,
                _ => {
                    let prorater = match &mut slot.prorater {
                        Some(p) => p,
                        None => slot.prorater.insert(Prorater::starting_after(
                            envelope.asked,
                            decision.envelope,
                            i128::from(before.asked_before),
                        )?),
                    };
                    prorater.next(asked)?
                }
            };
            if paid < asked {
                row.cut(cut, paid).map_err(|_| AllocError::Overflow)?;
            }
        }
        Ok(())
    }

    /// In the first pass, numbers for the run the villages the chunk met first, and moves
    /// its slots to their numbers.
    fn number_fresh(&mut self) -> Result<(), AllocError> {
        // Let go of the reading first: no chunk waits for another while holding it.
        self.villages = None;
        if self.fresh.len() == 0 {
            return Ok(());
        }
        let mut names = vec![None; self.fresh.len()];
        for (township, villages) in self.fresh.names() {
            for (village, &n) in villages {
                names[n as usize] = Some((township, village.as_str()));
            }
        }
        let mut run = self
            .plan
            .villages
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let numbers = names
            .into_iter()
            .map(|n| {
                let (township, village) = n.ok_or(AllocError::Overflow)?;
                run.number(township, village)
            })
            .collect::<Result<Vec<u32>, AllocError>>()?;
        drop(run);
        for slot in self.slots.iter_mut().flatten() {
            if slot.env >= FRESH {
                slot.env = numbers[(slot.env - FRESH) as usize];
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
        let label = self.label;
        self.number_fresh().map_err(|e| Changed::alloc(label, e))?;
        let mut envs = Vec::new();
        for (d, slots) in self.slots.iter().enumerate() {
            let decision = &self.plan.decisions[d];
            if decision.pass > self.pass {
                continue;
            }
            if decision.pass == self.pass {
                for slot in slots.iter().filter(|s| s.rows > 0) {
                    envs.push(InChunk {
                        decision: d as u32,
                        env: slot.env,
                        rows: slot.rows,
                        asked: i64::try_from(slot.asked)
                            .map_err(|_| Changed::alloc(label, AllocError::Overflow))?,
                        print: slot.print,
                        ..InChunk::default()
                    });
                }
                continue;
            }
            let counted = self
                .record
                .map_or(0, |r| of_decision(&r.envs, d as u32).len());
            let (mut met, mut more, mut less) = (0, false, false);
            for slot in slots.iter().filter(|s| s.rows > 0) {
                let Some(before) = slot.found else { continue };
                met += 1;
                if (slot.asked, slot.rows, slot.print)
                    != (i128::from(before.asked), before.rows, before.print)
                {
                    if slot.asked > i128::from(before.asked) || slot.rows > before.rows {
                        more = true;
                    } else {
                        less = true;
                    }
                }
            }
            // Said the same whatever order the envelopes were met in.
            if more {
                return Err(Changed::alloc(label, AllocError::MoreThanTotal));
            }
            if less || met != counted {
                return Err(Changed::alloc(label, AllocError::LessThanTotal));
            }
        }
        envs.sort_unstable_by_key(InChunk::key);
        // The rows under each `in_order` envelope, in the envelopes' order, each in input
        // order (the sort is stable).
        let slots = &self.slots;
        self.asks
            .sort_by_key(|&(d, at, _, _)| (d, slots[d as usize][at as usize].env));
        let asks = self
            .asks
            .iter()
            .map(|&(_, _, p, a)| Ask::new(p, a))
            .collect::<Result<Asks, _>>()
            .map_err(|e| Changed::alloc(label, e))?;
        drop(self.asks);
        Ok(Tally {
            first_line: self.first_line,
            envs,
            asks,
        })
    }
}
