//! The Managed HSM pools of the ARM provider (`Microsoft.KeyVault/managedHSMs`): create (202,
//! `Provisioning` then `Succeeded`), get, patch, delete (soft delete, 202 + `Location`), lists,
//! deleted pools, purge and name availability. Pool names are global, apart from vault names.

use serde_json::{json, Map, Value};
use time::OffsetDateTime;

use crate::arm::{
    bad_request, error, is_guid, rfc3339, vault_name_problem, Ctx, Progress, PROVIDER,
};
use crate::errors::ServiceError;
use crate::http::Reply;
pub(crate) use crate::storage::arm::hsm::HsmState;
use crate::storage::arm::hsm::{DeletedHsm, Hsm, Inner, Operation};
use crate::storage::state::State;
use crate::storage::vault::{vault_key, Flavour, Vault};
use crate::sync::lock;

const HSM_TYPE: &str = "Microsoft.KeyVault/managedHSMs";

impl Hsm {
    fn id(&self) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.KeyVault/managedHSMs/{}",
            self.subscription, self.resource_group, self.name
        )
    }

    /// Counts one observation of a pool still provisioning or updating.
    fn observe(&mut self, now: OffsetDateTime) {
        let settled = self.properties.get("provisioningState") == Some(&json!("Succeeded"));
        if !settled && self.progress.look(now) {
            self.properties
                .insert("provisioningState".into(), json!("Succeeded"));
            self.properties
                .insert("statusMessage".into(), json!("ManagedHsm is functional."));
            self.properties.insert("hsmUri".into(), json!(self.uri));
        }
    }

    /// The resource as ARM shows it, with the private endpoint connections made to it.
    fn json(&self, state: &State) -> Value {
        let mut properties = self.properties.clone();
        crate::http::with_port(&mut properties, "hsmUri", state.port);
        let connections = crate::arm::private_link::items(
            state,
            crate::arm::private_link::Parent::ManagedHsm,
            &self.id(),
        );
        if !connections.is_empty() {
            properties.insert(
                "privateEndpointConnections".into(),
                Value::Array(connections),
            );
        }
        json!({
            "id": self.id(),
            "name": self.name,
            "type": HSM_TYPE,
            "location": self.location,
            "sku": self.sku,
            "tags": self.tags,
            "systemData": self.system_data,
            "properties": Value::Object(properties),
        })
    }
}

impl DeletedHsm {
    fn json(&self) -> Value {
        let h = &self.hsm;
        json!({
            "id": format!(
                "/subscriptions/{}/providers/Microsoft.KeyVault/locations/{}/deletedManagedHSMs/{}",
                h.subscription, h.location, h.name
            ),
            "name": h.name,
            "type": "Microsoft.KeyVault/deletedManagedHSMs",
            "properties": {
                "mhsmId": h.id(),
                "location": h.location,
                "deletionDate": rfc3339(self.deleted),
                "scheduledPurgeDate": rfc3339(self.purge),
                "purgeProtectionEnabled": h.properties.get("enablePurgeProtection").and_then(Value::as_bool).unwrap_or(false),
                "tags": h.tags,
            }
        })
    }
}

/// Answers the Managed HSM paths; `None` for any other path. `s` are the path segments as
/// sent, `l` the same in lower case.
pub(crate) fn dispatch(
    ctx: &Ctx<'_>,
    s: &[&str],
    l: &[&str],
) -> Option<Result<Reply, ServiceError>> {
    let reply = match l {
        ["subscriptions", _, "resourcegroups", _, "providers", PROVIDER, "managedhsms"] => {
            list(ctx, s[1], Some(s[3]))
        }
        ["subscriptions", _, "providers", PROVIDER, "managedhsms"] => list(ctx, s[1], None),
        ["subscriptions", _, "resourcegroups", _, "providers", PROVIDER, "managedhsms", _] => {
            pool(ctx, s[1], s[3], s[7])
        }
        ["subscriptions", _, "providers", PROVIDER, "deletedmanagedhsms"] => {
            list_deleted(ctx, s[1])
        }
        ["subscriptions", _, "providers", PROVIDER, "locations", _, "deletedmanagedhsms", _] => {
            deleted(ctx, s[1], s[7])
        }
        ["subscriptions", _, "providers", PROVIDER, "locations", _, "deletedmanagedhsms", _, "purge"] => {
            purge(ctx, s[1], s[5], s[7])
        }
        ["subscriptions", _, "providers", PROVIDER, "locations", _, "managedhsmoperationresults", id] => {
            operation_result(ctx, s[1], s[5], id)
        }
        ["subscriptions", _, "providers", PROVIDER, "checkmhsmnameavailability"] => check_name(ctx),
        _ => return None,
    };
    Some(reply)
}

