//! `CertificatePolicy` and the enums it uses, as Python's `azure-keyvault-certificates` has them.
//!
//! The public policy is flat (Python's shape); the wire form (`key_props`, `secret_props`,
//! `x509_props`, `issuer`, `lifetime_actions`, `attributes`) is private and produced only when
//! serializing, so a policy read from the service and sent back is the same JSON.

use keyvault_core::{string_enum, Error, Result};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

string_enum! {
    /// The format of a certificate's secret (the certificate with its private key).
    pub enum CertificateContentType {
        /// PKCS#12 (PFX), `application/x-pkcs12`.
        Pkcs12 = "application/x-pkcs12",
        /// PEM, `application/x-pem-file`.
        Pem = "application/x-pem-file",
    }
}

string_enum! {
    /// The type of a certificate's key.
    pub enum KeyType {
        /// Elliptic curve.
        Ec = "EC",
        /// Elliptic curve in an HSM.
        EcHsm = "EC-HSM",
        /// RSA.
        Rsa = "RSA",
        /// RSA in an HSM.
        RsaHsm = "RSA-HSM",
        /// Octet sequence (symmetric).
        Oct = "oct",
        /// Octet sequence in an HSM.
        OctHsm = "oct-HSM",
    }
}

string_enum! {
    /// An elliptic curve.
    pub enum KeyCurveName {
        /// NIST P-256.
        P256 = "P-256",
        /// NIST P-384.
        P384 = "P-384",
        /// NIST P-521.
        P521 = "P-521",
        /// SECG secp256k1.
        P256K = "P-256K",
    }
}

string_enum! {
    /// An X.509 key usage.
    pub enum KeyUsageType {
        /// `digitalSignature`.
        DigitalSignature = "digitalSignature",
        /// `nonRepudiation`.
        NonRepudiation = "nonRepudiation",
        /// `keyEncipherment`.
        KeyEncipherment = "keyEncipherment",
        /// `dataEncipherment`.
        DataEncipherment = "dataEncipherment",
        /// `keyAgreement`.
        KeyAgreement = "keyAgreement",
        /// `keyCertSign`.
        KeyCertSign = "keyCertSign",
        /// `cRLSign`.
        CrlSign = "cRLSign",
        /// `encipherOnly`.
        EncipherOnly = "encipherOnly",
        /// `decipherOnly`.
        DecipherOnly = "decipherOnly",
    }
}

string_enum! {
    /// What a lifetime action does.
    pub enum CertificatePolicyAction {
        /// Email the certificate contacts.
        EmailContacts = "EmailContacts",
        /// Renew the certificate.
        AutoRenew = "AutoRenew",
    }
}

/// Issuer names with a meaning of their own.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct WellKnownIssuerNames;

impl WellKnownIssuerNames {
    /// The certificate is signed by its own key.
    pub const SELF: &'static str = "Self";
    /// The certificate is signed outside Key Vault: the create operation stops with a CSR
    /// to be signed and merged with [`crate::CertificateClient::merge_certificate`].
    pub const UNKNOWN: &'static str = "Unknown";
}

/// An action taken at some point of a certificate's lifetime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifetimeAction {
    /// What to do.
    pub action: CertificatePolicyAction,
    /// When this percentage of the lifetime has passed (1 to 99).
    pub lifetime_percentage: Option<i32>,
    /// When this many days are left before expiry.
    pub days_before_expiry: Option<i32>,
}

impl LifetimeAction {
    /// An action with no trigger yet.
    pub fn new(action: CertificatePolicyAction) -> Self {
        LifetimeAction {
            action,
            lifetime_percentage: None,
            days_before_expiry: None,
        }
    }
}

