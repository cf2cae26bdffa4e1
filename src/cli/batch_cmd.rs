//! `roadsub batch FILE... [-o OUT] [--keep-going] [--summary] [--by township|village|class]…
//! [--headings zh|en] [--amounts 元|万元]`.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use clap::{value_parser, Arg, ArgAction, ArgMatches, Command};

use super::{
    help_flag, load_rules_as_of, plural, stdout_is_terminal, to_stderr, Failure, EXIT_BAD_INPUT,
    EXIT_OK, EXIT_USAGE,
};
use crate::batch::{
    self, BatchError, Destination, Format, GroupBy, Input, Options, Presentation, TextFormat,
    TextStyle, Unit, TERMINAL_ROWS,
};
use crate::i18n::Lang;
use crate::table::replace::{names_a_descriptor, Hangup};

pub(super) fn command(lang: Lang) -> Command {
    Command::new("batch")
        .about(lang.pick(
            "Compute every segment of one or more tables (CSV or Excel) and write the results",
            "计算一个或多个表格（CSV 或 Excel）中的全部路段并写出结果",
        ))
        .disable_help_flag(true)
        .help_template(super::help_template(lang))
        .next_help_heading(lang.pick("Options", "选项"))
        .arg(help_flag(lang))
        .arg(
            Arg::new("files")
                .value_name("FILE")
                .required(true)
                .num_args(1..)
                .value_parser(value_parser!(PathBuf))
                .help(lang.pick(
                    "Segment tables: CSV (UTF-8 or GBK) or Excel (.xlsx, .xls, .ods); - reads standard input",
                    "路段表：CSV（UTF-8 或 GBK）或 Excel（.xlsx、.xls、.ods）；- 表示标准输入",
                )),
        )
        .arg(
            Arg::new("output")
                .short('o')
                .long("output")
                .value_name("OUT")
                .value_parser(value_parser!(PathBuf))
                .help(lang.pick(
                    "Write the results to OUT (replaced atomically; its extension picks the format, see --format); - or none: standard output",
                    "结果写入 OUT 文件（原子替换；扩展名决定格式，见 --format）；- 或不给：标准输出",
                )),
        )
        .arg(
            Arg::new("keep_going")
                .long("keep-going")
                .action(ArgAction::SetTrue)
                .help(lang.pick(
                    "Write the good rows even if some rows are bad (still exit 1)",
                    "即使有错误行也写出正确的行（退出码仍为 1）",
                )),
        )
        .arg(
            Arg::new("summary")
                .long("summary")
                .action(ArgAction::SetTrue)
                .help(lang.pick(
                    "Print totals per fund, km and budget use (to stderr when results go to stdout)",
                    "显示各资金合计、里程与预算使用（结果写到标准输出时显示在标准错误）",
                )),
        )
        .arg(
            Arg::new("by")
                .long("by")
                .value_name("township|village|class")
                .value_parser(Trimmed(
                    clap::builder::PossibleValuesParser::new(["township", "village", "class"]),
                    lang,
                ))
                .value_delimiter(',')
                .action(ArgAction::Append)
                .hide_possible_values(true)
                .help(lang.pick("Also total per township, village or class; several in order: --by township,village (implies --summary)", "另按乡镇、村或道路类别汇总；可按顺序给多个：--by township,village（含 --summary）")),
        )
        .arg(
            Arg::new("headings")
                .long("headings")
                .value_name("zh|en")
                .value_parser(["zh", "en"])
                .hide_possible_values(true)
                .help(lang.pick(
                    "Headings of the computed columns in CSV, Markdown and the terminal table: zh (县交通局补助（元）, 补助合计（元）, …) or en (their ids) [default: CSV zh when --lang zh is given, else en (never from the locale); Markdown and the terminal table in the language in force]",
                    "CSV、Markdown 与终端表格中计算列的列名：zh（县交通局补助（元）、补助合计（元）……）或 en（英文标识）［默认：CSV 在给出 --lang zh 时为 zh，否则为 en（不随系统语言）；Markdown 与终端表格随界面语言］",
                )),
        )
        .arg(
            Arg::new("amounts")
                .long("amounts")
                .value_name("元|万元")
                .value_parser(["元", "万元", "yuan", "wan"])
                .hide_possible_values(true)
                .help(lang.pick(
                    "Unit of the computed amounts in CSV, Markdown, the terminal table and the summary: 元 (yuan, two decimals) or 万元 (at least four decimals, as many as needed to stay exact) [default: 元]",
                    "CSV、Markdown、终端表格与汇总中计算金额的单位：元（两位小数）或 万元（至少四位小数，为保持精确按需增加）［默认：元］",
                )),
        )
        .arg(
            Arg::new("format")
                .long("format")
                .value_name("csv|json|jsonl|md|xlsx")
                .value_parser(["csv", "json", "jsonl", "md", "xlsx"])
                .hide_possible_values(true)
                .help(lang.pick(
                    "Output format [default: from OUT's extension (.json, .jsonl, .md, .xlsx), else csv]",
                    "输出格式［默认：按 OUT 的扩展名（.json、.jsonl、.md、.xlsx），否则 csv］",
                )),
        )
        .arg(super::sheet_arg(lang))
        .arg(super::excel_arg(lang))
        .arg(super::input_encoding_arg(lang))
        .arg(super::output_encoding_arg(lang))
        .args(super::header_args(lang))
        .arg(super::as_of_arg(lang))
}

