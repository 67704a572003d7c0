//! `--fail-on-ignored`: a run with ignored cases fails, with the reasons listed. On with the
//! flag, with `CONTRACT_FAIL_ON_IGNORED=1`, and by default in CI (`CI=true`) unless
//! `CONTRACT_FAIL_ON_IGNORED=0`.

/// The harness's own command-line flags, taken out before libtest reads the rest.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags {
    /// `--fail-on-ignored` was given.
    pub fail_on_ignored: bool,
}

/// Splits the harness's own flags from the libtest arguments.
pub fn split(args: impl IntoIterator<Item = String>) -> (Vec<String>, Flags) {
    let mut flags = Flags::default();
    let rest = args
        .into_iter()
        .filter(|a| {
            let own = a == "--fail-on-ignored";
            flags.fail_on_ignored |= own;
            !own
        })
        .collect();
    (rest, flags)
}

/// Whether ignored cases fail the run, from the flag and the environment.
pub fn fail_on_ignored(flags: Flags, env: &dyn Fn(&str) -> Option<String>) -> bool {
    if flags.fail_on_ignored {
        return true;
    }
    match env("CONTRACT_FAIL_ON_IGNORED").as_deref().map(str::trim) {
        Some("1" | "true") => true,
        Some("0" | "false") => false,
        _ => env("CI").is_some_and(|v| v == "true" || v == "1"),
    }
}

/// The closing message of a run whose ignored cases fail it.
pub fn message(ignored: &[(String, String)]) -> String {
    let mut s = format!(
        "error: {} case{} ignored, and ignored cases fail this run (--fail-on-ignored, CONTRACT_FAIL_ON_IGNORED=1, or CI=true; CONTRACT_FAIL_ON_IGNORED=0 turns it off):\n",
        ignored.len(),
        if ignored.len() == 1 { " was" } else { "s were" }
    );
    for (name, reason) in ignored {
        s.push_str(&format!("  {name}: {reason}\n"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn the_flag_is_taken_out_of_the_libtest_arguments() {
        let (rest, flags) = split(["run", "--fail-on-ignored", "--exact", "x"].map(String::from));
        assert_eq!(rest, ["run", "--exact", "x"]);
        assert!(flags.fail_on_ignored);
        assert_eq!(split(["run".to_string()]).1, Flags::default());
    }

    #[test]
    fn on_by_default_in_ci_and_the_variable_decides_both_ways() {
        let off = Flags::default();
        assert!(!fail_on_ignored(off, &env(&[])));
        assert!(fail_on_ignored(off, &env(&[("CI", "true")])));
        assert!(!fail_on_ignored(
            off,
            &env(&[("CI", "true"), ("CONTRACT_FAIL_ON_IGNORED", "0")])
        ));
        assert!(fail_on_ignored(
            off,
            &env(&[("CONTRACT_FAIL_ON_IGNORED", "1")])
        ));
        assert!(fail_on_ignored(
            Flags {
                fail_on_ignored: true
            },
            &env(&[("CONTRACT_FAIL_ON_IGNORED", "0")])
        ));
    }

    #[test]
    fn the_message_lists_every_reason() {
        let m = message(&[("a::b".into(), "no credential".into())]);
        assert!(
            m.contains("1 case was ignored") && m.contains("  a::b: no credential"),
            "{m}"
        );
    }
}
