//! `CryptographyClient`: encrypt, decrypt, wrap, unwrap, sign and verify with one key,
//! locally where the key material allows and by the service otherwise.
//!
//! [`CryptographyClient::route`] is the one place that decides: the local module says what
//! it can do with the key material at hand ([`LocalKey::supports`]); everything else goes
//! to the service.

#[cfg(feature = "local-crypto")]
mod local;
#[cfg(not(feature = "local-crypto"))]
#[path = "crypto/no_local.rs"]
mod local;
mod validate;

use crate::{
    enums::{EncryptionAlgorithm, KeyOperation, KeyWrapAlgorithm, SignatureAlgorithm},
    identifier::KeyVaultKeyIdentifier,
    models::{JsonWebKey, KeyVaultKey},
};
use azure_core::{
    credentials::TokenCredential,
    http::{ClientMethodOptions, Method, RawResponse, Request},
};
use keyvault_core::{
    pipeline::to_json, ClientOptions, Error, KeyVaultPipeline, Result, SecretBytes,
};
pub(crate) use local::LocalKey;
use serde::{Deserialize, Serialize};
use std::sync::{Mutex, MutexGuard};
use std::{fmt, sync::Arc};
use time::OffsetDateTime;

/// Options of [`CryptographyClient::new`]: API version, `azure_core` client options and
/// `verify_challenge_resource`.
pub type CryptographyClientOptions = ClientOptions;

keyvault_core::method_options! {
    /// Options of [`CryptographyClient::encrypt`].
    pub struct EncryptOptions {
        /// Initialization vector: AES-CBC (16 bytes) or AES-GCM (12 bytes) only. For local
        /// AES-CBC and AES-GCM a random one is made when `None`.
        pub iv: Option<Vec<u8>>,
        /// Additional authenticated data: AES-GCM only.
        pub additional_authenticated_data: Option<Vec<u8>>,
    }

    /// Options of [`CryptographyClient::decrypt`].
    pub struct DecryptOptions {
        /// Initialization vector: required for AES-CBC (16 bytes) and AES-GCM.
        pub iv: Option<Vec<u8>>,
        /// Authentication tag: required for AES-GCM, refused otherwise.
        pub authentication_tag: Option<Vec<u8>>,
        /// Additional authenticated data: AES-GCM only.
        pub additional_authenticated_data: Option<Vec<u8>>,
    }

    /// Options of [`CryptographyClient::wrap_key`].
    pub struct WrapKeyOptions {}

    /// Options of [`CryptographyClient::unwrap_key`].
    pub struct UnwrapKeyOptions {}

    /// Options of [`CryptographyClient::sign`].
    pub struct SignOptions {}

    /// Options of [`CryptographyClient::verify`].
    pub struct VerifyOptions {}
}

/// The result of [`CryptographyClient::encrypt`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EncryptResult {
    /// The id of the key used, when known.
    pub key_id: Option<String>,
    /// The algorithm used.
    pub algorithm: EncryptionAlgorithm,
    /// The ciphertext.
    pub ciphertext: Vec<u8>,
    /// The initialization vector used (AES-CBC, AES-GCM); needed to decrypt.
    pub iv: Option<Vec<u8>>,
    /// The authentication tag (AES-GCM); needed to decrypt.
    pub authentication_tag: Option<Vec<u8>>,
    /// The additional authenticated data (AES-GCM); needed to decrypt.
    pub additional_authenticated_data: Option<Vec<u8>>,
}

/// The result of [`CryptographyClient::decrypt`]. The plaintext is never printed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecryptResult {
    /// The id of the key used, when known.
    pub key_id: Option<String>,
    /// The algorithm used.
    pub algorithm: EncryptionAlgorithm,
    /// The plaintext.
    pub plaintext: SecretBytes,
}

/// The result of [`CryptographyClient::wrap_key`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WrapResult {
    /// The id of the key used, when known.
    pub key_id: Option<String>,
    /// The algorithm used.
    pub algorithm: KeyWrapAlgorithm,
    /// The wrapped key.
    pub encrypted_key: Vec<u8>,
}

/// The result of [`CryptographyClient::unwrap_key`]. The key is never printed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnwrapResult {
    /// The id of the key used, when known.
    pub key_id: Option<String>,
    /// The algorithm used.
    pub algorithm: KeyWrapAlgorithm,
    /// The unwrapped key.
    pub key: SecretBytes,
}

/// The result of [`CryptographyClient::sign`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignResult {
    /// The id of the key used, when known.
    pub key_id: Option<String>,
    /// The algorithm used.
    pub algorithm: SignatureAlgorithm,
    /// The signature: PKCS#1/PSS bytes for RSA, raw `r || s` for ECDSA.
    pub signature: Vec<u8>,
}

