//! `KeyClient`: every key-management operation of the keys data plane.

use crate::{
    crypto::CryptographyClient,
    enums::{KeyCurveName, KeyExportEncryptionAlgorithm, KeyOperation, KeyType},
    models::{
        DeletedKey, JsonWebKey, KeyAttributesIn, KeyCreateParameters, KeyImportParameters,
        KeyProperties, KeyReleaseParameters, KeyReleasePolicy, KeyRotationPolicy,
        KeyUpdateParameters, KeyVaultKey, PolicyBody, RandomBytes, RandomBytesRequest,
        ReleaseKeyResult,
    },
};
use azure_core::http::Method;
use keyvault_core::{
    lifecycle,
    pipeline::to_json,
    polling::{begin_delete, begin_recover},
    validation::{require_non_empty, validate_name, validate_version},
    ApiVersion, Error, KeyVaultPipeline, Pager, Poller, Result, SecretBytes,
};
use std::collections::HashMap;
use time::OffsetDateTime;

/// Options of [`KeyClient::new`]: API version, `azure_core` client options (retry,
/// transport, user agent) and `verify_challenge_resource`.
pub type KeyClientOptions = keyvault_core::ClientOptions;

keyvault_core::method_options! {
    /// Options of [`KeyClient::create_key`].
    pub struct CreateKeyOptions {
        /// Key size in bits: RSA 2048, 3072 or 4096; oct 128, 192 or 256. Not for EC keys.
        pub size: Option<u32>,
        /// The public exponent of an RSA key (for example 65537).
        pub public_exponent: Option<u32>,
        /// The curve of an EC key.
        pub curve: Option<KeyCurveName>,
        /// The operations the key will permit; the service's default when `None`.
        pub key_operations: Option<Vec<KeyOperation>>,
        /// Whether the key is enabled.
        pub enabled: Option<bool>,
        /// Not usable before this time.
        pub not_before: Option<OffsetDateTime>,
        /// Not usable after this time.
        pub expires_on: Option<OffsetDateTime>,
        /// Tags.
        pub tags: Option<HashMap<String, String>>,
        /// Whether the private key can be exported (API `7.3` and later; needs a release policy).
        pub exportable: Option<bool>,
        /// The rules under which the key can be released (API `7.3` and later).
        pub release_policy: Option<KeyReleasePolicy>,
        /// Create the key in an HSM: `RSA` becomes `RSA-HSM`, `EC` `EC-HSM`, `oct` `oct-HSM`.
        pub hardware_protected: bool,
    }

    /// Options of [`KeyClient::create_rsa_key`].
    pub struct CreateRsaKeyOptions {
        /// Key size in bits: 2048, 3072 or 4096.
        pub size: Option<u32>,
        /// The public exponent (for example 65537).
        pub public_exponent: Option<u32>,
        /// The operations the key will permit; the service's default when `None`.
        pub key_operations: Option<Vec<KeyOperation>>,
        /// Whether the key is enabled.
        pub enabled: Option<bool>,
        /// Not usable before this time.
        pub not_before: Option<OffsetDateTime>,
        /// Not usable after this time.
        pub expires_on: Option<OffsetDateTime>,
        /// Tags.
        pub tags: Option<HashMap<String, String>>,
        /// Whether the private key can be exported (API `7.3` and later; needs a release policy).
        pub exportable: Option<bool>,
        /// The rules under which the key can be released (API `7.3` and later).
        pub release_policy: Option<KeyReleasePolicy>,
        /// Create the key in an HSM: `RSA-HSM`.
        pub hardware_protected: bool,
    }

    /// Options of [`KeyClient::create_ec_key`].
    pub struct CreateEcKeyOptions {
        /// The curve; the service's default (P-256) when `None`.
        pub curve: Option<KeyCurveName>,
        /// The operations the key will permit; the service's default when `None`.
        pub key_operations: Option<Vec<KeyOperation>>,
        /// Whether the key is enabled.
        pub enabled: Option<bool>,
        /// Not usable before this time.
        pub not_before: Option<OffsetDateTime>,
        /// Not usable after this time.
        pub expires_on: Option<OffsetDateTime>,
        /// Tags.
        pub tags: Option<HashMap<String, String>>,
        /// Whether the private key can be exported (API `7.3` and later; needs a release policy).
        pub exportable: Option<bool>,
        /// The rules under which the key can be released (API `7.3` and later).
        pub release_policy: Option<KeyReleasePolicy>,
        /// Create the key in an HSM: `EC-HSM`.
        pub hardware_protected: bool,
    }

    /// Options of [`KeyClient::create_oct_key`].
    pub struct CreateOctKeyOptions {
        /// Key size in bits: 128, 192 or 256.
        pub size: Option<u32>,
        /// The operations the key will permit; the service's default when `None`.
        pub key_operations: Option<Vec<KeyOperation>>,
        /// Whether the key is enabled.
        pub enabled: Option<bool>,
        /// Not usable before this time.
        pub not_before: Option<OffsetDateTime>,
        /// Not usable after this time.
        pub expires_on: Option<OffsetDateTime>,
        /// Tags.
        pub tags: Option<HashMap<String, String>>,
        /// Whether the private key can be exported (API `7.3` and later; needs a release policy).
        pub exportable: Option<bool>,
        /// The rules under which the key can be released (API `7.3` and later).
        pub release_policy: Option<KeyReleasePolicy>,
        /// Create the key in an HSM: `oct-HSM`.
        pub hardware_protected: bool,
    }

    /// Options of [`KeyClient::import_key`].
    pub struct ImportKeyOptions {
        /// Import into an HSM (`Hsm` on the wire).
        pub hardware_protected: Option<bool>,
        /// Whether the key is enabled.
        pub enabled: Option<bool>,
        /// Not usable before this time.
        pub not_before: Option<OffsetDateTime>,
        /// Not usable after this time.
        pub expires_on: Option<OffsetDateTime>,
        /// Tags.
        pub tags: Option<HashMap<String, String>>,
        /// Whether the private key can be exported (API `7.3` and later).
        pub exportable: Option<bool>,
        /// The rules under which the key can be released (API `7.3` and later).
        pub release_policy: Option<KeyReleasePolicy>,
    }

    /// Options of [`KeyClient::get_key`].
    pub struct GetKeyOptions {
        /// The version; the latest when `None`.
        pub version: Option<String>,
    }

    /// Options of [`KeyClient::get_key_attestation`].
    pub struct GetKeyAttestationOptions {
        /// The version; the latest when `None`.
        pub version: Option<String>,
    }

    /// Options of [`KeyClient::get_cryptography_client`].
    pub struct GetCryptographyClientOptions {
        /// The version; the latest when `None`.
        pub version: Option<String>,
    }

    /// Options of [`KeyClient::update_key_properties`]: only what is set changes.
    pub struct UpdateKeyPropertiesOptions {
        /// The version to update; the latest when `None`.
        pub version: Option<String>,
        /// New permitted operations.
        pub key_operations: Option<Vec<KeyOperation>>,
        /// Enable or disable the key.
        pub enabled: Option<bool>,
        /// A new not-before time.
        pub not_before: Option<OffsetDateTime>,
        /// A new expiry time.
        pub expires_on: Option<OffsetDateTime>,
        /// New tags, replacing the old ones.
        pub tags: Option<HashMap<String, String>>,
        /// A new release policy (API `7.3` and later).
        pub release_policy: Option<KeyReleasePolicy>,
    }

    /// Options of [`KeyClient::list_properties_of_keys`].
    list pub struct ListPropertiesOfKeysOptions {}

    /// Options of [`KeyClient::list_properties_of_key_versions`].
    list pub struct ListPropertiesOfKeyVersionsOptions {}

    /// Options of [`KeyClient::begin_delete_key`].
    poller pub struct BeginDeleteKeyOptions {}

    /// Options of [`KeyClient::get_deleted_key`].
    pub struct GetDeletedKeyOptions {}

    /// Options of [`KeyClient::list_deleted_keys`].
    list pub struct ListDeletedKeysOptions {}

    /// Options of [`KeyClient::purge_deleted_key`].
    pub struct PurgeDeletedKeyOptions {}

    /// Options of [`KeyClient::begin_recover_deleted_key`].
    poller pub struct BeginRecoverDeletedKeyOptions {}

    /// Options of [`KeyClient::backup_key`].
    pub struct BackupKeyOptions {}

    /// Options of [`KeyClient::restore_key_backup`].
    pub struct RestoreKeyBackupOptions {}

    /// Options of [`KeyClient::rotate_key`].
    pub struct RotateKeyOptions {}

    /// Options of [`KeyClient::get_key_rotation_policy`].
    pub struct GetKeyRotationPolicyOptions {}

    /// Options of [`KeyClient::update_key_rotation_policy`].
    pub struct UpdateKeyRotationPolicyOptions {}

    /// Options of [`KeyClient::release_key`].
    pub struct ReleaseKeyOptions {
        /// The version to release; the latest when `None`.
        pub version: Option<String>,
        /// How the released key is protected.
        pub algorithm: Option<KeyExportEncryptionAlgorithm>,
        /// A nonce for freshness.
        pub nonce: Option<String>,
    }

    /// Options of [`KeyClient::get_random_bytes`].
    pub struct GetRandomBytesOptions {}
}

