//! Fixtures: `GET /_emulator/export` of one emulator imported into a fresh one
//! (`POST /_emulator/import`, `Control::import`, `--import FILE`) gives the same objects.

use std::process::{Command, Stdio};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{Harness, Resp, API};

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn last_segment(id: &Value) -> String {
    id.as_str().unwrap().rsplit('/').next().unwrap().to_string()
}

/// A harness with a Managed HSM token too.
struct Both {
    h: Harness,
    hsm_token: String,
}

impl Both {
    async fn new() -> Self {
        let h = Harness::new().await;
        let hsm_token = h.token_for("https://managedhsm.azure.net/.default").await;
        Both { h, hsm_token }
    }

    async fn vault(&self, method: Method, path: &str, body: Option<Value>) -> Resp {
        self.h.call(method, &self.h.url("kv", path), body).await
    }

    async fn hsm(&self, method: Method, path: &str, body: Option<Value>) -> Resp {
        let url = format!("{}{path}?api-version=7.6", self.h.emu.managed_hsm_url("h1"));
        self.h
            .call_with(method, &url, body, Some(&self.hsm_token))
            .await
    }
}

#[tokio::test]
async fn an_export_imports_into_a_fresh_emulator_with_the_same_objects() {
    let a = Both::new().await;
    let mut versions = Vec::new();
    for value in ["one", "two", "three"] {
        let r = a
            .vault(
                Method::PUT,
                "/secrets/db",
                Some(json!({"value": value, "contentType": "text/plain"})),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        versions.push((last_segment(&r.body["id"]), value));
    }
    let mut kids = Vec::new();
    for (name, body) in [
        ("rsa", json!({"kty": "RSA", "key_size": 2048})),
        ("ec", json!({"kty": "EC", "crv": "P-384"})),
    ] {
        let r = a
            .vault(Method::POST, &format!("/keys/{name}/create"), Some(body))
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        kids.push((name, last_segment(&r.body["key"]["kid"])));
    }
    let r = a
        .hsm(
            Method::POST,
            "/keys/aes/create",
            Some(json!({"kty": "oct-HSM", "key_size": 256})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let policy = json!({
        "key_props": {"kty": "EC", "crv": "P-256", "exportable": true},
        "secret_props": {"contentType": "application/x-pem-file"},
        "x509_props": {"subject": "CN=fixture", "validity_months": 12},
        "issuer": {"name": "Self"}
    });
    let r = a
        .vault(
            Method::POST,
            "/certificates/web/create",
            Some(json!({ "policy": policy })),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    let mut cer = Value::Null;
    for _ in 0..50 {
        let r = a.vault(Method::GET, "/certificates/web", None).await;
        if r.status == 200 && r.body["cer"].is_string() {
            cer = r.body["cer"].clone();
            break;
        }
    }
    assert!(cer.is_string(), "the certificate was issued");

    // Signatures and a wrapped key made by the first emulator.
    let digest_256 = b64(&[5u8; 32]);
    let digest_384 = b64(&[6u8; 48]);
    let rsa_signature = a
        .vault(
            Method::POST,
            &format!("/keys/rsa/{}/sign", kids[0].1),
            Some(json!({"alg": "PS256", "value": digest_256})),
        )
        .await
        .body["value"]
        .clone();
    let ec_signature = a
        .vault(
            Method::POST,
            &format!("/keys/ec/{}/sign", kids[1].1),
            Some(json!({"alg": "ES384", "value": digest_384})),
        )
        .await
        .body["value"]
        .clone();
    let content_key = b64(&[9u8; 32]);
    let r = a
        .hsm(
            Method::POST,
            "/keys/aes/wrapkey",
            Some(json!({"alg": "A256KW", "value": content_key})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let wrapped = r.body["value"].clone();

    let exported =
        a.h.http
            .get(format!("{}/_emulator/export", a.h.emu.endpoint()))
            .send()
            .await
            .unwrap();
    assert_eq!(exported.status(), 200);
    let exported: Value = exported.json().await.unwrap();
    assert_eq!(exported["format"], "keyvault-emulator-fixture/1");
    // The keys and secret behind the certificate are the certificate's, not exported twice.
    let kv = exported["vaults"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "kv")
        .unwrap();
    let key_names: Vec<&str> = kv["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    assert_eq!(key_names, ["ec", "rsa"]);

    // Into a fresh emulator over HTTP.
    let b = Both::new().await;
    let r =
        b.h.http
            .post(format!("{}/_emulator/import", b.h.emu.endpoint()))
            .json(&exported)
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), 200);
    let summary: Value = r.json().await.unwrap();
    assert_eq!(
        summary,
        json!({"vaults": 2, "secrets": 3, "keys": 3, "certificates": 1})
    );
    for (version, value) in &versions {
        let r = b
            .vault(Method::GET, &format!("/secrets/db/{version}"), None)
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.body["value"], *value);
        assert_eq!(r.body["contentType"], "text/plain");
    }
    let r = b
        .vault(
            Method::POST,
            &format!("/keys/rsa/{}/verify", kids[0].1),
            Some(json!({"alg": "PS256", "digest": digest_256, "value": rsa_signature})),
        )
        .await;
    assert_eq!(r.body["value"], true, "{}", r.text);
    let r = b
        .vault(
            Method::POST,
            &format!("/keys/ec/{}/verify", kids[1].1),
            Some(json!({"alg": "ES384", "digest": digest_384, "value": ec_signature})),
        )
        .await;
    assert_eq!(r.body["value"], true, "{}", r.text);
    let r = b
        .hsm(
            Method::POST,
            "/keys/aes/unwrapkey",
            Some(json!({"alg": "A256KW", "value": wrapped})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["value"], content_key);
    let r = b.vault(Method::GET, "/certificates/web", None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["cer"], cer);
    // Its key signs as the first emulator's did: the same public key.
    let a_key = a.vault(Method::GET, "/keys/web", None).await;
    let b_key = b.vault(Method::GET, "/keys/web", None).await;
    assert_eq!(b_key.body["key"]["x"], a_key.body["key"]["x"]);

    // The same document again adds nothing: the versions and the certificate are there.
    let again = b.h.emu.control().import(&exported).unwrap();
    assert_eq!(
        again,
        json!({"vaults": 2, "secrets": 0, "keys": 0, "certificates": 0})
    );

    // It is refused where a name is deleted, with the reason.
    let r = b.vault(Method::DELETE, "/secrets/db", None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let refused = b.h.emu.control().import(&exported).unwrap_err();
    assert!(refused.contains("secret db"), "{refused}");
}

#[tokio::test]
async fn the_binary_imports_the_example_fixture_once_into_a_state_folder() {
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/fixture.json");
    let dir = std::env::temp_dir().join(format!(
        "keyvault-emulator-fixture-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let cert = dir.join("ca.pem");
    // Twice on the same state folder: the second import finds every version there.
    for run in 0..2 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_keyvault-emulator"))
            .arg("--bind=127.0.0.1:0")
            .arg("--import")
            .arg(fixture)
            .arg("--state-dir")
            .arg(dir.join("state"))
            .arg("--cert-out")
            .arg(&cert)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().unwrap()),
            &mut line,
        )
        .unwrap();
        let port: u16 = line.trim().rsplit_once(':').unwrap().1.parse().unwrap();
        let ca = std::fs::read_to_string(&cert).unwrap();
        let http = crate::persistence::http_client(&ca);
        let token =
            crate::persistence::token(&http, port, "https://vault.azure.net/.default").await;
        let get = |path: &str| {
            http.get(format!(
                "https://fixture.vault.azure.net:{port}{path}?api-version={API}"
            ))
            .bearer_auth(&token)
            .send()
        };
        let secret: Value = get("/secrets/database-password")
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let versions: Value = get("/secrets/database-password/versions")
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let key: Value = get("/keys/signing-key")
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let certificate: Value = get("/certificates/web")
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let certificate_versions: Value = get("/certificates/web/versions")
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(secret["value"], "current-password", "run {run}");
        assert_eq!(secret["tags"]["env"], "test");
        assert!(secret["id"]
            .as_str()
            .unwrap()
            .ends_with("/7a2f1d4b0c3e4f6a9b8c7d6e5f4a3b21"));
        assert_eq!(versions["value"].as_array().unwrap().len(), 2, "run {run}");
        assert_eq!(key["key"]["kty"], "EC");
        assert_eq!(key["key"]["key_ops"], json!(["sign", "verify"]));
        assert!(certificate["cer"].is_string(), "{certificate}");
        assert_eq!(
            certificate["policy"]["x509_props"]["subject"],
            "CN=fixture.example"
        );
        assert_eq!(
            certificate_versions["value"].as_array().unwrap().len(),
            1,
            "run {run}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