/// How a certificate is made and renewed: issuer, subject and alternative names, key, secret
/// format, validity, key usages and lifetime actions.
///
/// Every field is optional on the wire: a policy read from the service has what the service
/// sent; a policy sent in an update changes only what is set. Creating a certificate needs an
/// issuer and a subject or at least one subject alternative name.
///
/// ```
/// use keyvault_certificates::{CertificateContentType, CertificatePolicy, KeyType};
/// let policy = CertificatePolicy {
///     san_dns_names: Some(vec!["www.contoso.com".into()]),
///     key_type: Some(KeyType::Ec),
///     content_type: Some(CertificateContentType::Pem),
///     validity_in_months: Some(12),
///     ..CertificatePolicy::new("Self", "CN=contoso.com")
/// };
/// assert_eq!(policy.issuer_name.as_deref(), Some("Self"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "PolicyWire", into = "PolicyWire")]
pub struct CertificatePolicy {
    /// The policy's id (read-only).
    pub id: Option<String>,
    /// The issuer: [`WellKnownIssuerNames::SELF`], [`WellKnownIssuerNames::UNKNOWN`] or the
    /// name of an issuer created with [`crate::CertificateClient::create_issuer`].
    pub issuer_name: Option<String>,
    /// The X.500 subject, for example `CN=contoso.com`.
    pub subject: Option<String>,
    /// Subject alternative names: email addresses.
    pub san_emails: Option<Vec<String>>,
    /// Subject alternative names: DNS names.
    pub san_dns_names: Option<Vec<String>>,
    /// Subject alternative names: user principal names.
    pub san_user_principal_names: Option<Vec<String>>,
    /// Subject alternative names: URIs.
    pub san_uris: Option<Vec<String>>,
    /// Subject alternative names: IP addresses (API version 7.6 and later).
    pub san_ip_addresses: Option<Vec<String>>,
    /// Whether the private key can be exported (read through the certificate's secret).
    pub exportable: Option<bool>,
    /// The key type.
    pub key_type: Option<KeyType>,
    /// The key size in bits, for RSA keys (2048, 3072, 4096).
    pub key_size: Option<i32>,
    /// Whether a renewal keeps the same key.
    pub reuse_key: Option<bool>,
    /// The curve, for EC keys.
    pub key_curve_name: Option<KeyCurveName>,
    /// Extended key usages, as OIDs (for example `1.3.6.1.5.5.7.3.1`).
    pub enhanced_key_usage: Option<Vec<String>>,
    /// Key usages.
    pub key_usage: Option<Vec<KeyUsageType>>,
    /// The format of the certificate's secret.
    pub content_type: Option<CertificateContentType>,
    /// Validity in months.
    pub validity_in_months: Option<i32>,
    /// Whether the certificate is a certification authority (the basic constraints extension's
    /// `cA`), as the service returns it (`x509_props.basic_constraints.ca`, read-only: API
    /// versions 7.3 to 7.5 send it, later specs do not define it).
    pub certificate_authority: Option<bool>,
    /// Actions taken during the certificate's lifetime.
    pub lifetime_actions: Option<Vec<LifetimeAction>>,
    /// The certificate type, as the issuer provider knows it (for example `OV-SSL`).
    pub certificate_type: Option<String>,
    /// Whether the certificate is published to certificate transparency logs.
    pub certificate_transparency: Option<bool>,
    /// Whether the policy is enabled.
    pub enabled: Option<bool>,
    /// When the policy was created (read-only).
    pub created_on: Option<OffsetDateTime>,
    /// When the policy was last updated (read-only).
    pub updated_on: Option<OffsetDateTime>,
}

impl CertificatePolicy {
    /// A policy with an issuer and a subject; everything else left to the service's defaults.
    pub fn new(issuer_name: impl Into<String>, subject: impl Into<String>) -> Self {
        CertificatePolicy {
            issuer_name: Some(issuer_name.into()),
            subject: Some(subject.into()),
            ..Default::default()
        }
    }

    /// The default policy of Python's SDK: self-signed, subject `CN=DefaultPolicy`.
    pub fn get_default() -> Self {
        CertificatePolicy::new(WellKnownIssuerNames::SELF, "CN=DefaultPolicy")
    }

    /// Whether the issuer is [`WellKnownIssuerNames::UNKNOWN`] (compared without case).
    pub fn is_unknown_issuer(&self) -> bool {
        self.issuer_name
            .as_deref()
            .is_some_and(|n| n.eq_ignore_ascii_case(WellKnownIssuerNames::UNKNOWN))
    }

    fn has_sans(&self) -> bool {
        [
            &self.san_emails,
            &self.san_dns_names,
            &self.san_user_principal_names,
            &self.san_uris,
            &self.san_ip_addresses,
        ]
        .iter()
        .any(|s| s.as_ref().is_some_and(|v| !v.is_empty()))
    }

