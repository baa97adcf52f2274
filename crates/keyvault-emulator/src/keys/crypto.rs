//! The cryptographic operations: encrypt, decrypt, wrap, unwrap, sign and verify, with every
//! algorithm of the service, on RustCrypto primitives.

use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::AesGcm;
use cbc::cipher::block_padding::{NoPadding, Pkcs7};
use cbc::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use ecdsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
use hmac::{Hmac, Mac};
use rand::rngs::OsRng;
use rand::RngCore as _;
use rsa::{Oaep, Pkcs1v15Encrypt, Pkcs1v15Sign, Pss, RsaPublicKey};
use sha2::{Sha256, Sha384, Sha512};

use super::jwk::{Curve, EcKey, Material};
use crate::errors::ServiceError;

/// Input of encrypt and decrypt.
#[derive(Debug, Default)]
pub(crate) struct CipherInput {
    pub(crate) alg: String,
    pub(crate) value: Vec<u8>,
    pub(crate) iv: Option<Vec<u8>>,
    pub(crate) aad: Option<Vec<u8>>,
    pub(crate) tag: Option<Vec<u8>>,
}

/// Output of encrypt and decrypt.
#[derive(Debug, Default)]
pub(crate) struct CipherOutput {
    pub(crate) value: Vec<u8>,
    pub(crate) iv: Option<Vec<u8>>,
    pub(crate) tag: Option<Vec<u8>>,
    pub(crate) aad: Option<Vec<u8>>,
}

fn bad(message: impl Into<String>) -> ServiceError {
    ServiceError::bad_parameter(message)
}

/// The algorithm does not fit the key.
pub(crate) fn unsupported(alg: &str, m: &Material) -> ServiceError {
    let kty = m.family().kty(false);
    bad(format!(
        "Algorithm '{alg}' is not supported for a key of type '{kty}'."
    ))
}

fn failed(op: &str) -> ServiceError {
    bad(format!(
        "The {op} operation failed: the value is not valid for this key and algorithm."
    ))
}

/// The AES key size an algorithm name requires (`A128GCM` → 16), if any.
fn aes_len(alg: &str) -> Option<usize> {
    match alg.get(..4) {
        Some("A128") => Some(16),
        Some("A192") => Some(24),
        Some("A256") => Some(32),
        _ => None,
    }
}

fn aes_key<'a>(alg: &str, m: &'a Material) -> Result<&'a [u8], ServiceError> {
    let Material::Oct(k) = m else {
        return Err(unsupported(alg, m));
    };
    if let Some(len) = aes_len(alg) {
        if k.len() != len {
            return Err(bad(format!(
                "Algorithm '{alg}' requires a {}-bit key; this key has {} bits.",
                len * 8,
                k.len() * 8
            )));
        }
    }
    Ok(k)
}

fn rsa_key<'a>(alg: &str, m: &'a Material) -> Result<&'a rsa::RsaPrivateKey, ServiceError> {
    match m {
        Material::Rsa(k) => Ok(k),
        _ => Err(unsupported(alg, m)),
    }
}

fn gcm_seal(key: &[u8], iv: &[u8], aad: &[u8], plain: &[u8]) -> Option<Vec<u8>> {
    let nonce = aes_gcm::Nonce::<U12>::from_slice(iv);
    let payload = Payload { msg: plain, aad };
    match key.len() {
        16 => AesGcm::<aes::Aes128, U12>::new_from_slice(key)
            .ok()?
            .encrypt(nonce, payload)
            .ok(),
        24 => AesGcm::<aes::Aes192, U12>::new_from_slice(key)
            .ok()?
            .encrypt(nonce, payload)
            .ok(),
        32 => AesGcm::<aes::Aes256, U12>::new_from_slice(key)
            .ok()?
            .encrypt(nonce, payload)
            .ok(),
        _ => None,
    }
}

fn gcm_open(key: &[u8], iv: &[u8], aad: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
    let nonce = aes_gcm::Nonce::<U12>::from_slice(iv);
    let payload = Payload { msg: sealed, aad };
    match key.len() {
        16 => AesGcm::<aes::Aes128, U12>::new_from_slice(key)
            .ok()?
            .decrypt(nonce, payload)
            .ok(),
        24 => AesGcm::<aes::Aes192, U12>::new_from_slice(key)
            .ok()?
            .decrypt(nonce, payload)
            .ok(),
        32 => AesGcm::<aes::Aes256, U12>::new_from_slice(key)
            .ok()?
            .decrypt(nonce, payload)
            .ok(),
        _ => None,
    }
}

