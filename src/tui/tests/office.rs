//! The table over the sheets county offices keep: a 合计 row under the segments, lengths in
//! metres, costs given per km. Each screen asserted as drawn, in Chinese and English.

use super::*;

/// A copy of a bundled file in a scratch directory, opened in `lang`.
#[test]
fn grouping_puts_a_totals_row_in_no_group_and_gives_it_no_subtotal() {
    // The defect: `t` put the 合计 row into a nameless group of its own, sorted first, with
    // a subtotal of 0 rows.
    let zh = [
        "  1    石鼓镇   大骥村 通村公路  96.0000      90.0000         6.0000  96.0000  0.0000   0.0000",
        "  2    石鼓镇   玉皇村 通组      52.0000      22.5000        15.0000  37.5000 14.5000  14.5000",
        "Σ 小计 石鼓镇（2 行）           148.0000     112.5000        21.0000 133.5000 14.5000  14.5000",
        "  3    自治乡   金鸡村 通村公路 150.0000     144.0000         6.0000 150.0000  0.0000   0.0000",
        "  4    自治乡   金鸡村 社道      60.0000      27.0000        18.0000  45.0000 15.0000  15.0000",
        "Σ 小计 自治乡（2 行）           210.0000     171.0000        24.0000 195.0000 15.0000  15.0000",
        "≡ 合计                          358.0000            —              —        —       —        —",
        "",
    ];
    let en = [
        "  1    石鼓镇   大骥村 通村公路            2  96.0000   90.0000  6.0000  96.0000  0.0000    0.0000",
        "  2    石鼓镇   玉皇村 通组              1.5  52.0000   22.5000 15.0000  37.5000 14.5000   14.5000",
        "Σ subtotal 石鼓镇 (2 rows)               3.5 148.0000  112.5000 21.0000 133.5000 14.5000   14.5000",
        "  3    自治乡   金鸡村 通村公路          3.2 150.0000  144.0000  6.0000 150.0000  0.0000    0.0000",
        "  4    自治乡   金鸡村 社道              1.8  60.0000   27.0000 18.0000  45.0000 15.0000   15.0000",
        "Σ subtotal 自治乡 (2 rows)                 5 210.0000  171.0000 24.0000 195.0000 15.0000   15.0000",
        "≡ 合计                                   8.5 358.0000         —       —        —       —         —",
        "",
    ];
    for (lang, want) in [(Lang::Zh, zh), (Lang::En, en)] {
        let (mut app, _dir, _) = open_bundled("examples/office-2018.csv", lang);
        press(&mut app, "t");
        let s = screen(&mut app, 100, 30);
        let text = s.join("\n");
        assert_eq!(s[2..10].to_vec(), want.to_vec(), "{text}");
        // By village too: no group of its own, no subtotal.
        press(&mut app, "t");
        let s = screen(&mut app, 100, 30);
        let text = s.join("\n");
        assert_eq!(s.iter().filter(|l| l.starts_with("Σ")).count(), 3, "{text}");
        assert!(s[9].starts_with("≡ 合计"), "{text}");
    }
}

#[test]
fn a_group_of_rows_naming_no_township_comes_after_the_named_ones() {
    // The defect: a nameless group sorted first, as an empty name sorts before any. (A row
    // without its township cannot be computed: its group counts none.)
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.csv");
    std::fs::write(
        &path,
        "序号,所属乡镇,村名称,道路等级,建设里程,路面宽度,总投资\n\
         1,,无名村,通村公路,1,4.5,40\n\
         2,石鼓镇,大骥村,通村公路,2,4.5,96\n",
    )
    .unwrap();
    for (lang, want) in [
        (
            Lang::Zh,
            [
                "  2",
                "Σ 小计 石鼓镇（1 行）",
                "✗ 1",
                "Σ 小计 （0 行；1 行 ✗ 未计入）",
            ],
        ),
        (
            Lang::En,
            [
                "  2",
                "Σ subtotal 石鼓镇 (1 row)",
                "✗ 1",
                "Σ  (0 rows, 1 ✗ not counted)",
            ],
        ),
    ] {
        let mut app = open(&path, lang);
        press(&mut app, "t");
        let s = screen(&mut app, 100, 30);
        let text = s.join("\n");
        for (line, start) in s[2..6].iter().zip(want) {
            assert!(line.starts_with(start), "{start:?}\n{text}");
        }
    }
}

