//! The one tokio runtime of a process: trials block on it, embedded mocks run on it.

use std::sync::OnceLock;

use tokio::runtime::Runtime;

/// The shared runtime, created on first use (never for `--list`).
///
/// # Panics
/// If the operating system refuses to create threads.
pub fn runtime() -> &'static Runtime {
    static RT: OnceLock<Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .thread_name("contract-harness")
            .build()
            .expect("the tokio runtime starts")
    })
}
