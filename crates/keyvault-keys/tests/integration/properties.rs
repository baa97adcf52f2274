//! Property tests of JSON Web Key parsing and validation: arbitrary JSON never panics (neither
//! parsing nor building a local `CryptographyClient` nor using it); generated valid RSA, EC and
//! oct keys are accepted and work locally; corrupted ones are rejected with a typed error.
#![cfg(feature = "local-crypto")]

use keyvault_keys::ExposeSecret;
use keyvault_keys::{
    CryptographyClient, DecryptOptions, EncryptOptions, EncryptionAlgorithm, Error, JsonWebKey,
    KeyType, KeyWrapAlgorithm, SecretBytes,
};
use keyvault_testkit::fixtures::spec_examples;
use proptest::prelude::*;
use serde_json::{json, Map, Value};
use std::sync::OnceLock;

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
    })
}

fn alg<T: serde::de::DeserializeOwned>(name: &str) -> T {
    serde_json::from_value(json!(name)).unwrap()
}

fn spec_rsa_jwk() -> JsonWebKey {
    static JWK: OnceLock<JsonWebKey> = OnceLock::new();
    JWK.get_or_init(|| {
        let example = spec_examples("Keys")
            .into_iter()
            .find(|e| e.operation_id == "ImportKey")
            .expect("the ImportKey example");
        serde_json::from_value(example.parameters["parameters"]["key"].clone()).unwrap()
    })
    .clone()
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Runs every local operation on a client; none may panic. Returns the errors' kinds.
fn exercise(client: &CryptographyClient) -> Vec<Result<(), Error>> {
    runtime().block_on(async {
        let digest32 = [7u8; 32];
        let mut out = Vec::new();
        for name in [
            "ES256", "ES384", "ES512", "ES256K", "RS256", "PS256", "HS256",
        ] {
            out.push(client.sign(alg(name), &digest32, None).await.map(drop));
            out.push(
                client
                    .verify(alg(name), &digest32, &[1; 64], None)
                    .await
                    .map(drop),
            );
        }
        for name in [
            "RSA-OAEP",
            "RSA-OAEP-256",
            "RSA1_5",
            "A128GCM",
            "A256GCM",
            "A128CBCPAD",
        ] {
            out.push(client.encrypt(alg(name), b"data", None).await.map(drop));
            out.push(
                client
                    .decrypt(
                        alg(name),
                        &[3; 48],
                        Some(DecryptOptions {
                            iv: Some(vec![0; 16]),
                            authentication_tag: Some(vec![0; 16]),
                            ..Default::default()
                        }),
                    )
                    .await
                    .map(drop),
            );
        }
        for name in ["A128KW", "A256KW", "RSA-OAEP"] {
            out.push(client.wrap_key(alg(name), &[9; 32], None).await.map(drop));
            out.push(client.unwrap_key(alg(name), &[9; 40], None).await.map(drop));
        }
        out
    })
}

fn typed(err: &Error) -> bool {
    matches!(
        err,
        Error::Cryptography { .. } | Error::InvalidArgument { .. }
    )
}

// ---------------------------------------------------------------------------------------------
// Arbitrary JSON
// ---------------------------------------------------------------------------------------------

fn b64_field() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => proptest::collection::vec(any::<u8>(), 0..80).prop_map(|b| Value::from(b64(&b))),
        1 => "[A-Za-z0-9+/=_ .-]{0,40}".prop_map(Value::from),
        1 => any::<i64>().prop_map(Value::from),
        1 => Just(Value::Null),
        1 => Just(json!([1, 2])),
    ]
}

