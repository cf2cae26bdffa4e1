//! Both sides of a comparison computed row by row, side by side, on every core: each row is
//! judged under the rules in force and under the variant, cut by the budgets that bind on
//! each side, added up, and kept only as the fen a comparison shows ([`Amounts`]), so a
//! million rows never hold two segments and breakdowns each.
//!
//! Budgets that bind are shared out as a batch run shares them (SPEC §8): the rows are cut
//! into the same kind of chunks, each side's counting passes add up what every envelope is
//! asked ([`Plan`]), and the last pass cuts each row as it goes ([`ChunkCuts`]), so a side's
//! fen are a batch run's.
//!
//! The totals are added up chunk by chunk and the chunks' totals then added in order. A sum
//! that does not fit makes a row bad, and which row depends on the order the rows are added
//! in: should any sum not fit, everything is added up again in input order, one row after
//! another, as a single pass over the rows would.

use super::cores::{in_order_on_every_core, on_every_core};
use super::groups::{Groups, Tallied};
use super::whole::{CompareError, Pair, Table};
use super::{Amounts, Funds, Side};
use crate::batch::fused::{Fused, Row as FusedRow};
use crate::engine::{Breakdown, Segment};
use crate::report::allocate::streamed::{Changed, ChunkCuts, Plan};
use crate::report::allocate::AllocError;
use crate::report::summary::{GroupBy, Summary};
use crate::rules::RuleSet;
use crate::table::idform::place_form;
use crate::table::row::RowText;
use crate::table::sheet::{Judged, SheetRow};
use crate::table::{Columns, Field, Problem, RowError};

/// Rows in a chunk: as many as a batch run's chunks hold at most.
const CHUNK_ROWS: usize = 2048;

/// The groupings a comparison adds up.
const GROUPS: [GroupBy; 2] = [GroupBy::Township, GroupBy::Village];

/// A run of rows of one input, the `seq`-th of the comparison.
struct Piece {
    table: usize,
    rows: std::ops::Range<usize>,
}

/// Each side's rules, the columns it reads each input through, and its plan for budgets
/// that bind.
struct SideCtx<'r> {
    side: Side,
    rules: &'r RuleSet,
    /// Per input: the approved-amount columns are found per rule set, so a variant reads its
    /// own.
    columns: Vec<Columns>,
    plan: Option<Plan>,
}

/// What the rows of one or more pieces add up to, on both sides.
pub(super) struct Sums {
    /// Each side's whole run: what its budgets were asked and paid.
    whole: [Summary; 2],
    /// Each side's totals (and, added in input order, groups) over the rows good under both.
    both: [Summary; 2],
    /// Each side's groups over the rows good under both, found by hash, when they are not
    /// added to `both` row by row.
    groups: Option<Groups>,
    /// Rows computed under one side only.
    one_side_only: usize,
    /// Some sum did not fit (so this way of adding up is given up).
    overflowed: bool,
    /// Each row is added to its side's whole run once: a row computed under one side only
    /// is taken out of that side's totals again (its budget use stays) and kept apart in
    /// `one_side`, so `whole` holds the totals of the rows good under both, and `both` is
    /// not used. Which row a sum that does not fit would make bad is not found this way:
    /// it only says that some sum does not fit.
    lean: bool,
    /// Each side's totals over the rows computed under it only, when `lean`.
    one_side: [Summary; 2],
}

impl Sums {
    /// Whether some sum did not fit (the rows are then added up again in input order).
    pub(super) fn overflowed(&self) -> bool {
        // Added up leanly, each side's whole run must fit too: the rows good under both and
        // those computed under it only.
        self.overflowed
            || (self.lean
                && self.whole.iter().zip(&self.one_side).any(|(w, o)| {
                    let mut run = o.clone();
                    run.total = w.total.clone();
                    run.merge(o.clone()).is_err()
                }))
    }

