//! `release plan`: the publishable workspace crates in dependency order, plus
//! the problems that would make `cargo publish` fail.
//!
//! Ordering is a topological sort ([`topo_order`]) over normal and build
//! path dependencies between publishable members, and over versioned path
//! dev-dependencies too when that makes no cycle: cargo keeps a versioned
//! dev-dependency in the published manifest (the clients keep one on the
//! emulator, so that their packaged examples build), so its target goes
//! first. A versioned dev-dependency on a crate that is unpublished, or that
//! can only be published later, is reported.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::metadata::{DepKind, Workspace};
use crate::{Error, Result};

/// How bad a [`Problem`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Publishing may fail (depends on what crates.io already has).
    Warning,
    /// Publishing will fail.
    Error,
}

/// Something in the manifests that gets in the way of publishing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// The crate whose manifest needs fixing.
    pub krate: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// One crate of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// Crate name.
    pub name: String,
    /// Current version.
    pub version: String,
    /// Publishable workspace crates it depends on (normal/build).
    pub depends_on: Vec<String>,
}

/// The release plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Publishable crates, dependencies first.
    pub order: Vec<Planned>,
    /// Workspace members with `publish = false`.
    pub unpublished: Vec<String>,
    /// Problems found, errors first.
    pub problems: Vec<Problem>,
}

impl Plan {
    /// Whether any problem is an [`Severity::Error`].
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }

    /// Position of a crate in the publish order.
    fn position(&self, name: &str) -> Option<usize> {
        self.order.iter().position(|p| p.name == name)
    }

    /// Renders the plan as printed by `cargo xtask release plan`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Publish order ({} crate{}):",
            self.order.len(),
            if self.order.len() == 1 { "" } else { "s" }
        );
        let width = self.order.iter().map(|p| p.name.len()).max().unwrap_or(0);
        for (i, p) in self.order.iter().enumerate() {
            let _ = write!(out, "  {:>2}. {:<width$}  {}", i + 1, p.name, p.version);
            if !p.depends_on.is_empty() {
                let _ = write!(out, "  (after {})", p.depends_on.join(", "));
            }
            out.push('\n');
        }
        if !self.unpublished.is_empty() {
            let _ = writeln!(out, "Not published: {}", self.unpublished.join(", "));
        }
        if !self.problems.is_empty() {
            let _ = writeln!(out, "Problems:");
            for p in &self.problems {
                let tag = match p.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                };
                let _ = writeln!(out, "  {tag}: {}: {}", p.krate, p.message);
            }
        }
        out
    }
}

/// Topologically sorts `nodes` so that for each `(dependent, dependency)`
/// edge the dependency comes first. Ties are broken alphabetically, so the
/// result is deterministic. On a cycle, fails naming the crates involved.
pub fn topo_order(nodes: &[String], edges: &[(String, String)]) -> Result<Vec<String>> {
    let mut deps: BTreeMap<&str, BTreeSet<&str>> = nodes
        .iter()
        .map(|n| (n.as_str(), BTreeSet::new()))
        .collect();
    for (dependent, dependency) in edges {
        if dependent == dependency || !deps.contains_key(dependency.as_str()) {
            continue;
        }
        if let Some(set) = deps.get_mut(dependent.as_str()) {
            set.insert(dependency.as_str());
        }
    }
    let mut order = Vec::with_capacity(nodes.len());
    while !deps.is_empty() {
        let ready: Vec<&str> = deps
            .iter()
            .filter(|(_, d)| d.is_empty())
            .map(|(n, _)| *n)
            .collect();
        let Some(next) = ready.first().copied() else {
            let stuck: Vec<&str> = deps.keys().copied().collect();
            return Err(Error::new(format!(
                "dependency cycle between workspace crates: {}",
                stuck.join(", ")
            )));
        };
        deps.remove(next);
        for d in deps.values_mut() {
            d.remove(next);
        }
        order.push(next.to_owned());
    }
    Ok(order)
}

