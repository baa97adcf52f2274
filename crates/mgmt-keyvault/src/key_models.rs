//! The models of the `Microsoft.KeyVault/vaults/keys` ARM sub-resource. ARM creates keys and
//! reads their properties; cryptography happens on the data plane (`keyvault-keys`).

use keyvault_core::DeletionRecoveryLevel;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use time::OffsetDateTime;

keyvault_core::string_enum! {
    /// The type of a key.
    pub enum JsonWebKeyType {
        /// Elliptic curve.
        Ec = "EC",
        /// Elliptic curve, HSM-protected.
        EcHsm = "EC-HSM",
        /// RSA.
        Rsa = "RSA",
        /// RSA, HSM-protected.
        RsaHsm = "RSA-HSM",
    }
}

keyvault_core::string_enum! {
    /// An operation a key permits.
    pub enum JsonWebKeyOperation {
        /// Encrypt.
        Encrypt = "encrypt",
        /// Decrypt.
        Decrypt = "decrypt",
        /// Sign.
        Sign = "sign",
        /// Verify.
        Verify = "verify",
        /// Wrap a key.
        WrapKey = "wrapKey",
        /// Unwrap a key.
        UnwrapKey = "unwrapKey",
        /// Import.
        Import = "import",
        /// Release (exportable keys).
        Release = "release",
    }
}

keyvault_core::string_enum! {
    /// The curve of an elliptic-curve key.
    pub enum JsonWebKeyCurveName {
        /// NIST P-256.
        P256 = "P-256",
        /// NIST P-384.
        P384 = "P-384",
        /// NIST P-521.
        P521 = "P-521",
        /// secp256k1.
        P256K = "P-256K",
    }
}

keyvault_core::string_enum! {
    /// What a rotation policy's lifetime action does.
    pub enum KeyRotationPolicyActionType {
        /// Rotate the key.
        Rotate = "rotate",
        /// Notify (Event Grid).
        Notify = "notify",
    }
}

/// The attributes of a key (times are unix seconds on the wire).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyAttributes {
    /// Whether the key is enabled.
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
    /// When the key was created (set by the service).
    #[serde(
        default,
        with = "keyvault_core::serde::unix_time_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub created: Option<OffsetDateTime>,
    /// When the key was last updated (set by the service).
    #[serde(
        default,
        with = "keyvault_core::serde::unix_time_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub updated: Option<OffsetDateTime>,
    /// The recovery level (set by the service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_level: Option<DeletionRecoveryLevel>,
    /// Whether the private key may be exported (released).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exportable: Option<bool>,
}

/// When a lifetime action fires (ISO 8601 durations such as `P90D`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Trigger {
    /// After this long since creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_after_create: Option<String>,
    /// This long before expiry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_before_expiry: Option<String>,
}

/// What a lifetime action does.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    /// Rotate or notify.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub action_type: Option<KeyRotationPolicyActionType>,
}

/// A trigger and its action.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifetimeAction {
    /// When.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<Trigger>,
    /// What.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
}

/// The attributes of a rotation policy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyRotationPolicyAttributes {
    /// When the policy was created (set by the service).
    #[serde(
        default,
        with = "keyvault_core::serde::unix_time_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub created: Option<OffsetDateTime>,
    /// When the policy was last updated (set by the service).
    #[serde(
        default,
        with = "keyvault_core::serde::unix_time_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub updated: Option<OffsetDateTime>,
    /// The lifetime of new versions, an ISO 8601 duration such as `P1Y`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry_time: Option<String>,
}

/// A key's rotation policy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RotationPolicy {
    /// Its attributes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<KeyRotationPolicyAttributes>,
    /// Its lifetime actions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifetime_actions: Option<Vec<LifetimeAction>>,
}

/// The policy under which an exportable key may be released.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyReleasePolicy {
    /// The policy's content type, `application/json; charset=utf-8` by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// The policy document (base64url on the wire).
    #[serde(
        default,
        with = "keyvault_core::serde::base64url_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub data: Option<Vec<u8>>,
}

/// The properties of a key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyProperties {
    /// The attributes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<KeyAttributes>,
    /// The key type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kty: Option<JsonWebKeyType>,
    /// The operations the key permits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_ops: Option<Vec<JsonWebKeyOperation>>,
    /// The RSA key size in bits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_size: Option<u32>,
    /// The elliptic curve.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curve_name: Option<JsonWebKeyCurveName>,
    /// The data-plane URL of the key (set by the service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_uri: Option<String>,
    /// The data-plane URL of this version (set by the service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_uri_with_version: Option<String>,
    /// The rotation policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_policy: Option<RotationPolicy>,
    /// The release policy of an exportable key.
    #[serde(
        rename = "release_policy",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub release_policy: Option<KeyReleasePolicy>,
}

/// A key as ARM shows it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Key {
    /// The ARM resource id.
    pub id: String,
    /// The key name.
    pub name: String,
    /// `Microsoft.KeyVault/vaults/keys` or `.../versions`.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// The vault's region.
    #[serde(default)]
    pub location: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: HashMap<String, String>,
    /// The properties.
    pub properties: KeyProperties,
}

/// The body of [`crate::KeyVaultManagementClient::create_key_if_not_exist`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyCreateParameters {
    /// Tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<HashMap<String, String>>,
    /// The key to create: at least `kty`.
    pub properties: KeyProperties,
}
