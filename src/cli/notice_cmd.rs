//! `roadsub notice FILE... -o DIR`: one printable notice (公示) per village, a workbook each,
//! with the budgets of all the tables applied as in a batch run (SPEC §11).

use std::path::PathBuf;

use clap::{value_parser, Arg, ArgAction, ArgMatches, Command};

use super::{help_flag, load_rules_as_of, to_stderr, Failure, EXIT_BAD_INPUT, EXIT_OK, EXIT_USAGE};
use crate::batch::columns_differ;
use crate::i18n::Lang;
use crate::report::compare::Table;
use crate::report::layout::Layout;
use crate::report::notice::{self, sheet, Maker, Run, Shape};
use crate::rules::RuleSet;
use crate::table::sheet::Sheet;
use crate::table::TableError;

pub(super) fn command(lang: Lang) -> Command {
    Command::new("notice")
        .about(lang.pick(
            "A printable notice (公示) per village: its segments, what each fund pays, the gap, its sources, what remains to raise, and lines to sign (A4 workbooks, in Chinese)",
            "按村生成可打印的公示（A4 工作簿）：本村路段、各项补助、差额及其来源、尚需筹集、签章栏",
        ))
        .disable_help_flag(true)
        .help_template(super::help_template(lang))
        .next_help_heading(lang.pick("Options", "选项"))
        .after_help(lang.pick(
            "Examples:\n  \
             roadsub notice examples/anyue-2018-plan.csv -o notices\n  \
             roadsub notice examples/anyue-2018-plan.csv --rules examples/anyue-2018-prorate.toml -o notices --village 画青村\n  \
             roadsub notice a.csv b.xlsx -o notices --village 天马乡/画青村 --force\n\n\
             Each village gets DIR/乡镇-村.xlsx; the notice itself is in Chinese. Budgets apply across all the tables, as in a batch run. Exit status: 0 every notice written; 1 bad rows (nothing written unless --keep-going), an unreadable table, invalid rules or an existing notice; 2 a wrong command line.",
            "示例：\n  \
             roadsub notice examples/anyue-2018-plan.csv -o notices\n  \
             roadsub notice examples/anyue-2018-plan.csv --rules examples/anyue-2018-prorate.toml -o notices --village 画青村\n  \
             roadsub notice a.csv b.xlsx -o notices --village 天马乡/画青村 --force\n\n\
             每个村写出 DIR/乡镇-村.xlsx。预算额度按全部表格分配，与批量运行相同。退出码：0 全部公示已写出；1 有错误行（除非 --keep-going，否则不写出）、表格无法读取、规则无效或公示文件已存在；2 命令行用法错误。",
        ))
        .arg(help_flag(lang))
        .arg(
            Arg::new("files")
                .value_name("FILE")
                .required(true)
                .num_args(1..)
                .value_parser(value_parser!(PathBuf))
                .help(lang.pick(
                    "Segment tables (CSV or Excel), read whole; budgets apply across all of them",
                    "路段表（CSV 或 Excel），整表读取；预算额度按全部表格分配",
                )),
        )
        .arg(
            Arg::new("output")
                .short('o')
                .long("output")
                .value_name("DIR")
                .required(true)
                .value_parser(value_parser!(PathBuf))
                .help(lang.pick(
                    "The folder the notices go to (made if missing), one file per village",
                    "公示写入的文件夹（不存在则新建），每村一个文件",
                )),
        )
        .arg(
            Arg::new("village")
                .long("village")
                .value_name("NAME")
                .help(lang.pick(
                    "Only this village; TOWNSHIP/VILLAGE when two townships have one of that name",
                    "只写出该村；两个乡镇有同名村时写成 乡镇/村",
                )),
        )
        .arg(
            Arg::new("force")
                .long("force")
                .action(ArgAction::SetTrue)
                .help(lang.pick(
                    "Replace notices already in DIR (otherwise nothing is written when one exists)",
                    "替换 DIR 中已有的公示文件（否则只要有一个已存在就不写出）",
                )),
        )
        .arg(
            Arg::new("keep_going")
                .long("keep-going")
                .action(ArgAction::SetTrue)
                .help(lang.pick(
                    "Write the notices even if some rows are bad: those rows are left out and each notice says how many of its village's were (still exit 1)",
                    "即使有错误行也写出公示：错误行不列入，公示注明本村未列入的路段数（退出码仍为 1）",
                )),
        )
        .arg(super::sheet_arg(lang))
        .arg(super::input_encoding_arg(lang))
        .arg(super::as_of_arg(lang))
        .args(super::header_args(lang))
}

