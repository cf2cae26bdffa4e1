//! Workbook messages said plainly, hidden sheets, and long sheets read row by row.

use super::*;
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook, Worksheet};
use std::io::{Read, Write};

const HEADER: [&str; 7] = ["编号", "乡镇", "村", "类别", "宽度", "长度", "投资"];

fn header(ws: &mut Worksheet) {
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
}

/// A segment on row `r` (from 0): text cells, then width, length and cost as numbers.
fn segment(ws: &mut Worksheet, r: u32, id: &str, width: f64, length: f64, cost: f64) {
    for (c, v) in [id, "天马乡", "画青村", "通村"].iter().enumerate() {
        ws.write_string(r, c as u16, *v).unwrap();
    }
    ws.write_number(r, 4, width).unwrap();
    ws.write_number(r, 5, length).unwrap();
    ws.write_number(r, 6, cost).unwrap();
}

/// Rewrites one part of a workbook.
fn rewrite(path: &std::path::Path, name: &str, f: impl Fn(String) -> String) {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut e = zip.by_index(i).unwrap();
        let n = e.name().unwrap().to_string();
        let mut bytes = Vec::new();
        e.read_to_end(&mut bytes).unwrap();
        w.start_file(n.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        if n == name {
            bytes = f(String::from_utf8(bytes).unwrap()).into_bytes();
        }
        w.write_all(&bytes).unwrap();
    }
    std::fs::write(path, w.finish().unwrap().into_inner()).unwrap();
}

#[test]
fn a_csv_named_xlsx_is_said_to_be_text_not_a_workbook() {
    let env = Env::new();
    let p = env.write(
        "plan.xlsx",
        "id,township,village,class,width_m,length_km,cost\n",
    );
    env.roadsub(&["batch", &p])
        .expect_code(1)
        .stderr_first_line(&format!("{p}: is not an Excel workbook but text, perhaps a CSV file under a workbook's name; rename it to .csv"))
        .stderr_lacks("EOCD");
    env.roadsub(&["batch", &p, "--lang", "zh"])
        .run()
        .stderr_first_line(&format!(
            "{p}: 不是 Excel 工作簿而是文本，可能是改了扩展名的 CSV 文件；请改名为 .csv"
        ));
}

#[test]
fn a_web_page_named_xls_is_said_to_be_one() {
    let env = Env::new();
    let p = env.write(
        "plan.xls",
        "<html><body><table><tr><td>编号</td></tr></table></body></html>",
    );
    env.roadsub(&["batch", &p])
        .expect_code(1)
        .stderr_first_line(&format!("{p}: is not an Excel workbook but a web page (HTML) or XML under a workbook's name; open it in Excel or WPS and save it as .xlsx"));
    env.roadsub(&["batch", &p, "--lang", "zh"])
        .run()
        .stderr_first_line(&format!("{p}: 不是 Excel 工作簿，而是改了扩展名的网页（HTML）或 XML 文件；请在 Excel 或 WPS 中打开并另存为 .xlsx"));
}

#[test]
fn a_password_protected_workbook_is_said_to_be_one() {
    let env = Env::new();
    // A protected .xlsx is an OLE compound file, as an old .xls is.
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(4096, 0);
    let p = env.write("plan.xlsx", &ole);
    env.roadsub(&["batch", &p])
        .expect_code(1)
        .stderr_first_line(&format!("{p}: cannot be read: the workbook is protected by a password (or is an old .xls under a new name); open it in Excel or WPS, remove the password, and save it as .xlsx"));
    env.roadsub(&["batch", &p, "--lang", "zh"])
        .run()
        .stderr_first_line(&format!("{p}: 无法读取：工作簿设有打开密码（或是改了扩展名的旧版 .xls）；请在 Excel 或 WPS 中打开，取消密码后另存为 .xlsx"));
}

#[test]
fn an_xlsx_on_standard_input_is_told_to_give_a_file_path() {
    let env = Env::new();
    let mut book = Workbook::new();
    header(book.add_worksheet());
    let bytes = book.save_to_buffer().unwrap();
    env.roadsub(&["batch", "-"])
        .stdin(&bytes)
        .expect_code(1)
        .stderr_first_line(
            "<stdin>: is an Excel workbook, which cannot be read from standard input; give it as a file path (plan.xlsx)",
        )
        .stderr_lacks("rename");
    env.roadsub(&["batch", "-", "--lang", "zh"])
        .stdin(&bytes)
        .run()
        .stderr_first_line(
            "<标准输入>: 是 Excel 工作簿，无法从标准输入读取；请给出文件路径（如 plan.xlsx）",
        );
    // Through a pipe by a name, it has no file of its own to rename.
    env.roadsub(&["batch", "/dev/stdin"])
        .stdin(&bytes)
        .expect_code(1)
        .stderr_first_line("/dev/stdin: is an Excel workbook (.xlsx) read through a pipe or standard input, which cannot be read so; give the workbook's own path (plan.xlsx)");
    env.roadsub(&["explain", "/dev/stdin", "--row", "1", "--lang", "zh"])
        .stdin(&bytes)
        .expect_code(1)
        .stderr_first_line("roadsub: /dev/stdin: 是经管道或标准输入传来的 Excel 工作簿（.xlsx），无法如此读取；请给出工作簿本身的路径（如 plan.xlsx）");
    // Under another name as a file, renaming it is what reads it.
    let renamed = env.write("plan.csv", &bytes);
    env.roadsub(&["batch", &renamed])
        .expect_code(1)
        .stderr_first_line(&format!(
        "{renamed}: is an Excel workbook (.xlsx) under another name; rename it to .xlsx to read it"
    ));
    // Named through /proc, a file is still a file (review 18b, N5).
    let through_proc = format!("/proc/self/root{}", env.path("plan.csv").display());
    env.roadsub(&["batch", &through_proc])
        .expect_code(1)
        .stderr_first_line(&format!(
            "{through_proc}: is an Excel workbook (.xlsx) under another name; rename it to .xlsx to read it"
        ));
}

