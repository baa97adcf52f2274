//! Workspace metadata: runs `cargo metadata --format-version 1 --no-deps` and
//! turns its JSON into the small typed model ([`Workspace`], [`Package`],
//! [`Dependency`]) that the release commands work on.
//!
//! [`Resolved`] is the full resolved graph (`cargo metadata` with
//! dependencies), used to find the highest `rust-version` among the packages
//! a crate builds with.
//!
//! Parsing is separated from running cargo ([`Workspace::from_json`],
//! [`Resolved::from_json`]) so it can be unit-tested on a literal JSON
//! document.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::{cargo_bin, Error, Result};

/// The kind of a dependency edge, as reported by cargo metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepKind {
    /// A regular `[dependencies]` entry.
    Normal,
    /// A `[dev-dependencies]` entry (not needed to build or publish).
    Dev,
    /// A `[build-dependencies]` entry.
    Build,
}

/// One dependency declared by a workspace package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    /// The package name of the dependency (not its rename).
    pub name: String,
    /// The version requirement; cargo reports `*` for a path dependency
    /// without a `version` key.
    pub req: String,
    /// Normal, dev or build.
    pub kind: DepKind,
    /// Local directory for path dependencies.
    pub path: Option<PathBuf>,
}

impl Dependency {
    /// Whether the dependency carries an explicit version requirement
    /// (cargo reports a bare path dependency as `*`).
    pub fn has_version_req(&self) -> bool {
        self.req.trim() != "*"
    }
}

/// One workspace member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// Package name.
    pub name: String,
    /// Current version.
    pub version: String,
    /// Absolute path to its `Cargo.toml`.
    pub manifest_path: PathBuf,
    /// False when `publish = false` (cargo reports it as an empty list).
    pub publishable: bool,
    /// `description` field.
    pub description: Option<String>,
    /// `license` field.
    pub license: Option<String>,
    /// `license-file` field.
    pub license_file: Option<String>,
    /// `repository` field.
    pub repository: Option<String>,
    /// `readme` field (cargo fills it in when a `README.md` exists).
    pub readme: Option<String>,
    /// `rust-version` field.
    pub rust_version: Option<String>,
    /// Declared dependencies, in manifest order.
    pub dependencies: Vec<Dependency>,
}

impl Package {
    /// Directory holding the package's `Cargo.toml`.
    pub fn dir(&self) -> &Path {
        self.manifest_path
            .parent()
            .unwrap_or_else(|| Path::new("."))
    }
}

/// The workspace members and the workspace root.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// Directory holding the root `Cargo.toml`.
    pub root: PathBuf,
    /// All workspace members, in cargo's order.
    pub packages: Vec<Package>,
}

impl Workspace {
    /// Runs `cargo metadata --no-deps` in `root` and parses the result.
    pub fn load(root: &Path) -> Result<Self> {
        let output = Command::new(cargo_bin())
            .args(["metadata", "--format-version", "1", "--no-deps"])
            .current_dir(root)
            .output()
            .map_err(|e| Error::new(format!("failed to run cargo metadata: {e}")))?;
        if !output.status.success() {
            return Err(Error::new(format!(
                "cargo metadata failed:\n{}",
                String::from_utf8_lossy(&output.stderr)
            )));
        }
        let text = String::from_utf8_lossy(&output.stdout);
        Self::from_json(&text)
    }

    /// Parses the JSON printed by `cargo metadata --format-version 1`.
    pub fn from_json(text: &str) -> Result<Self> {
        let json: Value = serde_json::from_str(text)
            .map_err(|e| Error::new(format!("invalid cargo metadata JSON: {e}")))?;
        let root = json
            .get("workspace_root")
            .and_then(Value::as_str)
            .map(PathBuf::from)
            .ok_or_else(|| Error::new("cargo metadata: missing workspace_root"))?;
        let members: Vec<&str> = json
            .get("workspace_members")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut packages = Vec::new();
        for pkg in json
            .get("packages")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let id = pkg.get("id").and_then(Value::as_str).unwrap_or_default();
            if !members.is_empty() && !members.contains(&id) {
                continue;
            }
            packages.push(parse_package(pkg)?);
        }
        Ok(Workspace { root, packages })
    }

    /// Looks a member up by name.
    pub fn package(&self, name: &str) -> Option<&Package> {
        self.packages.iter().find(|p| p.name == name)
    }

    /// Looks a member up by name, failing with the list of known members.
    pub fn require_package(&self, name: &str) -> Result<&Package> {
        self.package(name).ok_or_else(|| {
            let known: Vec<&str> = self.packages.iter().map(|p| p.name.as_str()).collect();
            Error::new(format!(
                "no workspace member named `{name}` (members: {})",
                known.join(", ")
            ))
        })
    }

    /// Path of the root `Cargo.toml`.
    pub fn root_manifest(&self) -> PathBuf {
        self.root.join("Cargo.toml")
    }
}

/// A package of the resolved dependency graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Package name.
    pub name: String,
    /// Resolved version.
    pub version: String,
    /// Its `rust-version`, when it declares one.
    pub rust_version: Option<String>,
}

