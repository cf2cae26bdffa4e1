//! The bundled 44-village plan (`examples/anyue-2018-plan.csv`): it holds the release's own
//! figures, and its group roads overrun the 690万 envelope as the release's do; budgets on a
//! source of the gap (村项目资金) are measured village by village.

use std::collections::BTreeMap;
use std::path::Path;

use super::*;

/// The bundled plan.
fn plan() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/anyue-2018-plan.csv")
        .to_string_lossy()
        .into_owned()
}

/// The eleven villages the release names, with their townships, and the km it says each has
/// completed (`None`: finished, fully or partly, no figure given; the plan has it all done).
const NAMED: [(&str, &str, Option<&str>); 11] = [
    ("天马乡", "画青村", None),
    ("卧佛镇", "关田村", None),
    ("双龙街乡", "五峰村", None),
    ("顶新乡", "天成村", None),
    ("元坝镇", "西泉村", None),
    ("兴隆镇", "大骥村", Some("2")),
    ("天林镇", "万平村", None),
    ("镇子镇", "集福村", None),
    ("宝华乡", "玉皇村", Some("0.6")),
    ("大埝乡", "黄金村", None),
    ("自治乡", "金鸡村", Some("5.5")),
];

/// The plan's JSON output, `--by` the given grouping.
fn json(env: &Env, by: &str) -> serde_json::Value {
    let out = env
        .roadsub(&["batch", &plan(), "--format", "json", "--by", by])
        .expect_code(0)
        .stdout
        .clone();
    serde_json::from_str(&out).unwrap()
}

#[test]
fn the_plan_reads_with_no_bad_rows_and_holds_the_releases_figures() {
    let env = Env::new();
    // Without --keep-going, one bad row would fail the run and write nothing.
    let out = env.file("out.csv");
    env.roadsub(&["batch", &plan(), "-o", &out]).expect(
        0,
        "",
        &format!("wrote 66 rows to {out}\n"),
    );
    let doc = json(&env, "village");
    let total = &doc["summary"]["total"];
    assert_eq!(total["segments"], 66);
    assert_eq!(total["planned_km"], "97.05");
    assert_eq!(total["completed_km"], "42.7");
    let villages: BTreeMap<&str, &serde_json::Value> = doc["summary"]["groups"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.as_str(), v))
        .collect();
    assert_eq!(villages.len(), 44);
    for (township, village, completed) in NAMED {
        let v = villages[format!("{township} {village}").as_str()];
        let want = completed.unwrap_or_else(|| v["planned_km"].as_str().unwrap());
        assert_eq!(v["completed_km"], want, "{township} {village}");
    }
    let others: Vec<(&str, &str)> = villages
        .iter()
        .filter(|(k, _)| !NAMED.iter().any(|(t, v, _)| **k == format!("{t} {v}")))
        .map(|(k, v)| (*k, v["completed_km"].as_str().unwrap()))
        .collect();
    assert_eq!(others.len(), 33);
    assert!(others.iter().all(|(_, c)| *c == "0"), "{others:?}");
    let classes = json(&env, "class");
    let groups = &classes["summary"]["groups"];
    assert_eq!(groups["village"]["planned_km"], "10.2");
    assert_eq!(groups["group"]["planned_km"], "86.85");
    assert_eq!(groups["village"]["completed_km"], "6.8");
    assert_eq!(groups["group"]["completed_km"], "35.9");
}

