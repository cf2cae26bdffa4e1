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
        self.amounts(inner).len() + 1 + self.app.rules.budgets.len() + 2
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
        let line = |label: &str, amount: String| line_in(inner, label, &amount);
        let mut lines = Vec::new();
        for (f, p) in app.rules.funds.iter().zip(&t.paid) {
            lines.push(Line::from(line(
                f.display(lang),
                app.show_amount(p.value()),
            )));
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
                Some(b) => vec![line(a.0, a.1), line(b.0, b.1)],
                None => vec![line(a.0, a.1)],
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
            lines.push(Line::from(line(
                lang.pick("outstanding", "待拨付"),
                app.show_amount(t.outstanding.value()),
            )));
        }
        lines
    }

    /// Km completed of km planned, as a bar and a percentage.
    fn progress(&self, inner: usize) -> Line<'static> {
        let t = &self.app.doc.summary().total;
        let (done, planned) = (t.completed_km.value(), t.planned_km.value());
        let label = match self.app.lang {
            Lang::En => format!("km {}/{} ", money::measure(done), money::measure(planned)),
            Lang::Zh => format!(
                "完工 {}/{} 公里 ",
                money::measure(done),
                money::measure(planned)
            ),
        };
        let room = inner.saturating_sub(cells(&label) + 7).min(30);
        Line::from(format!(
            "{label}{} {}",
            bar(done, planned, room),
            percent(done, planned)
        ))
    }

    /// A budget's line: its name padded to `name_width` (so the bars start together), a bar
    /// of its use and an overrun said in words.
    fn budget(
        &self,
        head: &Headline,
        name: &str,
        name_width: usize,
        inner: usize,
    ) -> Line<'static> {
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
        let room_for_name = |others: usize| inner.saturating_sub(others + cells(&words) + 1);
        let with_bar = room_for_name(8 + 5) >= keep;
        // Narrower still, the words say it all: the percentage goes too.
        let with_percent = with_bar || room_for_name(8) >= keep;
        let fits = room_for_name(match (with_bar, with_percent) {
            (true, _) => 8 + 5,
            (false, true) => 8,
            (false, false) => 0,
        });
        let width = name_width.min(fits);
        let short = truncate(name, width);
        let label = format!(
            "{short}{} ",
            " ".repeat(width.saturating_sub(cells(&short)))
        );
        let fixed = cells(&label) + 8 + cells(&words);
        let text = if with_bar {
            let room = inner.saturating_sub(fixed).min(20);
            format!(
                "{label}{} {}{words}",
                bar(used, envelope, room),
                percent(used, envelope)
            )
        } else if with_percent {
            format!("{label}{}{words}", percent(used, envelope))
        } else {
            format!("{label}{}", words.trim_start())
        };
        Line::from(Span::styled(text, style))
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
        let room = usize::from(area.height.saturating_sub(2));
        let mut budgets: Vec<(bool, Line)> = heads
            .iter()
            .zip(&names)
            .map(|(head, name)| (head.over > 0, self.budget(head, name, name_width, inner)))
            .collect();
        let mut block = self.block();
        let hidden = (lines.len() + 1 + budgets.len()).saturating_sub(room);
        if hidden > 0 {
            // Too short for every budget: the ones over come first, before the km line too,
            // and the frame says how many lines are not shown (a budget over is never the one
            // left out silently).
            budgets.sort_by_key(|(over, _)| !*over);
            let over = budgets.iter().take_while(|(over, _)| *over).count();
            lines.extend(budgets.drain(..over).map(|(_, line)| line));
            block = block.title_bottom(
                Line::from(match lang {
                    Lang::En => format!(" +{hidden} more "),
                    Lang::Zh => format!(" 另有 {hidden} 行 "),
                })
                .right_aligned()
                .yellow(),
            );
        }
        lines.push(progress);
        lines.extend(budgets.into_iter().map(|(_, line)| line));
        Paragraph::new(lines).block(block).render(area, buf);
    }
}
