//! Paging: `maxresults` (1..=25, default 25), an opaque `$skiptoken`, and `nextLink` on the host the
//! request used.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};

use crate::errors::ServiceError;
use crate::http::{Ctx, Reply, Req};
/// Lists of maps page by key; the helper lives with the store, which pages the same way.
pub(crate) use crate::storage::store::range_after;

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

    /// The paging parameters of a list request.
    pub(crate) fn of(req: &Req) -> Result<Self, ServiceError> {
        Self::parse(req.query("maxresults"), req.query("$skiptoken"))
    }

    /// The marker the requested page starts after.
    pub(crate) fn after(&self) -> Option<&str> {
        self.after.as_deref()
    }

    /// Takes one page from `items`, which are ordered by marker and start after
    /// [`after`](Self::after). Returns the page and, when more items follow, the marker to
    /// continue after. Draws no more than the page and the one item past it, so that a source
    /// which computes its items lazily does the work of one page.
    pub(crate) fn take<M: Into<String>, T>(
        &self,
        items: impl IntoIterator<Item = (M, T)>,
    ) -> (Vec<T>, Option<String>) {
        let mut rest = items.into_iter().peekable();
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
        (page, next.map(Into::into))
    }

    /// Cuts one page out of all the items of a list, ordered by marker.
    pub(crate) fn page<T>(&self, items: Vec<(String, T)>) -> (Vec<T>, Option<String>) {
        let after = self.after();
        self.take(
            items
                .into_iter()
                .filter(|(m, _)| after.is_none_or(|after| m.as_str() > after)),
        )
    }

    /// Answers one page of a list on `path`. `items` are as [`take`](Self::take) wants them, and
    /// only the page's are rendered. The `nextLink` carries the request's query parameters named
    /// in `carry` (e.g. `includePending`).
    pub(crate) fn reply<M: Into<String>, T>(
        &self,
        ctx: &Ctx<'_>,
        req: &Req,
        path: &str,
        carry: &[&str],
        items: impl IntoIterator<Item = (M, T)>,
        render: impl FnMut(T) -> Value,
    ) -> Reply {
        let (page, next) = self.take(items);
        let page: Vec<Value> = page.into_iter().map(render).collect();
        let mut link = next.map(|marker| self.next_link(&ctx.base, path, &ctx.api.value, &marker));
        if let Some(link) = link.as_mut() {
            for name in carry {
                if let Some(value) = req.query(name) {
                    link.push_str(&format!("&{name}={value}"));
                }
            }
        }
        Reply::json(200, &json!({ "value": page, "nextLink": link }))
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

/// The items of a list ordered by position (the versions of an object), from the first whose
/// marker sorts after `after`, with their markers: the position, zero-padded to ten digits.
pub(crate) fn by_index<'a, T>(
    items: &'a [T],
    after: Option<&str>,
) -> impl Iterator<Item = (String, &'a T)> + 'a {
    let marker = |i: usize| format!("{i:010}");
    // Markers sort as their positions do, so the first one after `after` is found by bisection.
    let (mut start, mut end) = (0, items.len());
    if let Some(after) = after {
        while start < end {
            let mid = start + (end - start) / 2;
            if marker(mid).as_str() > after {
                end = mid;
            } else {
                start = mid + 1;
            }
        }
    }
    (start..)
        .zip(&items[start..])
        .map(move |(i, v)| (marker(i), v))
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
    fn takes_no_more_than_a_page_and_one() {
        let req = PageRequest::parse(Some("2"), None).unwrap();
        let mut drawn = 0;
        let items = (0..100).map(|i| {
            drawn += 1;
            (format!("m{i:03}"), i)
        });
        assert_eq!(req.take(items), (vec![0, 1], Some("m001".to_string())));
        assert_eq!(drawn, 3);
        let req = PageRequest::parse(Some("2"), None).unwrap();
        assert_eq!(req.take(vec![("a", 1), ("b", 2)]), (vec![1, 2], None));
    }

    #[test]
    fn by_index_starts_after_the_marker() {
        let items: Vec<u32> = (0..12).collect();
        let all: Vec<(String, &u32)> = items
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("{i:010}"), v))
            .collect();
        for after in [
            "",
            "0000000000",
            "0000000005",
            "0000000011",
            "00000000055",
            "5",
            "a",
            "-",
        ] {
            let expected: Vec<_> = all
                .iter()
                .filter(|(m, _)| m.as_str() > after)
                .cloned()
                .collect();
            assert_eq!(
                by_index(&items, Some(after)).collect::<Vec<_>>(),
                expected,
                "after {after:?}"
            );
        }
        assert_eq!(by_index(&items, None).count(), 12);
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
