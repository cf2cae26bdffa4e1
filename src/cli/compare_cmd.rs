//! `roadsub compare FILE... (--against RULES | --set FUND.CLASS.WIDTH=RATE ...)`: every
//! segment under the rules in force and under a variant, and the change (SPEC §9 What-if).

mod inputs;

use inputs::Reading;

use std::io::{Seek, Write};
use std::path::{Path, PathBuf};

use clap::{value_parser, Arg, ArgAction, ArgMatches, Command};

use super::{
    help_flag, load_rules, load_rules_as_of, stdout_is_terminal, to_stderr, to_stdout_taken,
    Failure, EXIT_BAD_INPUT, EXIT_OK, EXIT_USAGE,
};
use crate::batch::{start_writeback, WRITEBACK_BYTES};
use crate::i18n::Lang;
use crate::report::compare::stream::{self, Form, Sink};
use crate::report::compare::whole::side_prefix;
use crate::report::compare::{self, book, describe, screen, write, Comparison, Side, Variant};
use crate::report::{Format, Unit};
use crate::rules::{RuleSet, Setting};
use crate::table::replace::{is_same_file, names_a_descriptor, Hangup, Replacement};
use crate::table::workbook::is_workbook;
use crate::table::TableError;

pub(super) fn command(lang: Lang) -> Command {
    Command::new("compare")
        .about(lang.pick(
            "What if: every segment under the rules in force and under a variant (another rules file, or changed rates), and the change",
            "对比测算：全部路段分别按现行规则和对比规则（另一规则文件或改动的标准）计算，并列出变化",
        ))
        .disable_help_flag(true)
        .help_template(super::help_template(lang))
        .next_help_heading(lang.pick("Options", "选项"))
        .after_help(lang.pick(
            "Examples:\n  \
             roadsub compare examples/anyue-2018-plan.csv --set poverty.group.3.5=15万\n  \
             roadsub compare examples/anyue-2018-plan.csv --against tests/data/anyue-2018-group-15.toml -o what-if.xlsx\n  \
             roadsub compare a.csv b.csv --set transport.village.4.5=50万 --set poverty.group.3.5=15万 -o what-if.csv\n  \
             roadsub compare examples/anyue-2018-plan.csv --rules examples/anyue-2018-prorate.toml --set poverty.group.3.5=15万 --format json\n\n\
             Budgets apply across all the tables, under each rule set, as in a batch run. Exit status: 0 every row computed under both; 1 bad rows (nothing written unless --keep-going), an unreadable table or invalid rules; 2 a wrong command line.",
            "示例：\n  \
             roadsub compare examples/anyue-2018-plan.csv --set poverty.group.3.5=15万\n  \
             roadsub compare examples/anyue-2018-plan.csv --against tests/data/anyue-2018-group-15.toml -o what-if.xlsx\n  \
             roadsub compare a.csv b.csv --set transport.village.4.5=50万 --set poverty.group.3.5=15万 -o what-if.csv\n  \
             roadsub compare examples/anyue-2018-plan.csv --rules examples/anyue-2018-prorate.toml --set poverty.group.3.5=15万 --format json\n\n\
             两套规则各自按全部表格分配预算额度，与批量运行相同。退出码：0 全部路段在两套规则下均计算完成；1 有错误行（除非 --keep-going，否则不写出）、表格无法读取或规则无效；2 命令行用法错误。",
        ))
        .arg(help_flag(lang))
        .arg(
            Arg::new("files")
                .value_name("FILE")
                .required(true)
                .num_args(1..)
                .value_parser(value_parser!(PathBuf))
                .help(lang.pick(
                    "Segment tables (CSV or Excel); budgets apply across all of them. With no budget that shares out or cuts, and no workbook written, CSV tables are read in blocks as batch reads them; otherwise they are held whole",
                    "路段表（CSV 或 Excel）；预算额度按全部表格分配。没有需分摊或削减的预算、也不输出 Excel 工作簿时，CSV 表像 batch 一样分块读取；否则整表载入",
                )),
        )
        .arg(
            Arg::new("against")
                .long("against")
                .value_name("RULES")
                .value_parser(value_parser!(PathBuf))
                .conflicts_with("set")
                .help(lang.pick(
                    "The variant: another rules file (read on its own effective date, or on --as-of when given, as batch --rules would)",
                    "对比规则：另一个规则文件（按其自身的生效日期取标准，给出 --as-of 时按该日期，与 batch --rules 相同）",
                )),
        )
        .arg(
            Arg::new("set")
                .long("set")
                .value_name("FUND.CLASS.WIDTH=RATE")
                .action(ArgAction::Append)
                .help(lang.pick(
                    "The variant: the rules in force with this rate changed, like poverty.group.3.5=15万 (repeatable)",
                    "对比规则：在现行规则上改动一个标准，如 poverty.group.3.5=15万（可多次给出）",
                )),
        )
        .arg(
            Arg::new("output")
                .short('o')
                .long("output")
                .value_name("OUT")
                .value_parser(value_parser!(PathBuf))
                .help(lang.pick(
                    "Write the comparison to OUT (replaced atomically; its extension picks the format); - or none: standard output",
                    "对比结果写入 OUT 文件（原子替换；扩展名决定格式）；- 或不给：标准输出",
                )),
        )
        .arg(
            Arg::new("format")
                .long("format")
                .value_name("csv|json|jsonl|md|xlsx")
                .value_parser(["csv", "json", "jsonl", "md", "xlsx"])
                .hide_possible_values(true)
                .help(lang.pick(
                    "Output format [default: from OUT's extension (.json, .jsonl, .md, .xlsx), else csv; a table on a terminal]",
                    "输出格式［默认：按 OUT 的扩展名（.json、.jsonl、.md、.xlsx），否则 csv；终端上显示对齐的表格］",
                )),
        )
        .arg(
            Arg::new("headings")
                .long("headings")
                .value_name("zh|en")
                .value_parser(["zh", "en"])
                .hide_possible_values(true)
                .help(lang.pick(
                    "Headings of the CSV and of the Markdown's tables of rows: zh (县交通局补助·变更前（元）, …, 有变化 with 是/否) or en (CSV: ids, transport_before, …, changed with true/false; Markdown: names) [default: CSV zh when --lang zh is given, else en (never from the locale); Markdown the language in force]",
                    "CSV 及 Markdown 路段与分组表的列名：zh（县交通局补助·变更前（元）……，有变化 填 是/否）或 en（CSV 为英文标识：transport_before……，changed 填 true/false；Markdown 为英文名称）［默认：CSV 在给出 --lang zh 时为 zh，否则为 en（不随系统语言）；Markdown 随当前语言］",
                )),
        )
        .arg(
            Arg::new("amounts")
                .long("amounts")
                .value_name("元|万元")
                .value_parser(["元", "万元", "yuan", "wan"])
                .hide_possible_values(true)
                .help(lang.pick(
                    "Unit of the amounts in the CSV, the Markdown and the summary: 元 (yuan, two decimals) or 万元 (at least four decimals, as many as needed to stay exact) [default: 元]",
                    "CSV、Markdown 及汇总中金额的单位：元（两位小数）或 万元（至少四位小数，为保持精确按需增加）［默认：元］",
                )),
        )
        .arg(
            Arg::new("keep_going")
                .long("keep-going")
                .action(ArgAction::SetTrue)
                .help(lang.pick(
                    "Write the comparison even if some rows are bad: a row bad under one rule set is written with that side blank, one bad under both is left out (still exit 1)",
                    "即使有错误行也写出对比结果：仅在一套规则下出错的行照写，该侧留空；两套规则下均出错的行不写出（退出码仍为 1）",
                )),
        )
        .arg(super::sheet_arg(lang))
        .arg(super::excel_arg(lang))
        .arg(super::input_encoding_arg(lang))
        .arg(super::output_encoding_arg(lang))
        .arg(super::as_of_arg(lang))
        .args(super::header_args(lang))
}

