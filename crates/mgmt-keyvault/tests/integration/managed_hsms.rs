//! Every Managed HSM pool operation of `KeyVaultManagementClient` against the emulator's ARM
//! provider, over HTTPS, authenticated by a real `azure_identity::ClientSecretCredential`.

use crate::common::{arm_client, fast, hsm_parameters};
use futures::TryStreamExt;
use keyvault_emulator::{Emulator, EmulatorOptions};
use mgmt_keyvault::{
    CreateMode, Error, KeyVaultManagementClient, ListManagedHsmsBySubscriptionOptions,
    ManagedHsmPatchParameters, ManagedHsmProperties, ManagedHsmSkuName, PollerStatus,
    ProvisioningState, Reason,
};
use std::collections::HashMap;

const SUBSCRIPTION: &str = "00000000-0000-0000-0000-000000000003";
const RG: &str = "hsm-rg";

async fn setup() -> (Emulator, KeyVaultManagementClient) {
    let emulator = Emulator::start(EmulatorOptions::default())
        .await
        .expect("emulator starts");
    let client = arm_client(&emulator, SUBSCRIPTION);
    (emulator, client)
}

fn status_of(err: &Error) -> (u16, Option<&str>) {
    match err {
        Error::Service { status, code, .. } => (*status, code.as_deref()),
        other => panic!("not a service error: {other}"),
    }
}

#[tokio::test]
async fn create_provisions_then_get_update_list() {
    let (emulator, client) = setup().await;
    let mut poller = client
        .create_or_update_managed_hsm(RG, "hsm-one", hsm_parameters(&emulator), fast())
        .await
        .unwrap();
    assert_eq!(
        poller.poll().await.unwrap(),
        PollerStatus::InProgress,
        "Provisioning first"
    );
    let hsm = poller.await.unwrap();
    assert_eq!(hsm.name, "hsm-one");
    assert_eq!(hsm.resource_type, "Microsoft.KeyVault/managedHSMs");
    assert_eq!(
        hsm.properties.provisioning_state,
        Some(ProvisioningState::Succeeded)
    );
    assert_eq!(
        hsm.properties.status_message.as_deref(),
        Some("ManagedHsm is functional.")
    );
    assert_eq!(
        hsm.properties
            .hsm_uri
            .as_deref()
            .unwrap()
            .trim_end_matches('/'),
        emulator.managed_hsm_url("hsm-one")
    );
    assert_eq!(hsm.sku.unwrap().name, ManagedHsmSkuName::StandardB1);

    let patch = ManagedHsmPatchParameters {
        tags: Some(HashMap::from([("Slice".to_string(), "A".to_string())])),
        properties: Some(ManagedHsmProperties {
            enable_purge_protection: Some(true),
            ..Default::default()
        }),
        ..Default::default()
    };
    emulator.control().clear_requests();
    let updated = client
        .update_managed_hsm(RG, "hsm-one", patch, fast())
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(updated.tags["Slice"], "A");
    // The update answered 202 with a `Location` only: the poller followed it (202, then the
    // pool), as the spec's final-state-via: location says, and never read the pool itself.
    let polls: Vec<(String, u16)> = emulator
        .control()
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET")
        .map(|r| (r.path, r.status))
        .collect();
    assert!(
        !polls.is_empty()
            && polls
                .iter()
                .all(|(path, _)| path.contains("/managedHsmOperationResults/")),
        "{polls:?}"
    );
    assert_eq!(polls.last().unwrap().1, 200);
    assert_eq!(
        updated.properties.provisioning_state,
        Some(ProvisioningState::Succeeded)
    );
    assert_eq!(updated.properties.enable_purge_protection, Some(true));
    assert_eq!(
        client.get_managed_hsm(RG, "hsm-one", None).await.unwrap(),
        updated
    );

    client
        .create_or_update_managed_hsm("other-rg", "hsm-two", hsm_parameters(&emulator), fast())
        .await
        .unwrap()
        .await
        .unwrap();
    let in_rg: Vec<String> = client
        .list_managed_hsms_by_resource_group(RG, None)
        .unwrap()
        .map_ok(|h| h.name)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(in_rg, ["hsm-one"]);
    let all: Vec<String> = client
        .list_managed_hsms_by_subscription(Some(ListManagedHsmsBySubscriptionOptions {
            max_page_size: Some(1),
            ..Default::default()
        }))
        .unwrap()
        .map_ok(|h| h.name)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all, ["hsm-one", "hsm-two"]);
    // Pools and vaults have separate name spaces, but pool names are global.
    let taken = client
        .check_managed_hsm_name_availability("hsm-one", None)
        .await
        .unwrap();
    assert_eq!(
        (taken.name_available, taken.reason),
        (false, Some(Reason::AlreadyExists))
    );
    assert!(
        client
            .check_vault_name_availability("hsm-one", None)
            .await
            .unwrap()
            .name_available
    );
    let invalid = client
        .check_managed_hsm_name_availability("1-bad", None)
        .await
        .unwrap();
    assert_eq!(invalid.reason, Some(Reason::AccountNameInvalid));
    emulator.shutdown().await;
}

