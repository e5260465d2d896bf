//! scrutiny: full-text search over local-council safeguarding committee records.
pub mod extract;
pub mod read;
pub mod split;
pub mod walk;
pub mod error;
pub mod index;
pub mod ingest;
