//! The fused path (`fused.rs`) is the general path on every row it takes: a batch run over
//! any table, with it and without it, writes the same bytes and messages and adds up the same
//! totals. The tables mix the plainest rows (the ones it takes) with every near miss of them:
//! blanks, spaces, units, more decimals, zero lengths, repeated ids, totals rows, classes
//! named another way, widths between and below tiers, costs the plausible range warns of,
//! sources beyond the gap, completed km beyond the length, quoted fields, and columns it does
//! not read; under the shipped rules and under rules that round half to even, with a class no
//! fund has a tier for and no plausible range.

use proptest::prelude::*;

use super::{
    run_all, Destination, GroupBy, Input, Options, Presentation, Report, Run, TextStyle, Tuning,
    PLAIN, PLAIN_HEADER,
};
use crate::i18n::Lang;
use crate::report::{TextFormat, Unit};
use crate::rules::{RuleSet, BUILTIN_TOML};
use crate::table::Field;

/// The shipped rules (0), a variant (1: half to even, a class without tiers, no plausible
/// range), or the shipped rules with budgets that cut: one prorating the village roads'
/// poverty money, one paying each village's transport money in order, one only reporting
/// (2); one prorating each village's transport money, one paying the group roads' poverty
/// money in order, and the village project fund measured per village (3).
fn rules(variant: u8) -> RuleSet {
    match variant {
        0 => return RuleSet::builtin(),
        2 => {
            return RuleSet::shipped_with_budgets(
                "[[budgets]]\nname = \"通村硬化\"\nname_en = \"Hardening\"\nfund = \"poverty\"\n\
                 amount = \"496.5万\"\non_overrun = \"prorate\"\nclass = \"village\"\n\n\
                 [[budgets]]\nname = \"B1\"\nfund = \"transport\"\namount = \"123456.78\"\n\
                 on_overrun = \"in_order\"\nper_village = true\n\n\
                 [[budgets]]\nname = \"B2\"\nfund = \"poverty\"\namount = \"1\"\non_overrun = \"report\"\n",
            )
        }
        3 => {
            return RuleSet::shipped_with_budgets(
                "[[budgets]]\nname = \"T\"\nfund = \"transport\"\namount = \"80万\"\n\
                 on_overrun = \"prorate\"\nper_village = true\n\n\
                 [[budgets]]\nname = \"G\"\nfund = \"poverty\"\namount = \"30万\"\n\
                 on_overrun = \"in_order\"\nclass = \"group\"\n\n\
                 [[budgets]]\nname = \"V\"\nsource = \"village_fund\"\nper_village = true\n\
                 amount = \"200万\"\n",
            )
        }
        _ => {}
    }
    let text = BUILTIN_TOML
        .replace(
            "rounding = \"half_away_from_zero\"",
            "rounding = \"half_even\"",
        )
        .replace("plausible_cost_per_km = [\"5万\", \"500万\"]\n", "")
        .replace(
            "# 资金来源 / funds,",
            "[[classes]]\nid = \"county\"\nname = \"县道\"\n\n# 资金来源 / funds,",
        );
    assert_ne!(text, BUILTIN_TOML);
    RuleSet::from_toml(&text, "variant.toml").unwrap()
}

/// The columns a table may have, beyond the ones every row needs, and where.
#[derive(Debug, Clone)]
struct Shape {
    other_funds: bool,
    village_fund: bool,
    households: bool,
    completed: bool,
    /// A column of the user's own, copied through.
    remark: bool,
    /// A priority column (read under a budget that pays in order).
    priority: bool,
    /// A column the fused path does not read (cost per km or disbursed): it then takes no row.
    unread: Option<bool>,
    /// The columns reversed.
    reversed: bool,
    /// Then turned left this many places (a text column first, as a Chinese table has it).
    rotate: usize,
    /// Headed in Chinese.
    chinese: bool,
    /// With 一事一议 and 农户自筹 columns too.
    more_sources: bool,
    /// The rows in two files of one run.
    two_files: bool,
    /// The second file's columns turned one place more (its columns are then copied field by
    /// field, not as its lines stand).
    second_turned: bool,
    /// Fields separated by tabs (copied field by field too).
    tabs: bool,
}