#[tokio::test]
async fn delete_is_long_running_then_recover_or_purge() {
    let (emulator, client) = setup().await;
    client
        .create_or_update_managed_hsm(RG, "doomed-hsm", hsm_parameters(&emulator), fast())
        .await
        .unwrap()
        .await
        .unwrap();
    let mut poller = client
        .delete_managed_hsm(RG, "doomed-hsm", fast())
        .await
        .unwrap();
    assert_eq!(poller.poll().await.unwrap(), PollerStatus::InProgress);
    poller.await.unwrap();
    let err = client
        .get_managed_hsm(RG, "doomed-hsm", None)
        .await
        .unwrap_err();
    assert_eq!(status_of(&err), (404, Some("ResourceNotFound")));
    // Deleting what is not there is done at once (204).
    client
        .delete_managed_hsm(RG, "doomed-hsm", fast())
        .await
        .unwrap()
        .await
        .unwrap();

    let deleted = client
        .get_deleted_managed_hsm("westus", "doomed-hsm", None)
        .await
        .unwrap();
    assert_eq!(
        deleted.resource_type,
        "Microsoft.KeyVault/deletedManagedHSMs"
    );
    let p = &deleted.properties;
    assert!(p
        .mhsm_id
        .as_deref()
        .unwrap()
        .ends_with("/managedHSMs/doomed-hsm"));
    assert_eq!(
        p.scheduled_purge_date.unwrap() - p.deletion_date.unwrap(),
        time::Duration::days(7)
    );
    assert_eq!(p.tags["Dept"], "hsm");
    let listed: Vec<String> = client
        .list_deleted_managed_hsms(None)
        .unwrap()
        .map_ok(|h| h.name)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed, ["doomed-hsm"]);

    let err = client
        .create_or_update_managed_hsm(RG, "doomed-hsm", hsm_parameters(&emulator), fast())
        .await
        .unwrap_err();
    assert_eq!(status_of(&err), (409, Some("ConflictError")));
    let mut recover = hsm_parameters(&emulator);
    recover.properties.create_mode = Some(CreateMode::Recover);
    let recovered = client
        .create_or_update_managed_hsm(RG, "doomed-hsm", recover, fast())
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(
        recovered.properties.provisioning_state,
        Some(ProvisioningState::Succeeded)
    );

    client
        .delete_managed_hsm(RG, "doomed-hsm", fast())
        .await
        .unwrap()
        .await
        .unwrap();
    let mut purge = client
        .purge_deleted_managed_hsm("westus", "doomed-hsm", fast())
        .await
        .unwrap();
    assert_eq!(purge.poll().await.unwrap(), PollerStatus::InProgress);
    purge.await.unwrap();
    let err = client
        .get_deleted_managed_hsm("westus", "doomed-hsm", None)
        .await
        .unwrap_err();
    assert_eq!(status_of(&err).0, 404);
    assert!(
        client
            .check_managed_hsm_name_availability("doomed-hsm", None)
            .await
            .unwrap()
            .name_available
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn purge_protection_holds_a_deleted_pool() {
    let (emulator, client) = setup().await;
    let mut params = hsm_parameters(&emulator);
    params.properties.enable_purge_protection = Some(true);
    client
        .create_or_update_managed_hsm(RG, "kept-hsm", params, fast())
        .await
        .unwrap()
        .await
        .unwrap();
    client
        .delete_managed_hsm(RG, "kept-hsm", fast())
        .await
        .unwrap()
        .await
        .unwrap();
    let err = client
        .purge_deleted_managed_hsm("westus", "kept-hsm", fast())
        .await
        .unwrap_err();
    assert_eq!(status_of(&err).0, 409);
    emulator.shutdown().await;
}

#[tokio::test]
async fn bad_arguments_fail_before_sending() {
    let (emulator, client) = setup().await;
    let before = emulator.control().requests().len();
    let err = client
        .create_or_update_managed_hsm(RG, "a--b", hsm_parameters(&emulator), fast())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidArgument {
                argument: "name",
                ..
            }
        ),
        "{err}"
    );
    let mut no_tenant = hsm_parameters(&emulator);
    no_tenant.properties.tenant_id = None;
    let err = client
        .create_or_update_managed_hsm(RG, "good-hsm", no_tenant, fast())
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
    let mut no_admins = hsm_parameters(&emulator);
    no_admins.properties.initial_admin_object_ids = Some(Vec::new());
    let err = client
        .create_or_update_managed_hsm(RG, "good-hsm", no_admins, fast())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidArgument {
                argument: "initial_admin_object_ids",
                ..
            }
        ),
        "{err}"
    );
    assert!(client
        .get_deleted_managed_hsm("west us", "good-hsm", None)
        .await
        .is_err());
    assert!(client
        .list_managed_hsms_by_resource_group("bad/rg", None)
        .is_err());
    assert_eq!(
        emulator.control().requests().len(),
        before,
        "nothing was sent"
    );
    emulator.shutdown().await;
}
