//! The certificates REST surface against the emulator over HTTPS, with real X.509.

use std::time::Duration;

use crate::common::{Harness, Resp};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use keyvault_emulator::EmulatorOptions;
use rcgen::{
    BasicConstraints, CertificateParams, CertificateSigningRequestParams, DnType, IsCa, Issuer,
    KeyPair,
};
use reqwest::Method;
use serde_json::{json, Value};
use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};

fn version_of(id: &Value) -> String {
    id.as_str().unwrap().rsplit('/').next().unwrap().to_string()
}

impl Harness {
    async fn cert(&self, vault: &str, method: Method, path: &str, body: Option<Value>) -> Resp {
        self.call(method, &self.url(vault, path), body).await
    }

    async fn create_cert(&self, vault: &str, name: &str, policy: Value) -> Resp {
        self.cert(
            vault,
            Method::POST,
            &format!("/certificates/{name}/create"),
            Some(json!({ "policy": policy })),
        )
        .await
    }

    /// Creates a self-signed certificate and polls until it is completed; returns the bundle.
    async fn issue(&self, vault: &str, name: &str, policy: Value) -> Value {
        let r = self.create_cert(vault, name, policy).await;
        assert_eq!(r.status, 202, "{}", r.text);
        self.wait(vault, name).await
    }

    /// Polls the pending operation until it is completed; returns the certificate.
    async fn wait(&self, vault: &str, name: &str) -> Value {
        for _ in 0..100 {
            let op = self
                .cert(
                    vault,
                    Method::GET,
                    &format!("/certificates/{name}/pending"),
                    None,
                )
                .await;
            assert_eq!(op.status, 200, "{}", op.text);
            if op.body["status"] == "completed" {
                let got = self
                    .cert(vault, Method::GET, &format!("/certificates/{name}"), None)
                    .await;
                assert_eq!(got.status, 200, "{}", got.text);
                return got.body;
            }
            assert_eq!(op.body["status"], "inProgress", "{}", op.text);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("certificate {name} never completed");
    }
}

fn der_of(bundle: &Value) -> Vec<u8> {
    STANDARD.decode(bundle["cer"].as_str().unwrap()).unwrap()
}

fn self_policy(subject: &str) -> Value {
    json!({"issuer": {"name": "Self"}, "x509_props": {"subject": subject}})
}

#[tokio::test]
async fn create_self_signed_is_real_x509_with_the_policy() {
    let h = Harness::new().await;
    let policy = json!({
        "issuer": {"name": "Self"},
        "key_props": {"kty": "RSA", "key_size": 3072, "exportable": true, "reuse_key": false},
        "secret_props": {"contentType": "application/x-pkcs12"},
        "x509_props": {
            "subject": "CN=example.com, O=Contoso",
            "sans": {"dns_names": ["www.example.com"], "emails": ["a@example.com"],
                     "upns": ["user@example.com"], "uris": ["https://example.com/x"],
                     "ipAddresses": ["192.0.2.7"]},
            "key_usage": ["digitalSignature", "keyEncipherment"],
            "ekus": ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"],
            "validity_months": 24
        }
    });
    let r = h.create_cert("kv", "web", policy).await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(r.body["status"], "inProgress");
    assert_eq!(r.body["issuer"]["name"], "Self");
    assert_eq!(r.body["cancellation_requested"], false);
    assert!(r.body["status_details"]
        .as_str()
        .unwrap()
        .starts_with("Pending certificate created"));
    assert_eq!(r.body["request_id"].as_str().unwrap().len(), 32);
    assert!(r
        .header("location")
        .unwrap()
        .contains("/certificates/web/pending?api-version="));
    assert!(r.header("retry-after").is_some());
    let csr = STANDARD.decode(r.body["csr"].as_str().unwrap()).unwrap();
    assert!(CertificateSigningRequestParams::from_der(&csr.into()).is_ok());

    let b = h.wait("kv", "web").await;
    let version = version_of(&b["id"]);
    let base = h.emu.vault_url("kv");
    assert_eq!(b["kid"], format!("{base}/keys/web/{version}"));
    assert_eq!(b["sid"], format!("{base}/secrets/web/{version}"));
    assert_eq!(
        b["pending"]["id"],
        format!("{base}/certificates/web/pending")
    );
    assert_eq!(b["policy"]["id"], format!("{base}/certificates/web/policy"));
    assert_eq!(b["policy"]["key_props"]["key_size"], 3072);
    assert_eq!(b["policy"]["x509_props"]["validity_months"], 24);
    assert_eq!(b["attributes"]["recoveryLevel"], "Recoverable+Purgeable");
    assert_eq!(b["tags"], json!({}));

    let der = der_of(&b);
    let (_, cert) = X509Certificate::from_der(&der).unwrap();
    assert_eq!(cert.subject().to_string(), "CN=example.com, O=Contoso");
    assert_eq!(cert.issuer(), cert.subject(), "self-signed");
    let x5t = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(
        aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, &der).as_ref(),
    );
    assert_eq!(b["x5t"], x5t);
    let sans = cert.subject_alternative_name().unwrap().unwrap();
    let names: Vec<String> = sans
        .value
        .general_names
        .iter()
        .map(|n| match n {
            GeneralName::DNSName(v) => format!("dns:{v}"),
            GeneralName::RFC822Name(v) => format!("email:{v}"),
            GeneralName::URI(v) => format!("uri:{v}"),
            GeneralName::IPAddress(v) => format!("ip:{v:?}"),
            GeneralName::OtherName(oid, _) => format!("other:{oid}"),
            other => format!("{other:?}"),
        })
        .collect();
    for expected in [
        "dns:www.example.com",
        "email:a@example.com",
        "uri:https://example.com/x",
        "ip:[192, 0, 2, 7]",
        "other:1.3.6.1.4.1.311.20.2.3",
    ] {
        assert!(names.contains(&expected.to_string()), "{names:?}");
    }
    let ku = cert.key_usage().unwrap().unwrap().value;
    assert!(ku.digital_signature() && ku.key_encipherment() && !ku.key_cert_sign());
    let eku = cert.extended_key_usage().unwrap().unwrap().value;
    assert!(eku.server_auth && eku.client_auth);
    match cert.public_key().parsed().unwrap() {
        x509_parser::public_key::PublicKey::RSA(rsa) => assert_eq!(rsa.key_size(), 3072),
        other => panic!("{other:?}"),
    }
    let nbf = cert.validity().not_before.timestamp();
    let exp = cert.validity().not_after.timestamp();
    assert_eq!(b["attributes"]["nbf"], nbf);
    assert_eq!(b["attributes"]["exp"], exp);
    let days = (exp - nbf) / 86_400;
    assert!((729..=732).contains(&days), "{days} days");

