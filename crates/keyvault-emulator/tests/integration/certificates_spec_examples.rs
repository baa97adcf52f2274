//! Wire fidelity: for every `x-ms-examples` file of the Certificates spec, the emulator answers the
//! same operation with the same status and the same JSON fields.

use std::collections::BTreeSet;
use std::time::Duration;

use crate::common::{Harness, Resp};
use keyvault_emulator::EmulatorOptions;
use keyvault_testkit::fixtures::spec_examples;
use reqwest::Method;
use serde_json::{json, Value};

/// Fields that depend on the data, or that recordings of the real service show beside the
/// (older) examples: `tags`, `pending` and `recoverableDays` in bundles, `target` of a completed
/// operation, `status_details`.
const OPTIONAL: &[&str] = &[
    "recoveryLevel",
    "recoverableDays",
    "tags",
    "pending",
    "nbf",
    "exp",
    "status_details",
    "target",
    "credentials",
    "org_details",
    "policy",
];

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

fn assert_same_shape(op: &str, expected: &Value, actual: &Value) {
    let (e, a) = (keys(expected), keys(actual));
    let missing: Vec<_> = e
        .difference(&a)
        .filter(|k| !OPTIONAL.contains(&k.as_str()))
        .collect();
    assert!(missing.is_empty(), "{op}: missing {missing:?} in {actual}");
    let extra: Vec<_> = a
        .difference(&e)
        .filter(|k| !OPTIONAL.contains(&k.as_str()))
        .collect();
    assert!(extra.is_empty(), "{op}: unexpected fields {extra:?}");
    for nested in ["attributes", "issuer"] {
        if expected.get(nested).is_some() {
            assert_same_shape(
                &format!("{op}.{nested}"),
                &expected[nested],
                &actual[nested],
            );
        }
    }
    if expected.get("policy").is_some() {
        let (ep, ap) = (keys(&expected["policy"]), keys(&actual["policy"]));
        assert!(ep.is_subset(&ap), "{op}.policy: {ep:?} vs {ap:?}");
    }
    if let (Some(ev), Some(av)) = (expected["value"].as_array(), actual["value"].as_array()) {
        if let Some(first) = ev.first() {
            assert!(!av.is_empty(), "{op}: the emulator listed nothing");
            assert_same_shape(&format!("{op}.value[0]"), first, &av[0]);
        }
    }
}

async fn call(h: &Harness, vault: &str, method: Method, path: &str, body: Option<Value>) -> Resp {
    h.call(method, &h.url(vault, path), body).await
}

async fn issue(h: &Harness, vault: &str, name: &str) {
    let policy = json!({"issuer": {"name": "Self"}, "x509_props": {"subject": "CN=example"}});
    let r = call(
        h,
        vault,
        Method::POST,
        &format!("/certificates/{name}/create"),
        Some(json!({"policy": policy})),
    )
    .await;
    assert_eq!(r.status, 202, "{}", r.text);
    let op = call(
        h,
        vault,
        Method::GET,
        &format!("/certificates/{name}/pending"),
        None,
    )
    .await;
    assert_eq!(op.body["status"], "completed", "{}", op.text);
}

