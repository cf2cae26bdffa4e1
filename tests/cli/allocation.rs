//! Budgets that bind in batch runs (SPEC §8): an envelope asked for more than it holds is
//! shared out, the rows cut say so, and every output's budget line shows asked, envelope and
//! paid. The input is read more than once (standard input too), and the result is the same
//! whatever the chunking.

use std::path::Path;

use rust_decimal::Decimal;

use super::*;

/// The shipped rules with the group road envelope (社级道路建设, 690万) set to `how`.
fn rules(env: &Env, how: &str) -> String {
    let shipped =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules.toml")).unwrap();
    let changed = shipped.replace(
        "amount = \"690万\"",
        &format!("amount = \"690万\"\non_overrun = \"{how}\""),
    );
    assert_ne!(changed, shipped);
    env.write("rules.toml", changed)
}

/// Σ `column` over the rows of `csv_text` whose id starts with `prefix`.
fn total(csv_text: &str, prefix: &str, column: &str) -> Decimal {
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    let header = r.headers().unwrap().clone();
    let id = header.iter().position(|h| h == "id").unwrap();
    let col = header.iter().position(|h| h == column).unwrap();
    r.records()
        .map(|rec| rec.unwrap())
        .filter(|rec| rec[id].starts_with(prefix))
        .map(|rec| rec[col].parse::<Decimal>().unwrap())
        .sum()
}

const SHARED_EN: &str = "SHARED OUT: Group road building was asked 8,685,000.00 yuan, 1,785,000.00 more than its envelope of 6,900,000.00 yuan; shared in proportion to what each segment asked: the villages raise 1,785,000.00 yuan more because of it";
const SHARED_ZH: &str = "额度不足：社级道路建设申请868.5万元，额度690万元，超支178.5万元，已按申请额同比例分配：各村因此多筹集178.5万元";

#[test]
fn the_release_s_group_roads_prorated_are_paid_exactly_the_envelope() {
    let env = Env::new();
    let r = rules(&env, "prorate");
    let input = env.write("release.csv", release());
    let out = env
        .roadsub(&["batch", &input, "--rules", &r, "--summary", "-o", "out.csv"])
        .expect_code(0);
    out.stdout_has(
        "\nGroup road building     6,900,000.00  8,685,000.00  6,900,000.00          0.00  100.0%\n",
    )
    .stdout_has(&format!("\n{SHARED_EN}"))
    .stderr("wrote 50 rows to out.csv\n");
    let rows = env.read("out.csv");
    assert_eq!(total(&rows, "G", "poverty").to_string(), "6900000.00");
    // The village roads are under another envelope, which holds them: not cut.
    assert_eq!(total(&rows, "C", "poverty").to_string(), "3060000.00");
    // 1.975 km asked 197,500.00: ⌊6.9e8 · 1.975e7 / 8.685e8⌋ fen = 156,908.46, and the
    // cut (40,591.54) is raised by the village.
    assert_eq!(cell(&rows, "G0", "poverty"), "156908.46");
    assert_eq!(cell(&rows, "G0", "shortfall"), "1546841.54");
    assert_eq!(
        cell(&rows, "G0", "notes"),
        "County poverty-alleviation special fund cut from 197,500.00 yuan to 156,908.46 yuan: Group road building holds 6,900,000.00 yuan and its segments asked 8,685,000.00 yuan, shared in proportion to what each asked"
    );
    assert_eq!(
        cell(&rows, "C0", "notes"),
        "",
        "a village road is not under the envelope"
    );
    // In Chinese.
    let out = env
        .roadsub(&["batch", &input, "--rules", &r, "--summary", "-o", "zh.csv"])
        .env("LANG", "zh_CN.UTF-8")
        .expect_code(0);
    out.stdout_has(&format!("\n{SHARED_ZH}"));
    let rows = env.read("zh.csv");
    assert_eq!(
        cell(&rows, "G0", "notes"),
        "县扶贫专项补助由 197,500.00 元核减为 156,908.46 元：社级道路建设额度690万元，各路段共申请868.5万元，按申请额同比例分配"
    );
}

