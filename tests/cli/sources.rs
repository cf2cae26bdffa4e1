//! SPEC §8 per segment through the binary: the gap and its sources, approved amounts under a
//! ceiling, due and outstanding, and priorities — each value to the fen, each refusal word
//! for word.

use super::*;

const GAP: &str = "id,township,village,class,width_m,length_km,cost,other_funds,一事一议,农户自筹,村项目资金,completed_km,已拨付,households,优先级,poverty_approved
A,T,V,village,4.5,2,1600000,30000,20000,10000.50,15000,0.7,100000,4,1,450000
B,T,V,village,4.5,2,1600000,30000,20000,10000.50,50000,,,4,,
C,T,V,village,4.5,2,1600000,,,,,1,800000,,2,600000
";

#[test]
fn the_gap_its_sources_approvals_due_and_outstanding_to_the_fen() {
    let env = Env::new();
    let input = env.write("gap.csv", GAP);
    let out = env.roadsub(&["batch", &input]).expect_code(0).stdout;
    let header = out.lines().next().unwrap();
    assert!(
        header.ends_with(",transport,poverty,subsidy_total,gap,shortfall,shortfall_per_household,due,outstanding,notes"),
        "{header}"
    );
    // A: poverty approved at 450,000 of its 600,000 ceiling; gap 250,000; sources
    // 30,000 + 20,000 + 10,000.50 + 15,000 = 75,000.50; 0.7 of 2 km done.
    for (column, value) in [
        ("poverty", "450000.00"),
        ("subsidy_total", "1350000.00"),
        ("gap", "250000.00"),
        ("shortfall", "174999.50"),
        ("shortfall_per_household", "43749.88"),
        ("due", "472500.00"),
        ("outstanding", "372500.00"),
        (
            "notes",
            "County poverty-alleviation special fund approved at 450,000.00 yuan (ceiling 600,000.00 yuan)",
        ),
    ] {
        assert_eq!(cell(&out, "A", column), value, "A {column}");
    }
    // B: the sources exceed the gap of 100,000 by 10,000.50; no completed km, so no due.
    for (column, value) in [
        ("gap", "100000.00"),
        ("shortfall", "0.00"),
        ("due", ""),
        ("outstanding", ""),
        (
            "notes",
            "the sources exceed the gap: a surplus of 10,000.50 yuan",
        ),
    ] {
        assert_eq!(cell(&out, "B", column), value, "B {column}");
    }
    // C: approved at the ceiling is the nominal; more disbursed than due leaves nothing
    // outstanding, and says it was paid ahead of the work.
    assert_eq!(cell(&out, "C", "due"), "750000.00");
    assert_eq!(cell(&out, "C", "outstanding"), "0.00");
    assert_eq!(
        cell(&out, "C", "notes"),
        "800,000.00 yuan disbursed is more than the 750,000.00 yuan due for the completed km (50,000.00 yuan paid ahead of the work)"
    );
    let zh = env
        .roadsub(&["batch", &input, "--lang", "zh", "--headings", "en"])
        .expect_code(0)
        .stdout;
    assert_eq!(
        cell(&zh, "B", "notes"),
        "资金来源超出差额，多出 10,000.50 元"
    );
    assert_eq!(
        cell(&zh, "C", "notes"),
        "已拨付 800,000.00 元，超过按完工里程应拨付的 750,000.00 元（超前拨付 50,000.00 元）"
    );
    assert_eq!(
        cell(&zh, "A", "notes"),
        "县扶贫专项补助批复 450,000.00 元（上限 600,000.00 元）"
    );
}

