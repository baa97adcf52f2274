//! Authentication: challenges, token validation, token endpoints and the real azure_identity credential.

use std::time::Duration;

use crate::common::{Harness, API};
use azure_core::credentials::TokenCredential;
use base64::Engine as _;
use keyvault_emulator::{Emulator, EmulatorOptions};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn missing_token_gets_challenge_with_service_body() {
    let h = Harness::new().await;
    let url = h.url("myvault", "/secrets/s");
    let r = h.call_with(Method::GET, &url, None, None).await;
    assert_eq!(r.status, 401);
    let challenges: Vec<_> = r.headers.get_all("www-authenticate").iter().collect();
    assert_eq!(challenges.len(), 1);
    assert_eq!(
        challenges[0].to_str().unwrap(),
        format!(
            "Bearer authorization=\"https://localhost:{}/{}\", resource=\"https://vault.azure.net\"",
            h.emu.port(),
            h.emu.tenant_id()
        )
    );
    assert_eq!(
        r.body,
        json!({"error":{"code":"Unauthorized","message":"AKV10000: Request is missing a Bearer or PoP token."}})
    );
    assert_eq!(
        r.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    assert!(r.header("x-ms-request-id").is_some());
    assert!(r.header("x-ms-keyvault-service-version").is_some());
}

#[tokio::test]
async fn managed_hsm_challenge_names_its_resource() {
    let h = Harness::new().await;
    let url = format!(
        "{}/secrets?api-version={API}",
        h.emu.managed_hsm_url("hsm1")
    );
    let r = h.call(Method::GET, &url, None).await;
    assert_eq!(
        r.status, 401,
        "a vault token is not valid for a Managed HSM"
    );
    assert!(r
        .header("www-authenticate")
        .unwrap()
        .ends_with("resource=\"https://managedhsm.azure.net\""));
    assert!(r.body["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("AKV10022"));
    let hsm_token = h.token_for("https://managedhsm.azure.net/.default").await;
    let r = h.call_with(Method::GET, &url, None, Some(&hsm_token)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = h
        .call_with(Method::GET, &h.url("v", "/secrets"), None, Some(&hsm_token))
        .await;
    assert_eq!(r.status, 401, "an HSM token is not valid for a vault");
}

#[tokio::test]
async fn audience_with_trailing_slash_is_accepted() {
    let h = Harness::new().await;
    let token = h.token_for("https://vault.azure.net//.default").await;
    let r = h
        .call_with(Method::GET, &h.url("v", "/secrets"), None, Some(&token))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let other = h.token_for("https://storage.azure.com/.default").await;
    let r = h
        .call_with(Method::GET, &h.url("v", "/secrets"), None, Some(&other))
        .await;
    assert_eq!(r.status, 401);
    assert_eq!(r.error_code(), "Unauthorized");
}

#[tokio::test]
async fn bad_tokens_are_rejected() {
    let h = Harness::new().await;
    let url = h.url("v", "/secrets");
    for token in ["garbage", "a.b.c", &format!("{}x", h.token)] {
        let r = h.call_with(Method::GET, &url, None, Some(token)).await;
        assert_eq!(r.status, 401, "{token}");
        assert_eq!(r.error_code(), "Unauthorized");
        assert!(r
            .header("www-authenticate")
            .unwrap()
            .starts_with("Bearer authorization="));
    }
    // A token from another emulator process has the right shape but the wrong signature.
    let other = Harness::new().await;
    let r = h
        .call_with(Method::GET, &url, None, Some(&other.token))
        .await;
    assert_eq!(r.status, 401);
    // Not a bearer scheme.
    let r = h
        .http
        .get(&url)
        .header("authorization", format!("Basic {}", h.token))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn tokens_expire_on_the_emulator_clock() {
    let h = Harness::with(EmulatorOptions {
        token_lifetime: Duration::from_secs(600),
        ..Default::default()
    })
    .await;
    let url = h.url("v", "/secrets");
    assert_eq!(h.call(Method::GET, &url, None).await.status, 200);
    h.emu.control().advance_clock(Duration::from_secs(601));
    let r = h.call(Method::GET, &url, None).await;
    assert_eq!(r.status, 401);
    assert!(r.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("expired"));
    assert!(r
        .header("www-authenticate")
        .unwrap()
        .contains("resource=\"https://vault.azure.net\""));
    let fresh = h.token_for("https://vault.azure.net/.default").await;
    assert_eq!(
        h.call_with(Method::GET, &url, None, Some(&fresh))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn revoked_tokens_get_a_cae_claims_challenge() {
    let h = Harness::new().await;
    let url = h.url("v", "/secrets");
    h.emu.control().revoke_tokens();
    let r = h.call(Method::GET, &url, None).await;
    assert_eq!(r.status, 401);
    let header = r.header("www-authenticate").unwrap().to_string();
    assert!(header.starts_with("Bearer "));
    assert!(header.contains("error=\"insufficient_claims\""), "{header}");
    let claims = header
        .split("claims=\"")
        .nth(1)
        .unwrap()
        .trim_end_matches('"');
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(claims)
        .unwrap();
    let claims: serde_json::Value = serde_json::from_slice(&decoded).unwrap();
    assert_eq!(claims["access_token"]["nbf"]["essential"], true);
    let fresh = h.token_for("https://vault.azure.net/.default").await;
    assert_eq!(
        h.call_with(Method::GET, &url, None, Some(&fresh))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn token_endpoint_errors() {
    let h = Harness::new().await;
    let id = h.emu.client_id().to_string();
    let scope = "https://vault.azure.net/.default";
    let r = h
        .token_request(&[
            ("client_id", &id),
            ("client_secret", "wrong"),
            ("grant_type", "client_credentials"),
            ("scope", scope),
        ])
        .await;
    assert_eq!(r.status, 401);
    assert_eq!(r.body["error"], "invalid_client");
    assert_eq!(r.body["error_codes"], json!([7000215]));
    assert!(r.body["error_description"]
        .as_str()
        .unwrap()
        .starts_with("AADSTS7000215: Invalid client secret provided"));

    let url = format!("{}/another-tenant/oauth2/v2.0/token", h.emu.endpoint());
    let r = h
        .form(
            &url,
            &[
                ("client_id", &id),
                ("client_secret", h.emu.client_secret()),
                ("grant_type", "client_credentials"),
                ("scope", scope),
            ],
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["error_codes"], json!([90002]));

    let r = h
        .token_request(&[
            ("client_id", "someone-else"),
            ("client_secret", h.emu.client_secret()),
            ("grant_type", "client_credentials"),
            ("scope", scope),
        ])
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["error"], "unauthorized_client");

    let r = h
        .token_request(&[
            ("client_id", &id),
            ("client_secret", h.emu.client_secret()),
            ("grant_type", "password"),
            ("scope", scope),
        ])
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["error"], "unsupported_grant_type");

    let r = h
        .token_request(&[
            ("client_id", &id),
            ("client_secret", h.emu.client_secret()),
            ("grant_type", "client_credentials"),
            ("scope", "https://vault.azure.net"),
        ])
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["error"], "invalid_scope");

    let r = h
        .token_request(&[
            ("client_id", &id),
            ("client_secret", h.emu.client_secret()),
            ("grant_type", "client_credentials"),
        ])
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["error"], "invalid_request");

    let r = h
        .token_request(&[
            ("client_id", &id),
            ("client_secret", h.emu.client_secret()),
            ("grant_type", "client_credentials"),
            ("scope", scope),
        ])
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["token_type"], "Bearer");
    assert_eq!(r.body["expires_in"], 3600);
    assert_eq!(r.body["ext_expires_in"], 3600);
    assert_eq!(
        r.body["access_token"].as_str().unwrap().split('.').count(),
        3
    );
}

#[tokio::test]
async fn openid_configuration_is_served() {
    let h = Harness::new().await;
    for tenant in [h.emu.tenant_id(), "common", "organizations"] {
        let url = format!(
            "{}/{tenant}/v2.0/.well-known/openid-configuration",
            h.emu.endpoint()
        );
        let r = crate::common::into_resp(h.http.get(&url).send().await.unwrap()).await;
        assert_eq!(r.status, 200, "{tenant}");
        assert_eq!(
            r.body["token_endpoint"],
            format!("{}/{tenant}/oauth2/v2.0/token", h.emu.endpoint())
        );
        assert!(r.body["issuer"].as_str().unwrap().ends_with("/v2.0"));
        assert!(r.body["authorization_endpoint"].is_string());
    }
}

#[tokio::test]
async fn managed_identity_endpoints() {
    let h = Harness::new().await;
    let base = h.emu.endpoint();
    let imds = format!("{base}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net");
    let r = crate::common::into_resp(h.http.get(&imds).send().await.unwrap()).await;
    assert_eq!(r.status, 400, "Metadata header required");
    assert_eq!(r.body["error"], "invalid_request");
    let r = crate::common::into_resp(
        h.http
            .get(&imds)
            .header("Metadata", "true")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["resource"], "https://vault.azure.net");
    assert_eq!(r.body["token_type"], "Bearer");
    assert!(r.body["expires_on"]
        .as_str()
        .unwrap()
        .parse::<i64>()
        .is_ok());
    assert_eq!(r.body["expires_in"], "3600");
    let token = r.body["access_token"].as_str().unwrap().to_string();
    assert_eq!(
        h.call_with(Method::GET, &h.url("v", "/secrets"), None, Some(&token))
            .await
            .status,
        200
    );

    let app = format!("{base}/msi/token?api-version=2019-08-01&resource=https://vault.azure.net");
    let r = crate::common::into_resp(h.http.get(&app).send().await.unwrap()).await;
    assert_eq!(r.status, 400);
    let r = crate::common::into_resp(
        h.http
            .get(&app)
            .header("X-IDENTITY-HEADER", "secret")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 200);
    assert!(r.body["expires_on"]
        .as_str()
        .unwrap()
        .parse::<i64>()
        .is_ok());
    let token = r.body["access_token"].as_str().unwrap().to_string();
    assert_eq!(
        h.call_with(Method::GET, &h.url("v", "/secrets"), None, Some(&token))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn azure_identity_client_secret_credential_gets_a_token() {
    let emu = Emulator::start(EmulatorOptions::default()).await.unwrap();
    let credential = emu.credential();
    let token = credential
        .get_token(&["https://vault.azure.net/.default"], None)
        .await
        .expect("ClientSecretCredential gets a token from the emulator");
    let http = emu.http_client();
    let r = http
        .get(format!(
            "{}/secrets?api-version={API}",
            emu.vault_url("cred")
        ))
        .bearer_auth(token.token.secret())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    emu.shutdown().await;
}

#[tokio::test]
async fn binary_style_default_host_and_ip_reach_the_default_vault() {
    let h = Harness::new().await;
    let put = h
        .call(
            Method::PUT,
            &format!("{}/secrets/d?api-version={API}", h.emu.endpoint()),
            Some(json!({"value": "x"})),
        )
        .await;
    assert_eq!(put.status, 200);
    assert!(put.body["id"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{}/secrets/d/", h.emu.endpoint())));
    let via_ip = format!(
        "https://127.0.0.1:{}/secrets/d?api-version={API}",
        h.emu.port()
    );
    let r = h.call(Method::GET, &via_ip, None).await;
    assert_eq!(r.status, 200);
    assert!(r.body["id"]
        .as_str()
        .unwrap()
        .starts_with("https://127.0.0.1:"));
    let via_name = format!(
        "https://default.localhost:{}/secrets/d?api-version={API}",
        h.emu.port()
    );
    assert_eq!(h.call(Method::GET, &via_name, None).await.status, 200);
}
