//! `roadsub explain FILE (--id ID | --row N)`: why one row's numbers are what they are, step
//! by step, with the budgets of the whole table applied (SPEC §9).

use std::path::PathBuf;

use clap::{value_parser, Arg, ArgGroup, ArgMatches, Command};

use super::{help_flag, load_rules_as_of, to_stdout, Failure, EXIT_BAD_INPUT, EXIT_OK, EXIT_USAGE};
use crate::i18n::Lang;
use crate::rules::RuleSet;
use crate::table::idform::same_id;
use crate::table::sheet::Sheet;
use crate::table::{Field, RowError};
use crate::tui::doc::{Calc, Doc};

pub(super) fn command(lang: Lang) -> Command {
    Command::new("explain")
        .about(lang.pick(
            "Explain one row: each fund's tier, rate × length, rounding, cuts, then the gap and shortfall",
            "逐步说明一行的计算：各资金的标准档、标准 × 长度、舍入、核减，再到差额与尚需筹集",
        ))
        .disable_help_flag(true)
        .help_template(super::help_template(lang))
        .next_help_heading(lang.pick("Options", "选项"))
        .after_help(lang.pick(
            "Examples:\n  roadsub explain examples/anyue-2018.csv --id AY-07\n  roadsub explain plan.csv --row 3 --format json\n  roadsub explain examples/anyue-2018-plan.csv --id AYP-002 --rules examples/anyue-2018-prorate.toml --lang zh\n  roadsub explain east.csv west.csv --id AYP-040 --rules examples/anyue-2018-prorate.toml",
            "示例：\n  roadsub explain examples/anyue-2018.csv --id AY-07\n  roadsub explain plan.csv --row 3 --format json\n  roadsub explain examples/anyue-2018-plan.csv --id AYP-002 --rules examples/anyue-2018-prorate.toml --lang zh\n  roadsub explain east.csv west.csv --id AYP-040 --rules examples/anyue-2018-prorate.toml",
        ))
        .arg(help_flag(lang))
        .arg(
            Arg::new("files")
                .value_name("FILE")
                .required(true)
                .num_args(1..)
                .value_parser(value_parser!(PathBuf))
                .help(lang.pick(
                    "The segment table (CSV or Excel), or the tables of a run, in the order a batch run gets them; every row is computed, so budgets apply across them as in a batch run",
                    "路段表（CSV 或 Excel），或一次运行的各表（顺序与批量运行相同）；全部计算，预算额度的分配与批量运行相同",
                )),
        )
        .arg(
            Arg::new("id")
                .long("id")
                .value_name("ID")
                .help(lang.pick("The row whose id is ID", "编号为 ID 的行")),
        )
        .arg(
            Arg::new("row")
                .long("row")
                .value_name("N")
                // Read by `row_number`, which says what is wrong in either language; `-1`
                // reaches it as a value too.
                .allow_negative_numbers(true)
                .help(lang.pick(
                    "The N-th row below the header (1 = the first)",
                    "表头下第 N 行（1 为第一行）",
                )),
        )
        .group(ArgGroup::new("which").args(["id", "row"]).required(true))
        .arg(super::encoding_arg(
            "encoding",
            "encoding",
            "Encoding of each FILE that is a CSV table: utf-8 or gbk (GBK/GB18030) [default: recognised from each whole file]",
            "每个 FILE（CSV 表格）的编码：utf-8 或 gbk（GBK/GB18030）［默认：由各文件全文识别］",
            lang,
        ))
        .arg(
            Arg::new("format")
                .long("format")
                .value_name("text|json")
                .value_parser(["text", "json"])
                .hide_possible_values(true)
                .help(lang.pick("Output format [default: text]", "输出格式［默认：text］")),
        )
        .args(super::header_args(lang))
        .arg(super::as_of_arg(lang))
        .arg(super::sheet_arg(lang))
}

