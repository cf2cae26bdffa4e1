//! The `v` prompt: what was typed read as settings or a rules file, refused with why, or
//! shown as the variant (the sort and the cursor following their change columns).

use std::path::{Path, PathBuf};

use super::Source;
use crate::i18n::Lang;
use crate::rules::{RuleSet, SaidIn, Setting, SettingError, When};
use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::modes::Mode;

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

/// The settings in `text`: separated by spaces or commas. Every setting holds a `=`, so a
/// piece without one belongs to the setting before it: a comma inside an amount, as in
/// `=150,000`, stays in it, and so does a space before a unit or around the `=` (`=15.5 万`,
/// `poverty.group.3.5 = 15万`), as `--set` reads them. A word without `=` that a word
/// starting with `=` follows is the name of the next setting.
fn split_settings(text: &str) -> Vec<String> {
    let has_equals = |s: &str| s.contains(['=', '＝']);
    let starts_with_equals = |s: &str| s.starts_with(['=', '＝']);
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out: Vec<String> = Vec::new();
    for (at, word) in words.iter().enumerate() {
        let names_next = !has_equals(word)
            && words
                .get(at + 1)
                .is_some_and(|next| starts_with_equals(next));
        let mut first = true;
        for piece in word.split([',', '，']) {
            match out.last_mut() {
                _ if piece.is_empty() => {}
                Some(last) if !first && !has_equals(piece) => {
                    last.push(',');
                    last.push_str(piece);
                }
                // A word after a space: part of the setting before (a unit, the `=` and
                // what follows it, the rate after `= `), unless it names the next one.
                Some(last)
                    if first
                        && !names_next
                        && (!has_equals(piece)
                            || starts_with_equals(piece)
                            || !has_equals(last)) =>
                {
                    last.push(' ');
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
    pub(in crate::tui) fn start_variant(&mut self) {
        self.mode = Mode::Variant {
            buffer: String::new(),
            cursor: 0,
        };
    }

    /// A key at the variant prompt: Enter loads what was typed (nothing: clears the variant
    /// shown), Esc leaves everything as it was.
    pub(in crate::tui) fn on_variant_key(&mut self, action: Action, buffer: String, cursor: usize) {
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
                .join(self.lang.pick("; ", "；")));
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
        let bytes = crate::rules::read_file(path, lang).map_err(|e| match lang {
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
                .join(lang.pick("; ", "；"))
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
        // The defect: `15.5 万` was split at its space into `…=15.5` and `万`, a setting of
        // its own the prompt refused, where `--set` takes it whole.
        assert_eq!(
            split_settings("poverty.group.3.5=15.5 万 transport.village.4.5=50 万元/公里"),
            [
                "poverty.group.3.5=15.5 万",
                "transport.village.4.5=50 万元/公里"
            ]
        );
        assert_eq!(
            split_settings("poverty.group.3.5 = 15万 transport.village.4.5 ＝ 50万"),
            ["poverty.group.3.5 = 15万", "transport.village.4.5 ＝ 50万"]
        );
        assert_eq!(split_settings("a=1 b"), ["a=1 b"]);
        assert_eq!(split_settings("a= 1, b =2"), ["a= 1", "b =2"]);
    }

    /// Whatever the spaces, each setting split from the prompt's text reads as `--set` reads
    /// it typed alone: the same rates changed, to the same amounts.
    #[test]
    fn settings_typed_with_spaces_read_as_set_reads_them() {
        let rules = RuleSet::builtin();
        for (typed, alone) in [
            (
                "poverty.group.3.5=15.5 万",
                vec!["poverty.group.3.5=15.5万"],
            ),
            ("poverty.group.3.5 = 15万", vec!["poverty.group.3.5=15万"]),
            (
                "poverty.group.3.5=15 万, transport.village.4.5 = 50万",
                vec!["poverty.group.3.5=15万", "transport.village.4.5=50万"],
            ),
        ] {
            let read = |texts: Vec<String>| {
                let settings: Vec<Setting> =
                    texts.iter().map(|t| Setting::parse(t).unwrap()).collect();
                // What each setting changed (the setting's own text aside).
                let (_, changes) = rules.with_settings(&settings).unwrap();
                changes
                    .into_iter()
                    .map(|c| (c.fund, c.class, c.width_m, c.from, c.to))
                    .collect::<Vec<_>>()
            };
            let split = split_settings(typed);
            assert_eq!(split.len(), alone.len(), "{typed}");
            assert_eq!(
                read(split),
                read(alone.iter().map(|s| s.to_string()).collect()),
                "{typed}"
            );
        }
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