fn shape() -> impl Strategy<Value = Shape> {
    let more = (
        0usize..14,
        any::<bool>(),
        any::<bool>(),
        prop::bool::weighted(0.3),
        any::<bool>(),
        prop::bool::weighted(0.15),
    );
    (more, shape_columns()).prop_map(
        |((rotate, chinese, more_sources, two_files, second_turned, tabs), shape)| Shape {
            rotate,
            chinese,
            more_sources,
            two_files,
            second_turned,
            tabs,
            ..shape
        },
    )
}

fn shape_columns() -> impl Strategy<Value = Shape> {
    (
        any::<bool>(),
        any::<bool>(),
        prop::bool::weighted(0.8),
        prop::bool::weighted(0.8),
        any::<bool>(),
        prop::option::weighted(0.1, any::<bool>()),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.6),
    )
        .prop_map(
            |(
                other_funds,
                village_fund,
                households,
                completed,
                remark,
                unread,
                reversed,
                priority,
            )| {
                Shape {
                    other_funds,
                    village_fund,
                    households,
                    completed,
                    remark,
                    priority,
                    unread,
                    reversed,
                    rotate: 0,
                    chinese: false,
                    more_sources: false,
                    two_files: false,
                    second_turned: false,
                    tabs: false,
                }
            },
        )
}

/// A value: mostly one of `plain`, now and then one of `odd`.
fn pick(plain: &'static [&'static str], odd: &'static [&'static str]) -> BoxedStrategy<String> {
    prop_oneof![
        6 => prop::sample::select(plain).prop_map(str::to_string),
        1 => prop::sample::select(odd).prop_map(str::to_string),
    ]
    .boxed()
}

/// A number of up to `digits` digits and `dp` decimals, as a table writes it.
fn number(digits: u32, dp: u32) -> BoxedStrategy<String> {
    (0..10u64.pow(digits), 0..=dp)
        .prop_map(move |(m, scale)| {
            let s = m.to_string();
            if scale == 0 {
                return s;
            }
            let s = format!("{s:0>width$}", width = scale as usize + 1);
            let (int, frac) = s.split_at(s.len() - scale as usize);
            format!("{int}.{frac}")
        })
        .boxed()
}

#[derive(Debug, Clone)]
struct Row {
    id: String,
    township: String,
    village: String,
    class: String,
    width: String,
    length: String,
    cost: String,
    other_funds: String,
    village_fund: String,
    households: String,
    completed: String,
    remark: String,
    priority: String,
    unread: String,
}

