//! The `contract-harness` command line: lint, openapi, import, mock, run, mutants, review,
//! cleanup.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::contract;
use clap::{Parser, Subcommand};

mod review;

#[derive(Parser)]
#[command(
    name = "contract-harness",
    version,
    about = "Checks that an HTTP API keeps the promises of its reference pages"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate specs: format, rules, examples; report disagreements as warnings.
    Lint {
        /// Spec directories or files (a file is checked together with its service.yaml).
        #[arg(default_value = "specs")]
        paths: Vec<PathBuf>,
    },
    /// Export the specs as one OpenAPI 3.1 document.
    Openapi {
        /// Spec directory.
        #[arg(default_value = "specs")]
        path: PathBuf,
        /// Write to this file instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Import specs from another format.
    Import {
        #[command(subcommand)]
        from: ImportFrom,
    },
    /// Run the embedded mock server standalone.
    Mock {
        /// Port on 127.0.0.1 (0 picks a free one).
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Seed file replacing the built-in mock/seed.yaml (with --specs: a generic seed).
        #[arg(long)]
        seed: Option<PathBuf>,
        /// Serve these specs with the spec-driven generic mock instead (one port per service).
        #[arg(long)]
        specs: Option<PathBuf>,
        /// Switch on one deliberate contract violation.
        #[arg(long)]
        fault: Option<String>,
        /// Print the fault catalogue and exit.
        #[arg(long)]
        list_faults: bool,
        /// Do not log requests.
        #[arg(long)]
        quiet: bool,
    },
    /// Run the contract suite (the same harness as `cargo test --test contract`).
    Run {
        /// Spec directory.
        #[arg(long, default_value = "specs")]
        specs: PathBuf,
        /// libtest flags: a name filter, --exact, --list, --ignored, --test-threads N, ...;
        /// and --fail-on-ignored: exit nonzero when cases are ignored (the default in CI)
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        libtest: Vec<String>,
    },
    /// Tear down what an interrupted run provisioned (the pending entries of the ledger under
    /// CONTRACT_REPORT_DIR, or target/contract-harness/).
    Cleanup {
        /// The target file of the run.
        #[arg(long)]
        target: PathBuf,
        /// Spec directory (for the services' credential flows).
        #[arg(long, default_value = "specs")]
        specs: PathBuf,
    },
    /// Review proposed snapshots (`.snap.new`): show each diff, then accept or reject.
    Review {
        /// Snapshot directory.
        #[arg(default_value = "snapshots")]
        dir: PathBuf,
        /// Accept every proposal without asking.
        #[arg(long, conflicts_with = "reject")]
        accept: bool,
        /// Reject every proposal without asking.
        #[arg(long)]
        reject: bool,
    },
    /// Run the suite once per fault of the embedded mocks' catalogue (the vendor mock's, and
    /// those derived from every other service of the specs) and show which cases catch each.
    Mutants {
        /// Spec directory (any specs: services without a hand-written mock get derived faults).
        #[arg(long, default_value = "specs")]
        specs: PathBuf,
        /// Only these faults, vendor or derived (default: every violation of the catalogue).
        #[arg(long)]
        fault: Vec<String>,
        /// Worker threads.
        #[arg(long, default_value_t = 2)]
        threads: usize,
    },
}

#[derive(Subcommand)]
enum ImportFrom {
    /// An OpenAPI 3.0 or 3.1 document (JSON or YAML) to one service directory of specs, with
    /// what OpenAPI cannot say (triggers, fixtures) left as TODO.
    Openapi {
        /// The OpenAPI document.
        file: PathBuf,
        /// Directory to write `<service>/` under.
        #[arg(short, long, default_value = "specs")]
        output: PathBuf,
        /// Service name (default: the document's own, or a slug of info.title).
        #[arg(short, long)]
        service: Option<String>,
        /// Overwrite files that exist.
        #[arg(long)]
        force: bool,
    },
}

