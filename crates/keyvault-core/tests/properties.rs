//! Property tests of the parsers of untrusted input in `keyvault-core`: the `WWW-Authenticate`
//! challenge parser and `KeyVaultIdentifier::parse`. Arbitrary input never panics, and
//! generated well-formed input parses back to what it was made of.

use keyvault_core::{challenge::Challenge, Error, KeyVaultIdentifier};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 512,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// WWW-Authenticate
// ---------------------------------------------------------------------------------------------

/// Text made of the characters that matter to the parser, so that generated input reaches
/// deep into it (schemes, `=`, quotes, escapes, commas, whitespace, non-ASCII).
fn challenge_like() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("Bearer".to_string()),
            Just("bearer ".to_string()),
            Just("Basic ".to_string()),
            Just("PoP ".to_string()),
            Just("resource".to_string()),
            Just("scope".to_string()),
            Just("claims".to_string()),
            Just("authorization".to_string()),
            Just("authorization_uri".to_string()),
            Just("=".to_string()),
            Just("\"".to_string()),
            Just("\\".to_string()),
            Just(",".to_string()),
            Just(" ".to_string()),
            Just("\t".to_string()),
            Just("é".to_string()),
            Just("\u{0}".to_string()),
            "[a-z:/.]{0,8}",
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

/// A parameter value: quoted with escapes (any printable text), or bare (a token).
#[derive(Debug, Clone)]
struct Value {
    text: String,
    quoted: bool,
}

impl Value {
    fn render(&self) -> String {
        if self.quoted {
            let escaped = self.text.replace('\\', "\\\\").replace('"', "\\\"");
            format!("\"{escaped}\"")
        } else {
            self.text.clone()
        }
    }
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        "[ -~]{1,40}"
            .prop_filter("not blank", |s: &String| !s.is_empty())
            .prop_map(|text| Value { text, quoted: true }),
        "[A-Za-z0-9:/._~+=-]{1,40}".prop_map(|text| Value {
            text,
            quoted: false
        }),
    ]
}

fn url_value() -> impl Strategy<Value = (String, Value)> {
    (
        "[a-wyz][a-z0-9-]{0,12}(\\.[a-wyz][a-z0-9-]{0,12}){1,3}",
        any::<bool>(),
    )
        .prop_map(|(host, quoted)| {
            let url = format!("https://{host}");
            (host, Value { text: url, quoted })
        })
}

/// Randomly changes the case of ASCII letters (parameter names and the scheme are
/// case-insensitive).
fn recase(text: &str, mask: u64) -> String {
    text.chars()
        .enumerate()
        .map(|(i, c)| {
            if mask >> (i % 64) & 1 == 1 {
                c.to_ascii_uppercase()
            } else {
                c
            }
        })
        .collect()
}

#[derive(Debug, Clone)]
struct Generated {
    header: String,
    tenant: String,
    resource_host: String,
    resource: Value,
    scope: Option<Value>,
    claims: Option<Value>,
    error: Option<Value>,
    authorization_key: &'static str,
}

