//! What to tell a user whose table is not wholly one encoding: the line that breaks it, how
//! the encoding was decided, and how to say which it is.

use super::{Decided, Encoding, EncodingError};
use crate::i18n::Lang;

fn name(e: Encoding) -> &'static str {
    match e {
        Encoding::Utf8 => "UTF-8",
        Encoding::Gb18030 => "GBK/GB18030",
    }
}

fn value(e: Encoding) -> &'static str {
    match e {
        Encoding::Utf8 => "utf-8",
        Encoding::Gb18030 => "gbk",
    }
}

/// `FILE:LINE: message`, in `lang`.
pub fn render(e: &EncodingError, file: &str, lang: Lang) -> String {
    let line = e.line;
    let flag = e.flag;
    let msg = match (e.expected, e.decided, lang) {
        (_, Decided::Both, Lang::En) => format!(
            "this line reads as UTF-8 and as GBK/GB18030 alike, and only as GBK does it hold Chinese characters, so the file's encoding cannot be told; give {flag} gbk if it is GBK/GB18030, or {flag} utf-8 if it is UTF-8"
        ),
        (_, Decided::Both, Lang::Zh) => format!(
            "此行既可按 UTF-8 也可按 GBK/GB18030 读取，且只有按 GBK 读取才含中文字符，无法判断文件编码；如文件是 GBK/GB18030 编码，请加 {flag} gbk，如是 UTF-8，请加 {flag} utf-8"
        ),
        (None, _, Lang::En) => format!(
            "this line is neither UTF-8 nor GBK/GB18030 text; save the table as CSV UTF-8, or give {flag} utf-8 or {flag} gbk if you know which it is"
        ),
        (None, _, Lang::Zh) => format!(
            "此行既不是 UTF-8 也不是 GBK/GB18030 文本；请将表格另存为 CSV UTF-8，或确知编码时加 {flag} utf-8 或 {flag} gbk"
        ),
        (Some(enc), Decided::Given, Lang::En) => format!(
            "this line is not valid {} text, though {flag} {} was given",
            name(enc),
            value(enc)
        ),
        (Some(enc), Decided::Given, Lang::Zh) => format!(
            "此行不是有效的 {} 文本（已指定 {flag} {}）",
            name(enc),
            value(enc)
        ),
        (Some(Encoding::Gb18030), Decided::Bom, Lang::En) => format!(
            "the file starts with a UTF-8 byte order mark, though {flag} gbk was given; if the file is UTF-8, give {flag} utf-8 or leave the option out"
        ),
        (Some(Encoding::Gb18030), Decided::Bom, Lang::Zh) => format!(
            "文件以 UTF-8 字节顺序标记（BOM）开头，但指定了 {flag} gbk；如文件是 UTF-8 编码，请改为 {flag} utf-8 或不加此选项"
        ),
        (Some(enc), Decided::Bom, Lang::En) => format!(
            "this line is not valid {} text, though the file starts with a UTF-8 byte order mark; if the file is GBK/GB18030, give {flag} gbk",
            name(enc)
        ),
        (Some(enc), Decided::Bom, Lang::Zh) => format!(
            "此行不是有效的 {} 文本，而文件以 UTF-8 字节顺序标记（BOM）开头；如文件是 GBK/GB18030 编码，请加 {flag} gbk",
            name(enc)
        ),
        (Some(enc), Decided::Line(first), Lang::En) => format!(
            "this line is not valid {} text, though the lines before it are (line {first}, the first that is not plain ASCII, is {}); if the file is {}, give {flag} {}",
            name(enc),
            name(enc),
            name(enc.other()),
            value(enc.other())
        ),
        (Some(enc), Decided::Line(first), Lang::Zh) => format!(
            "此行不是有效的 {} 文本，而此前各行是（第 {first} 行是第一个含非 ASCII 字符的行，为 {}）；如文件是 {} 编码，请加 {flag} {}",
            name(enc),
            name(enc),
            name(enc.other()),
            value(enc.other())
        ),
    };
    let whole = match (e.expected, e.other_is_clean, lang) {
        (Some(enc), Some(true), Lang::En) => {
            format!(" (the whole file reads cleanly as {})", name(enc.other()))
        }
        (Some(enc), Some(true), Lang::Zh) => {
            format!("（整个文件可按 {} 正确读取）", name(enc.other()))
        }
        (Some(enc), Some(false), Lang::En) => format!(
            " (the whole file does not read cleanly as {} either)",
            name(enc.other())
        ),
        (Some(enc), Some(false), Lang::Zh) => {
            format!("（整个文件按 {} 也无法正确读取）", name(enc.other()))
        }
        _ => String::new(),
    };
    format!("{file}:{line}: {msg}{whole}")
}
