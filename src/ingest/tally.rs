//! Step four of an index run: the plan and each file's outcome → the
//! run's summary, with renamed files recognised.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::apply::Outcome;
use super::plan::{Change, Plan};
use super::{display_path, FileFailure, IndexSummary};
use crate::index::FileEntry;

/// Counts what the run did. A new file holding exactly what a removed file
/// held was renamed: it counts as neither added nor removed.
pub fn tally(
    corpus: &Path,
    plan: &Plan,
    outcomes: Vec<Outcome>,
    manifest: &BTreeMap<String, FileEntry>,
) -> IndexSummary {
    let mut summary = IndexSummary {
        n_unchanged: plan.n_unchanged,
        n_removed: plan.removed.len(),
        earlier_failures: plan
            .earlier_failures
            .iter()
            .map(|(key, reason)| FileFailure {
                path: display_path(corpus, key),
                reason: reason.clone(),
            })
            .collect(),
        ..IndexSummary::default()
    };
    let mut removed_contents: HashMap<u64, usize> = HashMap::new();
    for key in &plan.removed {
        if let Some(entry) = manifest.get(key).filter(|entry| entry.status.is_indexed()) {
            *removed_contents.entry(entry.content_hash).or_default() += 1;
        }
    }
    for ((file, change), outcome) in plan.to_read.iter().zip(outcomes) {
        let count_change = |summary: &mut IndexSummary| match change {
            Change::Changed => summary.n_changed += 1,
            Change::Added => summary.n_added += 1,
        };
        match outcome {
            Outcome::Indexed {
                n_passages,
                bytes,
                content_hash,
            } => {
                summary.n_passages += n_passages;
                summary.bytes_read += bytes;
                let renamed = removed_contents
                    .get_mut(&content_hash)
                    .filter(|count| **count > 0);
                match (change, renamed) {
                    (Change::Added, Some(count)) => {
                        *count -= 1;
                        summary.n_renamed += 1;
                        summary.n_removed -= 1;
                    }
                    _ => count_change(&mut summary),
                }
            }
            Outcome::Touched { bytes } => {
                summary.bytes_read += bytes;
                summary.n_unchanged += 1;
            }
            Outcome::Failed { reason, bytes } => {
                summary.bytes_read += bytes;
                count_change(&mut summary);
                summary.failures.push(FileFailure {
                    path: display_path(corpus, &file.key),
                    reason,
                });
            }
        }
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Format;
    use crate::index::FileStatus;
    use crate::walk::SourceFile;

    fn file(key: &str) -> SourceFile {
        SourceFile {
            path: key.into(),
            key: key.to_string(),
            folders: Vec::new(),
            format: Format::Text,
            size: 1,
            modified: 1,
            sidecars: Vec::new(),
        }
    }

    #[test]
    fn a_new_file_with_a_removed_files_content_is_a_rename() {
        let files = [
            file("kent/new-name.txt"),
            file("kent/edited.txt"),
            file("kent/bad.txt"),
        ];
        let plan = Plan {
            to_read: vec![
                (&files[0], Change::Added),
                (&files[1], Change::Changed),
                (&files[2], Change::Added),
            ],
            n_unchanged: 3,
            earlier_failures: Vec::new(),
            removed: vec!["kent/old-name.txt".to_string(), "kent/gone.txt".to_string()],
        };
        let manifest = BTreeMap::from([
            (
                "kent/old-name.txt".to_string(),
                FileEntry {
                    size: 1,
                    modified: 0,
                    content_hash: 42,
                    status: FileStatus::Indexed,
                },
            ),
            (
                "kent/gone.txt".to_string(),
                FileEntry {
                    size: 1,
                    modified: 0,
                    content_hash: 9,
                    status: FileStatus::Indexed,
                },
            ),
        ]);
        let outcomes = vec![
            Outcome::Indexed {
                n_passages: 4,
                bytes: 100,
                content_hash: 42,
            },
            Outcome::Indexed {
                n_passages: 2,
                bytes: 50,
                content_hash: 8,
            },
            Outcome::Failed {
                reason: "no text to index".into(),
                bytes: 5,
            },
        ];
        let summary = tally(Path::new("corpus"), &plan, outcomes, &manifest);
        assert_eq!(
            (
                summary.n_added,
                summary.n_changed,
                summary.n_removed,
                summary.n_renamed,
                summary.n_unchanged
            ),
            (1, 1, 1, 1, 3)
        );
        assert_eq!((summary.n_passages, summary.bytes_read), (6, 155));
        assert_eq!(
            summary.failures,
            [FileFailure {
                path: Path::new("corpus")
                    .join("kent/bad.txt")
                    .display()
                    .to_string(),
                reason: "no text to index".into(),
            }]
        );
    }
}
