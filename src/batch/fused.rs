//! The fused path of a batch run: a plain row of plain numbers goes from its fields to its
//! output bytes and its totals in whole numbers (fen, µkm), with no `Decimal` between.
//!
//! It takes only rows whose every value is in the plainest form the general path reads
//! first (digits and at most one point, as `money::plain_amount` and its kin read them), in a
//! run whose rows are CSV in yuan, under undated rules, whether they come from plain lines
//! (copied as written), quoted records or a workbook's cells; the counting passes
//! of budgets that cut take it too, whatever the output, and so does a comparison read as
//! it is computed, under both its sides (`report::compare::piped`), writing nothing here. Any other row, or anything unusual
//! about one (a repeated id, a totals or note row, a blank where a number is due, a width or
//! cost that would be noted with a warning, an amount that needs the general arithmetic), is
//! left to the general path, which the fused path is the same as on every row it takes:
//! `fused_props` holds the two to the same bytes, messages and totals over any table.
//!
//! What it computes is SPEC §3 as `engine::compute_into` does it for such a row, step by step
//! in the same order and with the same rounding functions: the cost, each fund's tier by the
//! rules' own choice and its nominal `money::mul_fen_parts`, what the cost leaves it, the
//! gap, the sources, per household and due; and a budget's cut as `engine::cut` makes it.
//! Its notes are the engine's notes, written by the same kept texts. It is the one place a
//! row's computation is written a second time: a change to `engine`, to `table::row`'s
//! reading or to the fields of a table is a change here too (`Fused::new` matches every
//! field, so a new one does not compile until it is placed).

use rust_decimal::Decimal;

use crate::engine::{BudgetCut, Note, Overflow};
use crate::i18n::Lang;
use crate::money::{self, Rounding, Scale};
use crate::report::allocate::streamed::CutRow;
use crate::report::encode::{self, FenAmounts, RowBuf};
use crate::report::layout::Layout;
use crate::report::summary::RowPart;
use crate::report::Summary;
use crate::rules::{ClassId, FundId, RuleSet, TierChoice};
use crate::table::row::{self, not_a_segment};
use crate::table::{idform, Columns, Field, Record, RowText};

use super::work::NoteTexts;

/// The columns a row is read from, and what the rules need in whole numbers.
pub(crate) struct Fused<'a> {
    rules: &'a RuleSet,
    rounding: Rounding,
    columns: &'a Columns,
    /// Fields in a row.
    expected: usize,
    id: usize,
    /// The id's column's header (a row that repeats it is no segment).
    id_header: &'a str,
    township: usize,
    village: usize,
    class: usize,
    width: usize,
    length: usize,
    cost: usize,
    /// The columns of the four sources (整合资金, 一事一议, 农户自筹, 村项目资金), when given.
    sources: [Option<usize>; 4],
    households: Option<usize>,
    completed: Option<usize>,
    /// The priority's column, when a budget pays in order (else it is the user's own).
    priority: Option<usize>,
    /// Texts that name a class exactly as the rules' own lookup reads them.
    classes: Vec<(&'a str, ClassId)>,
    /// The same texts of at most 16 bytes, in the same order, each by its [`short_key`]: a
    /// class's text is found among them by comparing words, where a comparison of bytes
    /// was a call each.
    class_keys: Vec<(ShortKey, ClassId)>,
    /// The plausible cost per km in fen, rounded as the engine rounds it.
    plausible: Option<(i128, i128)>,
    /// Each fund's tiers' rates as `Decimal` mantissas and scales.
    rates: Vec<Vec<(u128, u32)>>,
    /// What each class and width seen makes of a row.
    widths: Vec<Width>,
    /// Where among `widths` a class and width are, by [`width_slot`]: one place more than
    /// its index (0: none yet), so that a row finds its width with one look, not a search.
    width_slots: [u8; WIDTH_SLOTS],
    /// A row's notes, paid amounts in fen, wide and narrow.
    notes: Vec<Note>,
    paid: Vec<i128>,
    paid_narrow: Vec<i64>,
    /// The amounts of the row taken last.
    amounts: Amounts,
    /// Whether rows' notes are made (a counting pass reads only what rows ask).
    with_notes: bool,
    /// Whether a row's amount per household and amount due are worked out (a batch's
    /// counting pass asks neither of the budgets; a comparison shows both).
    with_shares: bool,
    /// Whether no note can hold a quote or a line break (`engine::names_quote_free`): then a
    /// notes cell is quoted when it holds a comma, with no search for the others.
    quote_free: bool,
}

/// What became of a row the fused path was given.
pub(super) enum Fate {
    /// Not one it takes: nothing was written or added; the general path reads it.
    #[cfg(test)]
    NotMine,
    /// Written and added.
    Good,
    /// Computed, but its amounts took the totals beyond their range (the general path's
    /// `Problem::Overflow`): added as far as they went, as the general path does.
    SumOverflow,
}

/// Where a row goes.
pub(super) struct Out<'o> {
    /// Whether plain lines are copied as written, and the record's field for each column the
    /// row copies (see `work::copy_columns`).
    pub copied: (bool, &'o [usize]),
    pub rows: &'o mut RowBuf,
    pub summary: &'o mut Summary,
    pub rendered: &'o mut NoteTexts,
    pub scratch: &'o mut String,
    pub layout: &'o Layout,
    pub lang: Lang,
}

