//! The command line: clap definitions in both languages → validated options → the library.
//!
//! The command is built at run time (not derived) because every help line exists in English
//! and Chinese, and the language must be known before clap prints anything.

mod batch_cmd;
mod compare_cmd;
mod explain_cmd;
mod notice_cmd;
mod rules_cmd;
mod rules_new;

use std::ffi::{OsStr, OsString};
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{value_parser, Arg, ArgAction, ArgMatches, Command};

use crate::i18n::Lang;
use crate::rules::{RuleSet, RulesError};

/// Exit status: everything computed and written.
pub const EXIT_OK: u8 = 0;
/// Exit status: bad rows, an unreadable input or invalid rules.
pub const EXIT_BAD_INPUT: u8 = 1;
/// Exit status: the command line itself is wrong.
pub const EXIT_USAGE: u8 = 2;

/// A failure to report as `roadsub: …` with an exit status.
#[derive(Debug)]
pub struct Failure {
    /// Lines to print on standard error (already in the user's language).
    pub message: String,
    /// The exit status.
    pub code: u8,
}

impl Failure {
    fn new(code: u8, message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code,
        }
    }
}

/// The language asked for by `--lang` anywhere on the command line, else by the locale.
fn lang_from_args(args: &[OsString]) -> Lang {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let value = if a == "--lang" {
            it.next().and_then(|v| v.to_str())
        } else {
            a.to_str().and_then(|a| a.strip_prefix("--lang="))
        };
        if let Some(lang) = value.and_then(Lang::from_tag) {
            return lang;
        }
    }
    Lang::from_env()
}

fn global_args(lang: Lang) -> [Arg; 2] {
    [
        Arg::new("rules")
            .long("rules")
            .value_name("PATH")
            .value_parser(value_parser!(PathBuf))
            .global(true)
            .help(lang.pick(
                "Rules file [default: ./rules.toml if present, else the built-in 2018 Anyue rules]",
                "规则文件［默认：当前目录的 rules.toml，没有则用内置的安岳县2018年规则］",
            )),
        Arg::new("lang")
            .long("lang")
            .value_name("zh|en")
            .global(true)
            .value_parser(["zh", "en"])
            .hide_possible_values(true)
            .help(lang.pick(
                "Language of messages and notes [default: from LANG/LC_ALL]",
                "界面与备注语言［默认：取自 LANG/LC_ALL］",
            )),
    ]
}

/// An option naming the encoding of the table read: `utf-8` or `gbk` (GB18030).
fn encoding_arg(
    id: &'static str,
    long: &'static str,
    help_en: &'static str,
    help_zh: &'static str,
    lang: Lang,
) -> Arg {
    Arg::new(id)
        .long(long)
        .value_name("utf-8|gbk")
        .value_parser(["utf-8", "utf8", "gbk", "gb18030"])
        .hide_possible_values(true)
        .help(lang.pick(help_en, help_zh))
}

/// `--sheet NAME|N`: the sheet of workbook inputs to read (batch, compare, notice, explain).
fn sheet_arg(lang: Lang) -> Arg {
    Arg::new("sheet")
        .long("sheet")
        .value_name("NAME|N")
        .help(lang.pick(
            "For Excel inputs: the sheet to read, by name or number from 1 [default: the first with a segment table]",
            "Excel 输入：要读取的工作表，按名称或序号（从 1 起）［默认：第一个含路段表的工作表］",
        ))
}

/// `--input-encoding utf-8|gbk`: the encoding of CSV inputs (batch, compare, notice).
fn input_encoding_arg(lang: Lang) -> Arg {
    encoding_arg(
        "input_encoding",
        "input-encoding",
        "Encoding of CSV inputs: utf-8 or gbk (GBK/GB18030) [default: recognised from each whole file]",
        "CSV 输入的编码：utf-8 或 gbk（GBK/GB18030）［默认：由每个文件的全部内容识别］",
        lang,
    )
}

/// `--excel`: CSV output for Excel (batch, compare).
fn excel_arg(lang: Lang) -> Arg {
    Arg::new("excel")
        .long("excel")
        .action(ArgAction::SetTrue)
        .help(lang.pick(
        "CSV for Excel: a UTF-8 BOM, and text that starts like a formula (= + - @) kept as text",
        "供 Excel 打开的 CSV：加 UTF-8 BOM，以 = + - @ 开头的文字按文字保存、不作公式",
    ))
}

/// `--encoding utf-8|gbk`: the encoding of CSV and Markdown output (batch, compare), spelt
/// as the inputs' `--input-encoding` is (`utf8` and `gb18030` too).
fn output_encoding_arg(lang: Lang) -> Arg {
    Arg::new("encoding")
        .long("encoding")
        .value_name("utf-8|gbk")
        .value_parser(["utf-8", "utf8", "gbk", "gb18030"])
        .hide_possible_values(true)
        .help(lang.pick(
            "Encoding of CSV and Markdown output [default: utf-8]; gbk for older Excel",
            "CSV 与 Markdown 输出的编码［默认：utf-8］；旧版 Excel 用 gbk",
        ))
}

/// Whether `--encoding` ([`output_encoding_arg`]) asks for GBK output.
fn gbk_output(m: &ArgMatches) -> bool {
    encoding_of(m, "encoding") == Some(crate::table::Encoding::Gb18030)
}

/// The encoding an [`encoding_arg`] names, if it was given.
fn encoding_of(m: &ArgMatches, id: &str) -> Option<crate::table::Encoding> {
    m.get_one::<String>(id).map(|v| match v.as_str() {
        "gbk" | "gb18030" => crate::table::Encoding::Gb18030,
        _ => crate::table::Encoding::Utf8,
    })
}

