//! `roadsub batch` on good input.

use super::*;

#[test]
fn spec_worked_examples_through_the_binary() {
    let env = Env::new();
    let (code, out, err) = env.run(&["batch", &data("spec-examples.csv")]);
    assert_eq!(code, 0, "{err}");
    assert_text(
        &out,
        "id,township,village,class,width_m,length_km,cost,cost_per_km,other_funds,households,transport,poverty,subsidy_total,shortfall,shortfall_per_household,notes\n\
         E1,T,V,village,4.5,2,1600000,,,,900000.00,600000.00,1500000.00,100000.00,,\n\
         E1-other,T,V,village,4.5,2,1600000,,30000,,900000.00,600000.00,1500000.00,70000.00,,\n\
         E1-households,T,V,village,4.5,2,1600000,,,3,900000.00,600000.00,1500000.00,100000.00,33333.33,\n\
         E2,T,V,group,3.5,1.5,450000,,,,225000.00,150000.00,375000.00,75000.00,,\n\
         E3,T,V,village,4.0,1.2,700000,,,,180000.00,300000.00,480000.00,220000.00,,width 4.0 m is below the 4.5 m tier of County transport bureau subsidy: the 3.5 m tier applies; width 4.0 m is below the 4.5 m tier of County poverty-alleviation special fund: the 3.5 m tier applies\n\
         E4,T,V,village,3.0,1,300000,,,,0.00,0.00,0.00,300000.00,,width 3.0 m is below the 3.5 m minimum of County transport bureau subsidy; width 3.0 m is below the 3.5 m minimum of County poverty-alleviation special fund\n\
         E5,T,V,village,4.5,1,500000,,,,450000.00,50000.00,500000.00,0.00,,\"County poverty-alleviation special fund cut from 300,000.00 to 50,000.00 so the subsidy does not exceed the cost\"\n\
         E6,T,V,group,6.0,0.85,,400000,,,340000.00,0.00,340000.00,0.00,,\"County transport bureau subsidy cut from 382,500.00 to 340,000.00 so the subsidy does not exceed the cost; County poverty-alleviation special fund cut from 85,000.00 to 0.00 so the subsidy does not exceed the cost\"\n\
         E7,T,V,village,3.5,0.333,200000,,,,49950.00,83250.00,133200.00,66800.00,,\n",
    );
}

