//! `CertificateClient`: every operation of the certificates data plane.

use crate::{
    create::{CreateCertificate, CreateCertificateResult},
    formats,
    models::{
        AdministratorContact, CertificateContact, CertificateCreateParameters,
        CertificateImportParameters, CertificateIssuer, CertificateMergeParameters,
        CertificateOperation, CertificateOperationUpdateParameter, CertificateProperties,
        CertificateUpdateParameters, ContactsWire, DeletedCertificate, IssuerAttributesWire,
        IssuerCredentialsWire, IssuerProperties, IssuerWire, KeyVaultCertificate,
        OrganizationDetailsWire,
    },
    policy::{CertificateContentType, CertificatePolicy},
};
use azure_core::http::Method;
use keyvault_core::ExposeSecret;
use keyvault_core::{
    lifecycle,
    paging::first_page_url,
    pipeline::to_json,
    polling::{begin_delete, begin_recover},
    validation::{validate_name, validate_version},
    ApiVersion, Attributes, Error, KeyVaultPipeline, ListOptions, Pager, Poller, Result,
    SecretBytes, SecretString,
};
use std::collections::HashMap;

/// Options of [`CertificateClient::new`]: API version, `azure_core` client options (retry,
/// transport, user agent) and `verify_challenge_resource`.
pub type CertificateClientOptions = keyvault_core::ClientOptions;

keyvault_core::method_options! {
    /// Options of [`CertificateClient::begin_create_certificate`].
    poller pub struct BeginCreateCertificateOptions {
        /// Whether the certificate is enabled.
        pub enabled: Option<bool>,
        /// Tags.
        pub tags: Option<HashMap<String, String>>,
        /// Keep the order of the certificate chain as issued (API version 7.6 and later).
        pub preserve_cert_order: Option<bool>,
    }

    /// Options of [`CertificateClient::get_certificate`].
    pub struct GetCertificateOptions {}

    /// Options of [`CertificateClient::get_certificate_version`].
    pub struct GetCertificateVersionOptions {}

    /// Options of [`CertificateClient::import_certificate`].
    pub struct ImportCertificateOptions {
        /// The password of a PKCS#12 archive. Never printed.
        pub password: Option<SecretString>,
        /// The policy. Without one, the content type is taken from the bytes (PKCS#12 or PEM).
        pub policy: Option<CertificatePolicy>,
        /// Whether the certificate is enabled.
        pub enabled: Option<bool>,
        /// Tags.
        pub tags: Option<HashMap<String, String>>,
        /// Keep the order of the certificate chain as imported (API version 7.6 and later).
        pub preserve_cert_order: Option<bool>,
    }

    /// Options of [`CertificateClient::merge_certificate`].
    pub struct MergeCertificateOptions {
        /// Whether the certificate is enabled.
        pub enabled: Option<bool>,
        /// Tags.
        pub tags: Option<HashMap<String, String>>,
    }

    /// Options of [`CertificateClient::get_certificate_policy`].
    pub struct GetCertificatePolicyOptions {}

    /// Options of [`CertificateClient::update_certificate_policy`].
    pub struct UpdateCertificatePolicyOptions {}

    /// Options of [`CertificateClient::update_certificate_properties`]: only what is set changes.
    pub struct UpdateCertificatePropertiesOptions {
        /// The version to update; the latest when `None`.
        pub version: Option<String>,
        /// Enable or disable the certificate.
        pub enabled: Option<bool>,
        /// New tags, replacing the old ones.
        pub tags: Option<HashMap<String, String>>,
    }

    /// Options of [`CertificateClient::get_certificate_operation`].
    pub struct GetCertificateOperationOptions {}

    /// Options of [`CertificateClient::cancel_certificate_operation`].
    pub struct CancelCertificateOperationOptions {}

    /// Options of [`CertificateClient::delete_certificate_operation`].
    pub struct DeleteCertificateOperationOptions {}

    /// Options of [`CertificateClient::begin_delete_certificate`].
    poller pub struct BeginDeleteCertificateOptions {}

    /// Options of [`CertificateClient::get_deleted_certificate`].
    pub struct GetDeletedCertificateOptions {}

    /// Options of [`CertificateClient::purge_deleted_certificate`].
    pub struct PurgeDeletedCertificateOptions {}

    /// Options of [`CertificateClient::begin_recover_deleted_certificate`].
    poller pub struct BeginRecoverDeletedCertificateOptions {}

    /// Options of [`CertificateClient::list_deleted_certificates`].
    list pub struct ListDeletedCertificatesOptions {
        /// Include certificates that are not fully provisioned yet (`includePending`).
        pub include_pending: Option<bool>,
    }

    /// Options of [`CertificateClient::list_properties_of_certificates`].
    list pub struct ListPropertiesOfCertificatesOptions {
        /// Include certificates that are not fully provisioned yet (`includePending`).
        pub include_pending: Option<bool>,
    }

    /// Options of [`CertificateClient::list_properties_of_certificate_versions`].
    list pub struct ListPropertiesOfCertificateVersionsOptions {}

    /// Options of [`CertificateClient::backup_certificate`].
    pub struct BackupCertificateOptions {}

    /// Options of [`CertificateClient::restore_certificate_backup`].
    pub struct RestoreCertificateBackupOptions {}

    /// Options of [`CertificateClient::set_contacts`].
    pub struct SetContactsOptions {}

    /// Options of [`CertificateClient::get_contacts`].
    pub struct GetContactsOptions {}

    /// Options of [`CertificateClient::delete_contacts`].
    pub struct DeleteContactsOptions {}

    /// Options of [`CertificateClient::create_issuer`].
    pub struct CreateIssuerOptions {
        /// Whether the issuer is enabled.
        pub enabled: Option<bool>,
        /// The account id at the provider.
        pub account_id: Option<String>,
        /// The account password. Never printed.
        pub password: Option<SecretString>,
        /// The organization's id at the provider.
        pub organization_id: Option<String>,
        /// The organization's administrators.
        pub admin_contacts: Option<Vec<AdministratorContact>>,
    }

    /// Options of [`CertificateClient::get_issuer`].
    pub struct GetIssuerOptions {}

    /// Options of [`CertificateClient::update_issuer`]: only what is set changes.
    pub struct UpdateIssuerOptions {
        /// A new provider.
        pub provider: Option<String>,
        /// Enable or disable the issuer.
        pub enabled: Option<bool>,
        /// A new account id.
        pub account_id: Option<String>,
        /// A new account password. Never printed.
        pub password: Option<SecretString>,
        /// A new organization id.
        pub organization_id: Option<String>,
        /// New administrators.
        pub admin_contacts: Option<Vec<AdministratorContact>>,
    }

    /// Options of [`CertificateClient::delete_issuer`].
    pub struct DeleteIssuerOptions {}

    /// Options of [`CertificateClient::list_properties_of_issuers`].
    list pub struct ListPropertiesOfIssuersOptions {}
}

