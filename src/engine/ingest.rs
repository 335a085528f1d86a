//! Bytes to a table of text columns: encoding, delimiter and header row, then records.
//!
//! Files in the common dialect (doubled quotes, any line end) are read by this module's own
//! tokenizer, whole or a slice at a time ([`read_table_streamed`]); other dialects by the
//! `csv` crate. Each column's cells go into one string arena, or, for a column of few
//! distinct values, into a list of those values and a number per row: a million rows cost a
//! handful of allocations, not ten million.

use crate::engine::error::Error;
pub use crm_kpi_scan::{line_u32, Cells, TextColumn};
use crm_kpi_scan::{Odd, Records, RunEnd};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::sync::Arc;

/// How the text encoding of a file was decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EncodingSource {
    /// A byte-order mark at the start of the file says it.
    Bom,
    /// Every byte is valid UTF-8.
    Valid,
    /// Not UTF-8; the encoding was guessed from the bytes (Firefox's detector, chardetng).
    Guessed,
    /// The user chose it.
    Chosen,
}

/// What the reader found out about the file's layout, shown to the user.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Layout {
    /// `csv` for delimited text; `xlsx`, `xls`, `xlsb` or `ods` for a spreadsheet.
    pub format: String,
    /// The sheet read, for a spreadsheet, and every sheet of the workbook.
    pub sheet: Option<String>,
    pub sheets: Vec<String>,
    /// The WHATWG name of the text encoding: `UTF-8`, `GBK`, `Big5`, `UTF-16LE`, `windows-1252` …
    pub encoding: String,
    pub encoding_source: EncodingSource,
    /// Byte sequences that were not valid in that encoding and read as U+FFFD.
    pub malformed: bool,
    /// The delimiter as a character (`,`, `;`, `\t`, `|`).
    pub delimiter: char,
    /// 1-based line of the header row.
    pub header_line: u64,
    /// Non-blank rows above the header that were not read (titles, notes, report filters).
    pub rows_above_header: usize,
    /// The file had no header row; columns are named `Column 1`, `Column 2` ….
    pub generated_headers: bool,
}

impl Layout {
    fn delimited(encoding: &str, source: EncodingSource, malformed: bool, delimiter: u8) -> Self {
        Layout {
            format: "csv".into(),
            sheet: None,
            sheets: Vec::new(),
            encoding: encoding.into(),
            encoding_source: source,
            malformed,
            delimiter: delimiter as char,
            header_line: 0,
            rows_above_header: 0,
            generated_headers: false,
        }
    }
}

/// How to read a file where detection should not decide.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReadOptions {
    /// A text encoding label (`gbk`, `utf-8`, `big5`, `utf-16le`, `windows-1252` …) that
    /// replaces detection.
    #[serde(default)]
    pub encoding: Option<String>,
    /// The encoding above came from the detector (run elsewhere), not from the user.
    #[serde(default)]
    pub detected: bool,
    /// The sheet of a workbook to read; the first sheet with data when not set.
    #[serde(default)]
    pub sheet: Option<String>,
    /// Where the header is; detected unless set.
    #[serde(default)]
    pub header: HeaderChoice,
    /// The CSV dialect, for files that are not RFC 4180 with a common delimiter.
    #[serde(default)]
    pub dialect: Dialect,
}

/// Where a file's header row is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HeaderChoice {
    /// Found among the first rows (below titles and notes), or none when the first row is data.
    #[default]
    Detect,
    /// The first record starting on this 1-based line or after it.
    Line(u64),
    /// No header: every record is data; columns are numbered.
    None,
}

/// How records and fields are written. The default is RFC 4180 with the delimiter sniffed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Dialect {
    /// The field delimiter; sniffed among `,` tab `;` `|` when not set.
    pub delimiter: Option<u8>,
    pub quote: u8,
    /// Quotes inside quoted fields are doubled (`""`).
    pub double_quote: bool,
    /// A character that escapes the next one inside quotes (`\"`).
    pub escape: Option<u8>,
    /// Quotes have no special meaning at all.
    pub no_quoting: bool,
    /// Lines starting with this character are comments and skipped.
    pub comment: Option<u8>,
    /// The only record terminator; `\r`, `\n` and `\r\n` all end records when not set.
    pub terminator: Option<u8>,
}

impl Dialect {
    /// The dialect of most exports, read by this module's own tokenizer: doubled quotes, any
    /// line end, no escape character, no comments.
    pub fn is_common(&self) -> bool {
        self.escape.is_none()
            && self.double_quote
            && self.comment.is_none()
            && self.terminator.is_none()
    }
}

impl Default for Dialect {
    fn default() -> Self {
        Dialect {
            delimiter: None,
            quote: b'"',
            double_quote: true,
            escape: None,
            no_quoting: false,
            comment: None,
            terminator: None,
        }
    }
}

/// A problem with one row of the file, before any value is interpreted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RawRowIssue {
    /// 1-based line where the record starts.
    pub line: u64,
    pub kind: RawIssueKind,
    /// How many fields the row had.
    pub fields: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RawIssueKind {
    /// Fewer fields than the header: the missing cells are read as empty.
    ShortRow,
    /// More fields than the header: the extra cells are not used.
    LongRow,
}

/// The 1-based file lines of a table's rows, in order, in four bytes each: a file is read
/// only below 500 MB ([`MAX_FILE_BYTES`]), so its lines number below 2³² ([`line_u32`]).
pub type Lines = Arc<Vec<u32>>;

/// A file read into text columns.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RawTable {
    pub file: String,
    pub layout: Layout,
    pub headers: Vec<String>,
    pub columns: Vec<TextColumn>,
    /// 1-based line where each data row starts. Shared with the typed table built from it
    /// when that keeps every row (nearly always): 4 MB a million rows, held once.
    pub lines: Lines,
    pub row_issues: Vec<RawRowIssue>,
    /// Data rows whose cells were all empty: skipped, and counted.
    pub blank_rows: usize,
}

impl RawTable {
    pub fn rows(&self) -> usize {
        self.lines.len()
    }

    /// Add the rows of a [`Split`] file's second part, which starts on `line` of the file.
    pub fn append_part(&mut self, part: &RawTable, line: u64) {
        let shift = line.saturating_sub(1);
        for (i, p) in part.columns.iter().enumerate() {
            self.append_column(i, p);
        }
        let lines = Arc::make_mut(&mut self.lines);
        lines.extend(part.lines.iter().map(|l| line_u32(u64::from(*l) + shift)));
        lines.shrink_to_fit();
        self.row_issues
            .extend(part.row_issues.iter().map(|i| RawRowIssue {
                line: i.line + shift,
                ..i.clone()
            }));
        self.blank_rows += part.blank_rows;
        self.layout.malformed |= part.layout.malformed;
    }

    /// Add a second part's column `i` (for a part whose columns come one at a time, between
    /// workers, after the rest of it went through [`RawTable::append_part`]).
    pub fn append_column(&mut self, i: usize, column: &TextColumn) {
        if let Some(c) = self.columns.get_mut(i) {
            c.append(column);
            c.finish();
        }
    }
}

/// The encodings a user can pick when detection is wrong, by WHATWG name.
pub const ENCODING_CHOICES: [&str; 9] = [
    "UTF-8",
    "GBK",
    "gb18030",
    "Big5",
    "UTF-16LE",
    "UTF-16BE",
    "windows-1252",
    "Shift_JIS",
    "EUC-KR",
];

/// The encoding `label` names. Natively, any WHATWG label (`latin1`, `cp936`, ` GBK `); in
/// the browser, whose labels come from this engine (the choices above and the names the
/// detector gives), an encoding's name ([`encoding_named`]): encoding_rs's table of all its
/// labels stays out of the app.
pub fn encoding_for(label: &str) -> Option<&'static encoding_rs::Encoding> {
    if cfg!(target_arch = "wasm32") {
        encoding_named(label)
    } else {
        encoding_rs::Encoding::for_label(label.trim().as_bytes())
    }
}

/// The encoding whose name is `name`, in any case.
pub fn encoding_named(name: &str) -> Option<&'static encoding_rs::Encoding> {
    use encoding_rs::*;
    let all = [
        UTF_8,
        GBK,
        GB18030,
        BIG5,
        SHIFT_JIS,
        EUC_JP,
        ISO_2022_JP,
        EUC_KR,
        UTF_16LE,
        UTF_16BE,
        WINDOWS_1250,
        WINDOWS_1251,
        WINDOWS_1252,
        WINDOWS_1253,
        WINDOWS_1254,
        WINDOWS_1255,
        WINDOWS_1256,
        WINDOWS_1257,
        WINDOWS_1258,
        WINDOWS_874,
        ISO_8859_2,
        ISO_8859_3,
        ISO_8859_4,
        ISO_8859_5,
        ISO_8859_6,
        ISO_8859_7,
        ISO_8859_8,
        ISO_8859_8_I,
        ISO_8859_10,
        ISO_8859_13,
        ISO_8859_14,
        ISO_8859_15,
        ISO_8859_16,
        KOI8_R,
        KOI8_U,
        IBM866,
        MACINTOSH,
        X_MAC_CYRILLIC,
        X_USER_DEFINED,
    ];
    let name = name.trim();
    all.into_iter()
        .find(|e| e.name().eq_ignore_ascii_case(name))
}

/// Guesses the encoding of bytes that are not UTF-8, and turns bytes in a known encoding into
/// text (saying whether some bytes were malformed).
///
/// [`NativeCodecs`] is the engine's own: chardetng guesses, encoding_rs decodes. Their tables
/// are about 160 KB gzipped, so the browser worker passes one backed by the browser's
/// `TextDecoder` (the same WHATWG encodings, nothing to download) and runs chardetng in a
/// separate worker that is fetched only when a file is not UTF-8.
pub trait Codecs {
    fn guess(&self, sample: &[u8], whole_file: bool) -> &'static encoding_rs::Encoding;
    /// Read a workbook's sheet (calamine, about 100 KB gzipped: in the browser it runs in the
    /// same on-demand worker as the detector).
    fn spreadsheet(&self, file: &str, bytes: &[u8], opts: &ReadOptions) -> Result<RawTable, Error>;
    fn decode<'a>(
        &self,
        encoding: &'static encoding_rs::Encoding,
        bytes: &'a [u8],
    ) -> (Cow<'a, str>, bool);
    /// Told every [`PROGRESS_ROWS`] records of a delimited file: records and bytes read so
    /// far, of `total` bytes. The browser's worker posts it to the page's progress bar.
    fn progress(&self, _rows: u64, _bytes: u64, _total: u64) {}
    /// Read a text in a dialect other than the common one ([`Dialect`]: an escape character,
    /// comments, one record terminator), with the `csv` crate: in the browser this runs in
    /// the on-demand worker too, so that the page does not carry that reader.
    fn other_dialect(
        &self,
        file: &str,
        text: &str,
        layout: Layout,
        opts: &ReadOptions,
    ) -> Result<RawTable, Error>;
}

/// How many records pass between two [`Codecs::progress`] calls.
pub const PROGRESS_ROWS: u64 = 50_000;

/// chardetng and encoding_rs.
pub struct NativeCodecs;

impl Codecs for NativeCodecs {
    fn spreadsheet(&self, file: &str, bytes: &[u8], opts: &ReadOptions) -> Result<RawTable, Error> {
        crate::engine::excel::read_workbook(file, bytes, opts)
    }

    fn guess(&self, sample: &[u8], whole_file: bool) -> &'static encoding_rs::Encoding {
        guess_encoding(sample, whole_file)
    }

    fn decode<'a>(
        &self,
        encoding: &'static encoding_rs::Encoding,
        bytes: &'a [u8],
    ) -> (Cow<'a, str>, bool) {
        encoding.decode_without_bom_handling(bytes)
    }

    fn other_dialect(
        &self,
        file: &str,
        text: &str,
        layout: Layout,
        opts: &ReadOptions,
    ) -> Result<RawTable, Error> {
        let delimiter = layout.delimiter as u8;
        let mut reader = general_reader(text, delimiter, &opts.dialect);
        let mut lines_at = LineCounter::default();
        let mut next = |record: &mut csv::StringRecord| -> Result<Option<u64>, Error> {
            match reader.read_record(record) {
                Ok(false) => Ok(None),
                Ok(true) => {
                    let at = record.position().map_or(0, |p| p.byte());
                    Ok(Some(lines_at.line_of(text.as_bytes(), at as usize)))
                }
                Err(e) => Err(Error::Csv {
                    file: file.into(),
                    line: e.position().map(|p| p.line()).unwrap_or(0),
                    message: e.to_string(),
                }),
            }
        };
        collect_records(file, &mut next, opts.header, layout)
    }
}

/// How much of a file the encoding detector reads: the whole file when small.
pub const GUESS_SAMPLE: usize = 1 << 20;

/// Firefox's detector (chardetng) on a sample of the file; UTF-8 allowed, no domain hint.
pub fn guess_encoding(sample: &[u8], whole_file: bool) -> &'static encoding_rs::Encoding {
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(sample, whole_file);
    detector.guess(None, true)
}

/// The bytes (a file or its start) need the encoding detector: no byte-order mark, not UTF-8,
/// not UTF-16 by its NUL pattern, not binary, not a spreadsheet.
pub fn needs_guess(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    !named_by_start(bytes)
        && encoding_rs::Encoding::for_bom(bytes).is_none()
        && utf16_without_bom(sample).is_none()
        && !looks_binary(sample)
        // A character cut by the end of a sample is not a fault.
        && std::str::from_utf8(bytes).is_err_and(|e| e.error_len().is_some())
}

