//! `roadsub batch` on good input.

use super::*;

#[test]
fn spec_worked_examples_through_the_binary() {
    let env = Env::new();
    env.roadsub(&["batch", &data("spec-examples.csv")])
        .expect_code(0)
        .stdout(
            "id,township,village,class,width_m,length_km,cost,cost_per_km,other_funds,households,transport,poverty,subsidy_total,gap,shortfall,shortfall_per_household,notes\n\
             E1,T,V,village,4.5,2,1600000,,,,900000.00,600000.00,1500000.00,100000.00,100000.00,,\n\
             E1-other,T,V,village,4.5,2,1600000,,30000,,900000.00,600000.00,1500000.00,100000.00,70000.00,,\n\
             E1-households,T,V,village,4.5,2,1600000,,,3,900000.00,600000.00,1500000.00,100000.00,100000.00,33333.33,\n\
             E2,T,V,group,3.5,1.5,450000,,,,225000.00,150000.00,375000.00,75000.00,75000.00,,\n\
             E3,T,V,village,4.0,1.2,700000,,,,180000.00,300000.00,480000.00,220000.00,220000.00,,width 4.0 m is below the 4.5 m tier of County transport bureau subsidy: the 3.5 m tier applies; width 4.0 m is below the 4.5 m tier of County poverty-alleviation special fund: the 3.5 m tier applies\n\
             E4,T,V,village,3.0,1,300000,,,,0.00,0.00,0.00,300000.00,300000.00,,width 3.0 m is below the 3.5 m minimum of County transport bureau subsidy; width 3.0 m is below the 3.5 m minimum of County poverty-alleviation special fund\n\
             E5,T,V,village,4.5,1,500000,,,,450000.00,50000.00,500000.00,0.00,0.00,,\"County poverty-alleviation special fund cut from 300,000.00 yuan to 50,000.00 yuan so the subsidy does not exceed the cost\"\n\
             E6,T,V,group,6.0,0.85,,400000,,,340000.00,0.00,340000.00,0.00,0.00,,\"County transport bureau subsidy cut from 382,500.00 yuan to 340,000.00 yuan so the subsidy does not exceed the cost; County poverty-alleviation special fund cut from 85,000.00 yuan to 0.00 yuan so the subsidy does not exceed the cost\"\n\
             E7,T,V,village,3.5,0.333,200000,,,,49950.00,83250.00,133200.00,66800.00,66800.00,,\n",
        );
}

#[test]
fn output_file_and_summary() {
    let env = Env::new();
    let out_path = env.file("out.csv");
    env.roadsub(&["batch", &example(), "-o", &out_path, "--summary"])
        .expect_code(0)
        .stderr(&format!("wrote 19 rows to {out_path}\n"))
        .stdout_has("19 segments, 49.15 km planned, 42.7 km completed (86.9%)")
        .stdout_has("\nsubsidy_total                                      17,015,000.00\n")
        .stdout_has("\ngap                                                 7,637,000.00\n")
        .stdout_has("\nsources (other_funds, yishi_yiyi, …)                  150,000.00\n")
        .stdout_has("\nshortfall (still to raise)                          7,487,000.00\n")
        .stdout_has("\ndue (for completed km)                             15,215,000.00\n")
        .stdout_has("\nVillage road hardening  4,965,000.00  2,687,500.00  2,687,500.00  2,277,500.00  54.1%\n")
        // No row gives any 村项目资金: the per-village budget on it is one line of nothing used.
        .stdout_has("\nVillage project fund    2,000,000.00          0.00          0.00  2,000,000.00   0.0%\n");
    let csv = env.read("out.csv");
    assert_eq!(csv.lines().count(), 20);
    assert_eq!(cell(&csv, "AY-01", "transport"), "945000.00");
    assert_eq!(cell(&csv, "AY-01", "shortfall"), "5000.00");
    assert_eq!(cell(&csv, "AY-19", "poverty"), "17500.00");
    assert_eq!(cell(&csv, "AY-12", "备注"), "路面宽度不足3.5米");
}

#[test]
fn summary_by_township_in_chinese() {
    let env = Env::new();
    env.roadsub(&["batch", &example(), "--by", "township", "--lang", "zh"])
        .expect_code(0)
        // The data goes to stdout.
        .stdout_starts("编号,乡镇,村")
        .stderr_has("汇总 — 安岳县2018年贫困村通村通社公路补助标准")
        .stderr_has("\n乡镇      路段数   公里  已完工（公里）  县交通局补助（元）  县扶贫专项补助（元）  补助合计（元）    差额（元）  尚需筹集（元）   应拨付（元）\n")
        .stderr_has("\n自治乡         3    8.3             5.5        1,995,000.00          1,330,000.00    3,325,000.00  1,161,000.00    1,161,000.00   2,625,000.00\n")
        .stderr_has("\n合计          19  49.15            42.7       10,657,500.00          6,357,500.00   17,015,000.00  7,637,000.00    7,487,000.00  15,215,000.00\n");
}

/// Review 29: the summary's first line said `199999 km planned` beside amounts grouped in
/// threes. Its counts and km are grouped as its amounts are.
#[test]
fn the_summary_groups_its_counts_and_km_in_threes() {
    let env = Env::new();
    let mut table = String::from("id,township,village,class,width_m,length_km,cost,completed_km\n");
    for i in 0..1001 {
        table.push_str(&format!("S{i},T,V,village,4.5,1.5,1000000,1\n"));
    }
    let table = env.write("t.csv", table);
    let out = env.file("out.csv");
    env.roadsub(&["batch", &table, "--summary", "-o", &out, "--lang", "en"])
        .expect_code(0)
        .stdout_has("\n1,001 segments, 1,501.5 km planned, 1,001 km completed (66.7%)\n");
    env.roadsub(&["batch", &table, "--summary", "-o", &out, "--lang", "zh"])
        .expect_code(0)
        .stdout_has("\n路段 1,001 个，计划 1,501.5 公里，已完工 1,001 公里（66.7%）\n");
}

/// The output trimmed the user's own headers (`" 空格列 "` became `空格列`): a copied column
/// is headed as the input heads it, spaces and all, in every text form; a column roadsub
/// reads is found as before.
#[test]
fn copied_columns_keep_their_headers_as_written() {
    let env = Env::new();
    let table = env.write(
        "sp.csv",
        "id, township,village ,class,width_m,length_km,cost, 空格列 ,Other\u{3000}\n\
         S1,t,v,village,4.5,1,1600000,x ,y\n",
    );
    let run = env.roadsub(&["batch", &table]).expect_code(0);
    assert_eq!(
        run.stdout,
        "id, township,village ,class,width_m,length_km,cost, 空格列 ,Other\u{3000},transport,poverty,subsidy_total,gap,shortfall,notes\n\
         S1,t,v,village,4.5,1,1600000,x ,y,450000.00,300000.00,750000.00,850000.00,850000.00,\n"
    );
    let run = env
        .roadsub(&["batch", &table, "--format", "md"])
        .expect_code(0);
    assert!(
        run.stdout
            .contains("| id |  township | village  | class | width_m | length_km | cost |  空格列  | Other\u{3000} |"),
        "{}",
        run.stdout
    );
    // JSON, for programs, keys a row's cells by the headers trimmed: the same keys whichever
    // table of a run a row comes from, spaces or not.
    let run = env
        .roadsub(&["batch", &table, "--format", "jsonl"])
        .expect_code(0);
    let row: serde_json::Value = serde_json::from_str(run.stdout.lines().next().unwrap()).unwrap();
    let keys: Vec<&String> = row["input"].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "Other",
            "class",
            "cost",
            "id",
            "length_km",
            "township",
            "village",
            "width_m",
            "空格列"
        ]
    );
    assert_eq!(row["input"]["空格列"], "x ");
    // Read back, the output is the same table (its computed columns computed again).
    let out = env.write("out.csv", run_csv(&env, &table));
    assert_eq!(run_csv(&env, &out), run_csv(&env, &table));
}

/// `roadsub batch TABLE`'s standard output.
fn run_csv(env: &Env, table: &str) -> String {
    env.roadsub(&["batch", table]).expect_code(0).stdout.clone()
}

#[test]
fn stdin_to_stdout_with_dash() {
    let env = Env::new();
    let input = std::fs::read(data("spec-examples.csv")).unwrap();
    let out = env
        .roadsub(&["batch", "-", "-o", "-"])
        .stdin(input)
        .expect_code(0);
    assert_eq!(cell(&out.stdout, "E3", "poverty"), "300000.00");
}

#[test]
fn gbk_and_bom_files_are_read_without_being_told() {
    let env = Env::new();
    let gbk = env.roadsub(&["batch", &data("gbk.csv")]).expect_code(0);
    assert_eq!(cell(&gbk.stdout, "G1", "村"), "画青村");
    assert_eq!(cell(&gbk.stdout, "G1", "subsidy_total"), "1500000.00");
    assert_eq!(cell(&gbk.stdout, "G2", "类别"), "通組");
    assert_eq!(cell(&gbk.stdout, "G2", "shortfall"), "75000.00");
    let bom = env.roadsub(&["batch", &data("bom.csv")]).expect_code(0);
    // The BOM is not copied into a header name.
    bom.stdout_starts("路段编号,");
    assert_eq!(cell(&bom.stdout, "B1", "shortfall"), "100000.00");
    assert_eq!(cell(&bom.stdout, "B2", "subsidy_total"), "375000.00");
}

#[test]
fn several_tables_make_one_output_and_ids_are_unique_across_them() {
    let env = Env::new();
    let a = env.write(
        "a.csv",
        "id,township,village,class,width_m,length_km,cost\nA1,t,v,village,4.5,1,1000000\n",
    );
    let b = env.write(
        "b.csv",
        "编号,乡镇,村,类别,宽度,长度,投资\nB1,t,v,group,3.5,1,1000000\n",
    );
    let out = env
        .roadsub(&["batch", &a, &b])
        .expect_code(0)
        .stdout_lines(3)
        .stdout
        .clone();
    assert_eq!(cell(&out, "B1", "transport"), "150000.00");
    let c = env.write(
        "c.csv",
        "id,township,village,class,width_m,length_km,cost\nA1,t,v,village,4.5,1,1\n",
    );
    env.roadsub(&["batch", &a, &c])
        .expect_code(1)
        .stderr_has("c.csv:2: id \"A1\" appears on an earlier row (ids must be unique, across all the tables of a run too)");
}

#[test]
fn rerunning_on_an_output_recomputes_instead_of_duplicating_columns() {
    let env = Env::new();
    let first = env.roadsub(&["batch", &data("spec-examples.csv")]).run();
    let again = env.write("again.csv", &first.stdout);
    env.roadsub(&["batch", &again])
        .expect_code(0)
        .stdout(&first.stdout);
}

