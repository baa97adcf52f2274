//! What the certificates surface keeps: issued versions, pending operations, policies, issuers
//! and contacts. Their behaviour (X.509, PKCS#12, the REST surface) is in `certificates`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::storage::store::Store;

/// The certificates of one vault.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Certificates {
    pub(crate) store: Store<CertVersion>,
    pub(crate) meta: BTreeMap<String, Meta>,
    pub(crate) issuers: BTreeMap<String, Issuer>,
    pub(crate) contacts: Option<Vec<Value>>,
}

/// What a certificate name owns besides its versions: the policy and the last operation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Meta {
    pub(crate) name: String,
    pub(crate) policy: Policy,
    pub(crate) operation: Option<Operation>,
}

/// One issued version of a certificate.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct CertVersion {
    pub(crate) version: String,
    /// DER certificates, the certificate itself first unless the order was preserved.
    pub(crate) chain: Vec<Vec<u8>>,
    /// Index of the certificate itself in `chain`.
    pub(crate) leaf: usize,
    /// The private key (PKCS#8 DER), when the emulator holds it.
    pub(crate) key: Option<Vec<u8>>,
    pub(crate) x5t: String,
    pub(crate) enabled: bool,
    pub(crate) nbf: i64,
    pub(crate) exp: i64,
    pub(crate) created: i64,
    pub(crate) updated: i64,
    pub(crate) tags: BTreeMap<String, String>,
    pub(crate) preserve_cert_order: Option<bool>,
}

impl std::fmt::Debug for CertVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertVersion")
            .field("version", &self.version)
            .field("x5t", &self.x5t)
            .field("key", &self.key.as_ref().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

impl Drop for CertVersion {
    fn drop(&mut self) {
        if let Some(key) = self.key.as_mut() {
            zeroize::Zeroize::zeroize(key);
        }
    }
}

/// A pending certificate operation.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct Operation {
    pub(crate) request_id: String,
    /// The id a certificate whose only version is pending is read under. (The completed version
    /// gets an id of its own, as in the service's recordings.)
    #[serde(default)]
    pub(crate) version: String,
    /// The policy the operation was started with.
    pub(crate) policy: Policy,
    pub(crate) csr: Vec<u8>,
    /// The pending private key (PKCS#8 DER); dropped when the operation ends.
    pub(crate) key: Option<Vec<u8>>,
    pub(crate) cancellation_requested: bool,
    pub(crate) status: String,
    pub(crate) status_details: Option<String>,
    pub(crate) error: Option<Value>,
    pub(crate) completed: bool,
    pub(crate) ready_at_ms: i128,
    pub(crate) enabled: Option<bool>,
    pub(crate) tags: Option<BTreeMap<String, String>>,
    pub(crate) preserve_cert_order: Option<bool>,
}

impl std::fmt::Debug for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Operation")
            .field("request_id", &self.request_id)
            .field("status", &self.status)
            .field("key", &self.key.as_ref().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

impl Drop for Operation {
    fn drop(&mut self) {
        if let Some(key) = self.key.as_mut() {
            zeroize::Zeroize::zeroize(key);
        }
    }
}

/// A stored issuer.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct Issuer {
    pub(crate) name: String,
    pub(crate) provider: String,
    pub(crate) account_id: Option<String>,
    pub(crate) password: Option<String>,
    pub(crate) org_details: Option<Value>,
    pub(crate) enabled: bool,
    pub(crate) created: i64,
    pub(crate) updated: i64,
}

impl std::fmt::Debug for Issuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issuer")
            .field("name", &self.name)
            .field("provider", &self.provider)
            .field("account_id", &self.account_id)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

/// A certificate policy, as sent and as stored.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Policy {
    #[serde(default)]
    pub(crate) key_props: KeyProps,
    #[serde(default)]
    pub(crate) secret_props: SecretProps,
    #[serde(default)]
    pub(crate) x509_props: X509Props,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) lifetime_actions: Option<Vec<Value>>,
    #[serde(default)]
    pub(crate) issuer: IssuerParams,
    #[serde(default)]
    pub(crate) attributes: PolicyAttributes,
    #[serde(rename = "platformManaged", skip_serializing_if = "Option::is_none")]
    pub(crate) platform_managed: Option<Value>,
}

/// `key_props`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct KeyProps {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) exportable: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) kty: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) key_size: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) reuse_key: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) crv: Option<String>,
}

/// `secret_props`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct SecretProps {
    #[serde(rename = "contentType", skip_serializing_if = "Option::is_none")]
    pub(crate) content_type: Option<String>,
}

/// `x509_props`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct X509Props {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) ekus: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) sans: Option<Sans>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) key_usage: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) validity_months: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) basic_constraints: Option<Value>,
}

/// `x509_props.sans`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Sans {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) emails: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) dns_names: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) upns: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) uris: Option<Vec<String>>,
    #[serde(rename = "ipAddresses", skip_serializing_if = "Option::is_none")]
    pub(crate) ip_addresses: Option<Vec<String>>,
}

/// `issuer`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct IssuerParams {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) cty: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) cert_transparency: Option<bool>,
}

/// Policy `attributes` (only `enabled` is writable).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct PolicyAttributes {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) created: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) updated: Option<i64>,
}
