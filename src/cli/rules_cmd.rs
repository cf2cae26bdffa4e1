//! `roadsub rules check|show|test|new [PATH]`: validate a rules file, print its tiers and
//! budgets, run its self-tests, or start one from the template.

use std::path::PathBuf;

use clap::{value_parser, Arg, ArgMatches, Command};

use super::{help_flag, load_rules, to_stdout, Failure, EXIT_BAD_INPUT, EXIT_OK};
use crate::i18n::Lang;

fn path_arg(lang: Lang) -> Arg {
    Arg::new("path")
        .value_name("PATH")
        .value_parser(value_parser!(PathBuf))
        .help(lang.pick(
            "Rules file [default: as --rules]",
            "规则文件［默认：同 --rules］",
        ))
}

/// `--as-of DATE` for `rules test`: the day that dates the tests that give none, as it dates
/// a table's rows that give none elsewhere (SPEC §9).
fn as_of_arg(lang: Lang) -> Arg {
    Arg::new("as_of")
        .long("as-of")
        .value_name("DATE")
        .help(lang.pick(
            "Rates in force on DATE (YYYY-MM-DD) for the tests that give no date [default: the rules' effective date]",
            "未写 date 的自测按 DATE（年-月-日）施行的标准计算［默认：规则的生效日期］",
        ))
}

pub(super) fn command(lang: Lang) -> Command {
    Command::new("rules")
        .about(lang.pick(
            "Check, show, test or start a rules file",
            "检查、显示、自测或新建规则文件",
        ))
        .disable_help_flag(true)
        .help_template(super::help_template(lang))
        .disable_help_subcommand(true)
        .subcommand_required(true)
        .subcommand_help_heading(lang.pick("Commands", "命令"))
        .next_help_heading(lang.pick("Options", "选项"))
        .arg(help_flag(lang))
        .subcommand(
            Command::new("check")
                .about(lang.pick(
                    "Validate a rules file and run its tests; every problem as FILE:LINE:COL (exit 0 valid, 1 not)",
                    "检查规则文件并运行其自测，逐条列出问题 文件:行:列（有效退出 0，无效退出 1）",
                ))
                .disable_help_flag(true)
                .help_template(super::help_template(lang))
                .next_help_heading(lang.pick("Options", "选项"))
                .arg(help_flag(lang))
                .arg(path_arg(lang)),
        )
        .subcommand(
            Command::new("show")
                .about(lang.pick(
                    "Print the classes, tiers and budgets of a rules file",
                    "显示规则文件的道路类别、标准档与预算额度",
                ))
                .disable_help_flag(true)
                .help_template(super::help_template(lang))
                .next_help_heading(lang.pick("Options", "选项"))
                .arg(help_flag(lang))
                .arg(path_arg(lang)),
        )
        .subcommand(
            Command::new("test")
                .about(lang.pick(
                    "Run the rules file's [[test]] entries; what differs for each that fails (exit 0 all pass, 1 not)",
                    "运行规则文件中的 [[test]] 自测，逐项列出未通过者的差异（全部通过退出 0，否则退出 1）",
                ))
                .disable_help_flag(true)
                .help_template(super::help_template(lang))
                .next_help_heading(lang.pick("Options", "选项"))
                .arg(help_flag(lang))
                .arg(path_arg(lang))
                .arg(as_of_arg(lang)),
        )
        .subcommand(super::rules_new::command(lang))
}

pub(super) fn run(m: &ArgMatches, lang: Lang) -> Result<u8, Failure> {
    let (name, sub) = m.subcommand().expect("clap requires a subcommand");
    if name == "new" {
        return super::rules_new::run(sub, m.get_one::<PathBuf>("rules"), lang);
    }
    // What `rules show` is for is its text: none of it may go nowhere. (`check` and `test`
    // answer with their status too.)
    if name == "show" {
        super::refuse_closed_stdout(None, lang)?;
    }
    let path = sub
        .get_one::<PathBuf>("path")
        .or_else(|| m.get_one::<PathBuf>("rules"));
    // A bad --as-of is refused before the rules are read.
    let day = if name == "test" {
        super::as_of_day(sub, lang)?
    } else {
        None
    };
    let mut rules = load_rules(path.map(PathBuf::as_path), lang)?;
    if let Some(day) = day {
        rules.set_as_of(day);
    }
    match name {
        "test" => {
            let (text, failed) = crate::rules::selftest::report(&rules, lang);
            to_stdout(text.as_bytes(), lang)?;
            if failed > 0 {
                return Ok(EXIT_BAD_INPUT);
            }
        }
        "check" => {
            // A file whose tests fail gives other answers than were agreed: not valid.
            let failures = crate::rules::selftest::failures(&rules, lang);
            if !failures.is_empty() {
                return Err(Failure::new(EXIT_BAD_INPUT, failures.join("\n")));
            }
            let tests = rules.tests.len();
            let tiers: usize = rules.funds.iter().map(|f| f.tiers.len()).sum();
            let text = match lang {
                Lang::En => {
                    let n = |count: usize, one: &str, many: &str| {
                        format!("{count} {}", if count == 1 { one } else { many })
                    };
                    let tests = match tests {
                        0 => String::new(),
                        t => format!(", {} (all pass)", n(t, "test", "tests")),
                    };
                    format!(
                        "{}: valid — {}, {}, {}, {}{tests}\n",
                        rules.origin(lang),
                        n(rules.classes.len(), "class", "classes"),
                        n(rules.funds.len(), "fund", "funds"),
                        n(tiers, "tier", "tiers"),
                        n(rules.budgets.len(), "budget", "budgets")
                    )
                }
                Lang::Zh => {
                    let tests = match tests {
                        0 => String::new(),
                        t => format!("，自测 {t} 项（全部通过）"),
                    };
                    format!(
                        "{}：有效 — 道路类别 {} 个，资金来源 {} 个，标准档 {} 个，预算额度 {} 个{tests}\n",
                        rules.origin(lang),
                        rules.classes.len(),
                        rules.funds.len(),
                        tiers,
                        rules.budgets.len()
                    )
                }
            };
            to_stdout(text.as_bytes(), lang)?;
        }
        _ => to_stdout(crate::rules::describe(&rules, lang).as_bytes(), lang)?,
    }
    Ok(EXIT_OK)
}