#[test]
fn the_plans_group_roads_ask_8_685_000_of_the_6_900_000_group_road_envelope() {
    let env = Env::new();
    let doc = json(&env, "class");
    // Every group road gets the poverty fund's full 10万 a km: the cost leaves room for it.
    let mut group_rows = 0;
    for s in doc["segments"].as_array().unwrap() {
        if s["class"] == "group" {
            let km: rust_decimal::Decimal = s["length_km"].as_str().unwrap().parse().unwrap();
            let full = (km * rust_decimal::Decimal::from(100_000)).round_dp(2);
            assert_eq!(s["funds"]["poverty"]["paid"], format!("{full:.2}"), "{s}");
            group_rows += 1;
        }
    }
    assert_eq!(group_rows, 58);
    assert_eq!(
        doc["summary"]["groups"]["group"]["funds"]["poverty"],
        "8685000.00"
    );
    // The shipped budgets only report: the overrun is stated, nothing is cut.
    let out = env.file("out.csv");
    env.roadsub(&["batch", &plan(), "--summary", "-o", &out])
        .expect_code(0)
        .stdout_has(
            "\nGroup road building                       6,900,000.00  8,685,000.00  8,685,000.00  over by 1,785,000.00  125.9%\n",
        )
        .stdout_has(
            "\nOVER BUDGET: Group road building needs 8,685,000.00 yuan, 1,785,000.00 more than its envelope of 6,900,000.00 yuan\n",
        );
}

