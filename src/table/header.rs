//! Where a table's header is: the first of its first rows that names every required column.
//! County sheets put a title, a unit and notes above it; those rows are read for the unit of
//! the table's bare numbers (see [`crate::table::units`]).

use crate::table::columns::{Columns, Field, HeaderOptions, HeaderProblem};
use crate::table::units::{table_units, TableUnits, UnitProblem};

/// How far down a sheet a header row is looked for (title rows may stand above it).
pub const HEADER_SEARCH_ROWS: usize = 30;

/// Looks for the header among the first rows of a table: the first row that names every
/// required column. The rows above it are titles and notes, read for the table's units.
pub struct HeaderSearch<'o> {
    options: &'o HeaderOptions,
    titles: Vec<Vec<String>>,
    best: Option<(usize, Vec<HeaderProblem>, Vec<String>)>,
}

impl<'o> HeaderSearch<'o> {
    /// A search under the user's options.
    pub fn new(options: &'o HeaderOptions) -> HeaderSearch<'o> {
        HeaderSearch {
            options,
            titles: Vec::new(),
            best: None,
        }
    }

    /// Offers the next row: the header's columns when it is the header (or why the units of
    /// the table cannot be told), `None` when it is not (it is kept as a title row).
    pub fn offer<'a>(
        &mut self,
        fields: impl IntoIterator<Item = &'a str>,
    ) -> Option<Result<Columns, Vec<HeaderProblem>>> {
        let fields: Vec<String> = fields.into_iter().map(str::to_string).collect();
        match Columns::from_header_with(fields.iter().map(String::as_str), self.options) {
            Ok(columns) => Some(
                table_units(&self.titles, self.options.amount_unit)
                    .and_then(|u| shared_metres(&columns, u))
                    .map(|u| columns.with_units(u))
                    .map_err(|p| vec![HeaderProblem::Units(p)]),
            ),
            Err(problems) => {
                // Remember the row that came closest, to say what it lacks.
                let missing = problems
                    .iter()
                    .map(|p| match p {
                        HeaderProblem::Missing(f) => f.len(),
                        _ => 1,
                    })
                    .sum::<usize>();
                if self.best.as_ref().is_none_or(|(m, _, _)| missing < *m) {
                    self.best = Some((missing, problems, fields.clone()));
                }
                self.titles.push(fields);
                None
            }
        }
    }

    /// What the row that came closest to a header lacks, and that row.
    pub fn failure(self) -> (Vec<HeaderProblem>, Vec<String>) {
        self.best.map(|(_, p, f)| (p, f)).unwrap_or_default()
    }
}

/// Refuses 米 given beside a unit of money (`（单位：万元、米）`) for the lengths of a table
/// that has a width column, whose numbers are in 米 too, unless the length header names its
/// own unit: the 米 may be the widths'. `（单位：万元、公里）` and `长度单位：米` are read.
fn shared_metres(columns: &Columns, units: TableUnits) -> Result<TableUnits, UnitProblem> {
    match units.shared_metres() {
        Some(row)
            if columns.index(Field::Width).is_some() && !columns.names_own_unit(Field::Length) =>
        {
            Err(UnitProblem::SharedMetres(row.to_string()))
        }
        _ => Ok(units),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use crate::money::Scale;

    /// The header `header` under the title row `title`, as a search finds it.
    fn search(title: &str, header: &[&str]) -> Result<Columns, Vec<HeaderProblem>> {
        let options = HeaderOptions::default();
        let mut s = HeaderSearch::new(&options);
        assert!(s.offer([title]).is_none());
        s.offer(header.iter().copied()).unwrap()
    }

    const OFFICE: [&str; 7] = [
        "序号",
        "所属乡镇",
        "村名称",
        "道路等级",
        "建设里程",
        "路面宽度",
        "总投资",
    ];

    #[test]
    fn metres_beside_wan_yuan_are_refused_as_ambiguous_when_the_sheet_has_widths() {
        let problems = search("（单位：万元、米）", &OFFICE).unwrap_err();
        assert_eq!(
            problems,
            [HeaderProblem::Units(UnitProblem::SharedMetres(
                "（单位：万元、米）".into()
            ))]
        );
        let HeaderProblem::Units(p) = &problems[0] else {
            unreachable!()
        };
        assert_eq!(
            p.render(Lang::Zh),
            "表头上方的“（单位：万元、米）”所写“米”未说明是长度的单位，而表中有路面宽度（以米计），无法确定长度是否按米读取；请单独一行写明“长度单位：米”（或“长度单位：公里”），或在长度列表头注明单位（如“建设里程(米)”）"
        );
        assert_eq!(
            p.render(Lang::En),
            "\"（单位：万元、米）\" above the header gives 米 without saying it is the unit of lengths, and the table has a width column (widths are in 米), so it cannot be told whether lengths are in 米; write 长度单位：米 (or 长度单位：公里) on a row of its own, or give the length header its unit (建设里程(米))"
        );
        // Kilometres, a length key, or a unit in the length header are read.
        let c = search("（单位：万元、公里）", &OFFICE).unwrap();
        assert_eq!(c.scale(Field::Length), Scale::Base);
        assert_eq!(c.scale(Field::Cost), Scale::Pow10(4));
        let c = search("单位：万元 长度单位：米", &OFFICE).unwrap();
        assert_eq!(c.scale(Field::Length), Scale::Pow10(-3));
        let mut own = OFFICE;
        own[4] = "建设里程(米)";
        let c = search("（单位：万元、米）", &own).unwrap();
        assert_eq!(c.scale(Field::Length), Scale::Pow10(-3));
        assert_eq!(c.scale(Field::Cost), Scale::Pow10(4));
    }
}