/// A client of the keys in one vault or Managed HSM. Cheap to clone; `Send + Sync`.
///
/// ```no_run
/// use keyvault_keys::{CreateRsaKeyOptions, KeyClient};
/// # async fn run(credential: std::sync::Arc<dyn azure_core::credentials::TokenCredential>) -> keyvault_core::Result<()> {
/// let client = KeyClient::new("https://my-vault.vault.azure.net", credential, None)?;
/// let key = client.create_rsa_key("signing-key", Some(CreateRsaKeyOptions { size: Some(3072), ..Default::default() })).await?;
/// println!("{} {}", key.name(), key.key_type());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct KeyClient {
    pipeline: KeyVaultPipeline,
}

const KEYS: &str = "keys";
const DELETED: &str = "deletedkeys";

fn validate_create(kty: &KeyType, options: &CreateKeyOptions<'_>) -> Result<()> {
    if let Some(size) = options.size {
        let allowed: &[u32] = match kty {
            KeyType::Rsa | KeyType::RsaHsm => &[2048, 3072, 4096],
            KeyType::Oct | KeyType::OctHsm => &[128, 192, 256],
            KeyType::Ec | KeyType::EcHsm => {
                return Err(Error::invalid_argument(
                    "size",
                    "an EC key's size follows from its curve; set curve instead",
                ))
            }
            _ => &[],
        };
        if !allowed.is_empty() && !allowed.contains(&size) {
            return Err(Error::invalid_argument(
                "size",
                format!("a {kty} key must be one of {allowed:?} bits, got {size}"),
            ));
        }
    }
    if let Some(exponent) = options.public_exponent {
        if !kty.is_rsa() && !matches!(kty, KeyType::Other(_)) {
            return Err(Error::invalid_argument(
                "public_exponent",
                format!("only RSA keys have a public exponent, not {kty}"),
            ));
        }
        if exponent < 3 || exponent % 2 == 0 {
            return Err(Error::invalid_argument(
                "public_exponent",
                format!("must be an odd number of at least 3, got {exponent}"),
            ));
        }
    }
    if let Some(curve) = &options.curve {
        if !kty.is_ec() && !matches!(kty, KeyType::Other(_)) {
            return Err(Error::invalid_argument(
                "curve",
                format!("only EC keys have a curve, not {kty}"),
            ));
        }
        if let KeyCurveName::Other(other) = curve {
            return Err(Error::invalid_argument(
                "curve",
                format!("{other:?} is not one of P-256, P-384, P-521, P-256K"),
            ));
        }
    }
    if options.exportable == Some(true) && options.release_policy.is_none() {
        return Err(Error::invalid_argument(
            "exportable",
            "an exportable key needs a release policy",
        ));
    }
    Ok(())
}