fn cbc_encrypt(key: &[u8], iv: &[u8], plain: &[u8], pad: bool) -> Option<Vec<u8>> {
    macro_rules! run {
        ($aes:ty) => {{
            let c = cbc::Encryptor::<$aes>::new_from_slices(key, iv).ok()?;
            if pad {
                Some(c.encrypt_padded_vec_mut::<Pkcs7>(plain))
            } else {
                (plain.len() % 16 == 0).then(|| c.encrypt_padded_vec_mut::<NoPadding>(plain))
            }
        }};
    }
    match key.len() {
        16 => run!(aes::Aes128),
        24 => run!(aes::Aes192),
        32 => run!(aes::Aes256),
        _ => None,
    }
}

fn cbc_decrypt(key: &[u8], iv: &[u8], sealed: &[u8], pad: bool) -> Option<Vec<u8>> {
    macro_rules! run {
        ($aes:ty) => {{
            let c = cbc::Decryptor::<$aes>::new_from_slices(key, iv).ok()?;
            if pad {
                c.decrypt_padded_vec_mut::<Pkcs7>(sealed).ok()
            } else {
                c.decrypt_padded_vec_mut::<NoPadding>(sealed).ok()
            }
        }};
    }
    match key.len() {
        16 => run!(aes::Aes128),
        24 => run!(aes::Aes192),
        32 => run!(aes::Aes256),
        _ => None,
    }
}

/// AES key wrap (RFC 3394) or, with `pad`, key wrap with padding (RFC 5649).
pub(crate) fn aes_wrap(key: &[u8], data: &[u8], pad: bool) -> Option<Vec<u8>> {
    macro_rules! run {
        ($kek:ty) => {{
            let kek = <$kek>::new(aes::cipher::generic_array::GenericArray::from_slice(key));
            if pad {
                kek.wrap_with_padding_vec(data).ok()
            } else {
                kek.wrap_vec(data).ok()
            }
        }};
    }
    match key.len() {
        16 => run!(aes_kw::KekAes128),
        24 => run!(aes_kw::KekAes192),
        32 => run!(aes_kw::KekAes256),
        _ => None,
    }
}

/// The inverse of [`aes_wrap`].
pub(crate) fn aes_unwrap(key: &[u8], data: &[u8], pad: bool) -> Option<Vec<u8>> {
    macro_rules! run {
        ($kek:ty) => {{
            let kek = <$kek>::new(aes::cipher::generic_array::GenericArray::from_slice(key));
            if pad {
                kek.unwrap_with_padding_vec(data).ok()
            } else {
                kek.unwrap_vec(data).ok()
            }
        }};
    }
    match key.len() {
        16 => run!(aes_kw::KekAes128),
        24 => run!(aes_kw::KekAes192),
        32 => run!(aes_kw::KekAes256),
        _ => None,
    }
}

/// RSA encryption with one of the RSA algorithms.
pub(crate) fn rsa_encrypt(public: &RsaPublicKey, alg: &str, plain: &[u8]) -> Option<Vec<u8>> {
    match alg {
        "RSA1_5" => public.encrypt(&mut OsRng, Pkcs1v15Encrypt, plain).ok(),
        "RSA-OAEP" => public
            .encrypt(&mut OsRng, Oaep::new::<sha1::Sha1>(), plain)
            .ok(),
        "RSA-OAEP-256" => public
            .encrypt(&mut OsRng, Oaep::new::<Sha256>(), plain)
            .ok(),
        "RSA-OAEP-384" => public
            .encrypt(&mut OsRng, Oaep::new::<Sha384>(), plain)
            .ok(),
        _ => None,
    }
}

