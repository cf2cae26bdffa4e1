//! SPEC §3 as properties over random segments, against a model that knows the shipped rates
//! and does its own integer arithmetic: the engine's numbers, to the fen, and the identity
//! subsidy_total + other_funds + shortfall − surplus = cost.

use proptest::prelude::*;

use super::*;
use crate::money::Rounding;

/// The shipped rate of each fund (transport, poverty) for a class and width in mm, in fen/km.
fn rates(village: bool, width_mm: i64) -> [i128; 2] {
    let transport = match width_mm {
        w if w >= 4500 => 450_000 * 100,
        w if w >= 3500 => 150_000 * 100,
        _ => 0,
    };
    let poverty = match (village, width_mm) {
        (true, w) if w >= 4500 => 300_000 * 100,
        (true, w) if w >= 3500 => 250_000 * 100,
        (false, w) if w >= 3500 => 100_000 * 100,
        _ => 0,
    };
    [transport, poverty]
}

/// `n / d` rounded by `rule`, for n ≥ 0, d > 0.
fn div_round(n: i128, d: i128, rule: Rounding) -> i128 {
    let (q, r) = (n / d, n % d);
    let up = match (2 * r).cmp(&d) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => rule == Rounding::HalfAwayFromZero || q % 2 == 1,
    };
    q + i128::from(up)
}

#[derive(Debug, Clone)]
struct Case {
    village: bool,
    width_mm: i64,
    length_ukm: i64,
    /// Whole cost in fen, or cost per km in fen.
    cost_fen: i128,
    per_km: bool,
    other_fen: i128,
    households: Option<u32>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        any::<bool>(),
        prop_oneof![Just(3500i64), Just(4500), 2000i64..7000],
        1i64..200_000_000,
        0i128..100_000_000_000,
        any::<bool>(),
        prop_oneof![Just(0i128), 0i128..100_000_000_000],
        prop::option::of(1u32..5000),
    )
        .prop_map(
            |(village, width_mm, length_ukm, cost_fen, per_km, other_fen, households)| Case {
                village,
                width_mm,
                length_ukm,
                cost_fen,
                per_km,
                other_fen,
                households,
            },
        )
}

fn rules(rule: Rounding) -> RuleSet {
    let text = crate::rules::BUILTIN_TOML.replace(
        "rounding = \"half_away_from_zero\"",
        &format!("rounding = \"{}\"", rule.key()),
    );
    RuleSet::from_toml(&text, "r.toml").unwrap()
}