fn jwk_json() -> impl Strategy<Value = Value> {
    let kty = prop_oneof![
        prop::sample::select(vec![
            "RSA", "RSA-HSM", "EC", "EC-HSM", "oct", "oct-HSM", "OKP", ""
        ])
        .prop_map(Value::from),
        any::<i32>().prop_map(Value::from),
    ];
    let crv = prop::sample::select(vec!["P-256", "P-384", "P-521", "P-256K", "X25519", ""])
        .prop_map(Value::from);
    let ops = proptest::collection::vec(
        prop::sample::select(vec![
            "encrypt",
            "decrypt",
            "sign",
            "verify",
            "wrapKey",
            "unwrapKey",
            "import",
            "export",
            "bogus",
        ]),
        0..4,
    )
    .prop_map(|v| json!(v));
    (
        proptest::option::of(kty),
        proptest::option::of(crv),
        proptest::option::of(ops),
        proptest::collection::vec(
            (
                prop::sample::select(vec![
                    "n", "e", "d", "dp", "dq", "qi", "p", "q", "k", "key_hsm", "x", "y", "kid",
                ]),
                b64_field(),
            ),
            0..8,
        ),
    )
        .prop_map(|(kty, crv, ops, fields)| {
            let mut map = Map::new();
            if let Some(v) = kty {
                map.insert("kty".into(), v);
            }
            if let Some(v) = crv {
                map.insert("crv".into(), v);
            }
            if let Some(v) = ops {
                map.insert("key_ops".into(), v);
            }
            for (k, v) in fields {
                map.insert(k.into(), v);
            }
            Value::Object(map)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics_the_jwk_parser(text in any::<String>()) {
        let _ = serde_json::from_str::<JsonWebKey>(&text);
    }

    #[test]
    fn arbitrary_jwk_shaped_json_never_panics(value in jwk_json()) {
        let text = value.to_string();
        let Ok(jwk) = serde_json::from_str::<JsonWebKey>(&text) else {
            return Ok(());
        };
        // Debug never shows private parts, whatever they are.
        let debug = format!("{jwk:?}");
        if let Some(d) = jwk.d.as_ref().filter(|d| d.len() >= 8) {
            let shown = format!("{:?}", d.expose_secret());
            prop_assert!(!debug.contains(&shown[1..shown.len() - 1]));
        }
        match CryptographyClient::from_jwk(jwk.clone()) {
            Ok(client) => {
                for result in exercise(&client) {
                    if let Err(e) = result {
                        prop_assert!(typed(&e), "{:?}", e);
                    }
                }
            }
            Err(e) => prop_assert!(matches!(e, Error::InvalidArgument { .. }), "{:?}", e),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Generated valid keys, and corrupted ones
// ---------------------------------------------------------------------------------------------

fn p256_jwk(scalar: [u8; 32]) -> Option<JsonWebKey> {
    let secret = p256::SecretKey::from_slice(&scalar).ok()?;
    let point =
        p256::elliptic_curve::sec1::ToEncodedPoint::to_encoded_point(&secret.public_key(), false);
    Some(JsonWebKey {
        kty: Some(KeyType::Ec),
        crv: Some(alg("P-256")),
        x: Some(point.x()?.to_vec()),
        y: Some(point.y()?.to_vec()),
        d: Some(SecretBytes::new(scalar.to_vec())),
        ..Default::default()
    })
}

fn sign_verify(jwk: JsonWebKey, digest: &[u8]) -> Result<bool, Error> {
    let client = CryptographyClient::from_jwk(jwk)?;
    runtime().block_on(async {
        let signed = client.sign(alg("ES256"), digest, None).await?;
        let verified = client
            .verify(alg("ES256"), digest, &signed.signature, None)
            .await?;
        Ok(verified.is_valid)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn generated_ec_keys_are_accepted_and_corrupted_ones_rejected(
        scalar in any::<[u8; 32]>(),
        digest in any::<[u8; 32]>(),
        flip in 0usize..32,
        bit in 0u8..8,
        which in 0u8..3,
    ) {
        let Some(jwk) = p256_jwk(scalar) else { return Ok(()) };
        // Survives a JSON round trip, then works locally.
        let text = serde_json::to_string(&jwk).unwrap();
        let parsed: JsonWebKey = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(&parsed, &jwk);
        let verified = sign_verify(parsed.clone(), &digest);
        prop_assert!(matches!(verified, Ok(true)), "{:?}", verified);

        // One bit flipped in x, y or d: the public point leaves the curve or stops matching d.
        let mut corrupted = parsed;
        let mask = 1u8 << bit;
        match which {
            0 => corrupted.x.as_mut().unwrap()[flip] ^= mask,
            1 => corrupted.y.as_mut().unwrap()[flip] ^= mask,
            _ => {
                let mut d = corrupted.d.as_ref().unwrap().expose_secret().to_vec();
                d[flip] ^= mask;
                corrupted.d = Some(SecretBytes::new(d));
            }
        }
        match sign_verify(corrupted, &digest) {
            Err(e) => prop_assert!(typed(&e), "{:?}", e),
            Ok(valid) => prop_assert!(false, "a corrupted key signed (valid: {})", valid),
        }
    }

    #[test]
    fn generated_oct_keys_are_accepted_and_wrong_sizes_rejected(
        size in prop::sample::select(vec![16usize, 24, 32]),
        key in proptest::collection::vec(any::<u8>(), 32),
        plaintext in proptest::collection::vec(any::<u8>(), 1..64),
        bad_len in (1usize..64).prop_filter("not an AES size", |n| ![16, 24, 32].contains(n)),
    ) {
        let gcm = format!("A{}GCM", size * 8);
        let jwk = json!({"kty": "oct", "k": b64(&key[..size]), "key_ops": ["encrypt", "decrypt"]});
        let jwk: JsonWebKey = serde_json::from_value(jwk).unwrap();
        let client = CryptographyClient::from_jwk(jwk).unwrap();
        let decrypted = runtime().block_on(async {
            let enc = client.encrypt(alg(&gcm), &plaintext, None).await?;
            client
                .decrypt(
                    alg(&gcm),
                    &enc.ciphertext,
                    Some(DecryptOptions {
                        iv: enc.iv.clone(),
                        authentication_tag: enc.authentication_tag.clone(),
                        additional_authenticated_data: None,
                        ..Default::default()
                    }),
                )
                .await
        });
        let decrypted = decrypted.unwrap();
        prop_assert_eq!(decrypted.plaintext.expose_secret(), plaintext.as_slice());

        let wrong = json!({"kty": "oct", "k": b64(&vec![1u8; bad_len])});
        let wrong: JsonWebKey = serde_json::from_value(wrong).unwrap();
        let client = CryptographyClient::from_jwk(wrong).unwrap();
        let err = runtime()
            .block_on(client.encrypt(alg(&gcm), &plaintext, Some(EncryptOptions::default())))
            .unwrap_err();
        prop_assert!(typed(&err), "{:?}", err);
    }

    #[test]
    fn rsa_keys_work_and_corrupted_ones_are_rejected(
        plaintext in proptest::collection::vec(any::<u8>(), 1..100),
        flip in 0usize..256,
        bit in 0u8..8,
        field in prop::sample::select(vec!["n", "d", "p", "q"]),
    ) {
        let jwk = spec_rsa_jwk();
        let client = CryptographyClient::from_jwk(jwk.clone()).unwrap();
        let roundtrip = runtime().block_on(async {
            let enc = client.encrypt(alg("RSA-OAEP"), &plaintext, None).await?;
            client.decrypt(alg("RSA-OAEP"), &enc.ciphertext, None).await
        });
        let roundtrip = roundtrip.unwrap();
        prop_assert_eq!(roundtrip.plaintext.expose_secret(), plaintext.as_slice());
        let wrapped = runtime().block_on(client.wrap_key(KeyWrapAlgorithm::RsaOaep, &plaintext[..plaintext.len().min(32)], None));
        prop_assert!(wrapped.is_ok());

        // Flip one bit of a private part (or the modulus): the private key no longer holds
        // together, so decryption is refused with a typed error, never a panic.
        let mut corrupted = jwk.clone();
        let flip_in = |bytes: &mut Vec<u8>| {
            let i = flip % bytes.len();
            bytes[i] ^= 1 << bit;
        };
        match field {
            "n" => flip_in(corrupted.n.as_mut().unwrap()),
            other => {
                let slot = match other {
                    "d" => &mut corrupted.d,
                    "p" => &mut corrupted.p,
                    _ => &mut corrupted.q,
                };
                let mut bytes = slot.as_ref().unwrap().expose_secret().to_vec();
                flip_in(&mut bytes);
                *slot = Some(SecretBytes::new(bytes));
            }
        }
        let client = CryptographyClient::from_jwk(corrupted).unwrap();
        let result = runtime().block_on(async {
            let enc = client.encrypt(alg("RSA-OAEP"), &plaintext, None).await?;
            client.decrypt(alg("RSA-OAEP"), &enc.ciphertext, None).await
        });
        match result {
            Err(e) => prop_assert!(typed(&e), "{:?}", e),
            Ok(decrypted) => prop_assert!(
                false,
                "a corrupted {} decrypted ({} bytes)", field, decrypted.plaintext.len()
            ),
        }
    }
}

#[test]
fn a_jwk_without_kty_or_with_bad_base64_is_a_typed_error() {
    let err = CryptographyClient::from_jwk(JsonWebKey::default()).unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidArgument {
            argument: "jwk",
            ..
        }
    ));
    let bad = serde_json::from_value::<JsonWebKey>(json!({"kty": "oct", "k": "not base64!"}));
    assert!(bad.is_err());
    let _unused: EncryptionAlgorithm = alg("A128GCM");
}
