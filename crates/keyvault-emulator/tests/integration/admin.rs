//! Managed HSM administration over raw HTTPS: RBAC, backup and restore jobs, settings, the
//! control endpoints, and what a vault answers on these paths.

use crate::common::{into_resp, Harness, Resp};
use keyvault_emulator::EmulatorOptions;
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;

const ADMINISTRATOR: &str = "a290e904-7015-4bba-90c8-60543313cdb4";
const CRYPTO_USER: &str = "21dbd100-6940-42c2-9190-5d6cb909625b";
const CONTAINER: &str = "https://account.blob.core.windows.net/backups";

struct Hsm {
    h: Harness,
    token: String,
}

impl Hsm {
    async fn new() -> Self {
        Self::with(EmulatorOptions::default()).await
    }

    async fn with(options: EmulatorOptions) -> Self {
        let h = Harness::with(options).await;
        let token = h.token_for("https://managedhsm.azure.net/.default").await;
        Hsm { h, token }
    }

    fn url(&self, hsm: &str, path: &str, api: &str) -> String {
        let sep = if path.contains('?') { '&' } else { '?' };
        format!(
            "{}{path}{sep}api-version={api}",
            self.h.emu.managed_hsm_url(hsm)
        )
    }

    async fn call(&self, method: Method, hsm: &str, path: &str, body: Option<Value>) -> Resp {
        self.call_api(method, hsm, path, body, "2026-04-01").await
    }

    async fn call_api(
        &self,
        method: Method,
        hsm: &str,
        path: &str,
        body: Option<Value>,
        api: &str,
    ) -> Resp {
        self.h
            .call_with(method, &self.url(hsm, path, api), body, Some(&self.token))
            .await
    }

    async fn get_url(&self, url: &str) -> Resp {
        self.h
            .call_with(Method::GET, url, None, Some(&self.token))
            .await
    }
}

fn sas() -> Value {
    json!({ "storageResourceUri": CONTAINER, "token": "sv=2024&sig=x" })
}

