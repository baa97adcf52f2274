//! `--state-dir`: the emulator's state kept in a SQLite database across restarts.
//!
//! The state is cut in parts, each stored as one row `(key, generation, body)` of the table
//! `state`: one row per vault or Managed HSM (`vault/{vault key}`), one per Managed HSM's
//! administration (`hsm-admin/{name}`: RBAC, settings, jobs, EKM, security domain), three for
//! ARM (`arm/vaults`, `arm/hsms`, `arm/links`), one for the clock offset and token revocation
//! (`clock`) and one, written once, for what makes the emulator itself (`identity`: the CA, the
//! token signing key, the backup key and the principal's object id).
//!
//! After a write request has been handled with a 2xx, and before its response is sent, the
//! parts it may have changed are serialized, each under the lock that guards it and with a
//! generation number taken under that same lock, and written in one transaction
//! (`synchronous=FULL`, WAL) by a dedicated writer thread; a row is only replaced by a row of a
//! higher generation. As every snapshot is taken after the write it follows, the newest stored
//! row of a part holds every write acknowledged so far; whatever the moment the process dies,
//! SQLite's journal leaves the last committed transaction whole.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::Mutex;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use rusqlite::{params, Connection, OptionalExtension as _};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::storage::state::State;
use crate::storage::vault::{vault_key, Flavour, Vault};
use crate::sync::lock;

/// The database file in the state folder.
pub(crate) const DATABASE: &str = "state.sqlite3";
/// The folder of the state folder that stands in for blob storage, unless `backup_dir` is set.
pub(crate) const BLOBS: &str = "blobs";

const IDENTITY: &str = "identity";
const CLOCK: &str = "clock";
const VAULT: &str = "vault/";
const HSM_ADMIN: &str = "hsm-admin/";
const ARM_VAULTS: &str = "arm/vaults";
const ARM_HSMS: &str = "arm/hsms";
const ARM_LINKS: &str = "arm/links";

/// The table of the database.
const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS state (
    key TEXT PRIMARY KEY NOT NULL,
    generation INTEGER NOT NULL,
    body BLOB
)";

/// One part of the state to store; `body: None` removes it. (No `Debug`: the body holds
/// secret values and private keys.)
struct Row {
    key: String,
    generation: u64,
    body: Option<Vec<u8>>,
}

/// Rows to commit together, and whom to tell once they are.
struct Batch {
    rows: Vec<Row>,
    done: Box<dyn FnOnce(Result<(), String>) + Send>,
}

/// The state folder of a running emulator.
pub(crate) struct Persistence {
    generation: AtomicU64,
    sender: Mutex<mpsc::Sender<Batch>>,
    /// The keys of the vault and HSM administration rows stored with a body, to remove those
    /// whose part has gone.
    stored: Mutex<BTreeSet<String>>,
}

impl std::fmt::Debug for Persistence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Persistence")
            .field("generation", &self.generation)
            .finish_non_exhaustive()
    }
}

/// What makes an emulator itself; written once, when a state folder is first used.
#[derive(Serialize, Deserialize)]
pub(crate) struct Identity {
    pub(crate) ca_pem: String,
    pub(crate) ca_key_pem: String,
    #[serde(with = "serde_with::zeroizing32")]
    pub(crate) token_key: Zeroizing<[u8; 32]>,
    #[serde(with = "serde_with::zeroizing32")]
    pub(crate) backup_key: Zeroizing<[u8; 32]>,
    pub(crate) object_id: String,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field("object_id", &self.object_id)
            .finish_non_exhaustive()
    }
}

impl Drop for Identity {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.ca_key_pem);
    }
}

/// The clock offset and token revocation.
#[derive(Debug, Default, Serialize, Deserialize)]
struct ClockRow {
    offset: Duration,
    revocation_epoch: u64,
    revocation_at: i64,
}

/// The rows of a state folder, read at start.
#[derive(Debug, Default)]
pub(crate) struct Loaded {
    pub(crate) identity: Option<Identity>,
    rows: Vec<(String, Vec<u8>)>,
}

fn storage_error(e: impl std::fmt::Display) -> String {
    e.to_string()
}