    /// Checks what creating a certificate needs: an issuer, and a subject or at least one
    /// subject alternative name.
    pub(crate) fn validate_for_create(&self) -> Result<()> {
        if self
            .issuer_name
            .as_deref()
            .is_none_or(|n| n.trim().is_empty())
        {
            return Err(Error::invalid_argument(
                "policy",
                "issuer_name must be set (\"Self\", \"Unknown\" or an issuer's name)",
            ));
        }
        let has_subject = self
            .subject
            .as_deref()
            .is_some_and(|s| !s.trim().is_empty());
        if !has_subject && !self.has_sans() {
            return Err(Error::invalid_argument(
                "policy",
                "needs a subject or at least one subject alternative name",
            ));
        }
        Ok(())
    }

    /// Whether anything needs API version 7.6 or later.
    pub(crate) fn needs_7_6(&self) -> bool {
        self.san_ip_addresses
            .as_ref()
            .is_some_and(|v| !v.is_empty())
    }
}

// ---- wire form -------------------------------------------------------------------------------

#[derive(Serialize, Deserialize, Default, PartialEq)]
struct KeyPropsWire {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    exportable: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kty: Option<KeyType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key_size: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reuse_key: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    crv: Option<KeyCurveName>,
}

#[derive(Serialize, Deserialize, Default, PartialEq)]
struct SecretPropsWire {
    #[serde(
        default,
        rename = "contentType",
        skip_serializing_if = "Option::is_none"
    )]
    content_type: Option<CertificateContentType>,
}

#[derive(Serialize, Deserialize, Default, PartialEq)]
struct SansWire {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    emails: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dns_names: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    upns: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    uris: Option<Vec<String>>,
    #[serde(
        default,
        rename = "ipAddresses",
        skip_serializing_if = "Option::is_none"
    )]
    ip_addresses: Option<Vec<String>>,
}

#[derive(Serialize, Deserialize, Default, PartialEq)]
struct X509PropsWire {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ekus: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sans: Option<SansWire>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key_usage: Option<Vec<KeyUsageType>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    validity_months: Option<i32>,
    // Returned by API versions 7.3 to 7.5 (see the recordings), never sent: later specs do not
    // define it.
    #[serde(default, skip_serializing)]
    basic_constraints: Option<BasicConstraintsWire>,
}

#[derive(Serialize, Deserialize, Default, PartialEq)]
struct BasicConstraintsWire {
    #[serde(default)]
    ca: Option<bool>,
}

/// `IssuerParameters`, shared with the certificate operation.
#[derive(Serialize, Deserialize, Default, PartialEq, Clone)]
pub(crate) struct IssuerParametersWire {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cty: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert_transparency: Option<bool>,
}

#[derive(Serialize, Deserialize, Default)]
struct TriggerWire {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lifetime_percentage: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    days_before_expiry: Option<i32>,
}

#[derive(Serialize, Deserialize, Default)]
struct ActionWire {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    action_type: Option<CertificatePolicyAction>,
}

#[derive(Serialize, Deserialize, Default)]
struct LifetimeActionWire {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    trigger: Option<TriggerWire>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    action: Option<ActionWire>,
}

/// Policy attributes: only `enabled` is ever sent; the times are read-only.
#[derive(Serialize, Deserialize, Default, PartialEq)]
struct PolicyAttributesWire {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    enabled: Option<bool>,
    #[serde(
        default,
        skip_serializing,
        with = "keyvault_core::serde::unix_time_option"
    )]
    created: Option<OffsetDateTime>,
    #[serde(
        default,
        skip_serializing,
        with = "keyvault_core::serde::unix_time_option"
    )]
    updated: Option<OffsetDateTime>,
}

#[derive(Serialize, Deserialize, Default)]
struct PolicyWire {
    #[serde(default, skip_serializing)]
    id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key_props: Option<KeyPropsWire>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    secret_props: Option<SecretPropsWire>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    x509_props: Option<X509PropsWire>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lifetime_actions: Option<Vec<LifetimeActionWire>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    issuer: Option<IssuerParametersWire>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    attributes: Option<PolicyAttributesWire>,
}

