//! scrutiny: full-text search over local-council safeguarding committee records.
pub mod cli;
pub mod compare;
pub mod error;
pub mod eval;
pub mod extract;
pub mod glossary;
pub mod index;
pub mod ingest;
pub mod query;
pub mod rank;
pub mod read;
pub mod render;
pub mod search;
pub mod snippet;
pub mod split;
pub mod synth;
pub mod walk;