impl<'a> Fused<'a> {
    /// The fused path for a table with `columns` under `rules`, when it can take rows of it:
    /// `plain_rows` says its rows are wanted (for a pass that writes, that the run writes CSV
    /// in yuan, not for Excel: `RowBuf::writes_fen`); the
    /// rules are undated; the table has the columns every row needs and none of those the
    /// fused path does not read (cost per km, disbursed, amounts approved).
    pub(crate) fn new(
        rules: &'a RuleSet,
        columns: &'a Columns,
        plain_rows: bool,
    ) -> Option<Fused<'a>> {
        if !plain_rows || rules.is_dated() {
            return None;
        }
        // Every field, placed: read here, the user's own (carried through unread, as
        // `table::row::parse_to` carries it), or refused. No wildcard: a new field does not
        // compile until it is placed.
        for f in Field::ALL {
            let read_here = match f {
                Field::Id
                | Field::Township
                | Field::Village
                | Field::Class
                | Field::Width
                | Field::Length
                | Field::Cost
                | Field::OtherFunds
                | Field::YishiYiyi
                | Field::SelfRaised
                | Field::VillageFund
                | Field::Households
                | Field::Completed
                | Field::Priority => true,
                // A road's name; a date or year under undated rules.
                Field::Name | Field::Date | Field::Year => true,
                Field::CostPerKm | Field::Disbursed => false,
            };
            if !read_here && columns.index(f).is_some() {
                return None;
            }
        }
        if !columns.approved(rules).is_empty() || !columns.approved_twice(rules).is_empty() {
            return None;
        }
        // A column with no header after a column of numbers may hold the rest of a number
        // split at its comma (`table::row::parse` looks): left to the general path.
        if crate::table::row::may_split_numbers(columns) {
            return None;
        }
        // Every money and length column in its base unit: the plain readers read only those.
        let base = [
            Field::Cost,
            Field::OtherFunds,
            Field::YishiYiyi,
            Field::SelfRaised,
            Field::VillageFund,
            Field::Length,
            Field::Completed,
            Field::Width,
        ];
        if base.iter().any(|&f| columns.scale(f) != Scale::Base) {
            return None;
        }
        let at = |f: Field| columns.index(f);
        // Every class's id first (what tables made by programs write), then the names, then
        // the aliases.
        let ids = rules.classes.iter().map(|class| class.id.as_str());
        let names = rules.classes.iter().map(|class| class.name.as_str());
        let classes: Vec<(&str, ClassId)> =
            ids.enumerate()
                .chain(names.enumerate())
                .chain(rules.classes.iter().enumerate().flat_map(|(c, class)| {
                    class.aliases.iter().map(move |alias| (c, alias.as_str()))
                }))
                .map(|(c, name)| (name, c))
                .filter(|&(name, c)| rules.class_by_name(name) == Some(c))
                .collect();
        let rounding = rules.meta.rounding;
        let plausible = rules
            .meta
            .plausible_cost_per_km
            .map(|(low, high)| (rounding.fen(low), rounding.fen(high)));
        let rates = rules
            .funds
            .iter()
            .map(|fund| {
                fund.tiers
                    .iter()
                    .map(|tier| {
                        let rate = tier.rate_per_km;
                        // A rate is never negative; one that were is left to the engine.
                        (
                            u128::try_from(rate.mantissa()).unwrap_or(u128::MAX),
                            rate.scale(),
                        )
                    })
                    .collect()
            })
            .collect();
        Some(Fused {
            rules,
            rounding,
            columns,
            expected: columns.names.len(),
            id: at(Field::Id)?,
            id_header: at(Field::Id).and_then(|i| columns.names.get(i))?,
            township: at(Field::Township)?,
            village: at(Field::Village)?,
            class: at(Field::Class)?,
            width: at(Field::Width)?,
            length: at(Field::Length)?,
            cost: at(Field::Cost)?,
            sources: [
                at(Field::OtherFunds),
                at(Field::YishiYiyi),
                at(Field::SelfRaised),
                at(Field::VillageFund),
            ],
            households: at(Field::Households),
            completed: at(Field::Completed),
            priority: at(Field::Priority).filter(|_| rules.orders_by_priority()),
            class_keys: classes
                .iter()
                .filter_map(|&(name, c)| Some((short_key(name.as_bytes())?, c)))
                .collect(),
            classes,
            plausible,
            rates,
            widths: Vec::new(),
            width_slots: [0; WIDTH_SLOTS],
            notes: Vec::new(),
            paid: Vec::new(),
            paid_narrow: Vec::new(),
            amounts: Amounts::default(),
            with_notes: true,
            with_shares: true,
            quote_free: crate::engine::names_quote_free(rules),
        })
    }

    /// The fused path for a counting pass, which reads only what rows ask of the budgets: it
    /// makes no notes.
    pub(crate) fn counting(mut self) -> Fused<'a> {
        self.with_notes = false;
        self
    }

    /// The fused path for a batch's counting pass: [`Fused::counting`], and no amount per
    /// household or due worked out (what a row asks of a budget is its funds' amounts, and
    /// what a cut raises its shortfall).
    pub(crate) fn asking(mut self) -> Fused<'a> {
        self.with_shares = false;
        self.counting()
    }

    /// Computes `record` and writes its row to `out`, when it is one the fused path takes
    /// (`duplicate_id`: its id was seen on an earlier row, which it leaves to the general
    /// path), with no budget cutting it.
    #[cfg(test)]
    pub(super) fn row(&mut self, record: &Record, duplicate_id: bool, out: Out) -> Fate {
        match self.take(record, duplicate_id) {
            Some(row) => self.finish(record, &row, out),
            None => Fate::NotMine,
        }
    }

    /// Reads and computes `record` (as far as the shares, the gap and what follows), when it
    /// is one the fused path takes; `None` leaves it to the general path. Budgets may then cut
    /// it ([`Fused::cut_row`]) before [`Fused::finish`] writes and adds it.
    #[inline(always)]
    pub(crate) fn take<'r>(&mut self, record: &Record<'r>, duplicate_id: bool) -> Option<Row<'r>> {
        let row = self.read(record, duplicate_id)?;
        self.compute(&row)?;
        Some(row)
    }

    /// A row's values, when each is in its plainest form and the row is surely good.
    #[inline(always)]
    fn read<'r>(&self, record: &Record<'r>, duplicate_id: bool) -> Option<Row<'r>> {
        // (A quote never closed is the general path's to say.)
        if duplicate_id
            || record.len() != self.expected
            || record.unclosed
            || record.closed_inside
            || record.holds_a_row(self.expected)
        {
            return None;
        }
        // What `table::row::evaluate_into` asks first: a totals row, a note or a row of
        // units is the general path's.
        if !row::surely_a_segment_at(record, self.id, self.id_header)
            && not_a_segment(record, self.columns).is_some()
        {
            return None;
        }
        // A text field: filled, with nothing to trim, and not a formula's error (`#N/A`: told
        // by its first byte, the general path says what it is).
        let text = |i: usize| {
            let v = record.get(i)?;
            (!v.is_empty() && !v.starts_with('#') && money::trim(v).len() == v.len()).then_some(v)
        };
        let id = text(self.id)?;
        let township = text(self.township)?;
        let village = text(self.village)?;
        // A place's name with a character that shows nothing is the general path's to refuse
        // (it would make it a place of its own), one on two lines ended `\r\n` its to form.
        if !idform::places_plain(township, village) {
            return None;
        }
        let class = self.class_of(record)?;
        let width = money::plain_width_m(record.get_bytes(self.width)?)?;
        let length = money::plain_length_parts(record.get_bytes(self.length)?, Scale::Base)?;
        let length_units = units(length);
        if length_units == 0 {
            return None;
        }
        let cost = money::plain_amount_fen(record.get_bytes(self.cost)?, Scale::Base)?;
        // Each of the four by its place (a zip of the two arrays was a call a source).
        let mut sources = [0i128; 4];
        for (at, sum) in sources.iter_mut().enumerate() {
            if let Some(column) = self.sources[at] {
                let v = record.get_bytes(column)?;
                if !v.is_empty() {
                    *sum = i128::from(money::plain_amount_fen(v, Scale::Base)?);
                }
            }
        }
        let households = optional(record, self.households, money::plain_households)?;
        let completed = optional(record, self.completed, |v| {
            money::plain_length_parts(v, Scale::Base).map(units)
        })?;
        if completed.is_some_and(|done| done > length_units) {
            return None;
        }
        let priority = self.priority_of(record)?;
        Some(Row {
            text: RowText {
                id,
                township,
                village,
            },
            priority,
            class,
            width,
            length,
            length_units,
            cost: i128::from(cost),
            sources,
            households,
            completed,
        })
    }

    /// The class `record` names, as the rules' own lookup finds it.
    #[inline(always)]
    fn class_of(&self, record: &Record) -> Option<ClassId> {
        self.class_named(record.get_bytes(self.class)?)
    }

    /// The class `class_text` names exactly as the rules' own lookup reads it, if any.
    #[inline(always)]
    fn class_named(&self, class_text: &[u8]) -> Option<ClassId> {
        match short_key(class_text) {
            // Two texts of at most 16 bytes are the same exactly when their keys are; a
            // longer text can be only a longer name.
            Some(key) => self
                .class_keys
                .iter()
                .find(|&&(k, _)| k == key)
                .map(|&(_, c)| c),
            None => self
                .classes
                .iter()
                .find(|(name, _)| name.as_bytes() == class_text)
                .map(|&(_, c)| c),
        }
    }

    /// `record`'s priority, when a budget pays in order: what `parse_priority` reads of
    /// plain digits.
    #[inline(always)]
    fn priority_of(&self, record: &Record) -> Option<Option<i64>> {
        optional(record, self.priority, |v| {
            // Eighteen digits always fit i64.
            let digits = v.len() <= 18 && v.iter().all(u8::is_ascii_digit);
            digits.then(|| v.iter().fold(0i64, |n, &d| n * 10 + i64::from(d - b'0')))
        })
    }

    /// Whether this path reads a record's values from the columns `other` reads them from,
    /// the same header read under other rules: then a row one reads is the other's but for
    /// its class and priority ([`Fused::take_again`]).
    pub(crate) fn reads_as(&self, other: &Fused) -> bool {
        let at = |f: &Fused| {
            let [a, b, c, d, e, g, h] = [
                f.id, f.township, f.village, f.class, f.width, f.length, f.cost,
            ];
            (
                f.expected,
                [a, b, c, d, e, g, h],
                f.sources,
                f.households,
                f.completed,
            )
        };
        at(self) == at(other) && self.columns.names == other.columns.names
    }

    /// [`Fused::take`] of `record`, which another path that reads as this one
    /// ([`Fused::reads_as`]) took as `read`: its values are read already; its class and
    /// priority are found again under this path's rules, and it is computed under them.
    #[inline(always)]
    pub(crate) fn take_again<'r>(
        &mut self,
        record: &Record<'r>,
        read: &Row<'r>,
    ) -> Option<Row<'r>> {
        let row = Row {
            class: self.class_of(record)?,
            priority: self.priority_of(record)?,
            ..*read
        };
        self.compute(&row)?;
        Some(row)
    }

    /// The row taken last, as the budgets meet it.
    pub(super) fn cut_row<'s>(&'s mut self, row: &'s Row<'s>) -> FusedRow<'s, 'a> {
        FusedRow { fused: self, row }
    }

    /// Adds the row taken last to `out`'s totals and writes it.
    #[inline(always)]
    pub(super) fn finish(&mut self, record: &Record, row: &Row, out: Out) -> Fate {
        let amounts = &self.amounts;
        let (rules, lang) = (self.rules, out.lang);
        // A budget's use reads the notes only for the cuts of budgets.
        let cuts: &[Note] = if amounts.cut { &self.notes } else { &[] };
        let added = if out.summary.sums() {
            out.summary.add_fen(
                rules,
                row.class,
                &row.text,
                &self.part(row),
                &self.paid,
                &row.sources,
                cuts,
            )
        } else {
            // A summary nobody reads only counts the row (which warns of nothing: a row
            // whose cost per km looks wrong is left to the engine's path), with no part made.
            out.summary.count(false);
            Ok(())
        };
        if added.is_err() {
            return Fate::SumOverflow;
        }
        super::work::copy_columns(out.rows, record, out.copied.0, out.copied.1);
        // Every amount written is from zero to the cost (a fund's paid amount, the subsidy,
        // the gap, the shortfall, per household, due), and the cost is within MAX_FEN, far
        // inside i64.
        let narrow = |fen: i128| fen as i64;
        let fen = FenAmounts {
            paid: &self.paid_narrow,
            subsidy: narrow(amounts.subsidy),
            gap: narrow(amounts.gap),
            shortfall: narrow(amounts.shortfall),
            per_household: amounts.per_household.map(narrow),
            due: amounts.due.map(narrow),
            outstanding: None,
        };
        let written = if amounts.amountless {
            // Only the width's notes: their cell, kept the first time it is written.
            let width = &mut self.widths[amounts.width];
            let cell = width.cell.get_or_insert_with(|| {
                let (text, _) = out.rendered.cell(&self.notes, out.scratch, rules, lang);
                (text.to_string(), encode::csv_plain(text))
            });
            encode::computed_fen(out.rows, &fen, out.layout, &cell.0, cell.1)
        } else {
            // Notes with amounts: written onto the row in place.
            let (notes, rendered) = (&self.notes, out.rendered);
            encode::computed_fen_with(out.rows, &fen, out.layout, self.quote_free, |bytes| {
                rendered.write_cell(notes, bytes, rules, lang)
            })
        };
        debug_assert!(written, "the fused path writes only CSV rows in yuan");
        Fate::Good
    }

    /// What the row taken last adds to the totals (`RowPart::of` of its segment and
    /// breakdown, in fen); each fund's paid amount is [`Fused::paid`].
    #[inline(always)]
    pub(crate) fn part(&self, row: &Row) -> RowPart {
        let amounts = &self.amounts;
        RowPart {
            length: i128::from(row.length_units),
            completed: row.completed.map(i128::from),
            cost: row.cost,
            subsidy: amounts.subsidy,
            gap: amounts.gap,
            shortfall: amounts.shortfall,
            sources: amounts.sources,
            due: amounts.due,
            disbursed: None,
            outstanding: None,
            warns: false,
        }
    }

    /// Each fund's paid amount in fen of the row taken last, by the rules' funds.
    pub(crate) fn paid(&self) -> &[i128] {
        &self.paid
    }

    /// The subsidy, the gap and the shortfall in fen of the row taken last.
    pub(crate) fn settled(&self) -> [i128; 3] {
        let a = &self.amounts;
        [a.subsidy, a.gap, a.shortfall]
    }

    /// What `engine::compute_into` computes for the row, in fen, into `self.amounts`, with
    /// its notes in `self.notes` and each fund's paid amount in `self.paid`; `None` where the
    /// engine would warn that the cost per km looks wrong or go beyond the integer
    /// arithmetic.
    #[inline(always)]
    fn compute(&mut self, row: &Row) -> Option<()> {
        let rounding = self.rounding;
        let cost = row.cost;
        let length_units = i128::from(row.length_units);
        if cost > money::MAX_FEN {
            return None;
        }
        if let Some((low, high)) = self.plausible {
            let scaled = cost.checked_mul(1_000_000)?;
            if scaled < low.checked_mul(length_units)? || scaled > high.checked_mul(length_units)? {
                return None;
            }
        }
        let yuan = |fen: i128| money::from_fen(fen);
        self.notes.clear();
        self.paid.clear();
        self.paid_narrow.clear();
        let (length_m, length_scale) = (u128::from(row.length.0), row.length.1);
        let w = self.width(row.class, row.width)?;
        self.amounts.width = w;
        self.amounts.amountless = true;
        self.amounts.cut = false;
        let mut left = cost;
        let mut total = 0i128;
        for (fund_id, tier) in self.widths[w].funds.iter().enumerate() {
            if self.with_notes {
                self.notes.extend(tier.note);
            }
            let nominal = match tier.rate {
                Some((rate, rate_scale)) => {
                    money::mul_fen_parts(rate, rate_scale, length_m, length_scale, rounding)?
                }
                None => 0,
            };
            if nominal > i128::from(i64::MAX) {
                return None;
            }
            let paid = nominal.min(left);
            if paid < nominal && self.with_notes {
                self.amounts.amountless = false;
                self.notes.push(Note::CutByCost {
                    fund: fund_id,
                    nominal: yuan(nominal)?,
                    paid: yuan(paid)?,
                });
            }
            left -= paid;
            total += paid;
            self.paid.push(paid);
            self.paid_narrow.push(paid as i64);
        }
        self.amounts.subsidy = total;
        self.settle(row)
    }

    /// What follows from the funds' amounts (`engine`'s settle): the gap, what the sources
    /// leave of it (a surplus noted), per household and due.
    #[inline(always)]
    fn settle(&mut self, row: &Row) -> Option<()> {
        let rounding = self.rounding;
        let total = self.amounts.subsidy;
        let gap = (row.cost - total).max(0);
        let sources: i128 = row.sources.iter().sum();
        if sources > gap && self.with_notes {
            self.amounts.amountless = false;
            self.notes.push(Note::SourcesExceed {
                surplus: money::from_fen(sources - gap)?,
            });
        }
        let shortfall = (gap - sources).max(0);
        let (per_household, due) = match self.with_shares {
            true => {
                let per_household = row
                    .households
                    .map(|n| rounding.div_fen(shortfall, i128::from(n)));
                let due = match row.completed {
                    Some(done) => Some(rounding.div_fen(
                        total.checked_mul(i128::from(done))?,
                        i128::from(row.length_units),
                    )),
                    None => None,
                };
                (per_household, due)
            }
            false => (None, None),
        };
        let amounts = &mut self.amounts;
        amounts.gap = gap;
        amounts.sources = sources;
        amounts.shortfall = shortfall;
        amounts.per_household = per_household;
        amounts.due = due;
        Some(())
    }
}

