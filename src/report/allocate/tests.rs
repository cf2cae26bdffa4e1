//! The worked examples of SPEC §8's allocation, each to the fen.

use super::*;

/// 万 yuan in fen.
const WAN: i128 = 10_000 * 100;

#[test]
fn the_releases_group_roads_asking_868_5_wan_of_a_690_wan_envelope_are_paid_exactly_690_wan() {
    // 86.85 km of group roads at 10万/km: nineteen segments of 4.3 km and one of 5.15 km.
    let mut asked = vec![43 * WAN; 19];
    asked.push(515 * WAN / 10);
    assert_eq!(asked.iter().sum::<i128>(), 868_500_000);
    let paid = prorate(&asked, 690 * WAN).unwrap();
    assert_eq!(paid.iter().sum::<i128>(), 690_000_000);
    assert_eq!(&paid[..3], &[34_162_348, 34_162_349, 34_162_349]);
    assert_eq!(paid[8], 34_162_348);
    assert_eq!(paid[19], 40_915_372);
}

#[test]
fn three_equal_rows_share_an_envelope_that_does_not_divide_by_three_and_the_last_gets_the_fen() {
    assert_eq!(prorate(&[100, 100, 100], 100).unwrap(), vec![33, 33, 34]);
}

#[test]
fn rows_asking_no_more_than_the_envelope_get_what_they_ask() {
    assert_eq!(prorate(&[5, 7, 0], 12).unwrap(), vec![5, 7, 0]);
    assert_eq!(prorate(&[5, 7, 0], 1_000).unwrap(), vec![5, 7, 0]);
    assert_eq!(
        in_order(&[(None, 5), (Some(1), 7)], 12).unwrap(),
        vec![5, 7]
    );
}

#[test]
fn an_envelope_of_zero_pays_every_row_nothing() {
    assert_eq!(prorate(&[5, 7], 0).unwrap(), vec![0, 0]);
    assert_eq!(in_order(&[(Some(1), 5), (None, 7)], 0).unwrap(), vec![0, 0]);
}

#[test]
fn no_rows_are_paid_nothing() {
    assert_eq!(prorate(&[], 100).unwrap(), Vec::<i128>::new());
    assert_eq!(in_order(&[], 100).unwrap(), Vec::<i128>::new());
}

#[test]
fn a_row_asking_nothing_is_paid_nothing_and_leaves_the_others_their_shares() {
    assert_eq!(
        prorate(&[0, 100, 0, 100, 0], 100).unwrap(),
        vec![0, 50, 0, 50, 0]
    );
}

#[test]
fn a_negative_amount_or_envelope_is_refused() {
    assert_eq!(prorate(&[5, -1], 3), Err(AllocError::Negative));
    assert_eq!(prorate(&[5, 1], -3), Err(AllocError::Negative));
    assert_eq!(in_order(&[(None, -1)], 3), Err(AllocError::Negative));
    assert_eq!(in_order(&[(None, 1)], -3), Err(AllocError::Negative));
}

#[test]
fn amounts_adding_up_past_128_bits_are_an_overflow_error_not_a_panic() {
    assert_eq!(prorate(&[i128::MAX, 1], 5), Err(AllocError::Overflow));
    assert_eq!(
        in_order(&[(None, i128::MAX), (None, 1)], 5),
        Err(AllocError::Overflow)
    );
}

#[test]
fn amounts_whose_products_need_256_bits_are_still_shared_exactly() {
    let half = i128::MAX / 2;
    // E·S_1 = half², far past 128 bits: row 1 gets ⌊half / 2⌋, row 2 the rest.
    let paid = prorate(&[half, half], half).unwrap();
    assert_eq!(paid, vec![half / 2, half - half / 2]);
    let paid = prorate(&[1, half - 1, half], half).unwrap();
    assert_eq!(paid.iter().sum::<i128>(), half);
    assert_eq!(paid[0], 0);
}

#[test]
fn the_256_bit_division_agrees_with_the_128_bit_one_where_both_work() {
    let cases = [
        (7u128, 9u128, 10u128),
        (0, 5, 3),
        (u64::MAX as u128, u64::MAX as u128, u64::MAX as u128 + 7),
    ];
    for (a, b, d) in cases {
        assert_eq!(mul_div_floor(a, b, d), a * b / d);
    }
    // (2^127)·(2^127) / 2^127 = 2^127, by the long division.
    let p = 1u128 << 127;
    assert_eq!(mul_div_floor(p, p, p), p);
    assert_eq!(mul_div_floor(u128::MAX, u128::MAX, u128::MAX), u128::MAX);
    assert_eq!(
        mul_div_floor(u128::MAX - 1, u128::MAX, u128::MAX),
        u128::MAX - 1
    );
}

#[test]
fn a_streamed_row_past_the_total_it_was_set_up_with_is_refused() {
    let mut prorater = Prorater::new(10, 5).unwrap();
    assert_eq!(prorater.next(6), Ok(3));
    assert_eq!(prorater.next(5), Err(AllocError::MoreThanTotal));
}

#[test]
fn a_stream_that_ends_short_of_its_total_is_reported_by_finish() {
    let mut prorater = Prorater::new(10, 5).unwrap();
    assert_eq!(prorater.next(6), Ok(3));
    assert_eq!(prorater.finish(), Err(AllocError::LessThanTotal));
    assert_eq!(prorater.next(4), Ok(2));
    assert_eq!(prorater.finish(), Ok(5));
}

#[test]
fn a_chunk_started_after_the_rows_before_it_pays_what_the_whole_run_pays() {
    let asked = [100, 100, 100];
    let mut second = Prorater::starting_after(300, 100, 100).unwrap();
    assert_eq!(second.next(100), Ok(33));
    assert_eq!(second.next(100), Ok(34));
    assert_eq!(second.finish(), Ok(100));
    assert_eq!(prorate(&asked, 100).unwrap()[1..], [33, 34]);
    assert_eq!(
        Prorater::starting_after(300, 100, 301).err(),
        Some(AllocError::MoreThanTotal)
    );
}

#[test]
fn priority_one_is_paid_before_priority_two_and_rows_without_a_priority_come_last() {
    let asked = [(None, 50), (Some(2), 50), (Some(1), 50)];
    assert_eq!(in_order(&asked, 120).unwrap(), vec![20, 50, 50]);
    assert_eq!(in_order(&asked, 70).unwrap(), vec![0, 20, 50]);
}

#[test]
fn rows_of_one_priority_and_rows_without_one_are_paid_in_input_order() {
    let asked = [(Some(3), 40), (None, 40), (Some(3), 40), (None, 40)];
    assert_eq!(in_order(&asked, 100).unwrap(), vec![40, 20, 40, 0]);
    assert_eq!(in_order(&asked, 50).unwrap(), vec![40, 0, 10, 0]);
}

#[test]
fn a_negative_priority_comes_before_priority_zero() {
    let asked = [(Some(0), 10), (Some(-5), 10)];
    assert_eq!(in_order(&asked, 15).unwrap(), vec![5, 10]);
}

#[test]
fn allocation_errors_are_said_in_chinese_and_english() {
    assert_eq!(
        AllocError::Overflow.render(Lang::Zh),
        "向预算额度申请的金额合计过大，无法精确计算；未作分配"
    );
    assert_eq!(
        AllocError::Overflow.render(Lang::En),
        "the amounts asked of a budget add up to more than can be computed exactly; nothing was allocated"
    );
}
