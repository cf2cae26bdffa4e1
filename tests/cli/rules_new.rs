//! `roadsub rules new`: the template written, refused over an existing file, printed with `-`,
//! and adapted as the README walks through it.

use super::*;

const TEMPLATE: &str = include_str!("../../src/rules/template.toml");

#[test]
fn rules_new_writes_the_template_that_rules_check_accepts() {
    let env = Env::new();
    env.roadsub(&["rules", "new"]).expect(
        0,
        "rules.toml: template written; edit it, then check it with: roadsub rules check rules.toml\n",
        "",
    );
    assert_eq!(env.read("rules.toml"), TEMPLATE);
    // Nothing else is left beside it (the temporary file was renamed into place).
    assert_eq!(std::fs::read_dir(env.dir.path()).unwrap().count(), 1);
    env.roadsub(&["rules", "check"]).expect(
        0,
        "rules.toml: valid — 2 classes, 2 funds, 4 tiers, 1 budget, 1 test (all pass)\n",
        "",
    );
    env.roadsub(&["rules", "check", "--lang", "zh"]).expect(
        0,
        "rules.toml：有效 — 道路类别 2 个，资金来源 2 个，标准档 4 个，预算额度 1 个，自测 1 项（全部通过）\n",
        "",
    );
    env.roadsub(&["rules", "new", "county.toml", "--lang", "zh"])
        .expect(
            0,
            "county.toml：已写出规则模板；修改后用 roadsub rules check county.toml 检查\n",
            "",
        );
    assert_eq!(env.read("county.toml"), TEMPLATE);
}

#[test]
fn rules_new_refuses_to_overwrite_an_existing_file() {
    let env = Env::new();
    env.write("rules.toml", "mine\n");
    env.roadsub(&["rules", "new"]).expect(
        2,
        "",
        "roadsub: rules.toml already exists; nothing was written (give --force to replace it, or another PATH)\n",
    );
    env.roadsub(&["rules", "new", "rules.toml", "--lang", "zh"])
        .expect(
            2,
            "",
            "roadsub: rules.toml 已存在，未写入任何内容（如要覆盖请加 --force，或另给一个路径）\n",
        );
    assert_eq!(env.read("rules.toml"), "mine\n");
    env.roadsub(&["rules", "new", "--force"]).expect_code(0);
    assert_eq!(env.read("rules.toml"), TEMPLATE);
    assert_eq!(std::fs::read_dir(env.dir.path()).unwrap().count(), 1);
}

#[cfg(unix)]
#[test]
fn rules_new_refuses_a_link_even_to_nothing() {
    let env = Env::new();
    std::os::unix::fs::symlink("elsewhere.toml", env.path("rules.toml")).unwrap();
    env.roadsub(&["rules", "new"]).expect(
        2,
        "",
        "roadsub: rules.toml already exists; nothing was written (give --force to replace it, or another PATH)\n",
    );
    assert!(!env.path("elsewhere.toml").exists());
}

#[test]
fn rules_new_dash_prints_the_template_and_writes_nothing() {
    let env = Env::new();
    env.write("rules.toml", "mine\n");
    env.roadsub(&["rules", "new", "-"]).expect(0, TEMPLATE, "");
    assert_eq!(env.read("rules.toml"), "mine\n");
    assert_eq!(std::fs::read_dir(env.dir.path()).unwrap().count(), 1);
}

#[test]
fn rules_new_writes_where_rules_points_when_no_path_is_given() {
    let env = Env::new();
    env.roadsub(&["--rules", "county.toml", "rules", "new"])
        .expect_code(0)
        .stdout_starts("county.toml: template written");
    assert_eq!(env.read("county.toml"), TEMPLATE);
    assert!(!env.path("rules.toml").exists());
}

#[test]
fn rules_new_says_why_it_cannot_write() {
    let env = Env::new();
    let path = env.file("no-such-folder/rules.toml");
    env.roadsub(&["rules", "new", &path]).expect(
        1,
        "",
        &format!("roadsub: {path}: cannot write the template: no such file or directory\n"),
    );
    env.roadsub(&["rules", "new", &path, "--lang", "zh"])
        .expect(
            1,
            "",
            &format!("roadsub: {path}: 无法写出规则模板：没有这个文件或目录\n"),
        );
}