fn fen(value: Decimal) -> i128 {
    assert_eq!(value.scale(), 2, "{value} is not in fen");
    value.mantissa()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn the_engine_agrees_with_an_integer_model_and_the_money_adds_up(c in case()) {
        for rule in [Rounding::HalfAwayFromZero, Rounding::HalfEven] {
            let rules = rules(rule);
            let class = rules.class_by_name(if c.village { "village" } else { "group" }).unwrap();
            let segment = Segment {
                class,
                width_m: Decimal::new(c.width_mm, 3),
                length_km: Decimal::new(c.length_ukm, 6),
                cost: if c.per_km {
                    Cost::PerKm(Decimal::from_i128_with_scale(c.cost_fen, 2))
                } else {
                    Cost::Total(Decimal::from_i128_with_scale(c.cost_fen, 2))
                },
                sources: crate::engine::Sources::other_funds(Decimal::from_i128_with_scale(c.other_fen, 2)),
                approved: Vec::new(),
                disbursed: None,
                priority: None,
                households: c.households,
                completed_km: None,
                date: None,
            };
            let b = compute(&rules, &segment).unwrap();
            // The model: fen per km × µkm, in fen after dividing by 10^6, rounded.
            let ukm = i128::from(c.length_ukm);
            let cost = if c.per_km {
                div_round(c.cost_fen * ukm, 1_000_000, rule)
            } else {
                c.cost_fen
            };
            prop_assert_eq!(fen(b.cost), cost);
            let mut left = cost;
            let mut subsidy = 0;
            for (share, rate) in b.shares.iter().zip(rates(c.village, c.width_mm)) {
                let nominal = div_round(rate * ukm, 1_000_000, rule);
                let paid = nominal.min(left);
                prop_assert_eq!(fen(share.nominal), nominal);
                prop_assert_eq!(fen(share.paid), paid);
                left -= paid;
                subsidy += paid;
            }
            prop_assert_eq!(fen(b.subsidy_total), subsidy);
            let shortfall = (cost - subsidy - c.other_fen).max(0);
            prop_assert_eq!(fen(b.shortfall), shortfall);
            let surplus = (subsidy + c.other_fen - cost).max(0);
            prop_assert_eq!(
                fen(b.subsidy_total) + c.other_fen + fen(b.shortfall) - surplus,
                fen(b.cost)
            );
            prop_assert_eq!(
                b.per_household.map(fen),
                c.households.map(|h| div_round(shortfall, i128::from(h), rule))
            );
        }
    }

    /// Every cut of one fund, to any amount, keeps the money adding up (SPEC §8): the fund
    /// pays what the budget gave, no other fund changes, the gap and shortfall follow the
    /// formulas, due is the completed share of the new subsidy, and the shortfall rises by
    /// what the note says.
    #[test]
    fn a_budget_cut_keeps_every_identity(
        c in case(),
        sources in proptest::array::uniform4(0i128..50_000_000),
        done_permille in 0i64..=1000,
        disbursed in 0i128..100_000_000,
        to_permille in 0i128..=1000,
    ) {
        let rules = rules(Rounding::HalfAwayFromZero);
        let class = rules.class_by_name(if c.village { "village" } else { "group" }).unwrap();
        let length = Decimal::new(c.length_ukm, 6);
        let done = Decimal::new(c.length_ukm * done_permille / 1000, 6);
        let mut segment = Segment {
            class,
            width_m: Decimal::new(c.width_mm, 3),
            length_km: length,
            cost: Cost::Total(Decimal::from_i128_with_scale(c.cost_fen, 2)),
            sources: crate::engine::Sources(sources.map(|f| Decimal::from_i128_with_scale(f, 2))),
            approved: Vec::new(),
            disbursed: None,
            priority: None,
            households: c.households,
            completed_km: Some(done),
            date: None,
        };
        let before = compute(&rules, &segment).unwrap();
        segment.disbursed = Some(Decimal::from_i128_with_scale(disbursed.min(fen(before.subsidy_total)), 2));
        let mut b = compute(&rules, &segment).unwrap();
        let poverty = 1;
        let asked = fen(b.shares[poverty].paid);
        let to = asked * to_permille / 1000;
        let cut = crate::engine::BudgetCut {
            fund: poverty,
            budget: 0,
            per_village: false,
            how: crate::rules::OnOverrun::Prorate,
            asked: b.shares[poverty].paid,
            envelope: b.shares[poverty].paid,
        };
        let shortfall_before = fen(b.shortfall);
        crate::engine::cut(&rules, &segment, &mut b, cut, to).unwrap();
        prop_assert_eq!(fen(b.shares[poverty].paid), to);
        prop_assert_eq!(fen(b.shares[0].paid), fen(before.shares[0].paid));
        let subsidy = fen(b.shares[0].paid) + to;
        prop_assert_eq!(fen(b.subsidy_total), subsidy);
        let gap = (fen(b.cost) - subsidy).max(0);
        prop_assert_eq!(fen(b.gap), gap);
        let shortfall = (gap - sources.iter().sum::<i128>()).max(0);
        prop_assert_eq!(fen(b.shortfall), shortfall);
        let due = div_round(subsidy * done.mantissa() * 10i128.pow(6 - done.scale()),
            i128::from(c.length_ukm), Rounding::HalfAwayFromZero);
        prop_assert_eq!(b.due.map(fen), Some(due));
        prop_assert_eq!(b.outstanding.map(fen), Some((due - fen(segment.disbursed.unwrap())).max(0)));
        let raised = b.notes.iter().find_map(|n| match n {
            crate::engine::Note::CutByBudget { raised, .. } => Some(fen(*raised)),
            _ => None,
        });
        prop_assert_eq!(raised.unwrap_or(0), shortfall - shortfall_before);
        prop_assert_eq!(raised.is_some(), to < asked);
    }
}

