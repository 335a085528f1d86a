//! Bytes to a table of text columns: encoding, delimiter and header row, then records.
//!
//! The `csv` crate does the RFC 4180 work (quotes, doubled quotes, newlines inside quotes,
//! CRLF/LF/CR line ends). This module decides how to call it and stores each column's cells
//! in one string arena, so a million rows cost a handful of allocations, not ten million.

use crate::engine::error::Error;
use serde::{Deserialize, Serialize};

/// One column's cells, back to back in one string.
#[derive(Clone, Debug, Default)]
pub struct TextColumn {
    text: String,
    ends: Vec<u32>,
}

impl TextColumn {
    fn push(&mut self, cell: &str) {
        self.text
            .push_str(cell.trim_matches(|c: char| c == ' ' || c == '\t' || c == '\u{feff}'));
        // The arena of one column of one file stays below 4 GiB: files are far smaller.
        self.ends.push(self.text.len() as u32);
    }

    /// The cell of data row `i` (0-based), trimmed of surrounding spaces.
    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(move |i| self.get(i))
    }
}

/// What the reader found out about the file's layout, shown to the user.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Layout {
    pub encoding: String,
    /// The delimiter as a character (`,`, `;`, `\t`, `|`).
    pub delimiter: char,
    /// 1-based line of the header row.
    pub header_line: u64,
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

/// A file read into text columns.
#[derive(Clone, Debug)]
pub struct RawTable {
    pub file: String,
    pub layout: Layout,
    pub headers: Vec<String>,
    pub columns: Vec<TextColumn>,
    /// 1-based line where each data row starts.
    pub lines: Vec<u64>,
    pub row_issues: Vec<RawRowIssue>,
    /// Data rows whose cells were all empty: skipped, and counted.
    pub blank_rows: usize,
}

impl RawTable {
    pub fn rows(&self) -> usize {
        self.lines.len()
    }
}

/// Decode the bytes to text: UTF-8 with or without BOM.
fn decode<'a>(file: &str, bytes: &'a [u8]) -> Result<(&'a str, &'static str), Error> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Error::UnsupportedEncoding {
            file: file.into(),
            encoding: "UTF-16".into(),
        });
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(Error::Spreadsheet { file: file.into() });
    }
    let (body, encoding) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, "UTF-8 (BOM)"),
        None => (bytes, "UTF-8"),
    };
    if body.iter().take(4096).filter(|b| **b == 0).count() > 0 {
        return Err(Error::Binary { file: file.into() });
    }
    match std::str::from_utf8(body) {
        Ok(text) => Ok((text, encoding)),
        Err(e) => Err(Error::NotUtf8 {
            file: file.into(),
            offset: e.valid_up_to(),
        }),
    }
}

const DELIMITERS: [u8; 4] = [b',', b'\t', b';', b'|'];

/// Count each candidate delimiter per line (outside quotes) over the first lines, and pick
/// the one whose count is the same on most lines and above zero; ties go to the most fields.
fn sniff_delimiter(text: &str) -> u8 {
    let sample: &str = {
        let mut end = text.len().min(64 * 1024);
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

/// Read a delimited text file into text columns.
///
/// ```
/// use crm_kpi::engine::ingest::read_table;
/// let t = read_table("deals.csv", b"Deal Name;Amount\nAcme;1.200,50\n").unwrap();
/// assert_eq!(t.layout.delimiter, ';');
/// assert_eq!(t.columns[1].get(0), "1.200,50");
/// ```
pub fn read_table(file: &str, bytes: &[u8]) -> Result<RawTable, Error> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::Empty { file: file.into() });
    }
    // Column arenas index with u32; a larger file could not be sliced safely.
    if bytes.len() >= u32::MAX as usize {
        return Err(Error::TooLarge {
            file: file.into(),
            size_mb: (bytes.len() / 1_000_000) as u64,
        });
    }
    let (text, encoding) = decode(file, bytes)?;
    let delimiter = sniff_delimiter(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());

    let mut record = csv::StringRecord::new();
    let mut headers: Option<(Vec<String>, u64)> = None;
    let mut columns: Vec<TextColumn> = Vec::new();
    let mut lines = Vec::new();
    let mut row_issues = Vec::new();
    let mut blank_rows = 0usize;
    let mut lines_at = LineCounter::default();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                return Err(Error::Csv {
                    file: file.into(),
                    line,
                    message: e.to_string(),
                });
            }
        }
        let line = lines_at.line_of(
            text.as_bytes(),
            record.position().map_or(0, |p| p.byte() as usize),
        );
        let blank = record.iter().all(|c| c.trim().is_empty());
        let Some((header, _)) = &headers else {
            if !blank {
                let names = record
                    .iter()
                    .map(|h| {
                        h.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
                            .to_string()
                    })
                    .collect::<Vec<_>>();
                columns = vec![TextColumn::default(); names.len()];
                headers = Some((names, line));
            }
            continue;
        };
        if blank {
            blank_rows += 1;
            continue;
        }
        let width = header.len();
        if record.len() != width {
            let kind = if record.len() < width {
                RawIssueKind::ShortRow
            } else {
                RawIssueKind::LongRow
            };
            row_issues.push(RawRowIssue {
                line,
                kind,
                fields: record.len(),
            });
        }
        for (i, col) in columns.iter_mut().enumerate() {
            col.push(record.get(i).unwrap_or(""));
        }
        lines.push(line);
    }
    let (headers, header_line) = headers.ok_or_else(|| Error::Empty { file: file.into() })?;
    if lines.is_empty() {
        return Err(Error::NoRows { file: file.into() });
    }
    Ok(RawTable {
        file: file.into(),
        layout: Layout {
            encoding: encoding.into(),
            delimiter: delimiter as char,
            header_line,
        },
        headers,
        columns,
        lines,
        row_issues,
        blank_rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn bom_quotes_newlines_and_line_ends() {
        let t = read_table("t", b"\xEF\xBB\xBFName,Note\r\n\"Acme, Inc.\",\"two\nlines\"\r\nGlobex,\"say \"\"hi\"\"\"\r\n").unwrap();
        assert_eq!(t.layout.encoding, "UTF-8 (BOM)");
        assert_eq!(t.headers, ["Name", "Note"]);
        assert_eq!(t.columns[0].get(0), "Acme, Inc.");
        assert_eq!(t.columns[1].get(0), "two\nlines");
        assert_eq!(t.columns[1].get(1), "say \"hi\"");
        assert_eq!(t.lines, [2, 4]);
        let cr = read_table("t", b"a,b\r1,2\r3,4\r").unwrap();
        assert_eq!(cr.rows(), 2);
        assert_eq!(cr.lines, [2, 3]);
        let lf = read_table("t", b"a,b\n1,2\n\n3,\"x\ny\"\n5,6\n").unwrap();
        assert_eq!(
            (lf.layout.header_line, lf.lines.clone()),
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
            read_table("t", b"PK\x03\x04rest"),
            Err(Error::Spreadsheet { .. })
        ));
        assert!(matches!(
            read_table("t", b"\xFF\xFEa\0"),
            Err(Error::UnsupportedEncoding { .. })
        ));
        // GBK bytes for 商机名称
        assert!(matches!(
            read_table("t", b"\xc9\xcc\xbb\xfa\xc3\xfb\xb3\xc6\n1\n"),
            Err(Error::NotUtf8 { offset: 0, .. })
        ));
    }
}
