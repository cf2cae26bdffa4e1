//! `roadsub notice`: one workbook per village, read back cell by cell.

use std::path::Path;

use crate::{ended, signalled, temporary_in, Env};

/// The bundled plan.
fn plan() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/anyue-2018-plan.csv")
        .to_string_lossy()
        .into_owned()
}

/// The plan's rules with the poverty fund's envelopes shared out.
fn prorate() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/anyue-2018-prorate.toml")
        .to_string_lossy()
        .into_owned()
}

/// Every row of a notice's sheet as text (numbers as Rust writes the double, so `19.067357`
/// reads as the 万元 amount it is), trailing blank cells left off.
fn grid(path: &Path) -> Vec<Vec<String>> {
    use calamine::{open_workbook_auto, Data, Reader};
    let mut book = open_workbook_auto(path).unwrap();
    assert_eq!(book.sheet_names(), ["公示"]);
    let range = book.worksheet_range("公示").unwrap();
    assert_eq!(range.start(), Some((0, 0)));
    range
        .rows()
        .map(|row| {
            let mut cells: Vec<String> = row
                .iter()
                .map(|c| match c {
                    Data::Float(v) => format!("{v}"),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect();
            while cells.last().is_some_and(String::is_empty) {
                cells.pop();
            }
            cells
        })
        .collect()
}

/// `grid` with each paragraph (a row of one cell, below the title) read as one line: where
/// its lines break is pinned on its own, in
/// `a_lone_closing_mark_never_starts_a_line_of_the_notice_period`.
fn joined(grid: Vec<Vec<String>>) -> Vec<Vec<String>> {
    grid.into_iter()
        .enumerate()
        .map(|(i, mut row)| {
            if i > 0 && row.len() == 1 {
                row[0] = row[0].replace('\n', "");
            }
            row
        })
        .collect()
}

fn rows(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

/// The rows every notice ends with: the rules, the notice period and the lines to sign.
const END: [&[&str]; 6] = [
    &["计算依据：《安岳县2018年贫困村通村通社公路补助标准》（安岳县扶贫开发办公室）；来源：安岳县脱贫攻坚工作新闻发布会，2018年5月15日（县扶贫开发办公室副主任黎泽伦答问）；自2018年5月15日起施行。"],
    &["公示期：自\u{3000}\u{3000}年\u{3000}\u{3000}月\u{3000}\u{3000}日至\u{3000}\u{3000}年\u{3000}\u{3000}月\u{3000}\u{3000}日（7天）。如有异议，请在公示期内向村民委员会或乡镇人民政府反映。"],
    &[],
    &["村民委员会（盖章）", "", "", "", "", "村党支部书记（签字）："],
    &["", "", "", "", "", "村委会主任（签字）："],
    &["", "", "", "", "", "日期：\u{3000}\u{3000}\u{3000}\u{3000}年\u{3000}\u{3000}月\u{3000}\u{3000}日"],
];

#[test]
fn a_notice_of_a_village_whose_rows_a_budget_cut_holds_every_amount_and_the_cut() {
    let env = Env::new();
    let out = env.file("out");
    env.roadsub(&[
        "notice",
        &plan(),
        "--rules",
        &prorate(),
        "-o",
        &out,
        "--village",
        "画青村",
    ])
    .expect(0, "", &format!("wrote 1 notice to {out}\n"));
    let mut expected = rows(&[
        &["安岳县2018年贫困村通村通社公路补助公示\n— 天马乡画青村 —"],
        &["现将本村2个路段的建设补助及尚需筹集资金公示如下："],
        &["金额单位：万元（按元精确换算，未经四舍五入）；户均尚需筹集单位：元；长度：公里；宽度：米。"],
        &[],
        &["一、路段与补助"],
        &["编号", "路段名称", "道路类别", "路面宽度\n（米）", "建设里程\n（公里）", "总投资", "县交通局补助", "县扶贫专项补助", "补助合计", "差额"],
        &["AYP-001", "村委会至三组", "通村公路", "4.5", "1.5", "127.5", "67.5", "45", "112.5", "15"],
        &["AYP-002", "二组至五组", "通社公路", "3.5", "2.4", "96", "36", "19.067357", "55.067357", "40.932643"],
        &["合计", "", "", "", "3.9", "223.5", "103.5", "64.067357", "167.567357", "55.932643"],
        &[],
        &["二、差额与筹集"],
        &["编号", "路段名称", "差额", "整合资金", "一事一议筹资", "村项目资金", "尚需筹集", "受益户数", "户均尚需筹集\n（元）"],
        &["AYP-001", "村委会至三组", "15", "0", "0", "6", "9", "126", "714.29"],
        &["AYP-002", "二组至五组", "40.932643", "0", "0", "14", "26.932643", "58", "4643.56"],
        &["合计", "", "55.932643", "0", "0", "20", "35.932643"],
        &[],
        &["受益户数按路段填报，同一农户可能受益于多个路段，故合计行不加总户数，也不计户均。"],
        &["预算额度核减：社级道路建设额度690万元，各路段共申请868.5万元，已按申请额同比例分配；本村路段申请24万元，安排19.067357万元，核减4.932643万元，由本村另行筹集。"],
    ]);
    expected.extend(rows(&END));
    assert_eq!(joined(grid(&env.path("out/天马乡-画青村.xlsx"))), expected);
    // The amounts are a batch run's under the same rules, to the fen.
    let batch = env
        .roadsub(&["batch", &plan(), "--rules", &prorate(), "--format", "csv"])
        .run()
        .stdout;
    let line = batch.lines().find(|l| l.starts_with("AYP-002,")).unwrap();
    assert!(line.contains(",190673.57,"), "{line}");
    assert!(line.contains(",269326.43,"), "{line}");
}

#[test]
fn a_notice_shows_only_the_sources_the_table_has_and_what_each_household_raises() {
    let env = Env::new();
    let table = env.write(
        "plan.csv",
        "编号,乡镇,村,路段名称,类别,宽度,长度,投资,整合资金,农户自筹,户数\n\
         S-1,石羊镇,红星村,一组道,通社,3.5,2,90万,10万,5万,30\n\
         S-2,石羊镇,红星村,二组道,通社,3.5,1,40万,,30万,\n",
    );
    let out = env.file("out");
    env.roadsub(&["notice", &table, "-o", &out, "--lang", "zh"])
        .expect(0, "", &format!("已写出 1 份公示到 {out}\n"));
    let mut expected = rows(&[
        &["安岳县2018年贫困村通村通社公路补助公示\n— 石羊镇红星村 —"],
        &["现将本村2个路段的建设补助及尚需筹集资金公示如下："],
        &["金额单位：万元（按元精确换算，未经四舍五入）；户均尚需筹集单位：元；长度：公里；宽度：米。"],
        &[],
        &["一、路段与补助"],
        &["编号", "路段名称", "道路类别", "路面宽度\n（米）", "建设里程\n（公里）", "总投资", "县交通局补助", "县扶贫专项补助", "补助合计", "差额"],
        &["S-1", "一组道", "通社公路", "3.5", "2", "90", "30", "20", "50", "40"],
        &["S-2", "二组道", "通社公路", "3.5", "1", "40", "15", "10", "25", "15"],
        &["合计", "", "", "", "3", "130", "45", "30", "75", "55"],
        &[],
        &["二、差额与筹集"],
        &["编号", "路段名称", "差额", "整合资金", "农户自筹", "尚需筹集", "受益户数", "户均尚需筹集\n（元）"],
        &["S-1", "一组道", "40", "10", "5", "25", "30", "8333.33"],
        &["S-2", "二组道", "15", "0", "30", "0"],
        &["合计", "", "55", "10", "35", "25"],
        &[],
        &["受益户数按路段填报，同一农户可能受益于多个路段，故合计行不加总户数，也不计户均。"],
        &["各项筹资合计超出差额15万元，不计入尚需筹集。"],
    ]);
    expected.extend(rows(&END));
    assert_eq!(joined(grid(&env.path("out/石羊镇-红星村.xlsx"))), expected);
}

/// Two villages named 新村 in two townships, and a village whose name Windows refuses.
const TWO_NEW_VILLAGES: &str = "编号,乡镇,村,类别,宽度,长度,投资\n\
     N-1,石羊镇,新村,通村,4.5,1,80万\n\
     N-2,龙台镇,新村,通村,4.5,1,80万\n\
     N-3,天马乡,画青:村*二?,通村,4.5,1,80万\n";

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn each_village_gets_a_file_named_by_township_and_village_safe_on_windows() {
    let env = Env::new();
    let table = env.write("plan.csv", TWO_NEW_VILLAGES);
    // A folder that does not exist yet is made, parents and all.
    let out = env.file("a/b");
    env.roadsub(&["notice", &table, "-o", &out]).expect(
        0,
        "",
        &format!("wrote 3 notices to {out}\n"),
    );
    assert_eq!(
        listing(&env.path("a/b")),
        [
            "天马乡-画青_村_二_.xlsx",
            "石羊镇-新村.xlsx",
            "龙台镇-新村.xlsx"
        ]
    );
    // The title keeps the village's name as written.
    let title = &grid(&env.path("a/b/天马乡-画青_村_二_.xlsx"))[0][0];
    assert_eq!(
        title,
        "安岳县2018年贫困村通村通社公路补助公示\n— 天马乡画青:村*二? —"
    );
}

#[test]
fn notices_for_more_villages_than_files_may_be_open_at_once_are_all_written() {
    // Each notice's temporary file used to stay open until all were renamed into place, so a
    // table with more villages than the process may open files failed with none written.
    let env = Env::new();
    let mut table = String::from("编号,乡镇,村,类别,宽度,长度,投资\n");
    for i in 0..100 {
        table.push_str(&format!("N-{i},石羊镇,村{i:03},通村,4.5,1,80万\n"));
    }
    let table = env.write("plan.csv", table);
    let out = env.file("notices");
    // 32 open files at most: the binary, its libraries and 100 notices do not fit in that.
    let run = env.roadsub(&["notice", &table, "-o", &out]);
    let mut limited = std::process::Command::new("sh");
    limited
        .arg("-c")
        .arg("ulimit -n 32 && exec \"$0\" \"$@\"")
        .arg(run.command().get_program())
        .args(run.command().get_args())
        .current_dir(env.path(""))
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES");
    let done = limited.output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&done.stderr),
        format!("wrote 100 notices to {out}\n")
    );
    assert_eq!(done.status.code(), Some(0));
    let names = listing(&env.path("notices"));
    let expected: Vec<String> = (0..100).map(|i| format!("石羊镇-村{i:03}.xlsx")).collect();
    assert_eq!(names, expected);
    let title = &grid(&env.path("notices/石羊镇-村099.xlsx"))[0][0];
    assert_eq!(
        title,
        "安岳县2018年贫困村通村通社公路补助公示\n— 石羊镇村099 —"
    );
}

/// The defect: for a village in townships `T/1` and `T?1`, the refusal advised `--village
/// T/1/V:1`, which then found no row (the name was split at its first slash). A name is
/// tried split at each of its slashes.
#[test]
fn a_township_with_a_slash_in_its_name_can_be_said() {
    let env = Env::new();
    let table = env.write(
        "nv.csv",
        "id,township,village,class,width_m,length_km,cost\n\
         A,T/1,V:1,village,4.5,1,1600000\n\
         B,T?1,V:1,village,4.5,1,1600000\n",
    );
    let out = env.file("out");
    env.roadsub(&["notice", &table, "-o", &out, "--village", "V:1"]).expect(
        2,
        "",
        "roadsub: --village \"V:1\": villages of that name are in T/1, T?1; say which, like --village T/1/V:1\n",
    );
    env.roadsub(&["notice", &table, "-o", &out, "--village", "T/1/V:1"])
        .expect(0, "", &format!("wrote 1 notice to {out}\n"));
    assert_eq!(listing(&env.path("out")), ["T_1-V_1.xlsx"]);
}

#[test]
fn a_village_name_two_townships_share_must_say_which_township() {
    let env = Env::new();
    let table = env.write("plan.csv", TWO_NEW_VILLAGES);
    let out = env.file("out");
    env.roadsub(&["notice", &table, "-o", &out, "--village", "新村"]).expect(
        2,
        "",
        "roadsub: --village \"新村\": villages of that name are in 龙台镇, 石羊镇; say which, like --village 龙台镇/新村\n",
    );
    env.roadsub(&["notice", &table, "-o", &out, "--village", "新村", "--lang", "zh"])
        .expect(
            2,
            "",
            "roadsub: --village \"新村\"：龙台镇、石羊镇都有这个村；请写明乡镇，如 --village 龙台镇/新村\n",
        );
    assert!(!env.path("out").exists(), "nothing is made on a refusal");
    env.roadsub(&["notice", &table, "-o", &out, "--village", "龙台镇/新村"])
        .expect(0, "", &format!("wrote 1 notice to {out}\n"));
    assert_eq!(listing(&env.path("out")), ["龙台镇-新村.xlsx"]);
    env.roadsub(&["notice", &table, "-o", &out, "--village", "旧村"])
        .expect(1, "", "roadsub: no row is in the village \"旧村\"\n");
    env.roadsub(&[
        "notice",
        &table,
        "-o",
        &out,
        "--village",
        "旧村",
        "--lang",
        "zh",
    ])
    .expect(1, "", "roadsub: 没有属于“旧村”的路段\n");
}

/// The defect: `--village ''` (a name left blank, perhaps by a script) read every table and
/// then said `no row is in the village ""`. Every row names its village, so a blank name is
/// refused as a mistake of the command line, before anything is read or made.
#[test]
fn a_blank_village_name_is_refused_before_any_table_is_read() {
    let env = Env::new();
    let out = env.file("out");
    for blank in ["", "  "] {
        env.roadsub(&["notice", "missing.csv", "-o", &out, "--village", blank])
            .expect(
                2,
                "",
                "roadsub: --village: the name is blank; give a village (--village 画青村) or a township and village (--village 天马乡/画青村)\n",
            );
        env.roadsub(&[
            "notice",
            "missing.csv",
            "-o",
            &out,
            "--village",
            blank,
            "--lang",
            "zh",
        ])
        .expect(
            2,
            "",
            "roadsub: --village：村名为空；请给出村名（--village 画青村）或乡镇和村（--village 天马乡/画青村）\n",
        );
    }
    assert!(!env.path("out").exists(), "nothing is made on a refusal");
}

#[test]
fn an_existing_notice_is_never_replaced_without_force() {
    let env = Env::new();
    let table = env.write("plan.csv", TWO_NEW_VILLAGES);
    let out = env.file("out");
    std::fs::create_dir(env.path("out")).unwrap();
    let kept = env.write("out/石羊镇-新村.xlsx", "the office's own edits");
    let shown = Path::new(&out)
        .join("石羊镇-新村.xlsx")
        .display()
        .to_string();
    env.roadsub(&["notice", &table, "-o", &out]).expect(
        1,
        "",
        &format!(
            "roadsub: already there: {shown}; nothing written (give --force to replace them)\n"
        ),
    );
    env.roadsub(&["notice", &table, "-o", &out, "--lang", "zh"])
        .expect(
            1,
            "",
            &format!("roadsub: 文件已存在：{shown}；未写出任何公示（如需替换，请加 --force）\n"),
        );
    // Nothing else was written either, and no temporary file is left behind.
    assert_eq!(
        std::fs::read_to_string(&kept).unwrap(),
        "the office's own edits"
    );
    assert_eq!(listing(&env.path("out")), ["石羊镇-新村.xlsx"]);
    env.roadsub(&["notice", &table, "-o", &out, "--force"])
        .expect(0, "", &format!("wrote 3 notices to {out}\n"));
    assert_eq!(grid(Path::new(&kept))[6][0], "N-1");
    assert_eq!(listing(&env.path("out")).len(), 3);
}

/// A folder that is a file is a wrong command line (review 8, D4: it was exit 1, said after
/// the whole table was read, where batch and compare give 2 for an output that is the input):
/// 2, before anything is read, the input table untouched when it is the file named.
#[test]
fn a_folder_that_is_a_file_is_refused() {
    let env = Env::new();
    let table = env.write("plan.csv", TWO_NEW_VILLAGES);
    let out = env.write("out", "x");
    env.roadsub(&["notice", &table, "-o", &out]).expect(
        2,
        "",
        &format!("roadsub: -o {out} is a file, not a folder: give a folder for the notices\n"),
    );
    env.roadsub(&["notice", &table, "-o", &table, "--lang", "zh"])
        .expect(
            2,
            "",
            &format!("roadsub: -o {table} 是文件而不是文件夹：请给出存放公示的文件夹\n"),
        );
    assert_eq!(std::fs::read_to_string(&table).unwrap(), TWO_NEW_VILLAGES);
    // Before the table is read: a table that is not there is not what is said.
    let missing = env.path("missing.csv").display().to_string();
    env.roadsub(&["notice", &missing, "-o", &out])
        .expect_code(2)
        .stderr_has("is a file, not a folder");
}

#[test]
fn bad_rows_write_nothing_unless_keep_going_and_the_notice_counts_them() {
    let env = Env::new();
    let table = env.write(
        "plan.csv",
        "编号,乡镇,村,类别,宽度,长度,投资\n\
         B-1,天马乡,画青村,通村,4.5,1,80万\n\
         B-2,天马乡,画青村,通村,abc,1,80万\n\
         B-3,卧佛镇,关田村,通村,4.5,1,80万\n",
    );
    let out = env.file("out");
    env.roadsub(&["notice", &table, "-o", &out]).expect(
        1,
        "",
        &format!(
            "{table}:3: 宽度 \"abc\" is not a width (expected metres like 4.5, 4.5m or 4.5米)\n\
             1 bad row; no notice written (fix it, or use --keep-going to write the notices without those rows)\n"
        ),
    );
    env.roadsub(&["notice", &table, "-o", &out, "--lang", "zh"])
        .expect(
            1,
            "",
            &format!(
                "{table}:3: 宽度“abc”不是宽度（应为米数，如 4.5、4.5m 或 4.5米）\n\
             1 行有错；未写出任何公示（请修正，或用 --keep-going 写出不含这些行的公示）\n"
            ),
        );
    assert!(!env.path("out").exists());
    env.roadsub(&["notice", &table, "-o", &out, "--keep-going"])
        .expect(
            1,
            "",
            &format!(
            "{table}:3: 宽度 \"abc\" is not a width (expected metres like 4.5, 4.5m or 4.5米)\n\
             1 bad row; wrote 2 notices to {out} (without those rows)\n"
        ),
        );
    let hq = grid(&env.path("out/天马乡-画青村.xlsx"));
    assert_eq!(hq[1], ["现将本村1个路段的建设补助及尚需筹集资金公示如下："]);
    assert_eq!(hq[6][0], "B-1");
    assert_eq!(hq[7][0], "合计");
    assert!(hq.contains(&vec!["另有 1 个路段未能计算，未列入。".to_string()]));
    let gt = grid(&env.path("out/卧佛镇-关田村.xlsx"));
    assert!(!gt.iter().flatten().any(|c| c.contains("未列入")));
    std::fs::remove_dir_all(env.path("out")).unwrap();
    // A village whose every row is bad gets no notice, and that is said.
    let all_bad = env.write(
        "all-bad.csv",
        "编号,乡镇,村,类别,宽度,长度,投资\n\
         B-2,天马乡,画青村,通村,abc,1,80万\n\
         B-3,卧佛镇,关田村,通村,4.5,1,80万\n",
    );
    let other = env.file("other");
    env.roadsub(&[
        "notice",
        &all_bad,
        "-o",
        &other,
        "--keep-going",
        "--lang",
        "zh",
    ])
    .expect(
        1,
        "",
        &format!(
            "{all_bad}:2: 宽度“abc”不是宽度（应为米数，如 4.5、4.5m 或 4.5米）\n\
                 天马乡 画青村：所有路段均有错误，未写出公示\n\
                 1 行有错；已写出 1 份公示到 {other}（不含错误行）\n"
        ),
    );
    env.roadsub(&["notice", &table, "-o", &out, "--keep-going", "--lang", "zh"])
        .expect(
            1,
            "",
            &format!(
                "{table}:3: 宽度“abc”不是宽度（应为米数，如 4.5、4.5m 或 4.5米）\n\
                 1 行有错；已写出 2 份公示到 {out}（不含错误行）\n"
            ),
        );
}

#[test]
fn the_chinese_list_of_commands_names_notice() {
    let env = Env::new();
    let out = env
        .roadsub(&["--lang", "zh", "notic", "a", "b"])
        .expect_code(2);
    assert!(
        out.stderr.starts_with(
            "roadsub: 未知的命令 notic（可用：batch、rules、explain、compare、notice）；是否想用 notice？"
        ),
        "{}",
        out.stderr
    );
    let help = env.roadsub(&["--lang", "zh", "--help"]).expect_code(0);
    assert!(help.stdout.contains(
        "  roadsub notice plan.csv -o notices                    按村生成可打印的公示\n"
    ));
    let help = env.roadsub(&["notice", "--help"]).expect_code(0);
    assert!(help
        .stdout
        .contains("  roadsub notice examples/anyue-2018-plan.csv -o notices\n"));
}

#[test]
fn budgets_bind_across_all_the_tables_given_as_in_a_batch_run() {
    let env = Env::new();
    let plan = std::fs::read_to_string(plan()).unwrap();
    let mut lines = plan.lines();
    let header = lines.next().unwrap();
    let rest: Vec<&str> = lines.collect();
    // 画青村 alone in the first table: its cut still comes from the envelope all rows share.
    let a = env.write("a.csv", format!("{header}\n{}\n", rest[..2].join("\n")));
    let b = env.write("b.csv", format!("{header}\n{}\n", rest[2..].join("\n")));
    let out = env.file("out");
    env.roadsub(&[
        "notice",
        &a,
        &b,
        "--rules",
        &prorate(),
        "-o",
        &out,
        "--village",
        "画青村",
    ])
    .expect(0, "", &format!("wrote 1 notice to {out}\n"));
    let g = joined(grid(&env.path("out/天马乡-画青村.xlsx")));
    assert_eq!(g[7][7], "19.067357");
    assert_eq!(g[17][0], "预算额度核减：社级道路建设额度690万元，各路段共申请868.5万元，已按申请额同比例分配；本村路段申请24万元，安排19.067357万元，核减4.932643万元，由本村另行筹集。");
    // The first table alone asks less than the envelope: nothing is cut.
    let alone = env.file("alone");
    env.roadsub(&["notice", &a, "--rules", &prorate(), "-o", &alone])
        .expect_code(0);
    let g = grid(&env.path("alone/天马乡-画青村.xlsx"));
    assert_eq!(g[7][7], "24");
    assert!(!g.iter().flatten().any(|c| c.contains("核减")));
}

#[test]
fn a_table_without_segment_rows_writes_no_notice_and_says_so() {
    let env = Env::new();
    let table = env.write("empty.csv", "编号,乡镇,村,类别,宽度,长度,投资\n");
    let out = env.file("out");
    env.roadsub(&["notice", &table, "-o", &out]).expect(
        1,
        "",
        "roadsub: no notice written: the tables have no segment rows\n",
    );
    env.roadsub(&["notice", &table, "-o", &out, "--lang", "zh"])
        .expect(1, "", "roadsub: 未写出任何公示：表格中没有路段行\n");
    assert!(!env.path("out").exists());
}

#[test]
fn which_of_two_villages_named_alike_gets_the_2_does_not_depend_on_the_input_order() {
    // On Windows `a-B.xlsx` and `A-b.xlsx` are one file: the second in pinyin order (and,
    // between names that read the same, in code-point order) gets `(2)`, whichever row
    // comes first.
    for table in [
        "id,township,village,class,width_m,length_km,cost\nN1,a,B,通社,3.5,1,500000\nN2,A,b,通社,3.5,1,500000\n",
        "id,township,village,class,width_m,length_km,cost\nN2,A,b,通社,3.5,1,500000\nN1,a,B,通社,3.5,1,500000\n",
    ] {
        let env = Env::new();
        let input = env.write("in.csv", table);
        let out = env.file("out");
        env.roadsub(&["notice", &input, "-o", &out])
            .expect(0, "", &format!("wrote 2 notices to {out}\n"));
        assert_eq!(listing(&env.path("out")), ["A-b.xlsx", "a-B(2).xlsx"]);
    }
}

#[test]
fn a_ninety_character_village_name_is_shortened_and_every_notice_is_written() {
    let env = Env::new();
    // 90 characters, 270 bytes: over the 255 bytes a file name may take; two such villages
    // differ only past the cut, so the second gets (2).
    let long = "村".repeat(90);
    let other = format!("{}甲", "村".repeat(89));
    let table = env.write(
        "plan.csv",
        format!(
            "编号,乡镇,村,类别,宽度,长度,投资\n\
             A1,甲镇,红星村,通村,4.5,1,60万\n\
             A2,乙镇,{long},通村,4.5,1,60万\n\
             A3,乙镇,{other},通村,4.5,1,60万\n"
        ),
    );
    let out = env.file("out");
    env.roadsub(&["notice", &table, "-o", &out]).expect(
        0,
        "",
        &format!("wrote 3 notices to {out}\n"),
    );
    // 乙镇- is 7 bytes; 103 bytes are left for the village: 34 characters of 3 bytes.
    let cut = format!("乙镇-{}", "村".repeat(34));
    assert_eq!(
        listing(&env.path("out")),
        [
            format!("{cut}(2).xlsx"),
            format!("{cut}.xlsx"),
            "甲镇-红星村.xlsx".to_string(),
        ]
    );
    for name in listing(&env.path("out")) {
        assert!(name.len() <= 120, "{name}: {} bytes", name.len());
    }
    // The title keeps the whole name, broken into lines a 16-point line holds, and its row is
    // as tall as they are (review 34: two lines' height for four, the first cut off on paper).
    let path = env.path("out").join(format!("{cut}.xlsx"));
    let title = &grid(&path)[0][0];
    let lines: Vec<&str> = title.split('\n').collect();
    assert_eq!(
        lines.concat(),
        format!("安岳县2018年贫困村通村通社公路补助公示— 乙镇{long} —")
    );
    assert_eq!(lines[0], "安岳县2018年贫困村通村通社公路补助公示");
    assert_eq!(lines.len(), 6, "{title}");
    let height = (15.0 * lines.len() as f64 + 4.0) * 1.6;
    let tag = &row_tags(&path)[&1];
    let ht: f64 = tag
        .split("ht=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    // Whole points of the workbook's own (three quarters of a point).
    assert!((height..height + 0.75).contains(&ht), "{tag}");
}

#[test]
fn a_village_named_dots_gives_no_hidden_file() {
    let env = Env::new();
    let table = env.write(
        "plan.csv",
        "编号,乡镇,村,类别,宽度,长度,投资\n\
         A1,..,..,通村,4.5,1,60万\n\
         A2,甲镇,. .,通村,4.5,1,60万\n\
         A3,.乙镇,村,通村,4.5,1,60万\n",
    );
    let out = env.file("out");
    env.roadsub(&["notice", &table, "-o", &out]).expect(
        0,
        "",
        &format!("wrote 3 notices to {out}\n"),
    );
    assert_eq!(
        listing(&env.path("out")),
        ["_-_.xlsx", "_.乙镇-村.xlsx", "甲镇-_.xlsx"]
    );
}

#[test]
fn a_notice_that_cannot_be_written_leaves_the_folder_as_it_was() {
    let env = Env::new();
    let table = env.write("plan.csv", TWO_NEW_VILLAGES);
    let out = env.file("out");
    // The third village's notice cannot take its name: a folder is there.
    std::fs::create_dir_all(env.path("out/天马乡-画青_村_二_.xlsx")).unwrap();
    let kept = env.write("out/keep.txt", "the office's own file");
    // A notice --force would replace is put back as it was.
    let replaced = env.write("out/石羊镇-新村.xlsx", "the office's own edits");
    let shown = Path::new(&out)
        .join("天马乡-画青_村_二_.xlsx")
        .display()
        .to_string();
    env.roadsub(&["notice", &table, "-o", &out, "--force"])
        .expect(
            1,
            "",
            &format!("roadsub: {shown}: cannot write: is a directory; no notice written\n"),
        );
    assert_eq!(
        listing(&env.path("out")),
        ["keep.txt", "天马乡-画青_村_二_.xlsx", "石羊镇-新村.xlsx"]
    );
    assert_eq!(
        std::fs::read_to_string(&replaced).unwrap(),
        "the office's own edits"
    );
    assert_eq!(
        std::fs::read_to_string(&kept).unwrap(),
        "the office's own file"
    );
}

/// Each formula of a notice's sheet with its cell (`H8 =SUM(F8:G8)`), in reading order.
fn formulas(path: &Path) -> Vec<String> {
    use calamine::{open_workbook_auto, Reader};
    let mut book = open_workbook_auto(path).unwrap();
    let range = book.worksheet_formula("公示").unwrap();
    let (top, left) = range.start().unwrap();
    let mut out = Vec::new();
    for (r, row) in range.rows().enumerate() {
        for (c, f) in row.iter().enumerate() {
            if !f.is_empty() {
                let col = (b'A' + (left as usize + c) as u8) as char;
                out.push(format!("{col}{} ={f}", top as usize + r + 1));
            }
        }
    }
    out
}

#[test]
fn notice_totals_are_formulas_with_their_values_cached_so_an_edited_cost_updates_them() {
    let env = Env::new();
    let out = env.file("out");
    env.roadsub(&[
        "notice",
        &plan(),
        "--rules",
        &prorate(),
        "-o",
        &out,
        "--village",
        "画青村",
    ])
    .expect(0, "", &format!("wrote 1 notice to {out}\n"));
    let path = env.path("out/天马乡-画青村.xlsx");
    // Each fund's payment is the rules' and stays a number; what adds or subtracts is a
    // formula.
    assert_eq!(
        formulas(&path),
        [
            "I7 =SUM(G7:H7)",
            "J7 =F7-I7",
            "I8 =SUM(G8:H8)",
            "J8 =F8-I8",
            "E9 =SUM(E7:E8)",
            "F9 =SUM(F7:F8)",
            "G9 =SUM(G7:G8)",
            "H9 =SUM(H7:H8)",
            "I9 =SUM(I7:I8)",
            "J9 =SUM(J7:J8)",
            "C13 =J7",
            "G13 =MAX(0,C13-SUM(D13:F13))",
            "I13 =ROUND(G13*10000/H13,2)",
            "C14 =J8",
            "G14 =MAX(0,C14-SUM(D14:F14))",
            "I14 =ROUND(G14*10000/H14,2)",
            "C15 =J9",
            "D15 =SUM(D13:D14)",
            "E15 =SUM(E13:E14)",
            "F15 =SUM(F13:F14)",
            "G15 =SUM(G13:G14)",
        ]
    );
    // The values cached with them are the engine's, to the fen (the whole grid is pinned in
    // a_notice_of_a_village_whose_rows_a_budget_cut_holds_every_amount_and_the_cut).
    let grid = grid(&path);
    assert_eq!(grid[7][8..10], ["55.067357", "40.932643"]);
    assert_eq!(
        grid[8][4..10],
        [
            "3.9",
            "223.5",
            "103.5",
            "64.067357",
            "167.567357",
            "55.932643"
        ]
    );
    assert_eq!(grid[12][6..9], ["9", "126", "714.29"]);
    assert_eq!(grid[14][2..], ["55.932643", "0", "0", "20", "35.932643"]);
}

/// The `<row …>` tag of each row of a notice's sheet, by row number.
fn row_tags(path: &Path) -> std::collections::BTreeMap<u32, String> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml.split("<row r=\"")
        .skip(1)
        .map(|t| {
            let (n, rest) = t.split_once('"').unwrap();
            let tag = rest.split_once('>').unwrap().0.trim().to_string();
            (n.parse().unwrap(), tag)
        })
        .collect()
}

#[test]
fn a_long_segment_name_makes_its_row_tall_enough_for_its_wrapped_lines() {
    let env = Env::new();
    // 25 characters, 50 cells, in a column 18 cells wide: three lines.
    let table = env.write(
        "plan.csv",
        "编号,乡镇,村,路段名称,类别,宽度,长度,投资\n\
         L-1,甲镇,测试村,一组至二组,通村,4.5,1,60万\n\
         L-2,甲镇,测试村,从村委会经过老学校和大榕树到七组王家湾的连接道路,通村,4.5,1,60万\n",
    );
    let out = env.file("out");
    env.roadsub(&["notice", &table, "-o", &out]).expect(
        0,
        "",
        &format!("wrote 1 notice to {out}\n"),
    );
    let tags = row_tags(&env.path("out/甲镇-测试村.xlsx"));
    // A one-line row is left at the viewer's height; the long name's rows (in both tables)
    // are three lines of 15 points tall.
    assert_eq!(tags[&7], "spans=\"1:10\"");
    assert_eq!(tags[&8], "spans=\"1:10\" ht=\"48.75\" customHeight=\"1\"");
    assert_eq!(tags[&13], "spans=\"1:10\"");
    assert_eq!(tags[&14], "spans=\"1:10\" ht=\"48.75\" customHeight=\"1\"");
    assert_eq!(tags[&15], "spans=\"1:10\"");
}

#[test]
fn a_notices_totals_line_does_not_add_up_households_that_may_benefit_from_several_segments() {
    // The same 40 households live along both segments: 80 would count each twice, and a 户均
    // over 80 would halve what each of them raises.
    let env = Env::new();
    let table = env.write(
        "plan.csv",
        "编号,乡镇,村,类别,宽度,长度,投资,户数\n\
         H-1,石羊镇,红星村,通社,3.5,1,40万,40\n\
         H-2,石羊镇,红星村,通社,3.5,1,40万,40\n",
    );
    let out = env.file("out");
    env.roadsub(&["notice", &table, "-o", &out]).expect(
        0,
        "",
        &format!("wrote 1 notice to {out}\n"),
    );
    let path = env.path("out/石羊镇-红星村.xlsx");
    let grid = joined(grid(&path));
    let at = grid
        .iter()
        .position(|r| r.first().is_some_and(|c| c == "二、差额与筹集"))
        .unwrap();
    assert_eq!(
        grid[at + 1..at + 6].to_vec(),
        rows(&[
            &[
                "编号",
                "差额",
                "尚需筹集",
                "受益户数",
                "户均尚需筹集\n（元）"
            ],
            &["H-1", "15", "15", "40", "3750"],
            &["H-2", "15", "15", "40", "3750"],
            &["合计", "30", "30"],
            &[],
        ])
    );
    assert_eq!(
        grid[at + 6],
        ["受益户数按路段填报，同一农户可能受益于多个路段，故合计行不加总户数，也不计户均。"]
    );
    // Nor is there a formula that would add them up once the office edits a figure.
    let f = formulas(&path);
    assert_eq!(
        f[f.len() - 2..],
        ["B15 =I9", "C15 =SUM(C13:C14)"],
        "no D15 (受益户数) nor E15 (户均) in {f:?}"
    );
}

#[test]
fn a_notice_of_tables_without_households_says_nothing_about_them() {
    let env = Env::new();
    let table = env.write(
        "plan.csv",
        "编号,乡镇,村,类别,宽度,长度,投资\nH-1,石羊镇,红星村,通社,3.5,1,40万\n",
    );
    let out = env.file("out");
    env.roadsub(&["notice", &table, "-o", &out]).expect(
        0,
        "",
        &format!("wrote 1 notice to {out}\n"),
    );
    let grid = grid(&env.path("out/石羊镇-红星村.xlsx"));
    assert!(grid
        .iter()
        .flatten()
        .all(|c| !c.contains("受益户数") && !c.contains("户均")
            || c.starts_with("合计、补助合计")
            || c.starts_with("金额单位")));
}

/// The shipped rules with an envelope of 50万 per village for the group roads' poverty money,
/// shared in proportion when a village asks more.
/// Review 31: under a budget paid in order, a village's notice counted only the rows the
/// budget cut, so a row it paid in full was left out of what the village's rows asked and
/// were given (A1 and A3 ask 20万 of the envelope and are given 15万: the notice said 10万
/// and 5万); a per-village envelope then read as asked 20万 and 10万 in one sentence.
#[test]
fn a_notice_under_a_budget_paid_in_order_counts_every_row_of_the_village() {
    let env = Env::new();
    let table = env.write(
        "p.csv",
        "id,township,village,class,width,length,cost,priority\n\
         A1,T1,V,group,3.5,1,100万,2\n\
         A2,T2,V,group,3.5,1,100万,1\n\
         A3,T1,V,group,3.5,1,100万,\n",
    );
    let rules =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules.toml")).unwrap();
    assert!(rules.contains("amount = \"690万\""));
    for (name, budget, said) in [
        (
            "whole.toml",
            "amount = \"25万\"\non_overrun = \"in_order\"",
            "预算额度核减：社级道路建设额度25万元，各路段共申请30万元，已按优先级依次足额安排；本村路段申请20万元，安排15万元，核减5万元，由本村另行筹集。",
        ),
        (
            "village.toml",
            "amount = \"15万\"\non_overrun = \"in_order\"\nper_village = true",
            "预算额度核减：社级道路建设本村额度15万元，本村路段共申请20万元，已按优先级依次足额安排，核减5万元，由本村另行筹集。",
        ),
    ] {
        let r = env.write(name, rules.replace("amount = \"690万\"", budget));
        let out = env.file(&format!("out-{name}"));
        env.roadsub(&["notice", &table, "--rules", &r, "-o", &out])
            .expect(0, "", &format!("wrote 2 notices to {out}\n"));
        // As a batch run pays them: A2 (priority 1) and A1 (2) 10万 each, A3 what is left.
        let g = joined(grid(&env.path(&format!("out-{name}/T1-V.xlsx"))));
        let heads = g.iter().find(|r| r.first().is_some_and(|c| c == "编号")).unwrap();
        let poverty = heads.iter().position(|h| h == "县扶贫专项补助").unwrap();
        let paid: Vec<&str> = (g.iter())
            .filter(|r| r.len() > poverty && r[0].starts_with('A'))
            .map(|r| r[poverty].as_str())
            .collect();
        assert_eq!(paid, ["10", "5"], "{name}");
        assert!(g.iter().any(|r| r == &[said.to_string()]), "{name}: {g:#?}");
    }
}

fn per_village_50() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/anyue-2018-village-group-50.toml")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn a_village_whose_own_envelope_binds_is_told_its_envelope_and_its_cut_to_the_fen() {
    let env = Env::new();
    let out = env.file("out");
    env.roadsub(&["notice", &plan(), "--rules", &per_village_50(), "-o", &out])
        .expect(0, "", &format!("wrote 44 notices to {out}\n"));
    // 五峰村 asks 430,000 + 160,000 = 590,000 of its own 500,000, shared by running totals as
    // a batch run shares it: ⌊50万 × 43万 / 59万⌋ = 364,406.77, and 135,593.23 the rest.
    let mut expected = rows(&[
        &["安岳县2018年贫困村通村通社公路补助公示\n— 双龙街乡五峰村 —"],
        &["现将本村2个路段的建设补助及尚需筹集资金公示如下："],
        &["金额单位：万元（按元精确换算，未经四舍五入）；户均尚需筹集单位：元；长度：公里；宽度：米。"],
        &[],
        &["一、路段与补助"],
        &["编号", "路段名称", "道路类别", "路面宽度\n（米）", "建设里程\n（公里）", "总投资", "县交通局补助", "县扶贫专项补助", "补助合计", "差额"],
        &["AYP-005", "一组至七组", "通社公路", "3.5", "4.3", "167.7", "64.5", "36.440677", "100.940677", "66.759323"],
        &["AYP-006", "八组道路", "通社公路", "3.5", "1.6", "57.6", "24", "13.559323", "37.559323", "20.040677"],
        &["合计", "", "", "", "5.9", "225.3", "88.5", "50", "138.5", "86.8"],
        &[],
        &["二、差额与筹集"],
        &["编号", "路段名称", "差额", "整合资金", "一事一议筹资", "村项目资金", "尚需筹集", "受益户数", "户均尚需筹集\n（元）"],
        &["AYP-005", "一组至七组", "66.759323", "10", "0", "20", "36.759323", "95", "3869.4"],
        &["AYP-006", "八组道路", "20.040677", "0", "0", "7", "13.040677", "33", "3951.72"],
        &["合计", "", "86.8", "10", "0", "27", "49.8"],
        &[],
        &["受益户数按路段填报，同一农户可能受益于多个路段，故合计行不加总户数，也不计户均。"],
        &["预算额度核减：社级道路建设（每村）本村额度50万元，本村路段共申请59万元，已按申请额同比例分配，核减9万元，由本村另行筹集。"],
    ]);
    expected.extend(rows(&END));
    assert_eq!(
        joined(grid(&env.path("out/双龙街乡-五峰村.xlsx"))),
        expected
    );
    let batch = env
        .roadsub(&[
            "batch",
            &plan(),
            "--rules",
            &per_village_50(),
            "--format",
            "csv",
        ])
        .run()
        .stdout;
    for (id, paid) in [("AYP-005,", ",364406.77,"), ("AYP-006,", ",135593.23,")] {
        let line = batch.lines().find(|l| l.starts_with(id)).unwrap();
        assert!(line.contains(paid), "{line}");
    }
    // 画青村 asks 240,000 of its own 500,000: paid in full, and no sentence about a cut.
    let hq = grid(&env.path("out/天马乡-画青村.xlsx"));
    assert_eq!(
        hq[7][..8],
        [
            "AYP-002",
            "二组至五组",
            "通社公路",
            "3.5",
            "2.4",
            "96",
            "36",
            "24"
        ]
    );
    assert!(
        !hq.iter()
            .flatten()
            .any(|c| c.contains("核减") || c.contains("本村额度")),
        "{hq:?}"
    );
}

