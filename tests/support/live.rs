//! Runs `contract-harness run` against the standalone mock as a live target (started here on
//! loopback): credentials from environment variables, target files for provisioning through
//! the control plane, reset with static entries, or a provisioning script.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use contract_harness::mock::{Fault, MockConfig, MockServer, Seed};
use serde_json::{Value, json};

/// Credential environment variables and their values (the mock's own credentials).
pub const ENV: &[(&str, &str)] = &[
    ("T_OA_ID", "ch-all"),
    ("T_OA_SECRET", "mock-secret-all-7f3a9c"),
    ("T_OA_ORG_ID", "ch-org"),
    ("T_OA_ORG_SECRET", "mock-secret-org-51be02"),
    ("T_OA_ACC_ID", "ch-account"),
    ("T_OA_ACC_SECRET", "mock-secret-account-c04d6e"),
    ("T_OA_EXPIRED", "oa-expired-3f5d2c1b9a7e"),
    ("T_IAM_USER", "ch-iam-user"),
    ("T_IAM_PASSWORD", "mock-iam-password-88d1"),
    ("T_IAM_DOMAIN", "ch-domain"),
    ("T_IAM_EXPIRED", "iam-expired-9c2e44d1"),
    ("T_ENOS_KEY", "ch-enos-app"),
    ("T_ENOS_SECRET", "mock-enos-secret-2b71f0"),
    ("T_ENOS_EXPIRED", "apim-expired-71aa0c3e"),
];

/// The credentials section naming [`ENV`].
pub fn credentials() -> Value {
    json!({
        "oneaccess": {
            "default": {"client_id": "T_OA_ID", "client_secret": "T_OA_SECRET"},
            "org_only": {"client_id": "T_OA_ORG_ID", "client_secret": "T_OA_ORG_SECRET"},
            "account_only": {"client_id": "T_OA_ACC_ID", "client_secret": "T_OA_ACC_SECRET"},
            "expired": {"token": "T_OA_EXPIRED"}
        },
        "dataarts": {
            "default": {"user": "T_IAM_USER", "password": "T_IAM_PASSWORD", "domain": "T_IAM_DOMAIN"},
            "expired": {"token": "T_IAM_EXPIRED"}
        },
        "enos": {
            "default": {"app_key": "T_ENOS_KEY", "app_secret": "T_ENOS_SECRET"},
            "expired": {"token": "T_ENOS_EXPIRED", "app_secret": "T_ENOS_SECRET"}
        }
    })
}

/// A standalone mock on loopback, with the runtime that serves it.
pub struct Mock {
    /// The server (its state is inspected by the tests).
    pub server: MockServer,
    _rt: tokio::runtime::Runtime,
}

impl Mock {
    /// Starts a mock with the built-in seed and an optional fault.
    pub fn start(fault: Option<Fault>) -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let mut config = MockConfig::new(Arc::new(Seed::builtin()));
        config.fault = fault;
        let server = rt
            .block_on(MockServer::start(&config, ([127, 0, 0, 1], 0).into()))
            .expect("mock");
        Self { server, _rt: rt }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base(&self) -> String {
        self.server.base_url()
    }

    /// A fresh instance of a seed fixture, through the control plane: its values.
    pub fn create(&self, service: &str, fixture: &str) -> Value {
        let url = format!("{}/__fixtures/{service}/{fixture}", self.base());
        self._rt.block_on(async {
            reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("client")
                .post(url)
                .send()
                .await
                .expect("send")
                .json::<Value>()
                .await
                .expect("values")
        })
    }

    /// Instances made through the control plane and not removed.
    pub fn live_instances(&self) -> usize {
        self.server.state.control.instances().len()
    }
}

/// A fresh temporary directory for one test.
pub fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ch-live-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

/// Every fixture of the seed with the names of its values.
pub fn seed_fixtures() -> Vec<(String, String, Vec<String>)> {
    Seed::builtin()
        .fixtures
        .iter()
        .flat_map(|(s, f)| {
            f.iter()
                .map(|(n, v)| (s.clone(), n.clone(), v.keys().cloned().collect()))
        })
        .collect()
}

/// `provision:` for every seed fixture through the mock's control plane.
pub fn control_plane_provision() -> Value {
    let mut out = serde_json::Map::new();
    for (service, fixture, names) in seed_fixtures() {
        let mut capture: serde_json::Map<String, Value> = names
            .iter()
            .map(|n| (n.clone(), json!(format!("/{n}"))))
            .collect();
        capture.insert("instance".into(), json!("/instance"));
        let entry = json!({
            "requests": [{
                "method": "POST",
                "path": format!("/__fixtures/{service}/{fixture}"),
                "status": 201,
                "role": "none",
                "capture": capture
            }],
            "teardown": [{
                "method": "DELETE",
                "path": format!("/__fixtures/{service}/{fixture}/{{{{instance}}}}"),
                "status": 204,
                "role": "none"
            }]
        });
        out.entry(service)
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .expect("object")
            .insert(fixture, entry);
    }
    Value::Object(out)
}

/// Writes a target file (JSON is YAML) and returns its path.
pub fn write_target(dir: &Path, doc: &Value) -> PathBuf {
    let path = dir.join("target.yaml");
    std::fs::write(&path, serde_json::to_string_pretty(doc).expect("json")).expect("write");
    path
}

/// `contract-harness ARGS` with the credentials, the target and a report directory in `dir`;
/// CI and every `CONTRACT_*` variable of the calling environment removed first.
pub fn harness(dir: &Path, base: &str, target: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_contract-harness"));
    cmd.args(args);
    for (k, _) in std::env::vars() {
        if k.starts_with("CONTRACT_") || k == "CI" {
            cmd.env_remove(k);
        }
    }
    cmd.env("CONTRACT_BASE_URL", base)
        .env("CONTRACT_TARGET", target)
        .env("CONTRACT_REPORT_DIR", dir.join("reports"))
        .env("CONTRACT_SNAPSHOT_DIR", dir.join("snapshots"))
        .env("CONTRACT_SNAPSHOTS", "update")
        .env("NO_PROXY", "127.0.0.1,localhost");
    for (k, v) in ENV {
        cmd.env(k, v);
    }
    cmd
}

/// Runs the whole suite with ignored cases failing the run.
pub fn run_suite(dir: &Path, base: &str, target: &Path) -> Output {
    harness(
        dir,
        base,
        target,
        &["run", "--specs", "specs", "--test-threads", "2"],
    )
    .env("CONTRACT_FAIL_ON_IGNORED", "1")
    .output()
    .expect("run the binary")
}

/// Standard output and error of a run, together.
pub fn text(out: &Output) -> String {
    let mut all = String::from_utf8_lossy(&out.stdout).into_owned();
    all.push_str(&String::from_utf8_lossy(&out.stderr));
    all
}

/// The numbers of libtest's summary line: (passed, failed, ignored).
pub fn counts(all: &str) -> Option<(usize, usize, usize)> {
    let line = all.lines().find(|l| l.starts_with("test result:"))?;
    let num = |word: &str| -> Option<usize> {
        let before = line.split(&format!(" {word}")).next()?;
        before.rsplit(' ').next()?.parse().ok()
    };
    Some((num("passed;")?, num("failed;")?, num("ignored;")?))
}
