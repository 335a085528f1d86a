//! The hot loops of reading a delimited file: finding where fields end, filling text
//! columns with their cells, reading date and amount columns in the shapes nearly every
//! export writes and the other per-cell and per-date loops of a load ([`cells`]); the
//! report's pass over every row of the whole range ([`pass`]) and its medians and quartiles
//! ([`select`]). A crate of its own so that it alone is built for speed (`opt-level = 3` in
//! the workspace's release profile) while the rest of the app is built for size: this code
//! runs for every cell of a file, value of a column or row of the whole range.

pub mod cells;
pub mod maybe;
pub mod pass;
pub mod select;

use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// One column's cells. A column of few distinct values (a stage, an owner, a lead source) is
/// kept coded: each distinct cell once, and a number per row; any other column keeps its
/// cells back to back in one string. Either way a million rows cost a handful of
/// allocations, and the coded ones a quarter or less of the memory.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TextColumn {
    /// The cells back to back (plain), or each distinct cell once (coded).
    text: String,
    /// Where each cell (plain) or each distinct cell (coded) ends in `text`.
    ends: Vec<u32>,
    /// The column is coded.
    coded: bool,
    /// Coded: each row's distinct cell.
    codes: Vec<Code>,
    /// Coded, while the column is being filled: an open-addressing table of the distinct
    /// cells, placed by the cells' hashes. Dropped once the column is complete, and not sent
    /// between workers: a column is only filled where it is read.
    #[serde(skip)]
    slots: Option<Box<[Slot]>>,
}

/// A distinct cell in a coded column's table: its length, three of its eight-byte words
/// (the first, the last and one from its middle; in a cell under eight bytes, its first and
/// last four; under four, its first, middle and last byte), and its number plus one (0: a
/// free slot). In a cell of up to 24 bytes the three words cover every byte, so such a cell
/// is found, or told apart from others, without reading the column's text.
#[derive(Clone, Copy, Debug, Default)]
struct Slot {
    first: u64,
    middle: u64,
    last: u64,
    len: u32,
    code: u32,
}

impl Slot {
    /// The same length and the same words.
    #[inline(always)]
    fn same_key(&self, other: &Slot) -> bool {
        self.first == other.first
            && self.middle == other.middle
            && self.last == other.last
            && self.len == other.len
    }
}

/// How long a cell may be for its [`Slot`] to hold all of it.
const KEY_HOLDS: usize = 24;

/// How many distinct cells a column may have and stay coded.
pub const CODED_DISTINCT: usize = 1024;

/// A coded column's number for a row's cell: two bytes, where four would hold numbers a coded
/// column never reaches (2 MB less a million rows, for each such column).
pub type Code = u16;
const _: () = assert!(CODED_DISTINCT <= 1 << Code::BITS);
/// The fewest slots of a coded column's table. A table keeps at least twice as many slots as
/// distinct cells, a power of two: a stage column's fits in 1 KB, where every column's took
/// 64 KB, which the five or so coded columns of an export read at random for every row.
const MIN_SLOTS: usize = 32;

impl Default for TextColumn {
    /// An empty column, coded until it holds too many distinct cells.
    fn default() -> Self {
        TextColumn {
            text: String::new(),
            ends: Vec::new(),
            coded: true,
            codes: Vec::new(),
            slots: None,
        }
    }
}

/// A column's cells in order. A plain cell starts where the one before ended, so each costs
/// one look-up of where it ends.
pub struct Cells<'a> {
    col: &'a TextColumn,
    row: usize,
    start: usize,
}

impl<'a> Iterator for Cells<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let c = self.col;
        let cell = if c.coded {
            c.distinct(u32::from(*c.codes.get(self.row)?))
        } else {
            let end = *c.ends.get(self.row)? as usize;
            let cell = c.text.get(self.start..end).unwrap_or_default();
            self.start = end;
            cell
        };
        self.row += 1;
        Some(cell)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.col.len() - self.row;
        (left, Some(left))
    }
}

/// Whether a cell is empty or white space alone: one that starts with a printable ASCII
/// character (nearly every row's first cell) is not, told without trimming it (a call a
/// row in wasm).
#[inline(always)]
fn is_blank(text: &str) -> bool {
    match text.as_bytes().first() {
        Some(b) if b.is_ascii_graphic() => false,
        _ => text.trim().is_empty(),
    }
}

/// A byte that may begin or end the padding a cell is trimmed of: a space, a tab, or a byte
/// of the byte-order mark.
#[inline(always)]
fn is_pad(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | 0xEF | 0xBF)
}

/// Whether `f` or `l` may be a byte trimmed from a cell ([`is_pad`]): one comparison each
/// turns down the letters, digits and marks nearly every cell starts and ends with, where
/// the four comparisons of `is_pad` ran for both ends of every cell.
#[inline(always)]
fn either_pad(f: u8, l: u8) -> bool {
    let outside = |b: u8| b.wrapping_sub(b'!') >= 0xBF - b'!';
    (outside(f) || outside(l)) && (is_pad(f) || is_pad(l))
}

/// A cell's [`Slot`], not yet numbered, and a hash of its bytes. This runs for every cell
/// of a coded column, whose cells are mostly short and of mixed lengths (a stage column
/// holds `closedwon` and `presentationscheduled`): a cell of up to 24 bytes is hashed
/// through its slot's three words alone, each multiplied on its own, whatever its length
/// from 8 to 24 bytes (a walk over its words made a chain of multiplies as long as the
/// cell); only a longer cell's other words are mixed in one after another.
#[inline(always)]
fn cell_hash(b: &[u8]) -> (Slot, u64) {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    const K2: u64 = 0xC2B2_AE3D_27D4_EB4F;
    const K3: u64 = 0x1656_67B1_9E37_79F9;
    let n = b.len();
    let word = |at: usize| word(b, at);
    let half = |at: usize| {
        let mut x = [0u8; 4];
        x.copy_from_slice(&b[at..at + 4]);
        u64::from(u32::from_le_bytes(x))
    };
    let (first, middle, last) = match n {
        0 => (0, 0, 0),
        1..=3 => (
            u64::from(b[0]) | u64::from(b[n / 2]) << 8 | u64::from(b[n - 1]) << 16,
            0,
            0,
        ),
        4..=7 => (half(0), 0, half(n - 4)),
        // From 8 to 24 bytes the words at 0, n/2 − 4 and n − 8 cover the cell.
        _ => (word(0), word(n / 2 - 4), word(n - 8)),
    };
    let key = Slot {
        first,
        middle,
        last,
        // The arena of one column of one file stays below 4 GiB: so does a cell.
        len: n as u32,
        code: 0,
    };
    let mut h = (first ^ n as u64).wrapping_mul(K)
        ^ middle.wrapping_mul(K2).rotate_left(21)
        ^ last.wrapping_mul(K3).rotate_left(43);
    if n > KEY_HOLDS {
        if n <= 40 {
            // With the words at 8 and n − 16 the five cover the cell: no loop whose length
            // changes from one cell to the next (a company column's names run either side
            // of 24 bytes).
            h ^= (word(8) ^ word(n - 16).rotate_left(29)).wrapping_mul(K2);
        } else {
            for k in 1..(n - 1) / 8 {
                h = (h ^ word(8 * k)).wrapping_mul(K).rotate_left(31);
            }
        }
    }
    (key, h.wrapping_mul(K) ^ (h >> 29))
}

/// Whether two cells of the same [`Slot`] over `KEY_HOLDS` bytes are the same: one of up to
/// 40 bytes by the two words its slot does not hold (at 8 and n − 16, as [`cell_hash`]
/// takes them), compared in place where the general comparison is a call.
#[inline(always)]
fn same_tail(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = b.len();
    if a.len() != n || !(KEY_HOLDS..=40).contains(&n) {
        return a == b;
    }
    word(a, 8) == word(b, 8) && word(a, n - 16) == word(b, n - 16)
}