/// The row the fused path took last, as the budgets meet it.
pub(super) struct FusedRow<'s, 'a> {
    fused: &'s mut Fused<'a>,
    row: &'s Row<'s>,
}

impl CutRow for FusedRow<'_, '_> {
    fn class(&self) -> ClassId {
        self.row.class
    }

    fn priority(&self) -> Option<i64> {
        self.row.priority
    }

    fn paid(&self, fund: FundId) -> i128 {
        self.fused.paid[fund]
    }

    /// `engine::cut`, step for step, in fen.
    fn cut(&mut self, cut: BudgetCut, to: i128) -> Result<(), Overflow> {
        let (fused, row) = (&mut *self.fused, self.row);
        let from = *fused.paid.get(cut.fund).ok_or(Overflow)?;
        if to >= from {
            return Ok(());
        }
        let to = to.max(0);
        fused.paid[cut.fund] = to;
        fused.paid_narrow[cut.fund] = to as i64;
        fused.amounts.subsidy -= from - to;
        let before = fused.amounts.shortfall;
        // The surplus is noted again after the cut, last.
        fused
            .notes
            .retain(|n| !matches!(n, Note::SourcesExceed { .. }));
        fused.settle(row).ok_or(Overflow)?;
        // Before the notes settle keeps, as `engine::cut` places it (a row with an amount
        // disbursed is never the fused path's, so only a surplus comes after it here).
        let at = fused
            .notes
            .iter()
            .position(|n| matches!(n, Note::SourcesExceed { .. } | Note::OverDisbursed { .. }))
            .unwrap_or(fused.notes.len());
        fused.amounts.cut = true;
        if !fused.with_notes {
            return Ok(());
        }
        let yuan = |fen: i128| money::from_fen(fen).ok_or(Overflow);
        let note = Note::CutByBudget {
            cut,
            from: yuan(from)?,
            to: yuan(to)?,
            raised: yuan(fused.amounts.shortfall - before)?,
        };
        fused.notes.insert(at, note);
        fused.amounts.amountless = false;
        Ok(())
    }
}