#[test]
fn the_release_s_group_roads_prorated_from_standard_input_are_the_same() {
    let env = Env::new();
    let r = rules(&env, "prorate");
    let input = env.write("release.csv", release());
    env.roadsub(&["batch", &input, "--rules", &r, "-o", "file.csv"])
        .expect_code(0);
    let out = env
        .roadsub(&["batch", "-", "--rules", &r, "--summary", "-o", "stdin.csv"])
        .stdin(release())
        .expect_code(0);
    out.stdout_has(&format!("\n{SHARED_EN}"));
    assert_eq!(env.read("stdin.csv"), env.read("file.csv"));
    // And to standard output, the summary on standard error.
    let out = env
        .roadsub(&["batch", "-", "--rules", &r, "--summary"])
        .stdin(release())
        .expect_code(0);
    out.stdout(&env.read("file.csv")).stderr_has(SHARED_EN);
}

#[test]
fn several_inputs_are_one_sequence_and_bad_rows_are_under_no_budget() {
    // The release's table cut in two files, a bad group road in the second: with
    // --keep-going it is skipped by the allocation as by the output.
    let env = Env::new();
    let r = rules(&env, "prorate");
    let all = release();
    let mut lines: Vec<&str> = all.lines().collect();
    let header = lines.remove(0);
    let (a, b) = lines.split_at(20);
    let first = env.write("a.csv", format!("{header}\n{}\n", a.join("\n")));
    let second = env.write(
        "b.csv",
        format!(
            "{header}\n{}\nBAD,T0,V0,group,wide,5,2000000\n",
            b.join("\n")
        ),
    );
    let out = env
        .roadsub(&[
            "batch",
            &first,
            &second,
            "--rules",
            &r,
            "--keep-going",
            "--summary",
            "-o",
            "out.csv",
        ])
        .expect_code(1);
    out.stdout_has(&format!("\n{SHARED_EN}"));
    let rows = env.read("out.csv");
    assert_eq!(total(&rows, "G", "poverty").to_string(), "6900000.00");
    assert_eq!(cell(&rows, "G0", "poverty"), "156908.46");
    assert!(!rows.contains("BAD"));
}

#[test]
fn a_table_of_many_chunks_is_prorated_to_the_fen_as_one() {
    // Ten thousand group roads of odd lengths: many chunks on every worker; the envelope is
    // paid to the fen, and standard input gives the same bytes.
    let env = Env::new();
    let r = rules(&env, "prorate");
    let mut csv = String::from("id,township,village,class,width_m,length_km,cost\n");
    let mut x: u64 = 7;
    for i in 0..10_000 {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let metres = 1 + (x >> 33) % 2000;
        csv.push_str(&format!(
            "G{i},T{},V{},group,3.5,{}.{:03},2000000\n",
            i % 7,
            i % 97,
            metres / 1000,
            metres % 1000
        ));
    }
    let input = env.write("many.csv", &csv);
    env.roadsub(&["batch", &input, "--rules", &r, "-o", "out.csv"])
        .expect_code(0);
    let rows = env.read("out.csv");
    assert_eq!(total(&rows, "G", "poverty").to_string(), "6900000.00");
    env.roadsub(&["batch", "-", "--rules", &r, "-o", "stdin.csv"])
        .stdin(&csv)
        .expect_code(0);
    assert_eq!(env.read("stdin.csv"), rows);
}

#[test]
fn every_format_shows_the_shared_out_budget_line_of_the_text_summary() {
    let env = Env::new();
    let r = rules(&env, "prorate");
    let input = env.write("release.csv", release());
    let json = env
        .roadsub(&["batch", &input, "--rules", &r, "--format", "json"])
        .expect_code(0)
        .stdout;
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let group = &doc["summary"]["budgets"][1];
    assert_eq!(group["name"], "Group road building");
    assert_eq!(
        (
            &group["envelope"],
            &group["asked"],
            &group["paid"],
            &group["raised"],
            &group["on_overrun"]
        ),
        (
            &"6900000.00".into(),
            &"8685000.00".into(),
            &"6900000.00".into(),
            &"1785000.00".into(),
            &"prorate".into()
        )
    );
    // Shared out, not over (review 41: JSON said "over": true where the text says SHARED
    // OUT, and a program counted the envelope as overspent).
    assert_eq!(
        (&group["over"], &group["shared_out"]),
        (&false.into(), &true.into())
    );
    let md = env
        .roadsub(&["batch", &input, "--rules", &r, "--format", "md"])
        .expect_code(0)
        .stdout;
    assert!(
        md.contains("\n| Group road building | 6,900,000.00 | 8,685,000.00 | 6,900,000.00 | 0.00 | 100.0% **shared out** |\n"),
        "{md}"
    );
    assert!(md.contains(SHARED_EN), "{md}");
    use calamine::{open_workbook_auto, Data, Reader};
    env.roadsub(&["batch", &input, "--rules", &r, "-o", "report.xlsx"])
        .expect_code(0);
    let mut book = open_workbook_auto(env.path("report.xlsx")).unwrap();
    let names = book.sheet_names();
    let summary = book.worksheet_range(&names[1]).unwrap();
    let row: Vec<String> = summary
        .rows()
        .find(|r| matches!(&r[0], Data::String(s) if s == "Group road building"))
        .unwrap()
        .iter()
        .map(|d| match d {
            Data::Float(f) => format!("{f:.2}"),
            other => other.to_string(),
        })
        .collect();
    assert_eq!(
        row[..7],
        [
            "Group road building",
            "6900000.00",
            "8685000.00",
            "6900000.00",
            "0.00",
            "1.00",
            SHARED_EN
        ]
    );
}