/// The result of [`CryptographyClient::verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifyResult {
    /// The id of the key used, when known.
    pub key_id: Option<String>,
    /// The algorithm used.
    pub algorithm: SignatureAlgorithm,
    /// Whether the signature is valid.
    pub is_valid: bool,
}

/// The output of a local encryption.
#[cfg_attr(not(feature = "local-crypto"), allow(dead_code))]
pub(crate) struct Encrypted {
    pub ciphertext: Vec<u8>,
    pub iv: Option<Vec<u8>>,
    pub tag: Option<Vec<u8>>,
}

/// One cryptographic operation and its algorithm.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Op<'a> {
    Encrypt(&'a EncryptionAlgorithm),
    Decrypt(&'a EncryptionAlgorithm),
    WrapKey(&'a KeyWrapAlgorithm),
    UnwrapKey(&'a KeyWrapAlgorithm),
    Sign(&'a SignatureAlgorithm),
    Verify(&'a SignatureAlgorithm),
}

impl Op<'_> {
    /// The `key_ops` entry that permits the operation.
    fn key_operation(&self) -> KeyOperation {
        match self {
            Op::Encrypt(_) => KeyOperation::Encrypt,
            Op::Decrypt(_) => KeyOperation::Decrypt,
            Op::WrapKey(_) => KeyOperation::WrapKey,
            Op::UnwrapKey(_) => KeyOperation::UnwrapKey,
            Op::Sign(_) => KeyOperation::Sign,
            Op::Verify(_) => KeyOperation::Verify,
        }
    }

    /// The operation's name, as in errors.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Op::Encrypt(_) => "encrypt",
            Op::Decrypt(_) => "decrypt",
            Op::WrapKey(_) => "wrap_key",
            Op::UnwrapKey(_) => "unwrap_key",
            Op::Sign(_) => "sign",
            Op::Verify(_) => "verify",
        }
    }

    /// The name of the public operation's tracing span.
    fn span(&self) -> &'static str {
        match self {
            Op::Encrypt(_) => "CryptographyClient.encrypt",
            Op::Decrypt(_) => "CryptographyClient.decrypt",
            Op::WrapKey(_) => "CryptographyClient.wrap_key",
            Op::UnwrapKey(_) => "CryptographyClient.unwrap_key",
            Op::Sign(_) => "CryptographyClient.sign",
            Op::Verify(_) => "CryptographyClient.verify",
        }
    }

    /// The last path segment of the REST operation.
    fn path(&self) -> &'static str {
        match self {
            Op::Encrypt(_) => "encrypt",
            Op::Decrypt(_) => "decrypt",
            Op::WrapKey(_) => "wrapkey",
            Op::UnwrapKey(_) => "unwrapkey",
            Op::Sign(_) => "sign",
            Op::Verify(_) => "verify",
        }
    }

    fn algorithm(&self) -> &str {
        match self {
            Op::Encrypt(a) | Op::Decrypt(a) => a.as_str(),
            Op::WrapKey(a) | Op::UnwrapKey(a) => a.as_str(),
            Op::Sign(a) | Op::Verify(a) => a.as_str(),
        }
    }
}

/// The key as far as it is known: material, validity, and the local implementation.
#[derive(Default)]
struct KeyState {
    /// The key id operations are sent to; versioned once the key has been fetched.
    key_id: Option<KeyVaultKeyIdentifier>,
    jwk: Option<JsonWebKey>,
    enabled: Option<bool>,
    not_before: Option<OffsetDateTime>,
    expires_on: Option<OffsetDateTime>,
    key_size: Option<u32>,
    local: Option<Arc<LocalKey>>,
    /// Done trying to fetch the key: it was given, fetched, or reading it is forbidden.
    initialized: bool,
}

impl KeyState {
    fn from_jwk(jwk: JsonWebKey) -> Self {
        KeyState {
            local: LocalKey::from_jwk(&jwk).map(Arc::new),
            jwk: Some(jwk),
            initialized: true,
            ..Default::default()
        }
    }

    fn from_key(key: KeyVaultKey) -> Result<Self> {
        let id = KeyVaultKeyIdentifier::parse(key.id())?;
        let properties = key.properties;
        Ok(KeyState {
            key_id: Some(id),
            enabled: properties.enabled,
            not_before: properties.not_before,
            expires_on: properties.expires_on,
            key_size: properties.key_size,
            ..KeyState::from_jwk(key.key)
        })
    }
}

struct Inner {
    /// `None` for a local-only client.
    pipeline: Option<KeyVaultPipeline>,
    state: Mutex<KeyState>,
}

/// Where an operation runs.
enum Route {
    Local(Arc<LocalKey>, Option<String>),
    Remote(KeyVaultPipeline, KeyVaultKeyIdentifier),
}

