//! SPEC §5: every bad value named with its place; nothing written unless --keep-going.

use super::*;

const HEAD: &str = "id,township,village,class,width_m,length_km,cost,completed_km,households\n";

fn table(env: &Env, rows: &str) -> String {
    env.write("segments.csv", format!("{HEAD}{rows}"))
}

#[test]
fn every_bad_row_is_listed_and_nothing_is_written() {
    let env = Env::new();
    let input = table(
        &env,
        "S1,t,v,village,4.5,abc,1600000,,\n\
         S2,t,v,village,4.5,1,100000,,\n\
         S3,t,v,lane,4.5,1,100000,,\n\
         S3,t,v,village,4.5,-1,100000,,\n",
    );
    let out = env.path("out.csv");
    env.roadsub(&[
        "batch",
        &input,
        "-o",
        &env.file("out.csv"),
        "--summary",
        "--by",
        "village",
    ])
    // No summary of results that were not written.
    .expect(
        1,
        "",
        &format!(
            "{input}:2: length_km \"abc\" is not a length (expected km like 1.25, 1.25公里 or 850米)\n\
             {input}:4: class \"lane\" is not a known road class (known: village (通村公路, 通村, 建制村, 通村路, 通村道路); group (通社公路, 通社, 社道, 通组, 通組, 通组路, 通組路, 通组公路, 通組公路, 社级道路, 社級道路))\n\
             {input}:5: id \"S3\" appears on an earlier row (ids must be unique, across all the tables of a run too)\n\
             {input}:5: length_km \"-1\" must not be negative\n\
             3 bad rows; nothing written (fix them, or use --keep-going to write the 1 good row)\n"
        ),
    );
    assert!(!out.exists(), "no output file on failure");
    let leftovers: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "no temporary file left behind: {leftovers:?}"
    );
}

#[test]
fn keep_going_writes_the_good_rows_and_still_fails() {
    let env = Env::new();
    let input = table(
        &env,
        "S1,t,v,village,4.5,abc,1600000,,\nS2,t,v,village,4.5,1,1000000,,\n",
    );
    let out = env.file("out.csv");
    env.roadsub(&["batch", &input, "-o", &out, "--keep-going"])
        .expect_code(1)
        .stderr_ends(&format!("1 bad row; wrote the 1 good row to {out}\n"));
    let csv = env.read("out.csv");
    assert_eq!(csv.lines().count(), 2);
    assert_eq!(cell(&csv, "S2", "subsidy_total"), "750000.00");
}

#[test]
fn a_failed_run_leaves_an_existing_output_untouched() {
    let env = Env::new();
    let input = table(&env, "S1,t,v,village,4.5,abc,1600000,,\n");
    let out = env.write("out.csv", "precious\n");
    env.roadsub(&["batch", &input, "-o", &out]).expect_code(1);
    assert_eq!(env.read("out.csv"), "precious\n");
}

#[test]
fn stdout_gets_nothing_when_a_row_is_bad() {
    let env = Env::new();
    let input = table(
        &env,
        "S1,t,v,village,4.5,1,1600000,,\nS2,t,v,village,4.5,abc,1,,\n",
    );
    env.roadsub(&["batch", &input]).expect_code(1).stdout("");
}

#[test]
fn output_naming_an_input_is_refused() {
    let env = Env::new();
    let input = table(&env, "S1,t,v,village,4.5,1,1600000,,\n");
    let before = env.read("segments.csv");
    env.roadsub(&["batch", &input, "-o", &input])
        .expect_code(2)
        .stderr(&format!(
            "roadsub: -o {input} is also an input ({input}); choose another output file\n"
        ));
    assert_eq!(env.read("segments.csv"), before);
}

/// `batch - -o t.csv < t.csv` replaced its input with the results: standard input opened by
/// the shell on the output file is that file, as its name or a link to it is.
#[test]
fn output_that_standard_input_is_read_from_is_refused() {
    let env = Env::new();
    let input = table(&env, "S1,t,v,village,4.5,1,1600000,,\n");
    let before = env.read("segments.csv");
    let link = env.file("link.csv");
    std::fs::hard_link(&input, &link).unwrap();
    for (out, lang, said) in [
        (
            &input,
            "en",
            format!("roadsub: -o {input} is also an input (<stdin>); choose another output file\n"),
        ),
        (
            &link,
            "zh",
            format!("roadsub: -o {link} 同时也是输入文件（<标准输入>）；请换一个输出文件\n"),
        ),
    ] {
        let run = env.roadsub(&["batch", "-", "-o", out, "--lang", lang]);
        let done = run
            .command()
            .stdin(std::fs::File::open(&input).unwrap())
            .output()
            .unwrap();
        assert_eq!(done.status.code(), Some(2));
        assert_eq!(String::from_utf8_lossy(&done.stderr), said);
        assert_eq!(env.read("segments.csv"), before);
    }
    // Standard input named as the output, read or not: the file the shell opened.
    let other = env.write("other.csv", std::fs::read(&input).unwrap());
    for out in ["/dev/stdin", "/proc/self/fd/0", "/dev/fd/0"] {
        let run = env.roadsub(&["batch", &other, "-o", out]);
        let done = run
            .command()
            .stdin(std::fs::File::open(&input).unwrap())
            .output()
            .unwrap();
        assert_eq!(done.status.code(), Some(2), "{out}");
        assert_eq!(
            String::from_utf8_lossy(&done.stderr),
            format!("roadsub: -o {out} is the file standard input is read from; choose another output file\n")
        );
        assert_eq!(env.read("segments.csv"), before, "{out}");
    }
    // Through a pipe, or from another file, it is read as before.
    let other = env.file("results.csv");
    let run = env.roadsub(&["batch", "-", "-o", &other]);
    let done = run
        .command()
        .stdin(std::fs::File::open(&input).unwrap())
        .output()
        .unwrap();
    assert_eq!(
        done.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(env.read("results.csv").starts_with("id,"));
}

/// `-o /dev/fd/3 3< other.csv` appended the rows to other.csv (by batch, compare, and
/// `rules new /dev/stdin < other.csv` the template), and `-o /dev/stdin` with standard input
/// a pipe wrote the rows into the run's own input (lost, or a hang once the pipe filled): a
/// descriptor open only for reading is refused as an output.
#[test]
fn an_output_on_a_descriptor_open_for_reading_is_refused() {
    let env = Env::new();
    let input = table(&env, "S1,t,v,village,4.5,1,1600000,,\n");
    let other = env.write("other.csv", "OTHER\n");
    for (args, said) in [
        (
            format!("batch {input} -o /dev/fd/3"),
            "roadsub: -o /dev/fd/3 is open only for reading (an input given with <, 3< or a pipe); choose another output file\n",
        ),
        (
            format!("compare {input} --set poverty.group.3.5=15万 -o /proc/self/fd/3 --lang zh"),
            "roadsub: -o /proc/self/fd/3 只以读方式打开（由 <、3< 或管道给出的输入）；请换一个输出文件\n",
        ),
    ] {
        let done = in_shell(&env, &format!("{args} 3< '{other}'"));
        assert_eq!(done.status.code(), Some(2), "{args}");
        assert_eq!(String::from_utf8_lossy(&done.stderr), said, "{args}");
        assert_eq!(env.read("other.csv"), "OTHER\n", "{args}");
    }
    // Whatever the spelling, a link to it, or the file's own name (`-o other.csv 3< other.csv`).
    std::os::unix::fs::symlink("/dev/fd/3", env.file("lnfd3")).unwrap();
    for out in [
        "/dev//fd/3",
        "//dev/fd/3",
        "/dev/./fd/3",
        "/proc/self/fd/../fd/3",
        "lnfd3",
        other.as_str(),
    ] {
        let done = in_shell(&env, &format!("batch {input} -o '{out}' 3< '{other}'"));
        assert_eq!(done.status.code(), Some(2), "{out}");
        assert_eq!(
            String::from_utf8_lossy(&done.stderr),
            format!("roadsub: -o {out} is open only for reading (an input given with <, 3< or a pipe); choose another output file\n"),
        );
        assert_eq!(env.read("other.csv"), "OTHER\n", "{out}");
    }
    let done = in_shell(&env, &format!("rules new //dev/fd/3 --force 3< '{other}'"));
    assert_eq!(done.status.code(), Some(2));
    assert_eq!(env.read("other.csv"), "OTHER\n");
    // A device standard input was opened on is written as ever (`-o /dev/null < /dev/null`).
    let done = in_shell(&env, &format!("batch {input} -o /dev/null < /dev/null"));
    assert_eq!(
        done.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let run = env.roadsub(&["rules", "new", "/dev/stdin", "--force"]);
    let done = run
        .command()
        .stdin(std::fs::File::open(&other).unwrap())
        .output()
        .unwrap();
    assert_eq!(done.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&done.stderr),
        "roadsub: /dev/stdin is the file standard input is read from; choose another output file\n"
    );
    assert_eq!(env.read("other.csv"), "OTHER\n");
    // Standard input a pipe.
    let mut child = env
        .roadsub(&["batch", &input, "-o", "/dev/stdin"])
        .command()
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    // roadsub refuses without reading its input, and may have ended before this is written
    // (a broken pipe here is that, not a failure).
    let _ = child.stdin.take().unwrap().write_all(b"x\n");
    let done = child.wait_with_output().unwrap();
    assert_eq!(done.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&done.stderr),
        "roadsub: -o /dev/stdin is open only for reading (an input given with <, 3< or a pipe); choose another output file\n"
    );
    // A descriptor open for writing is written as before.
    let done = in_shell(&env, &format!("batch {input} -o /dev/fd/3 3>> '{other}'"));
    assert_eq!(done.status.code(), Some(0));
    assert!(env.read("other.csv").starts_with("OTHER\nid,"));
}

/// The defect: a table given twice was read twice, each of its ids "appears on an earlier
/// row" that was itself. Refused before anything is read, by batch, compare and notice, by
/// one name or two names of one file, in both languages.
#[test]
fn a_table_given_twice_is_refused() {
    let env = Env::new();
    let input = table(&env, "S1,t,v,village,4.5,1,1600000,,\n");
    let other = env.file("other-name.csv");
    std::fs::hard_link(&input, &other).unwrap();
    let out = env.file("out");
    for command in [
        vec!["batch", &input, &input],
        vec!["compare", &input, &input, "--set", "poverty.group.3.5=15万"],
        vec!["notice", &input, &input, "-o", &out],
    ] {
        env.roadsub(&command)
            .expect_code(2)
            .stdout("")
            .stderr(&format!(
                "roadsub: {input} is given twice; give each table once\n"
            ));
    }
    env.roadsub(&["batch", &input, &other, "--lang", "zh"])
        .expect_code(2)
        .stderr(&format!(
            "roadsub: {other} 与 {input} 是同一个文件（两个名称）；每个表格只需给出一次\n"
        ));
    env.roadsub(&["batch", &input, &other])
        .expect_code(2)
        .stderr(&format!(
            "roadsub: {other} is {input} again (one file, two names); give each table once\n"
        ));
    assert!(!std::path::Path::new(&out).exists());
}