/// `--sheet` chooses a workbook's sheet; on a CSV table it would be silently ignored, so each
/// such table is named once (a batch run says it in the same words).
pub(super) fn warn_sheet_on_tables(m: &ArgMatches, files: &[&PathBuf], lang: Lang) {
    if m.get_one::<String>("sheet").is_none() {
        return;
    }
    for path in files.iter().filter(|p| !is_workbook(p)) {
        let name = match path.as_os_str() == "-" {
            true => lang.pick("<stdin>", "<标准输入>").to_string(),
            false => path.display().to_string(),
        };
        to_stderr(&match lang {
            Lang::En => format!(
                "roadsub: warning: --sheet applies to workbooks only; {name} is not one and is read as a CSV table\n"
            ),
            Lang::Zh => format!(
                "roadsub: 警告：--sheet 只用于 Excel 工作簿；{name} 不是工作簿，按 CSV 表格读取\n"
            ),
        });
    }
}

/// Without `--sheet`, a workbook whose other visible sheets hold segment tables too is read
/// for its first one only: said of each such workbook, naming those sheets, so that their
/// rows do not go unread unseen (a sheet per township was left out with no word).
pub(super) fn warn_other_tables(
    sheet: Option<&str>,
    files: &[&PathBuf],
    header: &crate::table::HeaderOptions,
    lang: Lang,
) {
    if sheet.is_some() {
        return;
    }
    for path in files.iter().filter(|p| is_workbook(p)) {
        let tables = crate::table::workbook::others::tables_in(path, header);
        let name = path.display().to_string();
        if let Some(said) = crate::table::workbook::others::said(&name, &tables, false, lang) {
            to_stderr(&format!(
                "roadsub: {}{said}\n",
                lang.pick("warning: ", "警告：")
            ));
        }
    }
}

/// Refuses a table given twice (by one name, or two names of one file): its rows would be
/// read twice, each repeating ids "on an earlier row" that is itself.
pub(super) fn refuse_twice(files: &[&PathBuf], lang: Lang) -> Result<(), Failure> {
    // Standard input (`-`) is the file `/dev/stdin` names: given also by a name (`/dev/fd/0`,
    // or the file redirected to it), it is one table given twice. (`-` twice is refused
    // where standard input is read: it can be read only once.)
    let named = |p: &PathBuf| -> PathBuf {
        if p.as_os_str() == "-" && cfg!(unix) {
            PathBuf::from("/dev/stdin")
        } else {
            p.to_path_buf()
        }
    };
    for (j, later) in files.iter().enumerate() {
        let earlier = files[..j].iter().find(|e| {
            !(e.as_os_str() == "-" && later.as_os_str() == "-")
                && crate::table::replace::is_same_file(&named(e), &named(later))
        });
        if let Some(earlier) = earlier {
            let shown = |p: &PathBuf| match p.as_os_str() == "-" {
                true => lang.pick("standard input (-)", "标准输入（-）").to_string(),
                false => p.display().to_string(),
            };
            let (a, b) = (shown(earlier), shown(later));
            return Err(usage(match (lang, a == b) {
                (Lang::En, true) => format!("{a} is given twice; give each table once"),
                (Lang::Zh, true) => format!("{a} 给出了两次；每个表格只需给出一次"),
                (Lang::En, false) => {
                    format!("{b} is {a} again (one file, two names); give each table once")
                }
                (Lang::Zh, false) => {
                    format!("{b} 与 {a} 是同一个文件（两个名称）；每个表格只需给出一次")
                }
            }));
        }
    }
    Ok(())
}

fn usage(message: impl Into<String>) -> Failure {
    Failure::new(EXIT_USAGE, message)
}

/// The variant's rules and what it is, in words.
fn variant(m: &ArgMatches, before: &RuleSet, lang: Lang) -> Result<(RuleSet, Variant), Failure> {
    if let Some(path) = m.get_one::<PathBuf>("against") {
        // Loaded as the rules in force are, without the warning about its own self-tests: a
        // variant is expected to change the numbers they pin.
        // Dated as a batch run under it would be: by --as-of when given (both sides are), else
        // by its own effective date, which the description names when it differs.
        let mut after = load_rules(Some(path), lang)?;
        if let Some(day) = super::as_of_day(m, lang)? {
            after.set_as_of(day);
        }
        let mut lines = vec![match lang {
            Lang::En => format!(
                "the rules in {} ({})",
                path.display(),
                after.meta.display_name(lang)
            ),
            Lang::Zh => format!(
                "规则文件 {}（{}）",
                path.display(),
                after.meta.display_name(lang)
            ),
        }];
        lines.extend(describe::differences(before, &after, lang));
        return Ok((
            after,
            Variant {
                kind: "against",
                given: vec![path.display().to_string()],
                lines,
            },
        ));
    }
    let texts: Vec<&String> = m.get_many::<String>("set").into_iter().flatten().collect();
    if texts.is_empty() {
        return Err(usage(lang.pick(
            "compare needs a variant: --against RULES (another rules file) or --set FUND.CLASS.WIDTH=RATE (like poverty.group.3.5=15万)",
            "compare 需要对比规则：--against 规则文件，或 --set 资金.类别.宽度=标准（如 poverty.group.3.5=15万）",
        )));
    }
    let settings = texts
        .iter()
        .map(|t| Setting::parse(t))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| usage(e.render(lang)))?;
    let (after, changes) = before
        .with_settings(&settings)
        .map_err(|e| usage(e.render(lang)))?;
    Ok((
        after,
        Variant {
            kind: "set",
            given: texts.iter().map(|t| t.to_string()).collect(),
            lines: changes.iter().map(|c| c.describe(before, lang)).collect(),
        },
    ))
}

