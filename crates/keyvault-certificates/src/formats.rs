//! Structural checks of certificate bytes before they are sent: is this a PKCS#12 archive, or
//! PEM with at least one X.509 `CERTIFICATE` block? Parsing only, with maintained crates
//! (`pkcs12`, `x509-cert`, `pem`); nothing is decrypted or verified here, so a wrong PFX
//! password is found by the service.

use crate::CertificateContentType;
use der::Decode;
use keyvault_core::{Error, Result};

/// What [`detect`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Format {
    /// A DER PKCS#12 (PFX) archive.
    Pkcs12,
    /// PEM text with at least one X.509 certificate.
    Pem,
}

impl Format {
    pub(crate) fn content_type(&self) -> CertificateContentType {
        match self {
            Format::Pkcs12 => CertificateContentType::Pkcs12,
            Format::Pem => CertificateContentType::Pem,
        }
    }
}

fn looks_like_pem(bytes: &[u8]) -> bool {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    bytes[start..].starts_with(b"-----BEGIN")
}

/// The DER certificates of the PEM text's `CERTIFICATE` blocks, each checked to be X.509.
fn pem_certificates(argument: &'static str, bytes: &[u8]) -> Result<Vec<Vec<u8>>> {
    let blocks = pem::parse_many(bytes)
        .map_err(|e| Error::invalid_argument(argument, format!("malformed PEM: {e}")))?;
    let certificates: Vec<Vec<u8>> = blocks
        .into_iter()
        .filter(|b| b.tag() == "CERTIFICATE")
        .map(pem::Pem::into_contents)
        .collect();
    if certificates.is_empty() {
        return Err(Error::invalid_argument(
            argument,
            "the PEM has no CERTIFICATE block",
        ));
    }
    for der in &certificates {
        check_x509(argument, der)?;
    }
    Ok(certificates)
}

fn check_x509(argument: &'static str, der: &[u8]) -> Result<()> {
    x509_cert::Certificate::from_der(der)
        .map(drop)
        .map_err(|_| Error::invalid_argument(argument, "a certificate is not valid X.509 DER"))
}

/// Checks certificate bytes to import: PKCS#12 (DER) or PEM with a `CERTIFICATE` block.
pub(crate) fn detect(argument: &'static str, bytes: &[u8]) -> Result<Format> {
    if bytes.is_empty() {
        return Err(Error::invalid_argument(argument, "must not be empty"));
    }
    if looks_like_pem(bytes) {
        pem_certificates(argument, bytes)?;
        if std::str::from_utf8(bytes).is_err() {
            return Err(Error::invalid_argument(
                argument,
                "the PEM is not UTF-8 text",
            ));
        }
        return Ok(Format::Pem);
    }
    match pkcs12::pfx::Pfx::from_der(bytes) {
        Ok(_) => Ok(Format::Pkcs12),
        Err(_) => Err(Error::invalid_argument(
            argument,
            "neither a PKCS#12 (PFX) archive nor PEM with a CERTIFICATE block",
        )),
    }
}

