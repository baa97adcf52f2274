//! Private endpoint connections, private link resources, Managed HSM regions and network
//! security perimeter configurations of `KeyVaultManagementClient`.

use crate::client::KeyVaultManagementClient;
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
    Error, Pager, Poller, Result,
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

keyvault_core::method_options! {
    /// Options of [`KeyVaultManagementClient::list_private_endpoint_connections`].
    /// `max_page_size` is sent as ARM's `$top`.
    list pub struct ListPrivateEndpointConnectionsOptions {}

    /// Options of [`KeyVaultManagementClient::get_private_endpoint_connection`].
    pub struct GetPrivateEndpointConnectionOptions {}

    /// Options of [`KeyVaultManagementClient::put_private_endpoint_connection`].
    pub struct PutPrivateEndpointConnectionOptions {}

    /// Options of [`KeyVaultManagementClient::delete_private_endpoint_connection`].
    poller pub struct DeletePrivateEndpointConnectionOptions {}

    /// Options of [`KeyVaultManagementClient::list_managed_hsm_private_endpoint_connections`].
    /// `max_page_size` is sent as ARM's `$top`.
    list pub struct ListManagedHsmPrivateEndpointConnectionsOptions {}

    /// Options of [`KeyVaultManagementClient::get_managed_hsm_private_endpoint_connection`].
    pub struct GetManagedHsmPrivateEndpointConnectionOptions {}

    /// Options of [`KeyVaultManagementClient::put_managed_hsm_private_endpoint_connection`].
    pub struct PutManagedHsmPrivateEndpointConnectionOptions {}

    /// Options of [`KeyVaultManagementClient::delete_managed_hsm_private_endpoint_connection`].
    poller pub struct DeleteManagedHsmPrivateEndpointConnectionOptions {}

    /// Options of [`KeyVaultManagementClient::list_private_link_resources`].
    pub struct ListPrivateLinkResourcesOptions {}

    /// Options of [`KeyVaultManagementClient::list_managed_hsm_private_link_resources`].
    pub struct ListManagedHsmPrivateLinkResourcesOptions {}

    /// Options of [`KeyVaultManagementClient::list_managed_hsm_regions`].
    /// `max_page_size` is sent as ARM's `$top`.
    list pub struct ListManagedHsmRegionsOptions {}

    /// Options of [`KeyVaultManagementClient::list_network_security_perimeter_configurations`].
    /// `max_page_size` is sent as ARM's `$top`.
    list pub struct ListNetworkSecurityPerimeterConfigurationsOptions {}

    /// Options of [`KeyVaultManagementClient::get_network_security_perimeter_configuration`].
    pub struct GetNetworkSecurityPerimeterConfigurationOptions {}

    /// Options of [`KeyVaultManagementClient::reconcile_network_security_perimeter_configuration`].
    pub struct ReconcileNetworkSecurityPerimeterConfigurationOptions {}
}

impl KeyVaultManagementClient {
    fn connection_url(&self, resource_group: &str, vault_name: &str, name: &str) -> Url {
        self.vault_url(resource_group, vault_name, &[CONNECTIONS, name])
    }

    fn hsm_connection_url(&self, resource_group: &str, name: &str, connection: &str) -> Url {
        self.hsm_url_with(resource_group, name, &[CONNECTIONS, connection])
    }

