//! `--state-dir`: the state survives restarts, and `kill -9` at any moment loses no write the
//! emulator acknowledged. The clients here trust the CA of the emulator's first run only and
//! get their tokens from a real `azure_identity::ClientSecretCredential`.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use azure_core::cloud::{CloudConfiguration, CustomConfiguration};
use azure_core::credentials::{Secret, TokenCredential as _};
use azure_core::http::{ClientOptions, Transport};
use azure_identity::{ClientSecretCredential, ClientSecretCredentialOptions};
use keyvault_emulator::{
    Emulator, EmulatorOptions, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_TENANT_ID,
};
use rand::Rng as _;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{into_resp, Resp, API};

/// Resolves every host to the loopback address; the port comes from the URL.
struct Loopback;

impl reqwest::dns::Resolve for Loopback {
    fn resolve(&self, _name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        Box::pin(async {
            let addrs: reqwest::dns::Addrs =
                Box::new(std::iter::once(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))));
            Ok(addrs)
        })
    }
}

/// A client that trusts `ca_pem` only.
pub(crate) fn http_client(ca_pem: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(ca_pem.as_bytes()).unwrap()])
        .dns_resolver(Arc::new(Loopback))
        .no_proxy()
        .build()
        .unwrap()
}

/// A token for `scope` from a real credential whose authority is the emulator on `port`.
pub(crate) async fn token(http: &reqwest::Client, port: u16, scope: &str) -> String {
    let mut cloud = CustomConfiguration::default();
    cloud.authority_host = format!("https://localhost:{port}");
    let client_options = ClientOptions {
        transport: Some(Transport::new(Arc::new(http.clone()))),
        cloud: Some(Arc::new(CloudConfiguration::Custom(cloud))),
        ..Default::default()
    };
    let credential = ClientSecretCredential::new(
        DEFAULT_TENANT_ID,
        DEFAULT_CLIENT_ID.to_string(),
        Secret::new(DEFAULT_CLIENT_SECRET),
        Some(ClientSecretCredentialOptions { client_options }),
    )
    .unwrap();
    credential
        .get_token(&[scope], None)
        .await
        .expect("token")
        .token
        .secret()
        .to_string()
}

/// The emulator on `port`, through `http`, with `token`.
#[derive(Clone)]
struct Client {
    http: reqwest::Client,
    port: u16,
    token: String,
}

impl Client {
    fn url(&self, vault: &str, path: &str) -> String {
        let sep = if path.contains('?') { '&' } else { '?' };
        format!(
            "https://{vault}.vault.azure.net:{}{path}{sep}api-version={API}",
            self.port
        )
    }

    /// A request; `None` when no answer came (the emulator was killed).
    async fn try_call(&self, method: Method, url: &str, body: Option<Value>) -> Option<Resp> {
        let mut request = self.http.request(method, url).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.ok()?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        // The body must arrive whole for the answer to count.
        let text = response.text().await.ok()?;
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Some(Resp {
            status,
            headers,
            body,
            text,
        })
    }

    async fn call(&self, method: Method, url: &str, body: Option<Value>) -> Resp {
        let request = self.http.request(method, url).bearer_auth(&self.token);
        let request = match body {
            Some(body) => request.json(&body),
            None => request,
        };
        into_resp(request.send().await.expect("answer")).await
    }

    async fn vault(&self, method: Method, path: &str, body: Option<Value>) -> Resp {
        self.call(method, &self.url("kv", path), body).await
    }
}

/// The emulator binary, killed when dropped.
struct Process {
    child: Child,
    port: u16,
    ca_pem: String,
}