pub(super) fn run(m: &ArgMatches, lang: Lang) -> Result<u8, Failure> {
    // First, before anything can fail: however the run ends, a reader waiting on a FIFO named
    // by -o is let go when this is dropped (an early return, an error, a panic).
    let _release = Hangup::for_output(m.get_one::<PathBuf>("output").map(PathBuf::as_path));
    let output = m.get_one::<PathBuf>("output").map(PathBuf::as_path);
    super::refuse_closed_stdout(Some(output), lang)?;
    // Before the rules are read: -o naming them would replace them with the results.
    if let Some(out) = m
        .get_one::<PathBuf>("output")
        .filter(|p| p.as_os_str() != "-")
    {
        let files = super::compare_cmd::rules_files(m, false);
        let files: Vec<(&std::path::Path, bool)> =
            files.iter().map(|(p, v)| (p.as_path(), *v)).collect();
        super::compare_cmd::refuse_output_over_rules(out, &files, lang)?;
    }
    let rules = load_rules_as_of(m, lang)?;
    let stdin_label = lang.pick("<stdin>", "<标准输入>");
    let files: Vec<&PathBuf> = m.get_many::<PathBuf>("files").expect("required").collect();
    if files.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        return Err(Failure::new(
            EXIT_USAGE,
            lang.pick(
                "standard input (-) can be read only once",
                "标准输入（-）只能读取一次",
            ),
        ));
    }
    super::compare_cmd::warn_sheet_on_tables(m, &files, lang);
    super::compare_cmd::refuse_twice(&files, lang)?;
    let encoding = super::encoding_of(m, "input_encoding");
    let header = super::header_options(m, lang)?;
    let sheet = m.get_one::<String>("sheet").map(String::as_str);
    super::compare_cmd::warn_other_tables(sheet, &files, &header, lang);
    let inputs: Vec<Input> = files
        .iter()
        .map(|p| {
            if p.as_os_str() == "-" {
                Input {
                    label: stdin_label.to_string(),
                    path: None,
                    encoding,
                }
            } else {
                Input {
                    label: p.display().to_string(),
                    path: Some(p.to_path_buf()),
                    encoding,
                }
            }
        })
        .collect();
    let (format, style) = text_style(m, lang)?;
    let asked_for_form = m.get_one::<String>("format").is_some() || style.excel || style.gbk;
    let destination = match m.get_one::<PathBuf>("output") {
        Some(p) if p.as_os_str() != "-" => {
            // Standard input redirected from the output file (`< t.csv`) is that file too.
            let same = |i: &&Input| match &i.path {
                Some(ip) => batch::is_same_file(ip, p),
                None => crate::table::replace::stdin_is(p),
            };
            if let Some(input) = inputs.iter().find(same) {
                let msg = match lang {
                    Lang::En => format!(
                        "-o {} is also an input ({}); choose another output file",
                        p.display(),
                        input.label
                    ),
                    Lang::Zh => format!(
                        "-o {} 同时也是输入文件（{}）；请换一个输出文件",
                        p.display(),
                        input.label
                    ),
                };
                return Err(Failure::new(EXIT_USAGE, msg));
            }
            super::refuse_output_open_for_reading(p, lang)?;
            // An Excel report is a destination of its own (text_style made sure of a file).
            if format == Format::Xlsx {
                Destination::Workbook(p.clone())
            } else {
                Destination::File(p.clone())
            }
        }
        _ => Destination::Stdout {
            // A table for a person only when no particular output was asked for.
            terminal: (stdout_is_terminal() && !asked_for_form)
                .then(|| ratatui::crossterm::terminal::size().map_or(100, |(w, _)| usize::from(w))),
        },
    };
    let by: Vec<GroupBy> = m
        .get_many::<String>("by")
        .into_iter()
        .flatten()
        .map(|b| match b.as_str() {
            "township" => GroupBy::Township,
            "village" => GroupBy::Village,
            _ => GroupBy::Class,
        })
        .collect();
    let show_summary = m.get_flag("summary") || !by.is_empty();
    let terminal = matches!(destination, Destination::Stdout { terminal: Some(_) });
    let look = Presentation {
        by,
        headings: headings(m, lang, format, terminal),
        amounts: amounts(m),
        summary: show_summary,
    };
    // `-o /dev/stdout` is standard output: the summary must not land among the rows.
    let to_file = match &destination {
        Destination::File(p) => !names_a_descriptor(p),
        Destination::Workbook(_) => true,
        Destination::Stdout { .. } => false,
    };
    let opts = Options {
        rules: &rules,
        inputs,
        destination: destination.clone(),
        keep_going: m.get_flag("keep_going"),
        by: None,
        lang,
        progress: io::stderr().is_terminal(),
        workers: std::thread::available_parallelism().map_or(1, usize::from),
        style,
        sheet: m.get_one::<String>("sheet").cloned(),
    };
    // Not locked: the progress bar on another thread draws to stderr too.
    let mut stderr = io::stderr();
    let report = match batch::run_presented(&opts, &look, &header, &mut stderr) {
        Ok(report) => report,
        // A reader that stopped early (`| head`) is not an error, as for any filter.
        // Bad rows met before it (each said as it was met) still make the run a failure, as
        // --keep-going promises.
        Err(BatchError::Output {
            source, failing, ..
        }) if source.kind() == io::ErrorKind::BrokenPipe => {
            return Ok(if failing { EXIT_BAD_INPUT } else { EXIT_OK })
        }
        Err(BatchError::Output { path, source, .. }) => {
            return Err(Failure::new(
                EXIT_BAD_INPUT,
                format!(
                    "{}{path}: {}",
                    lang.pick("cannot write ", "无法写入 "),
                    lang.io_reason(&source)
                ),
            ))
        }
        Err(BatchError::Copy(label, source)) => {
            return Err(Failure::new(
                EXIT_BAD_INPUT,
                match lang {
                    Lang::En => format!(
                        "cannot keep {label} in a temporary file to read it again for the budgets that bind: {}",
                        lang.io_reason(&source)
                    ),
                    Lang::Zh => format!(
                        "无法将 {label} 保存到临时文件以便为分配预算额度再次读取：{}",
                        lang.io_reason(&source)
                    ),
                },
            ))
        }
        Err(BatchError::Changed(message)) => return Err(Failure::new(EXIT_BAD_INPUT, message)),
    };

    if !report.hidden_columns.is_empty() {
        let cols = report.hidden_columns.join(lang.pick(", ", "、"));
        to_stderr(&match lang {
            Lang::En => format!(
                "(not shown, for lack of room: {cols}; all columns are written with -o FILE)\n"
            ),
            Lang::Zh => format!("（因宽度不足未显示：{cols}；用 -o 文件 可写出全部列）\n"),
        });
    }
    if report.hidden > 0 {
        let more = report.hidden;
        to_stderr(&match lang {
            Lang::En => format!(
                "… {more} more {} not shown (the first {TERMINAL_ROWS} are); write them all with -o FILE\n",
                plural(more, "row", "rows")
            ),
            Lang::Zh => format!("……另有 {more} 行未显示（仅显示前 {TERMINAL_ROWS} 行）；用 -o 文件 写出全部\n"),
        });
    }
    // Totals of a run that wrote nothing would describe results nobody has; a table of no
    // segments (a header only) is said to be one, not summed to zeros.
    let no_segments = report.written && report.summary.total.segments == 0 && report.bad == 0;
    if show_summary && no_segments {
        to_stderr(&format!("{}\n", no_segments_line(lang)));
    } else if show_summary && report.written {
        let text = report.summary.render(&rules, lang, look.amounts);
        if to_file {
            print_summary(&text, lang)?;
        } else {
            to_stderr(&format!("\n{text}"));
        }
    }
    // A warning is said even without --summary (once: a summary on stderr already says it).
    let summary_on_stderr = show_summary && report.written && !to_file;
    if report.written && !summary_on_stderr {
        let rows = report.summary.total.implausible;
        if let Some(line) = crate::report::summary::implausible_line(&rules, rows, lang) {
            to_stderr(&format!("{line}\n"));
        }
    }
    if report.written {
        if let Some(line) = crate::report::encode::beyond_gbk_line(lang) {
            to_stderr(&format!("{line}\n"));
        }
    }
    let failed = report.bad > 0 || report.failed_inputs > 0;
    let out_name = match &destination {
        Destination::File(p) | Destination::Workbook(p) => p.display().to_string(),
        Destination::Stdout { .. } => lang.pick("standard output", "标准输出").to_string(),
    };
    let word = matches!(destination, Destination::Stdout { .. });
    let status = status_line(&report, &out_name, word, to_file, lang);
    if let Some(s) = status {
        to_stderr(&format!("{s}\n"));
    }
    Ok(if failed { EXIT_BAD_INPUT } else { EXIT_OK })
}

