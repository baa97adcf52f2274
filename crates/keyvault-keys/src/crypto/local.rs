//! Local cryptography with RustCrypto (feature `local-crypto`).
//!
//! [`LocalKey::supports`] tells which operations the key material at hand allows; the
//! client routes everything else to the service. No key material is ever invented: an RSA
//! or EC key without its private part can only encrypt, wrap and verify here, and an `oct`
//! key without `k` nothing at all.

use super::{Encrypted, Op};
use crate::{
    enums::{EncryptionAlgorithm, KeyCurveName, KeyType, KeyWrapAlgorithm, SignatureAlgorithm},
    models::JsonWebKey,
};
use aes_gcm::{aead::AeadInPlace, KeyInit};
use cbc::cipher::{
    block_padding::{NoPadding, Pkcs7},
    BlockDecryptMut, BlockEncryptMut, KeyIvInit,
};
use ecdsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
use keyvault_core::ExposeSecret;
use keyvault_core::{Error, Result, SecretBytes};
use rand_core::{OsRng, RngCore};
use rsa::{
    traits::PublicKeyParts, BigUint, Oaep, Pkcs1v15Encrypt, Pkcs1v15Sign, Pss, RsaPrivateKey,
    RsaPublicKey,
};
use sha2::{Sha256, Sha384, Sha512};

/// Key material usable locally.
pub(crate) enum LocalKey {
    Rsa(Box<RsaKey>),
    Ec(Box<EcKey>),
    Oct(SecretBytes),
}

pub(crate) struct RsaKey {
    public: RsaPublicKey,
    private: Option<RsaPrivateKey>,
}

macro_rules! ec_keys {
    ($($variant:ident => $krate:ident),+ $(,)?) => {
        /// An EC key on one of the supported curves; the signing key when `d` is present.
        pub(crate) enum EcKey {
            $( $variant($krate::ecdsa::VerifyingKey, Option<$krate::ecdsa::SigningKey>), )+
        }

        impl EcKey {
            fn sign(&self, digest: &[u8]) -> Result<Vec<u8>> {
                match self {
                    $( EcKey::$variant(_, Some(signing)) => {
                        let signature: $krate::ecdsa::Signature = signing
                            .sign_prehash(digest)
                            .map_err(|_| Error::cryptography("sign", "ECDSA signing failed"))?;
                        Ok(signature.to_bytes().to_vec())
                    } )+
                    _ => Err(Error::cryptography("sign", "the key has no private part")),
                }
            }

            fn verify(&self, digest: &[u8], signature: &[u8]) -> bool {
                match self {
                    $( EcKey::$variant(verifying, _) => {
                        let Ok(signature) = $krate::ecdsa::Signature::from_slice(signature) else {
                            return false;
                        };
                        // Both (r, s) and (r, n - s) are valid; some verifiers accept only low s.
                        let signature = signature.normalize_s().unwrap_or(signature);
                        verifying.verify_prehash(digest, &signature).is_ok()
                    } )+
                }
            }

            fn has_private(&self) -> bool {
                match self {
                    $( EcKey::$variant(_, signing) => signing.is_some(), )+
                }
            }
        }
    };
}

ec_keys! {
    P256 => p256,
    P384 => p384,
    P521 => p521,
    K256 => k256,
}

/// Left-pads `bytes` with zeros to `len` (JWK coordinates may have lost leading zeros).
fn padded(bytes: &[u8], len: usize) -> Option<Vec<u8>> {
    if bytes.len() > len {
        return None;
    }
    let mut out = vec![0; len - bytes.len()];
    out.extend_from_slice(bytes);
    Some(out)
}