impl Persistence {
    /// Opens (or creates) the database of `dir`, reads every row and starts the writer thread.
    pub(crate) fn open(dir: &Path) -> Result<(Persistence, Loaded), String> {
        create_private_dir(dir).map_err(|e| storage_error(format!("{}: {e}", dir.display())))?;
        let path = dir.join(DATABASE);
        let conn = Connection::open(&path)
            .map_err(|e| storage_error(format!("{}: {e}", path.display())))?;
        restrict(&path);
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(storage_error)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(storage_error)?;
        conn.busy_timeout(Duration::from_secs(10))
            .map_err(storage_error)?;
        conn.execute_batch(SCHEMA).map_err(storage_error)?;
        let mut loaded = Loaded::default();
        let mut generation = 0u64;
        {
            let mut statement = conn
                .prepare("SELECT key, generation, body FROM state WHERE body IS NOT NULL")
                .map_err(storage_error)?;
            let rows = statement
                .query_map([], |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, i64>(1)?,
                        row.get::<_, Vec<u8>>(2)?,
                    ))
                })
                .map_err(storage_error)?;
            for row in rows {
                let (key, row_generation, body) = row.map_err(storage_error)?;
                generation = generation.max(u64::try_from(row_generation).unwrap_or_default());
                if key == IDENTITY {
                    loaded.identity = Some(
                        serde_json::from_slice(&body)
                            .map_err(|e| storage_error(format!("row {key}: {e}")))?,
                    );
                } else {
                    loaded.rows.push((key, body));
                }
            }
        }
        // Generations continue after the highest stored one, so that a new snapshot always
        // replaces what an earlier run stored.
        let max: Option<i64> = conn
            .query_row("SELECT MAX(generation) FROM state", [], |row| row.get(0))
            .optional()
            .map_err(storage_error)?
            .flatten();
        generation = generation.max(max.and_then(|m| u64::try_from(m).ok()).unwrap_or(0));
        let stored = loaded
            .rows
            .iter()
            .map(|(key, _)| key.clone())
            .filter(|key| key.starts_with(VAULT) || key.starts_with(HSM_ADMIN))
            .collect();
        let (sender, receiver) = mpsc::channel();
        std::thread::Builder::new()
            .name("keyvault-emulator-state".into())
            .spawn(move || writer(conn, receiver))
            .map_err(storage_error)?;
        Ok((
            Persistence {
                generation: AtomicU64::new(generation + 1),
                sender: Mutex::new(sender),
                stored: Mutex::new(stored),
            },
            loaded,
        ))
    }

    fn next(&self) -> u64 {
        self.generation.fetch_add(1, Ordering::SeqCst)
    }

    fn send(&self, rows: Vec<Row>, done: Box<dyn FnOnce(Result<(), String>) + Send>) {
        {
            let mut stored = lock(&self.stored);
            for row in &rows {
                if row.key.starts_with(VAULT) || row.key.starts_with(HSM_ADMIN) {
                    if row.body.is_some() {
                        stored.insert(row.key.clone());
                    } else {
                        stored.remove(&row.key);
                    }
                }
            }
        }
        let batch = Batch { rows, done };
        if let Err(mpsc::SendError(batch)) = lock(&self.sender).send(batch) {
            (batch.done)(Err("the state writer has stopped".into()));
        }
    }
}

/// Creates `dir` (readable by its owner only, on Unix) if it does not exist.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Makes the database readable by its owner only: it holds private keys.
fn restrict(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// The writer thread: commits every batch waiting, together, in one transaction.
fn writer(mut conn: Connection, receiver: mpsc::Receiver<Batch>) {
    while let Ok(first) = receiver.recv() {
        let mut batches = vec![first];
        while let Ok(more) = receiver.try_recv() {
            batches.push(more);
        }
        let result = commit(&mut conn, batches.iter().flat_map(|b| b.rows.iter()))
            .map_err(|e| e.to_string());
        for batch in batches {
            (batch.done)(result.clone());
        }
    }
}

fn commit<'a>(conn: &mut Connection, rows: impl Iterator<Item = &'a Row>) -> rusqlite::Result<()> {
    let transaction = conn.transaction()?;
    {
        let mut upsert = transaction.prepare_cached(
            "INSERT INTO state (key, generation, body) VALUES (?1, ?2, ?3)
             ON CONFLICT(key) DO UPDATE SET generation = excluded.generation, body = excluded.body
             WHERE excluded.generation > state.generation",
        )?;
        for row in rows {
            let generation = i64::try_from(row.generation).unwrap_or(i64::MAX);
            upsert.execute(params![row.key, generation, row.body])?;
        }
    }
    transaction.commit()
}

