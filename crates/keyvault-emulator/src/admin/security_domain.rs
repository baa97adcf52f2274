//! The security domain of a Managed HSM: `POST /securitydomain/download` and its
//! `GET /securitydomain/download/pending`, the transfer key (`GET /securitydomain/upload`),
//! `POST /securitydomain/upload` and its `GET /securitydomain/upload/pending`.
//!
//! # The emulator's security domain
//!
//! Every HSM of the emulator owns a random 256-bit *domain key* (made when it is first needed)
//! and a domain id. The real service's blob format is its own; clients treat the blob as
//! opaque, so the emulator uses a documented format of its own, built only from RustCrypto
//! primitives:
//!
//! ```text
//! download value = JSON text of
//! {
//!   "kind": "keyvault-emulator/security-domain", "version": 1,
//!   "hsm": "<name>", "domain_id": "<uuid>", "created": <unix seconds>, "required": m,
//!   "shares": [ { "index": i, "kid": .., "x5t#S256": ..,
//!                 "enc_key": b64url(RSA-OAEP-256(certificate i, k_i)) } ],       // k_i: 32 random bytes
//!   "quorum": [ { "members": [i1 < .. < im], "iv": b64url(12 bytes),
//!                 "ciphertext": b64url(AES-256-GCM(KEK, iv, domain key, aad = domain_id)) } ]
//! }
//! KEK = HKDF-SHA256(ikm = k_i1 || .. || k_im, salt = domain_id, info = "keyvault-emulator security domain quorum")
//! ```
//!
//! There is one `quorum` entry per `m`-subset of the certificates (at most C(10,5) = 252), so
//! that any `m` private keys, and no fewer, recover the domain key: the real service splits it
//! with Shamir's secret sharing, which no crate of the workspace offers and which is not
//! written by hand here.
//!
//! An upload carries the shares of `m` certificates re-encrypted for the HSM's transfer key,
//! which the client prepares (the official clients leave that to the caller, as they leave it to
//! `az keyvault security-domain restore-blob`; [`tools::prepare_upload`] does it for tests):
//!
//! ```text
//! upload value = JSON text of
//! {
//!   "kind": "keyvault-emulator/security-domain-restore", "version": 1,
//!   "transfer_key_kid": "<kid of the transfer key>",
//!   "domain": <the download document, as an object>,
//!   "shares": [ { "index": i, "enc_key": b64url(RSA-OAEP-256(transfer key, k_i)) } ]
//! }
//! ```
//!
//! The HSM opens the shares with the private transfer key, derives the KEK of their subset and
//! opens the domain key; the restored HSM then owns that domain (its later downloads wrap the
//! same domain key). A document that is not of this shape is refused at once (400
//! `BadParameter`); shares that do not open the domain key fail the operation (`Failed`).
//!
//! # Behaviour
//!
//! - Each operation answers 202 with `Azure-AsyncOperation` (its `pending` URL) and
//!   `Retry-After`, and reports `InProgress` until the admin job latency has passed, then
//!   `Success` (the service's word: not `Succeeded`) or `Failed`.
//! - The download's 202 body carries the security domain (`{"value": ..}`), as the spec and
//!   the official clients have it; the `pending` status carries only `status` and
//!   `status_details`.
//! - A download or upload while another security domain operation of the HSM is still in
//!   progress is refused with 409 `Conflict`: the service activates an HSM once at a time. A
//!   finished operation does not block the next: a second download wraps the same domain key
//!   for the new certificates.
//! - Before any operation, both `pending` statuses answer `Success` with details saying that
//!   none was started: an HSM of the emulator is active from its creation (it serves keys at
//!   once), so there is no unactivated state to report.
//! - The transfer key is an RSA 2048 key made on the first request and kept for the HSM's
//!   lifetime, with a self-signed certificate (the spec's JWK requires `x5c`).