#[test]
fn rules_new_help_gives_examples_in_both_languages() {
    let env = Env::new();
    env.roadsub(&["rules", "new", "--help"])
        .expect_code(0)
        .stdout_has("  roadsub rules new my-county.toml           write my-county.toml\n")
        .stdout_has("  roadsub rules new - | less                 read it first\n")
        .stdout_has("      --force         Replace PATH if it exists\n");
    env.roadsub(&["rules", "new", "--help", "--lang", "zh"])
        .expect_code(0)
        .stdout_has("  roadsub rules new my-county.toml           写出 my-county.toml\n")
        .stdout_has("退出码：0 已写出；1 无法写出；2 文件已存在（未加 --force）或命令行用法错误。");
}

/// The README's "A rules file for another county", step by step.
#[test]
fn the_readme_walkthrough_adapts_the_template_and_runs_a_batch() {
    let env = Env::new();
    env.roadsub(&["rules", "new", "my-county.toml"])
        .expect_code(0);
    // The bundled table calls group roads 社道: the template's group class learns the name.
    let text = env.read("my-county.toml").replace(
        "aliases = [\"通组\", \"通社\"]",
        "aliases = [\"通组\", \"通社\", \"社道\"]",
    );
    assert_ne!(text, TEMPLATE);
    env.write("my-county.toml", text);
    env.roadsub(&["rules", "check", "my-county.toml"]).expect(
        0,
        "my-county.toml: valid — 2 classes, 2 funds, 4 tiers, 1 budget, 1 test (all pass)\n",
        "",
    );
    env.roadsub(&["rules", "show", "my-county.toml"])
        .expect_code(0)
        .stdout_has("group    group road (placeholder)    通组, 通社, 社道\n");
    let out = env
        .roadsub(&["batch", &example(), "--rules", "my-county.toml"])
        .expect_code(0);
    // AY-01, a village road 4.5 m wide and 2.1 km long: 20万 and up to 15万 a km.
    assert_eq!(cell(&out.stdout, "AY-01", "transport"), "420000.00");
    assert_eq!(cell(&out.stdout, "AY-01", "special"), "315000.00");
    // AY-02, a group road (社道) 3.5 m wide and 2.4 km long: 10万 and up to 5万 a km.
    assert_eq!(cell(&out.stdout, "AY-02", "transport"), "240000.00");
    assert_eq!(cell(&out.stdout, "AY-02", "special"), "120000.00");
}

/// Each commented-out example, switched on by removing its `# `, is accepted too, column names
/// included (the unit tests cannot see the output's columns).
#[test]
fn every_optional_example_of_the_template_switched_on_passes_rules_check() {
    let env = Env::new();
    let switched: String = TEMPLATE
        .lines()
        .map(|line| {
            let rest = line.strip_prefix("# ").unwrap_or(line);
            let key = rest.split_once(" = ").is_some_and(|(k, _)| {
                !k.is_empty() && k.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
            });
            if key || rest == "[[budgets]]" {
                format!("{rest}\n")
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    assert_eq!(
        switched
            .lines()
            .zip(TEMPLATE.lines())
            .filter(|(a, b)| a != b)
            .count(),
        24
    );
    env.write("on.toml", switched);
    env.roadsub(&["rules", "check", "on.toml"]).expect(
        0,
        "on.toml: valid — 2 classes, 2 funds, 4 tiers, 2 budgets, 1 test (all pass)\n",
        "",
    );
}

#[test]
fn rules_new_on_a_folder_says_it_is_a_folder_not_that_force_would_help() {
    // It said "already exists … give --force", and --force then failed.
    let env = Env::new();
    std::fs::create_dir(env.path("d")).unwrap();
    let d = env.path("d").display().to_string();
    for extra in [&[][..], &["--force"][..]] {
        let mut args = vec!["rules", "new", d.as_str()];
        args.extend_from_slice(extra);
        env.roadsub(&args).expect(
            2,
            "",
            &format!("roadsub: {d} is a folder; give the path of the file to write (e.g. {d}/rules.toml)\n"),
        );
    }
    env.roadsub(&["rules", "new", &d, "--lang", "zh"]).expect(
        2,
        "",
        &format!("roadsub: {d} 是文件夹；请给出要写的文件路径（如 {d}/rules.toml）\n"),
    );
}
