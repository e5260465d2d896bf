//! Step one of an index run: the walked corpus against the manifest of the
//! last commit → what to read, what is unchanged, what was removed.
//!
//! Plain data in and out, so it is tested without an index. Renames cannot
//! be known here: a new file is recognised as a renamed one only once it is
//! read and its content hash matches a removed file's ([`super::tally`]).

use std::collections::{BTreeMap, HashSet};

use crate::index::FileEntry;
use crate::walk::SourceFile;

/// Why a file is read in this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The manifest does not know it.
    Added,
    /// The manifest knows it with another size or modification time.
    Changed,
}

/// What an index run will do.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan<'a> {
    /// Files to read, extract and index, with why.
    pub to_read: Vec<(&'a SourceFile, Change)>,
    /// Files whose size and modification time match the manifest.
    pub n_unchanged: usize,
    /// Of those, the ones that could not be indexed when last read: their
    /// keys and reasons.
    pub earlier_failures: Vec<(String, String)>,
    /// Keys the manifest holds that the corpus no longer has.
    pub removed: Vec<String>,
}

impl Plan<'_> {
    /// True when the run has no file to read and none to remove.
    pub fn is_empty(&self) -> bool {
        self.to_read.is_empty() && self.removed.is_empty()
    }
}

/// Compares the walked files with the manifest (empty for a rebuild).
pub fn plan<'a>(files: &'a [SourceFile], manifest: &BTreeMap<String, FileEntry>) -> Plan<'a> {
    let mut plan = Plan::default();
    for file in files {
        match manifest.get(&file.key) {
            Some(entry) if entry.size == file.size && entry.modified == file.modified => {
                plan.n_unchanged += 1;
                if let Some(reason) = entry.status.failure() {
                    plan.earlier_failures
                        .push((file.key.clone(), reason.to_string()));
                }
            }
            Some(_) => plan.to_read.push((file, Change::Changed)),
            None => plan.to_read.push((file, Change::Added)),
        }
    }
    let walked: HashSet<&str> = files.iter().map(|file| file.key.as_str()).collect();
    plan.removed = manifest
        .keys()
        .filter(|key| !walked.contains(key.as_str()))
        .cloned()
        .collect();
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Format;
    use crate::index::FileStatus;

    fn file(key: &str, size: u64, modified: u64) -> SourceFile {
        SourceFile {
            path: key.into(),
            key: key.to_string(),
            folders: Vec::new(),
            format: Format::Text,
            size,
            modified,
            sidecars: Vec::new(),
        }
    }

    fn entry(size: u64, modified: u64, status: FileStatus) -> FileEntry {
        FileEntry {
            size,
            modified,
            content_hash: 7,
            status,
        }
    }

    #[test]
    fn files_are_added_changed_unchanged_or_removed() {
        let files = [
            file("kent/new.txt", 10, 1),
            file("kent/edited.txt", 20, 2),
            file("kent/same.txt", 30, 3),
            file("kent/broken.txt", 40, 4),
        ];
        let manifest = BTreeMap::from([
            (
                "kent/edited.txt".to_string(),
                entry(20, 1, FileStatus::Indexed),
            ),
            (
                "kent/same.txt".to_string(),
                entry(30, 3, FileStatus::Indexed),
            ),
            (
                "kent/broken.txt".to_string(),
                entry(40, 4, FileStatus::Failed("no text to index".into())),
            ),
            (
                "kent/gone.txt".to_string(),
                entry(50, 5, FileStatus::Indexed),
            ),
        ]);
        let plan = plan(&files, &manifest);
        let to_read: Vec<(&str, Change)> = plan
            .to_read
            .iter()
            .map(|(file, change)| (file.key.as_str(), *change))
            .collect();
        assert_eq!(
            to_read,
            [
                ("kent/new.txt", Change::Added),
                ("kent/edited.txt", Change::Changed)
            ]
        );
        assert_eq!(plan.n_unchanged, 2);
        assert_eq!(
            plan.earlier_failures,
            [(
                "kent/broken.txt".to_string(),
                "no text to index".to_string()
            )]
        );
        assert_eq!(plan.removed, ["kent/gone.txt"]);
        assert!(!plan.is_empty());
    }

    #[test]
    fn a_rebuild_reads_every_file() {
        let files = [file("a.txt", 1, 1), file("b.txt", 2, 2)];
        let plan = plan(&files, &BTreeMap::new());
        assert_eq!(plan.to_read.len(), 2);
        assert!(plan
            .to_read
            .iter()
            .all(|(_, change)| *change == Change::Added));
        assert_eq!((plan.n_unchanged, plan.removed.len()), (0, 0));
    }
}
