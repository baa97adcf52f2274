//! Without the `local-crypto` feature: no key is usable locally, so every operation is
//! sent to the service. `LocalKey` has no values; its methods can never be called.

use super::{Encrypted, Op};
use crate::{
    enums::{EncryptionAlgorithm, KeyWrapAlgorithm, SignatureAlgorithm},
    models::JsonWebKey,
};
use keyvault_core::{Result, SecretBytes};

/// Key material usable locally: none without the feature.
pub(crate) enum LocalKey {}

impl LocalKey {
    pub(crate) fn from_jwk(_: &JsonWebKey) -> Option<LocalKey> {
        None
    }

    pub(crate) fn supports(&self, _: Op<'_>) -> bool {
        match *self {}
    }

    pub(crate) fn encrypt(
        &self,
        _: &EncryptionAlgorithm,
        _: &[u8],
        _: Option<&[u8]>,
        _: Option<&[u8]>,
    ) -> Result<Encrypted> {
        match *self {}
    }

    pub(crate) fn decrypt(
        &self,
        _: &EncryptionAlgorithm,
        _: &[u8],
        _: Option<&[u8]>,
        _: Option<&[u8]>,
        _: Option<&[u8]>,
    ) -> Result<SecretBytes> {
        match *self {}
    }

    pub(crate) fn wrap_key(&self, _: &KeyWrapAlgorithm, _: &[u8]) -> Result<Vec<u8>> {
        match *self {}
    }

    pub(crate) fn unwrap_key(&self, _: &KeyWrapAlgorithm, _: &[u8]) -> Result<SecretBytes> {
        match *self {}
    }

    pub(crate) fn sign(&self, _: &SignatureAlgorithm, _: &[u8]) -> Result<Vec<u8>> {
        match *self {}
    }

    pub(crate) fn verify(&self, _: &SignatureAlgorithm, _: &[u8], _: &[u8]) -> Result<bool> {
        match *self {}
    }
}
