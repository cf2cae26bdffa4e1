//! Why a workbook cannot be read, said as the user can act on it in either language: a CSV
//! or a web page under a workbook's name, a password, a sheet or header not found.

use super::HeaderProblem;
use crate::i18n::Lang;
use crate::table::TableError;

/// Why a workbook cannot be read.
#[derive(Debug)]
pub enum WorkbookError {
    /// The file could not be read.
    Io(std::io::Error),
    /// A cell holds an error value of a newer Excel (`#SPILL!`, `#CALC!`) that calamine's
    /// reader cannot read (it said the file damaged).
    NewerErrorValue(String),
    /// The file is not a workbook at all (`text`: it looks like a text file).
    NotAWorkbook { text: bool },
    /// The file is a web page or XML under a workbook's name (as some systems export "Excel").
    Markup,
    /// An .xlsx/.xlsm/.xlsb that is an OLE file: protected by a password, or an old .xls renamed.
    Protected,
    /// A workbook came on standard input, where it cannot be read.
    OnStdin,
    /// A workbook named by a path that is no file on disk (a named pipe, `/dev/fd/N`, a
    /// device), which gives its bytes once, in order, where a workbook is read in several
    /// places and more than once.
    NotAFile,
    /// The file could not be opened as a workbook.
    Open(String),
    /// Sheet `sheet` gave other cells when calamine read on where the quick reader stopped:
    /// nothing is computed from cells read two ways that do not agree.
    Disagree { sheet: String },
    /// The file is no longer the one first opened (saved again, replaced or removed while it
    /// was read): nothing is computed from two versions of it.
    Changed,
    /// The reading of the workbook ended without a word of why (its thread stopped, or a
    /// reader that is never unsure was): an internal error, never a row fewer.
    Stopped,
    /// A cell of sheet `sheet`, in row `row` (from 1), lies beyond the last column a sheet
    /// can have (XFD, the 16,384th): the workbook is damaged, and laying the row out would
    /// take more memory than any table.
    BeyondLastColumn { sheet: String, row: u64 },
    /// A cell of sheet `sheet` lies beyond the last row a sheet can have (the 1,048,576th):
    /// the workbook is damaged. (Its row is not said: a count that large may be past what
    /// the reader keeps.)
    BeyondLastRow { sheet: String },
    /// The shared string table claims `claimed` strings, more than its part can hold: the
    /// workbook is damaged (and reading it would set aside memory for them all).
    StringsMiscounted { claimed: String },
    /// The workbook's content ends before its elements do (an .ods cut short).
    CutShort,
    /// An .xls whose chain of sectors comes round on itself, or leads outside its data: the
    /// file is damaged.
    ChainCycle,
    /// An .xls sheet whose Dimensions record spans `rows` × `cols` cells, more than a sheet
    /// can have (65,536 × 256): the file is damaged (and reading it would set memory aside
    /// for them all).
    SheetSpans { rows: u64, cols: u64 },
    /// An .xls whose sheets, laid out whole as its reader opens it, take `cells` cells
    /// together, past what a workbook read whole may take.
    SheetsSpan { cells: u64 },
    /// Cell `col`/`row` (from 0 and 1) of sheet `sheet` holds a number whose format names a
    /// unit beside it while scaling or shifting the number shown (`0!.0000"万元"` shows
    /// 123456 as 12.3456万元): what the value itself is in cannot be told.
    ScaledUnit {
        sheet: String,
        row: u64,
        col: u32,
        format: String,
    },
    /// An .xls, .xlsb or .ods whose number formats show a unit beside numbers (`shown`, as
    /// `米` in `0"米"`): which cells they are is read only from an .xlsx, so the numbers'
    /// units cannot be told.
    UnitsByFormat { shown: String },
    /// The workbook's part `part` is not well-formed XML, at byte `at` of it.
    Malformed { part: String, at: u64 },
    /// A shared formula of sheet `sheet` is numbered `number` (as written), past both the
    /// numbers every sheet may use and the count of shared formulas before it: the workbook
    /// is damaged (and reading it would set aside a slot for every number up to it).
    SharedFormulaPast { sheet: String, number: String },
    /// A cell of sheet `sheet`, in row `row` (from 1), comes again or before a cell already
    /// read: the workbook is damaged.
    OutOfOrder { sheet: String, row: u64 },
    /// The array formula in cell `cell` of sheet `sheet` fills `range`, which does not begin
    /// at that cell (spreadsheet programs save one in its range's first cell): the workbook
    /// is damaged, and the rows above the formula, read before it was met, may hold its
    /// results.
    ArrayAbove {
        sheet: String,
        cell: String,
        range: String,
    },
    /// calamine stopped on something in the workbook it cannot handle (it panicked: a count
    /// of a cell reference's row or column too large for it, or worse); `detail` is what it
    /// said (`attempt to add with overflow`, said in the user's words). Caught by
    /// [`super::guard::calamine`].
    ReaderFailed { detail: String },
    /// A cell of sheet `sheet` (row `row` from 1, column `col` from 0) lies so far from the
    /// others that the sheet, read whole, would span more cells than memory holds.
    TooSpread { sheet: String, row: u64, col: u32 },
    /// No sheet has that name or number.
    NoSuchSheet { asked: String, sheets: Vec<String> },
    /// More than one sheet reads as the name asked (`计划 B` for `计划\u{a0}B` and
    /// `计划\u{2009}B`), none of them written so.
    SheetsAlike { asked: String, sheets: Vec<String> },
    /// No sheet (or not the one asked for) has a recognisable header.
    NoHeader {
        sheet: Option<String>,
        problems: Vec<HeaderProblem>,
        found: Vec<String>,
    },
}