/// Runs the command line on the process arguments.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Lint { paths } => paths.iter().fold(ExitCode::SUCCESS, |code, p| {
            if lint(p) == ExitCode::SUCCESS {
                code
            } else {
                ExitCode::FAILURE
            }
        }),
        Command::Review {
            dir,
            accept,
            reject,
        } => review::review(&dir, accept, reject),
        Command::Openapi { path, output } => openapi(&path, output.as_deref()),
        Command::Import {
            from:
                ImportFrom::Openapi {
                    file,
                    output,
                    service,
                    force,
                },
        } => import_openapi(&file, &output, service, force),
        Command::Mock {
            port,
            seed,
            specs: Some(specs),
            fault,
            list_faults,
            quiet,
        } => crate::mock::generic::standalone::run(crate::mock::generic::standalone::Options {
            specs: &specs,
            port,
            seed: seed.as_deref(),
            fault: fault.as_deref(),
            list_faults,
            quiet,
        }),
        Command::Mock {
            port,
            seed,
            specs: None,
            fault,
            list_faults,
            quiet,
        } => mock(port, seed.as_deref(), fault.as_deref(), list_faults, quiet),
        Command::Run { specs, libtest } => {
            let (libtest, flags) = crate::report::ignored::split(libtest);
            let args = libtest_mimic::Arguments::from_iter(
                std::iter::once("contract-harness run".to_string()).chain(libtest),
            );
            crate::harness::main_with(
                args,
                &specs,
                crate::report::reproduce::Invocation::Binary,
                flags,
                &crate::mock::embedded::from_settings,
            )
        }
        Command::Mutants {
            specs,
            fault,
            threads,
        } => mutants(&specs, &fault, threads),
        Command::Cleanup { target, specs } => cleanup(&target, &specs),
    }
}

