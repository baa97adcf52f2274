//! `cargo xtask`: repository automation for the keyvault-rs workspace.
//!
//! Run through the alias in `.cargo/config.toml`
//! (`xtask = "run --package xtask --"`):
//!
//! ```text
//! cargo xtask ci [--skip STEP]... [--only STEP]... [--list]
//! cargo xtask release plan
//! cargo xtask release bump <crate|--all> <major|minor|patch|X.Y.Z> [--dry-run]
//! cargo xtask release changelog <crate>
//! cargo xtask release check
//! cargo xtask release publish [--execute] [--allow-dirty] [--timeout SECS]
//! ```
//!
//! A leading `--root DIR` runs against another workspace (used to try the
//! release commands on a scratch copy).
//!
//! Modules: [`ci`] (the CI pipeline), [`metadata`] (`cargo metadata`
//! model), [`release`] (plan, bump, changelog, check, publish).

mod ci;
mod metadata;
mod release;

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Error carrying a message and the process exit code to use.
#[derive(Debug)]
pub struct Error {
    message: String,
    code: i32,
}

impl Error {
    /// A failure (exit code 1).
    pub fn new(message: impl Into<String>) -> Self {
        Error {
            message: message.into(),
            code: 1,
        }
    }

    /// A failure with a specific exit code (e.g. a failed child process).
    pub fn with_code(message: impl Into<String>, code: i32) -> Self {
        Error {
            message: message.into(),
            code: if code == 0 { 1 } else { code },
        }
    }

    /// A command-line usage error (exit code 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Error {
            message: message.into(),
            code: 2,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Result alias used throughout xtask.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The cargo binary: `$CARGO` when run by cargo, else `cargo`.
pub fn cargo_bin() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// The workspace root: the parent of this crate's directory.
fn default_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

const USAGE: &str = "\
usage: cargo xtask [--root DIR] <command>

commands:
cargo xtask ci [--skip STEP]... [--only STEP]... [--list]
    Run the CI steps in order, stopping at the first failure. Steps: fmt,
    clippy, test, doc, tour, release-check, publish-dry-run,
    install-emulator, bench, conformance (all suites) or conformance:NAME
    (`--list` shows their commands).
";

fn run(args: &[String]) -> Result<()> {
    let mut root = default_root();
    let mut args = args;
    if let [flag, dir, rest @ ..] = args {
        if flag == "--root" {
            root = PathBuf::from(dir);
            args = rest;
        }
    }
    let Some((command, rest)) = args.split_first() else {
        return Err(Error::usage(format!("{USAGE}{}", release::USAGE)));
    };
    match command.as_str() {
        "ci" => ci::run(&root, &parse_ci(rest)?),
        "release" => release::run(&root, rest),
        "help" | "--help" | "-h" => {
            println!("{USAGE}{}", release::USAGE);
            Ok(())
        }
        other => Err(Error::usage(format!(
            "unknown command `{other}`\n\n{USAGE}{}",
            release::USAGE
        ))),
    }
}

/// Parses the arguments of `cargo xtask ci`.
fn parse_ci(args: &[String]) -> Result<ci::CiOptions> {
    let mut opts = ci::CiOptions::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| Error::usage(format!("{flag} needs a step name")))
        };
        match flag {
            "--skip" => opts.skip.push(value()?),
            "--only" => opts.only.push(value()?),
            "--list" => opts.list = true,
            other => return Err(Error::usage(format!("unknown argument `{other}` for ci"))),
        }
    }
    Ok(opts)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(u8::try_from(e.code).unwrap_or(1))
        }
    }
}

#[cfg(test)]
mod test_support {
    //! Helpers shared by the unit tests.

    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A fresh, empty directory under the system temp dir.
    pub fn temp_dir(tag: &str) -> PathBuf {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("xtask-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| (*x).to_owned()).collect()
    }

    #[test]
    fn parses_ci_flags() {
        let opts = parse_ci(&s(&[
            "--skip",
            "doc",
            "--skip=clippy",
            "--only",
            "fmt",
            "--list",
        ]))
        .unwrap();
        assert_eq!(opts.skip, ["doc", "clippy"]);
        assert_eq!(opts.only, ["fmt"]);
        assert!(opts.list);
        assert_eq!(parse_ci(&s(&["--skip"])).unwrap_err().code, 2);
        assert_eq!(parse_ci(&s(&["--fast"])).unwrap_err().code, 2);
    }

    #[test]
    fn unknown_commands_are_usage_errors() {
        let err = run(&s(&["deploy"])).unwrap_err();
        assert_eq!(err.code, 2);
        assert!(err.to_string().contains("unknown command `deploy`"));
        assert_eq!(run(&[]).unwrap_err().code, 2);
        assert_eq!(run(&s(&["release", "frobnicate"])).unwrap_err().code, 2);
        assert_eq!(run(&s(&["release", "bump", "--all"])).unwrap_err().code, 2);
    }

    #[test]
    fn error_codes() {
        assert_eq!(Error::new("x").code, 1);
        assert_eq!(Error::with_code("x", 101).code, 101);
        assert_eq!(Error::with_code("x", 0).code, 1);
    }

    #[test]
    fn default_root_is_the_workspace() {
        assert!(default_root().join("xtask").join("Cargo.toml").is_file());
    }
}
