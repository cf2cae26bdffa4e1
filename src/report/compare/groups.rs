//! Both sides' totals per township and per village, found by hash, while a comparison's rows
//! are computed on every core.
//!
//! A summary's groups are sorted by name, and finding one of 187,307 villages by comparing
//! names, row after row, took longer than computing the rows; found by hash in a map of
//! maps it still cost a comparison to Markdown half its time. Villages come in no order, so
//! each row's village was three waits on memory one after another (the map's control bytes,
//! its entry, the name the entry points to) and a fourth for its totals. Now a row's
//! township is looked up at once (a few hundred, always near), and its village is put aside
//! with a hash of its township and name ([`BATCH`] rows at a time); then the places of the
//! batch's villages are asked for all together, each village found in a table of one cache
//! line a place that holds the name itself ([`Villages`]), then all their totals asked
//! for, then the rows added. The waits of one batch overlap instead of following each other.
//!
//! The totals lie side by side in one vector ([`Tallies`]), the tables holding only where;
//! a name is copied once, the first time a core meets it (the rows' text need not outlive it:
//! tables read in blocks are not held).

use std::borrow::Cow;
use std::hash::BuildHasher;
use std::ops::Range;

use super::tally::{RowTally, Run, Tallies};
use super::{Funds, GroupPair};
use crate::engine::{Breakdown, Segment, Share};
use crate::money::Sum;
use crate::report::summary::{in_group_order, village_key, GroupBy, RowPart, Slots, SumOverflow};
use crate::rules::RuleSet;
use crate::table::row::RowText;
#[cfg(test)]
use {crate::report::summary::Totals, std::collections::BTreeMap};

/// Rows put aside before their villages are found together.
const BATCH: usize = 32;

/// How many of another core's villages ahead of the one merged its place is asked for.
const PLACES_AHEAD: usize = 16;

/// One side's row: its segment and breakdown.
type Computed<'a> = (&'a Segment, &'a Breakdown);

/// Both sides' totals per township and per village (see the module's note).
pub(super) struct Groups {
    /// Each township's number, by name.
    towns: foldhash::HashMap<Box<str>, u32>,
    /// Each township's name and the place of its totals, by number.
    town_list: Vec<(Box<str>, usize)>,
    villages: Villages,
    /// Each group's totals on both sides.
    tallies: Tallies,
    /// Rows put aside, their villages not yet found.
    pending: Vec<Pending>,
    /// The names of their villages, back to back.
    names: String,
    /// A sum of a batch added did not fit.
    overflowed: bool,
}

/// A row put aside: its village (a hash of its township and name, and where the name is in
/// [`Groups::names`]), and what it adds.
struct Pending {
    hash: u64,
    town: u32,
    name: Range<usize>,
    row: RowTally,
}

impl Groups {
    /// No groups yet, for the rules `rules` (before, after).
    pub(super) fn new(rules: [&RuleSet; 2]) -> Groups {
        Groups::with_funds(rules.map(|r| r.funds.len()))
    }

    /// No groups yet, for sides of `funds` funds (before, after).
    fn with_funds(funds: [usize; 2]) -> Groups {
        Groups {
            towns: Default::default(),
            town_list: Vec::new(),
            villages: Villages::default(),
            tallies: Tallies::new(funds),
            pending: Vec::with_capacity(BATCH),
            names: String::new(),
            overflowed: false,
        }
    }

    /// Adds a row placed at `at`, computed under both sides (added with the rows put aside
    /// with it: a sum that does not fit is told by [`Groups::settle`]).
    pub(super) fn add(&mut self, at: &RowText, rows: [Computed; 2]) -> Result<(), SumOverflow> {
        let [(sb, bb), (sa, ba)] = rows;
        let parts = [RowPart::of(sb, bb)?, RowPart::of(sa, ba)?];
        let paid = |share: &Share| Sum::<2>::units(share.paid);
        let (pb, pa) = (&bb.shares, &ba.shares);
        let row = self.tallies.row([
            (&parts[0], pb.iter().map(paid)),
            (&parts[1], pa.iter().map(paid)),
        ])?;
        self.put_aside(at, row)
    }

    /// [`Groups::add`] of a row the fused path computed under both sides: each side's part
    /// and its funds' paid amounts in fen.
    pub(super) fn add_fen(
        &mut self,
        at: &RowText,
        rows: [(&RowPart, &[i128]); 2],
    ) -> Result<(), SumOverflow> {
        let [(pb, fb), (pa, fa)] = rows;
        let paid = |&fen: &i128| Ok(fen);
        let row = self
            .tallies
            .row([(pb, fb.iter().map(paid)), (pa, fa.iter().map(paid))])?;
        self.put_aside(at, row)
    }

