//! Writing into the output folder: whole files only, never outside it,
//! and a manifest of what came from where.
//!
//! Every file is written under a temporary name in its own folder and
//! renamed into place, so a run stopped at any moment (Ctrl-C, kill -9, a
//! dropped network) leaves either the old file or the new one. The
//! manifest (`<out>/.scrutiny-fetch/manifest.json`, in a hidden folder the
//! index does not read) records each address fetched with its validators
//! and the hash of each file written; it is rewritten the same way after
//! every meeting, so a later run resumes from it.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::http::Validators;

/// The folder, inside the output, that holds the manifest.
pub const STATE_FOLDER: &str = ".scrutiny-fetch";
const MANIFEST: &str = "manifest.json";
const MANIFEST_VERSION: u32 = 1;

/// What earlier runs fetched into this folder.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub version: u32,
    /// The site's base address.
    pub site: String,
    /// Each address answered, with its validators and the files made from
    /// it.
    pub urls: BTreeMap<String, UrlEntry>,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct UrlEntry {
    #[serde(flatten)]
    pub validators: Validators,
    /// Files written from this answer: path under the output → hash.
    pub files: BTreeMap<String, String>,
    /// The options that chose the files (topic, documents).
    #[serde(default)]
    pub selection: String,
}

impl Manifest {
    /// Reads the manifest of `out`, or starts one.
    pub fn load(out: &Path, site: &str) -> Result<Manifest, String> {
        let path = out.join(STATE_FOLDER).join(MANIFEST);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Manifest {
                    version: MANIFEST_VERSION,
                    site: site.to_string(),
                    urls: BTreeMap::new(),
                })
            }
            Err(error) => return Err(format!("cannot read {}: {error}", path.display())),
        };
        let manifest: Manifest = serde_json::from_str(&text).map_err(|error| {
            format!(
                "{} is damaged ({error}); move it away to fetch everything again",
                path.display()
            )
        })?;
        if manifest.version != MANIFEST_VERSION {
            return Err(format!(
                "{} was written by another version of scrutiny (manifest version {}); move \
                 it away to fetch everything again",
                path.display(),
                manifest.version
            ));
        }
        Ok(manifest)
    }

    pub fn save(&self, out: &Path) -> Result<(), String> {
        let text = serde_json::to_string_pretty(self).expect("the manifest serialises");
        write_file(
            out,
            Path::new(STATE_FOLDER).join(MANIFEST).as_path(),
            text.as_bytes(),
        )
    }
}

/// The hash kept for a file's content.
pub fn hash(bytes: &[u8]) -> String {
    format!("xxh3-{:032x}", xxhash_rust::xxh3::xxh3_128(bytes))
}

/// Whether `relative` (under `out`) already holds exactly `bytes`.
pub fn holds(out: &Path, relative: &Path, bytes: &[u8]) -> bool {
    std::fs::read(out.join(relative)).is_ok_and(|existing| existing == bytes)
}

/// Writes `bytes` to `relative` under `out`, whole or not at all.
/// `relative` must be a plain relative path (no `..`, no root).
pub fn write_file(out: &Path, relative: &Path, bytes: &[u8]) -> Result<(), String> {
    if relative.as_os_str().is_empty()
        || !relative
            .components()
            .all(|component| matches!(component, Component::Normal(_)))
    {
        return Err(format!(
            "refused to write {}: not a plain path inside the output folder",
            relative.display()
        ));
    }
    let path = out.join(relative);
    let folder = path.parent().unwrap_or(out);
    std::fs::create_dir_all(folder)
        .map_err(|error| format!("cannot create {}: {error}", folder.display()))?;
    let mut file = tempfile::Builder::new()
        .prefix(".partial-")
        .tempfile_in(folder)
        .map_err(|error| format!("cannot write in {}: {error}", folder.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.as_file().sync_all())
        .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
    file.persist(&path)
        .map_err(|error| format!("cannot write {}: {}", path.display(), error.error))?;
    Ok(())
}

/// Removes temporary files a stopped run left behind.
pub fn sweep_partials(out: &Path) {
    for entry in walkdir::WalkDir::new(out).into_iter().flatten() {
        let is_partial = entry
            .file_name()
            .to_str()
            .is_some_and(|name| name.starts_with(".partial-"));
        if is_partial && entry.file_type().is_file() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// A file or folder name made from site text: lower-case letters, digits
/// and single dashes, at most `limit` characters; never empty.
pub fn slug(text: &str, limit: usize) -> String {
    let mut slug = String::new();
    for character in text.chars().flat_map(char::to_lowercase) {
        if character.is_ascii_alphanumeric() {
            slug.push(character);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.len() >= limit {
            break;
        }
    }
    let slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() {
        "untitled".to_string()
    } else {
        slug
    }
}

/// The output path of a site-given document name, checked: a name that
/// holds a path (`../../x.pdf`, `a/b.pdf`, `C:\x.pdf`), starts with a dot
/// or holds control characters is refused.
pub fn document_name(raw: &str) -> Result<String, String> {
    let decoded = percent_decode(raw);
    if decoded.contains(['/', '\\'])
        || decoded.starts_with('.')
        || decoded.chars().any(char::is_control)
        || decoded.contains(':')
    {
        return Err(format!(
            "the document name {decoded:?} holds a path or hidden name; not saved"
        ));
    }
    let (stem, extension) = decoded.rsplit_once('.').unwrap_or((&decoded, ""));
    Ok(format!("{}.{}", slug(stem, 80), slug(extension, 8)))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' {
            if let Some(byte) = text
                .get(at + 1..at + 3)
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            {
                decoded.push(byte);
                at += 3;
                continue;
            }
        }
        decoded.push(bytes[at]);
        at += 1;
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

/// `relative` as the manifest writes it: forward slashes.
pub fn manifest_path(relative: &Path) -> String {
    relative
        .components()
        .map(|component| component.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The path a manifest entry names, back under `out`.
pub fn from_manifest_path(text: &str) -> PathBuf {
    text.split('/').collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_plain() {
        assert_eq!(
            slug("Children & Families O&S Panel", 60),
            "children-families-o-s-panel"
        );
        assert_eq!(slug("../../etc", 60), "etc");
        assert_eq!(slug("***", 60), "untitled");
    }

    #[test]
    fn document_names_with_paths_are_refused() {
        for bad in [
            "../../x.pdf",
            "..%2F..%2Fx.pdf",
            "a/b.pdf",
            "C:\\x.pdf",
            ".hidden.pdf",
            "x%00.pdf",
        ] {
            assert!(document_name(bad).is_err(), "{bad}");
        }
        assert_eq!(
            document_name("Annual%20Report%202019.pdf").unwrap(),
            "annual-report-2019.pdf"
        );
    }

    #[test]
    fn writes_only_inside_the_folder() {
        let out = tempfile::tempdir().unwrap();
        assert!(write_file(out.path(), Path::new("../x.html"), b"x").is_err());
        assert!(write_file(out.path(), Path::new("/tmp/x.html"), b"x").is_err());
        write_file(out.path(), Path::new("a/b.html"), b"whole").unwrap();
        assert_eq!(
            std::fs::read(out.path().join("a/b.html")).unwrap(),
            b"whole"
        );
        assert!(holds(out.path(), Path::new("a/b.html"), b"whole"));
    }
}
