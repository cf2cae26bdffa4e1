//! Budget lines in every output format: a per-village envelope is measured village by village,
//! and each format shows the same lines as the text summary.

use std::path::Path;

use super::*;

/// The shipped rules with one more budget: 300,000 yuan per village from the poverty fund for
/// village roads (it pays 300,000/km at 4.5 m).
fn rules(env: &Env) -> String {
    let shipped =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules.toml")).unwrap();
    env.write(
        "rules.toml",
        format!(
            "{shipped}\n[[budgets]]\nfund = \"poverty\"\nclass = \"village\"\nper_village = true\n\
             name = \"每村通村路\"\nname_en = \"Per village\"\namount = \"300000\"\n"
        ),
    )
}

/// Village 甲 uses exactly its envelope (1 km); 乙 uses twice its envelope (2 km); 丙, in
/// another township, uses 0.5 km. The three together use 1,050,000: over any one envelope.
fn table(env: &Env) -> String {
    env.write(
        "plan.csv",
        "id,township,village,class,width_m,length_km,cost_per_km\n\
         A1,东镇,甲村,village,4.5,1,1000000\n\
         B1,东镇,乙村,village,4.5,1,1000000\n\
         B2,东镇,乙村,village,4.5,1,1000000\n\
         C1,西镇,丙村,village,4.5,0.5,1000000\n",
    )
}

/// The per-village budget's lines as (label, envelope, used), with the text summary's grouping
/// (in pinyin order: 东 dong before 西 xi, 甲 jia before 乙 yi).
type Lines = Vec<(String, String, String)>;

const EXPECTED_EN: [(&str, &str, &str); 3] = [
    ("Per village · 东镇 甲村", "300,000.00", "300,000.00"),
    ("Per village · 东镇 乙村", "300,000.00", "600,000.00"),
    ("Per village · 西镇 丙村", "300,000.00", "150,000.00"),
];

fn expected() -> Lines {
    EXPECTED_EN
        .iter()
        .map(|(l, e, u)| (l.to_string(), e.to_string(), u.to_string()))
        .collect()
}

fn grouped(plain: &str) -> String {
    let (whole, cents) = plain.split_once('.').unwrap();
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{out}.{cents}")
}

#[test]
fn a_per_village_budget_is_over_only_in_the_village_over_it_in_the_text_summary() {
    let env = Env::new();
    let (r, t) = (rules(&env), table(&env));
    let out = env
        .roadsub(&["batch", &t, "--rules", &r, "--summary", "-o", "out.csv"])
        .expect_code(0);
    out.stderr_starts("wrote 4 rows");
    let err = &out.stdout;
    let lines: Lines = err
        .lines()
        .filter(|l| l.starts_with("Per village"))
        .map(|l| {
            let cells: Vec<&str> = l
                .split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect();
            (
                cells[0].to_string(),
                cells[1].to_string(),
                cells[2].to_string(),
            )
        })
        .collect();
    assert_eq!(lines, expected(), "{err}");
    let overs: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("OVER BUDGET"))
        .collect();
    assert_eq!(
        overs,
        ["OVER BUDGET: Per village · 东镇 乙村 needs 600,000.00 yuan, 300,000.00 more than its envelope of 300,000.00 yuan"],
        "{err}"
    );
}

#[test]
fn a_per_village_budget_is_reported_per_village_in_json() {
    // The defect: JSON compared the whole run's use (1,050,000) with one village's envelope
    // and said "over": true for the budget as a whole.
    let env = Env::new();
    let (r, t) = (rules(&env), table(&env));
    let out = env
        .roadsub(&["batch", &t, "--rules", &r, "--format", "json"])
        .expect_code(0)
        .stdout;
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let budgets = doc["summary"]["budgets"].as_array().unwrap();
    let per_village: Vec<&serde_json::Value> = budgets
        .iter()
        .filter(|b| b["per_village"] == true && b["fund"] == "poverty")
        .collect();
    let lines: Lines = per_village
        .iter()
        .map(|b| {
            (
                format!(
                    "Per village · {} {}",
                    b["township"].as_str().unwrap(),
                    b["village"].as_str().unwrap()
                ),
                grouped(b["envelope"].as_str().unwrap()),
                grouped(b["used"].as_str().unwrap()),
            )
        })
        .collect();
    assert_eq!(lines, expected());
    let over: Vec<bool> = per_village.iter().map(|b| b["over"] == true).collect();
    assert_eq!(over, [false, true, false]);
    assert_eq!(per_village[1]["left"], "-300000.00");
    // The release's own envelopes are for the county as a whole: one line each.
    let whole: Vec<&serde_json::Value> = budgets
        .iter()
        .filter(|b| b["per_village"] == false)
        .collect();
    assert_eq!(whole.len(), 2);
    assert!(whole
        .iter()
        .all(|b| b["township"].is_null() && b["village"].is_null()));
    assert_eq!(whole[0]["envelope"], "4965000.00");
    assert_eq!(whole[0]["used"], "1050000.00");
}

