//! Key models, as Python's `azure-keyvault-keys` exposes them.
//!
//! The wire forms (`KeyBundle`, `KeyItem`, `DeletedKeyBundle`, `KeyRotationPolicy`, ...) are
//! private; the public models flatten their `attributes` and parse the id once.

use crate::{
    duration::validate_duration,
    enums::{
        KeyCurveName, KeyExportEncryptionAlgorithm, KeyOperation, KeyRotationPolicyAction, KeyType,
    },
    identifier::KeyVaultKeyIdentifier,
};
use keyvault_core::{Attributes, DeletionRecoveryLevel, Error, Result, SecretBytes, SecretString};
use serde::{Deserialize, Serialize};
use std::{borrow::Cow, collections::HashMap};
use time::OffsetDateTime;

/// A JSON Web Key (RFC 7517) as Key Vault uses it.
///
/// Public parts (`n`, `e`, `x`, `y`) are plain bytes. Private parts (`d`, `dp`, `dq`, `qi`,
/// `p`, `q`, `k`, `t`) are [`SecretBytes`]: `Debug` shows only their length, and they are
/// zeroized when dropped. Bytes are base64url on the wire.
///
/// ```
/// use keyvault_keys::{JsonWebKey, KeyType};
/// use keyvault_core::SecretBytes;
/// let jwk = JsonWebKey {
///     kty: Some(KeyType::Oct),
///     k: Some(SecretBytes::new(vec![7; 32])),
///     ..Default::default()
/// };
/// assert!(!format!("{jwk:?}").contains("7, 7"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonWebKey {
    /// The key id, `https://{vault}/keys/{name}/{version}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// The key type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kty: Option<KeyType>,
    /// The operations the key permits; empty when not stated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key_ops: Vec<KeyOperation>,
    /// RSA modulus.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "keyvault_core::serde::base64url_option"
    )]
    pub n: Option<Vec<u8>>,
    /// RSA public exponent.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "keyvault_core::serde::base64url_option"
    )]
    pub e: Option<Vec<u8>>,
    /// RSA private exponent, or the private scalar of an EC key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub d: Option<SecretBytes>,
    /// RSA first factor CRT exponent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dp: Option<SecretBytes>,
    /// RSA second factor CRT exponent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dq: Option<SecretBytes>,
    /// RSA CRT coefficient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qi: Option<SecretBytes>,
    /// RSA first prime factor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p: Option<SecretBytes>,
    /// RSA second prime factor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<SecretBytes>,
    /// Symmetric key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub k: Option<SecretBytes>,
    /// A protected key for "bring your own key" imports (`key_hsm` on the wire).
    #[serde(default, rename = "key_hsm", skip_serializing_if = "Option::is_none")]
    pub t: Option<SecretBytes>,
    /// Elliptic curve.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crv: Option<KeyCurveName>,
    /// EC public point, x coordinate.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "keyvault_core::serde::base64url_option"
    )]
    pub x: Option<Vec<u8>>,
    /// EC public point, y coordinate.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "keyvault_core::serde::base64url_option"
    )]
    pub y: Option<Vec<u8>>,
}

impl JsonWebKey {
    /// Whether the key permits `operation`: true when `key_ops` is empty (not stated) or
    /// names it.
    pub fn permits(&self, operation: &KeyOperation) -> bool {
        self.key_ops.is_empty() || self.key_ops.contains(operation)
    }

    /// Whether any private or symmetric material is present.
    pub fn has_private_material(&self) -> bool {
        self.d.is_some() || self.k.is_some()
    }

    /// This key without its private and symmetric parts.
    pub fn public_only(&self) -> JsonWebKey {
        JsonWebKey {
            kid: self.kid.clone(),
            kty: self.kty.clone(),
            key_ops: self.key_ops.clone(),
            n: self.n.clone(),
            e: self.e.clone(),
            crv: self.crv.clone(),
            x: self.x.clone(),
            y: self.y.clone(),
            ..Default::default()
        }
    }
}

