//! `release bump`: version arithmetic ([`Version`], [`BumpSpec`]) and the
//! format-preserving `Cargo.toml` rewrites (via `toml_edit`) that apply a new
//! version: the package's own `version` (or `[workspace.package]` when it is
//! inherited) and every `version = "..."` requirement on a path dependency
//! pointing at the bumped crate (`[workspace.dependencies]` and members'
//! dependency tables). [`plan_bump`] computes all file edits, including the
//! CHANGELOG.md rewrite, before anything is written.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, TableLike, Value};

use super::changelog;
use crate::metadata::Workspace;
use crate::{Error, Result};

/// A semantic version `MAJOR.MINOR.PATCH[-PRE][+BUILD]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// Major component.
    pub major: u64,
    /// Minor component.
    pub minor: u64,
    /// Patch component.
    pub patch: u64,
    /// Pre-release identifiers (after `-`), empty for a release.
    pub pre: String,
    /// Build metadata (after `+`), ignored for ordering.
    pub build: String,
}

impl Version {
    /// Parses `X.Y.Z` with optional `-pre` and `+build` parts.
    pub fn parse(s: &str) -> Result<Self> {
        let bad = || Error::new(format!("invalid version `{s}` (expected X.Y.Z)"));
        let s = s.trim();
        let (rest, build) = s.split_once('+').unwrap_or((s, ""));
        let (core, pre) = rest.split_once('-').unwrap_or((rest, ""));
        let parts: Vec<&str> = core.split('.').collect();
        if parts.len() != 3 || (s.contains('-') && pre.is_empty()) {
            return Err(bad());
        }
        let num = |p: &str| -> Result<u64> {
            if p.is_empty()
                || !p.bytes().all(|b| b.is_ascii_digit())
                || (p.len() > 1 && p.starts_with('0'))
            {
                return Err(bad());
            }
            p.parse().map_err(|_| bad())
        };
        let ident_ok = |x: &str| {
            x.split('.')
                .all(|i| !i.is_empty() && i.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        };
        if (!pre.is_empty() && !ident_ok(pre)) || (!build.is_empty() && !ident_ok(build)) {
            return Err(bad());
        }
        Ok(Version {
            major: num(parts[0])?,
            minor: num(parts[1])?,
            patch: num(parts[2])?,
            pre: pre.to_owned(),
            build: build.to_owned(),
        })
    }

    fn release(major: u64, minor: u64, patch: u64) -> Self {
        Version {
            major,
            minor,
            patch,
            pre: String::new(),
            build: String::new(),
        }
    }

    /// Semver precedence (build metadata ignored).
    pub fn precedence(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => cmp_pre(&self.pre, &other.pre),
            })
    }
}

fn cmp_pre(a: &str, b: &str) -> Ordering {
    let mut ai = a.split('.');
    let mut bi = b.split('.');
    loop {
        match (ai.next(), bi.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let ord = match (x.parse::<u64>(), y.parse::<u64>()) {
                    (Ok(m), Ok(n)) => m.cmp(&n),
                    (Ok(_), Err(_)) => Ordering::Less,
                    (Err(_), Ok(_)) => Ordering::Greater,
                    (Err(_), Err(_)) => x.cmp(y),
                };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.build.is_empty() {
            write!(f, "+{}", self.build)?;
        }
        Ok(())
    }
}

/// What `release bump` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BumpSpec {
    /// `major`: X+1.0.0.
    Major,
    /// `minor`: X.Y+1.0.
    Minor,
    /// `patch`: X.Y.Z+1.
    Patch,
    /// An explicit `X.Y.Z`.
    Exact(Version),
}

