//! Every administration client operation against the emulator's Managed HSM flavour, over
//! HTTPS, authenticated by a real `azure_identity::ClientSecretCredential` against the
//! emulator's token endpoint.

use azure_core::credentials::TokenCredential;
use futures::TryStreamExt;
use keyvault_administration::{
    AdministrationClientOptions, ApiVersion, BeginBackupOptions, BeginPreBackupOptions,
    BeginPreRestoreOptions, BeginRestoreOptions, CreateRoleAssignmentOptions, Error,
    KeyVaultAccessControlClient, KeyVaultBackupClient, KeyVaultDataAction, KeyVaultEkmClient,
    KeyVaultEkmConnection, KeyVaultEkmConnectionUpdate, KeyVaultPermission, KeyVaultRoleScope,
    KeyVaultRoleType, KeyVaultSetting, KeyVaultSettingsClient, ListRoleAssignmentsOptions,
    ListRoleDefinitionsOptions, PollerStatus, SetRoleDefinitionOptions, StorageAuthentication,
};
use keyvault_emulator::Emulator;
use serde_json::{json, Value};
use std::time::Duration;

const CRYPTO_USER: &str = "21dbd100-6940-42c2-9190-5d6cb909625b";
const ADMINISTRATOR: &str = "a290e904-7015-4bba-90c8-60543313cdb4";
const CONTAINER: &str = "https://account.blob.core.windows.net/backups";
const SETTING: &str = "AllowKeyManagementOperationsThroughARM";

pub(crate) use keyvault_testkit::emulator::emulator;

keyvault_testkit::client_options!(pub(crate) AdministrationClientOptions, ApiVersion);

fn rbac(emulator: &Emulator, hsm: &str) -> KeyVaultAccessControlClient {
    KeyVaultAccessControlClient::new(
        &emulator.managed_hsm_url(hsm),
        emulator.credential(),
        Some(options(emulator, ApiVersion::default())),
    )
    .unwrap()
}

fn backups(emulator: &Emulator, hsm: &str, api_version: ApiVersion) -> KeyVaultBackupClient {
    KeyVaultBackupClient::new(
        &emulator.managed_hsm_url(hsm),
        emulator.credential(),
        Some(options(emulator, api_version)),
    )
    .unwrap()
}

fn settings(emulator: &Emulator, hsm: &str, api_version: ApiVersion) -> KeyVaultSettingsClient {
    KeyVaultSettingsClient::new(
        &emulator.managed_hsm_url(hsm),
        emulator.credential(),
        Some(options(emulator, api_version)),
    )
    .unwrap()
}

fn ekm(emulator: &Emulator, hsm: &str, api_version: ApiVersion) -> KeyVaultEkmClient {
    KeyVaultEkmClient::new(
        &emulator.managed_hsm_url(hsm),
        emulator.credential(),
        Some(options(emulator, api_version)),
    )
    .unwrap()
}

/// Standard base64, as the EKM operations carry certificates.
fn base64(bytes: &[u8]) -> String {
    keyvault_core::serde::base64::encode(bytes)
}

fn sas() -> StorageAuthentication {
    StorageAuthentication::sas_token("?sv=2024-01-01&sig=not-checked")
}

/// The polling interval of the tests' pollers.
pub(crate) const FAST: Option<Duration> = Some(Duration::from_millis(20));

pub(crate) fn invalid_argument(err: &Error, name: &str) -> bool {
    matches!(err, Error::InvalidArgument { argument, .. } if *argument == name)
}

/// Raw JSON calls to the HSM's keys API (the administration crate has no key client).
struct Keys<'a> {
    emulator: &'a Emulator,
    hsm: &'a str,
    token: String,
}

