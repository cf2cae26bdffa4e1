//! End-to-end tests of the `roadsub` binary: one test binary, one small harness, tests grouped
//! by command.

mod harness;

mod allocation;
mod bad_input;
mod batch;
mod budgets;
mod compare;
mod dated;
mod excel;
mod explain;
mod formats;
mod notes;
mod notice;
mod office;
mod plan;
mod reading;
mod rules;
mod rules_new;
mod selftest;
mod sources;
mod top;
mod workbooks;

pub use harness::*;
