//! Private endpoint connections, private link resources, Managed HSM regions and network
//! security perimeter configurations of `KeyVaultManagementClient`.

use crate::client::{KeyVaultManagementClient, ListVaultsOptions};
use crate::hsm_models::MhsmGeoReplicatedRegion;
use crate::operation::OperationKind;
use crate::private_link_models::{
    ListResult, MhsmPrivateEndpointConnection, MhsmPrivateLinkResource,
    NetworkSecurityPerimeterConfiguration, PrivateEndpointConnection,
    PrivateEndpointConnectionParameters, PrivateLinkResource,
};
use crate::validation::{validate_child_name, validate_resource_group, validate_vault_name};
use azure_core::http::{Method, StatusCode};
use keyvault_core::{
    pipeline::{deserialize, to_json},
    Error, Pager, Poller, PollerOptions, Result,
};
use url::Url;

const CONNECTIONS: &str = "privateEndpointConnections";
const PERIMETER_CONFIGURATIONS: &str = "networkSecurityPerimeterConfigurations";

/// The connection argument's name in errors.
const CONNECTION_NAME: &str = "private_endpoint_connection_name";

fn check_vault(resource_group: &str, vault_name: &str) -> Result<()> {
    validate_resource_group("resource_group", resource_group)?;
    validate_vault_name("vault_name", vault_name)
}

/// A PUT must say what the connection becomes; without a state the service has nothing to do.
fn check_parameters(parameters: &PrivateEndpointConnectionParameters) -> Result<()> {
    let state = parameters
        .properties
        .private_link_service_connection_state
        .as_ref();
    if state.and_then(|s| s.status.as_ref()).is_none() {
        return Err(Error::invalid_argument(
            "properties.private_link_service_connection_state.status",
            "is required to update a private endpoint connection",
        ));
    }
    Ok(())
}

impl KeyVaultManagementClient {
    fn connection_url(&self, resource_group: &str, vault_name: &str, name: &str) -> Url {
        self.vault_url(resource_group, vault_name, &[CONNECTIONS, name])
    }

    fn hsm_connection_url(&self, resource_group: &str, name: &str, connection: &str) -> Url {
        self.hsm_url_with(resource_group, name, &[CONNECTIONS, connection])
    }

    /// The private endpoint connections of a vault (`PrivateEndpointConnections_ListByResource`).
    pub fn list_private_endpoint_connections(
        &self,
        resource_group: &str,
        vault_name: &str,
        options: Option<ListVaultsOptions>,
    ) -> Result<Pager<PrivateEndpointConnection>> {
        check_vault(resource_group, vault_name)?;
        let url = self.vault_url(resource_group, vault_name, &[CONNECTIONS]);
        self.pager(
            "KeyVaultManagementClient.list_private_endpoint_connections",
            url,
            options,
        )
    }

    /// Reads a private endpoint connection of a vault (`PrivateEndpointConnections_Get`).
    ///
    /// `None` when the service answers `204 No Content`, which the spec allows for a
    /// connection that no longer exists; an unknown connection may also be a 404
    /// [`Error::Service`], as the emulator answers.
    pub async fn get_private_endpoint_connection(
        &self,
        resource_group: &str,
        vault_name: &str,
        private_endpoint_connection_name: &str,
    ) -> Result<Option<PrivateEndpointConnection>> {
        let pipeline = self
            .pipeline
            .traced("KeyVaultManagementClient.get_private_endpoint_connection");
        check_vault(resource_group, vault_name)?;
        validate_child_name(CONNECTION_NAME, private_endpoint_connection_name)?;
        let url = self.connection_url(resource_group, vault_name, private_endpoint_connection_name);
        let response = pipeline.send(Method::Get, url, None).await?;
        if response.status() == StatusCode::NoContent {
            return Ok(None);
        }
        deserialize(response.body().as_ref()).map(Some)
    }

    /// Approves or rejects a private endpoint connection of a vault
    /// (`PrivateEndpointConnections_Put`). Connections are made by the network side, when a
    /// private endpoint is created for the vault; the vault's owner only changes their state.
    pub async fn put_private_endpoint_connection(
        &self,
        resource_group: &str,
        vault_name: &str,
        private_endpoint_connection_name: &str,
        parameters: PrivateEndpointConnectionParameters,
    ) -> Result<PrivateEndpointConnection> {
        let pipeline = self
            .pipeline
            .traced("KeyVaultManagementClient.put_private_endpoint_connection");
        check_vault(resource_group, vault_name)?;
        validate_child_name(CONNECTION_NAME, private_endpoint_connection_name)?;
        check_parameters(&parameters)?;
        let url = self.connection_url(resource_group, vault_name, private_endpoint_connection_name);
        pipeline
            .send_json(Method::Put, url, Some(to_json(&parameters)?))
            .await
    }

