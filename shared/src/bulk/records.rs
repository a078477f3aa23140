//! A CSV read as it streams in: bytes pushed in pieces of any size, complete records
//! out, each with the offset of the byte after it (where a resumed read starts). Cells
//! are UTF-8, or Windows-1252 when they are not valid UTF-8.

/// The longest record read (a file with a longer one is refused).
pub const MAX_RECORD_BYTES: usize = 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a row is longer than {MAX_RECORD_BYTES} bytes: is this a CSV file?")]
pub struct RecordTooLong;

/// A streaming CSV reader over `csv_core`.
pub struct Records {
    reader: csv_core::Reader,
    input: Vec<u8>,
    /// Bytes of `input` read into the record under way.
    read: usize,
    /// The file offset of `input[0]`.
    base: u64,
    output: Vec<u8>,
    written: usize,
    ends: Vec<usize>,
    fields: usize,
}

/// One record: its raw cells and the offset just past it.
pub struct Record {
    pub cells: Vec<Vec<u8>>,
    pub end: u64,
}

impl Records {
    /// A reader whose first byte is at `offset` of the file, a record boundary.
    pub fn new(delimiter: u8, offset: u64) -> Self {
        Self {
            reader: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            input: Vec::new(),
            read: 0,
            base: offset,
            output: vec![0; 4096],
            written: 0,
            ends: vec![0; 64],
            fields: 0,
        }
    }

    pub fn push(&mut self, bytes: &[u8]) {
        self.input.drain(..self.read);
        self.base += self.read as u64;
        self.read = 0;
        self.input.extend_from_slice(bytes);
    }

    /// The next complete record; `None` when more input is needed, or, with `eof`
    /// (no more input will come), when the file is over.
    pub fn next(&mut self, eof: bool) -> Result<Option<Record>, RecordTooLong> {
        use csv_core::ReadRecordResult::*;
        loop {
            if self.read == self.input.len() && !eof {
                return Ok(None);
            }
            let (result, nin, nout, nend) = self.reader.read_record(
                &self.input[self.read..],
                &mut self.output[self.written..],
                &mut self.ends[self.fields..],
            );
            self.read += nin;
            self.written += nout;
            self.fields += nend;
            match result {
                InputEmpty if eof => continue,
                InputEmpty => return Ok(None),
                OutputFull if self.output.len() >= MAX_RECORD_BYTES => return Err(RecordTooLong),
                OutputFull => self.output.resize(self.output.len() * 2, 0),
                OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                Record => return Ok(Some(self.take())),
                End => return Ok(None),
            }
        }
    }

    fn take(&mut self) -> Record {
        let mut start = 0;
        let cells = self.ends[..self.fields]
            .iter()
            .map(|&end| {
                let cell = self.output[start..end].to_vec();
                start = end;
                cell
            })
            .collect();
        (self.written, self.fields) = (0, 0);
        Record {
            cells,
            end: self.base + self.read as u64,
        }
    }
}

/// A cell as text: UTF-8 when it is, else Windows-1252 (what Excel writes on Windows).
pub fn decode(cell: &[u8]) -> String {
    match std::str::from_utf8(cell) {
        Ok(text) => text.to_owned(),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(cell);
            text.into_owned()
        }
    }
}

/// The header's labels: decoded, trimmed, a UTF-8 byte-order mark dropped.
pub fn header(cells: &[Vec<u8>]) -> Vec<String> {
    cells
        .iter()
        .enumerate()
        .map(|(i, cell)| {
            let label = decode(cell);
            let label = match i {
                0 => label.trim_start_matches('\u{feff}'),
                _ => &label,
            };
            label.trim().to_owned()
        })
        .collect()
}

/// The delimiter the first line uses most, of comma, semicolon and tab (comma when
/// none): spreadsheets in many locales export `;`.
pub fn sniff_delimiter(start: &[u8]) -> u8 {
    let mut counts = [(b',', 0), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for &byte in start {
        match byte {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            _ if !quoted => {
                if let Some(count) = counts.iter_mut().find(|(d, _)| *d == byte) {
                    count.1 += 1;
                }
            }
            _ => {}
        }
    }
    counts
        .iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n > 0)
        .map_or(b',', |(d, _)| *d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &[u8], piece: usize) -> Vec<(Vec<String>, u64)> {
        let mut records = Records::new(b',', 0);
        let mut out = Vec::new();
        for chunk in text.chunks(piece) {
            records.push(chunk);
            while let Some(record) = records.next(false).unwrap() {
                out.push((record.cells.iter().map(|c| decode(c)).collect(), record.end));
            }
        }
        while let Some(record) = records.next(true).unwrap() {
            out.push((record.cells.iter().map(|c| decode(c)).collect(), record.end));
        }
        out
    }

    #[test]
    fn records_come_whole_whatever_the_pieces_with_the_offset_after_each() {
        let text = b"name,notes\r\nAda,\"two\nlines, quoted\"\r\nBo,x\r\n";
        let expected = all(text, text.len());
        assert_eq!(expected.len(), 3);
        assert_eq!(expected[1].0, ["Ada", "two\nlines, quoted"]);
        for piece in [1, 2, 3, 7] {
            assert_eq!(all(text, piece), expected, "pieces of {piece}");
        }
        // Resuming at the offset after a record reads on from the next one.
        let resumed = &text[expected[1].1 as usize..];
        let rest = all(resumed, 4);
        assert_eq!(rest[0].0, ["Bo", "x"]);
    }

    #[test]
    fn windows_1252_cells_and_a_utf8_bom_are_read_as_text() {
        assert_eq!(decode(b"Jos\xe9 Nu\xf1ez"), "José Nuñez");
        assert_eq!(decode("José".as_bytes()), "José");
        assert_eq!(header(&[b"\xef\xbb\xbfname ".to_vec()]), ["name"]);
    }

    #[test]
    fn the_delimiter_is_the_one_the_header_uses() {
        assert_eq!(sniff_delimiter(b"name;email;phone\na,b,c"), b';');
        assert_eq!(sniff_delimiter(b"name\temail"), b'\t');
        assert_eq!(sniff_delimiter(b"\"a;b\",c"), b',');
        assert_eq!(sniff_delimiter(b"name"), b',');
    }
}
