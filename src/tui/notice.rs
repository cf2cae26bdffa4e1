//! `p`: the notice (公示) of the village of the row under the cursor, written beside the
//! table as `乡镇-村.xlsx` — the notice `roadsub notice --village` writes, of the table as it
//! is now. An existing file is never replaced from here (`roadsub notice --force` does that).

use std::path::Path;

use super::app::App;
use super::doc::Calc;
use crate::i18n::Lang;
use crate::report::notice::{self, sheet, Row, Shape};

impl App {
    /// Writes the current village's notice beside the table, and says what became of it.
    pub(super) fn notice(&mut self) {
        let Some(at) = self.current_row() else {
            return self.say(
                "put the cursor on a row of the village first",
                "请先将光标移到该村的某一行",
                true,
            );
        };
        // A totals or note row names no village (its blank cells are not a village named
        // blank): said so, rather than looking for a village it is not in.
        if self.doc.not_a_segment(at) {
            return if self.doc.calc(&self.rules, at).is_note() {
                self.say(
                    "this is a note row: it belongs to no village, so there is no notice to write",
                    "该行是说明行，不属于任何村，没有公示可写",
                    true,
                )
            } else {
                self.say(
                    "this is a totals row: it belongs to no village, so there is no notice to write",
                    "该行是合计行，不属于任何村，没有公示可写",
                    true,
                )
            };
        }
        let text = self.doc.row_text(at);
        let (township, village) = (text.township.to_string(), text.village.to_string());
        let sheet = &self.doc.sheet;
        // Every row of the village, computed with the whole table's budgets, as the table
        // shows them; a totals or note row is no segment.
        let calcs: Vec<(usize, Option<Box<super::results::Computed>>)> = (0..sheet.rows.len())
            .filter(|&i| {
                let t = self.doc.row_text(i);
                t.township == township && t.village == village
            })
            .filter_map(|i| match self.doc.calc(&self.rules, i) {
                Calc::Good(c) => Some((i, Some(c))),
                c if c.not_a_segment() => None,
                Calc::Bad(_) => Some((i, None)),
            })
            .collect();
        let rows = calcs.iter().map(|(i, c)| {
            let computed = c.as_ref().map(|c| (&c.segment, &c.breakdown));
            Row::of(&sheet.columns, &sheet.rows[*i], computed)
        });
        let shape = Shape::of(&[&sheet.columns]);
        let key =
            crate::table::row::escaped(&crate::report::summary::village_key(&township, &village));
        let notices = match notice::build(&self.rules, &shape, rows, self.doc.summary()) {
            Ok(n) => n,
            Err(_) => {
                return self.say(
                    "the village's totals are too large to add up",
                    "该村的合计金额过大，无法相加",
                    true,
                )
            }
        };
        let Some(n) = notices.into_iter().find(|n| !n.segments.is_empty()) else {
            let text = match self.lang {
                Lang::En => format!("no notice for {key}: none of its rows can be computed"),
                Lang::Zh => format!("{key}：所有路段均有错误，未写出公示"),
            };
            return self.say_owned(text, true);
        };
        let folder = self
            .doc
            .path
            .as_deref()
            .and_then(Path::parent)
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        // Its name among every village of the table, as `roadsub notice` names it.
        let doc = &self.doc;
        let name = notice::file_name_among(
            (township.trim(), village.trim()),
            (0..sheet.rows.len())
                .filter(|&i| !doc.not_a_segment(i))
                .map(|i| {
                    let t = doc.row_text(i);
                    (t.township.trim(), t.village.trim())
                }),
        );
        let path = folder.join(&name);
        let name = path.display();
        if path.exists() {
            let text = match self.lang {
                Lang::En => format!(
                    "{name} already exists; nothing written (move it away, or use roadsub notice --force)"
                ),
                Lang::Zh => format!(
                    "{name} 已存在；未写出（请先移走，或用 roadsub notice --force）"
                ),
            };
            return self.say_owned(text, true);
        }
        if let Some((segment, v)) = notice::beyond_a_workbook(&n) {
            let text = notice::beyond_a_workbook_said(&key, &segment, v, self.lang);
            return self.say_owned(text, true);
        }
        let written = sheet::workbook(&n)
            .map_err(std::io::Error::other)
            .and_then(|bytes| notice::write_file(&path, &bytes, false));
        let left_out = n.left_out;
        let text = match (written, self.lang) {
            (Err(e), _) => {
                let reason = self.lang.io_reason(&e);
                return self.say_owned(
                    match self.lang {
                        Lang::En => format!("could not write the notice to {name}: {reason}"),
                        Lang::Zh => format!("无法写出公示到 {name}：{reason}"),
                    },
                    true,
                );
            }
            (Ok(()), Lang::En) if left_out == 0 => {
                format!("wrote the notice of {key} to {name}")
            }
            (Ok(()), Lang::Zh) if left_out == 0 => format!("已写出 {key} 的公示到 {name}"),
            (Ok(()), Lang::En) if left_out == 1 => format!(
                "wrote the notice of {key} to {name} (1 segment left out: it cannot be computed)"
            ),
            (Ok(()), Lang::En) => format!(
                "wrote the notice of {key} to {name} ({left_out} segments left out: they cannot be computed)"
            ),
            (Ok(()), Lang::Zh) => {
                format!("已写出 {key} 的公示到 {name}（{left_out} 个路段未能计算，未列入）")
            }
        };
        // Costs that look typed in the wrong unit are on the notice as computed: said, as a
        // batch run and `roadsub notice` say it.
        let text = match (n.implausible, self.lang) {
            (0, _) => text,
            (1, Lang::En) => format!(
                "{text}; warning: 1 segment has a cost per km outside the plausible range: check the amounts' unit (元 or 万元)"
            ),
            (k, Lang::En) => format!(
                "{text}; warning: {k} segments have a cost per km outside the plausible range: check the amounts' unit (元 or 万元)"
            ),
            (k, Lang::Zh) => format!(
                "{text}；警告：{k} 个路段的每公里造价超出合理范围，请核对金额单位（元或万元）"
            ),
        };
        // Written is a success, whatever was left out: the count says the rest.
        self.say_owned(text, false);
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use calamine::{open_workbook_auto, Data, Reader};

    use super::*;
    use crate::report::compare::Table;
    use crate::rules::RuleSet;
    use crate::table::sheet::Sheet;
    use crate::tui::action::Action;
    use crate::tui::doc::Doc;
    use crate::tui::lines::Line;

    fn repo(p: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
    }

    fn prorate() -> RuleSet {
        let path = repo("examples/anyue-2018-prorate.toml");
        let bytes = std::fs::read(&path).unwrap();
        RuleSet::from_bytes(&bytes, "prorate", &crate::batch::column_taken).unwrap()
    }

    fn cells(path: &Path) -> Vec<Vec<String>> {
        let mut book = open_workbook_auto(path).unwrap();
        let range = book.worksheet_range(sheet::SHEET).unwrap();
        range
            .rows()
            .map(|r| {
                r.iter()
                    .map(|c| match c {
                        Data::Float(v) => format!("{v}"),
                        other => other.to_string(),
                    })
                    .collect()
            })
            .collect()
    }

    /// The table at `path` opened under `rules` in `lang`, `p` pressed on its row `row`.
    fn notice_of_row(path: &Path, rules: RuleSet, lang: Lang, row: usize) -> App {
        let doc = Doc::new(Sheet::load(path).unwrap(), Some(path.to_path_buf()), &rules);
        let mut app = App::new(doc, rules, lang);
        app.cursor = app
            .lines
            .iter()
            .position(|l| matches!(l, Line::Row(r) if *r == row))
            .unwrap();
        app.step(Action::Notice, 10);
        app
    }

    #[test]
    fn p_writes_the_current_villages_notice_beside_the_table_as_the_command_does() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.csv");
        std::fs::copy(repo("examples/anyue-2018-plan.csv"), &path).unwrap();
        // The cursor on AYP-002, the second row (画青村).
        let mut app = notice_of_row(&path, prorate(), Lang::En, 1);
        let written = dir.path().join("天马乡-画青村.xlsx");
        assert_eq!(
            app.status.as_ref().unwrap().text,
            format!("wrote the notice of 天马乡 画青村 to {}", written.display())
        );
        // The same cells as `roadsub notice --village 画青村` writes.
        let rules = prorate();
        let tables = [Table {
            label: "plan.csv".into(),
            sheet: Sheet::load(&path).unwrap(),
        }];
        let w = crate::report::compare::whole::model::whole(&tables, &rules).unwrap();
        let n = notice::notices(&tables, &rules, &w)
            .unwrap()
            .into_iter()
            .find(|n| n.village == "画青村")
            .unwrap();
        let expected = dir.path().join("expected.xlsx");
        std::fs::write(&expected, sheet::workbook(&n).unwrap()).unwrap();
        let got = cells(&written);
        assert_eq!(got, cells(&expected));
        assert_eq!(got[7][7], "19.067357");
        // Pressed again, the file is there: kept, and said.
        let before = std::fs::read(&written).unwrap();
        app.step(Action::Notice, 10);
        assert_eq!(
            app.status.as_ref().unwrap().text,
            format!(
                "{} already exists; nothing written (move it away, or use roadsub notice --force)",
                written.display()
            )
        );
        assert_eq!(std::fs::read(&written).unwrap(), before);
        app.lang = Lang::Zh;
        app.step(Action::Notice, 10);
        assert_eq!(
            app.status.as_ref().unwrap().text,
            format!(
                "{} 已存在；未写出（请先移走，或用 roadsub notice --force）",
                written.display()
            )
        );
    }
    #[test]
    fn p_message_with_a_row_left_out_is_said_as_a_success_with_the_count() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.csv");
        std::fs::write(
            &path,
            "编号,乡镇,村,类别,宽度,长度,投资\n\
             A1,石鼓镇,大骥村,通村,4.5,1,60万\n\
             A2,石鼓镇,大骥村,通村,4.5,abc,60万\n",
        )
        .unwrap();
        let mut app = notice_of_row(&path, prorate(), Lang::Zh, 0);
        let written = dir.path().join("石鼓镇-大骥村.xlsx");
        let status = app.status.as_ref().unwrap();
        assert_eq!(
            status.text,
            format!(
                "已写出 石鼓镇 大骥村 的公示到 {}（1 个路段未能计算，未列入）",
                written.display()
            )
        );
        assert!(!status.error);
        assert!(written.exists());
        std::fs::remove_file(&written).unwrap();
        app.lang = Lang::En;
        app.step(Action::Notice, 10);
        let status = app.status.as_ref().unwrap();
        assert_eq!(
            status.text,
            format!(
                "wrote the notice of 石鼓镇 大骥村 to {} (1 segment left out: it cannot be computed)",
                written.display()
            )
        );
        assert!(!status.error);
    }

    #[test]
    fn p_message_warns_of_costs_typed_in_the_wrong_unit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.csv");
        std::fs::write(
            &path,
            "编号,乡镇,村,类别,宽度,长度,投资\n\
             A1,石鼓镇,大骥村,通村,4.5,1,60\n\
             A2,石鼓镇,大骥村,通村,4.5,1,60万\n",
        )
        .unwrap();
        let mut app = notice_of_row(&path, RuleSet::builtin(), Lang::Zh, 0);
        let written = dir.path().join("石鼓镇-大骥村.xlsx");
        assert_eq!(
            app.status.as_ref().unwrap().text,
            format!(
                "已写出 石鼓镇 大骥村 的公示到 {}；警告：1 个路段的每公里造价超出合理范围，请核对金额单位（元或万元）",
                written.display()
            )
        );
        std::fs::remove_file(&written).unwrap();
        app.lang = Lang::En;
        app.step(Action::Notice, 10);
        assert_eq!(
            app.status.as_ref().unwrap().text,
            format!(
                "wrote the notice of 石鼓镇 大骥村 to {}; warning: 1 segment has a cost per km outside the plausible range: check the amounts' unit (元 or 万元)",
                written.display()
            )
        );
    }
}