#[test]
fn a_per_village_budget_is_reported_per_village_in_markdown() {
    let env = Env::new();
    let (r, t) = (rules(&env), table(&env));
    let out = env
        .roadsub(&["batch", &t, "--rules", &r, "--format", "md"])
        .expect_code(0)
        .stdout;
    let rows: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("| Per village"))
        .collect();
    assert_eq!(
        rows,
        [
            "| Per village · 东镇 甲村 | 300,000.00 | 300,000.00 | 300,000.00 | 0.00 | 100.0% |",
            "| Per village · 东镇 乙村 | 300,000.00 | 600,000.00 | 600,000.00 | over by 300,000.00 | 200.0% **over budget** |",
            "| Per village · 西镇 丙村 | 300,000.00 | 150,000.00 | 150,000.00 | 150,000.00 | 50.0% |",
        ],
        "{out}"
    );
}

#[test]
fn a_per_village_budget_is_reported_per_village_in_the_workbook_report() {
    use calamine::{open_workbook_auto, Data, Reader};
    let env = Env::new();
    let (r, t) = (rules(&env), table(&env));
    env.roadsub(&["batch", &t, "--rules", &r, "-o", "report.xlsx"])
        .expect_code(0);
    let mut book = open_workbook_auto(env.path("report.xlsx")).unwrap();
    let names = book.sheet_names();
    let range = book.worksheet_range(&names[1]).unwrap();
    let text = |d: &Data| match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => format!("{f:.2}"),
        Data::Int(i) => format!("{i}.00"),
        other => format!("{other:?}"),
    };
    let lines: Vec<(String, String, String, String)> = range
        .rows()
        .filter(|r| matches!(&r[0], Data::String(s) if s.starts_with("Per village")))
        .map(|r| {
            (
                text(&r[0]),
                grouped(&text(&r[1])),
                grouped(&text(&r[3])),
                text(&r[6]),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            (
                "Per village · 东镇 甲村".to_string(),
                "300,000.00".into(),
                "300,000.00".into(),
                "Empty".into()
            ),
            (
                "Per village · 东镇 乙村".into(),
                "300,000.00".into(),
                "600,000.00".into(),
                "OVER BUDGET: Per village · 东镇 乙村 needs 600,000.00 yuan, 300,000.00 more than its envelope of 300,000.00 yuan".into()
            ),
            (
                "Per village · 西镇 丙村".into(),
                "300,000.00".into(),
                "150,000.00".into(),
                "Empty".into()
            ),
        ]
    );
}