#[test]
fn a_group_whose_name_holds_a_character_that_shows_nothing_is_labelled_with_it_escaped() {
    // The defect: the refused rows of `V\u{200B}1` and `V\u{A0}1` made groups labelled
    // `T1 V1` and `T1 V 1`, alike to the eye with the real villages' beside them.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.csv");
    std::fs::write(
        &path,
        "id,township,village,class,width_m,length_km,cost\n\
         E1,T1,V1,village,4.5,2,1600000\n\
         E2,T1,V\u{200B}1,village,4.5,2,1600000\n\
         E3,T1,V 1,village,4.5,2,1600000\n\
         E4,T1,V\u{A0}1,village,4.5,2,1600000\n\
         E5,T1,\u{2FA6}鸡村,village,4.5,2,1600000\n\
         E6,T1,\"金鸡\n村\",village,4.5,2,1600000\n",
    )
    .unwrap();
    for (lang, want) in [
        (
            Lang::En,
            [
                "Σ subtotal T1 V1 (1 row)",
                "Σ subtotal T1 V 1 (1 row)",
                "Σ T1 V\\u{a0}1 (0 rows, 1 ✗)",
                "Σ T1 V\\u{200b}1 (0 rows, 1 ✗)",
                "Σ T1 \\u{2fa6}鸡村 (0 rows, 1 ✗)",
                "Σ subtotal T1 金鸡↵村 (1 row)",
            ],
        ),
        (
            Lang::Zh,
            [
                "Σ 小计 T1 V1（1 行）",
                "Σ 小计 T1 V 1（1 行）",
                "Σ T1 V\\u{a0}1（0 行；1 行 ✗ 未计入）",
                "Σ T1 V\\u{200b}1（0 行；1 行 ✗）",
                "Σ T1 \\u{2fa6}鸡村（0 行；1 行 ✗）",
                "Σ 小计 T1 金鸡↵村（1 行）",
            ],
        ),
    ] {
        let mut app = open(&path, lang);
        press(&mut app, "tt");
        let s = screen(&mut app, 140, 30);
        let text = s.join("\n");
        let labels: Vec<&str> = s
            .iter()
            .filter(|l| l.starts_with("Σ"))
            .map(|l| l.split("  ").next().unwrap())
            .collect();
        assert_eq!(labels, want, "{text}");
    }
}

#[test]
fn a_subtotal_of_lengths_in_metres_is_in_metres_as_its_rows_are() {
    // The defect: the row showed 2000 (metres, by the title 长度单位：米) and its subtotal 2.
    for (lang, want) in [
        (
            Lang::Zh,
            "Σ 小计 石鼓镇（1 行）               2000          63.0000      63.0000         0.0000  63.0000 0.0000   0.0000",
        ),
        (
            Lang::En,
            "Σ subtotal 石鼓镇 (1 row)           2000          63.0000   63.0000  0.0000 63.0000 0.0000    0.0000",
        ),
    ] {
        let (mut app, _dir, _) = open_bundled("tests/data/office/metres-title.csv", lang);
        press(&mut app, "t");
        let s = screen(&mut app, 160, 45);
        let text = s.join("\n");
        assert!(s[2].contains(" 2000 "), "{text}");
        assert_eq!(s[3], want, "{text}");
    }
}

