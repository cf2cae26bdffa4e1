use super::*;

/// The prorate example: budgets that allocate, so a budget's every field matters.
const PRORATE: &str = include_str!("../../../../examples/anyue-2018-prorate.toml");

fn rules(text: &str) -> RuleSet {
    RuleSet::from_toml(text, "v.toml").expect("valid rules")
}

/// The prorate rules with `from` replaced by `to` (which must occur), described against the
/// prorate rules themselves.
fn described(edits: &[(&str, &str)], lang: Lang) -> Vec<String> {
    let mut text = PRORATE.to_string();
    for (from, to) in edits {
        assert!(text.contains(from), "{from} is not in the prorate rules");
        text = text.replacen(from, to, 1);
    }
    differences(&rules(PRORATE), &rules(&text), lang)
}

const ALIASES: &str = "approved_aliases = [\"扶贫批复\", \"扶贫专项批复\", \"县扶贫专项批复\"]";

const NOTHING_EN: &str = "nothing that can change an amount differs from the rules in force";

#[test]
fn a_budget_moved_to_another_fund_is_named_not_said_to_be_unchanged() {
    let edit = [(
        "fund = \"poverty\"\nclass = \"group\"",
        "fund = \"transport\"\nclass = \"group\"",
    )];
    assert_eq!(
        described(&edit, Lang::En),
        ["budget Group road building: fund or source County poverty-alleviation special fund (poverty) → County transport bureau subsidy (transport)"]
    );
    assert_eq!(
        described(&edit, Lang::Zh),
        ["预算额度 社级道路建设：资金或来源 县扶贫专项补助 → 县交通局补助"]
    );
}

#[test]
fn every_field_of_a_budget_that_differs_is_named() {
    let lines = described(
        &[
            (
                "class = \"village\"\nname = \"通村硬化路建设\"",
                "name = \"通村硬化路建设\"",
            ),
            (
                "name_en = \"Group road building\"",
                "name_en = \"Group roads\"",
            ),
            ("amount = \"690万\"", "amount = \"700万\""),
            (
                "source = \"village_fund\"\nper_village = true",
                "source = \"village_fund\"\nper_village = false",
            ),
        ],
        Lang::En,
    );
    assert_eq!(
        lines,
        [
            "budget Village road hardening: class village-access road → every class",
            "budget Group road building: name Group road building → Group roads",
            "budget Group road building: amount 6,900,000.00 yuan → 7,000,000.00 yuan",
            "budget Village project fund: per village yes → no",
        ]
    );
    assert_eq!(
        described(
            &[("on_overrun = \"prorate\"", "on_overrun = \"in_order\"")],
            Lang::Zh
        ),
        ["预算额度 通村硬化路建设：超支时 按比例分摊 → 按优先级、再按输入顺序拨付"]
    );
}

#[test]
fn funds_added_removed_renamed_reordered_or_no_longer_a_ceiling_are_named() {
    assert_eq!(
        described(&[("up_to = true", "up_to = false"), (ALIASES, "")], Lang::En),
        [
            "fund poverty: rate is a ceiling (up to) → a fixed rate",
            "other differences: the approved-amount columns' aliases (approved_aliases) (roadsub rules show prints each file)"
        ]
    );
    assert_eq!(
        described(
            &[("name = \"县扶贫专项补助\"", "name = \"县扶贫补助\"")],
            Lang::Zh
        ),
        ["资金 县扶贫专项补助：名称 县扶贫专项补助 → 县扶贫补助"]
    );
    // The variant pays poverty first: the same funds in another order.
    let text = PRORATE.to_string();
    let (head, rest) = text.split_once("[[funds]]").unwrap();
    let (transport, rest) = rest.split_once("[[funds]]").unwrap();
    let (poverty, tail) = rest.split_once("[[budgets]]").unwrap();
    let swapped = format!("{head}[[funds]]{poverty}[[funds]]{transport}[[budgets]]{tail}");
    assert_eq!(
        differences(&rules(PRORATE), &rules(&swapped), Lang::En),
        ["order the funds pay in: transport, poverty → poverty, transport"]
    );
    let renamed = PRORATE
        .replace("id = \"transport\"", "id = \"roads\"")
        .replace("\ntransport = ", "\nroads = ");
    assert_eq!(
        differences(&rules(PRORATE), &rules(&renamed), Lang::En),
        [
            "fund transport: only in the rules in force",
            "fund roads: only in the variant"
        ]
    );
}

#[test]
fn rounding_and_the_effective_date_are_named_with_both_values() {
    assert_eq!(
        described(
            &[
                (
                    "rounding = \"half_away_from_zero\"",
                    "rounding = \"half_even\""
                ),
                ("effective = \"2018-05-15\"", "effective = \"2019-06-01\""),
            ],
            Lang::En
        ),
        [
            "rounding: half_away_from_zero → half_even",
            "effective date: 2018-05-15 → 2019-06-01"
        ]
    );
}

#[test]
fn classes_aliases_and_the_plausible_range_are_named_as_other_differences() {
    assert_eq!(
        described(
            &[
                ("aliases = [\"通村\", ", "aliases = ["),
                ("approved_aliases = [\"扶贫批复\", ", "approved_aliases = ["),
                ("plausible_cost_per_km = [\"5万\", \"500万\"]", "plausible_cost_per_km = [\"5万\", \"600万\"]"),
            ],
            Lang::En
        ),
        ["other differences: road classes or their aliases, the approved-amount columns' aliases (approved_aliases), the plausible cost range (plausible_cost_per_km) (roadsub rules show prints each file)"]
    );
    assert_eq!(
        described(
            &[(
                "min_width_m = 4.5\nrate_per_km = \"30万\"",
                "min_width_m = 5\nrate_per_km = \"30万\""
            )],
            Lang::Zh
        ),
        ["其他不同：县扶贫专项补助的标准档（roadsub rules show 可分别显示两个文件）"]
    );
}

