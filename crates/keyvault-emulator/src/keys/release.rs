//! Secure key release: attestation tokens, release policies, the released-key envelope, and the
//! key attestation blobs.

use std::sync::OnceLock;

use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use rand::rngs::OsRng;
use rand::RngCore as _;
use rsa::{BigUint, RsaPublicKey};
use serde_json::{json, Map, Value};
use zeroize::Zeroizing;

use super::crypto::aes_wrap;
use super::jwk::{b64u, unb64u, Material};
use crate::errors::ServiceError;

/// The encryption algorithms of `KeyReleaseParameters.enc`.
pub(crate) const RELEASE_ENCRYPTIONS: &[&str] = &[
    "CKM_RSA_AES_KEY_WRAP",
    "RSA_AES_KEY_WRAP_256",
    "RSA_AES_KEY_WRAP_384",
];

fn bad(message: impl Into<String>) -> ServiceError {
    ServiceError::bad_parameter(message)
}

/// The per-process key that signs released keys and attestation statements.
fn signer() -> &'static SigningKey {
    static SIGNER: OnceLock<SigningKey> = OnceLock::new();
    SIGNER.get_or_init(|| SigningKey::random(&mut OsRng))
}

/// The public JWK of the signer, carried in the JWS header so that a client can verify it.
fn signer_jwk() -> Value {
    let point = signer().verifying_key().to_encoded_point(false);
    json!({
        "kty": "EC",
        "crv": "P-256",
        "x": b64u(point.x().map(|x| x.as_slice()).unwrap_or_default()),
        "y": b64u(point.y().map(|y| y.as_slice()).unwrap_or_default()),
    })
}

/// A compact JWS (`ES256`) over `payload`.
pub(crate) fn jws(payload: &Value) -> String {
    let header = json!({
        "alg": "ES256",
        "typ": "JWT",
        "kid": "keyvault-emulator-release",
        "jwk": signer_jwk(),
    });
    let signing_input = format!(
        "{}.{}",
        b64u(header.to_string().as_bytes()),
        b64u(payload.to_string().as_bytes())
    );
    let signature: Signature = signer().sign(signing_input.as_bytes());
    format!("{signing_input}.{}", b64u(&signature.to_bytes()))
}

/// Decodes an attestation token: a JWT of three base64url parts whose header and payload are
/// JSON objects. Its signature is not checked (no attestation service is emulated).
pub(crate) fn parse_token(token: &str) -> Result<Value, ServiceError> {
    let invalid = || {
        bad("The target attestation token is not valid: it must be a JSON Web Token of three base64url parts.")
    };
    let parts: Vec<&str> = token.trim().split('.').collect();
    if parts.len() != 3 || parts.iter().take(2).any(|p| p.is_empty()) {
        return Err(invalid());
    }
    let decode = |part: &str| -> Result<Value, ServiceError> {
        let bytes = unb64u("target", part).map_err(|_| invalid())?;
        let value: Value = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
        value.is_object().then_some(value).ok_or_else(invalid)
    };
    let header = decode(parts[0])?;
    if header.get("alg").and_then(Value::as_str).is_none() {
        return Err(invalid());
    }
    decode(parts[1])
}

/// Validates the `data` of a release policy: base64url of a JSON object with `anyOf`.
pub(crate) fn validate_policy(policy: &Value) -> Result<(), ServiceError> {
    let Some(data) = policy.get("data").and_then(Value::as_str) else {
        return Err(bad("The release policy must have a 'data' property."));
    };
    let bytes = unb64u("release_policy.data", data)?;
    let parsed: Value = serde_json::from_slice(&bytes)
        .map_err(|_| bad("The release policy data is not a valid JSON policy."))?;
    if !parsed.get("anyOf").is_some_and(Value::is_array) {
        return Err(bad(
            "The release policy must have an 'anyOf' array of authorities.",
        ));
    }
    Ok(())
}

fn claim<'a>(claims: &'a Value, name: &str) -> Option<&'a Value> {
    if let Some(v) = claims.get(name) {
        return Some(v);
    }
    name.split('.').try_fold(claims, |v, part| v.get(part))
}

fn same(actual: &Value, expected: &Value) -> bool {
    let text = |v: &Value| match v {
        Value::String(s) => s.to_ascii_lowercase(),
        other => other.to_string().to_ascii_lowercase(),
    };
    text(actual) == text(expected)
}

fn condition_holds(condition: &Value, claims: &Value) -> bool {
    if let Some(all) = condition.get("allOf").and_then(Value::as_array) {
        return all.iter().all(|c| condition_holds(c, claims));
    }
    if let Some(any) = condition.get("anyOf").and_then(Value::as_array) {
        return any.iter().any(|c| condition_holds(c, claims));
    }
    let Some(name) = condition.get("claim").and_then(Value::as_str) else {
        return false;
    };
    let expected = condition
        .get("equals")
        .or_else(|| condition.get("value"))
        .unwrap_or(&Value::Null);
    claim(claims, name).is_some_and(|actual| same(actual, expected))
}

/// Evaluates a release policy against the claims of an attestation token: one authority of
/// `anyOf` must be the token's issuer and all its conditions must hold.
pub(crate) fn policy_allows(policy: &Value, claims: &Value) -> bool {
    let Some(data) = policy.get("data").and_then(Value::as_str) else {
        return false;
    };
    let Ok(bytes) = unb64u("data", data) else {
        return false;
    };
    let Ok(parsed) = serde_json::from_slice::<Value>(&bytes) else {
        return false;
    };
    let issuer = claims
        .get("iss")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim_end_matches('/')
        .to_ascii_lowercase();
    parsed["anyOf"].as_array().is_some_and(|authorities| {
        authorities.iter().any(|a| {
            let authority = a["authority"]
                .as_str()
                .unwrap_or_default()
                .trim_end_matches('/')
                .to_ascii_lowercase();
            authority == issuer && condition_holds(a, claims)
        })
    })
}