/// Cryptographic operations with one key. Cheap to clone; `Send + Sync`.
///
/// Built from a key id ([`CryptographyClient::new`]), a [`KeyVaultKey`]
/// ([`CryptographyClient::from_key`]), a JSON Web Key alone ([`CryptographyClient::from_jwk`],
/// local only), or [`crate::KeyClient::get_cryptography_client`].
///
/// With the `local-crypto` feature (default), operations run locally when the key material
/// allows, as Python's client does: RSA encrypt, wrap and verify with the public key; EC
/// verify; and with private material RSA decrypt, unwrap and sign, EC sign, AES-CBC(-PAD),
/// AES-GCM and AES key wrap. A client built from a key id fetches the key once, lazily; if
/// reading it is forbidden (403) every operation is sent to the service. Local operations
/// respect the key's `key_ops` and enabled flag, and, as the service does, its not-before and
/// expiry for encrypt, wrap and sign only (decrypt, unwrap and verify keep working outside that
/// window).
///
/// ```no_run
/// use keyvault_keys::{CryptographyClient, EncryptionAlgorithm, ExposeSecret, SignatureAlgorithm};
/// # async fn run(credential: std::sync::Arc<dyn azure_core::credentials::TokenCredential>) -> keyvault_core::Result<()> {
/// let crypto = CryptographyClient::new(
///     "https://my-vault.vault.azure.net/keys/my-rsa-key", credential, None)?;
/// // Encrypted locally with the public key; decrypted by the service.
/// let encrypted = crypto.encrypt(EncryptionAlgorithm::RsaOaep256, b"plaintext", None).await?;
/// let decrypted = crypto.decrypt(EncryptionAlgorithm::RsaOaep256, &encrypted.ciphertext, None).await?;
/// assert_eq!(decrypted.plaintext.expose_secret(), b"plaintext");
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct CryptographyClient {
    inner: Arc<Inner>,
}

impl fmt::Debug for CryptographyClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CryptographyClient")
            .field("vault_url", &self.vault_url())
            .field("local_only", &self.inner.pipeline.is_none())
            .finish()
    }
}

#[derive(Serialize)]
pub(crate) struct KeyOperationsParameters<'a> {
    pub(crate) alg: &'a str,
    #[serde(with = "keyvault_core::serde::base64url")]
    pub(crate) value: &'a [u8],
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "keyvault_core::serde::base64url_option"
    )]
    pub(crate) iv: Option<&'a [u8]>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "keyvault_core::serde::base64url_option"
    )]
    pub(crate) aad: Option<&'a [u8]>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "keyvault_core::serde::base64url_option"
    )]
    pub(crate) tag: Option<&'a [u8]>,
}

#[derive(Serialize)]
pub(crate) struct KeySignParameters<'a> {
    pub(crate) alg: &'a str,
    #[serde(with = "keyvault_core::serde::base64url")]
    pub(crate) value: &'a [u8],
}

#[derive(Serialize)]
pub(crate) struct KeyVerifyParameters<'a> {
    pub(crate) alg: &'a str,
    #[serde(with = "keyvault_core::serde::base64url")]
    pub(crate) digest: &'a [u8],
    #[serde(with = "keyvault_core::serde::base64url")]
    pub(crate) value: &'a [u8],
}

#[derive(Deserialize)]
pub(crate) struct KeyOperationResult {
    #[serde(default)]
    pub(crate) kid: Option<String>,
    /// The algorithm the service used, when it names it (secure unwrap echoes it); otherwise
    /// the result carries the one the caller asked for.
    #[serde(default)]
    alg: Option<String>,
    #[serde(with = "keyvault_core::serde::base64url")]
    pub(crate) value: Vec<u8>,
    #[serde(default, with = "keyvault_core::serde::base64url_option")]
    iv: Option<Vec<u8>>,
    #[serde(default, with = "keyvault_core::serde::base64url_option")]
    tag: Option<Vec<u8>>,
    #[serde(default, with = "keyvault_core::serde::base64url_option")]
    aad: Option<Vec<u8>>,
}

#[derive(Deserialize)]
pub(crate) struct KeyVerifyResult {
    value: bool,
}

impl CryptographyClient {
    /// A client of the key `key_id` (`https://{vault}/keys/{name}[/{version}]`; the latest
    /// version when none is given).
    ///
    /// ```no_run
    /// # fn run(credential: std::sync::Arc<dyn azure_core::credentials::TokenCredential>) -> keyvault_keys::Result<()> {
    /// let crypto = keyvault_keys::CryptographyClient::new(
    ///     "https://my-vault.vault.azure.net/keys/my-key",
    ///     credential,
    ///     None,
    /// )?;
    /// # Ok(()) }
    /// ```
    pub fn new(
        key_id: &str,
        credential: Arc<dyn TokenCredential>,
        options: Option<CryptographyClientOptions>,
    ) -> Result<Self> {
        let id = parse_key_id(key_id)?;
        let pipeline = KeyVaultPipeline::new(
            id.vault_url(),
            credential,
            with_default_version(options),
            env!("CARGO_PKG_NAME"),
            env!("CARGO_PKG_VERSION"),
        )?;
        Ok(Self::remote(pipeline, id, KeyState::default()))
    }

