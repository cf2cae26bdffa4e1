//! SPEC §4 and §10: a table is read in one encoding, decided from the whole file or given, and
//! every line is counted and kept, whatever ends it.

use super::*;

const HEAD: &str = "id,township,village,class,width_m,length_km,cost,note\n";

/// 1,500 good UTF-8 rows, then `last` as line 1502.
fn stray_byte_table(env: &Env) -> String {
    let mut bytes = HEAD.as_bytes().to_vec();
    for i in 0..1500 {
        bytes.extend_from_slice(format!("S{i},天马乡,画青村,village,4.5,2,1600000,\n").as_bytes());
    }
    bytes.extend_from_slice(b"LAT1,T,V,village,4.5,2,1600000,caf\xe9\n");
    bytes.extend_from_slice(b"LAT2,T,V,village,4.5,2,1600000,\n");
    env.write("stray.csv", bytes)
}

#[test]
fn a_stray_byte_in_a_utf8_file_is_refused_naming_its_line() {
    let env = Env::new();
    let input = stray_byte_table(&env);
    let out = env.file("out.csv");
    for keep_going in [false, true] {
        let mut args = vec!["batch", &input, "-o", &out];
        if keep_going {
            args.push("--keep-going");
        }
        env.roadsub(&args).expect(
            1,
            "",
            &format!(
                "{input}:1502: this line is not valid UTF-8 text, though the lines before it are \
                 (line 2, the first that is not plain ASCII, is UTF-8); if the file is GBK/GB18030, \
                 give --input-encoding gbk\n\
                 1 table not read; nothing written\n"
            ),
        );
        // Rows before the line may have been read in the wrong encoding: none is written.
        assert!(!env.path("out.csv").exists());
    }
    // To a pipe with --keep-going, rows printed before the line cannot be taken back: the
    // last line says where they end instead of "nothing written".
    env.roadsub(&["batch", &input, "--keep-going"])
        .expect_code(1)
        .stdout_starts("id,township,village,")
        .stdout_lacks("LAT1")
        .stderr_ends(
            "1 table not read; the rows printed above end before the line that broke its encoding\n",
        );
    env.roadsub(&["batch", &input, "--lang", "zh"])
        .run()
        .stderr_starts(&format!(
            "{input}:1502: 此行不是有效的 UTF-8 文本，而此前各行是（第 2 行是第一个含非 ASCII 字符的行，为 UTF-8）；\
             如文件是 GBK/GB18030 编码，请加 --input-encoding gbk\n"
        ));
}

#[test]
fn a_gbk_file_whose_first_non_ascii_row_reads_as_utf8_is_refused_then_read_when_told() {
    let env = Env::new();
    let mut text = String::from("id,township,village,class,width_m,length_km,cost\n");
    for i in 0..3000 {
        text.push_str(&format!("S{i},t,v,village,4.5,2,1600000\n"));
    }
    text.push_str("L1,卢庄,梅路,village,4.5,2,1600000\nL2,天马乡,画青村,village,4.5,2,1600000\n");
    let input = env.write("gbk.csv", encoding_rs::GB18030.encode(&text).0);
    env.roadsub(&["batch", &input])
        .expect_code(1)
        .stdout("")
        .stderr_starts(&format!(
            "{input}:3002: this line reads as UTF-8 and as GBK/GB18030 alike, and only as GBK does it \
             hold Chinese characters, so the file's encoding cannot be told; give --input-encoding gbk \
             if it is GBK/GB18030, or --input-encoding utf-8 if it is UTF-8\n"
        ));
    let told = env
        .roadsub(&["batch", &input, "--input-encoding", "gbk"])
        .expect_code(0);
    told.stderr("");
    let out = &told.stdout;
    assert_eq!(cell(out, "L1", "township"), "卢庄");
    assert_eq!(cell(out, "L1", "village"), "梅路");
    assert_eq!(cell(out, "L2", "village"), "画青村");
    // Given, an encoding is not second-guessed: the row that looks like UTF-8 is read so.
    env.roadsub(&["batch", &input, "--input-encoding", "utf-8"])
        .expect_code(1)
        .stderr_starts(&format!(
            "{input}:3003: this line is not valid UTF-8 text, though --input-encoding utf-8 was given\n"
        ));
}

#[test]
fn cr_only_line_endings_are_counted_in_batch_messages() {
    let env = Env::new();
    let input = env.write(
        "mac.csv",
        "id,township,village,class,width_m,length_km,cost\rA,t,v,village,4.5,1,100\r\rB,t,v,village,4.5,abc,100\r",
    );
    env.roadsub(&["batch", &input])
        .expect_code(1)
        .stderr_starts(&format!("{input}:4: length_km \"abc\" is not a length"));
}

#[test]
fn two_unknown_columns_of_the_same_name_are_carried() {
    let env = Env::new();
    let input = env.write(
        "notes.csv",
        "id,township,village,class,width_m,length_km,cost,note,note\nA,t,v,village,4.5,1,1000000,first,second\n",
    );
    env.roadsub(&["batch", &input])
        .expect_code(0)
        .stderr("")
        .stdout_starts(
            "id,township,village,class,width_m,length_km,cost,note,note,transport,poverty,subsidy_total,gap,shortfall,notes\n\
             A,t,v,village,4.5,1,1000000,first,second,450000.00,",
        );
}

#[test]
fn two_unknown_columns_of_the_same_name_pair_up_in_order_across_tables() {
    let env = Env::new();
    let a = env.write(
        "a.csv",
        "id,township,village,class,width_m,length_km,cost,note,note\nA,t,v,village,4.5,1,1000000,a1,a2\n",
    );
    // The second table has its columns in another order: each `note` keeps its place.
    let b = env.write(
        "b.csv",
        "note,id,township,village,class,width_m,length_km,cost,NOTE\nb1,B,t,v,village,4.5,1,1000000,b2\n",
    );
    let run = env.roadsub(&["batch", &a, &b]).expect_code(0);
    run.stderr("");
    let out = &run.stdout;
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[1].starts_with("A,t,v,village,4.5,1,1000000,a1,a2,"),
        "{out}"
    );
    assert!(
        lines[2].starts_with("B,t,v,village,4.5,1,1000000,b1,b2,"),
        "{out}"
    );
    // A second table with one `note` fewer is still refused.
    let c = env.write(
        "c.csv",
        "id,township,village,class,width_m,length_km,cost,note\nC,t,v,village,4.5,1,1000000,c1\n",
    );
    env.roadsub(&["batch", &a, &c])
        .expect_code(1)
        .stderr_has("differ from the first table's");
}

