//! The keys ARM sub-resource of `KeyVaultManagementClient`.

use crate::client::{KeyVaultManagementClient, PROVIDER};
use crate::key_models::{Key, KeyCreateParameters};
use crate::validation::{validate_resource_group, validate_vault_name};
use azure_core::http::Method;
use keyvault_core::{
    pipeline::to_json,
    validation::{validate_name, validate_version},
    Error, Pager, Result,
};
use url::Url;

const HSMS: &str = "managedHSMs";

keyvault_core::method_options! {
    /// Options of [`KeyVaultManagementClient::create_key_if_not_exist`].
    pub struct CreateKeyIfNotExistOptions {}

    /// Options of [`KeyVaultManagementClient::get_key`].
    pub struct GetKeyOptions {}

    /// Options of [`KeyVaultManagementClient::get_key_version`].
    pub struct GetKeyVersionOptions {}

    /// Options of [`KeyVaultManagementClient::list_keys`].
    /// `max_page_size` is sent as ARM's `$top`.
    list pub struct ListKeysOptions {}

    /// Options of [`KeyVaultManagementClient::list_key_versions`].
    /// `max_page_size` is sent as ARM's `$top`.
    list pub struct ListKeyVersionsOptions {}

    /// Options of [`KeyVaultManagementClient::create_managed_hsm_key_if_not_exist`].
    pub struct CreateManagedHsmKeyIfNotExistOptions {}

    /// Options of [`KeyVaultManagementClient::get_managed_hsm_key`].
    pub struct GetManagedHsmKeyOptions {}

    /// Options of [`KeyVaultManagementClient::get_managed_hsm_key_version`].
    pub struct GetManagedHsmKeyVersionOptions {}

    /// Options of [`KeyVaultManagementClient::list_managed_hsm_keys`].
    /// `max_page_size` is sent as ARM's `$top`.
    list pub struct ListManagedHsmKeysOptions {}

    /// Options of [`KeyVaultManagementClient::list_managed_hsm_key_versions`].
    /// `max_page_size` is sent as ARM's `$top`.
    list pub struct ListManagedHsmKeyVersionsOptions {}
}

impl KeyVaultManagementClient {
    fn keys_url(&self, resource_group: &str, vault_name: &str, rest: &[&str]) -> Url {
        self.keys_url_of("vaults", resource_group, vault_name, rest)
    }

    fn keys_url_of(&self, kind: &str, resource_group: &str, name: &str, rest: &[&str]) -> Url {
        let mut segments = vec![
            "resourceGroups",
            resource_group,
            "providers",
            PROVIDER,
            kind,
            name,
            "keys",
        ];
        segments.extend_from_slice(rest);
        self.subscription_url(&segments)
    }

    fn check_key(resource_group: &str, vault_name: &str, name: Option<&str>) -> Result<()> {
        validate_resource_group("resource_group", resource_group)?;
        validate_vault_name("vault_name", vault_name)?;
        match name {
            Some(name) => validate_name("key_name", name),
            None => Ok(()),
        }
    }

