//! Serde helpers for Key Vault's wire forms: unix-seconds times, base64url and base64 bytes.

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

    /// Decodes base64url, padded or not. The standard alphabet (`+`, `/`) is accepted too:
    /// some service responses (for example `wrapkey` in the REST examples) use it.
    pub fn decode(text: &str) -> Result<Vec<u8>, base64::DecodeError> {
        let text = text.trim_end_matches('=');
        if text.contains(['+', '/']) {
            LENIENT.decode(text.replace('+', "-").replace('/', "_"))
        } else {
            LENIENT.decode(text)
        }
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

/// `Vec<u8>` as standard, padded base64 (the spec's `format: byte`, for example a
/// certificate's `cer` or a CSR); unpadded input is accepted too.
pub mod base64 {
    use base64::{
        alphabet,
        engine::{
            general_purpose::STANDARD, DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig,
        },
        Engine,
    };
    use serde::{Deserialize, Deserializer, Serializer};

    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );

    /// Encodes bytes as padded standard base64.
    pub fn encode(bytes: &[u8]) -> String {
        STANDARD.encode(bytes)
    }

    /// Decodes standard base64, padded or not, ignoring ASCII whitespace (line breaks).
    pub fn decode(text: &str) -> Result<Vec<u8>, base64::DecodeError> {
        let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        LENIENT.decode(compact)
    }

    /// Serializes bytes as standard base64.
    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&encode(bytes))
    }

    /// Deserializes standard base64 text into bytes.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(deserializer)?;
        decode(&text).map_err(|_| serde::de::Error::custom("invalid base64"))
    }
}

/// `Option<Vec<u8>>` as standard base64, for optional `format: byte` fields.
pub mod base64_option {
    use serde::{Deserialize, Deserializer, Serializer};

    /// Serializes bytes as standard base64, or nothing.
    pub fn serialize<S: Serializer>(
        bytes: &Option<Vec<u8>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match bytes {
            Some(b) => super::base64::serialize(b, serializer),
            None => serializer.serialize_none(),
        }
    }

    /// Deserializes optional standard base64 text.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Vec<u8>>, D::Error> {
        match Option::<String>::deserialize(deserializer)? {
            Some(text) => super::base64::decode(&text)
                .map(Some)
                .map_err(|_| serde::de::Error::custom("invalid base64")),
            None => Ok(None),
        }
    }
}

/// `Option<Vec<u8>>` (or any optional bytes) as unpadded base64url; `null` or absent is `None`.
pub mod base64url_option {
    use serde::{Deserialize, Deserializer, Serializer};

    /// Serializes bytes as base64url, or nothing.
    pub fn serialize<S: Serializer, T: AsRef<[u8]>>(
        value: &Option<T>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(bytes) => serializer.serialize_str(&super::base64url::encode(bytes.as_ref())),
            None => serializer.serialize_none(),
        }
    }

    /// Deserializes base64url text, or `null`, into bytes.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Vec<u8>>, D::Error> {
        match Option::<String>::deserialize(deserializer)? {
            Some(text) => super::base64url::decode(&text)
                .map(Some)
                .map_err(|_| serde::de::Error::custom("invalid base64url")),
            None => Ok(None),
        }
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

    #[test]
    fn optional_base64url() {
        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        struct Blob {
            #[serde(
                with = "super::base64url_option",
                default,
                skip_serializing_if = "Option::is_none"
            )]
            iv: Option<Vec<u8>>,
        }
        let b: Blob = serde_json::from_str(r#"{"iv":"AQI"}"#).unwrap();
        assert_eq!(b.iv, Some(vec![1, 2]));
        assert_eq!(serde_json::to_string(&b).unwrap(), r#"{"iv":"AQI"}"#);
        let b: Blob = serde_json::from_str(r#"{"iv":null}"#).unwrap();
        assert_eq!(serde_json::to_string(&b).unwrap(), "{}");
    }

    #[test]
    fn base64url_accepts_the_standard_alphabet() {
        assert_eq!(super::base64url::decode("+/8=").unwrap(), vec![251, 255]);
        assert_eq!(super::base64url::decode("-_8").unwrap(), vec![251, 255]);
        assert!(super::base64url::decode("a b").is_err());
    }

    #[test]
    fn standard_base64_is_padded_and_lenient() {
        assert_eq!(super::base64::encode(&[251, 255]), "+/8=");
        assert_eq!(super::base64::decode("+/8=").unwrap(), vec![251, 255]);
        assert_eq!(super::base64::decode("+/8").unwrap(), vec![251, 255]);
        assert_eq!(super::base64::decode("AQ\r\nID").unwrap(), vec![1, 2, 3]);
        assert!(super::base64::decode("-_8").is_err());

        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        struct Bytes {
            #[serde(with = "super::base64")]
            cer: Vec<u8>,
            #[serde(
                default,
                with = "super::base64_option",
                skip_serializing_if = "Option::is_none"
            )]
            csr: Option<Vec<u8>>,
            #[serde(
                default,
                with = "super::base64url_option",
                skip_serializing_if = "Option::is_none"
            )]
            x5t: Option<Vec<u8>>,
        }
        let b: Bytes = serde_json::from_str(r#"{"cer":"AQI=","x5t":"-_8"}"#).unwrap();
        assert_eq!(
            b,
            Bytes {
                cer: vec![1, 2],
                csr: None,
                x5t: Some(vec![251, 255])
            }
        );
        assert_eq!(
            serde_json::to_string(&b).unwrap(),
            r#"{"cer":"AQI=","x5t":"-_8"}"#
        );
        assert!(serde_json::from_str::<Bytes>(r#"{"cer":"*"}"#).is_err());
    }
}
