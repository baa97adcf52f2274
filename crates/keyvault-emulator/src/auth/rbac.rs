//! Managed HSM local RBAC: a request needs the data action its operation names, granted by a
//! role assignment of the caller at a scope that covers the request (`/`, `/keys`,
//! `/keys/{name}`) whose role definition lists it in `dataActions` and not in
//! `notDataActions`. Settings and the EKM connection have no data action in the spec and stay
//! open to any valid token.

use crate::admin::rbac::{contains, PREFIX};
use crate::admin::HsmAdmin;
use crate::errors::ServiceError;
use crate::storage::state::State;
use hyper::Method;
use serde_json::Value;

/// The data action (without `Microsoft.KeyVault/managedHsm/`) and the scope a request needs;
/// `None` for what no data action governs.
pub(crate) fn required(method: &Method, segments: &[&str]) -> Option<(&'static str, String)> {
    let lower: Vec<String> = segments.iter().map(|s| s.to_ascii_lowercase()).collect();
    let s: Vec<&str> = lower.iter().map(String::as_str).collect();
    let (get, post, put, patch, delete) = (
        method == Method::GET,
        method == Method::POST,
        method == Method::PUT,
        method == Method::PATCH,
        method == Method::DELETE,
    );
    let root = || "/".to_string();
    let key = |name: &str| format!("/keys/{name}");
    if let Some(i) = s.iter().position(|x| *x == "providers") {
        let collection = s.get(i + 2).copied()?;
        let scope = if i == 0 {
            root()
        } else {
            format!("/{}", segments[..i].join("/"))
        };
        let action = match (collection, get, put, delete) {
            ("roleassignments", true, _, _) => "roleAssignments/read/action",
            ("roleassignments", _, true, _) => "roleAssignments/write/action",
            ("roleassignments", _, _, true) => "roleAssignments/delete/action",
            ("roledefinitions", true, _, _) => "roleDefinitions/read/action",
            ("roledefinitions", _, true, _) => "roleDefinitions/write/action",
            ("roledefinitions", _, _, true) => "roleDefinitions/delete/action",
            _ => return None,
        };
        return Some((action, scope));
    }
    let needed = match s.as_slice() {
        ["backup" | "prebackup"] if post => ("backup/start/action", root()),
        ["backup", _, "pending"] if get => ("backup/status/action", root()),
        ["restore" | "prerestore"] if put => ("restore/start/action", root()),
        ["restore", _, "pending"] if get => ("restore/status/action", root()),
        ["securitydomain", "download"] if post => ("securitydomain/download/action", root()),
        ["securitydomain", "download", "pending"] if get => {
            ("securitydomain/download/read", root())
        }
        ["securitydomain", "upload"] if get => ("securitydomain/transferkey/read", root()),
        ["securitydomain", "upload"] if post => ("securitydomain/upload/action", root()),
        ["securitydomain", "upload", "pending"] if get => ("securitydomain/upload/read", root()),
        ["rng"] if post => ("rng/action", root()),
        ["deletedkeys"] if get => ("keys/deletedKeys/read/action", "/keys".into()),
        ["deletedkeys", n] if get => ("keys/deletedKeys/read/action", key(n)),
        ["deletedkeys", n] if delete => ("keys/deletedKeys/delete", key(n)),
        ["deletedkeys", n, "recover"] if post => ("keys/deletedKeys/recover/action", key(n)),
        ["keys"] if get => ("keys/read/action", "/keys".into()),
        ["keys", "restore"] if post => ("keys/restore/action", "/keys".into()),
        ["keys", n, "restore"] if put => ("restore/start/action", key(n)),
        ["keys", n, "create"] if post => ("keys/create", key(n)),
        ["keys", n, "backup"] if post => ("keys/backup/action", key(n)),
        // Rotation makes a new version; the spec names no data action of its own.
        ["keys", n, "rotate"] if post => ("keys/write/action", key(n)),
        ["keys", n, "rotationpolicy"] if put => ("keys/write/action", key(n)),
        ["keys", n, "release"] | ["keys", n, _, "release"] if post => {
            ("keys/release/action", key(n))
        }
        ["keys", n, op] | ["keys", n, _, op] if post => {
            let action = match *op {
                "encrypt" => "keys/encrypt/action",
                "decrypt" => "keys/decrypt/action",
                "wrapkey" => "keys/wrap/action",
                "unwrapkey" => "keys/unwrap/action",
                "sign" => "keys/sign/action",
                "verify" => "keys/verify/action",
                _ => return None,
            };
            (action, key(n))
        }
        ["keys", n] if put => ("keys/import/action", key(n)),
        ["keys", n] if delete => ("keys/delete", key(n)),
        ["keys", n, _] if patch => ("keys/write/action", key(n)),
        ["keys", n, ..] if get => ("keys/read/action", key(n)),
        _ => return None,
    };
    Some(needed)
}

