//! Private link on the ARM provider: the private endpoint connections of vaults and Managed HSM
//! pools (list, get, approve or reject with PUT, delete with 202 + `Location`), their private
//! link resources, the regions of a pool and the network security perimeter configurations of
//! a vault.
//!
//! In Azure a connection is made by the network side: creating a `Microsoft.Network` private
//! endpoint that targets the vault adds a `Pending` connection (or an `Approved` one when its
//! creator may approve it), and the vault's owner approves or rejects it with a PUT. The
//! emulator has no network provider, so a connection is added through the control plane
//! ([`crate::Control::add_private_endpoint_connection`],
//! `POST /_emulator/private-endpoint-connections`); ARM then answers for it as the service does,
//! and a PUT on a connection that was never added is a 404, as in Azure.
//!
//! The emulator has no network security perimeters either: a vault's list of perimeter
//! configurations is empty, and getting or reconciling one is a 404.

use serde_json::{json, Value};

use crate::arm::{bad_request, error, vault_of, Ctx, PROVIDER};
use crate::errors::ServiceError;
use crate::http::Reply;
pub(crate) use crate::storage::arm::private_link::LinkState;
use crate::storage::arm::private_link::{Connection, DeleteOperation, Inner};
use crate::storage::state::State;
use crate::sync::lock;

/// The kind of resource a connection belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Parent {
    Vault,
    ManagedHsm,
}

impl Parent {
    fn type_name(self) -> &'static str {
        match self {
            Parent::Vault => "Microsoft.KeyVault/vaults",
            Parent::ManagedHsm => "Microsoft.KeyVault/managedHSMs",
        }
    }
}

fn new_etag() -> String {
    format!("\"{}\"", uuid::Uuid::new_v4())
}

fn connection_type(parent: Parent) -> String {
    format!("{}/privateEndpointConnections", parent.type_name())
}

impl Connection {
    fn json(&self, parent: Parent, parent_id: &str) -> Value {
        json!({
            "id": format!("{parent_id}/privateEndpointConnections/{}", self.name),
            "name": self.name,
            "type": connection_type(parent),
            "etag": self.etag,
            "properties": {
                "privateEndpoint": { "id": self.private_endpoint },
                "privateLinkServiceConnectionState": {
                    "status": self.status,
                    "description": self.description,
                    "actionsRequired": "None",
                },
                "provisioningState": self.provisioning_state,
            }
        })
    }
}

/// The connections of the vault or pool `parent_id`, each as ARM answers it alone.
fn connections_json(state: &State, parent: Parent, parent_id: &str) -> Vec<Value> {
    lock(&state.arm.links.inner)
        .connections
        .get(&parent_id.to_ascii_lowercase())
        .map(|all| all.values().map(|c| c.json(parent, parent_id)).collect())
        .unwrap_or_default()
}

/// The connections of the vault or pool `parent_id` as its own body lists them
/// (`properties.privateEndpointConnections`: id, etag and properties of each).
pub(crate) fn items(state: &State, parent: Parent, parent_id: &str) -> Vec<Value> {
    connections_json(state, parent, parent_id)
        .into_iter()
        .map(|full| json!({"id": full["id"], "etag": full["etag"], "properties": full["properties"]}))
        .collect()
}

/// Adds a connection from the private endpoint `private_endpoint_id` to the vault or pool of
/// ARM id `resource_id`, as the network side does when the endpoint is created: `Pending` until
/// the owner approves it.
pub(crate) fn add_connection(
    state: &State,
    resource_id: &str,
    name: &str,
    private_endpoint_id: Option<&str>,
) -> Result<Value, String> {
    let segments: Vec<&str> = resource_id.trim_matches('/').split('/').collect();
    let lower: Vec<String> = segments.iter().map(|s| s.to_ascii_lowercase()).collect();
    let l: Vec<&str> = lower.iter().map(String::as_str).collect();
    let (parent, found) = match l.as_slice() {
        ["subscriptions", _, "resourcegroups", _, "providers", PROVIDER, kind, _] => {
            let (sub, rg, n) = (segments[1], segments[3], segments[7]);
            match *kind {
                "vaults" => (Parent::Vault, vault_of(state, sub, rg, n)),
                "managedhsms" => (
                    Parent::ManagedHsm,
                    crate::arm::hsm::hsm_of(state, sub, rg, n),
                ),
                _ => {
                    return Err(format!(
                        "'{resource_id}' is not a vault or a managed HSM id."
                    ))
                }
            }
        }
        _ => {
            return Err(format!(
                "'{resource_id}' is not a vault or a managed HSM id."
            ))
        }
    };
    let (parent_id, _) = found.ok_or_else(|| format!("No resource '{resource_id}' exists."))?;
    if name.is_empty() || name.contains(['/', '?', '#', '\\']) {
        return Err(format!("'{name}' is not a valid connection name."));
    }
    let endpoint = private_endpoint_id.map(str::to_string).unwrap_or_else(|| {
        format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Network/privateEndpoints/{name}",
            segments[1], segments[3]
        )
    });
    let connection = Connection {
        name: name.to_string(),
        private_endpoint: endpoint,
        status: "Pending".into(),
        description: "Awaiting approval.".into(),
        provisioning_state: "Succeeded",
        etag: new_etag(),
        deleting: None,
    };
    let body = connection.json(parent, &parent_id);
    lock(&state.arm.links.inner)
        .connections
        .entry(parent_id.to_ascii_lowercase())
        .or_default()
        .insert(name.to_ascii_lowercase(), connection);
    Ok(body)
}

