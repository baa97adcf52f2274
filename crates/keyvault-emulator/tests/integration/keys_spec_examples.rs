//! Wire fidelity: for every `x-ms-examples` file of the Keys spec, the emulator answers the same
//! operation with the same status and the same JSON fields.

use std::collections::BTreeSet;

use crate::common::{Harness, Resp, API};
use keyvault_testkit::fixtures::spec_examples;
use reqwest::Method;
use serde_json::{json, Value};

/// Fields that depend on the data, the key type or the API version.
const OPTIONAL: &[&str] = &[
    "recoveryLevel",
    "recoverableDays",
    "tags",
    "managed",
    "nbf",
    "exp",
    "exportable",
    "release_policy",
    "iv",
    "tag",
    "aad",
    "n",
    "e",
    "crv",
    "x",
    "y",
    "attestation",
    // A key without a rotation policy has the default one, which was never created or updated.
    "created",
    "updated",
    "expiryTime",
];

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

/// Expected keys must all be present (data-dependent ones excepted); extra keys may only be
/// optional ones.
fn assert_same_shape(op: &str, expected: &Value, actual: &Value) {
    let (e, a) = (keys(expected), keys(actual));
    let missing: Vec<_> = e
        .difference(&a)
        .filter(|k| !OPTIONAL.contains(&k.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "{op}: missing fields {missing:?} in {actual}"
    );
    let extra: Vec<_> = a
        .difference(&e)
        .filter(|k| !OPTIONAL.contains(&k.as_str()))
        .collect();
    assert!(extra.is_empty(), "{op}: unexpected fields {extra:?}");
    for nested in ["attributes", "key"] {
        if expected.get(nested).is_some_and(Value::is_object) {
            assert_same_shape(
                &format!("{op}.{nested}"),
                &expected[nested],
                &actual[nested],
            );
        }
    }
    if let (Some(ev), Some(av)) = (expected["value"].as_array(), actual["value"].as_array()) {
        if let Some(first) = ev.first() {
            assert!(!av.is_empty(), "{op}: the emulator listed nothing");
            assert_same_shape(&format!("{op}.value[0]"), first, &av[0]);
        }
    }
}

struct Ex<'a> {
    h: &'a Harness,
    base: String,
    token: String,
}