/// The rules under which a key can be released (exported) to a trusted environment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyReleasePolicy {
    /// The policy document, for example the JSON of a release policy, as bytes.
    #[serde(rename = "data", with = "keyvault_core::serde::base64url")]
    pub encoded_policy: Vec<u8>,
    /// The content type and version of the policy; the service assumes
    /// `application/json; charset=utf-8` when `None`.
    #[serde(
        rename = "contentType",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub content_type: Option<String>,
    /// Once true, the policy can never change again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub immutable: Option<bool>,
}

impl KeyReleasePolicy {
    /// A policy from its document (for example JSON bytes).
    pub fn new(encoded_policy: impl Into<Vec<u8>>) -> Self {
        KeyReleasePolicy {
            encoded_policy: encoded_policy.into(),
            ..Default::default()
        }
    }
}

/// Attestation of a key generated in an HSM (API `7.6` and later).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct KeyAttestation {
    /// Certificates in PEM format, used to validate the attestation.
    #[serde(default, deserialize_with = "lenient_base64url")]
    pub certificate_pem_file: Option<Vec<u8>>,
    /// The attestation blob of the private key.
    #[serde(default, deserialize_with = "lenient_base64url")]
    pub private_key_attestation: Option<Vec<u8>>,
    /// The attestation blob of the public key, for asymmetric keys.
    #[serde(default, deserialize_with = "lenient_base64url")]
    pub public_key_attestation: Option<Vec<u8>>,
    /// The version of the attestation.
    #[serde(default)]
    pub version: Option<String>,
}

/// Base64url (or standard base64) that tolerates truncation: a dangling last character
/// (a length of 4n + 1) and non-zero trailing bits. The REST spec's own attestation example
/// carries such truncated blobs. The blobs are opaque evidence to hand to a verifier, never
/// key material, so a lenient reading loses nothing a strict one would have kept.
fn lenient_base64url<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Option<Vec<u8>>, D::Error> {
    use base64::{
        alphabet,
        engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig},
        Engine,
    };
    const TRUNCATED: GeneralPurpose = GeneralPurpose::new(
        &alphabet::URL_SAFE,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );
    let Some(text) = Option::<String>::deserialize(deserializer)? else {
        return Ok(None);
    };
    let text = text
        .trim_end_matches('=')
        .replace('+', "-")
        .replace('/', "_");
    let usable = if text.len() % 4 == 1 {
        &text[..text.len() - 1]
    } else {
        &text[..]
    };
    TRUNCATED
        .decode(usable)
        .map(Some)
        .map_err(|_| serde::de::Error::custom("invalid base64url"))
}

/// Key attributes on the wire: the shared ones plus the keys-only ones.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct KeyAttributesWire {
    #[serde(flatten)]
    base: Attributes,
    #[serde(default)]
    exportable: Option<bool>,
    #[serde(default)]
    hsm_platform: Option<String>,
    #[serde(default)]
    attestation: Option<KeyAttestation>,
    #[serde(default, rename = "key_size")]
    key_size: Option<u32>,
}

/// The wire form shared by key bundles and items, deleted or not.
#[derive(Deserialize)]
pub(crate) struct KeyWire {
    #[serde(default)]
    key: Option<JsonWebKey>,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default)]
    attributes: KeyAttributesWire,
    #[serde(default)]
    tags: Option<HashMap<String, String>>,
    #[serde(default)]
    managed: Option<bool>,
    #[serde(default)]
    release_policy: Option<KeyReleasePolicy>,
    #[serde(default, rename = "recoveryId")]
    recovery_id: Option<String>,
    #[serde(
        default,
        rename = "deletedDate",
        with = "keyvault_core::serde::unix_time_option"
    )]
    deleted_date: Option<OffsetDateTime>,
    #[serde(
        default,
        rename = "scheduledPurgeDate",
        with = "keyvault_core::serde::unix_time_option"
    )]
    scheduled_purge_date: Option<OffsetDateTime>,
}

