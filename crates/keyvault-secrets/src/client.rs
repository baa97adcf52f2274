//! `SecretClient`: every operation of the secrets data plane.

use crate::models::{
    DeletedSecret, KeyVaultSecret, SecretContentType, SecretProperties, SecretSetParameters,
    SecretUpdateParameters,
};
use azure_core::http::Method;
use keyvault_core::{
    lifecycle,
    pipeline::to_json,
    polling,
    validation::{validate_name, validate_version},
    ApiVersion, Attributes, KeyVaultPipeline, Pager, Poller, Result, SecretBytes,
};
use std::collections::HashMap;
use time::OffsetDateTime;

/// Options of [`SecretClient::new`]: API version, `azure_core` client options (retry,
/// transport, user agent) and `verify_challenge_resource`.
pub type SecretClientOptions = keyvault_core::ClientOptions;

keyvault_core::method_options! {
    /// Options of [`SecretClient::set_secret`].
    pub struct SetSecretOptions {
        /// A content type, for your own use (for example `text/plain`).
        pub content_type: Option<String>,
        /// Whether the secret is enabled.
        pub enabled: Option<bool>,
        /// Not usable before this time.
        pub not_before: Option<OffsetDateTime>,
        /// Not usable after this time.
        pub expires_on: Option<OffsetDateTime>,
        /// Tags.
        pub tags: Option<HashMap<String, String>>,
    }

    /// Options of [`SecretClient::get_secret`].
    pub struct GetSecretOptions {
        /// The version; the latest when `None`.
        pub version: Option<String>,
        /// For a certificate's secret, the format to return it in (API `2025-07-01` and later).
        pub out_content_type: Option<SecretContentType>,
    }

    /// Options of [`SecretClient::update_secret_properties`]: only what is set changes.
    pub struct UpdateSecretPropertiesOptions {
        /// The version to update; the latest when `None`.
        pub version: Option<String>,
        /// A new content type.
        pub content_type: Option<String>,
        /// Enable or disable the secret.
        pub enabled: Option<bool>,
        /// A new not-before time.
        pub not_before: Option<OffsetDateTime>,
        /// A new expiry time.
        pub expires_on: Option<OffsetDateTime>,
        /// New tags, replacing the old ones.
        pub tags: Option<HashMap<String, String>>,
    }

    /// Options of [`SecretClient::list_properties_of_secrets`].
    list pub struct ListPropertiesOfSecretsOptions {}

    /// Options of [`SecretClient::list_properties_of_secret_versions`].
    list pub struct ListPropertiesOfSecretVersionsOptions {}

    /// Options of [`SecretClient::begin_delete_secret`].
    poller pub struct BeginDeleteSecretOptions {}

    /// Options of [`SecretClient::get_deleted_secret`].
    pub struct GetDeletedSecretOptions {}

    /// Options of [`SecretClient::list_deleted_secrets`].
    list pub struct ListDeletedSecretsOptions {}

    /// Options of [`SecretClient::purge_deleted_secret`].
    pub struct PurgeDeletedSecretOptions {}

    /// Options of [`SecretClient::begin_recover_deleted_secret`].
    poller pub struct BeginRecoverDeletedSecretOptions {}

    /// Options of [`SecretClient::backup_secret`].
    pub struct BackupSecretOptions {}

    /// Options of [`SecretClient::restore_secret_backup`].
    pub struct RestoreSecretBackupOptions {}
}

/// A client of the secrets in one vault. Cheap to clone; `Send + Sync`.
///
/// ```no_run
/// use keyvault_secrets::{ExposeSecret, SecretClient};
/// # async fn run(credential: std::sync::Arc<dyn azure_core::credentials::TokenCredential>) -> keyvault_core::Result<()> {
/// let client = SecretClient::new("https://my-vault.vault.azure.net", credential, None)?;
/// client.set_secret("db-password", "hunter2", None).await?;
/// let secret = client.get_secret("db-password", None).await?;
/// assert_eq!(secret.value.expose_secret(), "hunter2");
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct SecretClient {
    pipeline: KeyVaultPipeline,
}

const SECRETS: &str = "secrets";
const DELETED: &str = "deletedsecrets";

