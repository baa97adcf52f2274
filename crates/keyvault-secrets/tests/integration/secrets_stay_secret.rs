//! No secret value, backup, access token or client secret reaches `Debug` output, an error
//! message or the `tracing` log at trace level, over a full secret lifecycle.

use azure_core::credentials::TokenCredential;
use futures::TryStreamExt;
use keyvault_emulator::{Emulator, EmulatorOptions};
use keyvault_secrets::ExposeSecret;
use keyvault_secrets::{BeginDeleteSecretOptions, SecretClient, SecretClientOptions};
use std::time::Duration;

const VALUE: &str = "Sup3r-S3cret-Value-7f1e";

#[tokio::test]
async fn nothing_secret_is_printed_or_logged() {
    let captured = keyvault_testkit::logs::TraceLog::install();

    let emulator = Emulator::start(EmulatorOptions::default()).await.unwrap();
    let credential = emulator.credential();
    let client = SecretClient::new(
        &emulator.vault_url("quiet"),
        credential.clone(),
        Some(SecretClientOptions {
            client_options: emulator.client_options(),
            ..Default::default()
        }),
    )
    .unwrap();
    let fast = || {
        Some(BeginDeleteSecretOptions {
            polling_interval: Some(Duration::from_millis(20)),
            ..Default::default()
        })
    };

    let mut printed = Vec::new();
    let set = client.set_secret("quiet", VALUE, None).await.unwrap();
    printed.push(format!("{set:?}"));
    let got = client.get_secret("quiet", None).await.unwrap();
    assert_eq!(got.value.expose_secret(), VALUE);
    printed.push(format!("{got:?} {}", got.value));
    let listed: Vec<_> = client
        .list_properties_of_secrets(None)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    printed.push(format!("{listed:?}"));
    let backup = client.backup_secret("quiet", None).await.unwrap();
    printed.push(format!("{backup:?}"));
    let deleted = client
        .begin_delete_secret("quiet", fast())
        .await
        .unwrap()
        .await
        .unwrap();
    printed.push(format!("{deleted:?}"));
    printed.push(format!(
        "{:?}",
        client.get_deleted_secret("quiet", None).await.unwrap()
    ));
    let conflict = client.set_secret("quiet", VALUE, None).await.unwrap_err();
    printed.push(format!("{conflict} {conflict:?}"));
    client.purge_deleted_secret("quiet", None).await.unwrap();
    let restored = client
        .restore_secret_backup(backup.expose_secret(), None)
        .await
        .unwrap();
    printed.push(format!("{restored:?}"));
    let bad = client
        .set_secret("bad name", VALUE, None)
        .await
        .unwrap_err();
    printed.push(format!("{bad} {bad:?}"));
    printed.push(format!("{client:?} {credential:?}"));

    let token = credential
        .get_token(&["https://vault.azure.net/.default"], None)
        .await
        .unwrap()
        .token
        .secret()
        .to_string();
    let backup_text = keyvault_core::serde::base64url::encode(backup.expose_secret());
    let log = captured.text();
    assert!(
        log.contains("==> Request"),
        "the pipeline did log at trace level:\n{log}"
    );

    let secrets = [
        ("secret value", VALUE.to_string()),
        ("backup blob", backup_text[..40].to_string()),
        ("access token", token.clone()),
        (
            "token signature",
            token.rsplit('.').next().unwrap().to_string(),
        ),
        ("client secret", emulator.client_secret().to_string()),
    ];
    for (what, secret) in &secrets {
        assert!(!log.contains(secret.as_str()), "the {what} reached the log");
        for text in &printed {
            assert!(
                !text.contains(secret.as_str()),
                "the {what} reached Debug or Display output: {text}"
            );
        }
    }
}
