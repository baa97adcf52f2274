//! Private endpoint connections of vaults and Managed HSM pools, private link resources, pool
//! regions and network security perimeter configurations, against the emulator's ARM provider
//! over HTTPS with a real `azure_identity::ClientSecretCredential`. Connections are added as
//! Azure's network side would add them, through the emulator's control plane.

use crate::common::{arm_client, fast, hsm_parameters, resume, standard_vault};
use futures::TryStreamExt;
use keyvault_emulator::{Emulator, EmulatorOptions};
use mgmt_keyvault::{
    Error, KeyVaultManagementClient, ListManagedHsmRegionsOptions,
    ListPrivateEndpointConnectionsOptions, MhsmGeoReplicatedRegion, PollerStatus,
    PrivateEndpointConnectionParameters, PrivateEndpointConnectionProvisioningState,
    PrivateEndpointServiceConnectionStatus,
};
use std::time::Duration;

const SUBSCRIPTION: &str = "00000000-0000-0000-0000-000000000007";
const RG: &str = "link-rg";
const VAULT: &str = "link-vault";
const HSM: &str = "link-hsm";

async fn setup(latency: Duration) -> (Emulator, KeyVaultManagementClient) {
    let emulator = Emulator::start(EmulatorOptions {
        arm_operation_latency: latency,
        ..Default::default()
    })
    .await
    .expect("emulator starts");
    let client = arm_client(&emulator, SUBSCRIPTION);
    (emulator, client)
}

async fn with_vault(latency: Duration) -> (Emulator, KeyVaultManagementClient) {
    let (emulator, client) = setup(Duration::ZERO).await;
    client
        .create_or_update_vault(RG, VAULT, standard_vault(&emulator), fast())
        .await
        .unwrap()
        .await
        .unwrap();
    emulator.control().set_arm_operation_latency(latency);
    (emulator, client)
}

async fn with_hsm() -> (Emulator, KeyVaultManagementClient) {
    let (emulator, client) = setup(Duration::ZERO).await;
    let mut parameters = hsm_parameters(&emulator);
    parameters.properties.regions = Some(vec![MhsmGeoReplicatedRegion {
        name: Some("eastus".into()),
        provisioning_state: None,
        is_primary: None,
    }]);
    client
        .create_or_update_managed_hsm(RG, HSM, parameters, fast())
        .await
        .unwrap()
        .await
        .unwrap();
    (emulator, client)
}

fn vault_id() -> String {
    format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/{RG}/providers/Microsoft.KeyVault/vaults/{VAULT}")
}

fn hsm_id() -> String {
    format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/{RG}/providers/Microsoft.KeyVault/managedHSMs/{HSM}")
}

/// A connection as the network side makes it when a private endpoint targets the resource.
fn connect(emulator: &Emulator, resource_id: &str, name: &str) {
    emulator
        .control()
        .add_private_endpoint_connection(resource_id, name, None)
        .expect("connection added");
}

fn status_of(err: &Error) -> (u16, Option<&str>) {
    match err {
        Error::Service { status, code, .. } => (*status, code.as_deref()),
        other => panic!("not a service error: {other}"),
    }
}

