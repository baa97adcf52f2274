//! Known-answer tests of the local cryptography: RFC 3394 (AES key wrap), NIST SP 800-38A
//! (AES-CBC), the GCM specification's test cases, RFC 6979 (deterministic ECDSA P-256), and
//! vectors made by an independent implementation (OpenSSL, through Python's `cryptography`;
//! `gen_openssl_vectors.py` beside this file) with the RSA key of the REST spec's ImportKey
//! example. Plus round trips and refusals for every algorithm.

use super::*;
use crate::enums::KeyOperation;

fn hex(text: &str) -> Vec<u8> {
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn oct(k: &str) -> LocalKey {
    LocalKey::from_jwk(&JsonWebKey {
        kty: Some(KeyType::Oct),
        k: Some(SecretBytes::new(hex(k))),
        ..Default::default()
    })
    .expect("an AES key")
}

fn vector(name: &str) -> Vec<u8> {
    let line = include_str!("openssl_vectors.txt")
        .lines()
        .find(|l| l.rsplit_once(' ').is_some_and(|(n, _)| n == name))
        .unwrap_or_else(|| panic!("no vector {name}"));
    hex(line.rsplit_once(' ').unwrap().1)
}

/// The RSA key of the REST spec's ImportKey example, with its private parts.
fn spec_rsa_jwk() -> JsonWebKey {
    let example = keyvault_testkit::fixtures::spec_examples("Keys")
        .into_iter()
        .find(|e| e.operation_id == "ImportKey")
        .expect("the ImportKey example");
    serde_json::from_value(example.parameters["parameters"]["key"].clone()).unwrap()
}

fn sha(alg: &SignatureAlgorithm, data: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    match alg.digest_len() {
        Some(48) => Sha384::digest(data).to_vec(),
        Some(64) => Sha512::digest(data).to_vec(),
        _ => Sha256::digest(data).to_vec(),
    }
}

#[test]
fn rfc3394_aes_key_wrap_vectors() {
    let data128 = "00112233445566778899AABBCCDDEEFF";
    let cases = [
        // 4.1, 4.2, 4.3: 128 bits of key data with a 128-, 192- and 256-bit KEK.
        (
            "000102030405060708090A0B0C0D0E0F",
            data128,
            "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5",
            KeyWrapAlgorithm::A128Kw,
        ),
        (
            "000102030405060708090A0B0C0D0E0F1011121314151617",
            data128,
            "96778B25AE6CA435F92B5B97C050AED2468AB8A17AD84E5D",
            KeyWrapAlgorithm::A192Kw,
        ),
        (
            "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
            data128,
            "64E8C3F9CE0F5BA263E9777905818A2A93C8191E7D6E8AE7",
            KeyWrapAlgorithm::A256Kw,
        ),
        // 4.6: 256 bits of key data with a 256-bit KEK.
        (
            "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
            "00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F",
            "28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21",
            KeyWrapAlgorithm::A256Kw,
        ),
    ];
    for (kek, data, wrapped, alg) in cases {
        let key = oct(kek);
        assert!(key.supports(Op::WrapKey(&alg)) && key.supports(Op::UnwrapKey(&alg)));
        assert_eq!(
            key.wrap_key(&alg, &hex(data)).unwrap(),
            hex(wrapped),
            "{alg}"
        );
        assert_eq!(
            key.unwrap_key(&alg, &hex(wrapped)).unwrap().expose_secret(),
            hex(data)
        );
        // CKM_AES_KEY_WRAP is RFC 3394 with the key's own size.
        let ckm = KeyWrapAlgorithm::CkmAesKeyWrap;
        assert_eq!(key.wrap_key(&ckm, &hex(data)).unwrap(), hex(wrapped));
    }
    let key = oct("000102030405060708090A0B0C0D0E0F");
    let mut tampered = hex("1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5");
    tampered[0] ^= 1;
    let err = key
        .unwrap_key(&KeyWrapAlgorithm::A128Kw, &tampered)
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Cryptography {
                operation: "unwrap_key",
                ..
            }
        ),
        "{err}"
    );
    assert!(
        key.wrap_key(&KeyWrapAlgorithm::A128Kw, &[1; 12]).is_err(),
        "not a multiple of 8"
    );
    assert!(
        !key.supports(Op::WrapKey(&KeyWrapAlgorithm::A128KwPad)),
        "left to the service"
    );
    assert!(!key.supports(Op::WrapKey(&KeyWrapAlgorithm::CkmAesKeyWrapPad)));
}

