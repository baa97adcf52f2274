//! The secrets ARM sub-resource of `KeyVaultManagementClient`.

use crate::client::{KeyVaultManagementClient, PROVIDER};
use crate::secret_models::{Secret, SecretParameters};
use crate::validation::{validate_resource_group, validate_vault_name};
use azure_core::http::Method;
use keyvault_core::{pipeline::to_json, validation::validate_name, Pager, Result};
use url::Url;

keyvault_core::method_options! {
    /// Options of [`KeyVaultManagementClient::create_or_update_secret`].
    pub struct CreateOrUpdateSecretOptions {}

    /// Options of [`KeyVaultManagementClient::update_secret`].
    pub struct UpdateSecretOptions {}

    /// Options of [`KeyVaultManagementClient::get_secret`].
    pub struct GetSecretOptions {}

    /// Options of [`KeyVaultManagementClient::list_secrets`].
    /// `max_page_size` is sent as ARM's `$top`.
    list pub struct ListSecretsOptions {}
}

impl KeyVaultManagementClient {
    fn secrets_url(&self, resource_group: &str, vault_name: &str, name: Option<&str>) -> Url {
        let mut segments = vec![
            "resourceGroups",
            resource_group,
            "providers",
            PROVIDER,
            "vaults",
            vault_name,
            "secrets",
        ];
        segments.extend(name);
        self.subscription_url(&segments)
    }

    fn check_secret(resource_group: &str, vault_name: &str, name: Option<&str>) -> Result<()> {
        validate_resource_group("resource_group", resource_group)?;
        validate_vault_name("vault_name", vault_name)?;
        match name {
            Some(name) => validate_name("secret_name", name),
            None => Ok(()),
        }
    }

    /// Creates a secret or adds a version to it (PUT). Meant for deployments; applications
    /// should use the data plane. The response never carries the value.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::{KeyVaultManagementClient, SecretParameters, SecretProperties};
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// let parameters = SecretParameters {
    ///     tags: None,
    ///     properties: SecretProperties {
    ///         value: Some("correct horse battery staple".into()),
    ///         content_type: Some("text/plain".into()),
    ///         ..Default::default()
    ///     },
    /// };
    /// let secret = client
    ///     .create_or_update_secret("my-rg", "my-vault", "my-secret", parameters, None)
    ///     .await?;
    /// println!("{secret:?}");
    /// # Ok(()) }
    /// ```
    pub async fn create_or_update_secret(
        &self,
        resource_group: &str,
        vault_name: &str,
        secret_name: &str,
        parameters: SecretParameters,
        options: Option<CreateOrUpdateSecretOptions<'_>>,
    ) -> Result<Secret> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.create_or_update_secret",
            &options.method_options,
        );
        Self::check_secret(resource_group, vault_name, Some(secret_name))?;
        if parameters.properties.value.is_none() {
            return Err(keyvault_core::Error::invalid_argument(
                "properties.value",
                "is required to create or update a secret",
            ));
        }
        let url = self.secrets_url(resource_group, vault_name, Some(secret_name));
        pipeline
            .send_json(Method::Put, url, Some(to_json(&parameters)?))
            .await
    }

    /// Changes what `parameters` sets (PATCH); a new value makes a new version.
    ///
    /// ```no_run
    /// # use mgmt_keyvault::{KeyVaultManagementClient, SecretParameters};
    /// # async fn run(client: &KeyVaultManagementClient, parameters: SecretParameters) -> mgmt_keyvault::Result<()> {
    /// let secret = client
    ///     .update_secret("my-rg", "my-vault", "my-secret", parameters, None)
    ///     .await?;
    /// println!("{secret:?}");
    /// # Ok(()) }
    /// ```
    pub async fn update_secret(
        &self,
        resource_group: &str,
        vault_name: &str,
        secret_name: &str,
        parameters: SecretParameters,
        options: Option<UpdateSecretOptions<'_>>,
    ) -> Result<Secret> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.update_secret",
            &options.method_options,
        );
        Self::check_secret(resource_group, vault_name, Some(secret_name))?;
        let url = self.secrets_url(resource_group, vault_name, Some(secret_name));
        pipeline
            .send_json(Method::Patch, url, Some(to_json(&parameters)?))
            .await
    }

    /// Reads a secret's properties (never its value).
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// let secret = client.get_secret("my-rg", "my-vault", "my-secret", None).await?;
    /// println!("{secret:?}");
    /// # Ok(()) }
    /// ```
    pub async fn get_secret(
        &self,
        resource_group: &str,
        vault_name: &str,
        secret_name: &str,
        options: Option<GetSecretOptions<'_>>,
    ) -> Result<Secret> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.get_secret",
            &options.method_options,
        );
        Self::check_secret(resource_group, vault_name, Some(secret_name))?;
        let url = self.secrets_url(resource_group, vault_name, Some(secret_name));
        pipeline.send_json(Method::Get, url, None).await
    }

    /// The secrets of a vault (without values).
    ///
    /// ```no_run
    /// # use mgmt_keyvault::KeyVaultManagementClient;
    /// # async fn run(client: &KeyVaultManagementClient) -> mgmt_keyvault::Result<()> {
    /// use futures::TryStreamExt;
    /// let mut items = client.list_secrets("my-rg", "my-vault", None)?;
    /// while let Some(secret) = items.try_next().await? {
    ///     println!("{secret:?}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_secrets(
        &self,
        resource_group: &str,
        vault_name: &str,
        options: Option<ListSecretsOptions<'_>>,
    ) -> Result<Pager<Secret>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultManagementClient.list_secrets",
            &options.method_options,
        );
        Self::check_secret(resource_group, vault_name, None)?;
        Self::pager(
            &pipeline,
            self.secrets_url(resource_group, vault_name, None),
            options.list_options(),
        )
    }
}
