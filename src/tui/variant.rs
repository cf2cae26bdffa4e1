//! What-if in the table view (SPEC §9): `v` loads a variant — another rules file, or rates of
//! the rules in force changed (`poverty.group.3.5=15万`) — and every row and the totals are
//! computed under it too, beside the rules in force, so each row's change can be read off as
//! the table is edited. The amounts and their changes are those `roadsub compare` shows
//! ([`crate::report::compare`]); saving, exporting and the explanations stay the rules in
//! force's.

use std::path::{Path, PathBuf};

use super::action::Action;
use super::app::App;
use super::brief::Column;
use super::modes::Mode;
use super::results::Results;
use crate::i18n::Lang;
use crate::report::compare::{Amounts, Funds, Side};
use crate::rules::{Change, RuleSet, SaidIn, Setting, SettingError, When};
use crate::table::columns::Columns;
use crate::table::sheet::Sheet;
use crate::textwidth::{cells, truncate};

/// Where a variant's rules came from, to say which is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A rules file, as its path was typed.
    File(PathBuf),
    /// The rules in force with rates changed: the settings as typed, and what each changed.
    Settings {
        /// The settings, one a string, as typed.
        texts: Vec<String>,
        /// What each changed.
        changes: Vec<Change>,
    },
}

impl Source {
    /// The variant in at most `max` cells, for the title bar. What tells two variants apart
    /// comes first and is cut last: a file's name (its end kept when even that is too long),
    /// then the folder it is in; settings as typed, as many as fit, then how many more
    /// (the `v` prompt shows them all).
    pub fn label(&self, max: usize) -> String {
        match self {
            Source::File(path) => {
                let name = path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                if cells(&name) > max {
                    return keep_end(&name, max);
                }
                let dir = path
                    .parent()
                    .map(|d| d.display().to_string())
                    .filter(|d| !d.is_empty());
                let room = max - cells(&name);
                match dir {
                    // " (" and ")" and at least a few cells of the folder.
                    Some(dir) if room >= 3 + 4 => {
                        let dir = format!("{dir}/");
                        format!("{name} ({})", truncate(&dir, room - 3))
                    }
                    _ => name,
                }
            }
            Source::Settings { texts, .. } => {
                let more = |n: usize| {
                    if n > 0 {
                        format!(" +{n}")
                    } else {
                        String::new()
                    }
                };
                let mut out = String::new();
                for (i, t) in texts.iter().enumerate() {
                    let rest = more(texts.len() - i - 1);
                    let with = if out.is_empty() {
                        t.clone()
                    } else {
                        format!("{out} {t}")
                    };
                    if cells(&with) + cells(&rest) <= max {
                        out = with;
                    } else if out.is_empty() {
                        return format!("{}{rest}", truncate(t, max.saturating_sub(cells(&rest))));
                    } else {
                        return format!("{out}{}", more(texts.len() - i));
                    }
                }
                out
            }
        }
    }

    /// The variant in full, a line each: the file's path (name first), or each setting with
    /// what it changes.
    pub fn describe(&self, rules: &RuleSet, lang: Lang) -> Vec<String> {
        match self {
            Source::File(_) => vec![match lang {
                Lang::En => format!("the rules in {}", self.label(usize::MAX)),
                Lang::Zh => format!("{} 中的规则", self.label(usize::MAX)),
            }],
            Source::Settings { texts, changes } => texts
                .iter()
                .zip(changes)
                .map(|(t, c)| format!("{t}{}{}", lang.pick(": ", "："), c.describe(rules, lang)))
                .collect(),
        }
    }
}

/// The end of `text` in at most `max` cells, after a `…` when its start was cut (a file's
/// name differs most often at its end: 规则2.toml).
fn keep_end(text: &str, max: usize) -> String {
    let mut kept = Vec::new();
    let mut used = 1;
    for c in text.chars().rev() {
        let w = cells(c.encode_utf8(&mut [0; 4]));
        if used + w > max {
            break;
        }
        used += w;
        kept.push(c);
    }
    std::iter::once('…').chain(kept.into_iter().rev()).collect()
}