macro_rules! ec_from_jwk {
    ($variant:ident, $krate:ident, $len:expr, $x:expr, $y:expr, $d:expr) => {{
        let x = padded($x, $len)?;
        let y = padded($y, $len)?;
        let point = $krate::EncodedPoint::from_affine_coordinates(
            x.as_slice().into(),
            y.as_slice().into(),
            false,
        );
        let verifying = $krate::ecdsa::VerifyingKey::from_encoded_point(&point).ok()?;
        let signing = match $d {
            Some(d) => {
                let d = padded(d, $len)?;
                let signing = $krate::ecdsa::SigningKey::from_slice(&d).ok()?;
                // Private and public parts must belong together.
                let derived = $krate::ecdsa::VerifyingKey::from(&signing);
                if derived.to_encoded_point(false) != point {
                    return None;
                }
                Some(signing)
            }
            None => None,
        };
        Some(LocalKey::Ec(Box::new(EcKey::$variant(verifying, signing))))
    }};
}

fn uint(bytes: &[u8]) -> BigUint {
    BigUint::from_bytes_be(bytes)
}

impl LocalKey {
    /// The local implementation of a JSON Web Key; `None` when its type is unknown or its
    /// material unusable (for example an `oct-HSM` key without `k`).
    pub(crate) fn from_jwk(jwk: &JsonWebKey) -> Option<LocalKey> {
        let kty = jwk.kty.as_ref()?;
        if kty.is_rsa() {
            let (n, e) = (uint(jwk.n.as_deref()?), uint(jwk.e.as_deref()?));
            let public = RsaPublicKey::new(n.clone(), e.clone()).ok()?;
            let private = jwk.d.as_ref().and_then(|d| {
                let primes = match (&jwk.p, &jwk.q) {
                    (Some(p), Some(q)) => vec![uint(p.expose_secret()), uint(q.expose_secret())],
                    _ => Vec::new(),
                };
                RsaPrivateKey::from_components(n, e, uint(d.expose_secret()), primes).ok()
            });
            return Some(LocalKey::Rsa(Box::new(RsaKey { public, private })));
        }
        if kty.is_ec() {
            let (x, y) = (jwk.x.as_deref()?, jwk.y.as_deref()?);
            let d = jwk.d.as_ref().map(SecretBytes::expose_secret);
            return match jwk.crv.as_ref()? {
                KeyCurveName::P256 => ec_from_jwk!(P256, p256, 32, x, y, d),
                KeyCurveName::P384 => ec_from_jwk!(P384, p384, 48, x, y, d),
                KeyCurveName::P521 => ec_from_jwk!(P521, p521, 66, x, y, d),
                KeyCurveName::P256K => ec_from_jwk!(K256, k256, 32, x, y, d),
                KeyCurveName::Other(_) => None,
            };
        }
        if matches!(kty, KeyType::Oct | KeyType::OctHsm) {
            let k = jwk.k.as_ref()?;
            return matches!(k.len(), 16 | 24 | 32).then(|| LocalKey::Oct(k.clone()));
        }
        None
    }

    /// Whether the operation can run locally with this material.
    pub(crate) fn supports(&self, op: Op<'_>) -> bool {
        use EncryptionAlgorithm as E;
        use KeyWrapAlgorithm as W;
        use SignatureAlgorithm as S;
        match self {
            LocalKey::Rsa(key) => {
                let private = key.private.is_some();
                match op {
                    Op::Encrypt(a) => matches!(a, E::RsaOaep | E::RsaOaep256 | E::Rsa1_5),
                    Op::Decrypt(a) => {
                        private && matches!(a, E::RsaOaep | E::RsaOaep256 | E::Rsa1_5)
                    }
                    Op::WrapKey(a) => matches!(a, W::RsaOaep | W::RsaOaep256 | W::Rsa1_5),
                    Op::UnwrapKey(a) => {
                        private && matches!(a, W::RsaOaep | W::RsaOaep256 | W::Rsa1_5)
                    }
                    Op::Verify(a) => rsa_scheme(a).is_some(),
                    Op::Sign(a) => private && rsa_scheme(a).is_some(),
                }
            }
            LocalKey::Ec(key) => {
                let curve_matches = |a: &S| {
                    matches!(
                        (a, key.as_ref()),
                        (S::Es256, EcKey::P256(..))
                            | (S::Es384, EcKey::P384(..))
                            | (S::Es512, EcKey::P521(..))
                            | (S::Es256K, EcKey::K256(..))
                    )
                };
                match op {
                    Op::Verify(a) => curve_matches(a),
                    Op::Sign(a) => key.has_private() && curve_matches(a),
                    _ => false,
                }
            }
            LocalKey::Oct(_) => match op {
                Op::Encrypt(a) | Op::Decrypt(a) => a.is_cbc() || a.is_gcm(),
                // The padded variants (A*KWPAD, CKM_AES_KEY_WRAP_PAD) are left to the service.
                Op::WrapKey(a) | Op::UnwrapKey(a) => {
                    matches!(a, W::A128Kw | W::A192Kw | W::A256Kw | W::CkmAesKeyWrap)
                }
                Op::Sign(_) | Op::Verify(_) => false,
            },
        }
    }

