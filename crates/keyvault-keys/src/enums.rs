//! The service's enumerations. Each keeps values this crate does not know (`Other`).

use keyvault_core::string_enum;

string_enum! {
    /// A JSON Web Key type (`kty`).
    pub enum KeyType {
        /// Elliptic curve.
        Ec = "EC",
        /// Elliptic curve in a hardware security module.
        EcHsm = "EC-HSM",
        /// RSA.
        Rsa = "RSA",
        /// RSA in a hardware security module.
        RsaHsm = "RSA-HSM",
        /// Octet sequence (symmetric, AES).
        Oct = "oct",
        /// Octet sequence in a hardware security module.
        OctHsm = "oct-HSM",
    }
}

impl KeyType {
    /// The hardware-protected variant of this type (`RSA` gives `RSA-HSM`); itself otherwise.
    pub fn hardware_protected(&self) -> KeyType {
        match self {
            KeyType::Ec => KeyType::EcHsm,
            KeyType::Rsa => KeyType::RsaHsm,
            KeyType::Oct => KeyType::OctHsm,
            other => other.clone(),
        }
    }

    /// Whether this is `RSA` or `RSA-HSM`.
    pub fn is_rsa(&self) -> bool {
        matches!(self, KeyType::Rsa | KeyType::RsaHsm)
    }

    /// Whether this is `EC` or `EC-HSM`.
    pub fn is_ec(&self) -> bool {
        matches!(self, KeyType::Ec | KeyType::EcHsm)
    }

    /// Whether this is `oct` or `oct-HSM`.
    pub fn is_oct(&self) -> bool {
        matches!(self, KeyType::Oct | KeyType::OctHsm)
    }
}

string_enum! {
    /// An elliptic curve (`crv`).
    pub enum KeyCurveName {
        /// NIST P-256 (secp256r1).
        P256 = "P-256",
        /// NIST P-384 (secp384r1).
        P384 = "P-384",
        /// NIST P-521 (secp521r1).
        P521 = "P-521",
        /// secp256k1.
        P256K = "P-256K",
    }
}

string_enum! {
    /// An operation a key permits (`key_ops`).
    pub enum KeyOperation {
        /// Encrypt.
        Encrypt = "encrypt",
        /// Decrypt.
        Decrypt = "decrypt",
        /// Sign a digest.
        Sign = "sign",
        /// Verify a signature.
        Verify = "verify",
        /// Wrap (encrypt) a key.
        WrapKey = "wrapKey",
        /// Unwrap (decrypt) a key.
        UnwrapKey = "unwrapKey",
        /// Import.
        Import = "import",
        /// Export (release).
        Export = "export",
    }
}

string_enum! {
    /// An encryption algorithm for `encrypt` and `decrypt`.
    pub enum EncryptionAlgorithm {
        /// RSAES-OAEP with SHA-1 and MGF1-SHA-1.
        RsaOaep = "RSA-OAEP",
        /// RSAES-OAEP with SHA-256 and MGF1-SHA-256.
        RsaOaep256 = "RSA-OAEP-256",
        /// RSAES-PKCS1-v1_5.
        Rsa1_5 = "RSA1_5",
        /// AES-128 in GCM mode.
        A128Gcm = "A128GCM",
        /// AES-192 in GCM mode.
        A192Gcm = "A192GCM",
        /// AES-256 in GCM mode.
        A256Gcm = "A256GCM",
        /// AES-128 key wrap (RFC 3394).
        A128Kw = "A128KW",
        /// AES-192 key wrap (RFC 3394).
        A192Kw = "A192KW",
        /// AES-256 key wrap (RFC 3394).
        A256Kw = "A256KW",
        /// AES-128 in CBC mode, input a multiple of the block size.
        A128Cbc = "A128CBC",
        /// AES-192 in CBC mode, input a multiple of the block size.
        A192Cbc = "A192CBC",
        /// AES-256 in CBC mode, input a multiple of the block size.
        A256Cbc = "A256CBC",
        /// AES-128 in CBC mode with PKCS#7 padding.
        A128CbcPad = "A128CBCPAD",
        /// AES-192 in CBC mode with PKCS#7 padding.
        A192CbcPad = "A192CBCPAD",
        /// AES-256 in CBC mode with PKCS#7 padding.
        A256CbcPad = "A256CBCPAD",
        /// PKCS#11 AES key wrap (RFC 3394) with the key's own size.
        CkmAesKeyWrap = "CKM_AES_KEY_WRAP",
        /// PKCS#11 AES key wrap with padding (RFC 5649) with the key's own size.
        CkmAesKeyWrapPad = "CKM_AES_KEY_WRAP_PAD",
    }
}

