//! The error type shared by every Key Vault client.
//!
//! Messages never carry secret material: service messages are copied as the service wrote them
//! (the service does not echo values), and deserialization errors keep only the position and the
//! category of the failure, never the offending text.

use crate::repeat_guard::UnrepeatedRequest;
use azure_core::http::{headers::HeaderName, RawResponse, StatusCode};
use serde::Deserialize;
use std::fmt;

/// The result type of every Key Vault client operation.
pub type Result<T> = std::result::Result<T, Error>;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-ms-request-id");

/// An error from a Key Vault client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with an error status.
    #[error("{}", service_message(*status, code.as_deref(), message, request_id.as_deref()))]
    Service {
        /// The HTTP status code.
        status: u16,
        /// The Key Vault error code, for example `SecretNotFound`.
        code: Option<String>,
        /// The service's message.
        message: String,
        /// The chain of inner errors, outermost first.
        inner: Option<Box<InnerError>>,
        /// The `x-ms-request-id` of the failed request.
        request_id: Option<String>,
    },

    /// An argument was rejected before anything was sent.
    #[error("invalid argument `{argument}`: {message}")]
    InvalidArgument {
        /// The name of the argument.
        argument: &'static str,
        /// Why it was rejected.
        message: String,
    },

    /// The selected API version lacks the operation or one of its parameters.
    #[error(
        "{operation} requires API version {required} or later, but the client uses {selected}"
    )]
    UnsupportedApiVersion {
        /// The operation or parameter.
        operation: &'static str,
        /// The oldest version that has it.
        required: String,
        /// The version the client was configured with.
        selected: String,
    },

    /// Authentication failed: the credential could not produce a token, the challenge was
    /// refused, or the service rejected every token offered.
    #[error("authentication failed: {message}")]
    Authentication {
        /// What went wrong.
        message: String,
        /// The `x-ms-request-id` of the rejected request, if the service answered.
        request_id: Option<String>,
    },

    /// The service asked for a token carrying more claims (Continuous Access Evaluation: the
    /// token was revoked, or a policy changed). azure_core 1.x credentials cannot request a token
    /// with claims (`TokenRequestOptions` has none) and `azure_identity` answers from its cache,
    /// so asking again would only resend the refused token: the call ends here, with the claims
    /// the service named. A new credential (signing in again) gets a new token.
    #[error("the service asks for a token with these claims, which azure_core credentials cannot request: {claims}")]
    ClaimsChallenge {
        /// The claims the service asked for: the challenge's `claims`, decoded from base64 (as
        /// given when it does not decode).
        claims: String,
        /// The `x-ms-request-id` of the refused request.
        request_id: Option<String>,
    },

    /// A response could not be deserialized into the expected model.
    #[error("could not deserialize the {model} response: {message}")]
    Deserialize {
        /// The model that was expected.
        model: &'static str,
        /// Category and position of the failure; never the payload.
        message: String,
    },

    /// The request could not be sent or the response could not be read.
    #[error("transport error: {0}")]
    Transport(#[source] azure_core::Error),

    /// A POST or PATCH was sent but its response was lost (a timeout, a dropped connection),
    /// so it was not retried: the service may or may not have applied it. Read the state back
    /// before sending it again.
    #[error("{method} {path} was sent but its response was lost; it was not repeated, as the service may have applied it: {source}")]
    NotRepeated {
        /// The request's method.
        method: String,
        /// The request's path, without its query.
        path: String,
        /// The transport's error.
        #[source]
        source: Box<azure_core::Error>,
    },

    /// A long-running operation ended without its result: it failed, was cancelled, or reached a
    /// state the client does not know. `operation` is the service's last word on it, as the
    /// service crate's model: `keyvault_certificates::CertificateOperation::from_error` reads a
    /// certificate's back.
    #[error("{message}")]
    OperationEnded {
        /// What happened, with the service's code and message when it gave them.
        message: String,
        /// The operation as the service last described it.
        operation: std::sync::Arc<dyn std::any::Any + Send + Sync>,
    },

    /// A long-running operation ended in failure.
    #[error("the operation failed: {0}")]
    OperationFailed(String),

    /// A cryptographic operation done locally, without the service, was refused or failed:
    /// the key does not permit the operation (`key_ops`), is not yet valid or has expired,
    /// its material is unusable, or the input could not be processed (for example a
    /// ciphertext that does not decrypt).
    #[error("local {operation} failed: {message}")]
    Cryptography {
        /// The operation, for example `decrypt`.
        operation: &'static str,
        /// Why it failed; never key material or data.
        message: String,
    },
}

