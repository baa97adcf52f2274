//! What the official JavaScript SDK (`@azure/keyvault-certificates`, eng/conformance/js) needs of
//! the certificates surface, each as the service answers it.

use crate::common::{Harness, Resp};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use rcgen::{
    BasicConstraints, CertificateParams, CertificateSigningRequestParams, DnType, IsCa, Issuer,
    KeyPair,
};
use reqwest::Method;
use serde_json::{json, Value};

async fn call(h: &Harness, method: Method, path: &str, body: Option<Value>) -> Resp {
    h.call(method, &h.url("kv", path), body).await
}

/// Starts an `Unknown`-issuer request for `name`; returns the pending operation's CSR (DER).
async fn pending(h: &Harness, name: &str) -> Vec<u8> {
    let policy = json!({"issuer": {"name": "Unknown"}, "key_props": {"kty": "EC", "crv": "P-256"},
                        "x509_props": {"subject": format!("CN={name}"), "validity_months": 12}});
    let r = call(
        h,
        Method::POST,
        &format!("/certificates/{name}/create"),
        Some(json!({ "policy": policy })),
    )
    .await;
    assert_eq!(r.status, 202, "{}", r.text);
    STANDARD.decode(r.body["csr"].as_str().unwrap()).unwrap()
}

/// Signs a CSR with a fresh test CA; returns the certificate's DER and PEM.
fn sign(csr_der: Vec<u8>) -> (Vec<u8>, String) {
    let ca_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Test CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let issuer = Issuer::new(ca_params, ca_key);
    let csr = CertificateSigningRequestParams::from_der(&csr_der.into()).unwrap();
    let signed = csr.signed_by(&issuer).unwrap();
    (signed.der().to_vec(), signed.pem())
}

/// The URL of `path` in vault `kv` without its query: what ids look like.
fn id_url(h: &Harness, path: &str) -> String {
    let url = h.url("kv", path);
    url.split('?').next().unwrap().to_string()
}

fn last_segment(id: &Value) -> String {
    id.as_str().unwrap().rsplit('/').next().unwrap().to_string()
}

