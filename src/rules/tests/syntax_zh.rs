//! Every message a broken rules file gets is said in Chinese under `--lang zh`, the TOML
//! reader's own messages included: the bundled rules file is broken at random places with the
//! characters TOML gives meaning to, and no message may keep an English word outside the
//! file's own text (a key, a value in quotes or backticks).

use super::*;
use proptest::prelude::*;

/// Words a Chinese message may hold: TOML's own values and a name said as it is written.
const KEPT: [&str; 4] = ["true", "false", "Unicode", "CR"];

/// The English words in `message` outside what it quotes from the file (its keys listed after
/// `可用的键：` too).
fn english_words(message: &str) -> Vec<String> {
    let message = match message.split_once("（可用的键：") {
        Some((head, keys)) => head.to_string() + keys.split_once('）').map_or("", |(_, tail)| tail),
        None => message.to_string(),
    };
    let mut bare = String::new();
    let mut quote: Option<char> = None;
    for c in message.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if matches!(c, '`' | '"') => quote = Some(c),
            None => bare.push(c),
        }
    }
    bare.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 3 && !KEPT.contains(w))
        .map(str::to_string)
        .collect()
}

/// The problems said in the reader's words or serde's: those a Chinese user would otherwise
/// meet in English. (Others are roadsub's own, written in both languages.)
fn said_by_the_reader(problem: &RulesProblem) -> bool {
    matches!(
        problem,
        RulesProblem::Syntax(_)
            | RulesProblem::WrongType { .. }
            | RulesProblem::UnknownKey { .. }
            | RulesProblem::MissingKey(_)
    )
}

/// What `edits` make of the bundled rules: each at a place (a fraction of the text's
/// length), deleting a character, or putting one of `PUT` before or in place of it.
fn broken(edits: &[(u16, u8, u8)]) -> String {
    const PUT: [char; 24] = [
        '"', '\'', '=', '[', ']', '{', '}', ',', '.', '#', '\n', ' ', 'x', '1', '-', '_', '\\',
        '\t', '+', 'e', '0', 'T', ':', '\r',
    ];
    let mut text: Vec<char> = include_str!("../../../rules.toml").chars().collect();
    for &(at, how, put) in edits {
        let at = at as usize * text.len() / (u16::MAX as usize + 1);
        let put = PUT[put as usize % PUT.len()];
        match how % 3 {
            0 => {
                text.remove(at);
            }
            1 => text.insert(at, put),
            _ => text[at] = put,
        }
    }
    text.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn every_message_of_a_broken_rules_file_is_said_in_chinese(
        edits in proptest::collection::vec(any::<(u16, u8, u8)>(), 1..4)
    ) {
        let text = broken(&edits);
        let Err(errors) = RuleSet::from_toml(&text, "r.toml") else {
            return Ok(());
        };
        for e in errors.iter().filter(|e| said_by_the_reader(&e.problem)) {
            let zh = e.problem.render(Lang::Zh);
            prop_assert!(
                english_words(&zh).is_empty(),
                "{zh}\n(English: {})",
                e.problem.render(Lang::En)
            );
        }
    }
}

#[test]
fn a_message_quoting_the_file_is_not_taken_for_english() {
    assert!(english_words("未知的键 `curency`（可用的键：name, name_en）").is_empty());
    assert!(english_words("类型错误：字符串 \"no\"，应为布尔值 true 或 false").is_empty());
    assert_eq!(
        english_words("规则文件格式错误：key with no value"),
        ["key", "with", "value"]
    );
}
