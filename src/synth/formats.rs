//! Plain-text record → the same record as a PDF, a ModernGov-like web page
//! or a Word file.
//!
//! `scrutiny synth --format` writes generated corpora in any format with
//! these, so that the cost of each reader can be measured; the tests use
//! them too, converting the seeds and checking that every format reads
//! back to the same metadata and hits. They write only what the
//! readers need, the way council software lays it out: the PDF has running
//! headers, "Page N of M" footers and words hyphenated at line ends; the web
//! page has navigation, scripts and a cookie banner around the minutes.

/// One paragraph of a record as the writers lay it out: its lines without
/// Markdown markup, and whether Markdown made it a heading.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Paragraph {
    heading: bool,
    lines: Vec<String>,
}

/// The record's blank-line separated paragraphs. In a Markdown record,
/// `#` headings and paragraphs bold throughout are headings, and the markup
/// (`#`, `**`, `- ` bullets) is dropped, as a word processor would show it.
fn paragraphs(source: &str) -> Vec<Paragraph> {
    let markdown = crate::read::markdown::looks_like_markdown(source);
    let mut out = Vec::new();
    let mut block: Vec<&str> = Vec::new();
    let flush = |block: &mut Vec<&str>, out: &mut Vec<Paragraph>| {
        if block.is_empty() {
            return;
        }
        let joined = block.join(" ");
        let trimmed = joined.trim();
        let heading = markdown
            && (trimmed.starts_with('#') || (trimmed.starts_with("**") && trimmed.ends_with("**")));
        let lines = block
            .drain(..)
            .map(|line| {
                let mut line = line.trim_end().to_string();
                if markdown {
                    line = line.trim_start_matches('#').trim_start().replace("**", "");
                    if let Some(item) = line.strip_prefix("- ") {
                        line = item.to_string();
                    }
                    line = line.trim_matches('*').to_string();
                }
                line
            })
            .collect();
        out.push(Paragraph { heading, lines });
    };
    for line in source.lines() {
        if line.trim().is_empty() {
            flush(&mut block, &mut out);
        } else {
            block.push(line);
        }
    }
    flush(&mut block, &mut out);
    out
}

/// Converts a record's text to a Word (DOCX) file, for format tests: each
/// block of lines becomes one paragraph, its lines joined by line breaks.
/// Markdown markup is dropped, and a block that Markdown makes a heading
/// (`#` or bold throughout) gets a heading style, as a council's Word
/// template would.
pub fn to_docx(source: &str) -> std::io::Result<Vec<u8>> {
    use std::io::Write as _;

    let mut body = String::new();
    for paragraph in paragraphs(source) {
        body.push_str("<w:p>");
        if paragraph.heading {
            body.push_str("<w:pPr><w:pStyle w:val=\"Heading2\"/></w:pPr>");
        }
        body.push_str("<w:r>");
        for (position, line) in paragraph.lines.iter().enumerate() {
            if position > 0 {
                body.push_str("<w:br/>");
            }
            for (index, cell) in line.split('\t').enumerate() {
                if index > 0 {
                    body.push_str("<w:tab/>");
                }
                body.push_str("<w:t xml:space=\"preserve\">");
                body.push_str(&crate::snippet::escape_html(cell));
                body.push_str("</w:t>");
            }
        }
        body.push_str("</w:r></w:p>");
    }
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    let content_types = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";
    let relationships = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";
    let mut archive = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in [
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", relationships),
        ("word/document.xml", document.as_str()),
    ] {
        archive
            .start_file(name, options)
            .map_err(std::io::Error::other)?;
        archive.write_all(content.as_bytes())?;
    }
    Ok(archive
        .finish()
        .map_err(std::io::Error::other)?
        .into_inner())
}

/// The running header printed at the top of every PDF page.
pub const PDF_BANNER: &str = "Democratic Services - Minutes of Meetings";

/// Characters per PDF line before a paragraph wraps.
const PDF_LINE_CHARS: usize = 88;
/// Lines per PDF page, below the header and above the footer.
const PDF_PAGE_LINES: usize = 48;