/// The archive format of compressed bytes (a zip is a workbook unless it holds no `xl/`,
/// `content.xml` or `word/` part).
fn compressed(bytes: &[u8]) -> Option<&'static str> {
    let head = &bytes[..bytes.len().min(4096)];
    let has = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
    if bytes.starts_with(&[0x1F, 0x8B]) {
        Some("gzip")
    } else if bytes.starts_with(b"BZh") && bytes.get(3).is_some_and(u8::is_ascii_digit) {
        Some("bzip2")
    } else if bytes.starts_with(b"7z\xBC\xAF\x27\x1C") {
        Some("7z")
    } else if bytes.starts_with(b"Rar!") {
        Some("RAR")
    } else if bytes.starts_with(b"PK\x03\x04")
        && !has(b"xl/")
        && !has(b"[Content_Types]")
        && !has(b"mimetype")
    {
        Some("zip")
    } else {
        None
    }
}

/// A workbook (xlsx, xlsm, xlsb, xls, ods) rather than text: a zip with workbook parts, or
/// an OLE compound file.
pub fn is_spreadsheet(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
        || (bytes.starts_with(b"PK\x03\x04") && compressed(bytes).is_none())
}

/// Whether a file's first bytes say what it is other than text: a workbook, an archive, a
/// document or an image.
fn named_by_start(bytes: &[u8]) -> bool {
    is_spreadsheet(bytes) || compressed(bytes).is_some() || not_a_table(bytes).is_some()
}

/// Whether the bytes look like binary data rather than text in an 8-bit or multi-byte
/// encoding: NUL bytes are rare in text (one stray NUL in a field is read), common in binaries;
/// so are control characters but tab, line ends, form feed, vertical tab (FileMaker's line
/// break inside a field) and escape, which compressed data (an image, say) has in one byte of
/// nine.
fn looks_binary(sample: &[u8]) -> bool {
    let nuls = sample.iter().filter(|b| **b == 0).count();
    let controls = sample
        .iter()
        .filter(|b| **b < 0x20 && !matches!(**b, b'\t' | b'\n' | b'\r' | 0x0B | 0x0C | 0x1B))
        .count();
    (nuls > 8 && nuls * 20 > sample.len()) || (controls > 8 && controls * 50 > sample.len())
}

/// A document, image or web page rather than a table, told by its first bytes: its id in
/// [`crate::engine::error::NOT_A_TABLE`].
fn not_a_table(bytes: &[u8]) -> Option<&'static str> {
    let magic: [(&[u8], &str); 6] = [
        (b"%PDF-", "pdf"),
        (b"\x89PNG\r\n\x1a\n", "png"),
        (b"\xFF\xD8\xFF", "jpeg"),
        (b"GIF87a", "gif"),
        (b"GIF89a", "gif"),
        (b"RIFF", "webp"),
    ];
    if let Some((_, id)) = magic.iter().find(|(m, id)| {
        bytes.starts_with(m) && (*id != "webp" || bytes.get(8..12) == Some(b"WEBP"))
    }) {
        return Some(id);
    }
    // Markup: after a UTF-8 byte-order mark and blank space, the first tag.
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = text.iter().position(|b| !b.is_ascii_whitespace())?;
    let head = &text[start..text.len().min(start + 512)];
    let opens = |tag: &[u8]| {
        head.get(..tag.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(tag))
    };
    if opens(b"<!doctype html") || opens(b"<html") || opens(b"<table") {
        Some("html")
    } else if opens(b"<?xml") {
        Some(
            if head.windows(4).any(|w| w.eq_ignore_ascii_case(b"html")) {
                "html"
            } else {
                "xml"
            },
        )
    } else {
        None
    }
}

/// UTF-16 without a byte-order mark: ASCII-heavy text has a NUL in every other byte.
fn utf16_without_bom(sample: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let pairs = sample.len() / 2;
    if pairs < 4 {
        return None;
    }
    let even = sample.iter().step_by(2).filter(|b| **b == 0).count();
    let odd = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|b| **b == 0)
        .count();
    if odd * 10 >= pairs * 7 && even * 10 < pairs {
        Some(encoding_rs::UTF_16LE)
    } else if even * 10 >= pairs * 7 && odd * 10 < pairs {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Why a file cannot be read as a table, told from its first bytes `head` (all of them, or
/// at least the first 64 KB): nothing in it, an archive, a document or image, text in UTF-32,
/// or binary data. `None` for text and workbooks. The page asks before it reads anything, so
/// that a load of nothing but such files leaves the data it had.
pub fn refused(file: &str, head: &[u8]) -> Option<Error> {
    if head.is_empty() {
        return Some(Error::Empty { file: file.into() });
    }
    if let Some(e) = not_text(file, head) {
        return Some(e);
    }
    let sample = &head[..head.len().min(64 * 1024)];
    let text =
        encoding_rs::Encoding::for_bom(head).is_some() || utf16_without_bom(sample).is_some();
    (!text && !is_spreadsheet(head) && looks_binary(sample))
        .then(|| Error::Binary { file: file.into() })
}

/// An archive, a document or image, or text in UTF-32, told by its first bytes.
fn not_text(file: &str, bytes: &[u8]) -> Option<Error> {
    let file = file.to_string();
    if let Some(format) = compressed(bytes) {
        return Some(Error::Compressed {
            file,
            format: format.into(),
        });
    }
    if let Some(format) = not_a_table(bytes) {
        return Some(Error::NotATable {
            file,
            format: format.into(),
        });
    }
    if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) || bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return Some(Error::UnsupportedEncoding {
            file,
            encoding: "UTF-32".into(),
        });
    }
    None
}

/// Decode the bytes to text: a byte-order mark wins, then the user's choice, then valid
/// UTF-8, then UTF-16 recognised by its NUL pattern, then a guess from the bytes.
fn decode<'a>(
    file: &str,
    bytes: &'a [u8],
    opts: &ReadOptions,
    codecs: &impl Codecs,
) -> Result<(Cow<'a, str>, &'static str, EncodingSource, bool), Error> {
    use encoding_rs::Encoding;
    if let Some(e) = not_text(file, bytes) {
        return Err(e);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(Error::Spreadsheet { file: file.into() });
    }
    let chosen = match &opts.encoding {
        Some(label) => Some(
            encoding_for(label).ok_or_else(|| Error::UnsupportedEncoding {
                file: file.into(),
                encoding: label.clone(),
            })?,
        ),
        None => None,
    };
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    let (encoding, body, source) = if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        (enc, &bytes[bom_len..], EncodingSource::Bom)
    } else if let Some(enc) = chosen {
        let source = if opts.detected {
            EncodingSource::Guessed
        } else {
            EncodingSource::Chosen
        };
        (enc, bytes, source)
    } else if let Some(enc) = utf16_without_bom(sample) {
        (enc, bytes, EncodingSource::Guessed)
    } else if looks_binary(sample) {
        return Err(Error::Binary { file: file.into() });
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((Cow::Borrowed(text), "UTF-8", EncodingSource::Valid, false));
    } else {
        let probe = &bytes[..bytes.len().min(GUESS_SAMPLE)];
        let guessed = codecs.guess(probe, probe.len() == bytes.len());
        (guessed, bytes, EncodingSource::Guessed)
    };
    let (text, malformed) = codecs.decode(encoding, body);
    Ok((text, encoding.name(), source, malformed))
}

const DELIMITERS: [u8; 4] = [b',', b'\t', b';', b'|'];

/// How much of the start of a file's text the delimiter is sniffed from.
const SNIFF_BYTES: usize = 64 * 1024;

/// The delimiter a first line `sep=X` names, as Excel writes and reads it (a hint for
/// spreadsheets in locales whose list separator is another; the line is then a note above
/// the header, not a row).
fn named_delimiter(text: &str) -> Option<u8> {
    let b = text.as_bytes();
    let named = *b.get(4)?;
    let ends = matches!(b.get(5), None | Some(b'\r' | b'\n'));
    (b[..4].eq_ignore_ascii_case(b"sep=") && ends && !matches!(named, b'\r' | b'\n' | b'"'))
        .then_some(named)
}

/// Count each candidate delimiter per line (outside quotes) over the first lines, and pick
/// the one whose count is the same on most lines and above zero; ties go to the most fields.
/// A first line `sep=X` names it instead ([`named_delimiter`]).
fn sniff_delimiter(text: &str) -> u8 {
    if let Some(d) = named_delimiter(text) {
        return d;
    }
    let sample: &str = {
        let mut end = text.len().min(SNIFF_BYTES);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        &text[..end]
    };
    let mut best = (b',', 0usize, 0usize);
    for &d in &DELIMITERS {
        let mut counts: Vec<usize> = Vec::new();
        let (mut in_quotes, mut n) = (false, 0usize);
        for b in sample.bytes() {
            match b {
                b'"' => in_quotes = !in_quotes,
                b'\n' | b'\r' if !in_quotes => {
                    if n > 0 || !counts.is_empty() {
                        counts.push(n);
                    }
                    n = 0;
                }
                _ if b == d && !in_quotes => n += 1,
                _ => {}
            }
            if counts.len() >= 50 {
                break;
            }
        }
        if n > 0 {
            counts.push(n);
        }
        let Some(&first) = counts.iter().find(|c| **c > 0) else {
            continue;
        };
        let consistent = counts.iter().filter(|c| **c == first).count();
        if (consistent, first) > (best.1, best.2) {
            best = (d, consistent, first);
        }
    }
    best.0
}

/// 1-based line numbers from byte offsets, counted incrementally (records come in order).
/// The csv crate's own record line lags by one after CRLF line ends, so it is not used.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    terminators: u64,
}

impl LineCounter {
    fn line_of(&mut self, text: &[u8], mut start: usize) -> u64 {
        // A record's recorded start may sit on the previous record's terminator.
        while start < text.len() && (text[start] == b'\r' || text[start] == b'\n') {
            start += 1;
        }
        if start < self.offset {
            return self.terminators + 1;
        }
        let chunk = &text[self.offset..start];
        for (i, b) in chunk.iter().enumerate() {
            let ends_line =
                *b == b'\n' || (*b == b'\r' && chunk.get(i + 1).is_none_or(|n| *n != b'\n'));
            self.terminators += u64::from(ends_line);
        }
        self.offset = start;
        self.terminators + 1
    }
}

/// The `csv` crate's reader for any dialect.
fn general_reader<'t>(text: &'t str, delimiter: u8, d: &Dialect) -> csv::Reader<&'t [u8]> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .quote(d.quote)
        .double_quote(d.double_quote)
        .escape(d.escape)
        .quoting(!d.no_quoting)
        .comment(d.comment)
        .terminator(
            d.terminator
                .map_or(csv::Terminator::CRLF, csv::Terminator::Any),
        )
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
}

/// The records of a comma-separated text in the common dialect (a file this calculator
/// wrote), for reading one back without the `csv` crate's reader in the page.
pub(crate) fn comma_records(text: &str) -> impl Iterator<Item = csv::StringRecord> + '_ {
    let mut records = Records::new(Cow::Borrowed(text), b',', Some(b'"'));
    std::iter::from_fn(move || {
        let mut record = csv::StringRecord::new();
        records.next(&mut record).map(|_| record)
    })
}

/// Where [`collect_records`] takes records from.
pub(crate) trait Source {
    /// The next record and the 1-based line (or sheet row) where it starts.
    fn next(&mut self, record: &mut csv::StringRecord) -> Result<Option<u64>, Error>;

    /// The read stopped where a second part starts ([`Split`]): that part's rows come next.
    fn halted(&self) -> bool {
        false
    }

    /// Every remaining record into the columns.
    fn drain(&mut self, rows: &mut Collector) -> Result<(), Error> {
        let mut record = csv::StringRecord::new();
        while let Some(line) = self.next(&mut record)? {
            rows.push(&record, line);
        }
        Ok(())
    }
}

impl<F: FnMut(&mut csv::StringRecord) -> Result<Option<u64>, Error>> Source for F {
    fn next(&mut self, record: &mut csv::StringRecord) -> Result<Option<u64>, Error> {
        self(record)
    }
}

/// A file's bytes, a slice at a time: the browser's worker reads a `File` in slices instead
/// of holding a copy of it whole, and the columns are filled as the slices come.
pub trait Chunks {
    /// The file's size in bytes.
    fn size(&self) -> u64;
    /// Append the next slice of the file to `buf`; `Ok(false)` once there is no more, and
    /// [`Error::Waiting`] (leaving `buf` as it was) when the next slice has not come yet.
    fn read_into(&mut self, buf: &mut Vec<u8>) -> Result<bool, Error>;
}

impl<T: Chunks + ?Sized> Chunks for &mut T {
    fn size(&self) -> u64 {
        (**self).size()
    }

    fn read_into(&mut self, buf: &mut Vec<u8>) -> Result<bool, Error> {
        (**self).read_into(buf)
    }
}

/// Bytes in memory handed out `step` at a time (how the tests read a file in slices).
pub struct SliceChunks<'a> {
    bytes: &'a [u8],
    step: usize,
    at: usize,
}

