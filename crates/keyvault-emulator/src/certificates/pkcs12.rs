//! Certificate containers: PKCS#12 (PFX) through `p12-keystore`, and PEM through `pem`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use p12_keystore::{Certificate, KeyStore, KeyStoreEntry, PrivateKey, PrivateKeyChain};
use zeroize::Zeroizing;

use super::x509::{self, KeySpec};
use crate::errors::ServiceError;

/// A certificate chain with its private key, as read from an import.
#[derive(Debug)]
pub(crate) struct Bundle {
    /// The certificates, in the order of the input.
    pub(crate) chain: Vec<Vec<u8>>,
    /// The private key (PKCS#8 DER).
    pub(crate) key: Option<Zeroizing<Vec<u8>>>,
    /// Whether the input was PEM.
    pub(crate) pem: bool,
}

fn bad(message: &str) -> ServiceError {
    ServiceError::bad_parameter(message)
}

/// Reads the `value` of an import: base64 PFX (with `password`) or PEM text (certificates and an
/// unencrypted private key), the PEM possibly base64-encoded itself.
pub(crate) fn read(value: &str, password: Option<&str>) -> Result<Bundle, ServiceError> {
    let trimmed = value.trim();
    if trimmed.starts_with("-----BEGIN") {
        return read_pem(trimmed);
    }
    let compact: String = trimmed.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = STANDARD
        .decode(&compact)
        .or_else(|_| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(compact.trim_end_matches('='))
        })
        .map_err(|_| {
            bad("The specified certificate content is neither a base64-encoded PFX nor PEM.")
        })?;
    if let Ok(text) = std::str::from_utf8(&bytes) {
        if text.trim_start().starts_with("-----BEGIN") {
            return read_pem(text.trim());
        }
    }
    read_pfx(&bytes, password.unwrap_or(""))
}

fn read_pfx(der: &[u8], password: &str) -> Result<Bundle, ServiceError> {
    let archive = p12_keystore::Pkcs12Archive::from_pkcs12(der, password).map_err(|e| {
        let text = format!("{e:?}").to_ascii_lowercase();
        if text.contains("unsupported") {
            // Say what is unsupported (e.g. "PKCS#5 algorithm 1.2.840.113549.2.7 is unsupported").
            ServiceError::bad_parameter(format!(
                "The specified PFX (PKCS#12) certificate content uses an unsupported algorithm: {e}."
            ))
        } else if text.contains("mac") || text.contains("decrypt") || text.contains("pad") {
            bad("Invalid password specified for the PFX (PKCS#12) certificate content, or the content is corrupt.")
        } else {
            bad("The specified PFX (PKCS#12) certificate content is not valid.")
        }
    })?;
    let chain: Vec<Vec<u8>> = archive
        .certs
        .iter()
        .map(|c| c.cert.as_der().to_vec())
        .collect();
    if chain.is_empty() {
        return Err(bad(
            "The specified PFX (PKCS#12) content holds no certificate.",
        ));
    }
    let key = archive
        .keys
        .first()
        .map(|k| Zeroizing::new(k.key.as_der().to_vec()));
    Ok(Bundle {
        chain,
        key,
        pem: false,
    })
}

fn read_pem(text: &str) -> Result<Bundle, ServiceError> {
    let blocks = pem::parse_many(text).map_err(|_| {
        bad("The specified PEM X.509 certificate content is in an unexpected format.")
    })?;
    let mut chain = Vec::new();
    let mut key = None;
    for block in blocks {
        match block.tag() {
            "CERTIFICATE" => chain.push(block.contents().to_vec()),
            "PRIVATE KEY" | "RSA PRIVATE KEY" | "EC PRIVATE KEY" => {
                key = Some(x509::to_pkcs8(block.tag(), block.contents())?);
            }
            "ENCRYPTED PRIVATE KEY" => {
                return Err(bad(
                    "Encrypted private keys are not supported in PEM content.",
                ))
            }
            _ => {}
        }
    }
    if chain.is_empty() {
        return Err(bad(
            "The specified PEM X.509 certificate content holds no certificate.",
        ));
    }
    Ok(Bundle {
        chain,
        key,
        pem: true,
    })
}