/// Append `cell`, a stretch of `file` (the text being read), to `text`: a cell of up to 64
/// bytes is copied as two or eight words of eight bytes from where it starts in `file`, when
/// `file` goes on that far. The words past the cell's end land in room reserved after the
/// text's end, which only the next cells' bytes take in. In wasm, a copy whose length is
/// known only when it runs is a call (`memory.copy`), which in Chromium costs several times
/// the loads and stores of such a cell (6 ns against 1); copying a fixed number of words
/// also takes no branch on the cell's length but whether it is over 16 bytes, which a
/// column's cells mostly answer alike (a name column's are mostly over, an amount's or a
/// date's never).
#[inline(always)]
fn push_from(text: &mut String, cell: &str, file: &[u8]) {
    let n = cell.len();
    // Where the cell starts in `file`: past the end when it is not a stretch of it.
    let at = (cell.as_ptr() as usize).wrapping_sub(file.as_ptr() as usize);
    let room = file.len().saturating_sub(at);
    if n <= 16 && room >= 16 {
        copy_words::<2>(text, file, at, n);
    } else if n <= 64 && room >= 64 {
        copy_words::<8>(text, file, at, n);
    } else {
        text.push_str(cell);
    }
}

/// Append the `n` bytes of `file` from `at` to `text` by copying `W` words of eight bytes,
/// `n` at most 8 × `W` and `file` at least `at` + 8 × `W` bytes long, the `n` bytes whole
/// characters.
#[inline(always)]
fn copy_words<const W: usize>(text: &mut String, file: &[u8], at: usize, n: usize) {
    let Some(src) = file.get(at..at + 8 * W) else {
        return;
    };
    text.reserve(8 * W);
    // SAFETY: the words are read from `src`, 8 × `W` bytes of `file`, and written to the
    // 8 × `W` bytes reserved after the text's end; its length then takes in the first `n`
    // of them (`n` ≤ 8 × `W`), which are the cell's bytes: whole characters, so the text
    // is still UTF-8.
    unsafe {
        let v = text.as_mut_vec();
        let len = v.len();
        let dst = v.as_mut_ptr().add(len);
        for k in 0..W {
            let word = std::ptr::read_unaligned(src.as_ptr().add(8 * k).cast::<u64>());
            std::ptr::write_unaligned(dst.add(8 * k).cast::<u64>(), word);
        }
        v.set_len(len + n);
    }
}

impl TextColumn {
    /// Add a cell at the end, trimmed of spaces, tabs and byte-order marks around it.
    pub fn push(&mut self, cell: &str) {
        self.push_with::<false>(cell, b"");
    }

    /// [`TextColumn::push`]; `HOT`: with the look-up of a coded column's cells built in, for
    /// the loop that calls it for every cell of a file ([`Records::fill_rows`]'s), and a
    /// plain cell copied from `file`, the text it is a stretch of ([`push_from`]). Elsewhere
    /// the look-up is called, so that its code is in the module twice, not once per caller.
    #[inline(always)]
    fn push_with<const HOT: bool>(&mut self, cell: &str, file: &[u8]) {
        // Most cells need no trimming: look at the end bytes before walking characters.
        let b = cell.as_bytes();
        let cell = match (b.first(), b.last()) {
            (Some(&f), Some(&l)) if either_pad(f, l) => {
                cell.trim_matches(|c: char| c == ' ' || c == '\t' || c == '\u{feff}')
            }
            _ => cell,
        };
        if self.coded {
            let code = if HOT {
                self.code_of(cell)
            } else {
                self.code_called(cell)
            };
            if let Some(code) = code {
                // Below `CODED_DISTINCT`: a `Code` holds it.
                self.codes.push(code as Code);
                return;
            }
            self.uncode();
        }
        if HOT {
            push_from(&mut self.text, cell, file);
        } else {
            self.text.push_str(cell);
        }
        // The arena of one column of one file stays below 4 GiB: files are far smaller.
        self.ends.push(self.text.len() as u32);
    }

    /// [`TextColumn::code_of`], not built into its caller.
    #[inline(never)]
    fn code_called(&mut self, cell: &str) -> Option<u32> {
        self.code_of(cell)
    }

    /// A coded column's number for `cell`, a new one if it is new; `None` when the column
    /// already holds as many distinct cells as it may.
    #[inline(always)]
    fn code_of(&mut self, cell: &str) -> Option<u32> {
        if self.slots.is_none() {
            self.index_distinct();
        }
        let (key, h) = cell_hash(cell.as_bytes());
        let mut at = match self.slot_of(cell, key, h)? {
            Ok(code) => return Some(code),
            Err(free) => free,
        };
        let code = self.ends.len();
        if code >= CODED_DISTINCT {
            return None;
        }
        if self
            .slots
            .as_ref()
            .is_some_and(|s| 2 * (code + 1) > s.len())
        {
            self.index_distinct();
            at = match self.slot_of(cell, key, h)? {
                Ok(code) => return Some(code),
                Err(free) => free,
            };
        }
        self.text.push_str(cell);
        self.ends.push(self.text.len() as u32);
        if let Some(slots) = &mut self.slots {
            slots[at] = Slot {
                code: code as u32 + 1,
                ..key
            };
        }
        Some(code as u32)
    }

    /// The number of `cell` (of slot `key` and hash `h`) in the table, or the free slot where
    /// it goes; `None` when the column has no table.
    #[inline(always)]
    fn slot_of(&self, cell: &str, key: Slot, h: u64) -> Option<Result<u32, usize>> {
        let slots = self.slots.as_deref()?;
        let mask = slots.len() - 1;
        let mut at = (h >> 32) as usize & mask;
        loop {
            let slot = slots[at];
            let code = match slot.code {
                0 => return Some(Err(at)),
                k => k - 1,
            };
            if slot.same_key(&key)
                && (cell.len() <= KEY_HOLDS || same_tail(self.distinct(code), cell))
            {
                return Some(Ok(code));
            }
            at = (at + 1) & mask;
        }
    }

    /// Make the table of a coded column's distinct cells, with room for one more: for a
    /// column filled again after it was finished (or sent between workers), or whose table
    /// is full, the cells it holds go in first, each keeping its number (they are distinct:
    /// each is new to the table, in order).
    #[cold]
    fn index_distinct(&mut self) {
        let text = std::mem::take(&mut self.text);
        let ends = std::mem::take(&mut self.ends);
        let size = (2 * ends.len() + 2).next_power_of_two().max(MIN_SLOTS);
        self.slots = Some(vec![Slot::default(); size].into_boxed_slice());
        let mut start = 0;
        for end in ends {
            let end = end as usize;
            self.code_called(&text[start..end]);
            start = end;
        }
    }

    /// Turn a coded column into a plain one (it has too many distinct cells).
    #[inline]
    pub fn uncode(&mut self) {
        if !self.coded {
            return;
        }
        let mut plain = TextColumn {
            coded: false,
            ..TextColumn::default()
        };
        for &c in &self.codes {
            plain.push(self.distinct(u32::from(c)));
        }
        *self = plain;
    }

    /// Add `other`'s cells after this column's, keeping it coded while the two hold no more
    /// distinct cells together than a coded column may.
    #[inline]
    pub fn append(&mut self, other: &TextColumn) {
        if self.coded && other.coded {
            // Each of the other's distinct cells, numbered in this column.
            let mut codes = Vec::with_capacity(other.ends.len());
            for k in 0..other.ends.len() {
                match self.code_called(other.span(k)) {
                    Some(code) => codes.push(code),
                    None => break,
                }
            }
            if codes.len() == other.ends.len() {
                self.codes
                    .extend(other.codes.iter().map(|c| codes[usize::from(*c)] as Code));
                return;
            }
        }
        self.uncode();
        if other.coded {
            for cell in other.iter() {
                self.text.push_str(cell);
                self.ends.push(self.text.len() as u32);
            }
        } else {
            let base = self.text.len() as u32;
            self.text.push_str(&other.text);
            self.ends.extend(other.ends.iter().map(|e| e + base));
        }
    }

