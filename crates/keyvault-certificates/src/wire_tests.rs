//! Wire fidelity: every Certificates example of the REST spec and every recorded certificates
//! exchange with the real service parses into our models, and our request bodies are the
//! examples'.

use crate::{
    client::issuer_body,
    create::CreateCertificate,
    models::{
        AdministratorContact, CertificateCreateParameters, CertificateImportParameters,
        CertificateIssuer, CertificateMergeParameters, CertificateOperation,
        CertificateOperationStatus, CertificateOperationUpdateParameter, CertificateProperties,
        CertificateUpdateParameters, ContactsWire, DeletedCertificate, IssuerProperties,
        KeyVaultCertificate,
    },
    policy::CertificatePolicy,
};
use keyvault_core::lifecycle::BackupBlob;
use keyvault_core::{pipeline::to_json, serde::base64, Attributes, Error, Result, SecretString};
use keyvault_testkit::fixtures::{recorded_exchanges, spec_examples};
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

/// Fields of the spec's examples and the recordings that the models knowingly do not read.
const KNOWN: &[&str] = &[
    // The contacts collection's own URL (`https://{vault}/certificates/contacts`): Python's
    // `get_contacts` returns the contacts alone, and so does ours.
    "id",
];

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
        "CreateCertificate"
        | "GetCertificateOperation"
        | "UpdateCertificateOperation"
        | "DeleteCertificateOperation" => deserialize::<CertificateOperation>(body).map(drop),
        "GetCertificate"
        | "ImportCertificate"
        | "MergeCertificate"
        | "UpdateCertificate"
        | "RecoverDeletedCertificate"
        | "RestoreCertificate" => deserialize::<KeyVaultCertificate>(body).map(drop),
        "DeleteCertificate" | "GetDeletedCertificate" => {
            deserialize::<DeletedCertificate>(body).map(drop)
        }
        "GetDeletedCertificates" => deserialize::<PageOf<DeletedCertificate>>(body).map(drop),
        "GetCertificates" | "GetCertificateVersions" => {
            deserialize::<PageOf<CertificateProperties>>(body).map(drop)
        }
        "GetCertificatePolicy" | "UpdateCertificatePolicy" => {
            deserialize::<CertificatePolicy>(body).map(drop)
        }
        "GetCertificateContacts" | "SetCertificateContacts" | "DeleteCertificateContacts" => {
            deserialize::<ContactsWire>(body).map(drop)
        }
        "GetCertificateIssuer"
        | "SetCertificateIssuer"
        | "UpdateCertificateIssuer"
        | "DeleteCertificateIssuer" => deserialize::<CertificateIssuer>(body).map(drop),
        "GetCertificateIssuers" => deserialize::<PageOf<IssuerProperties>>(body).map(drop),
        "BackupCertificate" => deserialize::<BackupBlob>(body).map(drop),
        "PurgeDeletedCertificate" => Ok(()),
        other => panic!("no model for operation {other}"),
    }
}

fn json(bytes: Result<Vec<u8>>) -> Value {
    serde_json::from_slice(&bytes.unwrap()).unwrap()
}

/// Our serialization of the example's request body, and the parameter it is under.
fn body_of(operation: &str, params: &Value) -> Option<(&'static str, Value)> {
    let p = &params["parameters"];
    let tags: Option<HashMap<String, String>> = serde_json::from_value(p["tags"].clone()).ok();
    let attributes: Attributes =
        serde_json::from_value(p["attributes"].clone()).unwrap_or_default();
    let policy: Option<CertificatePolicy> = serde_json::from_value(p["policy"].clone()).ok();
    let preserve = p["preserveCertOrder"].as_bool();
    Some(match operation {
        "CreateCertificate" => (
            "parameters",
            json(to_json(&CertificateCreateParameters {
                policy: policy.as_ref(),
                attributes,
                tags: tags.as_ref(),
                preserve_cert_order: preserve,
            })),
        ),
        "ImportCertificate" => {
            let pwd = p["pwd"].as_str().map(SecretString::new);
            (
                "parameters",
                json(to_json(&CertificateImportParameters {
                    value: p["value"].as_str().unwrap(),
                    pwd: pwd.as_ref(),
                    policy: policy.as_ref(),
                    attributes,
                    tags: tags.as_ref(),
                    preserve_cert_order: preserve,
                })),
            )
        }
        "UpdateCertificate" => (
            "parameters",
            json(to_json(&CertificateUpdateParameters {
                policy: policy.as_ref(),
                attributes,
                tags: tags.as_ref(),
            })),
        ),
        "MergeCertificate" => {
            // Decode and re-encode, as merge_certificate encodes the DER it is given.
            let x5c = p["x5c"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| base64::encode(&base64::decode(c.as_str().unwrap()).unwrap()))
                .collect();
            (
                "parameters",
                json(to_json(&CertificateMergeParameters {
                    x5c,
                    attributes,
                    tags: tags.as_ref(),
                })),
            )
        }
        "RestoreCertificate" => {
            let blob: BackupBlob = serde_json::from_value(p.clone()).unwrap();
            ("parameters", json(to_json(&blob)))
        }
        "UpdateCertificatePolicy" => {
            let policy: CertificatePolicy =
                serde_json::from_value(params["certificatePolicy"].clone()).unwrap();
            ("certificatePolicy", json(to_json(&policy)))
        }
        "UpdateCertificateOperation" => (
            "certificateOperation",
            json(to_json(&CertificateOperationUpdateParameter {
                cancellation_requested: params["certificateOperation"]["cancellation_requested"]
                    .as_bool()
                    .unwrap(),
            })),
        ),
        "SetCertificateContacts" => {
            let contacts: ContactsWire =
                serde_json::from_value(params["contacts"].clone()).unwrap();
            ("contacts", json(to_json(&contacts)))
        }
        "SetCertificateIssuer" | "UpdateCertificateIssuer" => {
            let q = &params["parameter"];
            let admins: Option<Vec<AdministratorContact>> =
                serde_json::from_value(q["org_details"]["admin_details"].clone()).ok();
            (
                "parameter",
                json(to_json(&issuer_body(
                    q["provider"].as_str().map(str::to_string),
                    q["attributes"]["enabled"].as_bool(),
                    q["credentials"]["account_id"].as_str().map(str::to_string),
                    q["credentials"]["pwd"].as_str().map(SecretString::new),
                    q["org_details"]["id"].as_str().map(str::to_string),
                    admins,
                ))),
            )
        }
        _ => return None,
    })
}