    /// Puts `row` aside, its village to be found with the batch's others.
    fn put_aside(&mut self, at: &RowText, row: RowTally) -> Result<(), SumOverflow> {
        let town = self.town(at.township)?;
        let start = self.names.len();
        self.names.push_str(at.village);
        self.pending.push(Pending {
            hash: self.villages.hash(town, at.village),
            town,
            name: start..self.names.len(),
            row,
        });
        if self.pending.len() == BATCH {
            self.flush();
        }
        Ok(())
    }

    /// The number of the township `name`, made the first time it is met.
    fn town(&mut self, name: &str) -> Result<u32, SumOverflow> {
        if let Some(&town) = self.towns.get(name) {
            return Ok(town);
        }
        let town = u32::try_from(self.town_list.len()).map_err(|_| SumOverflow)?;
        self.town_list.push((name.into(), self.tallies.push()));
        self.towns.insert(name.into(), town);
        Ok(town)
    }

    /// Adds the rows put aside: their villages' places asked for together, then found (each
    /// made the first time it is met), their totals asked for, then the rows added.
    fn flush(&mut self) {
        let Groups {
            town_list,
            villages,
            tallies,
            pending,
            names,
            overflowed,
            ..
        } = self;
        for p in pending.iter() {
            villages.prefetch(p.hash);
        }
        let mut places = [0usize; BATCH];
        for (p, place) in pending.iter().zip(&mut places) {
            let found =
                villages.find_or_insert(p.hash, p.town, &names[p.name.clone()], || tallies.push());
            match found {
                Some(at) => {
                    tallies.prefetch(at);
                    *place = at;
                }
                None => *overflowed = true,
            }
        }
        if !*overflowed {
            for (p, &village) in pending.iter().zip(&places) {
                let town = town_list[p.town as usize].1;
                if tallies.add_row([town, village], &p.row).is_err() {
                    *overflowed = true;
                    break;
                }
            }
        }
        pending.clear();
        names.clear();
    }

    /// Adds the rows still put aside: an error when some sum did not fit.
    pub(super) fn settle(&mut self) -> Result<(), SumOverflow> {
        self.flush();
        match self.overflowed {
            true => Err(SumOverflow),
            false => Ok(()),
        }
    }

    /// Adds another core's groups, still by hash: the groups are put in order once, when
    /// they are taken ([`Groups::into_tallied`]).
    pub(super) fn merge(&mut self, mut other: Groups) -> Result<(), SumOverflow> {
        self.settle()?;
        other.settle()?;
        // Where each of their groups goes among mine, found first by hash (no totals
        // touched: 187,307 villages met in hash order were a cache miss each)...
        let mut moves: Vec<(usize, usize)> = Vec::with_capacity(other.town_list.len());
        let mut towns = Vec::with_capacity(other.town_list.len());
        for (name, theirs) in &other.town_list {
            let town = self.town(name)?;
            towns.push(town);
            moves.push((*theirs, self.town_list[town as usize].1));
        }
        let Groups {
            villages, tallies, ..
        } = self;
        // Theirs looked up among mine on every core, mine only read (nearly every village
        // has rows on every core): each core takes a share of their places, hashes its
        // villages first, so that the place of one a few ahead is asked for while one is
        // found (a cache miss each, in hash order), and puts its moves in the order mine
        // are kept.
        let places = other.villages.places.len();
        let share = places
            .div_ceil(super::cores::workers(places / PLACES_PER_CORE))
            .max(1);
        let (theirs, mine) = (&other.villages, &*villages);
        let (looked, _) = super::cores::on_every_core(
            places.div_ceil(share),
            || (),
            |_, k| {
                let part: Vec<(u64, u32, &str, usize)> = theirs
                    .iter_in(k * share..((k + 1) * share).min(places))
                    .map(|(town, name, from)| {
                        let town = towns[town as usize];
                        (mine.hash(town, name), town, name, from)
                    })
                    .collect();
                let mut found = Vec::with_capacity(part.len());
                let mut missing = Vec::new();
                for (i, &(hash, town, name, from)) in part.iter().enumerate() {
                    if let Some(&(ahead, ..)) = part.get(i + PLACES_AHEAD) {
                        mine.prefetch(ahead);
                    }
                    match mine.find(hash, town, name) {
                        Some(to) => found.push((from, to)),
                        None => missing.push((hash, town, name, from)),
                    }
                }
                found.sort_unstable_by_key(|&(_, to)| to);
                (found, missing)
            },
        );
        // Those only they have are given places here, in turn: each after every group mine
        // has, so their moves are in the order mine are kept too.
        moves.sort_unstable_by_key(|&(_, to)| to);
        let mut new = Vec::new();
        let mut runs = vec![moves];
        for (found, missing) in looked {
            runs.push(found);
            for (hash, town, name, from) in missing {
                let to = villages
                    .find_or_insert(hash, town, name, || tallies.push())
                    .ok_or(SumOverflow)?;
                new.push((from, to));
            }
        }
        runs.push(new);
        // ...then added, each core adding to a run of mine.
        add_moves(tallies, &other.tallies, &runs)
    }

