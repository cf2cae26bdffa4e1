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
#[derive(Debug, Clone)]
pub enum Line {
    /// A row of the sheet, by index.
    Row(usize),
    /// A group's subtotal.
    Subtotal(Box<Subtotal>),
}

/// A group of rows (a township, or a township and village) and its totals.
#[derive(Debug, Clone)]
pub struct Subtotal {
    /// What the group's rows share: the township, or the township and village.
    pub key: String,
    /// The sums over the group's rows.
    pub totals: Totals,
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
        let shown = match scale {
            crate::money::Scale::Base => Some(km),
            crate::money::Scale::Pow10(n) => {
                let ten = (0..n.unsigned_abs())
                    .try_fold(Decimal::ONE, |p, _| p.checked_mul(Decimal::TEN))?;
                if n < 0 {
                    km.checked_mul(ten)
                } else {
                    km.checked_div(ten)
                }
            }
        };
        Some(crate::money::measure(shown?))
    }

    /// What the variant shown changes of the group's sums, field by field, in fen, over the
    /// rows good under both rule sets.
    pub fn change(&self) -> Option<&Amounts> {
        self.variant.as_ref().map(|(change, _)| change)
    }
}

/// What a cell is sorted by. Numbers come before text, as digits come before letters and
/// Chinese in [`textorder`](crate::textorder).
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum SortKey {
    Number(Decimal),
    Text(crate::textorder::Key),
}

/// The first field of `row` that contains `needle` (lower case), if any.
fn first_match(row: &SheetRow, needle: &str) -> Option<usize> {
    (0..row.len()).find(|&i| row.get(i).to_lowercase().contains(needle))
}

impl App {
    /// The sheet row under the cursor, if the cursor is on a row.
    pub fn current_row(&self) -> Option<usize> {
        match self.lines.get(self.cursor) {
            Some(Line::Row(r)) => Some(*r),
            _ => None,
        }
    }