/// A key's metadata: everything but its key material.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "KeyWire")]
#[non_exhaustive]
pub struct KeyProperties {
    /// The key's id, `https://{vault}/keys/{name}/{version}`.
    pub id: String,
    /// The key's name.
    pub name: String,
    /// The version, when the id names one.
    pub version: Option<String>,
    /// The vault's URL.
    pub vault_url: String,
    /// Whether the key is enabled.
    pub enabled: Option<bool>,
    /// Not usable before this time.
    pub not_before: Option<OffsetDateTime>,
    /// Not usable after this time.
    pub expires_on: Option<OffsetDateTime>,
    /// When the version was created.
    pub created_on: Option<OffsetDateTime>,
    /// When the version was last updated.
    pub updated_on: Option<OffsetDateTime>,
    /// Days the key stays recoverable after deletion.
    pub recoverable_days: Option<i32>,
    /// The recovery level of the vault for this key.
    pub recovery_level: Option<DeletionRecoveryLevel>,
    /// Tags.
    pub tags: HashMap<String, String>,
    /// True when the key's lifetime is managed by Key Vault (a certificate's key).
    pub managed: bool,
    /// Whether the private key can be exported (released).
    pub exportable: Option<bool>,
    /// The policy under which the key can be released.
    pub release_policy: Option<KeyReleasePolicy>,
    /// The HSM platform the key lives on.
    pub hsm_platform: Option<String>,
    /// The key's attestation, from [`crate::KeyClient::get_key_attestation`].
    pub attestation: Option<KeyAttestation>,
    /// The size in bits of a symmetric key, when the service says.
    pub key_size: Option<u32>,
}

impl TryFrom<KeyWire> for KeyProperties {
    type Error = Error;

    fn try_from(wire: KeyWire) -> Result<Self> {
        let raw_id = wire
            .key
            .as_ref()
            .and_then(|k| k.kid.clone())
            .or(wire.kid)
            .ok_or_else(|| Error::invalid_argument("id", "the response has no key id"))?;
        let id = KeyVaultKeyIdentifier::parts(&raw_id)?;
        let attributes = wire.attributes;
        Ok(KeyProperties {
            name: id.name.into_owned(),
            version: id.version.map(Cow::into_owned),
            vault_url: id.vault_url.into_owned(),
            id: raw_id,
            enabled: attributes.base.enabled,
            not_before: attributes.base.not_before,
            expires_on: attributes.base.expires_on,
            created_on: attributes.base.created_on,
            updated_on: attributes.base.updated_on,
            recoverable_days: attributes.base.recoverable_days,
            recovery_level: attributes.base.recovery_level,
            tags: wire.tags.unwrap_or_default(),
            managed: wire.managed.unwrap_or(false),
            exportable: attributes.exportable,
            release_policy: wire.release_policy,
            hsm_platform: attributes.hsm_platform,
            attestation: attributes.attestation,
            key_size: attributes.key_size,
        })
    }
}

/// A key: its JSON Web Key (public parts only, unless it was just imported from material
/// you hold) and its properties.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "KeyWire")]
#[non_exhaustive]
pub struct KeyVaultKey {
    /// The key material the service returns.
    pub key: JsonWebKey,
    /// The key's properties.
    pub properties: KeyProperties,
}

static UNKNOWN_TYPE: KeyType = KeyType::Other(String::new());

impl KeyVaultKey {
    /// The key's id.
    pub fn id(&self) -> &str {
        &self.properties.id
    }

    /// The key's name.
    pub fn name(&self) -> &str {
        &self.properties.name
    }

    /// The key type.
    pub fn key_type(&self) -> &KeyType {
        self.key.kty.as_ref().unwrap_or(&UNKNOWN_TYPE)
    }

    /// The operations the key permits.
    pub fn key_operations(&self) -> &[KeyOperation] {
        &self.key.key_ops
    }
}

impl TryFrom<KeyWire> for KeyVaultKey {
    type Error = Error;

    fn try_from(mut wire: KeyWire) -> Result<Self> {
        let key = wire
            .key
            .clone()
            .ok_or_else(|| Error::invalid_argument("key", "the response has no key"))?;
        if key.kty.is_none() {
            return Err(Error::invalid_argument(
                "key",
                "the response's key has no kty",
            ));
        }
        wire.kid = None;
        Ok(KeyVaultKey {
            key,
            properties: wire.try_into()?,
        })
    }
}