/// The service reads a certificate whose only version is pending as that version: 200 with the
/// version's id, `attributes.enabled: false`, the policy and `pending`, no `cer`, `x5t`, `kid` or
/// `sid` (azure-sdk-for-js, sdk/keyvault/keyvault-certificates/recordings/node/
/// certificates_client__create_read_update_and_delete/
/// recording_can_read_cancel_and_delete_a_certificates_operation.js: `GET /certificates/{name}/`
/// right after the create). The JavaScript SDK's `getCertificateOperation` reads it first.
#[tokio::test]
async fn a_certificate_whose_only_version_is_pending_reads_as_that_version() {
    let h = Harness::new().await;
    let csr = pending(&h, "waiting").await;
    let got = call(&h, Method::GET, "/certificates/waiting", None).await;
    assert_eq!(got.status, 200, "{}", got.text);
    let version = last_segment(&got.body["id"]);
    assert_eq!(
        got.body["id"],
        id_url(&h, &format!("/certificates/waiting/{version}"))
    );
    assert_eq!(version.len(), 32);
    assert_eq!(got.body["attributes"]["enabled"], false);
    let a = &got.body["attributes"];
    assert_eq!(
        a["created"].as_i64().unwrap() - a["nbf"].as_i64().unwrap(),
        600
    );
    assert!(a["exp"].as_i64().unwrap() - a["created"].as_i64().unwrap() >= 365 * 86_400);
    assert_eq!(
        got.body["pending"]["id"],
        id_url(&h, "/certificates/waiting/pending")
    );
    assert_eq!(got.body["policy"]["issuer"]["name"], "Unknown");
    for absent in ["cer", "x5t", "kid", "sid"] {
        assert!(got.body.get(absent).is_none(), "{absent}: {}", got.text);
    }
    // By its version too; another version is not found.
    let by_version = call(
        &h,
        Method::GET,
        &format!("/certificates/waiting/{version}"),
        None,
    )
    .await;
    assert_eq!(by_version.status, 200, "{}", by_version.text);
    let other = call(
        &h,
        Method::GET,
        "/certificates/waiting/0123456789abcdef0123456789abcdef",
        None,
    )
    .await;
    assert_eq!(other.error_code(), "CertificateNotFound");

    // The merged certificate is a version of its own, enabled (as in the recording "can merge a
    // self-signed certificate").
    let (der, _) = sign(csr);
    let merged = call(
        &h,
        Method::POST,
        "/certificates/waiting/pending/merge",
        Some(json!({"x5c": [STANDARD.encode(&der)]})),
    )
    .await;
    assert_eq!(merged.status, 201, "{}", merged.text);
    assert_ne!(last_segment(&merged.body["id"]), version);
    assert_eq!(merged.body["attributes"]["enabled"], true);
    assert!(merged.body.get("cer").is_some());

    // A cancelled request still reads; once its operation is deleted the certificate reads as
    // its pending version without `pending`, and is deleted, read as deleted and purged.
    pending(&h, "cancelled").await;
    let cancel = call(
        &h,
        Method::PATCH,
        "/certificates/cancelled/pending",
        Some(json!({"cancellation_requested": true})),
    )
    .await;
    assert_eq!(cancel.status, 200, "{}", cancel.text);
    let got = call(&h, Method::GET, "/certificates/cancelled", None).await;
    assert_eq!(got.status, 200, "{}", got.text);
    assert!(got.body.get("pending").is_some());
    let deleted = call(&h, Method::DELETE, "/certificates/cancelled/pending", None).await;
    assert_eq!(deleted.status, 200, "{}", deleted.text);
    let kept = call(&h, Method::GET, "/certificates/cancelled", None).await;
    assert_eq!(kept.status, 200, "{}", kept.text);
    assert_eq!(kept.body["attributes"]["enabled"], false);
    assert!(kept.body.get("pending").is_none(), "{}", kept.text);
    assert!(kept.body.get("cer").is_none(), "{}", kept.text);
    assert_eq!(kept.body["policy"]["issuer"]["name"], "Unknown");
    let version = last_segment(&kept.body["id"]);
    let deleted = call(&h, Method::DELETE, "/certificates/cancelled", None).await;
    assert_eq!(deleted.status, 200, "{}", deleted.text);
    assert_eq!(last_segment(&deleted.body["id"]), version);
    assert_eq!(
        deleted.body["recoveryId"],
        id_url(&h, "/deletedcertificates/cancelled")
    );
    let gone = call(&h, Method::GET, "/certificates/cancelled", None).await;
    assert_eq!(gone.error_code(), "CertificateNotFound");
    let got = call(&h, Method::GET, "/deletedcertificates/cancelled", None).await;
    assert_eq!(got.status, 200, "{}", got.text);
    let purged = call(&h, Method::DELETE, "/deletedcertificates/cancelled", None).await;
    assert_eq!(purged.status, 204, "{}", purged.text);
}

/// A certificate whose only version is pending is deleted as that version (200, its id and
/// `recoveryId`), ending its operation, and recovered as it.
#[tokio::test]
async fn a_certificate_whose_only_version_is_pending_is_deleted_and_recovered() {
    let h = Harness::new().await;
    pending(&h, "todelete").await;
    let version = last_segment(
        &call(&h, Method::GET, "/certificates/todelete", None)
            .await
            .body["id"],
    );
    let deleted = call(&h, Method::DELETE, "/certificates/todelete", None).await;
    assert_eq!(deleted.status, 200, "{}", deleted.text);
    assert_eq!(last_segment(&deleted.body["id"]), version);
    assert_eq!(deleted.body["attributes"]["enabled"], false);
    let op = call(&h, Method::GET, "/certificates/todelete/pending", None).await;
    assert_eq!(op.error_code(), "PendingCertificateNotFound");
    let listed = call(&h, Method::GET, "/deletedcertificates", None).await;
    assert!(
        listed.text.contains("/deletedcertificates/todelete"),
        "{}",
        listed.text
    );
    let recovered = call(
        &h,
        Method::POST,
        "/deletedcertificates/todelete/recover",
        None,
    )
    .await;
    assert_eq!(recovered.status, 200, "{}", recovered.text);
    let got = call(&h, Method::GET, "/certificates/todelete", None).await;
    assert_eq!(got.status, 200, "{}", got.text);
    assert_eq!(last_segment(&got.body["id"]), version);
}

