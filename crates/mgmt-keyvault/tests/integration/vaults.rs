//! Every vault operation of `KeyVaultManagementClient` against the emulator's ARM provider,
//! over HTTPS, authenticated by a real `azure_identity::ClientSecretCredential`.

use crate::common::{arm_client as client_of, fast, resume};
use futures::TryStreamExt;
use keyvault_core::ExposeSecret;
use keyvault_emulator::Emulator;
use mgmt_keyvault::{
    AccessPolicyEntry, AccessPolicyUpdateKind, CreateMode, Error, KeyPermissions,
    KeyVaultManagementClient, ListVaultsByResourceGroupOptions, ListVaultsBySubscriptionOptions,
    ListVaultsOptions, ManagementClientOptions, NetworkRuleAction, NetworkRuleSet, Permissions,
    PollerStatus, Reason, SecretPermissions, Sku, SkuName, VaultAccessPolicyParameters,
    VaultCreateOrUpdateParameters, VaultPatchParameters, VaultPatchProperties, VaultProperties,
    VaultProvisioningState,
};
use std::collections::HashMap;

const SUBSCRIPTION: &str = "00000000-0000-0000-0000-000000000001";
const RG: &str = "test-rg";

use keyvault_testkit::emulator::emulator;

fn client(emulator: &Emulator) -> KeyVaultManagementClient {
    client_of(emulator, SUBSCRIPTION)
}

fn policy(emulator: &Emulator, object_id: &str, keys: Vec<KeyPermissions>) -> AccessPolicyEntry {
    AccessPolicyEntry {
        tenant_id: emulator.tenant_id().to_string(),
        object_id: object_id.to_string(),
        application_id: None,
        permissions: Permissions {
            keys: Some(keys),
            secrets: Some(vec![SecretPermissions::Get]),
            ..Default::default()
        },
    }
}

fn parameters(emulator: &Emulator) -> VaultCreateOrUpdateParameters {
    let mut properties = VaultProperties::new(emulator.tenant_id(), Sku::standard());
    properties.access_policies = Some(vec![policy(
        emulator,
        "object-1",
        vec![KeyPermissions::Get],
    )]);
    properties.soft_delete_retention_in_days = Some(7);
    VaultCreateOrUpdateParameters {
        location: "westus".into(),
        tags: Some(HashMap::from([("env".to_string(), "test".to_string())])),
        properties,
    }
}

fn status_of(err: &Error) -> (u16, Option<&str>) {
    match err {
        Error::Service { status, code, .. } => (*status, code.as_deref()),
        other => panic!("not a service error: {other}"),
    }
}

