//! Wire fidelity: every Administration example of the REST spec and every recorded
//! administration exchange with the real service parses into our models, and our request
//! bodies are the examples' and the recordings'.

use crate::models::{
    KeyVaultBackupResult, KeyVaultEkmConnection, KeyVaultEkmConnectionUpdate,
    KeyVaultEkmProxyClientCertificateInfo, KeyVaultEkmProxyInfo, KeyVaultPermission,
    KeyVaultRestoreResult, KeyVaultRoleAssignment, KeyVaultRoleDefinition, KeyVaultRoleType,
    KeyVaultSetting, RestoreOperationParameters, RoleAssignmentCreateParameters,
    RoleAssignmentProperties, RoleDefinitionCreateParameters, RoleDefinitionProperties,
    SasTokenParameter, SelectiveKeyRestoreOperationParameters, SettingsListResult,
    UpdateSettingRequest,
};
use crate::scope::KeyVaultRoleScope;
use keyvault_core::ExposeSecret;
use keyvault_core::{
    async_operation::{AsyncOperationStatus, OperationStatus},
    pipeline::to_json,
    Error, Result,
};
use keyvault_testkit::fixtures::{recorded_exchanges, spec_examples, testdata_dir};
use serde::Deserialize;
use serde_json::Value;

/// Fields of the spec's examples and the recordings that the models knowingly do not read.
const KNOWN: &[&str] = &[];

/// Every field of a body must reach the model: a field serde would skip (misspelled, or not
/// modelled) fails the test with its path, so parsing proves fidelity and not only shape.
fn deserialize<T: serde::de::DeserializeOwned>(body: &[u8]) -> keyvault_core::Result<T> {
    keyvault_testkit::fidelity::every_field(body, KNOWN).map_err(|message| {
        keyvault_core::Error::Deserialize {
            model: std::any::type_name::<T>(),
            message,
        }
    })
}

/// A list page; its fields are read only to check their shape.
#[derive(Deserialize)]
#[allow(dead_code)]
struct PageOf<T> {
    value: Vec<T>,
    #[serde(rename = "nextLink")]
    next_link: Option<String>,
}

/// Parses a status body as every job model it may become.
/// Every field of a job's body reaches its status (read by the poller) or its result.
fn parse_job(body: &[u8], backup: bool) -> Result<()> {
    let either = |message| keyvault_core::Error::Deserialize {
        model: "job status and result",
        message,
    };
    let status: AsyncOperationStatus = deserialize_lenient(body)?;
    let has_folder = serde_json::from_slice::<Value>(body)
        .map(|v| v["azureStorageBlobContainerUri"].is_string())
        .unwrap_or(false);
    if backup && (status.status == OperationStatus::Succeeded || has_folder) {
        keyvault_testkit::fidelity::every_field_of_either::<
            AsyncOperationStatus,
            KeyVaultBackupResult,
        >(body, KNOWN)
        .map_err(either)?;
    }
    keyvault_testkit::fidelity::every_field_of_either::<AsyncOperationStatus, KeyVaultRestoreResult>(
        body, KNOWN,
    )
    .map_err(either)
    .map(drop)
}

/// Parsing only, for a body whose fidelity another check covers.
fn deserialize_lenient<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T> {
    keyvault_core::pipeline::deserialize(body)
}