fn usage(message: impl Into<String>) -> Failure {
    Failure::new(EXIT_USAGE, message)
}

fn bad(message: impl Into<String>) -> Failure {
    Failure::new(EXIT_BAD_INPUT, message)
}

/// Reads every table; a table whose columns are not the first's is said and counted, as a
/// batch run does.
fn read_tables(
    m: &ArgMatches,
    rules: &RuleSet,
    lang: Lang,
) -> Result<(Vec<Table>, usize), Failure> {
    let files: Vec<&PathBuf> = m.get_many::<PathBuf>("files").expect("required").collect();
    super::compare_cmd::warn_sheet_on_tables(m, &files, lang);
    super::compare_cmd::refuse_twice(&files, lang)?;
    let reading = Reading {
        encoding: super::encoding_of(m, "input_encoding"),
        flag: "--input-encoding",
        sheet: m.get_one::<String>("sheet").map(String::as_str),
        header: super::header_options(m, lang)?,
        from_stdin: (
            "notice reads tables from files, not from standard input: give their paths",
            "notice 从文件读取路段表，不读标准输入：请给出文件路径",
        ),
    };
    super::compare_cmd::warn_other_tables(reading.sheet, &files, &reading.header, lang);
    tables_read(&files, &reading, rules, lang)
}

/// How [`tables_read`] reads the tables of a command.
pub(super) struct Reading<'a> {
    /// A CSV table's encoding, when the command line gives it (else recognised).
    pub encoding: Option<crate::table::Encoding>,
    /// The option that gives it, as messages name it.
    pub flag: &'static str,
    /// A workbook's sheet, when the command line names one.
    pub sheet: Option<&'a str>,
    /// `--map`, `--amount-unit`.
    pub header: crate::table::HeaderOptions,
    /// What is said of `-` (standard input): English, Chinese.
    pub from_stdin: (&'static str, &'static str),
}

/// Reads the tables `files` as `reading` says; a table whose columns are not the first's is
/// said and counted (the second of the pair), as a batch run does.
pub(super) fn tables_read(
    files: &[&PathBuf],
    reading: &Reading<'_>,
    rules: &RuleSet,
    lang: Lang,
) -> Result<(Vec<Table>, usize), Failure> {
    let mut tables: Vec<Table> = Vec::with_capacity(files.len());
    let mut unread = 0;
    for path in files {
        let label = path.display().to_string();
        if label == "-" {
            return Err(usage(lang.pick(reading.from_stdin.0, reading.from_stdin.1)));
        }
        // A table that cannot be read is said and counted, as a batch run says and counts it
        // (`1 table not read`): the others are written with --keep-going (review 33).
        let sheet = match Sheet::load_with(path, reading.sheet, reading.encoding, &reading.header) {
            Ok(sheet) => sheet,
            Err(e) => {
                let e = match e {
                    TableError::Encoding(mut e) => {
                        e.flag = reading.flag;
                        TableError::Encoding(e)
                    }
                    e => e,
                };
                to_stderr(&format!("{}\n", e.render(&label, lang)));
                unread += 1;
                continue;
            }
        };
        let label = match &sheet.workbook {
            Some(w) => format!("{label}[{}]", w.sheet),
            None => label,
        };
        let mut problems = crate::report::layout::clashes(&sheet.columns, rules);
        problems.extend(sheet.columns.approved_problems(rules));
        if !problems.is_empty() {
            let e = TableError::Header {
                problems,
                found: sheet.columns.names.clone(),
            };
            to_stderr(&format!("{}\n", e.render(&label, lang)));
            unread += 1;
            continue;
        }
        if let Some(first) = tables.first() {
            let layout = Layout::new(&first.sheet.columns, rules);
            if layout.map(&first.sheet.columns, &sheet.columns).is_none() {
                to_stderr(&format!(
                    "{}\n",
                    columns_differ(&label, &first.sheet.columns, &sheet.columns, lang)
                ));
                unread += 1;
                continue;
            }
        }
        tables.push(Table { label, sheet });
    }
    Ok((tables, unread))
}