fn well_formed_challenge() -> impl Strategy<Value = Generated> {
    (
        "[a-z0-9][a-z0-9-]{0,35}",
        any::<bool>(),
        url_value(),
        proptest::option::of(value()),
        proptest::option::of(value()),
        proptest::option::of(value()),
        prop_oneof![Just("authorization"), Just("authorization_uri")],
        any::<u64>(),
        proptest::option::of(Just("Basic realm=\"other\", ")),
        proptest::option::of(Just(", Negotiate")),
        "[ \t]{0,2}",
    )
        .prop_map(
            |(
                tenant,
                auth_quoted,
                (resource_host, resource),
                scope,
                claims,
                error,
                authorization_key,
                mask,
                before,
                after,
                space,
            )| {
                let authorization = Value {
                    text: format!("https://login.example.com/{tenant}/oauth2/authorize"),
                    quoted: auth_quoted,
                };
                let mut params = vec![
                    (authorization_key, authorization.render()),
                    ("resource", resource.render()),
                ];
                for (name, v) in [("scope", &scope), ("claims", &claims), ("error", &error)] {
                    if let Some(v) = v {
                        params.push((name, v.render()));
                    }
                }
                // Order does not matter.
                let rotate = (mask as usize) % params.len();
                params.rotate_left(rotate);
                let rendered: Vec<String> = params
                    .iter()
                    .map(|(k, v)| format!("{}{space}={space}{v}", recase(k, mask)))
                    .collect();
                let header = format!(
                    "{}{} {}{}",
                    before.unwrap_or_default(),
                    recase("Bearer", mask.rotate_left(7)),
                    rendered.join(&format!(",{space}")),
                    after.unwrap_or_default()
                );
                Generated {
                    header,
                    tenant,
                    resource_host,
                    resource,
                    scope,
                    claims,
                    error,
                    authorization_key,
                }
            },
        )
}

/// The value the parser should give back: quoted text as is, bare text trimmed; empty is
/// absent.
fn expected(value: &Option<Value>) -> Option<String> {
    value
        .as_ref()
        .map(|v| {
            if v.quoted {
                v.text.clone()
            } else {
                v.text.trim().to_string()
            }
        })
        .filter(|t| !t.is_empty())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn challenge_parse_never_panics_on_arbitrary_text(header in any::<String>()) {
        if let Some(c) = Challenge::parse(&header) {
            let _ = (c.token_scope(), c.tenant_id(), c.resource_host());
        }
    }

    #[test]
    fn challenge_parse_never_panics_on_challenge_like_text(header in challenge_like()) {
        if let Some(c) = Challenge::parse(&header) {
            // Whatever it parsed, it names a scope, a resource or claims.
            prop_assert!(c.scope.is_some() || c.resource.is_some() || c.claims.is_some());
            let _ = (c.token_scope(), c.tenant_id(), c.resource_host());
        }
    }

    #[test]
    fn challenge_round_trips_well_formed_headers(g in well_formed_challenge()) {
        let c = Challenge::parse(&g.header);
        prop_assert!(c.is_some(), "{:?} did not parse", g.header);
        let c = c.unwrap();
        prop_assert_eq!(c.resource.clone(), expected(&Some(g.resource.clone())), "{}", g.header);
        prop_assert_eq!(c.scope.clone(), expected(&g.scope), "{}", g.header);
        prop_assert_eq!(c.claims.clone(), expected(&g.claims), "{}", g.header);
        prop_assert_eq!(c.error.clone(), expected(&g.error), "{}", g.header);
        prop_assert_eq!(c.tenant_id(), Some(g.tenant.clone()), "{} ({})", g.header, g.authorization_key);
        prop_assert_eq!(c.resource_host(), Some(g.resource_host.clone()));
        let scope = match expected(&g.scope) {
            Some(scope) => scope,
            None => format!("https://{}/.default", g.resource_host),
        };
        prop_assert_eq!(c.token_scope(), Some(scope));
    }
}

// ---------------------------------------------------------------------------------------------
// Identifiers
// ---------------------------------------------------------------------------------------------

fn url_like() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("https://".to_string()),
            Just("http://".to_string()),
            Just("/".to_string()),
            Just("//".to_string()),
            Just(":".to_string()),
            Just("@".to_string()),
            Just("?".to_string()),
            Just("#".to_string()),
            Just("%".to_string()),
            Just("%2F".to_string()),
            Just("..".to_string()),
            Just("secrets".to_string()),
            Just("keys".to_string()),
            Just("[::1]".to_string()),
            Just("ü".to_string()),
            "[a-z0-9.-]{0,10}",
            "[0-9]{1,6}",
        ],
        0..16,
    )
    .prop_map(|parts| parts.concat())
}

#[derive(Debug, Clone)]
struct Id {
    text: String,
    vault_url: String,
    collection: String,
    name: String,
    version: Option<String>,
}

