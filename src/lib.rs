//! roadsub (通村通社公路补助计算器): for every planned rural road segment, what each funding
//! source pays and the shortfall (差额) the village must raise itself.
//!
//! The pipeline, each stage depending only on the ones after it:
//! `cli` → `tui` → `batch` → `table` → `engine` → `rules` → `money`
//! (the interactive table reuses the batch's totals and report writers; `cli` calls both).
//! - [`money`] parses amounts, widths and lengths exactly and rounds to the fen;
//! - [`rules`] reads and validates `rules.toml` into a [`rules::RuleSet`];
//! - [`engine`] turns one [`engine::Segment`] into a [`engine::Breakdown`];
//! - [`table`] reads segment tables (CSV in UTF-8 or GB18030, Excel workbooks) into segments;
//! - [`batch`] streams tables through the engine and writes results (CSV, JSON, Markdown,
//!   an Excel report) and summaries;
//! - [`tui`] is the interactive table;
//! - [`cli`] is the command line.

pub mod batch;
pub mod cli;
pub mod engine;
#[doc(hidden)]
pub mod fuzzing;
pub mod i18n;
pub mod money;
pub mod report;
pub mod rules;
pub mod table;
pub mod textwidth;
pub mod tui;
