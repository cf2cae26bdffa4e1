//! `rules show` as a reader sees it: every table's columns at the same terminal cells on every
//! line, numbers with their points one above the other, and Chinese text without the ids the
//! rules file is written with.

use super::*;
use crate::textwidth::cells;
use unicode_width::UnicodeWidthChar;

/// The rule sets `rules show` is run on: the bundled one, the examples and test data, and one
/// with the shapes those lack (widths of different digits, dates, a per-village budget).
fn rule_sets() -> Vec<(String, RuleSet)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("examples/anyue-2018-prorate.toml")];
    let mut data: Vec<_> = std::fs::read_dir(root.join("tests/data"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    data.sort();
    assert!(!data.is_empty());
    files.extend(data);
    let mut sets = vec![("built-in".to_string(), RuleSet::builtin())];
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let name = f.display().to_string();
        sets.push((name.clone(), RuleSet::from_toml(&text, &name).unwrap()));
    }
    let odd = format!(
        "{HEAD}[[classes]]\nid = \"group\"\nname = \"通社公路\"\naliases = [\"通社\"]\n\
         [[funds]]\nid = \"transport\"\nname = \"县交通局补助\"\nname_en = \"Transport\"\n\
         [[funds.tiers]]\nclasses = [\"village\", \"group\"]\nmin_width_m = 4\nrate_per_km = \"15万\"\n\
         quote = \"四米\"\nuntil = 2018-12-31\n\
         [[funds.tiers]]\nclasses = [\"group\"]\nmin_width_m = 3.25\nrate_per_km = \"152500.5\"\n\
         quote = \"三米二五\"\nfrom = 2019-01-01\n\
         [[funds.tiers]]\nclasses = [\"village\"]\nmin_width_m = 12.5\nrate_per_km = 9\n\
         [[budgets]]\nfund = \"transport\"\nname = \"甲\"\nname_en = \"A\"\namount = 1\n\
         [[budgets]]\nsource = \"village_fund\"\nper_village = true\namount = \"200万\"\n\
         [[budgets]]\nfund = \"transport\"\nclass = \"group\"\namount = \"12345.6\"\non_overrun = \"prorate\"\n"
    );
    sets.push((
        "odd".to_string(),
        RuleSet::from_toml(&odd, "odd.toml").unwrap(),
    ));
    sets
}

/// A line as the terminal shows it: each character with the cell it starts at and its width.
fn placed(line: &str) -> Vec<(usize, char, usize)> {
    let mut at = 0;
    line.chars()
        .map(|c| {
            let w = c.width().unwrap_or(0);
            at += w;
            (at - w, c, w)
        })
        .collect()
}

/// A table as printed: its columns' cell spans (first cell, one past the last) and its lines,
/// heading first.
type Printed<'a> = (Vec<(usize, usize)>, Vec<&'a str>);

/// Each table of `text` (a heading line over a line of `─` runs).
fn tables(text: &str) -> Vec<Printed<'_>> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (i, rule) in lines.iter().enumerate().skip(1) {
        if !rule.starts_with('─') {
            continue;
        }
        let mut spans = Vec::new();
        let mut start = None;
        for (at, c, _) in placed(rule) {
            match (c, start) {
                ('─', None) => start = Some(at),
                (' ', Some(s)) => {
                    spans.push((s, at));
                    start = None;
                }
                ('─' | ' ', _) => {}
                _ => panic!("a rule line holds {c:?}: {rule}"),
            }
        }
        if let Some(s) = start {
            spans.push((s, cells(rule)));
        }
        // The table: its heading, then rows up to a blank line or an indented note.
        let rows = lines[i + 1..]
            .iter()
            .take_while(|l| !l.is_empty() && !l.starts_with(' '))
            .copied();
        found.push((spans, std::iter::once(lines[i - 1]).chain(rows).collect()));
    }
    found
}

/// Whether a cell holds a number (an amount, a width or a rate with its unit, `up to` one).
fn numeric(cell: &str) -> bool {
    let cell = cell.trim();
    let cell = cell.strip_prefix("up to ").unwrap_or(cell);
    cell.starts_with(|c: char| c.is_ascii_digit())
}

/// Checks one table; `what` names it in a failure.
fn check_table(what: &str, spans: &[(usize, usize)], lines: &[&str]) {
    let mut starts_flush = vec![true; spans.len()];
    let mut ends_flush = vec![true; spans.len()];
    // Per column, where each cell's number ends its whole part (its point, or where it would
    // be): in a column of numbers, the same cell on every line.
    let mut points: Vec<Vec<usize>> = vec![Vec::new(); spans.len()];
    let mut all_numeric = vec![true; spans.len()];
    for (n, line) in lines.iter().enumerate() {
        let chars = placed(line);
        let last = spans.last().unwrap().1;
        assert!(
            cells(line) <= last,
            "{what}: a line runs past the rule:\n{line}"
        );
        for &(at, c, w) in &chars {
            let inside = spans.iter().position(|&(s, e)| at >= s && at < e);
            match inside {
                None => assert_eq!(
                    c, ' ',
                    "{what}: {c:?} at cell {at} is between columns:\n{line}"
                ),
                Some(i) => assert!(
                    at + w <= spans[i].1,
                    "{what}: {c:?} at cell {at} straddles the end of column {i}:\n{line}"
                ),
            }
        }
        for (i, &(s, e)) in spans.iter().enumerate() {
            let cell: String = chars
                .iter()
                .filter(|&&(at, ..)| at >= s && at < e)
                .map(|&(_, c, _)| c)
                .collect();
            if cell.trim().is_empty() {
                continue;
            }
            let lead = cells(&cell) - cells(cell.trim_start());
            let used = s + cells(cell.trim_end());
            starts_flush[i] &= lead == 0;
            ends_flush[i] &= used == e || i + 1 == spans.len() && n > 0 && used <= e;
            if n > 0 {
                all_numeric[i] &= numeric(&cell);
                // The cells before the number's whole part ends.
                let text = cell.trim_start();
                let digits = text.find(|c: char| c.is_ascii_digit()).unwrap_or(0);
                let end = text[digits..]
                    .find(|c: char| !(c.is_ascii_digit() || c == ','))
                    .map_or(text.len(), |e| digits + e);
                points[i].push(s + lead + cells(&text[..end]));
            }
        }
    }
    for i in 0..spans.len() {
        // Numbers are padded to line up, checked below.
        assert!(
            starts_flush[i] || ends_flush[i] || all_numeric[i],
            "{what}: column {i} is neither flush left nor flush right:\n{}",
            lines.join("\n")
        );
        if all_numeric[i] && !points[i].is_empty() {
            assert!(
                points[i].iter().all(|&p| p == points[i][0]),
                "{what}: the numbers of column {i} do not line up on their points:\n{}",
                lines.join("\n")
            );
        }
    }
}