/// `--amount-unit 元|万元|亿元` and `--map HEADER=FIELD`: how to read a table's header.
fn header_args(lang: Lang) -> [Arg; 2] {
    [
        Arg::new("amount_unit")
            .long("amount-unit")
            .value_name("元|万元|亿元")
            .value_parser(["元", "万元", "亿元", "万", "亿", "yuan", "wan"])
            .hide_possible_values(true)
            .help(lang.pick(
                "Bare amounts are in this unit (where a column's header names none); a title row such as 单位：万元 says it too",
                "未注明单位的金额按此单位读取（表头括号中注明单位的列除外）；表头上方的“单位：万元”等行也可说明",
            )),
        Arg::new("map")
            .long("map")
            .value_name("HEADER=FIELD")
            .action(ArgAction::Append)
            .help(lang.pick(
                "Read the column HEADER as FIELD (a column id such as cost or length_km; own: a column of your own, read as none); repeatable",
                "将表头为 HEADER 的列作为字段 FIELD 读取（字段 id，如 cost、length_km；own：自有列，不作任何字段读取）；可重复",
            )),
    ]
}

/// The header options [`header_args`] give.
fn header_options(m: &ArgMatches, lang: Lang) -> Result<crate::table::HeaderOptions, Failure> {
    use crate::table::Field;
    let amount_unit = m
        .get_one::<String>("amount_unit")
        .and_then(|u| crate::table::units::money_unit(u));
    let mut map: Vec<(String, Field)> = Vec::new();
    let mut own: Vec<String> = Vec::new();
    for given in m.get_many::<String>("map").into_iter().flatten() {
        let usage = |msg: String| Failure::new(EXIT_USAGE, msg);
        let Some((header, field)) = given.rsplit_once('=') else {
            return Err(usage(match lang {
                Lang::En => {
                    format!("--map \"{given}\": expected HEADER=FIELD, e.g. --map \"总投资=cost\"")
                }
                Lang::Zh => {
                    format!("--map \"{given}\"：应写作 列名=字段，如 --map \"总投资=cost\"")
                }
            }));
        };
        let (header, field) = (header.trim(), field.trim());
        let known = || {
            Field::ALL
                .iter()
                .map(|f| f.key())
                .chain([OWN])
                .collect::<Vec<_>>()
                .join(", ")
        };
        if header.is_empty() {
            return Err(usage(match lang {
                Lang::En => format!("--map \"{given}\": the column's header is empty"),
                Lang::Zh => format!("--map \"{given}\"：列名为空"),
            }));
        }
        // A column of the user's own, whatever its name looks like.
        if field == OWN {
            if let Some((_, g)) = map.iter().find(|(h, _)| h == header) {
                return Err(usage(match lang {
                    Lang::En => format!("--map maps \"{header}\" to both {} and {OWN}", g.key()),
                    Lang::Zh => format!("--map 将 \"{header}\" 同时指定为 {} 和 {OWN}", g.key()),
                }));
            }
            if own.iter().any(|h| h == header) {
                return Err(usage(match lang {
                    Lang::En => format!("--map \"{header}={OWN}\" is given twice; give it once"),
                    Lang::Zh => format!("--map \"{header}={OWN}\" 重复给出；请只给一次"),
                }));
            }
            own.push(header.to_string());
            continue;
        }
        // A fund's approved amount is found by its header alone (`poverty_approved` or an alias
        // the rules give it), under whichever rules are in force; --map reads fields only.
        if let Some(fund) = field.strip_suffix("_approved").filter(|f| !f.is_empty()) {
            return Err(usage(match lang {
                Lang::En => format!(
                    "--map \"{given}\": \"{field}\" is a fund's approved amount, which --map does not map; head the column \"{field}\" or with an alias the rules give the {fund} fund's approved amount (approved_aliases, e.g. 扶贫批复); --map maps the fields {}",
                    known()
                ),
                Lang::Zh => format!(
                    "--map \"{given}\"：\"{field}\" 是资金的批复金额，--map 不能指定；请将该列表头写作 \"{field}\" 或规则为资金 {fund} 的批复金额所给的别名（approved_aliases，如 扶贫批复）；--map 可指定的字段：{}",
                    known()
                ),
            }));
        }
        let Some(f) = Field::ALL.into_iter().find(|f| f.key() == field) else {
            return Err(usage(match lang {
                Lang::En => format!(
                    "--map \"{given}\": \"{field}\" is not a field (fields: {})",
                    known()
                ),
                Lang::Zh => format!(
                    "--map \"{given}\"：\"{field}\" 不是字段（可用字段：{}）",
                    known()
                ),
            }));
        };
        if own.iter().any(|h| h == header) {
            return Err(usage(match lang {
                Lang::En => format!("--map maps \"{header}\" to both {OWN} and {field}"),
                Lang::Zh => format!("--map 将 \"{header}\" 同时指定为 {OWN} 和 {field}"),
            }));
        }
        if map.iter().any(|(h, g)| h == header && *g == f) {
            return Err(usage(match lang {
                Lang::En => format!("--map \"{header}={field}\" is given twice; give it once"),
                Lang::Zh => format!("--map \"{header}={field}\" 重复给出；请只给一次"),
            }));
        }
        if let Some((other, _)) = map.iter().find(|(_, g)| *g == f) {
            return Err(usage(match lang {
                Lang::En => format!(
                    "--map maps both \"{other}\" and \"{header}\" to {field}; a field is read from one column"
                ),
                Lang::Zh => format!(
                    "--map 将 \"{other}\" 和 \"{header}\" 都指定为 {field}；一个字段只能取自一列"
                ),
            }));
        }
        if let Some((_, g)) = map.iter().find(|(h, _)| h == header) {
            return Err(usage(match lang {
                Lang::En => format!("--map maps \"{header}\" to both {} and {field}", g.key()),
                Lang::Zh => format!("--map 将 \"{header}\" 同时指定为 {} 和 {field}", g.key()),
            }));
        }
        map.push((header.to_string(), f));
    }
    Ok(crate::table::HeaderOptions {
        amount_unit,
        map,
        own,
    })
}

/// What `--map HEADER=own` maps a column to: the user's own, read as no field.
const OWN: &str = "own";

fn help_flag(lang: Lang) -> Arg {
    Arg::new("help")
        .short('h')
        .long("help")
        .action(ArgAction::Help)
        .global(true)
        .help(lang.pick("Print help", "显示帮助"))
}