    /// A client of `key`, whose material is used at once (nothing is fetched); operations the
    /// material does not allow locally are sent to the key's vault.
    ///
    /// ```no_run
    /// # async fn run(keys: &keyvault_keys::KeyClient, credential: std::sync::Arc<dyn azure_core::credentials::TokenCredential>) -> keyvault_keys::Result<()> {
    /// let key = keys.get_key("my-key", None).await?;
    /// let crypto = keyvault_keys::CryptographyClient::from_key(key, credential, None)?;
    /// # Ok(()) }
    /// ```
    pub fn from_key(
        key: KeyVaultKey,
        credential: Arc<dyn TokenCredential>,
        options: Option<CryptographyClientOptions>,
    ) -> Result<Self> {
        let id = parse_key_id(key.id())?;
        let pipeline = KeyVaultPipeline::new(
            id.vault_url(),
            credential,
            with_default_version(options),
            env!("CARGO_PKG_NAME"),
            env!("CARGO_PKG_VERSION"),
        )?;
        let state = KeyState::from_key(key)?;
        Ok(Self::remote(pipeline, id, state))
    }

    /// A local-only client of a JSON Web Key: nothing is ever sent. Operations its material
    /// does not allow (or all of them, without the `local-crypto` feature) fail.
    ///
    /// ```no_run
    /// # async fn run(keys: &keyvault_keys::KeyClient) -> keyvault_keys::Result<()> {
    /// use keyvault_keys::{CryptographyClient, EncryptionAlgorithm};
    /// // The public part of a key: it encrypts and verifies, offline.
    /// let public = keys.get_key("my-key", None).await?.key;
    /// let crypto = CryptographyClient::from_jwk(public)?;
    /// let sealed = crypto.encrypt(EncryptionAlgorithm::RsaOaep256, b"data", None).await?;
    /// # Ok(()) }
    /// ```
    pub fn from_jwk(jwk: JsonWebKey) -> Result<Self> {
        if jwk.kty.is_none() {
            return Err(Error::invalid_argument(
                "jwk",
                "the JSON Web Key needs a kty",
            ));
        }
        Ok(CryptographyClient {
            inner: Arc::new(Inner {
                pipeline: None,
                state: Mutex::new(KeyState::from_jwk(jwk)),
            }),
        })
    }

    /// A client sharing `pipeline` (from [`crate::KeyClient::get_cryptography_client`]).
    pub(crate) fn with_pipeline(pipeline: KeyVaultPipeline, key_id: &str) -> Result<Self> {
        let id = parse_key_id(key_id)?;
        Ok(Self::remote(pipeline, id, KeyState::default()))
    }

    fn remote(pipeline: KeyVaultPipeline, id: KeyVaultKeyIdentifier, mut state: KeyState) -> Self {
        if state.key_id.is_none() {
            state.key_id = Some(id);
        }
        CryptographyClient {
            inner: Arc::new(Inner {
                pipeline: Some(pipeline),
                state: Mutex::new(state),
            }),
        }
    }

    /// The vault's URL; `None` for a local-only client.
    ///
    /// ```no_run
    /// # fn run(crypto: &keyvault_keys::CryptographyClient) {
    /// println!("{:?}", crypto.vault_url());
    /// # }
    /// ```
    pub fn vault_url(&self) -> Option<&str> {
        self.inner
            .pipeline
            .as_ref()
            .map(|p| p.vault_url().as_str().trim_end_matches('/'))
    }

    /// Sends a request of your own through this client's pipeline (challenge
    /// authentication, retries, request id) and returns the response whatever its status, for
    /// operations the client does not offer. The URL must point at the key's vault; the
    /// client's API version is added when the URL carries none. A local-only client (from
    /// [`CryptographyClient::from_jwk`]) has no vault: it fails with
    /// [`Error::InvalidArgument`] and sends nothing.
    ///
    /// ```no_run
    /// # async fn run(crypto: &keyvault_keys::CryptographyClient) -> keyvault_keys::Result<()> {
    /// use keyvault_keys::azure_core::http::{Method, Request, Url};
    /// let url = Url::parse(&format!("{}/keys/my-key", crypto.vault_url().unwrap_or_default()))
    ///     .expect("a URL");
    /// let response = crypto.send_request(Request::new(url, Method::Get)).await?;
    /// println!("{}", u16::from(response.status()));
    /// # Ok(()) }
    /// ```
    pub async fn send_request(&self, request: Request) -> Result<RawResponse> {
        match &self.inner.pipeline {
            Some(pipeline) => pipeline.send_request(request).await,
            None => Err(Error::invalid_argument(
                "request",
                "a client built from a JSON Web Key alone has no vault to send to",
            )),
        }
    }