    // The managed secret: a PFX without password whose key matches the certificate.
    let s = h.get("kv", &format!("/secrets/web/{version}")).await;
    assert_eq!(s.status, 200, "{}", s.text);
    assert_eq!(s.body["managed"], true);
    assert_eq!(s.body["contentType"], "application/x-pkcs12");
    assert_eq!(s.body["kid"], b["kid"]);
    let pfx = STANDARD.decode(s.body["value"].as_str().unwrap()).unwrap();
    let store =
        p12_keystore::KeyStore::from_pkcs12(&pfx, "", p12_keystore::Pkcs12ImportPolicy::Relaxed)
            .unwrap();
    let (_, chain) = store.private_key_chain().expect("a key and its chain");
    assert_eq!(chain.certs()[0].as_der(), der.as_slice());
    let pair = KeyPair::from_pkcs8_der_and_sign_algo(
        &rustls::pki_types::PrivatePkcs8KeyDer::from(chain.key().as_der()),
        &rcgen::PKCS_RSA_SHA256,
    )
    .unwrap();
    use rcgen::PublicKeyData as _;
    assert_eq!(pair.subject_public_key_info(), cert.public_key().raw);

    // The managed key answers under /keys with the certificate's public key.
    let k = h.get("kv", &format!("/keys/web/{version}")).await;
    assert_eq!(k.status, 200, "{}", k.text);
    assert_eq!(k.body["managed"], true);
    assert_eq!(k.body["key"]["kty"], "RSA");
}