/// The defect: `-o out.xls` (or `.ods`, `.tsv`, `.csv.gz`) wrote a UTF-8 CSV under that name,
/// which Excel then opens as a damaged workbook and a decompressor refuses. Refused unless
/// `--format` says what to write; nothing is written.
#[test]
fn an_output_named_for_a_format_roadsub_does_not_write_is_refused() {
    let env = Env::new();
    let input = table(&env, "S1,t,v,village,4.5,1,1600000,,\n");
    for ext in ["xls", "ODS", "tsv", "gz"] {
        let out = env.file(&format!("out.{ext}"));
        let book = env.file("out.xlsx");
        let lower = ext.to_ascii_lowercase();
        env.roadsub(&["batch", &input, "-o", &out]).expect(
            2,
            "",
            &format!("roadsub: -o {out}: roadsub does not write .{lower} files; give -o {book} for an Excel report, or --format csv (json, jsonl, md) to write that under this name\n"),
        );
        env.roadsub(&["compare", &input, "--set", "poverty.group.3.5=15万", "-o", &out, "--lang", "zh"])
            .expect(
                2,
                "",
                &format!("roadsub: -o {out}：roadsub 不写 .{lower} 文件；Excel 报表请用 -o {book}，或加 --format csv（json、jsonl、md）以此文件名写出\n"),
            );
        assert!(!std::path::Path::new(&out).exists());
    }
    // Asked for, it is written as asked.
    let out = env.file("out.tsv");
    env.roadsub(&["batch", &input, "-o", &out, "--format", "csv"])
        .expect_code(0);
    assert!(env.read("out.tsv").starts_with("id,township,"));
}

#[test]
fn each_kind_of_bad_value() {
    let env = Env::new();
    let input = table(
        &env,
        "A,t,v,village,4.5,0,100,,\n\
         B,t,v,village,3.0,1,100,,\n\
         C,t,v,village,4.5,2,100,3,\n\
         D,t,v,village,4.5,2,100,,0\n\
         E,t,v,village,4.5,2,,,\n\
         F,t,v,village,NaN,inf,100,,\n\
         G,t,v,village,4.5,2,100000000000000000000000000000,,\n\
         H,t,v,village,4.5,2,1.005,,\n\
         I,t,v\n\
         J,t,v,village,4.5,1.2345678米,100,,\n",
    );
    let run = env
        .roadsub(&["batch", &input, "--keep-going", "-o", &env.file("o.csv")])
        .expect_code(1);
    let lines: Vec<&str> = run
        .stderr
        .lines()
        .map(|l| l.strip_prefix(&input).unwrap_or(l))
        .collect();
    assert_eq!(
        lines,
        [
            ":2: length_km \"0\" must be greater than 0",
            ":4: completed_km \"3\" is more than the length of 2 km",
            ":5: households \"0\" must be greater than 0",
            ":6: row has no cost: give cost or cost_per_km",
            ":7: width_m \"NaN\" is not a width (expected metres like 4.5, 4.5m or 4.5米)",
            ":7: length_km \"inf\" is not a length (expected km like 1.25, 1.25公里 or 850米)",
            ":8: cost \"100000000000000000000000000000\" is too large for exact money (at most 999,999,999,999,999.99 yuan)",
            ":9: cost \"1.005\" has fractions of a fen (amounts are exact to 0.01 yuan)",
            ":10: row has 3 fields but the header has 9",
            ":11: length_km \"1.2345678米\" is more precise than 1 mm (at most 6 decimals of a km, 3 of a metre)",
            // The good row's cost of 100 yuan for 1 km is implausible: said, not refused.
            "warning: 1 row has a cost per km outside the plausible 50,000–5,000,000 yuan per km (see the notes): check the amounts' unit (元 or 万元)",
            &format!("9 bad rows; wrote the 1 good row to {}", env.file("o.csv")),
        ]
    );
    let csv = env.read("o.csv");
    assert!(
        cell(&csv, "B", "notes").starts_with("warning: cost 100.00 yuan is 100.00 yuan per km"),
        "the warning comes first"
    );
    assert!(
        cell(&csv, "B", "notes").contains("; width 3.0 m is below the 3.5 m minimum"),
        "below every tier is a note"
    );
}

#[test]
fn messages_in_chinese() {
    let env = Env::new();
    let input = table(&env, "A,t,v,村道,4.5,1,100,,\n");
    env.roadsub(&["batch", &input, "--lang", "zh"])
        .expect_code(1)
        .stderr_has(":2: 道路类别“村道”不是已知的道路类别（可用：通村公路（通村、建制村")
        .stderr_has("1 行有错；未写出任何结果");
}

#[test]
fn missing_required_column_lists_what_was_found_and_accepted() {
    let env = Env::new();
    let input = env.write(
        "t.csv",
        "id,town,village,class,width_m,length_km,cost\nA,t,v,village,4.5,1,1\n",
    );
    env.roadsub(&["batch", &input])
        .expect_code(1)
        .stderr(&format!(
            "{input}: missing required columns: township (乡镇, 鄉鎮, 乡, 镇, 所属乡镇, 所屬鄉鎮); the header has \"id\", \"town\", \"village\", \"class\", \"width_m\", \"length_km\", \"cost\"\n\
             1 table not read; nothing written\n"
        ));
}

#[test]
fn empty_file_fails_and_header_only_is_zero_rows() {
    let env = Env::new();
    let empty = env.write("empty.csv", "");
    env.roadsub(&["batch", &empty])
        .expect_code(1)
        .stderr_starts(&format!(
            "{empty}: is empty; expected a header row and one row per segment\n"
        ));
    let header_only = env.write("h.csv", HEAD);
    env.roadsub(&["batch", &header_only]).expect(
        0,
        &format!(
            "{}{}",
            HEAD.trim_end(),
            ",transport,poverty,subsidy_total,gap,shortfall,shortfall_per_household,due,notes\n"
        ),
        "",
    );
}

/// A quote never closed takes the rows after it into its own: batch said only that it "runs
/// over several lines", and counted one bad row where three segments were lost. It names the
/// last line taken in (the file's last line end, inside the quote, not counted), as the
/// table view does when it refuses such a table.
#[test]
fn an_unbalanced_quote_is_named() {
    let env = Env::new();
    let input = table(
        &env,
        "A,t,\"v,village,4.5,1,100,,\nB,t,v,village,4.5,1,100,,\n",
    );
    env.roadsub(&["batch", &input])
        .expect_code(1)
        .stderr_starts(&format!(
            "{input}:2: row has 3 fields but the header has 9 (a quote (\") that is never closed runs over several lines, to line 3: the rows written there are in this one)\n"
        ));
    // Rows after it, CR LF line ends, no line end at the end, in both languages.
    for (text, last) in [
        ("A,t,v,village,4.5,1,100,,\nB,t,v\"x,village,4.5,1,100,,\nC,t,\"v,village,4.5,1,100,,\nD,t,v,village,4.5,1,100,,\nE,t,v,village,4.5,1,100,,\n", 6),
        ("A,t,v,village,4.5,1,100,,\r\nB,t,v,village,4.5,1,100,,\r\nC,t,\"v,village,4.5,1,100,,\r\nD,t,v,village,4.5,1,100,,\r\n", 5),
        ("A,t,v,village,4.5,1,100,,\nB,t,v,village,4.5,1,100,,\nC,t,\"v,village,4.5,1,100,,\nD,t,v,village,4.5,1,100,,", 5),
    ] {
        let input = table(&env, text);
        env.roadsub(&["batch", &input, "--keep-going", "-o", "/dev/null"])
            .expect_code(1)
            .stderr_starts(&format!(
                "{input}:4: row has 3 fields but the header has 9 (a quote (\") that is never closed runs over several lines, to line {last}: the rows written there are in this one)\n"
            ));
        env.roadsub(&["batch", &input, "--keep-going", "-o", "/dev/null", "--lang", "zh"])
            .expect_code(1)
            .stderr_starts(&format!(
                "{input}:4: 该行有 3 个字段，表头有 9 个（有未闭合的英文引号 \"，跨越多行直到第 {last} 行：其间各行都被并入该行）\n"
            ));
    }
}

#[test]
fn binary_garbage_and_workbooks_are_named() {
    let env = Env::new();
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let bin = env.write("garbage.csv", garbage);
    env.roadsub(&["batch", &bin])
        .expect_code(1)
        .stderr_starts(&format!(
            "{bin}: is not a text table (it contains binary data); expected CSV\n"
        ));
    let renamed = env.write("plan.csv", b"PK\x03\x04\x14\x00\x06\x00rest of a zip");
    env.roadsub(&["batch", &renamed])
        .expect_code(1)
        .stderr_has("is an Excel workbook (.xlsx) under another name; rename it to .xlsx");
    let broken = env.write("broken.xlsx", b"PK\x03\x04\x14\x00\x06\x00rest of a zip");
    env.roadsub(&["batch", &broken])
        .expect_code(1)
        .stderr_starts(&format!("{broken}: cannot read the workbook: "))
        .stderr_has(
            "(the reader's words): the file may be damaged; nothing was computed from it (open it in Excel or WPS and save it again)\n",
        );
}

#[test]
fn a_20_mb_field_is_reported_and_the_run_goes_on() {
    let env = Env::new();
    let mut csv = String::from(HEAD);
    csv.push_str("A,t,v,village,4.5,1,100,,\nB,t,");
    csv.push_str(&"x".repeat(20 << 20));
    csv.push_str(",village,4.5,1,100,,\nC,t,v,village,4.5,1,100,,\n");
    let input = env.write("big.csv", csv);
    env.roadsub(&["batch", &input, "--keep-going", "-o", &env.file("o.csv")])
        .expect_code(1)
        .stderr_starts(&format!(
            "{input}:3: row is longer than 1 MiB and was skipped\n"
        ));
    assert_eq!(env.read("o.csv").lines().count(), 3);
}

#[test]
fn line_numbers_are_right_in_a_crlf_gbk_file_with_blank_lines() {
    let env = Env::new();
    let text = "编号,乡镇,村,类别,宽度,长度,投资\r\nA,天马乡,画青村,通村,4.5,1,100万\r\n\r\nB,天马乡,画青村,通村,4.5,abc,100万\r\n";
    let input = env.write("gbk-crlf.csv", encoding_rs::GB18030.encode(text).0);
    env.roadsub(&["batch", &input])
        .expect_code(1)
        .stderr_starts(&format!("{input}:4: 长度 \"abc\" is not a length"));
}

#[test]
fn tables_with_different_units_are_not_merged() {
    let env = Env::new();
    let a = env.write(
        "a.csv",
        "id,township,village,class,width_m,length_km,cost\nA,t,v,village,4.5,1,1000000\n",
    );
    let b = env.write(
        "b.csv",
        "id,township,village,class,width_m,length_km,投资(万元)\nB,t,v,village,4.5,1,100\n",
    );
    env.roadsub(&["batch", &a, &b]).expect(
        1,
        "",
        &format!(
            "{b}: its column \"投资(万元)\" is in another unit than the first table's \"cost\"; \
             one output needs the same units (convert one table's figures and header, or compute them apart)\n\
             1 table not read; nothing written (fix it, or use --keep-going to write the 1 good row)\n"
        ),
    );
}

#[test]
fn an_output_in_a_missing_directory() {
    let env = Env::new();
    env.roadsub(&["batch", &example(), "-o", "/nonexistent-dir/x.csv"])
        .expect_code(1)
        .stderr("roadsub: cannot write /nonexistent-dir/x.csv: no such file or directory\n");
    env.roadsub(&["batch", &example(), "-o", ".", "--lang", "zh"])
        .run()
        .stderr("roadsub: 无法写入 .: 是一个目录\n");
}

#[test]
fn a_missing_input_file() {
    let env = Env::new();
    env.roadsub(&["batch", "nope.csv"])
        .expect_code(1)
        .stderr_starts("nope.csv: cannot read: no such file or directory\n");
}

#[test]
fn a_wrong_flag_is_a_usage_error() {
    let env = Env::new();
    env.roadsub(&["batch", "--by", "county", "x.csv"])
        .expect_code(2)
        .stderr_has("county");
}

