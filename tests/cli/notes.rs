//! The notes column read beside amounts in 万元: every amount a note quotes says its unit, in
//! both languages, so 600,000.00 in a note is never taken for 600,000 万元.

use std::path::Path;

use super::*;

/// Rows that bring the notes no fixture has: an approval under the ceiling, sources beyond
/// the gap, money paid ahead of the work or beyond a cut subsidy, a cost typed in 万元.
const EVERY_KIND: &str = "id,township,village,class,width_m,length_km,cost,other_funds,completed_km,已拨付,poverty_approved
A,T,V,village,4.5,2,1600000,30000,0.7,1000000,450000
B,T,V,village,4.5,2,1600000,150000.50,,,
C,T,V,village,4.5,2.1,63,,,,
K1,T,V,group,3.5,1,300000,,1,240000,
";

/// The numbers in `note` with a decimal point or a thousands separator that no unit follows.
fn amounts_without_unit(note: &str) -> Vec<String> {
    const UNITS: [&str; 10] = ["元", "万", "yuan", "公里", "km", "米", "m", "%", "/", "–"];
    let mut bare = Vec::new();
    let mut rest = note;
    while let Some(at) = rest.find(|c: char| c.is_ascii_digit()) {
        let tail = &rest[at..];
        let len = tail
            .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
            .unwrap_or(tail.len());
        let number = tail[..len].trim_end_matches([',', '.']);
        let after = tail[number.len()..].trim_start_matches(' ');
        let unit = UNITS.iter().find(|u| after.starts_with(**u)).filter(|u| {
            // A unit in letters ends there: "m tier", not "m" of "more".
            !u.is_ascii() || !after[u.len()..].starts_with(|c: char| c.is_ascii_alphabetic())
        });
        if number.contains([',', '.']) && unit.is_none() {
            bare.push(format!(
                "{number} (then {:?})",
                after.chars().take(12).collect::<String>()
            ));
        }
        rest = &tail[number.len()..];
    }
    bare
}

fn csv_files(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    files.sort();
    files
}

#[test]
fn every_amount_in_every_note_says_its_unit() {
    let env = Env::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut inputs = csv_files(&root.join("examples"));
    inputs.extend(csv_files(&root.join("tests/data")));
    inputs.extend(csv_files(&root.join("tests/data/office")));
    inputs.push(env.write("every-kind.csv", EVERY_KIND));
    let shipped = std::fs::read_to_string(root.join("rules.toml")).unwrap();
    let cut = env.write(
        "cut.toml",
        format!(
            "{}\n[[budgets]]\nfund = \"poverty\"\nclass = \"group\"\nname_en = \"G\"\nname = \"G\"\namount = \"5万\"\non_overrun = \"prorate\"\n",
            &shipped[..shipped.find("\n# 预算额度").unwrap()]
        ),
    );
    let rules = [
        None,
        Some(
            root.join("examples/anyue-2018-prorate.toml")
                .to_string_lossy()
                .into_owned(),
        ),
        Some(data("dated-rules.toml")),
        Some(data("anyue-2018-village-group-50.toml")),
        Some(cut),
    ];
    let (mut seen, mut bare) = (Vec::new(), Vec::new());
    for input in &inputs {
        for rule in &rules {
            for lang in ["zh", "en"] {
                let mut args = vec!["batch", input, "--keep-going", "--format", "jsonl"];
                args.extend(["--lang", lang]);
                if let Some(r) = rule {
                    args.extend(["--rules", r]);
                }
                let out = env.roadsub(&args).run();
                for line in out.stdout.lines() {
                    let row: serde_json::Value = serde_json::from_str(line).unwrap();
                    for note in row["notes"].as_array().unwrap() {
                        let note = note.as_str().unwrap();
                        for number in amounts_without_unit(note) {
                            bare.push(format!("{number} in {note:?}"));
                        }
                        seen.push(note.to_string());
                    }
                }
            }
        }
    }
    bare.sort();
    bare.dedup();
    assert!(
        bare.is_empty(),
        "{} bare numbers:\n{}",
        bare.len(),
        bare.join("\n")
    );
    // Every kind of note that quotes a number was checked, in both languages.
    for kind in [
        "米低于",
        "m minimum",
        "米档",
        "m tier",
        "补助不超过造价",
        "does not exceed the cost",
        "按申请额同比例分配",
        "in proportion to what each asked",
        "批复",
        "approved at",
        "多出",
        "a surplus of",
        "超前拨付",
        "paid ahead of the work",
        "多拨",
        "paid out too much",
        "警告：造价",
        "warning: cost",
    ] {
        assert!(
            seen.iter().any(|n| n.contains(kind)),
            "no note with {kind:?}"
        );
    }
}

#[test]
fn the_checker_finds_an_amount_without_its_unit() {
    assert_eq!(
        amounts_without_unit("县扶贫专项补助由 600,000.00 核减为 60,000.00 元，补助不超过造价"),
        ["600,000.00 (then \"核减为 60,000.0\")"]
    );
    assert_eq!(
        amounts_without_unit(
            "a surplus of 70,000.00; width 4.5 m, 50,000–5,000,000 yuan, 3.5 more"
        ),
        ["70,000.00 (then \"; width 4.5 \")", "3.5 (then \"more\")"]
    );
}

#[test]
fn a_note_beside_amounts_in_wan_says_its_amounts_are_in_yuan() {
    // The columns are in 万元 (90.0000 = 900,000 yuan); the note quotes yuan and says so.
    let env = Env::new();
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/office-2018.csv");
    let input = input.to_string_lossy();
    for (lang, line) in [
        (
            "zh",
            "1,石鼓镇,大骥村,通村公路,2,4.5,96,,90.0000,6.0000,96.0000,0.0000,0.0000,\"县扶贫专项补助由 600,000.00 元核减为 60,000.00 元，补助不超过造价\"\n",
        ),
        (
            "en",
            "1,石鼓镇,大骥村,通村公路,2,4.5,96,,90.0000,6.0000,96.0000,0.0000,0.0000,\"County poverty-alleviation special fund cut from 600,000.00 yuan to 60,000.00 yuan so the subsidy does not exceed the cost\"\n",
        ),
    ] {
        env.roadsub(&["batch", &input, "--lang", lang, "--amounts", "万元"])
            .expect_code(0)
            .stdout_has(line);
    }
}
