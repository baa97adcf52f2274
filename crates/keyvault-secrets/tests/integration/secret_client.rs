//! Every `SecretClient` operation against the emulator, over HTTPS, authenticated by a real
//! `azure_identity::ClientSecretCredential` against the emulator's token endpoint.

use futures::{StreamExt, TryStreamExt};
use keyvault_emulator::Fault;
use keyvault_secrets::ExposeSecret;
use keyvault_secrets::{
    ApiVersion, BeginDeleteSecretOptions, BeginRecoverDeletedSecretOptions, Error,
    GetSecretOptions, ListPropertiesOfSecretVersionsOptions, ListPropertiesOfSecretsOptions,
    PollerStatus, SecretClient, SecretClientOptions, SecretContentType, SetSecretOptions,
    UpdateSecretPropertiesOptions,
};
use std::{collections::HashMap, sync::Arc, time::Duration};
use time::OffsetDateTime;

use keyvault_testkit::emulator::emulator;

keyvault_testkit::vault_clients!(pub(crate) SecretClient, SecretClientOptions, ApiVersion);

fn fast_delete() -> Option<BeginDeleteSecretOptions<'static>> {
    Some(BeginDeleteSecretOptions {
        polling_interval: Some(Duration::from_millis(50)),
        ..Default::default()
    })
}

fn fast_recover() -> Option<BeginRecoverDeletedSecretOptions<'static>> {
    Some(BeginRecoverDeletedSecretOptions {
        polling_interval: Some(Duration::from_millis(50)),
        ..Default::default()
    })
}