    /// Take the last cell off again.
    pub fn pop(&mut self) {
        if self.coded {
            // Its distinct cell stays: only rows' numbers refer to it.
            self.codes.pop();
            return;
        }
        self.ends.pop();
        self.text
            .truncate(self.ends.last().map_or(0, |e| *e as usize));
    }

    /// Room for `len` cells in all, judging the bytes a cell takes by the cells so far.
    pub fn reserve_cells(&mut self, len: usize) {
        if self.coded {
            self.codes.reserve(len.saturating_sub(self.codes.len()));
        } else {
            let per_cell = self.text.len() as f64 / self.ends.len().max(1) as f64;
            let bytes = (per_cell * len as f64) as usize;
            self.text.reserve(bytes.saturating_sub(self.text.len()));
            self.ends.reserve(len.saturating_sub(self.ends.len()));
        }
    }

    /// Done filling: the index goes, and the room the column did not use is given back.
    #[inline]
    pub fn finish(&mut self) {
        self.slots = None;
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
        self.codes.shrink_to_fit();
    }

    /// The `k`-th stretch of `text`: a cell (plain) or a distinct cell (coded).
    fn span(&self, k: usize) -> &str {
        let start = if k == 0 { 0 } else { self.ends[k - 1] as usize };
        &self.text[start..self.ends[k] as usize]
    }

    /// The cell of data row `i` (0-based), trimmed of surrounding spaces.
    pub fn get(&self, i: usize) -> &str {
        if self.coded {
            self.span(usize::from(self.codes[i]))
        } else {
            self.span(i)
        }
    }

    /// Whether a cell [may start a label](may_start_a_label): none of a column whose cells all
    /// start with a digit, a sign or nothing (an ID column, often a file's first) is a
    /// footer's label, and its rows need no look one by one.
    pub fn any_starts_with_letter(&self) -> bool {
        let t = self.text.as_bytes();
        let mut start = 0;
        for &end in &self.ends {
            let end = end as usize;
            if may_start_a_label(t.get(start..end).unwrap_or_default()) {
                return true;
            }
            start = end;
        }
        false
    }

    /// The column's text: its cells (plain) or its distinct cells (coded) back to back.
    pub fn text_bytes(&self) -> &[u8] {
        self.text.as_bytes()
    }

    /// A coded column's numbers, one per row (see [`TextColumn::distinct`]).
    pub fn codes(&self) -> Option<&[Code]> {
        self.coded.then_some(self.codes.as_slice())
    }

    /// A coded column's distinct cell number `code`.
    pub fn distinct(&self, code: u32) -> &str {
        self.span(code as usize)
    }

    /// How many distinct cells a coded column holds (some may be used by no row).
    pub fn distinct_len(&self) -> usize {
        if self.coded {
            self.ends.len()
        } else {
            0
        }
    }

    pub fn len(&self) -> usize {
        if self.coded {
            self.codes.len()
        } else {
            self.ends.len()
        }
    }

    /// How many cells are not empty.
    pub fn filled(&self) -> usize {
        if self.coded {
            // Its distinct cells are distinct: at most one is empty.
            let Some(empty) = (0..self.ends.len()).find(|&k| self.span(k).is_empty()) else {
                return self.codes.len();
            };
            return self
                .codes
                .iter()
                .filter(|&&c| usize::from(c) != empty)
                .count();
        }
        let mut prev = 0;
        self.ends
            .iter()
            .filter(|e| std::mem::replace(&mut prev, **e) != **e)
            .count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn iter(&self) -> Cells<'_> {
        Cells {
            col: self,
            row: 0,
            start: 0,
        }
    }
}

/// The records of a file in the common dialect (a doubled quote inside quotes, any line end,
/// no escape character, no comments), read as the `csv` crate reads them but without its
/// general state machine: one scan for the next delimiter or line end per field, one for the
/// next quote inside quoted fields, and line numbers counted on the way. The text is the
/// whole file, or a window of it that the reader's `Delimited` slides along.
pub struct Records<'t> {
    pub text: Cow<'t, str>,
    pub pos: usize,
    delimiter: u8,
    quote: Option<u8>,
    /// Line ends before `pos` (`\r\n` is one).
    pub ends: u64,
    /// A quoted field's content with its doubled quotes undone.
    field: Vec<u8>,
    /// Where the fields end.
    pub stops: Stops,
    /// The last record read stopped at the end of the text, not at a line end: in a window
    /// that is not the file's last, the record may go on in the next bytes.
    pub cut: bool,
}

/// Where the next field of a record ends: a scan of the text for the delimiter and line-end
/// bytes 64 at a time, eight bytes to a 64-bit word (no SIMD instructions needed, so the same
/// code is fast natively and in wasm). The positions found in a block are kept as bits, so
/// the ten or so fields a block holds cost one scan, not one search each.
pub struct Stops {
    delimiter: u8,
    /// Where the block of `bits` starts in the text, and how many bytes it covers (0: none).
    base: usize,
    len: usize,
    /// Bit `i`: the byte at `base + i` is the delimiter, `\n` or `\r`.
    bits: u64,
}

/// The eight bytes of `b` from `at` as a little-endian word: the word that every test of
/// eight bytes at once in this crate starts from.
#[inline(always)]
pub(crate) fn word(b: &[u8], at: usize) -> u64 {
    let mut x = [0u8; 8];
    x.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(x)
}

/// Whether a cell's first byte may start a label, such as a footer's (`Total`, `合计`): an
/// ASCII letter or a byte over 127. A digit, a sign, a mark or an empty cell cannot.
#[inline(always)]
pub fn may_start_a_label(cell: &[u8]) -> bool {
    cell.first()
        .is_some_and(|b| !b.is_ascii() || b.is_ascii_alphabetic())
}

/// Eight ones, one in each byte's lowest bit.
const ONES: u64 = 0x0101_0101_0101_0101;
/// Each byte's seven low bits.
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// The bytes below this one (`\n`, `\r`, a tab and the other control bytes) are looked for
/// with one test wherever a line may end; those that end no line are passed over.
const LOW_BYTES: u8 = b'\r' + 1;

/// The high bit of each byte of `word` that equals `byte` (and no other bit): the carry-free
/// zero-byte test on `word ^ byte`.
fn bytes_equal(word: u64, byte: u8) -> u64 {
    let x = word ^ (ONES * u64::from(byte));
    !(((x & LOW7) + LOW7) | x) & !LOW7
}

/// The high bit of each byte of `word` below `n` (at most 128), and no other bit: a byte
/// under 128 plus `128 - n` reaches its high bit exactly when it is `n` or more, without a
/// carry into the next byte.
fn bytes_below(word: u64, n: u8) -> u64 {
    !(((word & LOW7) + ONES * u64::from(128 - n)) | word) & !LOW7
}

/// The high bit of each byte of `word` that is `delimiter` (an ASCII byte) or below `\r` + 1,
/// and no other bit: [`bytes_equal`] and [`bytes_below`] with their common steps shared. Both
/// tests run on the seven low bits of each byte, where no sum carries into the next byte, and
/// a byte of 128 or more, which is neither, is taken out at the end.
fn stop_bytes(word: u64, delimiter: u8) -> u64 {
    let low = word & LOW7;
    let not_below = low + ONES * u64::from(128 - LOW_BYTES);
    let not_delimiter = (low ^ (ONES * u64::from(delimiter))) + LOW7;
    !((not_below & not_delimiter) | word) & !LOW7
}