/// Converts a record's text to a PDF, for format tests: Helvetica in
/// Windows-1252 (as council PDFs set their text), paragraphs wrapped at
/// about 88 characters with long words hyphenated at the line end, a blank
/// line between paragraphs, tab-separated cells set in columns, and on every
/// page a running header and a "Page N of M" footer.
pub fn to_pdf(source: &str) -> Vec<u8> {
    let pages = pdf_pages(source);
    let n_pages = pages.len();
    let mut objects: Vec<Vec<u8>> = Vec::new();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    let kids: Vec<String> = (0..n_pages)
        .map(|page| format!("{} 0 R", 5 + 2 * page))
        .collect();
    objects.push(
        format!(
            "<< /Type /Pages /Kids [{}] /Count {n_pages} >>",
            kids.join(" ")
        )
        .into_bytes(),
    );
    for font in ["Helvetica", "Helvetica-Bold"] {
        objects.push(
            format!(
                "<< /Type /Font /Subtype /Type1 /BaseFont /{font} /Encoding /WinAnsiEncoding >>"
            )
            .into_bytes(),
        );
    }
    for (number, lines) in pages.iter().enumerate() {
        let mut content = Vec::new();
        content.extend_from_slice(b"BT /F1 10 Tf\n");
        pdf_text_at(&mut content, 50, 810, PDF_BANNER);
        let mut y = 780;
        for line in lines {
            let font: &[u8] = if line.bold {
                b"/F2 10 Tf\n"
            } else {
                b"/F1 10 Tf\n"
            };
            content.extend_from_slice(font);
            for (column, cell) in line.text.split('\t').enumerate() {
                pdf_text_at(&mut content, 50 + 170 * column, y, cell);
            }
            y -= 15;
        }
        content.extend_from_slice(b"/F1 10 Tf\n");
        pdf_text_at(
            &mut content,
            270,
            30,
            &format!("Page {} of {n_pages}", number + 1),
        );
        content.extend_from_slice(b"ET\n");
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
                6 + 2 * number
            )
            .into_bytes(),
        );
        let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        stream.extend_from_slice(&content);
        stream.extend_from_slice(b"endstream");
        objects.push(stream);
    }
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (index, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", index + 1).as_bytes());
        out.extend_from_slice(object);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// One line set on a PDF page: its text and whether it is bold. An empty
/// line is the gap between paragraphs.
#[derive(Debug, Clone, Default)]
struct PdfLine {
    text: String,
    bold: bool,
}

/// The record's paragraphs wrapped and cut into pages.
fn pdf_pages(source: &str) -> Vec<Vec<PdfLine>> {
    let mut lines: Vec<PdfLine> = Vec::new();
    for paragraph in paragraphs(source) {
        if !lines.is_empty() {
            lines.push(PdfLine::default());
        }
        for line in &paragraph.lines {
            let wrapped = if line.contains('\t') {
                vec![line.clone()]
            } else {
                wrap(line, PDF_LINE_CHARS)
            };
            lines.extend(wrapped.into_iter().map(|text| PdfLine {
                text,
                bold: paragraph.heading,
            }));
        }
    }
    let mut pages: Vec<Vec<PdfLine>> = lines
        .chunks(PDF_PAGE_LINES)
        .map(<[PdfLine]>::to_vec)
        .collect();
    if pages.is_empty() {
        pages.push(Vec::new());
    }
    pages
}

/// Wraps a paragraph at `width` characters; a word of ten letters or more
/// that would start a new line is split with a hyphen instead, as
/// typesetting does.
fn wrap(paragraph: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in paragraph.split_whitespace() {
        let used = current.chars().count();
        let needed = word.chars().count() + usize::from(used > 0);
        if used + needed <= width {
            if used > 0 {
                current.push(' ');
            }
            current.push_str(word);
            continue;
        }
        let room = width.saturating_sub(used + 2);
        let letters = word.chars().all(char::is_alphabetic);
        if letters && word.chars().count() >= 10 && room >= 4 {
            let cut = room.min(word.chars().count() - 4);
            let head: String = word.chars().take(cut).collect();
            let tail: String = word.chars().skip(cut).collect();
            if used > 0 {
                current.push(' ');
            }
            current.push_str(&head);
            current.push('-');
            lines.push(std::mem::take(&mut current));
            current = tail;
        } else {
            if used > 0 {
                lines.push(std::mem::take(&mut current));
            }
            current = word.to_string();
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// Appends a text-showing operation at (x, y) for `text` in Windows-1252.
fn pdf_text_at(content: &mut Vec<u8>, x: usize, y: usize, text: &str) {
    content.extend_from_slice(format!("1 0 0 1 {x} {y} Tm (").as_bytes());
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
    for &byte in bytes.iter() {
        match byte {
            b'(' | b')' | b'\\' => {
                content.push(b'\\');
                content.push(byte);
            }
            0x20..=0x7e => content.push(byte),
            _ => content.extend_from_slice(format!("\\{byte:03o}").as_bytes()),
        }
    }
    content.extend_from_slice(b") Tj\n");
}

/// Converts a record's text to a web page laid out like a ModernGov
/// "Issue - meetings" or minutes page, for format tests: the record inside
/// `<div id="modgov">`, each paragraph a `<p>` (lines split by `<br>`),
/// Markdown headings as `<h2>`, tab-separated rows as a table, non-ASCII
/// characters as entities; around it a cookie banner, navigation, a script
/// and a footer whose words must not be indexed.
pub fn to_html(source: &str) -> String {
    let mut body = String::new();
    for paragraph in paragraphs(source) {
        if paragraph.lines.iter().all(|line| line.contains('\t')) {
            body.push_str("<table class=\"mgStatsTable\">\n");
            for line in &paragraph.lines {
                body.push_str("<tr>");
                for cell in line.split('\t') {
                    body.push_str("<td>");
                    body.push_str(&entities(cell));
                    body.push_str("</td>");
                }
                body.push_str("</tr>\n");
            }
            body.push_str("</table>\n");
            continue;
        }
        let tag = if paragraph.heading { "h2" } else { "p" };
        body.push_str(&format!("<{tag}>"));
        for (position, line) in paragraph.lines.iter().enumerate() {
            if position > 0 {
                body.push_str("<br>\n");
            }
            body.push_str(&entities(line));
        }
        body.push_str(&format!("</{tag}>\n"));
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{HTML_FURNITURE} - Issue - meetings</title>\n\
         <style>body {{ font-family: sans-serif; }}</style>\n\
         <script>window.analytics = {{ page: \"{HTML_FURNITURE}\" }};</script>\n\
         </head>\n<body>\n\
         <div id=\"cookieBanner\" class=\"cookie-notice\"><p>{HTML_FURNITURE}: we use cookies \
         to make this site work.</p><button>Accept cookies</button></div>\n\
         <header><nav><ul><li><a href=\"/\">Home</a></li><li><a href=\"/mgListCommittees.aspx\">\
         {HTML_FURNITURE}</a></li></ul></nav></header>\n\
         <div id=\"modgov\"><div class=\"mgContent\">\n{body}</div></div>\n\
         <footer><p>{HTML_FURNITURE} &copy; Democratic Services</p></footer>\n\
         <script>document.querySelector('#cookieBanner').hidden = false;</script>\n\
         </body>\n</html>\n"
    )
}

/// Words in every part of a generated web page that is not the record
/// (banner, navigation, title, footer, scripts): a search for them must
/// find nothing.
pub const HTML_FURNITURE: &str = "Committee Management Portal";

/// Escapes markup characters and writes non-ASCII characters as entities,
/// named where HTML has a common name.
fn entities(text: &str) -> String {
    let escaped = crate::snippet::escape_html(text);
    let mut out = String::with_capacity(escaped.len());
    for character in escaped.chars() {
        match character {
            '£' => out.push_str("&pound;"),
            '–' => out.push_str("&ndash;"),
            '’' => out.push_str("&rsquo;"),
            '“' => out.push_str("&ldquo;"),
            '”' => out.push_str("&rdquo;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            c if c.is_ascii() => out.push(c),
            c => out.push_str(&format!("&#{};", u32::from(c))),
        }
    }
    out
}