/// A deleted key, recoverable until its scheduled purge date.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "KeyWire")]
#[non_exhaustive]
pub struct DeletedKey {
    /// The key's properties.
    pub properties: KeyProperties,
    /// The key material; `None` in lists.
    pub key: Option<JsonWebKey>,
    /// The id to recover or purge it by, `https://{vault}/deletedkeys/{name}`.
    pub recovery_id: Option<String>,
    /// When it was deleted.
    pub deleted_date: Option<OffsetDateTime>,
    /// When it will be purged.
    pub scheduled_purge_date: Option<OffsetDateTime>,
}

impl DeletedKey {
    /// The key's name.
    pub fn name(&self) -> &str {
        &self.properties.name
    }

    /// The key's id.
    pub fn id(&self) -> &str {
        &self.properties.id
    }

    /// The key type, when the key material is present.
    pub fn key_type(&self) -> Option<&KeyType> {
        self.key.as_ref().and_then(|k| k.kty.as_ref())
    }

    /// The operations the key permits, when the key material is present.
    pub fn key_operations(&self) -> &[KeyOperation] {
        self.key
            .as_ref()
            .map(|k| k.key_ops.as_slice())
            .unwrap_or_default()
    }
}

impl TryFrom<KeyWire> for DeletedKey {
    type Error = Error;

    fn try_from(mut wire: KeyWire) -> Result<Self> {
        Ok(DeletedKey {
            key: wire.key.clone(),
            recovery_id: wire.recovery_id.take(),
            deleted_date: wire.deleted_date,
            scheduled_purge_date: wire.scheduled_purge_date,
            properties: wire.try_into()?,
        })
    }
}

/// One action of a rotation policy and when it happens. Set exactly one trigger:
/// `time_after_create` (rotation only) or `time_before_expiry`, as ISO 8601 durations
/// (`P90D`, `P1Y`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRotationLifetimeAction {
    /// What to do.
    pub action: KeyRotationPolicyAction,
    /// How long after the key version's creation.
    pub time_after_create: Option<String>,
    /// How long before the key version's expiry.
    pub time_before_expiry: Option<String>,
}

impl KeyRotationLifetimeAction {
    /// An action with no trigger yet.
    pub fn new(action: KeyRotationPolicyAction) -> Self {
        KeyRotationLifetimeAction {
            action,
            time_after_create: None,
            time_before_expiry: None,
        }
    }

    /// Rotate this long after creation (`P90D`).
    pub fn rotate_after_create(duration: impl Into<String>) -> Self {
        KeyRotationLifetimeAction {
            time_after_create: Some(duration.into()),
            ..Self::new(KeyRotationPolicyAction::Rotate)
        }
    }

    /// Rotate this long before expiry (`P30D`).
    pub fn rotate_before_expiry(duration: impl Into<String>) -> Self {
        KeyRotationLifetimeAction {
            time_before_expiry: Some(duration.into()),
            ..Self::new(KeyRotationPolicyAction::Rotate)
        }
    }

    /// Notify this long before expiry (`P30D`).
    pub fn notify_before_expiry(duration: impl Into<String>) -> Self {
        KeyRotationLifetimeAction {
            time_before_expiry: Some(duration.into()),
            ..Self::new(KeyRotationPolicyAction::Notify)
        }
    }

    fn validate(&self) -> Result<()> {
        if let Some(d) = &self.time_after_create {
            validate_duration("time_after_create", d)?;
        }
        if let Some(d) = &self.time_before_expiry {
            validate_duration("time_before_expiry", d)?;
        }
        match (&self.time_after_create, &self.time_before_expiry) {
            (None, None) => Err(Error::invalid_argument(
                "lifetime_actions",
                "each action needs time_after_create or time_before_expiry",
            )),
            (Some(_), Some(_)) => Err(Error::invalid_argument(
                "lifetime_actions",
                "an action takes time_after_create or time_before_expiry, not both",
            )),
            (Some(_), None) if self.action == KeyRotationPolicyAction::Notify => {
                Err(Error::invalid_argument(
                    "lifetime_actions",
                    "a Notify action is triggered by time_before_expiry only",
                ))
            }
            _ => Ok(()),
        }
    }
}

