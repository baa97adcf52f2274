//! The certificates REST surface: create (self-signed or awaiting a merge), import (PFX or PEM),
//! the pending operation (get, cancel, delete, merge), get, versions, update, policy, list, delete,
//! deleted get/list, recover, purge, backup and restore, contacts and issuers.
//!
//! Every certificate version owns a managed secret (and key) of the same name and version: the
//! secret holds the PFX or PEM, with the private key when the policy makes it exportable, and
//! follows the certificate through deletion, recovery, purge and restore.

mod contacts;
mod issuers;
mod managed;
mod pkcs12;
mod policy;
mod x509;

use std::cmp::Ordering;
use std::collections::BTreeMap;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hyper::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use zeroize::Zeroizing;

use self::policy::{PEM, PKCS12};
use self::x509::KeySpec;
use crate::errors::ServiceError;
use crate::http::paging::{self, PageRequest};
use crate::http::{method_not_allowed, not_found as route_not_found, Ctx, Reply, Req};
use crate::lifecycle::{self, validate_name, Lifecycle, Names};
use crate::secrets::SecretVersion;
use crate::storage::certificates::{CertVersion, Meta, Operation, Policy};
use crate::storage::store::{Lookup, Object, ObjectState, Store};
use crate::storage::vault::Vault;

pub(crate) use crate::storage::certificates::Certificates;

impl CertVersion {
    fn cer(&self) -> &[u8] {
        self.chain
            .get(self.leaf)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }
}

const IN_PROGRESS: &str = "inProgress";
const IN_PROGRESS_DETAILS: &str = "Pending certificate created. Certificate request is in progress. This may take some time based on the issuer provider. Please check again later.";