#[test]
fn sp800_38a_aes_cbc_vectors() {
    let key = oct("2b7e151628aed2a6abf7158809cf4f3c");
    let iv = hex("000102030405060708090a0b0c0d0e0f");
    let plaintext = hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51");
    let ciphertext = hex("7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2");
    let alg = EncryptionAlgorithm::A128Cbc;
    let out = key.encrypt(&alg, &plaintext, Some(&iv), None).unwrap();
    assert_eq!(out.ciphertext, ciphertext);
    assert_eq!(out.iv.as_deref(), Some(&iv[..]));
    let back = key
        .decrypt(&alg, &ciphertext, Some(&iv), None, None)
        .unwrap();
    assert_eq!(back.expose_secret(), plaintext);
    // Unpadded CBC needs whole blocks.
    let err = key
        .encrypt(&alg, b"not sixteen", Some(&iv), None)
        .err()
        .unwrap();
    assert!(matches!(
        err,
        Error::InvalidArgument {
            argument: "plaintext",
            ..
        }
    ));

    // With PKCS#7 padding the known blocks come first, then a whole block of padding.
    let pad = EncryptionAlgorithm::A128CbcPad;
    let out = key.encrypt(&pad, &plaintext, Some(&iv), None).unwrap();
    assert_eq!(out.ciphertext.len(), 48);
    assert_eq!(&out.ciphertext[..32], &ciphertext[..]);
    assert_eq!(
        key.decrypt(&pad, &out.ciphertext, Some(&iv), None, None)
            .unwrap()
            .expose_secret(),
        plaintext
    );
    // A fresh random iv when none is given.
    let a = key.encrypt(&pad, b"short", None, None).unwrap();
    let b = key.encrypt(&pad, b"short", None, None).unwrap();
    assert_eq!(a.iv.as_ref().unwrap().len(), 16);
    assert_ne!(a.iv, b.iv);
    let back = key
        .decrypt(&pad, &a.ciphertext, a.iv.as_deref(), None, None)
        .unwrap();
    assert_eq!(back.expose_secret(), b"short");
    // A wrong iv corrupts the padding or the first block, never silently the same text.
    let wrong = key.decrypt(&pad, &a.ciphertext, Some(&[9; 16]), None, None);
    assert!(wrong.map(|p| p.expose_secret() != b"short").unwrap_or(true));
}

#[test]
fn gcm_specification_vectors() {
    let key = oct("feffe9928665731c6d6a8f9467308308");
    let iv = hex("cafebabefacedbaddecaf888");
    let alg = EncryptionAlgorithm::A128Gcm;
    // Test case 3: no additional data.
    let p3 = hex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255");
    let c3 = hex("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985");
    let out = key.encrypt(&alg, &p3, Some(&iv), None).unwrap();
    assert_eq!(out.ciphertext, c3);
    assert_eq!(out.tag.unwrap(), hex("4d5c2af327cd64a62cf35abd2ba6fab4"));
    // Test case 4: with additional data, 60 bytes.
    let aad = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
    let out = key.encrypt(&alg, &p3[..60], Some(&iv), Some(&aad)).unwrap();
    assert_eq!(out.ciphertext, c3[..60]);
    let tag = hex("5bc94fbc3221a5db94fae95ae7121a47");
    assert_eq!(out.tag.as_deref(), Some(&tag[..]));
    let back = key
        .decrypt(&alg, &c3[..60], Some(&iv), Some(&tag), Some(&aad))
        .unwrap();
    assert_eq!(back.expose_secret(), &p3[..60]);
    // Any change to data, aad or tag fails authentication.
    let err = key
        .decrypt(&alg, &c3[..60], Some(&iv), Some(&tag), Some(b"other"))
        .unwrap_err();
    assert!(matches!(
        err,
        Error::Cryptography {
            operation: "decrypt",
            ..
        }
    ));
    let mut bad_tag = tag.clone();
    bad_tag[15] ^= 1;
    assert!(key
        .decrypt(&alg, &c3[..60], Some(&iv), Some(&bad_tag), Some(&aad))
        .is_err());
    // A generated nonce is 12 bytes and fresh.
    let a = key.encrypt(&alg, b"x", None, None).unwrap();
    assert_eq!(a.iv.as_ref().unwrap().len(), 12);
    assert!(
        key.encrypt(&alg, b"x", Some(&[0; 16]), None).is_err(),
        "local GCM iv is 12 bytes"
    );
}