#[tokio::test]
async fn every_certificates_example_has_the_emulator_shape() {
    let h = Harness::new().await;
    let slow = Harness::with(EmulatorOptions {
        certificate_latency: Duration::from_secs(600),
        ..EmulatorOptions::default()
    })
    .await;
    let examples = spec_examples("Certificates");
    assert!(examples.len() >= 27, "{} examples", examples.len());
    for (i, example) in examples.iter().enumerate() {
        let op = example.operation_id.as_str();
        let vault = format!("ex{i}");
        let v = vault.as_str();
        let name = "example";
        let body = |key: &str| example.parameters[key].clone();
        let issuer = json!({"provider": "Test", "credentials": {"account_id": "a", "pwd": "p"},
                            "org_details": {"admin_details": [{"first_name": "J", "last_name": "D", "email": "j@example.com", "phone": "1"}]}});
        let contacts = json!({"contacts": [{"email": "a@example.com", "name": "A", "phone": "1"}]});
        let response = match op {
            "CreateCertificate" => {
                call(
                    &slow,
                    v,
                    Method::POST,
                    &format!("/certificates/{name}/create"),
                    Some(body("parameters")),
                )
                .await
            }
            "GetCertificateOperation"
            | "UpdateCertificateOperation"
            | "DeleteCertificateOperation" => {
                let p = json!({"policy": {"issuer": {"name": "Self"}, "x509_props": {"subject": "CN=x"}}});
                call(
                    &slow,
                    v,
                    Method::POST,
                    &format!("/certificates/{name}/create"),
                    Some(p),
                )
                .await;
                let path = format!("/certificates/{name}/pending");
                match op {
                    "GetCertificateOperation" => call(&slow, v, Method::GET, &path, None).await,
                    "UpdateCertificateOperation" => {
                        call(
                            &slow,
                            v,
                            Method::PATCH,
                            &path,
                            Some(body("certificateOperation")),
                        )
                        .await
                    }
                    _ => call(&slow, v, Method::DELETE, &path, None).await,
                }
            }
            "MergeCertificate" => {
                // The example's x5c is cut for brevity: merging it must be refused as the
                // service would, not crash.
                let p = json!({"policy": {"issuer": {"name": "Unknown"}, "x509_props": {"subject": "CN=x"}}});
                call(
                    &h,
                    v,
                    Method::POST,
                    &format!("/certificates/{name}/create"),
                    Some(p),
                )
                .await;
                let r = call(
                    &h,
                    v,
                    Method::POST,
                    &format!("/certificates/{name}/pending/merge"),
                    Some(body("parameters")),
                )
                .await;
                assert_eq!(r.status, 400, "{op}: {}", r.text);
                continue;
            }
            "ImportCertificate" => {
                // The example's PFX is cut for brevity; a real one is imported in tests/certificates.rs.
                let r = call(
                    &h,
                    v,
                    Method::POST,
                    &format!("/certificates/{name}/import"),
                    Some(body("parameters")),
                )
                .await;
                assert_eq!(r.status, 400, "{op}: {}", r.text);
                assert_eq!(r.error_code(), "BadParameter");
                continue;
            }
            "SetCertificateContacts" => {
                call(
                    &h,
                    v,
                    Method::PUT,
                    "/certificates/contacts",
                    Some(body("contacts")),
                )
                .await
            }
            "GetCertificateContacts" | "DeleteCertificateContacts" => {
                call(&h, v, Method::PUT, "/certificates/contacts", Some(contacts)).await;
                let m = if op.starts_with("Get") {
                    Method::GET
                } else {
                    Method::DELETE
                };
                call(&h, v, m, "/certificates/contacts", None).await
            }
            "SetCertificateIssuer" => {
                call(
                    &h,
                    v,
                    Method::PUT,
                    "/certificates/issuers/issuer01",
                    Some(body("parameter")),
                )
                .await
            }
            "GetCertificateIssuer"
            | "UpdateCertificateIssuer"
            | "DeleteCertificateIssuer"
            | "GetCertificateIssuers" => {
                call(
                    &h,
                    v,
                    Method::PUT,
                    "/certificates/issuers/issuer01",
                    Some(issuer),
                )
                .await;
                match op {
                    "GetCertificateIssuer" => {
                        call(&h, v, Method::GET, "/certificates/issuers/issuer01", None).await
                    }
                    "UpdateCertificateIssuer" => {
                        call(
                            &h,
                            v,
                            Method::PATCH,
                            "/certificates/issuers/issuer01",
                            Some(body("parameter")),
                        )
                        .await
                    }
                    "DeleteCertificateIssuer" => {
                        call(
                            &h,
                            v,
                            Method::DELETE,
                            "/certificates/issuers/issuer01",
                            None,
                        )
                        .await
                    }
                    _ => {
                        call(
                            &h,
                            v,
                            Method::GET,
                            "/certificates/issuers?maxresults=1",
                            None,
                        )
                        .await
                    }
                }
            }
            _ => {
                issue(&h, v, name).await;
                issue(&h, v, "example-2").await;
                let version = call(&h, v, Method::GET, &format!("/certificates/{name}"), None)
                    .await
                    .body["id"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string();
                match op {
                    "GetCertificate" => {
                        call(
                            &h,
                            v,
                            Method::GET,
                            &format!("/certificates/{name}/{version}"),
                            None,
                        )
                        .await
                    }
                    "GetCertificates" => {
                        call(&h, v, Method::GET, "/certificates?maxresults=1", None).await
                    }
                    "GetCertificateVersions" => {
                        call(
                            &h,
                            v,
                            Method::GET,
                            &format!("/certificates/{name}/versions?maxresults=1"),
                            None,
                        )
                        .await
                    }
                    "UpdateCertificate" => {
                        call(
                            &h,
                            v,
                            Method::PATCH,
                            &format!("/certificates/{name}/{version}"),
                            Some(body("parameters")),
                        )
                        .await
                    }
                    "GetCertificatePolicy" => {
                        call(
                            &h,
                            v,
                            Method::GET,
                            &format!("/certificates/{name}/policy"),
                            None,
                        )
                        .await
                    }
                    "UpdateCertificatePolicy" => {
                        call(
                            &h,
                            v,
                            Method::PATCH,
                            &format!("/certificates/{name}/policy"),
                            Some(body("certificatePolicy")),
                        )
                        .await
                    }
                    "BackupCertificate" => {
                        call(
                            &h,
                            v,
                            Method::POST,
                            &format!("/certificates/{name}/backup"),
                            None,
                        )
                        .await
                    }
                    "RestoreCertificate" => {
                        let backup = call(
                            &h,
                            v,
                            Method::POST,
                            &format!("/certificates/{name}/backup"),
                            None,
                        )
                        .await;
                        call(
                            &h,
                            v,
                            Method::DELETE,
                            &format!("/certificates/{name}"),
                            None,
                        )
                        .await;
                        call(
                            &h,
                            v,
                            Method::DELETE,
                            &format!("/deletedcertificates/{name}"),
                            None,
                        )
                        .await;
                        call(
                            &h,
                            v,
                            Method::POST,
                            "/certificates/restore",
                            Some(json!({"value": backup.body["value"]})),
                        )
                        .await
                    }
                    "DeleteCertificate" => {
                        call(
                            &h,
                            v,
                            Method::DELETE,
                            &format!("/certificates/{name}"),
                            None,
                        )
                        .await
                    }
                    "GetDeletedCertificate"
                    | "GetDeletedCertificates"
                    | "PurgeDeletedCertificate"
                    | "RecoverDeletedCertificate" => {
                        call(
                            &h,
                            v,
                            Method::DELETE,
                            &format!("/certificates/{name}"),
                            None,
                        )
                        .await;
                        call(&h, v, Method::DELETE, "/certificates/example-2", None).await;
                        match op {
                            "GetDeletedCertificate" => {
                                call(
                                    &h,
                                    v,
                                    Method::GET,
                                    &format!("/deletedcertificates/{name}"),
                                    None,
                                )
                                .await
                            }
                            "GetDeletedCertificates" => {
                                call(
                                    &h,
                                    v,
                                    Method::GET,
                                    "/deletedcertificates?maxresults=1",
                                    None,
                                )
                                .await
                            }
                            "PurgeDeletedCertificate" => {
                                call(
                                    &h,
                                    v,
                                    Method::DELETE,
                                    &format!("/deletedcertificates/{name}"),
                                    None,
                                )
                                .await
                            }
                            _ => {
                                call(
                                    &h,
                                    v,
                                    Method::POST,
                                    &format!("/deletedcertificates/{name}/recover"),
                                    None,
                                )
                                .await
                            }
                        }
                    }
                    other => panic!("the emulator has no test for operation {other}"),
                }
            }
        };
        let (status, expected) = &example.responses[0];
        assert_eq!(response.status, *status, "{op}: {}", response.text);
        if expected.is_null() {
            assert!(response.text.is_empty(), "{op}: no body expected");
        } else {
            assert_same_shape(op, expected, &response.body);
        }
    }
}
