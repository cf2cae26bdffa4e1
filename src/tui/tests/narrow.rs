//! The table on a narrow screen (80 and 100 columns): the cost beside the subsidies, amounts
//! and subtotals never cut, subtotal labels that tell groups apart.

use super::*;

const PLAN: &str = "examples/anyue-2018-plan.csv";

const SIZES: [(u16, u16); 2] = [(80, 24), (100, 30)];
const VARIANT: &str = "vpoverty.group.3.5=15万<Enter>";

/// The table's lines on `screen`: the header (line 1) down to the panes' top frame.
fn table_lines(screen: &[String]) -> &[String] {
    let end = screen
        .iter()
        .position(|l| l.starts_with('┌'))
        .unwrap_or(screen.len());
    &screen[1..end]
}

/// The titles of the computed and change columns, as the header shows them.
fn computed_titles(app: &App) -> Vec<String> {
    (app.input_cols()..app.ncols())
        .map(|c| app.title(c))
        .collect()
}

/// Asserts no `…` stands next to a digit on the table's lines: no amount is cut.
fn assert_no_cut_amount(lines: &[String], what: &str) {
    for line in lines {
        let chars: Vec<char> = line.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            if c != '…' {
                continue;
            }
            let near = |j: Option<usize>| {
                j.and_then(|j| chars.get(j))
                    .is_some_and(|d| d.is_ascii_digit() || *d == ',' || *d == '.')
            };
            assert!(
                !near(i.checked_sub(1)) && !near(Some(i + 1)),
                "{what}: an amount cut in {line:?}"
            );
        }
    }
}

/// Whether subtotal `line` is the one of group `key`: its label is the key whole, with or
/// without the word and the count.
fn labels(line: &str, key: &str) -> bool {
    let label = line.trim_start_matches("Σ ");
    let label = label
        .strip_prefix("小计 ")
        .or_else(|| label.strip_prefix("subtotal "))
        .unwrap_or(label);
    // A label cut at its start keeps the key's end (`…桥铺镇 示例村05`).
    if let Some(end) = label.strip_prefix('…') {
        return end
            .match_indices(' ')
            .any(|(at, _)| at > 0 && key.ends_with(&end[..at]) && key.len() > at);
    }
    label
        .strip_prefix(key)
        .is_some_and(|rest| rest.starts_with(['（', ' ']))
}

#[test]
fn subtotal_amounts_are_shown_whole_at_80_and_100_columns_in_yuan_and_wan() {
    // Grouped by township ("t") and by village ("tt"), the unit switched before and after
    // grouping (the defect: widths measured again for a new unit forgot the subtotals).
    for lang in [Lang::Zh, Lang::En] {
        for keys in ["t", "tt", "mt", "mtt", "tm", "ttm", "ttmm"] {
            for (w, h) in SIZES {
                let what = format!("{lang:?} {keys} {w}×{h}");
                let (mut app, _dir, _) = open_bundled(PLAN, lang);
                press(&mut app, keys);
                // The cursor on the table's last line, so the screen shows subtotals.
                for _ in 0..3 {
                    let s = screen(&mut app, w, h);
                    let table = table_lines(&s);
                    assert_no_cut_amount(table, &what);
                    let header: Vec<&str> = table[0].split_whitespace().collect();
                    let titles = computed_titles(&app);
                    let shown: Vec<usize> = header
                        .iter()
                        .filter_map(|t| titles.iter().position(|x| x == t))
                        .map(|i| i + app.input_cols())
                        .collect();
                    assert!(!shown.is_empty(), "{what}: {}", table[0]);
                    // The last column on screen is whole: its title is a computed one.
                    assert!(
                        titles.iter().any(|t| t == header[header.len() - 1]),
                        "{what}: {}",
                        table[0]
                    );
                    let mut subtotals = 0;
                    for line in table.iter().filter(|l| l.starts_with('Σ')) {
                        let sub = app
                            .lines
                            .iter()
                            .find_map(|l| match l {
                                Line::Subtotal(sub) if labels(line, &sub.key) => Some(sub),
                                _ => None,
                            })
                            .unwrap_or_else(|| panic!("{what}: no subtotal for {line}"));
                        let want: Vec<String> = shown
                            .iter()
                            .map(|&c| {
                                let column = app.computed_column(c - app.input_cols()).unwrap();
                                app.show_amount(sub.amount(column))
                            })
                            .collect();
                        let tokens: Vec<&str> = line.split_whitespace().collect();
                        assert_eq!(
                            tokens[tokens.len() - want.len()..],
                            want.iter().map(String::as_str).collect::<Vec<_>>(),
                            "{what}: {line}"
                        );
                        subtotals += 1;
                    }
                    assert!(subtotals > 0, "{what}:\n{}", table.join("\n"));
                    press(&mut app, &"<PgDn>".repeat(2));
                }
            }
        }
    }
}

