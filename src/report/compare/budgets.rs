//! Which budget of the variant is which budget of the rules in force. Budgets have no id: two
//! files list them in any order, and a budget is known by what it draws on (fund or source),
//! the class it pays for and whether it is per village; its name breaks a tie. Matching by
//! place would call a deleted budget "another one renamed and changed", and two budgets
//! swapped "six changes": the description and the side-by-side budget table both pair them
//! here.

use crate::rules::{Budget, RuleSet};

/// What a budget is, whatever its place and name.
fn identity(b: &Budget, rules: &RuleSet) -> (String, Option<String>, bool) {
    (
        b.draw_key(rules).to_string(),
        b.class.map(|c| rules.classes[c].id.clone()),
        b.per_village,
    )
}

/// The budget's name as the rules file gives it (or as it is shown when it has none).
fn name(b: &Budget, rules: &RuleSet) -> String {
    b.display(rules, crate::i18n::Lang::Zh)
}

/// For each budget of `before`, the variant's budget that is the same one: the same identity
/// (the same name first, then in file order), else, for a budget moved to another fund or
/// class, the same name. `None`: the budget is only in the rules in force.
pub fn matched(before: &RuleSet, after: &RuleSet) -> Vec<Option<usize>> {
    let mut taken = vec![false; after.budgets.len()];
    let mut out: Vec<Option<usize>> = vec![None; before.budgets.len()];
    type Same = fn(&Budget, &RuleSet, &Budget, &RuleSet) -> bool;
    let passes: [Same; 3] = [
        |x, b, y, a| identity(x, b) == identity(y, a) && name(x, b) == name(y, a),
        |x, b, y, a| identity(x, b) == identity(y, a),
        |x, b, y, a| name(x, b) == name(y, a),
    ];
    for same in passes {
        for (i, x) in before.budgets.iter().enumerate() {
            if out[i].is_some() {
                continue;
            }
            let found = after
                .budgets
                .iter()
                .enumerate()
                .find(|&(j, y)| !taken[j] && same(x, before, y, after));
            if let Some((j, _)) = found {
                taken[j] = true;
                out[i] = Some(j);
            }
        }
    }
    out
}

/// Whether the order of two budgets of one rule set can change what they pay: both draw on
/// the same fund or source and their rows may overlap (the same class, or one of every
/// class), so the later one shares out what the earlier one left.
pub fn order_matters(x: &Budget, y: &Budget, rules: &RuleSet) -> bool {
    x.draw_key(rules) == y.draw_key(rules)
        && (x.class.is_none() || y.class.is_none() || x.class == y.class)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRORATE: &str = include_str!("../../../examples/anyue-2018-prorate.toml");

    fn rules(text: &str) -> RuleSet {
        RuleSet::from_toml(text, "v.toml").expect("valid rules")
    }

    /// The prorate rules' budgets, each as the text of its `[[budgets]]` table.
    fn blocks() -> (String, Vec<String>) {
        // Without the self-tests that follow the budgets (a variant's are not run).
        let text = &PRORATE[..PRORATE.find("# 自测").unwrap()];
        let mut parts = text.split("[[budgets]]");
        let head = parts.next().unwrap().to_string();
        (head, parts.map(|p| format!("[[budgets]]{p}")).collect())
    }

    #[test]
    fn budgets_are_matched_by_what_they_draw_on_whatever_their_order() {
        let (head, b) = blocks();
        assert!(b.len() >= 3, "the prorate rules have three budgets");
        let before = rules(PRORATE);
        // Reversed: each is still itself.
        let reversed: String = b.iter().rev().cloned().collect::<Vec<_>>().concat();
        let after = rules(&format!("{head}{reversed}"));
        let n = b.len();
        assert_eq!(
            matched(&before, &after),
            (0..n).map(|i| Some(n - 1 - i)).collect::<Vec<_>>()
        );
        // The first removed: the others are themselves, the first is in force only.
        let after = rules(&format!("{head}{}", b[1..].concat()));
        let mut want = vec![None];
        want.extend((0..n - 1).map(Some));
        assert_eq!(matched(&before, &after), want);
    }
}
