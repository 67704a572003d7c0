//! The mock's control plane, for tests and client developers: `POST /__reset` restores the
//! seed, `POST /__fixtures/{service}/{fixture}` creates a fresh instance of a seed fixture and
//! answers its values, `GET /__fixtures` lists the live instances and
//! `DELETE /__fixtures/{service}/{fixture}/{instance}` removes one. Served only when the mock
//! listens on a loopback address.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use axum::http::Method;
use axum::response::Response;
use serde_json::{Value, json};

use super::dataarts::domain::DataArts;
use super::enos::domain::Enos;
use super::oneaccess::domain::OneAccess;
use super::request::Req;
use super::seed::{Seed, Values};
use crate::mock::respond;

/// The part of a mock's state the control plane touches (the server lends it, so that this
/// module does not import the server back).
#[derive(Debug, Clone, Copy)]
pub struct Plane<'a> {
    /// The seed that reset restores and fixtures are made from.
    pub seed: &'a Seed,
    /// OneAccess state.
    pub oneaccess: &'a Mutex<OneAccess>,
    /// DataArts state.
    pub dataarts: &'a Mutex<DataArts>,
    /// EnOS state.
    pub enos: &'a Mutex<Enos>,
    /// The instances the plane created.
    pub control: &'a Control,
}

/// What the control plane knows: whether it is on, and the instances it created.
#[derive(Debug, Default)]
pub struct Control {
    enabled: AtomicBool,
    next: AtomicU64,
    instances: Mutex<BTreeMap<String, Instance>>,
}

/// A fresh fixture instance and what was created for it.
#[derive(Debug, Clone)]
pub struct Instance {
    /// Service.
    pub service: String,
    /// Fixture name.
    pub fixture: String,
    /// Its values.
    pub values: Values,
    created: Vec<Created>,
}

/// One thing created for an instance.
#[derive(Debug, Clone)]
enum Created {
    Org(String),
    App(String),
    Workspace { project: String, workspace: String },
    EnosUser(String),
}

impl Control {
    /// Switches the control plane on (only for a mock on a loopback address).
    pub fn enable(&self, on: bool) {
        self.enabled.store(on, Ordering::Relaxed);
    }