/// The pools of `subscription`, as their full JSON.
pub(crate) fn pools_of(state: &crate::storage::state::State, subscription: &str) -> Vec<Value> {
    lock(&state.arm.hsm.inner)
        .hsms
        .values()
        .filter(|h| h.subscription.eq_ignore_ascii_case(subscription))
        .map(|h| h.json(state))
        .collect()
}

/// The id and region of the pool `name` in `subscription`/`resource_group`, if it exists.
pub(crate) fn hsm_of(
    state: &crate::storage::state::State,
    subscription: &str,
    resource_group: &str,
    name: &str,
) -> Option<(String, String)> {
    let inner = lock(&state.arm.hsm.inner);
    inner
        .hsms
        .get(&name.to_ascii_lowercase())
        .filter(|h| {
            h.subscription.eq_ignore_ascii_case(subscription)
                && h.resource_group.eq_ignore_ascii_case(resource_group)
        })
        .map(|h| (h.id(), h.location.clone()))
}

/// The regions of the pool `name`, as `MHSMRegions_ListByResource` lists them: its own region
/// (primary), then those of its `regions` property, each `Succeeded` since the emulator
/// replicates nothing; `None` when the pool does not exist.
pub(crate) fn regions_of(
    state: &crate::storage::state::State,
    subscription: &str,
    resource_group: &str,
    name: &str,
) -> Option<Vec<Value>> {
    let inner = lock(&state.arm.hsm.inner);
    let hsm = inner.hsms.get(&name.to_ascii_lowercase()).filter(|h| {
        h.subscription.eq_ignore_ascii_case(subscription)
            && h.resource_group.eq_ignore_ascii_case(resource_group)
    })?;
    let mut regions = vec![json!({
        "name": hsm.location,
        "isPrimary": true,
        "provisioningState": "Succeeded",
    })];
    let extra = hsm.properties.get("regions").and_then(Value::as_array);
    for region in extra.into_iter().flatten() {
        let Some(region_name) = region["name"].as_str() else {
            continue;
        };
        if region_name.eq_ignore_ascii_case(&hsm.location) {
            continue;
        }
        regions.push(json!({
            "name": region_name,
            "isPrimary": false,
            "provisioningState": "Succeeded",
        }));
    }
    Some(regions)
}

fn inner<'a>(ctx: &'a Ctx<'_>) -> std::sync::MutexGuard<'a, Inner> {
    lock(&ctx.state.arm.hsm.inner)
}

fn require(ctx: &Ctx<'_>, method: hyper::Method) -> Result<(), ServiceError> {
    if ctx.req.method == method {
        Ok(())
    } else {
        Err(ctx.method_not_allowed())
    }
}

pub(crate) fn not_found(resource_group: &str, name: &str) -> ServiceError {
    error(
        404,
        "ResourceNotFound",
        format!("The Resource 'Microsoft.KeyVault/managedHSMs/{name}' under resource group '{resource_group}' was not found."),
    )
}

fn deleted_not_found(name: &str) -> ServiceError {
    error(
        404,
        "ResourceNotFound",
        format!("The deleted managed HSM '{name}' was not found."),
    )
}

/// What an operation does when it completes.
enum Completion {
    /// Nothing more (a delete).
    Nothing,
    /// Provisions the pool of this (lower-case) name, which is its result.
    Provision(String),
    /// Purges the deleted pool of this (lower-case) name.
    Purge(String),
}