impl<'a> SliceChunks<'a> {
    pub fn new(bytes: &'a [u8], step: usize) -> Self {
        SliceChunks {
            bytes,
            step: step.max(1),
            at: 0,
        }
    }
}

impl Chunks for SliceChunks<'_> {
    fn size(&self) -> u64 {
        self.bytes.len() as u64
    }

    fn read_into(&mut self, buf: &mut Vec<u8>) -> Result<bool, Error> {
        if self.at >= self.bytes.len() {
            return Ok(false);
        }
        let end = (self.at + self.step).min(self.bytes.len());
        buf.extend_from_slice(&self.bytes[self.at..end]);
        self.at = end;
        Ok(true)
    }
}

/// Where the text of a file read in slices comes from: bytes are decoded a run of whole lines
/// at a time (a line end byte is never part of a character in the encodings read this way).
struct Feed<'a> {
    chunks: Box<dyn Chunks + 'a>,
    /// `None`: UTF-8.
    encoding: Option<&'static encoding_rs::Encoding>,
    /// Bytes read and not yet decoded: what follows the last line end read.
    raw: Vec<u8>,
    /// `chunks` has no more.
    done: bool,
    malformed: bool,
}

impl Feed<'_> {
    /// Add the text of `bytes` to `into`. UTF-8 bytes become a `String` where they are, which
    /// is `into` itself when it is empty (the reader's window hands its bytes over).
    fn decode(&mut self, bytes: Vec<u8>, codecs: &impl Codecs, into: &mut String) {
        match self.encoding {
            None => match String::from_utf8(bytes) {
                Ok(text) if into.is_empty() => *into = text,
                Ok(text) => into.push_str(&text),
                Err(e) => {
                    self.malformed = true;
                    into.push_str(&String::from_utf8_lossy(e.as_bytes()));
                }
            },
            Some(encoding) => {
                let (text, malformed) = codecs.decode(encoding, &bytes);
                self.malformed |= malformed;
                into.push_str(&text);
            }
        }
    }
}

/// Where the bytes from `from` on are cut for the reader's window: after the last byte below
/// `0`, such as a line end, a delimiter or a space, but not after a last `\r`, whose `\n` may
/// come next. No such byte is part of a character in the encodings read in slices (UTF-8,
/// GBK, GB18030, Big5, Shift_JIS…), and a line longer than a slice, or a file of `\r` line
/// ends, is not held back slice after slice.
fn window_end(bytes: &[u8], from: usize) -> usize {
    let t = &bytes[from..];
    let t = t.strip_suffix(b"\r").unwrap_or(t);
    t.iter()
        .rposition(|&b| b < b'0')
        .map_or(from, |k| from + k + 1)
}

/// A delimited text in the common dialect, telling `codecs` of its progress.
struct Delimited<'t, C> {
    records: Records<'t>,
    codecs: &'t C,
    count: u64,
    /// For a file read in slices: where more text comes from.
    feed: Option<Feed<'t>>,
    /// Bytes of text dropped from the front of the window, and the file's size.
    dropped: u64,
    total: u64,
    /// The first part of a file read in two: where the second part starts.
    halt: Option<Halt>,
}

/// Where the first part of a [`Split`] file stops, and where it did.
struct Halt {
    /// The second part's first byte.
    at: u64,
    /// The header's width the second part was read with.
    width: usize,
    /// The line of the record at `at`, once the read stopped there.
    line: Option<u64>,
}

impl<'t, C: Codecs> Delimited<'t, C> {
    fn whole(text: Cow<'t, str>, delimiter: u8, quote: Option<u8>, codecs: &'t C) -> Self {
        Delimited {
            total: text.len() as u64,
            records: Records::new(text, delimiter, quote),
            codecs,
            count: 0,
            feed: None,
            dropped: 0,
            halt: None,
        }
    }

    fn counted(&mut self, at: usize) {
        self.count += 1;
        if self.count % PROGRESS_ROWS == 0 {
            let read = (self.dropped + at as u64).min(self.total);
            match &self.halt {
                // The other part is read at the same pace at the same time: both together
                // have read about this part's share, scaled to the whole file.
                Some(h) if h.at > 0 => {
                    let scale = self.total as f64 / h.at as f64;
                    let rows = (self.count as f64 * scale) as u64;
                    let read = ((read as f64 * scale) as u64).min(self.total);
                    self.codecs.progress(rows, read, self.total);
                }
                _ => self.codecs.progress(self.count, read, self.total),
            }
        }
    }

    /// A first part has come to the second part's first byte: `true` when a record starts
    /// there (the read stops, noting its line). A record that runs over it (the line end
    /// before it was inside quotes) means the second part was not read from a record's
    /// start: this part goes on to the end of the file instead.
    fn halts(&mut self) -> bool {
        let Some(h) = &mut self.halt else {
            return false;
        };
        let here = self.dropped + self.records.pos as u64;
        if here < h.at {
            return false;
        }
        if here == h.at {
            h.line = Some(self.records.ends + 1);
            return true;
        }
        self.halt = None;
        false
    }

    /// Once the record that makes [`SIZE_AFTER_ROWS`] is counted, the columns make room for
    /// the rest of the file, judged by the bytes read up to `at` in the window.
    fn size_columns(&self, rows: &mut Collector, at: usize) {
        if self.count == SIZE_AFTER_ROWS {
            rows.reserve_rest(self.dropped + at as u64, self.total);
        }
    }

    /// The window holds the end of the file.
    fn last(&self) -> bool {
        self.feed
            .as_ref()
            .is_none_or(|f| f.done && f.raw.is_empty())
    }

    /// The record just read, which began at `at` on `line`, stopped at the end of a window
    /// that is not the file's last: it is read again from its start once more text is in.
    fn read_again(&mut self, line: u64, at: usize) -> Result<bool, Error> {
        if !self.records.cut || self.last() {
            return Ok(false);
        }
        self.records.rewind(line, at);
        self.more(self.records.text.len() - at)?;
        Ok(true)
    }

    /// Slide the window: drop the text before the record being read, and add at least
    /// `at_least` bytes (a record longer than the window doubles it, so a quote left open
    /// is read in a few passes, not one per slice). `false` when the file has no more.
    fn more(&mut self, at_least: usize) -> Result<bool, Error> {
        let Some(feed) = self.feed.as_mut() else {
            return Ok(false);
        };
        let r = &mut self.records;
        let text = r.text.to_mut();
        text.drain(..r.pos);
        r.stops.reset();
        self.dropped += r.pos as u64;
        r.pos = 0;
        let before = text.len();
        let mut raw = std::mem::take(&mut feed.raw);
        while text.len() - before < at_least.max(1) && !feed.done {
            // UTF-8 comes straight into the window, after the text kept: its bytes are
            // copied once, into a buffer used again for each slice, and checked once. Text
            // in another encoding is decoded from a buffer of its own.
            let mut bytes = match feed.encoding {
                None => std::mem::take(text).into_bytes(),
                Some(_) => Vec::new(),
            };
            let kept = bytes.len();
            bytes.append(&mut raw);
            // Bytes held back with a place to cut them (the head's, read to sniff the file)
            // go in before another slice is asked for.
            let read = if window_end(&bytes, kept) > kept {
                Ok(true)
            } else {
                feed.chunks.read_into(&mut bytes)
            };
            let cut = match read {
                Ok(true) => window_end(&bytes, kept),
                Ok(false) => bytes.len(),
                // The read goes on from here when the slice comes ([`Error::Waiting`]).
                Err(_) => kept,
            };
            raw = bytes.split_off(cut);
            feed.decode(bytes, self.codecs, text);
            match read {
                Ok(more) => feed.done = !more,
                Err(e) => {
                    feed.raw = raw;
                    return Err(e);
                }
            }
        }
        feed.raw = raw;
        Ok(text.len() > before)
    }
}

impl<C: Codecs> Source for Delimited<'_, C> {
    fn halted(&self) -> bool {
        self.halt.as_ref().is_some_and(|h| h.line.is_some())
    }

    fn next(&mut self, record: &mut csv::StringRecord) -> Result<Option<u64>, Error> {
        loop {
            let Some((line, at)) = self.records.next(record) else {
                if self.more(0)? {
                    continue;
                }
                return Ok(None);
            };
            if self.read_again(line, at)? {
                continue;
            }
            self.counted(at);
            return Ok(Some(line));
        }
    }

    /// Cells go from the text into the columns without a record in between.
    fn drain(&mut self, rows: &mut Collector) -> Result<(), Error> {
        // A file without a header may grow wider further on: it is read in one part.
        if rows.grow || self.halt.as_ref().is_some_and(|h| h.width != rows.width) {
            self.halt = None;
        }
        if rows.grow {
            let mut record = csv::StringRecord::new();
            while let Some(line) = self.next(&mut record)? {
                rows.push(&record, line);
            }
            return Ok(());
        }
        loop {
            if self.halts() {
                return Ok(());
            }
            // Ordinary rows in a run, up to the next row that tells the progress or sizes
            // the columns, and not past where a second part starts.
            let next_event = PROGRESS_ROWS - self.count % PROGRESS_ROWS;
            let max = match SIZE_AFTER_ROWS.checked_sub(self.count) {
                Some(k) if k > 0 => next_event.min(k),
                _ => next_event,
            };
            let stop_at = self.halt.as_ref().map_or(usize::MAX, |h| {
                usize::try_from(h.at.saturating_sub(self.dropped)).unwrap_or(usize::MAX)
            });
            let (n, end) = self.records.fill_rows(
                &mut rows.columns,
                rows.width,
                usize::try_from(max).unwrap_or(usize::MAX),
                stop_at,
                &mut rows.lines,
            );
            if n > 0 {
                self.count += n as u64 - 1;
                self.counted(self.records.pos);
                self.size_columns(rows, self.records.pos);
            }
            let Odd {
                line,
                at,
                fields,
                blank,
            } = match end {
                RunEnd::Odd(odd) => odd,
                RunEnd::End => {
                    if self.more(0)? {
                        continue;
                    }
                    return Ok(());
                }
                RunEnd::Max | RunEnd::At => continue,
            };
            let again = self.records.cut && !self.last();
            if again || blank {
                for col in rows.columns.iter_mut().take(fields) {
                    col.pop();
                }
            }
            if again {
                self.read_again(line, at)?;
                continue;
            }
            self.counted(at);
            if blank {
                rows.blank_rows += 1;
                continue;
            }
            self.size_columns(rows, at);
            for col in rows.columns.iter_mut().skip(fields) {
                col.push("");
            }
            rows.check_width(fields, line);
            rows.lines.push(line_u32(line));
        }
    }
}

/// How many non-blank rows at the top of a file are looked at to find the header row.
const HEADER_SEARCH_ROWS: usize = 20;

/// Which of the first rows is the header: the first one filled at least half as wide as the
/// widest of them (notes, titles and report filters above a header fill one or two cells).
fn header_index(rows: &[(csv::StringRecord, u64)]) -> usize {
    let filled = |r: &csv::StringRecord| r.iter().filter(|c| !c.trim().is_empty()).count();
    let widest = rows.iter().map(|(r, _)| filled(r)).max().unwrap_or(0);
    rows.iter()
        .position(|(r, _)| filled(r) >= 2.max(widest.div_ceil(2)))
        .unwrap_or(0)
}

/// A first row of numbers and dates only is data, not a header.
fn is_data_row(record: &csv::StringRecord) -> bool {
    let mut cells = record
        .iter()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .peekable();
    cells.peek().is_some()
        && cells.all(|c| {
            crate::engine::value::parse_amount(c, crate::engine::value::DecimalMark::Dot).is_some()
                || crate::engine::value::parse_date(c).is_some()
        })
}

/// Read a delimited text file into text columns, detecting everything.
///
/// ```
/// use crm_kpi::engine::ingest::read_table;
/// let t = read_table("deals.csv", b"Deal Name;Amount\nAcme;1.200,50\n").unwrap();
/// assert_eq!(t.layout.delimiter, ';');
/// assert_eq!(t.columns[1].get(0), "1.200,50");
/// ```
pub fn read_table(file: &str, bytes: &[u8]) -> Result<RawTable, Error> {
    read_table_with(file, bytes, &ReadOptions::default())
}

/// The largest file read: its text, its columns and its typed table stay well inside a
/// browser tab's memory (and column arenas index with u32).
pub const MAX_FILE_BYTES: u64 = 500_000_000;

/// The refusal of a file of `size` bytes, if it is over [`MAX_FILE_BYTES`]. The page asks
/// before it reads a file, so that a 1 GB export is never copied into memory at all.
pub fn too_large(file: &str, size: u64) -> Option<Error> {
    (size > MAX_FILE_BYTES).then(|| Error::TooLarge {
        file: file.into(),
        size_mb: size / 1_000_000,
    })
}

/// Accumulates data rows into the text columns.
pub(crate) struct Collector {
    /// Without a header row, a longer record adds numbered columns (empty in earlier rows).
    grow: bool,
    headers: Vec<String>,
    width: usize,
    columns: Vec<TextColumn>,
    lines: Vec<u32>,
    row_issues: Vec<RawRowIssue>,
    blank_rows: usize,
}

/// After how many records the columns make room for the rest of the file.
const SIZE_AFTER_ROWS: u64 = 20_000;

