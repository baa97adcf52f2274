//! `release bump`: version arithmetic ([`Version`], [`BumpSpec`]) and the
//! format-preserving `Cargo.toml` rewrites (via `toml_edit`) that apply a new
//! version to one crate: its own `[package] version`, and every `version =
//! "..."` requirement on a path dependency pointing at it
//! (`[workspace.dependencies]` and members' dependency tables) that the new
//! version no longer satisfies. [`plan_bump`] computes all file edits,
//! including the CHANGELOG.md rewrites, before anything is written.
//!
//! Every publishable crate has its own version, so bumping one moves no
//! other. When a requirement has to move (`0.1.0` -> `0.2.0` breaks
//! `^0.1.0`; `0.1.0` -> `0.1.1` does not), each publishable crate with that
//! normal or build dependency is reported as needing a release of its own and
//! gets a `Requires ...` line in its Unreleased `### Other Changes`; it is
//! not bumped automatically, since whether that release is a patch or a
//! breaking change depends on whether the dependency's types are part of its
//! API. Bump it next with the level that fits.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, TableLike, Value};

use super::changelog;
use crate::metadata::{DepKind, Workspace};
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

/// Sets `[package] version` to `new`, returning the new text and the old
/// version. Fails when the version is not a literal (`version.workspace =
/// true`): every publishable crate carries its own version.
pub fn set_version(manifest: &str, path: &Path, new: &Version) -> Result<(String, String)> {
    let mut doc = parse_doc(manifest, path)?;
    let item = doc
        .get_mut("package")
        .and_then(|p| p.get_mut("version"))
        .filter(|v| v.as_str().is_some())
        .ok_or_else(|| {
            Error::new(format!(
                "{}: no literal `version` in [package]",
                path.display()
            ))
        })?;
    let old = item.as_str().unwrap_or_default().to_owned();
    set_string(item, &new.to_string());
    Ok((doc.to_string(), old))
}

/// Whether `version` satisfies the cargo requirement `req` (`0.1.0` means
/// `^0.1.0`). An unparsable requirement or version satisfies nothing, so it
/// gets rewritten.
pub fn satisfies(req: &str, version: &Version) -> bool {
    match (
        semver::VersionReq::parse(req.trim()),
        semver::Version::parse(&version.to_string()),
    ) {
        (Ok(req), Ok(v)) => req.matches(&v),
        _ => false,
    }
}

/// Whether a dependency entry (`key = { ... }`) refers to `crate_name` by path.
fn is_path_dep_on(key: &str, entry: &dyn TableLike, crate_name: &str) -> bool {
    let package = entry.get("package").and_then(Item::as_str).unwrap_or(key);
    package == crate_name && entry.contains_key("path")
}

/// A requirement rewritten by [`update_requirements`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReqChange {
    /// Table holding it (`workspace.dependencies`, `dev-dependencies`, ...).
    pub table: String,
    /// Requirement before.
    pub old: String,
    /// Requirement after.
    pub new: String,
}

fn update_dep_table(
    deps: &mut dyn TableLike,
    table: &str,
    crate_name: &str,
    new: &Version,
    changes: &mut Vec<ReqChange>,
) {
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
                if satisfies(old, new) {
                    continue;
                }
                let new_req = rewrite_req(old, new);
                changes.push(ReqChange {
                    table: table.to_owned(),
                    old: old.to_owned(),
                    new: new_req.clone(),
                });
                set_string(req, &new_req);
            }
        }
    }
}

/// Updates the `version` requirement of every path dependency on
/// `crate_name` in `[workspace.dependencies]`, `[dependencies]`,
/// `[dev-dependencies]`, `[build-dependencies]` and their
/// `[target.'cfg(..)'.*]` variants, but only where `new` no longer
/// satisfies it (`0.1.0` -> `0.1.1` keeps `^0.1.0`; `0.1.0` -> `0.2.0`
/// rewrites it to `0.2.0`). Returns the new text and the rewritten
/// requirements.
pub fn update_requirements(
    manifest: &str,
    path: &Path,
    crate_name: &str,
    new: &Version,
) -> Result<(String, Vec<ReqChange>)> {
    let mut doc = parse_doc(manifest, path)?;
    let mut changes = Vec::new();
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
        update_dep_table(
            deps,
            "workspace.dependencies",
            crate_name,
            new,
            &mut changes,
        );
    }
    for kind in KINDS {
        if let Some(deps) = root.get_mut(kind).and_then(Item::as_table_like_mut) {
            update_dep_table(deps, kind, crate_name, new, &mut changes);
        }
    }
    if let Some(targets) = root.get_mut("target").and_then(Item::as_table_like_mut) {
        for (cfg, target) in targets.iter_mut() {
            let cfg = cfg.get().to_owned();
            let Some(target) = target.as_table_like_mut() else {
                continue;
            };
            for kind in KINDS {
                if let Some(deps) = target.get_mut(kind).and_then(Item::as_table_like_mut) {
                    let table = format!("target.'{cfg}'.{kind}");
                    update_dep_table(deps, &table, crate_name, new, &mut changes);
                }
            }
        }
    }
    Ok((doc.to_string(), changes))
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
}

