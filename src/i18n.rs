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

    /// Why a file could not be read or written, in this language: the reasons a system gives
    /// for a file said plainly in both languages (found by their kind, or by the system's
    /// number where a library wrapped the error and kept only its text); any other as the
    /// system or the library gives it.
    pub fn io_reason(self, e: &std::io::Error) -> String {
        // A workbook that could not be made, carried as an I/O error by a writer.
        if let Some(x) = e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rust_xlsxwriter::XlsxError>())
        {
            return self.xlsx_reason(x);
        }
        // A temporary file that could not be made or written, with the folder it was in.
        if let Some(t) = e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<crate::table::replace::TempFileError>())
        {
            let (dir, why) = (t.dir.display(), self.io_reason(&t.source));
            let named = match (self, t.named) {
                (Lang::En, false) => "",
                (Lang::En, true) => " (TMPDIR)",
                (Lang::Zh, false) => " ",
                (Lang::Zh, true) => "（TMPDIR）",
            };
            return match (self, t.writing) {
                (Lang::En, false) => format!("cannot make a temporary file in {dir}{named}: {why}"),
                (Lang::En, true) => {
                    format!("cannot write the temporary file in {dir}{named}: {why}")
                }
                (Lang::Zh, false) => format!("无法在 {dir}{named}新建临时文件：{why}"),
                (Lang::Zh, true) => format!("无法写入 {dir}{named}中的临时文件：{why}"),
            };
        }
        match io_words(e) {
            Some((en, zh)) => self.pick(en, zh).to_string(),
            None => e.to_string(),
        }
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
            rust_xlsxwriter::XlsxError::IoError(e) => self.io_reason(e),
            rust_xlsxwriter::XlsxError::TempFileError(dir, e) => match self {
                Lang::En => format!(
                    "cannot make a temporary file in {}: {}",
                    dir.display(),
                    self.io_reason(e)
                ),
                Lang::Zh => format!(
                    "无法在 {} 新建临时文件：{}",
                    dir.display(),
                    self.io_reason(e)
                ),
            },
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

/// The system's number for error `e`: its own, or the one its text ends with ("… (os error
/// 24) at path …", as a library that wraps it with the path says it).
fn os_code(e: &std::io::Error) -> Option<i32> {
    e.raw_os_error().or_else(|| {
        let text = e.to_string();
        let at = text.rfind("(os error ")? + "(os error ".len();
        let digits = text[at..].split(')').next()?;
        digits.parse().ok()
    })
}