/// The whole command, with help in `lang`.
pub fn command(lang: Lang) -> Command {
    let about = lang.pick(
        "roadsub (通村通社公路补助计算器): for every planned rural road segment, what the county \
         transport bureau and the poverty-alleviation fund pay, and the shortfall (差额) the \
         village must raise itself.",
        "roadsub（通村通社公路补助计算器）：逐个路段计算县交通局补助、县扶贫专项补助，\
         以及村里需自筹的差额。",
    );
    let after = lang.pick(
        "Examples:\n  \
         roadsub examples/anyue-2018.csv                       edit in the interactive table\n  \
         roadsub batch examples/anyue-2018.csv                 results as a table\n  \
         roadsub batch plan.csv -o results.csv --summary       write a CSV, print totals\n  \
         roadsub batch a.csv b.csv --by township -o all.csv    two tables, totals per township\n  \
         cat plan.csv | roadsub batch - > results.csv          a filter\n  \
         roadsub rules show                                    the rules in force\n  \
         roadsub rules check my-county.toml                    validate a rules file\n  \
         roadsub explain examples/anyue-2018.csv --id AY-07    why a row's numbers are what they are\n  \
         roadsub compare plan.csv --set poverty.group.3.5=15万   what a new rate changes, row by row and in total\n  \
         roadsub notice plan.csv -o notices                    a printable notice (公示) per village\n\n\
         Exit status: 0 all rows computed; 1 bad rows, an unreadable table or invalid rules; \
         2 a wrong command line.",
        "示例：\n  \
         roadsub examples/anyue-2018.csv                       在交互式表格中编辑\n  \
         roadsub batch examples/anyue-2018.csv                 以表格显示结果\n  \
         roadsub batch plan.csv -o results.csv --summary       写出 CSV 并显示汇总\n  \
         roadsub batch a.csv b.csv --by township -o all.csv    合并两个表，按乡镇汇总\n  \
         cat plan.csv | roadsub batch - > results.csv          作为管道过滤器\n  \
         roadsub rules show                                    显示当前规则\n  \
         roadsub rules check my-county.toml                    检查规则文件\n  \
         roadsub explain examples/anyue-2018.csv --id AY-07    逐步说明一行的计算\n  \
         roadsub compare plan.csv --set poverty.group.3.5=15万   对比测算：新标准逐行及合计的变化\n  \
         roadsub notice plan.csv -o notices                    按村生成可打印的公示\n\n\
         退出码：0 全部路段计算完成；1 有错误行、表格无法读取或规则无效；2 命令行用法错误。",
    );
    Command::new("roadsub")
        .version(env!("CARGO_PKG_VERSION"))
        .about(about)
        .after_help(after)
        .disable_help_flag(true)
        .disable_version_flag(true)
        .disable_help_subcommand(true)
        .subcommand_help_heading(lang.pick("Commands", "命令"))
        .next_help_heading(lang.pick("Options", "选项"))
        .arg(
            Arg::new("file")
                .value_name("FILE")
                .value_parser(value_parser!(PathBuf))
                .help(lang.pick(
                    "Open FILE (CSV or Excel) in the interactive table; without FILE, a new table",
                    "在交互式表格中打开 FILE（CSV 或 Excel）；不给文件则新建表格",
                )),
        )
        .arg(encoding_arg(
            "encoding",
            "encoding",
            "Encoding of FILE, a CSV table: utf-8 or gbk (GBK/GB18030) [default: recognised from the whole file]; it is saved in the same",
            "FILE（CSV 表格）的编码：utf-8 或 gbk（GBK/GB18030）［默认：由整个文件识别］；保存时沿用",
            lang,
        ))
        .arg(as_of_arg(lang))
        .args(header_args(lang))
        .help_template(help_template(lang))
        .args(global_args(lang))
        .arg(help_flag(lang))
        .arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(lang.pick("Print version", "显示版本")),
        )
        .subcommand(batch_cmd::command(lang))
        .subcommand(rules_cmd::command(lang))
        .subcommand(explain_cmd::command(lang))
        .subcommand(compare_cmd::command(lang))
        .subcommand(notice_cmd::command(lang))
}

/// The help layout, with its headings in `lang`.
fn help_template(lang: Lang) -> &'static str {
    lang.pick(
        "{about}\n\nUsage: {usage}\n\n{all-args}\n{after-help}\n",
        "{about}\n\n用法：{usage}\n\n{all-args}\n{after-help}\n",
    )
}

/// Chinese help as clap renders it (`help`, with or without its styles), its headings ended
/// with a full-width colon ("选项：", as "用法：" and "示例：" are) and its usage line naming the
/// options "[选项]".
fn help_zh(help: &str) -> String {
    let mut out = String::with_capacity(help.len());
    for line in help.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        // A heading starts its line (its styles before it, if any) and ends with the colon,
        // perhaps followed by the code that ends its style.
        let heading = ["命令", "选项"].iter().find_map(|h| {
            let at = body.find(&format!("{h}:"))?;
            let (before, after) = (&body[..at], &body[at + h.len() + 1..]);
            let plain = |s: &str| {
                s.chars()
                    .all(|c| c == '\x1b' || c == '[' || c == ';' || c.is_ascii_alphanumeric())
            };
            (plain(before) && plain(after)).then(|| format!("{before}{h}：{after}"))
        });
        match heading {
            Some(h) => out.push_str(&h),
            None if body.contains("用法：") => {
                out.push_str(&body.replacen("[OPTIONS]", "[选项]", 1))
            }
            None => out.push_str(body),
        }
        out.push_str(end);
    }
    out
}

/// A Chinese headline for a command-line error [`usage_error_zh`] cannot say whole.
fn usage_headline_zh(kind: clap::error::ErrorKind, args: &[OsString]) -> String {
    use clap::error::ErrorKind::*;
    match kind {
        UnknownArgument => "未知的参数（详见下方英文说明；roadsub --help 列出全部参数）",
        InvalidValue | ValueValidation => "参数值无效（可选值见下方说明）",
        MissingRequiredArgument => "缺少必需的参数",
        InvalidSubcommand => {
            return format!("未知的命令（可用：{}）", commands_at(args).join("、"))
        }
        TooManyValues | WrongNumberOfValues | ArgumentConflict => "参数个数或组合有误",
        _ => "命令行有误（见 roadsub --help）",
    }
    .to_string()
}

