//! `KeyVaultManagementClient`: the vault operations of the `Microsoft.KeyVault` ARM provider.

use crate::models::{
    AccessPolicyUpdateKind, CheckNameAvailabilityResult, DeletedVault, TrackedResource, Vault,
    VaultAccessPolicyParameters, VaultCheckNameAvailabilityParameters,
    VaultCreateOrUpdateParameters, VaultPatchParameters,
};
use crate::operation::{
    FinalLocationOperation, LocationOperation, OperationKind, ResourceOperation, Tracking,
};
use crate::provider_models::Operation;
use crate::validation::{
    validate_guid, validate_location, validate_resource_group, validate_vault_name,
};
use azure_core::{credentials::TokenCredential, http::Method};
use keyvault_core::{
    pipeline::to_json, ApiVersion, Error, KeyVaultPipeline, ListOptions, Pager, Poller,
    PollerOptions, Result,
};
use serde::{de::DeserializeOwned, Serialize};
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

/// The API version of ARM's generic `/resources` list: the spec pins `Vaults_List` to it, and
/// `Microsoft.Resources` does not know the Key Vault provider's versions.
pub const RESOURCES_API_VERSION: &str = "2015-11-01";

/// The only filter `Vaults_List` takes.
pub(crate) const VAULTS_FILTER: &str = "resourceType eq 'Microsoft.KeyVault/vaults'";

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

keyvault_core::method_options! {
    /// Options of [`KeyVaultManagementClient::create_or_update_vault`].
    poller pub struct CreateOrUpdateVaultOptions {}

    /// Options of [`KeyVaultManagementClient::get_vault`].
    pub struct GetVaultOptions {}

    /// Options of [`KeyVaultManagementClient::update_vault`].
    pub struct UpdateVaultOptions {}

    /// Options of [`KeyVaultManagementClient::delete_vault`].
    pub struct DeleteVaultOptions {}

    /// Options of [`KeyVaultManagementClient::update_access_policy`].
    pub struct UpdateAccessPolicyOptions {}

    /// Options of [`KeyVaultManagementClient::list_vaults_by_resource_group`].
    /// `max_page_size` is sent as ARM's `$top`.
    list pub struct ListVaultsByResourceGroupOptions {}

    /// Options of [`KeyVaultManagementClient::list_vaults_by_subscription`].
    /// `max_page_size` is sent as ARM's `$top`.
    list pub struct ListVaultsBySubscriptionOptions {}

    /// Options of [`KeyVaultManagementClient::list_vaults`].
    /// `max_page_size` is sent as ARM's `$top`.
    list pub struct ListVaultsOptions {}

    /// Options of [`KeyVaultManagementClient::list_operations`].
    /// The operations list has no page size: `max_page_size` is not sent.
    list pub struct ListOperationsOptions {}

    /// Options of [`KeyVaultManagementClient::list_deleted_vaults`].
    /// `max_page_size` is sent as ARM's `$top`.
    list pub struct ListDeletedVaultsOptions {}

    /// Options of [`KeyVaultManagementClient::get_deleted_vault`].
    pub struct GetDeletedVaultOptions {}

    /// Options of [`KeyVaultManagementClient::purge_deleted_vault`].
    poller pub struct PurgeDeletedVaultOptions {}

    /// Options of [`KeyVaultManagementClient::check_vault_name_availability`].
    pub struct CheckVaultNameAvailabilityOptions {}
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
///
/// # Resuming a long-running operation
///
/// Every method that returns a [`Poller`] can pick up an operation started earlier, by this
/// process or another: keep [`Poller::continuation_token`], then call the same method with the
/// same resource and its options' `continuation_token` (`CreateOrUpdateVaultOptions {
/// continuation_token: Some(token), .. }`). Nothing is sent
/// but polls; a request body such as `parameters` is checked as usual but not sent.
///
/// The token is opaque, URL-safe text (unpadded base64url) that names the operation (its spec
/// operation id, such as `Vaults_CreateOrUpdate`), the resource and the status or `Location`
/// link ARM gave. A token that is malformed, of another method or resource, or whose links
/// point at another host than the client's endpoint is an [`Error::InvalidArgument`] for
/// `continuation_token`, before anything is sent.
///
/// ```no_run
/// # use mgmt_keyvault::{CreateOrUpdateVaultOptions, KeyVaultManagementClient, VaultCreateOrUpdateParameters};
/// # async fn run(client: KeyVaultManagementClient, parameters: VaultCreateOrUpdateParameters) -> mgmt_keyvault::Result<()> {
/// let poller = client
///     .create_or_update_vault("my-rg", "my-vault", parameters.clone(), None)
///     .await?;
/// let token = poller.continuation_token();
/// drop(poller);
/// // Later, perhaps in another process:
/// let resume = CreateOrUpdateVaultOptions { continuation_token: Some(token), ..Default::default() };
/// let vault = client
///     .create_or_update_vault("my-rg", "my-vault", parameters, Some(resume))
///     .await?
///     .await?;
/// # let _ = vault; Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct KeyVaultManagementClient {
    pub(crate) pipeline: KeyVaultPipeline,
    /// The same pipeline at [`RESOURCES_API_VERSION`], for `Vaults_List`.
    resources: KeyVaultPipeline,
    subscription_id: String,
}