/// Parses a successful response body of `operation` into its model.
fn parse_response(operation: &str, body: &[u8]) -> Result<()> {
    match operation {
        "RoleAssignments_Create" | "RoleAssignments_Get" | "RoleAssignments_Delete" => {
            deserialize::<KeyVaultRoleAssignment>(body).map(drop)
        }
        "RoleAssignments_ListForScope" => {
            deserialize::<PageOf<KeyVaultRoleAssignment>>(body).map(drop)
        }
        "RoleDefinitions_CreateOrUpdate" | "RoleDefinitions_Get" | "RoleDefinitions_Delete" => {
            deserialize::<KeyVaultRoleDefinition>(body).map(drop)
        }
        "RoleDefinitions_List" => deserialize::<PageOf<KeyVaultRoleDefinition>>(body).map(drop),
        "FullBackup" | "FullBackupStatus" | "PreFullBackup" => parse_job(body, true),
        "FullRestoreOperation"
        | "RestoreStatus"
        | "PreFullRestoreOperation"
        | "SelectiveKeyRestoreOperation"
        | "SelectiveKeyRestoreStatus" => parse_job(body, false),
        "GetSetting" | "UpdateSetting" => deserialize::<KeyVaultSetting>(body).map(drop),
        "GetSettings" => deserialize::<SettingsListResult>(body).map(drop),
        "GetEkmConnection"
        | "CreateEkmConnection"
        | "UpdateEkmConnection"
        | "DeleteEkmConnection" => deserialize::<KeyVaultEkmConnection>(body).map(drop),
        "GetEkmCertificate" => deserialize::<KeyVaultEkmProxyClientCertificateInfo>(body).map(drop),
        "CheckEkmConnection" => deserialize::<KeyVaultEkmProxyInfo>(body).map(drop),
        other => panic!("no model for operation {other}"),
    }
}

fn sas(p: &Value) -> SasTokenParameter<'_> {
    SasTokenParameter {
        storage_resource_uri: p["storageResourceUri"].as_str().unwrap(),
        token: p["token"].as_str(),
        use_managed_identity: p["useManagedIdentity"].as_bool(),
    }
}

/// Our serialization of the request body of `operation`, rebuilt from the example's.
fn body_of(operation: &str, params: &Value) -> Option<(Value, Value)> {
    let (theirs, ours) = match operation {
        "RoleAssignments_Create" => {
            let p = &params["parameters"];
            let ours = to_json(&RoleAssignmentCreateParameters {
                properties: RoleAssignmentProperties {
                    role_definition_id: p["properties"]["roleDefinitionId"].as_str().unwrap(),
                    principal_id: p["properties"]["principalId"].as_str().unwrap(),
                },
            });
            (p, ours)
        }
        "RoleDefinitions_CreateOrUpdate" => {
            let p = &params["parameters"];
            let props = &p["properties"];
            let permissions: Option<Vec<KeyVaultPermission>> =
                serde_json::from_value(props["permissions"].clone()).ok();
            let scopes: Option<Vec<KeyVaultRoleScope>> =
                serde_json::from_value(props["assignableScopes"].clone()).ok();
            assert_eq!(props["type"], "CustomRole");
            let ours = to_json(&RoleDefinitionCreateParameters {
                properties: RoleDefinitionProperties {
                    role_name: props["roleName"].as_str(),
                    role_type: KeyVaultRoleType::CustomRole,
                    description: props["description"].as_str(),
                    permissions: permissions.as_deref(),
                    assignable_scopes: scopes.as_deref(),
                },
            });
            (p, ours)
        }
        "FullBackup" => {
            let p = &params["azureStorageBlobContainerUri"];
            (p, to_json(&sas(p)))
        }
        "PreFullBackup" => {
            let p = &params["preBackupOperationParameters"];
            (p, to_json(&sas(p)))
        }
        "FullRestoreOperation" | "PreFullRestoreOperation" => {
            let p = if operation == "FullRestoreOperation" {
                &params["restoreBlobDetails"]
            } else {
                &params["preRestoreOperationParameters"]
            };
            let ours = to_json(&RestoreOperationParameters {
                sas_token_parameters: sas(&p["sasTokenParameters"]),
                folder_to_restore: p["folderToRestore"].as_str().unwrap(),
            });
            (p, ours)
        }
        "SelectiveKeyRestoreOperation" => {
            let p = &params["restoreBlobDetails"];
            let ours = to_json(&SelectiveKeyRestoreOperationParameters {
                sas_token_parameters: sas(&p["sasTokenParameters"]),
                folder: p["folder"].as_str().unwrap(),
            });
            (p, ours)
        }
        "UpdateSetting" => {
            let p = &params["parameters"];
            let ours = to_json(&UpdateSettingRequest {
                value: p["value"].as_str().unwrap(),
            });
            (p, ours)
        }
        "CreateEkmConnection" => {
            let p = &params["ekmConnection"];
            let connection: KeyVaultEkmConnection = serde_json::from_value(p.clone()).unwrap();
            (p, to_json(&connection))
        }
        "UpdateEkmConnection" => {
            let p = &params["ekmConnection"];
            let connection: KeyVaultEkmConnection = serde_json::from_value(p.clone()).unwrap();
            (p, to_json(&KeyVaultEkmConnectionUpdate::from(connection)))
        }
        _ => return None,
    };
    Some((
        theirs.clone(),
        serde_json::from_slice(&ours.unwrap()).unwrap(),
    ))
}