#[test]
fn the_plans_village_project_fund_is_measured_against_200万_in_each_village() {
    let env = Env::new();
    let out = env.file("out.csv");
    let run = env
        .roadsub(&["batch", &plan(), "--summary", "-o", &out])
        .expect_code(0)
        .stdout_has(
            "\nVillage project fund · 天马乡 画青村      2,000,000.00    200,000.00    200,000.00          1,800,000.00   10.0%\n",
        )
        .stdout_has(
            "\nVillage project fund · 石桥铺镇 示例村05  2,000,000.00  2,042,000.00  2,042,000.00     over by 42,000.00  102.1%\n",
        )
        .stdout_has(
            "\nVillage project fund · 自治乡 金鸡村      2,000,000.00  2,150,000.00  2,150,000.00    over by 150,000.00  107.5%\n",
        )
        .stdout
        .clone();
    // A line for each of the 35 villages whose rows give some 村项目资金; the other 9 (万平村
    // among them) put none in and have nothing to report.
    let lines = run
        .lines()
        .filter(|l| l.starts_with("Village project fund · "))
        .count();
    assert_eq!(lines, 35, "{run}");
    assert!(!run.contains("万平村"), "{run}");
    let overs: Vec<&str> = run
        .lines()
        .filter(|l| l.starts_with("OVER BUDGET: Village project fund"))
        .collect();
    assert_eq!(
        overs,
        [
            "OVER BUDGET: Village project fund · 石桥铺镇 示例村05 needs 2,042,000.00 yuan, 42,000.00 more than its envelope of 2,000,000.00 yuan",
            "OVER BUDGET: Village project fund · 自治乡 金鸡村 needs 2,150,000.00 yuan, 150,000.00 more than its envelope of 2,000,000.00 yuan",
        ],
        "{run}"
    );
    let doc = json(&env, "village");
    let over: Vec<(&str, &str, &str)> = doc["summary"]["budgets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["source"] == "village_fund" && b["over"] == true)
        .map(|b| {
            (
                b["township"].as_str().unwrap(),
                b["village"].as_str().unwrap(),
                b["used"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        over,
        [
            ("石桥铺镇", "示例村05", "2042000.00"),
            ("自治乡", "金鸡村", "2150000.00")
        ]
    );
}

/// Two villages; 甲村's rows have all three sources, 乙村's none. The shipped rules with one
/// more budget, on 一事一议筹资 for village roads, of 15,000 yuan.
fn sources_table_and_rules(env: &Env) -> (String, String) {
    let table = env.write(
        "sources.csv",
        "id,township,village,class,width_m,length_km,cost,整合资金,一事一议筹资,村项目资金\n\
         A1,东镇,甲村,village,4.5,1,1000000,10000,20000,150000\n\
         A2,东镇,甲村,group,3.5,1,400000,,,120000\n\
         B1,西镇,乙村,village,4.5,1,1000000,,,\n",
    );
    let shipped =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules.toml")).unwrap();
    let rules = env.write(
        "rules.toml",
        format!(
            "{shipped}\n[[budgets]]\nsource = \"yishi_yiyi\"\nclass = \"village\"\n\
             name = \"一事一议\"\nname_en = \"One matter\"\namount = 15000\n"
        ),
    );
    (table, rules)
}

#[test]
fn a_budget_on_a_source_measures_that_sources_column_per_village_in_the_text_summary() {
    // 甲村: 150,000 + 120,000 of 村项目资金 (its 整合资金 and 一事一议筹资 are not counted);
    // 乙村 puts none in, so has no line. 一事一议筹资 on village roads: 20,000, 5,000 over
    // 15,000.
    let env = Env::new();
    let (t, r) = sources_table_and_rules(&env);
    env.roadsub(&["batch", &t, "--rules", &r, "--summary", "-o", "out.csv"])
        .expect_code(0)
        .stdout_has("\nsources (other_funds, yishi_yiyi, …)                 300,000.00\n")
        .stdout_has(
            "\nGroup road building               6,900,000.00  100,000.00  100,000.00      6,800,000.00    1.4%\n\
             Village project fund · 东镇 甲村  2,000,000.00  270,000.00  270,000.00      1,730,000.00   13.5%\n\
             One matter                           15,000.00   20,000.00   20,000.00  over by 5,000.00  133.3%\n\
             OVER BUDGET: One matter needs 20,000.00 yuan, 5,000.00 more than its envelope of 15,000.00 yuan\n",
        );
    env.roadsub(&[
        "batch",
        &t,
        "--rules",
        &r,
        "--summary",
        "-o",
        "out.csv",
        "--lang",
        "zh",
    ])
    .expect_code(0)
    .stdout_has(
        "\n村项目资金 · 东镇 甲村  2,000,000.00  270,000.00  270,000.00   1,730,000.00   13.5%\n\
         一事一议                   15,000.00   20,000.00   20,000.00  超支 5,000.00  133.3%\n\
         超出预算：一事一议需2万元，额度1.5万元，超支0.5万元\n",
    );
}

#[test]
fn a_budget_on_a_source_measures_that_sources_column_per_village_in_json() {
    let env = Env::new();
    let (t, r) = sources_table_and_rules(&env);
    let out = env
        .roadsub(&["batch", &t, "--rules", &r, "--format", "json"])
        .expect_code(0)
        .stdout
        .clone();
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let sources: Vec<serde_json::Value> = doc["summary"]["budgets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["fund"] != "poverty")
        .cloned()
        .collect();
    assert_eq!(
        sources,
        [
            serde_json::json!({"name": "Village project fund", "fund": null,
                "source": "village_fund", "on_overrun": "report", "class": null,
                "per_village": true, "township": "东镇", "village": "甲村", "envelope": "2000000.00",
                "asked": "270000.00", "paid": "270000.00", "used": "270000.00",
                "left": "1730000.00", "over": false, "shared_out": false, "raised": "0.00"}),
            serde_json::json!({"name": "One matter", "fund": null, "source": "yishi_yiyi",
                "on_overrun": "report", "class": "village",
                "per_village": false, "township": null, "village": null, "envelope": "15000.00",
                "asked": "20000.00", "paid": "20000.00", "used": "20000.00",
                "left": "-5000.00", "over": true, "shared_out": false, "raised": "0.00"}),
        ]
    );
}

#[test]
fn the_prorate_variant_is_the_shipped_rules_with_two_envelopes_shared_out() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shipped = std::fs::read_to_string(root.join("rules.toml")).unwrap();
    let variant = std::fs::read_to_string(root.join("examples/anyue-2018-prorate.toml")).unwrap();
    // Apart from its comments and two on_overrun lines, the variant is the shipped file: a
    // change to the shipped rules that is not made there too fails here.
    let strip = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| !l.starts_with('#') && *l != "on_overrun = \"prorate\"")
            .map(str::to_string)
            .collect()
    };
    assert_eq!(strip(&variant), strip(&shipped));
    assert_eq!(variant.matches("on_overrun = \"prorate\"").count(), 2);
    let env = Env::new();
    env.roadsub(&[
        "rules",
        "check",
        root.join("examples/anyue-2018-prorate.toml")
            .to_str()
            .unwrap(),
    ])
    .expect_code(0);
}

/// The README's demonstration: the release's 690万 group road envelope prorated over the plan.
#[test]
fn the_plans_group_roads_prorated_get_exactly_690万_and_the_villages_raise_178_5万_more() {
    let env = Env::new();
    let variant = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/anyue-2018-prorate.toml");
    let variant = variant.to_str().unwrap();
    let shipped = env.file("shipped.csv");
    let before = env
        .roadsub(&["batch", &plan(), "--summary", "-o", &shipped])
        .expect_code(0)
        .stdout_has("\nshortfall (still to raise)                          5,315,500.00\n")
        .stdout
        .clone();
    assert!(
        before.contains("OVER BUDGET: Group road building"),
        "{before}"
    );
    let out = env.file("out.csv");
    env.roadsub(&["batch", &plan(), "--rules", variant, "--summary", "-o", &out])
        .expect_code(0)
        .stdout_has("\nshortfall (still to raise)                          7,100,500.00\n")
        .stdout_has("\nGroup road building                       6,900,000.00  8,685,000.00  6,900,000.00                0.00  100.0%\n")
        .stdout_has("\nVillage road hardening                    4,965,000.00  2,955,000.00  2,955,000.00        2,010,000.00   59.5%\n")
        .stdout_has("\nSHARED OUT: Group road building was asked 8,685,000.00 yuan, 1,785,000.00 more than its envelope of 6,900,000.00 yuan; shared in proportion to what each segment asked: the villages raise 1,785,000.00 yuan more because of it\n");
    let rows = env.read("out.csv");
    let mut table = csv::Reader::from_reader(rows.as_bytes());
    let head = table.headers().unwrap().clone();
    let at = |name: &str| head.iter().position(|h| h == name).unwrap();
    let (class, poverty, notes) = (at("类别"), at("poverty"), at("notes"));
    let mut group = rust_decimal::Decimal::ZERO;
    let mut cut = 0;
    for r in table.records() {
        let r = r.unwrap();
        if r[class].starts_with("社") || r[class].starts_with("通社") {
            group += r[poverty].parse::<rust_decimal::Decimal>().unwrap();
            cut += usize::from(r[notes].contains("Group road building holds 6,900,000.00"));
        }
    }
    assert_eq!(group.to_string(), "6900000.00");
    assert_eq!(cut, 58, "every group road is cut, and says why");
    env.roadsub(&["batch", &plan(), "--rules", variant, "--summary", "-o", &out, "--lang", "zh", "--headings", "en"])
        .expect_code(0)
        .stdout_has("\n额度不足：社级道路建设申请868.5万元，额度690万元，超支178.5万元，已按申请额同比例分配：各村因此多筹集178.5万元\n");
    let rows = env.read("out.csv");
    assert_eq!(
        cell(&rows, "AYP-002", "notes"),
        "县扶贫专项补助由 240,000.00 元核减为 190,673.57 元：社级道路建设额度690万元，各路段共申请868.5万元，按申请额同比例分配"
    );
}

#[test]
fn an_overrun_budget_shows_超支_never_a_negative_剩余_in_the_summary_markdown_and_workbook() {
    use calamine::{open_workbook_auto, Data, Reader};
    let env = Env::new();
    let out = env.file("out.csv");
    let sentence = "超出预算：社级道路建设需868.5万元，额度690万元，超支178.5万元";
    env.roadsub(&["batch", &plan(), "--summary", "--lang", "zh", "-o", &out])
        .expect_code(0)
        .stdout_has(
            "\n社级道路建设                    6,900,000.00  8,685,000.00  8,685,000.00  超支 1,785,000.00  125.9%\n",
        )
        .stdout_has(&format!("\n{sentence}\n"))
        // The budget table names its unit, as the amounts table above it does.
        .stdout_has("\n预算额度（元）                          额度          申请          安排               剩余  使用率\n")
        .stdout_lacks("-1,785,000.00")
        .stdout_lacks("-42,000.00");
    env.roadsub(&["batch", &plan(), "--summary", "-o", &out])
        .expect_code(0)
        .stdout_has(
            "\nGroup road building                       6,900,000.00  8,685,000.00  8,685,000.00  over by 1,785,000.00  125.9%\n",
        )
        .stdout_lacks("-1,785,000.00");
    let md = env.file("out.md");
    env.roadsub(&["batch", &plan(), "--summary", "--lang", "zh", "-o", &md])
        .expect_code(0);
    let text = env.read("out.md");
    assert!(text.contains(&format!("\n{sentence}\n")), "{text}");
    assert!(!text.contains("-1,785,000.00"), "{text}");
    let xlsx = env.file("out.xlsx");
    env.roadsub(&["batch", &plan(), "--lang", "zh", "-o", &xlsx])
        .expect_code(0);
    let mut book = open_workbook_auto(&xlsx).unwrap();
    let summary = book.worksheet_range("汇总").unwrap();
    let row: Vec<Data> = summary
        .rows()
        .find(|r| r.first() == Some(&Data::String("社级道路建设".into())))
        .unwrap()
        .to_vec();
    assert_eq!(row[4], Data::String("超支 1,785,000.00".into()));
    assert_eq!(row[6], Data::String(sentence.into()));
    // A line within its envelope keeps a number a spreadsheet can sum.
    let within: Vec<Data> = summary
        .rows()
        .find(|r| r.first() == Some(&Data::String("通村硬化路建设".into())))
        .unwrap()
        .to_vec();
    assert_eq!(within[4], Data::Float(2_010_000.0));
}

#[test]
fn the_chinese_summary_names_each_fund_without_its_english_id() {
    let env = Env::new();
    let out = env.file("out.csv");
    let zh = env
        .roadsub(&["batch", &plan(), "--summary", "--lang", "zh", "-o", &out])
        .expect_code(0)
        .stdout_has(
            "\n县交通局补助              19,987,500.00\n县扶贫专项补助            11,640,000.00\n",
        )
        .stdout
        .clone();
    // The whole class: no fund or class id anywhere in the Chinese summary or Markdown.
    let md = env.file("out.md");
    env.roadsub(&["batch", &plan(), "--summary", "--lang", "zh", "-o", &md])
        .expect_code(0);
    let md = env.read("out.md");
    let md_summary = &md[md.find("## 汇总").unwrap()..];
    for id in ["transport", "poverty", "village", "group"] {
        assert!(!zh.contains(id), "{id} in\n{zh}");
        assert!(!md_summary.contains(id), "{id} in\n{md_summary}");
    }
    // English keeps the id the CSV columns use, with the fund's name after it.
    env.roadsub(&["batch", &plan(), "--summary", "-o", &out])
        .expect_code(0)
        .stdout_has("\ntransport (County transport bureau subsidy)        19,987,500.00\n");
}

#[test]
fn an_envelope_shared_out_says_超支_as_one_that_reports_does_never_超出() {
    let env = Env::new();
    let prorate = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/anyue-2018-prorate.toml");
    let out = env.file("out.csv");
    env.roadsub(&["batch", &plan(), "--summary", "--lang", "zh", "-o", &out])
        .expect_code(0)
        .stdout_has("\n超出预算：社级道路建设需868.5万元，额度690万元，超支178.5万元\n");
    env.roadsub(&["batch", &plan(), "--rules", prorate.to_str().unwrap(), "--summary", "--lang", "zh", "-o", &out])
        .expect_code(0)
        .stdout_has("\n额度不足：社级道路建设申请868.5万元，额度690万元，超支178.5万元，已按申请额同比例分配：各村因此多筹集178.5万元\n")
        .stdout_lacks("超出178.5万元");
}
