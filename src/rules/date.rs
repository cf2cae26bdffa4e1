//! Calendar days for dated rates (SPEC §9): a tier is in force from one day until another,
//! and a segment is dated by a day or a year. Only ordering and writing a day back are
//! needed, so a day is its `YYYYMMDD` number, which orders as the calendar does; no date
//! crate is needed for that.

use std::fmt;

/// A calendar day, checked to exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(u32);

impl Day {
    /// The day `text` names, written `YYYY-MM-DD` (a year from 1 to 9999), if it is on the
    /// calendar.
    pub fn parse(text: &str) -> Option<Day> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = &b[r];
            if !part.iter().all(u8::is_ascii_digit) {
                return None;
            }
            std::str::from_utf8(part).ok()?.parse().ok()
        };
        let (y, m, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        if y == 0 || d == 0 || d > days_in_month(y, m)? {
            return None;
        }
        Some(Day(y * 10_000 + m * 100 + d))
    }

    /// Whether `text` is written as a day is, `YYYY-MM-DD` (four, two and two digits), on the
    /// calendar or not: one that is not a day (`2019-02-29`) is said to be off the calendar,
    /// not told the form it has.
    pub fn has_form(text: &str) -> bool {
        let b = text.trim().as_bytes();
        b.len() == 10
            && b.iter().enumerate().all(|(i, c)| {
                if i == 4 || i == 7 {
                    *c == b'-'
                } else {
                    c.is_ascii_digit()
                }
            })
    }

    /// The first day of `year`.
    pub fn first_of(year: u32) -> Day {
        Day(year * 10_000 + 101)
    }

    /// The last day of `year`.
    pub fn last_of(year: u32) -> Day {
        Day(year * 10_000 + 1231)
    }

    /// The year.
    pub fn year(self) -> u32 {
        self.0 / 10_000
    }

    /// The day after, if the calendar goes on (it ends with 9999-12-31).
    pub fn next(self) -> Option<Day> {
        let (y, m, d) = (self.0 / 10_000, self.0 / 100 % 100, self.0 % 100);
        if d < days_in_month(y, m)? {
            Some(Day(self.0 + 1))
        } else if m < 12 {
            Some(Day(y * 10_000 + (m + 1) * 100 + 1))
        } else if y < 9999 {
            Some(Day::first_of(y + 1))
        } else {
            None
        }
    }
}

fn days_in_month(y: u32, m: u32) -> Option<u32> {
    let leap = (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
    Some(match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    })
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let (y, m, d) = (self.0 / 10_000, self.0 / 100 % 100, self.0 % 100);
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// The days a tier is in force, both ends included; an open end reaches as far as time does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Period {
    /// The first day, if any.
    pub from: Option<Day>,
    /// The last day, if any.
    pub until: Option<Day>,
}

impl Period {
    /// Whether the period has no end at all: in force on every day, and when no day is known.
    pub fn is_always(&self) -> bool {
        self.from.is_none() && self.until.is_none()
    }

    /// Whether the period takes in `day`.
    pub fn covers(&self, day: Day) -> bool {
        self.from.is_none_or(|f| f <= day) && self.until.is_none_or(|u| day <= u)
    }

    /// Whether the period takes in every day from `first` to `last`.
    pub fn covers_all(&self, first: Day, last: Day) -> bool {
        self.covers(first) && self.covers(last)
    }

    /// Whether some day is in both periods.
    pub fn overlaps(&self, other: &Period) -> bool {
        let starts_before_other_ends = match (self.from, other.until) {
            (Some(f), Some(u)) => f <= u,
            _ => true,
        };
        let other_starts_before_end = match (other.from, self.until) {
            (Some(f), Some(u)) => f <= u,
            _ => true,
        };
        starts_before_other_ends && other_starts_before_end
    }

    /// The period as a reader sees it: `2018-01-01 – 2018-12-31`, an open end as `…`.
    pub fn describe(&self) -> String {
        let end = |d: Option<Day>| d.map_or_else(|| "…".to_string(), |d| d.to_string());
        format!("{} – {}", end(self.from), end(self.until))
    }
}

/// What dates a segment: a day, a whole year, or nothing known (SPEC §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// A day (the table's `date` column, `--as-of`, or the rules' effective date).
    Day(Day),
    /// A whole year (the table's `year` column): the tiers in force on its first day, which
    /// pay the same all year (a row whose year a change of its rate splits is refused first,
    /// [`super::RuleSet::splits_year`]).
    Year(u32),
    /// No day at all: only tiers in force always apply.
    Undated,
}

impl When {
    /// Whether a tier in force over `period` applies to a segment dated so.
    pub fn in_force(self, period: &Period) -> bool {
        match self {
            When::Day(d) => period.covers(d),
            When::Year(y) => period.covers(Day::first_of(y)),
            When::Undated => period.is_always(),
        }
    }
}

impl fmt::Display for When {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            When::Day(d) => d.fmt(f),
            When::Year(y) => write!(f, "{y}"),
            When::Undated => f.write_str("—"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_checked_against_the_calendar() {
        assert_eq!(Day::parse("2019-01-01").unwrap().to_string(), "2019-01-01");
        assert!(Day::parse("2020-02-29").is_some());
        for bad in [
            "2019-02-29",
            "2019-13-01",
            "2019-1-01",
            "0000-01-01",
            "2019-01-00",
            "2019/01/01",
        ] {
            assert_eq!(Day::parse(bad), None, "{bad}");
        }
        // Which of them are written as a day is, to be told they are off the calendar.
        for (text, form) in [
            ("2019-02-29", true),
            ("2019-13-01", true),
            ("0000-01-01", true),
            (" 2019-01-00 ", true),
            ("2019-1-01", false),
            ("2019/01/01", false),
            ("2019-01-0x", false),
            ("2019", false),
        ] {
            assert_eq!(Day::has_form(text), form, "{text}");
        }
    }

    #[test]
    fn periods_include_both_ends() {
        let d = |s| Day::parse(s).unwrap();
        let p = Period {
            from: Some(d("2018-01-01")),
            until: Some(d("2018-12-31")),
        };
        assert!(!p.covers(d("2017-12-31")));
        assert!(p.covers(d("2018-01-01")));
        assert!(p.covers(d("2018-12-31")));
        assert!(!p.covers(d("2019-01-01")));
        let q = Period {
            from: Some(d("2018-12-31")),
            until: None,
        };
        assert!(p.overlaps(&q) && q.overlaps(&p));
        let r = Period {
            from: Some(d("2019-01-01")),
            until: None,
        };
        assert!(!p.overlaps(&r) && !r.overlaps(&p));
        assert!(When::Year(2018).in_force(&p));
        assert!(!When::Year(2018).in_force(&q));
        assert!(!When::Undated.in_force(&r));
        assert!(When::Undated.in_force(&Period::default()));
    }
}
