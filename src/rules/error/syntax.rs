//! The TOML reader's own messages (a syntax error, a duplicate key, an impossible date), said
//! in Chinese. The reader writes them in English, as `what is wrong, expected A, B, C`; every
//! `what is wrong` and every `A` it can write is listed here (from the reader's source), so a
//! Chinese user never meets one untranslated. A message not listed is kept as written (and a
//! property test over mutated rules files fails on it).

/// `message` (the TOML reader's words) in Chinese, or `None` when it is not one of its
/// messages.
pub(super) fn zh(message: &str) -> Option<String> {
    let (what, expected) = match message.split_once(", expected ") {
        Some((what, expected)) => (what, Some(expected)),
        None => (message, None),
    };
    let mut out = what_zh(what)?;
    if let Some(expected) = expected {
        match expected {
            "nothing" => out.push_str("，此后不应再有内容"),
            _ => {
                out.push_str("，应为");
                join(&mut out, &expected_zh(expected)?);
            }
        }
    }
    Some(out)
}

/// What is wrong, in Chinese.
fn what_zh(what: &str) -> Option<String> {
    if let Some(kind) = what
        .strip_prefix("cannot extend value of type ")
        .and_then(|rest| rest.strip_suffix(" with a dotted key"))
    {
        let kind = match kind {
            "string" => "字符串",
            "integer" => "整数",
            "float" => "小数",
            "boolean" => "布尔值",
            "datetime" => "日期时间",
            "array" => "数组",
            "inline table" => "内联表",
            "table" => "表",
            _ => return None,
        };
        return Some(format!("该键已是{kind}，不能再用带点的键在它下面添加键"));
    }
    let zh = match what {
        // The reader's syntax errors.
        "`_` may only go between digits" => "`_` 只能写在两个数字之间",
        "cannot recurse further; max recursion depth met" | "recursion limit" => {
            "数组或表嵌套的层数过多"
        }
        "carriage return must be followed by newline" => "回车符（CR）后面必须紧跟换行符",
        "extra `=`" => "多了一个 `=`",
        "extra assignment between key-value pairs" => "键值对之间多了一个 `=`",
        "extra comma in array" => "数组中多了一个逗号",
        "extra comma in inline table" => "内联表中多了一个逗号",
        "integers with a radix cannot be signed" => "带 0x、0o、0b 前缀的整数不能带正负号",
        "invalid comment character" => "注释中有不允许的字符",
        "invalid inline table element" => "内联表的元素无效",
        "invalid key-value pair" => "键值对无效",
        "invalid unquoted key" => "不加引号的键中有不允许的字符",
        "invalid key" => "键无效",
        "invalid table" => "表头无效",
        "invalid value" => "值无效",
        "key with no value" | "missing value for key" => "键后面缺少值",
        "keys cannot be multi-line basic strings" | "keys cannot be multi-line literal strings" => {
            "键不能是多行字符串"
        }
        "missing array opening" => "缺少数组开头的 `[`",
        "missing assignment between key-value pairs" => "键和值之间缺少 `=`",
        "missing comma between array elements" => "数组的元素之间缺少逗号",
        "missing comma between key-value pairs" => "键值对之间缺少逗号",
        "missing comment start" => "缺少注释开头的 `#`",
        "missing escaped value" => "反斜杠 `\\` 后面缺少转义的字符",
        "missing inline table opening" => "缺少内联表开头的 `{`",
        "missing key for inline table element" => "内联表的元素缺少键",
        "missing opening quote" => "缺少开头的引号",
        "missing table open" => "缺少表头开头的 `[`",
        "missing value" => "缺少值",
        "radix must be lowercase" => "进制前缀必须小写（0x、0o、0b）",
        "redundant integer number prefix" => "整数前缀重复",
        "redundant numeric sign" => "正负号重复",
        "string values must be quoted" => "文字必须加引号",
        "too few unicode value digits" => "Unicode 转义的十六进制位数不够",
        "unclosed array table" => "数组表头 `[[…]]` 没有闭合",
        "unclosed array" => "数组没有闭合",
        "unclosed inline table" => "内联表没有闭合",
        "unclosed table" => "表头 `[…]` 没有闭合",
        "unexpected `=` in array" => "数组中不应有 `=`",
        "unexpected content between comment and newline" => "注释与换行之间有多余的内容",
        "unexpected content" => "此处有多余的内容",
        "unexpected key or value" => "此处不应再有键或值（一行只写一个键值对）",
        "unexpected leading zero" => "数字不能以 0 开头",
        "unexpected sign" => "此处不应有正负号",
        "unquoted keys cannot be empty" => "不加引号的键不能为空",
        // A value the reader could not read.
        "invalid string" => "字符串无效",
        "invalid basic string" => "双引号字符串无效",
        "invalid literal string" => "单引号字符串无效",
        "invalid multi-line basic string" | "invalid multi-line literal string" => "多行字符串无效",
        "invalid boolean" => "布尔值无效",
        "invalid float" | "invalid mantissa" => "数字无效",
        "invalid fraction" => "数字的小数部分无效",
        "invalid exponent" => "数字的指数部分无效",
        "invalid integer number" => "整数无效",
        "invalid hexadecimal number" => "十六进制整数无效",
        "invalid octal number" => "八进制整数无效",
        "invalid binary number" => "二进制整数无效",
        "integer number overflowed" => "整数超出范围",
        "floating-point number overflowed" => "数字超出范围",
        "duplicate key" => "键重复：同一个表中已有这个键",
        // A date or time written bare (not in quotes).
        "invalid datetime" | "invalid date-time" => "日期时间无效",
        "invalid date" => "日期无效",
        "invalid time" => "时间无效",
        "invalid offset" => "时区差无效",
        _ => return None,
    };
    Some(zh.to_string())
}

