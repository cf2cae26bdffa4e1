use super::*;

mod citations;
mod dated;
mod show;
mod syntax_zh;
use crate::i18n::Lang;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn errors(text: &str) -> Vec<String> {
    RuleSet::from_toml(text, "r.toml")
        .unwrap_err()
        .iter()
        .map(|e| e.render(Lang::En))
        .collect()
}

pub(super) const HEAD: &str = r#"
[meta]
name = "t"
source = "s"

[[classes]]
id = "village"
name = "通村公路"
aliases = ["通村"]
"#;

#[test]
fn shipped_rules_encode_the_2018_release() {
    let r = RuleSet::builtin();
    assert_eq!(r.meta.rounding, Rounding::HalfAwayFromZero);
    let ids: Vec<_> = r.funds.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["transport", "poverty"]);
    let village = r.class_by_name("建制村").unwrap();
    let group = r.class_by_name("社道").unwrap();
    assert_eq!(r.classes[village].id, "village");
    assert_eq!(r.classes[group].id, "group");
    assert_eq!(r.class_by_name("通組路"), Some(group));
    assert_eq!(r.class_by_name("通组公路"), Some(group));
    assert_eq!(r.class_by_name("VILLAGE"), Some(village));
    assert_eq!(r.class_by_name("通村公路"), Some(village));
    let rate = |class, fund, w: &str| match r.tier_for(class, fund, d(w)) {
        TierChoice::Tier(t) => r.funds[fund].tiers[t].rate_per_km,
        other => panic!("{other:?}"),
    };
    assert_eq!(rate(village, 0, "3.5"), d("150000"));
    assert_eq!(rate(group, 0, "4.5"), d("450000"));
    assert_eq!(rate(village, 1, "4.0"), d("250000"));
    assert_eq!(rate(village, 1, "4.5"), d("300000"));
    assert_eq!(rate(group, 1, "4.5"), d("100000"));
    assert_eq!(
        r.tier_for(village, 0, d("3.0")),
        TierChoice::BelowMinimum(d("3.5"))
    );
    let amounts: Vec<_> = r.budgets.iter().map(|b| b.envelope).collect();
    assert_eq!(amounts, [d("4965000"), d("6900000"), d("2000000")]);
    let draws: Vec<_> = r.budgets.iter().map(|b| (b.draw, b.per_village)).collect();
    assert_eq!(
        draws,
        [
            (Draw::Fund(1), false),
            (Draw::Fund(1), false),
            (Draw::Source(crate::engine::Source::VillageFund), true)
        ]
    );
    assert_eq!(r.funds[0].approved_aliases, Vec::<String>::new());
    assert_eq!(
        r.funds[1].approved_aliases,
        ["扶贫批复", "扶贫专项批复", "县扶贫专项批复"]
    );
}

#[test]
fn a_fund_without_a_tier_for_a_class() {
    let text = format!(
        "{HEAD}[[classes]]\nid = \"group\"\nname = \"通社公路\"\n\n[[funds]]\nid = \"f\"\nname = \"F\"\n[[funds.tiers]]\nclasses = [\"village\"]\nmin_width_m = 3.5\nrate_per_km = 1\n"
    );
    let r = RuleSet::from_toml(&text, "r.toml").unwrap();
    assert_eq!(r.tier_for(1, 0, d("9")), TierChoice::NoTierForClass);
}

#[test]
fn unknown_keys_are_refused_with_their_place() {
    let text = format!("{HEAD}colour = \"red\"\n");
    assert_eq!(
        errors(&text),
        [
            "r.toml:10:1: unknown key `colour` (expected one of id, name, name_en, aliases)",
            // Checking goes on past an unknown key.
            "r.toml:11:1: no funds are defined: add at least one [[funds]]",
        ]
    );
}

#[test]
fn no_funds_is_refused() {
    let e = errors(HEAD);
    assert_eq!(e.len(), 1);
    assert!(
        e[0].ends_with("no funds are defined: add at least one [[funds]]"),
        "{e:?}"
    );
}

#[test]
fn every_value_problem_is_listed_at_once() {
    let text = format!(
        r#"{HEAD}
[[classes]]
id = "village"
name = "x"

[[funds]]
id = "f"
name = "F"
[[funds.tiers]]
classes = ["village", "lane"]
min_width_m = 3.5
rate_per_km = 1.5
[[funds.tiers]]
classes = ["village"]
min_width_m = 3.5
rate_per_km = "-10"
[[funds.tiers]]
classes = ["village"]
min_width_m = 4.5
rate_per_km = "10万"
[[funds.tiers]]
classes = ["village"]
min_width_m = "4.50"
rate_per_km = "abc"

[[funds]]
id = "f"
name = "G"
"#
    );
    assert_eq!(
        errors(&text),
        [
            "r.toml:12:6: duplicate class id \"village\"",
            "r.toml:19:23: unknown class \"lane\" (defined: village)",
            "r.toml:21:15: amount 1.5 is a float, which is not exact; write \"1.5\"",
            "r.toml:25:15: \"-10\" is negative; a rate, amount or width must be 0 or more",
            "r.toml:33:15: \"abc\" is not an amount in yuan like 150000 or \"15万\" (to the fen)",
            "r.toml:36:6: duplicate fund id \"f\"",
            "r.toml:36:6: this fund has no tiers, so it would never pay: add at least one [[funds.tiers]]",
        ]
    );
}

