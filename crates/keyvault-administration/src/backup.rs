//! `KeyVaultBackupClient`: full backup and restore of a Managed HSM, and selective key restore.

use crate::{
    models::{
        KeyVaultBackupResult, KeyVaultRestoreResult, RestoreOperationParameters, SasTokenParameter,
        SelectiveKeyRestoreOperationParameters, StorageAuthentication,
    },
    validation::validate_blob_url,
};
use azure_core::http::Method;
use keyvault_core::ExposeSecret;
use keyvault_core::{
    async_operation::{self, AzureAsyncOperation},
    pipeline::to_json,
    validation::validate_name,
    ApiVersion, Error, KeyVaultPipeline, Poller, PollerOptions, Result,
};
use serde::{de::DeserializeOwned, Serialize};
use url::Url;

keyvault_core::method_options! {
    /// Options of [`KeyVaultBackupClient::begin_backup`].
    poller pub struct BeginBackupOptions {}

    /// Options of [`KeyVaultBackupClient::begin_restore`].
    poller pub struct BeginRestoreOptions {
        /// Restore only this key (every version of it) instead of the whole HSM.
        pub key_name: Option<String>,
    }

    /// Options of [`KeyVaultBackupClient::begin_pre_backup`].
    poller pub struct BeginPreBackupOptions {}

    /// Options of [`KeyVaultBackupClient::begin_pre_restore`].
    poller pub struct BeginPreRestoreOptions {}
}

/// A client of a Managed HSM's full backups and restores. Cheap to clone; `Send + Sync`.
///
/// Backups go to an Azure Blob Storage container that the HSM reaches with a SAS token or its
/// managed identity; every operation is long-running and returns a [`Poller`] over the
/// service's `Azure-AsyncOperation` status.
///
/// ```no_run
/// use keyvault_administration::{KeyVaultBackupClient, StorageAuthentication};
/// # async fn run(credential: std::sync::Arc<dyn azure_core::credentials::TokenCredential>) -> keyvault_core::Result<()> {
/// let client = KeyVaultBackupClient::new("https://my-hsm.managedhsm.azure.net", credential, None)?;
/// let sas = StorageAuthentication::sas_token("sv=2024-01-01&sig=...");
/// let backup = client
///     .begin_backup("https://account.blob.core.windows.net/backups", &sas, None)
///     .await?
///     .await?;
/// client.begin_restore(&backup.folder_url, &sas, None).await?.await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct KeyVaultBackupClient {
    pipeline: KeyVaultPipeline,
}

keyvault_core::vault_client!(
    KeyVaultBackupClient,
    crate::AdministrationClientOptions,
    "https://{hsm}.managedhsm.azure.net",
    default_api_version = keyvault_core::ApiVersion::V2025_07_01,
    new {
        ///
        /// ```no_run
        /// use keyvault_administration::{KeyVaultBackupClient, AdministrationClientOptions};
        /// # fn run() -> Result<(), Box<dyn std::error::Error>> {
        /// let credential = azure_identity::DeveloperToolsCredential::new(None)?;
        /// let client = KeyVaultBackupClient::new("https://my-hsm.managedhsm.azure.net", credential.clone(), None)?;
        ///
        /// // With azure_core's options (retries, transport, tracing) and another API version.
        /// let options = AdministrationClientOptions {
        ///     api_version: Some(keyvault_administration::ApiVersion::V2026_04_01),
        ///     ..Default::default()
        /// };
        /// let client = KeyVaultBackupClient::new("https://my-hsm.managedhsm.azure.net", credential, Some(options))?;
        /// # Ok(()) }
        /// ```
    }
    vault_url {
        ///
        /// ```no_run
        /// # fn run(client: &keyvault_administration::KeyVaultBackupClient) {
        /// assert_eq!(client.vault_url(), "https://my-hsm.managedhsm.azure.net");
        /// # }
        /// ```
    }
    api_version {
        ///
        /// ```no_run
        /// # fn run(client: &keyvault_administration::KeyVaultBackupClient) {
        /// println!("api-version={}", client.api_version());
        /// # }
        /// ```
    }
    send_request {
        ///
        /// ```no_run
        /// use keyvault_administration::azure_core::http::{Method, Request, Url};
        /// # async fn run(client: &keyvault_administration::KeyVaultBackupClient) -> Result<(), Box<dyn std::error::Error>> {
        /// let url = Url::parse(&format!("{}/backup/job-id/pending", client.vault_url()))?;
        /// let response = client.send_request(Request::new(url, Method::Get)).await?;
        /// println!("status {:?}", response.status());
        /// # Ok(()) }
        /// ```
    }
);