use std::collections::BTreeMap;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use hyper::Method;
use rand::rngs::OsRng;
use rand::RngCore as _;
use rsa::pkcs8::DecodePrivateKey as _;
use rsa::traits::PublicKeyParts as _;
use rsa::{BigUint, Oaep, RsaPrivateKey, RsaPublicKey};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest as _, Sha256};
use x509_parser::prelude::{FromDer as _, X509Certificate};
use x509_parser::public_key::PublicKey;
use zeroize::Zeroizing;

use super::HsmAdmin;
use crate::errors::ServiceError;
use crate::http::{method_not_allowed, not_found, Ctx, Reply, Req};
use crate::storage::admin::{
    Domain, DomainOperation as Operation, SecurityDomainState, TransferKey,
};
use crate::storage::store::millis;

const DOMAIN_KIND: &str = "keyvault-emulator/security-domain";
const RESTORE_KIND: &str = "keyvault-emulator/security-domain-restore";
const QUORUM_INFO: &[u8] = b"keyvault-emulator security domain quorum";
/// The spec's bounds: 3 to 10 certificates, a quorum of 2 to 10 (and at most the certificates).
const MIN_CERTIFICATES: usize = 3;
const MAX_CERTIFICATES: usize = 10;
const MIN_QUORUM: usize = 2;
const SHARE_KEY_LEN: usize = 32;

impl Domain {
    fn new() -> Self {
        let mut key = Zeroizing::new([0u8; 32]);
        OsRng.fill_bytes(key.as_mut());
        Domain {
            id: uuid::Uuid::new_v4().to_string(),
            key,
        }
    }
}

impl Operation {
    fn remaining_ms(&self, ctx: &Ctx<'_>) -> i128 {
        self.ready_at_ms - millis(ctx.now)
    }

    fn running(&self, ctx: &Ctx<'_>) -> bool {
        self.remaining_ms(ctx) > 0
    }

    /// The status body and the `Retry-After` seconds while in progress.
    fn status(&self, ctx: &Ctx<'_>) -> (Value, Option<u64>) {
        let remaining = self.remaining_ms(ctx);
        if remaining > 0 {
            let seconds = (remaining as u64).div_ceil(1000);
            return (
                json!({"status": "InProgress", "status_details": self.in_progress}),
                Some(seconds),
            );
        }
        match &self.outcome {
            Ok(()) => (
                json!({"status": "Success", "status_details": self.succeeded}),
                None,
            ),
            Err(details) => (json!({"status": "Failed", "status_details": details}), None),
        }
    }
}

/// The path of the status of `what` (`download` or `upload`).
fn pending_url(ctx: &Ctx<'_>, what: &str) -> String {
    format!("{}/securitydomain/{what}/pending", ctx.base)
}

/// A 202 that started an operation.
fn accepted(ctx: &Ctx<'_>, what: &str, body: &Value) -> Reply {
    let latency = *crate::sync::lock(&ctx.state.admin.job_latency);
    let mut reply = Reply::json(202, body);
    reply
        .headers
        .push(("azure-asyncoperation".into(), pending_url(ctx, what)));
    reply.headers.push((
        "retry-after".into(),
        latency.as_millis().div_ceil(1000).to_string(),
    ));
    reply
}

fn new_operation(
    ctx: &Ctx<'_>,
    outcome: Result<(), String>,
    in_progress: &'static str,
    succeeded: &'static str,
) -> Operation {
    let latency = *crate::sync::lock(&ctx.state.admin.job_latency);
    Operation {
        ready_at_ms: millis(ctx.now) + latency.as_millis() as i128,
        outcome,
        in_progress,
        succeeded,
    }
}

/// Routes `/securitydomain/{download,upload}[/pending]`.
pub(crate) fn handle(
    ctx: &Ctx<'_>,
    hsm: &str,
    admin: &mut HsmAdmin,
    req: &Req,
    rest: &[&str],
) -> Result<Reply, ServiceError> {
    let sd = &mut admin.security_domain;
    let rest: Vec<String> = rest.iter().map(|s| s.to_ascii_lowercase()).collect();
    let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
    match (&req.method, rest.as_slice()) {
        (&Method::POST, ["download"]) => download(ctx, hsm, sd, req),
        (&Method::GET, ["download", "pending"]) => Ok(status(
            ctx,
            sd.download.as_ref(),
            "No security domain download has been started; the HSM is active.",
        )),
        (&Method::GET, ["upload"]) => transfer_key(ctx, hsm, sd),
        (&Method::POST, ["upload"]) => upload(ctx, sd, req),
        (&Method::GET, ["upload", "pending"]) => Ok(status(
            ctx,
            sd.upload.as_ref(),
            "No security domain upload has been started; the HSM is active.",
        )),
        (_, ["download"] | ["upload"] | ["download" | "upload", "pending"]) => {
            Err(method_not_allowed(req))
        }
        _ => Err(not_found(req)),
    }
}