    /// The groups as [`Tallied`]: the townships and the villages put in the order people
    /// read, their totals left where they are (the groups settled: [`Groups::settle`]).
    pub(super) fn into_tallied(mut self) -> Tallied {
        debug_assert!(
            self.pending.is_empty(),
            "groups are settled before they are taken"
        );
        self.flush();
        let Groups {
            town_list: towns,
            villages,
            tallies,
            ..
        } = self;
        let list: Vec<TalliedVillage> = (villages.places.iter())
            .filter(|p| p.at != FREE)
            .map(|p| TalliedVillage {
                town: p.town,
                len: p.len,
                start: p.start,
                at: p.at as usize,
            })
            .collect();
        let mut tallied = Tallied {
            tallies,
            towns,
            villages: list,
            text: villages.text,
            towns_in_order: Vec::new(),
        };
        let names: Vec<&str> = tallied.towns.iter().map(|(name, _)| &**name).collect();
        let towns = in_group_order(GroupBy::Township, &names);
        // A village is ordered by its township and its own name (what its key would be read
        // back into), two of the same keys by their keys; each township's name is looked up
        // once, not once per village.
        let mut slots = Slots::default();
        let town_slots: Vec<u32> = (tallied.towns.iter())
            .map(|(name, _)| slots.of(Cow::Borrowed(&**name)))
            .collect();
        let parts: Vec<(u32, u32)> = (tallied.villages.iter())
            .map(|v| {
                let name = &tallied.text[v.start..v.start + v.len as usize];
                (town_slots[v.town as usize], slots.of(Cow::Borrowed(name)))
            })
            .collect();
        let villages = slots.order(&parts, |a, b| {
            let key = |v| {
                let (town, name) = tallied.village(v);
                village_key(town, name)
            };
            key(a).cmp(&key(b))
        });
        // The villages kept in that order, so that those written next are found next.
        tallied.villages = villages.iter().map(|&v| tallied.villages[v]).collect();
        tallied.towns_in_order = towns;
        tallied
    }

    /// Each side's groups as a summary's groupings (each by its name, townships then
    /// villages), the groups settled ([`Groups::settle`]).
    #[cfg(test)]
    pub(super) fn into_groupings(self) -> [Vec<(GroupBy, BTreeMap<String, Totals>)>; 2] {
        self.into_tallied().groupings()
    }
}

/// Both sides' groups of a comparison as the cores found them by hash, in the order people
/// read. A group's key and its [`Totals`] (some 300 bytes a side, a vector of its funds'
/// amounts among them) are made only as the group is written, on the core that writes it:
/// made for all 187,307 villages of a million rows first, sorted by key and put in a map of
/// each side, they took a quarter of a second on one core and some 200 MB.
#[derive(Debug, Clone)]
pub struct Tallied {
    tallies: Tallies,
    /// Each township's name and the place of its totals, by number.
    towns: Vec<(Box<str>, usize)>,
    villages: Vec<TalliedVillage>,
    /// Every village's name, back to back.
    text: String,
    /// The townships' numbers in the order people read (the villages are kept in it).
    towns_in_order: Vec<usize>,
}

/// A village of [`Tallied`]: its township's number, where its name is in the text, where
/// its totals are.
#[derive(Debug, Clone, Copy)]
struct TalliedVillage {
    town: u32,
    len: u32,
    start: usize,
    at: usize,
}

impl Tallied {
    /// The groups of `by` in the order people read: each a number [`Tallied::pair`] takes.
    pub(super) fn order(&self, by: GroupBy) -> impl Iterator<Item = usize> + '_ {
        let (towns, villages): (&[usize], usize) = match by {
            GroupBy::Township => (&self.towns_in_order, 0),
            GroupBy::Village => (&[], self.villages.len()),
            // A comparison groups by nothing else.
            GroupBy::Class => (&[], 0),
        };
        towns.iter().copied().chain(0..villages)
    }

    /// Village `v`'s township and own name.
    fn village(&self, v: usize) -> (&str, &str) {
        let v = self.villages[v];
        let name = &self.text[v.start..v.start + v.len as usize];
        (&self.towns[v.town as usize].0, name)
    }

    /// Group `g` of `by`: its key ([`village_key`] for a village) and where its totals are.
    fn group(&self, by: GroupBy, g: usize) -> (String, usize) {
        match by {
            GroupBy::Village => {
                let (town, name) = self.village(g);
                (village_key(town, name), self.villages[g].at)
            }
            _ => {
                let (name, at) = &self.towns[g];
                (name.to_string(), *at)
            }
        }
    }

    /// Asks for what [`Tallied::pair`] reads of group `g` of `by` to be brought near.
    pub(super) fn prefetch(&self, by: GroupBy, g: usize) {
        if let (GroupBy::Village, Some(v)) = (by, self.villages.get(g)) {
            self.tallies.prefetch(v.at);
            if let Some(first) = self.text.as_bytes().get(v.start) {
                prefetch(first);
            }
        }
    }

    /// Group `g` of `by` as compared amounts, its totals not made.
    pub(super) fn pair(&self, by: GroupBy, g: usize, funds: &Funds) -> GroupPair {
        let (key, at) = self.group(by, g);
        let [(before, b), (after, a)] = [0, 1].map(|side| self.tallies.amounts(at, side, funds));
        GroupPair {
            key,
            before,
            after,
            rows: (b, a),
        }
    }

    /// Each side's groups as a summary's groupings (each by its key, townships then
    /// villages): what the groups added row by row to each side's summary hold.
    #[cfg(test)]
    pub fn groupings(&self) -> [Vec<(GroupBy, BTreeMap<String, Totals>)>; 2] {
        [0, 1].map(|side| {
            [GroupBy::Township, GroupBy::Village]
                .into_iter()
                .map(|by| {
                    let groups = self.order(by).map(|g| {
                        let (key, at) = self.group(by, g);
                        (key, self.tallies.totals(at, side))
                    });
                    (by, groups.collect())
                })
                .collect()
        })
    }
}