#[test]
fn every_spec_example_parses_and_our_requests_match() {
    let examples = spec_examples("Administration");
    assert!(examples.len() >= 25, "{} examples", examples.len());
    let (mut parsed, mut bodies) = (0, 0);
    for example in &examples {
        for (status, body) in &example.responses {
            if *status < 300 && !body.is_null() {
                let bytes = serde_json::to_vec(body).unwrap();
                parse_response(&example.operation_id, &bytes)
                    .unwrap_or_else(|e| panic!("{}: {e}", example.file.display()));
                parsed += 1;
            }
        }
        if let Some((theirs, ours)) = body_of(&example.operation_id, &example.parameters) {
            assert_eq!(ours, theirs, "{}", example.file.display());
            bodies += 1;
        }
    }
    assert_eq!(parsed, 25, "every example has a response");
    assert_eq!(bodies, 10, "every request body is compared");
}

#[test]
fn spec_examples_read_as_the_service_means_them() {
    let examples = spec_examples("Administration");
    let body = |op: &str| {
        let e = examples.iter().find(|e| e.operation_id == op).unwrap();
        serde_json::to_vec(&e.responses[0].1).unwrap()
    };
    let definition: KeyVaultRoleDefinition = deserialize(&body("RoleDefinitions_Get")).unwrap();
    assert_eq!(definition.role_type, KeyVaultRoleType::CustomRole);
    assert_eq!(definition.assignable_scopes, [KeyVaultRoleScope::Global]);
    assert_eq!(
        definition.permissions[0].data_actions,
        [crate::KeyVaultDataAction::SignHsmKey]
    );
    let list: PageOf<KeyVaultRoleDefinition> = deserialize(&body("RoleDefinitions_List")).unwrap();
    assert_eq!(
        list.value[0].role_type,
        KeyVaultRoleType::Other("roletype".into()),
        "an unknown role type is kept"
    );
    let assignment: KeyVaultRoleAssignment = deserialize(&body("RoleAssignments_Get")).unwrap();
    assert_eq!(assignment.properties.scope, KeyVaultRoleScope::Keys);
    let job: AsyncOperationStatus = deserialize_lenient(&body("FullBackupStatus")).unwrap();
    assert_eq!(job.status, OperationStatus::InProgress);
    assert_eq!(job.end_time, None, "endTime 0 means not ended");
    let backup: KeyVaultBackupResult = deserialize_lenient(&body("FullBackup")).unwrap();
    assert!(backup.folder_url.contains("fullbackup-pool"));
    let setting: KeyVaultSetting = deserialize(&body("GetSetting")).unwrap();
    assert_eq!(setting.as_bool(), Some(true));

    let connection: KeyVaultEkmConnection = deserialize(&body("GetEkmConnection")).unwrap();
    assert_eq!(connection.host, "ekm-proxy.contoso.com");
    assert_eq!(connection.path_prefix.as_deref(), Some("/api/v1"));
    assert_eq!(connection.server_subject_common_name, None);
    assert_eq!(connection.server_ca_certificates.len(), 1);
    crate::validation::validate_der_certificates("c", &connection.server_ca_certificates)
        .expect("the example's CA certificate is DER");
    let updated: KeyVaultEkmConnection = deserialize(&body("UpdateEkmConnection")).unwrap();
    assert_eq!(updated.path_prefix.as_deref(), Some("/api/v2"));
    let certificate: KeyVaultEkmProxyClientCertificateInfo =
        deserialize(&body("GetEkmCertificate")).unwrap();
    assert_eq!(
        certificate.subject_common_name,
        "Azure Key Vault EKM Client"
    );
    assert_eq!(
        certificate.ca_certificates,
        connection.server_ca_certificates
    );
    let proxy: KeyVaultEkmProxyInfo = deserialize(&body("CheckEkmConnection")).unwrap();
    assert_eq!(proxy.api_version, "1.0.0");
    assert_eq!(proxy.ekm_product, "Contoso Enterprise HSM v3.2.0");
}