impl<'a> Keys<'a> {
    async fn new(emulator: &'a Emulator, hsm: &'a str) -> Keys<'a> {
        let token = emulator
            .credential()
            .get_token(&["https://managedhsm.azure.net/.default"], None)
            .await
            .unwrap();
        Keys {
            emulator,
            hsm,
            token: token.token.secret().to_string(),
        }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let url = format!(
            "{}{path}?api-version=2026-04-01",
            self.emulator.managed_hsm_url(self.hsm)
        );
        let mut request = self
            .emulator
            .http_client()
            .request(method, url)
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Creates an EC key and returns its version.
    async fn create(&self, name: &str) -> String {
        let (status, body) = self
            .call(
                reqwest::Method::POST,
                &format!("/keys/{name}/create"),
                Some(json!({"kty": "EC-HSM", "crv": "P-256"})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body["key"]["kid"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string()
    }

    /// The latest version of a key, or `None` when it does not exist.
    async fn version(&self, name: &str) -> Option<String> {
        let (status, body) = self
            .call(reqwest::Method::GET, &format!("/keys/{name}"), None)
            .await;
        (status == 200).then(|| {
            body["key"]["kid"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string()
        })
    }

    /// Deletes and purges a key.
    async fn destroy(&self, name: &str) {
        let (status, body) = self
            .call(reqwest::Method::DELETE, &format!("/keys/{name}"), None)
            .await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = self
            .call(
                reqwest::Method::DELETE,
                &format!("/deletedkeys/{name}"),
                None,
            )
            .await;
        assert_eq!(status, 204, "{body}");
    }
}

#[tokio::test]
async fn built_in_role_definitions_list_get_and_page() {
    let emulator = emulator().await;
    let client = rbac(&emulator, "roles");
    assert_eq!(client.vault_url(), emulator.managed_hsm_url("roles"));
    let all: Vec<_> = client
        .list_role_definitions(&KeyVaultRoleScope::Global, None)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert!(all.len() >= 9, "{}", all.len());
    let user = all.iter().find(|d| d.name == CRYPTO_USER).unwrap();
    assert_eq!(user.role_name, "Managed HSM Crypto User");
    assert_eq!(user.role_type, KeyVaultRoleType::BuiltInRole);
    assert_eq!(
        user.id,
        format!(
            "Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/{CRYPTO_USER}"
        )
    );
    assert!(user.permissions[0]
        .data_actions
        .contains(&KeyVaultDataAction::SignHsmKey));
    assert_eq!(user.assignable_scopes, [KeyVaultRoleScope::Global]);

    let admin = client
        .get_role_definition(&KeyVaultRoleScope::Global, ADMINISTRATOR, None)
        .await
        .unwrap();
    assert_eq!(admin.role_name, "Managed HSM Administrator");

    // The service's `$filter`, as Python forwards `filter=`.
    let named: Vec<_> = client
        .list_role_definitions(
            &KeyVaultRoleScope::Global,
            Some(ListRoleDefinitionsOptions {
                filter: Some("roleName eq 'Managed HSM Administrator'".into()),
                ..Default::default()
            }),
        )
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(named.len(), 1, "{named:?}");
    assert_eq!(named[0].role_name, "Managed HSM Administrator");
    assert!(all.len() > 1);
}

#[tokio::test]
async fn custom_role_definition_lifecycle() {
    let emulator = emulator().await;
    let client = rbac(&emulator, "custom");
    let scope = KeyVaultRoleScope::Global;
    let permissions = vec![KeyVaultPermission {
        data_actions: vec![
            KeyVaultDataAction::SignHsmKey,
            KeyVaultDataAction::ReadHsmKey,
        ],
        not_data_actions: vec![KeyVaultDataAction::ExportHsmKey],
        ..Default::default()
    }];
    let created = client
        .set_role_definition(
            &scope,
            Some(SetRoleDefinitionOptions {
                role_name: Some("Signer".into()),
                description: Some("signs".into()),
                permissions: Some(permissions.clone()),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(created.role_type, KeyVaultRoleType::CustomRole);
    assert_eq!(created.role_name, "Signer");
    assert_eq!(created.permissions, permissions);
    assert_eq!(created.assignable_scopes, [KeyVaultRoleScope::Global]);

    // Update: only the description changes.
    let updated = client
        .set_role_definition(
            &scope,
            Some(SetRoleDefinitionOptions {
                name: Some(created.name.clone()),
                description: Some("signs things".into()),
                assignable_scopes: Some(vec![KeyVaultRoleScope::Keys]),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(updated.name, created.name);
    assert_eq!(updated.role_name, "Signer");
    assert_eq!(updated.description, "signs things");
    assert_eq!(updated.permissions, permissions);
    assert_eq!(updated.assignable_scopes, [KeyVaultRoleScope::Keys]);
    let got = client
        .get_role_definition(&scope, &created.name, None)
        .await
        .unwrap();
    assert_eq!(got, updated);

    // Assignable at /keys only.
    let err = client
        .create_role_assignment(&scope, &created.id, "principal-1", None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("BadParameter"), "{err}");
    let assignment = client
        .create_role_assignment(&KeyVaultRoleScope::Keys, &created.id, "principal-1", None)
        .await
        .unwrap();

    // A role in use cannot be deleted.
    let err = client
        .delete_role_definition(&scope, &created.name, None)
        .await
        .unwrap_err();
    assert!(err.is_conflict(), "{err}");
    client
        .delete_role_assignment(&KeyVaultRoleScope::Keys, &assignment.name, None)
        .await
        .unwrap();
    client
        .delete_role_definition(&scope, &created.name, None)
        .await
        .unwrap();
    let err = client
        .get_role_definition(&scope, &created.name, None)
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    // Deleting again is not an error.
    client
        .delete_role_definition(&scope, &created.name, None)
        .await
        .unwrap();

    // Built-in roles cannot be overwritten or deleted.
    let err = client
        .set_role_definition(
            &scope,
            Some(SetRoleDefinitionOptions {
                name: Some(ADMINISTRATOR.into()),
                role_name: Some("Mine".into()),
                ..Default::default()
            }),
        )
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert!(err.to_string().contains("built-in role"), "{err}");
    let err = client
        .delete_role_definition(&scope, ADMINISTRATOR, None)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
}

#[tokio::test]
async fn role_assignment_lifecycle() {
    let emulator = emulator().await;
    let client = rbac(&emulator, "assign");
    let user = client
        .get_role_definition(&KeyVaultRoleScope::Global, CRYPTO_USER, None)
        .await
        .unwrap();
    let name = "00000000-0000-0000-0000-0000000000a1";
    let key_scope = KeyVaultRoleScope::key("my-key").unwrap();
    let created = client
        .create_role_assignment(
            &key_scope,
            &user.id,
            "principal-2",
            Some(CreateRoleAssignmentOptions {
                name: Some(name.into()),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(created.name, name);
    assert_eq!(created.properties.scope, key_scope);
    assert_eq!(created.properties.principal_id, "principal-2");
    assert_eq!(created.properties.role_definition_id, user.id);
    assert_eq!(
        created.role_assignment_id,
        format!("/keys/my-key/providers/Microsoft.Authorization/roleAssignments/{name}")
    );
    let got = client
        .get_role_assignment(&key_scope, name, None)
        .await
        .unwrap();
    assert_eq!(got, created);
    // The same name again is a conflict.
    let err = client
        .create_role_assignment(
            &key_scope,
            &user.id,
            "principal-2",
            Some(CreateRoleAssignmentOptions {
                name: Some(name.into()),
                ..Default::default()
            }),
        )
        .await
        .unwrap_err();
    assert!(err.is_conflict(), "{err}");

    // Global lists hold the HSM's initial administrator and, below it, ours.
    let global: Vec<_> = client
        .list_role_assignments(&KeyVaultRoleScope::Global, None)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert!(global
        .iter()
        .any(|a| a.properties.role_definition_id.ends_with(ADMINISTRATOR)));
    assert!(global.iter().any(|a| a.name == name));
    let keys: Vec<_> = client
        .list_role_assignments(&key_scope, None)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert!(keys.iter().any(|a| a.name == name));

    client
        .delete_role_assignment(&key_scope, name, None)
        .await
        .unwrap();
    let err = client
        .get_role_assignment(&key_scope, name, None)
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    // Deleting again is not an error.
    client
        .delete_role_assignment(&key_scope, name, None)
        .await
        .unwrap();
    // An unknown role definition is refused by the service.
    let err = client
        .create_role_assignment(
            &KeyVaultRoleScope::Global,
            "Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/00000000-0000-0000-0000-00000000dead",
            "p",
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("BadParameter"));
}

/// The RBAC API pages role assignments its own way (the spec defines `$filter` and no
/// `maxresults`): the client sends the filter percent-encoded and no page size, and follows the
/// service's pages and continuation tokens.
#[tokio::test]
async fn role_assignments_are_filtered_and_paged_as_the_service_pages_them() {
    let emulator = emulator().await;
    let client = rbac(&emulator, "filtered");
    let control = emulator.control();
    let user = format!(
        "{}{CRYPTO_USER}",
        "Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/"
    );
    for i in 0..30 {
        client
            .create_role_assignment(
                &KeyVaultRoleScope::Keys,
                &user,
                &format!("principal-{i}"),
                None,
            )
            .await
            .unwrap();
    }
    control.clear_requests();
    let one: Vec<_> = client
        .list_role_assignments(
            &KeyVaultRoleScope::Keys,
            Some(ListRoleAssignmentsOptions {
                filter: Some("principalId eq 'principal-7'".into()),
                ..Default::default()
            }),
        )
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(one.len(), 1, "{one:?}");
    assert_eq!(one[0].properties.principal_id, "principal-7");
    let query = control.requests().last().unwrap().query.clone();
    assert!(
        query.contains("$filter=principalId%20eq%20%27principal-7%27"),
        "{query}"
    );
    assert!(!query.contains("maxresults"), "{query}");

    // More than a page: the first page, then the rest from its continuation token.
    let mut pages = client
        .list_role_assignments(&KeyVaultRoleScope::Keys, None)
        .unwrap()
        .into_pages();
    let first = pages.try_next().await.unwrap().unwrap();
    let token = first.continuation_token.clone().expect("a second page");
    let rest: Vec<_> = client
        .list_role_assignments(
            &KeyVaultRoleScope::Keys,
            Some(ListRoleAssignmentsOptions {
                continuation_token: Some(token),
                ..Default::default()
            }),
        )
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert!(first.items.len() + rest.len() >= 30);
    assert!(control
        .requests()
        .iter()
        .all(|r| !r.query.contains("maxresults")));
}

#[tokio::test]
async fn bad_access_control_input_is_refused_before_sending() {
    let emulator = emulator().await;
    let client = rbac(&emulator, "bad");
    let control = emulator.control();
    control.clear_requests();
    let global = KeyVaultRoleScope::Global;
    let err = client
        .get_role_assignment(&global, "not-a-guid", None)
        .await
        .unwrap_err();
    assert!(invalid_argument(&err, "name"), "{err}");
    let err = client
        .create_role_assignment(
            &global,
            "id",
            "p",
            Some(CreateRoleAssignmentOptions {
                name: Some("{a290e904-7015-4bba-90c8-60543313cdb4}".into()),
                ..Default::default()
            }),
        )
        .await
        .unwrap_err();
    assert!(invalid_argument(&err, "name"), "{err}");
    let err = client
        .create_role_assignment(&global, "", "p", None)
        .await
        .unwrap_err();
    assert!(invalid_argument(&err, "definition_id"), "{err}");
    let err = client
        .create_role_assignment(&global, "id", " ", None)
        .await
        .unwrap_err();
    assert!(invalid_argument(&err, "principal_id"), "{err}");
    let err = client
        .list_role_definitions(&KeyVaultRoleScope::Other("/a b".into()), None)
        .unwrap_err();
    assert!(invalid_argument(&err, "scope"), "{err}");
    assert!(KeyVaultRoleScope::key("bad/name").is_err());
    let err = client
        .get_role_definition(
            &KeyVaultRoleScope::Key("x/../y".into()),
            ADMINISTRATOR,
            None,
        )
        .await
        .unwrap_err();
    assert!(invalid_argument(&err, "scope"), "{err}");
    let err = client
        .list_role_assignments(
            &global,
            Some(ListRoleAssignmentsOptions {
                filter: Some(" ".into()),
                ..Default::default()
            }),
        )
        .unwrap_err();
    assert!(invalid_argument(&err, "filter"), "{err}");
    assert!(control.requests().is_empty(), "nothing was sent");

    // Custom roles need API 7.3; the client says so before sending.
    let old = KeyVaultAccessControlClient::new(
        &emulator.managed_hsm_url("bad"),
        emulator.credential(),
        Some(options(&emulator, ApiVersion::V7_2)),
    )
    .unwrap();
    let err = old
        .set_role_definition(&global, Some(SetRoleDefinitionOptions::default()))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UnsupportedApiVersion { .. }), "{err}");
    assert!(control.requests().is_empty());

    // A vault is not a Managed HSM: it answers 404.
    let vault = KeyVaultAccessControlClient::new(
        &emulator.vault_url("plain"),
        emulator.credential(),
        Some(options(&emulator, ApiVersion::default())),
    )
    .unwrap();
    let err = vault
        .get_role_definition(&global, ADMINISTRATOR, None)
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
}

#[tokio::test]
async fn full_backup_and_restore_round_trip() {
    let emulator = emulator().await;
    let keys = Keys::new(&emulator, "source").await;
    let v1 = keys.create("kept").await;
    let v2 = keys.create("dropped").await;
    let rbac = rbac(&emulator, "source");
    let role = rbac
        .set_role_definition(
            &KeyVaultRoleScope::Global,
            Some(SetRoleDefinitionOptions {
                role_name: Some("Backed up".into()),
                permissions: Some(vec![KeyVaultPermission {
                    data_actions: vec![KeyVaultDataAction::BackupHsmKeys],
                    ..Default::default()
                }]),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    let settings = settings(&emulator, "source", ApiVersion::default());
    settings
        .update_setting(&KeyVaultSetting::boolean(SETTING, true), None)
        .await
        .unwrap();

    let client = backups(&emulator, "source", ApiVersion::default());
    let backup = client
        .begin_backup(
            CONTAINER,
            &sas(),
            Some(BeginBackupOptions {
                polling_interval: FAST,
                ..Default::default()
            }),
        )
        .await
        .unwrap()
        .await
        .unwrap();
    assert!(
        backup
            .folder_url
            .starts_with(&format!("{CONTAINER}/mhsm-source-")),
        "{}",
        backup.folder_url
    );
    assert!(backup.job_id.is_some() && backup.start_time.is_some() && backup.end_time.is_some());
    // A real file, in the folder standing in for the container.
    let folder = backup.folder_url.rsplit('/').next().unwrap();
    let file = emulator
        .control()
        .backup_dir()
        .join("account.blob.core.windows.net/backups")
        .join(folder)
        .join("backup.blob");
    let sealed = std::fs::read_to_string(&file).unwrap();
    assert!(!sealed.contains("kept"), "the backup is sealed");

    // Change everything, then restore.
    keys.destroy("kept").await;
    keys.create("added").await;
    rbac.delete_role_definition(&KeyVaultRoleScope::Global, &role.name, None)
        .await
        .unwrap();
    settings
        .update_setting(&KeyVaultSetting::boolean(SETTING, false), None)
        .await
        .unwrap();
    let restored = client
        .begin_restore(
            &backup.folder_url,
            &sas(),
            Some(BeginRestoreOptions {
                polling_interval: FAST,
                ..Default::default()
            }),
        )
        .await
        .unwrap()
        .await
        .unwrap();
    assert!(restored.job_id.is_some());
    assert_eq!(keys.version("kept").await, Some(v1));
    assert_eq!(keys.version("dropped").await, Some(v2));
    assert_eq!(
        keys.version("added").await,
        None,
        "a full restore replaces the keys"
    );
    let back = rbac
        .get_role_definition(&KeyVaultRoleScope::Global, &role.name, None)
        .await
        .unwrap();
    assert_eq!(back.role_name, "Backed up");
    assert_eq!(
        settings.get_setting(SETTING, None).await.unwrap().as_bool(),
        Some(true)
    );

    // The backup restores into another HSM of the same emulator too.
    backups(&emulator, "other", ApiVersion::default())
        .begin_restore(
            &backup.folder_url,
            &StorageAuthentication::ManagedIdentity,
            None,
        )
        .await
        .unwrap()
        .await
        .unwrap();
    assert!(Keys::new(&emulator, "other")
        .await
        .version("kept")
        .await
        .is_some());
}

#[tokio::test]
async fn selective_key_restore() {
    let emulator = emulator().await;
    let keys = Keys::new(&emulator, "selective").await;
    let version = keys.create("precious").await;
    keys.create("other").await;
    let client = backups(&emulator, "selective", ApiVersion::default());
    let backup = client
        .begin_backup(
            CONTAINER,
            &sas(),
            Some(BeginBackupOptions {
                polling_interval: FAST,
                ..Default::default()
            }),
        )
        .await
        .unwrap()
        .await
        .unwrap();
    keys.destroy("precious").await;
    keys.destroy("other").await;
    client
        .begin_restore(
            &backup.folder_url,
            &sas(),
            Some(BeginRestoreOptions {
                key_name: Some("precious".into()),
                polling_interval: FAST,
                ..Default::default()
            }),
        )
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(keys.version("precious").await, Some(version));
    assert_eq!(keys.version("other").await, None, "only the named key");

    // A key the backup does not hold fails the job.
    let err = client
        .begin_restore(
            &backup.folder_url,
            &sas(),
            Some(BeginRestoreOptions {
                key_name: Some("never-existed".into()),
                polling_interval: FAST,
                ..Default::default()
            }),
        )
        .await
        .unwrap()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::OperationFailed(_)), "{err}");
    assert!(err.to_string().contains("KeyNotFound"), "{err}");
    let err = client
        .begin_restore(
            &backup.folder_url,
            &sas(),
            Some(BeginRestoreOptions {
                key_name: Some("bad name".into()),
                ..Default::default()
            }),
        )
        .await
        .unwrap_err();
    assert!(invalid_argument(&err, "key_name"), "{err}");
}

#[tokio::test]
async fn jobs_report_progress_with_retry_after_and_resume_from_tokens() {
    let emulator = emulator().await;
    let control = emulator.control();
    control.set_admin_job_latency(Duration::from_millis(1500));
    let client = backups(&emulator, "slow", ApiVersion::default());
    let mut poller = client.begin_backup(CONTAINER, &sas(), None).await.unwrap();
    assert_eq!(poller.poll().await.unwrap(), PollerStatus::InProgress);
    assert_eq!(poller.next_wait(), Duration::from_secs(2), "Retry-After");
    let token = poller.continuation_token();
    assert!(
        token.contains("/backup/") && token.ends_with("api-version=2026-04-01"),
        "{token}"
    );
    // Resume in a "new process": a new client and poller from the token.
    let resumed = backups(&emulator, "slow", ApiVersion::default())
        .begin_backup(
            "",
            &sas(),
            Some(BeginBackupOptions {
                continuation_token: Some(token),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    control.advance_clock(Duration::from_secs(2));
    let result = resumed.await.unwrap();
    assert!(result.folder_url.contains("mhsm-slow-"));
    assert_eq!(poller.poll().await.unwrap(), PollerStatus::Succeeded);
    assert_eq!(poller.result().unwrap(), &result);
}

#[tokio::test]
async fn restore_from_a_missing_folder_fails_the_job() {
    let emulator = emulator().await;
    let client = backups(&emulator, "missing", ApiVersion::default());
    let err = client
        .begin_restore(&format!("{CONTAINER}/mhsm-nothing-here"), &sas(), None)
        .await
        .unwrap()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::OperationFailed(_)), "{err}");
    assert!(err.to_string().contains("BackupNotFound"), "{err}");
}

#[tokio::test]
async fn pre_checks_need_api_7_6() {
    let emulator = emulator().await;
    let client = backups(&emulator, "prechecks", ApiVersion::default());
    let pre = client
        .begin_pre_backup(
            CONTAINER,
            &sas(),
            Some(BeginPreBackupOptions {
                polling_interval: FAST,
                ..Default::default()
            }),
        )
        .await
        .unwrap()
        .await
        .unwrap();
    assert!(pre.job_id.is_some());
    let backup = client
        .begin_backup(
            CONTAINER,
            &sas(),
            Some(BeginBackupOptions {
                polling_interval: FAST,
                ..Default::default()
            }),
        )
        .await
        .unwrap()
        .await
        .unwrap();
    client
        .begin_pre_restore(
            &backup.folder_url,
            &sas(),
            Some(BeginPreRestoreOptions {
                polling_interval: FAST,
                ..Default::default()
            }),
        )
        .await
        .unwrap()
        .await
        .unwrap();
    let err = client
        .begin_pre_restore(
            &format!("{CONTAINER}/absent"),
            &sas(),
            Some(BeginPreRestoreOptions {
                polling_interval: FAST,
                ..Default::default()
            }),
        )
        .await
        .unwrap()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("BackupNotFound"), "{err}");

    emulator.control().clear_requests();
    let old = backups(&emulator, "prechecks", ApiVersion::V7_5);
    for err in [
        old.begin_pre_backup(CONTAINER, &sas(), None)
            .await
            .unwrap_err(),
        old.begin_pre_restore(&backup.folder_url, &sas(), None)
            .await
            .unwrap_err(),
    ] {
        assert!(matches!(err, Error::UnsupportedApiVersion { .. }), "{err}");
    }
    let older = backups(&emulator, "prechecks", ApiVersion::V7_4);
    let err = older
        .begin_backup(CONTAINER, &StorageAuthentication::ManagedIdentity, None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UnsupportedApiVersion { .. }), "{err}");
    assert!(emulator.control().requests().is_empty());
}

#[tokio::test]
async fn bad_backup_input_is_refused_before_sending() {
    let emulator = emulator().await;
    let client = backups(&emulator, "badbackup", ApiVersion::default());
    emulator.control().clear_requests();
    for url in [
        "",
        "not a url",
        "http://a.blob.core.windows.net/c",
        "https://a.blob.core.windows.net",
        "https://a.blob.core.windows.net/c?sig=x",
    ] {
        let err = client.begin_backup(url, &sas(), None).await.unwrap_err();
        assert!(invalid_argument(&err, "blob_storage_url"), "{url}: {err}");
    }
    let err = client
        .begin_backup(CONTAINER, &StorageAuthentication::sas_token(""), None)
        .await
        .unwrap_err();
    assert!(invalid_argument(&err, "sas_token"), "{err}");
    let err = client
        .begin_restore(CONTAINER, &sas(), None)
        .await
        .unwrap_err();
    assert!(invalid_argument(&err, "folder_url"), "{err}");
    let err = client
        .begin_backup(
            "",
            &sas(),
            Some(BeginBackupOptions {
                continuation_token: Some("https://elsewhere.example/backup/x/pending".into()),
                ..Default::default()
            }),
        )
        .await
        .unwrap_err();
    assert!(invalid_argument(&err, "continuation_token"), "{err}");
    assert!(emulator.control().requests().is_empty());
}

#[tokio::test]
async fn settings_get_list_update() {
    let emulator = emulator().await;
    let client = settings(&emulator, "settings", ApiVersion::default());
    let all = client.list_settings(None).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].name, SETTING);
    assert_eq!(all[0].as_bool(), Some(false));
    let updated = client
        .update_setting(&KeyVaultSetting::boolean(SETTING, true), None)
        .await
        .unwrap();
    assert_eq!(updated.as_bool(), Some(true));
    assert_eq!(updated.value, "true");
    // Any case is accepted and sent in lower case.
    let mut upper = KeyVaultSetting::boolean(SETTING, false);
    upper.value = "FALSE".into();
    assert_eq!(
        client.update_setting(&upper, None).await.unwrap().value,
        "false"
    );
    assert_eq!(
        client.get_setting(SETTING, None).await.unwrap().as_bool(),
        Some(false)
    );

    emulator.control().clear_requests();
    let mut bad = KeyVaultSetting::boolean(SETTING, true);
    bad.value = "maybe".into();
    let err = client.update_setting(&bad, None).await.unwrap_err();
    assert!(invalid_argument(&err, "value"), "{err}");
    let err = client
        .get_setting("no such/setting", None)
        .await
        .unwrap_err();
    assert!(invalid_argument(&err, "name"), "{err}");
    let err = settings(&emulator, "settings", ApiVersion::V7_3)
        .list_settings(None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UnsupportedApiVersion { .. }), "{err}");
    assert!(emulator.control().requests().is_empty());

    // The service checks too: unknown settings and non-boolean values of boolean settings.
    let err = client.get_setting("NoSuchSetting", None).await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
    let err = client
        .update_setting(&KeyVaultSetting::new(SETTING, "maybe", None), None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("BadParameter"), "{err}");
}

#[tokio::test]
async fn ekm_connection_lifecycle() {
    let emulator = emulator().await;
    let client = ekm(&emulator, "ekm", ApiVersion::default());
    assert_eq!(client.vault_url(), emulator.managed_hsm_url("ekm"));
    assert_eq!(client.api_version(), &ApiVersion::V2026_04_01);

    // The client certificate exists before any connection, and stays the same.
    let certificate = client.get_ekm_certificate(None).await.unwrap();
    assert_eq!(
        certificate.subject_common_name,
        "Azure Key Vault EKM Client"
    );
    assert_eq!(certificate.ca_certificates.len(), 1);
    assert_eq!(certificate.ca_certificates[0][0], 0x30, "DER");
    assert_eq!(client.get_ekm_certificate(None).await.unwrap(), certificate);
    let other = ekm(&emulator, "ekm-2", ApiVersion::default())
        .get_ekm_certificate(None)
        .await
        .unwrap();
    assert_ne!(
        other.ca_certificates, certificate.ca_certificates,
        "one per HSM"
    );

    // Nothing yet: every connection operation is 404.
    let err = client.get_ekm_connection(None).await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert_eq!(err.code(), Some("EkmConnectionNotFound"));
    assert!(client
        .check_ekm_connection(None)
        .await
        .unwrap_err()
        .is_not_found());
    assert!(client
        .delete_ekm_connection(None)
        .await
        .unwrap_err()
        .is_not_found());
    let update = KeyVaultEkmConnectionUpdate {
        host: Some("ekm-proxy-2.contoso.com".into()),
        ..Default::default()
    };
    assert!(client
        .update_ekm_connection(&update, None)
        .await
        .unwrap_err()
        .is_not_found());

    // Create, then create again: 409.
    let ca = certificate.ca_certificates.clone();
    let connection = KeyVaultEkmConnection::new("ekm-proxy.contoso.com:8443", ca.clone())
        .with_path_prefix("/api/v1");
    let created = client
        .create_ekm_connection(&connection, None)
        .await
        .unwrap();
    assert_eq!(created, connection);
    assert_eq!(client.get_ekm_connection(None).await.unwrap(), connection);
    let err = client
        .create_ekm_connection(&connection, None)
        .await
        .unwrap_err();
    assert!(err.is_conflict(), "{err}");

    // The check answers from the configured connection.
    let proxy = client.check_ekm_connection(None).await.unwrap();
    assert_eq!(proxy.api_version, "1.0.0");
    assert!(
        proxy
            .proxy_name
            .contains("ekm-proxy.contoso.com:8443/api/v1"),
        "{proxy:?}"
    );

    // PATCH: what the update leaves out keeps its value.
    let updated = client.update_ekm_connection(&update, None).await.unwrap();
    assert_eq!(updated.host, "ekm-proxy-2.contoso.com");
    assert_eq!(updated.path_prefix.as_deref(), Some("/api/v1"));
    assert_eq!(updated.server_ca_certificates, ca);
    let replaced = KeyVaultEkmConnection::new("ekm-proxy-3.contoso.com", other.ca_certificates)
        .with_path_prefix("/api/v2")
        .with_server_subject_common_name("ekm-proxy-3.contoso.com");
    let updated = client
        .update_ekm_connection(&replaced.clone().into(), None)
        .await
        .unwrap();
    assert_eq!(updated, replaced);
    assert_eq!(client.get_ekm_connection(None).await.unwrap(), replaced);

    // Delete answers the deleted connection; then there is none.
    assert_eq!(client.delete_ekm_connection(None).await.unwrap(), replaced);
    assert!(client
        .get_ekm_connection(None)
        .await
        .unwrap_err()
        .is_not_found());
    client
        .create_ekm_connection(&connection, None)
        .await
        .unwrap();

    // A vault has no EKM connection: 404 for the path.
    let vault = KeyVaultEkmClient::new(
        &emulator.vault_url("ekm-vault"),
        emulator.credential(),
        Some(options(&emulator, ApiVersion::default())),
    )
    .unwrap();
    let err = vault.get_ekm_connection(None).await.unwrap_err();
    assert_eq!(err.code(), Some("NotFound"), "{err}");
}

#[tokio::test]
async fn ekm_errors_are_caught_before_sending() {
    let emulator = emulator().await;
    let client = ekm(&emulator, "ekm-checks", ApiVersion::default());
    let der = client
        .get_ekm_certificate(None)
        .await
        .unwrap()
        .ca_certificates;
    emulator.control().clear_requests();

    // API versions before 2026-04-01 lack every EKM operation.
    let old = ekm(&emulator, "ekm-checks", ApiVersion::V2025_07_01);
    let connection = KeyVaultEkmConnection::new("ekm-proxy.contoso.com", der.clone());
    let results = [
        old.get_ekm_connection(None).await.map(drop),
        old.create_ekm_connection(&connection, None).await.map(drop),
        old.update_ekm_connection(&connection.clone().into(), None)
            .await
            .map(drop),
        old.delete_ekm_connection(None).await.map(drop),
        old.get_ekm_certificate(None).await.map(drop),
        old.check_ekm_connection(None).await.map(drop),
    ];
    for result in results {
        let err = result.unwrap_err();
        assert!(
            matches!(&err, Error::UnsupportedApiVersion { required, selected, .. }
                if required == "2026-04-01" && selected == "2025-07-01"),
            "{err}"
        );
    }

    // Bad input.
    let cases = [
        (
            KeyVaultEkmConnection::new("https://ekm-proxy.contoso.com", der.clone()),
            "host",
        ),
        (KeyVaultEkmConnection::new("", der.clone()), "host"),
        (
            KeyVaultEkmConnection::new("ekm-proxy.contoso.com", der.clone())
                .with_path_prefix("api"),
            "path_prefix",
        ),
        (
            KeyVaultEkmConnection::new("ekm-proxy.contoso.com", vec![]),
            "server_ca_certificates",
        ),
        (
            KeyVaultEkmConnection::new(
                "ekm-proxy.contoso.com",
                vec![b"-----BEGIN CERTIFICATE-----".to_vec()],
            ),
            "server_ca_certificates",
        ),
        (
            KeyVaultEkmConnection::new("ekm-proxy.contoso.com", der.clone())
                .with_server_subject_common_name(" "),
            "server_subject_common_name",
        ),
    ];
    for (connection, argument) in cases {
        let err = client
            .create_ekm_connection(&connection, None)
            .await
            .unwrap_err();
        assert!(invalid_argument(&err, argument), "{argument}: {err}");
    }
    let err = client
        .update_ekm_connection(&KeyVaultEkmConnectionUpdate::default(), None)
        .await
        .unwrap_err();
    assert!(invalid_argument(&err, "update"), "{err}");
    let err = client
        .update_ekm_connection(
            &KeyVaultEkmConnectionUpdate {
                server_ca_certificates: Some(vec![vec![0x30, 0x05, 0x01]]),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap_err();
    assert!(invalid_argument(&err, "server_ca_certificates"), "{err}");
    assert!(emulator.control().requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn the_emulator_checks_ekm_requests_too() {
    let emulator = emulator().await;
    let client = ekm(&emulator, "ekm-raw", ApiVersion::default());
    let url = format!("{}/ekm/create?api-version=2026-04-01", client.vault_url());
    let send = |body: Value| {
        let mut request = keyvault_administration::azure_core::http::Request::new(
            url.parse().unwrap(),
            keyvault_administration::azure_core::http::Method::Post,
        );
        request.insert_header("content-type", "application/json");
        request.set_body(serde_json::to_vec(&body).unwrap());
        client.send_request(request)
    };
    // A certificate that is base64 but not a certificate, a bad host, missing fields: 400.
    for body in [
        json!({"host": "ekm.contoso.com", "server_ca_certificates": ["MAMCAQU="]}),
        json!({"host": "ekm.contoso.com/x", "server_ca_certificates": []}),
        json!({"server_ca_certificates": []}),
        json!({"host": "ekm.contoso.com"}),
    ] {
        let response = send(body.clone()).await.unwrap();
        assert_eq!(u16::from(response.status()), 400, "{body}");
    }
    // The spec example's body is accepted as sent.
    let example = json!({
        "host": "ekm-proxy.contoso.com",
        "path_prefix": "/api/v1",
        "server_ca_certificates": [base64(&client.get_ekm_certificate(None).await.unwrap().ca_certificates[0])],
    });
    // The service refuses the EKM operations under older API versions.
    let mut old = keyvault_administration::azure_core::http::Request::new(
        format!("{}/ekm?api-version=2025-07-01", client.vault_url())
            .parse()
            .unwrap(),
        keyvault_administration::azure_core::http::Method::Get,
    );
    old.insert_header("accept", "application/json");
    let response = client.send_request(old).await.unwrap();
    assert_eq!(u16::from(response.status()), 400);
    let response = send(example.clone()).await.unwrap();
    assert_eq!(u16::from(response.status()), 200);
    let echoed: Value = serde_json::from_slice(response.body()).unwrap();
    assert_eq!(echoed, example);
}

/// Without a version in the options the administration clients send `2025-07-01`, the default
/// of Python's azure-keyvault-administration 4.7.2 and azure-keyvault-securitydomain 1.0.0b4;
/// the External Key Manager client sends `2026-04-01`, the first version that has it.
#[tokio::test]
async fn default_api_versions_are_chosen_per_client() {
    let emulator = emulator().await;
    let hsm = emulator.managed_hsm_url("versions");
    let options = || {
        Some(AdministrationClientOptions {
            client_options: emulator.client_options(),
            ..Default::default()
        })
    };
    let credential = || emulator.credential();
    let v2025 = ApiVersion::V2025_07_01;
    assert_eq!(
        KeyVaultAccessControlClient::new(&hsm, credential(), options())
            .unwrap()
            .api_version(),
        &v2025
    );
    assert_eq!(
        keyvault_administration::KeyVaultBackupClient::new(&hsm, credential(), options())
            .unwrap()
            .api_version(),
        &v2025
    );
    assert_eq!(
        keyvault_administration::KeyVaultSettingsClient::new(&hsm, credential(), options())
            .unwrap()
            .api_version(),
        &v2025
    );
    assert_eq!(
        keyvault_administration::KeyVaultSecurityDomainClient::new(&hsm, credential(), options())
            .unwrap()
            .api_version(),
        &v2025
    );
    assert_eq!(
        keyvault_administration::KeyVaultEkmClient::new(&hsm, credential(), options())
            .unwrap()
            .api_version(),
        &ApiVersion::V2026_04_01
    );
    // And the requests carry it.
    let rbac = KeyVaultAccessControlClient::new(&hsm, credential(), options()).unwrap();
    rbac.get_role_definition(&KeyVaultRoleScope::Global, ADMINISTRATOR, None)
        .await
        .unwrap();
    assert!(emulator
        .control()
        .requests()
        .iter()
        .all(|r| r.query.contains("api-version=2025-07-01")));
}
