//! Where a problem is: byte spans of the rules file turned into `file:line:col` errors, in
//! file order, that editors can jump to.

use std::collections::HashSet;

use toml::Spanned;

use crate::rules::{ColumnCheck, RulesError, RulesProblem};

/// Turns byte spans into `file:line:col` errors.
pub(super) struct Locator<'a> {
    pub(super) text: &'a str,
    pub(super) origin: &'a str,
    pub(super) errors: Vec<RulesError>,
    /// Where a value of the wrong type was replaced by a stand-in so reading could go on:
    /// later complaints about the stand-in itself are not the user's problem.
    pub(super) stand_ins: Vec<(usize, usize)>,
    /// Names that output columns already have (see [`ColumnCheck`]).
    pub(super) columns: ColumnCheck<'a>,
}

impl Locator<'_> {
    pub(super) fn at(&self, offset: usize, problem: RulesProblem) -> RulesError {
        let (line, col) = position(self.text, offset);
        RulesError {
            file: self.origin.to_string(),
            line,
            col,
            problem,
        }
    }

    pub(super) fn push<T>(&mut self, at: &Spanned<T>, problem: RulesProblem) {
        let e = self.at(at.span().start, problem);
        self.errors.push(e);
    }

    /// Every problem in file order, without complaints about stand-ins.
    pub(super) fn finish(mut self) -> Vec<RulesError> {
        let stand_ins = std::mem::take(&mut self.stand_ins);
        let mut seen_stand_in = HashSet::new();
        self.errors.sort_by_key(|e| (e.line, e.col));
        self.errors.retain(|e| {
            !stand_ins.contains(&(e.line, e.col)) || seen_stand_in.insert((e.line, e.col))
        });
        self.errors
    }
}

/// The 1-based line and column (in characters) of a byte offset.
pub(in crate::rules) fn position(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary_compat(offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

trait FloorBoundary {
    fn floor_char_boundary_compat(&self, i: usize) -> usize;
}

impl FloorBoundary for str {
    fn floor_char_boundary_compat(&self, mut i: usize) -> usize {
        while i > 0 && !self.is_char_boundary(i) {
            i -= 1;
        }
        i
    }
}