#[tokio::test]
async fn built_in_roles_are_seeded_and_paged() {
    let t = Hsm::new().await;
    let r = t
        .call(
            Method::GET,
            "h1",
            "/providers/Microsoft.Authorization/roleDefinitions",
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let all = r.body["value"].as_array().unwrap();
    assert_eq!(all.len(), 10);
    assert_eq!(r.body["nextLink"], Value::Null);
    let admin = all.iter().find(|d| d["name"] == ADMINISTRATOR).unwrap();
    assert_eq!(admin["properties"]["roleName"], "Managed HSM Administrator");
    assert_eq!(admin["properties"]["type"], "AKVBuiltInRole");
    assert_eq!(
        admin["id"],
        format!(
            "Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/{ADMINISTRATOR}"
        )
    );
    assert_eq!(admin["type"], "Microsoft.Authorization/roleDefinitions");
    // Scope /keys, pages of 4, following nextLink.
    let mut url = t.url(
        "h1",
        "/keys/providers/Microsoft.Authorization/roleDefinitions?maxresults=4",
        "2026-04-01",
    );
    let mut seen = 0;
    loop {
        let page = t.get_url(&url).await;
        assert_eq!(page.status, 200, "{}", page.text);
        seen += page.body["value"].as_array().unwrap().len();
        match page.body["nextLink"].as_str() {
            Some(next) => {
                assert!(next.contains("/keys/providers/Microsoft.Authorization/roleDefinitions?"));
                url = next.to_string();
            }
            None => break,
        }
    }
    assert_eq!(seen, 10);
    // A role by name, with a `$filter`.
    let r = t
        .call(
            Method::GET,
            "h1",
            "/providers/Microsoft.Authorization/roleDefinitions?$filter=roleName%20eq%20'Managed%20HSM%20Crypto%20User'",
            None,
        )
        .await;
    assert_eq!(r.body["value"].as_array().unwrap().len(), 1);
    assert_eq!(r.body["value"][0]["name"], CRYPTO_USER);
    // The HSM's creator is its administrator.
    let r = t
        .call(
            Method::GET,
            "h1",
            "/providers/Microsoft.Authorization/roleAssignments",
            None,
        )
        .await;
    let assignments = r.body["value"].as_array().unwrap();
    let mut roles: Vec<&str> = assignments
        .iter()
        .map(|a| {
            assert_eq!(a["properties"]["scope"], "/");
            let id = a["properties"]["roleDefinitionId"].as_str().unwrap();
            id.rsplit('/').next().unwrap()
        })
        .collect();
    roles.sort();
    // Administrator, as a real pool's creator, plus the crypto roles the emulator grants.
    let mut expected = [
        ADMINISTRATOR,
        CRYPTO_USER,
        "515eb02d-2335-4d2d-92f2-b1cbdf9c3778",
    ];
    expected.sort();
    assert_eq!(roles, expected);
}

#[tokio::test]
async fn role_assignments_crud_and_errors() {
    let t = Hsm::new().await;
    let name = "11111111-2222-3333-4444-555555555555";
    let path = format!("/keys/providers/Microsoft.Authorization/roleAssignments/{name}");
    let definition = format!(
        "Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/{CRYPTO_USER}"
    );
    let body = json!({"properties": {"roleDefinitionId": definition, "principalId": "p1"}});
    let r = t.call(Method::PUT, "h2", &path, Some(body.clone())).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["id"], path);
    assert_eq!(r.body["name"], name);
    assert_eq!(r.body["type"], "Microsoft.Authorization/roleAssignments");
    assert_eq!(r.body["properties"]["scope"], "/keys");
    assert_eq!(r.body["properties"]["principalId"], "p1");
    let r = t.call(Method::PUT, "h2", &path, Some(body.clone())).await;
    assert_eq!(r.status, 409, "{}", r.text);
    let r = t.call(Method::GET, "h2", &path, None).await;
    assert_eq!(r.status, 200);
    // Another scope does not hold it.
    let r = t
        .call(
            Method::GET,
            "h2",
            &format!("/providers/Microsoft.Authorization/roleAssignments/{name}"),
            None,
        )
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(r.error_code(), "RoleAssignmentNotFound");
    // `//` as Python and JavaScript send for the global scope.
    let r = t
        .call(
            Method::GET,
            "h2",
            "//providers/Microsoft.Authorization/roleAssignments",
            None,
        )
        .await;
    assert_eq!(r.status, 200);
    // The creator's three (Administrator, Crypto Officer, Crypto User) and the new one.
    assert_eq!(r.body["value"].as_array().unwrap().len(), 4);
    let r = t
        .call(
            Method::GET,
            "h2",
            "/providers/Microsoft.Authorization/roleAssignments?$filter=principalId%20eq%20'p1'",
            None,
        )
        .await;
    assert_eq!(r.body["value"].as_array().unwrap().len(), 1);
    let r = t.call(Method::DELETE, "h2", &path, None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["name"], name);
    let r = t.call(Method::DELETE, "h2", &path, None).await;
    assert_eq!(r.status, 404);

    for (path, body, why) in [
        (
            "/providers/Microsoft.Authorization/roleAssignments/not-a-guid".to_string(),
            body.clone(),
            "name",
        ),
        (
            format!("/secrets/providers/Microsoft.Authorization/roleAssignments/{name}"),
            body.clone(),
            "scope",
        ),
        (
            format!("/providers/Microsoft.Authorization/roleAssignments/{name}"),
            json!({"properties": {"principalId": "p"}}),
            "definition",
        ),
        (
            format!("/providers/Microsoft.Authorization/roleAssignments/{name}"),
            json!({"properties": {"roleDefinitionId": "x/roleDefinitions/00000000-0000-0000-0000-000000000000", "principalId": "p"}}),
            "unknown definition",
        ),
    ] {
        let r = t.call(Method::PUT, "h2", &path, Some(body)).await;
        assert_eq!(r.status, 400, "{why}: {}", r.text);
        assert_eq!(r.error_code(), "BadParameter", "{why}");
    }
}