/// `Some(value)` unless it is the all-`None` default.
fn non_empty<T: Default + PartialEq>(value: T) -> Option<T> {
    (value != T::default()).then_some(value)
}

impl From<PolicyWire> for CertificatePolicy {
    fn from(wire: PolicyWire) -> Self {
        let key = wire.key_props.unwrap_or_default();
        let x509 = wire.x509_props.unwrap_or_default();
        let sans = x509.sans.unwrap_or_default();
        let issuer = wire.issuer.unwrap_or_default();
        let attributes = wire.attributes.unwrap_or_default();
        CertificatePolicy {
            id: wire.id,
            issuer_name: issuer.name,
            subject: x509.subject,
            san_emails: sans.emails,
            san_dns_names: sans.dns_names,
            san_user_principal_names: sans.upns,
            san_uris: sans.uris,
            san_ip_addresses: sans.ip_addresses,
            exportable: key.exportable,
            key_type: key.kty,
            key_size: key.key_size,
            reuse_key: key.reuse_key,
            key_curve_name: key.crv,
            enhanced_key_usage: x509.ekus,
            key_usage: x509.key_usage,
            content_type: wire.secret_props.and_then(|s| s.content_type),
            validity_in_months: x509.validity_months,
            certificate_authority: x509.basic_constraints.and_then(|b| b.ca),
            lifetime_actions: wire.lifetime_actions.map(|actions| {
                actions
                    .into_iter()
                    .map(|a| {
                        let trigger = a.trigger.unwrap_or_default();
                        LifetimeAction {
                            action: a
                                .action
                                .and_then(|a| a.action_type)
                                .unwrap_or_else(|| CertificatePolicyAction::Other(String::new())),
                            lifetime_percentage: trigger.lifetime_percentage,
                            days_before_expiry: trigger.days_before_expiry,
                        }
                    })
                    .collect()
            }),
            certificate_type: issuer.cty,
            certificate_transparency: issuer.cert_transparency,
            enabled: attributes.enabled,
            created_on: attributes.created,
            updated_on: attributes.updated,
        }
    }
}

