//! HTML: the main content of a council web page as paragraphs and headings.
//!
//! The page is parsed by html5ever (through `scraper`), the HTML5 parser of
//! browsers, so broken markup and entities read as a browser shows them. The
//! content root is the first of ModernGov's `#modgov` / `.mgContent`, then
//! `main`, `article`, `#content` and finally `body` that holds text; inside
//! it navigation, scripts, styles, forms and cookie banners are dropped.
//! Block elements (paragraphs, list items, table rows, headings) become
//! lines, table cells are joined by tabs, and `h1`–`h6` are marked as
//! headings so they become item titles.
//!
//! Each line cites the line of the HTML file where its text starts, found by
//! looking for the text's first word in the source after the previous one.

use ego_tree::iter::Edge;
use ego_tree::NodeRef;
use scraper::{Html, Node, Selector};

use super::{Line, ReadError, Text};

/// Where the record's text lives, most specific first.
const CONTENT_ROOTS: &[&str] = &[
    "#modgov",
    ".mgContent",
    "main",
    "[role=main]",
    "article",
    "#content",
    "body",
];

/// Elements whose content is never record text.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "nav", "header", "footer", "form", "button",
    "select", "svg", "iframe", "object", "head", "aside", "menu",
];

/// Elements that end the line before and after them.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "blockquote",
    "pre",
    "address",
    "figure",
    "figcaption",
    "fieldset",
    "details",
    "summary",
    "hr",
    "caption",
    "center",
];

/// Elements that separate paragraphs: a blank line before and after.
const PARAGRAPHS: &[&str] = &[
    "p",
    "table",
    "ul",
    "ol",
    "dl",
    "blockquote",
    "pre",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "section",
    "article",
];

/// The deepest element nesting a page may have. The HTML5 parser's work
/// grows with the square of the depth (each new element checks the open
/// ones), so a page nested a hundred thousand deep would take minutes;
/// council pages nest a few dozen deep.
pub const MAX_NESTING: usize = 2_000;

/// Elements that never hold others, or that the parser closes by itself
/// when the next one starts, so they do not deepen the nesting.
const NOT_NESTING: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "p", "li", "dt", "dd", "td", "th", "tr", "option", "!doctype", "!--",
];

/// The most attributes one element may have. The parser checks each new
/// attribute against the element's others, so its work grows with the
/// square of their number (a million took over a minute); pages use a few.
pub const MAX_ATTRIBUTES: usize = 1_000;

/// Why a page is refused before parsing, if it is: elements nested past
/// [`MAX_NESTING`] or one with more than [`MAX_ATTRIBUTES`] attributes,
/// found from the tags alone in one pass over the text.
fn beyond_limits(source: &str) -> Option<String> {
    let bytes = source.as_bytes();
    let mut depth = 0usize;
    let mut position = 0;
    while let Some(offset) = source[position..].find('<') {
        let start = position + offset + 1;
        position = start;
        let closing = bytes.get(start) == Some(&b'/');
        let name_start = start + usize::from(closing);
        let name_end = bytes[name_start..]
            .iter()
            .position(|byte| !(byte.is_ascii_alphanumeric() || *byte == b'!' || *byte == b'-'))
            .map_or(bytes.len(), |end| name_start + end);
        if name_end == name_start {
            continue;
        }
        let name = source[name_start..name_end].to_ascii_lowercase();
        if name.starts_with("!--") {
            continue;
        }
        // The rest of the tag, read once: the scan never goes back.
        let Some(tag_length) = source[name_end..].find('>') else {
            break;
        };
        let tag = &source[name_end..name_end + tag_length];
        position = name_end + tag_length + 1;
        if attribute_count(tag) > MAX_ATTRIBUTES {
            return Some(format!(
                "an element with more than {MAX_ATTRIBUTES} attributes; not read \
                 (a damaged or hostile page)"
            ));
        }
        if NOT_NESTING.contains(&name.as_str()) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else if !tag.ends_with('/') {
            depth += 1;
            if depth > MAX_NESTING {
                return Some(format!(
                    "elements nested more than {MAX_NESTING} deep; not read (a damaged or hostile page)"
                ));
            }
        }
    }
    None
}

/// How many attributes a tag's text (after its name) holds: runs of text
/// between spaces, outside quoted values.
fn attribute_count(tag: &str) -> usize {
    let mut count = 0;
    let (mut quote, mut in_word) = (None, false);
    for character in tag.chars() {
        match quote {
            Some(open) if character == open => quote = None,
            Some(_) => {}
            None if character == '"' || character == '\'' => quote = Some(character),
            None if character.is_whitespace() || character == '/' => in_word = false,
            None => {
                if !in_word {
                    count += 1;
                    in_word = true;
                }
            }
        }
    }
    count
}

