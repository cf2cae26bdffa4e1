//! Where a table's header is: the first of its first rows that names every required column.
//! County sheets put a title, a unit and notes above it; those rows are read for the unit of
//! the table's bare numbers (see [`crate::table::units`]).

use crate::money::Scale;
use crate::table::columns::{Columns, Field, HeaderOptions, HeaderProblem};
use crate::table::units::{table_units, Given, TableUnits, UnitFrom, UnitProblem};

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
                    .and_then(|u| lengths_said(&columns, u))
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

/// Refuses a table whose lengths' unit two places say differently: a row above the header
/// that states it as the lengths' (`长度：米`, or 公里 in any statement: no width is in
/// 公里) and a length column's header (`建设里程(km)`). Refuses, too, a row that has a unit
/// of length after a length's label in a form not read (`长度（以米计算）`) when nothing else
/// says the unit of a length column read by it.
fn lengths_said(columns: &Columns, units: TableUnits) -> Result<TableUnits, UnitProblem> {
    let lengths = [Field::Length, Field::Completed]
        .into_iter()
        .filter(|&f| columns.index(f).is_some());
    match (&units.length, &units.length_mentioned) {
        (
            Some(Given {
                scale,
                from: UnitFrom::Title(row),
            }),
            _,
        ) if units.length_shared == Some(false) || *scale == Scale::Base => {
            // The length column: a completed-km column naming its own unit (`已完工(米)`)
            // says only its own.
            for f in lengths.filter(|&f| f == Field::Length) {
                if columns.names_own_unit(f) && columns.scale(f) != *scale {
                    return Err(UnitProblem::LengthAgainstHeader(
                        row.clone(),
                        columns
                            .index(f)
                            .map_or(columns.name(f), |i| columns.written[i].trim())
                            .to_string(),
                    ));
                }
            }
            Ok(units)
        }
        (None, Some((row, word))) => {
            let mut lengths = lengths;
            if lengths.any(|f| !columns.names_own_unit(f)) {
                return Err(UnitProblem::LengthMentioned(row.clone(), word.clone()));
            }
            Ok(units)
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

    /// `长度：米` above a header `建设里程(km)` went with the header in silence; either may be
    /// the one that is wrong, so the table is refused.
    #[test]
    fn a_title_length_unit_against_the_length_header_is_refused() {
        fn header(length: &str) -> Vec<&str> {
            let mut h = OFFICE.to_vec();
            h[4] = length;
            h
        }
        let problems = search("单位：万元 长度：米", &header("建设里程(km)")).unwrap_err();
        let [HeaderProblem::Units(p)] = &problems[..] else {
            panic!("{problems:?}")
        };
        assert_eq!(
            p,
            &UnitProblem::LengthAgainstHeader("单位：万元 长度：米".into(), "建设里程(km)".into())
        );
        assert_eq!(
            p.render(Lang::Zh),
            "表头上方的“单位：万元 长度：米”所写长度单位与“建设里程(km)”列表头所写不同；请只保留一种"
        );
        assert_eq!(
            p.render(Lang::En),
            "\"单位：万元 长度：米\" above the header gives the lengths one unit and the column \"建设里程(km)\" another; keep one"
        );
        // 公里 in any statement is the lengths' (no width is in 公里).
        assert!(search("（单位：万元、公里）", &header("建设里程（米）")).is_err());
        assert!(search("长度单位：公里", &header("建设里程(m)")).is_err());
        // A completed-km column naming its own unit speaks for itself.
        let mut completed = header("建设里程");
        completed.push("已完工(米)");
        let c = search("长度单位：公里", &completed).unwrap();
        assert_eq!(c.scale(Field::Completed), Scale::Pow10(-3));
        assert_eq!(c.scale(Field::Length), Scale::Base);
        // Agreeing, or 米 beside money (the widths' unit, perhaps), goes with the header.
        let c = search("单位：万元 长度：米", &header("建设里程(米)")).unwrap();
        assert_eq!(c.scale(Field::Length), Scale::Pow10(-3));
        let c = search("（单位：万元、米）", &header("建设里程(km)")).unwrap();
        assert_eq!(c.scale(Field::Length), Scale::Base);
    }

    /// `单位：万元 长度：米为准`: a unit of length after the label in a form not read left the
    /// lengths read in kilometres; refused unless the length header names its own unit.
    #[test]
    fn a_length_unit_mentioned_after_its_label_is_refused_unless_the_header_says_it() {
        let problems = search("单位：万元 长度：米为准", &OFFICE).unwrap_err();
        let [HeaderProblem::Units(p)] = &problems[..] else {
            panic!("{problems:?}")
        };
        assert_eq!(
            p.render(Lang::Zh),
            "表头上方的“单位：万元 长度：米为准”写了长度单位“米”，但写法无法读取，长度可能按错误的单位读取；请单独一行写明“长度单位：米”（或“长度单位：公里”），或在长度列表头注明单位（如“建设里程(米)”）"
        );
        assert_eq!(
            p.render(Lang::En),
            "\"单位：万元 长度：米为准\" above the header gives 米 as a length's unit in a form roadsub does not read, so lengths might be read in the wrong unit; write 长度单位：米 (or 长度单位：公里) on a row of its own, or give the length header its unit (建设里程(米))"
        );
        let mut header = OFFICE.to_vec();
        header[4] = "建设里程(米)";
        let c = search("单位：万元 长度：米为准", &header).unwrap();
        assert_eq!(c.scale(Field::Length), Scale::Pow10(-3));
        // A completed-km column read by the title's unit is refused too.
        let mut header = header.clone();
        header.push("已完工");
        assert_eq!(
            search("单位：万元 长度：米为准", &header).unwrap_err(),
            [HeaderProblem::Units(UnitProblem::LengthMentioned(
                "单位：万元 长度：米为准".into(),
                "米".into()
            ))]
        );
    }

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
