//! Wire fidelity: every Keys example of the REST spec and every recorded keys exchange with
//! the real service parses into our models, and our request bodies are the examples'.

use crate::{
    crypto::wire::{
        KeyOperationResult, KeyOperationsParameters, KeySignParameters, KeyVerifyParameters,
        KeyVerifyResult,
    },
    enums::{KeyCurveName, KeyExportEncryptionAlgorithm, KeyOperation, KeyType},
    models::{
        DeletedKey, JsonWebKey, KeyAttributesIn, KeyCreateParameters, KeyImportParameters,
        KeyProperties, KeyReleaseParameters, KeyReleasePolicy, KeyRotationPolicy,
        KeyUpdateParameters, KeyVaultKey, PolicyBody, RandomBytes, RandomBytesRequest,
        ReleaseKeyResult,
    },
};
use keyvault_core::lifecycle::BackupBlob;
use keyvault_core::{pipeline::to_json, serde::base64url, Error, Result};
use keyvault_testkit::fixtures::{recorded_exchanges, spec_examples};
use serde::{de::DeserializeOwned, Deserialize};
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

/// Operations of the spec this crate does not send (Python's client has no such methods);
/// their responses are still parsed.
const NOT_SENT: &[&str] = &["securewrapkey", "secureunwrapkey"];

/// Parses a successful response body of `operation` into its model.
fn parse_response(operation: &str, body: &[u8]) -> Result<()> {
    match operation {
        "CreateKey" | "GetKey" | "ImportKey" | "UpdateKey" | "RecoverDeletedKey" | "RestoreKey"
        | "RotateKey" | "GetKeyAttestation" => deserialize::<KeyVaultKey>(body).map(drop),
        "GetKeys" | "GetKeyVersions" => deserialize::<PageOf<KeyProperties>>(body).map(drop),
        "DeleteKey" | "GetDeletedKey" => deserialize::<DeletedKey>(body).map(drop),
        "GetDeletedKeys" => deserialize::<PageOf<DeletedKey>>(body).map(drop),
        "BackupKey" => deserialize::<BackupBlob>(body).map(drop),
        "PurgeDeletedKey" => Ok(()),
        "GetKeyRotationPolicy" | "UpdateKeyRotationPolicy" => {
            deserialize::<KeyRotationPolicy>(body).map(drop)
        }
        "GetRandomBytes" => deserialize::<RandomBytes>(body).map(drop),
        "encrypt" | "decrypt" | "wrapKey" | "unwrapKey" | "sign" | "securewrapkey"
        | "secureunwrapkey" => deserialize::<KeyOperationResult>(body).map(drop),
        "verify" => deserialize::<KeyVerifyResult>(body).map(drop),
        "release" => deserialize::<ReleaseKeyResult>(body).map(drop),
        other => panic!("no model for operation {other}"),
    }
}

fn field<T: DeserializeOwned>(value: &Value) -> Option<T> {
    (!value.is_null()).then(|| serde_json::from_value(value.clone()).unwrap())
}

fn bytes(value: &Value) -> Option<Vec<u8>> {
    value.as_str().map(|s| base64url::decode(s).unwrap())
}

