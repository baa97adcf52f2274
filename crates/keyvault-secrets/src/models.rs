//! Secret models, as Python's `azure-keyvault-secrets` exposes them.
//!
//! The wire forms (`SecretBundle`, `SecretItem`, `DeletedSecretBundle`, ...) are private; the
//! public models flatten their `attributes` and parse the id once.

use crate::identifier::KeyVaultSecretIdentifier;
use keyvault_core::{Attributes, DeletionRecoveryLevel, SecretString};
use serde::{Deserialize, Serialize};
use std::{borrow::Cow, collections::HashMap, fmt};
use time::OffsetDateTime;

/// The wire form shared by secret bundles and items, deleted or not.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SecretWire {
    id: String,
    #[serde(default)]
    value: Option<SecretString>,
    #[serde(default)]
    content_type: Option<String>,
    #[serde(default)]
    attributes: Attributes,
    #[serde(default)]
    tags: Option<HashMap<String, String>>,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default)]
    managed: Option<bool>,
    #[serde(default)]
    previous_version: Option<String>,
    #[serde(default)]
    recovery_id: Option<String>,
    #[serde(default, with = "keyvault_core::serde::unix_time_option")]
    deleted_date: Option<OffsetDateTime>,
    #[serde(default, with = "keyvault_core::serde::unix_time_option")]
    scheduled_purge_date: Option<OffsetDateTime>,
}

/// A secret's metadata: everything but its value.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "SecretWire")]
#[non_exhaustive]
pub struct SecretProperties {
    /// The secret's id, `https://{vault}/secrets/{name}/{version}`.
    pub id: String,
    /// The secret's name.
    pub name: String,
    /// The version, when the id names one.
    pub version: Option<String>,
    /// The vault's URL.
    pub vault_url: String,
    /// The content type the caller set.
    pub content_type: Option<String>,
    /// Whether the secret is enabled.
    pub enabled: Option<bool>,
    /// Not usable before this time.
    pub not_before: Option<OffsetDateTime>,
    /// Not usable after this time.
    pub expires_on: Option<OffsetDateTime>,
    /// When the version was created.
    pub created_on: Option<OffsetDateTime>,
    /// When the version was last updated.
    pub updated_on: Option<OffsetDateTime>,
    /// Days the secret stays recoverable after deletion.
    pub recoverable_days: Option<i32>,
    /// The recovery level of the vault for this secret.
    pub recovery_level: Option<DeletionRecoveryLevel>,
    /// Tags.
    pub tags: HashMap<String, String>,
    /// The key id, when the secret backs a certificate.
    pub key_id: Option<String>,
    /// True when the secret's lifetime is managed by Key Vault (a certificate's secret).
    pub managed: bool,
    /// The version of the previous certificate, for certificate-backed secrets.
    pub previous_version: Option<String>,
}

impl TryFrom<SecretWire> for SecretProperties {
    type Error = keyvault_core::Error;

    fn try_from(wire: SecretWire) -> Result<Self, Self::Error> {
        let id = KeyVaultSecretIdentifier::parts(&wire.id)?;
        Ok(SecretProperties {
            name: id.name.into_owned(),
            version: id.version.map(Cow::into_owned),
            vault_url: id.vault_url.into_owned(),
            id: wire.id,
            content_type: wire.content_type,
            enabled: wire.attributes.enabled,
            not_before: wire.attributes.not_before,
            expires_on: wire.attributes.expires_on,
            created_on: wire.attributes.created_on,
            updated_on: wire.attributes.updated_on,
            recoverable_days: wire.attributes.recoverable_days,
            recovery_level: wire.attributes.recovery_level,
            tags: wire.tags.unwrap_or_default(),
            key_id: wire.kid,
            managed: wire.managed.unwrap_or(false),
            previous_version: wire.previous_version,
        })
    }
}

/// A secret: its value and its properties. `Debug` never prints the value.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "SecretWire")]
#[non_exhaustive]
pub struct KeyVaultSecret {
    /// The secret's properties.
    pub properties: SecretProperties,
    /// The secret's value.
    pub value: SecretString,
}

impl KeyVaultSecret {
    /// The secret's name.
    pub fn name(&self) -> &str {
        &self.properties.name
    }

    /// The secret's id.
    pub fn id(&self) -> &str {
        &self.properties.id
    }
}

impl TryFrom<SecretWire> for KeyVaultSecret {
    type Error = keyvault_core::Error;