pub(super) fn run(m: &ArgMatches, lang: Lang) -> Result<u8, Failure> {
    super::refuse_closed_stdout(None, lang)?;
    // A command line that names no row is refused before anything is read.
    let row = m
        .get_one::<String>("row")
        .map(|text| row_number(text, lang))
        .transpose()?;
    let header = super::header_options(m, lang)?;
    let files: Vec<&PathBuf> = m.get_many::<PathBuf>("files").expect("required").collect();
    if files.len() > 1 && row.is_some() {
        // A row's number is counted in one table.
        return Err(Failure::new(
            EXIT_USAGE,
            lang.pick(
                "--row counts the rows of one table: with several tables, name the row by --id",
                "--row 按单个表计行：给出多个表时，请用 --id 指定行",
            ),
        ));
    }
    let rules = load_rules_as_of(m, lang)?;
    let sheet = m.get_one::<String>("sheet").map(String::as_str);
    super::compare_cmd::warn_sheet_on_tables(m, &files, lang);
    super::compare_cmd::warn_other_tables(sheet, &files, &header, lang);
    if files.len() > 1 {
        return several(m, &files, header, &rules, lang);
    }
    let path = files[0];
    let label = path.display().to_string();
    if label == "-" {
        // A usage error, as for several tables (and compare's and notice's).
        return Err(Failure::new(
            EXIT_USAGE,
            lang.pick(
                "explain reads a table from a file, not from standard input: give its path",
                "explain 从文件读取路段表，不读标准输入：请给出文件路径",
            )
            .to_string(),
        ));
    }
    // Looked at, never saved: the bytes a save would need are not kept.
    let sheet = Sheet::load_to_look(path, sheet, super::encoding_of(m, "encoding"), &header)
        .map_err(|e| Failure::new(EXIT_BAD_INPUT, e.render(&label, lang)))?;
    // A workbook's rows are told by sheet, as a batch run tells them: plan.xlsx[道路]:5.
    let label = match &sheet.workbook {
        Some(origin) => format!("{label}[{}]", origin.sheet),
        None => label,
    };
    units_in_doubt(&sheet, &rules, &label, lang)?;
    let id_col = sheet.columns.index(Field::Id);
    let at = match (m.get_one::<String>("id"), row) {
        (Some(id), _) => {
            let id = id.trim();
            let lines: Vec<u64> = sheet
                .rows
                .iter()
                .filter(|r| id_col.is_some_and(|c| same_id(r.get(c).trim(), id)))
                .map(|r| r.line)
                .collect();
            if lines.len() > 1 {
                // A batch run refuses a table with a repeated id: so does this, naming both.
                let lines = lines.iter().map(u64::to_string).collect::<Vec<_>>();
                return Err(Failure::new(
                    EXIT_BAD_INPUT,
                    match lang {
                        Lang::En => format!(
                            "{label}: the id \"{id}\" is on lines {} (ids must be unique); give --row instead",
                            lines.join(", ")
                        ),
                        Lang::Zh => format!(
                            "{label}：编号“{id}”出现在第 {} 行（编号必须唯一）；请改用 --row",
                            lines.join("、")
                        ),
                    },
                ));
            }
            sheet
                .rows
                .iter()
                .position(|r| id_col.is_some_and(|c| same_id(r.get(c).trim(), id)))
                .ok_or_else(|| {
                    Failure::new(
                        EXIT_BAD_INPUT,
                        match lang {
                            Lang::En => format!("{label}: no row has the id \"{id}\""),
                            Lang::Zh => format!("{label}：没有编号为“{id}”的行"),
                        },
                    )
                })?
        }
        (None, Some(n)) => {
            let rows = sheet.rows.len();
            usize::try_from(n - 1)
                .ok()
                .filter(|&i| i < rows)
                .ok_or_else(|| {
                    Failure::new(
                        EXIT_BAD_INPUT,
                        match lang {
                            Lang::En => {
                                format!("{label}: there is no row {n} (the table has {rows})")
                            }
                            Lang::Zh => format!("{label}：没有第 {n} 行（表中共 {rows} 行）"),
                        },
                    )
                })?
        }
        (None, None) => unreachable!("clap requires --id or --row"),
    };
    let line = sheet.rows[at].line;
    // Said before the steps, so a number read in 万元 is never taken for yuan.
    let units: String = sheet
        .columns
        .units
        .describe(lang)
        .iter()
        .map(|l| format!("{l}\n"))
        .collect();
    let id = id_col.map_or_else(String::new, |c| sheet.rows[at].get(c).trim().to_string());
    let (doc, at) = judged(sheet, at, &rules);
    if shares_out(&rules) {
        let bad: Vec<String> = (0..doc.sheet.rows.len())
            .filter(|&r| !doc.not_a_segment(r) && matches!(doc.calc(&rules, r), Calc::Bad(_)))
            .map(|r| doc.sheet.rows[r].line.to_string())
            .collect();
        left_out_of_sharing(Some(&label), &bad, lang);
    }
    match doc.calc(&rules, at) {
        Calc::Good(c) => said(
            m,
            &rules,
            (&label, line, &id),
            &c.segment,
            &c.breakdown,
            &units,
            lang,
        ),
        Calc::Bad(errors) => Err(refused(&errors, &label, &rules, lang)),
    }
}