fn to_body<T: Serialize>(value: &T) -> Option<Vec<u8>> {
    // The state structs serialize to JSON without fail: string keys, no non-finite floats.
    serde_json::to_vec(value).ok()
}

impl Persistence {
    fn vault_row(&self, state: &State, key: &str) -> Row {
        let vaults = lock(&state.vaults);
        Row {
            key: format!("{VAULT}{key}"),
            generation: self.next(),
            body: vaults.get(key).and_then(to_body),
        }
    }

    fn hsm_admin_row(&self, state: &State, name: &str) -> Row {
        let hsms = lock(&state.admin.hsms);
        Row {
            key: format!("{HSM_ADMIN}{name}"),
            generation: self.next(),
            body: hsms.get(name).and_then(to_body),
        }
    }

    fn clock_row(&self, state: &State) -> Row {
        let revocation = lock(&state.revocation);
        let generation = self.next();
        let row = ClockRow {
            offset: state.clock.offset(),
            revocation_epoch: revocation.epoch,
            revocation_at: revocation.at,
        };
        Row {
            key: CLOCK.into(),
            generation,
            body: to_body(&row),
        }
    }

    /// Every part of the state.
    fn everything(&self, state: &State) -> Vec<Row> {
        let mut rows = Vec::new();
        let mut vault_keys: BTreeSet<String> = lock(&state.vaults).keys().cloned().collect();
        let mut hsm_names: BTreeSet<String> = lock(&state.admin.hsms).keys().cloned().collect();
        for stored in lock(&self.stored).iter() {
            if let Some(key) = stored.strip_prefix(VAULT) {
                vault_keys.insert(key.to_string());
            } else if let Some(name) = stored.strip_prefix(HSM_ADMIN) {
                hsm_names.insert(name.to_string());
            }
        }
        rows.extend(vault_keys.iter().map(|key| self.vault_row(state, key)));
        rows.extend(hsm_names.iter().map(|name| self.hsm_admin_row(state, name)));
        {
            let inner = lock(&state.arm.inner);
            rows.push(Row {
                key: ARM_VAULTS.into(),
                generation: self.next(),
                body: to_body(&*inner),
            });
        }
        {
            let inner = lock(&state.arm.hsm.inner);
            rows.push(Row {
                key: ARM_HSMS.into(),
                generation: self.next(),
                body: to_body(&*inner),
            });
        }
        {
            let inner = lock(&state.arm.links.inner);
            rows.push(Row {
                key: ARM_LINKS.into(),
                generation: self.next(),
                body: to_body(&*inner),
            });
        }
        rows.push(self.clock_row(state));
        rows
    }

    /// The parts a successful write request may have changed: the vault (and the Managed HSM
    /// administration) it was sent to; everything for ARM and control requests.
    fn rows_for(&self, state: &State, reach: &Reach) -> Vec<Row> {
        let Reach::Vault(name, flavour) = reach else {
            return self.everything(state);
        };
        let (name, flavour) = (name.as_str(), *flavour);
        let mut rows = vec![self.vault_row(state, &vault_key(name, flavour))];
        if flavour == Flavour::ManagedHsm {
            rows.push(self.hsm_admin_row(state, name));
        }
        rows
    }
}