/// A variant shown beside the rules in force: its rules, the header read under them, and
/// what they make of every row.
pub struct Variant {
    /// The variant's rules.
    pub rules: RuleSet,
    /// The sheet's header as the variant's rules read it (the approved-amount columns are
    /// found per rule set).
    pub(super) columns: Columns,
    /// Every row and the totals under the variant's rules.
    pub(super) results: Results,
    /// The funds compared, matched by id across the two rule sets.
    pub funds: Funds,
    /// Where the rules came from.
    pub source: Source,
    /// The totals compared, over the rows good under both rule sets (kept current by
    /// [`Variant::compare`] after every change).
    pub(super) compared: Compared,
}

/// The totals of a comparison as `roadsub compare` makes them: a row computed under one rule
/// set only would mix its amount on one side with nothing on the other, so the totals count
/// only rows good under both, and how many are left out is said.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Compared {
    /// The rules in force's totals of the rows good under both.
    pub before: Amounts,
    /// The variant's totals of the same rows.
    pub after: Amounts,
    /// Rows good under the rules in force that the variant cannot compute (✗).
    pub bad_after: usize,
    /// Rows the variant computes that the rules in force cannot (—).
    pub bad_before: usize,
}

impl Compared {
    /// The lines that say which rows are left out of the comparison, in `lang` (none when
    /// every row is computed under both or neither).
    pub fn left_out(&self, lang: Lang) -> Vec<String> {
        let mut out = Vec::new();
        if self.bad_after > 0 {
            let n = self.bad_after;
            out.push(match lang {
                Lang::En if n == 1 => {
                    "1 row ✗ under the variant is left out of the comparison".to_string()
                }
                Lang::En => format!("{n} rows ✗ under the variant are left out of the comparison"),
                Lang::Zh => format!("按对比规则无法计算的 {n} 行（✗）未计入对比"),
            });
        }
        if self.bad_before > 0 {
            let n = self.bad_before;
            out.push(match lang {
                Lang::En if n == 1 => {
                    "1 row not computed under the rules in force is left out of the comparison"
                        .to_string()
                }
                Lang::En => format!(
                    "{n} rows not computed under the rules in force are left out of the comparison"
                ),
                Lang::Zh => format!("按现行规则无法计算的 {n} 行未计入对比"),
            });
        }
        out
    }
}

/// A row's error as `roadsub compare` says it, without its place (the row is the one looked
/// at): `row has no rate of …`, `class "社道" is not a known road class …`.
pub fn said(e: &crate::table::RowError, rules: &RuleSet, lang: Lang) -> String {
    let m = e.render("", rules, lang);
    let place = format!(":{}: ", e.line);
    m.strip_prefix(&place)
        .map_or_else(|| m.clone(), str::to_string)
}

/// Adds `a` into `sum`, field by field (saturating, as a comparison's sums do).
pub fn add_into(sum: &mut Amounts, a: &Amounts) {
    if sum.funds.len() < a.funds.len() {
        sum.funds.resize(a.funds.len(), 0);
    }
    for (s, x) in sum.funds.iter_mut().zip(&a.funds) {
        *s = s.saturating_add(*x);
    }
    sum.subsidy_total = sum.subsidy_total.saturating_add(a.subsidy_total);
    sum.gap = sum.gap.saturating_add(a.gap);
    sum.shortfall = sum.shortfall.saturating_add(a.shortfall);
}

/// What a variant does to one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowChange {
    /// The row cannot be computed under the variant's rules.
    BadAfter,
    /// The row cannot be computed under the rules in force (but can under the variant's).
    BadBefore,
    /// What changes, field by field ([`Amounts::change_to`]), in fen.
    Change(Amounts),
}

