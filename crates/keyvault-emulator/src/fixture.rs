//! Fixtures: `GET /_emulator/export` and `--import FILE` / `POST /_emulator/import`, the
//! vaults' and Managed HSMs' secrets, keys (private JWK) and certificates (PEM or PKCS#12) in
//! one JSON document, described in the crate README ("Fixtures").

use std::collections::BTreeMap;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use bytes::Bytes;
use hyper::header::HeaderMap;
use hyper::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use zeroize::Zeroizing;

use crate::http::api_version::ApiVersion;
use crate::http::{Ctx, Reply, Req};
use crate::keys::{KeyVersion, Material};
use crate::secrets::SecretVersion;
use crate::storage::state::State;
use crate::storage::store::Lookup;
use crate::storage::vault::{vault_key, Flavour, Vault};
use crate::sync::lock;

/// The value of `format`.
pub(crate) const FORMAT: &str = "keyvault-emulator-fixture/1";

/// The document.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Fixture {
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    vaults: Vec<FixtureVault>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct FixtureVault {
    name: String,
    /// `vault` (default) or `managedHsm`.
    #[serde(default = "vault_kind")]
    kind: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    secrets: Vec<Named<SecretEntry>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    keys: Vec<Named<KeyEntry>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    certificates: Vec<Named<CertificateEntry>>,
}

fn vault_kind() -> String {
    "vault".into()
}

/// An object and its versions, oldest first.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Named<T> {
    name: String,
    versions: Vec<T>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SecretEntry {
    /// Kept as the version id when given; else a new one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    content_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tags: Option<BTreeMap<String, String>>,
    #[serde(default = "yes")]
    enabled: bool,
    /// Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nbf: Option<i64>,
    /// Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    exp: Option<i64>,
}

impl std::fmt::Debug for SecretEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretEntry")
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct KeyEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    /// The key with its private material, as a JWK (`kty` `RSA`, `EC` or `oct`, with or
    /// without `-HSM`).
    jwk: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key_ops: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tags: Option<BTreeMap<String, String>>,
    #[serde(default = "yes")]
    enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nbf: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    exp: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    exportable: Option<bool>,
}

impl std::fmt::Debug for KeyEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyEntry")
            .field("version", &self.version)
            .field("kty", &self.jwk.get("kty"))
            .finish_non_exhaustive()
    }
}

