//! `release check`: verifies that every publishable crate is ready to be
//! released: README.md and CHANGELOG.md present, an `## Unreleased` section
//! with the four standard headings, `description`, `license` and
//! `repository` set, a version of its own (not `version.workspace = true`),
//! a `rust-version` no lower than that of any package it builds with, and no
//! blocking problem in the release plan.
//!
//! The `rust-version` rule ([`check_rust_version`]) is one half of the MSRV
//! check: a crate cannot build on a Rust older than the highest
//! `rust-version` declared in its dependency graph as locked by `Cargo.lock`
//! (normal and build edges, from `cargo metadata`). The other half is
//! clippy's `incompatible_msrv` lint (on by default; CI denies warnings),
//! which flags standard library APIs stabilised after the declared
//! `rust-version` in our own code.

use std::path::Path;

use super::{bump, changelog, plan};
use crate::metadata::{Node, Package, Resolved, Workspace};
use crate::{Error, Result};

/// A `rust-version` value, `1.89` or `1.89.0`, as a comparable triple.
pub fn parse_rust_version(s: &str) -> Option<(u64, u64, u64)> {
    let mut parts = s.trim().split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    let patch = match parts.next() {
        Some(p) => p.parse().ok()?,
        None => 0,
    };
    parts.next().is_none().then_some((major, minor, patch))
}

/// The package of `closure` declaring the highest `rust-version` (the first
/// one by name and version on a tie).
pub fn highest_rust_version<'a>(closure: &[&'a Node]) -> Option<&'a Node> {
    let mut best: Option<(&Node, (u64, u64, u64))> = None;
    for node in closure {
        let Some(v) = node.rust_version.as_deref().and_then(parse_rust_version) else {
            continue;
        };
        if best.is_none_or(|(_, b)| v > b) {
            best = Some((node, v));
        }
    }
    best.map(|(n, _)| n)
}

/// The problem with a crate's declared `rust-version`, given the package of
/// its dependency graph that declares the highest one.
pub fn check_rust_version(declared: Option<&str>, highest: Option<&Node>) -> Option<String> {
    let needed = highest.and_then(|n| {
        let v = n.rust_version.as_deref()?;
        Some((n, v, parse_rust_version(v)?))
    });
    let Some(declared) = declared else {
        return Some(match needed {
            Some((n, v, _)) => format!(
                "`rust-version` is not set in Cargo.toml (at least {v}, for {} {})",
                n.name, n.version
            ),
            None => "`rust-version` is not set in Cargo.toml".to_owned(),
        });
    };
    let Some(mine) = parse_rust_version(declared) else {
        return Some(format!("`rust-version` `{declared}` is not a Rust version"));
    };
    match needed {
        Some((n, v, theirs)) if mine < theirs => Some(format!(
            "`rust-version` {declared} is lower than {v}, the `rust-version` of {} {} in its \
             dependency graph (Cargo.lock)",
            n.name, n.version
        )),
        _ => None,
    }
}

/// What was found on disk for one package.
#[derive(Debug, Clone, Default)]
pub struct Files {
    /// Whether the README exists.
    pub readme: bool,
    /// CHANGELOG.md contents, if the file exists.
    pub changelog: Option<String>,
    /// Whether the manifest says `version.workspace = true`.
    pub inherits_version: bool,
}

impl Files {
    /// Reads the README (the `readme` field, else `README.md`) and
    /// `CHANGELOG.md` of a package.
    pub fn read(pkg: &Package) -> Self {
        let dir = pkg.dir();
        let readme = pkg.readme.as_deref().unwrap_or("README.md");
        Files {
            readme: dir.join(Path::new(readme)).is_file(),
            changelog: std::fs::read_to_string(dir.join("CHANGELOG.md")).ok(),
            inherits_version: std::fs::read_to_string(&pkg.manifest_path)
                .ok()
                .and_then(|m| bump::inherits_workspace_version(&m, &pkg.manifest_path).ok())
                .unwrap_or(false),
        }
    }
}