    /// Creates a key unless one of that name exists, in which case the existing key is
    /// returned unchanged. Meant for deployments; use the data plane for cryptography.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::{JsonWebKeyType, KeyCreateParameters, KeyProperties, KeyVaultManagementClient};
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// let parameters = KeyCreateParameters {
    ///     tags: None,
    ///     properties: KeyProperties {
    ///         kty: Some(JsonWebKeyType::Rsa),
    ///         key_size: Some(3072),
    ///         ..Default::default()
    ///     },
    /// };
    /// let key = client
    ///     .create_key_if_not_exist("my-rg", "my-vault", "my-key", parameters, None)
    ///     .await?;
    /// println!("{key:?}");
    /// # Ok(()) }
    /// ```
    pub async fn create_key_if_not_exist(
        &self,
        resource_group: &str,
        vault_name: &str,
        key_name: &str,
        parameters: KeyCreateParameters,
        options: Option<CreateKeyIfNotExistOptions<'_>>,
    ) -> Result<Key> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.create_key_if_not_exist",
            &options.method_options,
        );
        Self::check_key(resource_group, vault_name, Some(key_name))?;
        if parameters.properties.kty.is_none() {
            return Err(Error::invalid_argument(
                "properties.kty",
                "is required to create a key",
            ));
        }
        let url = self.keys_url(resource_group, vault_name, &[key_name]);
        pipeline
            .send_json(Method::Put, url, Some(to_json(&parameters)?))
            .await
    }

    /// Reads the current version of a key.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// let key = client.get_key("my-rg", "my-vault", "my-key", None).await?;
    /// println!("{key:?}");
    /// # Ok(()) }
    /// ```
    pub async fn get_key(
        &self,
        resource_group: &str,
        vault_name: &str,
        key_name: &str,
        options: Option<GetKeyOptions<'_>>,
    ) -> Result<Key> {
        let options = options.unwrap_or_default();
        let pipeline = self
            .pipeline
            .operation("KeyVaultManagementClient.get_key", &options.method_options);
        Self::check_key(resource_group, vault_name, Some(key_name))?;
        let url = self.keys_url(resource_group, vault_name, &[key_name]);
        pipeline.send_json(Method::Get, url, None).await
    }

    /// Reads one version of a key.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// let key = client
    ///     .get_key_version(
    ///         "my-rg",
    ///         "my-vault",
    ///         "my-key",
    ///         "0123456789abcdef0123456789abcdef",
    ///         None,
    ///     )
    ///     .await?;
    /// println!("{key:?}");
    /// # Ok(()) }
    /// ```
    pub async fn get_key_version(
        &self,
        resource_group: &str,
        vault_name: &str,
        key_name: &str,
        key_version: &str,
        options: Option<GetKeyVersionOptions<'_>>,
    ) -> Result<Key> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.get_key_version",
            &options.method_options,
        );
        Self::check_key(resource_group, vault_name, Some(key_name))?;
        validate_version("key_version", key_version)?;
        if key_version.is_empty() {
            return Err(Error::invalid_argument("key_version", "must not be empty"));
        }
        let url = self.keys_url(
            resource_group,
            vault_name,
            &[key_name, "versions", key_version],
        );
        pipeline.send_json(Method::Get, url, None).await
    }

    /// The keys of a vault (their current versions).
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// use futures::TryStreamExt;
    /// let mut items = client.list_keys("my-rg", "my-vault", None)?;
    /// while let Some(key) = items.try_next().await? {
    ///     println!("{key:?}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_keys(
        &self,
        resource_group: &str,
        vault_name: &str,
        options: Option<ListKeysOptions<'_>>,
    ) -> Result<Pager<Key>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.list_keys",
            &options.method_options,
        );
        Self::check_key(resource_group, vault_name, None)?;
        Self::pager(
            &pipeline,
            self.keys_url(resource_group, vault_name, &[]),
            options.list_options(),
        )
    }

    /// The versions of a key.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// use futures::TryStreamExt;
    /// let mut items = client.list_key_versions("my-rg", "my-vault", "my-key", None)?;
    /// while let Some(key) = items.try_next().await? {
    ///     println!("{key:?}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_key_versions(
        &self,
        resource_group: &str,
        vault_name: &str,
        key_name: &str,
        options: Option<ListKeyVersionsOptions<'_>>,
    ) -> Result<Pager<Key>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.list_key_versions",
            &options.method_options,
        );
        Self::check_key(resource_group, vault_name, Some(key_name))?;
        let url = self.keys_url(resource_group, vault_name, &[key_name, "versions"]);
        Self::pager(&pipeline, url, options.list_options())
    }

    /// Creates a key in a Managed HSM pool unless one of that name exists (then it is returned
    /// unchanged). Pool keys are HSM keys: `RSA-HSM`, `EC-HSM` (or `oct-HSM`).
    ///
    /// ```no_run
    /// # use mgmt_keyvault::{JsonWebKeyType, KeyCreateParameters, KeyProperties, KeyVaultManagementClient};
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// let parameters = KeyCreateParameters {
    ///     tags: None,
    ///     properties: KeyProperties {
    ///         kty: Some(JsonWebKeyType::RsaHsm),
    ///         key_size: Some(3072),
    ///         ..Default::default()
    ///     },
    /// };
    /// let key = client
    ///     .create_managed_hsm_key_if_not_exist("my-rg", "my-hsm", "my-key", parameters, None)
    ///     .await?;
    /// println!("{key:?}");
    /// # Ok(()) }
    /// ```
    pub async fn create_managed_hsm_key_if_not_exist(
        &self,
        resource_group: &str,
        name: &str,
        key_name: &str,
        parameters: KeyCreateParameters,
        options: Option<CreateManagedHsmKeyIfNotExistOptions<'_>>,
    ) -> Result<Key> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.create_managed_hsm_key_if_not_exist",
            &options.method_options,
        );
        Self::check_key(resource_group, name, Some(key_name))?;
        if parameters.properties.kty.is_none() {
            return Err(Error::invalid_argument(
                "properties.kty",
                "is required to create a key",
            ));
        }
        let url = self.keys_url_of(HSMS, resource_group, name, &[key_name]);
        pipeline
            .send_json(Method::Put, url, Some(to_json(&parameters)?))
            .await
    }

    /// Reads the current version of a key of a Managed HSM pool.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// let key = client.get_managed_hsm_key("my-rg", "my-hsm", "my-key", None).await?;
    /// println!("{key:?}");
    /// # Ok(()) }
    /// ```
    pub async fn get_managed_hsm_key(
        &self,
        resource_group: &str,
        name: &str,
        key_name: &str,
        options: Option<GetManagedHsmKeyOptions<'_>>,
    ) -> Result<Key> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.get_managed_hsm_key",
            &options.method_options,
        );
        Self::check_key(resource_group, name, Some(key_name))?;
        let url = self.keys_url_of(HSMS, resource_group, name, &[key_name]);
        pipeline.send_json(Method::Get, url, None).await
    }

    /// Reads one version of a key of a Managed HSM pool.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// let key = client
    ///     .get_managed_hsm_key_version(
    ///         "my-rg",
    ///         "my-hsm",
    ///         "my-key",
    ///         "0123456789abcdef0123456789abcdef",
    ///         None,
    ///     )
    ///     .await?;
    /// println!("{key:?}");
    /// # Ok(()) }
    /// ```
    pub async fn get_managed_hsm_key_version(
        &self,
        resource_group: &str,
        name: &str,
        key_name: &str,
        key_version: &str,
        options: Option<GetManagedHsmKeyVersionOptions<'_>>,
    ) -> Result<Key> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.get_managed_hsm_key_version",
            &options.method_options,
        );
        Self::check_key(resource_group, name, Some(key_name))?;
        validate_version("key_version", key_version)?;
        if key_version.is_empty() {
            return Err(Error::invalid_argument("key_version", "must not be empty"));
        }
        let url = self.keys_url_of(
            HSMS,
            resource_group,
            name,
            &[key_name, "versions", key_version],
        );
        pipeline.send_json(Method::Get, url, None).await
    }

    /// The keys of a Managed HSM pool.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// use futures::TryStreamExt;
    /// let mut items = client.list_managed_hsm_keys("my-rg", "my-hsm", None)?;
    /// while let Some(key) = items.try_next().await? {
    ///     println!("{key:?}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_managed_hsm_keys(
        &self,
        resource_group: &str,
        name: &str,
        options: Option<ListManagedHsmKeysOptions<'_>>,
    ) -> Result<Pager<Key>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.list_managed_hsm_keys",
            &options.method_options,
        );
        Self::check_key(resource_group, name, None)?;
        Self::pager(
            &pipeline,
            self.keys_url_of(HSMS, resource_group, name, &[]),
            options.list_options(),
        )
    }

    /// The versions of a key of a Managed HSM pool.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// use futures::TryStreamExt;
    /// let mut items = client
    ///     .list_managed_hsm_key_versions("my-rg", "my-hsm", "my-key", None)
    ///     ?;
    /// while let Some(key) = items.try_next().await? {
    ///     println!("{key:?}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_managed_hsm_key_versions(
        &self,
        resource_group: &str,
        name: &str,
        key_name: &str,
        options: Option<ListManagedHsmKeyVersionsOptions<'_>>,
    ) -> Result<Pager<Key>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.list_managed_hsm_key_versions",
            &options.method_options,
        );
        Self::check_key(resource_group, name, Some(key_name))?;
        let url = self.keys_url_of(HSMS, resource_group, name, &[key_name, "versions"]);
        Self::pager(&pipeline, url, options.list_options())
    }
}
