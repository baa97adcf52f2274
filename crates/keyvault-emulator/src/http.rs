//! HTTP messages as the handlers see them: the received request ([`Req`]), the reply before the
//! common headers ([`Reply`]), the context of a vault operation ([`Ctx`]) and the 404 and 405
//! every router answers.

pub(crate) mod api_version;
pub(crate) mod paging;

use bytes::Bytes;
use hyper::header::HeaderMap;
use hyper::Method;
use serde_json::Value;

use crate::errors::ServiceError;
use crate::http::api_version::ApiVersion;
use crate::storage::state::State;

/// A response before the common headers are added.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) body: Option<Vec<u8>>,
    pub(crate) content_type: &'static str,
    pub(crate) headers: Vec<(String, String)>,
}

const JSON: &str = "application/json; charset=utf-8";

impl Reply {
    /// A JSON reply.
    pub(crate) fn json(status: u16, body: &Value) -> Self {
        Self {
            status,
            body: Some(body.to_string().into_bytes()),
            content_type: JSON,
            headers: Vec::new(),
        }
    }

    /// A reply without body.
    pub(crate) fn empty(status: u16) -> Self {
        Self {
            status,
            body: None,
            content_type: JSON,
            headers: Vec::new(),
        }
    }

    /// A plain-text reply.
    pub(crate) fn text(status: u16, content_type: &'static str, body: String) -> Self {
        Self {
            status,
            body: Some(body.into_bytes()),
            content_type,
            headers: Vec::new(),
        }
    }
}

impl From<ServiceError> for Reply {
    fn from(e: ServiceError) -> Self {
        let mut reply = Reply::json(e.status, &e.body());
        reply.headers = e.headers;
        reply
    }
}

/// A received request, with its path normalised.
#[derive(Debug)]
pub(crate) struct Req {
    pub(crate) method: Method,
    pub(crate) host: String,
    /// The path as sent.
    pub(crate) raw_path: String,
    /// Non-empty path segments.
    pub(crate) segments: Vec<String>,
    pub(crate) raw_query: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Req {
    pub(crate) fn new(
        parts: hyper::http::request::Parts,
        body: Bytes,
        fallback_host: &str,
    ) -> Self {
        let host = parts
            .uri
            .authority()
            .map(|a| a.as_str().to_string())
            .or_else(|| {
                parts
                    .headers
                    .get(hyper::header::HOST)
                    .and_then(|h| h.to_str().ok())
                    .map(str::to_string)
            })
            .unwrap_or_else(|| fallback_host.to_string());
        let raw_path = parts.uri.path().to_string();
        let segments = raw_path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let raw_query = parts.uri.query().unwrap_or_default().to_string();
        let query = url::form_urlencoded::parse(raw_query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        Self {
            method: parts.method,
            host,
            raw_path,
            segments,
            raw_query,
            query,
            headers: parts.headers,
            body,
        }
    }

    /// A query parameter (names compared case-insensitively).
    pub(crate) fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// A header value.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// `https://{host}` as the request used it.
    pub(crate) fn base(&self) -> String {
        format!("https://{}", self.host)
    }

    /// The JSON body, or a `BadParameter` error.
    pub(crate) fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, ServiceError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Err(ServiceError::bad_parameter("The request body is missing."));
        }
        serde_json::from_slice(&self.body)
            .map_err(|e| ServiceError::bad_parameter(format!("The request body is not valid: {e}")))
    }
}

/// Context of a vault operation.
pub(crate) struct Ctx<'a> {
    pub(crate) base: String,
    pub(crate) api: ApiVersion,
    pub(crate) now: time::OffsetDateTime,
    pub(crate) latency: std::time::Duration,
    pub(crate) state: &'a State,
    pub(crate) flavour: crate::storage::vault::Flavour,
    /// The vault's soft-delete settings.
    pub(crate) retention: crate::storage::vault::Retention,
}

/// 404 for a path no operation answers.
pub(crate) fn not_found(req: &Req) -> ServiceError {
    ServiceError::new(
        404,
        "NotFound",
        format!("The requested resource '{}' was not found.", req.raw_path),
    )
}

/// 405 for a known path with an unsupported method.
pub(crate) fn method_not_allowed(req: &Req) -> ServiceError {
    ServiceError::new(
        405,
        "MethodNotAllowed",
        format!(
            "The requested resource does not support http method '{}'.",
            req.method
        ),
    )
}

/// Puts the emulator's `port` into the URI `properties[name]` (`https://{host}/` becomes
/// `https://{host}:{port}/`): stored resources keep their URIs without the port, which may
/// change from one run to the next.
pub(crate) fn with_port(
    properties: &mut serde_json::Map<String, serde_json::Value>,
    name: &str,
    port: u16,
) {
    let Some(uri) = properties.get(name).and_then(serde_json::Value::as_str) else {
        return;
    };
    let Some(rest) = uri.strip_prefix("https://") else {
        return;
    };
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    if host.contains(':') {
        return;
    }
    let uri = format!("https://{host}:{port}/{path}");
    properties.insert(name.to_string(), serde_json::Value::String(uri));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_get_the_port_when_answered() {
        let mut properties = serde_json::Map::new();
        properties.insert("vaultUri".into(), "https://kv.vault.azure.net/".into());
        with_port(&mut properties, "vaultUri", 8443);
        assert_eq!(properties["vaultUri"], "https://kv.vault.azure.net:8443/");
        // One that has a port, or none at all, is left alone.
        with_port(&mut properties, "vaultUri", 1);
        assert_eq!(properties["vaultUri"], "https://kv.vault.azure.net:8443/");
        with_port(&mut properties, "hsmUri", 1);
        assert!(!properties.contains_key("hsmUri"));
    }
}
