//! One file → its record: the step index, extract and bench share, so the
//! three read every file the same way, sidecars included.
//!
//! It comes in two halves, so that `bench` can time decoding and extraction
//! apart: [`decode`] reads the sidecars (a bad one fails the file before
//! any other work) and decodes the bytes to text; [`extract`] finds the
//! record's metadata in the text and lets the sidecars' statements win.

use crate::extract::{self, sidecar::Sidecar, Hints, Record};
use crate::read::{self, Text};
use crate::walk::SourceFile;

/// A file's bytes decoded, with what its sidecars state.
pub struct Decoded {
    pub text: Text,
    pub stated: Sidecar,
}

/// Reads a file's sidecars and decodes its bytes; the error is the reason
/// to report for the file.
pub fn decode(bytes: &[u8], file: &SourceFile) -> Result<Decoded, String> {
    let stated = extract::sidecar::load(&file.sidecars)?;
    let text = read::read_bytes(bytes, file.format).map_err(|error| error.to_string())?;
    Ok(Decoded { text, stated })
}

/// The record a decoded file holds.
pub fn extract(decoded: &Decoded, file: &SourceFile) -> Record {
    let hints = Hints {
        folders: file.folders.clone(),
    };
    let mut record = extract::extract(&decoded.text, &hints);
    extract::sidecar::apply(&mut record, &decoded.stated);
    record
}

/// A file's record: [`decode`], then [`extract`].
pub fn record_of(bytes: &[u8], file: &SourceFile) -> Result<Record, String> {
    Ok(extract(&decode(bytes, file)?, file))
}
