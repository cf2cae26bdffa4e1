//! The budgets of a run as one chunk meets them, on a worker: the decided ones cut its rows
//! (a prorater started from the running total of the chunks before, or each row's amount by
//! its index under an `in_order` envelope); the ones of the pass under way add them up. At
//! the end of the chunk, what it met is checked against what the earlier passes counted.

use super::{find, AllocError, Asks, Changed, ChunkRecord, InChunk, Places, Plan};
use crate::engine::{Breakdown, Segment};
use crate::report::allocate::Prorater;
use crate::rules::{OnOverrun, RuleSet};
use crate::table::row::RowText;

/// What a counting pass learnt of one chunk.
pub struct Tally {
    pub(super) first_line: u64,
    pub(super) envs: Vec<TallyEnv>,
}

/// One envelope's rows in a chunk, for a budget the pass decides.
pub(super) struct TallyEnv {
    pub(super) decision: usize,
    pub(super) place: Option<(String, String)>,
    pub(super) asked: i128,
    pub(super) rows: u64,
    pub(super) print: u64,
    pub(super) asked_by_row: Asks,
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