#[tokio::test]
async fn ec_and_pem_secrets() {
    let h = Harness::new().await;
    for (crv, bits, alg) in [
        ("P-256", 256, &rcgen::PKCS_ECDSA_P256_SHA256),
        ("P-384", 384, &rcgen::PKCS_ECDSA_P384_SHA384),
        ("P-521", 521, &rcgen::PKCS_ECDSA_P521_SHA512),
    ] {
        let name = format!("ec{bits}");
        let b = h
            .issue(
                "kv",
                &name,
                json!({"issuer": {"name": "Self"}, "key_props": {"kty": "EC", "crv": crv},
                       "secret_props": {"contentType": "application/x-pem-file"},
                       "x509_props": {"subject": format!("CN={name}"), "validity_months": 1}}),
            )
            .await;
        assert_eq!(b["policy"]["key_props"]["crv"], crv);
        assert_eq!(b["policy"]["key_props"]["kty"], "EC");
        let der = der_of(&b);
        let (_, cert) = X509Certificate::from_der(&der).unwrap();
        let s = h
            .get("kv", &format!("/secrets/{name}/{}", version_of(&b["id"])))
            .await;
        assert_eq!(s.body["contentType"], "application/x-pem-file");
        let blocks = pem::parse_many(s.body["value"].as_str().unwrap()).unwrap();
        assert_eq!(blocks[0].tag(), "PRIVATE KEY");
        assert_eq!(blocks[1].tag(), "CERTIFICATE");
        assert_eq!(blocks[1].contents(), der.as_slice());
        let pair = KeyPair::from_pkcs8_der_and_sign_algo(
            &rustls::pki_types::PrivatePkcs8KeyDer::from(blocks[0].contents()),
            alg,
        )
        .unwrap();
        use rcgen::PublicKeyData as _;
        assert_eq!(pair.subject_public_key_info(), cert.public_key().raw);
    }
    // A non-exportable key stays out of the secret.
    let b = h
        .issue(
            "kv",
            "noexport",
            json!({"issuer": {"name": "Self"}, "key_props": {"exportable": false},
                   "secret_props": {"contentType": "application/x-pem-file"},
                   "x509_props": {"subject": "CN=n"}}),
        )
        .await;
    let s = h
        .get("kv", &format!("/secrets/noexport/{}", version_of(&b["id"])))
        .await;
    let blocks = pem::parse_many(s.body["value"].as_str().unwrap()).unwrap();
    assert!(blocks.iter().all(|b| b.tag() == "CERTIFICATE"));
}

#[tokio::test]
async fn latency_keeps_the_operation_in_progress() {
    let h = Harness::with(EmulatorOptions {
        certificate_latency: Duration::from_millis(1500),
        ..EmulatorOptions::default()
    })
    .await;
    let r = h.create_cert("kv", "slow", self_policy("CN=slow")).await;
    assert_eq!(r.header("retry-after"), Some("2"));
    let op = h
        .cert("kv", Method::GET, "/certificates/slow/pending", None)
        .await;
    assert_eq!(op.body["status"], "inProgress");
    assert!(op.body.get("target").is_none());
    let again = h.create_cert("kv", "slow", self_policy("CN=slow")).await;
    assert_eq!(again.status, 409, "{}", again.text);
    assert_eq!(again.body["error"]["code"], "Conflict");
    assert_eq!(
        again.body["error"]["innererror"]["code"],
        "PendingCertificateOperation"
    );
    // A certificate whose only version is pending reads as that version (see certificates_js_sdk).
    let got = h.cert("kv", Method::GET, "/certificates/slow", None).await;
    assert_eq!(got.status, 200, "{}", got.text);
    assert_eq!(got.body["attributes"]["enabled"], false);
    assert!(got.body.get("pending").is_some());
    let listed = h.get("kv", "/certificates?includePending=true").await;
    assert_eq!(listed.body["value"].as_array().unwrap().len(), 1);
    let listed = h.get("kv", "/certificates").await;
    assert!(listed.body["value"].as_array().unwrap().is_empty());
    tokio::time::sleep(Duration::from_millis(1600)).await;
    let op = h
        .cert("kv", Method::GET, "/certificates/slow/pending", None)
        .await;
    assert_eq!(op.body["status"], "completed");
    assert_eq!(
        op.body["target"],
        format!("{}/certificates/slow", h.emu.vault_url("kv"))
    );

    // The control plane changes the latency; cancelling an operation in progress cancels it.
    h.emu
        .control()
        .set_certificate_latency(Duration::from_secs(60));
    h.create_cert("kv", "cancel-me", self_policy("CN=c")).await;
    let c = h
        .cert(
            "kv",
            Method::PATCH,
            "/certificates/cancel-me/pending",
            Some(json!({"cancellation_requested": true})),
        )
        .await;
    assert_eq!(c.status, 200, "{}", c.text);
    assert_eq!(c.body["cancellation_requested"], true);
    let op = h
        .cert("kv", Method::GET, "/certificates/cancel-me/pending", None)
        .await;
    assert_eq!(op.body["status"], "cancelled");
    let d = h
        .cert(
            "kv",
            Method::DELETE,
            "/certificates/cancel-me/pending",
            None,
        )
        .await;
    assert_eq!(d.status, 200);
    let gone = h
        .cert("kv", Method::GET, "/certificates/cancel-me/pending", None)
        .await;
    assert_eq!(gone.status, 404);
    assert_eq!(gone.error_code(), "PendingCertificateNotFound");
}

