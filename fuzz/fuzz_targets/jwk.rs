//! JSON Web Key parsing and validation: any bytes given to the `JsonWebKey` deserializer, then
//! to `CryptographyClient::from_jwk`, then to every local operation, never panic; failures are
//! typed (`InvalidArgument` or `Cryptography`). `Debug` never shows the private exponent.
#![no_main]

use keyvault_keys::{CryptographyClient, DecryptOptions, Error, JsonWebKey};
use libfuzzer_sys::fuzz_target;
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
    serde_json::from_value(serde_json::Value::from(name)).unwrap()
}

fn check(result: Result<(), Error>) {
    if let Err(e) = result {
        assert!(
            matches!(
                e,
                Error::Cryptography { .. } | Error::InvalidArgument { .. }
            ),
            "{e:?}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(jwk) = serde_json::from_slice::<JsonWebKey>(data) else {
        return;
    };
    let _ = format!("{jwk:?}");
    let Ok(client) = CryptographyClient::from_jwk(jwk) else {
        return;
    };
    runtime().block_on(async {
        let digest = [7u8; 32];
        for name in ["ES256", "ES256K", "ES384", "ES512", "RS256", "PS256"] {
            check(client.sign(alg(name), &digest, None).await.map(drop));
            check(
                client
                    .verify(alg(name), &digest, &[1; 64], None)
                    .await
                    .map(drop),
            );
        }
        for name in ["RSA-OAEP", "RSA1_5", "A128GCM", "A256CBCPAD"] {
            check(client.encrypt(alg(name), b"data", None).await.map(drop));
            let options = DecryptOptions {
                iv: Some(vec![0; 16]),
                authentication_tag: Some(vec![0; 16]),
                ..Default::default()
            };
            check(
                client
                    .decrypt(alg(name), &[3; 32], Some(options))
                    .await
                    .map(drop),
            );
        }
        for name in ["A128KW", "A256KW", "RSA-OAEP-256"] {
            check(client.wrap_key(alg(name), &[9; 32], None).await.map(drop));
            check(client.unwrap_key(alg(name), &[9; 40], None).await.map(drop));
        }
    });
});
