//! The two languages every user-visible message exists in, and how the default is chosen.
//!
//! Messages are written beside the code that produces them as `lang.pick(en, zh)`, so a message
//! and its translation are always reviewed together and neither can be forgotten.

/// A language of the user interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    /// Chooses between the English and the Chinese text of one message.
    pub fn pick<'a>(self, en: &'a str, zh: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }

    /// Why a file could not be read or written, in this language: the usual reasons said
    /// plainly, any other as the system gives it.
    pub fn io_reason(self, e: &std::io::Error) -> String {
        use std::io::ErrorKind::*;
        let (en, zh) = match e.kind() {
            NotFound => ("no such file or directory", "没有这个文件或目录"),
            PermissionDenied => ("permission denied", "没有权限"),
            IsADirectory => ("is a directory", "是一个目录"),
            NotADirectory => (
                "a part of the path is not a directory",
                "路径中有一部分不是目录",
            ),
            StorageFull => ("the disk is full", "磁盘已满"),
            ReadOnlyFilesystem => ("the file system is read-only", "文件系统只读"),
            // A workbook that could not be made, carried as an I/O error by a writer.
            _ => {
                return match e
                    .get_ref()
                    .and_then(|inner| inner.downcast_ref::<rust_xlsxwriter::XlsxError>())
                {
                    Some(x) => self.xlsx_reason(x),
                    None => e.to_string(),
                }
            }
        };
        self.pick(en, zh).to_string()
    }

    /// Why a workbook could not be made, for people: what a cell or a sheet cannot hold in
    /// both languages; anything else (never met from checked input) in the library's words.
    pub fn xlsx_reason(self, e: &rust_xlsxwriter::XlsxError) -> String {
        match e {
            rust_xlsxwriter::XlsxError::RowColumnLimitError => self
                .pick(
                    "more rows than a worksheet holds (1,048,576, its heading included); \
                     write CSV for a table this long",
                    "行数超过工作表能容纳的 1,048,576 行（含表头）；这样长的表请输出为 CSV",
                )
                .to_string(),
            rust_xlsxwriter::XlsxError::MaxStringLengthExceeded => self
                .pick(
                    "a text is longer than a workbook cell holds (32,767 characters)",
                    "有文字超过工作簿单元格能容纳的 32,767 个字符",
                )
                .to_string(),
            e => e.to_string(),
        }
    }

    /// Parses `zh`/`en` as given to `--lang` (also `zh-CN`, `zh_CN.UTF-8`, `english`, `中文`).
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let t = tag.trim().to_ascii_lowercase();
        if t.starts_with("zh") || t == "中文" || t == "chinese" {
            Some(Lang::Zh)
        } else if t.starts_with("en") || t == "english" || t == "c" || t == "posix" {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The language the environment asks for: the first set of `LC_ALL`, `LC_MESSAGES`, `LANG`
    /// (POSIX order); Chinese when it starts with `zh`, English otherwise.
    pub fn from_env() -> Lang {
        Self::from_locale_vars(|name| std::env::var(name).ok())
    }

    /// [`Lang::from_env`] over any source of variables (for tests).
    pub fn from_locale_vars(get: impl Fn(&str) -> Option<String>) -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|name| get(name))
            .find(|value| !value.is_empty())
            .map_or(Lang::En, |value| {
                if value.to_ascii_lowercase().starts_with("zh") {
                    Lang::Zh
                } else {
                    Lang::En
                }
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workbook_that_cannot_hold_a_text_is_said_in_both_languages_through_an_io_error() {
        // The table view and a batch run carry a workbook's error as an I/O error.
        let e = || std::io::Error::other(rust_xlsxwriter::XlsxError::MaxStringLengthExceeded);
        assert_eq!(
            Lang::En.io_reason(&e()),
            "a text is longer than a workbook cell holds (32,767 characters)"
        );
        assert_eq!(
            Lang::Zh.io_reason(&e()),
            "有文字超过工作簿单元格能容纳的 32,767 个字符"
        );
        // Any other error in its own words.
        let other = std::io::Error::other("broken pipe somewhere");
        assert_eq!(Lang::Zh.io_reason(&other), "broken pipe somewhere");
    }

    #[test]
    fn a_table_longer_than_a_worksheet_is_said_in_both_languages_with_what_to_do() {
        // The defect: a batch run of 1,050,000 rows to `-o x.xlsx` ended, after 26 s, with
        // "Row or column exceeds Excel's allowed limits (1,048,576 x 16,384)." in English only.
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(1_048_575, 0, "the last row").unwrap();
        let Err(past) = sheet.write_string(1_048_576, 0, "one too many") else {
            panic!("a row past the last was written");
        };
        let e = std::io::Error::other(past);
        assert_eq!(
            Lang::En.io_reason(&e),
            "more rows than a worksheet holds (1,048,576, its heading included); write CSV \
             for a table this long"
        );
        assert_eq!(
            Lang::Zh.io_reason(&e),
            "行数超过工作表能容纳的 1,048,576 行（含表头）；这样长的表请输出为 CSV"
        );
    }

    #[test]
    fn locale_decides_in_posix_order() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            Lang::from_locale_vars(env(&[("LANG", "zh_CN.UTF-8")])),
            Lang::Zh
        );
        assert_eq!(
            Lang::from_locale_vars(env(&[("LANG", "en_US.UTF-8")])),
            Lang::En
        );
        assert_eq!(
            Lang::from_locale_vars(env(&[("LC_ALL", "C"), ("LANG", "zh_CN.UTF-8")])),
            Lang::En
        );
        assert_eq!(
            Lang::from_locale_vars(env(&[("LC_ALL", ""), ("LANG", "zh_TW")])),
            Lang::Zh
        );
        assert_eq!(Lang::from_locale_vars(env(&[])), Lang::En);
    }

    #[test]
    fn tags() {
        assert_eq!(Lang::from_tag("zh"), Some(Lang::Zh));
        assert_eq!(Lang::from_tag("EN"), Some(Lang::En));
        assert_eq!(Lang::from_tag("fr"), None);
    }
}
