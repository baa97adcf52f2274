//! Argument checks made before anything is sent (or computed locally).

use super::{DecryptOptions, EncryptOptions, Op};
use crate::{
    enums::{EncryptionAlgorithm, KeyCurveName, KeyType, SignatureAlgorithm},
    models::JsonWebKey,
};
use keyvault_core::{Error, Result};

const CBC_IV_LEN: usize = 16;

fn refuse(argument: &'static str, message: impl Into<String>) -> Error {
    Error::invalid_argument(argument, message)
}

/// `iv` only with AES-CBC (16 bytes) and AES-GCM; `aad` only with AES-GCM.
pub(crate) fn encrypt(algorithm: &EncryptionAlgorithm, options: &EncryptOptions<'_>) -> Result<()> {
    if let Some(iv) = &options.iv {
        if !(algorithm.is_cbc() || algorithm.is_gcm()) {
            return Err(refuse(
                "iv",
                format!("only AES-CBC and AES-GCM take an iv, not {algorithm}"),
            ));
        }
        if algorithm.is_cbc() && iv.len() != CBC_IV_LEN {
            return Err(refuse(
                "iv",
                format!("AES-CBC needs a 16-byte iv, got {} bytes", iv.len()),
            ));
        }
        if iv.is_empty() {
            return Err(refuse("iv", "must not be empty"));
        }
    }
    if options.additional_authenticated_data.is_some() && !algorithm.is_gcm() {
        return Err(refuse(
            "additional_authenticated_data",
            format!("only AES-GCM takes additional authenticated data, not {algorithm}"),
        ));
    }
    Ok(())
}

/// `iv` required for AES-CBC (16 bytes) and AES-GCM and refused otherwise; `tag` required
/// for AES-GCM and refused otherwise; `aad` only with AES-GCM.
pub(crate) fn decrypt(
    algorithm: &EncryptionAlgorithm,
    ciphertext: &[u8],
    options: &DecryptOptions<'_>,
) -> Result<()> {
    keyvault_core::validation::require_non_empty("ciphertext", ciphertext)?;
    let takes_iv = algorithm.is_cbc() || algorithm.is_gcm();
    match &options.iv {
        None if takes_iv => {
            return Err(refuse(
                "iv",
                format!("{algorithm} decryption needs the iv used to encrypt"),
            ))
        }
        Some(_) if !takes_iv => {
            return Err(refuse(
                "iv",
                format!("only AES-CBC and AES-GCM take an iv, not {algorithm}"),
            ))
        }
        Some(iv) if algorithm.is_cbc() && iv.len() != CBC_IV_LEN => {
            return Err(refuse(
                "iv",
                format!("AES-CBC needs a 16-byte iv, got {} bytes", iv.len()),
            ))
        }
        Some(iv) if iv.is_empty() => return Err(refuse("iv", "must not be empty")),
        _ => {}
    }
    match &options.authentication_tag {
        None if algorithm.is_gcm() => {
            return Err(refuse(
                "authentication_tag",
                format!("{algorithm} decryption needs the authentication tag"),
            ))
        }
        Some(_) if !algorithm.is_gcm() => {
            return Err(refuse(
                "authentication_tag",
                format!("only AES-GCM takes an authentication tag, not {algorithm}"),
            ))
        }
        Some(tag) if tag.is_empty() => {
            return Err(refuse("authentication_tag", "must not be empty"))
        }
        _ => {}
    }
    if options.additional_authenticated_data.is_some() && !algorithm.is_gcm() {
        return Err(refuse(
            "additional_authenticated_data",
            format!("only AES-GCM takes additional authenticated data, not {algorithm}"),
        ));
    }
    Ok(())
}

