//! Ranking quality on a generated corpus, judged by where the generator
//! planted each subject's paragraphs.

mod util;

use util::Workspace;

#[test]
fn generated_corpus_judgements_hold_and_the_glossary_helps() {
    let workspace = Workspace::empty();
    workspace
        .scrutiny(&[
            "synth",
            "--records",
            "200",
            "--seed",
            "7",
            "--out",
            "generated",
            "--judgements",
            "judged.toml",
        ])
        .assert()
        .success();
    let judged = std::fs::read_to_string(workspace.path().join("judged.toml")).unwrap();
    assert_eq!(judged.matches("[[query]]").count(), 6);

    let with = workspace.json(&["eval", "judged.toml", "--corpus", "generated"]);
    let without = workspace.json(&["eval", "judged.toml", "--no-expand"]);
    let ndcg = with["ndcg_at_10"].as_f64().unwrap();
    assert!(ndcg >= 0.9, "nDCG@10 = {ndcg}: {with}");
    assert!(
        without["ndcg_at_10"].as_f64().unwrap() < ndcg,
        "{without} vs {with}"
    );
}

#[test]
fn the_same_seed_writes_the_same_corpus() {
    let workspace = Workspace::empty();
    for out in ["a", "b"] {
        workspace
            .scrutiny(&["synth", "--records", "20", "--seed", "3", "--out", out])
            .assert()
            .success();
    }
    let listing = |folder: &str| {
        let mut files: Vec<(String, Vec<u8>)> =
            walkdir::WalkDir::new(workspace.path().join(folder))
                .into_iter()
                .filter_map(Result::ok)
                .filter(|entry| entry.file_type().is_file())
                .map(|entry| {
                    (
                        entry
                            .path()
                            .strip_prefix(workspace.path().join(folder))
                            .unwrap()
                            .display()
                            .to_string(),
                        std::fs::read(entry.path()).unwrap(),
                    )
                })
                .collect();
        files.sort();
        files
    };
    let a = listing("a");
    assert_eq!(a.len(), 20);
    assert_eq!(a, listing("b"));
}