/// The operation a recorded administration request was, if it was one.
fn operation_of(method: &str, segments: &[String]) -> Option<&'static str> {
    let lower: Vec<String> = segments.iter().map(|s| s.to_ascii_lowercase()).collect();
    let s: Vec<&str> = lower.iter().map(String::as_str).collect();
    if let Some(i) = s.iter().position(|x| *x == "providers") {
        let collection = s.get(i + 2).copied();
        let named = s.len() > i + 3;
        return Some(match (method, collection, named) {
            ("PUT", Some("roleassignments"), true) => "RoleAssignments_Create",
            ("GET", Some("roleassignments"), true) => "RoleAssignments_Get",
            ("DELETE", Some("roleassignments"), true) => "RoleAssignments_Delete",
            ("GET", Some("roleassignments"), false) => "RoleAssignments_ListForScope",
            ("PUT", Some("roledefinitions"), true) => "RoleDefinitions_CreateOrUpdate",
            ("GET", Some("roledefinitions"), true) => "RoleDefinitions_Get",
            ("DELETE", Some("roledefinitions"), true) => "RoleDefinitions_Delete",
            ("GET", Some("roledefinitions"), false) => "RoleDefinitions_List",
            _ => panic!("unclassified RBAC request {method} {segments:?}"),
        });
    }
    Some(match (method, s.as_slice()) {
        ("POST", ["backup"]) => "FullBackup",
        ("GET", ["backup", _, "pending"]) => "FullBackupStatus",
        ("POST", ["prebackup"]) => "PreFullBackup",
        ("PUT", ["restore"]) => "FullRestoreOperation",
        ("PUT", ["prerestore"]) => "PreFullRestoreOperation",
        ("GET", ["restore", _, "pending"]) => "RestoreStatus",
        ("PUT", ["keys", _, "restore"]) => "SelectiveKeyRestoreOperation",
        ("GET", ["settings"]) => "GetSettings",
        ("GET", ["settings", _]) => "GetSetting",
        ("PATCH", ["settings", _]) => "UpdateSetting",
        ("GET", ["ekm"]) => "GetEkmConnection",
        ("PATCH", ["ekm"]) => "UpdateEkmConnection",
        ("DELETE", ["ekm"]) => "DeleteEkmConnection",
        ("POST", ["ekm", "create"]) => "CreateEkmConnection",
        ("GET", ["ekm", "certificate"]) => "GetEkmCertificate",
        ("POST", ["ekm", "check"]) => "CheckEkmConnection",
        _ => return None,
    })
}

/// Checks one recorded response: a success parses into its model, an error (other than the
/// authentication challenge) carries a code.
fn check_exchange(operation: &str, status: u16, body: &str, where_: &str) {
    if status < 300 {
        if !body.is_empty() {
            parse_response(operation, body.as_bytes()).unwrap_or_else(|e| panic!("{where_}: {e}"));
        }
    } else if status != 401 {
        let response = azure_core::http::RawResponse::from_bytes(
            status.into(),
            Default::default(),
            body.as_bytes().to_vec(),
        );
        let err = Error::from_response(&response);
        assert_eq!(err.status(), Some(status), "{where_}");
        assert!(err.code().is_some(), "{where_}: no error code in {body}");
    }
}

