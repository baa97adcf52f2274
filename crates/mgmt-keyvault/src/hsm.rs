//! The Managed HSM operations of `KeyVaultManagementClient`.

use crate::client::{KeyVaultManagementClient, PROVIDER};
use crate::hsm_models::{
    CheckMhsmNameAvailabilityParameters, DeletedManagedHsm, ManagedHsm,
    ManagedHsmCreateOrUpdateParameters, ManagedHsmPatchParameters,
};
use crate::models::CheckNameAvailabilityResult;
use crate::operation::OperationKind;
use crate::validation::{
    validate_guid, validate_location, validate_resource_group, validate_vault_name,
};
use azure_core::http::Method;
use keyvault_core::{pipeline::to_json, Error, Pager, Poller, Result};
use url::Url;

const HSMS: &str = "managedHSMs";

keyvault_core::method_options! {
    /// Options of [`KeyVaultManagementClient::create_or_update_managed_hsm`].
    poller pub struct CreateOrUpdateManagedHsmOptions {}

    /// Options of [`KeyVaultManagementClient::get_managed_hsm`].
    pub struct GetManagedHsmOptions {}

    /// Options of [`KeyVaultManagementClient::update_managed_hsm`].
    poller pub struct UpdateManagedHsmOptions {}

    /// Options of [`KeyVaultManagementClient::delete_managed_hsm`].
    poller pub struct DeleteManagedHsmOptions {}

    /// Options of [`KeyVaultManagementClient::list_managed_hsms_by_resource_group`].
    /// `max_page_size` is sent as ARM's `$top`.
    list pub struct ListManagedHsmsByResourceGroupOptions {}

    /// Options of [`KeyVaultManagementClient::list_managed_hsms_by_subscription`].
    /// `max_page_size` is sent as ARM's `$top`.
    list pub struct ListManagedHsmsBySubscriptionOptions {}

    /// Options of [`KeyVaultManagementClient::list_deleted_managed_hsms`].
    /// `max_page_size` is sent as ARM's `$top`.
    list pub struct ListDeletedManagedHsmsOptions {}

    /// Options of [`KeyVaultManagementClient::get_deleted_managed_hsm`].
    pub struct GetDeletedManagedHsmOptions {}

    /// Options of [`KeyVaultManagementClient::purge_deleted_managed_hsm`].
    poller pub struct PurgeDeletedManagedHsmOptions {}

    /// Options of [`KeyVaultManagementClient::check_managed_hsm_name_availability`].
    pub struct CheckManagedHsmNameAvailabilityOptions {}
}

impl KeyVaultManagementClient {
    fn hsm_url(&self, resource_group: &str, name: &str) -> Url {
        self.hsm_url_with(resource_group, name, &[])
    }

    /// The URL of `rest` under the pool.
    pub(crate) fn hsm_url_with(&self, resource_group: &str, name: &str, rest: &[&str]) -> Url {
        let mut segments = vec![
            "resourceGroups",
            resource_group,
            "providers",
            PROVIDER,
            HSMS,
            name,
        ];
        segments.extend_from_slice(rest);
        self.subscription_url(&segments)
    }

    fn deleted_hsm_url(&self, location: &str, name: &str) -> Url {
        self.subscription_url(&[
            "providers",
            PROVIDER,
            "locations",
            location,
            "deletedManagedHSMs",
            name,
        ])
    }

    pub(crate) fn check_hsm(resource_group: &str, name: &str) -> Result<()> {
        validate_resource_group("resource_group", resource_group)?;
        validate_vault_name("name", name)
    }

