//! Certificate models, as Python's `azure-keyvault-certificates` exposes them.
//!
//! The wire forms (`CertificateBundle`, `CertificateItem`, `DeletedCertificateBundle`,
//! `CertificateOperation`, `IssuerBundle`, `Contacts`, ...) are private; the public models
//! flatten `attributes`, decode bytes and parse ids once.

use crate::{
    identifier::KeyVaultCertificateIdentifier,
    policy::{CertificatePolicy, IssuerParametersWire},
};
use keyvault_core::{
    error::InnerError, string_enum, Attributes, DeletionRecoveryLevel, Error, SecretString,
};
use serde::{Deserialize, Serialize};
use std::{borrow::Cow, collections::HashMap};
use time::OffsetDateTime;
use url::Url;

/// The error of a failed certificate operation: code, message and inner error.
pub type CertificateOperationError = InnerError;

/// The wire form shared by certificate bundles and items, deleted or not.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CertificateWire {
    id: String,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default)]
    sid: Option<String>,
    #[serde(default, with = "keyvault_core::serde::base64url_option")]
    x5t: Option<Vec<u8>>,
    #[serde(default)]
    policy: Option<CertificatePolicy>,
    #[serde(default, with = "keyvault_core::serde::base64_option")]
    cer: Option<Vec<u8>>,
    #[serde(default)]
    attributes: Attributes,
    #[serde(default)]
    tags: Option<HashMap<String, String>>,
    #[serde(default)]
    preserve_cert_order: Option<bool>,
    #[serde(default)]
    recovery_id: Option<String>,
    #[serde(default, with = "keyvault_core::serde::unix_time_option")]
    deleted_date: Option<OffsetDateTime>,
    #[serde(default, with = "keyvault_core::serde::unix_time_option")]
    scheduled_purge_date: Option<OffsetDateTime>,
    #[serde(default)]
    pending: Option<PendingWire>,
    // Sent by API versions 7.3 to 7.5 (see the recordings), absent from later specs.
    #[serde(default)]
    subject: Option<String>,
    #[serde(default)]
    issuer: Option<String>,
    #[serde(default)]
    serialnumber: Option<String>,
}

/// `{"id": "https://{vault}/certificates/{name}/pending"}`: a version still being created.
#[derive(Deserialize)]
pub(crate) struct PendingWire {
    id: String,
}

/// A certificate's metadata: everything but the certificate, its key and its policy.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "CertificateWire")]
#[non_exhaustive]
pub struct CertificateProperties {
    /// The certificate's id, `https://{vault}/certificates/{name}/{version}`.
    pub id: String,
    /// The certificate's name.
    pub name: String,
    /// The version, when the id names one.
    pub version: Option<String>,
    /// The vault's URL.
    pub vault_url: String,
    /// The SHA-1 thumbprint of the X.509 certificate (`x5t`).
    pub x509_thumbprint: Option<Vec<u8>>,
    /// Whether the certificate is enabled.
    pub enabled: Option<bool>,
    /// Not valid before this time.
    pub not_before: Option<OffsetDateTime>,
    /// Not valid after this time.
    pub expires_on: Option<OffsetDateTime>,
    /// When the version was created.
    pub created_on: Option<OffsetDateTime>,
    /// When the version was last updated.
    pub updated_on: Option<OffsetDateTime>,
    /// Days the certificate stays recoverable after deletion.
    pub recoverable_days: Option<i32>,
    /// The recovery level of the vault for this certificate.
    pub recovery_level: Option<DeletionRecoveryLevel>,
    /// Tags.
    pub tags: HashMap<String, String>,
    /// Whether the certificate chain keeps the order it was imported or merged in.
    pub preserve_order: Option<bool>,
}

impl TryFrom<&CertificateWire> for CertificateProperties {
    type Error = Error;