/// What a class and a width make of a row: each fund's tier, as the rules choose it, and the
/// notes cell of a row with no other notes.
struct Width {
    class: ClassId,
    /// The width as written (4.5 and 4.50 are noted differently), serialized.
    key: [u8; 16],
    funds: Vec<FundTier>,
    cell: Option<(String, bool)>,
}

/// One fund's tier for a class and width: its rate (none when no tier applies) and its note.
struct FundTier {
    rate: Option<(u128, u32)>,
    note: Option<Note>,
}

/// Classes and widths kept at most: every one of a real table.
const WIDTHS: usize = 64;

/// The slots [`Fused::width_slots`] has (a power of two).
const WIDTH_SLOTS: usize = 256;

/// A text of at most 16 bytes as its length and two words that hold every one of its bytes
/// (see [`short_key`]).
type ShortKey = (u32, u64, u64);

/// `text` as a [`ShortKey`] when it is at most 16 bytes long, read without a call: its first
/// and last eight bytes (overlapping when it is shorter than 16), its first and last four
/// (shorter than 8), or its first, middle and last byte (shorter than 4). For one length,
/// these cover every byte of the text, so two texts of the same length have the same key
/// exactly when they are the same; the length is part of the key.
#[inline(always)]
fn short_key(text: &[u8]) -> Option<ShortKey> {
    let n = text.len();
    let word = |at: usize| u64::from_le_bytes(text[at..at + 8].try_into().expect("8 bytes"));
    let half = |at: usize| {
        u64::from(u32::from_le_bytes(
            text[at..at + 4].try_into().expect("4 bytes"),
        ))
    };
    let (first, last) = match n {
        17.. => return None,
        8.. => (word(0), word(n - 8)),
        4.. => (half(0), half(n - 4)),
        1.. => (
            u64::from(text[0]) | u64::from(text[n / 2]) << 8,
            u64::from(text[n - 1]),
        ),
        0 => (0, 0),
    };
    Some((n as u32, first, last))
}

