//! An .xls workbook's structure checked before calamine opens it.
//!
//! calamine reads an .xls whole when it opens it, every sheet at once, and sets memory aside
//! for each sheet's cells as its Dimensions record says (rows × columns): a damaged record
//! saying 1.4 billion rows had it ask for 913 GB, and the program ended ("memory allocation
//! of … bytes failed"), which no guard can catch. It then lays each sheet's cells out as one
//! range, as large as the farthest cells are apart: two cells of a damaged file 65,000
//! columns apart asked for 16 GB. It also follows the file's chains of
//! sectors as far as they go: a chain that comes round on itself grows without end. These are
//! looked for first, reading the file as calamine reads it (its compound-file container,
//! then the records of its Workbook stream from the start and from each sheet's), and such a
//! file is refused. Whatever calamine itself refuses is left to it to say.

use std::path::Path;

use calamine::{Data, Range};

use super::shown::ShownUnits;
use super::WorkbookError;

/// The most cells an .xls sheet can span: 65,536 rows of 256 columns.
pub const MAX_CELLS: u64 = 65_536 * 256;

/// The last column an .xls sheet can have (IV), from 0.
const LAST_COLUMN: u16 = 255;

const RESERVED_SECTORS: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;
const ENDOFCHAIN: u32 = 0xFFFF_FFFE;

/// What was found that calamine would not survive.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Damage {
    /// A chain of sectors that comes round on itself, or (of mini sectors) leads past the
    /// data it should be in.
    Cycle,
    /// A sheet whose Dimensions record, or whose cells, span `rows` × `cols` cells.
    Spans { rows: u64, cols: u64 },
    /// Sheets whose ranges take `cells` cells together.
    Sheets { cells: u64 },
}

/// The code page of UTF-16, in which an .xls of Excel 97 and later (BIFF8) holds every text.
pub(super) const UTF_16: u16 = 1200;

/// Refuses the .xls at `path` when calamine would set aside memory for more cells than a
/// sheet can have, or follow a chain of sectors for ever; else the code page its texts are to
/// be read in whatever its CODEPAGE record says ([`texts_code_page`]), if any.
pub(super) fn check(path: &Path) -> Result<Option<u16>, WorkbookError> {
    let Ok(bytes) = std::fs::read(path) else {
        return Ok(None);
    };
    let refused = |damage| match damage {
        Damage::Cycle => WorkbookError::ChainCycle,
        Damage::Spans { rows, cols } => WorkbookError::SheetSpans { rows, cols },
        Damage::Sheets { cells } => WorkbookError::SheetsSpan { cells },
    };
    let Some(stream) = workbook_stream(&bytes).map_err(refused)? else {
        return Ok(None);
    };
    sheets_cells(&stream).map_err(refused)?;
    if password_protected(&stream) {
        return Err(WorkbookError::Protected);
    }
    Ok(texts_code_page(&stream))
}

/// Whether the Workbook `stream` is encrypted under a password (a FilePass record among the
/// globals, as calamine finds it): calamine's own refusal said the file "may be damaged".
fn password_protected(stream: &[u8]) -> bool {
    records(stream, 0)
        .take_while(|(typ, _)| *typ != 0x000A)
        .any(|(typ, data)| typ == 0x002F && data.len() >= 2 && u16_at(data, 0) != 0)
}

/// The words the number formats of the .xls at `path` show around the values of its sheet
/// `name`, as calamine read them into `range`: each cell whose style's format shows any, with
/// the words before and after its value, as an .xlsx's are read ([`super::shown`]); `Err`
/// for a number whose unit cannot be told ([`super::shown::Shown::Scaled`]). calamine gives
/// no cell's style, so the styles (XF records) and formats of the workbook's globals and each
/// cell's style in the sheet's records are read here ([`styled_cells`]). None for a workbook
/// before BIFF5 (Excel 4 and earlier, whose records differ), or one whose formats show no
/// word, which is most; refused ([`WorkbookError::UnitsByFormat`]) when formats show words
/// but the sheet's records are not found by its name.
pub(super) fn shown_cells(
    path: &Path,
    name: &str,
    range: &Range<Data>,
) -> Result<super::ShownCells, WorkbookError> {
    let Ok(bytes) = std::fs::read(path) else {
        return Ok(Vec::new());
    };
    let Ok(Some(stream)) = workbook_stream(&bytes) else {
        return Ok(Vec::new());
    };
    let Some(texts) = texts(&stream) else {
        return Ok(Vec::new());
    };
    let (palette, cells) = styled_cells(&stream, name, texts);
    let Some(cells) = cells else {
        // Styles show words, but the sheet's records were not found by its name as calamine
        // read it: its cells' words cannot be told.
        let shown = palette
            .iter()
            .flatten()
            .next()
            .map(|u| u.code().to_string());
        return Err(WorkbookError::UnitsByFormat {
            shown: shown.unwrap_or_default(),
        });
    };
    let mut shown = Vec::new();
    for (pos, style) in cells {
        let units = palette.get(style).and_then(Option::as_deref);
        let Some(value) = range.get_value(pos) else {
            continue;
        };
        match super::shown::around_data(value, units) {
            Ok(None) => {}
            Ok(Some((before, after))) => shown.push((pos, before.into(), after.into())),
            Err(()) => return Err(super::stream::scaled_unit(name, pos, units)),
        }
    }
    Ok(shown)
}