fn status(ctx: &Ctx<'_>, operation: Option<&Operation>, idle: &str) -> Reply {
    let Some(operation) = operation else {
        return Reply::json(200, &json!({"status": "Success", "status_details": idle}));
    };
    let (body, retry_after) = operation.status(ctx);
    let mut reply = Reply::json(200, &body);
    if let Some(seconds) = retry_after {
        reply
            .headers
            .push(("retry-after".into(), seconds.to_string()));
    }
    reply
}

fn refuse_if_running(ctx: &Ctx<'_>, sd: &SecurityDomainState) -> Result<(), ServiceError> {
    let running = [&sd.download, &sd.upload]
        .into_iter()
        .flatten()
        .any(|op| op.running(ctx));
    if running {
        return Err(ServiceError::new(
            409,
            "Conflict",
            "A security domain operation is already in progress on this HSM. Wait for it to finish.",
        ));
    }
    Ok(())
}

fn bad(message: impl Into<String>) -> ServiceError {
    ServiceError::bad_parameter(message)
}

fn b64u(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn unb64u(value: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(value.trim().trim_end_matches('='))
        .ok()
}

/// An RSA public key from the `n` and `e` of a JWK.
fn rsa_public(jwk: &Value) -> Option<RsaPublicKey> {
    let n = unb64u(jwk.get("n")?.as_str()?)?;
    let e = unb64u(jwk.get("e")?.as_str()?)?;
    RsaPublicKey::new(BigUint::from_bytes_be(&n), BigUint::from_bytes_be(&e)).ok()
}

/// One certificate of a download request, checked.
struct Certificate {
    kid: String,
    thumbprint: String,
    key: RsaPublicKey,
}

/// Checks one certificate JWK: an RSA key with `x5c` whose first certificate holds that key
/// (and matches `x5t#S256` when given).
fn certificate(i: usize, jwk: &Value) -> Result<Certificate, ServiceError> {
    let invalid = |why: &str| bad(format!("The certificate at index {i} is not valid: {why}."));
    if !jwk.is_object() {
        return Err(invalid("it must be a JSON Web Key object"));
    }
    if jwk.get("kty").and_then(Value::as_str) != Some("RSA") {
        return Err(invalid("its 'kty' must be 'RSA'"));
    }
    let key = rsa_public(jwk).ok_or_else(|| invalid("'n' and 'e' must form an RSA public key"))?;
    let chain = jwk
        .get("x5c")
        .and_then(Value::as_array)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| invalid("'x5c' must hold its X.509 certificate chain"))?;
    let leaf = chain[0]
        .as_str()
        .and_then(|s| STANDARD.decode(s.trim()).ok())
        .ok_or_else(|| invalid("'x5c' must hold base64 DER certificates"))?;
    let (_, parsed) = X509Certificate::from_der(&leaf)
        .map_err(|_| invalid("'x5c' must hold base64 DER certificates"))?;
    let matches = match parsed.public_key().parsed() {
        Ok(PublicKey::RSA(rsa)) => {
            BigUint::from_bytes_be(rsa.modulus) == *key.n()
                && BigUint::from_bytes_be(rsa.exponent) == *key.e()
        }
        _ => false,
    };
    if !matches {
        return Err(invalid(
            "the public key of its first 'x5c' certificate is not its 'n' and 'e'",
        ));
    }
    let thumbprint = b64u(&Sha256::digest(&leaf));
    if let Some(given) = jwk.get("x5t#S256").and_then(Value::as_str) {
        if unb64u(given).as_deref() != Some(Sha256::digest(&leaf).as_slice()) {
            return Err(invalid(
                "'x5t#S256' is not the SHA-256 thumbprint of its first 'x5c' certificate",
            ));
        }
    }
    let kid = jwk
        .get("kid")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    Ok(Certificate {
        kid,
        thumbprint,
        key,
    })
}

