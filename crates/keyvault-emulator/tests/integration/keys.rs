//! The keys REST surface against the emulator over HTTPS, with real cryptography checked by
//! RustCrypto on the client side.

use std::time::Duration;

use crate::common::{Harness, Resp, API};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use keyvault_emulator::EmulatorOptions;
use reqwest::Method;
use serde_json::{json, Value};
use sha2::Digest as _;

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn unb64(value: &Value) -> Vec<u8> {
    URL_SAFE_NO_PAD
        .decode(value.as_str().expect("base64url string"))
        .expect("valid base64url")
}

fn version_of(kid: &Value) -> String {
    kid.as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string()
}

/// Where a request goes: a vault or a Managed HSM.
#[derive(Clone, Copy)]
enum Target<'a> {
    Vault(&'a str),
    Hsm(&'a str),
}

struct Keys {
    h: Harness,
    hsm_token: String,
}

impl Keys {
    async fn new() -> Self {
        Self::with(EmulatorOptions::default()).await
    }

    async fn with(options: EmulatorOptions) -> Self {
        let h = Harness::with(options).await;
        let hsm_token = h.token_for("https://managedhsm.azure.net/.default").await;
        Keys { h, hsm_token }
    }

    fn url(&self, t: Target<'_>, path: &str) -> String {
        self.url_api(t, path, API)
    }

    fn url_api(&self, t: Target<'_>, path: &str, api: &str) -> String {
        let sep = if path.contains('?') { '&' } else { '?' };
        let base = match t {
            Target::Vault(name) => self.h.emu.vault_url(name),
            Target::Hsm(name) => self.h.emu.managed_hsm_url(name),
        };
        format!("{base}{path}{sep}api-version={api}")
    }

    async fn send(&self, t: Target<'_>, method: Method, url: &str, body: Option<Value>) -> Resp {
        let token = match t {
            Target::Vault(_) => &self.h.token,
            Target::Hsm(_) => &self.hsm_token,
        };
        self.h.call_with(method, url, body, Some(token)).await
    }

    async fn call(&self, t: Target<'_>, method: Method, path: &str, body: Option<Value>) -> Resp {
        let url = self.url(t, path);
        self.send(t, method, &url, body).await
    }

    async fn post(&self, t: Target<'_>, path: &str, body: Value) -> Resp {
        self.call(t, Method::POST, path, Some(body)).await
    }

    async fn get(&self, t: Target<'_>, path: &str) -> Resp {
        self.call(t, Method::GET, path, None).await
    }

    async fn create(&self, t: Target<'_>, name: &str, body: Value) -> Resp {
        let r = self.post(t, &format!("/keys/{name}/create"), body).await;
        assert_eq!(r.status, 200, "create {name}: {}", r.text);
        r
    }

    /// `POST /keys/{name}/{version}/{op}` with `body`, expecting 200.
    async fn op(&self, t: Target<'_>, kid: &Value, op: &str, body: Value) -> Resp {
        let kid = kid.as_str().unwrap();
        let path = kid.split_once("/keys/").unwrap().1;
        let r = self.post(t, &format!("/keys/{path}/{op}"), body).await;
        assert_eq!(r.status, 200, "{op} {kid}: {}", r.text);
        r
    }
}

fn assert_error(r: &Resp, status: u16, code: &str) {
    assert_eq!(r.status, status, "{}", r.text);
    assert_eq!(r.error_code(), code, "{}", r.text);
}

fn digest(alg: &str, data: &[u8]) -> Vec<u8> {
    match &alg[2..] {
        "256" | "256K" => sha2::Sha256::digest(data).to_vec(),
        "384" => sha2::Sha384::digest(data).to_vec(),
        _ => sha2::Sha512::digest(data).to_vec(),
    }
}

#[tokio::test]
async fn create_get_update_list_and_versions() {
    let k = Keys::new().await;
    let t = Target::Vault("kv1");
    let r = k
        .create(
            t,
            "my-key",
            json!({"kty": "RSA", "key_size": 2048, "tags": {"a": "b"},
                   "attributes": {"enabled": true, "nbf": 1_700_000_000, "exp": 4_000_000_000i64}}),
        )
        .await;
    let b = &r.body;
    assert_eq!(
        r.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    let key = &b["key"];
    assert_eq!(key["kty"], "RSA");
    assert_eq!(
        key["key_ops"],
        json!([
            "encrypt",
            "decrypt",
            "sign",
            "verify",
            "wrapKey",
            "unwrapKey"
        ])
    );
    assert_eq!(key["e"], "AQAB");
    assert_eq!(unb64(&key["n"]).len(), 256);
    for private in ["d", "p", "q", "dp", "dq", "qi", "k"] {
        assert!(key.get(private).is_none(), "{private} must never be sent");
    }
    let prefix = format!("{}/keys/my-key/", k.h.emu.vault_url("kv1"));
    assert!(key["kid"].as_str().unwrap().starts_with(&prefix));
    let v1 = version_of(&key["kid"]);
    assert_eq!(v1.len(), 32);
    let attrs = &b["attributes"];
    assert_eq!(attrs["enabled"], true);
    assert_eq!(attrs["nbf"], 1_700_000_000);
    assert_eq!(attrs["exp"], 4_000_000_000i64);
    assert_eq!(attrs["recoveryLevel"], "Recoverable+Purgeable");
    assert_eq!(attrs["recoverableDays"], 90);
    assert!(attrs.get("exportable").is_none());
    assert_eq!(b["tags"], json!({"a": "b"}));

    let r = k
        .create(
            t,
            "my-key",
            json!({"kty": "EC", "crv": "P-384", "key_ops": ["sign"]}),
        )
        .await;
    let v2 = version_of(&r.body["key"]["kid"]);
    assert_eq!(r.body["key"]["crv"], "P-384");
    assert_eq!(r.body["key"]["key_ops"], json!(["sign"]));
    assert!(r.body.get("tags").is_none());

    let latest = k.get(t, "/keys/my-key").await;
    assert_eq!(latest.status, 200);
    assert_eq!(version_of(&latest.body["key"]["kid"]), v2);
    let slash = k.get(t, "/keys/MY-KEY/").await;
    assert_eq!(version_of(&slash.body["key"]["kid"]), v2);
    let old = k.get(t, &format!("/keys/my-key/{v1}")).await;
    assert_eq!(old.body["key"]["kty"], "RSA");

    let r = k
        .call(
            t,
            Method::PATCH,
            &format!("/keys/my-key/{v1}"),
            Some(json!({"key_ops": ["verify"], "tags": {"x": "y"}, "attributes": {"enabled": false}})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["key"]["key_ops"], json!(["verify"]));
    assert_eq!(r.body["tags"], json!({"x": "y"}));
    assert_eq!(r.body["attributes"]["enabled"], false);
    assert_eq!(r.body["attributes"]["nbf"], 1_700_000_000);
    // A disabled key can still be read (its public part).
    assert_eq!(k.get(t, &format!("/keys/my-key/{v1}")).await.status, 200);
    let r = k
        .call(
            t,
            Method::PATCH,
            "/keys/my-key",
            Some(json!({"key_ops": ["launch"]})),
        )
        .await;
    assert_error(&r, 400, "BadParameter");

    for i in 0..3 {
        k.create(t, &format!("other-{i}"), json!({"kty": "EC"}))
            .await;
    }
    let mut names = Vec::new();
    let mut url = k.url(t, "/keys?maxresults=2");
    loop {
        let page = k.send(t, Method::GET, &url, None).await;
        assert_eq!(page.status, 200, "{}", page.text);
        for item in page.body["value"].as_array().unwrap() {
            assert!(item.get("key").is_none());
            let kid = item["kid"].as_str().unwrap();
            names.push(kid.rsplit('/').next().unwrap().to_string());
            assert!(item["attributes"]["created"].is_i64());
        }
        match page.body["nextLink"].as_str() {
            Some(next) => url = next.to_string(),
            None => break,
        }
    }
    assert_eq!(names, ["my-key", "other-0", "other-1", "other-2"]);

    let versions = k.get(t, "/keys/my-key/versions?maxresults=1").await;
    assert_eq!(versions.body["value"].as_array().unwrap().len(), 1);
    let next = versions.body["nextLink"].as_str().unwrap().to_string();
    let rest = k.send(t, Method::GET, &next, None).await;
    let all: Vec<String> = versions.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .chain(rest.body["value"].as_array().unwrap())
        .map(|i| version_of(&i["kid"]))
        .collect();
    assert_eq!(all, [v1, v2]);

    // Older API versions: no recoverableDays before 7.1.
    let url = k.url_api(t, "/keys/my-key", "7.0");
    let r = k.send(t, Method::GET, &url, None).await;
    assert!(r.body["attributes"].get("recoverableDays").is_none());
}

fn rsa_public(jwk: &Value) -> rsa::RsaPublicKey {
    rsa::RsaPublicKey::new(
        rsa::BigUint::from_bytes_be(&unb64(&jwk["n"])),
        rsa::BigUint::from_bytes_be(&unb64(&jwk["e"])),
    )
    .unwrap()
}

#[tokio::test]
async fn rsa_keys_every_size_and_algorithm() {
    let k = Keys::new().await;
    let t = Target::Vault("rsa");
    for (size, kty) in [(2048, "RSA"), (3072, "RSA-HSM"), (4096, "RSA")] {
        let name = format!("rsa-{size}");
        let r = k
            .create(t, &name, json!({"kty": kty, "key_size": size}))
            .await;
        let jwk = r.body["key"].clone();
        assert_eq!(jwk["kty"], kty);
        assert_eq!(unb64(&jwk["n"]).len() * 8, size);
        let kid = jwk["kid"].clone();
        let public = rsa_public(&jwk);
        let plain = b"a single block of plaintext";
        for alg in ["RSA1_5", "RSA-OAEP", "RSA-OAEP-256"] {
            let enc = k
                .op(t, &kid, "encrypt", json!({"alg": alg, "value": b64(plain)}))
                .await;
            assert_eq!(enc.body["kid"], kid);
            assert_eq!(unb64(&enc.body["value"]).len() * 8, size);
            let dec = k
                .op(
                    t,
                    &kid,
                    "decrypt",
                    json!({"alg": alg, "value": enc.body["value"]}),
                )
                .await;
            assert_eq!(unb64(&dec.body["value"]), plain, "{alg}");
            let wrapped = k
                .op(
                    t,
                    &kid,
                    "wrapkey",
                    json!({"alg": alg, "value": b64(&[9u8; 32])}),
                )
                .await;
            let unwrapped = k
                .op(
                    t,
                    &kid,
                    "unwrapKey",
                    json!({"alg": alg, "value": wrapped.body["value"]}),
                )
                .await;
            assert_eq!(unb64(&unwrapped.body["value"]), [9u8; 32]);
        }
        // A ciphertext made locally with the public JWK decrypts in the emulator.
        let local = public
            .encrypt(
                &mut rand::rngs::OsRng,
                rsa::Oaep::new::<sha2::Sha256>(),
                plain,
            )
            .unwrap();
        let dec = k
            .op(
                t,
                &kid,
                "decrypt",
                json!({"alg": "RSA-OAEP-256", "value": b64(&local)}),
            )
            .await;
        assert_eq!(unb64(&dec.body["value"]), plain);
        let local = public
            .encrypt(
                &mut rand::rngs::OsRng,
                rsa::Oaep::new::<sha1::Sha1>(),
                plain,
            )
            .unwrap();
        let dec = k
            .op(
                t,
                &kid,
                "decrypt",
                json!({"alg": "RSA-OAEP", "value": b64(&local)}),
            )
            .await;
        assert_eq!(unb64(&dec.body["value"]), plain);

        for alg in ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"] {
            let d = digest(alg, b"signed data");
            let sig = k
                .op(t, &kid, "sign", json!({"alg": alg, "value": b64(&d)}))
                .await;
            let signature = unb64(&sig.body["value"]);
            assert_eq!(signature.len() * 8, size);
            let ok = k
                .op(
                    t,
                    &kid,
                    "verify",
                    json!({"alg": alg, "digest": b64(&d), "value": sig.body["value"]}),
                )
                .await;
            assert_eq!(ok.body, json!({"value": true}), "{alg}");
            let wrong = digest(alg, b"other data");
            let ko = k
                .op(
                    t,
                    &kid,
                    "verify",
                    json!({"alg": alg, "digest": b64(&wrong), "value": sig.body["value"]}),
                )
                .await;
            assert_eq!(ko.body["value"], false);
            // RustCrypto verifies the emulator's signature with the returned public key.
            let verified = match alg {
                "RS256" => public.verify(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), &d, &signature),
                "RS384" => public.verify(rsa::Pkcs1v15Sign::new::<sha2::Sha384>(), &d, &signature),
                "RS512" => public.verify(rsa::Pkcs1v15Sign::new::<sha2::Sha512>(), &d, &signature),
                "PS256" => public.verify(rsa::Pss::new::<sha2::Sha256>(), &d, &signature),
                "PS384" => public.verify(rsa::Pss::new::<sha2::Sha384>(), &d, &signature),
                _ => public.verify(rsa::Pss::new::<sha2::Sha512>(), &d, &signature),
            };
            assert!(verified.is_ok(), "{alg} signature of {size} bits");
        }
    }
    // Public exponent 3, RSNULL, and wrong digest lengths or algorithms.
    let r = k
        .create(
            t,
            "rsa-e3",
            json!({"kty": "RSA", "key_size": 2048, "public_exponent": 3}),
        )
        .await;
    assert_eq!(r.body["key"]["e"], "Aw");
    let kid = r.body["key"]["kid"].clone();
    let raw = b"raw digest info bytes";
    let sig = k
        .op(t, &kid, "sign", json!({"alg": "RSNULL", "value": b64(raw)}))
        .await;
    let ok = k
        .op(
            t,
            &kid,
            "verify",
            json!({"alg": "RSNULL", "digest": b64(raw), "value": sig.body["value"]}),
        )
        .await;
    assert_eq!(ok.body["value"], true);
    let path = kid
        .as_str()
        .unwrap()
        .split_once("/keys/")
        .unwrap()
        .1
        .to_string();
    let r = k
        .post(
            t,
            &format!("/keys/{path}/sign"),
            json!({"alg": "RS256", "value": b64(&[1u8; 20])}),
        )
        .await;
    assert_error(&r, 400, "BadParameter");
    let r = k
        .post(
            t,
            &format!("/keys/{path}/sign"),
            json!({"alg": "ES256", "value": b64(&[1u8; 32])}),
        )
        .await;
    assert_error(&r, 400, "BadParameter");
    let r = k
        .post(
            t,
            &format!("/keys/{path}/encrypt"),
            json!({"alg": "A256GCM", "value": b64(raw)}),
        )
        .await;
    assert_error(&r, 400, "BadParameter");
    let r = k
        .post(
            t,
            "/keys/bad-size/create",
            json!({"kty": "RSA", "key_size": 1024}),
        )
        .await;
    assert_error(&r, 400, "BadParameter");
}

fn ec_verify(crv: &str, x: &[u8], y: &[u8], digest: &[u8], sig: &[u8]) -> bool {
    use ecdsa::signature::hazmat::PrehashVerifier as _;
    let mut sec1 = vec![4u8];
    sec1.extend_from_slice(x);
    sec1.extend_from_slice(y);
    match crv {
        "P-256" => p256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1)
            .unwrap()
            .verify_prehash(digest, &p256::ecdsa::Signature::from_slice(sig).unwrap())
            .is_ok(),
        "P-256K" => k256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1)
            .unwrap()
            .verify_prehash(digest, &k256::ecdsa::Signature::from_slice(sig).unwrap())
            .is_ok(),
        "P-384" => p384::ecdsa::VerifyingKey::from_sec1_bytes(&sec1)
            .unwrap()
            .verify_prehash(digest, &p384::ecdsa::Signature::from_slice(sig).unwrap())
            .is_ok(),
        _ => p521::ecdsa::VerifyingKey::from_sec1_bytes(&sec1)
            .unwrap()
            .verify_prehash(digest, &p521::ecdsa::Signature::from_slice(sig).unwrap())
            .is_ok(),
    }
}