    /// Deletes a private endpoint connection of a vault
    /// (`PrivateEndpointConnections_Delete`). A long-running operation that ends with the
    /// connection in its final `Disconnected` state, or `None` when the service answers
    /// without one (204: there was no such connection).
    /// [Resumable](KeyVaultManagementClient#resuming-a-long-running-operation) from a token
    /// of this method on the same connection.
    pub async fn delete_private_endpoint_connection(
        &self,
        resource_group: &str,
        vault_name: &str,
        private_endpoint_connection_name: &str,
        options: Option<PollerOptions>,
    ) -> Result<Poller<Option<PrivateEndpointConnection>>> {
        check_vault(resource_group, vault_name)?;
        validate_child_name(CONNECTION_NAME, private_endpoint_connection_name)?;
        let url = self.connection_url(resource_group, vault_name, private_endpoint_connection_name);
        self.begin_final_location(
            "KeyVaultManagementClient.delete_private_endpoint_connection",
            OperationKind::PrivateEndpointConnectionsDelete,
            url,
            options,
        )
        .await
    }

    /// The private endpoint connections of a Managed HSM pool
    /// (`MHSMPrivateEndpointConnections_ListByResource`).
    pub fn list_managed_hsm_private_endpoint_connections(
        &self,
        resource_group: &str,
        name: &str,
        options: Option<ListVaultsOptions>,
    ) -> Result<Pager<MhsmPrivateEndpointConnection>> {
        Self::check_hsm(resource_group, name)?;
        self.pager(
            "KeyVaultManagementClient.list_managed_hsm_private_endpoint_connections",
            self.hsm_url_with(resource_group, name, &[CONNECTIONS]),
            options,
        )
    }

    /// Reads a private endpoint connection of a Managed HSM pool
    /// (`MHSMPrivateEndpointConnections_Get`).
    pub async fn get_managed_hsm_private_endpoint_connection(
        &self,
        resource_group: &str,
        name: &str,
        private_endpoint_connection_name: &str,
    ) -> Result<MhsmPrivateEndpointConnection> {
        let pipeline = self
            .pipeline
            .traced("KeyVaultManagementClient.get_managed_hsm_private_endpoint_connection");
        Self::check_hsm(resource_group, name)?;
        validate_child_name(CONNECTION_NAME, private_endpoint_connection_name)?;
        let url = self.hsm_connection_url(resource_group, name, private_endpoint_connection_name);
        pipeline.send_json(Method::Get, url, None).await
    }

    /// Approves or rejects a private endpoint connection of a Managed HSM pool
    /// (`MHSMPrivateEndpointConnections_Put`).
    pub async fn put_managed_hsm_private_endpoint_connection(
        &self,
        resource_group: &str,
        name: &str,
        private_endpoint_connection_name: &str,
        parameters: PrivateEndpointConnectionParameters,
    ) -> Result<MhsmPrivateEndpointConnection> {
        let pipeline = self
            .pipeline
            .traced("KeyVaultManagementClient.put_managed_hsm_private_endpoint_connection");
        Self::check_hsm(resource_group, name)?;
        validate_child_name(CONNECTION_NAME, private_endpoint_connection_name)?;
        check_parameters(&parameters)?;
        let url = self.hsm_connection_url(resource_group, name, private_endpoint_connection_name);
        pipeline
            .send_json(Method::Put, url, Some(to_json(&parameters)?))
            .await
    }

    /// Deletes a private endpoint connection of a Managed HSM pool
    /// (`MHSMPrivateEndpointConnections_Delete`). A long-running operation that ends with the
    /// connection in its final `Disconnected` state, or `None` when the service answers
    /// without one (204: there was no such connection).
    /// [Resumable](KeyVaultManagementClient#resuming-a-long-running-operation) from a token
    /// of this method on the same connection.
    pub async fn delete_managed_hsm_private_endpoint_connection(
        &self,
        resource_group: &str,
        name: &str,
        private_endpoint_connection_name: &str,
        options: Option<PollerOptions>,
    ) -> Result<Poller<Option<MhsmPrivateEndpointConnection>>> {
        Self::check_hsm(resource_group, name)?;
        validate_child_name(CONNECTION_NAME, private_endpoint_connection_name)?;
        let url = self.hsm_connection_url(resource_group, name, private_endpoint_connection_name);
        self.begin_final_location(
            "KeyVaultManagementClient.delete_managed_hsm_private_endpoint_connection",
            OperationKind::MhsmPrivateEndpointConnectionsDelete,
            url,
            options,
        )
        .await
    }

