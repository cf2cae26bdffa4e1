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