keyvault_core::vault_client!(
    SecretClient,
    SecretClientOptions,
    "https://{vault}.vault.azure.net",
    default_api_version = keyvault_core::ApiVersion::V2026_04_01,
    new {
        ///
        /// ```no_run
        /// use keyvault_secrets::{SecretClient, SecretClientOptions};
        /// # fn run() -> Result<(), Box<dyn std::error::Error>> {
        /// let credential = azure_identity::DeveloperToolsCredential::new(None)?;
        /// let client = SecretClient::new("https://my-vault.vault.azure.net", credential.clone(), None)?;
        ///
        /// // With azure_core's options (retries, transport, tracing) and an older API version.
        /// let options = SecretClientOptions {
        ///     api_version: Some(keyvault_secrets::ApiVersion::V7_5),
        ///     ..Default::default()
        /// };
        /// let client = SecretClient::new("https://my-vault.vault.azure.net", credential, Some(options))?;
        /// # Ok(()) }
        /// ```
    }
    vault_url {
        ///
        /// ```no_run
        /// # fn run(client: &keyvault_secrets::SecretClient) {
        /// assert_eq!(client.vault_url(), "https://my-vault.vault.azure.net");
        /// # }
        /// ```
    }
    api_version {
        ///
        /// ```no_run
        /// # fn run(client: &keyvault_secrets::SecretClient) {
        /// println!("api-version={}", client.api_version());
        /// # }
        /// ```
    }
    send_request {
        ///
        /// ```no_run
        /// use keyvault_secrets::azure_core::http::{Method, Request, Url};
        /// # async fn run(client: &keyvault_secrets::SecretClient) -> Result<(), Box<dyn std::error::Error>> {
        /// let url = Url::parse(&format!("{}/secrets/db-password/versions", client.vault_url()))?;
        /// let response = client.send_request(Request::new(url, Method::Get)).await?;
        /// println!("status {:?}", response.status());
        /// # Ok(()) }
        /// ```
    }
);

impl SecretClient {
    /// Sets a secret: creates it, or adds a new version.
    ///
    /// ```no_run
    /// use keyvault_secrets::SetSecretOptions;
    /// # async fn run(client: &keyvault_secrets::SecretClient) -> keyvault_secrets::Result<()> {
    /// let options = SetSecretOptions {
    ///     content_type: Some("text/plain".into()),
    ///     ..Default::default()
    /// };
    /// let secret = client.set_secret("db-password", "hunter2", Some(options)).await?;
    /// println!("{} version {:?}", secret.name(), secret.properties.version);
    /// # Ok(()) }
    /// ```
    pub async fn set_secret(
        &self,
        name: &str,
        value: &str,
        options: Option<SetSecretOptions<'_>>,
    ) -> Result<KeyVaultSecret> {
        let options = options.unwrap_or_default();
        let pipeline = self
            .pipeline
            .operation("SecretClient.set_secret", &options.method_options);
        validate_name("name", name)?;
        let body = to_json(&SecretSetParameters {
            value,
            tags: options.tags.as_ref(),
            content_type: options.content_type.as_deref(),
            attributes: Attributes::settable(
                options.enabled,
                options.not_before,
                options.expires_on,
            ),
        })?;
        pipeline
            .send_json(Method::Put, pipeline.url(&[SECRETS, name]), Some(body))
            .await
    }

