//! Which lines the table shows and in what order: the rows that match the filter, sorted by a
//! column (numbers read the way their column is read), grouped with subtotals; and the
//! cursor over them.

use rust_decimal::Decimal;

use super::app::App;
use super::brief::Column;
use super::variant::{add_into, RowChange};
use crate::report::compare::Amounts;
use crate::report::Totals;
use crate::table::row;
use crate::table::sheet::SheetRow;
use crate::table::Field;

/// How rows are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    None,
    Township,
    Village,
}

/// One line of the table as shown.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    /// A row of the sheet, by index.
    Row(usize),
    /// A group's subtotal.
    Subtotal(Box<Subtotal>),
}

/// What the cursor is on, found again when the lines are made anew ([`App::relayout_at`]):
/// a row by its number in the sheet, a group's subtotal by its key, or its line only (no
/// line, or a row deleted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor {
    Row(usize),
    Subtotal(String),
    Line,
}

impl Anchor {
    /// This anchor once `op` is made: a row after an inserted or deleted one has moved by
    /// one; a deleted row leaves its line. (The lines still name the rows as they were until
    /// they are made anew.)
    pub fn after(self, op: &super::doc::Op) -> Anchor {
        use super::doc::Op;
        match (self, op) {
            (Anchor::Row(r), Op::Insert { at, .. }) if r >= *at => Anchor::Row(r + 1),
            (Anchor::Row(r), Op::Delete { at, .. }) if r == *at => Anchor::Line,
            (Anchor::Row(r), Op::Delete { at, .. }) if r > *at => Anchor::Row(r - 1),
            (anchor, _) => anchor,
        }
    }
}

/// A group's sums as its rows are added: its totals, and what a variant shown changes.
type GroupSums = (Totals, Option<(Amounts, usize)>);

/// `text`, or, when it is empty, an empty text at the address of real memory, for a key of a
/// map. An empty literal (`""`) points at no memory, and two such keys found equal are
/// compared by `memcmp` at that address: glibc's AVX-512 `memcmp` reads there under an empty
/// mask, and the processor takes about 80 ns to suppress the fault of that read. Grouped by
/// township, every row's village part is empty: a grouping of a million rows took 145 ms,
/// 56 ms with the key at real memory (`cargo bench --bench tui_open`).
fn keyed(text: &str) -> &str {
    if text.is_empty() {
        &REAL_MEMORY[..0]
    } else {
        text
    }
}

/// The memory [`keyed`]'s empty text points at.
static REAL_MEMORY: &str = " ";

/// Rows a grouping reads on every core, at least.
const SPLIT_ROWS: usize = 1 << 18;

/// A township and a village (empty when grouping by township), as a group's key.
type Pair<'a> = (&'a str, &'a str);

/// The pair `read` gives each row of `order`, as its number among the distinct pairs, and
/// those pairs, numbered in the order they are first met in `order`; read in `parts` runs of
/// rows on as many threads, each numbering its own pairs, then numbered anew run by run in
/// order, which numbers them as one pass over `order` would.
fn pair_numbers<'a>(
    order: &[usize],
    read: &(dyn Fn(usize) -> Pair<'a> + Sync),
    parts: usize,
) -> (Vec<u32>, Vec<Pair<'a>>) {
    // Numbers a run's rows by their pairs' places among the run's own pairs, which it gives.
    let number = |rows: &[usize], numbers: &mut [u32]| {
        let mut seen: foldhash::HashMap<Pair<'a>, u32> = Default::default();
        let mut pairs = Vec::new();
        for (&r, n) in rows.iter().zip(numbers) {
            *n = *seen.entry(read(r)).or_insert_with_key(|&pair| {
                pairs.push(pair);
                (pairs.len() - 1) as u32
            });
        }
        pairs
    };
    let mut numbers = vec![0u32; order.len()];
    let size = order.len().div_ceil(parts.max(1)).max(1);
    let runs: Vec<Vec<Pair<'a>>> = if parts <= 1 {
        vec![number(order, &mut numbers)]
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = (order.chunks(size))
                .zip(numbers.chunks_mut(size))
                .map(|(rows, numbers)| scope.spawn(move || number(rows, numbers)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        })
    };
    // The runs' pairs numbered anew, in order, and each run's rows with them.
    let mut all: foldhash::HashMap<Pair<'a>, u32> = Default::default();
    let mut pairs = Vec::new();
    for (run, numbers) in runs.iter().zip(numbers.chunks_mut(size)) {
        let anew: Vec<u32> = run
            .iter()
            .map(|&pair| {
                *all.entry(pair).or_insert_with(|| {
                    pairs.push(pair);
                    (pairs.len() - 1) as u32
                })
            })
            .collect();
        for n in numbers {
            *n = anew[*n as usize];
        }
    }
    (numbers, pairs)
}

/// Groups whose sums are all made at once, at most: about 300 bytes each (a million
/// villages would take 300 MB, which rows summed group by group do not), and only when a
/// group has [`ROWS_A_GROUP`] rows or more on average (fewer would gain nothing by it).
const SUMMED_AT_ONCE: usize = 1 << 16;

/// See [`SUMMED_AT_ONCE`].
const ROWS_A_GROUP: usize = 8;

/// A group of rows (a township, or a township and village) and its totals.
#[derive(Debug, Clone, PartialEq)]
pub struct Subtotal {
    /// What the group's rows share: the township, or the township and village.
    pub key: String,
    /// The sums over the group's rows.
    pub totals: Totals,
    /// The group's rows shown, those not in its sums (✗, not computed) among them.
    pub rows: usize,
    /// While a variant is shown: what it changes of the group's sums, over the group's rows
    /// good under both rule sets (in fen, field by field), and how many of its rows are
    /// computed under one rule set only and so left out of that change.
    pub variant: Option<(Amounts, usize)>,
}