/// Where the comparison goes.
enum Out {
    File(PathBuf),
    /// Standard output; a table for a person when it is a terminal and no form was asked for.
    Stdout {
        terminal: bool,
    },
}

/// How the comparison's text is written: `--excel`, `--encoding gbk`, and the headings
/// (`--headings`) and unit of amounts (`--amounts`) of the CSV and the Markdown (the unit is
/// the summary's too).
#[derive(Clone, Copy)]
struct Style {
    excel: bool,
    gbk: bool,
    headings: Lang,
    unit: Unit,
}

/// The output's format and text style, checked for combinations that make no sense (as a
/// batch run checks them).
fn format_and_style(
    m: &ArgMatches,
    output: Option<&PathBuf>,
    lang: Lang,
) -> Result<(Format, Style), Failure> {
    super::batch_cmd::refuse_foreign_output(m, output, lang)?;
    let format = match m.get_one::<String>("format") {
        Some(name) => Format::from_name(name).unwrap_or(Format::Csv),
        None => output.map_or(Format::Csv, |p| Format::from_path(p)),
    };
    let style = Style {
        excel: m.get_flag("excel"),
        gbk: super::gbk_output(m),
        // The headings follow the batch run's rule: a CSV's Chinese only when asked for on the
        // command line, never from the locale alone, so a script keeps the ids it reads; a
        // Markdown report's in the language in force.
        headings: super::batch_cmd::headings(m, lang, format, false),
        unit: super::batch_cmd::amounts(m),
    };
    // Programs read JSON and a workbook holds numbers: both keep ids and yuan, as in batch.
    let csv_only = |what: &str| {
        match format {
        Format::Json | Format::Jsonl | Format::Xlsx => Some(match lang {
            Lang::En => format!(
                "{what} applies to CSV and Markdown only: JSON keeps ids and yuan, and an Excel comparison is headed in the --lang language with amounts in yuan"
            ),
            Lang::Zh => format!(
                "{what} 只用于 CSV 和 Markdown：JSON 始终使用英文标识、以元为单位，Excel 对比报表的列名随 --lang、金额以元为单位"
            ),
        }),
        Format::Markdown | Format::Csv => None,
    }
    };
    if style.unit == Unit::Wan {
        if let Some(message) = csv_only("--amounts 万元") {
            return Err(usage(message));
        }
    }
    if m.get_one::<String>("headings").is_some() {
        if let Some(message) = csv_only("--headings") {
            return Err(usage(message));
        }
    }
    if style.gbk && matches!(format, Format::Json | Format::Jsonl) {
        return Err(usage(lang.pick(
            "JSON is always UTF-8: --encoding gbk applies to CSV and Markdown only",
            "JSON 总是 UTF-8：--encoding gbk 只用于 CSV 和 Markdown",
        )));
    }
    if format == Format::Xlsx && output.is_none() {
        return Err(usage(lang.pick(
            "an Excel report is a file: give -o what-if.xlsx",
            "Excel 报表需要写入文件：请用 -o what-if.xlsx",
        )));
    }
    if style.gbk && format == Format::Xlsx {
        return Err(usage(lang.pick(
            "--encoding applies to CSV and Markdown only",
            "--encoding 只用于 CSV 和 Markdown",
        )));
    }
    if style.excel && format != Format::Csv {
        return Err(usage(lang.pick(
            "--excel applies to CSV output only",
            "--excel 只用于 CSV 输出",
        )));
    }
    Ok((format, style))
}

/// Refuses `-o` naming a rules file the run reads (the rules in force, or the variant's): it
/// would be replaced by the comparison, as an input table would.
pub(super) fn refuse_output_over_rules(
    output: &Path,
    rules: &[(&Path, bool)],
    lang: Lang,
) -> Result<(), Failure> {
    for &(path, variant) in rules {
        if is_same_file(path, output) {
            let (out, r) = (output.display(), path.display());
            return Err(usage(match (lang, variant) {
                (Lang::En, false) => {
                    format!("-o {out} is the rules file ({r}); choose another output file")
                }
                (Lang::Zh, false) => format!("-o {out} 是规则文件（{r}）；请换一个输出文件"),
                (Lang::En, true) => format!(
                    "-o {out} is the variant's rules file ({r}); choose another output file"
                ),
                (Lang::Zh, true) => {
                    format!("-o {out} 是对比规则文件（{r}）；请换一个输出文件")
                }
            }));
        }
    }
    Ok(())
}

/// The rules files a run reads: `--rules` (or `./rules.toml` when it is used), and the
/// variant's (`--against`).
pub(super) fn rules_files(m: &ArgMatches, against: bool) -> Vec<(PathBuf, bool)> {
    let mut files = Vec::new();
    match m.get_one::<PathBuf>("rules") {
        Some(p) => files.push((p.clone(), false)),
        None if Path::new("rules.toml").is_file() => files.push(("rules.toml".into(), false)),
        None => {}
    }
    if against {
        if let Some(p) = m.get_one::<PathBuf>("against") {
            files.push((p.clone(), true));
        }
    }
    files
}

/// A user's column under a computed column's name (or a fund's, under either rule set) would
/// be taken for the comparison's own, and one of two columns of one fund's approved amount
/// would be chosen silently: refused, as a batch run refuses them.
/// Why table `label` is not read, when its columns clash with either side's rules (a
/// column named as one roadsub computes, say), as a batch run says it of a table it does not
/// read.
fn clashes_said(
    label: &str,
    columns: &crate::table::Columns,
    (before, after): (&RuleSet, &RuleSet),
    lang: Lang,
) -> Option<String> {
    let other = columns.for_other_rules();
    for (side, rules, columns) in [
        (Side::Before, before, columns),
        (Side::After, after, &other),
    ] {
        let mut problems = crate::report::layout::clashes(columns, rules);
        problems.extend(columns.approved_problems(rules));
        if !problems.is_empty() {
            let e = TableError::Header {
                problems,
                found: columns.names.clone(),
            };
            let message = e.render(label, lang);
            return Some(match side {
                Side::Before => message,
                Side::After => format!("{}{message}", side_prefix(side, lang)),
            });
        }
    }
    None
}

