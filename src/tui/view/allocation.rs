//! `b`: what each budget's envelope holds, what the rows under it asked and were paid, how it
//! shares itself out when they ask more, and the rows it cut (from → to), per village for a
//! budget per village. The amounts are the report layer's budget lines (the totals pane's);
//! the rows cut are what each row keeps of its allocation.

use crate::textwidth::one_line;
use std::collections::BTreeMap;

use crate::i18n::Lang;
use crate::money::{self, grouped};
use crate::report::budget::{lines, BudgetLine, Scope};
use crate::rules::OnOverrun;
use crate::tui::app::App;

/// Rows listed per envelope; a class-wide envelope over a large table cuts thousands.
const LISTED: usize = 200;

/// A row a budget cut: its id (or row number), what it asked and what it was paid, in fen.
struct CutRow {
    who: String,
    from: i64,
    to: i64,
}

/// The rows cut, by budget and (for a budget per village) township and village.
type Cuts = BTreeMap<(usize, Option<(String, String)>), Vec<CutRow>>;

fn cuts(app: &App) -> Cuts {
    let doc = &app.doc;
    let mut out = Cuts::new();
    if doc.allocating().is_empty() {
        return out;
    }
    for at in 0..doc.sheet.rows.len() {
        for (slot, cut) in doc.allocating().iter().enumerate() {
            let Some((from, to)) = doc.cut_of(at, slot) else {
                continue;
            };
            let text = doc.row_text(at);
            let place = cut
                .per_village
                .then(|| (text.township.to_string(), text.village.to_string()));
            let who = match (text.id.is_empty(), app.lang) {
                (false, _) => text.id.to_string(),
                (true, Lang::En) => format!("row {}", at + 1),
                (true, Lang::Zh) => format!("第 {} 行", at + 1),
            };
            out.entry((cut.budget, place))
                .or_default()
                .push(CutRow { who, from, to });
        }
    }
    out
}

/// How a budget shares itself out, in words.
fn how(on_overrun: OnOverrun, lang: Lang) -> &'static str {
    match on_overrun {
        OnOverrun::Report => lang.pick(
            "report: rows paid in full, an overrun stated",
            "仅报告：照付，列明超支",
        ),
        OnOverrun::Prorate => lang.pick(
            "prorate: shared in proportion to what each row asked",
            "按比例分配：按各路段申请额同比例分配",
        ),
        OnOverrun::InOrder => lang.pick(
            "in order: rows paid whole by priority, then row order",
            "按顺序分配：按优先级、再按行序足额拨付",
        ),
    }
}

/// One envelope's amounts on two lines (so an 80-column window shows them whole): envelope
/// and asked, then paid and what is left or short.
fn amounts(line: &BudgetLine, source: bool, indent: &str, lang: Lang) -> String {
    let (label, amount) = match line.over_by() {
        Some(by) if line.cut() => (lang.pick("short", "缺口"), by),
        Some(by) => (lang.pick("over by", "超支"), by),
        None => (lang.pick("left", "结余"), line.left()),
    };
    if source {
        // The plan's own money: used, never asked of the envelope or paid from it.
        return match lang {
            Lang::En => format!(
                "envelope {} · used {} · {label} {}",
                grouped(line.envelope),
                grouped(line.used),
                grouped(amount)
            ),
            Lang::Zh => format!(
                "额度 {} · 已用 {} · {label} {}",
                grouped(line.envelope),
                grouped(line.used),
                grouped(amount)
            ),
        };
    }
    match lang {
        Lang::En => format!(
            "envelope {} · asked {}\n{indent}paid {} · {label} {}",
            grouped(line.envelope),
            grouped(line.asked),
            grouped(line.used),
            grouped(amount)
        ),
        Lang::Zh => format!(
            "额度 {} · 申请 {}\n{indent}实拨 {} · {label} {}",
            grouped(line.envelope),
            grouped(line.asked),
            grouped(line.used),
            grouped(amount)
        ),
    }
}

