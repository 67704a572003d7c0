//! Runs a provisioning, teardown or reset command with a time limit, and reads what it prints.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a finished command left.
#[derive(Debug, Clone)]
pub struct Finished {
    /// Exit code (`None`: killed by a signal).
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Why a command gave nothing usable.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CommandError {
    /// The command line is empty.
    #[error("the command is empty")]
    Empty,
    /// The program could not be started.
    #[error("cannot start `{program}`: {message}")]
    Start {
        /// Program.
        program: String,
        /// The system's message.
        message: String,
    },
    /// It ran past its time limit and was killed.
    #[error("still running after {0:?}: killed")]
    TimedOut(Duration),
}

/// Runs `argv` in the current directory, with the environment of this process; kills it after
/// `limit`.
///
/// # Errors
/// [`CommandError`] when it cannot start or runs too long.
pub fn run(argv: &[String], limit: Duration) -> Result<Finished, CommandError> {
    let (program, args) = argv.split_first().ok_or(CommandError::Empty)?;
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| CommandError::Start {
            program: program.clone(),
            message: e.to_string(),
        })?;
    // Both pipes are drained while the command runs, so that a chatty command cannot block.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            if let Some(p) = pipe {
                let _ = p.take(1 << 20).read_to_end(&mut text);
            }
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if start.elapsed() < limit => std::thread::sleep(Duration::from_millis(5)),
            _ => break None,
        }
    };
    let Some(status) = status else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(CommandError::TimedOut(limit));
    };
    Ok(Finished {
        code: status.code(),
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    })
}

/// A command line as text, for messages.
pub fn display(argv: &[String]) -> String {
    argv.iter()
        .map(|a| {
            if a.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./=:{}".contains(c))
            {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Vec<String> {
        vec!["sh".into(), "-c".into(), script.into()]
    }

    #[test]
    fn output_and_exit_code_come_back() {
        let f = run(
            &sh("echo '{\"a\":\"1\"}'; echo oops >&2; exit 3"),
            Duration::from_secs(20),
        )
        .expect("runs");
        assert_eq!(f.code, Some(3));
        assert_eq!(f.stdout.trim(), "{\"a\":\"1\"}");
        assert_eq!(f.stderr.trim(), "oops");
    }

    #[test]
    fn a_command_past_its_limit_is_killed_and_a_missing_one_reported() {
        let e = run(&sh("sleep 30"), Duration::from_millis(100)).expect_err("killed");
        assert!(matches!(e, CommandError::TimedOut(_)), "{e}");
        let e =
            run(&["/nonexistent/prog".to_string()], Duration::from_secs(1)).expect_err("missing");
        assert!(e.to_string().contains("/nonexistent/prog"), "{e}");
        assert!(matches!(
            run(&[], Duration::from_secs(1)),
            Err(CommandError::Empty)
        ));
    }
}