impl Collector {
    /// Make room for the rest of the file at once, judging by what its first `read` bytes of
    /// `total` took: the columns then grow once instead of by doubling, which moves each of
    /// them several times and can leave half of its room unused.
    fn reserve_rest(&mut self, read: u64, total: u64) {
        if read == 0 || total <= read {
            return;
        }
        // A little over the estimate: rows further down are rarely much longer.
        let scale = total as f64 / read as f64 * 1.05;
        let rows = (self.lines.len() as f64 * scale) as usize;
        for c in &mut self.columns {
            c.reserve_cells(rows);
        }
        self.lines.reserve(rows.saturating_sub(self.lines.len()));
    }

    fn push(&mut self, record: &csv::StringRecord, line: u64) {
        if record.iter().all(|c| c.trim().is_empty()) {
            self.blank_rows += 1;
            return;
        }
        while self.grow && record.len() > self.width {
            self.width += 1;
            self.headers.push(format!("Column {}", self.width));
            let mut col = TextColumn::default();
            for _ in 0..self.lines.len() {
                col.push("");
            }
            self.columns.push(col);
        }
        self.check_width(record.len(), line);
        for (i, col) in self.columns.iter_mut().enumerate() {
            col.push(record.get(i).unwrap_or(""));
        }
        self.lines.push(line_u32(line));
    }

    /// The rows as a table. `finish`: the columns grew by doubling, and give back what they
    /// did not fill (the typed table that is built next reuses it).
    fn into_table(mut self, file: &str, layout: Layout, finish: bool) -> RawTable {
        if finish {
            for c in &mut self.columns {
                c.finish();
            }
            self.lines.shrink_to_fit();
        }
        RawTable {
            file: file.into(),
            layout,
            headers: self.headers,
            columns: self.columns,
            lines: Lines::new(self.lines),
            row_issues: self.row_issues,
            blank_rows: self.blank_rows,
        }
    }

    /// Note a row with more or fewer fields than the header.
    fn check_width(&mut self, fields: usize, line: u64) {
        if fields != self.width {
            let kind = if fields < self.width {
                RawIssueKind::ShortRow
            } else {
                RawIssueKind::LongRow
            };
            self.row_issues.push(RawRowIssue { line, kind, fields });
        }
    }
}

/// Read a delimited text file into text columns, with the user's choices where given.
pub fn read_table_with(file: &str, bytes: &[u8], opts: &ReadOptions) -> Result<RawTable, Error> {
    read_table_decoding(file, bytes, opts, &NativeCodecs)
}

/// [`read_table_with`], decoding legacy encodings with `codecs`.
pub fn read_table_decoding(
    file: &str,
    bytes: &[u8],
    opts: &ReadOptions,
    codecs: &impl Codecs,
) -> Result<RawTable, Error> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::Empty { file: file.into() });
    }
    if let Some(e) = too_large(file, bytes.len() as u64) {
        return Err(e);
    }
    if is_spreadsheet(bytes) {
        return codecs.spreadsheet(file, bytes, opts);
    }
    let (text, encoding, encoding_source, malformed) = decode(file, bytes, opts, codecs)?;
    let text: &str = &text;
    let d = opts.dialect;
    // A line end or the quote cannot delimit fields: such a choice is ignored and sniffed.
    let delimiter = d
        .delimiter
        .filter(|c| !matches!(c, b'\r' | b'\n') && *c != d.quote)
        .unwrap_or_else(|| sniff_delimiter(text));
    let layout = Layout::delimited(encoding, encoding_source, malformed, delimiter);
    if d.is_common() {
        let quote = (!d.no_quoting).then_some(d.quote);
        let mut source = Delimited::whole(Cow::Borrowed(text), delimiter, quote, codecs);
        return collect_records(file, &mut source, opts.header, layout);
    }
    codecs.other_dialect(file, text, layout, opts)
}

/// How much of a file read in slices is looked at first, to tell its format, encoding and
/// delimiter: the encoding detector's sample.
const HEAD_BYTES: usize = GUESS_SAMPLE;

/// [`read_table_decoding`] for a file that comes in slices: a delimited text in the common
/// dialect and an encoding that keeps line ends as bytes (UTF-8, GBK, Big5, Shift_JIS, the
/// single-byte ones) is read a slice at a time, so that its bytes are never in memory whole;
/// anything else (a workbook, UTF-16, another dialect) is gathered and read whole.
///
/// ```
/// use crm_kpi::engine::ingest::{read_table_streamed, NativeCodecs, SliceChunks};
/// let bytes = b"Deal,Note\nAcme,\"two\nlines\"\nBeta,one\n";
/// let t = read_table_streamed("d.csv", &mut SliceChunks::new(bytes, 4), &Default::default(), &NativeCodecs).unwrap();
/// assert_eq!(t.columns[1].get(0), "two\nlines");
/// assert_eq!(*t.lines, [2, 4]);
/// ```
pub fn read_table_streamed(
    file: &str,
    chunks: &mut dyn Chunks,
    opts: &ReadOptions,
    codecs: &impl Codecs,
) -> Result<RawTable, Error> {
    read_streamed(file, chunks, opts, codecs, HEAD_BYTES)
}

/// [`read_table_streamed`] looking at the first `head_bytes` first (tests make it small).
fn read_streamed(
    file: &str,
    chunks: &mut dyn Chunks,
    opts: &ReadOptions,
    codecs: &impl Codecs,
    head_bytes: usize,
) -> Result<RawTable, Error> {
    read_streamed_until(file, chunks, opts, codecs, head_bytes, None).map(|(t, _)| t)
}

/// [`read_streamed`], stopping at a [`Split`]'s second part when its record starts there:
/// the table and the line where the second part starts, or the whole file's table and `None`
/// when it was read to the end (the second part is then not needed).
fn read_streamed_until(
    file: &str,
    chunks: &mut dyn Chunks,
    opts: &ReadOptions,
    codecs: &impl Codecs,
    head_bytes: usize,
    split: Option<&Split>,
) -> Result<(RawTable, Option<u64>), Error> {
    StreamedRead::with(file, Box::new(chunks), opts, codecs, head_bytes, split).run()
}

/// A file read in slices that may come later than they are asked for: a worker that is sent
/// a file's slices by another reads each as it comes, instead of waiting for the browser to
/// read the next. [`StreamedRead::step`] reads as far as the slices that came allow; a
/// [`Chunks`] without the next slice says [`Error::Waiting`], and the read goes on from
/// there at the next step. It reads as [`read_table_streamed`] reads (which is this read
/// with slices that are always there).
pub struct StreamedRead<'a, C> {
    file: String,
    opts: ReadOptions,
    codecs: &'a C,
    head_bytes: usize,
    split: Option<Split>,
    phase: Phase<'a, C>,
}

/// How far a [`StreamedRead`] is.
enum Phase<'a, C> {
    /// Gathering the first bytes, which tell the format, encoding and delimiter.
    Head(Box<dyn Chunks + 'a>, Vec<u8>),
    /// Gathering the whole file, to be read whole (a workbook, UTF-16, another dialect).
    Whole(Box<dyn Chunks + 'a>, Vec<u8>),
    /// Records going into columns.
    Rows(Box<Delimited<'a, C>>, Box<Collect>),
    /// Read, or failed.
    Over,
}

/// Append `chunks`' slices to `buf` until it holds `up_to` bytes or the file is read.
fn gather(chunks: &mut dyn Chunks, buf: &mut Vec<u8>, up_to: usize) -> Result<(), Error> {
    while buf.len() < up_to && chunks.read_into(buf)? {}
    Ok(())
}

impl<'a, C: Codecs> StreamedRead<'a, C> {
    /// Start reading `file` from `chunks`: nothing is read before the first step, which
    /// refuses a file over the size limit.
    pub fn new(file: &str, chunks: impl Chunks + 'a, opts: &ReadOptions, codecs: &'a C) -> Self {
        Self::with(file, Box::new(chunks), opts, codecs, HEAD_BYTES, None)
    }

    fn with(
        file: &str,
        chunks: Box<dyn Chunks + 'a>,
        opts: &ReadOptions,
        codecs: &'a C,
        head_bytes: usize,
        split: Option<&Split>,
    ) -> Self {
        StreamedRead {
            file: file.into(),
            opts: opts.clone(),
            codecs,
            head_bytes,
            split: split.cloned(),
            phase: Phase::Head(chunks, Vec::new()),
        }
    }

    /// Read on: `None` while the next slice has not come (step again once it has), else
    /// the table, and for a [`Split`] file's first part the line where the second starts.
    pub fn step(&mut self) -> Result<Option<(RawTable, Option<u64>)>, Error> {
        match self.run() {
            Err(Error::Waiting) => Ok(None),
            read => read.map(Some),
        }
    }

    /// Read on until the file is read, or a slice has not come ([`Error::Waiting`]).
    fn run(&mut self) -> Result<(RawTable, Option<u64>), Error> {
        loop {
            self.phase = match std::mem::replace(&mut self.phase, Phase::Over) {
                Phase::Head(mut chunks, mut head) => {
                    if let Some(e) = too_large(&self.file, chunks.size()) {
                        return Err(e);
                    }
                    if let Err(e) = gather(&mut *chunks, &mut head, self.head_bytes) {
                        self.phase = Phase::Head(chunks, head);
                        return Err(e);
                    }
                    self.begin(chunks, head)?
                }
                Phase::Whole(mut chunks, mut bytes) => {
                    if let Err(e) = gather(&mut *chunks, &mut bytes, usize::MAX) {
                        self.phase = Phase::Whole(chunks, bytes);
                        return Err(e);
                    }
                    return read_table_decoding(&self.file, &bytes, &self.opts, self.codecs)
                        .map(|t| (t, None));
                }
                Phase::Rows(mut source, mut rows) => {
                    if let Err(e) = rows.step(&self.file, &mut *source) {
                        self.phase = Phase::Rows(source, rows);
                        return Err(e);
                    }
                    let mut table = rows.finish(&self.file, source.halted())?;
                    table.layout.malformed = source.feed.as_ref().is_some_and(|f| f.malformed);
                    return Ok((table, source.halt.and_then(|h| h.line)));
                }
                Phase::Over => {
                    return Err(Error::Unreadable {
                        file: self.file.clone(),
                        message: "it was read already".into(),
                    })
                }
            };
        }
    }

    /// What to do with a file whose first bytes are `head`: read it a slice at a time (a
    /// delimited text in the common dialect, in an encoding that keeps line ends as bytes),
    /// or gather it and read it whole.
    fn begin(
        &self,
        chunks: Box<dyn Chunks + 'a>,
        mut head: Vec<u8>,
    ) -> Result<Phase<'a, C>, Error> {
        use encoding_rs::Encoding;
        let (opts, codecs) = (&self.opts, self.codecs);
        let sample = &head[..head.len().min(64 * 1024)];
        let plain = opts.dialect.is_common()
            && !head.iter().all(|b| b.is_ascii_whitespace())
            && !named_by_start(&head)
            && utf16_without_bom(sample).is_none()
            && !looks_binary(sample);
        if !plain {
            return Ok(Phase::Whole(chunks, head));
        }
        let chosen = opts.encoding.as_ref().map(|label| encoding_for(label));
        let utf8_head = match std::str::from_utf8(&head) {
            Ok(_) => true,
            // A character cut by the end of the head is not a fault.
            Err(e) => e.error_len().is_none(),
        };
        let (encoding, skip, how) = if let Some((enc, bom)) = Encoding::for_bom(&head) {
            (enc, bom, EncodingSource::Bom)
        } else if let Some(chosen) = chosen {
            // An unknown label is refused by the whole-file reader, in its words.
            let Some(enc) = chosen else {
                return Ok(Phase::Whole(chunks, head));
            };
            let how = if opts.detected {
                EncodingSource::Guessed
            } else {
                EncodingSource::Chosen
            };
            (enc, 0, how)
        } else if utf8_head {
            (encoding_rs::UTF_8, 0, EncodingSource::Valid)
        } else {
            let probe = &head[..head.len().min(GUESS_SAMPLE)];
            let last = (probe.len() as u64) >= chunks.size();
            (codecs.guess(probe, last), 0, EncodingSource::Guessed)
        };
        if !encoding.is_ascii_compatible() || encoding == encoding_rs::ISO_2022_JP {
            return Ok(Phase::Whole(chunks, head));
        }
        let utf8 = encoding == encoding_rs::UTF_8;
        let mut feed = Feed {
            chunks,
            encoding: (!utf8).then_some(encoding),
            raw: Vec::new(),
            done: false,
            malformed: false,
        };
        // The delimiter is sniffed from the start of the text, as the whole-file reader sniffs
        // it: a character cut by the end of these bytes falls after the part looked at.
        let mut head_text = String::new();
        let sniffed = (skip + SNIFF_BYTES + 4).min(head.len());
        feed.decode(head[skip..sniffed].to_vec(), codecs, &mut head_text);
        let d = opts.dialect;
        let delimiter = d
            .delimiter
            .filter(|c| !matches!(c, b'\r' | b'\n') && *c != d.quote)
            .unwrap_or_else(|| sniff_delimiter(&head_text));
        drop(head_text);
        feed.malformed = false;
        head.drain(..skip);
        feed.raw = head;
        let total = feed.chunks.size();
        let quote = (!d.no_quoting).then_some(d.quote);
        // The second part was read as UTF-8 with this delimiter and quote: a first part read
        // otherwise goes on to the end.
        let halt = self
            .split
            .as_ref()
            .filter(|s| utf8 && s.delimiter == delimiter && s.quote == quote)
            .map(|s| Halt {
                at: s.start,
                width: s.width,
                line: None,
            });
        let source = Delimited {
            records: Records::new(Cow::Owned(String::new()), delimiter, quote),
            codecs,
            count: 0,
            feed: Some(feed),
            dropped: skip as u64,
            total,
            halt,
        };
        let layout = Layout::delimited(encoding.name(), how, false, delimiter);
        Ok(Phase::Rows(
            Box::new(source),
            Box::new(Collect::new(opts.header, layout)),
        ))
    }
}

/// Files at least this large are read by two workers, a part each ([`plan_split`]).
pub const SPLIT_BYTES: u64 = 48 << 20;

/// How a file is read in two parts at once: the first from the file's start up to `start`,
/// the second from `start` to the end, with the delimiter, quote and header width the first
/// part's read finds. [`read_table_first_part`] checks that a record starts at `start`, and
/// reads on to the end when one does not (a quoted field with a line end in it runs over).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Split {
    /// The second part's first byte: just after a line end.
    pub start: u64,
    pub delimiter: u8,
    pub quote: Option<u8>,
    /// How many columns the header names.
    pub width: usize,
}

