//! Without the `local-crypto` feature (`--no-default-features`): every cryptographic
//! operation is sent to the service, and a client of a JSON Web Key alone can do nothing.
#![cfg(not(feature = "local-crypto"))]

use keyvault_emulator::{Emulator, EmulatorOptions};
use keyvault_keys::{
    CryptographyClient, EncryptionAlgorithm, Error, ExposeSecret, JsonWebKey, KeyClient,
    KeyClientOptions, KeyType, SecretBytes, SignatureAlgorithm,
};

#[tokio::test]
async fn every_operation_goes_to_the_service() {
    let emulator = Emulator::start(EmulatorOptions::default()).await.unwrap();
    let keys = KeyClient::new(
        &emulator.vault_url("remote"),
        emulator.credential(),
        Some(KeyClientOptions {
            client_options: emulator.client_options(),
            ..Default::default()
        }),
    )
    .unwrap();
    keys.create_rsa_key("rsa", None).await.unwrap();
    let crypto = keys.get_cryptography_client("rsa", None).unwrap();
    emulator.control().clear_requests();
    let encrypted = crypto
        .encrypt(EncryptionAlgorithm::RsaOaep256, b"remote", None)
        .await
        .unwrap();
    let decrypted = crypto
        .decrypt(EncryptionAlgorithm::RsaOaep256, &encrypted.ciphertext, None)
        .await
        .unwrap();
    assert_eq!(decrypted.plaintext.expose_secret(), b"remote");
    let signed = crypto
        .sign(SignatureAlgorithm::Ps256, &[7; 32], None)
        .await
        .unwrap();
    let verified = crypto
        .verify(SignatureAlgorithm::Ps256, &[7; 32], &signed.signature, None)
        .await
        .unwrap();
    assert!(verified.is_valid);
    let posts: Vec<_> = emulator
        .control()
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.path.rsplit('/').next().unwrap().to_string())
        .collect();
    assert_eq!(posts, ["encrypt", "decrypt", "sign", "verify"]);

    let local = CryptographyClient::from_jwk(JsonWebKey {
        kty: Some(KeyType::Oct),
        k: Some(SecretBytes::new(vec![1; 32])),
        ..Default::default()
    })
    .unwrap();
    let err = local
        .encrypt(EncryptionAlgorithm::A256Gcm, b"x", None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Cryptography { .. }), "{err}");
    assert!(err.to_string().contains("local-crypto"), "{err}");
}
