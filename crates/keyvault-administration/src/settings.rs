//! `KeyVaultSettingsClient`: a Managed HSM's account settings.

use crate::models::{
    parse_bool, KeyVaultSetting, KeyVaultSettingType, SettingsListResult, UpdateSettingRequest,
};
use azure_core::http::Method;
use keyvault_core::{
    pipeline::to_json, validation::validate_name, ApiVersion, Error, KeyVaultPipeline, Result,
};

keyvault_core::method_options! {
    /// Options of [`KeyVaultSettingsClient::get_setting`].
    pub struct GetSettingOptions {}

    /// Options of [`KeyVaultSettingsClient::list_settings`]. The service answers every setting
    /// in one response, so there is no paging to set.
    pub struct ListSettingsOptions {}

    /// Options of [`KeyVaultSettingsClient::update_setting`].
    pub struct UpdateSettingOptions {}
}

/// A client of a Managed HSM's account settings (API version 7.4 and later). Cheap to clone;
/// `Send + Sync`.
///
/// ```no_run
/// use keyvault_administration::{KeyVaultSetting, KeyVaultSettingsClient};
/// # async fn run(credential: std::sync::Arc<dyn azure_core::credentials::TokenCredential>) -> keyvault_core::Result<()> {
/// let client = KeyVaultSettingsClient::new("https://my-hsm.managedhsm.azure.net", credential, None)?;
/// let setting = client.get_setting("AllowKeyManagementOperationsThroughARM", None).await?;
/// if setting.as_bool() == Some(false) {
///     client
///         .update_setting(
///             &KeyVaultSetting::boolean("AllowKeyManagementOperationsThroughARM", true),
///             None,
///         )
///         .await?;
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct KeyVaultSettingsClient {
    pipeline: KeyVaultPipeline,
}

const SETTINGS: &str = "settings";

keyvault_core::vault_client!(
    KeyVaultSettingsClient,
    crate::AdministrationClientOptions,
    "https://{hsm}.managedhsm.azure.net",
    default_api_version = keyvault_core::ApiVersion::V2025_07_01,
    new {
        ///
        /// ```no_run
        /// use keyvault_administration::{KeyVaultSettingsClient, AdministrationClientOptions};
        /// # fn run() -> Result<(), Box<dyn std::error::Error>> {
        /// let credential = azure_identity::DeveloperToolsCredential::new(None)?;
        /// let client = KeyVaultSettingsClient::new("https://my-hsm.managedhsm.azure.net", credential.clone(), None)?;
        ///
        /// // With azure_core's options (retries, transport, tracing) and another API version.
        /// let options = AdministrationClientOptions {
        ///     api_version: Some(keyvault_administration::ApiVersion::V2026_04_01),
        ///     ..Default::default()
        /// };
        /// let client = KeyVaultSettingsClient::new("https://my-hsm.managedhsm.azure.net", credential, Some(options))?;
        /// # Ok(()) }
        /// ```
    }
    vault_url {
        ///
        /// ```no_run
        /// # fn run(client: &keyvault_administration::KeyVaultSettingsClient) {
        /// assert_eq!(client.vault_url(), "https://my-hsm.managedhsm.azure.net");
        /// # }
        /// ```
    }
    api_version {
        ///
        /// ```no_run
        /// # fn run(client: &keyvault_administration::KeyVaultSettingsClient) {
        /// println!("api-version={}", client.api_version());
        /// # }
        /// ```
    }
    send_request {
        ///
        /// ```no_run
        /// use keyvault_administration::azure_core::http::{Method, Request, Url};
        /// # async fn run(client: &keyvault_administration::KeyVaultSettingsClient) -> Result<(), Box<dyn std::error::Error>> {
        /// let url = Url::parse(&format!("{}/settings", client.vault_url()))?;
        /// let response = client.send_request(Request::new(url, Method::Get)).await?;
        /// println!("status {:?}", response.status());
        /// # Ok(()) }
        /// ```
    }
);

impl KeyVaultSettingsClient {
    /// Gets one setting.
    ///
    /// ```no_run
    /// # use keyvault_administration::KeyVaultSettingsClient;
    /// # async fn run(client: &KeyVaultSettingsClient) -> keyvault_administration::Result<()> {
    /// let setting = client
    ///     .get_setting("AllowKeyManagementOperationsThroughARM", None)
    ///     .await?;
    /// println!("{} = {:?}", setting.name, setting.as_bool());
    /// # Ok(()) }
    /// ```
    pub async fn get_setting(
        &self,
        name: &str,
        options: Option<GetSettingOptions<'_>>,
    ) -> Result<KeyVaultSetting> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultSettingsClient.get_setting",
            &options.method_options,
        );
        pipeline.require(&ApiVersion::V7_4, "get_setting")?;
        validate_name("name", name)?;
        pipeline
            .send_json(Method::Get, pipeline.url(&[SETTINGS, name]), None)
            .await
    }

    /// Lists every setting. The service answers them in one response, without paging.
    ///
    /// ```no_run
    /// # use keyvault_administration::KeyVaultSettingsClient;
    /// # async fn run(client: &KeyVaultSettingsClient) -> keyvault_administration::Result<()> {
    /// for setting in client.list_settings(None).await? {
    ///     println!("{} = {}", setting.name, setting.value);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list_settings(
        &self,
        options: Option<ListSettingsOptions<'_>>,
    ) -> Result<Vec<KeyVaultSetting>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultSettingsClient.list_settings",
            &options.method_options,
        );
        pipeline.require(&ApiVersion::V7_4, "list_settings")?;
        let result: SettingsListResult = pipeline
            .send_json(Method::Get, pipeline.url(&[SETTINGS]), None)
            .await?;
        Ok(result.settings)
    }

    /// Updates a setting to `setting.value`. A boolean setting's value must be `true` or
    /// `false` (sent in lower case).
    ///
    /// ```no_run
    /// # use keyvault_administration::{KeyVaultSetting, KeyVaultSettingsClient};
    /// # async fn run(client: &KeyVaultSettingsClient) -> keyvault_administration::Result<()> {
    /// let setting = KeyVaultSetting::boolean("AllowKeyManagementOperationsThroughARM", true);
    /// let updated = client.update_setting(&setting, None).await?;
    /// assert_eq!(updated.as_bool(), Some(true));
    /// # Ok(()) }
    /// ```
    pub async fn update_setting(
        &self,
        setting: &KeyVaultSetting,
        options: Option<UpdateSettingOptions<'_>>,
    ) -> Result<KeyVaultSetting> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultSettingsClient.update_setting",
            &options.method_options,
        );
        pipeline.require(&ApiVersion::V7_4, "update_setting")?;
        validate_name("name", &setting.name)?;
        let value = match &setting.setting_type {
            Some(KeyVaultSettingType::Boolean) => match parse_bool(&setting.value) {
                Some(b) => b.to_string(),
                None => {
                    return Err(Error::invalid_argument(
                        "value",
                        format!(
                            "the boolean setting {} takes \"true\" or \"false\", got {:?}",
                            setting.name, setting.value
                        ),
                    ))
                }
            },
            _ if setting.value.is_empty() => {
                return Err(Error::invalid_argument("value", "must not be empty"))
            }
            _ => setting.value.clone(),
        };
        let body = to_json(&UpdateSettingRequest { value: &value })?;
        pipeline
            .send_json(
                Method::Patch,
                pipeline.url(&[SETTINGS, &setting.name]),
                Some(body),
            )
            .await
    }
}
