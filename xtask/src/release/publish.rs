//! `release publish`: publishes the publishable crates in dependency order.
//!
//! Without `--execute` nothing is uploaded: one
//! `cargo publish --dry-run -p A -p B ...` runs with the crates in plan order
//! (cargo packages them together, so a dependent's dry run resolves its
//! not-yet-published workspace dependencies from the local packages).
//!
//! With `--execute`, each crate is published with `cargo publish -p <crate>`;
//! a crate whose version crates.io already serves is skipped (so a failed
//! release can be resumed), and after each upload the command polls
//! `cargo info <crate>@<version>` until crates.io serves it (or a timeout)
//! before publishing the crates that depend on it.

use std::path::Path;
use std::process::{Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use super::plan;
use crate::metadata::Workspace;
use crate::{cargo_bin, Error, Result};

/// Options of `release publish`.
#[derive(Debug, Clone)]
pub struct PublishOptions {
    /// Really upload (`--execute`); otherwise dry run.
    pub execute: bool,
    /// Pass `--allow-dirty` to cargo publish.
    pub allow_dirty: bool,
    /// How long to wait for crates.io to serve a new version.
    pub timeout: Duration,
    /// Delay between two availability checks.
    pub poll_interval: Duration,
}

impl Default for PublishOptions {
    fn default() -> Self {
        PublishOptions {
            execute: false,
            allow_dirty: false,
            timeout: Duration::from_secs(600),
            poll_interval: Duration::from_secs(10),
        }
    }
}

/// Arguments of the single dry-run invocation.
pub fn dry_run_args(crates: &[String], allow_dirty: bool) -> Vec<String> {
    let mut args = vec!["publish".to_owned(), "--dry-run".to_owned()];
    if allow_dirty {
        args.push("--allow-dirty".to_owned());
    }
    for c in crates {
        args.push("-p".to_owned());
        args.push(c.clone());
    }
    args
}

/// `$CARGO_HOME`, or `~/.cargo`.
fn cargo_home() -> Option<std::path::PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(Into::into)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
}

/// A multi-crate dry run packages the crates into a local registry whose sources cargo extracts
/// under `registry/src/-<hash of the checkout's path>/`, and it reuses an extraction of the same
/// name and version that it finds there: a second dry run from the same checkout would verify
/// the dependents against the first run's sources of their dependencies. The extractions of the
/// packages about to be verified are removed from every such unnamed registry (crates.io's
/// directory has a name, so it is never touched).
pub fn forget_earlier_dry_runs(cargo_home: &Path, packages: &[(&str, &str)]) -> Result<()> {
    let Ok(registries) = std::fs::read_dir(cargo_home.join("registry").join("src")) else {
        return Ok(());
    };
    for registry in registries.flatten() {
        if !registry.file_name().to_string_lossy().starts_with('-') {
            continue;
        }
        for (name, version) in packages {
            let extracted = registry.path().join(format!("{name}-{version}"));
            if extracted.is_dir() {
                std::fs::remove_dir_all(&extracted).map_err(|e| {
                    Error::new(format!("cannot remove {}: {e}", extracted.display()))
                })?;
            }
        }
    }
    Ok(())
}

/// Arguments of the real upload of one crate.
pub fn publish_args(krate: &str, allow_dirty: bool) -> Vec<String> {
    let mut args = vec!["publish".to_owned(), "-p".to_owned(), krate.to_owned()];
    if allow_dirty {
        args.push("--allow-dirty".to_owned());
    }
    args
}

/// Whether crates.io serves `krate@version`, asked through `cargo info`
/// (run outside the workspace so a local member cannot answer instead).
pub fn is_published(krate: &str, version: &str) -> Result<bool> {
    let status = Command::new(cargo_bin())
        .args([
            "info",
            "--registry",
            "crates-io",
            &format!("{krate}@{version}"),
        ])
        .current_dir(std::env::temp_dir())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| Error::new(format!("failed to run cargo info: {e}")))?;
    Ok(status.success())
}

/// Polls `check` every `interval` until it returns true or `timeout`
/// elapses; returns whether it became true.
pub fn wait_until(
    timeout: Duration,
    interval: Duration,
    mut check: impl FnMut() -> Result<bool>,
) -> Result<bool> {
    let start = Instant::now();
    loop {
        if check()? {
            return Ok(true);
        }
        if start.elapsed() + interval > timeout {
            return Ok(false);
        }
        sleep(interval);
    }
}

fn cargo(args: &[String], root: &Path) -> Result<()> {
    println!("$ cargo {}", args.join(" "));
    let status = Command::new(cargo_bin())
        .args(args)
        .current_dir(root)
        .status()
        .map_err(|e| Error::new(format!("failed to run cargo: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(Error::with_code(
            format!("`cargo {}` failed", args.join(" ")),
            status.code().unwrap_or(1),
        ))
    }
}