#[test]
fn households_written_with_zero_decimals_are_that_number() {
    let env = Env::new();
    let input = table(
        &env,
        "A,t,v,village,4.5,2,1600000,,126.0\n\
         B,t,v,village,4.5,2,1600000,,5.0\n\
         C,t,v,village,4.5,2,1600000,,１２６．００\n\
         D,t,v,village,4.5,2,1600000,,12.5\n",
    );
    let out = env.file("o.csv");
    env.roadsub(&["batch", &input, "--keep-going", "-o", &out])
        .expect_code(1)
        .stderr(&format!(
            "{input}:5: households \"12.5\" is not a whole number (households are counted whole, like 12)\n\
             1 bad row; wrote the 3 good rows to {out}\n"
        ));
    let csv = env.read("o.csv");
    // The input cell is kept as written; the count is read as the whole number it is.
    assert_eq!(cell(&csv, "A", "households"), "126.0");
    assert_eq!(cell(&csv, "A", "shortfall_per_household"), "793.65");
    assert_eq!(cell(&csv, "B", "shortfall_per_household"), "20000.00");
    assert_eq!(cell(&csv, "C", "shortfall_per_household"), "793.65");
}

#[test]
fn a_users_columns_named_like_computed_ones_are_never_dropped_but_refused() {
    let env = Env::new();
    let input = env.write(
        "own.csv",
        "id,township,village,class,width_m,length_km,cost,poverty,Shortfall \n\
         A,T,V,village,4.5,2,1600000,yes (建档立卡),see village plan\n",
    );
    env.roadsub(&["batch", &input]).expect(
        1,
        "",
        &format!(
            "{input}: column \"poverty\" has the name of a column roadsub computes, and this table is not one roadsub wrote; rename the column (it is then kept as it is), or delete it if an earlier roadsub run wrote it\n\
             {input}: column \"Shortfall\" has the name of a column roadsub computes, and this table is not one roadsub wrote; rename the column (it is then kept as it is), or delete it if an earlier roadsub run wrote it\n\
             1 table not read; nothing written\n"
        ),
    );
    // A Chinese heading of ours holding the user's text does not make the table ours.
    let zh = env.write(
        "zh.csv",
        "编号,乡镇,村,类别,宽度,长度,投资,补助合计\nA,T,V,通村,4.5,2,1600000,县里说给150万\n",
    );
    env.roadsub(&["batch", &zh, "--lang", "zh"]).expect(
        1,
        "",
        &format!(
            "{zh}: “补助合计”列与 roadsub 计算的列同名，而此表不是 roadsub 写出的表；请给该列改名（改名后原样保留），若是以前运行 roadsub 写出的列则删除\n\
             1 个表无法读取；未写出任何结果\n"
        ),
    );
    // Renamed, the user's text is kept as it is.
    let renamed = env.write(
        "renamed.csv",
        "id,township,village,class,width_m,length_km,cost,poverty_status\n\
         A,T,V,village,4.5,2,1600000,yes (建档立卡)\n",
    );
    env.roadsub(&["batch", &renamed])
        .expect_code(0)
        .stdout_starts(
            "id,township,village,class,width_m,length_km,cost,poverty_status,transport,poverty,",
        )
        .stdout_has(",yes (建档立卡),");
}

/// Runs `roadsub ARGS` in `env` with standard error on `/dev/full` and then on a pipe closed
/// before anything is written; returns both exit statuses.
fn status_with_stderr_gone(env: &Env, args: &[&str]) -> [i32; 2] {
    use std::process::Stdio;
    let cmd = || {
        let mut c = env.roadsub(args).command();
        c.stdin(Stdio::null()).stdout(Stdio::null());
        c
    };
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let on_full = cmd().stderr(full).status().unwrap();
    let mut child = cmd().stderr(Stdio::piped()).spawn().unwrap();
    drop(child.stderr.take());
    let on_closed = child.wait().unwrap();
    [on_full.code().unwrap_or(-1), on_closed.code().unwrap_or(-1)]
}

#[test]
fn a_full_or_closed_standard_error_does_not_panic_and_keeps_the_exit_status() {
    let env = Env::new();
    let good = env.write(
        "good.csv",
        "id,township,village,class,width_m,length_km,cost\nA,T,V,village,4.5,2,1600000\n",
    );
    let bad = env.write(
        "bad.csv",
        "id,township,village,class,width_m,length_km,cost\n\
         A,T,V,village,4.5,2,1600000\nB,T,V,village,4.5,2,abc\n",
    );
    assert_eq!(status_with_stderr_gone(&env, &["batch", &bad]), [1, 1]);
    assert_eq!(
        status_with_stderr_gone(&env, &["batch", "nosuch.csv"]),
        [1, 1]
    );
    assert_eq!(
        status_with_stderr_gone(&env, &["batch", &good, "--summary"]),
        [0, 0]
    );
    assert_eq!(
        status_with_stderr_gone(&env, &["batch", &bad, "--keep-going", "-o", "out.csv"]),
        [1, 1]
    );
    assert_eq!(
        env.read("out.csv"),
        "id,township,village,class,width_m,length_km,cost,transport,poverty,subsidy_total,gap,shortfall,notes\n\
         A,T,V,village,4.5,2,1600000,900000.00,600000.00,1500000.00,100000.00,100000.00,\n"
    );
    assert_eq!(
        status_with_stderr_gone(&env, &["batch", &good, "--summary", "-o", "sum.csv"]),
        [0, 0]
    );
    assert_eq!(
        status_with_stderr_gone(&env, &["--lang", "zh", "--bogus"]),
        [2, 2]
    );
    assert_eq!(
        status_with_stderr_gone(&env, &["rules", "check", "nosuch.toml"]),
        [1, 1]
    );
}

#[test]
fn a_bad_value_under_a_header_with_a_unit_says_what_that_unit_expects() {
    let env = Env::new();
    let input = env.write(
        "units.csv",
        "编号,乡镇,村,类别,宽度,长度(米),投资(万元)\n\
         A,T,V,通村,4.5,abc,160\n\
         B,T,V,通村,4.5,2000,一百六十\n",
    );
    env.roadsub(&["batch", &input]).expect(
        1,
        "",
        &format!(
            "{input}:2: 长度(米) \"abc\" is not a length (expected metres, as the header says, like 850 or 1250.5; or with a unit, like 1.25公里)\n\
             {input}:3: 投资(万元) \"一百六十\" is not an amount of money (expected 万元, as the header says, like 120 or 120.5; or with a unit, like 1200000元 or 1.06亿)\n\
             2 bad rows; nothing written\n"
        ),
    );
    env.roadsub(&["batch", &input, "--lang", "zh"])
        .expect_code(1)
        .stderr_starts(&format!(
            "{input}:2: 长度(米)“abc”不是长度（表头单位为米，应为米数，如 850 或 1250.5；或带单位，如 1.25公里）\n\
             {input}:3: 投资(万元)“一百六十”不是金额（表头单位为万元，应为万元数，如 120 或 120.5；或带单位，如 1200000元 或 1.06亿）\n"
        ));
    // The examples the messages give are read as they say.
    let good = env.write(
        "good.csv",
        "编号,乡镇,村,类别,宽度,长度(米),投资(万元)\n\
         A,T,V,通村,4.5,1250.5,120.5\n\
         B,T,V,通村,4.5,1.25公里,1200000元\n",
    );
    env.roadsub(&["batch", &good])
        .expect_code(0)
        .stdout_has("\nA,T,V,通村,4.5,1250.5,120.5,")
        .stdout_has("\nB,T,V,通村,4.5,1.25公里,1200000元,");
}

/// Whether `text` has ASCII parentheses around Chinese text, `(投资、造价)`.
fn ascii_brackets_around_chinese(text: &str) -> bool {
    let mut rest = text;
    while let Some(open) = rest.find('(') {
        let after = &rest[open + 1..];
        let Some(close) = after.find(')') else {
            return false;
        };
        if after[..close]
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
        {
            return true;
        }
        rest = &after[close + 1..];
    }
    false
}

#[test]
fn chinese_errors_named_columns_by_english_ids_in_ascii_brackets() {
    // Every Chinese message about a bad table, from every fixture broken every way (a column
    // dropped, a cell made nonsense or blank, a row repeated, a quote left open): columns are
    // named by their Chinese headers, what the file holds is quoted “…”, and no English field
    // id or ASCII bracket around Chinese text stands in the sentence.
    const IDS: [&str; 19] = [
        "id",
        "township",
        "village",
        "name",
        "class",
        "width_m",
        "length_km",
        "cost",
        "cost_per_km",
        "other_funds",
        "completed_km",
        "households",
        "yishi_yiyi",
        "self_raised",
        "village_fund",
        "disbursed",
        "priority",
        "date",
        "year",
    ];
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut fixtures: Vec<std::path::PathBuf> = Vec::new();
    for sub in [dir.clone(), dir.join("office")] {
        for entry in std::fs::read_dir(sub).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "csv") {
                fixtures.push(path);
            }
        }
    }
    fixtures.sort();
    let env = Env::new();
    let (mut checked, mut kinds) = (0, std::collections::BTreeSet::new());
    for fixture in &fixtures {
        // Only UTF-8 tables: the GBK one is the same words in another encoding.
        let Ok(text) = std::fs::read_to_string(fixture) else {
            continue;
        };
        let text = text.trim_start_matches('\u{feff}');
        let lines: Vec<&str> = text.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.contains("乡镇") || l.contains("township"))
            .unwrap();
        let header: Vec<&str> = lines[at].split(',').collect();
        let first: Vec<&str> = lines[at + 1].split(',').collect();
        let name = fixture.file_name().unwrap().to_string_lossy().into_owned();
        let map: &[&str] = if name == "map.csv" {
            &["--map", "项目估算总额=cost"]
        } else {
            &[]
        };
        let mut broken: Vec<String> = Vec::new();
        let join = |rows: &[Vec<&str>]| {
            let mut t = lines[..at].join("\n");
            for r in rows {
                t.push('\n');
                t.push_str(&r.join(","));
            }
            t.trim_start().to_string() + "\n"
        };
        for c in 0..header.len() {
            fn drop<'a>(r: &[&'a str], c: usize) -> Vec<&'a str> {
                let mut r = r.to_vec();
                if c < r.len() {
                    r.remove(c);
                }
                r
            }
            broken.push(join(&[drop(&header, c), drop(&first, c)]));
            for bad in ["abc", "", "-1", "1.2345678"] {
                let mut row = first.clone();
                if c < row.len() {
                    row[c] = bad;
                }
                broken.push(join(&[header.clone(), row]));
            }
        }
        broken.push(join(&[header.clone(), first.clone(), first.clone()]));
        let mut open = first.clone();
        open[1] = "\"t";
        broken.push(join(&[header.clone(), open, first.clone()]));
        for (i, table) in broken.iter().enumerate() {
            let path = env.write(&format!("{i}-{name}"), table);
            let mut args = vec!["batch", &path, "--lang", "zh"];
            args.extend_from_slice(map);
            let run = env.roadsub(&args).run();
            let stderr = run.stderr;
            for line in stderr.lines() {
                let mut said = line.replace(&path, "");
                // What the file holds, quoted as written: headers, values.
                while let (Some(a), Some(b)) = (said.find('“'), said.find('”')) {
                    if b < a {
                        break;
                    }
                    said.replace_range(a..b + '”'.len_utf8(), "");
                }
                // A header as written names its column, brackets and all (`村(社区)`).
                for h in &header {
                    if !h.is_ascii() {
                        said = said.replace(h.trim(), "");
                    }
                }
                for word in said.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
                    assert!(!IDS.contains(&word), "{word:?} in {line:?}\n{table}");
                }
                assert!(!ascii_brackets_around_chinese(&said), "{line:?}\n{table}");
                checked += 1;
                for kind in [
                    "缺少必需的列",
                    "缺少造价列",
                    "不是长度",
                    "不是宽度",
                    "不是金额",
                    "为空",
                    "重复",
                    "引号",
                    "已知的道路类别",
                ] {
                    if line.contains(kind) {
                        kinds.insert(kind);
                    }
                }
            }
        }
    }
    // Not vacuous: every kind of message was seen, many times over.
    assert_eq!(kinds.len(), 9, "{kinds:?}");
    assert!(checked > 300, "{checked}");
}