fn rsa_decrypt(key: &rsa::RsaPrivateKey, alg: &str, sealed: &[u8]) -> Option<Vec<u8>> {
    match alg {
        "RSA1_5" => key
            .decrypt_blinded(&mut OsRng, Pkcs1v15Encrypt, sealed)
            .ok(),
        "RSA-OAEP" => key
            .decrypt_blinded(&mut OsRng, Oaep::new::<sha1::Sha1>(), sealed)
            .ok(),
        "RSA-OAEP-256" => key
            .decrypt_blinded(&mut OsRng, Oaep::new::<Sha256>(), sealed)
            .ok(),
        "RSA-OAEP-384" => key
            .decrypt_blinded(&mut OsRng, Oaep::new::<Sha384>(), sealed)
            .ok(),
        _ => None,
    }
}

fn is_rsa_cipher(alg: &str) -> bool {
    matches!(alg, "RSA1_5" | "RSA-OAEP" | "RSA-OAEP-256")
}

/// The key-wrap flavour of an algorithm: `Some(pad)` for AxxxKW, AxxxKWPAD and the CKM names.
fn kw_flavour(alg: &str) -> Option<bool> {
    match alg {
        "A128KW" | "A192KW" | "A256KW" | "CKM_AES_KEY_WRAP" => Some(false),
        "A128KWPAD" | "A192KWPAD" | "A256KWPAD" | "CKM_AES_KEY_WRAP_PAD" => Some(true),
        _ => None,
    }
}

/// Encrypts (`encrypt` operation).
pub(crate) fn encrypt(m: &Material, input: CipherInput) -> Result<CipherOutput, ServiceError> {
    let alg = input.alg.as_str();
    if is_rsa_cipher(alg) {
        let key = rsa_key(alg, m)?;
        let value = rsa_encrypt(&key.to_public_key(), alg, &input.value)
            .ok_or_else(|| failed("encrypt"))?;
        return Ok(CipherOutput {
            value,
            ..Default::default()
        });
    }
    if let Some(pad) = kw_flavour(alg) {
        let key = aes_key(alg, m)?;
        let value = aes_wrap(key, &input.value, pad).ok_or_else(|| failed("encrypt"))?;
        return Ok(CipherOutput {
            value,
            ..Default::default()
        });
    }
    match alg {
        "A128GCM" | "A192GCM" | "A256GCM" => {
            let key = aes_key(alg, m)?;
            let iv = match input.iv {
                Some(iv) if iv.len() == 12 => iv,
                Some(_) => return Err(bad("The 'iv' of AES-GCM must be 12 bytes.")),
                None => {
                    let mut iv = vec![0u8; 12];
                    OsRng.fill_bytes(&mut iv);
                    iv
                }
            };
            let aad = input.aad.unwrap_or_default();
            let mut sealed =
                gcm_seal(key, &iv, &aad, &input.value).ok_or_else(|| failed("encrypt"))?;
            let tag = sealed.split_off(sealed.len() - 16);
            Ok(CipherOutput {
                value: sealed,
                iv: Some(iv),
                tag: Some(tag),
                aad: (!aad.is_empty()).then_some(aad),
            })
        }
        "A128CBC" | "A192CBC" | "A256CBC" | "A128CBCPAD" | "A192CBCPAD" | "A256CBCPAD" => {
            let key = aes_key(alg, m)?;
            let iv = match input.iv {
                Some(iv) if iv.len() == 16 => iv,
                Some(_) => return Err(bad("The 'iv' of AES-CBC must be 16 bytes.")),
                None => {
                    let mut iv = vec![0u8; 16];
                    OsRng.fill_bytes(&mut iv);
                    iv
                }
            };
            let pad = alg.ends_with("PAD");
            let value = cbc_encrypt(key, &iv, &input.value, pad).ok_or_else(|| {
                bad(format!(
                    "The value to encrypt with '{alg}' must be a multiple of 16 bytes."
                ))
            })?;
            Ok(CipherOutput {
                value,
                iv: Some(iv),
                ..Default::default()
            })
        }
        _ => Err(unsupported(alg, m)),
    }
}

