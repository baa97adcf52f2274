//! The ARM `Microsoft.KeyVault` provider on `management.azure.com`, over raw HTTPS: ARM's
//! authentication, its asynchronous-operation headers and its error bodies.

mod common;

use common::Harness;
use reqwest::Method;
use serde_json::json;

const SUB: &str = "00000000-0000-0000-0000-0000000000aa";

fn arm_url(h: &Harness, path: &str) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!(
        "https://management.azure.com:{}/subscriptions/{SUB}{path}{sep}api-version=2026-02-01",
        h.emu.port()
    )
}

fn vault_body(h: &Harness) -> serde_json::Value {
    json!({
        "location": "westus",
        "properties": {"tenantId": h.emu.tenant_id(), "sku": {"family": "A", "name": "standard"}}
    })
}

#[tokio::test]
async fn arm_wants_an_arm_token_and_answers_401_at_once() {
    let h = Harness::new().await;
    let url = arm_url(&h, "/providers/Microsoft.KeyVault/vaults");
    let none = h.call_with(Method::GET, &url, None, None).await;
    assert_eq!(none.status, 401);
    assert_eq!(none.error_code(), "AuthenticationFailed");
    // The data-plane token (audience https://vault.azure.net) is refused.
    let vault_token = h.call(Method::GET, &url, None).await;
    assert_eq!(vault_token.status, 401);
    assert_eq!(vault_token.error_code(), "InvalidAuthenticationToken");
    let token = h.token_for("https://management.azure.com/.default").await;
    let ok = h.call_with(Method::GET, &url, None, Some(&token)).await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(ok.body, json!({"value": []}));
    h.emu.shutdown().await;
}

#[tokio::test]
async fn create_answers_201_with_async_operation_headers_and_transitions() {
    let h = Harness::new().await;
    let token = h.token_for("https://management.azure.com/.default").await;
    let vault = arm_url(
        &h,
        "/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/arm-vault",
    );
    let created = h
        .call_with(Method::PUT, &vault, Some(vault_body(&h)), Some(&token))
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(
        created.body["properties"]["provisioningState"],
        "RegisteringDns"
    );
    let status_url = created.header("azure-asyncoperation").unwrap().to_string();
    assert!(
        status_url.contains("/locations/westus/asyncOperations/"),
        "{status_url}"
    );
    assert!(created
        .header("location")
        .unwrap()
        .contains("/operationResults/"));
    assert_eq!(created.header("retry-after"), Some("0"));

    let first = h
        .call_with(Method::GET, &status_url, None, Some(&token))
        .await;
    assert_eq!(first.body["status"], "InProgress");
    let second = h
        .call_with(Method::GET, &status_url, None, Some(&token))
        .await;
    assert_eq!(second.body["status"], "Succeeded");
    assert!(second.body["endTime"].is_string());
    let got = h.call_with(Method::GET, &vault, None, Some(&token)).await;
    assert_eq!(got.body["properties"]["provisioningState"], "Succeeded");
    h.emu.shutdown().await;
}