    fn try_from(wire: &CertificateWire) -> Result<Self, Self::Error> {
        let id = KeyVaultCertificateIdentifier::parts(&wire.id)?;
        let a = &wire.attributes;
        Ok(CertificateProperties {
            name: id.name.into_owned(),
            version: id.version.map(Cow::into_owned),
            vault_url: id.vault_url.into_owned(),
            id: wire.id.clone(),
            x509_thumbprint: wire.x5t.clone(),
            enabled: a.enabled,
            not_before: a.not_before,
            expires_on: a.expires_on,
            created_on: a.created_on,
            updated_on: a.updated_on,
            recoverable_days: a.recoverable_days,
            recovery_level: a.recovery_level.clone(),
            tags: wire.tags.clone().unwrap_or_default(),
            preserve_order: wire.preserve_cert_order,
        })
    }
}

impl TryFrom<CertificateWire> for CertificateProperties {
    type Error = Error;

    fn try_from(wire: CertificateWire) -> Result<Self, Self::Error> {
        CertificateProperties::try_from(&wire)
    }
}

/// A certificate: the X.509 certificate (DER), the ids of its key and secret, its policy and
/// its properties. The private key is in the secret ([`KeyVaultCertificate::secret_id`]).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "CertificateWire")]
#[non_exhaustive]
pub struct KeyVaultCertificate {
    /// The certificate's properties.
    pub properties: CertificateProperties,
    /// The id of the certificate's key, `https://{vault}/keys/{name}/{version}`.
    pub key_id: Option<String>,
    /// The id of the certificate's secret (certificate and private key as PKCS#12 or PEM),
    /// `https://{vault}/secrets/{name}/{version}`.
    pub secret_id: Option<String>,
    /// The X.509 certificate, DER encoded; empty while a certificate is still pending.
    pub cer: Vec<u8>,
    /// The certificate's policy, when the service returned it.
    pub policy: Option<CertificatePolicy>,
    /// The id of the operation creating a new version
    /// (`https://{vault}/certificates/{name}/pending`), while one is pending. When the
    /// certificate has no completed version yet, this version is disabled and has no
    /// [`cer`](Self::cer).
    pub pending_operation_id: Option<String>,
    /// The certificate's subject (`CN=...`), when the service names it (API versions 7.3 to
    /// 7.5 do; later ones leave it to the [`cer`](Self::cer)).
    pub subject: Option<String>,
    /// The certificate's issuer, when the service names it (as [`subject`](Self::subject)).
    pub issuer: Option<String>,
    /// The certificate's serial number in hexadecimal, when the service names it (as
    /// [`subject`](Self::subject)).
    pub serial_number: Option<String>,
}

impl KeyVaultCertificate {
    /// The certificate's id.
    pub fn id(&self) -> &str {
        &self.properties.id
    }

    /// The certificate's name.
    pub fn name(&self) -> &str {
        &self.properties.name
    }

    /// The certificate's version.
    pub fn version(&self) -> Option<&str> {
        self.properties.version.as_deref()
    }
}

impl TryFrom<CertificateWire> for KeyVaultCertificate {
    type Error = Error;

    fn try_from(wire: CertificateWire) -> Result<Self, Self::Error> {
        Ok(KeyVaultCertificate {
            properties: CertificateProperties::try_from(&wire)?,
            key_id: wire.kid,
            secret_id: wire.sid,
            cer: wire.cer.unwrap_or_default(),
            policy: wire.policy,
            pending_operation_id: wire.pending.map(|p| p.id),
            subject: wire.subject,
            issuer: wire.issuer,
            serial_number: wire.serialnumber,
        })
    }
}

/// A deleted certificate, recoverable until its scheduled purge date.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "CertificateWire")]
#[non_exhaustive]
pub struct DeletedCertificate {
    /// The certificate's properties.
    pub properties: CertificateProperties,
    /// The id of the certificate's key (not in list items).
    pub key_id: Option<String>,
    /// The id of the certificate's secret (not in list items).
    pub secret_id: Option<String>,
    /// The X.509 certificate, DER encoded (not in list items).
    pub cer: Option<Vec<u8>>,
    /// The certificate's policy (not in list items).
    pub policy: Option<CertificatePolicy>,
    /// The id to recover or purge it by, `https://{vault}/deletedcertificates/{name}`.
    pub recovery_id: Option<String>,
    /// When it was deleted.
    pub deleted_on: Option<OffsetDateTime>,
    /// When it will be purged.
    pub scheduled_purge_date: Option<OffsetDateTime>,
}

impl DeletedCertificate {
    /// The certificate's id.
    pub fn id(&self) -> &str {
        &self.properties.id
    }

