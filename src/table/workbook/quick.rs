//! A quicker reader of an .xlsx or .xlsm sheet's cells, for a batch's streamed read.
//!
//! calamine's cell reader turns each cell into five XML events and spends about 4,700
//! instructions on it. A sheet's cells come in a handful of forms (`<c r="B2" t="s"><v>12</v></c>`,
//! `<c r="E2"><v>3.5</v></c>`, an inline string, a formula with its saved result), which this
//! reader scans as bytes, giving the same cells with the same text as calamine's reader.
//!
//! It knows only those forms. Anything else makes it [`Unsure`]: an element or attribute
//! written another way, an entity it does not decode, a copy of a shared formula without a
//! saved result, an error calamine does not name, a date typed as text. The sheet is then
//! read on by calamine from the cell this reader stopped at, so a form it does not know
//! costs speed, never a changed value. calamine opens every workbook first (its errors are the ones shown), and
//! this reader is used only when its own reading of the workbook's sheets agrees with
//! calamine's. Tests hold the two readers to the same cells on generated workbooks of every
//! form.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read};

use calamine::{DataRef, ExcelDateTime, ExcelDateTimeType};
use memchr::{memchr, memchr2, memmem};
use zip::read::ZipFile;
use zip::ZipArchive;

use super::cells::{push_cell_text, push_float};
use super::shown::{around_number, push_around, style_units, ShownUnits};

/// The quick reader does not know the form it met; calamine reads on from there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsure;

pub type Archive = ZipArchive<BufReader<File>>;

/// What a cell style's number format makes of a number (calamine's three kinds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Other,
    DateTime,
    TimeDelta,
}

/// A workbook opened for the quick reader: its sheets' parts, shared strings and the number
/// format of each cell style.
pub struct Quick {
    zip: Archive,
    /// Each part's name lowercased, to its name in the archive (as calamine finds parts).
    parts: HashMap<String, String>,
    /// Each sheet's name and part.
    sheets: Vec<(String, String)>,
    /// The folder of the workbook's parts (`xl/`).
    xl: String,
    /// The shared strings back to back, and where each ends.
    text: String,
    ends: Vec<usize>,
    formats: Vec<Format>,
    /// The units each cell style's number format shows; empty when none shows any.
    units: Vec<Option<Box<ShownUnits>>>,
    is_1904: bool,
}

impl Quick {
    /// Opens the workbook `file`, which calamine has opened, finding `names` (calamine's list
    /// of its sheets) in the same order. `Err(Unsure)` when anything is in a form this
    /// reader does not know or reads otherwise than calamine.
    pub fn open(file: File, names: &[String], is_1904: bool) -> Result<Quick, Unsure> {
        let mut quick = Quick::parts(file, is_1904)?;
        if quick.sheets.len() != names.len()
            || quick.sheets.iter().zip(names).any(|((n, _), m)| n != m)
        {
            return Err(Unsure);
        }
        if let Some(styles) = quick.part(&format!("{}styles.xml", quick.xl))? {
            (quick.formats, quick.units) = formats(&styles)?;
        }
        Ok(quick)
    }

    /// The workbook `file` with its sheets' parts found (as calamine finds them), nothing
    /// else read yet.
    fn parts(file: File, is_1904: bool) -> Result<Quick, Unsure> {
        let mut quick = Quick::names(file, is_1904)?;
        let (xl, book) = quick.book_path()?;
        let rels = quick
            .part(&format!("{xl}_rels/{book}.rels"))?
            .ok_or(Unsure)?;
        let rels = relationships(&rels)?;
        let workbook = quick.part(&format!("{xl}{book}"))?.ok_or(Unsure)?;
        quick.sheets = sheets(&workbook, &rels, &xl)?;
        quick.xl = xl;
        Ok(quick)
    }

    /// The workbook part of `file` (`xl/workbook.xml` in nearly every one), found as calamine
    /// finds it from the package's relationships, read whole.
    pub fn workbook_part(file: File) -> Result<Vec<u8>, Unsure> {
        let mut quick = Quick::names(file, false)?;
        let (xl, book) = quick.book_path()?;
        quick.part(&format!("{xl}{book}"))?.ok_or(Unsure)
    }

    /// The workbook `file` with the names of its parts known, nothing read yet.
    fn names(file: File, is_1904: bool) -> Result<Quick, Unsure> {
        let zip = ZipArchive::new(BufReader::new(file)).map_err(|_| Unsure)?;
        let mut parts = HashMap::with_capacity(zip.len());
        for name in zip.file_names() {
            let name = name.map_err(|_| Unsure)?;
            let key = name.replace('\\', "/").to_ascii_lowercase();
            if parts.insert(key, name.to_string()).is_some() {
                return Err(Unsure);
            }
        }
        Ok(Quick {
            zip,
            parts,
            sheets: Vec::new(),
            xl: String::new(),
            text: String::new(),
            ends: Vec::new(),
            formats: Vec::new(),
            units: Vec::new(),
            is_1904,
        })
    }

    /// The folder of the workbook part and its name, as the package's relationships give
    /// them (`xl/`, `workbook.xml`).
    fn book_path(&mut self) -> Result<(String, String), Unsure> {
        let package = self.part("_rels/.rels")?.ok_or(Unsure)?;
        let target = office_document(&package)?;
        let (dir, name) = match target.rfind('/') {
            Some(i) => target.split_at(i + 1),
            None => ("", target.as_str()),
        };
        let xl = dir.strip_prefix('/').unwrap_or(dir).to_string();
        let book = if name.is_empty() {
            "workbook.xml"
        } else {
            name
        };
        Ok((xl, book.to_string()))
    }

    /// The part of sheet `name` of the workbook `file`, as calamine finds it, to be read
    /// from the start.
    pub fn sheet_part(file: File, name: &str) -> Result<(Archive, String), Unsure> {
        let quick = Quick::parts(file, false)?;
        let path = quick.sheet_path(name)?;
        Ok((quick.zip, path))
    }

    /// The name in the archive of sheet `name`'s part.
    fn sheet_path(&self, name: &str) -> Result<String, Unsure> {
        self.sheets
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, p)| self.archive_name(p))
            .ok_or(Unsure)
    }

    /// Reads the shared string table, before any sheet is read. Apart from [`Quick::open`] so
    /// that calamine's copy of it can be let go first.
    pub fn load_strings(&mut self) -> Result<(), Unsure> {
        if let Some(sst) = self.part(&format!("{}sharedStrings.xml", self.xl))? {
            (self.text, self.ends) = shared_strings(&sst)?;
        }
        Ok(())
    }

    /// A part's bytes, `None` when the archive has no such part.
    fn part(&mut self, path: &str) -> Result<Option<Vec<u8>>, Unsure> {
        let name = self.archive_name(path);
        let mut file = match self.zip.by_name(&name) {
            Ok(f) => f,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(_) => return Err(Unsure),
        };
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(|_| Unsure)?;
        Ok(Some(bytes))
    }

    fn archive_name(&self, path: &str) -> String {
        let key = path.to_ascii_lowercase();
        self.parts
            .get(&key)
            .cloned()
            .unwrap_or_else(|| path.to_string())
    }

    /// The cells of sheet `name`, in order.
    pub fn cells(&mut self, name: &str) -> Result<SheetCells<'_>, Unsure> {
        let part = self.sheet_path(name)?;
        let Quick {
            zip,
            text,
            ends,
            formats,
            units,
            is_1904,
            ..
        } = self;
        let file = zip.by_name(&part).map_err(|_| Unsure)?;
        let mut cells = SheetCells {
            file,
            buf: Vec::with_capacity(BLOCK),
            at: 0,
            valid: 0,
            in_row: false,
            row_hidden: false,
            eof: false,
            strings: Strings { text, ends },
            formats,
            units,
            is_1904: *is_1904,
            row: 0,
            col: 0,
            ended: false,
            watch: false,
            formula_tag: false,
        };
        cells.prelude()?;
        Ok(cells)
    }
}