#[test]
fn a_gbk_file_that_is_wholly_valid_utf8_is_refused_then_read_when_told() {
    let env = Env::new();
    let (gbk, _, _) = encoding_rs::GB18030.encode(
        "id,township,village,class,width_m,length_km,cost\nA,卢庄,梅路,village,4.5,2,1600000\n",
    );
    let input = env.write("gbk.csv", &*gbk);
    env.roadsub(&["batch", &input]).expect(
        1,
        "",
        &format!(
            "{input}:2: this line reads as UTF-8 and as GBK/GB18030 alike, and only as GBK does it \
             hold Chinese characters, so the file's encoding cannot be told; give --input-encoding gbk \
             if it is GBK/GB18030, or --input-encoding utf-8 if it is UTF-8\n\
             1 table not read; nothing written\n"
        ),
    );
    env.roadsub(&["batch", &input, "--input-encoding", "gbk"])
        .expect_code(0)
        .stdout_has("\nA,卢庄,梅路,village,");
}

#[test]
fn records_too_wide_are_still_reported_by_batch() {
    let env = Env::new();
    let input = env.write(
        "wide.csv",
        format!(
            "id,township,village,class,width_m,length_km,cost\nA,t,v,village,4.5,1,100\nB{}\n",
            ",".repeat(5000)
        ),
    );
    env.roadsub(&["batch", &input])
        .expect_code(1)
        .stderr_starts(&format!(
            "{input}:3: row has more than 4096 fields and was skipped\n"
        ));
}

#[test]
fn a_header_over_4096_columns_says_what_is_wrong() {
    let env = Env::new();
    let input = env.write("wide.csv", format!("id{}\n", ",x".repeat(5000)));
    env.roadsub(&["batch", &input])
        .expect_code(1)
        .stderr_starts(&format!(
            "{input}: the header row (line 1) has more than 4096 columns, more than roadsub reads; \
             a segment table's header names a few dozen\n"
        ));
}

#[test]
fn headers_with_a_clarifying_bracket_are_read() {
    let env = Env::new();
    let input = env.write(
        "office.csv",
        "编号,乡镇,村(社区),类别,宽度,长度,投资(万元)\nA,天马乡,画青村,通村,4.5,1,100\n",
    );
    let run = env.roadsub(&["batch", &input]).expect_code(0);
    run.stderr("");
    assert_eq!(cell(&run.stdout, "A", "subsidy_total"), "750000.00");
}

#[test]
fn a_file_with_a_utf8_bom_is_not_read_as_gbk_when_told_so() {
    let env = Env::new();
    let input = env.write(
        "bom.csv",
        "\u{feff}id,township,village,class,width_m,length_km,cost\nA,天马乡,画青村,village,4.5,1,100\n",
    );
    env.roadsub(&["batch", &input, "--input-encoding", "gbk"]).expect(
        1,
        "",
        &format!(
            "{input}:1: the file starts with a UTF-8 byte order mark, though --input-encoding gbk was \
             given; if the file is UTF-8, give --input-encoding utf-8 or leave the option out\n\
             1 table not read; nothing written\n"
        ),
    );
}

/// A file name that is not UTF-8 (a GBK name from a Windows share, `计划.csv` as 0xBC 0xC6
/// 0xBB 0xAE) is a file like any other: batch reads it and writes beside it, where the
/// command line once panicked reading its own arguments.
#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_is_read_and_written_not_a_panic() {
    use std::ffi::OsString;
    use std::os::unix::ffi::OsStringExt;
    let env = Env::new();
    let name = |stem: &[u8]| OsString::from_vec([stem, b".csv"].concat());
    let input = env.dir.path().join(name(b"\xbc\xc6\xbb\xae"));
    std::fs::copy(example(), &input).unwrap();
    let output = env.dir.path().join(name(b"out\xbc\xc6"));
    env.roadsub_os(&[
        "batch".into(),
        input.clone().into_os_string(),
        "-o".into(),
        output.clone().into_os_string(),
    ])
    .expect_code(0);
    let expected = env.roadsub(&["batch", &example()]).expect_code(0).stdout;
    assert_eq!(std::fs::read_to_string(&output).unwrap(), expected);
    // An argument that must be text and is not is refused by name, in either language.
    for (lang, first) in [
        ("en", "error: invalid UTF-8"),
        ("zh", "roadsub: 命令行有误"),
    ] {
        env.roadsub_os(&[
            "explain".into(),
            input.clone().into_os_string(),
            "--id".into(),
            OsString::from_vec(b"\xb0\xb2".to_vec()),
            "--lang".into(),
            lang.into(),
        ])
        .run()
        .code(2)
        .stderr_starts(first);
    }
}

/// Review 10: `¥1,700,000` under 投资 in a sheet of 万元 was read as 1,700,000万元 (170亿),
/// with a plausibility warning only. Which unit the sign's number is in cannot be told: the
/// row is refused, in both languages, and written with its unit it is read.
#[test]
fn the_yuan_sign_before_a_bare_number_in_a_sheet_of_wan_is_refused_not_read_as_wan() {
    let env = Env::new();
    let input = env.write(
        "plan.csv",
        "单位：万元\n编号,乡镇,村,类别,宽度,长度,投资\nA1,天马乡,画青村,通村,4.5,2.1,\"¥1,700,000\"\nA2,天马乡,画青村,通村,4.5,2.1,¥170万\n",
    );
    env.roadsub(&["batch", &input, "--lang", "en"]).expect(
        1,
        "",
        &format!(
            "{input}:3: 投资 \"¥1,700,000\" has the yuan's sign (¥) before a bare number where bare numbers are read in 万元 or 亿元: whether it is in yuan or in that unit cannot be told (write it with its unit, like 1700000元 or 170万)\n\
             1 bad row; nothing written (fix it, or use --keep-going to write the 1 good row)\n"
        ),
    );
    env.roadsub(&["batch", &input, "--lang", "zh"]).expect(
        1,
        "",
        &format!(
            "{input}:3: 投资“¥1,700,000”在按万元或亿元读取的列中，数字前有人民币符号（¥）却没有单位：无法判断是元还是该单位（请写明单位，如 1700000元 或 170万）\n\
             1 行有错；未写出任何结果（请先修正，或加 --keep-going 写出其余 1 行）\n"
        ),
    );
    let fixed = env.write(
        "fixed.csv",
        "单位：万元\n编号,乡镇,村,类别,宽度,长度,投资\nA1,天马乡,画青村,通村,4.5,2.1,\"¥1,700,000元\"\n",
    );
    let out = env
        .roadsub(&["batch", &fixed, "--format", "csv"])
        .expect_code(0);
    // 1,700,000 yuan: 1,575,000.00 of subsidies and 125,000.00 short.
    let got = |column| cell(&out.stdout, "A1", column);
    assert_eq!(got("subsidy_total"), "1575000.00", "{}", out.stdout);
    assert_eq!(got("shortfall"), "125000.00", "{}", out.stdout);
}