    /// The certificate's name.
    pub fn name(&self) -> &str {
        &self.properties.name
    }
}

impl TryFrom<CertificateWire> for DeletedCertificate {
    type Error = Error;

    fn try_from(wire: CertificateWire) -> Result<Self, Self::Error> {
        Ok(DeletedCertificate {
            properties: CertificateProperties::try_from(&wire)?,
            key_id: wire.kid,
            secret_id: wire.sid,
            cer: wire.cer,
            policy: wire.policy,
            recovery_id: wire.recovery_id,
            deleted_on: wire.deleted_date,
            scheduled_purge_date: wire.scheduled_purge_date,
        })
    }
}

string_enum! {
    /// The status of a certificate operation.
    pub enum CertificateOperationStatus {
        /// Still running (or, for the `Unknown` issuer, waiting for a merge).
        InProgress = "inProgress",
        /// The certificate was issued.
        Completed = "completed",
        /// The issuer failed; see [`CertificateOperation::error`].
        Failed = "failed",
        /// The operation was cancelled.
        Cancelled = "cancelled",
    }
}

#[derive(Deserialize)]
pub(crate) struct OperationWire {
    id: String,
    #[serde(default)]
    issuer: Option<IssuerParametersWire>,
    #[serde(default, with = "keyvault_core::serde::base64_option")]
    csr: Option<Vec<u8>>,
    #[serde(default)]
    cancellation_requested: Option<bool>,
    #[serde(default)]
    status: Option<CertificateOperationStatus>,
    #[serde(default)]
    status_details: Option<String>,
    #[serde(default)]
    error: Option<InnerError>,
    #[serde(default)]
    target: Option<String>,
    #[serde(default, rename = "preserveCertOrder")]
    preserve_cert_order: Option<bool>,
    #[serde(default)]
    request_id: Option<String>,
}

/// The pending operation that creates a certificate: its CSR, status and outcome.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "OperationWire")]
#[non_exhaustive]
pub struct CertificateOperation {
    /// The operation's id, `https://{vault}/certificates/{name}/pending`.
    pub id: String,
    /// The certificate's name.
    pub name: String,
    /// The vault's URL.
    pub vault_url: String,
    /// The issuer's name.
    pub issuer_name: Option<String>,
    /// The certificate type, as the issuer provider knows it.
    pub certificate_type: Option<String>,
    /// Whether the certificate is published to certificate transparency logs.
    pub certificate_transparency: Option<bool>,
    /// The certificate signing request (PKCS#10, DER), to be signed by the issuer.
    pub csr: Option<Vec<u8>>,
    /// Whether cancellation was requested.
    pub cancellation_requested: bool,
    /// The status.
    pub status: Option<CertificateOperationStatus>,
    /// Details of the status, in the service's words.
    pub status_details: Option<String>,
    /// The error, when the operation failed.
    pub error: Option<CertificateOperationError>,
    /// The certificate the operation makes, `https://{vault}/certificates/{name}`.
    pub target: Option<String>,
    /// The issuer's request id.
    pub request_id: Option<String>,
    /// Whether the certificate chain keeps the order it is merged in.
    pub preserve_order: Option<bool>,
}

impl CertificateOperation {
    /// The operation an [`Error::OperationEnded`](keyvault_core::Error::OperationEnded) of a
    /// create-certificate poller carries: what the service last said of a failed, cancelled or
    /// otherwise ended operation.
    ///
    /// ```no_run
    /// # async fn run(client: &keyvault_certificates::CertificateClient) -> keyvault_certificates::Result<()> {
    /// use keyvault_certificates::{CertificateOperation, CertificatePolicy};
    /// let policy = CertificatePolicy::default();
    /// match client.begin_create_certificate("c", &policy, None).await?.await {
    ///     Ok(result) => println!("{:?}", result.certificate().map(|c| c.name())),
    ///     Err(err) => match CertificateOperation::from_error(&err) {
    ///         Some(operation) => println!("ended {:?}: {:?}", operation.status, operation.error),
    ///         None => return Err(err),
    ///     },
    /// }
    /// # Ok(()) }
    /// ```
    pub fn from_error(error: &keyvault_core::Error) -> Option<&CertificateOperation> {
        match error {
            keyvault_core::Error::OperationEnded { operation, .. } => operation.downcast_ref(),
            _ => None,
        }
    }