/// E1's cost the formula `=F2*800000` (its result 1600000 saved), E2's a number, as
/// rust_xlsxwriter saves it: asking to be recalculated when opened.
fn plan_with_formula_cost(path: &std::path::Path) {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("道路").unwrap();
    header(ws);
    segment(ws, 1, "E1", 4.5, 2.0, 0.0);
    ws.write_formula(1, 6, Formula::new("=F2*800000").set_result("1600000"))
        .unwrap();
    segment(ws, 2, "E2", 4.5, 1.0, 800_000.0);
    book.save(path).unwrap();
}

#[test]
fn a_formula_without_a_cached_value_says_so() {
    let env = Env::new();
    let path = env.path("plan.xlsx");
    plan_with_formula_cost(&path);
    // As a program that writes formulas without calculating them leaves it.
    rewrite(&path, "xl/worksheets/sheet1.xml", |x| {
        x.replace("<f>F2*800000</f><v>1600000</v>", "<f>F2*800000</f>")
    });
    let p = path.to_string_lossy().into_owned();
    env.roadsub(&["batch", &p, "--keep-going"])
        .expect_code(1)
        .stderr_first_line(&format!("{p}[道路]:2: 投资 is a formula with no saved result: open the workbook in Excel or WPS and save it (an .xls as .xlsx: in an .xls a formula whose result is empty text cannot be told from one never calculated), or type the value"))
        .stderr_lacks("has no cost")
        .stdout_lines(2);
    env.roadsub(&["batch", &p, "--lang", "zh"])
        .run()
        .stderr_first_line(&format!("{p}[道路]:2: 投资是公式，但工作簿里没有保存它的计算结果：请在 Excel 或 WPS 中打开并保存（.xls 请另存为 .xlsx：.xls 中结果为空文本的公式与从未计算的公式无法区分），或直接填入数值"));
}

#[test]
fn a_date_in_a_number_column_is_shown_as_the_date() {
    let env = Env::new();
    let path = env.path("plan.xlsx");
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("道路").unwrap();
    header(ws);
    segment(ws, 1, "E1", 4.5, 2.0, 1_600_000.0);
    let day = ExcelDateTime::from_ymd(2024, 4, 5).unwrap();
    ws.write_datetime_with_format(1, 5, &day, &Format::new().set_num_format("yyyy/m/d"))
        .unwrap();
    book.save(&path).unwrap();
    let p = path.to_string_lossy().into_owned();
    env.roadsub(&["batch", &p])
        .expect_code(1)
        .stderr_starts(&format!("{p}[道路]:2: 长度 \"2024-04-05\" is not a length"))
        .stderr_lacks("45387");
}

#[test]
fn a_hidden_sheet_is_not_read_before_the_visible_one() {
    let env = Env::new();
    let path = env.path("plan.xlsx");
    let mut book = Workbook::new();
    let old = book.add_worksheet();
    old.set_name("旧版").unwrap();
    header(old);
    segment(old, 1, "OLD", 4.5, 2.0, 1_600_000.0);
    old.set_hidden(true);
    let new = book.add_worksheet();
    new.set_name("道路").unwrap();
    header(new);
    segment(new, 1, "NEW", 4.5, 2.0, 1_600_000.0);
    new.set_active(true);
    book.save(&path).unwrap();
    let p = path.to_string_lossy().into_owned();
    env.roadsub(&["batch", &p])
        .expect_code(0)
        .stdout_has("\nNEW,")
        .stdout_lacks("OLD");
    // Named, the hidden one is read.
    env.roadsub(&["batch", &p, "--sheet", "旧版"])
        .expect_code(0)
        .stdout_has("\nOLD,");
}

#[test]
fn a_long_sheet_is_read_row_by_row_in_order() {
    let env = Env::new();
    let path = env.path("plan.xlsx");
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.write_string(0, 0, "2018年计划").unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    for r in 0..5000u32 {
        segment(ws, r + 3, &format!("R{r}"), 4.5, 1.0, 800_000.0);
    }
    book.save(&path).unwrap();
    let p = path.to_string_lossy().into_owned();
    let run = env.roadsub(&["batch", &p]).expect_code(0);
    let ids: Vec<&str> = run
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    let expected: Vec<String> = (0..5000).map(|r| format!("R{r}")).collect();
    assert_eq!(ids, expected);
}

#[test]
fn an_excel_report_to_a_full_disk_says_so_plainly() {
    if !std::path::Path::new("/dev/full").exists() {
        return;
    }
    let env = Env::new();
    env.roadsub(&["batch", &example(), "--format", "xlsx", "-o", "/dev/full"])
        .expect_code(1)
        .stderr_has("the disk is full")
        .stderr_lacks("ZipWriter")
        .stderr_lacks("os error");
    env.roadsub(&[
        "batch",
        &example(),
        "--format",
        "xlsx",
        "-o",
        "/dev/full",
        "--lang",
        "zh",
    ])
    .run()
    .stderr_has("磁盘已满");
}

#[test]
fn a_totals_row_whose_sum_has_no_saved_result_is_left_out_not_a_bad_row() {
    // The defect: 合计 with =SUM(G2:G3) never calculated made the run write nothing ("1 bad
    // row"), where the same totals row in a CSV is left out.
    let env = Env::new();
    let path = env.path("plan.xlsx");
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("道路").unwrap();
    header(ws);
    segment(ws, 1, "E1", 4.5, 2.0, 1_600_000.0);
    segment(ws, 2, "E2", 4.5, 1.0, 800_000.0);
    ws.write_string(3, 0, "合计").unwrap();
    ws.write_formula(3, 6, Formula::new("=SUM(G2:G3)").set_result("2400000"))
        .unwrap();
    book.save(&path).unwrap();
    rewrite(&path, "xl/worksheets/sheet1.xml", |x| {
        x.replace("<f>SUM(G2:G3)</f><v>2400000</v>", "<f>SUM(G2:G3)</f>")
    });
    let p = path.to_string_lossy().into_owned();
    env.roadsub(&["batch", &p])
        .expect_code(0)
        .stderr("")
        .stdout_lines(3);
}