/// The ASCII digits `digits` grouped by threes for people: `1000000` → `1,000,000`.
fn grouped(digits: &str) -> String {
    let mut out = String::new();
    crate::money::push_digits_grouped(&mut out, digits);
    out
}

/// The name asked for and the sheets' names as a message shows them: escaped (a no-break
/// space in one showed as an ordinary space).
fn escaped_names(asked: &str, sheets: &[String]) -> (String, Vec<String>) {
    let escaped = crate::table::row::escaped;
    (escaped(asked), sheets.iter().map(|n| escaped(n)).collect())
}

/// `file[sheet]`, or `file` when it names the sheet already (a batch's label does).
fn at_sheet(file: &str, sheet: &str) -> String {
    let named = file
        .strip_suffix(']')
        .and_then(|f| f.strip_suffix(sheet))
        .is_some_and(|f| f.ends_with('['));
    if named {
        file.to_string()
    } else {
        format!("{file}[{sheet}]")
    }
}

impl WorkbookError {
    /// Whether the rows of the sheet read before this was found may not be what the sheet
    /// holds, so that none of them may be written (even with `--keep-going`): the file
    /// changed while it was read, its two readers disagreed, or a formula met late fills
    /// cells above it.
    pub fn voids_rows_read(&self) -> bool {
        matches!(
            self,
            WorkbookError::Changed
                | WorkbookError::Disagree { .. }
                | WorkbookError::ArrayAbove { .. }
        )
    }

