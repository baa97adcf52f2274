#![doc = include_str!("../README.md")]

/// The constructor and the accessors every client of this crate shares: `new`, `vault_url`,
/// `api_version` and `send_request`, over a `pipeline: KeyVaultPipeline` field.
macro_rules! hsm_client_basics {
    ($client:ident) => {
        impl $client {
            /// A client of the Managed HSM at `vault_url` (`https://{hsm}.managedhsm.azure.net`).
            pub fn new(
                vault_url: &str,
                credential: ::std::sync::Arc<dyn ::azure_core::credentials::TokenCredential>,
                options: Option<$crate::AdministrationClientOptions>,
            ) -> ::keyvault_core::Result<Self> {
                let pipeline = ::keyvault_core::KeyVaultPipeline::new(
                    vault_url,
                    credential,
                    options.unwrap_or_default(),
                    env!("CARGO_PKG_NAME"),
                    env!("CARGO_PKG_VERSION"),
                )?;
                Ok($client { pipeline })
            }

            /// The HSM's URL, `https://{hsm}[:{port}]`.
            pub fn vault_url(&self) -> &str {
                self.pipeline.vault_url().as_str().trim_end_matches('/')
            }

            /// The API version this client sends.
            pub fn api_version(&self) -> &::keyvault_core::ApiVersion {
                self.pipeline.api_version()
            }

            /// Sends a request of your own through this client's pipeline (challenge
            /// authentication, retries, request id) and returns the response whatever its
            /// status, for operations the client does not offer. The URL must point at this
            /// client's vault; the client's API version is added when the URL carries none.
            pub async fn send_request(
                &self,
                request: ::azure_core::http::Request,
            ) -> ::keyvault_core::Result<::azure_core::http::RawResponse> {
                self.pipeline.send_request(request).await
            }
        }
    };
}

mod access_control;
mod backup;
mod ekm;
mod models;
mod scope;
mod settings;
mod validation;

pub use access_control::{
    AdministrationClientOptions, CreateRoleAssignmentOptions, KeyVaultAccessControlClient,
    SetRoleDefinitionOptions,
};
pub use backup::{KeyVaultBackupClient, RestoreOptions};
pub use ekm::KeyVaultEkmClient;
pub use models::{
    KeyVaultBackupResult, KeyVaultDataAction, KeyVaultEkmConnection, KeyVaultEkmConnectionUpdate,
    KeyVaultEkmProxyClientCertificateInfo, KeyVaultEkmProxyInfo, KeyVaultPermission,
    KeyVaultRestoreResult, KeyVaultRoleAssignment, KeyVaultRoleAssignmentProperties,
    KeyVaultRoleDefinition, KeyVaultRoleType, KeyVaultSetting, KeyVaultSettingType,
    StorageAuthentication,
};
pub use scope::KeyVaultRoleScope;
pub use settings::KeyVaultSettingsClient;

pub use keyvault_core::async_operation::{AsyncOperationStatus, OperationStatus};
/// The `azure_core` this crate is built on: its `ClientOptions`, `Request` (for
/// `send_request`) and credential traits, at the version the clients take.
pub use keyvault_core::azure_core;
pub use keyvault_core::{
    ApiVersion, Error, ListOptions, Page, Pager, Poller, PollerOptions, PollerStatus, Result,
    SecretString,
};

#[cfg(test)]
mod wire_tests;