/// How many bytes of a sheet are inflated at a time.
const BLOCK: usize = 256 * 1024;

/// The bytes of a formula's tag a read may end with and the next one complete (`<f` or
/// `:f`, and the byte after it), less one.
const FORMULA_TAG_CUT: usize = 2;

struct Strings<'a> {
    text: &'a str,
    ends: &'a [usize],
}

impl Strings<'_> {
    fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(&self.text[start..end])
    }
}

/// A cell read: its position (row, column from 0) and whether it is a formula without a saved
/// result.
pub type QuickCell = ((u32, u32), bool);

/// A sheet's cells as they are scanned.
pub struct SheetCells<'a> {
    file: ZipFile<'a, BufReader<File>>,
    buf: Vec<u8>,
    /// Where the unread bytes of `buf` start.
    at: usize,
    /// How many bytes of `buf` are known to be UTF-8.
    valid: usize,
    /// Inside a `<row>`.
    in_row: bool,
    /// Whether the sheet hides the row being read (`<row hidden="1">`).
    row_hidden: bool,
    eof: bool,
    strings: Strings<'a>,
    formats: &'a [Format],
    units: &'a [Option<Box<ShownUnits>>],
    is_1904: bool,
    /// The row and column a cell without a reference is at (as calamine counts them).
    row: u32,
    col: u32,
    /// The sheet's data has ended.
    ended: bool,
    /// Whether the bytes read are looked through for a formula's tag, and whether one was
    /// found ([`SheetCells::watch_formulas`]).
    watch: bool,
    formula_tag: bool,
}

/// What scanning the bytes at hand gave.
enum Step<T> {
    /// A result, and how many bytes it took.
    Done(T, usize),
    /// The bytes at hand end before the item does.
    More,
}

type Scan<T> = Result<Step<T>, Unsure>;