/// Decrypts (`decrypt` operation).
pub(crate) fn decrypt(m: &Material, input: CipherInput) -> Result<CipherOutput, ServiceError> {
    let alg = input.alg.as_str();
    if is_rsa_cipher(alg) {
        let key = rsa_key(alg, m)?;
        let value = rsa_decrypt(key, alg, &input.value).ok_or_else(|| failed("decrypt"))?;
        return Ok(CipherOutput {
            value,
            ..Default::default()
        });
    }
    if let Some(pad) = kw_flavour(alg) {
        let key = aes_key(alg, m)?;
        let value = aes_unwrap(key, &input.value, pad).ok_or_else(|| failed("decrypt"))?;
        return Ok(CipherOutput {
            value,
            ..Default::default()
        });
    }
    match alg {
        "A128GCM" | "A192GCM" | "A256GCM" => {
            let key = aes_key(alg, m)?;
            let (Some(iv), Some(tag)) = (input.iv, input.tag) else {
                return Err(bad(format!(
                    "Decryption with '{alg}' requires the 'iv' and 'tag' properties."
                )));
            };
            if iv.len() != 12 || tag.len() != 16 {
                return Err(bad(
                    "The 'iv' of AES-GCM must be 12 bytes and its 'tag' 16 bytes.",
                ));
            }
            let aad = input.aad.unwrap_or_default();
            let mut sealed = input.value;
            sealed.extend_from_slice(&tag);
            let value = gcm_open(key, &iv, &aad, &sealed).ok_or_else(|| failed("decrypt"))?;
            Ok(CipherOutput {
                value,
                ..Default::default()
            })
        }
        "A128CBC" | "A192CBC" | "A256CBC" | "A128CBCPAD" | "A192CBCPAD" | "A256CBCPAD" => {
            let key = aes_key(alg, m)?;
            let Some(iv) = input.iv.filter(|iv| iv.len() == 16) else {
                return Err(bad(format!(
                    "Decryption with '{alg}' requires a 16-byte 'iv'."
                )));
            };
            let pad = alg.ends_with("PAD");
            let value =
                cbc_decrypt(key, &iv, &input.value, pad).ok_or_else(|| failed("decrypt"))?;
            Ok(CipherOutput {
                value,
                ..Default::default()
            })
        }
        _ => Err(unsupported(alg, m)),
    }
}

/// Wraps a key (`wrapKey` operation).
pub(crate) fn wrap(m: &Material, alg: &str, value: &[u8]) -> Result<Vec<u8>, ServiceError> {
    if is_rsa_cipher(alg) {
        let key = rsa_key(alg, m)?;
        return rsa_encrypt(&key.to_public_key(), alg, value).ok_or_else(|| failed("wrapKey"));
    }
    let Some(pad) = kw_flavour(alg) else {
        return Err(unsupported(alg, m));
    };
    let key = aes_key(alg, m)?;
    aes_wrap(key, value, pad).ok_or_else(|| failed("wrapKey"))
}

/// Unwraps a key (`unwrapKey` operation).
pub(crate) fn unwrap(m: &Material, alg: &str, value: &[u8]) -> Result<Vec<u8>, ServiceError> {
    if is_rsa_cipher(alg) {
        let key = rsa_key(alg, m)?;
        return rsa_decrypt(key, alg, value).ok_or_else(|| failed("unwrapKey"));
    }
    let Some(pad) = kw_flavour(alg) else {
        return Err(unsupported(alg, m));
    };
    let key = aes_key(alg, m)?;
    aes_unwrap(key, value, pad).ok_or_else(|| failed("unwrapKey"))
}

/// The digest length a signature algorithm takes (`None` for RSNULL and HMAC).
fn digest_len(alg: &str) -> Option<usize> {
    match alg {
        "RS256" | "PS256" | "ES256" | "ES256K" => Some(32),
        "RS384" | "PS384" | "ES384" => Some(48),
        "RS512" | "PS512" | "ES512" => Some(64),
        _ => None,
    }
}

fn check_digest(alg: &str, digest: &[u8]) -> Result<(), ServiceError> {
    match digest_len(alg) {
        Some(len) if digest.len() != len => Err(bad(format!(
            "Invalid digest length: the digest for '{alg}' must be {len} bytes, got {}.",
            digest.len()
        ))),
        _ => Ok(()),
    }
}