#[test]
fn every_table_of_rules_show_keeps_its_columns_at_the_same_cells_in_both_languages() {
    let sets = rule_sets();
    for (name, rules) in &sets {
        for lang in [Lang::En, Lang::Zh] {
            let text = describe(rules, lang);
            let found = tables(&text);
            // Classes, tiers and (where there are any) budgets.
            let expected = 2 + usize::from(!rules.budgets.is_empty());
            assert_eq!(found.len(), expected, "{name} {lang:?}:\n{text}");
            for (k, (spans, lines)) in found.iter().enumerate() {
                assert!(lines.len() >= 2, "{name} {lang:?} table {k}: no rows");
                check_table(&format!("{name} {lang:?} table {k}"), spans, lines);
            }
        }
    }
}

#[test]
fn a_budget_for_each_village_keeps_its_amount_in_line_with_the_others() {
    // "2,000,000.00 每村" stood in the amount column, its point five cells left of the others'.
    let zh = describe(&RuleSet::builtin(), Lang::Zh);
    let budgets = &zh[zh.find("预算额度").unwrap()..];
    assert_eq!(
        budgets,
        "预算额度        资金或筹资来源  类别        金额（元）  范围\n\
         ──────────────  ──────────────  ────────  ────────────  ────\n\
         通村硬化路建设  县扶贫专项补助  通村公路  4,965,000.00  总额\n\
         社级道路建设    县扶贫专项补助  通社公路  6,900,000.00  总额\n\
         村项目资金      村项目资金      全部      2,000,000.00  每村\n"
    );
    let en = describe(&RuleSet::builtin(), Lang::En);
    let budgets = &en[en.find("budget ").unwrap()..];
    assert_eq!(
        budgets,
        "budget                  fund or source                       class                amount (yuan)  scope\n\
         ──────────────────────  ───────────────────────────────────  ───────────────────  ─────────────  ────────────\n\
         Village road hardening  poverty                              village-access road   4,965,000.00  in total\n\
         Group road building     poverty                              group-access road     6,900,000.00  in total\n\
         Village project fund    village_fund (village project fund)  all                   2,000,000.00  each village\n"
    );
}

#[test]
fn chinese_rules_show_names_funds_classes_and_rounding_without_ids() {
    for (name, rules) in rule_sets() {
        let zh = describe(&rules, Lang::Zh);
        let ids: Vec<&str> = rules
            .funds
            .iter()
            .map(|f| f.id.as_str())
            .chain(rules.classes.iter().map(|c| c.id.as_str()))
            .chain([
                "half_away_from_zero",
                "half_even",
                "village_fund",
                "other_funds",
                "yishi_yiyi",
                "self_raised",
            ])
            .collect();
        // The file's own path may hold any word: it is the one line not checked.
        for line in zh.lines().filter(|l| !l.starts_with("  文件")) {
            for word in line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
                assert!(!ids.contains(&word), "{name}: id {word:?} in\n{line}");
            }
        }
        let rounding = match rules.meta.rounding {
            Rounding::HalfAwayFromZero => "四舍五入",
            Rounding::HalfEven => "四舍六入五成双",
        };
        let said = zh.lines().find_map(|l| l.strip_prefix("  舍入"));
        assert_eq!(said.map(str::trim), Some(rounding), "{name}:\n{zh}");
    }
    let zh = describe(&RuleSet::builtin(), Lang::Zh);
    assert!(zh.contains(
        "\n类别      也可写作\n\
         ────────  ──────────────────────────────────────────────────────────────────────────────\n\
         通村公路  通村、建制村、通村路、通村道路\n"
    ));
    assert!(zh.contains(
        "\n资金来源        适用类别            最小宽度  补助标准\n\
         ──────────────  ──────────────────  ────────  ───────────────\n\
         县交通局补助    通村公路、通社公路  3.5 米    15万元/公里\n"
    ));
    assert!(zh.contains("\n\n县交通局补助\n  依据    "));
    // English keeps the ids the rules file is written with, beside the names.
    let en = describe(&RuleSet::builtin(), Lang::En);
    assert!(en.contains("  rounding   half away from zero, 四舍五入 (half_away_from_zero)\n"));
    assert!(en.contains("\nCounty transport bureau subsidy (transport)\n"));
    assert!(en.contains("\nvillage  village-access road  通村, 建制村, 通村路, 通村道路\n"));
}