#[test]
fn the_zh_missing_cost_column_said_需要_cost_with_ascii_brackets_and_row_errors_named_ids() {
    let env = Env::new();
    let input = env.write(
        "nocost.csv",
        "id,township,village,class,width_m,length_km\nA,t,v,village,4.5,1\n",
    );
    env.roadsub(&["batch", &input, "--lang", "zh"]).expect(
        1,
        "",
        &format!(
            "{input}: 缺少造价列：需要投资（也可写作 估算投资、造价、投資、估算投資、造價、总投资、計劃投資、计划投资、總投資、工程造价、总造价、项目总投资、投资估算、项目投资、工程造價、總造價、項目總投資、投資估算、項目投資）或每公里造价（也可写作 每公里造價、每公里投资、每公里投資）；表头为：“id”、“township”、“village”、“class”、“width_m”、“length_km”\n\
             1 个表无法读取；未写出任何结果\n"
        ),
    );
    // English keeps the ids, the words its columns use.
    env.roadsub(&["batch", &input, "--lang", "en"])
        .expect_code(1)
        .stderr_has(": no cost column: give cost (投资, 估算投资, ");
    // A row error names an English-headed column by its Chinese name, a Chinese-headed one by
    // its header as written, and quotes the value “…”.
    let rows = env.write(
        "rows.csv",
        "id,township,village,class,width_m,length_km,cost\nA,t,,村道,4.5,abc,1\n",
    );
    env.roadsub(&["batch", &rows, "--lang", "zh"]).expect(
        1,
        "",
        &format!(
            "{rows}:2: 村为空（必填）\n\
             {rows}:2: 道路类别“村道”不是已知的道路类别（可用：通村公路（通村、建制村、通村路、通村道路）；通社公路（通社、社道、通组、通組、通组路、通組路、通组公路、通組公路、社级道路、社級道路））\n\
             {rows}:2: 长度“abc”不是长度（应为公里数，如 1.25、1.25公里 或 850米）\n\
             1 行有错；未写出任何结果\n"
        ),
    );
    let office = env.write(
        "office.csv",
        "序号,所属乡镇,村名称,道路等级,建设里程(km),总投资(万元),路面宽度\n1,t,v,通村,2公理,63,4.5\n",
    );
    env.roadsub(&["batch", &office, "--lang", "zh"]).expect(
        1,
        "",
        &format!(
            "{office}:2: 建设里程(km)“2公理”不是长度（应为公里数，如 1.25、1.25公里 或 850米）\n\
             1 行有错；未写出任何结果\n"
        ),
    );
}

/// The defect: under `--lang zh` a command-line mistake gave a Chinese headline and then
/// clap's English. The kinds a user meets are said wholly in Chinese, with the values an
/// option takes and the usage line; English is as clap says it. So are, since, an option
/// given twice (it was "--lang 不能与 --lang 同时使用") and `roadsub rules` with no command
/// after it (a Chinese headline, then clap's English).
#[test]
fn command_line_mistakes_are_said_in_chinese_under_lang_zh() {
    let env = Env::new();
    let input = table(&env, "S1,t,v,village,4.5,1,1600000,,\n");
    for (args, said) in [
        (
            vec!["batch", &input, "--amounts", "abc"],
            "roadsub: 参数 --amounts <元|万元> 的值“abc”无效；可用：元、万元、yuan、wan\n\n更多信息请用 --help。\n",
        ),
        (
            vec!["batch", &input, "--format", "yaml"],
            "roadsub: 参数 --format <csv|json|jsonl|md|xlsx> 的值“yaml”无效；可用：csv、json、jsonl、md、xlsx\n\n更多信息请用 --help。\n",
        ),
        (
            vec!["batch"],
            "roadsub: 缺少必需的参数：<FILE>...\n\n用法：roadsub batch --lang <zh|en> <FILE>...\n\n更多信息请用 --help。\n",
        ),
        (
            vec!["explain", &input],
            "roadsub: 缺少必需的参数：<--id <ID>|--row <N>>\n\n用法：roadsub explain --lang <zh|en> <--id <ID>|--row <N>> <FILE>...\n\n更多信息请用 --help。\n",
        ),
        (
            vec!["explain", &input, "--id", "S1", "--row", "1"],
            "roadsub: 参数 --id <ID> 不能与 --row <N> 同时使用\n\n用法：roadsub explain --lang <zh|en> <--id <ID>|--row <N>> <FILE>...\n\n更多信息请用 --help。\n",
        ),
        (
            vec!["batch", &input, "--amounts", "元", "--amounts", "万元"],
            "roadsub: 参数 --amounts <元|万元> 只能给一次\n\n用法：roadsub batch [选项] <FILE>...\n\n更多信息请用 --help。\n",
        ),
        (
            vec!["rules"],
            "roadsub: roadsub rules 后面缺少命令（可用：check、show、test、new）\n\n用法：roadsub rules [选项] <COMMAND>\n\n更多信息请用 --help。\n",
        ),
        (
            vec!["batch", &input, "--summry"],
            "roadsub: 未知的参数 --summry；是否想用 --summary？（roadsub --help 列出全部参数）\n\n用法：roadsub batch --summary <FILE>...\n\n更多信息请用 --help。\n",
        ),
    ] {
        let mut args = args.clone();
        args.extend(["--lang", "zh"]);
        env.roadsub(&args).expect(2, "", said);
    }
    env.roadsub(&["batch", &input, "--amounts", "abc", "--lang", "en"])
        .expect_code(2)
        .stderr_starts("error: invalid value 'abc' for '--amounts <元|万元>'\n");
    env.roadsub(&["rules", "--lang", "en"])
        .expect_code(2)
        .stderr_starts("error: 'roadsub rules' requires a subcommand but one was not provided\n");
}

/// Every kind of command-line mistake, of every command, under `--lang zh`: none says a
/// word of clap's English ("error:", "Usage:", "For more information"), each ends with the
/// way to help and exit status 2.
#[test]
fn no_command_line_mistake_is_said_in_clap_english_under_lang_zh() {
    let env = Env::new();
    let input = table(&env, "S1,t,v,village,4.5,1,1600000,,\n");
    let t = input.as_str();
    for args in [
        vec!["--bogus"],
        vec!["rules"],
        vec!["rules", "bogus"],
        vec!["rules", "show", "--bogus"],
        vec!["rules", "new", "--bogus"],
        vec!["rules", "test", "--bogus"],
        vec!["batch"],
        vec!["batch", t, "-o"],
        vec!["batch", t, "--by", "县"],
        vec!["batch", t, "--format", "yaml"],
        vec!["batch", t, "--format", "csv", "--format", "md"],
        vec!["batch", t, "--excel", "--excel"],
        vec!["compare"],
        vec!["compare", t, "--set"],
        vec!["compare", t, "--against"],
        vec!["compare", t, "--bogus"],
        vec!["explain", t],
        vec!["explain", t, "--row"],
        vec!["explain", t, "--row", "1", "--id", "S1"],
        vec!["notice"],
        vec!["notice", t, "--village"],
        vec!["notice", t, "--bogus"],
    ] {
        let mut args = args.clone();
        args.extend(["--lang", "zh"]);
        let run = env.roadsub(&args).expect_code(2);
        let said = run.stderr.clone();
        for english in ["error:", "Usage:", "For more information", "try '--help'"] {
            assert!(!said.contains(english), "{args:?} said {english}: {said}");
        }
        assert!(
            said.ends_with("更多信息请用 --help。\n"),
            "{args:?}: {said}"
        );
    }
}

/// `roadsub ARGS…` run by `sh` in `env`'s folder, as `line` says (`batch t.csv -o /dev/fd/3
/// 3< other.csv`): the shell gives it the descriptors the line opens.
fn in_shell(env: &Env, line: &str) -> std::process::Output {
    let bin = env!("CARGO_BIN_EXE_roadsub");
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("LANG=C exec '{bin}' {line}"))
        .current_dir(env.file(""))
        .output()
        .unwrap()
}

/// The defect: under a file size limit (`ulimit -f`), a run was ended by a signal (SIGXFSZ)
/// part way through writing: the shell said "File size limit exceeded", nothing in the
/// user's language, and a `.roadsub-….tmp` was left beside the output. It now fails as a full
/// disk does: said in the user's language, the output left as it was, no temporary file.
#[cfg(target_os = "linux")]
#[test]
fn a_file_size_limit_is_said_in_both_languages_and_leaves_nothing_behind() {
    let env = Env::new();
    two_thousand_rows(&env);
    let bin = env!("CARGO_BIN_EXE_roadsub");
    for (args, out) in [
        ("batch t.csv -o out.csv", "out.csv"),
        (
            "compare t.csv --set poverty.group.3.5=15万 -o out.md",
            "out.md",
        ),
        (
            "compare t.csv --set poverty.group.3.5=15万 -o out.json",
            "out.json",
        ),
        (
            "compare t.csv --set poverty.group.3.5=15万 -o out.csv",
            "out.csv",
        ),
        // A report's rows wait in a temporary file written row by row, whose library meets
        // a failed write with a panic (review 21: "thread 'main' panicked … Couldn't write
        // to xml file", exit 101).
        ("batch t.csv -o out.xlsx", "out.xlsx"),
        (
            "compare t.csv --set poverty.group.3.5=15万 -o out.xlsx",
            "out.xlsx",
        ),
    ] {
        for (lang, said) in [
            (
                "zh",
                format!("roadsub: 无法写入 {out}: 文件将超过系统允许的大小（见 ulimit -f）\n"),
            ),
            (
                "en",
                format!(
                    "roadsub: cannot write {out}: the file would be larger than this system \
                     allows (see ulimit -f)\n"
                ),
            ),
        ] {
            // 40 blocks: 20 KB in `sh`'s 512-byte blocks, room for none of these outputs.
            let done = std::process::Command::new("sh")
                .arg("-c")
                .arg(format!("ulimit -f 40; exec '{bin}' {args} --lang {lang}"))
                .current_dir(env.file(""))
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&done.stderr);
            assert_eq!(done.status.code(), Some(1), "{args}: {stderr}");
            assert!(stderr.ends_with(&said), "{args}: {stderr}");
            let left: Vec<String> = std::fs::read_dir(env.file(""))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|name| name != "t.csv")
                .collect();
            assert!(left.is_empty(), "{args}: {left:?}");
        }
    }
}

#[test]
fn a_quote_never_closed_is_refused_by_explain_compare_and_notice_in_words_of_reading() {
    // The defect: explain, compare and notice, which only read a table, refused a record whose
    // quote is never closed in the table view's words, "the table cannot be edited without
    // losing it, so it is not opened".
    let env = Env::new();
    let input = table(
        &env,
        "S1,石鼓镇,大骥村,group,4.5,1.2,\"360000,,\n\
         S2,石鼓镇,大骥村,group,4.5,1.2,360000,,\n",
    );
    let en = format!(
        "roadsub: {input}:2: a quote (\") in this record is never closed, so line 3 is taken \
         into it; reading the table would lose it, so the table is not read (fix the line in a \
         text editor, or use roadsub batch, which reports it)\n"
    );
    let zh = format!(
        "roadsub: {input}:2: 此记录中有英文引号 \" 未闭合，第 3 行被并入此记录；读取此表会丢失该行，\
         因此不读取此表（请用文本编辑器修正此行，或用 roadsub batch，它会报告此行）\n"
    );
    refused_by_every_reader(&env, &input, "S1", &en, &zh);
}