#[test]
fn every_recorded_json_administration_exchange_parses() {
    let exchanges: Vec<_> = recorded_exchanges()
        .into_iter()
        .filter_map(|e| Some((operation_of(&e.method, &e.segments())?, e)))
        .filter(|(_, e)| e.url.host_str().is_some_and(|h| !h.contains("login.")))
        .collect();
    assert!(exchanges.len() >= 5, "{} exchanges", exchanges.len());
    for (operation, exchange) in &exchanges {
        let where_ = format!(
            "{} {} {}",
            exchange.file.display(),
            exchange.method,
            exchange.url
        );
        check_exchange(operation, exchange.status, &exchange.body, &where_);
    }
    // Python's recording of a full backup and restore: its request bodies are ours.
    let dir = testdata_dir().join(
        "recordings/azure-sdk-for-python/sdk/keyvault/azure-keyvault-administration/tests/recordings",
    );
    let mut compared = 0;
    for file in std::fs::read_dir(&dir).unwrap() {
        let path = file.unwrap().path();
        let json: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for entry in json["Entries"].as_array().into_iter().flatten() {
            let theirs = &entry["RequestBody"];
            if theirs.is_null() || entry["StatusCode"] == 401 {
                continue;
            }
            let url = url::Url::parse(entry["RequestUri"].as_str().unwrap()).unwrap();
            let segments: Vec<String> = url.path_segments().unwrap().map(str::to_string).collect();
            let method = entry["RequestMethod"].as_str().unwrap();
            let ours = match operation_of(method, &segments) {
                Some("FullBackup") => to_json(&sas(theirs)),
                Some("FullRestoreOperation") => to_json(&RestoreOperationParameters {
                    sas_token_parameters: sas(&theirs["sasTokenParameters"]),
                    folder_to_restore: theirs["folderToRestore"].as_str().unwrap(),
                }),
                _ => continue,
            };
            let ours: Value = serde_json::from_slice(&ours.unwrap()).unwrap();
            assert_eq!(&ours, theirs, "{}", path.display());
            compared += 1;
        }
    }
    assert_eq!(compared, 2, "the backup and the restore request bodies");
}

#[test]
fn every_recorded_yaml_administration_exchange_parses() {
    let dir = testdata_dir().join(
        "recordings/azure-cli/src/azure-cli/azure/cli/command_modules/keyvault/tests/latest/recordings",
    );
    let mut seen = 0;
    let mut patches = 0;
    for name in [
        "test_keyvault_hsm_setting.yaml",
        "test_keyvault_hsm_mgmt.yaml",
    ] {
        let path = dir.join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        let yaml: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        for interaction in yaml["interactions"].as_sequence().unwrap() {
            let request = &interaction["request"];
            let response = &interaction["response"];
            let url = url::Url::parse(request["uri"].as_str().unwrap()).unwrap();
            if !url
                .host_str()
                .is_some_and(|h| h.ends_with(".managedhsm.azure.net"))
            {
                continue; // ARM (management.azure.com) and token requests
            }
            let method = request["method"].as_str().unwrap();
            let segments: Vec<String> = url.path_segments().unwrap().map(str::to_string).collect();
            let operation = operation_of(method, &segments)
                .unwrap_or_else(|| panic!("unclassified {method} {url}"));
            let status = response["status"]["code"].as_u64().unwrap() as u16;
            let body = response["body"]["string"].as_str().unwrap_or_default();
            let body = if status == 401 { "" } else { body };
            check_exchange(operation, status, body, &format!("{name} {method} {url}"));
            if operation == "UpdateSetting" {
                let theirs: Value =
                    serde_json::from_str(request["body"].as_str().unwrap()).unwrap();
                let ours: Value = serde_json::from_slice(
                    &to_json(&UpdateSettingRequest {
                        value: theirs["value"].as_str().unwrap(),
                    })
                    .unwrap(),
                )
                .unwrap();
                assert_eq!(ours, theirs);
                patches += 1;
            }
            seen += 1;
        }
    }
    assert_eq!(seen, 7, "the settings recording's data-plane exchanges");
    assert_eq!(patches, 2);
}