fn row() -> impl Strategy<Value = Row> {
    let text = |plain: &'static [&'static str], odd: &'static [&'static str]| pick(plain, odd);
    (
        (
            prop_oneof![
                8 => (0u32..60).prop_map(|n| format!("S{n}")),
                1 => prop::sample::select(&["合计", "Total", "", " S1", "S2 ", "小计：", "t1"][..])
                    .prop_map(str::to_string),
            ],
            text(
                &["乡镇0", "乡镇1", "Town A"],
                &[
                    "", " 乡镇0", "\"乡,镇\"", "a\"b", "乡镇0\u{3000}", "乡镇\u{200B}0", "Town\u{00AD}A",
                    "乡镇\u{A0}0", "Town\tA", "乡 镇0",
                ],
            ),
            // Names that hold a character that shows nothing or a space that is not an
            // ordinary one (refused by both paths), and
            // names of other characters than ASCII and Chinese (the general path's to read).
            text(
                &["村0", "村1", "村2"],
                &[
                    "", "村0 ", "\"村\"\"1\"", "\u{FEFF}村0", "村1\u{2060}", "新村（一组）", "村Ⅱ", "𠀋村",
                    "村\u{202F}1", "村 1", "村\u{2028}1", "\u{2FA6}村", "\"村\r\n1\"",
                ],
            ),
            text(
                &["village", "group", "通村", "通社", "county"],
                &["Village", "GROUP", "通組", "通村公路 ", "road", "", "县道"],
            ),
            text(
                &["3.0", "3.5", "4.0", "4.5", "5", "6.0", "4.50", "3.49"],
                &["0", "", "4.5米", " 4.5", "1000", "-1", "4.5555", "3.5000"],
            ),
        ),
        (
            prop_oneof![
                6 => number(4, 3),
                1 => prop::sample::select(
                    &["0", "0.000", "", "100000", "100001", "1.2345678", "1e3", "2公里", "0.0000001"][..]
                )
                .prop_map(str::to_string),
            ],
            prop_oneof![
                6 => number(8, 0),
                1 => number(9, 2),
                1 => prop::sample::select(
                    &["0", "", "63", "160万", "1111808.123", "999999999999999", "1,234", "#DIV/0!", " 5"][..]
                )
                .prop_map(str::to_string),
            ],
            prop_oneof![
                4 => Just("0".to_string()),
                2 => Just(String::new()),
                2 => number(7, 2),
                // Often more than the gap: a surplus, noted after any budget's cut.
                2 => number(9, 0),
                1 => prop::sample::select(&["5万", "1.005", "-3", " 1"][..]).prop_map(str::to_string),
            ],
            prop_oneof![
                6 => Just(String::new()),
                1 => number(7, 2),
            ],
            prop_oneof![
                6 => (1u32..300).prop_map(|n| n.to_string()),
                1 => prop::sample::select(&["", "0", "1.5", "000000012", "1234567890", "七"][..])
                    .prop_map(str::to_string),
            ],
            prop_oneof![
                4 => number(4, 3),
                1 => prop::sample::select(&["", "0", "99999", "1.0000001"][..]).prop_map(str::to_string),
            ],
            text(&["", "ok", "备注"], &["\"a,b\"", "x"]),
            text(&["", "1000"], &["5"]),
            text(
                &["", "1", "2", "3", "007"],
                &[
                    "-1", "1.5", "99999999999999999999", " 2", "１", "999999999999999999",
                    "9223372036854775807",
                ],
            ),
        ),
    )
        .prop_map(
            |(
                (id, township, village, class, width),
                (
                    length,
                    cost,
                    other_funds,
                    village_fund,
                    households,
                    completed,
                    remark,
                    unread,
                    priority,
                ),
            )| Row {
                id,
                township,
                village,
                class,
                width,
                length,
                cost,
                other_funds,
                village_fund,
                households,
                completed,
                remark,
                priority,
                unread,
            },
        )
}

/// A column's cell of a row.
type Cell = fn(&Row) -> &str;

/// The table's text.
fn csv(shape: &Shape, rows: &[Row]) -> String {
    let separator = if shape.tabs { "\t" } else { "," };
    let (header, rows) = cells(shape, rows);
    let mut text = header.join(separator);
    text.push('\n');
    for row in rows {
        text.push_str(&row.join(separator));
        text.push('\n');
    }
    text
}

/// The table's header and rows, cell by cell.
fn cells<'r>(shape: &Shape, rows: &'r [Row]) -> (Vec<&'static str>, Vec<Vec<&'r str>>) {
    let mut columns: Vec<(&str, Cell)> = vec![
        ("id", |r| &r.id),
        ("township", |r| &r.township),
        ("village", |r| &r.village),
        ("class", |r| &r.class),
        ("width_m", |r| &r.width),
        ("length_km", |r| &r.length),
        ("cost", |r| &r.cost),
    ];
    if shape.other_funds {
        columns.push(("other_funds", |r| &r.other_funds));
    }
    if shape.village_fund {
        columns.push(("village_fund", |r| &r.village_fund));
    }
    if shape.households {
        columns.push(("households", |r| &r.households));
    }
    if shape.completed {
        columns.push(("completed_km", |r| &r.completed));
    }
    if shape.remark {
        columns.push(("remark", |r| &r.remark));
    }
    if shape.priority {
        columns.push(("priority", |r| &r.priority));
    }
    match shape.unread {
        Some(true) => columns.push(("disbursed", |r| &r.unread)),
        Some(false) => columns.push(("cost_per_km", |r| &r.unread)),
        None => {}
    }
    if shape.more_sources {
        columns.push(("yishi_yiyi", |r| &r.village_fund));
        columns.push(("self_raised", |r| &r.other_funds));
    }
    if shape.reversed {
        columns.reverse();
    }
    let turn = shape.rotate % columns.len();
    columns.rotate_left(turn);
    let header = columns
        .iter()
        .map(|&(name, _)| match (shape.chinese, Field::of_header(name)) {
            (true, Some(field)) => field.zh(),
            _ => name,
        })
        .collect();
    let rows = rows
        .iter()
        .map(|row| columns.iter().map(|(_, cell)| cell(row)).collect())
        .collect();
    (header, rows)
}