fn rsa_sign_scheme(alg: &str) -> Option<Result<Pkcs1v15Sign, Pss>> {
    Some(match alg {
        "RS256" => Ok(Pkcs1v15Sign::new::<Sha256>()),
        "RS384" => Ok(Pkcs1v15Sign::new::<Sha384>()),
        "RS512" => Ok(Pkcs1v15Sign::new::<Sha512>()),
        "RSNULL" => Ok(Pkcs1v15Sign::new_unprefixed()),
        "PS256" => Err(Pss::new::<Sha256>()),
        "PS384" => Err(Pss::new::<Sha384>()),
        "PS512" => Err(Pss::new::<Sha512>()),
        _ => return None,
    })
}

/// The curve an ECDSA algorithm requires.
fn ec_curve(alg: &str) -> Option<Curve> {
    match alg {
        "ES256" => Some(Curve::P256),
        "ES256K" => Some(Curve::P256K),
        "ES384" => Some(Curve::P384),
        "ES512" => Some(Curve::P521),
        _ => None,
    }
}

fn hmac_tag(alg: &str, key: &[u8], data: &[u8]) -> Option<Vec<u8>> {
    macro_rules! run {
        ($h:ty) => {{
            let mut mac = <Hmac<$h> as Mac>::new_from_slice(key).ok()?;
            mac.update(data);
            Some(mac.finalize().into_bytes().to_vec())
        }};
    }
    match alg {
        "HS256" => run!(Sha256),
        "HS384" => run!(Sha384),
        "HS512" => run!(Sha512),
        _ => None,
    }
}

fn check_ec(alg: &str, m: &Material) -> Result<(), ServiceError> {
    let (Some(curve), Material::Ec(k)) = (ec_curve(alg), m) else {
        return Err(unsupported(alg, m));
    };
    if k.curve() != curve {
        return Err(bad(format!(
            "Algorithm '{alg}' is not supported for a key on curve '{}'.",
            k.curve().name()
        )));
    }
    Ok(())
}

/// Signs a digest (`sign` operation). ECDSA signatures are raw `r || s`.
pub(crate) fn sign(m: &Material, alg: &str, digest: &[u8]) -> Result<Vec<u8>, ServiceError> {
    if let Some(scheme) = rsa_sign_scheme(alg) {
        let key = rsa_key(alg, m)?;
        check_digest(alg, digest)?;
        let signed = match scheme {
            Ok(pkcs1) => key.sign_with_rng(&mut OsRng, pkcs1, digest),
            Err(pss) => key.sign_with_rng(&mut OsRng, pss, digest),
        };
        return signed.map_err(|_| failed("sign"));
    }
    if alg.starts_with("HS") {
        let Material::Oct(k) = m else {
            return Err(unsupported(alg, m));
        };
        return hmac_tag(alg, k, digest).ok_or_else(|| unsupported(alg, m));
    }
    check_ec(alg, m)?;
    check_digest(alg, digest)?;
    let Material::Ec(key) = m else {
        return Err(unsupported(alg, m));
    };
    macro_rules! ecdsa_sign {
        ($module:ident, $k:expr) => {{
            let signer = $module::ecdsa::SigningKey::from($k.clone());
            let signature: $module::ecdsa::Signature =
                signer.sign_prehash(digest).map_err(|_| failed("sign"))?;
            Ok(signature.to_bytes().to_vec())
        }};
    }
    match key {
        EcKey::P256(k) => ecdsa_sign!(p256, k),
        EcKey::P256K(k) => ecdsa_sign!(k256, k),
        EcKey::P384(k) => ecdsa_sign!(p384, k),
        EcKey::P521(k) => {
            let inner = ecdsa::SigningKey::<p521::NistP521>::from(k.clone());
            let signer = p521::ecdsa::SigningKey::from(inner);
            let signature: p521::ecdsa::Signature =
                signer.sign_prehash(digest).map_err(|_| failed("sign"))?;
            Ok(signature.to_bytes().to_vec())
        }
    }
}

