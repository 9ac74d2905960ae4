//! Small but valid office files for the demo content: XLSX from a table, DOCX from paragraphs,
//! and ZIP bundles. They open in LibreOffice and Microsoft Office.

use std::io::{Cursor, Write as _};

use zip::ZipWriter;
use zip::write::SimpleFileOptions;

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// Builds a zip archive from `(name, bytes)` entries.
pub fn zip(entries: &[(&str, &[u8])]) -> zip::result::ZipResult<Vec<u8>> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        writer.start_file(*name, options)?;
        writer.write_all(bytes)?;
    }
    Ok(writer.finish()?.into_inner())
}

const RELS_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const DOC_REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

fn content_types(overrides: &[(&str, &str)]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
         <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
         <Default Extension=\"xml\" ContentType=\"application/xml\"/>",
    );
    for (part, ty) in overrides {
        s.push_str(&format!("<Override PartName=\"{part}\" ContentType=\"{ty}\"/>"));
    }
    s.push_str("</Types>");
    s
}

fn relationships(rels: &[(&str, &str)]) -> String {
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><Relationships xmlns=\"{RELS_NS}\">"
    );
    for (n, (ty, target)) in rels.iter().enumerate() {
        s.push_str(&format!(
            "<Relationship Id=\"rId{}\" Type=\"{DOC_REL}/{ty}\" Target=\"{target}\"/>",
            n + 1
        ));
    }
    s.push_str("</Relationships>");
    s
}

fn column_name(mut n: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (n % 26) as u8);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).expect("ASCII")
}

/// An XLSX workbook with one sheet holding `rows`; cells that read as numbers are stored as
/// numbers, the rest as text.
pub fn xlsx(rows: &[Vec<String>]) -> zip::result::ZipResult<Vec<u8>> {
    let mut sheet = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>",
    );
    for (r, row) in rows.iter().enumerate() {
        sheet.push_str(&format!("<row r=\"{}\">", r + 1));
        for (c, cell) in row.iter().enumerate() {
            let at = format!("{}{}", column_name(c), r + 1);
            let numeric = cell.replace(',', "");
            if !cell.is_empty() && numeric.parse::<f64>().is_ok() {
                sheet.push_str(&format!("<c r=\"{at}\"><v>{numeric}</v></c>"));
            } else {
                sheet.push_str(&format!(
                    "<c r=\"{at}\" t=\"inlineStr\"><is><t xml:space=\"preserve\">{}</t></is></c>",
                    escape(cell)
                ));
            }
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let workbook = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
        <workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" \
        xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
        <sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
    let types = content_types(&[
        ("/xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
        (
            "/xl/worksheets/sheet1.xml",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
        ),
    ]);
    zip(&[
        ("[Content_Types].xml", types.as_bytes()),
        ("_rels/.rels", relationships(&[("officeDocument", "xl/workbook.xml")]).as_bytes()),
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", relationships(&[("worksheet", "worksheets/sheet1.xml")]).as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ])
}

/// A DOCX document with one paragraph per entry, set in TH Sarabun at 16 pt as Thai official
/// documents are.
pub fn docx(paragraphs: &[String]) -> zip::result::ZipResult<Vec<u8>> {
    let mut doc = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>",
    );
    for p in paragraphs {
        doc.push_str(&format!(
            "<w:p><w:r><w:rPr><w:rFonts w:ascii=\"TH SarabunPSK\" w:hAnsi=\"TH SarabunPSK\" w:cs=\"TH SarabunPSK\"/>\
             <w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
            escape(p)
        ));
    }
    doc.push_str("</w:body></w:document>");
    let types = content_types(&[(
        "/word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    )]);
    zip(&[
        ("[Content_Types].xml", types.as_bytes()),
        ("_rels/.rels", relationships(&[("officeDocument", "word/document.xml")]).as_bytes()),
        ("word/document.xml", doc.as_bytes()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry_names(bytes: &[u8]) -> Vec<String> {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        (0..archive.len()).map(|i| archive.by_index(i).unwrap().name().unwrap().to_string()).collect()
    }

    #[test]
    fn column_names_go_past_z() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(27), "AB");
    }

    #[test]
    fn xlsx_and_docx_are_zip_packages_with_the_required_parts() {
        let x = xlsx(&[vec!["รายการ".into(), "งบประมาณ".into()], vec!["วัสดุ & ยา".into(), "120,000".into()]])
            .unwrap();
        assert_eq!(&x[..4], b"PK\x03\x04");
        assert!(entry_names(&x).contains(&"xl/worksheets/sheet1.xml".to_string()));
        let d = docx(&["ย่อหน้า <หนึ่ง>".into()]).unwrap();
        assert!(entry_names(&d).contains(&"word/document.xml".to_string()));
    }
}