    /// Whether the certificate awaits a CSR signed outside Key Vault (issuer `Unknown`,
    /// still in progress).
    pub fn awaits_merge(&self) -> bool {
        self.status == Some(CertificateOperationStatus::InProgress)
            && self
                .issuer_name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(crate::WellKnownIssuerNames::UNKNOWN))
    }
}

impl TryFrom<OperationWire> for CertificateOperation {
    type Error = Error;

    fn try_from(wire: OperationWire) -> Result<Self, Self::Error> {
        let id = KeyVaultCertificateIdentifier::parts(&wire.id)?;
        let issuer = wire.issuer.unwrap_or_default();
        Ok(CertificateOperation {
            name: id.name.into_owned(),
            vault_url: id.vault_url.into_owned(),
            id: wire.id,
            issuer_name: issuer.name,
            certificate_type: issuer.cty,
            certificate_transparency: issuer.cert_transparency,
            csr: wire.csr,
            cancellation_requested: wire.cancellation_requested.unwrap_or(false),
            status: wire.status,
            status_details: wire.status_details,
            error: wire.error,
            target: wire.target,
            request_id: wire.request_id,
            preserve_order: wire.preserve_cert_order,
        })
    }
}

/// A contact notified about certificate events (expiry, renewal).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateContact {
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// `Contacts`: the body of `PUT /certificates/contacts` and every contacts response.
#[derive(Serialize, Deserialize)]
pub(crate) struct ContactsWire {
    #[serde(default)]
    pub contacts: Option<Vec<CertificateContact>>,
}

/// An administrator of the organization that orders certificates from an issuer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdministratorContact {
    /// First name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "email")]
    pub email: Option<String>,
    /// Phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

#[derive(Serialize, Deserialize, Default)]
pub(crate) struct IssuerCredentialsWire {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pwd: Option<SecretString>,
}

#[derive(Serialize, Deserialize, Default)]
pub(crate) struct OrganizationDetailsWire {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_details: Option<Vec<AdministratorContact>>,
    // Returned by API version 7.3 (see the recordings), never sent.
    #[serde(default, skip_serializing)]
    pub zip: Option<i64>,
}

#[derive(Serialize, Deserialize, Default)]
pub(crate) struct IssuerAttributesWire {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(
        default,
        skip_serializing,
        with = "keyvault_core::serde::unix_time_option"
    )]
    pub created: Option<OffsetDateTime>,
    #[serde(
        default,
        skip_serializing,
        with = "keyvault_core::serde::unix_time_option"
    )]
    pub updated: Option<OffsetDateTime>,
}

/// `IssuerBundle`, `CertificateIssuerItem`, and the bodies of `PUT`/`PATCH
/// /certificates/issuers/{name}` (where `id` is never sent).
#[derive(Serialize, Deserialize, Default)]
pub(crate) struct IssuerWire {
    #[serde(default, skip_serializing)]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<IssuerCredentialsWire>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_details: Option<OrganizationDetailsWire>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<IssuerAttributesWire>,
}

/// The id, name and provider of a certificate issuer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "IssuerWire")]
#[non_exhaustive]
pub struct IssuerProperties {
    /// The issuer's id, `https://{vault}/certificates/issuers/{name}`.
    pub id: String,
    /// The issuer's name.
    pub name: String,
    /// The vault's URL.
    pub vault_url: String,
    /// The issuer provider, for example `DigiCert` or `GlobalSign`.
    pub provider: Option<String>,
}

/// Parses `https://host[:port]/certificates/issuers/{name}` into (vault URL, name).
pub(crate) fn parse_issuer_id(id: &str) -> keyvault_core::Result<(String, String)> {
    let bad = |why: &str| Error::invalid_argument("id", format!("{why}: {id:?}"));
    let url = Url::parse(id).map_err(|_| bad("not a URL"))?;
    if url.scheme() != "https" {
        return Err(bad("not an https URL"));
    }
    let host = url.host_str().ok_or_else(|| bad("no host"))?;
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    match segments.as_slice() {
        [c, i, name]
            if c.eq_ignore_ascii_case("certificates") && i.eq_ignore_ascii_case("issuers") =>
        {
            let vault_url = match url.port() {
                Some(port) => format!("https://{host}:{port}"),
                None => format!("https://{host}"),
            };
            Ok((vault_url, name.to_string()))
        }
        _ => Err(bad("expected /certificates/issuers/{name}")),
    }
}