impl SheetCells<'_> {
    /// Reads more of the sheet, keeping the unread bytes. `Err` at the end of the part.
    fn refill(&mut self) -> Result<(), Unsure> {
        if self.eof {
            return Err(Unsure);
        }
        self.buf.drain(..self.at);
        // Only whole items and text checked as UTF-8 are passed over.
        self.valid = self.valid.checked_sub(self.at).ok_or(Unsure)?;
        self.at = 0;
        let want = self.buf.len() + BLOCK;
        if self.buf.capacity() < want {
            self.buf.reserve(want - self.buf.len());
        }
        let start = self.buf.len();
        self.buf.resize(want, 0);
        let mut filled = start;
        while filled < want {
            match self.file.read(&mut self.buf[filled..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => {
                    self.buf.truncate(filled);
                    return Err(Unsure);
                }
            }
        }
        self.buf.truncate(filled);
        if self.watch && !self.formula_tag {
            // A tag cut by the read before is unread still, so its bytes are kept.
            let from = start.saturating_sub(FORMULA_TAG_CUT);
            self.formula_tag = super::formulas::holds_formula_tag(&self.buf[from..]);
        }
        // calamine's XML reader fails on bytes that are not UTF-8 anywhere in the part; a
        // character cut at the end waits for the next read.
        match simdutf8::compat::from_utf8(&self.buf[self.valid..]) {
            Ok(_) => self.valid = self.buf.len(),
            Err(e) if e.error_len().is_none() && !self.eof => self.valid += e.valid_up_to(),
            Err(_) => return Err(Unsure),
        }
        Ok(())
    }

    /// Looks through the sheet's bytes for a formula's tag from now on (those read already
    /// too): [`SheetCells::formula_tag`] then says whether one was read, before any cell
    /// holding a formula, or a result an array formula fills, is given. For a workbook that
    /// asks to be recalculated when opened, whose formulas' results may be out of date: most
    /// hold none, and so need not be read twice.
    pub fn watch_formulas(&mut self) {
        self.watch = true;
        self.formula_tag = super::formulas::holds_formula_tag(&self.buf);
    }

    /// Whether the sheet hides the row of the cell last read (`<row hidden="1">`).
    pub fn row_hidden(&self) -> bool {
        self.row_hidden
    }

    /// Whether a formula's tag was among the bytes read since
    /// [`SheetCells::watch_formulas`] (and before it).
    pub fn formula_tag(&self) -> bool {
        self.formula_tag
    }

    /// Skips to the sheet's data: past `<sheetData>`, the end when it is `<sheetData/>`.
    fn prelude(&mut self) -> Result<(), Unsure> {
        let mut open: Vec<Vec<u8>> = Vec::new();
        loop {
            // Text before the sheet's data is not read, only checked.
            let Some(lt) = memchr(b'<', &self.buf[self.at..]) else {
                check_text(&self.buf[self.at..])?;
                // A character a read cut stays for the next one.
                self.at = self.valid;
                self.refill()?;
                continue;
            };
            check_text(&self.buf[self.at..self.at + lt])?;
            self.at += lt;
            let step = next_tag(&self.buf[self.at..])?;
            let Step::Done((kind, name, attrs), used) = step else {
                self.refill()?;
                continue;
            };
            self.at += used;
            if kind == Kind::Skipped {
                continue;
            }
            if name.contains(&b':') {
                return Err(Unsure);
            }
            match (name, kind, open.len()) {
                (b"worksheet", Kind::Open, 0) => {}
                (_, _, 0) | (b"worksheet", _, _) => return Err(Unsure),
                (b"sheetData", Kind::Open, _) => return Ok(()),
                (b"sheetData", Kind::Empty, _) => {
                    self.ended = true;
                    return Ok(());
                }
                (b"dimension", Kind::Open | Kind::Empty, _) => {
                    let r = attr(attrs, b"ref")?.ok_or(Unsure)?;
                    check_dimension(r)?;
                }
                _ => {}
            }
            match kind {
                Kind::Open => open.push(name.to_vec()),
                Kind::Close if open.pop().as_deref() != Some(name) || open.is_empty() => {
                    return Err(Unsure)
                }
                _ => {}
            }
        }
    }

    /// The next cell: its position and whether it is a formula without a saved result, its
    /// text written onto `out` as calamine's reader gives it. `None` at the end of the data.
    pub fn next(&mut self, out: &mut String) -> Result<Option<QuickCell>, Unsure> {
        loop {
            if self.ended {
                return Ok(None);
            }
            let mark = out.len();
            match self.item(out)? {
                Step::Done(Item::Cell(pos, no_result), used) => {
                    self.at += used;
                    self.col = pos.1.checked_add(1).ok_or(Unsure)?;
                    return Ok(Some((pos, no_result)));
                }
                Step::Done(Item::Other, used) => self.at += used,
                Step::More => {
                    out.truncate(mark);
                    self.refill()?;
                }
            }
        }
    }

    /// Scans the next item of the sheet's data at the bytes at hand.
    fn item(&mut self, out: &mut String) -> Scan<Item> {
        let s = &self.buf[self.at..];
        // Between elements there is only white space (most often nothing).
        let lt = match s.first() {
            Some(b'<') => 0,
            _ => {
                let Some(lt) = memchr(b'<', s) else {
                    return Ok(Step::More);
                };
                if !s[..lt].iter().all(u8::is_ascii_whitespace) {
                    return Err(Unsure);
                }
                lt
            }
        };
        let s = &s[lt..];
        if s.len() < 3 {
            return Ok(Step::More);
        }
        if s[1] == b'c' && matches!(s[2], b' ' | b'>' | b'/') {
            let cell = match self.cell(s, out)? {
                Step::Done(c, used) => Step::Done(c, lt + used),
                Step::More => Step::More,
            };
            return Ok(cell);
        }
        let Step::Done((kind, name, attrs), used) = next_tag(s)? else {
            return Ok(Step::More);
        };
        match (name, kind, self.in_row) {
            (b"row", Kind::Open | Kind::Empty, false) => {
                let [r, hidden, ht] = attrs_of(attrs, [b"r", b"hidden", b"ht"])?;
                if let Some(r) = r {
                    self.row = row_number(r)?;
                }
                // As the sheet's scan for hidden rows reads them (`hidden::row_hides`).
                let (Ok(hidden), Ok(ht)) = (
                    hidden.map(std::str::from_utf8).transpose(),
                    ht.map(std::str::from_utf8).transpose(),
                ) else {
                    return Err(Unsure);
                };
                self.row_hidden = super::hidden::row_hides(hidden, ht);
                if kind == Kind::Empty {
                    self.row = self.row.checked_add(1).ok_or(Unsure)?;
                    self.col = 0;
                } else {
                    self.in_row = true;
                }
            }
            (b"row", Kind::Close, true) => {
                self.row = self.row.checked_add(1).ok_or(Unsure)?;
                self.col = 0;
                self.in_row = false;
            }
            (b"sheetData", Kind::Close, false) => self.ended = true,
            _ => return Err(Unsure),
        }
        Ok(Step::Done(Item::Other, lt + used))
    }

    /// Scans the cell element at the start of `s` (`<c …>…</c>` or `<c …/>`).
    fn cell(&self, s: &[u8], out: &mut String) -> Scan<Item> {
        let Some(gt) = tag_end(s) else {
            return Ok(Step::More);
        };
        let empty = s[gt - 1] == b'/';
        let attrs = &s[2..if empty { gt - 1 } else { gt }];
        let [r, style, typ] = cell_attrs(attrs)?;
        let pos = match r {
            Some(r) => match r.iter().take_while(|b| b.is_ascii_alphabetic()).count() {
                // A column of more than three letters is beyond the last a sheet can have
                // (XFD), whatever follows: it is given as the first column beyond, which
                // refuses the sheet, not left to calamine (whose count of it overflows).
                letters @ 4.. => (
                    row_number(&r[letters..]).unwrap_or(self.row),
                    super::stream::MAX_COLUMNS,
                ),
                _ => cell_ref(r)?,
            },
            None => (self.row, self.col),
        };
        let typ = match typ {
            None => Type::Number,
            Some(b"n") => Type::Number,
            Some(b"s") => Type::Shared,
            Some(b"str") => Type::Text,
            Some(b"b") => Type::Bool,
            Some(b"e") => Type::Error,
            Some(b"inlineStr" | b"is") => Type::Inline,
            Some(_) => return Err(Unsure),
        };
        let style = match style {
            None => None,
            Some(s) => Some(small_number(s)?),
        };
        let format = match style {
            None => Some(Format::Other),
            Some(s) => self.formats.get(s).copied(),
        };
        let mut used = gt + 1;
        let mut formula = Formula::None;
        let mut value = Value::Empty;
        let mut open = !empty;
        if open && s[used..].starts_with(b"<v>") {
            // The common form, `<v>…</v></c>`, read at once.
            let rest = &s[used + 3..];
            let Some(end) = rest.iter().position(|&b| b == b'<') else {
                return Ok(Step::More);
            };
            if rest.len() < end + 8 {
                return Ok(Step::More);
            }
            if &rest[end..end + 8] == b"</v></c>" {
                value = Value::Raw(&rest[..end]);
                used += 3 + end + 8;
                open = false;
            }
        }
        if open {
            // The cell's children, up to `</c>`.
            loop {
                let rest = &s[used..];
                let Some(lt) = memchr(b'<', rest) else {
                    return Ok(Step::More);
                };
                if !rest[..lt].iter().all(u8::is_ascii_whitespace) {
                    return Err(Unsure);
                }
                let child = &rest[lt..];
                let Step::Done((kind, name, attrs), tag) = next_tag(child)? else {
                    return Ok(Step::More);
                };
                used += lt + tag;
                if kind == Kind::Close {
                    if name != b"c" {
                        return Err(Unsure);
                    }
                    break;
                }
                if kind == Kind::Skipped {
                    return Err(Unsure);
                }
                let content = if kind == Kind::Empty {
                    &child[..0]
                } else if name == b"is" {
                    let Some(end) = closing(&s[used..], name) else {
                        return Ok(Step::More);
                    };
                    let content = &s[used..used + end];
                    // `</is>`, or `</is >`: closing found its `>`.
                    used += end + memchr(b'>', &s[used + end..]).ok_or(Unsure)? + 1;
                    content
                } else {
                    let Step::Done(end, past) = text_end(&s[used..], name)? else {
                        return Ok(Step::More);
                    };
                    let content = &s[used..used + end];
                    used += past;
                    content
                };
                match name {
                    b"f" => formula = is_formula(attrs, content)?,
                    b"v" => value = Value::Raw(content),
                    b"is" => value = Value::Inline(content),
                    _ => return Err(Unsure),
                }
            }
        }
        let mark = out.len();
        let filled = match (value, typ) {
            (Value::Empty, _) => false,
            (Value::Inline(content), _) => {
                rich_text(content, out)?;
                if !self.units.is_empty() {
                    self.words(None, Type::Inline, format, style, mark, out)?;
                }
                true
            }
            (Value::Raw(_), Type::Inline) => false,
            (Value::Raw(v), typ) => {
                let filled = self.value(v, typ, format, out)?;
                // Most workbooks' formats show no unit: one compare a cell.
                if filled && !self.units.is_empty() {
                    self.words(Some(v), typ, format, style, mark, out)?;
                }
                filled
            }
        };
        // calamine's reader: a formula whose cached value is empty has no saved result.
        let no_result = match formula {
            _ if filled => false,
            Formula::None => false,
            Formula::Text => true,
            // Whether calamine has its anchor's text is left to calamine.
            Formula::Copy => return Err(Unsure),
        };
        debug_assert!(filled || out.len() == mark);
        Ok(Step::Done(Item::Cell(pos, no_result), used))
    }

    /// Writes the text of a `<v>` value (its raw bytes `v`); whether the cell has a value.
    fn value(
        &self,
        v: &[u8],
        typ: Type,
        format: Option<Format>,
        out: &mut String,
    ) -> Result<bool, Unsure> {
        if typ == Type::Text {
            let mark = out.len();
            decode(v, out)?;
            unescape_from(out, mark);
            return Ok(true);
        }
        if v.is_empty() {
            return Ok(false);
        }
        if memchr2(b'&', b'<', v).is_some() {
            return Err(Unsure);
        }
        match typ {
            Type::Shared => {
                let i = small_number(v)?;
                out.push_str(self.strings.get(i).ok_or(Unsure)?);
            }
            Type::Bool => push_cell_text(
                match v {
                    b"0" => DataRef::Bool(false),
                    b"1" => DataRef::Bool(true),
                    _ => return Err(Unsure),
                },
                out,
            ),
            // An error cell (a formula's `#DIV/0!`), as calamine names it; any other text is
            // calamine's error to give.
            Type::Error => push_cell_text(
                DataRef::Error(
                    std::str::from_utf8(v)
                        .ok()
                        .and_then(|v| v.parse().ok())
                        .ok_or(Unsure)?,
                ),
                out,
            ),
            _ => {
                let plain = plain_number(v)?;
                match format {
                    Some(Format::DateTime) => push_cell_text(date(v, false, self.is_1904)?, out),
                    Some(Format::TimeDelta) => push_cell_text(date(v, true, self.is_1904)?, out),
                    // A number of up to 15 digits is its own shortest form.
                    _ if plain => push_ascii(v, out),
                    _ => push_float(parse_f64(v)?, out),
                }
            }
        }
        Ok(true)
    }
}

