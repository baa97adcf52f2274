//! Paging: `maxresults` (1..=25, default 25), an opaque `$skiptoken`, and `nextLink` on the host the
//! request used.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};

use crate::errors::ServiceError;
use crate::server::{Ctx, Reply, Req};

/// The page of `items` (ordered by marker) that a list request on `path` asks for, with a
/// `nextLink` carrying the request's query parameters named in `carry` (e.g. `includePending`).
pub(crate) fn page_reply(
    ctx: &Ctx<'_>,
    req: &Req,
    path: &str,
    items: Vec<(String, Value)>,
    carry: &[&str],
) -> Result<Reply, ServiceError> {
    let paging = PageRequest::parse(req.query("maxresults"), req.query("$skiptoken"))?;
    let (page, next) = paging.page(items);
    let mut link = next.map(|marker| paging.next_link(&ctx.base, path, &ctx.api.value, &marker));
    if let Some(link) = link.as_mut() {
        for name in carry {
            if let Some(value) = req.query(name) {
                link.push_str(&format!("&{name}={value}"));
            }
        }
    }
    Ok(Reply::json(
        200,
        &json!({ "value": page, "nextLink": link }),
    ))
}

/// The largest (and default) page size the service accepts.
pub(crate) const MAX_RESULTS: usize = 25;

/// Paging parameters of a list request.
#[derive(Debug, Clone)]
pub(crate) struct PageRequest {
    /// The page size.
    pub(crate) max: usize,
    /// Whether `maxresults` was given (it is then carried in `nextLink`).
    pub(crate) explicit_max: bool,
    /// Return items whose marker is after this one.
    pub(crate) after: Option<String>,
}

impl PageRequest {
    /// Parses `maxresults` and `$skiptoken`.
    pub(crate) fn parse(
        maxresults: Option<&str>,
        skiptoken: Option<&str>,
    ) -> Result<Self, ServiceError> {
        let (max, explicit_max) = match maxresults {
            None => (MAX_RESULTS, false),
            Some(raw) => match raw.trim().parse::<i64>() {
                Ok(n) if (1..=MAX_RESULTS as i64).contains(&n) => (n as usize, true),
                _ => {
                    return Err(ServiceError::bad_parameter(format!(
                        "Invalid value for maxresults: '{raw}'. The value must be between 1 and {MAX_RESULTS}."
                    )))
                }
            },
        };
        let after = match skiptoken {
            None | Some("") => None,
            Some(token) => Some(decode_token(token)?),
        };
        Ok(Self {
            max,
            explicit_max,
            after,
        })
    }

    /// Cuts one page out of items ordered by marker. Returns the page and, when more items
    /// follow, the marker to continue after.
    pub(crate) fn page<T>(&self, items: Vec<(String, T)>) -> (Vec<T>, Option<String>) {
        let mut rest = items
            .into_iter()
            .filter(|(m, _)| {
                self.after
                    .as_ref()
                    .is_none_or(|after| m.as_str() > after.as_str())
            })
            .peekable();
        let mut page = Vec::new();
        let mut last = None;
        while page.len() < self.max {
            match rest.next() {
                Some((m, item)) => {
                    last = Some(m);
                    page.push(item);
                }
                None => break,
            }
        }
        let next = if rest.peek().is_some() { last } else { None };
        (page, next)
    }

    /// The `nextLink` continuing after `marker`.
    pub(crate) fn next_link(
        &self,
        base: &str,
        path: &str,
        api_version: &str,
        marker: &str,
    ) -> String {
        let mut link = format!(
            "{base}{path}?api-version={api_version}&$skiptoken={}",
            encode_token(marker)
        );
        if self.explicit_max {
            link.push_str(&format!("&maxresults={}", self.max));
        }
        link
    }
}

/// Encodes a continuation marker as an opaque token.
pub(crate) fn encode_token(marker: &str) -> String {
    let json = json!({ "NextMarker": marker, "TargetLocation": 0 });
    URL_SAFE_NO_PAD.encode(json.to_string())
}

fn decode_token(token: &str) -> Result<String, ServiceError> {
    let invalid = || ServiceError::bad_parameter(format!("The skip token '{token}' is invalid."));
    let bytes = URL_SAFE_NO_PAD
        .decode(token.trim_end_matches('='))
        .map_err(|_| invalid())?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    value["NextMarker"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_through() {
        let items: Vec<(String, u32)> = (0..7).map(|i| (format!("m{i:02}"), i)).collect();
        let req = PageRequest::parse(Some("3"), None).unwrap();
        let (page, next) = req.page(items.clone());
        assert_eq!(page, vec![0, 1, 2]);
        let token = encode_token(&next.unwrap());
        let req = PageRequest::parse(Some("3"), Some(&token)).unwrap();
        let (page, _) = req.page(items.clone());
        assert_eq!(page, vec![3, 4, 5]);
        let req = PageRequest::parse(Some("7"), None).unwrap();
        assert_eq!(req.page(items).1, None);
    }

    #[test]
    fn rejects_bad_values() {
        for bad in ["0", "26", "-1", "x"] {
            assert_eq!(
                PageRequest::parse(Some(bad), None).unwrap_err().code,
                "BadParameter"
            );
        }
        assert!(PageRequest::parse(None, Some("!!")).is_err());
    }
}