/// What a run over tables with no segment rows (a header only) says instead of a summary of
/// zeros.
pub(super) fn no_segments_line(lang: Lang) -> &'static str {
    lang.pick(
        "no segments: the table has a header only; nothing to sum",
        "没有路段：表中只有表头，无可汇总",
    )
}

/// Prints the summary on standard output, saying so when it cannot be (a full disk or
/// device); a closed pipe is no error, as for any filter.
pub(super) fn print_summary(text: &str, lang: Lang) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            let reason = match e.kind() {
                io::ErrorKind::StorageFull => lang
                    .pick("the disk or device is full", "磁盘或设备已满")
                    .to_string(),
                _ => lang.io_reason(&e),
            };
            Err(Failure::new(
                EXIT_BAD_INPUT,
                format!(
                    "{}{reason}",
                    lang.pick(
                        "could not write the summary to standard output: ",
                        "无法将汇总写到标准输出："
                    )
                ),
            ))
        }
        _ => Ok(()),
    }
}

/// The last line of a run: what was written, or why nothing was (`out_is_word`: the output
/// is named by a word, standard output, rather than by a path).
fn status_line(
    report: &batch::Report,
    out_name: &str,
    out_is_word: bool,
    to_file: bool,
    lang: Lang,
) -> Option<String> {
    let (good, bad, unread) = (report.good, report.bad, report.failed_inputs);
    let rows = plural(good, "row", "rows");
    let problems = super::problems_said(bad, unread, lang);
    // In Chinese a file's path stands apart from the words around it; 标准输出 is a word and
    // joins the sentence ("写出到标准输出").
    let to = match lang {
        Lang::Zh if out_is_word => format!("到{out_name}"),
        _ => format!("到 {out_name}"),
    };
    Some(match (problems.is_empty(), report.written, lang) {
        (true, _, _) if !to_file => return None,
        (true, _, Lang::En) => format!("wrote {good} {rows} to {out_name}"),
        (true, _, Lang::Zh) => format!("已写出 {good} 行{to}"),
        (false, true, Lang::En) => {
            format!("{problems}; wrote the {good} good {rows} to {out_name}")
        }
        // Beside rows in error, the rows written are "the other" rows (另 3 行); beside a table
        // that could not be read, simply rows.
        (false, true, Lang::Zh) if bad > 0 => format!("{problems}；另 {good} 行已写出{to}"),
        (false, true, Lang::Zh) => format!("{problems}；已写出 {good} 行{to}"),
        // Rows streamed to standard output before the broken line cannot be taken back.
        // A note states another unit: the other rows may be wrong too.
        (false, false, Lang::En) if report.doubt && report.keep_going && !to_file => format!(
            "{problems}; any rows printed above may be in the wrong unit: a note or a row of units among the rows gives another unit"
        ),
        (false, false, Lang::Zh) if report.doubt && report.keep_going && !to_file => {
            format!("{problems}；上面输出的行（如有）可能按错误的单位读取：表中说明行或单位行写明了另一种单位")
        }
        (false, false, Lang::En) if report.doubt => {
            format!("{problems}; nothing written: {}", crate::table::Problem::units_in_doubt(lang))
        }
        (false, false, Lang::Zh) if report.doubt => {
            format!("{problems}；未写出任何结果：{}", crate::table::Problem::units_in_doubt(lang))
        }
        (false, false, Lang::En) if report.voided && report.keep_going && !to_file => format!(
            "{problems}; any rows printed above are not to be used: the workbook was found changed or damaged after they were printed"
        ),
        (false, false, Lang::Zh) if report.voided && report.keep_going && !to_file => {
            format!("{problems}；上面输出的行（如有）不可使用：输出这些行之后发现工作簿已被改动或已损坏")
        }
        (false, false, Lang::En) if report.garbled && report.keep_going && !to_file => {
            format!(
                "{problems}; the rows printed above end before the line that broke its encoding"
            )
        }
        (false, false, Lang::Zh) if report.garbled && report.keep_going && !to_file => {
            format!("{problems}；上面输出的行止于破坏编码的那一行之前")
        }
        (false, false, Lang::En) if good == 0 || report.keep_going || report.garbled => {
            format!("{problems}; nothing written")
        }
        (false, false, Lang::Zh) if good == 0 || report.keep_going || report.garbled => {
            format!("{problems}；未写出任何结果")
        }
        (false, false, Lang::En) => {
            format!("{problems}; nothing written ({}, or use --keep-going to write the {good} good {rows})", super::fix_them(bad, unread))
        }
        (false, false, Lang::Zh) => {
            format!("{problems}；未写出任何结果（请先修正，或加 --keep-going 写出其余 {good} 行）")
        }
    })
}