/// The rows (from 1, in order) sheet `name` of the .xls `file` hides: its ROW records
/// (0x0208) flagged `fDyZero` (hidden by hand, by a filter or in a collapsed outline alike).
/// None when the workbook's stream cannot be read (calamine says why), its records are those
/// before BIFF5, or no sheet has that name.
pub(super) fn hidden_rows(file: &[u8], name: &str) -> Vec<u64> {
    let Ok(Some(stream)) = workbook_stream(file) else {
        return Vec::new();
    };
    let Some(texts) = texts(&stream) else {
        return Vec::new();
    };
    let mut start = None;
    for (typ, data) in records(&stream, 0) {
        match typ {
            0x000A => break,
            0x0085 if texts.sheet_name(data).as_deref() == Some(name) => {
                start = Some(u32_at(data, 0) as usize);
                break;
            }
            _ => {}
        }
    }
    let Some(start) = start else {
        return Vec::new();
    };
    let mut hidden: Vec<u64> = sheet_records(&stream, start)
        .filter(|&(typ, data)| typ == 0x0208 && data.len() >= 14 && data[12] & 0x20 != 0)
        .map(|(_, data)| u64::from(u16_at(data, 0)) + 1)
        .collect();
    hidden.sort_unstable();
    hidden.dedup();
    hidden
}

/// What each style of a workbook shows beside a value, by the style's index.
type Palette = Vec<Option<Box<ShownUnits>>>;

/// Cells by place (row and column from 0), each with its style's index.
type StyledCells = Vec<((u32, u32), usize)>;

/// What each style (XF record, by its index) of a Workbook `stream` whose texts are held as
/// `texts` says shows beside a value, and the cells of sheet `name` in a style that shows
/// any: their place (row and column from 0) and style, in the sheet's order (`None` when no
/// sheet has that name). Nothing when no style shows a word. The
/// built-in numbers' currency signs (below 164, written as the program's language writes
/// them: `$` in English, `¥` in Chinese) show none ([`super::shown::numbered_units`]).
fn styled_cells(stream: &[u8], name: &str, texts: Texts) -> (Palette, Option<StyledCells>) {
    let mut codes = std::collections::HashMap::new();
    let mut formats = Vec::new();
    let mut start = None;
    for (typ, data) in records(stream, 0) {
        match typ {
            // EOF: the end of the workbook's globals.
            0x000A => break,
            0x041E => {
                // A number given twice is the last one's, as calamine's .xlsx reader takes it.
                if let Some(code) = texts.format_code(data) {
                    codes.insert(format_number(data), code);
                }
            }
            // XF: a style; its format's number is its second field.
            0x00E0 if data.len() >= 4 => formats.push(u32::from(u16_at(data, 2))),
            0x0085 if start.is_none() && texts.sheet_name(data).as_deref() == Some(name) => {
                start = Some(u32_at(data, 0) as usize);
            }
            _ => {}
        }
    }
    let palette: Palette = formats
        .iter()
        .map(|number| {
            let code = codes.get(number)?;
            super::shown::numbered_units(*number, code)
        })
        .collect();
    let palette = if palette.iter().all(Option::is_none) {
        Vec::new()
    } else {
        palette
    };
    if palette.is_empty() {
        return (Vec::new(), Some(Vec::new()));
    }
    let Some(start) = start else {
        return (palette, None);
    };
    let shows = |style: usize| palette.get(style).is_some_and(Option::is_some);
    let mut cells: StyledCells = Vec::new();
    // A cell given twice (a damaged file) is the last record's, value and style, as calamine
    // lays out the last one's value: where each listed cell is in `cells`.
    let mut listed = std::collections::HashMap::new();
    let mut take = |pos: (u32, u32), style: usize| match listed.get(&pos) {
        Some(&i) => cells[i] = (pos, style),
        None if shows(style) => {
            listed.insert(pos, cells.len());
            cells.push((pos, style));
        }
        None => {}
    };
    for (typ, data) in sheet_records(stream, start) {
        match typ {
            // A value's cell: number, label, rich label, boolean or error, RK number,
            // shared-string label, formula (row, column, then style).
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 if data.len() >= 6 => {
                let pos = (u32::from(u16_at(data, 0)), u32::from(u16_at(data, 2)));
                take(pos, usize::from(u16_at(data, 4)));
            }
            // A run of RK numbers: row, first column, then each one's style and number.
            0x00BD if data.len() >= 6 => {
                let (row, first) = (u32::from(u16_at(data, 0)), u32::from(u16_at(data, 2)));
                let runs = data[4..data.len() - 2].chunks_exact(6);
                for (i, run) in (0u32..).zip(runs) {
                    take((row, first + i), usize::from(u16_at(run, 0)));
                }
            }
            _ => {}
        }
    }
    cells.retain(|&(_, style)| shows(style));
    (palette, Some(cells))
}

/// How an .xls holds its texts: as BIFF8 does (each string one or two bytes a character, as
/// flagged), or as BIFF5 and BIFF7 do (Excel 5 to 95: bytes in its CODEPAGE record's code
/// page, as calamine decodes them).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Texts {
    Utf16,
    In(&'static encoding_rs::Encoding),
}

/// How the Workbook `stream` holds its texts; `None` before BIFF5 (its records differ).
fn texts(stream: &[u8]) -> Option<Texts> {
    if texts_code_page(stream) == Some(UTF_16) {
        return Some(Texts::Utf16);
    }
    let (typ, bof) = records(stream, 0).next()?;
    let biff5 = typ == 0x0809
        && bof.len() >= 2
        && match u16_at(bof, 0) {
            0x0500 => true,
            0 => bof.len() >= 4 && u16_at(bof, 2) == 0x1000,
            _ => false,
        };
    if !biff5 {
        return None;
    }
    // The code page the globals' last CODEPAGE record names, else UTF-16 (whose one-byte
    // characters are Latin-1), as calamine takes it.
    let page = records(stream, 0)
        .take_while(|(typ, _)| *typ != 0x000A)
        .filter(|(typ, data)| *typ == 0x0042 && data.len() >= 2)
        .last()
        .map_or(UTF_16, |(_, data)| u16_at(data, 0));
    Some(Texts::In(codepage::to_encoding(page)?))
}

impl Texts {
    /// `bytes` of one byte a character, as calamine decodes them.
    fn decode(self, bytes: &[u8]) -> String {
        match self {
            Texts::In(encoding)
                if encoding != encoding_rs::UTF_16LE && encoding != encoding_rs::UTF_16BE =>
            {
                encoding.decode_without_bom_handling(bytes).0.into_owned()
            }
            _ => bytes.iter().map(|&b| char::from(b)).collect(),
        }
    }