/// The table as a workbook, as a spreadsheet holds it: each plain number a number cell, other
/// text a text cell, a blank no cell.
fn book(shape: &Shape, rows: &[Row]) -> Vec<u8> {
    let (header, rows) = cells(shape, rows);
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, name) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *name).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            let digits = cell.split_once('.').map_or(*cell, |(int, _)| int);
            let plain = !digits.is_empty()
                && cell.len() <= 15
                && cell.bytes().all(|b| b.is_ascii_digit() || b == b'.')
                && cell.matches('.').count() <= 1
                && !cell.ends_with('.');
            match cell.parse::<f64>() {
                Ok(n) if plain => sheet.write_number(r, c, n),
                _ if cell.is_empty() => continue,
                _ => sheet.write_string(r, c, *cell),
            }
            .unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

/// A run over `text`, with the fused path or without: its report, messages and output.
fn run(
    rules: &RuleSet,
    text: &str,
    by: Option<GroupBy>,
    lang: Lang,
    fused: bool,
) -> (Report, String, Vec<u8>) {
    run_chunked(rules, text, by, lang, fused, 7)
}

/// [`run`], `chunk` rows a chunk.
fn run_chunked(
    rules: &RuleSet,
    text: &str,
    by: Option<GroupBy>,
    lang: Lang,
    fused: bool,
    chunk: usize,
) -> (Report, String, Vec<u8>) {
    run_files(rules, &[text], by, lang, fused, chunk)
}

/// [`run_chunked`] over several tables, one file each, in one run.
fn run_files(
    rules: &RuleSet,
    texts: &[&str],
    by: Option<GroupBy>,
    lang: Lang,
    fused: bool,
    chunk: usize,
) -> (Report, String, Vec<u8>) {
    let files: Vec<(String, &[u8])> = texts
        .iter()
        .enumerate()
        .map(|(at, text)| (format!("plan{at}.csv"), text.as_bytes()))
        .collect();
    run_named(rules, &files, by, lang, fused, chunk)
}

/// [`run_files`] over files of any kind, each named (its extension says what it is).
fn run_named(
    rules: &RuleSet,
    files: &[(String, &[u8])],
    by: Option<GroupBy>,
    lang: Lang,
    fused: bool,
    chunk: usize,
) -> (Report, String, Vec<u8>) {
    run_read(rules, files, by, lang, fused, chunk, true)
}

/// [`run_named`], its caller reading the summary's amounts (`summary`) or not (a batch run
/// without `--summary`: [`Presentation::summary`]).
fn run_read(
    rules: &RuleSet,
    files: &[(String, &[u8])],
    by: Option<GroupBy>,
    lang: Lang,
    fused: bool,
    chunk: usize,
    summary: bool,
) -> (Report, String, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("out.csv");
    let inputs = files
        .iter()
        .map(|(name, bytes)| {
            let name = name.clone();
            let input = dir.path().join(&name);
            std::fs::write(&input, bytes).unwrap();
            Input {
                label: name,
                path: Some(input),
                // Written in UTF-8: said so, since a table whose only characters past ASCII
                // read as GBK too (`Town\u{AD}A`, a soft hyphen) is rightly refused as of an
                // encoding that cannot be told, which is no row's doing.
                encoding: Some(crate::table::Encoding::Utf8),
            }
        })
        .collect();
    let opts = Options {
        rules,
        inputs,
        destination: Destination::File(output.clone()),
        keep_going: true,
        by,
        lang,
        progress: false,
        workers: 2,
        style: TextStyle {
            format: TextFormat::Csv,
            excel: false,
            gbk: false,
        },
        sheet: None,
    };
    // Small chunks: a table spans several, each with its own fused path.
    let tuning = Tuning {
        chunk_records: chunk,
        chunk_bytes: 1 << 17,
        fused,
    };
    let mut messages = Vec::new();
    let look = Presentation {
        summary,
        ..PLAIN.clone()
    };
    let run = Run {
        opts: &opts,
        look: &look,
        header: &PLAIN_HEADER,
    };
    let report = run_all(&run, tuning, &mut messages).unwrap();
    let written = std::fs::read(&output).unwrap_or_default();
    (report, String::from_utf8(messages).unwrap(), written)
}