#[test]
fn the_summary_and_every_format_add_up_the_gap_sources_due_and_outstanding() {
    let env = Env::new();
    let input = env.write("gap.csv", GAP);
    env.roadsub(&["batch", &input, "--summary", "-o", "out.csv"])
        .expect_code(0)
        .stdout_has("\ngap                                                  450,000.00\n")
        .stdout_has("\nsources (other_funds, yishi_yiyi, …)                 185,001.00\n")
        .stdout_has("\nshortfall (still to raise)                           274,999.50\n")
        .stdout_has("\nsurplus (sources beyond the gap)                      10,000.50\n")
        .stdout_has("\ndue (for completed km)                             1,222,500.00\n")
        .stdout_has("\ndisbursed                                            900,000.00\n")
        .stdout_has("\noutstanding                                          372,500.00\n");
    let json = env
        .roadsub(&["batch", &input, "--format", "json"])
        .expect_code(0)
        .stdout;
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let total = &v["summary"]["total"];
    assert_eq!(total["gap"], "450000.00");
    assert_eq!(total["sources"], "185001.00");
    assert_eq!(total["shortfall"], "274999.50");
    assert_eq!(total["due"], "1222500.00");
    assert_eq!(total["outstanding"], "372500.00");
    assert_eq!(total["surplus"], "10000.50");
    let a = &v["segments"][0];
    assert_eq!(a["sources"]["yishi_yiyi"], "20000.00");
    assert_eq!(a["sources"]["village_fund"], "15000.00");
    assert_eq!(a["disbursed"], "100000.00");
    // No budget of the shipped rules pays in order: the priority column is the user's own,
    // carried in the input and not read.
    assert_eq!(a["priority"], serde_json::Value::Null);
    assert_eq!(a["input"]["优先级"], "1");
    assert_eq!(a["gap"], "250000.00");
    assert_eq!(a["due"], "472500.00");
    assert_eq!(a["outstanding"], "372500.00");
}

#[test]
fn an_approval_above_the_ceiling_or_for_a_fixed_rate_and_too_much_disbursed_are_row_errors() {
    let env = Env::new();
    let input = env.write(
        "bad.csv",
        "id,township,village,class,width_m,length_km,cost,completed_km,已拨付,poverty_approved,transport_approved
D,T,V,village,4.5,2,1600000,1,1500000.01,600000.01,
E,T,V,group,3.5,1,1600000,,,,5
F,T,V,group,3.5,1,1600000,,,abc,
G,T,V,group,3.5,1,1600000,,,100000,
",
    );
    env.roadsub(&["batch", &input]).expect(
        1,
        "",
        &format!(
            "{input}:2: poverty_approved \"600000.01\" is above the ceiling of County poverty-alleviation special fund, 600,000.00 (rate per km × length)\n\
             {input}:2: 已拨付 \"1500000.01\" is more than the subsidy of 1,500,000.00\n\
             {input}:3: transport_approved \"5\" does not apply: County transport bureau subsidy is a fixed standard, not an \"up to\" ceiling, so it has no approved amount (clear this value)\n\
             {input}:4: poverty_approved \"abc\" is not an amount of money (expected yuan like 1200000, 1,200,000, 120万 or 1.06亿)\n\
             3 bad rows; nothing written (fix them, or use --keep-going to write the 1 good row)\n"
        ),
    );
    env.roadsub(&["batch", &input, "--lang", "zh"])
        .expect_code(1)
        .stderr_has(&format!("{input}:2: 县扶贫专项补助批复金额“600000.01”超过县扶贫专项补助的上限 600,000.00 元（每公里标准 × 长度）\n"))
        .stderr_has(&format!("{input}:2: 已拨付“1500000.01”超过补助合计 1,500,000.00 元\n"))
        .stderr_has(&format!("{input}:3: 县交通局补助批复金额“5”不适用：县交通局补助是定额标准而非“以内”上限，无需批复金额（请删除此列中的值）\n"));
}

#[test]
fn an_approved_column_may_go_by_an_alias_the_rules_give_and_carry_a_unit() {
    // The shipped rules give the poverty fund 扶贫批复 as an alias.
    let env = Env::new();
    let input = env.write(
        "plan.csv",
        "编号,乡镇,村,类别,宽度,长度,投资,扶贫批复（万元）\nA,T,V,通村,4.5,2,160万,45\n",
    );
    let out = env.roadsub(&["batch", &input]).expect_code(0).stdout;
    assert_eq!(cell(&out, "A", "poverty"), "450000.00");
    assert_eq!(
        cell(&out, "A", "扶贫批复（万元）"),
        "45",
        "the input is kept as written"
    );
}

#[test]
fn a_priority_that_is_not_a_whole_number_is_refused_in_both_languages() {
    let env = Env::new();
    let input = env.write(
        "p.csv",
        "id,township,village,class,width_m,length_km,cost,优先级\nA,T,V,group,3.5,1,600000,x\nB,T,V,group,3.5,1,600000,1.5\nC,T,V,group,3.5,1,600000,－２\n",
    );
    // A priority is read under a budget that pays in order.
    let r = in_order_rules(&env);
    env.roadsub(&["batch", &input, "--rules", &r]).expect(
        1,
        "",
        &format!(
            "{input}:2: 优先级 \"x\" is not a priority (expected a whole number like 1; lower comes first)\n\
             {input}:3: 优先级 \"1.5\" is not a whole number (a priority is like 1, 2, 3)\n\
             2 bad rows; nothing written (fix them, or use --keep-going to write the 1 good row)\n"
        ),
    );
    env.roadsub(&["batch", &input, "--rules", &r, "--lang", "zh"])
        .expect_code(1)
        .stderr_has(&format!(
            "{input}:2: 优先级“x”不是优先级（应为整数，如 1；数小者在前）\n"
        ))
        .stderr_has(&format!(
            "{input}:3: 优先级“1.5”不是整数（优先级应为整数，如 1、2、3）\n"
        ));
}