#[test]
fn every_format_shows_the_text_summarys_totals_and_budget_lines() {
    // One run per format over the bundled example: the budget lines and the totals agree
    // with the text summary's to the fen.
    let env = Env::new();
    let text = env
        .roadsub(&["batch", &example(), "--summary", "-o", "out.csv"])
        .expect_code(0)
        .stdout;
    let json = env
        .roadsub(&["batch", &example(), "--format", "json"])
        .expect_code(0)
        .stdout;
    let md = env
        .roadsub(&["batch", &example(), "--format", "md"])
        .expect_code(0)
        .stdout;
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    // A per-village budget's line is labelled with its village.
    let label = |b: &serde_json::Value| match (b["township"].as_str(), b["village"].as_str()) {
        (Some(t), Some(v)) => format!("{} · {t} {v}", b["name"].as_str().unwrap()),
        _ => b["name"].as_str().unwrap().to_string(),
    };
    for b in doc["summary"]["budgets"].as_array().unwrap() {
        let name = &label(b);
        let (envelope, used) = (
            grouped(b["envelope"].as_str().unwrap()),
            grouped(b["used"].as_str().unwrap()),
        );
        let in_text = text
            .lines()
            .find(|l| l.starts_with(name.as_str()))
            .unwrap_or_else(|| panic!("{name} in\n{text}"));
        assert!(
            in_text.contains(&envelope) && in_text.contains(&used),
            "{in_text} / {envelope} {used}"
        );
        let in_md = md
            .lines()
            .find(|l| l.starts_with(&format!("| {name} |")))
            .unwrap_or_else(|| panic!("{name} in\n{md}"));
        assert!(
            in_md.contains(&format!("| {envelope} | {used} |")),
            "{in_md}"
        );
    }
    for (key, label) in [
        ("cost", "cost"),
        ("subsidy_total", "subsidy_total"),
        ("shortfall", "shortfall"),
    ] {
        let v = grouped(doc["summary"]["total"][key].as_str().unwrap());
        let in_text = text.lines().find(|l| l.starts_with(label)).unwrap();
        assert!(in_text.ends_with(&v), "{in_text} / {v}");
    }
    // The Excel report: its budget rows and its segments sheet's totals row.
    use calamine::{open_workbook_auto, Data, Reader};
    env.roadsub(&["batch", &example(), "-o", "report.xlsx"])
        .expect_code(0);
    let mut book = open_workbook_auto(env.path("report.xlsx")).unwrap();
    let names = book.sheet_names();
    let fen = |d: &Data| match d {
        Data::Float(f) => format!("{f:.2}"),
        other => format!("{other:?}"),
    };
    let summary = book.worksheet_range(&names[1]).unwrap();
    for b in doc["summary"]["budgets"].as_array().unwrap() {
        let name = &label(b);
        let row = summary
            .rows()
            .find(|r| matches!(&r[0], Data::String(s) if s == name))
            .unwrap_or_else(|| panic!("{name} in the summary sheet"));
        assert_eq!(
            (fen(&row[1]), fen(&row[2])),
            (
                b["envelope"].as_str().unwrap().to_string(),
                b["used"].as_str().unwrap().to_string()
            ),
            "{name}"
        );
    }
    let segments = book.worksheet_range(&names[0]).unwrap();
    let header: Vec<String> = segments
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let totals = segments.rows().next_back().unwrap();
    for key in ["subsidy_total", "shortfall"] {
        let col = header
            .iter()
            .position(|h| *h == format!("{key} (yuan)"))
            .unwrap();
        assert_eq!(
            fen(&totals[col]),
            doc["summary"]["total"][key].as_str().unwrap(),
            "{key}"
        );
    }
}

#[test]
fn a_zero_envelope_has_no_share_in_the_workbook_report_as_in_the_text_summary() {
    // The defect: the Excel report showed 0.0% use beside "OVER BUDGET" for an envelope of 0.
    use calamine::{open_workbook_auto, Data, Reader};
    let env = Env::new();
    let shipped =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules.toml")).unwrap();
    let r = env.write(
        "rules.toml",
        format!("{shipped}\n[[budgets]]\nfund = \"transport\"\nname_en = \"Zero\"\nname = \"零额度\"\namount = \"0\"\n"),
    );
    let t = table(&env);
    let text = env
        .roadsub(&["batch", &t, "--rules", &r, "--summary", "-o", "out.csv"])
        .expect_code(0)
        .stdout;
    let line = text.lines().find(|l| l.starts_with("Zero")).unwrap();
    assert!(line.ends_with('—'), "{line}");
    env.roadsub(&["batch", &t, "--rules", &r, "-o", "report.xlsx"])
        .expect_code(0);
    let mut book = open_workbook_auto(env.path("report.xlsx")).unwrap();
    let names = book.sheet_names();
    let range = book.worksheet_range(&names[1]).unwrap();
    let row = range
        .rows()
        .find(|r| matches!(&r[0], Data::String(s) if s == "Zero"))
        .unwrap();
    assert_eq!(row[5], Data::String("—".into()));
    assert_eq!(
        row[6],
        Data::String(
            "OVER BUDGET: Zero needs 1,575,000.00 yuan, 1,575,000.00 more than its envelope of 0.00 yuan"
                .into()
        )
    );
}