/// A command-line error said wholly in Chinese, from what clap knows of it (the argument, the
/// value, the values it takes, the usage line), for the kinds a user meets: a value not among
/// those an option takes, a missing argument, two that cannot go together (or one given
/// twice), an unknown argument or command, a command missing after `rules`; and a value a
/// parser of roadsub's refused, in its own Chinese words. `None` for the others.
fn usage_error_zh(e: &clap::Error, args: &[OsString]) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind::*};
    let text = |kind: ContextKind| -> Option<String> {
        Some(match e.get(kind)? {
            ContextValue::String(s) => s.clone(),
            ContextValue::Strings(v) => v.join("、"),
            ContextValue::StyledStr(s) => s.to_string(),
            ContextValue::StyledStrs(v) => v
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("、"),
            _ => return None,
        })
    };
    if e.context().next().is_none() {
        // An error of roadsub's own parsers (`--by`), said in Chinese already: without the
        // "error: " clap puts before it.
        let rendered = e.render().to_string();
        let said = rendered
            .strip_prefix("error: ")
            .unwrap_or(&rendered)
            .trim_end();
        return Some(format!("roadsub: {said}\n\n更多信息请用 --help。\n"));
    }
    let arg = text(ContextKind::InvalidArg);
    let suggested =
        |kind: ContextKind| text(kind).map_or(String::new(), |s| format!("；是否想用 {s}？"));
    let what = match e.kind() {
        InvalidValue => {
            let (arg, value) = (arg?, text(ContextKind::InvalidValue)?);
            let takes = text(ContextKind::ValidValue)
                .filter(|v| !v.is_empty())
                .map_or(String::new(), |v| format!("；可用：{v}"));
            if value.is_empty() {
                format!("参数 {arg} 需要一个值{takes}")
            } else {
                format!("参数 {arg} 的值“{value}”无效{takes}")
            }
        }
        MissingRequiredArgument => format!("缺少必需的参数：{}", arg?.replace('\n', "、")),
        ArgumentConflict => match text(ContextKind::PriorArg) {
            // clap says an argument given twice conflicts with itself.
            Some(prior) if Some(&prior) == arg.as_ref() => format!("参数 {prior} 只能给一次"),
            Some(prior) => format!("参数 {} 不能与 {prior} 同时使用", arg?),
            None => format!("参数 {} 不能与其他参数同时使用", arg?),
        },
        UnknownArgument => format!(
            "未知的参数 {}{}（roadsub --help 列出全部参数）",
            arg?,
            suggested(ContextKind::SuggestedArg)
        ),
        InvalidSubcommand => format!(
            "未知的命令 {}（可用：{}）{}",
            text(ContextKind::InvalidSubcommand)?,
            commands_at(args).join("、"),
            suggested(ContextKind::SuggestedSubcommand)
        ),
        // `roadsub rules` with no command after it: clap names the command and its commands.
        MissingSubcommand => format!(
            "{} 后面缺少命令（可用：{}）",
            text(ContextKind::InvalidSubcommand)?,
            text(ContextKind::ValidSubcommand)?
        ),
        _ => return None,
    };
    // The usage line clap would print, headed in Chinese.
    let rendered = e.render().to_string();
    let usage = rendered
        .lines()
        .find_map(|l| l.strip_prefix("Usage: "))
        .map_or(String::new(), |u| {
            format!("\n用法：{}\n", u.replacen("[OPTIONS]", "[选项]", 1))
        });
    Some(format!("roadsub: {what}\n{usage}\n更多信息请用 --help。\n"))
}

/// What to say when FILE is not a file but a command mistyped (`roadsub notic plan.csv`,
/// `roadsub batchh`): a name with no folder and no extension, of no existing file, at most two
/// letters from a command's name or the start of one. `None` for anything else, which is a
/// table to open (or to make, when it does not exist yet).
fn mistyped_command(file: &Path, lang: Lang) -> Option<String> {
    let name = file.to_str()?;
    if name.is_empty() || name.contains(['.', '/', '\\']) || file.symlink_metadata().is_ok() {
        return None;
    }
    let typed = name.to_lowercase();
    let commands = commands_at(&[]);
    let meant = commands.iter().find(|c| {
        edit_distance(&typed, c) <= 2 || (typed.chars().count() >= 3 && c.starts_with(&*typed))
    })?;
    Some(match lang {
        Lang::En => format!(
            "roadsub: unknown command '{name}' (commands: {}); did you mean '{meant}'? (no file \
             is named '{name}' either; to make a new table of that name, write ./{name})\n\n\
             Usage: roadsub [OPTIONS] [FILE] [COMMAND]\n\n\
             For more information, try '--help'.\n",
            commands.join(", ")
        ),
        Lang::Zh => format!(
            "roadsub: 未知的命令 {name}（可用：{}）；是否想用 {meant}？（也没有名为 {name} 的文件；\
             要新建这个名字的表格请写 ./{name}）\n\n\
             用法：roadsub [选项] [FILE] [COMMAND]\n\n\
             更多信息请用 --help。\n",
            commands.join("、")
        ),
    })
}

/// How many letters must be put in, taken out or changed to make `a` into `b` (Levenshtein).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The commands that may come where a command line stops naming them: roadsub's own, or
/// those of the command it named (`roadsub rules shwo`: show, check, test, new).
fn commands_at(args: &[OsString]) -> Vec<String> {
    let mut at = command(Lang::En);
    // Built, each command has the global options too (`--rules`, `--lang`).
    at.build();
    // An option's value is not a command (`rules --rules check nwe`).
    let mut value_next = false;
    for a in args.iter().skip(1) {
        let Some(name) = a.to_str() else { continue };
        if std::mem::take(&mut value_next) {
            continue;
        }
        if let Some(flag) = name.strip_prefix('-').filter(|f| !f.is_empty()) {
            let takes = |arg: &Arg| arg.get_action().takes_values();
            value_next = match flag.strip_prefix('-') {
                Some(long) => {
                    !long.contains('=')
                        && at
                            .get_arguments()
                            .any(|arg| arg.get_long() == Some(long) && takes(arg))
                }
                None => {
                    let mut chars = flag.chars();
                    match (chars.next(), chars.next()) {
                        (Some(c), None) => at
                            .get_arguments()
                            .any(|arg| arg.get_short() == Some(c) && takes(arg)),
                        _ => false,
                    }
                }
            };
            continue;
        }
        let Some(sub) = at.find_subcommand(name).cloned() else {
            continue;
        };
        at = sub;
    }
    at.get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect()
}