    /// `FILE: message`, or `FILE[Sheet]: message`.
    pub fn render(&self, file: &str, lang: Lang) -> String {
        match self {
            WorkbookError::Io(e) => format!(
                "{file}: {}{}",
                lang.pick("cannot read: ", "无法读取："),
                lang.io_reason(e)
            ),
            WorkbookError::NotAWorkbook { text: true } => format!(
                "{file}: {}",
                lang.pick(
                    "is not an Excel workbook but text, perhaps a CSV file under a workbook's name; rename it to .csv",
                    "不是 Excel 工作簿而是文本，可能是改了扩展名的 CSV 文件；请改名为 .csv",
                )
            ),
            WorkbookError::Markup => format!(
                "{file}: {}",
                lang.pick(
                    "is not an Excel workbook but a web page (HTML) or XML under a workbook's name; open it in Excel or WPS and save it as .xlsx",
                    "不是 Excel 工作簿，而是改了扩展名的网页（HTML）或 XML 文件；请在 Excel 或 WPS 中打开并另存为 .xlsx",
                )
            ),
            WorkbookError::Protected => format!(
                "{file}: {}",
                lang.pick(
                    "cannot be read: the workbook is protected by a password (or is an old .xls under a new name); open it in Excel or WPS, remove the password, and save it as .xlsx",
                    "无法读取：工作簿设有打开密码（或是改了扩展名的旧版 .xls）；请在 Excel 或 WPS 中打开，取消密码后另存为 .xlsx",
                )
            ),
            WorkbookError::NotAWorkbook { text: false } => format!(
                "{file}: {}",
                lang.pick(
                    "is not an Excel workbook of the kind its name says (the file is damaged or of another kind)",
                    "不是扩展名所说的 Excel 工作簿（文件已损坏或是其他类型）",
                )
            ),
            WorkbookError::OnStdin => format!(
                "{file}: {}",
                lang.pick(
                    "is an Excel workbook, which cannot be read from standard input; give it as a file path (plan.xlsx)",
                    "是 Excel 工作簿，无法从标准输入读取；请给出文件路径（如 plan.xlsx）",
                )
            ),
            WorkbookError::NotAFile => format!(
                "{file}: {}",
                lang.pick(
                    "is named as an Excel workbook but is a pipe or a device, not a file: a workbook is read in several places and more than once, which a pipe cannot give; save it to a file and give that path (plan.xlsx)",
                    "按名称是 Excel 工作簿，但它是管道或设备而不是文件：工作簿须多处、多次读取，管道无法做到；请先存为文件，再给出该文件路径（如 plan.xlsx）",
                )
            ),
            WorkbookError::NewerErrorValue(value) => match lang {
                Lang::En => format!(
                    "{file}: a cell holds {value}, the error of a formula that failed (as newer Excel shows it), which the workbook reader cannot take; nothing was computed from it (the file is not damaged): correct the formula in Excel or WPS, or put a value in its place"
                ),
                Lang::Zh => format!(
                    "{file}：有单元格为 {value}，即公式出错的结果（新版 Excel 的写法），工作簿读取器无法读入；未据此计算（文件并未损坏）：请在 Excel 或 WPS 中改正公式，或改填数值"
                ),
            },
            // The reader's own words are English: quoted as such, inside a message in the
            // user's language that says what to do.
            WorkbookError::Open(e) => match lang {
                Lang::En => format!(
                    "{file}: cannot read the workbook: {} (the reader's words): the file may be damaged; nothing was computed from it (open it in Excel or WPS and save it again)",
                    e.trim_end_matches('.')
                ),
                Lang::Zh => format!(
                    "{file}: 无法读取工作簿（读取器的说明：{}），文件可能已损坏，未据此计算（请在 Excel 或 WPS 中打开后重新保存）",
                    e.trim_end_matches('.')
                ),
            },
            WorkbookError::Disagree { sheet } => format!(
                "{}: {}",
                at_sheet(file, sheet),
                lang.pick(
                    "read twice, the sheet gave different cells; nothing was computed from it (save it again in Excel or WPS and retry)",
                    "两次读取该工作表所得单元格不一致，未据此计算（请在 Excel 或 WPS 中重新保存后再试）",
                )
            ),
            WorkbookError::Changed => format!(
                "{file}: {}",
                lang.pick(
                    "the file changed while it was read; nothing was computed from it (run again once it is saved)",
                    "读取期间文件被改动，未据此计算（请待保存完毕后重新运行）",
                )
            ),
            WorkbookError::Stopped => format!(
                "{file}: {}",
                lang.pick(
                    "the workbook's reading stopped unexpectedly (an internal error); nothing was computed from it",
                    "工作簿读取意外中止（内部错误），未据此计算",
                )
            ),
            WorkbookError::BeyondLastColumn { sheet, row } => format!(
                "{}:{row}: {}",
                at_sheet(file, sheet),
                lang.pick(
                    "a cell lies beyond the last column a sheet can have (XFD): the workbook is damaged; nothing was computed from it (open it in Excel or WPS and save it again)",
                    "有单元格位于工作表最后一列（XFD）之外，工作簿已损坏，未据此计算（请在 Excel 或 WPS 中打开后重新保存）",
                )
            ),
            WorkbookError::BeyondLastRow { sheet } => format!(
                "{}: {}",
                at_sheet(file, sheet),
                lang.pick(
                    "a cell lies beyond the last row a sheet can have (1,048,576): the workbook is damaged; nothing was computed from it (open it in Excel or WPS and save it again)",
                    "有单元格位于工作表最后一行（第 1,048,576 行）之外，工作簿已损坏，未据此计算（请在 Excel 或 WPS 中打开后重新保存）",
                )
            ),
            WorkbookError::StringsMiscounted { claimed } => {
                let claimed = grouped(claimed);
                match lang {
                    Lang::En => format!(
                        "{file}: the workbook's shared string table claims {claimed} strings, more than it can hold: the file is damaged; nothing was computed from it (open it in Excel or WPS and save it again)"
                    ),
                    Lang::Zh => format!(
                        "{file}: 工作簿的共享字符串表声称有 {claimed} 个字符串，超出其所能容纳，文件已损坏，未据此计算（请在 Excel 或 WPS 中打开后重新保存）"
                    ),
                }
            }
            WorkbookError::CutShort => format!(
                "{file}: {}",
                lang.pick(
                    "the workbook ends before its content does: the file is cut short or damaged; nothing was computed from it (open it in Excel or WPS and save it again)",
                    "工作簿内容未完即告结束，文件不完整或已损坏，未据此计算（请在 Excel 或 WPS 中打开后重新保存）",
                )
            ),
            WorkbookError::ChainCycle => format!(
                "{file}: {}",
                lang.pick(
                    "the workbook's structure is damaged (a chain of its sectors comes round on itself, or leads outside its data); nothing was computed from it (open it in Excel or WPS and save it again)",
                    "工作簿结构已损坏（其扇区链首尾相接成环，或指向数据之外），未据此计算（请在 Excel 或 WPS 中打开后重新保存）",
                )
            ),
            WorkbookError::SheetSpans { rows, cols } => {
                let (r, c) = (grouped(&rows.to_string()), grouped(&cols.to_string()));
                match lang {
                    Lang::En => format!(
                        "{file}: a sheet spans {r} rows by {c} columns (as its dimensions or its cells say), more than an .xls sheet can have (65,536 by 256): the workbook is damaged; nothing was computed from it (open it in Excel or WPS and save it again)"
                    ),
                    Lang::Zh => format!(
                        "{file}: 有工作表跨 {r} 行 × {c} 列（据其维度记录或单元格），超出 .xls 工作表所能容纳（65,536 行 × 256 列），工作簿已损坏，未据此计算（请在 Excel 或 WPS 中打开后重新保存）"
                    ),
                }
            }
            WorkbookError::SheetsSpan { cells } => {
                let n = grouped(&cells.to_string());
                match lang {
                    Lang::En => format!(
                        "{file}: its sheets together span {n} cells: read whole, the workbook would take many times the memory its tables need; it is damaged, or holds stray cells far from the tables; nothing was computed from it (open it in Excel or WPS, delete the stray cells, and save it again)"
                    ),
                    Lang::Zh => format!(
                        "{file}: 各工作表合计跨 {n} 个单元格，整本读取所需内存远超表格本身：工作簿已损坏，或有远离表格的零散单元格，未据此计算（请在 Excel 或 WPS 中打开，删除零散单元格后重新保存）"
                    ),
                }
            }
            WorkbookError::Malformed { part, at } => match lang {
                Lang::En => format!(
                    "{file}: the workbook's {part} is not well-formed XML (at byte {at}): the file is damaged; nothing was computed from it (open it in Excel or WPS and save it again)"
                ),
                Lang::Zh => format!(
                    "{file}: 工作簿的 {part} 不是格式正确的 XML（第 {at} 字节处），文件已损坏，未据此计算（请在 Excel 或 WPS 中打开后重新保存）"
                ),
            },
            WorkbookError::SharedFormulaPast { sheet, number } => {
                let (number, free) = (
                    grouped(number),
                    grouped(&super::shared::FREE_NUMBERS.to_string()),
                );
                let sheet = at_sheet(file, sheet);
                match lang {
                    Lang::En => format!(
                        "{sheet}: a shared formula is numbered {number}, past both {free} and the number of shared formulas before it: the workbook is damaged; nothing was computed from it (open it in Excel or WPS and save it again)"
                    ),
                    Lang::Zh => format!(
                        "{sheet}: 有共享公式的编号为 {number}，既超过 {free}，也超过此前共享公式的个数，工作簿已损坏，未据此计算（请在 Excel 或 WPS 中打开后重新保存）"
                    ),
                }
            }
            WorkbookError::ArrayAbove { sheet, cell, range } => format!(
                "{}: {}",
                at_sheet(file, sheet),
                match lang {
                    Lang::En => format!(
                        "the array formula in {cell} fills {range}, which does not begin at its cell (spreadsheet programs save one in its range's first cell): the workbook is damaged; nothing was computed from it (open it in Excel or WPS and save it again)"
                    ),
                    Lang::Zh => format!(
                        "{cell} 中的数组公式填充 {range}，该区域不从其所在单元格开始（电子表格软件把数组公式保存在其区域的第一个单元格），工作簿已损坏，未据此计算（请在 Excel 或 WPS 中打开后重新保存）"
                    ),
                }
            ),
            WorkbookError::OutOfOrder { sheet, row } => format!(
                "{}:{row}: {}",
                at_sheet(file, sheet),
                lang.pick(
                    "a cell comes again, or before a cell already read (a sheet's cells are saved row by row, each once): the workbook is damaged; nothing was computed from it (open it in Excel or WPS and save it again)",
                    "有单元格重复出现，或排在已读单元格之前（工作表的单元格应逐行保存、各出现一次），工作簿已损坏，未据此计算（请在 Excel 或 WPS 中打开后重新保存）",
                )
            ),
            // calamine's count of a reference's or a range's row or column, checked (`guard`).
            WorkbookError::ReaderFailed { detail } if detail.ends_with("with overflow") => {
                format!(
                    "{file}: {}",
                    lang.pick(
                        "cannot read the workbook: a number in it (the row or column of a cell reference or range) is beyond what its reader counts: the file is damaged; nothing was computed from it (open it in Excel or WPS and save it again)",
                        "无法读取工作簿：其中某个数（单元格引用或区域的行号、列号）超出读取器的计数范围，文件已损坏，未据此计算（请在 Excel 或 WPS 中打开后重新保存）",
                    )
                )
            }
            WorkbookError::ReaderFailed { detail } => match lang {
                Lang::En => format!(
                    "{file}: cannot read the workbook: its reader stopped on something it cannot handle ({detail}): the file is damaged; nothing was computed from it (open it in Excel or WPS and save it again)"
                ),
                Lang::Zh => format!(
                    "{file}: 无法读取工作簿：读取器在无法处理的内容处中止（{detail}），文件已损坏，未据此计算（请在 Excel 或 WPS 中打开后重新保存）"
                ),
            },
            WorkbookError::TooSpread { sheet, row, col } => {
                let cell = format!("{}{row}", super::patch::column_name(*col));
                match lang {
                    Lang::En => format!(
                        "{}: cell {cell} lies so far from the table that reading the sheet whole would take more memory than the table needs many times over; delete the stray cells in Excel or WPS, or run roadsub batch on it (which reads a sheet row by row)",
                        at_sheet(file, sheet)
                    ),
                    Lang::Zh => format!(
                        "{}: 单元格 {cell} 远离表格，整表读取所需内存远超表格本身；请在 Excel 或 WPS 中删除这些零散单元格，或用 roadsub batch 处理（逐行读取）",
                        at_sheet(file, sheet)
                    ),
                }
            }
            WorkbookError::ScaledUnit {
                sheet,
                row,
                col,
                format,
            } => {
                let cell = format!("{}{row}", super::patch::column_name(*col));
                match lang {
                    Lang::En => format!(
                        "{}: cell {cell} shows its number through the format {format}, which scales or shifts the number shown (or names a unit it chooses by a condition, or is meant for text), so what the value itself is in cannot be told; nothing was computed from it (give the cell a plain number format, 0.00, and state the unit in the column's header, such as 投资(万元) or 长度(米))",
                        at_sheet(file, sheet)
                    ),
                    Lang::Zh => format!(
                        "{}: 单元格 {cell} 以数字格式 {format} 显示，该格式对所显示的数字作了缩放或移位（或按条件选用所标单位、或仅用于文本），无法判断数值本身的单位，未据此计算（请将单元格设为普通数字格式如 0.00，并在列标题中注明单位，如 投资(万元) 或 长度(米)）",
                        at_sheet(file, sheet)
                    ),
                }
            }
            WorkbookError::UnitsByFormat { shown } => match lang {
                Lang::En => format!(
                    "{file}: its number formats show a unit beside numbers ({shown}), which roadsub reads only from .xlsx workbooks, so the numbers' units cannot be told; nothing was computed from it (save it as .xlsx in Excel, WPS or LibreOffice, or give the cells a plain number format and state the unit in the column's header, such as 长度(米))"
                ),
                Lang::Zh => format!(
                    "{file}: 其数字格式在数字旁标出单位（{shown}），roadsub 仅能从 .xlsx 工作簿读取此类格式，无法判断数值的单位，未据此计算（请在 Excel、WPS 或 LibreOffice 中另存为 .xlsx，或将单元格设为普通数字格式并在列标题中注明单位，如 长度(米)）"
                ),
            },
            WorkbookError::NoSuchSheet { asked, sheets } => {
                let (asked, sheets) = escaped_names(asked, sheets);
                match lang {
                    Lang::En => format!(
                        "{file}: no sheet \"{asked}\" (the sheets are: {})",
                        sheets.join(", ")
                    ),
                    Lang::Zh => format!("{file}: 没有工作表“{asked}”（现有：{}）", sheets.join("、")),
                }
            }
            WorkbookError::SheetsAlike { asked, sheets } => {
                let (asked, sheets) = escaped_names(asked, sheets);
                match lang {
                    Lang::En => format!(
                        "{file}: sheets {} all read as \"{asked}\"; give the one meant by its number (--sheet N)",
                        sheets.join(", ")
                    ),
                    Lang::Zh => format!(
                        "{file}: 工作表 {} 看起来都是“{asked}”；请用序号指明要读取的工作表（--sheet 序号）",
                        sheets.join("、")
                    ),
                }
            }
            WorkbookError::NoHeader {
                sheet,
                problems,
                found,
            } => {
                let place = sheet
                    .as_ref()
                    .map_or(file.to_string(), |s| format!("{file}[{s}]"));
                if problems.is_empty() {
                    return format!(
                        "{place}: {}",
                        lang.pick(
                            "no sheet has a header row naming the segment columns (id, township, village, class, width, length, cost)",
                            "没有工作表含有路段表头（编号、乡镇、村、类别、宽度、长度、投资）"
                        )
                    );
                }
                problems
                    .iter()
                    .map(|p| format!("{place}: {}", p.render(lang, found)))
                    .collect::<Vec<_>>()
                    .join("\n")
            }
        }
    }
}

