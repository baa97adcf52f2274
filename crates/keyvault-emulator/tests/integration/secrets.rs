//! The secrets REST surface against the emulator over HTTPS.

use std::time::Duration;

use crate::common::{Harness, API};
use keyvault_emulator::{EmulatorOptions, KNOWN_API_VERSIONS};
use reqwest::Method;
use serde_json::{json, Value};

fn version_of(id: &Value) -> String {
    id.as_str().unwrap().rsplit('/').next().unwrap().to_string()
}

#[tokio::test]
async fn set_get_update_and_versions() {
    let h = Harness::new().await;
    let r = h
        .put_secret(
            "kv1",
            "my-secret",
            json!({"value": "v1", "contentType": "text/plain", "tags": {"a": "b"},
                   "attributes": {"enabled": true, "nbf": 1_700_000_000, "exp": 4_000_000_000i64}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    assert!(r.header("x-ms-request-id").is_some());
    assert!(r.header("x-ms-keyvault-service-version").is_some());
    let b = &r.body;
    assert_eq!(b["value"], "v1");
    assert_eq!(b["contentType"], "text/plain");
    assert_eq!(b["tags"], json!({"a": "b"}));
    let prefix = format!("{}/secrets/my-secret/", h.emu.vault_url("kv1"));
    assert!(
        b["id"].as_str().unwrap().starts_with(&prefix),
        "{}",
        b["id"]
    );
    let v1 = version_of(&b["id"]);
    assert_eq!(v1.len(), 32);
    let attrs = &b["attributes"];
    assert_eq!(attrs["enabled"], true);
    assert_eq!(attrs["nbf"], 1_700_000_000);
    assert_eq!(attrs["exp"], 4_000_000_000i64);
    assert_eq!(attrs["recoveryLevel"], "Recoverable+Purgeable");
    assert_eq!(attrs["recoverableDays"], 90);
    assert!(attrs["created"].is_i64() && attrs["updated"].is_i64());

    let r = h
        .put_secret("kv1", "my-secret", json!({"value": "v2"}))
        .await;
    let v2 = version_of(&r.body["id"]);
    assert_ne!(v1, v2);
    assert!(r.body.get("contentType").is_none());

    let latest = h.get("kv1", "/secrets/my-secret").await;
    assert_eq!(latest.body["value"], "v2");
    let latest_slash = h.get("kv1", "/secrets/my-secret/").await;
    assert_eq!(latest_slash.body["value"], "v2");
    let old = h.get("kv1", &format!("/secrets/my-secret/{v1}")).await;
    assert_eq!(old.status, 200);
    assert_eq!(old.body["value"], "v1");
    assert_eq!(old.body["tags"], json!({"a": "b"}));

    // Names are case-insensitive; ids keep the name given at creation.
    let upper = h.get("kv1", "/secrets/MY-SECRET").await;
    assert_eq!(upper.status, 200);
    assert!(upper.body["id"]
        .as_str()
        .unwrap()
        .contains("/secrets/my-secret/"));

    let r = h
        .call(
            Method::PATCH,
            &h.url("kv1", &format!("/secrets/my-secret/{v1}")),
            Some(json!({"contentType": "application/json", "tags": {"x": "y"}, "attributes": {"enabled": false}})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(
        r.body.get("value").is_none(),
        "update answers without the value"
    );
    assert_eq!(r.body["contentType"], "application/json");
    assert_eq!(r.body["tags"], json!({"x": "y"}));
    assert_eq!(r.body["attributes"]["enabled"], false);
    assert_eq!(
        r.body["attributes"]["nbf"], 1_700_000_000,
        "unchanged attributes are kept"
    );

    let disabled = h.get("kv1", &format!("/secrets/my-secret/{v1}")).await;
    assert_eq!(disabled.status, 403);
    assert_eq!(
        disabled.body,
        json!({"error":{"code":"Forbidden","message":"Operation get is not allowed on a disabled secret.","innererror":{"code":"SecretDisabled"}}})
    );

    // PATCH without version updates the latest.
    let r = h
        .call(
            Method::PATCH,
            &h.url("kv1", "/secrets/my-secret/"),
            Some(json!({"tags": {"latest": "yes"}})),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(version_of(&r.body["id"]), v2);

    let versions = h.get("kv1", "/secrets/my-secret/versions").await;
    assert_eq!(versions.status, 200);
    let items = versions.body["value"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    for item in items {
        assert!(item.get("value").is_none());
        assert!(item["id"].as_str().unwrap().starts_with(&prefix));
        assert!(item["attributes"]["created"].is_i64());
    }
    assert!(versions.body["nextLink"].is_null());

    let list = h.get("kv1", "/secrets").await;
    let items = list.body["value"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(
        items[0]["id"],
        format!("{}/secrets/my-secret", h.emu.vault_url("kv1"))
    );
    assert!(items[0].get("value").is_none());
    assert_eq!(items[0]["tags"], json!({"latest": "yes"}));

    // Missing secret and version.
    let r = h.get("kv1", "/secrets/nope").await;
    assert_eq!(r.status, 404);
    assert_eq!(r.error_code(), "SecretNotFound");
    assert_eq!(
        r.body["error"]["message"],
        "A secret with (name/id) nope was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182"
    );
    let r = h
        .get("kv1", "/secrets/my-secret/00000000000000000000000000000000")
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(r.error_code(), "SecretNotFound");
    let r = h.get("kv1", "/secrets/nope/versions").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["value"], json!([]));
}

#[tokio::test]
async fn vaults_are_independent_and_ids_follow_the_host() {
    let h = Harness::new().await;
    assert_eq!(
        h.put_secret("a", "s", json!({"value": "in-a"}))
            .await
            .status,
        200
    );
    assert_eq!(h.get("b", "/secrets/s").await.status, 404);
    let port = h.emu.port();
    let via_localhost = format!("https://a.localhost:{port}/secrets/s?api-version={API}");
    let r = h.call(Method::GET, &via_localhost, None).await;
    assert_eq!(r.status, 200);
    assert!(r.body["id"]
        .as_str()
        .unwrap()
        .starts_with(&format!("https://a.localhost:{port}/secrets/s/")));
    assert_eq!(r.body["value"], "in-a");
}

#[tokio::test]
async fn delete_get_deleted_list_recover_and_purge() {
    let h = Harness::new().await;
    h.put_secret(
        "kv",
        "gone",
        json!({"value": "x", "contentType": "ct", "tags": {"t": "1"}}),
    )
    .await;
    let r = h
        .call(Method::DELETE, &h.url("kv", "/secrets/gone"), None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let base = h.emu.vault_url("kv");
    assert_eq!(r.body["recoveryId"], format!("{base}/deletedsecrets/gone"));
    assert!(r.body["id"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{base}/secrets/gone/")));
    assert!(r.body.get("value").is_none());
    let deleted = r.body["deletedDate"].as_i64().unwrap();
    assert_eq!(
        r.body["scheduledPurgeDate"].as_i64().unwrap(),
        deleted + 90 * 86400
    );
    assert_eq!(
        r.body["attributes"]["recoveryLevel"],
        "Recoverable+Purgeable"
    );
    assert_eq!(r.body["contentType"], "ct");

    assert_eq!(h.get("kv", "/secrets/gone").await.status, 404);
    let r = h
        .call(Method::DELETE, &h.url("kv", "/secrets/gone"), None)
        .await;
    assert_eq!(r.status, 404);

    let r = h.get("kv", "/deletedsecrets/gone").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["recoveryId"], format!("{base}/deletedsecrets/gone"));
    assert!(r.body.get("value").is_none());

    let r = h.get("kv", "/deletedsecrets").await;
    let items = r.body["value"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], format!("{base}/secrets/gone"));
    assert_eq!(
        items[0]["recoveryId"],
        format!("{base}/deletedsecrets/gone")
    );
    assert!(items[0]["scheduledPurgeDate"].is_i64());
    assert_eq!(items[0]["tags"], json!({"t": "1"}));

    // The name cannot be reused while deleted.
    let r = h.put_secret("kv", "gone", json!({"value": "again"})).await;
    assert_eq!(r.status, 409);
    assert_eq!(
        r.body,
        json!({"error":{"code":"Conflict","message":"Secret gone is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.","innererror":{"code":"ObjectIsDeletedButRecoverable"}}})
    );

    let r = h
        .call(
            Method::POST,
            &h.url("kv", "/deletedsecrets/gone/recover"),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.body.get("value").is_none());
    assert!(r.body["id"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{base}/secrets/gone/")));
    assert_eq!(h.get("kv", "/secrets/gone").await.body["value"], "x");
    let r = h.get("kv", "/deletedsecrets/gone").await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.body,
        json!({"error":{"code":"SecretNotFound","message":"Deleted Secret not found: gone"}})
    );

    h.call(Method::DELETE, &h.url("kv", "/secrets/gone"), None)
        .await;
    let r = h
        .call(Method::DELETE, &h.url("kv", "/deletedsecrets/gone"), None)
        .await;
    assert_eq!(r.status, 204);
    assert!(r.text.is_empty());
    assert_eq!(h.get("kv", "/deletedsecrets/gone").await.status, 404);
    let r = h
        .call(Method::DELETE, &h.url("kv", "/deletedsecrets/gone"), None)
        .await;
    assert_eq!(r.status, 404);
    let r = h
        .call(
            Method::POST,
            &h.url("kv", "/deletedsecrets/gone/recover"),
            None,
        )
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(
        h.put_secret("kv", "gone", json!({"value": "new"}))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn deleted_secrets_are_purged_at_the_scheduled_date() {
    let h = Harness::new().await;
    h.put_secret("kv", "old", json!({"value": "x"})).await;
    h.call(Method::DELETE, &h.url("kv", "/secrets/old"), None)
        .await;
    h.emu
        .control()
        .advance_clock(Duration::from_secs(89 * 86400));
    let token = h.token_for("https://vault.azure.net/.default").await;
    let url = h.url("kv", "/deletedsecrets/old");
    assert_eq!(
        h.call_with(Method::GET, &url, None, Some(&token))
            .await
            .status,
        200
    );
    h.emu
        .control()
        .advance_clock(Duration::from_secs(2 * 86400));
    let token = h.token_for("https://vault.azure.net/.default").await;
    assert_eq!(
        h.call_with(Method::GET, &url, None, Some(&token))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn delete_latency_makes_clients_poll() {
    let h = Harness::with(EmulatorOptions {
        delete_latency: Duration::from_millis(400),
        ..Default::default()
    })
    .await;
    h.put_secret("kv", "slow", json!({"value": "x"})).await;
    let r = h
        .call(Method::DELETE, &h.url("kv", "/secrets/slow"), None)
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        h.get("kv", "/deletedsecrets/slow").await.status,
        404,
        "not yet visible"
    );
    assert_eq!(h.get("kv", "/secrets/slow").await.status, 404);
    let r = h.put_secret("kv", "slow", json!({"value": "y"})).await;
    assert_eq!(r.status, 409);
    assert_eq!(
        r.body["error"]["innererror"]["code"],
        "ObjectIsBeingDeleted"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(h.get("kv", "/deletedsecrets/slow").await.status, 200);

    h.emu
        .control()
        .set_delete_latency(Duration::from_millis(300));
    let r = h
        .call(
            Method::POST,
            &h.url("kv", "/deletedsecrets/slow/recover"),
            None,
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        h.get("kv", "/secrets/slow").await.status,
        404,
        "recovery in progress"
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(h.get("kv", "/secrets/slow").await.status, 200);
}

async fn collect_pages(h: &Harness, first: String) -> (Vec<Value>, usize) {
    let mut items = Vec::new();
    let mut pages = 0;
    let mut next = Some(first);
    while let Some(url) = next {
        let r = h.call(Method::GET, &url, None).await;
        assert_eq!(r.status, 200, "{}", r.text);
        pages += 1;
        items.extend(r.body["value"].as_array().unwrap().iter().cloned());
        next = r.body["nextLink"].as_str().map(str::to_string);
        if let Some(link) = &next {
            assert!(link.starts_with(&h.emu.vault_url("pg")), "{link}");
            assert!(link.contains(&format!("api-version={API}")));
            assert!(link.contains("$skiptoken="));
        }
    }
    (items, pages)
}

#[tokio::test]
async fn paging_over_more_than_25_items() {
    let h = Harness::new().await;
    for i in 0..30 {
        let r = h
            .put_secret("pg", &format!("s-{i:02}"), json!({"value": format!("{i}")}))
            .await;
        assert_eq!(r.status, 200);
    }
    let (items, pages) = collect_pages(&h, h.url("pg", "/secrets")).await;
    assert_eq!(items.len(), 30);
    assert_eq!(pages, 2, "default page size is 25");
    let (items, pages) = collect_pages(&h, h.url("pg", "/secrets?maxresults=7")).await;
    assert_eq!(items.len(), 30);
    assert_eq!(pages, 5);
    let mut ids: Vec<_> = items
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    ids.dedup();
    assert_eq!(ids.len(), 30);

    for _ in 0..27 {
        h.put_secret("pg", "many", json!({"value": "v"})).await;
    }
    let (items, pages) =
        collect_pages(&h, h.url("pg", "/secrets/many/versions?maxresults=10")).await;
    assert_eq!(items.len(), 27);
    assert_eq!(pages, 3);

    for i in 0..26 {
        h.call(
            Method::DELETE,
            &h.url("pg", &format!("/secrets/s-{i:02}")),
            None,
        )
        .await;
    }
    let (items, pages) = collect_pages(&h, h.url("pg", "/deletedsecrets")).await;
    assert_eq!(items.len(), 26);
    assert_eq!(pages, 2);

    for bad in ["0", "26", "abc", "-3"] {
        let r = h.get("pg", &format!("/secrets?maxresults={bad}")).await;
        assert_eq!(r.status, 400, "{bad}");
        assert_eq!(r.error_code(), "BadParameter");
    }
    let r = h.get("pg", "/secrets?$skiptoken=%%%").await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn backup_and_restore_across_vaults_and_processes() {
    let h = Harness::new().await;
    h.put_secret("src", "bk", json!({"value": "one", "tags": {"k": "v"}}))
        .await;
    h.put_secret("src", "bk", json!({"value": "two"})).await;
    let r = h
        .call(Method::POST, &h.url("src", "/secrets/bk/backup"), None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let blob = r.body["value"].as_str().unwrap().to_string();
    assert!(blob
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    assert!(!blob.contains("one"));

    let restore = |vault: &'static str, blob: String| {
        let h = &h;
        async move {
            h.call(
                Method::POST,
                &h.url(vault, "/secrets/restore"),
                Some(json!({ "value": blob })),
            )
            .await
        }
    };
    let r = restore("dst", blob.clone()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.body.get("value").is_none());
    assert!(r.body["id"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{}/secrets/bk/", h.emu.vault_url("dst"))));
    assert_eq!(h.get("dst", "/secrets/bk").await.body["value"], "two");
    let versions = h.get("dst", "/secrets/bk/versions").await;
    assert_eq!(versions.body["value"].as_array().unwrap().len(), 2);

    let r = restore("dst", blob.clone()).await;
    assert_eq!(r.status, 409);
    assert_eq!(r.error_code(), "Conflict");

    // Into the source vault after delete + purge.
    h.call(Method::DELETE, &h.url("src", "/secrets/bk"), None)
        .await;
    let r = restore("src", blob.clone()).await;
    assert_eq!(r.status, 409, "deleted but recoverable");
    assert_eq!(
        r.body["error"]["innererror"]["code"],
        "ObjectIsDeletedButRecoverable"
    );
    h.call(Method::DELETE, &h.url("src", "/deletedsecrets/bk"), None)
        .await;
    assert_eq!(restore("src", blob.clone()).await.status, 200);

    // Another emulator process rejects the blob.
    let other = Harness::new().await;
    let r = other
        .call(
            Method::POST,
            &other.url("x", "/secrets/restore"),
            Some(json!({ "value": blob })),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.error_code(), "BadParameter");

    let r = restore("dst", "bm90IGEgYmFja3Vw".to_string()).await;
    assert_eq!(r.status, 400);
    let r = h
        .call(Method::POST, &h.url("src", "/secrets/missing/backup"), None)
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(r.error_code(), "SecretNotFound");
}

#[tokio::test]
async fn malformed_requests_are_bad_parameter() {
    let h = Harness::new().await;
    let url = h.url("kv", "/secrets/ok");
    for body in [
        "{",
        "[]",
        "{\"value\": 5}",
        "{\"value\":\"v\",\"tags\":{\"a\":1}}",
        "{\"value\":\"v\",\"attributes\":{\"enabled\":\"yes\"}}",
        "{}",
        "",
    ] {
        let r = h.raw(Method::PUT, &url, body).await;
        assert_eq!(r.status, 400, "{body}: {}", r.text);
        assert_eq!(r.error_code(), "BadParameter");
    }
    let r = h
        .raw(Method::PATCH, &h.url("kv", "/secrets/ok"), "{\"tags\": 3}")
        .await;
    assert_eq!(r.status, 400);
    let r = h
        .raw(
            Method::POST,
            &h.url("kv", "/secrets/restore"),
            "{\"value\": []}",
        )
        .await;
    assert_eq!(r.status, 400);
    for name in ["bad_name", "bad.name", &"a".repeat(128)] {
        let r = h.put_secret("kv", name, json!({"value": "v"})).await;
        assert_eq!(r.status, 400, "{name}");
        assert_eq!(r.error_code(), "BadParameter");
    }
    assert_eq!(
        h.put_secret("kv", &"a".repeat(127), json!({"value": "v"}))
            .await
            .status,
        200
    );
    let r = h
        .put_secret("kv", "big", json!({"value": "x".repeat(30 * 1024)}))
        .await;
    assert_eq!(r.status, 400);
    let r = h.call(Method::POST, &h.url("kv", "/secrets"), None).await;
    assert_eq!(r.status, 405);
    let r = h.get("kv", "/nothing/here").await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn api_version_is_required_and_validated() {
    let h = Harness::new().await;
    let base = h.emu.vault_url("kv");
    let r = h.call(Method::GET, &format!("{base}/secrets"), None).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.error_code(), "BadParameter");
    let r = h
        .call(
            Method::GET,
            &format!("{base}/secrets?api-version=7.9"),
            None,
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.body["error"]["message"],
        "The specified version (7.9) is not recognized. Consider using the latest supported version (2026-04-01)."
    );
    for version in KNOWN_API_VERSIONS {
        let r = h
            .call(
                Method::PUT,
                &format!("{base}/secrets/v?api-version={version}"),
                Some(json!({"value": "x"})),
            )
            .await;
        assert_eq!(r.status, 200, "{version}");
        let has_days = r.body["attributes"].get("recoverableDays").is_some();
        assert_eq!(
            has_days,
            !matches!(*version, "2016-10-01" | "7.0"),
            "{version}"
        );
    }
}

#[tokio::test]
async fn paths_are_normalised() {
    let h = Harness::new().await;
    h.put_secret("kv", "norm", json!({"value": "x"})).await;
    for path in [
        "//secrets//norm",
        "/secrets/norm/",
        "/Secrets/norm",
        "/SECRETS/norm//",
        "/secrets/norm//",
    ] {
        let r = h.get("kv", path).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        assert_eq!(r.body["value"], "x");
    }
    let r = h.get("kv", "/DeletedSecrets").await;
    assert_eq!(r.status, 200);
    let r = h.get("kv", "/secrets/norm/Versions").await;
    assert_eq!(r.body["value"].as_array().unwrap().len(), 1);
    let r = h.get("kv", "/secrets/").await;
    assert_eq!(r.status, 200);
    assert!(r.body["value"].is_array());
}