impl EncryptionAlgorithm {
    /// Whether this is an AES-CBC algorithm (with or without padding).
    pub fn is_cbc(&self) -> bool {
        matches!(
            self,
            EncryptionAlgorithm::A128Cbc
                | EncryptionAlgorithm::A192Cbc
                | EncryptionAlgorithm::A256Cbc
                | EncryptionAlgorithm::A128CbcPad
                | EncryptionAlgorithm::A192CbcPad
                | EncryptionAlgorithm::A256CbcPad
        )
    }

    /// Whether this is an AES-GCM algorithm.
    pub fn is_gcm(&self) -> bool {
        matches!(
            self,
            EncryptionAlgorithm::A128Gcm
                | EncryptionAlgorithm::A192Gcm
                | EncryptionAlgorithm::A256Gcm
        )
    }

    /// The AES key size in bits the algorithm requires, for the AES algorithms of a fixed size.
    pub fn aes_key_bits(&self) -> Option<u32> {
        use EncryptionAlgorithm::*;
        match self {
            A128Gcm | A128Kw | A128Cbc | A128CbcPad => Some(128),
            A192Gcm | A192Kw | A192Cbc | A192CbcPad => Some(192),
            A256Gcm | A256Kw | A256Cbc | A256CbcPad => Some(256),
            _ => None,
        }
    }
}

string_enum! {
    /// A key wrap algorithm for `wrap_key` and `unwrap_key`.
    pub enum KeyWrapAlgorithm {
        /// RSAES-OAEP with SHA-1 and MGF1-SHA-1.
        RsaOaep = "RSA-OAEP",
        /// RSAES-OAEP with SHA-256 and MGF1-SHA-256.
        RsaOaep256 = "RSA-OAEP-256",
        /// RSAES-PKCS1-v1_5.
        Rsa1_5 = "RSA1_5",
        /// AES-128 key wrap (RFC 3394).
        A128Kw = "A128KW",
        /// AES-192 key wrap (RFC 3394).
        A192Kw = "A192KW",
        /// AES-256 key wrap (RFC 3394).
        A256Kw = "A256KW",
        /// AES-128 key wrap with padding (RFC 5649).
        A128KwPad = "A128KWPAD",
        /// AES-192 key wrap with padding (RFC 5649).
        A192KwPad = "A192KWPAD",
        /// AES-256 key wrap with padding (RFC 5649).
        A256KwPad = "A256KWPAD",
        /// PKCS#11 AES key wrap (RFC 3394) with the key's own size.
        CkmAesKeyWrap = "CKM_AES_KEY_WRAP",
        /// PKCS#11 AES key wrap with padding (RFC 5649) with the key's own size.
        CkmAesKeyWrapPad = "CKM_AES_KEY_WRAP_PAD",
    }
}

impl KeyWrapAlgorithm {
    /// The AES key size in bits the algorithm requires, for the AES algorithms of a fixed size.
    pub fn aes_key_bits(&self) -> Option<u32> {
        use KeyWrapAlgorithm::*;
        match self {
            A128Kw | A128KwPad => Some(128),
            A192Kw | A192KwPad => Some(192),
            A256Kw | A256KwPad => Some(256),
            _ => None,
        }
    }
}

