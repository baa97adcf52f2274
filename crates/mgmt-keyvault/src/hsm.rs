//! The Managed HSM operations of `KeyVaultManagementClient`.

use crate::client::{KeyVaultManagementClient, ListVaultsOptions, PROVIDER};
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
use keyvault_core::{pipeline::to_json, Error, Pager, Poller, PollerOptions, Result};
use url::Url;

const HSMS: &str = "managedHSMs";

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
    pub async fn create_or_update_managed_hsm(
        &self,
        resource_group: &str,
        name: &str,
        parameters: ManagedHsmCreateOrUpdateParameters,
        options: Option<PollerOptions>,
    ) -> Result<Poller<ManagedHsm>> {
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
            "KeyVaultManagementClient.create_or_update_managed_hsm",
            OperationKind::ManagedHsmsCreateOrUpdate,
            Method::Put,
            self.hsm_url(resource_group, name),
            &parameters,
            options,
        )
        .await
    }

    /// Reads a Managed HSM pool.
    pub async fn get_managed_hsm(&self, resource_group: &str, name: &str) -> Result<ManagedHsm> {
        let pipeline = self
            .pipeline
            .traced("KeyVaultManagementClient.get_managed_hsm");
        Self::check_hsm(resource_group, name)?;
        pipeline
            .send_json(Method::Get, self.hsm_url(resource_group, name), None)
            .await
    }

    /// Changes what `parameters` sets (PATCH). A long-running operation.
    /// [Resumable](KeyVaultManagementClient#resuming-a-long-running-operation) from a token
    /// of this method on the same pool.
    pub async fn update_managed_hsm(
        &self,
        resource_group: &str,
        name: &str,
        parameters: ManagedHsmPatchParameters,
        options: Option<PollerOptions>,
    ) -> Result<Poller<ManagedHsm>> {
        Self::check_hsm(resource_group, name)?;
        if let Some(tenant) = parameters
            .properties
            .as_ref()
            .and_then(|p| p.tenant_id.as_deref())
        {
            validate_guid("tenant_id", tenant)?;
        }
        self.begin_resource(
            "KeyVaultManagementClient.update_managed_hsm",
            OperationKind::ManagedHsmsUpdate,
            Method::Patch,
            self.hsm_url(resource_group, name),
            &parameters,
            options,
        )
        .await
    }

    /// Deletes a Managed HSM pool (soft delete). A long-running operation.
    /// [Resumable](KeyVaultManagementClient#resuming-a-long-running-operation) from a token
    /// of this method on the same pool.
    pub async fn delete_managed_hsm(
        &self,
        resource_group: &str,
        name: &str,
        options: Option<PollerOptions>,
    ) -> Result<Poller<()>> {
        Self::check_hsm(resource_group, name)?;
        self.begin_location(
            "KeyVaultManagementClient.delete_managed_hsm",
            OperationKind::ManagedHsmsDelete,
            self.hsm_url(resource_group, name),
            None,
            options,
        )
        .await
    }

    /// The Managed HSM pools of a resource group.
    pub fn list_managed_hsms_by_resource_group(
        &self,
        resource_group: &str,
        options: Option<ListVaultsOptions>,
    ) -> Result<Pager<ManagedHsm>> {
        validate_resource_group("resource_group", resource_group)?;
        let url = self.subscription_url(&[
            "resourceGroups",
            resource_group,
            "providers",
            PROVIDER,
            HSMS,
        ]);
        self.pager(
            "KeyVaultManagementClient.list_managed_hsms_by_resource_group",
            url,
            options,
        )
    }

    /// The Managed HSM pools of the subscription.
    pub fn list_managed_hsms_by_subscription(
        &self,
        options: Option<ListVaultsOptions>,
    ) -> Result<Pager<ManagedHsm>> {
        let url = self.subscription_url(&["providers", PROVIDER, HSMS]);
        self.pager(
            "KeyVaultManagementClient.list_managed_hsms_by_subscription",
            url,
            options,
        )
    }

    /// The soft-deleted Managed HSM pools of the subscription.
    pub fn list_deleted_managed_hsms(
        &self,
        options: Option<ListVaultsOptions>,
    ) -> Result<Pager<DeletedManagedHsm>> {
        let url = self.subscription_url(&["providers", PROVIDER, "deletedManagedHSMs"]);
        self.pager(
            "KeyVaultManagementClient.list_deleted_managed_hsms",
            url,
            options,
        )
    }

    /// Reads a soft-deleted Managed HSM pool.
    pub async fn get_deleted_managed_hsm(
        &self,
        location: &str,
        name: &str,
    ) -> Result<DeletedManagedHsm> {
        let pipeline = self
            .pipeline
            .traced("KeyVaultManagementClient.get_deleted_managed_hsm");
        validate_location("location", location)?;
        validate_vault_name("name", name)?;
        pipeline
            .send_json(Method::Get, self.deleted_hsm_url(location, name), None)
            .await
    }

    /// Purges a soft-deleted Managed HSM pool for good. A long-running operation.
    /// [Resumable](KeyVaultManagementClient#resuming-a-long-running-operation) from a token
    /// of this method on the same deleted pool.
    pub async fn purge_deleted_managed_hsm(
        &self,
        location: &str,
        name: &str,
        options: Option<PollerOptions>,
    ) -> Result<Poller<()>> {
        validate_location("location", location)?;
        validate_vault_name("name", name)?;
        self.begin_location(
            "KeyVaultManagementClient.purge_deleted_managed_hsm",
            OperationKind::ManagedHsmsPurgeDeleted,
            self.deleted_hsm_url(location, name),
            Some("purge"),
            options,
        )
        .await
    }

    /// Whether `name` can be used for a new Managed HSM pool.
    pub async fn check_managed_hsm_name_availability(
        &self,
        name: &str,
    ) -> Result<CheckNameAvailabilityResult> {
        let pipeline = self
            .pipeline
            .traced("KeyVaultManagementClient.check_managed_hsm_name_availability");
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
