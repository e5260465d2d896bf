//! Helpers for the integration tests: a temporary copy of the bundled
//! corpus, the built binary run inside it, and JSON parsing.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::assert::{Assert, OutputAssertExt};
use serde_json::Value;

/// How long one run of the binary may take before the test fails. The
/// slowest runs in the suite (thousands of generated records indexed on two
/// cores) take a few seconds; a run that needs this long has hung.
pub const RUN_LIMIT: Duration = Duration::from_secs(120);

/// `scrutiny ARGS` ready to run, with a time limit: a run that does not
/// finish in time is stopped and fails the test, naming the command.
pub struct Scrutiny {
    command: assert_cmd::Command,
    shown: String,
    limit: Duration,
}

impl Scrutiny {
    pub fn env(&mut self, name: &str, value: impl AsRef<std::ffi::OsStr>) -> &mut Self {
        self.command.env(name, value);
        self
    }

    pub fn env_remove(&mut self, name: &str) -> &mut Self {
        self.command.env_remove(name);
        self
    }

    pub fn current_dir(&mut self, dir: impl AsRef<Path>) -> &mut Self {
        self.command.current_dir(dir);
        self
    }

    /// A different time limit for this run.
    pub fn timeout(&mut self, limit: Duration) -> &mut Self {
        self.limit = limit;
        self
    }

    /// Runs it to the end and returns what it printed; panics, naming the
    /// command, if it runs past its time limit.
    pub fn output(&mut self) -> std::io::Result<Output> {
        let started = Instant::now();
        let output = self.command.timeout(self.limit).output()?;
        if output.status.code().is_none() && started.elapsed() >= self.limit {
            panic!(
                "`{}` did not finish within {:?} and was stopped; stderr so far: {}",
                self.shown,
                self.limit,
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(output)
    }

    /// Runs it to the end, for assertions on its exit status and output.
    pub fn assert(&mut self) -> Assert {
        let output = self.output().expect("run scrutiny");
        output
            .assert()
            .append_context("command", self.shown.clone())
    }
}

/// Waits for `child` to end, for at most `limit`; past that the child is
/// killed and the test fails with a message naming `what`.
pub fn wait_with_deadline(child: &mut Child, limit: Duration, what: &str) -> ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("poll a child process") {
            return status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not finish within {limit:?} and was stopped");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Like `Child::wait_with_output`, with a time limit (see
/// `wait_with_deadline`). Whatever of stdout and stderr is still piped is
/// read to the end.
pub fn output_with_deadline(mut child: Child, limit: Duration, what: &str) -> Output {
    fn read_all(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    }
    let stdout = child.stdout.take().map(read_all);
    let stderr = child.stderr.take().map(read_all);
    let status = wait_with_deadline(&mut child, limit, what);
    Output {
        status,
        stdout: stdout.map_or_else(Vec::new, |reader| reader.join().unwrap()),
        stderr: stderr.map_or_else(Vec::new, |reader| reader.join().unwrap()),
    }
}

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

    /// Writes a record at `corpus/<path>`, making its folders.
    pub fn add_record(&self, path: &str, text: &str) {
        let path = self.path().join("corpus").join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// `scrutiny ARGS` run in the workspace, never in colour, within
    /// `RUN_LIMIT`.
    pub fn scrutiny(&self, args: &[&str]) -> Scrutiny {
        let mut command = assert_cmd::Command::cargo_bin("scrutiny").expect("the scrutiny binary");
        command
            .current_dir(self.path())
            .env_remove("SCRUTINY_INDEX")
            .env_remove("SCRUTINY_CORPUS")
            .env("NO_COLOR", "1")
            .args(args);
        Scrutiny {
            command,
            shown: format!("scrutiny {}", args.join(" ")),
            limit: RUN_LIMIT,
        }
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

/// True when the external program `name` can be run. When it cannot, the
/// test fails (see `missing_tool`).
pub fn have_tool(name: &str, test: &str) -> bool {
    let found = std::process::Command::new(name)
        .arg("-v")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok();
    if !found {
        missing_tool(
            test,
            &format!("{name} is not installed"),
            "apt-get install poppler-utils",
        );
    }
    found
}

/// What a test does when a program it needs is missing: it fails, unless
/// `SCRUTINY_SKIP_MISSING_TOOLS=1` is set, when it says on standard error
/// that it skipped and why (written past the test harness's capture, so the
/// line shows in a passing run too), and returns for the test to stop.
pub fn missing_tool(test: &str, why: &str, install: &str) {
    let skip = std::env::var("SCRUTINY_SKIP_MISSING_TOOLS").is_ok_and(|value| value == "1");
    assert!(
        skip,
        "{test}: {why} (Debian: {install}); set SCRUTINY_SKIP_MISSING_TOOLS=1 to skip it instead"
    );
    let _ = writeln!(
        std::io::stderr().lock(),
        "SKIPPED {test}: {why} (Debian: {install}), and SCRUTINY_SKIP_MISSING_TOOLS=1 is set"
    );
}

/// How long `scrutiny serve` may take to start (it builds the index first
/// when there is none).
pub const SERVER_START_LIMIT: Duration = Duration::from_secs(120);
/// How long one request to the server may take.
pub const REQUEST_LIMIT: Duration = Duration::from_secs(60);

/// A running `scrutiny serve`, stopped when dropped.
pub struct Server {
    child: Child,
    pub url: String,
}

impl Server {
    /// The server's process id, to read its figures from /proc.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

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
        // The first line is the address; a server that never prints it
        // fails the test instead of blocking it.
        let stdout = child.stdout.take().unwrap();
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(line);
        });
        let Ok(line) = receiver.recv_timeout(SERVER_START_LIMIT) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("scrutiny serve did not print its address within {SERVER_START_LIMIT:?}");
        };
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
            .timeout_global(Some(REQUEST_LIMIT))
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
    let shown = format!("scrutiny {} (as nobody)", args.join(" "));
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
        let child = std::process::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(&binary)
            .args(args)
            .current_dir(workspace.path())
            .env("NO_COLOR", "1")
            .env_remove("SCRUTINY_INDEX")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("setpriv runs the binary as nobody");
        output_with_deadline(child, RUN_LIMIT, &shown)
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