/// The resolved dependency graph (`cargo metadata` without `--no-deps`):
/// every package the lock file selects, and the edges between them with
/// their kinds.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    /// Packages by id.
    pub nodes: BTreeMap<String, Node>,
    /// Dependencies by package id: (dependency id, whether any of the
    /// edge's kinds is normal or build, i.e. the edge is not dev-only).
    pub edges: BTreeMap<String, Vec<(String, bool)>>,
    /// Workspace member ids by name.
    pub members: BTreeMap<String, String>,
}

impl Resolved {
    /// Runs `cargo metadata --format-version 1` (with dependencies, as
    /// locked by `Cargo.lock`) in `root` and parses the result.
    pub fn load(root: &Path) -> Result<Self> {
        let output = Command::new(cargo_bin())
            .args(["metadata", "--format-version", "1"])
            .current_dir(root)
            .output()
            .map_err(|e| Error::new(format!("failed to run cargo metadata: {e}")))?;
        if !output.status.success() {
            return Err(Error::new(format!(
                "cargo metadata failed:\n{}",
                String::from_utf8_lossy(&output.stderr)
            )));
        }
        Self::from_json(&String::from_utf8_lossy(&output.stdout))
    }

    /// Parses the JSON printed by `cargo metadata --format-version 1`
    /// (without `--no-deps`, so it has a `resolve` section).
    pub fn from_json(text: &str) -> Result<Self> {
        let json: Value = serde_json::from_str(text)
            .map_err(|e| Error::new(format!("invalid cargo metadata JSON: {e}")))?;
        let mut graph = Resolved::default();
        for pkg in json
            .get("packages")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let id = opt_str(pkg, "id").unwrap_or_default();
            graph.nodes.insert(
                id,
                Node {
                    name: opt_str(pkg, "name").unwrap_or_default(),
                    version: opt_str(pkg, "version").unwrap_or_default(),
                    rust_version: opt_str(pkg, "rust_version"),
                },
            );
        }
        for id in json
            .get("workspace_members")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if let Some(node) = graph.nodes.get(id) {
                graph.members.insert(node.name.clone(), id.to_owned());
            }
        }
        let nodes = json
            .get("resolve")
            .and_then(|r| r.get("nodes"))
            .and_then(Value::as_array)
            .ok_or_else(|| Error::new("cargo metadata: no resolve graph (was --no-deps used?)"))?;
        for node in nodes {
            let id = opt_str(node, "id").unwrap_or_default();
            let deps = node
                .get("deps")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|d| {
                    let pkg = opt_str(d, "pkg").unwrap_or_default();
                    let kinds = d.get("dep_kinds").and_then(Value::as_array);
                    // Old cargo without dep_kinds: count the edge.
                    let not_dev_only = kinds.is_none_or(|ks| {
                        ks.iter()
                            .any(|k| k.get("kind").and_then(Value::as_str) != Some("dev"))
                    });
                    (pkg, not_dev_only)
                })
                .collect();
            graph.edges.insert(id, deps);
        }
        Ok(graph)
    }

    /// The packages a member needs to build (itself excluded): everything
    /// reachable through normal and build edges, never dev-only ones.
    pub fn build_closure(&self, member: &str) -> Vec<&Node> {
        let Some(start) = self.members.get(member) else {
            return Vec::new();
        };
        let mut seen: BTreeSet<&str> = BTreeSet::from([start.as_str()]);
        let mut todo = vec![start.as_str()];
        while let Some(id) = todo.pop() {
            for (dep, not_dev_only) in self.edges.get(id).into_iter().flatten() {
                if *not_dev_only && seen.insert(dep.as_str()) {
                    todo.push(dep.as_str());
                }
            }
        }
        seen.remove(start.as_str());
        seen.iter().filter_map(|id| self.nodes.get(*id)).collect()
    }
}

fn opt_str(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .filter(|s| !s.trim().is_empty())
}

