//! Property test of the emulator's request handling: arbitrary methods, paths, queries,
//! headers and bodies sent over HTTPS to the in-process emulator never get a 500 (or any
//! 5xx) and never crash it. Control endpoints (`/_emulator/...`) are left out: they inject
//! faults and move the clock on purpose.

use keyvault_emulator::{Emulator, EmulatorOptions, LATEST_API_VERSION};
use proptest::prelude::*;
use reqwest::Method;
use serde_json::{json, Value};
use std::sync::OnceLock;
use tokio::runtime::Runtime;

struct Fixture {
    runtime: Runtime,
    emulator: Emulator,
    http: reqwest::Client,
    token: String,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let (emulator, token) = runtime.block_on(async {
            let emulator = Emulator::start(EmulatorOptions::default()).await.unwrap();
            let url = format!(
                "{}/{}/oauth2/v2.0/token",
                emulator.endpoint(),
                emulator.tenant_id()
            );
            let response: Value = emulator
                .http_client()
                .post(url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(
                    url::form_urlencoded::Serializer::new(String::new())
                        .extend_pairs([
                            ("client_id", emulator.client_id()),
                            ("client_secret", emulator.client_secret()),
                            ("grant_type", "client_credentials"),
                            ("scope", "https://vault.azure.net/.default"),
                        ])
                        .finish(),
                )
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let token = response["access_token"].as_str().unwrap().to_string();
            (emulator, token)
        });
        let http = emulator.http_client();
        Fixture {
            runtime,
            emulator,
            http,
            token,
        }
    })
}

fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "secrets", "deletedsecrets", "keys", "deletedkeys", "certificates",
            "deletedcertificates", "rng", "versions", "backup", "restore", "recover", "create",
            "import", "pending", "merge", "issuers", "contacts", "policy", "rotate",
            "rotationpolicy", "release", "encrypt", "decrypt", "wrapkey", "unwrapkey", "sign",
            "verify", "attestation", "securewrapkey", "secureunwrapkey", "Secrets", "KEYS",
            "oauth2", "v2.0", "token", "metadata", "identity", "msi", ".well-known",
            "openid-configuration", "common", "6d4a3f6e-5b2c-4e8e-9f3a-1c2b3d4e5f60",
        ]).prop_map(str::to_string),
        2 => "[0-9a-zA-Z-]{1,12}",
        1 => "[0-9a-f]{32}",
        1 => "[!-~]{0,8}".prop_map(|s| s.replace(['/', '?', '#'], "")),
        1 => Just(String::new()),
        1 => Just("..".to_string()),
        1 => Just("%00".to_string()),
        1 => Just("%2F".to_string()),
        1 => "[a-z]{0,3}[\u{e9}\u{4e2d}]".prop_map(|s| s.to_string()),
    ]
}

fn path() -> impl Strategy<Value = String> {
    proptest::collection::vec(segment(), 0..6).prop_filter_map("not a control path", |segs| {
        let path = format!("/{}", segs.join("/"));
        let first = segs.iter().find(|s| !s.is_empty() && *s != "..");
        match first {
            Some(s) if s.eq_ignore_ascii_case("_emulator") => None,
            _ => Some(path),
        }
    })
}

fn query() -> impl Strategy<Value = Vec<(String, String)>> {
    proptest::collection::vec(
        (
            prop::sample::select(vec![
                "api-version",
                "maxresults",
                "$skiptoken",
                "outContentType",
                "includePending",
                "resource",
                "x",
            ])
            .prop_map(str::to_string),
            prop_oneof![
                Just(LATEST_API_VERSION.to_string()),
                Just("7.4".to_string()),
                Just("2016-10-01".to_string()),
                "-?[0-9]{1,20}",
                "[ -~]{0,16}",
                Just("application/x-pem-file".to_string()),
            ],
        ),
        0..4,
    )
}

