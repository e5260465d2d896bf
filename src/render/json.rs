//! JSON output: the library's result types serialised as they are, so the
//! CLI and any other front end print the same fields.

use std::io::{self, Write};

use serde::Serialize;

/// Writes `value` as pretty-printed JSON followed by a newline.
pub fn write<T: Serialize>(out: &mut impl Write, value: &T) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(|error| {
        match error.io_error_kind() {
            // Keep the kind, so that a closed pipe is recognised as one.
            Some(kind) => io::Error::new(kind, error),
            None => io::Error::other(error),
        }
    })?;
    writeln!(out)
}