/// Everything a report adds up, in an order that does not depend on hashing.
fn totals(report: &Report, rules: &RuleSet) -> String {
    let summary = &report.summary;
    let mut out = format!(
        "{} good, {} bad\n{:?}\n{:?}\n",
        report.good, report.bad, summary.total, summary.groupings
    );
    for budget in &summary.budgets {
        let villages: std::collections::BTreeMap<_, std::collections::BTreeMap<_, _>> = budget
            .per_village
            .iter()
            .map(|(town, villages)| (town, villages.iter().collect()))
            .collect();
        out.push_str(&format!("{:?}\n{villages:?}\n", budget.whole));
    }
    out.push_str(&summary.render(rules, Lang::Zh, Unit::Yuan));
    out
}

fn check(
    shape: &Shape,
    rows: &[Row],
    variant: u8,
    by: Option<GroupBy>,
    lang: Lang,
) -> Result<(), TestCaseError> {
    let rules = rules(variant);
    let text = csv(shape, rows);
    // Two tables in one run, when the shape says so: the rows split in two, the second's
    // columns turned one place more when it says so.
    let texts = match shape.two_files {
        false => vec![text.clone()],
        true => {
            let (first, second) = rows.split_at(rows.len() / 2);
            let turned = Shape {
                rotate: shape.rotate + usize::from(shape.second_turned),
                ..shape.clone()
            };
            vec![csv(shape, first), csv(&turned, second)]
        }
    };
    let files: Vec<(String, &[u8])> = texts
        .iter()
        .enumerate()
        .map(|(at, text)| (format!("plan{at}.csv"), text.as_bytes()))
        .collect();
    same_either_way(&rules, &files, by, lang, &text)
}

/// A run over `files` with the fused path and one without: the same bytes, messages and
/// totals, every table read (`what` says what the files hold when they differ).
fn same_either_way(
    rules: &RuleSet,
    files: &[(String, &[u8])],
    by: Option<GroupBy>,
    lang: Lang,
    what: &str,
) -> Result<(), TestCaseError> {
    let (general, general_messages, general_out) = run_named(rules, files, by, lang, false, 7);
    let (fused, fused_messages, fused_out) = run_named(rules, files, by, lang, true, 7);
    prop_assert_eq!(
        String::from_utf8_lossy(&fused_out),
        String::from_utf8_lossy(&general_out),
        "output of\n{}",
        what
    );
    prop_assert_eq!(&fused_messages, &general_messages);
    prop_assert_eq!(totals(&fused, rules), totals(&general, rules));
    // Every table read (its header taken), so the comparison is of rows.
    prop_assert_eq!(general.failed_inputs, 0, "{}", what);
    // A run whose summary nobody reads (no --summary, no --by): the same bytes and messages,
    // the same rows counted, and warned of, as the run that sums them.
    let (counted, counted_messages, counted_out) = run_read(rules, files, by, lang, true, 7, false);
    prop_assert_eq!(
        String::from_utf8_lossy(&counted_out),
        String::from_utf8_lossy(&general_out),
        "output of\n{}",
        what
    );
    prop_assert_eq!(counted_messages, general_messages);
    prop_assert_eq!(
        (counted.good, counted.bad, counted.written),
        (general.good, general.bad, general.written)
    );
    let (t, want) = (&counted.summary.total, &general.summary.total);
    prop_assert_eq!(
        (t.segments, t.implausible),
        (want.segments, want.implausible)
    );
    // A grouping asked for is shown: then it sums, and adds up what the other run does.
    prop_assert_eq!(counted.summary.sums(), by.is_some());
    if by.is_some() {
        prop_assert_eq!(totals(&counted, rules), totals(&general, rules));
    }
    Ok(())
}

fn by() -> impl Strategy<Value = Option<GroupBy>> {
    prop::sample::select(vec![
        None,
        Some(GroupBy::Township),
        Some(GroupBy::Village),
        Some(GroupBy::Class),
    ])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn the_fused_path_is_the_general_path(
        shape in shape(),
        rows in prop::collection::vec(row(), 1..40),
        variant in 0u8..4,
        by in by(),
        zh in any::<bool>(),
    ) {
        let lang = if zh { Lang::Zh } else { Lang::En };
        check(&shape, &rows, variant, by, lang)?;
    }
}

