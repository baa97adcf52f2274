//! `WWW-Authenticate` challenge parsing and the process-wide challenge cache.
//!
//! Key Vault names the token's audience and tenant in its 401 challenge. The cache remembers
//! the challenge per authority (host, and port unless it is 443), so that every client of the
//! process, whatever its options, authenticates a known vault without another round trip.

use std::{
    borrow::Cow,
    collections::HashMap,
    sync::{Arc, LazyLock, RwLock},
};
use url::Url;

/// A parsed Bearer challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Challenge {
    /// The `authorization` (or `authorization_uri`) parameter: the token authority.
    pub authorization: Option<String>,
    /// The `resource` parameter.
    pub resource: Option<String>,
    /// The `scope` parameter.
    pub scope: Option<String>,
    /// The `claims` parameter of a Continuous Access Evaluation challenge (base64 JSON).
    pub claims: Option<String>,
    /// The `error` parameter, for example `insufficient_claims`.
    pub error: Option<String>,
}

impl Challenge {
    /// Parses the first Bearer challenge of a `WWW-Authenticate` header value. Returns `None`
    /// when there is no Bearer challenge, or it names neither a scope nor a resource nor claims.
    pub fn parse(header: &str) -> Option<Challenge> {
        let params = bearer_params(header)?;
        let get = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
                .filter(|v| !v.is_empty())
        };
        let challenge = Challenge {
            authorization: get("authorization").or_else(|| get("authorization_uri")),
            resource: get("resource"),
            scope: get("scope"),
            claims: get("claims"),
            error: get("error"),
        };
        (challenge.scope.is_some() || challenge.resource.is_some() || challenge.claims.is_some())
            .then_some(challenge)
    }

    /// Whether `scope` is this challenge's [`Challenge::token_scope`], without building it.
    pub(crate) fn has_token_scope(&self, scope: &str) -> bool {
        match (&self.scope, &self.resource) {
            (Some(own), _) => own == scope,
            (None, Some(resource)) => {
                scope.strip_suffix("/.default") == Some(resource.trim_end_matches('/'))
            }
            (None, None) => false,
        }
    }

    /// The token scope: `scope`, else `resource` + `/.default`.
    pub fn token_scope(&self) -> Option<String> {
        if let Some(scope) = &self.scope {
            return Some(scope.clone());
        }
        self.resource
            .as_ref()
            .map(|r| format!("{}/.default", r.trim_end_matches('/')))
    }

    /// The tenant: the first path segment of the authorization URL.
    pub fn tenant_id(&self) -> Option<String> {
        let url = Url::parse(self.authorization.as_deref()?).ok()?;
        let tenant = url.path_segments()?.find(|s| !s.is_empty())?;
        Some(tenant.to_string())
    }

    /// The host the token is meant for: that of `resource`, else of `scope`.
    pub fn resource_host(&self) -> Option<String> {
        let text = self.resource.as_deref().or(self.scope.as_deref())?;
        let first = text.split_whitespace().next()?;
        Url::parse(first)
            .ok()?
            .host_str()
            .map(|h| h.to_ascii_lowercase())
    }
}

/// Splits a header into challenges and returns the parameters of the first Bearer one.
fn bearer_params(header: &str) -> Option<Vec<(String, String)>> {
    let mut rest = header.trim();
    let mut in_bearer = false;
    let mut params = Vec::new();
    while !rest.is_empty() {
        rest = rest.trim_start_matches([',', ' ', '\t']);
        let token_end = rest
            .find(|c: char| c == '=' || c == ',' || c.is_whitespace())
            .unwrap_or(rest.len());
        let token = &rest[..token_end];
        let after = rest[token_end..].trim_start();
        if let Some(value_part) = after.strip_prefix('=') {
            let (value, remaining) = parse_value(value_part.trim_start());
            if in_bearer {
                params.push((token.to_string(), value));
            }
            rest = remaining;
        } else {
            // A token without `=` starts a new challenge.
            if in_bearer {
                break;
            }
            in_bearer = token.eq_ignore_ascii_case("bearer");
            if token.is_empty() {
                break;
            }
            rest = after;
        }
    }
    in_bearer.then_some(params)
}

/// Reads a quoted or bare parameter value; returns it and the text after it.
fn parse_value(text: &str) -> (String, &str) {
    if let Some(quoted) = text.strip_prefix('"') {
        let mut value = String::new();
        let mut chars = quoted.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, escaped)) = chars.next() {
                        value.push(escaped);
                    }
                }
                '"' => return (value, &quoted[i + 1..]),
                _ => value.push(c),
            }
        }
        (value, "")
    } else {
        let end = text.find(',').unwrap_or(text.len());
        (text[..end].trim().to_string(), &text[end..])
    }
}

/// The authority a challenge is cached under: lowercase host, and the port unless default.
pub fn authority(url: &Url) -> String {
    authority_key(url).into_owned()
}

/// [`authority`] without an allocation in the usual case: the URL parser already lowercases
/// https hosts and drops the default port, so `Url::authority` is the key unless the URL
/// carries credentials or an uppercase host.
fn authority_key(url: &Url) -> Cow<'_, str> {
    let plain = url.username().is_empty()
        && url.password().is_none()
        && !url.authority().bytes().any(|b| b.is_ascii_uppercase());
    if plain {
        return Cow::Borrowed(url.authority());
    }
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    Cow::Owned(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    })
}