    /// Each side's summary: its totals (and, added in input order, its groups) over the rows
    /// good under both, its budget use over its whole run; how many rows are computed under
    /// one side only; and the groups found by hash.
    pub(super) fn finish(self) -> Paired {
        let Sums {
            whole: [mut wb, mut wa],
            both: [bb, ba],
            groups,
            one_side_only,
            lean,
            ..
        } = self;
        // Groups merged by hash stay tallies, each name made a key once.
        let tallied = groups.map(Groups::into_tallied);
        if !lean {
            for (whole, both) in [(&mut wb, bb), (&mut wa, ba)] {
                whole.total = both.total;
                whole.groupings = both.groupings;
            }
        }
        Paired {
            summaries: [wb, wa],
            one_side_only,
            tallied,
        }
    }

    /// Sums under `rules` (before, after), with the groups when `grouped`: by hash (`fast`), or added to the
    /// summaries in input order.
    pub(super) fn new(rules: [&RuleSet; 2], grouped: bool, fast: bool) -> Sums {
        let by: &[GroupBy] = if grouped && !fast { &GROUPS } else { &[] };
        Sums {
            whole: [Summary::new(rules[0], &[]), Summary::new(rules[1], &[])],
            // Budget use is each side's whole run: the rows good under both are added up
            // for their totals and groups only.
            both: rules.map(|r| {
                let mut s = Summary::new(r, by);
                s.budgets.clear();
                s
            }),
            groups: (grouped && fast).then(|| Groups::new(rules)),
            one_side_only: 0,
            overflowed: false,
            lean: false,
            one_side: rules.map(|r| {
                let mut s = Summary::new(r, &[]);
                s.budgets.clear();
                s
            }),
        }
    }

    /// Sums adding each row once (see [`Sums::lean`]), without groups of their own (a core
    /// adds a block's rows to its groups apart, [`Sums::merge_groups`]): should a sum not
    /// fit, the rows are to be added up again another way.
    pub(super) fn lean(rules: [&RuleSet; 2]) -> Sums {
        Sums {
            lean: true,
            ..Sums::new(rules, false, true)
        }
    }

    /// Adds groups another core found by hash: they stay by hash until every core's are in
    /// ([`Sums::finish`]).
    pub(super) fn merge_groups(&mut self, mut groups: Groups) {
        if groups.settle().is_err() {
            self.overflowed = true;
        }
        match &mut self.groups {
            None => self.groups = Some(groups),
            Some(mine) => {
                if !self.overflowed && mine.merge(groups).is_err() {
                    self.overflowed = true;
                }
            }
        }
    }

    /// Adds another core's sums (`self` groups in the summaries, `other` by hash).
    pub(super) fn merge(&mut self, other: Sums) {
        self.one_side_only += other.one_side_only;
        self.overflowed |= other.overflowed;
        for (mine, theirs) in self.one_side.iter_mut().zip(other.one_side) {
            if !self.overflowed && mine.merge(theirs).is_err() {
                self.overflowed = true;
            }
        }
        let theirs: Vec<Summary> = other.whole.into_iter().chain(other.both).collect();
        if let Some(groups) = other.groups {
            self.merge_groups(groups);
        }
        let [w0, w1] = &mut self.whole;
        let [b0, b1] = &mut self.both;
        let targets = [w0, w1, b0, b1];
        for (k, summary) in theirs.into_iter().enumerate() {
            if !self.overflowed && targets[k].merge(summary).is_err() {
                self.overflowed = true;
            }
        }
    }
}

/// What [`pairs`] hands back.
pub(super) struct Paired {
    /// Each side's summary: its totals (and, added in input order, its groups) over the
    /// rows good under both, its budget use over its whole run.
    pub summaries: [Summary; 2],
    /// How many rows are computed under one side only.
    pub one_side_only: usize,
    /// The groups over the rows good under both, when the cores found them by hash (then
    /// not in the summaries).
    pub tallied: Option<Tallied>,
}

/// Where the pieces' rows go, in input order, on the thread that called [`pairs`]: kept, or
/// written as they come.
pub(super) trait Put<P> {
    /// The next piece, as the worker that computed it made it.
    fn put(&mut self, piece: P);
    /// Every row is computed again, in input order: what was put so far is taken back.
    fn again(&mut self);
}

/// Every row kept, paired, in input order.
impl Put<Vec<Pair>> for Vec<Pair> {
    fn put(&mut self, piece: Vec<Pair>) {
        self.extend(piece);
    }

    fn again(&mut self) {
        self.clear();
    }
}