impl SheetCells<'_> {
    /// Writes the words the number format of style `style` shows around the value just
    /// written from `mark` on (see [`super::shown`]): a number's unit (its raw value `v`),
    /// a text's words; `Err` when a number's unit cannot be told, which calamine's reading
    /// then refuses.
    #[inline(never)]
    fn words(
        &self,
        v: Option<&[u8]>,
        typ: Type,
        format: Option<Format>,
        style: Option<usize>,
        mark: usize,
        out: &mut String,
    ) -> Result<(), Unsure> {
        let Some(units) = style
            .and_then(|s| self.units.get(s))
            .and_then(Option::as_deref)
        else {
            return Ok(());
        };
        let around = match (typ, v) {
            (Type::Number, Some(v)) if format == Some(Format::Other) => {
                around_number(units, parse_f64(v)?).map_err(|()| Unsure)?
            }
            // An empty text is an empty cell: no words around it (as the sheet read whole
            // has none; a row of it alone was a row one way and none the other).
            (Type::Shared | Type::Text | Type::Inline, _) if out.len() == mark => None,
            (Type::Shared | Type::Text | Type::Inline, _) => units.around_text(),
            _ => None,
        };
        push_around(around, mark, out);
        Ok(())
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Type {
    Number,
    Shared,
    Text,
    Bool,
    Error,
    Inline,
}

#[derive(Clone, Copy)]
enum Value<'a> {
    Empty,
    Raw(&'a [u8]),
    Inline(&'a [u8]),
}

enum Item {
    Cell((u32, u32), bool),
    Other,
}

/// Writes bytes checked to be ASCII.
fn push_ascii(v: &[u8], out: &mut String) {
    out.extend(v.iter().map(|&b| char::from(b)));
}

fn parse_f64(v: &[u8]) -> Result<f64, Unsure> {
    std::str::from_utf8(v)
        .map_err(|_| Unsure)?
        .parse()
        .map_err(|_| Unsure)
}

fn date(v: &[u8], delta: bool, is_1904: bool) -> Result<DataRef<'static>, Unsure> {
    let kind = if delta {
        ExcelDateTimeType::TimeDelta
    } else {
        ExcelDateTimeType::DateTime
    };
    Ok(DataRef::DateTime(ExcelDateTime::new(
        parse_f64(v)?,
        kind,
        is_1904,
    )))
}

/// Checks a number's form: `-?digits(.digits)?([eE][+-]?digits)?`, `-?.digits(…)` or
/// `-?digits.`; whether
/// it is written as [`push_float`] would write the double it stands for:
/// at most 15 digits (so no other decimal of as many digits stands for that double, and none
/// shorter), no leading zero but a lone one before the point, no trailing zero or point after
/// it, no exponent, not `-0`.
fn plain_number(v: &[u8]) -> Result<bool, Unsure> {
    let digits = |s: &[u8]| s.iter().take_while(|b| b.is_ascii_digit()).count();
    let neg = usize::from(v.first() == Some(&b'-'));
    let whole = digits(&v[neg..]);
    // No digit before the point (`.5`, as some writers save a formula's result): a number,
    // not in its shortest form, when digits follow the point.
    if whole == 0 && (v.get(neg) != Some(&b'.') || digits(&v[neg + 1..]) == 0) {
        return Err(Unsure);
    }
    let lead_zero = whole > 1 && v[neg] == b'0';
    let mut i = neg + whole;
    if i == v.len() {
        return Ok(whole <= 15 && !lead_zero && v != b"-0");
    }
    let mut frac = 0;
    if v[i] == b'.' {
        frac = digits(&v[i + 1..]);
        if frac == 0 {
            // A point ending the number (`5.`, as some writers save a formula's result):
            // a number, not in its shortest form; anything else after a bare point is left
            // to calamine.
            return if i + 1 == v.len() {
                Ok(false)
            } else {
                Err(Unsure)
            };
        }
        i += 1 + frac;
    }
    let shortest =
        i == v.len() && whole > 0 && whole + frac <= 15 && !lead_zero && v[i - 1] != b'0';
    if i < v.len() && matches!(v[i], b'e' | b'E') {
        i += 1;
        if i < v.len() && matches!(v[i], b'+' | b'-') {
            i += 1;
        }
        let exp = digits(&v[i..]);
        if exp == 0 || exp > 4 {
            return Err(Unsure);
        }
        i += exp;
    }
    if i == v.len() {
        Ok(shortest)
    } else {
        Err(Unsure)
    }
}

/// A number written as 1 to 9 ASCII digits without a leading zero (or `0`).
fn small_number(v: &[u8]) -> Result<usize, Unsure> {
    if v.is_empty() || v.len() > 9 || (v.len() > 1 && v[0] == b'0') {
        return Err(Unsure);
    }
    // Checked and added up in one pass.
    v.iter().try_fold(0, |n, &d| {
        d.is_ascii_digit()
            .then(|| n * 10 + usize::from(d - b'0'))
            .ok_or(Unsure)
    })
}

/// A row number (`r="12"`), from 0 as calamine counts.
fn row_number(r: &[u8]) -> Result<u32, Unsure> {
    if r.len() > 7 {
        // Eight digits or more (no leading zero) are beyond the last row a sheet can have:
        // given as the first row beyond, which refuses the sheet, not left to calamine
        // (whose count of ten digits overflows).
        if r[0] != b'0' && r.iter().all(u8::is_ascii_digit) {
            return Ok(super::stream::MAX_ROWS);
        }
        return Err(Unsure);
    }
    let n = small_number(r)?;
    u32::try_from(n)
        .ok()
        .and_then(|n| n.checked_sub(1))
        .ok_or(Unsure)
}

/// A cell reference (`B12`): (row, column) from 0.
fn cell_ref(r: &[u8]) -> Result<(u32, u32), Unsure> {
    // The letters counted and added up in one pass, up to a fourth (which is too many).
    let (mut letters, mut col) = (0, 0u32);
    for &b in r.iter().take(4) {
        if !b.is_ascii_alphabetic() {
            break;
        }
        col = col * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1;
        letters += 1;
    }
    if letters == 0 || letters > 3 {
        return Err(Unsure);
    }
    Ok((row_number(&r[letters..])?, col - 1))
}

/// A `<dimension ref>`: one cell or a range from a cell to one at or after it, inside the
/// rows a sheet can have. Any other is calamine's to read (or to refuse, as it refuses a
/// number past its count), so a sheet is read alike row by row and whole.
fn check_dimension(r: &[u8]) -> Result<(), Unsure> {
    let inside = |r: &[u8]| {
        cell_ref(r).and_then(|(row, col)| {
            (row < super::stream::MAX_ROWS)
                .then_some((row, col))
                .ok_or(Unsure)
        })
    };
    match r.iter().position(|&b| b == b':') {
        None => inside(r).map(|_| ()),
        Some(i) => {
            let (a, b) = (inside(&r[..i])?, inside(&r[i + 1..])?);
            if b.0 < a.0 || b.1 < a.1 {
                return Err(Unsure);
            }
            Ok(())
        }
    }
}

/// What an `<f>` element (its attributes and content) is, as calamine's reader tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Formula {
    /// No formula, or one without text.
    None,
    /// A formula with text.
    Text,
    /// A copy of a shared formula (`<f t="shared" si="0"/>`, which Excel writes down a filled
    /// column): a formula with text when calamine has read its anchor's text, which only
    /// matters to a cell without a saved result.
    Copy,
}