#[test]
fn duplicate_tiers_and_unknown_rounding() {
    let text = r#"
[meta]
name = "t"
source = "s"
rounding = "up"

[[classes]]
id = "village"
name = "通村公路"

[[funds]]
id = "f"
name = "F"
[[funds.tiers]]
classes = ["village"]
min_width_m = 3.5
rate_per_km = 1
[[funds.tiers]]
classes = ["village"]
min_width_m = "3.50"
rate_per_km = 2
"#;
    assert_eq!(
        errors(text),
        [
            "r.toml:5:12: unknown rounding rule \"up\" (expected half_away_from_zero or half_even)",
            "r.toml:20:15: fund f already has a tier for village at minimum width 3.5 m",
        ]
    );
}

#[test]
fn budgets_name_known_funds_and_classes() {
    let text = format!(
        "{HEAD}[[funds]]\nid = \"f\"\nname = \"F\"\n[[budgets]]\nfund = \"g\"\namount = 1\n[[budgets]]\nfund = \"f\"\nclass = \"lane\"\namount = 1\n"
    );
    assert_eq!(
        errors(&text),
        [
            "r.toml:11:6: this fund has no tiers, so it would never pay: add at least one [[funds.tiers]]",
            "r.toml:14:8: unknown fund \"g\" (defined: f)",
            "r.toml:18:9: unknown class \"lane\" (defined: village)",
        ]
    );
}

#[test]
fn syntax_errors_carry_a_place_and_speak_chinese_too() {
    let e = RuleSet::from_toml("[meta\nname = 1", "r.toml").unwrap_err();
    assert_eq!(e.len(), 1);
    assert!(e[0].render(Lang::En).starts_with("r.toml:1:"), "{:?}", e[0]);
    let missing = RuleSet::from_toml("[meta]\nname = \"x\"\n", "r.toml").unwrap_err();
    assert_eq!(
        missing[0].render(Lang::Zh),
        "r.toml:1:1: 缺少必需的键 `source`"
    );
}

#[test]
fn unknown_keys_at_every_level_are_listed_with_every_other_problem() {
    let text = r#"[meta]
name = "x"
source = "y"
colour = 1
rounding = "bankers"

[[classes]]
id = "village"
name = "通村"
shade = "red"

[[funds]]
id = "transport"
name = "交通"
tiers = [
  { classes = ["village"], min_width_m = "4.5", rate_per_km = "-1", extra = 2 },
  { classes = ["lane"], min_width_m = "3.5", rate_per_km = 100000.5 },
]

[[budgets]]
fund = "nope"
amount = 1
flavour = "x"
"#;
    assert_eq!(
        errors(text),
        [
            "r.toml:4:1: unknown key `colour` (expected one of name, name_en, issuer, issuer_en, source, source_en, currency, effective, rounding, plausible_cost_per_km)",
            "r.toml:5:12: unknown rounding rule \"bankers\" (expected half_away_from_zero or half_even)",
            "r.toml:10:1: unknown key `shade` (expected one of id, name, name_en, aliases)",
            "r.toml:16:63: \"-1\" is negative; a rate, amount or width must be 0 or more",
            "r.toml:16:69: unknown key `extra` (expected one of classes, min_width_m, rate_per_km, source, source_en, quote, from, until)",
            "r.toml:17:16: unknown class \"lane\" (defined: village)",
            "r.toml:17:60: amount 100000.5 is a float, which is not exact; write \"100000.5\"",
            "r.toml:21:8: unknown fund \"nope\" (defined: transport)",
            "r.toml:23:1: unknown key `flavour` (expected one of fund, source, class, per_village, name, name_en, amount, on_overrun)",
        ]
    );
}

#[test]
fn a_missing_key_after_an_unknown_one_is_reported_and_checking_goes_on() {
    let text = "[meta]\ncolour = 1\nsource = \"y\"\n";
    assert_eq!(
        errors(text),
        [
            "r.toml:1:1: missing required key `name`",
            "r.toml:2:1: unknown key `colour` (expected one of name, name_en, issuer, issuer_en, source, source_en, currency, effective, rounding, plausible_cost_per_km)",
            "r.toml:4:1: no funds are defined: add at least one [[funds]]",
        ]
    );
}

const FUND: &str = r#"
[[funds]]
id = "f"
name = "F"
[[funds.tiers]]
classes = ["village"]
min_width_m = 3.5
rate_per_km = 1
"#;