/// The slot of class `class` and the width serialized as `key` among
/// [`Fused::width_slots`]: its words mixed, the top bits taken.
#[inline(always)]
fn width_slot(class: ClassId, key: &[u8; 16]) -> usize {
    let key = u128::from_le_bytes(*key);
    let mixed = (key as u64 ^ ((key >> 64) as u64).rotate_left(29) ^ class as u64)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (mixed >> (64 - WIDTH_SLOTS.trailing_zeros())) as usize
}

impl Fused<'_> {
    /// The place among [`Fused::widths`] of what `class` and `width` make of a row, worked out
    /// the first time they are seen (`None` when too many were seen: the general path reads
    /// the row).
    #[inline(always)]
    fn width(&mut self, class: ClassId, width: Decimal) -> Option<usize> {
        let key = width.serialize();
        let slot = width_slot(class, &key);
        let seen = usize::from(self.width_slots[slot]);
        if let Some(w) = seen.checked_sub(1).and_then(|at| self.widths.get(at)) {
            if w.class == class && w.key == key {
                return Some(seen - 1);
            }
        }
        // Another class and width in its slot, or none yet.
        if let Some(at) = self
            .widths
            .iter()
            .position(|w| w.class == class && w.key == key)
        {
            return Some(at);
        }
        if self.widths.len() >= WIDTHS {
            return None;
        }
        if seen == 0 {
            // WIDTHS fits a byte.
            self.width_slots[slot] = (self.widths.len() + 1) as u8;
        }
        let rules = self.rules;
        let funds = rules
            .funds
            .iter()
            .enumerate()
            .map(|(fund_id, fund)| {
                // The engine's choice and note, step for step (`engine::funds_into`).
                let (tier, next) = rules.tier_and_next(class, fund_id, width);
                match tier {
                    TierChoice::Tier(t) => FundTier {
                        rate: Some(self.rates[fund_id][t]),
                        note: next.map(|next| Note::BetweenTiers {
                            fund: fund_id,
                            width,
                            min: fund.tiers[t].min_width_m,
                            next,
                        }),
                    },
                    TierChoice::BelowMinimum(min) => FundTier {
                        rate: None,
                        note: Some(Note::BelowMinimum {
                            fund: fund_id,
                            width,
                            min,
                        }),
                    },
                    TierChoice::NoTierForClass => FundTier {
                        rate: None,
                        note: Some(Note::NoTier {
                            fund: fund_id,
                            class,
                        }),
                    },
                }
            })
            .collect();
        self.widths.push(Width {
            class,
            key,
            funds,
            cell: None,
        });
        Some(self.widths.len() - 1)
    }
}