#[test]
fn every_spec_example_parses_and_our_requests_match() {
    let examples = spec_examples("Certificates");
    assert!(examples.len() >= 27, "{} examples", examples.len());
    let mut operations = BTreeSet::new();
    let mut bodies = 0;
    for example in &examples {
        operations.insert(example.operation_id.clone());
        for (status, body) in &example.responses {
            if *status < 300 && !body.is_null() {
                let bytes = serde_json::to_vec(body).unwrap();
                parse_response(&example.operation_id, &bytes)
                    .unwrap_or_else(|e| panic!("{}: {e}", example.file.display()));
            }
        }
        if let Some((parameter, ours)) = body_of(&example.operation_id, &example.parameters) {
            assert_eq!(
                ours,
                example.parameters[parameter],
                "{}",
                example.file.display()
            );
            bodies += 1;
        }
    }
    assert_eq!(operations.len(), 27, "every operation has an example");
    assert_eq!(bodies, 10, "every request body was compared");
}

/// The operation a recorded certificates request was.
fn operation_of(method: &str, segments: &[String]) -> &'static str {
    let s: Vec<String> = segments.iter().map(|s| s.to_ascii_lowercase()).collect();
    let s: Vec<&str> = s.iter().map(String::as_str).collect();
    match (method, s.as_slice()) {
        ("GET", ["certificates"]) => "GetCertificates",
        ("PUT", ["certificates", "contacts"]) => "SetCertificateContacts",
        ("GET", ["certificates", "contacts"]) => "GetCertificateContacts",
        ("DELETE", ["certificates", "contacts"]) => "DeleteCertificateContacts",
        ("GET", ["certificates", "issuers"]) => "GetCertificateIssuers",
        ("PUT", ["certificates", "issuers", _]) => "SetCertificateIssuer",
        ("PATCH", ["certificates", "issuers", _]) => "UpdateCertificateIssuer",
        ("GET", ["certificates", "issuers", _]) => "GetCertificateIssuer",
        ("DELETE", ["certificates", "issuers", _]) => "DeleteCertificateIssuer",
        ("POST", ["certificates", "restore"]) => "RestoreCertificate",
        ("POST", ["certificates", _, "create"]) => "CreateCertificate",
        ("POST", ["certificates", _, "import"]) => "ImportCertificate",
        ("POST", ["certificates", _, "backup"]) => "BackupCertificate",
        ("POST", ["certificates", _, "pending", "merge"]) => "MergeCertificate",
        ("GET", ["certificates", _, "pending"]) => "GetCertificateOperation",
        ("PATCH", ["certificates", _, "pending"]) => "UpdateCertificateOperation",
        ("DELETE", ["certificates", _, "pending"]) => "DeleteCertificateOperation",
        ("GET", ["certificates", _, "policy"]) => "GetCertificatePolicy",
        ("PATCH", ["certificates", _, "policy"]) => "UpdateCertificatePolicy",
        ("GET", ["certificates", _, "versions"]) => "GetCertificateVersions",
        ("GET", ["certificates", _] | ["certificates", _, _]) => "GetCertificate",
        ("PATCH", ["certificates", _, _]) => "UpdateCertificate",
        ("DELETE", ["certificates", _]) => "DeleteCertificate",
        ("GET", ["deletedcertificates"]) => "GetDeletedCertificates",
        ("GET", ["deletedcertificates", _]) => "GetDeletedCertificate",
        ("DELETE", ["deletedcertificates", _]) => "PurgeDeletedCertificate",
        ("POST", ["deletedcertificates", _, "recover"]) => "RecoverDeletedCertificate",
        _ => panic!("unclassified certificates request {method} {segments:?}"),
    }
}

