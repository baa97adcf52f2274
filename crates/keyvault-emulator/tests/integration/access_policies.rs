//! Access policies of a vault created through ARM: each data-plane request needs the permission
//! the REST reference names for it, in a policy of the caller's tenant and object id.

use crate::common::Harness;
use reqwest::Method;
use serde_json::{json, Value};

async fn arm_vault(h: &Harness, name: &str, properties: Value) {
    let arm = h.token_for("https://management.azure.com/.default").await;
    let url = format!(
        "https://management.azure.com:{}/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/{name}?api-version=2026-02-01",
        h.emu.port()
    );
    let mut body = json!({
        "location": "westus",
        "properties": {"tenantId": h.emu.tenant_id(), "sku": {"family": "A", "name": "standard"}}
    });
    for (k, v) in properties.as_object().unwrap() {
        body["properties"][k] = v.clone();
    }
    let put = h.call_with(Method::PUT, &url, Some(body), Some(&arm)).await;
    assert!(put.status == 200 || put.status == 201, "{}", put.text);
}

#[tokio::test]
async fn a_policy_grants_exactly_its_permissions() {
    let h = Harness::new().await;
    let policy = json!([{
        "tenantId": h.emu.tenant_id(), "objectId": h.emu.object_id(),
        "permissions": {"keys": ["Create", "Sign"], "certificates": ["ManageContacts"]}
    }]);
    arm_vault(&h, "governed", json!({"accessPolicies": policy})).await;

    let create = h
        .call(
            Method::POST,
            &h.url("governed", "/keys/k/create"),
            Some(json!({"kty": "EC", "crv": "P-256"})),
        )
        .await;
    assert_eq!(create.status, 200, "{}", create.text);
    let sign = h
        .call(
            Method::POST,
            &h.url("governed", "/keys/k/sign"),
            Some(json!({"alg": "ES256", "value": "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"})),
        )
        .await;
    assert_eq!(sign.status, 200, "{}", sign.text);
    let get = h.get("governed", "/keys/k").await;
    assert_eq!(get.status, 403, "{}", get.text);
    assert_eq!(get.error_code(), "Forbidden");
    assert_eq!(get.body["error"]["innererror"]["code"], "AccessDenied");
    let message = get.body["error"]["message"].as_str().unwrap();
    assert!(
        message
            .contains("does not have keys get permission on key vault 'governed;location=westus'"),
        "{message}"
    );
    assert!(message.contains(h.emu.object_id()), "{message}");

    let contacts = h.get("governed", "/certificates/contacts").await;
    assert_ne!(contacts.status, 403, "{}", contacts.text);
    let secrets = h.get("governed", "/secrets").await;
    assert_eq!(secrets.status, 403);
    assert!(secrets.text.contains("secrets list permission"));
}

#[tokio::test]
async fn other_principals_rbac_and_plain_vaults() {
    let h = Harness::new().await;
    // A policy of another object id grants the caller nothing.
    let other = json!([{
        "tenantId": h.emu.tenant_id(), "objectId": "00000000-0000-0000-0000-00000000beef",
        "permissions": {"secrets": ["all"]}
    }]);
    arm_vault(&h, "others", json!({"accessPolicies": other})).await;
    let r = h.put_secret("others", "s", json!({"value": "v"})).await;
    assert_eq!(r.status, 403, "{}", r.text);

    // Under RBAC the policies do not apply; role assignments are not emulated.
    arm_vault(
        &h,
        "rbac",
        json!({"accessPolicies": other, "enableRbacAuthorization": true}),
    )
    .await;
    let r = h.put_secret("rbac", "s", json!({"value": "v"})).await;
    assert_eq!(r.status, 200, "{}", r.text);

    // A vault ARM never created lets any valid token in.
    let r = h.put_secret("unmanaged", "s", json!({"value": "v"})).await;
    assert_eq!(r.status, 200, "{}", r.text);
}