/// A publishable crate that was not bumped but whose normal or build
/// dependency on a bumped crate no longer accepts the new version: its
/// requirement moves, so it needs a release of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependent {
    /// The dependent crate.
    pub name: String,
    /// The bumped crate it depends on.
    pub dependency: String,
    /// Its requirement before, as cargo reports it (`^0.1.0`).
    pub old_req: String,
    /// The bumped crate's new version.
    pub new: Version,
}

impl Dependent {
    /// The line added under `### Other Changes` in the dependent's
    /// Unreleased section.
    pub fn changelog_entry(&self) -> String {
        format!("- Requires `{}` {}.", self.dependency, self.new)
    }

    /// What `release bump` prints about it.
    pub fn note(&self) -> String {
        format!(
            "`{}` requires `{}` {}, which {} does not satisfy: the requirement moves to {} and \
             `{}` needs a release too (`cargo xtask release bump {} <patch|minor|major>`; not a \
             patch if `{}` types are part of its API)",
            self.name,
            self.dependency,
            self.old_req,
            self.new,
            self.new,
            self.name,
            self.name,
            self.dependency
        )
    }
}

/// The publishable crates outside `changes` whose normal or build path
/// dependency on a changed crate has a requirement the new version does not
/// satisfy. Dev-dependencies are left out: they never reach the users of a
/// published crate, so they call for no release.
pub fn dependents_needing_release(ws: &Workspace, changes: &[Change]) -> Vec<Dependent> {
    let mut out = Vec::new();
    for pkg in ws.packages.iter().filter(|p| p.publishable) {
        if changes.iter().any(|c| c.name == pkg.name) {
            continue;
        }
        for dep in &pkg.dependencies {
            if dep.kind == DepKind::Dev || dep.path.is_none() || !dep.has_version_req() {
                continue;
            }
            let Some(change) = changes.iter().find(|c| c.name == dep.name) else {
                continue;
            };
            if satisfies(&dep.req, &change.new) {
                continue;
            }
            let d = Dependent {
                name: pkg.name.clone(),
                dependency: dep.name.clone(),
                old_req: dep.req.clone(),
                new: change.new.clone(),
            };
            if !out.contains(&d) {
                out.push(d);
            }
        }
    }
    out
}