/// Answers the private link paths; `None` for any other path.
pub(crate) fn dispatch(
    ctx: &Ctx<'_>,
    s: &[&str],
    l: &[&str],
) -> Option<Result<Reply, ServiceError>> {
    let prefix = [
        "subscriptions",
        "",
        "resourcegroups",
        "",
        "providers",
        PROVIDER,
    ];
    if l.len() < 9 || !l.iter().zip(prefix).all(|(a, b)| b.is_empty() || *a == b) {
        return None;
    }
    let parent = match l[6] {
        "vaults" => Parent::Vault,
        "managedhsms" => Parent::ManagedHsm,
        _ => return None,
    };
    let (sub, rg, name) = (s[1], s[3], s[7]);
    let reply = match (parent, &l[8..]) {
        (_, ["privateendpointconnections"]) => {
            find(ctx, parent, sub, rg, name).and_then(|(id, _)| list(ctx, parent, &id))
        }
        (_, ["privateendpointconnections", _]) => {
            find(ctx, parent, sub, rg, name).and_then(|(id, _)| connection(ctx, parent, &id, s[9]))
        }
        (_, ["privatelinkresources"]) => {
            find(ctx, parent, sub, rg, name).and_then(|(id, location)| {
                require_get(ctx)?;
                Ok(private_link_resources(parent, &id, &location))
            })
        }
        (Parent::ManagedHsm, ["regions"]) => {
            find(ctx, parent, sub, rg, name).and_then(|_| regions(ctx, sub, rg, name))
        }
        (Parent::Vault, ["networksecurityperimeterconfigurations", rest @ ..]) => {
            find(ctx, parent, sub, rg, name).and_then(|_| perimeter(ctx, rest))
        }
        _ => return None,
    };
    Some(reply)
}

fn require_get(ctx: &Ctx<'_>) -> Result<(), ServiceError> {
    if ctx.req.method == hyper::Method::GET {
        Ok(())
    } else {
        Err(ctx.method_not_allowed())
    }
}

/// The id and region of the parent resource, or its 404.
fn find(
    ctx: &Ctx<'_>,
    parent: Parent,
    subscription: &str,
    resource_group: &str,
    name: &str,
) -> Result<(String, String), ServiceError> {
    match parent {
        Parent::Vault => vault_of(ctx.state, subscription, resource_group, name)
            .ok_or_else(|| ctx.not_found(resource_group, name)),
        Parent::ManagedHsm => {
            crate::arm::hsm::hsm_of(ctx.state, subscription, resource_group, name)
                .ok_or_else(|| crate::arm::hsm::not_found(resource_group, name))
        }
    }
}

fn inner<'a>(ctx: &'a Ctx<'_>) -> std::sync::MutexGuard<'a, Inner> {
    lock(&ctx.state.arm.links.inner)
}

/// The service's code for an unknown connection is not in the spec; this one is a guess in
/// the provider's style (`VaultNotFound`, `ResourceNotFound`).
fn connection_not_found(name: &str) -> ServiceError {
    error(
        404,
        "PrivateEndpointConnectionNotFound",
        format!("The private endpoint connection '{name}' was not found."),
    )
}

fn list(ctx: &Ctx<'_>, parent: Parent, parent_id: &str) -> Result<Reply, ServiceError> {
    require_get(ctx)?;
    ctx.page(connections_json(ctx.state, parent, parent_id))
}