/// A key's rotation policy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(from = "PolicyWire")]
pub struct KeyRotationPolicy {
    /// The policy's id (read-only).
    pub id: Option<String>,
    /// The actions, at most one `Rotate` and one `Notify`.
    pub lifetime_actions: Vec<KeyRotationLifetimeAction>,
    /// The expiry of new key versions, as an ISO 8601 duration (`P2Y`); at least 28 days.
    pub expires_in: Option<String>,
    /// When the policy was created (read-only).
    pub created_on: Option<OffsetDateTime>,
    /// When the policy was last updated (read-only).
    pub updated_on: Option<OffsetDateTime>,
}

impl KeyRotationPolicy {
    /// Checks every duration and trigger before the policy is sent.
    pub fn validate(&self) -> Result<()> {
        if let Some(expires_in) = &self.expires_in {
            validate_duration("expires_in", expires_in)?;
        }
        self.lifetime_actions
            .iter()
            .try_for_each(KeyRotationLifetimeAction::validate)
    }
}

#[derive(Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct TriggerWire {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    time_after_create: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    time_before_expiry: Option<String>,
}

#[derive(Deserialize, Serialize)]
struct ActionTypeWire {
    #[serde(rename = "type")]
    kind: KeyRotationPolicyAction,
}

#[derive(Deserialize, Serialize)]
struct LifetimeActionWire {
    #[serde(default)]
    trigger: TriggerWire,
    action: ActionTypeWire,
}

#[derive(Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct PolicyAttributesWire {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expiry_time: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "keyvault_core::serde::unix_time_option"
    )]
    created: Option<OffsetDateTime>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "keyvault_core::serde::unix_time_option"
    )]
    updated: Option<OffsetDateTime>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PolicyWire {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    lifetime_actions: Option<Vec<LifetimeActionWire>>,
    #[serde(default)]
    attributes: Option<PolicyAttributesWire>,
}

impl From<PolicyWire> for KeyRotationPolicy {
    fn from(wire: PolicyWire) -> Self {
        let attributes = wire.attributes.unwrap_or_default();
        KeyRotationPolicy {
            id: wire.id,
            lifetime_actions: wire
                .lifetime_actions
                .unwrap_or_default()
                .into_iter()
                .map(|a| KeyRotationLifetimeAction {
                    action: a.action.kind,
                    time_after_create: a.trigger.time_after_create,
                    time_before_expiry: a.trigger.time_before_expiry,
                })
                .collect(),
            expires_in: attributes.expiry_time,
            created_on: attributes.created,
            updated_on: attributes.updated,
        }
    }
}

/// Body of `PUT /keys/{name}/rotationpolicy`: the settable parts of a policy.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PolicyBody {
    lifetime_actions: Vec<LifetimeActionWire>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attributes: Option<PolicyAttributesWire>,
}

impl From<&KeyRotationPolicy> for PolicyBody {
    fn from(policy: &KeyRotationPolicy) -> Self {
        PolicyBody {
            lifetime_actions: policy
                .lifetime_actions
                .iter()
                .map(|a| LifetimeActionWire {
                    trigger: TriggerWire {
                        time_after_create: a.time_after_create.clone(),
                        time_before_expiry: a.time_before_expiry.clone(),
                    },
                    action: ActionTypeWire {
                        kind: a.action.clone(),
                    },
                })
                .collect(),
            attributes: policy.expires_in.as_ref().map(|e| PolicyAttributesWire {
                expiry_time: Some(e.clone()),
                ..Default::default()
            }),
        }
    }
}

/// The result of [`crate::KeyClient::release_key`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ReleaseKeyResult {
    /// A signed object (JWS) containing the released key, protected for the target; never
    /// printed.
    pub value: SecretString,
}

