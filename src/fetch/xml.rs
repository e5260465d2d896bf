//! The web service's XML as a small tree, read with limits.
//!
//! quick-xml never expands entities a document declares; scrutiny goes
//! further and refuses any document with a DTD (ModernGov's answers have
//! none, and entity bombs need one), documents nested deeper than
//! [`MAX_DEPTH`] or holding more than [`MAX_ELEMENTS`] elements, bytes
//! that are not UTF-8 and references to unknown entities.

use quick_xml::events::Event;
use quick_xml::Reader;

/// Deeper nesting than any answer of the service needs.
pub const MAX_DEPTH: usize = 64;
/// More elements than a year of meetings holds.
pub const MAX_ELEMENTS: usize = 500_000;

/// An element: its lower-cased local name, its own text and children.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|child| child.name == name)
    }

    /// Every child named `name`.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |child| child.name == name)
    }

    /// The trimmed text of the first child named `name`, or "".
    pub fn text_of(&self, name: &str) -> &str {
        self.child(name).map_or("", |child| child.text.trim())
    }

    /// Every element named `name` at any depth below this one.
    pub fn descendants<'a>(&'a self, name: &'a str, found: &mut Vec<&'a Element>) {
        for child in &self.children {
            if child.name == name {
                found.push(child);
            }
            child.descendants(name, found);
        }
    }
}

/// Parses an answer into its root element.
pub fn parse(body: &[u8]) -> Result<Element, String> {
    let text = std::str::from_utf8(body).map_err(|error| {
        format!(
            "the answer is not valid UTF-8 (byte {})",
            error.valid_up_to()
        )
    })?;
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = vec![Element::default()];
    let mut elements = 0usize;
    loop {
        let event = reader.read_event().map_err(|error| {
            format!(
                "not well-formed XML at byte {}: {error}",
                reader.buffer_position()
            )
        })?;
        match event {
            Event::DocType(_) => {
                return Err("the answer declares a DTD; scrutiny reads none (entity \
                            expansion is a known attack)"
                    .into())
            }
            Event::Start(element) => {
                elements += 1;
                if elements > MAX_ELEMENTS || stack.len() > MAX_DEPTH {
                    return Err(too_big());
                }
                stack.push(Element {
                    name: local_name(element.local_name().into_inner()),
                    ..Element::default()
                });
            }
            Event::Empty(element) => {
                elements += 1;
                if elements > MAX_ELEMENTS {
                    return Err(too_big());
                }
                let name = local_name(element.local_name().into_inner());
                let parent = stack.last_mut().expect("the document element");
                parent.children.push(Element {
                    name,
                    ..Element::default()
                });
            }
            Event::End(_) => {
                let done = stack.pop().expect("balanced by the reader");
                let Some(parent) = stack.last_mut() else {
                    return Err("an end tag without a start".into());
                };
                parent.children.push(done);
            }
            Event::Text(text) => {
                let decoded = text.xml10_content();
                push_text(&mut stack, &decoded)?;
            }
            Event::CData(data) => {
                let decoded = data.into_inner().into_owned();
                push_text(&mut stack, &decoded)?;
            }
            Event::GeneralRef(reference) => {
                let resolved = if let Ok(Some(character)) = reference.resolve_char_ref() {
                    character.to_string()
                } else if let Some(entity) =
                    quick_xml::escape::resolve_predefined_entity(&reference.xml10_content())
                {
                    entity.to_string()
                } else {
                    return Err(format!(
                        "the answer uses an entity scrutiny does not know: &{};",
                        reference.xml10_content()
                    ));
                };
                push_text(&mut stack, &resolved)?;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        return Err("the answer ends inside an element (cut short?)".into());
    }
    let document = stack.pop().expect("the document");
    document
        .children
        .into_iter()
        .next()
        .ok_or_else(|| "the answer holds no XML element".to_string())
}

fn push_text(stack: &mut [Element], text: &str) -> Result<(), String> {
    let current = stack.last_mut().expect("the document");
    if current.text.len() + text.len() > 64 << 20 {
        return Err(too_big());
    }
    current.text.push_str(text);
    Ok(())
}

fn local_name(name: &str) -> String {
    name.to_ascii_lowercase()
}

fn too_big() -> String {
    format!("the answer nests deeper than {MAX_DEPTH} or holds more than {MAX_ELEMENTS} elements")
}

/// True when a body meant to be XML is an HTML page: a block or
/// challenge page put in front of the service.
pub fn looks_like_html(body: &[u8]) -> bool {
    let start: String = String::from_utf8_lossy(&body[..body.len().min(512)])
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .take(200)
        .collect::<String>()
        .to_ascii_lowercase();
    start.starts_with("<!doctype html")
        || start.starts_with("<html")
        || start.starts_with("<head")
        || start.starts_with("<script")
        || start.starts_with("<body")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_elements_text_and_entities() {
        let root = parse(
            b"<?xml version=\"1.0\"?><committees><committee><committeeid>7</committeeid>\
              <committeetitle>Children &amp; Families &#8211; Scrutiny</committeetitle>\
              </committee><committee/></committees>",
        )
        .unwrap();
        assert_eq!(root.name, "committees");
        let first = root.all("committee").next().unwrap();
        assert_eq!(first.text_of("committeeid"), "7");
        assert_eq!(
            first.text_of("committeetitle"),
            "Children & Families \u{2013} Scrutiny"
        );
        assert_eq!(root.all("committee").count(), 2);
    }

    #[test]
    fn refuses_bombs_bad_bytes_and_cut_answers() {
        let bomb = b"<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">\
                     <!ENTITY lol2 \"&lol;&lol;&lol;\">]><lolz>&lol2;</lolz>";
        assert!(parse(bomb).unwrap_err().contains("DTD"));
        assert!(parse(b"<a>\xff</a>").unwrap_err().contains("UTF-8"));
        assert!(parse(b"<a><b>text</b>").unwrap_err().contains("cut short"));
        assert!(parse(b"<a>&nope;</a>").unwrap_err().contains("&nope;"));
        let deep = "<a>".repeat(MAX_DEPTH + 2);
        assert!(parse(deep.as_bytes()).unwrap_err().contains("deeper"));
    }

    #[test]
    fn knows_an_html_page() {
        assert!(looks_like_html(
            b"\n <!DOCTYPE html><html><script>challenge()</script>"
        ));
        assert!(looks_like_html(
            b"<HTML><body>Request unsuccessful</body></HTML>"
        ));
        assert!(!looks_like_html(b"<?xml version=\"1.0\"?><committees/>"));
    }
}