/// Our request body for the example's parameters, or `None` when the operation has none.
fn body_of(operation: &str, params: &Value) -> Option<(Value, Value)> {
    let p = &params["parameters"];
    let tags: Option<HashMap<String, String>> = field(&p["tags"]);
    let attributes: Option<KeyAttributesIn> = field(&p["attributes"]);
    let release_policy: Option<KeyReleasePolicy> = field(&p["release_policy"]);
    let key_ops: Option<Vec<KeyOperation>> = field(&p["key_ops"]);
    let json = match operation {
        "CreateKey" => {
            let kty: KeyType = field(&p["kty"]).unwrap();
            let crv: Option<KeyCurveName> = field(&p["crv"]);
            to_json(&KeyCreateParameters {
                kty: &kty,
                key_size: field(&p["key_size"]),
                public_exponent: field(&p["public_exponent"]),
                key_ops: key_ops.as_deref(),
                attributes,
                tags: tags.as_ref(),
                crv: crv.as_ref(),
                release_policy: release_policy.as_ref(),
            })
        }
        "ImportKey" => {
            let key: JsonWebKey = field(&p["key"]).unwrap();
            to_json(&KeyImportParameters {
                hsm: field(&p["Hsm"]),
                key: &key,
                attributes,
                tags: tags.as_ref(),
                release_policy: release_policy.as_ref(),
            })
        }
        "UpdateKey" => to_json(&KeyUpdateParameters {
            key_ops: key_ops.as_deref(),
            attributes,
            tags: tags.as_ref(),
            release_policy: release_policy.as_ref(),
        }),
        "RestoreKey" => to_json(&field::<BackupBlob>(p).unwrap()),
        "UpdateKeyRotationPolicy" => {
            let policy: KeyRotationPolicy = field(&params["keyRotationPolicy"]).unwrap();
            policy.validate().unwrap();
            let ours = to_json(&PolicyBody::from(&policy)).unwrap();
            return Some((
                serde_json::from_slice(&ours).unwrap(),
                params["keyRotationPolicy"].clone(),
            ));
        }
        "encrypt" | "decrypt" | "wrapKey" | "unwrapKey" => {
            let (value, iv, aad, tag) = (
                bytes(&p["value"]).unwrap(),
                bytes(&p["iv"]),
                bytes(&p["aad"]),
                bytes(&p["tag"]),
            );
            to_json(&KeyOperationsParameters {
                alg: p["alg"].as_str().unwrap(),
                value: &value,
                iv: iv.as_deref(),
                aad: aad.as_deref(),
                tag: tag.as_deref(),
            })
        }
        "sign" => to_json(&KeySignParameters {
            alg: p["alg"].as_str().unwrap(),
            value: &bytes(&p["value"]).unwrap(),
        }),
        "verify" => to_json(&KeyVerifyParameters {
            alg: p["alg"].as_str().unwrap(),
            digest: &bytes(&p["digest"]).unwrap(),
            value: &bytes(&p["value"]).unwrap(),
        }),
        "release" => {
            let enc: Option<KeyExportEncryptionAlgorithm> = field(&p["enc"]);
            to_json(&KeyReleaseParameters {
                target: p["target"].as_str().unwrap(),
                nonce: p["nonce"].as_str(),
                enc: enc.as_ref(),
            })
        }
        "GetRandomBytes" => to_json(&RandomBytesRequest {
            count: field(&p["count"]).unwrap(),
        }),
        _ => return None,
    };
    Some((serde_json::from_slice(&json.unwrap()).unwrap(), p.clone()))
}

#[test]
fn every_spec_example_parses_and_our_requests_match() {
    let examples = spec_examples("Keys");
    assert!(examples.len() >= 27, "{} examples", examples.len());
    let mut bodies = 0;
    for example in &examples {
        let where_ = example.file.display();
        for (status, body) in &example.responses {
            if *status < 300 && !body.is_null() {
                let bytes = serde_json::to_vec(body).unwrap();
                parse_response(&example.operation_id, &bytes)
                    .unwrap_or_else(|e| panic!("{where_}: {e}"));
            }
        }
        let has_body = !example.parameters["parameters"].is_null()
            || !example.parameters["keyRotationPolicy"].is_null();
        match body_of(&example.operation_id, &example.parameters) {
            Some((ours, theirs)) => {
                assert_eq!(ours, theirs, "{where_}");
                bodies += 1;
            }
            None => assert!(
                !has_body || NOT_SENT.contains(&example.operation_id.as_str()),
                "{where_}: a request body this test does not build"
            ),
        }
    }
    assert!(bodies >= 12, "{bodies} request bodies compared");
}

