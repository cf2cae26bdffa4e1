use super::*;
use crate::engine::Cost;
use crate::rules::RuleSet;

/// Parses every row of `csv`, returning the segments' ids and every message in `lang`.
fn parse_all(csv: &str, lang: Lang) -> (Vec<String>, Vec<String>) {
    let rules = RuleSet::builtin();
    let (columns, mut table) = open(csv.as_bytes())
        .map_err(|e| e.render("t.csv", lang))
        .unwrap();
    let (mut ids, mut errors) = (Vec::new(), Vec::new());
    while let Some(item) = table.next_item().unwrap() {
        match item {
            Item::Record(r) => {
                if let Some((_, text)) = row::parse(&r, &columns, &rules, &mut errors) {
                    ids.push(text.id.to_string());
                }
            }
            Item::Skipped(e) => errors.push(e),
        }
    }
    (
        ids,
        errors
            .iter()
            .map(|e| e.render("t.csv", &rules, lang))
            .collect(),
    )
}

const HEAD: &str = "id,township,village,class,width_m,length_km,cost,completed_km,households\n";

#[test]
fn spec_example_message_for_a_bad_length() {
    let csv = format!("{HEAD}S1,天马乡,画青村,village,4.5,abc,1600000,,\n");
    assert_eq!(
        parse_all(&csv, Lang::En).1,
        ["t.csv:2: length_km \"abc\" is not a length (expected km like 1.25, 1.25公里 or 850米)"]
    );
    assert_eq!(
        parse_all(&csv, Lang::Zh).1,
        ["t.csv:2: length_km \"abc\" 不是长度（应为公里数，如 1.25、1.25公里 或 850米）"]
    );
}

#[test]
fn every_problem_of_every_row_is_listed() {
    let csv = format!(
        "{HEAD}\
         S1,t,v,lane,4.5,1,100,,\n\
         S2,t,v,village,4.5,0,100,,\n\
         S3,t,v,village,4.5,2,100,3,\n\
         S4,t,v,village,4.5,2,100,,0\n\
         S5,t,v,village,4.5,2,,,\n\
         S6,t,v,village,NaN,inf,1e30,,\n\
         S7,t,v,village,4.5,2,1000000000000000,,\n\
         S8,t,v,village\n\
         ,t,v,village,4.5,-1,100,,\n"
    );
    let (ids, errors) = parse_all(&csv, Lang::En);
    assert!(ids.is_empty(), "{ids:?}");
    assert_eq!(
        errors,
        [
            "t.csv:2: class \"lane\" is not a known road class (known: village (通村公路, 通村, 建制村, 通村路, 通村道路); \
             group (通社公路, 通社, 社道, 通组, 通組, 通组路, 通組路, 社级道路, 社級道路))",
            "t.csv:3: length_km \"0\" must be greater than 0",
            "t.csv:4: completed_km \"3\" is more than the length of 2 km",
            "t.csv:5: households \"0\" must be greater than 0",
            "t.csv:6: cost has no cost: give cost or cost_per_km",
            "t.csv:7: width_m \"NaN\" is not a width (expected metres like 4.5, 4.5m or 4.5米)",
            "t.csv:7: length_km \"inf\" is not a length (expected km like 1.25, 1.25公里 or 850米)",
            "t.csv:7: cost \"1e30\" is not an amount of money (expected yuan like 1200000, 1,200,000, 120万 or 1.06亿)",
            "t.csv:8: cost \"1000000000000000\" is too large for exact money (at most 999,999,999,999,999.99 yuan)",
            "t.csv:9: row has 4 fields but the header has 9",
            "t.csv:10: id is empty (a value is required)",
            "t.csv:10: length_km \"-1\" must not be negative",
        ]
    );
}

#[test]
fn an_unbalanced_quote_is_named() {
    let csv = format!("{HEAD}S1,t,\"v,village,4.5,1,100,,\nS2,t,v,village,4.5,1,100,,\n");
    let (ids, errors) = parse_all(&csv, Lang::En);
    assert!(ids.is_empty());
    assert_eq!(
        errors,
        ["t.csv:2: row has 3 fields but the header has 9 (a quote (\") that is never closed runs over several lines)"]
    );
}

#[test]
fn units_full_width_and_aliases_in_values() {
    let rules = RuleSet::builtin();
    let csv = "编号,乡镇,村,类别,宽度,长度,每公里造价,整合资金\nA,天马乡,画青村,建制村,４．５米,850米,40万/公里,\"1,000\"\n";
    let (columns, mut table) = open(csv.as_bytes()).unwrap();
    let Some(Item::Record(r)) = table.next_item().unwrap() else {
        panic!()
    };
    let mut errors = Vec::new();
    let (seg, text) = row::parse(&r, &columns, &rules, &mut errors).unwrap();
    assert_eq!(
        (text.id, text.township, text.village),
        ("A", "天马乡", "画青村")
    );
    assert_eq!(rules.classes[seg.class].id, "village");
    assert_eq!(seg.width_m.to_string(), "4.5");
    assert_eq!(seg.length_km.to_string(), "0.850");
    assert_eq!(seg.cost, Cost::PerKm("400000".parse().unwrap()));
    assert_eq!(seg.other_funds.to_string(), "1000");
}

#[test]
fn empty_and_header_only() {
    assert!(matches!(open(&b""[..]), Err(TableError::Empty)));
    assert_eq!(parse_all(HEAD, Lang::En), (vec![], vec![]));
}

#[test]
fn a_totals_row_is_told_from_a_segment() {
    let columns =
        Columns::from_header(["编号", "乡镇", "村", "类别", "宽度", "长度", "投资"]).unwrap();
    let is_totals = |fields: &[&str]| {
        let text: String = fields.concat();
        let mut ends = Vec::new();
        let mut at = 0;
        for f in fields {
            at += f.len();
            ends.push(at);
        }
        row::is_totals_row(&Record::new(2, &text, &ends, false), &columns)
    };
    assert!(is_totals(&["合计", "", "", "", "", "", "1,200万"]));
    assert!(is_totals(&["Totals:", "", "", "", "", "", "12000000"]));
    assert!(is_totals(&["合 计", "", "", "", "", "", ""]));
    // A segment whose id happens to say Total has a village, a class and a length.
    assert!(!is_totals(&["Total", "t", "v", "通村", "4.5", "1", "100"]));
    assert!(!is_totals(&["AY-01", "", "", "", "", "", ""]));
}