/// The value of `-o`/`--output` in a command line clap refused, read as plainly as possible.
/// A name after `-o` is kept as given, text or not (a GBK name from a Windows share).
fn output_in_args(args: &[OsString]) -> Option<&OsStr> {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "-o" || a == "--output" {
            return it.next().map(OsString::as_os_str);
        }
        let glued = a
            .to_str()
            .and_then(|a| a.strip_prefix("--output=").or_else(|| a.strip_prefix("-o")));
        if let Some(v) = glued {
            return Some(OsStr::new(v));
        }
    }
    None
}

/// Runs the command line and returns the exit status.
/// A file grown past the size limit (`ulimit -f`) fails to be written, as a full disk does,
/// rather than ending the run with a signal (SIGXFSZ): the run then says so in the user's
/// language and takes its temporary files away, where the signal left a `.roadsub-….tmp`
/// beside the output and a shell's "File size limit exceeded".
fn refuse_size_limit_signal() {
    #[cfg(target_os = "linux")]
    // SAFETY: setting a signal's disposition to "ignore" runs no code of ours in a handler;
    // it is done first, before any thread is started.
    #[allow(unsafe_code)]
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}

pub fn run() -> ExitCode {
    refuse_size_limit_signal();
    // A file name need not be UTF-8 (a GBK name from a Windows share): std::env::args would
    // panic on it, so the arguments are taken as the system gives them, and clap says which
    // argument that must be text is not.
    let args: Vec<OsString> = std::env::args_os().collect();
    let lang = lang_from_args(&args);
    let code = match command(lang).try_get_matches_from(&args) {
        Err(e) => {
            // The command line was not understood, so no guard of batch's was made: a reader
            // waiting on a FIFO given to -o is let go here.
            drop(crate::table::replace::Hangup::for_output(
                output_in_args(&args).map(Path::new),
            ));
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            // The command line read leniently, to say what went wrong in its own words.
            let lenient = || {
                command(lang)
                    .ignore_errors(true)
                    .try_get_matches_from(&args)
                    .ok()
            };
            // `roadsub batchh plan.csv`: clap took the command for FILE and says the table
            // is an unexpected argument; the mistyped command is what to say.
            let file = matches!(
                e.kind(),
                clap::error::ErrorKind::UnknownArgument | clap::error::ErrorKind::InvalidSubcommand
            )
            .then(lenient)
            .flatten()
            .filter(|m| m.subcommand().is_none())
            .and_then(|m| m.get_one::<PathBuf>("file").cloned());
            // After `--` a name is a file's, whatever it looks like.
            let file = file.filter(|_| !args.iter().any(|a| a == "--"));
            if let Some(said) = file.and_then(|f| mistyped_command(&f, lang)) {
                to_stderr(&said);
                return ExitCode::from(EXIT_USAGE);
            }
            // `roadsub plan.csv batch`: the command lacks the table given before it, which is
            // what to say rather than that a FILE is missing.
            let before = (e.kind() == clap::error::ErrorKind::MissingRequiredArgument)
                .then(lenient)
                .flatten()
                .and_then(|m| read_before_the_command(&m, lang));
            if let Some(said) = before {
                to_stderr(&format!("roadsub: {said}\n"));
                return ExitCode::from(EXIT_USAGE);
            }
            if code == EXIT_OK
                && lang == Lang::Zh
                && e.kind() == clap::error::ErrorKind::DisplayHelp
            {
                // clap ends each heading with an ASCII colon and names the options [OPTIONS]:
                // in Chinese, "选项：" lines up with "用法：" and "示例：".
                let styled = e.render();
                let color = stdout_is_terminal()
                    && std::env::var_os("NO_COLOR").is_none()
                    && std::env::var_os("TERM").is_none_or(|t| t != "dumb");
                let text = match color {
                    true => styled.ansi().to_string(),
                    false => styled.to_string(),
                };
                let mut out = io::stdout().lock();
                let _ = out
                    .write_all(help_zh(&text).as_bytes())
                    .and_then(|_| out.flush());
                return ExitCode::from(EXIT_OK);
            }
            match usage_error_zh(&e, &args).filter(|_| code == EXIT_USAGE && lang == Lang::Zh) {
                // clap speaks English only: said in Chinese instead where it can be.
                Some(said) => to_stderr(&said),
                None => {
                    if code == EXIT_USAGE && lang == Lang::Zh {
                        // Else what went wrong in Chinese first.
                        to_stderr(&format!(
                            "roadsub: {}\n",
                            usage_headline_zh(e.kind(), &args)
                        ));
                    }
                    let _ = e.print();
                }
            }
            code
        }
        Ok(m) => {
            let lang = m
                .get_one::<String>("lang")
                .and_then(|t| Lang::from_tag(t))
                .unwrap_or(lang);
            let mistyped = (m.subcommand().is_none() && !args.iter().any(|a| a == "--"))
                .then(|| m.get_one::<PathBuf>("file"))
                .flatten()
                .and_then(|f| mistyped_command(f, lang));
            if let Some(said) = mistyped {
                to_stderr(&said);
                return ExitCode::from(EXIT_USAGE);
            }
            let code = match dispatch(&m, lang) {
                Ok(code) => code,
                Err(f) => {
                    for line in f.message.lines() {
                        to_stderr(&format!("roadsub: {line}\n"));
                    }
                    f.code
                }
            };
            crate::table::replace::end_as_a_signal_said();
            code
        }
    };
    ExitCode::from(code)
}