#[test]
fn in_order_pays_whole_rows_by_the_priority_column_then_input_order() {
    // Each group road asks 10万 (1 km at 3.5 m) of 25万: priorities 2, none, 1, 2, none.
    let env = Env::new();
    let shipped =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules.toml")).unwrap();
    let r = env.write(
        "rules.toml",
        shipped.replace(
            "amount = \"690万\"",
            "amount = \"25万\"\non_overrun = \"in_order\"",
        ),
    );
    let input = env.write(
        "plan.csv",
        "id,township,village,class,width_m,length_km,cost,优先级\n\
         A,T,V1,group,3.5,1,2000000,2\n\
         B,T,V1,group,3.5,1,2000000,\n\
         C,T,V2,group,3.5,1,2000000,1\n\
         D,T,V2,group,3.5,1,2000000,2\n\
         E,T,V3,group,3.5,1,2000000,\n",
    );
    let out = env
        .roadsub(&["batch", &input, "--rules", &r, "--summary", "-o", "out.csv"])
        .expect_code(0);
    out.stdout_has("\nGroup road building       250,000.00  500,000.00  250,000.00          0.00  100.0%\n")
        .stdout_has("SHARED OUT: Group road building was asked 500,000.00 yuan, 250,000.00 more than its envelope of 250,000.00 yuan; paid whole in order of priority: the villages raise 250,000.00 yuan more because of it");
    let rows = env.read("out.csv");
    let paid: Vec<String> = ["A", "B", "C", "D", "E"]
        .iter()
        .map(|id| cell(&rows, id, "poverty"))
        .collect();
    assert_eq!(paid, ["100000.00", "0.00", "100000.00", "50000.00", "0.00"]);
    assert_eq!(
        cell(&rows, "D", "notes"),
        "County poverty-alleviation special fund cut from 100,000.00 yuan to 50,000.00 yuan: Group road building holds 250,000.00 yuan and its segments asked 500,000.00 yuan, paid whole by priority until spent"
    );
    assert_eq!(cell(&rows, "A", "notes"), "");
}

#[test]
fn a_per_village_envelope_prorates_each_village_on_its_own() {
    // 300,000 per village for village roads (300,000/km at 4.5 m): 乙村 asks 600,000 and gets
    // 150,000 a row; 甲村 asks its envelope exactly and 丙村 half of it: not cut.
    let env = Env::new();
    let shipped =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules.toml")).unwrap();
    let r = env.write(
        "rules.toml",
        format!(
            "{shipped}\n[[budgets]]\nfund = \"poverty\"\nclass = \"village\"\nper_village = true\n\
             name = \"每村通村路\"\nname_en = \"Per village\"\namount = \"300000\"\non_overrun = \"prorate\"\n"
        ),
    );
    let input = env.write(
        "plan.csv",
        "id,township,village,class,width_m,length_km,cost_per_km\n\
         A1,东镇,甲村,village,4.5,1,1000000\n\
         B1,东镇,乙村,village,4.5,1,1000000\n\
         C1,西镇,丙村,village,4.5,0.5,1000000\n\
         B2,东镇,乙村,village,4.5,1,1000000\n",
    );
    let out = env
        .roadsub(&["batch", &input, "--rules", &r, "--summary", "-o", "out.csv"])
        .expect_code(0);
    out.stdout_has("\nPer village · 东镇 乙村    300,000.00    600,000.00    300,000.00          0.00  100.0%\n")
        .stdout_has("\nPer village · 东镇 甲村    300,000.00    300,000.00    300,000.00          0.00  100.0%\n")
        .stdout_has("SHARED OUT: Per village · 东镇 乙村 was asked 600,000.00 yuan, 300,000.00 more than its envelope of 300,000.00 yuan; shared in proportion to what each segment asked: the village raises 300,000.00 yuan more because of it");
    let rows = env.read("out.csv");
    let paid: Vec<String> = ["A1", "B1", "C1", "B2"]
        .iter()
        .map(|id| cell(&rows, id, "poverty"))
        .collect();
    assert_eq!(paid, ["300000.00", "150000.00", "150000.00", "150000.00"]);
    assert_eq!(
        cell(&rows, "B2", "notes"),
        "County poverty-alleviation special fund cut from 300,000.00 yuan to 150,000.00 yuan: Per village (this village's envelope) holds 300,000.00 yuan and its segments asked 600,000.00 yuan, shared in proportion to what each asked"
    );
}