/// Every command that reads tables reads one through a pipe (`/dev/stdin`) as it reads the
/// same bytes from a file: the same exit status, messages and output, whatever in the table
/// makes a command look at it twice (a last row with a quote, a row of the wrong size, bytes
/// not in the encoding given or decided, a budget that binds). Of a pipe, only whether the
/// rest of the file reads in the other encoding is not said: its bytes cannot be read again.
#[test]
fn every_command_reads_a_table_from_a_pipe_as_from_a_file() {
    let env = Env::new();
    let head = "编号,乡镇,村,类别,宽度,长度,投资\n";
    let rows = "R1,石羊镇,大骥村,通村,4.5,2,1600000\nR2,石羊镇,大骥村,通组,3.5,1.2,800000\n";
    let gbk = |text: &str| encoding_rs::GB18030.encode(text).0.into_owned();
    let tables: [(&str, Vec<u8>); 5] = [
        ("plain", format!("{head}{rows}").into_bytes()),
        (
            "quoted-last",
            format!("{head}{rows}R3,石羊镇,\"村\"\"一\",通村,4.5,2,1600000\n").into_bytes(),
        ),
        (
            "wrong-size",
            format!("{head}{rows}R3,石羊镇,大骥村,通村,4.5,2,1600000,9\n").into_bytes(),
        ),
        ("gbk", gbk(&format!("{head}{rows}"))),
        ("mixed", {
            let mut bytes = format!("{head}{rows}").into_bytes();
            bytes.extend(gbk("R3,石羊镇,大骥村,通村,4.5,2,1600000\n"));
            bytes
        }),
    ];
    let prorate = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/anyue-2018-prorate.toml")
        .to_string_lossy()
        .into_owned();
    // (name, arguments with `@` for the table and `OUT` for a path to write)
    let commands: [(&str, Vec<&str>); 7] = [
        ("batch", vec!["batch", "@", "-o", "OUT.csv"]),
        (
            "batch-prorate",
            vec!["batch", "@", "--rules", &prorate, "-o", "OUT.csv"],
        ),
        (
            "batch-utf8",
            vec!["batch", "@", "--input-encoding", "utf-8", "-o", "OUT.csv"],
        ),
        ("explain", vec!["explain", "@", "--id", "R2"]),
        (
            "explain-gbk",
            vec!["explain", "@", "--row", "2", "--encoding", "gbk"],
        ),
        ("notice", vec!["notice", "@", "-o", "OUT"]),
        (
            "compare",
            vec![
                "compare",
                "@",
                "--set",
                "poverty.group.3.5=15万",
                "-o",
                "OUT.md",
            ],
        ),
    ];
    // What a run said and wrote, the table's and output's names made alike.
    let outcome = |args: &[&str], table: &str, out: &str, stdin: Option<&[u8]>| {
        let args: Vec<String> = args
            .iter()
            .map(|a| match *a {
                "@" => table.to_string(),
                a => a.replace("OUT", &env.file(out)),
            })
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = env.roadsub(&args);
        let ran = match stdin {
            Some(bytes) => run.stdin(bytes).run(),
            None => run.run(),
        };
        let alike = |text: &str| text.replace(table, "TABLE").replace(&env.file(out), "OUT");
        let mut written: Vec<(String, String)> = Vec::new();
        for path in [
            env.path(&format!("{out}.csv")),
            env.path(&format!("{out}.md")),
        ] {
            if let Ok(text) = std::fs::read_to_string(&path) {
                written.push((
                    path.extension().unwrap().to_string_lossy().into(),
                    alike(&text),
                ));
            }
        }
        if let Ok(dir) = std::fs::read_dir(env.path(out)) {
            let mut names: Vec<String> = dir
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            written.push(("notices".into(), names.join("\n")));
        }
        (ran.code, alike(&ran.stdout), alike(&ran.stderr), written)
    };
    for (table_name, bytes) in &tables {
        for (command, args) in &commands {
            let file = env.write(&format!("{table_name}.csv"), bytes);
            let case = format!("{table_name} {command}");
            let (code, stdout, stderr, written) =
                outcome(args, &file, &format!("file-{table_name}-{command}"), None);
            let piped = outcome(
                args,
                "/dev/stdin",
                &format!("pipe-{table_name}-{command}"),
                Some(bytes),
            );
            assert_eq!(piped.0, code, "{case}: exit status\n{}", piped.2);
            assert_eq!(piped.1, stdout, "{case}: standard output");
            // Of a pipe, what the rest of its bytes read as may be left unsaid (only compare,
            // which copies a pipe first, can read them again).
            let unsaid = |said: &str| {
                ["GBK/GB18030", "UTF-8"]
                    .iter()
                    .fold(said.to_string(), |s, enc| {
                        s.replace(&format!(" (the whole file reads cleanly as {enc})"), "")
                            .replace(
                                &format!(" (the whole file does not read cleanly as {enc} either)"),
                                "",
                            )
                    })
            };
            assert_eq!(unsaid(&piped.2), unsaid(&stderr), "{case}: messages");
            assert_eq!(piped.3, written, "{case}: written");
        }
    }
}

/// Regression (review 17, found in every version before): one pipe under two names
/// (`/dev/stdin` and `/dev/fd/0`, which lead to no path a file on disk has) was read as two
/// tables, the second found empty. It is one table given twice, refused as two names of one
/// file are.
#[cfg(target_os = "linux")]
#[test]
fn one_pipe_under_two_names_is_refused_as_one_table_given_twice() {
    let env = Env::new();
    let table = "编号,乡镇,村,类别,宽度,长度,投资\nR1,石羊镇,大骥村,通村,4.5,2,1600000\n";
    let out = env.file("out.csv");
    let twice =
        "roadsub: /dev/fd/0 is /dev/stdin again (one file, two names); give each table once\n";
    env.roadsub(&["batch", "/dev/stdin", "/dev/fd/0", "-o", &out])
        .stdin(table)
        .expect(2, "", twice);
    env.roadsub(&[
        "compare",
        "/dev/stdin",
        "/dev/fd/0",
        "--set",
        "poverty.group.3.5=15万",
        "-o",
        &out,
        "--lang",
        "zh",
    ])
    .stdin(table)
    .expect(
        2,
        "",
        "roadsub: /dev/fd/0 与 /dev/stdin 是同一个文件（两个名称）；每个表格只需给出一次\n",
    );
    // Standard input by `-` and by a name is one table too (the second was read empty).
    env.roadsub(&["batch", "-", "/dev/stdin", "-o", &out])
        .stdin(table)
        .expect(
            2,
            "",
            "roadsub: /dev/stdin is standard input (-) again (one file, two names); give each table once\n",
        );
    env.roadsub(&[
        "notice",
        "/dev/fd/0",
        "-",
        "--lang",
        "zh",
        "-o",
        &env.file("notices"),
    ])
    .stdin(table)
    .expect(
        2,
        "",
        "roadsub: 标准输入（-） 与 /dev/fd/0 是同一个文件（两个名称）；每个表格只需给出一次\n",
    );
    assert!(!env.path("out.csv").exists());
    env.roadsub(&["batch", "-", &env.write("t.csv", table), "-o", &out])
        .stdin(table)
        .expect_code(1)
        .stderr_has("t.csv:2: 编号 \"R1\" appears on an earlier row");
    // A file redirected to standard input and given by its name is one table given twice.
    let file = env.write("s.csv", table);
    let redirected = env
        .roadsub(&["batch", "-", &file])
        .command()
        .stdin(std::fs::File::open(&file).unwrap())
        .output()
        .unwrap();
    assert_eq!(redirected.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&redirected.stderr),
        format!("roadsub: {file} is standard input (-) again (one file, two names); give each table once\n")
    );
    // One name of a pipe is read as ever, and two pipes are two tables.
    env.roadsub(&["batch", "/dev/stdin", "-o", &out])
        .stdin(table)
        .expect(0, "", &format!("wrote 1 row to {out}\n"));
    let other = FifoFeed::start(env.path("other.csv"), table.as_bytes());
    env.roadsub(&[
        "batch",
        "/dev/stdin",
        &other.arg(),
        "-o",
        &out,
        "--keep-going",
    ])
    .stdin(table)
    .run()
    .code(1)
    .stderr(&format!(
        "{}:2: 编号 \"R1\" appears on an earlier row (ids must be unique, across all the tables of a run too)\n\
             1 bad row; wrote the 1 good row to {out}\n",
        other.arg()
    ));
    assert!(!other.finish());
}

