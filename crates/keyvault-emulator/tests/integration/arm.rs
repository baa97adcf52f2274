//! The ARM `Microsoft.KeyVault` provider on `management.azure.com`, over raw HTTPS: ARM's
//! authentication, its asynchronous-operation headers and its error bodies.

use crate::common::Harness;
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

/// `PUT`s the Managed HSM pool `name` of resource group `rg`; returns the pool's URL and the
/// answer.
async fn put_pool(h: &Harness, token: &str, name: &str) -> (String, crate::common::Resp) {
    let pool = arm_url(
        h,
        &format!("/resourceGroups/rg/providers/Microsoft.KeyVault/managedHSMs/{name}"),
    );
    let body = json!({
        "location": "westus",
        "sku": {"family": "B", "name": "Standard_B1"},
        "properties": {"tenantId": h.emu.tenant_id(), "initialAdminObjectIds": ["admin"]}
    });
    let answer = h
        .call_with(Method::PUT, &pool, Some(body), Some(token))
        .await;
    (pool, answer)
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
    let (pool, created) = put_pool(&h, &token, "arm-hsm").await;
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

/// The body of the `200` response of an RM spec example.
fn rm_example(file: &str) -> serde_json::Value {
    rm_example_status(file, "200")
}

/// The body of the `status` response of an RM spec example.
fn rm_example_status(file: &str, status: &str) -> serde_json::Value {
    let path = keyvault_testkit::fixtures::testdata_dir()
        .join("specs/resource-manager/2026-02-01/examples")
        .join(file);
    let example: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("the example")).unwrap();
    example["responses"][status]["body"].clone()
}

#[tokio::test]
async fn arm_operation_latency_holds_operations_in_progress_until_the_clock_passes() {
    let h = Harness::with(keyvault_emulator::EmulatorOptions {
        arm_operation_latency: std::time::Duration::from_secs(90),
        ..Default::default()
    })
    .await;
    let token = h.token_for("https://management.azure.com/.default").await;
    let vault = arm_url(
        &h,
        "/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/slow-vault",
    );
    let created = h
        .call_with(Method::PUT, &vault, Some(vault_body(&h)), Some(&token))
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.header("retry-after"), Some("90"));
    let status_url = created.header("azure-asyncoperation").unwrap().to_string();
    for _ in 0..3 {
        let status = h
            .call_with(Method::GET, &status_url, None, Some(&token))
            .await;
        assert_eq!(status.body["status"], "InProgress");
        let wait: u64 = status.header("retry-after").unwrap().parse().unwrap();
        assert!((89..=90).contains(&wait), "{wait}");
        let got = h.call_with(Method::GET, &vault, None, Some(&token)).await;
        assert_eq!(
            got.body["properties"]["provisioningState"],
            "RegisteringDns"
        );
    }
    h.emu
        .control()
        .advance_clock(std::time::Duration::from_secs(90));
    let status = h
        .call_with(Method::GET, &status_url, None, Some(&token))
        .await;
    assert_eq!(status.body["status"], "Succeeded");
    assert_eq!(status.header("retry-after"), None);
    let got = h.call_with(Method::GET, &vault, None, Some(&token)).await;
    assert_eq!(got.body["properties"]["provisioningState"], "Succeeded");

    // Set over the control endpoint, the latency applies to operations started afterwards.
    let set = h
        .http
        .post(format!(
            "{}/_emulator/arm-operation-latency",
            h.emu.endpoint()
        ))
        .json(&json!({"ms": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), 200);
    let other = arm_url(
        &h,
        "/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/quick-vault",
    );
    let created = h
        .call_with(Method::PUT, &other, Some(vault_body(&h)), Some(&token))
        .await;
    assert_eq!(created.header("retry-after"), Some("0"));
    h.emu.shutdown().await;
}