/// What an `<f>` element (its attributes and content) is, as calamine's reader tells it: a
/// formula with text, or a copy of a shared formula. calamine gives a copy the text of its
/// anchor moved to the copy's cell, and that move cannot fail: it copies the text's bytes
/// in order and replaces only runs of ASCII letters, digits and `\ . _ $ :` by ASCII, so
/// the result is always UTF-8.
fn is_formula(attrs: &[u8], content: &[u8]) -> Result<Formula, Unsure> {
    let [t, si, r] = attrs_of(attrs, [b"t", b"si", b"ref"])?;
    if t == Some(&b"shared"[..]) {
        // calamine keeps a slot for every index up to an anchor's.
        if small_number(si.ok_or(Unsure)?)? > 65_535 {
            return Err(Unsure);
        }
        match r {
            Some(r) => check_dimension(r)?,
            // A copy's own text is read and set aside; only an empty one is known here.
            None if content.is_empty() => return Ok(Formula::Copy),
            None => return Err(Unsure),
        }
    }
    let mut text = String::new();
    decode(content, &mut text)?;
    Ok(if text.is_empty() {
        Formula::None
    } else {
        Formula::Text
    })
}

/// Where `</name>` (or `</name >`) starts in `s`.
fn closing(s: &[u8], name: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = memchr(b'<', &s[from..]) {
        let at = from + i;
        let rest = &s[at + 1..];
        if rest.len() <= name.len() + 1 {
            return None;
        }
        if rest[0] == b'/' && rest[1..].starts_with(name) {
            let after = &rest[1 + name.len()..];
            let spaces = after.iter().take_while(|&&b| is_space(b)).count();
            match after.get(spaces) {
                Some(b'>') => return Some(at),
                None => return None,
                _ => {}
            }
        }
        from = at + 1;
    }
    None
}

/// Where the text content of an element without children (`<v>`, `<f>`) ends: at its
/// `</name>`. `Err` when markup comes first.
fn text_end(s: &[u8], name: &[u8]) -> Scan<usize> {
    let Some(end) = memchr(b'<', s) else {
        return Ok(Step::More);
    };
    let rest = &s[end + 1..];
    if rest.len() <= name.len() + 1 {
        return Ok(Step::More);
    }
    if rest[0] == b'/' && rest[1..].starts_with(name) && rest[name.len() + 1] == b'>' {
        Ok(Step::Done(end, end + name.len() + 3))
    } else {
        Err(Unsure)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `<name …>`
    Open,
    /// `</name>`
    Close,
    /// `<name …/>`
    Empty,
    /// `<?…?>` or a comment.
    Skipped,
}

/// The tag at the start of `s` (which starts with `<`): its kind, name and attributes.
fn next_tag(s: &[u8]) -> Scan<(Kind, &[u8], &[u8])> {
    let Some(&second) = s.get(1) else {
        return Ok(Step::More);
    };
    if s[0] != b'<' {
        return Err(Unsure);
    }
    let skipped = |used| Ok(Step::Done((Kind::Skipped, &[][..], &[][..]), used));
    match second {
        // `<?…?>`; `<?>` does not end itself.
        b'?' => {
            return match memmem::find(&s[2..], b"?>") {
                Some(i) => skipped(i + 4),
                None => Ok(Step::More),
            }
        }
        b'!' => {
            if s.len() < 4 {
                return Ok(Step::More);
            }
            if !s.starts_with(b"<!--") {
                return Err(Unsure);
            }
            return match memmem::find(&s[2..], b"-->") {
                // `<!-->` and `<!--->`: how they end is left to calamine.
                Some(i) if i < 2 => Err(Unsure),
                Some(i) => skipped(i + 5),
                None => Ok(Step::More),
            };
        }
        _ => {}
    }
    let Some(gt) = tag_end(s) else {
        return Ok(Step::More);
    };
    if second == b'/' {
        let name = s[2..gt].trim_ascii_end();
        if !plain_name(name) || s[2 + name.len()..gt].iter().any(|&b| !is_space(b)) {
            return Err(Unsure);
        }
        return Ok(Step::Done((Kind::Close, name, &[][..]), gt + 1));
    }
    let inner = &s[1..gt];
    let empty = inner.last() == Some(&b'/');
    let inner = &inner[..inner.len() - usize::from(empty)];
    let name_len = inner
        .iter()
        .position(|&b| is_space(b))
        .unwrap_or(inner.len());
    let name = &inner[..name_len];
    if !plain_name(name) {
        return Err(Unsure);
    }
    let kind = if empty { Kind::Empty } else { Kind::Open };
    Ok(Step::Done((kind, name, &inner[name_len..]), gt + 1))
}

/// XML's white space, which ends a tag's name (quick-xml's four bytes).
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// A name of letters, digits and `_ - . :`. quick-xml takes more; the rest is left to calamine.
fn plain_name(name: &[u8]) -> bool {
    !name.is_empty()
        && name
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':'))
}

/// Where the tag that starts `s` ends (its `>`), quoted text passed over as quick-xml passes
/// over it: from any quote to the next of the same kind.
fn tag_end(s: &[u8]) -> Option<usize> {
    let mut quote = 0;
    for (i, &b) in s.iter().enumerate().skip(1) {
        if quote == 0 {
            match b {
                b'>' => return Some(i),
                b'"' | b'\'' => quote = b,
                _ => {}
            }
        } else if b == quote {
            quote = 0;
        }
    }
    None
}

