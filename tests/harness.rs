//! The test helpers' own guarantees: a run that hangs fails its test with
//! a message naming it, within the time given, instead of blocking the
//! suite.

mod util;

use std::time::{Duration, Instant};

use util::Workspace;

#[test]
#[should_panic(expected = "`scrutiny serve --addr 127.0.0.1:0` did not finish within 1s")]
fn a_run_of_the_binary_past_its_limit_fails_the_test() {
    let workspace = Workspace::with_corpus();
    // A server never ends by itself.
    let _ = workspace
        .scrutiny(&["serve", "--addr", "127.0.0.1:0"])
        .timeout(Duration::from_secs(1))
        .output();
}

#[test]
fn a_child_past_its_deadline_is_stopped_and_named() {
    let mut child = std::process::Command::new("sleep")
        .arg("60")
        .spawn()
        .unwrap();
    let started = Instant::now();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        util::wait_with_deadline(&mut child, Duration::from_millis(200), "sleep 60")
    }));
    let message = *outcome
        .expect_err("the deadline passed")
        .downcast::<String>()
        .unwrap();
    assert_eq!(
        message,
        "sleep 60 did not finish within 200ms and was stopped"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    // The child was killed, not left running.
    assert!(child.try_wait().unwrap().is_some());
}