/// The bundled office sheet (序号, 所属乡镇, 万元 in its title).
fn office() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/office-2018.csv")
        .to_string_lossy()
        .into_owned()
}

/// A part of a notice's workbook, as XML text.
fn part(path: &Path, name: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut xml = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut xml).unwrap();
    xml
}

/// Twenty segments of one village, every third with a 25-character name.
fn twenty(env: &Env, count: usize) -> String {
    let mut csv = String::from("编号,乡镇,村,路段名称,类别,宽度,长度,投资,整合资金,一事一议筹资,农户自筹,村项目资金,户数\n");
    for i in 1..=count {
        let name = match i % 3 {
            0 => "从村委会经过老街小学卫生站到达五组六组七组交界处".to_string(),
            _ => format!("{i}组道路"),
        };
        csv.push_str(&format!(
            "L-{i:02},石鼓镇,长名村,{name},通社,3.5,1.2,50万,5万,1万,2万,3万,40\n"
        ));
    }
    env.write("long.csv", &csv)
}

#[test]
fn a_second_page_never_shows_table_ones_headings_over_table_twos_rows() {
    for count in [20, 15] {
        let env = Env::new();
        let table = twenty(&env, count);
        let out = env.file("out");
        env.roadsub(&["notice", &table, "-o", &out]).expect_code(0);
        let path = env.path("out/石鼓镇-长名村.xlsx");
        // No heading repeated on every page (print titles) …
        assert!(
            !part(&path, "xl/workbook.xml").contains("Print_Titles"),
            "{count}"
        );
        // … but a page break right before table 二, which starts page 2 under its own
        // headings, with the closing lines after it.
        let g = grid(&path);
        let second = g.iter().position(|r| r == &["二、差额与筹集"]).unwrap();
        assert_eq!(second, count + 8, "{count}");
        assert_eq!(g[second + 1][..3], ["编号", "路段名称", "差额"], "{count}");
        let sheet = part(&path, "xl/worksheets/sheet1.xml");
        assert!(
            sheet.contains(&format!(
                "<rowBreaks count=\"1\" manualBreakCount=\"1\"><brk id=\"{second}\" max=\"16383\" man=\"1\"/></rowBreaks>"
            )),
            "{count}: {sheet}"
        );
        assert!(sheet.contains("fitToHeight=\"0\""), "{count}");
    }
    // A village of two segments is one page: no break, fitted to the page's width.
    let env = Env::new();
    let out = env.file("out");
    env.roadsub(&["notice", &plan(), "-o", &out, "--village", "画青村"])
        .expect_code(0);
    let sheet = part(
        &env.path("out/天马乡-画青村.xlsx"),
        "xl/worksheets/sheet1.xml",
    );
    assert!(!sheet.contains("rowBreaks"), "{sheet}");
    assert!(!part(&env.path("out/天马乡-画青村.xlsx"), "xl/workbook.xml").contains("Print_Titles"));
}

