//! Wire fidelity: every Secrets example of the REST spec and every recorded secrets exchange
//! with the real service parses into our models, and our request bodies are the examples'.

use crate::models::{
    DeletedSecret, KeyVaultSecret, SecretProperties, SecretSetParameters, SecretUpdateParameters,
};
use keyvault_core::lifecycle::BackupBlob;
use keyvault_core::{Attributes, Error, Result};
use keyvault_testkit::fixtures::{recorded_exchanges, spec_examples};
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;

/// Fields of the spec's examples and the recordings that the models knowingly do not read.
const KNOWN: &[&str] = &[];

/// Every field of a body must reach the model: a field serde would skip (misspelled, or not
/// modelled) fails the test with its path, so parsing proves fidelity and not only shape.
fn deserialize<T: serde::de::DeserializeOwned>(body: &[u8]) -> keyvault_core::Result<T> {
    keyvault_testkit::fidelity::every_field(body, KNOWN).map_err(|message| {
        keyvault_core::Error::Deserialize {
            model: std::any::type_name::<T>(),
            message,
        }
    })
}

/// A list page; its fields are read only to check their shape.
#[derive(Deserialize)]
#[allow(dead_code)]
struct PageOf<T> {
    value: Vec<T>,
    #[serde(rename = "nextLink")]
    next_link: Option<String>,
}

/// Parses a successful response body of `operation` into its model.
fn parse_response(operation: &str, body: &[u8]) -> Result<()> {
    match operation {
        "SetSecret" | "GetSecret" => deserialize::<KeyVaultSecret>(body).map(drop),
        "UpdateSecret" | "RecoverDeletedSecret" | "RestoreSecret" => {
            deserialize::<SecretProperties>(body).map(drop)
        }
        "GetSecrets" | "GetSecretVersions" => {
            deserialize::<PageOf<SecretProperties>>(body).map(drop)
        }
        "DeleteSecret" | "GetDeletedSecret" => deserialize::<DeletedSecret>(body).map(drop),
        "GetDeletedSecrets" => deserialize::<PageOf<DeletedSecret>>(body).map(drop),
        "BackupSecret" => deserialize::<BackupBlob>(body).map(drop),
        "PurgeDeletedSecret" => Ok(()),
        other => panic!("no model for operation {other}"),
    }
}

fn body_of(operation: &str, params: &Value) -> Option<Value> {
    let p = &params["parameters"];
    let tags: Option<HashMap<String, String>> = serde_json::from_value(p["tags"].clone()).ok();
    let attributes: Attributes =
        serde_json::from_value(p["attributes"].clone()).unwrap_or_default();
    let json = match operation {
        "SetSecret" => keyvault_core::pipeline::to_json(&SecretSetParameters {
            value: p["value"].as_str().unwrap(),
            tags: tags.as_ref(),
            content_type: p["contentType"].as_str(),
            attributes,
        }),
        "UpdateSecret" => keyvault_core::pipeline::to_json(&SecretUpdateParameters {
            content_type: p["contentType"].as_str(),
            attributes,
            tags: tags.as_ref(),
        }),
        "RestoreSecret" => {
            let blob: BackupBlob = serde_json::from_value(p.clone()).unwrap();
            keyvault_core::pipeline::to_json(&blob)
        }
        _ => return None,
    };
    Some(serde_json::from_slice(&json.unwrap()).unwrap())
}

#[test]
fn every_spec_example_parses_and_our_requests_match() {
    let examples = spec_examples("Secrets");
    assert!(examples.len() >= 12, "{} examples", examples.len());
    for example in &examples {
        for (status, body) in &example.responses {
            if *status < 300 && !body.is_null() {
                let bytes = serde_json::to_vec(body).unwrap();
                parse_response(&example.operation_id, &bytes)
                    .unwrap_or_else(|e| panic!("{}: {e}", example.file.display()));
            }
        }
        if let Some(ours) = body_of(&example.operation_id, &example.parameters) {
            assert_eq!(
                ours,
                example.parameters["parameters"],
                "{}",
                example.file.display()
            );
        }
    }
}

/// The operation a recorded secrets request was.
fn operation_of(method: &str, segments: &[String]) -> &'static str {
    let collection = segments[0].to_ascii_lowercase();
    match (
        method,
        collection.as_str(),
        segments.len(),
        segments.last().map(String::as_str),
    ) {
        ("PUT", "secrets", 2, _) => "SetSecret",
        ("GET", "secrets", 1, _) => "GetSecrets",
        ("GET", "secrets", 3, Some("versions")) => "GetSecretVersions",
        ("GET", "secrets", 2 | 3, _) => "GetSecret",
        ("PATCH", "secrets", _, _) => "UpdateSecret",
        ("DELETE", "secrets", 2, _) => "DeleteSecret",
        ("POST", "secrets", 3, Some("backup")) => "BackupSecret",
        ("POST", "secrets", 2, Some("restore")) => "RestoreSecret",
        ("GET", "deletedsecrets", 1, _) => "GetDeletedSecrets",
        ("GET", "deletedsecrets", 2, _) => "GetDeletedSecret",
        ("DELETE", "deletedsecrets", 2, _) => "PurgeDeletedSecret",
        ("POST", "deletedsecrets", 3, Some("recover")) => "RecoverDeletedSecret",
        _ => panic!("unclassified secrets request {method} {segments:?}"),
    }
}

#[test]
fn every_recorded_secrets_exchange_parses() {
    let exchanges: Vec<_> = recorded_exchanges()
        .into_iter()
        .filter(|e| matches!(e.collection().as_str(), "secrets" | "deletedsecrets"))
        .collect();
    assert!(exchanges.len() >= 40, "{} exchanges", exchanges.len());
    let mut errors = 0;
    for exchange in &exchanges {
        let where_ = format!(
            "{} {} {}",
            exchange.file.display(),
            exchange.method,
            exchange.url
        );
        if exchange.status < 300 {
            if !exchange.body.is_empty() {
                let operation = operation_of(&exchange.method, &exchange.segments());
                parse_response(operation, exchange.body.as_bytes())
                    .unwrap_or_else(|e| panic!("{where_}: {e}"));
            }
        } else {
            let response = azure_core::http::RawResponse::from_bytes(
                exchange.status.into(),
                Default::default(),
                exchange.body.clone().into_bytes(),
            );
            let err = Error::from_response(&response);
            assert_eq!(err.status(), Some(exchange.status), "{where_}");
            assert!(
                err.code().is_some(),
                "{where_}: no error code in {}",
                exchange.body
            );
            errors += 1;
        }
    }
    assert!(errors > 0, "the recordings include error responses");
}