/// What the reader expected instead, in Chinese: a date's part, or a list of tokens.
fn expected_zh(expected: &str) -> Option<Vec<String>> {
    let date = match expected {
        "year or hour" => Some("年份或小时"),
        "`-` (YYYY-MM) or `:` (HH:MM)" => Some("`-`（年-月）或 `:`（时:分）"),
        "`-` (MM-DD)" => Some("`-`（月-日）"),
        "`:` (HH:MM)" => Some("`:`（时:分）"),
        "`T` between date and time" => Some("日期与时间之间的 `T`"),
        "`Z`, +OFFSET, -OFFSET" => Some("`Z`、+时区差或 -时区差"),
        "a four-digit year (YYYY)" => Some("四位数的年份"),
        "a two-digit month (MM)" => Some("两位数的月份"),
        "a two-digit day (DD)" => Some("两位数的日"),
        "a two-digit hour (HH)" => Some("两位数的小时"),
        "a two-digit minute (MM)" => Some("两位数的分钟"),
        "a two-digit second (SS)" => Some("两位数的秒"),
        "month" => Some("月份"),
        "day" => Some("日"),
        "hour" => Some("小时"),
        "minute" => Some("分钟"),
        "second" => Some("秒"),
        "nanosecond" => Some("纳秒"),
        "nanoseconds overflowed" => Some("不超出范围的纳秒"),
        "month between 01 and 12" => Some("01 到 12 之间的月份"),
        "day between 01 and 28" => Some("01 到 28 之间的日（该月只有 28 天）"),
        "day between 01 and 29" => Some("01 到 29 之间的日（该月只有 29 天）"),
        "day between 01 and 30" => Some("01 到 30 之间的日（该月只有 30 天）"),
        "day between 01 and 31" => Some("01 到 31 之间的日"),
        "hour between 00 and 23" | "hours between 00 and 23" => Some("00 到 23 之间的小时"),
        "minute between 00 and 59" | "minutes between 00 and 59" => Some("00 到 59 之间的分钟"),
        "second between 00 and 60" => Some("00 到 60 之间的秒"),
        _ => None,
    };
    if let Some(date) = date {
        return Some(vec![date.to_string()]);
    }
    expected
        .split(", ")
        .map(|token| {
            if token.len() >= 2 && token.starts_with(['`', '\'']) {
                // A character to type (`=`, `]]`, '`'), shown as it is.
                return Some(token.to_string());
            }
            let zh = match token {
                "newline" => "换行",
                "key" => "键",
                "value" => "值",
                "letters" => "字母",
                "numbers" | "digits" => "数字",
                "characters" => "字符",
                "printable characters" => "可打印的字符",
                "basic string" => "双引号字符串",
                "literal string" => "单引号字符串",
                "multi-line basic string" => "多行字符串",
                "non-double-quote visible characters" => "双引号以外的可见字符",
                "non-single-quote characters" => "单引号以外的字符",
                "non-single-quote visible characters" => "单引号以外的可见字符",
                "unicode hexadecimal value" => "Unicode 十六进制码",
                "etc" => "等",
                _ => return None,
            };
            Some(zh.to_string())
        })
        .collect()
}