/// A new operation that completes after one more look and the operation latency.
fn start_operation(
    ctx: &Ctx<'_>,
    subscription: &str,
    location: &str,
    completion: Completion,
) -> Reply {
    let id = uuid::Uuid::new_v4().to_string();
    let progress = ctx.progress(2);
    let (provision, purge) = match completion {
        Completion::Nothing => (None, None),
        Completion::Provision(key) => (Some(key), None),
        Completion::Purge(key) => (None, Some(key)),
    };
    inner(ctx).operations.insert(
        id.clone(),
        Operation {
            provision,
            purge,
            progress,
        },
    );
    let mut reply = Reply::empty(202);
    reply.headers.push((
        "location".into(),
        ctx.operation_url(subscription, location, "managedHsmOperationResults", &id),
    ));
    reply.headers.push(progress.retry_after(ctx.now()));
    reply
}

fn check_properties(properties: &Map<String, Value>) -> Result<(), ServiceError> {
    if let Some(tenant) = properties.get("tenantId") {
        if !tenant.as_str().is_some_and(is_guid) {
            return Err(bad_request("The 'properties.tenantId' must be a GUID."));
        }
    }
    if let Some(days) = properties.get("softDeleteRetentionInDays") {
        if !days.as_i64().is_some_and(|d| (7..=90).contains(&d)) {
            return Err(bad_request(
                "'softDeleteRetentionInDays' must be between 7 and 90.",
            ));
        }
    }
    Ok(())
}

fn check_sku(sku: &Value) -> Result<(), ServiceError> {
    let family = sku["family"].as_str().unwrap_or_default();
    let name = sku["name"].as_str().unwrap_or_default();
    let ok = matches!(family, "B" | "C")
        && matches!(
            name,
            "Standard_B1" | "Custom_B32" | "Custom_B6" | "Custom_C42" | "Custom_C10"
        );
    if ok {
        Ok(())
    } else {
        Err(bad_request(format!(
            "The SKU '{sku}' is not valid for a managed HSM."
        )))
    }
}

fn pool(
    ctx: &Ctx<'_>,
    subscription: &str,
    resource_group: &str,
    name: &str,
) -> Result<Reply, ServiceError> {
    let key = name.to_ascii_lowercase();
    let mut guard = inner(ctx);
    let found = guard.hsms.get_mut(&key).filter(|h| {
        h.subscription.eq_ignore_ascii_case(subscription)
            && h.resource_group.eq_ignore_ascii_case(resource_group)
    });
    match ctx.req.method.as_str() {
        "GET" => {
            let hsm = found.ok_or_else(|| not_found(resource_group, name))?;
            hsm.observe(ctx.now());
            Ok(Reply::json(200, &hsm.json(ctx.state)))
        }
        "PATCH" => {
            let hsm = found.ok_or_else(|| not_found(resource_group, name))?;
            let body = ctx.body()?;
            let mut updated = hsm.clone();
            if let Some(tags) = body.get("tags") {
                updated.tags = tags.clone();
            }
            if let Some(sku) = body.get("sku") {
                check_sku(sku)?;
                updated.sku = sku.clone();
            }
            if let Some(properties) = body.get("properties").and_then(Value::as_object) {
                for (k, v) in properties {
                    updated.properties.insert(k.clone(), v.clone());
                }
            }
            check_properties(&updated.properties)?;
            if hsm.properties.get("enablePurgeProtection") == Some(&json!(true))
                && updated.properties.get("enablePurgeProtection") == Some(&json!(false))
            {
                return Err(bad_request(
                    "Purge protection cannot be disabled once it is enabled.",
                ));
            }
            updated.system_data["lastModifiedAt"] = json!(rfc3339(ctx.now()));
            // An update is asynchronous, as the service's: 202 `Updating` and a `Location`.
            updated
                .properties
                .insert("provisioningState".into(), json!("Updating"));
            updated
                .properties
                .insert("statusMessage".into(), json!("ManagedHsm is updating."));
            updated.progress = ctx.progress(1);
            Vault::apply_arm(
                ctx.state,
                &key,
                Flavour::ManagedHsm,
                "",
                &updated.properties,
            );
            *hsm = updated;
            let body = hsm.json(ctx.state);
            let location = hsm.location.clone();
            drop(guard);
            let mut reply =
                start_operation(ctx, subscription, &location, Completion::Provision(key));
            reply.body = Some(body.to_string().into_bytes());
            Ok(reply)
        }
        "DELETE" => {
            let Some(hsm) = found.map(|h| h.clone()) else {
                return Ok(Reply::empty(204));
            };
            guard.hsms.remove(&key);
            let days = hsm
                .properties
                .get("softDeleteRetentionInDays")
                .and_then(Value::as_i64)
                .unwrap_or(90);
            let now = ctx.now();
            let location = hsm.location.clone();
            guard.deleted.insert(
                key,
                DeletedHsm {
                    hsm,
                    deleted: now,
                    purge: now + time::Duration::days(days),
                },
            );
            drop(guard);
            Ok(start_operation(
                ctx,
                subscription,
                &location,
                Completion::Nothing,
            ))
        }
        "PUT" => {
            let exists = found.is_some();
            drop(guard);
            put(ctx, subscription, resource_group, name, exists)
        }
        _ => Err(ctx.method_not_allowed()),
    }
}

