//! Wire fidelity: every vault example of the `2026-02-01` RM spec parses into our models, and
//! our request bodies serialize back to the examples' JSON.

use crate::models::{
    CheckNameAvailabilityResult, DeletedVault, TrackedResource, Vault, VaultAccessPolicyParameters,
    VaultCheckNameAvailabilityParameters, VaultCreateOrUpdateParameters, VaultPatchParameters,
};
use keyvault_core::pipeline::deserialize;
use keyvault_testkit::fixtures::testdata_dir;
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use serde_json::Value;
use std::path::PathBuf;

/// A list page; its fields are read only to check their shape.
#[derive(Deserialize)]
#[allow(dead_code)]
struct PageOf<T> {
    value: Vec<T>,
    #[serde(rename = "nextLink", default)]
    next_link: Option<String>,
}

fn examples_dir() -> PathBuf {
    testdata_dir().join("specs/resource-manager/2026-02-01/examples")
}

/// Every example file of the vault operations this crate implements.
fn vault_examples() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(examples_dir()).expect("the RM examples folder") {
        let path = entry.expect("a directory entry").path();
        let text = std::fs::read_to_string(&path).expect("a readable example");
        let example: Value = serde_json::from_str(&text).expect("an example is JSON");
        let operation = example["operationId"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if operation.starts_with("Vaults_") {
            out.push((operation, example));
        }
    }
    out
}

fn parses<T: DeserializeOwned>(body: &Value) {
    deserialize::<T>(body.to_string().as_bytes()).unwrap_or_else(|e| panic!("{body}: {e}"));
}

/// The request body round-trips through `T` unchanged.
fn round_trips<T: DeserializeOwned + Serialize>(body: &Value) {
    let model: T = serde_json::from_value(body.clone()).unwrap_or_else(|e| panic!("{body}: {e}"));
    assert_eq!(&serde_json::to_value(&model).unwrap(), body);
}

#[test]
fn every_vault_example_parses_and_request_bodies_round_trip() {
    let mut seen = std::collections::BTreeSet::new();
    for (operation, example) in vault_examples() {
        let parameters = &example["parameters"];
        match operation.as_str() {
            "Vaults_CreateOrUpdate" => {
                round_trips::<VaultCreateOrUpdateParameters>(&parameters["parameters"])
            }
            "Vaults_Update" => round_trips::<VaultPatchParameters>(&parameters["parameters"]),
            "Vaults_UpdateAccessPolicy" => {
                round_trips::<VaultAccessPolicyParameters>(&parameters["parameters"])
            }
            "Vaults_CheckNameAvailability" => {
                round_trips::<VaultCheckNameAvailabilityParameters>(&parameters["vaultName"])
            }
            "Vaults_List" => assert_eq!(parameters["$filter"], crate::client::VAULTS_FILTER),
            _ => {}
        }
        let responses = example["responses"].as_object().expect("responses");
        for (status, response) in responses {
            let Some(body) = response.get("body") else {
                continue;
            };
            match operation.as_str() {
                "Vaults_CreateOrUpdate" | "Vaults_Get" | "Vaults_Update" => parses::<Vault>(body),
                "Vaults_ListByResourceGroup" | "Vaults_ListBySubscription" => {
                    parses::<PageOf<Vault>>(body)
                }
                "Vaults_GetDeleted" => parses::<DeletedVault>(body),
                "Vaults_ListDeleted" => parses::<PageOf<DeletedVault>>(body),
                "Vaults_CheckNameAvailability" => parses::<CheckNameAvailabilityResult>(body),
                "Vaults_UpdateAccessPolicy" => parses::<VaultAccessPolicyParameters>(body),
                "Vaults_List" => parses::<PageOf<TrackedResource>>(body),
                other => panic!("{other} {status} has a body but no model"),
            }
        }
        seen.insert(operation);
    }
    for operation in [
        "Vaults_CreateOrUpdate",
        "Vaults_Get",
        "Vaults_Update",
        "Vaults_Delete",
        "Vaults_ListByResourceGroup",
        "Vaults_ListBySubscription",
        "Vaults_GetDeleted",
        "Vaults_ListDeleted",
        "Vaults_PurgeDeleted",
        "Vaults_CheckNameAvailability",
        "Vaults_UpdateAccessPolicy",
        "Vaults_List",
    ] {
        assert!(seen.contains(operation), "no example of {operation}");
    }
}