/// The KEK of the quorum `members` from their share keys.
fn quorum_kek(domain_id: &str, shares: &[&[u8]]) -> Zeroizing<[u8; 32]> {
    let mut ikm = Zeroizing::new(Vec::with_capacity(shares.len() * SHARE_KEY_LEN));
    for share in shares {
        ikm.extend_from_slice(share);
    }
    let mut kek = Zeroizing::new([0u8; 32]);
    hkdf::Hkdf::<Sha256>::new(Some(domain_id.as_bytes()), &ikm)
        .expand(QUORUM_INFO, kek.as_mut())
        .expect("32 bytes is a valid HKDF-SHA256 length");
    kek
}

/// Every `m`-subset of `0..n`, each in increasing order.
fn subsets(n: usize, m: usize) -> Vec<Vec<usize>> {
    fn walk(start: usize, n: usize, m: usize, current: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if current.len() == m {
            out.push(current.clone());
            return;
        }
        for i in start..n {
            current.push(i);
            walk(i + 1, n, m, current, out);
            current.pop();
        }
    }
    let mut out = Vec::new();
    walk(0, n, m, &mut Vec::new(), &mut out);
    out
}

fn oaep() -> Oaep {
    Oaep::new::<Sha256>()
}

#[derive(Serialize, Deserialize)]
struct Share {
    index: usize,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    kid: String,
    #[serde(rename = "x5t#S256", default, skip_serializing_if = "String::is_empty")]
    thumbprint: String,
    enc_key: String,
}

#[derive(Serialize, Deserialize)]
struct QuorumEntry {
    members: Vec<usize>,
    iv: String,
    ciphertext: String,
}

#[derive(Serialize, Deserialize)]
struct DomainDocument {
    kind: String,
    version: u32,
    hsm: String,
    domain_id: String,
    created: i64,
    required: usize,
    shares: Vec<Share>,
    quorum: Vec<QuorumEntry>,
}

#[derive(Serialize, Deserialize)]
struct RestoreDocument {
    kind: String,
    version: u32,
    transfer_key_kid: String,
    domain: DomainDocument,
    shares: Vec<Share>,
}

fn internal(e: impl std::fmt::Display) -> ServiceError {
    ServiceError::new(500, "InternalServerError", format!("Internal error: {e}"))
}

/// Wraps `domain` for `certificates` with a quorum of `required`.
fn export(
    hsm: &str,
    created: i64,
    domain: &Domain,
    certificates: &[Certificate],
    required: usize,
) -> Result<DomainDocument, ServiceError> {
    let mut share_keys = Vec::with_capacity(certificates.len());
    let mut shares = Vec::with_capacity(certificates.len());
    for (index, certificate) in certificates.iter().enumerate() {
        let mut k = Zeroizing::new([0u8; SHARE_KEY_LEN]);
        OsRng.fill_bytes(k.as_mut());
        let wrapped = certificate
            .key
            .encrypt(&mut OsRng, oaep(), k.as_ref())
            .map_err(internal)?;
        shares.push(Share {
            index,
            kid: certificate.kid.clone(),
            thumbprint: certificate.thumbprint.clone(),
            enc_key: b64u(&wrapped),
        });
        share_keys.push(k);
    }
    let quorum = subsets(certificates.len(), required)
        .into_iter()
        .map(|members| {
            let keys: Vec<&[u8]> = members.iter().map(|&i| share_keys[i].as_ref()).collect();
            let kek = quorum_kek(&domain.id, &keys);
            let mut iv = [0u8; 12];
            OsRng.fill_bytes(&mut iv);
            let cipher = Aes256Gcm::new_from_slice(kek.as_ref()).map_err(internal)?;
            let ciphertext = cipher
                .encrypt(
                    Nonce::from_slice(&iv),
                    Payload {
                        msg: domain.key.as_ref(),
                        aad: domain.id.as_bytes(),
                    },
                )
                .map_err(internal)?;
            Ok(QuorumEntry {
                members,
                iv: b64u(&iv),
                ciphertext: b64u(&ciphertext),
            })
        })
        .collect::<Result<Vec<_>, ServiceError>>()?;
    Ok(DomainDocument {
        kind: DOMAIN_KIND.into(),
        version: 1,
        hsm: hsm.to_string(),
        domain_id: domain.id.clone(),
        created,
        required,
        shares,
        quorum,
    })
}

