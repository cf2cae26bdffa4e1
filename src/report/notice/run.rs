//! The run `roadsub notice` writes from, held lean: every row of the tables computed once
//! under the rules, budgets applied across all of them and the run's budget use added up, as
//! a batch run computes them — but of each row only where it is, its village and whether it
//! is good are kept, with the cuts the budgets made. A village's rows are computed again
//! when its notice is made, the cuts replayed on them, so no row's breakdown and no notice
//! but the ones being made are held however large the tables (the whole run held every
//! row's breakdown and every village's notice: 2.6 GiB on a million rows).
//!
//! It is exactly the run [`crate::report::compare::whole`] holds whole: the same rows good
//! and bad, with the same errors, the same cuts and the same summary; the tests hold it to
//! that model.

use crate::engine::{Breakdown, BudgetCut, Segment};
use crate::report::allocate::{allocate, AllocError, Rows};
use crate::report::compare::Table;
use crate::report::summary::Summary;
use crate::rules::{ClassId, FundId, RuleSet};
use crate::table::row::RowText;
use crate::table::sheet::Judged;
use crate::table::{Problem, RowError};

use super::{Maker, Notice, Overflow, Overspent, Row};

/// What became of a row kept (a totals row is not kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// It computes, and the run's totals hold it.
    Good,
    /// It cannot be computed (its errors are kept).
    Bad,
    /// It computes, but the run's totals no longer fit with it: bad, as in a batch run.
    TooLarge,
}

/// A row kept: where it is, its village, what became of it.
#[derive(Debug, Clone, Copy)]
struct Kept {
    table: usize,
    row: usize,
    village: usize,
    state: State,
}

/// Every row of some tables under one rule set, lean (see the module's note).
#[derive(Debug)]
pub struct Run<'a> {
    tables: &'a [Table],
    rules: &'a RuleSet,
    /// Per input and row, whether its id was seen on an earlier row.
    duplicates: Vec<Vec<bool>>,
    /// The rows kept, in input order.
    rows: Vec<Kept>,
    /// The cuts the budgets made: (row kept, cut, paid to), by row, each row's in the order
    /// they were made.
    cuts: Vec<(usize, BudgetCut, i128)>,
    /// The errors of the rows that cannot be computed: (row kept, errors), in input order.
    errors: Vec<(usize, Vec<RowError>)>,
    /// Each village (township, village; trimmed), in the order they first appear.
    villages: Vec<(&'a str, &'a str)>,
    /// The rows kept, village by village (input order within each).
    members: Vec<usize>,
    /// Where each village's rows start in `members` (one more than the villages).
    starts: Vec<usize>,
    /// The run's totals and budget use (no groups: a notice adds up its own village).
    pub summary: Summary,
}

/// The rows as [`allocate`] reads and cuts them: each good row's class, priority and what
/// each fund pays it now, in fen; the cuts are recorded, to be replayed.
struct Asking<'r, 'a> {
    rules: &'r RuleSet,
    rows: &'r [Kept],
    villages: &'r [(&'a str, &'a str)],
    class: Vec<ClassId>,
    priority: Vec<Option<i64>>,
    /// Row by row, one amount per fund.
    paid: Vec<i128>,
    cuts: Vec<(usize, BudgetCut, i128)>,
}

impl Rows for Asking<'_, '_> {
    fn len(&self) -> usize {
        self.rows.len()
    }

    fn is_good(&self, i: usize) -> bool {
        // Budgets apply before the totals are added, as a whole run applies them.
        self.rows[i].state != State::Bad
    }

    fn class(&self, i: usize) -> ClassId {
        self.class[i]
    }

    fn place(&self, i: usize) -> (&str, &str) {
        self.villages[self.rows[i].village]
    }

    fn priority(&self, i: usize) -> Option<i64> {
        self.priority[i]
    }

    fn paid(&self, i: usize, fund: FundId) -> i128 {
        self.paid[i * self.rules.funds.len() + fund]
    }

    fn cut(&mut self, i: usize, cut: BudgetCut, to: i128) -> Result<(), AllocError> {
        // As [`crate::engine::cut`] pays it: never more than it was, never below nothing.
        let at = i * self.rules.funds.len() + cut.fund;
        if to < self.paid[at] {
            self.paid[at] = to.max(0);
            self.cuts.push((i, cut, to));
        }
        Ok(())
    }
}

