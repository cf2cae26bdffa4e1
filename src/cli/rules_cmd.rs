//! `roadsub rules check|show [PATH]`: validate a rules file, or print its tiers and budgets.

use std::path::PathBuf;

use clap::{value_parser, Arg, ArgMatches, Command};

use super::{help_flag, load_rules, print_out, Failure, EXIT_OK};
use crate::i18n::Lang;
use crate::money;
use crate::rules::RuleSet;
use crate::textwidth::{Align, Table};

fn path_arg(lang: Lang) -> Arg {
    Arg::new("path")
        .value_name(lang.pick("PATH", "路径"))
        .value_parser(value_parser!(PathBuf))
        .help(lang.pick(
            "Rules file [default: as --rules]",
            "规则文件［默认：同 --rules］",
        ))
}

pub(super) fn command(lang: Lang) -> Command {
    Command::new("rules")
        .about(lang.pick("Check or show a rules file", "检查或显示规则文件"))
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .subcommand_required(true)
        .subcommand_help_heading(lang.pick("Commands", "命令"))
        .next_help_heading(lang.pick("Options", "选项"))
        .arg(help_flag(lang))
        .subcommand(
            Command::new("check")
                .about(lang.pick(
                    "Validate a rules file; every problem as FILE:LINE:COL (exit 0 valid, 1 not)",
                    "检查规则文件，逐条列出问题 文件:行:列（有效退出 0，无效退出 1）",
                ))
                .disable_help_flag(true)
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
                .next_help_heading(lang.pick("Options", "选项"))
                .arg(help_flag(lang))
                .arg(path_arg(lang)),
        )
}

pub(super) fn run(m: &ArgMatches, lang: Lang) -> Result<u8, Failure> {
    let (name, sub) = m.subcommand().expect("clap requires a subcommand");
    let path = sub
        .get_one::<PathBuf>("path")
        .or_else(|| m.get_one::<PathBuf>("rules"));
    let rules = load_rules(path.map(PathBuf::as_path), lang)?;
    match name {
        "check" => {
            let tiers: usize = rules.funds.iter().map(|f| f.tiers.len()).sum();
            let text = match lang {
                Lang::En => format!(
                    "{}: valid — {} classes, {} funds, {} tiers, {} budgets\n",
                    rules.origin,
                    rules.classes.len(),
                    rules.funds.len(),
                    tiers,
                    rules.budgets.len()
                ),
                Lang::Zh => format!(
                    "{}：有效 — 道路类别 {} 个，资金来源 {} 个，标准档 {} 个，预算额度 {} 个\n",
                    rules.origin,
                    rules.classes.len(),
                    rules.funds.len(),
                    tiers,
                    rules.budgets.len()
                ),
            };
            print_out(&text)?;
        }
        _ => print_out(&show(&rules, lang))?,
    }
    Ok(EXIT_OK)
}

/// The rules as aligned tables.
pub fn show(rules: &RuleSet, lang: Lang) -> String {
    let m = &rules.meta;
    let mut out = String::new();
    out.push_str(&format!("{}\n", m.display_name(lang)));
    let mut facts = vec![(lang.pick("file", "文件"), rules.origin.clone())];
    if let Some(issuer) =
        crate::rules::display_opt(lang, m.issuer.as_deref(), m.issuer_en.as_deref())
    {
        facts.push((lang.pick("issuer", "发布机关"), issuer.to_string()));
    }
    facts.push((
        lang.pick("source", "依据"),
        m.display_source(lang).to_string(),
    ));
    if let Some(date) = &m.effective {
        facts.push((lang.pick("effective", "生效日期"), date.clone()));
    }
    facts.push((lang.pick("currency", "币种"), m.currency.clone()));
    let rounding = match m.rounding {
        money::Rounding::HalfAwayFromZero => {
            lang.pick("half away from zero (四舍五入)", "四舍五入")
        }
        money::Rounding::HalfEven => lang.pick("half to even (四舍六入五成双)", "四舍六入五成双"),
    };
    facts.push((
        lang.pick("rounding", "舍入"),
        format!("{} ({})", rounding, m.rounding.key()),
    ));
    let width = facts
        .iter()
        .map(|(k, _)| crate::textwidth::cells(k))
        .max()
        .unwrap_or(0);
    for (k, v) in facts {
        out.push_str(&format!(
            "  {k}{}  {v}\n",
            " ".repeat(width - crate::textwidth::cells(k))
        ));
    }

    out.push('\n');
    let mut classes = Table::new(
        vec![
            lang.pick("class", "类别").into(),
            lang.pick("name", "名称").into(),
            lang.pick("also accepted", "也可写作").into(),
        ],
        vec![Align::Left; 3],
    )
    .max_cell(80);
    for c in &rules.classes {
        classes.push(vec![
            c.id.clone(),
            c.display(lang).to_string(),
            c.aliases.join(lang.pick(", ", "、")),
        ]);
    }
    out.push_str(&classes.render());

    out.push('\n');
    let mut tiers = Table::new(
        vec![
            lang.pick("fund", "资金来源").into(),
            lang.pick("classes", "适用类别").into(),
            lang.pick("min width", "最小宽度").into(),
            lang.pick("rate per km", "每公里补助").into(),
        ],
        vec![Align::Left, Align::Left, Align::Right, Align::Right],
    )
    .max_cell(60);
    for f in &rules.funds {
        for t in &f.tiers {
            let names: Vec<&str> = t
                .classes
                .iter()
                .map(|&c| rules.classes[c].display(lang))
                .collect();
            let rate = money::grouped(t.rate_per_km);
            let rate = if f.up_to {
                format!("{} {rate}", lang.pick("up to", "不超过"))
            } else {
                rate
            };
            tiers.push(vec![
                format!("{} {}", f.id, f.display(lang)),
                names.join(lang.pick(", ", "、")),
                format!("{} {}", money::measure(t.min_width_m), lang.pick("m", "米")),
                rate,
            ]);
        }
    }
    out.push_str(&tiers.render());

    if !rules.budgets.is_empty() {
        out.push('\n');
        let mut budgets = Table::new(
            vec![
                lang.pick("budget", "预算额度").into(),
                lang.pick("fund", "资金来源").into(),
                lang.pick("class", "类别").into(),
                lang.pick("amount", "金额（元）").into(),
            ],
            vec![Align::Left, Align::Left, Align::Left, Align::Right],
        )
        .max_cell(60);
        for b in &rules.budgets {
            let class = b.class.map_or(lang.pick("all", "全部").to_string(), |c| {
                rules.classes[c].display(lang).to_string()
            });
            let amount = money::grouped(b.amount);
            let amount = if b.per_village {
                format!("{amount} {}", lang.pick("per village", "每村"))
            } else {
                amount
            };
            budgets.push(vec![
                b.display(rules, lang),
                rules.funds[b.fund].id.clone(),
                class,
                amount,
            ]);
        }
        out.push_str(&budgets.render());
    }
    out
}
