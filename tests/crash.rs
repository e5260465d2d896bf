//! Crash consistency: `scrutiny index` killed with SIGKILL at random moments
//! (reading, indexing, committing) never loses the last committed index, and
//! the next complete run leaves every file indexed exactly once.
//!
//! The test suite runs a few kills. The long run behind RELIABILITY.md's
//! figures is the same test with more kills:
//!
//!     SCRUTINY_CRASH_KILLS=200 cargo test --release --test crash -- --nocapture

mod util;

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;
use util::Workspace;

/// Passages per source file, from `export --all --format jsonl`.
fn passages_per_file(workspace: &Workspace, index: &str) -> BTreeMap<String, usize> {
    let output = workspace
        .scrutiny(&[
            "export",
            "--all",
            "--format",
            "jsonl",
            "--index",
            index,
            "--no-refresh",
        ])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut counts = BTreeMap::new();
    for line in String::from_utf8(output.stdout).unwrap().lines() {
        let row: Value = serde_json::from_str(line).unwrap();
        *counts
            .entry(row["source"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    counts
}

#[test]
fn killed_index_runs_lose_nothing_and_duplicate_nothing() {
    let kills: usize = std::env::var("SCRUTINY_CRASH_KILLS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(4);
    let workspace = Workspace::empty();
    workspace
        .scrutiny(&[
            "synth",
            "--records",
            "800",
            "--seed",
            "21",
            "--out",
            "corpus",
        ])
        .assert()
        .success();
    workspace.scrutiny(&["index", "-q"]).assert().success();
    // The kills of rebuilds are timed against a rebuild, which is faster
    // than the first run (the files are in the page cache by then).
    let started = Instant::now();
    workspace
        .scrutiny(&["index", "-q", "--rebuild"])
        .assert()
        .success();
    let full_run = started.elapsed();
    let mut rng = fastrand::Rng::with_seed(7);
    let mut files: Vec<std::path::PathBuf> = walkdir::WalkDir::new(workspace.path().join("corpus"))
        .into_iter()
        .map(|entry| entry.unwrap().into_path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();

    let (mut interrupted, mut finished) = (0, 0);
    for round in 0..kills {
        // Work for the run: a rebuild, or some changed, added and deleted files.
        // The summary is printed after the commit, so a killed run that
        // printed none had not finished.
        let mut args = vec!["index", "-q", "--json"];
        if round % 2 == 0 {
            args.push("--rebuild");
        } else {
            for _ in 0..30 {
                let file = &files[rng.usize(..files.len())];
                if let Ok(mut text) = std::fs::read_to_string(file) {
                    text.push_str(&format!(
                        "\nRound {round}: the board noted taxi licensing checks.\n"
                    ));
                    std::fs::write(file, text).unwrap();
                }
            }
            let added = workspace
                .path()
                .join(format!("corpus/kent/crash-{round}.txt"));
            std::fs::write(
                &added,
                format!("Agenda item\n\nRound {round}\n\nThe panel met about sexting.\n"),
            )
            .unwrap();
            files.push(added);
            let gone = files.remove(rng.usize(..files.len()));
            let _ = std::fs::remove_file(gone);
        }
        let before = passages_per_file(&workspace, "index");
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("scrutiny"))
            .args(&args)
            .current_dir(workspace.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // A rebuild takes about as long as the one timed above; a few
        // changed files take a fraction of a second. The first kill comes
        // early in a rebuild, so that at least one lands mid-run however
        // the others fall.
        let delay = if round == 0 {
            full_run.mul_f64(0.05 + 0.25 * rng.f64())
        } else if round % 2 == 0 {
            full_run.mul_f64(0.05 + 0.9 * rng.f64())
        } else {
            Duration::from_millis(rng.u64(0..400))
        };
        std::thread::sleep(delay.max(Duration::from_millis(20)));
        let still_running = child.try_wait().unwrap().is_none();
        child.kill().unwrap();
        let output = util::output_with_deadline(
            child,
            util::RUN_LIMIT,
            &format!("killed scrutiny {args:?}"),
        );
        let status = output.status;
        // Killed by the signal, before printing its summary: the kill
        // landed in the middle of the run.
        let mid_run = still_running
            && std::os::unix::process::ExitStatusExt::signal(&status) == Some(9)
            && output.stdout.is_empty();
        assert!(
            round != 0 || mid_run,
            "round 0: the kill after {delay:?} did not land in the middle of the run \
             ({status}; still running: {still_running}; summary printed: {})",
            !output.stdout.is_empty()
        );
        if mid_run {
            interrupted += 1;
        } else {
            finished += 1;
        }

        // The index opens and answers from a committed state: the one
        // before the run, or the run's own if its commit landed.
        let search = workspace
            .scrutiny(&["search", "taxi", "--no-refresh", "--json"])
            .output()
            .unwrap();
        assert!(
            matches!(search.status.code(), Some(0 | 1)),
            "round {round}: search failed after a kill: {}",
            String::from_utf8_lossy(&search.stderr)
        );
        let after = passages_per_file(&workspace, "index");
        if mid_run {
            // Either nothing of the run is visible, or all of it.
            let unchanged = after == before;
            // Either way the next run completes (and, if the killed run's
            // commit landed, finds nothing left to do).
            let output = workspace
                .scrutiny(&["index", "-q", "--json"])
                .output()
                .unwrap();
            let summary: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
                panic!(
                    "round {round}: index after a kill failed (exit {:?}): {}",
                    output.status.code(),
                    String::from_utf8_lossy(&output.stderr)
                )
            });
            assert!(
                unchanged || summary["committed"] == false,
                "round {round}: a killed run left a state that is neither the old nor the new one"
            );
        }
    }

    // A last run completes; every file is indexed exactly once, as in a
    // clean build.
    workspace.scrutiny(&["index", "-q"]).assert().success();
    workspace
        .scrutiny(&["index", "-q", "--rebuild", "--index", "clean"])
        .assert()
        .success();
    let resumed = passages_per_file(&workspace, "index");
    let clean = passages_per_file(&workspace, "clean");
    assert_eq!(resumed.len(), clean.len(), "files lost or left behind");
    assert_eq!(resumed, clean, "passages lost or duplicated");
    eprintln!(
        "crash test: {kills} kills ({interrupted} mid-run, {finished} after the run ended), \
         {} files and {} passages checked against a clean build",
        clean.len(),
        clean.values().sum::<usize>()
    );
}

#[test]
fn a_second_indexer_is_told_the_index_is_locked_and_searches_go_on() {
    let workspace = Workspace::empty();
    workspace
        .scrutiny(&[
            "synth",
            "--records",
            "3000",
            "--seed",
            "4",
            "--out",
            "corpus",
        ])
        .assert()
        .success();
    workspace.scrutiny(&["index", "-q"]).assert().success();
    let mut first = std::process::Command::new(assert_cmd::cargo::cargo_bin("scrutiny"))
        .args(["index", "-q", "--rebuild"])
        .current_dir(workspace.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        first.try_wait().unwrap().is_none(),
        "the first run ended too soon"
    );
    let second = workspace
        .scrutiny(&["index", "--rebuild"])
        .output()
        .unwrap();
    assert_eq!(second.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        stderr.contains("locked by another scrutiny process"),
        "{stderr}"
    );
    // Searches answer from the last commit meanwhile.
    let search = workspace
        .scrutiny(&["search", "sexting", "--json"])
        .output()
        .unwrap();
    assert_eq!(
        search.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&search.stderr)
    );

    // A lock left by a killed process does not block the next run.
    first.kill().unwrap();
    first.wait().unwrap();
    workspace.scrutiny(&["index", "-q"]).assert().success();
}