fn download(
    ctx: &Ctx<'_>,
    hsm: &str,
    sd: &mut SecurityDomainState,
    req: &Req,
) -> Result<Reply, ServiceError> {
    let body: Value = serde_json::from_slice(&req.body)
        .map_err(|_| bad("The request body must be a JSON object with 'certificates'."))?;
    let list = body
        .get("certificates")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("The property 'certificates' is required."))?;
    if !(MIN_CERTIFICATES..=MAX_CERTIFICATES).contains(&list.len()) {
        return Err(bad(format!(
            "The security domain download requires between {MIN_CERTIFICATES} and {MAX_CERTIFICATES} certificates; {} were given.",
            list.len()
        )));
    }
    let required = match body.get("required") {
        None | Some(Value::Null) => MIN_QUORUM,
        Some(value) => value
            .as_u64()
            .map(|v| v as usize)
            .ok_or_else(|| bad("The property 'required' must be an integer."))?,
    };
    if required < MIN_QUORUM || required > list.len() {
        return Err(bad(format!(
            "The property 'required' must be between {MIN_QUORUM} and the number of certificates ({}); it is {required}.",
            list.len()
        )));
    }
    let certificates = list
        .iter()
        .enumerate()
        .map(|(i, jwk)| certificate(i, jwk))
        .collect::<Result<Vec<_>, _>>()?;
    refuse_if_running(ctx, sd)?;
    let domain = sd.domain.get_or_insert_with(Domain::new);
    let document = export(
        hsm,
        ctx.now.unix_timestamp(),
        domain,
        &certificates,
        required,
    )?;
    let value = serde_json::to_string(&document).map_err(internal)?;
    sd.download = Some(new_operation(
        ctx,
        Ok(()),
        "Security domain download is in progress.",
        "The security domain was downloaded; the HSM is active.",
    ));
    Ok(accepted(ctx, "download", &json!({ "value": value })))
}

fn make_transfer_key(base: &str, hsm: &str) -> Result<TransferKey, ServiceError> {
    let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).map_err(internal)?;
    let key = RsaPrivateKey::from_pkcs8_der(&pair.serialize_der()).map_err(internal)?;
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(internal)?;
    params.distinguished_name.push(
        rcgen::DnType::CommonName,
        format!("{hsm} security domain transfer key"),
    );
    let certificate = params.self_signed(&pair).map_err(internal)?;
    Ok(TransferKey {
        kid: format!(
            "{base}/securitydomain/transferkey/{}",
            uuid::Uuid::new_v4().simple()
        ),
        key: Box::new(key),
        certificate_der: certificate.der().to_vec(),
    })
}

/// The public JWK of `key` with its certificate chain, as the spec's `SecurityDomainJsonWebKey`.
fn public_jwk(key: &TransferKey) -> Value {
    json!({
        "kid": key.kid,
        "kty": "RSA",
        "key_ops": ["wrapKey", "encrypt"],
        "n": b64u(&key.key.n().to_bytes_be()),
        "e": b64u(&key.key.e().to_bytes_be()),
        "x5c": [STANDARD.encode(&key.certificate_der)],
        "x5t#S256": b64u(&Sha256::digest(&key.certificate_der)),
        "alg": "RSA-OAEP-256",
        "use": "enc",
    })
}