#[test]
fn every_aes_size_round_trips() {
    for (k, cbc, pad, gcm, kw) in [
        (
            "00".repeat(16),
            EncryptionAlgorithm::A128Cbc,
            EncryptionAlgorithm::A128CbcPad,
            EncryptionAlgorithm::A128Gcm,
            KeyWrapAlgorithm::A128Kw,
        ),
        (
            "01".repeat(24),
            EncryptionAlgorithm::A192Cbc,
            EncryptionAlgorithm::A192CbcPad,
            EncryptionAlgorithm::A192Gcm,
            KeyWrapAlgorithm::A192Kw,
        ),
        (
            "02".repeat(32),
            EncryptionAlgorithm::A256Cbc,
            EncryptionAlgorithm::A256CbcPad,
            EncryptionAlgorithm::A256Gcm,
            KeyWrapAlgorithm::A256Kw,
        ),
    ] {
        let key = oct(&k);
        let data = [7u8; 32];
        for alg in [cbc, pad] {
            let out = key.encrypt(&alg, &data, None, None).unwrap();
            assert_ne!(out.ciphertext[..32], data);
            let back = key
                .decrypt(&alg, &out.ciphertext, out.iv.as_deref(), None, None)
                .unwrap();
            assert_eq!(back.expose_secret(), data, "{alg}");
        }
        let out = key.encrypt(&gcm, &data, None, Some(b"aad")).unwrap();
        let back = key
            .decrypt(
                &gcm,
                &out.ciphertext,
                out.iv.as_deref(),
                out.tag.as_deref(),
                Some(b"aad"),
            )
            .unwrap();
        assert_eq!(back.expose_secret(), data);
        let wrapped = key.wrap_key(&kw, &data).unwrap();
        assert_eq!(key.unwrap_key(&kw, &wrapped).unwrap().expose_secret(), data);
        for alg in [SignatureAlgorithm::Hs256, SignatureAlgorithm::Rs256] {
            assert!(!key.supports(Op::Sign(&alg)), "HMAC is left to the service");
        }
        assert!(!key.supports(Op::Encrypt(&EncryptionAlgorithm::RsaOaep)));
    }
}

#[test]
fn no_key_material_is_invented() {
    // An oct key without k, an RSA key without n, an EC key on an unknown curve.
    for jwk in [
        JsonWebKey {
            kty: Some(KeyType::OctHsm),
            ..Default::default()
        },
        JsonWebKey {
            kty: Some(KeyType::Rsa),
            e: Some(vec![1, 0, 1]),
            ..Default::default()
        },
        JsonWebKey {
            kty: Some(KeyType::Ec),
            crv: Some(KeyCurveName::Other("P-999".into())),
            x: Some(vec![1; 32]),
            y: Some(vec![1; 32]),
            ..Default::default()
        },
        JsonWebKey {
            kty: Some(KeyType::Ec),
            crv: Some(KeyCurveName::P256),
            x: Some(vec![1; 32]),
            y: Some(vec![1; 32]),
            ..Default::default()
        },
        JsonWebKey {
            kty: Some(KeyType::Oct),
            k: Some(SecretBytes::new(vec![1; 20])),
            ..Default::default()
        },
        JsonWebKey {
            kty: None,
            k: Some(SecretBytes::new(vec![1; 16])),
            ..Default::default()
        },
    ] {
        assert!(LocalKey::from_jwk(&jwk).is_none(), "{jwk:?}");
    }
}

#[test]
fn rsa_known_answers_from_openssl() {
    let jwk = spec_rsa_jwk();
    let key = LocalKey::from_jwk(&jwk).unwrap();
    assert_eq!(key.rsa_size(), Some(256));
    let digest = Sha256::digest_of(b"sample");
    // PKCS#1 v1.5 signatures are deterministic: ours equals OpenSSL's.
    let rs256 = vector("RS256");
    assert_eq!(
        key.sign(&SignatureAlgorithm::Rs256, &digest).unwrap(),
        rs256
    );
    assert!(key
        .verify(&SignatureAlgorithm::Rs256, &digest, &rs256)
        .unwrap());
    // PSS signatures are randomized: OpenSSL's verify here.
    assert!(key
        .verify(&SignatureAlgorithm::Ps256, &digest, &vector("PS256"))
        .unwrap());
    let d384 = sha(&SignatureAlgorithm::Ps384, b"sample");
    assert!(key
        .verify(&SignatureAlgorithm::Ps384, &d384, &vector("PS384"))
        .unwrap());
    assert!(
        !key.verify(&SignatureAlgorithm::Ps256, &digest, &rs256)
            .unwrap(),
        "wrong scheme"
    );
    // OpenSSL's ciphertexts decrypt here.
    for (alg, name) in [
        (EncryptionAlgorithm::RsaOaep, "OAEP"),
        (EncryptionAlgorithm::RsaOaep256, "OAEP256"),
        (EncryptionAlgorithm::Rsa1_5, "PKCS1"),
    ] {
        let plaintext = key.decrypt(&alg, &vector(name), None, None, None).unwrap();
        assert_eq!(plaintext.expose_secret(), b"known answer", "{alg}");
    }
}

