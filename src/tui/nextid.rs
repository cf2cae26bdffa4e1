//! The id a new row is offered: the next in the pattern of the row it is added below
//! (AY-19 → AY-20, AYP-009 → AYP-010), so the usual numbering needs no typing, and never an id
//! the table already has (two rows with one id are refused, as a batch run refuses them).
//!
//! The pattern is the id of the row the cursor is on, not the largest id with its prefix: a
//! row is added below the cursor's, so it continues the numbering where it is added, and the
//! first number after it that no row has is offered (with AY-20 taken, AY-21). Digits stay in
//! their own form (full-width ２０ after full-width １９) and keep their zero padding; the
//! number grows a digit when it must (A9 → A10, AYP-999 → AYP-1000). An id that does not end
//! in digits has no pattern to follow: nothing is offered.

use std::borrow::Cow;
use std::collections::HashSet;

use crate::table::idform::id_form;

/// The zero of `c`'s kind of digit, when `c` is a digit roadsub counts in: ASCII, or the
/// full-width ones a Chinese input method types.
fn zero_of(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some('0'),
        '０'..='９' => Some('０'),
        _ => None,
    }
}

/// `digits` (all of one kind, whose zero is `zero`) plus one, as written text: the carry
/// runs through the string, so no number is too long to count on.
fn increment(digits: &[char], zero: char) -> String {
    let nine = char::from_u32(zero as u32 + 9).unwrap_or(zero);
    let one = char::from_u32(zero as u32 + 1).unwrap_or(zero);
    let mut out: Vec<char> = digits.to_vec();
    for d in out.iter_mut().rev() {
        if *d == nine {
            *d = zero;
        } else {
            *d = char::from_u32(*d as u32 + 1).unwrap_or(*d);
            return out.into_iter().collect();
        }
    }
    // Every digit was a nine: one more digit in front.
    std::iter::once(one).chain(out).collect()
}

/// Splits `id` into its text before the trailing number and that number's digits (of one
/// kind) with their zero; `None` when it does not end in a digit.
fn split(id: &str) -> Option<(&str, Vec<char>, char)> {
    let zero = zero_of(id.chars().next_back()?)?;
    let start = id
        .char_indices()
        .rev()
        .take_while(|&(_, c)| zero_of(c) == Some(zero))
        .last()
        .map_or(id.len(), |(i, _)| i);
    Some((&id[..start], id[start..].chars().collect(), zero))
}

/// The id offered for a row added after the row whose id is `after`, given every id the
/// table has: `None` when `after` does not end in a number.
pub fn suggest<'a>(after: &str, taken: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let (prefix, mut digits, zero) = split(after.trim())?;
    let taken: HashSet<Cow<'_, str>> = taken.into_iter().map(|id| id_form(id.trim())).collect();
    // At most one more number than the table has ids is ever tried.
    loop {
        let next = increment(&digits, zero);
        let id = format!("{prefix}{next}");
        if !taken.contains(id_form(&id).as_ref()) {
            return Some(id);
        }
        digits = next.chars().collect();
    }
}

#[cfg(test)]
mod tests {
    use super::suggest;

    fn next(after: &str, taken: &[&str]) -> Option<String> {
        suggest(after, taken.iter().copied().chain([after]))
    }

    #[test]
    fn the_next_id_follows_the_pattern_keeping_its_padding() {
        assert_eq!(next("AY-19", &[]).as_deref(), Some("AY-20"));
        assert_eq!(next("AYP-009", &[]).as_deref(), Some("AYP-010"));
        assert_eq!(next("AYP-099", &[]).as_deref(), Some("AYP-100"));
        assert_eq!(next("AYP-999", &[]).as_deref(), Some("AYP-1000"));
        assert_eq!(next("19", &[]).as_deref(), Some("20"));
        assert_eq!(next("A9", &[]).as_deref(), Some("A10"));
        assert_eq!(next("9", &[]).as_deref(), Some("10"));
        assert_eq!(next("G2-07", &[]).as_deref(), Some("G2-08"));
        assert_eq!(next(" AY-19 ", &[]).as_deref(), Some("AY-20"));
    }

    #[test]
    fn full_width_digits_stay_full_width() {
        assert_eq!(next("ＡＹ－１９", &[]).as_deref(), Some("ＡＹ－２０"));
        assert_eq!(next("安岳０９", &[]).as_deref(), Some("安岳１０"));
        assert_eq!(next("村道９９", &[]).as_deref(), Some("村道１００"));
        // A full-width number after ASCII digits counts on alone.
        assert_eq!(next("A1９", &[]).as_deref(), Some("A1１０"));
    }

    #[test]
    fn a_taken_next_id_gives_the_first_free_one_after_it() {
        assert_eq!(
            next("AY-19", &["AY-20", "AY-21", "AY-23"]).as_deref(),
            Some("AY-22")
        );
        assert_eq!(next("AYP-009", &["AYP-010"]).as_deref(), Some("AYP-011"));
        // Taken ids are compared as the table compares them: without surrounding spaces.
        assert_eq!(next("19", &[" 20 "]).as_deref(), Some("21"));
    }

    #[test]
    fn an_id_not_ending_in_a_number_has_no_suggestion() {
        assert_eq!(next("桥头", &[]), None);
        assert_eq!(next("AY-19a", &[]), None);
        assert_eq!(next("", &[]), None);
        assert_eq!(next("   ", &[]), None);
    }

    #[test]
    fn a_number_too_long_for_any_integer_still_counts_on() {
        let long = format!("AY-{}", "9".repeat(60));
        assert_eq!(next(&long, &[]).unwrap(), format!("AY-1{}", "0".repeat(60)));
    }
}
