//! The two panes under the table, as widgets: the detail pane (why the current row's numbers
//! are what they are) and the totals pane (totals, progress and budget use, overruns said in
//! words). Each knows the height it needs, so the layout can give it room.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};

use super::gauge::bar;
use crate::engine::Share;
use crate::i18n::Lang;
use crate::money::{self, percent};
use crate::report::budget::Headline;
use crate::report::Scope;
use crate::rules::{Fund, TierChoice};
use crate::textwidth::{cells, truncate};
use crate::tui::app::App;
use crate::tui::cells::Unit;
use crate::tui::doc::{Calc, Computed};

/// Why the current row's numbers are what they are; when the pane is too short for all of it,
/// its bottom edge says so and which key shows the rest.
pub struct DetailPane<'a> {
    app: &'a App,
}

impl<'a> DetailPane<'a> {
    pub fn new(app: &'a App) -> DetailPane<'a> {
        DetailPane { app }
    }

    /// The pane's title (also the explanation window's), saying the unit of its amounts:
    /// yuan, to the fen, whatever unit the table shows (an explanation's steps are exact).
    pub fn title(lang: Lang) -> &'static str {
        lang.pick(" Why these numbers (yuan) ", " 计算说明（元） ")
    }

    /// The explanation's lines wrapped to `width` cells (the pane's inside).
    pub fn explanation(&self, width: usize) -> Vec<Line<'static>> {
        super::wrap::wrap_lines(&self.lines(), width)
    }

    /// The whole trace of the current row as `roadsub explain` gives it (the `w` window), or
    /// the pane's explanation when the row is not computed, wrapped to `width` cells.
    pub fn trace(&self, width: usize) -> Vec<Line<'static>> {
        let app = self.app;
        let Some(at) = app.current_row() else {
            return self.explanation(width);
        };
        let Calc::Good(c) = app.doc.calc(&app.rules, at) else {
            return self.explanation(width);
        };
        let row = &app.doc.sheet.rows[at];
        let id = app
            .doc
            .sheet
            .columns
            .index(crate::table::Field::Id)
            .map_or("", |i| row.get(i).trim());
        let file = app.doc.path.as_ref().map_or_else(
            || app.lang.pick("(new table)", "（新表）").to_string(),
            |p| p.display().to_string(),
        );
        let text = crate::report::explain::text(
            &app.rules,
            (&file, row.line, id),
            &c.segment,
            &c.breakdown,
            app.lang,
        );
        // Why the variant cannot compute the row comes first: the trace is the rules in
        // force's.
        let lines: Vec<Line<'static>> = self
            .variant_errors(at)
            .into_iter()
            .chain(text.lines().map(|l| Line::from(l.to_string())))
            .collect();
        super::wrap::wrap_lines(&lines, width)
    }

    /// Why the variant shown cannot compute row `at`, in red, when it cannot (and the rules
    /// in force can, or say something else).
    fn variant_errors(&self, at: usize) -> Vec<Line<'static>> {
        let app = self.app;
        app.doc
            .variant_errors(at, app.lang)
            .into_iter()
            .map(|e| Line::from(format!("• {e}")).red())
            .collect()
    }

    /// How many lines the pane needs, frame included, at `width` cells wide.
    pub fn height(&self, width: u16) -> usize {
        self.explanation(usize::from(width.saturating_sub(2))).len() + 2
    }

    fn lines(&self) -> Vec<Line<'static>> {
        let app = self.app;
        let lang = app.lang;
        match app.current_row().map(|r| app.doc.calc(&app.rules, r)) {
            None if app.lines.is_empty() && app.filter.is_some() => vec![Line::from(lang.pick(
                "No row matches the filter: Esc clears it.",
                "没有行符合筛选条件：按 Esc 清除筛选。",
            ))],
            None if app.lines.is_empty() => vec![Line::from(lang.pick(
                "No rows yet: press a to add one.",
                "还没有数据行：按 a 添加一行。",
            ))],
            None => vec![Line::from(
                lang.pick("a subtotal of the rows above", "上方各行的小计"),
            )],
            // A note is no segment: said as such, not as an error.
            Some(c) if c.is_note() => vec![Line::from(format!(
                "{}{}",
                super::table::NOTE_MARK,
                lang.pick(
                    "Note row, not computed: it is no segment (batch runs leave it out too).",
                    "说明行，不计算：它不是路段（批量计算同样不计入）。",
                )
            ))],
            // So is a totals row (合计): the sum of rows, not one.
            Some(c) if c.is_totals() => vec![Line::from(format!(
                "{}{}",
                super::table::TOTALS_MARK,
                lang.pick(
                    "Totals row, not computed: it is no segment (batch runs leave it out too).",
                    "合计行，不计算：它不是路段（批量计算同样不计入）。",
                )
            ))],
            Some(Calc::Bad(errors)) => {
                let mut lines =
                    vec![
                        Line::from(lang.pick("This row cannot be computed:", "该行无法计算："))
                            .red()
                            .bold(),
                    ];
                let mine: Vec<String> = errors
                    .iter()
                    .map(|e| e.render_value(&app.rules, lang))
                    .collect();
                for e in &mine {
                    lines.push(Line::from(format!("• {e}")).red());
                }
                // The variant's reasons too, unless they are the same (said once, as
                // `roadsub compare` says them).
                let at = app.current_row().unwrap_or(0);
                let theirs = self.variant_errors(at);
                let prefix = crate::report::compare::whole::side_prefix(
                    crate::report::compare::Side::After,
                    lang,
                );
                let same = app
                    .doc
                    .variant_errors(at, lang)
                    .iter()
                    .map(|e| e.strip_prefix(prefix).unwrap_or(e).to_string())
                    .eq(errors
                        .iter()
                        .map(|e| crate::tui::variant::said(e, &app.rules, lang)));
                if !same {
                    lines.extend(theirs);
                }
                lines
            }
            Some(Calc::Good(g)) => {
                // A row the variant cannot compute says why first: its Δ columns show only ✗.
                let at = app.current_row().unwrap_or(0);
                let mut lines = self.variant_errors(at);
                lines.extend(self.computed(&g));
                lines
            }
        }
    }

    /// A row that computes: what it is, its shortfall, the notes, each fund's share and the
    /// rules they come from.
    fn computed(&self, g: &Computed) -> Vec<Line<'static>> {
        let app = self.app;
        let lang = app.lang;
        let (seg, b) = (&g.segment, &g.breakdown);
        let mut lines = Vec::new();
        let class = app.rules.classes[seg.class].display(lang);
        let w = money::measure(seg.width_m);
        let l = money::measure(seg.length_km);
        lines.push(Line::from(match lang {
            Lang::En => format!(
                "{class}, {w} m wide, {l} km; cost {}",
                money::grouped(b.cost)
            ),
            Lang::Zh => format!(
                "{class}，宽 {w} 米，长 {l} 公里；造价 {}",
                money::grouped(b.cost)
            ),
        }));
        // The shortfall first: it is what the village must raise, and the pane may be short.
        let per = b.per_household.map(|p| match lang {
            Lang::En => format!(" ({}/household)", money::grouped(p)),
            Lang::Zh => format!("（每户 {}）", money::grouped(p)),
        });
        let sources: rust_decimal::Decimal = seg.sources.0.iter().sum();
        lines.push(Line::from(match lang {
            Lang::En => format!(
                "cost {} − subsidy {} = gap {}",
                money::grouped(b.cost),
                money::grouped(b.subsidy_total),
                money::grouped(b.gap),
            ),
            Lang::Zh => format!(
                "造价 {} − 补助 {} = 差额 {}",
                money::grouped(b.cost),
                money::grouped(b.subsidy_total),
                money::grouped(b.gap),
            ),
        }));
        lines.push(Line::from(vec![
            Span::raw(match lang {
                Lang::En => format!("− sources {} → ", money::grouped(sources)),
                Lang::Zh => format!("− 已筹 {} → ", money::grouped(sources)),
            }),
            Span::raw(format!(
                "{} {}{}",
                lang.pick("shortfall", "尚需筹集"),
                money::grouped(b.shortfall),
                per.unwrap_or_default()
            ))
            .bold(),
        ]));
        // Then why a fund pays nothing or less: a short pane shows this before the sums.
        for n in &b.notes {
            lines.push(Line::from(format!("• {}", n.render(&app.rules, lang))).yellow());
        }
        for (f, (fund, share)) in app.rules.funds.iter().zip(&b.shares).enumerate() {
            lines.push(Line::from(share_line(
                fund,
                share,
                &why_cut(f, &b.notes),
                &l,
                lang,
            )));
        }
        lines.push(
            Line::from(format!(
                "{}{}",
                lang.pick("rules: ", "依据："),
                app.rules.meta.display_source(lang)
            ))
            .dark_gray(),
        );
        lines
    }
}

