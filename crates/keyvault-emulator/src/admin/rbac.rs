//! Local RBAC of a Managed HSM: `{scope}/providers/Microsoft.Authorization/roleDefinitions` and
//! `.../roleAssignments`, with the built-in roles of the service.

use hyper::Method;
use serde::Deserialize;
use serde_json::{json, Value};

use super::HsmAdmin;
use crate::errors::ServiceError;
use crate::http::paging::PageRequest;
use crate::http::{method_not_allowed, not_found, Ctx, Reply, Req};
pub(crate) use crate::storage::admin::{RoleAssignment, RoleDefinition};

/// The name of the Managed HSM Administrator role.
pub(crate) const ADMINISTRATOR: &str = "a290e904-7015-4bba-90c8-60543313cdb4";
/// Managed HSM Crypto Officer.
pub(crate) const CRYPTO_OFFICER: &str = "515eb02d-2335-4d2d-92f2-b1cbdf9c3778";
/// Managed HSM Crypto User.
pub(crate) const CRYPTO_USER: &str = "21dbd100-6940-42c2-9190-5d6cb909625b";

pub(crate) const PREFIX: &str = "Microsoft.KeyVault/managedHsm/";

/// The built-in roles: names, display names and data actions as the service lists them.
const BUILT_IN: &[(&str, &str, &[&str])] = &[
    (
        "7b127d3c-77bd-4e3e-bbe0-dbb8971fa7f8",
        "Managed HSM Backup User",
        &[
            "backup/start/action",
            "backup/status/action",
            "keys/backup/action",
        ],
    ),
    (
        "33413926-3206-4cdd-b39a-83574fe37a17",
        "Managed HSM Crypto Service Encryption User",
        &["keys/read/action", "keys/wrap/action", "keys/unwrap/action"],
    ),
    (
        "21dbd100-6940-42c2-9190-5d6cb909625c",
        "Managed HSM Crypto Service Release User",
        &["keys/release/action"],
    ),
    (
        "2c18b078-7c48-4d3a-af88-5a3a1b3f82b3",
        "Managed HSM Crypto Auditor",
        &[
            "roleAssignments/read/action",
            "roleDefinitions/read/action",
            "keys/read/action",
            "keys/deletedKeys/read/action",
        ],
    ),
    (
        "4bd23610-cdcf-4971-bdee-bdc562cc28e4",
        "Managed HSM Policy Administrator",
        &[
            "roleDefinitions/read/action",
            "roleDefinitions/write/action",
            "roleDefinitions/delete/action",
            "roleAssignments/read/action",
            "roleAssignments/write/action",
            "roleAssignments/delete/action",
        ],
    ),
    (
        CRYPTO_USER,
        "Managed HSM Crypto User",
        &[
            "roleDefinitions/read/action",
            "roleAssignments/read/action",
            "keys/read/action",
            "keys/write/action",
            "keys/delete",
            "keys/create",
            "keys/import/action",
            "keys/release/action",
            "keys/backup/action",
            "keys/restore/action",
            "keys/encrypt/action",
            "keys/decrypt/action",
            "keys/wrap/action",
            "keys/unwrap/action",
            "keys/sign/action",
            "keys/verify/action",
            "rng/action",
        ],
    ),
    (
        CRYPTO_OFFICER,
        "Managed HSM Crypto Officer",
        &[
            "roleAssignments/delete/action",
            "roleAssignments/read/action",
            "roleAssignments/write/action",
            "roleDefinitions/read/action",
            "roleDefinitions/write/action",
            "roleDefinitions/delete/action",
            "keys/deletedKeys/read/action",
            "keys/deletedKeys/delete",
            "keys/deletedKeys/recover/action",
            "keys/export/action",
        ],
    ),
    (
        ADMINISTRATOR,
        "Managed HSM Administrator",
        &[
            "roleAssignments/delete/action",
            "roleAssignments/read/action",
            "roleAssignments/write/action",
            "roleDefinitions/read/action",
            "roleDefinitions/write/action",
            "roleDefinitions/delete/action",
            "securitydomain/download/action",
            "securitydomain/download/read",
            "securitydomain/upload/action",
            "securitydomain/upload/read",
            "securitydomain/transferkey/read",
            "backup/start/action",
            "restore/start/action",
            "backup/status/action",
            "restore/status/action",
        ],
    ),
    (
        "6efe6056-5259-49d2-8b3d-d3d73544b20b",
        "Managed HSM Restore User",
        &[
            "restore/start/action",
            "restore/status/action",
            "keys/restore/action",
        ],
    ),
    (
        // Manages the External Key Manager connection. The 2026-04-01 spec's `DataAction` names
        // no EKM action, so the role is listed without data actions (the emulator's EKM
        // operations, like the service's settings, take any valid token).
        "abdd7ec4-a273-4265-bf38-e001014e2d8e",
        "Managed HSM EKM Administrator",
        &[],
    ),
];