/// Creates `vaults` (resource group, name) in the test subscription, and `stranger` in another
/// subscription, whose vaults no list of the test subscription may show.
async fn create_vaults(emulator: &Emulator, vaults: &[(&str, &str)], stranger: &str) {
    let other = client_of(emulator, "00000000-0000-0000-0000-000000000002");
    let stranger = ("rg-a", stranger, &other);
    let client = client(emulator);
    for (rg, name, client) in vaults
        .iter()
        .map(|(rg, name)| (*rg, *name, &client))
        .chain([stranger])
    {
        client
            .create_or_update_vault(rg, name, parameters(emulator), fast())
            .await
            .unwrap()
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn create_polls_until_succeeded_then_get_update_and_list() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let mut poller = client
        .create_or_update_vault(RG, "vault-one", parameters(&emulator), fast())
        .await
        .unwrap();
    assert_eq!(poller.status(), PollerStatus::InProgress);
    assert_eq!(
        poller.poll().await.unwrap(),
        PollerStatus::InProgress,
        "ARM reports InProgress first"
    );
    let vault = poller.await.unwrap();
    assert_eq!(vault.name, "vault-one");
    assert_eq!(vault.resource_type, "Microsoft.KeyVault/vaults");
    assert_eq!(
        vault.id,
        format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/{RG}/providers/Microsoft.KeyVault/vaults/vault-one")
    );
    assert_eq!(
        vault.properties.provisioning_state,
        Some(VaultProvisioningState::Succeeded)
    );
    assert_eq!(vault.tags["env"], "test");
    assert_eq!(vault.properties.soft_delete_retention_in_days, Some(7));
    let uri = vault.properties.vault_uri.clone().unwrap();
    assert_eq!(
        uri,
        format!("https://vault-one.vault.azure.net:{}/", emulator.port())
    );
    assert!(vault.system_data.unwrap().created_at.is_some());

    let got = client.get_vault(RG, "vault-one", None).await.unwrap();
    assert_eq!(got.properties.access_policies.as_ref().unwrap().len(), 1);

    let patch = VaultPatchParameters {
        tags: Some(HashMap::from([("env".to_string(), "prod".to_string())])),
        properties: Some(VaultPatchProperties {
            sku: Some(Sku::premium()),
            enable_purge_protection: Some(true),
            network_acls: Some(NetworkRuleSet {
                default_action: Some(NetworkRuleAction::Deny),
                ..Default::default()
            }),
            ..Default::default()
        }),
    };
    let updated = client
        .update_vault(RG, "vault-one", patch, None)
        .await
        .unwrap();
    assert_eq!(updated.tags["env"], "prod");
    assert_eq!(updated.properties.sku.name, SkuName::Premium);
    assert_eq!(updated.properties.enable_purge_protection, Some(true));
    assert_eq!(
        updated.properties.network_acls.unwrap().default_action,
        Some(NetworkRuleAction::Deny)
    );
    // Purge protection cannot be turned off.
    let off = VaultPatchParameters {
        properties: Some(VaultPatchProperties {
            enable_purge_protection: Some(false),
            ..Default::default()
        }),
        ..Default::default()
    };
    let err = client
        .update_vault(RG, "vault-one", off, None)
        .await
        .unwrap_err();
    assert_eq!(status_of(&err).0, 400);

    // A second PUT of an existing vault is done at once.
    let mut again = parameters(&emulator);
    again.properties.enable_purge_protection = Some(true);
    let mut poller = client
        .create_or_update_vault(RG, "vault-one", again, fast())
        .await
        .unwrap();
    assert_eq!(poller.poll().await.unwrap(), PollerStatus::Succeeded);

    let names: Vec<String> = client
        .list_vaults_by_subscription(None)
        .unwrap()
        .map_ok(|v| v.name)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names, ["vault-one"]);
    emulator.shutdown().await;
}

#[tokio::test]
async fn lists_page_over_next_link_and_filter_by_resource_group_and_subscription() {
    let emulator = emulator().await;
    let client = client(&emulator);
    create_vaults(
        &emulator,
        &[
            ("rg-a", "vault-a1"),
            ("rg-a", "vault-a2"),
            ("rg-a", "vault-a3"),
            ("rg-b", "vault-b1"),
        ],
        "other-sub",
    )
    .await;

    let options = Some(ListVaultsByResourceGroupOptions {
        max_page_size: Some(2),
        ..Default::default()
    });
    let mut pages = client
        .list_vaults_by_resource_group("rg-a", options)
        .unwrap()
        .into_pages();
    let first = pages.try_next().await.unwrap().unwrap();
    assert_eq!(first.items.len(), 2);
    let token = first.continuation_token.clone().expect("a next page");
    let second = pages.try_next().await.unwrap().unwrap();
    assert_eq!(
        second
            .items
            .iter()
            .map(|v| v.name.as_str())
            .collect::<Vec<_>>(),
        ["vault-a3"]
    );
    assert!(second.continuation_token.is_none());
    assert!(pages.try_next().await.unwrap().is_none());

    // Resume from the token.
    let resumed: Vec<String> = client
        .list_vaults_by_resource_group(
            "rg-a",
            Some(ListVaultsByResourceGroupOptions {
                continuation_token: Some(token),
                ..Default::default()
            }),
        )
        .unwrap()
        .map_ok(|v| v.name)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(resumed, ["vault-a3"]);

    let all: Vec<String> = client
        .list_vaults_by_subscription(Some(ListVaultsBySubscriptionOptions {
            max_page_size: Some(1),
            ..Default::default()
        }))
        .unwrap()
        .map_ok(|v| v.name)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all, ["vault-a1", "vault-a2", "vault-a3", "vault-b1"]);
    emulator.shutdown().await;
}