/// Review 32: three ways a table said its amounts were thousands, each read as yuan without
/// a word (the sources 50 and 5 taken as 50 and 5 yuan). Each is refused now, nothing written.
#[test]
fn multiples_of_yuan_a_table_states_without_its_unit_are_refused() {
    let env = Env::new();
    for (name, table, said) in [
        (
            "header.csv",
            "编号,乡镇,村,类别,宽度,长度,投资,整合资金(千)\nA1,石鼓镇,大骥村,通村,4.5,2,160万,50\n",
            "header.csv: column \"整合资金(千)\" has a unit roadsub does not know (use 元, 万元 or 亿元)\n1 table not read; nothing written\n",
        ),
        (
            "english.csv",
            "Unit: thousand\nid,township,village,class,width_m,length_km,cost,other_funds\nA1,T,V,village,4.5,2,1600000,5\n",
            "english.csv: \"Unit: thousand\" above the header names a unit roadsub does not read (thousand; it reads 元、万元（万）、亿元（亿）、公里、米); give --amount-unit or correct the sheet\n1 table not read; nothing written\n",
        ),
        (
            "note.csv",
            "编号,乡镇,村,类别,宽度,长度,投资,整合资金\nA1,石鼓镇,大骥村,通村,4.5,2,1600000,5\n注：以上金额单位为千元\n",
            "note.csv:3: row is a note stating a unit roadsub does not read (千元; it reads 元、万元（万）、亿元（亿）、公里、米); correct the sheet\n1 bad row; nothing written: a note or a row of units among the rows gives another unit, so the other rows may be in the wrong unit too (state the unit above the header or in the column's header)\n",
        ),
    ] {
        env.write(name, table);
        env.roadsub(&["batch", name, "-o", "out.csv"]).expect(1, "", said);
        assert!(!env.path("out.csv").exists(), "{name}");
    }
}

/// Review 32: a unit a column cannot take was refused with every unit roadsub reads, the
/// refused one among them (`宽度(公里)`: "use … 公里 …"). The units its field takes are said.
#[test]
fn a_unit_a_column_cannot_take_is_refused_naming_those_it_can() {
    let env = Env::new();
    for (header, en, zh) in [
        (
            "宽度(公里)",
            "m or 米: a width is in metres",
            "m、米（宽度以米计）",
        ),
        ("长度(万元)", "km, 公里, m or 米", "km、公里、m、米"),
        ("投资(美元)", "元, 万元 or 亿元", "元、万元、亿元"),
    ] {
        let table = "编号,乡镇,村,类别,宽度,长度,投资\nA1,石鼓镇,大骥村,通村,4.5,2,160万\n";
        let field = header.split('(').next().unwrap();
        let f = env.write(
            "u.csv",
            table
                .replacen(&format!(",{field},"), &format!(",{header},"), 1)
                .replacen(&format!(",{field}\n"), &format!(",{header}\n"), 1),
        );
        env.roadsub(&["batch", &f]).expect(1, "", &format!("{f}: column \"{header}\" has a unit roadsub does not know (use {en})\n1 table not read; nothing written\n"));
        env.roadsub(&["batch", &f, "--lang", "zh"]).expect(
            1,
            "",
            &format!(
                "{f}: “{header}”列的单位无法识别（可用：{zh}）\n1 个表无法读取；未写出任何结果\n"
            ),
        );
    }
}

/// Review 32: a note below the rows stating 元 under `--amount-unit 万元` was told to "give
/// --amount-unit", which had been given. The note and the unit in force are told to agree.
#[test]
fn a_note_against_the_amount_unit_given_is_told_to_agree_with_it() {
    let env = Env::new();
    let f = env.write(
        "am.csv",
        "编号,乡镇,村,类别,宽度,长度,投资\nA1,石鼓镇,大骥村,通村,4.5,2,160\n备注：金额单位为元\n",
    );
    env.roadsub(&["batch", &f, "--amount-unit", "万元"])
        .expect_code(1)
        .stderr_has(&format!("{f}:3: row is a note stating 元, but the table's numbers are read in 万元; correct the note, or state 元 above the header or with --amount-unit\n"));
    env.roadsub(&["batch", &f, "--amount-unit", "万元", "--lang", "zh"])
        .expect_code(1)
        .stderr_has(&format!("{f}:3: 该行是说明行，写明单位为元，而表中数字按万元读取；请改正该说明，或在表头上方或用 --amount-unit 写明元\n"));
}