/// Orders a chain with the certificate of `spki` first (unless the order is to be kept) and checks
/// that the key, if any, belongs to it.
pub(crate) fn leaf_first(
    mut chain: Vec<Vec<u8>>,
    key: Option<&[u8]>,
    preserve_order: bool,
) -> Result<Vec<Vec<u8>>, ServiceError> {
    let Some(key) = key else {
        return Ok(chain);
    };
    for i in 0..chain.len() {
        let parsed = x509::parse(&chain[i])?;
        if x509::public_key_of(key, parsed.key).ok().as_deref() == Some(parsed.spki.as_slice()) {
            if !preserve_order {
                let leaf = chain.remove(i);
                chain.insert(0, leaf);
            }
            return Ok(chain);
        }
    }
    Err(bad(
        "The private key does not match the public key of any certificate in the content.",
    ))
}

/// The managed secret of a PFX certificate: base64 PKCS#12 without password (AES-256/PBES2,
/// HMAC-SHA256), with the key when exportable.
pub(crate) fn write_pfx(chain: &[Vec<u8>], key: Option<&[u8]>) -> Result<String, ServiceError> {
    let internal = || ServiceError::new(500, "InternalError", "PFX encoding failed.");
    let certs = chain
        .iter()
        .map(|der| Certificate::from_der(der))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| internal())?;
    let mut store = KeyStore::new();
    match key {
        Some(key) => {
            let key = PrivateKey::from_der(key).map_err(|_| internal())?;
            let id = x509::thumbprint(chain.first().map(Vec::as_slice).unwrap_or_default());
            let entry = PrivateKeyChain::new(id.into_bytes(), key, certs);
            store.add_entry("certificate", KeyStoreEntry::PrivateKeyChain(entry));
        }
        None => {
            for (i, cert) in certs.into_iter().enumerate() {
                store.add_entry(
                    &format!("certificate-{i}"),
                    KeyStoreEntry::Certificate(cert),
                );
            }
        }
    }
    let der = store.writer("").write().map_err(|_| internal())?;
    Ok(STANDARD.encode(der))
}

/// The managed secret of a PEM certificate: the PKCS#8 key (when exportable) then the chain.
pub(crate) fn write_pem(chain: &[Vec<u8>], key: Option<&[u8]>) -> String {
    let mut blocks = Vec::new();
    if let Some(key) = key {
        blocks.push(pem::Pem::new("PRIVATE KEY", key.to_vec()));
    }
    blocks.extend(
        chain
            .iter()
            .map(|c| pem::Pem::new("CERTIFICATE", c.clone())),
    );
    pem::encode_many_config(
        &blocks,
        pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
    )
}

/// Checks that a merged chain's leaf carries the pending key.
pub(crate) fn check_merge_key(leaf: &[u8], key: &[u8], spec: KeySpec) -> Result<(), ServiceError> {
    let parsed = x509::parse(leaf)?;
    if parsed.key != spec || x509::public_key_of(key, spec)? != parsed.spki {
        return Err(bad(
            "Public key from x509 certificate and key of this instance doesn't match",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::certificates::policy::Policy;

    #[test]
    fn pfx_and_pem_round_trip() {
        let policy: Policy =
            serde_json::from_value(serde_json::json!({"x509_props": {"subject": "CN=p"}})).unwrap();
        let key = x509::generate_key(KeySpec::P256).unwrap();
        let cert = x509::self_signed(
            &policy,
            &key,
            KeySpec::P256,
            time::OffsetDateTime::now_utc(),
        )
        .unwrap();
        let pfx = write_pfx(std::slice::from_ref(&cert), Some(&key)).unwrap();
        let back = read(&pfx, None).unwrap();
        assert_eq!(back.chain, vec![cert.clone()]);
        assert_eq!(back.key.as_deref().map(Vec::as_slice), Some(key.as_slice()));
        assert!(!back.pem);
        let pem = write_pem(std::slice::from_ref(&cert), Some(&key));
        let back = read(&pem, None).unwrap();
        assert!(back.pem);
        assert_eq!(back.chain, vec![cert.clone()]);
        assert!(read(&pfx, Some("wrong")).is_err());
        assert!(read("bm90IGEgY2VydA==", None).is_err());
        assert!(check_merge_key(&cert, &key, KeySpec::P256).is_ok());
        let other = x509::generate_key(KeySpec::P256).unwrap();
        assert!(check_merge_key(&cert, &other, KeySpec::P256).is_err());
    }
}