/// Asks for the cache lines holding `item` to be brought near: a hint, which changes
/// nothing but when memory is waited for.
#[inline(always)]
pub(super) fn prefetch<T>(item: &T) {
    /// A cache line's bytes.
    const LINE: usize = 64;
    let start = std::ptr::from_ref(item).cast::<i8>();
    // Each line from the item's first byte to its last (it need not start a line).
    let first = start.addr() & !(LINE - 1);
    let last = (start.addr() + std::mem::size_of::<T>().max(1) - 1) & !(LINE - 1);
    let mut at = start.wrapping_sub(start.addr() - first);
    for _ in 0..=(last - first) / LINE {
        #[cfg(target_arch = "x86_64")]
        #[allow(unsafe_code)]
        // SAFETY: a prefetch reads nothing and writes nothing (an address of no memory is
        // no fault); it needs SSE, which every x86-64 processor has.
        unsafe {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            _mm_prefetch::<_MM_HINT_T0>(at);
        }
        at = at.wrapping_add(LINE);
    }
}

/// Where each village's totals are, by its township's number and its name: a table of
/// places of one cache line each, found by hash from the place the hash gives on (the next
/// when taken by another village), at most three quarters taken. A place holds the hash, the
/// township and the name's first [`NAME_IN_PLACE`] bytes, so a village is found in the one
/// line its hash says, the longer names compared in full too (kept whole, back to back).
#[derive(Default)]
struct Villages {
    places: Vec<Place>,
    /// How many places are taken.
    taken: usize,
    /// Every village's name, back to back.
    text: String,
    state: foldhash::fast::RandomState,
}

/// The bytes of a name a place holds.
const NAME_IN_PLACE: usize = 36;

/// A village's place in [`Villages`]: `at` [`FREE`] when no village has it.
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct Place {
    hash: u64,
    /// Where its totals are in the tallies (as u32).
    at: u32,
    town: u32,
    /// Where its name starts in [`Villages::text`], and its length.
    start: usize,
    len: u32,
    /// Its name's first bytes, zeros after.
    name: [u8; NAME_IN_PLACE],
}

/// A place no village has.
const FREE: u32 = u32::MAX;

const FREE_PLACE: Place = Place {
    hash: 0,
    at: FREE,
    town: 0,
    start: 0,
    len: 0,
    name: [0; NAME_IN_PLACE],
};

/// The first places a table has.
const FIRST_PLACES: usize = 1024;

impl Villages {
    /// The hash of the village `name` of township `town`.
    fn hash(&self, town: u32, name: &str) -> u64 {
        self.state.hash_one((town, name))
    }

    /// Where a hash's search starts.
    fn first(&self, hash: u64) -> usize {
        // The table's length is a power of two; the high bits mix best.
        (hash >> 32) as usize & (self.places.len() - 1)
    }

    /// Asks for the place a hash's search starts at to be brought near.
    #[inline(always)]
    fn prefetch(&self, hash: u64) {
        if !self.places.is_empty() {
            prefetch(&self.places[self.first(hash)]);
        }
    }