/// The shipped rules without their budgets, then `budgets`.
fn rules_with(env: &Env, budgets: &str) -> String {
    let shipped =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules.toml")).unwrap();
    let at = shipped.find("\n# 预算额度").unwrap();
    env.write("rules.toml", format!("{}\n{budgets}", &shipped[..at]))
}

#[test]
fn a_budget_that_only_reports_never_says_it_shared_out_when_a_later_one_cuts_its_rows() {
    // REP only reports, over the group roads; CAP, after it, prorates the fund over every
    // row. REP is over (2,000,000 asked of 1,000,000) and says so; CAP shares 500,000 out.
    let env = Env::new();
    let r = rules_with(
        &env,
        "[[budgets]]\nfund = \"poverty\"\nclass = \"group\"\nname_en = \"REP\"\nname = \"REP\"\namount = \"100万\"\n\n\
         [[budgets]]\nfund = \"poverty\"\nname_en = \"CAP\"\nname = \"CAP\"\namount = \"50万\"\non_overrun = \"prorate\"\n",
    );
    let mut csv = String::from("id,township,village,class,width_m,length_km,cost\n");
    for i in 0..20 {
        csv.push_str(&format!("R{i},T,V,group,3.5,1,300000\n"));
    }
    let input = env.write("rep.csv", csv);
    let out = env
        .roadsub(&["batch", &input, "--rules", &r, "--summary", "-o", "out.csv"])
        .expect_code(0)
        .stdout_has("\nREP            1,000,000.00  2,000,000.00  2,000,000.00  over by 1,000,000.00  200.0%\n")
        .stdout_has("\nCAP              500,000.00  2,000,000.00    500,000.00                  0.00  100.0%\n")
        .stdout_has("\nOVER BUDGET: REP needs 2,000,000.00 yuan, 1,000,000.00 more than its envelope of 1,000,000.00 yuan\n")
        .stdout_has("\nSHARED OUT: CAP was asked 2,000,000.00 yuan, 1,500,000.00 more than its envelope of 500,000.00 yuan; shared in proportion to what each segment asked: the villages raise 1,500,000.00 yuan more because of it\n")
        .stdout
        .clone();
    assert!(!out.contains("SHARED OUT: REP"), "{out}");
    let md = env
        .roadsub(&["batch", &input, "--rules", &r, "--format", "md"])
        .expect_code(0)
        .stdout
        .clone();
    assert!(
        md.contains(
            "| REP | 1,000,000.00 | 2,000,000.00 | 2,000,000.00 | over by 1,000,000.00 | 200.0% **over budget** |"
        ),
        "{md}"
    );
    assert!(
        md.contains(
            "| CAP | 500,000.00 | 2,000,000.00 | 500,000.00 | 0.00 | 100.0% **shared out** |"
        ),
        "{md}"
    );
}