/// Every row of `tables` under `before` and `after`, paired; `duplicates` per input and row
/// whether its id was seen on an earlier row; the groups added up when `grouped`. Each piece
/// of rows is made into what `make` makes of it on the core that computed it, and handed to
/// `out` in input order as soon as the pieces before it are, so the rows need not all be held.
pub(super) fn pairs<P: Send>(
    tables: &[Table],
    (before, after): (&RuleSet, &RuleSet),
    duplicates: &[Vec<bool>],
    (funds, grouped): (&Funds, bool),
    make: &(impl Fn(Vec<Pair>) -> P + Sync),
    out: &mut impl Put<P>,
) -> Result<Paired, CompareError> {
    let mut pieces = Vec::new();
    for (t, table) in tables.iter().enumerate() {
        let n = table.sheet.rows.len();
        for start in (0..n).step_by(CHUNK_ROWS) {
            pieces.push(Piece {
                table: t,
                rows: start..n.min(start + CHUNK_ROWS),
            });
        }
    }
    let mut sides = [
        SideCtx {
            side: Side::Before,
            rules: before,
            columns: tables.iter().map(|t| t.sheet.columns.clone()).collect(),
            plan: Plan::new(before),
        },
        SideCtx {
            side: Side::After,
            rules: after,
            columns: tables
                .iter()
                .map(|t| t.sheet.columns.for_other_rules())
                .collect(),
            plan: Plan::new(after),
        },
    ];
    for s in &mut sides {
        count(tables, &pieces, s, duplicates)?;
    }
    let rules = [before, after];
    let ctx = Ctx {
        tables,
        pieces: &pieces,
        sides: &sides,
        duplicates,
        funds,
    };
    // Each core adds its rows to sums of its own, merged at the end: every sum is exact, so
    // the order rows are added in changes nothing unless one does not fit.
    let mut error = None;
    let per_core = in_order_on_every_core(
        pieces.len(),
        || Sums::new(rules, grouped, true),
        |sums, seq| {
            let (pairs, e) = ctx.piece(seq, sums);
            (make(pairs), e)
        },
        |(piece, e)| {
            // The first piece, in input order, whose allocation fails says why.
            if error.is_none() {
                error = e;
            }
            if error.is_none() {
                out.put(piece);
            }
        },
    );
    if let Some(e) = error {
        return Err(e);
    }
    let mut sums = Sums::new(rules, grouped, false);
    for s in per_core {
        sums.merge(s);
    }
    if sums.overflowed {
        // Added up again in input order, row after row: which row no longer fits is then
        // the one a single pass finds.
        sums = Sums::new(rules, grouped, false);
        out.again();
        for seq in 0..pieces.len() {
            let (pairs, error) = ctx.piece(seq, &mut sums);
            if let Some(e) = error {
                return Err(e);
            }
            out.put(make(pairs));
        }
    }
    Ok(sums.finish())
}

/// Runs each side's counting passes, when its budgets bind: what each envelope is asked,
/// then who is cut.
fn count(
    tables: &[Table],
    pieces: &[Piece],
    s: &mut SideCtx,
    duplicates: &[Vec<bool>],
) -> Result<(), CompareError> {
    let Some(mut plan) = s.plan.take() else {
        return Ok(());
    };
    let fail = |c: Changed| CompareError {
        side: s.side,
        error: alloc_error(c),
    };
    for pass in 0..plan.counting_passes() {
        let (tallies, _) = on_every_core(
            pieces.len(),
            || (),
            |_, seq| {
                let piece = &pieces[seq];
                let table = &tables[piece.table];
                let rows = &table.sheet.rows[piece.rows.clone()];
                let mut cuts = ChunkCuts::new(
                    &plan,
                    s.rules,
                    pass,
                    seq as u64,
                    &table.label,
                    rows.first().map_or(0, |r| r.line),
                );
                for (r, row) in piece.rows.clone().zip(rows) {
                    let judged = table.sheet.judge(
                        s.rules,
                        &s.columns[piece.table],
                        row,
                        duplicates[piece.table][r],
                    );
                    if let Judged::Good(g) = judged {
                        let (segment, mut breakdown) = *g;
                        cuts.row(
                            &segment,
                            &placed_row(&table.sheet.columns, row),
                            &mut breakdown,
                        );
                    }
                }
                cuts.finish()
            },
        );
        for (seq, tally) in tallies.into_iter().enumerate() {
            plan.add(pass, seq as u64, tally.map_err(fail)?)
                .map_err(fail)?;
        }
        plan.decide(pass).map_err(fail)?;
    }
    s.plan = Some(plan);
    Ok(())
}