pub(super) fn run(m: &ArgMatches, lang: Lang) -> Result<u8, Failure> {
    let output = m
        .get_one::<PathBuf>("output")
        .filter(|p| p.as_os_str() != "-");
    // However the run ends, a reader waiting on a FIFO named by -o is let go.
    let _release = Hangup::for_output(output.map(PathBuf::as_path));
    super::refuse_closed_stdout(Some(output.map(PathBuf::as_path)), lang)?;
    if let Some(out) = output {
        let files = rules_files(m, true);
        let files: Vec<(&Path, bool)> = files.iter().map(|(p, v)| (p.as_path(), *v)).collect();
        refuse_output_over_rules(out, &files, lang)?;
        super::refuse_output_open_for_reading(out, lang)?;
    }
    let before = load_rules_as_of(m, lang)?;
    let (after, variant) = variant(m, &before, lang)?;
    let (format, style) = format_and_style(m, output, lang)?;
    let files: Vec<&PathBuf> = m.get_many::<PathBuf>("files").expect("required").collect();
    warn_sheet_on_tables(m, &files, lang);
    refuse_twice(&files, lang)?;
    let mut reading = Reading {
        files: &files,
        copies: Vec::new(),
        output,
        sheet: m.get_one::<String>("sheet").map(String::as_str),
        encoding: super::encoding_of(m, "input_encoding"),
        header: &super::header_options(m, lang)?,
        lang,
    };
    warn_other_tables(reading.sheet, &files, reading.header, lang);
    // Removed when the run ends.
    let _copies = reading.copy_what_reads_once()?;
    let reading = reading;
    // --headings and --amounts, as --excel and --encoding, are about the written rows:
    // asking for them is asking for a CSV (unless --format says which), on a terminal too.
    let asked_for_form = m.get_one::<String>("format").is_some()
        || style.excel
        || style.gbk
        || m.get_one::<String>("headings").is_some()
        || m.get_one::<String>("amounts").is_some();
    let out = match output {
        Some(p) => Out::File(p.clone()),
        None => Out::Stdout {
            terminal: stdout_is_terminal() && !asked_for_form,
        },
    };
    let on_terminal = matches!(out, Out::Stdout { terminal: true });
    // A terminal's screen shows as many changed rows as fit, at its width.
    let screen = on_terminal.then(|| {
        let (w, h) = ratatui::crossterm::terminal::size()
            .map_or((100, 40), |(w, h)| (usize::from(w), usize::from(h)));
        (w, h.saturating_sub(8).max(10))
    });
    let form = match (screen, format) {
        (Some((_, limit)), _) => Form::Terminal { limit },
        (None, Format::Jsonl) => Form::Jsonl,
        (None, Format::Json) => Form::Json { variant: &variant },
        (None, Format::Markdown) => Form::Markdown {
            gbk: style.gbk,
            headings: style.headings,
            unit: style.unit,
            changes: &variant.lines,
        },
        (None, _) => Form::Csv {
            excel: style.excel,
            gbk: style.gbk,
            headings: style.headings,
            unit: style.unit,
        },
    };
    // A workbook holds the whole comparison; every other form is written as its rows are
    // computed (Markdown's groups after them, JSON's rows kept aside until its groups are
    // written before them; a terminal's screen keeps only the rows it shows).
    let held = screen.is_none() && format == Format::Xlsx;
    // CSV tables are read as they are computed, as a batch run reads them, unless every row
    // is needed before any can be written: budgets that bind, a workbook.
    let piped = !held
        && !stream::binds(&before)
        && !stream::binds(&after)
        && !files.iter().any(|p| is_workbook(p));
    let mut unread = 0;
    let mut streamed = None;
    if piped {
        let inputs = inputs::CsvInputs::open(&reading, &before, &after);
        let mut sink = RowsOut::for_form(form, &out);
        let named = inputs.named();
        let bytes = inputs.bytes();
        // A sum that does not fit (`None`): made again below from the tables read whole,
        // which are then read quietly (what they had to say is said).
        let read = stream::compare_read(
            &inputs,
            bytes,
            named,
            (&before, &after),
            (form, lang),
            &mut sink,
        )?;
        streamed = read.map(|s| (s, sink));
        unread = inputs.unread();
    }
    let (c, counts, rows_out) = if let Some((s, sink)) = streamed {
        made(s, form, sink, screen, lang)
    } else {
        let (tables, not_read) = reading.load(&before, &after, piped)?;
        if !piped {
            unread = not_read;
        }
        let done = if held {
            let c = compare::compare_grouped(&tables, &before, &after, true)
                .map_err(|e| Failure::new(EXIT_BAD_INPUT, e.render(lang)))?;
            let counts = Counts::of(&c);
            (c, counts, None)
        } else {
            let mut sink = RowsOut::for_form(form, &out);
            let s = stream::compare_streamed(&tables, &before, &after, form, lang, &mut sink)
                .map_err(|e| Failure::new(EXIT_BAD_INPUT, e.render(lang)))?;
            made(s, form, sink, screen, lang)
        };
        drop(tables);
        done
    };
    // The process ends with the command: a comparison's groups (the 187,307 villages of a
    // million rows, each side's in a map of its own) are left to it rather than freed node
    // by node after the output is written (about 0.05 s).
    let c = std::mem::ManuallyDrop::new(c);

    for message in c.messages(lang) {
        to_stderr(&format!("{message}\n"));
    }
    let bad = counts.bad;
    let keep_going = m.get_flag("keep_going");
    let out_name = match &out {
        Out::File(p) => p.display().to_string(),
        Out::Stdout { .. } => lang.pick("standard output", "标准输出").to_string(),
    };
    // As in a batch run: with bad rows and no --keep-going, or when no row is good under
    // either rule set, nothing is written anywhere (an existing -o file is left as it was):
    // a comparison of no rows would replace it with a header and zeros. Rows written as they
    // were computed are thrown away with their temporary file.
    let nothing_good = counts.shown == 0;
    let failed = bad > 0 || unread > 0;
    // A note states another unit than the rows were read in: every row may be wrong.
    let doubt = c.pairs.iter().any(|p| {
        [&p.before, &p.after]
            .into_iter()
            .filter_map(|side| side.as_ref().err())
            .flatten()
            .any(|e| e.problem.puts_units_in_doubt())
    });
    if doubt {
        drop(rows_out);
        to_stderr(&match lang {
            Lang::En => format!(
                "{}; nothing written: {}\n",
                super::problems_said(bad as u64, unread as u64, lang),
                crate::table::Problem::units_in_doubt(lang)
            ),
            Lang::Zh => format!(
                "{}；未写出任何结果：{}\n",
                super::problems_said(bad as u64, unread as u64, lang),
                crate::table::Problem::units_in_doubt(lang)
            ),
        });
        return Ok(EXIT_BAD_INPUT);
    }
    if failed && (!keep_going || nothing_good) {
        drop(rows_out);
        to_stderr(&format!("{}\n", status(&counts, unread, None, lang)));
        return Ok(EXIT_BAD_INPUT);
    }
    let to_file = matches!(&out, Out::File(p) if !names_a_descriptor(p));
    let taken = match (&out, rows_out) {
        (_, Some(Made::Rows(rows))) => rows.commit(&out, lang)?,
        (_, Some(Made::JsonRows(rows))) => json_commit(&c, &variant, rows, &out, lang)?,
        (_, Some(Made::Screen(text))) => to_stdout_taken(text.as_bytes(), lang)?,
        (Out::File(path), None) => write_file(path, &c, &variant, format, style, lang)?,
        (Out::Stdout { .. }, None) => {
            // Never a workbook: that is refused before (a workbook is a file).
            let bytes = render(&c, &variant, format, style, lang, Path::new("."))?;
            to_stdout_taken(&bytes, lang)?
        }
    };
    // A reader that stopped early (`| head`, a named pipe's) is not an error, as for any
    // filter; nothing more is said (no summary, no "wrote … rows"). Bad rows written past
    // under --keep-going were said as they were met, and still end the run with status 1.
    if !taken {
        return Ok(if failed { EXIT_BAD_INPUT } else { EXIT_OK });
    }
    if let Some(line) = crate::report::encode::beyond_gbk_line(lang) {
        to_stderr(&format!("{line}\n"));
    }
    // A person at a terminal gets the summary fitted to its width: after the rows there, or
    // on its own when the comparison went to a file.
    let terminal = match &out {
        Out::Stdout { terminal } => *terminal,
        Out::File(_) => to_file && stdout_is_terminal(),
    };
    let width =
        terminal.then(|| ratatui::crossterm::terminal::size().map_or(100, |(w, _)| usize::from(w)));
    if counts.rows == 0 && !failed {
        to_stderr(&format!("{}\n", super::batch_cmd::no_segments_line(lang)));
        if to_file {
            to_stderr(&format!(
                "{}\n",
                status(&counts, unread, Some(&out_name), lang)
            ));
        }
        return Ok(EXIT_OK);
    }
    let mut summary = match width {
        Some(width) => screen::summary_fit(&c, &variant, lang, style.unit, width),
        None => screen::summary(&c, &variant, lang, style.unit),
    };
    if let Some(s) = c.one_side_sentence(lang) {
        match width {
            Some(width) => summary.push_str(&screen::wrapped(&s, width)),
            None => summary.push_str(&format!("{s}\n")),
        }
    }
    if to_file {
        super::batch_cmd::print_summary(&summary, lang)?;
    } else {
        to_stderr(&format!("\n{summary}"));
    }
    if failed || to_file {
        to_stderr(&format!(
            "{}\n",
            status(&counts, unread, Some(&out_name), lang)
        ));
    }
    Ok(if failed { EXIT_BAD_INPUT } else { EXIT_OK })
}