#[test]
fn a_table_shaped_like_the_release_overruns_the_group_road_envelope() {
    // 44 villages; 10.2 km of village roads and 86.85 km of group roads, as announced.
    let csv = release();
    let env = Env::new();
    let input = env.write("release.csv", csv);
    env.roadsub(&["batch", &input, "--summary"])
        .expect_code(0)
        .stderr_has("50 segments, 97.05 km planned, 0 km completed (0.0%)")
        .stderr_has(
            "OVER BUDGET: Group road building needs 8,685,000.00 yuan, 1,785,000.00 more than its envelope of 6,900,000.00 yuan",
        )
        .stderr_has(
            "\nGroup road building     6,900,000.00  8,685,000.00  8,685,000.00  over by 1,785,000.00  125.9%\n",
        );
}

#[test]
fn notes_show_each_width_as_written() {
    // Notes of the same width are rendered once per chunk; 4.0 and 4.00 still read as written.
    let env = Env::new();
    let input = env.write(
        "w.csv",
        "id,township,village,class,width_m,length_km,cost\n\
         A,T,V,village,4.0,1,1000000\n\
         B,T,V,village,4.00,1,1000000\n\
         C,T,V,village,4.0,1,1000000\n",
    );
    let out = env.roadsub(&["batch", &input]).expect_code(0);
    for (id, width) in [("A", "4.0"), ("B", "4.00"), ("C", "4.0")] {
        assert_eq!(
            cell(&out.stdout, id, "notes"),
            format!(
                "width {width} m is below the 4.5 m tier of County transport bureau subsidy: the 3.5 m tier applies; \
                 width {width} m is below the 4.5 m tier of County poverty-alleviation special fund: the 3.5 m tier applies"
            )
        );
    }
}

#[test]
fn chinese_from_the_locale() {
    let env = Env::new();
    env.roadsub(&["batch", &data("spec-examples.csv")])
        .env("LANG", "zh_CN.UTF-8")
        .run()
        .stdout_is_utf8()
        .stdout_has("宽度 3.0 米低于县交通局补助的最小宽度 3.5 米");
}

#[test]
fn long_tables_keep_lines_ids_and_quotes_right_across_blocks() {
    // Ten thousand CRLF rows arrive in many blocks of plain lines, with the odd record that
    // needs the CSV state machine (a quoted line break), a blank line, a lone CR that ends a
    // line (as in Excel's "CSV (Macintosh)") and an id repeated thousands of rows later. The
    // same rows through a pipe take the same path.
    let env = Env::new();
    let mut bytes = b"id,township,village,class,width_m,length_km,cost,remark\r\n".to_vec();
    for i in 1..=10_000 {
        let id = if i == 9_000 {
            "S10".to_string()
        } else {
            format!("S{i}")
        };
        let remark: &[u8] = match i {
            5_000 => b"\"two\nlines, quoted\"",
            7_000 => b"cut\rshort",
            _ => b"r",
        };
        bytes.extend_from_slice(
            format!("{id},镇{},V{},village,4.5,1,1000000,", i % 7, i % 13).as_bytes(),
        );
        bytes.extend_from_slice(remark);
        bytes.extend_from_slice(b"\r\n");
        if i == 3_000 {
            bytes.extend_from_slice(b"\r\n");
        }
    }
    let input = env.write("long.csv", &bytes);
    let out = env.file("out.csv");
    // Row i is on line i + 1, one more after the blank line, one more after the quoted break,
    // one more after the lone CR.
    env.roadsub(&["batch", &input, "-o", &out, "--keep-going"])
        .expect_code(1)
        .stderr(&format!(
            "{input}:7004: row has 1 field but the header has 8\n\
             {input}:9004: id \"S10\" appears on an earlier row (ids must be unique, across all the tables of a run too)\n\
             2 bad rows; wrote the 9999 good rows to {out}\n"
        ));
    let csv = env.read("out.csv");
    assert_eq!(
        csv.lines().count(),
        1 + 9_999 + 1,
        "the quoted row takes two lines"
    );
    assert_eq!(cell(&csv, "S5000", "remark"), "two\nlines, quoted");
    for id in ["S1", "S3001", "S4999", "S5001", "S8999", "S9001", "S10000"] {
        let amounts =
            ["transport", "poverty", "subsidy_total", "shortfall"].map(|c| cell(&csv, id, c));
        assert_eq!(
            amounts,
            ["450000.00", "300000.00", "750000.00", "250000.00"],
            "{id}"
        );
    }
    assert!(csv.starts_with("id,township,village,class,width_m,length_km,cost,remark,transport,"));
    assert!(csv.contains(
        "\nS10000,镇4,V3,village,4.5,1,1000000,r,450000.00,300000.00,750000.00,250000.00,250000.00,\n"
    ));
    env.roadsub(&["batch", "-", "--keep-going"])
        .stdin(&bytes)
        .expect_code(1)
        .stdout(&csv)
        .stderr_starts("<stdin>:7004: row has 1 field");
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    let env = Env::new();
    let mut text = String::from("id,township,village,class,width_m,length_km,cost\n");
    for i in 0..200_000 {
        text.push_str(&format!("S{i},t,v,village,4.5,1,1000000\n"));
    }
    let input = env.write("big.csv", text);
    let (first, status, err) = env.roadsub(&["batch", &input]).first_line_then_closed();
    assert!(first.starts_with("id,township,village"), "{first}");
    assert_eq!((status, err.as_str()), (Some(0), ""));
}

#[test]
fn a_reader_that_stops_early_under_keep_going_ends_the_run_instead_of_hanging() {
    // The defect: with --keep-going the rows go straight to the pipe; when it closed, the
    // workers stopped but the reader waited for ever to hand them another chunk.
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let env = Env::new();
    let mut text = String::from("id,township,village,class,width_m,length_km,cost\n");
    for i in 0..200_000 {
        text.push_str(&format!("S{i},t,v,village,4.5,1,1000000\n"));
    }
    let input = env.write("big.csv", text);
    let mut child = env
        .roadsub(&["batch", &input, "--keep-going"])
        .command()
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The pipe closes here, as `| head -1` would close it.
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("the run did not end once its reader had gone");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(first.starts_with("id,township,village"), "{first}");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn bad_rows_under_keep_going_still_fail_the_run_when_the_reader_stops_early() {
    // The defect: a bad row said, then the reader stopped (`| head`): status 0, where
    // --keep-going promises 1 for a run with bad rows.
    let env = Env::new();
    let mut text = String::from("id,township,village,class,width_m,length_km,cost\n");
    text.push_str("S-bad,t,v,village,4.5,1,abc\n");
    for i in 0..200_000 {
        text.push_str(&format!("S{i},t,v,village,4.5,1,1000000\n"));
    }
    let input = env.write("big.csv", text);
    for output in [&["-o", "-"][..], &["-o", "/dev/stdout"], &[]] {
        let args = [&["batch", &input, "--keep-going"][..], output].concat();
        let (first, status, err) = env.roadsub(&args).first_line_then_closed();
        assert!(
            first.starts_with("id,township,village"),
            "{output:?}: {first}"
        );
        assert_eq!(status, Some(1), "{output:?}: {err}");
        assert_eq!(
            err,
            format!(
                "{input}:2: cost \"abc\" is not an amount of money \
                 (expected yuan like 1200000, 1,200,000, 120万 or 1.06亿)\n"
            ),
            "{output:?}"
        );
    }
}

#[test]
fn output_to_dev_stdout_keeps_the_summary_on_stderr() {
    let env = Env::new();
    let input = env.write(
        "plan.csv",
        "id,township,village,class,width_m,length_km,cost\nS1,t,v,village,4.5,2,1600000\n",
    );
    env.roadsub(&["batch", &input, "-o", "/dev/stdout", "--summary"])
        .expect_code(0)
        // The rows alone.
        .stdout_lines(2)
        .stderr_has("Summary");
}

#[test]
fn a_users_notes_column_is_kept_beside_ours() {
    let env = Env::new();
    let input = env.write(
        "plan.csv",
        "id,township,village,class,width_m,length_km,cost,notes\n\
         A,T,V,village,3.0,1,100000,bridge needs repair\n",
    );
    let run = env.roadsub(&["batch", &input]).expect_code(0);
    run.stdout_first_line(
        "id,township,village,class,width_m,length_km,cost,notes,transport,poverty,subsidy_total,gap,shortfall,roadsub_notes",
    );
    let out = &run.stdout;
    assert_eq!(cell(out, "A", "notes"), "bridge needs repair");
    assert!(
        cell(out, "A", "roadsub_notes").starts_with("width 3.0 m is below the 3.5 m minimum"),
        "{out}"
    );
    // Fed back in, the user's notes stay theirs and ours are recomputed, not doubled.
    let again = env.write("again.csv", out);
    env.roadsub(&["batch", &again]).expect_code(0).stdout(out);
    // A table roadsub wrote without a notes column of the user's has our `notes`.
    let plain = env.write(
        "plain.csv",
        "id,township,village,class,width_m,length_km,cost\nA,T,V,village,3.0,1,100000\n",
    );
    let first = env.roadsub(&["batch", &plain]).run();
    assert!(first
        .stdout
        .lines()
        .next()
        .unwrap()
        .ends_with(",shortfall,notes"));
    let back = env.write("back.csv", &first.stdout);
    env.roadsub(&["batch", &back]).run().stdout(&first.stdout);
}

#[test]
fn a_cost_of_63_yuan_for_a_kilometre_is_flagged() {
    let env = Env::new();
    let input = env.write(
        "plan.csv",
        "id,township,village,class,width_m,length_km,cost\n\
         A,T,V,village,4.5,2.1,63\n\
         B,T,V,village,4.5,2,1600000\n",
    );
    let out = env.file("out.csv");
    // A warning does not change the exit status.
    let run = env
        .roadsub(&["batch", &input, "-o", &out, "--summary"])
        .expect_code(0);
    run.stderr(&format!(
        "warning: 1 row has a cost per km outside the plausible 50,000–5,000,000 yuan per km (see the notes): check the amounts' unit (元 or 万元)\n\
         wrote 2 rows to {out}\n"
    ));
    let csv = env.read("out.csv");
    assert_eq!(cell(&csv, "A", "subsidy_total"), "63.00");
    assert_eq!(
        cell(&csv, "A", "notes"),
        "warning: cost 63.00 yuan is 30.00 yuan per km, outside the plausible 50,000–5,000,000 yuan per km: are the amount's unit (元 or 万元) and the length right?; \
         County transport bureau subsidy cut from 945,000.00 yuan to 63.00 yuan so the subsidy does not exceed the cost; \
         County poverty-alleviation special fund cut from 630,000.00 yuan to 0.00 yuan so the subsidy does not exceed the cost"
    );
    assert_eq!(cell(&csv, "B", "notes"), "");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[3],
        "warning: 1 row has a cost per km outside the plausible 50,000–5,000,000 yuan per km (see the notes): check the amounts' unit (元 or 万元)"
    );
    env.roadsub(&["batch", &input, "-o", &out, "--summary", "--lang", "zh"])
        .expect_code(0)
        .stdout_has("警告：1 行的每公里造价超出合理范围（5万–500万元/公里，见计算说明）：请核对金额单位（元或万元）\n");
    env.roadsub(&["batch", &input, "--format", "json"])
        .run()
        .stdout_has("\"implausible_cost_rows\":1");
    env.roadsub(&["batch", &input, "--format", "md"])
        .run()
        .stdout_has("\n**warning: 1 row has a cost per km outside the plausible 50,000–5,000,000 yuan per km (see the notes): check the amounts' unit (元 or 万元)**\n");
}