#[tokio::test]
async fn set_get_and_update_round_trip_every_attribute() {
    let emulator = emulator().await;
    let client = vault(&emulator, "roundtrip");
    let not_before = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
    let expires_on = OffsetDateTime::from_unix_timestamp(4_100_000_000).unwrap();
    let tags = HashMap::from([("env".to_string(), "test".to_string())]);
    let first = client
        .set_secret(
            "db-password",
            "hunter2",
            Some(SetSecretOptions {
                content_type: Some("text/plain".into()),
                enabled: Some(true),
                not_before: Some(not_before),
                expires_on: Some(expires_on),
                tags: Some(tags.clone()),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(first.value.expose_secret(), "hunter2");
    assert_eq!(first.name(), "db-password");
    let props = &first.properties;
    assert_eq!(props.content_type.as_deref(), Some("text/plain"));
    assert_eq!(props.enabled, Some(true));
    assert_eq!(props.not_before, Some(not_before));
    assert_eq!(props.expires_on, Some(expires_on));
    assert_eq!(props.tags, tags);
    assert_eq!(props.vault_url, emulator.vault_url("roundtrip"));
    assert_eq!(client.vault_url(), props.vault_url);
    assert!(props.created_on.is_some() && props.updated_on.is_some());
    assert_eq!(props.recoverable_days, Some(90));
    assert!(props.recovery_level.is_some());
    assert!(!props.managed);
    assert!(
        !format!("{first:?}").contains("hunter2"),
        "Debug never shows the value"
    );

    let second = client
        .set_secret("db-password", "correct horse", None)
        .await
        .unwrap();
    assert_ne!(second.properties.version, first.properties.version);

    let latest = client.get_secret("db-password", None).await.unwrap();
    assert_eq!(latest.value.expose_secret(), "correct horse");
    let old = client
        .get_secret(
            "db-password",
            Some(GetSecretOptions {
                version: first.properties.version.clone(),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(old.value.expose_secret(), "hunter2");

    let updated = client
        .update_secret_properties(
            "db-password",
            Some(UpdateSecretPropertiesOptions {
                version: first.properties.version.clone(),
                content_type: Some("application/json".into()),
                enabled: Some(false),
                tags: Some(HashMap::from([("rotated".to_string(), "yes".to_string())])),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(updated.version, first.properties.version);
    assert_eq!(updated.enabled, Some(false));
    assert_eq!(updated.content_type.as_deref(), Some("application/json"));
    assert_eq!(updated.tags.get("rotated").map(String::as_str), Some("yes"));
    // The update leaves the latest version untouched.
    let latest = client.get_secret("db-password", None).await.unwrap();
    assert_eq!(latest.properties.enabled, Some(true));
}

#[tokio::test]
async fn lists_page_through_more_than_25_items() {
    let emulator = emulator().await;
    let client = vault(&emulator, "paging");
    futures::stream::iter(0..30)
        .map(|i| {
            let client = client.clone();
            async move { client.set_secret(&format!("s{i:02}"), "v", None).await }
        })
        .buffer_unordered(8)
        .try_collect::<Vec<_>>()
        .await
        .unwrap();

    let page_size = Some(ListPropertiesOfSecretsOptions {
        max_page_size: Some(7),
        ..Default::default()
    });
    let all: Vec<_> = client
        .list_properties_of_secrets(page_size.clone())
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 30);
    let mut names: Vec<_> = all.iter().map(|p| p.name.clone()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 30);

    let pages: Vec<_> = client
        .list_properties_of_secrets(page_size.clone())
        .unwrap()
        .into_pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 5);
    assert!(pages.iter().take(4).all(|p| p.items.len() == 7));
    assert!(pages[4].continuation_token.is_none());

    // Resume from the second page's token: the last three pages remain.
    let token = pages[1].continuation_token.clone().unwrap();
    let rest: Vec<_> = client
        .list_properties_of_secrets(Some(ListPropertiesOfSecretsOptions {
            continuation_token: Some(token),
            ..Default::default()
        }))
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rest.len(), 30 - 14);

    for _ in 0..2 {
        client.set_secret("s00", "again", None).await.unwrap();
    }
    let versions: Vec<_> = client
        .list_properties_of_secret_versions(
            "s00",
            Some(ListPropertiesOfSecretVersionsOptions {
                max_page_size: Some(1),
                ..Default::default()
            }),
        )
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(versions.len(), 3);
    assert!(versions
        .iter()
        .all(|v| v.name == "s00" && v.version.is_some()));
}

#[tokio::test]
async fn delete_recover_purge_and_the_deleted_name_conflict() {
    let emulator = emulator().await;
    let client = vault(&emulator, "lifecycle");
    client.set_secret("doomed", "v1", None).await.unwrap();

    let deleted = client
        .begin_delete_secret("doomed", fast_delete())
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(deleted.name(), "doomed");
    assert!(deleted
        .recovery_id
        .as_deref()
        .unwrap()
        .contains("/deletedsecrets/doomed"));
    assert!(deleted.deleted_date.is_some() && deleted.scheduled_purge_date.is_some());

    let err = client.set_secret("doomed", "v2", None).await.unwrap_err();
    assert!(err.is_conflict(), "{err}");
    assert_eq!(err.inner_code(), Some("ObjectIsDeletedButRecoverable"));
    assert!(client
        .get_secret("doomed", None)
        .await
        .unwrap_err()
        .is_not_found());

    let got = client.get_deleted_secret("doomed", None).await.unwrap();
    assert_eq!(got.properties.name, "doomed");
    let listed: Vec<_> = client
        .list_deleted_secrets(None)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert!(listed.iter().any(|d| d.name() == "doomed"));

    let recovered = client
        .begin_recover_deleted_secret("doomed", fast_recover())
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(recovered.name, "doomed");
    assert_eq!(
        client
            .get_secret("doomed", None)
            .await
            .unwrap()
            .value
            .expose_secret(),
        "v1"
    );

    client
        .begin_delete_secret("doomed", fast_delete())
        .await
        .unwrap()
        .await
        .unwrap();
    client.purge_deleted_secret("doomed", None).await.unwrap();
    let err = client.get_deleted_secret("doomed", None).await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.code(), Some("SecretNotFound"));
    client.set_secret("doomed", "reborn", None).await.unwrap();
}

#[tokio::test]
async fn the_delete_poller_waits_for_the_service_and_resumes_from_a_token() {
    let emulator = emulator().await;
    let client = vault(&emulator, "slowdelete");
    emulator
        .control()
        .set_delete_latency(Duration::from_millis(600));
    client.set_secret("slow", "v", None).await.unwrap();
    client.set_secret("slow2", "v", None).await.unwrap();

    let mut poller = client
        .begin_delete_secret("slow", fast_delete())
        .await
        .unwrap();
    assert_eq!(poller.poll().await.unwrap(), PollerStatus::InProgress);
    let deleted = poller.await.unwrap();
    assert_eq!(deleted.name(), "slow");

    let poller = client
        .begin_delete_secret("slow2", fast_delete())
        .await
        .unwrap();
    let token = poller.continuation_token();
    drop(poller);
    let resumed = client
        .begin_delete_secret(
            "slow2",
            Some(BeginDeleteSecretOptions {
                continuation_token: Some(token),
                polling_interval: Some(Duration::from_millis(50)),
                ..Default::default()
            }),
        )
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(resumed.name(), "slow2");
    assert!(resumed.recovery_id.is_some());
}

#[tokio::test]
async fn backups_restore_into_a_fresh_vault() {
    let emulator = emulator().await;
    let source = vault(&emulator, "source");
    let target = vault(&emulator, "target");
    source.set_secret("portable", "one", None).await.unwrap();
    source.set_secret("portable", "two", None).await.unwrap();
    let backup = source.backup_secret("portable", None).await.unwrap();
    assert!(!backup.is_empty());
    assert!(!format!("{backup:?}").contains(&format!("{:?}", &backup.expose_secret()[..4])));

    let restored = target
        .restore_secret_backup(backup.expose_secret(), None)
        .await
        .unwrap();
    assert_eq!(restored.name, "portable");
    assert_eq!(restored.vault_url, emulator.vault_url("target"));
    assert_eq!(
        target
            .get_secret("portable", None)
            .await
            .unwrap()
            .value
            .expose_secret(),
        "two"
    );
    let versions: Vec<_> = target
        .list_properties_of_secret_versions("portable", None)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(versions.len(), 2);

    let err = source
        .restore_secret_backup(backup.expose_secret(), None)
        .await
        .unwrap_err();
    assert!(err.is_conflict(), "{err}");
    let err = target
        .restore_secret_backup(b"not a backup", None)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
    assert_eq!(
        source
            .get_secret("portable", None)
            .await
            .unwrap()
            .value
            .expose_secret(),
        "two"
    );
}

#[tokio::test]
async fn every_known_api_version_works() {
    let emulator = emulator().await;
    for version in ApiVersion::known() {
        let client = SecretClient::new(
            &emulator.vault_url("versions"),
            emulator.credential(),
            Some(options(&emulator, version.clone())),
        )
        .unwrap();
        let name = format!("v-{}", version.as_str().replace('.', "-"));
        client.set_secret(&name, "x", None).await.unwrap();
        let got = client.get_secret(&name, None).await.unwrap();
        assert_eq!(got.value.expose_secret(), "x", "{version}");
    }
    let requests = emulator.control().requests();
    for version in ApiVersion::known() {
        assert!(
            requests
                .iter()
                .any(|r| r.query.contains(&format!("api-version={version}"))),
            "{version} was sent"
        );
    }
}

#[tokio::test]
async fn versions_and_parameters_are_checked() {
    let emulator = emulator().await;
    let old = SecretClient::new(
        &emulator.vault_url("old"),
        emulator.credential(),
        Some(options(&emulator, ApiVersion::V7_4)),
    )
    .unwrap();
    let err = old
        .get_secret(
            "x",
            Some(GetSecretOptions {
                out_content_type: Some(SecretContentType::Pem),
                ..Default::default()
            }),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UnsupportedApiVersion { .. }), "{err}");
    assert!(emulator.control().requests().is_empty(), "nothing was sent");

    // An unknown version is sent as is; the service decides.
    let future = SecretClient::new(
        &emulator.vault_url("old"),
        emulator.credential(),
        Some(options(&emulator, ApiVersion::new("2099-01-01"))),
    )
    .unwrap();
    let err = future.get_secret("x", None).await.unwrap_err();
    assert_eq!(err.status(), Some(400), "{err}");
    assert_eq!(err.code(), Some("BadParameter"));
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let emulator = emulator().await;
    let client = vault(&emulator, "strict");
    let long = "a".repeat(128);
    for name in ["", "bad name", "under_score", "slash/", long.as_str()] {
        let err = client.get_secret(name, None).await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidArgument {
                    argument: "name",
                    ..
                }
            ),
            "{name}: {err}"
        );
        assert!(client.set_secret(name, "v", None).await.is_err());
        assert!(client.begin_delete_secret(name, None).await.is_err());
        assert!(client.purge_deleted_secret(name, None).await.is_err());
    }
    let err = client
        .get_secret(
            "ok",
            Some(GetSecretOptions {
                version: Some("../../keys".into()),
                ..Default::default()
            }),
        )
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidArgument {
            argument: "version",
            ..
        }
    ));
    assert!(client.restore_secret_backup(b"", None).await.is_err());
    for size in [0, 26] {
        let err = client
            .list_properties_of_secrets(Some(ListPropertiesOfSecretsOptions {
                max_page_size: Some(size),
                ..Default::default()
            }))
            .unwrap_err();
        assert!(matches!(
            err,
            Error::InvalidArgument {
                argument: "max_page_size",
                ..
            }
        ));
    }
    for url in [
        format!("http://strict.vault.azure.net:{}", emulator.port()),
        format!("{}/secrets", emulator.vault_url("strict")),
        String::new(),
    ] {
        let err = SecretClient::new(&url, emulator.credential(), None).unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidArgument {
                    argument: "vault_url",
                    ..
                }
            ),
            "{url}: {err}"
        );
    }
    assert!(emulator.control().requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn service_errors_are_typed_and_keep_the_vault_intact() {
    let emulator = emulator().await;
    let client = vault(&emulator, "errors");
    client.set_secret("keep", "safe", None).await.unwrap();
    let err = client.get_secret("missing", None).await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.code(), Some("SecretNotFound"));
    assert!(err.request_id().is_some());
    assert!(err.to_string().contains("SecretNotFound"), "{err}");
    let err = client.purge_deleted_secret("keep", None).await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert_eq!(
        client
            .get_secret("keep", None)
            .await
            .unwrap()
            .value
            .expose_secret(),
        "safe"
    );
}

