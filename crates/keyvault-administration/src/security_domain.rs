//! `KeyVaultSecurityDomainClient`: download a Managed HSM's security domain (which activates
//! a newly provisioned HSM) and restore one into it.

use crate::{
    models::{
        CertificateInfo, SecurityDomain, SecurityDomainJsonWebKey, SecurityDomainOperationStatus,
        SecurityDomainStatus, TransferKey,
    },
    validation::validate_der_certificates,
};
use async_trait::async_trait;
use azure_core::http::{Method, StatusCode};
use keyvault_core::ExposeSecret;
use keyvault_core::{
    async_operation::AzureAsyncOperation,
    pipeline::{deserialize, to_json},
    polling::{retry_after, Finished, Operation, Step},
    ApiVersion, Error, KeyVaultPipeline, Poller, Result,
};
use url::Url;

/// The spec's bounds of a download: 3 to 10 certificates, a quorum of 2 or more.
const MIN_CERTIFICATES: usize = 3;
const MAX_CERTIFICATES: usize = 10;
const MIN_QUORUM: u32 = 2;

/// Security domain operations came with Managed HSM's first data-plane API version, 7.2 (the
/// `HSMSecurityDomain` operations are already in its 7.2-preview spec), so the gate is the one
/// of every Managed HSM administration operation. Python's client accepts 7.5 and later only,
/// a choice of that package rather than a limit of the service.
const MINIMUM_VERSION: ApiVersion = ApiVersion::V7_2;

keyvault_core::method_options! {
    /// Options of [`KeyVaultSecurityDomainClient::begin_download`]. A download cannot be
    /// resumed: `continuation_token` is refused.
    poller pub struct BeginDownloadOptions {
        /// Return a poller that is already finished instead of waiting for the HSM's
        /// activation (Python's `skip_activation_polling`, the CLI's `--no-wait`): its result is
        /// the security domain of the service's first answer.
        pub skip_activation_polling: bool,
    }

    /// Options of [`KeyVaultSecurityDomainClient::get_download_status`].
    pub struct GetDownloadStatusOptions {}

    /// Options of [`KeyVaultSecurityDomainClient::get_transfer_key`].
    pub struct GetTransferKeyOptions {}

    /// Options of [`KeyVaultSecurityDomainClient::begin_upload`].
    poller pub struct BeginUploadOptions {
        /// Return a poller that is already finished instead of waiting for the HSM's
        /// activation (Python's `skip_activation_polling`, the CLI's `--no-wait`): its result is
        /// the status the service first reported.
        pub skip_activation_polling: bool,
    }

    /// Options of [`KeyVaultSecurityDomainClient::get_upload_status`].
    pub struct GetUploadStatusOptions {}
}

/// A client of a Managed HSM's security domain. Cheap to clone; `Send + Sync`.
///
/// A newly provisioned HSM is activated by downloading its security domain, encrypted for 3 to
/// 10 certificates of yours with a quorum of their private keys needed to restore it, or by
/// uploading an existing security domain prepared for its transfer key. Both are long-running
/// and return a [`Poller`] over the HSM's activation.
///
/// ```no_run
/// use keyvault_administration::{CertificateInfo, KeyVaultSecurityDomainClient, SecurityDomainJsonWebKey};
/// # async fn run(credential: std::sync::Arc<dyn azure_core::credentials::TokenCredential>, keys: Vec<SecurityDomainJsonWebKey>) -> keyvault_core::Result<()> {
/// let client = KeyVaultSecurityDomainClient::new("https://my-hsm.managedhsm.azure.net", credential, None)?;
/// let security_domain = client
///     .begin_download(&CertificateInfo::new(keys, 2), None)
///     .await?
///     .await?;
/// // Store security_domain.value.expose_secret() safely: it restores the HSM.
/// # let _ = security_domain;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct KeyVaultSecurityDomainClient {
    pipeline: KeyVaultPipeline,
}

