//! Every public operation of every client names itself to the pipeline, so that it is a span
//! (`SecretClient.get_secret`) and carries the caller's per-call context: each public method of
//! each `impl *Client` block in the service crates either gives its own name
//! (`"Client.method"`) to `.operation(..)` or to the helper that calls it (or, in
//! `CryptographyClient`, routes through `self.route`, which does), or is one of the few that send
//! nothing. None sends through
//! the client's bare pipeline. The clients' `distributed_tracing` and `method_options` tests
//! prove at run time that `operation` gives the span and the context; this test proves no
//! operation skips it, by reading every method rather than sampling some.

use std::path::{Path, PathBuf};

/// Methods that send nothing themselves (constructors, accessors, builders) or are the
/// pipeline passthrough `send_request`.
const SEND_NOTHING: &[&str] = &[
    "new",
    "from_key",
    "from_jwk",
    "vault_url",
    "api_version",
    "send_request",
    "key_id",
    "subscription_id",
    "endpoint",
    "get_cryptography_client",
];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The text from `open` (just after a `{`) to its matching `}`.
fn block(text: &str, open: usize) -> &str {
    let mut depth = 1;
    for (i, c) in text[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return &text[open..open + i];
                }
            }
            _ => {}
        }
    }
    &text[open..]
}

/// `(client, method, body)` of every public method of every `impl *Client` block.
fn public_methods(text: &str) -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    let mut rest = 0;
    while let Some(at) = text[rest..].find("\nimpl ") {
        let start = rest + at + "\nimpl ".len();
        let name: String = text[start..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let Some(brace) = text[start..].find('{') else {
            break;
        };
        let header = &text[start..start + brace];
        let body = block(text, start + brace + 1);
        rest = start + brace + 1 + body.len();
        if !name.ends_with("Client") || header.contains(" for ") {
            continue;
        }
        let mut cursor = 0;
        while let Some(at) = body[cursor..].find("\n    pub ") {
            let sig = cursor + at + "\n    pub ".len();
            let line = &body[sig..];
            let line = line.strip_prefix("async ").unwrap_or(line);
            cursor = sig;
            let Some(line) = line.strip_prefix("fn ") else {
                continue;
            };
            let method: String = line
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let Some(open) = body[sig..].find("{\n") else {
                continue;
            };
            let method_body = block(body, sig + open + 1);
            found.push((name.clone(), method, method_body.to_owned()));
        }
    }
    found
}

#[test]
fn every_public_operation_names_itself_to_the_pipeline() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for krate in [
        "keyvault-secrets",
        "keyvault-keys",
        "keyvault-certificates",
        "keyvault-administration",
        "mgmt-keyvault",
    ] {
        sources(&crates.join(krate).join("src"), &mut files);
    }
    let mut checked = 0;
    let mut problems = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (client, method, body) in public_methods(&text) {
            let compact: String = body.split_whitespace().collect();
            if [
                "self.pipeline.send(",
                "self.pipeline.send_json",
                "self.pipeline.send_raw",
                "&self.pipeline,",
            ]
            .iter()
            .any(|bare| compact.contains(bare))
            {
                problems.push(format!(
                    "{client}::{method} sends through the bare pipeline ({})",
                    file.display()
                ));
            }
            if SEND_NOTHING.contains(&method.as_str()) {
                continue;
            }
            checked += 1;
            // The operation's own name, given to `.operation(..)` here or to the private
            // helper that calls it (`KeyClient::create_rsa_key` -> `create`).
            let named = compact.contains(&format!("\"{client}.{method}\""));
            let routed = client == "CryptographyClient" && compact.contains("self.route(");
            if !named && !routed {
                problems.push(format!(
                    "{client}::{method} never names itself (\"{client}.{method}\") to .operation(..) ({})",
                    file.display()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Every client's operations were read (145 when this test was written: secrets 12, keys
    // 22 and cryptography 6, certificates 28, administration 26, mgmt 51).
    assert!(
        checked >= 145,
        "only {checked} operations found: is the parser still right?"
    );
}
