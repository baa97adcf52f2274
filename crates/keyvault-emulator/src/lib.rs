//! An in-memory HTTPS emulator of the Azure Key Vault data plane, for tests.
//!
//! The emulator is a real server (hyper + rustls) with in-memory state: vaults chosen by host name,
//! an Entra ID-style token endpoint that a real `azure_identity::ClientSecretCredential` can use,
//! signed access tokens checked for signature, audience and expiry against an injectable clock,
//! the complete secrets and keys REST surfaces with soft delete, paging and backups (keys with real
//! RustCrypto cryptography, rotation, secure key release and a Managed HSM flavour), and fault
//! injection. With [`EmulatorOptions::state_dir`] the state is kept across restarts, every
//! acknowledged write stored before it is answered; [`Control::export`] and
//! [`Control::import`] move vaults in and out as JSON fixtures.
//!
//! ```no_run
//! # async fn example() -> Result<(), keyvault_emulator::EmulatorError> {
//! use keyvault_emulator::{Emulator, EmulatorOptions};
//!
//! let emulator = Emulator::start(EmulatorOptions::default()).await?;
//! let vault_url = emulator.vault_url("myvault"); // https://myvault.vault.azure.net:{port}
//! let credential = emulator.credential();        // a real azure_identity ClientSecretCredential
//! let options = emulator.client_options();       // trusts the emulator, resolves every host to it
//! # let _ = (vault_url, credential, options);
//! emulator.shutdown().await;
//! # Ok(()) }
//! ```
// docs.rs (nightly) labels items behind a cfg with it; `doc_auto_cfg` was merged into
// `doc_cfg` in Rust 1.92.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod admin;
mod arm;
mod auth;
mod certificates;
mod clock;
mod errors;
mod fixture;
mod http;
mod keys;
mod lifecycle;
mod persistence;
mod secrets;
mod server;
mod storage;
mod sync;
pub mod target;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use azure_core::cloud::{CloudConfiguration, CustomConfiguration};
use azure_core::credentials::Secret;
use azure_core::http::{ClientOptions, Transport};
use azure_identity::{ClientSecretCredential, ClientSecretCredentialOptions};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The client side of the emulator's Managed HSM security domain format: certificate keys to
/// download a security domain with, and its preparation for an HSM's transfer key before an
/// upload.
pub use admin::security_domain::tools as security_domain;
pub use http::api_version::{KNOWN_API_VERSIONS, LATEST_API_VERSION};
pub use server::control::{Control, RecordedRequest};
pub use server::faults::Fault;
pub use server::tls::CERTIFICATE_NAMES;
pub use storage::vault::{route, Flavour, DEFAULT_VAULT};
pub use target::{Target, TargetError};

/// The tenant id used when none is configured.
pub const DEFAULT_TENANT_ID: &str = "6d4a3f6e-5b2c-4e8e-9f3a-1c2b3d4e5f60";
/// The client id used when none is configured.
pub const DEFAULT_CLIENT_ID: &str = "keyvault-emulator-client";
/// The client secret used when none is configured.
pub const DEFAULT_CLIENT_SECRET: &str = "keyvault-emulator-secret";

/// How to start an [`Emulator`].
#[derive(Debug, Clone)]
pub struct EmulatorOptions {
    /// Address to listen on; port 0 picks a free port. Default `127.0.0.1:0`.
    pub bind: SocketAddr,
    /// The tenant whose token endpoint the emulator serves. Default [`DEFAULT_TENANT_ID`].
    pub tenant_id: String,
    /// The only client id the token endpoint accepts. Default [`DEFAULT_CLIENT_ID`].
    pub client_id: String,
    /// The secret of that client. Default [`DEFAULT_CLIENT_SECRET`].
    pub client_secret: String,
    /// Lifetime of issued access tokens. Default one hour.
    pub token_lifetime: Duration,
    /// How long a deletion (or recovery) takes to complete. Default zero.
    pub delete_latency: Duration,
    /// How long a certificate request to the `Self` issuer stays `inProgress` before it completes.
    /// Default zero: the first poll after the create sees it completed.
    pub certificate_latency: Duration,
    /// The folder standing in for Azure Blob Storage in Managed HSM full backups: the container
    /// `https://{host}/{container}` is `{backup_dir}/{host}/{container}`. Default: a new folder
    /// under the system's temporary directory, removed when the emulator stops.
    pub backup_dir: Option<std::path::PathBuf>,
    /// How long a Managed HSM backup or restore job stays `InProgress`. Default zero.
    pub admin_job_latency: Duration,
    /// How long, at the least, an asynchronous ARM operation (creating a vault or a Managed HSM
    /// pool, updating or deleting a pool, purging either) stays in progress. Default zero: each
    /// is seen in progress once, then done.
    pub arm_operation_latency: Duration,
    /// The folder that keeps the emulator's state across restarts (the binary's
    /// `--state-dir`): every vault and Managed HSM with all their objects, the ARM resources,
    /// the clock offset, the CA, the token signing key and the backup key, in a SQLite database
    /// `state.sqlite3` written before each successful write request is answered (see the
    /// crate README, "Persistence"). A new emulator on the same folder carries on where the
    /// last one stopped, even one killed with `SIGKILL`. Managed HSM full backups go to its
    /// `blobs` folder unless `backup_dir` is set. Default `None`: everything is in memory.
    pub state_dir: Option<std::path::PathBuf>,
}