/// The JavaScript SDK base64-encodes the bytes it is given for `x5c`. Its merge sample
/// (sdk/keyvault/keyvault-certificates/samples-dev/mergeCertificate.ts) gives it the PEM file's
/// lines after the first, joined (`readFileSync("test.crt").toString().split("\n").slice(1,
/// -1).join("")`): the base64 DER then `-----END CERTIFICATE-----`, which the service merges with
/// 201 (recording "can merge a self-signed certificate", whose `x5c` decodes to
/// `MIIC3TCC...l/U=-----END CERTIFICATE-----`). `Buffer.from(pemString)`, the whole PEM text, is
/// taken too.
#[tokio::test]
async fn merge_takes_base64_of_pem_text() {
    let h = Harness::new().await;
    let csr = pending(&h, "pemmerge").await;
    let (der, pem) = sign(csr);
    let merged = call(
        &h,
        Method::POST,
        "/certificates/pemmerge/pending/merge",
        Some(json!({"x5c": [STANDARD.encode(pem.as_bytes())]})),
    )
    .await;
    assert_eq!(merged.status, 201, "{}", merged.text);
    assert_eq!(merged.body["cer"], STANDARD.encode(&der));

    let csr = pending(&h, "samplemerge").await;
    let (der, pem) = sign(csr);
    let lines: Vec<&str> = pem.split('\n').collect();
    let sample_text = lines[1..lines.len() - 1].join("");
    assert!(sample_text.ends_with("-----END CERTIFICATE-----"));
    let merged = call(
        &h,
        Method::POST,
        "/certificates/samplemerge/pending/merge",
        Some(json!({"x5c": [STANDARD.encode(sample_text.as_bytes())]})),
    )
    .await;
    assert_eq!(merged.status, 201, "{}", merged.text);
    assert_eq!(merged.body["cer"], STANDARD.encode(&der));

    // Text that is neither DER nor PEM is still refused.
    pending(&h, "garbage").await;
    let bad = call(
        &h,
        Method::POST,
        "/certificates/garbage/pending/merge",
        Some(json!({"x5c": [STANDARD.encode("-----BEGIN CERTIFICATE-----\nnot base64\n")]})),
    )
    .await;
    assert_eq!(bad.status, 400, "{}", bad.text);
    assert_eq!(bad.error_code(), "BadParameter");
}

/// A PKCS#12 file whose key bag is PBES2 with PBKDF2-HMAC-SHA1 (the PRF the ASN.1 leaves out, so
/// the default) and AES-256-CBC, MAC SHA-1: what node-forge writes (`forge.pkcs12.toPkcs12Asn1(key,
/// [cert], password, {algorithm: "aes256"})`). The service imports it.
///
/// The fixture was made that way with node-forge 1.x: a self-signed RSA 2048 certificate,
/// `CN=pbes2-sha1`, SAN `pbes2-sha1.example`, valid 2026-01-01 to 2036-01-01. Its password,
/// `test-password`, is a test value.
#[tokio::test]
async fn import_pfx_with_pbes2_pbkdf2_hmac_sha1_aes256() {
    let h = Harness::new().await;
    let pfx = include_bytes!("fixtures/pbes2-sha1-aes256.p12");
    let imported = call(
        &h,
        Method::POST,
        "/certificates/forge/import",
        Some(json!({"value": STANDARD.encode(pfx), "pwd": "test-password"})),
    )
    .await;
    assert_eq!(imported.status, 200, "{}", imported.text);
    assert_eq!(
        imported.body["policy"]["x509_props"]["subject"],
        "CN=pbes2-sha1"
    );
    assert_eq!(imported.body["policy"]["key_props"]["kty"], "RSA");
    let key = h.get("kv", "/keys/forge").await;
    assert_eq!(key.status, 200, "{}", key.text);
    assert_eq!(key.body["key"]["kty"], "RSA");

    let wrong = call(
        &h,
        Method::POST,
        "/certificates/forge2/import",
        Some(json!({"value": STANDARD.encode(pfx), "pwd": "not-the-password"})),
    )
    .await;
    assert_eq!(wrong.status, 400, "{}", wrong.text);
    assert!(wrong.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Invalid password"));
}