    pub(crate) fn encrypt(
        &self,
        algorithm: &EncryptionAlgorithm,
        plaintext: &[u8],
        iv: Option<&[u8]>,
        aad: Option<&[u8]>,
    ) -> Result<Encrypted> {
        match self {
            LocalKey::Rsa(key) => Ok(Encrypted {
                ciphertext: rsa_encrypt("encrypt", &key.public, algorithm.as_str(), plaintext)?,
                iv: None,
                tag: None,
            }),
            LocalKey::Oct(k) if algorithm.is_cbc() => {
                let iv = match iv {
                    Some(iv) => iv.to_vec(),
                    None => random(16),
                };
                let pad = is_padded(algorithm);
                if !pad && !plaintext.len().is_multiple_of(16) {
                    return Err(Error::invalid_argument(
                        "plaintext",
                        format!("{algorithm} needs a multiple of 16 bytes; use the PAD variant"),
                    ));
                }
                let ciphertext = aes_cbc_encrypt(k.expose_secret(), &iv, plaintext, pad)?;
                Ok(Encrypted {
                    ciphertext,
                    iv: Some(iv),
                    tag: None,
                })
            }
            LocalKey::Oct(k) if algorithm.is_gcm() => {
                let nonce = match iv {
                    Some(iv) if iv.len() != 12 => {
                        return Err(Error::invalid_argument(
                            "iv",
                            format!("local AES-GCM needs a 12-byte iv, got {} bytes", iv.len()),
                        ))
                    }
                    Some(iv) => iv.to_vec(),
                    None => random(12),
                };
                let mut buffer = plaintext.to_vec();
                let tag = aes_gcm_encrypt(
                    k.expose_secret(),
                    &nonce,
                    aad.unwrap_or_default(),
                    &mut buffer,
                )?;
                Ok(Encrypted {
                    ciphertext: buffer,
                    iv: Some(nonce),
                    tag: Some(tag),
                })
            }
            _ => Err(unsupported("encrypt", algorithm.as_str())),
        }
    }