impl From<WorkbookError> for TableError {
    fn from(e: WorkbookError) -> TableError {
        TableError::Workbook(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sheet_is_named_once_whether_or_not_the_label_names_it() {
        let e = WorkbookError::BeyondLastColumn {
            sheet: "道路".into(),
            row: 2,
        };
        let plain = e.render("plan.xlsx", Lang::En);
        assert!(
            plain.starts_with("plan.xlsx[道路]:2: a cell lies beyond"),
            "{plain}"
        );
        assert_eq!(e.render("plan.xlsx[道路]", Lang::En), plain);
        // Another sheet's label, or one that only ends alike, still gets the sheet.
        assert!(e
            .render("plan.xlsx[Sheet1]", Lang::En)
            .starts_with("plan.xlsx[Sheet1][道路]:2:"));
        assert!(e.render("x道路]", Lang::En).starts_with("x道路][道路]:2:"));
    }

    #[test]
    fn a_workbook_that_changes_while_it_is_read_is_refused_in_both_languages() {
        assert_eq!(
            WorkbookError::Changed.render("plan.xlsx", Lang::En),
            "plan.xlsx: the file changed while it was read; nothing was computed from it (run again once it is saved)"
        );
        assert_eq!(
            WorkbookError::Changed.render("plan.xlsx", Lang::Zh),
            "plan.xlsx: 读取期间文件被改动，未据此计算（请待保存完毕后重新运行）"
        );
    }

    #[test]
    fn a_reading_that_stops_without_a_reason_is_an_internal_error_in_both_languages() {
        assert_eq!(
            WorkbookError::Stopped.render("plan.xlsx", Lang::En),
            "plan.xlsx: the workbook's reading stopped unexpectedly (an internal error); nothing was computed from it"
        );
        assert_eq!(
            WorkbookError::Stopped.render("plan.xlsx", Lang::Zh),
            "plan.xlsx: 工作簿读取意外中止（内部错误），未据此计算"
        );
    }

    #[test]
    fn a_sheet_read_two_ways_that_disagree_is_refused_in_both_languages() {
        let e = WorkbookError::Disagree {
            sheet: "道路".into(),
        };
        assert_eq!(
            e.render("plan.xlsx", Lang::En),
            "plan.xlsx[道路]: read twice, the sheet gave different cells; nothing was computed from it (save it again in Excel or WPS and retry)"
        );
        assert_eq!(
            e.render("plan.xlsx", Lang::Zh),
            "plan.xlsx[道路]: 两次读取该工作表所得单元格不一致，未据此计算（请在 Excel 或 WPS 中重新保存后再试）"
        );
    }

    /// One refusal of each kind; the reader's own words (English) are `READERS`.
    fn one_of_each() -> Vec<WorkbookError> {
        let sheet = || "道路".to_string();
        vec![
            WorkbookError::Io(std::io::Error::from(std::io::ErrorKind::PermissionDenied)),
            WorkbookError::NotAWorkbook { text: true },
            WorkbookError::NotAWorkbook { text: false },
            WorkbookError::Markup,
            WorkbookError::Protected,
            WorkbookError::OnStdin,
            WorkbookError::NotAFile,
            WorkbookError::Open(format!("{READERS}.")),
            WorkbookError::Disagree { sheet: sheet() },
            WorkbookError::Changed,
            WorkbookError::Stopped,
            WorkbookError::BeyondLastColumn {
                sheet: sheet(),
                row: 2,
            },
            WorkbookError::BeyondLastRow { sheet: sheet() },
            WorkbookError::StringsMiscounted {
                claimed: "1000000000000".into(),
            },
            WorkbookError::SharedFormulaPast {
                sheet: sheet(),
                number: "100000000000".into(),
            },
            WorkbookError::CutShort,
            WorkbookError::ChainCycle,
            WorkbookError::SheetsSpan { cells: 83_886_080 },
            WorkbookError::SheetSpans {
                rows: 4_294_967_295,
                cols: 2,
            },
            WorkbookError::Malformed {
                part: "content.xml".into(),
                at: 10_758,
            },
            WorkbookError::OutOfOrder {
                sheet: sheet(),
                row: 2,
            },
            WorkbookError::NewerErrorValue("#SPILL!".into()),
            WorkbookError::ArrayAbove {
                sheet: sheet(),
                cell: "G1600".into(),
                range: "G2:G1600".into(),
            },
            WorkbookError::ReaderFailed {
                detail: "attempt to add with overflow".into(),
            },
            WorkbookError::ReaderFailed {
                detail: READERS.into(),
            },
            WorkbookError::TooSpread {
                sheet: sheet(),
                row: 70_000,
                col: 2,
            },
            WorkbookError::NoSuchSheet {
                asked: "Sheet9".into(),
                sheets: vec![sheet()],
            },
            WorkbookError::SheetsAlike {
                asked: "计划 B".into(),
                sheets: vec!["计划\u{a0}B".into(), "计划\u{2009}B".into()],
            },
            WorkbookError::ScaledUnit {
                sheet: sheet(),
                row: 5,
                col: 3,
                format: r#"0!.0000"万元""#.into(),
            },
            WorkbookError::UnitsByFormat {
                shown: r#"0"米""#.into(),
            },
            WorkbookError::NoHeader {
                sheet: Some(sheet()),
                problems: Vec::new(),
                found: Vec::new(),
            },
        ]
    }

    /// What a workbook reader says in English, quoted as its own words.
    const READERS: &str = "Range is missing the expected row component";

    /// Each kind of refusal, numbered: a new kind fails to compile here until it is given
    /// the next number, and [`KINDS`] one more, and then the tests below until
    /// [`one_of_each`] has one.
    fn kind(e: &WorkbookError) -> usize {
        match e {
            WorkbookError::Io(_) => 0,
            WorkbookError::NotAWorkbook { .. } => 1,
            WorkbookError::Markup => 2,
            WorkbookError::Protected => 3,
            WorkbookError::OnStdin => 4,
            WorkbookError::Open(_) => 5,
            WorkbookError::Disagree { .. } => 6,
            WorkbookError::Changed => 7,
            WorkbookError::Stopped => 8,
            WorkbookError::BeyondLastColumn { .. } => 9,
            WorkbookError::BeyondLastRow { .. } => 10,
            WorkbookError::StringsMiscounted { .. } => 11,
            WorkbookError::SharedFormulaPast { .. } => 12,
            WorkbookError::CutShort => 13,
            WorkbookError::Malformed { .. } => 14,
            WorkbookError::OutOfOrder { .. } => 15,
            WorkbookError::ReaderFailed { .. } => 16,
            WorkbookError::TooSpread { .. } => 17,
            WorkbookError::NoSuchSheet { .. } => 18,
            WorkbookError::NoHeader { .. } => 19,
            WorkbookError::ChainCycle => 20,
            WorkbookError::SheetSpans { .. } => 21,
            WorkbookError::SheetsSpan { .. } => 22,
            WorkbookError::ScaledUnit { .. } => 23,
            WorkbookError::UnitsByFormat { .. } => 24,
            WorkbookError::NotAFile => 25,
            WorkbookError::ArrayAbove { .. } => 26,
            WorkbookError::NewerErrorValue(_) => 27,
            WorkbookError::SheetsAlike { .. } => 28,
        }
    }

    const KINDS: usize = 29;

    #[test]
    fn one_refusal_of_each_kind_is_tried() {
        let mut kinds: Vec<usize> = one_of_each().iter().map(kind).collect();
        kinds.sort_unstable();
        kinds.dedup();
        assert_eq!(kinds, (0..KINDS).collect::<Vec<_>>());
    }

    /// A workbook refusal reads in Chinese: no English word but names, and the reader's own
    /// words, which are quoted as such. A refusal once said the reader's English alone after
    /// "无法读取工作簿：" (`Range is missing the expected row component.`).
    #[test]
    fn every_workbook_refusal_reads_in_chinese_the_readers_words_quoted() {
        let names = [
            "plan",
            "xlsx",
            "xls",
            "csv",
            "CSV",
            "ods",
            "roadsub",
            "batch",
            "Excel",
            "WPS",
            "HTML",
            "XFD",
            "XML",
            "xml",
            "Sheet",
            // The option, `--sheet 序号`.
            "sheet",
            "content",
            "LibreOffice",
            // A cell's error value, quoted.
            "SPILL",
        ];
        for e in one_of_each() {
            let zh = e.render("plan.xlsx", Lang::Zh);
            assert_ne!(zh, e.render("plan.xlsx", Lang::En));
            let own = zh.replace(READERS, "");
            let english: Vec<&str> = own
                .split(|c: char| !c.is_ascii_alphabetic())
                .filter(|w| w.len() >= 3 && !names.contains(w))
                .collect();
            assert!(english.is_empty(), "{zh}: {english:?}");
        }
        let open = WorkbookError::Open(format!("{READERS}."));
        assert_eq!(
            open.render("plan.xlsx", Lang::Zh),
            "plan.xlsx: 无法读取工作簿（读取器的说明：Range is missing the expected row component），文件可能已损坏，未据此计算（请在 Excel 或 WPS 中打开后重新保存）"
        );
        assert_eq!(
            open.render("plan.xlsx", Lang::En),
            "plan.xlsx: cannot read the workbook: Range is missing the expected row component (the reader's words): the file may be damaged; nothing was computed from it (open it in Excel or WPS and save it again)"
        );
    }
}