#[tokio::test]
async fn a_vault_connection_is_approved_listed_and_deleted() {
    let (emulator, client) = with_vault(Duration::ZERO).await;
    let endpoint = format!(
        "/subscriptions/{SUBSCRIPTION}/resourceGroups/net-rg/providers/Microsoft.Network/privateEndpoints/pe-1"
    );
    emulator
        .control()
        .add_private_endpoint_connection(&vault_id(), "pe-1.conn", Some(&endpoint))
        .unwrap();

    let pending = client
        .get_private_endpoint_connection(RG, VAULT, "pe-1.conn", None)
        .await
        .unwrap()
        .expect("a connection");
    assert_eq!(pending.name, "pe-1.conn");
    assert_eq!(
        pending.id,
        format!("{}/privateEndpointConnections/pe-1.conn", vault_id())
    );
    assert_eq!(
        pending.resource_type,
        "Microsoft.KeyVault/vaults/privateEndpointConnections"
    );
    let state = pending
        .properties
        .private_link_service_connection_state
        .clone()
        .unwrap();
    assert_eq!(
        state.status,
        Some(PrivateEndpointServiceConnectionStatus::Pending)
    );
    assert_eq!(
        pending
            .properties
            .private_endpoint
            .as_ref()
            .unwrap()
            .id
            .as_deref(),
        Some(endpoint.as_str())
    );

    // The vault's own body lists it too.
    let listed = client
        .get_vault(RG, VAULT, None)
        .await
        .unwrap()
        .properties
        .private_endpoint_connections
        .expect("the vault lists its connections");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id.as_deref(), Some(pending.id.as_str()));
    assert_eq!(listed[0].etag, pending.etag);
    assert_eq!(listed[0].properties.as_ref(), Some(&pending.properties));

    let mut approve = PrivateEndpointConnectionParameters::approve("Approved by the owner.");
    approve.etag = pending.etag.clone();
    let approved = client
        .put_private_endpoint_connection(RG, VAULT, "pe-1.conn", approve.clone(), None)
        .await
        .unwrap();
    let state = approved
        .properties
        .private_link_service_connection_state
        .clone()
        .unwrap();
    assert_eq!(
        state.status,
        Some(PrivateEndpointServiceConnectionStatus::Approved)
    );
    assert_eq!(state.description.as_deref(), Some("Approved by the owner."));
    assert_eq!(
        approved.properties.provisioning_state,
        Some(PrivateEndpointConnectionProvisioningState::Succeeded)
    );
    assert_ne!(approved.etag, pending.etag, "a new version");

    // The etag read before the approval is stale now.
    let err = client
        .put_private_endpoint_connection(RG, VAULT, "pe-1.conn", approve, None)
        .await
        .unwrap_err();
    assert_eq!(status_of(&err), (412, Some("PreconditionFailed")));

    let listed: Vec<_> = client
        .list_private_endpoint_connections(RG, VAULT, None)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed, std::slice::from_ref(&approved));

    let mut poller = client
        .delete_private_endpoint_connection(RG, VAULT, "pe-1.conn", fast())
        .await
        .unwrap();
    assert_eq!(poller.poll().await.unwrap(), PollerStatus::InProgress);
    let during = client
        .get_private_endpoint_connection(RG, VAULT, "pe-1.conn", None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        during.properties.provisioning_state,
        Some(PrivateEndpointConnectionProvisioningState::Deleting)
    );
    let gone = poller.await.unwrap().expect("the final state");
    assert_eq!(gone.name, "pe-1.conn");
    assert_eq!(
        gone.properties.provisioning_state,
        Some(PrivateEndpointConnectionProvisioningState::Disconnected)
    );

    let err = client
        .get_private_endpoint_connection(RG, VAULT, "pe-1.conn", None)
        .await
        .unwrap_err();
    assert_eq!(
        status_of(&err),
        (404, Some("PrivateEndpointConnectionNotFound"))
    );
    let listed: Vec<_> = client
        .list_private_endpoint_connections(RG, VAULT, None)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert!(listed.is_empty());
    // Deleting what does not exist is the spec's 204: done at once, without a connection.
    let again = client
        .delete_private_endpoint_connection(RG, VAULT, "pe-1.conn", fast())
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(again, None);
}