impl Drop for KeyEntry {
    fn drop(&mut self) {
        if let Value::Object(jwk) = &mut self.jwk {
            for value in jwk.values_mut() {
                if let Value::String(text) = value {
                    zeroize::Zeroize::zeroize(text);
                }
            }
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct CertificateEntry {
    /// The private key and the chain, as PEM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pem: Option<String>,
    /// Or a PKCS#12 archive, standard base64, with its `password`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pkcs12: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    password: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tags: Option<BTreeMap<String, String>>,
    #[serde(default = "yes")]
    enabled: bool,
}

impl std::fmt::Debug for CertificateEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertificateEntry")
            .field("pem", &self.pem.as_ref().map(|_| "<redacted>"))
            .field("pkcs12", &self.pkcs12.as_ref().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

impl Drop for SecretEntry {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.value);
    }
}

impl Drop for CertificateEntry {
    fn drop(&mut self) {
        for text in [&mut self.pem, &mut self.pkcs12, &mut self.password]
            .into_iter()
            .flatten()
        {
            zeroize::Zeroize::zeroize(text);
        }
    }
}

fn yes() -> bool {
    true
}

fn flavour_of(kind: &str) -> Result<Flavour, String> {
    match kind {
        "vault" => Ok(Flavour::Vault),
        "managedHsm" => Ok(Flavour::ManagedHsm),
        other => Err(format!(
            "vault kind {other:?}: expected \"vault\" or \"managedHsm\""
        )),
    }
}

/// The export of every vault and Managed HSM: their active secrets, keys and certificates
/// (the keys and secrets behind certificates are the certificates').
pub(crate) fn export(state: &State) -> Value {
    let now = state.clock.now();
    let mut vaults = lock(&state.vaults);
    let mut names: Vec<&String> = vaults.keys().collect();
    names.sort();
    let names: Vec<String> = names.into_iter().cloned().collect();
    let mut out = Vec::new();
    for key in names {
        let Some((kind, name)) = key.split_once(':') else {
            continue;
        };
        let kind = match kind {
            "vault" => "vault",
            "hsm" => "managedHsm",
            _ => continue,
        };
        let Some(vault) = vaults.get_mut(&key) else {
            continue;
        };
        let secrets = vault
            .secrets
            .active(now)
            .filter(|(_, o)| o.latest().is_some_and(|v| v.managed != Some(true)))
            .map(|(_, o)| Named {
                name: o.name.clone(),
                versions: o
                    .versions
                    .iter()
                    .map(|v| SecretEntry {
                        version: Some(v.version.clone()),
                        value: v.value.clone(),
                        content_type: v.content_type.clone(),
                        tags: v.tags.clone(),
                        enabled: v.enabled,
                        nbf: v.nbf,
                        exp: v.exp,
                    })
                    .collect(),
            })
            .collect();
        let keys = vault
            .keys
            .store
            .active(now)
            .filter(|(_, o)| o.latest().is_some_and(|v| v.managed != Some(true)))
            .map(|(_, o)| Named {
                name: o.name.clone(),
                versions: o
                    .versions
                    .iter()
                    .map(|v| {
                        let mut jwk = v.material.to_private_jwk();
                        jwk.insert("kty".into(), json!(v.kty()));
                        KeyEntry {
                            version: Some(v.version.clone()),
                            jwk: Value::Object(jwk),
                            key_ops: Some(v.key_ops.clone()),
                            tags: v.tags.clone(),
                            enabled: v.enabled,
                            nbf: v.nbf,
                            exp: v.exp,
                            exportable: v.exportable,
                        }
                    })
                    .collect(),
            })
            .collect();
        let certificates = vault
            .certificates
            .exported(now)
            .into_iter()
            .map(|(name, versions)| Named {
                name,
                versions: versions
                    .into_iter()
                    .map(|mut v| CertificateEntry {
                        pem: Some(std::mem::take(&mut *v.pem)),
                        pkcs12: None,
                        password: None,
                        tags: Some(v.tags).filter(|t| !t.is_empty()),
                        enabled: v.enabled,
                    })
                    .collect(),
            })
            .collect();
        out.push(FixtureVault {
            name: name.to_string(),
            kind: kind.into(),
            secrets,
            keys,
            certificates,
        });
    }
    drop(vaults);
    serde_json::to_value(Fixture {
        format: Some(FORMAT.into()),
        vaults: out,
    })
    .unwrap_or(Value::Null)
}

/// What an import added: vaults named, and versions of secrets, keys and certificates.
#[derive(Debug, Default, Serialize)]
pub(crate) struct Imported {
    vaults: usize,
    secrets: usize,
    keys: usize,
    certificates: usize,
}

/// Adds the fixture `document` to the emulator. Objects are added in order, each version a
/// new version of its object; a name taken by a deleted object, or a bad entry, stops the
/// import with the reason (what came before it stays).
pub(crate) fn import(state: &State, document: &Value) -> Result<Value, String> {
    let fixture: Fixture =
        serde_json::from_value(document.clone()).map_err(|e| format!("fixture: {e}"))?;
    if let Some(format) = &fixture.format {
        if format != FORMAT {
            return Err(format!("fixture format {format:?}: expected {FORMAT:?}"));
        }
    }
    let mut imported = Imported::default();
    let result = fixture
        .vaults
        .iter()
        .try_for_each(|v| import_vault(state, v, &mut imported));
    crate::persistence::store_everything(state);
    result.map(|()| json!(imported))
}

fn import_vault(
    state: &State,
    fixture: &FixtureVault,
    imported: &mut Imported,
) -> Result<(), String> {
    let flavour = flavour_of(&fixture.kind)?;
    let name = fixture.name.to_ascii_lowercase();
    crate::lifecycle::validate_name(&name).map_err(|e| format!("vault {name}: {}", e.message))?;
    let now = state.clock.now();
    let mut vaults = lock(&state.vaults);
    let vault = vaults.entry(vault_key(&name, flavour)).or_default();
    imported.vaults += 1;
    for secret in &fixture.secrets {
        let context = || format!("vault {name}, secret {}", secret.name);
        crate::lifecycle::validate_name(&secret.name)
            .map_err(|e| format!("{}: {}", context(), e.message))?;
        free(vault.secrets.lookup(&secret.name, now)).map_err(|e| format!("{}: {e}", context()))?;
        for entry in &secret.versions {
            if has_version(
                vault.secrets.get(&secret.name),
                entry.version.as_deref(),
                |v| &v.version,
            ) {
                continue;
            }
            let stamp = now.unix_timestamp();
            vault.secrets.push_version(
                &secret.name,
                SecretVersion {
                    version: version_id(entry.version.as_deref()),
                    value: entry.value.to_string(),
                    content_type: entry.content_type.clone(),
                    tags: entry.tags.clone(),
                    enabled: entry.enabled,
                    nbf: entry.nbf,
                    exp: entry.exp,
                    created: stamp,
                    updated: stamp,
                    managed: None,
                    kid: None,
                },
            );
            imported.secrets += 1;
        }
    }
    for key in &fixture.keys {
        let context = || format!("vault {name}, key {}", key.name);
        crate::lifecycle::validate_name(&key.name)
            .map_err(|e| format!("{}: {}", context(), e.message))?;
        free(vault.keys.store.lookup(&key.name, now)).map_err(|e| format!("{}: {e}", context()))?;
        for entry in &key.versions {
            if has_version(
                vault.keys.store.get(&key.name),
                entry.version.as_deref(),
                |v| &v.version,
            ) {
                continue;
            }
            let material = Material::from_jwk(&entry.jwk)
                .map_err(|e| format!("{}: {}", context(), e.message))?;
            let kty = entry.jwk.get("kty").and_then(Value::as_str).unwrap_or("");
            let hsm = flavour == Flavour::ManagedHsm || kty.ends_with("-HSM");
            let stamp = now.unix_timestamp();
            let family = material.family();
            vault.keys.store.push_version(
                &key.name,
                KeyVersion {
                    version: version_id(entry.version.as_deref()),
                    material,
                    hsm,
                    key_ops: entry
                        .key_ops
                        .clone()
                        .unwrap_or_else(|| family.default_ops()),
                    tags: entry.tags.clone(),
                    enabled: entry.enabled,
                    nbf: entry.nbf,
                    exp: entry.exp,
                    created: stamp,
                    updated: stamp,
                    exportable: entry.exportable,
                    release_policy: None,
                    managed: None,
                },
            );
            imported.keys += 1;
        }
    }
    for certificate in &fixture.certificates {
        // A certificate already there (its secret says so) is left as it is: importing the
        // same fixture again, as `--import` with `--state-dir` does at each start, adds nothing.
        let present = vault
            .secrets
            .get(&certificate.name)
            .and_then(|o| o.latest())
            .is_some_and(|v| v.managed == Some(true));
        if present {
            continue;
        }
        for entry in &certificate.versions {
            import_certificate(state, &name, flavour, vault, &certificate.name, entry)
                .map_err(|e| format!("vault {name}, certificate {}: {e}", certificate.name))?;
            imported.certificates += 1;
        }
    }
    Ok(())
}

/// Whether `object` already has the version `given` (then an import skips it).
fn has_version<T>(
    object: Option<&crate::storage::store::Object<T>>,
    given: Option<&str>,
    version: impl Fn(&T) -> &String,
) -> bool {
    match (object, given) {
        (Some(object), Some(given)) => object
            .versions
            .iter()
            .any(|v| version(v).eq_ignore_ascii_case(given)),
        _ => false,
    }
}

/// Whether a name can take new objects: free or active.
fn free<T>(lookup: Lookup<'_, T>) -> Result<(), String> {
    match lookup {
        Lookup::Missing | Lookup::Active(_) => Ok(()),
        _ => Err("the name belongs to a deleted object".into()),
    }
}

/// The version id given, if it is 32 hex digits, else a new one.
fn version_id(given: Option<&str>) -> String {
    given
        .filter(|v| v.len() == 32 && v.chars().all(|c| c.is_ascii_hexdigit()))
        .map(str::to_ascii_lowercase)
        .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string())
}

/// Imports one certificate version through the service's own import operation.
fn import_certificate(
    state: &State,
    vault_name: &str,
    flavour: Flavour,
    vault: &mut Vault,
    name: &str,
    entry: &CertificateEntry,
) -> Result<(), String> {
    let (value, content_type, password) = match (&entry.pem, &entry.pkcs12) {
        (Some(pem), None) => (pem.as_str(), "application/x-pem-file", None),
        (None, Some(pkcs12)) => {
            STANDARD
                .decode(pkcs12.as_bytes())
                .map_err(|e| format!("pkcs12 is not base64: {e}"))?;
            (
                pkcs12.as_str(),
                "application/x-pkcs12",
                entry.password.as_deref(),
            )
        }
        _ => return Err("give either pem or pkcs12".into()),
    };
    let body = Zeroizing::new(
        json!({
            "value": value,
            "pwd": password,
            "policy": { "secret_props": { "contentType": content_type } },
            "attributes": { "enabled": entry.enabled },
            "tags": entry.tags,
        })
        .to_string(),
    );
    let host = match flavour {
        Flavour::ManagedHsm => format!("{vault_name}.managedhsm.azure.net:{}", state.port),
        _ => format!("{vault_name}.vault.azure.net:{}", state.port),
    };
    let req = Req {
        method: Method::POST,
        host,
        raw_path: format!("/certificates/{name}/import"),
        segments: vec!["certificates".into(), name.into(), "import".into()],
        raw_query: String::new(),
        query: Vec::new(),
        headers: HeaderMap::new(),
        body: Bytes::from(body.as_bytes().to_vec()),
    };
    let ctx = Ctx {
        base: req.base(),
        api: ApiVersion::parse(Some(crate::http::api_version::LATEST_API_VERSION))
            .map_err(|e| e.message)?,
        now: state.clock.now(),
        latency: *lock(&state.delete_latency),
        state,
        flavour,
        retention: vault.retention,
    };
    let segments: Vec<&str> = req.segments.iter().map(String::as_str).collect();
    let reply: Reply =
        crate::certificates::handle(&ctx, vault, &req, &segments).map_err(|e| e.message)?;
    if (200..300).contains(&reply.status) {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(reply.body.as_deref().unwrap_or_default()).into_owned())
    }
}

