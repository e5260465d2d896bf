//! Results → what a person or a program reads: terminal text or JSON.

pub mod json;
pub mod terminal;