#[tokio::test]
async fn a_rejected_connection_cannot_be_pending_again_and_unknown_ones_are_404() {
    let (emulator, client) = with_vault(Duration::ZERO).await;
    connect(&emulator, &vault_id(), "pe-2");
    let rejected = client
        .put_private_endpoint_connection(
            RG,
            VAULT,
            "pe-2",
            PrivateEndpointConnectionParameters::reject("Not ours."),
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        rejected
            .properties
            .private_link_service_connection_state
            .unwrap()
            .status,
        Some(PrivateEndpointServiceConnectionStatus::Rejected)
    );
    let err = client
        .put_private_endpoint_connection(
            RG,
            VAULT,
            "pe-2",
            PrivateEndpointConnectionParameters::new(
                PrivateEndpointServiceConnectionStatus::Pending,
                "again",
            ),
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(status_of(&err).0, 400);

    // Only the network side makes connections: a PUT cannot create one.
    let err = client
        .put_private_endpoint_connection(
            RG,
            VAULT,
            "never-made",
            PrivateEndpointConnectionParameters::approve("yes"),
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(
        status_of(&err),
        (404, Some("PrivateEndpointConnectionNotFound"))
    );
    // A vault that does not exist is the vault's 404.
    let err = client
        .list_private_endpoint_connections(RG, "no-such-vault", None)
        .unwrap()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(status_of(&err), (404, Some("ResourceNotFound")));
}

#[tokio::test]
async fn connections_are_paged_and_a_list_resumes_from_its_token() {
    let (emulator, client) = with_vault(Duration::ZERO).await;
    for name in ["pe-a", "pe-b", "pe-c"] {
        connect(&emulator, &vault_id(), name);
    }
    let mut pages = client
        .list_private_endpoint_connections(
            RG,
            VAULT,
            Some(ListPrivateEndpointConnectionsOptions {
                max_page_size: Some(2),
                ..Default::default()
            }),
        )
        .unwrap()
        .into_pages();
    let first = pages.try_next().await.unwrap().unwrap();
    let names: Vec<_> = first.items.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["pe-a", "pe-b"]);
    let token = first.continuation_token.clone().expect("a second page");
    drop(pages);
    let rest: Vec<_> = client
        .list_private_endpoint_connections(
            RG,
            VAULT,
            Some(ListPrivateEndpointConnectionsOptions {
                continuation_token: Some(token),
                ..Default::default()
            }),
        )
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].name, "pe-c");
}

#[tokio::test]
async fn a_delete_resumes_from_its_token_on_a_new_client() {
    let latency = Duration::from_secs(600);
    let (emulator, client) = with_vault(latency).await;
    connect(&emulator, &vault_id(), "pe-resume");
    let mut poller = client
        .delete_private_endpoint_connection(RG, VAULT, "pe-resume", fast())
        .await
        .unwrap();
    assert_eq!(poller.poll().await.unwrap(), PollerStatus::InProgress);
    assert_eq!(
        poller.poll().await.unwrap(),
        PollerStatus::InProgress,
        "held by the latency"
    );
    let token = poller.continuation_token();
    drop(poller);

    // A token of this delete does not resume another connection's, nor another operation.
    let other = arm_client(&emulator, SUBSCRIPTION);
    let err = other
        .delete_private_endpoint_connection(RG, VAULT, "pe-other", resume(&token))
        .await
        .expect_err("refused");
    assert!(
        matches!(
            err,
            Error::InvalidArgument {
                argument: "continuation_token",
                ..
            }
        ),
        "{err}"
    );
    let err = other
        .delete_managed_hsm(RG, VAULT, resume(&token))
        .await
        .expect_err("refused");
    assert!(
        matches!(
            err,
            Error::InvalidArgument {
                argument: "continuation_token",
                ..
            }
        ),
        "{err}"
    );

    let before = emulator.control().requests().len();
    let mut resumed = other
        .delete_private_endpoint_connection(RG, VAULT, "pe-resume", resume(&token))
        .await
        .unwrap();
    assert_eq!(resumed.poll().await.unwrap(), PollerStatus::InProgress);
    emulator
        .control()
        .advance_clock(latency + Duration::from_secs(1));
    let gone = resumed.await.unwrap().expect("the final state");
    assert_eq!(
        gone.properties.provisioning_state,
        Some(PrivateEndpointConnectionProvisioningState::Disconnected)
    );
    let sent = emulator.control().requests();
    assert!(
        sent[before..]
            .iter()
            .all(|r| r.method == "GET" && r.query.contains("operationid=")),
        "only polls of the Location: {:?}",
        &sent[before..]
    );
    let err = client
        .get_private_endpoint_connection(RG, VAULT, "pe-resume", None)
        .await
        .unwrap_err();
    assert_eq!(status_of(&err).0, 404);
}