/// Fen of an amount kept to the fen.
fn fen(value: rust_decimal::Decimal) -> i128 {
    crate::money::units(value, 2).map_or(i128::MAX, i128::from)
}

/// Row `at`'s amounts in `results`, computed under the rules of `side`, when it is good.
fn row_amounts(results: &Results, funds: &Funds, side: Side, at: usize) -> Option<Amounts> {
    if !results.is_good(at) {
        return None;
    }
    let get = |c: Column| results.amount(at, c).map_or(0, fen);
    Some(Amounts {
        funds: (0..funds.len())
            .map(|i| funds.index(i, side).map_or(0, |f| get(Column::Paid(f))))
            .collect(),
        subsidy_total: get(Column::Subsidy),
        gap: get(Column::Gap),
        shortfall: get(Column::Shortfall),
    })
}

impl Variant {
    /// `rules` as a variant of `base` over `sheet`: every row computed under them.
    pub fn new(base: &RuleSet, rules: RuleSet, source: Source, sheet: &Sheet) -> Variant {
        let columns = sheet.columns.for_other_rules();
        let results = Results::new(&rules, &columns, sheet);
        Variant {
            funds: Funds::new(base, &rules),
            rules,
            columns,
            results,
            source,
            compared: Compared::default(),
        }
    }

    /// Works the compared totals out again over `rows` rows, `base` being the rows under the
    /// rules in force: each side's totals less the rows it alone computes. One pass over the
    /// rows' states; only the rows left out are read further.
    pub fn compare(&mut self, base: &Results, rows: usize) {
        let mut c = Compared {
            before: Amounts::of_totals(&self.funds, Side::Before, &base.summary.total),
            after: Amounts::of_totals(&self.funds, Side::After, &self.results.summary.total),
            bad_after: 0,
            bad_before: 0,
        };
        for at in 0..rows {
            let (side, results, total) = match (base.is_good(at), self.results.is_good(at)) {
                (true, false) => (Side::Before, base, &mut c.before),
                (false, true) => (Side::After, &self.results, &mut c.after),
                _ => continue,
            };
            if let Some(row) = row_amounts(results, &self.funds, side, at) {
                *total = row.change_to(total);
            }
            match side {
                Side::Before => c.bad_after += 1,
                Side::After => c.bad_before += 1,
            }
        }
        self.compared = c;
    }

    /// The totals compared, over the rows good under both rule sets.
    pub fn compared(&self) -> &Compared {
        &self.compared
    }

    /// Why row `at` of `sheet` cannot be computed under the variant, each reason starting
    /// `under the variant: ` as `roadsub compare` says it; none when it can.
    pub fn errors(&self, sheet: &Sheet, at: usize, lang: Lang) -> Vec<String> {
        if self.results.is_good(at) {
            return Vec::new();
        }
        match self.results.calc(&self.rules, &self.columns, sheet, at) {
            super::results::Calc::Bad(errors) => errors
                .iter()
                .map(|e| {
                    format!(
                        "{}{}",
                        crate::report::compare::whole::side_prefix(Side::After, lang),
                        said(e, &self.rules, lang)
                    )
                })
                .collect(),
            super::results::Calc::Good(_) => Vec::new(),
        }
    }

    /// What the variant does to row `at`, given the rows under the rules in force.
    pub fn row_change(&self, base: &Results, at: usize) -> RowChange {
        let Some(after) = row_amounts(&self.results, &self.funds, Side::After, at) else {
            return RowChange::BadAfter;
        };
        match row_amounts(base, &self.funds, Side::Before, at) {
            Some(before) => RowChange::Change(before.change_to(&after)),
            None => RowChange::BadBefore,
        }
    }

    /// The totals under the variant's rules.
    pub fn summary(&self) -> &crate::report::Summary {
        &self.results.summary
    }
}