/// Costs of every form the engine's fast paths must meet: whole fen mostly, also more
/// decimals (ties among them), negative, zero and beyond what a cost may be.
fn any_cost() -> impl Strategy<Value = Decimal> {
    let mantissa = prop_oneof![
        Just(0i128),
        Just(5),
        -100_000_000_000i128..100_000_000_000,
        -(1i128 << 95)..(1i128 << 95),
    ];
    (mantissa, prop_oneof![Just(2u32), 0u32..=2, 0u32..=12])
        .prop_map(|(m, scale)| Decimal::from_i128_with_scale(m, scale))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// The cost and each fund's amount in fen, worked out fast where they can be, are what
    /// the `Decimal` path makes of them: a product rounded to the fen by the rules' rule, in
    /// the same form, and an overflow where the cost leaves the exact range.
    #[test]
    fn a_cost_and_a_rate_in_fen_are_what_the_decimal_path_makes_them(
        cost in any_cost(),
        per_km in any::<bool>(),
        length in prop_oneof![Just(1_000_000i64), 1i64..200_000_000, 1i64..i64::MAX],
        length_scale in 0u32..=6,
        width_mm in prop_oneof![Just(3500i64), Just(4500), 2000i64..7000],
        village in any::<bool>(),
    ) {
        for rule in [Rounding::HalfAwayFromZero, Rounding::HalfEven] {
            let rules = rules(rule);
            let class = rules.class_by_name(if village { "village" } else { "group" }).unwrap();
            let length_km = Decimal::new(length, length_scale);
            let segment = Segment::new(
                class,
                Decimal::new(width_mm, 3),
                length_km,
                if per_km { Cost::PerKm(cost) } else { Cost::Total(cost) },
            );
            let want = if per_km {
                cost.checked_mul(length_km).map(|x| rule.to_fen(x))
            } else {
                Some(rule.to_fen(cost))
            };
            let got = compute(&rules, &segment);
            let in_range = want.is_some_and(|w| rule.fen(w) <= crate::money::MAX_FEN);
            if !in_range {
                prop_assert!(got.is_err(), "{} {:?}", cost, got);
                continue;
            }
            let Ok(b) = got else { continue };
            let want = want.unwrap();
            prop_assert_eq!(
                (b.cost.is_sign_negative(), b.cost.scale(), b.cost.mantissa()),
                (want.is_sign_negative(), want.scale(), want.mantissa())
            );
            for (fund, share) in rules.funds.iter().zip(&b.shares) {
                if let TierChoice::Tier(t) = share.tier {
                    let nominal = fund.tiers[t].rate_per_km.checked_mul(length_km).map(|x| rule.to_fen(x));
                    prop_assert_eq!(Some(share.nominal), nominal);
                }
            }
        }
    }
}

/// A length, completed length, source or amount disbursed of any sign, size and scale,
/// with the usual ones most often.
fn any_measure() -> impl Strategy<Value = Decimal> {
    let mantissa = prop_oneof![
        Just(0i128),
        1i128..10_000_000,
        -10_000_000i128..100_000_000_000_000_000,
        -(1i128 << 95)..(1i128 << 95),
    ];
    (
        mantissa,
        prop_oneof![Just(2u32), Just(3), 0u32..=8, 0u32..=28],
    )
        .prop_map(|(m, scale)| Decimal::from_i128_with_scale(m, scale))
}