/// A FIFO in the scratch directory with a reader waiting on it, and what the reader gets. A
/// reader never let go fails the test after 10 s (released then, so nothing hangs).
#[cfg(target_os = "linux")]
fn fifo_with_reader(env: &Env) -> (String, std::sync::mpsc::Receiver<String>) {
    use std::io::Read;
    let fifo = env.path("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let (tx, rx) = std::sync::mpsc::channel();
    let path = fifo.clone();
    std::thread::spawn(move || {
        let mut text = String::new();
        std::fs::File::open(path)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        let _ = tx.send(text);
    });
    // The reader is waiting in its open by now, as `cat pipe &` would be.
    std::thread::sleep(std::time::Duration::from_millis(200));
    (fifo.to_string_lossy().into_owned(), rx)
}

#[cfg(target_os = "linux")]
fn reader_gets(fifo: &str, reader: std::sync::mpsc::Receiver<String>) -> String {
    match reader.recv_timeout(std::time::Duration::from_secs(10)) {
        Ok(text) => text,
        Err(_) => {
            // Let the stuck reader go so the test binary can end, then fail.
            let _ = std::fs::OpenOptions::new().write(true).open(fifo);
            panic!("the FIFO's reader was never let go");
        }
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_failed_run_releases_a_fifo_reader_before_reading_rows() {
    let env = Env::new();
    let good = env.write(
        "good.csv",
        "id,township,village,class,width_m,length_km,cost\nA,T,V,village,4.5,2,1600000\n",
    );
    let bad_header = env.write("header.csv", "id,village\nA,V\n");
    let bad_row = env.write(
        "row.csv",
        "id,township,village,class,width_m,length_km,cost\nA,T,V,lane,4.5,2,1600000\n",
    );
    let bad_rules = env.write("r.toml", "[meta]\nname = \"x\"\n");
    let missing = env.file("missing.csv");
    let cases: [(&str, Vec<&str>, i32); 8] = [
        ("a missing input", vec![missing.as_str()], 1),
        ("a bad header", vec![bad_header.as_str()], 1),
        (
            "invalid rules",
            vec![good.as_str(), "--rules", bad_rules.as_str()],
            1,
        ),
        ("a bad row", vec![bad_row.as_str()], 1),
        (
            "a bad row with --keep-going",
            vec![bad_row.as_str(), "--keep-going"],
            1,
        ),
        ("standard input twice", vec!["-", "-"], 2),
        ("an unknown option", vec![good.as_str(), "--bogus"], 2),
        ("a wrong value", vec![good.as_str(), "--format", "pdf"], 2),
    ];
    for (what, args, status) in cases {
        let (fifo, reader) = fifo_with_reader(&env);
        let mut all = vec!["batch"];
        all.extend(args);
        all.extend(["-o", fifo.as_str()]);
        env.roadsub(&all).expect_code(status);
        assert_eq!(reader_gets(&fifo, reader), "", "{what}");
        std::fs::remove_file(&fifo).unwrap();
    }
    // A good run still writes its rows into the FIFO.
    let (fifo, reader) = fifo_with_reader(&env);
    env.roadsub(&["batch", &good, "-o", &fifo]).expect_code(0);
    assert!(reader_gets(&fifo, reader).starts_with("id,township,village,"));
}

#[test]
fn keep_going_with_no_good_rows_writes_nothing_in_any_format() {
    let env = Env::new();
    let input = env.write(
        "plan.csv",
        "id,township,village,class,width_m,length_km,cost\nA,T,V,lane,4.5,2,1600000\n",
    );
    for format in ["csv", "json", "jsonl", "md"] {
        env.roadsub(&["batch", &input, "--keep-going", "--format", format])
            .expect_code(1)
            // No header, no half a document.
            .stdout("")
            .stderr_ends("\n1 bad row; nothing written\n");
    }
    // With a good row after the bad one, the header comes before it, once.
    let mixed = env.write(
        "mixed.csv",
        "id,township,village,class,width_m,length_km,cost\n\
         A,T,V,lane,4.5,2,1600000\n\
         B,T,V,village,4.5,2,1600000\n",
    );
    env.roadsub(&["batch", &mixed, "--keep-going"])
        .expect_code(1)
        .stdout(
            "id,township,village,class,width_m,length_km,cost,transport,poverty,subsidy_total,gap,shortfall,notes\n\
             B,T,V,village,4.5,2,1600000,900000.00,600000.00,1500000.00,100000.00,100000.00,\n",
        );
    let json = env
        .roadsub(&["batch", &mixed, "--keep-going", "--format", "json"])
        .run();
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["segments"].as_array().unwrap().len(), 1);
}

#[cfg(target_os = "linux")]
#[test]
fn a_summary_to_a_full_standard_output_says_so() {
    let env = Env::new();
    let input = env.write(
        "plan.csv",
        "id,township,village,class,width_m,length_km,cost\nA,T,V,village,4.5,2,1600000\n",
    );
    let out = env.file("out.csv");
    for (lang, said) in [
        (
            "en",
            "roadsub: could not write the summary to standard output: the disk or device is full\n",
        ),
        ("zh", "roadsub: 无法将汇总写到标准输出：磁盘或设备已满\n"),
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        env.roadsub(&["batch", &input, "-o", &out, "--summary", "--lang", lang])
            .stdout_to(full)
            .expect_code(1)
            .stderr(said);
    }
}

/// A table where a township holding a space and a village holding one join to the same
/// words: 石羊 镇 + 红星 and 石羊 + 镇 红星 are two villages.
const SPACED_VILLAGES: &str = "id,township,village,class,width_m,length_km,cost\n\
X1,石羊 镇,红星,通社,3.5,2,1000000\n\
X2,石羊,镇 红星,通社,3.5,1,500000\n\
X3, 石羊镇,红星村,通社,3.5,1,500000\n\
X4,石羊镇,红星村 ,通社,3.5,1,500000\n";

#[test]
fn two_villages_whose_names_join_to_the_same_words_are_two_groups() {
    use calamine::{open_workbook_auto, Data, Reader};
    let env = Env::new();
    let input = env.write("keys.csv", SPACED_VILLAGES);
    // The text summary: three villages (X3 and X4 are one village once trimmed); the
    // township with a space is quoted, the other keeps its usual name; in pinyin order by
    // township (石羊 before 石羊 镇 before 石羊镇), the quote not counted.
    let out = env.file("out.csv");
    let text = env
        .roadsub(&["batch", &input, "--by", "village", "--summary", "-o", &out])
        .expect_code(0)
        .stdout;
    let groups = &text[text.find("village  ").unwrap()..];
    assert_eq!(
        groups,
        "village         segments  km  completed  transport (yuan)  poverty (yuan)  subsidy_total (yuan)    gap (yuan)  shortfall (yuan)\n\
         ──────────────  ────────  ──  ─────────  ────────────────  ──────────────  ────────────────────  ────────────  ────────────────\n\
         石羊 镇 红星           1   1          0        150,000.00      100,000.00            250,000.00    250,000.00        250,000.00\n\
         \"石羊 镇\" 红星         1   2          0        300,000.00      200,000.00            500,000.00    500,000.00        500,000.00\n\
         石羊镇 红星村          2   2          0        300,000.00      200,000.00            500,000.00    500,000.00        500,000.00\n\
         total                  4   5          0        750,000.00      500,000.00          1,250,000.00  1,250,000.00      1,250,000.00\n"
    );
    // JSON: one entry per village, each with its own rows (an object: its keys in code-point
    // order, as JSON objects are written).
    let json = env
        .roadsub(&["batch", &input, "--by", "village", "--format", "json"])
        .expect_code(0)
        .stdout;
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let groups = doc["summary"]["groups"].as_object().unwrap();
    let seen: Vec<(&str, u64, &str)> = groups
        .iter()
        .map(|(k, v)| {
            (
                k.as_str(),
                v["segments"].as_u64().unwrap(),
                v["subsidy_total"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("\"石羊 镇\" 红星", 1, "500000.00"),
            ("石羊 镇 红星", 1, "250000.00"),
            ("石羊镇 红星村", 2, "500000.00"),
        ]
    );
    // The workbook's summary sheet: a row per village, with its segments.
    let book_path = env.file("r.xlsx");
    env.roadsub(&["batch", &input, "-o", &book_path])
        .expect_code(0);
    let mut book = open_workbook_auto(&book_path).unwrap();
    let sheet = book.worksheet_range("Summary").unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    let head = rows
        .iter()
        .position(|r| r.first() == Some(&Data::String("village".into())))
        .unwrap();
    let villages: Vec<(String, Data)> = rows[head + 1..head + 5]
        .iter()
        .map(|r| (r[0].to_string(), r[1].clone()))
        .collect();
    assert_eq!(
        villages,
        [
            ("石羊 镇 红星".to_string(), Data::Float(1.0)),
            ("\"石羊 镇\" 红星".to_string(), Data::Float(1.0)),
            ("石羊镇 红星村".to_string(), Data::Float(2.0)),
            ("total".to_string(), Data::Float(4.0)),
        ]
    );
}

#[test]
fn per_village_budget_lines_of_two_villages_whose_names_join_to_the_same_words_are_told_apart() {
    let env = Env::new();
    let input = env.write(
        "keys.csv",
        "id,township,village,class,width_m,length_km,cost,村项目资金\n\
         X1,石羊 镇,红星,通社,3.5,2,1000000,10000\n\
         X2,石羊,镇 红星,通社,3.5,1,500000,20000\n",
    );
    let out = env.file("out.csv");
    let text = env
        .roadsub(&["batch", &input, "--summary", "-o", &out])
        .expect_code(0)
        .stdout;
    assert!(
        text.contains(
            "Village project fund · \"石羊 镇\" 红星  2,000,000.00   10,000.00   10,000.00  1,990,000.00  0.5%\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "Village project fund · 石羊 镇 红星    2,000,000.00   20,000.00   20,000.00  1,980,000.00  1.0%\n"
        ),
        "{text}"
    );
}

#[test]
fn several_by_print_each_groupings_table_in_the_order_given() {
    let env = Env::new();
    let out = env.file("out.csv");
    let class_table = "class                segments        km  completed  transport (yuan)  poverty (yuan)  subsidy_total (yuan)  gap (yuan)  shortfall (yuan)  due (yuan)  outstanding (yuan)\n\
        ───────────────────  ────────  ────────  ─────────  ────────────────  ──────────────  ────────────────────  ──────────  ────────────────  ──────────  ──────────────────\n\
        group-access road           2  1.777777        0.5        216,666.55       77,777.70            294,444.25  105,555.75        105,555.75  125,000.00          125,000.00\n\
        village-access road         2  3.234567          1      1,455,555.15      370,370.60          1,825,925.75  308,642.64        298,642.63  750,000.00          450,000.00\n\
        total                       4  5.012344        1.5      1,672,221.70      448,148.30          2,120,370.00  414,198.39        404,198.38  875,000.00          575,000.00\n";
    let township_table = "township  segments        km  completed  transport (yuan)  poverty (yuan)  subsidy_total (yuan)  gap (yuan)  shortfall (yuan)  due (yuan)  outstanding (yuan)\n\
        ────────  ────────  ────────  ─────────  ────────────────  ──────────────  ────────────────────  ──────────  ────────────────  ──────────  ──────────────────\n\
        石羊 镇          1         1          0        100,000.00            0.00            100,000.00        0.00              0.00        0.00                0.00\n\
        石羊镇           3  4.012344        1.5      1,572,221.70      448,148.30          2,020,370.00  414,198.39        404,198.38  875,000.00          575,000.00\n\
        total            4  5.012344        1.5      1,672,221.70      448,148.30          2,120,370.00  414,198.39        404,198.38  875,000.00          575,000.00\n";
    let both = format!("\n{class_table}\n{township_table}");
    let run = env
        .roadsub(&[
            "batch",
            &data("fen.csv"),
            "-o",
            &out,
            "--by",
            "class,township",
        ])
        .expect_code(0);
    assert!(run.stdout.ends_with(&both), "{}", run.stdout);
    // Repeated, the same; the other way round, the other order.
    env.roadsub(&[
        "batch",
        &data("fen.csv"),
        "-o",
        &out,
        "--by",
        "class",
        "--by",
        "township",
    ])
    .expect_code(0)
    .stdout(&run.stdout);
    let swapped = env
        .roadsub(&[
            "batch",
            &data("fen.csv"),
            "-o",
            &out,
            "--by",
            "township,class",
        ])
        .expect_code(0);
    assert!(
        swapped
            .stdout
            .ends_with(&format!("\n{township_table}\n{class_table}")),
        "{}",
        swapped.stdout
    );
    env.roadsub(&[
        "batch",
        &data("fen.csv"),
        "-o",
        &out,
        "--by",
        "township,lane",
    ])
    .expect_code(2);
}

#[test]
fn the_summary_follows_amounts_in_wan() {
    let env = Env::new();
    let out = env.file("out.csv");
    env.roadsub(&[
        "batch",
        &data("fen.csv"),
        "-o",
        &out,
        "--summary",
        "--amounts",
        "万元",
        "--lang",
        "zh",
    ])
    .expect_code(0)
    .stdout_has(
        "\n项目                      金额（万元）\n\
         ────────────────────────  ────────────\n\
         总造价                      253.456839\n",
    )
    .stdout_has("\n预算额度（万元）      额度      申请      安排       剩余  使用率\n")
    .stdout_has("\n通村硬化路建设    496.5000  37.03706  37.03706  459.46294    7.5%\n");
    env.roadsub(&["batch", &data("fen.csv"), "-o", &out, "--by", "village", "--amounts", "万元"])
        .expect_code(0)
        .stdout_has("\nitem                                               万元 (10,000 yuan)\n")
        .stdout_has("  subsidy_total (万元)  ")
        .stdout_has("\n石羊镇 新华村          1         2          0           90.0000         0.00005              90.00005      0.0000");
}

/// What `roadsub ARGS` prints on a terminal 250 cells wide (through `script`, which gives it
/// a pseudo-terminal), in the locale `lang`; `None` where `script` is not installed.
#[cfg(target_os = "linux")]
fn on_a_terminal(env: &Env, lang: &str, args: &str) -> Option<String> {
    on_a_terminal_of(env, lang, 250, args)
}

/// [`on_a_terminal`] `cols` cells wide.
#[cfg(target_os = "linux")]
fn on_a_terminal_of(env: &Env, lang: &str, cols: usize, args: &str) -> Option<String> {
    let bin = env!("CARGO_BIN_EXE_roadsub");
    let out = std::process::Command::new("script")
        .args([
            "-qec",
            &format!("stty cols {cols} rows 50; exec {bin} {args}"),
            "/dev/null",
        ])
        .current_dir(env.dir.path())
        .env("LANG", lang)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .ok()?;
    Some(String::from_utf8(out.stdout).unwrap().replace("\r\n", "\n"))
}

#[cfg(target_os = "linux")]
#[test]
fn the_terminal_table_heads_in_the_language_in_force_and_shows_wan() {
    let env = Env::new();
    let file = data("fen.csv");
    let Some(zh) = on_a_terminal(&env, "zh_CN.UTF-8", &format!("batch {file} --amounts 万元"))
    else {
        eprintln!("no `script` here: the terminal table is not checked");
        return;
    };
    assert!(
        zh.starts_with("id  township  village  class    width_m  length_km        cost  other_funds  disbursed  县交通局补助（万元）  县扶贫专项补助（万元）  补助合计（万元）  差额（万元）  尚需筹集（万元）  每户尚需筹集（万元）  应拨付（万元）  待拨付（万元）  计算说明\n"),
        "{zh}"
    );
    assert!(
        zh.contains("\nF1  石羊镇    红星村   village      4.5   1.234567  1234567.89     10000.01     300000             55.555515                37.03701         92.592525     30.864264         29.864263              4.266323         75.0000         45.0000"),
        "{zh}"
    );
    // Asked for, the ids, each with its unit (people read a terminal); in yuan, grouped as a
    // terminal always showed them.
    let en = on_a_terminal(&env, "zh_CN.UTF-8", &format!("batch {file} --headings en")).unwrap();
    assert!(
        en.contains("  transport (yuan)  poverty (yuan)  subsidy_total (yuan)  "),
        "{en}"
    );
    assert!(en.contains("  555,555.15      370,370.10  "), "{en}");
}

#[test]
fn the_status_line_says_写出到标准输出_without_a_space_and_one_row_in_the_singular() {
    // In Chinese as people say it: "1 行有错；另 1 行已写出", not "1 个错误行；已将 1 个正确行写出".
    let env = Env::new();
    let input = env.write(
        "one.csv",
        "id,township,village,class,width_m,length_km,cost\nA,t,v,bad,3.5,1,100000\nB,t,v,village,3.5,1,1000000\n",
    );
    env.roadsub(&["batch", &input, "--keep-going", "--lang", "zh"])
        .expect_code(1)
        .stderr_ends("1 行有错；另 1 行已写出到标准输出\n");
    env.roadsub(&["batch", &input, "--keep-going", "--lang", "en"])
        .expect_code(1)
        .stderr_ends("1 bad row; wrote the 1 good row to standard output\n");
    // A path stands apart from the Chinese around it.
    let out = env.file("out.csv");
    env.roadsub(&["batch", &input, "--keep-going", "--lang", "zh", "-o", &out])
        .expect_code(1)
        .stderr_ends(&format!("1 行有错；另 1 行已写出到 {out}\n"));
    // Without --keep-going: nothing, and what to do about it.
    env.roadsub(&["batch", &input, "--lang", "zh", "-o", &out])
        .expect_code(1)
        .stderr_ends("1 行有错；未写出任何结果（请先修正，或加 --keep-going 写出其余 1 行）\n");
    env.roadsub(&["batch", &input, "--lang", "en", "-o", &out])
        .expect_code(1)
        .stderr_ends(
            "1 bad row; nothing written (fix it, or use --keep-going to write the 1 good row)\n",
        );
}

#[test]
fn a_summary_of_one_segment_says_1_segment_not_1_segments() {
    let env = Env::new();
    let input = env.write(
        "one.csv",
        "id,township,village,class,width_m,length_km,cost\nB,t,v,village,3.5,1,1000000\n",
    );
    env.roadsub(&["batch", &input, "--summary", "--lang", "en"])
        .expect_code(0)
        .stderr_has("\n1 segment, 1 km planned, 0 km completed (0.0%)\n");
}

#[test]
fn the_chinese_plausible_range_reads_as_a_rate_in_万元_per_公里() {
    let env = Env::new();
    let input = env.write(
        "low.csv",
        "id,township,village,class,width_m,length_km,cost\nB,t,v,village,3.5,1,63\n",
    );
    let out = env.file("out.csv");
    env.roadsub(&["batch", &input, "--lang", "zh", "--summary", "-o", &out])
        .expect_code(0)
        .stdout_has("\n警告：1 行的每公里造价超出合理范围（5万–500万元/公里，见计算说明）：请核对金额单位（元或万元）\n")
        .stdout_lacks("每公里 5万");
    let rows = env.read("out.csv");
    assert!(
        rows.contains("\"警告：造价 63.00 元即每公里 63.00 元，超出合理范围（5万–500万元/公里）：金额单位（元、万元）与长度是否有误？；"),
        "{rows}"
    );
}

/// The bundled plan (66 segments in 44 villages of 22 townships).
fn bundled_plan() -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/anyue-2018-plan.csv")
        .to_string_lossy()
        .into_owned()
}

/// The first column of the text summary's table headed `head`: its rows up to the total.
fn first_column(stderr: &str, head: &str) -> Vec<String> {
    stderr
        .lines()
        .skip_while(|l| !l.starts_with(head))
        .skip(2)
        .take_while(|l| !l.starts_with("合计") && !l.starts_with("total"))
        .map(|l| l.split("  ").next().unwrap().trim_end().to_string())
        .collect()
}

/// The bundled plan's townships in pinyin order (宝华 bao, 大埝 da, 顶新 ding, 护龙 hu,
/// 华严 hua …), not in code-point order (元坝, 兴隆, 华严 …).
const PLAN_TOWNSHIPS: [&str; 22] = [
    "宝华乡",
    "大埝乡",
    "顶新乡",
    "护龙镇",
    "华严镇",
    "李家镇",
    "龙台镇",
    "石桥铺镇",
    "石羊镇",
    "双龙街乡",
    "天林镇",
    "天马乡",
    "通贤镇",
    "文化镇",
    "卧佛镇",
    "兴隆镇",
    "元坝镇",
    "鸳大镇",
    "岳阳镇",
    "镇子镇",
    "周礼镇",
    "自治乡",
];

#[test]
fn the_by_township_table_lists_the_bundled_plan_s_townships_in_pinyin_order() {
    let env = Env::new();
    let out = env
        .roadsub(&[
            "batch",
            &bundled_plan(),
            "--by",
            "township",
            "--lang",
            "zh",
            "-o",
            "-",
        ])
        .expect_code(0);
    assert_eq!(first_column(&out.stderr, "乡镇"), PLAN_TOWNSHIPS);
}

#[test]
fn the_by_village_table_lists_villages_by_township_in_pinyin_order_then_by_number() {
    let env = Env::new();
    let out = env
        .roadsub(&["batch", &bundled_plan(), "--by", "village", "-o", "-"])
        .expect_code(0);
    let villages = first_column(&out.stderr, "village");
    assert_eq!(villages.len(), 44);
    assert_eq!(
        villages[..10],
        [
            "宝华乡 玉皇村",
            "大埝乡 黄金村",
            "顶新乡 天成村",
            "护龙镇 示例村22",
            "护龙镇 示例村23",
            "护龙镇 示例村24",
            "华严镇 示例村31",
            "华严镇 示例村32",
            "华严镇 示例村33",
            "李家镇 示例村16",
        ]
    );
    assert_eq!(
        villages[30..],
        [
            "卧佛镇 关田村",
            "兴隆镇 大骥村",
            "元坝镇 西泉村",
            "鸳大镇 示例村25",
            "鸳大镇 示例村26",
            "鸳大镇 示例村27",
            "岳阳镇 示例村01",
            "岳阳镇 示例村02",
            "岳阳镇 示例村03",
            "镇子镇 集福村",
            "周礼镇 示例村07",
            "周礼镇 示例村08",
            "周礼镇 示例村09",
            "自治乡 金鸡村",
        ]
    );
    // Each township's villages together, in the township order of the township table.
    let mut towns: Vec<&str> = villages
        .iter()
        .map(|v| v.split(' ').next().unwrap())
        .collect();
    towns.dedup();
    assert_eq!(towns, PLAN_TOWNSHIPS);
}

#[test]
fn a_village_number_sorts_by_value_and_a_quoted_township_by_its_name_not_its_quote() {
    let env = Env::new();
    let input = env.write(
        "v.csv",
        "id,township,village,class,width_m,length_km,cost\n\
         1,石羊 镇,红星村,通社,3.5,1,300000\n\
         2,石羊镇,示例村10,通社,3.5,1,300000\n\
         3,石羊镇,示例村2,通社,3.5,1,300000\n\
         4,安岳镇,b村,通社,3.5,1,300000\n\
         5,安岳镇,A村,通社,3.5,1,300000\n\
         6,石羊,红星村,通社,3.5,1,300000\n",
    );
    let out = env
        .roadsub(&["batch", &input, "--by", "village", "-o", "-"])
        .expect_code(0);
    assert_eq!(
        first_column(&out.stderr, "village"),
        [
            "安岳镇 A村",
            "安岳镇 b村",
            "石羊 红星村",
            "\"石羊 镇\" 红星村",
            "石羊镇 示例村2",
            "石羊镇 示例村10",
        ]
    );
}

#[test]
fn the_per_village_budget_lines_are_in_pinyin_order_of_township_then_village() {
    let env = Env::new();
    let out = env
        .roadsub(&[
            "batch",
            &bundled_plan(),
            "--summary",
            "--lang",
            "zh",
            "-o",
            &env.file("out.csv"),
        ])
        .expect_code(0);
    // With -o FILE, the summary is what comes out on stdout.
    let lines: Vec<&str> = out
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("村项目资金 · "))
        .map(|l| l.split("  ").next().unwrap())
        .collect();
    assert_eq!(
        lines[..8],
        [
            "宝华乡 玉皇村",
            "大埝乡 黄金村",
            "顶新乡 天成村",
            "护龙镇 示例村22",
            "护龙镇 示例村23",
            "护龙镇 示例村24",
            "华严镇 示例村32",
            "华严镇 示例村33",
        ]
    );
    assert_eq!(
        lines[lines.len() - 4..],
        [
            "镇子镇 集福村",
            "周礼镇 示例村08",
            "周礼镇 示例村09",
            "自治乡 金鸡村"
        ]
    );
    let mut towns: Vec<&str> = lines.iter().map(|v| v.split(' ').next().unwrap()).collect();
    towns.dedup();
    let expected: Vec<&str> = PLAN_TOWNSHIPS
        .iter()
        .copied()
        .filter(|t| towns.contains(t))
        .collect();
    assert_eq!(towns, expected);
}

#[test]
fn the_workbook_summary_sheet_left_out_the_class_grouping_asked_for_by_by() {
    use calamine::{open_workbook_auto, Data, Reader};
    let env = Env::new();
    let plan = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/anyue-2018-plan.csv")
        .to_string_lossy()
        .into_owned();
    let json = env
        .roadsub(&[
            "batch", &plan, "--by", "class", "--format", "json", "--lang", "zh",
        ])
        .expect_code(0)
        .stdout;
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let groups = &doc["summary"]["groups"];
    let yuan = |v: &serde_json::Value| v.as_str().unwrap().parse::<f64>().unwrap();
    let book_path = env.file("report.xlsx");
    env.roadsub(&[
        "batch", &plan, "--by", "class", "--lang", "zh", "-o", &book_path,
    ])
    .expect_code(0);
    let mut book = open_workbook_auto(&book_path).unwrap();
    let names = book.sheet_names();
    let sheet = book.worksheet_range(&names[1]).unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    // The tables, titled, in the order `--by` gave them, then township and village.
    let titles: Vec<String> = rows
        .iter()
        .filter(|r| matches!(&r[0], Data::String(s) if s.starts_with('按')))
        .map(|r| r[0].to_string())
        .collect();
    assert_eq!(titles, ["按道路类别", "按乡镇", "按村"]);
    let head = rows
        .iter()
        .position(|r| r[0] == Data::String("道路类别".into()))
        .unwrap();
    assert_eq!(rows[head - 1][0], Data::String("按道路类别".into()));
    let heads: Vec<String> = rows[head].iter().map(|c| c.to_string()).collect();
    let col = |name: &str| heads.iter().position(|h| h == name).unwrap();
    let (transport, poverty) = (col("县交通局补助（元）"), col("县扶贫专项补助（元）"));
    let (total, shortfall) = (col("补助合计（元）"), col("尚需筹集（元）"));
    let table: Vec<(String, Data, Data, Data, Data, Data)> = rows[head + 1..head + 4]
        .iter()
        .map(|r| {
            (
                r[0].to_string(),
                r[1].clone(),
                r[transport].clone(),
                r[poverty].clone(),
                r[total].clone(),
                r[shortfall].clone(),
            )
        })
        .collect();
    let expect = |label: &str, g: &serde_json::Value| {
        (
            label.to_string(),
            Data::Float(g["segments"].as_u64().unwrap() as f64),
            Data::Float(yuan(&g["funds"]["transport"])),
            Data::Float(yuan(&g["funds"]["poverty"])),
            Data::Float(yuan(&g["subsidy_total"])),
            Data::Float(yuan(&g["shortfall"])),
        )
    };
    assert_eq!(
        table,
        [
            expect("通村公路", &groups["village"]),
            expect("通社公路", &groups["group"]),
            expect("合计", &doc["summary"]["total"]),
        ]
    );
    // The numbers themselves, to the cent.
    assert_eq!(table[0].1, Data::Float(8.0));
    assert_eq!(table[0].4, Data::Float(6_915_000.0));
    assert_eq!(table[1].1, Data::Float(58.0));
    assert_eq!(table[1].4, Data::Float(24_712_500.0));
}

#[test]
fn the_workbook_summary_sheet_shows_every_grouping_by_asked_for_in_its_order() {
    use calamine::{open_workbook_auto, Data, Reader};
    let env = Env::new();
    let book_path = env.file("report.xlsx");
    env.roadsub(&[
        "batch",
        &example(),
        "--by",
        "village,class",
        "-o",
        &book_path,
    ])
    .expect_code(0);
    let mut book = open_workbook_auto(&book_path).unwrap();
    let sheet = book.worksheet_range("Summary").unwrap();
    let titles: Vec<String> = sheet
        .rows()
        .filter(|r| matches!(&r[0], Data::String(s) if s.starts_with("By ")))
        .map(|r| r[0].to_string())
        .collect();
    assert_eq!(titles, ["By village", "By class", "By township"]);
}

#[test]
fn the_zh_status_lines_said_个错误行_and_个正确行_which_no_one_says() {
    // Every status line of a batch run in both languages: as people say them in Chinese, and
    // in English one row, two rows.
    let env = Env::new();
    let two = env.write(
        "two.csv",
        "id,township,village,class,width_m,length_km,cost\nA,t,v,bad,3.5,1,100000\nB,t,v,village,3.5,1,1000000\nC,t,v,bad,3.5,1,100000\nD,t,v,village,3.5,1,1000000\n",
    );
    let one = env.write(
        "one.csv",
        "id,township,village,class,width_m,length_km,cost\nE,t,v,village,3.5,1,1000000\n",
    );
    let missing = env.file("missing.csv");
    let out = env.file("out.csv");
    let cases: [(&[&str], i32, &str, String); 10] = [
        (&[&one], 0, "zh", format!("已写出 1 行到 {out}\n")),
        (&[&one], 0, "en", format!("wrote 1 row to {out}\n")),
        (&[&two, &one], 1, "zh", "2 行有错；未写出任何结果（请先修正，或加 --keep-going 写出其余 3 行）\n".into()),
        (&[&two, &one], 1, "en", "2 bad rows; nothing written (fix them, or use --keep-going to write the 3 good rows)\n".into()),
        (&[&two, "--keep-going"], 1, "zh", format!("2 行有错；另 2 行已写出到 {out}\n")),
        (&[&two, "--keep-going"], 1, "en", format!("2 bad rows; wrote the 2 good rows to {out}\n")),
        (&[&two, &missing, "--keep-going"], 1, "zh", format!("2 行有错，1 个表无法读取；另 2 行已写出到 {out}\n")),
        (&[&two, &missing, "--keep-going"], 1, "en", format!("2 bad rows, 1 table not read; wrote the 2 good rows to {out}\n")),
        (&[&one, &missing, "--keep-going"], 1, "zh", format!("1 个表无法读取；已写出 1 行到 {out}\n")),
        (&[&one, &missing, "--keep-going"], 1, "en", format!("1 table not read; wrote the 1 good row to {out}\n")),
    ];
    for (inputs, code, lang, last) in cases {
        let mut args = vec!["batch"];
        args.extend_from_slice(inputs);
        args.extend(["--lang", lang, "-o", &out]);
        env.roadsub(&args).expect_code(code).stderr_ends(&last);
    }
}

#[test]
fn english_markdown_and_terminal_tables_name_the_unit_of_computed_amounts_beside_a_wan_column() {
    let env = Env::new();
    let office = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/office-2018.csv")
        .to_string_lossy()
        .into_owned();
    env.roadsub(&["batch", &office, "--lang", "en", "--format", "md"])
        .expect_code(0)
        .stdout_has("| 总投资(万元) | 备注 | transport (yuan) | poverty (yuan) | subsidy_total (yuan) | gap (yuan) | shortfall (yuan) | notes |\n");
    env.roadsub(&["batch", &office, "--lang", "en", "--format", "md", "--amounts", "万元"])
        .expect_code(0)
        .stdout_has("| transport (万元) | poverty (万元) | subsidy_total (万元) | gap (万元) | shortfall (万元) | notes |\n");
    // CSV is read by programs: the bare ids, as before.
    env.roadsub(&["batch", &office, "--lang", "en", "--headings", "en"])
        .expect_code(0)
        .stdout_first_line("序号,所属乡镇,村名称,道路等级,建设里程(km),路面宽度,总投资(万元),备注,transport,poverty,subsidy_total,gap,shortfall,notes");
    #[cfg(target_os = "linux")]
    if let Some(en) = on_a_terminal(&env, "en_US.UTF-8", &format!("batch {office}")) {
        assert!(
            en.contains("  总投资(万元)  备注        transport (yuan)  poverty (yuan)  subsidy_total (yuan)  gap (yuan)  shortfall (yuan)  notes"),
            "{en}"
        );
    }
}

#[test]
fn completed_km_is_named_已完工_公里_in_every_table_and_an_english_range_is_in_yuan() {
    use calamine::{open_workbook_auto, Data, Reader};
    let env = Env::new();
    let file = data("fen.csv");
    env.roadsub(&[
        "batch", &file, "--lang", "zh", "--format", "md", "--by", "township",
    ])
    .expect_code(0)
    .stdout_has("\n| 已完工（公里） | 1.5 |\n")
    .stdout_has("\n| 乡镇 | 路段数 | 公里 | 已完工（公里） | 县交通局补助（元） |");
    env.roadsub(&[
        "batch",
        &file,
        "--lang",
        "zh",
        "--summary",
        "--by",
        "township",
        "-o",
        "x.csv",
    ])
    .expect_code(0)
    .stdout_has("\n乡镇     路段数      公里  已完工（公里）  县交通局补助（元）");
    env.roadsub(&[
        "batch", &file, "--lang", "en", "--format", "md", "--by", "township",
    ])
    .expect_code(0)
    .stdout_has("\n| km completed | 1.5 |\n")
    .stdout_has("\n| township | segments | km | completed | transport (yuan) |");
    env.roadsub(&[
        "batch", &file, "--lang", "zh", "--by", "township", "-o", "r.xlsx",
    ])
    .expect_code(0);
    let mut book = open_workbook_auto(env.path("r.xlsx")).unwrap();
    let found = book.sheet_names().iter().any(|name| {
        book.worksheet_range(name)
            .unwrap()
            .rows()
            .any(|r| r.contains(&Data::String("已完工（公里）".into())))
    });
    assert!(found, "no 已完工（公里） heading in the workbook");
    // An English warning states its range in yuan, not 万.
    let t = env.write(
        "t.csv",
        "id,township,village,class,width_m,length_km,cost\nA1,t,v,village,4.5,2,60\n",
    );
    env.roadsub(&["batch", &t, "--lang", "en"])
        .expect_code(0)
        .stderr("warning: 1 row has a cost per km outside the plausible 50,000–5,000,000 yuan per km (see the notes): check the amounts' unit (元 or 万元)\n");
}

#[cfg(target_os = "linux")]
#[test]
fn an_80_column_terminal_keeps_village_and_cost_beside_subsidy_and_shortfall_and_lists_the_rest_with_顿号(
) {
    let env = Env::new();
    let office = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/office-2018.csv")
        .to_string_lossy()
        .into_owned();
    let Some(zh) = on_a_terminal_of(
        &env,
        "zh_CN.UTF-8",
        80,
        &format!("batch {office} --lang zh --amounts 万元"),
    ) else {
        eprintln!("no `script` here: the terminal table is not checked");
        return;
    };
    assert!(
        zh.starts_with(
            "序号  村名称  总投资(万元)  补助合计（万元）  尚需筹集（万元）\n\
             ────  ──────  ────────────  ────────────────  ────────────────\n\
             1     大骥村            96           96.0000            0.0000\n"
        ),
        "{zh}"
    );
    assert!(
        zh.contains("（因宽度不足未显示：所属乡镇、道路等级、建设里程(km)、路面宽度、备注、县交通局补助（万元）、县扶贫专项补助（万元）、差额（万元）、计算说明；用 -o 文件 可写出全部列）\n"),
        "{zh}"
    );
    let en = on_a_terminal_of(
        &env,
        "en_US.UTF-8",
        80,
        &format!("batch {office} --lang en"),
    )
    .unwrap();
    assert!(
        en.contains("(not shown, for lack of room: 所属乡镇, 道路等级, 建设里程(km), 路面宽度, 备注, transport (yuan), poverty (yuan), gap (yuan), notes; all columns are written with -o FILE)\n"),
        "{en}"
    );
}

#[test]
fn a_table_with_a_header_only_says_it_has_no_segments_instead_of_a_summary_of_zeros() {
    let env = Env::new();
    let t = env.write(
        "e.csv",
        "id,township,village,class,width_m,length_km,cost\n",
    );
    env.roadsub(&["batch", &t, "--lang", "zh", "--summary"]).expect(
        0,
        "id,township,village,class,width_m,length_km,cost,县交通局补助（元）,县扶贫专项补助（元）,补助合计（元）,差额（元）,尚需筹集（元）,计算说明\n",
        "没有路段：表中只有表头，无可汇总\n",
    );
    env.roadsub(&["batch", &t, "--lang", "en", "--summary"])
        .expect_code(0)
        .stderr("no segments: the table has a header only; nothing to sum\n");
    env.roadsub(&[
        "compare",
        &t,
        "--set",
        "poverty.village.4.5=35万",
        "--lang",
        "zh",
        "-o",
        "c.csv",
    ])
    .expect(
        0,
        "",
        "没有路段：表中只有表头，无可汇总\n已写出 0 行到 c.csv\n",
    );
    env.roadsub(&[
        "compare",
        &t,
        "--set",
        "poverty.village.4.5=35万",
        "--lang",
        "en",
    ])
    .expect_code(0)
    .stderr("no segments: the table has a header only; nothing to sum\n");
}

#[test]
fn by_takes_the_chinese_names_乡镇_村_类别_and_refuses_another_value_in_chinese() {
    let env = Env::new();
    let by_name = env
        .roadsub(&[
            "batch",
            &example(),
            "--lang",
            "zh",
            "--by",
            "乡镇, 村",
            "-o",
            "a.csv",
        ])
        .expect_code(0)
        .stdout
        .clone();
    let by_id = env
        .roadsub(&[
            "batch",
            &example(),
            "--lang",
            "zh",
            "--by",
            "township,village",
            "-o",
            "b.csv",
        ])
        .expect_code(0)
        .stdout
        .clone();
    assert_eq!(by_name, by_id);
    assert!(by_name.contains("\n乡镇 "), "{by_name}");
    env.roadsub(&[
        "batch",
        &example(),
        "--lang",
        "zh",
        "--by",
        "类别",
        "-o",
        "c.csv",
    ])
    .expect_code(0)
    .stdout_has("\n道路类别 ");
    env.roadsub(&["batch", &example(), "--lang", "zh", "--by", "县"]).expect(
        2,
        "",
        "roadsub: --by 的值“县”无效：可用 township（乡镇）、village（村）、class（类别），多个用逗号分隔\n\n更多信息请用 --help。\n",
    );
    // In English, clap's own message, as for any other value.
    env.roadsub(&["batch", &example(), "--lang", "en", "--by", "县"])
        .expect_code(2)
        .stderr_starts("error: invalid value '县' for '--by <township|village|class>'\n");
}

/// The defect: the segments sheet's totals row put the total cost, rows priced per km
/// included, under a cost column whose cells for those rows are empty (180 under 100 and a
/// blank), so it was not the column's sum. Left empty then (the summary sheet has the total
/// cost); a column of costs all given still has its total.
#[test]
fn the_reports_totals_row_never_puts_under_the_cost_column_more_than_it_holds() {
    use calamine::{open_workbook_auto, Data, Reader};
    let env = Env::new();
    let header = "id,township,village,class,width_m,length_km,总投资(万元),每公里造价(万元)\n";
    let totals = |table: &str| -> Vec<Data> {
        let input = env.write("mixc.csv", table);
        let book_path = env.file("mixc.xlsx");
        env.roadsub(&["batch", &input, "-o", &book_path])
            .expect_code(0);
        let mut book = open_workbook_auto(&book_path).unwrap();
        let sheet = book.worksheet_range("Segments").unwrap();
        let rows: Vec<&[Data]> = sheet.rows().collect();
        rows.last().unwrap()[..8].to_vec()
    };
    let per_km = format!("{header}A,T,V,village,4.5,2,100,\nB,T,V,village,4.5,2,,40\n");
    assert_eq!(
        totals(&per_km),
        [
            Data::String("Total".into()),
            Data::Empty,
            Data::Empty,
            Data::Empty,
            Data::Empty,
            Data::Float(4.0),
            Data::Empty,
            Data::Empty,
        ]
    );
    let given = format!("{header}A,T,V,village,4.5,2,100,\nB,T,V,village,4.5,2,80,40\n");
    assert_eq!(totals(&given)[6], Data::Float(180.0));
}

/// The defect: rows for standard output wait in a temporary file until the run has
/// succeeded; with `$TMPDIR` unusable, `batch -o -` was refused as `cannot write <stdout>: no
/// such file or directory`, where `compare` held its rows in memory. They are held in memory
/// now: the same bytes, in every form, under budgets that bind too; a bad row still prints
/// nothing.
#[test]
fn rows_for_standard_output_wait_in_memory_when_no_temporary_file_can_be_made() {
    let env = Env::new();
    let plan = bundled_plan();
    let prorate = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/anyue-2018-prorate.toml")
        .to_string_lossy()
        .into_owned();
    for extra in [
        &["--format", "csv"][..],
        &["--format", "md"],
        &["--format", "json"],
        &["--format", "csv", "--encoding", "gbk"],
        &["--rules", &prorate],
    ] {
        let args = [&["batch", &plan, "-o", "-"][..], extra].concat();
        let usual = env.roadsub(&args).expect_code(0);
        let held = env
            .roadsub(&args)
            .env("TMPDIR", "/nonexistent/roadsub-tmp")
            .expect_code(0);
        assert!(usual.stdout.len() > 5_000, "{extra:?}");
        held.stdout(&usual.stdout).stderr(&usual.stderr);
    }
    let bad = env.write(
        "bad.csv",
        "id,township,village,class,width_m,length_km,cost\n\
         S1,t,v,village,4.5,1,1000000\nS2,t,v,village,4.5,1,abc\n",
    );
    env.roadsub(&["batch", &bad, "-o", "-"])
        .env("TMPDIR", "/nonexistent/roadsub-tmp")
        .expect_code(1)
        .stdout("");
}

/// The defect: a device or pipe named by `-o` (`/dev/stdout`) is written into once the run
/// has succeeded, from a temporary file; with `$TMPDIR` missing the run was refused as
/// `cannot write /dev/stdout: no such file or directory`, as if the output were missing. The
/// message names the folder now, in both languages, for batch and compare alike, and for a
/// table from standard input kept to be read again.
#[test]
fn a_temporary_file_that_cannot_be_made_is_said_with_its_folder() {
    let env = Env::new();
    let plan = bundled_plan();
    let gone = env.file("gone");
    for (lang, said) in [
        (
            "en",
            format!(
                "roadsub: cannot write /dev/stdout: cannot make a temporary file in {gone} \
                 (TMPDIR): no such file or directory\n"
            ),
        ),
        (
            "zh",
            format!(
                "roadsub: 无法写入 /dev/stdout: 无法在 {gone}（TMPDIR）新建临时文件：\
                 没有这个文件或目录\n"
            ),
        ),
    ] {
        for command in [
            &["batch", &plan][..],
            &["compare", &plan, "--set", "poverty.group.3.5=15万"],
        ] {
            let args = [command, &["-o", "/dev/stdout", "--lang", lang]].concat();
            env.roadsub(&args).env("TMPDIR", &gone).expect(1, "", &said);
        }
    }
    let prorate = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/anyue-2018-prorate.toml")
        .to_string_lossy()
        .into_owned();
    let table = std::fs::read(&plan).unwrap();
    env.roadsub(&["batch", "-", "--rules", &prorate])
        .env("TMPDIR", &gone)
        .stdin(table)
        .expect(
            1,
            "",
            &format!(
                "roadsub: cannot keep <stdin> in a temporary file to read it again for the \
                 budgets that bind: cannot make a temporary file in {gone} (TMPDIR): no such \
                 file or directory\n"
            ),
        );
}

/// The defect (review 27): rows for standard output went on in memory when no temporary
/// file could be made, but not when one was made and then could not take them (its disk
/// full): `cannot write <stdout>: the disk is full`, nothing written, the bad rows before it
/// never said. A file size limit (`ulimit -f`) fails the temporary file's writes as a full
/// disk does and leaves the pipe alone: the same bytes as an unhindered run, for batch in
/// every form and for compare. `-o /dev/stdout`, which needs its temporary file, says which
/// one could not be written, by its folder, in both languages.
#[cfg(target_os = "linux")]
#[test]
fn rows_for_standard_output_go_on_in_memory_when_their_temporary_file_cannot_take_them() {
    let env = Env::new();
    two_thousand_rows(&env);
    let bin = env!("CARGO_BIN_EXE_roadsub");
    let temp = env.file("temp");
    std::fs::create_dir(&temp).unwrap();
    // 40 blocks: 20 KB in `sh`'s 512-byte blocks, less than any of these outputs.
    let limited = |args: &str| {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("ulimit -f 40; exec '{bin}' {args}"))
            .current_dir(env.file(""))
            .env("TMPDIR", &temp)
            .output()
            .unwrap()
    };
    for args in [
        "batch t.csv -o -",
        "batch t.csv -o - --format md",
        "batch t.csv -o - --format json",
        "compare t.csv --set poverty.group.3.5=15万 -o - --format md",
        "compare t.csv --set poverty.group.3.5=15万 -o - --format json",
    ] {
        let usual = env
            .roadsub(&args.split(' ').collect::<Vec<_>>())
            .expect_code(0);
        let done = limited(args);
        assert_eq!(done.status.code(), Some(0), "{args}");
        assert!(usual.stdout.len() > 40 * 512, "{args}");
        assert!(done.stdout == usual.stdout.as_bytes(), "{args}");
        assert_eq!(
            String::from_utf8_lossy(&done.stderr),
            usual.stderr,
            "{args}"
        );
    }
    for (lang, said) in [
        (
            "en",
            format!(
                "roadsub: cannot write /dev/stdout: cannot write the temporary file in {temp} \
                 (TMPDIR): the file would be larger than this system allows (see ulimit -f)\n"
            ),
        ),
        (
            "zh",
            format!(
                "roadsub: 无法写入 /dev/stdout: 无法写入 {temp}（TMPDIR）中的临时文件：\
                 文件将超过系统允许的大小（见 ulimit -f）\n"
            ),
        ),
    ] {
        for args in [
            "batch t.csv",
            "compare t.csv --set poverty.group.3.5=15万 --format md",
            "compare t.csv --set poverty.group.3.5=15万 --format json",
        ] {
            let done = limited(&format!("{args} -o /dev/stdout --lang {lang}"));
            assert_eq!(done.status.code(), Some(1), "{args}");
            assert_eq!(String::from_utf8_lossy(&done.stderr), said, "{args}");
            assert!(done.stdout.is_empty(), "{args}");
        }
    }
    assert_eq!(std::fs::read_dir(&temp).unwrap().count(), 0);
}

/// The defect (review 27): an empty `$TMPDIR` put temporary files in the current folder
/// (and a message named an empty folder). An empty one is no folder, as for `mktemp`: the
/// system's is used. Run from a folder that no longer exists, where no file can be made, the
/// runs that need a temporary file write what they write without `$TMPDIR` set.
#[cfg(unix)]
#[test]
fn an_empty_tmpdir_is_as_if_unset() {
    let env = Env::new();
    let plan = bundled_plan();
    let bin = env!("CARGO_BIN_EXE_roadsub");
    let gone = env.file("gone");
    for args in [
        &["batch", &plan, "-o", "/dev/stdout"][..],
        &[
            "compare",
            &plan,
            "--set",
            "poverty.group.3.5=15万",
            "-o",
            "/dev/stdout",
        ],
    ] {
        let usual = env.roadsub(args).expect_code(0);
        std::fs::create_dir(&gone).unwrap();
        let done = std::process::Command::new("sh")
            .arg("-c")
            .arg(r#"cd "$1" && rmdir "$1" && shift && exec "$@""#)
            .arg("sh")
            .arg(&gone)
            .arg(bin)
            .args(args)
            .env("TMPDIR", "")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&done.stderr);
        assert_eq!(done.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(done.stdout == usual.stdout.as_bytes(), "{args:?}");
        assert_eq!(stderr, usual.stderr, "{args:?}");
    }
}

/// The defect: with standard output closed (`>&-`) the runtime puts `/dev/null` in its
/// place, so `batch t.csv` wrote its rows nowhere and ended with status 0, as if written.
/// A run whose results go to standard output (no -o, `-o -`, `-o /dev/stdout`; compare and
/// explain too) is refused before anything is read, in both languages. Review 28: `/dev/null`
/// opened for reading and writing by the caller (Python's `subprocess.DEVNULL`, Node's
/// `'ignore'`, `1<>/dev/null`) is a caller discarding the results, not a closed output: written
/// as ever, as are `> /dev/null` and `-o FILE` with standard output closed.
#[cfg(target_os = "linux")]
#[test]
fn results_for_a_closed_standard_output_are_refused_not_lost() {
    let env = Env::new();
    let plan = bundled_plan();
    let bin = env!("CARGO_BIN_EXE_roadsub");
    let closed = |args: &[&str]| {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(r#"exec "$@" >&-"#)
            .arg("sh")
            .arg(bin)
            .args(args)
            .current_dir(env.file(""))
            .output()
            .unwrap()
    };
    std::os::unix::fs::symlink("/dev/stdout", env.file("to-stdout")).unwrap();
    for (lang, name, said, hint) in [
        (
            "en",
            "<stdout>",
            "standard output was closed when roadsub started (>&-), so the results would go \
             nowhere",
            "; give -o FILE (-o /dev/null to discard them)",
        ),
        (
            "zh",
            "<标准输出>",
            "roadsub 启动时标准输出已关闭（>&-），结果将无处可写",
            "；请用 -o 文件 指定输出（要丢弃结果可用 -o /dev/null）",
        ),
    ] {
        let cannot = if lang == "en" {
            "cannot write"
        } else {
            "无法写入"
        };
        for (args, shown, hint) in [
            (&["batch", &plan][..], name, hint),
            (&["batch", &plan, "-o", "-"], name, hint),
            (&["batch", &plan, "-o", "/dev/stdout"], "/dev/stdout", hint),
            // Any spelling of it (review 28): through `..`, the thread's own entry, a link.
            (
                &["batch", &plan, "-o", "/dev/../dev/stdout"],
                "/dev/../dev/stdout",
                hint,
            ),
            (
                &["batch", &plan, "-o", "/proc/thread-self/fd/1"],
                "/proc/thread-self/fd/1",
                hint,
            ),
            (&["batch", &plan, "-o", "to-stdout"], "to-stdout", hint),
            (
                &[
                    "compare",
                    &plan,
                    "--set",
                    "poverty.group.3.5=15万",
                    "-o",
                    "to-stdout",
                ],
                "to-stdout",
                hint,
            ),
            (
                &["compare", &plan, "--set", "poverty.group.3.5=15万"],
                name,
                hint,
            ),
            // explain and rules show have no -o to point to.
            (&["explain", &plan, "--row", "1"], name, ""),
            (&["rules", "show"], name, ""),
        ] {
            let done = closed(&[args, &["--lang", lang]].concat());
            assert_eq!(done.status.code(), Some(1), "{args:?}");
            assert_eq!(
                String::from_utf8_lossy(&done.stderr),
                format!("roadsub: {cannot} {shown}: {said}{hint}\n"),
                "{args:?}"
            );
        }
    }
    // Written as ever: to a file with standard output closed, to `> /dev/null`, and to
    // `/dev/null` opened both ways (`subprocess.DEVNULL`).
    let done = closed(&["batch", &plan, "-o", "out.csv"]);
    assert_eq!(done.status.code(), Some(0));
    assert!(env.read("out.csv").lines().count() > 60);
    // A file named through another descriptor (standard error's) is no standard output.
    let done = closed(&["batch", &plan, "-o", "/dev/fd/2"]);
    assert_eq!(done.status.code(), Some(0), "{done:?}");
    env.roadsub(&["batch", &plan])
        .stdout_to(std::process::Stdio::null())
        .expect_code(0);
    let both_ways = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")
        .unwrap();
    for args in [
        &["batch", &plan][..],
        &["compare", &plan, "--set", "poverty.group.3.5=15万"],
        &["explain", &plan, "--row", "1"],
    ] {
        env.roadsub(args)
            .stdout_to(both_ways.try_clone().unwrap())
            .expect_code(0)
            .stderr_lacks("closed");
    }
}

/// Room kept on the disk ahead of a long output (`fallocate`: ext4 otherwise finds the
/// blocks a page at a time) is given back when the output takes its place: a batch run's file
/// and a comparison's hold no more blocks than the same bytes written plainly. (Without the
/// room given back, each kept 16 MiB past its end.)
#[cfg(target_os = "linux")]
#[test]
fn an_output_holds_no_more_of_the_disk_than_its_bytes() {
    use std::fmt::Write as _;
    use std::os::unix::fs::MetadataExt;
    let env = Env::new();
    let mut text = String::from("id,township,village,class,width_m,length_km,cost\n");
    for i in 0..20_000 {
        writeln!(text, "S{i:05},T{},V{},group,3.5,2,1600000", i % 7, i % 50).unwrap();
    }
    env.write("many.csv", &text);
    env.roadsub(&["batch", "many.csv", "-o", "out.csv"])
        .expect_code(0);
    env.roadsub(&[
        "compare",
        "many.csv",
        "--set",
        "poverty.group.3.5=15万",
        "-o",
        "cmp.csv",
    ])
    .expect_code(0);
    let blocks = |path: &std::path::Path| {
        let file = std::fs::File::open(path).unwrap();
        file.sync_all().unwrap();
        file.metadata().unwrap().blocks()
    };
    for name in ["out.csv", "cmp.csv"] {
        let bytes = std::fs::read(env.path(name)).unwrap();
        assert!(bytes.len() > 1 << 20, "{name}: {} bytes", bytes.len());
        env.write("plain.csv", &bytes);
        let (ours, plain) = (blocks(&env.path(name)), blocks(&env.path("plain.csv")));
        assert!(
            ours <= plain + 8,
            "{name}: {ours} blocks, {plain} written plainly"
        );
    }
}

/// Rows are written by whichever worker finishes the chunk next in input order, with no
/// thread of their own: an output that fails partway through a run of fifteen chunks stops
/// every stage, says so once, after the bad row met before it, and leaves no file; a reader
/// that stops early (`| head -1`) ends the run quietly, as before.
#[cfg(target_os = "linux")]
#[test]
fn an_output_failing_partway_through_many_chunks_stops_the_run_and_says_so_once() {
    use std::fmt::Write as _;
    let env = Env::new();
    let mut text = String::from("id,township,village,class,width_m,length_km,cost\n");
    for i in 0..30_000 {
        let cost = if i == 5 { "abc" } else { "1600000" };
        writeln!(text, "S{i:05},T{},V{},village,4.5,2,{cost}", i % 7, i % 50).unwrap();
    }
    env.write("many.csv", &text);
    let bin = env!("CARGO_BIN_EXE_roadsub");
    // 400 blocks of 512 bytes: 200 KB, a few of the 2.6 MB of rows.
    let limited = |args: &str| {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("ulimit -f 400; exec '{bin}' {args}"))
            .current_dir(env.file(""))
            .output()
            .unwrap()
    };
    let bad_row = |lang: &str| match lang {
        "en" => {
            "many.csv:7: cost \"abc\" is not an amount of money (expected yuan like \
                 1200000, 1,200,000, 120万 or 1.06亿)\n"
        }
        _ => "many.csv:7: 投资“abc”不是金额（应为元，如 1200000、1,200,000、120万 或 1.06亿）\n",
    };
    for (lang, said) in [
        (
            "en",
            "roadsub: cannot write out.csv: the file would be larger than this system allows \
             (see ulimit -f)\n",
        ),
        (
            "zh",
            "roadsub: 无法写入 out.csv: 文件将超过系统允许的大小（见 ulimit -f）\n",
        ),
    ] {
        let done = limited(&format!(
            "batch many.csv -o out.csv --keep-going --lang {lang}"
        ));
        assert_eq!(done.status.code(), Some(1), "{lang}");
        assert_eq!(
            String::from_utf8_lossy(&done.stderr),
            format!("{}{said}", bad_row(lang)),
            "{lang}"
        );
        assert!(!env.path("out.csv").exists(), "{lang}");
        // Nor its temporary file.
        let left: Vec<_> = std::fs::read_dir(env.path(""))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, ["many.csv"], "{lang}");
    }
    // Standard output on a full device, the rows streamed (`--keep-going`).
    for (lang, said) in [
        ("en", "roadsub: cannot write <stdout>: the disk is full\n"),
        ("zh", "roadsub: 无法写入 <标准输出>: 磁盘已满\n"),
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        env.roadsub(&["batch", "many.csv", "--keep-going", "--lang", lang])
            .stdout_to(full)
            .expect_code(1)
            .stderr(&format!("{}{said}", bad_row(lang)));
    }
    let (first, code, err) = env
        .roadsub(&["batch", "many.csv", "--keep-going"])
        .first_line_then_closed();
    assert_eq!(first, "id,township,village,class,width_m,length_km,cost,transport,poverty,subsidy_total,gap,shortfall,notes\n");
    assert_eq!(code, Some(1), "a bad row was met before the pipe closed");
    assert_eq!(err, bad_row("en"));
    // The same rows unhindered: every one written, the bad one said.
    let out = env.file("out.csv");
    env.roadsub(&["batch", "many.csv", "-o", &out, "--keep-going"])
        .expect_code(1)
        .stderr(&format!(
            "{}1 bad row; wrote the 29999 good rows to {out}\n",
            bad_row("en")
        ));
    assert_eq!(env.read("out.csv").lines().count(), 30_000);
}

/// The defect, found in the round it came in: with a bound on the chunks waiting to be
/// written, a table of many chunks followed by tables that cannot be read (a message each,
/// handed on by the reader while the table's last chunk still waited to be taken for work)
/// left every thread waiting for room, and the run never ended. A worker now waits only for
/// the chunks before its own to be written, and the next one to write never waits.
#[cfg(unix)]
#[test]
fn many_unreadable_tables_after_a_long_one_end_the_run() {
    use std::fmt::Write as _;
    let env = Env::new();
    let mut text = String::from("id,township,village,class,width_m,length_km,cost\n");
    for i in 0..20_000 {
        writeln!(text, "S{i:05},T{},V{},village,4.5,2,1600000", i % 7, i % 50).unwrap();
    }
    env.write("long.csv", &text);
    let mut args = String::from("batch long.csv");
    for n in 1..=9 {
        env.write(&format!("bad{n}.csv"), "id,foo\n1,2\n");
        args.push_str(&format!(" bad{n}.csv"));
    }
    let done = std::process::Command::new("timeout")
        .args(["60", env!("CARGO_BIN_EXE_roadsub")])
        .args(args.split(' '))
        .args(["--keep-going", "-o", "out.csv"])
        .current_dir(env.path(""))
        .output()
        .unwrap();
    assert_eq!(done.status.code(), Some(1), "124: the run did not end");
    let said = String::from_utf8_lossy(&done.stderr);
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(lines.len(), 19, "{said}");
    for n in 1..=9 {
        let table = format!("bad{n}.csv: ");
        assert!(lines[2 * n - 2].starts_with(&format!("{table}missing required columns")));
        assert!(lines[2 * n - 1].starts_with(&format!("{table}no cost column")));
    }
    assert_eq!(
        lines[18],
        "9 tables not read; wrote the 20000 good rows to out.csv"
    );
    assert_eq!(env.read("out.csv").lines().count(), 20_001);
}

/// A run ended by a signal (Ctrl-C's SIGINT, SIGTERM, a closed terminal's SIGHUP, Ctrl-\'s
/// SIGQUIT, which left them until it too was heeded) removes the
/// temporary files it made before it ends as the signal ends it: the output's, beside the
/// file it would have replaced (left untouched), and the copy of standard input a run under
/// a budget reads twice. They were left behind, hidden, as long as what had been written. A
/// signal the run was started ignoring (`nohup`, `trap '' HUP`) stays ignored.
#[cfg(target_os = "linux")]
#[test]
fn a_run_ended_by_a_signal_leaves_no_temporary_file_behind() {
    use std::os::unix::process::ExitStatusExt;
    let mut rows = String::from("id,township,village,class,width_m,length_km,cost\n");
    for i in 0..20_000 {
        rows.push_str(&format!(
            "S{i:05},T{},V{},village,4.5,2,1600000\n",
            i % 7,
            i % 50
        ));
    }
    let bin = env!("CARGO_BIN_EXE_roadsub");
    let prorate = bundled("examples/anyue-2018-prorate.toml");
    for (signal, budget) in [
        (libc::SIGINT, false),
        (libc::SIGTERM, false),
        (libc::SIGHUP, false),
        (libc::SIGQUIT, false),
        (libc::SIGTERM, true),
    ] {
        let env = Env::new();
        env.write("out.csv", "old\n");
        let mut command = std::process::Command::new(bin);
        command.args(["batch", "-", "-o", "out.csv"]);
        if budget {
            command.args(["--rules", &prorate]);
        }
        let dir = env.path("");
        let (child, stdin) = signalled_at_temporary(command, &dir, rows.as_bytes(), signal);
        let status = ended(child, &format!("{signal} {budget}"));
        drop(stdin);
        assert_eq!(
            status.signal(),
            Some(signal),
            "{signal} {budget}: {status:?}"
        );
        assert!(!temporary_in(&dir), "{signal} {budget}: left behind");
        assert_eq!(env.read("out.csv"), "old\n");
    }
    // `compare -o` the same: its rows for a FIFO nobody reads wait in a temporary file until
    // a reader comes, and go when a signal ends the wait.
    let env = Env::new();
    env.write("plan.csv", &rows);
    let fifo = std::ffi::CString::new(env.file("cmp.csv")).unwrap();
    // SAFETY: mkfifo reads the path given, a NUL-ended string that outlives the call.
    #[allow(unsafe_code)]
    let made = unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) };
    assert_eq!(made, 0);
    let mut command = std::process::Command::new(bin);
    command.args([
        "compare",
        "plan.csv",
        "--set",
        "poverty.group.3.5=15万",
        "-o",
        "cmp.csv",
    ]);
    let dir = env.path("");
    let (child, stdin) = signalled_at_temporary(command, &dir, b"", libc::SIGTERM);
    let status = ended(child, "compare");
    drop(stdin);
    assert_eq!(status.signal(), Some(libc::SIGTERM), "compare: {status:?}");
    assert!(!temporary_in(&dir), "compare: left behind");
    // Started ignoring SIGHUP, the run goes on through it and writes its rows.
    let env = Env::new();
    let mut command = std::process::Command::new("sh");
    command
        .arg("-c")
        .arg(format!("trap '' HUP; exec '{bin}' batch - -o out.csv"));
    let dir = env.path("");
    let (child, stdin) = signalled_at_temporary(command, &dir, rows.as_bytes(), libc::SIGHUP);
    drop(stdin);
    let done = child.wait_with_output().unwrap();
    assert_eq!(done.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&done.stderr),
        "wrote 20000 rows to out.csv\n"
    );
    assert_eq!(env.read("out.csv").lines().count(), 20_001);
}
