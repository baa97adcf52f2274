//! Wire fidelity: for every `x-ms-examples` file of the Secrets spec, the emulator answers the same
//! operation with the same status and the same JSON fields (and no `value` where the service sends none).

use std::collections::BTreeSet;

use crate::common::Harness;
use keyvault_testkit::fixtures::spec_examples;
use reqwest::Method;
use serde_json::{json, Value};

/// Fields that depend on the data or that the (older) examples omit but recordings of the real
/// service show (`recoveryLevel` in list items).
const OPTIONAL: &[&str] = &[
    "recoveryLevel",
    "contentType",
    "tags",
    "kid",
    "managed",
    "recoverableDays",
    "nbf",
    "exp",
];

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

/// Expected keys must all be present; extra keys may only be optional, data-dependent ones.
fn assert_same_shape(op: &str, expected: &Value, actual: &Value) {
    let (e, a) = (keys(expected), keys(actual));
    assert!(
        e.is_subset(&a),
        "{op}: expected fields {e:?}, emulator sent {a:?}"
    );
    let extra: Vec<_> = a
        .difference(&e)
        .filter(|k| !OPTIONAL.contains(&k.as_str()))
        .collect();
    assert!(extra.is_empty(), "{op}: unexpected fields {extra:?}");
    if expected.get("attributes").is_some() {
        assert_same_shape(
            &format!("{op}.attributes"),
            &expected["attributes"],
            &actual["attributes"],
        );
    }
    if let (Some(ev), Some(av)) = (expected["value"].as_array(), actual["value"].as_array()) {
        if let Some(first) = ev.first() {
            assert!(!av.is_empty(), "{op}: the emulator listed nothing");
            assert_same_shape(&format!("{op}.value[0]"), first, &av[0]);
        }
    }
}

fn full_secret(value: &str) -> Value {
    json!({"value": value, "contentType": "plainText", "tags": {"t": "v"},
           "attributes": {"enabled": true, "nbf": 1262332800, "exp": 4102444800i64}})
}

#[tokio::test]
async fn every_secrets_example_has_the_emulator_shape() {
    let h = Harness::new().await;
    let examples = spec_examples("Secrets");
    assert!(examples.len() >= 12, "{} examples", examples.len());
    for (i, example) in examples.iter().enumerate() {
        let op = example.operation_id.as_str();
        let vault = format!("ex{i}");
        let name = "example";
        let set = h.put_secret(&vault, name, full_secret("one")).await;
        let version = set.body["id"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string();
        h.put_secret(&vault, "example-2", full_secret("two")).await;
        let url = |path: &str| h.url(&vault, path);
        let response = match op {
            "SetSecret" => h.put_secret(&vault, name, full_secret("three")).await,
            "GetSecret" => {
                h.call(
                    Method::GET,
                    &url(&format!("/secrets/{name}/{version}")),
                    None,
                )
                .await
            }
            "UpdateSecret" => {
                let body = example.parameters["parameters"].clone();
                h.call(
                    Method::PATCH,
                    &url(&format!("/secrets/{name}/{version}")),
                    Some(body),
                )
                .await
            }
            "GetSecrets" => {
                h.call(Method::GET, &url("/secrets?maxresults=1"), None)
                    .await
            }
            "GetSecretVersions" => {
                h.put_secret(&vault, name, full_secret("again")).await;
                h.call(
                    Method::GET,
                    &url(&format!("/secrets/{name}/versions?maxresults=1")),
                    None,
                )
                .await
            }
            "DeleteSecret" => {
                h.call(Method::DELETE, &url(&format!("/secrets/{name}")), None)
                    .await
            }
            "GetDeletedSecret"
            | "GetDeletedSecrets"
            | "PurgeDeletedSecret"
            | "RecoverDeletedSecret" => {
                h.call(Method::DELETE, &url(&format!("/secrets/{name}")), None)
                    .await;
                h.call(Method::DELETE, &url("/secrets/example-2"), None)
                    .await;
                match op {
                    "GetDeletedSecret" => {
                        h.call(Method::GET, &url(&format!("/deletedsecrets/{name}")), None)
                            .await
                    }
                    "GetDeletedSecrets" => {
                        h.call(Method::GET, &url("/deletedsecrets?maxresults=1"), None)
                            .await
                    }
                    "PurgeDeletedSecret" => {
                        h.call(
                            Method::DELETE,
                            &url(&format!("/deletedsecrets/{name}")),
                            None,
                        )
                        .await
                    }
                    _ => {
                        h.call(
                            Method::POST,
                            &url(&format!("/deletedsecrets/{name}/recover")),
                            None,
                        )
                        .await
                    }
                }
            }
            "BackupSecret" => {
                h.call(Method::POST, &url(&format!("/secrets/{name}/backup")), None)
                    .await
            }
            "RestoreSecret" => {
                let backup = h
                    .call(Method::POST, &url(&format!("/secrets/{name}/backup")), None)
                    .await;
                h.call(Method::DELETE, &url(&format!("/secrets/{name}")), None)
                    .await;
                h.call(
                    Method::DELETE,
                    &url(&format!("/deletedsecrets/{name}")),
                    None,
                )
                .await;
                h.call(
                    Method::POST,
                    &url("/secrets/restore"),
                    Some(json!({"value": backup.body["value"]})),
                )
                .await
            }
            other => panic!("the emulator has no test for operation {other}"),
        };
        let (status, expected) = &example.responses[0];
        assert_eq!(response.status, *status, "{op}: {}", response.text);
        if expected.is_null() {
            assert!(response.text.is_empty(), "{op}: no body expected");
        } else {
            assert_same_shape(op, expected, &response.body);
        }
        if let Some(link) = response.body["nextLink"].as_str() {
            assert!(link.starts_with(&h.emu.vault_url(&vault)), "{op}: {link}");
        }
    }
}
