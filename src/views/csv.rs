//! The one CSV writer every export uses (statistics, survey answers, audit trail, publication
//! report, traffic logs): UTF-8 with a byte-order mark, so that Excel on Thai Windows reads the
//! Thai text, and no cell a spreadsheet would run as a formula.

use std::borrow::Cow;
use std::io::Write;

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// The UTF-8 byte-order mark Excel needs to read the file as UTF-8 (not TIS-620).
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A cell as written: text that a spreadsheet would take for a formula (starting with `=`,
/// `+`, `-` or `@`, or a tab or carriage return that hides one) gets a leading `'`, which
/// spreadsheets show as text.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r', '\n']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// A CSV file being written to `W`: the byte-order mark first, then neutralised rows.
pub struct CsvWriter<W: Write> {
    inner: ::csv::Writer<W>,
}

impl CsvWriter<Vec<u8>> {
    /// A CSV file in memory.
    pub fn in_memory() -> CsvWriter<Vec<u8>> {
        CsvWriter::to_writer(Vec::new()).expect("writing to memory")
    }

    /// The finished file, ready to send as a download named `file_name`.
    pub fn download(self, file_name: &str) -> Response {
        let body = self.finish().unwrap_or_default();
        (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")),
            ],
            body,
        )
            .into_response()
    }
}

impl<W: Write> CsvWriter<W> {
    /// Starts a CSV file on `out` (writes the byte-order mark).
    pub fn to_writer(mut out: W) -> std::io::Result<CsvWriter<W>> {
        out.write_all(BOM)?;
        Ok(CsvWriter { inner: ::csv::Writer::from_writer(out) })
    }

    /// Writes one row, each cell neutralised.
    pub fn row<I, T>(&mut self, cells: I) -> std::io::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        let cells: Vec<String> = cells.into_iter().map(|c| neutralise(c.as_ref()).into_owned()).collect();
        self.inner.write_record(&cells).map_err(std::io::Error::other)
    }

    /// Flushes and returns the output.
    pub fn finish(self) -> std::io::Result<W> {
        self.inner.into_inner().map_err(|e| std::io::Error::other(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_start_with_the_bom_and_no_cell_is_a_formula() {
        let mut w = CsvWriter::in_memory();
        w.row(["=HYPERLINK(\"http://evil\")", "+1", "-2+3", "@SUM(A1)", "\t=1", "ดีมาก", "12"]).unwrap();
        let out = String::from_utf8(w.finish().unwrap()).unwrap();
        assert!(out.starts_with('\u{feff}'));
        let mut reader = ::csv::Reader::from_reader(out.trim_start_matches('\u{feff}').as_bytes());
        let headers = reader.headers().unwrap().clone();
        for cell in &headers {
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t']), "{cell}");
        }
        assert_eq!(&headers[5], "ดีมาก");
        assert_eq!(&headers[6], "12");
    }
}