/// The path `text` names, `~` at its start being the home directory (as a shell reads it:
/// the prompt is not a shell, but a path typed there is typed as one).
fn home(text: &str) -> PathBuf {
    let rest = match text.strip_prefix('~') {
        Some("") => "",
        Some(rest) if rest.starts_with('/') => &rest[1..],
        _ => return PathBuf::from(text),
    };
    match std::env::var_os("HOME") {
        Some(home) if !home.is_empty() => PathBuf::from(home).join(rest),
        _ => PathBuf::from(text),
    }
}

/// The settings in `text`: separated by spaces or commas (a comma inside an amount, as in
/// `=150,000`, stays in it: a piece without `=` belongs to the one before).
fn split_settings(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        let mut first = true;
        for piece in word.split([',', '，']) {
            match out.last_mut() {
                _ if piece.is_empty() => {}
                Some(last) if !first && !piece.contains(['=', '＝']) => {
                    last.push(',');
                    last.push_str(piece);
                }
                _ => out.push(piece.to_string()),
            }
            first = false;
        }
    }
    out
}

impl App {
    /// Opens the prompt for a variant.
    pub(super) fn start_variant(&mut self) {
        self.mode = Mode::Variant {
            buffer: String::new(),
            cursor: 0,
        };
    }

    /// A key at the variant prompt: Enter loads what was typed (nothing: clears the variant
    /// shown), Esc leaves everything as it was.
    pub(super) fn on_variant_key(&mut self, action: Action, buffer: String, cursor: usize) {
        match action {
            Action::Cancel => self.mode = Mode::Table,
            Action::Accept if buffer.trim().is_empty() => {
                self.mode = Mode::Table;
                if self.doc.variant().is_some() {
                    self.show_variant(None);
                    self.say(
                        "variant cleared: the table shows the rules in force only",
                        "已清除试算：表格只显示现行规则的结果",
                        false,
                    );
                } else {
                    self.say("no variant is shown", "当前没有试算", false);
                }
            }
            Action::Accept => match self.read_variant(buffer.trim()) {
                Ok((rules, source)) => {
                    self.mode = Mode::Table;
                    let said = self.describe_variant(&source);
                    self.show_variant(Some((rules, source)));
                    self.say_owned(said, false);
                }
                Err(why) => {
                    // Refused: the text typed stays to be corrected, the table as it was.
                    self.say_owned(why, true);
                    self.mode = Mode::Variant { buffer, cursor };
                }
            },
            _ => {}
        }
    }

    /// Shows `variant` (or none), laying the table out again for its columns.
    fn show_variant(&mut self, variant: Option<(RuleSet, Source)>) {
        // A change column is found again by what it shows (a fund's by its id), not by its
        // place: another variant may have other funds, in another order.
        let sorted = self.sort.map(|(c, desc)| (c, self.delta_key(c), desc));
        let current = self.delta_key(self.col);
        self.doc.set_variant(&self.rules, variant);
        self.sort = match sorted {
            Some((_, Some(key), desc)) => self.delta_of(&key).map(|c| (c, desc)),
            // Not a change column: it is where it was.
            Some((c, None, desc)) => Some((c, desc)),
            None => None,
        };
        self.col = current
            .and_then(|key| self.delta_of(&key))
            .unwrap_or(self.col)
            .min(self.ncols() - 1);
        self.measure_all();
        self.relayout();
    }

    /// What the status line says of a variant just loaded.
    fn describe_variant(&self, source: &Source) -> String {
        let lang = self.lang;
        let what = match source {
            Source::File(_) => source.describe(&self.rules, lang).concat(),
            Source::Settings { changes, .. } => changes
                .iter()
                .map(|c| c.describe(&self.rules, lang))
                .collect::<Vec<_>>()
                .join(lang.pick("; ", "；")),
        };
        match lang {
            Lang::En => {
                format!("variant: {what} (Δ columns; v then Enter on an empty line clears it)")
            }
            Lang::Zh => format!("试算：{what}（见 Δ 列；按 v 后直接回车可清除）"),
        }
    }

