//! `roadsub` without a command: its help and version, and the interactive table it opens.

use super::*;

#[test]
fn help_has_examples_and_exit_codes_in_both_languages() {
    let env = Env::new();
    env.roadsub(&["--help"])
        .expect_code(0)
        .stdout_has("roadsub batch plan.csv -o results.csv --summary")
        .stdout_has("Exit status: 0 all rows computed; 1 bad rows");
    env.roadsub(&["--help", "--lang", "zh"])
        .run()
        .stdout_has("退出码：0 全部路段计算完成");
    env.roadsub(&["batch", "--help"])
        .run()
        .stdout_has("--keep-going");
    let version = env.roadsub(&["--version"]).expect_code(0);
    // The defect: Chinese help headed its lists "选项:" and "命令:" with an ASCII colon (clap's),
    // beside "用法：" and "示例：", and named the options [OPTIONS].
    let commands: [&[&str]; 8] = [
        &[],
        &["batch"],
        &["explain"],
        &["compare"],
        &["notice"],
        &["rules"],
        &["rules", "check"],
        &["rules", "new"],
    ];
    for command in commands {
        let help = env
            .roadsub(&[command, &["--help", "--lang", "zh"]].concat())
            .expect_code(0);
        help.stdout_has("\n选项：\n");
        let text = &help.stdout;
        assert!(!text.contains("[OPTIONS]"), "{command:?}: {text}");
        let usage = text.lines().find(|l| l.starts_with("用法：")).unwrap();
        assert!(usage.contains(" [选项]"), "{command:?}: {usage}");
        for line in text.lines().filter(|l| !l.starts_with(' ')) {
            assert!(!line.ends_with(':'), "{command:?}: {line:?}");
        }
    }
    env.roadsub(&["rules", "--help", "--lang", "zh"])
        .run()
        .stdout_has("\n命令：\n");
    env.roadsub(&["compare", "--help", "--lang", "en"])
        .run()
        .stdout_has("\nOptions:\n")
        .stdout_has("Usage: roadsub compare [OPTIONS] <FILE>...");
    assert_eq!(
        version.stdout.trim(),
        concat!("roadsub ", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn the_encoding_options_are_in_the_help_in_both_languages() {
    let env = Env::new();
    env.roadsub(&["--help"])
        .run()
        .stdout_has("--encoding <utf-8|gbk>")
        .stdout_has("Encoding of FILE, a CSV table");
    env.roadsub(&["--help", "--lang", "zh"])
        .run()
        .stdout_has("FILE（CSV 表格）的编码");
    env.roadsub(&["batch", "--help"])
        .run()
        .stdout_has("--input-encoding <utf-8|gbk>");
    env.roadsub(&["batch", "--help", "--lang", "zh"])
        .run()
        .stdout_has("CSV 输入的编码");
}

#[test]
fn the_interactive_table_needs_a_terminal() {
    let env = Env::new();
    env.roadsub(&["examples/anyue-2018.csv"]).expect_code(1).stderr(
        "roadsub: the interactive table needs a terminal; to compute a file in a script use: roadsub batch FILE\n",
    );
}

#[test]
fn a_mistyped_command_is_named_not_taken_for_a_table() {
    let env = Env::new();
    let table = env.write("plan.csv", "id,length_km,cost\nA,1,100000\n");
    let said = |typed: &str, meant: &str| {
        format!(
            "roadsub: unknown command '{typed}' (commands: batch, rules, explain, compare, \
             notice); did you mean '{meant}'? (no file is named '{typed}' either; to make a new \
             table of that name, write ./{typed})\n\n\
             Usage: roadsub [OPTIONS] [FILE] [COMMAND]\n\n\
             For more information, try '--help'.\n"
        )
    };
    // clap took `batchh` for FILE and said the table was an unexpected argument.
    env.roadsub(&["batchh", &table])
        .expect(2, "", &said("batchh", "batch"));
    // `a` was said to be an unknown command.
    env.roadsub(&["notic", "a", "b"])
        .expect(2, "", &said("notic", "notice"));
    env.roadsub(&["rule", "show"])
        .expect(2, "", &said("rule", "rules"));
    // Alone, it was a new table to open (here: no terminal to open it in).
    env.roadsub(&["compar"])
        .expect(2, "", &said("compar", "compare"));
    env.roadsub(&["--lang", "zh", "exlpain", "--row", "3"])
        .expect(
        2,
        "",
        "roadsub: 未知的命令 exlpain（可用：batch、rules、explain、compare、notice）；是否想用 \
         explain？（也没有名为 exlpain 的文件；要新建这个名字的表格请写 ./exlpain）\n\n\
         用法：roadsub [选项] [FILE] [COMMAND]\n\n\
         更多信息请用 --help。\n",
    );
    // A table of that name, or one written with its folder, is a table.
    let needs_terminal = "roadsub: the interactive table needs a terminal; to compute a \
                          file in a script use: roadsub batch FILE\n";
    env.roadsub(&["./compar"]).expect(1, "", needs_terminal);
    env.roadsub(&["--", "compar"]).expect(1, "", needs_terminal);
    env.write("compar", "id,length_km,cost\nA,1,100000\n");
    env.roadsub(&["compar"]).expect(1, "", needs_terminal);
    // A command of a command, mistyped: its own commands are listed, not roadsub's.
    env.roadsub(&["rules", "shwo", "--lang", "zh"])
        .expect_code(2)
        .stderr_starts(
            "roadsub: 未知的命令 shwo（可用：check、show、test、new）；是否想用 show？\n",
        );
    // A real command mistyped after a table is clap's to say, as before.
    env.roadsub(&[&table, "batchh"])
        .expect_code(2)
        .stderr_has("unrecognized subcommand 'batchh'");
}

/// The table view's own options and its FILE, written before a command, were dropped
/// without a word: `roadsub --amount-unit 万元 batch plan.csv` read a cost of 100 as 100 yuan
/// (a 100.00 subsidy, status 0), and `--as-of` before `batch` paid the rates of another day.
/// Every such option before every command is now a wrong command line (status 2), said with
/// where it goes, and nothing is computed or written.
#[test]
fn an_option_of_the_table_view_written_before_a_command_is_refused_not_dropped() {
    let env = Env::new();
    let plan = env.write(
        "u2.csv",
        "id,township,village,class,width_m,length_km,cost\nA,T,V,village,3.5,1,100\n",
    );
    let out = env.path("out.csv");
    let out = out.to_str().unwrap();
    let options: [&[&str]; 5] = [
        &["--amount-unit", "万元"],
        &["--as-of", "2019-06-01"],
        &["--encoding", "gbk"],
        &["--map", "ID号=id"],
        &[&plan],
    ];
    let commands: [&[&str]; 7] = [
        &["batch", &plan, "-o", out],
        &["explain", &plan, "--row", "1"],
        &[
            "compare",
            &plan,
            "--set",
            "poverty.group.3.5=15万",
            "-o",
            out,
        ],
        &["notice", &plan, "-o", out],
        &["rules", "check"],
        &["rules", "show"],
        &["rules", "test"],
    ];
    for option in options {
        for command in commands {
            for lang in ["en", "zh"] {
                let args = [&["--lang", lang], option, command].concat();
                env.roadsub(&args)
                    .expect(2, "", &stderr_for(option, command, lang, &plan));
                assert!(!std::path::Path::new(out).exists(), "{args:?} wrote {out}");
            }
        }
    }
    // The command then lacking its table (`roadsub plan.csv batch`) got clap's "missing
    // <FILE>": what was written before the command is said all the same.
    for option in options {
        for command in commands.iter().filter(|c| c.contains(&plan.as_str())) {
            let without: Vec<&str> = command.iter().copied().filter(|a| *a != plan).collect();
            for lang in ["en", "zh"] {
                let args = [&["--lang", lang], option, &without[..]].concat();
                env.roadsub(&args)
                    .expect(2, "", &stderr_for(option, command, lang, &plan));
                assert!(!std::path::Path::new(out).exists(), "{args:?} wrote {out}");
            }
        }
    }
    // After the command, as before.
    env.roadsub(&["batch", &plan, "--amount-unit", "万元"])
        .expect_code(0)
        .stdout_has("A,T,V,village,3.5,1,100,150000.00,250000.00,400000.00,600000.00,600000.00,");
}

/// The message [`an_option_of_the_table_view_written_before_a_command_is_refused_not_dropped`]
/// expects.
fn stderr_for(option: &[&str], command: &[&str], lang: &str, plan: &str) -> String {
    let name = match command[0] {
        "rules" => format!("rules {}", command[1]),
        other => other.to_string(),
    };
    let zh = lang == "zh";
    let said = if option[0] == plan {
        match (name.starts_with("rules"), zh) {
            (false, false) => format!("the table {plan} comes before the command {name}, which reads only what follows it: write it after the command (roadsub {name} {plan} …)"),
            (false, true) => format!("表格 {plan} 写在了命令 {name} 之前，该命令只读取其后的内容：请写在命令之后（roadsub {name} {plan} …）"),
            (true, false) => format!("the table {plan} comes before the command {name}, which reads no table: leave it out, or open it without a command (roadsub {plan})"),
            (true, true) => format!("表格 {plan} 写在了命令 {name} 之前，而该命令不读取表格：请删去，或不带命令打开它（roadsub {plan}）"),
        }
    } else {
        let long = option[0];
        // Of `rules`, test takes `--as-of` (check and show none of these); batch, compare and
        // notice name the encoding of the tables they read `--input-encoding` (explain
        // `--encoding`).
        let takes = !name.starts_with("rules") || (name == "rules test" && long == "--as-of");
        let input = long == "--encoding" && name != "explain";
        match (takes, input, zh) {
            (true, false, false) => format!("{long} comes before the command {name}, which reads only the options that follow it: write it after the command (roadsub {name} … {long} …)"),
            (true, false, true) => format!("{long} 写在了命令 {name} 之前，该命令只读取其后的选项：请写在命令之后（roadsub {name} … {long} …）"),
            (true, true, false) => format!("{long} comes before the command {name}, which reads only the options that follow it: the encoding of the tables it reads is its --input-encoding (roadsub {name} … --input-encoding …)"),
            (true, true, true) => format!("{long} 写在了命令 {name} 之前，该命令只读取其后的选项：它读取的表格的编码用 --input-encoding 指定（roadsub {name} … --input-encoding …）"),
            (false, _, false) => format!("{long} comes before the command {name}, which takes no {long}: it is an option of the interactive table (roadsub {long} … FILE)"),
            (false, _, true) => format!("{long} 写在了命令 {name} 之前，而该命令没有 {long} 选项：它是交互式表格的选项（roadsub {long} … FILE）"),
        }
    };
    format!("roadsub: {said}\n")
}