/// Why an allocation failed, as the comparison says it (rows held in memory cannot change
/// between passes: a chunk found out of step is an allocation that does not add up).
fn alloc_error(c: Changed) -> AllocError {
    match c {
        Changed::Alloc { error, .. } => error,
        Changed::FirstLine { .. } | Changed::Ids { .. } => AllocError::MoreThanTotal,
    }
}

/// A row's township and village, trimmed, as written.
fn written<'a>(columns: &Columns, row: &'a SheetRow) -> RowText<'a> {
    let get = |f: Field| columns.index(f).map_or("", |i| row.get(i).trim());
    RowText {
        id: "",
        township: get(Field::Township),
        village: get(Field::Village),
    }
}

/// A row's township and village as budgets and groups place it ([`SheetRow::place`]).
fn placed_row<'a>(columns: &Columns, row: &'a SheetRow) -> RowText<'a> {
    let (township, village) = row.place(columns);
    RowText {
        id: "",
        township,
        village,
    }
}

/// A row's township and village as budgets and groups place it ([`place_form`]).
pub(super) fn placed(at: RowText<'_>) -> RowText<'_> {
    RowText {
        id: at.id,
        township: place_form(at.township),
        village: place_form(at.village),
    }
}

/// Row `row`'s text field `field`, trimmed.
fn text<'a>(columns: &Columns, row: &'a SheetRow, field: Field) -> &'a str {
    columns.index(field).map_or("", |i| row.get(i).trim())
}

/// Where a row is and what it says of itself, as a comparison shows it.
pub(super) struct Seen<'t> {
    /// Which input.
    pub file: usize,
    /// Its line there.
    pub line: u64,
    /// Its township and village, trimmed, as written.
    pub at: RowText<'t>,
    /// The same as groups and envelopes place it ([`place_form`]: a name on two lines is one
    /// place however its line ends).
    pub place: RowText<'t>,
    /// Its id and class as written, trimmed.
    pub id: &'t str,
    pub class: &'t str,
}