/// The security domain spec has no `examples` folder: each of its schemas is instead filled
/// with every property it defines, read into our model and, for request models, written back
/// unchanged, so that every field name and wire form is the spec's.
#[test]
fn every_security_domain_schema_round_trips() {
    use crate::models::{
        CertificateInfo, SecurityDomain, SecurityDomainJsonWebKey, SecurityDomainOperationStatus,
        SecurityDomainStatus, TransferKey,
    };
    let path =
        testdata_dir().join("specs/data-plane/2026-04-01/SecurityDomain/securitydomain.json");
    let spec: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert!(
        !path.with_file_name("examples").exists(),
        "the spec now has examples: read them like the Administration ones"
    );
    let definitions = &spec["definitions"];

    /// A body holding every property of `schema`, with values of the right wire form.
    fn sample(definitions: &Value, schema: &Value, name: &str) -> Value {
        if let Some(reference) = schema["$ref"].as_str() {
            let target = reference.rsplit('/').next().unwrap();
            return sample(definitions, &definitions[target], name);
        }
        match schema["type"].as_str() {
            Some("object") | None => Value::Object(
                schema["properties"]
                    .as_object()
                    .unwrap()
                    .iter()
                    .map(|(key, property)| (key.clone(), sample(definitions, property, key)))
                    .collect(),
            ),
            Some("array") => Value::Array(vec![sample(definitions, &schema["items"], name)]),
            Some("integer") => serde_json::json!(3),
            Some("string") => serde_json::json!(match name {
                "n" | "e" | "x5t" | "x5t#S256" => "AQAB",
                "x5c" => "MAA=",
                "kty" => "RSA",
                "status" => "InProgress",
                _ => "text",
            }),
            other => panic!("no sample for {name}: {other:?}"),
        }
    }
    let body = |name: &str| sample(definitions, &definitions[name], name);

    let info = body("CertificateInfoObject");
    let parsed: CertificateInfo = serde_json::from_value(info.clone()).unwrap();
    assert_eq!(parsed.required, 3);
    assert_eq!(parsed.certificates[0].x5c, [vec![0x30, 0x00]]);
    assert_eq!(serde_json::to_value(&parsed).unwrap(), info);

    let jwk = body("SecurityDomainJsonWebKey");
    let parsed: SecurityDomainJsonWebKey = serde_json::from_value(jwk.clone()).unwrap();
    assert_eq!(parsed.e, [1, 0, 1]);
    assert_eq!(parsed.x5t_s256.as_deref(), Some(&[1u8, 0, 1][..]));
    assert_eq!(parsed.key_use.as_deref(), Some("text"));
    assert_eq!(serde_json::to_value(&parsed).unwrap(), jwk);

    let domain = body("SecurityDomainObject");
    let parsed: SecurityDomain = serde_json::from_value(domain.clone()).unwrap();
    assert_eq!(parsed.value.expose_secret(), "text");
    assert_eq!(serde_json::to_value(&parsed).unwrap(), domain);

    let status: SecurityDomainOperationStatus =
        serde_json::from_value(body("SecurityDomainOperationStatus")).unwrap();
    assert_eq!(status.status, SecurityDomainStatus::InProgress);
    assert_eq!(status.status_details.as_deref(), Some("text"));
    let known: Vec<&str> = SecurityDomainStatus::KNOWN
        .iter()
        .map(|s| s.as_str())
        .collect();
    let spec_values: Vec<&str> = definitions["OperationStatus"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(known, spec_values);

    let transfer: TransferKey = serde_json::from_value(body("TransferKey")).unwrap();
    assert_eq!(transfer.key_format, "text");
    assert_eq!(transfer.transfer_key.kty, "RSA");
    let minimal: TransferKey =
        serde_json::from_value(serde_json::json!({"transfer_key": jwk})).unwrap();
    assert_eq!(minimal.key_format, "jwk", "the spec's default");
}
