//! The operations on a key version: encrypt, decrypt, wrapKey, unwrapKey, sign, verify, release,
//! secure wrap/unwrap and attestation; and random bytes.

use hyper::Method;
use rand::rngs::OsRng;
use rand::RngCore as _;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::crypto::{self, CipherInput};
use super::jwk::{b64u, unb64u, Family};
use super::{
    attributes, bundle, kid, not_found, public_jwk, release, KeyKind, KeyState, KeyVersion,
};
use crate::errors::ServiceError;
use crate::http::{method_not_allowed, Ctx, Reply, Req};
use crate::lifecycle;
use crate::storage::store::Lookup;
use crate::storage::vault::Flavour;

#[derive(Debug, Deserialize)]
struct OperationParameters {
    alg: Option<String>,
    value: Option<String>,
    iv: Option<String>,
    aad: Option<String>,
    tag: Option<String>,
    digest: Option<String>,
    target: Option<String>,
    nonce: Option<String>,
    enc: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RandomParameters {
    count: Option<i64>,
}

fn bad(message: impl Into<String>) -> ServiceError {
    ServiceError::bad_parameter(message)
}

fn required<'a>(value: &'a Option<String>, name: &str) -> Result<&'a str, ServiceError> {
    value.as_deref().ok_or_else(|| {
        bad(format!(
            "The request body must contain the property '{name}'."
        ))
    })
}

fn decode(value: &Option<String>, name: &str) -> Result<Option<Vec<u8>>, ServiceError> {
    value.as_deref().map(|v| unb64u(name, v)).transpose()
}

/// The `key_ops` name an operation needs.
fn key_op(op: &str) -> Option<&'static str> {
    Some(match op {
        "encrypt" => "encrypt",
        "decrypt" => "decrypt",
        "wrapkey" | "securewrapkey" => "wrapKey",
        "unwrapkey" | "secureunwrapkey" => "unwrapKey",
        "sign" => "sign",
        "verify" => "verify",
        _ => return None,
    })
}

/// Checks that the version may perform `op` now: enabled, allowed by `key_ops`, and within
/// nbf/exp for the operations that protect data. Azure Key Vault's documentation ("About keys",
/// "Date-time controlled operations"): a key that is not yet valid or has expired still
/// decrypts, unwraps and verifies (and is released); it no longer encrypts, wraps or signs.
fn check_usable(ctx: &Ctx<'_>, v: &KeyVersion, op: &str) -> Result<(), ServiceError> {
    let now = ctx.now.unix_timestamp();
    let dated = matches!(
        op.to_ascii_lowercase().as_str(),
        "encrypt" | "wrapkey" | "securewrapkey" | "sign"
    );
    if !v.enabled {
        return Err(ServiceError::new(
            403,
            "Forbidden",
            format!("Operation {op} is not allowed on a disabled key."),
        )
        .with_inner("KeyDisabled"));
    }
    if dated && v.nbf.is_some_and(|nbf| now < nbf) {
        return Err(ServiceError::new(
            403,
            "Forbidden",
            format!("Operation {op} is not allowed on a key that is not yet valid."),
        )
        .with_inner("KeyNotYetValid"));
    }
    if dated && v.exp.is_some_and(|exp| now >= exp) {
        return Err(ServiceError::new(
            403,
            "Forbidden",
            format!("Operation {op} is not allowed on an expired key."),
        )
        .with_inner("KeyExpired"));
    }
    if let Some(needed) = key_op(&op.to_ascii_lowercase()) {
        if !v.key_ops.iter().any(|k| k == needed) {
            return Err(ServiceError::new(
                403,
                "Forbidden",
                format!("Operation {needed} is not permitted on this key."),
            )
            .with_inner("KeyOperationForbidden"));
        }
    }
    Ok(())
}