/// A row judged under each side (`judged`), cut by the budgets that bind on each (`cuts`),
/// added to `sums` (and to `groups`, the sums' groups by hash when they are added up) and
/// put in `pair` (in the memory it has: a million rows need not allocate their text and
/// amounts a million times); false for a totals row (or a note), which a batch run leaves
/// out too.
pub(super) fn pair_row<'t>(
    rules: [&RuleSet; 2],
    funds: &Funds,
    (sums, groups): (&mut Sums, Option<&mut Groups>),
    cuts: &mut [Option<ChunkCuts>],
    (seen, judged): (Seen<'t>, [Judgement; 2]),
    pair: &mut Pair,
) -> bool {
    let [Some(b), Some(a)] = judged else {
        return false;
    };
    let at = &seen.place;
    let mut outcome = [b, a];
    let overflow = || Err(vec![RowError::row(seen.line, Problem::Overflow)]);
    for i in 0..2 {
        if let Ok((seg, b)) = &mut outcome[i] {
            let seg: &Segment = seg;
            if let Some(cuts) = &mut cuts[i] {
                cuts.row(seg, at, b);
            }
            // A total that no longer fits makes the row bad, as in a batch run.
            if sums.whole[i].add(rules[i], seg, at, b).is_err() {
                sums.overflowed = true;
                outcome[i] = overflow();
            }
        }
    }
    let [ob, oa] = &mut outcome;
    let [rb, ra] = rules;
    if sums.lean {
        if let (Ok((sb, bb)), Ok((sa, ba)), Some(groups)) = (&*ob, &*oa, groups) {
            // Groups are over the rows good under both.
            if groups.add(at, [(sb, bb), (sa, ba)]).is_err() {
                sums.overflowed = true;
            }
        } else if ob.is_ok() != oa.is_ok() {
            sums.one_side_only += 1;
            for (i, o) in [&*ob, &*oa].into_iter().enumerate() {
                if let Ok((seg, b)) = o {
                    // Taking away what was just added cannot overflow.
                    let _ = sums.whole[i].total.apply(seg, b, true);
                    if sums.one_side[i].add(rules[i], seg, at, b).is_err() {
                        sums.overflowed = true;
                    }
                }
            }
        }
    } else {
        match (&*ob, &*oa) {
            (Ok((sb, bb)), Ok((sa, ba))) => {
                let (sb, bb, sa, ba): (&Segment, &Breakdown, &Segment, &Breakdown) =
                    (sb, bb, sa, ba);
                if sums.both[0].add(rb, sb, at, bb).is_err() {
                    sums.overflowed = true;
                    *ob = overflow();
                    sums.one_side_only += 1;
                } else if sums.both[1].add(ra, sa, at, ba).is_err() {
                    // Taking away what was just added cannot overflow.
                    let _ = sums.both[0].remove(rb, sb, at, bb);
                    sums.overflowed = true;
                    *oa = overflow();
                    sums.one_side_only += 1;
                } else if let Some(groups) = groups {
                    // A group's sum adds the same values as the total, fewer of them:
                    // should one not fit all the same, the sums are made again in order.
                    if groups.add(at, [(sb, bb), (sa, ba)]).is_err() {
                        sums.overflowed = true;
                    }
                }
            }
            (Ok(_), Err(_)) | (Err(_), Ok(_)) => sums.one_side_only += 1,
            (Err(_), Err(_)) => {}
        }
    }
    let [ob, oa] = outcome;
    put_texts(pair, &seen);
    for (to, from, side) in [
        (&mut pair.before, ob, Side::Before),
        (&mut pair.after, oa, Side::After),
    ] {
        match (to, from) {
            (Ok(amounts), Ok((_, b))) => amounts.set_row(funds, side, b),
            (to, Ok((_, b))) => *to = Ok(Amounts::of_row(funds, side, b)),
            (to, Err(e)) => *to = Err(e),
        }
    }
    true
}

/// A row the fused path computed under both sides (`fused`: each side's path and the row
/// it took; good under both, neither cut, as a comparison read as it is computed has no
/// budgets that bind), added to `sums` and put in `pair` as [`pair_row`] adds and puts the
/// same row judged by the general path: `fused_props` of the batch holds the fused path to
/// the general one, and the comparison's properties hold the two ways here to the same
/// bytes and sums.
pub(super) fn pair_fused(
    rules: [&RuleSet; 2],
    funds: &Funds,
    (sums, groups): (&mut Sums, Option<&mut Groups>),
    fused: [(&Fused, &FusedRow); 2],
    seen: Seen,
    pair: &mut Pair,
) {
    debug_assert!(sums.lean, "read as computed, sums are lean");
    let at = &seen.place;
    let parts = fused.map(|(f, row)| f.part(row));
    let mut fits = [true; 2];
    for (i, (f, row)) in fused.into_iter().enumerate() {
        let added = sums.whole[i].add_fen(
            rules[i],
            row.class,
            at,
            &parts[i],
            f.paid(),
            &row.sources,
            &[],
        );
        fits[i] = added.is_ok();
    }
    if fits != [true; 2] {
        // The sums are given up (and made again from the tables held whole); the row is
        // put as the general path puts it.
        sums.overflowed = true;
    } else if let Some(groups) = groups {
        let [(fb, _), (fa, _)] = fused;
        let [pb, pa] = &parts;
        if groups
            .add_fen(at, [(pb, fb.paid()), (pa, fa.paid())])
            .is_err()
        {
            sums.overflowed = true;
        }
    }
    put_texts(pair, &seen);
    for ((to, side), ((f, _), fits)) in [
        (&mut pair.before, Side::Before),
        (&mut pair.after, Side::After),
    ]
    .into_iter()
    .zip(fused.into_iter().zip(fits))
    {
        if !fits {
            *to = Err(vec![RowError::row(seen.line, Problem::Overflow)]);
            continue;
        }
        let [subsidy, gap, shortfall] = f.settled();
        match to {
            Ok(amounts) => amounts.set_fen(funds, side, f.paid(), [subsidy, gap, shortfall]),
            to => {
                let mut amounts = Amounts::default();
                amounts.set_fen(funds, side, f.paid(), [subsidy, gap, shortfall]);
                *to = Ok(amounts);
            }
        }
    }
}