#[tokio::test]
async fn a_pool_connection_lifecycle_its_private_link_resources_and_regions() {
    let (emulator, client) = with_hsm().await;
    connect(&emulator, &hsm_id(), "hsm-pe");
    let in_pool = client
        .get_managed_hsm(RG, HSM, None)
        .await
        .unwrap()
        .properties
        .private_endpoint_connections
        .expect("the pool lists its connections");
    assert_eq!(in_pool.len(), 1);
    assert!(in_pool[0]
        .id
        .as_deref()
        .unwrap()
        .ends_with("/privateEndpointConnections/hsm-pe"));
    let listed: Vec<_> = client
        .list_managed_hsm_private_endpoint_connections(RG, HSM, None)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        listed[0].resource_type,
        "Microsoft.KeyVault/managedHSMs/privateEndpointConnections"
    );
    let approved = client
        .put_managed_hsm_private_endpoint_connection(
            RG,
            HSM,
            "hsm-pe",
            PrivateEndpointConnectionParameters::approve("ok"),
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        approved
            .properties
            .private_link_service_connection_state
            .as_ref()
            .unwrap()
            .status,
        Some(PrivateEndpointServiceConnectionStatus::Approved)
    );
    let got = client
        .get_managed_hsm_private_endpoint_connection(RG, HSM, "hsm-pe", None)
        .await
        .unwrap();
    assert_eq!(got, approved);
    let gone = client
        .delete_managed_hsm_private_endpoint_connection(RG, HSM, "hsm-pe", fast())
        .await
        .unwrap()
        .await
        .unwrap()
        .expect("the final state");
    assert_eq!(
        gone.properties.provisioning_state,
        Some(PrivateEndpointConnectionProvisioningState::Disconnected)
    );
    let err = client
        .get_managed_hsm_private_endpoint_connection(RG, HSM, "hsm-pe", None)
        .await
        .unwrap_err();
    assert_eq!(
        status_of(&err),
        (404, Some("PrivateEndpointConnectionNotFound"))
    );

    let resources = client
        .list_managed_hsm_private_link_resources(RG, HSM, None)
        .await
        .unwrap();
    assert_eq!(resources.len(), 1);
    assert_eq!(resources[0].name, "managedhsm");
    assert_eq!(resources[0].location.as_deref(), Some("westus"));
    assert_eq!(
        resources[0].properties.required_zone_names,
        ["privatelink.managedhsm.azure.net"]
    );

    let regions: Vec<MhsmGeoReplicatedRegion> = client
        .list_managed_hsm_regions(RG, HSM, None)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    let summary: Vec<_> = regions
        .iter()
        .map(|r| (r.name.as_deref().unwrap(), r.is_primary.unwrap()))
        .collect();
    assert_eq!(summary, [("westus", true), ("eastus", false)]);
    assert!(regions
        .iter()
        .all(|r| r.provisioning_state.as_deref() == Some("Succeeded")));
    // Regions page like the other lists.
    let mut pages = client
        .list_managed_hsm_regions(
            RG,
            HSM,
            Some(ListManagedHsmRegionsOptions {
                max_page_size: Some(1),
                ..Default::default()
            }),
        )
        .unwrap()
        .into_pages();
    let first = pages.try_next().await.unwrap().unwrap();
    assert_eq!(first.items.len(), 1);
    assert!(first.continuation_token.is_some());

    let err = client
        .list_managed_hsm_private_link_resources(RG, "no-such-hsm", None)
        .await
        .unwrap_err();
    assert_eq!(status_of(&err), (404, Some("ResourceNotFound")));
}