#[test]
fn due_and_outstanding_are_given_per_village_in_the_text_summary_and_the_workbook() {
    use calamine::{open_workbook_auto, Data, Reader};
    let env = Env::new();
    let input = env.write(
        "gap.csv",
        format!("{GAP}D,T,W,group,3.5,1,600000,,,,,0.5,10000,,,\n"),
    );
    // W: subsidy 250,000, half done: 125,000 due, 115,000 outstanding.
    env.roadsub(&["batch", &input, "--by", "village", "-o", "out.csv"])
        .expect_code(0)
        .stdout_has("  shortfall (yuan)    due (yuan)  outstanding (yuan)\n")
        .stdout_has("\nT W             1   1        0.5        150,000.00      100,000.00            250,000.00  350,000.00        350,000.00    125,000.00          115,000.00\n")
        .stdout_has("\ntotal           4   7        2.2      2,850,000.00    1,750,000.00          4,600,000.00  800,000.00        624,999.50  1,347,500.00          487,500.00\n");
    env.roadsub(&["batch", &input, "-o", "report.xlsx", "--lang", "zh"])
        .expect_code(0);
    let mut book = open_workbook_auto(env.path("report.xlsx")).unwrap();
    let range = book.worksheet_range("汇总").unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    let head = rows
        .iter()
        .find(|r| r[0] == Data::String("村".into()))
        .unwrap();
    let names: Vec<String> = head.iter().map(|c| c.to_string()).collect();
    let due = names.iter().position(|n| n == "应拨付（元）").unwrap();
    let outstanding = names.iter().position(|n| n == "待拨付（元）").unwrap();
    assert_eq!(names[due - 1], "尚需筹集（元）");
    let w = rows
        .iter()
        .find(|r| r[0] == Data::String("T W".into()))
        .unwrap();
    assert_eq!(w[due], Data::Float(125_000.0));
    assert_eq!(w[outstanding], Data::Float(115_000.0));
}

/// The shipped rules with the group road envelope (社级道路建设) paid in order.
fn in_order_rules(env: &Env) -> String {
    let shipped = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules.toml"),
    )
    .unwrap();
    let changed = shipped.replace(
        "amount = \"690万\"",
        "amount = \"690万\"\non_overrun = \"in_order\"",
    );
    assert_ne!(changed, shipped);
    env.write("rules.toml", changed)
}

#[test]
fn a_priority_of_words_is_carried_through_untouched_under_rules_with_no_in_order_budget() {
    let env = Env::new();
    let input = env.write(
        "p.csv",
        "id,township,village,class,width_m,length_km,cost,优先级\nA,T,V,group,3.5,1,600000,高\nB,T,V,group,3.5,1,600000,一\n",
    );
    let out = env.roadsub(&["batch", &input]).expect_code(0).stdout;
    let rows: Vec<&str> = out
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(7).unwrap())
        .collect();
    assert_eq!(rows, ["高", "一"]);
    env.roadsub(&["batch", &input, "--rules", &in_order_rules(&env)])
        .expect_code(1)
        .stderr_has(&format!(
            "{input}:2: 优先级 \"高\" is not a priority (expected a whole number like 1; lower comes first)\n"
        ));
}

#[test]
fn a_priority_in_exponent_form_or_too_long_is_no_money_in_both_languages() {
    let env = Env::new();
    let input = env.write(
        "p.csv",
        "id,township,village,class,width_m,length_km,cost,优先级\nA,T,V,group,3.5,1,600000,1e3\nB,T,V,group,3.5,1,600000,99999999999999999999\n",
    );
    let r = in_order_rules(&env);
    env.roadsub(&["batch", &input, "--rules", &r])
        .expect_code(1)
        .stderr_has(&format!(
            "{input}:2: 优先级 \"1e3\" is not a priority (expected a whole number like 1; lower comes first)\n\
             {input}:3: 优先级 \"99999999999999999999\" is too large for a priority (at most 18 digits)\n"
        ));
    env.roadsub(&["batch", &input, "--rules", &r, "--lang", "zh"])
        .expect_code(1)
        .stderr_has(&format!(
            "{input}:2: 优先级“1e3”不是优先级（应为整数，如 1；数小者在前）\n\
             {input}:3: 优先级“99999999999999999999”过大（优先级最多 18 位数字）\n"
        ));
}

