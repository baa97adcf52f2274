//! Wire fidelity: a body deserialized so that every field it carries must reach the model.
//! Parsing alone proves little when every field is optional: a misspelled serde name, or a field
//! the model lacks, is silently skipped. Here a skipped field is an error that names its path
//! (`policy.?.x509_props.?.basic_constraints`), unless the caller lists it as known and says why.

use serde::de::DeserializeOwned;

/// The JSON paths of the fields of `body` that `T` leaves unread, and the value.
fn skipped_by<T: DeserializeOwned>(body: &[u8]) -> Result<(T, Vec<String>), String> {
    let mut skipped = Vec::new();
    let mut json = serde_json::Deserializer::from_slice(body);
    let value: T = serde_ignored::deserialize(&mut json, |path| skipped.push(path.to_string()))
        .map_err(|e| e.to_string())?;
    Ok((value, skipped))
}

fn verdict(skipped: Vec<String>, known: &[&str]) -> Result<(), String> {
    let unread: Vec<String> = skipped
        .into_iter()
        .filter(|path| !known.contains(&path.as_str()))
        .collect();
    if unread.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "fields the model does not read: {}",
            unread.join(", ")
        ))
    }
}

/// Deserializes `body` into `T`, failing with the paths of the fields `T` leaves unread,
/// except those in `known` (fields knowingly not modelled).
pub fn every_field<T: DeserializeOwned>(body: &[u8], known: &[&str]) -> Result<T, String> {
    let (value, skipped) = skipped_by::<T>(body)?;
    verdict(skipped, known).map(|()| value)
}

/// For a body that two models share (a job's status and its result): every field must reach
/// one of them.
pub fn every_field_of_either<A: DeserializeOwned, B: DeserializeOwned>(
    body: &[u8],
    known: &[&str],
) -> Result<(A, B), String> {
    let (a, skipped_a) = skipped_by::<A>(body)?;
    let (b, skipped_b) = skipped_by::<B>(body)?;
    let both: Vec<String> = skipped_a
        .into_iter()
        .filter(|path| skipped_b.contains(path))
        .collect();
    verdict(both, known).map(|()| (a, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Model {
        #[serde(rename = "contentType", default)]
        content_type: Option<String>,
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Other {
        #[serde(default)]
        tags: Option<serde_json::Value>,
    }

    #[test]
    fn a_misspelled_or_missing_field_is_named() {
        assert!(every_field::<Model>(br#"{"contentType":"x"}"#, &[]).is_ok());
        let err =
            every_field::<Model>(br#"{"content_type":"x","tags":{"a":"b"}}"#, &[]).unwrap_err();
        assert!(
            err.contains("content_type") && err.contains("tags"),
            "{err}"
        );
        assert!(every_field::<Model>(br#"{"tags":{}}"#, &["tags"]).is_ok());
    }

    #[test]
    fn two_models_share_a_body() {
        let body = br#"{"contentType":"x","tags":{}}"#;
        assert!(every_field_of_either::<Model, Other>(body, &[]).is_ok());
        let err = every_field_of_either::<Model, Other>(br#"{"extra":1}"#, &[]).unwrap_err();
        assert!(err.contains("extra"), "{err}");
    }
}