fn transfer_key(
    ctx: &Ctx<'_>,
    hsm: &str,
    sd: &mut SecurityDomainState,
) -> Result<Reply, ServiceError> {
    if sd.transfer.is_none() {
        sd.transfer = Some(make_transfer_key(&ctx.base, hsm)?);
    }
    let key = sd.transfer.as_ref().expect("made above");
    Ok(Reply::json(
        200,
        &json!({ "key_format": "jwk", "transfer_key": public_jwk(key) }),
    ))
}

/// Opens the domain key of an upload, or says why it does not open.
fn restore(transfer: &TransferKey, document: &RestoreDocument) -> Result<Domain, String> {
    let domain = &document.domain;
    let mut shares: Vec<(usize, Zeroizing<Vec<u8>>)> = Vec::new();
    for share in &document.shares {
        let opened = unb64u(&share.enc_key)
            .and_then(|sealed| {
                transfer
                    .key
                    .decrypt_blinded(&mut OsRng, oaep(), &sealed)
                    .ok()
            })
            .filter(|k| k.len() == SHARE_KEY_LEN)
            .ok_or_else(|| {
                format!(
                    "The share of certificate {} does not open with the transfer key.",
                    share.index
                )
            })?;
        shares.push((share.index, Zeroizing::new(opened)));
    }
    shares.sort_by_key(|(index, _)| *index);
    shares.dedup_by_key(|(index, _)| *index);
    shares.truncate(domain.required);
    let members: Vec<usize> = shares.iter().map(|(index, _)| *index).collect();
    let entry = domain
        .quorum
        .iter()
        .find(|q| q.members == members)
        .ok_or("The shares are not a quorum of the security domain.")?;
    let keys: Vec<&[u8]> = shares.iter().map(|(_, k)| k.as_slice()).collect();
    let kek = quorum_kek(&domain.domain_id, &keys);
    let cipher = Aes256Gcm::new_from_slice(kek.as_ref()).map_err(|e| e.to_string())?;
    let failed = || "The shares do not open the security domain.".to_string();
    let iv = unb64u(&entry.iv)
        .filter(|iv| iv.len() == 12)
        .ok_or_else(failed)?;
    let ciphertext = unb64u(&entry.ciphertext).ok_or_else(failed)?;
    let plain = Zeroizing::new(
        cipher
            .decrypt(
                Nonce::from_slice(&iv),
                Payload {
                    msg: &ciphertext,
                    aad: domain.domain_id.as_bytes(),
                },
            )
            .map_err(|_| failed())?,
    );
    let key: [u8; 32] = plain.as_slice().try_into().map_err(|_| failed())?;
    Ok(Domain {
        id: domain.domain_id.clone(),
        key: Zeroizing::new(key),
    })
}

/// Parses an upload body; every message is the emulator's own, never echoing the payload.
fn restore_document(req: &Req) -> Result<RestoreDocument, ServiceError> {
    let body: BTreeMap<String, Value> = serde_json::from_slice(&req.body)
        .map_err(|_| bad("The request body must be a JSON object with 'value'."))?;
    let value = body
        .get("value")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("The property 'value' is required and must be a string."))?;
    let malformed = || {
        bad("The security domain is malformed: it is not a security domain prepared for this HSM's transfer key.")
    };
    let document: RestoreDocument = serde_json::from_str(value).map_err(|_| malformed())?;
    let domain = &document.domain;
    if document.kind != RESTORE_KIND
        || document.version != 1
        || domain.kind != DOMAIN_KIND
        || domain.version != 1
    {
        return Err(malformed());
    }
    if document.shares.len() < domain.required {
        return Err(bad(format!(
            "The security domain needs {} shares to be restored; {} were given.",
            domain.required,
            document.shares.len()
        )));
    }
    Ok(document)
}

