//! The secrets ARM sub-resource against the emulator, which backs it with the data plane of the
//! same vault.

use crate::common::with_vault;
use futures::TryStreamExt;
use keyvault_core::ExposeSecret;
use keyvault_emulator::Emulator;
use mgmt_keyvault::{
    Error, KeyVaultManagementClient, SecretAttributes, SecretParameters, SecretProperties,
};
use std::collections::HashMap;
use time::OffsetDateTime;

const SUBSCRIPTION: &str = "00000000-0000-0000-0000-000000000004";
const RG: &str = "secrets-rg";

async fn setup(vault: &str) -> (Emulator, KeyVaultManagementClient) {
    with_vault(SUBSCRIPTION, RG, vault).await
}

fn value(v: &str) -> SecretParameters {
    SecretParameters {
        tags: None,
        properties: SecretProperties {
            value: Some(v.into()),
            ..Default::default()
        },
    }
}

fn data_plane(emulator: &Emulator, uri: &str) -> keyvault_secrets::SecretClient {
    let options = keyvault_secrets::SecretClientOptions {
        client_options: emulator.client_options(),
        ..Default::default()
    };
    keyvault_secrets::SecretClient::new(uri, emulator.credential(), Some(options)).unwrap()
}

#[tokio::test]
async fn secrets_set_through_arm_are_read_on_the_data_plane() {
    let (emulator, client) = setup("arm-secrets").await;
    let created = client
        .create_or_update_secret(RG, "arm-secrets", "db-password", value("hunter2"), None)
        .await
        .unwrap();
    assert_eq!(created.name, "db-password");
    assert_eq!(created.resource_type, "Microsoft.KeyVault/vaults/secrets");
    assert!(created
        .id
        .ends_with("/vaults/arm-secrets/secrets/db-password"));
    assert!(
        created.properties.value.is_none(),
        "ARM never returns a value"
    );
    let attributes = created.properties.attributes.clone().unwrap();
    assert_eq!(attributes.enabled, Some(true));
    assert!(attributes.created.is_some());
    let uri = created.properties.secret_uri.clone().unwrap();
    assert_eq!(
        uri,
        format!("{}/secrets/db-password", emulator.vault_url("arm-secrets"))
    );

    let vault_uri = emulator.vault_url("arm-secrets");
    let secrets = data_plane(&emulator, &vault_uri);
    let read = secrets.get_secret("db-password", None).await.unwrap();
    assert_eq!(read.value.expose_secret(), "hunter2");
    assert_eq!(
        read.id(),
        created
            .properties
            .secret_uri_with_version
            .as_deref()
            .unwrap()
    );

    // PATCH without a value changes attributes in place; with one, makes a new version.
    let exp = OffsetDateTime::from_unix_timestamp(4_102_444_800).unwrap();
    let patch = SecretParameters {
        tags: Some(HashMap::from([("env".to_string(), "prod".to_string())])),
        properties: SecretProperties {
            content_type: Some("text/plain".into()),
            attributes: Some(SecretAttributes {
                exp: Some(exp),
                ..Default::default()
            }),
            ..Default::default()
        },
    };
    let patched = client
        .update_secret(RG, "arm-secrets", "db-password", patch, None)
        .await
        .unwrap();
    assert_eq!(patched.tags["env"], "prod");
    assert_eq!(
        patched.properties.content_type.as_deref(),
        Some("text/plain")
    );
    assert_eq!(patched.properties.attributes.unwrap().exp, Some(exp));
    assert_eq!(
        patched.properties.secret_uri_with_version,
        created.properties.secret_uri_with_version
    );
    let new_value = client
        .update_secret(RG, "arm-secrets", "db-password", value("s3cret"), None)
        .await
        .unwrap();
    assert_ne!(
        new_value.properties.secret_uri_with_version,
        created.properties.secret_uri_with_version
    );
    assert_eq!(
        new_value.properties.content_type.as_deref(),
        Some("text/plain")
    );
    assert_eq!(
        secrets
            .get_secret("db-password", None)
            .await
            .unwrap()
            .value
            .expose_secret(),
        "s3cret"
    );

    // A secret set on the data plane is listed by ARM.
    secrets
        .set_secret("from-data-plane", "v", None)
        .await
        .unwrap();
    let names: Vec<String> = client
        .list_secrets(RG, "arm-secrets", None)
        .unwrap()
        .map_ok(|s| s.name)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names, ["db-password", "from-data-plane"]);
    let got = client
        .get_secret(RG, "arm-secrets", "from-data-plane", None)
        .await
        .unwrap();
    assert!(got.properties.value.is_none());
    emulator.shutdown().await;
}

#[tokio::test]
async fn secret_errors() {
    let (emulator, client) = setup("arm-secret-errors").await;
    let err = client
        .get_secret(RG, "arm-secret-errors", "missing", None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Service { status: 404, .. }), "{err}");
    let err = client
        .update_secret(RG, "arm-secret-errors", "missing", value("x"), None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Service { status: 404, .. }), "{err}");
    let err = client
        .create_or_update_secret(RG, "no-such-vault", "s", value("x"), None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Service { status: 404, ref code, .. } if code.as_deref() == Some("ResourceNotFound")),
        "{err}"
    );
    let before = emulator.control().requests().len();
    let err = client
        .create_or_update_secret(RG, "arm-secret-errors", "bad_name", value("x"), None)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidArgument {
                argument: "secret_name",
                ..
            }
        ),
        "{err}"
    );
    let err = client
        .create_or_update_secret(
            RG,
            "arm-secret-errors",
            "s",
            SecretParameters::default(),
            None,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidArgument {
                argument: "properties.value",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(
        emulator.control().requests().len(),
        before,
        "nothing was sent"
    );
    emulator.shutdown().await;
}