/// The stop bits of a block of 64 bytes ([`Stops::scan`]); `ASCII`: the delimiter is an ASCII
/// byte, for [`stop_bytes`].
#[inline(always)]
fn scan_block<const ASCII: bool>(block: &[u8; 64], d: u8) -> u64 {
    let mut m = 0;
    for (k, chunk) in block.chunks_exact(8).enumerate() {
        let w = word(chunk, 0);
        let hits = if ASCII {
            stop_bytes(w, d)
        } else {
            bytes_equal(w, d) | bytes_below(w, LOW_BYTES)
        };
        // Each byte's high bit to bit `k * 8 + byte`: the multiplication gathers the eight
        // bits into the top byte, in order, without carries.
        m |= ((hits >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) << (k * 8);
    }
    m
}

/// The stop bits of the 64 bytes of `t` from `at` for the delimiter `d` ([`Stops::scan`]).
#[inline(always)]
fn block_stops(t: &[u8], at: usize, d: u8) -> u64 {
    let Some(block) = t
        .get(at..at + 64)
        .and_then(|b| <&[u8; 64]>::try_from(b).ok())
    else {
        let tail = t.get(at..).unwrap_or_default();
        return tail
            .iter()
            .enumerate()
            .fold(0, |m, (i, &b)| m | u64::from(b == d || b < LOW_BYTES) << i);
    };
    // A test of the delimiter inside the loop made it slower: the loop is made twice.
    if d.is_ascii() {
        scan_block::<true>(block, d)
    } else {
        scan_block::<false>(block, d)
    }
}

impl Stops {
    fn new(delimiter: u8) -> Self {
        Stops {
            delimiter,
            base: 0,
            len: 0,
            bits: 0,
        }
    }

    /// Forget the block: the text has moved.
    pub fn reset(&mut self) {
        self.len = 0;
    }

    /// The stop bits of the 64 bytes of `t` from `at` (fewer at the end of the text): the
    /// delimiters and every byte below `\r` + 1. One test for those bytes costs less than
    /// one each for `\n` and `\r`; the others among them (a tab in a comma-separated file,
    /// control bytes) are rare, and [`Stops::next`] passes over them.
    fn scan(&self, t: &[u8], at: usize) -> u64 {
        block_stops(t, at, self.delimiter)
    }

    /// The first position at or after `from` holding the delimiter, `\n` or `\r`, or the
    /// text's length when there is none.
    #[inline(always)]
    fn next(&mut self, t: &[u8], mut from: usize) -> usize {
        loop {
            let at = self.next_bit(t, from);
            match t.get(at) {
                Some(&b) if b != self.delimiter && b != b'\n' && b != b'\r' => from = at + 1,
                _ => return at,
            }
        }
    }

    /// The first stop bit at or after `from`, or the text's length when there is none.
    #[inline(always)]
    fn next_bit(&mut self, t: &[u8], from: usize) -> usize {
        let off = from.wrapping_sub(self.base);
        if off < self.len {
            let ahead = self.bits & (u64::MAX << off);
            if ahead != 0 {
                return self.base + ahead.trailing_zeros() as usize;
            }
        }
        self.next_block(t, from)
    }

    /// [`Stops::next_bit`] past the block scanned last.
    #[inline(never)]
    fn next_block(&mut self, t: &[u8], mut from: usize) -> usize {
        let off = from.wrapping_sub(self.base);
        if off < self.len {
            from = self.base + self.len;
        }
        while from < t.len() {
            self.base = from;
            self.len = (t.len() - from).min(64);
            self.bits = self.scan(t, from);
            if self.bits != 0 {
                return from + self.bits.trailing_zeros() as usize;
            }
            from += self.len;
        }
        t.len()
    }
}

/// Where the first `q` of `t` is, and whether a byte below `\r` + 1 (every `\n` and `\r`,
/// and the rarer control bytes) comes before it: a quoted field's end and whether its line
/// ends need counting, in one pass eight bytes at a time. In wasm, where `memchr` goes four
/// bytes at a time, two searches of each quoted field cost more than this one.
fn quote_end(t: &[u8], q: u8) -> (Option<usize>, bool) {
    let mut low = 0;
    let mut at = 0;
    while let Some(chunk) = t.get(at..at + 8) {
        let w = word(chunk, 0);
        let quotes = bytes_equal(w, q);
        let below = bytes_below(w, LOW_BYTES);
        if quotes != 0 {
            // The bytes before the quote: the bits below its high bit.
            let before = (quotes & quotes.wrapping_neg()) - 1;
            return (
                Some(at + quotes.trailing_zeros() as usize / 8),
                low | below & before != 0,
            );
        }
        low |= below;
        at += 8;
    }
    let mut low = low != 0;
    for (k, &b) in t.get(at..).unwrap_or_default().iter().enumerate() {
        if b == q {
            return (Some(at + k), low);
        }
        low |= b < LOW_BYTES;
    }
    (None, low)
}

/// Line ends in `t`, a `\r` counting only when no `\n` follows it.
fn count_ends(t: &[u8]) -> u64 {
    let mut n = 0;
    for (i, b) in t.iter().enumerate() {
        n += u64::from(*b == b'\n' || (*b == b'\r' && t.get(i + 1) != Some(&b'\n')));
    }
    n
}

impl<'t> Records<'t> {
    pub fn new(text: Cow<'t, str>, delimiter: u8, quote: Option<u8>) -> Self {
        Records {
            // Like the csv crate, a byte-order mark before the first record is not data.
            pos: if text.starts_with('\u{feff}') { 3 } else { 0 },
            text,
            delimiter,
            quote,
            ends: 0,
            field: Vec::new(),
            stops: Stops::new(delimiter),
            cut: false,
        }
    }

    /// Skip empty lines to the next record: the 1-based line and byte offset where it
    /// starts, or `None` at the end of the text.
    pub fn start(&mut self) -> Option<(u64, usize)> {
        self.cut = false;
        let t = self.text.as_bytes();
        skip_line_ends(t, &mut self.pos, &mut self.ends);
        (self.pos < t.len()).then_some((self.ends + 1, self.pos))
    }

    /// Go back to the start of the record that began at `at` on `line`.
    pub fn rewind(&mut self, line: u64, at: usize) {
        self.pos = at;
        self.ends = line - 1;
    }

    /// The next record into `record`: the 1-based line and byte offset where it starts.
    #[inline]
    pub fn next(&mut self, record: &mut csv::StringRecord) -> Option<(u64, usize)> {
        record.clear();
        let start = self.start()?;
        loop {
            let (cell, goes_on) = self.field();
            record.push_field(&self.cell(cell));
            if !goes_on {
                return Some(start);
            }
        }
    }

    /// Read records into `columns` while each is an ordinary row: complete (not cut at the
    /// end of the text), not blank and `width` fields wide; each one's line goes to `lines`.
    /// A record's fields go into the columns one cell each (fields past the last column are
    /// counted, not kept), trimmed. At most `max` rows, and none that starts at `stop_at` or
    /// later. How many rows were read, and why the run ended; a [`RunEnd::Odd`] record's cells
    /// are in the columns too. The row loop of a file's reading, built here for speed with
    /// its field loop (in the size-first build a row's bookkeeping was three calls). Where
    /// it is in the text, the lines counted and the stops ahead are kept in local values for
    /// the whole run, not in the reader's fields: each field read and written them in memory.
    #[inline(never)]
    pub fn fill_rows(
        &mut self,
        columns: &mut [TextColumn],
        width: usize,
        max: usize,
        stop_at: usize,
        lines: &mut Vec<u32>,
    ) -> (usize, RunEnd) {
        let Records {
            text,
            pos,
            delimiter,
            quote,
            ends,
            field,
            stops,
            cut,
        } = self;
        let text: &str = text;
        let t = text.as_bytes();
        let (d, q) = (*delimiter, *quote);
        let (mut p, mut line_ends, mut was_cut) = (*pos, *ends, *cut);
        // The stops found here are not kept for the field reader, which starts afresh.
        stops.reset();
        let mut ahead = Ahead::default();
        let mut n = 0;
        let end = loop {
            if n == max {
                break RunEnd::Max;
            }
            if p >= stop_at {
                break RunEnd::At;
            }
            was_cut = false;
            if matches!(t.get(p), Some(b'\n' | b'\r')) {
                skip_line_ends(t, &mut p, &mut line_ends);
                ahead.skip_to(p);
            }
            if p >= t.len() {
                break RunEnd::End;
            }
            let (line, at) = (line_ends + 1, p);
            let (mut fields, mut blank) = (0, true);
            loop {
                // The field's text, and where what ends it is.
                let (cell, stop) = match q {
                    Some(q) if t.get(p) == Some(&q) => {
                        let (cell, stop) = quoted_field(t, p + 1, d, q, &mut line_ends, field);
                        ahead.skip_to(stop);
                        (cell, stop)
                    }
                    _ => {
                        // Tabs and control bytes are stops too, passed over here.
                        let stop = loop {
                            let s = ahead.first(t, p, d);
                            match t.get(s) {
                                Some(&b) if b != d && b != b'\n' && b != b'\r' => ahead.pass(),
                                _ => break s,
                            }
                        };
                        (Cell::Text(p, stop), stop)
                    }
                };
                let col = columns.get_mut(fields);
                match cell {
                    // Nearly every cell: a stretch of the text, as a plain `&str` (a `Cow` of
                    // either kind went through memory for every cell in wasm).
                    Cell::Text(a, b) => {
                        let cell = text.get(a..b).unwrap_or("");
                        blank = blank && is_blank(cell);
                        if let Some(col) = col {
                            col.push_with::<true>(cell, t);
                        }
                    }
                    // A quoted cell with a doubled quote or text after its closing quote, made
                    // anew: rare, and pushed through the look-up's call.
                    Cell::Quoted => {
                        let cell = String::from_utf8_lossy(field);
                        blank = blank && is_blank(&cell);
                        if let Some(col) = col {
                            col.push(&cell);
                        }
                    }
                }
                fields += 1;
                // The stop at `stop`, if any, is the first of `ahead`'s.
                match t.get(stop) {
                    Some(&b) if b == d => {
                        p = stop + 1;
                        ahead.pass();
                    }
                    Some(b'\r') if t.get(stop + 1) == Some(&b'\n') => {
                        p = stop + 2;
                        line_ends += 1;
                        ahead.skip_to(p);
                        break;
                    }
                    Some(_) => {
                        p = stop + 1;
                        line_ends += 1;
                        ahead.pass();
                        break;
                    }
                    None => {
                        p = stop;
                        was_cut = true;
                        break;
                    }
                }
            }
            if was_cut || blank || fields != width {
                let odd = Odd {
                    line,
                    at,
                    fields,
                    blank,
                };
                break RunEnd::Odd(odd);
            }
            lines.push(line_u32(line));
            n += 1;
        };
        (*pos, *ends, *cut) = (p, line_ends, was_cut);
        (n, end)
    }

    /// The text of a field just read.
    #[inline(always)]
    pub fn cell(&self, cell: Cell) -> Cow<'_, str> {
        match cell {
            Cell::Text(a, b) => Cow::Borrowed(self.text.get(a..b).unwrap_or("")),
            // Cut at ASCII bytes of valid text: still valid text.
            Cell::Quoted => String::from_utf8_lossy(&self.field),
        }
    }

    /// Read one field: where its text is, and whether the record goes on after it.
    #[inline(always)]
    pub fn field(&mut self) -> (Cell, bool) {
        let t = self.text.as_bytes();
        let p = self.pos;
        let (cell, stop) = match self.quote {
            Some(q) if t.get(p) == Some(&q) => {
                quoted_field(t, p + 1, self.delimiter, q, &mut self.ends, &mut self.field)
            }
            _ => {
                let stop = self.stops.next(t, p);
                (Cell::Text(p, stop), stop)
            }
        };
        self.end_field(cell, stop)
    }

    /// Step over what ends the field `cell` at `p`: the delimiter (the record goes on), a line
    /// end, or the end of the text.
    #[inline(always)]
    fn end_field(&mut self, cell: Cell, mut p: usize) -> (Cell, bool) {
        let t = self.text.as_bytes();
        let goes_on = match t.get(p) {
            Some(&b) if b == self.delimiter => {
                p += 1;
                true
            }
            Some(b'\r') if t.get(p + 1) == Some(&b'\n') => {
                p += 2;
                self.ends += 1;
                false
            }
            Some(_) => {
                p += 1;
                self.ends += 1;
                false
            }
            None => {
                self.cut = true;
                false
            }
        };
        self.pos = p;
        (cell, goes_on)
    }
}