/// What lowered fund `f` below its nominal amount, from a row's notes, in order: an amount
/// approved under the ceiling, the cost, and each budget that cut it.
#[derive(Default)]
struct Cuts {
    approved: Option<rust_decimal::Decimal>,
    by_cost: Option<rust_decimal::Decimal>,
    by_budget: Option<rust_decimal::Decimal>,
}

fn why_cut(f: usize, notes: &[crate::engine::Note]) -> Cuts {
    use crate::engine::Note;
    let mut cuts = Cuts::default();
    for n in notes {
        match *n {
            Note::Approved { fund, approved, .. } if fund == f => cuts.approved = Some(approved),
            Note::CutByCost { fund, paid, .. } if fund == f => cuts.by_cost = Some(paid),
            Note::CutByBudget { cut, to, .. } if cut.fund == f => cuts.by_budget = Some(to),
            _ => {}
        }
    }
    cuts
}

/// One fund's share of a row `length` km long: its tier, rate and amount, and what lowered
/// it (an approval, the cost, a budget), each named for what it is.
fn share_line(fund: &Fund, share: &Share, cuts: &Cuts, length: &str, lang: Lang) -> String {
    let TierChoice::Tier(t) = share.tier else {
        return format!("{}: 0.00", fund.display(lang));
    };
    let tier = &fund.tiers[t];
    let upto = if fund.up_to {
        lang.pick("up to ", "不超过")
    } else {
        ""
    };
    let mut cut = String::new();
    if let Some(a) = cuts.approved {
        cut.push_str(&match lang {
            Lang::En => format!(", approved at {}", money::grouped(a)),
            Lang::Zh => format!("，批复 {}", money::grouped(a)),
        });
    }
    if let Some(p) = cuts.by_cost {
        cut.push_str(&match lang {
            Lang::En => format!(", cut to {} by the cost", money::grouped(p)),
            Lang::Zh => format!("，受造价限制核减为 {}", money::grouped(p)),
        });
    }
    if let Some(p) = cuts.by_budget {
        cut.push_str(&match lang {
            Lang::En => format!(", cut to {} by the budget (see above)", money::grouped(p)),
            Lang::Zh => format!("，经预算额度核减为 {}（见上）", money::grouped(p)),
        });
    }
    if cut.is_empty() && share.paid < share.nominal {
        // Nothing in the notes says why (never, as the engine notes every cut): say how much.
        cut = match lang {
            Lang::En => format!(", paid {}", money::grouped(share.paid)),
            Lang::Zh => format!("，实拨 {}", money::grouped(share.paid)),
        };
    }
    match lang {
        Lang::En => format!(
            "{}: tier ≥{} m, {upto}{}/km × {length} = {}{cut}",
            fund.display(lang),
            money::measure(tier.min_width_m),
            money::short_yuan(tier.rate_per_km),
            money::grouped(share.nominal)
        ),
        Lang::Zh => format!(
            "{}：≥{} 米档，{upto}{}/公里 × {length} = {}{cut}",
            fund.display(lang),
            money::measure(tier.min_width_m),
            money::short_yuan(tier.rate_per_km),
            money::grouped(share.nominal)
        ),
    }
}