/// Dispatches an operation on `/keys/{name}[/{version}]/{op}`.
pub(crate) fn handle(
    ctx: &Ctx<'_>,
    keys: &mut KeyState,
    req: &Req,
    name: &str,
    version: Option<&str>,
    op: &str,
) -> Result<Reply, ServiceError> {
    let op = op.to_ascii_lowercase();
    let expected = if op == "attestation" {
        Method::GET
    } else {
        Method::POST
    };
    if req.method != expected {
        return Err(method_not_allowed(req));
    }
    lifecycle::validate_name(name)?;
    if op == "attestation" && !ctx.api.at_least("7.6") {
        return Err(bad(format!(
            "The key attestation operation is not available in API version {}; use 7.6 or later.",
            ctx.api.value
        )));
    }
    let params: Option<OperationParameters> = match op.as_str() {
        "attestation" => None,
        _ => Some(req.json()?),
    };
    let Lookup::Active(o) = keys.store.lookup(name, ctx.now) else {
        return Err(not_found(name));
    };
    let object_name = o.name.clone();
    let v = lifecycle::find_version::<KeyKind>(o, name, version)?;
    let kid = kid(ctx, &object_name, v);
    let Some(p) = params else {
        return attestation(ctx, &object_name, v);
    };
    let display_op = match op.as_str() {
        "wrapkey" => "wrapKey",
        "unwrapkey" => "unwrapKey",
        other => other,
    };
    if op != "release" {
        check_usable(ctx, v, display_op)?;
    }
    let alg = || required(&p.alg, "alg");
    let body = match op.as_str() {
        "encrypt" | "decrypt" => {
            let input = CipherInput {
                alg: alg()?.to_string(),
                value: unb64u("value", required(&p.value, "value")?)?,
                iv: decode(&p.iv, "iv")?,
                aad: decode(&p.aad, "aad")?,
                tag: decode(&p.tag, "tag")?,
            };
            let out = if op == "encrypt" {
                crypto::encrypt(&v.material, input)?
            } else {
                crypto::decrypt(&v.material, input)?
            };
            let mut b = Map::new();
            b.insert("kid".into(), json!(kid));
            b.insert("value".into(), json!(b64u(&out.value)));
            for (field, bytes) in [("iv", out.iv), ("tag", out.tag), ("aad", out.aad)] {
                if let Some(bytes) = bytes {
                    b.insert(field.into(), json!(b64u(&bytes)));
                }
            }
            Value::Object(b)
        }
        "wrapkey" | "unwrapkey" => {
            let value = unb64u("value", required(&p.value, "value")?)?;
            let out = if op == "wrapkey" {
                crypto::wrap(&v.material, alg()?, &value)?
            } else {
                crypto::unwrap(&v.material, alg()?, &value)?
            };
            json!({"kid": kid, "value": b64u(&out)})
        }
        "sign" => {
            let digest = unb64u("value", required(&p.value, "value")?)?;
            let signature = crypto::sign(&v.material, alg()?, &digest)?;
            json!({"kid": kid, "value": b64u(&signature)})
        }
        "verify" => {
            let digest = unb64u("digest", required(&p.digest, "digest")?)?;
            let signature = unb64u("value", required(&p.value, "value")?)?;
            json!({"value": crypto::verify(&v.material, alg()?, &digest, &signature)?})
        }
        "securewrapkey" => {
            let alg = alg()?;
            let mut fresh = zeroize::Zeroizing::new(vec![0u8; 32]);
            OsRng.fill_bytes(&mut fresh);
            let wrapped = crypto::wrap(&v.material, alg, &fresh)?;
            json!({"kid": kid, "alg": alg, "value": b64u(&wrapped)})
        }
        "secureunwrapkey" => {
            let alg = alg()?;
            let target = required(&p.target, "target")?;
            if target.trim().is_empty() {
                return Err(bad("The property 'target' must not be empty."));
            }
            let value = unb64u("value", required(&p.value, "value")?)?;
            let unwrapped = crypto::unwrap(&v.material, alg, &value)?;
            json!({"kid": kid, "alg": alg, "value": b64u(&unwrapped)})
        }
        "release" => {
            let bundle = bundle(ctx, &object_name, v);
            release_key(ctx, v, &p, &kid, bundle)?
        }
        _ => return Err(not_found(name)),
    };
    Ok(Reply::json(200, &body))
}