/// The comparison in `format`, as bytes (an Excel workbook too, its rows waiting in a
/// temporary file made, where the system's folder for them cannot be written, beside
/// `output`): CSV and Markdown in GBK when asked, a CSV for Excel after a byte-order mark.
fn render(
    c: &Comparison,
    variant: &Variant,
    format: Format,
    style: Style,
    lang: Lang,
    output: &Path,
) -> Result<Vec<u8>, Failure> {
    let text = match format {
        Format::Csv => {
            let mut bytes = Vec::new();
            if style.excel && !style.gbk {
                bytes.extend_from_slice("\u{feff}".as_bytes());
            }
            bytes.extend(write::csv(c, lang, style.excel, style.headings, style.unit));
            bytes
        }
        Format::Jsonl => return Ok(write::jsonl(c, lang)),
        Format::Json => {
            let v = write::json(c, variant, lang);
            let mut text = serde_json::to_string_pretty(&v).unwrap_or_default();
            text.push('\n');
            return Ok(text.into_bytes());
        }
        Format::Markdown => {
            write::markdown(c, variant, lang, style.headings, style.unit).into_bytes()
        }
        Format::Xlsx => {
            return book::workbook(c, variant, lang, output).map_err(|e| {
                let message = format!(
                    "{}{}: {}",
                    lang.pick("cannot write ", "无法写入 "),
                    output.display(),
                    lang.xlsx_reason(&e)
                );
                Failure::new(EXIT_BAD_INPUT, message)
            })
        }
    };
    Ok(if style.gbk {
        // The text was made as UTF-8 just above.
        crate::report::encode::gbk_bytes(std::str::from_utf8(&text).unwrap_or_default())
    } else {
        text
    })
}

fn write_file(
    path: &Path,
    c: &Comparison,
    variant: &Variant,
    format: Format,
    style: Style,
    lang: Lang,
) -> Result<bool, Failure> {
    let bytes = render(c, variant, format, style, lang, path)?;
    let cannot = |e: std::io::Error| {
        Failure::new(
            EXIT_BAD_INPUT,
            format!(
                "{}{}: {}",
                lang.pick("cannot write ", "无法写入 "),
                path.display(),
                lang.io_reason(&e)
            ),
        )
    };
    let out = Replacement::new(path, ".tmp").map_err(cannot)?;
    let mut file = out.file();
    file.write_all(&bytes).map_err(cannot)?;
    // Whether it was taken whole: a named pipe or `/dev/stdout` whose reader stopped is no
    // error ([`RowsOut::commit`]).
    match out.commit() {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(false),
        done => done.map(|()| true).map_err(cannot),
    }
}