fn upload(ctx: &Ctx<'_>, sd: &mut SecurityDomainState, req: &Req) -> Result<Reply, ServiceError> {
    let document = restore_document(req)?;
    let transfer = sd.transfer.as_ref().ok_or_else(|| {
        bad("The HSM has no transfer key: get it (GET /securitydomain/upload) and prepare the security domain for it first.")
    })?;
    if document.transfer_key_kid != transfer.kid {
        return Err(bad(
            "The security domain was prepared for another transfer key than this HSM's.",
        ));
    }
    refuse_if_running(ctx, sd)?;
    let outcome = match restore(transfer, &document) {
        Ok(domain) => {
            sd.domain = Some(domain);
            Ok(())
        }
        Err(details) => Err(details),
    };
    let operation = new_operation(
        ctx,
        outcome,
        "Security domain upload is in progress.",
        "The security domain was restored; the HSM is active.",
    );
    // The answer to the start is InProgress whatever the outcome, as for every job.
    let body = json!({"status": "InProgress", "status_details": operation.in_progress});
    sd.upload = Some(operation);
    Ok(accepted(ctx, "upload", &body))
}

/// The client side of the emulator's security domain format, for tests and examples: RSA
/// certificate keys to download a security domain with, and the preparation of a downloaded
/// security domain for an HSM's transfer key (what `az keyvault security-domain restore-blob`
/// does for the real service's format).
pub mod tools {
    use super::*;

    /// An RSA key pair with a self-signed certificate, usable as a security domain
    /// certificate: [`SecurityDomainCertificate::jwk`] is its public JSON Web Key with `x5c`.
    #[derive(Clone)]
    pub struct SecurityDomainCertificate {
        jwk: Value,
        key: Box<RsaPrivateKey>,
    }