/// The defect (review 48): a village's name on two lines of its cell, its line ended `\r\n`
/// in one table (saved on Windows) and `\n` in another, printed alike but was two villages:
/// two groups, two notices, and under a budget per village two envelopes each within bounds
/// where the one village is over. However its lines end, a name is one place, in every
/// command.
#[test]
fn a_village_on_two_lines_ended_crlf_in_one_table_and_lf_in_another_is_one_village() {
    let env = Env::new();
    let r = rules(&env);
    let head = "id,township,village,class,width_m,length_km,cost_per_km";
    let a = env.write(
        "a.csv",
        format!("{head}\r\nA1,东镇,甲村,village,4.5,1,1000000\r\nB1,东镇,\"乙\r\n村\",village,4.5,1,1000000\r\n"),
    );
    let b = env.write(
        "b.csv",
        format!("{head}\nB2,东镇,\"乙\n村\",village,4.5,1,1000000\nC1,西镇,丙村,village,4.5,0.5,1000000\n"),
    );
    let out = env
        .roadsub(&[
            "batch", &a, &b, "--rules", &r, "--by", "village", "-o", "out.csv",
        ])
        .expect_code(0);
    let lines = |text: &str, start: &[&str]| -> Vec<String> {
        text.lines()
            .filter(|l| start.iter().any(|s| l.starts_with(s)))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    };
    assert_eq!(
        lines(&out.stdout, &["Per village", "OVER BUDGET", "东镇", "西镇"]),
        [
            "Per village · 东镇 甲村 300,000.00 300,000.00 300,000.00 0.00 100.0%",
            "Per village · 东镇 乙↵村 300,000.00 600,000.00 600,000.00 over by 300,000.00 200.0%",
            "Per village · 西镇 丙村 300,000.00 150,000.00 150,000.00 150,000.00 50.0%",
            "OVER BUDGET: Per village · 东镇 乙↵村 needs 600,000.00 yuan, 300,000.00 more than its envelope of 300,000.00 yuan",
            "东镇 甲村 1 1 0 450,000.00 300,000.00 750,000.00 250,000.00 250,000.00",
            "东镇 乙↵村 2 2 0 900,000.00 600,000.00 1,500,000.00 500,000.00 500,000.00",
            "西镇 丙村 1 0.5 0 225,000.00 150,000.00 375,000.00 125,000.00 125,000.00",
        ],
        "{}",
        out.stdout
    );
    // The cells are written back as read, each with its own line end.
    assert!(env.read("out.csv").contains("B1,东镇,\"乙\r\n村\",village"));
    assert!(env.read("out.csv").contains("B2,东镇,\"乙\n村\",village"));
    // compare: one group, one envelope, over under the rules in force.
    env.roadsub(&[
        "compare",
        &a,
        &b,
        "--rules",
        &r,
        "--set",
        "poverty.village.4.5=40万",
        "-o",
        "c.md",
    ])
    .expect_code(0)
    .stderr_ends("wrote 4 rows to c.md\n");
    let md = env.read("c.md");
    assert_eq!(
        lines(&md, &["| 东镇 乙", "| Per village · 东镇 乙", "under the"]),
        [
            "| 东镇 乙 村 | 900,000.00 | 900,000.00 | 0.00 | 600,000.00 | 800,000.00 | +200,000.00 | 1,500,000.00 | 1,700,000.00 | +200,000.00 | 500,000.00 | 300,000.00 | −200,000.00 | 500,000.00 | 300,000.00 | −200,000.00 |",
            "| Per village · 东镇 乙 村 | 300,000.00 | 300,000.00 | 600,000.00 | 800,000.00 | 600,000.00 | 800,000.00 | 0.00 | 0.00 |",
            "under the rules in force: OVER BUDGET: Per village · 东镇 乙↵村 needs 600,000.00 yuan, 300,000.00 more than its envelope of 300,000.00 yuan",
            "under the variant: OVER BUDGET: Per village · 东镇 甲村 needs 400,000.00 yuan, 100,000.00 more than its envelope of 300,000.00 yuan",
            "under the variant: OVER BUDGET: Per village · 东镇 乙↵村 needs 800,000.00 yuan, 500,000.00 more than its envelope of 300,000.00 yuan",
        ],
        "{md}"
    );
    // notice: one notice for the village, its two segments in it.
    let notices = env.file("notices");
    env.roadsub(&["notice", &a, &b, "--rules", &r, "-o", &notices])
        .expect(0, "", &format!("wrote 3 notices to {notices}\n"));
    let mut names: Vec<String> = std::fs::read_dir(env.path("notices"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["东镇-乙_村.xlsx", "东镇-甲村.xlsx", "西镇-丙村.xlsx"]
    );
}