/// What is made of comparison `s`, written as its rows were computed in `form` to `sink`:
/// the rows with what follows them (Markdown's groups, totals and budgets), a JSON
/// document's rows, or a terminal's screen (`screen`: its width and how many changed rows it
/// shows).
fn made<'r>(
    s: stream::Streamed<'r>,
    form: Form,
    mut sink: RowsOut,
    screen: Option<(usize, usize)>,
    lang: Lang,
) -> (Comparison<'r>, Counts, Option<Made>) {
    let counts = Counts::of_streamed(&s);
    let made = match (form, screen) {
        (Form::Terminal { limit }, Some((width, _))) => {
            let changed: Vec<&compare::Pair> = s.changed.0.iter().collect();
            let shown = screen::Shown {
                changed: &changed,
                changed_rows: s.changed.1,
                rows: s.shown,
            };
            Made::Screen(screen::terminal_of(
                &s.comparison,
                &shown,
                lang,
                width,
                limit,
            ))
        }
        (Form::Json { .. }, _) => Made::JsonRows(sink),
        _ => {
            form.tail_into(&s.comparison, lang, &mut |piece| sink.put(piece));
            Made::Rows(sink)
        }
    };
    (s.comparison, counts, Some(made))
}

/// A comparison written as its rows were computed: the rows in place (or the whole of it),
/// a JSON document's rows kept aside, to be put into the document when it is written, or a
/// terminal's screen.
enum Made {
    Rows(RowsOut),
    JsonRows(RowsOut),
    /// What a terminal shows.
    Screen(String),
}

/// Writes the JSON document of comparison `c` around its `rows` (kept aside as they were
/// computed) to `out`: a file's replacement, renamed into place when whole, or standard
/// output straight (nothing is taken back by then).
fn json_commit(
    c: &Comparison,
    variant: &Variant,
    rows: RowsOut,
    out: &Out,
    lang: Lang,
) -> Result<bool, Failure> {
    let mut sink = match out {
        Out::File(_) => RowsOut::open(out),
        // Buffered: a document's groups come a few hundred bytes at a time (a write each
        // made 187,848 system calls for 200,000 rows).
        Out::Stdout { .. } => RowsOut::to(Ok(RowsTo::Stdout(std::io::BufWriter::with_capacity(
            1 << 20,
            std::io::stdout(),
        )))),
    };
    match rows.read_back() {
        Ok(rows) => {
            if let Err(e) = stream::json_document(c, variant, lang, rows, &mut sink) {
                sink.fail(e);
            }
        }
        Err(e) => sink.fail(e),
    }
    sink.commit(out, lang)
}

/// Where rows written as they are computed go: a file's replacement beside it (renamed into
/// place only at [`RowsOut::commit`]), or, for standard output, which cannot be taken back, a
/// temporary file copied out at the end. The first error met is kept and said only if the
/// comparison is to be written: a run that fails for bad rows says that, as before any row
/// was written.
struct RowsOut {
    to: Result<RowsTo, std::io::Error>,
    /// Bytes written, and how many of them the disk has been asked to take already.
    written: u64,
    started: u64,
}

enum RowsTo {
    File(Replacement),
    Spool(std::fs::File),
    /// Rows for standard output held in memory: no temporary file could be made (an unusable
    /// `$TMPDIR`), and standard output is still written, as a comparison held whole was.
    Memory(Vec<u8>),
    /// Standard output itself, for what is written only once it is to be kept (a JSON
    /// document put together around its rows).
    Stdout(std::io::BufWriter<std::io::Stdout>),
}

impl RowsOut {
    /// Rows to `to`, none written yet.
    fn to(to: Result<RowsTo, std::io::Error>) -> RowsOut {
        RowsOut {
            to,
            written: 0,
            started: 0,
        }
    }

    fn open(out: &Out) -> RowsOut {
        let to = match out {
            Out::File(path) => Replacement::new(path, ".tmp").map(RowsTo::File),
            Out::Stdout { .. } => Ok(tempfile::tempfile_in(crate::table::replace::temp_folder())
                .map(RowsTo::Spool)
                .unwrap_or(RowsTo::Memory(Vec::new()))),
        };
        RowsOut::to(to)
    }

    /// Where `form`'s rows for `out` go: a JSON document's kept aside ([`RowsOut::spool`]),
    /// a terminal's nowhere (its form writes none: held in memory, empty), the others'
    /// towards `out` ([`RowsOut::open`]).
    fn for_form(form: Form, out: &Out) -> RowsOut {
        match form {
            Form::Json { .. } => RowsOut::spool(),
            Form::Terminal { .. } => RowsOut::to(Ok(RowsTo::Memory(Vec::new()))),
            _ => RowsOut::open(out),
        }
    }

    /// Rows kept aside to be read back ([`RowsOut::read_back`]): in a temporary file, or in
    /// memory when none can be made.
    fn spool() -> RowsOut {
        RowsOut::open(&Out::Stdout { terminal: false })
    }

    /// What was put, to be read from its start, and how many bytes it is; the first error
    /// met putting it.
    fn read_back(self) -> std::io::Result<(stream::Kept<std::io::Cursor<Vec<u8>>>, u64)> {
        match self.to? {
            RowsTo::Memory(held) => {
                let n = held.len() as u64;
                Ok((stream::Kept::Read(std::io::Cursor::new(held)), n))
            }
            RowsTo::Spool(mut spool) => {
                spool.rewind()?;
                Ok((stream::Kept::Spool(spool), self.written))
            }
            RowsTo::File(r) => {
                let mut file = r.file().try_clone()?;
                file.rewind()?;
                Ok((stream::Kept::File(file), self.written))
            }
            RowsTo::Stdout(_) => Err(std::io::Error::other("standard output cannot be read")),
        }
    }

    /// What a temporary file of rows holds (the bytes put without error), read back into
    /// memory; `None` for any other destination, or when it cannot be read.
    fn spooled_in_memory(&mut self) -> Option<Vec<u8>> {
        let Ok(RowsTo::Spool(spool)) = &mut self.to else {
            return None;
        };
        let mut held = Vec::new();
        spool.rewind().ok()?;
        std::io::Read::read_to_end(
            &mut std::io::Read::take(&mut *spool, self.written),
            &mut held,
        )
        .ok()?;
        (held.len() as u64 == self.written).then_some(held)
    }

    fn file(&self) -> Option<&std::fs::File> {
        match &self.to {
            Ok(RowsTo::File(r)) => Some(r.file()),
            Ok(RowsTo::Spool(f)) => Some(f),
            Ok(RowsTo::Memory(_) | RowsTo::Stdout(_)) | Err(_) => None,
        }
    }