/// One level of the service's nested `innererror` chain.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct InnerError {
    /// The inner error code, for example `ObjectIsDeletedButRecoverable`.
    pub code: Option<String>,
    /// The inner message, if any.
    pub message: Option<String>,
    /// The next level.
    #[serde(rename = "innererror")]
    pub inner: Option<Box<InnerError>>,
}

fn service_message(
    status: u16,
    code: Option<&str>,
    message: &str,
    request_id: Option<&str>,
) -> String {
    let mut text = format!("the service returned {status}");
    if let Some(code) = code {
        text.push_str(&format!(" {code}"));
    }
    if !message.is_empty() {
        text.push_str(&format!(": {message}"));
    }
    if let Some(id) = request_id {
        text.push_str(&format!(" (request id {id})"));
    }
    text
}

impl Error {
    /// An [`Error::InvalidArgument`].
    pub fn invalid_argument(argument: &'static str, message: impl Into<String>) -> Self {
        Error::InvalidArgument {
            argument,
            message: message.into(),
        }
    }

    /// Builds the error for a failed response from its status, headers and Key Vault error body.
    pub fn from_response(response: &RawResponse) -> Self {
        #[derive(Deserialize)]
        struct Envelope {
            error: Option<Body>,
        }
        #[derive(Deserialize)]
        struct Body {
            code: Option<String>,
            message: Option<String>,
            #[serde(rename = "innererror")]
            inner: Option<Box<InnerError>>,
        }
        let status = u16::from(response.status());
        let request_id = response.headers().get_optional_string(&REQUEST_ID);
        let body = serde_json::from_slice::<Envelope>(response.body().as_ref())
            .ok()
            .and_then(|e| e.error);
        let (code, message, inner) = match body {
            Some(b) => (b.code, b.message.unwrap_or_default(), b.inner),
            None => (None, reason(response.status()), None),
        };
        if status == 401 {
            let claims = response
                .headers()
                .get_optional_str(&azure_core::http::headers::WWW_AUTHENTICATE)
                .and_then(crate::challenge::Challenge::parse)
                .and_then(|challenge| challenge.claims);
            if let Some(claims) = claims {
                return Error::ClaimsChallenge {
                    claims: decode_claims(&claims),
                    request_id,
                };
            }
            return Error::Authentication {
                message: service_message(status, code.as_deref(), &message, None),
                request_id,
            };
        }
        Error::Service {
            status,
            code,
            message,
            inner,
            request_id,
        }
    }

    /// A deserialization failure described without the payload.
    pub fn deserialize(model: &'static str, err: &serde_json::Error) -> Self {
        let category = match err.classify() {
            serde_json::error::Category::Io => "I/O error",
            serde_json::error::Category::Syntax => "malformed JSON",
            serde_json::error::Category::Data => "unexpected shape",
            serde_json::error::Category::Eof => "truncated JSON",
        };
        Error::Deserialize {
            model,
            message: format!("{category} at line {} column {}", err.line(), err.column()),
        }
    }

    /// The HTTP status of a service error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Service { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The Key Vault error code, for example `SecretNotFound`.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Service { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// The innermost error code, for example `ObjectIsDeletedButRecoverable`.
    pub fn inner_code(&self) -> Option<&str> {
        let Error::Service { inner, .. } = self else {
            return None;
        };
        let mut current = inner.as_deref()?;
        while let Some(next) = current.inner.as_deref() {
            current = next;
        }
        current.code.as_deref()
    }

