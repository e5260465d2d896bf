//! Saved searches: `scrutiny watch add NAME QUERY`, then `scrutiny watch`
//! after each re-index to see the passages that are new since the last
//! check.
//!
//! The searches live in a plain TOML file beside the index folder,
//! `<index>.watches.toml` (for the default index, `index.watches.toml`):
//! each search's name, query and filters, when it was last checked and the
//! ids of the passages it matched then. Passage ids are stable (a hash of
//! the file and the passage's text), so a passage counts as new only when
//! it was not there before: a new record, or changed text. Nothing is sent
//! anywhere.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::collector::DocSetCollector;
use tantivy::schema::Value;
use tantivy::TantivyDocument;

use crate::error::{Error, Result};
use crate::glossary::Glossary;
use crate::index::ScrutinyIndex;
use crate::query::{self, QueryOptions};
use crate::request::Selection;
use crate::search::{self, Hit};

/// One saved search as the file holds it: its name, the same
/// [`Selection`] `search` takes (query, filters, glossary switch), and what
/// it matched when last checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Watch {
    pub name: String,
    #[serde(flatten)]
    pub selection: Selection,
    /// When the search was last checked (RFC 3339, UTC).
    pub checked: String,
    /// Ids of the passages it matched then.
    #[serde(default)]
    pub seen: BTreeSet<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WatchFile {
    #[serde(default, rename = "watch")]
    watches: Vec<Watch>,
}

impl Watch {
    /// A search to save under `name`, not yet checked.
    pub fn new(name: &str, selection: Selection) -> Watch {
        Watch {
            name: name.to_string(),
            selection,
            checked: String::new(),
            seen: BTreeSet::new(),
        }
    }
}

/// What a check found for one saved search.
#[derive(Debug, Clone, Serialize)]
pub struct WatchReport {
    pub name: String,
    pub query: String,
    /// When it was checked before this time.
    pub previously_checked: String,
    /// Passages matching now.
    pub matching: usize,
    /// Passages that were not there at the last check, best first.
    pub new: Vec<Hit>,
}

/// The saved-search file of the index at `index_dir`.
pub fn file_of(index_dir: &Path) -> PathBuf {
    let name = index_dir
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "index".to_string());
    index_dir.with_file_name(format!("{name}.watches.toml"))
}

fn invalid(what: &'static str, value: &str, reason: impl Into<String>) -> Error {
    Error::InvalidArgument {
        what,
        value: value.to_string(),
        reason: reason.into(),
    }
}

fn load(path: &Path) -> Result<WatchFile> {
    let unreadable =
        |error: String| invalid("saved-search file", &path.display().to_string(), error);
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let mut table: toml::Table =
                toml::from_str(&text).map_err(|error| unreadable(error.to_string()))?;
            rename_earlier_names(&mut table);
            refuse_unknown_names(&table).map_err(unreadable)?;
            table
                .try_into()
                .map_err(|error: toml::de::Error| unreadable(error.to_string()))
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(WatchFile::default()),
        Err(error) => Err(invalid(
            "saved-search file",
            &path.display().to_string(),
            error.to_string(),
        )),
    }
}

/// Files written before every front end shared one request type named the
/// council filter `councils`; it is `council` now, as on the command line
/// and in URLs.
fn rename_earlier_names(table: &mut toml::Table) {
    let Some(toml::Value::Array(watches)) = table.get_mut("watch") else {
        return;
    };
    for watch in watches {
        if let toml::Value::Table(watch) = watch {
            if let Some(councils) = watch.remove("councils") {
                watch.entry("council").or_insert(councils);
            }
        }
    }
}

/// Refuses a key no saved search has, naming it: serde cannot, since a
/// watch flattens its selection.
fn refuse_unknown_names(table: &toml::Table) -> std::result::Result<(), String> {
    let mut known = crate::request::field_names::<Selection>();
    known.extend(["name", "checked", "seen"].map(String::from));
    let watches = match table.get("watch") {
        Some(toml::Value::Array(watches)) => watches.as_slice(),
        _ => &[],
    };
    for watch in watches.iter().filter_map(toml::Value::as_table) {
        if let Some(unknown) = watch.keys().find(|key| !known.contains(key)) {
            return Err(format!(
                "unknown key {unknown:?} in a [[watch]]; the keys are {}",
                known.join(", ")
            ));
        }
    }
    Ok(())
}