keyvault_core::vault_client!(
    KeyVaultSecurityDomainClient,
    crate::AdministrationClientOptions,
    "https://{hsm}.managedhsm.azure.net",
    default_api_version = keyvault_core::ApiVersion::V2025_07_01,
    new {
        ///
        /// ```no_run
        /// use keyvault_administration::{KeyVaultSecurityDomainClient, AdministrationClientOptions};
        /// # fn run() -> Result<(), Box<dyn std::error::Error>> {
        /// let credential = azure_identity::DeveloperToolsCredential::new(None)?;
        /// let client = KeyVaultSecurityDomainClient::new("https://my-hsm.managedhsm.azure.net", credential.clone(), None)?;
        ///
        /// // With azure_core's options (retries, transport, tracing) and another API version.
        /// let options = AdministrationClientOptions {
        ///     api_version: Some(keyvault_administration::ApiVersion::V2026_04_01),
        ///     ..Default::default()
        /// };
        /// let client = KeyVaultSecurityDomainClient::new("https://my-hsm.managedhsm.azure.net", credential, Some(options))?;
        /// # Ok(()) }
        /// ```
    }
    vault_url {
        ///
        /// ```no_run
        /// # fn run(client: &keyvault_administration::KeyVaultSecurityDomainClient) {
        /// assert_eq!(client.vault_url(), "https://my-hsm.managedhsm.azure.net");
        /// # }
        /// ```
    }
    api_version {
        ///
        /// ```no_run
        /// # fn run(client: &keyvault_administration::KeyVaultSecurityDomainClient) {
        /// println!("api-version={}", client.api_version());
        /// # }
        /// ```
    }
    send_request {
        ///
        /// ```no_run
        /// use keyvault_administration::azure_core::http::{Method, Request, Url};
        /// # async fn run(client: &keyvault_administration::KeyVaultSecurityDomainClient) -> Result<(), Box<dyn std::error::Error>> {
        /// let url = Url::parse(&format!("{}/securitydomain/download/pending", client.vault_url()))?;
        /// let response = client.send_request(Request::new(url, Method::Get)).await?;
        /// println!("status {:?}", response.status());
        /// # Ok(()) }
        /// ```
    }
);

impl KeyVaultSecurityDomainClient {
    fn require(&self, operation: &'static str) -> Result<()> {
        self.pipeline.require(&MINIMUM_VERSION, operation)
    }