/// Builds the release plan for a workspace.
pub fn plan(ws: &Workspace) -> Result<Plan> {
    let is_member = |name: &str| ws.package(name).is_some();
    let publishable: Vec<String> = ws
        .packages
        .iter()
        .filter(|p| p.publishable)
        .map(|p| p.name.clone())
        .collect();
    let unpublished: Vec<String> = ws
        .packages
        .iter()
        .filter(|p| !p.publishable)
        .map(|p| p.name.clone())
        .collect();

    let mut edges = Vec::new();
    let mut problems = Vec::new();
    for name in &publishable {
        let pkg = ws.require_package(name)?;
        for dep in &pkg.dependencies {
            if dep.path.is_none() || !is_member(&dep.name) || dep.kind == DepKind::Dev {
                continue;
            }
            let kind = if dep.kind == DepKind::Build {
                "build-dependency"
            } else {
                "dependency"
            };
            if !publishable.contains(&dep.name) {
                problems.push(Problem {
                    severity: Severity::Error,
                    krate: name.clone(),
                    message: format!("{kind} on `{}`, which has `publish = false`", dep.name),
                });
                continue;
            }
            if !dep.has_version_req() {
                problems.push(Problem {
                    severity: Severity::Error,
                    krate: name.clone(),
                    message: format!(
                        "path {kind} on `{}` has no version requirement; add `version = \"...\"` \
                         (or use `{} = {{ workspace = true }}`)",
                        dep.name, dep.name
                    ),
                });
            }
            edges.push((name.clone(), dep.name.clone()));
        }
    }

    let mut dev_edges = edges.clone();
    for name in &publishable {
        let pkg = ws.require_package(name)?;
        for dep in &pkg.dependencies {
            if dep.kind == DepKind::Dev
                && dep.path.is_some()
                && dep.has_version_req()
                && publishable.contains(&dep.name)
                && &dep.name != name
            {
                dev_edges.push((name.clone(), dep.name.clone()));
            }
        }
    }
    let order_names = match topo_order(&publishable, &dev_edges) {
        Ok(order) => order,
        // A versioned dev-dependency that closes a cycle cannot go first; it is reported below.
        Err(_) => topo_order(&publishable, &edges)?,
    };
    let mut plan = Plan {
        order: order_names
            .iter()
            .map(|n| {
                let pkg = ws.require_package(n)?;
                let mut depends_on: Vec<String> = edges
                    .iter()
                    .filter(|(from, _)| from == n)
                    .map(|(_, to)| to.clone())
                    .collect();
                depends_on.sort();
                depends_on.dedup();
                Ok(Planned {
                    name: n.clone(),
                    version: pkg.version.clone(),
                    depends_on,
                })
            })
            .collect::<Result<_>>()?,
        unpublished,
        problems,
    };

    // Dev-dependencies: only a versioned path dev-dependency survives into
    // the published manifest, so only those can block publishing.
    for name in &publishable {
        let pkg = ws.require_package(name)?;
        for dep in &pkg.dependencies {
            if dep.kind != DepKind::Dev
                || dep.path.is_none()
                || !is_member(&dep.name)
                || !dep.has_version_req()
                || &dep.name == name
            {
                continue;
            }
            let fix = format!(
                "make it path-only (`{} = {{ path = \"...\" }}` without `version`/`workspace = true`) \
                 so cargo strips it on publish",
                dep.name
            );
            match (plan.position(&dep.name), plan.position(name)) {
                (None, _) => plan.problems.push(Problem {
                    severity: Severity::Error,
                    krate: name.clone(),
                    message: format!(
                        "dev-dependency on unpublished `{}` carries version requirement `{}`; {fix}",
                        dep.name, dep.req
                    ),
                }),
                (Some(d), Some(me)) if d > me => plan.problems.push(Problem {
                    severity: Severity::Warning,
                    krate: name.clone(),
                    message: format!(
                        "dev-dependency on `{}` (published after `{name}`) carries version \
                         requirement `{}`: publishing `{name}` fails unless a matching `{}` is \
                         already on crates.io; {fix}",
                        dep.name, dep.req, dep.name
                    ),
                }),
                _ => {}
            }
        }
    }
    plan.problems
        .sort_by(|a, b| b.severity.cmp(&a.severity).then(a.krate.cmp(&b.krate)));
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metadata::{Dependency, Package};
    use std::path::PathBuf;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| (*x).to_owned()).collect()
    }

    fn e(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn topo_orders_dependencies_first() {
        let nodes = s(&["secrets", "core", "keys", "certificates"]);
        let edges = e(&[
            ("secrets", "core"),
            ("keys", "core"),
            ("certificates", "keys"),
            ("certificates", "secrets"),
        ]);
        assert_eq!(
            topo_order(&nodes, &edges).unwrap(),
            ["core", "keys", "secrets", "certificates"]
        );
    }

    #[test]
    fn topo_is_deterministic_and_ignores_unknown_and_self_edges() {
        let nodes = s(&["c", "b", "a"]);
        let edges = e(&[("a", "a"), ("b", "external"), ("a", "c")]);
        assert_eq!(topo_order(&nodes, &edges).unwrap(), ["b", "c", "a"]);
        assert_eq!(topo_order(&[], &[]).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn topo_reports_cycles() {
        let nodes = s(&["a", "b", "c", "z"]);
        let edges = e(&[("a", "b"), ("b", "c"), ("c", "a")]);
        let err = topo_order(&nodes, &edges).unwrap_err().to_string();
        assert!(err.contains("cycle"), "{err}");
        assert!(err.contains("a, b, c"), "{err}");
        assert!(!err.contains('z'), "{err}");
    }

    fn dep(name: &str, req: &str, kind: DepKind, path: bool) -> Dependency {
        Dependency {
            name: name.into(),
            req: req.into(),
            kind,
            path: path.then(|| PathBuf::from(format!("/ws/crates/{name}"))),
        }
    }

    fn pkg(name: &str, publishable: bool, dependencies: Vec<Dependency>) -> Package {
        Package {
            name: name.into(),
            version: "0.1.0".into(),
            manifest_path: PathBuf::from(format!("/ws/crates/{name}/Cargo.toml")),
            publishable,
            description: None,
            license: None,
            license_file: None,
            repository: None,
            readme: None,
            rust_version: None,
            dependencies,
        }
    }

    fn workspace(packages: Vec<Package>) -> Workspace {
        Workspace {
            root: PathBuf::from("/ws"),
            packages,
        }
    }

    #[test]
    fn plan_orders_publishable_crates_and_ignores_dev_edges() {
        let ws = workspace(vec![
            pkg(
                "keyvault-secrets",
                true,
                vec![
                    dep("keyvault-core", "^0.1.0", DepKind::Normal, true),
                    dep("serde", "^1", DepKind::Normal, false),
                    dep("keyvault-emulator", "*", DepKind::Dev, true),
                ],
            ),
            pkg(
                "keyvault-emulator",
                false,
                vec![dep("keyvault-secrets", "^0.1.0", DepKind::Normal, true)],
            ),
            pkg(
                "keyvault-core",
                true,
                vec![dep("keyvault-secrets", "*", DepKind::Dev, true)],
            ),
            pkg("xtask", false, vec![]),
        ]);
        let plan = plan(&ws).unwrap();
        let names: Vec<&str> = plan.order.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["keyvault-core", "keyvault-secrets"]);
        assert_eq!(plan.order[1].depends_on, ["keyvault-core"]);
        assert_eq!(plan.unpublished, ["keyvault-emulator", "xtask"]);
        assert!(plan.problems.is_empty(), "{:?}", plan.problems);
        let text = plan.render();
        assert!(text.contains(" 1. keyvault-core     0.1.0\n"), "{text}");
        assert!(
            text.contains(" 2. keyvault-secrets  0.1.0  (after keyvault-core)\n"),
            "{text}"
        );
        assert!(
            text.contains("Not published: keyvault-emulator, xtask"),
            "{text}"
        );
    }

    #[test]
    fn plan_reports_blocking_dependencies() {
        let ws = workspace(vec![
            pkg(
                "secrets",
                true,
                vec![
                    dep("core", "*", DepKind::Normal, true),
                    dep("emulator", "^0.1.0", DepKind::Dev, true),
                    dep("keys", "^0.1.0", DepKind::Dev, true),
                ],
            ),
            pkg(
                "core",
                true,
                vec![dep("emulator", "^0.1.0", DepKind::Build, true)],
            ),
            pkg(
                "keys",
                true,
                vec![dep("secrets", "^0.1.0", DepKind::Normal, true)],
            ),
            pkg("emulator", false, vec![]),
        ]);
        let plan = plan(&ws).unwrap();
        assert!(plan.has_errors());
        let msgs: Vec<(Severity, &str, &str)> = plan
            .problems
            .iter()
            .map(|p| (p.severity, p.krate.as_str(), p.message.as_str()))
            .collect();
        assert_eq!(msgs.len(), 4, "{msgs:#?}");
        assert_eq!(msgs[0].0, Severity::Error);
        assert_eq!(msgs[0].1, "core");
        assert!(msgs[0]
            .2
            .starts_with("build-dependency on `emulator`, which has `publish = false`"));
        assert_eq!(msgs[1].1, "secrets");
        assert!(msgs[1]
            .2
            .contains("path dependency on `core` has no version requirement"));
        assert!(msgs[2].2.starts_with(
            "dev-dependency on unpublished `emulator` carries version requirement `^0.1.0`"
        ));
        assert_eq!(msgs[3].0, Severity::Warning);
        assert!(msgs[3]
            .2
            .starts_with("dev-dependency on `keys` (published after `secrets`)"));
        let text = plan.render();
        assert!(text.contains("  error: core: build-dependency"), "{text}");
        assert!(
            text.contains("  warning: secrets: dev-dependency on `keys`"),
            "{text}"
        );
    }

    #[test]
    fn versioned_dev_dependencies_go_first() {
        let ws = workspace(vec![
            pkg(
                "secrets",
                true,
                vec![dep("emulator", "^0.1.0", DepKind::Dev, true)],
            ),
            pkg("emulator", true, vec![]),
        ]);
        let plan = plan(&ws).unwrap();
        let names: Vec<&str> = plan.order.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["emulator", "secrets"]);
        assert!(plan.problems.is_empty(), "{:?}", plan.problems);
    }

    #[test]
    fn plan_fails_on_cycles() {
        let ws = workspace(vec![
            pkg("a", true, vec![dep("b", "^0.1.0", DepKind::Normal, true)]),
            pkg("b", true, vec![dep("a", "^0.1.0", DepKind::Normal, true)]),
        ]);
        assert!(plan(&ws).is_err());
    }
}
