//! The managed key of a certificate, in the keys store of the vault: registered with each issued
//! version, and deleted, recovered, purged and restored with the certificate.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rsa::pkcs8::DecodePrivateKey as _;
use serde_json::json;
use zeroize::Zeroizing;

use super::x509::KeySpec;
use crate::errors::ServiceError;
use crate::http::Ctx;
use crate::keys::{KeyVersion, Material};
use crate::storage::store::{Lookup, Object, ObjectState};
use crate::storage::vault::Vault;

fn invalid() -> ServiceError {
    ServiceError::bad_parameter("The certificate's private key is not valid for its key type.")
}

/// The key material of a PKCS#8 private key.
fn material(pkcs8: &[u8], spec: KeySpec) -> Result<Material, ServiceError> {
    let (crv, d) = match spec {
        KeySpec::Rsa(_) => {
            let key = rsa::RsaPrivateKey::from_pkcs8_der(pkcs8).map_err(|_| invalid())?;
            return Ok(Material::Rsa(Box::new(key)));
        }
        KeySpec::P256 => (
            "P-256",
            Zeroizing::new(
                p256::SecretKey::from_pkcs8_der(pkcs8)
                    .map_err(|_| invalid())?
                    .to_bytes()
                    .to_vec(),
            ),
        ),
        KeySpec::P384 => (
            "P-384",
            Zeroizing::new(
                p384::SecretKey::from_pkcs8_der(pkcs8)
                    .map_err(|_| invalid())?
                    .to_bytes()
                    .to_vec(),
            ),
        ),
        KeySpec::P521 => (
            "P-521",
            Zeroizing::new(
                p521::SecretKey::from_pkcs8_der(pkcs8)
                    .map_err(|_| invalid())?
                    .to_bytes()
                    .to_vec(),
            ),
        ),
    };
    let jwk = Zeroizing::new(
        json!({"kty": "EC", "crv": crv, "d": URL_SAFE_NO_PAD.encode(&*d)}).to_string(),
    );
    let value: serde_json::Value = serde_json::from_str(&jwk).map_err(|_| invalid())?;
    Material::from_jwk(&value)
}

/// Whether the key store lets a certificate use `name` (no key, or a managed one).
pub(crate) fn key_name_free(ctx: &Ctx<'_>, vault: &mut Vault, name: &str) -> bool {
    match vault.keys.store.lookup(name, ctx.now) {
        Lookup::Missing => true,
        Lookup::Active(o) => o.latest().is_some_and(|v| v.managed == Some(true)),
        _ => false,
    }
}

/// The managed key of a new certificate version.
#[allow(clippy::too_many_arguments)]
pub(crate) fn add_key(
    ctx: &Ctx<'_>,
    vault: &mut Vault,
    name: &str,
    version: &str,
    pkcs8: &[u8],
    spec: KeySpec,
    hsm: bool,
    enabled: bool,
    nbf: i64,
    exp: i64,
) -> Result<(), ServiceError> {
    let material = material(pkcs8, spec)?;
    let key_ops: Vec<String> = match spec {
        KeySpec::Rsa(_) => [
            "sign",
            "verify",
            "wrapKey",
            "unwrapKey",
            "encrypt",
            "decrypt",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        _ => vec!["sign".into(), "verify".into()],
    };
    let now = ctx.now.unix_timestamp();
    let object_name = match vault.keys.store.lookup(name, ctx.now) {
        Lookup::Active(o) => o.name.clone(),
        _ => name.to_string(),
    };
    vault.keys.store.push_version(
        &object_name,
        KeyVersion {
            version: version.to_string(),
            material,
            hsm,
            key_ops,
            tags: None,
            enabled,
            nbf: Some(nbf),
            exp: Some(exp),
            created: now,
            updated: now,
            exportable: None,
            release_policy: None,
            managed: Some(true),
        },
    );
    Ok(())
}

fn is_managed(o: &Object<KeyVersion>) -> bool {
    o.latest().is_some_and(|v| v.managed == Some(true))
}

/// Enables or disables the managed key of one version.
pub(crate) fn set_enabled(
    ctx: &Ctx<'_>,
    vault: &mut Vault,
    name: &str,
    version: &str,
    enabled: bool,
) {
    if let Lookup::Active(o) = vault.keys.store.lookup(name, ctx.now) {
        if let Some(v) = o.versions.iter_mut().find(|v| v.version == version) {
            v.enabled = enabled;
            v.updated = ctx.now.unix_timestamp();
        }
    }
}

/// Soft-deletes the managed key with its certificate.
pub(crate) fn delete(ctx: &Ctx<'_>, vault: &mut Vault, name: &str) {
    if let Lookup::Active(o) = vault.keys.store.lookup(name, ctx.now) {
        if is_managed(o) {
            vault
                .keys
                .store
                .delete(name, ctx.now, ctx.latency, ctx.retention.days);
        }
    }
}

/// Recovers the managed key with its certificate.
pub(crate) fn recover(ctx: &Ctx<'_>, vault: &mut Vault, name: &str) {
    if let Lookup::Deleted(o) = vault.keys.store.lookup(name, ctx.now) {
        if is_managed(o) {
            vault.keys.store.recover(name, ctx.now, ctx.latency);
        }
    }
}

/// Purges the managed key with its certificate.
pub(crate) fn purge(ctx: &Ctx<'_>, vault: &mut Vault, name: &str) {
    if let Lookup::Deleted(o) = vault.keys.store.lookup(name, ctx.now) {
        if is_managed(o) {
            vault.keys.store.purge(name);
        }
    }
}

/// The managed key's versions, for a backup.
pub(crate) fn versions(ctx: &Ctx<'_>, vault: &mut Vault, name: &str) -> Vec<KeyVersion> {
    match vault.keys.store.lookup(name, ctx.now) {
        Lookup::Active(o) if is_managed(o) => o.versions.clone(),
        _ => Vec::new(),
    }
}

/// Restores the managed key's versions.
pub(crate) fn restore(vault: &mut Vault, name: &str, versions: Vec<KeyVersion>) {
    if !versions.is_empty() {
        vault.keys.store.insert(Object {
            name: name.to_string(),
            versions,
            state: ObjectState::Active,
        });
    }
}