#[test]
fn spec_example_models_carry_the_values() {
    let examples = spec_examples("Keys");
    let find = |op: &str| {
        examples
            .iter()
            .find(|e| e.operation_id == op)
            .unwrap_or_else(|| panic!("{op}"))
    };
    let body = |op: &str| serde_json::to_vec(&find(op).responses[0].1).unwrap();
    let key: KeyVaultKey = deserialize(&body("GetKeyAttestation")).unwrap();
    let attestation = key.properties.attestation.unwrap();
    assert!(attestation
        .certificate_pem_file
        .unwrap()
        .starts_with(b"-----BEGIN CERTIFICATE-----"));
    let policy: KeyRotationPolicy = deserialize(&body("GetKeyRotationPolicy")).unwrap();
    assert_eq!(policy.expires_in.as_deref(), Some("P2Y"));
    assert_eq!(policy.lifetime_actions.len(), 2);
    assert_eq!(policy.created_on.unwrap().unix_timestamp(), 1482188947);
    let deleted: DeletedKey = deserialize(&body("DeleteKey")).unwrap();
    assert_eq!(deleted.name(), "CreateSoftKeyTest");
    assert_eq!(deleted.key_type(), Some(&KeyType::Rsa));
    assert!(deleted
        .recovery_id
        .unwrap()
        .ends_with("/deletedkeys/CreateSoftKeyTest"));
    let random: RandomBytes = deserialize(&body("GetRandomBytes")).unwrap();
    assert_eq!(random.value, b"1234");
    // The wrapKey example answers in standard base64; it parses all the same.
    let wrapped: KeyOperationResult = deserialize(&body("wrapKey")).unwrap();
    assert_eq!(wrapped.value.len(), 256);
    let listed: PageOf<KeyProperties> = deserialize(&body("GetKeyVersions")).unwrap();
    assert_eq!(
        listed.value[0].version.as_deref(),
        Some("7c9dc6775d0e4177827c4f98f482fc12")
    );
}

/// The operation a recorded keys request was.
fn operation_of(method: &str, segments: &[String]) -> &'static str {
    let collection = segments[0].to_ascii_lowercase();
    let last = segments
        .last()
        .map(|s| s.to_ascii_lowercase())
        .unwrap_or_default();
    match (method, collection.as_str(), segments.len(), last.as_str()) {
        ("POST", "rng", 1, _) => "GetRandomBytes",
        ("POST", "keys", 3, "create") => "CreateKey",
        ("PUT", "keys", 2, _) => "ImportKey",
        ("GET", "keys", 1, _) => "GetKeys",
        ("GET", "keys", 3, "versions") => "GetKeyVersions",
        ("GET" | "PUT", "keys", 3, "rotationpolicy") => "GetKeyRotationPolicy",
        ("GET", "keys", 4, "attestation") => "GetKeyAttestation",
        ("GET", "keys", 2 | 3, _) => "GetKey",
        ("PATCH", "keys", _, _) => "UpdateKey",
        ("DELETE", "keys", 2, _) => "DeleteKey",
        ("POST", "keys", 3, "backup") => "BackupKey",
        ("POST", "keys", 2, "restore") => "RestoreKey",
        ("POST", "keys", 3, "rotate") => "RotateKey",
        ("POST", "keys", 3 | 4, "encrypt") => "encrypt",
        ("POST", "keys", 3 | 4, "decrypt") => "decrypt",
        ("POST", "keys", 3 | 4, "wrapkey") => "wrapKey",
        ("POST", "keys", 3 | 4, "unwrapkey") => "unwrapKey",
        ("POST", "keys", 3 | 4, "sign") => "sign",
        ("POST", "keys", 3 | 4, "verify") => "verify",
        ("POST", "keys", 3 | 4, "release") => "release",
        ("GET", "deletedkeys", 1, _) => "GetDeletedKeys",
        ("GET", "deletedkeys", 2, _) => "GetDeletedKey",
        ("DELETE", "deletedkeys", 2, _) => "PurgeDeletedKey",
        ("POST", "deletedkeys", 3, "recover") => "RecoverDeletedKey",
        _ => panic!("unclassified keys request {method} {segments:?}"),
    }
}

#[test]
fn every_recorded_keys_exchange_parses() {
    let exchanges: Vec<_> = recorded_exchanges()
        .into_iter()
        .filter(|e| matches!(e.collection().as_str(), "keys" | "deletedkeys" | "rng"))
        .collect();
    assert!(exchanges.len() >= 200, "{} exchanges", exchanges.len());
    let mut errors = 0;
    let mut operations = std::collections::BTreeSet::new();
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
                operations.insert(operation);
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
    for expected in [
        "CreateKey",
        "encrypt",
        "sign",
        "verify",
        "release",
        "GetRandomBytes",
        "RestoreKey",
    ] {
        assert!(
            operations.contains(expected),
            "{expected} was recorded: {operations:?}"
        );
    }
}