#[tokio::test]
async fn ec_keys_every_curve_sign_and_verify() {
    let k = Keys::new().await;
    for t in [Target::Vault("ec"), Target::Hsm("echsm")] {
        for (crv, alg, len, kty) in [
            ("P-256", "ES256", 64, "EC"),
            ("P-256K", "ES256K", 64, "EC-HSM"),
            ("P-384", "ES384", 96, "EC"),
            ("P-521", "ES512", 132, "EC-HSM"),
        ] {
            let name = format!("ec-{}", crv.replace('-', ""));
            let r = k.create(t, &name, json!({"kty": kty, "crv": crv})).await;
            let jwk = r.body["key"].clone();
            let expected_kty = match t {
                Target::Hsm(_) => "EC-HSM",
                Target::Vault(_) => kty,
            };
            assert_eq!(jwk["kty"], expected_kty);
            assert_eq!(jwk["crv"], crv);
            assert_eq!(jwk["key_ops"], json!(["sign", "verify"]));
            let kid = jwk["kid"].clone();
            let d = digest(alg, b"message");
            let sig = k
                .op(t, &kid, "sign", json!({"alg": alg, "value": b64(&d)}))
                .await;
            let signature = unb64(&sig.body["value"]);
            assert_eq!(signature.len(), len, "{crv}");
            let (x, y) = (unb64(&jwk["x"]), unb64(&jwk["y"]));
            assert!(ec_verify(crv, &x, &y, &d, &signature), "{crv}");
            let ok = k
                .op(
                    t,
                    &kid,
                    "verify",
                    json!({"alg": alg, "digest": b64(&d), "value": sig.body["value"]}),
                )
                .await;
            assert_eq!(ok.body["value"], true);
            let path = kid
                .as_str()
                .unwrap()
                .split_once("/keys/")
                .unwrap()
                .1
                .to_string();
            let r = k
                .post(
                    t,
                    &format!("/keys/{path}/sign"),
                    json!({"alg": alg, "value": b64(&d[..20])}),
                )
                .await;
            assert_error(&r, 400, "BadParameter");
            // The key's operations say sign/verify only.
            let r = k
                .post(
                    t,
                    &format!("/keys/{path}/encrypt"),
                    json!({"alg": "RSA-OAEP", "value": b64(&d)}),
                )
                .await;
            assert_error(&r, 403, "Forbidden");
            let r = k
                .post(
                    t,
                    &format!("/keys/{path}/wrapkey"),
                    json!({"alg": "RSA-OAEP", "value": b64(&d)}),
                )
                .await;
            assert_error(&r, 403, "Forbidden");
        }
        // The curve must match the algorithm.
        let r = k
            .create(t, "p256", json!({"kty": "EC", "crv": "P-256"}))
            .await;
        let path = r.body["key"]["kid"]
            .as_str()
            .unwrap()
            .split_once("/keys/")
            .unwrap()
            .1
            .to_string();
        let r = k
            .post(
                t,
                &format!("/keys/{path}/sign"),
                json!({"alg": "ES384", "value": b64(&[0u8; 48])}),
            )
            .await;
        assert_error(&r, 400, "BadParameter");
    }
    let t = Target::Vault("ec");
    let r = k
        .post(
            t,
            "/keys/bad-curve/create",
            json!({"kty": "EC", "crv": "P-192"}),
        )
        .await;
    assert_error(&r, 400, "BadParameter");
}