/// Reads the text of an HTML page.
pub fn read(source: &str) -> Result<Text, ReadError> {
    if let Some(reason) = beyond_limits(source) {
        return Err(ReadError::Invalid(reason));
    }
    let document = Html::parse_document(source);
    let root = CONTENT_ROOTS
        .iter()
        .filter_map(|selector| Selector::parse(selector).ok())
        .find_map(|selector| {
            document
                .select(&selector)
                .find(|element| element.text().any(|text| !text.trim().is_empty()))
        });
    let Some(root) = root else {
        return Err(ReadError::Invalid("no text in the page's body".to_string()));
    };
    let mut walker = Walker {
        source,
        cursor: 0,
        cursor_line: 1,
        text: Text::default(),
        line: String::new(),
        line_number: 0,
        heading: false,
        after_term: false,
    };
    walker.walk(*root);
    walker.end_line();
    if walker.text.lines.is_empty() {
        return Err(ReadError::Invalid("no text in the page's body".to_string()));
    }
    Ok(walker.text)
}

/// The state of one depth-first walk over the content root.
struct Walker<'a> {
    source: &'a str,
    /// How far into the source the text found so far reaches, and its line.
    cursor: usize,
    cursor_line: u32,
    text: Text,
    /// The line being built, its source line and whether it is a heading.
    line: String,
    line_number: u32,
    heading: bool,
    /// A definition term has just closed: its value joins its line.
    after_term: bool,
}

impl Walker<'_> {
    /// Walks the tree in document order without recursion (ego-tree's
    /// open/close traversal), so a page nested a hundred thousand elements
    /// deep cannot overflow the stack.
    fn walk(&mut self, root: NodeRef<'_, Node>) {
        // The element whose subtree is being skipped, if any.
        let mut skipping: Option<ego_tree::NodeId> = None;
        for edge in root.traverse() {
            match edge {
                Edge::Open(node) => {
                    if skipping.is_some() {
                        continue;
                    }
                    match node.value() {
                        Node::Text(text) => self.push_text(text),
                        Node::Element(element) => {
                            let name = element.name();
                            if SKIPPED.contains(&name)
                                || is_banner(element)
                                || element.attr("hidden").is_some()
                            {
                                skipping = Some(node.id());
                                continue;
                            }
                            let heading = matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6");
                            // A definition's term and its value read as one
                            // labelled line ("Decision Maker: Cabinet"), as a
                            // text copy of the page has them.
                            let defines = name == "dd" && std::mem::take(&mut self.after_term);
                            if defines {
                            } else if PARAGRAPHS.contains(&name) {
                                self.end_paragraph();
                            } else if heading || BLOCKS.contains(&name) {
                                self.end_line();
                            }
                            match name {
                                "br" => self.end_line(),
                                "td" | "th" if !self.line.is_empty() => self.line.push('\t'),
                                _ => {}
                            }
                            self.heading |= heading;
                        }
                        _ => {}
                    }
                }
                Edge::Close(node) => {
                    if let Some(skipped) = skipping {
                        if skipped == node.id() {
                            skipping = None;
                        }
                        continue;
                    }
                    if let Node::Element(element) = node.value() {
                        let name = element.name();
                        let heading = matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6");
                        if name == "dt" {
                            self.line.push(' ');
                            self.after_term = true;
                        } else if PARAGRAPHS.contains(&name) {
                            self.end_paragraph();
                        } else if heading || BLOCKS.contains(&name) {
                            self.end_line();
                        }
                    }
                }
            }
        }
    }

    fn push_text(&mut self, text: &str) {
        if text.trim().is_empty() {
            if !self.line.is_empty() && !self.line.ends_with([' ', '\t']) {
                self.line.push(' ');
            }
            return;
        }
        if self.line.trim().is_empty() {
            self.line_number = self.locate(text);
        }
        self.line.push_str(text);
    }

    /// The source line of `text`: where its first word next appears after
    /// the text before it, or the line of that earlier text.
    fn locate(&mut self, text: &str) -> u32 {
        // Entities are decoded in `text` but not in the source, so look for a
        // plain word: the first run of letters and digits.
        let word = text
            .split(|character: char| !character.is_alphanumeric())
            .find(|word| !word.is_empty())
            .unwrap_or_default();
        if word.is_empty() {
            return self.cursor_line;
        }
        if let Some(offset) = self.source[self.cursor..].find(word) {
            let found = self.cursor + offset;
            let newlines = self.source[self.cursor..found]
                .bytes()
                .filter(|&byte| byte == b'\n')
                .count();
            self.cursor_line += u32::try_from(newlines).unwrap_or(u32::MAX);
            self.cursor = found + word.len();
        }
        self.cursor_line
    }

    fn end_line(&mut self) {
        let line = std::mem::take(&mut self.line);
        let text = super::normalise_whitespace(line.trim_matches('\t'));
        if !text.is_empty() {
            self.text.lines.push(Line {
                text,
                number: self.line_number,
                last_number: self.line_number,
                page: 0,
                last_page: 0,
                heading: self.heading,
            });
        }
        self.heading = false;
    }

    fn end_paragraph(&mut self) {
        self.end_line();
        self.text.push_break(self.cursor_line);
    }
}