    impl std::fmt::Debug for SecurityDomainCertificate {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("SecurityDomainCertificate")
                .field("kid", &self.jwk["kid"])
                .finish_non_exhaustive()
        }
    }

    impl SecurityDomainCertificate {
        /// A new RSA 2048 key with a self-signed certificate whose common name is `name`.
        pub fn generate(name: &str) -> Result<Self, String> {
            let pair =
                rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).map_err(|e| e.to_string())?;
            let key =
                RsaPrivateKey::from_pkcs8_der(&pair.serialize_der()).map_err(|e| e.to_string())?;
            let mut params =
                rcgen::CertificateParams::new(Vec::<String>::new()).map_err(|e| e.to_string())?;
            params
                .distinguished_name
                .push(rcgen::DnType::CommonName, name);
            let der = params
                .self_signed(&pair)
                .map_err(|e| e.to_string())?
                .der()
                .to_vec();
            let jwk = json!({
                "kid": name,
                "kty": "RSA",
                "key_ops": ["wrapKey"],
                "n": b64u(&key.n().to_bytes_be()),
                "e": b64u(&key.e().to_bytes_be()),
                "x5c": [STANDARD.encode(&der)],
                "x5t#S256": b64u(&Sha256::digest(&der)),
                "alg": "RSA-OAEP-256",
            });
            Ok(SecurityDomainCertificate {
                jwk,
                key: Box::new(key),
            })
        }

        /// The public JSON Web Key, with its certificate in `x5c`.
        pub fn jwk(&self) -> &Value {
            &self.jwk
        }
    }

    /// Prepares the security domain `downloaded` (the `value` a download returned) for upload
    /// to the HSM whose transfer key is `transfer_key` (the `transfer_key` JWK of
    /// `GET /securitydomain/upload`): opens the shares of `certificates` (at least the quorum,
    /// given in any order, each one of the download's certificates) and re-encrypts them for
    /// the transfer key. Returns the `value` to upload.
    pub fn prepare_upload(
        downloaded: &str,
        certificates: &[&SecurityDomainCertificate],
        transfer_key: &Value,
    ) -> Result<String, String> {
        let domain: DomainDocument = serde_json::from_str(downloaded)
            .map_err(|_| "not a security domain of the emulator".to_string())?;
        let transfer = rsa_public(transfer_key).ok_or("the transfer key is not an RSA JWK")?;
        let kid = transfer_key
            .get("kid")
            .and_then(Value::as_str)
            .ok_or("the transfer key has no kid")?;
        let mut shares = Vec::new();
        for certificate in certificates {
            let share = domain
                .shares
                .iter()
                .find(|s| Some(s.kid.as_str()) == certificate.jwk["kid"].as_str())
                .ok_or("a certificate is not one of the security domain's")?;
            let opened = unb64u(&share.enc_key)
                .and_then(|sealed| {
                    certificate
                        .key
                        .decrypt_blinded(&mut OsRng, oaep(), &sealed)
                        .ok()
                })
                .map(Zeroizing::new)
                .ok_or("a share does not open with its certificate's key")?;
            let resealed = transfer
                .encrypt(&mut OsRng, oaep(), &opened)
                .map_err(|e| e.to_string())?;
            shares.push(Share {
                index: share.index,
                kid: String::new(),
                thumbprint: String::new(),
                enc_key: b64u(&resealed),
            });
        }
        serde_json::to_string(&RestoreDocument {
            kind: RESTORE_KIND.into(),
            version: 1,
            transfer_key_kid: kid.to_string(),
            domain,
            shares,
        })
        .map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::tools::*;
    use super::*;

    #[test]
    fn subsets_are_every_quorum() {
        assert_eq!(subsets(3, 2), vec![vec![0, 1], vec![0, 2], vec![1, 2]]);
        assert_eq!(subsets(10, 5).len(), 252);
        assert_eq!(subsets(4, 4), vec![vec![0, 1, 2, 3]]);
    }

    #[test]
    fn any_quorum_and_no_fewer_opens_the_domain() {
        let certificates: Vec<_> = (0..4)
            .map(|i| SecurityDomainCertificate::generate(&format!("sd-{i}")).unwrap())
            .collect();
        let checked: Vec<_> = certificates
            .iter()
            .enumerate()
            .map(|(i, c)| certificate(i, c.jwk()).unwrap_or_else(|_| panic!("certificate {i}")))
            .collect();
        let domain = Domain::new();
        let document = export("hsm", 0, &domain, &checked, 3).unwrap();
        assert_eq!(document.quorum.len(), 4);
        let text = serde_json::to_string(&document).unwrap();
        assert!(!text.contains(&b64u(domain.key.as_ref())), "never in clear");
        let transfer = make_transfer_key("https://hsm", "hsm").unwrap();
        let jwk = public_jwk(&transfer);
        let parse = |value: String| -> RestoreDocument { serde_json::from_str(&value).unwrap() };
        let quorum = [&certificates[3], &certificates[0], &certificates[2]];
        let restored = restore(
            &transfer,
            &parse(prepare_upload(&text, &quorum, &jwk).unwrap()),
        )
        .unwrap();
        assert_eq!(restored.key.as_ref(), domain.key.as_ref());
        assert_eq!(restored.id, domain.id);
        let too_few = [&certificates[1], &certificates[2]];
        let err = restore(
            &transfer,
            &parse(prepare_upload(&text, &too_few, &jwk).unwrap()),
        )
        .unwrap_err();
        assert!(err.contains("quorum"), "{err}");
        let other = make_transfer_key("https://hsm", "hsm").unwrap();
        let err = restore(
            &other,
            &parse(prepare_upload(&text, &quorum, &jwk).unwrap()),
        )
        .unwrap_err();
        assert!(err.contains("transfer key"), "{err}");
    }

    #[test]
    fn certificates_must_hold_their_key() {
        let a = SecurityDomainCertificate::generate("a").unwrap();
        let b = SecurityDomainCertificate::generate("b").unwrap();
        let mut mixed = a.jwk().clone();
        mixed["x5c"] = b.jwk()["x5c"].clone();
        let err = certificate(0, &mixed).err().unwrap();
        assert!(err.message.contains("first 'x5c'"), "{}", err.message);
        let mut no_chain = a.jwk().clone();
        no_chain.as_object_mut().unwrap().remove("x5c");
        assert!(certificate(0, &no_chain).is_err());
        let mut ec = a.jwk().clone();
        ec["kty"] = json!("EC");
        assert!(certificate(0, &ec).is_err());
        let transfer = public_jwk(&make_transfer_key("https://hsm", "hsm").unwrap());
        certificate(0, &transfer).expect("the transfer key's own JWK is well formed");
    }
}