impl BumpSpec {
    /// Parses `major`, `minor`, `patch` or an explicit version.
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "major" => Ok(BumpSpec::Major),
            "minor" => Ok(BumpSpec::Minor),
            "patch" => Ok(BumpSpec::Patch),
            other => Version::parse(other).map(BumpSpec::Exact).map_err(|_| {
                Error::new(format!(
                    "invalid bump `{other}`: expected major, minor, patch or X.Y.Z"
                ))
            }),
        }
    }

    /// Computes the next version. A pre-release is released by the bump
    /// that matches it (`1.0.0-beta.1` + `major` = `1.0.0`, `1.2.0-rc.1` +
    /// `minor` = `1.2.0`, `1.2.3-rc.1` + `patch` = `1.2.3`). An explicit
    /// version must be greater than the current one.
    pub fn apply(&self, current: &Version) -> Result<Version> {
        let c = current;
        let pre = !c.pre.is_empty();
        let next = match self {
            BumpSpec::Major if pre && c.minor == 0 && c.patch == 0 => {
                Version::release(c.major, 0, 0)
            }
            BumpSpec::Major => Version::release(c.major + 1, 0, 0),
            BumpSpec::Minor if pre && c.patch == 0 => Version::release(c.major, c.minor, 0),
            BumpSpec::Minor => Version::release(c.major, c.minor + 1, 0),
            BumpSpec::Patch if pre => Version::release(c.major, c.minor, c.patch),
            BumpSpec::Patch => Version::release(c.major, c.minor, c.patch + 1),
            BumpSpec::Exact(v) => {
                if v.precedence(c) != Ordering::Greater {
                    return Err(Error::new(format!(
                        "new version {v} is not greater than the current version {c}"
                    )));
                }
                v.clone()
            }
        };
        Ok(next)
    }
}

/// Rewrites a requirement string for a new version, keeping a leading
/// operator (`=`, `^`, `~`, `>=`): `"0.1.0"` → `"0.2.0"`, `"=0.1"` →
/// `"=0.2.0"`. Compound requirements are replaced by the plain version.
pub fn rewrite_req(old: &str, new: &Version) -> String {
    let old = old.trim();
    if old.contains(',') || old.contains('<') || old.contains('*') {
        return new.to_string();
    }
    let op_len = old.find(|c: char| c.is_ascii_digit()).unwrap_or(old.len());
    format!("{}{new}", old[..op_len].trim_end())
}

fn parse_doc(text: &str, what: &Path) -> Result<DocumentMut> {
    text.parse::<DocumentMut>()
        .map_err(|e| Error::new(format!("cannot parse {}: {e}", what.display())))
}

/// Replaces a string value, keeping its surrounding whitespace and comments.
fn set_string(item: &mut Item, new: &str) {
    if let Some(v) = item.as_value_mut() {
        let decor = v.decor().clone();
        *v = Value::from(new);
        *v.decor_mut() = decor;
    } else {
        *item = toml_edit::value(new);
    }
}

/// Whether a manifest's `[package]` uses `version.workspace = true`.
pub fn inherits_workspace_version(manifest: &str, path: &Path) -> Result<bool> {
    let doc = parse_doc(manifest, path)?;
    Ok(doc
        .get("package")
        .and_then(|p| p.get("version"))
        .and_then(Item::as_table_like)
        .and_then(|t| t.get("workspace"))
        .and_then(Item::as_bool)
        == Some(true))
}

/// Reads the version literal at `table.version` (`package` or
/// `workspace.package`).
fn version_item<'a>(doc: &'a mut DocumentMut, table: &[&str]) -> Option<&'a mut Item> {
    let mut item = doc.as_item_mut();
    for key in table {
        item = item.get_mut(*key)?;
    }
    let v = item.get_mut("version")?;
    v.as_str().is_some().then_some(v)
}

/// Sets `[package] version` (when `workspace_package` is false) or
/// `[workspace.package] version` to `new`, returning the new text and the
/// old version.
pub fn set_version(
    manifest: &str,
    path: &Path,
    workspace_package: bool,
    new: &Version,
) -> Result<(String, String)> {
    let mut doc = parse_doc(manifest, path)?;
    let table: &[&str] = if workspace_package {
        &["workspace", "package"]
    } else {
        &["package"]
    };
    let item = version_item(&mut doc, table).ok_or_else(|| {
        Error::new(format!(
            "{}: no literal `version` in [{}]",
            path.display(),
            table.join(".")
        ))
    })?;
    let old = item.as_str().unwrap_or_default().to_owned();
    set_string(item, &new.to_string());
    Ok((doc.to_string(), old))
}

/// Whether a dependency entry (`key = { ... }`) refers to `crate_name` by path.
fn is_path_dep_on(key: &str, entry: &dyn TableLike, crate_name: &str) -> bool {
    let package = entry.get("package").and_then(Item::as_str).unwrap_or(key);
    package == crate_name && entry.contains_key("path")
}