#[test]
fn one_type_error_does_not_hide_the_other_problems() {
    let text = r#"[meta]
name = ""
source = "s"
effective = "2018-13-45"

[[classes]]
id = "village"
name = "通村公路"

[[funds]]
id = "f"
name = "F"
up_to = "maybe"
[[funds.tiers]]
classes = "village"
min_width_m = 3.5
rate_per_km = true

[[funds]]
id = ""
name = "G"
up_to = 3
[[funds.tiers]]
classes = ["lane"]
min_width_m = 3.5
rate_per_km = "-5"
"#;
    assert_eq!(
        errors(text),
        [
            "r.toml:2:8: `name` is empty; it must say something",
            "r.toml:4:13: effective date \"2018-13-45\" is not a day on the calendar",
            "r.toml:13:9: invalid type: string \"maybe\", expected a boolean",
            "r.toml:15:11: invalid type: string \"village\", expected a sequence",
            "r.toml:17:15: invalid type: boolean `true`, expected a number or a string such as \"15万\" or \"3.5\"",
            "r.toml:20:6: `id` is empty; it must say something",
            "r.toml:22:9: invalid type: integer `3`, expected a boolean",
            "r.toml:24:12: unknown class \"lane\" (defined: village)",
            "r.toml:26:15: \"-5\" is negative; a rate, amount or width must be 0 or more",
        ]
    );
}

#[test]
fn empty_names_sources_ids_and_aliases_are_refused() {
    let text = format!(
        "[meta]\nname = \" \"\nsource = \"\"\n\n[[classes]]\nid = \"\"\nname = \"\"\naliases = [\"\"]\n{}",
        FUND.replace("[\"village\"]", "[\"\"]").replace("name = \"F\"", "name = \"\"")
    );
    assert_eq!(
        errors(&text),
        [
            "r.toml:2:8: `name` is empty; it must say something",
            "r.toml:3:10: `source` is empty; it must say something",
            "r.toml:6:6: `id` is empty; it must say something",
            "r.toml:7:8: `name` is empty; it must say something",
            "r.toml:8:12: one of the `aliases` is an empty string; remove it or write the name",
            "r.toml:12:8: `name` is empty; it must say something",
        ]
    );
}

#[test]
fn an_effective_date_must_be_on_the_calendar() {
    for (date, ok) in [
        ("2018-05-15", true),
        ("2020-02-29", true),
        ("2000-02-29", true),
        ("2018-13-45", false),
        ("2019-02-29", false),
        ("1900-02-29", false),
        ("2018-04-31", false),
        ("2018-5-15", false),
        ("2018/05/15", false),
        ("0000-01-01", false),
        ("２０１８-05-15", false),
    ] {
        let text = HEAD.replace(
            "source = \"s\"",
            &format!("source = \"s\"\neffective = \"{date}\""),
        );
        let got = RuleSet::from_toml(&format!("{text}{FUND}"), "r.toml");
        assert_eq!(got.is_ok(), ok, "{date}");
    }
}

#[test]
fn a_gbk_rules_file_is_refused_with_its_line_and_column() {
    // "安岳" in GBK is B0 B2 D4 C0; the first invalid byte is at line 3, column 9.
    let mut bytes = b"[meta]\nname = \"t\"\nsource = \"".to_vec();
    bytes.extend_from_slice(&[0xB0, 0xB2, 0xD4, 0xC0]);
    bytes.extend_from_slice(b"\"\n");
    let errors = RuleSet::from_bytes(&bytes, "gbk.toml", &|_| None).unwrap_err();
    let lines: Vec<String> = errors.iter().map(|e| e.render(Lang::En)).collect();
    assert_eq!(
        lines,
        ["gbk.toml:3:11: the rules file is not UTF-8 text (often it was saved as GBK); save it as UTF-8 and try again"]
    );
    assert_eq!(
        errors[0].render(Lang::Zh),
        "gbk.toml:3:11: 规则文件不是 UTF-8 文本（常见原因是以 GBK 编码保存）；请另存为 UTF-8 后再试"
    );
}

#[test]
fn a_rules_file_with_a_byte_order_mark_is_read() {
    let text = format!("\u{feff}{HEAD}{FUND}");
    assert!(RuleSet::from_bytes(text.as_bytes(), "r.toml", &|_| None).is_ok());
}

#[test]
fn the_plausible_range_is_read_in_the_usual_forms() {
    let text = HEAD.replace(
        "source = \"s\"",
        "source = \"s\"\nplausible_cost_per_km = [\"5万\", 5000000]",
    );
    let r = RuleSet::from_toml(&format!("{text}{FUND}"), "r.toml").unwrap();
    assert_eq!(
        r.meta.plausible_cost_per_km,
        Some((d("50000"), d("5000000")))
    );
    assert_eq!(
        RuleSet::builtin().meta.plausible_cost_per_km,
        Some((d("50000"), d("5000000")))
    );
    for bad in ["[\"500万\", \"5万\"]", "[1]", "[1, 2, 3]", "[]"] {
        let text = HEAD.replace(
            "source = \"s\"",
            &format!("source = \"s\"\nplausible_cost_per_km = {bad}"),
        );
        assert_eq!(
            errors(&format!("{text}{FUND}")),
            ["r.toml:5:25: plausible_cost_per_km must be [min, max] in yuan per km, min not above max, like [\"5万\", \"500万\"]"],
            "{bad}"
        );
    }
}