    /// Downloads the security domain, encrypted for `certificate_info.certificates` with a
    /// quorum of `certificate_info.required` of their private keys; this activates a
    /// provisioned HSM. The poller finishes once the HSM reports the download done, with the
    /// security domain the service returned when the download started.
    ///
    /// The certificates (3 to 10, each an RSA key with its `x5c` chain) and the quorum (2 to
    /// the number of certificates) are checked before sending. A download cannot be resumed
    /// from a continuation token: the security domain is only in the answer that started it,
    /// and a token must never carry it. Follow an interrupted download with
    /// [`get_download_status`](Self::get_download_status).
    ///
    /// ```no_run
    /// # use keyvault_administration::{BeginDownloadOptions, CertificateInfo, ExposeSecret, KeyVaultSecurityDomainClient, SecurityDomainJsonWebKey};
    /// # async fn run(client: &KeyVaultSecurityDomainClient) -> keyvault_administration::Result<()> {
    /// # let keys: Vec<SecurityDomainJsonWebKey> = Vec::new();
    /// // Three certificates' keys (with their x5c), any two of which restore the security domain.
    /// let security_domain = client
    ///     .begin_download(
    ///         &CertificateInfo::new(keys, 2),
    ///         Some(BeginDownloadOptions {
    ///             polling_interval: Some(std::time::Duration::from_secs(5)),
    ///             ..Default::default()
    ///         }),
    ///     )
    ///     .await?
    ///     .await?;
    /// std::fs::write("security-domain.json", security_domain.value.expose_secret())
    ///     .expect("written");
    /// # Ok(()) }
    /// ```
    pub async fn begin_download(
        &self,
        certificate_info: &CertificateInfo,
        options: Option<BeginDownloadOptions<'_>>,
    ) -> Result<Poller<SecurityDomain>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultSecurityDomainClient.begin_download",
            &options.method_options,
        );
        self.require("begin_download")?;
        if options.continuation_token.is_some() {
            return Err(Error::invalid_argument(
                "continuation_token",
                "a security domain download cannot be resumed: the security domain is only in the \
                 answer that started it; use get_download_status to follow the HSM's activation",
            ));
        }
        validate_certificate_info(certificate_info)?;
        let response = pipeline
            .send(
                Method::Post,
                pipeline.url(&["securitydomain", "download"]),
                Some(to_json(certificate_info)?),
            )
            .await?;
        let domain: SecurityDomain = deserialize(response.body().as_ref())?;
        let status = AzureAsyncOperation::<()>::from_response(&pipeline, &response)?
            .url()
            .clone();
        let poller = if options.skip_activation_polling {
            Poller::new(pipeline.clone(), Finished::new(domain, status.to_string()))
        } else {
            Poller::new(pipeline.clone(), Activation::download(status, domain))
        };
        Ok(poller.with_options(&options.poller_options()))
    }

    /// The status of the last security domain download.
    ///
    /// ```no_run
    /// # use keyvault_administration::KeyVaultSecurityDomainClient;
    /// # async fn run(client: &KeyVaultSecurityDomainClient) -> keyvault_administration::Result<()> {
    /// let status = client.get_download_status(None).await?;
    /// println!("{} {:?}", status.status, status.status_details);
    /// # Ok(()) }
    /// ```
    pub async fn get_download_status(
        &self,
        options: Option<GetDownloadStatusOptions<'_>>,
    ) -> Result<SecurityDomainOperationStatus> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultSecurityDomainClient.get_download_status",
            &options.method_options,
        );
        self.require("get_download_status")?;
        let url = pipeline.url(&["securitydomain", "download", "pending"]);
        pipeline.send_json(Method::Get, url, None).await
    }

    /// The HSM's transfer key: prepare a security domain for it before
    /// [`begin_upload`](Self::begin_upload).
    ///
    /// ```no_run
    /// # use keyvault_administration::KeyVaultSecurityDomainClient;
    /// # async fn run(client: &KeyVaultSecurityDomainClient) -> keyvault_administration::Result<()> {
    /// let transfer = client.get_transfer_key(None).await?;
    /// println!("prepare the security domain for key {:?}", transfer.transfer_key.kid);
    /// # Ok(()) }
    /// ```
    pub async fn get_transfer_key(
        &self,
        options: Option<GetTransferKeyOptions<'_>>,
    ) -> Result<TransferKey> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultSecurityDomainClient.get_transfer_key",
            &options.method_options,
        );
        self.require("get_transfer_key")?;
        let url = pipeline.url(&["securitydomain", "upload"]);
        pipeline.send_json(Method::Get, url, None).await
    }

    /// Restores `security_domain` into the HSM, which activates it. The security domain must
    /// already be prepared for the HSM's [transfer key](Self::get_transfer_key) with a quorum of
    /// its certificates' private keys: this client, like Python's, sends it as given. The
    /// poller finishes with the final status once the HSM reports the upload done, and fails
    /// with [`Error::OperationFailed`] if the HSM could not restore it.
    ///
    /// ```no_run
    /// # use keyvault_administration::{KeyVaultSecurityDomainClient, SecurityDomain};
    /// # async fn run(client: &KeyVaultSecurityDomainClient) -> keyvault_administration::Result<()> {
    /// // A security domain already prepared for this HSM's transfer key.
    /// let prepared = SecurityDomain::new(std::fs::read_to_string("prepared.json").expect("read"));
    /// let status = client.begin_upload(&prepared, None).await?.await?;
    /// println!("{} {:?}", status.status, status.status_details);
    /// # Ok(()) }
    /// ```
    pub async fn begin_upload(
        &self,
        security_domain: &SecurityDomain,
        options: Option<BeginUploadOptions<'_>>,
    ) -> Result<Poller<SecurityDomainOperationStatus>> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultSecurityDomainClient.begin_upload",
            &options.method_options,
        );
        self.require("begin_upload")?;
        if let Some(token) = &options.continuation_token {
            let url = AzureAsyncOperation::<()>::from_continuation_token(&pipeline, token)?
                .url()
                .clone();
            return Ok(Poller::new(pipeline.clone(), Activation::upload(url))
                .with_options(&options.poller_options()));
        }
        if security_domain.value.expose_secret().trim().is_empty() {
            return Err(Error::invalid_argument(
                "security_domain",
                "must not be empty",
            ));
        }
        let response = pipeline
            .send(
                Method::Post,
                pipeline.url(&["securitydomain", "upload"]),
                Some(to_json(security_domain)?),
            )
            .await?;
        let pending = pipeline.url(&["securitydomain", "upload", "pending"]);
        // The spec allows a 204 with nothing to follow: the upload is done.
        if response.status() == StatusCode::NoContent {
            let done = SecurityDomainOperationStatus {
                status: SecurityDomainStatus::Success,
                status_details: None,
            };
            return Ok(
                Poller::new(pipeline.clone(), Finished::new(done, pending.to_string()))
                    .with_options(&options.poller_options()),
            );
        }
        let initial: SecurityDomainOperationStatus = deserialize(response.body().as_ref())?;
        let status = AzureAsyncOperation::<()>::from_response(&pipeline, &response)?
            .url()
            .clone();
        let poller = if options.skip_activation_polling {
            Poller::new(pipeline.clone(), Finished::new(initial, status.to_string()))
        } else {
            Poller::new(pipeline.clone(), Activation::upload(status))
        };
        Ok(poller.with_options(&options.poller_options()))
    }

    /// The status of the last security domain upload.
    ///
    /// ```no_run
    /// # use keyvault_administration::KeyVaultSecurityDomainClient;
    /// # async fn run(client: &KeyVaultSecurityDomainClient) -> keyvault_administration::Result<()> {
    /// let status = client.get_upload_status(None).await?;
    /// println!("{} {:?}", status.status, status.status_details);
    /// # Ok(()) }
    /// ```
    pub async fn get_upload_status(
        &self,
        options: Option<GetUploadStatusOptions<'_>>,
    ) -> Result<SecurityDomainOperationStatus> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultSecurityDomainClient.get_upload_status",
            &options.method_options,
        );
        self.require("get_upload_status")?;
        let url = pipeline.url(&["securitydomain", "upload", "pending"]);
        pipeline.send_json(Method::Get, url, None).await
    }
}

