//! `contract-harness mock --specs DIR`: the generic mock standalone for client developers, one
//! port per service on 127.0.0.1 (from `--port` up, or free ports with `--port 0`), printing
//! each service's base URL, fixture values and credentials (the mock's own, made up).

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;

use super::seed::GenericSeed;
use super::set::GenericSet;
use crate::contract;
use crate::mock::serve::ServeLimits;

/// What the standalone generic mock is asked to do.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// Spec directory.
    pub specs: &'a Path,
    /// First port (0: a free port per service).
    pub port: u16,
    /// A generic seed file.
    pub seed: Option<&'a Path>,
    /// A derived fault to switch on.
    pub fault: Option<&'a str>,
    /// Print the derived catalogue and exit.
    pub list_faults: bool,
    /// No request log.
    pub quiet: bool,
}

/// The banner for one service: base URL, fixtures, credentials.
pub fn banner(set: &GenericSet, service: &str, base_url: &str) -> String {
    let mut out = format!("contract-harness mock: {service} listening on {base_url}\n");
    if let Some(m) = set.mock(service) {
        for (f, values) in m.fixtures() {
            let v: Vec<String> = values.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let _ = writeln!(out, "  fixture {f}: {}", v.join(" "));
        }
        for (r, values) in m.credentials() {
            let v: Vec<String> = values.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let _ = writeln!(out, "  credential {r}: {}", v.join(" "));
        }
    }
    out
}

/// Runs it until Ctrl-C.
pub fn run(o: Options<'_>) -> ExitCode {
    let fail = |m: String| {
        eprintln!("error: {m}");
        ExitCode::FAILURE
    };
    let specs = match contract::load(o.specs) {
        Ok(l) => l.specs,
        Err(e) => return fail(e.to_string()),
    };
    let seed = match o.seed.map(GenericSeed::from_file).transpose() {
        Ok(s) => s.unwrap_or_default(),
        Err(e) => return fail(e.to_string()),
    };
    let all = match GenericSet::new(&specs, &[], &seed, None) {
        Ok(s) => s,
        Err(e) => return fail(e.to_string()),
    };
    if o.list_faults {
        for f in all.catalogue(&specs) {
            println!("{:<48} {:<22} {}", f.name(), f.kind_word(), f.description());
        }
        return ExitCode::SUCCESS;
    }
    let fault = match o.fault {
        Some(name) => match all.catalogue(&specs).into_iter().find(|f| f.name() == name) {
            Some(f) => Some(f),
            None => {
                return fail(format!(
                    "no derived fault `{name}` (see `contract-harness mock --specs {} --list-faults`)",
                    o.specs.display()
                ));
            }
        },
        None => None,
    };
    let set = match GenericSet::new(&specs, &[], &seed, fault.clone()) {
        Ok(s) => s,
        Err(e) => return fail(e.to_string()),
    };
    if set.services().is_empty() {
        return fail(format!(
            "no service of {} can be served by the generic mock",
            o.specs.display()
        ));
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(format!("cannot start the runtime: {e}")),
    };
    runtime.block_on(async move {
        let mut servers: Vec<super::server::GenericServer> = Vec::new();
        for (i, service) in set.services().iter().enumerate() {
            let port = if o.port == 0 {
                0
            } else {
                o.port.saturating_add(i as u16)
            };
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            let Some(m) = set.mock(service) else { continue };
            match m.start_with(addr, !o.quiet, ServeLimits::default()).await {
                Ok(s) => {
                    eprint!("{}", banner(&set, service, &s.base_url()));
                    servers.push(s);
                }
                Err(e) => return fail(format!("cannot listen on {addr} for {service}: {e}")),
            }
        }
        for (service, why) in set.skipped() {
            eprintln!("contract-harness mock: {service} not served: {why}");
        }
        if let Some(f) = &fault {
            eprintln!("contract-harness mock: fault {f} switched on");
        }
        let _ = tokio::signal::ctrl_c().await;
        drop(servers);
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_banner_names_url_fixtures_and_credentials() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/petstore/specs");
        let specs = contract::load(&dir).expect("specs").specs;
        let set = GenericSet::new(&specs, &[], &GenericSeed::default(), None).expect("set");
        let b = banner(&set, "store", "http://127.0.0.1:1");
        assert!(
            b.starts_with("contract-harness mock: store listening on http://127.0.0.1:1\n"),
            "{b}"
        );
        assert!(
            b.contains("  fixture available_pet: pet_id=available-pet-1\n"),
            "{b}"
        );
        assert!(b.contains("  credential default: key=key-"), "{b}");
    }
}