/// `GET /_emulator/export` and `POST /_emulator/import`.
pub(crate) fn control(state: &State, req: &Req) -> Option<Reply> {
    let rest: Vec<&str> = req.segments.iter().skip(1).map(String::as_str).collect();
    match (&req.method, rest.as_slice()) {
        (&Method::GET, ["export"]) => Some(Reply::json(200, &export(state))),
        (&Method::POST, ["import"]) => Some(
            match serde_json::from_slice::<Value>(&req.body)
                .map_err(|e| format!("fixture: {e}"))
                .and_then(|document| import(state, &document))
            {
                Ok(summary) => Reply::json(200, &summary),
                Err(message) => Reply::json(
                    400,
                    &json!({"error": {"code": "BadParameter", "message": message}}),
                ),
            },
        ),
        _ => None,
    }
}

impl crate::server::control::Control {
    /// The emulator's vaults and Managed HSMs as a fixture (the crate README, "Fixtures"):
    /// their active secrets and keys (with their private material, as JWK) and certificates
    /// (with their keys, as PEM), every version, oldest first. What `GET /_emulator/export`
    /// answers, and what [`Control::import`](crate::server::control::Control::import) and `--import` read.
    pub fn export(&self) -> Value {
        export(&self.state)
    }

    /// Adds the vaults, secrets, keys and certificates of the fixture `document` (the format
    /// of [`Control::export`](crate::server::control::Control::export)); returns how many of each it added, or
    /// why it stopped (a malformed entry, a name held by a deleted object).
    pub fn import(&self, document: &Value) -> Result<Value, String> {
        import(&self.state, document)
    }
}
