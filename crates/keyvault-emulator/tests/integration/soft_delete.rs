//! A vault's soft-delete settings (retention days, purge protection): the `recoveryLevel` and
//! `recoverableDays` of its objects, the scheduled purge date of what is deleted, and purges
//! refused under purge protection, across secrets, keys and certificates.

use crate::common::Harness;
use keyvault_emulator::Flavour;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn default_vault_is_recoverable_and_purgeable_for_90_days() {
    let h = Harness::new().await;
    let r = h.put_secret("plain", "s", json!({"value": "v"})).await;
    assert_eq!(
        r.body["attributes"]["recoveryLevel"],
        "Recoverable+Purgeable"
    );
    assert_eq!(r.body["attributes"]["recoverableDays"], 90);
}

#[tokio::test]
async fn each_setting_gives_its_recovery_level() {
    let h = Harness::new().await;
    let control = h.emu.control();
    for (vault, days, protection, level) in [
        ("p90", 90, true, "Recoverable"),
        ("c7", 7, false, "CustomizedRecoverable+Purgeable"),
        ("c30", 30, true, "CustomizedRecoverable"),
    ] {
        control
            .set_soft_delete(vault, Flavour::Vault, days, protection)
            .unwrap();
        let r = h.put_secret(vault, "s", json!({"value": "v"})).await;
        assert_eq!(r.body["attributes"]["recoveryLevel"], level, "{vault}");
        assert_eq!(r.body["attributes"]["recoverableDays"], days, "{vault}");
        let key = h
            .call(
                Method::POST,
                &h.url(vault, "/keys/k/create"),
                Some(json!({"kty": "EC", "crv": "P-256"})),
            )
            .await;
        assert_eq!(key.body["attributes"]["recoveryLevel"], level, "{vault}");
    }
    assert!(control
        .set_soft_delete("bad", Flavour::Vault, 6, false)
        .is_err());
    assert!(control
        .set_soft_delete("bad", Flavour::Vault, 91, false)
        .is_err());
}

#[tokio::test]
async fn purge_protection_keeps_deleted_objects_until_their_date() {
    let mut h = Harness::new().await;
    h.emu
        .control()
        .set_soft_delete("locked", Flavour::Vault, 7, true)
        .unwrap();
    h.put_secret("locked", "s", json!({"value": "v"})).await;
    let deleted = h
        .call(Method::DELETE, &h.url("locked", "/secrets/s"), None)
        .await;
    assert_eq!(deleted.status, 200, "{}", deleted.text);
    let purge_date = deleted.body["scheduledPurgeDate"].as_i64().unwrap();
    let deleted_date = deleted.body["deletedDate"].as_i64().unwrap();
    assert_eq!(purge_date - deleted_date, 7 * 86_400);

    let purge = h
        .call(Method::DELETE, &h.url("locked", "/deletedsecrets/s"), None)
        .await;
    assert_eq!(purge.status, 403, "{}", purge.text);
    assert_eq!(purge.error_code(), "Forbidden");
    assert!(purge.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("purge protection is enabled"));

    // Still there, and recoverable.
    let get = h.get("locked", "/deletedsecrets/s").await;
    assert_eq!(get.status, 200);
    let recover = h
        .call(
            Method::POST,
            &h.url("locked", "/deletedsecrets/s/recover"),
            None,
        )
        .await;
    assert_eq!(recover.status, 200, "{}", recover.text);

    // A second one goes when its retention has passed: the service purges it.
    h.put_secret("locked", "t", json!({"value": "v"})).await;
    h.call(Method::DELETE, &h.url("locked", "/secrets/t"), None)
        .await;
    h.emu
        .control()
        .advance_clock(std::time::Duration::from_secs(7 * 86_400 + 1));
    h.token = h.token_for("https://vault.azure.net/.default").await;
    assert_eq!(h.get("locked", "/deletedsecrets/t").await.status, 404);
    let reused = h.put_secret("locked", "t", json!({"value": "again"})).await;
    assert_eq!(reused.status, 200, "{}", reused.text);
}