/// The place and texts of the row `seen` in `pair`, in the memory it has.
fn put_texts(pair: &mut Pair, seen: &Seen) {
    pair.file = seen.file;
    pair.line = seen.line;
    for (to, from) in [
        (&mut pair.id, seen.id),
        (&mut pair.township, seen.at.township),
        (&mut pair.village, seen.at.village),
        (&mut pair.class, seen.class),
    ] {
        to.clear();
        to.push_str(from);
    }
}

/// A pair to fill ([`pair_row`]).
pub(super) fn blank_pair() -> Pair {
    Pair {
        file: 0,
        line: 0,
        id: String::new(),
        township: String::new(),
        village: String::new(),
        class: String::new(),
        before: Err(Vec::new()),
        after: Err(Vec::new()),
    }
}

/// A row under one side: a totals row or a note (`None`), its segment and breakdown, or why
/// it cannot be computed.
pub(super) type Judgement<'b> = Option<Result<(&'b Segment, &'b mut Breakdown), Vec<RowError>>>;

/// `judged` as a [`Judgement`], the breakdown left in its box: a breakdown is large, and
/// moving it out cost more than computing some of it.
fn judgement(judged: &mut Judged) -> Judgement<'_> {
    match judged {
        Judged::Totals => None,
        Judged::Good(g) => {
            let (segment, breakdown) = &mut **g;
            Some(Ok((&*segment, breakdown)))
        }
        Judged::Bad(errors) => Some(Err(std::mem::take(errors))),
    }
}

/// What the pieces are computed with.
struct Ctx<'a, 'r> {
    tables: &'a [Table],
    pieces: &'a [Piece],
    sides: &'a [SideCtx<'r>; 2],
    duplicates: &'a [Vec<bool>],
    funds: &'a Funds,
}

impl<'a> Ctx<'a, '_> {
    /// Computes piece `seq` under both sides, adding its rows to `sums`.
    fn piece(&self, seq: usize, sums: &mut Sums) -> (Vec<Pair>, Option<CompareError>) {
        let piece = &self.pieces[seq];
        let tables: &'a [Table] = self.tables;
        let table = &tables[piece.table];
        let sheet = &table.sheet;
        let rows = &sheet.rows[piece.rows.clone()];
        let first_line = rows.first().map_or(0, |r| r.line);
        let mut cuts: Vec<Option<ChunkCuts>> = self
            .sides
            .iter()
            .map(|s| {
                s.plan.as_ref().map(|plan| {
                    let last = plan.counting_passes();
                    ChunkCuts::new(plan, s.rules, last, seq as u64, &table.label, first_line)
                })
            })
            .collect();
        let mut pairs = Vec::with_capacity(rows.len());
        let columns = &sheet.columns;
        let rules = self.sides.each_ref().map(|s| s.rules);
        let mut groups = sums.groups.take();
        for (r, row) in piece.rows.clone().zip(rows) {
            let duplicate = self.duplicates[piece.table][r];
            let mut judged = self
                .sides
                .each_ref()
                .map(|s| sheet.judge(s.rules, &s.columns[piece.table], row, duplicate));
            let judged = judged.each_mut().map(judgement);
            let seen = Seen {
                file: piece.table,
                line: row.line,
                at: written(columns, row),
                place: placed_row(columns, row),
                id: text(columns, row, Field::Id),
                class: text(columns, row, Field::Class),
            };
            let sums = (&mut *sums, groups.as_mut());
            let mut pair = blank_pair();
            if pair_row(
                rules,
                self.funds,
                sums,
                &mut cuts,
                (seen, judged),
                &mut pair,
            ) {
                pairs.push(pair);
            }
        }
        sums.groups = groups;
        let mut error = None;
        for (i, c) in cuts.into_iter().enumerate() {
            if let Some(Err(c)) = c.map(ChunkCuts::finish) {
                error.get_or_insert(CompareError {
                    side: self.sides[i].side,
                    error: alloc_error(c),
                });
            }
        }
        (pairs, error)
    }
}