trait DigestOf {
    fn digest_of(data: &[u8]) -> Vec<u8>;
}

impl DigestOf for Sha256 {
    fn digest_of(data: &[u8]) -> Vec<u8> {
        use sha2::Digest;
        Sha256::digest(data).to_vec()
    }
}

#[test]
fn rsa_round_trips_and_what_the_public_key_alone_can_do() {
    let jwk = spec_rsa_jwk();
    let private = LocalKey::from_jwk(&jwk).unwrap();
    let public = LocalKey::from_jwk(&jwk.public_only()).unwrap();
    for alg in [
        EncryptionAlgorithm::RsaOaep,
        EncryptionAlgorithm::RsaOaep256,
        EncryptionAlgorithm::Rsa1_5,
    ] {
        assert!(public.supports(Op::Encrypt(&alg)) && !public.supports(Op::Decrypt(&alg)));
        assert!(private.supports(Op::Decrypt(&alg)));
        let out = public.encrypt(&alg, b"secret", None, None).unwrap();
        assert_eq!(out.ciphertext.len(), 256);
        assert!(out.iv.is_none() && out.tag.is_none());
        assert_eq!(
            private
                .decrypt(&alg, &out.ciphertext, None, None, None)
                .unwrap()
                .expose_secret(),
            b"secret"
        );
    }
    for alg in [
        KeyWrapAlgorithm::RsaOaep,
        KeyWrapAlgorithm::RsaOaep256,
        KeyWrapAlgorithm::Rsa1_5,
    ] {
        assert!(public.supports(Op::WrapKey(&alg)) && !public.supports(Op::UnwrapKey(&alg)));
        let wrapped = public.wrap_key(&alg, &[5; 32]).unwrap();
        assert_eq!(
            private.unwrap_key(&alg, &wrapped).unwrap().expose_secret(),
            [5; 32]
        );
    }
    use SignatureAlgorithm::*;
    for alg in [Rs256, Rs384, Rs512, Ps256, Ps384, Ps512] {
        assert!(public.supports(Op::Verify(&alg)) && !public.supports(Op::Sign(&alg)));
        let digest = sha(&alg, b"message");
        let signature = private.sign(&alg, &digest).unwrap();
        assert!(public.verify(&alg, &digest, &signature).unwrap(), "{alg}");
        let other = sha(&alg, b"other message");
        assert!(!public.verify(&alg, &other, &signature).unwrap(), "{alg}");
    }
    for alg in [RsNull, Hs256, Es256] {
        assert!(!private.supports(Op::Sign(&alg)), "{alg}");
    }
    assert!(!private.supports(Op::Encrypt(&EncryptionAlgorithm::A128Gcm)));
    let err = public
        .encrypt(&EncryptionAlgorithm::RsaOaep, &[0; 300], None, None)
        .err()
        .unwrap();
    assert!(
        matches!(
            err,
            Error::InvalidArgument {
                argument: "plaintext",
                ..
            }
        ),
        "{err}"
    );
    let err = private
        .decrypt(&EncryptionAlgorithm::RsaOaep, &[1; 256], None, None, None)
        .unwrap_err();
    assert!(matches!(err, Error::Cryptography { .. }));
    // Without p and q the primes are recovered from n, e and d.
    let no_primes = JsonWebKey {
        p: None,
        q: None,
        dp: None,
        dq: None,
        qi: None,
        ..jwk.clone()
    };
    assert!(LocalKey::from_jwk(&no_primes)
        .unwrap()
        .supports(Op::Sign(&Rs256)));
    let _ = KeyOperation::Sign;
}

fn ec_jwk(crv: KeyCurveName, x: Vec<u8>, y: Vec<u8>, d: Option<Vec<u8>>) -> JsonWebKey {
    JsonWebKey {
        kty: Some(KeyType::Ec),
        crv: Some(crv),
        x: Some(x),
        y: Some(y),
        d: d.map(SecretBytes::new),
        ..Default::default()
    }
}

