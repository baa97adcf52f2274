//! Fault injection, the request log and the HTTP control endpoints.

use std::time::{Duration, Instant};

use crate::common::Harness;
use keyvault_emulator::Fault;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn status_faults_answer_with_retry_after() {
    let h = Harness::new().await;
    let control = h.emu.control();
    control.inject_faults(
        Fault::Status {
            status: 429,
            retry_after: Duration::from_secs(2),
        },
        2,
    );
    for _ in 0..2 {
        let r = h.get("kv", "/secrets").await;
        assert_eq!(r.status, 429);
        assert_eq!(r.header("retry-after"), Some("2"));
        assert_eq!(r.error_code(), "Throttled");
        assert!(r.header("x-ms-request-id").is_some());
    }
    assert_eq!(h.get("kv", "/secrets").await.status, 200);

    control.inject_faults(
        Fault::Status {
            status: 503,
            retry_after: Duration::from_millis(1500),
        },
        1,
    );
    // Token requests are not faulted.
    h.token_for("https://vault.azure.net/.default").await;
    let r = h.get("kv", "/secrets").await;
    assert_eq!(r.status, 503);
    assert_eq!(r.header("retry-after"), Some("2"));
    assert_eq!(r.error_code(), "ServiceUnavailable");
}

#[tokio::test]
async fn other_status_faults_carry_no_retry_after() {
    let h = Harness::new().await;
    let control = h.emu.control();
    // A 403 standing for a missing keys/get permission: azure-core retries any error status that
    // has a Retry-After, so one here would turn the refusal into a success on the retry.
    control.inject_faults(
        Fault::Status {
            status: 403,
            retry_after: Duration::ZERO,
        },
        1,
    );
    let r = h.get("kv", "/secrets").await;
    assert_eq!(r.status, 403);
    assert_eq!(r.header("retry-after"), None);

    control.inject_faults(
        Fault::Status {
            status: 500,
            retry_after: Duration::from_secs(1),
        },
        1,
    );
    let r = h.get("kv", "/secrets").await;
    assert_eq!(r.status, 500);
    assert_eq!(r.header("retry-after"), Some("1"), "asked for explicitly");
}

#[tokio::test]
async fn delay_and_drop_faults() {
    let h = Harness::new().await;
    let control = h.emu.control();
    control.inject_faults(Fault::Delay(Duration::from_millis(300)), 1);
    let start = Instant::now();
    assert_eq!(h.get("kv", "/secrets").await.status, 200);
    assert!(start.elapsed() >= Duration::from_millis(300));

    control.inject_faults(Fault::DropConnection, 1);
    let result = h
        .http
        .get(h.url("kv", "/secrets"))
        .bearer_auth(&h.token)
        .send()
        .await;
    assert!(
        result.is_err(),
        "the connection is dropped without an answer"
    );
    assert_eq!(h.get("kv", "/secrets").await.status, 200);
    let statuses: Vec<u16> = control.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![200, 0, 200]);
}

#[tokio::test]
async fn requests_are_recorded() {
    let h = Harness::new().await;
    let control = h.emu.control();
    h.put_secret("rec", "a", json!({"value": "v"})).await;
    h.call_with(Method::GET, &h.url("rec", "/secrets/a"), None, None)
        .await;
    let log = control.requests();
    assert_eq!(log.len(), 2, "token requests are not recorded");
    assert_eq!(log[0].method, "PUT");
    assert_eq!(log[0].host, format!("rec.vault.azure.net:{}", h.emu.port()));
    assert_eq!(log[0].path, "/secrets/a");
    assert!(log[0].query.contains("api-version="));
    assert!(log[0].has_authorization);
    assert!(log[0].body_len > 0);
    assert_eq!(log[0].status, 200);
    assert!(!log[1].has_authorization);
    assert_eq!(log[1].status, 401);
    control.clear_requests();
    assert!(control.requests().is_empty());
}

#[tokio::test]
async fn http_control_endpoints() {
    let h = Harness::new().await;
    let base = format!("{}/_emulator", h.emu.endpoint());
    let post = |path: &str, body: serde_json::Value| {
        let url = format!("{base}{path}");
        let http = h.http.clone();
        async move { crate::common::into_resp(http.post(url).json(&body).send().await.unwrap()).await }
    };
    let before = h.emu.control().now();
    let r = post("/clock/advance", json!({"seconds": 7200})).await;
    assert_eq!(r.status, 200);
    assert!(h.emu.control().now() - before >= time::Duration::hours(2));
    assert_eq!(
        h.get("kv", "/secrets").await.status,
        401,
        "the token expired"
    );
    let h2_token = h.token_for("https://vault.azure.net/.default").await;

    let r = post(
        "/faults",
        json!({"kind": "status", "status": 429, "retry_after_seconds": 1, "count": 1}),
    )
    .await;
    assert_eq!(r.status, 200);
    let url = h.url("kv", "/secrets");
    let r = h.call_with(Method::GET, &url, None, Some(&h2_token)).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after"), Some("1"));

    assert_eq!(
        post("/faults", json!({"kind": "delay", "delay_ms": 10}))
            .await
            .status,
        200
    );
    assert_eq!(
        h.call_with(Method::GET, &url, None, Some(&h2_token))
            .await
            .status,
        200
    );
    assert_eq!(post("/faults", json!({"kind": "drop"})).await.status, 200);
    assert!(h
        .http
        .get(&url)
        .bearer_auth(&h2_token)
        .send()
        .await
        .is_err());
    assert_eq!(post("/faults", json!({"kind": "nope"})).await.status, 400);
    assert_eq!(post("/faults", json!("garbage")).await.status, 400);

    assert_eq!(post("/delete-latency", json!({"ms": 5})).await.status, 200);
    assert_eq!(post("/revoke-tokens", json!({})).await.status, 200);
    let r = h.call_with(Method::GET, &url, None, Some(&h2_token)).await;
    assert_eq!(r.status, 401);
    assert!(r
        .header("www-authenticate")
        .unwrap()
        .contains("insufficient_claims"));

    let r = crate::common::into_resp(h.http.get(format!("{base}/requests")).send().await.unwrap())
        .await;
    assert_eq!(r.status, 200);
    let log = r.body.as_array().unwrap();
    assert!(log.iter().any(|e| e["status"] == 429));
    assert!(log.iter().any(|e| e["status"] == 0));
    let r = h
        .http
        .delete(format!("{base}/requests"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert!(h.emu.control().requests().is_empty());

    let r = h.http.get(format!("{base}/ca.pem")).send().await.unwrap();
    assert_eq!(r.text().await.unwrap(), h.emu.ca_certificate_pem());
}

#[tokio::test]
async fn shutdown_stops_the_server() {
    let h = Harness::new().await;
    let url = h.url("kv", "/secrets");
    let http = h.http.clone();
    let token = h.token.clone();
    h.emu.shutdown().await;
    let fresh = reqwest::Client::builder().build().unwrap();
    assert!(fresh.get(&url).send().await.is_err());
    assert!(http.get(&url).bearer_auth(token).send().await.is_err());
}
