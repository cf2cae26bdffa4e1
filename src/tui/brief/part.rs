//! Runs of the rows of [`Briefs`], each to be changed on a thread of its own: an edit under
//! a prorated envelope changes the cuts of hundreds of thousands of rows lying far apart in
//! memory, and waiting for each in turn is most of its time, so the rows are split into runs
//! worked on at once on every core (see [`Kept::again`](crate::tui::prorated::Kept::again)).

use super::{Briefs, CutChange, Linear, Mark, Shape};
use crate::rules::ClassId;

/// Rows `first..first + marks.len()` of a [`Briefs`], with their numbers to change.
pub struct Rows<'a> {
    shape: &'a Shape,
    marks: &'a [Mark],
    nums: &'a mut [i64],
    first: usize,
}

impl Briefs {
    /// The rows in runs `bounds[i]..bounds[i + 1]` (`bounds` ascending, the last at most
    /// [`Briefs::len`]).
    pub fn runs(&mut self, bounds: &[usize]) -> Vec<Rows<'_>> {
        let stride = self.shape.stride;
        let first = bounds.first().copied().unwrap_or(0);
        let mut nums = &mut self.nums[first * stride..];
        let mut runs = Vec::with_capacity(bounds.len().saturating_sub(1));
        for pair in bounds.windows(2) {
            let (from, to) = (pair[0], pair[1]);
            let (run, rest) = std::mem::take(&mut nums).split_at_mut((to - from) * stride);
            nums = rest;
            runs.push(Rows {
                shape: &self.shape,
                marks: &self.marks[from..to],
                nums: run,
                first: from,
            });
        }
        runs
    }
}

impl Rows<'_> {
    fn row(&self, at: usize) -> &[i64] {
        let stride = self.shape.stride;
        let i = (at - self.first) * stride;
        &self.nums[i..i + stride]
    }

    fn row_mut(&mut self, at: usize) -> &mut [i64] {
        let stride = self.shape.stride;
        let i = (at - self.first) * stride;
        &mut self.nums[i..i + stride]
    }

    /// Row `at`'s class, as [`Briefs::class`].
    pub fn class(&self, at: usize) -> ClassId {
        self.marks[at - self.first].class as ClassId
    }

    /// Row `at`'s cuts, as [`Briefs::cuts`].
    pub fn cuts(&self, at: usize) -> &[i64] {
        self.shape.cuts_in(self.row(at))
    }

    /// As [`Briefs::cut`].
    pub fn cut(&self, at: usize, slot: usize) -> Option<i64> {
        self.shape.cut_in(self.row(at), slot)
    }

    /// As [`Briefs::set_cut`].
    pub fn set_cut(&mut self, at: usize, budget: usize, to: i64) {
        let shape = self.shape;
        shape.set_cut_in(self.row_mut(at), budget, to);
    }

    /// As [`Briefs::clear_cuts`].
    pub fn clear_cuts(&mut self, at: usize) {
        let shape = self.shape;
        shape.clear_cuts_in(self.row_mut(at));
    }

    /// As [`Briefs::warm`].
    pub fn warm(&self, at: usize) -> i64 {
        Shape::warm_of(self.row(at))
    }

    /// As [`Briefs::cut_change`].
    pub fn cut_change(&self, at: usize, old: &[i64], new: &[i64], change: &mut CutChange) -> bool {
        self.shape
            .cut_change(self.marks[at - self.first], self.row(at), old, new, change)
    }

    /// As [`Briefs::linear`].
    pub fn linear(&self, at: usize) -> Linear {
        self.shape.linear(self.marks[at - self.first], self.row(at))
    }
}
