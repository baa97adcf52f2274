//! Service errors in the shape Key Vault sends them: `{"error":{"code":..,"message":..,"innererror":{..}}}`.

use serde_json::{json, Value};

/// An error answered by a vault endpoint.
#[derive(Debug, Clone)]
pub(crate) struct ServiceError {
    pub(crate) status: u16,
    pub(crate) code: String,
    pub(crate) message: String,
    pub(crate) inner: Option<String>,
    /// Extra response headers (e.g. `WWW-Authenticate`, `Retry-After`).
    pub(crate) headers: Vec<(String, String)>,
}

impl ServiceError {
    pub(crate) fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            code: code.to_string(),
            message: message.into(),
            inner: None,
            headers: Vec::new(),
        }
    }

    pub(crate) fn with_inner(mut self, inner: &str) -> Self {
        self.inner = Some(inner.to_string());
        self
    }

    pub(crate) fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    /// 400 `BadParameter`.
    pub(crate) fn bad_parameter(message: impl Into<String>) -> Self {
        Self::new(400, "BadParameter", message)
    }

    /// 409 `Conflict` with an inner code.
    pub(crate) fn conflict(message: impl Into<String>, inner: &str) -> Self {
        Self::new(409, "Conflict", message).with_inner(inner)
    }

    /// The JSON body.
    pub(crate) fn body(&self) -> Value {
        let mut error = json!({ "code": self.code, "message": self.message });
        if let Some(inner) = &self.inner {
            error["innererror"] = json!({ "code": inner });
        }
        json!({ "error": error })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflict_shape() {
        let e = ServiceError::conflict("m", "ObjectIsDeletedButRecoverable");
        assert_eq!(
            e.body(),
            json!({"error":{"code":"Conflict","message":"m","innererror":{"code":"ObjectIsDeletedButRecoverable"}}})
        );
        assert_eq!(e.status, 409);
    }
}
