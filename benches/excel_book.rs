//! Makes the workbooks of `benches/excel.sh`: a segment table in .xlsx, from a CSV table of
//! `benches/speed/gen.py`, so the Excel figures and the CSV ones are measured on the same rows.
//!
//! `cargo bench --bench excel_book -- IN.csv OUT.xlsx [shared|inline]`
//!
//! The text columns (id, township, village, class) become text cells, the rest number cells,
//! as a person typing the table into Excel would have them. `shared` (the default) keeps the
//! text in the workbook's shared string table, as Excel saves it; `inline` puts each string in
//! its cell, as many other programs write. The sheet is written row by row to a temporary
//! file beside OUT (rust_xlsxwriter's low- and constant-memory modes), so a million rows take
//! little memory to make. Run with no file names (as a plain `cargo bench` does) it only says
//! how it is used.

use std::path::Path;

use rust_xlsxwriter::Workbook;

/// Columns written as text; every other column is a number.
const TEXT_COLUMNS: usize = 4;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let (input, output) = match (args.first(), args.get(1)) {
        (Some(i), Some(o)) => (Path::new(i), Path::new(o)),
        _ => {
            println!("excel_book: IN.csv OUT.xlsx [shared|inline] (see benches/excel.sh)");
            return;
        }
    };
    let inline = match args.get(2).map(String::as_str) {
        None | Some("shared") => false,
        Some("inline") => true,
        Some(other) => panic!("strings are `shared` or `inline`, not {other}"),
    };
    let rows = write(input, output, inline);
    println!("{rows} rows → {}", output.display());
}

/// Writes the book; the number of rows below the header.
fn write(input: &Path, output: &Path, inline: bool) -> u32 {
    let mut book = Workbook::new();
    let dir = output.parent().filter(|p| !p.as_os_str().is_empty());
    book.set_tempdir(dir.unwrap_or(Path::new(".")))
        .expect("temporary directory");
    let sheet = if inline {
        book.add_worksheet_with_constant_memory()
    } else {
        book.add_worksheet_with_low_memory()
    }
    .expect("sheet");
    let mut reader = csv::Reader::from_path(input).expect("read the CSV table");
    let header = reader.headers().expect("header").clone();
    for (col, name) in header.iter().enumerate() {
        sheet.write_string(0, col as u16, name).expect("cell");
    }
    let mut row = 0u32;
    for record in reader.records() {
        let record = record.expect("CSV row");
        row += 1;
        for (col, field) in record.iter().enumerate() {
            let col16 = col as u16;
            if col < TEXT_COLUMNS {
                sheet.write_string(row, col16, field).expect("cell");
            } else {
                let n: f64 = field.parse().expect("a number column holds numbers");
                sheet.write_number(row, col16, n).expect("cell");
            }
        }
    }
    book.save(output).expect("save the workbook");
    row
}
