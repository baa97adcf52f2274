//! The models of the `Microsoft.KeyVault/vaults/secrets` ARM sub-resource. ARM can set a secret's
//! value but never returns it; read values through the data plane (`keyvault-secrets`).

use keyvault_core::SecretString;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use time::OffsetDateTime;

/// The attributes of a secret (times are unix seconds on the wire).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretAttributes {
    /// Whether the secret is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Not usable before this time.
    #[serde(
        default,
        with = "keyvault_core::serde::unix_time_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub nbf: Option<OffsetDateTime>,
    /// Not usable after this time.
    #[serde(
        default,
        with = "keyvault_core::serde::unix_time_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub exp: Option<OffsetDateTime>,
    /// When the secret was created (set by the service).
    #[serde(
        default,
        with = "keyvault_core::serde::unix_time_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub created: Option<OffsetDateTime>,
    /// When the secret was last updated (set by the service).
    #[serde(
        default,
        with = "keyvault_core::serde::unix_time_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub updated: Option<OffsetDateTime>,
}

/// The properties of a secret; the value is only ever sent, never returned.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretProperties {
    /// The value to set (never `Debug`-printed; absent in responses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<SecretString>,
    /// A content type, for your own use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// The attributes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<SecretAttributes>,
    /// The data-plane URL of the secret (set by the service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_uri: Option<String>,
    /// The data-plane URL of the current version (set by the service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_uri_with_version: Option<String>,
}

/// A secret as ARM shows it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Secret {
    /// The ARM resource id.
    pub id: String,
    /// The secret name.
    pub name: String,
    /// `Microsoft.KeyVault/vaults/secrets`.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// The vault's region.
    #[serde(default)]
    pub location: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: HashMap<String, String>,
    /// The properties (without the value).
    pub properties: SecretProperties,
}

/// The body of [`crate::KeyVaultManagementClient::create_or_update_secret`] and of
/// [`crate::KeyVaultManagementClient::update_secret`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SecretParameters {
    /// Tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<HashMap<String, String>>,
    /// The properties to set.
    pub properties: SecretProperties,
}