/// Problems with one package (empty when it is ready).
pub fn check_package(pkg: &Package, files: &Files) -> Vec<String> {
    let mut problems = Vec::new();
    if !files.readme {
        problems.push(match &pkg.readme {
            Some(r) => format!("README `{r}` (from the `readme` field) does not exist"),
            None => "missing README.md".to_owned(),
        });
    }
    match &files.changelog {
        None => problems.push("missing CHANGELOG.md".to_owned()),
        Some(text) => problems.extend(
            changelog::check(text)
                .into_iter()
                .map(|p| format!("CHANGELOG.md: {p}")),
        ),
    }
    if pkg.description.is_none() {
        problems.push("`description` is not set in Cargo.toml".to_owned());
    }
    if pkg.license.is_none() && pkg.license_file.is_none() {
        problems
            .push("`license` is not set in Cargo.toml (use `license.workspace = true`)".to_owned());
    }
    if pkg.repository.is_none() {
        problems.push(
            "`repository` is not set in Cargo.toml (use `repository.workspace = true`)".to_owned(),
        );
    }
    if files.inherits_version {
        problems.push(
            "`version.workspace = true`: give the crate its own `version` so it is released on \
             its own"
                .to_owned(),
        );
    }
    problems
}

/// Runs all checks over the workspace; prints a report and fails when
/// anything is wrong.
pub fn run(ws: &Workspace) -> Result<()> {
    let mut failures = 0;
    let plan = plan::plan(ws)?;
    let resolved = Resolved::load(&ws.root)?;
    for planned in &plan.order {
        let pkg = ws.require_package(&planned.name)?;
        let mut problems = check_package(pkg, &Files::read(pkg));
        let closure = resolved.build_closure(&pkg.name);
        problems.extend(check_rust_version(
            pkg.rust_version.as_deref(),
            highest_rust_version(&closure),
        ));
        problems.extend(
            plan.problems
                .iter()
                .filter(|p| p.krate == pkg.name && p.severity == plan::Severity::Error)
                .map(|p| p.message.clone()),
        );
        if problems.is_empty() {
            let msrv = pkg.rust_version.as_deref().unwrap_or("?");
            println!("ok    {} {} (rust-version {msrv})", pkg.name, pkg.version);
        } else {
            println!("FAIL  {} {}", pkg.name, pkg.version);
            for p in &problems {
                println!("        - {p}");
            }
            failures += problems.len();
        }
    }
    for p in plan
        .problems
        .iter()
        .filter(|p| p.severity == plan::Severity::Warning)
    {
        println!("warning: {}: {}", p.krate, p.message);
    }
    if plan.order.is_empty() {
        println!("no publishable crates in the workspace");
    }
    if failures > 0 {
        return Err(Error::new(format!(
            "release check failed: {failures} problem{} (see above)",
            if failures == 1 { "" } else { "s" }
        )));
    }
    println!("release check passed");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn ready_package() -> Package {
        Package {
            name: "keyvault-secrets".into(),
            version: "0.1.0".into(),
            manifest_path: PathBuf::from("/ws/crates/keyvault-secrets/Cargo.toml"),
            publishable: true,
            description: Some("Secrets".into()),
            license: Some("MIT".into()),
            license_file: None,
            repository: Some("https://example.invalid/repo".into()),
            readme: Some("README.md".into()),
            rust_version: Some("1.89".into()),
            dependencies: vec![],
        }
    }

    fn good_changelog() -> String {
        format!("# Release History\n\n{}", changelog::empty_unreleased("\n"))
    }

    #[test]
    fn ready_package_passes() {
        let files = Files {
            readme: true,
            changelog: Some(good_changelog()),
            inherits_version: false,
        };
        assert_eq!(
            check_package(&ready_package(), &files),
            Vec::<String>::new()
        );
    }

    #[test]
    fn reports_every_missing_piece() {
        let mut pkg = ready_package();
        pkg.description = None;
        pkg.license = None;
        pkg.repository = None;
        pkg.readme = None;
        let files = Files {
            inherits_version: true,
            ..Files::default()
        };
        let problems = check_package(&pkg, &files);
        assert_eq!(
            problems,
            [
                "missing README.md",
                "missing CHANGELOG.md",
                "`description` is not set in Cargo.toml",
                "`license` is not set in Cargo.toml (use `license.workspace = true`)",
                "`repository` is not set in Cargo.toml (use `repository.workspace = true`)",
                "`version.workspace = true`: give the crate its own `version` so it is released \
                 on its own",
            ]
        );
    }

    #[test]
    fn reports_changelog_content_problems_and_accepts_license_file() {
        let mut pkg = ready_package();
        pkg.license = None;
        pkg.license_file = Some("LICENSE".into());
        let files = Files {
            readme: true,
            changelog: Some("## Unreleased\n\n### Features Added\n".into()),
            inherits_version: false,
        };
        let problems = check_package(&pkg, &files);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems
            .iter()
            .all(|p| p.starts_with("CHANGELOG.md: `## Unreleased` section lacks")));
        let files = Files {
            readme: true,
            changelog: Some("# Changelog\n".into()),
            inherits_version: false,
        };
        assert_eq!(
            check_package(&pkg, &files),
            ["CHANGELOG.md: no `## Unreleased` section"]
        );
    }

    fn node(name: &str, rust_version: Option<&str>) -> Node {
        Node {
            name: name.into(),
            version: "1.0.0".into(),
            rust_version: rust_version.map(str::to_owned),
        }
    }

    #[test]
    fn parses_rust_versions() {
        assert_eq!(parse_rust_version("1.89"), Some((1, 89, 0)));
        assert_eq!(parse_rust_version("1.89.1"), Some((1, 89, 1)));
        for bad in ["", "1", "1.x", "1.89.0.1", "1.89-nightly"] {
            assert_eq!(parse_rust_version(bad), None, "{bad}");
        }
        assert!(parse_rust_version("1.9").unwrap() < parse_rust_version("1.10").unwrap());
    }

    #[test]
    fn highest_rust_version_of_the_graph() {
        let nodes = [
            node("serde", Some("1.61")),
            node("uuid", Some("1.89.0")),
            node("aes", Some("1.89")),
            node("cc", None),
            node("odd", Some("latest")),
            node("time", Some("1.88.0")),
        ];
        let refs: Vec<&Node> = nodes.iter().collect();
        assert_eq!(highest_rust_version(&refs).unwrap().name, "uuid");
        assert!(highest_rust_version(&[]).is_none());
    }

    #[test]
    fn rust_version_must_cover_the_dependencies() {
        let uuid = node("uuid", Some("1.89.0"));
        assert_eq!(check_rust_version(Some("1.89"), Some(&uuid)), None);
        assert_eq!(check_rust_version(Some("1.90"), Some(&uuid)), None);
        assert_eq!(check_rust_version(Some("1.88"), None), None);
        assert_eq!(
            check_rust_version(Some("1.88"), Some(&uuid)).unwrap(),
            "`rust-version` 1.88 is lower than 1.89.0, the `rust-version` of uuid 1.0.0 in its \
             dependency graph (Cargo.lock)"
        );
        assert_eq!(
            check_rust_version(None, Some(&uuid)).unwrap(),
            "`rust-version` is not set in Cargo.toml (at least 1.89.0, for uuid 1.0.0)"
        );
        assert_eq!(
            check_rust_version(None, None).unwrap(),
            "`rust-version` is not set in Cargo.toml"
        );
        assert!(check_rust_version(Some("soon"), Some(&uuid))
            .unwrap()
            .contains("not a Rust version"));
    }
}