#[test]
fn a_subtotal_measured_in_wan_is_not_cut_once_shown_in_yuan() {
    // The defect: grouping first and then switching to 元 measured the columns again from
    // the rows only, so 大埝乡 黄金村's shortfall subtotal, wider than any row's, showed as
    // "1,080,000…" (switching to 元 before grouping was right).
    for keys in ["ttm", "ttmmm", "ttLm"] {
        let (mut app, _dir, _) = open_bundled("examples/anyue-2018.csv", Lang::Zh);
        press(&mut app, keys);
        let s = screen(&mut app, 120, 36).join("\n");
        let line = s
            .lines()
            .find(|l| l.contains("大埝乡 黄金村"))
            .unwrap_or_else(|| panic!("{keys}: {s}"));
        assert!(line.contains(" 1,080,000.00"), "{keys}: {line}");
        assert_no_cut_amount(&[line.to_string()], keys);
    }
}

#[test]
fn at_80_columns_the_computed_columns_no_longer_push_the_cost_out_of_view() {
    // The defect: at 80 columns the id, the township and the computed columns filled the
    // screen, and the cost the subsidies are set against was nowhere in view.
    for lang in [Lang::Zh, Lang::En] {
        for unit in ["", "m"] {
            for variant in ["", VARIANT] {
                for (w, h) in SIZES {
                    // The cursor at the first column, on an input in the middle, on the last
                    // input, and on the last column (a computed or change column).
                    for moves in ["", "lllll", &"l".repeat(15), "<End>"] {
                        let what = format!("{lang:?} {unit:?} {variant:?} {w}×{h} {moves}");
                        let (mut app, _dir, _) = open_bundled(PLAN, lang);
                        press(&mut app, &format!("{variant}{unit}{moves}"));
                        let s = screen(&mut app, w, h);
                        let table = table_lines(&s);
                        assert_no_cut_amount(table, &what);
                        let header: Vec<&str> = table[0].split_whitespace().collect();
                        assert_eq!(header[0], "编号", "{what}: {}", table[0]);
                        assert!(header.contains(&"村"), "{what}: {}", table[0]);
                        let titles = computed_titles(&app);
                        let first = header
                            .iter()
                            .position(|t| titles.iter().any(|x| x == t))
                            .unwrap_or_else(|| panic!("{what}: {}", table[0]));
                        // The cost stands just before the first fund column shown: the rules
                        // in force's, or, with a variant shown, maybe its change.
                        assert_eq!(header[first - 1], "投资", "{what}: {}", table[0]);
                        let fund = app.title(app.input_cols());
                        let delta = format!("Δ{fund}");
                        // (Unless the cursor went to the last column: they scroll to it.)
                        assert!(
                            moves == "<End>" || header[first] == fund || header[first] == delta,
                            "{what}: {}",
                            table[0]
                        );
                        // The current column is on screen.
                        assert!(
                            header
                                .iter()
                                .any(|t| t.trim_start_matches(['↑', '↓']) == app.title(app.col)),
                            "{what}: column {} not shown: {}",
                            app.title(app.col),
                            table[0]
                        );
                        // AYP-001's cost on its line, beside its amounts.
                        let row = table
                            .iter()
                            .find(|l| l.contains("AYP-001"))
                            .unwrap_or_else(|| panic!("{what}"));
                        // In the unit the table shows (127.5000 in 万元, 1,275,000.00 in 元).
                        let cost = app.show_amount(rust_decimal::Decimal::from(1_275_000));
                        assert!(row.contains(&format!(" {cost} ")), "{what}: {row}");
                    }
                }
            }
        }
    }
}