impl TryFrom<&IssuerWire> for IssuerProperties {
    type Error = Error;

    fn try_from(wire: &IssuerWire) -> Result<Self, Self::Error> {
        let id = wire
            .id
            .clone()
            .ok_or_else(|| Error::invalid_argument("id", "the issuer has no id"))?;
        let (vault_url, name) = parse_issuer_id(&id)?;
        Ok(IssuerProperties {
            id,
            name,
            vault_url,
            provider: wire.provider.clone(),
        })
    }
}

impl TryFrom<IssuerWire> for IssuerProperties {
    type Error = Error;

    fn try_from(wire: IssuerWire) -> Result<Self, Self::Error> {
        IssuerProperties::try_from(&wire)
    }
}

/// A certificate issuer: the provider, the account Key Vault orders certificates with, and
/// the organization's administrators. `Debug` never prints the password.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "IssuerWire")]
#[non_exhaustive]
pub struct CertificateIssuer {
    /// The issuer's id, name, vault and provider.
    pub properties: IssuerProperties,
    /// The account id at the provider.
    pub account_id: Option<String>,
    /// The account password (the service does not return it).
    pub password: Option<SecretString>,
    /// The organization's id at the provider.
    pub organization_id: Option<String>,
    /// The organization's administrators.
    pub admin_contacts: Vec<AdministratorContact>,
    /// The organization's postal code, as the service returns it (`org_details.zip`, read-only;
    /// API version 7.3 sends it, later specs do not define it).
    pub organization_zip: Option<i64>,
    /// Whether the issuer is enabled.
    pub enabled: Option<bool>,
    /// When the issuer was created.
    pub created_on: Option<OffsetDateTime>,
    /// When the issuer was last updated.
    pub updated_on: Option<OffsetDateTime>,
}

impl CertificateIssuer {
    /// The issuer's name.
    pub fn name(&self) -> &str {
        &self.properties.name
    }

    /// The issuer's id.
    pub fn id(&self) -> &str {
        &self.properties.id
    }

    /// The issuer provider.
    pub fn provider(&self) -> Option<&str> {
        self.properties.provider.as_deref()
    }
}

impl TryFrom<IssuerWire> for CertificateIssuer {
    type Error = Error;

    fn try_from(wire: IssuerWire) -> Result<Self, Self::Error> {
        let properties = IssuerProperties::try_from(&wire)?;
        let credentials = wire.credentials.unwrap_or_default();
        let org = wire.org_details.unwrap_or_default();
        let attributes = wire.attributes.unwrap_or_default();
        Ok(CertificateIssuer {
            properties,
            account_id: credentials.account_id,
            password: credentials.pwd,
            organization_id: org.id,
            admin_contacts: org.admin_details.unwrap_or_default(),
            organization_zip: org.zip,
            enabled: attributes.enabled,
            created_on: attributes.created,
            updated_on: attributes.updated,
        })
    }
}

/// Body of `POST /certificates/{name}/create`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CertificateCreateParameters<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<&'a CertificatePolicy>,
    #[serde(skip_serializing_if = "Attributes::is_empty")]
    pub attributes: Attributes,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<&'a HashMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preserve_cert_order: Option<bool>,
}

/// Body of `POST /certificates/{name}/import`. `value` is base64 (PKCS#12) or PEM text.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CertificateImportParameters<'a> {
    pub value: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pwd: Option<&'a SecretString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<&'a CertificatePolicy>,
    #[serde(skip_serializing_if = "Attributes::is_empty")]
    pub attributes: Attributes,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<&'a HashMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preserve_cert_order: Option<bool>,
}

/// Body of `PATCH /certificates/{name}/{version}`.
#[derive(Serialize)]
pub(crate) struct CertificateUpdateParameters<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<&'a CertificatePolicy>,
    #[serde(skip_serializing_if = "Attributes::is_empty")]
    pub attributes: Attributes,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<&'a HashMap<String, String>>,
}