impl From<CertificatePolicy> for PolicyWire {
    fn from(p: CertificatePolicy) -> Self {
        let sans = non_empty(SansWire {
            emails: p.san_emails,
            dns_names: p.san_dns_names,
            upns: p.san_user_principal_names,
            uris: p.san_uris,
            ip_addresses: p.san_ip_addresses,
        });
        PolicyWire {
            id: p.id,
            key_props: non_empty(KeyPropsWire {
                exportable: p.exportable,
                kty: p.key_type,
                key_size: p.key_size,
                reuse_key: p.reuse_key,
                crv: p.key_curve_name,
            }),
            secret_props: non_empty(SecretPropsWire {
                content_type: p.content_type,
            }),
            x509_props: non_empty(X509PropsWire {
                subject: p.subject,
                ekus: p.enhanced_key_usage,
                sans,
                key_usage: p.key_usage,
                validity_months: p.validity_in_months,
                basic_constraints: None,
            }),
            lifetime_actions: p.lifetime_actions.map(|actions| {
                actions
                    .into_iter()
                    .map(|a| LifetimeActionWire {
                        trigger: (a.lifetime_percentage.is_some()
                            || a.days_before_expiry.is_some())
                        .then_some(TriggerWire {
                            lifetime_percentage: a.lifetime_percentage,
                            days_before_expiry: a.days_before_expiry,
                        }),
                        action: Some(ActionWire {
                            action_type: match a.action {
                                CertificatePolicyAction::Other(s) if s.is_empty() => None,
                                action => Some(action),
                            },
                        }),
                    })
                    .collect()
            }),
            issuer: non_empty(IssuerParametersWire {
                name: p.issuer_name,
                cty: p.certificate_type,
                cert_transparency: p.certificate_transparency,
            }),
            attributes: p.enabled.map(|enabled| PolicyAttributesWire {
                enabled: Some(enabled),
                ..Default::default()
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_default_policy_is_pythons() {
        let p = CertificatePolicy::get_default();
        assert_eq!(p.issuer_name.as_deref(), Some("Self"));
        assert_eq!(p.subject.as_deref(), Some("CN=DefaultPolicy"));
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            json!({"issuer":{"name":"Self"},"x509_props":{"subject":"CN=DefaultPolicy"}})
        );
        p.validate_for_create().unwrap();
    }

    #[test]
    fn every_field_round_trips_through_the_wire_form() {
        let wire = json!({
            "key_props": {"exportable": true, "kty": "EC-HSM", "key_size": 256, "reuse_key": true, "crv": "P-256K"},
            "secret_props": {"contentType": "application/x-pem-file"},
            "x509_props": {
                "subject": "CN=a",
                "ekus": ["1.3.6.1.5.5.7.3.1"],
                "sans": {"emails": ["a@b.c"], "dns_names": ["a.b"], "upns": ["u@b"], "uris": ["https://a"], "ipAddresses": ["10.0.0.1"]},
                "key_usage": ["digitalSignature", "cRLSign"],
                "validity_months": 24
            },
            "lifetime_actions": [
                {"trigger": {"days_before_expiry": 30}, "action": {"action_type": "AutoRenew"}},
                {"trigger": {"lifetime_percentage": 90}, "action": {"action_type": "EmailContacts"}}
            ],
            "issuer": {"name": "Unknown", "cty": "OV-SSL", "cert_transparency": false},
            "attributes": {"enabled": false}
        });
        let p: CertificatePolicy = serde_json::from_value(wire.clone()).unwrap();
        assert_eq!(p.key_type, Some(KeyType::EcHsm));
        assert_eq!(p.key_curve_name, Some(KeyCurveName::P256K));
        assert_eq!(p.content_type, Some(CertificateContentType::Pem));
        assert_eq!(
            p.san_ip_addresses.as_deref(),
            Some(&["10.0.0.1".to_string()][..])
        );
        assert_eq!(p.key_usage.as_ref().unwrap()[1], KeyUsageType::CrlSign);
        assert_eq!(
            p.lifetime_actions.as_ref().unwrap()[0].days_before_expiry,
            Some(30)
        );
        assert_eq!(p.certificate_type.as_deref(), Some("OV-SSL"));
        assert_eq!(p.certificate_transparency, Some(false));
        assert!(p.is_unknown_issuer());
        assert!(p.needs_7_6());
        assert_eq!(serde_json::to_value(&p).unwrap(), wire);
    }

    #[test]
    fn read_only_fields_are_read_but_never_sent() {
        let p: CertificatePolicy = serde_json::from_value(json!({
            "id": "https://v.vault.azure.net/certificates/c/policy",
            "issuer": {"name": "Self"},
            "attributes": {"enabled": true, "created": 1482188947, "updated": 1482188948}
        }))
        .unwrap();
        assert_eq!(p.created_on.unwrap().unix_timestamp(), 1482188947);
        assert!(p.id.is_some());
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            json!({"issuer": {"name": "Self"}, "attributes": {"enabled": true}})
        );
    }

    #[test]
    fn create_needs_an_issuer_and_a_subject_or_sans() {
        let no_subject = CertificatePolicy {
            issuer_name: Some("Self".into()),
            ..Default::default()
        };
        let err = no_subject.validate_for_create().unwrap_err();
        assert!(err.to_string().contains("subject"), "{err}");
        let empty_sans = CertificatePolicy {
            san_dns_names: Some(vec![]),
            ..no_subject.clone()
        };
        assert!(empty_sans.validate_for_create().is_err());
        let sans_only = CertificatePolicy {
            san_uris: Some(vec!["https://contoso.com".into()]),
            ..no_subject
        };
        sans_only.validate_for_create().unwrap();
        let no_issuer = CertificatePolicy {
            subject: Some("CN=x".into()),
            ..Default::default()
        };
        let err = no_issuer.validate_for_create().unwrap_err();
        assert!(err.to_string().contains("issuer_name"), "{err}");
    }

    #[test]
    fn unknown_enum_values_are_kept() {
        let p: CertificatePolicy = serde_json::from_value(
            json!({"key_props": {"kty": "PQC"}, "secret_props": {"contentType": "text/weird"}}),
        )
        .unwrap();
        assert_eq!(p.key_type, Some(KeyType::Other("PQC".into())));
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            json!({"key_props": {"kty": "PQC"}, "secret_props": {"contentType": "text/weird"}})
        );
    }
}
