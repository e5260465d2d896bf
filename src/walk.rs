//! Corpus directory → the record files in it.
//!
//! walkdir finds regular files; hidden files and folders, README files and
//! files of other types are passed over. A symbolic link to a file is read
//! as that file; links to folders are never followed (so no loops) and,
//! like broken links, are reported with the reason. The first folder below the corpus root names the council.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use walkdir::WalkDir;

pub use crate::format::Format;

/// The name of a folder's sidecar.
pub const FOLDER_SIDECAR: &str = "scrutiny.toml";
/// The ending of a record's own sidecar, after the record's file name.
pub const FILE_SIDECAR_SUFFIX: &str = ".meta.toml";

/// True for a file that is a sidecar, not a record.
pub fn is_sidecar(name: &str) -> bool {
    name == FOLDER_SIDECAR || name.ends_with(FILE_SIDECAR_SUFFIX)
}

/// The sidecars that apply to a record, nearest first: its own, then each
/// folder's from its own up to `root` (or only its own folder's without one).
pub fn sidecars_of(record: &Path, root: Option<&Path>) -> Vec<PathBuf> {
    let mut found = candidates(record, root);
    found.retain(|candidate| candidate.is_file());
    found
}

/// Where sidecars for a record would be, nearest first, whether or not
/// they exist.
pub fn candidates(record: &Path, root: Option<&Path>) -> Vec<PathBuf> {
    let mut own = record.as_os_str().to_owned();
    own.push(FILE_SIDECAR_SUFFIX);
    let mut found = vec![PathBuf::from(own)];
    let mut folder = record.parent();
    while let Some(current) = folder {
        found.push(current.join(FOLDER_SIDECAR));
        match root {
            Some(root) if current != root && current.starts_with(root) => folder = current.parent(),
            _ => break,
        }
    }
    found
}

/// A record file found in the corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Where to read it from.
    pub path: PathBuf,
    /// The path relative to the corpus root, with `/` separators: the key the
    /// index knows the file by.
    pub key: String,
    /// The folders between the corpus root and the file, outermost first:
    /// extraction takes the nearest that names a known council as the
    /// council.
    pub folders: Vec<String>,
    pub format: Format,
    /// Bytes of the record and its sidecars together.
    pub size: u64,
    /// Latest modification time of the record and its sidecars, in
    /// nanoseconds since the Unix epoch (0 if unknown): a changed sidecar
    /// makes its record count as changed.
    pub modified: u64,
    /// Sidecar metadata files that apply to the record, nearest first.
    pub sidecars: Vec<PathBuf>,
}

impl SourceFile {
    /// One record file named on its own, outside any corpus walk (as
    /// `scrutiny extract` takes them): its own sidecar and its folder's
    /// apply, and its folders are those of the path as written. Refused
    /// unless it is a regular file (following links): a pipe or a device
    /// would never end.
    pub fn alone(path: &Path) -> Result<SourceFile, String> {
        let metadata = std::fs::metadata(path).map_err(|error| error.to_string())?;
        if !metadata.is_file() {
            return Err(
                "not a regular file (a folder, pipe or device cannot be read as a record)".into(),
            );
        }
        let sidecars = sidecars_of(path, None);
        let mut file = SourceFile {
            path: path.to_path_buf(),
            key: path.display().to_string(),
            folders: path
                .parent()
                .into_iter()
                .flat_map(Path::components)
                .filter_map(|component| match component {
                    std::path::Component::Normal(folder) => {
                        Some(folder.to_string_lossy().into_owned())
                    }
                    _ => None,
                })
                .collect(),
            format: Format::from_path(path).unwrap_or(Format::Text),
            size: metadata.len(),
            modified: modified_nanos(&metadata),
            sidecars,
        };
        for sidecar in &file.sidecars {
            if let Ok(metadata) = std::fs::metadata(sidecar) {
                file.size += metadata.len();
                file.modified = file.modified.max(modified_nanos(&metadata));
            }
        }
        Ok(file)
    }
}

/// A path the walk could not list or chose to pass over, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
}

/// What a walk found.
#[derive(Debug, Default)]
pub struct Walked {
    pub files: Vec<SourceFile>,
    /// Entries that could not be read (permissions, vanished files).
    pub errors: Vec<Skipped>,
    /// Regular files whose type scrutiny does not read.
    pub n_other_files: usize,
    /// Their paths.
    pub other_files: Vec<PathBuf>,
}

/// Lists the record files below `root`, sorted by key so that every run sees
/// them in the same order.
pub fn walk(root: &Path) -> Walked {
    let mut walked = Walked::default();
    // Sidecars seen by the walk, with their size and modification time:
    // records find theirs here once the walk is over, with no further look
    // at the disk for the sidecars most records do not have.
    let mut sidecars_seen: HashMap<PathBuf, (u64, u64)> = HashMap::new();
    let entries = WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        // Hidden folders (.git, .cache) are not entered; hidden files are
        // looked at below, so that one named like a record is named.
        .filter_entry(|entry| {
            entry.depth() == 0 || !(entry.file_type().is_dir() && is_hidden(entry.file_name()))
        });
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let path = error.path().unwrap_or(root).to_path_buf();
                walked.errors.push(Skipped {
                    path,
                    reason: error.to_string(),
                });
                continue;
            }
        };
        if is_readme(entry.file_name()) {
            continue;
        }
        if is_hidden(entry.file_name()) {
            if Format::from_path(entry.path()).is_some() {
                walked.errors.push(Skipped {
                    path: entry.path().to_path_buf(),
                    reason: "a hidden file (its name starts with a dot); not read \
                             (rename it to index it)"
                        .to_string(),
                });
            }
            continue;
        }
        let target = match file_metadata(&entry) {
            Ok(Some(metadata)) => metadata,
            Ok(None) => continue,
            Err(reason) => {
                walked.errors.push(Skipped {
                    path: entry.path().to_path_buf(),
                    reason,
                });
                continue;
            }
        };
        if entry.file_name().to_str().is_some_and(is_sidecar) {
            sidecars_seen.insert(
                entry.path().to_path_buf(),
                (target.len(), modified_nanos(&target)),
            );
            continue;
        }
        let Some(format) = Format::from_path(entry.path()) else {
            walked.n_other_files += 1;
            walked.other_files.push(entry.path().to_path_buf());
            continue;
        };
        let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let components: Vec<String> = relative
            .components()
            .map(|component| component.as_os_str().to_string_lossy().into_owned())
            .collect();
        walked.files.push(SourceFile {
            path: entry.path().to_path_buf(),
            key: components.join("/"),
            folders: components[..components.len().saturating_sub(1)].to_vec(),
            format,
            size: target.len(),
            modified: modified_nanos(&target),
            sidecars: Vec::new(),
        });
    }
    attach_sidecars(&mut walked.files, &sidecars_seen, root);
    walked
}