/// A village of the run: its number, and its township and village as the tables write them.
type Village<'a> = (usize, (&'a str, &'a str));

/// The villages `--village` asks for (all when it is not given); `good` says whether a
/// village has a row that computes (a name two townships share is suggested with the first
/// township whose village does).
fn chosen<'a>(
    villages: Vec<Village<'a>>,
    asked: Option<&str>,
    good: impl Fn(usize) -> bool,
    lang: Lang,
) -> Result<Vec<Village<'a>>, Failure> {
    let Some(typed) = asked.map(str::trim) else {
        return Ok(villages);
    };
    // `村`, or `乡镇/村` split at any of its slashes (a township's or village's own name may
    // hold one: `T/1/V:1` is village `V:1` of township `T/1`). A name on two lines is one
    // place however its line ends; where none is named as typed, a line break may be typed
    // as messages and summaries show it (`画青\n村`, `画青↵村`: a shell on Windows cannot
    // pass one).
    let names = |asked: &str, (_, (township, village)): &Village| {
        *village == asked
            || asked
                .match_indices('/')
                .any(|(i, _)| *township == asked[..i].trim() && *village == asked[i + 1..].trim())
    };
    let formed = crate::table::idform::place_form(typed);
    let broken = formed
        .replace("\\r\\n", "\n")
        .replace("\\n", "\n")
        .replace('↵', "\n");
    let asked = match villages.iter().any(|v| names(formed, v)) {
        true => formed,
        false => broken.as_str(),
    };
    let found: Vec<Village> = villages.into_iter().filter(|v| names(asked, v)).collect();
    // Said on one line (a name on two lines shows its break as `\n`).
    let said = crate::table::row::escaped;
    let village = said(found.first().map_or(asked, |(_, (_, v))| v));
    let asked = said(typed);
    match found.len() {
        0 => Err(bad(match lang {
            Lang::En => format!("no row is in the village \"{asked}\""),
            Lang::Zh => format!("没有属于“{asked}”的路段"),
        })),
        1 => Ok(found),
        _ => {
            // A township left blank (rows that name none) is said so, not as nothing.
            let towns: Vec<String> = found
                .iter()
                .map(|(_, (t, _))| match t.is_empty() {
                    true => NO_TOWNSHIP.to_string(),
                    false => said(t),
                })
                .collect();
            let like = said(
                found
                    .iter()
                    .find(|(v, (t, _))| good(*v) && !t.is_empty())
                    .or_else(|| found.iter().find(|(_, (t, _))| !t.is_empty()))
                    .map_or("", |(_, (t, _))| *t),
            );
            Err(usage(match lang {
                Lang::En => format!(
                    "--village \"{asked}\": villages of that name are in {}; say which, like --village {like}/{village}",
                    towns.join(", "),
                ),
                Lang::Zh => format!(
                    "--village \"{asked}\"：{}都有这个村；请写明乡镇，如 --village {like}/{village}",
                    towns.join("、"),
                ),
            }))
        }
    }
}

/// What stands for a township rows leave blank, in messages.
const NO_TOWNSHIP: &str = "（未填乡镇）";

