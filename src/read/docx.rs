//! DOCX (Word): the paragraphs of `word/document.xml` in order.
//!
//! A Word file is a zip archive; its text is the `w:t` runs of each `w:p`
//! paragraph, `w:tab` a tab, `w:br` and `w:cr` a line break. Deleted text
//! (`w:delText`) and field codes (`w:instrText`) are not runs of `w:t`, so
//! they are left out. A paragraph styled as a heading or title is marked as
//! one. Word has no lines: a DOCX passage cites its paragraphs, numbered
//! from 1 like lines. Archives are read with limits, so a zip bomb is
//! refused rather than unpacked.

use std::io::{Cursor, Read};

use quick_xml::events::Event;
use quick_xml::Reader;

use super::{ReadError, Text};

/// The most entries a Word archive may list.
const MAX_ENTRIES: usize = 10_000;
/// The most bytes `word/document.xml` may unpack to.
///
/// Word's XML of a thousand-page report is a few megabytes; reading 100 MB
/// of it took a gigabyte of memory, so a document that unpacks past this is
/// refused as damaged or as a zip bomb.
const MAX_DOCUMENT_BYTES: u64 = 32 * 1024 * 1024;

/// Reads the text of a DOCX file.
pub fn read(bytes: &[u8]) -> Result<Text, ReadError> {
    let invalid =
        |reason: String| ReadError::Invalid(format!("not a readable Word file: {reason}"));
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|error| invalid(error.to_string()))?;
    if archive.len() > MAX_ENTRIES {
        return Err(invalid(format!("{} entries in the archive", archive.len())));
    }
    let document = archive
        .by_name("word/document.xml")
        .map_err(|error| invalid(format!("word/document.xml: {error}")))?;
    let mut xml = Vec::new();
    document
        .take(MAX_DOCUMENT_BYTES + 1)
        .read_to_end(&mut xml)
        .map_err(|error| invalid(error.to_string()))?;
    if xml.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(invalid(format!(
            "its text (word/document.xml) unpacks to more than {} MB, from a {} KB file \
             (a damaged file or a zip bomb)",
            MAX_DOCUMENT_BYTES >> 20,
            bytes.len() / 1024
        )));
    }
    paragraphs(&xml).map_err(invalid)
}

/// Walks the document's XML: one numbered paragraph after another.
fn paragraphs(xml: &[u8]) -> Result<Text, String> {
    let mut reader = Reader::from_reader(xml);
    let mut text = Text::default();
    let mut buffer = Vec::new();
    let mut number = 0u32;
    let mut line = String::new();
    let mut in_run_text = false;
    let mut heading = false;
    loop {
        let event = reader
            .read_event_into(&mut buffer)
            .map_err(|error| format!("XML error at byte {}: {error}", reader.buffer_position()))?;
        match event {
            Event::Start(element) if element.local_name().into_inner() == "p" => {
                number += 1;
                line.clear();
                heading = false;
            }
            Event::Empty(element) if element.local_name().into_inner() == "p" => {
                number += 1;
                text.push_break(number);
            }
            Event::Start(element) if element.local_name().into_inner() == "t" => in_run_text = true,
            Event::End(element) if element.local_name().into_inner() == "t" => in_run_text = false,
            Event::Empty(element) | Event::Start(element) => {
                match element.local_name().into_inner() {
                    "tab" => line.push('\t'),
                    "br" | "cr" => {
                        text.push(&line, number, heading);
                        line.clear();
                    }
                    "pStyle" => {
                        heading = element.attributes().flatten().any(|attribute| {
                            attribute.key.local_name().into_inner() == "val" && {
                                let value = attribute.value.to_lowercase();
                                value.starts_with("heading") || value == "title"
                            }
                        });
                    }
                    _ => {}
                }
            }
            Event::Text(run) if in_run_text => line.push_str(&run.xml10_content()),
            Event::GeneralRef(reference) if in_run_text => {
                if let Ok(Some(character)) = reference.resolve_char_ref() {
                    line.push(character);
                } else if let Some(entity) =
                    quick_xml::escape::resolve_predefined_entity(&reference.xml10_content())
                {
                    line.push_str(entity);
                }
            }
            Event::End(element) if element.local_name().into_inner() == "p" => {
                text.push(&line, number, heading);
                line.clear();
                text.push_break(number);
            }
            Event::Eof => break,
            _ => {}
        }
        buffer.clear();
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_tabs_breaks_entities_and_headings() {
        let xml = br#"<w:document xmlns:w="w"><w:body>
<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>3. Taxi Licensing</w:t></w:r></w:p>
<w:p><w:r><w:t>Fees &amp; charges</w:t><w:tab/><w:t>&#163;150</w:t><w:br/><w:t xml:space="preserve">second line</w:t></w:r>
<w:del><w:r><w:delText>struck out</w:delText></w:r></w:del><w:r><w:instrText>PAGE</w:instrText></w:r></w:p>
<w:p/>
<w:p><w:r><w:t>last</w:t></w:r></w:p>
</w:body></w:document>"#;
        let text = paragraphs(xml).unwrap();
        let lines: Vec<(&str, u32, bool)> = text
            .lines
            .iter()
            .filter(|line| !line.text.is_empty())
            .map(|line| (line.text.as_str(), line.number, line.heading))
            .collect();
        assert_eq!(
            lines,
            vec![
                ("3. Taxi Licensing", 1, true),
                ("Fees & charges\t£150", 2, false),
                ("second line", 2, false),
                ("last", 4, false),
            ]
        );
        assert_eq!(text.blocks().len(), 3);
    }

    #[test]
    fn not_a_zip_is_a_clear_error() {
        let error = read(b"PK\x03\x04 nonsense").unwrap_err();
        assert!(
            error.to_string().starts_with("not a readable Word file"),
            "{error}"
        );
    }
}