#[test]
fn an_envelope_that_bound_shows_it_paid_its_envelope_even_when_a_later_budget_cuts_again() {
    // Each village's envelope of 15万 pays its group roads in order; then a county envelope
    // of 10万 prorates what they were paid. The village line says it paid its 15万.
    let env = Env::new();
    let r = rules_with(
        &env,
        "[[budgets]]\nfund = \"poverty\"\nclass = \"group\"\nper_village = true\nname_en = \"IOV\"\nname = \"IOV\"\namount = \"15万\"\non_overrun = \"in_order\"\n\n\
         [[budgets]]\nfund = \"poverty\"\nname_en = \"ALL\"\nname = \"ALL\"\namount = \"10万\"\non_overrun = \"prorate\"\n",
    );
    let input = env.write(
        "t.csv",
        "id,township,village,class,width_m,length_km,cost\nA,T,V,group,3.5,1,300000\nB,T,V,group,3.5,1,300000\n",
    );
    env.roadsub(&["batch", &input, "--rules", &r, "--summary", "-o", "out.csv"])
        .expect_code(0)
        .stdout_has("\nIOV · T V      150,000.00  200,000.00  150,000.00  0.00  100.0%\n")
        .stdout_has("\nALL            100,000.00  150,000.00  100,000.00  0.00  100.0%\n");
    let rows = env.read("out.csv");
    // In order: A 10万, B 5万; then 10万 of 15万 prorated: A 66,666.66, B 33,333.34.
    assert_eq!(cell(&rows, "A", "poverty"), "66666.66");
    assert_eq!(cell(&rows, "B", "poverty"), "33333.34");
}

#[test]
fn money_disbursed_beyond_a_subsidy_a_budget_cut_is_said_in_the_row() {
    // K1 had 240,000 paid out against a subsidy of 250,000; the budget cuts the subsidy to
    // 200,000: 40,000 was paid out too much, and the row says so.
    let env = Env::new();
    let r = rules_with(
        &env,
        "[[budgets]]\nfund = \"poverty\"\nclass = \"group\"\nname_en = \"G\"\nname = \"G\"\namount = \"5万\"\non_overrun = \"prorate\"\n",
    );
    let input = env.write(
        "k.csv",
        "id,township,village,class,width_m,length_km,cost,已拨付,completed_km\nK1,T,V,group,3.5,1,300000,240000,1\n",
    );
    env.roadsub(&["batch", &input, "--rules", &r, "-o", "out.csv"])
        .expect_code(0);
    let rows = env.read("out.csv");
    assert_eq!(cell(&rows, "K1", "subsidy_total"), "200000.00");
    assert_eq!(cell(&rows, "K1", "outstanding"), "0.00");
    assert!(
        cell(&rows, "K1", "notes").ends_with(
            "; warning: 240,000.00 yuan disbursed is more than the subsidy of 200,000.00 yuan after the budget's cut: 40,000.00 yuan paid out too much"
        ),
        "{rows}"
    );
    env.roadsub(&[
        "batch",
        &input,
        "--rules",
        &r,
        "-o",
        "zh.csv",
        "--lang",
        "zh",
        "--headings",
        "en",
    ])
    .expect_code(0);
    let rows = env.read("zh.csv");
    assert!(
        cell(&rows, "K1", "notes").ends_with(
            "；警告：已拨付 240,000.00 元，超过核减后的补助合计 200,000.00 元，多拨 40,000.00 元"
        ),
        "{rows}"
    );
}