/// `items` onto `out` as Chinese lists them (`A、B 或 C`), a space between Chinese and a
/// character to type.
fn join(out: &mut String, items: &[String]) {
    for (i, item) in items.iter().enumerate() {
        let between = match i {
            0 => "",
            _ if i + 1 == items.len() => "或",
            _ => "、",
        };
        push_spaced(out, between);
        push_spaced(out, item);
    }
}

/// `piece` onto `out`, a space put between a Chinese character and one typed in ASCII.
fn push_spaced(out: &mut String, piece: &str) {
    let (Some(last), Some(first)) = (out.chars().last(), piece.chars().next()) else {
        out.push_str(piece);
        return;
    };
    let wide = |c: char| !c.is_ascii();
    // Chinese punctuation (、，（) takes no space beside it.
    let bare = |c: char| matches!(c, '、' | '，' | '（' | '）' | '：');
    if wide(last) != wide(first) && !bare(last) && !bare(first) {
        out.push(' ');
    }
    out.push_str(piece);
}

#[cfg(test)]
mod tests {
    use super::zh;

    #[test]
    fn the_readers_messages_are_said_in_chinese_with_what_was_expected() {
        let cases = [
            ("key with no value, expected `=`", "键后面缺少值，应为 `=`"),
            (
                "unexpected key or value, expected newline, `#`",
                "此处不应再有键或值（一行只写一个键值对），应为换行或 `#`",
            ),
            (
                "invalid unquoted key, expected letters, numbers, `-`, `_`",
                "不加引号的键中有不允许的字符，应为字母、数字、`-` 或 `_`",
            ),
            ("invalid basic string, expected `\"`", "双引号字符串无效，应为 `\"`"),
            ("extra `=`, expected nothing", "多了一个 `=`，此后不应再有内容"),
            ("duplicate key", "键重复：同一个表中已有这个键"),
            (
                "invalid date, expected day between 01 and 28",
                "日期无效，应为 01 到 28 之间的日（该月只有 28 天）",
            ),
            (
                "invalid date-time, expected `Z`, +OFFSET, -OFFSET",
                "日期时间无效，应为 `Z`、+时区差或 -时区差",
            ),
            ("floating-point number overflowed", "数字超出范围"),
            (
                "string values must be quoted, expected literal string",
                "文字必须加引号，应为单引号字符串",
            ),
            (
                "cannot extend value of type string with a dotted key",
                "该键已是字符串，不能再用带点的键在它下面添加键",
            ),
            (
                "missing escaped value, expected `b`, `e`, `f`, `n`, `r`, `\\`, `\"`, `x`, `u`, `U`",
                "反斜杠 `\\` 后面缺少转义的字符，应为 `b`、`e`、`f`、`n`、`r`、`\\`、`\"`、`x`、`u` 或 `U`",
            ),
        ];
        for (en, want) in cases {
            assert_eq!(zh(en).as_deref(), Some(want), "{en}");
        }
    }

    #[test]
    fn a_message_not_the_readers_is_not_guessed_at() {
        assert_eq!(zh("something new, expected `=`"), None);
        assert_eq!(zh("key with no value, expected a unicorn"), None);
    }
}