    fn fail(&mut self, e: std::io::Error) {
        if self.to.is_ok() {
            self.to = Err(e);
        }
    }

    /// [`Sink::put_file`]: into a file, the system copies the bytes from file to file
    /// (`copy_file_range` on Linux: they are not read into the process and written back;
    /// same-disk copies of a gigabyte took 0.5 s against 1.7-2.1 s read and written, timed
    /// apart from a run). A spool's pieces are freed once copied (`spool`,
    /// [`copy_spool`](crate::table::replace::copy_spool)), and the disk is asked to take
    /// each as it is copied: asked for the whole gigabyte at the end, the request took
    /// 0.47 s on its own (`strace -T`), a piece at a time 0.1 s in all.
    fn copy_in(&mut self, from: &mut std::fs::File, len: u64, spool: bool) -> std::io::Result<()> {
        let Ok(RowsTo::File(out)) = &self.to else {
            return stream::put_read(self, &mut std::io::Read::take(from, len));
        };
        out.make_room(self.written + len);
        let file = out.file();
        let mut to = file;
        let copied = match spool {
            true => {
                // What is written before the rows, then each piece copied.
                start_writeback(file, self.started, self.written - self.started);
                let mut at = self.written;
                let started = |n| {
                    start_writeback(file, at, n);
                    at += n;
                };
                crate::table::replace::copy_spool(from, &mut to, len, true, started)
            }
            false => std::io::copy(&mut std::io::Read::take(&*from, len), &mut to).inspect(|_| {
                start_writeback(file, self.started, self.written + len - self.started);
            }),
        };
        let copied = match copied {
            Ok(n) if n == len => Ok(()),
            Ok(_) => Err(std::io::ErrorKind::UnexpectedEof.into()),
            Err(e) => Err(out.write_error(e)),
        };
        match copied {
            Ok(()) => {
                self.written += len;
                self.started = self.written;
            }
            Err(e) => self.fail(e),
        }
        Ok(())
    }

    /// Puts the rows in place: the file takes the output's place, or the spooled rows are
    /// copied to standard output. Whether they were taken whole: a closed pipe (`| head`, or a
    /// named pipe or `/dev/stdout` whose reader stopped) is no error, as for any filter and as
    /// a batch run has it, but no rows are said to be written there.
    fn commit(self, out: &Out, lang: Lang) -> Result<bool, Failure> {
        let cannot = |e: &std::io::Error| {
            let name = match out {
                Out::File(path) => path.display().to_string(),
                Out::Stdout { .. } => lang.pick("<stdout>", "<标准输出>").to_string(),
            };
            Failure::new(
                EXIT_BAD_INPUT,
                format!(
                    "{}{name}: {}",
                    lang.pick("cannot write ", "无法写入 "),
                    lang.io_reason(e)
                ),
            )
        };
        // Only a pipe says so.
        let taken = |done: std::io::Result<()>| match done {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(false),
            Err(e) => Err(cannot(&e)),
            Ok(()) => Ok(true),
        };
        let to = match self.to {
            Err(e) => return taken(Err(e)),
            Ok(to) => to,
        };
        match to {
            RowsTo::File(r) => taken(r.commit()),
            RowsTo::Stdout(mut stdout) => taken(stdout.flush()),
            RowsTo::Spool(mut spool) => taken(spool.rewind().and_then(|_| {
                crate::table::replace::copy_spool_out(&mut spool, std::io::stdout().lock())
            })),
            RowsTo::Memory(bytes) => to_stdout_taken(&bytes, lang),
        }
    }
}

impl Sink for RowsOut {
    fn put(&mut self, bytes: &[u8]) {
        if let Ok(RowsTo::Memory(held)) = &mut self.to {
            if let Err(e) = crate::batch::hold(held, bytes) {
                self.fail(e);
            }
            return;
        }
        if let Ok(RowsTo::Stdout(stdout)) = &mut self.to {
            if let Err(e) = stdout.write_all(bytes) {
                self.fail(e);
            }
            return;
        }
        if let Ok(RowsTo::File(out)) = &self.to {
            out.make_room(self.written + bytes.len() as u64);
        }
        let Some(mut file) = self.file() else {
            return;
        };
        if let Err(e) = file.write_all(bytes) {
            // Rows kept aside for standard output go on in memory when their temporary file
            // cannot take them (its disk full), as when none can be made.
            if let Some(mut held) = self.spooled_in_memory() {
                self.to = crate::batch::hold(&mut held, bytes).map(|()| RowsTo::Memory(held));
                return;
            }
            let e = match &self.to {
                Ok(RowsTo::File(r)) => r.write_error(e),
                _ => e,
            };
            return self.fail(e);
        }
        self.written += bytes.len() as u64;
        if self.written - self.started >= WRITEBACK_BYTES {
            if let Some(file) = self
                .file()
                .filter(|_| matches!(self.to, Ok(RowsTo::File(_))))
            {
                start_writeback(file, self.started, self.written - self.started);
            }
            self.started = self.written;
        }
    }

    /// Into a file, the system copies them ([`RowsOut::copy_in`]).
    fn put_file(&mut self, from: &mut std::fs::File, len: u64) -> std::io::Result<()> {
        self.copy_in(from, len, false)
    }

    fn put_spool(&mut self, mut spool: std::fs::File, len: u64) -> std::io::Result<()> {
        self.copy_in(&mut spool, len, true)
    }

    fn again(&mut self) {
        if let Ok(RowsTo::Memory(held)) = &mut self.to {
            return held.clear();
        }
        // Standard output is written only what is to be kept: nothing is taken back.
        if let Ok(RowsTo::Stdout(_)) = &self.to {
            return;
        }
        let Some(mut file) = self.file() else {
            return;
        };
        if let Err(e) = file.set_len(0).and_then(|_| file.rewind()) {
            self.fail(e);
        }
        self.written = 0;
        self.started = 0;
    }
}

/// How many rows a comparison has, of each kind the last line counts.
struct Counts {
    /// Rows compared (totals rows left out).
    rows: usize,
    /// Rows computed under at least one side (those written).
    shown: usize,
    /// Rows bad under either side.
    bad: usize,
    /// Rows shown with one side left blank.
    blank: usize,
}

impl Counts {
    /// The counts of a comparison whose rows were written as they were computed.
    fn of_streamed(s: &stream::Streamed) -> Counts {
        Counts {
            rows: s.rows,
            shown: s.shown,
            bad: s.comparison.pairs.len(),
            blank: s.comparison.pairs.iter().filter(|p| p.shown()).count(),
        }
    }