    /// The variant `text` names: settings when it holds `=`, else a rules file. `Err` is
    /// why not, in the interface language.
    fn read_variant(&self, text: &str) -> Result<(RuleSet, Source), String> {
        // A Chinese input method types the full-width ＝, which a setting reads as `=`.
        let (rules, source) = if text.contains(['=', '＝']) {
            let texts = split_settings(text);
            let said = |e: SettingError| e.render_in(self.lang, SaidIn::Prompt);
            let settings = texts
                .iter()
                .map(|t| Setting::parse(t))
                .collect::<Result<Vec<_>, _>>()
                .map_err(said)?;
            let (rules, changes) = self.rules.with_settings(&settings).map_err(said)?;
            (rules, Source::Settings { texts, changes })
        } else {
            let path = home(text);
            (self.read_rules_file(&path)?, Source::File(path))
        };
        // The table's header must still say which column is whose under the variant: read
        // afresh, as the sheet's own copy keeps what it found under the rules in force.
        let problems = self
            .doc
            .sheet
            .columns
            .for_other_rules()
            .approved_problems(&rules);
        if !problems.is_empty() {
            let found = &self.doc.sheet.columns.names;
            return Err(problems
                .iter()
                .map(|p| p.render(self.lang, found))
                .collect::<Vec<_>>()
                .join("; "));
        }
        Ok((rules, source))
    }

    /// Reads a rules file as `roadsub` reads `--rules` (UTF-8; a fund may not take a column's
    /// name), dating rows without a date as the rules in force do.
    fn read_rules_file(&self, path: &Path) -> Result<RuleSet, String> {
        let lang = self.lang;
        let label = path.display().to_string();
        // The reason first, then the path typed (which the prompt still shows): a long path
        // first would push the reason out of the status line.
        let bytes = std::fs::read(path).map_err(|e| match lang {
            Lang::En => format!("cannot read rules ({}): {label}", lang.io_reason(&e)),
            Lang::Zh => format!("无法读取规则文件（{}）：{label}", lang.io_reason(&e)),
        })?;
        let mut rules = RuleSet::from_bytes(&bytes, &label, &crate::report::layout::column_taken)
            .map_err(|errors| {
            errors
                .iter()
                .map(|e| {
                    let at = format!("{}:{}:{}", e.file, e.line, e.col);
                    match lang {
                        Lang::En => format!("{} ({at})", e.problem.render(lang)),
                        Lang::Zh => format!("{}（{at}）", e.problem.render(lang)),
                    }
                })
                .collect::<Vec<_>>()
                .join("; ")
        })?;
        if let When::Day(day) = self.rules.as_of() {
            rules.set_as_of(day);
        }
        Ok(rules)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_split_at_spaces_and_commas_but_not_inside_an_amount() {
        assert_eq!(
            split_settings(" poverty.group.3.5=15万, transport.village.4.5=50万 "),
            ["poverty.group.3.5=15万", "transport.village.4.5=50万"]
        );
        assert_eq!(
            split_settings("poverty.group.3.5=150,000，transport.group.3.5=20万"),
            ["poverty.group.3.5=150,000", "transport.group.3.5=20万"]
        );
        assert_eq!(split_settings("a=1 b"), ["a=1", "b"]);
    }

    #[test]
    fn a_tilde_at_the_start_of_a_path_is_the_home_directory_and_nowhere_else() {
        let Some(h) = std::env::var_os("HOME").filter(|h| !h.is_empty()) else {
            return;
        };
        let h = PathBuf::from(h);
        assert_eq!(home("~/rules/v.toml"), h.join("rules/v.toml"));
        assert_eq!(home("~"), h);
        // Another user's home, or a ~ inside a name, is as typed.
        assert_eq!(home("~li/v.toml"), PathBuf::from("~li/v.toml"));
        assert_eq!(home("v~1.toml"), PathBuf::from("v~1.toml"));
    }
}
