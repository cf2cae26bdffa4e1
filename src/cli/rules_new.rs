//! `roadsub rules new [PATH]`: a commented rules file to adapt for a county whose rules are
//! not the shipped ones. It never replaces a file unless told to, since the file it would
//! replace is most likely someone's edited rules.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{value_parser, Arg, ArgAction, ArgMatches, Command};

use super::{help_flag, to_stdout, Failure, EXIT_BAD_INPUT, EXIT_OK, EXIT_USAGE};
use crate::i18n::Lang;
use crate::rules::TEMPLATE_TOML;
use crate::table::replace::Replacement;

/// Where the template goes when neither PATH nor `--rules` says.
const DEFAULT_PATH: &str = "rules.toml";

pub(super) fn command(lang: Lang) -> Command {
    Command::new("new")
        .about(lang.pick(
            "Write a template rules file, every key explained in Chinese and English, to adapt \
             for another county",
            "写出规则文件模板（每个键都有中英文说明），供其他县修改使用",
        ))
        .after_help(lang.pick(
            "Examples:\n  \
             roadsub rules new                          write ./rules.toml\n  \
             roadsub rules new my-county.toml           write my-county.toml\n  \
             roadsub rules new - | less                 read it first\n  \
             roadsub rules new my-county.toml --force   start my-county.toml again\n  \
             roadsub rules check my-county.toml         then validate your edits\n\n\
             Exit status: 0 written; 1 it could not be written; 2 PATH exists (without --force) \
             or a wrong command line.",
            "示例：\n  \
             roadsub rules new                          写出 ./rules.toml\n  \
             roadsub rules new my-county.toml           写出 my-county.toml\n  \
             roadsub rules new - | less                 先看一看\n  \
             roadsub rules new my-county.toml --force   覆盖已有的 my-county.toml\n  \
             roadsub rules check my-county.toml         修改后检查\n\n\
             退出码：0 已写出；1 无法写出；2 文件已存在（未加 --force）或命令行用法错误。",
        ))
        .disable_help_flag(true)
        .help_template(super::help_template(lang))
        .next_help_heading(lang.pick("Options", "选项"))
        .arg(help_flag(lang))
        .arg(
            Arg::new("path")
                .value_name("PATH")
                .value_parser(value_parser!(PathBuf))
                .help(lang.pick(
                    "Where to write it; - for standard output [default: as --rules, else \
                     rules.toml]",
                    "写到哪里；- 表示标准输出［默认：同 --rules，未给则为 rules.toml］",
                )),
        )
        .arg(
            Arg::new("force")
                .long("force")
                .action(ArgAction::SetTrue)
                .help(lang.pick("Replace PATH if it exists", "PATH 已存在时覆盖")),
        )
}

/// Writes the template to PATH (or `--rules`, or `./rules.toml`), or prints it for `-`.
pub(super) fn run(sub: &ArgMatches, rules: Option<&PathBuf>, lang: Lang) -> Result<u8, Failure> {
    let path = sub
        .get_one::<PathBuf>("path")
        .or(rules)
        .map_or(Path::new(DEFAULT_PATH), PathBuf::as_path);
    if path == Path::new("-") {
        to_stdout(TEMPLATE_TOML.as_bytes(), lang)?;
        return Ok(EXIT_OK);
    }
    let label = path.display();
    // A folder cannot become a rules file, --force or not: say so first.
    if path.is_dir() {
        return Err(Failure::new(
            EXIT_USAGE,
            match lang {
                Lang::En => format!(
                    "{label} is a folder; give the path of the file to write (e.g. {}/rules.toml)",
                    path.display()
                ),
                Lang::Zh => format!(
                    "{label} 是文件夹；请给出要写的文件路径（如 {}/rules.toml）",
                    path.display()
                ),
            },
        ));
    }
    // `rules new /dev/stdin < t.csv` would add the template to t.csv.
    super::refuse_writing_a_reading_descriptor(path, "", lang)?;
    // A link counts as there even when what it names is not: writing would go through it.
    if !sub.get_flag("force") && std::fs::symlink_metadata(path).is_ok() {
        return Err(Failure::new(
            EXIT_USAGE,
            match lang {
                Lang::En => format!(
                    "{label} already exists; nothing was written (give --force to replace it, \
                     or another PATH)"
                ),
                Lang::Zh => format!(
                    "{label} 已存在，未写入任何内容（如要覆盖请加 --force，或另给一个路径）"
                ),
            },
        ));
    }
    write(path).map_err(|e| {
        Failure::new(
            EXIT_BAD_INPUT,
            format!(
                "{label}: {}{}",
                lang.pick("cannot write the template: ", "无法写出规则模板："),
                lang.io_reason(&e)
            ),
        )
    })?;
    let said = match lang {
        Lang::En => format!(
            "{label}: template written; edit it, then check it with: roadsub rules check {label}\n"
        ),
        Lang::Zh => {
            format!("{label}：已写出规则模板；修改后用 roadsub rules check {label} 检查\n")
        }
    };
    to_stdout(said.as_bytes(), lang)?;
    Ok(EXIT_OK)
}

/// Writes the template in place of `path` at once, as every other output is written.
fn write(path: &Path) -> std::io::Result<()> {
    let out = Replacement::new(path, ".toml")?;
    out.file().write_all(TEMPLATE_TOML.as_bytes())?;
    out.commit()
}