/// Rows of the benchmark table's kind, with the fused path on: the bytes written, and the
/// same totals as the general path's. (That the fused path takes such rows is pinned by
/// `fused::tests`, which calls it directly: these bytes are the general path's too.)
#[test]
fn benchmark_rows_write_these_bytes_and_the_general_totals() {
    let rules = rules(0);
    let text =
        "id,township,village,class,width_m,length_km,cost,other_funds,households,completed_km\n\
                S1,乡镇0,村0,group,3.0,2.752,1111808,0,110,2.194\n\
                S2,乡镇1,村1,group,5.0,0.871,543504,0,9,0.088\n\
                S3,乡镇2,村2,village,3.0,3.652,2476056,20000,12,3.386\n\
                S4,乡镇2,村2,village,4.0,1.2,700000,900000,,\n";
    let (report, messages, out) = run(&rules, text, Some(GroupBy::Village), Lang::En, true);
    assert_eq!((report.good, report.bad, messages.as_str()), (4, 0, ""));
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "id,township,village,class,width_m,length_km,cost,other_funds,households,completed_km,\
         transport,poverty,subsidy_total,gap,shortfall,shortfall_per_household,due,notes\n\
         S1,乡镇0,村0,group,3.0,2.752,1111808,0,110,2.194,0.00,0.00,0.00,1111808.00,1111808.00,\
         10107.35,0.00,width 3.0 m is below the 3.5 m minimum of County transport bureau subsidy; \
         width 3.0 m is below the 3.5 m minimum of County poverty-alleviation special fund\n\
         S2,乡镇1,村1,group,5.0,0.871,543504,0,9,0.088,391950.00,87100.00,479050.00,64454.00,\
         64454.00,7161.56,48400.00,\n\
         S3,乡镇2,村2,village,3.0,3.652,2476056,20000,12,3.386,0.00,0.00,0.00,2476056.00,\
         2456056.00,204671.33,0.00,width 3.0 m is below the 3.5 m minimum of County transport \
         bureau subsidy; width 3.0 m is below the 3.5 m minimum of County poverty-alleviation \
         special fund\n\
         S4,乡镇2,村2,village,4.0,1.2,700000,900000,,,180000.00,300000.00,480000.00,220000.00,\
         0.00,,,\"width 4.0 m is below the 4.5 m tier of County transport bureau subsidy: the \
         3.5 m tier applies; width 4.0 m is below the 4.5 m tier of County poverty-alleviation \
         special fund: the 3.5 m tier applies; the sources exceed the gap: a surplus of \
         680,000.00 yuan\"\n"
    );
    let (general, _, _) = run(&rules, text, Some(GroupBy::Village), Lang::En, false);
    assert_eq!(totals(&report, &rules), totals(&general, &rules));
}

/// `Presentation::default()` sums the summary, as [`run`] does: only a caller that says it
/// does not read the amounts gets a summary that counts (the rows, not their amounts).
#[test]
fn a_run_put_by_default_sums_its_summary() {
    let rules = rules(0);
    let text = "id,township,village,class,width_m,length_km,cost\n\
                S1,乡镇0,村0,group,5.0,0.871,543504\n";
    let files = [("plan.csv".to_string(), text.as_bytes())];
    let (summed, _, _) = run_named(&rules, &files, None, Lang::En, true, 7);
    assert!(Presentation::default().summary);
    assert!(summed.summary.sums());
    assert_eq!(summed.summary.total.cost.value().to_string(), "543504.00");
    let (counted, _, _) = run_read(&rules, &files, None, Lang::En, true, 7, false);
    assert!(!counted.summary.sums());
    assert_eq!(counted.summary.total.segments, 1);
    assert!(counted.summary.total.cost.value().is_zero());
}