impl Widget for DetailPane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let lang = self.app.lang;
        let mut block = Block::bordered().title(DetailPane::title(lang));
        if self.height(area.width) > usize::from(area.height) {
            block = block.title_bottom(
                Line::from(lang.pick(" … more: w ", " …… 按 w 看全部 "))
                    .right_aligned()
                    .yellow(),
            );
        }
        let inner = usize::from(area.width.saturating_sub(2));
        Paragraph::new(self.explanation(inner))
            .block(block)
            .render(area, buf);
    }
}

/// `label` and `amount` in `width` cells, the amount at the right, the label cut if it must
/// be, the amount never.
fn line_in(width: usize, label: &str, amount: &str) -> String {
    let room = width.saturating_sub(cells(amount) + 1);
    let label = truncate(label, room);
    let pad = width.saturating_sub(cells(&label) + cells(amount));
    format!("{label}{}{amount}", " ".repeat(pad))
}

/// `label` and `amount` as [`line_in`] puts them when the amount fits beside a label;
/// narrower, the label on its own line and the amount under it, so the amount is never cut.
fn amount_lines(width: usize, label: &str, amount: &str) -> Vec<String> {
    if cells(amount) < width || label.is_empty() {
        return pack(&[amount.to_string()], width)
            .into_iter()
            .map(|a| line_in(width, label, &a))
            .collect();
    }
    let mut lines = vec![truncate(label, width)];
    lines.extend(
        pack(&[amount.to_string()], width)
            .into_iter()
            .map(|a| format!("{}{a}", " ".repeat(width.saturating_sub(cells(&a))))),
    );
    lines
}

