//! Markdown: the text of each block without its markup, lines kept.
//!
//! Minutes exported from council sites often arrive as Markdown, sometimes
//! in files named `.txt`. pulldown-cmark parses them; we keep each text run's
//! source offset so every output line maps back to its source line.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::Text;

/// True when enough lines carry Markdown markup (ATX headings or bold runs)
/// that the file is Markdown whatever its name says.
pub(crate) fn looks_like_markdown(source: &str) -> bool {
    let marked = source
        .lines()
        .take(400)
        .filter(|line| {
            let trimmed = line.trim_start();
            let heading = trimmed.starts_with('#')
                && trimmed.trim_start_matches('#').starts_with(' ')
                && trimmed.len() - trimmed.trim_start_matches('#').len() <= 6;
            let bold = trimmed.starts_with("**") && trimmed[2..].contains("**");
            heading || bold
        })
        .count();
    marked >= 2
}

/// Renders Markdown to plain lines, one per source line of text.
pub fn read(source: &str) -> Text {
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(source.match_indices('\n').map(|(offset, _)| offset + 1))
        .collect();
    let line_of = |offset: usize| -> u32 {
        let index = line_starts.partition_point(|&start| start <= offset);
        u32::try_from(index.max(1)).unwrap_or(u32::MAX)
    };

    let mut text = Text::default();
    let mut line = String::new();
    let mut line_number: Option<u32> = None;
    let mut in_heading = false;
    let mut strong_depth = 0usize;
    // Whether the current paragraph has text outside bold runs; a paragraph
    // that is bold throughout is a heading in exported minutes.
    let mut plain_in_block = false;
    let mut block_lines_start = 0usize;

    let flush_line = |text: &mut Text, line: &mut String, line_number: &mut Option<u32>| {
        if let Some(number) = line_number.take() {
            text.push(line, number, false);
        }
        line.clear();
    };

    for (event, range) in Parser::new_ext(source, Options::empty()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { .. }) => {
                in_heading = true;
                block_lines_start = text.lines.len();
            }
            Event::Start(Tag::Paragraph) | Event::Start(Tag::Item) => {
                plain_in_block = false;
                block_lines_start = text.lines.len();
            }
            Event::Start(Tag::Strong) => strong_depth += 1,
            Event::End(TagEnd::Strong) => strong_depth = strong_depth.saturating_sub(1),
            Event::Text(run) | Event::Code(run) | Event::InlineHtml(run) | Event::Html(run) => {
                if line_number.is_none() {
                    line_number = Some(line_of(range.start));
                }
                if strong_depth == 0 && !in_heading && !run.trim().is_empty() {
                    plain_in_block = true;
                }
                line.push_str(&run);
            }
            Event::SoftBreak | Event::HardBreak => {
                flush_line(&mut text, &mut line, &mut line_number);
            }
            Event::End(TagEnd::Heading(_)) => {
                flush_line(&mut text, &mut line, &mut line_number);
                mark_headings(&mut text, block_lines_start);
                in_heading = false;
                text.push_break(line_of(range.end));
            }
            Event::End(TagEnd::Paragraph) => {
                flush_line(&mut text, &mut line, &mut line_number);
                if !plain_in_block {
                    mark_headings(&mut text, block_lines_start);
                }
                text.push_break(line_of(range.end));
            }
            Event::End(TagEnd::Item) => {
                flush_line(&mut text, &mut line, &mut line_number);
            }
            Event::End(TagEnd::List(_))
            | Event::End(TagEnd::BlockQuote(_))
            | Event::End(TagEnd::CodeBlock)
            | Event::End(TagEnd::HtmlBlock) => {
                flush_line(&mut text, &mut line, &mut line_number);
                text.push_break(line_of(range.end));
            }
            _ => {}
        }
    }
    flush_line(&mut text, &mut line, &mut line_number);
    text
}

fn mark_headings(text: &mut Text, from: usize) {
    for line in text.lines.iter_mut().skip(from) {
        if !line.text.is_empty() {
            line.heading = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The non-empty lines with their source line and heading mark.
    fn numbered_lines(text: &Text) -> Vec<(&str, u32, bool)> {
        text.lines
            .iter()
            .filter(|line| !line.text.is_empty())
            .map(|line| (line.text.as_str(), line.number, line.heading))
            .collect()
    }

    #[test]
    fn bold_and_heading_markup_does_not_leak() {
        let source = "**RESOLVED** – That the minutes be signed.\n\n#### **4. Cabinet Response**\n";
        assert_eq!(
            numbered_lines(&read(source)),
            vec![
                ("RESOLVED – That the minutes be signed.", 1, false),
                ("4. Cabinet Response", 3, true),
            ]
        );
    }

    #[test]
    fn bold_paragraph_is_a_heading_and_hard_breaks_keep_lines() {
        let text = read("\n**Minutes of the Meeting held on  \n26 September 2017**\n");
        assert_eq!(
            numbered_lines(&text),
            vec![
                ("Minutes of the Meeting held on", 2, true),
                ("26 September 2017", 3, true)
            ]
        );
    }

    #[test]
    fn list_items_are_lines_of_one_block() {
        let text = read("- a) first;\n- b) second.\n");
        let blocks = text.blocks();
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].joined(), "a) first; b) second.");
    }
}
