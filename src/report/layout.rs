//! How input columns become output columns, and how a later table's columns line up with the
//! first's when several tables make one output.

use super::format::Unit;
use crate::i18n::Lang;
use crate::rules::{RuleSet, Taken};
use crate::table::{Columns, Field, HeaderProblem};

/// Columns roadsub writes after the fund columns (SPEC §8), `notes` last.
const COMPUTED: [&str; 7] = [
    "subsidy_total",
    "shortfall",
    "gap",
    "shortfall_per_household",
    "due",
    "outstanding",
    "notes",
];

/// The heading of roadsub's own notes in every Chinese output (an office sheet has a 备注 of
/// its own, and a 说明 would read as the same thing).
pub const NOTES_ZH: &str = "计算说明";

/// The heading of the input line's number in every Chinese output.
pub const LINE_ZH: &str = "行号";

/// The same columns as the Chinese report workbook heads them (read back as computed too),
/// and the heading of per household in earlier versions' workbooks (每户差额).
pub(super) const COMPUTED_ZH: [&str; 8] = [
    "补助合计",
    "尚需筹集",
    "差额",
    "每户尚需筹集",
    "应拨付",
    "待拨付",
    NOTES_ZH,
    "每户差额",
];

/// The Chinese heading of computed column `name` (as [`COMPUTED`] names it), if it is one.
pub fn zh_heading(name: &str) -> Option<&'static str> {
    COMPUTED
        .iter()
        .position(|c| *c == name)
        .map(|i| COMPUTED_ZH[i])
}

/// The name of our notes when the input has a `notes` column of its own, which is kept.
pub const OUR_NOTES: &str = "roadsub_notes";

/// A column's name without the white space around it and without the unit roadsub's headings
/// give amounts (`补助合计（万元）`, `subsidy_total (万元)`, `差额（元）`, `gap (yuan)` in the
/// workbook): a table roadsub wrote is
/// known as its own in every unit it writes, and a user's column of such a name is told apart
/// from ours in every unit too.
fn bare(name: &str) -> &str {
    let name = name.trim();
    for unit in ["（万元）", "（元）", "(万元)", "(元)", "(yuan)"] {
        if let Some(rest) = name.strip_suffix(unit) {
            return rest.trim_end();
        }
    }
    name
}

/// Whether `name` already heads an input or computed column, so a fund may not take it (a
/// fund's id heads its column in the output, and its name in the Chinese workbook).
pub fn column_taken(name: &str) -> Option<Taken> {
    let name = name.trim();
    if let Some(field) = Field::of_header(name) {
        return Some(Taken::Input(field.key().to_string()));
    }
    let name = bare(name);
    COMPUTED
        .iter()
        .chain(&COMPUTED_ZH)
        .chain(&[OUR_NOTES])
        .find(|c| c.eq_ignore_ascii_case(name))
        .map(|c| Taken::Computed(c.to_string()))
}

fn has(columns: &Columns, name: &str) -> bool {
    columns
        .names
        .iter()
        .any(|n| bare(n).eq_ignore_ascii_case(name))
}

/// The computed columns `columns` carries as roadsub writes them, to be computed afresh: only
/// a table with `subsidy_total`, `shortfall` and every fund's id (as CSV writes them), or
/// `补助合计`, `差额` and every fund's name (as the Chinese report workbook heads them), is
/// roadsub's own output fed back in. In any other table such a name is the user's column.
fn ours_in(columns: &Columns, rules: &RuleSet) -> Vec<String> {
    let has = |name: &str| has(columns, name);
    let mut ours = Vec::new();
    if has(COMPUTED[0]) && has(COMPUTED[1]) && rules.funds.iter().all(|f| has(&f.id)) {
        ours.extend(rules.funds.iter().map(|f| f.id.clone()));
        ours.extend(COMPUTED.iter().chain(&[OUR_NOTES]).map(|s| s.to_string()));
    }
    // 差额 alone is how earlier versions headed the shortfall.
    let zh_shortfall = has(COMPUTED_ZH[1]) || has(COMPUTED_ZH[2]);
    if has(COMPUTED_ZH[0]) && zh_shortfall && rules.funds.iter().all(|f| has(&f.name)) {
        ours.extend(rules.funds.iter().map(|f| f.name.clone()));
        ours.extend(COMPUTED_ZH.iter().map(|s| s.to_string()));
    }
    if users_notes(columns, !ours.is_empty()) {
        ours.retain(|o| o != "notes");
    }
    ours
}