#[test]
fn two_funds_cannot_head_one_column() {
    let text = format!(
        "{HEAD}{FUND}{}",
        FUND.replace("id = \"f\"", "id = \"g\"")
            .replace("name = \"F\"", "name = \"f\"")
    );
    assert_eq!(
        errors(&text),
        ["r.toml:21:8: fund name \"f\" already heads the column of fund f; choose another"]
    );
}

#[test]
fn a_value_of_the_wrong_type_is_said_in_both_languages() {
    let text = format!(
        "{HEAD}{}",
        FUND.replace("[[funds.tiers]]", "up_to = \"maybe\"\n[[funds.tiers]]")
            .replace("classes = [\"village\"]", "classes = \"village\"")
    );
    let errors = RuleSet::from_toml(&text, "r.toml").unwrap_err();
    let said: Vec<String> = errors.iter().map(|e| e.render(Lang::Zh)).collect();
    assert_eq!(
        said,
        [
            "r.toml:14:9: 类型错误：字符串 \"maybe\"，应为布尔值 true 或 false",
            "r.toml:16:11: 类型错误：字符串 \"village\"，应为数组，如 [\"village\"]",
        ]
    );
    let said: Vec<String> = errors.iter().map(|e| e.render(Lang::En)).collect();
    assert_eq!(
        said,
        [
            "r.toml:14:9: invalid type: string \"maybe\", expected a boolean",
            "r.toml:16:11: invalid type: string \"village\", expected a sequence",
        ]
    );
}

#[test]
fn empty_budget_names_duplicate_budget_names_an_empty_currency_and_an_empty_alias_are_refused() {
    let text = r#"[meta]
name = "t"
source = "s"
currency = ""

[[classes]]
id = "village"
name = "通村公路"
aliases = ["", "通村"]

[[funds]]
id = "f"
name = "F"
[[funds.tiers]]
classes = ["village"]
min_width_m = 3.5
rate_per_km = 1

[[budgets]]
fund = "f"
name = ""
amount = 1

[[budgets]]
fund = "f"
class = "village"
name = "县级额度"
amount = 1

[[budgets]]
fund = "f"
per_village = true
name = "县级额度"
name_en = " "
amount = 1
"#;
    assert_eq!(
        errors(text),
        [
            "r.toml:4:12: `currency` is empty; it must say something",
            "r.toml:9:12: one of the `aliases` is an empty string; remove it or write the name",
            "r.toml:21:8: `name` is empty; it must say something",
            "r.toml:33:8: a budget named \"县级额度\" is already defined; give each budget its own name",
            "r.toml:34:11: `name_en` is empty; it must say something",
        ]
    );
    let zh: Vec<String> = RuleSet::from_toml(text, "r.toml")
        .unwrap_err()
        .iter()
        .map(|e| e.render(Lang::Zh))
        .collect();
    assert_eq!(
        zh[1],
        "r.toml:9:12: `aliases` 中有一个别名是空字符串；请删除它或填写名称"
    );
    assert_eq!(
        zh[3],
        "r.toml:33:8: 已有名为 \"县级额度\" 的预算额度；请给每个预算额度取不同的名称"
    );
}

/// The shipped rules with `on_overrun = …` (written as given) under the 690万 group budget.
fn shipped_with_group_overrun(value: &str) -> String {
    BUILTIN_TOML.replace(
        "amount = \"690万\"",
        &format!("amount = \"690万\"\non_overrun = {value}"),
    )
}

#[test]
fn a_budget_without_on_overrun_only_reports_and_the_choices_are_read() {
    let shipped = RuleSet::builtin();
    assert_eq!(shipped.budgets.len(), 3);
    assert!(shipped
        .budgets
        .iter()
        .all(|b| b.on_overrun == OnOverrun::Report));
    for (key, want) in [
        ("report", OnOverrun::Report),
        ("prorate", OnOverrun::Prorate),
        ("in_order", OnOverrun::InOrder),
    ] {
        let text = shipped_with_group_overrun(&format!("\"{key}\""));
        let r = RuleSet::from_toml(&text, "r.toml").unwrap();
        assert_eq!(r.budgets[0].on_overrun, OnOverrun::Report, "{key}");
        assert_eq!(r.budgets[1].on_overrun, want, "{key}");
        assert_eq!(want.key(), key);
    }
}

#[test]
fn an_unknown_on_overrun_is_refused_at_its_place_in_both_languages() {
    let text = shipped_with_group_overrun("\"share\"");
    let line = text
        .lines()
        .position(|l| l.starts_with("on_overrun"))
        .unwrap()
        + 1;
    let e = RuleSet::from_toml(&text, "r.toml").unwrap_err();
    assert_eq!(e.len(), 1);
    assert_eq!(
        e[0].render(Lang::En),
        format!(
            "r.toml:{line}:14: unknown on_overrun \"share\" (expected report, prorate or in_order)"
        )
    );
    assert_eq!(
        e[0].render(Lang::Zh),
        format!("r.toml:{line}:14: 未知的超支处理方式 on_overrun = \"share\"（可选：report 仅报告超支、prorate 按比例分摊、in_order 按优先级顺序拨付）")
    );
}