/// Lints a spec directory, or one spec file together with its service (the `service.yaml`
/// beside it): then only that file's and the service's diagnostics are reported.
fn lint(path: &std::path::Path) -> ExitCode {
    let (root, only) = if path.is_file() {
        let dir = path.parent().unwrap_or(std::path::Path::new("."));
        if !dir.join("service.yaml").is_file() {
            eprintln!(
                "error: {} is checked with its service, but {} has no service.yaml",
                path.display(),
                dir.display()
            );
            return ExitCode::FAILURE;
        }
        let dir = if dir.as_os_str().is_empty() {
            std::path::Path::new(".")
        } else {
            dir
        };
        (dir.to_path_buf(), Some(same_file_as(path)))
    } else {
        (path.to_path_buf(), None)
    };
    let keep = |d: &contract::Diagnostic| {
        only.as_ref()
            .is_none_or(|f| f(&d.file) || d.file.ends_with("service.yaml"))
    };
    match contract::load(&root) {
        Ok(loaded) => {
            let warnings: Vec<_> = loaded.warnings.iter().filter(|d| keep(d)).collect();
            for w in &warnings {
                println!("{w}");
            }
            let ops = loaded.specs.operations.len();
            let errors: usize = loaded.specs.operations.iter().map(|o| o.errors.len()).sum();
            println!(
                "ok: {}: {} services, {ops} operations, {errors} documented errors; 0 errors, {} warning{}",
                path.display(),
                loaded.specs.services.len(),
                warnings.len(),
                if warnings.len() == 1 { "" } else { "s" }
            );
            ExitCode::SUCCESS
        }
        Err(contract::SpecError::Invalid { errors, warnings }) if only.is_some() => {
            let others = errors.iter().filter(|d| !keep(d)).count();
            let mine: Vec<&contract::Diagnostic> = errors
                .iter()
                .chain(warnings.iter())
                .filter(|d| keep(d))
                .collect();
            for d in &mine {
                eprintln!("{d}");
            }
            let own_errors = mine
                .iter()
                .filter(|d| d.severity == contract::Severity::Error)
                .count();
            let note = if others > 0 {
                format!(
                    "; {others} more in other files of {} (lint the directory to see them)",
                    root.display()
                )
            } else {
                String::new()
            };
            eprintln!(
                "{}: {own_errors} error{}{note}",
                path.display(),
                if own_errors == 1 { "" } else { "s" },
            );
            if own_errors == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// A test for "is this the file at `path`", robust to `./` and relative prefixes.
fn same_file_as(path: &std::path::Path) -> impl Fn(&std::path::Path) -> bool + use<> {
    let want = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    move |p: &std::path::Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf()) == want
}

fn openapi(path: &std::path::Path, output: Option<&std::path::Path>) -> ExitCode {
    let loaded = match contract::load(path) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let doc = contract::openapi::export(&loaded.specs);
    let text = match serde_json::to_string_pretty(&doc) {
        Ok(t) => t + "\n",
        Err(e) => {
            eprintln!("error: cannot serialize the OpenAPI document: {e}");
            return ExitCode::FAILURE;
        }
    };
    match output {
        Some(file) => {
            if let Err(e) = std::fs::write(file, text) {
                eprintln!("error: cannot write {}: {e}", file.display());
                return ExitCode::FAILURE;
            }
            eprintln!("wrote {}", file.display());
        }
        None => print!("{text}"),
    }
    ExitCode::SUCCESS
}

fn import_openapi(
    file: &std::path::Path,
    output: &std::path::Path,
    service: Option<String>,
    force: bool,
) -> ExitCode {
    use contract::import;
    let written = import::Document::read(file)
        .and_then(|doc| import::import(&doc, &import::Options { service }))
        .and_then(|imported| {
            import::write(&imported, output, force).map(|paths| (imported, paths))
        });
    match written {
        Ok((imported, paths)) => {
            for p in &paths {
                println!("wrote {}", p.display());
            }
            for n in &imported.notes {
                println!("note: {} (at {})", n.text, n.pointer);
            }
            let dir = output.join(&imported.service);
            println!(
                "imported {} operations into {}; next: `contract-harness lint {}` and replace each TODO (triggers, fixtures)",
                paths.len().saturating_sub(1),
                dir.display(),
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn mock(
    port: u16,
    seed: Option<&std::path::Path>,
    fault: Option<&str>,
    list_faults: bool,
    quiet: bool,
) -> ExitCode {
    use crate::mock::{Fault, MockConfig, MockServer, Seed};
    if list_faults {
        for f in Fault::ALL.iter().chain(Fault::VARIANTS) {
            println!("{:<38} {:<22} {}", f.name(), f.kind(), f.description());
        }
        return ExitCode::SUCCESS;
    }
    let seed = match seed
        .map(Seed::from_file)
        .unwrap_or_else(|| Ok(Seed::builtin()))
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let fault = match fault.map(str::parse::<Fault>).transpose() {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut config = MockConfig::new(std::sync::Arc::new(seed));
    config.fault = fault;
    config.log = !quiet;
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        let server = match MockServer::start(&config, addr).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: cannot listen on {addr}: {e}");
                return ExitCode::FAILURE;
            }
        };
        eprintln!(
            "contract-harness mock listening on {}{}",
            server.base_url(),
            fault
                .map(|f| format!(" with fault {f}"))
                .unwrap_or_default()
        );
        let _ = tokio::signal::ctrl_c().await;
        drop(server);
        ExitCode::SUCCESS
    })
}

fn mutants(specs: &std::path::Path, names: &[String], threads: usize) -> ExitCode {
    use crate::mock::Seed;
    let loaded = match contract::load(specs) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let seed = std::sync::Arc::new(Seed::builtin());
    let faults = match crate::mutants::chosen(&loaded.specs, &seed, names) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let settings = match crate::exec::PropSettings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (clean, runs) =
        match crate::mutants::run_all(&loaded.specs, &seed, settings, threads, &faults) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        };
    print!("{}", crate::mutants::table(&clean, &runs));
    for (case, why) in &clean.ignored {
        eprintln!("ignored: {case}: {why}");
    }
    for e in clean
        .errors
        .iter()
        .chain(runs.iter().flat_map(|r| r.errors.iter()))
    {
        eprintln!("harness error: {e}");
    }
    if crate::mutants::all_as_expected(&clean, &runs) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn cleanup(file: &std::path::Path, specs: &std::path::Path) -> ExitCode {
    use crate::exec::{Target, client};
    let loaded = match contract::load(specs) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let base = match crate::settings::Settings::from_env() {
        Ok(s) => s.base_url.unwrap_or_default(),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let target = match Target::live(Some(file), &base, &|v| std::env::var(v).ok(), &loaded.specs) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let client = &match client::Client::for_target(&target) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {}", target.secrets.redact(&e.to_string()));
            return ExitCode::FAILURE;
        }
    };
    match crate::exec::cleanup::cleanup(&loaded.specs, &target, client) {
        Ok(done) => {
            for r in &done.removed {
                println!("removed {r}");
            }
            for f in &done.failed {
                eprintln!("teardown failed: {f}");
            }
            println!(
                "cleanup: {} removed, {} failed (ledgers in {})",
                done.removed.len(),
                done.failed.len(),
                done.ledger
            );
            if done.failed.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("error: {}", target.secrets.redact(&e));
            ExitCode::FAILURE
        }
    }
}