/// Writes the file whole, through a temporary file and a rename, so an
/// interrupted write never leaves half a file.
fn save(path: &Path, file: &WatchFile) -> Result<()> {
    let failed = |error: String| invalid("saved-search file", &path.display().to_string(), error);
    let mut text = String::from(
        "# Saved searches of `scrutiny watch`: the query and filters of each, when it\n\
         # was last checked and the passages it matched then. Edit with `scrutiny\n\
         # watch add/rm`; the file is plain TOML.\n\n",
    );
    text.push_str(&toml::to_string(file).map_err(|error| failed(error.to_string()))?);
    // A temporary file of its own in the same folder, renamed over the
    // file: a reader sees the old file or the new one, never a part.
    let folder = path
        .parent()
        .filter(|folder| !folder.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temporary =
        tempfile::NamedTempFile::new_in(folder).map_err(|error| failed(error.to_string()))?;
    std::io::Write::write_all(&mut temporary, text.as_bytes())
        .and_then(|()| temporary.as_file().sync_all())
        .map_err(|error| failed(error.to_string()))?;
    temporary
        .persist(path)
        .map(drop)
        .map_err(|error| failed(error.to_string()))
}

/// Holds the saved-search file for one read-change-write: every change
/// (`add`, `rm`, a check) takes this lock first, so two at once never lose
/// one's change. Released when dropped.
fn lock(path: &Path) -> Result<std::fs::File> {
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    let failed = |error: std::io::Error| {
        invalid(
            "saved-search file",
            &path.display().to_string(),
            format!("cannot lock it: {error}"),
        )
    };
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(PathBuf::from(name))
        .map_err(failed)?;
    lock.lock().map_err(failed)?;
    Ok(lock)
}

fn now() -> String {
    jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .unwrap_or_else(|_| jiff::Timestamp::now())
        .to_string()
}

/// The ids of every passage a saved search matches now.
fn matching_ids(
    index: &ScrutinyIndex,
    watch: &Watch,
    glossary: Option<&Glossary>,
) -> Result<BTreeSet<String>> {
    let searcher = index.searcher()?;
    let selection = &watch.selection;
    let built = query::build(
        index,
        &searcher,
        selection.text(),
        &selection.filters,
        QueryOptions {
            glossary: selection.glossary(glossary),
            any_word: false,
            topic_only: false,
        },
    )?;
    let mut ids = BTreeSet::new();
    for address in searcher.search(&*built.query, &DocSetCollector)? {
        let document: TantivyDocument = searcher.doc(address)?;
        if let Some(id) = document
            .get_first(index.fields.id)
            .and_then(|value| value.as_str())
        {
            ids.insert(id.to_string());
        }
    }
    Ok(ids)
}

/// Saves a new search, remembering what it matches now as seen. Returns how
/// many passages match.
pub fn add(
    index: &ScrutinyIndex,
    watch_file: &Path,
    mut watch: Watch,
    glossary: Option<&Glossary>,
) -> Result<usize> {
    if watch.name.trim().is_empty() {
        return Err(invalid(
            "saved-search name",
            &watch.name,
            "the name is empty",
        ));
    }
    if watch.name.chars().any(char::is_control) {
        return Err(invalid(
            "saved-search name",
            &watch.name,
            "a name is one line of printable text",
        ));
    }
    let _lock = lock(watch_file)?;
    let mut file = load(watch_file)?;
    if file.watches.iter().any(|other| other.name == watch.name) {
        return Err(invalid(
            "saved-search name",
            &watch.name,
            "a saved search has this name already; remove it first with `scrutiny watch rm`",
        ));
    }
    watch.seen = matching_ids(index, &watch, glossary)?;
    watch.checked = now();
    let matching = watch.seen.len();
    file.watches.push(watch);
    save(watch_file, &file)?;
    Ok(matching)
}

/// Removes a saved search by name.
pub fn remove(watch_file: &Path, name: &str) -> Result<()> {
    let _lock = lock(watch_file)?;
    let mut file = load(watch_file)?;
    let before = file.watches.len();
    file.watches.retain(|watch| watch.name != name);
    if file.watches.len() == before {
        let names: Vec<&str> = file
            .watches
            .iter()
            .map(|watch| watch.name.as_str())
            .collect();
        return Err(invalid(
            "saved-search name",
            name,
            if names.is_empty() {
                "there are no saved searches".to_string()
            } else {
                format!("the saved searches are {}", names.join(", "))
            },
        ));
    }
    save(watch_file, &file)
}

/// The saved searches, in the order they were added.
pub fn list(watch_file: &Path) -> Result<Vec<Watch>> {
    Ok(load(watch_file)?.watches)
}

/// Checks every saved search: the passages new since its last check, best
/// first; then remembers what each matches now.
pub fn check(
    index: &ScrutinyIndex,
    watch_file: &Path,
    glossary: Option<&Glossary>,
) -> Result<Vec<WatchReport>> {
    let _lock = lock(watch_file)?;
    let mut file = load(watch_file)?;
    let mut reports = Vec::new();
    for watch in &mut file.watches {
        let current = matching_ids(index, watch, glossary)?;
        let new_ids: BTreeSet<&String> = current.difference(&watch.seen).collect();
        let mut new = Vec::new();
        if !new_ids.is_empty() {
            new = search::all_matches(index, &watch.selection, glossary)?
                .hits
                .into_iter()
                .filter(|hit| new_ids.contains(&hit.id))
                .collect();
        }
        reports.push(WatchReport {
            name: watch.name.clone(),
            query: watch.selection.text().to_string(),
            previously_checked: watch.checked.clone(),
            matching: current.len(),
            new,
        });
        watch.seen = current;
        watch.checked = now();
    }
    save(watch_file, &file)?;
    Ok(reports)
}