impl<'a> Run<'a> {
    /// Every row of `tables` under `rules`, budgets applied across all of them.
    pub fn new(tables: &'a [Table], rules: &'a RuleSet) -> Result<Run<'a>, AllocError> {
        let duplicates = crate::report::compare::whole::repeated_ids(tables);
        let budgets = !rules.budgets.is_empty();
        let funds = rules.funds.len();
        let mut rows: Vec<Kept> = Vec::new();
        let mut errors = Vec::new();
        let mut villages: Vec<(&'a str, &'a str)> = Vec::new();
        let mut index: foldhash::HashMap<(&'a str, &'a str), usize> = Default::default();
        let (mut class, mut priority, mut paid) = (Vec::new(), Vec::new(), Vec::new());
        let mut summary = Summary::new(rules, &[]);
        for (t, table) in tables.iter().enumerate() {
            let columns = &table.sheet.columns;
            for (r, row) in table.sheet.rows.iter().enumerate() {
                let judged = table.sheet.judge(rules, columns, row, duplicates[t][r]);
                if let Judged::Totals = judged {
                    continue;
                }
                let place = row.place(columns);
                let village = *index.entry(place).or_insert_with(|| {
                    villages.push(place);
                    villages.len() - 1
                });
                let state = match judged {
                    Judged::Good(g) => {
                        let (seg, b) = &*g;
                        if budgets {
                            class.push(seg.class);
                            priority.push(seg.priority);
                            paid.extend(b.shares.iter().map(|s| rules.meta.rounding.fen(s.paid)));
                        }
                        add(rules, &mut summary, place, seg, b)
                    }
                    Judged::Bad(e) => {
                        if budgets {
                            class.push(0);
                            priority.push(None);
                            paid.extend(std::iter::repeat_n(0, funds));
                        }
                        errors.push((rows.len(), e));
                        State::Bad
                    }
                    Judged::Totals => unreachable!("left out above"),
                };
                rows.push(Kept {
                    table: t,
                    row: r,
                    village,
                    state,
                });
            }
        }
        let (members, starts) = by_village(&rows, villages.len());
        let mut run = Run {
            tables,
            rules,
            duplicates,
            rows,
            cuts: Vec::new(),
            errors,
            villages,
            members,
            starts,
            summary,
        };
        if budgets {
            let mut asking = Asking {
                rules,
                rows: &run.rows,
                villages: &run.villages,
                class,
                priority,
                paid,
                cuts: Vec::new(),
            };
            allocate(rules, &mut asking)?;
            let mut cuts = asking.cuts;
            // Each row's cuts in the order they were made (budget by budget).
            cuts.sort_by_key(|(i, _, _)| *i);
            run.cuts = cuts;
            if !run.cuts.is_empty() {
                run.add_up_again()?;
            }
        }
        Ok(run)
    }

    /// The totals added up again from every good row with its cuts (the first sums were of
    /// the rows before any budget).
    fn add_up_again(&mut self) -> Result<(), AllocError> {
        let mut summary = Summary::new(self.rules, &[]);
        for i in 0..self.rows.len() {
            if self.rows[i].state == State::Bad {
                continue;
            }
            // A cut that does not fit fails the allocation, as it fails a whole run's.
            let Some((seg, b)) = self.computed(i).map_err(|_| AllocError::Overflow)? else {
                continue;
            };
            let place = self.villages[self.rows[i].village];
            self.rows[i].state = add(self.rules, &mut summary, place, &seg, &b);
        }
        self.summary = summary;
        Ok(())
    }

    /// Row `i` (kept) computed again, each cut the budgets made replayed on it; none when it
    /// cannot be computed.
    fn computed(&self, i: usize) -> Result<Option<(Segment, Breakdown)>, Overflow> {
        let k = self.rows[i];
        let table = &self.tables[k.table];
        let row = &table.sheet.rows[k.row];
        let dup = self.duplicates[k.table][k.row];
        let Judged::Good(g) = table
            .sheet
            .judge(self.rules, &table.sheet.columns, row, dup)
        else {
            return Ok(None);
        };
        let (seg, mut b) = *g;
        let from = self.cuts.partition_point(|(r, _, _)| *r < i);
        for (_, cut, to) in self.cuts[from..].iter().take_while(|(r, _, _)| *r == i) {
            crate::engine::cut(self.rules, &seg, &mut b, *cut, *to).map_err(|_| Overflow)?;
        }
        Ok(Some((seg, b)))
    }

    /// Row `row` of input `table` as the run computed it: its segment and breakdown, each cut
    /// the budgets made replayed on it, or its errors (a row the run's totals could not hold
    /// is bad, as in a batch run); `None` for a totals row, which the run leaves out.
    #[allow(clippy::type_complexity)]
    pub fn row(
        &self,
        table: usize,
        row: usize,
    ) -> Option<Result<(Segment, Breakdown), Vec<RowError>>> {
        let i = self
            .rows
            .binary_search_by_key(&(table, row), |k| (k.table, k.row))
            .ok()?;
        let line = self.tables[table].sheet.rows[row].line;
        let too_large = || Err(vec![RowError::row(line, Problem::Overflow)]);
        Some(match self.rows[i].state {
            State::Good => match self.computed(i) {
                Ok(Some(computed)) => Ok(computed),
                Ok(None) | Err(Overflow) => too_large(),
            },
            State::Bad => Err(self
                .errors
                .iter()
                .find(|(at, _)| *at == i)
                .map(|(_, e)| e.clone())
                .unwrap_or_default()),
            State::TooLarge => too_large(),
        })
    }

    /// The errors of every bad row, in input order, with the input they are in (a row the
    /// run's totals could not hold is bad as in a batch run).
    pub fn errors(&self) -> Vec<(usize, Vec<RowError>)> {
        let mut judged = self.errors.iter().peekable();
        let mut out = Vec::new();
        for (i, k) in self.rows.iter().enumerate() {
            match k.state {
                State::Good => {}
                State::Bad => {
                    if let Some((_, e)) = judged.next_if(|(at, _)| *at == i) {
                        out.push((k.table, e.clone()));
                    }
                }
                State::TooLarge => {
                    let line = self.tables[k.table].sheet.rows[k.row].line;
                    out.push((k.table, vec![RowError::row(line, Problem::Overflow)]));
                }
            }
        }
        out
    }

    /// The villages, township and village as the tables write them (trimmed), in pinyin
    /// order by township and then village, as an office files them
    /// ([`super::filing_order`]).
    pub fn villages(&self) -> Vec<(usize, (&'a str, &'a str))> {
        let mut out: Vec<(usize, (&'a str, &'a str))> =
            self.villages.iter().copied().enumerate().collect();
        out.sort_by_cached_key(|&(_, (t, v))| super::filing_order(t, v));
        out
    }

    /// Whether village `v` has a row that computes (one with none has nothing to post).
    pub fn has_good_row(&self, v: usize) -> bool {
        self.members[self.starts[v]..self.starts[v + 1]]
            .iter()
            .any(|&i| self.rows[i].state == State::Good)
    }

    /// Village `v`'s notice, its rows computed again with their cuts; its bad rows counted,
    /// not shown.
    pub fn notice(
        &self,
        maker: &Maker,
        v: usize,
        overspent: &foldhash::HashMap<(&str, &str), Vec<Overspent>>,
    ) -> Result<Notice, Overflow> {
        let mut computed = Vec::new();
        for &i in &self.members[self.starts[v]..self.starts[v + 1]] {
            let c = match self.rows[i].state {
                State::Good => self.computed(i)?,
                _ => None,
            };
            computed.push((self.rows[i], c));
        }
        let rows = computed.iter().map(|(k, c)| {
            let sheet = &self.tables[k.table].sheet;
            Row::of(
                &sheet.columns,
                &sheet.rows[k.row],
                c.as_ref().map(|(s, b)| (s, b)),
            )
        });
        // Every row of the village has its names: one notice.
        let mut n = maker.notices(rows)?.pop().unwrap_or_else(|| {
            let (township, village) = self.villages[v];
            maker.empty(township, village)
        });
        if let Some(o) = overspent.get(&self.villages[v]) {
            n.overspent.extend(o.iter().cloned());
        }
        Ok(n)
    }
}

/// Adds a good row to the run's totals: still good, or too large for them.
fn add(
    rules: &RuleSet,
    summary: &mut Summary,
    (township, village): (&str, &str),
    seg: &Segment,
    b: &Breakdown,
) -> State {
    let text = RowText {
        id: "",
        township,
        village,
    };
    match summary.add(rules, seg, &text, b) {
        Ok(()) => State::Good,
        Err(_) => State::TooLarge,
    }
}

/// The rows kept grouped by village (input order within each), and where each village's
/// start (a counting sort: one pass to count, one to place).
fn by_village(rows: &[Kept], villages: usize) -> (Vec<usize>, Vec<usize>) {
    let mut starts = vec![0usize; villages + 1];
    for k in rows {
        starts[k.village + 1] += 1;
    }
    for v in 0..villages {
        starts[v + 1] += starts[v];
    }
    let mut next = starts.clone();
    let mut members = vec![0usize; rows.len()];
    for (i, k) in rows.iter().enumerate() {
        members[next[k.village]] = i;
        next[k.village] += 1;
    }
    (members, starts)
}

#[cfg(test)]
mod props;