    /// Rebuilds the lines shown from filter, sort and grouping, keeping the cursor's row.
    pub fn relayout(&mut self) {
        let keep = self.current_row();
        let needle = self.filter.as_ref().map(|f| f.to_lowercase());
        let rows = &self.doc.sheet.rows;
        let mut order: Vec<usize> = match &needle {
            Some(n) => (0..rows.len())
                .filter(|&r| first_match(&rows[r], n).is_some())
                .collect(),
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
        self.cursor = keep
            .and_then(|r| {
                self.lines
                    .iter()
                    .position(|l| matches!(l, Line::Row(x) if *x == r))
            })
            .unwrap_or(self.cursor)
            .min(self.lines.len().saturating_sub(1));
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

    fn group_key(&self, row: usize, g: Grouping) -> String {
        let cols = &self.doc.sheet.columns;
        let get = |f: Field| {
            cols.index(f)
                .map_or("", |i| self.doc.sheet.rows[row].get(i).trim())
        };
        match g {
            Grouping::Village => {
                crate::report::summary::village_key(get(Field::Township), get(Field::Village))
            }
            _ => get(Field::Township).to_string(),
        }
    }

    /// Rows in `order`, grouped by `g`, each group followed by its subtotal.
    /// A totals row (合计) or a note row belongs to no group: it has no subtotal and comes
    /// after every group, in the order given. A group whose rows name no township (or no
    /// village) comes after the named ones, as empty cells sort last.
    pub(super) fn grouped(&self, order: Vec<usize>, g: Grouping) -> Vec<Line> {
        let (outside, order): (Vec<usize>, Vec<usize>) =
            order.into_iter().partition(|&r| self.doc.not_a_segment(r));
        let mut keyed: Vec<(String, usize)> = order
            .into_iter()
            .map(|r| (self.group_key(r, g), r))
            .collect();
        // Groups in the order people read them (pinyin), as every report lists them; rows
        // keep the column sort within their group.
        let by = match g {
            Grouping::Village => crate::report::summary::GroupBy::Village,
            _ => crate::report::summary::GroupBy::Township,
        };
        crate::report::summary::sort_grouped(by, &mut keyed);
        // Stable: the named groups keep their order, the nameless ones follow.
        keyed.sort_by_key(|(_, r)| self.nameless(*r, g));
        let mut lines = Vec::with_capacity(keyed.len() + 16);
        let mut i = 0;
        while i < keyed.len() {
            let key = keyed[i].0.clone();
            let mut totals = crate::report::Summary::new(&self.rules, &[]);
            // The change is summed row by row over the rows good under both, as `roadsub
            // compare` sums a group: a row one side cannot compute is counted as left out.
            let mut change = self.doc.variant().map(|_| (Amounts::default(), 0));
            while i < keyed.len() && keyed[i].0 == key {
                let r = keyed[i].1;
                self.doc.add_to(&self.rules, r, &mut totals);
                if let Some((sum, left_out)) = &mut change {
                    match self.doc.row_change(r) {
                        Some(RowChange::Change(a)) => add_into(sum, &a),
                        Some(RowChange::BadAfter) if !self.doc.is_good(r) => {}
                        Some(_) => *left_out += 1,
                        None => {}
                    }
                }
                lines.push(Line::Row(r));
                i += 1;
            }
            lines.push(Line::Subtotal(Box::new(Subtotal {
                key,
                totals: totals.total,
                variant: change,
            })));
        }
        lines.extend(outside.into_iter().map(Line::Row));
        lines
    }

    /// Whether row `r` names nothing to group it by under `g`: no township, or (by village)
    /// neither township nor village.
    fn nameless(&self, r: usize, g: Grouping) -> bool {
        let text = self.doc.row_text(r);
        match g {
            Grouping::Village => text.township.is_empty() && text.village.is_empty(),
            _ => text.township.is_empty(),
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
    /// (they are what is missing, not the smallest), rows of equal cells in table order.
    ///
    /// A pinyin key costs far more than a comparison, so each is made once per sort, and an
    /// input column's once per distinct text (a column of villages repeats a few hundred
    /// names over a million rows); the rows are then sorted by the keys' ranks.
    fn sorted(&self, order: Vec<usize>, c: usize, desc: bool) -> Vec<usize> {
        use std::collections::HashMap;
        let input = c < self.input_cols();
        let mut keys: Vec<SortKey> = Vec::new();
        let mut seen: HashMap<&str, u32> = HashMap::new();
        // Each row: whether its cell is empty, and its key's place in `keys`.
        let rows: Vec<(bool, u32, usize)> = order
            .iter()
            .map(|&r| {
                if input {
                    let text = self.doc.sheet.rows[r].get(c);
                    let at = *seen.entry(text).or_insert_with(|| {
                        keys.push(self.sort_key(r, c, text));
                        (keys.len() - 1) as u32
                    });
                    (text.trim().is_empty(), at, r)
                } else {
                    let text = self.cell(r, c);
                    keys.push(self.sort_key(r, c, &text));
                    (text.trim().is_empty(), (keys.len() - 1) as u32, r)
                }
            })
            .collect();
        // The keys' ranks: equal keys (1.5 and 1.50) share one.
        let mut by_key: Vec<u32> = (0..keys.len() as u32).collect();
        by_key.sort_unstable_by(|&a, &b| keys[a as usize].cmp(&keys[b as usize]));
        let mut rank = vec![0u32; keys.len()];
        let mut next = 0u32;
        for (i, &k) in by_key.iter().enumerate() {
            if i > 0 && keys[by_key[i - 1] as usize] != keys[k as usize] {
                next += 1;
            }
            rank[k as usize] = next;
        }
        let mut rows: Vec<(bool, u32, usize)> = rows
            .into_iter()
            .map(|(empty, at, r)| {
                let rank = rank[at as usize];
                (empty, if desc { u32::MAX - rank } else { rank }, r)
            })
            .collect();
        // The row's index last: equal cells keep table order, as a stable sort would.
        rows.sort_unstable();
        rows.into_iter().map(|(_, _, r)| r).collect()
    }

    /// What row `r` is sorted by in column `c` (showing `text`): an amount, or the value of a
    /// number column read the way its field is read (so 120万 sorts above 96万); any other
    /// text in the order every report lists names ([`textorder`](crate::textorder): pinyin,
    /// numbers inside it by value, so AY-2 before AY-10).
    fn sort_key(&self, r: usize, c: usize, text: &str) -> SortKey {
        let cols = &self.doc.sheet.columns;
        let t = text.trim();
        let number = self.computed_amount(r, c).or_else(|| {
            cols.field_at(c)
                .and_then(|f| row::number(f, t, cols.scale(f)))
                .and_then(Result::ok)
        });
        match number {
            Some(n) => SortKey::Number(n),
            None => SortKey::Text(crate::textorder::Key::of(t)),
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
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/anyue-2018-plan.csv");
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
