//! Helpers for the integration tests: a temporary copy of the bundled
//! corpus, the built binary run inside it, and JSON parsing.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

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

/// A running `scrutiny serve`, stopped when dropped.
pub struct Server {
    child: Child,
    pub url: String,
}

impl Server {
    pub fn start(workspace: &Workspace) -> Server {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("scrutiny"))
            .args(["serve", "--addr", "127.0.0.1:0"])
            .current_dir(workspace.path())
            .env("NO_COLOR", "1")
            .env_remove("SCRUTINY_INDEX")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start scrutiny serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert!(
            line.starts_with("http://127.0.0.1:"),
            "first line: {line:?}"
        );
        Server {
            child,
            url: line.trim().trim_end_matches('/').to_string(),
        }
    }

    /// GET `path`: the status, content type and body.
    pub fn get(&self, path: &str) -> (u16, String, String) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut response = agent
            .get(format!("{}{path}", self.url))
            .call()
            .unwrap_or_else(|error| panic!("GET {path}: {error}"));
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let body = response
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_string()
            .unwrap();
        (status, content_type, body)
    }

    pub fn json(&self, path: &str) -> (u16, Value) {
        let (status, content_type, body) = self.get(path);
        assert!(
            content_type.starts_with("application/json"),
            "{path}: {content_type}"
        );
        (status, serde_json::from_str(&body).unwrap())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `scrutiny ARGS` in the workspace as an unprivileged user when the
/// tests run as root, so that a file without read permission really cannot
/// be read.
pub fn scrutiny_unprivileged(workspace: &Workspace, args: &[&str]) -> std::process::Output {
    use std::os::unix::fs::PermissionsExt as _;
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| output.stdout.starts_with(b"0\n"));
    if !root {
        return workspace.scrutiny(args).output().unwrap();
    }
    // The binary and the workspace must be reachable by the other user.
    // Copied once: rewriting it before every run widens the moment in which
    // a child that another test thread is forking holds it open for
    // writing, and running it then fails with "Text file busy".
    let binary = workspace.path().join("scrutiny-bin");
    if !binary.exists() {
        std::fs::copy(assert_cmd::cargo::cargo_bin("scrutiny"), &binary).unwrap();
    }
    let everyone = std::fs::Permissions::from_mode(0o777);
    std::fs::set_permissions(workspace.path(), everyone).unwrap();
    for entry in walkdir::WalkDir::new(workspace.path()).follow_links(false) {
        let entry = entry.unwrap();
        if entry.path_is_symlink() || entry.file_name() == "unreadable.txt" {
            continue;
        }
        let mode = if entry.file_type().is_dir() {
            0o777
        } else {
            0o755
        };
        std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(mode)).unwrap();
    }
    let run = || {
        std::process::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(&binary)
            .args(args)
            .current_dir(workspace.path())
            .env("NO_COLOR", "1")
            .env_remove("SCRUTINY_INDEX")
            .output()
            .expect("setpriv runs the binary as nobody")
    };
    // That moment can still fall on the first run after the copy (ETXTBSY,
    // which `setpriv` reports and exits on, having run nothing): try again.
    let mut output = run();
    for _ in 0..10 {
        if !String::from_utf8_lossy(&output.stderr).contains("Text file busy") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        output = run();
    }
    output
}