fn release_key(
    ctx: &Ctx<'_>,
    v: &KeyVersion,
    p: &OperationParameters,
    kid: &str,
    mut bundle: Map<String, Value>,
) -> Result<Value, ServiceError> {
    let target = required(&p.target, "target")?;
    let claims = release::parse_token(target)?;
    if !v.enabled {
        return Err(ServiceError::new(
            403,
            "Forbidden",
            "Operation release is not allowed on a disabled key.",
        )
        .with_inner("KeyDisabled"));
    }
    let Some(policy) = v
        .release_policy
        .as_ref()
        .filter(|_| v.exportable == Some(true))
    else {
        return Err(bad(
            "The key is not exportable: only keys created with exportable set to true and a release policy can be released.",
        ));
    };
    if !release::policy_allows(policy, &claims) {
        return Err(ServiceError::new(
            403,
            "Forbidden",
            "Target environment attestation statement cannot be verified: the claims of the attestation token do not satisfy the key release policy.",
        )
        .with_inner("AccessDenied"));
    }
    let enc = p.enc.as_deref().unwrap_or("CKM_RSA_AES_KEY_WRAP");
    if !release::RELEASE_ENCRYPTIONS.contains(&enc) {
        return Err(bad(format!("Invalid enc value: '{enc}'.")));
    }
    let key_hsm = release::key_hsm(&v.material, &claims, enc)?;
    if let Some(Value::Object(key)) = bundle.get_mut("key") {
        key.insert("key_hsm".into(), json!(key_hsm));
    }
    let mut request = Map::new();
    request.insert("api-version".into(), json!(ctx.api.value));
    request.insert("enc".into(), json!(enc));
    request.insert("kid".into(), json!(kid));
    if let Some(nonce) = &p.nonce {
        request.insert("nonce".into(), json!(nonce));
    }
    let payload = json!({"request": request, "response": {"key": bundle}});
    Ok(json!({"value": release::jws(&payload)}))
}

fn attestation(ctx: &Ctx<'_>, name: &str, v: &KeyVersion) -> Result<Reply, ServiceError> {
    if !v.hsm {
        return Err(bad(
            "Key attestation is only available for HSM-protected keys (RSA-HSM, EC-HSM, oct-HSM).",
        ));
    }
    let mut b = bundle(ctx, name, v);
    let mut attrs = attributes(ctx, v);
    let kid = kid(ctx, name, v);
    let jwk = public_jwk(ctx, name, v);
    let asymmetric = v.material.family() != Family::Oct;
    attrs.insert(
        "attestation".into(),
        release::attestation(&kid, &jwk, &ctx.state.ca_pem, asymmetric),
    );
    b.insert("attributes".into(), Value::Object(attrs));
    Ok(Reply::json(200, &Value::Object(b)))
}

/// `POST /rng`: 1 to 128 random bytes, on a Managed HSM only.
pub(crate) fn random_bytes(ctx: &Ctx<'_>, req: &Req) -> Result<Reply, ServiceError> {
    if ctx.flavour != Flavour::ManagedHsm {
        return Err(bad(
            "The GetRandomBytes operation is only supported by Managed HSM.",
        ));
    }
    let params: RandomParameters = req.json()?;
    let count = params
        .count
        .ok_or_else(|| bad("The request body must contain the property 'count'."))?;
    if !(1..=128).contains(&count) {
        return Err(bad(format!(
            "Invalid count: {count}. The number of random bytes must be between 1 and 128."
        )));
    }
    let mut bytes = vec![0u8; count as usize];
    OsRng.fill_bytes(&mut bytes);
    Ok(Reply::json(200, &json!({"value": b64u(&bytes)})))
}
