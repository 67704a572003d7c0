//! The `contract-harness` command line: lint, openapi, mock, run, mutants.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use contract_harness::spec;

#[derive(Parser)]
#[command(name = "contract-harness", version, about = "Checks that an HTTP API keeps the promises of its reference pages")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate specs: format, rules, examples; report disagreements as warnings.
    Lint {
        /// Spec directory.
        #[arg(default_value = "specs")]
        path: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Lint { path } => lint(&path),
    }
}

fn lint(path: &std::path::Path) -> ExitCode {
    match spec::load(path) {
        Ok(loaded) => {
            for w in &loaded.warnings {
                println!("{w}");
            }
            let ops = loaded.specs.operations.len();
            let errors: usize = loaded.specs.operations.iter().map(|o| o.errors.len()).sum();
            println!(
                "ok: {} services, {ops} operations, {errors} documented errors; 0 errors, {} warning{}",
                loaded.specs.services.len(),
                loaded.warnings.len(),
                if loaded.warnings.len() == 1 { "" } else { "s" }
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