/// Cookie notices and similar overlays, known by their id or class.
fn is_banner(element: &scraper::node::Element) -> bool {
    let named = |value: Option<&str>| {
        value.is_some_and(|value| {
            let value = value.to_ascii_lowercase();
            value.contains("cookie") || value.contains("consent") || value.contains("skip-link")
        })
    };
    named(element.attr("id")) || named(element.attr("class"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &Text) -> Vec<(&str, u32, bool)> {
        text.lines
            .iter()
            .map(|line| (line.text.as_str(), line.number, line.heading))
            .collect()
    }

    #[test]
    fn the_content_root_wins_over_navigation_scripts_and_banners() {
        let page = "<html><head><title>x</title><script>var sexting = 1;</script></head>\n\
            <body><div class=\"cookie-banner\">We use cookies</div>\n\
            <nav><a href=\"/\">Home</a></nav>\n\
            <div id=\"modgov\"><h2>3 Sexting</h2>\n\
            <p>Fees rose to &pound;150 &ndash; a &#8220;record&#8221;.</p></div>\n\
            <footer>Contact us</footer></body></html>";
        let text = read(page).unwrap();
        assert_eq!(
            lines(&text),
            vec![
                ("3 Sexting", 4, true),
                ("", 4, false),
                ("Fees rose to £150 – a “record”.", 5, false),
                ("", 5, false),
            ]
        );
    }

    #[test]
    fn table_cells_join_with_tabs_and_breaks_end_lines() {
        let page = "<body><main><table><tr><td>Syed Hussain</td><td>Kyle Robinson</td></tr>\
            <tr><td>Jason Jones</td><td>Victoria Wilson</td></tr></table>\
            <p>one<br>two</p></main></body>";
        let text = read(page).unwrap();
        let texts: Vec<&str> = text.lines.iter().map(|line| line.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "Syed Hussain\tKyle Robinson",
                "Jason Jones\tVictoria Wilson",
                "",
                "one",
                "two",
                ""
            ]
        );
    }

    #[test]
    fn deep_nesting_reads_without_recursion_and_hostile_depth_is_refused() {
        let page = |depth: usize| {
            format!(
                "<html><body><main>{}deep text{}</main></body></html>",
                "<div>".repeat(depth),
                "</div>".repeat(depth)
            )
        };
        let text = read(&page(MAX_NESTING - 10)).unwrap();
        assert!(text.lines.iter().any(|line| line.text == "deep text"));
        let error = read(&page(100_000)).unwrap_err().to_string();
        assert!(error.contains("nested more than 2000 deep"), "{error}");
        // Thousands of paragraphs and list items left open are not nesting.
        let sloppy = format!("<body>{}</body>", "<p>one<li>two<br>".repeat(5_000));
        assert!(read(&sloppy).is_ok());
    }

    #[test]
    fn an_element_with_too_many_attributes_is_refused_at_once() {
        let page = |attributes: usize| {
            let list: String = (0..attributes)
                .map(|number| format!(" a{number}=\"x y\""))
                .collect();
            format!("<html><body><main><p{list}>text</p></main></body></html>")
        };
        assert!(read(&page(MAX_ATTRIBUTES)).is_ok());
        let error = read(&page(1_000_000)).unwrap_err().to_string();
        assert_eq!(
            error,
            "an element with more than 1000 attributes; not read (a damaged or hostile page)"
        );
        assert_eq!(attribute_count(" a=1 b='x y' c=\"p q r\" d"), 4);
        // Tags left open to the end are read once, not once per tag.
        assert!(read(&"<a".repeat(200_000)).is_err());
    }

    #[test]
    fn a_page_without_text_is_refused() {
        let error = read("<html><body><script>x()</script></body></html>").unwrap_err();
        assert!(error.to_string().contains("no text"), "{error}");
    }
}
