//! contract-harness: checks that an HTTP API still keeps the promises its reference pages make.
//!
//! The pipeline runs one way: `contract` (YAML contracts) → generated cases → execution →
//! checks → reporting. The `mock` server stands beside it: a stateful implementation of the
//! documented behaviour, used as the default target and as a standalone mock.
//!
//! The library's API is what a user embeds: [`cli::main`] (the whole command line), [`run`]
//! (the contract suite as a libtest-mimic test target, as `tests/contract.rs` uses it),
//! [`lint`] (load and check a spec directory), [`openapi`] (the OpenAPI export) and
//! [`MockServer`] (the embedded mock, served on a loopback port). Every module stays private;
//! the `internals` feature, which only this crate's own tests and bench enable, exposes them
//! (hidden from the docs, no stability promised).

// Without `internals`, what only the crate's own tests and bench use (27 items and re-exports
// at this writing: `cargo build --lib` without the allowance lists them) is unused. They were
// public, and so never reported, before the modules became private.
#![cfg_attr(not(feature = "internals"), allow(unused_imports, dead_code))]

/// Declares the modules: `pub` (hidden) with the `internals` feature, crate-private without.
macro_rules! modules {
    ($($(#[$meta:meta])* $name:ident;)*) => {$(
        $(#[$meta])*
        #[cfg(feature = "internals")]
        #[doc(hidden)]
        pub mod $name;
        $(#[$meta])*
        #[cfg(not(feature = "internals"))]
        mod $name;
    )*};
}

modules! {
    check;
    contract;
    exec;
    generate;
    harness;
    mock;
    mutants;
    report;
    secret_forms;
    secrets;
    settings;
    suite;
}

pub mod cli;

pub use contract::load as lint;
pub use contract::openapi::export as openapi;
pub use harness::main_with as run;
pub use mock::MockServer;