/// Rules under either rounding, and any segment under them: costs total or per km of any
/// size, lengths of any decimals, any width, sources and payments in or out of range, zero or
/// many households, a completed length beyond the length.
fn any_rules_and_segment() -> impl Strategy<Value = (RuleSet, Segment)> {
    (
        (
            any_cost(),
            any::<bool>(),
            prop_oneof![3 => 1i64..200_000_000, 1 => any::<i64>()],
            prop_oneof![Just(3u32), 0u32..=8],
            prop_oneof![Just(3500i64), Just(4500), 2000i64..7000],
            any::<bool>(),
        ),
        (
            proptest::array::uniform4(prop_oneof![3 => Just(Decimal::ZERO), 1 => any_measure()]),
            prop_oneof![
                Just(None),
                Just(Some(0u32)),
                (1u32..5000).prop_map(Some),
                any::<u32>().prop_map(Some)
            ],
            prop::option::of(any_measure()),
            prop::option::of(any_measure()),
            prop::option::of(any_cost()),
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                (cost, per_km, length, length_scale, width_mm, village),
                (sources, households, completed, disbursed, approved, half_even),
            )| {
                let rules = rules(if half_even {
                    Rounding::HalfEven
                } else {
                    Rounding::HalfAwayFromZero
                });
                let class = rules
                    .class_by_name(if village { "village" } else { "group" })
                    .unwrap();
                let segment = Segment {
                    class,
                    width_m: Decimal::new(width_mm, 3),
                    length_km: Decimal::from_i128_with_scale(i128::from(length), length_scale),
                    cost: if per_km {
                        Cost::PerKm(cost)
                    } else {
                        Cost::Total(cost)
                    },
                    sources: crate::engine::Sources(sources),
                    approved: approved.map(|a| vec![(1, a)]).unwrap_or_default(),
                    disbursed,
                    priority: None,
                    households,
                    completed_km: completed,
                    date: None,
                };
                (rules, segment)
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// What a budget's counting pass takes of a row, its cost, shares and subsidy, is what
    /// the full computation makes, and it fails exactly when the full computation does,
    /// whatever the segment (zero households, a completed length beyond the length or of
    /// many decimals, sources and payments out of range), over a breakdown an earlier row
    /// left.
    #[test]
    fn the_shares_alone_are_the_full_computations_and_fail_alike(
        (rules, segment) in any_rules_and_segment(),
    ) {
        let mut full = Breakdown::default();
        let full_ok = compute_into(&rules, &segment, &mut full).is_ok();
        // Over what another row left.
        let mut shares = compute(&rules, &Segment {
            households: Some(3),
            completed_km: Some(Decimal::ONE),
            disbursed: Some(Decimal::ONE),
            length_km: Decimal::TWO,
            cost: Cost::Total(Decimal::new(5_000_000, 0)),
            sources: crate::engine::Sources::default(),
            approved: Vec::new(),
            ..segment.clone()
        }).unwrap();
        let shares_ok = shares_into(&rules, &segment, &mut shares).is_ok();
        prop_assert_eq!(shares_ok, full_ok);
        if full_ok {
            prop_assert_eq!(shares.cost.serialize(), full.cost.serialize());
            prop_assert_eq!(shares.subsidy_total.serialize(), full.subsidy_total.serialize());
            prop_assert_eq!(shares.shares.len(), full.shares.len());
            for (a, b) in shares.shares.iter().zip(&full.shares) {
                prop_assert_eq!(a.tier, b.tier);
                prop_assert_eq!(a.nominal.serialize(), b.nominal.serialize());
                prop_assert_eq!(a.paid.serialize(), b.paid.serialize());
            }
        }
    }
}

/// Every amount of a breakdown in its exact form (4.5 and 4.50 differ), and its notes so.
fn exact(b: &Breakdown) -> String {
    format!("{b:?}")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// The computation that carries the cost and the subsidy on in fen, and does not look for
    /// notes of its own among those just made, is the one that reads them back from the
    /// breakdown's `Decimal`s and replaces its notes: the same amounts in the same form, the
    /// same notes, the same failures, whatever the segment.
    #[test]
    fn the_fen_carried_on_are_the_amounts_read_back(
        (rules, segment) in any_rules_and_segment(),
    ) {
        let mut carried = Breakdown::default();
        let carried_ok = compute_into(&rules, &segment, &mut carried).is_ok();
        let mut read_back = Breakdown::default();
        let read_back_ok = funds_into(&rules, &segment, &mut read_back, true)
            .and_then(|_| settle(&rules, &segment, &mut read_back))
            .is_ok();
        prop_assert_eq!(carried_ok, read_back_ok);
        if carried_ok {
            prop_assert_eq!(exact(&carried), exact(&read_back));
        }
    }
}