/// The first line start at or after byte `at` of a file, given the bytes `around` that
/// begin there: where a file's second part can start.
pub fn line_start_after(around: &[u8], at: u64) -> Option<u64> {
    memchr::memchr(b'\n', around).map(|k| at + k as u64 + 1)
}

/// Whether and how to read a file of `size` bytes in two parts split at `start` (see
/// [`line_start_after`]), judging by its first bytes `head` (a few KB up to
/// [`GUESS_SAMPLE`]): only a large UTF-8 text in the common dialect with a header row;
/// anything else is read in one part.
pub fn plan_split(
    head: &[u8],
    size: u64,
    start: u64,
    opts: &ReadOptions,
    codecs: &impl Codecs,
) -> Option<Split> {
    if size < SPLIT_BYTES || start >= size {
        return None;
    }
    split_at(head, start, opts, codecs)
}

/// [`plan_split`] for a file of any size.
pub fn split_at(
    head: &[u8],
    start: u64,
    opts: &ReadOptions,
    codecs: &impl Codecs,
) -> Option<Split> {
    let head = &head[..head.len().min(SNIFF_BYTES)];
    let utf8_label = |l: &String| encoding_for(l) == Some(encoding_rs::UTF_8);
    if !opts.dialect.is_common()
        || opts.header == HeaderChoice::None
        || !opts.encoding.as_ref().is_none_or(utf8_label)
        || is_spreadsheet(head)
        || compressed(head).is_some()
        || looks_binary(head)
    {
        return None;
    }
    // The head's whole lines, as text: its header row and first records.
    let lines = &head[..memchr::memrchr(b'\n', head)? + 1];
    std::str::from_utf8(lines).ok()?;
    let t = read_table_decoding("head", lines, opts, codecs).ok()?;
    let utf8 = t.layout.encoding == encoding_rs::UTF_8.name();
    (utf8 && !t.layout.generated_headers && t.layout.delimiter.is_ascii()).then(|| Split {
        start,
        delimiter: t.layout.delimiter as u8,
        quote: (!opts.dialect.no_quoting).then_some(opts.dialect.quote),
        width: t.headers.len(),
    })
}

/// The first part of a [`Split`] file (its chunks from the file's start): the table up to
/// the second part and the line where that starts, or the whole file and `None` when it
/// was read to the end instead. Join them with [`RawTable::append_part`].
pub fn read_table_first_part(
    file: &str,
    chunks: &mut dyn Chunks,
    opts: &ReadOptions,
    codecs: &impl Codecs,
    split: &Split,
) -> Result<(RawTable, Option<u64>), Error> {
    read_streamed_until(file, chunks, opts, codecs, HEAD_BYTES, Some(split))
}

/// The second part of a [`Split`] file (its chunks from `split.start` on): its rows in
/// columns as wide as the header, lines counted from 1 at its start.
pub fn read_table_second_part(
    file: &str,
    chunks: &mut dyn Chunks,
    split: &Split,
    codecs: &impl Codecs,
) -> Result<RawTable, Error> {
    let total = chunks.size();
    let feed = Feed {
        chunks: Box::new(chunks),
        encoding: None,
        raw: Vec::new(),
        done: false,
        malformed: false,
    };
    let mut records = Records::new(Cow::Owned(String::new()), split.delimiter, split.quote);
    // Not the start of a file: a byte-order mark here is data.
    records.pos = 0;
    let mut source = Delimited {
        records,
        codecs,
        count: 0,
        feed: Some(feed),
        dropped: 0,
        total,
        halt: None,
    };
    let mut rows = Collector {
        grow: false,
        width: split.width,
        columns: vec![TextColumn::default(); split.width],
        headers: Vec::new(),
        lines: Vec::new(),
        row_issues: Vec::new(),
        blank_rows: 0,
    };
    source.drain(&mut rows)?;
    let malformed = source.feed.as_ref().is_some_and(|f| f.malformed);
    let layout = Layout::delimited(
        encoding_rs::UTF_8.name(),
        EncodingSource::Valid,
        malformed,
        split.delimiter,
    );
    Ok(rows.into_table(file, layout, true))
}

/// A [`Split`] file's table from its parts' reads: the first part's table with the second's
/// rows after it when the first stopped where the second starts, else the first alone (it
/// read the whole file). A second part that could not be read fails the file.
pub fn join_parts(
    first: Result<(RawTable, Option<u64>), Error>,
    second: Result<RawTable, Error>,
) -> Result<RawTable, Error> {
    let (mut table, line) = first?;
    if let Some(line) = line {
        table.append_part(&second?, line);
    }
    Ok(table)
}

/// Both parts of a [`Split`] file read one after the other, as two workers read them at the
/// same time: what the page's workers do, in one place, for tests and programs.
pub fn read_table_in_parts(
    file: &str,
    bytes: &[u8],
    opts: &ReadOptions,
    split: &Split,
) -> Result<RawTable, Error> {
    let step = 8 << 20;
    let first = read_table_first_part(
        file,
        &mut SliceChunks::new(bytes, step),
        opts,
        &NativeCodecs,
        split,
    );
    let rest = bytes.get(split.start as usize..).unwrap_or_default();
    let second = read_table_second_part(
        file,
        &mut SliceChunks::new(rest, step),
        split,
        &NativeCodecs,
    );
    join_parts(first, second)
}

/// Records (with the 1-based line or sheet row where each starts) into a table: find the
/// header among the first rows, then collect the data rows into text columns.
pub(crate) fn collect_records(
    file: &str,
    source: &mut dyn Source,
    header: HeaderChoice,
    layout: Layout,
) -> Result<RawTable, Error> {
    let mut rows = Collect::new(header, layout);
    rows.step(file, source)?;
    rows.finish(file, source.halted())
}

/// [`collect_records`] as a read that stops where its source waits for a slice
/// ([`Error::Waiting`]) and goes on from there at the next step.
pub(crate) struct Collect {
    header: HeaderChoice,
    layout: Layout,
    /// The first non-blank rows (and the blank ones between them), to find the header.
    top: Vec<(csv::StringRecord, u64)>,
    blanks_in_top: Vec<(usize, csv::StringRecord, u64)>,
    /// The data rows, once the header is found.
    rows: Option<Collector>,
}

impl Collect {
    fn new(header: HeaderChoice, layout: Layout) -> Self {
        Collect {
            header,
            layout,
            top: Vec::new(),
            blanks_in_top: Vec::new(),
            rows: None,
        }
    }

    /// Read on to the end of `source`.
    fn step(&mut self, file: &str, source: &mut dyn Source) -> Result<(), Error> {
        if self.rows.is_none() {
            self.rows = Some(self.find_header(file, source)?);
        }
        match self.rows.as_mut() {
            Some(rows) => source.drain(rows),
            None => Ok(()),
        }
    }

