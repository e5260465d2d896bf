//! What a ModernGov site publishes, read from its web service
//! (`mgWebService.asmx`) or, where that is off or blocked, from its pages.
//!
//! The service: `GetCommittees`, then `GetMeetings` per committee and date
//! range (dates as dd/mm/yyyy; some sites ignore the range, so the caller
//! filters again), then `GetMeeting` per meeting, whose agenda items carry
//! their minutes as HTML. The pages: `mgListCommittees.aspx`,
//! `ieListMeetings.aspx?CId=…&Year=0` and `ieListDocuments.aspx?CId=…&MId=…`,
//! whose item table (`.mgItemTable`) holds each item's number, title,
//! "Minutes:" and "Decision:" text and linked documents.

use jiff::civil::Date;
use scraper::{ElementRef, Html, Selector};
use url::Url;

use super::xml::{self, Element};

/// A committee of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committee {
    pub id: u64,
    pub title: String,
}

/// A meeting as a list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingStub {
    pub id: u64,
    pub date: Date,
    pub cancelled: bool,
}

/// An agenda item with what was said and decided.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Item {
    pub id: Option<u64>,
    /// As the site numbers it: "5", "12a".
    pub number: String,
    pub title: String,
    /// The item's description on the agenda, one paragraph per entry.
    pub agenda: Vec<String>,
    pub minutes: Vec<String>,
    pub decision: Vec<String>,
    pub documents: Vec<Document>,
}

impl Item {
    /// Whether the item has minutes or decision text: only those become
    /// records.
    pub fn has_outcome(&self) -> bool {
        !self.minutes.is_empty() || !self.decision.is_empty()
    }
}

/// A linked report or printed minutes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub id: Option<u64>,
    pub title: String,
    /// As the site wrote it: relative or absolute.
    pub href: String,
}

/// The service address of `operation` with its parameters.
pub fn service_url(base: &Url, operation: &str, parameters: &[(&str, String)]) -> Url {
    let mut url = join(base, &format!("mgWebService.asmx/{operation}"));
    if !parameters.is_empty() {
        url.query_pairs_mut().extend_pairs(parameters);
    }
    url
}

/// A path under the site's base address (which keeps its folder:
/// `https://example.gov.uk/democracy/`).
pub fn join(base: &Url, path: &str) -> Url {
    base.join(path).unwrap_or_else(|_| base.clone())
}

/// dd/mm/yyyy, as the service wants dates.
pub fn service_date(date: Date) -> String {
    date.strftime("%d/%m/%Y").to_string()
}

/// Checks a service answer is XML with the root expected. An HTML page is
/// a block or challenge page; XML sent under another content type is read
/// all the same.
pub fn service_root(body: &[u8], content_type: &str, root: &str) -> Result<Element, Unusable> {
    let blocked = || {
        Unusable::Blocked(
            "an HTML page came where the service's XML was expected (a challenge or block \
             page in front of the site?)"
                .into(),
        )
    };
    if xml::looks_like_html(body) {
        return Err(blocked());
    }
    let element = match xml::parse(body) {
        Ok(element) => element,
        Err(_) if content_type.to_ascii_lowercase().contains("text/html") => return Err(blocked()),
        Err(reason) => return Err(Unusable::Refused(reason)),
    };
    if element.name != root {
        return Err(Unusable::Failed(format!(
            "the service answered <{}> where <{root}> was expected",
            element.name
        )));
    }
    Ok(element)
}

/// Why an answer that arrived cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unusable {
    /// A block or challenge page, or a page that is not the site's.
    Blocked(String),
    /// Hostile or broken beyond reading: bombs, bad bytes.
    Refused(String),
    /// Well formed, but not what the service sends.
    Failed(String),
}

/// `GetCommittees`: the committees not marked deleted.
pub fn committees(root: &Element) -> Vec<Committee> {
    root.all("committee")
        .filter(|committee| !is_true(committee.text_of("committeedeleted")))
        .filter_map(|committee| {
            Some(Committee {
                id: committee.text_of("committeeid").parse().ok()?,
                title: clean(committee.text_of("committeetitle")),
            })
        })
        .filter(|committee| !committee.title.is_empty())
        .collect()
}

