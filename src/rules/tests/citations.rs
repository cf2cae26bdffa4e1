//! Citations (SPEC §9): `source`, `quote` and `reading` on funds and tiers, read, checked and
//! shown; and the shipped rules' quotes held to the release's own sentence.

use super::{errors_in, HEAD};
use crate::i18n::Lang;
use crate::rules::{describe, Citation, RuleSet};

/// A fund after [`HEAD`] (which ends on line 9): its keys from line 13, its tier's four
/// lines after the fund's last.
fn cited(fund_keys: &str, tier_keys: &str) -> String {
    format!(
        "{HEAD}[[funds]]\nid = \"f\"\nname = \"F\"\n{fund_keys}\n[[funds.tiers]]\nclasses = [\"village\"]\nmin_width_m = 3.5\nrate_per_km = \"15万\"\n{tier_keys}\n"
    )
}

#[test]
fn citations_on_funds_and_tiers_are_read_and_kept() {
    let text = cited(
        "source = \"发布会\"\nsource_en = \"Press conference\"\nquote = \"原句\"\nreading = \"两类均适用\"\nreading_en = \"Both classes\"",
        "source = \"第二段\"\nsource_en = \"Second paragraph\"\nquote = \"3.5米宽每公里15万元\"",
    );
    let r = RuleSet::from_toml(&text, "r.toml").unwrap();
    let f = &r.funds[0];
    assert_eq!(
        f.cited,
        Citation {
            source: Some("发布会".into()),
            source_en: Some("Press conference".into()),
            quote: Some("原句".into()),
        }
    );
    assert_eq!(f.reading.as_deref(), Some("两类均适用"));
    assert_eq!(f.display_reading(Lang::En), Some("Both classes"));
    assert_eq!(f.display_reading(Lang::Zh), Some("两类均适用"));
    assert_eq!(
        f.tiers[0].cited,
        Citation {
            source: Some("第二段".into()),
            source_en: Some("Second paragraph".into()),
            quote: Some("3.5米宽每公里15万元".into()),
        }
    );
    // Every key is optional.
    let bare = RuleSet::from_toml(&cited("", ""), "r.toml").unwrap();
    assert_eq!(bare.funds[0].cited, Citation::default());
    assert_eq!(bare.funds[0].tiers[0].cited, Citation::default());
    assert_eq!(bare.funds[0].reading, None);
}

#[test]
fn an_empty_citation_is_refused_with_its_place_in_both_languages() {
    let text = cited(
        "source = \"\"\nsource_en = \" \"\nquote = \"\"\nreading = \"\"\nreading_en = \"\"",
        "source = \"\"\nsource_en = \"\"\nquote = \" \"",
    );
    assert_eq!(
        errors_in(&text, Lang::En),
        [
            "r.toml:13:10: `source` is empty; it must say something",
            "r.toml:14:13: `source_en` is empty; it must say something",
            "r.toml:15:9: `quote` is empty; it must say something",
            "r.toml:16:11: `reading` is empty; it must say something",
            "r.toml:17:14: `reading_en` is empty; it must say something",
            "r.toml:22:10: `source` is empty; it must say something",
            "r.toml:23:13: `source_en` is empty; it must say something",
            "r.toml:24:9: `quote` is empty; it must say something",
        ]
    );
    assert_eq!(
        errors_in(&cited("reading = \"\"", "quote = \"\""), Lang::Zh),
        [
            "r.toml:13:11: `reading` 为空；请填写内容",
            "r.toml:18:9: `quote` 为空；请填写内容",
        ]
    );
}

#[test]
fn a_citation_that_is_not_a_string_is_one_type_error_each() {
    let text = cited(
        "source = 2018\nquote = [\"a\"]\nreading = true",
        "quote = 15",
    );
    assert_eq!(
        errors_in(&text, Lang::En),
        [
            "r.toml:13:10: invalid type: integer `2018`, expected a string",
            "r.toml:14:9: invalid type: sequence, expected a string",
            "r.toml:15:11: invalid type: boolean `true`, expected a string",
            "r.toml:20:9: invalid type: integer `15`, expected a string",
        ]
    );
}

#[test]
fn a_quote_has_no_translation_key_and_unknown_keys_are_still_refused() {
    let text = cited(
        "quote_en = \"The sentence\"",
        "quote_en = \"x\"\nnote = \"y\"",
    );
    assert_eq!(
        errors_in(&text, Lang::En),
        [
            "r.toml:13:1: unknown key `quote_en` (expected one of id, name, name_en, up_to, approved_aliases, tiers, source, source_en, quote, reading, reading_en)",
            "r.toml:18:1: unknown key `quote_en` (expected one of classes, min_width_m, rate_per_km, source, source_en, quote, from, until)",
            "r.toml:19:1: unknown key `note` (expected one of classes, min_width_m, rate_per_km, source, source_en, quote, from, until)",
        ]
    );
}