#[test]
fn the_cost_stands_beside_the_subsidies_at_80_columns_on_screen() {
    let (mut app, _dir, _) = open_bundled(PLAN, Lang::Zh);
    let s = screen(&mut app, 80, 24);
    assert_eq!(
        s[1],
        "  编号    村           投资 县交通局补助 县扶贫专项补助 补助合计     差额"
    );
    assert_eq!(
        s[2],
        "  AYP-001 画青村   127.5000      67.5000        45.0000 112.5000  15.0000"
    );
    press(&mut app, VARIANT);
    let s = screen(&mut app, 80, 24);
    assert_eq!(
        s[1],
        "  编号    村           投资 Δ县交通局补助 Δ县扶贫专项补助 Δ补助合计 Δ尚需筹集"
    );
    assert_eq!(
        s[3],
        "  AYP-002 画青村    96.0000        0.0000        +12.0000  +12.0000  −12.0000"
    );
}

#[test]
fn two_villages_subtotals_at_80_columns_do_not_look_alike() {
    // The defect: "小计 周礼镇 示例…" stood for both 示例村08 and 示例村09.
    for (lang, keys) in [(Lang::Zh, "tt"), (Lang::Zh, "ttm"), (Lang::En, "tt")] {
        let (mut app, _dir, _) = open_bundled(PLAN, lang);
        press(&mut app, keys);
        // Down to 周礼镇's villages.
        let at = app
            .lines
            .iter()
            .position(|l| matches!(l, Line::Row(r) if app.doc.sheet.rows[*r].get(0) == "AYP-033"))
            .unwrap();
        app.cursor = at + 1;
        let s = screen(&mut app, 80, 24);
        let labels: Vec<&String> = table_lines(&s)
            .iter()
            .filter(|l| l.starts_with('Σ'))
            .collect();
        for village in ["示例村08", "示例村09"] {
            assert!(
                labels.iter().any(|l| l.contains(village)),
                "{lang:?} {keys}: {village} in {labels:?}"
            );
        }
        let mut names: Vec<String> = labels
            .iter()
            .map(|l| l.split("  ").next().unwrap().to_string())
            .collect();
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), n, "{labels:?}");
    }
}

#[test]
fn a_subtotal_label_too_long_keeps_its_end() {
    use super::super::view::label_in;
    let labels = [
        "小计 周礼镇 示例村08（2 行）".to_string(),
        "周礼镇 示例村08（2 行）".to_string(),
        "周礼镇 示例村08".to_string(),
    ];
    assert_eq!(label_in(&labels, 40), "小计 周礼镇 示例村08（2 行）");
    assert_eq!(label_in(&labels, 24), "周礼镇 示例村08（2 行）");
    assert_eq!(label_in(&labels, 16), "周礼镇 示例村08");
    assert_eq!(label_in(&labels, 9), "…示例村08");
    assert_eq!(label_in(&labels, 8), "…例村08");
    assert_eq!(label_in(&labels, 0), "");
}

#[test]
fn the_totals_pane_at_80_columns_cuts_no_label_so_two_amounts_look_alike() {
    // The defect: in 元 the subsidy, due, gap and shortfall all read "…", and in 万元
    // "补助合…".
    for lang in [Lang::Zh, Lang::En] {
        for unit in ["", "m"] {
            let (mut app, _dir, _) = open_bundled(PLAN, lang);
            press(&mut app, unit);
            let s = screen(&mut app, 80, 24);
            let pane: Vec<String> = s
                .iter()
                .skip_while(|l| !l.starts_with('┌'))
                .map(|l| l.rsplit('│').nth(1).unwrap_or("").to_string())
                .collect();
            let t = &app.doc.summary().total;
            for (label, amount) in [
                (lang.pick("subsidy", "补助合计"), t.subsidy_total.value()),
                (lang.pick("due", "应拨付"), t.due.value()),
                (lang.pick("gap", "差额"), t.gap.value()),
                (lang.pick("shortfall", "尚需筹集"), t.shortfall.value()),
            ] {
                let shown = app.show_amount(amount);
                assert!(
                    pane.iter().any(|l| {
                        let words: Vec<&str> = l.split_whitespace().collect();
                        words.windows(2).any(|w| w == [label, shown.as_str()])
                    }),
                    "{lang:?} {unit:?}: {label} {shown} in\n{}",
                    pane.join("\n")
                );
            }
            // A budget over is never left out for the km line, nor its name cut to a bare
            // "…" (in 万元 its exact amount leaves room for the name's first words only).
            let over = pane
                .iter()
                .find(|l| l.contains(lang.pick("OVER by", "超支")))
                .unwrap_or_else(|| panic!("{}", pane.join("\n")));
            assert!(
                over.starts_with(lang.pick("Group", "社级")),
                "{}",
                pane.join("\n")
            );
        }
    }
}