#[tokio::test]
async fn oct_keys_only_on_managed_hsm_with_every_symmetric_algorithm() {
    let k = Keys::new().await;
    for kty in ["oct", "oct-HSM"] {
        let r = k
            .post(
                Target::Vault("kv"),
                "/keys/aes/create",
                json!({"kty": kty, "key_size": 256}),
            )
            .await;
        assert_eq!(
            r.body,
            json!({"error": {"code": "BadParameter", "message": format!("Invalid kty value: {kty}"),
                             "innererror": {"code": "KeyTypeNotSupported"}}})
        );
        assert_eq!(r.status, 400);
    }
    let t = Target::Hsm("hsm");
    for size in [128, 192, 256] {
        let name = format!("aes-{size}");
        let r = k
            .create(t, &name, json!({"kty": "oct", "key_size": size, "key_ops": ["encrypt", "decrypt", "wrapKey", "unwrapKey", "sign", "verify"]}))
            .await;
        let jwk = r.body["key"].clone();
        assert_eq!(jwk["kty"], "oct-HSM");
        assert!(jwk.get("k").is_none());
        assert_eq!(r.body["attributes"]["exportable"], false);
        let kid = jwk["kid"].clone();
        let plain = b"exactly thirty-two bytes long!!!";
        let iv = [5u8; 16];
        for mode in ["GCM", "CBC", "CBCPAD", "KW"] {
            let alg = format!("A{size}{mode}");
            let mut body = json!({"alg": alg, "value": b64(plain)});
            if mode.starts_with("CBC") {
                body["iv"] = json!(b64(&iv));
            }
            if mode == "GCM" {
                body["aad"] = json!(b64(b"header"));
            }
            let enc = k.op(t, &kid, "encrypt", body).await;
            let out = &enc.body;
            let mut back = json!({"alg": alg, "value": out["value"]});
            match mode {
                "GCM" => {
                    assert_eq!(unb64(&out["iv"]).len(), 12);
                    assert_eq!(unb64(&out["tag"]).len(), 16);
                    assert_eq!(unb64(&out["aad"]), b"header");
                    back["iv"] = out["iv"].clone();
                    back["tag"] = out["tag"].clone();
                    back["aad"] = out["aad"].clone();
                }
                "CBC" | "CBCPAD" => {
                    assert_eq!(unb64(&out["iv"]), iv);
                    let expected = if mode == "CBC" { 32 } else { 48 };
                    assert_eq!(unb64(&out["value"]).len(), expected);
                    back["iv"] = out["iv"].clone();
                }
                _ => assert_eq!(unb64(&out["value"]).len(), 40),
            }
            let dec = k.op(t, &kid, "decrypt", back.clone()).await;
            assert_eq!(unb64(&dec.body["value"]), plain, "{alg}");
            if mode == "GCM" {
                back["aad"] = json!(b64(b"tampered"));
                let path = kid
                    .as_str()
                    .unwrap()
                    .split_once("/keys/")
                    .unwrap()
                    .1
                    .to_string();
                let r = k.post(t, &format!("/keys/{path}/decrypt"), back).await;
                assert_error(&r, 400, "BadParameter");
            }
        }
        for alg in [format!("A{size}KW"), "CKM_AES_KEY_WRAP".to_string()] {
            let w = k
                .op(
                    t,
                    &kid,
                    "wrapkey",
                    json!({"alg": alg, "value": b64(&[1u8; 24])}),
                )
                .await;
            let u = k
                .op(
                    t,
                    &kid,
                    "unwrapkey",
                    json!({"alg": alg, "value": w.body["value"]}),
                )
                .await;
            assert_eq!(unb64(&u.body["value"]), [1u8; 24]);
        }
        let odd = b"an odd length key of 29 bytes";
        for alg in [format!("A{size}KWPAD"), "CKM_AES_KEY_WRAP_PAD".to_string()] {
            let w = k
                .op(t, &kid, "wrapkey", json!({"alg": alg, "value": b64(odd)}))
                .await;
            let u = k
                .op(
                    t,
                    &kid,
                    "unwrapkey",
                    json!({"alg": alg, "value": w.body["value"]}),
                )
                .await;
            assert_eq!(unb64(&u.body["value"]), odd);
        }
        for alg in ["HS256", "HS384", "HS512"] {
            let s = k
                .op(t, &kid, "sign", json!({"alg": alg, "value": b64(b"data")}))
                .await;
            let v = k
                .op(
                    t,
                    &kid,
                    "verify",
                    json!({"alg": alg, "digest": b64(b"data"), "value": s.body["value"]}),
                )
                .await;
            assert_eq!(v.body["value"], true);
        }
        // The AES size is part of the algorithm name.
        let other = if size == 128 { "A256GCM" } else { "A128GCM" };
        let path = kid
            .as_str()
            .unwrap()
            .split_once("/keys/")
            .unwrap()
            .1
            .to_string();
        let r = k
            .post(
                t,
                &format!("/keys/{path}/encrypt"),
                json!({"alg": other, "value": b64(plain)}),
            )
            .await;
        assert_error(&r, 400, "BadParameter");
        let r = k
            .post(
                t,
                &format!("/keys/{path}/encrypt"),
                json!({"alg": "RSA-OAEP", "value": b64(plain)}),
            )
            .await;
        assert_error(&r, 400, "BadParameter");
    }
    let r = k
        .post(
            t,
            "/keys/aes-bad/create",
            json!({"kty": "oct-HSM", "key_size": 512}),
        )
        .await;
    assert_error(&r, 400, "BadParameter");
    // Default key size 256 and default operations.
    let r = k.create(t, "aes-default", json!({"kty": "oct-HSM"})).await;
    assert_eq!(
        r.body["key"]["key_ops"],
        json!(["encrypt", "decrypt", "wrapKey", "unwrapKey"])
    );
}

