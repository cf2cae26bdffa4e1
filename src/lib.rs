//! roadsub (通村通社公路补助计算器): for every planned rural road segment, what each funding
//! source pays and the shortfall (差额) the village must raise itself.
//!
//! The layers, each depending only on the ones after it:
//! `cli` → {`tui`, `batch`} → `report` → `table` → `engine` → `rules` → `money`
//! (`tui` and `batch` are siblings and never import each other).
//! - [`money`] parses amounts, widths and lengths exactly and rounds to the fen;
//! - [`rules`] reads and validates `rules.toml` into a [`rules::RuleSet`];
//! - [`engine`] turns one [`engine::Segment`] into a [`engine::Breakdown`];
//! - [`table`] reads and writes segment tables (CSV in UTF-8 or GB18030, Excel workbooks);
//! - [`report`] computes everything over many rows (totals, groups, budget lines) and writes
//!   every output format (CSV, JSON, JSON Lines, Markdown, the Excel report), once for both
//!   callers;
//! - [`batch`] streams tables through the engine in parallel and hands rows to the report
//!   writers in order;
//! - [`tui`] is the interactive table;
//! - [`cli`] is the command line.

// The one exception, a hint to the kernel, is allowed where it stands, with its reason.
#![deny(unsafe_code)]

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
pub mod textorder;
pub mod textwidth;
pub mod tui;

#[cfg(test)]
mod testing;