/// Lengths in metres and amounts in 万元 shown only by the cells' number formats (850 as
/// 850米, 120 as 120.00万元): read as 850 km and 120 yuan before, 127,500,000.00 paid with
/// status 0. Each number is read with the unit its format shows, as the same row typed that
/// way in a CSV is; a format that shifts the number it shows beside a unit is refused.
#[test]
fn units_shown_by_number_formats_are_read_with_the_numbers() {
    let env = Env::new();
    let write = |name: &str, money_format: &str| {
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        header(ws);
        segment(ws, 1, "E1", 4.5, 0.0, 0.0);
        let metres = Format::new().set_num_format(r#"0"米""#);
        let wan = Format::new().set_num_format(money_format);
        ws.write_number_with_format(1, 5, 850.0, &metres).unwrap();
        ws.write_number_with_format(1, 6, 120.0, &wan).unwrap();
        segment(ws, 2, "E2", 4.5, 1.2, 600000.0);
        let path = env.path(name);
        book.save(&path).unwrap();
        path.display().to_string()
    };
    let csv = env.write(
        "plan.csv",
        "编号,乡镇,村,类别,宽度,长度,投资\nE1,天马乡,画青村,通村,4.5,850米,120万元\nE2,天马乡,画青村,通村,4.5,1.2,600000\n",
    );
    let typed = env.roadsub(&["batch", &csv]).expect_code(0);
    let p = write("plan.xlsx", r#"0.00"万元""#);
    let shown = env.roadsub(&["batch", &p]).expect_code(0);
    assert_eq!(shown.stdout, typed.stdout);
    shown.stdout_has("E1,天马乡,画青村,通村,4.5,850米,120万元,382500.00,255000.00,637500.00,562500.00,562500.00,\n");
    let shifted = write("shifted.xlsx", r#"0!.0000"万元""#);
    env.roadsub(&["batch", &shifted])
        .expect_code(1)
        .stdout("")
        .stderr_first_line(&format!("{shifted}[Sheet1]: cell G2 shows its number through the format 0!.0000\"万元\", which scales or shifts the number shown (or names a unit it chooses by a condition, or is meant for text), so what the value itself is in cannot be told; nothing was computed from it (give the cell a plain number format, 0.00, and state the unit in the column's header, such as 投资(万元) or 长度(米))"));
    env.roadsub(&["batch", &shifted, "--lang", "zh"])
        .expect_code(1)
        .stderr_first_line(&format!("{shifted}[Sheet1]: 单元格 G2 以数字格式 0!.0000\"万元\" 显示，该格式对所显示的数字作了缩放或移位（或按条件选用所标单位、或仅用于文本），无法判断数值本身的单位，未据此计算（请将单元格设为普通数字格式如 0.00，并在列标题中注明单位，如 投资(万元) 或 长度(米)）"));
}

/// An .xls whose number formats show units (made by LibreOffice from .xlsx plans whose lengths
/// are shown as 850米, amounts as 10.00万元, widths as 4.5米, households as 12户, a length typed
/// as the text 850 under `@"米"`): calamine gives no cell's format, so the numbers had been
/// read without their units (850 km), then the workbook refused whole. Each cell is read
/// with the words its style's format shows, as the .xlsx it was made from is; a format that
/// scales the number it shows beside a unit (`0.0,"千米"`) refuses the sheet naming the cell.
/// An .ods is still refused whole, saying what to do.
#[test]
fn an_xls_showing_units_by_number_formats_is_read_as_shown_and_an_ods_refused() {
    let env = Env::new();
    env.roadsub(&["batch", &data("units-by-format.xls")])
        .expect_code(0)
        .stdout_has("\nE1,天马乡,画青村,通村,4.5,850米,10万元,12户,100000.00,0.00,100000.00,0.00,0.00,0.00,")
        .stdout_has("\nE2,天马乡,画青村,通村,4.5,1200.5米,0万元,12户,0.00,");
    env.roadsub(&["batch", &data("units-by-format-text.xls")])
        .expect_code(0)
        .stdout_has("\nE1,天马乡,画青村,通村,4.5米,850米,10万元,12,100000.00,0.00,100000.00,")
        .stdout_has("\nE2,天马乡,画青村,通村,5米,1200米,0万元,12,0.00,")
        .stdout_has("\nE3,天马乡,画青村,通村,4.5,2,1000000,12,900000.00,100000.00,1000000.00,");
    let scaled = data("units-scaled.xls");
    env.roadsub(&["batch", &scaled])
        .expect_code(1)
        .stdout("")
        .stderr_first_line(&format!("{scaled}[道路]: cell F3 shows its number through the format 0.0,\"千米\", which scales or shifts the number shown (or names a unit it chooses by a condition, or is meant for text), so what the value itself is in cannot be told; nothing was computed from it (give the cell a plain number format, 0.00, and state the unit in the column's header, such as 投资(万元) or 长度(米))"));
    // Excel 5 to 95 (BIFF5; written by hand, its texts in GBK): read alike. Its units were
    // read away (850 km, 10 yuan), silently.
    env.roadsub(&["batch", &data("units-biff5.xls")])
        .expect_code(0)
        .stdout_has("\nE1,天马乡,画青村,通村,4.5,850米,10万元,12户,100000.00,0.00,100000.00,")
        .stdout_has("\nE2,天马乡,画青村,通村,4.5,850米,1000000,12,382500.00,");
    let scaled = data("units-biff5-scaled.xls");
    env.roadsub(&["batch", &scaled])
        .expect_code(1)
        .stdout("")
        .stderr_first_line(&format!("{scaled}[道路]: cell F2 shows its number through the format 0.0,\"千米\", which scales or shifts the number shown (or names a unit it chooses by a condition, or is meant for text), so what the value itself is in cannot be told; nothing was computed from it (give the cell a plain number format, 0.00, and state the unit in the column's header, such as 投资(万元) or 长度(米))"));
    let p = data("units-by-format.ods");
    env.roadsub(&["batch", &p])
        .expect_code(1)
        .stdout("")
        .stderr_first_line(&format!("{p}: its number formats show a unit beside numbers (米), which roadsub reads only from .xlsx workbooks, so the numbers' units cannot be told; nothing was computed from it (save it as .xlsx in Excel, WPS or LibreOffice, or give the cells a plain number format and state the unit in the column's header, such as 长度(米))"));
    env.roadsub(&["batch", &p, "--lang", "zh"])
        .expect_code(1)
        .stderr_first_line(&format!("{p}: 其数字格式在数字旁标出单位（米），roadsub 仅能从 .xlsx 工作簿读取此类格式，无法判断数值的单位，未据此计算（请在 Excel、WPS 或 LibreOffice 中另存为 .xlsx，或将单元格设为普通数字格式并在列标题中注明单位，如 长度(米)）"));
}

/// An .xls encrypted under a password was refused in calamine's words, "the file may be
/// damaged … save it again" (saved again, it keeps its password): it is said to be protected,
/// and what to do.
#[test]
fn a_password_protected_xls_is_said_to_be_protected() {
    let env = Env::new();
    let p = data("password.xls");
    env.roadsub(&["batch", &p])
        .expect_code(1)
        .stdout("")
        .stderr_first_line(&format!("{p}: cannot be read: the workbook is protected by a password (or is an old .xls under a new name); open it in Excel or WPS, remove the password, and save it as .xlsx"));
}

/// Review 7, D6: townships, villages and classes merged down their column (合并单元格, as
/// offices write them) are read on every row Excel shows them on, in an .xls (made by
/// LibreOffice: B3:B5 天马乡, B6:B7 石鼓镇, C6:C7 白塔村, D6:D7 通村) as in an .xlsx; a cost
/// merged over two rows (G6:G7) is not shared out: the second row is refused, naming the
/// merge (review 44; it said "row has no cost").
#[test]
fn merged_townships_are_read_on_every_row_and_a_merged_cost_is_not_shared_out() {
    let env = Env::new();
    let book = data("merged.xls");
    env.roadsub(&["batch", &book, "--keep-going"])
        .expect_code(1)
        .stdout_has("\nA2,天马乡,玉皇村,通村,4.5,2,960000,")
        .stdout_has("\nA3,天马乡,金鸡村,通村,4.5,2,640000,")
        .stdout_has("\nA4,石鼓镇,白塔村,通村,4.5,2,800000,")
        .stderr(&format!(
            "{book}[道路]:7: 投资 is under the cells G6:G7 merged over several rows, which show one value for all of them: what is this row's cannot be told (given to every row it would be counted again, to the first alone the others would go without it); unmerge the cells in Excel or WPS and give each row its own\n1 bad row; wrote the 4 good rows to standard output\n"
        ));
}

/// Regression (review 17, found in every version before): a workbook named by a named pipe
/// (`plan.xlsx` made with `mkfifo`) was read at its head, then opened again by the workbook
/// reader, which waited for ever for a writer that was gone. Each command that reads it once
/// says what it is and what to do; a comparison, which copies such a table to a file first,
/// and a batch run whose budgets bind (which does too) read it.
#[cfg(target_os = "linux")]
#[test]
fn a_workbook_through_a_named_pipe_is_refused_or_copied_never_waited_on() {
    let env = Env::new();
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    header(ws);
    // More than the 64 KiB head a copy of a text table starts with: a workbook is copied
    // whole.
    let rows = 8_000;
    for r in 1..=rows {
        let cost = 1_600_000.0 + f64::from(r);
        segment(ws, r, &format!("E{r}"), 4.5, 2.0, cost);
    }
    let bytes = book.save_to_buffer().unwrap();
    assert!(bytes.len() > 2 * 65_536, "{}", bytes.len());
    let wrote = format!("wrote {rows} rows to ");
    let prorate = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/anyue-2018-prorate.toml")
        .to_string_lossy()
        .into_owned();
    let refused = "is named as an Excel workbook but is a pipe or a device, not a file: a workbook is read in several places and more than once, which a pipe cannot give; save it to a file and give that path (plan.xlsx)";
    let cases: [(&[&str], i32, &str); 5] = [
        (&["batch", "@", "-o", "OUT.csv"], 1, refused),
        (&["explain", "@", "--row", "2"], 1, refused),
        (&["notice", "@", "-o", "OUT"], 1, refused),
        (
            &[
                "compare",
                "@",
                "--set",
                "poverty.group.3.5=15万",
                "-o",
                "OUT.md",
            ],
            0,
            &wrote,
        ),
        (
            &["batch", "@", "--rules", &prorate, "-o", "OUT.csv"],
            0,
            &wrote,
        ),
    ];
    for (n, (args, code, said)) in cases.into_iter().enumerate() {
        let fifo = FifoFeed::start(env.path(&format!("plan{n}.xlsx")), &bytes);
        let fifo_name = fifo.arg();
        let out = env.file(&format!("out{n}"));
        let args: Vec<String> = args
            .iter()
            .map(|a| match *a {
                "@" => fifo_name.clone(),
                a => a.replace("OUT", &out),
            })
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let ran = env.roadsub(&args).run();
        assert!(!fifo.finish(), "{args:?}: waited on the pipe");
        ran.code(code).stderr_has(said);
        if code == 1 {
            ran.stderr_has(&format!("{fifo_name}: {refused}"));
        }
    }
}

/// A workbook that asks to be recalculated when opened (as rust_xlsxwriter, like roadsub's own
/// save in place after edits, leaves every workbook with formulas) holds results that may be
/// out of date: every command refuses the row that reads one, with the same words, and reads
/// the other rows; recalculated (no request, as Excel saves it), the row reads its result.
#[test]
fn a_formulas_result_that_may_be_out_of_date_is_refused_by_every_command() {
    let env = Env::new();
    let path = env.path("plan.xlsx");
    plan_with_formula_cost(&path);
    let p = path.to_string_lossy().into_owned();
    let said = format!("{p}[道路]:2: 投资 is a formula whose saved result may be out of date (the workbook asks to be recalculated when opened, as a save after edits leaves it): open the workbook in Excel or WPS and save it, or type the value");
    env.roadsub(&["batch", &p, "--keep-going"])
        .expect_code(1)
        .stderr_first_line(&said)
        .stdout_lines(2)
        .stdout_has("\nE2,");
    env.roadsub(&["batch", &p, "--lang", "zh"])
        .expect_code(1)
        .stderr_first_line(&format!("{p}[道路]:2: 投资是公式，工作簿里保存的计算结果可能已过时（工作簿要求打开时重新计算，编辑后保存即如此）：请在 Excel 或 WPS 中打开并保存，或直接填入数值"))
        .stdout("");
    env.roadsub(&["explain", &p, "--id", "E1"])
        .expect_code(1)
        .stderr_first_line(&format!("roadsub: {said}"));
    env.roadsub(&["explain", &p, "--id", "E2"])
        .expect_code(0)
        .stdout_has("cost 800,000.00 yuan");
    let out = env.path("compare.csv");
    env.roadsub(&[
        "compare",
        &p,
        "--set",
        "poverty.group.3.5=15万",
        "-o",
        &out.to_string_lossy(),
    ])
    .run()
    .stderr_first_line(&said);
    let notices = env.path("notices");
    env.roadsub(&["notice", &p, "-o", &notices.to_string_lossy()])
        .run()
        .stderr_first_line(&said);
    // Recalculated and saved by Excel: the formula's result is read.
    rewrite(&path, "xl/workbook.xml", |x| {
        x.replace(" fullCalcOnLoad=\"1\"", "")
    });
    env.roadsub(&["batch", &p])
        .expect_code(0)
        .stdout_has("\nE1,天马乡,画青村,通村,4.5,2,1600000,");
}

/// Review 20, F1: a workbook found damaged, or changed, after a batch read rows of it (an
/// array formula far down whose range begins above its own cell, met only there: the rows
/// above may be its results, out of date) said "nothing was computed from it", and yet
/// `--keep-going` wrote the 2,048 rows read before it. None is written now, to a file or to
/// standard output after the rows streamed there; the last line says the rows printed are
/// not to be used.
#[test]
fn a_workbook_found_damaged_late_has_none_of_its_rows_written() {
    let env = Env::new();
    let p = env.path("plan.xlsx");
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    header(ws);
    for r in 1..3001u32 {
        segment(ws, r, &format!("S{r}"), 4.5, 1.0, 800_000.0);
    }
    book.save(&p).unwrap();
    rewrite(&p, "xl/worksheets/sheet1.xml", |x| {
        let at = x.find(r#"<c r="G3001""#).unwrap();
        let end = at + x[at..].find("</c>").unwrap() + "</c>".len();
        let array = r#"<c r="G3001"><f t="array" ref="G2:G3001">E2:E3001*1</f><v>800000</v></c>"#;
        format!("{}{array}{}", &x[..at], &x[end..])
    });
    let p = p.to_str().unwrap();
    let said = format!("{p}[Sheet1]: the array formula in G3001 fills G2:G3001, which does not begin at its cell (spreadsheet programs save one in its range's first cell): the workbook is damaged; nothing was computed from it (open it in Excel or WPS and save it again)");
    let out = env.file("out.csv");
    env.roadsub(&["batch", p, "--keep-going", "-o", &out])
        .expect_code(1)
        .stderr(&format!("{said}\n1 table not read; nothing written\n"));
    assert!(!env.path("out.csv").exists());
    env.roadsub(&["batch", p, "--keep-going"])
        .expect_code(1)
        .stderr(&format!("{said}\n1 table not read; any rows printed above are not to be used: the workbook was found changed or damaged after they were printed\n"));
    env.roadsub(&["batch", p, "--keep-going", "--lang", "zh"])
        .expect_code(1)
        .stderr_ends("1 个表无法读取；上面输出的行（如有）不可使用：输出这些行之后发现工作簿已被改动或已损坏\n");
    env.roadsub(&["explain", p, "--id", "S5"])
        .expect_code(1)
        .stderr_has("the array formula in G3001 fills G2:G3001");
}

/// Reviews 32 and 33: a row a workbook hides (an office's way to cancel a segment, or a
/// filter left on when it was saved) was computed, totalled and written with no word. Its
/// segment is refused by every command, in every format a sheet can hide a row in (.xlsx,
/// .xls and .ods, as LibreOffice saves them), in both languages; `--keep-going` leaves it
/// out as any bad row; a hidden totals row is left out as a totals row.
#[test]
fn a_segment_the_sheet_hides_is_refused_by_every_command_in_every_format() {
    let env = Env::new();
    for name in ["hidden-rows.xlsx", "hidden-rows.xls", "hidden-rows.ods"] {
        let p = data(name);
        let said = format!("{p}[道路]:3: row is hidden in the sheet (by hand, by a filter or in a folded outline), so whether its segment is still planned cannot be told: unhide it in Excel or WPS to compute it, or delete it");
        env.roadsub(&["batch", &p])
            .expect_code(1)
            .stdout("")
            .stderr_first_line(&said)
            .stderr_has(
                "1 bad row; nothing written (fix it, or use --keep-going to write the 2 good rows)",
            );
        env.roadsub(&["batch", &p, "--keep-going", "--lang", "zh"])
            .expect_code(1)
            .stderr_first_line(&format!("{p}[道路]:3: 该行在工作表中被隐藏（手动隐藏、筛选或折叠分组），无法判断该路段是否仍在计划内：请在 Excel 或 WPS 中取消隐藏以计算它，或删除该行"))
            .stdout_lines(3)
            .stdout_has("\nE1,天马乡,画青村,通村,4.5,2,1600000,900000.00,600000.00,1500000.00,")
            .stdout_has("\nE3,卧佛镇,关田村,社道,3.5,1.5,450000,225000.00,150000.00,375000.00,");
        env.roadsub(&["explain", &p, "--id", "E2"])
            .expect_code(1)
            .stderr_first_line(&format!("roadsub: {said}"));
        env.roadsub(&["explain", &p, "--id", "E3"])
            .expect_code(0)
            .stdout_has("cost 450,000.00 yuan");
        let out = env.path("compare.csv");
        env.roadsub(&[
            "compare",
            &p,
            "--set",
            "poverty.group.3.5=15万",
            "-o",
            &out.to_string_lossy(),
        ])
        .run()
        .stderr_first_line(&said);
        let notices = env.path("notices");
        env.roadsub(&["notice", &p, "-o", &notices.to_string_lossy()])
            .run()
            .stderr_first_line(&said);
    }
}

/// A workbook with a sheet per township read only its first table, the other sheets' rows
/// left unread with no word. Each command says which other visible sheets hold a table
/// (a sheet of notes, or a hidden one, is not named), in .xlsx, .xls and .ods, in both
/// languages; `--sheet` reads one of them (explain takes it too) and says nothing.
#[test]
fn other_sheets_holding_a_table_are_named_by_every_command() {
    let env = Env::new();
    let xlsx = env.path("sheets.xlsx");
    let mut book = Workbook::new();
    for (name, id) in [
        ("天马乡", "E1"),
        ("说明", ""),
        ("卧佛镇", "W1"),
        ("旧", "O1"),
        ("石鼓镇", "S1"),
    ] {
        let ws = book.add_worksheet();
        ws.set_name(name).unwrap();
        if id.is_empty() {
            ws.write_string(0, 0, "本表说明").unwrap();
            continue;
        }
        header(ws);
        segment(ws, 1, id, 4.5, 2.0, 1_600_000.0);
        if name == "旧" {
            ws.set_hidden(true);
        }
    }
    book.save(&xlsx).unwrap();
    let xlsx = xlsx.to_string_lossy().into_owned();
    for p in [xlsx, data("sheets.xls"), data("sheets.ods")] {
        let said = format!("roadsub: warning: {p}: sheets 卧佛镇 and 石鼓镇 hold segment tables too; only 天马乡, the first, is read (--sheet NAME reads another)\n");
        env.roadsub(&["batch", &p])
            .expect_code(0)
            .stderr(&said)
            .stdout_has("\nE1,");
        env.roadsub(&["batch", &p, "--lang", "zh"])
            .expect_code(0)
            .stderr(&format!("roadsub: 警告：{p}：工作表 卧佛镇、石鼓镇 中也有路段表；只读取了第一个表所在的工作表 天马乡（用 --sheet 名称 读取其他工作表）\n"));
        env.roadsub(&["batch", &p, "--sheet", "石鼓镇"])
            .expect_code(0)
            .stderr("")
            .stdout_has("\nS1,");
        env.roadsub(&["explain", &p, "--id", "E1"])
            .expect_code(0)
            .stderr(&said);
        env.roadsub(&["explain", &p, "--id", "W1", "--sheet", "卧佛镇"])
            .expect_code(0)
            .stderr("")
            .stdout_has("[卧佛镇]:")
            .stdout_has(" segment W1: ");
        let out = env.path("compare.csv");
        env.roadsub(&[
            "compare",
            &p,
            "--set",
            "poverty.group.3.5=15万",
            "-o",
            &out.to_string_lossy(),
        ])
        .expect_code(0)
        .stderr_first_line(said.trim_end());
        let notices = env.path("notices");
        env.roadsub(&["notice", &p, "-o", &notices.to_string_lossy(), "--force"])
            .expect_code(0)
            .stderr_first_line(said.trim_end());
    }
    // Review 39: the first sheet's header far down (row 150, under a title) was not found
    // among its first rows, and the second sheet was said to be the one read; a sheet whose
    // units cannot be told (千元) holds a table all the same, and was not named.
    let deep = env.path("deep.xlsx");
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("深表").unwrap();
    ws.write_string(0, 0, "2018年计划").unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(149, c as u16, *h).unwrap();
    }
    segment(ws, 150, "D1", 4.5, 2.0, 1_600_000.0);
    let ws = book.add_worksheet();
    ws.set_name("千元表").unwrap();
    ws.write_string(0, 0, "单位：千元").unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    segment(ws, 2, "K1", 4.5, 2.0, 1_600.0);
    let ws = book.add_worksheet();
    ws.set_name("汇总").unwrap();
    ws.write_string(0, 0, "乡镇").unwrap();
    ws.write_string(0, 1, "投资").unwrap();
    book.save(&deep).unwrap();
    let deep = deep.to_string_lossy().into_owned();
    env.roadsub(&["batch", &deep])
        .expect_code(0)
        .stderr(&format!("roadsub: warning: {deep}: sheet 千元表 holds a segment table too; only 深表, the first, is read (--sheet NAME reads another)\n"))
        .stdout_has("\nD1,");
    // One sheet with a table beside a sheet of notes: nothing to say.
    let one = env.path("one.xlsx");
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    header(ws);
    segment(ws, 1, "E1", 4.5, 2.0, 1_600_000.0);
    book.add_worksheet().write_string(0, 0, "备注").unwrap();
    book.save(&one).unwrap();
    env.roadsub(&["batch", &one.to_string_lossy()])
        .expect_code(0)
        .stderr("");
}

/// Review 44: a source of the gap (整合资金 120,000) merged down over the two roads it covers
/// was read as the first road's alone, the second's as none: the first showed a surplus, the
/// second a shortfall of its whole gap, 20,000 too much in all, with no word; an amount
/// approved merged the same way left the second road paid its full ceiling. The rows under
/// such a merge are refused by every command, naming the cells; the first row is computed.
#[test]
fn an_amount_merged_down_over_several_rows_refuses_the_rows_below_its_first() {
    let env = Env::new();
    let path = env.path("plan.xlsx");
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("道路").unwrap();
    header(ws);
    ws.write_string(0, 7, "整合资金").unwrap();
    segment(ws, 1, "A1", 4.5, 2.0, 1_600_000.0);
    segment(ws, 2, "A2", 4.5, 1.0, 800_000.0);
    segment(ws, 3, "A3", 4.5, 1.0, 800_000.0);
    ws.merge_range(1, 7, 2, 7, "", &Format::new()).unwrap();
    ws.write_number(1, 7, 120_000.0).unwrap();
    book.save(&path).unwrap();
    let file = env.file("plan.xlsx");
    let en = format!(
        "{file}[道路]:3: 整合资金 is under the cells H2:H3 merged over several rows, which show one value for all of them: what is this row's cannot be told (given to every row it would be counted again, to the first alone the others would go without it); unmerge the cells in Excel or WPS and give each row its own\n"
    );
    env.roadsub(&["batch", &file]).expect(
        1,
        "",
        &format!("{en}1 bad row; nothing written (fix it, or use --keep-going to write the 2 good rows)\n"),
    );
    env.roadsub(&["batch", &file, "--lang", "zh"]).expect(
        1,
        "",
        &format!(
            "{file}[道路]:3: 整合资金位于跨多行合并的单元格 H2:H3 之下，该合并单元格为这几行只显示一个数：无法判断哪部分属于本行（每行都计会重复计算，只计第一行则其余各行缺了它）；请在 Excel 或 WPS 中取消合并，为每行分别填写\n\
             1 行有错；未写出任何结果（请先修正，或加 --keep-going 写出其余 2 行）\n"
        ),
    );
    // The first row and the row after the merge are computed as ever.
    let out = env
        .roadsub(&["batch", &file, "--keep-going"])
        .expect_code(1);
    out.stdout_has(
        "A1,天马乡,画青村,通村,4.5,2,1600000,120000,900000.00,600000.00,1500000.00,100000.00,0.00,",
    )
    .stdout_has(
        "A3,天马乡,画青村,通村,4.5,1,800000,,450000.00,300000.00,750000.00,50000.00,50000.00,",
    )
    .stdout_lacks("A2,");
    // compare, notice and explain (which read the sheet whole) refuse it alike.
    env.roadsub(&["compare", &file, "--set", "poverty.village.4.5=15万"])
        .expect_code(1)
        .stderr_starts(&en);
    env.roadsub(&["notice", &file, "-o", &env.file("notices")])
        .expect_code(1)
        .stderr_starts(&en);
    env.roadsub(&["explain", &file, "--id", "A2"])
        .expect(1, "", &format!("roadsub: {en}"));
}

/// Review 44: an .xls and an .ods read their merges too: a source merged over two roads
/// refuses the second, as in an .xlsx (an .ods's merges were not read at all, and the
/// second road's source was none).
#[test]
fn an_amount_merged_down_in_an_xls_or_an_ods_refuses_the_rows_below_its_first() {
    let env = Env::new();
    for (file, zh) in [
        (data("merged-amount.xls"), false),
        (data("merged-amount.ods"), true),
    ] {
        let lang = if zh { "zh" } else { "en" };
        let said = if zh {
            format!("{file}[道路]:3: 整合资金位于跨多行合并的单元格 H2:H3 之下，该合并单元格为这几行只显示一个数：无法判断哪部分属于本行（每行都计会重复计算，只计第一行则其余各行缺了它）；请在 Excel 或 WPS 中取消合并，为每行分别填写\n")
        } else {
            format!("{file}[道路]:3: 整合资金 is under the cells H2:H3 merged over several rows, which show one value for all of them: what is this row's cannot be told (given to every row it would be counted again, to the first alone the others would go without it); unmerge the cells in Excel or WPS and give each row its own\n")
        };
        env.roadsub(&["batch", &file, "--lang", lang])
            .expect_code(1)
            .stderr_starts(&said);
        env.roadsub(&["explain", &file, "--row", "2", "--lang", lang])
            .expect(1, "", &format!("roadsub: {said}"));
    }
}

/// Review 44: an .xls whose formulas were written without their results (xlwt, and pandas
/// writing .xls with it, give every formula a result of empty text) had a source of
/// `=10000*3` read as none: the shortfall 30,000 too high, with no word. A formula's empty
/// result in an .xls is refused as a formula with no saved result.
#[test]
fn an_xls_formula_whose_result_is_empty_text_is_refused_not_read_as_none() {
    let env = Env::new();
    let file = data("formula-unsaved.xls");
    env.roadsub(&["batch", &file]).expect(
        1,
        "",
        &format!(
            "{file}[道路]:2: 整合资金 is a formula with no saved result: open the workbook in Excel or WPS and save it (an .xls as .xlsx: in an .xls a formula whose result is empty text cannot be told from one never calculated), or type the value\n\
             1 bad row; nothing written\n"
        ),
    );
    env.roadsub(&["explain", &file, "--row", "1", "--lang", "zh"]).expect(
        1,
        "",
        &format!("roadsub: {file}[道路]:2: 整合资金是公式，但工作簿里没有保存它的计算结果：请在 Excel 或 WPS 中打开并保存（.xls 请另存为 .xlsx：.xls 中结果为空文本的公式与从未计算的公式无法区分），或直接填入数值\n"),
    );
}

/// Review 44: a formula's error in a column of names (a VLOOKUP of the village giving
/// `#N/A`) was taken for a village called "#N/A", with a notice of its own; an error value
/// of a newer Excel (`#SPILL!`, `#CALC!`), which the workbook reader cannot read, refused the
/// workbook as damaged, to be saved again (which keeps the error). A name that is a formula's
/// error is refused as an amount's is, and a newer error is named with what to do. (The cells
/// hold the errors as saved, with no formula: this workbook asks to be recalculated when
/// opened, which a formula's result would be refused for first.)
#[test]
fn a_formulas_error_is_no_name_and_a_newer_excels_error_is_no_damaged_file() {
    let env = Env::new();
    let book_with = |name: &str, f: &dyn Fn(String) -> String| {
        let path = env.path(name);
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        ws.set_name("道路").unwrap();
        header(ws);
        ws.write_string(0, 7, "整合资金").unwrap();
        segment(ws, 1, "A1", 4.5, 2.0, 1_600_000.0);
        segment(ws, 2, "A2", 4.5, 1.0, 800_000.0);
        ws.write_number(1, 7, 111.0).unwrap();
        ws.write_number(2, 7, 222.0).unwrap();
        book.save(&path).unwrap();
        rewrite(&path, "xl/worksheets/sheet1.xml", f);
        env.file(name)
    };
    let file = book_with("plan.xlsx", &|xml| {
        let village = xml.find("<c r=\"C3\"").unwrap();
        let end = village + xml[village..].find("</c>").unwrap() + 4;
        format!(
            "{}<c r=\"C3\" t=\"e\"><v>#N/A</v></c>{}",
            &xml[..village],
            &xml[end..]
        )
    });
    env.roadsub(&["batch", &file]).expect(
        1,
        "",
        &format!(
            "{file}[道路]:3: 村 \"#N/A\" is a formula's error, not a value (correct the formula in Excel or WPS, or type the value)\n\
             1 bad row; nothing written (fix it, or use --keep-going to write the 1 good row)\n"
        ),
    );
    env.roadsub(&["notice", &file, "-o", &env.file("notices")])
        .expect_code(1);
    assert!(!env.path("notices").exists());
    let newer = book_with("newer.xlsx", &|xml| {
        xml.replace("<v>111</v>", "<v>#SPILL!</v>")
            .replace("<c r=\"H2\"", "<c r=\"H2\" t=\"e\"")
    });
    let said = |zh: bool| {
        if zh {
            format!("{newer}[道路]：有单元格为 #SPILL!，即公式出错的结果（新版 Excel 的写法），工作簿读取器无法读入；未据此计算（文件并未损坏）：请在 Excel 或 WPS 中改正公式，或改填数值")
        } else {
            format!("{newer}[道路]: a cell holds #SPILL!, the error of a formula that failed (as newer Excel shows it), which the workbook reader cannot take; nothing was computed from it (the file is not damaged): correct the formula in Excel or WPS, or put a value in its place")
        }
    };
    env.roadsub(&["batch", &newer])
        .expect_code(1)
        .stderr_starts(&format!("{}\n", said(false)));
    env.roadsub(&["batch", &newer, "--lang", "zh"])
        .expect_code(1)
        .stderr_starts(&format!("{}\n", said(true)));
    env.roadsub(&["explain", &newer, "--row", "1"])
        .expect_code(1)
        .stderr_has("a cell holds #SPILL!, the error of a formula that failed");
    // A CSV saved from such a sheet holds the error as text: no village either.
    let csv = env.write(
        "plan.csv",
        "编号,乡镇,村,类别,宽度,长度,投资\nA1,天马乡,#N/A,通村,4.5,2,1600000\nA2,#REF!,画青村,#N/A,4.5,2,1600000\n",
    );
    env.roadsub(&["batch", &csv, "--lang", "zh"]).expect(
        1,
        "",
        &format!(
            "{csv}:2: 村“#N/A”是公式出错的结果，不是数值（请在 Excel 或 WPS 中改正公式，或直接填写数值）\n\
             {csv}:3: 乡镇“#REF!”是公式出错的结果，不是数值（请在 Excel 或 WPS 中改正公式，或直接填写数值）\n\
             {csv}:3: 类别“#N/A”是公式出错的结果，不是数值（请在 Excel 或 WPS 中改正公式，或直接填写数值）\n\
             2 行有错；未写出任何结果\n"
        ),
    );
}

/// Review 45: what holds for a row without adding up over rows (a width merged over roads of
/// one width; a number of the approval, 批复文号, merged over the roads it approves) was
/// refused as if merged money; such a merge is each row's, as a township's is. And an .xls
/// formula that gives empty text by its own `""` (`=IF(…,"",…)`, as Excel, WPS and
/// LibreOffice save it) is blank, not a formula with no saved result.
#[test]
fn a_merged_width_or_approval_number_is_each_rows_and_an_xls_if_giving_empty_text_is_blank() {
    let env = Env::new();
    let path = env.path("plan.xlsx");
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("道路").unwrap();
    header(ws);
    ws.write_string(0, 7, "批复文号").unwrap();
    segment(ws, 1, "A1", 4.5, 2.0, 1_600_000.0);
    segment(ws, 2, "A2", 4.5, 1.0, 800_000.0);
    ws.merge_range(1, 4, 2, 4, "", &Format::new()).unwrap();
    ws.write_number(1, 4, 4.5).unwrap();
    ws.merge_range(1, 7, 2, 7, "安扶〔2018〕12号", &Format::new())
        .unwrap();
    book.save(&path).unwrap();
    let file = env.file("plan.xlsx");
    env.roadsub(&["batch", &file])
        .expect_code(0)
        .stdout_has("\nA1,天马乡,画青村,通村,4.5,2,1600000,安扶〔2018〕12号,900000.00,600000.00,")
        .stdout_has("\nA2,天马乡,画青村,通村,4.5,1,800000,,450000.00,300000.00,");
    let xls = data("if-blank.xls");
    env.roadsub(&["batch", &xls])
        .expect_code(0)
        .stdout_has("\nS1,天马乡,画青村,一组,通村,4.5,1.5,1275000,,,126,,675000.00,450000.00,");
}
