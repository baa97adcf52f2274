//! The keys ARM sub-resource against the emulator, which answers it with the data-plane keys of
//! the same vault.

use crate::common::{fast, with_vault};
use futures::TryStreamExt;
use keyvault_emulator::Emulator;
use mgmt_keyvault::{
    Action, Error, JsonWebKeyCurveName, JsonWebKeyOperation, JsonWebKeyType, KeyAttributes,
    KeyCreateParameters, KeyProperties, KeyRotationPolicyActionType, KeyVaultManagementClient,
    LifetimeAction, RotationPolicy, Trigger,
};
use std::collections::HashMap;

const SUBSCRIPTION: &str = "00000000-0000-0000-0000-000000000005";
const RG: &str = "keys-rg";

async fn setup(vault: &str) -> (Emulator, KeyVaultManagementClient) {
    with_vault(SUBSCRIPTION, RG, vault).await
}

fn rsa() -> KeyCreateParameters {
    KeyCreateParameters {
        tags: Some(HashMap::from([("purpose".to_string(), "test".to_string())])),
        properties: KeyProperties {
            kty: Some(JsonWebKeyType::Rsa),
            key_size: Some(3072),
            key_ops: Some(vec![JsonWebKeyOperation::Sign, JsonWebKeyOperation::Verify]),
            ..Default::default()
        },
    }
}

#[tokio::test]
async fn keys_are_created_once_and_read_through_arm_and_the_data_plane() {
    let (emulator, client) = setup("arm-keys").await;
    let key = client
        .create_key_if_not_exist(RG, "arm-keys", "signing", rsa(), None)
        .await
        .unwrap();
    assert_eq!(key.name, "signing");
    assert_eq!(key.resource_type, "Microsoft.KeyVault/vaults/keys");
    assert!(key.id.ends_with("/vaults/arm-keys/keys/signing"));
    assert_eq!(key.tags["purpose"], "test");
    let p = &key.properties;
    assert_eq!(p.kty, Some(JsonWebKeyType::Rsa));
    assert_eq!(p.key_size, Some(3072));
    assert_eq!(
        p.key_ops.as_deref().unwrap(),
        [JsonWebKeyOperation::Sign, JsonWebKeyOperation::Verify]
    );
    assert_eq!(
        p.key_uri.as_deref().unwrap(),
        format!("{}/keys/signing", emulator.vault_url("arm-keys"))
    );
    let attributes = p.attributes.clone().unwrap();
    assert_eq!(attributes.enabled, Some(true));
    assert!(attributes.created.is_some() && attributes.recovery_level.is_some());
    let version_uri = p.key_uri_with_version.clone().unwrap();

    // If it exists, it is returned unchanged.
    let mut other = rsa();
    other.properties.key_size = Some(2048);
    let again = client
        .create_key_if_not_exist(RG, "arm-keys", "signing", other, None)
        .await
        .unwrap();
    assert_eq!(
        again.properties.key_uri_with_version.as_deref(),
        Some(version_uri.as_str())
    );
    assert_eq!(again.properties.key_size, Some(3072));

    let got = client
        .get_key(RG, "arm-keys", "signing", None)
        .await
        .unwrap();
    assert_eq!(got, again);
    let version = version_uri.rsplit('/').next().unwrap();
    let by_version = client
        .get_key_version(RG, "arm-keys", "signing", version, None)
        .await
        .unwrap();
    assert_eq!(
        by_version.resource_type,
        "Microsoft.KeyVault/vaults/keys/versions"
    );
    assert_eq!(by_version.name, version);

    // A version made on the data plane is listed by ARM.
    let options = keyvault_keys::KeyClientOptions {
        client_options: emulator.client_options(),
        ..Default::default()
    };
    let data = keyvault_keys::KeyClient::new(
        &emulator.vault_url("arm-keys"),
        emulator.credential(),
        Some(options),
    )
    .unwrap();
    data.rotate_key("signing", None).await.unwrap();
    let versions: Vec<String> = client
        .list_key_versions(RG, "arm-keys", "signing", None)
        .unwrap()
        .map_ok(|k| k.name)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(versions.len(), 2);
    assert!(versions.contains(&version.to_string()));

    let ec = KeyCreateParameters {
        tags: None,
        properties: KeyProperties {
            kty: Some(JsonWebKeyType::Ec),
            curve_name: Some(JsonWebKeyCurveName::P384),
            attributes: Some(KeyAttributes {
                enabled: Some(false),
                ..Default::default()
            }),
            rotation_policy: Some(RotationPolicy {
                attributes: None,
                lifetime_actions: Some(vec![LifetimeAction {
                    trigger: Some(Trigger {
                        time_after_create: Some("P90D".into()),
                        time_before_expiry: None,
                    }),
                    action: Some(Action {
                        action_type: Some(KeyRotationPolicyActionType::Rotate),
                    }),
                }]),
            }),
            ..Default::default()
        },
    };
    let ec = client
        .create_key_if_not_exist(RG, "arm-keys", "ec-key", ec, None)
        .await
        .unwrap();
    assert_eq!(ec.properties.curve_name, Some(JsonWebKeyCurveName::P384));
    assert_eq!(ec.properties.attributes.unwrap().enabled, Some(false));
    let policy = data.get_key_rotation_policy("ec-key", None).await.unwrap();
    assert_eq!(policy.lifetime_actions.len(), 1);

    let names: Vec<String> = client
        .list_keys(RG, "arm-keys", None)
        .unwrap()
        .map_ok(|k| k.name)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names, ["ec-key", "signing"]);
    emulator.shutdown().await;
}