fn dispatch(m: &ArgMatches, lang: Lang) -> Result<u8, Failure> {
    crate::table::workbook::check_source_date_epoch(lang)
        .map_err(|message| Failure::new(EXIT_USAGE, message))?;
    if let Some(message) = read_before_the_command(m, lang) {
        return Err(Failure::new(EXIT_USAGE, message));
    }
    // A command's temporary files go with it when a signal ends it; the table view (no
    // command) handles its signals itself.
    if m.subcommand().is_some() {
        crate::table::replace::remove_temporary_files_on_signals();
    }
    match m.subcommand() {
        Some(("batch", sub)) => batch_cmd::run(sub, lang),
        Some(("rules", sub)) => rules_cmd::run(sub, lang),
        Some(("explain", sub)) => explain_cmd::run(sub, lang),
        Some(("compare", sub)) => compare_cmd::run(sub, lang),
        Some(("notice", sub)) => notice_cmd::run(sub, lang),
        _ => {
            let rules = load_rules_as_of(m, lang)?;
            let file = m.get_one::<PathBuf>("file").cloned();
            let encoding = encoding_of(m, "encoding");
            let header = header_options(m, lang)?;
            crate::tui::run(file, encoding, &header, rules, lang)
                .map_err(|e| Failure::new(EXIT_BAD_INPUT, e.render(lang)))?;
            Ok(EXIT_OK)
        }
    }
}

/// The table view's own options (`--encoding`, `--as-of`, `--amount-unit`, `--map`) and its
/// FILE, given before a command: each command reads only the options written after it, so
/// `roadsub --amount-unit 万元 batch plan.csv` read the costs in yuan without a word. Said as a
/// wrong command line, with where the option goes (or that the command takes none).
fn read_before_the_command(m: &ArgMatches, lang: Lang) -> Option<String> {
    m.subcommand()?;
    const OWN: [(&str, &str); 4] = [
        ("encoding", "--encoding"),
        ("as_of", "--as-of"),
        ("amount_unit", "--amount-unit"),
        ("map", "--map"),
    ];
    let given = |id: &str| m.value_source(id) == Some(clap::parser::ValueSource::CommandLine);
    // The command as given, to its last word (`rules show`).
    let command = command(lang);
    let (mut sub, mut matched, mut words) = (&command, m, Vec::new());
    while let Some((word, next)) = matched.subcommand() {
        sub = sub.find_subcommand(word)?;
        words.push(word);
        matched = next;
    }
    let name = words.join(" ");
    if given("file") {
        let file = m.get_one::<PathBuf>("file")?.display().to_string();
        // A command that reads tables names them FILE (`rules check` reads a rules PATH).
        let takes = sub.get_arguments().any(|a| {
            a.is_positional()
                && a.get_value_names()
                    .is_some_and(|n| n.iter().any(|n| n == "FILE"))
        });
        return Some(match (takes, lang) {
            (true, Lang::En) => format!(
                "the table {file} comes before the command {name}, which reads only what follows it: write it after the command (roadsub {name} {file} …)"
            ),
            (true, Lang::Zh) => format!(
                "表格 {file} 写在了命令 {name} 之前，该命令只读取其后的内容：请写在命令之后（roadsub {name} {file} …）"
            ),
            (false, Lang::En) => format!(
                "the table {file} comes before the command {name}, which reads no table: leave it out, or open it without a command (roadsub {file})"
            ),
            (false, Lang::Zh) => format!(
                "表格 {file} 写在了命令 {name} 之前，而该命令不读取表格：请删去，或不带命令打开它（roadsub {file}）"
            ),
        });
    }
    let (_, long) = OWN.into_iter().find(|(id, _)| given(id))?;
    // Whether the command takes the option; the encoding of the tables read is
    // `--input-encoding` where `--encoding` is the output's.
    fn takes(c: &Command, long: &str) -> bool {
        c.get_arguments()
            .any(|a| a.get_long().is_some_and(|l| format!("--{l}") == long))
    }
    let there = match long {
        "--encoding" if takes(sub, "--input-encoding") => Some("--input-encoding"),
        _ => takes(sub, long).then_some(long),
    };
    Some(match (there, lang) {
        (Some(there), Lang::En) if there == long => format!(
            "{long} comes before the command {name}, which reads only the options that follow it: write it after the command (roadsub {name} … {long} …)"
        ),
        (Some(there), Lang::Zh) if there == long => format!(
            "{long} 写在了命令 {name} 之前，该命令只读取其后的选项：请写在命令之后（roadsub {name} … {long} …）"
        ),
        (Some(there), Lang::En) => format!(
            "{long} comes before the command {name}, which reads only the options that follow it: the encoding of the tables it reads is its {there} (roadsub {name} … {there} …)"
        ),
        (Some(there), Lang::Zh) => format!(
            "{long} 写在了命令 {name} 之前，该命令只读取其后的选项：它读取的表格的编码用 {there} 指定（roadsub {name} … {there} …）"
        ),
        (None, Lang::En) => format!(
            "{long} comes before the command {name}, which takes no {long}: it is an option of the interactive table (roadsub {long} … FILE)"
        ),
        (None, Lang::Zh) => format!(
            "{long} 写在了命令 {name} 之前，而该命令没有 {long} 选项：它是交互式表格的选项（roadsub {long} … FILE）"
        ),
    })
}

/// [`load_rules`] for a command that computes with them (batch, explain, the table view):
/// rules whose own `[[test]]` entries fail are used as asked, but never silently. `as_of`
/// (`--as-of`) dates the rows and the tests without a date alike, so it is set first.
pub fn load_rules_to_compute(
    explicit: Option<&Path>,
    as_of: Option<crate::rules::Day>,
    lang: Lang,
) -> Result<RuleSet, Failure> {
    let mut rules = load_rules(explicit, lang)?;
    if let Some(day) = as_of {
        rules.set_as_of(day);
    }
    let failing = crate::rules::selftest::failures(&rules, lang);
    if !failing.is_empty() {
        for f in &failing {
            to_stderr(&format!(
                "roadsub: {}{f}\n",
                lang.pick("warning: ", "警告：")
            ));
        }
        to_stderr(&format!(
            "roadsub: {}\n",
            lang.pick(
                "these rules fail their own self-tests; the numbers below use them as written (roadsub rules test says more)",
                "这些规则未通过自带的自测；以下结果仍按其计算（详见 roadsub rules test）",
            )
        ));
    }
    Ok(rules)
}

/// `--as-of DATE`: the day that dates the rows that give none (SPEC §9).
fn as_of_arg(lang: Lang) -> Arg {
    Arg::new("as_of")
        .long("as-of")
        .value_name("DATE")
        .help(lang.pick(
            "Rates in force on DATE (YYYY-MM-DD) for rows without a date or year column [default: the rules' effective date]",
            "没有 日期 或 年度 列的行按 DATE（年-月-日）施行的标准计算［默认：规则的生效日期］",
        ))
}

