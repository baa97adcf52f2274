//! `cargo xtask release ...`: release tooling.
//!
//! - [`plan`]: publishable crates in dependency order, and publishing blockers;
//! - [`bump`]: version arithmetic and `Cargo.toml` rewriting;
//! - [`changelog`]: CHANGELOG.md `## Unreleased` handling;
//! - [`check`]: release readiness checks;
//! - [`publish`]: dry-run or real `cargo publish` in dependency order.
//!
//! This module parses the `release` sub-command line and dispatches.

pub mod bump;
pub mod changelog;
pub mod check;
pub mod plan;
pub mod publish;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::metadata::Workspace;
use crate::{cargo_bin, Error, Result};

/// Usage text of the `release` sub-commands.
pub const USAGE: &str = "\
cargo xtask release plan
    List publishable crates in dependency order with their versions, and
    report manifest problems that would block publishing.
cargo xtask release bump <crate|--all> <major|minor|patch|X.Y.Z> [--dry-run]
    Bump the crate's own version and date its CHANGELOG.md Unreleased
    section; requirements on it move only when the new version no longer
    satisfies them, and the publishable crates whose requirement moved are
    listed as needing a release of their own (with a line in their
    Unreleased `### Other Changes`).
cargo xtask release changelog <crate>
    Print the Unreleased section of the crate's CHANGELOG.md.
cargo xtask release check
    Verify README.md, CHANGELOG.md (Unreleased + 4 headings), description,
    license and repository for every publishable crate.
cargo xtask release publish [--execute] [--allow-dirty] [--timeout SECS]
    Dry-run `cargo publish` in dependency order; with --execute publish for
    real, waiting for crates.io to serve each crate before its dependents.";

/// Runs `cargo xtask release <args>` against the workspace at `root`.
pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let Some((sub, rest)) = args.split_first() else {
        return Err(Error::usage(format!(
            "missing release sub-command\n\n{USAGE}"
        )));
    };
    match sub.as_str() {
        "plan" => {
            no_more_args(rest)?;
            let ws = Workspace::load(root)?;
            print!("{}", plan::plan(&ws)?.render());
            Ok(())
        }
        "bump" => run_bump(root, rest),
        "changelog" => {
            let [name] = rest else {
                return Err(Error::usage("usage: cargo xtask release changelog <crate>"));
            };
            let ws = Workspace::load(root)?;
            let pkg = ws.require_package(name)?;
            let path = pkg.dir().join("CHANGELOG.md");
            let text = std::fs::read_to_string(&path)
                .map_err(|e| Error::new(format!("cannot read {}: {e}", path.display())))?;
            let section = changelog::unreleased_section(&text).ok_or_else(|| {
                Error::new(format!("{}: no `## Unreleased` section", path.display()))
            })?;
            println!("{section}");
            Ok(())
        }
        "check" => {
            no_more_args(rest)?;
            check::run(&Workspace::load(root)?)
        }
        "publish" => {
            let mut opts = publish::PublishOptions::default();
            let mut it = rest.iter();
            while let Some(arg) = it.next() {
                match arg.as_str() {
                    "--execute" => opts.execute = true,
                    "--allow-dirty" => opts.allow_dirty = true,
                    "--timeout" => {
                        let secs = it
                            .next()
                            .and_then(|s| s.parse::<u64>().ok())
                            .ok_or_else(|| Error::usage("--timeout needs a number of seconds"))?;
                        opts.timeout = Duration::from_secs(secs);
                    }
                    other => {
                        return Err(Error::usage(format!(
                            "unknown argument `{other}` for release publish"
                        )))
                    }
                }
            }
            publish::run(&Workspace::load(root)?, &opts)
        }
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(Error::usage(format!(
            "unknown release sub-command `{other}`\n\n{USAGE}"
        ))),
    }
}

fn no_more_args(rest: &[String]) -> Result<()> {
    match rest.first() {
        Some(extra) => Err(Error::usage(format!("unexpected argument `{extra}`"))),
        None => Ok(()),
    }
}

fn run_bump(root: &Path, rest: &[String]) -> Result<()> {
    let usage = || {
        Error::usage(
            "usage: cargo xtask release bump <crate|--all> <major|minor|patch|X.Y.Z> [--dry-run]",
        )
    };
    let dry_run = rest.iter().any(|a| a == "--dry-run");
    let positional: Vec<&String> = rest.iter().filter(|a| *a != "--dry-run").collect();
    let [target, spec] = positional.as_slice() else {
        return Err(usage());
    };
    let spec = bump::BumpSpec::parse(spec)?;
    let ws = Workspace::load(root)?;
    let targets: Vec<String> = if target.as_str() == "--all" {
        ws.packages
            .iter()
            .filter(|p| p.publishable)
            .map(|p| p.name.clone())
            .collect()
    } else if target.starts_with('-') {
        return Err(usage());
    } else {
        vec![ws.require_package(target)?.name.clone()]
    };
    if targets.is_empty() {
        return Err(Error::new("no publishable crates to bump"));
    }
    let plan = bump::plan_bump(&ws, &targets, &spec, &changelog::today())?;
    for c in &plan.changes {
        println!("{}: {} -> {}", c.name, c.old, c.new);
    }
    for note in &plan.notes {
        println!("note: {note}");
    }
    if !plan.dependents.is_empty() {
        let mut names: Vec<&str> = plan.dependents.iter().map(|d| d.name.as_str()).collect();
        names.dedup();
        println!("needs a release too: {}", names.join(", "));
    }
    for path in plan.files.keys() {
        let shown = path.strip_prefix(&ws.root).unwrap_or(path);
        println!(
            "{} {}",
            if dry_run { "would write" } else { "wrote" },
            shown.display()
        );
    }
    if dry_run {
        return Ok(());
    }
    for (path, text) in &plan.files {
        std::fs::write(path, text)
            .map_err(|e| Error::new(format!("cannot write {}: {e}", path.display())))?;
    }
    if ws.root.join("Cargo.lock").is_file() {
        // Refresh only the workspace members' entries in the lock file.
        let status = Command::new(cargo_bin())
            .args(["update", "--workspace", "--offline"])
            .current_dir(&ws.root)
            .status();
        if !status.is_ok_and(|s| s.success()) {
            println!("warning: could not refresh Cargo.lock; run `cargo update --workspace`");
        }
    }
    Ok(())
}