/// The language of the computed columns' headings: `--headings`; else, for people (a
/// terminal table, a Markdown report), the language in force; else (CSV, read by programs and
/// by roadsub itself) Chinese only when `--lang zh` is on the command line (SPEC §11), never
/// from the locale alone: a script run on a Chinese desktop keeps the header it reads its
/// columns by, and `--headings en` keeps the ids with Chinese notes.
pub(super) fn headings(m: &ArgMatches, lang: Lang, format: Format, terminal: bool) -> Lang {
    match m.get_one::<String>("headings").map(String::as_str) {
        Some("zh") => Lang::Zh,
        Some(_) => Lang::En,
        None if terminal || format == Format::Markdown => lang,
        None if m.get_one::<String>("lang").is_some_and(|l| l == "zh") => Lang::Zh,
        None => Lang::En,
    }
}

/// The unit `--amounts` names (clap has checked it is one).
pub(super) fn amounts(m: &ArgMatches) -> Unit {
    m.get_one::<String>("amounts")
        .and_then(|a| Unit::from_name(a))
        .unwrap_or_default()
}

/// Refuses an output file named for a format roadsub does not write (`-o out.xls`), unless
/// `--format` says what to write: a CSV under that name would be taken for what it is not.
pub(super) fn refuse_foreign_output(
    m: &ArgMatches,
    output: Option<&PathBuf>,
    lang: Lang,
) -> Result<(), Failure> {
    if m.get_one::<String>("format").is_some() {
        return Ok(());
    }
    let Some(path) = output.filter(|p| p.as_os_str() != "-") else {
        return Ok(());
    };
    let Some(ext) = crate::report::format::not_written(path) else {
        return Ok(());
    };
    let (name, book) = (path.display(), path.with_extension("xlsx"));
    let book = book.display();
    Err(Failure::new(
        EXIT_USAGE,
        match lang {
            Lang::En => format!("-o {name}: roadsub does not write .{ext} files; give -o {book} for an Excel report, or --format csv (json, jsonl, md) to write that under this name"),
            Lang::Zh => format!("-o {name}：roadsub 不写 .{ext} 文件；Excel 报表请用 -o {book}，或加 --format csv（json、jsonl、md）以此文件名写出"),
        },
    ))
}

