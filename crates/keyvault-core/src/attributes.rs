//! The `attributes` object that secrets, keys and certificates share on the wire.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use time::OffsetDateTime;

/// Management attributes of a secret, key or certificate, as the service sends them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Attributes {
    /// Whether the object is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Not before this time.
    #[serde(
        default,
        rename = "nbf",
        with = "crate::serde::unix_time_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub not_before: Option<OffsetDateTime>,
    /// Expires at this time.
    #[serde(
        default,
        rename = "exp",
        with = "crate::serde::unix_time_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub expires_on: Option<OffsetDateTime>,
    /// Created at this time (read-only).
    #[serde(
        default,
        rename = "created",
        with = "crate::serde::unix_time_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_on: Option<OffsetDateTime>,
    /// Last updated at this time (read-only).
    #[serde(
        default,
        rename = "updated",
        with = "crate::serde::unix_time_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub updated_on: Option<OffsetDateTime>,
    /// Days the object stays recoverable after deletion (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recoverable_days: Option<i32>,
    /// The recovery level (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_level: Option<DeletionRecoveryLevel>,
}

impl Attributes {
    /// Attributes a client may set: enabled, not before, expires on.
    pub fn settable(
        enabled: Option<bool>,
        not_before: Option<OffsetDateTime>,
        expires_on: Option<OffsetDateTime>,
    ) -> Self {
        Attributes {
            enabled,
            not_before,
            expires_on,
            ..Default::default()
        }
    }

    /// Whether nothing is set.
    pub fn is_empty(&self) -> bool {
        *self == Attributes::default()
    }
}

/// What happens to a deleted object, and for how long it can be recovered.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DeletionRecoveryLevel {
    /// Deleted objects are purged at once.
    Purgeable,
    /// Recoverable during the retention interval; purge is allowed.
    RecoverablePurgeable,
    /// Recoverable during the retention interval; purge is not allowed.
    Recoverable,
    /// Recoverable, and the subscription cannot be cancelled meanwhile.
    RecoverableProtectedSubscription,
    /// Recoverable for a custom interval (7 to 90 days); purge is allowed.
    CustomizedRecoverablePurgeable,
    /// Recoverable for a custom interval; purge is not allowed.
    CustomizedRecoverable,
    /// Recoverable for a custom interval, subscription protected.
    CustomizedRecoverableProtectedSubscription,
    /// A level this crate does not know.
    Other(String),
}

/// Every known level with its wire form.
const LEVELS: [(&str, DeletionRecoveryLevel); 7] = [
    ("Purgeable", DeletionRecoveryLevel::Purgeable),
    (
        "Recoverable+Purgeable",
        DeletionRecoveryLevel::RecoverablePurgeable,
    ),
    ("Recoverable", DeletionRecoveryLevel::Recoverable),
    (
        "Recoverable+ProtectedSubscription",
        DeletionRecoveryLevel::RecoverableProtectedSubscription,
    ),
    (
        "CustomizedRecoverable+Purgeable",
        DeletionRecoveryLevel::CustomizedRecoverablePurgeable,
    ),
    (
        "CustomizedRecoverable",
        DeletionRecoveryLevel::CustomizedRecoverable,
    ),
    (
        "CustomizedRecoverable+ProtectedSubscription",
        DeletionRecoveryLevel::CustomizedRecoverableProtectedSubscription,
    ),
];

impl DeletionRecoveryLevel {
    /// The wire form.
    pub fn as_str(&self) -> &str {
        match self {
            DeletionRecoveryLevel::Other(s) => s,
            known => LEVELS
                .iter()
                .find(|(_, level)| level == known)
                .map(|(name, _)| *name)
                .unwrap_or_default(),
        }
    }
}

impl From<&str> for DeletionRecoveryLevel {
    fn from(value: &str) -> Self {
        LEVELS
            .iter()
            .find(|(name, _)| *name == value)
            .map(|(_, level)| level.clone())
            .unwrap_or_else(|| DeletionRecoveryLevel::Other(value.to_string()))
    }
}

impl fmt::Display for DeletionRecoveryLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for DeletionRecoveryLevel {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for DeletionRecoveryLevel {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Every listed item carries one: read it in place, without a `String` per item.
        struct LevelVisitor;

        impl serde::de::Visitor<'_> for LevelVisitor {
            type Value = DeletionRecoveryLevel;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Self::Value, E> {
                Ok(DeletionRecoveryLevel::from(value))
            }
        }

        deserializer.deserialize_str(LevelVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_levels_keep_unknown_values() {
        for (name, _) in LEVELS {
            let level = DeletionRecoveryLevel::from(name);
            assert!(!matches!(level, DeletionRecoveryLevel::Other(_)));
            assert_eq!(level.as_str(), name);
        }
        let other: DeletionRecoveryLevel = serde_json::from_str("\"SomethingNew\"").unwrap();
        assert_eq!(other, DeletionRecoveryLevel::Other("SomethingNew".into()));
        assert_eq!(serde_json::to_string(&other).unwrap(), "\"SomethingNew\"");
        // Escaped forms are read as their text; anything but a string is refused.
        let escaped: DeletionRecoveryLevel =
            serde_json::from_str(r#""Recoverable\u002bPurgeable""#).unwrap();
        assert_eq!(escaped, DeletionRecoveryLevel::RecoverablePurgeable);
        let value: DeletionRecoveryLevel =
            serde_json::from_value(serde_json::json!("Purgeable")).unwrap();
        assert_eq!(value, DeletionRecoveryLevel::Purgeable);
        assert!(serde_json::from_str::<DeletionRecoveryLevel>("90").is_err());
    }

    #[test]
    fn attributes_round_trip() {
        let json = serde_json::json!({"enabled":true,"created":1493938410,"updated":1493938410,"recoveryLevel":"Recoverable+Purgeable","recoverableDays":90});
        let a: Attributes = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(
            a.recovery_level,
            Some(DeletionRecoveryLevel::RecoverablePurgeable)
        );
        assert_eq!(serde_json::to_value(&a).unwrap(), json);
        assert!(Attributes::settable(None, None, None).is_empty());
        assert_eq!(
            serde_json::to_value(Attributes::settable(Some(false), None, None)).unwrap(),
            serde_json::json!({"enabled":false})
        );
    }
}