/// The RSA public key the attested environment offers to receive the released key: the first
/// RSA key of `x-ms-runtime.keys`, or of the `keys` of the base64url JSON `aas-ehd` /
/// `x-ms-sgx-ehd` claims.
fn runtime_key(claims: &Value) -> Option<(String, RsaPublicKey)> {
    let mut candidates: Vec<Value> = claims["x-ms-runtime"]["keys"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for name in ["aas-ehd", "x-ms-sgx-ehd"] {
        if let Some(ehd) = claims.get(name).and_then(Value::as_str) {
            if let Some(held) = unb64u(name, ehd)
                .ok()
                .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
            {
                candidates.extend(held["keys"].as_array().cloned().unwrap_or_default());
            }
        }
    }
    candidates.iter().find_map(|jwk| {
        if jwk["kty"].as_str()? != "RSA" {
            return None;
        }
        let n = unb64u("n", jwk["n"].as_str()?).ok()?;
        let e = unb64u("e", jwk["e"].as_str()?).ok()?;
        let key = RsaPublicKey::new(BigUint::from_bytes_be(&n), BigUint::from_bytes_be(&e)).ok()?;
        Some((jwk["kid"].as_str().unwrap_or_default().to_string(), key))
    })
}

/// Wraps the key material for the attested environment with `enc` (PKCS#11
/// `CKM_RSA_AES_KEY_WRAP`: an ephemeral AES-256 key wrapped with RSA-OAEP, followed by the
/// material wrapped with that AES key, RFC 5649) and returns the `key_hsm` value.
pub(crate) fn key_hsm(
    material: &Material,
    claims: &Value,
    enc: &str,
) -> Result<String, ServiceError> {
    let (kid, public) = runtime_key(claims).ok_or_else(|| {
        bad("The target attestation token does not contain an RSA runtime key (x-ms-runtime.keys) to protect the released key.")
    })?;
    let oaep_alg = match enc {
        "CKM_RSA_AES_KEY_WRAP" => "RSA-OAEP",
        "RSA_AES_KEY_WRAP_256" => "RSA-OAEP-256",
        "RSA_AES_KEY_WRAP_384" => "RSA-OAEP-384",
        _ => return Err(bad(format!("Invalid enc value: '{enc}'."))),
    };
    let internal = || ServiceError::new(500, "InternalError", "Key release failed.");
    let mut ephemeral = Zeroizing::new([0u8; 32]);
    OsRng.fill_bytes(ephemeral.as_mut());
    let wrapped_aes = super::crypto::rsa_encrypt(&public, oaep_alg, ephemeral.as_ref())
        .ok_or_else(|| bad("The runtime key of the target attestation token cannot wrap a key."))?;
    let secret = material.export_bytes().ok_or_else(internal)?;
    let wrapped_key = aes_wrap(ephemeral.as_ref(), &secret, true).ok_or_else(internal)?;
    let mut ciphertext = wrapped_aes;
    ciphertext.extend_from_slice(&wrapped_key);
    let blob = json!({
        "schema_version": "1.0",
        "header": {"kid": kid, "alg": "dir", "enc": enc},
        "ciphertext": b64u(&ciphertext),
    });
    Ok(b64u(blob.to_string().as_bytes()))
}

/// The `attestation` attribute of an HSM key: the emulator CA as the certificate chain and
/// signed statements binding the key version (and its public key) to this emulated HSM.
pub(crate) fn attestation(
    kid: &str,
    public_jwk: &Map<String, Value>,
    ca_pem: &str,
    asymmetric: bool,
) -> Value {
    let statement = |kind: &str| {
        b64u(
            jws(&json!({
                "kid": kid,
                "kind": kind,
                "hsm": "keyvault-emulator",
                "key": public_jwk,
            }))
            .as_bytes(),
        )
    };
    let mut a = Map::new();
    a.insert("certificatePemFile".into(), json!(b64u(ca_pem.as_bytes())));
    a.insert("privateKeyAttestation".into(), json!(statement("private")));
    if asymmetric {
        a.insert("publicKeyAttestation".into(), json!(statement("public")));
    }
    a.insert("version".into(), json!("1.0"));
    Value::Object(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(claims: &Value) -> String {
        format!(
            "{}.{}.sig",
            b64u(br#"{"alg":"RS256"}"#),
            b64u(claims.to_string().as_bytes())
        )
    }

    #[test]
    fn tokens_and_policies() {
        assert!(parse_token("a.b").is_err());
        assert!(parse_token("not.a.jwt").is_err());
        let claims = json!({"iss": "https://attest.example/", "x-ms-sgx-mrsigner": "abc", "tee": {"debug": false}});
        let parsed = parse_token(&token(&claims)).unwrap();
        let policy_json = json!({"version": "1.0.0", "anyOf": [{"authority": "https://attest.example",
            "allOf": [{"claim": "x-ms-sgx-mrsigner", "equals": "ABC"}, {"claim": "tee.debug", "equals": "false"}]}]});
        let policy = json!({"data": b64u(policy_json.to_string().as_bytes())});
        validate_policy(&policy).unwrap();
        assert!(policy_allows(&policy, &parsed));
        let other = json!({"iss": "https://attest.example/", "x-ms-sgx-mrsigner": "def"});
        assert!(!policy_allows(&policy, &other));
        assert!(validate_policy(&json!({"data": "e30"})).is_err());
    }

    #[test]
    fn jws_has_three_parts() {
        let value = jws(&json!({"a": 1}));
        assert_eq!(value.split('.').count(), 3);
    }
}
