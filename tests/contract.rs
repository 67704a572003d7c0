//! The contract suite: every case generated from `specs/`, against the embedded mock or the
//! server at `CONTRACT_BASE_URL`. The harness lives in the library; this only hands it the
//! command line and the embedded mock.

use std::path::PathBuf;

fn main() -> std::process::ExitCode {
    // Relative to the package root (cargo's working directory for tests), so that failure
    // messages name `specs/...` as a reader finds it.
    let specs = std::env::var_os("CONTRACT_SPECS").map_or_else(
        || {
            let relative = PathBuf::from("specs");
            if relative.is_dir() {
                relative
            } else {
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("specs")
            }
        },
        PathBuf::from,
    );
    // `--fail-on-ignored` is the harness's own; libtest reads the rest.
    let (args, flags) = contract_harness::report::ignored::split(std::env::args());
    contract_harness::harness::main_with(
        libtest_mimic::Arguments::from_iter(args),
        &specs,
        contract_harness::report::reproduce::Invocation::CargoTest,
        flags,
        &contract_harness::mock::embedded::from_settings,
    )
}