#[test]
fn a_township_subtotal_shows_its_km_planned_and_completed_under_their_columns() {
    // 自治乡: 7.6 km planned, 5.5 completed; 宝华乡: 2.8 and 0.6.
    let (mut app, _dir, _) = open_bundled(PLAN, Lang::Zh);
    press(&mut app, "t");
    for (township, planned, done) in [("自治乡", "7.6", "5.5"), ("宝华乡", "2.8", "0.6")] {
        app.cursor = app
            .lines
            .iter()
            .position(|l| matches!(l, Line::Subtotal(sub) if sub.key == township))
            .unwrap();
        let s = screen(&mut app, 240, 40);
        let header = &s[1];
        let (length, completed) = (
            header.find("长度").unwrap() + "长度".len(),
            header.find("已完工").unwrap() + "已完工".len(),
        );
        let line = s
            .iter()
            .find(|l| l.contains(&format!("小计 {township}（")))
            .unwrap_or_else(|| panic!("{}", s.join("\n")));
        // Right-aligned under their titles (the screen lines count bytes as the header does:
        // both hold the same Chinese before these columns' ends, the label aside).
        let cells_to = |text: &str, end: usize| crate::textwidth::cells(&text[..end]);
        let under = |title_end: usize, value: &str| {
            let at = line.find(&format!(" {value} ")).unwrap_or(usize::MAX);
            at != usize::MAX && cells_to(line, at + 1 + value.len()) == cells_to(header, title_end)
        };
        assert!(under(length, planned), "{header}\n{line}");
        assert!(under(completed, done), "{header}\n{line}");
    }
}

/// The bundled plan under the rules that share the poverty fund's envelopes out, in 万元 and
/// grouped by township.
fn zhouli(width: u16) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/anyue-2018-prorate.toml");
    let rules = RuleSet::from_bytes(
        &std::fs::read(&path).unwrap(),
        "prorate",
        &crate::batch::column_taken,
    )
    .unwrap();
    let (mut app, _dir, _) = open_bundled_with(PLAN, rules, Lang::Zh);
    assert_eq!(app.unit, crate::tui::cells::Unit::Wan);
    press(&mut app, "t");
    screen(&mut app, width, 120)
        .into_iter()
        .filter(|l| l.contains("周礼镇"))
        .collect()
}

#[test]
fn wan_amounts_in_the_table_are_exact_so_zhouli_rows_add_up_to_their_subtotal() {
    // Each line's 县扶贫专项补助, 补助合计, 差额 and 尚需筹集: 63,557.86 yuan is 6.355786, not 6.36,
    // and the four rows add up to the subtotal to the fen (rounded to two decimals they read
    // 6.36 + 11.92 + 6.36 + 9.53 = 34.17 beside a subtotal of 34.16).
    let amounts = |l: &str| -> Vec<String> {
        let words: Vec<&str> = l.split_whitespace().collect();
        words[words.len() - 5..words.len() - 1]
            .iter()
            .map(|w| w.to_string())
            .collect()
    };
    let lines = zhouli(200);
    let shown: Vec<Vec<String>> = lines.iter().map(|l| amounts(l)).collect();
    assert_eq!(
        shown,
        [
            ["6.355786", "18.355786", "8.844214", "4.844214"],
            ["11.917099", "34.417099", "27.082901", "18.082901"],
            ["6.355785", "18.355785", "16.844215", "10.844215"],
            ["9.533679", "27.533679", "8.466321", "5.466321"],
            ["34.162349", "98.662349", "61.237651", "39.237651"],
        ]
    );
    assert!(
        lines[4].starts_with("Σ 小计 周礼镇（4 行）"),
        "{}",
        lines[4]
    );
    for c in 0..4 {
        let sum: rust_decimal::Decimal = shown[..4]
            .iter()
            .map(|r| r[c].parse::<rust_decimal::Decimal>().unwrap())
            .sum();
        assert_eq!(sum.to_string(), shown[4][c]);
    }
    // At 100 columns too, no amount of the group is cut.
    // At 100 columns (the township's column out of view, its subtotal not) the subtotal is
    // as exact and whole.
    let narrow = zhouli(100);
    assert_eq!(narrow.len(), 1, "{narrow:#?}");
    assert_eq!(amounts(&narrow[0]), shown[4]);
    assert_no_cut_amount(&narrow, "周礼镇 at 100 columns");
}