#[test]
fn an_on_overrun_that_is_not_a_string_is_one_type_error() {
    let text = shipped_with_group_overrun("1");
    let e = RuleSet::from_toml(&text, "r.toml").unwrap_err();
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].render(Lang::En)
            .ends_with(":14: invalid type: integer `1`, expected a string"),
        "{}",
        e[0].render(Lang::En)
    );
}

#[test]
fn rules_show_says_what_a_budget_does_on_overrun_unless_it_only_reports() {
    let shown = |value: &str, lang| {
        let text = shipped_with_group_overrun(value);
        describe(&RuleSet::from_toml(&text, "r.toml").unwrap(), lang)
    };
    let plain = describe(&RuleSet::builtin(), Lang::En).replace("rules.toml (built-in)", "r.toml");
    assert_eq!(shown("\"report\"", Lang::En), plain);
    assert!(!plain.contains("overrun"), "{plain}");
    assert!(!describe(&RuleSet::builtin(), Lang::Zh).contains("超支时"));
    assert_eq!(
        shown("\"prorate\"", Lang::En),
        format!("{plain}  Group road building — on overrun: prorate (when its segments ask for more, each is cut in proportion so the envelope is not exceeded)\n")
    );
    let plain_zh = describe(&RuleSet::builtin(), Lang::Zh).replace("rules.toml（内置）", "r.toml");
    assert_eq!(
        shown("\"prorate\"", Lang::Zh),
        format!("{plain_zh}  社级道路建设 — 超支时：按比例分摊（申请超出额度时，各路段补助按比例核减至额度以内）\n")
    );
    assert_eq!(
        shown("\"in_order\"", Lang::Zh),
        format!("{plain_zh}  社级道路建设 — 超支时：按优先级、再按输入顺序拨付（申请超出额度时，各路段依次足额安排，额度用完为止）\n")
    );
    assert_eq!(
        shown("\"in_order\"", Lang::En),
        format!(
            "{plain}  Group road building — on overrun: in order (priority, then input order) (when its segments ask for more, they are paid whole in that order until the envelope is spent)\n"
        )
    );
}

/// A fund with one tier, after [`HEAD`], then `budgets` (the budgets start on line 17).
fn with_budgets(budgets: &str) -> String {
    format!(
        "{HEAD}[[funds]]\nid = \"f\"\nname = \"F\"\n[[funds.tiers]]\nclasses = [\"village\"]\nmin_width_m = 3.5\nrate_per_km = 1\n{budgets}"
    )
}

/// Every problem of `text`, rendered in `lang`.
pub(super) fn errors_in(text: &str, lang: Lang) -> Vec<String> {
    RuleSet::from_toml(text, "r.toml")
        .unwrap_err()
        .iter()
        .map(|e| e.render(lang))
        .collect()
}

#[test]
fn a_budget_names_a_fund_or_a_source_of_the_gap() {
    let text = with_budgets(
        "[[budgets]]\nfund = \"f\"\namount = 1\n\
         [[budgets]]\nsource = \"village_fund\"\nper_village = true\namount = \"200万\"\n\
         [[budgets]]\nsource = \"other_funds\"\nclass = \"village\"\namount = 5\non_overrun = \"report\"\n",
    );
    let r = RuleSet::from_toml(&text, "r.toml").unwrap();
    let draws: Vec<_> = r
        .budgets
        .iter()
        .map(|b| (b.draw, b.class, b.per_village, b.envelope, b.on_overrun))
        .collect();
    assert_eq!(
        draws,
        [
            (Draw::Fund(0), None, false, d("1"), OnOverrun::Report),
            (
                Draw::Source(crate::engine::Source::VillageFund),
                None,
                true,
                d("2000000"),
                OnOverrun::Report
            ),
            (
                Draw::Source(crate::engine::Source::OtherFunds),
                Some(0),
                false,
                d("5"),
                OnOverrun::Report
            ),
        ]
    );
    assert_eq!(r.budgets[1].draw_key(&r), "village_fund");
    assert_eq!(r.budgets[1].fund(), None);
    assert_eq!(r.budgets[1].display(&r, Lang::Zh), "村项目资金");
    assert_eq!(
        r.budgets[2].display(&r, Lang::En),
        "integrated funds × 通村公路"
    );
}

#[test]
fn a_budget_naming_both_a_fund_and_a_source_is_refused_at_the_source() {
    let text = with_budgets("[[budgets]]\nfund = \"f\"\nsource = \"village_fund\"\namount = 1\n");
    assert_eq!(
        errors_in(&text, Lang::En),
        ["r.toml:19:10: a budget holds one kind of money: write `fund = \"…\"` or `source = \"…\"`, not both"]
    );
    assert_eq!(
        errors_in(&text, Lang::Zh),
        ["r.toml:19:10: 一个预算额度只能对应一种资金：请写 `fund = \"…\"` 或 `source = \"…\"`，不能两者都写"]
    );
}

