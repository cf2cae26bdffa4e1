//! The sheets of a workbook that hold a segment table. Offices often keep a sheet per
//! township, or per year, in one workbook; roadsub reads one sheet (the first visible one
//! with a table, or the one `--sheet` names), and the rows of the others were left unread
//! with no word. Which of them hold a table too is found from their first rows only, so that
//! the run can say so (the rows read are not changed by it).

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use calamine::{DataRef, Reader};

use super::cells::push_cell_text;
use super::{extension, find_header, guard, sheet_list, HEADER_SEARCH_ROWS};
use crate::i18n::Lang;
use crate::table::columns::HeaderOptions;

/// The visible worksheet a run without `--sheet` reads (the first whose first rows hold a
/// segment table's header, read under `options`), then every other visible worksheet whose
/// first rows hold a table's header, or one with every column a segment needs that is
/// refused (its units cannot be told, a `--map` does not fit it): the rows of none of these
/// are read (review 39: such a sheet went unnamed). Empty for a workbook with one visible sheet (nothing to
/// say, and nothing read but its list of sheets), for one with no table, and for one that
/// cannot be read (the read of its table says why).
pub fn tables_in(path: &Path, options: &HeaderOptions) -> Vec<String> {
    // A pipe or a device is never opened here: it would be waited on, or its bytes taken
    // from the read of the table (its read says what it is).
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return Vec::new();
    }
    if matches!(extension(path).as_str(), "xlsx" | "xlsm") && listed_visible(path) <= 1 {
        return Vec::new();
    }
    let code_page = super::check_kind(path).ok().flatten();
    let Ok(Ok(mut book)) = guard::calamine(|| super::open_book(path, code_page)) else {
        return Vec::new();
    };
    let (names, visible) = sheet_list(&book);
    let shown: Vec<String> = names
        .into_iter()
        .zip(visible)
        .filter_map(|(n, v)| v.then_some(n))
        .collect();
    if shown.len() <= 1 {
        return Vec::new();
    }
    let mut read: Option<String> = None;
    let mut others = Vec::new();
    for name in shown {
        let rows = first_rows(&mut book, &name);
        match find_header(&rows, options) {
            Ok(_) if read.is_none() => read = Some(name),
            Ok(_) => others.push(name),
            // A header refused for its units or a `--map`, with every column a segment needs:
            // a table all the same. One that lacks columns (a summary sheet's 乡镇, 投资) is
            // none.
            Err((problems, found)) if !found.is_empty() && problems.iter().all(has_columns) => {
                others.push(name)
            }
            Err(_) => {}
        }
    }
    match read {
        Some(read) => std::iter::once(read).chain(others).collect(),
        None => Vec::new(),
    }
}

/// What to say of workbook `file` whose visible sheets with a segment table are `tables`
/// (the first the one read), if more than one: `None` when there is nothing to say. In the
/// table view (`table_view`), which opens the first, the hint is a batch run's `--sheet`.
pub fn said(file: &str, tables: &[String], table_view: bool, lang: Lang) -> Option<String> {
    // A sheet's name as a message shows it: its control characters escaped (review 39: an
    // escape sequence in a name reached the terminal).
    let tables: Vec<String> = tables
        .iter()
        .map(|t| crate::table::row::escaped(t))
        .collect();
    let (first, others) = tables.split_first().filter(|(_, o)| !o.is_empty())?;
    Some(match lang {
        Lang::En => {
            let (sheets, hold) = match others {
                [one] => (format!("sheet {one}"), "holds a segment table"),
                [rest @ .., last] => (
                    format!("sheets {} and {last}", rest.join(", ")),
                    "hold segment tables",
                ),
                [] => return None,
            };
            let (read, hint) = match table_view {
                false => ("is read", "--sheet NAME reads another"),
                true => ("is open", "roadsub batch FILE --sheet NAME reads another"),
            };
            format!("{file}: {sheets} {hold} too; only {first}, the first, {read} ({hint})")
        }
        Lang::Zh => {
            let (read, hint) = match table_view {
                false => ("只读取了", "用 --sheet 名称 读取其他工作表"),
                true => (
                    "这里只打开了",
                    "roadsub batch 文件 --sheet 名称 可读取其他工作表",
                ),
            };
            format!(
                "{file}：工作表 {} 中也有路段表；{read}第一个表所在的工作表 {first}（{hint}）",
                others.join("、")
            )
        }
    })
}

/// Whether a header refused for `problem` has the columns a segment needs.
fn has_columns(problem: &crate::table::HeaderProblem) -> bool {
    use crate::table::HeaderProblem as P;
    !matches!(problem, P::Missing(_) | P::NoCost | P::MapTook(..))
}

