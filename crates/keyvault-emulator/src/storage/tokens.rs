//! What the token service keeps: the signing key and the revocation epoch. Signing, verifying
//! and the token endpoints are in `auth`.

use aws_lc_rs::hmac;

/// Revocation state: tokens carry the epoch current when they were issued; revoking bumps it.
#[derive(Debug, Default)]
pub(crate) struct Revocation {
    pub(crate) epoch: u64,
    /// Emulator time (Unix seconds) of the last revocation.
    pub(crate) at: i64,
}

/// Signs and verifies the emulator's access tokens.
pub(crate) struct TokenSigner {
    pub(crate) key: hmac::Key,
    /// The key's bytes, which `--state-dir` keeps so that tokens survive a restart.
    pub(crate) bytes: zeroize::Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenSigner(..)")
    }
}