#[tokio::test]
async fn delete_soft_deletes_then_recover_or_purge() {
    let emulator = emulator().await;
    let client = client(&emulator);
    client
        .create_or_update_vault(RG, "doomed", parameters(&emulator), fast())
        .await
        .unwrap()
        .await
        .unwrap();
    client.delete_vault(RG, "doomed", None).await.unwrap();
    // Deleting what is not there is not an error (204).
    client.delete_vault(RG, "doomed", None).await.unwrap();
    let err = client.get_vault(RG, "doomed", None).await.unwrap_err();
    assert_eq!(status_of(&err), (404, Some("ResourceNotFound")));

    let deleted = client
        .get_deleted_vault("westus", "doomed", None)
        .await
        .unwrap();
    assert_eq!(deleted.name, "doomed");
    assert_eq!(deleted.resource_type, "Microsoft.KeyVault/deletedVaults");
    let p = &deleted.properties;
    assert_eq!(p.location.as_deref(), Some("westus"));
    assert_eq!(
        p.scheduled_purge_date.unwrap() - p.deletion_date.unwrap(),
        time::Duration::days(7)
    );
    assert!(p.vault_id.as_deref().unwrap().ends_with("/vaults/doomed"));
    let listed: Vec<String> = client
        .list_deleted_vaults(None)
        .unwrap()
        .map_ok(|v| v.name)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed, ["doomed"]);

    // The name is taken while the vault is deleted: a new vault conflicts, recovery works.
    let err = client
        .create_or_update_vault(RG, "doomed", parameters(&emulator), fast())
        .await
        .unwrap_err();
    assert_eq!(status_of(&err), (409, Some("ConflictError")));
    let mut recover = parameters(&emulator);
    recover.properties.create_mode = Some(CreateMode::Recover);
    let recovered = client
        .create_or_update_vault(RG, "doomed", recover, fast())
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(
        recovered.properties.provisioning_state,
        Some(VaultProvisioningState::Succeeded)
    );
    assert!(client
        .get_deleted_vault("westus", "doomed", None)
        .await
        .is_err());

    client.delete_vault(RG, "doomed", None).await.unwrap();
    let mut poller = client
        .purge_deleted_vault("westus", "doomed", fast())
        .await
        .unwrap();
    assert_eq!(poller.poll().await.unwrap(), PollerStatus::InProgress);
    poller.await.unwrap();
    let err = client
        .get_deleted_vault("westus", "doomed", None)
        .await
        .unwrap_err();
    assert_eq!(status_of(&err).0, 404);
    assert!(
        client
            .check_vault_name_availability("doomed", None)
            .await
            .unwrap()
            .name_available
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn purge_protection_refuses_an_early_purge() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let mut params = parameters(&emulator);
    params.properties.enable_purge_protection = Some(true);
    client
        .create_or_update_vault(RG, "protected", params, fast())
        .await
        .unwrap()
        .await
        .unwrap();
    client.delete_vault(RG, "protected", None).await.unwrap();
    assert_eq!(
        client
            .get_deleted_vault("westus", "protected", None)
            .await
            .unwrap()
            .properties
            .purge_protection_enabled,
        Some(true)
    );
    let err = client
        .purge_deleted_vault("westus", "protected", fast())
        .await
        .unwrap_err();
    assert_eq!(status_of(&err).0, 409);
    emulator.shutdown().await;
}

#[tokio::test]
async fn names_are_global_and_checked() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let free = client
        .check_vault_name_availability("fresh-name", None)
        .await
        .unwrap();
    assert!(free.name_available);
    assert_eq!(free.reason, None);
    client
        .create_or_update_vault(RG, "fresh-name", parameters(&emulator), fast())
        .await
        .unwrap()
        .await
        .unwrap();
    let taken = client
        .check_vault_name_availability("Fresh-Name", None)
        .await
        .unwrap();
    assert!(!taken.name_available);
    assert_eq!(taken.reason, Some(Reason::AlreadyExists));
    let invalid = client
        .check_vault_name_availability("a--b", None)
        .await
        .unwrap();
    assert_eq!(invalid.reason, Some(Reason::AccountNameInvalid));

    // The same name in another resource group or subscription is a conflict.
    let err = client
        .create_or_update_vault("other-rg", "fresh-name", parameters(&emulator), fast())
        .await
        .unwrap_err();
    assert_eq!(status_of(&err), (409, Some("VaultAlreadyExists")));
    let err = client_of(&emulator, "00000000-0000-0000-0000-000000000009")
        .get_vault(RG, "fresh-name", None)
        .await
        .unwrap_err();
    assert_eq!(status_of(&err), (404, Some("ResourceNotFound")));
    emulator.shutdown().await;
}