    /// Creates a Managed HSM pool or replaces its properties (PUT). A long-running operation:
    /// the poller ends when `provisioningState` is `Succeeded`, with the pool.
    /// [Resumable](KeyVaultManagementClient#resuming-a-long-running-operation) from a token
    /// of this method on the same pool.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::{KeyVaultManagementClient, ManagedHsmCreateOrUpdateParameters};
    /// # async fn run(client: &KeyVaultManagementClient, parameters: ManagedHsmCreateOrUpdateParameters) -> mgmt_keyvault::Result<()> {
    /// let hsm = client
    ///     .create_or_update_managed_hsm("my-rg", "my-hsm", parameters, None)
    ///     .await?
    ///     .await?;
    /// println!("{hsm:?}");
    /// # Ok(()) }
    /// ```
    pub async fn create_or_update_managed_hsm(
        &self,
        resource_group: &str,
        name: &str,
        parameters: ManagedHsmCreateOrUpdateParameters,
        options: Option<CreateOrUpdateManagedHsmOptions<'_>>,
    ) -> Result<Poller<ManagedHsm>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.create_or_update_managed_hsm",
            &options.method_options,
        );
        Self::check_hsm(resource_group, name)?;
        validate_location("location", &parameters.location)?;
        let tenant = parameters.properties.tenant_id.as_deref().ok_or_else(|| {
            Error::invalid_argument("tenant_id", "is required to create a Managed HSM")
        })?;
        validate_guid("tenant_id", tenant)?;
        if parameters
            .properties
            .initial_admin_object_ids
            .as_ref()
            .is_none_or(Vec::is_empty)
        {
            return Err(Error::invalid_argument(
                "initial_admin_object_ids",
                "at least one administrator is required",
            ));
        }
        self.begin_resource(
            &pipeline,
            OperationKind::ManagedHsmsCreateOrUpdate,
            Method::Put,
            self.hsm_url(resource_group, name),
            &parameters,
            options.poller_options(),
        )
        .await
    }

    /// Reads a Managed HSM pool.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// let hsm = client.get_managed_hsm("my-rg", "my-hsm", None).await?;
    /// println!("{hsm:?}");
    /// # Ok(()) }
    /// ```
    pub async fn get_managed_hsm(
        &self,
        resource_group: &str,
        name: &str,
        options: Option<GetManagedHsmOptions<'_>>,
    ) -> Result<ManagedHsm> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.get_managed_hsm",
            &options.method_options,
        );
        Self::check_hsm(resource_group, name)?;
        pipeline
            .send_json(Method::Get, self.hsm_url(resource_group, name), None)
            .await
    }

    /// Changes what `parameters` sets (PATCH). A long-running operation.
    /// [Resumable](KeyVaultManagementClient#resuming-a-long-running-operation) from a token
    /// of this method on the same pool.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::{KeyVaultManagementClient, ManagedHsmPatchParameters};
    /// # async fn run(client: &KeyVaultManagementClient, parameters: ManagedHsmPatchParameters) -> mgmt_keyvault::Result<()> {
    /// let hsm = client.update_managed_hsm("my-rg", "my-hsm", parameters, None).await?.await?;
    /// println!("{hsm:?}");
    /// # Ok(()) }
    /// ```
    pub async fn update_managed_hsm(
        &self,
        resource_group: &str,
        name: &str,
        parameters: ManagedHsmPatchParameters,
        options: Option<UpdateManagedHsmOptions<'_>>,
    ) -> Result<Poller<ManagedHsm>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.update_managed_hsm",
            &options.method_options,
        );
        Self::check_hsm(resource_group, name)?;
        if let Some(tenant) = parameters
            .properties
            .as_ref()
            .and_then(|p| p.tenant_id.as_deref())
        {
            validate_guid("tenant_id", tenant)?;
        }
        self.begin_resource(
            &pipeline,
            OperationKind::ManagedHsmsUpdate,
            Method::Patch,
            self.hsm_url(resource_group, name),
            &parameters,
            options.poller_options(),
        )
        .await
    }

    /// Deletes a Managed HSM pool (soft delete). A long-running operation.
    /// [Resumable](KeyVaultManagementClient#resuming-a-long-running-operation) from a token
    /// of this method on the same pool.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// client.delete_managed_hsm("my-rg", "my-hsm", None).await?.await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete_managed_hsm(
        &self,
        resource_group: &str,
        name: &str,
        options: Option<DeleteManagedHsmOptions<'_>>,
    ) -> Result<Poller<()>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.delete_managed_hsm",
            &options.method_options,
        );
        Self::check_hsm(resource_group, name)?;
        self.begin_location(
            &pipeline,
            OperationKind::ManagedHsmsDelete,
            self.hsm_url(resource_group, name),
            None,
            options.poller_options(),
        )
        .await
    }

    /// The Managed HSM pools of a resource group.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// use futures::TryStreamExt;
    /// let mut items = client.list_managed_hsms_by_resource_group("my-rg", None)?;
    /// while let Some(hsm) = items.try_next().await? {
    ///     println!("{hsm:?}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_managed_hsms_by_resource_group(
        &self,
        resource_group: &str,
        options: Option<ListManagedHsmsByResourceGroupOptions<'_>>,
    ) -> Result<Pager<ManagedHsm>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.list_managed_hsms_by_resource_group",
            &options.method_options,
        );
        validate_resource_group("resource_group", resource_group)?;
        let url = self.subscription_url(&[
            "resourceGroups",
            resource_group,
            "providers",
            PROVIDER,
            HSMS,
        ]);
        Self::pager(&pipeline, url, options.list_options())
    }

    /// The Managed HSM pools of the subscription.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// use futures::TryStreamExt;
    /// let mut items = client.list_managed_hsms_by_subscription(None)?;
    /// while let Some(hsm) = items.try_next().await? {
    ///     println!("{hsm:?}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_managed_hsms_by_subscription(
        &self,
        options: Option<ListManagedHsmsBySubscriptionOptions<'_>>,
    ) -> Result<Pager<ManagedHsm>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.list_managed_hsms_by_subscription",
            &options.method_options,
        );
        let url = self.subscription_url(&["providers", PROVIDER, HSMS]);
        Self::pager(&pipeline, url, options.list_options())
    }

    /// The soft-deleted Managed HSM pools of the subscription.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// use futures::TryStreamExt;
    /// let mut items = client.list_deleted_managed_hsms(None)?;
    /// while let Some(deleted) = items.try_next().await? {
    ///     println!("{deleted:?}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_deleted_managed_hsms(
        &self,
        options: Option<ListDeletedManagedHsmsOptions<'_>>,
    ) -> Result<Pager<DeletedManagedHsm>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.list_deleted_managed_hsms",
            &options.method_options,
        );
        let url = self.subscription_url(&["providers", PROVIDER, "deletedManagedHSMs"]);
        Self::pager(&pipeline, url, options.list_options())
    }

    /// Reads a soft-deleted Managed HSM pool.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// let deleted = client.get_deleted_managed_hsm("westus", "my-hsm", None).await?;
    /// println!("{deleted:?}");
    /// # Ok(()) }
    /// ```
    pub async fn get_deleted_managed_hsm(
        &self,
        location: &str,
        name: &str,
        options: Option<GetDeletedManagedHsmOptions<'_>>,
    ) -> Result<DeletedManagedHsm> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.get_deleted_managed_hsm",
            &options.method_options,
        );
        validate_location("location", location)?;
        validate_vault_name("name", name)?;
        pipeline
            .send_json(Method::Get, self.deleted_hsm_url(location, name), None)
            .await
    }

    /// Purges a soft-deleted Managed HSM pool for good. A long-running operation.
    /// [Resumable](KeyVaultManagementClient#resuming-a-long-running-operation) from a token
    /// of this method on the same deleted pool.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// client.purge_deleted_managed_hsm("westus", "my-hsm", None).await?.await?;
    /// # Ok(()) }
    /// ```
    pub async fn purge_deleted_managed_hsm(
        &self,
        location: &str,
        name: &str,
        options: Option<PurgeDeletedManagedHsmOptions<'_>>,
    ) -> Result<Poller<()>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.purge_deleted_managed_hsm",
            &options.method_options,
        );
        validate_location("location", location)?;
        validate_vault_name("name", name)?;
        self.begin_location(
            &pipeline,
            OperationKind::ManagedHsmsPurgeDeleted,
            self.deleted_hsm_url(location, name),
            Some("purge"),
            options.poller_options(),
        )
        .await
    }

    /// Whether `name` can be used for a new Managed HSM pool.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// let availability = client.check_managed_hsm_name_availability("my-hsm", None).await?;
    /// println!("{availability:?}");
    /// # Ok(()) }
    /// ```
    pub async fn check_managed_hsm_name_availability(
        &self,
        name: &str,
        options: Option<CheckManagedHsmNameAvailabilityOptions<'_>>,
    ) -> Result<CheckNameAvailabilityResult> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.check_managed_hsm_name_availability",
            &options.method_options,
        );
        if name.is_empty() {
            return Err(Error::invalid_argument("name", "must not be empty"));
        }
        let body = CheckMhsmNameAvailabilityParameters {
            name: name.to_string(),
        };
        let url = self.subscription_url(&["providers", PROVIDER, "checkMhsmNameAvailability"]);
        pipeline
            .send_json(Method::Post, url, Some(to_json(&body)?))
            .await
    }
}