/// Runs `release publish`.
pub fn run(ws: &Workspace, opts: &PublishOptions) -> Result<()> {
    let plan = plan::plan(ws)?;
    print!("{}", plan.render());
    if plan.has_errors() {
        return Err(Error::new(
            "the release plan has errors (see above); fix them before publishing",
        ));
    }
    if plan.order.is_empty() {
        println!("nothing to publish");
        return Ok(());
    }
    let names: Vec<String> = plan.order.iter().map(|p| p.name.clone()).collect();

    if !opts.execute {
        println!("\nDry run (nothing is uploaded; pass --execute to publish):");
        if let Some(home) = cargo_home() {
            let packages: Vec<(&str, &str)> = plan
                .order
                .iter()
                .map(|p| (p.name.as_str(), p.version.as_str()))
                .collect();
            forget_earlier_dry_runs(&home, &packages)?;
        }
        cargo(&dry_run_args(&names, opts.allow_dirty), &ws.root)?;
        println!("\ndry run passed for {}", names.join(", "));
        return Ok(());
    }

    for p in &plan.order {
        println!("\n==> {} {}", p.name, p.version);
        if is_published(&p.name, &p.version)? {
            println!("{}@{} is already on crates.io, skipping", p.name, p.version);
            continue;
        }
        cargo(&publish_args(&p.name, opts.allow_dirty), &ws.root)?;
        println!(
            "waiting for crates.io to serve {}@{} (timeout {}s)",
            p.name,
            p.version,
            opts.timeout.as_secs()
        );
        if !wait_until(opts.timeout, opts.poll_interval, || {
            is_published(&p.name, &p.version)
        })? {
            return Err(Error::new(format!(
                "{}@{} was uploaded but crates.io did not serve it within {}s; \
                 re-run `cargo xtask release publish --execute` to continue \
                 (published crates are skipped)",
                p.name,
                p.version,
                opts.timeout.as_secs()
            )));
        }
        println!("{}@{} is available", p.name, p.version);
    }
    println!("\npublished {}", names.join(", "));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dry_run_is_one_invocation_in_plan_order() {
        let crates = vec!["keyvault-core".to_owned(), "keyvault-secrets".to_owned()];
        assert_eq!(
            dry_run_args(&crates, false).join(" "),
            "publish --dry-run -p keyvault-core -p keyvault-secrets"
        );
        assert_eq!(
            dry_run_args(&crates, true).join(" "),
            "publish --dry-run --allow-dirty -p keyvault-core -p keyvault-secrets"
        );
    }

    #[test]
    fn earlier_dry_runs_are_forgotten_and_nothing_else() {
        let home = std::env::temp_dir().join(format!("xtask-dry-run-{}", std::process::id()));
        let src = home.join("registry").join("src");
        let stale = src.join("-0123abcd").join("keyvault-core-0.1.0");
        let other_version = src.join("-0123abcd").join("keyvault-core-0.2.0");
        let crates_io = src
            .join("index.crates.io-1949cf8c6b5b557f")
            .join("keyvault-core-0.1.0");
        for dir in [&stale, &other_version, &crates_io] {
            std::fs::create_dir_all(dir).unwrap();
            std::fs::write(dir.join("lib.rs"), "").unwrap();
        }
        forget_earlier_dry_runs(&home, &[("keyvault-core", "0.1.0")]).unwrap();
        assert!(!stale.exists());
        assert!(other_version.exists());
        assert!(crates_io.exists());
        std::fs::remove_dir_all(&home).unwrap();
        // No cargo home at all is not an error.
        forget_earlier_dry_runs(&home, &[("keyvault-core", "0.1.0")]).unwrap();
    }

    #[test]
    fn real_publish_args_have_no_dry_run() {
        assert_eq!(
            publish_args("keyvault-core", false).join(" "),
            "publish -p keyvault-core"
        );
        assert_eq!(
            publish_args("keyvault-core", true).join(" "),
            "publish -p keyvault-core --allow-dirty"
        );
    }

    #[test]
    fn wait_until_polls_until_true() {
        let mut calls = 0;
        let ok = wait_until(Duration::from_secs(5), Duration::from_millis(1), || {
            calls += 1;
            Ok(calls == 3)
        })
        .unwrap();
        assert!(ok);
        assert_eq!(calls, 3);
    }

    #[test]
    fn wait_until_gives_up_after_timeout() {
        let mut calls = 0;
        let ok = wait_until(Duration::from_millis(30), Duration::from_millis(10), || {
            calls += 1;
            Ok(false)
        })
        .unwrap();
        assert!(!ok);
        assert!((1..=4).contains(&calls), "{calls}");
    }

    #[test]
    fn wait_until_propagates_errors() {
        let err = wait_until(Duration::from_secs(1), Duration::from_millis(1), || {
            Err(Error::new("boom"))
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "boom");
    }
}