#[test]
fn a_budget_naming_neither_a_fund_nor_a_source_is_refused_at_the_budget() {
    let text = with_budgets("[[budgets]]\nclass = \"village\"\namount = 1\n");
    assert_eq!(
        errors_in(&text, Lang::En),
        ["r.toml:17:1: a budget must say what money it holds: write `fund = \"<fund id>\"` or `source = \"<source>\"` (other_funds, yishi_yiyi, self_raised or village_fund)"]
    );
    assert_eq!(
        errors_in(&text, Lang::Zh),
        ["r.toml:17:1: 预算额度须注明对应的资金：请写 `fund = \"资金编号\"` 或 `source = \"筹资来源\"`（other_funds、yishi_yiyi、self_raised 或 village_fund）"]
    );
}

#[test]
fn an_unknown_source_is_refused_at_its_place_with_the_four_choices() {
    // A fund's id is not a source: `source = "f"` is refused, not read as `fund = "f"`.
    let text = with_budgets(
        "[[budgets]]\nsource = \"村项目资金\"\namount = 1\n[[budgets]]\nsource = \"f\"\namount = 1\n",
    );
    assert_eq!(
        errors_in(&text, Lang::En),
        [
            "r.toml:18:10: unknown source \"村项目资金\" (expected other_funds, yishi_yiyi, self_raised or village_fund)",
            "r.toml:21:10: unknown source \"f\" (expected other_funds, yishi_yiyi, self_raised or village_fund)",
        ]
    );
    assert_eq!(
        errors_in(&text, Lang::Zh)[0],
        "r.toml:18:10: 未知的筹资来源 \"村项目资金\"（可选：other_funds 整合资金、yishi_yiyi 一事一议筹资、self_raised 农户自筹、village_fund 村项目资金）"
    );
}

#[test]
fn a_source_budget_that_would_prorate_or_go_in_order_is_refused_as_it_only_reports() {
    for key in ["prorate", "in_order"] {
        let text = with_budgets(&format!(
            "[[budgets]]\nsource = \"village_fund\"\nper_village = true\namount = \"200万\"\non_overrun = \"{key}\"\n"
        ));
        assert_eq!(
            errors_in(&text, Lang::En),
            [format!("r.toml:21:14: a budget on the source village_fund only reports: the sources are the plan's own money, which no budget cuts; write on_overrun = \"report\" or leave it out (not \"{key}\")")]
        );
        assert_eq!(
            errors_in(&text, Lang::Zh),
            [format!("r.toml:21:14: 筹资来源 village_fund 的预算额度只能报告超支：筹资来源是规划自有的资金，任何预算额度都不削减它；请写 on_overrun = \"report\" 或删去此项（现为 \"{key}\"）")]
        );
    }
    // An on_overrun that is none of the choices is that problem alone, whatever the draw.
    let text =
        with_budgets("[[budgets]]\nsource = \"self_raised\"\namount = 1\non_overrun = \"cut\"\n");
    assert_eq!(
        errors(&text),
        ["r.toml:20:14: unknown on_overrun \"cut\" (expected report, prorate or in_order)"]
    );
}

#[test]
fn duplicate_budgets_are_told_by_what_they_draw_on_not_only_by_fund() {
    // The same source, class and scope twice is a duplicate; a source beside a fund, two
    // sources, or one source per village and in all, are not.
    let text = with_budgets(
        "[[budgets]]\nfund = \"f\"\namount = 1\n\
         [[budgets]]\nsource = \"village_fund\"\namount = 1\n\
         [[budgets]]\nsource = \"yishi_yiyi\"\namount = 1\n\
         [[budgets]]\nsource = \"village_fund\"\nper_village = true\namount = 1\n",
    );
    assert_eq!(
        RuleSet::from_toml(&text, "r.toml").unwrap().budgets.len(),
        4
    );
    let twice =
        format!("{text}[[budgets]]\nsource = \"village_fund\"\nper_village = true\namount = 2\n");
    assert_eq!(
        errors(&twice),
        ["r.toml:30:1: a budget for this fund or source, class and scope is already defined at line 26"]
    );
    assert_eq!(
        errors_in(&twice, Lang::Zh),
        ["r.toml:30:1: 该资金或筹资来源、类别与范围的预算额度已在第 26 行定义过"]
    );
}