impl Process {
    fn start(dir: &Path, round: usize) -> Process {
        let cert = dir.join(format!("ca-{round}.pem"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_keyvault-emulator"))
            .arg("--bind=127.0.0.1:0")
            .arg("--state-dir")
            .arg(dir.join("state"))
            .arg("--cert-out")
            .arg(&cert)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the emulator binary starts");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).unwrap();
        let port = line
            .trim()
            .rsplit_once(':')
            .and_then(|(_, port)| port.parse().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        let ca_pem = std::fs::read_to_string(&cert).unwrap();
        Process {
            child,
            port,
            ca_pem,
        }
    }

    /// `kill -9`.
    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh folder under the temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!(
            "keyvault-emulator-persistence-{}",
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A write the emulator acknowledged with a 2xx.
#[derive(Debug, Clone)]
enum Ack {
    /// A secret version and its value.
    Secret {
        name: String,
        version: String,
        value: String,
    },
    /// A secret version whose deletion may have been under way when the emulator died.
    SecretOrDeleted { name: String, version: String },
    /// A key version and its public `x`.
    Key {
        name: String,
        version: String,
        x: String,
    },
    /// A soft-deleted secret.
    Deleted { name: String },
}

fn last_segment(id: &Value) -> String {
    id.as_str().unwrap().rsplit('/').next().unwrap().to_string()
}

/// One worker's writes until `stop`: `kind` 0 new secrets, 1 versions of one secret, 2 EC
/// keys, 3 secrets set then deleted.
async fn load(client: Client, round: usize, kind: usize, stop: Arc<AtomicBool>) -> Vec<Ack> {
    let mut acks = Vec::new();
    let mut i = 0;
    while !stop.load(Ordering::SeqCst) {
        i += 1;
        let value = uuid::Uuid::new_v4().to_string();
        match kind {
            0 | 1 => {
                let name = if kind == 0 {
                    format!("s{round}-{i}")
                } else {
                    format!("versions{round}")
                };
                let url = client.url("kv", &format!("/secrets/{name}"));
                let body = json!({ "value": value });
                let Some(r) = client.try_call(Method::PUT, &url, Some(body)).await else {
                    break;
                };
                assert_eq!(r.status, 200, "{}", r.text);
                acks.push(Ack::Secret {
                    name,
                    version: last_segment(&r.body["id"]),
                    value,
                });
            }
            2 => {
                let name = format!("k{round}-{i}");
                let url = client.url("kv", &format!("/keys/{name}/create"));
                let body = json!({ "kty": "EC", "crv": "P-256" });
                let Some(r) = client.try_call(Method::POST, &url, Some(body)).await else {
                    break;
                };
                assert_eq!(r.status, 200, "{}", r.text);
                acks.push(Ack::Key {
                    name,
                    version: last_segment(&r.body["key"]["kid"]),
                    x: r.body["key"]["x"].as_str().unwrap().to_string(),
                });
            }
            _ => {
                let name = format!("d{round}-{i}");
                let url = client.url("kv", &format!("/secrets/{name}"));
                let body = json!({ "value": value });
                let Some(r) = client.try_call(Method::PUT, &url, Some(body)).await else {
                    break;
                };
                assert_eq!(r.status, 200, "{}", r.text);
                acks.push(Ack::SecretOrDeleted {
                    name: name.clone(),
                    version: last_segment(&r.body["id"]),
                });
                let Some(r) = client.try_call(Method::DELETE, &url, None).await else {
                    break;
                };
                assert_eq!(r.status, 200, "{}", r.text);
                acks.push(Ack::Deleted { name });
            }
        }
    }
    acks
}

/// Checks that every acknowledged write is there.
async fn check(client: &Client, acks: &[Ack]) {
    for ack in acks {
        match ack {
            Ack::Secret {
                name,
                version,
                value,
            } => {
                let r = client
                    .vault(Method::GET, &format!("/secrets/{name}/{version}"), None)
                    .await;
                assert_eq!(r.status, 200, "{ack:?}: {}", r.text);
                assert_eq!(r.body["value"], *value, "{ack:?}");
            }
            Ack::SecretOrDeleted { name, version } => {
                let active = client
                    .vault(Method::GET, &format!("/secrets/{name}/{version}"), None)
                    .await;
                let deleted = client
                    .vault(Method::GET, &format!("/deletedsecrets/{name}"), None)
                    .await;
                assert!(
                    active.status == 200 || deleted.status == 200,
                    "{ack:?}: {} / {}",
                    active.text,
                    deleted.text
                );
            }
            Ack::Key { name, version, x } => {
                let r = client
                    .vault(Method::GET, &format!("/keys/{name}/{version}"), None)
                    .await;
                assert_eq!(r.status, 200, "{ack:?}: {}", r.text);
                assert_eq!(r.body["key"]["x"], *x, "{ack:?}");
            }
            Ack::Deleted { name } => {
                let r = client
                    .vault(Method::GET, &format!("/deletedsecrets/{name}"), None)
                    .await;
                assert_eq!(r.status, 200, "{ack:?}: {}", r.text);
                let r = client
                    .vault(Method::GET, &format!("/secrets/{name}"), None)
                    .await;
                assert_eq!(r.status, 404, "{ack:?}: {}", r.text);
            }
        }
    }
}

const ROUNDS: usize = 15;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_under_load_loses_no_acknowledged_write() {
    let dir = TempDir::new();
    let first = Process::start(&dir.0, 0);
    // Every client of every round trusts the first run's CA, and keeps its first token.
    let http = http_client(&first.ca_pem);
    let first_ca = first.ca_pem.clone();
    let token = token(&http, first.port, "https://vault.azure.net/.default").await;
    let mut process = Some(first);
    let acked = Arc::new(Mutex::new(Vec::<Ack>::new()));
    for round in 0..=ROUNDS {
        let emulator = match process.take() {
            Some(p) => p,
            None => Process::start(&dir.0, round),
        };
        assert_eq!(emulator.ca_pem, first_ca, "round {round}: the CA survives");
        let client = Client {
            http: http.clone(),
            port: emulator.port,
            token: token.clone(),
        };
        let so_far = acked.lock().unwrap().clone();
        check(&client, &so_far).await;
        if round == ROUNDS {
            // Still writable after the last kill.
            let r = client
                .vault(Method::PUT, "/secrets/after", Some(json!({"value": "v"})))
                .await;
            assert_eq!(r.status, 200, "{}", r.text);
            let r = client.vault(Method::GET, "/secrets/after", None).await;
            assert_eq!(r.body["value"], "v");
            println!(
                "{ROUNDS} rounds of kill -9, {} acknowledged writes checked",
                so_far.len()
            );
            assert!(so_far.len() >= ROUNDS, "too few writes: {}", so_far.len());
            break;
        }
        let stop = Arc::new(AtomicBool::new(false));
        let workers: Vec<_> = (0..4)
            .map(|kind| tokio::spawn(load(client.clone(), round, kind, stop.clone())))
            .collect();
        let wait = rand::thread_rng().gen_range(50..=300);
        tokio::time::sleep(Duration::from_millis(wait)).await;
        emulator.kill();
        stop.store(true, Ordering::SeqCst);
        for worker in workers {
            let acks = worker.await.unwrap();
            acked.lock().unwrap().extend(acks);
        }
    }
}

/// `PUT`/`GET` on ARM, `https://management.azure.com:{port}/subscriptions/{SUB}{path}`.
fn arm_url(port: u16, path: &str) -> String {
    format!(
        "https://management.azure.com:{port}/subscriptions/00000000-0000-0000-0000-0000000000aa\
         {path}?api-version=2026-02-01"
    )
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[tokio::test]
async fn a_restart_keeps_keys_certificates_backups_arm_roles_the_clock_and_the_ca() {
    let dir = TempDir::new();
    let options = || EmulatorOptions {
        state_dir: Some(dir.0.join("state")),
        ..EmulatorOptions::default()
    };
    let emulator = Emulator::start(options()).await.unwrap();
    let ca_pem = emulator.ca_certificate_pem().to_string();
    let http = http_client(&ca_pem);
    let port = emulator.port();
    let vault_token = token(&http, port, "https://vault.azure.net/.default").await;
    let client = Client {
        http: http.clone(),
        port,
        token: vault_token,
    };

    // A key that signs.
    let r = client
        .vault(
            Method::POST,
            "/keys/signer/create",
            Some(json!({"kty": "RSA", "key_size": 2048})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let key_version = last_segment(&r.body["key"]["kid"]);
    let digest = b64(&[7u8; 32]);
    let r = client
        .vault(
            Method::POST,
            &format!("/keys/signer/{key_version}/sign"),
            Some(json!({"alg": "RS256", "value": digest})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let signature = r.body["value"].clone();

    // A self-signed certificate.
    let policy = json!({
        "key_props": {"kty": "EC", "crv": "P-256", "exportable": true},
        "secret_props": {"contentType": "application/x-pem-file"},
        "x509_props": {"subject": "CN=persisted", "validity_months": 12},
        "issuer": {"name": "Self"}
    });
    let r = client
        .vault(
            Method::POST,
            "/certificates/web/create",
            Some(json!({ "policy": policy })),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    let mut cer = Value::Null;
    for _ in 0..50 {
        let r = client.vault(Method::GET, "/certificates/web", None).await;
        if r.status == 200 && r.body["cer"].is_string() {
            cer = r.body["cer"].clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(cer.is_string(), "the certificate was issued");

    // An ARM vault.
    let arm_token = token(&http, port, "https://management.azure.com/.default").await;
    let arm_vault = "/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/persisted-kv";
    let body = json!({
        "location": "westus",
        "properties": {"tenantId": DEFAULT_TENANT_ID, "sku": {"family": "A", "name": "standard"}}
    });
    let r = into_resp(
        http.put(arm_url(port, arm_vault))
            .bearer_auth(&arm_token)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(r.status == 200 || r.status == 201, "{}", r.text);

    // A Managed HSM role assignment.
    let hsm_token = token(&http, port, "https://managedhsm.azure.net/.default").await;
    let assignment = "11111111-2222-3333-4444-555555555555";
    let assignment_url = format!(
        "https://h1.managedhsm.azure.net:{port}/providers/Microsoft.Authorization/roleAssignments/{assignment}?api-version=7.6"
    );
    let definition = "Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/21dbd100-6940-42c2-9190-5d6cb909625b";
    let r = into_resp(
        http.put(&assignment_url)
            .bearer_auth(&hsm_token)
            .json(&json!({"properties": {"roleDefinitionId": definition, "principalId": "p1"}}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let setting_url = |port: u16| {
        format!(
            "https://h1.managedhsm.azure.net:{port}/settings/AllowKeyManagementOperationsThroughARM?api-version=7.6"
        )
    };
    let r = into_resp(
        http.patch(setting_url(port))
            .bearer_auth(&hsm_token)
            .json(&json!({"value": "true"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);

    // A Managed HSM only read from: its first request made its built-in role assignments.
    let assignments_url = |port: u16| {
        format!(
            "https://h2.managedhsm.azure.net:{port}/providers/Microsoft.Authorization/roleAssignments?api-version=7.6"
        )
    };
    let names = |body: &Value| -> Vec<String> {
        let mut names: Vec<String> = body["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].as_str().unwrap().to_string())
            .collect();
        names.sort();
        names
    };
    let r = into_resp(
        http.get(assignments_url(port))
            .bearer_auth(&hsm_token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let read_only_assignments = names(&r.body);
    assert!(!read_only_assignments.is_empty());

    // A secret's backup blob, sealed with the emulator's backup key.
    let r = client
        .vault(Method::PUT, "/secrets/kept", Some(json!({"value": "k"})))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = client
        .vault(Method::POST, "/secrets/kept/backup", None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let blob = r.body["value"].clone();

    // The clock, three days ahead.
    emulator
        .control()
        .advance_clock(Duration::from_secs(3 * 86_400));
    emulator.shutdown().await;

    let emulator = Emulator::start(options()).await.unwrap();
    assert_eq!(emulator.ca_certificate_pem(), ca_pem);
    let port = emulator.port();
    // The old client (old CA) on the new port; new tokens, as the clock has passed the old
    // ones' expiry.
    let client = Client {
        http: http.clone(),
        port,
        token: token(&http, port, "https://vault.azure.net/.default").await,
    };
    let arm_token = token(&http, port, "https://management.azure.com/.default").await;
    let hsm_token = token(&http, port, "https://managedhsm.azure.net/.default").await;
    let r = client
        .vault(
            Method::POST,
            &format!("/keys/signer/{key_version}/verify"),
            Some(json!({"alg": "RS256", "digest": digest, "value": signature})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["value"], true);

    let r = client.vault(Method::GET, "/certificates/web", None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["cer"], cer);

    // The backup taken before the restart restores after it (into another vault).
    let r = client
        .call(
            Method::POST,
            &client.url("other", "/secrets/restore"),
            Some(json!({ "value": blob })),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = client
        .call(Method::GET, &client.url("other", "/secrets/kept"), None)
        .await;
    assert_eq!(r.body["value"], "k");

    let r = into_resp(
        http.get(arm_url(port, arm_vault))
            .bearer_auth(&arm_token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // Built when answering: the new port, not the one of the first run.
    assert_eq!(
        r.body["properties"]["vaultUri"],
        format!("https://persisted-kv.vault.azure.net:{port}/")
    );

    let assignment_url = format!(
        "https://h1.managedhsm.azure.net:{port}/providers/Microsoft.Authorization/roleAssignments/{assignment}?api-version=7.6"
    );
    let r = into_resp(
        http.get(&assignment_url)
            .bearer_auth(&hsm_token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["properties"]["principalId"], "p1");
    let r = into_resp(
        http.get(setting_url(port))
            .bearer_auth(&hsm_token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.body["value"], "true", "{}", r.text);
    let r = into_resp(
        http.get(assignments_url(port))
            .bearer_auth(&hsm_token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(names(&r.body), read_only_assignments);

    let real = time::OffsetDateTime::now_utc();
    let ahead = emulator.control().now() - real;
    assert!(
        ahead >= time::Duration::days(3),
        "clock offset kept: {ahead}"
    );
    emulator.shutdown().await;
}