#[test]
fn a_blank_disbursed_in_a_table_with_the_column_is_0_so_outstanding_is_all_due_in_rows_and_totals()
{
    let env = Env::new();
    // Each row: subsidy 250,000.00 (150,000 + 100,000), half completed, due 125,000.00.
    let input = env.write(
        "due.csv",
        "id,township,village,class,width_m,length_km,cost,completed_km,已拨付\n\
         A,T,V,group,3.5,1,300000,0.5,100000\n\
         B,T,V,group,3.5,1,300000,0.5,\n",
    );
    let out = env.roadsub(&["batch", &input]).expect_code(0).stdout;
    assert_eq!(cell(&out, "A", "outstanding"), "25000.00");
    assert_eq!(cell(&out, "B", "due"), "125000.00");
    assert_eq!(cell(&out, "B", "outstanding"), "125000.00");
    // The totals add up what the rows show: 25,000.00 + 125,000.00.
    env.roadsub(&["batch", &input, "--summary", "-o", "out.csv"])
        .expect_code(0)
        .stdout_has("\ndue (for completed km)                             250,000.00\n")
        .stdout_has("\ndisbursed                                          100,000.00\n")
        .stdout_has("\noutstanding                                        150,000.00\n");
    let json = env
        .roadsub(&["batch", &input, "--format", "json"])
        .expect_code(0)
        .stdout;
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["segments"][1]["disbursed"], "0.00");
    assert_eq!(v["segments"][1]["outstanding"], "125000.00");
    assert_eq!(v["summary"]["total"]["outstanding"], "150000.00");
    // Without the column, nothing is known of what was paid out: no outstanding at all.
    let without = env.write(
        "plain.csv",
        "id,township,village,class,width_m,length_km,cost,completed_km\nB,T,V,group,3.5,1,300000,0.5\n",
    );
    let out = env.roadsub(&["batch", &without]).expect_code(0).stdout;
    assert!(
        !out.lines().next().unwrap().contains("outstanding"),
        "{out}"
    );
}

#[test]
fn two_columns_of_one_funds_approved_amount_refuse_the_table_in_a_batch_run() {
    let env = Env::new();
    let input = env.write(
        "two.csv",
        "id,township,village,class,width_m,length_km,cost,poverty_approved,扶贫批复\n\
         A,T,V,village,4.5,2,1600000,450000,\n\
         B,T,V,village,4.5,2,1600000,,500000\n\
         C,T,V,village,4.5,2,1600000,,\n",
    );
    env.roadsub(&["batch", &input]).expect(
        1,
        "",
        &format!(
            "{input}: columns \"poverty_approved\" and \"扶贫批复\" both hold the amount approved for County poverty-alleviation special fund; keep one\n\
             1 table not read; nothing written\n"
        ),
    );
    env.roadsub(&["batch", &input, "--lang", "zh"])
        .expect_code(1)
        .stderr_has(&format!(
            "{input}: “poverty_approved”和“扶贫批复”两列都表示县扶贫专项补助的批复金额；请只保留一列\n"
        ));
}

#[test]
fn money_disbursed_on_a_row_without_completed_km_is_counted_and_nothing_due_is_null() {
    // The disbursed total left out rows with no completed km; the JSON totals said 0.00 due
    // and outstanding for a table with no completed km at all.
    let env = Env::new();
    let input = env.write(
        "d.csv",
        "id,township,village,class,width_m,length_km,cost,已拨付\nD6,T,V,group,3.5,1,600000,100000\n",
    );
    env.roadsub(&["batch", &input, "--summary", "-o", "out.csv"])
        .expect_code(0)
        .stdout_has("\ndisbursed                                          100,000.00\n")
        .stdout_lacks("outstanding")
        .stdout_lacks("due (");
    let json = env
        .roadsub(&["batch", &input, "--format", "json"])
        .expect_code(0)
        .stdout;
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let total = &v["summary"]["total"];
    assert_eq!(total["disbursed"], "100000.00");
    assert!(
        total["due"].is_null() && total["outstanding"].is_null(),
        "{total}"
    );
}