/// The columns of `columns` that are roadsub's computed columns of a table it wrote (a report
/// fed back in): a batch run computes them afresh; saved as they are beside edited inputs,
/// they would keep the figures from before the edits.
pub fn carried(columns: &Columns, rules: &RuleSet) -> Vec<String> {
    let ours = ours_in(columns, rules);
    let users_notes = users_notes(columns, !ours.is_empty());
    columns
        .names
        .iter()
        .filter(|n| is_ours(&ours, n))
        .filter(|n| !(users_notes && bare(n).eq_ignore_ascii_case("notes")))
        .cloned()
        .collect()
}

/// Whether the input's own `notes` column is the user's, to be kept: it is ours (recomputed)
/// only in a table roadsub wrote (`written_by_us`) with no notes of ours by another name
/// (`roadsub_notes`, or `计算说明` in a Chinese workbook).
fn users_notes(columns: &Columns, written_by_us: bool) -> bool {
    let ours_elsewhere = has(columns, OUR_NOTES) || has(columns, COMPUTED_ZH[6]);
    has(columns, "notes") && (ours_elsewhere || !written_by_us)
}

/// The user's columns that bear the name of a column roadsub computes (a fund's id or name,
/// `subsidy_total`, `差额`, …) in a table that does not carry them as roadsub writes them.
/// Such a table is refused: its column would be taken for ours and dropped, or be written
/// twice under one name. A user's `notes` is no such column: ours goes beside it.
pub fn clashes(columns: &Columns, rules: &RuleSet) -> Vec<HeaderProblem> {
    let ours = ours_in(columns, rules);
    let users_notes = users_notes(columns, !ours.is_empty());
    let computed = |name: &str| {
        let name = bare(name);
        rules
            .funds
            .iter()
            .flat_map(|f| [f.id.as_str(), f.name.as_str()])
            .chain(COMPUTED)
            .chain(COMPUTED_ZH)
            .chain([OUR_NOTES])
            .any(|c| c.eq_ignore_ascii_case(name))
    };
    columns
        .names
        .iter()
        .filter(|n| computed(n) && !is_ours(&ours, n))
        .filter(|n| !(users_notes && bare(n).eq_ignore_ascii_case("notes")))
        .map(|n| HeaderProblem::ComputedName(n.clone()))
        .collect()
}

/// The output's shape, fixed by the first table.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The header of the output.
    pub header: Vec<String>,
    /// Input columns copied, by index, in the first table's order.
    copied: Vec<usize>,
    /// Whether to write shortfall_per_household (the table has households).
    pub per_household: bool,
    /// Whether to write due (the table has completed km).
    pub due: bool,
    /// Whether to write outstanding (the table has disbursed).
    pub outstanding: bool,
    /// Which output columns hold numbers (for alignment on a terminal).
    pub right: Vec<bool>,
    /// Which columns a terminal too narrow for all of them leaves out first (higher first).
    pub drop_order: Vec<u8>,
    /// The names of the columns roadsub computes.
    ours: Vec<String>,
    /// The units the first table's title rows or the command line gave its bare numbers.
    pub units: crate::table::units::TableUnits,
    /// The field each copied input column holds, with the unit of its bare numbers.
    pub copied_fields: Vec<Option<(Field, crate::money::Scale)>>,
    /// Whether each copied input column holds numbers (a field's, or a fund's approved
    /// amount): its cells stay numbers in a workbook.
    pub copied_numbers: Vec<bool>,
}