#[test]
fn output_file_and_summary() {
    let env = Env::new();
    let out_path = env.path("out.csv");
    let (code, out, err) = env.run(&[
        "batch",
        &example(),
        "-o",
        out_path.to_str().unwrap(),
        "--summary",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, format!("wrote 19 rows to {}\n", out_path.display()));
    let csv = env.read("out.csv");
    assert_eq!(csv.lines().count(), 20);
    assert_eq!(cell(&csv, "AY-01", "transport"), "945000.00");
    assert_eq!(cell(&csv, "AY-01", "shortfall"), "5000.00");
    assert_eq!(cell(&csv, "AY-19", "poverty"), "17500.00");
    assert_eq!(cell(&csv, "AY-12", "备注"), "路面宽度不足3.5米");
    assert!(
        out.contains("19 segments, 49.15 km planned, 42.7 km completed (86.9%)"),
        "{out}"
    );
    assert!(
        out.contains("\nsubsidy_total                                      17,015,000.00\n"),
        "{out}"
    );
    assert!(
        out.contains("\nshortfall                                           7,487,000.00\n"),
        "{out}"
    );
    assert!(
        out.contains("\nVillage road hardening  4,965,000.00  2,687,500.00  2,277,500.00  54.1%\n"),
        "{out}"
    );
}

#[test]
fn summary_by_township_in_chinese() {
    let env = Env::new();
    let (code, out, err) = env.run(&["batch", &example(), "--by", "township", "--lang", "zh"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("编号,乡镇,村"), "the data goes to stdout");
    assert!(
        err.contains("汇总 — 安岳县2018年贫困村通村通社公路补助标准"),
        "{err}"
    );
    assert!(err.contains("\n乡镇      路段数   公里  已完工   县交通局补助  县扶贫专项补助       补助合计          差额\n"), "{err}");
    assert!(err.contains("\n自治乡         3    8.3     5.5   1,995,000.00    1,330,000.00   3,325,000.00  1,161,000.00\n"), "{err}");
    assert!(err.contains("\n合计          19  49.15    42.7  10,657,500.00    6,357,500.00  17,015,000.00  7,487,000.00\n"), "{err}");
}

#[test]
fn stdin_to_stdout_with_dash() {
    let env = Env::new();
    let input = std::fs::read(data("spec-examples.csv")).unwrap();
    let (code, out, _) = env.run_stdin(&["batch", "-", "-o", "-"], &input);
    assert_eq!(code, 0);
    assert_eq!(cell(&out, "E3", "poverty"), "300000.00");
}

#[test]
fn gbk_and_bom_files_are_read_without_being_told() {
    let env = Env::new();
    let (code, out, err) = env.run(&["batch", &data("gbk.csv")]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(cell(&out, "G1", "村"), "画青村");
    assert_eq!(cell(&out, "G1", "subsidy_total"), "1500000.00");
    assert_eq!(cell(&out, "G2", "类别"), "通組");
    assert_eq!(cell(&out, "G2", "shortfall"), "75000.00");
    let (code, out, err) = env.run(&["batch", &data("bom.csv")]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("路段编号,"),
        "the BOM is not copied into a header name"
    );
    assert_eq!(cell(&out, "B1", "shortfall"), "100000.00");
    assert_eq!(cell(&out, "B2", "subsidy_total"), "375000.00");
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
    let (code, out, err) = env.run(&["batch", &a, &b]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 3);
    assert_eq!(cell(&out, "B1", "transport"), "150000.00");
    let c = env.write(
        "c.csv",
        "id,township,village,class,width_m,length_km,cost\nA1,t,v,village,4.5,1,1\n",
    );
    let (code, _, err) = env.run(&["batch", &a, &c]);
    assert_eq!(code, 1);
    assert!(
        err.contains("c.csv:2: id \"A1\" appears on an earlier row (ids must be unique)"),
        "{err}"
    );
}

#[test]
fn rerunning_on_an_output_recomputes_instead_of_duplicating_columns() {
    let env = Env::new();
    let (_, first, _) = env.run(&["batch", &data("spec-examples.csv")]);
    let again = env.write("again.csv", &first);
    let (code, second, _) = env.run(&["batch", &again]);
    assert_eq!(code, 0);
    assert_eq!(first, second);
}

#[test]
fn a_table_shaped_like_the_release_overruns_the_group_road_envelope() {
    // 44 villages; 10.2 km of village roads and 86.85 km of group roads, as announced.
    let mut csv = String::from("id,township,village,class,width_m,length_km,cost\n");
    for v in 0..44 {
        let group_km = if v < 43 { "1.975" } else { "1.925" }; // 43 × 1.975 + 1.925 = 86.85
        csv.push_str(&format!(
            "G{v},T{},V{v},group,3.5,{group_km},2000000\n",
            v % 6
        ));
    }
    for v in 0..6 {
        csv.push_str(&format!("C{v},T{},V{v},village,4.5,1.7,3000000\n", v % 6));
        // 6 × 1.7 = 10.2
    }
    let env = Env::new();
    let input = env.write("release.csv", csv);
    let (code, _, err) = env.run(&["batch", &input, "--summary"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("50 segments, 97.05 km planned, 0 km completed (0.0%)"),
        "{err}"
    );
    assert!(
        err.contains(
            "OVER BUDGET: Group road building needs 8,685,000.00 yuan, 1,785,000.00 more than its envelope of 6,900,000.00 yuan"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "\nGroup road building     6,900,000.00  8,685,000.00  -1,785,000.00  125.9%\n"
        ),
        "{err}"
    );
}

#[test]
fn help_has_examples_and_exit_codes_in_both_languages() {
    let env = Env::new();
    let (code, out, _) = env.run(&["--help"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("roadsub batch plan.csv -o results.csv --summary"),
        "{out}"
    );
    assert!(
        out.contains("Exit status: 0 all rows computed; 1 bad rows"),
        "{out}"
    );
    let (_, out, _) = env.run(&["--help", "--lang", "zh"]);
    assert!(out.contains("退出码：0 全部路段计算完成"), "{out}");
    let (_, out, _) = env.run(&["batch", "--help"]);
    assert!(out.contains("--keep-going"), "{out}");
    let (code, out, _) = env.run(&["--version"]);
    assert_eq!(
        (code, out.trim()),
        (0, concat!("roadsub ", env!("CARGO_PKG_VERSION")))
    );
}

#[test]
fn the_interactive_table_needs_a_terminal() {
    let env = Env::new();
    let (code, _, err) = env.run(&["examples/anyue-2018.csv"]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "roadsub: the interactive table needs a terminal; to compute a file in a script use: roadsub batch FILE\n"
    );
}

#[test]
fn chinese_from_the_locale() {
    let env = Env::new();
    let out = env
        .cmd(&["batch", &data("spec-examples.csv")])
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("宽度 3.0 米低于县交通局补助的最小宽度 3.5 米"),
        "{text}"
    );
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
    let out = env.path("out.csv");
    let (code, _, err) = env.run(&["batch", &input, "-o", out.to_str().unwrap(), "--keep-going"]);
    assert_eq!(code, 1);
    // Row i is on line i + 1, one more after the blank line, one more after the quoted break,
    // one more after the lone CR.
    assert_text(
        &err,
        &format!(
            "{input}:7004: row has 1 field but the header has 8\n\
             {input}:9004: id \"S10\" appears on an earlier row (ids must be unique)\n\
             2 bad rows; wrote the 9999 good rows to {}\n",
            out.display()
        ),
    );
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
        "\nS10000,镇4,V3,village,4.5,1,1000000,r,450000.00,300000.00,750000.00,250000.00,\n"
    ));
    let (code, piped, err) = env.run_stdin(&["batch", "-", "--keep-going"], &bytes);
    assert_eq!(code, 1);
    assert_eq!(piped, csv);
    assert!(err.starts_with("<stdin>:7004: row has 1 field"), "{err}");
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
    let (code, out, err) = env.run(&["batch", &input]);
    assert_eq!(code, 0, "{err}");
    for (id, width) in [("A", "4.0"), ("B", "4.00"), ("C", "4.0")] {
        assert_eq!(
            cell(&out, id, "notes"),
            format!(
                "width {width} m is below the 4.5 m tier of County transport bureau subsidy: the 3.5 m tier applies; \
                 width {width} m is below the 4.5 m tier of County poverty-alleviation special fund: the 3.5 m tier applies"
            )
        );
    }
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    use std::io::{BufRead, BufReader, Read};
    use std::process::Stdio;
    let env = Env::new();
    let mut text = String::from("id,township,village,class,width_m,length_km,cost\n");
    for i in 0..200_000 {
        text.push_str(&format!("S{i},t,v,village,4.5,1,1000000\n"));
    }
    let input = env.write("big.csv", text);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_roadsub"))
        .args(["batch", &input])
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The pipe closes here, as `| head -1` would close it.
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(first.starts_with("id,township,village"), "{first}");
    assert_eq!((status.code(), err.as_str()), (Some(0), ""));
}

#[test]
fn output_to_dev_stdout_keeps_the_summary_on_stderr() {
    let env = Env::new();
    let input = env.write(
        "plan.csv",
        "id,township,village,class,width_m,length_km,cost\nS1,t,v,village,4.5,2,1600000\n",
    );
    let (code, out, err) = env.run(&["batch", &input, "-o", "/dev/stdout", "--summary"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 2, "the rows alone: {out}");
    assert!(err.contains("Summary"), "{err}");
}

#[test]
fn a_users_notes_column_is_kept_beside_ours() {
    let env = Env::new();
    let input = env.write(
        "plan.csv",
        "id,township,village,class,width_m,length_km,cost,notes\n\
         A,T,V,village,3.0,1,100000,bridge needs repair\n",
    );
    let (code, out, _) = env.run(&["batch", &input]);
    assert_eq!(code, 0);
    assert_eq!(
        out.lines().next().unwrap(),
        "id,township,village,class,width_m,length_km,cost,notes,transport,poverty,subsidy_total,shortfall,roadsub_notes"
    );
    assert_eq!(cell(&out, "A", "notes"), "bridge needs repair");
    assert!(
        cell(&out, "A", "roadsub_notes").starts_with("width 3.0 m is below the 3.5 m minimum"),
        "{out}"
    );
    // Fed back in, the user's notes stay theirs and ours are recomputed, not doubled.
    let again = env.write("again.csv", &out);
    let (code, second, _) = env.run(&["batch", &again]);
    assert_eq!(code, 0);
    assert_eq!(second, out);
    // A table roadsub wrote without a notes column of the user's has our `notes`.
    let plain = env.write(
        "plain.csv",
        "id,township,village,class,width_m,length_km,cost\nA,T,V,village,3.0,1,100000\n",
    );
    let (_, first, _) = env.run(&["batch", &plain]);
    assert!(first.lines().next().unwrap().ends_with(",shortfall,notes"));
    let back = env.write("back.csv", &first);
    let (_, second, _) = env.run(&["batch", &back]);
    assert_eq!(second, first);
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
    let out = env.path("out.csv");
    let (code, stdout, err) = env.run(&["batch", &input, "-o", out.to_str().unwrap(), "--summary"]);
    assert_eq!(code, 0, "a warning does not change the exit status");
    assert_eq!(
        err,
        format!(
            "warning: 1 row has a cost per km outside the plausible 5万–500万 per km (see the notes): check the amounts' unit (元 or 万元)\n\
             wrote 2 rows to {}\n",
            out.display()
        )
    );
    let csv = env.read("out.csv");
    assert_eq!(cell(&csv, "A", "subsidy_total"), "63.00");
    assert_eq!(
        cell(&csv, "A", "notes"),
        "warning: cost 63.00 yuan is 30.00 yuan per km, outside the plausible 5万–500万 per km: is the amount in 万元?; \
         County transport bureau subsidy cut from 945,000.00 to 63.00 so the subsidy does not exceed the cost; \
         County poverty-alleviation special fund cut from 630,000.00 to 0.00 so the subsidy does not exceed the cost"
    );
    assert_eq!(cell(&csv, "B", "notes"), "");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[3],
        "warning: 1 row has a cost per km outside the plausible 5万–500万 per km (see the notes): check the amounts' unit (元 or 万元)"
    );
    let (code, stdout, _) = env.run(&[
        "batch",
        &input,
        "-o",
        out.to_str().unwrap(),
        "--summary",
        "--lang",
        "zh",
    ]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("警告：1 行的每公里造价超出合理范围（每公里 5万–500万，见备注）：请核对金额单位（元或万元）\n"),
        "{stdout}"
    );
    let (_, json, _) = env.run(&["batch", &input, "--format", "json"]);
    assert!(json.contains("\"implausible_cost_rows\":1"), "{json}");
    let (_, md, _) = env.run(&["batch", &input, "--format", "md"]);
    assert!(
        md.contains("\n**warning: 1 row has a cost per km outside the plausible 5万–500万 per km (see the notes): check the amounts' unit (元 or 万元)**\n"),
        "{md}"
    );
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
    let missing = env.path("missing.csv").to_string_lossy().into_owned();
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
        let (code, _, err) = env.run(&all);
        assert_eq!(code, status, "{what}: {err}");
        assert_eq!(reader_gets(&fifo, reader), "", "{what}");
        std::fs::remove_file(&fifo).unwrap();
    }
    // A good run still writes its rows into the FIFO.
    let (fifo, reader) = fifo_with_reader(&env);
    let (code, _, _) = env.run(&["batch", &good, "-o", &fifo]);
    assert_eq!(code, 0);
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
        let (code, out, err) = env.run(&["batch", &input, "--keep-going", "--format", format]);
        assert_eq!(code, 1, "{format}");
        assert_eq!(out, "", "{format}: no header, no half a document");
        assert!(
            err.ends_with("\n1 bad row; nothing written\n"),
            "{format}: {err}"
        );
    }
    // With a good row after the bad one, the header comes before it, once.
    let mixed = env.write(
        "mixed.csv",
        "id,township,village,class,width_m,length_km,cost\n\
         A,T,V,lane,4.5,2,1600000\n\
         B,T,V,village,4.5,2,1600000\n",
    );
    let (code, out, _) = env.run(&["batch", &mixed, "--keep-going"]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "id,township,village,class,width_m,length_km,cost,transport,poverty,subsidy_total,shortfall,notes\n\
         B,T,V,village,4.5,2,1600000,900000.00,600000.00,1500000.00,100000.00,\n"
    );
    let (_, json, _) = env.run(&["batch", &mixed, "--keep-going", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
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
    let out = env.path("out.csv");
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
        let got = std::process::Command::new(env!("CARGO_BIN_EXE_roadsub"))
            .current_dir(env.dir.path())
            .args([
                "batch",
                &input,
                "-o",
                out.to_str().unwrap(),
                "--summary",
                "--lang",
                lang,
            ])
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(got.status.code(), Some(1), "{lang}");
        assert_eq!(String::from_utf8_lossy(&got.stderr), said, "{lang}");
    }
}
