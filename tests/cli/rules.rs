//! `roadsub rules check|show` and `--rules`.

use super::*;

#[test]
fn check_the_shipped_rules() {
    let env = Env::new();
    env.roadsub(&["rules", "check"])
        .expect_code(0)
        .stdout("rules.toml (built-in): valid — 2 classes, 2 funds, 5 tiers, 3 budgets, 9 tests (all pass)\n");
    env.roadsub(&["rules", "check", "--lang", "zh"])
        .expect_code(0)
        .stdout(
            "rules.toml（内置）：有效 — 道路类别 2 个，资金来源 2 个，标准档 5 个，预算额度 3 个，自测 9 项（全部通过）\n",
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
    env.roadsub(&["rules", "check", &path]).expect(
        1,
        "",
        &format!(
            "roadsub: {path}:24:12: unknown rounding rule \"nearest\" (expected half_away_from_zero or half_even)\n\
             roadsub: {path}:77:15: amount 450000.0 is a float, which is not exact; write 450000\n\
             roadsub: {path}:112:12: unknown class \"lane\" (defined: village, group)\n"
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
    env.roadsub(&["rules", "check", &path])
        .expect_code(1)
        .stderr(&format!(
            "roadsub: {path}:1:1: no classes are defined: add at least one [[classes]]\n\
             roadsub: {path}:4:1: unknown key `colour` (expected one of name, name_en, issuer, issuer_en, source, source_en, currency, effective, rounding, plausible_cost_per_km)\n\
             roadsub: {path}:5:1: no funds are defined: add at least one [[funds]]\n"
        ),
    );
}

#[test]
fn show_prints_tiers_and_budgets_aligned() {
    let env = Env::new();
    env.roadsub(&["rules", "show", "--lang", "zh"])
        .expect_code(0)
        .stdout_starts("安岳县2018年贫困村通村通社公路补助标准\n")
        .stdout_has("  舍入      四舍五入\n")
        // Funds and classes by their Chinese names only; widths and rates flush left, their
        // numbers one above the other. Rates as the release says them: 万元 per km, a
        // ceiling 以内.
        .stdout_has("资金来源        适用类别            最小宽度  补助标准\n")
        .stdout_has("县交通局补助    通村公路、通社公路  3.5 米    15万元/公里\n")
        .stdout_has("县扶贫专项补助  通村公路            4.5 米    30万元以内/公里\n")
        .stdout_has("预算额度        资金或筹资来源  类别        金额（元）  范围\n")
        .stdout_has("社级道路建设    县扶贫专项补助  通社公路  6,900,000.00  总额\n")
        // A budget on a source: the source named (in Chinese by its name only, no id in a
        // Chinese table), its envelope for each village in a column of its own.
        .stdout_has("村项目资金      村项目资金      全部      2,000,000.00  每村\n")
        .stdout_lacks("transport")
        .stdout_lacks("half_away_from_zero");
    env.roadsub(&["rules", "show", "--lang", "en"])
        .expect_code(0)
        .stdout_has("  rounding   half away from zero, 四舍五入 (half_away_from_zero)\n")
        .stdout_has("Village project fund    village_fund (village project fund)  all                   2,000,000.00  each village\n")
        .stdout_has("transport  County transport bureau subsidy          village-access road, group-access road  3.5 m            150,000 yuan/km\n")
        .stdout_has("poverty    County poverty-alleviation special fund  village-access road                     3.5 m      up to 250,000 yuan/km\n");
}

#[test]
fn show_prints_each_funds_source_and_reading_and_each_tiers_quote() {
    let env = Env::new();
    env.roadsub(&["rules", "show", "--lang", "zh"])
        .expect_code(0)
        .stdout_has(
            "\n县交通局补助\n\
             \x20 依据    安岳县脱贫攻坚工作新闻发布会，2018年5月15日（县扶贫开发办公室副主任黎泽伦答问）\n\
             \x20 解读    发布会未写明县交通局补助适用的道路类别，故两档标准对通村公路、通社公路均适用。\n\
             \x20 标准档  3.5 米  通村公路、通社公路  “县交通局补助标准为3.5米宽每公里15万元”\n\
             \x20         4.5 米  通村公路、通社公路  “4.5米宽每公里45万元”\n\
             \n县扶贫专项补助\n\
             \x20 依据    安岳县脱贫攻坚工作新闻发布会，2018年5月15日（县扶贫开发办公室副主任黎泽伦答问）\n\
             \x20 解读    “以内”读作上限：按批复金额补助，不超过标准×里程，未填批复则按标准计；通社公路3.5米、4.5米宽同为一档。\n\
             \x20 标准档  3.5 米  通村公路  “县扶贫专项补助标准为3.5米宽的通村公路每公里25万元以内”\n\
             \x20         4.5 米  通村公路  “4.5米宽的每公里30万元以内”\n\
             \x20         3.5 米  通社公路  “3.5米、4.5米宽的通社公路每公里10万元以内”\n\
             \n预算额度",
        );
    // A quote is the policy's own words: shown as written in English too.
    env.roadsub(&["rules", "show", "--lang", "en"])
        .expect_code(0)
        .stdout_has(
            "\nCounty transport bureau subsidy (transport)\n\
             \x20 source   Anyue County poverty-alleviation press conference, 15 May 2018 (answer by Li Zelun, deputy director of the county poverty office)\n\
             \x20 reading  The release names no road class for the transport bureau's rates, so both tiers apply to village-access and group-access roads alike.\n\
             \x20 tiers    3.5 m  village-access road, group-access road  “县交通局补助标准为3.5米宽每公里15万元”\n\
             \x20          4.5 m  village-access road, group-access road  “4.5米宽每公里45万元”\n\
             \nCounty poverty-alleviation special fund (poverty)\n\
             \x20 source   Anyue County poverty-alleviation press conference, 15 May 2018 (answer by Li Zelun, deputy director of the county poverty office)\n\
             \x20 reading  \"以内\" (within) is read as a ceiling: the approved amount is paid, at most the rate × length, the full rate when none is approved; group roads 3.5 m and 4.5 m wide share one tier.\n\
             \x20 tiers    3.5 m  village-access road  “县扶贫专项补助标准为3.5米宽的通村公路每公里25万元以内”\n\
             \x20          4.5 m  village-access road  “4.5米宽的每公里30万元以内”\n\
             \x20          3.5 m  group-access road    “3.5米、4.5米宽的通社公路每公里10万元以内”\n\
             \nbudget ",
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
    let out = env.roadsub(&["batch", &input]).run().stdout;
    assert_eq!(cell(&out, "A", "transport"), "75000.00");
    let builtin = env.write("other.toml", include_str!("../../rules.toml"));
    let out = env
        .roadsub(&["batch", &input, "--rules", &builtin])
        .run()
        .stdout;
    assert_eq!(cell(&out, "A", "transport"), "150000.00");
}

#[test]
fn batch_with_invalid_rules_stops_before_reading() {
    let env = Env::new();
    let path = env.write(
        "r.toml",
        "[meta]\nname = \"x\"\nsource = \"y\"\n[[classes]]\nid = \"a\"\nname = \"A\"\n",
    );
    env.roadsub(&["batch", &example(), "--rules", &path])
        .expect_code(1)
        .stderr_has("no funds are defined");
}

/// The shipped rules with the first fund's id and name replaced.
fn rules_with_first_fund(id: &str, name: &str) -> String {
    include_str!("../../rules.toml")
        .replacen("id = \"transport\"", &format!("id = \"{id}\""), 1)
        .replacen("name = \"县交通局补助\"", &format!("name = \"{name}\""), 1)
}

#[test]
fn a_fund_named_like_an_input_column_is_refused() {
    let env = Env::new();
    let path = env.write("r.toml", rules_with_first_fund("transport", "整合资金"));
    env.roadsub(&["rules", "check", &path]).expect(
        1,
        "",
        &format!(
            "roadsub: {path}:55:8: fund name \"整合资金\" is the name of the input column other_funds: its column would hide that one; choose another\n"
        ),
    );
    env.roadsub(&["rules", "check", &path, "--lang", "zh"])
        .expect_code(1)
        .stderr(&format!(
            "roadsub: {path}:55:8: 资金来源的 name \"整合资金\" 与输入列 other_funds 同名，会遮盖该列；请另取名称\n"
        ),
    );
    // Batch and every other command load rules the same way.
    env.roadsub(&["batch", &example(), "--rules", &path])
        .expect_code(1)
        .stdout("")
        .stderr_has(":55:8: fund name \"整合资金\"");
}

#[test]
fn a_fund_id_named_like_a_computed_column_is_refused() {
    let env = Env::new();
    for (id, name, at, said) in [
        (
            "shortfall",
            "县交通局补助",
            "54:6",
            "fund id \"shortfall\" is the name of the computed column shortfall",
        ),
        (
            "Notes",
            "县交通局补助",
            "54:6",
            "fund id \"Notes\" is the name of the computed column notes",
        ),
        (
            "transport",
            "差额",
            "55:8",
            "fund name \"差额\" is the name of the computed column 差额",
        ),
        (
            "cost",
            "县交通局补助",
            "54:6",
            "fund id \"cost\" is the name of the input column cost",
        ),
        (
            "transport",
            "投资(万元)",
            "55:8",
            "fund name \"投资(万元)\" is the name of the input column cost",
        ),
        (
            "transport",
            "poverty",
            "81:6",
            "fund id \"poverty\" already heads the column of fund transport",
        ),
    ] {
        let path = env.write("r.toml", rules_with_first_fund(id, name));
        env.roadsub(&["rules", "check", &path])
            .expect_code(1)
            .stderr_starts(&format!("roadsub: {path}:{at}: {said}"));
    }
}

#[test]
fn every_rules_problem_is_listed_past_a_type_error() {
    let env = Env::new();
    let text = include_str!("../../rules.toml")
        .replace("up_to = false", "up_to = \"maybe\"")
        .replace("effective = \"2018-05-15\"", "effective = \"2018-13-45\"")
        .replace("name = \"通社公路\"", "name = \" \"");
    let path = env.write("r.toml", text);
    env.roadsub(&["rules", "check", &path])
        .expect_code(1)
        .stderr(&format!(
            "roadsub: {path}:22:13: effective date \"2018-13-45\" is not a day on the calendar\n\
             roadsub: {path}:40:8: `name` is empty; it must say something\n\
             roadsub: {path}:58:9: invalid type: string \"maybe\", expected a boolean\n"
        ));
}

/// The defect: `effective = 2018-05-15`, a TOML date (as `from` and `until` may be written),
/// was refused as "invalid type: map, expected a string" (表, in Chinese). It is read as the
/// quoted date is; a date with a time is a date that is not a day.
#[test]
fn an_effective_date_may_be_a_toml_date_as_from_and_until_may() {
    let env = Env::new();
    let text = include_str!("../../rules.toml");
    let bare = env.write(
        "bare.toml",
        text.replace("effective = \"2018-05-15\"", "effective = 2018-05-15"),
    );
    let quoted = env.write("quoted.toml", text);
    let shown = |path: &str| {
        let out = env
            .roadsub(&["rules", "show", path])
            .expect_code(0)
            .stdout
            .clone();
        out.replace(path, "FILE")
    };
    assert_eq!(shown(&bare), shown(&quoted));
    env.roadsub(&["rules", "check", &bare]).expect_code(0);
    let timed = env.write(
        "timed.toml",
        text.replace(
            "effective = \"2018-05-15\"",
            "effective = 2018-05-15T10:00:00",
        ),
    );
    env.roadsub(&["rules", "check", &timed, "--lang", "zh"])
        .expect_code(1)
        .stderr(&format!("roadsub: {timed}:22:13: 生效日期 \"2018-05-15T10:00:00\" 不是有效日期（应为 年-月-日，如 2018-05-15）\n"));
}

/// The defect: an amount past what is computed exactly (`"99999999999亿"`) was said to be "not
/// an amount in yuan", where a table's cell of it says "too large for exact money".
#[test]
fn an_amount_too_large_in_a_rules_file_is_said_to_be_too_large() {
    let env = Env::new();
    let text = include_str!("../../rules.toml").replacen(
        "rate_per_km = \"15万\"",
        "rate_per_km = \"99999999999亿\"",
        1,
    );
    let path = env.write("big.toml", text);
    env.roadsub(&["rules", "check", &path])
        .expect(1, "", &format!("roadsub: {path}:70:15: \"99999999999亿\" is too large for exact money (at most 999,999,999,999,999.99 yuan)\n"));
    env.roadsub(&["rules", "check", &path, "--lang", "zh"])
        .expect(1, "", &format!("roadsub: {path}:70:15: \"99999999999亿\" 金额过大，无法精确计算（最多 999,999,999,999,999.99 元）\n"));
}

#[test]
fn a_gbk_rules_file_is_refused_with_its_line_and_column() {
    let env = Env::new();
    let mut bytes = b"[meta]\nname = \"t\"\nsource = \"".to_vec();
    bytes.extend_from_slice(&[0xB0, 0xB2, 0xD4, 0xC0, b'"', b'\n']);
    let path = env.write("gbk.toml", bytes);
    env.roadsub(&["rules", "check", &path])
        .expect_code(1)
        .stderr(&format!("roadsub: {path}:3:11: the rules file is not UTF-8 text (often it was saved as GBK); save it as UTF-8 and try again\n"),
    );
}

#[test]
fn check_refuses_an_empty_or_repeated_budget_name_an_empty_currency_and_an_empty_alias() {
    let env = Env::new();
    let text = include_str!("../../rules.toml")
        .replace("currency = \"CNY\"", "currency = \"\"")
        .replace("aliases = [\"通村\",", "aliases = [\"\", \"通村\",")
        .replace("name = \"社级道路建设\"", "name = \"通村硬化路建设\"");
    let path = env.write("bad.toml", text);
    env.roadsub(&["rules", "check", &path]).expect(
        1,
        "",
        &format!(
            "roadsub: {path}:20:12: `currency` is empty; it must say something\n\
             roadsub: {path}:36:12: one of the `aliases` is an empty string; remove it or write the name\n\
             roadsub: {path}:134:8: a budget named \"通村硬化路建设\" is already defined; give each budget its own name\n"
        ),
    );
}

#[test]
fn show_and_check_read_a_budgets_on_overrun() {
    let env = Env::new();
    let text = include_str!("../../rules.toml").replace(
        "amount = \"690万\"",
        "amount = \"690万\"\non_overrun = \"prorate\"",
    );
    let path = env.write("prorate.toml", &text);
    env.roadsub(&["rules", "show", &path, "--lang", "zh"])
        .expect_code(0)
        .stdout_has("村项目资金      村项目资金      全部      2,000,000.00  每村\n  社级道路建设 — 超支时：按比例分摊（申请超出额度时，各路段补助按比例核减至额度以内）\n");
    env.roadsub(&["rules", "show", &path, "--lang", "en"])
        .expect_code(0)
        .stdout_has("  Group road building — on overrun: prorate (when its segments ask for more, each is cut in proportion so the envelope is not exceeded)\n");
    let bad = env.write("bad.toml", text.replace("\"prorate\"", "\"cut\""));
    env.roadsub(&["rules", "check", &bad]).expect(
        1,
        "",
        &format!(
            "roadsub: {bad}:137:14: unknown on_overrun \"cut\" (expected report, prorate or in_order)\n"
        ),
    );
}

#[test]
fn the_shipped_poverty_fund_reads_its_approved_amounts_under_each_alias() {
    // The shipped rules name 扶贫批复, 扶贫专项批复 and 县扶贫专项批复 for poverty_approved.
    let env = Env::new();
    for header in [
        "扶贫批复",
        "扶贫专项批复",
        "县扶贫专项批复",
        "poverty_approved",
    ] {
        let t = env.write(
            "approved.csv",
            format!(
                "id,township,village,class,width_m,length_km,cost,{header}\n\
                 A,T,V,group,3.5,1,400000,50000\n\
                 B,T,V,group,3.5,1,400000,\n"
            ),
        );
        env.roadsub(&["batch", &t]).expect(
            0,
            &format!(
                "id,township,village,class,width_m,length_km,cost,{header},transport,poverty,subsidy_total,gap,shortfall,notes\n\
                 A,T,V,group,3.5,1,400000,50000,150000.00,50000.00,200000.00,200000.00,200000.00,\"County poverty-alleviation special fund approved at 50,000.00 yuan (ceiling 100,000.00 yuan)\"\n\
                 B,T,V,group,3.5,1,400000,,150000.00,100000.00,250000.00,150000.00,150000.00,\n"
            ),
            "",
        );
    }
}

/// The TOML reader's own messages (a syntax error, a bare date that cannot be) were English
/// inside a Chinese message (`规则文件格式错误：key with no value, expected `=``).
#[test]
fn a_rules_files_syntax_error_is_said_in_chinese_under_lang_zh() {
    let env = Env::new();
    let shipped = include_str!("../../rules.toml");
    let cases = [
        (
            shipped.replacen("issuer = ", "issuer ", 1),
            "14:8",
            "规则文件格式错误：键后面缺少值，应为 `=`",
            "key with no value, expected `=`",
        ),
        (
            shipped.replacen("effective = \"2018-05-15\"", "effective = 2018-02-30", 1),
            "22:13",
            "规则文件格式错误：日期无效，应为 01 到 28 之间的日（该月只有 28 天）",
            "invalid date, expected day between 01 and 28",
        ),
        (
            shipped.replacen("min_width_m = 3.5", "min_width_m = 2018-01-01", 1),
            "69:15",
            "类型错误：日期时间 `2018-01-01`，应为数字或字符串，如 \"15万\" 或 \"3.5\"",
            "invalid type: datetime `2018-01-01`, expected a number or a string such as \"15万\" or \"3.5\"",
        ),
    ];
    for (text, at, zh, en) in cases {
        let path = env.write("broken.toml", text);
        env.roadsub(&["rules", "check", &path, "--lang", "zh"])
            .expect(1, "", &format!("roadsub: {path}:{at}: {zh}\n"));
        env.roadsub(&["rules", "check", &path]).expect(
            1,
            "",
            &format!("roadsub: {path}:{at}: {en}\n"),
        );
    }
}

/// `rules show`, `rules new -` and `explain` on a full standard output said the system's
/// English words alone (`No space left on device (os error 28)`), under `--lang zh` too; they
/// say what could not be written, in the user's language, as batch and compare do.
#[test]
fn a_full_standard_output_is_said_in_the_users_language_by_every_command() {
    let env = Env::new();
    let plan = env.write(
        "plan.csv",
        "id,township,village,class,width_m,length_km,cost\nA,T,V,village,4.5,2,1600000\n",
    );
    for args in [
        vec!["rules", "show"],
        vec!["rules", "new", "-"],
        vec!["explain", &plan, "--id", "A"],
    ] {
        for (lang, said) in [
            ("en", "roadsub: cannot write <stdout>: the disk is full\n"),
            ("zh", "roadsub: 无法写入 <标准输出>: 磁盘已满\n"),
        ] {
            let full = std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap();
            let mut args = args.clone();
            args.extend(["--lang", lang]);
            env.roadsub(&args)
                .stdout_to(full)
                .expect_code(1)
                .stderr(said);
        }
    }
}