    /// Gets a secret: the latest version, or the one named in the options.
    ///
    /// ```no_run
    /// use keyvault_secrets::{ExposeSecret, GetSecretOptions};
    /// # async fn run(client: &keyvault_secrets::SecretClient) -> keyvault_secrets::Result<()> {
    /// let secret = client.get_secret("db-password", None).await?;
    /// let value: &str = secret.value.expose_secret();
    ///
    /// // An older version.
    /// let options = GetSecretOptions { version: Some("6a2b...".into()), ..Default::default() };
    /// let older = client.get_secret("db-password", Some(options)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_secret(
        &self,
        name: &str,
        options: Option<GetSecretOptions<'_>>,
    ) -> Result<KeyVaultSecret> {
        let options = options.unwrap_or_default();
        let pipeline = self
            .pipeline
            .operation("SecretClient.get_secret", &options.method_options);
        validate_name("name", name)?;
        let version = options.version.unwrap_or_default();
        validate_version("version", &version)?;
        let mut url = pipeline.url(&[SECRETS, name, &version]);
        if let Some(out) = &options.out_content_type {
            pipeline.require(&ApiVersion::V2025_07_01, "out_content_type")?;
            url.query_pairs_mut()
                .append_pair("outContentType", out.as_str());
        }
        pipeline.send_json(Method::Get, url, None).await
    }

    /// Updates a secret version's properties; its value never changes.
    ///
    /// ```no_run
    /// use keyvault_secrets::UpdateSecretPropertiesOptions;
    /// # async fn run(client: &keyvault_secrets::SecretClient) -> keyvault_secrets::Result<()> {
    /// let options = UpdateSecretPropertiesOptions {
    ///     enabled: Some(false),
    ///     content_type: Some("text/x-password".into()),
    ///     ..Default::default()
    /// };
    /// let properties = client.update_secret_properties("db-password", Some(options)).await?;
    /// assert_eq!(properties.enabled, Some(false));
    /// # Ok(()) }
    /// ```
    pub async fn update_secret_properties(
        &self,
        name: &str,
        options: Option<UpdateSecretPropertiesOptions<'_>>,
    ) -> Result<SecretProperties> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "SecretClient.update_secret_properties",
            &options.method_options,
        );
        validate_name("name", name)?;
        let version = options.version.clone().unwrap_or_default();
        validate_version("version", &version)?;
        let body = to_json(&SecretUpdateParameters {
            content_type: options.content_type.as_deref(),
            attributes: Attributes::settable(
                options.enabled,
                options.not_before,
                options.expires_on,
            ),
            tags: options.tags.as_ref(),
        })?;
        pipeline
            .send_json(
                Method::Patch,
                pipeline.url(&[SECRETS, name, &version]),
                Some(body),
            )
            .await
    }

    /// Lists the properties of every secret (latest versions), without values.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// # async fn run(client: &keyvault_secrets::SecretClient) -> keyvault_secrets::Result<()> {
    /// let mut secrets = client.list_properties_of_secrets(None)?;
    /// while let Some(properties) = secrets.try_next().await? {
    ///     println!("{} updated {:?}", properties.name, properties.updated_on);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_properties_of_secrets(
        &self,
        options: Option<ListPropertiesOfSecretsOptions<'_>>,
    ) -> Result<Pager<SecretProperties>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "SecretClient.list_properties_of_secrets",
            &options.method_options,
        );
        options.list_options().pager(&pipeline, &[SECRETS])
    }

    /// Lists the properties of every version of a secret, without values.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// # async fn run(client: &keyvault_secrets::SecretClient) -> keyvault_secrets::Result<()> {
    /// let versions: Vec<_> = client
    ///     .list_properties_of_secret_versions("db-password", None)?
    ///     .try_collect()
    ///     .await?;
    /// for version in versions {
    ///     println!("{:?} created {:?}", version.version, version.created_on);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_properties_of_secret_versions(
        &self,
        name: &str,
        options: Option<ListPropertiesOfSecretVersionsOptions<'_>>,
    ) -> Result<Pager<SecretProperties>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "SecretClient.list_properties_of_secret_versions",
            &options.method_options,
        );
        validate_name("name", name)?;
        options
            .list_options()
            .pager(&pipeline, &[SECRETS, name, "versions"])
    }

    /// Deletes a secret (every version). In a vault with soft delete, the poller completes
    /// once the deleted secret can be read; await it before purging or recovering.
    ///
    /// ```no_run
    /// # async fn run(client: &keyvault_secrets::SecretClient) -> keyvault_secrets::Result<()> {
    /// let poller = client.begin_delete_secret("db-password", None).await?;
    /// let deleted = poller.await?;
    /// println!("purge scheduled {:?}", deleted.scheduled_purge_date);
    /// # Ok(()) }
    /// ```
    pub async fn begin_delete_secret(
        &self,
        name: &str,
        options: Option<BeginDeleteSecretOptions<'_>>,
    ) -> Result<Poller<DeletedSecret>> {
        let options = options.unwrap_or_default();
        let pipeline = self
            .pipeline
            .operation("SecretClient.begin_delete_secret", &options.method_options);
        validate_name("name", name)?;
        polling::begin_delete(
            &pipeline,
            &[SECRETS, name],
            &[DELETED, name],
            &options.poller_options(),
            |deleted: &DeletedSecret| deleted.recovery_id.is_some(),
        )
        .await
    }

    /// Gets a deleted secret.
    ///
    /// ```no_run
    /// # async fn run(client: &keyvault_secrets::SecretClient) -> keyvault_secrets::Result<()> {
    /// let deleted = client.get_deleted_secret("db-password", None).await?;
    /// println!("deleted on {:?}", deleted.deleted_date);
    /// # Ok(()) }
    /// ```
    pub async fn get_deleted_secret(
        &self,
        name: &str,
        options: Option<GetDeletedSecretOptions<'_>>,
    ) -> Result<DeletedSecret> {
        let options = options.unwrap_or_default();
        let pipeline = self
            .pipeline
            .operation("SecretClient.get_deleted_secret", &options.method_options);
        validate_name("name", name)?;
        pipeline
            .send_json(Method::Get, pipeline.url(&[DELETED, name]), None)
            .await
    }

    /// Lists deleted secrets.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// # async fn run(client: &keyvault_secrets::SecretClient) -> keyvault_secrets::Result<()> {
    /// let mut deleted = client.list_deleted_secrets(None)?;
    /// while let Some(secret) = deleted.try_next().await? {
    ///     println!("{} purge scheduled {:?}", secret.name(), secret.scheduled_purge_date);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_deleted_secrets(
        &self,
        options: Option<ListDeletedSecretsOptions<'_>>,
    ) -> Result<Pager<DeletedSecret>> {
        let options = options.unwrap_or_default();
        let pipeline = self
            .pipeline
            .operation("SecretClient.list_deleted_secrets", &options.method_options);
        options.list_options().pager(&pipeline, &[DELETED])
    }

    /// Purges a deleted secret for good.
    ///
    /// ```no_run
    /// # async fn run(client: &keyvault_secrets::SecretClient) -> keyvault_secrets::Result<()> {
    /// client.begin_delete_secret("db-password", None).await?.await?;
    /// client.purge_deleted_secret("db-password", None).await?;
    /// # Ok(()) }
    /// ```
    pub async fn purge_deleted_secret(
        &self,
        name: &str,
        options: Option<PurgeDeletedSecretOptions<'_>>,
    ) -> Result<()> {
        let options = options.unwrap_or_default();
        let pipeline = self
            .pipeline
            .operation("SecretClient.purge_deleted_secret", &options.method_options);
        lifecycle::purge(&pipeline, DELETED, name).await
    }

    /// Recovers a deleted secret. The poller completes once the secret can be read again.
    ///
    /// ```no_run
    /// # async fn run(client: &keyvault_secrets::SecretClient) -> keyvault_secrets::Result<()> {
    /// let recovered = client
    ///     .begin_recover_deleted_secret("db-password", None)
    ///     .await?
    ///     .await?;
    /// println!("recovered {}", recovered.name);
    /// # Ok(()) }
    /// ```
    pub async fn begin_recover_deleted_secret(
        &self,
        name: &str,
        options: Option<BeginRecoverDeletedSecretOptions<'_>>,
    ) -> Result<Poller<SecretProperties>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "SecretClient.begin_recover_deleted_secret",
            &options.method_options,
        );
        validate_name("name", name)?;
        polling::begin_recover(
            &pipeline,
            &[DELETED, name, "recover"],
            &[SECRETS, name],
            &options.poller_options(),
        )
        .await
    }

    /// Backs a secret up (every version) into a blob only Key Vault can read.
    ///
    /// ```no_run
    /// use keyvault_secrets::ExposeSecret;
    /// # async fn run(client: &keyvault_secrets::SecretClient) -> keyvault_secrets::Result<()> {
    /// let backup = client.backup_secret("db-password", None).await?;
    /// // Store the bytes as you would the secret: they hold every version.
    /// let bytes: &[u8] = backup.expose_secret();
    /// # Ok(()) }
    /// ```
    pub async fn backup_secret(
        &self,
        name: &str,
        options: Option<BackupSecretOptions<'_>>,
    ) -> Result<SecretBytes> {
        let options = options.unwrap_or_default();
        let pipeline = self
            .pipeline
            .operation("SecretClient.backup_secret", &options.method_options);
        lifecycle::backup(&pipeline, SECRETS, name).await
    }

    /// Restores a backed-up secret into this vault.
    ///
    /// ```no_run
    /// use keyvault_secrets::ExposeSecret;
    /// # async fn run(client: &keyvault_secrets::SecretClient) -> keyvault_secrets::Result<()> {
    /// # let backup = client.backup_secret("db-password", None).await?;
    /// let restored = client
    ///     .restore_secret_backup(backup.expose_secret(), None)
    ///     .await?;
    /// println!("restored {}", restored.name);
    /// # Ok(()) }
    /// ```
    pub async fn restore_secret_backup(
        &self,
        backup: &[u8],
        options: Option<RestoreSecretBackupOptions<'_>>,
    ) -> Result<SecretProperties> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "SecretClient.restore_secret_backup",
            &options.method_options,
        );
        lifecycle::restore(&pipeline, SECRETS, backup).await
    }
}
