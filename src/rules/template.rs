//! The commented rules file `roadsub rules new` writes, for a county whose rules are not the
//! shipped ones: every key the rules file knows, explained in Chinese and English, with
//! placeholder values that pass `roadsub rules check` as written.
//!
//! It lives in `template.toml` beside this module so that it reads as the file a user gets,
//! and the tests below hold it to the parser: valid as written, valid with every optional
//! example switched on, and mentioning every key the parser accepts.

/// The template rules file, as `roadsub rules new` writes it.
pub const TEMPLATE_TOML: &str = include_str!("template.toml");

#[cfg(test)]
mod tests {
    use super::TEMPLATE_TOML;
    use crate::rules::{RuleSet, RulesProblem};

    /// The template with every commented-out key and table header switched on.
    fn with_examples_on() -> String {
        TEMPLATE_TOML
            .lines()
            .map(|line| match line.strip_prefix("# ") {
                Some(rest) if is_key_line(rest) || header(rest).is_some() => rest,
                _ => line,
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Whether `text` is a `key = value` line.
    fn is_key_line(text: &str) -> bool {
        key_of(text).is_some()
    }

    /// The key of a `key = value` line.
    fn key_of(text: &str) -> Option<&str> {
        let (key, _) = text.split_once(" = ")?;
        (!key.is_empty() && key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')).then_some(key)
    }

    /// The table a `[name]` or `[[name]]` line opens.
    fn header(text: &str) -> Option<&str> {
        let text = text.trim();
        let inner = text
            .strip_prefix("[[")
            .and_then(|t| t.strip_suffix("]]"))
            .or_else(|| text.strip_prefix('[').and_then(|t| t.strip_suffix(']')))?;
        (!inner.contains(['[', ']', ' '])).then_some(inner)
    }

    /// A line as written or, when commented out, as it would be switched on.
    fn content(line: &str) -> &str {
        line.strip_prefix("# ").unwrap_or(line)
    }

    /// The keys the parser accepts in the table at `path`, read from what it says of an
    /// unknown key there, so the list follows the parser's own structs.
    fn accepted_keys(path: &str) -> Vec<String> {
        let base = "[meta]\nname = \"n\"\nsource = \"s\"\n";
        let text = match path {
            "" => format!("zz_unknown = 1\n{base}"),
            "meta" => format!("{base}zz_unknown = 1\n"),
            "classes" => format!("{base}[[classes]]\nid = \"a\"\nname = \"b\"\nzz_unknown = 1\n"),
            "funds" => format!("{base}[[funds]]\nid = \"f\"\nname = \"F\"\nzz_unknown = 1\n"),
            "funds.tiers" => format!(
                "{base}[[funds]]\nid = \"f\"\nname = \"F\"\n[[funds.tiers]]\n\
                 classes = [\"a\"]\nmin_width_m = 1\nrate_per_km = 1\nzz_unknown = 1\n"
            ),
            "budgets" => format!("{base}[[budgets]]\nfund = \"f\"\namount = 1\nzz_unknown = 1\n"),
            "test" => format!("{base}[[test]]\nname = \"t\"\nzz_unknown = 1\n"),
            other => panic!("no table {other}"),
        };
        let errors = RuleSet::from_toml(&text, "probe.toml").unwrap_err();
        let expected = errors
            .iter()
            .find_map(|e| match &e.problem {
                RulesProblem::UnknownKey { key, expected } if key == "zz_unknown" => {
                    Some(expected.clone())
                }
                _ => None,
            })
            .unwrap_or_else(|| panic!("no unknown-key error for {path:?}"));
        expected.split(", ").map(str::to_string).collect()
    }

    /// The lines of the template's sections for the table at `path` (commented ones included).
    fn mentions(path: &str, key: &str) -> bool {
        let child = if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        };
        let mut section = "";
        for line in TEMPLATE_TOML.lines() {
            let line = content(line);
            if let Some(h) = header(line) {
                if h == child {
                    return true;
                }
                section = h;
            } else if section == path && key_of(line) == Some(key) {
                return true;
            }
        }
        false
    }

    #[test]
    fn the_template_passes_rules_check_as_written() {
        let rules = RuleSet::from_toml(TEMPLATE_TOML, "rules.toml").unwrap_or_else(|errors| {
            panic!("{errors:?}");
        });
        assert_eq!(rules.classes.len(), 2);
        let funds: Vec<_> = rules
            .funds
            .iter()
            .map(|f| (f.id.as_str(), f.up_to, f.tiers.len()))
            .collect();
        assert_eq!(funds, [("transport", false, 2), ("special", true, 2)]);
        assert_eq!(rules.budgets.len(), 1);
        assert!(rules.meta.name.contains("（示例）"), "{}", rules.meta.name);
    }

    #[test]
    fn the_template_passes_rules_check_with_every_optional_example_switched_on() {
        let text = with_examples_on();
        assert_ne!(text, TEMPLATE_TOML.trim_end());
        let rules = RuleSet::from_toml(&text, "rules.toml").unwrap_or_else(|errors| {
            panic!("{errors:?}");
        });
        assert_eq!(rules.budgets.len(), 2);
        assert!(rules.budgets.iter().all(|b| b.per_village));
        assert_eq!(rules.funds[1].approved_aliases, ["专项批复"]);
        assert!(rules.meta.plausible_cost_per_km.is_some());
    }

    #[test]
    fn the_template_mentions_every_key_the_parser_accepts() {
        let tables = [
            "",
            "meta",
            "classes",
            "funds",
            "funds.tiers",
            "budgets",
            "test",
        ];
        let mut missing = Vec::new();
        for path in tables {
            let keys = accepted_keys(path);
            assert!(!keys.is_empty(), "{path}");
            // `<fund>_approved` stands for one key per fund: the template's funds name theirs.
            for key in keys.into_iter().filter(|k| !k.starts_with('<')) {
                if !mentions(path, &key) {
                    missing.push(format!("{path}: {key}"));
                }
            }
        }
        assert!(missing.is_empty(), "not in the template: {missing:?}");
        // The probe itself sees the keys (a probe that found none would pass anything).
        assert_eq!(
            accepted_keys(""),
            ["meta", "classes", "funds", "budgets", "test"]
        );
        assert!(!mentions("meta", "zz_unknown"));
    }

    #[test]
    fn every_key_of_the_template_is_explained_in_both_languages() {
        let lines: Vec<&str> = TEMPLATE_TOML.lines().collect();
        let mut seen = std::collections::HashSet::new();
        let mut section = "";
        let mut unexplained = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let line = content(line);
            let what = if let Some(h) = header(line) {
                section = h;
                h.to_string()
            } else if let Some(key) = key_of(line) {
                format!("{section}.{key}")
            } else {
                continue;
            };
            if !seen.insert(what.clone()) {
                continue;
            }
            // The prose comment above it, skipping blank lines and commented-out headers.
            let mut prose = String::new();
            for above in lines[..i].iter().rev() {
                let text = above.trim();
                if text.is_empty() && prose.is_empty() {
                    continue;
                }
                match text.strip_prefix('#') {
                    Some(c) if header(c.trim()).is_some() && prose.is_empty() => continue,
                    Some(c) if !is_key_line(c.trim()) && header(c.trim()).is_none() => {
                        prose.push_str(c);
                    }
                    _ => break,
                }
            }
            let chinese = prose
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
            let english = prose
                .split(|c: char| !c.is_ascii_alphabetic())
                .any(|w| w.len() >= 3 && w.chars().any(|c| c.is_ascii_lowercase()));
            if !(chinese && english) {
                unexplained.push(what);
            }
        }
        assert!(
            unexplained.is_empty(),
            "explained in neither or one language: {unexplained:?}"
        );
        assert!(seen.contains("budgets.on_overrun"), "{seen:?}");
    }

    #[test]
    fn the_template_s_self_test_passes() {
        let rules = RuleSet::from_toml(TEMPLATE_TOML, "template.toml").unwrap();
        let (report, failed) = crate::rules::selftest::report(&rules, crate::i18n::Lang::En);
        assert_eq!(report, "ok 示例1\n1 test: 1 passed, 0 failed\n");
        assert_eq!(failed, 0);
    }
}
