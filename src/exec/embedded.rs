//! What an embedded target is to the checking side: something that starts fresh instances of
//! the services it serves, and names the fixtures and credentials those instances hold. The
//! checking side never knows which implementation it runs against; the entry points
//! (`main.rs`, `tests/contract.rs`, the mutants runner, the bench) hand one in.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::pin::Pin;

use super::error::HarnessError;
use super::values::Values;
use crate::contract::{Sequence, SpecSet};
use crate::settings::Settings;

/// What the asynchronous methods of [`Embedded`] return.
pub type Pending<'a, T> = Pin<Box<dyn Future<Output = Result<T, HarnessError>> + Send + 'a>>;

/// One running instance with fresh state on a loopback port; it stops when dropped.
pub trait Instance: Send + Sync {
    /// Its base URL (`http://127.0.0.1:PORT`, no trailing slash).
    fn base_url(&self) -> String;
}

/// An embedded target: an implementation of some services that runs inside the process.
pub trait Embedded: Send + Sync + std::fmt::Debug {
    /// The services it serves.
    fn services(&self) -> BTreeSet<String>;

    /// The fixture values its instances hold: service → fixture → values.
    fn fixtures(&self) -> BTreeMap<String, BTreeMap<String, Values>>;

    /// The credentials its instances accept: service → role → values.
    fn credentials(&self) -> BTreeMap<String, BTreeMap<String, Values>>;

    /// Starts a fresh instance (fresh state) serving `service`.
    ///
    /// # Errors
    /// When the instance cannot start (no port can be bound, an unknown service).
    fn fresh<'a>(&'a self, service: &'a str) -> Pending<'a, Box<dyn Instance>>;

    /// Base URL of the instance that serves `service`'s token requests; a token obtained there
    /// opens every fresh instance.
    ///
    /// # Errors
    /// When that instance cannot start.
    fn auth_base<'a>(&'a self, service: &'a str) -> Pending<'a, String>;

    /// Why a sequence cannot be checked against this implementation (it does not know the
    /// business rule the sequence relies on), if so: its case is listed as ignored with this
    /// reason, never passed.
    fn sequence_refusal(&self, _service: &str, _sequence: &Sequence) -> Option<String> {
        None
    }

    /// Why a service of the specs is not served, if this implementation knows.
    fn unserved(&self, _service: &str) -> Option<String> {
        None
    }
}

/// How an entry point makes the embedded target a run's settings ask for, for the specs of
/// the run (it is called only when the settings name no live target).
pub type Provider = dyn Fn(&Settings, &SpecSet) -> Result<Box<dyn Embedded>, HarnessError>;