#[test]
fn no_difference_that_can_change_a_number_is_ever_described_as_none() {
    let edits: [(&str, &str); 13] = [
        (
            "fund = \"poverty\"\nclass = \"group\"",
            "fund = \"transport\"\nclass = \"group\"",
        ),
        ("source = \"village_fund\"", "source = \"self_raised\""),
        (
            "class = \"village\"\nname = \"通村硬化路建设\"",
            "name = \"通村硬化路建设\"",
        ),
        ("per_village = true", "per_village = false"),
        ("on_overrun = \"prorate\"", "on_overrun = \"report\""),
        ("amount = \"690万\"", "amount = \"700万\""),
        (
            "rounding = \"half_away_from_zero\"",
            "rounding = \"half_even\"",
        ),
        ("effective = \"2018-05-15\"", "effective = \"2019-06-01\""),
        ("aliases = [\"通村\", ", "aliases = ["),
        ("approved_aliases = [\"扶贫批复\", ", "approved_aliases = ["),
        (
            "plausible_cost_per_km = [\"5万\", \"500万\"]",
            "plausible_cost_per_km = [\"5万\", \"600万\"]",
        ),
        ("rate_per_km = \"10万\"", "rate_per_km = \"15万\""),
        (
            "min_width_m = 4.5\nrate_per_km = \"30万\"",
            "min_width_m = 5\nrate_per_km = \"30万\"",
        ),
    ];
    for edit in edits {
        let lines = described(&[edit], Lang::En);
        assert!(
            !lines.iter().any(|l| l == NOTHING_EN),
            "{edit:?}: {lines:?}"
        );
        assert!(!lines.is_empty(), "{edit:?}");
    }
    let fixed = described(
        &[("up_to = true", "up_to = false"), (ALIASES, "")],
        Lang::En,
    );
    assert!(!fixed.iter().any(|l| l == NOTHING_EN));
    assert_eq!(described(&[], Lang::En), [NOTHING_EN]);
    // Words that change no number (a citation) are not differences.
    assert_eq!(
        described(
            &[("issuer = \"安岳县扶贫开发办公室\"", "issuer = \"安岳县\"")],
            Lang::En
        ),
        [NOTHING_EN]
    );
}

#[test]
fn a_chinese_name_change_under_the_same_english_name_is_said_in_chinese_in_both_languages() {
    let fund = [("name = \"县扶贫专项补助\"", "name = \"县扶贫资金\"")];
    assert_eq!(
        described(&fund, Lang::En),
        ["fund poverty: name 县扶贫专项补助 → 县扶贫资金"]
    );
    assert_eq!(
        described(&fund, Lang::Zh),
        ["资金 县扶贫专项补助：名称 县扶贫专项补助 → 县扶贫资金"]
    );
    let budget = [("name = \"社级道路建设\"", "name = \"社级道路\"")];
    assert_eq!(
        described(&budget, Lang::En),
        ["budget Group road building: name 社级道路建设 → 社级道路"]
    );
    assert_eq!(
        described(&budget, Lang::Zh),
        ["预算额度 社级道路建设：名称 社级道路建设 → 社级道路"]
    );
}

#[test]
fn a_name_changed_in_both_languages_shows_the_other_language_beside_it() {
    let both = [
        ("name = \"社级道路建设\"", "name = \"社级道路\""),
        (
            "name_en = \"Group road building\"",
            "name_en = \"Group roads\"",
        ),
    ];
    assert_eq!(
        described(&both, Lang::En),
        ["budget Group road building: name Group road building (社级道路建设) → Group roads (社级道路)"]
    );
    assert_eq!(
        described(&both, Lang::Zh),
        ["预算额度 社级道路建设：名称 社级道路建设（Group road building） → 社级道路（Group roads）"]
    );
    // Only the English name: said in English, in Chinese too (the Chinese names are equal).
    let en = [(
        "name_en = \"Group road building\"",
        "name_en = \"Group roads\"",
    )];
    assert_eq!(
        described(&en, Lang::Zh),
        ["预算额度 社级道路建设：名称 Group road building → Group roads"]
    );
}

#[test]
fn chinese_differences_name_funds_and_rounding_in_chinese_never_by_id() {
    let text = PRORATE.to_string();
    let (head, rest) = text.split_once("[[funds]]").unwrap();
    let (transport, rest) = rest.split_once("[[funds]]").unwrap();
    let (poverty, tail) = rest.split_once("[[budgets]]").unwrap();
    let swapped = format!("{head}[[funds]]{poverty}[[funds]]{transport}[[budgets]]{tail}").replace(
        "rounding = \"half_away_from_zero\"",
        "rounding = \"half_even\"",
    );
    assert_eq!(
        differences(&rules(PRORATE), &rules(&swapped), Lang::Zh),
        [
            "资金计算顺序：县交通局补助、县扶贫专项补助 → 县扶贫专项补助、县交通局补助",
            "舍入规则：四舍五入 → 四舍六入五成双"
        ]
    );
    // A renamed fund in the same place is not said to be paid in another order.
    assert_eq!(
        described(
            &[("name = \"县扶贫专项补助\"", "name = \"县扶贫资金\"")],
            Lang::Zh
        ),
        ["资金 县扶贫专项补助：名称 县扶贫专项补助 → 县扶贫资金"]
    );
}
