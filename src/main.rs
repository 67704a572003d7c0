//! The `contract-harness` command: the library's command line (`contract_harness::cli`).

fn main() -> std::process::ExitCode {
    contract_harness::cli::main()
}