fn put(
    ctx: &Ctx<'_>,
    subscription: &str,
    resource_group: &str,
    name: &str,
    exists: bool,
) -> Result<Reply, ServiceError> {
    if let Some(problem) = vault_name_problem(name) {
        return Err(bad_request(format!(
            "The managed HSM name '{name}' is invalid: it {problem}."
        )));
    }
    let body = ctx.body()?;
    let location = body["location"].as_str().unwrap_or_default().to_string();
    if location.is_empty() {
        return Err(bad_request("The 'location' property is required."));
    }
    let sku = body
        .get("sku")
        .cloned()
        .ok_or_else(|| bad_request("The 'sku' property is required."))?;
    check_sku(&sku)?;
    let mut properties = body["properties"]
        .as_object()
        .cloned()
        .ok_or_else(|| bad_request("The 'properties' property is required."))?;
    let recover = properties
        .get("createMode")
        .and_then(Value::as_str)
        .is_some_and(|m| m.eq_ignore_ascii_case("recover"));
    properties.remove("createMode");
    let key = name.to_ascii_lowercase();
    let now = ctx.now();
    let mut guard = inner(ctx);
    if !exists {
        if let Some(other) = guard.hsms.get(&key) {
            return Err(error(
                409,
                "Conflict",
                format!(
                    "The managed HSM name '{}' is already in use (resource group '{}').",
                    other.name, other.resource_group
                ),
            ));
        }
        if recover {
            let Some(deleted) = guard.deleted.remove(&key) else {
                return Err(deleted_not_found(name));
            };
            let mut hsm = deleted.hsm;
            hsm.subscription = subscription.to_string();
            hsm.resource_group = resource_group.to_string();
            hsm.system_data["lastModifiedAt"] = json!(rfc3339(now));
            guard.hsms.insert(key, hsm.clone());
            return Ok(Reply::json(200, &hsm.json(ctx.state)));
        }
        if guard.deleted.contains_key(&key) {
            return Err(error(409, "ConflictError", format!("A managed HSM with the same name already exists in deleted state. You need to either recover or purge it. Name: '{name}'.")));
        }
    }
    if !properties
        .get("tenantId")
        .and_then(Value::as_str)
        .is_some_and(is_guid)
    {
        return Err(bad_request(
            "The 'properties.tenantId' property is required and must be a GUID.",
        ));
    }
    if properties
        .get("initialAdminObjectIds")
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty)
    {
        return Err(bad_request(
            "The 'properties.initialAdminObjectIds' property must name at least one administrator.",
        ));
    }
    check_properties(&properties)?;
    properties.entry("enableSoftDelete").or_insert(json!(true));
    properties
        .entry("softDeleteRetentionInDays")
        .or_insert(json!(90));
    properties
        .entry("enablePurgeProtection")
        .or_insert(json!(false));
    properties
        .entry("publicNetworkAccess")
        .or_insert(json!("Enabled"));
    let tags = body.get("tags").cloned().unwrap_or_else(|| json!({}));
    let stamp = rfc3339(now);
    let who = &ctx.state.client_id;
    if exists {
        let hsm = guard
            .hsms
            .get_mut(&key)
            .ok_or_else(|| not_found(resource_group, name))?;
        if hsm.properties.get("enablePurgeProtection") == Some(&json!(true))
            && properties.get("enablePurgeProtection") != Some(&json!(true))
        {
            return Err(bad_request(
                "Purge protection cannot be disabled once it is enabled.",
            ));
        }
        for k in ["hsmUri", "provisioningState", "statusMessage"] {
            if let Some(v) = hsm.properties.get(k) {
                properties.insert(k.into(), v.clone());
            }
        }
        Vault::apply_arm(ctx.state, &key, Flavour::ManagedHsm, "", &properties);
        hsm.location = location;
        hsm.sku = sku;
        hsm.tags = tags;
        hsm.properties = properties;
        hsm.system_data["lastModifiedAt"] = json!(stamp);
        return Ok(Reply::json(200, &hsm.json(ctx.state)));
    }
    properties.insert("provisioningState".into(), json!("Provisioning"));
    properties.insert("statusMessage".into(), json!("Allocating hardware"));
    properties.insert("hsmUri".into(), Value::Null);
    let hsm = Hsm {
        subscription: subscription.to_string(),
        resource_group: resource_group.to_string(),
        name: name.to_string(),
        location: location.clone(),
        sku,
        tags,
        properties,
        system_data: json!({
            "createdBy": who, "createdByType": "Application", "createdAt": stamp,
            "lastModifiedBy": who, "lastModifiedByType": "Application", "lastModifiedAt": stamp,
        }),
        // Without the port: `json` adds the one the emulator listens on when it answers.
        uri: format!("https://{key}.managedhsm.azure.net/"),
        progress: ctx.progress(2),
    };
    let body = hsm.json(ctx.state);
    Vault::apply_arm(ctx.state, &key, Flavour::ManagedHsm, "", &hsm.properties);
    guard.hsms.insert(key.clone(), hsm);
    drop(guard);
    let mut reply = start_operation(ctx, subscription, &location, Completion::Provision(key));
    reply.status = 202;
    reply.body = Some(body.to_string().into_bytes());
    Ok(reply)
}

