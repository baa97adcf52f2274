//! `KeyVaultManagementClient`: the vault operations of the `Microsoft.KeyVault` ARM provider.

use crate::models::{
    AccessPolicyUpdateKind, CheckNameAvailabilityResult, DeletedVault, Vault,
    VaultAccessPolicyParameters, VaultCheckNameAvailabilityParameters,
    VaultCreateOrUpdateParameters, VaultPatchParameters,
};
use crate::operation::{LocationOperation, ResourceOperation};
use crate::validation::{
    validate_guid, validate_location, validate_resource_group, validate_vault_name,
};
use azure_core::{credentials::TokenCredential, http::Method};
use keyvault_core::{
    pipeline::to_json, ApiVersion, Error, KeyVaultPipeline, Pager, Poller, PollerOptions, Result,
};
use std::sync::Arc;
use url::Url;

/// The public Azure Resource Manager endpoint.
pub const DEFAULT_ENDPOINT: &str = "https://management.azure.com";

/// The API version the client uses unless told otherwise.
pub const DEFAULT_API_VERSION: &str = "2026-02-01";

/// The token scope of Azure Resource Manager.
pub const ARM_SCOPE: &str = "https://management.azure.com/.default";

pub(crate) const PROVIDER: &str = "Microsoft.KeyVault";
const VAULT_TYPE: &str = "Microsoft.KeyVault/vaults";

/// Options of [`KeyVaultManagementClient::new`].
#[derive(Debug, Clone)]
pub struct ManagementClientOptions {
    /// The ARM endpoint, `https://management.azure.com` by default (a sovereign cloud's, or an
    /// emulator's).
    pub endpoint: String,
    /// The token scope; `https://management.azure.com/.default` by default.
    pub scope: String,
    /// The ARM API version, `2026-02-01` by default.
    pub api_version: ApiVersion,
    /// `azure_core` options: retry, transport, user agent, logging.
    pub client_options: azure_core::http::ClientOptions,
}

impl Default for ManagementClientOptions {
    fn default() -> Self {
        ManagementClientOptions {
            endpoint: DEFAULT_ENDPOINT.to_string(),
            scope: ARM_SCOPE.to_string(),
            api_version: ApiVersion::new(DEFAULT_API_VERSION),
            client_options: Default::default(),
        }
    }
}

/// Options of the list operations.
#[derive(Debug, Clone, Default)]
pub struct ListVaultsOptions {
    /// The most items per page (`$top`); the service's default when `None`.
    pub top: Option<u32>,
    /// Resume a list from a token given by an earlier pager.
    pub continuation_token: Option<String>,
}

/// A client of the `Microsoft.KeyVault` resource provider in one subscription. Cheap to clone;
/// `Send + Sync`.
///
/// ```no_run
/// use mgmt_keyvault::{KeyVaultManagementClient, Sku, VaultCreateOrUpdateParameters, VaultProperties};
/// # async fn run(credential: std::sync::Arc<dyn azure_core::credentials::TokenCredential>) -> keyvault_core::Result<()> {
/// let client = KeyVaultManagementClient::new("00000000-0000-0000-0000-000000000000", credential, None)?;
/// let mut properties = VaultProperties::new("00000000-0000-0000-0000-000000000000", Sku::standard());
/// properties.enable_rbac_authorization = Some(true);
/// let parameters = VaultCreateOrUpdateParameters { location: "westus".into(), tags: None, properties };
/// let vault = client.create_or_update_vault("my-rg", "my-vault", parameters, None).await?.await?;
/// println!("{}", vault.properties.vault_uri.unwrap_or_default());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct KeyVaultManagementClient {
    pub(crate) pipeline: KeyVaultPipeline,
    subscription_id: String,
}

impl KeyVaultManagementClient {
    /// A client of subscription `subscription_id` (a GUID), authenticated by `credential`.
    pub fn new(
        subscription_id: &str,
        credential: Arc<dyn TokenCredential>,
        options: Option<ManagementClientOptions>,
    ) -> Result<Self> {
        validate_guid("subscription_id", subscription_id)?;
        let options = options.unwrap_or_default();
        let core = keyvault_core::ClientOptions {
            api_version: options.api_version,
            client_options: options.client_options,
            verify_challenge_resource: true,
        };
        let pipeline = KeyVaultPipeline::with_bearer_token(
            &options.endpoint,
            credential,
            &[options.scope.as_str()],
            core,
            env!("CARGO_PKG_NAME"),
            env!("CARGO_PKG_VERSION"),
        )
        .map_err(|e| match e {
            Error::InvalidArgument { message, .. } => Error::invalid_argument("endpoint", message),
            other => other,
        })?;
        Ok(KeyVaultManagementClient {
            pipeline,
            subscription_id: subscription_id.to_string(),
        })
    }

