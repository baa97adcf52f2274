//! The External Key Manager (EKM) connection of a Managed HSM (API version 2026-04-01):
//! `/ekm` (GET, PATCH, DELETE), `/ekm/create` (POST), `/ekm/certificate` (GET) and
//! `/ekm/check` (POST).
//!
//! The emulator never reaches an EKM proxy: the connection is stored as given (checked as the
//! service checks it), and a check answers the proxy information from the stored connection.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hyper::Method;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};
use serde::Deserialize;
use serde_json::json;
use x509_parser::prelude::{FromDer as _, X509Certificate};

use super::HsmAdmin;
use crate::errors::ServiceError;
use crate::http::{method_not_allowed, not_found as no_such_path, Reply, Req};
pub(crate) use crate::storage::admin::{EkmConnection, EkmState};

/// The subject common name of the client certificate an HSM presents to its proxy (the
/// service's, as its example shows it).
pub(crate) const CLIENT_SUBJECT: &str = "Azure Key Vault EKM Client";

/// Body of create (every field) and update (any field).
#[derive(Deserialize)]
struct EkmConnectionBody {
    host: Option<String>,
    path_prefix: Option<String>,
    server_ca_certificates: Option<Vec<String>>,
    server_subject_common_name: Option<String>,
}

fn not_found() -> ServiceError {
    ServiceError::new(
        404,
        "EkmConnectionNotFound",
        "The EKM connection was not found. Create one first.",
    )
}

fn bad(message: impl Into<String>) -> ServiceError {
    ServiceError::bad_parameter(message)
}

fn check_host(host: &str) -> Result<(), ServiceError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | ':');
    if host.is_empty() || host.len() > 253 || !host.chars().all(allowed) {
        return Err(bad(format!(
            "The EKM proxy host '{host}' is not valid. Only a-z, A-Z, 0-9, hyphen (-), dot (.), and colon (:) are allowed."
        )));
    }
    Ok(())
}

fn check_path_prefix(prefix: &str) -> Result<(), ServiceError> {
    if !prefix.starts_with('/')
        || prefix
            .chars()
            .any(|c| c.is_whitespace() || c == '?' || c == '#')
    {
        return Err(bad(format!(
            "The EKM proxy path prefix '{prefix}' is not valid: it must be a path starting with '/'."
        )));
    }
    Ok(())
}

/// Checks that every certificate is base64 of one DER X.509 certificate and answers them
/// re-encoded as padded standard base64.
fn check_certificates(certificates: &[String]) -> Result<Vec<String>, ServiceError> {
    if certificates.is_empty() {
        return Err(bad(
            "The property 'server_ca_certificates' must hold at least one certificate.",
        ));
    }
    certificates
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let invalid = || {
                bad(format!(
                    "The server CA certificate at index {i} is not a base64-encoded DER X.509 certificate."
                ))
            };
            let der = STANDARD.decode(text.trim()).map_err(|_| invalid())?;
            match X509Certificate::from_der(&der) {
                Ok(([], _)) => Ok(STANDARD.encode(&der)),
                _ => Err(invalid()),
            }
        })
        .collect()
}

impl EkmConnectionBody {
    /// Applies the body to `connection` (an update), or makes a new connection (a create:
    /// `host` and `server_ca_certificates` are required).
    fn apply(self, connection: Option<&EkmConnection>) -> Result<EkmConnection, ServiceError> {
        let required = |name: &str| bad(format!("The property '{name}' is required."));
        let host = match (self.host, connection) {
            (Some(host), _) => host,
            (None, Some(c)) => c.host.clone(),
            (None, None) => return Err(required("host")),
        };
        check_host(&host)?;
        let server_ca_certificates = match (self.server_ca_certificates, connection) {
            (Some(certificates), _) => check_certificates(&certificates)?,
            (None, Some(c)) => c.server_ca_certificates.clone(),
            (None, None) => return Err(required("server_ca_certificates")),
        };
        let path_prefix = self
            .path_prefix
            .or_else(|| connection.and_then(|c| c.path_prefix.clone()));
        if let Some(prefix) = &path_prefix {
            check_path_prefix(prefix)?;
        }
        let server_subject_common_name = self
            .server_subject_common_name
            .or_else(|| connection.and_then(|c| c.server_subject_common_name.clone()));
        Ok(EkmConnection {
            host,
            path_prefix,
            server_ca_certificates,
            server_subject_common_name,
        })
    }
}