    /// The code of a FORMAT record: in BIFF8 [`format_code`]; in BIFF5 its number, then its
    /// length (one byte) and its bytes.
    fn format_code(self, data: &[u8]) -> Option<String> {
        if self == Texts::Utf16 {
            return format_code(data);
        }
        let cch = usize::from(*data.get(2)?);
        Some(self.decode(data.get(3..3 + cch).or_else(|| data.get(3..))?))
    }

    /// The name of a sheet in its BoundSheet record: in BIFF8 [`sheet_name`]; in BIFF5,
    /// after its place, state and kind, its length (one byte) and its bytes.
    fn sheet_name(self, data: &[u8]) -> Option<String> {
        if self == Texts::Utf16 {
            return sheet_name(data);
        }
        let cch = usize::from(*data.get(6)?);
        Some(self.decode(data.get(7..7 + cch)?))
    }
}

/// The name of a sheet in its BoundSheet8 record: after the sheet's place (4 bytes), state
/// and kind, its length (one byte) and whether its characters take two bytes each.
fn sheet_name(data: &[u8]) -> Option<String> {
    let cch = usize::from(*data.get(6)?);
    let wide = *data.get(7)? & 0x01 != 0;
    if wide {
        let bytes = data.get(8..8 + 2 * cch)?;
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|p| u16::from_le_bytes([p[0], p[1]]))
            .collect();
        Some(String::from_utf16_lossy(&units))
    } else {
        Some(
            data.get(8..8 + cch)?
                .iter()
                .map(|&b| char::from(b))
                .collect(),
        )
    }
}

/// The number of a format record (its first two bytes, in an .xls FORMAT record as in an
/// .xlsb BrtFmt).
pub(super) fn format_number(data: &[u8]) -> u32 {
    data.get(..2)
        .map_or(0, |n| u32::from(u16::from_le_bytes([n[0], n[1]])))
}

/// The code of a BIFF8 FORMAT record: its number (2 bytes), then a string of `cch`
/// characters, one byte each (their high byte left out) or two, as its flags say, after any
/// counts of its rich text and extended data.
fn format_code(data: &[u8]) -> Option<String> {
    let cch = usize::from(u16::from_le_bytes([*data.get(2)?, *data.get(3)?]));
    let flags = *data.get(4)?;
    let mut at = 5;
    if flags & 0x08 != 0 {
        at += 2;
    }
    if flags & 0x04 != 0 {
        at += 4;
    }
    if flags & 0x01 == 0 {
        let bytes = data.get(at..at + cch).or_else(|| data.get(at..))?;
        Some(bytes.iter().map(|&b| char::from(b)).collect())
    } else {
        let bytes = data.get(at..(at + 2 * cch).min(data.len()))?;
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|p| u16::from_le_bytes([p[0], p[1]]))
            .collect();
        Some(String::from_utf16_lossy(&units))
    }
}

/// The code page in which the texts of the Workbook `stream` are to be read, when it is not
/// the one its CODEPAGE record names: UTF-16 for a BIFF8 workbook (Excel 97 and later).
///
/// A BIFF8 workbook holds every text as UTF-16, each string saying whether its characters
/// take one byte (their high byte left out, as Latin-1) or two; Excel writes 1200 in its
/// CODEPAGE record and reads the texts so whatever the record says, as LibreOffice does. Perl's
/// Spreadsheet::WriteExcel writes 1252 there; calamine then decodes every text, UTF-16 as it
/// is, as Windows-1252: `编号` read `\u{16}\u{7f}÷S` and no header was found. Earlier
/// workbooks (BIFF5 and before) hold their texts in the record's code page (936 for GBK), which
/// is left to rule. The version is the first record's (BOF), as calamine reads it.
fn texts_code_page(stream: &[u8]) -> Option<u16> {
    let (typ, bof) = records(stream, 0).next()?;
    if typ != 0x0809 || bof.len() < 2 {
        return None;
    }
    let biff8 = match u16_at(bof, 0) {
        0x0600 => true,
        0x0200 | 0x0002 | 0x0007 | 0x0300 | 0x0400 | 0x0500 => false,
        0 => bof.len() < 4 || u16_at(bof, 2) != 0x1000,
        _ => true,
    };
    biff8.then_some(UTF_16)
}

/// The cells calamine would lay out of the sheets of the .xls `bytes` (0 where it refuses
/// the file itself), or what it would not survive.
fn laid_out(bytes: &[u8]) -> Result<u64, Damage> {
    match workbook_stream(bytes)? {
        Some(stream) => sheets_cells(&stream),
        None => Ok(0),
    }
}

/// The cells calamine would lay out of the sheets of the .xls `bytes`; `None` for a file it
/// would not survive.
pub(crate) fn laid_out_cells(bytes: &[u8]) -> Option<u64> {
    laid_out(bytes).ok()
}

/// The container's sectors as calamine reads them: into one buffer, from the file after its
/// header, as far as a sector asked for reaches. Where the file ends first, calamine gives
/// what it has and pads the buffer with zeros to the sector's end: a later sector inside the
/// padding is zeros, one past it what is left of the buffer (nothing, or a panic).
struct Sectors<'a> {
    /// The file after its header.
    file: &'a [u8],
    size: usize,
    maxid: u32,
    /// The length of calamine's buffer so far.
    buffered: std::cell::Cell<usize>,
}