/// The totals pane's lines (its frame included) on a `width`×`height` screen of the bundled
/// plan under the rules that share the envelopes out, with poverty.group.3.5=15万 tried.
fn tried_totals(lang: Lang, width: u16, height: u16) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/anyue-2018-prorate.toml");
    let rules = RuleSet::from_bytes(
        &std::fs::read(&path).unwrap(),
        "prorate",
        &crate::batch::column_taken,
    )
    .unwrap();
    let (mut app, _dir, _) = open_bundled_with(PLAN, rules, lang);
    press(&mut app, "vpoverty.group.3.5=15万<Enter>");
    // The variant's message read and gone (a long one is drawn over the panes' last lines).
    screen(&mut app, width, height);
    press(&mut app, "<Esc>");
    let s = screen(&mut app, width, height);
    let top = s.iter().position(|l| l.contains("┐┌")).unwrap();
    let at = s[top].find("┐┌").unwrap() + "┐".len();
    let bottom = top + s[top..].iter().position(|l| l.starts_with('└')).unwrap();
    s[top..=bottom]
        .iter()
        .map(|l| {
            let skip = crate::textwidth::cells(&s[top][..at]);
            let mut used = 0;
            l.chars()
                .skip_while(|c| {
                    used += crate::textwidth::cells(&c.to_string());
                    used <= skip
                })
                .collect()
        })
        .collect()
}

#[test]
fn a_narrow_totals_pane_wraps_budget_labels_instead_of_cutting_them() {
    // The reviewed screens cut 社级道路建… at 80×24 and 社级道… at 100×30: a budget's name
    // too long beside its words takes a line of its own, and the frame says how many lines
    // the pane has no room for.
    for (lang, w, h, want) in [
        (
            Lang::Zh,
            80,
            24,
            vec![
                "┌ 合计（万元）：现行 → 试算 ───────────────┐",
                "│                    现行       试算   变化│",
                "│县交通局补助  1,998.7500 1,998.7500 0.0000│",
                "│县扶贫专项补…   985.5000   985.5000 0.0000│",
                "│补助合计      2,984.2500 2,984.2500 0.0000│",
                "│尚需筹集        710.0500   710.0500 0.0000│",
                "│社级道路建设                              │",
                "│已分配 · 实拨 690.0000 · 申请 1,294.7500  │",
                "└─────────────────────────────── 另有 2 行 ┘",
            ],
        ),
        (
            Lang::Zh,
            100,
            30,
            vec![
                "┌ 合计（万元）：现行 → 试算 ──────────────────────────┐",
                "│                               现行       试算   变化│",
                "│县交通局补助             1,998.7500 1,998.7500 0.0000│",
                "│县扶贫专项补助             985.5000   985.5000 0.0000│",
                "│补助合计                 2,984.2500 2,984.2500 0.0000│",
                "│尚需筹集                   710.0500   710.0500 0.0000│",
                "│社级道路建设 已分配 · 实拨 690.0000 · 申请 1,294.7500│",
                "│村项目资金     2/35 村超支 · 实拨 800.2000           │",
                "└────────────────────────────────────────── 另有 1 行 ┘",
            ],
        ),
        (
            Lang::En,
            80,
            24,
            vec![
                "┌ Totals (万元): in force → variant ───────┐",
                "│                in force    variant change│",
                "│transport     1,998.7500 1,998.7500 0.0000│",
                "│poverty         985.5000   985.5000 0.0000│",
                "│subsidy       2,984.2500 2,984.2500 0.0000│",
                "│shortfall       710.0500   710.0500 0.0000│",
                "│Group road building                       │",
                "│shared out · paid 690.0000 · asked        │",
                "└───────────────────────────────── +4 more ┘",
            ],
        ),
        (
            Lang::En,
            100,
            30,
            vec![
                "┌ Totals (万元): in force → variant ──────────────────┐",
                "│                           in force    variant change│",
                "│transport                1,998.7500 1,998.7500 0.0000│",
                "│poverty                    985.5000   985.5000 0.0000│",
                "│subsidy                  2,984.2500 2,984.2500 0.0000│",
                "│shortfall                  710.0500   710.0500 0.0000│",
                "│Group road building                                  │",
                "│shared out · paid 690.0000 · asked 1,294.7500        │",
                "└──────────────────────────────────────────── +3 more ┘",
            ],
        ),
    ] {
        let got = tried_totals(lang, w, h);
        assert_eq!(got, want, "{lang:?} {w}×{h}");
    }
}