#[test]
fn rules_show_prints_a_tiers_own_source_and_exact_rates_in_both_languages() {
    let text = format!(
        "{HEAD}[[funds]]\nid = \"f\"\nname = \"甲\"\nname_en = \"A\"\nup_to = true\n\
         [[funds.tiers]]\nclasses = [\"village\"]\nmin_width_m = 3.5\nrate_per_km = \"152500.5\"\n\
         source = \"文件二\"\nsource_en = \"Paper two\"\nquote = \"每公里152500.5元以内\"\n\
         [[funds.tiers]]\nclasses = [\"village\"]\nmin_width_m = 4.5\nrate_per_km = \"15万\"\n"
    );
    let r = RuleSet::from_toml(&text, "r.toml").unwrap();
    let zh = describe(&r, Lang::Zh);
    let tiers = &zh[zh.find("资金来源").unwrap()..];
    assert_eq!(
        tiers,
        "资金来源  适用类别  最小宽度  补助标准\n\
         ────────  ────────  ────────  ─────────────────────\n\
         甲        通村公路  3.5 米    152,500.50元以内/公里\n\
         甲        通村公路  4.5 米         15万元以内/公里\n\
         \n\
         甲\n\
         \x20 标准档  3.5 米  通村公路  “每公里152500.5元以内”  （依据：文件二）\n"
    );
    let en = describe(&r, Lang::En);
    let tiers = &en[en.find("fund ").unwrap()..];
    assert_eq!(
        tiers,
        "fund  name  classes   min width  rate\n\
         ────  ────  ────────  ─────────  ────────────────────────\n\
         f     A     通村公路  3.5 m      up to 152,500.50 yuan/km\n\
         f     A     通村公路  4.5 m      up to 150,000 yuan/km\n\
         \n\
         A (f)\n\
         \x20 tiers  3.5 m  通村公路  “每公里152500.5元以内”  (source: Paper two)\n"
    );
    // A reading written over two lines keeps to its own line.
    let two_lines = cited("reading = \"\"\"甲\n乙\"\"\"", "");
    let shown = describe(&RuleSet::from_toml(&two_lines, "r.toml").unwrap(), Lang::Zh);
    assert!(shown.ends_with("\nF\n  解读  甲 乙\n"), "{shown}");
    // A fund that cites nothing adds nothing.
    let bare = describe(
        &RuleSet::from_toml(&cited("", ""), "r.toml").unwrap(),
        Lang::En,
    );
    assert!(!bare.contains("F (f)"), "{bare}");
}

/// The release's paragraph on road subsidies as the stored text gives it, in traditional
/// characters (the rest of the release, around it, is not needed here).
const RELEASE_TRADITIONAL: &str = "縣交通局補助標準為3.5米寬每公里15萬元;4.5米寬每公里45萬元;縣扶貧專項補助標準為3.5米寬的通村公路每公里25萬元以內,4.5米寬的每公里30萬元以內;3.5米、4.5米寬的通社公路每公里10萬元以內。";

/// The same sentence in simplified characters, as the shipped rules quote it.
const RELEASE_SIMPLIFIED: &str = "县交通局补助标准为3.5米宽每公里15万元;4.5米宽每公里45万元;县扶贫专项补助标准为3.5米宽的通村公路每公里25万元以内,4.5米宽的每公里30万元以内;3.5米、4.5米宽的通社公路每公里10万元以内。";

#[test]
fn the_shipped_quotes_are_the_releases_sentences_verbatim() {
    // Simplified from traditional one character for another, nothing else: the same sentence,
    // not a paraphrase.
    let simplified: String = RELEASE_TRADITIONAL
        .chars()
        .map(|c| match c {
            '縣' => '县',
            '補' => '补',
            '標' => '标',
            '準' => '准',
            '為' => '为',
            '寬' => '宽',
            '萬' => '万',
            '貧' => '贫',
            '專' => '专',
            '項' => '项',
            '內' => '内',
            c => c,
        })
        .collect();
    assert_eq!(simplified, RELEASE_SIMPLIFIED);
    let r = RuleSet::builtin();
    let quotes: Vec<Vec<&str>> = r
        .funds
        .iter()
        .map(|f| {
            f.tiers
                .iter()
                .map(|t| t.cited.quote.as_deref().unwrap_or(""))
                .collect()
        })
        .collect();
    assert_eq!(
        quotes,
        [
            vec![
                "县交通局补助标准为3.5米宽每公里15万元",
                "4.5米宽每公里45万元"
            ],
            vec![
                "县扶贫专项补助标准为3.5米宽的通村公路每公里25万元以内",
                "4.5米宽的每公里30万元以内",
                "3.5米、4.5米宽的通社公路每公里10万元以内",
            ],
        ]
    );
    for quote in quotes.iter().flatten() {
        assert!(RELEASE_SIMPLIFIED.contains(quote), "{quote}");
    }
    // Each fund cites the press conference, as the rules' meta does.
    for f in &r.funds {
        assert_eq!(f.cited.source.as_deref(), Some(r.meta.source.as_str()));
        assert_eq!(f.cited.source_en, r.meta.source_en);
    }
    // The transport bureau's rates name no class: the reading says both apply.
    assert_eq!(
        r.funds[0].reading.as_deref(),
        Some("发布会未写明县交通局补助适用的道路类别，故两档标准对通村公路、通社公路均适用。")
    );
    assert_eq!(r.funds[0].tiers[0].classes, [0, 1]);
}