    /// The private endpoint connections of a vault (`PrivateEndpointConnections_ListByResource`).
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// use futures::TryStreamExt;
    /// let mut items = client.list_private_endpoint_connections("my-rg", "my-vault", None)?;
    /// while let Some(connection) = items.try_next().await? {
    ///     println!("{connection:?}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_private_endpoint_connections(
        &self,
        resource_group: &str,
        vault_name: &str,
        options: Option<ListPrivateEndpointConnectionsOptions<'_>>,
    ) -> Result<Pager<PrivateEndpointConnection>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.list_private_endpoint_connections",
            &options.method_options,
        );
        check_vault(resource_group, vault_name)?;
        let url = self.vault_url(resource_group, vault_name, &[CONNECTIONS]);
        Self::pager(&pipeline, url, options.list_options())
    }

    /// Reads a private endpoint connection of a vault (`PrivateEndpointConnections_Get`).
    ///
    /// `None` when the service answers `204 No Content`, which the spec allows for a
    /// connection that no longer exists; an unknown connection may also be a 404
    /// [`Error::Service`], as the emulator answers.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// let connection = client
    ///     .get_private_endpoint_connection("my-rg", "my-vault", "my-connection", None)
    ///     .await?;
    /// println!("{connection:?}");
    /// # Ok(()) }
    /// ```
    pub async fn get_private_endpoint_connection(
        &self,
        resource_group: &str,
        vault_name: &str,
        private_endpoint_connection_name: &str,
        options: Option<GetPrivateEndpointConnectionOptions<'_>>,
    ) -> Result<Option<PrivateEndpointConnection>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.get_private_endpoint_connection",
            &options.method_options,
        );
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
    ///
    /// ```no_run
    /// # use mgmt_keyvault::{KeyVaultManagementClient, PrivateEndpointConnectionParameters};
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// let parameters = PrivateEndpointConnectionParameters::approve("approved by the vault owner");
    /// let connection = client
    ///     .put_private_endpoint_connection(
    ///         "my-rg",
    ///         "my-vault",
    ///         "my-connection",
    ///         parameters,
    ///         None,
    ///     )
    ///     .await?;
    /// println!("{connection:?}");
    /// # Ok(()) }
    /// ```
    pub async fn put_private_endpoint_connection(
        &self,
        resource_group: &str,
        vault_name: &str,
        private_endpoint_connection_name: &str,
        parameters: PrivateEndpointConnectionParameters,
        options: Option<PutPrivateEndpointConnectionOptions<'_>>,
    ) -> Result<PrivateEndpointConnection> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.put_private_endpoint_connection",
            &options.method_options,
        );
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
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// let connection = client
    ///     .delete_private_endpoint_connection("my-rg", "my-vault", "my-connection", None)
    ///     .await?
    ///     .await?;
    /// println!("{connection:?}");
    /// # Ok(()) }
    /// ```
    pub async fn delete_private_endpoint_connection(
        &self,
        resource_group: &str,
        vault_name: &str,
        private_endpoint_connection_name: &str,
        options: Option<DeletePrivateEndpointConnectionOptions<'_>>,
    ) -> Result<Poller<Option<PrivateEndpointConnection>>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.delete_private_endpoint_connection",
            &options.method_options,
        );
        check_vault(resource_group, vault_name)?;
        validate_child_name(CONNECTION_NAME, private_endpoint_connection_name)?;
        let url = self.connection_url(resource_group, vault_name, private_endpoint_connection_name);
        self.begin_final_location(
            &pipeline,
            OperationKind::PrivateEndpointConnectionsDelete,
            url,
            options.poller_options(),
        )
        .await
    }

    /// The private endpoint connections of a Managed HSM pool
    /// (`MHSMPrivateEndpointConnections_ListByResource`).
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// use futures::TryStreamExt;
    /// let mut items = client
    ///     .list_managed_hsm_private_endpoint_connections("my-rg", "my-hsm", None)
    ///     ?;
    /// while let Some(connection) = items.try_next().await? {
    ///     println!("{connection:?}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_managed_hsm_private_endpoint_connections(
        &self,
        resource_group: &str,
        name: &str,
        options: Option<ListManagedHsmPrivateEndpointConnectionsOptions<'_>>,
    ) -> Result<Pager<MhsmPrivateEndpointConnection>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.list_managed_hsm_private_endpoint_connections",
            &options.method_options,
        );
        Self::check_hsm(resource_group, name)?;
        Self::pager(
            &pipeline,
            self.hsm_url_with(resource_group, name, &[CONNECTIONS]),
            options.list_options(),
        )
    }

    /// Reads a private endpoint connection of a Managed HSM pool
    /// (`MHSMPrivateEndpointConnections_Get`).
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// let connection = client
    ///     .get_managed_hsm_private_endpoint_connection(
    ///         "my-rg",
    ///         "my-hsm",
    ///         "my-connection",
    ///         None,
    ///     )
    ///     .await?;
    /// println!("{connection:?}");
    /// # Ok(()) }
    /// ```
    pub async fn get_managed_hsm_private_endpoint_connection(
        &self,
        resource_group: &str,
        name: &str,
        private_endpoint_connection_name: &str,
        options: Option<GetManagedHsmPrivateEndpointConnectionOptions<'_>>,
    ) -> Result<MhsmPrivateEndpointConnection> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.get_managed_hsm_private_endpoint_connection",
            &options.method_options,
        );
        Self::check_hsm(resource_group, name)?;
        validate_child_name(CONNECTION_NAME, private_endpoint_connection_name)?;
        let url = self.hsm_connection_url(resource_group, name, private_endpoint_connection_name);
        pipeline.send_json(Method::Get, url, None).await
    }

    /// Approves or rejects a private endpoint connection of a Managed HSM pool
    /// (`MHSMPrivateEndpointConnections_Put`).
    ///
    /// ```no_run
    /// # use mgmt_keyvault::{KeyVaultManagementClient, PrivateEndpointConnectionParameters};
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// let parameters = PrivateEndpointConnectionParameters::reject("not expected");
    /// let connection = client
    ///     .put_managed_hsm_private_endpoint_connection(
    ///         "my-rg",
    ///         "my-hsm",
    ///         "my-connection",
    ///         parameters,
    ///         None,
    ///     )
    ///     .await?;
    /// println!("{connection:?}");
    /// # Ok(()) }
    /// ```
    pub async fn put_managed_hsm_private_endpoint_connection(
        &self,
        resource_group: &str,
        name: &str,
        private_endpoint_connection_name: &str,
        parameters: PrivateEndpointConnectionParameters,
        options: Option<PutManagedHsmPrivateEndpointConnectionOptions<'_>>,
    ) -> Result<MhsmPrivateEndpointConnection> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.put_managed_hsm_private_endpoint_connection",
            &options.method_options,
        );
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
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// let connection = client
    ///     .delete_managed_hsm_private_endpoint_connection(
    ///         "my-rg",
    ///         "my-hsm",
    ///         "my-connection",
    ///         None,
    ///     )
    ///     .await?
    ///     .await?;
    /// println!("{connection:?}");
    /// # Ok(()) }
    /// ```
    pub async fn delete_managed_hsm_private_endpoint_connection(
        &self,
        resource_group: &str,
        name: &str,
        private_endpoint_connection_name: &str,
        options: Option<DeleteManagedHsmPrivateEndpointConnectionOptions<'_>>,
    ) -> Result<Poller<Option<MhsmPrivateEndpointConnection>>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.delete_managed_hsm_private_endpoint_connection",
            &options.method_options,
        );
        Self::check_hsm(resource_group, name)?;
        validate_child_name(CONNECTION_NAME, private_endpoint_connection_name)?;
        let url = self.hsm_connection_url(resource_group, name, private_endpoint_connection_name);
        self.begin_final_location(
            &pipeline,
            OperationKind::MhsmPrivateEndpointConnectionsDelete,
            url,
            options.poller_options(),
        )
        .await
    }

    /// What a private endpoint can connect to on a vault (`PrivateLinkResources_ListByVault`):
    /// its `vault` group and the DNS zone it needs. Not paged by the service.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// let private_link_resource = client
    ///     .list_private_link_resources("my-rg", "my-vault", None)
    ///     .await?;
    /// println!("{private_link_resource:?}");
    /// # Ok(()) }
    /// ```
    pub async fn list_private_link_resources(
        &self,
        resource_group: &str,
        vault_name: &str,
        options: Option<ListPrivateLinkResourcesOptions<'_>>,
    ) -> Result<Vec<PrivateLinkResource>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.list_private_link_resources",
            &options.method_options,
        );
        check_vault(resource_group, vault_name)?;
        let url = self.vault_url(resource_group, vault_name, &["privateLinkResources"]);
        let list: ListResult<PrivateLinkResource> =
            pipeline.send_json(Method::Get, url, None).await?;
        Ok(list.value)
    }

    /// What a private endpoint can connect to on a Managed HSM pool
    /// (`MHSMPrivateLinkResources_ListByMHSMResource`). Not paged by the service.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// let resource = client
    ///     .list_managed_hsm_private_link_resources("my-rg", "my-hsm", None)
    ///     .await?;
    /// println!("{resource:?}");
    /// # Ok(()) }
    /// ```
    pub async fn list_managed_hsm_private_link_resources(
        &self,
        resource_group: &str,
        name: &str,
        options: Option<ListManagedHsmPrivateLinkResourcesOptions<'_>>,
    ) -> Result<Vec<MhsmPrivateLinkResource>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.list_managed_hsm_private_link_resources",
            &options.method_options,
        );
        Self::check_hsm(resource_group, name)?;
        let url = self.hsm_url_with(resource_group, name, &["privateLinkResources"]);
        let list: ListResult<MhsmPrivateLinkResource> =
            pipeline.send_json(Method::Get, url, None).await?;
        Ok(list.value)
    }

    /// The regions of a Managed HSM pool (`MHSMRegions_ListByResource`): its primary region
    /// and those it is replicated to.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// use futures::TryStreamExt;
    /// let mut items = client.list_managed_hsm_regions("my-rg", "my-hsm", None)?;
    /// while let Some(region) = items.try_next().await? {
    ///     println!("{region:?}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_managed_hsm_regions(
        &self,
        resource_group: &str,
        name: &str,
        options: Option<ListManagedHsmRegionsOptions<'_>>,
    ) -> Result<Pager<MhsmGeoReplicatedRegion>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.list_managed_hsm_regions",
            &options.method_options,
        );
        Self::check_hsm(resource_group, name)?;
        Self::pager(
            &pipeline,
            self.hsm_url_with(resource_group, name, &["regions"]),
            options.list_options(),
        )
    }

    /// The configurations that network security perimeters apply to a vault
    /// (`NetworkSecurityPerimeterConfigurations_ListConfigurations`).
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// use futures::TryStreamExt;
    /// let mut items = client
    ///     .list_network_security_perimeter_configurations("my-rg", "my-vault", None)
    ///     ?;
    /// while let Some(configuration) = items.try_next().await? {
    ///     println!("{configuration:?}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_network_security_perimeter_configurations(
        &self,
        resource_group: &str,
        vault_name: &str,
        options: Option<ListNetworkSecurityPerimeterConfigurationsOptions<'_>>,
    ) -> Result<Pager<NetworkSecurityPerimeterConfiguration>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.list_network_security_perimeter_configurations",
            &options.method_options,
        );
        check_vault(resource_group, vault_name)?;
        let url = self.vault_url(resource_group, vault_name, &[PERIMETER_CONFIGURATIONS]);
        Self::pager(&pipeline, url, options.list_options())
    }

    /// Reads a network security perimeter configuration of a vault
    /// (`NetworkSecurityPerimeterConfigurations_GetConfiguration`).
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// let configuration = client
    ///     .get_network_security_perimeter_configuration(
    ///         "my-rg",
    ///         "my-vault",
    ///         "my-configuration",
    ///         None,
    ///     )
    ///     .await?;
    /// println!("{configuration:?}");
    /// # Ok(()) }
    /// ```
    pub async fn get_network_security_perimeter_configuration(
        &self,
        resource_group: &str,
        vault_name: &str,
        configuration_name: &str,
        options: Option<GetNetworkSecurityPerimeterConfigurationOptions<'_>>,
    ) -> Result<NetworkSecurityPerimeterConfiguration> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.get_network_security_perimeter_configuration",
            &options.method_options,
        );
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
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// client
    ///     .reconcile_network_security_perimeter_configuration(
    ///         "my-rg",
    ///         "my-vault",
    ///         "my-configuration",
    ///         None,
    ///     )
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn reconcile_network_security_perimeter_configuration(
        &self,
        resource_group: &str,
        vault_name: &str,
        configuration_name: &str,
        options: Option<ReconcileNetworkSecurityPerimeterConfigurationOptions<'_>>,
    ) -> Result<()> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.reconcile_network_security_perimeter_configuration",
            &options.method_options,
        );
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