/// A field that may be absent or blank (`Some(None)`), or what `read` reads of it; `None` when
/// `read` reads nothing (the general path reads the row).
#[inline(always)]
fn optional<T>(
    record: &Record,
    column: Option<usize>,
    read: impl Fn(&[u8]) -> Option<T>,
) -> Option<Option<T>> {
    match column {
        None => Some(None),
        Some(column) => {
            let v = record.get_bytes(column)?;
            if v.is_empty() {
                Some(None)
            } else {
                read(v).map(Some)
            }
        }
    }
}

/// A length's mantissa and scale in µkm (at most 10^5 km, so within i64).
fn units((m, scale): (u64, u32)) -> i64 {
    (m * 10u64.pow(money::LENGTH_DP - scale)) as i64
}

/// A row's values, read.
#[derive(Clone, Copy)]
pub(crate) struct Row<'r> {
    pub text: RowText<'r>,
    pub class: ClassId,
    width: Decimal,
    /// The length's mantissa and scale.
    length: (u64, u32),
    /// The length in µkm, more than zero.
    length_units: i64,
    cost: i128,
    /// The four sources' amounts in fen (0 where blank or not given).
    pub sources: [i128; 4],
    households: Option<u32>,
    completed: Option<i64>,
    /// Its priority, when a budget pays in order.
    priority: Option<i64>,
}

/// A row's amounts in fen.
#[derive(Default)]
struct Amounts {
    /// Its class and width among [`Fused::widths`].
    width: usize,
    /// Whether its notes are only its width's (none of them holds an amount).
    amountless: bool,
    /// Whether a budget cut it.
    cut: bool,
    subsidy: i128,
    gap: i128,
    sources: i128,
    shortfall: i128,
    per_household: Option<i128>,
    due: Option<i128>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Format;

    const HEADER: &str =
        "id,township,village,class,width_m,length_km,cost,other_funds,households,completed_km";

    /// The texts two short keys are compared for: every length to 17 over a few bytes (so
    /// that texts differ in one place), and the shipped rules' names.
    fn texts_to_key() -> Vec<Vec<u8>> {
        let mut texts: Vec<Vec<u8>> = Vec::new();
        for n in 0..=17usize {
            for at in 0..n.max(1) {
                for b in [b'a', b'b', 0xE9, 0] {
                    let mut t = vec![b'a'; n];
                    if n > 0 {
                        t[at] = b;
                    }
                    texts.push(t);
                }
            }
        }
        let rules = RuleSet::builtin();
        for class in &rules.classes {
            texts.push(class.id.as_bytes().to_vec());
            texts.push(class.name.as_bytes().to_vec());
            texts.extend(class.aliases.iter().map(|a| a.as_bytes().to_vec()));
        }
        texts
    }