impl Ex<'_> {
    fn url(&self, path: &str) -> String {
        let sep = if path.contains('?') { '&' } else { '?' };
        format!("{}{path}{sep}api-version={API}", self.base)
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Resp {
        self.h
            .call_with(method, &self.url(path), body, Some(&self.token))
            .await
    }
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[tokio::test]
async fn every_keys_example_has_the_emulator_shape() {
    let h = Harness::new().await;
    let hsm_token = h.token_for("https://managedhsm.azure.net/.default").await;
    let examples = spec_examples("Keys");
    assert!(examples.len() >= 27, "{} examples", examples.len());
    for (i, example) in examples.iter().enumerate() {
        let op = example.operation_id.as_str();
        let on_hsm = example.parameters["vaultBaseUrl"]
            .as_str()
            .is_some_and(|u| u.contains("managedhsm"));
        let vault = format!("ex{i}");
        let ex = if on_hsm {
            Ex {
                h: &h,
                base: h.emu.managed_hsm_url(&vault),
                token: hsm_token.clone(),
            }
        } else {
            Ex {
                h: &h,
                base: h.emu.vault_url(&vault),
                token: h.token.clone(),
            }
        };
        let name = "example";
        let create = json!({"kty": "RSA-HSM", "key_size": 2048, "tags": {"purpose": "unit test"},
            "attributes": {"enabled": true}});
        let created = ex
            .call(
                Method::POST,
                &format!("/keys/{name}/create"),
                Some(create.clone()),
            )
            .await;
        assert_eq!(created.status, 200, "{op}: {}", created.text);
        let kid = created.body["key"]["kid"].as_str().unwrap().to_string();
        let version = kid.rsplit('/').next().unwrap().to_string();
        ex.call(
            Method::POST,
            "/keys/example-2/create",
            Some(json!({"kty": "EC"})),
        )
        .await;
        let at = |suffix: &str| format!("/keys/{name}/{version}/{suffix}");
        let params = &example.parameters["parameters"];
        let response = match op {
            "CreateKey" => {
                ex.call(
                    Method::POST,
                    &format!("/keys/{name}/create"),
                    Some(params.clone()),
                )
                .await
            }
            "ImportKey" => {
                ex.call(Method::PUT, "/keys/imported", Some(params.clone()))
                    .await
            }
            "GetKey" => {
                ex.call(Method::GET, &format!("/keys/{name}/{version}"), None)
                    .await
            }
            "UpdateKey" => {
                ex.call(
                    Method::PATCH,
                    &format!("/keys/{name}/{version}"),
                    Some(params.clone()),
                )
                .await
            }
            "GetKeys" => ex.call(Method::GET, "/keys?maxresults=1", None).await,
            "GetKeyVersions" => {
                ex.call(
                    Method::POST,
                    &format!("/keys/{name}/create"),
                    Some(create.clone()),
                )
                .await;
                ex.call(
                    Method::GET,
                    &format!("/keys/{name}/versions?maxresults=1"),
                    None,
                )
                .await
            }
            "GetKeyAttestation" => ex.call(Method::GET, &at("attestation"), None).await,
            "RotateKey" => {
                ex.call(Method::POST, &format!("/keys/{name}/rotate"), None)
                    .await
            }
            "GetKeyRotationPolicy" => {
                ex.call(Method::GET, &format!("/keys/{name}/rotationpolicy"), None)
                    .await
            }
            "UpdateKeyRotationPolicy" => {
                let policy = example.parameters["keyRotationPolicy"].clone();
                let r = ex
                    .call(
                        Method::PUT,
                        &format!("/keys/{name}/rotationpolicy"),
                        Some(policy.clone()),
                    )
                    .await;
                assert_eq!(r.body["lifetimeActions"], policy["lifetimeActions"], "{op}");
                r
            }
            "DeleteKey" => {
                ex.call(Method::DELETE, &format!("/keys/{name}"), None)
                    .await
            }
            "GetDeletedKey" | "GetDeletedKeys" | "PurgeDeletedKey" | "RecoverDeletedKey" => {
                ex.call(Method::DELETE, &format!("/keys/{name}"), None)
                    .await;
                ex.call(Method::DELETE, "/keys/example-2", None).await;
                match op {
                    "GetDeletedKey" => {
                        ex.call(Method::GET, &format!("/deletedkeys/{name}"), None)
                            .await
                    }
                    "GetDeletedKeys" => {
                        ex.call(Method::GET, "/deletedkeys?maxresults=1", None)
                            .await
                    }
                    "PurgeDeletedKey" => {
                        ex.call(Method::DELETE, &format!("/deletedkeys/{name}"), None)
                            .await
                    }
                    _ => {
                        ex.call(Method::POST, &format!("/deletedkeys/{name}/recover"), None)
                            .await
                    }
                }
            }
            "BackupKey" => {
                ex.call(Method::POST, &format!("/keys/{name}/backup"), None)
                    .await
            }
            "RestoreKey" => {
                let backup = ex
                    .call(Method::POST, &format!("/keys/{name}/backup"), None)
                    .await;
                ex.call(Method::DELETE, &format!("/keys/{name}"), None)
                    .await;
                ex.call(Method::DELETE, &format!("/deletedkeys/{name}"), None)
                    .await;
                ex.call(
                    Method::POST,
                    "/keys/restore",
                    Some(json!({"value": backup.body["value"]})),
                )
                .await
            }
            "GetRandomBytes" => ex.call(Method::POST, "/rng", Some(params.clone())).await,
            "encrypt" | "wrapKey" | "sign" | "securewrapkey" => {
                let path = match op {
                    "wrapKey" => "wrapkey",
                    other => other,
                };
                ex.call(Method::POST, &at(path), Some(params.clone())).await
            }
            "decrypt" | "unwrapKey" | "verify" | "secureunwrapkey" => {
                // The example's ciphertext was made with another key: make one with this key first.
                let (first, second) = match op {
                    "decrypt" => ("encrypt", "decrypt"),
                    "unwrapKey" => ("wrapkey", "unwrapkey"),
                    "verify" => ("sign", "verify"),
                    _ => ("wrapkey", "secureunwrapkey"),
                };
                let alg = params["alg"].as_str().unwrap();
                let input = if op == "verify" {
                    b64(&[7u8; 64])
                } else {
                    b64(b"sixteen byte key")
                };
                let made = ex
                    .call(
                        Method::POST,
                        &at(first),
                        Some(json!({"alg": alg, "value": input})),
                    )
                    .await;
                assert_eq!(made.status, 200, "{op}: {}", made.text);
                let mut body = params.clone();
                if op == "verify" {
                    body["digest"] = json!(input);
                }
                body["value"] = made.body["value"].clone();
                let r = ex.call(Method::POST, &at(second), Some(body)).await;
                if op == "verify" {
                    assert_eq!(r.body["value"], true, "{op}");
                }
                r
            }
            "release" => {
                let policy = json!({"version": "1.0.0", "anyOf": [{"authority": "http://localhost:8023/", "allOf": [
                    {"claim": "sgx-mrsigner", "equals": "86788fe40448f2a12e20bf8d5e7a1c3139bc5fdc1432b370c1da3489ab649a85"}]}]});
                let create = json!({"kty": "RSA-HSM", "attributes": {"exportable": true},
                    "release_policy": {"data": b64(policy.to_string().as_bytes())}});
                let r = ex
                    .call(Method::POST, "/keys/exportable/create", Some(create))
                    .await;
                assert_eq!(r.status, 200, "{op}: {}", r.text);
                let version = r.body["key"]["kid"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string();
                ex.call(
                    Method::POST,
                    &format!("/keys/exportable/{version}/release"),
                    Some(params.clone()),
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
            assert!(link.starts_with(&ex.base), "{op}: {link}");
        }
    }
}