#[derive(Debug, Default, Deserialize)]
struct AttributesIn {
    enabled: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateIn {
    policy: Option<Policy>,
    attributes: Option<AttributesIn>,
    tags: Option<BTreeMap<String, String>>,
    preserve_cert_order: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ImportIn {
    value: Option<String>,
    pwd: Option<String>,
    policy: Option<Policy>,
    attributes: Option<AttributesIn>,
    tags: Option<BTreeMap<String, String>>,
    preserve_cert_order: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct MergeIn {
    x5c: Option<Vec<String>>,
    attributes: Option<AttributesIn>,
    tags: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Deserialize)]
struct UpdateIn {
    policy: Option<Policy>,
    attributes: Option<AttributesIn>,
    tags: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Deserialize)]
struct CancelIn {
    cancellation_requested: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct RestoreIn {
    value: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct BackupPayload {
    kind: String,
    name: String,
    policy: Policy,
    versions: Vec<CertVersion>,
    secrets: Vec<SecretVersion>,
    keys: Vec<crate::keys::KeyVersion>,
}

const BACKUP_KIND: &str = "certificate";

/// Routes `/certificates...` and `/deletedcertificates...`; `segments[0]` is the collection.
pub(crate) fn handle(
    ctx: &Ctx<'_>,
    vault: &mut Vault,
    req: &Req,
    segments: &[&str],
) -> Result<Reply, ServiceError> {
    tick(ctx, vault);
    let collection = segments[0].to_ascii_lowercase();
    let m = &req.method;
    let is = |s: &str, word: &str| s.eq_ignore_ascii_case(word);
    match (collection.as_str(), &segments[1..]) {
        ("certificates", []) => match *m {
            Method::GET => list(ctx, vault, req),
            _ => Err(method_not_allowed(req)),
        },
        ("certificates", [contacts]) if is(contacts, "contacts") => {
            contacts::handle(ctx, &mut vault.certificates, req)
        }
        ("certificates", [issuers]) if is(issuers, "issuers") => {
            issuers::handle(ctx, &mut vault.certificates, req, None)
        }
        ("certificates", [issuers, name]) if is(issuers, "issuers") => {
            issuers::handle(ctx, &mut vault.certificates, req, Some(name))
        }
        ("certificates", [restore]) if is(restore, "restore") && *m == Method::POST => {
            restore_certificate(ctx, vault, req)
        }
        ("certificates", [name]) => match *m {
            Method::GET => get(ctx, vault, name, None),
            Method::PATCH => update(ctx, vault, req, name, None),
            Method::DELETE => {
                keep_pending_version(ctx, vault, name);
                lifecycle::delete::<CertificateKind>(ctx, vault, name)
            }
            _ => Err(method_not_allowed(req)),
        },
        ("certificates", [name, op]) if is(op, "create") => match *m {
            Method::POST => create(ctx, vault, req, name),
            _ => Err(method_not_allowed(req)),
        },
        ("certificates", [name, op]) if is(op, "import") => match *m {
            Method::POST => import(ctx, vault, req, name),
            _ => Err(method_not_allowed(req)),
        },
        ("certificates", [name, op]) if is(op, "backup") => match *m {
            Method::POST => backup(ctx, vault, name),
            _ => Err(method_not_allowed(req)),
        },
        ("certificates", [name, op]) if is(op, "versions") => match *m {
            Method::GET => lifecycle::list_versions::<CertificateKind>(ctx, vault, req, name),
            _ => Err(method_not_allowed(req)),
        },
        ("certificates", [name, op]) if is(op, "policy") => match *m {
            Method::GET => get_policy(ctx, vault, name),
            Method::PATCH => update_policy(ctx, vault, req, name),
            _ => Err(method_not_allowed(req)),
        },
        ("certificates", [name, op]) if is(op, "pending") => match *m {
            Method::GET => get_operation(ctx, vault, name),
            Method::PATCH => cancel_operation(ctx, vault, req, name),
            Method::DELETE => delete_operation(ctx, vault, name),
            _ => Err(method_not_allowed(req)),
        },
        ("certificates", [name, op, merge]) if is(op, "pending") && is(merge, "merge") => {
            match *m {
                Method::POST => merge_certificate(ctx, vault, req, name),
                _ => Err(method_not_allowed(req)),
            }
        }
        ("certificates", [name, version]) => match *m {
            Method::GET => get(ctx, vault, name, Some(version)),
            Method::PATCH => update(ctx, vault, req, name, Some(version)),
            _ => Err(method_not_allowed(req)),
        },
        ("deletedcertificates", rest) => {
            lifecycle::handle_deleted::<CertificateKind>(ctx, vault, req, rest)
        }
        _ => Err(route_not_found(req)),
    }
}

/// Query parameters the `nextLink` of every certificates list carries.
const CARRY: &[&str] = &["includePending"];

const NAMES: &Names = &Names {
    title: "Certificate",
    noun: "certificate",
    collection: "certificates",
    deleted_collection: "deletedcertificates",
    not_found_code: "CertificateNotFound",
    carry: CARRY,
};

fn not_found(name: &str) -> ServiceError {
    NAMES.not_found(name)
}

/// Certificates in the shared lifecycle. The managed secret and key follow the certificate.
pub(crate) struct CertificateKind;

impl Lifecycle for CertificateKind {
    type Version = CertVersion;
    const NAMES: &'static Names = NAMES;

    fn store(vault: &mut Vault) -> &mut Store<CertVersion> {
        &mut vault.certificates.store
    }

    fn stored(vault: &Vault) -> &Store<CertVersion> {
        &vault.certificates.store
    }

    fn version(v: &CertVersion) -> &str {
        &v.version
    }

    fn bundle(ctx: &Ctx<'_>, vault: &Vault, name: &str, v: &CertVersion) -> Map<String, Value> {
        let meta = vault.certificates.meta.get(&name.to_ascii_lowercase());
        bundle(ctx, name, v, meta, true)
    }

    fn item(ctx: &Ctx<'_>, id: String, v: &CertVersion) -> Map<String, Value> {
        item(ctx, id, v)
    }

    fn deleted(ctx: &Ctx<'_>, vault: &mut Vault, name: &str) {
        // An operation in progress ends with the certificate.
        if let Some(meta) = vault.certificates.meta.get_mut(&name.to_ascii_lowercase()) {
            if meta
                .operation
                .as_ref()
                .is_some_and(|op| op.status == IN_PROGRESS)
            {
                meta.operation = None;
            }
        }
        if let Lookup::Active(o) = vault.secrets.lookup(name, ctx.now) {
            if o.latest().is_some_and(|v| v.managed == Some(true)) {
                vault
                    .secrets
                    .delete(name, ctx.now, ctx.latency, ctx.retention.days);
            }
        }
        managed::delete(ctx, vault, name);
    }

    fn recovered(ctx: &Ctx<'_>, vault: &mut Vault, name: &str) {
        if let Lookup::Deleted(o) = vault.secrets.lookup(name, ctx.now) {
            if o.latest().is_some_and(|v| v.managed == Some(true)) {
                vault.secrets.recover(name, ctx.now, ctx.latency);
            }
        }
        managed::recover(ctx, vault, name);
    }

    fn purged(ctx: &Ctx<'_>, vault: &mut Vault, name: &str) {
        vault.certificates.meta.remove(&name.to_ascii_lowercase());
        if let Lookup::Deleted(o) = vault.secrets.lookup(name, ctx.now) {
            if o.latest().is_some_and(|v| v.managed == Some(true)) {
                vault.secrets.purge(name);
            }
        }
        managed::purge(ctx, vault, name);
    }
}

fn pending_not_found(name: &str) -> ServiceError {
    ServiceError::new(
        404,
        "PendingCertificateNotFound",
        format!("Pending certificate not found: {name}"),
    )
}

fn pending_conflict(name: &str) -> ServiceError {
    ServiceError::conflict(
        format!("Certificate {name} has a pending operation in progress. Wait for it to complete, or delete or cancel it, before starting another one."),
        "PendingCertificateOperation",
    )
}

fn internal(what: &str) -> ServiceError {
    ServiceError::new(500, "InternalError", format!("{what} failed."))
}

/// Fails unless a new version may be added under `name` (not deleted, no operation in progress,
/// no unmanaged secret of the same name).
fn check_writable(ctx: &Ctx<'_>, vault: &mut Vault, name: &str) -> Result<(), ServiceError> {
    NAMES.check_writable(vault.certificates.store.lookup(name, ctx.now), name)?;
    let in_progress = vault
        .certificates
        .meta
        .get(&name.to_ascii_lowercase())
        .and_then(|m| m.operation.as_ref())
        .is_some_and(|op| op.status == IN_PROGRESS);
    if in_progress {
        return Err(pending_conflict(name));
    }
    if !managed::key_name_free(ctx, vault, name) {
        return Err(ServiceError::new(
            409,
            "Conflict",
            format!("A key named {name} already exists and is not managed by a certificate; a certificate cannot use its name."),
        ));
    }
    match vault.secrets.lookup(name, ctx.now) {
        Lookup::Missing => Ok(()),
        Lookup::Active(o) if o.latest().is_some_and(|v| v.managed == Some(true)) => Ok(()),
        _ => Err(ServiceError::new(
            409,
            "Conflict",
            format!("A secret named {name} already exists and is not managed by a certificate; a certificate cannot use its name."),
        )),
    }
}

fn versioned(ctx: &Ctx<'_>, collection: &str, name: &str, version: &str) -> String {
    format!("{}/{collection}/{name}/{version}", ctx.base)
}

fn attributes(ctx: &Ctx<'_>, v: &CertVersion) -> Value {
    Value::Object(lifecycle::attributes(
        ctx,
        v.enabled,
        Some(v.nbf),
        Some(v.exp),
        v.created,
        v.updated,
    ))
}

/// A `CertificateItem`.
fn item(ctx: &Ctx<'_>, id: String, v: &CertVersion) -> Map<String, Value> {
    let mut b = Map::new();
    b.insert("id".into(), json!(id));
    if !v.chain.is_empty() {
        b.insert("x5t".into(), json!(v.x5t));
    }
    b.insert("attributes".into(), attributes(ctx, v));
    b.insert("tags".into(), json!(v.tags));
    b
}

/// A `CertificateBundle`.
fn bundle(
    ctx: &Ctx<'_>,
    name: &str,
    v: &CertVersion,
    meta: Option<&Meta>,
    with_policy: bool,
) -> Map<String, Value> {
    let mut b = Map::new();
    b.insert(
        "id".into(),
        json!(lifecycle::versioned_id::<CertificateKind>(
            ctx, name, &v.version
        )),
    );
    // A version that never completed (see `keep_pending_version`) has no certificate.
    if !v.chain.is_empty() {
        b.insert(
            "kid".into(),
            json!(versioned(ctx, "keys", name, &v.version)),
        );
        b.insert(
            "sid".into(),
            json!(versioned(ctx, "secrets", name, &v.version)),
        );
        b.insert("x5t".into(), json!(v.x5t));
        b.insert("cer".into(), json!(STANDARD.encode(v.cer())));
    }
    b.insert("attributes".into(), attributes(ctx, v));
    b.insert("tags".into(), json!(v.tags));
    if let Some(meta) = meta {
        if with_policy {
            let id = format!("{}/certificates/{name}/policy", ctx.base);
            b.insert("policy".into(), meta.policy.to_json(id));
        }
        if meta.operation.is_some() {
            b.insert(
                "pending".into(),
                json!({ "id": format!("{}/certificates/{name}/pending", ctx.base) }),
            );
        }
    }
    if let Some(preserve) = v.preserve_cert_order {
        b.insert("preserveCertOrder".into(), json!(preserve));
    }
    b
}

fn operation_json(ctx: &Ctx<'_>, name: &str, op: &Operation) -> Value {
    let mut b = Map::new();
    b.insert(
        "id".into(),
        json!(format!("{}/certificates/{name}/pending", ctx.base)),
    );
    b.insert(
        "issuer".into(),
        serde_json::to_value(&op.policy.issuer).unwrap_or_else(|_| json!({})),
    );
    b.insert("csr".into(), json!(STANDARD.encode(&op.csr)));
    b.insert(
        "cancellation_requested".into(),
        json!(op.cancellation_requested),
    );
    b.insert("status".into(), json!(op.status));
    if let Some(details) = &op.status_details {
        b.insert("status_details".into(), json!(details));
    }
    if let Some(error) = &op.error {
        b.insert("error".into(), error.clone());
    }
    if op.completed {
        b.insert(
            "target".into(),
            json!(format!("{}/certificates/{name}", ctx.base)),
        );
    }
    if let Some(preserve) = op.preserve_cert_order {
        b.insert("preserveCertOrder".into(), json!(preserve));
    }
    b.insert("request_id".into(), json!(op.request_id));
    Value::Object(b)
}

/// Issues a new version: stores it with its managed secret (and key) and returns its version id.
#[allow(clippy::too_many_arguments)]
fn issue(
    ctx: &Ctx<'_>,
    vault: &mut Vault,
    name: &str,
    policy: &Policy,
    chain: Vec<Vec<u8>>,
    key: Option<Zeroizing<Vec<u8>>>,
    enabled: Option<bool>,
    tags: Option<BTreeMap<String, String>>,
    preserve_cert_order: Option<bool>,
) -> Result<String, ServiceError> {
    let leaf_der = chain.first().cloned().ok_or_else(|| internal("Issuing"))?;
    let parsed = x509::parse(&leaf_der)?;
    let version = uuid::Uuid::new_v4().simple().to_string();
    let now = ctx.now.unix_timestamp();
    let exported_key = key
        .as_deref()
        .filter(|_| policy.exportable())
        .map(Vec::as_slice);
    let (value, content_type) = if policy.is_pem() {
        (pkcs12::write_pem(&chain, exported_key), PEM)
    } else {
        (pkcs12::write_pfx(&chain, exported_key)?, PKCS12)
    };
    let enabled = enabled.unwrap_or(true);
    let object_name = match vault.certificates.store.lookup(name, ctx.now) {
        Lookup::Active(o) => o.name.clone(),
        _ => name.to_string(),
    };
    let secret_name = match vault.secrets.lookup(name, ctx.now) {
        Lookup::Active(o) => o.name.clone(),
        _ => object_name.clone(),
    };
    vault.secrets.push_version(
        &secret_name,
        SecretVersion {
            version: version.clone(),
            value,
            content_type: Some(content_type.to_string()),
            tags: Some(tags.clone().unwrap_or_default()),
            enabled,
            nbf: Some(parsed.nbf),
            exp: Some(parsed.exp),
            created: now,
            updated: now,
            managed: Some(true),
            kid: Some(versioned(ctx, "keys", &object_name, &version)),
        },
    );
    if let Some(key) = key.as_deref() {
        let hsm = policy
            .key_props
            .kty
            .as_deref()
            .is_some_and(|k| k.ends_with("-HSM"));
        managed::add_key(
            ctx,
            vault,
            &object_name,
            &version,
            key,
            parsed.key,
            hsm,
            enabled,
            parsed.nbf,
            parsed.exp,
        )?;
    }
    let x5t = x509::thumbprint(&leaf_der);
    vault.certificates.store.push_version(
        &object_name,
        CertVersion {
            version: version.clone(),
            chain,
            leaf: 0,
            key: key.map(|k| k.to_vec()),
            x5t,
            enabled,
            nbf: parsed.nbf,
            exp: parsed.exp,
            created: now,
            updated: now,
            tags: tags.unwrap_or_default(),
            preserve_cert_order,
        },
    );
    Ok(version)
}

/// Applies what time does to pending operations: a cancellation takes effect, a self-signed (or
/// issuer-signed) request whose latency has passed completes.
fn tick(ctx: &Ctx<'_>, vault: &mut Vault) {
    let now_ms = crate::storage::store::millis(ctx.now);
    let due: Vec<String> = vault
        .certificates
        .meta
        .iter()
        .filter(|(_, m)| {
            m.operation.as_ref().is_some_and(|op| {
                op.status == IN_PROGRESS
                    && (op.cancellation_requested
                        || (!op.policy.issuer.name().eq_ignore_ascii_case("Unknown")
                            && op.ready_at_ms <= now_ms))
            })
        })
        .map(|(k, _)| k.clone())
        .collect();
    for key in due {
        let Some(meta) = vault.certificates.meta.get_mut(&key) else {
            continue;
        };
        let name = meta.name.clone();
        let Some(op) = meta.operation.as_mut() else {
            continue;
        };
        if op.cancellation_requested {
            op.status = "cancelled".into();
            op.status_details = Some("Pending certificate cancelled.".into());
            op.key = None;
            continue;
        }
        let result = complete_self_signed(ctx, vault, &key, &name);
        if let Some(op) = vault
            .certificates
            .meta
            .get_mut(&key)
            .and_then(|m| m.operation.as_mut())
        {
            op.key = None;
            match result {
                Ok(()) => {
                    op.status = "completed".into();
                    op.status_details = None;
                    op.completed = true;
                }
                Err(e) => {
                    op.status = "failed".into();
                    op.status_details = Some(e.message.clone());
                    op.error = Some(json!({"code": e.code, "message": e.message}));
                }
            }
        }
    }
}

fn complete_self_signed(
    ctx: &Ctx<'_>,
    vault: &mut Vault,
    key: &str,
    name: &str,
) -> Result<(), ServiceError> {
    let op = vault
        .certificates
        .meta
        .get(key)
        .and_then(|m| m.operation.clone())
        .ok_or_else(|| internal("Issuing"))?;
    let pkcs8 = Zeroizing::new(op.key.clone().ok_or_else(|| internal("Issuing"))?);
    let spec = KeySpec::from_policy(&op.policy)?;
    let cert = x509::self_signed(&op.policy, &pkcs8, spec, ctx.now)?;
    issue(
        ctx,
        vault,
        name,
        &op.policy,
        vec![cert],
        Some(pkcs8),
        op.enabled,
        op.tags.clone(),
        op.preserve_cert_order,
    )?;
    Ok(())
}

fn create(ctx: &Ctx<'_>, vault: &mut Vault, req: &Req, name: &str) -> Result<Reply, ServiceError> {
    validate_name(name)?;
    let params: CreateIn = req.json()?;
    check_writable(ctx, vault, name)?;
    let lower = name.to_ascii_lowercase();
    let now = ctx.now.unix_timestamp();
    let existing = vault
        .certificates
        .meta
        .get(&lower)
        .map(|m| m.policy.clone());
    let policy = match (params.policy, existing) {
        (Some(mut given), _) => {
            given.attributes.created = None;
            given.complete_for_create(now)?
        }
        (None, Some(existing)) => existing,
        (None, None) => {
            return Err(ServiceError::bad_parameter(
                "The request body must contain the property 'policy'.",
            ))
        }
    };
    let issuer = policy.issuer.name().to_string();
    let known = ["Self", "Unknown"]
        .iter()
        .any(|i| issuer.eq_ignore_ascii_case(i))
        || vault
            .certificates
            .issuers
            .contains_key(&issuer.to_ascii_lowercase());
    if !known {
        return Err(ServiceError::bad_parameter(format!(
            "Issuer {issuer} was not found. Use Self, Unknown or an issuer set with /certificates/issuers."
        )));
    }
    let spec = KeySpec::from_policy(&policy)?;
    let reuse = policy.key_props.reuse_key.unwrap_or(false);
    let reused = match vault.certificates.store.lookup(name, ctx.now) {
        Lookup::Active(o) if reuse => o
            .latest()
            .and_then(|v| v.key.clone())
            .filter(|k| x509::public_key_of(k, spec).is_ok()),
        _ => None,
    };
    let key = match reused {
        Some(k) => Zeroizing::new(k),
        None => x509::generate_key(spec)?,
    };
    let csr = x509::csr(&policy, &key, spec, ctx.now)?;
    let latency = *crate::sync::lock(&ctx.state.certificate_latency);
    let op = Operation {
        request_id: uuid::Uuid::new_v4().simple().to_string(),
        version: uuid::Uuid::new_v4().simple().to_string(),
        policy: policy.clone(),
        csr,
        key: Some(key.to_vec()),
        cancellation_requested: false,
        status: IN_PROGRESS.into(),
        status_details: Some(IN_PROGRESS_DETAILS.into()),
        error: None,
        completed: false,
        // From the end of the key generation, which can take a while for large RSA keys.
        ready_at_ms: crate::storage::store::millis(ctx.state.clock.now())
            + latency.as_millis() as i128,
        enabled: params.attributes.and_then(|a| a.enabled),
        tags: params.tags,
        preserve_cert_order: params.preserve_cert_order,
    };
    let object_name = match vault.certificates.store.lookup(name, ctx.now) {
        Lookup::Active(o) => o.name.clone(),
        _ => name.to_string(),
    };
    let body = operation_json(ctx, &object_name, &op);
    let location = format!(
        "{}/certificates/{object_name}/pending?api-version={}&request_id={}",
        ctx.base, ctx.api.value, op.request_id
    );
    vault.certificates.meta.insert(
        lower,
        Meta {
            name: object_name,
            policy,
            operation: Some(op),
        },
    );
    let mut reply = Reply::json(202, &body);
    reply.headers.push(("location".into(), location));
    reply.headers.push((
        "retry-after".into(),
        latency.as_secs_f64().ceil().to_string(),
    ));
    Ok(reply)
}

fn import(ctx: &Ctx<'_>, vault: &mut Vault, req: &Req, name: &str) -> Result<Reply, ServiceError> {
    validate_name(name)?;
    let params: ImportIn = req.json()?;
    let Some(value) = params.value.filter(|v| !v.trim().is_empty()) else {
        return Err(ServiceError::bad_parameter(
            "The request body must contain the property 'value'.",
        ));
    };
    let password = params.pwd.map(Zeroizing::new);
    let read = pkcs12::read(&value, password.as_ref().map(|p| p.as_str()))?;
    let Some(key) = read.key else {
        return Err(ServiceError::bad_parameter(
            "Private key is not specified in the specified X.509 certificate content. Please specify private key in the X.509 certificate content.",
        ));
    };
    let preserve = params.preserve_cert_order.unwrap_or(false);
    let chain = pkcs12::leaf_first(read.chain, Some(&key), preserve)?;
    let leaf_index = chain
        .iter()
        .position(|c| {
            x509::parse(c).is_ok_and(|p| x509::public_key_of(&key, p.key).ok() == Some(p.spki))
        })
        .unwrap_or(0);
    let parsed = x509::parse(&chain[leaf_index])?;
    check_writable(ctx, vault, name)?;
    let now = ctx.now.unix_timestamp();
    let default_ct = if read.pem { PEM } else { PKCS12 };
    let policy = params
        .policy
        .unwrap_or_default()
        .complete_for_import(&parsed, default_ct, now)?;
    // `issue` expects the certificate itself first; the stored chain keeps the given order.
    let mut ordered = chain.clone();
    let leaf = ordered.remove(leaf_index);
    ordered.insert(0, leaf);
    let version = issue(
        ctx,
        vault,
        name,
        &policy,
        ordered,
        Some(key),
        params.attributes.and_then(|a| a.enabled),
        params.tags,
        params.preserve_cert_order,
    )?;
    let lower = name.to_ascii_lowercase();
    let object_name = match vault.certificates.store.lookup(name, ctx.now) {
        Lookup::Active(o) => {
            if let Some(v) = o.versions.iter_mut().find(|v| v.version == version) {
                v.chain = chain;
                v.leaf = leaf_index;
            }
            o.name.clone()
        }
        _ => name.to_string(),
    };
    let operation = vault
        .certificates
        .meta
        .remove(&lower)
        .and_then(|m| m.operation);
    vault.certificates.meta.insert(
        lower,
        Meta {
            name: object_name.clone(),
            policy,
            operation,
        },
    );
    reply_version(ctx, vault, &object_name, &version, 200)
}

fn reply_version(
    ctx: &Ctx<'_>,
    vault: &mut Vault,
    name: &str,
    version: &str,
    status: u16,
) -> Result<Reply, ServiceError> {
    let certs = &mut vault.certificates;
    let meta = certs.meta.get(&name.to_ascii_lowercase()).cloned();
    let Lookup::Active(o) = certs.store.lookup(name, ctx.now) else {
        return Err(not_found(name));
    };
    let v = o
        .versions
        .iter()
        .find(|v| v.version == version)
        .ok_or_else(|| not_found(name))?;
    Ok(Reply::json(
        status,
        &Value::Object(bundle(ctx, &o.name, v, meta.as_ref(), true)),
    ))
}

fn get(
    ctx: &Ctx<'_>,
    vault: &mut Vault,
    name: &str,
    version: Option<&str>,
) -> Result<Reply, ServiceError> {
    validate_name(name)?;
    let certs = &mut vault.certificates;
    let meta = certs.meta.get(&name.to_ascii_lowercase()).cloned();
    let o = match certs.store.lookup(name, ctx.now) {
        Lookup::Active(o) => o,
        Lookup::Missing => return pending_only(ctx, meta.as_ref(), name, version),
        _ => return Err(not_found(name)),
    };
    let object_name = o.name.clone();
    let v = lifecycle::find_version::<CertificateKind>(o, name, version)?;
    Ok(Reply::json(
        200,
        &Value::Object(bundle(ctx, &object_name, v, meta.as_ref(), true)),
    ))
}

/// Before a certificate whose only version is pending is deleted, or its operation is, that
/// version becomes a stored one (disabled, without certificate): the certificate stays readable
/// (without `pending`) and is deleted, listed as deleted, recovered and purged as the service does
/// it (recording "can read, cancel and delete a certificate's operation" of azure-sdk-for-js:
/// after `DELETE .../pending`, `GET /certificates/{name}` answers the pending version and
/// `DELETE /certificates/{name}` answers 200 with it). The JavaScript SDK's tests delete pending
/// certificates so.
fn keep_pending_version(ctx: &Ctx<'_>, vault: &mut Vault, name: &str) {
    if validate_name(name).is_err()
        || !matches!(
            vault.certificates.store.lookup(name, ctx.now),
            Lookup::Missing
        )
    {
        return;
    }
    let Some(Meta {
        name: object_name,
        policy,
        operation: Some(op),
    }) = vault.certificates.meta.get(&name.to_ascii_lowercase())
    else {
        return;
    };
    let version = if op.version.is_empty() {
        op.request_id.clone()
    } else {
        op.version.clone()
    };
    let (nbf, exp, created) = pending_dates(ctx, policy);
    let placeholder = CertVersion {
        version,
        chain: Vec::new(),
        leaf: 0,
        key: None,
        x5t: String::new(),
        enabled: false,
        nbf,
        exp,
        created,
        updated: created,
        tags: op.tags.clone().unwrap_or_default(),
        preserve_cert_order: op.preserve_cert_order,
    };
    let object_name = object_name.clone();
    vault
        .certificates
        .store
        .push_version(&object_name, placeholder);
}

/// `nbf`, `exp` and `created` of a pending version: as in the recordings, `nbf` ten minutes
/// before the request and `exp` the policy's validity after it.
fn pending_dates(ctx: &Ctx<'_>, policy: &Policy) -> (i64, i64, i64) {
    let created = policy
        .attributes
        .created
        .unwrap_or_else(|| ctx.now.unix_timestamp());
    let months = policy.x509_props.validity_months.unwrap_or(12);
    let exp = time::OffsetDateTime::from_unix_timestamp(created)
        .map(|t| x509::add_months(t, months).unix_timestamp())
        .unwrap_or(created);
    (created - 600, exp, created)
}

/// A certificate whose only version is still pending reads as that version: 200 with its id,
/// `attributes.enabled: false`, the policy and `pending`, and no `cer`, `x5t`, `kid` or `sid`. So
/// the service answers in the JavaScript SDK's recordings "can read, cancel and delete a
/// certificate's operation" and "can merge a self-signed certificate" (azure-sdk-for-js,
/// sdk/keyvault/keyvault-certificates/recordings/node/), whose `getCertificateOperation` reads the
/// certificate before its operation.
fn pending_only(
    ctx: &Ctx<'_>,
    meta: Option<&Meta>,
    name: &str,
    version: Option<&str>,
) -> Result<Reply, ServiceError> {
    let Some(Meta {
        name: object_name,
        policy,
        operation: Some(op),
    }) = meta
    else {
        return Err(not_found(name));
    };
    let pending_version = if op.version.is_empty() {
        &op.request_id
    } else {
        &op.version
    };
    if version.is_some_and(|v| !v.is_empty() && !v.eq_ignore_ascii_case(pending_version)) {
        return Err(not_found(name));
    }
    let (nbf, exp, created) = pending_dates(ctx, policy);
    let mut b = Map::new();
    b.insert(
        "id".into(),
        json!(lifecycle::versioned_id::<CertificateKind>(
            ctx,
            object_name,
            pending_version
        )),
    );
    b.insert(
        "attributes".into(),
        Value::Object(lifecycle::attributes(
            ctx,
            false,
            Some(nbf),
            Some(exp),
            created,
            created,
        )),
    );
    let policy_id = format!("{}/certificates/{object_name}/policy", ctx.base);
    b.insert("policy".into(), policy.to_json(policy_id));
    b.insert(
        "pending".into(),
        json!({ "id": format!("{}/certificates/{object_name}/pending", ctx.base) }),
    );
    Ok(Reply::json(200, &Value::Object(b)))
}

fn update(
    ctx: &Ctx<'_>,
    vault: &mut Vault,
    req: &Req,
    name: &str,
    version: Option<&str>,
) -> Result<Reply, ServiceError> {
    validate_name(name)?;
    let params: UpdateIn = req.json()?;
    let now = ctx.now.unix_timestamp();
    let lower = name.to_ascii_lowercase();
    let Lookup::Active(o) = vault.certificates.store.lookup(name, ctx.now) else {
        return Err(not_found(name));
    };
    let object_name = o.name.clone();
    let v = lifecycle::find_version::<CertificateKind>(o, name, version)?;
    if let Some(enabled) = params.attributes.and_then(|a| a.enabled) {
        v.enabled = enabled;
    }
    if let Some(tags) = params.tags {
        v.tags = tags;
    }
    v.updated = now;
    let (version_id, enabled, tags) = (v.version.clone(), v.enabled, v.tags.clone());
    if let Some(update) = params.policy {
        if let Some(meta) = vault.certificates.meta.get_mut(&lower) {
            meta.policy.merge(update, now)?;
        }
    }
    if let Lookup::Active(secret) = vault.secrets.lookup(name, ctx.now) {
        if let Some(s) = secret.versions.iter_mut().find(|s| s.version == version_id) {
            s.enabled = enabled;
            s.tags = Some(tags);
            s.updated = now;
        }
    }
    managed::set_enabled(ctx, vault, name, &version_id, enabled);
    let meta = vault.certificates.meta.get(&lower).cloned();
    let Lookup::Active(o) = vault.certificates.store.lookup(name, ctx.now) else {
        return Err(not_found(name));
    };
    let v = o
        .versions
        .iter()
        .find(|v| v.version == version_id)
        .ok_or_else(|| not_found(name))?;
    Ok(Reply::json(
        200,
        &Value::Object(bundle(ctx, &object_name, v, meta.as_ref(), false)),
    ))
}

fn get_policy(ctx: &Ctx<'_>, vault: &mut Vault, name: &str) -> Result<Reply, ServiceError> {
    validate_name(name)?;
    let certs = &mut vault.certificates;
    let active = matches!(certs.store.lookup(name, ctx.now), Lookup::Active(_));
    let meta = certs.meta.get(&name.to_ascii_lowercase());
    match meta {
        Some(meta) if active || meta.operation.is_some() => {
            let id = format!("{}/certificates/{}/policy", ctx.base, meta.name);
            Ok(Reply::json(200, &meta.policy.to_json(id)))
        }
        _ => Err(not_found(name)),
    }
}

fn update_policy(
    ctx: &Ctx<'_>,
    vault: &mut Vault,
    req: &Req,
    name: &str,
) -> Result<Reply, ServiceError> {
    validate_name(name)?;
    let update: Policy = req.json()?;
    let now = ctx.now.unix_timestamp();
    let certs = &mut vault.certificates;
    let active = matches!(certs.store.lookup(name, ctx.now), Lookup::Active(_));
    match certs.meta.get_mut(&name.to_ascii_lowercase()) {
        Some(meta) if active || meta.operation.is_some() => {
            let mut policy = meta.policy.clone();
            policy.merge(update, now)?;
            meta.policy = policy;
            let id = format!("{}/certificates/{}/policy", ctx.base, meta.name);
            Ok(Reply::json(200, &meta.policy.to_json(id)))
        }
        _ => Err(not_found(name)),
    }
}

fn get_operation(ctx: &Ctx<'_>, vault: &mut Vault, name: &str) -> Result<Reply, ServiceError> {
    validate_name(name)?;
    match vault.certificates.meta.get(&name.to_ascii_lowercase()) {
        Some(Meta {
            name,
            operation: Some(op),
            ..
        }) => Ok(Reply::json(200, &operation_json(ctx, name, op))),
        _ => Err(pending_not_found(name)),
    }
}

fn cancel_operation(
    ctx: &Ctx<'_>,
    vault: &mut Vault,
    req: &Req,
    name: &str,
) -> Result<Reply, ServiceError> {
    validate_name(name)?;
    let params: CancelIn = req.json()?;
    let Some(cancel) = params.cancellation_requested else {
        return Err(ServiceError::bad_parameter(
            "The request body must contain the property 'cancellation_requested'.",
        ));
    };
    match vault.certificates.meta.get_mut(&name.to_ascii_lowercase()) {
        Some(Meta {
            name,
            operation: Some(op),
            ..
        }) => {
            if cancel && op.status == IN_PROGRESS {
                op.cancellation_requested = true;
            }
            Ok(Reply::json(200, &operation_json(ctx, name, op)))
        }
        _ => Err(pending_not_found(name)),
    }
}

fn delete_operation(ctx: &Ctx<'_>, vault: &mut Vault, name: &str) -> Result<Reply, ServiceError> {
    validate_name(name)?;
    // The certificate outlives its operation, as its pending version if it has no other.
    keep_pending_version(ctx, vault, name);
    let lower = name.to_ascii_lowercase();
    let has_versions = !matches!(
        vault.certificates.store.lookup(name, ctx.now),
        Lookup::Missing
    );
    let Some(meta) = vault.certificates.meta.get_mut(&lower) else {
        return Err(pending_not_found(name));
    };
    let Some(op) = meta.operation.take() else {
        return Err(pending_not_found(name));
    };
    let body = operation_json(ctx, &meta.name, &op);
    if !has_versions {
        vault.certificates.meta.remove(&lower);
    }
    Ok(Reply::json(200, &body))
}

/// The DER certificates of one `x5c` entry: base64 DER, PEM text, or base64 of text that is PEM or
/// base64 DER between optional PEM markers. The JavaScript SDK sends the bytes it is given
/// base64-encoded, and its merge sample (sdk/keyvault/keyvault-certificates/samples-dev/
/// mergeCertificate.ts) gives it the PEM file's lines after the first, joined: the base64 DER
/// then `-----END CERTIFICATE-----`. The service merges that with 201 (recording "can merge a
/// self-signed certificate" of azure-sdk-for-js, sdk/keyvault/keyvault-certificates/recordings/
/// node/certificates_client__merge_and_import_certificates/).
fn decode_cert(value: &str) -> Result<Vec<Vec<u8>>, ServiceError> {
    let trimmed = value.trim();
    if trimmed.starts_with("-----BEGIN") {
        return decode_pem_certs(trimmed);
    }
    let compact: String = trimmed.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = STANDARD
        .decode(&compact)
        .or_else(|_| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(compact.trim_end_matches('='))
        })
        .map_err(|_| {
            ServiceError::bad_parameter("The x5c certificates must be base64 DER or PEM.")
        })?;
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return Ok(vec![bytes]);
    };
    if text.contains("-----BEGIN") {
        return decode_pem_certs(text.trim());
    }
    if !text.contains("-----") {
        return Ok(vec![bytes]);
    }
    // Base64 DER with PEM markers around it (`-----END CERTIFICATE-----`): the text between them.
    let body: String = text
        .split("-----")
        .step_by(2)
        .flat_map(str::chars)
        .filter(|c| !c.is_whitespace())
        .collect();
    STANDARD
        .decode(body)
        .map(|der| vec![der])
        .map_err(|_| ServiceError::bad_parameter("The x5c certificate is not valid PEM."))
}

fn decode_pem_certs(text: &str) -> Result<Vec<Vec<u8>>, ServiceError> {
    let invalid = || ServiceError::bad_parameter("The x5c certificate is not valid PEM.");
    let certs: Vec<Vec<u8>> = pem::parse_many(text)
        .map_err(|_| invalid())?
        .into_iter()
        .filter(|b| b.tag() == "CERTIFICATE")
        .map(|b| b.contents().to_vec())
        .collect();
    if certs.is_empty() {
        return Err(invalid());
    }
    Ok(certs)
}

fn merge_certificate(
    ctx: &Ctx<'_>,
    vault: &mut Vault,
    req: &Req,
    name: &str,
) -> Result<Reply, ServiceError> {
    validate_name(name)?;
    let params: MergeIn = req.json()?;
    let x5c = params.x5c.filter(|x| !x.is_empty()).ok_or_else(|| {
        ServiceError::bad_parameter("The request body must contain the property 'x5c'.")
    })?;
    let chain: Vec<Vec<u8>> = x5c
        .iter()
        .map(|c| decode_cert(c))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .collect();
    let lower = name.to_ascii_lowercase();
    let (object_name, op) = match vault.certificates.meta.get(&lower) {
        Some(Meta {
            name,
            operation: Some(op),
            ..
        }) if op.status == IN_PROGRESS => (name.clone(), op.clone()),
        _ => return Err(pending_not_found(name)),
    };
    if !op.policy.issuer.name().eq_ignore_ascii_case("Unknown") {
        return Err(ServiceError::bad_parameter(format!(
            "Certificate {name} is not pending a merge: its issuer is {}.",
            op.policy.issuer.name()
        )));
    }
    let key = Zeroizing::new(op.key.clone().ok_or_else(|| pending_not_found(name))?);
    let spec = KeySpec::from_policy(&op.policy)?;
    pkcs12::check_merge_key(&chain[0], &key, spec)?;
    let version = issue(
        ctx,
        vault,
        &object_name,
        &op.policy,
        chain,
        Some(key),
        params.attributes.and_then(|a| a.enabled).or(op.enabled),
        params.tags.or(op.tags.clone()),
        op.preserve_cert_order,
    )?;
    if let Some(op) = vault
        .certificates
        .meta
        .get_mut(&lower)
        .and_then(|m| m.operation.as_mut())
    {
        op.status = "completed".into();
        op.status_details = None;
        op.completed = true;
        op.key = None;
    }
    reply_version(ctx, vault, &object_name, &version, 201)
}

fn include_pending(req: &Req) -> bool {
    req.query("includePending")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// An entry of the certificates list.
enum Listed<'a> {
    /// An active certificate and its latest version.
    Issued(&'a Object<CertVersion>, &'a CertVersion),
    /// A certificate with an operation in progress and no issued version.
    Pending(&'a Meta),
}

/// `GET /certificates`; with `includePending=true`, certificates with an operation in progress
/// and no active version are listed too.
fn list(ctx: &Ctx<'_>, vault: &mut Vault, req: &Req) -> Result<Reply, ServiceError> {
    if !include_pending(req) {
        return lifecycle::list::<CertificateKind>(ctx, vault, req);
    }
    let paging = PageRequest::of(req)?;
    let certs = &mut vault.certificates;
    let issued = certs
        .store
        .listed_after(ctx.now, paging.after(), false)
        .filter_map(|(key, o, _)| Some((key, Listed::Issued(o, o.latest()?))));
    let pending = paging::range_after(&certs.meta, paging.after())
        .filter(|(_, meta)| {
            meta.operation
                .as_ref()
                .is_some_and(|op| op.status == IN_PROGRESS)
        })
        .map(|(key, meta)| (key, Listed::Pending(meta)));
    let now = ctx.now.unix_timestamp();
    let items = merge_by_marker(issued, pending);
    Ok(paging.reply(
        ctx,
        req,
        "/certificates",
        CARRY,
        items,
        |entry| match entry {
            Listed::Issued(o, latest) => {
                let id = lifecycle::id::<CertificateKind>(ctx, &o.name);
                Value::Object(item(ctx, id, latest))
            }
            Listed::Pending(meta) => {
                let created = meta.policy.attributes.created.unwrap_or(now);
                let updated = meta.policy.attributes.updated.unwrap_or(now);
                let attributes = lifecycle::attributes(ctx, false, None, None, created, updated);
                json!({
                    "id": lifecycle::id::<CertificateKind>(ctx, &meta.name),
                    "attributes": attributes,
                    "tags": {},
                })
            }
        },
    ))
}

/// Merges two lists ordered by marker; where both have a marker, the first list's item stands.
fn merge_by_marker<'a, T>(
    first: impl Iterator<Item = (&'a String, T)>,
    second: impl Iterator<Item = (&'a String, T)>,
) -> impl Iterator<Item = (&'a String, T)> {
    let (mut first, mut second) = (first.peekable(), second.peekable());
    std::iter::from_fn(move || {
        let order = match (first.peek(), second.peek()) {
            (Some((a, _)), Some((b, _))) => a.cmp(b),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => return None,
        };
        match order {
            Ordering::Less => first.next(),
            Ordering::Equal => {
                second.next();
                first.next()
            }
            Ordering::Greater => second.next(),
        }
    })
}

fn backup(ctx: &Ctx<'_>, vault: &mut Vault, name: &str) -> Result<Reply, ServiceError> {
    validate_name(name)?;
    let policy = vault
        .certificates
        .meta
        .get(&name.to_ascii_lowercase())
        .map(|m| m.policy.clone())
        .unwrap_or_default();
    let Lookup::Active(o) = vault.certificates.store.lookup(name, ctx.now) else {
        return Err(not_found(name));
    };
    let (object_name, versions) = (o.name.clone(), o.versions.clone());
    let secrets = match vault.secrets.lookup(name, ctx.now) {
        Lookup::Active(s) => s.versions.clone(),
        _ => Vec::new(),
    };
    let keys = managed::versions(ctx, vault, name);
    let payload = BackupPayload {
        kind: BACKUP_KIND.into(),
        name: object_name,
        policy,
        versions,
        secrets,
        keys,
    };
    let bytes = Zeroizing::new(serde_json::to_vec(&payload).map_err(|_| internal("Backup"))?);
    let blob = ctx.state.backup_key.seal(BACKUP_KIND, &bytes)?;
    Ok(Reply::json(200, &json!({ "value": blob })))
}

fn restore_certificate(ctx: &Ctx<'_>, vault: &mut Vault, req: &Req) -> Result<Reply, ServiceError> {
    let params: RestoreIn = req.json()?;
    let Some(blob) = params.value else {
        return Err(ServiceError::bad_parameter(
            "The request body must contain the property 'value'.",
        ));
    };
    let plain = Zeroizing::new(ctx.state.backup_key.open(BACKUP_KIND, &blob)?);
    let corrupt = || {
        ServiceError::bad_parameter("Backup blob is corrupted or was not produced by this service.")
    };
    let payload: BackupPayload = serde_json::from_slice(&plain).map_err(|_| corrupt())?;
    if payload.kind != BACKUP_KIND || payload.versions.is_empty() {
        return Err(corrupt());
    }
    validate_name(&payload.name)?;
    let name = payload.name.clone();
    NAMES.check_restorable(vault.certificates.store.lookup(&name, ctx.now), &name)?;
    if !matches!(vault.secrets.lookup(&name, ctx.now), Lookup::Missing)
        || !matches!(vault.keys.store.lookup(&name, ctx.now), Lookup::Missing)
    {
        return Err(ServiceError::new(
            409,
            "Conflict",
            format!("A secret or key named {name} already exists; the certificate's managed secret and key cannot be restored."),
        ));
    }
    let mut secrets = payload.secrets;
    for s in &mut secrets {
        s.kid = Some(versioned(ctx, "keys", &name, &s.version));
    }
    if !secrets.is_empty() {
        vault.secrets.insert(Object {
            name: name.clone(),
            versions: secrets,
            state: ObjectState::Active,
        });
    }
    managed::restore(vault, &name, payload.keys);
    vault.certificates.store.insert(Object {
        name: name.clone(),
        versions: payload.versions,
        state: ObjectState::Active,
    });
    vault.certificates.meta.insert(
        name.to_ascii_lowercase(),
        Meta {
            name: name.clone(),
            policy: payload.policy,
            operation: None,
        },
    );
    let meta = vault
        .certificates
        .meta
        .get(&name.to_ascii_lowercase())
        .cloned();
    let Lookup::Active(o) = vault.certificates.store.lookup(&name, ctx.now) else {
        return Err(not_found(&name));
    };
    let latest = o.latest().ok_or_else(|| not_found(&name))?;
    Ok(Reply::json(
        200,
        &Value::Object(bundle(ctx, &o.name, latest, meta.as_ref(), true)),
    ))
}

/// One certificate version as `GET /_emulator/export` writes it.
pub(crate) struct Exported {
    /// The private key (PKCS#8, when the emulator holds it), then the chain, as PEM.
    pub(crate) pem: Zeroizing<String>,
    pub(crate) enabled: bool,
    pub(crate) tags: BTreeMap<String, String>,
}

impl Certificates {
    /// The active certificates (name as created, versions oldest first), for the export.
    pub(crate) fn exported(&mut self, now: time::OffsetDateTime) -> Vec<(String, Vec<Exported>)> {
        self.store
            .active(now)
            .map(|(_, object)| {
                let versions = object
                    .versions
                    .iter()
                    .map(|v| {
                        let mut pem = Zeroizing::new(String::new());
                        if let Some(key) = &v.key {
                            let block = Zeroizing::new(::pem::encode(&::pem::Pem::new(
                                "PRIVATE KEY",
                                key.clone(),
                            )));
                            pem.push_str(&block);
                        }
                        for der in &v.chain {
                            pem.push_str(&::pem::encode(&::pem::Pem::new(
                                "CERTIFICATE",
                                der.clone(),
                            )));
                        }
                        Exported {
                            pem,
                            enabled: v.enabled,
                            tags: v.tags.clone(),
                        }
                    })
                    .collect();
                (object.name.clone(), versions)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_keeps_marker_order_and_the_first_of_equals() {
        let keys: Vec<String> = ["a", "b", "c", "d", "e"].map(String::from).to_vec();
        let first = [&keys[0], &keys[2], &keys[3]].map(|k| (k, 1)).into_iter();
        let second = [&keys[1], &keys[2], &keys[4]].map(|k| (k, 2)).into_iter();
        let merged: Vec<(&str, i32)> = merge_by_marker(first, second)
            .map(|(k, v)| (k.as_str(), v))
            .collect();
        assert_eq!(merged, [("a", 1), ("b", 2), ("c", 1), ("d", 1), ("e", 2)]);
    }
}