/// explain, compare and notice (with `--keep-going` too), in English and in Chinese, refuse
/// table `input` (`id` one of its ids) with `en` and `zh` on standard error, and write
/// nothing: explain says it alone, and so does compare, which reads a CSV table as it
/// computes it and meets this after the table's first rows (it stops there, its output
/// thrown away); notice, which carries on without a table it cannot read as batch does, says
/// the table is not read, then that it wrote no notice.
fn refused_by_every_reader(env: &Env, input: &str, id: &str, en: &str, zh: &str) {
    let compare = [
        "compare",
        input,
        "--set",
        "poverty.group.3.5=15万",
        "-o",
        "c.csv",
    ];
    let commands: [&[&str]; 5] = [
        &["explain", input, "--id", id],
        &compare,
        &[&compare[..], &["--keep-going"]].concat(),
        &["notice", input, "-o", "notices"],
        &["notice", input, "-o", "notices", "--keep-going"],
    ];
    for args in commands {
        let table_said = |said: &str, lang: &str| {
            let said = said.strip_prefix("roadsub: ").unwrap_or(said);
            let tail = match (args[0], lang) {
                ("explain" | "compare", _) => return format!("roadsub: {said}"),
                (_, "en") => "1 table not read; no notice written",
                _ => "1 个表无法读取；未写出任何公示",
            };
            let tail = match (args.contains(&"--keep-going"), args[0]) {
                (true, "notice") => format!("roadsub: {tail}"),
                _ => tail.to_string(),
            };
            format!("{said}{tail}\n")
        };
        env.roadsub(args).expect(1, "", &table_said(en, "en"));
        env.roadsub(&[args, &["--lang", "zh"]].concat())
            .expect(1, "", &table_said(zh, "zh"));
    }
    assert!(!env.path("c.csv").exists());
    assert!(!env.path("notices").exists());
}

/// A quote opened in the last column and never closed took every row after it into that
/// cell, and the row had as many fields as the header: batch wrote one row, status 0, the
/// rest lost in silence (the table view and explain refused the file). Wherever the quote is
/// opened, in any column, the row is refused and the rows taken in are named.
#[test]
fn a_quote_never_closed_in_any_column_is_never_passed_over() {
    let env = Env::new();
    let good = "village,4.5,1,100万,1,2";
    let fields: Vec<&str> = ["A", "t", "v"].into_iter().chain(good.split(',')).collect();
    for col in 0..fields.len() {
        for end in ["\n", ""] {
            let mut open = fields.clone();
            let opened = format!("\"{}", fields[col]);
            open[col] = &opened;
            let rows = format!("{}\nB,t,v,{good}\nC,t,v,{good}{end}", open.join(","));
            let input = table(&env, &rows);
            let run = env.roadsub(&["batch", &input]).expect_code(1);
            // Line 2 opens it; line 4 is the last it takes in.
            let said = match col + 1 == fields.len() {
                true => format!("{input}:2: row has a quote (\") that is never closed: its last cell runs to the end of the file (line 4), and the rows written there are in it\n"),
                false => format!(
                    "{input}:2: row has {} but the header has 9 (a quote (\") that is never closed runs over several lines, to line 4: the rows written there are in this one)\n",
                    match col { 0 => "1 field".to_string(), n => format!("{} fields", n + 1) }
                ),
            };
            run.stderr_starts(&said);
        }
    }
    // In Chinese, and GBK.
    let rows = format!("A,t,v,{good},\"说明\nB,t,v,{good}\nC,t,v,{good}\n").replace(",2,\"", ",\"");
    let input = env.write("g.csv", encoding_rs::GBK.encode(&format!("{HEAD}{rows}")).0);
    env.roadsub(&["batch", &input, "--lang", "zh"])
        .expect_code(1)
        .stderr_starts(&format!("{input}:2: 该行有未闭合的英文引号 \"：最后一格一直延续到文件末尾（第 4 行），其间各行都被并入该格\n"));
    // A last cell over two lines whose quote is closed, at the end of a file without a line
    // end, is read as it is.
    let input = table(&env, "A,t,v,village,4.5,1,100万,1,\"2\n3\"");
    env.roadsub(&["batch", &input])
        .expect_code(1)
        .stderr_has("households");
    let input = table(&env, "A,t,v,village,4.5,1,100万,1,\"2\"");
    env.roadsub(&["batch", &input]).expect_code(0);
}

/// A quote inside an unquoted cell of the last record (`3"5`) evened out a count of its
/// quotes: a quote then left open in its last cell was missed, and batch wrote the record
/// with the rows after it in that cell, status 0. The reader follows the record's quoting:
/// refused, and a closed last cell over two lines beside such a quote is read.
#[test]
fn a_stray_quote_beside_a_quote_never_closed_hid_the_rows_it_took_in() {
    let env = Env::new();
    let input = table(
        &env,
        "A,t,v,village,4.5,1,100万,1,2\nB,t,3\"5,village,4.5,1,100万,1,\"2\nC,t,v,village,4.5,1,100万,1,2\n",
    );
    env.roadsub(&["batch", &input, "-o", "/dev/null"])
        .expect_code(1)
        .stderr_starts(&format!("{input}:3: row has a quote (\") that is never closed: its last cell runs to the end of the file (line 4), and the rows written there are in it\n"));
    let input = table(&env, "A,t,3\"5,village,4.5,1,100万,1,\"2\n\"\n");
    let out = env.roadsub(&["batch", &input]).expect_code(0);
    assert!(
        out.stdout
            .contains("A,t,\"3\"\"5\",village,4.5,1,100万,1,\"2\n\",450000.00,"),
        "{}",
        out.stdout
    );
}

/// explain, compare and notice, which read a table whole, took a quote left open and closed
/// by a later row's quote (the row of the header's size) as one segment with the values
/// after the closing quote, status 0, the rows between gone in silence, where batch refused
/// the row. They refuse the table, naming the line whose quote closes it.
#[test]
fn a_quote_closed_by_a_later_rows_quote_is_refused_by_explain_compare_and_notice() {
    let env = Env::new();
    let good = "village,4.5,1,100万,1,2";
    let input = table(
        &env,
        &format!("A,t,\"v,{good}\nB,t,v,{good}\nC,t,\"x\"y,{good}\n"),
    );
    let en = format!(
        "roadsub: {input}:2: a quote (\") in this record is not closed where its cell ends but \
         by a quote on line 4, so lines 3–4 are taken into it; reading the table would lose it, \
         so the table is not read (fix the line in a text editor, or use roadsub batch, which \
         reports it)\n"
    );
    let zh = format!(
        "roadsub: {input}:2: 此记录中有英文引号 \" 未在所在格末尾闭合，直到第 4 行的引号才闭合，\
         第 3–4 行被并入此记录；读取此表会丢失该行，因此不读取此表（请用文本编辑器修正此行，或用 \
         roadsub batch，它会报告此行）\n"
    );
    refused_by_every_reader(&env, &input, "A", &en, &zh);
}

/// A quote opened in a row's last cell and closed in the next row's first took that row's
/// fields into the record (17 for 9), with no delimiter in the cell: it was said to be only a
/// row of the wrong size, and explain, compare and notice read the table, the next row gone
/// in silence. Every command names the lines taken in.
#[test]
fn a_quote_opened_in_a_last_cell_and_closed_in_the_next_rows_first_is_never_passed_over() {
    let env = Env::new();
    let good = "village,4.5,1,100万,1,2";
    let input = table(
        &env,
        &format!("A,t,v,{good}\nB,t,v,village,4.5,1,100万,1,\"12\nC\",t,v,{good}\nD,t,v,{good}\n"),
    );
    env.roadsub(&["batch", &input, "--keep-going", "-o", "out.csv"])
        .expect_code(1)
        .stderr_starts(&format!("{input}:3: row has 17 fields but the header has 9 (a quote (\") that is not closed where its cell ends runs over several lines, to a quote on line 4 that closes it: the rows written there are in this one)\n"));
    let en = format!(
        "roadsub: {input}:3: a quote (\") in this record is not closed where its cell ends but \
         by a quote on line 4, so line 4 is taken into it; reading the table would lose it, so \
         the table is not read (fix the line in a text editor, or use roadsub batch, which \
         reports it)\n"
    );
    let zh = format!(
        "roadsub: {input}:3: 此记录中有英文引号 \" 未在所在格末尾闭合，直到第 4 行的引号才闭合，\
         第 4 行被并入此记录；读取此表会丢失该行，因此不读取此表（请用文本编辑器修正此行，或用 \
         roadsub batch，它会报告此行）\n"
    );
    refused_by_every_reader(&env, &input, "A", &en, &zh);
}

/// A quote opened where it should not be and closed where a cell ends two rows on made a
/// record of the header's size, each quote in place: batch, explain, compare and notice read
/// it as one segment, status 0, the two rows between gone into its village's name. Every
/// command names the lines taken in.
#[test]
fn a_cell_holding_a_whole_row_is_never_passed_over() {
    let env = Env::new();
    let good = "village,4.5,1,100万,1,2";
    let input = table(
        &env,
        &format!("A,t,v,{good}\nB,t,\"v\nC,t,v,{good}\nD,t,x\",{good}\nE,t,v,{good}\n"),
    );
    env.roadsub(&["batch", &input, "--keep-going", "-o", "out.csv"])
        .expect_code(1)
        .stderr_starts(&format!("{input}:3: row has a quote (\") that is not closed where its cell ends: a quote on line 5 closes it, and the rows written between are in this one\n"));
    let en = format!(
        "roadsub: {input}:3: a quote (\") in this record is not closed where its cell ends but \
         by a quote on line 5, so lines 4–5 are taken into it; reading the table would lose it, \
         so the table is not read (fix the line in a text editor, or use roadsub batch, which \
         reports it)\n"
    );
    let zh = format!(
        "roadsub: {input}:3: 此记录中有英文引号 \" 未在所在格末尾闭合，直到第 5 行的引号才闭合，\
         第 4–5 行被并入此记录；读取此表会丢失该行，因此不读取此表（请用文本编辑器修正此行，或用 \
         roadsub batch，它会报告此行）\n"
    );
    refused_by_every_reader(&env, &input, "A", &en, &zh);
}

/// A row with a field too many and a cell written over two lines in its quotes was said to
/// hold "a quote that is never closed", and compare refused the whole table for it even
/// with `--keep-going`. It is a row of the wrong size: a bad row to every command, the
/// rows around it read.
#[test]
fn a_row_of_the_wrong_size_with_a_cell_over_two_lines_is_only_a_bad_row() {
    let env = Env::new();
    let good = "village,4.5,1,100万,1,2";
    let input = table(
        &env,
        &format!("A,t,\"大骥村\n三组\",{good},extra\nB,t,v,{good}\n"),
    );
    let said = format!("{input}:2: row has 10 fields but the header has 9\n");
    env.roadsub(&["batch", &input, "--keep-going", "-o", "out.csv"])
        .expect_code(1)
        .stderr_starts(&said);
    env.roadsub(&[
        "compare",
        &input,
        "--set",
        "poverty.village.4.5=15万",
        "--keep-going",
        "-o",
        "c.csv",
    ])
    .expect_code(1)
    .stderr_starts(&said);
    let compared = std::fs::read_to_string(env.path("c.csv")).unwrap();
    assert_eq!(compared.lines().count(), 2, "{compared}");
    assert!(
        compared.lines().nth(1).unwrap().starts_with("4,B,t,v,"),
        "{compared}"
    );
    let out = env
        .roadsub(&["explain", &input, "--id", "B"])
        .expect_code(0);
    assert!(
        out.stdout.starts_with(&format!("{input}:4 segment B:")),
        "{}",
        out.stdout
    );
    env.roadsub(&["notice", &input, "-o", "notices", "--keep-going"])
        .expect_code(1)
        .stderr_starts(&said);
    assert!(env.path("notices").exists());
}