/// What a walked entry is, to be read: the metadata of a regular file (a
/// link's target's, for a link to a file); `None` for what is passed over
/// without a word (folders, and what is not named like a record); the
/// reason for what is passed over and named. Links to folders are not
/// followed (they can loop or leave the corpus); pipes, sockets and devices
/// are never opened, for reading one could block for ever or never end.
fn file_metadata(entry: &walkdir::DirEntry) -> Result<Option<std::fs::Metadata>, String> {
    let named_like_a_record = Format::from_path(entry.path()).is_some();
    let metadata = if entry.path_is_symlink() {
        match std::fs::metadata(entry.path()) {
            Ok(metadata) if metadata.is_dir() => {
                return Err("a symbolic link to a folder, not followed \
                            (index the folder itself, or link its files)"
                    .to_string())
            }
            Ok(metadata) => metadata,
            Err(error) => return Err(format!("a broken symbolic link: {error}")),
        }
    } else if entry.file_type().is_dir() {
        return Ok(None);
    } else {
        entry.metadata().map_err(|error| error.to_string())?
    };
    if metadata.is_file() {
        return Ok(Some(metadata));
    }
    if !named_like_a_record {
        return Ok(None);
    }
    Err(if entry.path_is_symlink() {
        "a symbolic link to a pipe, socket or device, not a regular file; not read"
    } else {
        "not a regular file (a pipe, socket or device); not read"
    }
    .to_string())
}

/// Gives each record the sidecars the walk saw that apply to it, counting
/// their size and time as the record's.
fn attach_sidecars(files: &mut [SourceFile], seen: &HashMap<PathBuf, (u64, u64)>, root: &Path) {
    if seen.is_empty() {
        return;
    }
    for file in files {
        for candidate in candidates(&file.path, Some(root)) {
            if let Some(&(size, modified)) = seen.get(&candidate) {
                file.size += size;
                file.modified = file.modified.max(modified);
                file.sidecars.push(candidate);
            }
        }
    }
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|name| name.starts_with('.'))
}

/// README files describe a corpus; they are not records.
fn is_readme(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|name| name.to_ascii_lowercase().starts_with("readme"))
}

fn modified_nanos(metadata: &std::fs::Metadata) -> u64 {
    metadata
        .modified()
        .ok()
        .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |duration| {
            u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_finds_records_and_names_councils() {
        let dir = tempfile::tempdir().unwrap();
        let council = dir.path().join("wiltshire");
        std::fs::create_dir_all(council.join(".hidden")).unwrap();
        std::fs::write(council.join("a.txt"), "text").unwrap();
        std::fs::write(council.join("b.jpg"), "image").unwrap();
        std::fs::write(council.join(".hidden/c.txt"), "hidden").unwrap();
        std::fs::write(dir.path().join("README.md"), "about").unwrap();
        std::fs::write(dir.path().join("loose.md"), "loose").unwrap();
        let walked = walk(dir.path());
        let keys: Vec<(&str, &[String])> = walked
            .files
            .iter()
            .map(|file| (file.key.as_str(), file.folders.as_slice()))
            .collect();
        assert_eq!(
            keys,
            vec![
                ("loose.md", &[][..]),
                ("wiltshire/a.txt", &["wiltshire".to_string()][..])
            ]
        );
        assert_eq!(walked.n_other_files, 1);
    }

    #[cfg(unix)]
    #[test]
    fn links_to_files_are_read_and_links_to_folders_named() {
        let dir = tempfile::tempdir().unwrap();
        let council = dir.path().join("wiltshire");
        std::fs::create_dir_all(&council).unwrap();
        std::fs::write(council.join("a.txt"), "text").unwrap();
        std::os::unix::fs::symlink("..", council.join("loop")).unwrap();
        std::os::unix::fs::symlink("self", council.join("self")).unwrap();
        std::os::unix::fs::symlink("a.txt", council.join("b.txt")).unwrap();
        let walked = walk(dir.path());
        let keys: Vec<&str> = walked.files.iter().map(|file| file.key.as_str()).collect();
        assert_eq!(keys, ["wiltshire/a.txt", "wiltshire/b.txt"]);
        let reasons: Vec<String> = walked
            .errors
            .iter()
            .map(|error| error.reason.clone())
            .collect();
        assert_eq!(reasons.len(), 2, "{reasons:?}");
        assert!(
            reasons[0].contains("to a folder, not followed"),
            "{reasons:?}"
        );
        assert!(reasons[1].contains("broken symbolic link"), "{reasons:?}");
    }
}