/// The digest's length must match the algorithm's hash (32, 48 or 64 bytes).
pub(crate) fn digest(algorithm: &SignatureAlgorithm, digest: &[u8]) -> Result<()> {
    keyvault_core::validation::require_non_empty("digest", digest)?;
    match algorithm.digest_len() {
        Some(expected) if digest.len() != expected => Err(refuse(
            "digest",
            format!(
                "{algorithm} signs a {expected}-byte digest, got {} bytes",
                digest.len()
            ),
        )),
        _ => Ok(()),
    }
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum Family {
    Rsa,
    Ec,
    Aes,
    Unknown,
}

fn family_of_key(kty: &KeyType) -> Family {
    if kty.is_rsa() {
        Family::Rsa
    } else if kty.is_ec() {
        Family::Ec
    } else if kty.is_oct() {
        Family::Aes
    } else {
        Family::Unknown
    }
}

fn family_of_algorithm(op: Op<'_>) -> Family {
    let name = match op {
        Op::Encrypt(a) | Op::Decrypt(a) => a.as_str(),
        Op::WrapKey(a) | Op::UnwrapKey(a) => a.as_str(),
        Op::Sign(a) | Op::Verify(a) => a.as_str(),
    };
    if name.starts_with("RSA") || name.starts_with("RS") || name.starts_with("PS") {
        Family::Rsa
    } else if name.starts_with("ES") {
        Family::Ec
    } else if name.starts_with('A') || name.starts_with("CKM_AES") || name.starts_with("HS") {
        Family::Aes
    } else {
        Family::Unknown
    }
}

/// The algorithm must suit the key: its family (RSA, EC, AES), an ECDSA algorithm its curve,
/// and an AES algorithm of a fixed size the key's size.
pub(crate) fn check_key(op: Op<'_>, jwk: &JsonWebKey, key_size: Option<u32>) -> Result<()> {
    let Some(kty) = &jwk.kty else {
        return Ok(());
    };
    let (key_family, alg_family) = (family_of_key(kty), family_of_algorithm(op));
    if key_family != Family::Unknown && alg_family != Family::Unknown && key_family != alg_family {
        return Err(refuse(
            "algorithm",
            format!("{} cannot be used with a {kty} key", op_algorithm(op)),
        ));
    }
    if let (Op::Sign(alg) | Op::Verify(alg), Some(crv)) = (op, &jwk.crv) {
        if let Some(required) = alg.curve() {
            if !matches!(crv, KeyCurveName::Other(_)) && *crv != required {
                return Err(refuse(
                    "algorithm",
                    format!("{alg} needs a {required} key, this key is {crv}"),
                ));
            }
        }
    }
    let required_bits = match op {
        Op::Encrypt(a) | Op::Decrypt(a) => a.aes_key_bits(),
        Op::WrapKey(a) | Op::UnwrapKey(a) => a.aes_key_bits(),
        _ => None,
    };
    let key_bits = jwk
        .k
        .as_ref()
        .map(|k| (k.len() * 8) as u32)
        .or(key_size.filter(|_| kty.is_oct()));
    if let (Some(required), Some(actual)) = (required_bits, key_bits) {
        if required != actual {
            return Err(refuse(
                "algorithm",
                format!(
                    "{} needs a {required}-bit AES key, this key has {actual} bits",
                    op_algorithm(op)
                ),
            ));
        }
    }
    Ok(())
}

fn op_algorithm(op: Op<'_>) -> String {
    match op {
        Op::Encrypt(a) | Op::Decrypt(a) => a.to_string(),
        Op::WrapKey(a) | Op::UnwrapKey(a) => a.to_string(),
        Op::Sign(a) | Op::Verify(a) => a.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enums::KeyWrapAlgorithm;
    use keyvault_core::SecretBytes;

    fn arg(err: Error) -> &'static str {
        match err {
            Error::InvalidArgument { argument, .. } => argument,
            other => panic!("not an argument error: {other}"),
        }
    }

    #[test]
    fn iv_tag_and_aad_go_only_where_they_belong() {
        use EncryptionAlgorithm::*;
        let iv16 = Some(vec![0; 16]);
        encrypt(
            &A128Cbc,
            &EncryptOptions {
                iv: iv16.clone(),
                ..Default::default()
            },
        )
        .unwrap();
        encrypt(&A128CbcPad, &EncryptOptions::default()).unwrap();
        encrypt(
            &A256Gcm,
            &EncryptOptions {
                iv: Some(vec![0; 12]),
                additional_authenticated_data: Some(vec![1]),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(
            arg(encrypt(
                &RsaOaep,
                &EncryptOptions {
                    iv: iv16.clone(),
                    ..Default::default()
                }
            )
            .unwrap_err()),
            "iv"
        );
        assert_eq!(
            arg(encrypt(
                &A128Cbc,
                &EncryptOptions {
                    iv: Some(vec![0; 12]),
                    ..Default::default()
                }
            )
            .unwrap_err()),
            "iv"
        );
        assert_eq!(
            arg(encrypt(
                &A128Cbc,
                &EncryptOptions {
                    additional_authenticated_data: Some(vec![1]),
                    ..Default::default()
                }
            )
            .unwrap_err()),
            "additional_authenticated_data"
        );

        let ct = [1u8; 16];
        decrypt(
            &A128Cbc,
            &ct,
            &DecryptOptions {
                iv: iv16.clone(),
                ..Default::default()
            },
        )
        .unwrap();
        decrypt(&RsaOaep256, &ct, &DecryptOptions::default()).unwrap();
        decrypt(
            &A128Gcm,
            &ct,
            &DecryptOptions {
                iv: Some(vec![0; 12]),
                authentication_tag: Some(vec![0; 16]),
                additional_authenticated_data: Some(vec![2]),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(
            arg(decrypt(&A128Cbc, &ct, &DecryptOptions::default()).unwrap_err()),
            "iv"
        );
        assert_eq!(
            arg(decrypt(
                &A128CbcPad,
                &ct,
                &DecryptOptions {
                    iv: Some(vec![0; 15]),
                    ..Default::default()
                }
            )
            .unwrap_err()),
            "iv"
        );
        assert_eq!(
            arg(decrypt(
                &RsaOaep,
                &ct,
                &DecryptOptions {
                    iv: iv16.clone(),
                    ..Default::default()
                }
            )
            .unwrap_err()),
            "iv"
        );
        assert_eq!(
            arg(decrypt(
                &A128Gcm,
                &ct,
                &DecryptOptions {
                    iv: Some(vec![0; 12]),
                    ..Default::default()
                }
            )
            .unwrap_err()),
            "authentication_tag"
        );
        assert_eq!(
            arg(decrypt(
                &A128Cbc,
                &ct,
                &DecryptOptions {
                    iv: iv16.clone(),
                    authentication_tag: Some(vec![0; 16]),
                    ..Default::default()
                }
            )
            .unwrap_err()),
            "authentication_tag"
        );
        assert_eq!(
            arg(decrypt(
                &RsaOaep,
                &ct,
                &DecryptOptions {
                    additional_authenticated_data: Some(vec![1]),
                    ..Default::default()
                }
            )
            .unwrap_err()),
            "additional_authenticated_data"
        );
        assert_eq!(
            arg(decrypt(&RsaOaep, &[], &DecryptOptions::default()).unwrap_err()),
            "ciphertext"
        );
    }

    #[test]
    fn digests_match_their_algorithm() {
        use SignatureAlgorithm::*;
        for (alg, len) in [
            (Rs256, 32),
            (Ps384, 48),
            (Es512, 64),
            (Es256K, 32),
            (Rs512, 64),
            (Es384, 48),
        ] {
            digest(&alg, &vec![0; len]).unwrap();
            assert_eq!(arg(digest(&alg, &vec![0; len + 1]).unwrap_err()), "digest");
            assert_eq!(arg(digest(&alg, &[]).unwrap_err()), "digest");
        }
        digest(&RsNull, &[1, 2, 3]).unwrap();
    }

    #[test]
    fn algorithms_must_suit_the_key() {
        let oct = JsonWebKey {
            kty: Some(KeyType::Oct),
            k: Some(SecretBytes::new(vec![0; 16])),
            ..Default::default()
        };
        check_key(Op::Encrypt(&EncryptionAlgorithm::A128Gcm), &oct, None).unwrap();
        check_key(Op::WrapKey(&KeyWrapAlgorithm::CkmAesKeyWrap), &oct, None).unwrap();
        assert_eq!(
            arg(check_key(Op::Encrypt(&EncryptionAlgorithm::A256Cbc), &oct, None).unwrap_err()),
            "algorithm"
        );
        assert_eq!(
            arg(check_key(Op::WrapKey(&KeyWrapAlgorithm::A192Kw), &oct, None).unwrap_err()),
            "algorithm"
        );
        assert_eq!(
            arg(check_key(Op::Encrypt(&EncryptionAlgorithm::RsaOaep), &oct, None).unwrap_err()),
            "algorithm"
        );
        // An HSM key without material: the size the service reported is checked.
        let hsm = JsonWebKey {
            kty: Some(KeyType::OctHsm),
            ..Default::default()
        };
        check_key(Op::Encrypt(&EncryptionAlgorithm::A256Gcm), &hsm, Some(256)).unwrap();
        assert!(check_key(Op::Encrypt(&EncryptionAlgorithm::A128Gcm), &hsm, Some(256)).is_err());
        let ec = JsonWebKey {
            kty: Some(KeyType::Ec),
            crv: Some(KeyCurveName::P384),
            ..Default::default()
        };
        check_key(Op::Verify(&SignatureAlgorithm::Es384), &ec, None).unwrap();
        assert!(check_key(Op::Verify(&SignatureAlgorithm::Es256), &ec, None).is_err());
        assert!(check_key(Op::Sign(&SignatureAlgorithm::Rs256), &ec, None).is_err());
        let rsa = JsonWebKey {
            kty: Some(KeyType::RsaHsm),
            ..Default::default()
        };
        check_key(Op::Sign(&SignatureAlgorithm::Ps512), &rsa, None).unwrap();
        check_key(Op::UnwrapKey(&KeyWrapAlgorithm::Rsa1_5), &rsa, None).unwrap();
        assert!(check_key(Op::WrapKey(&KeyWrapAlgorithm::A128Kw), &rsa, None).is_err());
        let other = JsonWebKey {
            kty: Some(KeyType::Other("OKP".into())),
            ..Default::default()
        };
        check_key(
            Op::Sign(&SignatureAlgorithm::Other("EdDSA".into())),
            &other,
            None,
        )
        .unwrap();
    }
}