/// How many sheets an .xlsx's or .xlsm's `xl/workbook.xml` lists without hiding them (chart
/// sheets counted too): read without the rest of the workbook (its shared strings may be
/// many megabytes). `usize::MAX` when it cannot be told.
fn listed_visible(path: &Path) -> usize {
    let listed = || -> Option<usize> {
        let mut zip = zip::ZipArchive::new(BufReader::new(File::open(path).ok()?)).ok()?;
        let mut xml = String::new();
        zip.by_name("xl/workbook.xml")
            .ok()?
            .read_to_string(&mut xml)
            .ok()?;
        let mut reader = quick_xml::Reader::from_str(&xml);
        let mut count = 0;
        loop {
            match reader.read_event().ok()? {
                quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)
                    if e.local_name().as_ref() == "sheet" =>
                {
                    let hidden = e.attributes().flatten().any(|a| {
                        a.key.local_name().as_ref() == "state"
                            && matches!(a.value.as_ref(), "hidden" | "veryHidden")
                    });
                    count += usize::from(!hidden);
                }
                quick_xml::events::Event::Eof => return Some(count),
                _ => {}
            }
        }
    };
    listed().unwrap_or(usize::MAX)
}

/// The first rows of sheet `name` as text (row from 1, fields), empty rows left out, as many
/// as a header is looked for in ([`HEADER_SEARCH_ROWS`], wherever they lie: a header on row
/// 150 under empty rows is found, review 39): cell by cell where the format reads a sheet so
/// (.xlsx, .xlsm, .xlsb); else (.xls, .ods) the sheet read whole, as it is read anyway.
fn first_rows(book: &mut calamine::Sheets<BufReader<File>>, name: &str) -> Vec<(u64, Vec<String>)> {
    let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
    // Takes a cell; whether the rows looked through are all read (a row past them begun).
    let mut put = |(row, col): (u32, u32), text: String| -> bool {
        if text.trim().is_empty() {
            return false;
        }
        let line = u64::from(row) + 1;
        if rows.last().is_none_or(|(l, _)| *l != line) {
            rows.push((line, Vec::new()));
        }
        let fields = &mut rows.last_mut().expect("pushed").1;
        let col = col as usize;
        if fields.len() <= col {
            fields.resize(col + 1, String::new());
        }
        fields[col] = text;
        rows.len() > HEADER_SEARCH_ROWS
    };
    let text_of = |value: DataRef| {
        let mut text = String::new();
        push_cell_text(value, &mut text);
        text
    };
    match book {
        calamine::Sheets::Xlsx(x) => {
            let Ok(Ok(mut cells)) = guard::calamine(|| x.worksheet_cells_reader(name)) else {
                return Vec::new();
            };
            while let Ok(Ok(Some(cell))) = guard::calamine(|| cells.next_cell()) {
                if put(cell.get_position(), text_of(cell.get_value().clone())) {
                    break;
                }
            }
        }
        calamine::Sheets::Xlsb(x) => {
            let Ok(Ok(mut cells)) = guard::calamine(|| x.worksheet_cells_reader(name)) else {
                return Vec::new();
            };
            while let Ok(Ok(Some(cell))) = guard::calamine(|| cells.next_cell()) {
                if put(cell.get_position(), text_of(cell.get_value().clone())) {
                    break;
                }
            }
        }
        book => {
            let Ok(Ok(range)) = guard::calamine(|| book.worksheet_range(name)) else {
                return Vec::new();
            };
            return super::plain_text_rows(&range)
                .into_iter()
                .take(HEADER_SEARCH_ROWS + 1)
                .collect();
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_sheets_with_a_table_are_said_as_a_list_in_either_language() {
        let t = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        assert_eq!(said("p.xlsx", &t(&["A"]), false, Lang::En), None);
        assert_eq!(
            said("p.xlsx", &t(&["A", "E\u{1b}[31m"]), false, Lang::En).unwrap(),
            "p.xlsx: sheet E\\u{1b}[31m holds a segment table too; only A, the first, is read (--sheet NAME reads another)"
        );
        assert_eq!(said("p.xlsx", &[], false, Lang::En), None);
        assert_eq!(
            said("p.xlsx", &t(&["A", "B"]), false, Lang::En).unwrap(),
            "p.xlsx: sheet B holds a segment table too; only A, the first, is read (--sheet NAME reads another)"
        );
        assert_eq!(
            said("p.xlsx", &t(&["A", "B", "C", "D"]), true, Lang::En).unwrap(),
            "p.xlsx: sheets B, C and D hold segment tables too; only A, the first, is open (roadsub batch FILE --sheet NAME reads another)"
        );
        assert_eq!(
            said("p.xlsx", &t(&["甲", "乙"]), true, Lang::Zh).unwrap(),
            "p.xlsx：工作表 乙 中也有路段表；这里只打开了第一个表所在的工作表 甲（roadsub batch 文件 --sheet 名称 可读取其他工作表）"
        );
    }
}