/// Every data action the service knows (the spec's `DataAction`).
const DATA_ACTIONS: &[&str] = &[
    "keys/read/action",
    "keys/write/action",
    "keys/deletedKeys/read/action",
    "keys/deletedKeys/recover/action",
    "keys/backup/action",
    "keys/restore/action",
    "roleAssignments/delete/action",
    "roleAssignments/read/action",
    "roleAssignments/write/action",
    "roleDefinitions/read/action",
    "roleDefinitions/write/action",
    "roleDefinitions/delete/action",
    "keys/encrypt/action",
    "keys/decrypt/action",
    "keys/wrap/action",
    "keys/unwrap/action",
    "keys/sign/action",
    "keys/verify/action",
    "keys/create",
    "keys/delete",
    "keys/export/action",
    "keys/release/action",
    "keys/import/action",
    "keys/deletedKeys/delete",
    "securitydomain/download/action",
    "securitydomain/download/read",
    "securitydomain/upload/action",
    "securitydomain/upload/read",
    "securitydomain/transferkey/read",
    "backup/start/action",
    "restore/start/action",
    "backup/status/action",
    "restore/status/action",
    "rng/action",
];

impl RoleDefinition {
    fn json(&self) -> Value {
        json!({
            "id": definition_id(&self.name),
            "name": self.name,
            "type": "Microsoft.Authorization/roleDefinitions",
            "properties": {
                "assignableScopes": self.assignable_scopes,
                "description": self.description,
                "permissions": self.permissions,
                "roleName": self.role_name,
                "type": if self.built_in { "AKVBuiltInRole" } else { "CustomRole" },
            },
        })
    }
}

impl RoleAssignment {
    fn json(&self) -> Value {
        json!({
            "id": format!("{}/providers/Microsoft.Authorization/roleAssignments/{}", prefix(&self.scope), self.name),
            "name": self.name,
            "type": "Microsoft.Authorization/roleAssignments",
            "properties": {
                "scope": self.scope,
                "roleDefinitionId": self.role_definition_id,
                "principalId": self.principal_id,
            },
        })
    }
}

/// The id of a role definition, as the service writes it.
pub(crate) fn definition_id(name: &str) -> String {
    format!("Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/{name}")
}

/// The path before `/providers`: empty for `/`.
fn prefix(scope: &str) -> &str {
    if scope == "/" {
        ""
    } else {
        scope
    }
}

/// The built-in roles of a new Managed HSM.
pub(crate) fn built_in_definitions() -> Vec<RoleDefinition> {
    BUILT_IN
        .iter()
        .map(|(name, role_name, actions)| RoleDefinition {
            name: (*name).to_string(),
            role_name: (*role_name).to_string(),
            description: String::new(),
            built_in: true,
            permissions: json!([{
                "actions": [],
                "dataActions": actions.iter().map(|a| format!("{PREFIX}{a}")).collect::<Vec<_>>(),
                "notActions": [],
                "notDataActions": [],
            }]),
            assignable_scopes: vec!["/".into()],
        })
        .collect()
}