/// The DER certificates of one merge input: DER X.509, or PEM with `CERTIFICATE` blocks.
pub(crate) fn chain_part(argument: &'static str, bytes: &[u8]) -> Result<Vec<Vec<u8>>> {
    if bytes.is_empty() {
        return Err(Error::invalid_argument(argument, "a certificate is empty"));
    }
    if looks_like_pem(bytes) {
        return pem_certificates(argument, bytes);
    }
    check_x509(argument, bytes)?;
    Ok(vec![bytes.to_vec()])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real self-signed certificate (the spec's GetCertificate example).
    pub(crate) const CER: &str = "MIICODCCAeagAwIBAgIQqHmpBAv+CY9IJFoUhlbziTAJBgUrDgMCHQUAMBYxFDASBgNVBAMTC1Jvb3QgQWdlbmN5MB4XDTE1MDQyOTIxNTM0MVoXDTM5MTIzMTIzNTk1OVowFzEVMBMGA1UEAxMMS2V5VmF1bHRUZXN0MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA5bVAT73zr4+N4WVv2+SvTunAw08ksS4BrJW/nNliz3S9XuzMBMXvmYzU5HJ8TtEgluBiZZYd5qsMJD+OXHSNbsLdmMhni0jYX09h3XlC2VJw2sGKeYF+xEaavXm337aZZaZyjrFBrrUl51UePaN+kVFXNlBb3N3TYpqa7KokXenJQuR+i9Gv9a77c0UsSsDSryxppYhKK7HvTZCpKrhVtulF5iPMswWe9np3uggfMamyIsK/0L7X9w9B2qN7993RR0A00nOk4H6CnkuwO77dSsD0KJsk6FyAoZBzRXDZh9+d9R76zCL506NcQy/jl0lCiQYwsUX73PG5pxOh02OwKwIDAQABo0swSTBHBgNVHQEEQDA+gBAS5AktBh0dTwCNYSHcFmRjoRgwFjEUMBIGA1UEAxMLUm9vdCBBZ2VuY3mCEAY3bACqAGSKEc+41KpcNfQwCQYFKw4DAh0FAANBAGqIjo2geVagzuzaZOe1ClGKhZeiCKfWAxklaGN+qlGUbVS4IN4V1lot3VKnzabasmkEHeNxPwLn1qvSD0cX9CE=";

    fn der() -> Vec<u8> {
        keyvault_core::serde::base64::decode(CER).unwrap()
    }

    fn pem_of(tag: &str, der: &[u8]) -> Vec<u8> {
        pem::encode(&pem::Pem::new(tag, der.to_vec())).into_bytes()
    }

    #[test]
    fn pem_needs_a_certificate_block() {
        let mut text = pem_of("PRIVATE KEY", b"not really a key");
        text.extend(pem_of("CERTIFICATE", &der()));
        assert_eq!(detect("certificate", &text).unwrap(), Format::Pem);
        let only_key = pem_of("PRIVATE KEY", b"k");
        let err = detect("certificate", &only_key).unwrap_err();
        assert!(err.to_string().contains("no CERTIFICATE block"), "{err}");
        let garbage_cert = pem_of("CERTIFICATE", b"not DER");
        assert!(detect("certificate", &garbage_cert).is_err());
        let err = detect("certificate", b"-----BEGIN CERTIFICATE-----\n@@@").unwrap_err();
        assert!(err.to_string().contains("PEM"), "{err}");
    }

    /// A PKCS#12 archive of a fresh self-signed certificate and its key.
    fn pfx(password: &str) -> Vec<u8> {
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["pfx.test".to_string()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let chain = p12_keystore::PrivateKeyChain::new(
            b"1".to_vec(),
            p12_keystore::PrivateKey::from_der(&key.serialize_der()).unwrap(),
            [p12_keystore::Certificate::from_der(cert.der()).unwrap()],
        );
        let mut store = p12_keystore::KeyStore::new();
        store.add_entry("pfx", p12_keystore::KeyStoreEntry::PrivateKeyChain(chain));
        store.writer(password).write().unwrap()
    }

    #[test]
    fn pkcs12_archives_are_recognised_with_or_without_password() {
        assert_eq!(detect("certificate", &pfx("pw")).unwrap(), Format::Pkcs12);
        assert_eq!(detect("certificate", &pfx("")).unwrap(), Format::Pkcs12);
        let mut truncated = pfx("pw");
        truncated.truncate(truncated.len() / 2);
        assert!(detect("certificate", &truncated).is_err());
    }

    #[test]
    fn anything_else_must_be_pkcs12() {
        for bad in [&b""[..], b"hello", &der()] {
            let err = detect("certificate", bad).unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::InvalidArgument {
                        argument: "certificate",
                        ..
                    }
                ),
                "{err}"
            );
        }
    }

    #[test]
    fn merge_inputs_may_be_der_or_pem() {
        assert_eq!(
            chain_part("x509_certificates", &der()).unwrap(),
            vec![der()]
        );
        let mut two = pem_of("CERTIFICATE", &der());
        two.extend(pem_of("CERTIFICATE", &der()));
        assert_eq!(chain_part("x509_certificates", &two).unwrap().len(), 2);
        assert!(chain_part("x509_certificates", b"").is_err());
        assert!(chain_part("x509_certificates", b"\x30\x03\x02\x01\x01").is_err());
    }
}
