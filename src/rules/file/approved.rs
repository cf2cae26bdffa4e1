//! The names of the columns of approved amounts (SPEC §8): `<fund id>_approved` and each of a
//! fund's `approved_aliases`. Each must name one column only: not another approved-amount
//! column, not an input column under any name it is read by, not a column roadsub computes
//! (a fund's id or name, `subsidy_total`, 补助合计, …); else a table's column would be read as
//! two things, or roadsub's own output read back as approved amounts. A fund paid at a fixed
//! standard has nothing to approve, so no aliases.

use std::collections::HashMap;

use toml::Spanned;

use super::{FundFile, Locator};
use crate::rules::{class_key, RulesProblem, Taken};

/// Refuses every approved-amount column name that is empty, given twice or already another
/// column's, at its place; and aliases on a fund that is not `up_to`.
pub(super) fn check(loc: &mut Locator, funds: &[Spanned<FundFile>]) {
    // Every fund's id and names head a column of the output: fund → the fund's id.
    let mut heads: HashMap<String, &str> = HashMap::new();
    for f in funds {
        let f = f.get_ref();
        let names = [Some(&f.id), Some(&f.name), f.name_en.as_ref()];
        for name in names.into_iter().flatten() {
            heads
                .entry(class_key(name.get_ref()))
                .or_insert(f.id.get_ref().as_str());
        }
    }
    // The approved-amount column names given so far → the fund they are for.
    let mut given: HashMap<String, &str> = HashMap::new();
    for f in funds {
        let f = f.get_ref();
        let id = f.id.get_ref().trim();
        if !id.is_empty() {
            // Its own column's name, told at the fund's id.
            let own = format!("{id}_approved");
            if let Some(problem) = taken(loc, &heads, &given, &own, id, true) {
                loc.push(&f.id, problem);
            }
            given.entry(class_key(&own)).or_insert(id);
        }
        if let (false, Some(first)) = (f.up_to, f.approved_aliases.first()) {
            loc.push(
                first,
                RulesProblem::ApprovedAliasesFixedRate(id.to_string()),
            );
        }
        for alias in &f.approved_aliases {
            let name = alias.get_ref().trim();
            if name.is_empty() {
                loc.push(alias, RulesProblem::EmptyAlias("approved_aliases"));
                continue;
            }
            if let Some(problem) = taken(loc, &heads, &given, name, id, false) {
                loc.push(alias, problem);
                continue;
            }
            given.insert(class_key(name), id);
        }
    }
}

/// Why `name`, an approved-amount column's name for fund `fund` (its `<id>_approved` when
/// `own`), cannot be one, if it cannot.
fn taken(
    loc: &Locator,
    heads: &HashMap<String, &str>,
    given: &HashMap<String, &str>,
    name: &str,
    fund: &str,
    own: bool,
) -> Option<RulesProblem> {
    let key = class_key(name);
    if let Some(&other) = heads.get(&key) {
        return Some(RulesProblem::ApprovedNameTaken {
            name: name.to_string(),
            taken: Taken::Fund(other.to_string()),
        });
    }
    if let Some(taken) = (loc.columns)(name) {
        return Some(RulesProblem::ApprovedNameTaken {
            name: name.to_string(),
            taken,
        });
    }
    match given.get(&key) {
        // Two funds of one id give one own column twice: the id is refused for that already.
        Some(&other) if !(own && other == fund) => Some(RulesProblem::DuplicateApprovedName {
            name: name.to_string(),
            fund: other.to_string(),
        }),
        _ => None,
    }
}