/// Attributes a client sets on create, import and update.
#[derive(Serialize, Default)]
pub(crate) struct KeyAttributesIn {
    #[serde(flatten)]
    pub base: Attributes,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exportable: Option<bool>,
}

impl KeyAttributesIn {
    /// The attributes, or `None` when nothing is set.
    pub fn some(
        enabled: Option<bool>,
        not_before: Option<OffsetDateTime>,
        expires_on: Option<OffsetDateTime>,
        exportable: Option<bool>,
    ) -> Option<Self> {
        let base = Attributes::settable(enabled, not_before, expires_on);
        (!base.is_empty() || exportable.is_some()).then_some(KeyAttributesIn { base, exportable })
    }
}

impl<'de> Deserialize<'de> for KeyAttributesIn {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        let wire = KeyAttributesWire::deserialize(deserializer)?;
        Ok(KeyAttributesIn {
            base: Attributes::settable(
                wire.base.enabled,
                wire.base.not_before,
                wire.base.expires_on,
            ),
            exportable: wire.exportable,
        })
    }
}

/// Body of `POST /keys/{name}/create`.
#[derive(Serialize)]
pub(crate) struct KeyCreateParameters<'a> {
    pub kty: &'a KeyType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_size: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_exponent: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_ops: Option<&'a [KeyOperation]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<KeyAttributesIn>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<&'a HashMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crv: Option<&'a KeyCurveName>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release_policy: Option<&'a KeyReleasePolicy>,
}

/// Body of `PUT /keys/{name}` (import).
#[derive(Serialize)]
pub(crate) struct KeyImportParameters<'a> {
    #[serde(rename = "Hsm", skip_serializing_if = "Option::is_none")]
    pub hsm: Option<bool>,
    pub key: &'a JsonWebKey,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<KeyAttributesIn>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<&'a HashMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release_policy: Option<&'a KeyReleasePolicy>,
}

/// Body of `PATCH /keys/{name}/{version}`.
#[derive(Serialize)]
pub(crate) struct KeyUpdateParameters<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_ops: Option<&'a [KeyOperation]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<KeyAttributesIn>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<&'a HashMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release_policy: Option<&'a KeyReleasePolicy>,
}

/// Body of `POST /keys/{name}/{version}/release`.
#[derive(Serialize)]
pub(crate) struct KeyReleaseParameters<'a> {
    pub target: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nonce: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enc: Option<&'a KeyExportEncryptionAlgorithm>,
}

/// Body of `POST /rng`.
#[derive(Serialize)]
pub(crate) struct RandomBytesRequest {
    pub count: u32,
}

/// Response of `POST /rng`.
#[derive(Deserialize)]
pub(crate) struct RandomBytes {
    #[serde(with = "keyvault_core::serde::base64url")]
    pub value: Vec<u8>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyvault_core::ExposeSecret;

    #[test]
    fn jwk_debug_never_shows_private_parts() {
        let secret = vec![0xAB; 32];
        let jwk = JsonWebKey {
            kty: Some(KeyType::Rsa),
            n: Some(vec![1, 2, 3]),
            d: Some(SecretBytes::new(secret.clone())),
            dp: Some(SecretBytes::new(secret.clone())),
            dq: Some(SecretBytes::new(secret.clone())),
            qi: Some(SecretBytes::new(secret.clone())),
            p: Some(SecretBytes::new(secret.clone())),
            q: Some(SecretBytes::new(secret.clone())),
            k: Some(SecretBytes::new(secret.clone())),
            t: Some(SecretBytes::new(secret.clone())),
            ..Default::default()
        };
        let text = format!("{jwk:?} {jwk:#?}");
        assert!(!text.contains("171"), "{text}");
        assert!(!text.to_ascii_lowercase().contains("abab"), "{text}");
        assert!(!text.contains("q6urq6"), "no base64 either: {text}");
        assert!(text.contains("redacted"));
        assert!(text.contains("[1, 2, 3]"), "public parts are shown");
        let public = jwk.public_only();
        assert!(!public.has_private_material() && public.d.is_none() && public.t.is_none());
        assert_eq!(public.n, jwk.n);
    }