impl Persistence {
    /// For a read: the administration of a Managed HSM that the request made (its first
    /// request makes it, with role assignments of new random names), when it is not stored yet,
    /// so that those names do not change with a restart.
    fn first_sight(&self, state: &State, reach: &Reach) -> Vec<Row> {
        let Reach::Vault(name, Flavour::ManagedHsm) = reach else {
            return Vec::new();
        };
        let key = format!("{HSM_ADMIN}{name}");
        if lock(&self.stored).contains(&key) || !lock(&state.admin.hsms).contains_key(name) {
            return Vec::new();
        }
        vec![self.hsm_admin_row(state, name)]
    }
}

/// What a request may have changed, as the server tells it from its host and path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reach {
    /// An ARM or control request: any part of the state.
    Everything,
    /// A data-plane request to the vault or Managed HSM of this name: that vault and, for a
    /// Managed HSM, its administration.
    Vault(String, Flavour),
}

/// Stores what a write request answered with a 2xx may have changed (and what a read made
/// that must not change, see `first_sight`), before the answer is sent; an error when it could
/// not be stored (the client must not take the write as done).
pub(crate) async fn after_write(
    state: &State,
    read: bool,
    reach: &Reach,
    status: u16,
) -> Result<(), String> {
    let Some(persistence) = &state.persistence else {
        return Ok(());
    };
    let rows = if read {
        persistence.first_sight(state, reach)
    } else if (200..300).contains(&status) {
        persistence.rows_for(state, reach)
    } else {
        Vec::new()
    };
    if rows.is_empty() {
        return Ok(());
    }
    let (sender, receiver) = tokio::sync::oneshot::channel();
    persistence.send(
        rows,
        Box::new(move |result| {
            let _ = sender.send(result);
        }),
    );
    receiver
        .await
        .unwrap_or_else(|_| Err("the state writer has stopped".into()))
}

/// Stores every part of the state and waits until it is: for [`crate::Control`] calls, which
/// change the state outside a request. Blocks the calling thread for one commit.
pub(crate) fn store_everything(state: &State) {
    let Some(persistence) = &state.persistence else {
        return;
    };
    let rows = persistence.everything(state);
    let (sender, receiver) = mpsc::channel();
    persistence.send(
        rows,
        Box::new(move |result| {
            let _ = sender.send(result);
        }),
    );
    let _ = receiver.recv();
}

/// Fills a new emulator's state with the rows read from its state folder; stores its identity
/// when the folder is new.
pub(crate) fn restore(
    state: &State,
    loaded: Loaded,
    new_identity: bool,
    ca_key_pem: &str,
) -> Result<(), String> {
    let Some(persistence) = &state.persistence else {
        return Ok(());
    };
    fn parse<T: serde::de::DeserializeOwned>(key: &str, body: &[u8]) -> Result<T, String> {
        serde_json::from_slice(body).map_err(|e| storage_error(format!("row {key}: {e}")))
    }
    let mut vaults: HashMap<String, Vault> = HashMap::new();
    let mut hsms = HashMap::new();
    for (key, body) in &loaded.rows {
        if let Some(vault) = key.strip_prefix(VAULT) {
            vaults.insert(vault.to_string(), parse(key, body)?);
        } else if let Some(name) = key.strip_prefix(HSM_ADMIN) {
            hsms.insert(name.to_string(), parse(key, body)?);
        } else if key == ARM_VAULTS {
            *lock(&state.arm.inner) = parse(key, body)?;
        } else if key == ARM_HSMS {
            *lock(&state.arm.hsm.inner) = parse(key, body)?;
        } else if key == ARM_LINKS {
            *lock(&state.arm.links.inner) = parse(key, body)?;
        } else if key == CLOCK {
            let clock: ClockRow = parse(key, body)?;
            state.clock.set_offset(clock.offset);
            let mut revocation = lock(&state.revocation);
            revocation.epoch = clock.revocation_epoch;
            revocation.at = clock.revocation_at;
        }
    }
    *lock(&state.vaults) = vaults;
    *lock(&state.admin.hsms) = hsms;
    if new_identity {
        let identity = Identity {
            ca_pem: state.ca_pem.clone(),
            ca_key_pem: ca_key_pem.to_string(),
            token_key: Zeroizing::new(*state.signer.bytes()),
            backup_key: Zeroizing::new(*state.backup_key.bytes()),
            object_id: state.object_id.clone(),
        };
        let row = Row {
            key: IDENTITY.into(),
            generation: 0,
            body: to_body(&identity),
        };
        let (sender, receiver) = mpsc::channel();
        persistence.send(
            vec![row],
            Box::new(move |result| {
                let _ = sender.send(result);
            }),
        );
        receiver
            .recv()
            .map_err(storage_error)?
            .map_err(storage_error)?;
    }
    Ok(())
}