    /// The counts of a comparison holding every row.
    fn of(c: &Comparison) -> Counts {
        Counts {
            rows: c.pairs.len(),
            shown: c.shown().count(),
            bad: c.pairs.iter().filter(|p| p.bad()).count(),
            blank: c.shown().filter(|p| p.bad()).count(),
        }
    }
}

/// The last line: what was written, or why nothing was (`written`: where, when it was).
/// (`unread`: tables not read because their columns are not the first's.)
fn status(counts: &Counts, unread: usize, written: Option<&str>, lang: Lang) -> String {
    let Counts {
        rows,
        shown,
        bad,
        blank,
    } = *counts;
    let left_out = rows - shown;
    let problems = super::problems_said(bad as u64, unread as u64, lang);
    let rows = super::plural(shown as u64, "row", "rows");
    // In Chinese a file's path stands apart from the words around it; 标准输出 is a word and
    // joins the sentence ("写出 2 行到标准输出"), as batch says it.
    let to_zh = |to: &str| match to {
        "标准输出" => format!("到{to}"),
        _ => format!("到 {to}"),
    };
    match (written, bad + unread, lang) {
        (Some(to), 0, Lang::En) => format!("wrote {shown} {rows} to {to}"),
        (Some(to), 0, Lang::Zh) => format!("已写出 {shown} 行{}", to_zh(to)),
        (Some(to), _, Lang::En) => format!(
            "{problems}; wrote {shown} {rows} to {to} ({blank} with one side left blank; {left_out} bad under both left out)"
        ),
        (Some(to), _, Lang::Zh) => format!(
            "{problems}；已写出 {shown} 行{}（其中 {blank} 行一侧留空；{left_out} 行两侧均出错，未写出）",
            to_zh(to)
        ),
        // No row is good under either side: --keep-going has nothing to write either.
        (None, _, Lang::En) if shown == 0 => format!("{problems}; nothing written"),
        (None, _, Lang::Zh) if shown == 0 => format!("{problems}；未写出任何结果"),
        // Only tables not read: --keep-going compares the others, as batch writes them.
        (None, _, Lang::En) if bad == 0 => format!(
            "{problems}; nothing written ({}, or use --keep-going to compare the tables read)",
            super::fix_them(bad as u64, unread as u64)
        ),
        (None, _, Lang::Zh) if bad == 0 => {
            format!("{problems}；未写出任何结果（请修正，或用 --keep-going 对比已读取的表）")
        }
        (None, _, Lang::En) => format!(
            "{problems}; nothing written ({}, or use --keep-going to write the comparison anyway: a row bad under one rule set with that side blank, one bad under both left out)",
            super::fix_them(bad as u64, unread as u64)
        ),
        (None, _, Lang::Zh) => format!(
            "{problems}；未写出任何结果（请修正，或用 --keep-going 照样写出对比结果：仅在一套规则下出错的行该侧留空，两侧均出错的行不写出）"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_copied_from_file_to_file_are_the_rows_read_and_put() {
        // A JSON document's rows, kept aside in a temporary file, are copied into the document
        // by the system (`put_file`) instead of read and written back a piece at a time: the
        // same bytes, from where the temporary file stands, counted as written.
        let dir = tempfile::tempdir().unwrap();
        let spool_path = dir.path().join("spool");
        let rows: String = (0..5000).map(|i| format!(",row {i}\n")).collect();
        std::fs::write(&spool_path, &rows).unwrap();
        let out = Out::File(dir.path().join("out.json"));
        let mut sink = RowsOut::open(&out);
        sink.put(b"head [");
        let mut spool = std::fs::File::open(&spool_path).unwrap();
        std::io::Seek::seek(&mut spool, std::io::SeekFrom::Start(1)).unwrap();
        let len = rows.len() as u64 - 1;
        sink.put_file(&mut spool, len).unwrap();
        sink.put(b"] tail");
        assert_eq!(sink.written, 6 + len + 6);
        assert!(sink.commit(&out, Lang::En).unwrap());
        let written = std::fs::read_to_string(dir.path().join("out.json")).unwrap();
        assert_eq!(written, format!("head [{}] tail", &rows[1..]));

        // A spool of the process's own (as a run's rows are kept): the same document.
        let mut sink = RowsOut::open(&out);
        sink.put(b"head [");
        let mut spool = tempfile::tempfile().unwrap();
        spool.write_all(rows.as_bytes()).unwrap();
        std::io::Seek::seek(&mut spool, std::io::SeekFrom::Start(1)).unwrap();
        sink.put_spool(spool, len).unwrap();
        sink.put(b"] tail");
        assert_eq!(sink.written, 6 + len + 6);
        assert!(sink.commit(&out, Lang::En).unwrap());
        assert_eq!(
            std::fs::read_to_string(dir.path().join("out.json")).unwrap(),
            written
        );

        // Fewer bytes than asked for: the document is not written, and nothing is left.
        let mut sink = RowsOut::open(&out);
        sink.put(b"head [");
        let mut spool = std::fs::File::open(&spool_path).unwrap();
        sink.put_file(&mut spool, rows.len() as u64 + 1).unwrap();
        let failed = sink.commit(&out, Lang::En).unwrap_err();
        assert!(
            failed.message.starts_with("cannot write "),
            "{}",
            failed.message
        );
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 2, "only the spool and the first document");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("out.json")).unwrap(),
            written
        );
    }

    #[test]
    fn rows_kept_aside_go_on_in_memory_when_their_temporary_file_cannot_take_more() {
        // The defect: with $TMPDIR's disk full, a comparison to standard output ended
        // "cannot write <stdout>: the disk is full" and wrote nothing, where a comparison held
        // whole had been written. A file that refuses writes stands for the full disk.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("spool");
        std::fs::write(&path, b"head\n").unwrap();
        let refusing = std::fs::File::open(&path).unwrap();
        let mut rows = RowsOut {
            to: Ok(RowsTo::Spool(refusing)),
            written: 5,
            started: 0,
        };
        rows.put(b"row 1\n");
        rows.put(b"row 2\n");
        let (back, n) = rows.read_back().unwrap();
        let stream::Kept::Read(mut back) = back else {
            panic!("the rows are held in memory");
        };
        let mut text = String::new();
        std::io::Read::read_to_string(&mut back, &mut text).unwrap();
        assert_eq!((text.as_str(), n), ("head\nrow 1\nrow 2\n", 17));
    }
}