impl Layout {
    /// The layout for a first table with these columns.
    pub fn new(columns: &Columns, rules: &RuleSet) -> Layout {
        // As CSV writes them, and as the Chinese report workbook heads them. A `notes` column
        // that is the user's is kept, and ours goes beside it under another name.
        let table_ours = ours_in(columns, rules);
        let users_notes = users_notes(columns, !table_ours.is_empty());
        let notes = if users_notes { OUR_NOTES } else { "notes" };
        // Every name a later table may carry ours under (each table is checked by
        // [`clashes`] before its columns are lined up with the first's).
        let ours: Vec<String> = rules
            .funds
            .iter()
            .flat_map(|f| [f.id.clone(), f.name.clone()])
            .chain(
                COMPUTED
                    .iter()
                    .chain(&COMPUTED_ZH)
                    .chain(&[OUR_NOTES])
                    .filter(|&&c| !(users_notes && c == "notes"))
                    .map(|s| s.to_string()),
            )
            .collect();
        // Columns that a previous run wrote are computed afresh, not duplicated; any other
        // is the user's and copied (a table with one of ours by name only is refused).
        let copied: Vec<usize> = (0..columns.names.len())
            .filter(|&i| !is_ours(&table_ours, &columns.names[i]))
            .collect();
        let per_household = columns.index(Field::Households).is_some();
        let due = columns.index(Field::Completed).is_some();
        let outstanding = due && columns.index(Field::Disbursed).is_some();
        // A column read in the unit a title row gave is headed with it: the output, which has
        // no title rows, reads back the same.
        let mut header: Vec<String> = copied
            .iter()
            .map(|&i| {
                columns
                    .header_with_table_unit(i, rules)
                    .unwrap_or_else(|| columns.written[i].clone())
            })
            .collect();
        // A fund's approved amount is a number too, though no field of the table's own.
        let mut right: Vec<bool> = copied
            .iter()
            .map(|&i| columns.holds_numbers(i, rules))
            .collect();
        header.extend(rules.funds.iter().map(|f| f.id.clone()));
        header.push("subsidy_total".into());
        header.push("gap".into());
        header.push("shortfall".into());
        let optional = [
            (per_household, "shortfall_per_household", 3),
            (due, "due", 4),
            (outstanding, "outstanding", 4),
        ];
        let mut ranks = Vec::new();
        for (on, name, rank) in optional {
            if on {
                header.push(name.into());
                ranks.push(rank);
            }
        }
        right.resize(header.len(), true);
        header.push(notes.into());
        right.push(false);
        let mut drop_order: Vec<u8> = copied
            .iter()
            .map(|&i| drop_rank(columns.field_at(i)))
            .collect();
        // Each fund's share goes with what the road is like; the subsidy total and the
        // shortfall stay.
        drop_order.resize(copied.len() + rules.funds.len(), 2);
        drop_order.resize(header.len(), 0);
        let first_optional = header.len() - 1 - ranks.len();
        drop_order[first_optional..header.len() - 1].copy_from_slice(&ranks);
        // The gap is the shortfall before the sources: a narrow screen keeps the shortfall.
        drop_order[first_optional - 2] = 3;
        // Notes cut to a few cells say little: they go before what a row is and what it gets.
        drop_order[header.len() - 1] = 3;
        let copied_fields = copied
            .iter()
            .map(|&i| columns.field_at(i).map(|f| (f, columns.scale(f))))
            .collect();
        let copied_numbers = copied
            .iter()
            .map(|&i| columns.holds_numbers(i, rules))
            .collect();
        Layout {
            header,
            copied,
            per_household,
            due,
            outstanding,
            right,
            drop_order,
            ours,
            units: columns.units.clone(),
            copied_fields,
            copied_numbers,
        }
    }

    /// The output's column names in `lang`: the input's as they are, and the computed ones by
    /// their ids in English, in Chinese by the fund's name and the heading of [`zh_heading`]
    /// (the notes, whatever their id, `计算说明`). The one place these names are made, for the
    /// workbook and the text outputs alike.
    pub fn names(&self, rules: &RuleSet, lang: Lang) -> Vec<String> {
        let (inputs, columns, funds) = (self.copied_len(), self.header.len(), rules.funds.len());
        self.header
            .iter()
            .enumerate()
            .map(|(i, h)| match lang {
                _ if i < inputs => h.clone(),
                Lang::En => h.clone(),
                Lang::Zh if i - inputs < funds => rules.funds[i - inputs].name.clone(),
                Lang::Zh if i + 1 == columns => COMPUTED_ZH[6].into(),
                Lang::Zh => zh_heading(h).map_or_else(|| h.clone(), str::to_string),
            })
            .collect()
    }

