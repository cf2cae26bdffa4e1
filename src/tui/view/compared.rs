//! The totals pane while a variant is shown (SPEC §9): each fund, the subsidy and the
//! shortfall under the rules in force, under the variant and the change, in columns; then each
//! budget under the variant, what it paid (and was asked, when more). The amounts are the
//! comparison's ([`crate::report::compare`]); nothing here adds anything up.

use ratatui::style::{Style, Stylize};
use ratatui::text::Line;

use crate::i18n::Lang;
use crate::report::compare::Amounts;
use crate::report::Scope;
use crate::textwidth::{cells, truncate};
use crate::tui::app::App;
use crate::tui::variant::Variant;

/// The pane's title: the totals, their unit and what is compared with what.
pub fn title(app: &App, unit: &str) -> String {
    match (app.lang, app.filter.is_some()) {
        (Lang::En, false) => format!(" Totals ({unit}): in force → variant "),
        (Lang::En, true) => format!(" Totals of all rows ({unit}): in force → variant "),
        (Lang::Zh, false) => format!(" 合计（{unit}）：现行 → 试算 "),
        (Lang::Zh, true) => format!(" 全部行合计（{unit}）：现行 → 试算 "),
    }
}

/// How many lines [`lines`] and [`budgets`] give in `inner` cells (the pane's frame not
/// counted).
pub fn height(app: &App, v: &Variant, inner: usize) -> usize {
    lines(app, v, inner).len() + budgets(app, v, inner).len()
}

/// The fewest cells a label keeps beside its amounts; with less, it goes on a line of its own
/// above them, so the amounts keep the whole width.
const LABEL: usize = 6;

/// `texts` in `widths`, each right-aligned after a space, `label` cut to what is left of
/// `inner` cells.
fn row(inner: usize, label: &str, texts: &[String], widths: &[usize]) -> String {
    let amounts: String = texts
        .iter()
        .zip(widths)
        .map(|(t, &w)| format!(" {}{t}", " ".repeat(w.saturating_sub(cells(t)))))
        .collect();
    let room = inner.saturating_sub(cells(&amounts));
    let label = truncate(label, room);
    format!(
        "{label}{}{amounts}",
        " ".repeat(room.saturating_sub(cells(&label)))
    )
}