/// Whether `name` is a GUID in its usual 8-4-4-4-12 form.
fn is_guid(name: &str) -> bool {
    name.len() == 36
        && uuid::Uuid::parse_str(name).is_ok()
        && name
            .char_indices()
            .all(|(i, c)| matches!(i, 8 | 13 | 18 | 23) == (c == '-'))
}

/// The scope the path segments before `/providers` name: `/`, `/keys` or `/keys/{name}`.
fn parse_scope(segments: &[&str]) -> Result<String, ServiceError> {
    let valid_key = |n: &str| {
        !n.is_empty() && n.len() <= 127 && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    match segments {
        [] => Ok("/".into()),
        [keys] if keys.eq_ignore_ascii_case("keys") => Ok("/keys".into()),
        [keys, name] if keys.eq_ignore_ascii_case("keys") && valid_key(name) => {
            Ok(format!("/keys/{name}"))
        }
        _ => Err(ServiceError::bad_parameter(format!(
            "The scope '/{}' is not valid. Valid scopes are '/', '/keys' and '/keys/{{keyName}}'.",
            segments.join("/")
        ))),
    }
}

/// Whether `outer` is `inner` or one of its ancestors (`/` contains every scope).
pub(crate) fn contains(outer: &str, inner: &str) -> bool {
    let outer = outer.trim_end_matches('/').to_ascii_lowercase();
    let inner = inner.trim_end_matches('/').to_ascii_lowercase();
    outer.is_empty() || inner == outer || inner.starts_with(&format!("{outer}/"))
}

/// A value of a simple `$filter`, `field eq 'value'`.
fn filter_value(filter: Option<&str>, field: &str) -> Option<String> {
    let filter = filter?;
    let lower = filter.to_ascii_lowercase();
    let at = lower.find(&format!("{} eq ", field.to_ascii_lowercase()))?;
    let rest = filter[at + field.len() + 4..].trim_start();
    let rest = rest.strip_prefix('\'')?;
    rest.split('\'').next().map(str::to_string)
}

pub(crate) fn handle(
    ctx: &Ctx<'_>,
    admin: &mut HsmAdmin,
    req: &Req,
    scope: &[&str],
    collection: &str,
    name: Option<&str>,
) -> Result<Reply, ServiceError> {
    let scope = parse_scope(scope)?;
    let definitions = collection.eq_ignore_ascii_case("roleDefinitions");
    match (definitions, name, &req.method) {
        (true, None, &Method::GET) => list_definitions(ctx, admin, req, &scope),
        (true, Some(name), &Method::GET) => {
            super::require(ctx, "7.3")?;
            get_definition(admin, name).map(|d| Reply::json(200, &d.json()))
        }
        (true, Some(name), &Method::PUT) => {
            super::require(ctx, "7.3")?;
            put_definition(admin, req, &scope, name)
        }
        (true, Some(name), &Method::DELETE) => {
            super::require(ctx, "7.3")?;
            delete_definition(admin, name)
        }
        (false, None, &Method::GET) => list_assignments(ctx, admin, req, &scope),
        (false, Some(name), &Method::GET) => {
            get_assignment(admin, &scope, name).map(|a| Reply::json(200, &a.json()))
        }
        (false, Some(name), &Method::PUT) => put_assignment(admin, req, &scope, name),
        (false, Some(name), &Method::DELETE) => {
            let a = get_assignment(admin, &scope, name)?;
            admin.assignments.remove(&a.name.to_ascii_lowercase());
            Ok(Reply::json(200, &a.json()))
        }
        (_, None, _) => Err(method_not_allowed(req)),
        (_, Some(_), _) if [Method::PATCH, Method::POST].contains(&req.method) => {
            Err(method_not_allowed(req))
        }
        _ => Err(not_found(req)),
    }
}

fn page(
    ctx: &Ctx<'_>,
    req: &Req,
    scope: &str,
    collection: &str,
    items: Vec<(String, Value)>,
) -> Result<Reply, ServiceError> {
    let paging = PageRequest::parse(req.query("maxresults"), req.query("$skiptoken"))?;
    let (value, next) = paging.page(items);
    let path = format!(
        "{}/providers/Microsoft.Authorization/{collection}",
        prefix(scope)
    );
    let next_link = next.map(|m| paging.next_link(&ctx.base, &path, &ctx.api.value, &m));
    Ok(Reply::json(
        200,
        &json!({ "value": value, "nextLink": next_link }),
    ))
}

fn list_definitions(
    ctx: &Ctx<'_>,
    admin: &HsmAdmin,
    req: &Req,
    scope: &str,
) -> Result<Reply, ServiceError> {
    let role_name = filter_value(req.query("$filter"), "roleName");
    let items = admin
        .definitions
        .iter()
        .filter(|(_, d)| d.assignable_scopes.iter().any(|s| contains(s, scope)))
        .filter(|(_, d)| {
            role_name
                .as_ref()
                .is_none_or(|r| d.role_name.eq_ignore_ascii_case(r))
        })
        .map(|(k, d)| (k.clone(), d.json()))
        .collect();
    page(ctx, req, scope, "roleDefinitions", items)
}

fn definition_not_found(name: &str) -> ServiceError {
    ServiceError::new(
        404,
        "RoleDefinitionNotFound",
        format!("Requested role definition '{name}' was not found."),
    )
}

fn get_definition<'a>(admin: &'a HsmAdmin, name: &str) -> Result<&'a RoleDefinition, ServiceError> {
    admin
        .definitions
        .get(&name.to_ascii_lowercase())
        .ok_or_else(|| definition_not_found(name))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DefinitionProperties {
    role_name: Option<String>,
    description: Option<String>,
    #[serde(rename = "type")]
    role_type: Option<String>,
    permissions: Option<Vec<Permission>>,
    assignable_scopes: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Permission {
    actions: Option<Vec<String>>,
    not_actions: Option<Vec<String>>,
    data_actions: Option<Vec<String>>,
    not_data_actions: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct DefinitionBody {
    properties: Option<DefinitionProperties>,
}

fn activity_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn put_definition(
    admin: &mut HsmAdmin,
    req: &Req,
    _scope: &str,
    name: &str,
) -> Result<Reply, ServiceError> {
    if !is_guid(name) {
        return Err(ServiceError::bad_parameter(format!(
            "The role definition name '{name}' is not a valid GUID."
        )));
    }
    let key = name.to_ascii_lowercase();
    if admin.definitions.get(&key).is_some_and(|d| d.built_in) {
        return Err(ServiceError::bad_parameter(format!(
            "Cannot re-use the name/GUID matching that of a built-in role. Please use a unique role ID. (Activity ID: {})",
            activity_id()
        )));
    }
    let body: DefinitionBody = req.json()?;
    let Some(props) = body.properties else {
        return Err(ServiceError::bad_parameter(
            "The request body must contain the property 'properties'.",
        ));
    };
    if let Some(t) = &props.role_type {
        if t != "CustomRole" {
            return Err(ServiceError::bad_parameter(format!(
                "The role type '{t}' is not valid: only 'CustomRole' can be created."
            )));
        }
    }
    let mut permissions = Vec::new();
    for p in props.permissions.iter().flatten() {
        let mut entry = serde_json::Map::new();
        for (field, actions) in [("actions", &p.actions), ("notActions", &p.not_actions)] {
            if let Some(actions) = actions {
                entry.insert(field.into(), json!(actions));
            }
        }
        for (field, actions) in [
            ("dataActions", &p.data_actions),
            ("notDataActions", &p.not_data_actions),
        ] {
            if let Some(actions) = actions {
                for a in actions {
                    let known = a
                        .strip_prefix(PREFIX)
                        .is_some_and(|rest| DATA_ACTIONS.contains(&rest));
                    if !known {
                        return Err(ServiceError::bad_parameter(format!(
                            "The data action '{a}' is not valid."
                        )));
                    }
                }
                entry.insert(field.into(), json!(actions));
            }
        }
        permissions.push(Value::Object(entry));
    }
    let scopes = match props.assignable_scopes {
        Some(scopes) => {
            for s in &scopes {
                let segments: Vec<&str> = s.split('/').filter(|x| !x.is_empty()).collect();
                parse_scope(&segments)?;
            }
            scopes
        }
        None => vec!["/".to_string()],
    };
    let existing = admin.definitions.get(&key).cloned();
    let role_name = match (props.role_name, &existing) {
        (Some(n), _) if !n.trim().is_empty() => n,
        (None, Some(e)) => e.role_name.clone(),
        _ => {
            return Err(ServiceError::bad_parameter(
                "The role definition must have a non-empty 'roleName'.",
            ))
        }
    };
    let definition = RoleDefinition {
        name: name.to_string(),
        role_name,
        description: props
            .description
            .or_else(|| existing.as_ref().map(|e| e.description.clone()))
            .unwrap_or_default(),
        built_in: false,
        permissions: if props.permissions.is_some() || existing.is_none() {
            Value::Array(permissions)
        } else {
            existing
                .as_ref()
                .map(|e| e.permissions.clone())
                .unwrap_or_else(|| json!([]))
        },
        assignable_scopes: scopes,
    };
    let reply = Reply::json(201, &definition.json());
    admin.definitions.insert(key, definition);
    Ok(reply)
}

fn delete_definition(admin: &mut HsmAdmin, name: &str) -> Result<Reply, ServiceError> {
    let definition = get_definition(admin, name)?.clone();
    if definition.built_in {
        return Err(ServiceError::bad_parameter(format!(
            "The built-in role definition '{name}' cannot be deleted."
        )));
    }
    let id = definition_id(&definition.name).to_ascii_lowercase();
    if admin.assignments.values().any(|a| {
        a.role_definition_id
            .to_ascii_lowercase()
            .ends_with(&definition.name.to_ascii_lowercase())
            || a.role_definition_id.to_ascii_lowercase() == id
    }) {
        return Err(ServiceError::new(
            409,
            "RoleDefinitionHasAssignments",
            format!("The role definition '{name}' cannot be deleted because it is used in role assignments."),
        ));
    }
    admin.definitions.remove(&name.to_ascii_lowercase());
    Ok(Reply::json(200, &definition.json()))
}

fn list_assignments(
    ctx: &Ctx<'_>,
    admin: &HsmAdmin,
    req: &Req,
    scope: &str,
) -> Result<Reply, ServiceError> {
    let filter = req.query("$filter");
    let principal = filter_value(filter, "principalId");
    let at_scope = filter.is_some_and(|f| f.to_ascii_lowercase().contains("atscope()"));
    let items = admin
        .assignments
        .iter()
        .filter(|(_, a)| {
            if at_scope {
                contains(&a.scope, scope)
            } else {
                contains(&a.scope, scope) || contains(scope, &a.scope)
            }
        })
        .filter(|(_, a)| {
            principal
                .as_ref()
                .is_none_or(|p| a.principal_id.eq_ignore_ascii_case(p))
        })
        .map(|(k, a)| (k.clone(), a.json()))
        .collect();
    page(ctx, req, scope, "roleAssignments", items)
}

fn assignment_not_found(name: &str) -> ServiceError {
    ServiceError::new(
        404,
        "RoleAssignmentNotFound",
        format!("Requested role assignment '{name}' was not found."),
    )
}

fn get_assignment(
    admin: &HsmAdmin,
    scope: &str,
    name: &str,
) -> Result<RoleAssignment, ServiceError> {
    admin
        .assignments
        .get(&name.to_ascii_lowercase())
        .filter(|a| a.scope.eq_ignore_ascii_case(scope))
        .cloned()
        .ok_or_else(|| assignment_not_found(name))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AssignmentProperties {
    role_definition_id: Option<String>,
    principal_id: Option<String>,
}

#[derive(Deserialize)]
struct AssignmentBody {
    properties: Option<AssignmentProperties>,
}

fn put_assignment(
    admin: &mut HsmAdmin,
    req: &Req,
    scope: &str,
    name: &str,
) -> Result<Reply, ServiceError> {
    if !is_guid(name) {
        return Err(ServiceError::bad_parameter(format!(
            "The role assignment name '{name}' is not a valid GUID."
        )));
    }
    let body: AssignmentBody = req.json()?;
    let props = body.properties.ok_or_else(|| {
        ServiceError::bad_parameter("The request body must contain the property 'properties'.")
    })?;
    let (Some(definition_id), Some(principal_id)) = (
        props.role_definition_id.filter(|s| !s.trim().is_empty()),
        props.principal_id.filter(|s| !s.trim().is_empty()),
    ) else {
        return Err(ServiceError::bad_parameter(
            "The role assignment must have a 'roleDefinitionId' and a 'principalId'.",
        ));
    };
    let definition_name = definition_id
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let definition = admin.definitions.get(&definition_name).ok_or_else(|| {
        ServiceError::bad_parameter(format!(
            "The role definition '{definition_id}' does not exist."
        ))
    })?;
    if !definition
        .assignable_scopes
        .iter()
        .any(|s| contains(s, scope))
    {
        return Err(ServiceError::bad_parameter(format!(
            "The role definition '{definition_id}' cannot be assigned at scope '{scope}'."
        )));
    }
    let key = name.to_ascii_lowercase();
    if admin.assignments.contains_key(&key) {
        return Err(ServiceError::new(
            409,
            "RoleAssignmentExists",
            format!("The role assignment '{name}' already exists."),
        ));
    }
    let assignment = RoleAssignment {
        name: name.to_string(),
        scope: scope.to_string(),
        role_definition_id: definition_id,
        principal_id,
    };
    let reply = Reply::json(201, &assignment.json());
    admin.assignments.insert(key, assignment);
    Ok(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_and_filters() {
        assert_eq!(parse_scope(&[]).unwrap(), "/");
        assert_eq!(parse_scope(&["Keys"]).unwrap(), "/keys");
        assert_eq!(parse_scope(&["keys", "k1"]).unwrap(), "/keys/k1");
        assert!(parse_scope(&["secrets"]).is_err());
        assert!(contains("/", "/keys/k"));
        assert!(contains("/keys", "/keys/k"));
        assert!(!contains("/keys/k", "/keys"));
        assert!(!contains("/keys/a", "/keys/ab"));
        assert_eq!(
            filter_value(Some("principalId eq 'abc'"), "principalId").as_deref(),
            Some("abc")
        );
        assert_eq!(filter_value(Some("atScope()"), "principalId"), None);
        assert!(is_guid(ADMINISTRATOR));
        assert!(!is_guid("roleAssignmentName"));
    }

    #[test]
    fn built_in_roles_use_known_data_actions() {
        let roles = built_in_definitions();
        assert_eq!(roles.len(), 10);
        // The service's display names (the JavaScript SDK's recordings list them so).
        let names: Vec<&str> = roles.iter().map(|r| r.role_name.as_str()).collect();
        for name in [
            "Managed HSM Backup User",
            "Managed HSM Restore User",
            "Managed HSM EKM Administrator",
        ] {
            assert!(names.contains(&name), "{name} in {names:?}");
        }
        for role in roles {
            for action in role.permissions[0]["dataActions"].as_array().unwrap() {
                let rest = action.as_str().unwrap().strip_prefix(PREFIX).unwrap();
                assert!(DATA_ACTIONS.contains(&rest), "{rest}");
            }
        }
    }
}