/// A table separated by semicolons is how spreadsheets write CSV where the comma is the
/// decimal point: `1,500` there was read as 1500 (a thousands comma), where its writer may
/// have meant 1.5. A number with a comma in such a table is refused, naming both readings, by
/// every command that reads a table (the rows around it computed as ever); in a table
/// separated by commas a quoted `"1,500"` is 1500 as before.
#[test]
fn a_comma_in_a_number_of_a_table_separated_by_semicolons_is_refused_by_every_reader() {
    let env = Env::new();
    let table = env.write(
        "semi.csv",
        "id;township;village;class;width_m;length_km;cost\n\
         S1;t;v;group;5;1;1,500\n\
         S2;t;v;group;5;1;900000\n\
         S3;t;v;group;5;1,5;900000\n",
    );
    let en = format!(
        "{table}:2: cost \"1,500\" has a comma, which in a table separated by semicolons (;) may be a decimal comma (1,5 for 1.5) or a thousands comma (1,500 for 1500), so the number cannot be told; write it without the comma (1500) or with a point (1.5)\n\
         {table}:4: length_km \"1,5\" has a comma, which in a table separated by semicolons (;) may be a decimal comma (1,5 for 1.5) or a thousands comma (1,500 for 1500), so the number cannot be told; write it without the comma (1500) or with a point (1.5)\n"
    );
    let zh = format!(
        "{table}:2: 投资“1,500”含逗号：以分号（;）分隔的表中，逗号可能是小数点（1,5 即 1.5），也可能是千位分隔符（1,500 即 1500），无法确定数值；请去掉逗号（1500）或改用小数点（1.5）\n\
         {table}:4: 长度“1,5”含逗号：以分号（;）分隔的表中，逗号可能是小数点（1,5 即 1.5），也可能是千位分隔符（1,500 即 1500），无法确定数值；请去掉逗号（1500）或改用小数点（1.5）\n"
    );
    let out = env.file("out");
    let commands: [&[&str]; 4] = [
        &["batch", &table, "-o", &out, "--keep-going"],
        &[
            "batch",
            &table,
            "-o",
            &out,
            "--keep-going",
            "--rules",
            &bundled("examples/anyue-2018-prorate.toml"),
        ],
        &[
            "compare",
            &table,
            "--set",
            "poverty.group.3.5=15万",
            "-o",
            &out,
            "--keep-going",
        ],
        &["notice", &table, "-o", &out, "--keep-going"],
    ];
    for args in commands {
        for (lang, said) in [("en", &en), ("zh", &zh)] {
            let run = [args, &["--lang", lang]].concat();
            let got = env.roadsub(&run).expect_code(1);
            assert!(
                got.stderr.starts_with(said.as_str()),
                "{run:?}: {}",
                got.stderr
            );
            let _ = std::fs::remove_dir_all(env.path("out"));
            let _ = std::fs::remove_file(env.path("out"));
        }
    }
    // The good row is written, computed as ever.
    env.roadsub(&["batch", &table, "-o", "-", "--keep-going"])
        .expect_code(1)
        .stdout_has("S2,t,v,group,5,1,900000,450000.00,100000.00,550000.00");
    // A point is a decimal point there as everywhere (the README says so).
    let points = env.write(
        "points.csv",
        "id;township;village;class;width_m;length_km;cost
S1;t;v;group;4.5;1.5;900000
",
    );
    env.roadsub(&["batch", &points, "-o", "-"])
        .expect_code(0)
        .stdout_has("S1,t,v,group,4.5,1.5,900000,");
    // Separated by commas, a quoted thousands comma is read as ever.
    let commas = env.write(
        "commas.csv",
        "id,township,village,class,width_m,length_km,cost\nS1,t,v,group,5,1,\"900,000\"\n",
    );
    env.roadsub(&["batch", &commas, "-o", "-"])
        .expect_code(0)
        .stdout_has("S1,t,v,group,5,1,\"900,000\",450000.00,100000.00,550000.00");
}

/// In a table separated by semicolons, where the comma is the decimal point, a point may
/// be a thousands point: `600.000` was read as 600 yuan and `1.000` of other funds as 1
/// yuan, where the table's writer meant 600,000 and 1,000. An amount whose point has three
/// digits after it is refused there by every command, naming both readings; and an approved
/// amount with a comma (`扶贫批复` "1,500") was read as 1500 after the comma's fix, which
/// looked only at the table's own fields: it is refused too. A length's point is a decimal
/// point (2.752 km), and two decimals are an amount's (600000.50).
#[test]
fn a_point_before_three_digits_in_an_amount_of_a_table_separated_by_semicolons_is_refused() {
    let env = Env::new();
    let table = env.write(
        "semi.csv",
        "id;township;village;class;width_m;length_km;cost;other_funds;扶贫批复\n\
         S1;t;v;group;5;1;600.000;0;\n\
         S2;t;v;group;5;1;900000;1.000;\n\
         S3;t;v;village;5;2.752;1900000.50;0;\n\
         S4;t;v;village;5;1;900000;0;1,500\n\
         S5;t;v;village;5;1;900000;0;1.200万\n",
    );
    let point = |column: &str, v: &str| {
        format!("{column} \"{v}\" has a point before three digits, which in a table separated by semicolons (;) may be a thousands point (1.500 for 1500) or a decimal point (1.500 for 1.5), so the number cannot be told; write it without the point (1500) or with at most two decimals (1.5)")
    };
    let en = format!(
        "{table}:2: {}\n{table}:3: {}\n{table}:5: 扶贫批复 \"1,500\" has a comma, which in a table separated by semicolons (;) may be a decimal comma (1,5 for 1.5) or a thousands comma (1,500 for 1500), so the number cannot be told; write it without the comma (1500) or with a point (1.5)\n{table}:6: {}\n",
        point("cost", "600.000"),
        point("other_funds", "1.000"),
        point("扶贫批复", "1.200万"),
    );
    let zh = format!(
        "{table}:2: 投资“600.000”小数点后有三位数字：以分号（;）分隔的表中，点可能是千位分隔符（1.500 即 1500），也可能是小数点（1.500 即 1.5），无法确定数值；请去掉点（1500）或最多保留两位小数（1.5）\n"
    );
    let out = env.file("out");
    let commands: [&[&str]; 4] = [
        &["batch", &table, "-o", &out, "--keep-going"],
        &[
            "batch",
            &table,
            "-o",
            &out,
            "--keep-going",
            "--rules",
            &bundled("examples/anyue-2018-prorate.toml"),
        ],
        &[
            "compare",
            &table,
            "--set",
            "poverty.group.3.5=15万",
            "-o",
            &out,
            "--keep-going",
        ],
        &["notice", &table, "-o", &out, "--keep-going"],
    ];
    for args in commands {
        for (lang, said) in [("en", &en), ("zh", &zh)] {
            let run = [args, &["--lang", lang][..]].concat();
            let got = env.roadsub(&run).expect_code(1);
            assert!(
                got.stderr.starts_with(said.as_str()),
                "{run:?}: {}",
                got.stderr
            );
            let _ = std::fs::remove_dir_all(env.path("out"));
            let _ = std::fs::remove_file(env.path("out"));
        }
    }
    env.roadsub(&["explain", &table, "--id", "S2"])
        .expect_code(1)
        .stderr_has(&format!(
            "roadsub: {table}:3: {}\n",
            point("other_funds", "1.000")
        ));
    // The row with two decimals and the length's decimal point are read as ever.
    env.roadsub(&["batch", &table, "-o", "-", "--keep-going"])
        .expect_code(1)
        .stdout_has("S3,t,v,village,5,2.752,1900000.50,0,,1238400.00,");
}