#[tokio::test]
async fn key_errors() {
    let (emulator, client) = setup("arm-key-errors").await;
    let err = client
        .get_key(RG, "arm-key-errors", "missing", None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Service { status: 404, .. }), "{err}");
    let err = client
        .create_key_if_not_exist(RG, "no-such-vault", "k", rsa(), None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Service { status: 404, ref code, .. } if code.as_deref() == Some("ResourceNotFound")),
        "{err}"
    );
    let mut bad_size = rsa();
    bad_size.properties.key_size = Some(1000);
    let err = client
        .create_key_if_not_exist(RG, "arm-key-errors", "k", bad_size, None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Service { status: 400, .. }), "{err}");
    let before = emulator.control().requests().len();
    let err = client
        .create_key_if_not_exist(
            RG,
            "arm-key-errors",
            "k",
            KeyCreateParameters::default(),
            None,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidArgument {
                argument: "properties.kty",
                ..
            }
        ),
        "{err}"
    );
    let err = client
        .get_key_version(RG, "arm-key-errors", "k", "../x", None)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidArgument {
                argument: "key_version",
                ..
            }
        ),
        "{err}"
    );
    assert!(client
        .list_key_versions(RG, "arm-key-errors", "bad_name", None)
        .is_err());
    assert_eq!(
        emulator.control().requests().len(),
        before,
        "nothing was sent"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn managed_hsm_pools_have_keys_too() {
    let (emulator, client) = setup("unused-vault").await;
    let pool = mgmt_keyvault::ManagedHsmCreateOrUpdateParameters {
        location: "westus".into(),
        sku: mgmt_keyvault::ManagedHsmSku::standard_b1(),
        tags: None,
        properties: mgmt_keyvault::ManagedHsmProperties {
            tenant_id: Some(emulator.tenant_id().to_string()),
            initial_admin_object_ids: Some(vec!["admin".into()]),
            ..Default::default()
        },
        identity: None,
    };
    client
        .create_or_update_managed_hsm(RG, "arm-pool", pool, fast())
        .await
        .unwrap()
        .await
        .unwrap();
    let mut params = rsa();
    params.properties.kty = Some(JsonWebKeyType::RsaHsm);
    let key = client
        .create_managed_hsm_key_if_not_exist(RG, "arm-pool", "hsm-key", params, None)
        .await
        .unwrap();
    assert_eq!(key.resource_type, "Microsoft.KeyVault/managedHSMs/keys");
    assert!(key.id.ends_with("/managedHSMs/arm-pool/keys/hsm-key"));
    assert_eq!(key.properties.kty, Some(JsonWebKeyType::RsaHsm));
    let uri = key.properties.key_uri_with_version.clone().unwrap();
    assert!(
        uri.starts_with(&emulator.managed_hsm_url("arm-pool")),
        "{uri}"
    );
    let got = client
        .get_managed_hsm_key(RG, "arm-pool", "hsm-key", None)
        .await
        .unwrap();
    assert_eq!(got, key);
    let version = uri.rsplit('/').next().unwrap();
    let v = client
        .get_managed_hsm_key_version(RG, "arm-pool", "hsm-key", version, None)
        .await
        .unwrap();
    assert_eq!(
        v.resource_type,
        "Microsoft.KeyVault/managedHSMs/keys/versions"
    );
    let keys: Vec<String> = client
        .list_managed_hsm_keys(RG, "arm-pool", None)
        .unwrap()
        .map_ok(|k| k.name)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(keys, ["hsm-key"]);
    let versions: Vec<String> = client
        .list_managed_hsm_key_versions(RG, "arm-pool", "hsm-key", None)
        .unwrap()
        .map_ok(|k| k.name)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(versions, [version]);
    // The vault and the pool are distinct: the vault has no such key.
    assert!(client
        .get_key(RG, "unused-vault", "hsm-key", None)
        .await
        .is_err());
    let err = client
        .get_managed_hsm_key(RG, "no-such-pool", "hsm-key", None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Service { status: 404, .. }), "{err}");
    emulator.shutdown().await;
}
