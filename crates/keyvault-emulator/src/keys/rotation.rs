//! Key rotation policies: ISO 8601 durations, lifetime actions and their validation.

use serde_json::{json, Value};

use crate::errors::ServiceError;
pub(crate) use crate::storage::keys::{LifetimeAction, RotationPolicy};

/// Parses an ISO 8601 duration (`P90D`, `P1Y10D`, `PT48H`, `P3M`, `P2W`) into seconds, with the
/// service's approximations: a year is 365 days, a month 30 days.
pub(crate) fn parse_duration(text: &str) -> Option<i64> {
    let rest = text.strip_prefix('P').or_else(|| text.strip_prefix('p'))?;
    if rest.is_empty() {
        return None;
    }
    let mut total: i64 = 0;
    let mut in_time = false;
    let mut number = String::new();
    let mut any = false;
    for c in rest.chars() {
        match c {
            '0'..='9' => number.push(c),
            'T' | 't' if !in_time && number.is_empty() => in_time = true,
            _ => {
                let n: i64 = number.parse().ok()?;
                number.clear();
                let unit = match (in_time, c.to_ascii_uppercase()) {
                    (false, 'Y') => 365 * 86_400,
                    (false, 'M') => 30 * 86_400,
                    (false, 'W') => 7 * 86_400,
                    (false, 'D') => 86_400,
                    (true, 'H') => 3_600,
                    (true, 'M') => 60,
                    (true, 'S') => 1,
                    _ => return None,
                };
                total = total.checked_add(n.checked_mul(unit)?)?;
                any = true;
            }
        }
    }
    (number.is_empty() && any).then_some(total)
}

fn bad(message: impl Into<String>) -> ServiceError {
    ServiceError::bad_parameter(message)
}

/// Shortest `expiryTime` the service accepts.
const MIN_EXPIRY: i64 = 28 * 86_400;
/// Shortest `timeAfterCreate` the service accepts.
const MIN_AFTER_CREATE: i64 = 7 * 86_400;

impl RotationPolicy {
    /// The policy a key has before any is set: notify 30 days before expiry (Key Vault only).
    pub(crate) fn default_for(hsm: bool) -> RotationPolicy {
        let actions = if hsm {
            Vec::new()
        } else {
            vec![LifetimeAction {
                action: "Notify".into(),
                time_after_create: None,
                time_before_expiry: Some("P30D".into()),
            }]
        };
        RotationPolicy {
            actions,
            expiry_time: None,
            created: 0,
            updated: 0,
        }
    }