#[test]
fn the_posted_notice_carries_no_instructions_for_the_office_they_are_a_note_on_the_title() {
    let env = Env::new();
    let out = env.file("out");
    env.roadsub(&["notice", &plan(), "-o", &out, "--village", "画青村"])
        .expect_code(0);
    let path = env.path("out/天马乡-画青村.xlsx");
    let g = grid(&path);
    assert!(
        g.iter()
            .flatten()
            .all(|c| !c.contains("roadsub") && !c.contains("公式")),
        "{g:?}"
    );
    // The note (not printed) holds the sentence, on the title's cell.
    let comments = part(&path, "xl/comments1.xml");
    assert!(comments.contains("<comment ref=\"A1\""), "{comments}");
    assert!(
        comments.contains("合计、补助合计、差额、尚需筹集和户均为公式，改动数字后自动更新；各项补助按规则计算，改动造价后请重新运行 roadsub notice 核对补助。"),
        "{comments}"
    );
}

#[test]
fn a_subsidy_the_cost_caps_is_explained_with_the_engines_figures() {
    let env = Env::new();
    let out = env.file("out");
    env.roadsub(&["notice", &office(), "-o", &out]).expect(
        0,
        "",
        &format!("wrote 3 notices to {out}\n"),
    );
    // 大骥村: 4.5 m × 2 km at 30万/km is 60万, but 96万 of cost less 90万 of transport
    // leaves 6万 (the batch run's 600,000.00 → 60,000.00).
    let g = joined(grid(&env.path("out/石鼓镇-大骥村.xlsx")));
    let said: Vec<&Vec<String>> = g
        .iter()
        .filter(|r| r.first().is_some_and(|c| c.starts_with("路段")))
        .collect();
    assert_eq!(
        said,
        [&vec![
            "路段1：县扶贫专项补助按标准应为60万元，补助合计不超过总投资，核减为6万元。"
                .to_string()
        ]]
    );
    // 金鸡村: only its first segment is capped (960,000.00 → 60,000.00).
    let g = joined(grid(&env.path("out/自治乡-金鸡村.xlsx")));
    let said: Vec<&Vec<String>> = g
        .iter()
        .filter(|r| r.first().is_some_and(|c| c.starts_with("路段")))
        .collect();
    assert_eq!(
        said,
        [&vec![
            "路段3：县扶贫专项补助按标准应为96万元，补助合计不超过总投资，核减为6万元。"
                .to_string()
        ]]
    );
    // 玉皇村 is paid its rates: nothing said.
    let g = grid(&env.path("out/石鼓镇-玉皇村.xlsx"));
    assert!(g.iter().flatten().all(|c| !c.contains("核减")), "{g:?}");
}

