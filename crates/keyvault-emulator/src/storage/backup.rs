//! Backup blobs: the object serialized and sealed with AES-256-GCM under a key that lives only in
//! this emulator process, so a blob restores into any vault of the process and nowhere else.

use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;

use crate::errors::ServiceError;

const MAGIC: &[u8] = b"KVEMU-BACKUP-1";

/// The per-process sealing key.
pub(crate) struct BackupKey {
    key: LessSafeKey,
    /// The key's bytes, which `--state-dir` keeps so that blobs restore after a restart.
    bytes: zeroize::Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for BackupKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BackupKey(..)")
    }
}

impl BackupKey {
    /// A fresh random key.
    pub(crate) fn generate() -> Result<Self, String> {
        let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
        aws_lc_rs::rand::fill(bytes.as_mut()).map_err(|_| "random generator failed".to_string())?;
        Self::from_bytes(bytes)
    }

    /// The key of `bytes`.
    pub(crate) fn from_bytes(bytes: zeroize::Zeroizing<[u8; 32]>) -> Result<Self, String> {
        let key =
            UnboundKey::new(&AES_256_GCM, bytes.as_ref()).map_err(|_| "invalid key".to_string())?;
        Ok(Self {
            key: LessSafeKey::new(key),
            bytes,
        })
    }

    /// The key's bytes.
    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.bytes
    }

    /// Seals `payload` for objects of `kind` ("secret", later "key", "certificate") into a base64url blob.
    pub(crate) fn seal(&self, kind: &str, payload: &[u8]) -> Result<String, ServiceError> {
        let internal = || ServiceError::new(500, "InternalError", "Backup failed.");
        let mut nonce = [0u8; NONCE_LEN];
        aws_lc_rs::rand::fill(&mut nonce).map_err(|_| internal())?;
        let mut data = payload.to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(kind.as_bytes()),
                &mut data,
            )
            .map_err(|_| internal())?;
        let mut blob = Vec::with_capacity(MAGIC.len() + NONCE_LEN + data.len());
        blob.extend_from_slice(MAGIC);
        blob.extend_from_slice(&nonce);
        blob.extend_from_slice(&data);
        Ok(URL_SAFE_NO_PAD.encode(blob))
    }

    /// Opens a blob produced by [`BackupKey::seal`] for the same kind in this process.
    pub(crate) fn open(&self, kind: &str, blob: &str) -> Result<Vec<u8>, ServiceError> {
        let invalid = || {
            ServiceError::bad_parameter(
                "Backup blob is corrupted or was not produced by this service.",
            )
        };
        let trimmed = blob.trim().trim_end_matches('=');
        let bytes = URL_SAFE_NO_PAD
            .decode(trimmed)
            .or_else(|_| STANDARD.decode(blob.trim()))
            .map_err(|_| invalid())?;
        let rest = bytes.strip_prefix(MAGIC).ok_or_else(invalid)?;
        if rest.len() < NONCE_LEN {
            return Err(invalid());
        }
        let (nonce, sealed) = rest.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| invalid())?;
        let mut data = sealed.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(kind.as_bytes()), &mut data)
            .map_err(|_| invalid())?;
        Ok(plain.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_binding() {
        let a = BackupKey::generate().unwrap();
        let b = BackupKey::generate().unwrap();
        let blob = a.seal("secret", b"payload").unwrap();
        assert_eq!(a.open("secret", &blob).unwrap(), b"payload");
        assert!(a.open("key", &blob).is_err());
        assert!(b.open("secret", &blob).is_err());
        assert!(a.open("secret", "not a blob").is_err());
    }
}