/// Pass over the line ends at `p` in `t`, counting them in `ends` (`\r\n` is one).
#[inline(always)]
fn skip_line_ends(t: &[u8], p: &mut usize, ends: &mut u64) {
    while let Some(&b) = t.get(*p) {
        match b {
            b'\n' => *ends += 1,
            b'\r' if t.get(*p + 1) == Some(&b'\n') => {}
            b'\r' => *ends += 1,
            _ => break,
        }
        *p += 1;
    }
}

/// A quoted field whose text starts at `p`, just past its opening quote `q`: where its text
/// is, and where what ends it is (the delimiter `d`, a line end or the end of `t`). Line
/// ends inside it are counted in `ends`; a field with a doubled quote or text after its
/// closing quote is made anew in `field` ([`Cell::Quoted`]).
#[inline(always)]
fn quoted_field(
    t: &[u8],
    p: usize,
    d: u8,
    q: u8,
    ends: &mut u64,
    field: &mut Vec<u8>,
) -> (Cell, usize) {
    // Nearly every quoted field has no doubled quote and nothing after its closing quote:
    // its text is the file's, between the quotes, with nothing to copy. (A doubled quote
    // comes first: the delimiter may be the quote character too.)
    let (close, lines) = quote_end(t.get(p..).unwrap_or_default(), q);
    let closed = close.map(|k| p + k).filter(|&close| {
        t.get(close + 1)
            .is_none_or(|&b| b != q && (b == d || b == b'\n' || b == b'\r'))
    });
    if let Some(close) = closed {
        if lines {
            *ends += count_ends(&t[p..close]);
        }
        return (Cell::Text(p, close), close + 1);
    }
    doubled_quotes(t, p, d, q, ends, field)
}

/// [`quoted_field`] for a field with a doubled quote or text after its closing quote: rare,
/// and out of the row loop.
#[inline(never)]
fn doubled_quotes(
    t: &[u8],
    mut p: usize,
    d: u8,
    q: u8,
    ends: &mut u64,
    field: &mut Vec<u8>,
) -> (Cell, usize) {
    field.clear();
    loop {
        let Some(k) = memchr::memchr(q, t.get(p..).unwrap_or_default()) else {
            // A quote left open runs to the end of the file.
            let rest = t.get(p..).unwrap_or_default();
            *ends += count_ends(rest);
            field.extend_from_slice(rest);
            p = t.len();
            break;
        };
        *ends += count_ends(&t[p..p + k]);
        field.extend_from_slice(&t[p..p + k]);
        p += k + 1;
        if t.get(p) == Some(&q) {
            field.push(q);
            p += 1;
        } else {
            break;
        }
    }
    // Text after the closing quote belongs to the field, as written.
    let end = t
        .get(p..)
        .and_then(|rest| {
            rest.iter()
                .position(|&b| b == d || b == b'\n' || b == b'\r')
        })
        .map_or(t.len(), |k| p + k);
    field.extend_from_slice(&t[p..end]);
    (Cell::Quoted, end)
}