impl Subtotal {
    /// The group's sum of a computed column.
    pub fn amount(&self, column: Column) -> rust_decimal::Decimal {
        let t = &self.totals;
        match column {
            Column::Paid(f) => t.paid.get(f).map_or(Decimal::ZERO, |p| p.value()),
            Column::Subsidy => t.subsidy_total.value(),
            Column::Gap => t.gap.value(),
            Column::Shortfall => t.shortfall.value(),
            Column::Due => t.due.value(),
            Column::Outstanding => t.outstanding.value(),
            Column::Cost => t.cost.value(),
        }
    }

    /// The group's km planned (`Field::Length`) or completed (`Field::Completed`), as its
    /// column's own cells read: in metres under a column whose numbers are metres (a header
    /// `长度（米）` or a title `长度单位：米`), so 2000 stands above its rows' 2000, not 2.
    pub fn length_in(&self, field: Field, scale: crate::money::Scale) -> Option<String> {
        let km = match field {
            Field::Length => self.totals.planned_km.value(),
            Field::Completed => self.totals.completed_km.value(),
            _ => return None,
        };
        Some(crate::money::measure(scale.of(km)?))
    }

    /// What the variant shown changes of the group's sums, field by field, in fen, over the
    /// rows good under both rule sets.
    pub fn change(&self) -> Option<&Amounts> {
        self.variant.as_ref().map(|(change, _)| change)
    }
}

/// What the cells of a sort are sorted by, each key named by a number: a value (numbers come
/// before text, as digits come before letters and Chinese in [`textorder`](crate::textorder)),
/// or a text's key, its bytes back to back with the others' in one buffer (a million keys
/// are not a million allocations).
#[derive(Default)]
struct SortKeys {
    numbers: Vec<Decimal>,
    /// Where each text's key ends in `bytes` (it starts where the one before ends).
    ends: Vec<usize>,
    bytes: Vec<u8>,
}

/// The mark of a text's key among the numbers naming keys.
const TEXT_KEY: u32 = 1 << 31;

impl SortKeys {
    fn number(&mut self, n: Decimal) -> u32 {
        self.numbers.push(n);
        (self.numbers.len() - 1) as u32
    }

    fn text(&mut self, text: &str) -> u32 {
        crate::textorder::write_key(text, &mut self.bytes);
        self.ends.push(self.bytes.len());
        (self.ends.len() - 1) as u32 | TEXT_KEY
    }

    fn len(&self) -> usize {
        self.numbers.len() + self.ends.len()
    }

    /// Every key's name, numbers first.
    fn names(&self) -> impl Iterator<Item = u32> {
        (0..self.numbers.len() as u32).chain((0..self.ends.len() as u32).map(|t| t | TEXT_KEY))
    }

    /// Where key `k` goes among all keys (numbers first) in a list of [`SortKeys::len`].
    fn slot(&self, k: u32) -> usize {
        match k & TEXT_KEY {
            0 => k as usize,
            _ => self.numbers.len() + (k & !TEXT_KEY) as usize,
        }
    }

    fn cmp(&self, a: u32, b: u32) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        match (a & TEXT_KEY != 0, b & TEXT_KEY != 0) {
            (false, false) => self.numbers[a as usize].cmp(&self.numbers[b as usize]),
            (false, true) => Ordering::Less,
            (true, false) => Ordering::Greater,
            (true, true) => self.key(a).cmp(self.key(b)),
        }
    }

    fn key(&self, k: u32) -> &[u8] {
        let t = (k & !TEXT_KEY) as usize;
        let start = if t == 0 { 0 } else { self.ends[t - 1] };
        &self.bytes[start..self.ends[t]]
    }
}

/// The first field of `row` that contains `needle` (lower case), if any.
fn first_match(row: &SheetRow, needle: &str) -> Option<usize> {
    Needle::new(needle).first_match(row)
}

/// A filter's text, lower case, searched for in fields as [`str::to_lowercase`] gives them.
/// A filter runs over every field of a million rows: a field is lowered into one buffer kept
/// for the whole search, and one whose lower case is itself (Chinese, digits, signs) is
/// searched as it is, so no field is copied into an allocation of its own.
struct Needle<'a> {
    finder: memchr::memmem::Finder<'a>,
    /// Whether the needle is ASCII (else no ASCII field can hold it).
    ascii: bool,
    lowered: std::cell::RefCell<String>,
}

impl<'a> Needle<'a> {
    fn new(needle: &'a str) -> Needle<'a> {
        Needle {
            finder: memchr::memmem::Finder::new(needle.as_bytes()),
            ascii: needle.is_ascii(),
            lowered: std::cell::RefCell::new(String::new()),
        }
    }

    /// The first field of `row` whose lower case contains the needle, if any.
    fn first_match(&self, row: &SheetRow) -> Option<usize> {
        (0..row.len()).find(|&i| self.is_in(row.get(i)))
    }

    /// Whether `field`'s lower case ([`str::to_lowercase`]) contains the needle.
    fn is_in(&self, field: &str) -> bool {
        let unchanged = |c: char| {
            // Chinese characters have no case: the common case, answered without a lookup.
            if ('\u{4e00}'..='\u{9fff}').contains(&c) || c.is_ascii() && !c.is_ascii_uppercase() {
                return true;
            }
            let mut lower = c.to_lowercase();
            lower.next() == Some(c) && lower.next().is_none()
        };
        let bytes = field.as_bytes();
        if bytes.is_ascii() {
            // An ASCII field lowers to ASCII: it holds no Chinese (or other) character.
            if !self.ascii {
                return false;
            }
            if !bytes.iter().any(u8::is_ascii_uppercase) {
                return self.finder.find(bytes).is_some();
            }
        } else if field.chars().all(unchanged) {
            return self.finder.find(bytes).is_some();
        }
        // A capital Σ lowers by where it stands in its word: left to the standard library.
        if field.contains('Σ') {
            return self.finder.find(field.to_lowercase().as_bytes()).is_some();
        }
        let mut lowered = self.lowered.borrow_mut();
        lowered.clear();
        lowered.extend(field.chars().flat_map(char::to_lowercase));
        self.finder.find(lowered.as_bytes()).is_some()
    }
}

impl App {
    /// The sheet row under the cursor, if the cursor is on a row.
    pub fn current_row(&self) -> Option<usize> {
        match self.lines.get(self.cursor) {
            Some(Line::Row(r)) => Some(*r),
            _ => None,
        }
    }