static CACHE: LazyLock<RwLock<HashMap<String, Arc<Challenge>>>> = LazyLock::new(Default::default);

/// The process-wide challenge cache, shared by every client.
#[derive(Debug, Clone, Copy)]
pub struct ChallengeCache;

impl ChallengeCache {
    /// The challenge cached for the authority of `url`.
    pub fn get(url: &Url) -> Option<Arc<Challenge>> {
        CACHE
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(authority_key(url).as_ref())
            .cloned()
    }

    /// Caches the challenge for the authority of `url`. Only the authentication policy writes
    /// the cache, so that no code outside it decides where a client's token goes.
    pub(crate) fn insert(url: &Url, challenge: Challenge) -> Arc<Challenge> {
        let challenge = Arc::new(challenge);
        CACHE
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(authority(url), challenge.clone());
        challenge
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_key_vault_challenge() {
        let c = Challenge::parse(
            r#"Bearer authorization="https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47", resource="https://vault.azure.net""#,
        )
        .unwrap();
        assert_eq!(c.token_scope().unwrap(), "https://vault.azure.net/.default");
        assert_eq!(
            c.tenant_id().unwrap(),
            "72f988bf-86f1-41af-91ab-2d7cd011db47"
        );
        assert_eq!(c.resource_host().unwrap(), "vault.azure.net");
    }

    #[test]
    fn scope_wins_over_resource_and_authorization_uri_is_accepted() {
        let c = Challenge::parse(
            r#"Bearer authorization_uri="https://login.windows.net/tenant-a/", resource="https://x", scope="https://managedhsm.azure.net/.default""#,
        )
        .unwrap();
        assert_eq!(
            c.token_scope().unwrap(),
            "https://managedhsm.azure.net/.default"
        );
        assert_eq!(c.tenant_id().unwrap(), "tenant-a");
    }

    #[test]
    fn resource_with_trailing_slash() {
        let c = Challenge::parse(r#"Bearer resource="https://vault.azure.net/""#).unwrap();
        assert_eq!(c.token_scope().unwrap(), "https://vault.azure.net/.default");
    }

    #[test]
    fn parses_claims_challenge_among_other_schemes() {
        let c = Challenge::parse(
            r#"PoP realm="x", nonce="y", Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnt9fQ==""#,
        )
        .unwrap();
        assert_eq!(c.error.as_deref(), Some("insufficient_claims"));
        assert_eq!(c.claims.as_deref(), Some("eyJhY2Nlc3NfdG9rZW4iOnt9fQ=="));
        assert_eq!(
            c.authorization.as_deref(),
            Some("https://login.microsoftonline.com/common/oauth2/authorize")
        );
    }

    #[test]
    fn bare_values_and_escapes() {
        let c =
            Challenge::parse(r#"bearer resource=https://vault.azure.net, scope="a\"b""#).unwrap();
        assert_eq!(c.resource.as_deref(), Some("https://vault.azure.net"));
        assert_eq!(c.scope.as_deref(), Some("a\"b"));
    }

    #[test]
    fn rejects_non_bearer_and_garbage_without_panicking() {
        for bad in [
            "",
            "Basic realm=\"x\"",
            "Bearer",
            "Bearer realm=\"\"",
            "=,,\"",
            "Bearer a=\"unterminated",
            "\u{0}",
            "Bearer ,,,=",
            "é=é",
        ] {
            assert!(Challenge::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn has_token_scope_agrees_with_token_scope() {
        for header in [
            r#"Bearer authorization="https://login/t", resource="https://vault.azure.net""#,
            r#"Bearer authorization="https://login/t", resource="https://vault.azure.net/""#,
            r#"Bearer authorization="https://login/t", scope="https://managedhsm.azure.net/.default""#,
            r#"Bearer claims="e30=""#,
        ] {
            let challenge = Challenge::parse(header).unwrap();
            for scope in [
                "https://vault.azure.net/.default",
                "https://managedhsm.azure.net/.default",
                "https://vault.azure.net",
            ] {
                assert_eq!(
                    challenge.has_token_scope(scope),
                    challenge.token_scope().as_deref() == Some(scope),
                    "{header} / {scope}"
                );
            }
        }
    }

    #[test]
    fn authority_strips_default_port() {
        let a = Url::parse("https://V.vault.azure.net:443/secrets").unwrap();
        let b = Url::parse("https://v.vault.azure.net/keys").unwrap();
        let c = Url::parse("https://v.vault.azure.net:8443/").unwrap();
        assert_eq!(authority(&a), authority(&b));
        assert_eq!(authority(&c), "v.vault.azure.net:8443");
        for url in [&a, &b, &c] {
            assert!(matches!(authority_key(url), Cow::Borrowed(_)), "{url}");
        }
        let d = Url::parse("https://user@V.vault.azure.net:8443/").unwrap();
        assert_eq!(authority(&d), "v.vault.azure.net:8443");
    }
}