/// Review 40: the check of a `;` table's thousands points looked at the cell as written, so
/// `￥150.000` of other funds, `＋300.000` disbursed and `１５０.０００` approved were read as 150,
/// 300 and 150 yuan, and `1，500` (a full-width comma) as 1500; a length in metres (`1.500`
/// under 长度(米), `2.400米`) was read as 1.5 and 2.4 m; and a table separated by tabs, as a
/// spreadsheet that writes a decimal comma may save one, read `150.000` of other funds as 150
/// yuan. Each is refused; `12.345万` in a table separated by tabs is 123,450 yuan as before.
#[test]
fn a_thousands_point_behind_a_sign_in_full_width_or_in_metres_or_tabs_is_refused_too() {
    let env = Env::new();
    let semi = env.write(
        "eu.csv",
        "编号;乡镇;村;类别;宽度;长度;投资;整合资金;扶贫批复;已完工;已拨付\n\
         A1;天马乡;画青村;通社;3.5;2;1500000;￥150.000;;2;＋300.000\n\
         A2;天马乡;画青村;通社;3.5;2;1500000;;１５０.０００;2;\n\
         A3;天马乡;画青村;通社;3.5;2;1500000;1，500;;2;\n\
         A4;天马乡;画青村;通社;3.5;2;1500000;150.00;;2;\n",
    );
    let point = "has a point before three digits, which in a table separated by semicolons (;) may be a thousands point (1.500 for 1500) or a decimal point (1.500 for 1.5), so the number cannot be told; write it without the point (1500) or with at most two decimals (1.5)";
    let got = env
        .roadsub(&["batch", &semi, "-o", "-", "--keep-going"])
        .expect_code(1);
    assert!(
        got.stderr.starts_with(&format!(
            "{semi}:2: 整合资金 \"￥150.000\" {point}\n\
             {semi}:2: 已拨付 \"＋300.000\" {point}\n\
             {semi}:3: 扶贫批复 \"１５０.０００\" {point}\n\
             {semi}:4: 整合资金 \"1，500\" has a comma, which in a table separated by semicolons (;) may be a decimal comma (1,5 for 1.5) or a thousands comma (1,500 for 1500), so the number cannot be told; write it without the comma (1500) or with a point (1.5)\n"
        )),
        "{}",
        got.stderr
    );
    // Two decimals are an amount's: read.
    assert!(
        got.stdout.contains("\nA4,天马乡,画青村,通社,3.5,2,1500000,150.00,,2,,300000.00,200000.00,500000.00,1000000.00,999850.00,"),
        "{}",
        got.stdout
    );
    let metres = env.write(
        "m.csv",
        "id;township;village;class;width_m;长度(米);cost_per_km\n\
         A1;天马乡;画青村;通村;4.5;1.500;400000\n\
         A2;天马乡;画青村;通村;4.5;2.400米;400000\n\
         A3;天马乡;画青村;通村;4.5;2400;400000\n",
    );
    let got = env
        .roadsub(&["batch", &metres, "-o", "-", "--keep-going", "--lang", "zh"])
        .expect_code(1);
    let zh = "小数点后有三位数字：以分号（;）分隔的表中，点可能是千位分隔符（1.500 即 1500），也可能是小数点（1.500 即 1.5），无法确定数值；请去掉点（1500）或最多保留两位小数（1.5）";
    assert!(
        got.stderr.starts_with(&format!(
            "{metres}:2: 长度(米)“1.500”{zh}\n{metres}:3: 长度(米)“2.400米”{zh}\n"
        )),
        "{}",
        got.stderr
    );
    assert!(
        got.stdout
            .contains("\nA3,天马乡,画青村,通村,4.5,2400,400000,960000.00,"),
        "{}",
        got.stdout
    );
    let tabs = env.write(
        "t.tsv",
        "id\ttownship\tvillage\tclass\twidth_m\tlength_km\tcost\tother_funds\n\
         A1\t天马乡\t画青村\t通村\t4.5\t2\t1200000\t150.000\n\
         A2\t天马乡\t画青村\t通村\t4.5\t2\t12.345万\t\n",
    );
    let got = env
        .roadsub(&["batch", &tabs, "-o", "-", "--keep-going"])
        .expect_code(1);
    assert!(
        got.stderr.starts_with(&format!("{tabs}:2: other_funds \"150.000\" has a point before three digits, which in a table separated by tabs, as a spreadsheet that writes a decimal comma may save one, may be a thousands point (1.500 for 1500) or a decimal point (1.500 for 1.5), so the number cannot be told; write it without the point (1500) or with at most two decimals (1.5)\n")),
        "{}",
        got.stderr
    );
    assert!(
        got.stdout
            .contains("\nA2,天马乡,画青村,通村,4.5,2,12.345万,,123450.00,"),
        "{}",
        got.stdout
    );
}

/// Review 40: a header cell merged over two columns (`整合资金` over two sub-columns) leaves
/// the second with no header, and its amounts went unread: `10万` there was left out of the
/// shortfall with no word. A number in the column with no header after a column of numbers
/// is refused; words there are the user's notes, and `50,000` split at its comma is said as
/// before.
#[test]
fn a_number_under_no_header_after_a_number_column_is_refused_not_passed_over() {
    let env = Env::new();
    let table = env.write(
        "tr.csv",
        "id,township,village,class,width_m,length_km,cost,other_funds,,\n\
         A1,天马乡,画青村,通村,4.5,2,200万,,10万,\n\
         A2,天马乡,画青村,通村,4.5,2,200万,5万,说明,\n\
         A3,天马乡,画青村,通村,4.5,2,200万,50,000,\n",
    );
    let got = env
        .roadsub(&["batch", &table, "-o", "-", "--keep-going"])
        .expect_code(1);
    assert_eq!(
        got.stderr,
        format!(
            "{table}:2: other_funds is followed by \"10万\" in a column with no header, which is not read: a header cell merged over two columns names only the first (give that column a header of its own, or put the amount where it is read)\n\
             {table}:4: other_funds \"50\" is followed by \"000\" in a column with no header: 50,000 written without quotes is split at its comma, and only its first part read (write the number without the comma or in quotes; a column of its own needs a header)\n\
             2 bad rows; wrote the 1 good row to standard output\n"
        )
    );
    assert!(
        got.stdout.ends_with("\nA2,天马乡,画青村,通村,4.5,2,200万,5万,说明,,900000.00,600000.00,1500000.00,500000.00,450000.00,\n"),
        "{}",
        got.stdout
    );
    env.roadsub(&["explain", &table, "--id", "A1", "--lang", "zh"])
        .expect_code(1)
        .stderr_has("整合资金后面无表头的一列是“10万”，该列不会被读取：合并单元格的表头只给第一列命名（请给那一列单独的表头，或把金额填到会被读取的列中）");
}