#[tokio::test]
async fn a_vault_has_its_vault_group_and_no_perimeter() {
    let (_emulator, client) = with_vault(Duration::ZERO).await;
    let resources = client
        .list_private_link_resources(RG, VAULT, None)
        .await
        .unwrap();
    assert_eq!(resources.len(), 1);
    let vault_group = &resources[0];
    assert_eq!(vault_group.name, "vault");
    assert_eq!(
        vault_group.resource_type,
        "Microsoft.KeyVault/vaults/privateLinkResources"
    );
    assert_eq!(vault_group.properties.group_id.as_deref(), Some("vault"));
    assert_eq!(vault_group.properties.required_members, ["default"]);
    assert_eq!(
        vault_group.properties.required_zone_names,
        ["privatelink.vaultcore.azure.net"]
    );

    let configurations: Vec<_> = client
        .list_network_security_perimeter_configurations(RG, VAULT, None)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert!(configurations.is_empty());
    let err = client
        .get_network_security_perimeter_configuration(RG, VAULT, "nsp.assoc", None)
        .await
        .unwrap_err();
    assert_eq!(
        status_of(&err),
        (404, Some("NetworkSecurityPerimeterConfigurationNotFound"))
    );
    let err = client
        .reconcile_network_security_perimeter_configuration(RG, VAULT, "nsp.assoc", None)
        .await
        .unwrap_err();
    assert_eq!(status_of(&err).0, 404);
}

#[tokio::test]
async fn bad_arguments_are_refused_before_anything_is_sent() {
    let (emulator, client) = setup(Duration::ZERO).await;
    emulator.control().clear_requests();
    let argument = |err: Error| match err {
        Error::InvalidArgument { argument, .. } => argument,
        other => panic!("not an invalid argument: {other}"),
    };
    let approve = PrivateEndpointConnectionParameters::approve("ok");
    assert_eq!(
        argument(
            client
                .list_private_endpoint_connections("rg/x", VAULT, None)
                .err()
                .unwrap()
        ),
        "resource_group"
    );
    assert_eq!(
        argument(
            client
                .get_private_endpoint_connection(RG, "ab", "pec", None)
                .await
                .unwrap_err()
        ),
        "vault_name"
    );
    assert_eq!(
        argument(
            client
                .put_private_endpoint_connection(RG, VAULT, "a/b", approve.clone(), None)
                .await
                .unwrap_err()
        ),
        "private_endpoint_connection_name"
    );
    assert_eq!(
        argument(
            client
                .put_private_endpoint_connection(
                    RG,
                    VAULT,
                    "pec",
                    PrivateEndpointConnectionParameters::default(),
                    None,
                )
                .await
                .unwrap_err()
        ),
        "properties.private_link_service_connection_state.status"
    );
    assert_eq!(
        argument(
            client
                .delete_private_endpoint_connection(RG, VAULT, "", None)
                .await
                .err()
                .unwrap()
        ),
        "private_endpoint_connection_name"
    );
    assert_eq!(
        argument(
            client
                .put_managed_hsm_private_endpoint_connection(RG, "1hsm", "pec", approve, None)
                .await
                .unwrap_err()
        ),
        "name"
    );
    assert_eq!(
        argument(
            client
                .delete_managed_hsm_private_endpoint_connection(RG, HSM, "x?y", None)
                .await
                .err()
                .unwrap()
        ),
        "private_endpoint_connection_name"
    );
    assert_eq!(
        argument(
            client
                .list_managed_hsm_private_link_resources("", HSM, None)
                .await
                .unwrap_err()
        ),
        "resource_group"
    );
    assert_eq!(
        argument(
            client
                .list_managed_hsm_regions(RG, "h", None)
                .err()
                .unwrap()
        ),
        "name"
    );
    assert_eq!(
        argument(
            client
                .list_managed_hsm_regions(
                    RG,
                    HSM,
                    Some(ListManagedHsmRegionsOptions {
                        max_page_size: Some(0),
                        ..Default::default()
                    })
                )
                .err()
                .unwrap()
        ),
        "max_page_size"
    );
    assert_eq!(
        argument(
            client
                .get_network_security_perimeter_configuration(RG, VAULT, &"n".repeat(513), None)
                .await
                .unwrap_err()
        ),
        "configuration_name"
    );
    assert_eq!(
        argument(
            client
                .reconcile_network_security_perimeter_configuration(RG, VAULT, "..", None)
                .await
                .unwrap_err()
        ),
        "configuration_name"
    );
    assert!(
        emulator.control().requests().is_empty(),
        "nothing sent: {:?}",
        emulator.control().requests()
    );
}
