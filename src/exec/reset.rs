//! Reset of a live target: every case that consumes a fixture runs right after a reset of its
//! own, with no other case in flight; cases that consume nothing run concurrently, on a state
//! no consumer has touched since the last reset (the first of them after a consumer resets
//! again). So each case sees what it would see alone on a freshly reset server.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use serde_saphyr::Spanned;

use super::provision::command_limit;
use super::provision_error::ProvisionError;
use super::provision_file::{ResetSpec, at};
use super::provision_request::{Env, Place, run_command, send};
use super::runtime::runtime;
use super::template::{self, Scope};

/// The reset of a target and the lock that orders cases around it.
#[derive(Debug)]
pub struct Reset {
    spec: Spanned<ResetSpec>,
    file: String,
    lock: RwLock<()>,
    /// Whether a consumer may have changed the state since the last reset (at the start: the
    /// state is unknown).
    dirty: AtomicBool,
    run_id: String,
}

/// Held while a case runs: alone (after a reset) or beside other non-consuming cases.
#[derive(Debug)]
pub enum Gate<'a> {
    /// No other case runs.
    Alone(RwLockWriteGuard<'a, ()>),
    /// Other non-consuming cases may run.
    Beside(RwLockReadGuard<'a, ()>),
}

impl Reset {
    /// A reset as the target file at `file` describes it.
    pub fn new(spec: Spanned<ResetSpec>, file: String) -> Self {
        Self {
            spec,
            file,
            lock: RwLock::new(()),
            dirty: AtomicBool::new(true),
            run_id: template::run_id(),
        }
    }

    /// Waits until the case may run; a consumer runs alone after a reset of its own. Must not
    /// be called from inside the runtime.
    ///
    /// # Errors
    /// The reset's failure (the case is then not run).
    pub fn enter(&self, env: Env<'_>, consumer: bool) -> Result<Gate<'_>, ProvisionError> {
        if consumer {
            let alone = self.lock.write().unwrap_or_else(|p| p.into_inner());
            self.dirty.store(true, Ordering::SeqCst);
            runtime().block_on(self.reset(env))?;
            return Ok(Gate::Alone(alone));
        }
        let beside = self.lock.read().unwrap_or_else(|p| p.into_inner());
        if !self.dirty.load(Ordering::SeqCst) {
            return Ok(Gate::Beside(beside));
        }
        drop(beside);
        let alone = self.lock.write().unwrap_or_else(|p| p.into_inner());
        if self.dirty.load(Ordering::SeqCst) {
            runtime().block_on(self.reset(env))?;
            self.dirty.store(false, Ordering::SeqCst);
        }
        Ok(Gate::Alone(alone))
    }

    /// Sends the reset request or runs the reset command once.
    ///
    /// # Errors
    /// What went wrong, with the reset's position in the target file.
    pub async fn reset(&self, env: Env<'_>) -> Result<(), ProvisionError> {
        let r_at = at(&self.file, &self.spec);
        let values = Default::default();
        let nothing = |_: &str, _: &str| None;
        let scope = Scope {
            run_id: &self.run_id,
            n: 0,
            uuid: "",
            values: &values,
            other: &nothing,
        };
        let spec = &self.spec.value;
        if let Some(argv) = &spec.command {
            let place = Place {
                at: &r_at,
                what: "reset",
            };
            run_command(
                env,
                argv,
                &scope,
                command_limit(spec.command_timeout_seconds),
                &place,
            )
            .await?;
            return Ok(());
        }
        let Some(request) = spec.request() else {
            return Err(ProvisionError::Other {
                what: "reset".into(),
                at: r_at,
                message: "a reset needs `method` and `path`, or `command`".into(),
            });
        };
        let service = spec
            .service
            .clone()
            .or_else(|| env.specs.services.keys().next().cloned())
            .unwrap_or_default();
        let place = Place {
            at: &r_at,
            what: "reset",
        };
        send(env, &service, &request, &scope, &place, false).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::client::Client;
    use crate::exec::target::{Limits, Target};

    /// A live target whose reset appends a line to a file, so resets can be counted.
    fn target(dir: &std::path::Path) -> (Target, std::path::PathBuf) {
        let count = dir.join("resets");
        let file = dir.join("t.yaml");
        std::fs::write(
            &file,
            format!(
                "reset: {{ command: [sh, -c, \"echo r >> {}\"] }}\n",
                count.display()
            ),
        )
        .expect("write");
        let t = Target::live(
            Some(&file),
            "http://127.0.0.1:1",
            &|_| None,
            &crate::contract::SpecSet::default(),
        )
        .expect("target");
        (t, count)
    }

    fn resets(count: &std::path::Path) -> usize {
        std::fs::read_to_string(count).map_or(0, |t| t.lines().count())
    }

    #[test]
    fn consumers_reset_and_run_alone_others_share_a_clean_state() {
        let dir = std::env::temp_dir().join(format!("ch-reset-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let (target, count) = target(&dir);
        let specs = crate::contract::SpecSet::default();
        let client = Client::new(&Limits::default()).expect("client");
        let reset = Reset::new(
            target.plan.reset.clone().expect("the file has a reset"),
            target.plan.file.clone(),
        );
        let env = Env {
            specs: &specs,
            target: &target,
            client: &client,
            tokens: &crate::exec::auth::TokenCache::new(),
        };
        let reset = &reset;
        // The state is unknown at the start: the first case, consumer or not, resets.
        let g = reset.enter(env, false).expect("enter");
        assert!(matches!(g, Gate::Alone(_)));
        drop(g);
        assert_eq!(resets(&count), 1);
        // Then cases that consume nothing run side by side, without resetting.
        let a = reset.enter(env, false).expect("enter");
        let b = reset.enter(env, false).expect("enter");
        assert!(matches!((&a, &b), (Gate::Beside(_), Gate::Beside(_))));
        assert!(
            reset.lock.try_write().is_err(),
            "no consumer while they run"
        );
        drop((a, b));
        assert_eq!(resets(&count), 1);
        // A consumer resets and runs alone; the next non-consumer resets again.
        let c = reset.enter(env, true).expect("enter");
        assert!(matches!(c, Gate::Alone(_)));
        assert!(
            reset.lock.try_read().is_err(),
            "nothing runs beside a consumer"
        );
        drop(c);
        assert_eq!(resets(&count), 2);
        drop(reset.enter(env, false).expect("enter"));
        assert_eq!(resets(&count), 3);
        drop(reset.enter(env, false).expect("enter"));
        assert_eq!(resets(&count), 3);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