/// The day `--as-of` names, if given; one that is not a calendar day is a usage error.
fn as_of_day(m: &ArgMatches, lang: Lang) -> Result<Option<crate::rules::Day>, Failure> {
    let Some(text) = m.get_one::<String>("as_of") else {
        return Ok(None);
    };
    crate::rules::Day::parse(text.trim())
        .map(Some)
        .ok_or_else(|| {
            let message = match lang {
                _ if crate::rules::Day::has_form(text) => format!(
                    "--as-of \"{text}\" {}",
                    lang.pick("is not a day on the calendar", "不是日历上存在的日期")
                ),
                Lang::Zh => format!("--as-of \"{text}\" 不是日期（应为 年-月-日，如 2019-03-01）"),
                Lang::En => {
                    format!(
                        "--as-of \"{text}\" is not a date (expected YYYY-MM-DD, like 2019-03-01)"
                    )
                }
            };
            Failure::new(EXIT_USAGE, message)
        })
}

/// [`load_rules`] for a command that reads a table: rows without a date are dated by
/// `--as-of`, when given.
pub fn load_rules_as_of(m: &ArgMatches, lang: Lang) -> Result<RuleSet, Failure> {
    let explicit = m.get_one::<PathBuf>("rules").map(PathBuf::as_path);
    // `--as-of` dates the self-tests without a date as it dates the rows, so it is set
    // before they run (they ran at the effective date, and warned of another day).
    load_rules_to_compute(explicit, as_of_day(m, lang)?, lang)
}

/// Loads the rules in force: `explicit` if given, else `./rules.toml`, else the built-in copy.
pub fn load_rules(explicit: Option<&Path>, lang: Lang) -> Result<RuleSet, Failure> {
    let local = Path::new("rules.toml");
    let path = match explicit {
        Some(p) => p,
        None if local.is_file() => local,
        None => return Ok(RuleSet::builtin()),
    };
    let label = path.display().to_string();
    let bytes = crate::rules::read_file(path, lang).map_err(|e| {
        Failure::new(
            EXIT_BAD_INPUT,
            format!(
                "{label}: {}{}",
                lang.pick("cannot read rules: ", "无法读取规则文件："),
                lang.io_reason(&e)
            ),
        )
    })?;
    // A fund may not take a column's name: every command shows the funds as columns.
    RuleSet::from_bytes(&bytes, &label, &crate::batch::column_taken)
        .map_err(|errors| rules_failure(&errors, lang))
}

fn rules_failure(errors: &[RulesError], lang: Lang) -> Failure {
    Failure::new(
        EXIT_BAD_INPUT,
        errors
            .iter()
            .map(|e| e.render(lang))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// What went wrong in a run, as its last line begins (batch, compare and notice say it
/// alike): "2 bad rows, 1 table not read" / "2 行有错，1 个表无法读取"; empty when nothing did.
fn problems_said(bad: u64, unread: u64, lang: Lang) -> String {
    let mut problems = Vec::new();
    if bad > 0 {
        problems.push(match lang {
            Lang::En => format!("{bad} bad {}", plural(bad, "row", "rows")),
            Lang::Zh => format!("{bad} 行有错"),
        });
    }
    if unread > 0 {
        problems.push(match lang {
            Lang::En => format!("{unread} {} not read", plural(unread, "table", "tables")),
            Lang::Zh => format!("{unread} 个表无法读取"),
        });
    }
    problems.join(lang.pick(", ", "，"))
}

/// "fix it" or "fix them", as the run's problems ([`problems_said`]) are one or more.
fn fix_them(bad: u64, unread: u64) -> &'static str {
    plural(bad.saturating_add(unread), "fix it", "fix them")
}

/// The English singular or plural for `n`.
fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// Writes `text` to standard error, ignoring a failure: `eprintln!` panics when standard
/// error is closed or full, and the exit status must stay the documented one (the message
/// cannot be said anywhere else).
pub(crate) fn to_stderr(text: &str) {
    let mut err = io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|_| err.flush());
}

/// Writes to standard output, saying why it cannot as a batch run says it (`cannot write
/// <stdout>: the disk is full`); a closed pipe (`| head`) is no error, as for any filter.
pub(super) fn to_stdout(bytes: &[u8], lang: Lang) -> Result<(), Failure> {
    to_stdout_taken(bytes, lang).map(|_| ())
}

/// [`to_stdout`], and whether the bytes were taken whole (not when the reader stopped).
pub(super) fn to_stdout_taken(bytes: &[u8], lang: Lang) -> Result<bool, Failure> {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(Failure::new(
            EXIT_BAD_INPUT,
            format!(
                "{}{}: {}",
                lang.pick("cannot write ", "无法写入 "),
                lang.pick("<stdout>", "<标准输出>"),
                lang.io_reason(&e)
            ),
        )),
        Ok(()) => Ok(true),
    }
}

/// Refuses a run whose results go to standard output (`output`: -o's path, if any; `-`
/// and `/dev/stdout` are standard output too; `None` for a command with no -o, `explain`)
/// when standard output was closed (`>&-`): they would go nowhere without a word
/// ([`stdout_closed_at_start`]). Said before anything is read.
///
/// [`stdout_closed_at_start`]: crate::table::replace::stdout_closed_at_start
fn refuse_closed_stdout(output: Option<Option<&Path>>, lang: Lang) -> Result<(), Failure> {
    if !crate::table::replace::stdout_closed_at_start() {
        return Ok(());
    }
    // Only now: telling `-o` is standard output follows its links one by one.
    let named = output.flatten().filter(|p| p.as_os_str() != "-");
    if !named.is_none_or(crate::table::replace::names_stdout) {
        return Ok(());
    }
    let name = match named {
        Some(p) => p.display().to_string(),
        None => lang.pick("<stdout>", "<标准输出>").to_string(),
    };
    let (cannot, closed) = (
        lang.pick("cannot write", "无法写入"),
        lang.pick(
            "standard output was closed when roadsub started (>&-), so the results would go \
             nowhere",
            "roadsub 启动时标准输出已关闭（>&-），结果将无处可写",
        ),
    );
    let hint = match output {
        Some(_) => lang.pick(
            "; give -o FILE (-o /dev/null to discard them)",
            "；请用 -o 文件 指定输出（要丢弃结果可用 -o /dev/null）",
        ),
        None => "",
    };
    Err(Failure::new(
        EXIT_BAD_INPUT,
        format!("{cannot} {name}: {closed}{hint}"),
    ))
}