/// The stops ahead of the row loop's place in the block of 64 bytes scanned last, kept in
/// local values: where the block starts and ends, and its stop bits not yet passed.
#[derive(Clone, Copy, Default)]
struct Ahead {
    base: usize,
    end: usize,
    bits: u64,
}

impl Ahead {
    /// The first stop at or after `from` (no stop ahead is before it), or the text's length
    /// when there is none.
    #[inline(always)]
    fn first(&mut self, t: &[u8], from: usize, d: u8) -> usize {
        if self.bits == 0 {
            *self = Ahead::scan(t, from.max(self.end), d);
        }
        if self.bits == 0 {
            return t.len();
        }
        self.base + self.bits.trailing_zeros() as usize
    }

    /// The blocks from `from` on, up to the first with a stop.
    #[inline(never)]
    fn scan(t: &[u8], mut from: usize, d: u8) -> Ahead {
        while from < t.len() {
            let end = (from + 64).min(t.len());
            let bits = block_stops(t, from, d);
            if bits != 0 {
                return Ahead {
                    base: from,
                    end,
                    bits,
                };
            }
            from = end;
        }
        Ahead {
            base: from,
            end: from,
            bits: 0,
        }
    }

    /// Pass over the first stop.
    #[inline(always)]
    fn pass(&mut self) {
        self.bits &= self.bits.wrapping_sub(1);
    }

    /// Pass over the stops before `p`.
    #[inline(always)]
    fn skip_to(&mut self, p: usize) {
        let off = p.wrapping_sub(self.base);
        self.bits = if off < 64 {
            self.bits & (u64::MAX << off)
        } else {
            0
        };
    }
}

/// A row's line as a table keeps it, in four bytes: the app reads files only below 500 MB,
/// so their lines number below 2³² (a greater one would be kept as `u32::MAX`).
#[inline(always)]
pub fn line_u32(line: u64) -> u32 {
    u32::try_from(line).unwrap_or(u32::MAX)
}

/// Why [`Records::fill_rows`] stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunEnd {
    /// It read as many rows as it was asked to.
    Max,
    /// The next record starts at the position it was not to pass.
    At,
    /// The text has no more records.
    End,
    /// A record that is not an ordinary row, read into the columns for its caller to keep,
    /// fix or take back.
    Odd(Odd),
}

/// A record [`Records::fill_rows`] left to its caller: where it starts (its 1-based line and
/// byte offset), how many fields it has and whether all are blank. It may also be cut at the
/// end of the text ([`Records::cut`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Odd {
    pub line: u64,
    pub at: usize,
    pub fields: usize,
    pub blank: bool,
}

/// Where a field's text is: a span of the file, or [`Records::field`] (a quoted field).
#[derive(Clone, Copy)]
pub enum Cell {
    Text(usize, usize),
    Quoted,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(col: &TextColumn) -> Vec<&str> {
        col.iter().collect()
    }

