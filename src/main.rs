//! The `scrutiny` command: parse flags, call the library, report, exit.

/// mimalloc: tantivy's indexing allocates and frees millions of small buffers,
/// which it serves faster than the system allocator (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod cmd;

use std::io;
use std::process::ExitCode;

use clap::Parser;

use scrutiny::cli::{Cli, Command};
use scrutiny::error::Error;
use scrutiny::render::terminal;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match &cli.command {
        Command::Index(args) => cmd::index(&cli, args),
        Command::Search(args) => cmd::search(&cli, args),
        Command::Compare(args) => cmd::compare(&cli, args),
        Command::Timeline(args) => cmd::timeline(&cli, args),
        Command::Extract(args) => cmd::extract(&cli, args),
        Command::Show(args) => cmd::show(&cli, args),
        Command::Export(args) => cmd::export(&cli, args),
        Command::Coverage(args) => cmd::coverage(&cli, args),
        Command::Watch(args) => cmd::watch(&cli, args.action.as_ref(), &args.common),
        Command::Eval(args) => cmd::eval(&cli, args),
        Command::Serve(args) => cmd::serve(&cli, args),
        Command::Bench(args) => cmd::bench(&cli, args),
        Command::Fetch(args) => cmd::fetch(&cli, args),
        Command::Synth(args) => cmd::synth(&cli, args),
        Command::Completions(args) => cmd::completions(args),
        Command::Man => cmd::man(),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            report_error(&error);
            ExitCode::from(cmd::EXIT_ERROR)
        }
    }
}

/// Prints an error on stderr; a query error also shows the query with a
/// caret under the column at fault.
fn report_error(error: &anyhow::Error) {
    if let Some(Error::Query(query_error)) = error.downcast_ref::<Error>() {
        eprint!("{}", terminal::query_error(query_error));
        return;
    }
    let mut message = error.to_string();
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !message.contains(&cause) {
            message.push_str(": ");
            message.push_str(&cause);
        }
    }
    eprintln!("scrutiny: error: {message}");
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<io::Error>()
        .is_some_and(|error| error.kind() == io::ErrorKind::BrokenPipe)
}
