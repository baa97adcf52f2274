//! Per-call options: the `Context` a caller puts in `method_options` reaches every request of
//! the call (the PUT and each poll, each page, the generic resource list's own pipeline), where
//! the caller's own per-call policy can read it, as azure_core's `ClientMethodOptions`
//! promises. Against the emulator's ARM provider over HTTPS.

use crate::common::{fast, standard_vault};
use futures::TryStreamExt;
use keyvault_emulator::{Emulator, EmulatorOptions};
use keyvault_testkit::context::{tagged, TagRecorder};
use mgmt_keyvault::{
    CreateOrUpdateVaultOptions, GetVaultOptions, KeyVaultManagementClient,
    ListVaultsByResourceGroupOptions, ListVaultsOptions, ManagementClientOptions,
};

const SUBSCRIPTION: &str = "00000000-0000-0000-0000-000000000009";
const RG: &str = "context-rg";

#[tokio::test]
async fn the_callers_context_reaches_every_request_of_the_call() {
    let emulator = Emulator::start(EmulatorOptions::default()).await.unwrap();
    let recorder = TagRecorder::new();
    let mut client_options = emulator.client_options();
    client_options.per_call_policies.push(recorder.clone());
    let client = KeyVaultManagementClient::new(
        SUBSCRIPTION,
        emulator.credential(),
        Some(ManagementClientOptions {
            endpoint: format!("https://management.azure.com:{}", emulator.port()),
            client_options,
            ..Default::default()
        }),
    )
    .unwrap();

    client
        .create_or_update_vault(
            RG,
            "context-a",
            standard_vault(&emulator),
            Some(CreateOrUpdateVaultOptions {
                method_options: tagged("create"),
                ..fast::<CreateOrUpdateVaultOptions<'_>>().unwrap()
            }),
        )
        .await
        .unwrap()
        .await
        .unwrap();
    client
        .create_or_update_vault(RG, "context-b", standard_vault(&emulator), fast())
        .await
        .unwrap()
        .await
        .unwrap();
    client.get_vault(RG, "context-a", None).await.unwrap();
    client
        .get_vault(
            RG,
            "context-b",
            Some(GetVaultOptions {
                method_options: tagged("get"),
            }),
        )
        .await
        .unwrap();
    let listed: Vec<_> = client
        .list_vaults_by_resource_group(
            RG,
            Some(ListVaultsByResourceGroupOptions {
                max_page_size: Some(1),
                method_options: tagged("list"),
                ..Default::default()
            }),
        )
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed.len(), 2);
    let resources: Vec<_> = client
        .list_vaults(Some(ListVaultsOptions {
            method_options: tagged("resources"),
            ..Default::default()
        }))
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(resources.len(), 2);

    let seen = recorder.paths();
    let tags_of = |tag: &str| seen.iter().filter(|(_, t)| *t == Some(tag)).count();
    let vault_a = format!(
        "/subscriptions/{SUBSCRIPTION}/resourceGroups/{RG}/providers/Microsoft.KeyVault/vaults/context-a"
    );
    assert!(tags_of("create") >= 1, "{seen:?}");
    assert!(
        seen.iter()
            .any(|(path, t)| *path == vault_a && *t == Some("create")),
        "{seen:?}"
    );
    assert_eq!(tags_of("get"), 1, "{seen:?}");
    // Two pages of one vault each, and the empty last page if the service links to it.
    assert!(tags_of("list") >= 2, "{seen:?}");
    assert!(tags_of("resources") >= 1, "{seen:?}");
    assert!(
        seen.iter()
            .filter(|(path, _)| path.ends_with("/resources"))
            .all(|(_, t)| *t == Some("resources")),
        "{seen:?}"
    );
    // Calls without options carry no tag: the other creation and the first read.
    assert!(
        seen.iter()
            .filter(|(path, _)| path.ends_with("/vaults/context-b"))
            .any(|(_, t)| t.is_none()),
        "{seen:?}"
    );
    assert_eq!(
        seen.iter()
            .filter(|(path, t)| *path == vault_a && t.is_none())
            .count(),
        1,
        "{seen:?}"
    );
}