    /// The key id operations use: versioned once the key has been fetched; for a local-only
    /// client, the JSON Web Key's `kid`.
    ///
    /// ```no_run
    /// # async fn run(crypto: &keyvault_keys::CryptographyClient) -> keyvault_keys::Result<()> {
    /// println!("{:?}", crypto.key_id().await);
    /// # Ok(()) }
    /// ```
    pub async fn key_id(&self) -> Option<String> {
        let state = self.state();
        match &state.key_id {
            Some(id) => Some(id.to_string()),
            None => state.jwk.as_ref().and_then(|j| j.kid.clone()),
        }
    }

    /// The key state. The lock is never held across an `await`: operations run concurrently,
    /// and the first fetch of the key holds nobody up.
    fn state(&self) -> MutexGuard<'_, KeyState> {
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Fetches the key, unless it is known or reading it was forbidden. Concurrent first
    /// operations may each fetch it; the first answer is kept. A failure is logged with its
    /// reason and the operation goes to the service: after a 403 (no `keys/get` permission)
    /// or a key id that does not parse, for good; after any other failure, which may be
    /// transient, the next operation tries again.
    async fn initialize(&self, op: Op<'_>, method_options: &ClientMethodOptions<'_>) {
        let (pipeline, id) = {
            let mut state = self.state();
            if state.initialized {
                return;
            }
            match (&self.inner.pipeline, &state.key_id) {
                (Some(pipeline), Some(id)) => {
                    (pipeline.operation(op.span(), method_options), id.clone())
                }
                _ => {
                    state.initialized = true;
                    return;
                }
            }
        };
        let url = pipeline.url(&["keys", id.name(), id.version().unwrap_or_default()]);
        let fetched = pipeline
            .send_json::<KeyVaultKey>(Method::Get, url, None)
            .await
            .and_then(KeyState::from_key);
        let mut state = self.state();
        if state.initialized {
            return;
        }
        match fetched {
            Ok(fetched) => *state = fetched,
            Err(e) if e.is_forbidden() => {
                tracing::debug!(key = %id, "the key cannot be read (403); every operation goes to the service");
                state.initialized = true;
            }
            Err(e @ Error::InvalidArgument { .. }) => {
                tracing::warn!(key = %id, error = %e, "the key the service returned is unusable; every operation goes to the service");
                state.initialized = true;
            }
            Err(e) => {
                tracing::warn!(key = %id, error = %e, "could not read the key; this operation goes to the service, the next one tries again");
            }
        }
    }

