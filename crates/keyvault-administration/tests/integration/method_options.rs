//! Per-call options: the `Context` a caller puts in `method_options` reaches every request of
//! the call (each page of a list, the start and each poll of a long-running operation), where
//! the caller's own per-call policy can read it. Against the emulator's Managed HSM over HTTPS.

use crate::administration::{emulator, options, FAST};
use futures::TryStreamExt;
use keyvault_administration::{
    AdministrationClientOptions, ApiVersion, BeginBackupOptions, GetSettingOptions,
    KeyVaultAccessControlClient, KeyVaultBackupClient, KeyVaultRoleScope, KeyVaultSettingsClient,
    ListRoleDefinitionsOptions, StorageAuthentication,
};
use keyvault_testkit::context::{tagged, TagRecorder};

#[tokio::test]
async fn the_callers_context_reaches_every_request_of_the_call() {
    let emulator = emulator().await;
    let recorder = TagRecorder::new();
    let mut client_options: AdministrationClientOptions = options(&emulator, ApiVersion::default());
    client_options
        .client_options
        .per_call_policies
        .push(recorder.clone());
    let hsm = emulator.managed_hsm_url("context");
    let credential = emulator.credential();
    let rbac =
        KeyVaultAccessControlClient::new(&hsm, credential.clone(), Some(client_options.clone()))
            .unwrap();
    let backups =
        KeyVaultBackupClient::new(&hsm, credential.clone(), Some(client_options.clone())).unwrap();
    let settings = KeyVaultSettingsClient::new(&hsm, credential, Some(client_options)).unwrap();

    let definitions: Vec<_> = rbac
        .list_role_definitions(
            &KeyVaultRoleScope::Global,
            Some(ListRoleDefinitionsOptions {
                method_options: tagged("list"),
                ..Default::default()
            }),
        )
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert!(!definitions.is_empty(), "{definitions:?}");
    backups
        .begin_backup(
            "https://account.blob.core.windows.net/backups",
            &StorageAuthentication::sas_token("sv=2024-01-01&sig=not-checked"),
            Some(BeginBackupOptions {
                polling_interval: FAST,
                method_options: tagged("backup"),
                ..Default::default()
            }),
        )
        .await
        .unwrap()
        .await
        .unwrap();
    let setting = "AllowKeyManagementOperationsThroughARM";
    settings
        .get_setting(
            setting,
            Some(GetSettingOptions {
                method_options: tagged("get"),
            }),
        )
        .await
        .unwrap();
    settings.get_setting(setting, None).await.unwrap();

    let seen = recorder.paths();
    let tags_of = |tag: &str| seen.iter().filter(|(_, t)| *t == Some(tag)).count();
    // Every page's request is tagged (the built-in roles fit in one).
    assert!(tags_of("list") >= 1, "{seen:?}");
    assert!(
        seen.iter()
            .filter(|(path, _)| path.ends_with("/roleDefinitions"))
            .all(|(_, t)| *t == Some("list")),
        "{seen:?}"
    );
    // The POST that starts the backup and at least one poll of its status.
    assert!(
        seen.iter()
            .any(|(path, t)| path == "/backup" && *t == Some("backup")),
        "{seen:?}"
    );
    assert!(
        seen.iter()
            .any(|(path, t)| path.starts_with("/backup/") && *t == Some("backup")),
        "{seen:?}"
    );
    assert_eq!(tags_of("get"), 1, "{seen:?}");
    // A call without options carries no tag.
    let settings_requests: Vec<_> = seen
        .iter()
        .filter(|(path, _)| path.starts_with("/settings/"))
        .map(|(_, t)| *t)
        .collect();
    assert_eq!(settings_requests, [Some("get"), None], "{seen:?}");
}