    /// Where the totals of village `name` of township `town` are (`hash` its
    /// [`Villages::hash`]), its totals made by `new` the first time it is met; `None` when
    /// there are more groups than a place can say.
    fn find_or_insert(
        &mut self,
        hash: u64,
        town: u32,
        name: &str,
        new: impl FnOnce() -> usize,
    ) -> Option<usize> {
        if (self.taken + 1) * 4 > self.places.len() * 3 {
            self.grow();
        }
        let i = match self.probe(hash, town, name) {
            Ok(at) => return Some(at),
            Err(free) => free,
        };
        let bytes = name.as_bytes();
        let head = &bytes[..bytes.len().min(NAME_IN_PLACE)];
        let at = new();
        let mut place = Place {
            hash,
            at: u32::try_from(at).ok().filter(|&at| at != FREE)?,
            town,
            start: self.text.len(),
            len: u32::try_from(bytes.len()).ok()?,
            name: [0; NAME_IN_PLACE],
        };
        place.name[..head.len()].copy_from_slice(head);
        self.text.push_str(name);
        self.places[i] = place;
        self.taken += 1;
        Some(at)
    }

    /// Where the totals of village `name` of township `town` are (`hash` its
    /// [`Villages::hash`]), when it has a place.
    fn find(&self, hash: u64, town: u32, name: &str) -> Option<usize> {
        match self.places.is_empty() {
            true => None,
            false => self.probe(hash, town, name).ok(),
        }
    }

    /// The place of village `name` of township `town` (`hash` its [`Villages::hash`]): `Ok`
    /// where its totals are, or `Err` the free place where it would go (the table not empty).
    #[inline(always)]
    fn probe(&self, hash: u64, town: u32, name: &str) -> Result<usize, usize> {
        let mask = self.places.len() - 1;
        let mut i = self.first(hash);
        let bytes = name.as_bytes();
        let head = &bytes[..bytes.len().min(NAME_IN_PLACE)];
        loop {
            let place = &self.places[i];
            if place.at == FREE {
                return Err(i);
            }
            if place.hash == hash
                && place.town == town
                && place.len as usize == bytes.len()
                && &place.name[..head.len()] == head
                && (bytes.len() <= NAME_IN_PLACE
                    || &self.text.as_bytes()[place.start..place.start + bytes.len()] == bytes)
            {
                return Ok(place.at as usize);
            }
            i = (i + 1) & mask;
        }
    }

    /// Twice the places (or the first ones), each village put where its hash says anew.
    fn grow(&mut self) {
        let len = (self.places.len() * 2).max(FIRST_PLACES);
        let old = std::mem::replace(&mut self.places, vec![FREE_PLACE; len]);
        let mask = len - 1;
        for place in old.into_iter().filter(|p| p.at != FREE) {
            let mut i = self.first(place.hash);
            while self.places[i].at != FREE {
                i = (i + 1) & mask;
            }
            self.places[i] = place;
        }
    }

    /// Each village of the places `places`: its township's number, its name and where its
    /// totals are.
    fn iter_in(&self, places: Range<usize>) -> impl Iterator<Item = (u32, &str, usize)> {
        self.places[places]
            .iter()
            .filter(|p| p.at != FREE)
            .map(|p| {
                let name = &self.text[p.start..p.start + p.len as usize];
                (p.town, name, p.at as usize)
            })
    }
}

/// The fewest groups a core is given when the groups are shared out after the rows: fewer
/// are not worth a thread.
pub(super) const LEAST_PER_CORE: usize = 1 << 14;

/// The fewest places of a table a core looks through when another core's groups are
/// merged: fewer are not worth a thread.
const PLACES_PER_CORE: usize = 1 << 16;

