//! The TOML mirror of `rules.toml`: the file's shape as serde reads it, each value with its
//! span. Validating it into a [`RuleSet`](super::RuleSet) is [`check`]'s; saying where a
//! problem is, as `file:line:col`, is [`locate`]'s.
//!
//! Serde reads the shape (each unknown key reported, then left out so reading goes on); then
//! every value is checked and every problem collected with its span, so one run of
//! `roadsub rules check` lists them all.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::RulesProblem;
pub(super) use check::parse;
pub(super) use locate::position;
use locate::Locator;

mod approved;
mod check;
mod locate;
mod selftest;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    meta: MetaFile,
    #[serde(default)]
    classes: Vec<Spanned<ClassFile>>,
    #[serde(default)]
    funds: Vec<Spanned<FundFile>>,
    #[serde(default)]
    budgets: Vec<Spanned<BudgetFile>>,
    #[serde(default)]
    test: Vec<Spanned<TestFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MetaFile {
    name: Spanned<String>,
    name_en: Option<String>,
    issuer: Option<String>,
    issuer_en: Option<String>,
    source: Spanned<String>,
    source_en: Option<String>,
    currency: Option<Spanned<String>>,
    /// A TOML date (`2018-05-15`) or a string, as `from` and `until` are.
    effective: Option<Spanned<RawDate>>,
    rounding: Option<Spanned<String>>,
    plausible_cost_per_km: Option<Spanned<Vec<Spanned<RawNumber>>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClassFile {
    id: Spanned<String>,
    name: Spanned<String>,
    name_en: Option<String>,
    #[serde(default)]
    aliases: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FundFile {
    id: Spanned<String>,
    name: Spanned<String>,
    name_en: Option<Spanned<String>>,
    #[serde(default)]
    up_to: bool,
    #[serde(default)]
    approved_aliases: Vec<Spanned<String>>,
    #[serde(default)]
    tiers: Vec<Spanned<TierFile>>,
    // Where the fund comes from (SPEC §9); no `quote_en`: a quote is the policy's own words,
    // and an English rendering of it would be a translation, which `reading_en` can give.
    source: Option<Spanned<String>>,
    source_en: Option<Spanned<String>>,
    quote: Option<Spanned<String>>,
    reading: Option<Spanned<String>>,
    reading_en: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TierFile {
    classes: Spanned<Vec<Spanned<String>>>,
    min_width_m: Spanned<RawNumber>,
    rate_per_km: Spanned<RawNumber>,
    source: Option<Spanned<String>>,
    source_en: Option<Spanned<String>>,
    quote: Option<Spanned<String>>,
    // The days the tier is in force, both included (SPEC §9); open when left out.
    from: Option<Spanned<RawDate>>,
    until: Option<Spanned<RawDate>>,
}

/// A date as written: a TOML date (`2019-01-01`) or a string (`"2019-01-01"`); checked to be
/// a calendar day by [`check`].
struct RawDate(String);

impl<'de> Deserialize<'de> for RawDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawDate;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date such as 2019-01-01")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawDate, E> {
                Ok(RawDate(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawDate, E> {
                // A year alone is not a day: kept as written, so the check says so.
                Ok(RawDate(v.to_string()))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<RawDate, A::Error> {
                // TOML hands a date over as a map of one key to its text.
                match map.next_key::<String>()? {
                    Some(key) if key == DATETIME_KEY => Ok(RawDate(map.next_value::<String>()?)),
                    _ => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
                }
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BudgetFile {
    // Exactly one of the two: the check says so when both or neither are written.
    fund: Option<Spanned<String>>,
    source: Option<Spanned<String>>,
    class: Option<Spanned<String>>,
    #[serde(default)]
    per_village: bool,
    name: Option<Spanned<String>>,
    name_en: Option<Spanned<String>>,
    amount: Spanned<RawNumber>,
    on_overrun: Option<Spanned<String>>,
}

/// A number as written: TOML integer, string, or float (refused for money).
enum RawNumber {
    Int(i64),
    Text(String),
    Float(f64),
}

impl<'de> Deserialize<'de> for RawNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = RawNumber;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                // Widths and amounts alike (a width may be a float too).
                f.write_str("a number or a string such as \"15万\" or \"3.5\"")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawNumber, E> {
                Ok(RawNumber::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawNumber, E> {
                // Too large for i64: keep the digits, so the amount check says why.
                Ok(
                    i64::try_from(v)
                        .map_or_else(|_| RawNumber::Text(v.to_string()), RawNumber::Int),
                )
            }
            fn visit_i128<E: de::Error>(self, v: i128) -> Result<RawNumber, E> {
                Ok(
                    i64::try_from(v)
                        .map_or_else(|_| RawNumber::Text(v.to_string()), RawNumber::Int),
                )
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<RawNumber, E> {
                Ok(
                    i64::try_from(v)
                        .map_or_else(|_| RawNumber::Text(v.to_string()), RawNumber::Int),
                )
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawNumber, E> {
                Ok(RawNumber::Float(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawNumber, E> {
                Ok(RawNumber::Text(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl RawNumber {
    fn text(&self) -> String {
        match self {
            RawNumber::Int(i) => i.to_string(),
            RawNumber::Text(s) => s.clone(),
            RawNumber::Float(f) => f.to_string(),
        }
    }
}

/// A `[[test]]` as written: its keys in file order, each with its span. Its keys are not fixed
/// (`<fund>_approved`, and the funds under `expect`, come from the rules themselves), so
/// [`selftest`] checks them, not serde.
struct TestFile(Vec<(Spanned<String>, Spanned<TestValue>)>);

/// How TOML hands a date over to serde: a map with this one key.
const DATETIME_KEY: &str = "$__toml_private_datetime";

/// A value in a `[[test]]`: what it is matters only to the check, which says what it expects.
enum TestValue {
    Number(RawNumber),
    Bool(bool),
    Table(TestFile),
    /// A TOML date, datetime or time, as TOML writes it (`2019-03-01`, `10:00:00`): `date`
    /// takes a day so written, as it takes one in a string.
    Date(String),
    /// An array: nothing a test takes.
    Other(&'static str),
}

impl<'de> Deserialize<'de> for TestFile {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TestFile;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<TestFile, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    entries.push((key, map.next_value::<Spanned<TestValue>>()?));
                }
                Ok(TestFile(entries))
            }
        }
        d.deserialize_map(V)
    }
}

impl<'de> Deserialize<'de> for TestValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TestValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number, a string or a table")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<TestValue, E> {
                Ok(TestValue::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<TestValue, E> {
                Ok(TestValue::Number(RawNumber::Int(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<TestValue, E> {
                Ok(TestValue::Number(i64::try_from(v).map_or_else(
                    |_| RawNumber::Text(v.to_string()),
                    RawNumber::Int,
                )))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<TestValue, E> {
                Ok(TestValue::Number(RawNumber::Float(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<TestValue, E> {
                Ok(TestValue::Number(RawNumber::Text(v.to_string())))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<TestValue, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(TestValue::Other("sequence"))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<TestValue, A::Error> {
                let mut entries = Vec::new();
                loop {
                    match map.next_key::<Spanned<String>>() {
                        Ok(Some(key)) => {
                            entries.push((key, map.next_value::<Spanned<TestValue>>()?));
                        }
                        Ok(None) => return Ok(TestValue::Table(TestFile(entries))),
                        // TOML hands a date over as a map whose one key has no place;
                        // its value is the date's text.
                        Err(e) if e.to_string().contains(DATETIME_KEY) => {
                            return Ok(TestValue::Date(map.next_value::<String>()?))
                        }
                        Err(e) => return Err(e),
                    }
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// Reads the file's shape. An unknown key is reported and left out, a value of the wrong type
/// or a missing key is reported and given a harmless stand-in, and reading goes on, so that
/// one run lists every such problem and then every other one; a syntax error, or a problem no
/// stand-in mends (a missing `id` or `[meta]`, a table where a value goes), ends it (`None`,
/// with the problem in `loc`).
fn read_shape(text: &str, loc: &mut Locator) -> Option<RulesFile> {
    let mut root = match DeTable::parse(text) {
        Ok(root) => root,
        Err(e) => {
            let at = e.span().map_or(0, |s| s.start);
            loc.errors.push(loc.at(at, problem_from_toml(e.message())));
            return None;
        }
    };
    // What was mended: a problem that comes back was not mended after all, and reading ends.
    let mut mended_before: Vec<(Option<std::ops::Range<usize>>, RulesProblem)> = Vec::new();
    loop {
        let e = match RulesFile::deserialize(toml::de::Deserializer::from(root.clone())) {
            Ok(file) => return Some(file),
            Err(e) => e,
        };
        let span = e.span();
        let problem = match (problem_from_toml(e.message()), &span) {
            // serde calls a date or time written bare a map.
            (RulesProblem::WrongType { found, expected }, Some(s)) if found == "map" => {
                RulesProblem::WrongType {
                    found: datetime_at(root.get_ref(), s)
                        .map_or(found, |when| format!("datetime `{when}`")),
                    expected,
                }
            }
            (problem, _) => problem,
        };
        if mended_before.contains(&(span.clone(), problem.clone())) {
            return None;
        }
        mended_before.push((span.clone(), problem.clone()));
        let at = span.as_ref().map_or(0, |s| s.start);
        loc.errors.push(loc.at(at, problem.clone()));
        let mended = match (&problem, span) {
            (RulesProblem::UnknownKey { .. }, Some(s)) => remove_key(root.get_mut(), &s),
            (RulesProblem::WrongType { expected, .. }, Some(s)) => match stand_in(expected) {
                Some(value) if replace_value(root.get_mut(), &s, &value) => {
                    loc.stand_ins.push(position(text, s.start));
                    true
                }
                _ => false,
            },
            // A missing key is given a stand-in in its table, so the rest is read too.
            (RulesProblem::MissingKey(key), Some(s)) => match missing_stand_in(key) {
                Some(value) if insert_key(root.get_mut(), &s, key, &value) => {
                    loc.stand_ins.push(position(text, s.start));
                    true
                }
                _ => false,
            },
            _ => false,
        };
        if !mended {
            return None;
        }
    }
}

/// A value of the type that was `expected`, to stand in for the wrong one.
fn stand_in(expected: &str) -> Option<DeValue<'static>> {
    Some(match expected {
        "a boolean" => DeValue::Boolean(false),
        "a string" => DeValue::String("".into()),
        "a sequence" => DeValue::Array(std::iter::empty().collect()),
        // A tier's `from` or `until` ([`RawDate`]): an empty text, which is no day.
        e if e.starts_with("a date") => DeValue::String("".into()),
        e if e.starts_with("an integer or a string") || e.starts_with("a number or a string") => {
            DeValue::Integer(Default::default())
        }
        _ => return None,
    })
}

/// A value of the type a required key takes, to stand in for it when it is missing; keys of
/// one name take one type wherever they are required. None for an `id`: other parts of the
/// file name a class or fund by it, and each would be refused for the stand-in's sake.
fn missing_stand_in(key: &str) -> Option<DeValue<'static>> {
    Some(match key {
        "name" | "source" => DeValue::String("".into()),
        "classes" => DeValue::Array(std::iter::empty().collect()),
        "min_width_m" | "rate_per_km" | "amount" => DeValue::Integer(Default::default()),
        _ => return None,
    })
}

/// Adds `key` = `value` to the table at `span`, wherever it is in `table`; whether it was
/// found. The stand-in is placed at the table, where the missing key is reported.
fn insert_key(
    table: &mut DeTable<'_>,
    span: &std::ops::Range<usize>,
    key: &str,
    value: &DeValue<'static>,
) -> bool {
    table
        .iter_mut()
        .any(|(_, v)| insert_in_value(v, span, key, value))
}

fn insert_in_value(
    at: &mut Spanned<DeValue<'_>>,
    span: &std::ops::Range<usize>,
    key: &str,
    value: &DeValue<'static>,
) -> bool {
    // An array of tables has the span of its first table's header: only a table takes the key.
    let here = at.span() == *span;
    match at.get_mut() {
        DeValue::Table(t) if here => {
            let name = Spanned::new(span.clone(), key.to_string().into());
            t.insert(name, Spanned::new(span.clone(), value.clone()));
            true
        }
        DeValue::Table(t) => insert_key(t, span, key, value),
        DeValue::Array(a) => a.iter_mut().any(|v| insert_in_value(v, span, key, value)),
        _ => false,
    }
}

/// The date or time written bare at `span`, wherever it is in `table`, as written.
fn datetime_at(table: &DeTable<'_>, span: &std::ops::Range<usize>) -> Option<String> {
    table.iter().find_map(|(_, v)| datetime_in(v, span))
}

fn datetime_in(value: &Spanned<DeValue<'_>>, span: &std::ops::Range<usize>) -> Option<String> {
    match value.get_ref() {
        DeValue::Datetime(when) if value.span() == *span => Some(when.to_string()),
        _ if value.span() == *span => None,
        DeValue::Table(t) => datetime_at(t, span),
        DeValue::Array(a) => a.iter().find_map(|v| datetime_in(v, span)),
        _ => None,
    }
}

/// Replaces the value at `span`, wherever it is in `table`, with `with`; whether it was found.
fn replace_value(
    table: &mut DeTable<'_>,
    span: &std::ops::Range<usize>,
    with: &DeValue<'static>,
) -> bool {
    table
        .iter_mut()
        .any(|(_, v)| replace_in_value(v, span, with))
}

fn replace_in_value(
    value: &mut Spanned<DeValue<'_>>,
    span: &std::ops::Range<usize>,
    with: &DeValue<'static>,
) -> bool {
    if value.span() == *span {
        *value.get_mut() = with.clone();
        return true;
    }
    match value.get_mut() {
        DeValue::Table(t) => replace_value(t, span, with),
        DeValue::Array(a) => a.iter_mut().any(|v| replace_in_value(v, span, with)),
        _ => false,
    }
}

/// Removes the entry whose key is at `span`, wherever it is in `table`; whether it was found.
fn remove_key(table: &mut DeTable, span: &std::ops::Range<usize>) -> bool {
    // Keys are unique within a table: the name found at the span is the one to remove.
    let found = table
        .iter()
        .find(|(k, _)| k.span() == *span)
        .map(|(k, _)| k.get_ref().to_string());
    if let Some(name) = found {
        return table.remove(name.as_str()).is_some();
    }
    table
        .iter_mut()
        .any(|(_, v)| remove_in_value(v.get_mut(), span))
}

fn remove_in_value(value: &mut DeValue, span: &std::ops::Range<usize>) -> bool {
    match value {
        DeValue::Table(t) => remove_key(t, span),
        DeValue::Array(a) => a.iter_mut().any(|v| remove_in_value(v.get_mut(), span)),
        _ => false,
    }
}

/// Recognises the usual serde messages so they can be said in either language.
fn problem_from_toml(message: &str) -> RulesProblem {
    let message = message.trim();
    if let Some(rest) = message.strip_prefix("unknown field `") {
        if let Some((key, tail)) = rest.split_once('`') {
            let expected = tail
                .trim_start_matches(", expected ")
                .trim_start_matches("one of ")
                .replace('`', "");
            return RulesProblem::UnknownKey {
                key: key.to_string(),
                expected,
            };
        }
    }
    if let Some((found, expected)) = message
        .strip_prefix("invalid type: ")
        .and_then(|rest| rest.rsplit_once(", expected "))
    {
        return RulesProblem::WrongType {
            found: found.to_string(),
            expected: expected.to_string(),
        };
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        if let Some((key, _)) = rest.split_once('`') {
            return RulesProblem::MissingKey(key.to_string());
        }
    }
    RulesProblem::Syntax(message.to_string())
}