    pub(crate) fn decrypt(
        &self,
        algorithm: &EncryptionAlgorithm,
        ciphertext: &[u8],
        iv: Option<&[u8]>,
        tag: Option<&[u8]>,
        aad: Option<&[u8]>,
    ) -> Result<SecretBytes> {
        match self {
            LocalKey::Rsa(key) => match &key.private {
                Some(private) => rsa_decrypt("decrypt", private, algorithm.as_str(), ciphertext),
                None => Err(unsupported("decrypt", algorithm.as_str())),
            },
            LocalKey::Oct(k) if algorithm.is_cbc() => {
                let iv = iv.ok_or_else(|| Error::invalid_argument("iv", "required"))?;
                aes_cbc_decrypt(k.expose_secret(), iv, ciphertext, is_padded(algorithm))
            }
            LocalKey::Oct(k) if algorithm.is_gcm() => {
                let iv = iv.ok_or_else(|| Error::invalid_argument("iv", "required"))?;
                let tag =
                    tag.ok_or_else(|| Error::invalid_argument("authentication_tag", "required"))?;
                if iv.len() != 12 {
                    return Err(Error::invalid_argument(
                        "iv",
                        format!("local AES-GCM needs a 12-byte iv, got {} bytes", iv.len()),
                    ));
                }
                if tag.len() != 16 {
                    return Err(Error::invalid_argument(
                        "authentication_tag",
                        format!("AES-GCM tags are 16 bytes, got {}", tag.len()),
                    ));
                }
                let mut buffer = ciphertext.to_vec();
                aes_gcm_decrypt(
                    k.expose_secret(),
                    iv,
                    aad.unwrap_or_default(),
                    &mut buffer,
                    tag,
                )?;
                Ok(SecretBytes::new(buffer))
            }
            _ => Err(unsupported("decrypt", algorithm.as_str())),
        }
    }

    pub(crate) fn wrap_key(&self, algorithm: &KeyWrapAlgorithm, key: &[u8]) -> Result<Vec<u8>> {
        match self {
            LocalKey::Rsa(rsa) => rsa_encrypt("wrap_key", &rsa.public, algorithm.as_str(), key),
            LocalKey::Oct(k) => {
                aes_kw("wrap_key", k.expose_secret(), key, true).map(|v| v.to_vec())
            }
            LocalKey::Ec(_) => Err(unsupported("wrap_key", algorithm.as_str())),
        }
    }

    pub(crate) fn unwrap_key(
        &self,
        algorithm: &KeyWrapAlgorithm,
        encrypted: &[u8],
    ) -> Result<SecretBytes> {
        match self {
            LocalKey::Rsa(rsa) => match &rsa.private {
                Some(private) => rsa_decrypt("unwrap_key", private, algorithm.as_str(), encrypted),
                None => Err(unsupported("unwrap_key", algorithm.as_str())),
            },
            LocalKey::Oct(k) => {
                aes_kw("unwrap_key", k.expose_secret(), encrypted, false).map(SecretBytes::new)
            }
            LocalKey::Ec(_) => Err(unsupported("unwrap_key", algorithm.as_str())),
        }
    }

    pub(crate) fn sign(&self, algorithm: &SignatureAlgorithm, digest: &[u8]) -> Result<Vec<u8>> {
        match self {
            LocalKey::Rsa(rsa) => {
                let private = rsa
                    .private
                    .as_ref()
                    .ok_or_else(|| unsupported("sign", algorithm.as_str()))?;
                let scheme =
                    rsa_scheme(algorithm).ok_or_else(|| unsupported("sign", algorithm.as_str()))?;
                let signed = match scheme {
                    RsaScheme::Pkcs1(s) => private.sign_with_rng(&mut OsRng, s, digest),
                    RsaScheme::Pss(s) => private.sign_with_rng(&mut OsRng, s, digest),
                };
                signed.map_err(|_| Error::cryptography("sign", "RSA signing failed"))
            }
            LocalKey::Ec(ec) => ec.sign(digest),
            LocalKey::Oct(_) => Err(unsupported("sign", algorithm.as_str())),
        }
    }

    pub(crate) fn verify(
        &self,
        algorithm: &SignatureAlgorithm,
        digest: &[u8],
        signature: &[u8],
    ) -> Result<bool> {
        match self {
            LocalKey::Rsa(rsa) => {
                let scheme = rsa_scheme(algorithm)
                    .ok_or_else(|| unsupported("verify", algorithm.as_str()))?;
                Ok(match scheme {
                    RsaScheme::Pkcs1(s) => rsa.public.verify(s, digest, signature).is_ok(),
                    RsaScheme::Pss(s) => rsa.public.verify(s, digest, signature).is_ok(),
                })
            }
            LocalKey::Ec(ec) => Ok(ec.verify(digest, signature)),
            LocalKey::Oct(_) => Err(unsupported("verify", algorithm.as_str())),
        }
    }