/// Serde helpers for state fields that have no serde form of their own.
pub(crate) mod serde_with {
    /// A status text the emulator chose from its constants. (An alias, so that serde does not
    /// make the deserializer borrow for `'static`.)
    pub(crate) type StaticStr = &'static str;

    /// A `&'static str` (a status text the emulator chose from its constants).
    pub(crate) mod static_str {
        use serde::{Deserialize as _, Deserializer, Serializer};

        pub(crate) fn serialize<S: Serializer>(
            value: &&'static str,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            s.serialize_str(value)
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<&'static str, D::Error> {
            let value = String::deserialize(d)?;
            // The texts are a handful of constants; a restored state leaks one copy of each
            // it holds, once per start.
            Ok(Box::leak(value.into_boxed_str()))
        }
    }

    /// A 32-byte key, as standard base64.
    pub(crate) mod zeroizing32 {
        use super::super::STANDARD;
        use base64::Engine as _;
        use serde::{de::Error as _, Deserialize as _, Deserializer, Serializer};
        use zeroize::Zeroizing;

        pub(crate) fn serialize<S: Serializer>(
            value: &Zeroizing<[u8; 32]>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            s.serialize_str(&STANDARD.encode(value.as_ref()))
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Zeroizing<[u8; 32]>, D::Error> {
            let text = Zeroizing::new(String::deserialize(d)?);
            let bytes = Zeroizing::new(STANDARD.decode(text.as_bytes()).map_err(D::Error::custom)?);
            let mut key = Zeroizing::new([0u8; 32]);
            if bytes.len() != 32 {
                return Err(D::Error::custom("a key of 32 bytes"));
            }
            key.copy_from_slice(&bytes);
            Ok(key)
        }
    }

    /// An RSA private key, as standard base64 of its PKCS#8 DER.
    pub(crate) mod rsa_key {
        use super::super::STANDARD;
        use base64::Engine as _;
        use rsa::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _};
        use rsa::RsaPrivateKey;
        use serde::{de::Error as _, ser::Error as _, Deserialize as _, Deserializer, Serializer};
        use zeroize::Zeroizing;

        pub(crate) fn serialize<S: Serializer>(
            value: &RsaPrivateKey,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            let der = value.to_pkcs8_der().map_err(S::Error::custom)?;
            let text = Zeroizing::new(STANDARD.encode(der.as_bytes()));
            s.serialize_str(&text)
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Box<RsaPrivateKey>, D::Error> {
            let text = Zeroizing::new(String::deserialize(d)?);
            let der = Zeroizing::new(STANDARD.decode(text.as_bytes()).map_err(D::Error::custom)?);
            RsaPrivateKey::from_pkcs8_der(&der)
                .map(Box::new)
                .map_err(D::Error::custom)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(generation: u64, body: &str) -> Row {
        Row {
            key: "vault/vault:kv".into(),
            generation,
            body: Some(body.as_bytes().to_vec()),
        }
    }

    fn stored(conn: &Connection) -> (i64, Vec<u8>) {
        conn.query_row("SELECT generation, body FROM state", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap()
    }

    #[test]
    fn an_older_snapshot_never_replaces_a_newer_one() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(SCHEMA).unwrap();
        commit(&mut conn, [row(5, "newer")].iter()).unwrap();
        commit(&mut conn, [row(3, "older")].iter()).unwrap();
        assert_eq!(stored(&conn), (5, b"newer".to_vec()));
        // In one transaction, in any order, the highest generation wins.
        commit(&mut conn, [row(9, "newest"), row(7, "late")].iter()).unwrap();
        assert_eq!(stored(&conn), (9, b"newest".to_vec()));
    }
}