/// More classes and widths than the fused path keeps: the rows past them are the general
/// path's, and every row reads the same either way.
#[test]
fn more_widths_than_are_kept_read_the_same() {
    let rules = rules(0);
    let mut text = String::from("id,township,village,class,width_m,length_km,cost\n");
    for i in 0..150u32 {
        let class = ["village", "group"][(i % 2) as usize];
        let width = format!("{}.{:02}", 3 + i / 100 * 2, i % 100);
        text.push_str(&format!(
            "S{i},乡镇0,村0,{class},{width},1.5,{}\n",
            300_000 + i * 7
        ));
    }
    let (fused, fused_messages, fused_out) = run_chunked(&rules, &text, None, Lang::Zh, true, 1000);
    let (general, general_messages, general_out) =
        run_chunked(&rules, &text, None, Lang::Zh, false, 1000);
    assert_eq!(fused.good, 150);
    assert_eq!(
        String::from_utf8(fused_out).unwrap(),
        String::from_utf8(general_out).unwrap()
    );
    assert_eq!(fused_messages, general_messages);
    assert_eq!(totals(&fused, &rules), totals(&general, &rules));
}

/// Rows cut by budgets whose sources then cover more than the gap: each cut note goes before
/// the surplus, whose amount the cuts change, and the budgets' use counts every cut.
#[test]
fn budget_cuts_before_a_surplus_read_the_same() {
    let rules = rules(2);
    let mut text =
        String::from("id,township,village,class,width_m,length_km,cost,other_funds,priority\n");
    for i in 0..12u32 {
        text.push_str(&format!(
            "S{i},乡镇0,村{},village,4.5,10,5000000,4800000,{}\n",
            i % 3,
            12 - i
        ));
    }
    let (fused, fused_messages, fused_out) = run(&rules, &text, None, Lang::En, true);
    let (general, general_messages, general_out) = run(&rules, &text, None, Lang::En, false);
    assert_eq!((fused.good, fused.bad), (12, 0));
    let fused_out = String::from_utf8(fused_out).unwrap();
    let cut_then_surplus = "shared in proportion to what each asked; County transport bureau \
                            subsidy cut from 4,500,000.00 yuan to 0.00 yuan";
    assert!(fused_out.contains(cut_then_surplus), "{fused_out}");
    assert!(
        fused_out.contains(
            "by priority until spent; the sources exceed the gap: a surplus of 213,750.00 yuan"
        ),
        "{fused_out}"
    );
    assert_eq!(fused_out, String::from_utf8(general_out).unwrap());
    assert_eq!(fused_messages, general_messages);
    assert_eq!(totals(&fused, &rules), totals(&general, &rules));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// A workbook's rows are records of cells, not lines: the fused path takes them too (their
    /// columns copied field by field), and is the general path on them.
    #[test]
    fn the_fused_path_is_the_general_path_on_a_workbook(
        shape in shape(),
        rows in prop::collection::vec(row(), 1..40),
        variant in 0u8..4,
        by in by(),
        zh in any::<bool>(),
    ) {
        let lang = if zh { Lang::Zh } else { Lang::En };
        let rules = rules(variant);
        let book = book(&shape, &rows);
        let files = [("plan.xlsx".to_string(), book.as_slice())];
        same_either_way(&rules, &files, by, lang, &csv(&shape, &rows))?;
    }
}