/// Refuses `-o` naming the file standard input was redirected from (`-o /dev/stdin <
/// t.csv`), or any descriptor open only for reading (`-o /dev/fd/3 3< t.csv`, standard
/// input a pipe): writing there would change a file the shell opened to be read, or feed
/// the run's own input.
fn refuse_output_open_for_reading(output: &Path, lang: Lang) -> Result<(), Failure> {
    refuse_writing_a_reading_descriptor(output, "-o ", lang)
}

/// [`refuse_output_open_for_reading`] for a file named `flag` then `output` (`-o `, or nothing
/// for the path `rules new` writes).
fn refuse_writing_a_reading_descriptor(
    output: &Path,
    flag: &str,
    lang: Lang,
) -> Result<(), Failure> {
    let out = format!("{flag}{}", output.display());
    let msg = if crate::table::replace::stdin_is(output) {
        match lang {
            Lang::En => {
                format!("{out} is the file standard input is read from; choose another output file")
            }
            Lang::Zh => format!("{out} 是标准输入所读的文件；请换一个输出文件"),
        }
    } else if crate::table::replace::names_a_reading_descriptor(output) {
        // `-o /dev/fd/3 3< t.csv`, or standard input a pipe: the run's own input.
        match lang {
            Lang::En => format!(
                "{out} is open only for reading (an input given with <, 3< or a pipe); choose another output file"
            ),
            Lang::Zh => format!("{out} 只以读方式打开（由 <、3< 或管道给出的输入）；请换一个输出文件"),
        }
    } else {
        return Ok(());
    };
    Err(Failure::new(EXIT_USAGE, msg))
}

fn stdout_is_terminal() -> bool {
    io::stdout().is_terminal()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Chinese headline of an unknown command named the commands from a list of its own,
    /// which a new command would not join: it names clap's, at the level the line got to.
    #[test]
    fn the_chinese_headline_of_an_unknown_command_names_every_command() {
        let kind = clap::error::ErrorKind::InvalidSubcommand;
        assert_eq!(
            usage_headline_zh(kind, &[]),
            "未知的命令（可用：batch、rules、explain、compare、notice）"
        );
        let args: Vec<OsString> = ["roadsub", "rules", "shwo"].map(OsString::from).to_vec();
        let said = usage_headline_zh(kind, &args);
        for c in commands_at(&args) {
            assert!(said.contains(&c), "{said} lacks {c}");
        }
        assert!(said.contains("show"), "{said}");
        // An option's value is not a command: `rules --rules check nwe` is still at `rules`.
        for line in [
            &["roadsub", "rules", "--rules", "check", "nwe"][..],
            &["roadsub", "rules", "--lang", "zh", "--rules", "new", "shwo"],
            &["roadsub", "rules", "--rules=x.toml", "shwo"],
        ] {
            let args: Vec<OsString> = line.iter().map(OsString::from).collect();
            assert_eq!(
                usage_headline_zh(kind, &args),
                "未知的命令（可用：check、show、test、new）",
                "{line:?}"
            );
        }
    }

    #[test]
    fn the_command_is_well_formed_in_both_languages() {
        command(Lang::En).debug_assert();
        command(Lang::Zh).debug_assert();
    }

    #[test]
    fn edit_distance_counts_letters_put_in_taken_out_or_changed() {
        assert_eq!(edit_distance("notic", "notice"), 1);
        assert_eq!(edit_distance("batchh", "batch"), 1);
        assert_eq!(edit_distance("exlpain", "explain"), 2);
        assert_eq!(edit_distance("", "rules"), 5);
        assert_eq!(edit_distance("rules", "rules"), 0);
        assert_eq!(edit_distance("plan", "batch"), 5);
        assert_eq!(edit_distance("ab", "ba"), 2);
    }

    #[test]
    fn a_file_named_like_no_command_is_a_table_not_a_typo() {
        let meant = |name: &str| {
            mistyped_command(Path::new(name), Lang::En).map(|said| {
                let commands = ["batch", "rules", "explain", "compare", "notice"];
                commands
                    .into_iter()
                    .find(|c| said.contains(&format!("did you mean '{c}'?")))
                    .unwrap()
            })
        };
        assert_eq!(meant("notic"), Some("notice"));
        assert_eq!(meant("Batchh"), Some("batch"));
        assert_eq!(meant("rule"), Some("rules"));
        assert_eq!(meant("comp"), Some("compare"));
        assert_eq!(meant("exlpain"), Some("explain"));
        // A table's name: with an extension, in a folder, or nothing like a command.
        for name in [
            "notic.csv",
            "./notic",
            "data/batch",
            "plan",
            "村表",
            "ab",
            "",
        ] {
            assert_eq!(meant(name), None, "{name}");
        }
    }

    #[test]
    fn compare_and_notice_said_个错误行_where_batch_says_行有错() {
        assert_eq!(problems_said(1, 0, Lang::Zh), "1 行有错");
        assert_eq!(problems_said(2, 1, Lang::Zh), "2 行有错，1 个表无法读取");
        assert_eq!(
            problems_said(1, 2, Lang::En),
            "1 bad row, 2 tables not read"
        );
        assert_eq!(
            problems_said(3, 1, Lang::En),
            "3 bad rows, 1 table not read"
        );
        assert_eq!(problems_said(0, 0, Lang::En), "");
    }

    #[test]
    fn lang_flag_wins_over_locale() {
        let args = |v: &[&str]| v.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            lang_from_args(&args(&["roadsub", "--lang", "zh", "rules", "show"])),
            Lang::Zh
        );
        assert_eq!(
            lang_from_args(&args(&["roadsub", "rules", "show", "--lang=en"])),
            Lang::En
        );
    }
}