#[tokio::test]
async fn unknown_issuer_merge_with_a_test_ca() {
    let h = Harness::new().await;
    let policy = json!({"issuer": {"name": "Unknown"}, "key_props": {"kty": "EC", "crv": "P-256"},
                        "x509_props": {"subject": "CN=merged", "sans": {"dns_names": ["m.example"]}}});
    let r = h.create_cert("kv", "merged", policy.clone()).await;
    assert_eq!(r.status, 202, "{}", r.text);
    // It waits for the merge, however long.
    let op = h
        .cert("kv", Method::GET, "/certificates/merged/pending", None)
        .await;
    assert_eq!(op.body["status"], "inProgress");
    assert_eq!(op.body["issuer"]["name"], "Unknown");
    let csr_der = STANDARD.decode(op.body["csr"].as_str().unwrap()).unwrap();

    let ca_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Test CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca_params.clone().self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let csr = CertificateSigningRequestParams::from_der(&csr_der.into()).unwrap();
    let signed = csr.signed_by(&issuer).unwrap();

    // A certificate for another key is refused.
    let stranger = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut sp = CertificateParams::new(vec!["x".to_string()]).unwrap();
    sp.distinguished_name.push(DnType::CommonName, "x");
    let wrong = sp.signed_by(&stranger, &issuer).unwrap();
    let bad = h
        .cert(
            "kv",
            Method::POST,
            "/certificates/merged/pending/merge",
            Some(json!({"x5c": [STANDARD.encode(wrong.der())]})),
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.text);
    assert_eq!(bad.error_code(), "BadParameter");
    assert!(bad.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("doesn't match"));

    let merged = h
        .cert(
            "kv",
            Method::POST,
            "/certificates/merged/pending/merge",
            Some(
                json!({"x5c": [STANDARD.encode(signed.der()), STANDARD.encode(ca_cert.der())],
                        "tags": {"merged": "yes"}}),
            ),
        )
        .await;
    assert_eq!(merged.status, 201, "{}", merged.text);
    assert_eq!(merged.body["tags"], json!({"merged": "yes"}));
    let der = der_of(&merged.body);
    assert_eq!(der, signed.der().to_vec());
    let (_, cert) = X509Certificate::from_der(&der).unwrap();
    assert_eq!(cert.issuer().to_string(), "CN=Test CA");
    let op = h
        .cert("kv", Method::GET, "/certificates/merged/pending", None)
        .await;
    assert_eq!(op.body["status"], "completed");
    let got = h
        .cert("kv", Method::GET, "/certificates/merged", None)
        .await;
    assert_eq!(got.status, 200);
    // The PFX carries the chain.
    let s = h
        .get(
            "kv",
            &format!("/secrets/merged/{}", version_of(&got.body["id"])),
        )
        .await;
    let pfx = STANDARD.decode(s.body["value"].as_str().unwrap()).unwrap();
    let archive = p12_keystore::Pkcs12Archive::from_pkcs12(&pfx, "").unwrap();
    assert_eq!(archive.certs.len(), 2);
    assert_eq!(archive.keys.len(), 1);
    // No pending operation left to merge.
    let again = h
        .cert(
            "kv",
            Method::POST,
            "/certificates/merged/pending/merge",
            Some(json!({"x5c": [STANDARD.encode(signed.der())]})),
        )
        .await;
    assert_eq!(again.status, 404, "{}", again.text);
}