#[tokio::test]
async fn managed_hsm_settings_are_its_own() {
    let h = Harness::new().await;
    h.emu
        .control()
        .set_soft_delete("pool", Flavour::ManagedHsm, 14, true)
        .unwrap();
    let token = h.token_for("https://managedhsm.azure.net/.default").await;
    let url = format!(
        "{}/keys/k/create?api-version=7.6",
        h.emu.managed_hsm_url("pool")
    );
    let key = h
        .call_with(
            Method::POST,
            &url,
            Some(json!({"kty": "EC-HSM", "crv": "P-256"})),
            Some(&token),
        )
        .await;
    assert_eq!(key.status, 200, "{}", key.text);
    assert_eq!(
        key.body["attributes"]["recoveryLevel"],
        "CustomizedRecoverable"
    );
    assert_eq!(key.body["attributes"]["recoverableDays"], 14);
    // The vault of the same name keeps the defaults.
    let r = h.put_secret("pool", "s", json!({"value": "v"})).await;
    assert_eq!(
        r.body["attributes"]["recoveryLevel"],
        "Recoverable+Purgeable"
    );
}

#[tokio::test]
async fn arm_properties_set_the_data_plane_settings() {
    let h = Harness::new().await;
    let arm = h.token_for("https://management.azure.com/.default").await;
    let url = |path: &str| {
        format!(
            "https://management.azure.com:{}/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/rg/providers/Microsoft.KeyVault/{path}?api-version=2026-02-01",
            h.emu.port()
        )
    };
    let vault = json!({
        "location": "westus",
        "properties": {
            "tenantId": h.emu.tenant_id(), "sku": {"family": "A", "name": "standard"},
            "softDeleteRetentionInDays": 30, "enableRbacAuthorization": true
        }
    });
    let put = h
        .call_with(
            Method::PUT,
            &url("vaults/ArmVault"),
            Some(vault),
            Some(&arm),
        )
        .await;
    assert!(put.status == 200 || put.status == 201, "{}", put.text);
    let secret = h.put_secret("armvault", "s", json!({"value": "v"})).await;
    assert_eq!(
        secret.body["attributes"]["recoveryLevel"],
        "CustomizedRecoverable+Purgeable"
    );
    assert_eq!(secret.body["attributes"]["recoverableDays"], 30);

    // Turning purge protection on (for good) reaches the data plane at once.
    let patch = h
        .call_with(
            Method::PATCH,
            &url("vaults/ArmVault"),
            Some(json!({"properties": {"enablePurgeProtection": true}})),
            Some(&arm),
        )
        .await;
    assert_eq!(patch.status, 200, "{}", patch.text);
    let secret = h.get("armvault", "/secrets/s").await;
    assert_eq!(
        secret.body["attributes"]["recoveryLevel"],
        "CustomizedRecoverable"
    );
    h.call(Method::DELETE, &h.url("armvault", "/secrets/s"), None)
        .await;
    let purge = h
        .call(
            Method::DELETE,
            &h.url("armvault", "/deletedsecrets/s"),
            None,
        )
        .await;
    assert_eq!(purge.status, 403, "{}", purge.text);
}

#[tokio::test]
async fn a_pool_created_through_arm_has_its_settings() {
    let h = Harness::new().await;
    let arm = h.token_for("https://management.azure.com/.default").await;
    let url = format!(
        "https://management.azure.com:{}/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/rg/providers/Microsoft.KeyVault/managedHSMs/armpool?api-version=2026-02-01",
        h.emu.port()
    );
    let pool = json!({
        "location": "westus",
        "sku": {"family": "B", "name": "Standard_B1"},
        "properties": {
            "tenantId": h.emu.tenant_id(), "initialAdminObjectIds": [h.emu.object_id()],
            "softDeleteRetentionInDays": 14, "enablePurgeProtection": true
        }
    });
    let put = h.call_with(Method::PUT, &url, Some(pool), Some(&arm)).await;
    assert!(put.status < 300, "{}", put.text);
    let token = h.token_for("https://managedhsm.azure.net/.default").await;
    let key = h
        .call_with(
            Method::POST,
            &format!(
                "{}/keys/k/create?api-version=7.6",
                h.emu.managed_hsm_url("armpool")
            ),
            Some(json!({"kty": "EC-HSM", "crv": "P-256"})),
            Some(&token),
        )
        .await;
    assert_eq!(key.status, 200, "{}", key.text);
    assert_eq!(
        key.body["attributes"]["recoveryLevel"],
        "CustomizedRecoverable"
    );
    assert_eq!(key.body["attributes"]["recoverableDays"], 14);
}