#[test]
fn a_cell_with_a_line_break_keeps_its_row_in_line() {
    // The defect: a cell holding a line break (Alt-Enter in a spreadsheet) was measured with
    // it but drawn without it, so every cell after it on its row stood one column left of
    // its title. Line breaks, tabs and other control characters are shown as marks.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nl.csv");
    std::fs::write(
        &path,
        "编号,乡镇,村,\"路段\n名称\",类别,宽度,长度,投资,备注\n\
         AY-01,天马乡,画青村,\"村委会\n至三组\",通村,4.5,2.1,168万,\"a\tb\r\nc\u{7}\"\n\
         AY-02,天马乡,画青村,二组,社道,3.5,2.4,100万,x\n",
    )
    .unwrap();
    for lang in [Lang::Zh, Lang::En] {
        let mut app = open(&path, lang);
        let s = screen(&mut app, 140, 24);
        let at = |line: &str, what: &str| {
            let at = line
                .find(what)
                .unwrap_or_else(|| panic!("{what} in {line:?}"));
            crate::textwidth::cells(&line[..at])
        };
        assert!(s[1].contains("路段↵名称"), "{:?}", s[1]);
        assert!(s[2].contains("村委会↵至三组 通村"), "{:?}", s[2]);
        assert!(s[2].contains("a→b↵c�"), "{:?}", s[2]);
        assert_eq!(
            at(&s[1], "类别"),
            at(&s[2], "通村"),
            "{lang:?}\n{}",
            s[1..4].join("\n")
        );
        assert_eq!(
            at(&s[2], "通村"),
            at(&s[3], "社道"),
            "{lang:?}\n{}",
            s[1..4].join("\n")
        );
        let width = |l: &str| crate::textwidth::cells(l);
        assert_eq!(width(&s[2]), width(&s[3]), "{lang:?}: rows as wide");
        // Edited, the cell's text is shown with the same marks and is kept as it was.
        press(&mut app, "<Right><Right><Right><Enter>");
        let s = screen(&mut app, 140, 24);
        let colon = lang.pick(": ", "：");
        let prompt = s
            .iter()
            .find(|l| l.contains(&format!("路段↵名称{colon}")))
            .unwrap_or_else(|| panic!("{}", s.join("\n")));
        assert!(
            prompt.ends_with(&format!("路段↵名称{colon}村委会↵至三组")),
            "{prompt:?}"
        );
        press(&mut app, "<Enter>");
        assert_eq!(app.doc.sheet.rows[0].get(3), "村委会\n至三组");
    }
}

/// The defect: an id or a village with a line break broke the line it stood on in the
/// explanation window (`w`: "segment A" then "1: village-access road…") and in the budgets
/// window (`b`: "T 画青" then "村"). Both show the mark, on one line.
#[test]
fn a_line_break_in_an_id_or_a_village_stays_on_its_line_in_the_windows() {
    let table = "id,township,village,class,width_m,length_km,cost\n\
                 \"A\n1\",T,\"画\n青\",group,3.5,1,600000\n\
                 B1,T,\"画\n青\",group,3.5,2,600000\n";
    let rules = super::budgets::rules_with(
        r#"
[[budgets]]
fund = "poverty"
class = "group"
name = "社级道路建设"
name_en = "Group road building"
amount = "10万"
per_village = true
on_overrun = "prorate"
"#,
    );
    let (mut app, _dir) = super::budgets::open_with(rules, table, Lang::En);
    press(&mut app, "w");
    let s = screen(&mut app, 120, 40);
    assert!(
        s.iter()
            .any(|l| l.contains("segment A↵1: group-access road")),
        "{}",
        s.join("\n")
    );
    press(&mut app, "<Esc>b");
    let s = screen(&mut app, 120, 40);
    assert!(s.iter().any(|l| l.contains("T 画↵青")), "{}", s.join("\n"));
    assert!(s.iter().any(|l| l.contains("A↵1 ")), "{}", s.join("\n"));
}
