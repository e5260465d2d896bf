//! One file as `scrutiny extract` shows it: everything read from it, without
//! indexing it.

use std::path::Path;

use serde::Serialize;

use super::record;
use crate::extract;
use crate::read;
use crate::split;
use crate::walk::SourceFile;

/// One agenda item as [`inspect`] shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ItemReport {
    pub number: Option<String>,
    pub title: Option<String>,
    pub officers: Vec<extract::Person>,
    /// A standard item (apologies, declarations, previous minutes, …).
    pub standard: bool,
    /// The line of the item's title (or number).
    pub line: u32,
    /// The date and committee of the meeting the item was taken at.
    pub date: Option<String>,
    pub committee: Option<String>,
    /// First and last source line of the item's text, when it has any.
    pub lines: Option<[u32; 2]>,
    /// First and last page of the item's text, for paged formats (PDF).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages: Option<[u32; 2]>,
}

/// One passage as [`inspect`] shows it.
#[derive(Debug, Clone, Serialize)]
pub struct PassageReport {
    pub number: u32,
    /// The passage's item number, if the item has one.
    pub item: Option<String>,
    pub lines: [u32; 2],
    /// First and last page, for paged formats (PDF).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages: Option<[u32; 2]>,
    /// True for a decision (a RESOLVED block and its points).
    pub resolution: bool,
    pub text: String,
}

/// Everything scrutiny reads from one file, as `scrutiny extract` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct RecordReport {
    pub path: String,
    pub council: Option<String>,
    pub committee: Option<String>,
    /// YYYY-MM-DD, or null when the record does not state it.
    pub date: Option<String>,
    pub kind: extract::RecordKind,
    pub items: Vec<ItemReport>,
    /// Every officer named in any item.
    pub officers: Vec<extract::Person>,
    pub members: Vec<extract::Person>,
    pub also_attending: Vec<extract::Person>,
    pub apologies: Vec<extract::Person>,
    /// The committee's clerks ("Contact:").
    pub clerks: Vec<extract::Person>,
    /// The meetings a record of several holds, each with its own date and
    /// committee.
    pub meetings: Vec<MeetingReport>,
    /// Where the record was published, when a sidecar says so.
    pub url: Option<String>,
    pub warnings: Vec<String>,
    /// Where each field came from: its line (0 for the folder or the
    /// whole text) and the rule that read it.
    pub sources: Vec<extract::Source>,
    pub passages: Vec<PassageReport>,
}

/// One meeting of a record that holds several.
#[derive(Debug, Clone, Serialize)]
pub struct MeetingReport {
    pub date: Option<String>,
    pub committee: Option<String>,
    pub line: u32,
}

impl RecordReport {
    /// The record kind's name, as in the index and JSON.
    pub fn kind_name(&self) -> &'static str {
        self.kind.as_str()
    }
}

/// Reads, extracts and splits one file without indexing it. The council
/// comes from the nearest folder of the path that names a known council,
/// as in an index run, else from the text.
pub fn inspect(path: &Path) -> Result<RecordReport, String> {
    let file = SourceFile::alone(path)?;
    let bytes = read::read_file(path, file.size).map_err(|error| error.to_string())?;
    let record = record::record_of(&bytes, &file)?;
    let passages = split::split(&record);
    Ok(RecordReport {
        path: path.display().to_string(),
        council: record.council.clone(),
        committee: record.committee.clone(),
        date: record.date.map(|date| date.to_string()),
        kind: record.kind,
        officers: record.officers(),
        items: record
            .items
            .iter()
            .map(|item| ItemReport {
                number: item.number.clone(),
                title: item.title.clone(),
                officers: item.officers.clone(),
                standard: item.standard,
                line: item.line,
                date: record.item_date(item).map(|date| date.to_string()),
                committee: record.item_committee(item).map(str::to_string),
                lines: item
                    .blocks
                    .first()
                    .zip(item.blocks.last())
                    .map(|(first, last)| [first.first_line(), last.last_line()]),
                pages: item
                    .blocks
                    .first()
                    .zip(item.blocks.last())
                    .map(|(first, last)| [first.first_page(), last.last_page()])
                    .filter(|[first, _]| *first > 0),
            })
            .collect(),
        members: record.members.clone(),
        also_attending: record.also_attending.clone(),
        apologies: record.apologies.clone(),
        clerks: record.clerks.clone(),
        meetings: record
            .meetings
            .iter()
            .map(|meeting| MeetingReport {
                date: meeting.date.map(|date| date.to_string()),
                committee: meeting.committee.clone(),
                line: meeting.line,
            })
            .collect(),
        url: record.url.clone(),
        warnings: record.warnings.clone(),
        sources: record.sources.clone(),
        passages: passages
            .iter()
            .map(|passage| PassageReport {
                number: passage.number,
                item: record.items[passage.item].number.clone(),
                lines: [passage.first_line, passage.last_line],
                pages: (passage.first_page > 0).then_some([passage.first_page, passage.last_page]),
                resolution: passage.resolution,
                text: passage.text.clone(),
            })
            .collect(),
    })
}