fn list(
    ctx: &Ctx<'_>,
    subscription: &str,
    resource_group: Option<&str>,
) -> Result<Reply, ServiceError> {
    require(ctx, hyper::Method::GET)?;
    let now = ctx.now();
    let items: Vec<Value> = inner(ctx)
        .hsms
        .values_mut()
        .filter(|h| h.subscription.eq_ignore_ascii_case(subscription))
        .filter(|h| resource_group.is_none_or(|rg| h.resource_group.eq_ignore_ascii_case(rg)))
        .map(|h| {
            h.observe(now);
            h.json(ctx.state)
        })
        .collect();
    ctx.page(items)
}

fn list_deleted(ctx: &Ctx<'_>, subscription: &str) -> Result<Reply, ServiceError> {
    require(ctx, hyper::Method::GET)?;
    let items: Vec<Value> = inner(ctx)
        .deleted
        .values()
        .filter(|d| d.hsm.subscription.eq_ignore_ascii_case(subscription))
        .map(DeletedHsm::json)
        .collect();
    ctx.page(items)
}

fn deleted(ctx: &Ctx<'_>, subscription: &str, name: &str) -> Result<Reply, ServiceError> {
    require(ctx, hyper::Method::GET)?;
    let guard = inner(ctx);
    guard
        .deleted
        .get(&name.to_ascii_lowercase())
        .filter(|d| d.hsm.subscription.eq_ignore_ascii_case(subscription))
        .map(|d| Reply::json(200, &d.json()))
        .ok_or_else(|| deleted_not_found(name))
}

