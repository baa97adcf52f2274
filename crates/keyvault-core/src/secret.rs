//! Containers for secret material: never printed, zeroized on drop.
//!
//! They are read through [`secrecy::ExposeSecret`], the trait Rust services already use for the
//! secrets in their configuration, and convert into `secrecy`'s own types. They stay types of
//! ours because they carry Key Vault's wire forms (a string; base64url bytes) and compare equal,
//! which `secrecy::SecretBox` does not.

pub use secrecy::ExposeSecret;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use zeroize::Zeroizing;

/// A secret string (a secret value, a password). `Debug` and `Display` print a placeholder;
/// the memory is zeroized when dropped. Read it with [`ExposeSecret::expose_secret`].
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(Zeroizing<String>);

impl SecretString {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        SecretString(Zeroizing::new(value.into()))
    }
}

impl ExposeSecret<str> for SecretString {
    /// The secret value. Take care not to log it.
    fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl From<SecretString> for secrecy::SecretString {
    fn from(value: SecretString) -> Self {
        secrecy::SecretString::from(value.0.as_str())
    }
}

impl From<secrecy::SecretString> for SecretString {
    fn from(value: secrecy::SecretString) -> Self {
        SecretString::new(value.expose_secret())
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString(<redacted>)")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        SecretString::new(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        SecretString::new(value)
    }
}

impl Serialize for SecretString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SecretString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(SecretString::new)
    }
}

/// Secret bytes (a backup blob, private key material). Base64url on the wire; never printed;
/// zeroized on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretBytes(Zeroizing<Vec<u8>>);

impl SecretBytes {
    /// Wraps bytes.
    pub fn new(value: impl Into<Vec<u8>>) -> Self {
        SecretBytes(Zeroizing::new(value.into()))
    }

    /// How many bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl ExposeSecret<[u8]> for SecretBytes {
    /// The bytes. Take care not to log them.
    fn expose_secret(&self) -> &[u8] {
        &self.0
    }
}

impl From<SecretBytes> for secrecy::SecretSlice<u8> {
    fn from(value: SecretBytes) -> Self {
        secrecy::SecretSlice::from(value.0.to_vec())
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBytes(<{} bytes redacted>)", self.0.len())
    }
}

impl From<Vec<u8>> for SecretBytes {
    fn from(value: Vec<u8>) -> Self {
        SecretBytes::new(value)
    }
}

impl Serialize for SecretBytes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        crate::serde::base64url::serialize(&self.0, serializer)
    }
}

impl<'de> Deserialize<'de> for SecretBytes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::serde::base64url::deserialize(deserializer).map(SecretBytes::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_printed() {
        let s = SecretString::new("hunter2");
        assert!(!format!("{s:?} {s}").contains("hunter2"));
        let b = SecretBytes::new(b"hunter2".to_vec());
        assert!(!format!("{b:?}").contains("104"));
        assert_eq!(b.len(), 7);
    }

    #[test]
    fn into_secrecy_types() {
        let s: secrecy::SecretString = SecretString::new("hunter2").into();
        assert_eq!(s.expose_secret(), "hunter2");
        assert!(!format!("{s:?}").contains("hunter2"));
        let back = SecretString::from(s);
        assert_eq!(back.expose_secret(), "hunter2");
        let b: secrecy::SecretSlice<u8> = SecretBytes::new(vec![1, 2]).into();
        assert_eq!(b.expose_secret(), &[1, 2]);
    }

    #[test]
    fn wire_forms() {
        let s: SecretString = serde_json::from_str("\"v\"").unwrap();
        assert_eq!(s.expose_secret(), "v");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"v\"");
        let b: SecretBytes = serde_json::from_str("\"AQID_w\"").unwrap();
        assert_eq!(b.expose_secret(), &[1, 2, 3, 255]);
        assert_eq!(serde_json::to_string(&b).unwrap(), "\"AQID_w\"");
    }
}
