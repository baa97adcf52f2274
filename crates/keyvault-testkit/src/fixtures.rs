//! The reference material kept in the repository's `eng/testdata/`: REST spec examples and real
//! recorded exchanges with Azure Key Vault, for wire-fidelity tests of every crate. Where each
//! part comes from is written in `eng/testdata/README.md`.

use serde_json::Value;
use std::{
    fs,
    path::{Path, PathBuf},
};
use url::Url;

/// The repository's `eng/testdata/` folder (`specs/`, `recordings/`). Panics with a clear message
/// when it is missing, because a fidelity test without its material would prove nothing.
pub fn testdata_dir() -> PathBuf {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../eng/testdata"));
    assert!(
        dir.join("specs").is_dir() && dir.join("recordings").is_dir(),
        "the test data folder was not found at {}",
        dir.display()
    );
    dir
}

/// One `x-ms-examples` file of the data-plane spec.
#[derive(Debug, Clone)]
pub struct SpecExample {
    /// The example file.
    pub file: PathBuf,
    /// The operation it illustrates, for example `SetSecret`.
    pub operation_id: String,
    /// The request parameters; the body is under its parameter name (usually `parameters`).
    pub parameters: Value,
    /// Response bodies by status code (`Value::Null` when there is none).
    pub responses: Vec<(u16, Value)>,
}

/// Every example of a data-plane service folder (`Secrets`, `Keys`, `Certificates`,
/// `Administration`), sorted by file name.
pub fn spec_examples(service: &str) -> Vec<SpecExample> {
    let root = testdata_dir().join("specs/data-plane");
    let mut files = Vec::new();
    for version in read_dir_sorted(&root) {
        let dir = version.join(service).join("examples");
        files.extend(read_dir_sorted(&dir).into_iter().filter(|f| is_json(f)));
    }
    assert!(
        !files.is_empty(),
        "no examples for {service} under {}",
        root.display()
    );
    files
        .into_iter()
        .map(|file| {
            let json: Value =
                serde_json::from_str(&fs::read_to_string(&file).expect("readable example"))
                    .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let operation_id = json["operationId"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| {
                    file.file_stem()
                        .unwrap()
                        .to_string_lossy()
                        .replace("-example", "")
                });
            let responses = json["responses"]
                .as_object()
                .map(|r| {
                    r.iter()
                        .filter_map(|(status, v)| Some((status.parse().ok()?, v["body"].clone())))
                        .collect()
                })
                .unwrap_or_default();
            SpecExample {
                file,
                operation_id,
                parameters: json["parameters"].clone(),
                responses,
            }
        })
        .collect()
}

/// One recorded HTTP exchange with the real service.
#[derive(Debug, Clone)]
pub struct RecordedExchange {
    /// The recording file.
    pub file: PathBuf,
    /// The request method, upper case.
    pub method: String,
    /// The request URL.
    pub url: Url,
    /// The response status.
    pub status: u16,
    /// The response body, possibly empty.
    pub body: String,
}

impl RecordedExchange {
    /// The URL's path segments, without empty ones.
    pub fn segments(&self) -> Vec<String> {
        self.url
            .path_segments()
            .map(|s| s.filter(|s| !s.is_empty()).map(str::to_string).collect())
            .unwrap_or_default()
    }

    /// The first path segment, lower case (`secrets`, `deletedkeys`, ...).
    pub fn collection(&self) -> String {
        self.segments()
            .first()
            .map(|s| s.to_ascii_lowercase())
            .unwrap_or_default()
    }
}

/// Every exchange of the JSON recordings (`networkCallRecords` and test-proxy `Entries`).
pub fn recorded_exchanges() -> Vec<RecordedExchange> {
    let mut files = Vec::new();
    collect_json(&testdata_dir().join("recordings"), &mut files);
    files.sort();
    let mut exchanges = Vec::new();
    for file in files {
        let Ok(json) =
            serde_json::from_str::<Value>(&fs::read_to_string(&file).unwrap_or_default())
        else {
            continue;
        };
        if let Some(records) = json["networkCallRecords"].as_array() {
            for r in records {
                let response = &r["Response"];
                push(
                    &mut exchanges,
                    &file,
                    r["Method"].as_str(),
                    r["Url"].as_str(),
                    response["STATUS_CODE"]
                        .as_str()
                        .and_then(|s| s.parse().ok()),
                    response["BODY"].as_str().unwrap_or_default().to_string(),
                );
            }
        }
        if let Some(entries) = json["Entries"].as_array() {
            for e in entries {
                let body = match &e["ResponseBody"] {
                    Value::String(s) => s.clone(),
                    Value::Null => String::new(),
                    other => other.to_string(),
                };
                push(
                    &mut exchanges,
                    &file,
                    e["RequestMethod"].as_str(),
                    e["RequestUri"].as_str(),
                    e["StatusCode"].as_u64().map(|s| s as u16),
                    body,
                );
            }
        }
    }
    assert!(!exchanges.is_empty(), "no recorded exchanges found");
    exchanges
}

fn push(
    into: &mut Vec<RecordedExchange>,
    file: &Path,
    method: Option<&str>,
    url: Option<&str>,
    status: Option<u16>,
    body: String,
) {
    let (Some(method), Some(url), Some(status)) =
        (method, url.and_then(|u| Url::parse(u).ok()), status)
    else {
        return;
    };
    into.push(RecordedExchange {
        file: file.to_path_buf(),
        method: method.to_ascii_uppercase(),
        url,
        status,
        body,
    });
}

fn is_json(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "json")
}

fn read_dir_sorted(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    entries.sort();
    entries
}

fn collect_json(dir: &Path, into: &mut Vec<PathBuf>) {
    for path in read_dir_sorted(dir) {
        if path.is_dir() {
            collect_json(&path, into);
        } else if is_json(&path) {
            into.push(path);
        }
    }
}
