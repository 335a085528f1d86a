//! Spreadsheets (xlsx, xlsm, xlsb, xls, ods) read with calamine from bytes in memory, into the
//! same text columns as a CSV file: the header found the same way (below merged note rows),
//! the same row issues, and line numbers that are the sheet's row numbers.
//!
//! Cells become text the way a person would type them: whole numbers without `.0`, dates as
//! ISO `YYYY-MM-DD` (with the time when there is one), booleans as `true`/`false`, Excel
//! errors as written (`#N/A`, `#DIV/0!`) so that they show up in the row issues.

use crate::engine::error::Error;
use crate::engine::ingest::{collect_records, EncodingSource, Layout, RawTable, ReadOptions};
use calamine::{Data, Reader, Sheets};
use std::io::Cursor;

/// The text of one cell.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, mo, day, h, mi, s, _) = d.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{day:02}")
            } else {
                format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}:{s:02}")
            }
        }
        // A duration, in days as Excel stores it.
        Data::DateTime(d) => number_text(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// A float as a person would type it: `1200`, not `1200.0`; shortest round-trip otherwise.
fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

/// The workbook's format from its parts, for the user.
fn format_of(sheets: &Sheets<Cursor<&[u8]>>) -> &'static str {
    match sheets {
        Sheets::Xls(_) => "xls",
        Sheets::Xlsx(_) => "xlsx",
        Sheets::Xlsb(_) => "xlsb",
        Sheets::Ods(_) => "ods",
    }
}

/// Read one sheet of a workbook: the one named in `opts.sheet`, else the fullest.
pub fn read_workbook(file: &str, bytes: &[u8], opts: &ReadOptions) -> Result<RawTable, Error> {
    let workbook_error = |e: calamine::Error| Error::Workbook {
        file: file.into(),
        message: e.to_string(),
    };
    let mut book =
        calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(workbook_error)?;
    let names = book.sheet_names();
    // The sheet asked for; else the one holding the most filled cells (a summary or notes
    // sheet in front of the data is smaller than the data).
    let mut chosen: Option<(String, calamine::Range<Data>, usize)> = None;
    for name in &names {
        if opts.sheet.as_ref().is_some_and(|s| s != name) {
            continue;
        }
        let range = book.worksheet_range(name).map_err(workbook_error)?;
        let filled = range.used_cells().count();
        if opts.sheet.is_some() || filled > chosen.as_ref().map_or(0, |c| c.2) {
            chosen = Some((name.clone(), range, filled));
        }
    }
    let Some((sheet, range, _)) = chosen else {
        return Err(match &opts.sheet {
            Some(s) => Error::NoSheet {
                file: file.into(),
                sheet: s.clone(),
            },
            None => Error::Empty { file: file.into() },
        });
    };
    // Row numbers as the spreadsheet shows them (the used range may start below row 1).
    let first_row = u64::from(range.start().map_or(0, |(r, _)| r)) + 1;
    let mut rows = range.rows().enumerate();
    let mut next = |record: &mut csv::StringRecord| -> Result<Option<u64>, Error> {
        let Some((i, row)) = rows.next() else {
            return Ok(None);
        };
        record.clear();
        // Every row is as wide as the sheet's used range: an empty cell is a cell, not a
        // short row.
        for cell in row {
            record.push_field(&cell_text(cell));
        }
        Ok(Some(first_row + i as u64))
    };
    let layout = Layout {
        format: format_of(&book).into(),
        sheet: Some(sheet),
        sheets: names,
        encoding: "UTF-8".into(),
        encoding_source: EncodingSource::Valid,
        malformed: false,
        delimiter: ',',
        header_line: 0,
        rows_above_header: 0,
        generated_headers: false,
    };
    collect_records(file, &mut next, opts.header, layout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_as_typed() {
        assert_eq!(number_text(1200.0), "1200");
        assert_eq!(number_text(1500.5), "1500.5");
        assert_eq!(number_text(-0.25), "-0.25");
        assert_eq!(number_text(1e20), "100000000000000000000");
        let date =
            calamine::ExcelDateTime::new(45_311.0, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(cell_text(&Data::DateTime(date)), "2024-01-20");
        let moment =
            calamine::ExcelDateTime::new(45_311.75, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(cell_text(&Data::DateTime(moment)), "2024-01-20 18:00:00");
        assert_eq!(cell_text(&Data::Bool(true)), "true");
        assert_eq!(cell_text(&Data::Error(calamine::CellErrorType::NA)), "#N/A");
    }
}