impl KeyVaultManagementClient {
    /// A client of subscription `subscription_id` (a GUID), authenticated by `credential`.
    ///
    /// ```no_run
    /// # fn run(credential: std::sync::Arc<dyn azure_core::credentials::TokenCredential>) -> mgmt_keyvault::Result<()> {
    /// let client = mgmt_keyvault::KeyVaultManagementClient::new(
    ///     "00000000-0000-0000-0000-000000000000",
    ///     credential,
    ///     None,
    /// )?;
    /// # Ok(()) }
    /// ```
    pub fn new(
        subscription_id: &str,
        credential: Arc<dyn TokenCredential>,
        options: Option<ManagementClientOptions>,
    ) -> Result<Self> {
        validate_guid("subscription_id", subscription_id)?;
        let options = options.unwrap_or_default();
        let core = keyvault_core::ClientOptions {
            api_version: Some(options.api_version),
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
            resources: pipeline.with_api_version(ApiVersion::new(RESOURCES_API_VERSION)),
            pipeline,
            subscription_id: subscription_id.to_string(),
        })
    }

    /// The subscription id.
    ///
    /// ```no_run
    /// # fn run(client: &mgmt_keyvault::KeyVaultManagementClient) {
    /// println!("subscription {}", client.subscription_id());
    /// # }
    /// ```
    pub fn subscription_id(&self) -> &str {
        &self.subscription_id
    }

    /// The ARM endpoint, `https://host[:port]/`.
    ///
    /// ```no_run
    /// # fn run(client: &mgmt_keyvault::KeyVaultManagementClient) {
    /// assert_eq!(client.endpoint().as_str(), "https://management.azure.com/");
    /// # }
    /// ```
    pub fn endpoint(&self) -> &Url {
        self.pipeline.vault_url()
    }

    /// The API version every request carries.
    ///
    /// ```no_run
    /// # fn run(client: &mgmt_keyvault::KeyVaultManagementClient) {
    /// println!("api-version={}", client.api_version());
    /// # }
    /// ```
    pub fn api_version(&self) -> &ApiVersion {
        self.pipeline.api_version()
    }

    /// Sends a request of your own through this client's pipeline (bearer token, retries,
    /// request id) and returns the response whatever its status, for operations the client
    /// does not offer. The URL must point at this client's endpoint; the client's API version
    /// is added when the URL carries none.
    ///
    /// ```no_run
    /// use mgmt_keyvault::azure_core::http::{Method, Request, Url};
    /// # async fn run(client: &mgmt_keyvault::KeyVaultManagementClient) -> Result<(), Box<dyn std::error::Error>> {
    /// let url = Url::parse(&format!(
    ///     "{}subscriptions/{}/providers/Microsoft.KeyVault/vaults",
    ///     client.endpoint(),
    ///     client.subscription_id()
    /// ))?;
    /// let response = client.send_request(Request::new(url, Method::Get)).await?;
    /// println!("status {:?}", response.status());
    /// # Ok(()) }
    /// ```
    pub async fn send_request(
        &self,
        request: azure_core::http::Request,
    ) -> Result<azure_core::http::RawResponse> {
        self.pipeline.send_request(request).await
    }

    pub(crate) fn subscription_url(&self, rest: &[&str]) -> Url {
        let mut segments = vec!["subscriptions", self.subscription_id.as_str()];
        segments.extend_from_slice(rest);
        self.pipeline.url(&segments)
    }

    pub(crate) fn vault_url(&self, resource_group: &str, vault_name: &str, rest: &[&str]) -> Url {
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

    fn deleted_vault_url(&self, location: &str, vault_name: &str) -> Url {
        self.subscription_url(&[
            "providers",
            PROVIDER,
            "locations",
            location,
            "deletedVaults",
            vault_name,
        ])
    }

    /// A pager over `url` on `pipeline` (the public operation's), or of the continuation token
    /// when one is given; `max_page_size` is sent as ARM's `$top`.
    pub(crate) fn pager<T: DeserializeOwned + Send + 'static>(
        pipeline: &KeyVaultPipeline,
        url: Url,
        options: ListOptions,
    ) -> Result<Pager<T>> {
        if let Some(token) = options.continuation_token {
            return Pager::from_continuation_token(pipeline.clone(), &token);
        }
        let mut url = url;
        if let Some(top) = options.max_page_size {
            if top == 0 {
                return Err(Error::invalid_argument(
                    "max_page_size",
                    "must be at least 1",
                ));
            }
            url.query_pairs_mut().append_pair("$top", &top.to_string());
        }
        Ok(Pager::new(pipeline.clone(), url))
    }

    /// Starts the create or update that a PUT or PATCH of `url` begins, or, given
    /// `options.continuation_token`, resumes it without sending anything but polls.
    pub(crate) async fn begin_resource<T, B>(
        &self,
        pipeline: &KeyVaultPipeline,
        kind: OperationKind,
        method: Method,
        url: Url,
        body: &B,
        options: PollerOptions,
    ) -> Result<Poller<T>>
    where
        T: DeserializeOwned + Send + Sync + 'static,
        B: Serialize + ?Sized,
    {
        let operation = match &options.continuation_token {
            Some(token) => ResourceOperation::resume(Tracking::resume(pipeline, kind, url, token)?),
            None => {
                let response = pipeline
                    .send(method, url.clone(), Some(to_json(body)?))
                    .await?;
                ResourceOperation::from_response(pipeline, kind, url, &response)?
            }
        };
        Ok(Poller::new(pipeline.clone(), operation).with_options(&options))
    }

    /// Starts an operation without a result on the resource at `resource` (a DELETE of it, or a
    /// POST to its `action`), or, given `options.continuation_token`, resumes it.
    pub(crate) async fn begin_location(
        &self,
        pipeline: &KeyVaultPipeline,
        kind: OperationKind,
        resource: Url,
        action: Option<&str>,
        options: PollerOptions,
    ) -> Result<Poller<()>> {
        let operation = match &options.continuation_token {
            Some(token) => {
                LocationOperation::resume(Tracking::resume(pipeline, kind, resource, token)?)
            }
            None => {
                let mut request = resource.clone();
                let method = match action {
                    Some(action) => {
                        if let Ok(mut path) = request.path_segments_mut() {
                            path.push(action);
                        }
                        Method::Post
                    }
                    None => Method::Delete,
                };
                let response = pipeline.send(method, request, None).await?;
                LocationOperation::from_response(pipeline, kind, resource, &response)?
            }
        };
        Ok(Poller::new(pipeline.clone(), operation).with_options(&options))
    }

    /// Starts a DELETE of `resource` whose result is what its `Location` answers at the end,
    /// or, given `options.continuation_token`, resumes it.
    pub(crate) async fn begin_final_location<T>(
        &self,
        pipeline: &KeyVaultPipeline,
        kind: OperationKind,
        resource: Url,
        options: PollerOptions,
    ) -> Result<Poller<Option<T>>>
    where
        T: DeserializeOwned + Send + Sync + 'static,
    {
        let operation = match &options.continuation_token {
            Some(token) => {
                FinalLocationOperation::resume(Tracking::resume(pipeline, kind, resource, token)?)
            }
            None => {
                let response = pipeline
                    .send(Method::Delete, resource.clone(), None)
                    .await?;
                FinalLocationOperation::from_response(pipeline, kind, resource, &response)?
            }
        };
        Ok(Poller::new(pipeline.clone(), operation).with_options(&options))
    }

    /// Creates a vault or replaces its properties (PUT). A long-running operation: the poller
    /// ends when the vault's `provisioningState` is `Succeeded`, with the vault.
    /// [Resumable](KeyVaultManagementClient#resuming-a-long-running-operation) from a token
    /// of this method on the same vault.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::{KeyVaultManagementClient, VaultCreateOrUpdateParameters};
    /// # async fn run(client: &KeyVaultManagementClient, parameters: VaultCreateOrUpdateParameters) -> mgmt_keyvault::Result<()> {
    /// let vault = client
    ///     .create_or_update_vault("my-rg", "my-vault", parameters, None)
    ///     .await?
    ///     .await?;
    /// println!("{vault:?}");
    /// # Ok(()) }
    /// ```
    pub async fn create_or_update_vault(
        &self,
        resource_group: &str,
        vault_name: &str,
        parameters: VaultCreateOrUpdateParameters,
        options: Option<CreateOrUpdateVaultOptions<'_>>,
    ) -> Result<Poller<Vault>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.create_or_update_vault",
            &options.method_options,
        );
        validate_resource_group("resource_group", resource_group)?;
        validate_vault_name("vault_name", vault_name)?;
        validate_location("location", &parameters.location)?;
        validate_guid("tenant_id", &parameters.properties.tenant_id)?;
        if let Some(policies) = &parameters.properties.access_policies {
            validate_policies(policies)?;
        }
        let url = self.vault_url(resource_group, vault_name, &[]);
        self.begin_resource(
            &pipeline,
            OperationKind::VaultsCreateOrUpdate,
            Method::Put,
            url,
            &parameters,
            options.poller_options(),
        )
        .await
    }

    /// Reads a vault.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// let vault = client.get_vault("my-rg", "my-vault", None).await?;
    /// println!("{vault:?}");
    /// # Ok(()) }
    /// ```
    pub async fn get_vault(
        &self,
        resource_group: &str,
        vault_name: &str,
        options: Option<GetVaultOptions<'_>>,
    ) -> Result<Vault> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.get_vault",
            &options.method_options,
        );
        validate_resource_group("resource_group", resource_group)?;
        validate_vault_name("vault_name", vault_name)?;
        let url = self.vault_url(resource_group, vault_name, &[]);
        pipeline.send_json(Method::Get, url, None).await
    }

    /// Changes the tags and properties that `parameters` sets (PATCH).
    ///
    /// ```no_run
    /// # use mgmt_keyvault::{KeyVaultManagementClient, VaultPatchParameters};
    /// # async fn run(client: &KeyVaultManagementClient, parameters: VaultPatchParameters) -> mgmt_keyvault::Result<()> {
    /// let vault = client.update_vault("my-rg", "my-vault", parameters, None).await?;
    /// println!("{vault:?}");
    /// # Ok(()) }
    /// ```
    pub async fn update_vault(
        &self,
        resource_group: &str,
        vault_name: &str,
        parameters: VaultPatchParameters,
        options: Option<UpdateVaultOptions<'_>>,
    ) -> Result<Vault> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.update_vault",
            &options.method_options,
        );
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
        pipeline
            .send_json(Method::Patch, url, Some(to_json(&parameters)?))
            .await
    }

    /// Deletes a vault. With soft delete (always on for new vaults) it becomes a deleted
    /// vault, readable with [`KeyVaultManagementClient::get_deleted_vault`] until purged.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// client.delete_vault("my-rg", "my-vault", None).await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete_vault(
        &self,
        resource_group: &str,
        vault_name: &str,
        options: Option<DeleteVaultOptions<'_>>,
    ) -> Result<()> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.delete_vault",
            &options.method_options,
        );
        validate_resource_group("resource_group", resource_group)?;
        validate_vault_name("vault_name", vault_name)?;
        let url = self.vault_url(resource_group, vault_name, &[]);
        pipeline.send(Method::Delete, url, None).await.map(drop)
    }

    /// Adds, replaces or removes access policies of a vault.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::{AccessPolicyEntry, AccessPolicyUpdateKind, KeyVaultManagementClient, Permissions, SecretPermissions, VaultAccessPolicyParameters};
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// let reader = AccessPolicyEntry {
    ///     tenant_id: "00000000-0000-0000-0000-000000000000".into(),
    ///     object_id: "11111111-1111-1111-1111-111111111111".into(),
    ///     application_id: None,
    ///     permissions: Permissions {
    ///         secrets: Some(vec![SecretPermissions::Get, SecretPermissions::List]),
    ///         ..Default::default()
    ///     },
    /// };
    /// let parameters = VaultAccessPolicyParameters::new(vec![reader]);
    /// let policies = client
    ///     .update_access_policy(
    ///         "my-rg",
    ///         "my-vault",
    ///         AccessPolicyUpdateKind::Add,
    ///         parameters,
    ///         None,
    ///     )
    ///     .await?;
    /// println!("{policies:?}");
    /// # Ok(()) }
    /// ```
    pub async fn update_access_policy(
        &self,
        resource_group: &str,
        vault_name: &str,
        kind: AccessPolicyUpdateKind,
        parameters: VaultAccessPolicyParameters,
        options: Option<UpdateAccessPolicyOptions<'_>>,
    ) -> Result<VaultAccessPolicyParameters> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.update_access_policy",
            &options.method_options,
        );
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
        pipeline
            .send_json(Method::Put, url, Some(to_json(&parameters)?))
            .await
    }

    /// The vaults of a resource group.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// use futures::TryStreamExt;
    /// let mut items = client.list_vaults_by_resource_group("my-rg", None)?;
    /// while let Some(vault) = items.try_next().await? {
    ///     println!("{vault:?}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_vaults_by_resource_group(
        &self,
        resource_group: &str,
        options: Option<ListVaultsByResourceGroupOptions<'_>>,
    ) -> Result<Pager<Vault>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.list_vaults_by_resource_group",
            &options.method_options,
        );
        validate_resource_group("resource_group", resource_group)?;
        let url = self.subscription_url(&[
            "resourceGroups",
            resource_group,
            "providers",
            PROVIDER,
            "vaults",
        ]);
        Self::pager(&pipeline, url, options.list_options())
    }

    /// The vaults of the subscription.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// use futures::TryStreamExt;
    /// let mut items = client.list_vaults_by_subscription(None)?;
    /// while let Some(vault) = items.try_next().await? {
    ///     println!("{vault:?}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_vaults_by_subscription(
        &self,
        options: Option<ListVaultsBySubscriptionOptions<'_>>,
    ) -> Result<Pager<Vault>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.list_vaults_by_subscription",
            &options.method_options,
        );
        let url = self.subscription_url(&["providers", PROVIDER, "vaults"]);
        Self::pager(&pipeline, url, options.list_options())
    }

    /// The vaults of the subscription as ARM's generic resource list shows them (`Vaults_List`):
    /// id, name, region and tags, without properties. `max_page_size` (sent as `$top`) is the most items per page. The
    /// requests carry the resource list's own API version, [`RESOURCES_API_VERSION`], whatever
    /// the client's.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// use futures::TryStreamExt;
    /// let mut items = client.list_vaults(None)?;
    /// while let Some(vault) = items.try_next().await? {
    ///     println!("{vault:?}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_vaults(
        &self,
        options: Option<ListVaultsOptions<'_>>,
    ) -> Result<Pager<TrackedResource>> {
        let options = options.unwrap_or_default();
        let pipeline = self.resources.operation(
            "KeyVaultManagementClient.list_vaults",
            &options.method_options,
        );
        let mut url = pipeline.url(&["subscriptions", self.subscription_id.as_str(), "resources"]);
        url.query_pairs_mut().append_pair("$filter", VAULTS_FILTER);
        Self::pager(&pipeline, url, options.list_options())
    }

    /// The operations of the `Microsoft.KeyVault` provider (`Operations_List`): the actions a
    /// role definition can grant, with their display strings, and the logs and metrics the
    /// diagnostic ones feed. The same for every subscription.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// use futures::TryStreamExt;
    /// let mut items = client.list_operations(None)?;
    /// while let Some(operation) = items.try_next().await? {
    ///     println!("{operation:?}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_operations(
        &self,
        options: Option<ListOperationsOptions<'_>>,
    ) -> Result<Pager<Operation>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.list_operations",
            &options.method_options,
        );
        let url = pipeline.url(&["providers", PROVIDER, "operations"]);
        let list = ListOptions {
            max_page_size: None,
            continuation_token: options.continuation_token,
        };
        Self::pager(&pipeline, url, list)
    }

    /// The soft-deleted vaults of the subscription.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// use futures::TryStreamExt;
    /// let mut items = client.list_deleted_vaults(None)?;
    /// while let Some(deleted) = items.try_next().await? {
    ///     println!("{deleted:?}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_deleted_vaults(
        &self,
        options: Option<ListDeletedVaultsOptions<'_>>,
    ) -> Result<Pager<DeletedVault>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.list_deleted_vaults",
            &options.method_options,
        );
        let url = self.subscription_url(&["providers", PROVIDER, "deletedVaults"]);
        Self::pager(&pipeline, url, options.list_options())
    }

    /// Reads a soft-deleted vault.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// let deleted = client.get_deleted_vault("westus", "my-vault", None).await?;
    /// println!("{deleted:?}");
    /// # Ok(()) }
    /// ```
    pub async fn get_deleted_vault(
        &self,
        location: &str,
        vault_name: &str,
        options: Option<GetDeletedVaultOptions<'_>>,
    ) -> Result<DeletedVault> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.get_deleted_vault",
            &options.method_options,
        );
        validate_location("location", location)?;
        validate_vault_name("vault_name", vault_name)?;
        let url = self.deleted_vault_url(location, vault_name);
        pipeline.send_json(Method::Get, url, None).await
    }

    /// Purges a soft-deleted vault for good. A long-running operation.
    /// [Resumable](KeyVaultManagementClient#resuming-a-long-running-operation) from a token
    /// of this method on the same deleted vault.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// client.purge_deleted_vault("westus", "my-vault", None).await?.await?;
    /// # Ok(()) }
    /// ```
    pub async fn purge_deleted_vault(
        &self,
        location: &str,
        vault_name: &str,
        options: Option<PurgeDeletedVaultOptions<'_>>,
    ) -> Result<Poller<()>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.purge_deleted_vault",
            &options.method_options,
        );
        validate_location("location", location)?;
        validate_vault_name("vault_name", vault_name)?;
        let url = self.deleted_vault_url(location, vault_name);
        self.begin_location(
            &pipeline,
            OperationKind::VaultsPurgeDeleted,
            url,
            Some("purge"),
            options.poller_options(),
        )
        .await
    }

    /// Whether `vault_name` can be used for a new vault (names are global). A name that is not
    /// a valid vault name is reported by the service as `AccountNameInvalid`.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// let availability = client.check_vault_name_availability("my-vault", None).await?;
    /// println!("{availability:?}");
    /// # Ok(()) }
    /// ```
    pub async fn check_vault_name_availability(
        &self,
        vault_name: &str,
        options: Option<CheckVaultNameAvailabilityOptions<'_>>,
    ) -> Result<CheckNameAvailabilityResult> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.check_vault_name_availability",
            &options.method_options,
        );
        if vault_name.is_empty() {
            return Err(Error::invalid_argument("vault_name", "must not be empty"));
        }
        let body = VaultCheckNameAvailabilityParameters {
            name: vault_name.to_string(),
            resource_type: VAULT_TYPE.to_string(),
        };
        let url = self.subscription_url(&["providers", PROVIDER, "checkNameAvailability"]);
        pipeline
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