/// The comparison's lines in `inner` cells (the budgets' are [`budgets`]).
pub fn lines(app: &App, v: &Variant, inner: usize) -> Vec<Line<'static>> {
    let lang = app.lang;
    let Some(compared) = app.doc.totals_compared() else {
        return Vec::new();
    };
    let (before, after) = (&compared.before, &compared.after);
    let change = before.change_to(after);
    let show = |fen: i128| {
        crate::money::from_fen(fen).map_or_else(
            || lang.pick("overflow", "溢出").to_string(),
            |a| app.show_amount(a),
        )
    };
    // Each fund (headed as its column is), the subsidy and the shortfall.
    let field = |a: &Amounts, i: usize| match i.checked_sub(v.funds.len()) {
        None => a.funds[i],
        Some(0) => a.subsidy_total,
        Some(_) => a.shortfall,
    };
    let label = |i: usize| match i.checked_sub(v.funds.len()) {
        None if lang == Lang::En => v.funds.ids[i].clone(),
        None => v.funds.name(i, lang).to_string(),
        Some(0) => lang.pick("subsidy", "补助合计").to_string(),
        Some(_) => lang.pick("shortfall", "尚需筹集").to_string(),
    };
    let n = v.funds.len() + 2;
    let head = [
        lang.pick("in force", "现行").to_string(),
        lang.pick("variant", "试算").to_string(),
        lang.pick("change", "变化").to_string(),
    ];
    let texts: Vec<[String; 3]> = (0..n)
        .map(|i| {
            [
                show(field(before, i)),
                show(field(after, i)),
                app.show_change(field(&change, i)),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..3)
        .map(|k| {
            texts
                .iter()
                .map(|t| cells(&t[k]))
                .chain([cells(&head[k])])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let amounts = widths.iter().map(|w| w + 1).sum::<usize>();
    let own_line = amounts + LABEL > inner;
    let mut out = vec![Line::from(row(inner, "", &head, &widths)).dark_gray()];
    for (i, t) in texts.iter().enumerate() {
        // What the villages still raise is the number read first.
        let style = if i + 1 == n {
            Style::new().bold()
        } else {
            Style::new()
        };
        if own_line {
            out.extend(super::wrap::wrap_line(
                &Line::styled(label(i), style),
                inner,
            ));
            out.push(Line::styled(row(inner, "", t, &widths), style));
        } else {
            out.push(Line::styled(row(inner, &label(i), t, &widths), style));
        }
    }
    // The rows one side cannot compute are not in the amounts above: said, never silent.
    for said in compared.left_out(lang) {
        out.extend(super::wrap::wrap_line(
            &Line::styled(said, Style::new().yellow()),
            inner,
        ));
    }
    out
}

/// Each budget under the variant: what it paid, and what it was asked when that is more
/// (summed over its villages for a budget per village, with how many are over), in red when
/// over, in yellow when it shared its envelope out; and whether it is over. A budget whose
/// words do not fit beside its name takes more than one line.
pub fn budgets(app: &App, v: &Variant, inner: usize) -> Vec<(bool, Line<'static>)> {
    let lang = app.lang;
    let all = crate::report::budget::lines(&v.rules, v.summary(), lang);
    let said: Vec<(String, String, Style, bool)> = (0..v.rules.budgets.len())
        .map(|b| {
            let mine: Vec<_> = all.iter().filter(|l| l.budget == b).collect();
            let sum = |f: fn(&crate::report::budget::BudgetLine) -> rust_decimal::Decimal| {
                mine.iter()
                    .try_fold(rust_decimal::Decimal::ZERO, |s, l| s.checked_add(f(l)))
                    .unwrap_or(rust_decimal::Decimal::MAX)
            };
            let (paid, asked) = (sum(|l| l.used), sum(|l| l.asked));
            let over = mine.iter().filter(|l| l.is_over()).count();
            let shared = mine.iter().any(|l| l.is_over() && l.cut());
            let villages = mine
                .iter()
                .filter(|l| matches!(l.scope, Scope::Village { .. }))
                .count();
            // Whether it is over comes first: the amounts are cut before it is. A budget
            // that shares its envelope out is not over (the rows are cut to it): said as the
            // totals pane and `roadsub compare` say it.
            let flag = if villages > 0 && shared {
                match lang {
                    Lang::En => format!(" {over}/{villages} villages shared out ·"),
                    Lang::Zh => format!(" {over}/{villages} 村已分配 ·"),
                }
            } else if villages > 0 && over > 0 {
                match lang {
                    Lang::En => format!(" {over}/{villages} villages OVER ·"),
                    Lang::Zh => format!(" {over}/{villages} 村超支 ·"),
                }
            } else if shared {
                lang.pick(" shared out ·", " 已分配 ·").to_string()
            } else if over > 0 {
                lang.pick(" OVER ·", " 超支 ·").to_string()
            } else {
                String::new()
            };
            // What was asked, when the budget paid less than that.
            let words = match (lang, asked == paid) {
                (Lang::En, true) => format!("{flag} paid {}", app.show_amount(paid)),
                (Lang::Zh, true) => format!("{flag} 实拨 {}", app.show_amount(paid)),
                (Lang::En, false) => format!(
                    "{flag} paid {} · asked {}",
                    app.show_amount(paid),
                    app.show_amount(asked)
                ),
                (Lang::Zh, false) => format!(
                    "{flag} 实拨 {} · 申请 {}",
                    app.show_amount(paid),
                    app.show_amount(asked)
                ),
            };
            let name = v.rules.budgets[b].display(&v.rules, lang);
            let style = if shared {
                Style::new().yellow().bold()
            } else if over > 0 {
                Style::new().red().bold()
            } else {
                Style::new()
            };
            (name, words, style, over > 0)
        })
        .collect();
    // The names padded to one width, so the amounts start together where there is room; a
    // name is never cut: one that does not fit beside its words takes lines of its own.
    let widest = said.iter().map(|(n, _, _, _)| cells(n)).max().unwrap_or(0);
    said.into_iter()
        .flat_map(|(name, words, style, over)| {
            // When the name does not fit whole beside the words, it goes on lines of its own
            // and the words wrap under it: neither a name nor an amount is cut.
            if cells(&name) + cells(&words) > inner {
                let mut out: Vec<(bool, Line<'static>)> =
                    super::wrap::wrap_line(&Line::styled(name, style), inner)
                        .into_iter()
                        .map(|l| (over, l))
                        .collect();
                let words = Line::styled(words.trim_start().to_string(), style);
                out.extend(
                    super::wrap::wrap_line(&words, inner)
                        .into_iter()
                        .map(|l| (over, l)),
                );
                return out;
            }
            let width = widest.min(inner.saturating_sub(cells(&words)));
            let pad = " ".repeat(width.saturating_sub(cells(&name)));
            let text = format!("{name}{pad}{words}");
            vec![(over, Line::styled(text, style))]
        })
        .collect()
}