#[test]
fn a_village_fund_beyond_the_villages_own_envelope_is_said_on_its_notice() {
    let env = Env::new();
    let out = env.file("out");
    env.roadsub(&["notice", &plan(), "--rules", &prorate(), "-o", &out])
        .expect_code(0);
    // 金鸡村 puts 99万 + 60万 + 56万 = 215万 of 村项目资金 in, its envelope 200万 (a batch run's
    // summary: "村项目资金 · 自治乡 金鸡村需215万元，额度200万元，超支15万元").
    let g = joined(grid(&env.path("out/自治乡-金鸡村.xlsx")));
    assert!(
        g.contains(&vec![
            "本村村项目资金共215万元，每村额度200万元，超出15万元。".to_string()
        ]),
        "{g:?}"
    );
    let g = joined(grid(&env.path("out/石桥铺镇-示例村05.xlsx")));
    assert!(
        g.contains(&vec![
            "本村村项目资金共204.2万元，每村额度200万元，超出4.2万元。".to_string()
        ]),
        "{g:?}"
    );
    // Within its envelope (20万 of 200万), 画青村 is told nothing about it.
    let g = grid(&env.path("out/天马乡-画青村.xlsx"));
    assert!(g.iter().flatten().all(|c| !c.contains("每村额度")), "{g:?}");
}