#[test]
fn a_totals_row_is_marked_as_one_not_as_an_error_and_the_title_counts_segments() {
    // The defect: the 合计 row was marked ✗ with "该行无法计算", and the title said 5 行 of a
    // table of 4 segments.
    for (lang, title, pane) in [
        (
            Lang::Zh,
            "5 行（4 个路段） · 金额单位：万元",
            "│≡ 合计行，不计算：它不是路段（批量计算同样不计入）。",
        ),
        (
            Lang::En,
            "5 rows (4 segments) · amounts shown in 万元",
            "│≡ Totals row, not computed: it is no segment (batch",
        ),
    ] {
        let (mut app, _dir, path) = open_bundled("examples/office-2018.csv", lang);
        press(&mut app, "G");
        let s = screen(&mut app, 100, 30);
        let text = s.join("\n");
        assert!(s[0].contains(title), "{text}");
        assert!(s[6].starts_with("≡ 合计 "), "{text}");
        assert!(text.contains(pane), "{text}");
        assert!(!text.contains('✗') && !text.contains("无法计算"), "{text}");
        assert!(!text.contains("cannot be computed"), "{text}");
        // A save writes every line of the table, and says lines (a table with no change
        // is not written again).
        press(&mut app, "g<Home>lllll<Enter><BS><BS><BS>5.5<Enter>");
        assert!(app.doc.modified());
        press(&mut app, "<End>");
        press(&mut app, "<C-s>");
        let name = path.display();
        assert_eq!(
            app.status.as_ref().unwrap().text,
            match lang {
                Lang::Zh => format!("已保存 5 行到 {name}（上一版本为 {name}.bak）"),
                Lang::En => format!("saved 5 rows to {name} (the previous version is {name}.bak)"),
            }
        );
    }
}

#[test]
fn a_notice_asked_on_a_totals_or_note_row_says_the_row_belongs_to_no_village() {
    // The defect: `p` there said "✗  ：所有路段均有错误，未写出公示" — a blank village and
    // a false reason.
    for (lang, totals, note) in [
        (
            Lang::Zh,
            "该行是合计行，不属于任何村，没有公示可写",
            "该行是说明行，不属于任何村，没有公示可写",
        ),
        (
            Lang::En,
            "this is a totals row: it belongs to no village, so there is no notice to write",
            "this is a note row: it belongs to no village, so there is no notice to write",
        ),
    ] {
        let (mut app, dir, _) = open_bundled("tests/data/office/note-row.csv", lang);
        let before = std::fs::read_dir(dir.path()).unwrap().count();
        let at = row_of(&app, "合计");
        while app.current_row() != Some(at) {
            press(&mut app, "j");
        }
        press(&mut app, "p");
        assert_eq!(app.status.as_ref().unwrap().text, totals);
        press(&mut app, "G");
        assert_eq!(
            app.current_row(),
            Some(row_of(&app, "说明：总投资含配套工程"))
        );
        press(&mut app, "p");
        assert_eq!(app.status.as_ref().unwrap().text, note);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), before);
    }
}