fn parse_package(pkg: &Value) -> Result<Package> {
    let name =
        opt_str(pkg, "name").ok_or_else(|| Error::new("cargo metadata: package without name"))?;
    let version = opt_str(pkg, "version")
        .ok_or_else(|| Error::new(format!("cargo metadata: `{name}` has no version")))?;
    let manifest_path = opt_str(pkg, "manifest_path")
        .map(PathBuf::from)
        .ok_or_else(|| Error::new(format!("cargo metadata: `{name}` has no manifest_path")))?;
    // `publish`: null => any registry, [] => publish = false, [..] => listed registries.
    let publishable = match pkg.get("publish") {
        Some(Value::Array(list)) => !list.is_empty(),
        Some(Value::Bool(b)) => *b,
        _ => true,
    };
    let dependencies = pkg
        .get("dependencies")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|d| Dependency {
            name: opt_str(d, "name").unwrap_or_default(),
            req: opt_str(d, "req").unwrap_or_else(|| "*".to_owned()),
            kind: match d.get("kind").and_then(Value::as_str) {
                Some("dev") => DepKind::Dev,
                Some("build") => DepKind::Build,
                _ => DepKind::Normal,
            },
            path: opt_str(d, "path").map(PathBuf::from),
        })
        .collect();
    Ok(Package {
        description: opt_str(pkg, "description"),
        license: opt_str(pkg, "license"),
        license_file: opt_str(pkg, "license_file"),
        repository: opt_str(pkg, "repository"),
        readme: opt_str(pkg, "readme"),
        rust_version: opt_str(pkg, "rust_version"),
        name,
        version,
        manifest_path,
        publishable,
        dependencies,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{
      "packages": [
        {"name": "a", "version": "0.1.0", "id": "path+file:///ws/a#0.1.0",
         "manifest_path": "/ws/a/Cargo.toml", "publish": null,
         "license": "MIT", "description": "A", "repository": "https://x", "readme": "README.md",
         "dependencies": []},
        {"name": "b", "version": "0.3.0", "id": "path+file:///ws/b#0.3.0",
         "manifest_path": "/ws/b/Cargo.toml", "publish": [], "license": null,
         "description": "", "dependencies": [
           {"name": "a", "req": "^0.1.0", "kind": null, "path": "/ws/a"},
           {"name": "a", "req": "*", "kind": "dev", "rename": "aa", "path": "/ws/a"},
           {"name": "cc", "req": "^1", "kind": "build"}
         ]}
      ],
      "workspace_members": ["path+file:///ws/a#0.1.0", "path+file:///ws/b#0.3.0"],
      "workspace_root": "/ws"
    }"#;

    #[test]
    fn parses_packages_and_dependencies() {
        let ws = Workspace::from_json(SAMPLE).unwrap();
        assert_eq!(ws.root, PathBuf::from("/ws"));
        assert_eq!(ws.packages.len(), 2);
        let a = ws.package("a").unwrap();
        assert!(a.publishable);
        assert_eq!(a.license.as_deref(), Some("MIT"));
        assert_eq!(a.dir(), Path::new("/ws/a"));
        let b = ws.package("b").unwrap();
        assert!(!b.publishable, "publish = [] means publish = false");
        assert_eq!(b.description, None, "empty strings count as unset");
        assert_eq!(b.dependencies.len(), 3);
        assert_eq!(b.dependencies[0].kind, DepKind::Normal);
        assert!(b.dependencies[0].has_version_req());
        assert_eq!(b.dependencies[1].kind, DepKind::Dev);
        assert!(!b.dependencies[1].has_version_req());
        assert_eq!(b.dependencies[2].kind, DepKind::Build);
        assert_eq!(b.dependencies[2].path, None);
    }

    #[test]
    fn unknown_member_error_lists_members() {
        let ws = Workspace::from_json(SAMPLE).unwrap();
        let err = ws.require_package("zzz").unwrap_err().to_string();
        assert!(err.contains("members: a, b"), "{err}");
    }

    const RESOLVED: &str = r#"{
      "packages": [
        {"name": "a", "version": "0.1.0", "id": "a-id", "rust_version": "1.85"},
        {"name": "b", "version": "0.1.0", "id": "b-id", "rust_version": null},
        {"name": "uuid", "version": "1.29.3", "id": "uuid-id", "rust_version": "1.89.0"},
        {"name": "proptest", "version": "1.0.0", "id": "proptest-id", "rust_version": "1.90"},
        {"name": "cc", "version": "1.0.0", "id": "cc-id"}
      ],
      "workspace_members": ["a-id", "b-id"],
      "resolve": {"nodes": [
        {"id": "a-id", "deps": [
          {"pkg": "b-id", "dep_kinds": [{"kind": null}]},
          {"pkg": "proptest-id", "dep_kinds": [{"kind": "dev"}]}
        ]},
        {"id": "b-id", "deps": [
          {"pkg": "uuid-id", "dep_kinds": [{"kind": "dev"}, {"kind": "build", "target": null}]},
          {"pkg": "a-id", "dep_kinds": [{"kind": "dev"}]}
        ]},
        {"id": "uuid-id", "deps": [{"pkg": "cc-id", "dep_kinds": [{"kind": "build"}]}]},
        {"id": "proptest-id", "deps": []},
        {"id": "cc-id", "deps": []}
      ]},
      "workspace_root": "/ws"
    }"#;

    #[test]
    fn build_closure_follows_normal_and_build_edges_only() {
        let graph = Resolved::from_json(RESOLVED).unwrap();
        let names = |m: &str| -> Vec<String> {
            graph
                .build_closure(m)
                .iter()
                .map(|n| format!("{}@{}", n.name, n.version))
                .collect()
        };
        // proptest is a dev-dependency of `a`; b's dev edge back to `a` is ignored.
        assert_eq!(names("a"), ["b@0.1.0", "cc@1.0.0", "uuid@1.29.3"]);
        assert_eq!(names("b"), ["cc@1.0.0", "uuid@1.29.3"]);
        assert!(names("zzz").is_empty());
        let uuid = graph.nodes.get("uuid-id").unwrap();
        assert_eq!(uuid.rust_version.as_deref(), Some("1.89.0"));
        assert!(Resolved::from_json(SAMPLE).is_err(), "no resolve section");
    }

    #[test]
    fn rejects_invalid_json() {
        assert!(Workspace::from_json("{not json").is_err());
    }
}