    fn try_from(mut wire: SecretWire) -> Result<Self, Self::Error> {
        // A secret always comes with its value (an empty one is `""`): a body without one is
        // not a secret, and reading it as `""` would hand the caller a value nobody set.
        let value = wire
            .value
            .take()
            .ok_or_else(|| keyvault_core::Error::Deserialize {
                model: "KeyVaultSecret",
                message: "the response carries no `value`".into(),
            })?;
        Ok(KeyVaultSecret {
            properties: wire.try_into()?,
            value,
        })
    }
}

/// A deleted secret, recoverable until its scheduled purge date. Its value is not kept here.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "SecretWire")]
#[non_exhaustive]
pub struct DeletedSecret {
    /// The secret's properties.
    pub properties: SecretProperties,
    /// The id to recover or purge it by, `https://{vault}/deletedsecrets/{name}`.
    pub recovery_id: Option<String>,
    /// When it was deleted.
    pub deleted_date: Option<OffsetDateTime>,
    /// When it will be purged.
    pub scheduled_purge_date: Option<OffsetDateTime>,
}

impl DeletedSecret {
    /// The secret's name.
    pub fn name(&self) -> &str {
        &self.properties.name
    }

    /// The secret's id.
    pub fn id(&self) -> &str {
        &self.properties.id
    }
}

impl TryFrom<SecretWire> for DeletedSecret {
    type Error = keyvault_core::Error;

    fn try_from(mut wire: SecretWire) -> Result<Self, Self::Error> {
        // The service echoes the value of a just-deleted secret; it is dropped, not kept.
        wire.value = None;
        Ok(DeletedSecret {
            recovery_id: wire.recovery_id.take(),
            deleted_date: wire.deleted_date,
            scheduled_purge_date: wire.scheduled_purge_date,
            properties: wire.try_into()?,
        })
    }
}

/// The format a certificate-backed secret is returned in (`outContentType`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SecretContentType {
    /// `application/x-pkcs12`.
    Pkcs12,
    /// `application/x-pem-file`.
    Pem,
    /// Another media type.
    Other(String),
}

impl SecretContentType {
    /// The media type.
    pub fn as_str(&self) -> &str {
        match self {
            SecretContentType::Pkcs12 => "application/x-pkcs12",
            SecretContentType::Pem => "application/x-pem-file",
            SecretContentType::Other(s) => s,
        }
    }
}

impl fmt::Display for SecretContentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Body of `PUT /secrets/{name}`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SecretSetParameters<'a> {
    pub value: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<&'a HashMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Attributes::is_empty")]
    pub attributes: Attributes,
}

/// Body of `PATCH /secrets/{name}/{version}`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SecretUpdateParameters<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Attributes::is_empty")]
    pub attributes: Attributes,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<&'a HashMap<String, String>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyvault_core::ExposeSecret;

    #[test]
    fn secret_debug_never_shows_the_value() {
        let secret: KeyVaultSecret = serde_json::from_str(
            r#"{"value":"hunter2","id":"https://v.vault.azure.net/secrets/s/1","attributes":{"enabled":true}}"#,
        )
        .unwrap();
        assert_eq!(secret.value.expose_secret(), "hunter2");
        assert_eq!(secret.name(), "s");
        assert!(!format!("{secret:?}").contains("hunter2"));
    }

    #[test]
    fn a_secret_without_value_is_an_error_and_an_empty_value_is_kept() {
        let err = serde_json::from_str::<KeyVaultSecret>(
            r#"{"id":"https://v.vault.azure.net/secrets/s/1","attributes":{"enabled":true}}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("no `value`"), "{err}");
        let empty: KeyVaultSecret = serde_json::from_str(
            r#"{"value":"","id":"https://v.vault.azure.net/secrets/s/1","attributes":{}}"#,
        )
        .unwrap();
        assert_eq!(empty.value.expose_secret(), "");
    }

    #[test]
    fn deleted_secret_drops_the_echoed_value() {
        let deleted: DeletedSecret = serde_json::from_str(
            r#"{"value":"hunter2","id":"https://v.vault.azure.net/secrets/s/1","recoveryId":"https://v.vault.azure.net/deletedsecrets/s","deletedDate":1493938433,"scheduledPurgeDate":1501714433,"attributes":{}}"#,
        )
        .unwrap();
        assert_eq!(deleted.name(), "s");
        assert_eq!(deleted.deleted_date.unwrap().unix_timestamp(), 1493938433);
        assert!(!format!("{deleted:?}").contains("hunter2"));
    }

    #[test]
    fn a_malformed_id_is_a_clear_error() {
        let err = serde_json::from_str::<SecretProperties>(r#"{"id":"nope"}"#).unwrap_err();
        assert!(err.to_string().contains("id"), "{err}");
    }
}