/// Checks text that is passed over, not read: calamine's XML reader still fails on an
/// entity it cannot resolve.
fn check_text(text: &[u8]) -> Result<(), Unsure> {
    if memchr(b'&', text).is_some() {
        decode(text, &mut String::new())?;
    }
    Ok(())
}

/// Calls `f` with each attribute's name and raw value, in calamine's reading of them
/// (`name = "value"` or with single quotes). `Err` on anything else.
fn for_each_attr<'a>(
    attrs: &'a [u8],
    mut f: impl FnMut(&'a [u8], &'a [u8]) -> Result<(), Unsure>,
) -> Result<(), Unsure> {
    let mut i = 0;
    let n = attrs.len();
    loop {
        while i < n && attrs[i].is_ascii_whitespace() {
            i += 1;
        }
        if i == n {
            return Ok(());
        }
        let key_start = i;
        while i < n && attrs[i] != b'=' {
            i += 1;
        }
        if i == n {
            return Err(Unsure);
        }
        let key = attrs[key_start..i].trim_ascii_end();
        i += 1;
        while i < n && attrs[i].is_ascii_whitespace() {
            i += 1;
        }
        let quote = *attrs.get(i).ok_or(Unsure)?;
        if quote != b'"' && quote != b'\'' {
            return Err(Unsure);
        }
        i += 1;
        let end = attrs[i..].iter().position(|&b| b == quote).ok_or(Unsure)?;
        let value = &attrs[i..i + end];
        i += end + 1;
        if !plain_name(key) {
            return Err(Unsure);
        }
        f(key, value)?;
    }
}

/// The raw value of attribute `key` (at most one).
fn attr<'a>(attrs: &'a [u8], key: &[u8]) -> Result<Option<&'a [u8]>, Unsure> {
    attrs_of(attrs, [key]).map(|[v]| v)
}

/// The raw values of attributes `keys`; `Err` when one is given twice (calamine would take
/// one of them).
fn attrs_of<'a, const N: usize>(
    attrs: &'a [u8],
    keys: [&[u8]; N],
) -> Result<[Option<&'a [u8]>; N], Unsure> {
    let mut found = [None; N];
    for_each_attr(attrs, |k, v| match keys.iter().position(|&key| key == k) {
        Some(i) if found[i].replace(v).is_some() => Err(Unsure),
        _ => Ok(()),
    })?;
    Ok(found)
}

/// `attrs_of(attrs, [b"r", b"s", b"t"])` of a cell's tag: read at once when the tag is in the
/// form spreadsheets write (` r="B2"`, then ` s="1"` and ` t="s"` when given, in that order,
/// and nothing else), which `attrs_of` reads as the same three values.
#[inline(always)]
fn cell_attrs(attrs: &[u8]) -> Result<[Option<&[u8]>; 3], Unsure> {
    let mut rest = attrs;
    let mut found = [None; 3];
    for (slot, key) in found.iter_mut().zip([b" r=\"", b" s=\"", b" t=\""]) {
        let Some(value) = rest.strip_prefix(key) else {
            continue;
        };
        let Some(end) = value.iter().position(|&b| b == b'"') else {
            break;
        };
        *slot = Some(&value[..end]);
        rest = &value[end + 1..];
    }
    if rest.is_empty() {
        return Ok(found);
    }
    attrs_of(attrs, [b"r", b"s", b"t"])
}

/// An attribute's value with its entities decoded (calamine's `decode_attr`).
fn attr_text(v: &[u8]) -> Result<String, Unsure> {
    let mut out = String::new();
    decode(v, &mut out)?;
    Ok(out)
}

/// XML text with its entities decoded, onto `out`. `Err` for bytes that are not UTF-8, for a
/// carriage return (which XML reads as a line feed), markup and any entity but the five named
/// ones and character references.
fn decode(raw: &[u8], out: &mut String) -> Result<(), Unsure> {
    let text = simdutf8::basic::from_utf8(raw).map_err(|_| Unsure)?;
    if memchr2(b'<', b'\r', raw).is_some() {
        return Err(Unsure);
    }
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let semi = after.find(';').ok_or(Unsure)?;
        let entity = &after[..semi];
        let c = match entity {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "apos" => '\'',
            "quot" => '"',
            _ => char_ref(entity)?,
        };
        out.push(c);
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    Ok(())
}

/// `#123` or `#x7B` as quick-xml reads a character reference (never 0).
fn char_ref(entity: &str) -> Result<char, Unsure> {
    let num = entity.strip_prefix('#').ok_or(Unsure)?;
    let (digits, radix) = match num.strip_prefix('x') {
        Some(hex) => (hex, 16),
        None => (num, 10),
    };
    if digits.is_empty() || digits.len() > 8 || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(Unsure);
    }
    let code = u32::from_str_radix(digits, radix).map_err(|_| Unsure)?;
    if code == 0 {
        return Err(Unsure);
    }
    char::from_u32(code).ok_or(Unsure)
}

/// Decodes the Excel escapes (`_x000D_`: a UTF-16 code unit in four hex digits) in
/// `out[mark..]`, as calamine's `unescape_xml` does, ported rule for rule: a high surrogate
/// followed by a low one's escape makes one character, and a lone surrogate is U+FFFD; any
/// `_` that does not start an escape is text. Most text has none, and is left as it is.
fn unescape_from(out: &mut String, mark: usize) {
    let Some((mut index, mut unit)) = find_escape(&out[mark..], 0) else {
        return;
    };
    let original = out[mark..].to_string();
    out.truncate(mark);
    let mut copied = 0;
    loop {
        out.push_str(&original[copied..index]);
        index += ESCAPE_LEN;
        match unit {
            0xD800..=0xDBFF => match escape_at(&original, index) {
                Some(low @ 0xDC00..=0xDFFF) => {
                    let code =
                        0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                    out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
                    index += ESCAPE_LEN;
                }
                _ => out.push(char::REPLACEMENT_CHARACTER),
            },
            0xDC00..=0xDFFF => out.push(char::REPLACEMENT_CHARACTER),
            _ => out.push(char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER)),
        }
        copied = index;
        match find_escape(&original, index) {
            Some(next) => (index, unit) = next,
            None => break,
        }
    }
    out.push_str(&original[copied..]);
}

/// The length of an escape, `_xHHHH_`.
const ESCAPE_LEN: usize = 7;

/// The first escape in `text` at or after byte `start`: where it is, and its code unit.
fn find_escape(text: &str, mut start: usize) -> Option<(usize, u16)> {
    while let Some(offset) = memchr(b'_', &text.as_bytes()[start..]) {
        let index = start + offset;
        if let Some(unit) = escape_at(text, index) {
            return Some((index, unit));
        }
        start = index + 1;
    }
    None
}

/// The code unit of the escape at byte `index` of `text`, if one is there.
fn escape_at(text: &str, index: usize) -> Option<u16> {
    let bytes = text.as_bytes().get(index..index + ESCAPE_LEN)?;
    if bytes[0] != b'_' || bytes[1] != b'x' || bytes[6] != b'_' {
        return None;
    }
    bytes[2..6].iter().try_fold(0u16, |unit, &b| {
        let digit = char::from(b).to_digit(16)?;
        Some(unit << 4 | digit as u16)
    })
}