/// Verifies a signature of a digest (`verify` operation).
pub(crate) fn verify(
    m: &Material,
    alg: &str,
    digest: &[u8],
    signature: &[u8],
) -> Result<bool, ServiceError> {
    if let Some(scheme) = rsa_sign_scheme(alg) {
        let key = rsa_key(alg, m)?;
        check_digest(alg, digest)?;
        let public = key.to_public_key();
        let ok = match scheme {
            Ok(pkcs1) => public.verify(pkcs1, digest, signature).is_ok(),
            Err(pss) => public.verify(pss, digest, signature).is_ok(),
        };
        return Ok(ok);
    }
    if alg.starts_with("HS") {
        let Material::Oct(k) = m else {
            return Err(unsupported(alg, m));
        };
        let expected = hmac_tag(alg, k, digest).ok_or_else(|| unsupported(alg, m))?;
        return Ok(subtle_eq(&expected, signature));
    }
    check_ec(alg, m)?;
    check_digest(alg, digest)?;
    let Material::Ec(key) = m else {
        return Err(unsupported(alg, m));
    };
    macro_rules! ecdsa_verify {
        ($module:ident, $k:expr) => {{
            let verifier = $module::ecdsa::VerifyingKey::from($k.public_key());
            let Ok(sig) = $module::ecdsa::Signature::from_slice(signature) else {
                return Ok(false);
            };
            Ok(verifier.verify_prehash(digest, &sig).is_ok())
        }};
    }
    match key {
        EcKey::P256(k) => ecdsa_verify!(p256, k),
        EcKey::P256K(k) => ecdsa_verify!(k256, k),
        EcKey::P384(k) => ecdsa_verify!(p384, k),
        EcKey::P521(k) => {
            let inner = ecdsa::VerifyingKey::<p521::NistP521>::from(k.public_key());
            let verifier = p521::ecdsa::VerifyingKey::from(inner);
            let Ok(sig) = p521::ecdsa::Signature::from_slice(signature) else {
                return Ok(false);
            };
            Ok(verifier.verify_prehash(digest, &sig).is_ok())
        }
    }
}

/// Constant-time equality of two byte strings.
fn subtle_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symmetric_round_trips() {
        for bits in [128, 192, 256] {
            let m = Material::generate_oct(bits).unwrap();
            let p = format!("A{bits}");
            for alg in ["GCM", "CBC", "CBCPAD", "KW"] {
                let alg = format!("{p}{alg}");
                let value = vec![7u8; 32];
                let out = encrypt(
                    &m,
                    CipherInput {
                        alg: alg.clone(),
                        value: value.clone(),
                        aad: Some(b"aad".to_vec()),
                        ..Default::default()
                    },
                )
                .unwrap();
                let back = decrypt(
                    &m,
                    CipherInput {
                        alg: alg.clone(),
                        value: out.value,
                        iv: out.iv,
                        tag: out.tag,
                        aad: out.aad,
                    },
                )
                .unwrap();
                assert_eq!(back.value, value, "{alg}");
            }
            let wrapped = wrap(&m, "CKM_AES_KEY_WRAP_PAD", b"seventeen bytes!!").unwrap();
            assert_eq!(
                unwrap(&m, "CKM_AES_KEY_WRAP_PAD", &wrapped).unwrap(),
                b"seventeen bytes!!"
            );
            let tag = sign(&m, "HS256", b"data").unwrap();
            assert!(verify(&m, "HS256", b"data", &tag).unwrap());
            assert!(!verify(&m, "HS256", b"other", &tag).unwrap());
        }
    }

    #[test]
    fn ec_signatures_and_mismatches() {
        for (curve, alg, len) in [
            (Curve::P256, "ES256", 32),
            (Curve::P256K, "ES256K", 32),
            (Curve::P384, "ES384", 48),
            (Curve::P521, "ES512", 64),
        ] {
            let m = Material::generate_ec(curve);
            let digest = vec![3u8; len];
            let sig = sign(&m, alg, &digest).unwrap();
            assert_eq!(sig.len(), 2 * curve.field_len());
            assert!(verify(&m, alg, &digest, &sig).unwrap());
            assert!(!verify(&m, alg, &vec![4u8; len], &sig).unwrap());
            assert!(sign(&m, alg, &[0u8; 20]).is_err());
            assert!(sign(&m, "RS256", &digest).is_err());
        }
        let m = Material::generate_ec(Curve::P256);
        assert!(sign(&m, "ES384", &[0u8; 48]).is_err());
        assert!(encrypt(
            &m,
            CipherInput {
                alg: "RSA-OAEP".into(),
                value: vec![1],
                ..Default::default()
            }
        )
        .is_err());
    }
}