/// `pieces` laid out in lines of `width` cells, as many a line as fit, a piece's leading
/// space dropped at the start of a line. A piece is never cut where it holds a figure: one
/// wider than a whole line shows as "…" (a figure cut short would be a wrong figure); words
/// alone are cut with "…".
fn pack(pieces: &[String], width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for piece in pieces {
        let joined = cells(&line) + cells(piece);
        if line.is_empty() || joined > width {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let piece = piece.trim_start();
            line = if cells(piece) <= width {
                piece.to_string()
            } else if piece.chars().any(|c| c.is_ascii_digit()) {
                truncate("…", width)
            } else {
                truncate(piece, width)
            };
        } else {
            line.push_str(piece);
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A length in km with thousands separators, every decimal kept (`127,489.467`).
fn grouped_km(km: rust_decimal::Decimal) -> String {
    let plain = money::measure(km);
    let (sign, rest) = plain
        .strip_prefix('-')
        .map_or(("", plain.as_str()), |r| ("-", r));
    let (int, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut out = String::from(sign);
    money::push_digits_grouped(&mut out, int);
    if let Some(frac) = frac {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// The totals of every row (whatever the filter shows): what each fund pays, the subsidy and
/// the shortfall, km completed, and each budget's use.
pub struct TotalsPane<'a> {
    app: &'a App,
}

impl<'a> TotalsPane<'a> {
    pub fn new(app: &'a App) -> TotalsPane<'a> {
        TotalsPane { app }
    }

    /// How many lines the pane needs at `width` cells wide, frame included: the amounts
    /// (one per fund, then the subsidy, gap, shortfall, due and outstanding), the km line and
    /// one per budget.
    pub fn height(&self, width: u16) -> usize {
        let inner = usize::from(width.saturating_sub(2));
        if let Some(v) = self.app.doc.variant() {
            return super::compared::height(self.app, v, inner) + 2;
        }
        self.amounts(inner).len()
            + self.progress(inner).len()
            + self
                .budgets(inner)
                .iter()
                .map(|(_, lines)| lines.len())
                .sum::<usize>()
            + 2
    }

    fn block(&self) -> Block<'static> {
        let unit = match (self.app.unit, self.app.lang) {
            (Unit::Wan, _) => "万元",
            (_, Lang::En) => "yuan",
            (_, Lang::Zh) => "元",
        };
        if self.app.doc.variant().is_some() {
            return Block::bordered().title(super::compared::title(self.app, unit));
        }
        // The totals are always of every row, whatever the filter shows.
        Block::bordered().title(match (self.app.lang, self.app.filter.is_some()) {
            (Lang::En, false) => format!(" Totals ({unit}) "),
            (Lang::En, true) => format!(" Totals of all rows, not only those shown ({unit}) "),
            (Lang::Zh, false) => format!(" 合计（{unit}） "),
            (Lang::Zh, true) => format!(" 全部行合计，不限于筛选结果（{unit}） "),
        })
    }

    /// The amounts, one a line in `inner` cells, the label cut if it must be, the amount never.
    fn amounts(&self, inner: usize) -> Vec<Line<'static>> {
        let (app, lang) = (self.app, self.app.lang);
        let t = &app.doc.summary().total;
        let line = |label: &str, amount: String| amount_lines(inner, label, &amount);
        let mut lines = Vec::new();
        for (f, p) in app.rules.funds.iter().zip(&t.paid) {
            lines.extend(
                line(f.display(lang), app.show_amount(p.value()))
                    .into_iter()
                    .map(Line::from),
            );
        }
        // Two amounts a line when both fit whole (the subsidy beside what of it is due, the
        // gap beside what is still to raise), so the budgets below keep their lines; else one
        // a line: a label is never cut beside another, or "补助合…" and "…" would let two
        // amounts look alike.
        let wide = inner >= 30;
        let due =
            (t.due_rows > 0).then(|| (lang.pick("due", "应拨付"), app.show_amount(t.due.value())));
        let subsidy = (
            lang.pick(if wide { "subsidy" } else { "subsidy total" }, "补助合计"),
            app.show_amount(t.subsidy_total.value()),
        );
        let gap = (lang.pick("gap", "差额"), app.show_amount(t.gap.value()));
        let shortfall = (
            lang.pick(
                if wide {
                    "shortfall"
                } else {
                    "shortfall (still to raise)"
                },
                "尚需筹集",
            ),
            app.show_amount(t.shortfall.value()),
        );
        let pairs = [(subsidy, due), (gap, Some(shortfall))];
        let need = |(label, amount): &(&str, String)| cells(label) + 1 + cells(amount);
        let left_need = pairs.iter().map(|(a, _)| need(a)).max().unwrap_or(0);
        let right_need = pairs
            .iter()
            .filter_map(|(_, b)| b.as_ref().map(need))
            .max()
            .unwrap_or(0);
        let sep = if left_need + 2 + right_need <= inner {
            2
        } else {
            1
        };
        let paired = wide && left_need + sep + right_need <= inner;
        // The left amounts end in one column, as far right as the right ones leave room for.
        let half = inner.saturating_sub(sep) / 2;
        let left = half
            .max(left_need)
            .min(inner.saturating_sub(sep + right_need));
        let right = inner.saturating_sub(left + sep);
        for (i, (a, b)) in pairs.into_iter().enumerate() {
            let texts = match b {
                Some(b) if paired => vec![format!(
                    "{}{}{}",
                    line_in(left, a.0, &a.1),
                    " ".repeat(sep),
                    line_in(right, b.0, &b.1)
                )],
                Some(b) => [line(a.0, a.1), line(b.0, b.1)].concat(),
                None => line(a.0, a.1),
            };
            let n = texts.len();
            for (j, text) in texts.into_iter().enumerate() {
                // What the villages still raise is the number read first.
                lines.push(if i == 1 && (paired || j + 1 == n) {
                    Line::from(text).bold()
                } else {
                    Line::from(text)
                });
            }
        }
        if t.has_outstanding() {
            lines.extend(
                line(
                    lang.pick("outstanding", "待拨付"),
                    app.show_amount(t.outstanding.value()),
                )
                .into_iter()
                .map(Line::from),
            );
        }
        lines
    }

    /// Km completed of km planned, as a bar and a percentage; the bar goes first when room
    /// is short, then the figures take more lines: none of them is ever cut.
    fn progress(&self, inner: usize) -> Vec<Line<'static>> {
        let t = &self.app.doc.summary().total;
        let (done, planned) = (t.completed_km.value(), t.planned_km.value());
        let (d, p, pct) = (
            grouped_km(done),
            grouped_km(planned),
            percent(done, planned),
        );
        let label = match self.app.lang {
            Lang::En => format!("km {d}/{p} "),
            Lang::Zh => format!("完工 {d}/{p} 公里 "),
        };
        // A percentage up to "100.0%" leaves the bar its usual width; a longer one takes
        // its cells from the bar.
        let fixed = cells(&label) + 1 + cells(&pct).max(6);
        if fixed <= inner {
            let room = (inner - fixed).min(30);
            return vec![Line::from(format!(
                "{label}{} {pct}",
                bar(done, planned, room)
            ))];
        }
        let pieces = match self.app.lang {
            Lang::En => vec![
                "km".into(),
                format!(" {d}"),
                format!("/{p}"),
                format!(" {pct}"),
            ],
            Lang::Zh => vec![
                "完工".into(),
                format!(" {d}"),
                format!("/{p}"),
                " 公里".into(),
                format!(" {pct}"),
            ],
        };
        pack(&pieces, inner).into_iter().map(Line::from).collect()
    }

    /// Each budget's lines and whether it is over, in the rules' order.
    fn budgets(&self, inner: usize) -> Vec<(bool, Vec<Line<'static>>)> {
        let (app, lang) = (self.app, self.app.lang);
        let names: Vec<String> = app
            .rules
            .budgets
            .iter()
            .map(|b| b.display(&app.rules, lang))
            .collect();
        let name_width = names
            .iter()
            .map(|n| cells(n))
            .max()
            .unwrap_or(0)
            .min(inner / 2);
        let heads = crate::report::budget::headlines(&app.rules, app.doc.summary(), lang);
        heads
            .iter()
            .zip(&names)
            .map(|(head, name)| (head.over > 0, self.budget(head, name, name_width, inner)))
            .collect()
    }

    /// A budget's line: its name padded to `name_width` (so the bars start together), a bar
    /// of its use and an overrun said in words.
    fn budget(
        &self,
        head: &Headline,
        name: &str,
        name_width: usize,
        inner: usize,
    ) -> Vec<Line<'static>> {
        let (app, lang) = (self.app, self.app.lang);
        let (used, envelope) = (head.line.used, head.line.envelope);
        let over = head.over > 0;
        // A budget that shared its envelope out is not over: what it was asked beyond it was
        // cut from the rows (and is raised by the villages).
        let shared = over && head.line.cut();
        let style = if shared {
            Style::new().yellow().bold()
        } else if over {
            Style::new().red().bold()
        } else {
            Style::new()
        };
        // An overrun is said in words first; the bar takes what room is left. A per-village
        // budget's bar is its fullest village's, and the words count the villages over.
        let words = match (head.line.scope, head.line.over_by()) {
            (Scope::Whole, Some(_)) if shared => match lang {
                Lang::En => format!(" shared out, asked {}", app.show_amount(head.line.asked)),
                Lang::Zh => format!(" 已分配，申请 {}", app.show_amount(head.line.asked)),
            },
            (Scope::Village { .. }, _) if shared => match lang {
                Lang::En => format!(" {} of {} villages shared out", head.over, head.lines),
                Lang::Zh => format!(" {} 个村中 {} 个已分配", head.lines, head.over),
            },
            (Scope::Whole, Some(by)) => match lang {
                Lang::En => format!(" OVER by {}", app.show_amount(by)),
                Lang::Zh => format!(" 超支 {}", app.show_amount(by)),
            },
            (Scope::Village { .. }, _) if over => match lang {
                Lang::En => format!(" {} of {} villages OVER", head.over, head.lines),
                Lang::Zh => format!(" {} 个村中 {} 个超支", head.lines, head.over),
            },
            _ => String::new(),
        };
        // On a narrow pane the count is said short, so the budget keeps its name.
        let named = name_width.min(8);
        let words = if matches!(head.line.scope, Scope::Village { .. })
            && over
            && inner < 8 + 5 + cells(&words) + 1 + named
        {
            match (lang, shared) {
                (Lang::En, false) => format!(" {}/{} OVER", head.over, head.lines),
                (Lang::Zh, false) => format!(" {}/{} 村超支", head.over, head.lines),
                (Lang::En, true) => format!(" {}/{} shared", head.over, head.lines),
                (Lang::Zh, true) => format!(" {}/{} 村已分配", head.over, head.lines),
            }
        } else {
            words
        };
        // The words and a bar of at least 5 cells come before the whole name; but the name
        // keeps a few cells before the bar does (a name cut to a bare "…" would let two
        // budgets look alike: in 元 at 80 columns, the words are long).
        let keep = name_width.min(6);
        let pct = percent(used, envelope);
        // The percentage's cells and a space either side ("100.0%" and shorter take 8).
        let pw = 2 + cells(&pct).max(6);
        let room_for_name = |others: usize| inner.saturating_sub(others + cells(&words) + 1);
        let with_bar = room_for_name(pw + 5) >= keep;
        // Narrower still, the words say it all: the percentage goes too.
        let with_percent = with_bar || room_for_name(pw) >= keep;
        let fits = room_for_name(match (with_bar, with_percent) {
            (true, _) => pw + 5,
            (false, true) => pw,
            (false, false) => 0,
        });
        let width = name_width.min(fits);
        let short = truncate(name, width);
        let label = format!(
            "{short}{} ",
            " ".repeat(width.saturating_sub(cells(&short)))
        );
        let fixed = cells(&label) + pw + cells(&words);
        let text = if with_bar {
            let room = inner.saturating_sub(fixed).min(20);
            format!("{label}{} {pct}{words}", bar(used, envelope, room))
        } else if with_percent {
            format!("{label}{pct}{words}")
        } else {
            format!("{label}{}", words.trim_start())
        };
        if cells(&text) <= inner && (width >= keep || words.is_empty()) {
            return vec![Line::from(Span::styled(text, style))];
        }
        // Too narrow for the name and the words on one line: they take more, the figures
        // never cut.
        let pieces: Vec<String> = std::iter::once(truncate(name, inner))
            .chain(
                words
                    .split(' ')
                    .filter(|w| !w.is_empty())
                    .map(|w| format!(" {w}")),
            )
            .collect();
        pack(&pieces, inner)
            .into_iter()
            .map(|l| Line::from(Span::styled(l, style)))
            .collect()
    }
}

impl Widget for TotalsPane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (app, lang) = (self.app, self.app.lang);
        let inner = usize::from(area.width.saturating_sub(2));
        if let Some(v) = app.doc.variant() {
            let mut lines = super::compared::lines(app, v, inner);
            let mut budgets = super::compared::budgets(app, v, inner);
            let room = usize::from(area.height.saturating_sub(2));
            let mut block = self.block();
            let hidden = (lines.len() + budgets.len()).saturating_sub(room);
            if hidden > 0 {
                // As below: a budget over is never the one left out.
                budgets.sort_by_key(|(over, _)| !*over);
                block = block.title_bottom(
                    Line::from(match lang {
                        Lang::En => format!(" +{hidden} more "),
                        Lang::Zh => format!(" 另有 {hidden} 行 "),
                    })
                    .right_aligned()
                    .yellow(),
                );
            }
            lines.extend(budgets.into_iter().map(|(_, line)| line));
            return Paragraph::new(lines).block(block).render(area, buf);
        }
        let mut lines = self.amounts(inner);
        let progress = self.progress(inner);
        let room = usize::from(area.height.saturating_sub(2));
        let mut budgets = self.budgets(inner);
        let budget_lines: usize = budgets.iter().map(|(_, l)| l.len()).sum();
        let mut block = self.block();
        let hidden = (lines.len() + progress.len() + budget_lines).saturating_sub(room);
        if hidden > 0 {
            // Too short for every budget: the ones over come first, before the km line too,
            // and the frame says how many lines are not shown (a budget over is never the one
            // left out silently).
            budgets.sort_by_key(|(over, _)| !*over);
            let over = budgets.iter().take_while(|(over, _)| *over).count();
            lines.extend(budgets.drain(..over).flat_map(|(_, l)| l));
            block = block.title_bottom(
                Line::from(match lang {
                    Lang::En => format!(" +{hidden} more "),
                    Lang::Zh => format!(" 另有 {hidden} 行 "),
                })
                .right_aligned()
                .yellow(),
            );
        }
        lines.extend(progress);
        lines.extend(budgets.into_iter().flat_map(|(_, l)| l));
        Paragraph::new(lines).block(block).render(area, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;
    use crate::table::sheet::Sheet;
    use crate::tui::doc::Doc;

    /// A table whose totals run to billions of yuan and whose budgets are overrun many
    /// times over, with tens of thousands of km planned.
    fn big(lang: Lang) -> (App, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.csv");
        let mut csv = String::from(
            "id,township,village,class,width_m,length_km,cost,other_funds,households,completed_km\n",
        );
        for v in 0..300 {
            csv.push_str(&format!(
                "S{v},T{},V{v},group,6.0,84.611,93456789.12,0,110,42.499\n",
                v % 7
            ));
        }
        std::fs::write(&path, csv).unwrap();
        let rules = RuleSet::builtin();
        let doc = Doc::new(Sheet::load(&path).unwrap(), Some(path.clone()), &rules);
        (App::new(doc, rules, lang), dir)
    }

    /// The pane's inside at `width` × `height`, one string a line.
    fn pane(app: &App, width: u16, height: u16) -> Vec<String> {
        let area = Rect::new(0, 0, width, height);
        let mut buf = Buffer::empty(area);
        TotalsPane::new(app).render(area, &mut buf);
        (1..height - 1)
            .map(|y| {
                let mut line = String::new();
                let mut skip = 0;
                for x in 1..width - 1 {
                    if skip > 0 {
                        skip -= 1;
                        continue;
                    }
                    let s = buf[(x, y)].symbol();
                    skip = cells(s).saturating_sub(1);
                    line.push_str(s);
                }
                line.trim_end().to_string()
            })
            .collect()
    }

    /// Every figure in `text`: each run of digits, separators and decimal points; with
    /// `percentages` false, those of percentages left out (a narrow pane may drop them).
    fn figures(text: &str, percentages: bool) -> Vec<String> {
        text.split([' ', '/'])
            .filter(|w| percentages || !w.ends_with('%'))
            .flat_map(|w| w.split(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.')))
            .map(|f| f.trim_matches(|c| c == ',' || c == '.'))
            .filter(|f| f.chars().any(|c| c.is_ascii_digit()))
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn a_budget_overrun_in_the_totals_pane_is_never_cut_short() {
        // The defect: the words "超支 753,487.5970" ran past the pane's edge and lost their
        // last digits, and a long percentage cut the km line's, so the figures read wrong.
        let (app, _dir) = big(Lang::Zh);
        let lines = pane(&app, 46, 20);
        assert!(
            lines.contains(&"社级道路…  █████ 36787.4% 超支 253,143.0000".to_string()),
            "{lines:#?}"
        );
        assert!(
            lines.contains(&"完工 12,749.7/25,383.3 公里 ████░░░░░ 50.2%".to_string()),
            "{lines:#?}"
        );
        let lines = pane(&app, 30, 20);
        assert!(
            lines.contains(&"社级道路… 超支 253,143.0000".to_string()),
            "{lines:#?}"
        );
        assert!(
            lines.contains(&"完工 12,749.7/25,383.3 公里".to_string()),
            "{lines:#?}"
        );
        assert!(lines.contains(&"50.2%".to_string()), "{lines:#?}");
        // Narrower, the figure takes its own line, whole.
        let lines = pane(&app, 20, 20);
        assert!(
            lines.contains(&"社级道路建设 超支".to_string())
                && lines.contains(&"253,143.0000".to_string()),
            "{lines:#?}"
        );
        assert!(
            lines.contains(&"完工 12,749.7".to_string())
                && lines.contains(&"/25,383.3 公里".to_string()),
            "{lines:#?}"
        );
    }

    #[test]
    fn every_figure_in_the_totals_pane_is_whole_at_every_width() {
        for (lang, keys) in [(Lang::Zh, false), (Lang::En, false), (Lang::Zh, true)] {
            let (mut app, _dir) = big(lang);
            if keys {
                app.unit = Unit::Yuan;
            }
            let whole: Vec<String> = pane(&app, 240, 20)
                .iter()
                .flat_map(|l| figures(l, true))
                .collect();
            assert!(
                whole.contains(&"253,143.0000".to_string()) || keys,
                "{whole:?}"
            );
            for width in 20..=80 {
                let lines = pane(&app, width, 30);
                for line in &lines {
                    for f in figures(line, true) {
                        assert!(
                            whole.contains(&f),
                            "{f} is no whole figure at width {width}: {lines:#?}"
                        );
                    }
                }
                // And no amount or length is left out (a percentage may be, where the words
                // say it: "超支").
                let shown: Vec<String> = lines.iter().flat_map(|l| figures(l, true)).collect();
                let wide = pane(&app, 240, 20);
                for f in wide.iter().flat_map(|l| figures(l, false)) {
                    assert!(
                        shown.contains(&f),
                        "{f} missing at width {width}: {lines:#?}"
                    );
                }
            }
        }
    }
}