/// Everything `release bump` will do, computed before writing anything.
#[derive(Debug, Default)]
pub struct BumpPlan {
    /// Version changes, one per bumped crate.
    pub changes: Vec<Change>,
    /// Crates that need a release of their own because a requirement of
    /// theirs moved.
    pub dependents: Vec<Dependent>,
    /// New file contents keyed by path (only files that change).
    pub files: BTreeMap<PathBuf, String>,
    /// Human-readable notes (moved requirements, empty changelogs, ...).
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
/// Each target's own `[package] version` moves, and nothing else's: a crate
/// that still inherits `version.workspace = true` is refused. A requirement
/// on a target (in `[workspace.dependencies]` or a member's tables) is
/// rewritten only when the new version no longer satisfies it. A publishable
/// crate whose normal or build requirement moved is listed in
/// [`BumpPlan::dependents`] and gets a `Requires ...` line under `### Other
/// Changes` in its Unreleased section; it is not bumped, because only its
/// maintainer knows whether the move is a patch or breaks its own API
/// (`cargo xtask release bump <it> ...` next).
pub fn plan_bump(
    ws: &Workspace,
    targets: &[String],
    spec: &BumpSpec,
    date: &str,
) -> Result<BumpPlan> {
    let mut files = Files::new();
    let mut plan = BumpPlan::default();

    for name in targets {
        let pkg = ws.require_package(name)?;
        if plan.changes.iter().any(|c| &c.name == name) {
            continue;
        }
        let text = files.get(&pkg.manifest_path)?;
        if inherits_workspace_version(&text, &pkg.manifest_path)? {
            return Err(Error::new(format!(
                "`{name}` inherits `version.workspace = true`; give it its own `version` in {} \
                 so it can be released on its own",
                pkg.manifest_path.display()
            )));
        }
        let new = spec.apply(&Version::parse(&pkg.version)?)?;
        let (text, old) = set_version(&text, &pkg.manifest_path, &new)?;
        files.set(&pkg.manifest_path, text);
        plan.changes.push(Change {
            name: name.clone(),
            old,
            new,
        });
    }

    // Requirements pointing at the bumped crates that the new versions no
    // longer satisfy, in the root manifest and every member manifest.
    let mut manifests = vec![ws.root_manifest()];
    manifests.extend(ws.packages.iter().map(|p| p.manifest_path.clone()));
    for change in &plan.changes {
        for manifest in &manifests {
            let text = files.get(manifest)?;
            let (text, moved) = update_requirements(&text, manifest, &change.name, &change.new)?;
            files.set(manifest, text);
            for m in moved {
                let shown = manifest.strip_prefix(&ws.root).unwrap_or(manifest);
                plan.notes.push(format!(
                    "{} [{}]: requirement on `{}` {} -> {}",
                    shown.display(),
                    m.table,
                    change.name,
                    m.old,
                    m.new
                ));
            }
        }
    }

    // Changelogs of the bumped crates.
    for change in &plan.changes {
        let pkg = ws.require_package(&change.name)?;
        let path = pkg.dir().join("CHANGELOG.md");
        if !path.is_file() {
            return Err(Error::new(format!(
                "{}: missing CHANGELOG.md",
                path.display()
            )));
        }
        let text = files.get(&path)?;
        let released = changelog::release(&text, &change.new.to_string(), date)
            .map_err(|e| Error::new(format!("{}: {e}", path.display())))?;
        if !released.has_entries {
            plan.notes.push(format!(
                "{}: the Unreleased section had no entries",
                change.name
            ));
        }
        files.set(&path, released.text);
    }

    // Dependents whose requirement moved: noted, and their changelogs say so.
    plan.dependents = dependents_needing_release(ws, &plan.changes);
    for dependent in &plan.dependents {
        plan.notes.push(dependent.note());
        let pkg = ws.require_package(&dependent.name)?;
        let path = pkg.dir().join("CHANGELOG.md");
        let entry = dependent.changelog_entry();
        let updated = if path.is_file() {
            changelog::add_entry(&files.get(&path)?, "### Other Changes", &entry)
        } else {
            None
        };
        match updated {
            Some(text) => files.set(&path, text),
            None => plan.notes.push(format!(
                "{}: could not add `{entry}` under `### Other Changes` of CHANGELOG.md's \
                 Unreleased section; add it by hand",
                dependent.name
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

    #[test]
    fn satisfies_follows_cargo_requirements() {
        assert!(satisfies("0.1.0", &v("0.1.1")));
        assert!(satisfies("^0.1.0", &v("0.1.9")));
        assert!(!satisfies("0.1.0", &v("0.2.0")));
        assert!(!satisfies("0.1.1", &v("0.1.0")));
        assert!(satisfies("1.2", &v("1.9.0")));
        assert!(!satisfies("1.2", &v("2.0.0")));
        assert!(satisfies("~0.4.0", &v("0.4.7")));
        assert!(!satisfies("=0.4.2", &v("0.4.3")));
        assert!(satisfies(">=0.1, <0.3", &v("0.2.5")));
        // A pre-release satisfies only requirements that name one.
        assert!(!satisfies("0.1.0", &v("0.1.1-beta.1")));
        assert!(satisfies("0.1.1-beta.1", &v("0.1.1")));
        assert!(!satisfies("not a req", &v("0.1.0")));
    }

    const ROOT: &str = r#"[workspace]
members = ["crates/a", "crates/b"]

[workspace.package]
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

    fn tables(changes: &[ReqChange]) -> Vec<(&str, &str, &str)> {
        changes
            .iter()
            .map(|c| (c.table.as_str(), c.old.as_str(), c.new.as_str()))
            .collect()
    }

    #[test]
    fn updates_workspace_dependency_requirements_only_when_broken() {
        let root = Path::new("Cargo.toml");
        let (out, moved) = update_requirements(ROOT, root, "b", &v("0.1.1")).unwrap();
        assert_eq!(
            tables(&moved),
            [("workspace.dependencies", "=0.1.0", "=0.1.1")]
        );
        assert_eq!(
            out,
            ROOT.replace(
                "version = \"=0.1.0\", path = \"crates/b\"",
                "version = \"=0.1.1\", path = \"crates/b\""
            )
        );
        let (out, moved) = update_requirements(ROOT, root, "a", &v("1.0.0")).unwrap();
        assert_eq!(moved.len(), 1);
        assert!(
            out.contains("a = { path = \"crates/a\", version = \"1.0.0\" }   # local\n"),
            "{out}"
        );
        // A patch (or a minor above 1.0) keeps `^` requirements.
        for (name, new) in [("a", "0.1.1"), ("d", "0.1.5")] {
            let (out, moved) = update_requirements(ROOT, root, name, &v(new)).unwrap();
            assert_eq!((moved.len(), out.as_str()), (0, ROOT), "{name}");
        }
        let (out, moved) = update_requirements(ROOT, root, "d", &v("0.2.0")).unwrap();
        assert_eq!(moved.len(), 1);
        assert!(out.contains("version = \"0.2.0\" # table form"), "{out}");
        // No version key, or not a path dependency: nothing to do.
        for name in ["c", "serde", "zzz"] {
            let (out, moved) = update_requirements(ROOT, root, name, &v("9.0.0")).unwrap();
            assert_eq!((moved.len(), out.as_str()), (0, ROOT), "{name}");
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
a = { path = "../a", version = "^0.4.3" }
"#;

    #[test]
    fn updates_member_dependency_tables_and_own_version() {
        let path = Path::new("crates/b/Cargo.toml");
        assert!(!inherits_workspace_version(MEMBER, path).unwrap());
        // 0.4.3 satisfies both `0.4` and `^0.4.3`: nothing moves.
        let (out, moved) = update_requirements(MEMBER, path, "a", &v("0.4.3")).unwrap();
        assert_eq!((moved.len(), out.as_str()), (0, MEMBER));
        let (out, moved) = update_requirements(MEMBER, path, "a", &v("0.5.0")).unwrap();
        assert_eq!(
            tables(&moved),
            [
                ("dependencies", "0.4", "0.5.0"),
                ("target.'cfg(unix)'.build-dependencies", "^0.4.3", "^0.5.0")
            ]
        );
        assert!(out.contains("renamed = { package = \"a\", path = \"../a\", version = \"0.5.0\" }"));
        assert!(out.contains("a = { path = \"../a\", version = \"^0.5.0\" }"));
        assert!(out.contains("a-local = { package = \"a\", path = \"../a\" }"));
        let (out, old) = set_version(&out, path, &v("0.5.0")).unwrap();
        assert_eq!(old, "0.4.2");
        assert!(out.contains("version = \"0.5.0\" # own version\n"));
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
        let err = set_version("[package]\nversion.workspace = true\n", p, &v("1.0.0")).unwrap_err();
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

    fn dep(name: &str, kind: DepKind) -> crate::metadata::Dependency {
        crate::metadata::Dependency {
            name: name.into(),
            req: "^0.1.0".into(),
            kind,
            path: Some(PathBuf::from(format!("/ws/crates/{name}"))),
        }
    }

    fn member(
        root: &Path,
        name: &str,
        publishable: bool,
        version: &str,
        dependencies: Vec<crate::metadata::Dependency>,
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
            rust_version: None,
            dependencies,
        }
    }

    const SCRATCH_ROOT: &str = r#"[workspace]
members = ["crates/*"]

[workspace.package]
edition = "2021"

[workspace.dependencies]
a = { path = "crates/a", version = "0.1.0" }   # local
b = { version = "=0.4.2", path = "crates/b" }
"#;

    const CHANGELOG_A: &str = "# Release History\n\n## Unreleased\n\n### Features Added\n\n- New API.\n\n### Breaking Changes\n\n### Bugs Fixed\n\n### Other Changes\n";

    const CHANGELOG_B: &str = "# Release History\n\n## Unreleased\n\n### Features Added\n\n### Breaking Changes\n\n### Bugs Fixed\n\n### Other Changes\n\n## 0.4.2 (2025-01-01)\n\n### Bugs Fixed\n\n- Fix.\n";

    /// A scratch workspace with its own versions: `b` (publishable) depends
    /// on `a`, `c` (publishable, no changelog) only dev-depends on it, and
    /// `tool` (unpublished) depends on it.
    fn scratch_workspace() -> Workspace {
        let root = crate::test_support::temp_dir("bump");
        write(&root.join("Cargo.toml"), SCRATCH_ROOT);
        write(
            &root.join("crates/a/Cargo.toml"),
            "[package]\nname = \"a\"\nversion = \"0.1.0\"\n",
        );
        write(&root.join("crates/a/CHANGELOG.md"), CHANGELOG_A);
        write(
            &root.join("crates/b/Cargo.toml"),
            "[package]\nname = \"b\"\nversion = \"0.4.2\" # own version\n\n[dependencies]\na = { workspace = true }\n",
        );
        write(&root.join("crates/b/CHANGELOG.md"), CHANGELOG_B);
        write(
            &root.join("crates/c/Cargo.toml"),
            "[package]\nname = \"c\"\nversion = \"0.3.0\"\n\n[dev-dependencies]\na.workspace = true\n",
        );
        write(
            &root.join("crates/tool/Cargo.toml"),
            "[package]\nname = \"tool\"\nversion = { workspace = true }\npublish = false\n\n[dependencies]\na.workspace = true\n",
        );
        Workspace {
            packages: vec![
                member(&root, "a", true, "0.1.0", vec![]),
                member(&root, "b", true, "0.4.2", vec![dep("a", DepKind::Normal)]),
                member(&root, "c", true, "0.3.0", vec![dep("a", DepKind::Dev)]),
                member(
                    &root,
                    "tool",
                    false,
                    "0.1.0",
                    vec![dep("a", DepKind::Normal)],
                ),
            ],
            root,
        }
    }

    fn changed_files(ws: &Workspace, plan: &BumpPlan) -> Vec<String> {
        plan.files
            .keys()
            .map(|p| p.strip_prefix(&ws.root).unwrap().display().to_string())
            .collect()
    }

    #[test]
    fn patch_bump_moves_only_that_crate() {
        let ws = scratch_workspace();
        let plan = plan_bump(&ws, &["a".to_owned()], &BumpSpec::Patch, "2025-05-06").unwrap();
        assert_eq!(
            plan.changes,
            [Change {
                name: "a".into(),
                old: "0.1.0".into(),
                new: v("0.1.1")
            }]
        );
        assert!(plan.dependents.is_empty());
        assert!(plan.notes.is_empty(), "{:?}", plan.notes);
        assert_eq!(
            changed_files(&ws, &plan),
            ["crates/a/CHANGELOG.md", "crates/a/Cargo.toml"]
        );
        let a = &plan.files[&ws.root.join("crates/a/Cargo.toml")];
        assert!(a.contains("version = \"0.1.1\""), "{a}");
        let changelog = &plan.files[&ws.root.join("crates/a/CHANGELOG.md")];
        assert!(
            changelog.contains(
                "### Other Changes\n\n## 0.1.1 (2025-05-06)\n\n### Features Added\n\n- New API.\n"
            ),
            "{changelog}"
        );
        // Nothing was written yet.
        let on_disk = std::fs::read_to_string(ws.root.join("crates/a/Cargo.toml")).unwrap();
        assert!(on_disk.contains("version = \"0.1.0\""));
        std::fs::remove_dir_all(&ws.root).unwrap();
    }

    #[test]
    fn minor_bump_moves_broken_requirements_and_names_dependents() {
        let ws = scratch_workspace();
        let plan = plan_bump(&ws, &["a".to_owned()], &BumpSpec::Minor, "2025-05-06").unwrap();
        assert_eq!(plan.changes.len(), 1);
        assert_eq!(plan.changes[0].new, v("0.2.0"));
        assert_eq!(
            plan.dependents,
            [Dependent {
                name: "b".into(),
                dependency: "a".into(),
                old_req: "^0.1.0".into(),
                new: v("0.2.0"),
            }]
        );
        assert_eq!(
            changed_files(&ws, &plan),
            [
                "Cargo.toml",
                "crates/a/CHANGELOG.md",
                "crates/a/Cargo.toml",
                "crates/b/CHANGELOG.md"
            ]
        );
        let root = &plan.files[&ws.root.join("Cargo.toml")];
        assert_eq!(
            root,
            &SCRATCH_ROOT.replace(
                "a = { path = \"crates/a\", version = \"0.1.0\" }",
                "a = { path = \"crates/a\", version = \"0.2.0\" }"
            )
        );
        // b keeps its version; its changelog records the new requirement.
        let b = &plan.files[&ws.root.join("crates/b/CHANGELOG.md")];
        assert_eq!(
            b,
            &CHANGELOG_B.replacen(
                "### Other Changes\n\n## 0.4.2",
                "### Other Changes\n\n- Requires `a` 0.2.0.\n\n## 0.4.2",
                1
            )
        );
        assert_eq!(plan.notes.len(), 2, "{:?}", plan.notes);
        assert_eq!(
            plan.notes[0],
            "Cargo.toml [workspace.dependencies]: requirement on `a` 0.1.0 -> 0.2.0"
        );
        assert!(
            plan.notes[1].starts_with(
                "`b` requires `a` ^0.1.0, which 0.2.0 does not satisfy: the requirement moves to \
                 0.2.0 and `b` needs a release too (`cargo xtask release bump b "
            ),
            "{}",
            plan.notes[1]
        );
        std::fs::remove_dir_all(&ws.root).unwrap();
    }

    #[test]
    fn bumping_all_leaves_no_dependent_behind() {
        let ws = scratch_workspace();
        write(&ws.root.join("crates/c/CHANGELOG.md"), CHANGELOG_A);
        let targets = ["a", "b", "c"].map(str::to_owned);
        let plan = plan_bump(&ws, &targets, &BumpSpec::Minor, "2025-05-06").unwrap();
        let versions: Vec<String> = plan.changes.iter().map(|c| c.new.to_string()).collect();
        assert_eq!(versions, ["0.2.0", "0.5.0", "0.4.0"]);
        assert!(plan.dependents.is_empty());
        let root = &plan.files[&ws.root.join("Cargo.toml")];
        assert!(root.contains("version = \"0.2.0\" }   # local"), "{root}");
        assert!(root.contains("b = { version = \"=0.5.0\""), "{root}");
        // b's changelog is released, without a `Requires` line.
        let b = &plan.files[&ws.root.join("crates/b/CHANGELOG.md")];
        assert!(!b.contains("Requires"), "{b}");
        assert!(b.contains("## 0.5.0 (2025-05-06)"), "{b}");
        std::fs::remove_dir_all(&ws.root).unwrap();
    }

    #[test]
    fn bump_refuses_inherited_versions_and_missing_changelogs() {
        let ws = scratch_workspace();
        let err = plan_bump(&ws, &["c".to_owned()], &BumpSpec::Patch, "2025-05-06").unwrap_err();
        assert!(err.to_string().contains("missing CHANGELOG.md"), "{err}");
        let err = plan_bump(&ws, &["tool".to_owned()], &BumpSpec::Patch, "2025-05-06").unwrap_err();
        assert!(
            err.to_string()
                .contains("`tool` inherits `version.workspace = true`"),
            "{err}"
        );
        assert!(plan_bump(&ws, &["zzz".to_owned()], &BumpSpec::Patch, "2025-05-06").is_err());
        std::fs::remove_dir_all(&ws.root).unwrap();
    }

    #[test]
    fn dev_and_unpublished_dependents_need_no_release() {
        let ws = scratch_workspace();
        let change = |new: &str| Change {
            name: "a".into(),
            old: "0.1.0".into(),
            new: v(new),
        };
        let names = |new: &str| -> Vec<String> {
            dependents_needing_release(&ws, &[change(new)])
                .into_iter()
                .map(|d| d.name)
                .collect()
        };
        assert_eq!(names("0.2.0"), ["b"]);
        assert_eq!(names("1.0.0"), ["b"]);
        assert!(names("0.1.7").is_empty());
        // A bumped dependent is not listed.
        let both = [
            change("0.2.0"),
            Change {
                name: "b".into(),
                old: "0.4.2".into(),
                new: v("0.4.3"),
            },
        ];
        assert!(dependents_needing_release(&ws, &both).is_empty());
        std::fs::remove_dir_all(&ws.root).unwrap();
    }
}