#[test]
fn rules_show_names_a_source_budgets_source_in_both_languages() {
    let text = with_budgets(
        "[[budgets]]\nfund = \"f\"\nname = \"甲\"\nname_en = \"A\"\namount = 1\n\
         [[budgets]]\nsource = \"village_fund\"\nper_village = true\namount = \"200万\"\n",
    );
    let r = RuleSet::from_toml(&text, "r.toml").unwrap();
    let en = describe(&r, Lang::En);
    let budgets = &en[en.find("budget ").unwrap()..];
    assert_eq!(
        budgets,
        "budget                fund or source                       class  amount (yuan)  scope\n\
         ────────────────────  ───────────────────────────────────  ─────  ─────────────  ────────────\n\
         A                     f                                    all             1.00  in total\n\
         village project fund  village_fund (village project fund)  all     2,000,000.00  each village\n"
    );
    let zh = describe(&r, Lang::Zh);
    let budgets = &zh[zh.find("预算额度").unwrap()..];
    assert_eq!(
        budgets,
        "预算额度    资金或筹资来源  类别    金额（元）  范围\n\
         ──────────  ──────────────  ────  ────────────  ────\n\
         甲          F               全部          1.00  总额\n\
         村项目资金  村项目资金      全部  2,000,000.00  每村\n"
    );
    // Without a budget on a source, the heading is as it was.
    let funds_only = with_budgets("[[budgets]]\nfund = \"f\"\namount = 1\n");
    let shown = describe(
        &RuleSet::from_toml(&funds_only, "r.toml").unwrap(),
        Lang::En,
    );
    assert!(
        shown.contains("\nbudget  fund  class  amount (yuan)\n"),
        "{shown}"
    );
}

/// Two ceiling funds after [`HEAD`] (lines 10–27), `a` with approved aliases `a_aliases`
/// (line 14) and `b` with `b_aliases` (line 22).
fn with_aliases(a_aliases: &str, b_aliases: &str) -> String {
    format!(
        "{HEAD}[[funds]]\nid = \"a\"\nname = \"A\"\nup_to = true\napproved_aliases = [{a_aliases}]\n\
         [[funds.tiers]]\nclasses = [\"village\"]\nmin_width_m = 3.5\nrate_per_km = 1\n\
         [[funds]]\nid = \"b\"\nname = \"B\"\nup_to = true\napproved_aliases = [{b_aliases}]\n\
         [[funds.tiers]]\nclasses = [\"village\"]\nmin_width_m = 3.5\nrate_per_km = 1\n"
    )
}

/// Every problem of `text` read as the command line reads rules (input and computed column
/// names taken), in `lang`.
fn column_errors(text: &str, lang: Lang) -> Vec<String> {
    RuleSet::from_toml_for_columns(text, "r.toml", &crate::report::layout::column_taken)
        .unwrap_err()
        .iter()
        .map(|e| e.render(lang))
        .collect()
}