/// A client of the certificates, issuers and contacts of one vault. Cheap to clone;
/// `Send + Sync`.
///
/// ```no_run
/// use keyvault_certificates::{CertificateClient, CertificatePolicy};
/// # async fn run(credential: std::sync::Arc<dyn azure_core::credentials::TokenCredential>) -> keyvault_core::Result<()> {
/// let client = CertificateClient::new("https://my-vault.vault.azure.net", credential, None)?;
/// let policy = CertificatePolicy::get_default();
/// let certificate = client
///     .begin_create_certificate("web", &policy, None)
///     .await?
///     .await?
///     .into_certificate()?;
/// println!("{} issued, {} bytes of DER", certificate.name(), certificate.cer.len());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct CertificateClient {
    pipeline: KeyVaultPipeline,
}

const CERTIFICATES: &str = "certificates";
const DELETED: &str = "deletedcertificates";
const ISSUERS: &str = "issuers";
const CONTACTS: &str = "contacts";

fn settable(enabled: Option<bool>) -> Attributes {
    Attributes::settable(enabled, None, None)
}

/// Issuer names follow the same rule as certificate names.
fn validate_issuer_name(name: &str) -> Result<()> {
    validate_name("issuer_name", name)
}

keyvault_core::vault_client!(
    CertificateClient,
    CertificateClientOptions,
    "https://{vault}.vault.azure.net",
    default_api_version = keyvault_core::ApiVersion::V2026_04_01,
    new {
        ///
        /// ```no_run
        /// use keyvault_certificates::{CertificateClient, CertificateClientOptions};
        /// # fn run() -> Result<(), Box<dyn std::error::Error>> {
        /// let credential = azure_identity::DeveloperToolsCredential::new(None)?;
        /// let client = CertificateClient::new("https://my-vault.vault.azure.net", credential.clone(), None)?;
        ///
        /// // With azure_core's options (retries, transport, tracing) and another API version.
        /// let options = CertificateClientOptions {
        ///     api_version: Some(keyvault_certificates::ApiVersion::V2026_04_01),
        ///     ..Default::default()
        /// };
        /// let client = CertificateClient::new("https://my-vault.vault.azure.net", credential, Some(options))?;
        /// # Ok(()) }
        /// ```
    }
    vault_url {
        ///
        /// ```no_run
        /// # fn run(client: &keyvault_certificates::CertificateClient) {
        /// assert_eq!(client.vault_url(), "https://my-vault.vault.azure.net");
        /// # }
        /// ```
    }
    api_version {
        ///
        /// ```no_run
        /// # fn run(client: &keyvault_certificates::CertificateClient) {
        /// println!("api-version={}", client.api_version());
        /// # }
        /// ```
    }
    send_request {
        ///
        /// ```no_run
        /// use keyvault_certificates::azure_core::http::{Method, Request, Url};
        /// # async fn run(client: &keyvault_certificates::CertificateClient) -> Result<(), Box<dyn std::error::Error>> {
        /// let url = Url::parse(&format!("{}/certificates/my-certificate", client.vault_url()))?;
        /// let response = client.send_request(Request::new(url, Method::Get)).await?;
        /// println!("status {:?}", response.status());
        /// # Ok(()) }
        /// ```
    }
);

impl CertificateClient {
    fn require_preserve_order(&self, preserve: Option<bool>) -> Result<()> {
        if preserve.is_some() {
            self.pipeline
                .require(&ApiVersion::V7_6, "preserve_cert_order")?;
        }
        Ok(())
    }

    fn require_policy(&self, policy: Option<&CertificatePolicy>) -> Result<()> {
        if policy.is_some_and(CertificatePolicy::needs_7_6) {
            self.pipeline
                .require(&ApiVersion::V7_6, "san_ip_addresses")?;
        }
        Ok(())
    }

