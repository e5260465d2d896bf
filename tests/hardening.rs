//! Regression tests for inputs that once crashed, hung, corrupted or
//! silently dropped work (RELIABILITY.md lists each finding).

mod util;

use std::os::unix::fs::symlink;

use util::Workspace;

/// Links to devices and pipes, and hidden files, named like records, are
/// each named on stderr and make the run exit 1; the real records are
/// indexed. Ordinary hidden files (.DS_Store) pass without a word.
#[test]
fn paths_passed_over_are_each_named() {
    let workspace = Workspace::with_corpus();
    let kent = workspace.path().join("corpus/kent");
    std::fs::create_dir(&kent).unwrap();
    symlink("/dev/zero", kent.join("zero.txt")).unwrap();
    symlink("/dev/urandom", kent.join("random.pdf")).unwrap();
    std::fs::write(kent.join("..txt"), "Agenda item\n\nHidden\n\nText.\n").unwrap();
    std::fs::write(kent.join("...txt"), "Agenda item\n\nHidden\n\nText.\n").unwrap();
    std::fs::write(kent.join(".DS_Store"), "not a record").unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(kent.join("pipe.txt"))
        .status()
        .unwrap();
    assert!(status.success());

    let output = workspace
        .scrutiny(&["index", "--rebuild"])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let named: Vec<&str> = stderr
        .lines()
        .filter(|line| line.starts_with("scrutiny: cannot index"))
        .collect();
    assert_eq!(
        named,
        [
            "scrutiny: cannot index corpus/kent/...txt: a hidden file (its name starts with a dot); not read (rename it to index it)",
            "scrutiny: cannot index corpus/kent/..txt: a hidden file (its name starts with a dot); not read (rename it to index it)",
            "scrutiny: cannot index corpus/kent/pipe.txt: not a regular file (a pipe, socket or device); not read",
            "scrutiny: cannot index corpus/kent/random.pdf: a symbolic link to a pipe, socket or device, not a regular file; not read",
            "scrutiny: cannot index corpus/kent/zero.txt: a symbolic link to a pipe, socket or device, not a regular file; not read",
        ],
        "{stderr}"
    );
    let summary = workspace.json(&["index"]);
    assert_eq!(summary["n_files"], 5);
    let coverage = workspace.json(&["coverage", "--no-refresh"]);
    assert_eq!(coverage["skipped"].as_array().unwrap().len(), 5);
}

/// A pipe named on the command line is refused at once, not waited on.
#[test]
fn extract_refuses_a_pipe() {
    let workspace = Workspace::empty();
    let pipe = workspace.path().join("p.txt");
    let status = std::process::Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .unwrap();
    assert!(status.success());
    let output = workspace
        .scrutiny(&["extract", "p.txt"])
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "scrutiny: cannot read p.txt: not a regular file (a folder, pipe or device cannot be read as a record)\n"
    );
}