#[tokio::test]
async fn the_first_request_carries_neither_token_nor_body() {
    let emulator = emulator().await;
    let client = vault(&emulator, "challenge");
    client.set_secret("first", "value", None).await.unwrap();
    client.get_secret("first", None).await.unwrap();
    let requests = emulator.control().requests();
    assert_eq!(requests.len(), 3, "{requests:?}");
    assert!(!requests[0].has_authorization && requests[0].body_len == 0);
    assert_eq!(requests[0].status, 401);
    assert!(requests[1].has_authorization && requests[1].body_len > 0);
    assert!(requests[2].has_authorization, "the challenge is cached");
}

#[tokio::test]
async fn a_vault_outside_the_challenge_resource_gets_no_token() {
    let emulator = emulator().await;
    // https://localhost is not a subdomain of https://vault.azure.net.
    let strict = SecretClient::new(
        &emulator.endpoint(),
        emulator.credential(),
        Some(options(&emulator, ApiVersion::default())),
    )
    .unwrap();
    let err = strict.get_secret("x", None).await.unwrap_err();
    assert!(err.is_authentication(), "{err}");
    assert!(err.to_string().contains("verify_challenge_resource"));
    assert!(emulator
        .control()
        .requests()
        .iter()
        .all(|r| !r.has_authorization));

    let lenient = SecretClient::new(
        &emulator.endpoint(),
        emulator.credential(),
        Some(SecretClientOptions {
            verify_challenge_resource: false,
            ..options(&emulator, ApiVersion::default())
        }),
    )
    .unwrap();
    lenient.set_secret("x", "y", None).await.unwrap();
}