    #[test]
    fn jwk_wire_form_uses_key_hsm_for_t() {
        let jwk: JsonWebKey =
            serde_json::from_str(r#"{"kty":"RSA-HSM","key_hsm":"AQID","key_ops":["wrapKey"]}"#)
                .unwrap();
        assert_eq!(jwk.t.as_ref().unwrap().expose_secret(), &[1, 2, 3]);
        assert!(jwk.permits(&KeyOperation::WrapKey));
        assert!(!jwk.permits(&KeyOperation::Sign));
        let json = serde_json::to_value(&jwk).unwrap();
        assert_eq!(json["key_hsm"], "AQID");
        assert!(JsonWebKey::default().permits(&KeyOperation::Sign));
    }

    #[test]
    fn key_properties_carry_keys_only_attributes() {
        let key: KeyVaultKey = serde_json::from_str(
            r#"{"key":{"kid":"https://v.vault.azure.net/keys/k/1","kty":"oct-HSM","key_ops":["encrypt"]},
                "attributes":{"enabled":true,"exportable":true,"hsmPlatform":"2","key_size":256,"recoverableDays":7,
                              "attestation":{"version":"1.0","privateKeyAttestation":"AAEC"}},
                "managed":true,"release_policy":{"data":"e30","contentType":"application/json; charset=utf-8","immutable":false}}"#,
        )
        .unwrap();
        assert_eq!(key.name(), "k");
        assert_eq!(key.key_type(), &KeyType::OctHsm);
        assert_eq!(key.key_operations(), &[KeyOperation::Encrypt]);
        let p = &key.properties;
        assert_eq!(p.version.as_deref(), Some("1"));
        assert_eq!(p.exportable, Some(true));
        assert_eq!(p.hsm_platform.as_deref(), Some("2"));
        assert_eq!(p.key_size, Some(256));
        assert!(p.managed);
        assert_eq!(p.release_policy.as_ref().unwrap().encoded_policy, b"{}");
        let attestation = p.attestation.as_ref().unwrap();
        assert_eq!(
            attestation.private_key_attestation.as_deref(),
            Some(&[0, 1, 2][..])
        );
    }

    #[test]
    fn a_bundle_without_key_material_is_not_a_key() {
        let err = serde_json::from_str::<KeyVaultKey>(
            r#"{"kid":"https://v.vault.azure.net/keys/k/1","attributes":{}}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("key"), "{err}");
        let props: KeyProperties =
            serde_json::from_str(r#"{"kid":"https://v.vault.azure.net/keys/k/1","attributes":{}}"#)
                .unwrap();
        assert_eq!(props.name, "k");
    }

    #[test]
    fn rotation_policies_are_validated() {
        let mut policy = KeyRotationPolicy {
            lifetime_actions: vec![
                KeyRotationLifetimeAction::rotate_after_create("P90D"),
                KeyRotationLifetimeAction::notify_before_expiry("P30D"),
            ],
            expires_in: Some("P2Y".into()),
            ..Default::default()
        };
        policy.validate().unwrap();
        policy.expires_in = Some("2 years".into());
        assert!(matches!(
            policy.validate().unwrap_err(),
            Error::InvalidArgument {
                argument: "expires_in",
                ..
            }
        ));
        policy.expires_in = None;
        policy.lifetime_actions = vec![KeyRotationLifetimeAction {
            time_after_create: Some("P30D".into()),
            ..KeyRotationLifetimeAction::new(KeyRotationPolicyAction::Notify)
        }];
        assert!(policy.validate().is_err());
        policy.lifetime_actions = vec![KeyRotationLifetimeAction::new(
            KeyRotationPolicyAction::Rotate,
        )];
        assert!(policy.validate().is_err());
        policy.lifetime_actions = vec![KeyRotationLifetimeAction::rotate_before_expiry("P1M")];
        policy.validate().unwrap();
        policy.lifetime_actions = vec![KeyRotationLifetimeAction::rotate_after_create("90 days")];
        assert!(matches!(
            policy.validate().unwrap_err(),
            Error::InvalidArgument {
                argument: "time_after_create",
                ..
            }
        ));
    }
}