#[tokio::test]
async fn import_keys_with_private_parts() {
    let k = Keys::new().await;
    let t = Target::Vault("imp");
    let private = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).unwrap();
    use rsa::traits::{PrivateKeyParts as _, PublicKeyParts as _};
    let jwk = json!({
        "kty": "RSA",
        "n": b64(&private.n().to_bytes_be()),
        "e": b64(&private.e().to_bytes_be()),
        "d": b64(&private.d().to_bytes_be()),
        "p": b64(&private.primes()[0].to_bytes_be()),
        "q": b64(&private.primes()[1].to_bytes_be()),
    });
    let r = k
        .call(
            t,
            Method::PUT,
            "/keys/imported",
            Some(json!({"key": jwk, "Hsm": true, "tags": {"src": "local"}})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["key"]["kty"], "RSA-HSM");
    assert_eq!(r.body["key"]["n"], jwk["n"]);
    assert!(r.body["key"].get("d").is_none());
    assert_eq!(r.body["tags"], json!({"src": "local"}));
    // The emulator decrypts what the original private key's public half encrypted, and the
    // original key decrypts what the emulator encrypted.
    let kid = r.body["key"]["kid"].clone();
    let enc = k
        .op(
            t,
            &kid,
            "encrypt",
            json!({"alg": "RSA-OAEP-256", "value": b64(b"imported")}),
        )
        .await;
    let plain = private
        .decrypt_blinded(
            &mut rand::rngs::OsRng,
            rsa::Oaep::new::<sha2::Sha256>(),
            &unb64(&enc.body["value"]),
        )
        .unwrap();
    assert_eq!(plain, b"imported");

    let secret = p256::SecretKey::random(&mut rand::rngs::OsRng);
    use p256::elliptic_curve::sec1::ToEncodedPoint as _;
    let point = secret.public_key().to_encoded_point(false);
    let ec = json!({"kty": "EC", "crv": "P-256", "d": b64(&secret.to_bytes()),
                    "x": b64(point.x().unwrap()), "y": b64(point.y().unwrap()), "key_ops": ["sign"]});
    let r = k
        .call(
            t,
            Method::PUT,
            "/keys/imported-ec",
            Some(json!({"key": ec})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["key"]["kty"], "EC");
    assert_eq!(r.body["key"]["key_ops"], json!(["sign"]));
    assert_eq!(r.body["key"]["x"], ec["x"]);

    for bad in [
        json!({"key": {"kty": "RSA", "n": jwk["n"], "e": "AQAB"}}),
        json!({"key": {"kty": "EC", "crv": "P-256", "d": b64(&[0u8; 31])}}),
        json!({"key": {"kty": "EC", "crv": "P-256", "d": ec["d"], "x": jwk["e"], "y": ec["y"]}}),
        json!({"key": {"kty": "XYZ"}}),
        json!({"key": {"kty": "oct", "k": b64(&[1u8; 32])}}),
        json!({"tags": {}}),
    ] {
        let r = k
            .call(t, Method::PUT, "/keys/bad-import", Some(bad.clone()))
            .await;
        assert_error(&r, 400, "BadParameter");
    }
    let r = k
        .call(
            Target::Hsm("imphsm"),
            Method::PUT,
            "/keys/aes",
            Some(json!({"key": {"kty": "oct", "k": b64(&[2u8; 16])}})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["key"]["kty"], "oct-HSM");
    let kid = r.body["key"]["kid"].clone();
    let enc = k
        .op(
            Target::Hsm("imphsm"),
            &kid,
            "encrypt",
            json!({"alg": "A128KW", "value": b64(&[3u8; 16])}),
        )
        .await;
    let kek = aes_kw::KekAes128::from([2u8; 16]);
    assert_eq!(
        kek.unwrap_vec(&unb64(&enc.body["value"])).unwrap(),
        [3u8; 16]
    );
}

#[tokio::test]
async fn forbidden_and_not_found_errors() {
    let k = Keys::new().await;
    let t = Target::Vault("err");
    let r = k.get(t, "/keys/missing").await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.body,
        json!({"error": {"code": "KeyNotFound", "message": "A key with (name/id) missing was not found in this key vault. If you recently deleted this key you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182"}})
    );
    let r = k
        .post(
            t,
            "/keys/missing/encrypt",
            json!({"alg": "RSA-OAEP", "value": "AA"}),
        )
        .await;
    assert_error(&r, 404, "KeyNotFound");
    let r = k.get(t, "/keys/bad_name").await;
    assert_error(&r, 400, "BadParameter");

    let r = k
        .create(t, "limited", json!({"kty": "EC", "key_ops": ["verify"]}))
        .await;
    let kid = r.body["key"]["kid"].clone();
    let version = version_of(&kid);
    let r = k
        .post(
            t,
            &format!("/keys/limited/{version}/sign"),
            json!({"alg": "ES256", "value": b64(&[0u8; 32])}),
        )
        .await;
    assert_eq!(
        r.body,
        json!({"error": {"code": "Forbidden", "message": "Operation sign is not permitted on this key.",
                         "innererror": {"code": "KeyOperationForbidden"}}})
    );
    assert_eq!(r.status, 403);
    let r = k
        .post(
            t,
            &format!("/keys/limited/{}/sign", "0".repeat(32)),
            json!({"alg": "ES256", "value": b64(&[0u8; 32])}),
        )
        .await;
    assert_error(&r, 404, "KeyNotFound");

    // Malformed bodies and missing properties.
    let r =
        k.h.raw(Method::POST, &k.url(t, "/keys/x/create"), "{not json")
            .await;
    assert_error(&r, 400, "BadParameter");
    let r = k.post(t, "/keys/x/create", json!({"key_size": 2048})).await;
    assert_error(&r, 400, "BadParameter");
    let r = k
        .post(t, "/keys/limited/verify", json!({"alg": "ES256"}))
        .await;
    assert_error(&r, 400, "BadParameter");

    let r = k
        .create(
            t,
            "disabled",
            json!({"kty": "EC", "attributes": {"enabled": false}}),
        )
        .await;
    assert_eq!(r.body["attributes"]["enabled"], false);
    let r = k
        .post(
            t,
            "/keys/disabled/sign",
            json!({"alg": "ES256", "value": b64(&[0u8; 32])}),
        )
        .await;
    assert_error(&r, 403, "Forbidden");
    assert_eq!(r.body["error"]["innererror"]["code"], "KeyDisabled");

    let now =
        k.h.call(
            Method::GET,
            &format!("{}/_emulator/clock", k.h.emu.endpoint()),
            None,
        )
        .await;
    let now = now.body["now"].as_i64().unwrap();
    k.create(
        t,
        "future",
        json!({"kty": "EC", "attributes": {"nbf": now + 3600}}),
    )
    .await;
    let r = k
        .post(
            t,
            "/keys/future/sign",
            json!({"alg": "ES256", "value": b64(&[0u8; 32])}),
        )
        .await;
    assert_error(&r, 403, "Forbidden");
    k.create(
        t,
        "expiring",
        json!({"kty": "EC", "attributes": {"exp": now + 60}}),
    )
    .await;
    k.op(
        t,
        &json!(format!("{}/keys/expiring", k.h.emu.vault_url("err"))),
        "sign",
        json!({"alg": "ES256", "value": b64(&[0u8; 32])}),
    )
    .await;
    k.h.emu.control().advance_clock(Duration::from_secs(120));
    let r = k
        .post(
            t,
            "/keys/expiring/sign",
            json!({"alg": "ES256", "value": b64(&[0u8; 32])}),
        )
        .await;
    assert_error(&r, 403, "Forbidden");
    assert_eq!(r.body["error"]["innererror"]["code"], "KeyExpired");
    // The advanced clock makes the not-yet-valid key usable.
    k.h.emu.control().advance_clock(Duration::from_secs(3600));
    let token = k.h.token_for("https://vault.azure.net/.default").await;
    let r =
        k.h.call_with(
            Method::POST,
            &k.url(t, "/keys/future/sign"),
            Some(json!({"alg": "ES256", "value": b64(&[0u8; 32])})),
            Some(&token),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn soft_delete_recover_and_purge() {
    let k = Keys::new().await;
    let t = Target::Vault("del");
    let created = k
        .create(t, "gone", json!({"kty": "EC", "tags": {"t": "1"}}))
        .await;
    k.create(t, "gone-too", json!({"kty": "EC"})).await;
    let r = k.call(t, Method::DELETE, "/keys/gone", None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["key"], created.body["key"]);
    assert_eq!(
        r.body["recoveryId"],
        format!("{}/deletedkeys/gone", k.h.emu.vault_url("del"))
    );
    let deleted = r.body["deletedDate"].as_i64().unwrap();
    assert_eq!(
        r.body["scheduledPurgeDate"].as_i64().unwrap(),
        deleted + 90 * 86_400
    );
    assert_error(&k.get(t, "/keys/gone").await, 404, "KeyNotFound");
    let r = k.post(t, "/keys/gone/create", json!({"kty": "EC"})).await;
    assert_eq!(r.status, 409);
    assert_eq!(
        r.body["error"]["innererror"]["code"],
        "ObjectIsDeletedButRecoverable"
    );
    assert_eq!(r.body["error"]["message"], "Key gone is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the key can only be recovered or purged.");
    let r = k.get(t, "/deletedkeys/gone").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["tags"], json!({"t": "1"}));
    k.call(t, Method::DELETE, "/keys/gone-too", None).await;
    let list = k.get(t, "/deletedkeys?maxresults=1").await;
    assert_eq!(
        list.body["value"][0]["kid"],
        format!("{}/keys/gone", k.h.emu.vault_url("del"))
    );
    assert!(list.body["value"][0]["recoveryId"].is_string());
    let next = list.body["nextLink"].as_str().unwrap().to_string();
    let rest = k.send(t, Method::GET, &next, None).await;
    assert_eq!(rest.body["value"].as_array().unwrap().len(), 1);
    assert!(rest.body["nextLink"].is_null());

    let r = k.post(t, "/deletedkeys/gone/recover", json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["key"]["kid"], created.body["key"]["kid"]);
    assert_eq!(k.get(t, "/keys/gone").await.status, 200);
    let r = k
        .call(t, Method::DELETE, "/deletedkeys/gone-too", None)
        .await;
    assert_eq!(r.status, 204);
    assert!(r.text.is_empty());
    assert_error(&k.get(t, "/deletedkeys/gone-too").await, 404, "KeyNotFound");
    assert_eq!(
        k.get(t, "/deletedkeys/gone-too").await.body["error"]["message"],
        "Deleted Key not found: gone-too"
    );
    k.create(t, "gone-too", json!({"kty": "EC"})).await;

    // With a delete latency, clients poll until the deleted key appears.
    k.h.emu
        .control()
        .set_delete_latency(Duration::from_millis(300));
    k.call(t, Method::DELETE, "/keys/gone-too", None).await;
    assert_error(&k.get(t, "/deletedkeys/gone-too").await, 404, "KeyNotFound");
    let r = k
        .post(t, "/keys/gone-too/create", json!({"kty": "EC"}))
        .await;
    assert_eq!(
        r.body["error"]["innererror"]["code"],
        "ObjectIsBeingDeleted"
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(k.get(t, "/deletedkeys/gone-too").await.status, 200);
}

#[tokio::test]
async fn backup_restores_into_another_vault_of_the_process_only() {
    let k = Keys::new().await;
    let (a, b) = (Target::Vault("kva"), Target::Vault("kvb"));
    let created = k
        .create(a, "moving", json!({"kty": "RSA", "key_size": 2048}))
        .await;
    k.post(
        a,
        "/keys/moving/create",
        json!({"kty": "RSA", "key_size": 2048}),
    )
    .await;
    let kid = created.body["key"]["kid"].clone();
    let enc = k
        .op(
            a,
            &kid,
            "encrypt",
            json!({"alg": "RSA-OAEP-256", "value": b64(b"portable")}),
        )
        .await;
    let backup = k.post(a, "/keys/moving/backup", json!({})).await;
    assert_eq!(backup.status, 200);
    let blob = backup.body["value"].as_str().unwrap().to_string();
    assert!(!blob.contains("\"d\""));
    let restored = k.post(b, "/keys/restore", json!({"value": blob})).await;
    assert_eq!(restored.status, 200, "{}", restored.text);
    assert_eq!(
        restored.body["key"]["n"],
        k.get(a, "/keys/moving").await.body["key"]["n"]
    );
    assert!(restored.body["key"]["kid"]
        .as_str()
        .unwrap()
        .starts_with(&k.h.emu.vault_url("kvb")));
    let versions = k.get(b, "/keys/moving/versions").await;
    assert_eq!(versions.body["value"].as_array().unwrap().len(), 2);
    // The restored first version decrypts what the original encrypted.
    let version = version_of(&kid);
    let dec = k
        .post(
            b,
            &format!("/keys/moving/{version}/decrypt"),
            json!({"alg": "RSA-OAEP-256", "value": enc.body["value"]}),
        )
        .await;
    assert_eq!(unb64(&dec.body["value"]), b"portable");
    let again = k.post(b, "/keys/restore", json!({"value": blob})).await;
    assert_error(&again, 409, "Conflict");
    let r = k
        .post(b, "/keys/restore", json!({"value": "bm90IGEgYmFja3Vw"}))
        .await;
    assert_error(&r, 400, "BadParameter");
    let other = Keys::new().await;
    let r = other.post(b, "/keys/restore", json!({"value": blob})).await;
    assert_error(&r, 400, "BadParameter");
    let r = k.post(a, "/keys/absent/backup", json!({})).await;
    assert_error(&r, 404, "KeyNotFound");
}

#[tokio::test]
async fn rotation_and_rotation_policies() {
    let k = Keys::new().await;
    let t = Target::Vault("rot");
    let first = k
        .create(
            t,
            "rotating",
            json!({"kty": "EC", "crv": "P-384", "key_ops": ["sign"], "tags": {"k": "v"}}),
        )
        .await;
    let default = k.get(t, "/keys/rotating/rotationpolicy").await;
    assert_eq!(default.status, 200);
    assert_eq!(
        default.body["id"],
        format!("{}/keys/rotating/rotationpolicy", k.h.emu.vault_url("rot"))
    );
    assert_eq!(
        default.body["lifetimeActions"],
        json!([{"trigger": {"timeBeforeExpiry": "P30D"}, "action": {"type": "Notify"}}])
    );
    let policy = json!({"lifetimeActions": [
        {"trigger": {"timeAfterCreate": "P90D"}, "action": {"type": "Rotate"}},
        {"trigger": {"timeBeforeExpiry": "P30D"}, "action": {"type": "Notify"}}],
        "attributes": {"expiryTime": "P2Y"}});
    let r = k
        .call(
            t,
            Method::PUT,
            "/keys/rotating/rotationpolicy",
            Some(policy.clone()),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["lifetimeActions"], policy["lifetimeActions"]);
    assert_eq!(r.body["attributes"]["expiryTime"], "P2Y");
    assert!(r.body["attributes"]["created"].is_i64());
    assert_eq!(k.get(t, "/keys/rotating/rotationpolicy").await.body, r.body);

    let rotated = k.post(t, "/keys/rotating/rotate", json!({})).await;
    assert_eq!(rotated.status, 200, "{}", rotated.text);
    let key = &rotated.body["key"];
    assert_ne!(key["kid"], first.body["key"]["kid"]);
    assert_ne!(key["x"], first.body["key"]["x"]);
    assert_eq!(key["crv"], "P-384");
    assert_eq!(key["key_ops"], json!(["sign"]));
    assert_eq!(rotated.body["tags"], json!({"k": "v"}));
    let created = rotated.body["attributes"]["created"].as_i64().unwrap();
    assert_eq!(
        rotated.body["attributes"]["exp"].as_i64().unwrap(),
        created + 730 * 86_400
    );

    // The service rotates by itself once timeAfterCreate has passed.
    k.h.emu
        .control()
        .advance_clock(Duration::from_secs(91 * 86_400));
    let token = k.h.token_for("https://vault.azure.net/.default").await;
    let versions =
        k.h.call_with(
            Method::GET,
            &k.url(t, "/keys/rotating/versions"),
            None,
            Some(&token),
        )
        .await;
    assert_eq!(
        versions.body["value"].as_array().unwrap().len(),
        3,
        "{}",
        versions.text
    );

    for bad in [
        json!({"attributes": {"expiryTime": "P7D"}}),
        json!({"attributes": {"expiryTime": "two years"}}),
        json!({"lifetimeActions": [{"trigger": {"timeAfterCreate": "P90D", "timeBeforeExpiry": "P30D"}, "action": {"type": "Rotate"}}]}),
        json!({"lifetimeActions": [{"trigger": {"timeAfterCreate": "P90D"}, "action": {"type": "Explode"}}]}),
    ] {
        let r =
            k.h.call_with(
                Method::PUT,
                &k.url(t, "/keys/rotating/rotationpolicy"),
                Some(bad),
                Some(&token),
            )
            .await;
        assert_error(&r, 400, "BadParameter");
    }
    let r =
        k.h.call_with(
            Method::GET,
            &k.url(t, "/keys/nothing/rotationpolicy"),
            None,
            Some(&token),
        )
        .await;
    assert_error(&r, 404, "KeyNotFound");
    let r =
        k.h.call_with(
            Method::POST,
            &k.url(t, "/keys/nothing/rotate"),
            Some(json!({})),
            Some(&token),
        )
        .await;
    assert_error(&r, 404, "KeyNotFound");

    // Managed HSM: no Notify action.
    let hsm = Target::Hsm("rothsm");
    let token = k.h.token_for("https://managedhsm.azure.net/.default").await;
    let r =
        k.h.call_with(
            Method::POST,
            &k.url(hsm, "/keys/h/create"),
            Some(json!({"kty": "RSA-HSM"})),
            Some(&token),
        )
        .await;
    assert_eq!(r.status, 200);
    let r =
        k.h.call_with(
            Method::GET,
            &k.url(hsm, "/keys/h/rotationpolicy"),
            None,
            Some(&token),
        )
        .await;
    assert_eq!(r.body["lifetimeActions"], json!([]));
    let r =
        k.h.call_with(
            Method::PUT,
            &k.url(hsm, "/keys/h/rotationpolicy"),
            Some(policy),
            Some(&token),
        )
        .await;
    assert_error(&r, 400, "BadParameter");
}

fn release_policy(authority: &str) -> Value {
    let rules = json!({"version": "1.0.0", "anyOf": [{"authority": authority,
        "allOf": [{"claim": "x-ms-isolation-tee.x-ms-attestation-type", "equals": "sevsnpvm"}]}]});
    json!({"contentType": "application/json; charset=utf-8", "data": b64(rules.to_string().as_bytes())})
}

fn attestation_token(iss: &str, tee: &str, runtime: &rsa::RsaPublicKey) -> String {
    use rsa::traits::PublicKeyParts as _;
    let claims = json!({
        "iss": iss,
        "x-ms-isolation-tee": {"x-ms-attestation-type": tee},
        "x-ms-runtime": {"keys": [{"kid": "TpmEphemeralEncryptionKey", "kty": "RSA", "key_ops": ["encrypt"],
            "n": b64(&runtime.n().to_bytes_be()), "e": b64(&runtime.e().to_bytes_be())}]},
    });
    format!(
        "{}.{}.{}",
        b64(br#"{"alg":"RS256","typ":"JWT"}"#),
        b64(claims.to_string().as_bytes()),
        b64(b"signature")
    )
}

fn jws_payload(jws: &str) -> Value {
    let parts: Vec<&str> = jws.split('.').collect();
    assert_eq!(parts.len(), 3, "a compact JWS");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap()
}

#[tokio::test]
async fn secure_key_release() {
    let k = Keys::new().await;
    let t = Target::Vault("skr");
    let authority = "https://sharedeus.eus.attest.azure.net";
    let r = k
        .post(
            t,
            "/keys/exp/create",
            json!({"kty": "EC-HSM", "attributes": {"exportable": true}}),
        )
        .await;
    assert_error(&r, 400, "BadParameter");
    let r = k
        .post(
            t,
            "/keys/exp/create",
            json!({"kty": "EC-HSM", "release_policy": release_policy(authority)}),
        )
        .await;
    assert_error(&r, 400, "BadParameter");
    let created = k
        .create(
            t,
            "exp",
            json!({"kty": "EC-HSM", "crv": "P-256", "attributes": {"exportable": true},
                                 "release_policy": release_policy(authority)}),
        )
        .await;
    assert_eq!(created.body["attributes"]["exportable"], true);
    assert_eq!(created.body["release_policy"]["immutable"], false);
    assert_eq!(
        created.body["release_policy"]["data"],
        release_policy(authority)["data"]
    );
    let version = version_of(&created.body["key"]["kid"]);

    let runtime = rsa::RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).unwrap();
    let token = attestation_token(authority, "sevsnpvm", &runtime.to_public_key());
    let r = k
        .post(
            t,
            &format!("/keys/exp/{version}/release"),
            json!({"target": token, "nonce": "n-1", "enc": "RSA_AES_KEY_WRAP_256"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let payload = jws_payload(r.body["value"].as_str().unwrap());
    assert_eq!(payload["request"]["nonce"], "n-1");
    assert_eq!(payload["request"]["enc"], "RSA_AES_KEY_WRAP_256");
    let released = &payload["response"]["key"];
    assert_eq!(released["key"]["x"], created.body["key"]["x"]);
    assert_eq!(released["attributes"]["exportable"], true);
    // key_hsm: the AES key wrapped for the runtime key, then the PKCS#8 key wrapped with it.
    let key_hsm: Value = serde_json::from_slice(&unb64(&released["key"]["key_hsm"])).unwrap();
    assert_eq!(key_hsm["header"]["enc"], "RSA_AES_KEY_WRAP_256");
    let ciphertext = unb64(&key_hsm["ciphertext"]);
    let (wrapped_aes, wrapped_key) = ciphertext.split_at(256);
    let aes = runtime
        .decrypt_blinded(
            &mut rand::rngs::OsRng,
            rsa::Oaep::new::<sha2::Sha256>(),
            wrapped_aes,
        )
        .unwrap();
    let kek = aes_kw::KekAes256::from(<[u8; 32]>::try_from(aes.as_slice()).unwrap());
    let pkcs8 = kek.unwrap_with_padding_vec(wrapped_key).unwrap();
    use p256::pkcs8::DecodePrivateKey as _;
    let secret = p256::SecretKey::from_pkcs8_der(&pkcs8).unwrap();
    use p256::elliptic_curve::sec1::ToEncodedPoint as _;
    let point = secret.public_key().to_encoded_point(false);
    assert_eq!(
        b64(point.x().unwrap()),
        created.body["key"]["x"].as_str().unwrap()
    );

    // The token must satisfy the policy and look like a JWT; the key must be exportable.
    let wrong = attestation_token(authority, "sgx", &runtime.to_public_key());
    let r = k
        .post(t, "/keys/exp/release", json!({"target": wrong}))
        .await;
    assert_error(&r, 403, "Forbidden");
    let other_authority =
        attestation_token("https://evil.example", "sevsnpvm", &runtime.to_public_key());
    let r = k
        .post(t, "/keys/exp/release", json!({"target": other_authority}))
        .await;
    assert_error(&r, 403, "Forbidden");
    let r = k
        .post(t, "/keys/exp/release", json!({"target": "not-a-jwt"}))
        .await;
    assert_error(&r, 400, "BadParameter");
    let r = k.post(t, "/keys/exp/release", json!({})).await;
    assert_error(&r, 400, "BadParameter");
    k.create(t, "plain", json!({"kty": "EC-HSM"})).await;
    let r = k
        .post(t, "/keys/plain/release", json!({"target": token}))
        .await;
    assert_error(&r, 400, "BadParameter");
    // CKM_RSA_AES_KEY_WRAP is the default encryption.
    let r = k
        .post(t, "/keys/exp/release", json!({"target": token}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let payload = jws_payload(r.body["value"].as_str().unwrap());
    assert_eq!(payload["request"]["enc"], "CKM_RSA_AES_KEY_WRAP");

    // An immutable policy cannot change.
    let mut immutable = release_policy(authority);
    immutable["immutable"] = json!(true);
    let r = k
        .call(
            t,
            Method::PATCH,
            "/keys/exp",
            Some(json!({"release_policy": immutable})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = k
        .call(
            t,
            Method::PATCH,
            "/keys/exp",
            Some(json!({"release_policy": release_policy("https://other")})),
        )
        .await;
    assert_error(&r, 400, "BadParameter");
}

#[tokio::test]
async fn attestation_secure_wrap_and_random_bytes() {
    let k = Keys::new().await;
    let hsm = Target::Hsm("att");
    let r = k
        .create(hsm, "attested", json!({"kty": "RSA-HSM", "key_size": 2048}))
        .await;
    let version = version_of(&r.body["key"]["kid"]);
    let r = k
        .get(hsm, &format!("/keys/attested/{version}/attestation"))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let att = &r.body["attributes"]["attestation"];
    let pem = String::from_utf8(unb64(&att["certificatePemFile"])).unwrap();
    assert_eq!(pem, k.h.emu.ca_certificate_pem());
    assert!(att["privateKeyAttestation"].is_string());
    assert!(att["publicKeyAttestation"].is_string());
    assert_eq!(att["version"], "1.0");
    let url = k.url_api(hsm, &format!("/keys/attested/{version}/attestation"), "7.5");
    let r = k.send(hsm, Method::GET, &url, None).await;
    assert_error(&r, 400, "BadParameter");
    let r = k
        .create(Target::Vault("att"), "soft", json!({"kty": "RSA"}))
        .await;
    let version = version_of(&r.body["key"]["kid"]);
    let r = k
        .get(
            Target::Vault("att"),
            &format!("/keys/soft/{version}/attestation"),
        )
        .await;
    assert_error(&r, 400, "BadParameter");

    // Secure wrap: a fresh AES-256 key wrapped with the key, and unwrapped again.
    let r = k
        .post(
            hsm,
            "/keys/attested/securewrapkey",
            json!({"alg": "RSA-OAEP-256"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["alg"], "RSA-OAEP-256");
    let wrapped = r.body["value"].clone();
    let r = k
        .post(
            hsm,
            "/keys/attested/secureunwrapkey",
            json!({"alg": "RSA-OAEP-256", "value": wrapped, "target": "attestation"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(unb64(&r.body["value"]).len(), 32);
    let r = k
        .post(
            hsm,
            "/keys/attested/secureunwrapkey",
            json!({"alg": "RSA-OAEP-256", "value": wrapped}),
        )
        .await;
    assert_error(&r, 400, "BadParameter");

    for count in [1, 33, 128] {
        let r = k.post(hsm, "/rng", json!({"count": count})).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(unb64(&r.body["value"]).len(), count);
    }
    for count in [0, 129] {
        let r = k.post(hsm, "/rng", json!({"count": count})).await;
        assert_error(&r, 400, "BadParameter");
    }
    let r = k
        .post(Target::Vault("att"), "/rng", json!({"count": 4}))
        .await;
    assert_error(&r, 400, "BadParameter");
    // Tokens are flavour-bound: a vault token does not open a Managed HSM.
    let r =
        k.h.call_with(
            Method::POST,
            &k.url(hsm, "/rng"),
            Some(json!({"count": 4})),
            Some(&k.h.token),
        )
        .await;
    assert_eq!(r.status, 401);
}