/// Explains the row `--id` names among several tables, computed as one run, as a batch run of
/// them computes it: budgets that share out an envelope share it across all the tables.
fn several(
    m: &ArgMatches,
    files: &[&PathBuf],
    header: crate::table::HeaderOptions,
    rules: &RuleSet,
    lang: Lang,
) -> Result<u8, Failure> {
    super::compare_cmd::refuse_twice(files, lang)?;
    let reading = super::notice_cmd::Reading {
        encoding: super::encoding_of(m, "encoding"),
        flag: "--encoding",
        sheet: m.get_one::<String>("sheet").map(String::as_str),
        header,
        from_stdin: (
            "explain reads tables from files, not from standard input: give their paths",
            "explain 从文件读取路段表，不读标准输入：请给出文件路径",
        ),
    };
    let (tables, unread) = super::notice_cmd::tables_read(files, &reading, rules, lang)?;
    if unread > 0 {
        // Without a table, the envelopes would be shared otherwise than the run shares them.
        let problems = super::problems_said(0, unread as u64, lang);
        return Err(Failure::new(
            EXIT_BAD_INPUT,
            match lang {
                Lang::En => format!("{problems}; nothing explained"),
                Lang::Zh => format!("{problems}；未作解释"),
            },
        ));
    }
    for t in &tables {
        units_in_doubt(&t.sheet, rules, &t.label, lang)?;
    }
    let id = m.get_one::<String>("id").expect("--row was refused").trim();
    let mut places = Vec::new();
    for (t, table) in tables.iter().enumerate() {
        if let Some(c) = table.sheet.columns.index(Field::Id) {
            for (r, row) in table.sheet.rows.iter().enumerate() {
                if same_id(row.get(c).trim(), id) {
                    places.push((t, r));
                }
            }
        }
    }
    let place =
        |&(t, r): &(usize, usize)| format!("{}:{}", tables[t].label, tables[t].sheet.rows[r].line);
    let (t, r) = match places.as_slice() {
        [one] => *one,
        [] => {
            return Err(Failure::new(
                EXIT_BAD_INPUT,
                match lang {
                    Lang::En => format!("no row of the tables has the id \"{id}\""),
                    Lang::Zh => format!("各表中没有编号为“{id}”的行"),
                },
            ))
        }
        many => {
            // A batch run refuses a repeated id, across its tables too: so does this.
            let at: Vec<String> = many.iter().map(place).collect();
            return Err(Failure::new(
                EXIT_BAD_INPUT,
                match lang {
                    Lang::En => format!(
                        "the id \"{id}\" is on {} (ids must be unique across the tables)",
                        at.join(", ")
                    ),
                    Lang::Zh => format!("编号“{id}”出现在 {}（各表的编号必须唯一）", at.join("、")),
                },
            ));
        }
    };
    let run = crate::report::notice::Run::new(&tables, rules)
        .map_err(|e| Failure::new(EXIT_BAD_INPUT, e.render(lang)))?;
    if shares_out(rules) {
        let bad: Vec<String> = run
            .errors()
            .iter()
            .filter_map(|(t, e)| Some(format!("{}:{}", tables[*t].label, e.first()?.line)))
            .collect();
        left_out_of_sharing(None, &bad, lang);
    }
    let table = &tables[t];
    let line = table.sheet.rows[r].line;
    let units: String = table
        .sheet
        .columns
        .units
        .describe(lang)
        .iter()
        .map(|l| format!("{l}\n"))
        .collect();
    match run.row(t, r) {
        Some(Ok((segment, breakdown))) => said(
            m,
            rules,
            (&table.label, line, id),
            &segment,
            &breakdown,
            &units,
            lang,
        ),
        Some(Err(errors)) => Err(refused(&errors, &table.label, rules, lang)),
        None => Err(Failure::new(
            EXIT_BAD_INPUT,
            match lang {
                Lang::En => format!(
                    "{}: row is a total, not a segment (left out)",
                    place(&(t, r))
                ),
                Lang::Zh => format!("{}：该行是合计行，不是路段（不计入）", place(&(t, r))),
            },
        )),
    }
}