#[test]
fn a_lone_closing_mark_never_starts_a_line_of_the_notice_period() {
    let env = Env::new();
    let out = env.file("out");
    env.roadsub(&["notice", &office(), "-o", &out])
        .expect_code(0);
    for name in ["石鼓镇-大骥村.xlsx", "石鼓镇-玉皇村.xlsx"] {
        let path = env.path(&format!("out/{name}"));
        let g = grid(&path);
        let at = g
            .iter()
            .position(|r| r.first().is_some_and(|c| c.starts_with("公示期")))
            .unwrap();
        assert_eq!(
            g[at][0],
            "公示期：自\u{3000}\u{3000}年\u{3000}\u{3000}月\u{3000}\u{3000}日至\u{3000}\u{3000}年\u{3000}\u{3000}月\u{3000}\u{3000}日（7天）。如有异议，\n请在公示期内向村民委员会或乡镇人民政府反映。",
            "{name}"
        );
        // Its row is as tall as the two lines written.
        assert_eq!(
            row_tags(&path)[&(at as u32 + 1)],
            "spans=\"1:9\" ht=\"33.75\" customHeight=\"1\"",
            "{name}"
        );
    }
    // The class: no line of any paragraph of any bundled notice starts with closing
    // punctuation.
    let all = env.file("all");
    env.roadsub(&["notice", &plan(), "--rules", &prorate(), "-o", &all])
        .expect_code(0);
    for entry in std::fs::read_dir(env.path("all")).unwrap() {
        let path = entry.unwrap().path();
        for cell in grid(&path).iter().filter(|r| r.len() == 1).map(|r| &r[0]) {
            for line in cell.split('\n').skip(1) {
                let first = line.chars().next().unwrap();
                assert!(
                    !"。，；、）」：？！".contains(first),
                    "{}: {cell:?}",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn under_source_date_epoch_notices_reports_and_comparisons_are_the_same_bytes_run_after_run() {
    let env = Env::new();
    let table = env.write("plan.csv", TWO_NEW_VILLAGES);
    let make = |n: u32| {
        let out = env.file(&format!("notices-{n}"));
        env.roadsub(&["notice", &table, "-o", &out])
            .env("SOURCE_DATE_EPOCH", "1543622400")
            .expect(0, "", &format!("wrote 3 notices to {out}\n"));
        let report = env.file(&format!("report-{n}.xlsx"));
        env.roadsub(&["batch", &table, "-o", &report])
            .env("SOURCE_DATE_EPOCH", "1543622400")
            .expect_code(0);
        let what_if = env.file(&format!("what-if-{n}.xlsx"));
        env.roadsub(&[
            "compare",
            &table,
            "--set",
            "poverty.village.4.5=30万",
            "-o",
            &what_if,
        ])
        .env("SOURCE_DATE_EPOCH", "1543622400")
        .expect_code(0);
        let mut books = vec![report, what_if];
        books.extend(
            listing(&env.path(&format!("notices-{n}")))
                .into_iter()
                .map(|name| format!("{out}/{name}")),
        );
        books
    };
    let first = make(1);
    // Past the second the first ones were made in: without the time given, they would differ.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let second = make(2);
    assert_eq!(first.len(), 5);
    // The same bytes a second apart: the time each says is the one given (which
    // `table::workbook::made` checks is 2018-12-01T00:00:00Z), not the time it was made.
    for (a, b) in first.iter().zip(&second) {
        assert!(
            std::fs::read(a).unwrap() == std::fs::read(b).unwrap(),
            "{a} and {b} differ"
        );
    }
}

#[test]
fn a_source_date_epoch_that_is_not_whole_seconds_is_refused_and_nothing_is_written() {
    let env = Env::new();
    let table = env.write("plan.csv", TWO_NEW_VILLAGES);
    let out = env.file("notices");
    env.roadsub(&["notice", &table, "-o", &out])
        .env("SOURCE_DATE_EPOCH", "2018-12-01")
        .expect(
            2,
            "",
            "roadsub: SOURCE_DATE_EPOCH is “2018-12-01”: it must be whole seconds since \
             1970-01-01 UTC (like 1543622400), the time new workbooks say they were made; unset \
             it to use the time now\n",
        );
    assert!(!env.path("notices").exists());
    env.roadsub(&["notice", &table, "-o", &out, "--lang", "zh"])
        .env("SOURCE_DATE_EPOCH", "1.5")
        .expect(
            2,
            "",
            "roadsub: SOURCE_DATE_EPOCH 为“1.5”：应为自 1970-01-01（UTC）起的整秒数（如 \
             1543622400），即新建工作簿记录的创建时间；不设则用当前时间\n",
        );
    // Set but empty is not set: the time now.
    env.roadsub(&["notice", &table, "-o", &out])
        .env("SOURCE_DATE_EPOCH", "")
        .expect(0, "", &format!("wrote 3 notices to {out}\n"));
}

#[test]
fn notice_to_standard_output_is_refused_not_made_a_folder_named_dash() {
    let env = Env::new();
    let table = env.write("plan.csv", TWO_NEW_VILLAGES);
    env.roadsub(&["notice", &table, "-o", "-"]).expect(
        2,
        "",
        "roadsub: -o -: notices are files, one per village, and cannot go to standard output; \
         give a folder (-o notices)\n",
    );
    env.roadsub(&["notice", &table, "-o", "-", "--lang", "zh"])
        .expect(
            2,
            "",
            "roadsub: -o -：公示是每村一个文件，不能写到标准输出；请给出文件夹（-o notices）\n",
        );
    assert!(!env.path("-").exists());
}

#[test]
fn a_notice_of_costs_typed_in_the_wrong_unit_is_written_with_a_warning() {
    let env = Env::new();
    // 96 typed for 96万 in 大骥村: 48 yuan a km, under the plausible 5万–500万.
    let table = env.write(
        "unit.csv",
        "编号,乡镇,村,类别,宽度,长度,投资,户数\n\
         U1,石鼓镇,大骥村,通村,4.5,2,96,30\n\
         U2,石鼓镇,新村,通村,4.5,2,960000,30\n",
    );
    let out = env.file("n");
    env.roadsub(&["notice", &table, "-o", &out]).expect(
        0,
        "",
        &format!(
            "warning: 1 row has a cost per km outside the plausible 50,000–5,000,000 yuan per km \
             (roadsub batch says which in its notes): check the amounts' unit (元 or 万元)\n\
             wrote 2 notices to {out}\n"
        ),
    );
    // What a batch run says of the same table, pointing to its notes.
    env.roadsub(&["batch", &table, "-o", &env.file("r.csv")])
        .expect_code(0)
        .stderr_has("warning: 1 row has a cost per km outside the plausible 50,000–5,000,000 yuan per km (see the notes): check the amounts' unit (元 or 万元)\n");
    let zh = env.file("zh");
    env.roadsub(&["notice", &table, "-o", &zh, "--village", "大骥村", "--lang", "zh"])
        .expect(
            0,
            "",
            &format!(
                "警告：1 行的每公里造价超出合理范围（5万–500万元/公里，roadsub batch 的计算说明标出是哪些行）：请核对金额单位（元或万元）\n\
                 已写出 1 份公示到 {zh}\n"
            ),
        );
    // Only the villages written count: 新村's costs are plausible.
    let other = env.file("other");
    env.roadsub(&["notice", &table, "-o", &other, "--village", "新村"])
        .expect(0, "", &format!("wrote 1 notice to {other}\n"));
}

/// A fund that pays a segment nothing by the rules (a road narrower than its narrowest tier,
/// a class it has no rate for) showed a bare 0 on the posted notice, with no reason given.
#[test]
fn a_fund_that_pays_a_segment_nothing_says_why_on_the_notice() {
    let env = Env::new();
    let table = env.write(
        "plan.csv",
        "编号,乡镇,村,类别,宽度,长度,投资,户数\n\
         A1,石鼓镇,大骥村,通村,4.5,1,60万,30\n\
         A4,石鼓镇,大骥村,通村,3.0,1,30万,10\n\
         A5,石鼓镇,大骥村,通社,3.2,1,30万,10\n",
    );
    let out = env.file("out");
    env.roadsub(&["notice", &table, "-o", &out]).expect(
        0,
        "",
        &format!("wrote 1 notice to {out}\n"),
    );
    let g = joined(grid(&env.path("out/石鼓镇-大骥村.xlsx")));
    let said: Vec<&str> = g
        .iter()
        .filter_map(|r| r.first())
        .filter(|c| c.starts_with("路段"))
        .map(String::as_str)
        .collect();
    assert_eq!(
        said,
        [
            "路段A1：县扶贫专项补助按标准应为30万元，补助合计不超过总投资，核减为15万元。",
            "路段A4：路面宽度3米，低于县交通局补助、县扶贫专项补助的最小宽度3.5米，均不予补助。",
            "路段A5：路面宽度3.2米，低于县交通局补助、县扶贫专项补助的最小宽度3.5米，均不予补助。",
        ]
    );
}

#[test]
fn a_text_longer_than_a_workbook_cell_is_said_in_both_languages_and_nothing_is_written() {
    let env = Env::new();
    // A 路段名称 of 40,000 characters: a workbook cell holds 32,767.
    let table = env.write(
        "long.csv",
        format!(
            "id,township,village,class,width_m,length_km,cost,路段名称\n\
             A1,天马乡,画青村,village,4.5,1,800000,{}\n\
             A2,卧佛镇,关田村,village,4.5,1,800000,关田路\n",
            "长".repeat(40_000)
        ),
    );
    let dir = env.path("notices");
    let shown = "notices/天马乡-画青村.xlsx";
    env.roadsub(&["notice", &table, "-o", "notices", "--lang", "en"])
        .expect_code(1)
        .stderr(&format!(
            "roadsub: {shown}: a text is longer than a workbook cell holds (32,767 characters); no notice written\n"
        ));
    env.roadsub(&["notice", &table, "-o", "notices", "--lang", "zh"])
        .expect_code(1)
        .stderr(&format!(
            "roadsub: {shown}: 有文字超过工作簿单元格能容纳的 32,767 个字符；未写出任何公示\n"
        ));
    // All or nothing: the other village's notice was not left behind either, nor the folder
    // the run made for them (it stayed, empty).
    assert!(!dir.exists());
    // A batch run's workbook says the same.
    env.roadsub(&["batch", &table, "-o", "out.xlsx", "--lang", "zh"])
        .expect_code(1)
        .stderr("roadsub: 无法写入 out.xlsx: 有文字超过工作簿单元格能容纳的 32,767 个字符\n");
    assert!(!env.path("out.xlsx").exists());
}

#[test]
fn a_township_left_blank_is_said_as_such_and_never_suggested() {
    let env = Env::new();
    // Row 3 names no township (so it is bad): it stands apart from 天马乡's 画青村.
    let table = env.write(
        "blank.csv",
        "id,township,village,class,width_m,length_km,cost\n\
         A1,天马乡,画青村,village,4.5,1,800000\n\
         A2,,画青村,village,4.5,1,800000\n\
         A3,卧佛镇,关田村,village,4.5,1,800000\n",
    );
    env.roadsub(&[
        "notice", &table, "-o", "n", "--keep-going", "--village", "画青村", "--lang", "en",
    ])
    .expect_code(2)
    .stderr_ends(
        "roadsub: --village \"画青村\": villages of that name are in （未填乡镇）, 天马乡; say which, like --village 天马乡/画青村\n",
    );
    env.roadsub(&[
        "notice", &table, "-o", "n", "--keep-going", "--village", "画青村", "--lang", "zh",
    ])
    .expect_code(2)
    .stderr_ends(
        "roadsub: --village \"画青村\"：（未填乡镇）、天马乡都有这个村；请写明乡镇，如 --village 天马乡/画青村\n",
    );
    let out = env
        .roadsub(&["notice", &table, "-o", "n", "--keep-going", "--lang", "en"])
        .expect_code(1);
    out.stderr_has("no notice for （未填乡镇） 画青村: none of its rows can be computed\n");
    out.stderr_ends("1 bad row; wrote 2 notices to n (without those rows)\n");
}

/// Review 14: a village whose name holds a line break (a quoted cell over two lines), none
/// of whose rows computes, was named raw, its message split over two lines
/// (`no notice for t 大骥村⏎三组: …`). The name is said on one line, the break escaped.
#[test]
fn a_village_name_holding_a_line_break_is_said_on_one_line() {
    let env = Env::new();
    let table = env.write(
        "broken.csv",
        "id,township,village,class,width_m,length_km,cost\n\
         A1,t,\"大骥村\n三组\",village,4.5,,800000\n\
         A2,t,画青村,village,4.5,1,800000\n",
    );
    for (lang, said) in [
        (
            "en",
            "no notice for t 大骥村\\n三组: none of its rows can be computed\n",
        ),
        ("zh", "t 大骥村\\n三组：所有路段均有错误，未写出公示\n"),
    ] {
        env.roadsub(&["notice", &table, "-o", "n", "--keep-going", "--lang", lang])
            .expect_code(1)
            .stderr_has(said);
    }
}

/// Review 11, D5: with no row that computes, notice still offered `--keep-going` "to write
/// the notices without those rows", which then wrote nothing; batch and compare offer it only
/// where it writes something.
#[test]
fn with_no_good_row_notice_does_not_offer_keep_going() {
    let env = Env::new();
    let input = env.write(
        "bad.csv",
        "编号,乡镇,村,类别,宽度,长度,投资\nB1,天马乡,画青村,通村,4.5,abc,170万\n",
    );
    let out = env.file("notices");
    env.roadsub(&["notice", &input, "-o", &out, "--lang", "en"]).expect(
        1,
        "",
        &format!("{input}:2: 长度 \"abc\" is not a length (expected km like 1.25, 1.25公里 or 850米)\n1 bad row; no notice written\n"),
    );
    env.roadsub(&["notice", &input, "-o", &out, "--lang", "zh"]).expect(
        1,
        "",
        &format!("{input}:2: 长度“abc”不是长度（应为公里数，如 1.25、1.25公里 或 850米）\n1 行有错；未写出任何公示\n"),
    );
}

/// Review 34: a village's own plan saved as `乡镇-村.xlsx` in the folder of its notices was
/// replaced by its notice under `--force` (and without it, the message offered `--force`).
/// A notice never replaces a table it is made from: refused as a wrong command line, the
/// table untouched.
#[test]
fn a_notice_never_replaces_a_table_it_is_made_from() {
    let env = Env::new();
    std::fs::create_dir(env.path("n")).unwrap();
    let plan = env.path("n/甲乡-乙村.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["编号", "乡镇", "村", "类别", "宽度", "长度", "投资", "户数"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["X1", "甲乡", "乙村", "通村", "4.5", "1", "100万", "5"]
        .iter()
        .enumerate()
    {
        sheet.write_string(1, c as u16, *v).unwrap();
    }
    book.save(&plan).unwrap();
    let before = std::fs::read(&plan).unwrap();
    let input = plan.display().to_string();
    let out = env.file("n");
    for (force, lang) in [(true, "en"), (false, "en"), (true, "zh")] {
        let mut args = vec!["notice", &input, "-o", &out, "--lang", lang];
        if force {
            args.push("--force");
        }
        let said = match lang {
            "en" => format!(
                "roadsub: {input}: a notice would replace {input}, a table it is made from; nothing written (give another folder with -o)\n"
            ),
            _ => format!(
                "roadsub: {input}：公示会替换输入表格 {input}；未写出任何公示（请用 -o 另给一个文件夹）\n"
            ),
        };
        env.roadsub(&args).expect(2, "", &said);
        assert_eq!(std::fs::read(&plan).unwrap(), before, "{force} {lang}");
        assert_eq!(listing(&env.path("n")), ["甲乡-乙村.xlsx"]);
    }
}

/// Review 34: which village of two whose file names come out the same got `(2)` depended on
/// the villages written, so `--village 画?青村 --force` wrote its notice over 画:青村's. A
/// village's file name is its name among every village of the tables, whichever are written.
#[test]
fn a_villages_notice_has_the_same_name_whichever_villages_are_written() {
    let env = Env::new();
    let table = env.write(
        "cut.csv",
        "编号,乡镇,村,路段名称,类别,宽度,长度,投资,户数\n\
         B4,天马乡,画?青村,路四,通村,4.5,2,200万,10\n\
         B3,天马乡,画:青村,路三,通村,4.5,1,100万,10\n",
    );
    let out = env.file("n");
    env.roadsub(&["notice", &table, "-o", &out]).expect(
        0,
        "",
        &format!("wrote 2 notices to {out}\n"),
    );
    let village_of = |name: &str| grid(&env.path(&format!("n/{name}")))[0][0].clone();
    let (first, second) = ("天马乡-画_青村.xlsx", "天马乡-画_青村(2).xlsx");
    assert!(village_of(first).contains("画:青村"));
    assert!(village_of(second).contains("画?青村"));
    let kept = std::fs::read(env.path(&format!("n/{first}"))).unwrap();
    for (village, name) in [
        ("画?青村", second),
        ("天马乡/画?青村", second),
        ("画:青村", first),
    ] {
        env.roadsub(&[
            "notice",
            &table,
            "-o",
            &out,
            "--village",
            village,
            "--force",
        ])
        .expect(0, "", &format!("wrote 1 notice to {out}\n"));
        assert_eq!(listing(&env.path("n")), [second, first], "{village}");
        assert!(village_of(name).contains(village.trim_start_matches("天马乡/")));
        if name == second {
            assert_eq!(
                std::fs::read(env.path(&format!("n/{first}"))).unwrap(),
                kept
            );
        }
    }
    assert!(village_of(first).contains("画:青村"));
    assert!(village_of(second).contains("画?青村"));
}

/// Review 34: `--village` naming a village none of whose rows can be computed ended "no
/// notice written (no village has a good row)", though other villages have good rows. The
/// village is said, then the run's problems, with no word of the other villages.
#[test]
fn a_village_asked_for_with_only_bad_rows_is_not_said_to_be_every_village() {
    let env = Env::new();
    let table = env.write(
        "odd.csv",
        "编号,乡镇,村,类别,宽度,长度,投资,户数\n\
         G1,天马乡,好村,通村,4.5,1,100万,10\n\
         B1,天马乡,坏村,通村,4.5,x,100万,10\n",
    );
    let out = env.file("n");
    for (lang, said) in [
        (
            "en",
            format!(
                "{table}:3: 长度 \"x\" is not a length (expected km like 1.25, 1.25公里 or 850米)\n\
                 no notice for 天马乡 坏村: none of its rows can be computed\n\
                 roadsub: 1 bad row; no notice written\n"
            ),
        ),
        (
            "zh",
            format!(
                "{table}:3: 长度“x”不是长度（应为公里数，如 1.25、1.25公里 或 850米）\n\
                 天马乡 坏村：所有路段均有错误，未写出公示\n\
                 roadsub: 1 行有错；未写出任何公示\n"
            ),
        ),
    ] {
        let args = [
            "notice",
            &table,
            "-o",
            &out,
            "--keep-going",
            "--village",
            "坏村",
            "--lang",
            lang,
        ];
        env.roadsub(&args).expect(1, "", &said);
    }
    assert!(!env.path("n").exists());
}

/// The defect (review 49): a village on two lines, its line ended `\r\n` in one table and
/// `\n` in another, is one village, but `--village` found it only typed with a bare line
/// feed (a shell on Windows cannot pass one), and the messages naming it broke their line.
#[test]
fn a_village_on_two_lines_is_asked_for_however_its_line_break_is_typed_and_said_on_one_line() {
    let env = Env::new();
    let head = "id,township,village,class,width_m,length_km,cost";
    let a = env.write(
        "a.csv",
        format!("{head}\r\nA1,东镇,\"画青\r\n村\",village,4.5,1,1000000\r\nA2,东镇,丙村,village,4.5,1,1000000\r\n"),
    );
    let b = env.write(
        "b.csv",
        format!("{head}\nB1,东镇,\"画青\n村\",village,4.5,1,1000000\nC1,西镇,\"画青\n村\",village,4.5,1,1000000\n"),
    );
    for typed in [
        "东镇/画青\r\n村",
        "东镇/画青\n村",
        "东镇/画青\\n村",
        "东镇/画青↵村",
    ] {
        let out = env.file("n");
        let _ = std::fs::remove_dir_all(env.path("n"));
        env.roadsub(&["notice", &a, &b, "-o", &out, "--village", typed])
            .expect(0, "", &format!("wrote 1 notice to {out}\n"));
        assert_eq!(listing(&env.path("n")), ["东镇-画青_村.xlsx"], "{typed:?}");
        // Both rows of the village are in its notice.
        let cells: Vec<String> = grid(&env.path("n/东镇-画青_村.xlsx")).concat();
        for id in ["A1", "B1"] {
            assert!(
                cells.iter().any(|c| c == id),
                "{typed:?}: {id} in {cells:?}"
            );
        }
    }
    let out = env.file("m");
    env.roadsub(&["notice", &a, &b, "-o", &out, "--village", "画青\n村"]).expect(
        2,
        "",
        "roadsub: --village \"画青\\n村\": villages of that name are in 东镇, 西镇; say which, like --village 东镇/画青\\n村\n",
    );
    env.roadsub(&[
        "notice",
        &a,
        &b,
        "-o",
        &out,
        "--village",
        "画青\n屯",
        "--lang",
        "zh",
    ])
    .expect(1, "", "roadsub: 没有属于“画青\\n屯”的路段\n");
}

/// A notice run into a folder it makes, ended by a signal before any notice is in place or
/// failing to make the folder, leaves no folder behind (the empty ones stayed, the folder and
/// those above it that the run made); one that ends well keeps them.
#[cfg(target_os = "linux")]
#[test]
fn a_notice_run_ended_before_it_writes_leaves_no_folder_it_made() {
    use std::os::unix::process::ExitStatusExt;
    let mut rows = String::from("id,township,village,class,width_m,length_km,cost\n");
    for i in 0..240 {
        rows.push_str(&format!("S{i:04},T{},V{i},village,4.5,2,1600000\n", i % 7));
    }
    let env = Env::new();
    env.write("plan.csv", &rows);
    let (made, out) = (env.path("made"), env.path("made/deeper"));
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_roadsub"));
    command.args(["notice", "plan.csv", "-o"]).arg(&out);
    let ready = || temporary_in(&out);
    let (child, stdin) = signalled(command, &env.path(""), b"", ready, libc::SIGTERM);
    let status = ended(child, "made");
    drop(stdin);
    assert_eq!(status.signal(), Some(libc::SIGTERM), "{status:?}");
    assert!(!made.exists(), "the folders made are left");
    // Nor one that fails to make the folder after making those above it (a name too long).
    let long = format!("made/deeper/{}", "x".repeat(300));
    env.roadsub(&["notice", "plan.csv", "-o", &long])
        .expect_code(1);
    assert!(
        !made.exists(),
        "the folders made before the failure are left"
    );
    env.roadsub(&["notice", "plan.csv", "-o", "made/deeper"])
        .expect_code(0);
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 240);
}

/// A notice run ended by SIGINT, SIGTERM, SIGHUP or SIGQUIT leaves no temporary workbook or folder
/// behind, and the folder has every new notice or none: signalled while the notices are
/// written, the old ones are untouched (or, in a new folder, none is there); signalled as
/// the first is put in place, the renames are finished first and every notice is new.
/// Before, the `.roadsub-….xlsx` being written and the folder of the notices kept aside were
/// left, with some notices replaced and others not.
#[test]
fn a_notice_run_ended_by_a_signal_leaves_no_temporary_file_and_no_half_the_notices() {
    use std::collections::BTreeMap;
    use std::os::unix::fs::MetadataExt;
    use std::os::unix::process::ExitStatusExt;
    let villages = 240;
    let table = |cost: u32| {
        let mut rows = String::from("id,township,village,class,width_m,length_km,cost\n");
        for i in 0..villages {
            rows.push_str(&format!("S{i:04},T{},V{i},village,4.5,2,{cost}\n", i % 7));
        }
        rows
    };
    let files = |dir: &Path| -> BTreeMap<std::ffi::OsString, Vec<u8>> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                // A folder left behind reads as nothing, and is said below.
                (e.file_name(), std::fs::read(e.path()).unwrap_or_default())
            })
            .collect()
    };
    let env = Env::new();
    env.write("old.csv", table(1_600_000));
    env.write("new.csv", table(1_700_000));
    env.roadsub(&["notice", "old.csv", "-o", "old"])
        .expect_code(0);
    let old = files(&env.path("old"));
    assert_eq!(old.len(), villages);
    let bin = env!("CARGO_BIN_EXE_roadsub");
    // (signal, over the old notices, signalled while they are written, as the old ones are
    // linked into the folder kept aside, or as the first is put in place)
    for (k, (signal, force, when)) in [
        (libc::SIGTERM, true, "writing"),
        (libc::SIGINT, false, "writing"),
        (libc::SIGHUP, true, "writing"),
        (libc::SIGQUIT, true, "writing"),
        (libc::SIGTERM, true, "linking"),
        (libc::SIGHUP, true, "linking"),
        (libc::SIGTERM, true, "placing"),
        (libc::SIGINT, true, "placing"),
    ]
    .into_iter()
    .enumerate()
    {
        let what = format!("{signal}, {when}");
        let out = env.path(&format!("out{k}"));
        std::fs::create_dir(&out).unwrap();
        if force {
            for (name, bytes) in &old {
                std::fs::write(out.join(name), bytes).unwrap();
            }
        }
        let inode =
            |name: &std::ffi::OsStr| std::fs::metadata(out.join(name)).map(|m| m.ino()).ok();
        let inodes: Vec<_> = old.keys().map(|name| (name, inode(name))).collect();
        let linked =
            |name: &std::ffi::OsStr| std::fs::metadata(out.join(name)).is_ok_and(|m| m.nlink() > 1);
        let ready = || match when {
            "placing" => inodes.iter().any(|&(name, was)| inode(name) != was),
            "linking" => old.keys().any(|name| linked(name)),
            _ => temporary_in(&out),
        };
        let mut command = std::process::Command::new(bin);
        command.args(["notice", "new.csv", "-o"]).arg(&out);
        if force {
            command.arg("--force");
        }
        let (child, stdin) = signalled(command, &env.path(""), b"", ready, signal);
        let status = ended(child, &what);
        drop(stdin);
        // Signalled as the last notices are linked, the run may have ended first.
        assert!(
            status.signal() == Some(signal) || (when == "linking" && status.success()),
            "{what}: {status:?}"
        );
        let now = files(&out);
        let left: Vec<_> = now
            .keys()
            .filter(|n| n.to_string_lossy().starts_with(".roadsub-"))
            .collect();
        assert!(left.is_empty(), "{what}: left behind: {left:?}");
        let unchanged = now.iter().filter(|(n, b)| old.get(*n) == Some(b)).count();
        match (force, when) {
            (true, "writing") => assert_eq!(unchanged, villages, "{what}: notices replaced"),
            (true, _) => {
                assert!(now.keys().eq(old.keys()), "{what}: the names changed");
                assert_eq!(unchanged, 0, "{what}: notices not replaced");
            }
            (false, _) => assert!(now.is_empty(), "{what}: {} notices", now.len()),
        }
    }
}