/// Whether `admin` lets `principal` do `action` at `scope`.
fn permits(admin: &HsmAdmin, principal: &str, action: &str, scope: &str) -> bool {
    let full = format!("{PREFIX}{action}").to_ascii_lowercase();
    let lists = |permission: &Value, field: &str| {
        permission[field].as_array().is_some_and(|actions| {
            actions
                .iter()
                .filter_map(Value::as_str)
                .any(|a| a.eq_ignore_ascii_case(&full))
        })
    };
    admin.assignments.values().any(|assignment| {
        if !assignment.principal_id.eq_ignore_ascii_case(principal)
            || !contains(&assignment.scope, scope)
        {
            return false;
        }
        let name = assignment
            .role_definition_id
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        admin.definitions.get(&name).is_some_and(|definition| {
            definition
                .permissions
                .as_array()
                .is_some_and(|permissions| {
                    permissions
                        .iter()
                        .any(|p| lists(p, "dataActions") && !lists(p, "notDataActions"))
                })
        })
    })
}

/// Refuses a request of the emulator's principal that its role assignments on Managed HSM
/// `hsm` do not allow: 403 `Forbidden`, inner `ForbiddenByRbac`. The message is Key Vault's
/// RBAC wording; the Managed HSM's own is not in the spec or the recordings.
pub(crate) fn check(
    state: &State,
    hsm: &str,
    method: &Method,
    segments: &[&str],
) -> Result<(), ServiceError> {
    let Some((action, scope)) = required(method, segments) else {
        return Ok(());
    };
    let mut hsms = crate::sync::lock(&state.admin.hsms);
    let admin = hsms
        .entry(hsm.to_string())
        .or_insert_with(|| HsmAdmin::new(&state.object_id));
    if permits(admin, &state.object_id, action, &scope) {
        return Ok(());
    }
    Err(ServiceError::new(
        403,
        "Forbidden",
        format!(
            "Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nCaller: appid={};oid={};iss={}/{}/v2.0\r\nAction: '{PREFIX}{action}'\r\nResource: '{scope}'\r\nAssignment: (not found)\r\nDecisionReason: 'DeniedWithNoValidRBAC'\r\nVault: {hsm}",
            state.client_id,
            state.object_id,
            state.endpoint(),
            state.tenant_id,
        ),
    )
    .with_inner("ForbiddenByRbac"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn need(method: Method, path: &str) -> Option<(&'static str, String)> {
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        required(&method, &segments)
    }

    #[test]
    fn each_operation_needs_its_data_action() {
        for (method, path, action, scope) in [
            (Method::GET, "/keys", "keys/read/action", "/keys"),
            (Method::GET, "/keys/k", "keys/read/action", "/keys/k"),
            (
                Method::GET,
                "/keys/k/versions",
                "keys/read/action",
                "/keys/k",
            ),
            (Method::POST, "/keys/k/create", "keys/create", "/keys/k"),
            (Method::PUT, "/keys/k", "keys/import/action", "/keys/k"),
            (Method::PATCH, "/keys/k/v1", "keys/write/action", "/keys/k"),
            (Method::DELETE, "/keys/k", "keys/delete", "/keys/k"),
            (
                Method::POST,
                "/keys/k/v1/sign",
                "keys/sign/action",
                "/keys/k",
            ),
            (
                Method::POST,
                "/keys/k/wrapkey",
                "keys/wrap/action",
                "/keys/k",
            ),
            (
                Method::POST,
                "/keys/k/v1/release",
                "keys/release/action",
                "/keys/k",
            ),
            (
                Method::POST,
                "/keys/restore",
                "keys/restore/action",
                "/keys",
            ),
            (
                Method::PUT,
                "/keys/k/restore",
                "restore/start/action",
                "/keys/k",
            ),
            (
                Method::GET,
                "/deletedkeys/k",
                "keys/deletedKeys/read/action",
                "/keys/k",
            ),
            (
                Method::DELETE,
                "/deletedkeys/k",
                "keys/deletedKeys/delete",
                "/keys/k",
            ),
            (Method::POST, "/rng", "rng/action", "/"),
            (Method::POST, "/backup", "backup/start/action", "/"),
            (
                Method::GET,
                "/restore/j/pending",
                "restore/status/action",
                "/",
            ),
            (
                Method::GET,
                "/securitydomain/upload",
                "securitydomain/transferkey/read",
                "/",
            ),
            (
                Method::GET,
                "/providers/Microsoft.Authorization/roleAssignments",
                "roleAssignments/read/action",
                "/",
            ),
            (
                Method::PUT,
                "/keys/providers/Microsoft.Authorization/roleDefinitions/x",
                "roleDefinitions/write/action",
                "/keys",
            ),
        ] {
            assert_eq!(
                need(method.clone(), path),
                Some((action, scope.to_string())),
                "{method} {path}"
            );
        }
        assert_eq!(need(Method::GET, "/settings"), None);
        assert_eq!(need(Method::GET, "/ekm"), None);
    }
}