    /// The header a text output writes: [`Layout::names`] in `lang`, each amount's saying its
    /// unit. A table people read (Markdown, a terminal) always names it (`transport (yuan)`),
    /// as an input column beside it may be in 万元; one programs read names it as
    /// [`Unit::suffix`] does (ids in yuan stay as programs know them).
    pub fn headings(
        &self,
        rules: &RuleSet,
        lang: Lang,
        unit: Unit,
        for_people: bool,
    ) -> Vec<String> {
        let mut names = self.names(rules, lang);
        let suffix = if for_people {
            super::summary::in_unit(unit, lang)
        } else {
            unit.suffix(lang)
        };
        let amounts = self.copied_len()..names.len() - 1;
        if !suffix.is_empty() {
            for name in &mut names[amounts] {
                name.push_str(suffix);
            }
        }
        names
    }

    /// How many input columns are copied (they come first in the output).
    pub fn copied_len(&self) -> usize {
        self.copied.len()
    }

    /// Where each copied column of the layout is in `columns`, the table it was made from.
    pub fn own_map(&self, columns: &Columns, rules: &RuleSet) -> Vec<usize> {
        let copied = &self.header[..self.copied_len()];
        let mut map = Vec::with_capacity(copied.len());
        for (i, name) in columns.written.iter().enumerate() {
            // Headed as [`Layout::new`] heads it (with the unit a title row gave).
            let name = columns
                .header_with_table_unit(i, rules)
                .unwrap_or_else(|| name.clone());
            if copied.get(map.len()) == Some(&name) {
                map.push(i);
            }
        }
        map
    }

    /// For each copied output column, the column of `other` that fills it; `None` when `other`
    /// does not have the same columns as `first` (in any order, under any accepted name).
    pub fn map(&self, first: &Columns, other: &Columns) -> Option<Vec<usize>> {
        let mut map = Vec::with_capacity(self.copied.len());
        for &i in &self.copied {
            let found = match first.field_at(i) {
                // Same field, same unit: `投资(万元)` under `cost` would be off by 10,000.
                Some(f) => other.index(f).filter(|_| other.scale(f) == first.scale(f)),
                // Two unknown columns of one name (`note,note`) pair up in order: the k-th
                // of that name in `first` takes the k-th in `other`.
                None => {
                    let name = &first.names[i];
                    let k = self.copied.iter().take_while(|&&c| c != i).filter(|&&c| {
                        first.field_at(c).is_none() && first.names[c].eq_ignore_ascii_case(name)
                    });
                    let k = k.count();
                    (0..other.names.len())
                        .filter(|&j| other.names[j].eq_ignore_ascii_case(name))
                        .nth(k)
                }
            };
            map.push(found?);
        }
        let extra = (0..other.names.len())
            .any(|j| !map.contains(&j) && !is_ours(&self.ours, &other.names[j]));
        (!extra).then_some(map)
    }
}

/// How soon a column is left out of a terminal table that is too narrow: what identifies a
/// segment and what it is paid stay longest.
fn drop_rank(field: Option<Field>) -> u8 {
    match field {
        // What a row is and what it costs stay beside its subsidy and shortfall longest, as
        // in the table view; what the road is like goes before.
        Some(Field::Id | Field::Village) => 0,
        Some(Field::Cost | Field::CostPerKm) => 1,
        Some(Field::Class | Field::Width | Field::Length) => 2,
        Some(Field::Township | Field::OtherFunds) => 3,
        Some(
            Field::Name
            | Field::Completed
            | Field::Households
            | Field::YishiYiyi
            | Field::SelfRaised
            | Field::VillageFund
            | Field::Disbursed
            | Field::Priority
            | Field::Date
            | Field::Year,
        ) => 4,
        None => 5,
    }
}