/// A self-signed CA for the HSM's proxy client certificate.
fn client_ca(hsm: &str) -> Result<Vec<u8>, ServiceError> {
    let internal = |e: rcgen::Error| {
        ServiceError::new(
            500,
            "InternalServerError",
            format!("The EKM client certificate could not be generated: {e}"),
        )
    };
    let key = KeyPair::generate().map_err(internal)?;
    let mut params = CertificateParams::new(Vec::<String>::new()).map_err(internal)?;
    params
        .distinguished_name
        .push(DnType::CommonName, format!("{CLIENT_SUBJECT} CA ({hsm})"));
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let certificate = params.self_signed(&key).map_err(internal)?;
    Ok(certificate.der().to_vec())
}

/// Answers a request under `/ekm`; `sub` is the segment after `ekm`, if any.
pub(crate) fn handle(
    hsm: &str,
    admin: &mut HsmAdmin,
    req: &Req,
    sub: Option<&str>,
) -> Result<Reply, ServiceError> {
    let ekm = &mut admin.ekm;
    let sub = sub.map(str::to_ascii_lowercase);
    let ok = |connection: &EkmConnection| Ok(Reply::json(200, &json!(connection)));
    match (&req.method, sub.as_deref()) {
        (&Method::GET, None) => ekm.connection.as_ref().map_or(Err(not_found()), ok),
        (&Method::PATCH, None) => {
            let current = ekm.connection.as_ref().ok_or_else(not_found)?;
            let updated = req.json::<EkmConnectionBody>()?.apply(Some(current))?;
            ok(ekm.connection.insert(updated))
        }
        (&Method::DELETE, None) => ekm.connection.take().map_or(Err(not_found()), |c| ok(&c)),
        (&Method::POST, Some("create")) => {
            if ekm.connection.is_some() {
                return Err(ServiceError::new(
                    409,
                    "Conflict",
                    "An EKM connection already exists. Update or delete it instead.",
                ));
            }
            let created = req.json::<EkmConnectionBody>()?.apply(None)?;
            ok(ekm.connection.insert(created))
        }
        (&Method::GET, Some("certificate")) => {
            let der = match &ekm.client_ca {
                Some(der) => der.clone(),
                None => ekm.client_ca.insert(client_ca(hsm)?).clone(),
            };
            Ok(Reply::json(
                200,
                &json!({
                    "ca_certificates": [STANDARD.encode(der)],
                    "subject_common_name": CLIENT_SUBJECT,
                }),
            ))
        }
        (&Method::POST, Some("check")) => {
            let connection = ekm.connection.as_ref().ok_or_else(not_found)?;
            let proxy = format!(
                "{}{}",
                connection.host,
                connection.path_prefix.as_deref().unwrap_or("")
            );
            Ok(Reply::json(
                200,
                &json!({
                    "api_version": "1.0.0",
                    "proxy_vendor": "keyvault-emulator",
                    "proxy_name": format!("keyvault-emulator EKM proxy stand-in for {proxy}"),
                    "ekm_vendor": "keyvault-emulator",
                    "ekm_product": format!("keyvault-emulator {}", env!("CARGO_PKG_VERSION")),
                }),
            ))
        }
        (_, None | Some("create" | "certificate" | "check")) => Err(method_not_allowed(req)),
        _ => Err(no_such_path(req)),
    }
}