#[tokio::test]
async fn errors_are_arm_shaped() {
    let h = Harness::new().await;
    let token = h.token_for("https://management.azure.com/.default").await;
    let no_version = format!(
        "https://management.azure.com:{}/subscriptions/{SUB}/providers/Microsoft.KeyVault/vaults",
        h.emu.port()
    );
    let r = h
        .call_with(Method::GET, &no_version, None, Some(&token))
        .await;
    assert_eq!(
        (r.status, r.error_code()),
        (400, "MissingApiVersionParameter")
    );

    let missing = arm_url(
        &h,
        "/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/nope",
    );
    let r = h.call_with(Method::GET, &missing, None, Some(&token)).await;
    assert_eq!((r.status, r.error_code()), (404, "ResourceNotFound"));
    assert!(r.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("nope"));

    let bad_name = arm_url(
        &h,
        "/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/a--b",
    );
    let r = h
        .call_with(Method::PUT, &bad_name, Some(vault_body(&h)), Some(&token))
        .await;
    assert_eq!((r.status, r.error_code()), (400, "VaultNameNotValid"));

    let vault = arm_url(
        &h,
        "/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/good-name",
    );
    let mut body = vault_body(&h);
    body["properties"]["tenantId"] = json!("not-a-guid");
    let r = h
        .call_with(Method::PUT, &vault, Some(body), Some(&token))
        .await;
    assert_eq!((r.status, r.error_code()), (400, "BadRequest"));
    let mut body = vault_body(&h);
    body["properties"]["softDeleteRetentionInDays"] = json!(3);
    let r = h
        .call_with(Method::PUT, &vault, Some(body), Some(&token))
        .await;
    assert_eq!((r.status, r.error_code()), (400, "BadRequest"));

    let r = h
        .call_with(Method::PUT, &vault, Some(vault_body(&h)), Some(&token))
        .await;
    assert_eq!(r.status, 201);
    let elsewhere = arm_url(
        &h,
        "/resourceGroups/rg2/providers/Microsoft.KeyVault/vaults/GOOD-NAME",
    );
    let r = h
        .call_with(Method::PUT, &elsewhere, Some(vault_body(&h)), Some(&token))
        .await;
    assert_eq!((r.status, r.error_code()), (409, "VaultAlreadyExists"));

    let unknown = arm_url(&h, "/providers/Microsoft.KeyVault/teapots");
    let r = h.call_with(Method::GET, &unknown, None, Some(&token)).await;
    assert_eq!(r.status, 404);
    let r = h
        .call_with(
            Method::DELETE,
            &arm_url(&h, "/providers/Microsoft.KeyVault/vaults"),
            None,
            Some(&token),
        )
        .await;
    assert_eq!((r.status, r.error_code()), (405, "MethodNotAllowed"));
    h.emu.shutdown().await;
}

#[tokio::test]
async fn managed_hsm_create_answers_202_with_location_and_provisions() {
    let h = Harness::new().await;
    let token = h.token_for("https://management.azure.com/.default").await;
    let pool = arm_url(
        &h,
        "/resourceGroups/rg/providers/Microsoft.KeyVault/managedHSMs/arm-hsm",
    );
    let body = json!({
        "location": "westus",
        "sku": {"family": "B", "name": "Standard_B1"},
        "properties": {"tenantId": h.emu.tenant_id(), "initialAdminObjectIds": ["admin"]}
    });
    let created = h
        .call_with(Method::PUT, &pool, Some(body), Some(&token))
        .await;
    assert_eq!(created.status, 202, "{}", created.text);
    assert_eq!(
        created.body["properties"]["provisioningState"],
        "Provisioning"
    );
    assert!(created.body["properties"]["hsmUri"].is_null());
    let location = created.header("location").unwrap().to_string();
    assert!(
        location.contains("/locations/westus/managedHsmOperationResults/"),
        "{location}"
    );
    let first = h
        .call_with(Method::GET, &location, None, Some(&token))
        .await;
    assert_eq!(first.status, 202);
    let second = h
        .call_with(Method::GET, &location, None, Some(&token))
        .await;
    assert_eq!(second.status, 200);
    let _ = h.call_with(Method::GET, &pool, None, Some(&token)).await;
    let got = h.call_with(Method::GET, &pool, None, Some(&token)).await;
    assert_eq!(got.body["properties"]["provisioningState"], "Succeeded");
    assert!(got.body["properties"]["hsmUri"]
        .as_str()
        .unwrap()
        .starts_with("https://arm-hsm.managedhsm.azure.net:"));

    let bad_sku = json!({
        "location": "westus",
        "sku": {"family": "A", "name": "standard"},
        "properties": {"tenantId": h.emu.tenant_id(), "initialAdminObjectIds": ["admin"]}
    });
    let other = arm_url(
        &h,
        "/resourceGroups/rg/providers/Microsoft.KeyVault/managedHSMs/other-hsm",
    );
    let r = h
        .call_with(Method::PUT, &other, Some(bad_sku), Some(&token))
        .await;
    assert_eq!((r.status, r.error_code()), (400, "BadRequest"));
    h.emu.shutdown().await;
}