    /// What a private endpoint can connect to on a vault (`PrivateLinkResources_ListByVault`):
    /// its `vault` group and the DNS zone it needs. Not paged by the service.
    pub async fn list_private_link_resources(
        &self,
        resource_group: &str,
        vault_name: &str,
    ) -> Result<Vec<PrivateLinkResource>> {
        let pipeline = self
            .pipeline
            .traced("KeyVaultManagementClient.list_private_link_resources");
        check_vault(resource_group, vault_name)?;
        let url = self.vault_url(resource_group, vault_name, &["privateLinkResources"]);
        let list: ListResult<PrivateLinkResource> =
            pipeline.send_json(Method::Get, url, None).await?;
        Ok(list.value)
    }

    /// What a private endpoint can connect to on a Managed HSM pool
    /// (`MHSMPrivateLinkResources_ListByMHSMResource`). Not paged by the service.
    pub async fn list_managed_hsm_private_link_resources(
        &self,
        resource_group: &str,
        name: &str,
    ) -> Result<Vec<MhsmPrivateLinkResource>> {
        let pipeline = self
            .pipeline
            .traced("KeyVaultManagementClient.list_managed_hsm_private_link_resources");
        Self::check_hsm(resource_group, name)?;
        let url = self.hsm_url_with(resource_group, name, &["privateLinkResources"]);
        let list: ListResult<MhsmPrivateLinkResource> =
            pipeline.send_json(Method::Get, url, None).await?;
        Ok(list.value)
    }

    /// The regions of a Managed HSM pool (`MHSMRegions_ListByResource`): its primary region
    /// and those it is replicated to.
    pub fn list_managed_hsm_regions(
        &self,
        resource_group: &str,
        name: &str,
        options: Option<ListVaultsOptions>,
    ) -> Result<Pager<MhsmGeoReplicatedRegion>> {
        Self::check_hsm(resource_group, name)?;
        self.pager(
            "KeyVaultManagementClient.list_managed_hsm_regions",
            self.hsm_url_with(resource_group, name, &["regions"]),
            options,
        )
    }

    /// The configurations that network security perimeters apply to a vault
    /// (`NetworkSecurityPerimeterConfigurations_ListConfigurations`).
    pub fn list_network_security_perimeter_configurations(
        &self,
        resource_group: &str,
        vault_name: &str,
        options: Option<ListVaultsOptions>,
    ) -> Result<Pager<NetworkSecurityPerimeterConfiguration>> {
        check_vault(resource_group, vault_name)?;
        let url = self.vault_url(resource_group, vault_name, &[PERIMETER_CONFIGURATIONS]);
        self.pager(
            "KeyVaultManagementClient.list_network_security_perimeter_configurations",
            url,
            options,
        )
    }

    /// Reads a network security perimeter configuration of a vault
    /// (`NetworkSecurityPerimeterConfigurations_GetConfiguration`).
    pub async fn get_network_security_perimeter_configuration(
        &self,
        resource_group: &str,
        vault_name: &str,
        configuration_name: &str,
    ) -> Result<NetworkSecurityPerimeterConfiguration> {
        let pipeline = self
            .pipeline
            .traced("KeyVaultManagementClient.get_network_security_perimeter_configuration");
        check_vault(resource_group, vault_name)?;
        validate_child_name("configuration_name", configuration_name)?;
        let url = self.vault_url(
            resource_group,
            vault_name,
            &[PERIMETER_CONFIGURATIONS, configuration_name],
        );
        pipeline.send_json(Method::Get, url, None).await
    }

    /// Asks the service to apply a network security perimeter configuration to a vault again
    /// (`NetworkSecurityPerimeterConfigurations_ReconcileConfiguration`). Not long-running:
    /// the service answers `204 No Content` once it has taken the request.
    pub async fn reconcile_network_security_perimeter_configuration(
        &self,
        resource_group: &str,
        vault_name: &str,
        configuration_name: &str,
    ) -> Result<()> {
        let pipeline = self
            .pipeline
            .traced("KeyVaultManagementClient.reconcile_network_security_perimeter_configuration");
        check_vault(resource_group, vault_name)?;
        validate_child_name("configuration_name", configuration_name)?;
        let url = self.vault_url(
            resource_group,
            vault_name,
            &[PERIMETER_CONFIGURATIONS, configuration_name, "reconcile"],
        );
        pipeline.send(Method::Post, url, None).await.map(drop)
    }
}