#[test]
fn rfc6979_deterministic_ecdsa_p256() {
    // RFC 6979 A.2.5, P-256 with SHA-256, message "sample".
    let jwk = ec_jwk(
        KeyCurveName::P256,
        hex("60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6"),
        hex("7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299"),
        Some(hex(
            "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721",
        )),
    );
    let expected = hex(
        "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716\
         F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8",
    );
    let digest = Sha256::digest_of(b"sample");
    let public = LocalKey::from_jwk(&jwk.public_only()).unwrap();
    assert!(public
        .verify(&SignatureAlgorithm::Es256, &digest, &expected)
        .unwrap());
    let private = LocalKey::from_jwk(&jwk).unwrap();
    assert_eq!(
        private.sign(&SignatureAlgorithm::Es256, &digest).unwrap(),
        expected
    );
    let mut tampered = expected.clone();
    tampered[40] ^= 1;
    assert!(!public
        .verify(&SignatureAlgorithm::Es256, &digest, &tampered)
        .unwrap());
    assert!(
        !public
            .verify(&SignatureAlgorithm::Es256, &digest, &expected[..63])
            .unwrap(),
        "short"
    );
    assert!(!public.supports(Op::Sign(&SignatureAlgorithm::Es256)));
    assert!(
        !public.supports(Op::Verify(&SignatureAlgorithm::Es384)),
        "other curve"
    );
    assert!(!public.supports(Op::Encrypt(&EncryptionAlgorithm::RsaOaep)));
    // A private scalar that does not match the public point is refused.
    let mismatched = JsonWebKey {
        d: Some(SecretBytes::new(vec![1; 32])),
        ..jwk
    };
    assert!(LocalKey::from_jwk(&mismatched).is_none());
}

#[test]
fn openssl_ecdsa_signatures_verify_on_every_other_curve() {
    for (name, crv, alg) in [
        ("P384", KeyCurveName::P384, SignatureAlgorithm::Es384),
        ("P521", KeyCurveName::P521, SignatureAlgorithm::Es512),
        ("K256", KeyCurveName::P256K, SignatureAlgorithm::Es256K),
    ] {
        let jwk = ec_jwk(
            crv,
            vector(&format!("{name} x")),
            vector(&format!("{name} y")),
            None,
        );
        let key = LocalKey::from_jwk(&jwk).unwrap();
        let digest = sha(&alg, b"sample");
        assert!(key.supports(Op::Verify(&alg)));
        assert!(
            key.verify(&alg, &digest, &vector(&format!("{name} sig")))
                .unwrap(),
            "{name}"
        );
        assert!(!key
            .verify(&alg, &sha(&alg, b"other"), &vector(&format!("{name} sig")))
            .unwrap());
    }
}

#[test]
fn ecdsa_round_trips_on_every_curve() {
    use elliptic_curve_keys::*;
    for (crv, alg, jwk) in generated() {
        let private = LocalKey::from_jwk(&jwk).unwrap();
        let public = LocalKey::from_jwk(&jwk.public_only()).unwrap();
        let digest = sha(&alg, b"message");
        let signature = private.sign(&alg, &digest).unwrap();
        assert_eq!(
            signature.len(),
            2 * coordinate_len(&crv),
            "{crv}: raw r || s"
        );
        assert!(public.verify(&alg, &digest, &signature).unwrap(), "{crv}");
        assert!(
            !public
                .verify(&alg, &sha(&alg, b"other"), &signature)
                .unwrap(),
            "{crv}"
        );
    }
}

/// Fresh EC keys for round trips, made with the curve crates.
mod elliptic_curve_keys {
    use super::*;

    pub fn coordinate_len(crv: &KeyCurveName) -> usize {
        match crv {
            KeyCurveName::P384 => 48,
            KeyCurveName::P521 => 66,
            _ => 32,
        }
    }

    macro_rules! make {
        ($krate:ident, $crv:expr, $alg:expr) => {{
            let signing = $krate::ecdsa::SigningKey::random(&mut OsRng);
            let point = $krate::ecdsa::VerifyingKey::from(&signing).to_encoded_point(false);
            (
                $crv,
                $alg,
                ec_jwk(
                    $crv,
                    point.x().unwrap().to_vec(),
                    point.y().unwrap().to_vec(),
                    Some(signing.to_bytes().to_vec()),
                ),
            )
        }};
    }

    pub fn generated() -> Vec<(KeyCurveName, SignatureAlgorithm, JsonWebKey)> {
        vec![
            make!(p256, KeyCurveName::P256, SignatureAlgorithm::Es256),
            make!(p384, KeyCurveName::P384, SignatureAlgorithm::Es384),
            make!(p521, KeyCurveName::P521, SignatureAlgorithm::Es512),
            make!(k256, KeyCurveName::P256K, SignatureAlgorithm::Es256K),
        ]
    }
}
