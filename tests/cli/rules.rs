//! `roadsub rules check|show` and `--rules`.

use super::*;

#[test]
fn check_the_shipped_rules() {
    let env = Env::new();
    let (code, out, _) = env.run(&["rules", "check"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "rules.toml (built-in): valid — 2 classes, 2 funds, 5 tiers, 2 budgets\n"
    );
    let (code, out, _) = env.run(&["rules", "check", "--lang", "zh"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "rules.toml（内置）：有效 — 道路类别 2 个，资金来源 2 个，标准档 5 个，预算额度 2 个\n"
    );
}

#[test]
fn check_reports_every_problem_with_its_place() {
    let env = Env::new();
    let text = include_str!("../../rules.toml")
        .replace("rate_per_km = \"45万\"", "rate_per_km = 450000.0")
        .replace("classes = [\"group\"]", "classes = [\"lane\"]")
        .replace(
            "rounding = \"half_away_from_zero\"",
            "rounding = \"nearest\"",
        );
    let path = env.write("bad.toml", text);
    let (code, out, err) = env.run(&["rules", "check", &path]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert_text(
        &err,
        &format!(
            "roadsub: {path}:24:12: unknown rounding rule \"nearest\" (expected half_away_from_zero or half_even)\n\
             roadsub: {path}:62:15: amount 450000.0 is a float, which is not exact; write 450000\n\
             roadsub: {path}:85:12: unknown class \"lane\" (defined: village, group)\n"
        ),
    );
}

#[test]
fn unknown_keys_and_syntax_errors() {
    let env = Env::new();
    let path = env.write(
        "r.toml",
        "[meta]\nname = \"x\"\nsource = \"y\"\ncolour = 1\n",
    );
    let (code, _, err) = env.run(&["rules", "check", &path]);
    assert_eq!(code, 1);
    assert_text(
        &err,
        &format!(
            "roadsub: {path}:1:1: no classes are defined: add at least one [[classes]]\n\
             roadsub: {path}:4:1: unknown key `colour` (expected one of name, name_en, issuer, issuer_en, source, source_en, currency, effective, rounding)\n\
             roadsub: {path}:5:1: no funds are defined: add at least one [[funds]]\n"
        ),
    );
}

#[test]
fn show_prints_tiers_and_budgets_aligned() {
    let env = Env::new();
    let (code, out, _) = env.run(&["rules", "show", "--lang", "zh"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("安岳县2018年贫困村通村通社公路补助标准\n"),
        "{out}"
    );
    assert!(
        out.contains("  舍入      四舍五入 (half_away_from_zero)\n"),
        "{out}"
    );
    assert!(
        out.contains("transport 县交通局补助  通村公路、通社公路    3.5 米         150,000.00\n"),
        "{out}"
    );
    assert!(
        out.contains("poverty 县扶贫专项补助  通村公路              4.5 米  不超过 300,000.00\n"),
        "{out}"
    );
    assert!(
        out.contains("社级道路建设    poverty   通社公路  6,900,000.00"),
        "{out}"
    );
}

#[test]
fn a_local_rules_toml_is_used_and_rules_flag_wins() {
    let env = Env::new();
    let halved = include_str!("../../rules.toml").replace("\"15万\"", "\"7.5万\"");
    env.write("rules.toml", &halved);
    let input = env.write(
        "s.csv",
        "id,township,village,class,width_m,length_km,cost\nA,t,v,village,3.5,1,1000000\n",
    );
    let (_, out, _) = env.run(&["batch", &input]);
    assert_eq!(cell(&out, "A", "transport"), "75000.00");
    let builtin = env.write("other.toml", include_str!("../../rules.toml"));
    let (_, out, _) = env.run(&["batch", &input, "--rules", &builtin]);
    assert_eq!(cell(&out, "A", "transport"), "150000.00");
}

#[test]
fn batch_with_invalid_rules_stops_before_reading() {
    let env = Env::new();
    let path = env.write(
        "r.toml",
        "[meta]\nname = \"x\"\nsource = \"y\"\n[[classes]]\nid = \"a\"\nname = \"A\"\n",
    );
    let (code, _, err) = env.run(&["batch", &example(), "--rules", &path]);
    assert_eq!(code, 1);
    assert!(err.contains("no funds are defined"), "{err}");
}