#[tokio::test]
async fn managed_hsm_update_answers_202_updating_then_succeeds() {
    let h = Harness::with(keyvault_emulator::EmulatorOptions {
        arm_operation_latency: std::time::Duration::from_secs(30),
        ..Default::default()
    })
    .await;
    let token = h.token_for("https://management.azure.com/.default").await;
    let (pool, created) = put_pool(&h, &token, "upd-hsm").await;
    assert_eq!(created.status, 202);
    h.emu
        .control()
        .advance_clock(std::time::Duration::from_secs(30));
    for _ in 0..2 {
        h.call_with(Method::GET, &pool, None, Some(&token)).await;
    }
    let patch = json!({"tags": {"Dept": "hsm"}});
    let updated = h
        .call_with(Method::PATCH, &pool, Some(patch), Some(&token))
        .await;
    assert_eq!(updated.status, 202, "{}", updated.text);
    assert_eq!(updated.body["properties"]["provisioningState"], "Updating");
    // The spec example's 202 says what the service says while it updates.
    let example = rm_example_status("ManagedHsm_Update.json", "202");
    assert_eq!(
        updated.body["properties"]["statusMessage"],
        example["properties"]["statusMessage"]
    );
    assert_eq!(updated.body["tags"]["Dept"], "hsm");
    assert_eq!(updated.header("retry-after"), Some("30"));
    let location = updated.header("location").unwrap().to_string();
    assert!(
        location.contains("/managedHsmOperationResults/"),
        "{location}"
    );
    let r = h
        .call_with(Method::GET, &location, None, Some(&token))
        .await;
    assert_eq!(r.status, 202);
    let got = h.call_with(Method::GET, &pool, None, Some(&token)).await;
    assert_eq!(got.body["properties"]["provisioningState"], "Updating");
    h.emu
        .control()
        .advance_clock(std::time::Duration::from_secs(30));
    let r = h
        .call_with(Method::GET, &location, None, Some(&token))
        .await;
    assert_eq!(r.status, 200);
    let got = h.call_with(Method::GET, &pool, None, Some(&token)).await;
    assert_eq!(got.body["properties"]["provisioningState"], "Succeeded");
    assert_eq!(
        got.body["properties"]["statusMessage"],
        "ManagedHsm is functional."
    );
    h.emu.shutdown().await;
}

