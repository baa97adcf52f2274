//! The layers of `src/` (README, "Layout"): every `crate::` path of every source file, in `use`
//! lines and in code, names a module of the file's own layer or of a layer below it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The layers, lowest first: the top-level modules (a file's folder or its own name) of each.
const LAYERS: &[(&str, &[&str])] = &[
    ("base", &["sync", "clock", "errors"]),
    ("storage", &["storage", "persistence"]),
    ("http", &["http"]),
    (
        "services",
        &[
            "lifecycle",
            "secrets",
            "keys",
            "certificates",
            "admin",
            "arm",
        ],
    ),
    ("auth", &["auth"]),
    ("server", &["server", "fixture"]),
    // `crate::Emulator`, `crate::EmulatorError`, ...: items of lib.rs itself.
    ("crate", &["lib", "main", "target"]),
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS
        .iter()
        .position(|(_, modules)| modules.contains(&module))
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules a source names with `crate::` paths, comments left out; an item of
/// lib.rs (`crate::Emulator`, `crate::{Emulator, ..}`) counts as `lib`.
fn named_modules(source: &str) -> BTreeSet<String> {
    let mut named = BTreeSet::new();
    for line in source.lines() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let preceded_by_ident = rest[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
            rest = &rest[at + "crate::".len()..];
            if preceded_by_ident {
                continue; // `keyvault_crate::`, not this crate
            }
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if name.is_empty() || name.starts_with(char::is_uppercase) {
                named.insert("lib".to_string());
            } else if layer_of(&name).is_some() {
                named.insert(name);
            } else {
                // A function or constant of lib.rs.
                named.insert("lib".to_string());
            }
        }
    }
    named
}

/// The violations in a tree of sources: (file, its module, the upper module it names).
fn violations(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    sources(src, &mut files);
    files.sort();
    let mut found = Vec::new();
    for file in files {
        let relative = file
            .strip_prefix(src)
            .expect("under src")
            .to_string_lossy()
            .replace('\\', "/");
        let own = relative
            .split('/')
            .next()
            .expect("a first component")
            .trim_end_matches(".rs")
            .to_string();
        let own_layer = layer_of(&own)
            .unwrap_or_else(|| panic!("{relative}: module `{own}` has no layer in LAYERS"));
        let source = std::fs::read_to_string(&file).expect("a source file");
        for named in named_modules(&source) {
            let layer = layer_of(&named).expect("named modules have layers");
            if layer > own_layer {
                found.push(format!(
                    "{relative} ({}) names crate::{named} ({})",
                    LAYERS[own_layer].0, LAYERS[layer].0
                ));
            }
        }
    }
    found
}

#[test]
fn no_source_imports_from_a_layer_above_its_own() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = violations(&src);
    assert!(
        found.is_empty(),
        "upward imports (see the README's Layout):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_catches_an_upward_import() {
    let dir = std::env::temp_dir().join(format!("kv-layers-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("storage")).expect("a temporary tree");
    std::fs::write(
        dir.join("storage/store.rs"),
        "// crate::server in a comment is fine\nuse crate::sync::lock;\nuse crate::http::Reply;\n",
    )
    .expect("written");
    std::fs::write(
        dir.join("keys.rs"),
        "fn f() { crate::auth::check(); let _ = crate::EmulatorError::Tls(String::new()); }\n",
    )
    .expect("written");
    let found = violations(&dir);
    std::fs::remove_dir_all(&dir).expect("removed");
    assert_eq!(
        found,
        [
            "keys.rs (services) names crate::auth (auth)",
            "keys.rs (services) names crate::lib (crate)",
            "storage/store.rs (storage) names crate::http (http)",
        ]
    );
}