/// The output's format and encoding, checked for combinations that make no sense.
/// The output's form, and how its text is written (a workbook's text style is unused).
fn text_style(m: &ArgMatches, lang: Lang) -> Result<(Format, TextStyle), Failure> {
    refuse_foreign_output(m, m.get_one::<PathBuf>("output"), lang)?;
    let format = match m.get_one::<String>("format") {
        Some(name) => Format::from_name(name).unwrap_or(Format::Csv),
        None => m
            .get_one::<PathBuf>("output")
            .map_or(Format::Csv, |p| Format::from_path(p)),
    };
    let excel = m.get_flag("excel");
    let gbk = super::gbk_output(m);
    if gbk && matches!(format, Format::Json | Format::Jsonl) {
        return Err(Failure::new(
            EXIT_USAGE,
            lang.pick(
                "JSON is always UTF-8: --encoding gbk applies to CSV and Markdown only",
                "JSON 总是 UTF-8：--encoding gbk 只用于 CSV 和 Markdown",
            ),
        ));
    }
    if format == Format::Xlsx
        && m.get_one::<PathBuf>("output")
            .is_none_or(|p| p.as_os_str() == "-")
    {
        return Err(Failure::new(
            EXIT_USAGE,
            lang.pick(
                "an Excel report is a file: give -o report.xlsx",
                "Excel 报表需要写入文件：请用 -o report.xlsx",
            ),
        ));
    }
    if gbk && format == Format::Xlsx {
        return Err(Failure::new(
            EXIT_USAGE,
            lang.pick(
                "--encoding applies to CSV and Markdown only",
                "--encoding 只用于 CSV 和 Markdown",
            ),
        ));
    }
    // Programs read JSON and a workbook holds numbers: both keep ids and yuan.
    let machine = matches!(format, Format::Json | Format::Jsonl | Format::Xlsx);
    if amounts(m) == Unit::Wan && machine {
        return Err(Failure::new(
            EXIT_USAGE,
            lang.pick(
                "--amounts 万元 applies to CSV, Markdown and the terminal table: JSON and Excel reports always carry yuan",
                "--amounts 万元 只用于 CSV、Markdown 和终端表格：JSON 与 Excel 报表始终以元为单位",
            ),
        ));
    }
    if m.get_one::<String>("headings").is_some() && machine {
        return Err(Failure::new(
            EXIT_USAGE,
            lang.pick(
                "--headings applies to CSV, Markdown and the terminal table: JSON keeps ids, and an Excel report heads its columns in the --lang language",
                "--headings 只用于 CSV、Markdown 和终端表格：JSON 始终使用英文标识，Excel 报表的列名随 --lang",
            ),
        ));
    }
    if excel && format != Format::Csv {
        return Err(Failure::new(
            EXIT_USAGE,
            lang.pick(
                "--excel applies to CSV output only",
                "--excel 只用于 CSV 输出",
            ),
        ));
    }
    let style = TextStyle {
        format: format.text().unwrap_or(TextFormat::Csv),
        excel,
        gbk,
    };
    Ok((format, style))
}

/// A parser that reads a value with the spaces around it dropped, so `--by 'township, class'`
/// is the two groupings it reads as, and a grouping's Chinese name (乡镇, 村, 类别) as its id;
/// what is left is checked as before, and refused in the language in force.
#[derive(Clone)]
struct Trimmed(clap::builder::PossibleValuesParser, Lang);

impl clap::builder::TypedValueParser for Trimmed {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        let trimmed = value.to_str().map(str::trim);
        let id = match trimmed {
            Some("乡镇") => Some("township"),
            Some("村") => Some("village"),
            Some("类别" | "道路类别") => Some("class"),
            other => other,
        };
        let given = id.map(std::ffi::OsStr::new).unwrap_or(value);
        self.0.parse_ref(cmd, arg, given).map_err(|e| match self.1 {
            Lang::Zh => clap::Error::raw(
                e.kind(),
                format!(
                    "--by 的值“{}”无效：可用 township（乡镇）、village（村）、class（类别），多个用逗号分隔\n",
                    value.to_string_lossy()
                ),
            ),
            Lang::En => e,
        })
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        self.0.possible_values()
    }
}