/// A quote left open and closed by a later row's quote (`"说明⏎…,"x""y"`): the cell took in
/// the rows between and had as many fields as the header, so batch wrote one row for two,
/// status 0, one row gone in silence. A quoted cell closed with more after it, over several
/// lines, is refused naming the line its quote closes on; one on a line of its own
/// (`"3.5"米`), an escaped quote and a closed cell over two lines read as before.
#[test]
fn a_quote_closed_by_a_later_rows_quote_is_never_passed_over() {
    let env = Env::new();
    let good = "village,4.5,1,100万,1,2";
    let input = table(
        &env,
        &format!("A,t,v,{good}\nB,t,\"v,{good}\nC,t,\"x\"\"y\",{good}\nD,t,v,{good}\n"),
    );
    env.roadsub(&["batch", &input, "--keep-going", "-o", "/dev/null"])
        .expect_code(1)
        .stderr_starts(&format!("{input}:3: row has a quote (\") that is not closed where its cell ends: a quote on line 4 closes it, and the rows written between are in this one\n"));
    env.roadsub(&["batch", &input, "--lang", "zh"])
        .expect_code(1)
        .stderr_starts(&format!("{input}:3: 该行有英文引号 \" 未在所在格末尾闭合，直到第 4 行的引号才闭合：其间各行都被并入该行\n"));
    let input = table(
        &env,
        &format!("A,t,\"v\"村,{good}\nB,t,\"a \"\"b\"\" c\",{good}\nC,t,\"v1\nv2\",{good}\n"),
    );
    let out = env.roadsub(&["batch", &input]).expect_code(0);
    assert_eq!(
        out.stdout.matches(",4.5,1,100万,").count(),
        3,
        "{}",
        out.stdout
    );
}

/// Review 22: a report so short that its rows never leave the writer's buffer had that
/// buffer's flush fail under a file size limit (or on a full disk) with a panic of its own
/// (`called Result::unwrap() on an Err value: Os { code: 27, … }`, exit 101), the size limit
/// test's table being long enough to fail earlier. Said as any failed write now.
#[cfg(target_os = "linux")]
#[test]
fn a_short_report_under_a_file_size_limit_is_said_in_both_languages() {
    let env = Env::new();
    env.write(
        "t.csv",
        "编号,乡镇,村,类别,宽度,长度,投资\nA1,天马乡,画青村,通村,4.5,2,168万\n",
    );
    let bin = env!("CARGO_BIN_EXE_roadsub");
    for args in [
        "batch t.csv -o out.xlsx",
        "compare t.csv --set poverty.group.3.5=15万 -o out.xlsx",
    ] {
        for (lang, said) in [
            (
                "zh",
                "roadsub: 无法写入 out.xlsx: 文件将超过系统允许的大小（见 ulimit -f）\n",
            ),
            (
                "en",
                "roadsub: cannot write out.xlsx: the file would be larger than this system \
                 allows (see ulimit -f)\n",
            ),
        ] {
            // One 512-byte block: the rows' temporary file's first flush is refused.
            let done = std::process::Command::new("sh")
                .arg("-c")
                .arg(format!("ulimit -f 1; exec '{bin}' {args} --lang {lang}"))
                .current_dir(env.file(""))
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&done.stderr);
            assert_eq!(done.status.code(), Some(1), "{args}: {stderr}");
            assert!(stderr.ends_with(said), "{args}: {stderr}");
            assert!(!env.path("out.xlsx").exists(), "{args}");
        }
    }
}

/// Review 32: a subtotal row whose place, class and width an office filled in, its id
/// saying 小计, was read as a segment named 小计: every total doubled, without a word.
#[test]
fn a_totals_row_filled_in_like_a_segment_is_refused_not_counted() {
    let env = Env::new();
    let table = env.write(
        "t.csv",
        "序号,乡镇,村,类别,宽度,长度,投资\n\
         1,石鼓镇,大骥村,通村,4.5,2,160万\n\
         2,石鼓镇,大骥村,通村,4.5,2,160万\n\
         小计,石鼓镇,大骥村,通村,4.5,4,320万\n\
         合计,,,,,4,320万\n",
    );
    env.roadsub(&["batch", &table, "-o", "out.csv"]).expect(
        1,
        "",
        &format!("{table}:4: row says \"小计\" where its id goes, as a totals row does, but gives a class and a width as a segment does: counted as a segment, the rows it totals would be counted twice (delete the row, or give the segment an id of its own)\n1 bad row; nothing written (fix it, or use --keep-going to write the 2 good rows)\n"),
    );
    assert!(!env.path("out.csv").exists());
    env.roadsub(&["batch", &table, "--lang", "zh", "-o", "out.csv"]).expect(
        1,
        "",
        &format!("{table}:4: 该行编号处写着“小计”，像合计行，却填有道路类别和宽度，像路段：若按路段计算，它合计的各行会被重复计入（请删除该行，或为该路段另填编号）\n1 行有错；未写出任何结果（请先修正，或加 --keep-going 写出其余 2 行）\n"),
    );
    // Kept going, the two segments alone are counted: 4 km, 320万.
    env.roadsub(&[
        "batch",
        &table,
        "--keep-going",
        "--summary",
        "-o",
        "out.csv",
    ])
    .expect_code(1)
    .stdout_has("\n2 segments, 4 km planned, 0 km completed (0.0%)\n")
    .stdout_has("cost                                               3,200,000.00\n");
    // An id that names its place (石鼓镇小计) is the same.
    let placed = env.write(
        "p.csv",
        "编号,乡镇,村,类别,宽度,长度,投资\nA1,石鼓镇,大骥村,通村,4.5,2,160万\n石鼓镇小计,石鼓镇,大骥村,通村,4.5,2,160万\n",
    );
    env.roadsub(&["batch", &placed])
        .expect_code(1)
        .stderr_has(":3: row says \"石鼓镇小计\" where its id goes");
}

/// Review 32: a quote opened in a row's note and closed at the end of the next line took
/// that line, a whole segment (A3), into the note without a word: 3 segments for 4. The
/// row is refused as one whose quote closes on a later line; a note written over two lines
/// with a comma in it is still a note.
#[test]
fn a_note_whose_quote_takes_in_the_next_row_is_refused() {
    let env = Env::new();
    let table = env.write(
        "q.csv",
        "编号,乡镇,村,类别,宽度,长度,投资,备注\n\
         A1,石鼓镇,大骥村,通村,4.5,2,160万,ok\n\
         A2,石鼓镇,大骥村,通村,4.5,2,160万,\"12寸管\n\
         A3,石鼓镇,大骥村,通村,4.5,2,160万,3寸\"\n\
         A4,石鼓镇,大骥村,通村,4.5,2,160万,ok\n",
    );
    env.roadsub(&["batch", &table, "-o", "out.csv"]).expect(
        1,
        "",
        &format!("{table}:3: row has a quote (\") that is not closed where its cell ends: a quote on line 4 closes it, and the rows written between are in this one\n1 bad row; nothing written (fix it, or use --keep-going to write the 2 good rows)\n"),
    );
    let note = env.write(
        "n.csv",
        "编号,乡镇,村,类别,宽度,长度,投资,备注\nA1,石鼓镇,大骥村,通村,4.5,2,160万,\"第一行\n第二行，含一个,逗号\"\n",
    );
    env.roadsub(&["batch", &note, "-o", "n-out.csv"])
        .expect_code(0);
}

/// Review 32: `50,000` written without quotes under 整合资金, the header with blank cells
/// after it (as spreadsheets export one), was read as 50 yuan, its `000` in the column with
/// no header, unread: the shortfall 99,950.00 for 50,000.00. The row is refused, in either
/// language; a blank column left blank is fine.
#[test]
fn a_number_split_at_its_comma_into_a_column_with_no_header_is_refused() {
    let env = Env::new();
    let table = env.write(
        "s.csv",
        "编号,乡镇,村,类别,宽度,长度,投资,整合资金,,\n\
         A1,石鼓镇,大骥村,通村,4.5,2,1600000,50,000,\n\
         A2,石鼓镇,大骥村,通村,4.5,2,1600000,50,,\n",
    );
    env.roadsub(&["batch", &table, "-o", "out.csv"]).expect(
        1,
        "",
        &format!("{table}:2: 整合资金 \"50\" is followed by \"000\" in a column with no header: 50,000 written without quotes is split at its comma, and only its first part read (write the number without the comma or in quotes; a column of its own needs a header)\n1 bad row; nothing written (fix it, or use --keep-going to write the 1 good row)\n"),
    );
    env.roadsub(&["batch", &table, "--lang", "zh", "-o", "out.csv"]).expect(
        1,
        "",
        &format!("{table}:2: 整合资金“50”后面无表头的一列是“000”：50,000 未加引号会在逗号处被拆开，只读到前一部分（请去掉数字中的逗号或加引号；若那是单独一列，请给它表头）\n1 行有错；未写出任何结果（请先修正，或加 --keep-going 写出其余 1 行）\n"),
    );
    let fine = env.write(
        "f.csv",
        "编号,乡镇,村,类别,宽度,长度,投资,整合资金,,\nA1,石鼓镇,大骥村,通村,4.5,2,1600000,\"50,000\",,\n",
    );
    env.roadsub(&["batch", &fine, "-o", "f-out.csv"])
        .expect_code(0);
}

/// Review 32: a value holding a character that shows nothing (a zero-width space pasted
/// from a web page) was quoted as if plain: `"1600000" is not an amount`. It is shown.
#[test]
fn a_character_that_shows_nothing_is_shown_in_a_message() {
    let env = Env::new();
    let f = env.write(
        "z.csv",
        "编号,乡镇,村,类别,宽度,长度,投资\nA1,石鼓镇,大骥村,通村,4.5,2,1\u{200b}600000\nA2,石鼓镇,大骥\u{feff}村,通村,4.5,2,x\n",
    );
    env.roadsub(&["batch", &f])
        .expect_code(1)
        .stderr_has(&format!(
            "{f}:2: 投资 \"1\\u{{200b}}600000\" is not an amount of money"
        ))
        .stderr_has(&format!("{f}:3: 投资 \"x\" is not an amount of money"));
    env.roadsub(&["batch", &f, "--lang", "zh"])
        .expect_code(1)
        .stderr_has(&format!("{f}:2: 投资“1\\u{{200b}}600000”不是金额"));
}