    #[test]
    fn two_texts_have_one_short_key_exactly_when_they_are_the_same() {
        let texts = texts_to_key();
        for a in &texts {
            assert_eq!(short_key(a).is_some(), a.len() <= 16, "{a:?}");
            for b in &texts {
                if let (Some(ka), Some(kb)) = (short_key(a), short_key(b)) {
                    assert_eq!(ka == kb, a == b, "{a:?} {b:?}");
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn a_short_key_tells_texts_apart_as_their_bytes_do(
            a in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..18),
            b in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..18),
            same in proptest::prelude::any::<bool>(),
        ) {
            // Half the cases compare a text with a copy of itself changed in one byte.
            let b = if same && !a.is_empty() {
                let mut c = a.clone();
                let at = b.len() % a.len();
                c[at] = c[at].wrapping_add(b.first().copied().unwrap_or(1).max(1));
                c
            } else {
                b
            };
            if let (Some(ka), Some(kb)) = (short_key(&a), short_key(&b)) {
                proptest::prop_assert_eq!(ka == kb, a == b);
            }
        }
    }

    #[test]
    fn a_class_is_found_by_its_key_as_by_its_name() {
        // The shipped rules, and rules with aliases longer than a key holds (24 and 17
        // bytes), found by their bytes.
        let long = ["通村公路建设项目道路", "group-access-road"];
        let text = crate::rules::BUILTIN_TOML.replace(
            "aliases = [\"通村\",",
            &format!("aliases = [\"{}\", \"{}\", \"通村\",", long[0], long[1]),
        );
        assert_ne!(text, crate::rules::BUILTIN_TOML);
        let long_rules = RuleSet::from_toml(&text, "long.toml").unwrap();
        let columns = Columns::from_header(HEADER.split(',')).unwrap();
        let mut found = Vec::new();
        for rules in [RuleSet::builtin(), long_rules] {
            let fused = Fused::new(&rules, &columns, true).expect("a table it can take");
            found.push(long.map(|t| fused.class_named(t.as_bytes())));
            let mut texts = texts_to_key();
            texts.extend(long.iter().map(|t| t.as_bytes().to_vec()));
            for text in texts {
                let by_name = fused
                    .classes
                    .iter()
                    .find(|(name, _)| name.as_bytes() == text.as_slice())
                    .map(|&(_, c)| c);
                assert_eq!(fused.class_named(&text), by_name, "{text:?}");
            }
            // Every name of at most 16 bytes has its key.
            let short = fused.classes.iter().filter(|(n, _)| n.len() <= 16).count();
            assert_eq!(fused.class_keys.len(), short);
        }
        // The long aliases name the village roads under the rules that give them.
        assert_eq!(found, [[None, None], [Some(0), Some(0)]]);
    }

    /// Each class and width is found where it was kept, however many share a slot, the
    /// same each time it is asked; past [`WIDTHS`], a new one is left to the general path.
    #[test]
    fn a_class_and_width_are_found_where_they_were_kept_wherever_their_slot() {
        let rules = RuleSet::builtin();
        let columns = Columns::from_header(HEADER.split(',')).unwrap();
        let mut fused = Fused::new(&rules, &columns, true).expect("a table it can take");
        // Widths of every scale (4.5 and 4.50 are two), both classes: more than it keeps.
        let widths: Vec<(ClassId, Decimal)> = (0..WIDTHS as i64)
            .flat_map(|n| {
                [
                    (0, Decimal::new(30 + n, 1)),
                    (1, Decimal::new(300 + 10 * n, 2)),
                ]
            })
            .collect();
        let mut kept = Vec::new();
        for &(class, width) in &widths {
            match fused.width(class, width) {
                Some(at) => {
                    assert_eq!(at, kept.len(), "{class} {width}");
                    kept.push((class, width));
                }
                None => assert_eq!(kept.len(), WIDTHS, "{class} {width}"),
            }
        }
        assert_eq!(kept.len(), WIDTHS);
        for _ in 0..2 {
            for (at, &(class, width)) in kept.iter().enumerate().rev() {
                assert_eq!(fused.width(class, width), Some(at), "{class} {width}");
                let w = &fused.widths[at];
                assert_eq!((w.class, w.key), (class, width.serialize()));
            }
        }
        // Some of them shared a slot (else the search behind the slot went untried).
        let mut slots: Vec<usize> = kept
            .iter()
            .map(|(c, w)| width_slot(*c, &w.serialize()))
            .collect();
        slots.sort_unstable();
        slots.dedup();
        assert!(slots.len() < kept.len(), "{} slots", slots.len());
    }

    /// What the fused path makes of each line (after the header), and the rows it wrote.
    fn fates(lines: &[(&str, bool)]) -> (Vec<&'static str>, String) {
        let rules = RuleSet::builtin();
        let columns = Columns::from_header(HEADER.split(',')).unwrap();
        let layout = Layout::new(&columns, &rules);
        let mut fused = Fused::new(&rules, &columns, true).expect("a table it can take");
        let mut rows = RowBuf::new(Some(Format::Csv), false, 0);
        let mut summary = Summary::new(&rules, &[]);
        let (mut rendered, mut scratch) = (NoteTexts::default(), String::new());
        let mut fates = Vec::new();
        for (at, &(line, duplicate)) in lines.iter().enumerate() {
            let ends: Vec<usize> = line
                .match_indices(',')
                .map(|(i, _)| i)
                .chain([line.len()])
                .collect();
            let record = Record::plain(at as u64 + 2, line, &ends);
            let map: Vec<usize> = (0..ends.len()).collect();
            let out = Out {
                copied: (true, &map),
                rows: &mut rows,
                summary: &mut summary,
                rendered: &mut rendered,
                scratch: &mut scratch,
                layout: &layout,
                lang: Lang::En,
            };
            fates.push(match fused.row(&record, duplicate, out) {
                Fate::NotMine => "general",
                Fate::Good => "fused",
                Fate::SumOverflow => "overflow",
            });
        }
        let RowBuf::Text { bytes, .. } = rows else {
            unreachable!()
        };
        (fates, String::from_utf8(bytes).unwrap())
    }

    #[test]
    fn plain_rows_are_taken_and_every_near_miss_is_left_to_the_general_path() {
        let lines = [
            ("S1,乡镇0,村0,group,5.0,0.871,543504,0,9,0.088", false),
            ("S2,乡镇0,村0,通村,4.0,1.2,700000,,,", false),
            (
                "S3,乡镇0,村0,village,3.0,3.652,2476056,20000,12,3.386",
                true,
            ),
            (" S4,乡镇0,村0,village,4.5,2,1600000,0,1,1", false),
            // Every field of a segment, though its id reads 合计: refused by the general path
            // (counted, it would count the rows it totals twice).
            ("合计,乡镇0,村0,village,4.5,2,1600000,0,1,1", false),
            ("合计,,,,,,3200000,,,", false),
            ("备注：金额单位为元,,,,,,,,,", false),
            ("S5,乡镇0,村0,Village,4.5,2,1600000,0,1,1", false),
            ("S6,乡镇0,村0,village,4.5米,2,1600000,0,1,1", false),
            ("S7,乡镇0,村0,village,4.5,0,1600000,0,1,0", false),
            ("S8,乡镇0,村0,village,4.5,2,,0,1,1", false),
            ("S9,乡镇0,村0,village,4.5,2,160万,0,1,1", false),
            ("S10,乡镇0,村0,village,4.5,2,63,0,1,1", false),
            ("S11,乡镇0,村0,village,4.5,2,1600000,0,1,2.001", false),
            ("S12,乡镇0,村0,village,4.5,2,1600000,0,0,1", false),
            ("S13,乡镇0,村0,village,4.5,2,1600000.001,0,1,1", false),
            ("S14,乡镇0,村0,village,4.5,2,1600000,0,1", false),
            ("S15,乡镇0,,village,4.5,2,1600000,0,1,1", false),
            ("S16,乡镇0,村0,village,4.5,2,1600000,0,1,1", false),
        ];
        let (fates, rows) = fates(&lines);
        assert_eq!(
            fates,
            [
                "fused", "fused", "general", "general", "general", "general", "general", "general",
                "general", "general", "general", "general", "general", "general", "general",
                "general", "general", "general", "fused"
            ]
        );
        assert_eq!(
            rows,
            "S1,乡镇0,村0,group,5.0,0.871,543504,0,9,0.088,391950.00,87100.00,479050.00,\
             64454.00,64454.00,7161.56,48400.00,\n\
             S2,乡镇0,村0,通村,4.0,1.2,700000,,,,180000.00,300000.00,480000.00,220000.00,\
             220000.00,,,width 4.0 m is below the 4.5 m tier of County transport bureau \
             subsidy: the 3.5 m tier applies; width 4.0 m is below the 4.5 m tier of County \
             poverty-alleviation special fund: the 3.5 m tier applies\n\
             S16,乡镇0,村0,village,4.5,2,1600000,0,1,1,900000.00,600000.00,1500000.00,\
             100000.00,100000.00,100000.00,750000.00,\n"
        );
    }

    /// Rows whose notes hold amounts are the fused path's, their notes cell written onto the
    /// row in place: quoted when its amounts hold separators, as written when nothing in it
    /// needs quotes.
    #[test]
    fn notes_that_hold_amounts_are_written_in_place_quoted_only_when_they_need_it() {
        let lines = [
            ("S1,乡镇0,村0,village,4.5,10,600000,0,1,1", false),
            ("S2,乡镇0,村0,village,4.5,0.002,500,0,1,0.001", false),
        ];
        let (fates, rows) = fates(&lines);
        assert_eq!(fates, ["fused", "fused"]);
        assert_eq!(
            rows,
            "S1,乡镇0,村0,village,4.5,10,600000,0,1,1,600000.00,0.00,600000.00,0.00,0.00,0.00,\
             60000.00,\"County transport bureau subsidy cut from 4,500,000.00 yuan to \
             600,000.00 yuan so the subsidy does not exceed the cost; County \
             poverty-alleviation special fund cut from 3,000,000.00 yuan to 0.00 yuan so the \
             subsidy does not exceed the cost\"\n\
             S2,乡镇0,村0,village,4.5,0.002,500,0,1,0.001,500.00,0.00,500.00,0.00,0.00,0.00,\
             250.00,County transport bureau subsidy cut from 900.00 yuan to 500.00 yuan so the \
             subsidy does not exceed the cost; County poverty-alleviation special fund cut from \
             600.00 yuan to 0.00 yuan so the subsidy does not exceed the cost\n"
        );
    }
}
