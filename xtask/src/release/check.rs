//! `release check`: verifies that every publishable crate is ready to be
//! released: README.md and CHANGELOG.md present, an `## Unreleased` section
//! with the four standard headings, `description`, `license` and
//! `repository` set, and no blocking problem in the release plan.

use std::path::Path;

use super::{changelog, plan};
use crate::metadata::{Package, Workspace};
use crate::{Error, Result};

/// What was found on disk for one package.
#[derive(Debug, Clone, Default)]
pub struct Files {
    /// Whether the README exists.
    pub readme: bool,
    /// CHANGELOG.md contents, if the file exists.
    pub changelog: Option<String>,
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
    problems
}

/// Runs all checks over the workspace; prints a report and fails when
/// anything is wrong.
pub fn run(ws: &Workspace) -> Result<()> {
    let mut failures = 0;
    let plan = plan::plan(ws)?;
    for planned in &plan.order {
        let pkg = ws.require_package(&planned.name)?;
        let mut problems = check_package(pkg, &Files::read(pkg));
        problems.extend(
            plan.problems
                .iter()
                .filter(|p| p.krate == pkg.name && p.severity == plan::Severity::Error)
                .map(|p| p.message.clone()),
        );
        if problems.is_empty() {
            println!("ok    {} {}", pkg.name, pkg.version);
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
        let problems = check_package(&pkg, &Files::default());
        assert_eq!(
            problems,
            [
                "missing README.md",
                "missing CHANGELOG.md",
                "`description` is not set in Cargo.toml",
                "`license` is not set in Cargo.toml (use `license.workspace = true`)",
                "`repository` is not set in Cargo.toml (use `repository.workspace = true`)",
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
        };
        let problems = check_package(&pkg, &files);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems
            .iter()
            .all(|p| p.starts_with("CHANGELOG.md: `## Unreleased` section lacks")));
        let files = Files {
            readme: true,
            changelog: Some("# Changelog\n".into()),
        };
        assert_eq!(
            check_package(&pkg, &files),
            ["CHANGELOG.md: no `## Unreleased` section"]
        );
    }
}