#[tokio::test]
async fn custom_role_definitions() {
    let t = Hsm::new().await;
    let name = "99999999-0000-0000-0000-000000000001";
    let path = format!("/providers/Microsoft.Authorization/roleDefinitions/{name}");
    let r = t
        .call(
            Method::PUT,
            "h3",
            &path,
            Some(json!({"properties": {"roleName": "Signer", "type": "CustomRole", "permissions": [{"dataActions": ["Microsoft.KeyVault/managedHsm/keys/sign/action"]}]}})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["properties"]["assignableScopes"], json!(["/"]));
    assert_eq!(r.body["properties"]["type"], "CustomRole");
    assert_eq!(
        r.body["properties"]["permissions"],
        json!([{"dataActions": ["Microsoft.KeyVault/managedHsm/keys/sign/action"]}])
    );
    let r = t.call(Method::GET, "h3", &path, None).await;
    assert_eq!(r.body["properties"]["roleName"], "Signer");
    // The built-in names are reserved, as the service answers.
    let r = t
        .call(
            Method::PUT,
            "h3",
            &format!("/providers/Microsoft.Authorization/roleDefinitions/{ADMINISTRATOR}"),
            Some(json!({"properties": {"roleName": "x"}})),
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r.body["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("Cannot re-use the name/GUID matching that of a built-in role."));
    let r = t
        .call(
            Method::PUT,
            "h3",
            &path,
            Some(json!({"properties": {"roleName": "x", "permissions": [{"dataActions": ["Microsoft.KeyVault/managedHsm/keys/fly/action"]}]}})),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    let r = t.call(Method::DELETE, "h3", &path, None).await;
    assert_eq!(r.status, 200);
    let r = t.call(Method::GET, "h3", &path, None).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.error_code(), "RoleDefinitionNotFound");
    // Custom roles arrived in 7.3.
    let r = t.call_api(Method::GET, "h3", &path, None, "7.2").await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn backup_jobs_report_through_azure_async_operation() {
    let t = Hsm::with(EmulatorOptions {
        admin_job_latency: Duration::from_millis(2500),
        ..Default::default()
    })
    .await;
    let r = t.call(Method::POST, "h4", "/backup", Some(sas())).await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(r.body["status"], "InProgress");
    assert_eq!(r.header("retry-after"), Some("3"));
    let status_url = r.header("azure-asyncoperation").unwrap().to_string();
    let job = r.body["jobId"].as_str().unwrap();
    assert!(
        status_url.ends_with(&format!("/backup/{job}/pending")),
        "{status_url}"
    );
    assert!(status_url.starts_with(&t.h.emu.managed_hsm_url("h4")));

    let s = t
        .get_url(&format!("{status_url}?api-version=2026-04-01"))
        .await;
    assert_eq!(s.status, 200, "{}", s.text);
    assert_eq!(s.body["status"], "InProgress");
    assert_eq!(s.body["endTime"], Value::Null);
    assert!(s.header("retry-after").is_some());
    t.h.emu.control().advance_clock(Duration::from_secs(3));
    // The status URL is polled as given, without api-version, as Python's client does.
    let s = t.get_url(&status_url).await;
    assert_eq!(s.body["status"], "Succeeded", "{}", s.text);
    assert!(s.body["endTime"].as_i64().unwrap() >= s.body["startTime"].as_i64().unwrap());
    let folder_url = s.body["azureStorageBlobContainerUri"].as_str().unwrap();
    assert!(folder_url.starts_with(&format!("{CONTAINER}/mhsm-h4-")));
    let folder = folder_url.rsplit('/').next().unwrap();
    assert!(t
        .h
        .emu
        .control()
        .backup_dir()
        .join("account.blob.core.windows.net/backups")
        .join(folder)
        .join("backup.blob")
        .is_file());

    // The backup job is not a restore job, and unknown jobs are 404.
    let r = t
        .call(Method::GET, "h4", &format!("/restore/{job}/pending"), None)
        .await;
    assert_eq!(r.status, 404);
    // The restore reads it back.
    let r = t
        .call(
            Method::PUT,
            "h4",
            "/restore",
            Some(json!({"sasTokenParameters": sas(), "folderToRestore": folder})),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert!(r.body.get("azureStorageBlobContainerUri").is_none());
    let status_url = r.header("azure-asyncoperation").unwrap().to_string();
    assert!(status_url.contains("/restore/"));
    t.h.emu.control().advance_clock(Duration::from_secs(3));
    let s = t
        .get_url(&format!("{status_url}?api-version=2026-04-01"))
        .await;
    assert_eq!(s.body["status"], "Succeeded", "{}", s.text);
}

#[tokio::test]
async fn backup_and_restore_requests_are_checked() {
    let t = Hsm::new().await;
    for (body, why) in [
        (json!({"token": "x"}), "no uri"),
        (
            json!({"storageResourceUri": "not a url", "token": "x"}),
            "bad uri",
        ),
        (
            json!({"storageResourceUri": "https://account.blob.core.windows.net", "token": "x"}),
            "no container",
        ),
        (json!({"storageResourceUri": CONTAINER}), "no token"),
        (
            json!({"storageResourceUri": "https://a.blob.core.windows.net/..", "token": "x"}),
            "escape",
        ),
    ] {
        let r = t.call(Method::POST, "h5", "/backup", Some(body)).await;
        assert_eq!(r.status, 400, "{why}: {}", r.text);
        assert_eq!(r.error_code(), "BadParameter");
    }
    let r = t
        .call(
            Method::POST,
            "h5",
            "/backup",
            Some(json!({"storageResourceUri": CONTAINER, "useManagedIdentity": true})),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    let r = t
        .call_api(
            Method::POST,
            "h5",
            "/backup",
            Some(json!({"storageResourceUri": CONTAINER, "useManagedIdentity": true})),
            "7.4",
        )
        .await;
    assert_eq!(r.status, 400, "managed identity needs 7.5");
    let r = t
        .call(
            Method::PUT,
            "h5",
            "/restore",
            Some(json!({"sasTokenParameters": sas()})),
        )
        .await;
    assert_eq!(r.status, 400);
    // A missing folder fails the job, not the request.
    let r = t
        .call(
            Method::PUT,
            "h5",
            "/keys/k/restore",
            Some(json!({"sasTokenParameters": sas(), "folder": "nothing"})),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    let s = t
        .get_url(&format!(
            "{}?api-version=2026-04-01",
            r.header("azure-asyncoperation").unwrap()
        ))
        .await;
    assert_eq!(s.body["status"], "Failed");
    assert_eq!(s.body["error"]["code"], "BackupNotFound");
    // Pre-checks arrived in 7.6; administration in 7.2.
    let r = t
        .call_api(Method::POST, "h5", "/prebackup", Some(sas()), "7.5")
        .await;
    assert_eq!(r.status, 400);
    let r = t
        .call_api(Method::POST, "h5", "/prebackup", Some(sas()), "7.6")
        .await;
    assert_eq!(r.status, 202);
    let r = t
        .call_api(Method::POST, "h5", "/backup", Some(sas()), "7.1")
        .await;
    assert_eq!(r.status, 400);
    let r = t.call(Method::GET, "h5", "/backup", None).await;
    assert_eq!(r.status, 405);
}

#[tokio::test]
async fn a_backup_restores_only_in_this_process() {
    let a = Hsm::new().await;
    let b = Hsm::with(EmulatorOptions {
        backup_dir: Some(a.h.emu.control().backup_dir()),
        ..Default::default()
    })
    .await;
    let r = a.call(Method::POST, "h6", "/backup", Some(sas())).await;
    let s = a
        .get_url(&format!(
            "{}?api-version=2026-04-01",
            r.header("azure-asyncoperation").unwrap()
        ))
        .await;
    let folder = s.body["azureStorageBlobContainerUri"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let r = b
        .call(
            Method::PUT,
            "h6",
            "/restore",
            Some(json!({"sasTokenParameters": sas(), "folderToRestore": folder})),
        )
        .await;
    let s = b
        .get_url(&format!(
            "{}?api-version=2026-04-01",
            r.header("azure-asyncoperation").unwrap()
        ))
        .await;
    assert_eq!(s.body["status"], "Failed", "{}", s.text);
    assert_eq!(s.body["error"]["code"], "BadParameter");
}

#[tokio::test]
async fn settings_get_list_patch() {
    let t = Hsm::new().await;
    let r = t.call(Method::GET, "h7", "/settings", None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body,
        json!({"settings": [{"name": "AllowKeyManagementOperationsThroughARM", "type": "boolean", "value": "false"}]})
    );
    let path = "/settings/AllowKeyManagementOperationsThroughARM";
    let r = t
        .call(Method::PATCH, "h7", path, Some(json!({"value": "True"})))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["value"], "true");
    let r = t.call(Method::GET, "h7", path, None).await;
    assert_eq!(r.body["value"], "true");
    let r = t
        .call(Method::PATCH, "h7", path, Some(json!({"value": "yes"})))
        .await;
    assert_eq!(r.status, 400);
    let r = t.call(Method::PATCH, "h7", path, Some(json!({}))).await;
    assert_eq!(r.status, 400);
    let r = t.call(Method::GET, "h7", "/settings/Nope", None).await;
    assert_eq!(r.status, 404);
    let r = t
        .call_api(Method::GET, "h7", "/settings", None, "7.3")
        .await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn vaults_do_not_answer_administration_paths() {
    let t = Hsm::new().await;
    for path in [
        "/settings",
        "/providers/Microsoft.Authorization/roleDefinitions",
        "/backup/x/pending",
    ] {
        let r = t.h.get("plain", path).await;
        assert_eq!(r.status, 404, "{path}: {}", r.text);
        assert_eq!(r.error_code(), "NotFound");
    }
    // An HSM token is needed on an HSM.
    let r =
        t.h.call(Method::GET, &t.url("h8", "/settings", "2026-04-01"), None)
            .await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn control_endpoints_set_job_latency_and_show_the_backup_dir() {
    let t = Hsm::new().await;
    let http = t.h.emu.http_client();
    let endpoint = t.h.emu.endpoint();
    let r = into_resp(
        http.post(format!("{endpoint}/_emulator/admin-job-latency"))
            .body(r#"{"ms": 4000}"#)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = t.call(Method::POST, "h9", "/backup", Some(sas())).await;
    assert_eq!(r.header("retry-after"), Some("4"));
    let r = into_resp(
        http.get(format!("{endpoint}/_emulator/backup-dir"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        r.body["path"].as_str().unwrap(),
        t.h.emu.control().backup_dir().display().to_string()
    );
    let r = into_resp(
        http.post(format!("{endpoint}/_emulator/admin-job-latency"))
            .body("{}")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 400);
}

/// Deletes every role assignment of the emulator's principal but its Administrator one.
async fn keep_only_administrator(t: &Hsm, hsm: &str) {
    let r = t
        .call(
            Method::GET,
            hsm,
            "/providers/Microsoft.Authorization/roleAssignments",
            None,
        )
        .await;
    for a in r.body["value"].as_array().unwrap() {
        if !a["properties"]["roleDefinitionId"]
            .as_str()
            .unwrap()
            .ends_with(ADMINISTRATOR)
        {
            let name = a["name"].as_str().unwrap();
            let path = format!("/providers/Microsoft.Authorization/roleAssignments/{name}");
            assert_eq!(t.call(Method::DELETE, hsm, &path, None).await.status, 200);
        }
    }
}

async fn assign(t: &Hsm, hsm: &str, scope: &str, role: &str) {
    let name = uuid::Uuid::new_v4().to_string();
    let prefix = if scope == "/" { "" } else { scope };
    let r = t
        .call(
            Method::PUT,
            hsm,
            &format!("{prefix}/providers/Microsoft.Authorization/roleAssignments/{name}"),
            Some(json!({"properties": {
                "roleDefinitionId": format!("Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/{role}"),
                "principalId": t.h.emu.object_id(),
            }})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
}

async fn create_key(t: &Hsm, hsm: &str, name: &str) -> Resp {
    t.call(
        Method::POST,
        hsm,
        &format!("/keys/{name}/create"),
        Some(json!({"kty": "EC-HSM", "crv": "P-256"})),
    )
    .await
}

#[tokio::test]
async fn role_assignments_govern_what_the_caller_may_do() {
    let t = Hsm::new().await;
    assert_eq!(create_key(&t, "rbac", "before").await.status, 200);

    // The Administrator alone may manage roles but not use keys.
    keep_only_administrator(&t, "rbac").await;
    let denied = create_key(&t, "rbac", "k1").await;
    assert_eq!(denied.status, 403, "{}", denied.text);
    assert_eq!(denied.error_code(), "Forbidden");
    assert_eq!(
        denied.body["error"]["innererror"]["code"],
        "ForbiddenByRbac"
    );
    let message = denied.body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("Action: 'Microsoft.KeyVault/managedHsm/keys/create'"),
        "{message}"
    );
    assert!(message.contains("Resource: '/keys/k1'"), "{message}");
    assert_eq!(
        t.call(Method::GET, "rbac", "/keys/before", None)
            .await
            .status,
        403
    );
    // Settings have no data action: open to any valid token.
    assert_eq!(
        t.call(Method::GET, "rbac", "/settings", None).await.status,
        200
    );

    // Crypto User on one key's scope: that key only.
    assign(&t, "rbac", "/keys/k1", CRYPTO_USER).await;
    assert_eq!(create_key(&t, "rbac", "k1").await.status, 200);
    assert_eq!(create_key(&t, "rbac", "k2").await.status, 403);

    // A custom role's notDataActions take away what its dataActions give.
    let role = uuid::Uuid::new_v4().to_string();
    let r = t
        .call(
            Method::PUT,
            "rbac",
            &format!("/providers/Microsoft.Authorization/roleDefinitions/{role}"),
            Some(json!({"properties": {
                "roleName": "Reader but not creator",
                "permissions": [{
                    "dataActions": [
                        "Microsoft.KeyVault/managedHsm/keys/read/action",
                        "Microsoft.KeyVault/managedHsm/keys/create"
                    ],
                    "notDataActions": ["Microsoft.KeyVault/managedHsm/keys/create"]
                }],
                "assignableScopes": ["/"]
            }})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assign(&t, "rbac", "/keys", &role).await;
    assert_eq!(
        t.call(Method::GET, "rbac", "/keys/before", None)
            .await
            .status,
        200
    );
    assert_eq!(create_key(&t, "rbac", "k3").await.status, 403);
}