    /// Rebuilds the lines shown from filter, sort and grouping, keeping the cursor on what it
    /// is on (a row, a group's subtotal).
    pub fn relayout(&mut self) {
        self.relayout_at(self.anchor());
    }

    /// What the cursor is on now, to be found again once the lines are made anew.
    pub(super) fn anchor(&self) -> Anchor {
        match self.lines.get(self.cursor) {
            Some(Line::Row(r)) => Anchor::Row(*r),
            Some(Line::Subtotal(s)) => Anchor::Subtotal(s.key.clone()),
            None => Anchor::Line,
        }
    }

    /// [`App::relayout`] with the cursor on `anchor` if it is shown, else on its line (the
    /// last line if there are fewer now): on the row shown next when the row it was on is
    /// deleted or hidden.
    pub(super) fn relayout_at(&mut self, anchor: Anchor) {
        let needle = self.filter.as_ref().map(|f| f.to_lowercase());
        let rows = &self.doc.sheet.rows;
        let matching: Option<Vec<bool>> = needle.as_ref().map(|n| {
            let needle = Needle::new(n);
            rows.iter()
                .map(|row| needle.first_match(row).is_some())
                .collect()
        });
        let anchor = match &matching {
            Some(shown) => self.shown_from(anchor, shown),
            None => anchor,
        };
        // The lines shown before are not needed to make the new ones: a million of them are
        // let go first, not held beside the new ones.
        self.lines = Vec::new();
        let rows = &self.doc.sheet.rows;
        let mut order: Vec<usize> = match &matching {
            Some(shown) => (0..rows.len()).filter(|&r| shown[r]).collect(),
            None => (0..rows.len()).collect(),
        };
        if let Some((c, desc)) = self.sort {
            order = self.sorted(order, c, desc);
        }
        self.lines = match self.grouping {
            Grouping::None => order.into_iter().map(Line::Row).collect(),
            g => self.grouped(order, g),
        };
        self.measure_subtotals();
        let found = match &anchor {
            Anchor::Row(r) => (self.lines.iter()).position(|l| matches!(l, Line::Row(x) if x == r)),
            Anchor::Subtotal(key) => {
                (self.lines.iter()).position(|l| matches!(l, Line::Subtotal(s) if s.key == *key))
            }
            Anchor::Line => None,
        };
        self.cursor = found
            .unwrap_or(self.cursor)
            .min(self.lines.len().saturating_sub(1));
    }

    /// `anchor`, or, when it is the row at the cursor and the filter now hides it (`shown`
    /// says which rows it shows), the first row after it as the lines are shown now that the
    /// filter still shows (before it when none is after): typing a filter, or an edit that
    /// hides its row, leaves the cursor on the next row that matches, not on whatever row
    /// comes to take its line. (After an added or deleted row the lines name rows as they
    /// were: the anchor is then not the row at the cursor, and is kept.)
    fn shown_from(&self, anchor: Anchor, shown: &[bool]) -> Anchor {
        let Anchor::Row(r) = anchor else {
            return anchor;
        };
        let at_cursor = self.lines.get(self.cursor) == Some(&Line::Row(r));
        if !at_cursor || shown.get(r).copied().unwrap_or(true) {
            return anchor;
        }
        let still = |l: &Line| matches!(l, Line::Row(x) if shown.get(*x) == Some(&true));
        let after = self.lines[self.cursor + 1..].iter().find(|l| still(l));
        match after.or_else(|| self.lines[..self.cursor].iter().rev().find(|l| still(l))) {
            Some(Line::Row(x)) => Anchor::Row(*x),
            _ => anchor,
        }
    }

    /// Widens columns to show each subtotal whole: a group's sums are wider than its rows'
    /// amounts, and an amount is never cut. Done whenever the widths are measured again (a
    /// change of unit or language), not only when the groups are made, or a subtotal
    /// measured in 万元 would be cut once shown in 元.
    pub(super) fn measure_subtotals(&mut self) {
        let first = self.input_cols();
        let cols = &self.doc.sheet.columns;
        let km_cols = [Field::Length, Field::Completed];
        for line in &self.lines {
            if let Line::Subtotal(sub) = line {
                // So are the km planned and completed, under their columns.
                for f in km_cols {
                    let Some(c) = cols.index(f) else { continue };
                    let Some(text) = sub.length_in(f, cols.scale(f)) else {
                        continue;
                    };
                    let w = crate::textwidth::cells(&text);
                    if let Some(slot) = self.widths.get_mut(c) {
                        *slot = (*slot).max(w);
                    }
                }
                // And the group's cost, under the cost column.
                if let Some(c) = cols.index(Field::Cost) {
                    let w = crate::textwidth::cells(&self.show_amount(sub.totals.cost.value()));
                    if let Some(slot) = self.widths.get_mut(c) {
                        *slot = (*slot).max(w);
                    }
                }
                for c in first..self.ncols() {
                    if let (Some(d), Some(change)) = (self.delta_column(c), sub.change()) {
                        let w = crate::textwidth::cells(&self.show_change(d.of(change)));
                        if let Some(slot) = self.widths.get_mut(c) {
                            *slot = (*slot).max(w);
                        }
                        continue;
                    }
                    let Some(column) = self.computed_column(c - first) else {
                        continue;
                    };
                    let w = crate::textwidth::cells(&self.show_amount(sub.amount(column)));
                    if let Some(slot) = self.widths.get_mut(c) {
                        *slot = (*slot).max(w);
                    }
                }
            }
        }
    }