fn connection(
    ctx: &Ctx<'_>,
    parent: Parent,
    parent_id: &str,
    name: &str,
) -> Result<Reply, ServiceError> {
    let key = parent_id.to_ascii_lowercase();
    let lower = name.to_ascii_lowercase();
    match ctx.req.method.as_str() {
        "GET" => {
            if let Some(id) = ctx.req.query("operationid") {
                return delete_result(ctx, id);
            }
            let guard = inner(ctx);
            let found = guard.connections.get(&key).and_then(|all| all.get(&lower));
            found
                .map(|c| Reply::json(200, &c.json(parent, parent_id)))
                .ok_or_else(|| connection_not_found(name))
        }
        "PUT" => put(ctx, parent, parent_id, name),
        "DELETE" => delete(ctx, parent, parent_id, name),
        _ => Err(ctx.method_not_allowed()),
    }
}

fn put(ctx: &Ctx<'_>, parent: Parent, parent_id: &str, name: &str) -> Result<Reply, ServiceError> {
    let body = ctx.body()?;
    let state = &body["properties"]["privateLinkServiceConnectionState"];
    let Some(status) = state["status"].as_str() else {
        return Err(bad_request(
            "The 'properties.privateLinkServiceConnectionState.status' property is required.",
        ));
    };
    let status = ["Pending", "Approved", "Rejected", "Disconnected"]
        .into_iter()
        .find(|s| s.eq_ignore_ascii_case(status))
        .ok_or_else(|| {
            bad_request(format!(
                "The connection status '{status}' is not valid: use Approved or Rejected."
            ))
        })?;
    let mut guard = inner(ctx);
    let connection = guard
        .connections
        .get_mut(&parent_id.to_ascii_lowercase())
        .and_then(|all| all.get_mut(&name.to_ascii_lowercase()))
        .ok_or_else(|| connection_not_found(name))?;
    if let Some(etag) = body["etag"].as_str().filter(|e| !e.is_empty()) {
        if etag != connection.etag {
            // The spec has no code for a stale etag; ARM's usual one.
            return Err(error(
                412,
                "PreconditionFailed",
                format!("The etag '{etag}' does not match the connection's current etag."),
            ));
        }
    }
    if connection.deleting.is_some() {
        // A guess: ARM's usual answer to a change of a resource being deleted.
        return Err(error(
            409,
            "Conflict",
            format!("The private endpoint connection '{name}' is being deleted."),
        ));
    }
    // Only the network side sets these two: a connection is pending until its owner decides,
    // and disconnected when its endpoint goes. The exact refusal is a guess.
    let pending_again = status == "Pending" && connection.status != "Pending";
    if pending_again || status == "Disconnected" {
        return Err(bad_request(format!(
            "The connection status cannot be changed from '{}' to '{status}'.",
            connection.status
        )));
    }
    connection.status = status.to_string();
    connection.description = state["description"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    connection.provisioning_state = "Succeeded";
    connection.etag = new_etag();
    Ok(Reply::json(200, &connection.json(parent, parent_id)))
}

fn delete(
    ctx: &Ctx<'_>,
    parent: Parent,
    parent_id: &str,
    name: &str,
) -> Result<Reply, ServiceError> {
    let key = parent_id.to_ascii_lowercase();
    let lower = name.to_ascii_lowercase();
    let mut guard = inner(ctx);
    let Some(connection) = guard
        .connections
        .get_mut(&key)
        .and_then(|all| all.get_mut(&lower))
    else {
        // The spec's "204: Resource does not exist".
        return Ok(Reply::empty(204));
    };
    let id = match &connection.deleting {
        Some(id) => id.clone(),
        None => {
            let id = uuid::Uuid::new_v4().simple().to_string();
            connection.deleting = Some(id.clone());
            connection.provisioning_state = "Deleting";
            let done = json!({
                "id": format!("{parent_id}/privateEndpointConnections/{}", connection.name),
                "name": connection.name,
                "type": connection_type(parent),
                "properties": { "provisioningState": "Disconnected" },
            });
            guard.operations.insert(
                id.clone(),
                DeleteOperation {
                    parent: key,
                    connection: lower,
                    progress: ctx.progress(2),
                    done: Some(done),
                },
            );
            id
        }
    };
    let progress = guard.operations.get(&id).map(|op| op.progress);
    drop(guard);
    let mut reply = Reply::empty(202);
    reply
        .headers
        .push(("location".into(), operation_link(ctx, &id)));
    if let Some(progress) = progress {
        reply.headers.push(progress.retry_after(ctx.now()));
    }
    Ok(reply)
}

/// The service's `Location` for a connection's delete is the connection's own URL with an
/// `operationid` (the spec's example).
fn operation_link(ctx: &Ctx<'_>, id: &str) -> String {
    format!(
        "{}{}?api-version={}&operationid={id}",
        ctx.req.base(),
        ctx.req.raw_path,
        ctx.api_version
    )
}

/// The delete's `Location`: 202 while it runs, then 200 with the connection's final
/// `Disconnected` state (the spec's `final-state-via: location`), the connection gone.
fn delete_result(ctx: &Ctx<'_>, id: &str) -> Result<Reply, ServiceError> {
    let now = ctx.now();
    let mut guard = inner(ctx);
    let Some(op) = guard.operations.get_mut(id) else {
        return Err(error(
            404,
            "ResourceNotFound",
            format!("The operation '{id}' was not found."),
        ));
    };
    if !op.progress.look(now) {
        let progress = op.progress;
        drop(guard);
        let mut reply = Reply::empty(202);
        reply
            .headers
            .push(("location".into(), operation_link(ctx, id)));
        reply.headers.push(progress.retry_after(now));
        return Ok(reply);
    }
    let op = op.clone();
    if let Some(all) = guard.connections.get_mut(&op.parent) {
        if all
            .get(&op.connection)
            .is_some_and(|c| c.deleting.as_deref() == Some(id))
        {
            all.remove(&op.connection);
        }
    }
    Ok(Reply::json(200, &op.done.unwrap_or(Value::Null)))
}

fn private_link_resources(parent: Parent, parent_id: &str, location: &str) -> Reply {
    // Group ids as the service documents them for private endpoints; the spec's Managed HSM
    // example spells its group id `managedhsms`, against its own resource name `managedhsm`.
    let (group, zone) = match parent {
        Parent::Vault => ("vault", "privatelink.vaultcore.azure.net"),
        Parent::ManagedHsm => ("managedhsm", "privatelink.managedhsm.azure.net"),
    };
    let mut resource = json!({
        "id": format!("{parent_id}/privateLinkResources/{group}"),
        "name": group,
        "type": format!("{}/privateLinkResources", parent.type_name()),
        "properties": {
            "groupId": group,
            "requiredMembers": ["default"],
            "requiredZoneNames": [zone],
        }
    });
    // A pool's private link resource is a tracked resource, with its region.
    if parent == Parent::ManagedHsm {
        resource["location"] = json!(location);
    }
    Reply::json(200, &json!({ "value": [resource] }))
}

fn regions(
    ctx: &Ctx<'_>,
    subscription: &str,
    resource_group: &str,
    name: &str,
) -> Result<Reply, ServiceError> {
    require_get(ctx)?;
    let items = crate::arm::hsm::regions_of(ctx.state, subscription, resource_group, name)
        .ok_or_else(|| crate::arm::hsm::not_found(resource_group, name))?;
    ctx.page(items)
}

/// The emulator has no network security perimeter, so no vault has a configuration.
fn perimeter(ctx: &Ctx<'_>, rest: &[&str]) -> Result<Reply, ServiceError> {
    let not_found = |name: &str| {
        // Not in the spec; a guess in ARM's style.
        error(
            404,
            "NetworkSecurityPerimeterConfigurationNotFound",
            format!("The network security perimeter configuration '{name}' was not found."),
        )
    };
    let names = &ctx.req.segments[9..];
    match (ctx.req.method.as_str(), rest) {
        ("GET", []) => ctx.page(Vec::new()),
        ("GET", [_]) => Err(not_found(&names[0])),
        ("POST", [_, "reconcile"]) => Err(not_found(&names[0])),
        (_, [] | [_] | [_, "reconcile"]) => Err(ctx.method_not_allowed()),
        _ => Err(error(
            404,
            "InvalidResourceType",
            format!(
                "The resource path '{}' is not known to the emulator.",
                ctx.req.raw_path
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_are_shown_in_the_service_shape() {
        let c = Connection {
            name: "pec".into(),
            private_endpoint:
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe"
                    .into(),
            status: "Pending".into(),
            description: "d".into(),
            provisioning_state: "Succeeded",
            etag: "\"e\"".into(),
            deleting: None,
        };
        let body = c.json(Parent::ManagedHsm, "/x/managedHSMs/h");
        assert_eq!(
            body["id"],
            "/x/managedHSMs/h/privateEndpointConnections/pec"
        );
        assert_eq!(
            body["type"],
            "Microsoft.KeyVault/managedHSMs/privateEndpointConnections"
        );
        assert_eq!(
            body["properties"]["privateLinkServiceConnectionState"]["actionsRequired"],
            "None"
        );
    }
}
