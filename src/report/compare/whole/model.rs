//! Every row of some tables under one rule set held whole: each row's segment and full
//! breakdown after every budget, the run's totals, groups and budget use — the plainest way
//! to compute a run of tables held whole, kept as the model the lean run a notice is made
//! from ([`crate::report::notice::Run`]) is held to.

use super::{repeated_ids, Side, Table};
use crate::engine::{Breakdown, Segment};
use crate::report::allocate::{allocate, AllocError, Held, HeldRow};
use crate::report::compare::CompareError;
use crate::report::summary::{GroupBy, Summary};
use crate::rules::RuleSet;
use crate::table::idform::place_form;
use crate::table::row::RowText;
use crate::table::sheet::{Judged, SheetRow};
use crate::table::{Columns, Field, Problem, RowError};

/// Row `row`'s text field `field`, trimmed.
fn text(columns: &Columns, row: &SheetRow, field: Field) -> String {
    columns
        .index(field)
        .map_or("", |i| row.get(i).trim())
        .to_string()
}

/// A row computed under one side: its segment and breakdown after every budget, the
/// township and village it is grouped under, and its place.
#[derive(Debug, Clone)]
pub struct Computed {
    /// The segment read from the row.
    pub segment: Segment,
    /// Its breakdown after every budget.
    pub breakdown: Breakdown,
    /// 乡镇, trimmed.
    pub township: String,
    /// 村, trimmed.
    pub village: String,
    /// Its line in the input.
    pub line: u64,
}

/// One side worked out: per row kept (totals rows left out), what it computes to, or its
/// errors; the side's summary of its whole run; and per row kept, where it is (which input,
/// which row of its sheet).
type Worked = (Vec<Outcome>, Summary, Vec<Place>);

/// Where a row is: which input, which row of its sheet.
pub type Place = (usize, usize);

/// What a row computes to, or why it cannot be computed.
pub type Outcome = Result<Computed, Vec<RowError>>;

/// Every row of `tables` under one rule set, budgets applied across all of them, as a batch
/// run computes them.
#[derive(Debug)]
pub struct Whole {
    /// Per row kept (totals rows left out), in input order: where it is (which input, which
    /// row of its sheet), and what it computes to or why it cannot be computed.
    pub rows: Vec<(Place, Outcome)>,
    /// The run's totals, groups (township, village) and budget use.
    pub summary: Summary,
}

/// Every row of `tables` computed under `rules`: the path a comparison takes for each of its
/// sides, for a command that needs one rule set only.
pub fn whole(tables: &[Table], rules: &RuleSet) -> Result<Whole, AllocError> {
    let duplicates = repeated_ids(tables);
    let (rows, summary, places) =
        work_side(tables, rules, Side::Before, &duplicates, &GROUPS).map_err(|e| e.error)?;
    Ok(Whole {
        rows: places.into_iter().zip(rows).collect(),
        summary,
    })
}

/// The groupings a whole run adds up.
const GROUPS: [GroupBy; 2] = [GroupBy::Township, GroupBy::Village];

/// One side of `tables` under `rules`, its summary grouping by each of `groups`.
fn work_side(
    tables: &[Table],
    rules: &RuleSet,
    side: Side,
    duplicates: &[Vec<bool>],
    groups: &[GroupBy],
) -> Result<Worked, CompareError> {
    let mut held = Held {
        rules,
        rows: Vec::new(),
    };
    let mut errors: Vec<Option<Vec<RowError>>> = Vec::new();
    let mut lines = Vec::new();
    let mut places = Vec::new();
    for (t, table) in tables.iter().enumerate() {
        // The approved-amount columns are found per rule set: a variant finds its own.
        let other;
        let columns = match side {
            Side::Before => &table.sheet.columns,
            Side::After => {
                other = table.sheet.columns.for_other_rules();
                &other
            }
        };
        for (r, row) in table.sheet.rows.iter().enumerate() {
            let judged = table.sheet.judge(rules, columns, row, duplicates[t][r]);
            let (computed, bad) = match judged {
                Judged::Totals => continue,
                Judged::Good(g) => (Some(*g), None),
                Judged::Bad(e) => (None, Some(e)),
            };
            held.rows.push(HeldRow {
                township: place_form(&text(columns, row, Field::Township)).to_string(),
                village: place_form(&text(columns, row, Field::Village)).to_string(),
                computed,
            });
            errors.push(bad);
            lines.push(row.line);
            places.push((t, r));
        }
    }
    allocate(rules, &mut held).map_err(|error| CompareError { side, error })?;
    let mut summary = Summary::new(rules, groups);
    let mut out = Vec::with_capacity(held.rows.len());
    for ((h, bad), line) in held.rows.into_iter().zip(errors).zip(lines) {
        match (h.computed, bad) {
            (Some((seg, b)), _) => {
                let text = RowText {
                    id: "",
                    township: &h.township,
                    village: &h.village,
                };
                // A total that no longer fits makes the row bad, as in a batch run.
                if summary.add(rules, &seg, &text, &b).is_ok() {
                    out.push(Ok(Computed {
                        segment: seg,
                        breakdown: b,
                        township: h.township,
                        village: h.village,
                        line,
                    }));
                } else {
                    out.push(Err(vec![RowError::row(line, Problem::Overflow)]));
                }
            }
            (None, bad) => out.push(Err(bad.unwrap_or_default())),
        }
    }
    Ok((out, summary, places))
}