/// Whether some budget of `rules` shares out an envelope among the rows under it.
fn shares_out(rules: &RuleSet) -> bool {
    rules
        .budgets
        .iter()
        .any(|b| crate::report::allocate::allocates(b).is_some())
}

/// The explanation of a row (`row`: the table's label, the row's line and id) in the format
/// the command line asks for, written to standard output.
fn said(
    m: &ArgMatches,
    rules: &RuleSet,
    row: (&str, u64, &str),
    segment: &crate::engine::Segment,
    breakdown: &crate::engine::Breakdown,
    units: &str,
    lang: Lang,
) -> Result<u8, Failure> {
    let text = match m.get_one::<String>("format").map(String::as_str) {
        Some("json") => {
            let as_of_given = m.contains_id("as_of");
            let v = crate::report::explain::json(rules, row, segment, breakdown, as_of_given, lang);
            format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default())
        }
        _ => {
            let text = crate::report::explain::text(rules, row, segment, breakdown, lang);
            format!("{units}{text}")
        }
    };
    to_stdout(text.as_bytes(), lang)?;
    Ok(EXIT_OK)
}

/// A row that cannot be computed: its errors, as a batch run says them.
fn refused(errors: &[RowError], label: &str, rules: &RuleSet, lang: Lang) -> Failure {
    Failure::new(
        EXIT_BAD_INPUT,
        errors
            .iter()
            .map(|e| e.render(label, rules, lang))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// Refuses a table with a note or a row of units among its rows that gives another unit than
/// the rows are read in: every row of it may be in the wrong unit, and batch, compare and
/// notice write nothing of it (a row explained alone was explained in that unit, exit 0).
fn units_in_doubt(sheet: &Sheet, rules: &RuleSet, label: &str, lang: Lang) -> Result<(), Failure> {
    let mut ends = Vec::new();
    let columns = &sheet.columns;
    // What `not_a_segment` asks first, of the row's fields where they lie: most rows of a
    // table pass, and only the rest are made records and asked the rest.
    let id = columns.index(Field::Id);
    let id_header = id
        .and_then(|i| columns.names.get(i))
        .map_or("", String::as_str);
    let said: Vec<String> = sheet
        .rows
        .iter()
        .filter(|r| {
            !id.is_some_and(|id| {
                let field = |i: usize| (i < r.len()).then(|| r.get(i));
                crate::table::row::surely_a_segment_of(field, id, id_header)
            })
        })
        .filter_map(|r| {
            let record = r.record(&mut ends);
            match crate::table::row::not_a_segment(&record, &sheet.columns) {
                Some(Some(problem)) if problem.puts_units_in_doubt() => {
                    Some(RowError::row(r.line, problem).render(label, rules, lang))
                }
                _ => None,
            }
        })
        .collect();
    if said.is_empty() {
        return Ok(());
    }
    let problems = super::problems_said(said.len() as u64, 0, lang);
    let why = crate::table::Problem::units_in_doubt(lang);
    let end = match lang {
        Lang::En => format!("{problems}; nothing explained: {why}"),
        Lang::Zh => format!("{problems}；未作解释：{why}"),
    };
    Err(Failure::new(
        EXIT_BAD_INPUT,
        format!("{}\n{end}", said.join("\n")),
    ))
}

/// The table as the explanation of row `at` needs it, and where the row is in it. A row
/// depends on the rest of the table through its id (seen on an earlier row, it is a repeat,
/// as in a batch run) and through budgets that share out an envelope among the rows under
/// it. Without such budgets, the row and the first earlier row with its id, if any, say all
/// of it, and the other rows are neither computed nor kept; with them, the whole table is
/// computed, as the table view holds it.
fn judged(mut sheet: Sheet, at: usize, rules: &RuleSet) -> (Doc, usize) {
    if shares_out(rules) {
        return (Doc::new(sheet, None, rules), at);
    }
    let id_col = sheet.columns.index(Field::Id);
    let id = id_col.map_or("", |c| sheet.rows[at].get(c).trim());
    let earlier = match (id.is_empty(), id_col) {
        (false, Some(c)) => sheet.rows[..at]
            .iter()
            .position(|r| same_id(r.get(c).trim(), id)),
        _ => None,
    };
    let row = sheet.rows.swap_remove(at);
    let mut rows = Vec::with_capacity(2);
    if let Some(e) = earlier {
        rows.push(sheet.rows.swap_remove(e));
    }
    rows.push(row);
    let at = rows.len() - 1;
    sheet.rows = rows;
    (Doc::new(sheet, None, rules), at)
}

/// Says on standard error which rows that cannot be computed (`bad`: their lines, or with
/// several tables their tables and lines) were left out of the sharing of an envelope (the
/// figures explained are shared among the rows that can), as a batch run with `--keep-going`
/// leaves them out; without it, a batch run refuses the table. `label`: the one table's.
fn left_out_of_sharing(label: Option<&str>, bad: &[String], lang: Lang) {
    if bad.is_empty() {
        return;
    }
    let n = bad.len();
    let lines = bad
        .iter()
        .take(5)
        .cloned()
        .collect::<Vec<_>>()
        .join(lang.pick(", ", "、"));
    let more = if n > 5 { "…" } else { "" };
    let text = match (lang, label) {
        (Lang::En, Some(label)) => format!(
            "roadsub: warning: {label}: {n} {} that cannot be computed (line{} {lines}{more}) {} left out of the budgets' sharing, as `batch --keep-going` leaves {}; without it, a batch run refuses the table\n",
            if n == 1 { "row" } else { "rows" },
            if n == 1 { "" } else { "s" },
            if n == 1 { "is" } else { "are" },
            if n == 1 { "it out" } else { "them out" },
        ),
        (Lang::Zh, Some(label)) => format!(
            "roadsub: 警告：{label}：有 {n} 行无法计算（第 {lines}{more} 行），未参与预算额度的分配，与 batch --keep-going 相同；不加该选项时 batch 拒绝计算此表\n"
        ),
        (Lang::En, None) => format!(
            "roadsub: warning: {n} {} that cannot be computed ({lines}{more}) {} left out of the budgets' sharing, as `batch --keep-going` leaves {}; without it, a batch run refuses the tables\n",
            if n == 1 { "row" } else { "rows" },
            if n == 1 { "is" } else { "are" },
            if n == 1 { "it out" } else { "them out" },
        ),
        (Lang::Zh, None) => format!(
            "roadsub: 警告：有 {n} 行无法计算（{lines}{more}），未参与预算额度的分配，与 batch --keep-going 相同；不加该选项时 batch 拒绝计算这些表\n"
        ),
    };
    super::to_stderr(&text);
}

/// The row `--row` names: a whole number from 1. Anything else is a usage error, said in
/// `lang` (clap's own message is English only).
fn row_number(text: &str, lang: Lang) -> Result<u64, Failure> {
    text.trim()
        .parse::<u64>()
        .ok()
        .filter(|&n| n >= 1)
        .ok_or_else(|| {
            let message = match lang {
                Lang::En => format!(
                    "--row \"{text}\" is not a row: N counts the rows below the header from 1 (1 = the first)"
                ),
                Lang::Zh => format!(
                    "--row \"{text}\" 不是行号：N 为表头下的行序号，从 1 起（1 为第一行）"
                ),
            };
            Failure::new(EXIT_USAGE, message)
        })
}