/// Review 40: a sheet's sign-off below its rows and the header repeated among them were
/// refused cell by cell, so that an office's sheet was written only with `--keep-going`; they
/// are left out as notes are, and the rows computed.
#[test]
fn a_sign_off_and_the_header_again_are_left_out_as_notes_are() {
    let env = Env::new();
    let table = env.write(
        "so.csv",
        "id,township,village,class,width_m,length_km,cost\n\
         A1,天马乡,画青村,通村,4.5,2,200万\n\
         id,township,village,class,width_m,length_km,cost\n\
         A2,天马乡,画青村,通村,4.5,2,200万\n\
         以下空白,,,,,,\n\
         填表人：张三,,审核人：李四,,,,\n\
         制表日期：2018年5月,,,,,,\n",
    );
    env.roadsub(&["batch", &table, "-o", "-"]).expect(
        0,
        "id,township,village,class,width_m,length_km,cost,transport,poverty,subsidy_total,gap,shortfall,notes\n\
         A1,天马乡,画青村,通村,4.5,2,200万,900000.00,600000.00,1500000.00,500000.00,500000.00,\n\
         A2,天马乡,画青村,通村,4.5,2,200万,900000.00,600000.00,1500000.00,500000.00,500000.00,\n",
        "",
    );
}

/// Review 42: a header cell merged over the columns of several sources (`资金来源(万元)` over
/// 整合资金, 一事一议 and 群众自筹, the row naming them deleted) left the title the user's own
/// and the columns after it without headers: their amounts went unread and the shortfall
/// was 200,000 too high, as a number two columns after a source's header was. A number in
/// any column with no header refuses its row, naming the column before it.
#[test]
fn a_number_under_a_header_merged_over_several_columns_is_refused() {
    let env = Env::new();
    let table = env.write(
        "m3.csv",
        "序号,乡镇,村,类别,宽度,长度,总投资(万元),资金来源(万元),,\n\
         1,石鼓镇,大骥村,通村,4.5,2,300,10,5,5\n\
         2,石鼓镇,玉皇村,通村,4.5,2,300,,,\n",
    );
    env.roadsub(&["batch", &table, "-o", "-", "--keep-going", "--lang", "zh"])
        .expect_code(1)
        .stderr_has(&format!(
            "{table}:2: 资金来源(万元)“10”后面无表头的一列是“5”，该列不会被读取"
        ));
    let two = env.write(
        "m4.csv",
        "序号,乡镇,村,类别,宽度,长度,总投资(万元),整合资金(万元),,\n\
         1,石鼓镇,大骥村,通村,4.5,2,300,10,,5\n",
    );
    env.roadsub(&["batch", &two, "-o", "-"])
        .expect_code(1)
        .stderr_has(&format!("{two}:2: 整合资金(万元) \"10\" is followed by \"5\" in a column with no header, which is not read"));
    // A column with no header before every named one is an index (what pandas writes), and
    // words with digits under no header are a note: neither refuses the row.
    let index = env.write(
        "g.csv",
        ",编号,乡镇,村,类别,宽度,长度,投资,备注,\n\
         0,A1,天马乡,画青村,通村,4.5,2,200万,,3组至5组\n",
    );
    env.roadsub(&["batch", &index, "-o", "-"])
        .expect_code(0)
        .stdout_has(",3组至5组,900000.00,600000.00,1500000.00,500000.00,500000.00,\n");
}

/// A cost headed in 万元 beside a source whose header names no unit (`投资(万元)`,
/// `整合资金`), with nothing above the header saying the table's unit: the source's 20 was
/// read as 20 yuan, where the sheet's writer meant 20万, and the shortfall came out 199,980
/// too high; an approved amount so too (review 43). Such a row is refused, saying how to
/// state the unit; a blank cell or one with its own unit is read (a template's empty source
/// column refuses nothing), and so is a table whose unit is stated.
#[test]
fn a_bare_amount_beside_a_column_in_wan_is_refused_until_its_unit_is_said() {
    let env = Env::new();
    let table = env.write(
        "u1.csv",
        "序号,乡镇,村,类别,宽度,长度,投资(万元),整合资金,扶贫批复\n\
         1,石鼓镇,大骥村,通村,4.5,2,300,20,\n\
         2,石鼓镇,大骥村,通村,4.5,2,300,,30\n\
         3,石鼓镇,大骥村,通村,4.5,2,300,20万,\n\
         4,石鼓镇,大骥村,通村,4.5,2,300,,\n",
    );
    let got = env
        .roadsub(&["batch", &table, "-o", "-", "--keep-going"])
        .expect_code(1);
    assert!(
        got.stderr.starts_with(&format!(
            "{table}:2: 整合资金 \"20\" has no unit, and its header names none, while \"投资(万元)\" is in 万元 and nothing above the header or on the command line states the table's unit: read in 元 it may be far too small; write its unit after it (20万元 or 20元) or in its header, or state the table's unit above the header (单位：万元) or with --amount-unit\n\
             {table}:3: 扶贫批复 \"30\" has no unit"
        )),
        "{}",
        got.stderr
    );
    assert!(
        got.stdout.contains("\n3,石鼓镇,大骥村,通村,4.5,2,300,20万,,900000.00,600000.00,1500000.00,1500000.00,1300000.00,\n4,"),
        "{}",
        got.stdout
    );
    env.roadsub(&["batch", &table, "-o", "-", "--amount-unit", "万元"])
        .expect_code(0)
        .stdout_has("1,石鼓镇,大骥村,通村,4.5,2,300,20,,900000.00,600000.00,1500000.00,1500000.00,1300000.00,\n");
    let yuan = env.write(
        "u2.csv",
        "序号,乡镇,村,类别,宽度,长度,投资(万元),整合资金(元)\n1,石鼓镇,大骥村,通村,4.5,2,300,20\n",
    );
    env.roadsub(&["batch", &yuan, "-o", "-"])
        .expect_code(0)
        .stdout_has(",1499980.00,\n");
}