impl<'a> Sectors<'a> {
    /// Sector `id`; `None` where calamine stops (past the last sector, or a slice it cannot
    /// take).
    fn get(&self, id: u32) -> Option<std::borrow::Cow<'a, [u8]>> {
        if self.maxid < id {
            return None;
        }
        let start = id as usize * self.size;
        let end = start + self.size;
        let old = self.buffered.get();
        let stop = if end > old {
            self.buffered.set(end);
            if self.file.len() >= end {
                end
            } else {
                old.max(self.file.len())
            }
        } else {
            end
        };
        if start > stop {
            return None;
        }
        Some(if stop <= self.file.len() {
            std::borrow::Cow::Borrowed(&self.file[start..stop])
        } else {
            let mut bytes = self.file.get(start..).unwrap_or_default().to_vec();
            bytes.resize(stop - start, 0);
            std::borrow::Cow::Owned(bytes)
        })
    }

    /// The chain from `id` through `fats`, `len` bytes at most, as calamine gathers it.
    fn chain(&self, id: u32, fats: &[u32], len: usize) -> Result<Option<Vec<u8>>, Damage> {
        chain(id, fats, len, self.maxid, |id| Ok(self.get(id)))
    }
}

/// The chain of sectors from `id` through `fats`, `len` bytes at most, as calamine gathers
/// it, sector `id` given by `get` (`None` where calamine stops), `maxid` the last there is.
/// `Ok(None)` where calamine stops with an error or a panic; `Err` for a chain longer than
/// there are sectors, which comes round on itself (calamine would gather it for ever, or to
/// `len`).
fn chain<'a>(
    mut id: u32,
    fats: &[u32],
    len: usize,
    maxid: u32,
    get: impl Fn(u32) -> Result<Option<std::borrow::Cow<'a, [u8]>>, Damage>,
) -> Result<Option<Vec<u8>>, Damage> {
    let mut chain = Vec::new();
    let mut steps = 0u64;
    while id != ENDOFCHAIN {
        steps += 1;
        if steps > u64::from(maxid) + 2 {
            return Err(Damage::Cycle);
        }
        let Some(sector) = get(id)? else {
            return Ok(None);
        };
        let take = sector.len().min(len - chain.len());
        chain.extend_from_slice(&sector[..take]);
        if chain.len() >= len {
            break;
        }
        let Some(&next) = fats.get(id as usize) else {
            return Ok(None);
        };
        id = next;
    }
    Ok(Some(chain))
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// The 32-bit words of `b`; `None` when its length is not a multiple of four (calamine
/// stops on an assertion).
fn words(b: &[u8]) -> Option<Vec<u32>> {
    b.len()
        .is_multiple_of(4)
        .then(|| b.chunks_exact(4).map(|w| u32_at(w, 0)).collect())
}

/// The Workbook stream (or Book) of the compound file `file`, as calamine's reader gives it;
/// `Ok(None)` where calamine stops before it.
fn workbook_stream(file: &[u8]) -> Result<Option<Vec<u8>>, Damage> {
    if file.len() < 512 || !file.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Ok(None);
    }
    let version = u16_at(file, 26);
    let size = match u16_at(file, 30) {
        0x0009 => 512,
        0x000C if file.len() >= 4096 => 4096,
        _ => return Ok(None),
    };
    if u16_at(file, 32) != 0x0006 {
        return Ok(None);
    }
    let dir_start = u32_at(file, 48);
    let mini_fat_start = u32_at(file, 60);
    let mini_fat_len = u32_at(file, 64) as usize;
    let difat_start = u32_at(file, 68);
    let Some(mut difat) = words(&file[76..512]) else {
        return Ok(None);
    };
    let maxid = u32::try_from(file.len() / size).unwrap_or(u32::MAX);
    let sectors = Sectors {
        file: &file[size..],
        size,
        maxid,
        buffered: std::cell::Cell::new(0),
    };
    let mut id = difat_start;
    let mut difat_sectors = 0usize;
    while id < RESERVED_SECTORS {
        difat_sectors += 1;
        if difat_sectors > maxid as usize + 1 {
            return Ok(None);
        }
        let Some(more) = sectors.get(id).and_then(|s| words(&s)) else {
            return Ok(None);
        };
        difat.extend(more);
        let Some(next) = difat.pop() else {
            return Ok(None);
        };
        id = next;
    }
    let mut fats = Vec::new();
    for id in difat.into_iter().filter(|&id| id < DIFSECT) {
        let Some(more) = sectors.get(id).and_then(|s| words(&s)) else {
            return Ok(None);
        };
        fats.extend(more);
    }
    let Some(dirs) = sectors.chain(dir_start, &fats, usize::MAX)? else {
        return Ok(None);
    };
    // Each entry: its name (UTF-16, up to a zero), first sector and length.
    let dirs: Vec<(String, u32, usize)> = dirs
        .chunks_exact(128)
        .map(|d| {
            let (name, _, _) = encoding_rs::UTF_16LE.decode(&d[..64]);
            let mut name = name.into_owned();
            if let Some(zero) = name.bytes().position(|b| b == 0) {
                name.truncate(zero);
            }
            let len = if size == 512 {
                u32_at(d, 120) as usize
            } else {
                usize::try_from(u64::from_le_bytes(d[120..128].try_into().unwrap_or([0; 8])))
                    .unwrap_or(usize::MAX)
            };
            (name, u32_at(d, 116), len)
        })
        .collect();
    let Some(root) = dirs.first() else {
        return Ok(None);
    };
    if version != 3 && root.1 == ENDOFCHAIN {
        return Ok(None);
    }
    let (mini_fats, ministream) = if mini_fat_len > 0 {
        let Some(ministream) = sectors.chain(root.1, &fats, root.2)? else {
            return Ok(None);
        };
        let Some(minifat) =
            sectors.chain(mini_fat_start, &fats, mini_fat_len.saturating_mul(size))?
        else {
            return Ok(None);
        };
        let Some(minifat) = words(&minifat) else {
            return Ok(None);
        };
        (minifat, ministream)
    } else {
        (Vec::new(), Vec::new())
    };
    let stream = |name: &str| -> Result<Option<Vec<u8>>, Damage> {
        let Some(&(_, start, len)) = dirs
            .iter()
            .find(|d| d.0.as_bytes().eq_ignore_ascii_case(name.as_bytes()))
        else {
            return Ok(None);
        };
        if len < 4096 {
            mini_chain(&ministream, maxid, start, &mini_fats, len)
        } else {
            sectors.chain(start, &fats, len)
        }
    };
    match stream("Workbook")? {
        Some(s) => Ok(Some(s)),
        None => stream("Book"),
    }
}