/// The text of a shared or inline string (the content of `<si>` or `<is>`): its `<t>`
/// elements outside phonetic runs, each trimmed of ASCII white space unless it preserves it.
fn rich_text(content: &[u8], out: &mut String) -> Result<(), Unsure> {
    let mut at = 0;
    let mut phonetic = false;
    let mut open: Vec<&[u8]> = Vec::new();
    while let Some(lt) = memchr(b'<', &content[at..]) {
        check_text(&content[at..at + lt])?;
        let s = &content[at + lt..];
        let Step::Done((kind, name, attrs), used) = next_tag(s)? else {
            return Err(Unsure);
        };
        at += lt + used;
        if name.contains(&b':') {
            return Err(Unsure);
        }
        match kind {
            Kind::Skipped | Kind::Empty => continue,
            Kind::Close => {
                // Every end closes what was opened last; the string's own end is not here.
                if open.pop() != Some(name) {
                    return Err(Unsure);
                }
                if name == b"rPh" {
                    phonetic = false;
                }
                continue;
            }
            Kind::Open => {}
        }
        match name {
            b"rPh" if !phonetic => phonetic = true,
            b"rPh" | b"si" | b"is" => return Err(Unsure),
            b"t" if !phonetic => {
                let preserve = match attr(attrs, b"xml:space")? {
                    Some(v) => v == b"preserve",
                    None => false,
                };
                let rest = &content[at..];
                let end = memchr(b'<', rest).ok_or(Unsure)?;
                if !rest[end..].starts_with(b"</t>") {
                    return Err(Unsure);
                }
                let mark = out.len();
                decode(&rest[..end], out)?;
                if !preserve {
                    const SPACE: [char; 4] = [' ', '\t', '\r', '\n'];
                    let text = &out[mark..];
                    let lead = text.len() - text.trim_start_matches(SPACE).len();
                    let kept = text.trim_matches(SPACE).len();
                    out.drain(mark..mark + lead);
                    out.truncate(mark + kept);
                }
                unescape_from(out, mark);
                at += end + 4;
                continue;
            }
            _ => {}
        }
        open.push(name);
    }
    check_text(&content[at..])?;
    if open.is_empty() {
        Ok(())
    } else {
        Err(Unsure)
    }
}

/// The target of the package's office document relationship (the last, as calamine reads).
fn office_document(rels: &[u8]) -> Result<String, Unsure> {
    let mut target = None;
    each_relationship(rels, |attrs| {
        let [typ, to] = attrs_of(attrs, [b"Type", b"Target"])?;
        if typ.is_some_and(|t| t.ends_with(b"/relationships/officeDocument")) {
            if let Some(to) = to {
                target = Some(attr_text(to)?);
            }
        }
        Ok(())
    })?;
    target.ok_or(Unsure)
}

/// Calls `f` with the attributes of each `<Relationship>` of a relationships part, which
/// must all stand directly in its root `<Relationships>`.
fn each_relationship<'a>(
    rels: &'a [u8],
    mut f: impl FnMut(&'a [u8]) -> Result<(), Unsure>,
) -> Result<(), Unsure> {
    each_tag(rels, |kind, name, attrs, open| {
        let name = unprefixed(name, &[b"Relationship", b"Relationships"])?;
        if kind == Kind::Close {
            return Ok(());
        }
        match (name, open) {
            (b"Relationships", []) => Ok(()),
            (b"Relationship", [b"Relationships"]) => f(attrs),
            (b"Relationship" | b"Relationships", _) => Err(Unsure),
            (_, []) => Err(Unsure),
            _ => Ok(()),
        }
    })
}

/// The workbook's relationships: id to (target, type).
fn relationships(rels: &[u8]) -> Result<HashMap<String, (String, String)>, Unsure> {
    let mut map = HashMap::new();
    each_relationship(rels, |attrs| {
        let [id, typ, to] = attrs_of(attrs, [b"Id", b"Type", b"Target"])?;
        if let Some(id) = id {
            let text = |v: Option<&[u8]>| {
                simdutf8::basic::from_utf8(v.unwrap_or_default())
                    .map(str::to_string)
                    .map_err(|_| Unsure)
            };
            let id = text(Some(id))?;
            if map.insert(id, (text(to)?, text(typ)?)).is_some() {
                return Err(Unsure);
            }
        }
        Ok(())
    })?;
    Ok(map)
}

/// The workbook's sheets: name and part, in order.
fn sheets(
    workbook: &[u8],
    rels: &HashMap<String, (String, String)>,
    xl: &str,
) -> Result<Vec<(String, String)>, Unsure> {
    let mut sheets = Vec::new();
    each_tag(workbook, |kind, name, attrs, open| {
        let name = unprefixed(name, &[b"sheet", b"workbook"])?;
        if open.is_empty() && kind != Kind::Close && name != b"workbook" {
            return Err(Unsure);
        }
        if name == b"sheet" && kind != Kind::Close {
            let (mut sheet, mut id) = (None, None);
            for_each_attr(attrs, |k, v| {
                let slot = if k == b"name" {
                    &mut sheet
                } else if k == b"id" || k.ends_with(b":id") {
                    &mut id
                } else {
                    return Ok(());
                };
                if slot.replace(v).is_some() {
                    return Err(Unsure);
                }
                Ok(())
            })?;
            let id = simdutf8::basic::from_utf8(id.ok_or(Unsure)?).map_err(|_| Unsure)?;
            let (target, _) = rels.get(id).ok_or(Unsure)?;
            let part = match target.strip_prefix('/') {
                Some(abs) => abs.to_string(),
                None => format!("{xl}{target}"),
            };
            sheets.push((attr_text(sheet.unwrap_or_default())?, part));
        }
        Ok(())
    })?;
    Ok(sheets)
}

/// The shared string table: the strings back to back, and where each ends.
fn shared_strings(sst: &[u8]) -> Result<(String, Vec<usize>), Unsure> {
    simdutf8::basic::from_utf8(sst).map_err(|_| Unsure)?;
    let mut text = String::with_capacity(sst.len() / 3);
    let mut ends = Vec::new();
    let mut at = 0;
    let mut root = false;
    loop {
        let Some(lt) = memchr(b'<', &sst[at..]) else {
            return Err(Unsure);
        };
        check_text(&sst[at..at + lt])?;
        let Step::Done((kind, name, _), used) = next_tag(&sst[at + lt..])? else {
            return Err(Unsure);
        };
        at += lt + used;
        match (name, kind) {
            (_, Kind::Skipped) => {}
            (b"sst", Kind::Open) if !root => root = true,
            (b"sst", Kind::Empty) if !root => return Ok((text, ends)),
            (b"sst", Kind::Close) if root => return Ok((text, ends)),
            (b"si", Kind::Empty) if root => ends.push(text.len()),
            (b"si", Kind::Open) if root => {
                let end = closing(&sst[at..], b"si").ok_or(Unsure)?;
                rich_text(&sst[at..at + end], &mut text)?;
                ends.push(text.len());
                at += end + memchr(b'>', &sst[at + end..]).ok_or(Unsure)? + 1;
            }
            _ => return Err(Unsure),
        }
    }
}