/// The benchmark table's rows saved as a workbook: these bytes, with the fused path and
/// without it.
#[test]
fn a_workbook_of_benchmark_rows_takes_the_fused_path() {
    let rules = rules(0);
    let shape = Shape {
        other_funds: true,
        village_fund: false,
        households: true,
        completed: true,
        remark: false,
        priority: false,
        unread: None,
        reversed: false,
        rotate: 0,
        chinese: false,
        more_sources: false,
        two_files: false,
        second_turned: false,
        tabs: false,
    };
    let row = |id: &str, class: &str, width: &str, length: &str, cost: &str| Row {
        id: id.into(),
        township: "乡镇0".into(),
        village: "村0".into(),
        class: class.into(),
        width: width.into(),
        length: length.into(),
        cost: cost.into(),
        other_funds: "0".into(),
        village_fund: String::new(),
        households: "110".into(),
        completed: "0.5".into(),
        remark: String::new(),
        priority: String::new(),
        unread: String::new(),
    };
    let rows = [
        row("S1", "group", "3.0", "2.752", "1111808"),
        row("S2", "group", "5.0", "0.871", "543504"),
        row("S3", "group", "6.0", "4.732", "1779232"),
    ];
    let book = book(&shape, &rows);
    let files = [("plan.xlsx".to_string(), book.as_slice())];
    let (fused, messages, out) = run_named(&rules, &files, None, Lang::En, true, 7);
    let (general, _, general_out) = run_named(&rules, &files, None, Lang::En, false, 7);
    assert_eq!((fused.good, fused.bad, messages.as_str()), (3, 0, ""));
    // The widths are number cells: 3, not 3.0 as the CSV wrote them.
    let expected =
        "id,township,village,class,width_m,length_km,cost,other_funds,households,completed_km,\
         transport,poverty,subsidy_total,gap,shortfall,shortfall_per_household,due,notes\n\
         S1,乡镇0,村0,group,3,2.752,1111808,0,110,0.5,0.00,0.00,0.00,1111808.00,1111808.00,\
         10107.35,0.00,width 3 m is below the 3.5 m minimum of County transport bureau subsidy; \
         width 3 m is below the 3.5 m minimum of County poverty-alleviation special fund\n\
         S2,乡镇0,村0,group,5,0.871,543504,0,110,0.5,391950.00,87100.00,479050.00,64454.00,\
         64454.00,585.95,275000.00,\n\
         S3,乡镇0,村0,group,6,4.732,1779232,0,110,0.5,1779232.00,0.00,1779232.00,0.00,0.00,0.00,\
         188000.00,\"County transport bureau subsidy cut from 2,129,400.00 yuan to 1,779,232.00 \
         yuan so the subsidy does not exceed the cost; County poverty-alleviation special fund \
         cut from 473,200.00 yuan to 0.00 yuan so the subsidy does not exceed the cost\"\n";
    assert_eq!(String::from_utf8(out).unwrap(), expected);
    assert_eq!(String::from_utf8(general_out).unwrap(), expected);
    assert_eq!(totals(&fused, &rules), totals(&general, &rules));
}

/// Notes that hold amounts are written onto a row in place (`csvout::push_written_field`):
/// quoted exactly as the general path quotes the same text, whether a fund's name holds a
/// quote and a comma (each quote doubled), the amounts hold separators (quoted), or nothing
/// in the cell needs quotes (amounts under a thousand yuan: left as written).
#[test]
fn notes_with_amounts_written_in_place_are_quoted_as_the_general_path_quotes_them() {
    let text = BUILTIN_TOML.replace(
        "name_en = \"County transport bureau subsidy\"",
        "name_en = 'County \"transport\", bureau'",
    );
    assert_ne!(text, BUILTIN_TOML);
    let quoted = RuleSet::from_toml(&text, "quoted.toml").unwrap();
    let table = "id,township,village,class,width_m,length_km,cost,other_funds\n\
                 S1,乡镇0,村0,village,4.5,10,600000,0\n\
                 S2,乡镇0,村0,village,4.5,0.002,500,0\n\
                 S3,乡镇0,村1,group,6.0,1.5,1000000,0\n";
    for (rules, lang) in [
        (&quoted, Lang::En),
        (&quoted, Lang::Zh),
        (&RuleSet::builtin(), Lang::En),
    ] {
        let (fused, fused_messages, fused_out) = run(rules, table, None, lang, true);
        let (general, general_messages, general_out) = run(rules, table, None, lang, false);
        assert_eq!((fused.good, fused.bad), (3, 0));
        assert_eq!(
            String::from_utf8(fused_out).unwrap(),
            String::from_utf8(general_out).unwrap()
        );
        assert_eq!(fused_messages, general_messages);
        assert_eq!(totals(&fused, rules), totals(&general, rules));
    }
    let (_, _, out) = run(&quoted, table, None, Lang::En, true);
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains(
            ",\"County \"\"transport\"\", bureau cut from 4,500,000.00 yuan to 600,000.00 yuan so \
             the subsidy does not exceed the cost; "
        ),
        "{out}"
    );
    let (_, _, plain) = run(&RuleSet::builtin(), table, None, Lang::En, true);
    let plain = String::from_utf8(plain).unwrap();
    assert!(
        plain.contains(
            ",County transport bureau subsidy cut from 900.00 yuan to 500.00 yuan so the \
             subsidy does not exceed the cost; County poverty-alleviation special fund cut from \
             600.00 yuan to 0.00 yuan so the subsidy does not exceed the cost\n"
        ),
        "{plain}"
    );
}