keyvault_core::vault_client!(
    KeyClient,
    KeyClientOptions,
    "https://{vault}.vault.azure.net or https://{hsm}.managedhsm.azure.net",
    default_api_version = DEFAULT_API_VERSION,
    new {
        ///
        /// ```no_run
        /// use keyvault_keys::{KeyClient, KeyClientOptions};
        /// # fn run() -> Result<(), Box<dyn std::error::Error>> {
        /// let credential = azure_identity::DeveloperToolsCredential::new(None)?;
        /// let client = KeyClient::new("https://my-vault.vault.azure.net", credential.clone(), None)?;
        ///
        /// // With azure_core's options (retries, transport, tracing) and another API version.
        /// let options = KeyClientOptions {
        ///     api_version: Some(keyvault_keys::ApiVersion::V2026_04_01),
        ///     ..Default::default()
        /// };
        /// let client = KeyClient::new("https://my-vault.vault.azure.net", credential, Some(options))?;
        /// # Ok(()) }
        /// ```
    }
    vault_url {
        ///
        /// ```no_run
        /// # fn run(client: &keyvault_keys::KeyClient) {
        /// assert_eq!(client.vault_url(), "https://my-vault.vault.azure.net");
        /// # }
        /// ```
    }
    api_version {
        ///
        /// ```no_run
        /// # fn run(client: &keyvault_keys::KeyClient) {
        /// println!("api-version={}", client.api_version());
        /// # }
        /// ```
    }
    send_request {
        ///
        /// ```no_run
        /// use keyvault_keys::azure_core::http::{Method, Request, Url};
        /// # async fn run(client: &keyvault_keys::KeyClient) -> Result<(), Box<dyn std::error::Error>> {
        /// let url = Url::parse(&format!("{}/keys/my-key", client.vault_url()))?;
        /// let response = client.send_request(Request::new(url, Method::Get)).await?;
        /// println!("status {:?}", response.status());
        /// # Ok(()) }
        /// ```
    }
);

/// The API version `KeyClient` and `CryptographyClient` send unless their options name
/// another: `2025-07-01`, the default of Python's azure-keyvault-keys 4.11 (the newest
/// `2026-04-01` is one option away, `ApiVersion::V2026_04_01`).
pub const DEFAULT_API_VERSION: keyvault_core::ApiVersion = keyvault_core::ApiVersion::V2025_07_01;

impl KeyClient {
    /// Creates a key of type `key_type`, or a new version of it.
    ///
    /// ```no_run
    /// # async fn run(client: &keyvault_keys::KeyClient) -> keyvault_keys::Result<()> {
    /// use keyvault_keys::{CreateKeyOptions, KeyType};
    /// let options = CreateKeyOptions { size: Some(3072), ..Default::default() };
    /// let key = client.create_key("my-key", KeyType::Rsa, Some(options)).await?;
    /// println!("{} version {:?}", key.name(), key.properties.version);
    /// # Ok(()) }
    /// ```
    pub async fn create_key(
        &self,
        name: &str,
        key_type: KeyType,
        options: Option<CreateKeyOptions<'_>>,
    ) -> Result<KeyVaultKey> {
        self.create("KeyClient.create_key", name, key_type, options)
            .await
    }