/// The rows an envelope cut, indented by `indent`, at most [`LISTED`] of them.
fn listed(out: &mut String, rows: &[CutRow], indent: &str, lang: Lang) {
    let yuan = |fen: i64| money::from_fen(i128::from(fen)).map_or_else(String::new, grouped);
    out.push_str(&match lang {
        Lang::En if rows.len() == 1 => format!("{indent}1 row cut:\n"),
        Lang::En => format!("{indent}{} rows cut:\n", rows.len()),
        Lang::Zh => format!("{indent}核减 {} 行：\n", rows.len()),
    });
    let width = rows
        .iter()
        .take(LISTED)
        .map(|r| crate::textwidth::cells(&r.who))
        .max()
        .unwrap_or(0);
    // The amounts right-aligned, as the figures of a column are.
    let shown = &rows[..rows.len().min(LISTED)];
    let from_width = shown.iter().map(|r| yuan(r.from).len()).max().unwrap_or(0);
    let to_width = shown.iter().map(|r| yuan(r.to).len()).max().unwrap_or(0);
    for r in shown {
        let pad = " ".repeat(width - crate::textwidth::cells(&r.who));
        out.push_str(&format!(
            "{indent}  {}{pad}  {:>from_width$} → {:>to_width$}\n",
            one_line(&r.who),
            yuan(r.from),
            yuan(r.to)
        ));
    }
    if rows.len() > LISTED {
        out.push_str(&match lang {
            Lang::En => format!("{indent}  … and {} more\n", rows.len() - LISTED),
            Lang::Zh => format!("{indent}  …… 另有 {} 行\n", rows.len() - LISTED),
        });
    }
}

/// The window's text: each budget in rules order.
pub fn text(app: &App) -> String {
    let (rules, lang) = (&app.rules, app.lang);
    let mut out = String::new();
    if rules.budgets.is_empty() {
        return lang
            .pick(
                "The rules in force set no budget.",
                "当前规则未设预算额度。",
            )
            .to_string();
    }
    if let Some(e) = app.doc.allocated().error {
        out.push_str(&e.render(lang));
        out.push_str("\n\n");
    }
    let all = lines(rules, app.doc.summary(), lang);
    let mut cut = cuts(app);
    for (b, budget) in rules.budgets.iter().enumerate() {
        if b > 0 {
            out.push('\n');
        }
        // A budget on a source measures the plan's own money: nothing is paid from it.
        let how = match budget.draw {
            crate::rules::Draw::Source(_) => lang.pick(
                "the plan's own money, measured against the envelope",
                "规划自有资金，对照额度统计",
            ),
            crate::rules::Draw::Fund(_) => how(budget.on_overrun, lang),
        };
        out.push_str(&format!("{} — {how}\n", budget.display(rules, lang)));
        let mine: Vec<&BudgetLine> = all
            .iter()
            .filter(|l| l.budget == b && !(budget.per_village && l.scope == Scope::Whole))
            .collect();
        if mine.is_empty() {
            out.push_str(lang.pick("  no row falls under it\n", "  没有路段属于该额度\n"));
        }
        for line in mine {
            let (indent, place) = match line.scope {
                Scope::Whole => ("  ", None),
                Scope::Village { township, village } => {
                    // A line break in a name would break the list's line: shown as its mark.
                    let (t, v) = (one_line(township), one_line(village));
                    out.push_str(&format!("  {t} {v}\n"));
                    ("    ", Some((township.to_string(), village.to_string())))
                }
            };
            let source = matches!(budget.draw, crate::rules::Draw::Source(_));
            out.push_str(&format!(
                "{indent}{}\n",
                amounts(line, source, indent, lang)
            ));
            if let Some(rows) = cut.remove(&(b, place)) {
                listed(&mut out, &rows, indent, lang);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The defect: the rows a budget cut were listed with their amounts flush left, so
    /// `1,000,000.00 → 800,000.00` and `90,000.00 → 72,000.00` did not line up.
    #[test]
    fn the_rows_cut_are_listed_with_their_amounts_aligned() {
        let rows = [
            CutRow {
                who: "AY-01".into(),
                from: 100_000_000,
                to: 80_000_000,
            },
            CutRow {
                who: "AY-2".into(),
                from: 9_000_000,
                to: 7_200_000,
            },
        ];
        let mut out = String::new();
        listed(&mut out, &rows, "  ", Lang::En);
        assert_eq!(
            out,
            "  2 rows cut:\n    AY-01  1,000,000.00 → 800,000.00\n    AY-2      90,000.00 →  72,000.00\n"
        );
    }
}