#[tokio::test]
async fn the_generic_resource_list_filters_by_type_and_pages_as_the_spec_example() {
    let h = Harness::new().await;
    let token = h.token_for("https://management.azure.com/.default").await;
    for name in ["res-a", "res-b", "res-c"] {
        let vault = arm_url(
            &h,
            &format!("/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/{name}"),
        );
        let r = h
            .call_with(Method::PUT, &vault, Some(vault_body(&h)), Some(&token))
            .await;
        assert_eq!(r.status, 201);
    }
    assert_eq!(put_pool(&h, &token, "res-hsm").await.1.status, 202);

    // As Vaults_List sends it: the resource list's own API version, the filter and $top.
    let first = format!(
        "https://management.azure.com:{}/subscriptions/{SUB}/resources?$filter=resourceType%20eq%20%27Microsoft.KeyVault%2Fvaults%27&$top=2&api-version=2015-11-01",
        h.emu.port()
    );
    let page = h.call_with(Method::GET, &first, None, Some(&token)).await;
    assert_eq!(page.status, 200, "{}", page.text);
    let example = rm_example("listVault.json");
    let keys = |v: &serde_json::Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    let items = page.body["value"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(keys(&items[0]), keys(&example["value"][0]));
    assert_eq!(items[0]["type"], "Microsoft.KeyVault/vaults");
    assert_eq!(items[0]["name"], "res-a");
    assert!(items[0]["id"]
        .as_str()
        .unwrap()
        .ends_with("/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/res-a"));
    let next = page.body["nextLink"].as_str().unwrap().to_string();
    assert!(next.contains("api-version=2015-11-01"), "{next}");
    let page = h.call_with(Method::GET, &next, None, Some(&token)).await;
    assert_eq!(
        page.body["value"].as_array().unwrap().len(),
        1,
        "still filtered"
    );
    assert_eq!(page.body["value"][0]["name"], "res-c");
    assert!(page.body.get("nextLink").is_none());

    // Without a filter the pools are listed too; another filter is refused clearly.
    let all = arm_url(&h, "/resources");
    let page = h.call_with(Method::GET, &all, None, Some(&token)).await;
    assert_eq!(page.body["value"].as_array().unwrap().len(), 4);
    let bad = arm_url(&h, "/resources?$filter=tagName%20eq%20%27env%27");
    let r = h.call_with(Method::GET, &bad, None, Some(&token)).await;
    assert_eq!((r.status, r.error_code()), (400, "BadRequest"));
    h.emu.shutdown().await;
}

#[tokio::test]
async fn the_operations_list_is_the_spec_examples() {
    let h = Harness::new().await;
    let token = h.token_for("https://management.azure.com/.default").await;
    let url = format!(
        "https://management.azure.com:{}/providers/Microsoft.KeyVault/operations?api-version=2026-02-01",
        h.emu.port()
    );
    let r = h.call_with(Method::GET, &url, None, None).await;
    assert_eq!(r.status, 401);
    let r = h.call_with(Method::GET, &url, None, Some(&token)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body, rm_example("listOperations.json"));
    h.emu.shutdown().await;
}

/// The keys of a JSON object, sorted.
fn sorted_keys(v: &serde_json::Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().expect("an object").keys().cloned().collect();
    k.sort();
    k
}

/// `ManagedHsms_CreateOrUpdate` and `ManagedHsms_Update` are `final-state-via: location` with
/// `final-state-schema: ManagedHsm`: the completed operation's `Location` answers 200 with the
/// pool, provisioned. (It used to answer an empty 200 and leave the pool `Provisioning` until
/// it had been read twice more, so the Python SDK's poller returned `None`.)
#[tokio::test]
async fn managed_hsm_location_answers_with_the_provisioned_pool() {
    let h = Harness::new().await;
    let token = h.token_for("https://management.azure.com/.default").await;
    let (pool, created) = put_pool(&h, &token, "final-hsm").await;
    assert_eq!(created.status, 202, "{}", created.text);
    let location = created.header("location").unwrap().to_string();
    let first = h
        .call_with(Method::GET, &location, None, Some(&token))
        .await;
    assert_eq!(first.status, 202);
    assert!(first.text.is_empty(), "{}", first.text);
    let done = h
        .call_with(Method::GET, &location, None, Some(&token))
        .await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(done.body["name"], "final-hsm");
    assert_eq!(done.body["type"], "Microsoft.KeyVault/managedHSMs");
    assert_eq!(done.body["properties"]["provisioningState"], "Succeeded");
    assert_eq!(
        done.body["properties"]["statusMessage"],
        "ManagedHsm is functional."
    );
    assert!(done.body["properties"]["hsmUri"]
        .as_str()
        .unwrap()
        .starts_with("https://final-hsm.managedhsm.azure.net:"));
    // The shape of the spec example's final pool.
    let example = rm_example("ManagedHsm_CreateOrUpdate.json");
    for key in sorted_keys(&example) {
        assert!(done.body.get(&key).is_some(), "{key}");
    }
    for key in sorted_keys(&example["properties"]) {
        assert!(done.body["properties"].get(&key).is_some(), "{key}");
    }
    // The pool is provisioned as soon as its operation is: the first read says so.
    let got = h.call_with(Method::GET, &pool, None, Some(&token)).await;
    assert_eq!(got.body, done.body);

    let updated = h
        .call_with(
            Method::PATCH,
            &pool,
            Some(json!({"tags": {"Slice": "A"}})),
            Some(&token),
        )
        .await;
    assert_eq!(updated.status, 202, "{}", updated.text);
    let location = updated.header("location").unwrap().to_string();
    assert_eq!(
        h.call_with(Method::GET, &location, None, Some(&token))
            .await
            .status,
        202
    );
    let done = h
        .call_with(Method::GET, &location, None, Some(&token))
        .await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(done.body["tags"], json!({"Slice": "A"}));
    assert_eq!(done.body["properties"]["provisioningState"], "Succeeded");
    let got = h.call_with(Method::GET, &pool, None, Some(&token)).await;
    assert_eq!(got.body["properties"]["provisioningState"], "Succeeded");

    // A delete has no final state: its `Location` ends with an empty 200.
    let deleted = h.call_with(Method::DELETE, &pool, None, Some(&token)).await;
    assert_eq!(deleted.status, 202);
    let location = deleted.header("location").unwrap().to_string();
    h.call_with(Method::GET, &location, None, Some(&token))
        .await;
    let done = h
        .call_with(Method::GET, &location, None, Some(&token))
        .await;
    assert_eq!(done.status, 200);
    assert!(done.text.is_empty(), "{}", done.text);
    h.emu.shutdown().await;
}

/// `Vaults_CreateOrUpdate` is `final-state-via: location` with `final-state-schema: Vault`: a
/// client that follows the `Location` (`operationResults`) rather than `Azure-AsyncOperation`
/// gets the vault from it once the creation is done. A purge's `Location` ends empty.
#[tokio::test]
async fn vault_create_location_answers_with_the_vault() {
    let h = Harness::new().await;
    let token = h.token_for("https://management.azure.com/.default").await;
    let vault = arm_url(
        &h,
        "/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/final-vault",
    );
    let created = h
        .call_with(Method::PUT, &vault, Some(vault_body(&h)), Some(&token))
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let location = created.header("location").unwrap().to_string();
    assert!(location.contains("/operationResults/"), "{location}");
    let first = h
        .call_with(Method::GET, &location, None, Some(&token))
        .await;
    assert_eq!(first.status, 202);
    let done = h
        .call_with(Method::GET, &location, None, Some(&token))
        .await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(done.body["name"], "final-vault");
    assert_eq!(done.body["type"], "Microsoft.KeyVault/vaults");
    assert_eq!(done.body["properties"]["provisioningState"], "Succeeded");
    let got = h.call_with(Method::GET, &vault, None, Some(&token)).await;
    assert_eq!(got.body, done.body);

    let r = h
        .call_with(Method::DELETE, &vault, None, Some(&token))
        .await;
    assert_eq!(r.status, 200);
    let purge = arm_url(
        &h,
        "/providers/Microsoft.KeyVault/locations/westus/deletedVaults/final-vault/purge",
    );
    let r = h.call_with(Method::POST, &purge, None, Some(&token)).await;
    assert_eq!(r.status, 202);
    let location = r.header("location").unwrap().to_string();
    h.call_with(Method::GET, &location, None, Some(&token))
        .await;
    let done = h
        .call_with(Method::GET, &location, None, Some(&token))
        .await;
    assert_eq!(done.status, 200);
    assert!(done.text.is_empty(), "{}", done.text);
    h.emu.shutdown().await;
}

/// Private endpoint connections on the wire: added through `POST /_emulator/private-endpoint-
/// connections` as the network side would, approved with a PUT, deleted with 202 + a `Location`
/// on the connection's own URL (the spec example's shape) that answers 202 then 200 with the
/// `Disconnected` connection; the shapes are those of the spec examples.
#[tokio::test]
async fn private_endpoint_connections_on_the_wire() {
    let h = Harness::new().await;
    let token = h.token_for("https://management.azure.com/.default").await;
    let vault_path = "/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/link-vault";
    let vault = arm_url(&h, vault_path);
    let created = h
        .call_with(Method::PUT, &vault, Some(vault_body(&h)), Some(&token))
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let vault_id = created.body["id"].as_str().unwrap().to_string();

    let control = format!(
        "{}/_emulator/private-endpoint-connections",
        h.emu.endpoint()
    );
    let add = |body: serde_json::Value| {
        let http = h.http.clone();
        let url = control.clone();
        async move { crate::common::into_resp(http.post(url).json(&body).send().await.unwrap()).await }
    };
    let added = add(json!({"resourceId": vault_id, "name": "sample-pec"})).await;
    assert_eq!(added.status, 201, "{}", added.text);
    assert_eq!(
        added.body["properties"]["privateLinkServiceConnectionState"]["status"],
        "Pending"
    );
    let unknown = add(json!({"resourceId": format!("{vault_id}x"), "name": "p"})).await;
    assert_eq!(unknown.status, 400, "{}", unknown.text);

    let pec = arm_url(
        &h,
        &format!("{vault_path}/privateEndpointConnections/sample-pec"),
    );
    let example = rm_example("putPrivateEndpointConnection.json");
    let put_body = json!({
        "properties": {"privateLinkServiceConnectionState": {
            "status": "Approved", "description": "My name is Joe and I'm approving this."
        }}
    });
    let approved = h
        .call_with(Method::PUT, &pec, Some(put_body.clone()), Some(&token))
        .await;
    assert_eq!(approved.status, 200, "{}", approved.text);
    assert_eq!(sorted_keys(&approved.body), sorted_keys(&example));
    assert_eq!(
        approved.body["properties"]["privateLinkServiceConnectionState"],
        example["properties"]["privateLinkServiceConnectionState"]
    );
    assert_eq!(approved.body["type"], example["type"]);
    assert_eq!(
        approved.body["id"],
        format!("{vault_id}/privateEndpointConnections/sample-pec")
    );
    let stale = json!({"etag": "\"stale\"", "properties": put_body["properties"]});
    let r = h
        .call_with(Method::PUT, &pec, Some(stale), Some(&token))
        .await;
    assert_eq!((r.status, r.error_code()), (412, "PreconditionFailed"));
    let r = h
        .call_with(
            Method::PUT,
            &pec,
            Some(json!({"properties": {}})),
            Some(&token),
        )
        .await;
    assert_eq!((r.status, r.error_code()), (400, "BadRequest"));

    let deleted = h.call_with(Method::DELETE, &pec, None, Some(&token)).await;
    assert_eq!(deleted.status, 202, "{}", deleted.text);
    assert!(deleted.header("retry-after").is_some());
    let location = deleted.header("location").unwrap().to_string();
    assert!(
        location.contains("/privateEndpointConnections/sample-pec?")
            && location.contains("operationid="),
        "{location}"
    );
    let first = h
        .call_with(Method::GET, &location, None, Some(&token))
        .await;
    assert_eq!(first.status, 202, "in progress once");
    assert!(first.header("location").is_some());
    let done = h
        .call_with(Method::GET, &location, None, Some(&token))
        .await;
    assert_eq!(done.status, 200, "{}", done.text);
    let final_example = rm_example("deletePrivateEndpointConnection.json");
    assert_eq!(sorted_keys(&done.body), sorted_keys(&final_example));
    assert_eq!(done.body["properties"], final_example["properties"]);
    let again = h
        .call_with(Method::GET, &location, None, Some(&token))
        .await;
    assert_eq!(again.status, 200, "the Location keeps its answer");

    let gone = h.call_with(Method::GET, &pec, None, Some(&token)).await;
    assert_eq!(
        (gone.status, gone.error_code()),
        (404, "PrivateEndpointConnectionNotFound")
    );
    let r = h.call_with(Method::DELETE, &pec, None, Some(&token)).await;
    assert_eq!(r.status, 204, "the spec's 'Resource does not exist'");

    let links = h
        .call_with(
            Method::GET,
            &arm_url(&h, &format!("{vault_path}/privateLinkResources")),
            None,
            Some(&token),
        )
        .await;
    assert_eq!(links.status, 200);
    let example = rm_example("listPrivateLinkResources.json");
    assert_eq!(
        links.body["value"][0]["properties"],
        example["value"][0]["properties"]
    );
    assert_eq!(links.body["value"][0]["name"], "vault");

    let nsp = arm_url(
        &h,
        &format!("{vault_path}/networkSecurityPerimeterConfigurations"),
    );
    let r = h.call_with(Method::GET, &nsp, None, Some(&token)).await;
    assert_eq!((r.status, r.body.clone()), (200, json!({"value": []})));
    let one = arm_url(
        &h,
        &format!("{vault_path}/networkSecurityPerimeterConfigurations/x/reconcile"),
    );
    let r = h.call_with(Method::POST, &one, None, Some(&token)).await;
    assert_eq!(r.status, 404);
    let r = h.call_with(Method::GET, &one, None, Some(&token)).await;
    assert_eq!(r.status, 405);
    h.emu.shutdown().await;
}

/// A pool's regions are its own (primary) and those of its `regions` property, in the spec
/// example's shape; its private link resource is the `managedhsm` group.
#[tokio::test]
async fn managed_hsm_regions_and_private_link_resources() {
    let h = Harness::new().await;
    let token = h.token_for("https://management.azure.com/.default").await;
    let pool = arm_url(
        &h,
        "/resourceGroups/rg/providers/Microsoft.KeyVault/managedHSMs/region-hsm",
    );
    let body = json!({
        "location": "westus",
        "sku": {"family": "B", "name": "Standard_B1"},
        "properties": {
            "tenantId": h.emu.tenant_id(), "initialAdminObjectIds": ["admin"],
            "regions": [{"name": "eastus"}, {"name": "westus"}]
        }
    });
    let r = h
        .call_with(Method::PUT, &pool, Some(body), Some(&token))
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    let sub = |path: &str| pool.replace("?api-version", &format!("/{path}?api-version"));
    let regions = h
        .call_with(Method::GET, &sub("regions"), None, Some(&token))
        .await;
    assert_eq!(regions.status, 200, "{}", regions.text);
    let example = rm_example("ManagedHsm_ListRegionsByResource.json");
    assert_eq!(
        sorted_keys(&regions.body["value"][0]),
        sorted_keys(&example["value"][0])
    );
    assert_eq!(
        regions.body["value"],
        json!([
            {"name": "westus", "isPrimary": true, "provisioningState": "Succeeded"},
            {"name": "eastus", "isPrimary": false, "provisioningState": "Succeeded"},
        ])
    );
    let links = h
        .call_with(
            Method::GET,
            &sub("privateLinkResources"),
            None,
            Some(&token),
        )
        .await;
    assert_eq!(links.status, 200, "{}", links.text);
    assert_eq!(links.body["value"][0]["name"], "managedhsm");
    assert_eq!(links.body["value"][0]["location"], "westus");
    assert_eq!(
        links.body["value"][0]["properties"]["requiredZoneNames"],
        json!(["privatelink.managedhsm.azure.net"])
    );
    // Perimeter configurations hang off vaults only.
    let r = h
        .call_with(
            Method::GET,
            &sub("networkSecurityPerimeterConfigurations"),
            None,
            Some(&token),
        )
        .await;
    assert_eq!((r.status, r.error_code()), (404, "InvalidResourceType"));
    h.emu.shutdown().await;
}