#[test]
fn every_recorded_certificates_exchange_parses() {
    let exchanges: Vec<_> = recorded_exchanges()
        .into_iter()
        .filter(|e| {
            matches!(
                e.collection().as_str(),
                "certificates" | "deletedcertificates"
            )
        })
        .collect();
    assert!(exchanges.len() >= 60, "{} exchanges", exchanges.len());
    let mut errors = 0;
    let mut completed = 0;
    for exchange in &exchanges {
        let where_ = format!(
            "{} {} {}",
            exchange.file.display(),
            exchange.method,
            exchange.url
        );
        if exchange.status < 300 {
            if exchange.body.is_empty() {
                continue;
            }
            let operation = operation_of(&exchange.method, &exchange.segments());
            parse_response(operation, exchange.body.as_bytes())
                .unwrap_or_else(|e| panic!("{where_}: {e}"));
            if operation == "GetCertificateOperation" {
                // The poller's reading of every recorded state: in progress or completed.
                let op: CertificateOperation = deserialize(exchange.body.as_bytes()).unwrap();
                if let Err(e) = CreateCertificate::judge(op.clone()) {
                    panic!("{where_}: {e}");
                }
                if op.status == Some(CertificateOperationStatus::Completed) {
                    assert!(op.target.is_some(), "{where_}");
                    completed += 1;
                }
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
    assert!(completed > 0, "the recordings include completed operations");
}

#[test]
fn recorded_certificates_are_real_der() {
    let (mut checked, mut with_policy) = (0, 0);
    for exchange in recorded_exchanges() {
        if exchange.collection() != "certificates"
            || exchange.method != "GET"
            || exchange.status != 200
        {
            continue;
        }
        if operation_of(&exchange.method, &exchange.segments()) != "GetCertificate" {
            continue;
        }
        let certificate: KeyVaultCertificate = deserialize(exchange.body.as_bytes()).unwrap();
        crate::formats::chain_part("cer", &certificate.cer).unwrap();
        assert!(certificate.properties.x509_thumbprint.is_some());
        if exchange.segments().len() == 2 {
            // The latest version comes with its policy.
            let policy = certificate.policy.expect("the bundle carries its policy");
            assert_eq!(policy.issuer_name.as_deref(), Some("Self"));
            assert_eq!(policy.subject.as_deref(), Some("CN=xyz"));
            with_policy += 1;
        }
        checked += 1;
    }
    assert!(checked >= 8, "{checked} certificates");
    assert!(with_policy >= 8, "{with_policy} policies");
}

/// The fields older API versions add (7.3 to 7.5, in the recordings) reach the models with
/// their values: a pending version's operation id, the subject, issuer and serial number, the
/// policy's basic constraints and the issuer's `org_details.zip`.
#[test]
fn recorded_fields_of_older_api_versions_reach_the_models() {
    let (mut pending, mut named, mut constraints, mut zips) = (0, 0, 0, 0);
    for exchange in recorded_exchanges() {
        if exchange.collection() != "certificates" || exchange.status >= 300 {
            continue;
        }
        let Ok(v) = serde_json::from_str::<Value>(&exchange.body) else {
            continue;
        };
        let segments = exchange.segments();
        if segments.get(1).map(String::as_str) == Some("issuers") {
            if let Some(zip) = v["org_details"]["zip"].as_i64() {
                let issuer: CertificateIssuer = deserialize(exchange.body.as_bytes()).unwrap();
                assert_eq!(issuer.organization_zip, Some(zip));
                zips += 1;
            }
            continue;
        }
        if v.get("cer").is_none() && v.get("pending").is_none() {
            continue;
        }
        let certificate: KeyVaultCertificate = deserialize(exchange.body.as_bytes()).unwrap();
        if let Some(id) = v["pending"]["id"].as_str() {
            assert_eq!(certificate.pending_operation_id.as_deref(), Some(id));
            pending += 1;
        }
        if let Some(serial) = v["serialnumber"].as_str() {
            assert_eq!(certificate.serial_number.as_deref(), Some(serial));
            assert_eq!(certificate.subject.as_deref(), v["subject"].as_str());
            assert_eq!(certificate.issuer.as_deref(), v["issuer"].as_str());
            named += 1;
        }
        if let Some(ca) = v["policy"]["x509_props"]["basic_constraints"]["ca"].as_bool() {
            let policy = certificate.policy.expect("the bundle carries its policy");
            assert_eq!(policy.certificate_authority, Some(ca));
            // Read-only: an update sends the policy back without it.
            let sent = serde_json::to_value(&policy).unwrap();
            assert!(sent["x509_props"].get("basic_constraints").is_none());
            constraints += 1;
        }
    }
    assert!(
        pending > 0 && named > 0 && constraints > 0 && zips > 0,
        "pending {pending}, named {named}, constraints {constraints}, zips {zips}"
    );
}