    /// Validates a `KeyRotationPolicy` body. `previous` keeps the creation time of an update.
    pub(crate) fn from_request(
        body: &Value,
        hsm: bool,
        now: i64,
        previous: Option<&RotationPolicy>,
    ) -> Result<RotationPolicy, ServiceError> {
        let Some(obj) = body.as_object() else {
            return Err(bad(
                "The request body must be a key rotation policy object.",
            ));
        };
        let expiry_time = match obj.get("attributes").and_then(|a| a.get("expiryTime")) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => {
                let secs = parse_duration(s).ok_or_else(|| {
                    bad(format!("Invalid ISO 8601 duration for expiryTime: '{s}'."))
                })?;
                if secs < MIN_EXPIRY {
                    return Err(bad(
                        "The expiryTime of a key rotation policy must be at least 28 days (P28D).",
                    ));
                }
                Some(s.clone())
            }
            Some(_) => return Err(bad("Property 'expiryTime' must be a string.")),
        };
        let mut actions = Vec::new();
        let list = match obj.get("lifetimeActions") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(list)) => list.clone(),
            Some(_) => return Err(bad("Property 'lifetimeActions' must be an array.")),
        };
        for item in &list {
            let kind = item["action"]["type"].as_str().unwrap_or_default();
            let action = if kind.eq_ignore_ascii_case("rotate") {
                "Rotate"
            } else if kind.eq_ignore_ascii_case("notify") {
                "Notify"
            } else {
                return Err(bad(format!("Invalid lifetime action type: '{kind}'.")));
            };
            if hsm && action == "Notify" {
                return Err(bad(
                    "The Notify lifetime action is not supported by Managed HSM.",
                ));
            }
            let read = |name: &str| -> Result<Option<(String, i64)>, ServiceError> {
                match item["trigger"].get(name) {
                    None | Some(Value::Null) => Ok(None),
                    Some(Value::String(s)) => parse_duration(s)
                        .map(|secs| Some((s.clone(), secs)))
                        .ok_or_else(|| {
                            bad(format!("Invalid ISO 8601 duration for {name}: '{s}'."))
                        }),
                    Some(_) => Err(bad(format!("Property '{name}' must be a string."))),
                }
            };
            let after = read("timeAfterCreate")?;
            let before = read("timeBeforeExpiry")?;
            match (&after, &before) {
                (Some(_), Some(_)) | (None, None) => {
                    return Err(bad(
                        "A lifetime action trigger must have exactly one of timeAfterCreate and timeBeforeExpiry.",
                    ))
                }
                (Some((_, secs)), None) if *secs < MIN_AFTER_CREATE => {
                    return Err(bad("timeAfterCreate must be at least 7 days (P7D)."))
                }
                (Some(_), None) if action == "Notify" => {
                    return Err(bad("The Notify lifetime action only supports timeBeforeExpiry."))
                }
                (None, Some(_)) if expiry_time.is_none() && action == "Rotate" => {
                    return Err(bad(
                        "A timeBeforeExpiry trigger requires the policy's expiryTime.",
                    ))
                }
                _ => {}
            }
            if actions.iter().any(|a: &LifetimeAction| a.action == action) {
                return Err(bad(format!(
                    "A key rotation policy may have at most one {action} action."
                )));
            }
            actions.push(LifetimeAction {
                action: action.to_string(),
                time_after_create: after.map(|(s, _)| s),
                time_before_expiry: before.map(|(s, _)| s),
            });
        }
        Ok(RotationPolicy {
            actions,
            expiry_time,
            created: previous.map_or(now, |p| p.created),
            updated: now,
        })
    }

    /// The `KeyRotationPolicy` JSON.
    pub(crate) fn to_json(&self, id: String) -> Value {
        let actions: Vec<Value> = self
            .actions
            .iter()
            .map(|a| {
                let mut trigger = serde_json::Map::new();
                if let Some(t) = &a.time_after_create {
                    trigger.insert("timeAfterCreate".into(), json!(t));
                }
                if let Some(t) = &a.time_before_expiry {
                    trigger.insert("timeBeforeExpiry".into(), json!(t));
                }
                json!({"trigger": trigger, "action": {"type": a.action}})
            })
            .collect();
        let mut attributes = serde_json::Map::new();
        if let Some(e) = &self.expiry_time {
            attributes.insert("expiryTime".into(), json!(e));
        }
        if self.created != 0 {
            attributes.insert("created".into(), json!(self.created));
            attributes.insert("updated".into(), json!(self.updated));
        }
        json!({"id": id, "lifetimeActions": actions, "attributes": attributes})
    }

    /// The expiry a new version gets under this policy (`created + expiryTime`).
    pub(crate) fn expiry_for(&self, created: i64) -> Option<i64> {
        self.expiry_time
            .as_deref()
            .and_then(parse_duration)
            .map(|secs| created + secs)
    }

    /// Whether the key, whose latest version was created at `created` and expires at `exp`,
    /// is due for an automatic rotation at `now`.
    pub(crate) fn rotation_due(&self, created: i64, exp: Option<i64>, now: i64) -> bool {
        self.actions
            .iter()
            .filter(|a| a.action == "Rotate")
            .any(|a| {
                if let Some(after) = a.time_after_create.as_deref().and_then(parse_duration) {
                    return now >= created + after;
                }
                match (
                    a.time_before_expiry.as_deref().and_then(parse_duration),
                    exp,
                ) {
                    (Some(before), Some(exp)) => now >= exp - before,
                    _ => false,
                }
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("P90D"), Some(90 * 86_400));
        assert_eq!(parse_duration("P1Y10D"), Some(375 * 86_400));
        assert_eq!(parse_duration("PT48H"), Some(48 * 3_600));
        assert_eq!(parse_duration("P3M"), Some(90 * 86_400));
        assert_eq!(parse_duration("P1DT1M"), Some(86_400 + 60));
        for bad in ["", "P", "90D", "P1H", "PT", "P1D2", "PXD"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn validates_policies() {
        let ok = json!({"lifetimeActions": [
            {"trigger": {"timeAfterCreate": "P90D"}, "action": {"type": "rotate"}},
            {"trigger": {"timeBeforeExpiry": "P30D"}, "action": {"type": "Notify"}}],
            "attributes": {"expiryTime": "P2Y"}});
        let p = RotationPolicy::from_request(&ok, false, 100, None).unwrap();
        assert_eq!(p.actions[0].action, "Rotate");
        assert_eq!(p.expiry_for(0), Some(730 * 86_400));
        assert!(p.rotation_due(0, None, 90 * 86_400));
        assert!(!p.rotation_due(0, None, 89 * 86_400));
        assert!(RotationPolicy::from_request(&ok, true, 100, None).is_err());
        let short = json!({"attributes": {"expiryTime": "P7D"}});
        assert!(RotationPolicy::from_request(&short, false, 1, None).is_err());
        let both = json!({"lifetimeActions": [{"trigger": {"timeAfterCreate": "P90D", "timeBeforeExpiry": "P30D"}, "action": {"type": "Rotate"}}]});
        assert!(RotationPolicy::from_request(&both, false, 1, None).is_err());
    }
}