fn purge(
    ctx: &Ctx<'_>,
    subscription: &str,
    location: &str,
    name: &str,
) -> Result<Reply, ServiceError> {
    require(ctx, hyper::Method::POST)?;
    let key = name.to_ascii_lowercase();
    {
        let guard = inner(ctx);
        let deleted = guard
            .deleted
            .get(&key)
            .filter(|d| d.hsm.subscription.eq_ignore_ascii_case(subscription))
            .filter(|d| d.hsm.location.eq_ignore_ascii_case(location))
            .ok_or_else(|| deleted_not_found(name))?;
        let protected = deleted.hsm.properties.get("enablePurgeProtection") == Some(&json!(true));
        if protected && ctx.now() < deleted.purge {
            return Err(error(409, "Conflict", format!("The managed HSM '{name}' has purge protection enabled; it can be purged only after its scheduled purge date.")));
        }
    }
    Ok(start_operation(
        ctx,
        subscription,
        location,
        Completion::Purge(key),
    ))
}

fn operation_result(
    ctx: &Ctx<'_>,
    subscription: &str,
    location: &str,
    id: &str,
) -> Result<Reply, ServiceError> {
    require(ctx, hyper::Method::GET)?;
    let mut guard = inner(ctx);
    let op = guard.operations.get_mut(id).ok_or_else(|| {
        error(
            404,
            "ResourceNotFound",
            format!("The operation '{id}' was not found."),
        )
    })?;
    let now = ctx.now();
    if !op.progress.look(now) {
        let mut reply = Reply::empty(202);
        reply.headers.push((
            "location".into(),
            ctx.operation_url(subscription, location, "managedHsmOperationResults", id),
        ));
        reply.headers.push(op.progress.retry_after(now));
        return Ok(reply);
    }
    if let Some(key) = op.provision.clone() {
        // The pool is provisioned once its operation is; the final answer is the pool.
        return Ok(match guard.hsms.get_mut(&key) {
            Some(hsm) => {
                hsm.progress = Progress::finished();
                hsm.observe(now);
                Reply::json(200, &hsm.json(ctx.state))
            }
            None => Reply::empty(200),
        });
    }
    if let Some(key) = op.purge.take() {
        guard.deleted.remove(&key);
        drop(guard);
        lock(&ctx.state.vaults).remove(&vault_key(&key, Flavour::ManagedHsm));
    }
    Ok(Reply::empty(200))
}

fn check_name(ctx: &Ctx<'_>) -> Result<Reply, ServiceError> {
    require(ctx, hyper::Method::POST)?;
    let body = ctx.body()?;
    let name = body["name"].as_str().unwrap_or_default();
    if let Some(problem) = vault_name_problem(name) {
        return Ok(Reply::json(
            200,
            &json!({
                "nameAvailable": false,
                "reason": "AccountNameInvalid",
                "message": format!("The managed HSM name '{name}' is invalid: it {problem}."),
            }),
        ));
    }
    let key = name.to_ascii_lowercase();
    let guard = inner(ctx);
    if guard.hsms.contains_key(&key) || guard.deleted.contains_key(&key) {
        return Ok(Reply::json(
            200,
            &json!({
                "nameAvailable": false,
                "reason": "AlreadyExists",
                "message": format!("The managed HSM name '{name}' is already in use."),
            }),
        ));
    }
    Ok(Reply::json(200, &json!({ "nameAvailable": true })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skus() {
        check_sku(&json!({"family":"B","name":"Standard_B1"})).unwrap();
        check_sku(&json!({"family":"C","name":"Custom_C42"})).unwrap();
        assert!(check_sku(&json!({"family":"A","name":"standard"})).is_err());
        assert!(check_sku(&json!({})).is_err());
    }

    #[test]
    fn provisioning_turns_succeeded_with_its_uri() {
        let mut hsm = Hsm {
            subscription: "s".into(),
            resource_group: "rg".into(),
            name: "h".into(),
            location: "westus".into(),
            sku: json!({}),
            tags: json!({}),
            properties: Map::new(),
            system_data: json!({}),
            uri: "https://h.managedhsm.azure.net/".into(),
            progress: Progress::finished(),
        };
        hsm.progress.looks = 2;
        let now = OffsetDateTime::now_utc();
        hsm.observe(now);
        assert!(hsm.properties.get("provisioningState").is_none());
        hsm.observe(now);
        assert_eq!(hsm.properties["provisioningState"], "Succeeded");
        assert_eq!(hsm.properties["hsmUri"], "https://h.managedhsm.azure.net/");
        assert!(hsm.id().ends_with("/managedHSMs/h"));
    }
}