    /// The one place that decides where an operation runs. Argument checks that need the key
    /// (its type, curve, AES size) happen here, before anything is sent.
    async fn route(&self, op: Op<'_>, method_options: &ClientMethodOptions<'_>) -> Result<Route> {
        self.initialize(op, method_options).await;
        let state = self.state();
        if let Some(jwk) = &state.jwk {
            validate::check_key(op, jwk, state.key_size)?;
        }
        if let Some(local) = state.local.as_ref().filter(|l| l.supports(op)) {
            let jwk = state.jwk.as_ref();
            if let Some(jwk) = jwk {
                if !jwk.permits(&op.key_operation()) {
                    return Err(Error::cryptography(
                        op.name(),
                        format!(
                            "the key does not permit {} (key_ops: {})",
                            op.key_operation(),
                            jwk.key_ops
                                .iter()
                                .map(KeyOperation::as_str)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                }
            }
            if state.enabled == Some(false) {
                return Err(Error::cryptography(op.name(), "the key is disabled"));
            }
            // Azure Key Vault's "Date-time controlled operations" (About keys): outside its
            // nbf/exp window a key still decrypts, unwraps and verifies, so that data protected
            // while it was valid stays readable; it no longer encrypts, wraps or signs.
            let dated = matches!(op, Op::Encrypt(_) | Op::WrapKey(_) | Op::Sign(_));
            let now = OffsetDateTime::now_utc();
            if let Some(nbf) = state.not_before.filter(|nbf| dated && now < *nbf) {
                return Err(Error::cryptography(
                    op.name(),
                    format!("the key is not valid before {nbf}"),
                ));
            }
            if let Some(exp) = state.expires_on.filter(|exp| dated && now >= *exp) {
                return Err(Error::cryptography(
                    op.name(),
                    format!("the key expired at {exp}"),
                ));
            }
            let kid = state
                .key_id
                .as_ref()
                .map(|id| id.to_string())
                .or_else(|| jwk.and_then(|j| j.kid.clone()));
            return Ok(Route::Local(local.clone(), kid));
        }
        match (&self.inner.pipeline, &state.key_id) {
            (Some(pipeline), Some(id)) => Ok(Route::Remote(
                pipeline.operation(op.span(), method_options),
                id.clone(),
            )),
            _ => Err(Error::cryptography(
                op.name(),
                if cfg!(feature = "local-crypto") {
                    format!(
                        "{} is not possible locally with this key's material, and a client built from a JSON Web Key alone has no vault to ask",
                        op.algorithm()
                    )
                } else {
                    "local cryptography is disabled (the `local-crypto` feature), and a client built from a JSON Web Key alone has no vault to ask".to_string()
                },
            )),
        }
    }

    async fn send<T: serde::de::DeserializeOwned>(
        pipeline: &KeyVaultPipeline,
        id: &KeyVaultKeyIdentifier,
        op: Op<'_>,
        body: Vec<u8>,
    ) -> Result<T> {
        let url = pipeline.url(&[
            "keys",
            id.name(),
            id.version().unwrap_or_default(),
            op.path(),
        ]);
        pipeline.send_json(Method::Post, url, Some(body)).await
    }

    /// Encrypts `plaintext`. RSA algorithms need a plaintext shorter than the modulus less
    /// the padding; AES-CBC (no pad) a multiple of 16 bytes.
    ///
    /// ```no_run
    /// # async fn run(crypto: &keyvault_keys::CryptographyClient) -> keyvault_keys::Result<()> {
    /// use keyvault_keys::EncryptionAlgorithm;
    /// let encrypted = crypto.encrypt(EncryptionAlgorithm::RsaOaep256, b"plaintext", None).await?;
    /// println!("{} bytes with {:?}", encrypted.ciphertext.len(), encrypted.key_id);
    /// # Ok(()) }
    /// ```
    pub async fn encrypt(
        &self,
        algorithm: EncryptionAlgorithm,
        plaintext: &[u8],
        options: Option<EncryptOptions<'_>>,
    ) -> Result<EncryptResult> {
        let options = options.unwrap_or_default();
        validate::encrypt(&algorithm, &options)?;
        let op = Op::Encrypt(&algorithm);
        match self.route(op, &options.method_options).await? {
            Route::Local(local, key_id) => {
                let out = local.encrypt(
                    &algorithm,
                    plaintext,
                    options.iv.as_deref(),
                    options.additional_authenticated_data.as_deref(),
                )?;
                Ok(EncryptResult {
                    key_id,
                    algorithm,
                    ciphertext: out.ciphertext,
                    iv: out.iv,
                    authentication_tag: out.tag,
                    additional_authenticated_data: options.additional_authenticated_data,
                })
            }
            Route::Remote(pipeline, id) => {
                let body = to_json(&KeyOperationsParameters {
                    alg: algorithm.as_str(),
                    value: plaintext,
                    iv: options.iv.as_deref(),
                    aad: options.additional_authenticated_data.as_deref(),
                    tag: None,
                })?;
                let result: KeyOperationResult = Self::send(&pipeline, &id, op, body).await?;
                Ok(EncryptResult {
                    key_id: result.kid,
                    algorithm: result.alg.map(Into::into).unwrap_or(algorithm),
                    ciphertext: result.value,
                    iv: result.iv.or(options.iv),
                    authentication_tag: result.tag,
                    additional_authenticated_data: result
                        .aad
                        .or(options.additional_authenticated_data),
                })
            }
        }
    }

    /// Decrypts `ciphertext`.
    ///
    /// ```no_run
    /// # async fn run(crypto: &keyvault_keys::CryptographyClient) -> keyvault_keys::Result<()> {
    /// use keyvault_keys::{EncryptionAlgorithm, ExposeSecret};
    /// let encrypted = crypto.encrypt(EncryptionAlgorithm::RsaOaep256, b"plaintext", None).await?;
    /// let decrypted = crypto.decrypt(EncryptionAlgorithm::RsaOaep256, &encrypted.ciphertext, None).await?;
    /// assert_eq!(decrypted.plaintext.expose_secret(), b"plaintext");
    /// # Ok(()) }
    /// ```
    pub async fn decrypt(
        &self,
        algorithm: EncryptionAlgorithm,
        ciphertext: &[u8],
        options: Option<DecryptOptions<'_>>,
    ) -> Result<DecryptResult> {
        let options = options.unwrap_or_default();
        validate::decrypt(&algorithm, ciphertext, &options)?;
        let op = Op::Decrypt(&algorithm);
        match self.route(op, &options.method_options).await? {
            Route::Local(local, key_id) => {
                let plaintext = local.decrypt(
                    &algorithm,
                    ciphertext,
                    options.iv.as_deref(),
                    options.authentication_tag.as_deref(),
                    options.additional_authenticated_data.as_deref(),
                )?;
                Ok(DecryptResult {
                    key_id,
                    algorithm,
                    plaintext,
                })
            }
            Route::Remote(pipeline, id) => {
                let body = to_json(&KeyOperationsParameters {
                    alg: algorithm.as_str(),
                    value: ciphertext,
                    iv: options.iv.as_deref(),
                    aad: options.additional_authenticated_data.as_deref(),
                    tag: options.authentication_tag.as_deref(),
                })?;
                let result: KeyOperationResult = Self::send(&pipeline, &id, op, body).await?;
                Ok(DecryptResult {
                    key_id: result.kid,
                    algorithm: result.alg.map(Into::into).unwrap_or(algorithm),
                    plaintext: SecretBytes::new(result.value),
                })
            }
        }
    }

    /// Wraps (encrypts) a key.
    ///
    /// ```no_run
    /// # async fn run(crypto: &keyvault_keys::CryptographyClient) -> keyvault_keys::Result<()> {
    /// use keyvault_keys::KeyWrapAlgorithm;
    /// let data_key = [7u8; 32];
    /// let wrapped = crypto.wrap_key(KeyWrapAlgorithm::RsaOaep256, &data_key, None).await?;
    /// println!("{} bytes", wrapped.encrypted_key.len());
    /// # Ok(()) }
    /// ```
    pub async fn wrap_key(
        &self,
        algorithm: KeyWrapAlgorithm,
        key: &[u8],
        options: Option<WrapKeyOptions<'_>>,
    ) -> Result<WrapResult> {
        let options = options.unwrap_or_default();
        keyvault_core::validation::require_non_empty("key", key)?;
        let op = Op::WrapKey(&algorithm);
        match self.route(op, &options.method_options).await? {
            Route::Local(local, key_id) => Ok(WrapResult {
                encrypted_key: local.wrap_key(&algorithm, key)?,
                key_id,
                algorithm,
            }),
            Route::Remote(pipeline, id) => {
                let body = to_json(&KeyOperationsParameters {
                    alg: algorithm.as_str(),
                    value: key,
                    iv: None,
                    aad: None,
                    tag: None,
                })?;
                let result: KeyOperationResult = Self::send(&pipeline, &id, op, body).await?;
                Ok(WrapResult {
                    key_id: result.kid,
                    algorithm: result.alg.map(Into::into).unwrap_or(algorithm),
                    encrypted_key: result.value,
                })
            }
        }
    }

    /// Unwraps (decrypts) a wrapped key.
    ///
    /// ```no_run
    /// # async fn run(crypto: &keyvault_keys::CryptographyClient) -> keyvault_keys::Result<()> {
    /// use keyvault_keys::{ExposeSecret, KeyWrapAlgorithm};
    /// # let wrapped: Vec<u8> = Vec::new();
    /// let unwrapped = crypto.unwrap_key(KeyWrapAlgorithm::RsaOaep256, &wrapped, None).await?;
    /// println!("{} bytes", unwrapped.key.expose_secret().len());
    /// # Ok(()) }
    /// ```
    pub async fn unwrap_key(
        &self,
        algorithm: KeyWrapAlgorithm,
        encrypted_key: &[u8],
        options: Option<UnwrapKeyOptions<'_>>,
    ) -> Result<UnwrapResult> {
        let options = options.unwrap_or_default();
        keyvault_core::validation::require_non_empty("encrypted_key", encrypted_key)?;
        let op = Op::UnwrapKey(&algorithm);
        match self.route(op, &options.method_options).await? {
            Route::Local(local, key_id) => Ok(UnwrapResult {
                key: local.unwrap_key(&algorithm, encrypted_key)?,
                key_id,
                algorithm,
            }),
            Route::Remote(pipeline, id) => {
                let body = to_json(&KeyOperationsParameters {
                    alg: algorithm.as_str(),
                    value: encrypted_key,
                    iv: None,
                    aad: None,
                    tag: None,
                })?;
                let result: KeyOperationResult = Self::send(&pipeline, &id, op, body).await?;
                Ok(UnwrapResult {
                    key_id: result.kid,
                    algorithm: result.alg.map(Into::into).unwrap_or(algorithm),
                    key: SecretBytes::new(result.value),
                })
            }
        }
    }

    /// Signs a digest (for example the SHA-256 of a message for RS256, PS256, ES256, ES256K).
    ///
    /// ```no_run
    /// # async fn run(crypto: &keyvault_keys::CryptographyClient) -> keyvault_keys::Result<()> {
    /// use keyvault_keys::SignatureAlgorithm;
    /// use sha2::{Digest, Sha256};
    /// let digest = Sha256::digest(b"message");
    /// let signed = crypto.sign(SignatureAlgorithm::Ps256, &digest, None).await?;
    /// println!("{} bytes", signed.signature.len());
    /// # Ok(()) }
    /// ```
    pub async fn sign(
        &self,
        algorithm: SignatureAlgorithm,
        digest: &[u8],
        options: Option<SignOptions<'_>>,
    ) -> Result<SignResult> {
        let options = options.unwrap_or_default();
        validate::digest(&algorithm, digest)?;
        let op = Op::Sign(&algorithm);
        match self.route(op, &options.method_options).await? {
            Route::Local(local, key_id) => Ok(SignResult {
                signature: local.sign(&algorithm, digest)?,
                key_id,
                algorithm,
            }),
            Route::Remote(pipeline, id) => {
                let body = to_json(&KeySignParameters {
                    alg: algorithm.as_str(),
                    value: digest,
                })?;
                let result: KeyOperationResult = Self::send(&pipeline, &id, op, body).await?;
                Ok(SignResult {
                    key_id: result.kid,
                    algorithm: result.alg.map(Into::into).unwrap_or(algorithm),
                    signature: result.value,
                })
            }
        }
    }

    /// Verifies a signature over a digest.
    ///
    /// ```no_run
    /// # async fn run(crypto: &keyvault_keys::CryptographyClient) -> keyvault_keys::Result<()> {
    /// use keyvault_keys::SignatureAlgorithm;
    /// use sha2::{Digest, Sha256};
    /// let digest = Sha256::digest(b"message");
    /// let signed = crypto.sign(SignatureAlgorithm::Ps256, &digest, None).await?;
    /// let verified = crypto.verify(SignatureAlgorithm::Ps256, &digest, &signed.signature, None).await?;
    /// assert!(verified.is_valid);
    /// # Ok(()) }
    /// ```
    pub async fn verify(
        &self,
        algorithm: SignatureAlgorithm,
        digest: &[u8],
        signature: &[u8],
        options: Option<VerifyOptions<'_>>,
    ) -> Result<VerifyResult> {
        let options = options.unwrap_or_default();
        validate::digest(&algorithm, digest)?;
        keyvault_core::validation::require_non_empty("signature", signature)?;
        let op = Op::Verify(&algorithm);
        match self.route(op, &options.method_options).await? {
            Route::Local(local, key_id) => Ok(VerifyResult {
                is_valid: local.verify(&algorithm, digest, signature)?,
                key_id,
                algorithm,
            }),
            Route::Remote(pipeline, id) => {
                let body = to_json(&KeyVerifyParameters {
                    alg: algorithm.as_str(),
                    digest,
                    value: signature,
                })?;
                let result: KeyVerifyResult = Self::send(&pipeline, &id, op, body).await?;
                Ok(VerifyResult {
                    key_id: Some(id.to_string()),
                    algorithm,
                    is_valid: result.value,
                })
            }
        }
    }
}

fn parse_key_id(key_id: &str) -> Result<KeyVaultKeyIdentifier> {
    let id = KeyVaultKeyIdentifier::parse(key_id)?;
    if !id.collection().eq_ignore_ascii_case("keys") {
        return Err(Error::invalid_argument(
            "key_id",
            "must name a key (/keys/...), not a deleted key",
        ));
    }
    Ok(id)
}

/// The request and response bodies, for the wire-fidelity tests.
#[cfg(test)]
pub(crate) mod wire {
    pub(crate) use super::{
        KeyOperationResult, KeyOperationsParameters, KeySignParameters, KeyVerifyParameters,
        KeyVerifyResult,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send<T: Send>(_: &T) {}

    #[test]
    fn clients_and_their_futures_are_send_and_sync() {
        fn send_sync<T: Send + Sync + Clone>() {}
        send_sync::<CryptographyClient>();
        send_sync::<crate::KeyClient>();
        let client = CryptographyClient::from_jwk(JsonWebKey {
            kty: Some(crate::KeyType::Oct),
            k: Some(SecretBytes::new(vec![1; 16])),
            ..Default::default()
        })
        .unwrap();
        send(&client.encrypt(EncryptionAlgorithm::A128Gcm, b"x", None));
        send(&client.decrypt(EncryptionAlgorithm::A128Gcm, b"x", None));
        send(&client.wrap_key(KeyWrapAlgorithm::A128Kw, b"x", None));
        send(&client.unwrap_key(KeyWrapAlgorithm::A128Kw, b"x", None));
        send(&client.sign(SignatureAlgorithm::Es256, b"x", None));
        send(&client.verify(SignatureAlgorithm::Es256, b"x", b"y", None));
        let debug = format!("{client:?}");
        assert!(
            debug.contains("local_only: true") && !debug.contains("[1, 1"),
            "{debug}"
        );
    }
}

/// The options with this crate's default API version when they name none, as `KeyClient` has.
fn with_default_version(options: Option<CryptographyClientOptions>) -> CryptographyClientOptions {
    let mut options = options.unwrap_or_default();
    options
        .api_version
        .get_or_insert(crate::client::DEFAULT_API_VERSION);
    options
}