#[tokio::test]
async fn access_policies_are_added_replaced_and_removed() {
    let emulator = emulator().await;
    let client = client(&emulator);
    client
        .create_or_update_vault(RG, "policies", parameters(&emulator), fast())
        .await
        .unwrap()
        .await
        .unwrap();
    let add = VaultAccessPolicyParameters::new(vec![
        policy(&emulator, "object-1", vec![KeyPermissions::Sign]),
        policy(&emulator, "object-2", vec![KeyPermissions::List]),
    ]);
    let answer = client
        .update_access_policy(RG, "policies", AccessPolicyUpdateKind::Add, add, None)
        .await
        .unwrap();
    assert_eq!(
        answer.resource_type.as_deref(),
        Some("Microsoft.KeyVault/vaults/accessPolicies")
    );
    let policies = client
        .get_vault(RG, "policies", None)
        .await
        .unwrap()
        .properties
        .access_policies
        .unwrap();
    assert_eq!(policies.len(), 2);
    assert_eq!(
        policies[0].permissions.keys.as_deref().unwrap(),
        [KeyPermissions::Get, KeyPermissions::Sign]
    );

    let replace = VaultAccessPolicyParameters::new(vec![policy(
        &emulator,
        "object-2",
        vec![KeyPermissions::Delete],
    )]);
    client
        .update_access_policy(
            RG,
            "policies",
            AccessPolicyUpdateKind::Replace,
            replace,
            None,
        )
        .await
        .unwrap();
    let mut remove_all = policy(
        &emulator,
        "object-1",
        vec![KeyPermissions::Get, KeyPermissions::Sign],
    );
    remove_all.permissions.secrets = Some(vec![SecretPermissions::Get]);
    client
        .update_access_policy(
            RG,
            "policies",
            AccessPolicyUpdateKind::Remove,
            VaultAccessPolicyParameters::new(vec![remove_all]),
            None,
        )
        .await
        .unwrap();
    let policies = client
        .get_vault(RG, "policies", None)
        .await
        .unwrap()
        .properties
        .access_policies
        .unwrap();
    assert_eq!(policies.len(), 1);
    assert_eq!(policies[0].object_id, "object-2");
    assert_eq!(
        policies[0].permissions.keys.as_deref().unwrap(),
        [KeyPermissions::Delete]
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn bad_arguments_fail_before_sending() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let before = emulator.control().requests().len();
    for name in ["ab", "1vault", "a--b", "vault_1", "trailing-"] {
        let err = client
            .create_or_update_vault(RG, name, parameters(&emulator), fast())
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidArgument {
                    argument: "vault_name",
                    ..
                }
            ),
            "{name}: {err}"
        );
    }
    let mut bad_tenant = parameters(&emulator);
    bad_tenant.properties.tenant_id = "contoso.onmicrosoft.com".into();
    let err = client
        .create_or_update_vault(RG, "good-name", bad_tenant, fast())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidArgument {
                argument: "tenant_id",
                ..
            }
        ),
        "{err}"
    );
    let mut bad_policy = parameters(&emulator);
    bad_policy.properties.access_policies.as_mut().unwrap()[0].tenant_id = "x".into();
    assert!(client
        .create_or_update_vault(RG, "good-name", bad_policy, fast())
        .await
        .is_err());
    let err = client
        .get_vault("bad/rg", "good-name", None)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidArgument {
                argument: "resource_group",
                ..
            }
        ),
        "{err}"
    );
    assert!(client
        .get_deleted_vault("west us", "good-name", None)
        .await
        .is_err());
    assert!(client
        .list_vaults_by_subscription(Some(ListVaultsBySubscriptionOptions {
            max_page_size: Some(0),
            ..Default::default()
        }))
        .is_err());
    assert!(client
        .purge_deleted_vault("westus", "good-name", resume("x"))
        .await
        .is_err());
    assert_eq!(
        emulator.control().requests().len(),
        before,
        "nothing was sent"
    );

    assert!(KeyVaultManagementClient::new("not-a-guid", emulator.credential(), None).is_err());
    let http = ManagementClientOptions {
        endpoint: "http://management.azure.com".into(),
        ..Default::default()
    };
    let err =
        KeyVaultManagementClient::new(SUBSCRIPTION, emulator.credential(), Some(http)).unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidArgument {
                argument: "endpoint",
                ..
            }
        ),
        "{err}"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn arm_needs_an_arm_token() {
    let emulator = emulator().await;
    // A token for the vault audience is refused by ARM.
    let options = ManagementClientOptions {
        endpoint: format!("https://management.azure.com:{}", emulator.port()),
        scope: "https://vault.azure.net/.default".into(),
        client_options: emulator.client_options(),
        ..Default::default()
    };
    let client =
        KeyVaultManagementClient::new(SUBSCRIPTION, emulator.credential(), Some(options)).unwrap();
    let err = client.get_vault(RG, "any-vault", None).await.unwrap_err();
    assert!(matches!(err, Error::Authentication { .. }), "{err}");
    assert!(
        err.to_string().contains("InvalidAuthenticationToken"),
        "{err}"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_vault_created_through_arm_serves_the_data_plane_its_access_policies_allow() {
    let emulator = emulator().await;
    let client = client(&emulator);
    // The vault's one policy names another principal: the caller may do nothing.
    let vault = client
        .create_or_update_vault(RG, "data-plane", parameters(&emulator), fast())
        .await
        .unwrap()
        .await
        .unwrap();
    let uri = vault.properties.vault_uri.unwrap();
    assert_eq!(uri.trim_end_matches('/'), emulator.vault_url("data-plane"));
    let options = keyvault_secrets::SecretClientOptions {
        client_options: emulator.client_options(),
        ..Default::default()
    };
    let secrets =
        keyvault_secrets::SecretClient::new(&uri, emulator.credential(), Some(options)).unwrap();
    let denied = secrets.set_secret("s", "v", None).await.unwrap_err();
    assert!(denied.is_forbidden(), "{denied}");
    assert_eq!(denied.code(), Some("Forbidden"));
    assert!(
        denied
            .to_string()
            .contains("does not have secrets set permission"),
        "{denied}"
    );

    // A policy for the caller's object id lets in what it grants, and nothing else.
    let mut grant = policy(&emulator, emulator.object_id(), vec![]);
    grant.permissions.secrets = Some(vec![SecretPermissions::Get, SecretPermissions::Set]);
    client
        .update_access_policy(
            RG,
            "data-plane",
            AccessPolicyUpdateKind::Add,
            VaultAccessPolicyParameters::new(vec![grant]),
            None,
        )
        .await
        .unwrap();
    secrets.set_secret("s", "v", None).await.unwrap();
    assert_eq!(
        secrets
            .get_secret("s", None)
            .await
            .unwrap()
            .value
            .expose_secret(),
        "v"
    );
    let denied = secrets.begin_delete_secret("s", None).await.unwrap_err();
    assert!(denied.is_forbidden(), "{denied}");

    // Under RBAC the policies no longer apply (role assignments are not emulated).
    let mut rbac = parameters(&emulator);
    rbac.properties.enable_rbac_authorization = Some(true);
    client
        .create_or_update_vault(RG, "data-plane", rbac, fast())
        .await
        .unwrap()
        .await
        .unwrap();
    secrets
        .begin_delete_secret(
            "s",
            Some(keyvault_secrets::BeginDeleteSecretOptions {
                polling_interval: Some(std::time::Duration::from_millis(20)),
                ..Default::default()
            }),
        )
        .await
        .unwrap()
        .await
        .unwrap();
    emulator.shutdown().await;
}

#[tokio::test]
async fn the_generic_resource_list_shows_the_vaults_at_its_own_api_version() {
    let emulator = emulator().await;
    let client = client(&emulator);
    create_vaults(
        &emulator,
        &[
            ("rg-a", "listed-1"),
            ("rg-b", "listed-2"),
            ("rg-a", "listed-3"),
        ],
        "not-listed",
    )
    .await;
    emulator.control().clear_requests();

    let mut pages = client
        .list_vaults(Some(ListVaultsOptions {
            max_page_size: Some(2),
            ..Default::default()
        }))
        .unwrap()
        .into_pages();
    let first = pages.try_next().await.unwrap().unwrap();
    let names: Vec<&str> = first.items.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["listed-1", "listed-2"]);
    let vault = &first.items[0];
    assert_eq!(vault.resource_type, "Microsoft.KeyVault/vaults");
    assert_eq!(vault.location, "westus");
    assert_eq!(vault.tags["env"], "test");
    assert_eq!(
        vault.id,
        format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-a/providers/Microsoft.KeyVault/vaults/listed-1")
    );
    let token = first.continuation_token.clone().expect("a second page");
    let second = pages.try_next().await.unwrap().unwrap();
    assert_eq!(second.items.len(), 1);
    assert_eq!(second.items[0].name, "listed-3");
    assert!(pages.try_next().await.unwrap().is_none());

    // Both pages went to /resources with the filter and the resource list's API version.
    let sent = emulator.control().requests();
    assert_eq!(sent.len(), 2, "{sent:?}");
    for request in &sent {
        assert_eq!(
            request.path,
            format!("/subscriptions/{SUBSCRIPTION}/resources")
        );
        let query: HashMap<String, String> = url::form_urlencoded::parse(request.query.as_bytes())
            .into_owned()
            .collect();
        assert_eq!(query["api-version"], mgmt_keyvault::RESOURCES_API_VERSION);
        assert_eq!(
            query["$filter"],
            "resourceType eq 'Microsoft.KeyVault/vaults'"
        );
    }

    let resumed: Vec<String> = client
        .list_vaults(Some(ListVaultsOptions {
            continuation_token: Some(token),
            ..Default::default()
        }))
        .unwrap()
        .map_ok(|r| r.name)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(resumed, ["listed-3"]);
    assert!(client
        .list_vaults(Some(ListVaultsOptions {
            max_page_size: Some(0),
            ..Default::default()
        }))
        .is_err());
    emulator.shutdown().await;
}

#[tokio::test]
async fn the_operations_list_names_the_providers_actions() {
    let emulator = emulator().await;
    let operations: Vec<mgmt_keyvault::Operation> = client(&emulator)
        .list_operations(None)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert!(operations.len() > 20, "{}", operations.len());
    let read = operations
        .iter()
        .find(|o| o.name == "Microsoft.KeyVault/vaults/read")
        .expect("vaults/read");
    let display = read.display.as_ref().unwrap();
    assert_eq!(display.provider.as_deref(), Some("Microsoft Key Vault"));
    assert_eq!(display.operation.as_deref(), Some("View Key Vault"));
    assert_eq!(read.is_data_action, Some(false));
    let logs = operations
        .iter()
        .filter_map(|o| o.properties.as_ref()?.service_specification.as_ref())
        .flat_map(|s| &s.log_specifications)
        .find(|l| l.name.as_deref() == Some("AuditEvent"))
        .expect("the AuditEvent log");
    assert_eq!(logs.blob_duration.as_deref(), Some("PT1H"));

    // Not tied to a subscription: the path has none.
    let sent = emulator.control().requests();
    assert!(sent
        .iter()
        .any(|r| r.path == "/providers/Microsoft.KeyVault/operations"));
    emulator.shutdown().await;
}

#[tokio::test]
async fn send_request_reads_a_vault_through_the_pipeline() {
    use mgmt_keyvault::azure_core::http::{Method, Request, Url};
    let emulator = emulator().await;
    let client = client(&emulator);
    client
        .create_or_update_vault(RG, "vault-raw", parameters(&emulator), fast())
        .await
        .unwrap()
        .await
        .unwrap();
    let url = client
        .endpoint()
        .join(&format!(
            "subscriptions/{SUBSCRIPTION}/resourceGroups/{RG}/providers/Microsoft.KeyVault/vaults/vault-raw"
        ))
        .unwrap();
    let response = client
        .send_request(Request::new(url, Method::Get))
        .await
        .unwrap();
    assert_eq!(u16::from(response.status()), 200);
    let body: serde_json::Value = serde_json::from_slice(response.body().as_ref()).unwrap();
    assert_eq!(body["name"], "vault-raw");
    assert_eq!(body["properties"]["provisioningState"], "Succeeded");

    let foreign = Url::parse("https://management.example.com/subscriptions").unwrap();
    assert!(client
        .send_request(Request::new(foreign, Method::Get))
        .await
        .is_err());
}
