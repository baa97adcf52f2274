//! `KeyVaultEkmClient`: a Managed HSM's connection to its External Key Manager (EKM) proxy.

use crate::{
    models::{
        KeyVaultEkmConnection, KeyVaultEkmConnectionUpdate, KeyVaultEkmProxyClientCertificateInfo,
        KeyVaultEkmProxyInfo,
    },
    validation::{
        validate_common_name, validate_der_certificates, validate_ekm_host, validate_path_prefix,
    },
};
use azure_core::http::Method;
use keyvault_core::{pipeline::to_json, ApiVersion, Error, KeyVaultPipeline, Result};

keyvault_core::method_options! {
    /// Options of [`KeyVaultEkmClient::get_ekm_connection`].
    pub struct GetEkmConnectionOptions {}

    /// Options of [`KeyVaultEkmClient::create_ekm_connection`].
    pub struct CreateEkmConnectionOptions {}

    /// Options of [`KeyVaultEkmClient::update_ekm_connection`].
    pub struct UpdateEkmConnectionOptions {}

    /// Options of [`KeyVaultEkmClient::delete_ekm_connection`].
    pub struct DeleteEkmConnectionOptions {}

    /// Options of [`KeyVaultEkmClient::get_ekm_certificate`].
    pub struct GetEkmCertificateOptions {}

    /// Options of [`KeyVaultEkmClient::check_ekm_connection`].
    pub struct CheckEkmConnectionOptions {}
}

/// A client of a Managed HSM's External Key Manager (EKM) connection: the proxy through which
/// the HSM reaches keys held outside Azure (API version 2026-04-01 and later). Cheap to clone;
/// `Send + Sync`.
///
/// Set-up: read the client certificate the HSM will present ([`get_ekm_certificate`]) and
/// configure the proxy to trust it, then create the connection with the proxy's host and the
/// CA chain of its server certificate, and check it.
///
/// [`get_ekm_certificate`]: KeyVaultEkmClient::get_ekm_certificate
///
/// ```no_run
/// use keyvault_administration::{KeyVaultEkmClient, KeyVaultEkmConnection};
/// # async fn run(credential: std::sync::Arc<dyn azure_core::credentials::TokenCredential>, proxy_root_ca_der: Vec<u8>) -> keyvault_core::Result<()> {
/// let client = KeyVaultEkmClient::new("https://my-hsm.managedhsm.azure.net", credential, None)?;
/// let client_certificate = client.get_ekm_certificate(None).await?;
/// println!("trust {} on the proxy", client_certificate.subject_common_name);
/// let connection = KeyVaultEkmConnection::new("ekm-proxy.contoso.com", vec![proxy_root_ca_der])
///     .with_path_prefix("/api/v1");
/// client.create_ekm_connection(&connection, None).await?;
/// let proxy = client.check_ekm_connection(None).await?;
/// println!("{} {} (proxy API {})", proxy.proxy_vendor, proxy.proxy_name, proxy.api_version);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct KeyVaultEkmClient {
    pipeline: KeyVaultPipeline,
}

const EKM: &str = "ekm";

keyvault_core::vault_client!(
    KeyVaultEkmClient,
    crate::AdministrationClientOptions,
    "https://{hsm}.managedhsm.azure.net",
    default_api_version = keyvault_core::ApiVersion::V2026_04_01,
    new {
        ///
        /// ```no_run
        /// use keyvault_administration::{KeyVaultEkmClient, AdministrationClientOptions};
        /// # fn run() -> Result<(), Box<dyn std::error::Error>> {
        /// let credential = azure_identity::DeveloperToolsCredential::new(None)?;
        /// let client = KeyVaultEkmClient::new("https://my-hsm.managedhsm.azure.net", credential.clone(), None)?;
        ///
        /// // With azure_core's options (retries, transport, tracing) and another API version.
        /// let options = AdministrationClientOptions {
        ///     api_version: Some(keyvault_administration::ApiVersion::V2026_04_01),
        ///     ..Default::default()
        /// };
        /// let client = KeyVaultEkmClient::new("https://my-hsm.managedhsm.azure.net", credential, Some(options))?;
        /// # Ok(()) }
        /// ```
    }
    vault_url {
        ///
        /// ```no_run
        /// # fn run(client: &keyvault_administration::KeyVaultEkmClient) {
        /// assert_eq!(client.vault_url(), "https://my-hsm.managedhsm.azure.net");
        /// # }
        /// ```
    }
    api_version {
        ///
        /// ```no_run
        /// # fn run(client: &keyvault_administration::KeyVaultEkmClient) {
        /// println!("api-version={}", client.api_version());
        /// # }
        /// ```
    }
    send_request {
        ///
        /// ```no_run
        /// use keyvault_administration::azure_core::http::{Method, Request, Url};
        /// # async fn run(client: &keyvault_administration::KeyVaultEkmClient) -> Result<(), Box<dyn std::error::Error>> {
        /// let url = Url::parse(&format!("{}/ekm", client.vault_url()))?;
        /// let response = client.send_request(Request::new(url, Method::Get)).await?;
        /// println!("status {:?}", response.status());
        /// # Ok(()) }
        /// ```
    }
);

