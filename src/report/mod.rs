//! Everything computed over many rows, and every form the results are written in, once:
//! totals and groups ([`summary`]), budget lines ([`budget`]), the arithmetic of a short
//! envelope ([`allocate`]), which columns an output has ([`layout`]), how rows are written in
//! each format ([`encode`]), and the renderers (text summary, JSON and Markdown in
//! [`format`](mod@format), the Excel report in [`xlsx`]). Batch runs and the interactive table
//! both call these, so a total or a budget line is worked out by one function whichever way it
//! is shown.

pub mod allocate;
pub mod budget;
pub mod compare;
pub mod encode;
pub mod explain;
pub mod format;
pub mod layout;
pub mod notice;
pub mod summary;
pub mod xlsx;

pub use budget::{BudgetLine, Scope};
pub use format::{Format, TextFormat, Unit};
pub(crate) use summary::RowPart;
pub use summary::{GroupBy, Summary, Totals};