fn valid_id(collections: &'static [&'static str]) -> impl Strategy<Value = Id> {
    (
        "[a-wyz][a-z0-9-]{0,20}(\\.[a-wyz][a-z0-9-]{0,15}){0,3}",
        proptest::option::of(1u16..=65535),
        proptest::sample::select(collections),
        any::<u64>(),
        "[0-9a-zA-Z-]{1,127}",
        proptest::option::of("[0-9a-f]{32}"),
        any::<bool>(),
    )
        .prop_map(
            |(host, port, collection, mask, name, version, trailing_slash)| {
                let authority = match port {
                    Some(p) => format!("{host}:{p}"),
                    None => host.clone(),
                };
                let collection_as_sent = recase(collection, mask);
                let mut text = format!("https://{authority}/{collection_as_sent}/{name}");
                if let Some(v) = &version {
                    text.push('/');
                    text.push_str(v);
                }
                if trailing_slash {
                    text.push('/');
                }
                let vault_url = match port {
                    Some(p) if p != 443 => format!("https://{host}:{p}"),
                    _ => format!("https://{host}"),
                };
                Id {
                    text,
                    vault_url,
                    collection: collection_as_sent,
                    name,
                    version,
                }
            },
        )
}

const SECRETS: &[&str] = &["secrets", "deletedsecrets"];

proptest! {
    #![proptest_config(config())]

    #[test]
    fn identifier_parse_never_panics_on_arbitrary_text(text in any::<String>()) {
        match KeyVaultIdentifier::parse(&text, SECRETS) {
            Ok(id) => prop_assert!(id.vault_url().starts_with("https://")),
            Err(e) => prop_assert!(matches!(e, Error::InvalidArgument { argument: "id", .. }), "{:?}", e),
        }
    }

    #[test]
    fn identifier_parse_never_panics_on_url_like_text(text in url_like()) {
        match KeyVaultIdentifier::parse(&text, SECRETS) {
            Ok(id) => {
                prop_assert!(id.vault_url().starts_with("https://"));
                prop_assert!(!id.name().is_empty());
                prop_assert!(SECRETS.iter().any(|c| c.eq_ignore_ascii_case(id.collection())));
                // What parsed once parses again to the same parts.
                let again = KeyVaultIdentifier::parse(id.source_id(), SECRETS).unwrap();
                prop_assert_eq!(again, id);
            }
            Err(e) => prop_assert!(matches!(e, Error::InvalidArgument { argument: "id", .. }), "{:?}", e),
        }
    }

    #[test]
    fn valid_identifiers_parse_back_to_their_parts(id in valid_id(SECRETS)) {
        let parsed = KeyVaultIdentifier::parse(&id.text, SECRETS);
        prop_assert!(parsed.is_ok(), "{:?}", id);
        let parsed = parsed.unwrap();
        prop_assert_eq!(parsed.source_id(), id.text.as_str());
        prop_assert_eq!(parsed.vault_url(), id.vault_url.as_str());
        prop_assert_eq!(parsed.collection(), id.collection.as_str());
        prop_assert_eq!(parsed.name(), id.name.as_str());
        prop_assert_eq!(parsed.version(), id.version.as_deref());
        prop_assert_eq!(parsed.to_string(), id.text.clone());
        // Another collection set refuses it.
        prop_assert!(KeyVaultIdentifier::parse(&id.text, &["keys"]).is_err());
    }

    #[test]
    fn plain_http_and_extra_segments_are_refused(id in valid_id(SECRETS)) {
        let http = id.text.replacen("https://", "http://", 1);
        prop_assert!(KeyVaultIdentifier::parse(&http, SECRETS).is_err());
        let extra = format!("{}/{}/extra", id.text.trim_end_matches('/'), id.version.clone().unwrap_or_else(|| "v".into()));
        prop_assert!(KeyVaultIdentifier::parse(&extra, SECRETS).is_err());
    }
}