#[test]
fn approved_aliases_that_are_empty_or_given_twice_are_refused_at_their_place() {
    let text = with_aliases(r#""", "批复A", "批复a""#, r#""批复Ａ", "b_approved""#);
    assert_eq!(
        column_errors(&text, Lang::En),
        [
            "r.toml:14:21: one of the `approved_aliases` is an empty string; remove it or write the name",
            "r.toml:14:32: \"批复a\" already names the approved-amount column of fund a; give each column its own name",
            "r.toml:23:21: \"批复Ａ\" already names the approved-amount column of fund a; give each column its own name",
            "r.toml:23:28: \"b_approved\" already names the approved-amount column of fund b; give each column its own name",
        ]
    );
    assert_eq!(
        column_errors(&text, Lang::Zh),
        [
            "r.toml:14:21: `approved_aliases` 中有一个别名是空字符串；请删除它或填写名称",
            "r.toml:14:32: \"批复a\" 已是资金来源 a 的批复金额列名；一个列名只能用一次",
            "r.toml:23:21: \"批复Ａ\" 已是资金来源 a 的批复金额列名；一个列名只能用一次",
            "r.toml:23:28: \"b_approved\" 已是资金来源 b 的批复金额列名；一个列名只能用一次",
        ]
    );
    // Another fund's own column, whichever comes first in the file.
    let text = with_aliases(r#""b_approved""#, "");
    assert_eq!(
        column_errors(&text, Lang::En),
        ["r.toml:20:6: \"b_approved\" already names the approved-amount column of fund a; give each column its own name"]
    );
    // A fund's own column's name that is another fund's id.
    let text = with_aliases("", "").replace("id = \"b\"", "id = \"a_approved\"");
    assert_eq!(
        column_errors(&text, Lang::En),
        ["r.toml:11:6: approved-amount column name \"a_approved\" already heads the column of fund a_approved; choose another"]
    );
    let text = with_aliases("", r#""A_Approved""#);
    assert_eq!(
        column_errors(&text, Lang::En),
        ["r.toml:23:21: \"A_Approved\" already names the approved-amount column of fund a; give each column its own name"]
    );
}

#[test]
fn an_approved_alias_that_names_an_input_or_computed_column_is_refused_at_its_place() {
    let text = with_aliases(
        r#""投资", "投資(万元)", "Village", "transport_x""#,
        r#""补助合计", "a", "A", "shortfall", "roadsub_notes""#,
    );
    assert_eq!(
        column_errors(&text, Lang::En),
        [
            "r.toml:14:21: approved-amount column name \"投资\" is a name of the input column cost: a column so headed would be read as both; choose another",
            "r.toml:14:27: approved-amount column name \"投資(万元)\" is a name of the input column cost: a column so headed would be read as both; choose another",
            "r.toml:14:37: approved-amount column name \"Village\" is a name of the input column village: a column so headed would be read as both; choose another",
            "r.toml:23:21: approved-amount column name \"补助合计\" is the name of the computed column 补助合计: a table roadsub wrote, read back, would give it as an approved amount; choose another",
            "r.toml:23:29: approved-amount column name \"a\" already heads the column of fund a; choose another",
            "r.toml:23:34: approved-amount column name \"A\" already heads the column of fund a; choose another",
            "r.toml:23:39: approved-amount column name \"shortfall\" is the name of the computed column shortfall: a table roadsub wrote, read back, would give it as an approved amount; choose another",
            "r.toml:23:52: approved-amount column name \"roadsub_notes\" is the name of the computed column roadsub_notes: a table roadsub wrote, read back, would give it as an approved amount; choose another",
        ]
    );
    assert_eq!(
        column_errors(&text, Lang::Zh)[..2],
        [
            "r.toml:14:21: 批复金额列名 \"投资\" 是输入列 cost 的名称，这样的列会被同时当作两者读取；请另取名称",
            "r.toml:14:27: 批复金额列名 \"投資(万元)\" 是输入列 cost 的名称，这样的列会被同时当作两者读取；请另取名称",
        ]
    );
    assert_eq!(
        column_errors(&text, Lang::Zh)[3..5],
        [
            "r.toml:23:21: 批复金额列名 \"补助合计\" 与计算列 补助合计 同名，roadsub 写出的表读回时会被当作批复金额；请另取名称",
            "r.toml:23:29: 批复金额列名 \"a\" 已是资金来源 a 的列名；请另取名称",
        ]
    );
    // The shipped fund's id and name, read without a table's columns too.
    let shipped = BUILTIN_TOML.replace(
        r#""扶贫批复", "扶贫专项批复""#,
        r#""transport", "县交通局补助""#,
    );
    let e = errors_in(&shipped, Lang::En);
    assert_eq!(e.len(), 2, "{e:?}");
    assert!(e[0].ends_with(": approved-amount column name \"transport\" already heads the column of fund transport; choose another"), "{e:?}");
    assert!(e[1].ends_with(": approved-amount column name \"县交通局补助\" already heads the column of fund transport; choose another"), "{e:?}");
}

#[test]
fn approved_aliases_on_a_fixed_standard_are_refused_as_it_has_nothing_to_approve() {
    let text = with_aliases(r#""批复A", "批复A2""#, "").replacen("up_to = true\n", "", 1);
    assert_eq!(
        column_errors(&text, Lang::En),
        ["r.toml:13:21: fund a pays a fixed standard, not \"up to\" a ceiling (up_to = true), so it has no approved amount and no column for one: remove approved_aliases, or write up_to = true"]
    );
    assert_eq!(
        column_errors(&text, Lang::Zh),
        ["r.toml:13:21: 资金来源 a 是定额标准，不是“以内”上限（up_to = true），没有批复金额，也就没有批复金额列：请删除 approved_aliases，或写 up_to = true"]
    );
}

/// The defect (review 7, D2): a rules file named for a what-if (or `--rules`) was read whole
/// whatever it was: `/dev/zero` took memory without end, a pipe froze the table until
/// something wrote into it. Only a regular file of at most 4 MiB is read; the rest is said
/// in both languages.
#[test]
fn only_a_regular_file_of_rules_size_is_read() {
    use crate::i18n::Lang;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    let mut refused = vec![
        std::path::PathBuf::from("/dev/zero"),
        dir.path().to_path_buf(),
    ];
    if made {
        refused.push(fifo);
    }
    for path in &refused {
        let e = super::read_file(path, Lang::En).unwrap_err();
        assert_eq!(
            Lang::En.io_reason(&e),
            "not a file of rules: a folder, a device or a pipe",
            "{path:?}"
        );
        let e = super::read_file(path, Lang::Zh).unwrap_err();
        assert_eq!(
            Lang::Zh.io_reason(&e),
            "不是规则文件，而是文件夹、设备或管道"
        );
    }
    let big = dir.path().join("big.toml");
    std::fs::write(&big, vec![b'#'; super::FILE_MAX as usize + 1]).unwrap();
    let e = super::read_file(&big, Lang::Zh).unwrap_err();
    assert_eq!(
        Lang::Zh.io_reason(&e),
        "超过规则文件可能的大小（4 MiB），不是规则文件"
    );
    let fits = dir.path().join("fits.toml");
    std::fs::write(&fits, vec![b'#'; super::FILE_MAX as usize]).unwrap();
    assert_eq!(
        super::read_file(&fits, Lang::En).unwrap().len() as u64,
        super::FILE_MAX
    );
    assert_eq!(
        super::read_file(&dir.path().join("missing.toml"), Lang::En)
            .unwrap_err()
            .kind(),
        std::io::ErrorKind::NotFound
    );
}