    /// A cell is blank exactly when trimming it leaves nothing, whatever white space (ASCII
    /// or not), letters, marks or control bytes it is made of.
    #[test]
    fn a_cell_is_blank_exactly_when_trimming_leaves_nothing() {
        let pieces = [
            "", " ", "\t", "\r", "\n", "\u{3000}", "\u{a0}", "\u{feff}", "\u{7f}", "a", "1", "-",
            "~", "中",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let cell = format!("{a}{b}{c}");
                    assert_eq!(is_blank(&cell), cell.trim().is_empty(), "{cell:?}");
                }
            }
        }
    }

    /// A cell of any length, ASCII or not, is appended whole and as written: a stretch of
    /// the text read that goes on far enough past it to be copied in words, one too near
    /// that text's end to be, and a cell that is no stretch of it.
    #[test]
    fn cells_of_any_length_are_copied_whole() {
        let file: String = "aé中b😀c,d".chars().cycle().take(70).collect();
        let bounds: Vec<usize> = (0..=file.len())
            .filter(|&i| file.is_char_boundary(i))
            .collect();
        let (mut text, mut want) = (String::new(), String::new());
        let mut push = |cell: &str| {
            push_from(&mut text, cell, file.as_bytes());
            want.push_str(cell);
            assert_eq!(text.len(), want.len(), "{cell:?}");
            assert!(text.ends_with(cell), "{cell:?}");
        };
        for &start in &bounds {
            for &end in bounds.iter().filter(|&&e| e >= start && e - start <= 80) {
                let cell = &file[start..end];
                push(cell);
                // The same cell, no stretch of the text read.
                let copy = cell.to_string();
                push(&copy);
            }
        }
        assert_eq!(text, want);
    }

    /// The next of a fixed run of numbers from `seed` (a linear congruential generator's
    /// high bits), for tests that want many varied inputs, the same each time.
    fn random(seed: &mut u64) -> u64 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        *seed >> 33
    }

    /// A block's stop bits are its delimiters and its bytes below `\r` + 1, whatever the
    /// delimiter (ASCII or not) and whatever bytes lie around them.
    #[test]
    fn a_blocks_stop_bits_are_its_delimiters_and_low_bytes() {
        let mut seed = 1u64;
        let mut next = || random(&mut seed) as u8;
        // Bytes next to the tested values, at the ends of the ranges, and any byte.
        let near = [
            0, 9, 10, 12, 13, 14, 43, 44, 45, 58, 59, 60, 123, 124, 127, 128, 171, 172, 255,
        ];
        for d in [b',', b';', b'\t', b'|', 0xAC, 0xFF] {
            let stops = Stops::new(d);
            for _ in 0..2000 {
                let block: Vec<u8> = (0..64)
                    .map(|_| match next() % 3 {
                        0 => d,
                        1 => near[next() as usize % near.len()],
                        _ => next(),
                    })
                    .collect();
                let want = block
                    .iter()
                    .enumerate()
                    .fold(0u64, |m, (i, &b)| m | u64::from(b == d || b <= b'\r') << i);
                assert_eq!(stops.scan(&block, 0), want, "{d} {block:?}");
            }
        }
    }

    /// The one-pass search of a quoted field finds the first quote wherever it falls in a
    /// word, and tells of every byte below `\r` + 1 before it and of none after it.
    #[test]
    fn a_quoted_fields_end_and_its_line_ends_are_found_in_one_pass() {
        let naive = |t: &[u8]| {
            let end = t.iter().position(|&b| b == b'"');
            let low = t[..end.unwrap_or(t.len())].iter().any(|&b| b <= b'\r');
            (end, low)
        };
        for len in 0..40 {
            for quote in (0..len).map(Some).chain([None]) {
                for low in (0..len).map(Some).chain([None]) {
                    // Bytes above the tested ones, at the edges of the ranges tested.
                    let mut t: Vec<u8> =
                        (0..len).map(|i| [b'x', 0x0e, 0x80, 0xff][i % 4]).collect();
                    if let Some(k) = low {
                        t[k] = [b'\n', b'\r', 0][k % 3];
                    }
                    if let Some(k) = quote {
                        t[k] = b'"';
                    }
                    assert_eq!(quote_end(&t, b'"'), naive(&t), "{t:?}");
                }
            }
        }
    }

    /// Tabs and control bytes inside cells are not where fields end, in whichever of a
    /// block's words they fall, before or after a delimiter or a line end: the records
    /// read are the csv crate's.
    #[test]
    fn bytes_below_a_line_end_inside_cells_end_no_field() {
        let pieces = [
            "a",
            "\t",
            "\x0b",
            "\x00",
            "\x0c",
            "x\ty",
            "\u{e9}",
            "",
            "\"q,\r\n\t\"",
            "\"\"\"\"",
        ];
        let mut text = String::new();
        let mut seed = 7u64;
        for row in 0..400 {
            for field in 0..(1 + row % 5) {
                if field > 0 {
                    text.push(',');
                }
                for _ in 0..(row + field) % 4 {
                    text.push_str(pieces[random(&mut seed) as usize % pieces.len()]);
                }
            }
            text.push_str(if row % 3 == 0 { "\r\n" } else { "\n" });
        }
        let mut want = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut r = Records::new(Cow::Borrowed(&text), b',', Some(b'"'));
        let mut got = csv::StringRecord::new();
        let mut rows = 0;
        for expected in want.records() {
            let expected = expected.unwrap();
            let (line, _) = r.next(&mut got).unwrap();
            assert_eq!(got, expected, "line {line}");
            rows += 1;
        }
        assert!(r.next(&mut got).is_none());
        assert!(rows > 300, "{rows}");
        let b = text.as_bytes();
        let lone_returns = (0..b.len())
            .filter(|&i| b[i] == b'\r' && b.get(i + 1) != Some(&b'\n'))
            .count();
        assert_eq!(r.ends as usize, text.matches('\n').count() + lone_returns);
    }

    /// A record's fields go into the columns, trimmed; fields past the last column are
    /// counted, not kept; a doubled quote is undone; a blank record says so; `\r\n` ends a
    /// line once; a record that runs to the end of the text is marked cut.
    #[test]
    fn records_fill_columns() {
        let text = "a, b ,\"c \"\"q\"\"\",x\r\n ,\t\n\"multi\nline\",2\nlast,";
        let mut r = Records::new(Cow::Borrowed(text), b',', Some(b'"'));
        let mut cols = vec![
            TextColumn::default(),
            TextColumn::default(),
            TextColumn::default(),
        ];
        let mut rows = Vec::new();
        // No record is zero fields wide: each ends a run as an odd one.
        loop {
            match r.fill_rows(&mut cols, 0, 9, usize::MAX, &mut Vec::new()) {
                (0, RunEnd::Odd(o)) => rows.push((o.line, o.at, o.fields, o.blank, r.cut)),
                (0, RunEnd::End) => break,
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(
            rows,
            vec![
                (1, 0, 4, false, false),
                (2, 19, 2, true, false),
                (3, 23, 2, false, false),
                (5, 38, 2, false, true),
            ]
        );
        assert_eq!(cells(&cols[0]), ["a", "", "multi\nline", "last"]);
        assert_eq!(cells(&cols[1]), ["b", "", "2", ""]);
        assert_eq!(cells(&cols[2]), ["c \"q\""]);
    }

    /// The quick test of a cell's end bytes turns down no pair the full test takes.
    #[test]
    fn the_quick_pad_test_is_the_full_one() {
        for f in 0..=255u8 {
            for l in 0..=255u8 {
                assert_eq!(either_pad(f, l), is_pad(f) || is_pad(l), "{f:#x} {l:#x}");
            }
        }
    }

    /// A cell of up to `KEY_HOLDS` bytes is in its slot whole: a change of any one byte
    /// changes the slot's key, which is what lets the table skip reading such cells.
    #[test]
    fn a_short_cells_slot_holds_every_byte() {
        for len in 0..=KEY_HOLDS {
            let cell = vec![b'a'; len];
            for at in 0..len {
                let mut other = cell.clone();
                other[at] = b'b';
                assert!(
                    !cell_hash(&cell).0.same_key(&cell_hash(&other).0),
                    "{len} bytes, byte {at}"
                );
            }
        }
    }

    /// Cells of 25 to 48 bytes that differ in any one byte get numbers of their own, and
    /// the same cell again gets its number back: the slot's words and the two more of a cell
    /// of up to 40 bytes cover it, and a longer one is compared whole.
    #[test]
    fn long_cells_that_differ_in_any_byte_are_told_apart() {
        for n in KEY_HOLDS + 1..=48 {
            let mut col = TextColumn::default();
            let base = "k".repeat(n);
            col.push(&base);
            for at in 0..n {
                let mut other = base.clone().into_bytes();
                other[at] = b'q';
                let other = String::from_utf8(other).unwrap();
                col.push(&other);
                col.push(&base);
                col.push(&other);
            }
            assert_eq!(col.distinct_len(), n + 1, "{n} bytes");
            let codes = col.codes().unwrap();
            for at in 0..n {
                let k = 1 + 3 * at;
                assert_eq!(
                    (codes[k], codes[k + 1], codes[k + 2]),
                    (at as Code + 1, 0, at as Code + 1),
                    "{n} bytes, byte {at}"
                );
            }
        }
    }

    /// Cells alike in length and in the three words their slots hold are still told apart.
    /// A thousand distinct cells, half of them up to 24 `a`s and `b`s, half of them 32 bytes
    /// of `a`s but for four of `a`, `b`, `c` and `d` at bytes 8–11 and four at 20–23 (the
    /// bytes no word of their slots holds), each pushed twice in a shuffled order, keep a
    /// thousand numbers and read back as pushed.
    #[test]
    fn cells_alike_at_their_ends_get_numbers_of_their_own() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut distinct = std::collections::BTreeSet::new();
        while distinct.len() < 1000 {
            let (long, len, bits) = (next() & 1 == 1, next() as usize, next());
            let cell: String = if long {
                (0..32)
                    .map(|i| match i {
                        8..12 => b"abcd"[(bits >> (2 * (i - 8))) as usize & 3],
                        20..24 => b"abcd"[(bits >> (2 * (i - 16))) as usize & 3],
                        _ => b'a',
                    })
                    .map(char::from)
                    .collect()
            } else {
                (0..len % 25)
                    .map(|i| if bits >> i & 1 == 1 { 'b' } else { 'a' })
                    .collect()
            };
            distinct.insert(cell);
        }
        let mut order: Vec<&String> = distinct.iter().chain(&distinct).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, (next() % (i as u64 + 1)) as usize);
        }
        let mut col = TextColumn::default();
        for cell in &order {
            col.push(cell);
        }
        assert_eq!(col.distinct_len(), 1000);
        assert_eq!(cells(&col), order);
    }

    /// Filled cells are counted in coded columns with and without an empty cell, and in
    /// plain ones, empty cells first, last and in between.
    #[test]
    fn filled_counts_the_cells_that_are_not_empty() {
        let column = |cells: &[&str], coded: bool| {
            let mut col = TextColumn::default();
            if !coded {
                col.uncode();
            }
            for cell in cells {
                col.push(cell);
            }
            assert_eq!(col.codes().is_some(), coded);
            col.filled()
        };
        for coded in [true, false] {
            assert_eq!(column(&["a", "b", "a"], coded), 3);
            assert_eq!(column(&["", "a", " ", "b", "", "a", ""], coded), 3);
            assert_eq!(column(&["", ""], coded), 0);
            assert_eq!(column(&["a"], coded), 1);
            assert_eq!(column(&[""], coded), 0);
            assert_eq!(column(&[], coded), 0);
        }
    }

    /// A coded column finished (its table dropped) and filled again, or appended to, finds
    /// the distinct cells it holds under their old numbers: long and short ones alike.
    #[test]
    fn a_finished_column_filled_again_keeps_its_numbers() {
        let long = "Associated Company Name Limited";
        let mut col = TextColumn::default();
        for cell in ["won", long, "", "lost", long] {
            col.push(cell);
        }
        col.finish();
        let mut other = TextColumn::default();
        for cell in ["lost", "open", long] {
            other.push(cell);
        }
        other.finish();
        col.append(&other);
        col.push("won");
        col.push("new");
        assert_eq!(col.distinct_len(), 6);
        assert_eq!(col.codes(), Some(&[0, 1, 2, 3, 1, 3, 4, 1, 0, 5][..]));
        assert_eq!(
            cells(&col),
            ["won", long, "", "lost", long, "lost", "open", long, "won", "new"]
        );
    }

    /// Runs of rows fill the columns with the cells the field reader reads record by record
    /// (which `records_are_read_as_the_csv_crate_reads_them` holds to the csv crate), note
    /// the lines of the ordinary rows and stop at each odd record where it starts: over
    /// made-up texts of short and long cells (past the 64 bytes a block of stops covers and
    /// a word copy takes), quoted ones with line ends or doubled quotes, tabs, control bytes,
    /// line ends of each kind, blank lines and non-ASCII text, read in runs of any length.
    #[test]
    fn runs_of_rows_read_as_the_field_reader_reads_records() {
        let long = "0123456789abcdefghijklmnopqrstuvwxyz_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        let pieces = [
            "a",
            "bc",
            "é",
            "中文",
            ",",
            ",",
            ",",
            "\"",
            "\"\"",
            "\n",
            "\r\n",
            "\r",
            "\t",
            "\u{1}",
            " ",
            "\"q,\nr\"",
            "2024-01-02 10:00",
            "1234.5",
            &long[..20],
            &long[..40],
            long,
            "\n\n",
        ];
        let mut seed = 7u64;
        for round in 0..400 {
            let mut text = String::new();
            for _ in 0..random(&mut seed) % 120 {
                text.push_str(pieces[random(&mut seed) as usize % pieces.len()]);
            }
            let quote = (round % 5 != 4).then_some(b'"');
            // Every record as the field reader reads it.
            let mut want = Records::new(Cow::Borrowed(&text), b',', quote);
            let mut records = Vec::new();
            let mut record = csv::StringRecord::new();
            while let Some((line, at)) = want.next(&mut record) {
                let cells: Vec<String> = record.iter().map(String::from).collect();
                records.push((line, at, cells, want.cut));
            }
            let width = 1 + round % 4;
            let mut want_cols = vec![Vec::new(); 3];
            let (mut want_lines, mut want_odd) = (Vec::new(), Vec::new());
            for (line, at, cells, cut) in &records {
                for (col, cell) in want_cols.iter_mut().zip(cells) {
                    let mut one = TextColumn::default();
                    one.push(cell);
                    col.push(one.get(0).to_string());
                }
                let blank = cells.iter().all(|c| c.trim().is_empty());
                if *cut || blank || cells.len() != width {
                    want_odd.push(Odd {
                        line: *line,
                        at: *at,
                        fields: cells.len(),
                        blank,
                    });
                } else {
                    want_lines.push(line_u32(*line));
                }
            }
            // The same text in runs of 1 to 8 rows.
            let mut r = Records::new(Cow::Borrowed(&text), b',', quote);
            let mut cols = vec![
                TextColumn::default(),
                TextColumn::default(),
                TextColumn::default(),
            ];
            let (mut lines, mut odd) = (Vec::new(), Vec::new());
            loop {
                let max = 1 + random(&mut seed) as usize % 8;
                match r.fill_rows(&mut cols, width, max, usize::MAX, &mut lines) {
                    (_, RunEnd::End) => break,
                    (_, RunEnd::Odd(o)) => odd.push(o),
                    (n, RunEnd::Max) => assert_eq!(n, max),
                    (_, RunEnd::At) => unreachable!(),
                }
            }
            let got_cols: Vec<Vec<String>> = cols
                .iter()
                .map(|c| c.iter().map(String::from).collect())
                .collect();
            assert_eq!(got_cols, want_cols, "{text:?}");
            assert_eq!(lines, want_lines, "{text:?}");
            assert_eq!(odd, want_odd, "{text:?}");
            assert_eq!((r.pos, r.ends), (want.pos, want.ends), "{text:?}");
        }
    }

    /// A run of rows stops at the first record that is not an ordinary row (short, long,
    /// blank, or cut at the end of the text), at the position it is not to pass and after as
    /// many rows as it was asked for; the rows before are in the columns, each line noted.
    #[test]
    fn a_run_of_rows_stops_where_a_row_needs_its_caller() {
        let text = "a,b\n\nc,d\r\ne\nf,g,h\n , \n\"i\nj\",k\nl,m";
        let mut r = Records::new(Cow::Borrowed(text), b',', Some(b'"'));
        let mut cols = vec![TextColumn::default(), TextColumn::default()];
        let mut lines = Vec::new();
        let mut run = |r: &mut Records, max: usize, stop_at: usize| {
            r.fill_rows(&mut cols, 2, max, stop_at, &mut lines)
        };
        let odd = |line, at, fields, blank| {
            RunEnd::Odd(Odd {
                line,
                at,
                fields,
                blank,
            })
        };
        // Two rows (the empty line between is passed over), then the short one on line 4.
        assert_eq!(run(&mut r, 9, usize::MAX), (2, odd(4, 10, 1, false)));
        assert_eq!(run(&mut r, 9, usize::MAX), (0, odd(5, 12, 3, false)));
        assert_eq!(run(&mut r, 9, usize::MAX), (0, odd(6, 18, 2, true)));
        // A quoted line end: the row starts on line 7 and ends on line 8.
        assert_eq!(run(&mut r, 1, usize::MAX), (1, RunEnd::Max));
        let at = r.pos;
        assert_eq!(run(&mut r, 9, at), (0, RunEnd::At));
        assert!(!r.cut);
        // The last record has no line end: it may go on in a window's next bytes.
        assert_eq!(run(&mut r, 9, usize::MAX), (0, odd(9, at, 2, false)));
        assert!(r.cut);
        assert_eq!(run(&mut r, 9, usize::MAX), (0, RunEnd::End));
        assert_eq!(lines, [1, 3, 7]);
        let got: Vec<Vec<&str>> = cols.iter().map(|c| c.iter().collect()).collect();
        assert_eq!(got[0], ["a", "c", "e", "f", "", "i\nj", "l"]);
        assert_eq!(got[1], ["b", "d", "g", "", "k", "m"]);
    }

    /// A column's cells start with a letter (ASCII or not) somewhere, or none does: plain
    /// columns and coded ones, with empty cells, digits and signs around.
    #[test]
    fn a_cell_starting_with_a_letter_is_found() {
        for (cells, want) in [
            (&["10001", "", "-5", "+3", " 7"][..], false),
            (&["10001", "", "Total", "7"][..], true),
            (&["10001", "", "合计"][..], true),
            (&["", ""][..], false),
        ] {
            for plain in [false, true] {
                let mut col = TextColumn::default();
                for c in cells {
                    col.push(c);
                }
                if plain {
                    col.uncode();
                }
                assert_eq!(col.any_starts_with_letter(), want, "{cells:?} {plain}");
            }
        }
    }

    /// A column stays coded up to `CODED_DISTINCT` distinct cells and turns plain with one
    /// more, keeping every cell in order.
    #[test]
    fn a_column_is_coded_until_it_holds_too_many_distinct_cells() {
        let mut col = TextColumn::default();
        for i in 0..3 * CODED_DISTINCT {
            col.push(&format!("v{}", i % CODED_DISTINCT));
        }
        assert_eq!(col.distinct_len(), CODED_DISTINCT);
        assert_eq!(col.codes().map(<[Code]>::len), Some(3 * CODED_DISTINCT));
        assert_eq!(col.get(CODED_DISTINCT + 5), "v5");
        col.push("new");
        assert!(col.codes().is_none());
        assert_eq!(col.len(), 3 * CODED_DISTINCT + 1);
        assert_eq!(col.get(CODED_DISTINCT + 5), "v5");
        assert_eq!(col.get(3 * CODED_DISTINCT), "new");
    }
}