    /// The RSA modulus size in bytes (for tests and sanity checks).
    #[cfg(test)]
    pub(crate) fn rsa_size(&self) -> Option<usize> {
        match self {
            LocalKey::Rsa(rsa) => Some(rsa.public.size()),
            _ => None,
        }
    }
}

fn unsupported(operation: &'static str, algorithm: &str) -> Error {
    Error::cryptography(
        operation,
        format!("{algorithm} is not possible locally with this key"),
    )
}

fn random(len: usize) -> Vec<u8> {
    let mut bytes = vec![0; len];
    OsRng.fill_bytes(&mut bytes);
    bytes
}

fn is_padded(algorithm: &EncryptionAlgorithm) -> bool {
    matches!(
        algorithm,
        EncryptionAlgorithm::A128CbcPad
            | EncryptionAlgorithm::A192CbcPad
            | EncryptionAlgorithm::A256CbcPad
    )
}

enum RsaScheme {
    Pkcs1(Pkcs1v15Sign),
    Pss(Pss),
}

fn rsa_scheme(algorithm: &SignatureAlgorithm) -> Option<RsaScheme> {
    use SignatureAlgorithm as S;
    Some(match algorithm {
        S::Rs256 => RsaScheme::Pkcs1(Pkcs1v15Sign::new::<Sha256>()),
        S::Rs384 => RsaScheme::Pkcs1(Pkcs1v15Sign::new::<Sha384>()),
        S::Rs512 => RsaScheme::Pkcs1(Pkcs1v15Sign::new::<Sha512>()),
        // Key Vault's PSS salt is as long as the hash.
        S::Ps256 => RsaScheme::Pss(Pss::new::<Sha256>()),
        S::Ps384 => RsaScheme::Pss(Pss::new::<Sha384>()),
        S::Ps512 => RsaScheme::Pss(Pss::new::<Sha512>()),
        _ => return None,
    })
}

fn rsa_encrypt(
    operation: &'static str,
    key: &RsaPublicKey,
    algorithm: &str,
    data: &[u8],
) -> Result<Vec<u8>> {
    let result = match algorithm {
        "RSA-OAEP" => key.encrypt(&mut OsRng, Oaep::new::<sha1::Sha1>(), data),
        "RSA-OAEP-256" => key.encrypt(&mut OsRng, Oaep::new::<Sha256>(), data),
        "RSA1_5" => key.encrypt(&mut OsRng, Pkcs1v15Encrypt, data),
        other => return Err(unsupported(operation, other)),
    };
    result.map_err(|e| match e {
        rsa::Error::MessageTooLong => Error::invalid_argument(
            "plaintext",
            format!("too long for {algorithm} with a {}-bit key", key.size() * 8),
        ),
        _ => Error::cryptography(operation, "RSA encryption failed"),
    })
}

fn rsa_decrypt(
    operation: &'static str,
    key: &RsaPrivateKey,
    algorithm: &str,
    data: &[u8],
) -> Result<SecretBytes> {
    let result = match algorithm {
        "RSA-OAEP" => key.decrypt_blinded(&mut OsRng, Oaep::new::<sha1::Sha1>(), data),
        "RSA-OAEP-256" => key.decrypt_blinded(&mut OsRng, Oaep::new::<Sha256>(), data),
        "RSA1_5" => key.decrypt_blinded(&mut OsRng, Pkcs1v15Encrypt, data),
        other => return Err(unsupported(operation, other)),
    };
    result
        .map(SecretBytes::new)
        .map_err(|_| Error::cryptography(operation, "the data does not decrypt with this key"))
}

