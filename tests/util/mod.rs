//! Helpers for the integration tests: a temporary copy of the bundled
//! corpus, the built binary run inside it, and JSON parsing.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// A scratch folder holding a copy of `corpus/` and, once built, `index/`.
pub struct Workspace {
    pub dir: tempfile::TempDir,
}

impl Workspace {
    /// A workspace with a copy of the bundled corpus.
    pub fn with_corpus() -> Workspace {
        let workspace = Workspace::empty();
        copy_dir(&bundled_corpus(), &workspace.path().join("corpus"));
        workspace
    }

    /// A workspace with nothing in it.
    pub fn empty() -> Workspace {
        Workspace {
            dir: tempfile::tempdir().expect("create a temporary folder"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `scrutiny ARGS` run in the workspace, never in colour.
    pub fn scrutiny(&self, args: &[&str]) -> Command {
        let mut command = Command::cargo_bin("scrutiny").expect("the scrutiny binary");
        command
            .current_dir(self.path())
            .env_remove("SCRUTINY_INDEX")
            .env_remove("SCRUTINY_CORPUS")
            .env("NO_COLOR", "1")
            .args(args);
        command
    }

    /// Runs `scrutiny ARGS --json` and parses its standard output.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut with_json: Vec<&str> = args.to_vec();
        with_json.push("--json");
        let output = self.scrutiny(&with_json).output().expect("run scrutiny");
        let stdout = String::from_utf8_lossy(&output.stdout);
        serde_json::from_str(&stdout).unwrap_or_else(|error| {
            panic!(
                "scrutiny {args:?} did not print JSON ({error}); stdout: {stdout}; stderr: {}",
                String::from_utf8_lossy(&output.stderr)
            )
        })
    }
}

/// The repository's `corpus/` folder.
pub fn bundled_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The hits of a search's JSON.
pub fn hits(results: &Value) -> &Vec<Value> {
    results["hits"].as_array().expect("a hits array")
}

/// A hit's field as a string, or "" when null.
pub fn text<'a>(hit: &'a Value, field: &str) -> &'a str {
    hit[field].as_str().unwrap_or("")
}

/// The words a hit's snippet marks as matches.
pub fn highlighted_words(hit: &Value) -> Vec<String> {
    let snippet: Vec<char> = text(hit, "snippet").chars().collect();
    hit["highlights"]
        .as_array()
        .expect("a highlights array")
        .iter()
        .map(|range| {
            let start = range[0].as_u64().unwrap() as usize;
            let end = range[1].as_u64().unwrap() as usize;
            snippet[start..end].iter().collect()
        })
        .collect()
}

/// True when the external program `name` can be run. When it cannot, a test
/// that needs it says so and returns early — unless
/// `SCRUTINY_REQUIRE_TOOLS` is set (as `.ci/run` sets it), when a missing
/// program fails the test instead.
pub fn have_tool(name: &str, test: &str) -> bool {
    let found = std::process::Command::new(name)
        .arg("-v")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok();
    if !found {
        assert!(
            std::env::var_os("SCRUTINY_REQUIRE_TOOLS").is_none(),
            "{test}: {name} is required (SCRUTINY_REQUIRE_TOOLS is set) but not installed"
        );
        eprintln!(
            "SKIPPED {test}: {name} is not installed (Debian: apt-get install poppler-utils)"
        );
    }
    found
}