/// JSON values shaped like the service's request bodies, with wrong types mixed in.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        "[ -~]{0,24}".prop_map(Value::from),
        prop::sample::select(vec![
            "RSA",
            "RSA-HSM",
            "EC",
            "EC-HSM",
            "oct",
            "oct-HSM",
            "P-256",
            "P-521",
            "RSA-OAEP",
            "A256GCM",
            "ES256",
            "RS256",
            "application/x-pkcs12",
            "application/x-pem-file",
            "Self",
            "Unknown",
            "AAAA",
            "-----BEGIN CERTIFICATE-----",
        ])
        .prop_map(Value::from),
        (0u64..5000).prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            proptest::collection::vec(
                (
                    prop::sample::select(vec![
                        "value",
                        "contentType",
                        "attributes",
                        "enabled",
                        "exp",
                        "nbf",
                        "tags",
                        "kty",
                        "key_size",
                        "crv",
                        "key_ops",
                        "key",
                        "n",
                        "e",
                        "d",
                        "k",
                        "x",
                        "y",
                        "alg",
                        "iv",
                        "tag",
                        "aad",
                        "digest",
                        "count",
                        "target",
                        "policy",
                        "key_props",
                        "secret_props",
                        "x509_props",
                        "issuer",
                        "subject",
                        "validity_months",
                        "lifetime_actions",
                        "lifetimeActions",
                        "x5c",
                        "pwd",
                        "release_policy",
                        "exportable",
                        "hsm",
                        "Hsm",
                        "provider",
                        "credentials",
                        "org_details",
                        "contacts",
                        "email",
                        "name",
                        "certificate_transparency",
                        "cty",
                        "sans",
                        "dns_names",
                    ])
                    .prop_map(str::to_string),
                    inner,
                ),
                0..6,
            )
            .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        1 => Just(Vec::new()),
        2 => proptest::collection::vec(any::<u8>(), 0..256),
        5 => json_value().prop_map(|v| v.to_string().into_bytes()),
    ]
}

fn method() -> impl Strategy<Value = Method> {
    prop::sample::select(vec![
        Method::GET,
        Method::PUT,
        Method::POST,
        Method::PATCH,
        Method::DELETE,
        Method::HEAD,
        Method::OPTIONS,
    ])
}

fn host() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["props", "props-hsm.managedhsm", "localhost"])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 384, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_requests_never_get_a_5xx(
        method in method(),
        host in host(),
        path in path(),
        query in query(),
        body in body(),
        authorized in prop::bool::weighted(0.85),
        content_type in prop::option::of(prop::sample::select(vec![
            "application/json", "text/plain", "application/x-www-form-urlencoded",
        ])),
    ) {
        let f = fixture();
        let port = f.emulator.port();
        let base = match host {
            "localhost" => format!("https://localhost:{port}"),
            "props-hsm.managedhsm" => f.emulator.managed_hsm_url("props-hsm"),
            _ => f.emulator.vault_url(host),
        };
        let mut url = reqwest::Url::parse(&format!("{base}{path}")).unwrap();
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query.iter());
        }
        let mut request = f.http.request(method.clone(), url.clone()).body(body.clone());
        if authorized {
            request = request.bearer_auth(&f.token);
        }
        if let Some(ct) = content_type {
            request = request.header("content-type", ct);
        }
        let response = f.runtime.block_on(request.send());
        let response = match response {
            Ok(r) => r,
            Err(e) => {
                prop_assert!(false, "{method} {url} got no answer: {e}");
                unreachable!()
            }
        };
        let status = response.status().as_u16();
        let text = f.runtime.block_on(response.text()).unwrap_or_default();
        prop_assert!(
            status < 500,
            "{} {} answered {}: {}", method, url, status, text
        );
    }
}

#[test]
fn the_emulator_is_healthy_after_arbitrary_requests() {
    // Runs some arbitrary requests itself, then checks the server still answers.
    let f = fixture();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 64,
        ..ProptestConfig::default()
    });
    runner
        .run(&(method(), path(), body()), |(method, path, body)| {
            let url = format!("{}{path}", f.emulator.vault_url("health"));
            let request = f
                .http
                .request(method, &url)
                .bearer_auth(&f.token)
                .body(body);
            let status = f.runtime.block_on(request.send()).unwrap().status();
            prop_assert!(status.as_u16() < 500, "{url}: {status}");
            Ok(())
        })
        .unwrap();
    let health = f
        .runtime
        .block_on(
            f.http
                .get(format!("{}/_emulator/health", f.emulator.endpoint()))
                .send(),
        )
        .unwrap();
    assert_eq!(health.status(), 200);
    // And it still serves a normal operation.
    let set = f
        .runtime
        .block_on(
            f.http
                .put(format!(
                    "{}/secrets/after?api-version={LATEST_API_VERSION}",
                    f.emulator.vault_url("health")
                ))
                .bearer_auth(&f.token)
                .json(&json!({"value": "v"}))
                .send(),
        )
        .unwrap();
    assert_eq!(set.status(), 200);
}