macro_rules! by_aes_size {
    ($key:expr, $operation:expr, |$aes:ident| $body:expr) => {
        match $key.len() {
            16 => {
                type $aes = aes::Aes128;
                $body
            }
            24 => {
                type $aes = aes::Aes192;
                $body
            }
            32 => {
                type $aes = aes::Aes256;
                $body
            }
            n => Err(Error::cryptography(
                $operation,
                format!("an AES key is 16, 24 or 32 bytes, not {n}"),
            )),
        }
    };
}

fn aes_cbc_encrypt(key: &[u8], iv: &[u8], plaintext: &[u8], pad: bool) -> Result<Vec<u8>> {
    by_aes_size!(key, "encrypt", |Aes| {
        let cipher = cbc::Encryptor::<Aes>::new_from_slices(key, iv)
            .map_err(|_| Error::invalid_argument("iv", "AES-CBC needs a 16-byte iv"))?;
        Ok(if pad {
            cipher.encrypt_padded_vec_mut::<Pkcs7>(plaintext)
        } else {
            cipher.encrypt_padded_vec_mut::<NoPadding>(plaintext)
        })
    })
}

fn aes_cbc_decrypt(key: &[u8], iv: &[u8], ciphertext: &[u8], pad: bool) -> Result<SecretBytes> {
    by_aes_size!(key, "decrypt", |Aes| {
        let cipher = cbc::Decryptor::<Aes>::new_from_slices(key, iv)
            .map_err(|_| Error::invalid_argument("iv", "AES-CBC needs a 16-byte iv"))?;
        let result = if pad {
            cipher.decrypt_padded_vec_mut::<Pkcs7>(ciphertext)
        } else {
            cipher.decrypt_padded_vec_mut::<NoPadding>(ciphertext)
        };
        result.map(SecretBytes::new).map_err(|_| {
            Error::cryptography("decrypt", "the data does not decrypt with this key and iv")
        })
    })
}

type Gcm<Aes> = aes_gcm::AesGcm<Aes, aes_gcm::aead::consts::U12>;

fn aes_gcm_encrypt(key: &[u8], nonce: &[u8], aad: &[u8], buffer: &mut [u8]) -> Result<Vec<u8>> {
    by_aes_size!(key, "encrypt", |Aes| {
        let cipher = Gcm::<Aes>::new_from_slice(key)
            .map_err(|_| Error::cryptography("encrypt", "unusable AES key"))?;
        cipher
            .encrypt_in_place_detached(nonce.into(), aad, buffer)
            .map(|tag| tag.to_vec())
            .map_err(|_| Error::cryptography("encrypt", "AES-GCM encryption failed"))
    })
}

fn aes_gcm_decrypt(
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    buffer: &mut [u8],
    tag: &[u8],
) -> Result<()> {
    by_aes_size!(key, "decrypt", |Aes| {
        let cipher = Gcm::<Aes>::new_from_slice(key)
            .map_err(|_| Error::cryptography("decrypt", "unusable AES key"))?;
        cipher
            .decrypt_in_place_detached(nonce.into(), aad, buffer, tag.into())
            .map_err(|_| {
                Error::cryptography(
                    "decrypt",
                    "authentication failed: wrong key, iv, tag or data",
                )
            })
    })
}

fn aes_kw(operation: &'static str, key: &[u8], data: &[u8], wrap: bool) -> Result<Vec<u8>> {
    by_aes_size!(key, operation, |Aes| {
        let kek = aes_kw::Kek::<Aes>::try_from(key)
            .map_err(|_| Error::cryptography(operation, "unusable AES key"))?;
        if wrap {
            kek.wrap_vec(data).map_err(|_| {
                Error::invalid_argument(
                    "key",
                    "AES key wrap needs a multiple of 8 bytes, at least 16",
                )
            })
        } else {
            kek.unwrap_vec(data).map_err(|_| {
                Error::cryptography(operation, "the data does not unwrap with this key")
            })
        }
    })
}

#[cfg(test)]
mod tests;