/// The number format of each cell style (`<cellXfs>`), as calamine tells dates, and the units
/// each shows ([`super::shown`]). The sections it reads must stand where the format puts them
/// (calamine reads them otherwise elsewhere).
#[allow(clippy::type_complexity)]
fn formats(styles: &[u8]) -> Result<(Vec<Format>, Vec<Option<Box<ShownUnits>>>), Unsure> {
    let mut custom: HashMap<Vec<u8>, String> = HashMap::new();
    let mut formats = Vec::new();
    let mut codes: Vec<Option<(u32, String)>> = Vec::new();
    each_tag(styles, |kind, name, attrs, open| {
        let read: [&[u8]; 5] = [b"numFmts", b"numFmt", b"cellXfs", b"xf", b"styleSheet"];
        let name = unprefixed(name, &read)?;
        if kind == Kind::Close {
            return Ok(());
        }
        let parent = open.last().copied();
        match name {
            b"styleSheet" if open.is_empty() => {}
            _ if open.is_empty() => return Err(Unsure),
            b"styleSheet" => return Err(Unsure),
            b"numFmts" | b"cellXfs" if open.len() != 1 => return Err(Unsure),
            b"numFmt" if parent == Some(b"numFmts") => {
                let [id, code] = attrs_of(attrs, [b"numFmtId", b"formatCode"])?;
                if let (Some(id), Some(code)) = (id, code) {
                    custom.insert(id.to_vec(), attr_text(code)?);
                }
            }
            b"xf" if parent == Some(b"cellXfs") => {
                let id = attr(attrs, b"numFmtId")?;
                // The workbook's own format of the style (a built-in one shows no unit:
                // [`super::shown::format_units`]); calamine knows a style's format only by
                // an id that is a number.
                let number = id
                    .and_then(|id| std::str::from_utf8(id).ok())
                    .and_then(|i| i.parse::<u32>().ok());
                codes.push(
                    number
                        .zip(id.and_then(|id| custom.get(id)))
                        .map(|(n, code)| (n, code.clone())),
                );
                formats.push(match id {
                    None => Format::Other,
                    Some(id) => match custom.get(id) {
                        Some(code) => custom_format(code),
                        None => builtin_format(id),
                    },
                });
            }
            // Inside those sections only their entries are known (an `<xf>` may hold its
            // alignment and protection).
            b"alignment" | b"protection" if parent == Some(b"xf") => {}
            _ if open.contains(&&b"numFmts"[..]) || open.contains(&&b"cellXfs"[..]) => {
                return Err(Unsure)
            }
            _ => {}
        }
        Ok(())
    })?;
    let units = style_units(
        codes
            .iter()
            .map(|c| c.as_ref().map(|(n, code)| (*n, code.as_str()))),
    );
    Ok((formats, units))
}

/// Calls `f` with every tag of a small part, in order, with the names of the elements it is
/// in (outermost first). `Err` for a part that is not UTF-8, an end that does not close what
/// was opened last, anything after the root element, and text calamine's reader fails on.
fn each_tag<'a>(
    s: &'a [u8],
    mut f: impl FnMut(Kind, &'a [u8], &'a [u8], &[&'a [u8]]) -> Result<(), Unsure>,
) -> Result<(), Unsure> {
    simdutf8::basic::from_utf8(s).map_err(|_| Unsure)?;
    let mut at = 0;
    let mut open: Vec<&[u8]> = Vec::new();
    let mut ended = false;
    while let Some(lt) = memchr(b'<', &s[at..]) {
        check_text(&s[at..at + lt])?;
        let Step::Done((kind, name, attrs), used) = next_tag(&s[at + lt..])? else {
            return Err(Unsure);
        };
        at += lt + used;
        if kind == Kind::Skipped {
            continue;
        }
        if ended {
            return Err(Unsure);
        }
        match kind {
            Kind::Close => {
                if open.pop() != Some(name) {
                    return Err(Unsure);
                }
                f(kind, name, attrs, &open)?;
            }
            _ => {
                f(kind, name, attrs, &open)?;
                if kind == Kind::Open {
                    open.push(name);
                }
            }
        }
        ended = open.is_empty();
    }
    check_text(&s[at..])?;
    if open.is_empty() {
        Ok(())
    } else {
        Err(Unsure)
    }
}

/// The local part of a name (`x:sheet` → `sheet`); `Err` when a name this reader reads comes
/// with a prefix, which calamine would read as well.
fn unprefixed<'a>(name: &'a [u8], read: &[&[u8]]) -> Result<&'a [u8], Unsure> {
    let local = name.rsplit(|&b| b == b':').next().unwrap_or(name);
    if local.len() != name.len() && read.contains(&local) {
        return Err(Unsure);
    }
    Ok(name)
}

/// Whether a number format shows a date or a duration, as calamine tells them.
pub(super) fn shows_date(code: &str) -> bool {
    custom_format(code) != Format::Other
}

/// Whether a custom number format shows a date or a duration (calamine's
/// `detect_custom_number_format`, rule for rule).
fn custom_format(format: &str) -> Format {
    let mut escaped = false;
    let mut is_quote = false;
    let mut brackets = 0u8;
    let mut prev = ' ';
    let mut hms = false;
    let mut ap = false;
    for s in format.chars() {
        match (s, escaped, is_quote, ap, brackets) {
            (_, true, ..) => escaped = false,
            ('_' | '\\' | '*', ..) => escaped = true,
            ('"', _, true, _, _) => is_quote = false,
            (_, _, true, _, _) => (),
            ('"', _, _, _, _) => is_quote = true,
            (';', ..) => return Format::Other,
            ('[', ..) => brackets += 1,
            (']', .., 1) if hms => return Format::TimeDelta,
            (']', ..) => brackets = brackets.saturating_sub(1),
            ('a' | 'A', _, _, false, 0) => ap = true,
            ('p' | 'm' | '/' | 'P' | 'M', _, _, true, 0) => return Format::DateTime,
            ('d' | 'm' | 'h' | 'y' | 's' | 'D' | 'M' | 'H' | 'Y' | 'S', _, _, false, 0) => {
                return Format::DateTime
            }
            _ => {
                if !(hms && s.eq_ignore_ascii_case(&prev)) {
                    hms = prev == '[' && matches!(s, 'm' | 'h' | 's' | 'M' | 'H' | 'S');
                }
            }
        }
        prev = s;
    }
    Format::Other
}

/// The built-in number formats that show dates and durations (calamine's
/// `builtin_format_by_id`, by the attribute's raw text).
fn builtin_format(id: &[u8]) -> Format {
    match id {
        b"14" | b"15" | b"16" | b"17" | b"18" | b"19" | b"20" | b"21" | b"22" | b"45" | b"47" => {
            Format::DateTime
        }
        b"27" | b"28" | b"29" | b"30" | b"31" | b"32" | b"33" | b"34" | b"35" | b"36" | b"50"
        | b"51" | b"52" | b"53" | b"54" | b"55" | b"56" | b"57" | b"58" => Format::DateTime,
        b"46" => Format::TimeDelta,
        _ => Format::Other,
    }
}

pub(crate) mod probe;
#[cfg(test)]
mod tests;
