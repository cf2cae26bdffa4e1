//! `roadsub rules test` and the `[[test]]` entries of a rules file (SPEC §9): the shipped
//! worked examples pass, a failing test says what differs to the fen, `rules check` runs them,
//! and a test's every problem is told at its place.

use super::*;

const SHIPPED: &str = include_str!("../../rules.toml");

/// The shipped rules with the village roads' 3.5 m poverty rate lowered from 25万 to 20万: E3
/// and E7 no longer give the agreed amounts.
fn lowered() -> String {
    assert_eq!(SHIPPED.matches("rate_per_km = \"25万\"").count(), 1);
    SHIPPED.replace("rate_per_km = \"25万\"", "rate_per_km = \"20万\"")
}

#[test]
fn the_shipped_tests_e1_to_e7_pass_in_both_languages() {
    let env = Env::new();
    env.roadsub(&["rules", "test"]).expect(
        0,
        "ok E1\nok E2\nok E3\nok E4\nok E5\nok E6\nok E7\nok E1-other_funds\nok E1-households\n\
         9 tests: 9 passed, 0 failed\n",
        "",
    );
    env.roadsub(&["rules", "test", "--lang", "zh"]).expect(
        0,
        "通过 E1\n通过 E2\n通过 E3\n通过 E4\n通过 E5\n通过 E6\n通过 E7\n通过 E1-other_funds\n\
         通过 E1-households\n共 9 项自测：通过 9 项，未通过 0 项\n",
        "",
    );
    // The example's copy carries the same tests.
    let variant = format!(
        "{}/examples/anyue-2018-prorate.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    env.roadsub(&["rules", "test", &variant])
        .expect_code(0)
        .stdout_has("9 tests: 9 passed, 0 failed\n");
}

#[test]
fn a_failing_test_is_shown_with_every_amount_that_differs_in_both_languages() {
    let env = Env::new();
    let path = env.write("lowered.toml", lowered());
    env.roadsub(&["rules", "test", &path]).expect(
        1,
        &format!("ok E1\nok E2\n\
         FAIL E3 ({path}:190): poverty expected 300000.00, got 240000.00; subsidy_total expected 480000.00, got 420000.00; gap expected 220000.00, got 280000.00; shortfall expected 220000.00, got 280000.00\n\
         ok E4\nok E5\nok E6\n\
         FAIL E7 ({path}:251): poverty expected 83250.00, got 66600.00; subsidy_total expected 133200.00, got 116550.00; gap expected 66800.00, got 83450.00; shortfall expected 66800.00, got 83450.00\n\
         ok E1-other_funds\nok E1-households\n\
         9 tests: 7 passed, 2 failed\n"),
        "",
    );
    env.roadsub(&["rules", "test", &path, "--lang", "zh"]).expect(
        1,
        &format!("通过 E1\n通过 E2\n\
         未通过 E3（{path}:190）：poverty 应为 300000.00，实为 240000.00；subsidy_total 应为 480000.00，实为 420000.00；gap 应为 220000.00，实为 280000.00；shortfall 应为 220000.00，实为 280000.00\n\
         通过 E4\n通过 E5\n通过 E6\n\
         未通过 E7（{path}:251）：poverty 应为 83250.00，实为 66600.00；subsidy_total 应为 133200.00，实为 116550.00；gap 应为 66800.00，实为 83450.00；shortfall 应为 66800.00，实为 83450.00\n\
         通过 E1-other_funds\n通过 E1-households\n\
         共 9 项自测：通过 7 项，未通过 2 项\n"),
        "",
    );
}

#[test]
fn an_expectation_one_fen_off_fails() {
    let env = Env::new();
    let text = SHIPPED.replace(
        "shortfall_per_household = \"33333.33\"",
        "shortfall_per_household = \"33333.34\"",
    );
    assert_ne!(text, SHIPPED);
    let path = env.write("fen.toml", text);
    env.roadsub(&["rules", "test", &path])
        .expect_code(1)
        .stdout_has(&format!(
            "FAIL E1-households ({path}:281): shortfall_per_household expected 33333.34, got 33333.33\n\
             9 tests: 8 passed, 1 failed\n"
        ));
}

#[test]
fn rules_check_runs_the_tests_and_names_the_failing_ones_at_their_place() {
    let env = Env::new();
    let path = env.write("lowered.toml", lowered());
    let e3 = 1 + lowered()
        .lines()
        .position(|l| l == "name = \"E3\"")
        .unwrap();
    let e7 = 1 + lowered()
        .lines()
        .position(|l| l == "name = \"E7\"")
        .unwrap();
    // The place is the test's `[[test]]`, the line above its name.
    let (e3, e7) = (e3 - 1, e7 - 1);
    env.roadsub(&["rules", "check", &path]).expect(
        1,
        "",
        &format!(
            "roadsub: {path}:{e3}:1: test E3 fails: poverty expected 300000.00, got 240000.00; subsidy_total expected 480000.00, got 420000.00; gap expected 220000.00, got 280000.00; shortfall expected 220000.00, got 280000.00\n\
             roadsub: {path}:{e7}:1: test E7 fails: poverty expected 83250.00, got 66600.00; subsidy_total expected 133200.00, got 116550.00; gap expected 66800.00, got 83450.00; shortfall expected 66800.00, got 83450.00\n"
        ),
    );
    env.roadsub(&["rules", "check", &path, "--lang", "zh"])
        .expect_code(1)
        .stdout("")
        .stderr_starts(&format!(
            "roadsub: {path}:{e3}:1: 自测 E3 未通过：poverty 应为 300000.00，实为 240000.00；"
        ));
    // Batch runs compute with the rules as they are: their tests are for `rules check|test`.
    env.roadsub(&["--rules", &path, "batch", &example(), "--format", "csv"])
        .expect_code(0);
}

#[test]
fn every_input_is_read_as_a_table_cell_is_and_due_outstanding_and_sources_are_tested() {
    let env = Env::new();
    // A traditional alias, units, grouping, 万: as a county's sheet writes them.
    let test = "\n[[test]]\nname = \"paid\"\nclass = \"通組\"\nwidth_m = \"4.5米\"\n\
                length_km = \"2000米\"\ncost = \"1,600,000\"\npoverty_approved = \"15万\"\n\
                completed_km = 1\ndisbursed = \"50万\"\nyishi_yiyi = 20000\nself_raised = \"1万\"\n\
                village_fund = \"0.5万\"\nhouseholds = \"7\"\n[test.expect]\n\
                transport = 900000\npoverty = 150000\nsubsidy_total = 1050000\ngap = 550000\n\
                shortfall = 515000\nshortfall_per_household = \"73571.43\"\ndue = 525000\n\
                outstanding = 25000\n";
    let path = env.write("paid.toml", format!("{SHIPPED}{test}"));
    env.roadsub(&["rules", "test", &path])
        .expect_code(0)
        .stdout_has("ok paid\n10 tests: 10 passed, 0 failed\n");
    // The same row in a table gives the same amounts.
    let table = env.write(
        "paid.csv",
        "id,township,village,class,width_m,length_km,cost,poverty_approved,completed_km,disbursed,yishi_yiyi,self_raised,village_fund,households\n\
         P,乡,村,通組,4.5米,2000米,\"1,600,000\",15万,1,50万,20000,1万,0.5万,7\n",
    );
    env.roadsub(&["batch", &table, "--format", "json"])
        .expect_code(0)
        .stdout_has("\"poverty\":\"150000.00\"")
        .stdout_has("\"shortfall\":\"515000.00\"")
        .stdout_has("\"outstanding\":\"25000.00\"");
}

/// A rules file whose tests have every kind of problem, one of each.
const BAD_TESTS: &str = r#"[meta]
name = "x"
source = "y"
[[classes]]
id = "village"
name = "通村公路"
[[funds]]
id = "transport"
name = "交通"
[[funds.tiers]]
classes = ["village"]
min_width_m = 3.5
rate_per_km = "15万"
[[test]]
name = "A"
class = "lane"
width_m = 4.5
length_km = "两公里"
cost = "12万元/公里"
colour = 1
poverty_approved = 5
transport_approved = 5
[test.expect]
transport = 1.5
subsidy = 3
[[test]]
name = "A"
class = "village"
width_m = "4.5"
length_km = "0"
cost_per_km = "1万"
[[test]]
name = "C"
class = "village"
width_m = "4.5"
length_km = "1"
[test.expect]
"#;

#[test]
fn every_problem_of_a_test_is_told_at_its_place_in_both_languages() {
    let env = Env::new();
    let path = env.write("bad.toml", BAD_TESTS);
    let en = format!(
        "roadsub: {path}:16:9: unknown class \"lane\" (defined: village)\n\
         roadsub: {path}:17:11: width_m 4.5 is a float, which is not exact; write \"4.5\"\n\
         roadsub: {path}:18:13: length_km \"两公里\" is not a length (expected km like 1.25, 1.25公里 or 850米)\n\
         roadsub: {path}:19:8: cost \"12万元/公里\" is not an amount of money (expected yuan like 1200000, 1,200,000, 120万 or 1.06亿)\n\
         roadsub: {path}:20:1: unknown key `colour` (expected one of name, note, class, width_m, length_km, cost, cost_per_km, other_funds, yishi_yiyi, self_raised, village_fund, households, completed_km, disbursed, date, <fund>_approved, expect)\n\
         roadsub: {path}:21:1: unknown fund \"poverty\" (defined: transport)\n\
         roadsub: {path}:22:1: fund transport pays a fixed standard, not \"up to\" a ceiling, so it has no approved amount: remove transport_approved\n\
         roadsub: {path}:24:13: transport 1.5 is a float, which is not exact; write \"1.5\"\n\
         roadsub: {path}:25:1: unknown key `subsidy` (expected one of transport, subsidy_total, gap, shortfall, shortfall_per_household, due, outstanding)\n\
         roadsub: {path}:26:1: test \"A\" expects nothing: write the amounts it must give (each fund, subsidy_total, gap, shortfall, …) under [test.expect]\n\
         roadsub: {path}:27:8: a test named \"A\" is already defined; give each test its own name\n\
         roadsub: {path}:30:13: length_km \"0\" must be greater than 0\n\
         roadsub: {path}:32:1: this test has no cost: give cost or cost_per_km\n\
         roadsub: {path}:32:1: test \"C\" expects nothing: write the amounts it must give (each fund, subsidy_total, gap, shortfall, …) under [test.expect]\n"
    );
    env.roadsub(&["rules", "check", &path]).expect(1, "", &en);
    // `rules test` refuses rules with problems the same way, before running anything.
    env.roadsub(&["rules", "test", &path]).expect(1, "", &en);
    env.roadsub(&["rules", "test", &path, "--lang", "zh"]).expect(
        1,
        "",
        &format!(
            "roadsub: {path}:16:9: 未定义的道路类别 \"lane\"（已定义：village）\n\
             roadsub: {path}:17:11: width_m 的值 4.5 是浮点数，可能不精确；请写成 \"4.5\"\n\
             roadsub: {path}:18:13: length_km \"两公里\" 不是长度（应为公里数，如 1.25、1.25公里 或 850米）\n\
             roadsub: {path}:19:8: cost \"12万元/公里\" 不是金额（应为元，如 1200000、1,200,000、120万 或 1.06亿）\n\
             roadsub: {path}:20:1: 未知的键 `colour`（可用的键：name, note, class, width_m, length_km, cost, cost_per_km, other_funds, yishi_yiyi, self_raised, village_fund, households, completed_km, disbursed, date, <fund>_approved, expect）\n\
             roadsub: {path}:21:1: 未定义的资金来源 \"poverty\"（已定义：transport）\n\
             roadsub: {path}:22:1: 资金来源 transport 是定额标准，不是“以内”上限，没有批复金额：请删除 transport_approved\n\
             roadsub: {path}:24:13: transport 的值 1.5 是浮点数，可能不精确；请写成 \"1.5\"\n\
             roadsub: {path}:25:1: 未知的键 `subsidy`（可用的键：transport, subsidy_total, gap, shortfall, shortfall_per_household, due, outstanding）\n\
             roadsub: {path}:26:1: 自测 \"A\" 没有预期金额：请在 [test.expect] 中写出各资金、subsidy_total、gap、shortfall 等应得的金额\n\
             roadsub: {path}:27:8: 已有名为 \"A\" 的自测；请给每项自测取不同的名称\n\
             roadsub: {path}:30:13: length_km \"0\" 必须大于 0\n\
             roadsub: {path}:32:1: 该自测没有造价：请填写 cost 或 cost_per_km\n\
             roadsub: {path}:32:1: 自测 \"C\" 没有预期金额：请在 [test.expect] 中写出各资金、subsidy_total、gap、shortfall 等应得的金额\n"
        ),
    );
}

#[test]
fn what_a_row_is_refused_for_once_computed_a_test_is_too() {
    let env = Env::new();
    let test = "\n[[test]]\nname = \"over\"\nclass = \"group\"\nwidth_m = \"4.5\"\n\
                length_km = 2\ncost = \"160万\"\npoverty_approved = \"50万\"\n\
                completed_km = 3\ndisbursed = \"200万\"\nwidth = 1\n[test.expect]\ngap = 0\n";
    let text = format!("{SHIPPED}{test}");
    let line = |key: &str| {
        let from = SHIPPED.lines().count();
        from + 1
            + text
                .lines()
                .skip(from)
                .position(|l| l.starts_with(key))
                .unwrap()
    };
    let path = env.write("over.toml", &text);
    env.roadsub(&["rules", "check", &path]).expect(
        1,
        "",
        &format!(
            "roadsub: {path}:{}:16: completed_km \"3\" is more than the length of 2 km\n\
             roadsub: {path}:{}:1: unknown key `width` (expected one of name, note, class, width_m, length_km, cost, cost_per_km, other_funds, yishi_yiyi, self_raised, village_fund, households, completed_km, disbursed, date, <fund>_approved, expect)\n",
            line("completed_km"),
            line("width ="),
        ),
    );
    let text = text
        .replace("completed_km = 3\n", "")
        .replace("width = 1\n", "");
    let path = env.write("over.toml", &text);
    env.roadsub(&["rules", "check", &path, "--lang", "zh"]).expect(
        1,
        "",
        &format!(
            "roadsub: {path}:{}:20: poverty_approved \"50万\" 超过上限 200,000.00 元（每公里标准 × 长度）\n\
             roadsub: {path}:{}:13: disbursed \"200万\" 超过补助合计 1,100,000.00 元\n",
            line("poverty_approved"),
            line("disbursed") - 1,
        ),
    );
}

/// Review 37: with one test's approval above its ceiling, a second test's disbursed above
/// its subsidy was never said (a problem of any test stopped every later one from being
/// computed): each is said at its place, in one run.
#[test]
fn every_tests_problem_once_computed_is_said_in_one_run() {
    let env = Env::new();
    let tests = "\n[[test]]\nname = \"approved\"\nclass = \"group\"\nwidth_m = \"4.5\"\n\
                 length_km = 2\ncost = \"160万\"\npoverty_approved = \"50万\"\n\
                 [test.expect]\ngap = 0\n\
                 \n[[test]]\nname = \"disbursed\"\nclass = \"group\"\nwidth_m = \"4.5\"\n\
                 length_km = 2\ncost = \"160万\"\ncompleted_km = 2\ndisbursed = \"200万\"\n\
                 [test.expect]\ngap = 0\n";
    let text = format!("{SHIPPED}{tests}");
    let from = SHIPPED.lines().count();
    let line = |key: &str| {
        from + 1
            + text
                .lines()
                .skip(from)
                .position(|l| l.starts_with(key))
                .unwrap()
    };
    let path = env.write("two.toml", &text);
    let said = format!(
        "roadsub: {path}:{}:20: poverty_approved \"50万\" is above the ceiling, 200,000.00 (rate per km × length)\n\
         roadsub: {path}:{}:13: disbursed \"200万\" is more than the subsidy of 1,100,000.00\n",
        line("poverty_approved"),
        line("disbursed"),
    );
    env.roadsub(&["rules", "check", &path]).expect(1, "", &said);
    env.roadsub(&["rules", "test", &path]).expect(1, "", &said);
}

/// Review 37: an approved amount in a test of a fund that pays its segment nothing was said
/// to be "above the ceiling, 0.00", where a table's cell of it is said to have nothing to
/// approve: the same words now, in both languages.
#[test]
fn a_tests_approval_of_a_fund_paying_nothing_is_said_as_a_tables_cell_is() {
    let env = Env::new();
    let test = "\n[[test]]\nname = \"narrow\"\nclass = \"village\"\nwidth_m = \"3.0\"\n\
                length_km = 1\ncost = \"50万\"\npoverty_approved = \"1万\"\n\
                [test.expect]\ngap = 0\n";
    let text = format!("{SHIPPED}{test}");
    let from = SHIPPED.lines().count();
    let at = from
        + 1
        + text
            .lines()
            .skip(from)
            .position(|l| l.starts_with("poverty_approved"))
            .unwrap();
    let path = env.write("narrow.toml", &text);
    env.roadsub(&["rules", "check", &path]).expect(
        1,
        "",
        &format!("roadsub: {path}:{at}:20: poverty_approved \"1万\" cannot be approved: County poverty-alleviation special fund pays nothing on this segment, as its width of 3 m is below every tier (the narrowest is 3.5 m), so there is nothing to approve (clear this value)\n"),
    );
    env.roadsub(&["rules", "check", &path, "--lang", "zh"]).expect(
        1,
        "",
        &format!("roadsub: {path}:{at}:20: poverty_approved \"1万\" 无法批复：路面宽度 3 米低于县扶贫专项补助的所有标准档（最窄 3.5 米），该资金对本路段不补助，没有可批复的金额（请删除此值）\n"),
    );
}

#[test]
fn a_rules_file_without_tests_checks_as_before_and_tests_none() {
    let env = Env::new();
    let end = SHIPPED.find("\n# 自测 / self-tests").unwrap();
    let path = env.write("plain.toml", &SHIPPED[..end + 1]);
    env.roadsub(&["rules", "check", &path]).expect(
        0,
        &format!("{path}: valid — 2 classes, 2 funds, 5 tiers, 3 budgets\n"),
        "",
    );
    env.roadsub(&["rules", "test", &path]).expect(
        0,
        "no self-tests: this rules file has no [[test]] entries\n",
        "",
    );
    env.roadsub(&["rules", "test", "missing.toml"])
        .expect_code(1)
        .stdout("")
        .stderr_starts("roadsub: missing.toml: cannot read rules: ");
}

#[test]
fn a_date_array_table_or_boolean_where_a_test_takes_a_value_is_refused_by_its_type() {
    let env = Env::new();
    let test = "\n[[test]]\nname = \"types\"\nclass = [\"village\"]\nwidth_m = 1979-05-27\n\
                length_km = true\ncost = { a = 1 }\nexpect = 5\n";
    let text = format!("{SHIPPED}{test}");
    let at = SHIPPED.lines().count() + 3;
    let path = env.write("types.toml", &text);
    let lines = [
        (at + 1, 9, "invalid type: sequence, expected a string"),
        (
            at + 2,
            11,
            "invalid type: datetime `1979-05-27`, expected an integer or a string such as \"3.5\"",
        ),
        (
            at + 3,
            13,
            "invalid type: boolean `true`, expected an integer or a string such as \"3.5\"",
        ),
        (
            at + 4,
            8,
            "invalid type: map, expected an integer or a string such as \"15万\"",
        ),
        (at + 5, 10, "invalid type: integer `5`, expected a map"),
    ];
    let expected: String = lines
        .iter()
        .map(|(line, col, m)| format!("roadsub: {path}:{line}:{col}: {m}\n"))
        .collect();
    env.roadsub(&["rules", "test", &path])
        .expect(1, "", &expected);
    env.roadsub(&["rules", "test", &path, "--lang", "zh"])
        .expect_code(1)
        .stderr_has(&format!(
            "roadsub: {path}:{}:11: 类型错误：日期时间 `1979-05-27`，应为整数或字符串，如 \"3.5\"\n",
            at + 2
        ));
}

#[test]
fn a_test_expecting_due_outstanding_or_per_household_without_their_inputs_is_refused_at_its_place()
{
    let env = Env::new();
    let test = "\n[[test]]\nname = \"inputs\"\nclass = \"group\"\nwidth_m = \"4.5\"\n\
                length_km = 2\ncost = \"160万\"\n[test.expect]\ngap = \"500000\"\n\
                due = 0\noutstanding = 0\nshortfall_per_household = 0\n";
    let text = format!("{SHIPPED}{test}");
    let at = SHIPPED.lines().count() + 9;
    let path = env.write("inputs.toml", &text);
    let en = format!(
        "roadsub: {path}:{}:1: due is computed from completed_km, and this test gives no completed_km: add completed_km or remove due from [test.expect]\n\
         roadsub: {path}:{}:1: outstanding is computed from completed_km and disbursed, and this test gives no completed_km and disbursed: add completed_km and disbursed or remove outstanding from [test.expect]\n\
         roadsub: {path}:{}:1: shortfall_per_household is computed from households, and this test gives no households: add households or remove shortfall_per_household from [test.expect]\n",
        at + 1,
        at + 2,
        at + 3
    );
    env.roadsub(&["rules", "check", &path]).expect(1, "", &en);
    env.roadsub(&["rules", "test", &path]).expect(1, "", &en);
    // With completed km but nothing disbursed, only what is still missing is named.
    let test = test.replace(
        "cost = \"160万\"\n",
        "cost = \"160万\"\ncompleted_km = 1\nhouseholds = 3\n",
    );
    let path = env.write("inputs.toml", format!("{SHIPPED}{test}"));
    env.roadsub(&["rules", "test", &path, "--lang", "zh"]).expect(
        1,
        "",
        &format!(
            "roadsub: {path}:{}:1: outstanding 由 completed_km 和 disbursed 计算，而该自测没有 disbursed：请填写 disbursed，或从 [test.expect] 中删除 outstanding\n",
            at + 4
        ),
    );
    // Given every input, the test runs and says what each amount comes to.
    let test = test.replace("completed_km = 1\n", "completed_km = 1\ndisbursed = 0\n");
    let path = env.write("inputs.toml", format!("{SHIPPED}{test}"));
    env.roadsub(&["rules", "test", &path])
        .expect_code(1)
        .stdout_has(&format!("FAIL inputs ({path}:{}): shortfall_per_household expected 0.00, got 166666.67; due expected 0.00, got 550000.00; outstanding expected 0.00, got 550000.00\n", at - 7));
}