    /// The subscription id.
    pub fn subscription_id(&self) -> &str {
        &self.subscription_id
    }

    /// The ARM endpoint, `https://host[:port]/`.
    pub fn endpoint(&self) -> &Url {
        self.pipeline.vault_url()
    }

    /// The API version every request carries.
    pub fn api_version(&self) -> &ApiVersion {
        self.pipeline.api_version()
    }

    pub(crate) fn subscription_url(&self, rest: &[&str]) -> Url {
        let mut segments = vec!["subscriptions", self.subscription_id.as_str()];
        segments.extend_from_slice(rest);
        self.pipeline.url(&segments)
    }

    fn vault_url(&self, resource_group: &str, vault_name: &str, rest: &[&str]) -> Url {
        let mut segments = vec![
            "resourceGroups",
            resource_group,
            "providers",
            PROVIDER,
            "vaults",
            vault_name,
        ];
        segments.extend_from_slice(rest);
        self.subscription_url(&segments)
    }

    pub(crate) fn pager<T: serde::de::DeserializeOwned + Send + 'static>(
        &self,
        url: Url,
        options: Option<ListVaultsOptions>,
    ) -> Result<Pager<T>> {
        let options = options.unwrap_or_default();
        if let Some(token) = options.continuation_token {
            return Pager::from_continuation_token(self.pipeline.clone(), &token);
        }
        let mut url = url;
        if let Some(top) = options.top {
            if top == 0 {
                return Err(Error::invalid_argument("top", "must be at least 1"));
            }
            url.query_pairs_mut().append_pair("$top", &top.to_string());
        }
        Ok(Pager::new(self.pipeline.clone(), url))
    }

    pub(crate) fn poller<T: Send + 'static>(
        &self,
        operation: impl keyvault_core::polling::Operation<T> + 'static,
        options: &PollerOptions,
    ) -> Poller<T> {
        Poller::new(self.pipeline.clone(), operation).with_options(options)
    }

    pub(crate) fn check_poller_options(options: &Option<PollerOptions>) -> Result<PollerOptions> {
        let options = options.clone().unwrap_or_default();
        if options.continuation_token.is_some() {
            return Err(Error::invalid_argument(
                "continuation_token",
                "ARM operations of this client cannot be resumed from a token",
            ));
        }
        Ok(options)
    }

    /// Creates a vault or replaces its properties (PUT). A long-running operation: the poller
    /// ends when the vault's `provisioningState` is `Succeeded`, with the vault.
    pub async fn create_or_update_vault(
        &self,
        resource_group: &str,
        vault_name: &str,
        parameters: VaultCreateOrUpdateParameters,
        options: Option<PollerOptions>,
    ) -> Result<Poller<Vault>> {
        validate_resource_group("resource_group", resource_group)?;
        validate_vault_name("vault_name", vault_name)?;
        validate_location("location", &parameters.location)?;
        validate_guid("tenant_id", &parameters.properties.tenant_id)?;
        if let Some(policies) = &parameters.properties.access_policies {
            validate_policies(policies)?;
        }
        let options = Self::check_poller_options(&options)?;
        let url = self.vault_url(resource_group, vault_name, &[]);
        let response = self
            .pipeline
            .send(Method::Put, url.clone(), Some(to_json(&parameters)?))
            .await?;
        let operation = ResourceOperation::from_response(&self.pipeline, url, &response)?;
        Ok(self.poller(operation, &options))
    }

    /// Reads a vault.
    pub async fn get_vault(&self, resource_group: &str, vault_name: &str) -> Result<Vault> {
        validate_resource_group("resource_group", resource_group)?;
        validate_vault_name("vault_name", vault_name)?;
        let url = self.vault_url(resource_group, vault_name, &[]);
        self.pipeline.send_json(Method::Get, url, None).await
    }

    /// Changes the tags and properties that `parameters` sets (PATCH).
    pub async fn update_vault(
        &self,
        resource_group: &str,
        vault_name: &str,
        parameters: VaultPatchParameters,
    ) -> Result<Vault> {
        validate_resource_group("resource_group", resource_group)?;
        validate_vault_name("vault_name", vault_name)?;
        if let Some(properties) = &parameters.properties {
            if let Some(tenant) = &properties.tenant_id {
                validate_guid("tenant_id", tenant)?;
            }
            if let Some(policies) = &properties.access_policies {
                validate_policies(policies)?;
            }
        }
        let url = self.vault_url(resource_group, vault_name, &[]);
        self.pipeline
            .send_json(Method::Patch, url, Some(to_json(&parameters)?))
            .await
    }

    /// Deletes a vault. With soft delete (always on for new vaults) it becomes a deleted
    /// vault, readable with [`KeyVaultManagementClient::get_deleted_vault`] until purged.
    pub async fn delete_vault(&self, resource_group: &str, vault_name: &str) -> Result<()> {
        validate_resource_group("resource_group", resource_group)?;
        validate_vault_name("vault_name", vault_name)?;
        let url = self.vault_url(resource_group, vault_name, &[]);
        self.pipeline
            .send(Method::Delete, url, None)
            .await
            .map(drop)
    }

    /// Adds, replaces or removes access policies of a vault.
    pub async fn update_access_policy(
        &self,
        resource_group: &str,
        vault_name: &str,
        kind: AccessPolicyUpdateKind,
        parameters: VaultAccessPolicyParameters,
    ) -> Result<VaultAccessPolicyParameters> {
        validate_resource_group("resource_group", resource_group)?;
        validate_vault_name("vault_name", vault_name)?;
        if let AccessPolicyUpdateKind::Other(other) = &kind {
            return Err(Error::invalid_argument(
                "kind",
                format!("must be add, replace or remove, got {other:?}"),
            ));
        }
        validate_policies(&parameters.properties.access_policies)?;
        let url = self.vault_url(
            resource_group,
            vault_name,
            &["accessPolicies", kind.as_str()],
        );
        self.pipeline
            .send_json(Method::Put, url, Some(to_json(&parameters)?))
            .await
    }

    /// The vaults of a resource group.
    pub fn list_vaults_by_resource_group(
        &self,
        resource_group: &str,
        options: Option<ListVaultsOptions>,
    ) -> Result<Pager<Vault>> {
        validate_resource_group("resource_group", resource_group)?;
        let url = self.subscription_url(&[
            "resourceGroups",
            resource_group,
            "providers",
            PROVIDER,
            "vaults",
        ]);
        self.pager(url, options)
    }

    /// The vaults of the subscription.
    pub fn list_vaults_by_subscription(
        &self,
        options: Option<ListVaultsOptions>,
    ) -> Result<Pager<Vault>> {
        let url = self.subscription_url(&["providers", PROVIDER, "vaults"]);
        self.pager(url, options)
    }

    /// The soft-deleted vaults of the subscription.
    pub fn list_deleted_vaults(
        &self,
        options: Option<ListVaultsOptions>,
    ) -> Result<Pager<DeletedVault>> {
        let url = self.subscription_url(&["providers", PROVIDER, "deletedVaults"]);
        self.pager(url, options)
    }

    /// Reads a soft-deleted vault.
    pub async fn get_deleted_vault(
        &self,
        location: &str,
        vault_name: &str,
    ) -> Result<DeletedVault> {
        validate_location("location", location)?;
        validate_vault_name("vault_name", vault_name)?;
        let url = self.subscription_url(&[
            "providers",
            PROVIDER,
            "locations",
            location,
            "deletedVaults",
            vault_name,
        ]);
        self.pipeline.send_json(Method::Get, url, None).await
    }

    /// Purges a soft-deleted vault for good. A long-running operation.
    pub async fn purge_deleted_vault(
        &self,
        location: &str,
        vault_name: &str,
        options: Option<PollerOptions>,
    ) -> Result<Poller<()>> {
        validate_location("location", location)?;
        validate_vault_name("vault_name", vault_name)?;
        let options = Self::check_poller_options(&options)?;
        let url = self.subscription_url(&[
            "providers",
            PROVIDER,
            "locations",
            location,
            "deletedVaults",
            vault_name,
            "purge",
        ]);
        let response = self.pipeline.send(Method::Post, url, None).await?;
        let operation = LocationOperation::from_response(&self.pipeline, &response)?;
        Ok(self.poller(operation, &options))
    }

    /// Whether `vault_name` can be used for a new vault (names are global). A name that is not
    /// a valid vault name is reported by the service as `AccountNameInvalid`.
    pub async fn check_vault_name_availability(
        &self,
        vault_name: &str,
    ) -> Result<CheckNameAvailabilityResult> {
        if vault_name.is_empty() {
            return Err(Error::invalid_argument("vault_name", "must not be empty"));
        }
        let body = VaultCheckNameAvailabilityParameters {
            name: vault_name.to_string(),
            resource_type: VAULT_TYPE.to_string(),
        };
        let url = self.subscription_url(&["providers", PROVIDER, "checkNameAvailability"]);
        self.pipeline
            .send_json(Method::Post, url, Some(to_json(&body)?))
            .await
    }
}

fn validate_policies(policies: &[crate::models::AccessPolicyEntry]) -> Result<()> {
    for policy in policies {
        validate_guid("access_policies.tenant_id", &policy.tenant_id)?;
        if policy.object_id.is_empty() {
            return Err(Error::invalid_argument(
                "access_policies.object_id",
                "must not be empty",
            ));
        }
        if let Some(application) = &policy.application_id {
            validate_guid("access_policies.application_id", application)?;
        }
    }
    Ok(())
}