/// Adds each group `from` of `theirs` to group `to` of `mine`, for each `(from, to)` of the
/// `runs` (each in order of `to`; no `to` twice among them all): mine's groups shared out
/// over every core in runs of places, each core adding the moves to its own; then those
/// they leave (a group either side holds exactly, or whose sums would leave 64 bits) added
/// exactly.
fn add_moves(
    mine: &mut Tallies,
    theirs: &Tallies,
    runs: &[Vec<(usize, usize)>],
) -> Result<(), SumOverflow> {
    // The moves of each run to the places `to` in `range`.
    let within = |range: Range<usize>| -> Vec<&[(usize, usize)]> {
        (runs.iter())
            .map(|run| {
                let start = run.partition_point(|&(_, to)| to < range.start);
                let end = run.partition_point(|&(_, to)| to < range.end);
                &run[start..end]
            })
            .collect()
    };
    let add = |mut mine: Run, parts: Vec<&[(usize, usize)]>| -> Vec<(usize, usize)> {
        (parts.into_iter().flatten().copied())
            .filter(|&(from, to)| !mine.merge(to, theirs, from))
            .collect()
    };
    let (groups, moves) = (mine.len(), runs.iter().map(Vec::len).sum::<usize>());
    let cores = super::cores::workers(moves / LEAST_PER_CORE);
    let left: Vec<(usize, usize)> = if cores < 2 {
        add(mine.whole(), within(0..groups))
    } else {
        std::thread::scope(|scope| {
            let mut rest = mine.whole();
            let mut adding = Vec::with_capacity(cores);
            for core in 0..cores {
                // Nearly every group of mine has a move: each core the same share of them.
                let (start, end) = (groups * core / cores, groups * (core + 1) / cores);
                let (head, tail) = rest.split_at(end);
                let parts = within(start..end);
                adding.push(scope.spawn(move || add(head, parts)));
                rest = tail;
            }
            (adding.into_iter())
                .flat_map(|core| {
                    core.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        })
    };
    (left.into_iter()).try_for_each(|(from, to)| mine.merge_exact(to, theirs, from))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::money::SumError;
    use proptest::strategy::Strategy as _;

    /// A xorshift stream, the same every run.
    fn stream(mut state: u64) -> impl FnMut() -> u64 {
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        }
    }

    /// Another core's groups added to mine in runs on every core are each added where its
    /// move says, the groups no move reaches left as they were: as many moves as are shared
    /// out and fewer, mine's last group reached or not, the moves in one run or in several
    /// that interleave (as each core's lookups and the groups made new come).
    #[test]
    fn groups_added_on_every_core_are_each_added_where_it_goes() {
        let cases = [(100usize, 3usize), (1 << 16, 1), (100_001, 2), (100_000, 3)];
        for ((groups, step), runs) in cases.into_iter().flat_map(|c| [(c, 1), (c, 3)]) {
            let counts = |times: u32| -> Vec<[u32; 2]> {
                (0..groups as u32)
                    .map(|i| [i * times, i * times + 1])
                    .collect()
            };
            let mut mine = Tallies::counted(&counts(1));
            let theirs = Tallies::counted(&counts(1000));
            // Every `step`th group of mine from the next of theirs in reverse, dealt out
            // in turn to `runs` runs.
            let moves: Vec<(usize, usize)> = (0..groups)
                .step_by(step)
                .map(|to| (groups - 1 - to, to))
                .collect();
            let runs: Vec<Vec<(usize, usize)>> = (0..runs)
                .map(|r| moves.iter().copied().skip(r).step_by(runs).collect())
                .collect();
            add_moves(&mut mine, &theirs, &runs).unwrap();
            for to in 0..groups {
                let moved = to % step == 0;
                let added = if moved {
                    (groups - 1 - to) as u64 * 1000
                } else {
                    0
                };
                let t = [mine.totals(to, 0).segments, mine.totals(to, 1).segments];
                let to = to as u64;
                assert_eq!(
                    t,
                    [to + added, to + 1 + added + u64::from(moved)],
                    "{groups} {step} {to} {}",
                    runs.len()
                );
            }
        }
    }

    /// A village's name: short, as long as a place holds, longer (kept whole apart), or
    /// longer still, in Chinese.
    fn village_name(k: u64) -> String {
        match k % 4 {
            0 => format!("村{k}"),
            // 36 bytes: what a place holds, the last byte the name's.
            1 => format!("{:0>36}", k),
            2 => format!("{:0>37}", k),
            _ => format!("大骥村第{k}村民小组（原合并前的老村委会辖区）"),
        }
    }

    /// The table of villages finds what a map finds: each village once, by its township
    /// and its name (the same name in two townships two villages; names alike but for
    /// their last byte, beyond what a place holds, apart), through every growth.
    #[test]
    fn villages_are_found_as_a_map_finds_them() {
        let mut villages = Villages::default();
        let mut model: HashMap<(u32, String), usize> = HashMap::new();
        let mut next = stream(42);
        let mut made = 0;
        for _ in 0..60_000 {
            let r = next();
            let (town, name) = ((r % 7) as u32, village_name(r % 9_000));
            let hash = villages.hash(town, &name);
            let mut new = false;
            let at = villages
                .find_or_insert(hash, town, &name, || {
                    new = true;
                    made += 1;
                    made - 1
                })
                .unwrap();
            let want = *model.entry((town, name.clone())).or_insert(at);
            assert_eq!(at, want, "{town} {name}");
            if new {
                assert_eq!(at, made - 1, "{town} {name}");
            }
        }
        assert_eq!(made, model.len());
        let mut listed: Vec<((u32, String), usize)> = villages
            .iter_in(0..villages.places.len())
            .map(|(town, name, at)| ((town, name.to_owned()), at))
            .collect();
        // Each is found where it was put, and only those put are found.
        for ((town, name), at) in &listed {
            let hash = villages.hash(*town, name);
            assert_eq!(villages.find(hash, *town, name), Some(*at), "{town} {name}");
        }
        let absent = "no such village";
        assert_eq!(villages.find(villages.hash(0, absent), 0, absent), None);
        assert_eq!(Villages::default().find(0, 0, absent), None);
        let mut want: Vec<((u32, String), usize)> = model.into_iter().collect();
        listed.sort();
        want.sort();
        assert_eq!(listed, want);
    }

    /// Villages whose hashes are the same are told apart by their township and name: every
    /// search then walks past the others' places.
    #[test]
    fn villages_of_one_hash_are_told_apart_by_township_and_name() {
        let mut villages = Villages::default();
        // Names alike in the bytes a place holds, apart after them (and in length).
        let long = "长".repeat(12);
        let names = [
            "村1",
            "村2",
            &format!("{long}ab"),
            &format!("{long}ac"),
            &format!("{long}a"),
        ];
        let mut made = 0;
        for round in 0..2 {
            for town in 0..3u32 {
                for (i, name) in names.iter().enumerate() {
                    let at = villages
                        .find_or_insert(7, town, name, || {
                            made += 1;
                            made - 1
                        })
                        .unwrap();
                    assert_eq!(at, town as usize * names.len() + i, "{round} {town} {name}");
                }
            }
        }
        assert_eq!(made, 15);
    }

    /// A row's part: amounts from `k`.
    fn part(k: i128) -> RowPart {
        RowPart {
            length: 1_000_000 + k,
            completed: (k % 3 == 0).then_some(500_000),
            cost: 40_000_000 + 17 * k,
            subsidy: 30_000_000 + k,
            gap: 10_000_000 + 16 * k,
            shortfall: 9_000_000 + k,
            sources: if k % 5 == 0 { 20_000_000 } else { 0 },
            due: (k % 3 == 0).then_some(15_000_000),
            disbursed: (k % 4 == 0).then_some(1_000),
            outstanding: (k % 4 == 0).then_some(2_000 + k),
            warns: k % 11 == 0,
        }
    }

    /// Groups put aside a batch at a time and merged from two cores are each side's groups
    /// added row by row ([`Totals::add_part`]) under each name: more rows than a batch, the
    /// same village name in two townships, names longer than a place holds, sides of two
    /// and of five funds.
    #[test]
    fn groups_put_aside_and_merged_are_the_groups_added_row_by_row() {
        for funds in [[2usize, 2], [2, 5], [5, 0]] {
            let mut cores = [Groups::with_funds(funds), Groups::with_funds(funds)];
            let mut model: [[BTreeMap<String, Totals>; 2]; 2] = Default::default();
            let mut next = stream(7 + funds[1] as u64);
            for row in 0..(5 * BATCH as i128 + 3) {
                let r = next();
                let town = format!("乡镇{}", r % 3);
                let village = village_name((r >> 8) % 40);
                let at = RowText {
                    id: "",
                    township: &town,
                    village: &village,
                };
                let parts = [part(row), part(2 * row + 1)];
                let paid: [Vec<i128>; 2] = [0, 1].map(|side| {
                    (0..funds[side] as i128)
                        .map(|f| 100 * f + row + side as i128)
                        .collect()
                });
                let core = &mut cores[(r % 2) as usize];
                core.add_fen(&at, [(&parts[0], &paid[0]), (&parts[1], &paid[1])])
                    .unwrap();
                for side in 0..2 {
                    let fen = || paid[side].iter().map(|&f| Ok::<_, SumError>(f));
                    for (by, key) in [(0, town.clone()), (1, village_key(&town, &village))] {
                        let totals = model[side][by].entry(key).or_default();
                        totals.add_part(&parts[side], fen(), false).unwrap();
                    }
                }
            }
            let [mut mine, theirs] = cores;
            mine.merge(theirs).unwrap();
            for (side, groupings) in mine.into_groupings().into_iter().enumerate() {
                let [towns, villages] = &model[side];
                assert_eq!(
                    groupings,
                    vec![
                        (GroupBy::Township, towns.clone()),
                        (GroupBy::Village, villages.clone())
                    ],
                    "{funds:?} {side}"
                );
            }
        }
    }

    /// Groups merged from two cores that each met tens of thousands of villages, most on
    /// both, some on one only: the other core's villages are looked up on every core and
    /// added on every core (more places and moves than one core is given), and each
    /// village's totals are its rows' on both cores.
    #[test]
    fn many_villages_merged_on_every_core_are_each_their_rows_on_both_cores() {
        const VILLAGES: usize = 60_000;
        const ONE_CORE_ONLY: usize = 1_000;
        let funds = [1usize, 2];
        let mut cores = [Groups::with_funds(funds), Groups::with_funds(funds)];
        let mut model: [BTreeMap<String, Totals>; 2] = Default::default();
        for (core, villages) in [
            (0, 0..VILLAGES),
            (1, ONE_CORE_ONLY..VILLAGES + ONE_CORE_ONLY),
        ] {
            for v in villages {
                let (town, village) = (format!("乡镇{}", v % 7), village_name(v as u64));
                let row = (v * 2 + core) as i128;
                let parts = [part(row), part(row + 1)];
                let paid: [Vec<i128>; 2] =
                    [0, 1].map(|side| (0..funds[side] as i128).map(|f| row + f).collect());
                let at = RowText {
                    id: "",
                    township: &town,
                    village: &village,
                };
                cores[core]
                    .add_fen(&at, [(&parts[0], &paid[0]), (&parts[1], &paid[1])])
                    .unwrap();
                for side in 0..2 {
                    let fen = paid[side].iter().map(|&f| Ok::<_, SumError>(f));
                    (model[side].entry(village_key(&town, &village)).or_default())
                        .add_part(&parts[side], fen, false)
                        .unwrap();
                }
            }
        }
        let [mut mine, theirs] = cores;
        assert!(theirs.villages.places.len() >= 2 * PLACES_PER_CORE);
        mine.merge(theirs).unwrap();
        for (side, groupings) in mine.into_groupings().into_iter().enumerate() {
            let (by, villages) = &groupings[1];
            assert_eq!(*by, GroupBy::Village);
            assert_eq!(villages.len(), VILLAGES + ONE_CORE_ONLY);
            assert!(*villages == model[side], "side {side}");
        }
    }

    /// A village whose sums leave 64 bits goes on exactly, in a batch and through a merge
    /// (the regression a hostile review found: from a pipe, the comparison had read its
    /// table a second time, found it empty and failed, or waited on a FIFO for ever); only a
    /// sum beyond 128 bits is told when the groups are settled, and again when merged.
    #[test]
    fn a_village_whose_sums_leave_64_bits_goes_on_exactly_and_only_128_bits_overflow() {
        let at = RowText {
            id: "",
            township: "乡镇",
            village: "村",
        };
        let paid = [1i128];
        for (cost, fits) in [
            (i128::from(i64::MAX) / 2 + 1, true),
            (i128::MAX / 2 + 1, false),
        ] {
            let mut big = part(1);
            big.cost = cost;
            let mut cores = [Groups::with_funds([1, 1]), Groups::with_funds([1, 1])];
            let mut want = Totals::default();
            for core in &mut cores {
                for _ in 0..2 {
                    core.add_fen(&at, [(&big, &paid), (&part(1), &paid)])
                        .unwrap();
                    let _ = want.add_part(&big, paid.iter().map(|&p| Ok(p)), false);
                }
            }
            let [mut mine, theirs] = cores;
            match fits {
                true => {
                    assert_eq!(mine.settle(), Ok(()));
                    assert_eq!(mine.merge(theirs), Ok(()));
                    let [before, _] = mine.into_groupings();
                    assert_eq!(before[1].1.get("乡镇 村"), Some(&want));
                    assert_eq!(before[0].1.get("乡镇"), Some(&want));
                }
                false => {
                    assert_eq!(mine.settle(), Err(SumOverflow));
                    let mut other = Groups::with_funds([1, 1]);
                    assert_eq!(other.merge(mine), Err(SumOverflow));
                }
            }
        }
    }

    /// What townships and villages are made of: Latin letters in either case, digits
    /// (ordered by value), white space and quotes (a township holding either is quoted in
    /// its villages' keys), Chinese of the same reading and different tones.
    fn name() -> impl proptest::strategy::Strategy<Value = String> {
        let part = proptest::sample::select(vec![
            "a", "B", "b", "1", "01", "10", " ", "\"", "石", "十", "羊", "洋", "村", "乡 镇",
        ]);
        proptest::collection::vec(part, 0..4).prop_map(|parts| parts.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// The groups found by hash and merged from two cores are handed out in the order
        /// their keys are in people's order ([`in_group_order`], how a summary's groups are
        /// written), each once: townships and villages of any names, the same village in
        /// two townships, villages met on one core or on both.
        #[test]
        fn tallied_groups_are_in_the_order_of_their_keys(
            rows in proptest::collection::vec((name(), name(), proptest::bool::ANY), 1..60),
        ) {
            let mut cores = [Groups::with_funds([1, 1]), Groups::with_funds([1, 1])];
            let mut keys: [Vec<String>; 2] = Default::default();
            for (k, (township, village, other_core)) in rows.iter().enumerate() {
                let at = RowText { id: "", township, village };
                let part = part(k as i128);
                cores[usize::from(*other_core)]
                    .add_fen(&at, [(&part, &[1]), (&part, &[2])])
                    .unwrap();
                keys[0].push(township.clone());
                keys[1].push(village_key(township, village));
            }
            let [mut mine, theirs] = cores;
            mine.merge(theirs).unwrap();
            let tallied = mine.into_tallied();
            for (by, mut want) in [GroupBy::Township, GroupBy::Village].into_iter().zip(keys) {
                want.sort_unstable();
                want.dedup();
                let names: Vec<&str> = want.iter().map(String::as_str).collect();
                let want: Vec<&str> = in_group_order(by, &names).into_iter().map(|i| names[i]).collect();
                let got: Vec<String> = (tallied.order(by))
                    .map(|g| tallied.group(by, g).0)
                    .collect();
                proptest::prop_assert_eq!(got, want, "{:?}", by);
            }
        }
    }
}