/// Review 33: with several tables, `compare` and `notice` stopped at one they could not read
/// (a missing file, a header without the columns, a workbook that is text, a column named as
/// one roadsub computes), --keep-going or not, where batch says it, counts it and writes the
/// others with --keep-going. All three say the same and carry on alike, in English and in
/// Chinese, whichever table it is.
#[test]
fn every_command_of_several_tables_carries_on_past_one_it_cannot_read_as_batch_does() {
    let env = Env::new();
    let plan = std::fs::read_to_string(example()).unwrap();
    let a = env.write(
        "a.csv",
        plan.lines().take(6).collect::<Vec<_>>().join("\n") + "\n",
    );
    let header = plan.lines().next().unwrap();
    let unreadable = [
        (
            "nothere.csv".to_string(),
            "nothere.csv: cannot read: no such file or directory".to_string(),
            "nothere.csv: 无法读取：没有这个文件或目录".to_string(),
        ),
        (
            env.write("bad.xlsx", "garbage\n"),
            format!("{}: is not an Excel workbook but text, perhaps a CSV file under a workbook's name; rename it to .csv", env.file("bad.xlsx")),
            format!("{}: 不是 Excel 工作簿而是文本，可能是改了扩展名的 CSV 文件；请改名为 .csv", env.file("bad.xlsx")),
        ),
        (
            env.write(
                "clash.csv",
                format!("{header},subsidy_total\nZ1,天马乡,画青村,,通村,4.5,1,100万,,,,10,,1\n"),
            ),
            format!("{}: column \"subsidy_total\" has the name of a column roadsub computes, and this table is not one roadsub wrote; rename the column (it is then kept as it is), or delete it if an earlier roadsub run wrote it", env.file("clash.csv")),
            format!("{}: “subsidy_total”列与 roadsub 计算的列同名，而此表不是 roadsub 写出的表；请给该列改名（改名后原样保留），若是以前运行 roadsub 写出的列则删除", env.file("clash.csv")),
        ),
    ];
    let out = env.file("out");
    for (bad, en, zh) in &unreadable {
        for (first, second) in [(&a, bad), (bad, &a)] {
            let commands: [(&[&str], &str, &str, &str, &str); 3] = [
                (
                    &["batch", first, second, "-o", &out],
                    "nothing written (fix it, or use --keep-going to write the 5 good rows)",
                    "wrote the 5 good rows to",
                    "未写出任何结果（请先修正，或加 --keep-going 写出其余 5 行）",
                    "已写出 5 行到",
                ),
                (
                    &["compare", first, second, "--set", "poverty.group.3.5=15万", "-o", &out],
                    "nothing written (fix it, or use --keep-going to compare the tables read)",
                    "wrote 5 rows to",
                    "未写出任何结果（请修正，或用 --keep-going 对比已读取的表）",
                    "已写出 5 行到",
                ),
                (
                    &["notice", first, second, "-o", &out],
                    "no notice written (fix it, or use --keep-going to write the notices without those rows)",
                    "wrote 3 notices to",
                    "未写出任何公示（请修正，或用 --keep-going 写出不含这些行的公示）",
                    "已写出 3 份公示到",
                ),
            ];
            for (args, refused, wrote, refused_zh, wrote_zh) in commands {
                for (lang, said, not_read, refused, wrote) in [
                    ("en", en, "1 table not read; ", refused, wrote),
                    ("zh", zh, "1 个表无法读取；", refused_zh, wrote_zh),
                ] {
                    let run = [args, &["--lang", lang]].concat();
                    let got = env.roadsub(&run).expect_code(1);
                    let lines: Vec<&str> = got.stderr.lines().collect();
                    assert_eq!(lines.first(), Some(&said.as_str()), "{run:?}");
                    assert_eq!(
                        lines.last(),
                        Some(&format!("{not_read}{refused}").as_str()),
                        "{run:?}"
                    );
                    assert!(!env.path("out").exists(), "{run:?}");
                    let kept = [&run[..], &["--keep-going"]].concat();
                    let got = env.roadsub(&kept).expect_code(1);
                    let lines: Vec<&str> = got.stderr.lines().collect();
                    assert_eq!(lines.first(), Some(&said.as_str()), "{kept:?}");
                    let last = lines.last().unwrap();
                    assert!(
                        last.starts_with(&format!("{not_read}{wrote}")),
                        "{kept:?}: {last}"
                    );
                    assert!(env.path("out").exists(), "{kept:?}");
                    let _ = std::fs::remove_dir_all(env.path("out"));
                    let _ = std::fs::remove_file(env.path("out"));
                }
            }
        }
    }
}

/// One segment entered twice, its id typed the second time with the input method in
/// full-width mode or pasted with a zero-width space in it, was two segments: its money
/// counted twice, with no word. Every command that reads the table now calls the later row
/// a repeat, saying why; across tables too, and in a GBK file.
#[test]
fn an_id_typed_in_full_width_or_with_a_character_that_shows_nothing_repeats_the_plain_one() {
    let env = Env::new();
    let input = table(
        &env,
        "S1,t,v,village,4.5,2,1600000,,\n\
         Ｓ1,t,v,village,4.5,2,1600000,,\n\
         S2,t,v,village,4.5,1,1000000,,\n\
         S\u{200B}2,t,v,village,4.5,1,1000000,,\n\
         S１,t,v,village,4.5,1,1000000,,\n\
         s1,t,v,village,4.5,1,1000000,,\n",
    );
    let en = |input: &str| {
        format!(
            "{input}:3: id \"Ｓ1\" is an earlier row's id typed with full-width characters, other spaces or characters that show nothing (ids must be unique; such an id reads as the plain one)\n\
             {input}:5: id \"S\\u{{200b}}2\" is an earlier row's id typed with full-width characters, other spaces or characters that show nothing (ids must be unique; such an id reads as the plain one)\n\
             {input}:6: id \"S１\" is an earlier row's id typed with full-width characters, other spaces or characters that show nothing (ids must be unique; such an id reads as the plain one)\n"
        )
    };
    env.roadsub(&["batch", &input]).expect(
        1,
        "",
        &format!(
            "{}3 bad rows; nothing written (fix them, or use --keep-going to write the 3 good rows)\n",
            en(&input)
        ),
    );
    env.roadsub(&["batch", &input, "--lang", "zh"]).expect(
        1,
        "",
        &format!(
            "{input}:3: 编号“Ｓ1”与前面某行的编号相同，只是含全角字符、其他空格或看不见的字符（编号必须唯一；这样的编号按普通写法认）\n\
             {input}:5: 编号“S\\u{{200b}}2”与前面某行的编号相同，只是含全角字符、其他空格或看不见的字符（编号必须唯一；这样的编号按普通写法认）\n\
             {input}:6: 编号“S１”与前面某行的编号相同，只是含全角字符、其他空格或看不见的字符（编号必须唯一；这样的编号按普通写法认）\n\
             3 行有错；未写出任何结果（请先修正，或加 --keep-going 写出其余 3 行）\n"
        ),
    );
    // The plain id after a look-alike one is the plain repeat.
    let second = env.write(
        "more.csv",
        format!("{HEAD}Ｓ3,t,v,village,4.5,1,1000000,,\nS3,t,v,village,4.5,1,1000000,,\n"),
    );
    env.roadsub(&["batch", &second]).expect(
        1,
        "",
        &format!(
            "{second}:3: id \"S3\" appears on an earlier row (ids must be unique, across all the tables of a run too)\n\
             1 bad row; nothing written (fix it, or use --keep-going to write the 1 good row)\n"
        ),
    );
    // Across tables, and in a GBK file (which has no zero-width space: the full-width S).
    let gbk = env.write(
        "gbk.csv",
        encoding_rs::GBK
            .encode(&format!("{HEAD}Ｓ2,t,v,village,4.5,1,1000000,,\n"))
            .0,
    );
    let second_plain = env.write(
        "plain.csv",
        format!("{HEAD}S2,t,v,village,4.5,1,1000000,,\n"),
    );
    env.roadsub(&["batch", &second_plain, &gbk]).expect(
        1,
        "",
        &format!(
            "{gbk}:2: id \"Ｓ2\" is an earlier row's id typed with full-width characters, other spaces or characters that show nothing (ids must be unique; such an id reads as the plain one)\n\
             1 bad row; nothing written (fix it, or use --keep-going to write the 1 good row)\n"
        ),
    );
    // compare, notice and explain read the table as the batch run does.
    env.roadsub(&["compare", &input, "--set", "poverty.village.4.5=15万"])
        .expect_code(1)
        .stderr_starts(&en(&input));
    env.roadsub(&["notice", &input, "-o", &env.file("notices")])
        .expect_code(1)
        .stderr_starts(&en(&input));
    assert!(!env.path("notices").exists());
    env.roadsub(&["explain", &input, "--id", "Ｓ1"]).expect(
        1,
        "",
        &format!("roadsub: {input}: the id \"Ｓ1\" is on lines 2, 3, 6 (ids must be unique); give --row instead\n"),
    );
    env.roadsub(&["explain", &input, "--row", "2"]).expect(
        1,
        "",
        &format!(
            "roadsub: {input}:3: id \"Ｓ1\" is an earlier row's id typed with full-width characters, other spaces or characters that show nothing (ids must be unique; such an id reads as the plain one)\n"
        ),
    );
}

/// Review 45: a village typed once with a zero-width space (pasted from a chat) was a
/// village of its own: a second group, envelope and notice, its money counted apart.
/// Review 47: `画青\u{2028}村` (a line separator), `"画青\r村"` (a lone carriage return),
/// `画青\u{1680}村` and `⾦鸡村` (a radical sign from a PDF's text, for `金鸡村`) each made a
/// village of their own printed like another; a long name's escape was cut in half.
#[test]
fn a_places_name_with_a_line_separator_a_carriage_return_or_a_radical_is_refused() {
    let env = Env::new();
    let input = table(
        &env,
        "S1,宝华乡,画青\u{2028}村,village,4.5,2,1600000,,\n\
         S2,宝华乡,\"画青\r村\",village,4.5,2,1600000,,\n\
         S3,宝华乡,\"画青\n村\",village,4.5,2,1600000,,\n\
         S4,宝华乡,画青\u{1680}村,village,4.5,2,1600000,,\n\
         S5,宝华乡,\u{2FA6}鸡村,village,4.5,2,1600000,,\n\
         S6,宝华乡,画青村画青村画青村画青村画青村画青村画青村画青村画青村画青村画青村画青村画青\u{A0}村,village,4.5,2,1600000,,\n\
         S 7,宝华乡,金鸡村,village,4.5,2,1600000,,\n\
         S\u{1680}7,宝华乡,金鸡村,village,4.5,2,1600000,,\n",
    );
    env.roadsub(&["batch", &input]).expect(
        1,
        "",
        &format!(
            "{input}:2: village \"画青\\u{{2028}}村\" holds a character that shows nothing (U+2028): it reads as the name without it but would be a place of its own (a group, an envelope and a notice of its own); delete the character\n\
             {input}:3: village \"画青\\r村\" holds a character that shows nothing (U+000D): it reads as the name without it but would be a place of its own (a group, an envelope and a notice of its own); delete the character\n\
             {input}:7: village \"画青\\u{{1680}}村\" holds a space that is not an ordinary one (U+1680): it reads as the name written with an ordinary space (or none) but would be a place of its own (a group, an envelope and a notice of its own); type an ordinary space in its place, or delete it\n\
             {input}:8: village \"\\u{{2fa6}}鸡村\" holds a radical sign (U+2FA6) that shows as a Chinese character but is another: it would be a place of its own (a group, an envelope and a notice of its own); type 金 (U+91D1) in its place (text copied out of a PDF or converted from Big5 often has them)\n\
             {input}:9: village \"画青村画青村画青村画青村画青村画青村画青村画青村画青村画青村画青村画青村画青…\" holds a space that is not an ordinary one (U+00A0, a no-break space): it reads as the name written with an ordinary space (or none) but would be a place of its own (a group, an envelope and a notice of its own); type an ordinary space in its place, or delete it\n\
             {input}:11: id \"S\\u{{1680}}7\" is an earlier row's id typed with full-width characters, other spaces or characters that show nothing (ids must be unique; such an id reads as the plain one)\n\
             6 bad rows; nothing written (fix them, or use --keep-going to write the 2 good rows)\n"
        ),
    );
    env.roadsub(&["batch", &input, "--lang", "zh"]).expect(
        1,
        "",
        &format!(
            "{input}:2: 村“画青\\u{{2028}}村”含一个看不见的字符（U+2028）：看着与不含它的名称相同，却会被当成另一个地方（另算一组、一份预算、一份公示）；请删去该字符\n\
             {input}:3: 村“画青\\r村”含一个看不见的字符（U+000D）：看着与不含它的名称相同，却会被当成另一个地方（另算一组、一份预算、一份公示）；请删去该字符\n\
             {input}:7: 村“画青\\u{{1680}}村”含一个不是普通空格的空格（U+1680）：看着与用普通空格（或不带空格）写的名称相同，却会被当成另一个地方（另算一组、一份预算、一份公示）；请改为普通空格或删去\n\
             {input}:8: 村“\\u{{2fa6}}鸡村”含一个部首符号（U+2FA6）：看着像汉字却不是，会被当成另一个地方（另算一组、一份预算、一份公示）；请改为“金”（U+91D1）（常见于从 PDF 复制或由繁体编码转换的文字）\n\
             {input}:9: 村“画青村画青村画青村画青村画青村画青村画青村画青村画青村画青村画青村画青村画青…”含一个不是普通空格的空格（U+00A0，不换行空格）：看着与用普通空格（或不带空格）写的名称相同，却会被当成另一个地方（另算一组、一份预算、一份公示）；请改为普通空格或删去\n\
             {input}:11: 编号“S\\u{{1680}}7”与前面某行的编号相同，只是含全角字符、其他空格或看不见的字符（编号必须唯一；这样的编号按普通写法认）\n\
             6 行有错；未写出任何结果（请先修正，或加 --keep-going 写出其余 2 行）\n"
        ),
    );
}