    /// Rows in `order`, grouped by `g`, each group followed by its subtotal.
    ///
    /// A million rows share a few hundred townships or villages: each row's township and
    /// village are looked up among those seen (no text copied), each group's name is made and
    /// ordered once, and the rows are then placed group by group, in `order` within each.
    ///
    /// A totals row (合计) or a note row belongs to no group: it has no subtotal and comes
    /// after every group, in the order given. A group whose rows name no township (or no
    /// village) comes after the named ones, as empty cells sort last.
    pub(super) fn grouped(&self, order: Vec<usize>, g: Grouping) -> Vec<Line> {
        self.grouped_with(order, g, None)
    }

    /// [`App::grouped`], the groups' sums all made at once in table order (`at_once`
    /// `Some(true)`), each group's as its rows are placed (`Some(false)`), or as
    /// [`SUMMED_AT_ONCE`] says (`None`).
    fn grouped_with(&self, order: Vec<usize>, g: Grouping, at_once: Option<bool>) -> Vec<Line> {
        let (outside, order): (Vec<usize>, Vec<usize>) =
            order.into_iter().partition(|&r| self.doc.not_a_segment(r));
        let cols = &self.doc.sheet.columns;
        let rows = &self.doc.sheet.rows;
        let township = cols.index(Field::Township);
        let village = match g {
            Grouping::Village => cols.index(Field::Village),
            _ => None,
        };
        let get = |r: usize, c: Option<usize>| {
            keyed(crate::table::idform::place_form(
                c.map_or("", |i| rows[r].get(i).trim()),
            ))
        };
        // Each distinct township and village, numbered as first met, on every core for a
        // large table (reading each row's two fields, its text far from the last row's, is
        // most of the grouping's time).
        let parts = if order.len() >= SPLIT_ROWS {
            std::thread::available_parallelism().map_or(1, usize::from)
        } else {
            1
        };
        let (mut group_of, pairs) =
            pair_numbers(&order, &|r| (get(r, township), get(r, village)), parts);
        // Each distinct name they make (two pairs could in principle be written alike: the
        // name is the group).
        let mut named: foldhash::HashMap<String, u32> = Default::default();
        let mut names: Vec<String> = Vec::new();
        // Whether each group names nothing (no township; by village, no village either).
        let mut nameless: Vec<bool> = Vec::new();
        let pair_group: Vec<u32> = pairs
            .iter()
            .map(|&pair| {
                let name = match g {
                    Grouping::Village => crate::report::summary::village_key(pair.0, pair.1),
                    _ => pair.0.to_string(),
                };
                *named.entry(name).or_insert_with_key(|name| {
                    names.push(name.clone());
                    nameless.push(pair.0.is_empty() && pair.1.is_empty());
                    (names.len() - 1) as u32
                })
            })
            .collect();
        for group in &mut group_of {
            *group = pair_group[*group as usize];
        }
        // Groups in the order people read them (pinyin), as every report lists them; rows
        // keep the column sort within their group.
        let by = match g {
            Grouping::Village => crate::report::summary::GroupBy::Village,
            _ => crate::report::summary::GroupBy::Township,
        };
        let mut ranked: Vec<(String, u32)> = names
            .iter()
            .enumerate()
            .map(|(at, name)| (name.clone(), at as u32))
            .collect();
        crate::report::summary::sort_grouped(by, &mut ranked);
        // Stable: the named groups keep their order, the nameless ones follow.
        ranked.sort_by_key(|(_, group)| nameless[*group as usize]);
        let mut rank = vec![0u32; names.len()];
        for (place, (_, group)) in ranked.iter().enumerate() {
            rank[*group as usize] = place as u32;
        }
        // Rows placed group by group (a counting sort: stable, so `order` within a group).
        let mut starts = vec![0usize; names.len() + 1];
        for &group in &group_of {
            starts[rank[group as usize] as usize + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        // Each row's group and index (rows are far fewer than 2^32).
        let mut keyed: Vec<(u32, u32)> = vec![(0, 0); order.len()];
        for (&r, &group) in order.iter().zip(&group_of) {
            let place = &mut starts[rank[group as usize] as usize];
            keyed[*place] = (group, r as u32);
            *place += 1;
        }
        // A subtotal is a group's totals only, not a budget's use (the totals do not depend
        // on it), summed through one segment and breakdown for every row.
        // While the groups are few enough to hold every one's sums at once, they are summed
        // with the rows read in table order: a group's rows lie far apart in the table (a
        // village's every few thousandth row), and reading a million rows group by group
        // waited on memory for most of its time. The sums are exact, so the order they are
        // added in does not change them (a test compares the two ways).
        let few = at_once
            .unwrap_or(names.len() <= SUMMED_AT_ONCE && names.len() * ROWS_A_GROUP <= keyed.len());
        let mut sums: Option<Vec<Option<GroupSums>>> = few.then(|| {
            let mut group_at = vec![u32::MAX; rows.len()];
            for (&r, &group) in order.iter().zip(&group_of) {
                group_at[r] = group;
            }
            let mut sums: Vec<GroupSums> = (0..names.len()).map(|_| self.group_sums()).collect();
            for (r, &group) in group_at.iter().enumerate() {
                if let Some(sums) = sums.get_mut(group as usize) {
                    self.add_to_group(r, sums);
                }
            }
            sums.into_iter().map(Some).collect()
        });
        drop((order, group_of, starts));
        let mut lines = Vec::with_capacity(keyed.len() + names.len());
        let mut i = 0;
        while i < keyed.len() {
            let group = keyed[i].0;
            // The group's sums made above, or made now from its rows.
            let (mut made, summed) = match sums.as_mut().and_then(|s| s[group as usize].take()) {
                Some(made) => (made, true),
                None => (self.group_sums(), false),
            };
            let first = i;
            while i < keyed.len() && keyed[i].0 == group {
                let r = keyed[i].1 as usize;
                if !summed {
                    self.add_to_group(r, &mut made);
                }
                lines.push(Line::Row(r));
                i += 1;
            }
            let (totals, change) = made;
            lines.push(Line::Subtotal(Box::new(Subtotal {
                key: names[group as usize].clone(),
                totals,
                rows: i - first,
                variant: change,
            })));
        }
        lines.extend(outside.into_iter().map(Line::Row));
        lines
    }

    /// Empty sums for a group: its totals, and, while a variant is shown, what the variant
    /// changes of them and how many rows that leaves out.
    fn group_sums(&self) -> GroupSums {
        (
            Totals::new(&self.rules),
            self.doc.variant().map(|_| (Amounts::default(), 0)),
        )
    }

    /// Adds row `r` to a group's sums. The change is summed row by row over the rows good
    /// under both, as `roadsub compare` sums a group: a row one side cannot compute is
    /// counted as left out.
    fn add_to_group(&self, r: usize, (totals, change): &mut GroupSums) {
        self.doc.add_to_totals(r, totals);
        if let Some((sum, left_out)) = change {
            match self.doc.row_change(r) {
                Some(RowChange::Change(a)) => add_into(sum, &a),
                Some(RowChange::BadAfter) if !self.doc.is_good(r) => {}
                Some(_) => *left_out += 1,
                None => {}
            }
        }
    }

    /// How many data rows are shown (subtotal lines not counted).
    pub fn shown_rows(&self) -> usize {
        self.lines
            .iter()
            .filter(|l| matches!(l, Line::Row(_)))
            .count()
    }

    /// `order` sorted by column `c` (descending when `desc`), empty cells last either way
    /// (they are what is missing, not the smallest), rows of equal cells in table order. A
    /// totals row (合计) or a note row is no segment: it comes after them all, in the order
    /// given, whichever way the column sorts, as grouping places it (review 36: a sort put
    /// `≡ 合计` between two segments' costs).
    ///
    /// A million rows are sorted: each row's key is built once, the text ones back to back in
    /// one buffer ([`textorder::write_key`](crate::textorder::write_key): bytes that compare
    /// as the keys do), and an input column's once per distinct text while there are few (a
    /// column of villages repeats a few hundred names over a million rows; a column of ids
    /// repeats none, and remembering them all would only cost memory). The keys are ranked,
    /// then the rows sorted by their keys' ranks.
    fn sorted(&self, order: Vec<usize>, c: usize, desc: bool) -> Vec<usize> {
        /// Distinct texts remembered, at most.
        const REMEMBERED: usize = 4096;
        let (outside, order): (Vec<usize>, Vec<usize>) = if self.doc.not_segments() == 0 {
            (Vec::new(), order)
        } else {
            order.into_iter().partition(|&r| self.doc.not_a_segment(r))
        };
        let input = c < self.input_cols();
        // The cost column shows the cost the engine used (for a row priced per km whose cost
        // cell is empty, price × length): sorted by what it shows.
        let cost = self.doc.sheet.columns.index(Field::Cost) == Some(c);
        let mut keys = SortKeys::default();
        let mut seen: foldhash::HashMap<&str, (u32, bool)> = foldhash::HashMap::default();
        // A column of numbers: a value that is none (`abc` under 宽度) is what is missing, as
        // an empty cell is, last either way (review 39: last up, first down).
        let numbers = input
            && (self.doc.sheet.columns)
                .field_at(c)
                .is_some_and(|f| f.is_number());
        // Each row as one number: whether its cell is empty (the top bit), its key (32 bits,
        // its rank once the keys are ranked), and the row's index (31 bits: rows are far
        // fewer, each takes more than a hundred bytes). Sorted, the numbers become the rows'
        // indexes in place.
        const ROW: u64 = (1 << 31) - 1;
        // Made in place of `order` (a number per row either way): not held beside it.
        let mut rows: Vec<u64> = order
            .into_iter()
            .map(|r| {
                let used = cost.then(|| self.doc.amount(r, Column::Cost)).flatten();
                let (empty, key) = if let Some(a) = used {
                    (false, keys.number(a))
                } else if input {
                    let text = self.doc.sheet.rows[r].get(c);
                    let (key, missing) = match seen.get(text) {
                        Some(&known) => known,
                        None => {
                            let (key, number) = self.sort_key_of(r, c, text, &mut keys);
                            let missing = text.trim().is_empty() || numbers && !number;
                            if seen.len() < REMEMBERED {
                                seen.insert(text, (key, missing));
                            }
                            (key, missing)
                        }
                    };
                    (missing, key)
                } else {
                    // A row that cannot be computed has no amount (its `—` is what is missing):
                    // last either way, as an empty cell (review 38: first when descending).
                    let text = self.cell(r, c);
                    (
                        text.trim().is_empty() || !self.doc.is_good(r),
                        self.sort_key(r, c, &text, &mut keys),
                    )
                };
                debug_assert!(r as u64 <= ROW);
                u64::from(empty) << 63 | u64::from(key) << 31 | r as u64
            })
            .collect();
        drop(seen);
        // The keys' ranks: equal keys (1.5 and 1.50, or one text twice) share one.
        let mut by_key: Vec<u32> = keys.names().collect();
        by_key.sort_unstable_by(|&a, &b| keys.cmp(a, b));
        let mut rank = vec![0u32; keys.len()];
        let mut next = 0u32;
        for (i, &k) in by_key.iter().enumerate() {
            if i > 0 && keys.cmp(by_key[i - 1], k).is_ne() {
                next += 1;
            }
            rank[keys.slot(k)] = next;
        }
        drop(by_key);
        for row in &mut rows {
            let rank = rank[keys.slot((*row >> 31) as u32)];
            let rank = if desc { u32::MAX - rank } else { rank };
            *row = *row & (1 << 63 | ROW) | u64::from(rank) << 31;
        }
        drop((rank, keys));
        // The row's index last: equal cells keep table order, as a stable sort would.
        rows.sort_unstable();
        let mut sorted: Vec<usize> = rows.into_iter().map(|p| (p & ROW) as usize).collect();
        sorted.extend(outside);
        sorted
    }

    /// What row `r` is sorted by in column `c` (showing `text`), added to `keys`: an amount, or the value of a
    /// number column read the way its field is read (so 120万 sorts above 96万); any other
    /// text in the order every report lists names ([`textorder`](crate::textorder): pinyin,
    /// numbers inside it by value, so AY-2 before AY-10).
    fn sort_key(&self, r: usize, c: usize, text: &str, keys: &mut SortKeys) -> u32 {
        self.sort_key_of(r, c, text, keys).0
    }

    /// [`App::sort_key`], and whether the text is a number (read once, for both).
    fn sort_key_of(&self, r: usize, c: usize, text: &str, keys: &mut SortKeys) -> (u32, bool) {
        let cols = &self.doc.sheet.columns;
        let t = text.trim();
        let number = self.computed_amount(r, c).or_else(|| {
            cols.field_at(c)
                .and_then(|f| row::number(f, t, cols.scale(f)))
                .and_then(Result::ok)
        });
        match number {
            Some(n) => (keys.number(n), true),
            None => (keys.text(t), false),
        }
    }

    /// Keeps the cursor on screen for a table `height` lines tall.
    pub fn scroll_to_cursor(&mut self, height: usize) {
        let height = height.max(1);
        // After a resize or a delete, do not leave empty lines below the last row.
        self.top = self.top.min(self.lines.len().saturating_sub(height));
        if self.cursor < self.top {
            self.top = self.cursor;
        } else if self.cursor >= self.top + height {
            self.top = self.cursor + 1 - height;
        }
    }

    /// Moves to the next (or previous) cell that matches the filter.
    pub(super) fn jump_to_match(&mut self, forward: bool) {
        let Some(needle) = self.filter.as_ref().map(|f| f.to_lowercase()) else {
            return self.say(
                "no filter: press / to type one",
                "没有筛选条件：按 / 输入",
                false,
            );
        };
        let n = self.lines.len();
        for step in 1..=n {
            let i = if forward {
                (self.cursor + step) % n
            } else {
                (self.cursor + n - step % n) % n
            };
            if let Line::Row(r) = self.lines[i] {
                if let Some(c) = first_match(&self.doc.sheet.rows[r], &needle) {
                    self.cursor = i;
                    self.col = c;
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use crate::rules::RuleSet;
    use crate::table::sheet::Sheet;
    use crate::tui::doc::Doc;

    #[test]
    fn grouping_by_township_keys_no_empty_text_at_no_memory() {
        // An empty literal points at no memory (its address is 1); a key compared there
        // costs a fault suppressed by the processor on every row.
        let empty = keyed("");
        assert!(empty.is_empty());
        assert_eq!(empty.as_ptr(), REAL_MEMORY.as_ptr());
        assert_ne!(empty.as_ptr(), "".as_ptr());
        let text = String::from("石羊镇");
        assert_eq!(keyed(&text).as_ptr(), text.as_ptr());
    }

    #[test]
    fn two_villages_whose_names_join_to_the_same_words_get_a_subtotal_each() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.csv");
        std::fs::write(
            &path,
            "id,township,village,class,width_m,length_km,cost\n\
             X1,石羊 镇,红星,通社,3.5,2,1000000\n\
             X2,石羊,镇 红星,通社,3.5,1,500000\n",
        )
        .unwrap();
        let rules = RuleSet::builtin();
        let doc = Doc::new(Sheet::load(&path).unwrap(), Some(path.clone()), &rules);
        let mut app = App::new(doc, rules, Lang::Zh);
        app.grouping = Grouping::Village;
        app.relayout();
        let shown: Vec<(String, u64)> = app
            .lines
            .iter()
            .filter_map(|l| match l {
                Line::Subtotal(s) => Some((s.key.clone(), s.totals.segments)),
                Line::Row(_) => None,
            })
            .collect();
        assert_eq!(
            shown,
            [
                ("石羊 镇 红星".to_string(), 1),
                ("\"石羊 镇\" 红星".to_string(), 1)
            ]
        );
    }
}

#[cfg(test)]
mod order_tests {
    use super::*;
    use crate::i18n::Lang;
    use crate::rules::RuleSet;
    use crate::table::sheet::Sheet;
    use crate::tui::doc::Doc;

    #[test]
    fn the_table_groups_townships_in_pinyin_order_as_the_reports_list_them() {
        let plan =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/anyue-2018-plan.csv");
        // A copy: the table's lock is per open file and tests run at once.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("anyue-2018-plan.csv");
        std::fs::copy(&plan, &path).unwrap();
        let rules = RuleSet::builtin();
        let doc = Doc::new(Sheet::load(&path).unwrap(), Some(path.clone()), &rules);
        let mut app = App::new(doc, rules, Lang::Zh);
        app.grouping = Grouping::Township;
        app.relayout();
        let keys: Vec<String> = app
            .lines
            .iter()
            .filter_map(|l| match l {
                Line::Subtotal(s) => Some(s.key.clone()),
                Line::Row(_) => None,
            })
            .collect();
        // 宝华乡 (bǎo), 大埝乡 (dà), 顶新乡 (dǐng) … 自治乡 (zì): not code-point order
        // (元坝镇, 兴隆镇, 华严镇 …).
        assert_eq!(keys.first().map(String::as_str), Some("宝华乡"));
        assert_eq!(keys.last().map(String::as_str), Some("自治乡"));
        let mut sorted = keys.clone();
        sorted.sort_by_cached_key(|k| {
            crate::report::summary::group_order(crate::report::summary::GroupBy::Township, k)
        });
        assert_eq!(keys, sorted);
        assert_eq!(keys.len(), 22);
    }
}

#[cfg(test)]
mod fast_tests {
    //! The sort, filter and grouping built for a million rows give exactly what the plain
    //! ways of doing them give: a stable sort by each row's [`textorder`](crate::textorder)
    //! key or value, `to_lowercase().contains()`, and the reports' grouping of every row.
    use super::*;
    use crate::i18n::Lang;
    use crate::rules::RuleSet;
    use crate::table::sheet::Sheet;
    use crate::tui::doc::Doc;
    use proptest::prelude::*;

    /// The order as first written: every row's key made whole, then a stable sort.
    fn plain_sort(app: &App, c: usize, desc: bool) -> Vec<usize> {
        #[derive(PartialEq, Eq, PartialOrd, Ord)]
        enum Plain {
            Number(Decimal),
            Text(crate::textorder::Key),
        }
        let cols = &app.doc.sheet.columns;
        let key = |r: usize| {
            let text = if c < app.input_cols() {
                app.doc.sheet.rows[r].get(c).to_string()
            } else {
                app.cell(r, c)
            };
            let t = text.trim();
            let number = app.computed_amount(r, c).or_else(|| {
                cols.field_at(c)
                    .and_then(|f| row::number(f, t, cols.scale(f)))
                    .and_then(Result::ok)
            });
            let key = match number {
                Some(n) => Plain::Number(n),
                None => Plain::Text(crate::textorder::Key::of(t)),
            };
            // A row that cannot be computed has nothing in a computed column, nor a value
            // that is no number in a column of numbers.
            let computed = c >= app.input_cols();
            let no_number = !computed
                && cols.field_at(c).is_some_and(|f| f.is_number())
                && !matches!(key, Plain::Number(_));
            (
                t.is_empty() || computed && !app.doc.is_good(r) || no_number,
                key,
            )
        };
        // Totals and note rows after the segments, in table order.
        let (outside, mut rows): (Vec<usize>, Vec<usize>) =
            (0..app.doc.sheet.rows.len()).partition(|&r| app.doc.not_a_segment(r));
        rows.sort_by(|&a, &b| {
            let ((ea, ka), (eb, kb)) = (key(a), key(b));
            ea.cmp(&eb)
                .then(if desc { kb.cmp(&ka) } else { ka.cmp(&kb) })
        });
        rows.extend(outside);
        rows
    }

    /// The grouping as first written: every row's group named, then the reports' sort.
    /// The groups as a plain sort gives them, and the rows that belong to none (totals and
    /// note rows), which follow every group.
    fn plain_groups(app: &App, g: Grouping) -> (Vec<(String, usize)>, Vec<usize>) {
        let cols = &app.doc.sheet.columns;
        let (outside, segments): (Vec<usize>, Vec<usize>) =
            (0..app.doc.sheet.rows.len()).partition(|&r| app.doc.not_a_segment(r));
        let mut keyed: Vec<(String, usize)> = segments
            .into_iter()
            .map(|r| {
                let (township, village) = app.doc.sheet.rows[r].place(cols);
                let key = match g {
                    Grouping::Village => crate::report::summary::village_key(township, village),
                    _ => township.to_string(),
                };
                (key, r)
            })
            .collect();
        let by = match g {
            Grouping::Village => crate::report::summary::GroupBy::Village,
            _ => crate::report::summary::GroupBy::Township,
        };
        crate::report::summary::sort_grouped(by, &mut keyed);
        // Groups naming nothing come last, in their order.
        let nothing = match g {
            Grouping::Village => crate::report::summary::village_key("", ""),
            _ => String::new(),
        };
        keyed.sort_by_key(|(k, _)| *k == nothing);
        (keyed, outside)
    }

    /// A cell from a few values that tie, differ only in case, width or zeros, are empty or
    /// blank, read as numbers in some columns and not in others.
    fn cell() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "",
            " ",
            "石羊",
            "石羊 镇",
            "\"石羊",
            "元坝",
            "安岳",
            "a",
            "A",
            "b",
            "AY-2",
            "AY-10",
            "AY-02",
            "1.5",
            "1.50",
            "2",
            "10",
            "１０",
            "120万",
            "96万",
            "x\"y",
            "村2",
            "村10",
        ])
    }

    fn table() -> impl Strategy<Value = Vec<[&'static str; 7]>> {
        prop::collection::vec(
            (
                cell(),
                cell(),
                cell(),
                prop::sample::select(vec!["village", "group", "通村", "x"]),
                prop::sample::select(vec!["4.5", "3.5", "", "w"]),
                cell(),
                cell(),
            )
                .prop_map(|(a, b, c, d, e, f, g)| [a, b, c, d, e, f, g]),
            0..40,
        )
    }

    fn opened(rows: &[[&str; 7]]) -> (App, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        let mut text = String::from("id,township,village,class,width_m,length_km,cost\n");
        for r in rows {
            let quoted: Vec<String> = r
                .iter()
                .map(|f| format!("\"{}\"", f.replace('"', "\"\"")))
                .collect();
            text.push_str(&quoted.join(","));
            text.push('\n');
        }
        std::fs::write(&path, text).unwrap();
        let rules = RuleSet::builtin();
        let doc = Doc::new(Sheet::load(&path).unwrap(), Some(path), &rules);
        (App::new(doc, rules, Lang::En), dir)
    }

    proptest! {
        #[test]
        fn pairs_numbered_on_several_cores_are_numbered_as_one_pass_numbers_them(
            keys in prop::collection::vec((0usize..4, 0usize..6), 0..300),
            order in prop::collection::vec(0usize..300, 0..400),
            parts in 1usize..6,
        ) {
            let towns = ["", "石羊镇", "天马乡", "镇"];
            let villages = ["", "红星村", "画青村", "村", " ", "红星"];
            let order: Vec<usize> = order.into_iter().filter(|&r| r < keys.len()).collect();
            let read = |r: usize| {
                let (t, v) = keys[r];
                (keyed(towns[t]), keyed(villages[v]))
            };
            // One pass, a pair numbered the first time it is met.
            let mut pairs: Vec<Pair> = Vec::new();
            let mut numbers = Vec::new();
            for &r in &order {
                let pair = read(r);
                let at = pairs.iter().position(|&p| p == pair).unwrap_or_else(|| {
                    pairs.push(pair);
                    pairs.len() - 1
                });
                numbers.push(at as u32);
            }
            let (got, got_pairs) = pair_numbers(&order, &read, parts);
            prop_assert_eq!(got, numbers);
            prop_assert_eq!(got_pairs, pairs);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn a_sort_orders_rows_as_a_stable_sort_by_each_rows_whole_key(rows in table()) {
            let (mut app, _dir) = opened(&rows);
            for c in 0..app.ncols() {
                for desc in [false, true] {
                    let sorted = app.sorted((0..rows.len()).collect(), c, desc);
                    prop_assert_eq!(sorted, plain_sort(&app, c, desc), "column {} desc {}", c, desc);
                }
            }
            app.sort = None;
        }

        #[test]
        fn grouping_gives_the_groups_and_rows_the_reports_give(rows in table()) {
            let (mut app, _dir) = opened(&rows);
            for g in [Grouping::Township, Grouping::Village] {
                app.grouping = g;
                app.relayout();
                let (plain, outside) = plain_groups(&app, g);
                let shown: Vec<usize> = app.lines.iter().filter_map(|l| match l {
                    Line::Row(r) => Some(*r),
                    Line::Subtotal(_) => None,
                }).collect();
                let expected: Vec<usize> =
                    plain.iter().map(|(_, r)| *r).chain(outside.iter().copied()).collect();
                prop_assert_eq!(shown, expected);
                let mut names: Vec<String> = plain.into_iter().map(|(k, _)| k).collect();
                names.dedup();
                let subtotals: Vec<String> = app.lines.iter().filter_map(|l| match l {
                    Line::Subtotal(s) => Some(s.key.clone()),
                    Line::Row(_) => None,
                }).collect();
                prop_assert_eq!(subtotals, names);
                // Each subtotal is what adding its rows one by one under the rules in force
                // gives.
                let mut rows_of = Vec::new();
                for line in &app.lines {
                    match line {
                        Line::Row(r) => rows_of.push(*r),
                        Line::Subtotal(s) => {
                            let mut plain = crate::report::Summary::new(&app.rules, &[]);
                            for &r in &rows_of {
                                app.doc.add_to(&app.rules, r, &mut plain);
                            }
                            prop_assert_eq!(&s.totals, &plain.total);
                            rows_of.clear();
                        }
                    }
                }
            }
        }

        /// A group's sums are the same made all at once with the rows in table order (few
        /// groups) as made group by group (many): rows, subtotals and, with a variant shown,
        /// what it changes and the rows it leaves out.
        #[test]
        fn groups_summed_at_once_in_table_order_are_those_summed_group_by_group(
            rows in table(),
            sorted in prop::option::of((0..7usize, any::<bool>())),
            variant in any::<bool>(),
        ) {
            let (mut app, _dir) = opened(&rows);
            if variant {
                let (changed, _) = app
                    .rules
                    .with_settings(&[crate::rules::Setting::parse("poverty.group.3.5=15万").unwrap()])
                    .unwrap();
                let source = crate::tui::variant::Source::File("v.toml".into());
                let base = app.rules.clone();
                app.doc.set_variant(&base, Some((changed, source)));
            }
            let all: Vec<usize> = (0..rows.len()).collect();
            let order = match sorted {
                Some((c, desc)) => app.sorted(all, c, desc),
                None => all,
            };
            for g in [Grouping::Township, Grouping::Village] {
                let at_once = app.grouped_with(order.clone(), g, Some(true));
                let one_by_one = app.grouped_with(order.clone(), g, Some(false));
                prop_assert_eq!(&at_once, &one_by_one);
                prop_assert_eq!(at_once, app.grouped(order.clone(), g));
            }
        }

        #[test]
        fn a_filter_finds_what_lower_casing_each_field_finds(
            field in "(.|[AΣİẞǅ]){0,12}",
            needle in "(.|[aσςi̇ß]){1,3}",
        ) {
            let needle = needle.to_lowercase();
            prop_assert_eq!(
                Needle::new(&needle).is_in(&field),
                field.to_lowercase().contains(&needle)
            );
        }
    }

    #[test]
    fn a_filter_matches_case_and_final_sigma_as_lower_casing_does() {
        for (field, needle, found) in [
            ("AY-0000012", "ay-00", true),
            ("ΟΔΟΣ", "οδος", true),
            ("ΟΔΟΣ", "οδοσ", false),
            ("石羊镇", "羊", true),
            ("AY-12", "村1", false),
            ("村12", "村1", true),
            ("İ", "i̇", true),
            ("Straße", "strasse", false),
        ] {
            assert_eq!(Needle::new(needle).is_in(field), found, "{field} {needle}");
            assert_eq!(
                field.to_lowercase().contains(needle),
                found,
                "{field} {needle}"
            );
        }
    }
}