impl Default for EmulatorOptions {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            tenant_id: DEFAULT_TENANT_ID.to_string(),
            client_id: DEFAULT_CLIENT_ID.to_string(),
            client_secret: DEFAULT_CLIENT_SECRET.to_string(),
            token_lifetime: Duration::from_secs(3600),
            delete_latency: Duration::ZERO,
            certificate_latency: Duration::ZERO,
            backup_dir: None,
            admin_job_latency: Duration::ZERO,
            arm_operation_latency: Duration::ZERO,
            state_dir: None,
        }
    }
}

/// Why an emulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    /// The listening socket could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The certificate or TLS configuration could not be built.
    #[error("TLS setup failed: {0}")]
    Tls(String),
    /// An option is invalid.
    #[error("invalid option: {0}")]
    InvalidOption(String),
    /// The HTTP client trusting the emulator could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
    /// The state folder ([`EmulatorOptions::state_dir`]) could not be opened or read.
    #[error("state folder: {0}")]
    State(String),
}

/// A running emulator. Dropping it stops the server; [`Emulator::shutdown`] also waits for it.
#[derive(Debug)]
pub struct Emulator {
    state: Arc<storage::state::State>,
    client: reqwest::Client,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

/// Resolves every host name to the emulator's address.
#[derive(Debug)]
struct LoopbackResolver {
    ip: IpAddr,
}

impl reqwest::dns::Resolve for LoopbackResolver {
    fn resolve(&self, _name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let addr = SocketAddr::new(self.ip, 0);
        Box::pin(async move {
            let addrs: reqwest::dns::Addrs = Box::new(std::iter::once(addr));
            Ok(addrs)
        })
    }
}

fn validate(options: &EmulatorOptions) -> Result<(), EmulatorError> {
    let tenant_ok = !options.tenant_id.is_empty()
        && options
            .tenant_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    if !tenant_ok {
        return Err(EmulatorError::InvalidOption(
            "tenant_id must be non-empty and contain only letters, digits, '-' and '.'".into(),
        ));
    }
    if options.client_id.is_empty() || options.client_secret.is_empty() {
        return Err(EmulatorError::InvalidOption(
            "client_id and client_secret must be non-empty".into(),
        ));
    }
    Ok(())
}

impl Emulator {
    /// Generates the certificates, binds the socket and starts serving on the current Tokio runtime.
    pub async fn start(options: EmulatorOptions) -> Result<Emulator, EmulatorError> {
        validate(&options)?;
        let (persistence, mut loaded) = match &options.state_dir {
            Some(dir) => {
                let (persistence, loaded) =
                    persistence::Persistence::open(dir).map_err(EmulatorError::State)?;
                (Some(persistence), Some(loaded))
            }
            None => (None, None),
        };
        let identity = loaded.as_mut().and_then(|l| l.identity.take());
        let certificates = match &identity {
            Some(identity) => {
                server::tls::generate_with(Some((&identity.ca_pem, &identity.ca_key_pem)))
            }
            None => server::tls::generate(),
        }
        .map_err(EmulatorError::Tls)?;
        let backup_dir = options.backup_dir.or_else(|| {
            options
                .state_dir
                .as_ref()
                .map(|dir| dir.join(persistence::BLOBS))
        });
        let listener =
            TcpListener::bind(options.bind)
                .await
                .map_err(|source| EmulatorError::Bind {
                    addr: options.bind,
                    source,
                })?;
        let local = listener
            .local_addr()
            .map_err(|source| EmulatorError::Bind {
                addr: options.bind,
                source,
            })?;
        let ip = match local.ip() {
            IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        let state = Arc::new(storage::state::State {
            port: local.port(),
            ip,
            tenant_id: options.tenant_id,
            client_id: options.client_id,
            client_secret: options.client_secret,
            object_id: identity
                .as_ref()
                .map(|i| i.object_id.clone())
                .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
            token_lifetime: options.token_lifetime,
            clock: clock::Clock::default(),
            delete_latency: Mutex::new(options.delete_latency),
            certificate_latency: Mutex::new(options.certificate_latency),
            faults: server::faults::FaultQueue::default(),
            requests: Mutex::new(Vec::new()),
            revocation: Mutex::new(auth::Revocation::default()),
            signer: match &identity {
                Some(identity) => auth::TokenSigner::from_bytes(identity.token_key.clone()),
                None => auth::TokenSigner::generate().map_err(EmulatorError::Tls)?,
            },
            backup_key: match &identity {
                Some(identity) => {
                    storage::backup::BackupKey::from_bytes(identity.backup_key.clone())
                }
                None => storage::backup::BackupKey::generate(),
            }
            .map_err(EmulatorError::Tls)?,
            vaults: Mutex::new(HashMap::new()),
            ca_pem: certificates.ca_pem,
            admin: admin::AdminState::new(backup_dir, options.admin_job_latency),
            arm: arm::ArmState::new(options.arm_operation_latency),
            persistence,
        });
        if let Some(loaded) = loaded {
            persistence::restore(&state, loaded, identity.is_none(), &certificates.ca_key_pem)
                .map_err(EmulatorError::State)?;
        }
        let client = build_client(&state)?;
        let acceptor = tokio_rustls::TlsAcceptor::from(certificates.server_config);
        let (shutdown, receiver) = watch::channel(false);
        let task = tokio::spawn(server::serve(listener, acceptor, state.clone(), receiver));
        Ok(Emulator {
            state,
            client,
            shutdown,
            task: Some(task),
        })
    }

    /// The port the emulator listens on.
    pub fn port(&self) -> u16 {
        self.state.port
    }

    /// `https://localhost:{port}`: the default vault, and the authority host of the token endpoint.
    pub fn endpoint(&self) -> String {
        self.state.endpoint()
    }

    /// `https://{name}.vault.azure.net:{port}`: the vault `name` (reachable with [`Emulator::http_client`]).
    pub fn vault_url(&self, name: &str) -> String {
        format!("https://{name}.vault.azure.net:{}", self.port())
    }

    /// `https://{name}.managedhsm.azure.net:{port}`: the Managed HSM `name` (resource `https://managedhsm.azure.net`).
    pub fn managed_hsm_url(&self, name: &str) -> String {
        format!("https://{name}.managedhsm.azure.net:{}", self.port())
    }

    /// The tenant id of the token endpoint.
    pub fn tenant_id(&self) -> &str {
        &self.state.tenant_id
    }

    /// The object id of the principal every token the emulator issues names (`oid`): the one
    /// a vault's access policies must name to let it in.
    pub fn object_id(&self) -> &str {
        &self.state.object_id
    }

    /// The client id the token endpoint accepts.
    pub fn client_id(&self) -> &str {
        &self.state.client_id
    }

    /// The client secret the token endpoint accepts.
    pub fn client_secret(&self) -> &str {
        &self.state.client_secret
    }

    /// PEM of the CA certificate that clients must trust.
    pub fn ca_certificate_pem(&self) -> &str {
        &self.state.ca_pem
    }

    /// A reqwest client that trusts only the emulator's CA and resolves every host name to the
    /// emulator, so `https://{name}.vault.azure.net:{port}` reaches it.
    pub fn http_client(&self) -> reqwest::Client {
        self.client.clone()
    }

    /// Client options whose transport is [`Emulator::http_client`].
    pub fn client_options(&self) -> ClientOptions {
        ClientOptions {
            transport: Some(Transport::new(Arc::new(self.http_client()))),
            ..Default::default()
        }
    }

    /// A real `azure_identity::ClientSecretCredential` for this emulator's tenant and client, with
    /// a custom cloud whose authority host is [`Emulator::endpoint`] and the emulator transport.
    pub fn credential(&self) -> Arc<ClientSecretCredential> {
        let mut cloud = CustomConfiguration::default();
        cloud.authority_host = self.endpoint();
        let mut client_options = self.client_options();
        client_options.cloud = Some(Arc::new(CloudConfiguration::Custom(cloud)));
        let options = ClientSecretCredentialOptions { client_options };
        // The options were validated by `start`: tenant id characters and non-empty id and secret
        // are all ClientSecretCredential::new checks.
        ClientSecretCredential::new(
            &self.state.tenant_id,
            self.state.client_id.clone(),
            Secret::new(self.state.client_secret.clone()),
            Some(options),
        )
        .expect("options validated at start")
    }

    /// A handle to the control plane.
    pub fn control(&self) -> Control {
        Control {
            state: self.state.clone(),
        }
    }

    /// Stops accepting connections, closes the open ones and waits for the server task.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

fn build_client(state: &storage::state::State) -> Result<reqwest::Client, EmulatorError> {
    let certificate = reqwest::Certificate::from_pem(state.ca_pem.as_bytes())
        .map_err(|e| EmulatorError::Client(e.to_string()))?;
    reqwest::Client::builder()
        .tls_certs_only([certificate])
        .dns_resolver(Arc::new(LoopbackResolver { ip: state.ip }))
        .no_proxy()
        .build()
        .map_err(|e| EmulatorError::Client(e.to_string()))
}