fn update_dep_table(deps: &mut dyn TableLike, crate_name: &str, new: &Version) -> usize {
    let mut changed = 0;
    for (key, item) in deps.iter_mut() {
        let key = key.get().to_owned();
        let Some(entry) = item.as_table_like_mut() else {
            continue;
        };
        if !is_path_dep_on(&key, entry, crate_name) {
            continue;
        }
        if let Some(req) = entry.get_mut("version") {
            if let Some(old) = req.as_str() {
                let new_req = rewrite_req(old, new);
                if new_req != old {
                    set_string(req, &new_req);
                    changed += 1;
                }
            }
        }
    }
    changed
}

/// Updates the `version` requirement of every path dependency on
/// `crate_name` in `[workspace.dependencies]`, `[dependencies]`,
/// `[dev-dependencies]`, `[build-dependencies]` and their
/// `[target.'cfg(..)'.*]` variants. Returns the new text and how many
/// requirements changed.
pub fn update_requirements(
    manifest: &str,
    path: &Path,
    crate_name: &str,
    new: &Version,
) -> Result<(String, usize)> {
    let mut doc = parse_doc(manifest, path)?;
    let mut changed = 0;
    const KINDS: [&str; 5] = [
        "dependencies",
        "dev-dependencies",
        "dev_dependencies",
        "build-dependencies",
        "build_dependencies",
    ];
    let root = doc.as_table_mut();
    if let Some(deps) = root
        .get_mut("workspace")
        .and_then(|w| w.get_mut("dependencies"))
        .and_then(Item::as_table_like_mut)
    {
        changed += update_dep_table(deps, crate_name, new);
    }
    for kind in KINDS {
        if let Some(deps) = root.get_mut(kind).and_then(Item::as_table_like_mut) {
            changed += update_dep_table(deps, crate_name, new);
        }
    }
    if let Some(targets) = root.get_mut("target").and_then(Item::as_table_like_mut) {
        for (_, target) in targets.iter_mut() {
            let Some(target) = target.as_table_like_mut() else {
                continue;
            };
            for kind in KINDS {
                if let Some(deps) = target.get_mut(kind).and_then(Item::as_table_like_mut) {
                    changed += update_dep_table(deps, crate_name, new);
                }
            }
        }
    }
    Ok((doc.to_string(), changed))
}

/// One crate's version change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Crate name.
    pub name: String,
    /// Version before.
    pub old: String,
    /// Version after.
    pub new: Version,
    /// Whether the version comes from `[workspace.package]`.
    pub inherited: bool,
}

/// Everything `release bump` will do, computed before writing anything.
#[derive(Debug, Default)]
pub struct BumpPlan {
    /// Version changes, one per affected crate.
    pub changes: Vec<Change>,
    /// New file contents keyed by path (only files that change).
    pub files: BTreeMap<PathBuf, String>,
    /// Human-readable notes (co-bumped crates, empty changelogs, ...).
    pub notes: Vec<String>,
}

/// In-memory view of files being edited: reads each file once.
struct Files {
    original: BTreeMap<PathBuf, String>,
    current: BTreeMap<PathBuf, String>,
}

impl Files {
    fn new() -> Self {
        Files {
            original: BTreeMap::new(),
            current: BTreeMap::new(),
        }
    }

    fn get(&mut self, path: &Path) -> Result<String> {
        if let Some(text) = self.current.get(path) {
            return Ok(text.clone());
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::new(format!("cannot read {}: {e}", path.display())))?;
        self.original.insert(path.to_owned(), text.clone());
        self.current.insert(path.to_owned(), text.clone());
        Ok(text)
    }

    fn set(&mut self, path: &Path, text: String) {
        self.current.insert(path.to_owned(), text);
    }

    fn changed(self) -> BTreeMap<PathBuf, String> {
        let original = self.original;
        self.current
            .into_iter()
            .filter(|(p, t)| original.get(p) != Some(t))
            .collect()
    }
}

