//! What the keys surface keeps: key versions and their private material, rotation policies.
//! Their behaviour (JWKs, cryptography, rotation) is in `keys`; so is the serialization of
//! [`Material`] as a private JWK.

use std::collections::{BTreeMap, HashMap};

use rsa::RsaPrivateKey;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use zeroize::Zeroizing;

use crate::storage::store::Store;

/// The keys of one vault and their rotation policies (keyed by lower-cased name).
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct KeyState {
    pub(crate) store: Store<KeyVersion>,
    pub(crate) policies: HashMap<String, RotationPolicy>,
}

/// One version of a key.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct KeyVersion {
    pub(crate) version: String,
    pub(crate) material: Material,
    pub(crate) hsm: bool,
    pub(crate) key_ops: Vec<String>,
    pub(crate) tags: Option<BTreeMap<String, String>>,
    pub(crate) enabled: bool,
    pub(crate) nbf: Option<i64>,
    pub(crate) exp: Option<i64>,
    pub(crate) created: i64,
    pub(crate) updated: i64,
    pub(crate) exportable: Option<bool>,
    pub(crate) release_policy: Option<Value>,
    pub(crate) managed: Option<bool>,
}

/// The private key material of one key version. Its `Debug` never shows the key.
#[derive(Clone)]
pub(crate) enum Material {
    Rsa(Box<RsaPrivateKey>),
    Ec(EcKey),
    Oct(Zeroizing<Vec<u8>>),
}

/// An EC private key of one of the supported curves.
#[derive(Clone)]
pub(crate) enum EcKey {
    P256(p256::SecretKey),
    P256K(k256::SecretKey),
    P384(p384::SecretKey),
    P521(p521::SecretKey),
}

/// One lifetime action.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct LifetimeAction {
    /// `Rotate` or `Notify`.
    pub(crate) action: String,
    pub(crate) time_after_create: Option<String>,
    pub(crate) time_before_expiry: Option<String>,
}

/// A stored rotation policy.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct RotationPolicy {
    pub(crate) actions: Vec<LifetimeAction>,
    pub(crate) expiry_time: Option<String>,
    pub(crate) created: i64,
    pub(crate) updated: i64,
}