/// Checks a download request: the spec's bounds, and keys the service can encrypt for.
fn validate_certificate_info(info: &CertificateInfo) -> Result<()> {
    let count = info.certificates.len();
    if !(MIN_CERTIFICATES..=MAX_CERTIFICATES).contains(&count) {
        return Err(Error::invalid_argument(
            "certificates",
            format!("must hold {MIN_CERTIFICATES} to {MAX_CERTIFICATES} certificates, not {count}"),
        ));
    }
    if info.required < MIN_QUORUM || info.required as usize > count {
        return Err(Error::invalid_argument(
            "required",
            format!(
                "must be between {MIN_QUORUM} and the number of certificates ({count}), not {}",
                info.required
            ),
        ));
    }
    info.certificates
        .iter()
        .enumerate()
        .try_for_each(|(i, key)| validate_certificate(i, key))
}

fn validate_certificate(i: usize, key: &SecurityDomainJsonWebKey) -> Result<()> {
    let bad = |why: &str| Error::invalid_argument("certificates", format!("certificate {i} {why}"));
    if key.kty != "RSA" {
        return Err(bad(&format!("must be an RSA key, not kty {:?}", key.kty)));
    }
    if key.n.is_empty() || key.e.is_empty() {
        return Err(bad("must have its RSA modulus n and exponent e"));
    }
    if key.x5c.is_empty() {
        return Err(bad("must have its X.509 certificate chain x5c"));
    }
    validate_der_certificates("certificates", &key.x5c)
        .map_err(|_| bad("has an x5c entry that is not a DER certificate"))
}

/// What an activation poller returns once the HSM reports success.
enum Outcome<T> {
    /// The security domain of the download's first answer.
    Download(Option<T>),
    /// The final status of an upload.
    Upload,
}

/// Polls a security domain `pending` status until the HSM reports `Success` (or `Failed`).
struct Activation<T> {
    url: Url,
    outcome: Outcome<T>,
}

impl Activation<SecurityDomain> {
    fn download(url: Url, domain: SecurityDomain) -> Self {
        Activation {
            url,
            outcome: Outcome::Download(Some(domain)),
        }
    }
}

impl Activation<SecurityDomainOperationStatus> {
    fn upload(url: Url) -> Self {
        Activation {
            url,
            outcome: Outcome::Upload,
        }
    }
}

/// Turns a final status into the poller's result.
trait Conclude: Sized {
    fn conclude(outcome: &mut Outcome<Self>, status: SecurityDomainOperationStatus)
        -> Result<Self>;
}

impl Conclude for SecurityDomain {
    fn conclude(outcome: &mut Outcome<Self>, _: SecurityDomainOperationStatus) -> Result<Self> {
        match outcome {
            Outcome::Download(domain) => domain
                .take()
                .ok_or_else(|| Error::OperationFailed("the result was already taken".into())),
            Outcome::Upload => unreachable!("a download poller is built with its domain"),
        }
    }
}

impl Conclude for SecurityDomainOperationStatus {
    fn conclude(_: &mut Outcome<Self>, status: SecurityDomainOperationStatus) -> Result<Self> {
        Ok(status)
    }
}