    /// The live instances, by instance id.
    pub fn instances(&self) -> BTreeMap<String, Instance> {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Instance>> {
        self.instances
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn refusal(status: u16, message: String) -> Response {
    respond::json(
        status,
        &json!({"error_code": "CONTROL", "error_msg": message}),
    )
}

/// Answers a control-plane request (`None`: not a control path, or the plane is off).
pub fn route(st: &Plane<'_>, req: &Req, segs: &[&str]) -> Option<Response> {
    if !segs.first().is_some_and(|s| s.starts_with("__"))
        || !st.control.enabled.load(Ordering::Relaxed)
    {
        return None;
    }
    let m = &req.method;
    Some(match segs {
        ["__reset"] if m == Method::POST => {
            reset(st);
            respond::empty(204)
        }
        ["__fixtures"] if m == Method::GET => {
            let list: Vec<Value> = st
                .control
                .instances()
                .into_iter()
                .map(|(id, i)| {
                    json!({"instance": id, "service": i.service, "fixture": i.fixture, "values": i.values})
                })
                .collect();
            respond::json(200, &Value::Array(list))
        }
        ["__fixtures", service, fixture] if m == Method::POST => create(st, service, fixture),
        ["__fixtures", _, _, instance] if m == Method::DELETE => remove(st, instance),
        ["__reset"] | ["__fixtures", ..] => respond::allow(
            refusal(405, "method not allowed on the control plane".into()),
            "GET, POST, DELETE",
        ),
        _ => refusal(404, "no such control path".into()),
    })
}

/// Restores every vendor's state from the seed and forgets the instances.
pub fn reset(st: &Plane<'_>) {
    let seed = st.seed;
    *lock(st.oneaccess) = OneAccess::from_seed(&seed.oneaccess);
    *lock(st.dataarts) = DataArts::from_seed(&seed.dataarts);
    *lock(st.enos) = Enos::from_seed(&seed.enos);
    st.control.lock().clear();
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn create(st: &Plane<'_>, service: &str, fixture: &str) -> Response {
    let Some(template) = st.seed.fixtures.get(service).and_then(|f| f.get(fixture)) else {
        return refusal(404, format!("the seed has no fixture {service}/{fixture}"));
    };
    let n = st.control.next.fetch_add(1, Ordering::Relaxed) + 1;
    let id = format!("fx{n}");
    let fresh = |old: &str| format!("{old}-{id}");
    let mut values = template.clone();
    let mut created = Vec::new();
    match service {
        "oneaccess" => {
            let seed = OneAccess::from_seed(&st.seed.oneaccess);
            let mut state = lock(st.oneaccess);
            if let Some(root) = template.get("org_id") {
                // The organization and its whole subtree, as the seed has them.
                let mut renamed: BTreeMap<String, String> = BTreeMap::new();
                let mut frontier = vec![root.clone()];
                while let Some(old) = frontier.pop() {
                    if renamed.contains_key(&old) || !seed.orgs.contains_key(&old) {
                        continue;
                    }
                    renamed.insert(old.clone(), fresh(&old));
                    frontier.extend(
                        seed.orgs
                            .iter()
                            .filter(|(_, o)| o.parent.as_deref() == Some(old.as_str()))
                            .map(|(k, _)| k.clone()),
                    );
                }
                for (old, new) in &renamed {
                    if let Some(org) = seed.orgs.get(old) {
                        let mut org = org.clone();
                        org.parent = org.parent.map(|p| renamed.get(&p).cloned().unwrap_or(p));
                        state.orgs.insert(new.clone(), org);
                        created.push(Created::Org(new.clone()));
                    }
                }
                rename(&mut values, &renamed);
            }
            if let Some(app) = template.get("app_id")
                && let Some(accounts) = seed.apps.get(app)
            {
                let mut renamed: BTreeMap<String, String> =
                    accounts.keys().map(|k| (k.clone(), fresh(k))).collect();
                let copy = accounts
                    .iter()
                    .map(|(k, users)| (fresh(k), users.clone()))
                    .collect();
                renamed.insert(app.clone(), fresh(app));
                state.apps.insert(fresh(app), copy);
                created.push(Created::App(fresh(app)));
                rename(&mut values, &renamed);
            }
        }
        "dataarts" => {
            let seed = DataArts::from_seed(&st.seed.dataarts);
            let mut state = lock(st.dataarts);
            if let (Some(project), Some(ws)) =
                (template.get("project_id"), template.get("workspace_id"))
                && let Some(members) = seed.members(project, ws)
            {
                let new = fresh(ws);
                state
                    .projects
                    .entry(project.clone())
                    .or_default()
                    .insert(new.clone(), members);
                created.push(Created::Workspace {
                    project: project.clone(),
                    workspace: new.clone(),
                });
                values.insert("workspace_id".into(), new);
            }
        }
        "enos" => {
            let seed = Enos::from_seed(&st.seed.enos);
            let mut state = lock(st.enos);
            if let Some(user) = template.get("userId")
                && let Some(ous) = seed.users.get(user)
            {
                let new = fresh(user);
                state.users.insert(new.clone(), ous.clone());
                created.push(Created::EnosUser(new.clone()));
                values.insert("userId".into(), new);
            }
        }
        _ => {}
    }
    st.control.lock().insert(
        id.clone(),
        Instance {
            service: service.to_string(),
            fixture: fixture.to_string(),
            values: values.clone(),
            created,
        },
    );
    let mut body = serde_json::Map::new();
    for (k, v) in &values {
        body.insert(k.clone(), Value::String(v.clone()));
    }
    body.insert("instance".into(), Value::String(id.clone()));
    let mut resp = respond::json(201, &Value::Object(body));
    if let Ok(location) = format!("/__fixtures/{service}/{fixture}/{id}").parse() {
        resp.headers_mut().insert("location", location);
    }
    resp
}

fn rename(values: &mut Values, renamed: &BTreeMap<String, String>) {
    for v in values.values_mut() {
        if let Some(new) = renamed.get(v) {
            v.clone_from(new);
        }
    }
}

fn remove(st: &Plane<'_>, instance: &str) -> Response {
    let Some(gone) = st.control.lock().remove(instance) else {
        return refusal(404, format!("no live instance {instance}"));
    };
    for c in gone.created {
        match c {
            Created::Org(id) => {
                lock(st.oneaccess).orgs.remove(&id);
            }
            Created::App(id) => {
                lock(st.oneaccess).apps.remove(&id);
            }
            Created::Workspace { project, workspace } => {
                if let Some(p) = lock(st.dataarts).projects.get_mut(&project) {
                    p.remove(&workspace);
                }
            }
            Created::EnosUser(id) => {
                lock(st.enos).users.remove(&id);
            }
        }
    }
    respond::empty(204)
}