    /// [`KeyClient::create_key`] as the public operation `span` (each of `create_rsa_key`,
    /// `create_ec_key` and `create_oct_key` is an operation of its own, as in Python).
    async fn create(
        &self,
        span: &'static str,
        name: &str,
        key_type: KeyType,
        options: Option<CreateKeyOptions<'_>>,
    ) -> Result<KeyVaultKey> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(span, &options.method_options);
        validate_name("name", name)?;
        let kty = if options.hardware_protected {
            key_type.hardware_protected()
        } else {
            key_type
        };
        validate_create(&kty, &options)?;
        if options.exportable.is_some() || options.release_policy.is_some() {
            pipeline.require(&ApiVersion::V7_3, "exportable and release_policy")?;
        }
        let body = to_json(&KeyCreateParameters {
            kty: &kty,
            key_size: options.size,
            public_exponent: options.public_exponent,
            key_ops: options.key_operations.as_deref(),
            attributes: KeyAttributesIn::some(
                options.enabled,
                options.not_before,
                options.expires_on,
                options.exportable,
            ),
            tags: options.tags.as_ref(),
            crv: options.curve.as_ref(),
            release_policy: options.release_policy.as_ref(),
        })?;
        pipeline
            .send_json(
                Method::Post,
                pipeline.url(&[KEYS, name, "create"]),
                Some(body),
            )
            .await
    }

    /// Creates an RSA key (`RSA-HSM` with `hardware_protected`).
    ///
    /// ```no_run
    /// # async fn run(client: &keyvault_keys::KeyClient) -> keyvault_keys::Result<()> {
    /// use keyvault_keys::CreateRsaKeyOptions;
    /// let options = CreateRsaKeyOptions { hardware_protected: true, ..Default::default() };
    /// let key = client.create_rsa_key("rsa-key", Some(options)).await?;
    /// assert_eq!(key.key_type(), &keyvault_keys::KeyType::RsaHsm);
    /// # Ok(()) }
    /// ```
    pub async fn create_rsa_key(
        &self,
        name: &str,
        options: Option<CreateRsaKeyOptions<'_>>,
    ) -> Result<KeyVaultKey> {
        let options = options.unwrap_or_default();
        let options = CreateKeyOptions {
            size: options.size,
            public_exponent: options.public_exponent,
            key_operations: options.key_operations,
            enabled: options.enabled,
            not_before: options.not_before,
            expires_on: options.expires_on,
            tags: options.tags,
            exportable: options.exportable,
            release_policy: options.release_policy,
            hardware_protected: options.hardware_protected,
            method_options: options.method_options,
            ..Default::default()
        };
        self.create(
            "KeyClient.create_rsa_key",
            name,
            KeyType::Rsa,
            Some(options),
        )
        .await
    }

    /// Creates an elliptic-curve key (`EC-HSM` with `hardware_protected`).
    ///
    /// ```no_run
    /// # async fn run(client: &keyvault_keys::KeyClient) -> keyvault_keys::Result<()> {
    /// use keyvault_keys::{CreateEcKeyOptions, KeyCurveName};
    /// let options = CreateEcKeyOptions { curve: Some(KeyCurveName::P384), ..Default::default() };
    /// let key = client.create_ec_key("ec-key", Some(options)).await?;
    /// println!("{} on {:?}", key.name(), key.key.crv);
    /// # Ok(()) }
    /// ```
    pub async fn create_ec_key(
        &self,
        name: &str,
        options: Option<CreateEcKeyOptions<'_>>,
    ) -> Result<KeyVaultKey> {
        let options = options.unwrap_or_default();
        let options = CreateKeyOptions {
            curve: options.curve,
            key_operations: options.key_operations,
            enabled: options.enabled,
            not_before: options.not_before,
            expires_on: options.expires_on,
            tags: options.tags,
            exportable: options.exportable,
            release_policy: options.release_policy,
            hardware_protected: options.hardware_protected,
            method_options: options.method_options,
            ..Default::default()
        };
        self.create("KeyClient.create_ec_key", name, KeyType::Ec, Some(options))
            .await
    }

    /// Creates a symmetric key (`oct-HSM` with `hardware_protected`; Managed HSM only).
    ///
    /// ```no_run
    /// # async fn run(client: &keyvault_keys::KeyClient) -> keyvault_keys::Result<()> {
    /// use keyvault_keys::CreateOctKeyOptions;
    /// let options = CreateOctKeyOptions { size: Some(256), hardware_protected: true, ..Default::default() };
    /// let key = client.create_oct_key("aes-key", Some(options)).await?;
    /// assert!(key.key.k.is_none(), "symmetric material never leaves the HSM");
    /// # Ok(()) }
    /// ```
    pub async fn create_oct_key(
        &self,
        name: &str,
        options: Option<CreateOctKeyOptions<'_>>,
    ) -> Result<KeyVaultKey> {
        let options = options.unwrap_or_default();
        let options = CreateKeyOptions {
            size: options.size,
            key_operations: options.key_operations,
            enabled: options.enabled,
            not_before: options.not_before,
            expires_on: options.expires_on,
            tags: options.tags,
            exportable: options.exportable,
            release_policy: options.release_policy,
            hardware_protected: options.hardware_protected,
            method_options: options.method_options,
            ..Default::default()
        };
        self.create(
            "KeyClient.create_oct_key",
            name,
            KeyType::Oct,
            Some(options),
        )
        .await
    }

    /// Imports key material you hold as a key, or a new version of it.
    ///
    /// ```no_run
    /// # async fn run(client: &keyvault_keys::KeyClient) -> keyvault_keys::Result<()> {
    /// use keyvault_keys::{JsonWebKey, KeyType, SecretBytes};
    /// let jwk = JsonWebKey {
    ///     kty: Some(KeyType::Oct),
    ///     k: Some(SecretBytes::new(vec![0x42; 32])),
    ///     ..Default::default()
    /// };
    /// let key = client.import_key("imported", &jwk, None).await?;
    /// println!("imported {}", key.id());
    /// # Ok(()) }
    /// ```
    pub async fn import_key(
        &self,
        name: &str,
        key: &JsonWebKey,
        options: Option<ImportKeyOptions<'_>>,
    ) -> Result<KeyVaultKey> {
        let options = options.unwrap_or_default();
        let pipeline = self
            .pipeline
            .operation("KeyClient.import_key", &options.method_options);
        validate_name("name", name)?;
        if key.kty.is_none() {
            return Err(Error::invalid_argument(
                "key",
                "the JSON Web Key needs a kty",
            ));
        }
        if options.exportable.is_some() || options.release_policy.is_some() {
            pipeline.require(&ApiVersion::V7_3, "exportable and release_policy")?;
        }
        let body = to_json(&KeyImportParameters {
            hsm: options.hardware_protected,
            key,
            attributes: KeyAttributesIn::some(
                options.enabled,
                options.not_before,
                options.expires_on,
                options.exportable,
            ),
            tags: options.tags.as_ref(),
            release_policy: options.release_policy.as_ref(),
        })?;
        pipeline
            .send_json(Method::Put, pipeline.url(&[KEYS, name]), Some(body))
            .await
    }

    /// Gets a key: the latest version, or the one named in the options.
    ///
    /// ```no_run
    /// # async fn run(client: &keyvault_keys::KeyClient) -> keyvault_keys::Result<()> {
    /// use keyvault_keys::GetKeyOptions;
    /// let latest = client.get_key("my-key", None).await?;
    /// let version = latest.properties.version.clone();
    /// let options = GetKeyOptions { version, ..Default::default() };
    /// let pinned = client.get_key("my-key", Some(options)).await?;
    /// assert_eq!(pinned.id(), latest.id());
    /// # Ok(()) }
    /// ```
    pub async fn get_key(
        &self,
        name: &str,
        options: Option<GetKeyOptions<'_>>,
    ) -> Result<KeyVaultKey> {
        let options = options.unwrap_or_default();
        let pipeline = self
            .pipeline
            .operation("KeyClient.get_key", &options.method_options);
        validate_name("name", name)?;
        let version = options.version.unwrap_or_default();
        validate_version("version", &version)?;
        pipeline
            .send_json(Method::Get, pipeline.url(&[KEYS, name, &version]), None)
            .await
    }

    /// Gets a key with its HSM attestation in [`KeyProperties::attestation`]
    /// (API `7.6` and later).
    ///
    /// ```no_run
    /// # async fn run(client: &keyvault_keys::KeyClient) -> keyvault_keys::Result<()> {
    /// let key = client.get_key_attestation("hsm-key", None).await?;
    /// println!("attestation: {:?}", key.properties.attestation.is_some());
    /// # Ok(()) }
    /// ```
    pub async fn get_key_attestation(
        &self,
        name: &str,
        options: Option<GetKeyAttestationOptions<'_>>,
    ) -> Result<KeyVaultKey> {
        let options = options.unwrap_or_default();
        let pipeline = self
            .pipeline
            .operation("KeyClient.get_key_attestation", &options.method_options);
        pipeline.require(&ApiVersion::V7_6, "get_key_attestation")?;
        validate_name("name", name)?;
        let version = options.version.unwrap_or_default();
        validate_version("version", &version)?;
        // Without a version this is `/keys/{name}/attestation`, as Python sends it.
        pipeline
            .send_json(
                Method::Get,
                pipeline.url(&[KEYS, name, &version, "attestation"]),
                None,
            )
            .await
    }

    /// Updates a key version's properties; its material never changes.
    ///
    /// ```no_run
    /// # async fn run(client: &keyvault_keys::KeyClient) -> keyvault_keys::Result<()> {
    /// use keyvault_keys::UpdateKeyPropertiesOptions;
    /// let options = UpdateKeyPropertiesOptions { enabled: Some(false), ..Default::default() };
    /// let key = client.update_key_properties("my-key", Some(options)).await?;
    /// assert_eq!(key.properties.enabled, Some(false));
    /// # Ok(()) }
    /// ```
    pub async fn update_key_properties(
        &self,
        name: &str,
        options: Option<UpdateKeyPropertiesOptions<'_>>,
    ) -> Result<KeyVaultKey> {
        let options = options.unwrap_or_default();
        let pipeline = self
            .pipeline
            .operation("KeyClient.update_key_properties", &options.method_options);
        validate_name("name", name)?;
        let version = options.version.clone().unwrap_or_default();
        validate_version("version", &version)?;
        if options.release_policy.is_some() {
            pipeline.require(&ApiVersion::V7_3, "release_policy")?;
        }
        let body = to_json(&KeyUpdateParameters {
            key_ops: options.key_operations.as_deref(),
            attributes: KeyAttributesIn::some(
                options.enabled,
                options.not_before,
                options.expires_on,
                None,
            ),
            tags: options.tags.as_ref(),
            release_policy: options.release_policy.as_ref(),
        })?;
        pipeline
            .send_json(
                Method::Patch,
                pipeline.url(&[KEYS, name, &version]),
                Some(body),
            )
            .await
    }

    /// Lists the properties of every key (latest versions), without key material.
    ///
    /// ```no_run
    /// # async fn run(client: &keyvault_keys::KeyClient) -> keyvault_keys::Result<()> {
    /// use futures::TryStreamExt;
    /// let mut keys = client.list_properties_of_keys(None)?;
    /// while let Some(properties) = keys.try_next().await? {
    ///     println!("{} enabled={:?}", properties.name, properties.enabled);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_properties_of_keys(
        &self,
        options: Option<ListPropertiesOfKeysOptions<'_>>,
    ) -> Result<Pager<KeyProperties>> {
        let options = options.unwrap_or_default();
        let pipeline = self
            .pipeline
            .operation("KeyClient.list_properties_of_keys", &options.method_options);
        options.list_options().pager(&pipeline, &[KEYS])
    }

    /// Lists the properties of every version of a key.
    ///
    /// ```no_run
    /// # async fn run(client: &keyvault_keys::KeyClient) -> keyvault_keys::Result<()> {
    /// use futures::TryStreamExt;
    /// let versions: Vec<_> = client.list_properties_of_key_versions("my-key", None)?.try_collect().await?;
    /// println!("{} versions", versions.len());
    /// # Ok(()) }
    /// ```
    pub fn list_properties_of_key_versions(
        &self,
        name: &str,
        options: Option<ListPropertiesOfKeyVersionsOptions<'_>>,
    ) -> Result<Pager<KeyProperties>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyClient.list_properties_of_key_versions",
            &options.method_options,
        );
        validate_name("name", name)?;
        options
            .list_options()
            .pager(&pipeline, &[KEYS, name, "versions"])
    }

    /// Deletes a key (every version). With soft delete, the poller completes once the deleted
    /// key can be read; await it before purging or recovering.
    ///
    /// ```no_run
    /// # async fn run(client: &keyvault_keys::KeyClient) -> keyvault_keys::Result<()> {
    /// let deleted = client.begin_delete_key("my-key", None).await?.await?;
    /// println!("purge scheduled {:?}", deleted.scheduled_purge_date);
    /// # Ok(()) }
    /// ```
    pub async fn begin_delete_key(
        &self,
        name: &str,
        options: Option<BeginDeleteKeyOptions<'_>>,
    ) -> Result<Poller<DeletedKey>> {
        let options = options.unwrap_or_default();
        let pipeline = self
            .pipeline
            .operation("KeyClient.begin_delete_key", &options.method_options);
        validate_name("name", name)?;
        begin_delete(
            &pipeline,
            &[KEYS, name],
            &[DELETED, name],
            &options.poller_options(),
            |deleted: &DeletedKey| deleted.recovery_id.is_some(),
        )
        .await
    }

    /// Gets a deleted key.
    ///
    /// ```no_run
    /// # async fn run(client: &keyvault_keys::KeyClient) -> keyvault_keys::Result<()> {
    /// let deleted = client.get_deleted_key("my-key", None).await?;
    /// println!("deleted on {:?}", deleted.deleted_date);
    /// # Ok(()) }
    /// ```
    pub async fn get_deleted_key(
        &self,
        name: &str,
        options: Option<GetDeletedKeyOptions<'_>>,
    ) -> Result<DeletedKey> {
        let options = options.unwrap_or_default();
        let pipeline = self
            .pipeline
            .operation("KeyClient.get_deleted_key", &options.method_options);
        validate_name("name", name)?;
        pipeline
            .send_json(Method::Get, pipeline.url(&[DELETED, name]), None)
            .await
    }

    /// Lists deleted keys.
    ///
    /// ```no_run
    /// # async fn run(client: &keyvault_keys::KeyClient) -> keyvault_keys::Result<()> {
    /// use futures::TryStreamExt;
    /// let mut deleted = client.list_deleted_keys(None)?;
    /// while let Some(key) = deleted.try_next().await? {
    ///     println!("{} recovery id {:?}", key.name(), key.recovery_id);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_deleted_keys(
        &self,
        options: Option<ListDeletedKeysOptions<'_>>,
    ) -> Result<Pager<DeletedKey>> {
        let options = options.unwrap_or_default();
        let pipeline = self
            .pipeline
            .operation("KeyClient.list_deleted_keys", &options.method_options);
        options.list_options().pager(&pipeline, &[DELETED])
    }

    /// Purges a deleted key for good.
    ///
    /// ```no_run
    /// # async fn run(client: &keyvault_keys::KeyClient) -> keyvault_keys::Result<()> {
    /// client.begin_delete_key("my-key", None).await?.await?;
    /// client.purge_deleted_key("my-key", None).await?;
    /// # Ok(()) }
    /// ```
    pub async fn purge_deleted_key(
        &self,
        name: &str,
        options: Option<PurgeDeletedKeyOptions<'_>>,
    ) -> Result<()> {
        let options = options.unwrap_or_default();
        let pipeline = self
            .pipeline
            .operation("KeyClient.purge_deleted_key", &options.method_options);
        lifecycle::purge(&pipeline, DELETED, name).await
    }

    /// Recovers a deleted key. The poller completes once the key can be read again.
    ///
    /// ```no_run
    /// # async fn run(client: &keyvault_keys::KeyClient) -> keyvault_keys::Result<()> {
    /// let key = client.begin_recover_deleted_key("my-key", None).await?.await?;
    /// println!("recovered {}", key.name());
    /// # Ok(()) }
    /// ```
    pub async fn begin_recover_deleted_key(
        &self,
        name: &str,
        options: Option<BeginRecoverDeletedKeyOptions<'_>>,
    ) -> Result<Poller<KeyVaultKey>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyClient.begin_recover_deleted_key",
            &options.method_options,
        );
        validate_name("name", name)?;
        begin_recover(
            &pipeline,
            &[DELETED, name, "recover"],
            &[KEYS, name],
            &options.poller_options(),
        )
        .await
    }

    /// Backs a key up (every version) into a blob only Key Vault can read.
    ///
    /// ```no_run
    /// # async fn run(client: &keyvault_keys::KeyClient) -> keyvault_keys::Result<()> {
    /// use keyvault_keys::ExposeSecret;
    /// let backup = client.backup_key("my-key", None).await?;
    /// std::fs::write("my-key.backup", backup.expose_secret()).expect("written");
    /// # Ok(()) }
    /// ```
    pub async fn backup_key(
        &self,
        name: &str,
        options: Option<BackupKeyOptions<'_>>,
    ) -> Result<SecretBytes> {
        let options = options.unwrap_or_default();
        let pipeline = self
            .pipeline
            .operation("KeyClient.backup_key", &options.method_options);
        lifecycle::backup(&pipeline, KEYS, name).await
    }

    /// Restores a backed-up key into this vault.
    ///
    /// ```no_run
    /// # async fn run(client: &keyvault_keys::KeyClient) -> keyvault_keys::Result<()> {
    /// let backup = std::fs::read("my-key.backup").expect("read");
    /// let key = client.restore_key_backup(&backup, None).await?;
    /// println!("restored {}", key.name());
    /// # Ok(()) }
    /// ```
    pub async fn restore_key_backup(
        &self,
        backup: &[u8],
        options: Option<RestoreKeyBackupOptions<'_>>,
    ) -> Result<KeyVaultKey> {
        let options = options.unwrap_or_default();
        let pipeline = self
            .pipeline
            .operation("KeyClient.restore_key_backup", &options.method_options);
        lifecycle::restore(&pipeline, KEYS, backup).await
    }

    /// Creates a new version of a key now, as its rotation policy would (API `7.3` and later).
    ///
    /// ```no_run
    /// # async fn run(client: &keyvault_keys::KeyClient) -> keyvault_keys::Result<()> {
    /// let key = client.rotate_key("my-key", None).await?;
    /// println!("new version {:?}", key.properties.version);
    /// # Ok(()) }
    /// ```
    pub async fn rotate_key(
        &self,
        name: &str,
        options: Option<RotateKeyOptions<'_>>,
    ) -> Result<KeyVaultKey> {
        let options = options.unwrap_or_default();
        let pipeline = self
            .pipeline
            .operation("KeyClient.rotate_key", &options.method_options);
        pipeline.require(&ApiVersion::V7_3, "rotate_key")?;
        validate_name("name", name)?;
        pipeline
            .send_json(Method::Post, pipeline.url(&[KEYS, name, "rotate"]), None)
            .await
    }

    /// Gets a key's rotation policy (API `7.3` and later).
    ///
    /// ```no_run
    /// # async fn run(client: &keyvault_keys::KeyClient) -> keyvault_keys::Result<()> {
    /// let policy = client.get_key_rotation_policy("my-key", None).await?;
    /// for action in &policy.lifetime_actions {
    ///     println!("{:?} after {:?}", action.action, action.time_after_create);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_key_rotation_policy(
        &self,
        name: &str,
        options: Option<GetKeyRotationPolicyOptions<'_>>,
    ) -> Result<KeyRotationPolicy> {
        let options = options.unwrap_or_default();
        let pipeline = self
            .pipeline
            .operation("KeyClient.get_key_rotation_policy", &options.method_options);
        pipeline.require(&ApiVersion::V7_3, "get_key_rotation_policy")?;
        validate_name("name", name)?;
        pipeline
            .send_json(
                Method::Get,
                pipeline.url(&[KEYS, name, "rotationpolicy"]),
                None,
            )
            .await
    }

    /// Replaces a key's rotation policy (API `7.3` and later). Durations are checked before
    /// anything is sent.
    ///
    /// ```no_run
    /// # async fn run(client: &keyvault_keys::KeyClient) -> keyvault_keys::Result<()> {
    /// use keyvault_keys::{KeyRotationLifetimeAction, KeyRotationPolicy};
    /// let policy = KeyRotationPolicy {
    ///     lifetime_actions: vec![KeyRotationLifetimeAction::rotate_after_create("P90D")],
    ///     expires_in: Some("P1Y".into()),
    ///     ..Default::default()
    /// };
    /// client.update_key_rotation_policy("my-key", &policy, None).await?;
    /// # Ok(()) }
    /// ```
    pub async fn update_key_rotation_policy(
        &self,
        name: &str,
        policy: &KeyRotationPolicy,
        options: Option<UpdateKeyRotationPolicyOptions<'_>>,
    ) -> Result<KeyRotationPolicy> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyClient.update_key_rotation_policy",
            &options.method_options,
        );
        pipeline.require(&ApiVersion::V7_3, "update_key_rotation_policy")?;
        validate_name("name", name)?;
        policy.validate()?;
        let body = to_json(&PolicyBody::from(policy))?;
        pipeline
            .send_json(
                Method::Put,
                pipeline.url(&[KEYS, name, "rotationpolicy"]),
                Some(body),
            )
            .await
    }

    /// Releases an exportable key to the environment the attestation token describes
    /// (API `7.3` and later).
    ///
    /// ```no_run
    /// # async fn run(client: &keyvault_keys::KeyClient) -> keyvault_keys::Result<()> {
    /// use keyvault_keys::{ExposeSecret, KeyExportEncryptionAlgorithm, ReleaseKeyOptions};
    /// # let attestation_token = "";
    /// let options = ReleaseKeyOptions {
    ///     algorithm: Some(KeyExportEncryptionAlgorithm::CkmRsaAesKeyWrap),
    ///     ..Default::default()
    /// };
    /// let released = client.release_key("exportable", attestation_token, Some(options)).await?;
    /// println!("a JWS of {} characters", released.value.expose_secret().len());
    /// # Ok(()) }
    /// ```
    pub async fn release_key(
        &self,
        name: &str,
        target_attestation_token: &str,
        options: Option<ReleaseKeyOptions<'_>>,
    ) -> Result<ReleaseKeyResult> {
        let options = options.unwrap_or_default();
        let pipeline = self
            .pipeline
            .operation("KeyClient.release_key", &options.method_options);
        pipeline.require(&ApiVersion::V7_3, "release_key")?;
        validate_name("name", name)?;
        require_non_empty(
            "target_attestation_token",
            target_attestation_token.as_bytes(),
        )?;
        let version = options.version.clone().unwrap_or_default();
        validate_version("version", &version)?;
        let body = to_json(&KeyReleaseParameters {
            target: target_attestation_token,
            nonce: options.nonce.as_deref(),
            enc: options.algorithm.as_ref(),
        })?;
        pipeline
            .send_json(
                Method::Post,
                pipeline.url(&[KEYS, name, &version, "release"]),
                Some(body),
            )
            .await
    }

    /// Gets `count` random bytes (1 to 128) from the HSM (Managed HSM; API `7.2` and later).
    ///
    /// ```no_run
    /// # async fn run(client: &keyvault_keys::KeyClient) -> keyvault_keys::Result<()> {
    /// let bytes = client.get_random_bytes(32, None).await?;
    /// assert_eq!(bytes.len(), 32);
    /// # Ok(()) }
    /// ```
    pub async fn get_random_bytes(
        &self,
        count: u32,
        options: Option<GetRandomBytesOptions<'_>>,
    ) -> Result<Vec<u8>> {
        let options = options.unwrap_or_default();
        let pipeline = self
            .pipeline
            .operation("KeyClient.get_random_bytes", &options.method_options);
        pipeline.require(&ApiVersion::V7_2, "get_random_bytes")?;
        if !(1..=128).contains(&count) {
            return Err(Error::invalid_argument(
                "count",
                format!("must be between 1 and 128, got {count}"),
            ));
        }
        let body = to_json(&RandomBytesRequest { count })?;
        let bytes: RandomBytes = pipeline
            .send_json(Method::Post, pipeline.url(&["rng"]), Some(body))
            .await?;
        Ok(bytes.value)
    }

    /// A [`CryptographyClient`] for a key of this vault, sharing this client's pipeline
    /// (credential, API version, options). The key is fetched lazily, on first use.
    ///
    /// ```no_run
    /// # async fn run(client: &keyvault_keys::KeyClient) -> keyvault_keys::Result<()> {
    /// use keyvault_keys::EncryptionAlgorithm;
    /// let crypto = client.get_cryptography_client("my-key", None)?;
    /// let encrypted = crypto.encrypt(EncryptionAlgorithm::RsaOaep256, b"plaintext", None).await?;
    /// println!("{} bytes", encrypted.ciphertext.len());
    /// # Ok(()) }
    /// ```
    pub fn get_cryptography_client(
        &self,
        name: &str,
        options: Option<GetCryptographyClientOptions<'_>>,
    ) -> Result<CryptographyClient> {
        validate_name("name", name)?;
        let version = options.unwrap_or_default().version.unwrap_or_default();
        validate_version("version", &version)?;
        let mut id = self.pipeline.url(&[KEYS, name, &version]);
        id.set_query(None);
        CryptographyClient::with_pipeline(self.pipeline.clone(), id.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(f: impl FnOnce(&mut CreateKeyOptions<'static>)) -> CreateKeyOptions<'static> {
        let mut o = CreateKeyOptions::default();
        f(&mut o);
        o
    }

    #[test]
    fn create_options_are_checked() {
        let ok = [
            (KeyType::Rsa, options(|o| o.size = Some(2048))),
            (KeyType::RsaHsm, options(|o| o.size = Some(4096))),
            (KeyType::Oct, options(|o| o.size = Some(128))),
            (KeyType::OctHsm, options(|o| o.size = Some(256))),
            (
                KeyType::Ec,
                options(|o| o.curve = Some(KeyCurveName::P256K)),
            ),
            (KeyType::Rsa, options(|o| o.public_exponent = Some(65537))),
        ];
        for (kty, o) in ok {
            validate_create(&kty, &o).unwrap_or_else(|e| panic!("{kty}: {e}"));
        }
        let bad = [
            (KeyType::Rsa, options(|o| o.size = Some(1024)), "size"),
            (KeyType::Oct, options(|o| o.size = Some(512)), "size"),
            (KeyType::Ec, options(|o| o.size = Some(256)), "size"),
            (
                KeyType::Rsa,
                options(|o| o.curve = Some(KeyCurveName::P256)),
                "curve",
            ),
            (
                KeyType::Ec,
                options(|o| o.curve = Some(KeyCurveName::Other("P-999".into()))),
                "curve",
            ),
            (
                KeyType::Ec,
                options(|o| o.public_exponent = Some(65537)),
                "public_exponent",
            ),
            (
                KeyType::Rsa,
                options(|o| o.public_exponent = Some(65536)),
                "public_exponent",
            ),
            (
                KeyType::Rsa,
                options(|o| o.exportable = Some(true)),
                "exportable",
            ),
        ];
        for (kty, o, argument) in bad {
            let err = validate_create(&kty, &o).unwrap_err();
            assert!(
                matches!(&err, Error::InvalidArgument { argument: a, .. } if *a == argument),
                "{kty} {argument}: {err}"
            );
        }
    }
}