#[async_trait]
impl<T: Conclude + Send + Sync> Operation<T> for Activation<T> {
    async fn poll(&mut self, pipeline: &KeyVaultPipeline) -> Result<Step<T>> {
        let response = pipeline.send(Method::Get, self.url.clone(), None).await?;
        let status: SecurityDomainOperationStatus = deserialize(response.body().as_ref())?;
        if status.status.is_success() {
            return T::conclude(&mut self.outcome, status).map(Step::Done);
        }
        if status.status.is_failure() {
            let mut text = format!("the operation ended with status {}", status.status);
            if let Some(details) = status.status_details.filter(|d| !d.is_empty()) {
                text.push_str(&format!(": {details}"));
            }
            return Err(Error::OperationFailed(text));
        }
        Ok(Step::Pending {
            retry_after: retry_after(&response),
        })
    }

    fn continuation_token(&self) -> String {
        self.url.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(i: usize) -> SecurityDomainJsonWebKey {
        // A small DER SEQUENCE: the checks here are of shape, not of X.509 content.
        SecurityDomainJsonWebKey::rsa(
            format!("k{i}"),
            vec![0xc5; 256],
            vec![1, 0, 1],
            vec![vec![0x30, 0x03, 0x02, 0x01, 0x00]],
        )
    }

    fn info(n: usize, required: u32) -> CertificateInfo {
        CertificateInfo::new((0..n).map(key).collect(), required)
    }

    fn argument(err: Error) -> &'static str {
        match err {
            Error::InvalidArgument { argument, .. } => argument,
            other => panic!("{other}"),
        }
    }

    #[test]
    fn clients_are_clone_send_sync() {
        fn assert<T: Clone + Send + Sync>() {}
        assert::<KeyVaultSecurityDomainClient>();
    }

    #[test]
    fn downloads_are_checked_before_sending() {
        validate_certificate_info(&info(3, 2)).unwrap();
        validate_certificate_info(&info(10, 10)).unwrap();
        assert_eq!(
            argument(validate_certificate_info(&info(2, 2)).unwrap_err()),
            "certificates"
        );
        assert_eq!(
            argument(validate_certificate_info(&info(11, 2)).unwrap_err()),
            "certificates"
        );
        assert_eq!(
            argument(validate_certificate_info(&info(3, 1)).unwrap_err()),
            "required"
        );
        assert_eq!(
            argument(validate_certificate_info(&info(3, 4)).unwrap_err()),
            "required"
        );
        let mut ec = info(3, 2);
        ec.certificates[1].kty = "EC".into();
        let text = validate_certificate_info(&ec).unwrap_err().to_string();
        assert!(
            text.contains("certificate 1") && text.contains("RSA"),
            "{text}"
        );
        let mut bare = info(3, 2);
        bare.certificates[2].x5c.clear();
        assert!(validate_certificate_info(&bare)
            .unwrap_err()
            .to_string()
            .contains("x5c"));
        let mut pem = info(3, 2);
        pem.certificates[0].x5c = vec![b"-----BEGIN CERTIFICATE-----".to_vec()];
        assert!(validate_certificate_info(&pem).is_err());
    }

    #[test]
    fn statuses_keep_unknown_values() {
        let status: SecurityDomainOperationStatus =
            serde_json::from_str(r#"{"status":"Success","status_details":"done"}"#).unwrap();
        assert!(status.status.is_success());
        let status: SecurityDomainOperationStatus =
            serde_json::from_str(r#"{"status":"Activating"}"#).unwrap();
        assert_eq!(
            status.status,
            SecurityDomainStatus::Other("Activating".into())
        );
        assert!(!status.status.is_success() && !status.status.is_failure());
        assert!(SecurityDomainStatus::from("Succeeded").is_success());
        assert!(SecurityDomainStatus::from("failed").is_failure());
    }

    #[test]
    fn the_blob_is_never_printed() {
        let domain: SecurityDomain =
            serde_json::from_str(r#"{"value":"{\"EncData\":\"c2VjcmV0LXNoYXJlcw\"}"}"#).unwrap();
        let text = format!("{domain:?}");
        assert!(!text.contains("c2VjcmV0"), "{text}");
        assert_eq!(
            serde_json::to_string(&domain).unwrap(),
            r#"{"value":"{\"EncData\":\"c2VjcmV0LXNoYXJlcw\"}"}"#
        );
    }
}