/// A village as messages name it: its township and its name, a blank one said as such
/// (`（未填乡镇） 画青村`, not ` 画青村`).
fn village_said(township: &str, village: &str) -> String {
    let township = match township.is_empty() {
        true => NO_TOWNSHIP,
        false => township,
    };
    // A name holding a line break is said on one line.
    crate::table::row::escaped(&crate::report::summary::village_key(
        township,
        &notice::village_shown(village),
    ))
}

/// What making a village's notice once, before anything is written, found.
enum Checked {
    /// Its totals do not fit.
    TooLarge,
    /// A figure a workbook would round: the segment, the amount.
    Beyond(String, rust_decimal::Decimal),
    /// Fine: its segments whose cost per km looks typed in the wrong unit.
    Fine(u64),
}

/// The message for a village whose totals do not fit.
fn too_large(lang: Lang) -> String {
    lang.pick(
        "a village's totals are too large to add up",
        "某村的合计金额过大，无法相加",
    )
    .to_string()
}

pub(super) fn run(m: &ArgMatches, lang: Lang) -> Result<u8, Failure> {
    let dir = m.get_one::<PathBuf>("output").expect("required").clone();
    if dir.as_os_str() == "-" {
        // Elsewhere `-o -` is standard output; here it would be a folder named `-`.
        return Err(Failure::new(
            EXIT_USAGE,
            lang.pick(
                "-o -: notices are files, one per village, and cannot go to standard output; give a folder (-o notices)",
                "-o -：公示是每村一个文件，不能写到标准输出；请给出文件夹（-o notices）",
            ),
        ));
    }
    if dir.exists() && !dir.is_dir() {
        // A wrong command line (the input table itself, say), said before anything is read.
        let shown = dir.display();
        return Err(Failure::new(
            EXIT_USAGE,
            match lang {
                Lang::En => {
                    format!("-o {shown} is a file, not a folder: give a folder for the notices")
                }
                Lang::Zh => format!("-o {shown} 是文件而不是文件夹：请给出存放公示的文件夹"),
            },
        ));
    }
    if m.get_one::<String>("village")
        .is_some_and(|v| v.trim().is_empty())
    {
        // Every row names its village (a blank one is a bad row), so a blank name asks for
        // no village: said before any table is read.
        return Err(Failure::new(
            EXIT_USAGE,
            lang.pick(
                "--village: the name is blank; give a village (--village 画青村) or a township and village (--village 天马乡/画青村)",
                "--village：村名为空；请给出村名（--village 画青村）或乡镇和村（--village 天马乡/画青村）",
            ),
        ));
    }
    let rules = load_rules_as_of(m, lang)?;
    let (tables, unread) = read_tables(m, &rules, lang)?;
    let run = Run::new(&tables, &rules).map_err(|e| bad(e.render(lang)))?;
    let mut errors = 0;
    let mut doubt = false;
    for (t, es) in run.errors() {
        errors += 1;
        for e in es {
            doubt |= e.problem.puts_units_in_doubt();
            to_stderr(&format!("{}\n", e.render(&tables[t].label, &rules, lang)));
        }
    }
    let keep_going = m.get_flag("keep_going");
    let failed = errors > 0 || unread > 0;
    let problems = super::problems_said(errors as u64, unread as u64, lang);
    if doubt {
        to_stderr(&match lang {
            Lang::En => format!(
                "{problems}; no notice written: {}\n",
                crate::table::Problem::units_in_doubt(lang)
            ),
            Lang::Zh => format!(
                "{problems}；未写出任何公示：{}\n",
                crate::table::Problem::units_in_doubt(lang)
            ),
        });
        return Ok(EXIT_BAD_INPUT);
    }
    let none_good = !run.villages().iter().any(|&(v, _)| run.has_good_row(v));
    if failed && !keep_going && none_good {
        // --keep-going would write nothing either: not offered, as batch does not offer it.
        to_stderr(&match lang {
            Lang::En => format!("{problems}; no notice written\n"),
            Lang::Zh => format!("{problems}；未写出任何公示\n"),
        });
        return Ok(EXIT_BAD_INPUT);
    }
    if failed && !keep_going {
        // Said as a batch run says its outcome: a line of its own, after the rows' errors.
        to_stderr(&match lang {
            Lang::En => format!(
                "{problems}; no notice written ({}, or use --keep-going to write the notices without those rows)\n",
                super::fix_them(errors as u64, unread as u64)
            ),
            Lang::Zh => format!(
                "{problems}；未写出任何公示（请修正，或用 --keep-going 写出不含这些行的公示）\n"
            ),
        });
        return Ok(EXIT_BAD_INPUT);
    }
    let mut villages = chosen(
        run.villages(),
        m.get_one::<String>("village").map(String::as_str),
        |v| run.has_good_row(v),
        lang,
    )?;
    // A village none of whose rows can be computed has nothing to post: said, not skipped
    // silently.
    for (_, (township, village)) in villages.iter().filter(|(v, _)| !run.has_good_row(*v)) {
        let key = village_said(township, village);
        to_stderr(&match lang {
            Lang::En => format!("no notice for {key}: none of its rows can be computed\n"),
            Lang::Zh => format!("{key}：所有路段均有错误，未写出公示\n"),
        });
    }
    villages.retain(|(v, _)| run.has_good_row(*v));
    // "No village has a good row" only of all the villages of tables read: the one asked
    // for has none (said above), or no table was read (review 34).
    let of_all = m.get_one::<String>("village").is_none() && !tables.is_empty();
    if villages.is_empty() {
        return Err(bad(match (lang, failed) {
            (Lang::En, true) if of_all => {
                format!("{problems}; no notice written (no village has a good row)")
            }
            (Lang::Zh, true) if of_all => {
                format!("{problems}；未写出任何公示（没有一个村有正确的行）")
            }
            (Lang::En, true) => format!("{problems}; no notice written"),
            (Lang::Zh, true) => format!("{problems}；未写出任何公示"),
            (Lang::En, false) => "no notice written: the tables have no segment rows".to_string(),
            (Lang::Zh, false) => "未写出任何公示：表格中没有路段行".to_string(),
        }));
    }
    let columns: Vec<&crate::table::Columns> = tables.iter().map(|t| &t.sheet.columns).collect();
    let maker = Maker::new(&rules, &Shape::of(&columns));
    let overspent = notice::overspent(&rules, &run.summary);
    // Each notice is made once before anything is written or made (and dropped: only the
    // notices being written are held): a village whose totals do not fit, or a figure a
    // workbook would round, is refused first.
    let checked = notice::on_threads(villages.len(), |at| {
        Ok::<_, std::convert::Infallible>(match run.notice(&maker, villages[at].0, &overspent) {
            Err(_) => Checked::TooLarge,
            Ok(n) => match notice::beyond_a_workbook(&n) {
                Some((segment, v)) => Checked::Beyond(segment, v),
                None => Checked::Fine(n.implausible),
            },
        })
    })
    .unwrap_or_else(|never| match never {});
    if checked.iter().any(|c| matches!(c, Checked::TooLarge)) {
        return Err(bad(too_large(lang)));
    }
    let mut implausible = 0;
    for (c, (_, (township, village))) in checked.into_iter().zip(&villages) {
        match c {
            Checked::TooLarge => {}
            Checked::Beyond(segment, v) => {
                let key = village_said(township, village);
                return Err(bad(notice::beyond_a_workbook_said(&key, &segment, v, lang)));
            }
            Checked::Fine(n) => implausible += n,
        }
    }
    let shown = dir.display();
    // A folder made here goes again, empty, if no notice is written (a failure, a signal).
    let made = crate::table::replace::make_folders(&dir).map_err(|e| {
        bad(format!(
            "{shown}: {}{}",
            lang.pick("cannot make the folder: ", "无法新建文件夹："),
            lang.io_reason(&e)
        ))
    })?;
    // Each village's name among every village of the tables, so that `--village` writes a
    // village's notice where a run of all of them does, never over another's.
    let all = run.villages();
    let all_names = notice::file_names_of(all.iter().map(|(_, place)| *place));
    let name_of: std::collections::HashMap<usize, &String> =
        all.iter().map(|(v, _)| *v).zip(&all_names).collect();
    let names: Vec<String> = villages.iter().map(|(v, _)| name_of[v].clone()).collect();
    // A notice never replaces a table it is made from (a village's own plan saved as
    // `乡镇-村.xlsx` in the folder of its notices), --force or not.
    let files: Vec<&PathBuf> = m.get_many::<PathBuf>("files").expect("required").collect();
    for name in &names {
        let path = dir.join(name);
        if let Some(input) = files
            .iter()
            .find(|f| crate::table::replace::is_same_file(f, &path))
        {
            return Err(Failure::new(
                EXIT_USAGE,
                match lang {
                    Lang::En => format!(
                        "{}: a notice would replace {}, a table it is made from; nothing written (give another folder with -o)",
                        path.display(),
                        input.display()
                    ),
                    Lang::Zh => format!(
                        "{}：公示会替换输入表格 {}；未写出任何公示（请用 -o 另给一个文件夹）",
                        path.display(),
                        input.display()
                    ),
                },
            ));
        }
    }
    let force = m.get_flag("force");
    let existing: Vec<String> = names
        .iter()
        .map(|n| dir.join(n))
        .filter(|p| p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if !force && !existing.is_empty() {
        return Err(bad(match lang {
            Lang::En => format!(
                "already there: {}; nothing written (give --force to replace them)",
                existing.join(", ")
            ),
            Lang::Zh => format!(
                "文件已存在：{}；未写出任何公示（如需替换，请加 --force）",
                existing.join("、")
            ),
        }));
    }
    // Every notice is made and written to a temporary file before any is put in place, and
    // then all are put in place or none.
    let make = |at: usize| {
        let n = run
            .notice(&maker, villages[at].0, &overspent)
            .map_err(|_| too_large(lang))?;
        sheet::workbook(&n).map_err(|e| lang.xlsx_reason(&e))
    };
    notice::write_all(&dir, &names, make, force).map_err(|e| match e {
        notice::NotWritten::Made(path, e) => bad(format!(
            "{}: {e}{}",
            path.display(),
            lang.pick("; no notice written", "；未写出任何公示")
        )),
        notice::NotWritten::Written(path, e) => bad(format!(
            "{}: {}{}{}",
            path.display(),
            lang.pick("cannot write: ", "无法写入："),
            lang.io_reason(&e),
            lang.pick("; no notice written", "；未写出任何公示")
        )),
    })?;
    made.keep();
    // Costs that look typed in the wrong unit are on the notices as computed: said, as a
    // batch run says it, for the villages written.
    if let Some(line) = crate::report::summary::implausible_said(&rules, implausible, lang, false) {
        to_stderr(&format!("{line}\n"));
    }
    let count = villages.len();
    let wrote = match lang {
        Lang::En if count == 1 => format!("wrote 1 notice to {shown}"),
        Lang::En => format!("wrote {count} notices to {shown}"),
        Lang::Zh => format!("已写出 {count} 份公示到 {shown}"),
    };
    if failed {
        to_stderr(&format!(
            "{}\n",
            match lang {
                Lang::En => format!("{problems}; {wrote} (without those rows)"),
                Lang::Zh => format!("{problems}；{wrote}（不含错误行）"),
            }
        ));
        return Ok(EXIT_BAD_INPUT);
    }
    to_stderr(&format!("{wrote}\n"));
    Ok(EXIT_OK)
}