#[tokio::test]
async fn throttling_is_retried_as_the_service_asks() {
    let emulator = emulator().await;
    let client = vault(&emulator, "throttled");
    client.set_secret("warm", "up", None).await.unwrap();
    emulator.control().clear_requests();
    emulator.control().inject_faults(
        Fault::Status {
            status: 429,
            retry_after: Duration::from_secs(1),
        },
        2,
    );
    let started = std::time::Instant::now();
    client
        .set_secret("after-throttle", "v", None)
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "Retry-After was honoured"
    );
    let statuses: Vec<_> = emulator
        .control()
        .requests()
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, vec![429, 429, 200]);
}

#[tokio::test]
async fn sixty_four_concurrent_first_requests_all_succeed() {
    let emulator = emulator().await;
    let client = vault(&emulator, "burst");
    let results: Vec<_> = futures::future::join_all((0..64).map(|i| {
        let client = client.clone();
        async move { client.set_secret(&format!("b{i}"), "v", None).await }
    }))
    .await;
    assert!(results.iter().all(Result::is_ok));
    let listed: Vec<_> = client
        .list_properties_of_secrets(None)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed.len(), 64);
}

#[tokio::test]
async fn clients_share_one_challenge_per_vault() {
    let emulator = emulator().await;
    let credential: Arc<dyn azure_core::credentials::TokenCredential> = emulator.credential();
    let a = SecretClient::new(
        &emulator.vault_url("shared"),
        credential.clone(),
        Some(options(&emulator, ApiVersion::default())),
    )
    .unwrap();
    a.set_secret("one", "v", None).await.unwrap();
    let b = SecretClient::new(
        &emulator.vault_url("shared"),
        credential,
        Some(options(&emulator, ApiVersion::V7_5)),
    )
    .unwrap();
    emulator.control().clear_requests();
    b.get_secret("one", None).await.unwrap();
    let requests = emulator.control().requests();
    assert_eq!(requests.len(), 1, "no second discovery: {requests:?}");
    assert!(requests[0].has_authorization);
}