    /// Creates a certificate (or a new version of one) and returns a poller over the pending
    /// operation (`GET /certificates/{name}/pending`).
    ///
    /// Awaiting the poller gives a [`CreateCertificateResult`]:
    /// [`Issued`](CreateCertificateResult::Issued) with the certificate once the operation
    /// completed, or, when the policy's issuer is `Unknown`,
    /// [`AwaitingMerge`](CreateCertificateResult::AwaitingMerge) with the operation and its
    /// CSR. Any status but `inProgress` ends the poll, as in Python: a failed, cancelled or
    /// unknown one is an [`Error::OperationEnded`] carrying the operation
    /// ([`crate::CertificateOperation::from_error`]). Use [`CreateCertificateResult::into_certificate`] when you expect an
    /// issued certificate.
    ///
    /// The policy needs an issuer and a subject or a subject alternative name. With
    /// `options.continuation_token` set, nothing is created: the poller resumes and the
    /// policy is not used.
    ///
    /// ```no_run
    /// use keyvault_certificates::{CertificatePolicy, WellKnownIssuerNames};
    /// # use keyvault_certificates::CertificateClient;
    /// # async fn run(client: &CertificateClient) -> keyvault_core::Result<()> {
    /// let policy = CertificatePolicy {
    ///     san_dns_names: Some(vec!["www.contoso.com".into()]),
    ///     validity_in_months: Some(12),
    ///     ..CertificatePolicy::new(WellKnownIssuerNames::SELF, "CN=contoso.com")
    /// };
    /// let certificate = client
    ///     .begin_create_certificate("web", &policy, None)
    ///     .await?
    ///     .await?
    ///     .into_certificate()?;
    /// println!("issued {:?}", certificate.version());
    /// # Ok(()) }
    /// ```
    pub async fn begin_create_certificate(
        &self,
        name: &str,
        policy: &CertificatePolicy,
        options: Option<BeginCreateCertificateOptions<'_>>,
    ) -> Result<Poller<CreateCertificateResult>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "CertificateClient.begin_create_certificate",
            &options.method_options,
        );
        validate_name("name", name)?;
        let operation = match &options.continuation_token {
            Some(token) => CreateCertificate::from_continuation_token(&pipeline, token)?,
            None => {
                policy.validate_for_create()?;
                self.require_policy(Some(policy))?;
                self.require_preserve_order(options.preserve_cert_order)?;
                let body = to_json(&CertificateCreateParameters {
                    policy: Some(policy),
                    attributes: settable(options.enabled),
                    tags: options.tags.as_ref(),
                    preserve_cert_order: options.preserve_cert_order,
                })?;
                let initial: CertificateOperation = pipeline
                    .send_json(
                        Method::Post,
                        pipeline.url(&[CERTIFICATES, name, "create"]),
                        Some(body),
                    )
                    .await?;
                CreateCertificate::new(&pipeline, name, Some(initial))
            }
        };
        Ok(Poller::new(pipeline.clone(), operation).with_options(&options.poller_options()))
    }

    /// Gets the latest version of a certificate, with its policy.
    ///
    /// ```no_run
    /// # use keyvault_certificates::CertificateClient;
    /// # async fn run(client: &CertificateClient) -> keyvault_core::Result<()> {
    /// let certificate = client.get_certificate("web", None).await?;
    /// println!("{} bytes of DER, policy {:?}", certificate.cer.len(), certificate.policy);
    /// # Ok(()) }
    /// ```
    pub async fn get_certificate(
        &self,
        name: &str,
        options: Option<GetCertificateOptions<'_>>,
    ) -> Result<KeyVaultCertificate> {
        let options = options.unwrap_or_default();
        let pipeline = self
            .pipeline
            .operation("CertificateClient.get_certificate", &options.method_options);
        validate_name("name", name)?;
        pipeline
            .send_json(Method::Get, pipeline.url(&[CERTIFICATES, name]), None)
            .await
    }

    /// Gets one version of a certificate.
    ///
    /// ```no_run
    /// # use keyvault_certificates::CertificateClient;
    /// # async fn run(client: &CertificateClient) -> keyvault_core::Result<()> {
    /// let certificate = client
    ///     .get_certificate_version("web", "0123456789abcdef0123456789abcdef", None)
    ///     .await?;
    /// println!("{:?}", certificate.properties.x509_thumbprint);
    /// # Ok(()) }
    /// ```
    pub async fn get_certificate_version(
        &self,
        name: &str,
        version: &str,
        options: Option<GetCertificateVersionOptions<'_>>,
    ) -> Result<KeyVaultCertificate> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "CertificateClient.get_certificate_version",
            &options.method_options,
        );
        validate_name("name", name)?;
        validate_version("version", version)?;
        if version.is_empty() {
            return Err(Error::invalid_argument(
                "version",
                "must not be empty (use get_certificate for the latest)",
            ));
        }
        pipeline
            .send_json(
                Method::Get,
                pipeline.url(&[CERTIFICATES, name, version]),
                None,
            )
            .await
    }

    /// Imports a certificate with its private key: a PKCS#12 (PFX) archive, with or without
    /// password, or PEM text holding the key and at least one `CERTIFICATE` block.
    ///
    /// The bytes are checked before sending: anything that is neither PKCS#12 nor PEM with a
    /// certificate is an [`Error::InvalidArgument`]. A wrong password is found by the service.
    /// Without a policy content type, the bytes' format is sent as the content type.
    ///
    /// ```no_run
    /// use keyvault_certificates::{ImportCertificateOptions, SecretString};
    /// # use keyvault_certificates::CertificateClient;
    /// # async fn run(client: &CertificateClient) -> keyvault_core::Result<()> {
    /// let pfx = std::fs::read("web.pfx").expect("a PKCS#12 file");
    /// let options = ImportCertificateOptions {
    ///     password: Some(SecretString::new("pfx-password")),
    ///     ..Default::default()
    /// };
    /// let certificate = client.import_certificate("web", &pfx, Some(options)).await?;
    /// println!("imported {:?}", certificate.version());
    /// # Ok(()) }
    /// ```
    pub async fn import_certificate(
        &self,
        name: &str,
        certificate_bytes: &[u8],
        options: Option<ImportCertificateOptions<'_>>,
    ) -> Result<KeyVaultCertificate> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "CertificateClient.import_certificate",
            &options.method_options,
        );
        validate_name("name", name)?;
        let format = formats::detect("certificate_bytes", certificate_bytes)?;
        let mut policy = options.policy.clone();
        match policy.as_ref().and_then(|p| p.content_type.as_ref()) {
            Some(declared @ (CertificateContentType::Pkcs12 | CertificateContentType::Pem))
                if *declared != format.content_type() =>
            {
                return Err(Error::invalid_argument(
                    "certificate_bytes",
                    format!(
                        "the policy says {declared} but the bytes are {}",
                        format.content_type()
                    ),
                ));
            }
            Some(_) => {}
            None if format == formats::Format::Pem => {
                // The service reads the value as base64 PKCS#12 unless told it is PEM.
                let p = policy.get_or_insert_with(CertificatePolicy::default);
                p.content_type = Some(CertificateContentType::Pem);
            }
            None => {}
        }
        self.require_policy(policy.as_ref())?;
        self.require_preserve_order(options.preserve_cert_order)?;
        let value = match format {
            formats::Format::Pem => SecretString::new(
                std::str::from_utf8(certificate_bytes)
                    .map_err(|_| Error::invalid_argument("certificate_bytes", "not UTF-8"))?,
            ),
            formats::Format::Pkcs12 => {
                SecretString::new(keyvault_core::serde::base64::encode(certificate_bytes))
            }
        };
        let body = to_json(&CertificateImportParameters {
            value: value.expose_secret(),
            pwd: options.password.as_ref(),
            policy: policy.as_ref(),
            attributes: settable(options.enabled),
            tags: options.tags.as_ref(),
            preserve_cert_order: options.preserve_cert_order,
        })?;
        pipeline
            .send_json(
                Method::Post,
                pipeline.url(&[CERTIFICATES, name, "import"]),
                Some(body),
            )
            .await
    }

    /// Merges the certificate (or chain) signed by your CA into a pending certificate whose
    /// issuer is `Unknown`. Each element is one DER certificate or PEM text with
    /// `CERTIFICATE` blocks; the leaf comes first.
    ///
    /// ```no_run
    /// # use keyvault_certificates::CertificateClient;
    /// # async fn run(client: &CertificateClient) -> keyvault_core::Result<()> {
    /// // The certificate your CA signed from the pending operation's CSR, then the CA's.
    /// let signed = std::fs::read("web.cer").expect("DER");
    /// let ca = std::fs::read("ca.cer").expect("DER");
    /// let certificate = client.merge_certificate("web", &[signed, ca], None).await?;
    /// println!("merged {:?}", certificate.version());
    /// # Ok(()) }
    /// ```
    pub async fn merge_certificate(
        &self,
        name: &str,
        x509_certificates: &[Vec<u8>],
        options: Option<MergeCertificateOptions<'_>>,
    ) -> Result<KeyVaultCertificate> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "CertificateClient.merge_certificate",
            &options.method_options,
        );
        validate_name("name", name)?;
        if x509_certificates.is_empty() {
            return Err(Error::invalid_argument(
                "x509_certificates",
                "must hold at least one certificate",
            ));
        }
        let mut x5c = Vec::new();
        for part in x509_certificates {
            for der in formats::chain_part("x509_certificates", part)? {
                x5c.push(keyvault_core::serde::base64::encode(&der));
            }
        }
        let body = to_json(&CertificateMergeParameters {
            x5c,
            attributes: settable(options.enabled),
            tags: options.tags.as_ref(),
        })?;
        pipeline
            .send_json(
                Method::Post,
                pipeline.url(&[CERTIFICATES, name, "pending", "merge"]),
                Some(body),
            )
            .await
    }

    /// Gets a certificate's policy.
    ///
    /// ```no_run
    /// # use keyvault_certificates::CertificateClient;
    /// # async fn run(client: &CertificateClient) -> keyvault_core::Result<()> {
    /// let policy = client.get_certificate_policy("web", None).await?;
    /// println!("issuer {:?}, valid {:?} months", policy.issuer_name, policy.validity_in_months);
    /// # Ok(()) }
    /// ```
    pub async fn get_certificate_policy(
        &self,
        name: &str,
        options: Option<GetCertificatePolicyOptions<'_>>,
    ) -> Result<CertificatePolicy> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "CertificateClient.get_certificate_policy",
            &options.method_options,
        );
        validate_name("name", name)?;
        pipeline
            .send_json(
                Method::Get,
                pipeline.url(&[CERTIFICATES, name, "policy"]),
                None,
            )
            .await
    }

    /// Updates a certificate's policy; what the policy leaves unset is unchanged. The new
    /// policy applies from the next version (renewal or create).
    ///
    /// ```no_run
    /// # use keyvault_certificates::CertificateClient;
    /// # async fn run(client: &CertificateClient) -> keyvault_core::Result<()> {
    /// let mut policy = client.get_certificate_policy("web", None).await?;
    /// policy.validity_in_months = Some(24);
    /// let policy = client.update_certificate_policy("web", &policy, None).await?;
    /// println!("{:?}", policy.validity_in_months);
    /// # Ok(()) }
    /// ```
    pub async fn update_certificate_policy(
        &self,
        name: &str,
        policy: &CertificatePolicy,
        options: Option<UpdateCertificatePolicyOptions<'_>>,
    ) -> Result<CertificatePolicy> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "CertificateClient.update_certificate_policy",
            &options.method_options,
        );
        validate_name("name", name)?;
        self.require_policy(Some(policy))?;
        pipeline
            .send_json(
                Method::Patch,
                pipeline.url(&[CERTIFICATES, name, "policy"]),
                Some(to_json(policy)?),
            )
            .await
    }

    /// Updates a certificate version's properties (enabled, tags).
    ///
    /// ```no_run
    /// use keyvault_certificates::{UpdateCertificatePropertiesOptions};
    /// # use keyvault_certificates::CertificateClient;
    /// # async fn run(client: &CertificateClient) -> keyvault_core::Result<()> {
    /// let options = UpdateCertificatePropertiesOptions {
    ///     enabled: Some(false),
    ///     ..Default::default()
    /// };
    /// let certificate = client.update_certificate_properties("web", Some(options)).await?;
    /// println!("enabled: {:?}", certificate.properties.enabled);
    /// # Ok(()) }
    /// ```
    pub async fn update_certificate_properties(
        &self,
        name: &str,
        options: Option<UpdateCertificatePropertiesOptions<'_>>,
    ) -> Result<KeyVaultCertificate> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "CertificateClient.update_certificate_properties",
            &options.method_options,
        );
        validate_name("name", name)?;
        let version = options.version.clone().unwrap_or_default();
        validate_version("version", &version)?;
        let body = to_json(&CertificateUpdateParameters {
            policy: None,
            attributes: settable(options.enabled),
            tags: options.tags.as_ref(),
        })?;
        pipeline
            .send_json(
                Method::Patch,
                pipeline.url(&[CERTIFICATES, name, &version]),
                Some(body),
            )
            .await
    }

    /// Gets the pending create operation of a certificate.
    ///
    /// ```no_run
    /// # use keyvault_certificates::CertificateClient;
    /// # async fn run(client: &CertificateClient) -> keyvault_core::Result<()> {
    /// let operation = client.get_certificate_operation("web", None).await?;
    /// println!("{:?}, CSR present: {}", operation.status, operation.csr.is_some());
    /// # Ok(()) }
    /// ```
    pub async fn get_certificate_operation(
        &self,
        name: &str,
        options: Option<GetCertificateOperationOptions<'_>>,
    ) -> Result<CertificateOperation> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "CertificateClient.get_certificate_operation",
            &options.method_options,
        );
        validate_name("name", name)?;
        pipeline
            .send_json(
                Method::Get,
                pipeline.url(&[CERTIFICATES, name, "pending"]),
                None,
            )
            .await
    }

    /// Asks the service to cancel a certificate's pending create operation.
    ///
    /// ```no_run
    /// # use keyvault_certificates::CertificateClient;
    /// # async fn run(client: &CertificateClient) -> keyvault_core::Result<()> {
    /// let operation = client.cancel_certificate_operation("web", None).await?;
    /// println!("cancellation requested: {:?}", operation.cancellation_requested);
    /// # Ok(()) }
    /// ```
    pub async fn cancel_certificate_operation(
        &self,
        name: &str,
        options: Option<CancelCertificateOperationOptions<'_>>,
    ) -> Result<CertificateOperation> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "CertificateClient.cancel_certificate_operation",
            &options.method_options,
        );
        validate_name("name", name)?;
        let body = to_json(&CertificateOperationUpdateParameter {
            cancellation_requested: true,
        })?;
        pipeline
            .send_json(
                Method::Patch,
                pipeline.url(&[CERTIFICATES, name, "pending"]),
                Some(body),
            )
            .await
    }

    /// Deletes a certificate's create operation (it stops being pending; no certificate is
    /// made) and returns it.
    ///
    /// ```no_run
    /// # use keyvault_certificates::CertificateClient;
    /// # async fn run(client: &CertificateClient) -> keyvault_core::Result<()> {
    /// let operation = client.delete_certificate_operation("web", None).await?;
    /// println!("deleted the operation of {}", operation.name);
    /// # Ok(()) }
    /// ```
    pub async fn delete_certificate_operation(
        &self,
        name: &str,
        options: Option<DeleteCertificateOperationOptions<'_>>,
    ) -> Result<CertificateOperation> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "CertificateClient.delete_certificate_operation",
            &options.method_options,
        );
        validate_name("name", name)?;
        pipeline
            .send_json(
                Method::Delete,
                pipeline.url(&[CERTIFICATES, name, "pending"]),
                None,
            )
            .await
    }

    /// Deletes a certificate (every version, with its key and secret). In a vault with soft
    /// delete, the poller completes once the deleted certificate can be read; await it before
    /// purging or recovering.
    ///
    /// ```no_run
    /// # use keyvault_certificates::CertificateClient;
    /// # async fn run(client: &CertificateClient) -> keyvault_core::Result<()> {
    /// let deleted = client.begin_delete_certificate("web", None).await?.await?;
    /// println!("purge scheduled {:?}", deleted.scheduled_purge_date);
    /// # Ok(()) }
    /// ```
    pub async fn begin_delete_certificate(
        &self,
        name: &str,
        options: Option<BeginDeleteCertificateOptions<'_>>,
    ) -> Result<Poller<DeletedCertificate>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "CertificateClient.begin_delete_certificate",
            &options.method_options,
        );
        validate_name("name", name)?;
        begin_delete(
            &pipeline,
            &[CERTIFICATES, name],
            &[DELETED, name],
            &options.poller_options(),
            |d: &DeletedCertificate| d.recovery_id.is_some(),
        )
        .await
    }

    /// Gets a deleted certificate.
    ///
    /// ```no_run
    /// # use keyvault_certificates::CertificateClient;
    /// # async fn run(client: &CertificateClient) -> keyvault_core::Result<()> {
    /// let deleted = client.get_deleted_certificate("web", None).await?;
    /// println!("deleted on {:?}", deleted.deleted_on);
    /// # Ok(()) }
    /// ```
    pub async fn get_deleted_certificate(
        &self,
        name: &str,
        options: Option<GetDeletedCertificateOptions<'_>>,
    ) -> Result<DeletedCertificate> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "CertificateClient.get_deleted_certificate",
            &options.method_options,
        );
        validate_name("name", name)?;
        pipeline
            .send_json(Method::Get, pipeline.url(&[DELETED, name]), None)
            .await
    }

    /// Purges a deleted certificate for good.
    ///
    /// ```no_run
    /// # use keyvault_certificates::CertificateClient;
    /// # async fn run(client: &CertificateClient) -> keyvault_core::Result<()> {
    /// client.begin_delete_certificate("web", None).await?.await?;
    /// client.purge_deleted_certificate("web", None).await?;
    /// # Ok(()) }
    /// ```
    pub async fn purge_deleted_certificate(
        &self,
        name: &str,
        options: Option<PurgeDeletedCertificateOptions<'_>>,
    ) -> Result<()> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "CertificateClient.purge_deleted_certificate",
            &options.method_options,
        );
        lifecycle::purge(&pipeline, DELETED, name).await
    }

    /// Recovers a deleted certificate. The poller completes once the certificate can be read
    /// again.
    ///
    /// ```no_run
    /// # use keyvault_certificates::CertificateClient;
    /// # async fn run(client: &CertificateClient) -> keyvault_core::Result<()> {
    /// let certificate = client
    ///     .begin_recover_deleted_certificate("web", None)
    ///     .await?
    ///     .await?;
    /// println!("recovered {}", certificate.name());
    /// # Ok(()) }
    /// ```
    pub async fn begin_recover_deleted_certificate(
        &self,
        name: &str,
        options: Option<BeginRecoverDeletedCertificateOptions<'_>>,
    ) -> Result<Poller<KeyVaultCertificate>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "CertificateClient.begin_recover_deleted_certificate",
            &options.method_options,
        );
        validate_name("name", name)?;
        begin_recover(
            &pipeline,
            &[DELETED, name, "recover"],
            &[CERTIFICATES, name],
            &options.poller_options(),
        )
        .await
    }

    fn list_certificates<T: serde::de::DeserializeOwned + Send + 'static>(
        pipeline: KeyVaultPipeline,
        collection: &str,
        include_pending: Option<bool>,
        list: ListOptions,
    ) -> Result<Pager<T>> {
        if let Some(token) = &list.continuation_token {
            return Pager::from_continuation_token(pipeline, token);
        }
        let mut url = first_page_url(&pipeline, &[collection], list.max_page_size)?;
        if let Some(include) = include_pending {
            pipeline.require(&ApiVersion::V7_0, "include_pending")?;
            url.query_pairs_mut()
                .append_pair("includePending", if include { "true" } else { "false" });
        }
        Ok(Pager::new(pipeline, url))
    }

    /// Lists deleted certificates.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// # use keyvault_certificates::CertificateClient;
    /// # async fn run(client: &CertificateClient) -> keyvault_core::Result<()> {
    /// let mut deleted = client.list_deleted_certificates(None)?;
    /// while let Some(certificate) = deleted.try_next().await? {
    ///     println!("{} (purge {:?})", certificate.name(), certificate.scheduled_purge_date);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_deleted_certificates(
        &self,
        options: Option<ListDeletedCertificatesOptions<'_>>,
    ) -> Result<Pager<DeletedCertificate>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "CertificateClient.list_deleted_certificates",
            &options.method_options,
        );
        Self::list_certificates(
            pipeline,
            DELETED,
            options.include_pending,
            options.list_options(),
        )
    }

    /// Lists the properties of every certificate (latest versions).
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// # use keyvault_certificates::CertificateClient;
    /// # async fn run(client: &CertificateClient) -> keyvault_core::Result<()> {
    /// let mut certificates = client.list_properties_of_certificates(None)?;
    /// while let Some(properties) = certificates.try_next().await? {
    ///     println!("{} enabled {:?}", properties.name, properties.enabled);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_properties_of_certificates(
        &self,
        options: Option<ListPropertiesOfCertificatesOptions<'_>>,
    ) -> Result<Pager<CertificateProperties>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "CertificateClient.list_properties_of_certificates",
            &options.method_options,
        );
        Self::list_certificates(
            pipeline,
            CERTIFICATES,
            options.include_pending,
            options.list_options(),
        )
    }

    /// Lists the properties of every version of a certificate.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// # use keyvault_certificates::CertificateClient;
    /// # async fn run(client: &CertificateClient) -> keyvault_core::Result<()> {
    /// let mut versions = client.list_properties_of_certificate_versions("web", None)?;
    /// while let Some(properties) = versions.try_next().await? {
    ///     println!("{:?} expires {:?}", properties.version, properties.expires_on);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_properties_of_certificate_versions(
        &self,
        name: &str,
        options: Option<ListPropertiesOfCertificateVersionsOptions<'_>>,
    ) -> Result<Pager<CertificateProperties>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "CertificateClient.list_properties_of_certificate_versions",
            &options.method_options,
        );
        validate_name("name", name)?;
        options
            .list_options()
            .pager(&pipeline, &[CERTIFICATES, name, "versions"])
    }

    /// Backs a certificate up (every version, with key and secret) into a blob only Key Vault
    /// can read.
    ///
    /// ```no_run
    /// use keyvault_certificates::{ExposeSecret};
    /// # use keyvault_certificates::CertificateClient;
    /// # async fn run(client: &CertificateClient) -> keyvault_core::Result<()> {
    /// let backup = client.backup_certificate("web", None).await?;
    /// std::fs::write("web.backup", backup.expose_secret()).expect("written");
    /// # Ok(()) }
    /// ```
    pub async fn backup_certificate(
        &self,
        name: &str,
        options: Option<BackupCertificateOptions<'_>>,
    ) -> Result<SecretBytes> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "CertificateClient.backup_certificate",
            &options.method_options,
        );
        lifecycle::backup(&pipeline, CERTIFICATES, name).await
    }

    /// Restores a backed-up certificate into this vault.
    ///
    /// ```no_run
    /// # use keyvault_certificates::CertificateClient;
    /// # async fn run(client: &CertificateClient) -> keyvault_core::Result<()> {
    /// let backup = std::fs::read("web.backup").expect("a backup");
    /// let certificate = client.restore_certificate_backup(&backup, None).await?;
    /// println!("restored {}", certificate.name());
    /// # Ok(()) }
    /// ```
    pub async fn restore_certificate_backup(
        &self,
        backup: &[u8],
        options: Option<RestoreCertificateBackupOptions<'_>>,
    ) -> Result<KeyVaultCertificate> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "CertificateClient.restore_certificate_backup",
            &options.method_options,
        );
        lifecycle::restore(&pipeline, CERTIFICATES, backup).await
    }

    /// Sets the vault's certificate contacts, replacing the previous ones, and returns them.
    ///
    /// ```no_run
    /// use keyvault_certificates::{CertificateContact};
    /// # use keyvault_certificates::CertificateClient;
    /// # async fn run(client: &CertificateClient) -> keyvault_core::Result<()> {
    /// let contacts = [CertificateContact {
    ///     email: Some("admin@contoso.com".into()),
    ///     name: Some("John Doe".into()),
    ///     phone: None,
    /// }];
    /// client.set_contacts(&contacts, None).await?;
    /// # Ok(()) }
    /// ```
    pub async fn set_contacts(
        &self,
        contacts: &[CertificateContact],
        options: Option<SetContactsOptions<'_>>,
    ) -> Result<Vec<CertificateContact>> {
        let options = options.unwrap_or_default();
        let pipeline = self
            .pipeline
            .operation("CertificateClient.set_contacts", &options.method_options);
        if contacts.is_empty() {
            return Err(Error::invalid_argument(
                "contacts",
                "must hold at least one contact (use delete_contacts to remove them all)",
            ));
        }
        let body = to_json(&ContactsWire {
            contacts: Some(contacts.to_vec()),
        })?;
        let wire: ContactsWire = pipeline
            .send_json(
                Method::Put,
                pipeline.url(&[CERTIFICATES, CONTACTS]),
                Some(body),
            )
            .await?;
        Ok(wire.contacts.unwrap_or_default())
    }

    /// Gets the vault's certificate contacts.
    ///
    /// ```no_run
    /// # use keyvault_certificates::CertificateClient;
    /// # async fn run(client: &CertificateClient) -> keyvault_core::Result<()> {
    /// for contact in client.get_contacts(None).await? {
    ///     println!("{:?}", contact.email);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_contacts(
        &self,
        options: Option<GetContactsOptions<'_>>,
    ) -> Result<Vec<CertificateContact>> {
        let options = options.unwrap_or_default();
        let pipeline = self
            .pipeline
            .operation("CertificateClient.get_contacts", &options.method_options);
        let wire: ContactsWire = pipeline
            .send_json(Method::Get, pipeline.url(&[CERTIFICATES, CONTACTS]), None)
            .await?;
        Ok(wire.contacts.unwrap_or_default())
    }

    /// Deletes the vault's certificate contacts and returns them.
    ///
    /// ```no_run
    /// # use keyvault_certificates::CertificateClient;
    /// # async fn run(client: &CertificateClient) -> keyvault_core::Result<()> {
    /// let removed = client.delete_contacts(None).await?;
    /// println!("{} contacts removed", removed.len());
    /// # Ok(()) }
    /// ```
    pub async fn delete_contacts(
        &self,
        options: Option<DeleteContactsOptions<'_>>,
    ) -> Result<Vec<CertificateContact>> {
        let options = options.unwrap_or_default();
        let pipeline = self
            .pipeline
            .operation("CertificateClient.delete_contacts", &options.method_options);
        let wire: ContactsWire = pipeline
            .send_json(
                Method::Delete,
                pipeline.url(&[CERTIFICATES, CONTACTS]),
                None,
            )
            .await?;
        Ok(wire.contacts.unwrap_or_default())
    }

    /// Creates (or replaces) a certificate issuer: a provider such as `DigiCert` or
    /// `GlobalSign` and the account Key Vault orders certificates with.
    ///
    /// ```no_run
    /// use keyvault_certificates::{CreateIssuerOptions, SecretString};
    /// # use keyvault_certificates::CertificateClient;
    /// # async fn run(client: &CertificateClient) -> keyvault_core::Result<()> {
    /// let options = CreateIssuerOptions {
    ///     account_id: Some("keyvaultuser".into()),
    ///     password: Some(SecretString::new("account-password")),
    ///     ..Default::default()
    /// };
    /// let issuer = client.create_issuer("my-ca", "DigiCert", Some(options)).await?;
    /// println!("{} at {:?}", issuer.name(), issuer.properties.provider);
    /// # Ok(()) }
    /// ```
    pub async fn create_issuer(
        &self,
        issuer_name: &str,
        provider: &str,
        options: Option<CreateIssuerOptions<'_>>,
    ) -> Result<CertificateIssuer> {
        let options = options.unwrap_or_default();
        let pipeline = self
            .pipeline
            .operation("CertificateClient.create_issuer", &options.method_options);
        validate_issuer_name(issuer_name)?;
        if provider.trim().is_empty() {
            return Err(Error::invalid_argument("provider", "must not be empty"));
        }
        let body = to_json(&issuer_body(
            Some(provider.to_string()),
            options.enabled,
            options.account_id,
            options.password,
            options.organization_id,
            options.admin_contacts,
        ))?;
        pipeline
            .send_json(
                Method::Put,
                pipeline.url(&[CERTIFICATES, ISSUERS, issuer_name]),
                Some(body),
            )
            .await
    }

    /// Gets a certificate issuer.
    ///
    /// ```no_run
    /// # use keyvault_certificates::CertificateClient;
    /// # async fn run(client: &CertificateClient) -> keyvault_core::Result<()> {
    /// let issuer = client.get_issuer("my-ca", None).await?;
    /// println!("account {:?}", issuer.account_id);
    /// # Ok(()) }
    /// ```
    pub async fn get_issuer(
        &self,
        issuer_name: &str,
        options: Option<GetIssuerOptions<'_>>,
    ) -> Result<CertificateIssuer> {
        let options = options.unwrap_or_default();
        let pipeline = self
            .pipeline
            .operation("CertificateClient.get_issuer", &options.method_options);
        validate_issuer_name(issuer_name)?;
        pipeline
            .send_json(
                Method::Get,
                pipeline.url(&[CERTIFICATES, ISSUERS, issuer_name]),
                None,
            )
            .await
    }

    /// Updates a certificate issuer; only what is set changes.
    ///
    /// ```no_run
    /// use keyvault_certificates::{UpdateIssuerOptions};
    /// # use keyvault_certificates::CertificateClient;
    /// # async fn run(client: &CertificateClient) -> keyvault_core::Result<()> {
    /// let options = UpdateIssuerOptions {
    ///     enabled: Some(false),
    ///     ..Default::default()
    /// };
    /// let issuer = client.update_issuer("my-ca", Some(options)).await?;
    /// println!("enabled: {:?}", issuer.enabled);
    /// # Ok(()) }
    /// ```
    pub async fn update_issuer(
        &self,
        issuer_name: &str,
        options: Option<UpdateIssuerOptions<'_>>,
    ) -> Result<CertificateIssuer> {
        let options = options.unwrap_or_default();
        let pipeline = self
            .pipeline
            .operation("CertificateClient.update_issuer", &options.method_options);
        validate_issuer_name(issuer_name)?;
        let body = to_json(&issuer_body(
            options.provider,
            options.enabled,
            options.account_id,
            options.password,
            options.organization_id,
            options.admin_contacts,
        ))?;
        pipeline
            .send_json(
                Method::Patch,
                pipeline.url(&[CERTIFICATES, ISSUERS, issuer_name]),
                Some(body),
            )
            .await
    }

    /// Deletes a certificate issuer and returns it.
    ///
    /// ```no_run
    /// # use keyvault_certificates::CertificateClient;
    /// # async fn run(client: &CertificateClient) -> keyvault_core::Result<()> {
    /// let issuer = client.delete_issuer("my-ca", None).await?;
    /// println!("deleted {}", issuer.name());
    /// # Ok(()) }
    /// ```
    pub async fn delete_issuer(
        &self,
        issuer_name: &str,
        options: Option<DeleteIssuerOptions<'_>>,
    ) -> Result<CertificateIssuer> {
        let options = options.unwrap_or_default();
        let pipeline = self
            .pipeline
            .operation("CertificateClient.delete_issuer", &options.method_options);
        validate_issuer_name(issuer_name)?;
        pipeline
            .send_json(
                Method::Delete,
                pipeline.url(&[CERTIFICATES, ISSUERS, issuer_name]),
                None,
            )
            .await
    }

    /// Lists the vault's certificate issuers.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// # use keyvault_certificates::CertificateClient;
    /// # async fn run(client: &CertificateClient) -> keyvault_core::Result<()> {
    /// let mut issuers = client.list_properties_of_issuers(None)?;
    /// while let Some(issuer) = issuers.try_next().await? {
    ///     println!("{} ({:?})", issuer.name, issuer.provider);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_properties_of_issuers(
        &self,
        options: Option<ListPropertiesOfIssuersOptions<'_>>,
    ) -> Result<Pager<IssuerProperties>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "CertificateClient.list_properties_of_issuers",
            &options.method_options,
        );
        options
            .list_options()
            .pager(&pipeline, &[CERTIFICATES, ISSUERS])
    }
}

/// The body of `PUT`/`PATCH /certificates/issuers/{name}`: sub-objects only when something
/// in them is set.
pub(crate) fn issuer_body(
    provider: Option<String>,
    enabled: Option<bool>,
    account_id: Option<String>,
    password: Option<SecretString>,
    organization_id: Option<String>,
    admin_contacts: Option<Vec<AdministratorContact>>,
) -> IssuerWire {
    IssuerWire {
        id: None,
        provider,
        credentials: (account_id.is_some() || password.is_some()).then_some(
            IssuerCredentialsWire {
                account_id,
                pwd: password,
            },
        ),
        org_details: (organization_id.is_some() || admin_contacts.is_some()).then_some(
            OrganizationDetailsWire {
                id: organization_id,
                admin_details: admin_contacts,
                zip: None,
            },
        ),
        attributes: enabled.map(|enabled| IssuerAttributesWire {
            enabled: Some(enabled),
            ..Default::default()
        }),
    }
}
