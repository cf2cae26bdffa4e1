//! Which variant is shown, in words: where its rules came from, cut for the title bar so
//! that what tells two variants apart is seen, and in full for the `v` prompt.

use std::path::PathBuf;

use crate::i18n::Lang;
use crate::rules::{Change, RuleSet};
use crate::textwidth::{cells, truncate};

/// Where a variant's rules came from, to say which is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A rules file, as its path was typed.
    File(PathBuf),
    /// The rules in force with rates changed: the settings as typed, and what each changed.
    Settings {
        /// The settings, one a string, as typed.
        texts: Vec<String>,
        /// What each changed.
        changes: Vec<Change>,
    },
}

impl Source {
    /// The variant in at most `max` cells, for the title bar. What tells two variants apart
    /// comes first and is cut last: a file's name (its end kept when even that is too long),
    /// then the folder it is in; settings as typed, as many as fit, then how many more
    /// (the `v` prompt shows them all).
    pub fn label(&self, max: usize) -> String {
        match self {
            Source::File(path) => {
                let name = path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                if cells(&name) > max {
                    return keep_end(&name, max);
                }
                let dir = path
                    .parent()
                    .map(|d| d.display().to_string())
                    .filter(|d| !d.is_empty());
                let room = max - cells(&name);
                match dir {
                    // " (" and ")" and at least a few cells of the folder.
                    Some(dir) if room >= 3 + 4 => {
                        let dir = format!("{dir}/");
                        format!("{name} ({})", truncate(&dir, room - 3))
                    }
                    _ => name,
                }
            }
            Source::Settings { texts, .. } => {
                let more = |n: usize| {
                    if n > 0 {
                        format!(" +{n}")
                    } else {
                        String::new()
                    }
                };
                let mut out = String::new();
                for (i, t) in texts.iter().enumerate() {
                    let rest = more(texts.len() - i - 1);
                    let with = if out.is_empty() {
                        t.clone()
                    } else {
                        format!("{out} {t}")
                    };
                    if cells(&with) + cells(&rest) <= max {
                        out = with;
                    } else if out.is_empty() {
                        return format!("{}{rest}", truncate(t, max.saturating_sub(cells(&rest))));
                    } else {
                        return format!("{out}{}", more(texts.len() - i));
                    }
                }
                out
            }
        }
    }

    /// The variant in full, a line each: the file's path (name first), or each setting with
    /// what it changes.
    pub fn describe(&self, rules: &RuleSet, lang: Lang) -> Vec<String> {
        match self {
            Source::File(_) => vec![match lang {
                Lang::En => format!("the rules in {}", self.label(usize::MAX)),
                Lang::Zh => format!("{} 中的规则", self.label(usize::MAX)),
            }],
            Source::Settings { texts, changes } => texts
                .iter()
                .zip(changes)
                .map(|(t, c)| format!("{t}{}{}", lang.pick(": ", "："), c.describe(rules, lang)))
                .collect(),
        }
    }
}

/// The end of `text` in at most `max` cells, after a `…` when its start was cut (a file's
/// name differs most often at its end: 规则2.toml).
fn keep_end(text: &str, max: usize) -> String {
    let mut kept = Vec::new();
    let mut used = 1;
    for c in text.chars().rev() {
        let w = cells(c.encode_utf8(&mut [0; 4]));
        if used + w > max {
            break;
        }
        used += w;
        kept.push(c);
    }
    std::iter::once('…').chain(kept.into_iter().rev()).collect()
}