#[test]
fn the_get_example_is_read_field_by_field() {
    let example: Value = serde_json::from_str(
        &std::fs::read_to_string(examples_dir().join("getVault.json")).unwrap(),
    )
    .unwrap();
    let vault: Vault = serde_json::from_value(example["responses"]["200"]["body"].clone()).unwrap();
    assert_eq!(vault.name, "sample-vault");
    assert_eq!(vault.resource_type, "Microsoft.KeyVault/vaults");
    assert_eq!(vault.properties.sku, crate::Sku::standard());
    let system = vault.system_data.expect("systemData");
    assert_eq!(system.created_at.unwrap().year(), 2020);
    assert_eq!(
        vault.properties.provisioning_state,
        Some(crate::VaultProvisioningState::Succeeded)
    );
}

#[test]
fn unknown_enum_values_are_kept() {
    let policy: crate::AccessPolicyEntry = serde_json::from_value(serde_json::json!({
        "tenantId": "00000000-0000-0000-0000-000000000000",
        "objectId": "o",
        "permissions": {"keys": ["get", "teleport"]}
    }))
    .unwrap();
    let keys = policy.permissions.keys.as_ref().unwrap();
    assert_eq!(keys[0], crate::KeyPermissions::Get);
    assert_eq!(keys[1], crate::KeyPermissions::Other("teleport".into()));
    assert_eq!(
        serde_json::to_value(&policy).unwrap()["permissions"]["keys"][1],
        "teleport"
    );
}

/// Every example file of the Managed HSM pool operations this crate implements.
fn hsm_examples() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(examples_dir()).expect("the RM examples folder") {
        let path = entry.expect("a directory entry").path();
        let text = std::fs::read_to_string(&path).expect("a readable example");
        let example: Value = serde_json::from_str(&text).expect("an example is JSON");
        let mut operation = example["operationId"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        // This example has no operationId; its file name and path say which it is.
        if operation.is_empty()
            && path.file_stem().and_then(|s| s.to_str()) == Some("ManagedHsm_ListByResourceGroup")
        {
            operation = "ManagedHsms_ListByResourceGroup".into();
        }
        if operation.starts_with("ManagedHsms_") {
            out.push((operation, example));
        }
    }
    out
}

#[test]
fn every_managed_hsm_example_parses_and_request_bodies_round_trip() {
    use crate::hsm_models::{
        CheckMhsmNameAvailabilityParameters, DeletedManagedHsm, ManagedHsm,
        ManagedHsmCreateOrUpdateParameters, ManagedHsmPatchParameters,
    };
    let mut seen = std::collections::BTreeSet::new();
    for (operation, example) in hsm_examples() {
        let parameters = &example["parameters"];
        match operation.as_str() {
            "ManagedHsms_CreateOrUpdate" => {
                round_trips::<ManagedHsmCreateOrUpdateParameters>(&parameters["parameters"])
            }
            "ManagedHsms_Update" => {
                round_trips::<ManagedHsmPatchParameters>(&parameters["parameters"])
            }
            "ManagedHsms_CheckMhsmNameAvailability" => {
                round_trips::<CheckMhsmNameAvailabilityParameters>(&parameters["mhsmName"])
            }
            _ => {}
        }
        for (status, response) in example["responses"].as_object().expect("responses") {
            let Some(body) = response.get("body") else {
                continue;
            };
            match operation.as_str() {
                "ManagedHsms_CreateOrUpdate" | "ManagedHsms_Get" | "ManagedHsms_Update" => {
                    parses::<ManagedHsm>(body)
                }
                "ManagedHsms_ListByResourceGroup" | "ManagedHsms_ListBySubscription" => {
                    parses::<PageOf<ManagedHsm>>(body)
                }
                "ManagedHsms_GetDeleted" => parses::<DeletedManagedHsm>(body),
                "ManagedHsms_ListDeleted" => parses::<PageOf<DeletedManagedHsm>>(body),
                "ManagedHsms_CheckMhsmNameAvailability" => {
                    parses::<CheckNameAvailabilityResult>(body)
                }
                other => panic!("{other} {status} has a body but no model"),
            }
        }
        seen.insert(operation);
    }
    for operation in [
        "ManagedHsms_CreateOrUpdate",
        "ManagedHsms_Get",
        "ManagedHsms_Update",
        "ManagedHsms_Delete",
        "ManagedHsms_ListByResourceGroup",
        "ManagedHsms_ListBySubscription",
        "ManagedHsms_GetDeleted",
        "ManagedHsms_ListDeleted",
        "ManagedHsms_PurgeDeleted",
        "ManagedHsms_CheckMhsmNameAvailability",
    ] {
        assert!(seen.contains(operation), "no example of {operation}");
    }
}