string_enum! {
    /// A signature algorithm for `sign` and `verify`.
    pub enum SignatureAlgorithm {
        /// RSASSA-PSS with SHA-256.
        Ps256 = "PS256",
        /// RSASSA-PSS with SHA-384.
        Ps384 = "PS384",
        /// RSASSA-PSS with SHA-512.
        Ps512 = "PS512",
        /// RSASSA-PKCS1-v1_5 with SHA-256.
        Rs256 = "RS256",
        /// RSASSA-PKCS1-v1_5 with SHA-384.
        Rs384 = "RS384",
        /// RSASSA-PKCS1-v1_5 with SHA-512.
        Rs512 = "RS512",
        /// HMAC with SHA-256 (Managed HSM `oct-HSM` keys).
        Hs256 = "HS256",
        /// HMAC with SHA-384 (Managed HSM `oct-HSM` keys).
        Hs384 = "HS384",
        /// HMAC with SHA-512 (Managed HSM `oct-HSM` keys).
        Hs512 = "HS512",
        /// RSASSA-PKCS1-v1_5 over the raw value, without a digest info prefix.
        RsNull = "RSNULL",
        /// ECDSA on P-256 with SHA-256.
        Es256 = "ES256",
        /// ECDSA on P-384 with SHA-384.
        Es384 = "ES384",
        /// ECDSA on P-521 with SHA-512.
        Es512 = "ES512",
        /// ECDSA on secp256k1 with SHA-256.
        Es256K = "ES256K",
    }
}

impl SignatureAlgorithm {
    /// The digest length in bytes the algorithm signs, where it is fixed.
    pub fn digest_len(&self) -> Option<usize> {
        use SignatureAlgorithm::*;
        match self {
            Ps256 | Rs256 | Es256 | Es256K => Some(32),
            Ps384 | Rs384 | Es384 => Some(48),
            Ps512 | Rs512 | Es512 => Some(64),
            _ => None,
        }
    }

    /// The curve an ECDSA algorithm requires.
    pub fn curve(&self) -> Option<KeyCurveName> {
        match self {
            SignatureAlgorithm::Es256 => Some(KeyCurveName::P256),
            SignatureAlgorithm::Es384 => Some(KeyCurveName::P384),
            SignatureAlgorithm::Es512 => Some(KeyCurveName::P521),
            SignatureAlgorithm::Es256K => Some(KeyCurveName::P256K),
            _ => None,
        }
    }
}

string_enum! {
    /// What a rotation policy's lifetime action does.
    pub enum KeyRotationPolicyAction {
        /// Rotate the key: create a new version.
        Rotate = "Rotate",
        /// Send a near-expiry notification (Event Grid).
        Notify = "Notify",
    }
}

string_enum! {
    /// How a released key is protected by the target's key (`enc` of `release`).
    pub enum KeyExportEncryptionAlgorithm {
        /// PKCS#11 RSA AES key wrap.
        CkmRsaAesKeyWrap = "CKM_RSA_AES_KEY_WRAP",
        /// RSA AES key wrap with SHA-256.
        RsaAesKeyWrap256 = "RSA_AES_KEY_WRAP_256",
        /// RSA AES key wrap with SHA-384.
        RsaAesKeyWrap384 = "RSA_AES_KEY_WRAP_384",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_forms_and_unknown_values() {
        assert_eq!(KeyType::Oct.as_str(), "oct");
        assert_eq!(KeyType::Rsa.hardware_protected(), KeyType::RsaHsm);
        assert_eq!(KeyType::from("oct-HSM"), KeyType::OctHsm);
        assert_eq!(
            serde_json::from_str::<KeyType>("\"OKP\"").unwrap(),
            KeyType::Other("OKP".into())
        );
        assert_eq!(KeyOperation::WrapKey.as_str(), "wrapKey");
        assert_eq!(
            KeyRotationPolicyAction::from("rotate"),
            KeyRotationPolicyAction::Rotate
        );
        assert_eq!(SignatureAlgorithm::Es512.digest_len(), Some(64));
        assert_eq!(
            SignatureAlgorithm::Es256K.curve(),
            Some(KeyCurveName::P256K)
        );
        assert_eq!(EncryptionAlgorithm::A192CbcPad.aes_key_bits(), Some(192));
        assert!(EncryptionAlgorithm::A256Gcm.is_gcm());
        assert_eq!(KeyWrapAlgorithm::CkmAesKeyWrap.aes_key_bits(), None);
    }
}
