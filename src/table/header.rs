//! Where a table's header is: the first of its first rows that names every required column.
//! County sheets put a title, a unit and notes above it; those rows are read for the unit of
//! the table's bare numbers (see [`crate::table::units`]).

use crate::table::columns::{Columns, HeaderOptions, HeaderProblem};
use crate::table::units::table_units;

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