/// The defect (review 47): `画青\u{A0}村` (a no-break space, as a workbook pasted from a web
/// page has) or `画青\t村` beside `画青 村` made two villages that print alike: two groups,
/// two envelopes, two notices.
#[test]
fn a_places_name_with_a_space_that_is_not_an_ordinary_one_is_refused_not_made_a_village_of_its_own()
{
    let env = Env::new();
    let input = table(
        &env,
        "S1,宝华乡,画青 村,village,4.5,2,1600000,,\n\
         S2,宝华乡,画青\u{A0}村,village,4.5,1,1000000,,\n\
         S3,宝华乡,画青\t村,village,4.5,1,1000000,,\n\
         S4,宝华\u{2002}乡,画青 村,village,4.5,1,1000000,,\n\
         S5,宝华乡,画青\u{3000}村,group,3.5,1,450000,,\n",
    );
    let en = |input: &str| {
        format!(
            "{input}:3: village \"画青\\u{{a0}}村\" holds a space that is not an ordinary one (U+00A0, a no-break space): it reads as the name written with an ordinary space (or none) but would be a place of its own (a group, an envelope and a notice of its own); type an ordinary space in its place, or delete it\n\
             {input}:4: village \"画青\\t村\" holds a space that is not an ordinary one (U+0009, a tab): it reads as the name written with an ordinary space (or none) but would be a place of its own (a group, an envelope and a notice of its own); type an ordinary space in its place, or delete it\n\
             {input}:5: township \"宝华\\u{{2002}}乡\" holds a space that is not an ordinary one (U+2002): it reads as the name written with an ordinary space (or none) but would be a place of its own (a group, an envelope and a notice of its own); type an ordinary space in its place, or delete it\n"
        )
    };
    env.roadsub(&["batch", &input]).expect(
        1,
        "",
        &format!(
            "{}3 bad rows; nothing written (fix them, or use --keep-going to write the 2 good rows)\n",
            en(&input)
        ),
    );
    env.roadsub(&["batch", &input, "--lang", "zh"]).expect(
        1,
        "",
        &format!(
            "{input}:3: 村“画青\\u{{a0}}村”含一个不是普通空格的空格（U+00A0，不换行空格）：看着与用普通空格（或不带空格）写的名称相同，却会被当成另一个地方（另算一组、一份预算、一份公示）；请改为普通空格或删去\n\
             {input}:4: 村“画青\\t村”含一个不是普通空格的空格（U+0009，制表符）：看着与用普通空格（或不带空格）写的名称相同，却会被当成另一个地方（另算一组、一份预算、一份公示）；请改为普通空格或删去\n\
             {input}:5: 乡镇“宝华\\u{{2002}}乡”含一个不是普通空格的空格（U+2002）：看着与用普通空格（或不带空格）写的名称相同，却会被当成另一个地方（另算一组、一份预算、一份公示）；请改为普通空格或删去\n\
             3 行有错；未写出任何结果（请先修正，或加 --keep-going 写出其余 2 行）\n"
        ),
    );
    // With --keep-going one village of each name is left; the ideographic space is a name's.
    let out = env.file("out.csv");
    let run = env
        .roadsub(&[
            "batch",
            &input,
            "--keep-going",
            "--by",
            "village",
            "-o",
            &out,
        ])
        .expect_code(1);
    run.stderr(&format!(
        "{}3 bad rows; wrote the 2 good rows to {out}\n",
        en(&input)
    ));
    let by = &run.stdout;
    let groups: Vec<&str> = by
        .lines()
        .filter(|l| l.starts_with("宝华"))
        .map(|l| l.split("  ").next().unwrap())
        .collect();
    assert_eq!(groups, ["宝华乡 画青 村", "宝华乡 画青　村"], "{by}");
    // compare and notice read the table as the batch run does.
    env.roadsub(&["compare", &input, "--set", "poverty.village.4.5=15万"])
        .expect_code(1)
        .stderr_starts(&en(&input));
    env.roadsub(&["notice", &input, "-o", &env.file("notices")])
        .expect_code(1)
        .stderr_starts(&en(&input));
    assert!(!env.path("notices").exists());
    // A workbook's cell pasted from a web page.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in HEAD.trim_end().split(',').enumerate() {
        sheet.write(0, c as u16, h).unwrap();
    }
    for (c, v) in [
        "S1",
        "宝华乡",
        "画青\u{A0}村",
        "village",
        "4.5",
        "2",
        "1600000",
    ]
    .iter()
    .enumerate()
    {
        sheet.write(1, c as u16, *v).unwrap();
    }
    let xlsx = env.write("plan.xlsx", book.save_to_buffer().unwrap());
    env.roadsub(&["batch", &xlsx]).expect(
        1,
        "",
        &format!(
            "{xlsx}[Sheet1]:2: village \"画青\\u{{a0}}村\" holds a space that is not an ordinary one (U+00A0, a no-break space): it reads as the name written with an ordinary space (or none) but would be a place of its own (a group, an envelope and a notice of its own); type an ordinary space in its place, or delete it\n\
             1 bad row; nothing written\n"
        ),
    );
}

#[test]
fn a_places_name_with_a_character_that_shows_nothing_is_refused_not_made_a_place_of_its_own() {
    let env = Env::new();
    let input = table(
        &env,
        "S1,宝华乡,画青村,village,4.5,2,1600000,,\n\
         S2,宝华乡,画青村\u{200B},village,4.5,1,1000000,,\n\
         S3,宝华\u{00AD}乡,画青村,village,4.5,1,1000000,,\n\
         S4,宝华乡,新村（一组）,group,3.5,1,450000,,\n",
    );
    let en = |input: &str| {
        format!(
            "{input}:3: village \"画青村\\u{{200b}}\" holds a character that shows nothing (U+200B): it reads as the name without it but would be a place of its own (a group, an envelope and a notice of its own); delete the character\n\
             {input}:4: township \"宝华\\u{{ad}}乡\" holds a character that shows nothing (U+00AD): it reads as the name without it but would be a place of its own (a group, an envelope and a notice of its own); delete the character\n"
        )
    };
    env.roadsub(&["batch", &input]).expect(
        1,
        "",
        &format!(
            "{}2 bad rows; nothing written (fix them, or use --keep-going to write the 2 good rows)\n",
            en(&input)
        ),
    );
    env.roadsub(&["batch", &input, "--lang", "zh"]).expect(
        1,
        "",
        &format!(
            "{input}:3: 村“画青村\\u{{200b}}”含一个看不见的字符（U+200B）：看着与不含它的名称相同，却会被当成另一个地方（另算一组、一份预算、一份公示）；请删去该字符\n\
             {input}:4: 乡镇“宝华\\u{{ad}}乡”含一个看不见的字符（U+00AD）：看着与不含它的名称相同，却会被当成另一个地方（另算一组、一份预算、一份公示）；请删去该字符\n\
             2 行有错；未写出任何结果（请先修正，或加 --keep-going 写出其余 2 行）\n"
        ),
    );
    // With --keep-going the good rows are one village each, full-width brackets kept.
    let out = env.file("out.csv");
    env.roadsub(&["batch", &input, "--keep-going", "--by", "village", "-o", &out])
        .expect_code(1)
        .stdout_has("宝华乡 画青村               1   2          0        900,000.00      600,000.00          1,500,000.00  100,000.00        100,000.00\n宝华乡 新村（一组）         1   1          0        150,000.00      100,000.00            250,000.00  200,000.00        200,000.00\ntotal                       2   3")
        .stderr(&format!("{}2 bad rows; wrote the 2 good rows to {out}\n", en(&input)));
    assert_eq!(
        env.read("out.csv")
            .lines()
            .map(|l| &l[..2])
            .collect::<Vec<_>>(),
        ["id", "S1", "S4"]
    );
    // compare, notice and explain read the table as the batch run does.
    env.roadsub(&["compare", &input, "--set", "poverty.village.4.5=15万"])
        .expect_code(1)
        .stderr_starts(&en(&input));
    env.roadsub(&["notice", &input, "-o", &env.file("notices")])
        .expect_code(1)
        .stderr_starts(&en(&input));
    assert!(!env.path("notices").exists());
    env.roadsub(&["explain", &input, "--row", "2"]).expect(
        1,
        "",
        &format!(
            "roadsub: {input}:3: village \"画青村\\u{{200b}}\" holds a character that shows nothing (U+200B): it reads as the name without it but would be a place of its own (a group, an envelope and a notice of its own); delete the character\n"
        ),
    );
    // A control pasted in, a variation selector past the first sixteen: escaped.
    let more = env.write(
        "more.csv",
        format!("{HEAD}S1,宝华乡,画青\u{1}村,village,4.5,2,1600000,,\nS2,宝华乡,画青村\u{E0100},village,4.5,2,1600000,,\nS3,宝华乡,\"画青\n村\",village,4.5,2,1600000,,\n"),
    );
    env.roadsub(&["batch", &more]).expect(
        1,
        "",
        &format!(
            "{more}:2: village \"画青\\u{{1}}村\" holds a character that shows nothing (U+0001): it reads as the name without it but would be a place of its own (a group, an envelope and a notice of its own); delete the character\n\
             {more}:3: village \"画青村\\u{{e0100}}\" holds a character that shows nothing (U+E0100): it reads as the name without it but would be a place of its own (a group, an envelope and a notice of its own); delete the character\n\
             2 bad rows; nothing written (fix them, or use --keep-going to write the 1 good row)\n"
        ),
    );
    // A workbook's cell, a byte-order mark at its end.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in HEAD.trim_end().split(',').enumerate() {
        sheet.write(0, c as u16, h).unwrap();
    }
    for (c, v) in [
        "S1",
        "宝华乡",
        "画青村\u{FEFF}",
        "village",
        "4.5",
        "2",
        "1600000",
    ]
    .iter()
    .enumerate()
    {
        sheet.write(1, c as u16, *v).unwrap();
    }
    let xlsx = env.write("plan.xlsx", book.save_to_buffer().unwrap());
    env.roadsub(&["batch", &xlsx]).expect(
        1,
        "",
        &format!(
            "{xlsx}[Sheet1]:2: village \"画青村\\u{{feff}}\" holds a character that shows nothing (U+FEFF): it reads as the name without it but would be a place of its own (a group, an envelope and a notice of its own); delete the character\n\
             1 bad row; nothing written\n"
        ),
    );
}