/// Review 40: a column of a field's amounts under a name roadsub does not read was passed
/// over as the user's own: `工程造价（万元）` beside `每公里造价（万元）` left the cost per km read
/// (a cost of 80万 where the sheet says 200万, the gap 1,200,000 too low), and `涉农整合资金`
/// beside `投资` left its 20万 out of the shortfall, with no word. Such a column is refused
/// by every command, naming the field it looks like; `--map` reads it as the field or as the
/// user's own, and the common names are read.
#[test]
fn a_column_of_a_fields_amounts_under_a_name_not_read_is_refused_not_passed_over() {
    let env = Env::new();
    let table = env.write(
        "pk.csv",
        "编号,乡镇,村,类别,宽度,长度,每公里造价（万元）,概算投资（万元）\n\
         A1,天马乡,画青村,通社,3.5,2,40,200\n",
    );
    let en = format!(
        "{table}: column \"概算投资（万元）\" looks by its name like cost, but that name is not read as one, so its values would count for nothing; head it as roadsub reads cost (cost, 投资, 估算投资, 造价, …) or give --map \"概算投资=cost\"; if it is a column of your own that holds no cost, give --map \"概算投资=own\"\n"
    );
    let zh = format!(
        "{table}: “概算投资（万元）”列看名称像是投资列，但此列名不会被读作投资，其中的数值将不被计入；请改用可识别的列名（投资、估算投资、造价……），或给出 --map \"概算投资=cost\"；若是与投资无关的自有列，请给出 --map \"概算投资=own\"\n"
    );
    let out = env.file("out");
    let commands: [&[&str]; 4] = [
        &["batch", &table, "-o", &out],
        &[
            "compare",
            &table,
            "--set",
            "poverty.group.3.5=15万",
            "-o",
            &out,
        ],
        &["notice", &table, "-o", &out],
        &["explain", &table, "--id", "A1"],
    ];
    for args in commands {
        for (lang, said) in [("en", &en), ("zh", &zh)] {
            let run = [args, &["--lang", lang]].concat();
            let got = env.roadsub(&run).expect_code(1);
            assert!(
                got.stderr.contains(said.as_str()),
                "{run:?}: {}",
                got.stderr
            );
            assert!(!env.path("out").exists(), "{run:?}");
        }
    }
    // Read as the cost: 200万 over 2 km, the group road's 15万 + 10万 a km paid.
    env.roadsub(&["batch", &table, "-o", "-", "--map", "概算投资=cost"])
        .expect_code(0)
        .stdout_has("A1,天马乡,画青村,通社,3.5,2,40,200,300000.00,200000.00,500000.00,1500000.00,1500000.00,\n");
    // The user's own: the cost per km read, as the user says.
    env.roadsub(&["batch", &table, "-o", "-", "--map", "概算投资=own"])
        .expect_code(0)
        .stdout_has("A1,天马乡,画青村,通社,3.5,2,40,200,300000.00,200000.00,500000.00,300000.00,300000.00,\n");
    env.roadsub(&[
        "batch",
        &table,
        "--map",
        "概算投资=own",
        "--map",
        "概算投资=own",
    ])
    .expect_code(2)
    .stderr_has("--map \"概算投资=own\" is given twice; give it once");
    env.roadsub(&[
        "batch",
        &table,
        "--map",
        "概算投资=own",
        "--map",
        "概算投资=cost",
    ])
    .expect_code(2)
    .stderr_has("--map maps \"概算投资\" to both own and cost");
    // The common names of sources and amounts paid out are read; 扶贫资金批复 names no
    // approved amount of the rules and is refused so.
    let sources = env.write(
        "src.csv",
        "编号,乡镇,村,类别,宽度,长度,工程造价,自筹资金,涉农整合资金,已拨付金额\n\
         A1,天马乡,画青村,通社,3.5,2,100万,10万,20万,30万\n",
    );
    env.roadsub(&["batch", &sources, "-o", "-"])
        .expect_code(0)
        .stdout_has(",300000.00,200000.00,500000.00,500000.00,200000.00,\n");
    let approved = env.write(
        "ap.csv",
        "编号,乡镇,村,类别,宽度,长度,投资,扶贫资金批复\nA1,天马乡,画青村,通社,3.5,2,100万,5万\n",
    );
    env.roadsub(&["batch", &approved, "-o", "-"])
        .expect_code(1)
        .stderr_has("column \"扶贫资金批复\" looks by its name like an amount approved for a fund, but the rules read approved amounts only under poverty_approved, 扶贫批复, 扶贫专项批复, 县扶贫专项批复, so it would count for nothing; head it so, or give --map \"扶贫资金批复=own\" if it is a column of your own\n");
    env.roadsub(&["batch", &approved, "-o", "-", "--map", "扶贫资金批复=own"])
        .expect_code(0);
    // Review 44: a fund's money under names of its own, and sources and payments under
    // names offices use, were passed over with no word.
    for (header, said) in [
        (
            "扶贫专项资金",
            "looks by its name like an amount approved for a fund",
        ),
        (
            "扶贫资金(万元)",
            "looks by its name like an amount approved for a fund",
        ),
        (
            "财政扶贫资金",
            "looks by its name like an amount approved for a fund",
        ),
        (
            "扶贫补助",
            "looks by its name like an amount approved for a fund",
        ),
        ("县级配套(万元)", "other_funds"),
        ("中央车购税资金", "other_funds"),
        ("社会捐赠（元）", "other_funds"),
        ("已报账", "disbursed"),
    ] {
        let t = env.write(
            "named.csv",
            format!(
                "编号,乡镇,村,类别,宽度,长度,投资,{header}\nA1,天马乡,画青村,通社,3.5,2,100万,5\n"
            ),
        );
        env.roadsub(&["batch", &t, "-o", "-"])
            .expect_code(1)
            .stderr_has(&format!("\"{header}\""))
            .stderr_has(said);
        let own = header.split(['(', '（']).next().unwrap();
        env.roadsub(&["batch", &t, "-o", "-", "--map", &format!("{own}=own")])
            .expect_code(0);
    }
}

/// `--map 投资=other_funds` took the header's cost column for another field and the run said
/// only "no cost column: give cost (投资, …)" of a header holding 投资. The map that took it
/// is said too, for any field found missing so (noticed at stop 59).
#[test]
fn a_map_that_takes_the_column_a_field_is_missing_says_so() {
    let env = Env::new();
    let table = env.write(
        "mp.csv",
        "编号,乡镇,村,类别,宽度,长度,投资\nS1,天马乡,画青村,通村,4.5,1,100万\n",
    );
    for (map, en, zh) in [
        (
            "投资=other_funds",
            "--map \"投资=other_funds\" reads \"投资\" as other_funds, so it is not the cost column it would otherwise be",
            "--map \"投资=other_funds\" 把“投资”读作整合资金，它便不再是投资列",
        ),
        (
            "村=township",
            "--map \"村=township\" reads \"村\" as township, so it is not the village column it would otherwise be",
            "--map \"村=township\" 把“村”读作乡镇，它便不再是村列",
        ),
    ] {
        for (lang, said) in [("en", en), ("zh", zh)] {
            let got = env
                .roadsub(&["batch", &table, "--map", map, "-o", "-", "--lang", lang])
                .expect_code(1);
            let lines: Vec<&str> = got.stderr.lines().collect();
            assert!(
                lines.contains(&format!("{table}: {said}").as_str()),
                "{}",
                got.stderr
            );
        }
    }
    // A map that leaves no field missing says nothing of it.
    let got = env
        .roadsub(&["batch", &table, "--map", "投资=cost", "-o", "-"])
        .expect_code(0);
    assert!(!got.stderr.contains("--map"), "{}", got.stderr);
}