/// The cell at `(x, y)` of the screen last drawn by `app` at `width`×`height` is dimmed.
fn dimmed(app: &mut App, width: u16, height: u16, x: u16, y: u16) -> bool {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    app.scroll_to_cursor(view::table_rows(app, Size::new(width, height)));
    terminal.draw(|f| view::draw(f, app)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    buffer[(x, y)]
        .modifier
        .contains(ratatui::style::Modifier::DIM)
}

#[test]
fn a_row_priced_per_km_shows_its_computed_cost_and_subtotals_sum_the_cost_in_the_unit_shown() {
    // The defect: 40 of the plan's 66 rows give 每公里造价 and no 投资; their cost column was
    // blank beside their subsidies, subtotals left it blank, and in 元 the typed 127.5万
    // stood under 金额单位：元.
    for (lang, header) in [
        (Lang::Zh, ("  编号    村", "村           投资 县交通局补助")),
        (Lang::En, ("  编号    乡镇", "村           投资 transport")),
    ] {
        let (mut app, _dir, _) = open_bundled("examples/anyue-2018-plan.csv", lang);
        let s = screen(&mut app, 100, 30);
        let text = s.join("\n");
        assert!(
            s[1].starts_with(header.0) && s[1].contains(header.1),
            "{text}"
        );
        // Typed 127.5万, in 万元; priced 40万 a km × 2.4 km, computed, dimmed.
        assert!(s[2].contains(" 画青村   127.5000 "), "{text}");
        assert!(s[3].contains(" 画青村    96.0000 "), "{text}");
        let x = u16::try_from(s[3].find("96.0000").unwrap()).unwrap();
        assert!(dimmed(&mut app, 100, 30, x, 3), "{text}");
        assert!(!dimmed(&mut app, 100, 30, x, 2), "{text}");
        // In 元: both in yuan, as the title says.
        press(&mut app, "m");
        let s = screen(&mut app, 100, 30);
        let text = s.join("\n");
        assert!(
            s[0].contains(lang.pick("amounts shown in yuan", "金额单位：元")),
            "{text}"
        );
        assert!(s[2].contains(" 画青村   1,275,000.00 "), "{text}");
        assert!(s[3].contains(" 画青村     960,000.00 "), "{text}");
        // A subtotal sums the cost of every row, typed or computed.
        press(&mut app, "t");
        let s = screen(&mut app, 100, 30);
        let text = s.join("\n");
        let sub = s.iter().find(|l| l.contains("石桥铺镇")).unwrap();
        let want = match lang {
            Lang::Zh => "Σ 石桥铺镇（5 行） 5,189,000.00 ",
            Lang::En => "Σ 石桥铺镇         5,189,000.00 ",
        };
        assert!(sub.starts_with(want), "{text}");
        let summed: rust_decimal::Decimal = (0..app.doc.sheet.rows.len())
            .filter(|&r| app.doc.row_text(r).township == "石桥铺镇")
            .map(|r| app.doc.amount(r, crate::tui::brief::Column::Cost).unwrap())
            .sum();
        assert_eq!(plain(summed), "5189000.00");
    }
}

#[test]
fn the_totals_pane_uses_a_tall_terminals_room_so_every_budget_is_shown() {
    // The defect: at 160×45 the pane kept 9 lines under a long table and said "另有 1 行",
    // so 通村硬化路建设 was never in view.
    for (lang, village, more) in [
        (
            Lang::Zh,
            "│通村硬化路建设 ███████████░░░░░░░░░ 59.5% ",
            "另有",
        ),
        (Lang::En, "│Village road hardening ", "more"),
    ] {
        let (mut app, _dir, _) = open_bundled("examples/anyue-2018-plan.csv", lang);
        let s = screen(&mut app, 160, 45);
        let text = s.join("\n");
        assert!(s.iter().any(|l| l.contains(village)), "{text}");
        assert!(!text.contains(more), "{text}");
        // The table keeps its header and 20 rows.
        assert!(s[21].starts_with("  AYP-020 "), "{text}");
    }
}

/// Review 34: `p` names a village's notice as `roadsub notice` names it among every village
/// of the table, so 画?青村's goes to `天马乡-画_青村(2).xlsx` when 画:青村 (first in order)
/// takes `天马乡-画_青村.xlsx`, whichever row the cursor is on first.
#[test]
fn p_names_a_notice_as_a_run_of_every_village_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.csv");
    std::fs::write(
        &path,
        "编号,乡镇,村,路段名称,类别,宽度,长度,投资,户数\n\
         B4,天马乡,画?青村,路四,通村,4.5,2,200万,10\n\
         B3,天马乡,画:青村,路三,通村,4.5,1,100万,10\n",
    )
    .unwrap();
    let mut app = open(&path, Lang::En);
    assert_eq!(app.current_row(), Some(row_of(&app, "B4")));
    press(&mut app, "p");
    let second = dir.path().join("天马乡-画_青村(2).xlsx");
    assert_eq!(
        app.status.as_ref().unwrap().text,
        format!("wrote the notice of 天马乡 画?青村 to {}", second.display())
    );
    assert!(!dir.path().join("天马乡-画_青村.xlsx").exists());
    press(&mut app, "j");
    assert_eq!(app.current_row(), Some(row_of(&app, "B3")));
    press(&mut app, "p");
    assert!(dir.path().join("天马乡-画_青村.xlsx").exists());
}
