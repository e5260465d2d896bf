//! Shell completions and the manual page come from the same clap
//! definitions as `--help`.

mod util;

use util::Workspace;

fn printed(args: &[&str]) -> String {
    let output = Workspace::empty().scrutiny(args).output().unwrap();
    assert!(output.status.success(), "{args:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn completions_know_the_subcommands_and_the_request_options() {
    let bash = printed(&["completions", "bash"]);
    assert!(bash.starts_with("_scrutiny() {"));
    for word in [
        "compare",
        "timeline",
        "--council",
        "--no-expand",
        "--resolutions",
        "--page",
    ] {
        assert!(bash.contains(word), "bash completion lacks {word}");
    }
    let fish = printed(&["completions", "fish"]);
    assert!(fish.contains(
        "complete -c scrutiny -n \"__fish_scrutiny_using_subcommand search\" -l council"
    ));
    let zsh = printed(&["completions", "zsh"]);
    assert!(zsh.starts_with("#compdef scrutiny"));
}

#[test]
fn the_manual_page_is_roff_naming_every_subcommand() {
    let page = printed(&["man"]);
    assert!(page.contains(".TH scrutiny 1"));
    for subcommand in [
        "scrutiny\\-search(1)",
        "scrutiny\\-compare(1)",
        "scrutiny\\-completions(1)",
    ] {
        assert!(
            page.contains(subcommand),
            "the manual page lacks {subcommand}"
        );
    }
}