/// Runs `roadsub batch <input> --rules <rules> -o <output>` while a thread writes the release's
/// table into the FIFO `input` once, as `cat plan.csv > fifo &` would; fails after 60 s
/// instead of hanging.
#[cfg(target_os = "linux")]
fn batch_from_fifo(env: &Env, input: &str, rules: &str, output: &str) -> (i32, String) {
    use std::io::{Read, Write};
    let made = std::process::Command::new("mkfifo")
        .arg(env.path(input))
        .status()
        .unwrap();
    assert!(made.success());
    let fifo = env.path(input);
    std::thread::spawn(move || {
        let mut writer = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
        let _ = writer.write_all(release().as_bytes());
    });
    let mut child = env
        .roadsub(&["batch", input, "--rules", rules, "-o", output])
        .command()
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > std::time::Duration::from_secs(60) {
            child.kill().unwrap();
            child.wait().unwrap();
            // Let a second open of the FIFO go, should it wait for a writer.
            panic!("roadsub batch {input} hung reading a FIFO more than once");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (status.code().unwrap_or(-1), stderr)
}

#[cfg(target_os = "linux")]
#[test]
fn a_fifo_input_with_a_budget_that_allocates_is_read_once_not_waited_on_forever() {
    let env = Env::new();
    let r = rules(&env, "prorate");
    let file = env.write("release.csv", release());
    env.roadsub(&["batch", &file, "--rules", &r, "-o", "file.csv"])
        .expect(0, "", "wrote 50 rows to file.csv\n");
    let (code, stderr) = batch_from_fifo(&env, "plan.csv", &r, "fifo.csv");
    assert_eq!((code, stderr.as_str()), (0, "wrote 50 rows to fifo.csv\n"));
    assert_eq!(env.read("fifo.csv"), env.read("file.csv"));
    // in_order too, whose rows are read in a pass of their own.
    let r = rules(&env, "in_order");
    env.roadsub(&["batch", &file, "--rules", &r, "-o", "file.csv"])
        .expect(0, "", "wrote 50 rows to file.csv\n");
    let (code, stderr) = batch_from_fifo(&env, "plan-2.csv", &r, "fifo.csv");
    assert_eq!((code, stderr.as_str()), (0, "wrote 50 rows to fifo.csv\n"));
    assert_eq!(env.read("fifo.csv"), env.read("file.csv"));
}

/// `/dev/stdin` is a link to the pipe on descriptor 0, as `<(cat plan.csv)` is `/dev/fd/63`,
/// a link to a pipe: opened again, it is empty.
#[cfg(target_os = "linux")]
#[test]
fn a_dev_fd_input_with_a_budget_that_allocates_is_not_found_empty_when_read_again() {
    let env = Env::new();
    let r = rules(&env, "prorate");
    let file = env.write("release.csv", release());
    env.roadsub(&["batch", &file, "--rules", &r, "-o", "file.csv"])
        .expect(0, "", "wrote 50 rows to file.csv\n");
    env.roadsub(&["batch", "/dev/stdin", "--rules", &r, "-o", "fd.csv"])
        .stdin(release())
        .expect(0, "", "wrote 50 rows to fd.csv\n");
    assert_eq!(env.read("fd.csv"), env.read("file.csv"));
    // Its copy keeps its name in messages: a bad row is told by the path given.
    let bad = release() + "BAD,T0,V0,group,wide,5,2000000\n";
    env.roadsub(&["batch", "/dev/stdin", "--rules", &r, "-o", "bad.csv"])
        .stdin(bad)
        .expect(
            1,
            "",
            "/dev/stdin:52: width_m \"wide\" is not a width (expected metres like 4.5, 4.5m or 4.5米)\n\
             1 bad row; nothing written (fix it, or use --keep-going to write the 50 good rows)\n",
        );
}

#[test]
fn a_directory_as_input_with_a_budget_that_allocates_is_refused_as_without_one() {
    let env = Env::new();
    let r = rules(&env, "prorate");
    std::fs::create_dir(env.path("plan.csv")).unwrap();
    let said = "plan.csv: cannot read: is a directory\n1 table not read; nothing written\n";
    env.roadsub(&["batch", "plan.csv", "-o", "out.csv"])
        .expect(1, "", said);
    env.roadsub(&["batch", "plan.csv", "--rules", &r, "-o", "out.csv"])
        .expect(1, "", said);
}

#[test]
fn more_disbursed_than_the_subsidy_says_it_is_the_subsidy_before_any_budget_s_cut() {
    // The row error is judged before budgets cut: under rules that cut, the figure named is
    // not the one the row would show after the cut, and the message says so.
    let env = Env::new();
    let input = env.write(
        "k.csv",
        "id,township,village,class,width_m,length_km,cost,已拨付,completed_km\nK1,T,V,group,3.5,1,300000,260000,1\n",
    );
    // Without a budget that cuts (before ./rules.toml is written), the plain words.
    env.roadsub(&["batch", &input])
        .expect_code(1)
        .stderr_first_line(&format!(
            "{input}:2: 已拨付 \"260000\" is more than the subsidy of 250,000.00"
        ));
    let r = rules(&env, "prorate");
    env.roadsub(&["batch", &input, "--rules", &r])
        .expect_code(1)
        .stderr_first_line(&format!(
            "{input}:2: 已拨付 \"260000\" is more than the subsidy of 250,000.00 before any budget's cut"
        ));
    env.roadsub(&["batch", &input, "--rules", &r, "--lang", "zh"])
        .expect_code(1)
        .stderr_first_line(&format!(
            "{input}:2: 已拨付“260000”超过预算额度核减前的补助合计 250,000.00 元"
        ));
}