/// Computes the edits for bumping `targets` (crate names) by `spec`, dated
/// `date` in the changelogs.
///
/// A crate whose version is inherited from `[workspace.package]` bumps that
/// shared version, so every member inheriting it moves too; those members'
/// changelogs are rewritten as well when they have an Unreleased section
/// (required for the targeted crates, optional for the others).
pub fn plan_bump(
    ws: &Workspace,
    targets: &[String],
    spec: &BumpSpec,
    date: &str,
) -> Result<BumpPlan> {
    let mut files = Files::new();
    let mut plan = BumpPlan::default();
    let root_manifest = ws.root_manifest();

    // Which members inherit the workspace version?
    let mut inheriting = Vec::new();
    for pkg in &ws.packages {
        let text = files.get(&pkg.manifest_path)?;
        if inherits_workspace_version(&text, &pkg.manifest_path)? {
            inheriting.push(pkg.name.clone());
        }
    }

    for name in targets {
        let pkg = ws.require_package(name)?;
        if plan.changes.iter().any(|c| &c.name == name) {
            continue;
        }
        if inheriting.contains(name) {
            let text = files.get(&root_manifest)?;
            let doc = parse_doc(&text, &root_manifest)?;
            let current = doc
                .get("workspace")
                .and_then(|w| w.get("package"))
                .and_then(|p| p.get("version"))
                .and_then(Item::as_str)
                .ok_or_else(|| Error::new("root Cargo.toml has no [workspace.package] version"))?;
            let new = spec.apply(&Version::parse(current)?)?;
            let (text, old) = set_version(&text, &root_manifest, true, &new)?;
            files.set(&root_manifest, text);
            for member in &inheriting {
                plan.changes.push(Change {
                    name: member.clone(),
                    old: old.clone(),
                    new: new.clone(),
                    inherited: true,
                });
            }
            let others: Vec<&str> = inheriting
                .iter()
                .filter(|m| !targets.contains(m))
                .map(String::as_str)
                .collect();
            if !others.is_empty() {
                plan.notes.push(format!(
                    "`{name}` inherits [workspace.package] version, so {} move to {new} too",
                    others.join(", ")
                ));
            }
        } else {
            let text = files.get(&pkg.manifest_path)?;
            let new = spec.apply(&Version::parse(&pkg.version)?)?;
            let (text, old) = set_version(&text, &pkg.manifest_path, false, &new)?;
            files.set(&pkg.manifest_path, text);
            plan.changes.push(Change {
                name: name.clone(),
                old,
                new,
                inherited: false,
            });
        }
    }

    // Requirements pointing at the bumped crates, in the root manifest and
    // every member manifest.
    let mut manifests = vec![root_manifest.clone()];
    manifests.extend(ws.packages.iter().map(|p| p.manifest_path.clone()));
    for change in &plan.changes {
        for manifest in &manifests {
            let text = files.get(manifest)?;
            let (text, _) = update_requirements(&text, manifest, &change.name, &change.new)?;
            files.set(manifest, text);
        }
    }

    // Changelogs.
    for change in &plan.changes {
        let pkg = ws.require_package(&change.name)?;
        let path = pkg.dir().join("CHANGELOG.md");
        let required = targets.contains(&change.name);
        if !path.is_file() {
            if required {
                return Err(Error::new(format!(
                    "{}: missing CHANGELOG.md",
                    path.display()
                )));
            }
            if pkg.publishable {
                plan.notes
                    .push(format!("{}: no CHANGELOG.md, left alone", change.name));
            }
            continue;
        }
        let text = files.get(&path)?;
        match changelog::release(&text, &change.new.to_string(), date) {
            Ok(released) => {
                if !released.has_entries {
                    plan.notes.push(format!(
                        "{}: the Unreleased section had no entries",
                        change.name
                    ));
                }
                files.set(&path, released.text);
            }
            Err(e) if required => {
                return Err(Error::new(format!("{}: {e}", path.display())));
            }
            Err(_) => plan.notes.push(format!(
                "{}: CHANGELOG.md has no Unreleased section, left alone",
                change.name
            )),
        }
    }

    plan.files = files.changed();
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    fn bump(cur: &str, spec: &str) -> String {
        BumpSpec::parse(spec)
            .unwrap()
            .apply(&v(cur))
            .unwrap()
            .to_string()
    }

    #[test]
    fn parses_and_prints_versions() {
        assert_eq!(v("1.2.3"), Version::release(1, 2, 3));
        assert_eq!(v("1.2.3-beta.1+abc").to_string(), "1.2.3-beta.1+abc");
        for bad in [
            "1.2",
            "1.2.3.4",
            "01.2.3",
            "a.b.c",
            "1.2.3-",
            "1.2.3-be ta",
            "",
        ] {
            assert!(Version::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bump_arithmetic() {
        assert_eq!(bump("0.1.0", "patch"), "0.1.1");
        assert_eq!(bump("0.1.9", "minor"), "0.2.0");
        assert_eq!(bump("0.9.3", "major"), "1.0.0");
        assert_eq!(bump("1.2.3", "major"), "2.0.0");
        assert_eq!(bump("1.2.3+build.5", "patch"), "1.2.4");
        // Pre-releases are released by the matching bump.
        assert_eq!(bump("1.0.0-beta.2", "major"), "1.0.0");
        assert_eq!(bump("1.0.0-beta.2", "minor"), "1.0.0");
        assert_eq!(bump("1.2.0-rc.1", "major"), "2.0.0");
        assert_eq!(bump("1.2.0-rc.1", "minor"), "1.2.0");
        assert_eq!(bump("1.2.3-rc.1", "minor"), "1.3.0");
        assert_eq!(bump("1.2.3-rc.1", "patch"), "1.2.3");
        assert_eq!(bump("0.1.0", "0.3.0-beta.1"), "0.3.0-beta.1");
    }

    #[test]
    fn explicit_version_must_increase() {
        let err = BumpSpec::parse("0.1.0")
            .unwrap()
            .apply(&v("0.1.0"))
            .unwrap_err();
        assert!(err.to_string().contains("not greater"), "{err}");
        assert!(BumpSpec::parse("0.0.9")
            .unwrap()
            .apply(&v("0.1.0"))
            .is_err());
        assert!(BumpSpec::parse("1.0.0-alpha")
            .unwrap()
            .apply(&v("1.0.0"))
            .is_err());
        assert!(BumpSpec::parse("1.0.0")
            .unwrap()
            .apply(&v("1.0.0-rc.1"))
            .is_ok());
        assert!(BumpSpec::parse("huge").is_err());
    }

    #[test]
    fn pre_release_precedence() {
        let order = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
        ];
        for pair in order.windows(2) {
            assert_eq!(
                v(pair[0]).precedence(&v(pair[1])),
                Ordering::Less,
                "{pair:?}"
            );
        }
        assert_eq!(v("1.0.0+a").precedence(&v("1.0.0+b")), Ordering::Equal);
    }

    #[test]
    fn rewrites_requirements_keeping_operator() {
        let new = v("0.2.0");
        assert_eq!(rewrite_req("0.1.0", &new), "0.2.0");
        assert_eq!(rewrite_req("=0.1.0", &new), "=0.2.0");
        assert_eq!(rewrite_req("^0.1", &new), "^0.2.0");
        assert_eq!(rewrite_req("~ 0.1.0", &new), "~0.2.0");
        assert_eq!(rewrite_req(">=0.1, <0.2", &new), "0.2.0");
    }

    const ROOT: &str = r#"[workspace]
members = ["crates/a", "crates/b"]

[workspace.package]
# Shared by every crate.
version = "0.1.0"   # bumped by cargo xtask release bump
edition = "2021"

[workspace.dependencies]
a = { path = "crates/a", version = "0.1.0" }   # local
b = { version = "=0.1.0", path = "crates/b", features = ["x"] }
c = { path = "crates/c" }
serde = { version = "1" }

[workspace.dependencies.d]
path = "crates/d"
version = "0.1.0" # table form
"#;

    #[test]
    fn sets_workspace_package_version_preserving_comments() {
        let (out, old) = set_version(ROOT, Path::new("Cargo.toml"), true, &v("0.2.0")).unwrap();
        assert_eq!(old, "0.1.0");
        assert_eq!(
            out,
            ROOT.replacen(
                "version = \"0.1.0\"   # bumped",
                "version = \"0.2.0\"   # bumped",
                1
            )
        );
    }

    #[test]
    fn updates_workspace_dependency_requirements() {
        let (out, n) =
            update_requirements(ROOT, Path::new("Cargo.toml"), "b", &v("0.2.0")).unwrap();
        assert_eq!(n, 1);
        assert_eq!(
            out,
            ROOT.replace(
                "version = \"=0.1.0\", path = \"crates/b\"",
                "version = \"=0.2.0\", path = \"crates/b\""
            )
        );
        let (out, n) =
            update_requirements(ROOT, Path::new("Cargo.toml"), "a", &v("1.0.0")).unwrap();
        assert_eq!(n, 1);
        assert!(
            out.contains("a = { path = \"crates/a\", version = \"1.0.0\" }   # local\n"),
            "{out}"
        );
        assert!(
            out.contains("version = \"0.1.0\"   # bumped"),
            "package version untouched"
        );
        let (out, n) =
            update_requirements(ROOT, Path::new("Cargo.toml"), "d", &v("0.1.1")).unwrap();
        assert_eq!(n, 1);
        assert!(out.contains("version = \"0.1.1\" # table form"), "{out}");
        // No version key, or not a path dependency: nothing to do.
        for name in ["c", "serde", "zzz"] {
            let (out, n) =
                update_requirements(ROOT, Path::new("Cargo.toml"), name, &v("9.0.0")).unwrap();
            assert_eq!((n, out.as_str()), (0, ROOT), "{name}");
        }
    }

    const MEMBER: &str = r#"[package]
name = "b"
version = "0.4.2" # own version
edition.workspace = true

[dependencies]
a = { workspace = true }
renamed = { package = "a", path = "../a", version = "0.4" }

[dev-dependencies]
a-local = { package = "a", path = "../a" }

[target.'cfg(unix)'.build-dependencies]
a = { path = "../a", version = "^0.4.0" }
"#;

    #[test]
    fn updates_member_dependency_tables_and_own_version() {
        let path = Path::new("crates/b/Cargo.toml");
        assert!(!inherits_workspace_version(MEMBER, path).unwrap());
        let (out, n) = update_requirements(MEMBER, path, "a", &v("0.5.0")).unwrap();
        assert_eq!(n, 2);
        assert!(out.contains("renamed = { package = \"a\", path = \"../a\", version = \"0.5.0\" }"));
        assert!(out.contains("a = { path = \"../a\", version = \"^0.5.0\" }"));
        assert!(out.contains("a-local = { package = \"a\", path = \"../a\" }"));
        let (out, old) = set_version(&out, path, false, &v("0.5.0")).unwrap();
        assert_eq!(old, "0.4.2");
        assert!(out.contains("version = \"0.5.0\" # own version\n"));
        assert!(set_version(MEMBER, path, true, &v("1.0.0")).is_err());
    }

    #[test]
    fn detects_inherited_versions() {
        let p = Path::new("Cargo.toml");
        assert!(inherits_workspace_version(
            "[package]\nname = \"a\"\nversion.workspace = true\n",
            p
        )
        .unwrap());
        assert!(inherits_workspace_version(
            "[package]\nname = \"a\"\nversion = { workspace = true }\n",
            p
        )
        .unwrap());
        assert!(
            !inherits_workspace_version("[package]\nname = \"a\"\nversion = \"1.0.0\"\n", p)
                .unwrap()
        );
        let err = set_version(
            "[package]\nversion.workspace = true\n",
            p,
            false,
            &v("1.0.0"),
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("no literal `version` in [package]"),
            "{err}"
        );
        assert!(inherits_workspace_version("not = [toml", p).is_err());
    }

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn member(
        root: &Path,
        name: &str,
        publishable: bool,
        version: &str,
    ) -> crate::metadata::Package {
        crate::metadata::Package {
            name: name.into(),
            version: version.into(),
            manifest_path: root.join("crates").join(name).join("Cargo.toml"),
            publishable,
            description: None,
            license: None,
            license_file: None,
            repository: None,
            readme: None,
            dependencies: vec![],
        }
    }

    /// A scratch workspace: `a` and `tool` inherit the workspace version,
    /// `b` has its own and depends on `a`.
    fn scratch_workspace() -> Workspace {
        let root = crate::test_support::temp_dir("bump");
        write(&root.join("Cargo.toml"), ROOT);
        write(
            &root.join("crates/a/Cargo.toml"),
            "[package]\nname = \"a\"\nversion.workspace = true\n",
        );
        write(
            &root.join("crates/a/CHANGELOG.md"),
            "# Release History\n\n## Unreleased\n\n### Features Added\n\n- New API.\n\n### Breaking Changes\n\n### Bugs Fixed\n\n### Other Changes\n",
        );
        write(&root.join("crates/b/Cargo.toml"), MEMBER);
        write(
            &root.join("crates/tool/Cargo.toml"),
            "[package]\nname = \"tool\"\nversion = { workspace = true }\npublish = false\n",
        );
        Workspace {
            packages: vec![
                member(&root, "a", true, "0.1.0"),
                member(&root, "b", true, "0.4.2"),
                member(&root, "tool", false, "0.1.0"),
            ],
            root,
        }
    }

    #[test]
    fn plan_bump_of_inherited_version_edits_root_requirements_and_changelog() {
        let ws = scratch_workspace();
        let plan = plan_bump(&ws, &["a".to_owned()], &BumpSpec::Minor, "2025-05-06").unwrap();
        let changes: Vec<(&str, &str, String, bool)> = plan
            .changes
            .iter()
            .map(|c| {
                (
                    c.name.as_str(),
                    c.old.as_str(),
                    c.new.to_string(),
                    c.inherited,
                )
            })
            .collect();
        assert_eq!(
            changes,
            [
                ("a", "0.1.0", "0.2.0".to_owned(), true),
                ("tool", "0.1.0", "0.2.0".to_owned(), true)
            ]
        );
        assert_eq!(
            plan.notes,
            ["`a` inherits [workspace.package] version, so tool move to 0.2.0 too"]
        );
        let files: Vec<PathBuf> = plan
            .files
            .keys()
            .map(|p| p.strip_prefix(&ws.root).unwrap().to_owned())
            .collect();
        assert_eq!(
            files,
            [
                PathBuf::from("Cargo.toml"),
                PathBuf::from("crates/a/CHANGELOG.md"),
                PathBuf::from("crates/b/Cargo.toml")
            ]
        );
        let root = &plan.files[&ws.root.join("Cargo.toml")];
        assert!(root.contains("version = \"0.2.0\"   # bumped"), "{root}");
        assert!(
            root.contains("a = { path = \"crates/a\", version = \"0.2.0\" }   # local"),
            "{root}"
        );
        let b = &plan.files[&ws.root.join("crates/b/Cargo.toml")];
        assert!(b.contains("version = \"0.4.2\" # own version"), "{b}");
        assert!(
            b.contains("renamed = { package = \"a\", path = \"../a\", version = \"0.2.0\" }"),
            "{b}"
        );
        let changelog = &plan.files[&ws.root.join("crates/a/CHANGELOG.md")];
        assert!(
            changelog.contains(
                "### Other Changes\n\n## 0.2.0 (2025-05-06)\n\n### Features Added\n\n- New API.\n"
            ),
            "{changelog}"
        );
        // Nothing was written yet.
        let on_disk = std::fs::read_to_string(ws.root.join("Cargo.toml")).unwrap();
        assert_eq!(on_disk, ROOT);
        std::fs::remove_dir_all(&ws.root).unwrap();
    }

    #[test]
    fn plan_bump_of_own_version_requires_a_changelog() {
        let ws = scratch_workspace();
        let err = plan_bump(&ws, &["b".to_owned()], &BumpSpec::Patch, "2025-05-06").unwrap_err();
        assert!(err.to_string().contains("missing CHANGELOG.md"), "{err}");
        write(
            &ws.root.join("crates/b/CHANGELOG.md"),
            "# Release History\n\n## Unreleased\n\n### Bugs Fixed\n\n- Fix.\n",
        );
        let plan = plan_bump(&ws, &["b".to_owned()], &BumpSpec::Patch, "2025-05-06").unwrap();
        assert_eq!(plan.changes.len(), 1);
        assert_eq!(plan.changes[0].new.to_string(), "0.4.3");
        assert!(!plan.changes[0].inherited);
        let b = &plan.files[&ws.root.join("crates/b/Cargo.toml")];
        assert!(b.contains("version = \"0.4.3\" # own version"), "{b}");
        let root = &plan.files[&ws.root.join("Cargo.toml")];
        assert!(
            root.contains("b = { version = \"=0.4.3\", path = \"crates/b\""),
            "{root}"
        );
        assert!(root.contains("version = \"0.1.0\"   # bumped"), "{root}");
        assert!(plan_bump(&ws, &["zzz".to_owned()], &BumpSpec::Patch, "2025-05-06").is_err());
        std::fs::remove_dir_all(&ws.root).unwrap();
    }
}
