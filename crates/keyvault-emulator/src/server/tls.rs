//! TLS: a small CA generated at start, and leaf certificates (chosen by SNI) for every host the
//! emulator answers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;

/// The names in the leaf certificate.
pub const CERTIFICATE_NAMES: &[&str] = &[
    "localhost",
    "127.0.0.1",
    "::1",
    "*.localhost",
    "*.vault.azure.net",
    "*.managedhsm.azure.net",
];

/// The generated certificates.
pub(crate) struct Certificates {
    /// PEM of the CA that clients must trust.
    pub(crate) ca_pem: String,
    /// PEM (PKCS#8) of the CA's private key, kept by `--state-dir` so that a restarted
    /// emulator signs its leaves with the CA its clients already trust.
    pub(crate) ca_key_pem: String,
    pub(crate) server_config: Arc<rustls::ServerConfig>,
}

fn tls_error(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Chooses the leaf certificate by SNI: the standard leaf covers [`CERTIFICATE_NAMES`]; a name
/// those do not cover (`{vault}.localhost`, which certificate verifiers refuse to match against
/// `*.localhost`, or multi-label names) gets its own leaf, signed by the same CA and cached.
struct SniResolver {
    standard: Arc<CertifiedKey>,
    issuer: Issuer<'static, KeyPair>,
    ca_der: CertificateDer<'static>,
    not_before: time::OffsetDateTime,
    not_after: time::OffsetDateTime,
    cache: Mutex<HashMap<String, Arc<CertifiedKey>>>,
}

impl std::fmt::Debug for SniResolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SniResolver").finish_non_exhaustive()
    }
}

/// Whether the standard leaf covers `name` (compared lower-case).
fn standard_covers(name: &str) -> bool {
    if name == "localhost" {
        return true;
    }
    ["vault.azure.net", "managedhsm.azure.net"]
        .iter()
        .any(|zone| {
            name.strip_suffix(zone)
                .and_then(|label| label.strip_suffix('.'))
                .is_some_and(|label| !label.is_empty() && !label.contains('.'))
        })
}

fn leaf(
    names: Vec<String>,
    issuer: &Issuer<'_, KeyPair>,
    ca_der: &CertificateDer<'static>,
    not_before: time::OffsetDateTime,
    not_after: time::OffsetDateTime,
) -> Result<CertifiedKey, String> {
    let key = KeyPair::generate().map_err(tls_error)?;
    let mut params = CertificateParams::new(names).map_err(tls_error)?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, "localhost");
    params.distinguished_name = dn;
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.use_authority_key_identifier_extension = true;
    params.not_before = not_before;
    params.not_after = not_after;
    let cert = params.signed_by(&key, issuer).map_err(tls_error)?;
    let chain = vec![CertificateDer::from(cert.der().to_vec()), ca_der.clone()];
    let der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let signing_key =
        rustls::crypto::aws_lc_rs::sign::any_supported_type(&der).map_err(tls_error)?;
    Ok(CertifiedKey::new(chain, signing_key))
}

impl ResolvesServerCert for SniResolver {
    fn resolve(&self, client_hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let Some(name) = client_hello.server_name().map(str::to_ascii_lowercase) else {
            return Some(self.standard.clone());
        };
        if standard_covers(&name) {
            return Some(self.standard.clone());
        }
        let mut cache = crate::sync::lock(&self.cache);
        if let Some(key) = cache.get(&name) {
            return Some(key.clone());
        }
        let mut names: Vec<String> = CERTIFICATE_NAMES.iter().map(|s| s.to_string()).collect();
        names.push(name.clone());
        match leaf(
            names,
            &self.issuer,
            &self.ca_der,
            self.not_before,
            self.not_after,
        ) {
            Ok(key) => {
                let key = Arc::new(key);
                cache.insert(name, key.clone());
                Some(key)
            }
            Err(_) => Some(self.standard.clone()),
        }
    }
}

/// Generates a CA and a leaf signed by it, and the rustls server configuration.
pub(crate) fn generate() -> Result<Certificates, String> {
    generate_with(None)
}

/// As [`generate`], but with the CA of `ca` (its PEM certificate and PEM private key) when
/// given: the CA certificate stays the one clients trust, the leaves are new.
pub(crate) fn generate_with(ca: Option<(&str, &str)>) -> Result<Certificates, String> {
    let now = time::OffsetDateTime::now_utc();
    let not_before = now - time::Duration::days(1);
    let not_after = now + time::Duration::days(365);

    let ca_key = match ca {
        Some((_, key_pem)) => KeyPair::from_pem(key_pem).map_err(tls_error)?,
        None => KeyPair::generate().map_err(tls_error)?,
    };
    let mut ca_params = CertificateParams::default();
    let mut ca_dn = DistinguishedName::new();
    ca_dn.push(DnType::CommonName, "keyvault-emulator CA");
    ca_dn.push(DnType::OrganizationName, "keyvault-emulator");
    ca_params.distinguished_name = ca_dn;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    ca_params.not_before = not_before;
    ca_params.not_after = not_after;
    let (ca_pem, ca_der) = match ca {
        Some((cert_pem, _)) => {
            let der = pem::parse(cert_pem).map_err(tls_error)?.into_contents();
            (cert_pem.to_string(), CertificateDer::from(der))
        }
        None => {
            let ca_cert = ca_params.self_signed(&ca_key).map_err(tls_error)?;
            (ca_cert.pem(), CertificateDer::from(ca_cert.der().to_vec()))
        }
    };
    let ca_key_pem = ca_key.serialize_pem();
    let issuer = Issuer::new(ca_params, ca_key);

    let names: Vec<String> = CERTIFICATE_NAMES.iter().map(|s| s.to_string()).collect();
    let standard = Arc::new(leaf(names, &issuer, &ca_der, not_before, not_after)?);
    let resolver = SniResolver {
        standard,
        issuer,
        ca_der,
        not_before,
        not_after,
        cache: Mutex::new(HashMap::new()),
    };

    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(resolver));
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];

    Ok(Certificates {
        ca_pem,
        ca_key_pem,
        server_config: Arc::new(config),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_names() {
        assert!(standard_covers("localhost"));
        assert!(standard_covers("kv.vault.azure.net"));
        assert!(standard_covers("h.managedhsm.azure.net"));
        assert!(!standard_covers("a.b.vault.azure.net"));
        assert!(!standard_covers("kv.localhost"));
        assert!(!standard_covers("vault.azure.net"));
    }
}
