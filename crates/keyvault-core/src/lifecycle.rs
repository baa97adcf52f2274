//! Operations that secrets, keys and certificates share on the wire: backup, restore and
//! purge. Each checks its arguments before sending.

use crate::{
    error::Result,
    pipeline::{to_json, KeyVaultPipeline},
    secret::SecretBytes,
    validation::{require_non_empty, validate_name},
};
use azure_core::http::Method;
use serde::{de::DeserializeOwned, Deserialize, Serialize};

/// Body of `POST /{collection}/restore`, and response of `POST /{collection}/{name}/backup`.
#[derive(Debug, Serialize, Deserialize)]
pub struct BackupBlob {
    /// The opaque backup, base64url on the wire.
    pub value: SecretBytes,
}

/// Backs `name` of `collection` (`secrets`, `keys`, `certificates`) up, every version.
pub async fn backup(
    pipeline: &KeyVaultPipeline,
    collection: &str,
    name: &str,
) -> Result<SecretBytes> {
    validate_name("name", name)?;
    let blob: BackupBlob = pipeline
        .send_json(
            Method::Post,
            pipeline.url(&[collection, name, "backup"]),
            None,
        )
        .await?;
    Ok(blob.value)
}

/// Restores a backup into `collection` of this vault; returns the restored object.
pub async fn restore<T: DeserializeOwned>(
    pipeline: &KeyVaultPipeline,
    collection: &str,
    backup: &[u8],
) -> Result<T> {
    require_non_empty("backup", backup)?;
    let body = to_json(&BackupBlob {
        value: SecretBytes::new(backup.to_vec()),
    })?;
    pipeline
        .send_json(
            Method::Post,
            pipeline.url(&[collection, "restore"]),
            Some(body),
        )
        .await
}

/// Purges `name` from a deleted collection (`deletedsecrets`, `deletedkeys`, ...) for good.
pub async fn purge(
    pipeline: &KeyVaultPipeline,
    deleted_collection: &str,
    name: &str,
) -> Result<()> {
    validate_name("name", name)?;
    pipeline
        .send(
            Method::Delete,
            pipeline.url(&[deleted_collection, name]),
            None,
        )
        .await
        .map(drop)
}