/// `GetMeetings`: the meetings listed, at any depth (the committee wraps
/// them).
pub fn meetings(root: &Element) -> Vec<MeetingStub> {
    let mut found = Vec::new();
    root.descendants("meeting", &mut found);
    found
        .into_iter()
        .filter_map(|meeting| {
            Some(MeetingStub {
                id: meeting.text_of("meetingid").parse().ok()?,
                date: parse_service_date(meeting.text_of("meetingdate"))?,
                cancelled: meeting
                    .text_of("meetingstatus")
                    .to_ascii_lowercase()
                    .contains("cancel"),
            })
        })
        .collect()
}

/// `GetMeeting`: its agenda items, minutes read from their HTML.
pub fn meeting_items(root: &Element) -> Vec<Item> {
    let Some(items) = root.child("agendaitems") else {
        return Vec::new();
    };
    items
        .all("agendaitem")
        .filter(|item| !is_true(item.text_of("isrestricted")))
        .map(|item| {
            let number = [
                item.text_of("fulldisplaynumberformat"),
                item.text_of("agendaitemnumber"),
                item.text_of("minutesitemnumber"),
            ]
            .into_iter()
            .find(|number| !number.is_empty())
            .unwrap_or("")
            .trim_end_matches('.')
            .to_string();
            let documents = item
                .child("linkeddocuments")
                .map(|linked| {
                    linked
                        .all("linkeddoc")
                        .filter(|doc| !is_true(doc.text_of("isrestricted")))
                        .filter(|doc| !doc.text_of("url").is_empty())
                        .map(|doc| Document {
                            id: doc.text_of("attachmentid").parse().ok(),
                            title: clean(doc.text_of("title")),
                            href: doc.text_of("url").to_string(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            Item {
                id: item.text_of("agendaitemid").parse().ok(),
                number,
                title: clean(item.text_of("agendaitemtitle")),
                agenda: paragraphs(item.text_of("agendatext")),
                minutes: paragraphs(item.text_of("minutesnonemptyhtmlbody")),
                decision: Vec::new(),
                documents,
            }
        })
        .filter(|item| !item.title.is_empty())
        .collect()
}

fn is_true(value: &str) -> bool {
    value.eq_ignore_ascii_case("true")
}

/// dd/mm/yyyy, or the ISO form some sites send.
fn parse_service_date(text: &str) -> Option<Date> {
    let text = text.trim();
    let day = text.split([' ', 'T']).next()?;
    Date::strptime("%d/%m/%Y", day)
        .or_else(|_| day.parse::<Date>())
        .ok()
}

/// Whitespace folded to single spaces.
pub fn clean(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An HTML fragment (the service's Word-exported minutes) as paragraphs.
pub fn paragraphs(html: &str) -> Vec<String> {
    if html.trim().is_empty() {
        return Vec::new();
    }
    let page = format!("<html><body><main>{html}</main></body></html>");
    match crate::read::html::read(&page) {
        Ok(text) => text
            .lines
            .into_iter()
            .map(|line| line.text)
            .filter(|line| !line.trim().is_empty())
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Whether an HTML answer is a page of the site rather than a challenge or
/// block page put in front of it.
pub fn is_site_page(html: &Html) -> bool {
    let markers = selector("#modgov, .mgContent, .mgMainTitleTxt, .mgItemTable, #mgItemTable");
    html.select(&markers).next().is_some()
}

/// `mgListCommittees.aspx`: links to `mgCommitteeDetails.aspx?ID=…`.
pub fn page_committees(html: &Html) -> Vec<Committee> {
    let mut committees: Vec<Committee> = Vec::new();
    for link in html.select(&selector("a[href]")) {
        let href = link.value().attr("href").unwrap_or("");
        if !href
            .to_ascii_lowercase()
            .contains("mgcommitteedetails.aspx")
        {
            continue;
        }
        let Some(id) = query_number(href, &["id"]) else {
            continue;
        };
        let title = clean(&link.text().collect::<String>());
        if !title.is_empty() && !committees.iter().any(|known| known.id == id) {
            committees.push(Committee { id, title });
        }
    }
    committees
}

/// `ieListMeetings.aspx`: links to `ieListDocuments.aspx?…MId=…` whose
/// text starts with the date ("12 Oct 2015 6.00 pm", maybe "CANCELLED").
pub fn page_meetings(html: &Html) -> Vec<MeetingStub> {
    let mut meetings: Vec<MeetingStub> = Vec::new();
    for link in html.select(&selector("a[href]")) {
        let href = link.value().attr("href").unwrap_or("");
        if !href.to_ascii_lowercase().contains("ielistdocuments.aspx") {
            continue;
        }
        let Some(id) = query_number(href, &["mid"]) else {
            continue;
        };
        let text = clean(&link.text().collect::<String>());
        let Some(date) = page_date(&text) else {
            continue;
        };
        if !meetings.iter().any(|known| known.id == id) {
            meetings.push(MeetingStub {
                id,
                date,
                cancelled: text.to_ascii_lowercase().contains("cancel"),
            });
        }
    }
    meetings
}

/// "12 Oct 2015 …" or "12 October 2015 …".
fn page_date(text: &str) -> Option<Date> {
    let words: Vec<&str> = text.split_whitespace().take(3).collect();
    if words.len() < 3 {
        return None;
    }
    let day = words.join(" ");
    Date::strptime("%d %b %Y", &day)
        .or_else(|_| Date::strptime("%d %B %Y", &day))
        .ok()
}

/// `ieListDocuments.aspx`: the item table, one item per row.
pub fn page_items(html: &Html) -> Vec<Item> {
    let rows = selector(".mgItemTable tr, #mgItemTable tr");
    let number_cell = selector("td.mgItemNumberCell");
    let cells = selector("td");
    let anchors = selector("a[name], a[id], p[id]");
    let mut items = Vec::new();
    for row in html.select(&rows) {
        let Some(number_cell) = row.select(&number_cell).next() else {
            continue;
        };
        let Some(body) = row
            .select(&cells)
            .find(|cell| cell.id() != number_cell.id())
        else {
            continue;
        };
        let number = clean(&number_cell.text().collect::<String>())
            .trim_end_matches('.')
            .to_string();
        let id = row
            .select(&anchors)
            .filter_map(|anchor| {
                let value = anchor.value();
                value.attr("name").or_else(|| value.attr("id"))
            })
            .find_map(|name| name.strip_prefix("AI").and_then(|id| id.parse().ok()));
        items.push(read_item_cell(body, id, number));
    }
    items
        .into_iter()
        .filter(|item| !item.title.is_empty())
        .collect()
}

/// A meeting page's printed minutes: links in its action list whose text
/// says so (`mgConvert2PDF.aspx?ID=…&T=10` on older sites,
/// `/documents/g<meeting>/Printed minutes ….pdf` on newer).
pub fn printed_minutes(html: &Html) -> Vec<Document> {
    let mut found: Vec<Document> = Vec::new();
    for link in html.select(&selector("a[href]")) {
        let text = clean(&link.text().collect::<String>());
        if !text.to_ascii_lowercase().starts_with("printed minutes") {
            continue;
        }
        let href = link.value().attr("href").unwrap_or("").to_string();
        if !found.iter().any(|known| known.href == href) {
            found.push(Document {
                id: None,
                title: "Printed minutes".into(),
                href,
            });
        }
    }
    found
}

/// The second cell of an item row: title, description, then "Minutes:" /
/// "Decision:" headings each followed by their text, and document lists.
fn read_item_cell(cell: ElementRef, id: Option<u64>, number: String) -> Item {
    #[derive(Clone, Copy)]
    enum Part {
        Agenda,
        Minutes,
        Decision,
    }
    let mut item = Item {
        id,
        number,
        ..Item::default()
    };
    let mut part = Part::Agenda;
    let links = selector("a[href]");
    for child in cell.children().filter_map(ElementRef::wrap) {
        let element = child.value();
        let text = clean(&child.text().collect::<String>());
        let has_class = |class: &str| element.classes().any(|known| known == class);
        if has_class("mgAiTitleTxt") && item.title.is_empty() {
            item.title = text;
        } else if has_class("mgSubItemTitleTxt") {
            let heading = text.to_ascii_lowercase();
            if heading.starts_with("minute") {
                part = Part::Minutes;
            } else if heading.starts_with("decision") || heading.starts_with("resolved") {
                part = Part::Decision;
            }
        } else if element.name() == "ul" {
            for link in child.select(&links) {
                let href = link.value().attr("href").unwrap_or("").to_string();
                let title = clean(&link.text().collect::<String>());
                item.documents.push(Document {
                    id: document_number(&href),
                    title: strip_size(&title),
                    href,
                });
            }
        } else if !text.is_empty() && !text.to_ascii_lowercase().starts_with("view the decision") {
            let found = paragraphs(&child.html());
            match part {
                Part::Agenda => item.agenda.extend(found),
                Part::Minutes => item.minutes.extend(found),
                Part::Decision => item.decision.extend(found),
            }
        }
    }
    item
}

/// "Report PDF 120 KB" → "Report".
fn strip_size(title: &str) -> String {
    let lower = title.to_ascii_lowercase();
    for marker in [" pdf ", " doc ", " docx "] {
        if let Some(at) = lower.rfind(marker) {
            return title[..at].trim().to_string();
        }
    }
    title.to_string()
}

/// The `s<id>` of `/documents/s<id>/…`, or an `ID=` parameter.
fn document_number(href: &str) -> Option<u64> {
    let lower = href.to_ascii_lowercase();
    if let Some(at) = lower.find("/documents/s") {
        let digits: String = lower[at + 12..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if let Ok(id) = digits.parse() {
            return Some(id);
        }
    }
    query_number(href, &["id"])
}

/// A number-valued query parameter, its name matched without case.
fn query_number(href: &str, names: &[&str]) -> Option<u64> {
    let query = href.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or(query);
    form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| names.iter().any(|name| key.eq_ignore_ascii_case(name)))
        .and_then(|(_, value)| value.trim().parse().ok())
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).expect("a valid selector")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_urls_keep_the_base_folder_and_encode_dates() {
        let base = Url::parse("https://example.gov.uk/democracy/").unwrap();
        let url = service_url(
            &base,
            "GetMeetings",
            &[
                ("lCommitteeId", "12".into()),
                ("sFromDate", service_date(jiff::civil::date(2017, 3, 1))),
            ],
        );
        assert_eq!(
            url.as_str(),
            "https://example.gov.uk/democracy/mgWebService.asmx/GetMeetings?lCommitteeId=12&sFromDate=01%2F03%2F2017"
        );
    }

    #[test]
    fn reads_dates_in_both_forms() {
        assert_eq!(
            parse_service_date("07/11/2016"),
            Some(jiff::civil::date(2016, 11, 7))
        );
        assert_eq!(
            parse_service_date("2016-11-07T00:00:00"),
            Some(jiff::civil::date(2016, 11, 7))
        );
        assert_eq!(
            page_date("7 Nov 2016 2.00 pm"),
            Some(jiff::civil::date(2016, 11, 7))
        );
        assert_eq!(
            page_date("7 November 2016"),
            Some(jiff::civil::date(2016, 11, 7))
        );
        assert_eq!(page_date("Agenda"), None);
    }

    #[test]
    fn document_numbers_come_from_the_path_or_the_query() {
        assert_eq!(document_number("/documents/s4521/Report.pdf"), Some(4521));
        assert_eq!(document_number("mgConvert2PDF.aspx?ID=88"), Some(88));
        assert_eq!(strip_size("Annual report PDF 212 KB"), "Annual report");
    }
}
