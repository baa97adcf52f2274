//! The Managed HSM security domain over raw HTTPS: download and upload operations through their
//! `pending` status, the transfer key, what is refused, and a domain moving between HSMs.

use crate::common::{Harness, Resp};
use keyvault_emulator::security_domain::{prepare_upload, SecurityDomainCertificate};
use keyvault_emulator::EmulatorOptions;
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;

struct Hsm {
    h: Harness,
    token: String,
}

impl Hsm {
    async fn new(latency: Duration) -> Self {
        let h = Harness::with(EmulatorOptions {
            admin_job_latency: latency,
            ..Default::default()
        })
        .await;
        let token = h.token_for("https://managedhsm.azure.net/.default").await;
        Hsm { h, token }
    }

    async fn call(&self, method: Method, hsm: &str, path: &str, body: Option<Value>) -> Resp {
        let url = format!(
            "{}{path}?api-version=2026-04-01",
            self.h.emu.managed_hsm_url(hsm)
        );
        self.url(method, &url, body).await
    }

    async fn url(&self, method: Method, url: &str, body: Option<Value>) -> Resp {
        self.h.call_with(method, url, body, Some(&self.token)).await
    }

    async fn transfer_key(&self, hsm: &str) -> Value {
        let r = self
            .call(Method::GET, hsm, "/securitydomain/upload", None)
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.body["transfer_key"].clone()
    }
}

fn certificates(n: usize) -> Vec<SecurityDomainCertificate> {
    (0..n)
        .map(|i| SecurityDomainCertificate::generate(&format!("sd-cert-{i}")).unwrap())
        .collect()
}

fn download_body(certificates: &[SecurityDomainCertificate], required: usize) -> Value {
    let jwks: Vec<Value> = certificates.iter().map(|c| c.jwk().clone()).collect();
    json!({ "certificates": jwks, "required": required })
}