    /// The `x-ms-request-id` of the failed request.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Service { request_id, .. }
            | Error::Authentication { request_id, .. }
            | Error::ClaimsChallenge { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// True for a 404 from the service.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// True for a 409 from the service.
    pub fn is_conflict(&self) -> bool {
        self.status() == Some(409)
    }

    /// True for a 403 from the service.
    pub fn is_forbidden(&self) -> bool {
        self.status() == Some(403)
    }

    /// True when authentication failed (a claims challenge included).
    pub fn is_authentication(&self) -> bool {
        matches!(
            self,
            Error::Authentication { .. } | Error::ClaimsChallenge { .. }
        )
    }

    /// An [`Error::Cryptography`].
    pub fn cryptography(operation: &'static str, message: impl Into<String>) -> Self {
        Error::Cryptography {
            operation,
            message: message.into(),
        }
    }
}

/// The pipeline wraps a policy's error in generic context ("will not be retried"); the
/// innermost message is the one that says what happened.
fn innermost_message(err: &(dyn std::error::Error + 'static)) -> String {
    let mut current = err;
    while let Some(source) = current.source() {
        current = source;
    }
    current.to_string()
}

/// A challenge's `claims`: base64 (standard or URL-safe, padded or not) of a JSON object.
fn decode_claims(claims: &str) -> String {
    use base64::Engine as _;
    let engines = [
        &base64::engine::general_purpose::STANDARD,
        &base64::engine::general_purpose::URL_SAFE,
        &base64::engine::general_purpose::STANDARD_NO_PAD,
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ];
    engines
        .iter()
        .find_map(|engine| engine.decode(claims).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_else(|| claims.to_owned())
}

fn reason(status: StatusCode) -> String {
    format!("{status:?}")
}

impl From<azure_core::Error> for Error {
    fn from(err: azure_core::Error) -> Self {
        use azure_core::error::ErrorKind;
        let err = match take_unrepeated(err) {
            Ok(unrepeated) => {
                return Error::NotRepeated {
                    method: unrepeated.method.to_string(),
                    path: unrepeated.path,
                    source: Box::new(unrepeated.source),
                }
            }
            Err(err) => err,
        };
        match err.kind() {
            ErrorKind::Credential => Error::Authentication {
                message: innermost_message(&err),
                request_id: None,
            },
            ErrorKind::HttpResponse {
                raw_response: Some(response),
                ..
            } => Error::from_response(response),
            _ => Error::Transport(err),
        }
    }
}

/// The [`UnrepeatedRequest`] inside `err`, under the context layers the retry policy adds;
/// `err` itself, untouched, when there is none.
fn take_unrepeated(
    err: azure_core::Error,
) -> std::result::Result<UnrepeatedRequest, azure_core::Error> {
    let mut layer = &err;
    loop {
        if layer.downcast_ref::<UnrepeatedRequest>().is_some() {
            break;
        }
        match layer.downcast_ref::<azure_core::Error>() {
            Some(inner) => layer = inner,
            None => return Err(err),
        }
    }
    let mut layer = err;
    loop {
        layer = match layer.into_downcast::<UnrepeatedRequest>() {
            Ok(unrepeated) => return Ok(unrepeated),
            Err(outer) => outer
                .into_downcast::<azure_core::Error>()
                .expect("the layers were walked above"),
        };
    }
}

impl fmt::Display for InnerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.code, &self.message) {
            (Some(c), Some(m)) => write!(f, "{c}: {m}"),
            (Some(c), None) => f.write_str(c),
            (None, Some(m)) => f.write_str(m),
            (None, None) => f.write_str("(no detail)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use azure_core::http::headers::Headers;

    fn response(status: StatusCode, body: &str) -> RawResponse {
        let mut headers = Headers::new();
        headers.insert(REQUEST_ID, "req-1");
        RawResponse::from_bytes(status, headers, body.as_bytes().to_vec())
    }

    #[test]
    fn parses_service_error_with_inner_chain() {
        let err = Error::from_response(&response(
            StatusCode::Conflict,
            r#"{"error":{"code":"Conflict","message":"Secret s is currently in a deleted but recoverable state","innererror":{"code":"ObjectIsDeletedButRecoverable"}}}"#,
        ));
        assert!(err.is_conflict());
        assert_eq!(err.code(), Some("Conflict"));
        assert_eq!(err.inner_code(), Some("ObjectIsDeletedButRecoverable"));
        assert_eq!(err.request_id(), Some("req-1"));
        let text = err.to_string();
        assert!(text.contains("409 Conflict"), "{text}");
        assert!(text.contains("req-1"), "{text}");
    }

    #[test]
    fn non_json_error_body_keeps_status() {
        let err = Error::from_response(&response(StatusCode::BadGateway, "<html>oops</html>"));
        assert_eq!(err.status(), Some(502));
        assert_eq!(err.code(), None);
    }

    #[test]
    fn unauthorized_is_an_authentication_error() {
        let err = Error::from_response(&response(
            StatusCode::Unauthorized,
            r#"{"error":{"code":"Unauthorized","message":"AKV10000: Request is missing a Bearer or PoP token."}}"#,
        ));
        assert!(err.is_authentication());
        assert_eq!(err.request_id(), Some("req-1"));
        assert!(err.to_string().contains("AKV10000"));
    }

    #[test]
    fn deserialize_error_never_echoes_payload() {
        let payload = r#"{"value": 12, "id": "hunter2-super-secret"}"#;
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Model {
            id: u32,
        }
        let err = serde_json::from_str::<Model>(payload).unwrap_err();
        let ours = Error::deserialize("Model", &err);
        assert!(
            err.to_string().contains("hunter2"),
            "serde_json does echo it"
        );
        assert!(!ours.to_string().contains("hunter2"), "{ours}");
        assert!(!format!("{ours:?}").contains("hunter2"));
    }
}