impl KeyVaultEkmClient {
    fn require(&self, operation: &'static str) -> Result<()> {
        self.pipeline.require(&ApiVersion::V2026_04_01, operation)
    }

    async fn send<T: serde::de::DeserializeOwned>(
        pipeline: &KeyVaultPipeline,
        method: Method,
        segment: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> Result<T> {
        let url = match segment {
            Some(segment) => pipeline.url(&[EKM, segment]),
            None => pipeline.url(&[EKM]),
        };
        pipeline.send_json(method, url, body).await
    }

    /// Gets the EKM connection; a 404 from the service when the HSM has none.
    ///
    /// ```no_run
    /// # use keyvault_administration::KeyVaultEkmClient;
    /// # async fn run(client: &KeyVaultEkmClient) -> keyvault_administration::Result<()> {
    /// let connection = client.get_ekm_connection(None).await?;
    /// println!("{} {:?}", connection.host, connection.path_prefix);
    /// # Ok(()) }
    /// ```
    pub async fn get_ekm_connection(
        &self,
        options: Option<GetEkmConnectionOptions<'_>>,
    ) -> Result<KeyVaultEkmConnection> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultEkmClient.get_ekm_connection",
            &options.method_options,
        );
        self.require("get_ekm_connection")?;
        Self::send(&pipeline, Method::Get, None, None).await
    }

    /// Creates the EKM connection; the service refuses it (409) when the HSM already has
    /// one. The host, path prefix, server CA certificates (DER, at least one) and subject
    /// common name are checked before sending.
    ///
    /// ```no_run
    /// # use keyvault_administration::{KeyVaultEkmClient, KeyVaultEkmConnection};
    /// # async fn run(client: &KeyVaultEkmClient) -> keyvault_administration::Result<()> {
    /// # let proxy_root_ca_der: Vec<u8> = Vec::new();
    /// let connection = KeyVaultEkmConnection::new("ekm-proxy.contoso.com", vec![proxy_root_ca_der])
    ///     .with_path_prefix("/api/v1");
    /// client.create_ekm_connection(&connection, None).await?;
    /// # Ok(()) }
    /// ```
    pub async fn create_ekm_connection(
        &self,
        connection: &KeyVaultEkmConnection,
        options: Option<CreateEkmConnectionOptions<'_>>,
    ) -> Result<KeyVaultEkmConnection> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultEkmClient.create_ekm_connection",
            &options.method_options,
        );
        self.require("create_ekm_connection")?;
        validate_ekm_host("host", &connection.host)?;
        validate_optional(
            connection.path_prefix.as_deref(),
            "path_prefix",
            validate_path_prefix,
        )?;
        validate_der_certificates("server_ca_certificates", &connection.server_ca_certificates)?;
        validate_optional(
            connection.server_subject_common_name.as_deref(),
            "server_subject_common_name",
            validate_common_name,
        )?;
        Self::send(
            &pipeline,
            Method::Post,
            Some("create"),
            Some(to_json(connection)?),
        )
        .await
    }

    /// Updates the EKM connection (a PATCH: the fields `update` leaves `None` keep their
    /// value) and returns it as it now is; a 404 from the service when the HSM has none. Pass
    /// a whole [`KeyVaultEkmConnection`] with `.into()` to replace every field it sets.
    ///
    /// ```no_run
    /// # use keyvault_administration::{KeyVaultEkmClient, KeyVaultEkmConnectionUpdate};
    /// # async fn run(client: &KeyVaultEkmClient) -> keyvault_administration::Result<()> {
    /// let update = KeyVaultEkmConnectionUpdate {
    ///     path_prefix: Some("/api/v2".into()),
    ///     ..Default::default()
    /// };
    /// let connection = client.update_ekm_connection(&update, None).await?;
    /// println!("now {:?}", connection.path_prefix);
    /// # Ok(()) }
    /// ```
    pub async fn update_ekm_connection(
        &self,
        update: &KeyVaultEkmConnectionUpdate,
        options: Option<UpdateEkmConnectionOptions<'_>>,
    ) -> Result<KeyVaultEkmConnection> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultEkmClient.update_ekm_connection",
            &options.method_options,
        );
        self.require("update_ekm_connection")?;
        if *update == KeyVaultEkmConnectionUpdate::default() {
            return Err(Error::invalid_argument(
                "update",
                "changes nothing: set at least one field",
            ));
        }
        validate_optional(update.host.as_deref(), "host", validate_ekm_host)?;
        validate_optional(
            update.path_prefix.as_deref(),
            "path_prefix",
            validate_path_prefix,
        )?;
        validate_optional(
            update.server_ca_certificates.as_deref(),
            "server_ca_certificates",
            validate_der_certificates,
        )?;
        validate_optional(
            update.server_subject_common_name.as_deref(),
            "server_subject_common_name",
            validate_common_name,
        )?;
        Self::send(&pipeline, Method::Patch, None, Some(to_json(update)?)).await
    }

    /// Deletes the EKM connection and returns it as it was; a 404 from the service when the
    /// HSM has none.
    ///
    /// ```no_run
    /// # use keyvault_administration::KeyVaultEkmClient;
    /// # async fn run(client: &KeyVaultEkmClient) -> keyvault_administration::Result<()> {
    /// let deleted = client.delete_ekm_connection(None).await?;
    /// println!("disconnected from {}", deleted.host);
    /// # Ok(()) }
    /// ```
    pub async fn delete_ekm_connection(
        &self,
        options: Option<DeleteEkmConnectionOptions<'_>>,
    ) -> Result<KeyVaultEkmConnection> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultEkmClient.delete_ekm_connection",
            &options.method_options,
        );
        self.require("delete_ekm_connection")?;
        Self::send(&pipeline, Method::Delete, None, None).await
    }

    /// Gets the client certificate the HSM presents to the EKM proxy: its CA chain and
    /// subject common name, for the proxy to trust. Available before any connection exists.
    ///
    /// ```no_run
    /// # use keyvault_administration::KeyVaultEkmClient;
    /// # async fn run(client: &KeyVaultEkmClient) -> keyvault_administration::Result<()> {
    /// let certificate = client.get_ekm_certificate(None).await?;
    /// println!(
    ///     "trust {} ({} CA certificates) on the proxy",
    ///     certificate.subject_common_name,
    ///     certificate.ca_certificates.len()
    /// );
    /// # Ok(()) }
    /// ```
    pub async fn get_ekm_certificate(
        &self,
        options: Option<GetEkmCertificateOptions<'_>>,
    ) -> Result<KeyVaultEkmProxyClientCertificateInfo> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultEkmClient.get_ekm_certificate",
            &options.method_options,
        );
        self.require("get_ekm_certificate")?;
        Self::send(&pipeline, Method::Get, Some("certificate"), None).await
    }

    /// Checks that the HSM reaches the EKM proxy and authenticates to it, and returns what
    /// the proxy reports about itself.
    ///
    /// ```no_run
    /// # use keyvault_administration::KeyVaultEkmClient;
    /// # async fn run(client: &KeyVaultEkmClient) -> keyvault_administration::Result<()> {
    /// let proxy = client.check_ekm_connection(None).await?;
    /// println!("{} {} (proxy API {})", proxy.proxy_vendor, proxy.proxy_name, proxy.api_version);
    /// # Ok(()) }
    /// ```
    pub async fn check_ekm_connection(
        &self,
        options: Option<CheckEkmConnectionOptions<'_>>,
    ) -> Result<KeyVaultEkmProxyInfo> {
        let options = options.unwrap_or_default();
        let pipeline = self.pipeline.operation(
            "KeyVaultEkmClient.check_ekm_connection",
            &options.method_options,
        );
        self.require("check_ekm_connection")?;
        Self::send(&pipeline, Method::Post, Some("check"), None).await
    }
}

/// Runs `check` on `value` when there is one.
fn validate_optional<T: ?Sized>(
    value: Option<&T>,
    argument: &'static str,
    check: fn(&'static str, &T) -> Result<()>,
) -> Result<()> {
    value.map_or(Ok(()), |value| check(argument, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_are_clone_send_sync() {
        fn assert<T: Clone + Send + Sync>() {}
        assert::<KeyVaultEkmClient>();
    }

    #[test]
    fn certificates_are_not_dumped_by_debug() {
        let connection = KeyVaultEkmConnection::new("proxy", vec![vec![0x30; 600]]);
        let text = format!("{connection:?}");
        assert!(
            text.contains("<600 bytes of DER>") && text.len() < 300,
            "{text}"
        );
        let update: KeyVaultEkmConnectionUpdate = connection.into();
        assert!(format!("{update:?}").contains("<600 bytes of DER>"));
    }
}