/// A chain of 64-byte mini sectors of `ministream`, as [`Sectors::chain`]; a mini sector
/// past the ministream (which calamine would fill from wherever its reader stands) is taken
/// for damage too.
fn mini_chain(
    ministream: &[u8],
    maxid: u32,
    id: u32,
    fats: &[u32],
    len: usize,
) -> Result<Option<Vec<u8>>, Damage> {
    let maxid = maxid.saturating_mul(8);
    chain(id, fats, len, maxid, |id| {
        if maxid < id {
            return Ok(None);
        }
        let start = id as usize * 64;
        match ministream.get(start..start + 64) {
            Some(sector) => Ok(Some(std::borrow::Cow::Borrowed(sector))),
            None => Err(Damage::Cycle),
        }
    })
}

/// The records of a Workbook stream from `at`, as calamine's record reader gives them: type
/// and data (a Continue record's data is not the record's), up to the end or a record that
/// runs past it.
fn records(stream: &[u8], mut at: usize) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let rest = stream.get(at..)?;
        if rest.len() < 4 {
            return None;
        }
        let len = u16_at(rest, 2) as usize;
        let data = rest.get(4..4 + len)?;
        at += 4 + len;
        Some((u16_at(rest, 0), data))
    })
}

/// A sheet's Dimensions record (`data`) spanning more cells than a sheet can have, counted
/// as calamine counts them.
fn spans(data: &[u8]) -> Option<Damage> {
    let (rf, rl, cf, cl) = match data.len() {
        10 => (
            u32::from(u16_at(data, 0)),
            u32::from(u16_at(data, 2)),
            u32::from(u16_at(data, 4)),
            u32::from(u16_at(data, 6)),
        ),
        14 | 16 => (
            u32_at(data, 0),
            u32_at(data, 4),
            u32::from(u16_at(data, 8)),
            u32::from(u16_at(data, 10)),
        ),
        _ => return None,
    };
    let cf = if 0xFF < cf || cl < cf { 0 } else { cf };
    let (end_row, end_col) = if 1 <= rl && 1 <= cl {
        (rl - 1, cl - 1)
    } else {
        (rf, cf)
    };
    // As calamine counts them, in 32 bits: a last row before the first wraps round to
    // billions of rows, for which it sets memory aside (a built program does not stop on the
    // overflow), and the process ends.
    let rows = u64::from(end_row.wrapping_sub(rf).wrapping_add(1));
    let cols = u64::from(end_col.wrapping_sub(cf).wrapping_add(1));
    (rows.saturating_mul(cols) > MAX_CELLS).then_some(Damage::Spans { rows, cols })
}

/// What calamine would set aside too much memory for as it reads each sheet: from each
/// sheet's start (a BoundSheet8 record, 0x0085, found among all the stream's records) to the
/// sheet's end, as calamine reads it. A Dimensions record (0x0200) spanning more cells than a
/// sheet can have; cells lying so far apart that the range between them would (calamine lays
/// out each sheet's cells as one range as it opens the file), or past the last column; or
/// ranges of all the sheets together past what a workbook read whole may take
/// ([`super::MAX_RANGE_CELLS`], as for an .xlsx).
fn sheets_cells(stream: &[u8]) -> Result<u64, Damage> {
    let mut starts = Vec::new();
    for (typ, data) in records(stream, 0) {
        if typ == 0x0085 && data.len() >= 4 {
            starts.push(u32_at(data, 0) as usize);
        }
    }
    // A sheet named twice is laid out twice; each start is read once.
    starts.sort_unstable();
    let mut total = 0u64;
    let mut at = 0;
    while at < starts.len() {
        let times = starts[at..]
            .iter()
            .take_while(|&&s| s == starts[at])
            .count() as u64;
        let cells = sheet_cells(stream, starts[at])?;
        total = total.saturating_add(cells.saturating_mul(times));
        if total > super::MAX_RANGE_CELLS {
            return Err(Damage::Sheets { cells: total });
        }
        at += times as usize;
    }
    Ok(total)
}

/// The records of the sheet starting (its BOF) at `start` of the stream, as calamine reads a
/// sheet: up to its end (0x000A), those of a substream inside it (an embedded chart, between
/// its own start and end) passed over.
fn sheet_records(stream: &[u8], start: usize) -> impl Iterator<Item = (u16, &[u8])> {
    let mut all = records(stream, start);
    let (mut seen_start, mut depth, mut ended) = (false, 0usize, false);
    std::iter::from_fn(move || {
        while !ended {
            let (typ, data) = all.next()?;
            if depth > 0 {
                match typ {
                    0x0809 => depth += 1,
                    0x000A => depth -= 1,
                    _ => {}
                }
                continue;
            }
            match typ {
                0x0809 if seen_start => depth += 1,
                0x0809 => seen_start = true,
                0x000A => ended = true,
                _ => return Some((typ, data)),
            }
        }
        None
    })
}

