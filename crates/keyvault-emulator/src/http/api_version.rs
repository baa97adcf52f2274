//! The `api-version` query parameter: required, and one of the versions the service knows.

use crate::errors::ServiceError;

/// The data-plane API versions the emulator answers, oldest first.
pub const KNOWN_API_VERSIONS: &[&str] = &[
    "2016-10-01",
    "7.0",
    "7.1",
    "7.2",
    "7.3",
    "7.4",
    "7.5",
    "7.6",
    "2025-07-01",
    "2026-04-01",
];

/// The newest version, named in the error message for unknown versions.
pub const LATEST_API_VERSION: &str = "2026-04-01";

/// A validated API version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiVersion {
    pub(crate) value: String,
    index: usize,
}

impl ApiVersion {
    /// Validates the raw query value.
    pub(crate) fn parse(raw: Option<&str>) -> Result<Self, ServiceError> {
        let Some(raw) = raw else {
            return Err(ServiceError::bad_parameter(
                "The 'api-version' query parameter is required. Consider using the latest supported version (".to_string()
                    + LATEST_API_VERSION
                    + ").",
            ));
        };
        match KNOWN_API_VERSIONS.iter().position(|v| *v == raw) {
            Some(index) => Ok(Self {
                value: raw.to_string(),
                index,
            }),
            None => Err(ServiceError::bad_parameter(format!(
                "The specified version ({raw}) is not recognized. Consider using the latest supported version ({LATEST_API_VERSION})."
            ))),
        }
    }

    /// Whether `recoverableDays` is part of the attributes (added in 7.1).
    pub(crate) fn has_recoverable_days(&self) -> bool {
        self.index >= 2
    }

    /// Whether this version is `version` or newer (`version` must be a known version).
    pub(crate) fn at_least(&self, version: &str) -> bool {
        KNOWN_API_VERSIONS
            .iter()
            .position(|v| *v == version)
            .is_some_and(|index| self.index >= index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates() {
        assert!(ApiVersion::parse(Some("7.6")).is_ok());
        assert!(ApiVersion::parse(Some("2026-04-01")).is_ok());
        let e = ApiVersion::parse(Some("7.9")).unwrap_err();
        assert_eq!(e.code, "BadParameter");
        assert!(e.message.contains("(7.9) is not recognized"));
        assert_eq!(ApiVersion::parse(None).unwrap_err().status, 400);
        assert!(!ApiVersion::parse(Some("7.0"))
            .unwrap()
            .has_recoverable_days());
        assert!(ApiVersion::parse(Some("7.1"))
            .unwrap()
            .has_recoverable_days());
    }
}
