//! Serde helpers for Key Vault's wire forms: unix-seconds times and base64url bytes.

/// `Option<OffsetDateTime>` as unix seconds (Key Vault's `attributes` times).
pub mod unix_time_option {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::OffsetDateTime;

    /// Serializes as integer seconds, or nothing.
    pub fn serialize<S: Serializer>(
        value: &Option<OffsetDateTime>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(t) => serializer.serialize_i64(t.unix_timestamp()),
            None => serializer.serialize_none(),
        }
    }

    /// Accepts integer or fractional seconds.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        let Some(seconds) = Option::<f64>::deserialize(deserializer)? else {
            return Ok(None);
        };
        OffsetDateTime::from_unix_timestamp(seconds.trunc() as i64)
            .map(Some)
            .map_err(serde::de::Error::custom)
    }
}

/// `OffsetDateTime` as unix seconds, for fields the service always sends.
pub mod unix_time {
    use serde::{Deserializer, Serializer};
    use time::OffsetDateTime;

    /// Serializes as integer seconds.
    pub fn serialize<S: Serializer>(
        value: &OffsetDateTime,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(value.unix_timestamp())
    }

    /// Accepts integer or fractional seconds.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<OffsetDateTime, D::Error> {
        super::unix_time_option::deserialize(deserializer)?
            .ok_or_else(|| serde::de::Error::custom("expected a unix time"))
    }
}

/// `Vec<u8>` as unpadded base64url (padded input is accepted too).
pub mod base64url {
    use base64::{
        alphabet,
        engine::{
            general_purpose::URL_SAFE_NO_PAD, DecodePaddingMode, GeneralPurpose,
            GeneralPurposeConfig,
        },
        Engine,
    };
    use serde::{Deserialize, Deserializer, Serializer};

    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &alphabet::URL_SAFE,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );

    /// Encodes bytes as unpadded base64url.
    pub fn encode(bytes: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// Decodes base64url, padded or not.
    pub fn decode(text: &str) -> Result<Vec<u8>, base64::DecodeError> {
        LENIENT.decode(text.trim_end_matches('='))
    }

    /// Serializes bytes as base64url.
    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&encode(bytes))
    }

    /// Deserializes base64url text into bytes.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(deserializer)?;
        decode(&text).map_err(|_| serde::de::Error::custom("invalid base64url"))
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};
    use time::OffsetDateTime;

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Times {
        #[serde(
            with = "super::unix_time_option",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        exp: Option<OffsetDateTime>,
        #[serde(with = "super::unix_time")]
        created: OffsetDateTime,
    }

    #[test]
    fn unix_times_round_trip() {
        let t: Times = serde_json::from_str(r#"{"created":1629853039,"exp":1.7e9}"#).unwrap();
        assert_eq!(t.created.unix_timestamp(), 1629853039);
        assert_eq!(t.exp.unwrap().unix_timestamp(), 1_700_000_000);
        assert_eq!(
            serde_json::to_value(&t).unwrap(),
            serde_json::json!({"created":1629853039,"exp":1700000000})
        );
        let t: Times = serde_json::from_str(r#"{"created":1}"#).unwrap();
        assert_eq!(t.exp, None);
    }

    #[test]
    fn base64url_accepts_padding() {
        assert_eq!(super::base64url::decode("AQI=").unwrap(), vec![1, 2]);
        assert_eq!(super::base64url::decode("AQI").unwrap(), vec![1, 2]);
        assert_eq!(super::base64url::encode(&[251, 255]), "-_8");
    }
}