#[tokio::test]
async fn download_then_upload_moves_through_in_progress_to_success() {
    let t = Hsm::new(Duration::from_millis(1500)).await;
    let certs = certificates(3);
    let r = t
        .call(
            Method::POST,
            "sd1",
            "/securitydomain/download",
            Some(download_body(&certs, 2)),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(r.header("retry-after"), Some("2"));
    let pending = r.header("azure-asyncoperation").unwrap().to_string();
    assert_eq!(
        pending,
        format!(
            "{}/securitydomain/download/pending",
            t.h.emu.managed_hsm_url("sd1")
        )
    );
    let blob = r.body["value"].as_str().unwrap().to_string();
    let document: Value = serde_json::from_str(&blob).unwrap();
    assert_eq!(document["required"], 2);
    assert_eq!(document["shares"].as_array().unwrap().len(), 3);
    assert_eq!(document["quorum"].as_array().unwrap().len(), 3);

    // Polled as given, without api-version, as Python's client does.
    let s = t.url(Method::GET, &pending, None).await;
    assert_eq!(s.status, 200, "{}", s.text);
    assert_eq!(s.body["status"], "InProgress");
    assert!(s.header("retry-after").is_some());
    // One operation at a time.
    let again = t
        .call(
            Method::POST,
            "sd1",
            "/securitydomain/download",
            Some(download_body(&certs, 2)),
        )
        .await;
    assert_eq!(again.status, 409, "{}", again.text);
    assert_eq!(again.error_code(), "Conflict");
    t.h.emu.control().advance_clock(Duration::from_secs(2));
    let s = t.url(Method::GET, &pending, None).await;
    assert_eq!(s.body["status"], "Success", "{}", s.text);
    assert!(s.body.get("value").is_none(), "the blob is only in the 202");
    assert!(s.header("retry-after").is_none());

    // Restore it into another HSM with two of the three private keys.
    let transfer = t.transfer_key("sd2").await;
    assert_eq!(transfer["kty"], "RSA");
    assert!(transfer["x5c"][0].is_string() && transfer["x5t#S256"].is_string());
    assert_eq!(t.transfer_key("sd2").await, transfer, "kept for the HSM");
    let prepared = prepare_upload(&blob, &[&certs[2], &certs[0]], &transfer).unwrap();
    let r = t
        .call(
            Method::POST,
            "sd2",
            "/securitydomain/upload",
            Some(json!({ "value": prepared })),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(r.body["status"], "InProgress");
    let pending = r.header("azure-asyncoperation").unwrap().to_string();
    assert!(
        pending.ends_with("/securitydomain/upload/pending"),
        "{pending}"
    );
    t.h.emu.control().advance_clock(Duration::from_secs(2));
    let s = t.url(Method::GET, &pending, None).await;
    assert_eq!(s.body["status"], "Success", "{}", s.text);

    // sd2 now owns sd1's domain: its next download wraps the same domain.
    let r = t
        .call(
            Method::POST,
            "sd2",
            "/securitydomain/download",
            Some(download_body(&certificates(3), 3)),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    let second: Value = serde_json::from_str(r.body["value"].as_str().unwrap()).unwrap();
    assert_eq!(second["domain_id"], document["domain_id"]);
    assert_eq!(second["hsm"], "sd2");
}

#[tokio::test]
async fn shares_that_do_not_open_the_domain_fail_the_upload() {
    let t = Hsm::new(Duration::ZERO).await;
    let certs = certificates(3);
    let r = t
        .call(
            Method::POST,
            "sd3",
            "/securitydomain/download",
            Some(download_body(&certs, 2)),
        )
        .await;
    let blob = r.body["value"].as_str().unwrap().to_string();
    let transfer = t.transfer_key("sd3").await;
    let prepared = prepare_upload(&blob, &[&certs[0], &certs[1]], &transfer).unwrap();
    let mut tampered: Value = serde_json::from_str(&prepared).unwrap();
    for entry in tampered["domain"]["quorum"].as_array_mut().unwrap() {
        entry["ciphertext"] = entry["iv"].clone();
    }
    let r = t
        .call(
            Method::POST,
            "sd3",
            "/securitydomain/upload",
            Some(json!({ "value": tampered.to_string() })),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    let s = t
        .call(Method::GET, "sd3", "/securitydomain/upload/pending", None)
        .await;
    assert_eq!(s.body["status"], "Failed", "{}", s.text);
    assert!(s.body["status_details"]
        .as_str()
        .unwrap()
        .contains("do not open"));
}

#[tokio::test]
async fn malformed_requests_are_bad_parameters() {
    let t = Hsm::new(Duration::ZERO).await;
    let certs = certificates(3);
    let cases = [
        json!({}),
        json!({"certificates": [certs[0].jwk(), certs[1].jwk()]}),
        download_body(&certs, 1),
        download_body(&certs, 4),
        json!({"certificates": [certs[0].jwk(), certs[1].jwk(), {"kty": "EC"}]}),
    ];
    for body in cases {
        let r = t
            .call(
                Method::POST,
                "sd4",
                "/securitydomain/download",
                Some(body.clone()),
            )
            .await;
        assert_eq!(r.status, 400, "{body}: {}", r.text);
        assert_eq!(r.error_code(), "BadParameter");
    }
    // No transfer key asked for yet.
    let r = t
        .call(
            Method::POST,
            "sd4",
            "/securitydomain/upload",
            Some(json!({"value": "{}"})),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    t.transfer_key("sd4").await;
    for body in [
        json!({}),
        json!({"value": 3}),
        json!({"value": "not a domain"}),
    ] {
        let r = t
            .call(
                Method::POST,
                "sd4",
                "/securitydomain/upload",
                Some(body.clone()),
            )
            .await;
        assert_eq!(r.status, 400, "{body}: {}", r.text);
        assert_eq!(r.error_code(), "BadParameter");
        assert!(
            !r.text.contains("not a domain"),
            "the payload is not echoed"
        );
    }
    // Before any operation, both statuses say none was started.
    for what in ["download", "upload"] {
        let r = t
            .call(
                Method::GET,
                "sd5",
                &format!("/securitydomain/{what}/pending"),
                None,
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.body["status"], "Success");
    }
    let r = t
        .call(Method::DELETE, "sd5", "/securitydomain/download", None)
        .await;
    assert_eq!(r.status, 405);
}

#[tokio::test]
async fn only_managed_hsms_have_a_security_domain() {
    let t = Hsm::new(Duration::ZERO).await;
    let url = format!(
        "{}/securitydomain/upload?api-version=2026-04-01",
        t.h.emu.vault_url("plain")
    );
    let token = t.h.token_for("https://vault.azure.net/.default").await;
    let r = t.h.call_with(Method::GET, &url, None, Some(&token)).await;
    assert_eq!(r.status, 404, "{}", r.text);
}