/// What error `e` means for a file, in English and Chinese: by its kind for the system's
/// errors and those made of a kind alone (an error with words of its own keeps them, unless
/// its kind says enough: no such file, no permission, a full disk …), by the system's number
/// for those the kind leaves unsaid (the classic Unix numbers, alike on every Unix).
fn io_words(e: &std::io::Error) -> Option<(&'static str, &'static str)> {
    use std::io::ErrorKind::*;
    let words = match e.kind() {
        NotFound => ("no such file or directory", "没有这个文件或目录"),
        PermissionDenied => ("permission denied", "没有权限"),
        IsADirectory => ("is a directory", "是一个目录"),
        NotADirectory => (
            "a part of the path is not a directory",
            "路径中有一部分不是目录",
        ),
        StorageFull => ("the disk is full", "磁盘已满"),
        OutOfMemory => ("not enough memory", "内存不足"),
        ReadOnlyFilesystem => ("the file system is read-only", "文件系统只读"),
        QuotaExceeded => ("the disk quota is used up", "磁盘配额已用完"),
        FileTooLarge => (
            "the file would be larger than this system allows (see ulimit -f)",
            "文件将超过系统允许的大小（见 ulimit -f）",
        ),
        _ => {
            let code = os_code(e);
            if code.is_none() && e.get_ref().is_some() {
                return None;
            }
            return match (e.kind(), code) {
                (WouldBlock, _) => Some((
                    "the output cannot take more just now (it is set not to wait)",
                    "输出暂时无法接收更多数据（它被设为不等待）",
                )),
                (BrokenPipe, _) => Some(("the reading end was closed", "读取的一端已关闭")),
                (AlreadyExists, _) => Some(("it already exists", "已经存在")),
                (DirectoryNotEmpty, _) => Some(("the folder is not empty", "文件夹不是空的")),
                (InvalidFilename, _) => {
                    Some(("the name is too long or not allowed", "名称太长或不被允许"))
                }
                (CrossesDevices, _) => {
                    Some(("it would cross from one disk to another", "不能跨磁盘进行"))
                }
                (ResourceBusy, _) => Some(("it is busy", "正被占用")),
                (ExecutableFileBusy, _) => Some(("it is a program being run", "是正在运行的程序")),
                (TooManyLinks, _) => Some(("too many links", "链接过多")),
                (OutOfMemory, _) => Some(("not enough memory", "内存不足")),
                (Interrupted, _) => Some(("interrupted", "被中断")),
                (TimedOut, _) => Some(("timed out", "超时")),
                (NotSeekable, _) => Some((
                    "it cannot be read again from its start (a pipe?)",
                    "无法从头再读（是管道吗？）",
                )),
                (StaleNetworkFileHandle, _) => {
                    Some(("the network file is no longer there", "网络文件已不在"))
                }
                (_, Some(24)) => Some((
                    "too many files are open (see ulimit -n)",
                    "打开的文件过多（见 ulimit -n）",
                )),
                (_, Some(23)) => Some((
                    "too many files are open on this system",
                    "系统打开的文件过多",
                )),
                (_, Some(5)) => Some((
                    "the disk reported an input/output error",
                    "磁盘报告了输入输出错误",
                )),
                (_, Some(9)) => Some((
                    "it is not open for this (a closed or read-only descriptor)",
                    "文件未以此方式打开（描述符已关闭或只读）",
                )),
                (_, Some(40)) if cfg!(target_os = "linux") => {
                    Some(("too many levels of symbolic links", "符号链接层级过多"))
                }
                _ => None,
            };
        }
    };
    Some(words)
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

    /// The defect: a report's sheets written row by row keep their rows in temporary files;
    /// a full disk or a folder that cannot be written there was said in the library's
    /// English ("Temporary file error: '/tmp: …'"), under `--lang zh` too.
    #[test]
    fn a_workbooks_temporary_file_that_cannot_be_made_or_written_is_said_in_both_languages() {
        use rust_xlsxwriter::XlsxError;
        let full = || XlsxError::IoError(std::io::Error::from_raw_os_error(28));
        assert_eq!(Lang::Zh.xlsx_reason(&full()), "磁盘已满");
        assert_eq!(
            Lang::Zh.io_reason(&std::io::Error::other(full())),
            "磁盘已满"
        );
        let missing = || {
            XlsxError::TempFileError("/nonexistent".into(), std::io::Error::from_raw_os_error(2))
        };
        assert_eq!(
            Lang::Zh.xlsx_reason(&missing()),
            format!(
                "无法在 /nonexistent 新建临时文件：{}",
                Lang::Zh.io_reason(&std::io::Error::from_raw_os_error(2))
            )
        );
        assert_eq!(
            Lang::En.xlsx_reason(&missing()),
            format!(
                "cannot make a temporary file in /nonexistent: {}",
                Lang::En.io_reason(&std::io::Error::from_raw_os_error(2))
            )
        );
    }

    /// The defect: with `ulimit -n 4`, `ulimit -f`, or a standard output set not to wait,
    /// a comparison ended with "Too many open files (os error 24) at path \"/tmp/…\"",
    /// "File too large (os error 27)" or "Resource temporarily unavailable (os error 11)",
    /// in English under `--lang zh` too.
    #[test]
    fn the_reasons_a_system_gives_for_a_file_are_said_in_both_languages() {
        // The system's errors a run may meet reading or writing a file, as the system gives
        // them and as a library wraps them with a path (keeping only their text).
        let codes = [
            1, 2, 4, 5, 9, 11, 12, 13, 16, 17, 18, 20, 21, 23, 24, 26, 27, 28, 30, 31,
        ];
        let mut codes = codes.to_vec();
        if cfg!(target_os = "linux") {
            // ENAMETOOLONG, ENOTEMPTY, ELOOP, ESTALE, EDQUOT there.
            codes.extend([36, 39, 40, 116, 122]);
        }
        for code in codes {
            let own = std::io::Error::from_raw_os_error(code);
            let wrapped = std::io::Error::new(
                own.kind(),
                format!(
                    "{} at path \"/tmp/.tmpXYZ\"",
                    std::io::Error::from_raw_os_error(code)
                ),
            );
            for e in [&own, &wrapped] {
                let (en, zh) = (Lang::En.io_reason(e), Lang::Zh.io_reason(e));
                assert!(
                    !en.contains("os error") && !en.contains("/tmp"),
                    "{code}: {en}"
                );
                assert!(
                    !zh.contains("os error") && !zh.contains("/tmp"),
                    "{code}: {zh}"
                );
                assert!(
                    zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                    "{code}: {zh}"
                );
                assert!(en.is_ascii() && en != zh, "{code}: {en}");
            }
        }
        assert_eq!(
            Lang::Zh.io_reason(&std::io::Error::from_raw_os_error(24)),
            "打开的文件过多（见 ulimit -n）"
        );
        assert_eq!(
            Lang::En.io_reason(&std::io::Error::from_raw_os_error(27)),
            "the file would be larger than this system allows (see ulimit -f)"
        );
        // An error with words of its own keeps them.
        let own_words = std::io::Error::new(std::io::ErrorKind::InvalidInput, "a cell too long");
        assert_eq!(Lang::Zh.io_reason(&own_words), "a cell too long");
        let other = std::io::Error::other("no more events");
        assert_eq!(Lang::Zh.io_reason(&other), "no more events");
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