/// Body of `POST /certificates/{name}/pending/merge`: the chain, base64 DER, leaf first.
#[derive(Serialize)]
pub(crate) struct CertificateMergeParameters<'a> {
    pub x5c: Vec<String>,
    #[serde(skip_serializing_if = "Attributes::is_empty")]
    pub attributes: Attributes,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<&'a HashMap<String, String>>,
}

/// Body of `PATCH /certificates/{name}/pending`.
#[derive(Serialize)]
pub(crate) struct CertificateOperationUpdateParameter {
    pub cancellation_requested: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyvault_core::ExposeSecret;

    #[test]
    fn issuer_debug_never_shows_the_password() {
        let issuer: CertificateIssuer = serde_json::from_str(
            r#"{"id":"https://v.vault.azure.net/certificates/issuers/i1","provider":"Test","credentials":{"account_id":"acct","pwd":"hunter2"},"org_details":{"id":"org","admin_details":[{"first_name":"J","email":"j@x"}]},"attributes":{"enabled":true,"created":1482188806}}"#,
        )
        .unwrap();
        assert_eq!(issuer.name(), "i1");
        assert_eq!(issuer.properties.vault_url, "https://v.vault.azure.net");
        assert_eq!(issuer.password.as_ref().unwrap().expose_secret(), "hunter2");
        assert_eq!(issuer.organization_id.as_deref(), Some("org"));
        assert_eq!(issuer.admin_contacts[0].email.as_deref(), Some("j@x"));
        assert!(!format!("{issuer:?}").contains("hunter2"));
    }

    #[test]
    fn issuer_ids_are_checked() {
        assert_eq!(
            parse_issuer_id("https://localhost:8443/certificates/issuers/x").unwrap(),
            ("https://localhost:8443".to_string(), "x".to_string())
        );
        for bad in [
            "https://v.vault.azure.net/certificates/x",
            "http://v.vault.azure.net/certificates/issuers/x",
            "nope",
        ] {
            assert!(parse_issuer_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn operation_flags_a_pending_merge() {
        let op: CertificateOperation = serde_json::from_str(
            r#"{"id":"https://v.vault.azure.net/certificates/c/pending","issuer":{"name":"Unknown","cty":"OV-SSL","cert_transparency":true},"csr":"AQI=","status":"inProgress","error":null}"#,
        )
        .unwrap();
        assert_eq!(op.name, "c");
        assert_eq!(op.csr.as_deref(), Some(&[1u8, 2][..]));
        assert_eq!(op.certificate_type.as_deref(), Some("OV-SSL"));
        assert!(op.awaits_merge());
        assert!(!op.cancellation_requested);
    }

    #[test]
    fn operation_errors_keep_their_chain() {
        let op: CertificateOperation = serde_json::from_str(
            r#"{"id":"https://v.vault.azure.net/certificates/c/pending","status":"failed","error":{"code":"CertificateIssuerError","message":"denied","innererror":{"code":"Inner"}}}"#,
        )
        .unwrap();
        let error = op.error.unwrap();
        assert_eq!(error.code.as_deref(), Some("CertificateIssuerError"));
        assert_eq!(error.inner.unwrap().code.as_deref(), Some("Inner"));
        assert_eq!(op.status, Some(CertificateOperationStatus::Failed));
    }

    #[test]
    fn deleted_list_items_have_no_certificate() {
        let d: DeletedCertificate = serde_json::from_str(
            r#"{"recoveryId":"https://v.vault.azure.net/deletedcertificates/c","deletedDate":1493937659,"scheduledPurgeDate":1501713659,"id":"https://v.vault.azure.net/certificates/c","x5t":"fLi3U52HunIVNXubkEnf8tP6Wbo","attributes":{"enabled":true,"recoveryLevel":"Recoverable+Purgeable"}}"#,
        )
        .unwrap();
        assert_eq!(d.name(), "c");
        assert!(d.cer.is_none());
        assert_eq!(d.deleted_on.unwrap().unix_timestamp(), 1493937659);
        assert_eq!(d.properties.x509_thumbprint.as_ref().unwrap().len(), 20);
    }
}
