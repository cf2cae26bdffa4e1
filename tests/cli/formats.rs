//! `roadsub batch` output formats: JSON, JSON Lines, Markdown, CSV for Excel, GBK.

use super::*;

#[test]
fn json_carries_every_segment_and_the_summary_with_money_as_strings() {
    let env = Env::new();
    env.roadsub(&[
        "batch",
        &data("spec-examples.csv"),
        "-o",
        &env.file("r.json"),
    ])
    .expect_code(0);
    let doc: serde_json::Value = serde_json::from_str(&env.read("r.json")).unwrap();
    assert_eq!(doc["rules"]["rounding"], "half_away_from_zero");
    let segs = doc["segments"].as_array().unwrap();
    assert_eq!(segs.len(), 9);
    let e5 = segs.iter().find(|s| s["input"]["id"] == "E5").unwrap();
    assert_eq!(e5["funds"]["poverty"]["nominal"], "300000.00");
    assert_eq!(e5["funds"]["poverty"]["paid"], "50000.00");
    assert_eq!(e5["funds"]["transport"]["tier_min_width_m"], "4.5");
    assert_eq!(e5["shortfall"], "0.00");
    assert_eq!(e5["line"], 8);
    let e1h = segs
        .iter()
        .find(|s| s["input"]["id"] == "E1-households")
        .unwrap();
    assert_eq!(e1h["shortfall_per_household"], "33333.33");
    assert_eq!(doc["summary"]["total"]["segments"], 9);
    assert_eq!(doc["summary"]["total"]["subsidy_total"], "6328200.00");
    assert_eq!(doc["summary"]["budgets"][1]["over"], false);
}

#[test]
fn jsonl_is_one_segment_a_line() {
    let env = Env::new();
    let run = env
        .roadsub(&["batch", &data("spec-examples.csv"), "--format", "jsonl"])
        .expect_code(0);
    let lines: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 9);
    assert_eq!(lines[6]["input"]["id"], "E5");
    assert_eq!(lines[8]["funds"]["transport"]["paid"], "49950.00");
}

#[test]
fn markdown_has_the_segment_table_and_the_summary() {
    let env = Env::new();
    env.roadsub(&["batch", &example(), "--format", "md"])
        .expect_code(0)
        .stdout_starts("# Anyue County 2018 subsidy standards for village and group roads\n\n## Segments\n\n| 编号 | 乡镇 |")
        .stdout_has("\n| AY-01 | 天马乡 | 画青村 | 村委会至三组 | 通村 | 4.5 | 2.1 | 168万 |  | 10万 | 2.1 | 126 |  | 945000.00 | 630000.00 | 1575000.00 | 105000.00 | 5000.00 | 39.68 | 1575000.00 |  |\n")
        .stdout_has("\n| gap | 7,637,000.00 |\n")
        .stdout_has("\n| shortfall (still to raise) | 7,487,000.00 |\n")
        .stdout_has("\n| Group road building | 6,900,000.00 | 3,670,000.00 | 3,670,000.00 | 53.2% |\n");
}

#[test]
fn excel_csv_has_a_bom_and_runs_no_formulas_while_plain_csv_stays_faithful() {
    let env = Env::new();
    let input = env.write(
        "inj.csv",
        "id,township,village,class,width_m,length_km,cost,remark\nA,=1+1,v,village,4.5,1,1000000,@SUM(A1)\n",
    );
    env.roadsub(&["batch", &input])
        .run()
        .stdout_has("\nA,=1+1,v,village,4.5,1,1000000,@SUM(A1),");
    let out = env.file("x.csv");
    env.roadsub(&["batch", &input, "--excel", "-o", &out])
        .expect_code(0);
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBFid,township"));
    let text = String::from_utf8(bytes).unwrap();
    assert!(
        text.contains("\nA,'=1+1,v,village,4.5,1,1000000,'@SUM(A1),450000.00,"),
        "{text}"
    );
}

#[test]
fn gbk_output_for_older_excel() {
    let env = Env::new();
    let out = env.file("g.csv");
    env.roadsub(&["batch", &example(), "--encoding", "gbk", "-o", &out])
        .expect_code(0);
    let bytes = std::fs::read(&out).unwrap();
    let (text, _, bad) = encoding_rs::GBK.decode(&bytes);
    assert!(!bad);
    assert!(text.starts_with("编号,乡镇,村,"));
    assert!(std::str::from_utf8(&bytes).is_err(), "not UTF-8");
}

#[test]
fn nonsense_combinations_are_refused() {
    let env = Env::new();
    env.roadsub(&["batch", &example(), "--format", "json", "--encoding", "gbk"])
        .expect_code(2)
        .stderr("roadsub: JSON is always UTF-8: --encoding gbk applies to CSV and Markdown only\n");
    env.roadsub(&["batch", &example(), "--format", "md", "--excel"])
        .expect_code(2)
        .stderr("roadsub: --excel applies to CSV output only\n");
}