#[tokio::test]
async fn send_request_carries_own_requests_through_the_pipeline() {
    use keyvault_secrets::azure_core::http::{Method, Request, Url};
    let emulator = emulator().await;
    let client = vault(&emulator, "raw");
    client.set_secret("s", "raw-value", None).await.unwrap();

    // Authenticated, with the client's API version added, and the body as the service sent it.
    let url = Url::parse(&format!("{}/secrets/s", client.vault_url())).unwrap();
    let response = client
        .send_request(Request::new(url, Method::Get))
        .await
        .unwrap();
    assert_eq!(u16::from(response.status()), 200);
    let body: serde_json::Value = serde_json::from_slice(response.body().as_ref()).unwrap();
    assert_eq!(body["value"], "raw-value");
    let last = emulator.control().requests().pop().unwrap();
    assert!(last.has_authorization);
    assert!(
        last.query
            .contains(&format!("api-version={}", client.api_version())),
        "{last:?}"
    );

    // An error status is a response, not an error, as in Python.
    let url = Url::parse(&format!(
        "{}/secrets/missing?api-version=7.4",
        client.vault_url()
    ))
    .unwrap();
    let response = client
        .send_request(Request::new(url, Method::Get))
        .await
        .unwrap();
    assert_eq!(u16::from(response.status()), 404);

    // The token never leaves for another host.
    let url = Url::parse("https://elsewhere.vault.azure.net/secrets/s").unwrap();
    let err = client
        .send_request(Request::new(url, Method::Get))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { .. }), "{err:?}");
}

#[tokio::test]
async fn purge_protection_and_custom_retention_reach_the_client() {
    let emulator = emulator().await;
    emulator
        .control()
        .set_soft_delete("protected", keyvault_emulator::Flavour::Vault, 7, true)
        .unwrap();
    let client = vault(&emulator, "protected");
    let secret = client.set_secret("kept", "v", None).await.unwrap();
    assert_eq!(
        secret.properties.recovery_level,
        Some(keyvault_secrets::DeletionRecoveryLevel::CustomizedRecoverable)
    );
    assert_eq!(secret.properties.recoverable_days, Some(7));
    let deleted = client
        .begin_delete_secret("kept", fast_delete())
        .await
        .unwrap()
        .await
        .unwrap();
    let (deleted_on, purge_on) = (
        deleted.deleted_date.unwrap(),
        deleted.scheduled_purge_date.unwrap(),
    );
    assert_eq!(purge_on - deleted_on, time::Duration::days(7));
    let err = client.purge_deleted_secret("kept", None).await.unwrap_err();
    assert!(err.is_forbidden(), "{err}");
    assert_eq!(err.code(), Some("Forbidden"));
    assert!(client.get_deleted_secret("kept", None).await.is_ok());
}