impl KeyVaultBackupClient {
    /// The `sasTokenParameters` for `storage_uri`, checked.
    fn sas_parameters<'a>(
        &self,
        storage_uri: &'a str,
        auth: &'a StorageAuthentication,
    ) -> Result<SasTokenParameter<'a>> {
        match auth {
            StorageAuthentication::SasToken(token) => {
                let token = token.expose_secret().trim_start_matches('?');
                if token.trim().is_empty() {
                    return Err(Error::invalid_argument(
                        "sas_token",
                        "must not be empty (or use StorageAuthentication::ManagedIdentity)",
                    ));
                }
                Ok(SasTokenParameter {
                    storage_resource_uri: storage_uri,
                    token: Some(token),
                    use_managed_identity: None,
                })
            }
            StorageAuthentication::ManagedIdentity => {
                self.pipeline
                    .require(&ApiVersion::V7_5, "use_managed_identity")?;
                Ok(SasTokenParameter {
                    storage_resource_uri: storage_uri,
                    token: None,
                    use_managed_identity: Some(true),
                })
            }
        }
    }

    /// Starts an operation, or resumes it from `options.continuation_token`.
    async fn begin<T, B>(
        pipeline: &KeyVaultPipeline,
        method: Method,
        segments: &[&str],
        body: Option<&B>,
        options: &PollerOptions,
    ) -> Result<Poller<T>>
    where
        T: DeserializeOwned + Send + Sync + 'static,
        B: Serialize,
    {
        let operation = match &options.continuation_token {
            Some(token) => AzureAsyncOperation::from_continuation_token(pipeline, token)?,
            None => {
                let body = body.map(to_json).transpose()?;
                async_operation::start(pipeline, method, pipeline.url(segments), body).await?
            }
        };
        Ok(Poller::new(pipeline.clone(), operation).with_options(options))
    }

    /// Backs the whole HSM up into a new folder of the blob container at `blob_storage_url`
    /// (`https://{account}.blob.core.windows.net/{container}`). The result names the folder.
    ///
    /// ```no_run
    /// # use keyvault_administration::{BeginBackupOptions, KeyVaultBackupClient, StorageAuthentication};
    /// # async fn run(client: &KeyVaultBackupClient) -> keyvault_administration::Result<()> {
    /// let sas = StorageAuthentication::sas_token("sv=2024-08-04&sr=c&sp=crwl&sig=...");
    /// let backup = client
    ///     .begin_backup(
    ///         "https://account.blob.core.windows.net/backups",
    ///         &sas,
    ///         Some(BeginBackupOptions {
    ///             polling_interval: Some(std::time::Duration::from_secs(5)),
    ///             ..Default::default()
    ///         }),
    ///     )
    ///     .await?
    ///     .await?;
    /// println!("backed up to {}", backup.folder_url);
    /// # Ok(()) }
    /// ```
    pub async fn begin_backup(
        &self,
        blob_storage_url: &str,
        auth: &StorageAuthentication,
        options: Option<BeginBackupOptions<'_>>,
    ) -> Result<Poller<KeyVaultBackupResult>> {
        let options = options.unwrap_or_default();
        let pipeline = self
            .pipeline
            .operation("KeyVaultBackupClient.begin_backup", &options.method_options);
        pipeline.require(&ApiVersion::V7_2, "begin_backup")?;
        if options.continuation_token.is_some() {
            return Self::begin::<_, ()>(
                &pipeline,
                Method::Post,
                &[],
                None,
                &options.poller_options(),
            )
            .await;
        }
        let container = validate_blob_url("blob_storage_url", blob_storage_url, 1)?;
        let body = self.sas_parameters(&container, auth)?;
        Self::begin(
            &pipeline,
            Method::Post,
            &["backup"],
            Some(&body),
            &options.poller_options(),
        )
        .await
    }

    /// Restores the HSM (or, with `key_name`, one key) from the backup in `folder_url`
    /// (`https://{account}.blob.core.windows.net/{container}/{folder}`, as
    /// [`KeyVaultBackupResult::folder_url`] gives it).
    ///
    /// ```no_run
    /// # use keyvault_administration::{BeginRestoreOptions, KeyVaultBackupClient, StorageAuthentication};
    /// # async fn run(client: &KeyVaultBackupClient) -> keyvault_administration::Result<()> {
    /// // Restore one key (every version of it); without `key_name`, the whole HSM.
    /// client
    ///     .begin_restore(
    ///         "https://account.blob.core.windows.net/backups/mhsm-my-hsm-2026120620450185",
    ///         &StorageAuthentication::ManagedIdentity,
    ///         Some(BeginRestoreOptions {
    ///             key_name: Some("release-signing-key".into()),
    ///             ..Default::default()
    ///         }),
    ///     )
    ///     .await?
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn begin_restore(
        &self,
        folder_url: &str,
        auth: &StorageAuthentication,
        options: Option<BeginRestoreOptions<'_>>,
    ) -> Result<Poller<KeyVaultRestoreResult>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultBackupClient.begin_restore",
            &options.method_options,
        );
        pipeline.require(&ApiVersion::V7_2, "begin_restore")?;
        if options.continuation_token.is_some() {
            return Self::begin::<_, ()>(
                &pipeline,
                Method::Put,
                &[],
                None,
                &options.poller_options(),
            )
            .await;
        }
        let (container, folder) = split_folder_url(folder_url)?;
        let sas_token_parameters = self.sas_parameters(&container, auth)?;
        match &options.key_name {
            Some(key_name) => {
                validate_name("key_name", key_name)?;
                let body = SelectiveKeyRestoreOperationParameters {
                    sas_token_parameters,
                    folder: &folder,
                };
                Self::begin(
                    &pipeline,
                    Method::Put,
                    &["keys", key_name, "restore"],
                    Some(&body),
                    &options.poller_options(),
                )
                .await
            }
            None => {
                let body = RestoreOperationParameters {
                    sas_token_parameters,
                    folder_to_restore: &folder,
                };
                Self::begin(
                    &pipeline,
                    Method::Put,
                    &["restore"],
                    Some(&body),
                    &options.poller_options(),
                )
                .await
            }
        }
    }

    /// Checks that a full backup to `blob_storage_url` can be made (API version 7.6 and
    /// later); nothing is written.
    ///
    /// ```no_run
    /// # use keyvault_administration::{KeyVaultBackupClient, StorageAuthentication};
    /// # async fn run(client: &KeyVaultBackupClient) -> keyvault_administration::Result<()> {
    /// let sas = StorageAuthentication::sas_token("sv=2024-08-04&sr=c&sp=crwl&sig=...");
    /// client
    ///     .begin_pre_backup("https://account.blob.core.windows.net/backups", &sas, None)
    ///     .await?
    ///     .await?;
    /// println!("a backup can be made");
    /// # Ok(()) }
    /// ```
    pub async fn begin_pre_backup(
        &self,
        blob_storage_url: &str,
        auth: &StorageAuthentication,
        options: Option<BeginPreBackupOptions<'_>>,
    ) -> Result<Poller<KeyVaultRestoreResult>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultBackupClient.begin_pre_backup",
            &options.method_options,
        );
        pipeline.require(&ApiVersion::V7_6, "begin_pre_backup")?;
        if options.continuation_token.is_some() {
            return Self::begin::<_, ()>(
                &pipeline,
                Method::Post,
                &[],
                None,
                &options.poller_options(),
            )
            .await;
        }
        let container = validate_blob_url("blob_storage_url", blob_storage_url, 1)?;
        let body = self.sas_parameters(&container, auth)?;
        Self::begin(
            &pipeline,
            Method::Post,
            &["prebackup"],
            Some(&body),
            &options.poller_options(),
        )
        .await
    }

    /// Checks that the HSM can be restored from the backup in `folder_url` (API version 7.6
    /// and later); nothing is restored.
    ///
    /// ```no_run
    /// # use keyvault_administration::{KeyVaultBackupClient, StorageAuthentication};
    /// # async fn run(client: &KeyVaultBackupClient) -> keyvault_administration::Result<()> {
    /// let sas = StorageAuthentication::sas_token("sv=2024-08-04&sr=c&sp=rl&sig=...");
    /// let check = client
    ///     .begin_pre_restore(
    ///         "https://account.blob.core.windows.net/backups/mhsm-my-hsm-2026120620450185",
    ///         &sas,
    ///         None,
    ///     )
    ///     .await?
    ///     .await?;
    /// println!("the HSM can be restored: {:?}", check.status_details);
    /// # Ok(()) }
    /// ```
    pub async fn begin_pre_restore(
        &self,
        folder_url: &str,
        auth: &StorageAuthentication,
        options: Option<BeginPreRestoreOptions<'_>>,
    ) -> Result<Poller<KeyVaultRestoreResult>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultBackupClient.begin_pre_restore",
            &options.method_options,
        );
        pipeline.require(&ApiVersion::V7_6, "begin_pre_restore")?;
        if options.continuation_token.is_some() {
            return Self::begin::<_, ()>(
                &pipeline,
                Method::Put,
                &[],
                None,
                &options.poller_options(),
            )
            .await;
        }
        let (container, folder) = split_folder_url(folder_url)?;
        let body = RestoreOperationParameters {
            sas_token_parameters: self.sas_parameters(&container, auth)?,
            folder_to_restore: &folder,
        };
        Self::begin(
            &pipeline,
            Method::Put,
            &["prerestore"],
            Some(&body),
            &options.poller_options(),
        )
        .await
    }
}

/// Splits `https://{account}/{container}/{folder}` into the container URL and the folder name,
/// as Python's client does.
fn split_folder_url(folder_url: &str) -> Result<(String, String)> {
    let folder_url = validate_blob_url("folder_url", folder_url, 2)?;
    let url =
        Url::parse(&folder_url).map_err(|_| Error::invalid_argument("folder_url", "not a URL"))?;
    let folder = url
        .path_segments()
        .and_then(|mut s| s.next_back().map(str::to_string))
        .unwrap_or_default();
    let container = folder_url
        .rsplit_once('/')
        .map(|(container, _)| container.to_string())
        .unwrap_or_default();
    Ok((container, folder))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_urls_split_like_python() {
        assert_eq!(
            split_folder_url("https://a.blob.core.windows.net/backup/mhsm-x-2022/").unwrap(),
            (
                "https://a.blob.core.windows.net/backup".to_string(),
                "mhsm-x-2022".to_string()
            )
        );
        assert!(split_folder_url("https://a.blob.core.windows.net/backup").is_err());
        assert!(split_folder_url("").is_err());
    }
}