fn is_ours(ours: &[String], name: &str) -> bool {
    ours.iter().any(|o| o.eq_ignore_ascii_case(bare(name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The order the README gives for leaving columns out of a narrow terminal table.
    #[test]
    fn a_narrow_terminal_leaves_out_the_least_needed_columns_first() {
        let columns = Columns::from_header([
            "编号",
            "乡镇",
            "村",
            "路段名称",
            "类别",
            "宽度",
            "长度",
            "投资",
            "每公里造价",
            "整合资金",
            "已完工",
            "户数",
            "备注",
        ])
        .unwrap();
        let layout = Layout::new(&columns, &RuleSet::builtin());
        let mut order: Vec<usize> = (0..layout.header.len())
            .filter(|&i| layout.drop_order[i] > 0)
            .collect();
        order.sort_by_key(|&i| std::cmp::Reverse(layout.drop_order[i]));
        let names: Vec<&str> = order.iter().map(|&i| layout.header[i].as_str()).collect();
        assert_eq!(
            names,
            [
                "备注",
                "路段名称",
                "已完工",
                "户数",
                "due",
                "乡镇",
                "整合资金",
                "gap",
                "shortfall_per_household",
                "notes",
                "类别",
                "宽度",
                "长度",
                "transport",
                "poverty",
                "投资",
                "每公里造价"
            ]
        );
    }
}

#[cfg(test)]
mod column_tests {
    use super::*;

    #[test]
    fn the_shipped_funds_take_no_columns_name() {
        let text = crate::rules::BUILTIN_TOML;
        assert!(RuleSet::from_toml_for_columns(text, "r", &column_taken).is_ok());
    }

    #[test]
    fn names_that_head_columns_are_taken() {
        let input = |k: &str| Some(Taken::Input(k.into()));
        let computed = |k: &str| Some(Taken::Computed(k.into()));
        assert_eq!(column_taken("整合资金"), input("other_funds"));
        assert_eq!(column_taken(" 整合資金 "), input("other_funds"));
        assert_eq!(column_taken("投资(万元)"), input("cost"));
        assert_eq!(column_taken("Village"), input("village"));
        assert_eq!(column_taken("shortfall"), computed("shortfall"));
        assert_eq!(column_taken("NOTES"), computed("notes"));
        assert_eq!(column_taken("roadsub_notes"), computed("roadsub_notes"));
        assert_eq!(column_taken("计算说明"), computed("计算说明"));
        assert_eq!(column_taken("transport"), None);
        assert_eq!(column_taken("县交通局补助"), None);
    }

    #[test]
    fn computed_names_in_the_units_roadsub_writes_are_taken_too() {
        let computed = |k: &str| Some(Taken::Computed(k.into()));
        assert_eq!(column_taken("补助合计（万元）"), computed("补助合计"));
        assert_eq!(column_taken("尚需筹集（元）"), computed("尚需筹集"));
        assert_eq!(
            column_taken("subsidy_total (万元)"),
            computed("subsidy_total")
        );
        assert_eq!(column_taken(" gap(元) "), computed("gap"));
        // Another unit is not one roadsub writes.
        assert_eq!(column_taken("差额（美元）"), None);
        // An input column keeps its own unit.
        assert_eq!(
            column_taken("投资（万元）"),
            Some(Taken::Input("cost".into()))
        );
    }

    #[test]
    fn the_headings_are_the_workbooks_names_with_their_unit() {
        let rules = RuleSet::builtin();
        let names = |header: &str, notes_last: &str| {
            let columns = Columns::from_header(header.split(',')).unwrap();
            let layout = Layout::new(&columns, &rules);
            assert_eq!(layout.header.last().unwrap(), notes_last);
            (
                layout.names(&rules, Lang::Zh).join(","),
                layout
                    .headings(&rules, Lang::Zh, Unit::Wan, false)
                    .join(","),
                layout
                    .headings(&rules, Lang::En, Unit::Wan, false)
                    .join(","),
                layout.headings(&rules, Lang::En, Unit::Yuan, false) == layout.header,
            )
        };
        let (zh, zh_wan, en_wan, ids) = names(
            "id,township,village,class,width_m,length_km,cost,households,notes",
            "roadsub_notes",
        );
        assert_eq!(zh, "id,township,village,class,width_m,length_km,cost,households,notes,县交通局补助,县扶贫专项补助,补助合计,差额,尚需筹集,每户尚需筹集,计算说明");
        assert_eq!(zh_wan, "id,township,village,class,width_m,length_km,cost,households,notes,县交通局补助（万元）,县扶贫专项补助（万元）,补助合计（万元）,差额（万元）,尚需筹集（万元）,每户尚需筹集（万元）,计算说明");
        assert_eq!(en_wan, "id,township,village,class,width_m,length_km,cost,households,notes,transport (万元),poverty (万元),subsidy_total (万元),gap (万元),shortfall (万元),shortfall_per_household (万元),roadsub_notes");
        assert!(ids);
        let (zh, ..) = names(
            "id,township,village,class,width_m,length_km,cost,completed_km,disbursed",
            "notes",
        );
        assert_eq!(zh, "id,township,village,class,width_m,length_km,cost,completed_km,disbursed,县交通局补助,县扶贫专项补助,补助合计,差额,尚需筹集,应拨付,待拨付,计算说明");
    }

    #[test]
    fn a_table_written_with_headings_in_a_unit_is_ours() {
        let base = "id,township,village,class,width_m,length_km,cost";
        for written in [
            "县交通局补助（万元）,县扶贫专项补助（万元）,补助合计（万元）,差额（万元）,尚需筹集（万元）,计算说明",
            "县交通局补助（元）,县扶贫专项补助（元）,补助合计（元）,差额（元）,尚需筹集（元）,计算说明",
            "transport (万元),poverty (万元),subsidy_total (万元),gap (万元),shortfall (万元),notes",
        ] {
            let header = format!("{base},{written}");
            assert!(clashing(&header).is_empty(), "{header}");
            let columns = Columns::from_header(header.split(',')).unwrap();
            assert_eq!(Layout::new(&columns, &RuleSet::builtin()).copied_len(), 7, "{header}");
        }
    }

    #[test]
    fn a_users_notes_column_is_told_from_ours() {
        let users = |header: &str| {
            let columns = Columns::from_header(header.split(',')).unwrap();
            users_notes(&columns, !ours_in(&columns, &RuleSet::builtin()).is_empty())
        };
        let base = "id,township,village,class,width_m,length_km,cost";
        assert!(!users(base));
        assert!(users(&format!("{base},notes")));
        assert!(users(&format!("{base},Notes")));
        // Written by roadsub without notes of the user's: `notes` is ours.
        assert!(!users(&format!(
            "{base},transport,poverty,subsidy_total,shortfall,notes"
        )));
        assert!(!users(&format!(
            "{base},县交通局补助,县扶贫专项补助,补助合计,差额,notes"
        )));
        // Not written by roadsub (a fund's column is missing): `notes` is the user's.
        assert!(users(&format!(
            "{base},transport,subsidy_total,shortfall,notes"
        )));
        // Written by roadsub beside the user's notes: theirs stays theirs.
        assert!(users(&format!(
            "{base},notes,transport,poverty,subsidy_total,shortfall,roadsub_notes"
        )));
        assert!(users(&format!(
            "{base},notes,县交通局补助,县扶贫专项补助,补助合计,差额,计算说明"
        )));
    }

    fn clashing(header: &str) -> Vec<String> {
        let columns = Columns::from_header(header.split(',')).unwrap();
        clashes(&columns, &RuleSet::builtin())
            .into_iter()
            .map(|p| match p {
                HeaderProblem::ComputedName(n) => n,
                p => panic!("{p:?}"),
            })
            .collect()
    }

    #[test]
    fn a_users_column_named_like_a_computed_one_is_refused_unless_the_table_is_ours() {
        let base = "id,township,village,class,width_m,length_km,cost";
        // Not a table roadsub wrote: every computed name is the user's, in any case or space.
        assert_eq!(
            clashing(&format!("{base},poverty,Shortfall ,notes")),
            ["poverty", "Shortfall"]
        );
        assert_eq!(clashing(&format!("{base},补助合计")), ["补助合计"]);
        assert_eq!(
            clashing(&format!("{base},transport,subsidy_total,shortfall")),
            ["transport", "subsidy_total", "shortfall"]
        );
        assert_eq!(
            clashing(&format!("{base},roadsub_notes")),
            ["roadsub_notes"]
        );
        // Roadsub's own output, as CSV and as the Chinese report workbook writes it.
        assert!(clashing(&format!(
            "{base},transport,poverty,subsidy_total,shortfall,notes"
        ))
        .is_empty());
        assert!(clashing(&format!(
            "{base},notes,transport,poverty,subsidy_total,shortfall,roadsub_notes"
        ))
        .is_empty());
        assert!(clashing(&format!(
            "{base},县交通局补助,县扶贫专项补助,补助合计,差额,每户差额,计算说明"
        ))
        .is_empty());
        // Ours in English, but a Chinese heading beside it is not how roadsub writes them.
        assert_eq!(
            clashing(&format!(
                "{base},transport,poverty,subsidy_total,shortfall,差额,notes"
            )),
            ["差额"]
        );
        assert!(clashing(&format!("{base},transport_note,notes")).is_empty());
    }
}