    /// Find the header among the first rows: the data rows read so far, in columns.
    fn find_header(&mut self, file: &str, source: &mut dyn Source) -> Result<Collector, Error> {
        let is_blank = |r: &csv::StringRecord| r.iter().all(|c| c.trim().is_empty());
        let mut record = csv::StringRecord::new();
        // A source that waits keeps the rows before: at the end of the file, it says so again.
        while self.top.len() < HEADER_SEARCH_ROWS {
            match source.next(&mut record)? {
                None => break,
                Some(line) if is_blank(&record) => {
                    if !self.top.is_empty() {
                        self.blanks_in_top
                            .push((self.top.len(), record.clone(), line));
                    }
                }
                Some(line) => self.top.push((record.clone(), line)),
            }
        }
        let (top, blanks_in_top) = (
            std::mem::take(&mut self.top),
            std::mem::take(&mut self.blanks_in_top),
        );
        if top.is_empty() {
            return Err(Error::Empty { file: file.into() });
        }
        let (at, generated_headers) = match self.header {
            HeaderChoice::Detect => {
                let at = header_index(&top);
                (at, at == 0 && is_data_row(&top[0].0))
            }
            HeaderChoice::Line(n) => (top.iter().position(|(_, l)| *l >= n).unwrap_or(0), false),
            HeaderChoice::None => (0, true),
        };
        let (headers, header_line, first_data) = if generated_headers {
            let width = top.iter().map(|(r, _)| r.len()).max().unwrap_or(0);
            let names = (1..=width).map(|i| format!("Column {i}")).collect();
            (names, top[0].1, 0)
        } else {
            // A column without a header (a cell beyond the headers) is named by its position.
            let names: Vec<String> = top[at]
                .0
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    match h.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}') {
                        "" => format!("Column {}", i + 1),
                        name => name.to_string(),
                    }
                })
                .collect();
            (names, top[at].1, at + 1)
        };
        self.layout.header_line = header_line;
        self.layout.rows_above_header = if generated_headers { 0 } else { at };
        self.layout.generated_headers = generated_headers;
        let mut rows = Collector {
            grow: generated_headers,
            width: headers.len(),
            columns: vec![TextColumn::default(); headers.len()],
            headers,
            lines: Vec::new(),
            row_issues: Vec::new(),
            blank_rows: 0,
        };
        // Blank rows after the header are counted; those above it belong to the preamble. A
        // blank recorded with `k` sat just before `top[k]`.
        let mut blanks = blanks_in_top
            .iter()
            .filter(|(k, _, _)| *k >= first_data)
            .peekable();
        for (i, (r, line)) in top.iter().enumerate().skip(first_data) {
            while let Some((_, b, bline)) = blanks.next_if(|(k, _, _)| *k <= i) {
                rows.push(b, *bline);
            }
            rows.push(r, *line);
        }
        for (_, b, bline) in blanks {
            rows.push(b, *bline);
        }
        Ok(rows)
    }

    /// The table read. `halted`: the source stopped where a second part starts, and the
    /// columns keep their room for its rows.
    fn finish(self, file: &str, halted: bool) -> Result<RawTable, Error> {
        let Some(rows) = self.rows.filter(|r| !r.lines.is_empty()) else {
            return Err(Error::NoRows { file: file.into() });
        };
        Ok(rows.into_table(file, self.layout, !halted))
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod common_dialect {
    use super::*;
    use proptest::prelude::*;

    /// Slices of which every other one has not come when first asked for.
    struct Late<'a> {
        chunks: SliceChunks<'a>,
        late: bool,
    }

    impl Chunks for Late<'_> {
        fn size(&self) -> u64 {
            self.chunks.size()
        }

        fn read_into(&mut self, buf: &mut Vec<u8>) -> Result<bool, Error> {
            self.late = !self.late;
            if !self.late {
                return Err(Error::Waiting);
            }
            self.chunks.read_into(buf)
        }
    }

    /// A [`StreamedRead`] stepped until it is read.
    fn stepped(chunks: Late, opts: &ReadOptions, head: usize) -> Result<RawTable, Error> {
        let mut read = StreamedRead::with("t", Box::new(chunks), opts, &NativeCodecs, head, None);
        let mut waits = 0;
        loop {
            if let Some((table, _)) = read.step()? {
                // The first slice was late.
                assert!(waits > 0);
                return Ok(table);
            }
            waits += 1;
        }
    }

    /// Records and their lines as the `csv` crate reads them.
    fn by_csv_crate(text: &str, d: &Dialect) -> Vec<(Vec<String>, u64)> {
        let mut reader = general_reader(text, b',', d);
        let mut lines = LineCounter::default();
        let mut out = Vec::new();
        let mut r = csv::StringRecord::new();
        while reader.read_record(&mut r).unwrap_or(false) {
            let at = r.position().map_or(0, |p| p.byte()) as usize;
            out.push((
                r.iter().map(String::from).collect(),
                lines.line_of(text.as_bytes(), at),
            ));
        }
        out
    }

    fn by_records(text: &str, d: &Dialect) -> Vec<(Vec<String>, u64)> {
        let quote = (!d.no_quoting).then_some(d.quote);
        let mut records = Records::new(Cow::Borrowed(text), b',', quote);
        let mut out = Vec::new();
        let mut r = csv::StringRecord::new();
        while let Some((line, _)) = records.next(&mut r) {
            out.push((r.iter().map(String::from).collect(), line));
        }
        out
    }

    fn layout() -> Layout {
        Layout {
            format: "csv".into(),
            sheet: None,
            sheets: Vec::new(),
            encoding: "UTF-8".into(),
            encoding_source: EncodingSource::Valid,
            malformed: false,
            delimiter: ',',
            header_line: 0,
            rows_above_header: 0,
            generated_headers: false,
        }
    }

    /// A table as the cells-straight-to-columns path reads it, and as records do.
    fn both_ways(text: &str, header: HeaderChoice) -> (String, String) {
        let show = |t: Result<RawTable, Error>| match t {
            Ok(t) => format!(
                "{:?} {:?} {:?} {:?} {} {:?}",
                t.headers,
                t.columns
                    .iter()
                    .map(|c| c.iter().collect::<Vec<_>>())
                    .collect::<Vec<_>>(),
                t.lines,
                t.row_issues,
                t.blank_rows,
                (
                    t.layout.header_line,
                    t.layout.rows_above_header,
                    t.layout.generated_headers
                )
            ),
            Err(e) => e.to_string(),
        };
        let mut fast = Delimited::whole(Cow::Borrowed(text), b',', Some(b'"'), &NativeCodecs);
        let direct = show(collect_records("t", &mut fast, header, layout()));
        let mut records = Records::new(Cow::Borrowed(text), b',', Some(b'"'));
        let mut next = |r: &mut csv::StringRecord| -> Result<Option<u64>, Error> {
            Ok(records.next(r).map(|(line, _)| line))
        };
        (
            direct,
            show(collect_records("t", &mut next, header, layout())),
        )
    }

    proptest! {
        #[test]
        fn cells_go_to_columns_as_records_do(
            rows in proptest::collection::vec(
                proptest::collection::vec(prop_oneof![
                    Just(""), Just(" "), Just("a"), Just(" b "), Just("\"q,\"\"x\"\""), Just("\"\"")
                ], 0..5),
                0..12),
            header in prop_oneof![Just(HeaderChoice::Detect), Just(HeaderChoice::None), Just(HeaderChoice::Line(2))],
        ) {
            let text: String = rows.iter().map(|r| r.join(",") + "\n").collect();
            let (direct, by_records) = both_ways(&text, header);
            prop_assert_eq!(direct, by_records, "{:?}", text);
        }

        #[test]
        fn records_are_read_as_the_csv_crate_reads_them(
            parts in proptest::collection::vec(prop_oneof![
                Just("a"), Just("é"), Just(","), Just("\""), Just("\n"), Just("\r"),
                Just("\r\n"), Just(" "), Just("\"\""), Just("x,y"), Just("中")
            ], 0..40),
            bom: bool,
            no_quoting: bool,
        ) {
            let plain = parts.concat();
            let text = format!("{}{plain}", if bom { "\u{feff}" } else { "" });
            let d = Dialect { no_quoting, ..Dialect::default() };
            // The crate's byte positions skip a byte-order mark, so its lines are taken
            // from the same text without one.
            let want = by_csv_crate(&plain, &d);
            prop_assert_eq!(by_records(&text, &d), want.clone(), "{:?}", text);
            let fields = |v: Vec<(Vec<String>, u64)>| v.into_iter().map(|(f, _)| f).collect::<Vec<_>>();
            prop_assert_eq!(fields(by_csv_crate(&text, &d)), fields(want));
        }

        /// A file read in slices of any size gives the table the whole file gives: the same
        /// cells, lines, issues and layout, whatever the line ends, quoted line breaks, quotes
        /// left open, blank lines, byte-order mark or encoding.
        #[test]
        fn a_file_read_in_slices_is_read_as_a_whole(
            parts in proptest::collection::vec(prop_oneof![
                Just("a"), Just("é"), Just(","), Just(";"), Just("\""), Just("\n"), Just("\r"),
                Just("\r\n"), Just(" "), Just("\"\""), Just("x,y"), Just("中文"), Just("\n\n"),
                Just("\"a\nb\""), Just("1.5"), Just("2024-01-02"), Just("丂乗😀")
            ], 1..60),
            step in 1usize..24,
            head in 1usize..40,
            bom: bool,
            gbk: bool,
            sniff: bool,
            waits: bool,
        ) {
            // The rows past the first few, where the header is looked for, are read the
            // fast way: both ways are covered.
            let filler = if sniff { "" } else { "r,1,x\n" };
            let plain = format!("Name,Amount,Note\n{}{}", filler.repeat(HEADER_SEARCH_ROWS), parts.concat());
            // A small head sees too little to sniff the delimiter as the whole file does.
            let dialect = Dialect { delimiter: (!sniff).then_some(b','), ..Dialect::default() };
            let head = if sniff { HEAD_BYTES } else { head * 4 };
            let (bytes, opts) = if gbk {
                // GB18030, which the GBK decoder reads: an emoji's four bytes hold digits.
                let (b, _, _) = encoding_rs::GB18030.encode(&plain);
                let opts = ReadOptions { encoding: Some("gbk".into()), dialect, ..ReadOptions::default() };
                (b.into_owned(), opts)
            } else {
                let mut b = if bom { vec![0xEF, 0xBB, 0xBF] } else { Vec::new() };
                b.extend_from_slice(plain.as_bytes());
                (b, ReadOptions { dialect, ..ReadOptions::default() })
            };
            let show = |t: Result<RawTable, Error>| match t {
                Ok(t) => format!(
                    "{:?} {:?} {:?} {:?} {} {:?}",
                    t.headers,
                    t.columns.iter().map(|c| c.iter().collect::<Vec<_>>()).collect::<Vec<_>>(),
                    t.lines,
                    t.row_issues,
                    t.blank_rows,
                    t.layout
                ),
                Err(e) => e.to_string(),
            };
            let whole = show(read_table_decoding("t", &bytes, &opts, &NativeCodecs));
            let mut chunks = SliceChunks::new(&bytes, step);
            let sliced = if waits {
                // Every other slice comes a step later: the read stops and goes on.
                show(stepped(Late { chunks, late: true }, &opts, head))
            } else {
                show(read_streamed("t", &mut chunks, &opts, &NativeCodecs, head))
            };
            prop_assert_eq!(sliced, whole, "{:?}", plain);
        }

        /// A file read in two parts, split after any line end, gives the table the whole file
        /// gives: when the split falls inside a quoted field, the first part reads on.
        #[test]
        fn a_file_read_in_two_parts_is_read_as_a_whole(
            parts in proptest::collection::vec(prop_oneof![
                Just("a"), Just("é"), Just(","), Just("\""), Just("\n"), Just("\r"),
                Just("\r\n"), Just(" "), Just("\"\""), Just("won"), Just("lost"), Just("中文"),
                Just("\n\n"), Just("\"a\nb\""), Just(",\n"), Just("\u{feff}")
            ], 1..80),
            at in 0.0f64..1.0,
            bom: bool,
            crlf: bool,
        ) {
            let end = if crlf { "\r\n" } else { "\n" };
            let plain = format!("Name,Stage,Note{end}{}{}", format!("r,won,x{end}").repeat(HEADER_SEARCH_ROWS), parts.concat());
            let mut bytes = if bom { vec![0xEF, 0xBB, 0xBF] } else { Vec::new() };
            bytes.extend_from_slice(plain.as_bytes());
            let opts = ReadOptions::default();
            let show = |t: Result<RawTable, Error>| match t {
                Ok(t) => format!(
                    "{:?} {:?} {:?} {:?} {:?} {} {:?}",
                    t.headers,
                    t.columns.iter().map(|c| c.iter().collect::<Vec<_>>()).collect::<Vec<_>>(),
                    t.columns.iter().map(|c| c.codes().is_some()).collect::<Vec<_>>(),
                    t.lines,
                    t.row_issues,
                    t.blank_rows,
                    t.layout
                ),
                Err(e) => e.to_string(),
            };
            let at = (bytes.len() as f64 * at) as usize;
            let Some(start) = line_start_after(&bytes[at..], at as u64) else {
                return Ok(());
            };
            let split = split_at(&bytes, start, &opts, &NativeCodecs);
            prop_assert!(split.is_some());
            let split = split.unwrap_or_else(|| unreachable!());
            prop_assert_eq!((split.delimiter, split.quote, split.width), (b',', Some(b'"'), 3));
            let whole = show(read_table_decoding("t", &bytes, &opts, &NativeCodecs));
            let two = show(read_table_in_parts("t", &bytes, &opts, &split));
            prop_assert_eq!(two, whole, "{:?} at {}", plain, start);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crm_kpi_scan::CODED_DISTINCT;

    /// A file long enough for every run of rows the reader makes (up to the 20,000th record,
    /// where the columns are sized, and to each 50,000th, where progress is told), with odd
    /// records (blank, short, long) on both sides of those records: every row is kept with
    /// its line, each odd one is counted where it is, and progress comes every 50,000
    /// records, whole or in slices of any size.
    #[test]
    fn rows_around_the_reader_s_stops_are_read_with_their_lines() {
        struct Told(std::cell::RefCell<Vec<u64>>);
        impl Codecs for Told {
            fn guess(&self, sample: &[u8], whole: bool) -> &'static encoding_rs::Encoding {
                NativeCodecs.guess(sample, whole)
            }
            fn spreadsheet(&self, f: &str, b: &[u8], o: &ReadOptions) -> Result<RawTable, Error> {
                NativeCodecs.spreadsheet(f, b, o)
            }
            fn decode<'a>(
                &self,
                e: &'static encoding_rs::Encoding,
                b: &'a [u8],
            ) -> (Cow<'a, str>, bool) {
                NativeCodecs.decode(e, b)
            }
            fn progress(&self, rows: u64, _bytes: u64, _total: u64) {
                self.0.borrow_mut().push(rows);
            }
            fn other_dialect(
                &self,
                f: &str,
                t: &str,
                l: Layout,
                o: &ReadOptions,
            ) -> Result<RawTable, Error> {
                NativeCodecs.other_dialect(f, t, l, o)
            }
        }
        let odd = [
            19_999, 20_000, 20_001, 49_999, 50_000, 50_001, 100_000, 100_001,
        ];
        let mut text = String::from("Name,Stage,Amount\n");
        let (mut lines, mut short, mut long, mut blank) = (Vec::new(), Vec::new(), Vec::new(), 0);
        for record in 1..=120_000u64 {
            // Record k is on line k + 1, the header on line 1.
            let line = record + 1;
            match odd.iter().position(|&o| o == record).map(|k| k % 3) {
                Some(0) => {
                    text.push_str(" , ,\n");
                    blank += 1;
                    continue;
                }
                Some(1) => {
                    text.push_str(&format!("n{record},won\n"));
                    short.push(line);
                }
                Some(_) => {
                    text.push_str(&format!("n{record},won,{record},x\n"));
                    long.push(line);
                }
                None => text.push_str(&format!("n{record},lost,{record}\n")),
            }
            lines.push(line);
        }
        let check = |t: RawTable, told: Vec<u64>, how: &str| {
            assert!(
                t.lines
                    .iter()
                    .map(|l| u64::from(*l))
                    .eq(lines.iter().copied()),
                "{how}"
            );
            assert_eq!(t.blank_rows, blank, "{how}");
            let issue_lines = |kind| {
                let of_kind = t.row_issues.iter().filter(|i| i.kind == kind);
                of_kind.map(|i| i.line).collect::<Vec<_>>()
            };
            assert_eq!(issue_lines(RawIssueKind::ShortRow), short, "{how}");
            assert_eq!(issue_lines(RawIssueKind::LongRow), long, "{how}");
            let amounts = &t.columns[2];
            assert_eq!(amounts.len(), lines.len(), "{how}");
            for (row, line) in lines.iter().enumerate() {
                let want = if short.contains(line) {
                    String::new()
                } else {
                    (line - 1).to_string()
                };
                assert_eq!(amounts.get(row), want, "{how}: row {row}");
            }
            assert_eq!(told, [50_000, 100_000], "{how}");
        };
        let told = Told(Default::default());
        let opts = ReadOptions::default();
        let whole = read_table_decoding("t", text.as_bytes(), &opts, &told).unwrap();
        check(whole, told.0.take(), "whole");
        for step in [4096, 65_536, 1 << 20] {
            let mut chunks = SliceChunks::new(text.as_bytes(), step);
            let sliced = read_streamed("t", &mut chunks, &opts, &told, 4096).unwrap();
            check(sliced, told.0.take(), &format!("slices of {step}"));
        }
    }

    /// Malformed bytes in a UTF-8 file read in slices of any size read as they do in the
    /// whole file (each a replacement character, the layout saying so), wherever they fall:
    /// in a slice's first line, in the lines after it, in its unfinished last line.
    #[test]
    fn malformed_utf8_reads_the_same_in_slices_as_whole() {
        let opts = ReadOptions {
            encoding: Some("utf-8".into()),
            ..ReadOptions::default()
        };
        let show = |t: Result<RawTable, Error>| {
            let t = t.unwrap();
            let cells: Vec<Vec<&str>> = t.columns.iter().map(|c| c.iter().collect()).collect();
            format!("{cells:?} {:?} {:?}", t.lines, t.layout)
        };
        // One malformed line, early, in the middle or late.
        for bad in [3, 30, 57] {
            let mut bytes = b"Name,Stage,Note\n".to_vec();
            for i in 0..60 {
                bytes.extend_from_slice(format!("n{i},won,").as_bytes());
                if i == bad {
                    bytes.extend_from_slice(&[0xFF, b'x', 0xC3]);
                }
                bytes.extend_from_slice("é中\n".as_bytes());
            }
            let whole = show(read_table_decoding("t", &bytes, &opts, &NativeCodecs));
            assert!(whole.contains("\u{fffd}x\u{fffd}é中"), "{whole}");
            for step in [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144] {
                let mut chunks = SliceChunks::new(&bytes, step);
                let sliced = show(read_streamed("t", &mut chunks, &opts, &NativeCodecs, 16));
                assert_eq!(sliced, whole, "line {bad}, slices of {step}");
            }
        }
    }

    /// Every text file of the shared data (real exports and the conformance suites' files)
    /// reads the same in 4 KB slices as whole, past a head just big enough for the sniffer.
    #[test]
    fn shared_files_read_in_slices_as_a_whole() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
        let mut dirs = vec![root];
        let mut read = 0;
        while let Some(dir) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in entries.flatten() {
                let path = e.path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let ext = path.extension().and_then(|x| x.to_str()).unwrap_or("");
                if !["csv", "tsv", "txt"].contains(&ext) {
                    continue;
                }
                let bytes = std::fs::read(&path).unwrap();
                let opts = ReadOptions::default();
                let whole = read_table_decoding("f", &bytes, &opts, &NativeCodecs);
                let mut chunks = SliceChunks::new(&bytes, 4096);
                let sliced = read_streamed("f", &mut chunks, &opts, &NativeCodecs, 64 * 1024 + 8);
                let show = |t: &Result<RawTable, Error>| match t {
                    Ok(t) => format!(
                        "{:?} {:?} {:?} {}",
                        t.headers, t.lines, t.layout, t.blank_rows
                    ),
                    Err(e) => e.to_string(),
                };
                assert_eq!(show(&sliced), show(&whole), "{}", path.display());
                if let (Ok(a), Ok(b)) = (&sliced, &whole) {
                    for (x, y) in a.columns.iter().zip(&b.columns) {
                        assert!(x.iter().eq(y.iter()), "{}", path.display());
                    }
                    read += usize::from(bytes.len() > 64 * 1024 + 8);
                }
            }
        }
        // The real exports are there (CI has ../shared too) and were read in slices.
        assert!(read >= 5, "{read} files over the head");
    }

    #[test]
    fn columns_of_few_values_are_coded_and_read_the_same() {
        let mut col = TextColumn::default();
        for c in ["won", " lost ", "", "won", "open"] {
            col.push(c);
        }
        col.pop();
        assert_eq!(col.codes(), Some(&[0, 1, 2, 0][..]));
        assert_eq!(col.iter().collect::<Vec<_>>(), ["won", "lost", "", "won"]);
        assert_eq!((col.len(), col.filled(), col.distinct_len()), (4, 3, 4));
        // One distinct cell too many: the column turns plain, its cells as they were.
        let mut many = TextColumn::default();
        let cells: Vec<String> = (0..=CODED_DISTINCT)
            .map(|i| format!("deal {}", i % 1500))
            .collect();
        for (i, c) in cells.iter().enumerate() {
            many.push(c);
            assert_eq!(many.codes().is_some(), i < CODED_DISTINCT, "{i}");
        }
        many.push("deal 0");
        assert!(many
            .iter()
            .eq(cells.iter().map(String::as_str).chain(["deal 0"])));
        many.pop();
        assert_eq!(many.len(), cells.len());
    }

    proptest::proptest! {
        /// Cells of a few bytes from a small alphabet: many repeats, cells that share
        /// hashes' slots, and sometimes more distinct cells than a coded column holds.
        #[test]
        fn a_column_gives_back_its_cells_trimmed(
            cells in proptest::collection::vec("[ab ]{0,9}|x[0-9]{1,4}", 0..3000),
            finish_at in 0usize..3000,
        ) {
            let mut col = TextColumn::default();
            for (i, c) in cells.iter().enumerate() {
                if i == finish_at {
                    // Finished, then filled again: the distinct cells keep their numbers.
                    col.finish();
                }
                col.push(c);
            }
            let trimmed: Vec<&str> = cells.iter().map(|c| c.trim_matches(' ')).collect();
            proptest::prop_assert!(col.iter().eq(trimmed.iter().copied()));
            let distinct: std::collections::HashSet<&str> = trimmed.iter().copied().collect();
            proptest::prop_assert_eq!(col.codes().is_some(), distinct.len() <= CODED_DISTINCT);
            if col.codes().is_some() {
                proptest::prop_assert_eq!(col.distinct_len(), distinct.len());
            }
        }
    }

    proptest::proptest! {
        /// A column filled in two parts and joined holds the cells of one filled whole, coded
        /// exactly when that one is.
        #[test]
        fn columns_filled_in_two_parts_join_as_one(
            cells in proptest::collection::vec("[ab]{0,2}|x[0-9]{1,4}", 0..2500),
            cut in 0usize..2500,
        ) {
            let cut = cut.min(cells.len());
            let fill = |cells: &[String]| {
                let mut col = TextColumn::default();
                for c in cells {
                    col.push(c);
                }
                col.finish();
                col
            };
            let whole = fill(&cells);
            let mut joined = fill(&cells[..cut]);
            joined.append(&fill(&cells[cut..]));
            joined.finish();
            proptest::prop_assert!(joined.iter().eq(whole.iter()));
            proptest::prop_assert_eq!(joined.codes().is_some(), whole.codes().is_some());
            if let (Some(a), Some(b)) = (joined.codes(), whole.codes()) {
                // Numbered in the order the cells first come, as one column numbers them.
                proptest::prop_assert_eq!(a, b);
            }
        }
    }

    /// A split after a record's line end is taken: the first part stops there and the second
    /// part's rows follow with their own lines, issues and blank rows.
    #[test]
    fn a_split_at_a_record_start_is_taken_and_one_in_quotes_is_not() {
        // The rows where the header is looked for are read before any split is.
        let top = "F,won,0\n".repeat(HEADER_SEARCH_ROWS);
        let text = format!(
            "Deal,Stage,Amount\n{top}A,won,1\n\"B\nb\",lost,2\nC,won\n,,\nD,open,4,x\nE,won,5\n"
        );
        let bytes = text.as_bytes();
        let n = HEADER_SEARCH_ROWS as u64;
        let after_top = |v: &[u32]| {
            v.iter()
                .map(|l| l + HEADER_SEARCH_ROWS as u32)
                .collect::<Vec<_>>()
        };
        let opts = ReadOptions::default();
        let at_c = text.find("C,").unwrap() as u64;
        let split = split_at(bytes, at_c, &opts, &NativeCodecs).unwrap();
        assert_eq!(split.width, 3);
        let step = 5;
        let first_part = |split: &Split| {
            let mut chunks = SliceChunks::new(bytes, step);
            read_table_first_part("t", &mut chunks, &opts, &NativeCodecs, split).unwrap()
        };
        let (first, line) = first_part(&split);
        assert_eq!(line, Some(5 + n));
        assert_eq!(first.lines[first.rows() - 2..], after_top(&[2, 3]));
        let second = read_table_second_part(
            "t",
            &mut SliceChunks::new(&bytes[at_c as usize..], step),
            &split,
            &NativeCodecs,
        )
        .unwrap();
        assert_eq!(*second.lines, [1, 3, 4]);
        assert_eq!(second.blank_rows, 1);
        let joined = join_parts(Ok((first, line)), Ok(second)).unwrap();
        assert_eq!(
            joined.lines[HEADER_SEARCH_ROWS..],
            after_top(&[2, 3, 5, 7, 8])
        );
        assert_eq!(joined.blank_rows, 1);
        let issues: Vec<(u64, RawIssueKind)> =
            joined.row_issues.iter().map(|i| (i.line, i.kind)).collect();
        assert_eq!(
            issues,
            [
                (5 + n, RawIssueKind::ShortRow),
                (7 + n, RawIssueKind::LongRow)
            ]
        );
        let stages: Vec<&str> = joined.columns[1].iter().skip(HEADER_SEARCH_ROWS).collect();
        assert_eq!(stages, ["won", "lost", "won", "open", "won"]);
        let codes = joined.columns[1].codes().unwrap();
        // Numbered as one read numbers them: the blank row's empty cell took number 2.
        assert_eq!(codes[HEADER_SEARCH_ROWS..], [0, 1, 0, 3, 0]);
        let amounts: Vec<&str> = joined.columns[2].iter().skip(HEADER_SEARCH_ROWS).collect();
        assert_eq!(amounts, ["1", "2", "", "4", "5"]);
        // After the line end inside B's quotes: the second part would start mid-record, so the
        // first part reads the whole file and the second is not used.
        let in_quotes = text.find("b\"").unwrap() as u64;
        let (whole, line) = first_part(&split_at(bytes, in_quotes, &opts, &NativeCodecs).unwrap());
        assert_eq!(line, None);
        assert_eq!(
            whole.lines[HEADER_SEARCH_ROWS..],
            after_top(&[2, 3, 5, 7, 8])
        );
        let broken = Err(Error::Empty { file: "t".into() });
        assert_eq!(
            join_parts(Ok((whole, line)), broken).unwrap().rows(),
            HEADER_SEARCH_ROWS + 5
        );
        // Not split: a file without a header row, another dialect, or a legacy encoding.
        assert!(split_at(b"1,2\n3,4\n", 4, &opts, &NativeCodecs).is_none());
        let other = ReadOptions {
            dialect: Dialect {
                escape: Some(b'\\'),
                ..Dialect::default()
            },
            ..ReadOptions::default()
        };
        assert!(split_at(bytes, at_c, &other, &NativeCodecs).is_none());
        let gbk = encoding_rs::GBK
            .encode("名称,阶段\n甲,赢单\n")
            .0
            .into_owned();
        assert!(split_at(&gbk, 10, &opts, &NativeCodecs).is_none());
        assert!(plan_split(bytes, SPLIT_BYTES - 1, at_c, &opts, &NativeCodecs).is_none());
        assert_eq!(
            plan_split(bytes, SPLIT_BYTES, at_c, &opts, &NativeCodecs),
            Some(split_at(bytes, at_c, &opts, &NativeCodecs).unwrap())
        );
        assert_eq!(line_start_after(b"ab\ncd", 100), Some(103));
        assert_eq!(line_start_after(b"abcd", 100), None);
    }

    #[test]
    fn a_coded_column_sent_between_workers_is_filled_on_with_its_numbers() {
        let mut col = TextColumn::default();
        for c in ["won", "lost", "won"] {
            col.push(c);
        }
        col.finish();
        let mut copy: TextColumn =
            serde_json::from_str(&serde_json::to_string(&col).unwrap()).unwrap();
        for c in ["lost", "open", "won"] {
            copy.push(c);
        }
        assert_eq!(copy.codes(), Some(&[0, 1, 0, 1, 2, 0][..]));
        assert_eq!(copy.distinct_len(), 3);
    }

    #[test]
    fn files_over_the_limit_are_refused_before_reading() {
        assert!(too_large("a.csv", MAX_FILE_BYTES).is_none());
        let e = too_large("export.csv", 1_073_741_824).map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("“export.csv” is 1073 MB; this calculator reads files of up to 500 MB (about 3 million rows) in the browser. Export a shorter date range or only the columns you need, and load that file.")
        );
    }

    #[test]
    fn delimiters_are_sniffed() {
        let cases: &[(&[u8], char)] = &[
            (b"a,b,c\n1,2,3\n", ','),
            (b"a;b;c\n1;2,5;3\n", ';'),
            (b"a\tb\tc\n1\t2,000\t3\n", '\t'),
            (b"a|b\n1|2\n", '|'),
            (b"\"x,y\";b\n\"1,2\";3\n", ';'),
            (b"name,amount\n\"Acme; Inc\",5\n", ','),
        ];
        for (bytes, want) in cases {
            let t = read_table("t", bytes).unwrap();
            assert_eq!(
                t.layout.delimiter,
                *want,
                "case {:?}",
                String::from_utf8_lossy(bytes)
            );
        }
    }

    #[test]
    fn a_first_line_sep_names_the_delimiter() {
        // Excel's hint: commas in the amounts would win the sniffing, the line says ';'.
        let bytes = "sep=;\r\nDeal;Amount;Owner\r\nA;\"1,234.50\";Ann\r\nB;\"2,000\";Bob\r\n";
        let whole = read_table("t", bytes.as_bytes()).unwrap();
        let mut chunks = SliceChunks::new(bytes.as_bytes(), 7);
        let sliced =
            read_table_streamed("t", &mut chunks, &ReadOptions::default(), &NativeCodecs).unwrap();
        for t in [whole, sliced] {
            assert_eq!(t.layout.delimiter, ';');
            assert_eq!(t.headers, ["Deal", "Amount", "Owner"]);
            assert_eq!((t.layout.header_line, t.lines.to_vec()), (2, vec![3, 4]));
            assert_eq!(t.columns[1].get(0), "1,234.50");
        }
        // Upper case, after a byte-order mark, a tab.
        let t = read_table("t", "\u{feff}SEP=\t\na\tb\n1\t2\n".as_bytes()).unwrap();
        assert_eq!((t.layout.delimiter, t.rows()), ('\t', 1));
        // Not the hint: more after the character, or a header that begins so.
        assert_eq!(
            read_table("t", b"sep=;x,b\n1,2\n")
                .unwrap()
                .layout
                .delimiter,
            ','
        );
    }

    #[test]
    fn bom_quotes_newlines_and_line_ends() {
        let t = read_table("t", b"\xEF\xBB\xBFName,Note\r\n\"Acme, Inc.\",\"two\nlines\"\r\nGlobex,\"say \"\"hi\"\"\"\r\n").unwrap();
        assert_eq!(
            (t.layout.encoding.as_str(), t.layout.encoding_source),
            ("UTF-8", EncodingSource::Bom)
        );
        assert_eq!(t.headers, ["Name", "Note"]);
        assert_eq!(t.columns[0].get(0), "Acme, Inc.");
        assert_eq!(t.columns[1].get(0), "two\nlines");
        assert_eq!(t.columns[1].get(1), "say \"hi\"");
        assert_eq!(*t.lines, [2, 4]);
        let cr = read_table("t", b"a,b\r1,2\r3,4\r").unwrap();
        assert_eq!(cr.rows(), 2);
        assert_eq!(*cr.lines, [2, 3]);
        let lf = read_table("t", b"a,b\n1,2\n\n3,\"x\ny\"\n5,6\n").unwrap();
        assert_eq!(
            (lf.layout.header_line, lf.lines.to_vec()),
            (1, vec![2, 4, 6])
        );
        assert_eq!(cr.columns[1].get(1), "4");
    }

    #[test]
    fn ragged_and_blank_rows_are_counted() {
        let t = read_table("t", b"a,b,c\n1,2\n\n4,5,6,7\n,,\n8,9,10\n").unwrap();
        assert_eq!(t.rows(), 3);
        // Empty lines are no records at all; a row of bare delimiters is a blank row.
        assert_eq!(t.blank_rows, 1);
        assert_eq!(
            t.row_issues,
            [
                RawRowIssue {
                    line: 2,
                    kind: RawIssueKind::ShortRow,
                    fields: 2
                },
                RawRowIssue {
                    line: 4,
                    kind: RawIssueKind::LongRow,
                    fields: 4
                }
            ]
        );
        assert_eq!(t.columns[2].get(0), "");
    }

    #[test]
    fn unreadable_files_say_why() {
        assert!(matches!(read_table("t", b""), Err(Error::Empty { .. })));
        assert!(matches!(
            read_table("t", b"  \n\n"),
            Err(Error::Empty { .. })
        ));
        assert!(matches!(
            read_table("t", b"a,b\n"),
            Err(Error::NoRows { .. })
        ));
        assert!(matches!(
            read_table("t", b"PK\x03\x04\x14\0\x06\0[Content_Types].xml"),
            Err(Error::Workbook { .. })
        ));
        assert!(matches!(
            read_table("t", b"PK\x03\x04\x14\0\0\0deals.csv"),
            Err(Error::Compressed { .. })
        ));
        assert!(matches!(
            read_table("t", b"\xFF\xFE\0\0a\0\0\0"),
            Err(Error::UnsupportedEncoding { .. })
        ));
        assert!(matches!(
            read_table(
                "t",
                b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0\x01\0\0\0"
            ),
            Err(Error::Binary { .. })
        ));
        let unknown = ReadOptions {
            encoding: Some("klingon".into()),
            ..ReadOptions::default()
        };
        assert!(matches!(
            read_table_with("t", b"a\n1\n", &unknown),
            Err(Error::UnsupportedEncoding { .. })
        ));
    }

    fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend_from_slice(if big_endian {
                &[0xFE, 0xFF]
            } else {
                &[0xFF, 0xFE]
            });
        }
        for u in text.encode_utf16() {
            let b = if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            };
            out.extend_from_slice(&b);
        }
        out
    }

    /// The browser finds an encoding by its name, as labels find it natively: the page's
    /// choices and the names the detector gives, in any case.
    #[test]
    fn encodings_are_found_by_name_as_by_label() {
        let names = [
            "ISO-8859-2",
            "ISO-8859-5",
            "ISO-8859-7",
            "ISO-8859-8",
            "ISO-8859-13",
            "KOI8-U",
            "IBM866",
            "EUC-JP",
            "ISO-2022-JP",
            "windows-1250",
            "windows-1251",
            "windows-1255",
            "windows-1256",
            "windows-874",
            "x-mac-cyrillic",
            "macintosh",
            "x-user-defined",
        ];
        for name in ENCODING_CHOICES.iter().chain(&names) {
            let by_label = encoding_rs::Encoding::for_label(name.as_bytes());
            assert!(by_label.is_some_and(|e| e.name() == *name), "{name}");
            assert_eq!(encoding_named(name), by_label, "{name}");
            assert_eq!(encoding_named(&name.to_lowercase()), by_label, "{name}");
        }
        // A label that is no name is read natively only.
        assert_eq!(encoding_named("latin1"), None);
        assert_eq!(encoding_for(" latin1 "), Some(encoding_rs::WINDOWS_1252));
    }

    #[test]
    fn encodings_are_detected_and_named() {
        let text = "商机名称,商机金额,负责人\n华为云项目,12000,张伟\n阿里巴巴续约,8000,李娜\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let (big5, _, _) =
            encoding_rs::BIG5.encode("商機名稱,商機金額,負責人\n華為雲項目,12000,張偉\n");
        let (latin, _, _) = encoding_rs::WINDOWS_1252
            .encode("Name,City,Amount\nMüller GmbH,Köln,1200\nCafé Zoë,Montréal,300\n");
        let cases: Vec<(Vec<u8>, &str, EncodingSource, &str)> = vec![
            (
                text.as_bytes().to_vec(),
                "UTF-8",
                EncodingSource::Valid,
                "华为云项目",
            ),
            (gbk.to_vec(), "GBK", EncodingSource::Guessed, "华为云项目"),
            (big5.to_vec(), "Big5", EncodingSource::Guessed, "華為雲項目"),
            (
                latin.to_vec(),
                "windows-1252",
                EncodingSource::Guessed,
                "Müller GmbH",
            ),
            (
                utf16(text, false, true),
                "UTF-16LE",
                EncodingSource::Bom,
                "华为云项目",
            ),
            (
                utf16(text, true, true),
                "UTF-16BE",
                EncodingSource::Bom,
                "华为云项目",
            ),
            (
                utf16("Name,Amount\nAcme,5\n", false, false),
                "UTF-16LE",
                EncodingSource::Guessed,
                "Acme",
            ),
            (
                utf16("Name,Amount\nAcme,5\n", true, false),
                "UTF-16BE",
                EncodingSource::Guessed,
                "Acme",
            ),
        ];
        for (bytes, name, source, first) in cases {
            let t = read_table("t", &bytes).unwrap();
            assert_eq!(t.layout.encoding, name);
            assert_eq!(t.layout.encoding_source, source, "{name}");
            assert_eq!(t.columns[0].get(0), first, "{name}");
            assert!(!t.layout.malformed, "{name}");
        }
        // Only bytes without a BOM, not UTF-8 and not UTF-16 need the detector.
        assert!(needs_guess(&gbk) && needs_guess(&latin));
        assert!(!needs_guess(text.as_bytes()) && !needs_guess(&utf16(text, false, true)));
        assert!(!needs_guess(&utf16("Name,Amount\nAcme,5\n", true, false)));
        // A detected encoding passed in from elsewhere (the browser's detector worker).
        let detected = ReadOptions {
            encoding: Some("GBK".into()),
            detected: true,
            ..ReadOptions::default()
        };
        let t = read_table_with("t", &gbk, &detected).unwrap();
        assert_eq!(t.layout.encoding_source, EncodingSource::Guessed);
        // The user's choice replaces the guess, and is said to be a choice.
        let chosen = ReadOptions {
            encoding: Some("gb18030".into()),
            ..ReadOptions::default()
        };
        let t = read_table_with("t", &gbk, &chosen).unwrap();
        assert_eq!(
            (t.layout.encoding.as_str(), t.layout.encoding_source),
            ("gb18030", EncodingSource::Chosen)
        );
        assert_eq!(t.headers[1], "商机金额");
        // A wrong choice still reads, and says bytes were malformed.
        let utf8 = ReadOptions {
            encoding: Some("utf-8".into()),
            ..ReadOptions::default()
        };
        assert!(read_table_with("t", &gbk, &utf8).unwrap().layout.malformed);
    }

    #[test]
    fn documents_images_and_web_pages_are_named_not_read_as_text() {
        let format = |bytes: &[u8]| match read_table("t", bytes) {
            Err(Error::NotATable { format, .. }) => format,
            other => panic!("{other:?}"),
        };
        assert_eq!(format(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n"), "pdf");
        assert_eq!(format(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "png");
        assert_eq!(format(b"\xFF\xD8\xFF\xE0\0\x10JFIF"), "jpeg");
        assert_eq!(format(b"GIF89a\x01\0\x01\0"), "gif");
        assert_eq!(format(b"RIFF\x24\0\0\0WEBPVP8 "), "webp");
        // What some CRMs write under an .xls name: a web page, Excel 2003's XML.
        assert_eq!(
            format(
                b"\xEF\xBB\xBF \r\n<!DOCTYPE html>\n<html><table><tr><td>Deal</td></tr></table>"
            ),
            "html"
        );
        assert_eq!(
            format(b"<TABLE border=1><TR><TD>Deal</TD></TR></TABLE>"),
            "html"
        );
        assert_eq!(format(b"<?xml version=\"1.0\"?>\n<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">"), "xml");
        // Read in slices, as the page reads a file, the same.
        let pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n".repeat(100);
        let mut chunks = SliceChunks::new(&pdf, 512);
        let read =
            read_table_streamed("t.pdf", &mut chunks, &ReadOptions::default(), &NativeCodecs);
        assert!(
            matches!(read, Err(Error::NotATable { ref format, .. }) if format == "pdf"),
            "{read:?}"
        );
        // Both languages name the kind and say what to do.
        let e = Error::NotATable {
            file: "report.pdf".into(),
            format: "pdf".into(),
        };
        assert_eq!(e.message(crate::i18n::Lang::En), "“report.pdf” is a PDF document, not a CSV or spreadsheet file. Export the data from your CRM as CSV or Excel and load that file.");
        assert_eq!(e.message(crate::i18n::Lang::Zh), "“report.pdf”是 PDF 文档，不是 CSV 或电子表格文件。请从 CRM 导出 CSV 或 Excel 文件后再加载。");
    }

    #[test]
    fn compressed_data_without_a_known_start_is_binary_and_control_characters_in_text_are_not() {
        // Bytes spread as compressed data's are (a xorshift stream): one in eight a control.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let noise: Vec<u8> = (0..20_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8 | 1
            })
            .collect();
        assert!(
            !noise.contains(&0),
            "no NUL: found by its control characters alone"
        );
        assert!(matches!(read_table("t", &noise), Err(Error::Binary { .. })));
        // A FileMaker export's line breaks inside fields (vertical tab), form feeds, escapes
        // and a stray control character here and there are text.
        let mut csv = b"Name,Notes,Amount\n".to_vec();
        for i in 0..200 {
            csv.extend_from_slice(
                format!("Deal {i},first\x0Bsecond\x0Cthird\x1B,{i}\n").as_bytes(),
            );
        }
        csv.extend_from_slice(b"Deal x,odd \x01 byte,1\n");
        let t = read_table("t", &csv).unwrap();
        assert_eq!(t.rows(), 201);
        assert_eq!(t.columns[1].get(0), "first\x0Bsecond\x0Cthird\x1B");
    }

    #[test]
    fn a_stray_nul_is_text_not_binary() {
        let t = read_table("t", b"a,b,c\n\0,2,3\n").unwrap();
        assert_eq!(t.columns[0].get(0), "\0");
    }

    #[test]
    fn header_row_is_found_below_notes_and_titles() {
        // A WukongCRM import template: a merged note in row 1, the headers in row 2.
        let t = read_table(
            "t",
            "注意事项：1、带*号的为必填项,,,\n*商机名称,*商机金额,负责人,创建时间\nA,100,张伟,2024-01-02\n"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(t.headers[0], "*商机名称");
        assert_eq!((t.layout.header_line, t.layout.rows_above_header), (2, 1));
        assert_eq!(t.rows(), 1);
        // A report title and filter lines, with blank lines between.
        let t = read_table(
            "t",
            b"Opportunity Report\nFiltered by: Close Date = This Year\n\nName,Stage,Amount\nA,Won,1\n\nB,Lost,2\n",
        )
        .unwrap();
        assert_eq!((t.layout.header_line, t.layout.rows_above_header), (4, 2));
        assert_eq!((t.rows(), t.lines.to_vec()), (2, vec![5, 7]));
        // No header at all: the columns get names and the first row is data.
        let t = read_table("t", b"1,2,3\n4,5,6\n").unwrap();
        assert!(t.layout.generated_headers);
        assert_eq!(t.headers, ["Column 1", "Column 2", "Column 3"]);
        assert_eq!((t.rows(), t.columns[0].get(0)), (2, "1"));
        // A header with one filled cell and no data rows wider than it is still the header.
        let t = read_table("t", b"name\nAcme\nGlobex\n").unwrap();
        assert_eq!((t.headers.clone(), t.rows()), (vec!["name".to_string()], 2));
    }
}