#[test]
fn every_secret_example_parses_and_request_bodies_round_trip() {
    use crate::secret_models::{Secret, SecretParameters};
    let mut seen = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(examples_dir()).expect("the RM examples folder") {
        let path = entry.expect("a directory entry").path();
        let example: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let operation = example["operationId"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if !operation.starts_with("Secrets_") {
            continue;
        }
        if matches!(
            operation.as_str(),
            "Secrets_CreateOrUpdate" | "Secrets_Update"
        ) {
            round_trips::<SecretParameters>(&example["parameters"]["parameters"]);
        }
        for response in example["responses"].as_object().unwrap().values() {
            let Some(body) = response.get("body") else {
                continue;
            };
            match operation.as_str() {
                "Secrets_List" => parses::<PageOf<Secret>>(body),
                _ => parses::<Secret>(body),
            }
        }
        seen.insert(operation);
    }
    for operation in [
        "Secrets_CreateOrUpdate",
        "Secrets_Update",
        "Secrets_Get",
        "Secrets_List",
    ] {
        assert!(seen.contains(operation), "no example of {operation}");
    }
}

#[test]
fn a_secret_value_is_sent_but_never_printed() {
    let parameters = crate::SecretParameters {
        properties: crate::SecretProperties {
            value: Some("hunter2".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    assert!(!format!("{parameters:?}").contains("hunter2"));
    assert_eq!(
        serde_json::to_value(&parameters).unwrap()["properties"]["value"],
        "hunter2"
    );
}

#[test]
fn every_key_example_parses_and_request_bodies_round_trip() {
    use crate::key_models::{Key, KeyCreateParameters};
    let mut seen = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(examples_dir()).expect("the RM examples folder") {
        let path = entry.expect("a directory entry").path();
        let example: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let mut operation = example["operationId"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        // This example has no operationId; its file name says which it is.
        if operation.is_empty() && path.file_stem().and_then(|s| s.to_str()) == Some("listKeys") {
            operation = "Keys_List".into();
        }
        if !operation.starts_with("Keys_") && !operation.starts_with("ManagedHsmKeys_") {
            continue;
        }
        if operation.ends_with("Keys_CreateIfNotExist") {
            round_trips::<KeyCreateParameters>(&example["parameters"]["parameters"]);
        }
        for (status, response) in example["responses"].as_object().unwrap() {
            let Some(body) = response.get("body").filter(|_| status != "default") else {
                continue;
            };
            if operation.ends_with("_List") || operation.ends_with("_ListVersions") {
                parses::<PageOf<Key>>(body)
            } else {
                parses::<Key>(body)
            }
        }
        seen.insert(operation);
    }
    for operation in [
        "Keys_CreateIfNotExist",
        "Keys_Get",
        "Keys_GetVersion",
        "Keys_List",
        "Keys_ListVersions",
        "ManagedHsmKeys_CreateIfNotExist",
        "ManagedHsmKeys_Get",
        "ManagedHsmKeys_GetVersion",
        "ManagedHsmKeys_List",
        "ManagedHsmKeys_ListVersions",
    ] {
        assert!(seen.contains(operation), "no example of {operation}");
    }
}

fn example(file: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(examples_dir().join(file)).unwrap()).unwrap()
}

#[test]
fn the_generic_list_example_is_read_field_by_field() {
    let body = &example("listVault.json")["responses"]["200"]["body"];
    let page: PageOf<TrackedResource> = serde_json::from_value(body.clone()).unwrap();
    let vault = &page.value[0];
    assert_eq!(vault.name, "sample-vault");
    assert_eq!(vault.resource_type, "Microsoft.KeyVault/vaults");
    assert_eq!(vault.location, "westus");
    assert!(vault.tags.is_empty());
    assert!(vault.id.ends_with(
        "/resourceGroups/sample-group/providers/Microsoft.KeyVault/vaults/sample-vault"
    ));
    assert!(page.next_link.unwrap().contains("/resources?"));
}

/// The spec pins `Vaults_List` to the generic resource list's own API version and one filter;
/// the example files say otherwise (they carry the provider's version), the definition rules.
#[test]
fn vaults_list_uses_the_api_version_and_filter_the_spec_defines() {
    let spec: Value = serde_json::from_str(
        &std::fs::read_to_string(examples_dir().join("../openapi.json")).unwrap(),
    )
    .unwrap();
    let get = &spec["paths"]["/subscriptions/{subscriptionId}/resources"]["get"];
    assert_eq!(get["operationId"], "Vaults_List");
    let parameter = |name: &str| {
        get["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("no {name} parameter"))
            .clone()
    };
    assert_eq!(
        parameter("api-version")["enum"],
        serde_json::json!([crate::RESOURCES_API_VERSION])
    );
    assert_eq!(
        parameter("$filter")["enum"],
        serde_json::json!([crate::client::VAULTS_FILTER])
    );
    assert_eq!(parameter("$top")["type"], "integer");
}

#[test]
fn the_operations_example_parses_field_by_field() {
    let example = example("listOperations.json");
    assert_eq!(example["operationId"], "Operations_List");
    let body = &example["responses"]["200"]["body"];
    let page: PageOf<crate::Operation> = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(page.value.len(), body["value"].as_array().unwrap().len());
    let write = page
        .value
        .iter()
        .find(|o| o.name == "Microsoft.KeyVault/vaults/write")
        .unwrap();
    let display = write.display.as_ref().unwrap();
    assert_eq!(display.resource.as_deref(), Some("Key Vault"));
    assert_eq!(display.operation.as_deref(), Some("Update Key Vault"));
    assert!(display
        .description
        .as_deref()
        .unwrap()
        .starts_with("Create a new key vault"));
    assert_eq!(write.is_data_action, Some(false));
    assert_eq!(write.origin, None);
    let logs = page
        .value
        .iter()
        .find(|o| o.name.ends_with("/logDefinitions/read"))
        .unwrap();
    assert_eq!(logs.origin.as_deref(), Some("system"));
    let spec = logs
        .properties
        .as_ref()
        .and_then(|p| p.service_specification.as_ref())
        .unwrap();
    assert_eq!(
        spec.log_specifications[0].name.as_deref(),
        Some("AuditEvent")
    );
    assert_eq!(
        spec.log_specifications[0].display_name.as_deref(),
        Some("Audit Logs")
    );
    let metric = &spec.metric_specifications[0];
    assert_eq!(metric.name.as_deref(), Some("ServiceApiHit"));
    assert_eq!(metric.internal_metric_name.as_deref(), Some("AuditEvent"));
    assert_eq!(metric.fill_gap_with_zero, Some(false));
    assert_eq!(metric.supported_aggregation_types, [""]);
    assert_eq!(metric.dimensions.len(), 2);
    assert_eq!(metric.dimensions[1].name.as_deref(), Some("ActivityName"));
    assert_eq!(metric.dimensions[1].to_be_exported_for_shoebox, Some(true));
    // An empty serviceSpecification is read as empty lists.
    let metrics = page
        .value
        .iter()
        .find(|o| o.name.ends_with("/metricDefinitions/read"))
        .unwrap();
    let empty = metrics
        .properties
        .as_ref()
        .unwrap()
        .service_specification
        .as_ref()
        .unwrap();
    assert!(empty.log_specifications.is_empty() && empty.metric_specifications.is_empty());
}

/// Every example of the private link operations: connections of vaults and pools, private link
/// resources and pool regions.
#[test]
fn every_private_link_example_parses_and_request_bodies_round_trip() {
    use crate::hsm_models::MhsmGeoReplicatedRegion;
    use crate::private_link_models::{
        MhsmPrivateEndpointConnection, MhsmPrivateLinkResource, PrivateEndpointConnection,
        PrivateEndpointConnectionParameters, PrivateLinkResource,
    };
    let mut seen = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(examples_dir()).expect("the RM examples folder") {
        let path = entry.expect("a directory entry").path();
        let example: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let operation = example["operationId"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let ours = [
            "PrivateEndpointConnections_",
            "MHSMPrivateEndpointConnections_",
            "PrivateLinkResources_",
            "MHSMPrivateLinkResources_",
            "MHSMRegions_",
        ];
        if !ours.iter().any(|p| operation.starts_with(p)) {
            continue;
        }
        if operation.ends_with("PrivateEndpointConnections_Put") {
            round_trips::<PrivateEndpointConnectionParameters>(
                &example["parameters"]["properties"],
            );
        }
        for (status, response) in example["responses"].as_object().unwrap() {
            let Some(body) = response.get("body") else {
                continue;
            };
            match operation.as_str() {
                "PrivateEndpointConnections_Get"
                | "PrivateEndpointConnections_Put"
                | "PrivateEndpointConnections_Delete" => parses::<PrivateEndpointConnection>(body),
                "PrivateEndpointConnections_ListByResource" => {
                    parses::<PageOf<PrivateEndpointConnection>>(body)
                }
                "MHSMPrivateEndpointConnections_Get"
                | "MHSMPrivateEndpointConnections_Put"
                | "MHSMPrivateEndpointConnections_Delete" => {
                    parses::<MhsmPrivateEndpointConnection>(body)
                }
                "MHSMPrivateEndpointConnections_ListByResource" => {
                    parses::<PageOf<MhsmPrivateEndpointConnection>>(body)
                }
                "PrivateLinkResources_ListByVault" => parses::<PageOf<PrivateLinkResource>>(body),
                "MHSMPrivateLinkResources_ListByMHSMResource" => {
                    parses::<PageOf<MhsmPrivateLinkResource>>(body)
                }
                "MHSMRegions_ListByResource" => parses::<PageOf<MhsmGeoReplicatedRegion>>(body),
                other => panic!("{other} {status} has a body but no model"),
            }
        }
        seen.insert(operation);
    }
    for operation in [
        "PrivateEndpointConnections_ListByResource",
        "PrivateEndpointConnections_Get",
        "PrivateEndpointConnections_Put",
        "PrivateEndpointConnections_Delete",
        "MHSMPrivateEndpointConnections_ListByResource",
        "MHSMPrivateEndpointConnections_Get",
        "MHSMPrivateEndpointConnections_Put",
        "MHSMPrivateEndpointConnections_Delete",
        "PrivateLinkResources_ListByVault",
        "MHSMPrivateLinkResources_ListByMHSMResource",
        "MHSMRegions_ListByResource",
    ] {
        assert!(seen.contains(operation), "no example of {operation}");
    }
}

#[test]
fn the_private_endpoint_connection_examples_are_read_field_by_field() {
    use crate::{
        ActionsRequired, PrivateEndpointConnection, PrivateEndpointConnectionProvisioningState,
        PrivateEndpointServiceConnectionStatus,
    };
    let body = &example("getPrivateEndpointConnection.json")["responses"]["200"]["body"];
    let connection: PrivateEndpointConnection = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(connection.name, "sample-pec");
    assert_eq!(
        connection.resource_type,
        "Microsoft.KeyVault/vaults/privateEndpointConnections"
    );
    assert_eq!(connection.etag.as_deref(), Some(""));
    let properties = &connection.properties;
    assert!(properties
        .private_endpoint
        .as_ref()
        .and_then(|p| p.id.as_deref())
        .unwrap()
        .ends_with("/privateEndpoints/sample-pe"));
    let state = properties
        .private_link_service_connection_state
        .as_ref()
        .unwrap();
    assert_eq!(
        state.status,
        Some(PrivateEndpointServiceConnectionStatus::Approved)
    );
    assert_eq!(state.actions_required, Some(ActionsRequired::None));
    assert_eq!(
        properties.provisioning_state,
        Some(PrivateEndpointConnectionProvisioningState::Succeeded)
    );
    // The delete's final state carries no connection state, only `Disconnected`.
    let body = &example("deletePrivateEndpointConnection.json")["responses"]["200"]["body"];
    let gone: PrivateEndpointConnection = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(
        gone.properties.provisioning_state,
        Some(PrivateEndpointConnectionProvisioningState::Disconnected)
    );
    assert_eq!(gone.etag, None);

    let body = &example("ManagedHsm_listPrivateLinkResources.json")["responses"]["200"]["body"];
    let page: PageOf<crate::MhsmPrivateLinkResource> =
        serde_json::from_value(body.clone()).unwrap();
    let resource = &page.value[0];
    assert_eq!(resource.name, "managedhsm");
    assert_eq!(resource.properties.required_members, ["default"]);
    assert_eq!(
        resource.properties.required_zone_names,
        ["privatelink.managedhsm.azure.net"]
    );

    let body = &example("ManagedHsm_ListRegionsByResource.json")["responses"]["200"]["body"];
    let page: PageOf<crate::MhsmGeoReplicatedRegion> =
        serde_json::from_value(body.clone()).unwrap();
    assert_eq!(page.value.len(), 2);
    assert_eq!(page.value[0].name.as_deref(), Some("sample-region1"));
    assert_eq!(page.value[0].is_primary, Some(true));
    assert_eq!(page.next_link, None);
}

#[test]
fn an_unknown_connection_status_is_kept() {
    let state: crate::PrivateLinkServiceConnectionState = serde_json::from_value(
        serde_json::json!({"status": "Paused", "actionsRequired": "Recreate"}),
    )
    .unwrap();
    assert_eq!(
        state.status,
        Some(crate::PrivateEndpointServiceConnectionStatus::Other(
            "Paused".into()
        ))
    );
    assert_eq!(
        serde_json::to_value(&state).unwrap(),
        serde_json::json!({"status": "Paused", "actionsRequired": "Recreate"})
    );
}

/// The spec has no example of the perimeter configurations; their schema is ARM's common
/// `networksecurityperimeter.json` (v5), whose shape this body follows.
#[test]
fn a_network_security_perimeter_configuration_parses() {
    let body = serde_json::json!({
        "id": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/v/networkSecurityPerimeterConfigurations/cfg.assoc",
        "name": "cfg.assoc",
        "type": "Microsoft.KeyVault/vaults/networkSecurityPerimeterConfigurations",
        "properties": {
            "provisioningState": "Succeeded",
            "provisioningIssues": [{
                "name": "issue",
                "properties": {
                    "issueType": "MissingPerimeterConfiguration",
                    "severity": "Warning",
                    "description": "d",
                    "suggestedResourceIds": ["/x"],
                    "suggestedAccessRules": [{"name": "r", "properties": {"direction": "Inbound", "addressPrefixes": ["10.0.0.0/8"]}}]
                }
            }],
            "networkSecurityPerimeter": {"id": "/nsp", "perimeterGuid": "g", "location": "westus"},
            "resourceAssociation": {"name": "assoc", "accessMode": "Learning"},
            "profile": {
                "name": "default",
                "accessRulesVersion": 3,
                "accessRules": [{"name": "in", "properties": {
                    "direction": "Inbound",
                    "subscriptions": [{"id": "/subscriptions/s"}],
                    "fullyQualifiedDomainNames": ["contoso.com"],
                    "emailAddresses": [], "phoneNumbers": [],
                    "networkSecurityPerimeters": [{"id": "/other"}]
                }}],
                "diagnosticSettingsVersion": 1,
                "enabledLogCategories": ["NspPublicInboundPerimeterRulesAllowed"]
            }
        }
    });
    let configuration: crate::NetworkSecurityPerimeterConfiguration =
        serde_json::from_value(body).unwrap();
    let properties = &configuration.properties;
    assert_eq!(
        properties
            .resource_association
            .as_ref()
            .unwrap()
            .access_mode,
        Some(crate::ResourceAssociationAccessMode::Learning)
    );
    let issue = properties.provisioning_issues[0]
        .properties
        .as_ref()
        .unwrap();
    assert_eq!(
        issue.issue_type,
        Some(crate::IssueType::MissingPerimeterConfiguration)
    );
    assert_eq!(issue.severity, Some(crate::Severity::Warning));
    let profile = properties.profile.as_ref().unwrap();
    assert_eq!(profile.access_rules_version, Some(3));
    let rule = profile.access_rules[0].properties.as_ref().unwrap();
    assert_eq!(rule.direction, Some(crate::AccessRuleDirection::Inbound));
    assert_eq!(
        rule.subscriptions[0].id.as_deref(),
        Some("/subscriptions/s")
    );
}