/// The cells of the range calamine lays out for the sheet at `start` of the stream, read as
/// calamine reads a sheet ([`sheet_records`]). `Err` for a sheet past what one can span. Records calamine would stop on are read on (more, never fewer).
fn sheet_cells(stream: &[u8], start: usize) -> Result<u64, Damage> {
    let mut corners: Option<((u16, u16), (u16, u16))> = None;
    let mut take = |row: u16, col: u16| {
        let ((top, left), (bottom, right)) = corners.unwrap_or(((row, col), (row, col)));
        corners = Some((
            (top.min(row), left.min(col)),
            (bottom.max(row), right.max(col)),
        ));
    };
    for (typ, data) in sheet_records(stream, start) {
        match typ {
            0x0200 => {
                if let Some(damage) = spans(data) {
                    return Err(damage);
                }
            }
            // The cells calamine lays out: number, label, rich label, boolean or error, RK
            // number, shared-string label, formula (row and column first), and a run of RK
            // numbers (its last column last).
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 | 0x00BD
                if data.len() >= 4 =>
            {
                let (row, col) = (u16_at(data, 0), u16_at(data, 2));
                take(row, col);
                if typ == 0x00BD && data.len() >= 6 {
                    take(row, u16_at(data, data.len() - 2));
                }
            }
            _ => {}
        }
    }
    let Some(((top, left), (bottom, right))) = corners else {
        return Ok(0);
    };
    let rows = u64::from(bottom - top) + 1;
    let cols = u64::from(right - left) + 1;
    // A cell past the 256th column (IV) is damage too, whatever the area.
    if right > LAST_COLUMN || rows * cols > MAX_CELLS {
        return Err(Damage::Spans { rows, cols });
    }
    Ok(rows * cols)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records_damage(stream: &[u8]) -> Option<Damage> {
        sheets_cells(stream).err()
    }

    /// A record of type `typ` and data `data`.
    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut r = typ.to_le_bytes().to_vec();
        r.extend_from_slice(&(data.len() as u16).to_le_bytes());
        r.extend_from_slice(data);
        r
    }

    fn dimensions(rf: u32, rl: u32, cf: u16, cl: u16) -> Vec<u8> {
        let mut d = Vec::new();
        d.extend_from_slice(&rf.to_le_bytes());
        d.extend_from_slice(&rl.to_le_bytes());
        d.extend_from_slice(&cf.to_le_bytes());
        d.extend_from_slice(&cl.to_le_bytes());
        d.extend_from_slice(&[0, 0]);
        record(0x0200, &d)
    }

    /// A Workbook stream of a globals substream naming one sheet, then the sheet's records.
    fn stream(sheet: &[u8]) -> Vec<u8> {
        let bof = record(0x0809, &[0, 6, 5, 0, 0, 0, 0, 0]);
        let eof = record(0x000A, &[]);
        // The sheet starts after the globals: their start, the sheet's record, their end.
        let at = bof.len() + 4 + 8 + eof.len();
        let mut bound = (at as u32).to_le_bytes().to_vec();
        bound.extend_from_slice(&[0, 0, 0, 0]);
        let mut s = bof.clone();
        s.extend(record(0x0085, &bound));
        s.extend(&eof);
        assert_eq!(s.len(), at);
        s.extend(&bof);
        s.extend_from_slice(sheet);
        s.extend(&eof);
        s
    }

    /// BIFF8 (Excel 97 and later) holds its texts in UTF-16 whatever its CODEPAGE says; the
    /// versions before it in the code page named, left to the record. The version is read from
    /// the first record as calamine reads it (0 with a document type of 0x1000 is BIFF5).
    #[test]
    fn a_biff8_workbooks_texts_are_read_as_utf16_and_an_older_ones_in_its_code_page() {
        let bof = |version: u16, kind: u16| {
            let mut data = version.to_le_bytes().to_vec();
            data.extend_from_slice(&kind.to_le_bytes());
            data.extend_from_slice(&[0, 0, 0, 0]);
            record(0x0809, &data)
        };
        assert_eq!(texts_code_page(&bof(0x0600, 5)), Some(UTF_16));
        assert_eq!(texts_code_page(&bof(0, 5)), Some(UTF_16));
        assert_eq!(texts_code_page(&bof(0x0700, 5)), Some(UTF_16));
        for older in [0x0500, 0x0400, 0x0300, 0x0200, 0x0002, 0x0007] {
            assert_eq!(texts_code_page(&bof(older, 5)), None, "{older:#06x}");
        }
        assert_eq!(texts_code_page(&bof(0, 0x1000)), None);
        // Not a workbook's first record: left to calamine.
        assert_eq!(texts_code_page(&record(0x0042, &[0xE4, 0x04])), None);
        assert_eq!(texts_code_page(&[]), None);
    }

    #[test]
    fn a_dimension_past_what_a_sheet_can_span_is_found_as_calamine_counts_it() {
        let wide = |rf, rl, cf, cl| records_damage(&stream(&dimensions(rf, rl, cf, cl)));
        // A whole .xls sheet, 65,536 rows of 256 columns, and less.
        assert_eq!(wide(0, 65_536, 0, 256), None);
        assert_eq!(wide(0, 10, 0, 7), None);
        assert_eq!(wide(0, 0, 0, 0), None);
        // Past it: as the damaged file said, and a row more.
        assert_eq!(
            wide(0, u32::MAX, 0, 2),
            Some(Damage::Spans {
                rows: u64::from(u32::MAX),
                cols: 2
            })
        );
        assert_eq!(
            wide(0, 65_537, 0, 256),
            Some(Damage::Spans {
                rows: 65_537,
                cols: 256
            })
        );
        // Columns past 255 start at 0 (as calamine reads them): 65,535 of them.
        assert_eq!(
            wide(0, 300, 400, 65_535),
            Some(Damage::Spans {
                rows: 300,
                cols: 65_535
            })
        );
        // The defect: a last row before the first, which calamine counts in 32 bits that
        // wrap round to about 4 billion rows (it asked for 1.3 TB, and the process ended).
        assert_eq!(
            wide(10, 5, 0, 2),
            Some(Damage::Spans {
                rows: 4_294_967_291,
                cols: 2
            })
        );
        assert_eq!(
            wide(5, 4, 0, 2),
            Some(Damage::Spans {
                rows: u64::from(u32::MAX),
                cols: 2
            })
        );
        // A last row (one past it, as written) equal to the first: none, nothing set aside.
        assert_eq!(wide(5, 5, 0, 2), None);
    }

    /// A number cell (0x0203) at `row`, `col`.
    fn number(row: u16, col: u16) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend_from_slice(&col.to_le_bytes());
        d.extend_from_slice(&[0; 10]);
        record(0x0203, &d)
    }

    /// A Workbook stream naming the same sheet `times` times.
    fn named(times: usize, sheet: &[u8]) -> Vec<u8> {
        let bof = record(0x0809, &[0, 6, 5, 0, 0, 0, 0, 0]);
        let eof = record(0x000A, &[]);
        let at = bof.len() + times * (4 + 8) + eof.len();
        let mut bound = (at as u32).to_le_bytes().to_vec();
        bound.extend_from_slice(&[0, 0, 0, 0]);
        let mut s = bof.clone();
        for _ in 0..times {
            s.extend(record(0x0085, &bound));
        }
        s.extend(&eof);
        s.extend(&bof);
        s.extend_from_slice(sheet);
        s.extend(&eof);
        s
    }

    /// Every sheet calamine lays out counts, a sheet named again too: a damaged file naming
    /// one whole sheet nine times took 5 GB.
    #[test]
    fn the_sheets_together_are_bounded_as_a_workbook_read_whole_is() {
        let whole = [number(0, 0), number(65_535, 255)].concat();
        assert_eq!(records_damage(&named(4, &whole)), None);
        assert_eq!(
            records_damage(&named(5, &whole)),
            Some(Damage::Sheets {
                cells: 5 * MAX_CELLS
            })
        );
        // A chart inside the sheet is passed over, and the sheet ends at its end.
        let chart = [
            record(0x0809, &[0; 8]),
            number(65_535, 255),
            record(0x000A, &[]),
        ]
        .concat();
        let after = [number(0, 0), record(0x000A, &[]), number(65_535, 255)].concat();
        let sheet = [number(0, 0), chart, number(1, 1), after].concat();
        assert_eq!(sheet_cells(&named(1, &sheet), 0), Ok(0));
        let s = named(1, &sheet);
        let start = 8 + 4 + 12 + 4;
        assert_eq!(sheet_cells(&s, start), Ok(4));
    }

    #[test]
    fn cells_lying_farther_apart_than_a_sheet_spans_are_found() {
        let apart = |cells: &[Vec<u8>]| records_damage(&stream(&cells.concat()));
        assert_eq!(apart(&[number(0, 0), number(65_535, 255)]), None);
        assert_eq!(
            apart(&[number(0, 0), number(65_535, 256)]),
            Some(Damage::Spans {
                rows: 65_536,
                cols: 257
            })
        );
        // Three rows, but a cell past the last column (IV) of an .xls sheet.
        assert_eq!(
            apart(&[number(3, 9), number(5, 65_000)]),
            Some(Damage::Spans {
                rows: 3,
                cols: 64_992
            })
        );
        assert_eq!(
            apart(&[number(0, 9), number(65_535, 65_000)]),
            Some(Damage::Spans {
                rows: 65_536,
                cols: 64_992
            })
        );
        // A run of RK numbers reaches its last column.
        let mut run = 7u16.to_le_bytes().to_vec();
        run.extend_from_slice(&0u16.to_le_bytes());
        run.extend_from_slice(&[0; 6]);
        run.extend_from_slice(&60_000u16.to_le_bytes());
        assert_eq!(
            apart(&[number(60_000, 0), record(0x00BD, &run)]),
            Some(Damage::Spans {
                rows: 59_994,
                cols: 60_001
            })
        );
    }

    /// A BIFF8 FORMAT record of number `number` and code `code`, in one or two bytes a
    /// character.
    fn format_record(number: u16, code: &str, wide: bool) -> Vec<u8> {
        let mut data = number.to_le_bytes().to_vec();
        let units: Vec<u16> = code.encode_utf16().collect();
        data.extend((units.len() as u16).to_le_bytes());
        data.push(u8::from(wide));
        if wide {
            data.extend(units.iter().flat_map(|u| u.to_le_bytes()));
        } else {
            data.extend(units.iter().map(|&u| u as u8));
        }
        let mut record = 0x041Eu16.to_le_bytes().to_vec();
        record.extend((data.len() as u16).to_le_bytes());
        record.extend(data);
        record
    }

    /// A workbook encrypted under a password (FilePass, 0x002F, among the globals) is said to
    /// be protected (calamine's refusal said it "may be damaged": save it again); a FilePass
    /// of type 0 (no encryption) or one after the globals is not.
    #[test]
    fn a_password_is_found_among_the_globals() {
        let bof = record(0x0809, &[0, 6, 5, 0, 0, 0, 0, 0]);
        let eof = record(0x000A, &[]);
        let rc4 = record(0x002F, &[1, 0, 1, 0]);
        assert!(password_protected(
            &[bof.clone(), rc4.clone(), eof.clone()].concat()
        ));
        assert!(!password_protected(
            &[bof.clone(), record(0x002F, &[0, 0]), eof.clone()].concat()
        ));
        assert!(!password_protected(&[bof.clone(), eof, rc4].concat()));
        assert!(!password_protected(&bof));
    }

    /// A style (XF record) of format number `format`.
    fn xf(format: u16) -> Vec<u8> {
        let mut data = vec![0, 0];
        data.extend(format.to_le_bytes());
        data.extend([0; 16]);
        record(0x00E0, &data)
    }

    /// A BoundSheet8 record: the sheet `name` (in two bytes a character) starts at `at`.
    fn bound(at: usize, name: &str) -> Vec<u8> {
        let units: Vec<u16> = name.encode_utf16().collect();
        let mut data = (at as u32).to_le_bytes().to_vec();
        data.extend([0, 0, units.len() as u8, 1]);
        data.extend(units.iter().flat_map(|u| u.to_le_bytes()));
        record(0x0085, &data)
    }

    /// A cell record of type `typ` at `row`, `col` in style `style`, with `rest` after.
    fn styled(typ: u16, row: u16, col: u16, style: u16, rest: &[u8]) -> Vec<u8> {
        let mut data = [row.to_le_bytes(), col.to_le_bytes(), style.to_le_bytes()].concat();
        data.extend_from_slice(rest);
        record(typ, &data)
    }

    /// Each cell of the sheet named is found with its style, when its style's format shows
    /// a word: numbers, shared-string labels, runs of RK numbers (each number's own style),
    /// in the sheet's order; not a built-in format's (below 164), not another sheet's, not an
    /// embedded chart's, nothing after the sheet's end; and nothing at all where no format
    /// shows a word.
    #[test]
    fn the_cells_of_a_sheet_in_a_style_showing_words_are_found() {
        let bof = record(0x0809, &[0, 6, 0x10, 0, 0, 0, 0, 0]);
        let eof = record(0x000A, &[]);
        let formats = [
            format_record(5, "\"$\"#,##0_);\\(\"$\"#,##0\\)", false),
            format_record(166, "0\"米\"", true),
            format_record(167, "@\"米\"", true),
            format_record(168, "yyyy-mm-dd", false),
        ]
        .concat();
        let styles = [xf(0), xf(5), xf(166), xf(167), xf(168)].concat();
        let number = |row, col, style| styled(0x0203, row, col, style, &850f64.to_le_bytes());
        let number_at = number;
        let roads = [
            bof.clone(),
            number(1, 5, 2),
            styled(0x00FD, 1, 6, 3, &0u32.to_le_bytes()),
            // A run from column 4: styles 0, 2 and 1, then its last column.
            styled(
                0x00BD,
                2,
                4,
                0,
                &[
                    [0; 4].as_slice(),
                    &2u16.to_le_bytes(),
                    &[0; 4],
                    &1u16.to_le_bytes(),
                    &[0; 4],
                    &6u16.to_le_bytes(),
                ]
                .concat(),
            ),
            styled(0x027E, 3, 5, 1, &[0; 4]),
            number(3, 6, 4),
            // A cell given twice (a damaged file) is the last record's: one showing a word,
            // one not.
            number(4, 1, 0),
            number(4, 1, 2),
            number(5, 1, 2),
            number(5, 1, 0),
            // An embedded chart's records, then the sheet's end, then what follows it.
            bof.clone(),
            number(9, 9, 2),
            eof.clone(),
            eof.clone(),
            number(10, 0, 2),
        ]
        .concat();
        let other = [bof.clone(), number(0, 0, 2), eof.clone()].concat();
        let globals_without = |bounds: &[u8]| {
            [
                bof.clone(),
                formats.clone(),
                styles.clone(),
                bounds.to_vec(),
                eof.clone(),
            ]
            .concat()
        };
        // The globals' length does not depend on where the sheets start.
        let globals_len = globals_without(&[bound(0, "其他"), bound(0, "道路")].concat()).len();
        let bounds = [
            bound(globals_len, "其他"),
            bound(globals_len + other.len(), "道路"),
        ]
        .concat();
        let stream = [globals_without(&bounds), other, roads].concat();
        let (palette, cells) = styled_cells(&stream, "道路", Texts::Utf16);
        assert_eq!(palette.len(), 5);
        assert_eq!(
            palette.iter().map(Option::is_some).collect::<Vec<_>>(),
            [false, false, true, true, false]
        );
        assert_eq!(
            cells.unwrap(),
            [((1, 5), 2), ((1, 6), 3), ((2, 5), 2), ((4, 1), 2)]
        );
        assert_eq!(
            styled_cells(&stream, "其他", Texts::Utf16).1.unwrap(),
            [((0, 0), 2)]
        );
        // A sheet not found while styles show words: its cells' words cannot be told.
        assert_eq!(styled_cells(&stream, "无此表", Texts::Utf16).1, None);
        // No format showing a word: nothing, not even the styles.
        let plain = [
            bof.clone(),
            format_record(166, "0.00", false),
            xf(166),
            bound(0, "道路"),
            eof.clone(),
        ]
        .concat();
        assert_eq!(
            styled_cells(&plain, "道路", Texts::Utf16),
            (Vec::new(), Some(Vec::new()))
        );
        // A format's number given twice is the last one's, as in an .xlsx.
        let twice = |first: &str, last: &str| {
            let globals = |at| {
                [
                    bof.clone(),
                    format_record(166, first, true),
                    format_record(166, last, true),
                    xf(166),
                    bound(at, "道路"),
                    eof.clone(),
                ]
                .concat()
            };
            let at = globals(0).len();
            let sheet = [bof.clone(), number(1, 5, 0), eof.clone()].concat();
            styled_cells(&[globals(at), sheet].concat(), "道路", Texts::Utf16)
                .1
                .unwrap()
        };
        assert_eq!(twice("0.00", "0\"米\""), [((1, 5), 0)]);
        // Under a built-in number: the program's currency signs show none, a unit does (as
        // Excel shows the code the workbook gives, and an .xlsx is read).
        let builtin = |number: u16, code: &str| {
            let globals = |at| {
                [
                    bof.clone(),
                    format_record(number, code, true),
                    xf(number),
                    bound(at, "道路"),
                    eof.clone(),
                ]
                .concat()
            };
            let at = globals(0).len();
            let sheet = [bof.clone(), number_at(1, 5, 0), eof.clone()].concat();
            styled_cells(&[globals(at), sheet].concat(), "道路", Texts::Utf16)
                .1
                .unwrap()
        };
        assert_eq!(builtin(5, "\"$\"#,##0_);\\(\"$\"#,##0\\)"), []);
        assert_eq!(builtin(5, "\"¥\"#,##0;\"¥\"\\-#,##0"), []);
        assert_eq!(
            builtin(
                44,
                "_(\"$\"* #,##0.00_);_(\"$\"* \\(#,##0.00\\);_(\"$\"* \"-\"??_);_(@_)"
            ),
            []
        );
        assert_eq!(builtin(5, "0\"米\""), [((1, 5), 0)]);
        assert_eq!(builtin(42, "0.00\"万元\""), [((1, 5), 0)]);
        assert_eq!(twice("0\"米\"", "0.00"), []);
        // A record cut short is passed over.
        assert_eq!(
            styled_cells(&[0x1E, 0x04, 0x01, 0x00, 0xA4], "道路", Texts::Utf16).1,
            Some(Vec::new())
        );
    }
}