/// A PFX with a password, and the same as PEM, made with rcgen and p12-keystore.
fn make_pfx(password: &str) -> (Vec<u8>, String, Vec<u8>) {
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut params = CertificateParams::new(vec!["imported.example".to_string()]).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, "imported");
    let cert = params.self_signed(&key).unwrap();
    let mut store = p12_keystore::KeyStore::new();
    let chain = p12_keystore::PrivateKeyChain::new(
        b"id".to_vec(),
        p12_keystore::PrivateKey::from_der(&key.serialize_der()).unwrap(),
        vec![p12_keystore::Certificate::from_der(cert.der()).unwrap()],
    );
    store.add_entry(
        "imported",
        p12_keystore::KeyStoreEntry::PrivateKeyChain(chain),
    );
    let pfx = store.writer(password).write().unwrap();
    let pem = format!("{}{}", key.serialize_pem(), cert.pem());
    (pfx, pem, cert.der().to_vec())
}

#[tokio::test]
async fn import_pfx_and_pem() {
    let h = Harness::new().await;
    let (pfx, pem, der) = make_pfx("s3cret");
    let r = h
        .cert(
            "kv",
            Method::POST,
            "/certificates/imp/import",
            Some(
                json!({"value": STANDARD.encode(&pfx), "pwd": "s3cret", "tags": {"a": "b"},
                        "attributes": {"enabled": true},
                        "policy": {"secret_props": {"contentType": "application/x-pkcs12"}}}),
            ),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(der_of(&r.body), der);
    assert_eq!(r.body["tags"], json!({"a": "b"}));
    let p = &r.body["policy"];
    assert_eq!(p["issuer"]["name"], "Unknown");
    assert_eq!(p["x509_props"]["subject"], "CN=imported");
    assert_eq!(
        p["x509_props"]["sans"]["dns_names"],
        json!(["imported.example"])
    );
    assert_eq!(p["key_props"]["kty"], "EC");
    assert_eq!(p["key_props"]["crv"], "P-256");
    assert!(!r.text.contains("s3cret"), "the password is not kept");
    // The secret is a PFX without password.
    let s = h
        .get("kv", &format!("/secrets/imp/{}", version_of(&r.body["id"])))
        .await;
    let value = STANDARD.decode(s.body["value"].as_str().unwrap()).unwrap();
    assert!(p12_keystore::Pkcs12Archive::from_pkcs12(&value, "").is_ok());

    let wrong = h
        .cert(
            "kv",
            Method::POST,
            "/certificates/imp2/import",
            Some(json!({"value": STANDARD.encode(&pfx), "pwd": "nope"})),
        )
        .await;
    assert_eq!(wrong.status, 400, "{}", wrong.text);
    assert_eq!(wrong.error_code(), "BadParameter");
    let corrupt = h
        .cert(
            "kv",
            Method::POST,
            "/certificates/imp2/import",
            Some(json!({"value": STANDARD.encode(b"definitely not a certificate")})),
        )
        .await;
    assert_eq!(corrupt.status, 400);
    let certonly = h
        .cert(
            "kv",
            Method::POST,
            "/certificates/imp2/import",
            Some(json!({"value": pem.split("-----BEGIN CERTIFICATE").nth(1).map(|c| format!("-----BEGIN CERTIFICATE{c}")).unwrap()})),
        )
        .await;
    assert_eq!(certonly.status, 400, "{}", certonly.text);

    let r = h
        .cert(
            "kv",
            Method::POST,
            "/certificates/imp-pem/import",
            Some(json!({"value": pem, "policy": {"secret_props": {"contentType": "application/x-pem-file"}}})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(der_of(&r.body), der);
    let s = h
        .get(
            "kv",
            &format!("/secrets/imp-pem/{}", version_of(&r.body["id"])),
        )
        .await;
    assert!(s.body["value"]
        .as_str()
        .unwrap()
        .starts_with("-----BEGIN PRIVATE KEY-----"));
}

#[tokio::test]
async fn versions_update_policy_and_list() {
    let h = Harness::new().await;
    let first = h.issue("kv", "multi", self_policy("CN=one")).await;
    let second = h.issue("kv", "multi", json!(null)).await;
    assert_ne!(first["id"], second["id"]);
    let versions = h
        .get("kv", "/certificates/multi/versions?maxresults=1")
        .await;
    assert_eq!(versions.body["value"].as_array().unwrap().len(), 1);
    assert!(versions.body["nextLink"]
        .as_str()
        .unwrap()
        .contains("$skiptoken="));
    let all = h.get("kv", "/certificates/multi/versions").await;
    assert_eq!(all.body["value"].as_array().unwrap().len(), 2);
    assert!(all.body["value"][0]["x5t"].is_string());

    let v1 = version_of(&first["id"]);
    let got = h.get("kv", &format!("/certificates/multi/{v1}")).await;
    assert_eq!(got.body["x5t"], first["x5t"]);

    let u = h
        .cert(
            "kv",
            Method::PATCH,
            &format!("/certificates/multi/{v1}"),
            Some(json!({"attributes": {"enabled": false}, "tags": {"t": "1"}})),
        )
        .await;
    assert_eq!(u.status, 200, "{}", u.text);
    assert_eq!(u.body["attributes"]["enabled"], false);
    assert_eq!(u.body["tags"], json!({"t": "1"}));
    // The managed secret follows.
    let s = h.get("kv", &format!("/secrets/multi/{v1}")).await;
    assert_eq!(s.status, 403, "{}", s.text);

    let p = h.get("kv", "/certificates/multi/policy").await;
    assert_eq!(p.body["x509_props"]["subject"], "CN=one");
    let p = h
        .cert(
            "kv",
            Method::PATCH,
            "/certificates/multi/policy",
            Some(json!({"x509_props": {"subject": "CN=two", "validity_months": 3}, "key_props": {"kty": "EC", "crv": "P-384"}})),
        )
        .await;
    assert_eq!(p.status, 200, "{}", p.text);
    assert_eq!(p.body["x509_props"]["subject"], "CN=two");
    assert_eq!(p.body["key_props"]["crv"], "P-384");
    let third = h.issue("kv", "multi", json!(null)).await;
    let third_der = der_of(&third);
    let (_, cert) = X509Certificate::from_der(&third_der).unwrap();
    assert_eq!(cert.subject().to_string(), "CN=two");

    h.issue("kv", "other", self_policy("CN=other")).await;
    let list = h.get("kv", "/certificates?maxresults=1").await;
    assert_eq!(list.body["value"].as_array().unwrap().len(), 1);
    let next = list.body["nextLink"].as_str().unwrap().to_string();
    let page2 = h.call(Method::GET, &next, None).await;
    assert_eq!(page2.body["value"].as_array().unwrap().len(), 1);
    assert!(page2.body["nextLink"].is_null());
}

#[tokio::test]
async fn delete_recover_purge_follow_secret_and_key() {
    let h = Harness::new().await;
    let b = h.issue("kv", "gone", self_policy("CN=gone")).await;
    let d = h
        .cert("kv", Method::DELETE, "/certificates/gone", None)
        .await;
    assert_eq!(d.status, 200, "{}", d.text);
    assert_eq!(
        d.body["recoveryId"],
        format!("{}/deletedcertificates/gone", h.emu.vault_url("kv"))
    );
    assert!(d.body["scheduledPurgeDate"].is_i64());
    assert_eq!(d.body["x5t"], b["x5t"]);
    assert_eq!(h.get("kv", "/certificates/gone").await.status, 404);
    assert_eq!(h.get("kv", "/secrets/gone").await.status, 404);
    assert_eq!(h.get("kv", "/deletedsecrets/gone").await.status, 200);
    assert_eq!(h.get("kv", "/deletedkeys/gone").await.status, 200);
    let conflict = h.create_cert("kv", "gone", self_policy("CN=gone")).await;
    assert_eq!(conflict.status, 409);
    assert_eq!(
        conflict.body["error"]["innererror"]["code"],
        "ObjectIsDeletedButRecoverable"
    );
    let listed = h
        .get("kv", "/deletedcertificates?includePending=true")
        .await;
    assert_eq!(listed.body["value"][0]["recoveryId"], d.body["recoveryId"]);
    let got = h.get("kv", "/deletedcertificates/gone").await;
    assert_eq!(got.status, 200);
    assert!(got.body["policy"].is_object());

    let r = h
        .cert(
            "kv",
            Method::POST,
            "/deletedcertificates/gone/recover",
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(h.get("kv", "/certificates/gone").await.status, 200);
    assert_eq!(h.get("kv", "/secrets/gone").await.status, 200);
    assert_eq!(h.get("kv", "/keys/gone").await.status, 200);

    h.cert("kv", Method::DELETE, "/certificates/gone", None)
        .await;
    let p = h
        .cert("kv", Method::DELETE, "/deletedcertificates/gone", None)
        .await;
    assert_eq!(p.status, 204);
    assert_eq!(h.get("kv", "/deletedsecrets/gone").await.status, 404);
    assert_eq!(h.get("kv", "/deletedkeys/gone").await.status, 404);
    let missing = h.get("kv", "/deletedcertificates/gone").await;
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.body["error"]["message"],
        "Deleted Certificate not found: gone"
    );
    // The name is free again.
    h.issue("kv", "gone", self_policy("CN=again")).await;
}

#[tokio::test]
async fn backup_restore_across_vaults() {
    let h = Harness::new().await;
    let b = h.issue("src", "moved", self_policy("CN=moved")).await;
    let backup = h
        .cert("src", Method::POST, "/certificates/moved/backup", None)
        .await;
    assert_eq!(backup.status, 200);
    let blob = backup.body["value"].clone();
    let r = h
        .cert(
            "dst",
            Method::POST,
            "/certificates/restore",
            Some(json!({"value": blob})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["x5t"], b["x5t"]);
    assert!(r.body["id"]
        .as_str()
        .unwrap()
        .starts_with(&h.emu.vault_url("dst")));
    let s = h.get("dst", "/secrets/moved").await;
    assert_eq!(s.status, 200);
    assert_eq!(s.body["managed"], true);
    assert!(s.body["kid"]
        .as_str()
        .unwrap()
        .starts_with(&h.emu.vault_url("dst")));
    let again = h
        .cert(
            "dst",
            Method::POST,
            "/certificates/restore",
            Some(json!({"value": blob})),
        )
        .await;
    assert_eq!(again.status, 409);
    let other = Harness::new().await;
    let foreign = other
        .cert(
            "dst",
            Method::POST,
            "/certificates/restore",
            Some(json!({"value": blob})),
        )
        .await;
    assert_eq!(foreign.status, 400);
}

#[tokio::test]
async fn contacts_and_issuers() {
    let h = Harness::new().await;
    let none = h.get("kv", "/certificates/contacts").await;
    assert_eq!(none.status, 404);
    let body = json!({"contacts": [{"email": "one@example.com"}, {"email": "two@example.com", "name": "Two", "phone": "123"}]});
    let set = h
        .cert(
            "kv",
            Method::PUT,
            "/certificates/contacts",
            Some(body.clone()),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.text);
    assert_eq!(
        set.body["id"],
        format!("{}/certificates/contacts", h.emu.vault_url("kv"))
    );
    assert_eq!(set.body["contacts"], body["contacts"]);
    assert_eq!(h.get("kv", "/certificates/contacts").await.body, set.body);
    let del = h
        .cert("kv", Method::DELETE, "/certificates/contacts", None)
        .await;
    assert_eq!(del.body, set.body);
    assert_eq!(h.get("kv", "/certificates/contacts").await.status, 404);

    let issuer = json!({"provider": "Test", "credentials": {"account_id": "acct", "pwd": "hunter2"},
                        "org_details": {"admin_details": [{"first_name": "J", "last_name": "D", "email": "j@example.com", "phone": "1"}]}});
    let s = h
        .cert(
            "kv",
            Method::PUT,
            "/certificates/issuers/iss1",
            Some(issuer),
        )
        .await;
    assert_eq!(s.status, 200, "{}", s.text);
    assert_eq!(s.body["credentials"], json!({"account_id": "acct"}));
    assert!(!s.text.contains("hunter2"));
    assert_eq!(s.body["attributes"]["enabled"], true);
    let u = h
        .cert(
            "kv",
            Method::PATCH,
            "/certificates/issuers/iss1",
            Some(json!({"provider": "Other", "attributes": {"enabled": false}})),
        )
        .await;
    assert_eq!(u.body["provider"], "Other");
    assert_eq!(u.body["attributes"]["enabled"], false);
    assert_eq!(u.body["credentials"]["account_id"], "acct");
    h.cert(
        "kv",
        Method::PUT,
        "/certificates/issuers/iss2",
        Some(json!({"provider": "Test"})),
    )
    .await;
    let list = h.get("kv", "/certificates/issuers").await;
    assert_eq!(list.body["value"].as_array().unwrap().len(), 2);
    assert_eq!(list.body["value"][0]["provider"], "Other");
    let missing_provider = h
        .cert(
            "kv",
            Method::PUT,
            "/certificates/issuers/iss3",
            Some(json!({})),
        )
        .await;
    assert_eq!(missing_provider.status, 400);
    let d = h
        .cert("kv", Method::DELETE, "/certificates/issuers/iss1", None)
        .await;
    assert_eq!(d.status, 200);
    let g = h.get("kv", "/certificates/issuers/iss1").await;
    assert_eq!(g.status, 404);
    // A certificate from a configured issuer is issued too.
    let b = h
        .issue(
            "kv",
            "from-issuer",
            json!({"issuer": {"name": "iss2"}, "x509_props": {"subject": "CN=i"}}),
        )
        .await;
    assert_eq!(b["policy"]["issuer"]["name"], "iss2");
}

#[tokio::test]
async fn bad_input() {
    let h = Harness::new().await;
    let r = h
        .create_cert("kv", "bad", json!({"issuer": {"name": "Self"}}))
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(r.error_code(), "BadParameter");
    let r = h
        .create_cert("kv", "bad", json!({"issuer": {"name": "Self"}, "x509_props": {"subject": "CN=x"}, "key_props": {"kty": "RSA", "key_size": 1000}}))
        .await;
    assert_eq!(r.status, 400);
    let r = h
        .create_cert("kv", "bad", json!({"issuer": {"name": "Self"}, "x509_props": {"subject": "CN=x", "key_usage": ["flying"]}}))
        .await;
    assert_eq!(r.status, 400);
    let r = h.create_cert("kv", "bad_name", self_policy("CN=x")).await;
    assert_eq!(r.status, 400);
    let r = h
        .create_cert(
            "kv",
            "bad",
            json!({"issuer": {"name": "nobody"}, "x509_props": {"subject": "CN=x"}}),
        )
        .await;
    assert_eq!(r.status, 400);
    let r = h.get("kv", "/certificates/nothing").await;
    assert_eq!(r.status, 404);
    assert_eq!(r.error_code(), "CertificateNotFound");
    let r = h.get("kv", "/certificates/nothing/pending").await;
    assert_eq!(r.error_code(), "PendingCertificateNotFound");
    let r = h.get("kv", "/certificates/nothing/policy").await;
    assert_eq!(r.error_code(), "CertificateNotFound");
    let r = h.get("kv", "/certificates/nothing/versions").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, json!({"value": [], "nextLink": null}));
    let r = h
        .cert(
            "kv",
            Method::POST,
            "/certificates/x/import",
            Some(json!({})),
        )
        .await;
    assert_eq!(r.status, 400);
    // A secret of the same name that no certificate manages blocks the name.
    h.put_secret("kv", "taken", json!({"value": "v"})).await;
    let r = h.create_cert("kv", "taken", self_policy("CN=t")).await;
    assert_eq!(r.status, 409, "{}", r.text);
}

#[tokio::test]
async fn an_empty_sans_object_is_not_kept() {
    let h = Harness::new().await;
    let policy = json!({
        "issuer": {"name": "Self"},
        "x509_props": {"subject": "CN=no-sans", "sans": {}},
        "key_props": {"kty": "EC", "crv": "P-256"}
    });
    let cert = h.issue("sans", "c", policy).await;
    assert!(
        cert["policy"]["x509_props"].get("sans").is_none(),
        "{}",
        cert["policy"]["x509_props"]
    );
    // An update with an empty object clears the names.
    let with_names = json!({"x509_props": {"sans": {"dns_names": ["a.example"]}}});
    let r = h
        .cert(
            "sans",
            Method::PATCH,
            "/certificates/c/policy",
            Some(with_names),
        )
        .await;
    assert_eq!(r.body["x509_props"]["sans"]["dns_names"][0], "a.example");
    let cleared = json!({"x509_props": {"sans": {}}});
    let r = h
        .cert(
            "sans",
            Method::PATCH,
            "/certificates/c/policy",
            Some(cleared),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.body["x509_props"].get("sans").is_none(), "{}", r.body);
}
