//! The Azure Resource Manager `Microsoft.KeyVault` provider on host `management.azure.com`
//! (any port): vaults with `provisioningState` transitions and ARM's asynchronous-operation
//! headers, soft delete (`deletedVaults`) and purge, name availability and access policies.
//!
//! Subscriptions and resource groups exist on demand. Vault names are global, as in Azure.
//! A vault created here is reachable on the data plane at `{name}.vault.azure.net:{port}`.

pub(crate) mod hsm;
pub(crate) mod keys;
pub(crate) mod private_link;
pub(crate) mod secrets;

use std::sync::Mutex;
use std::time::Duration;

use serde_json::{json, Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::errors::ServiceError;
use crate::http::{Reply, Req};
pub(crate) use crate::storage::arm::{ArmState, Progress};
use crate::storage::arm::{ArmVault, DeletedArmVault, Inner, Operation, OperationKind};
use crate::storage::state::State;
use crate::storage::vault::{host_name, vault_key, Flavour, Vault};
use crate::sync::lock;

/// The ARM host name.
pub(crate) const ARM_HOST: &str = "management.azure.com";

pub(crate) const PROVIDER: &str = "microsoft.keyvault";
const VAULT_TYPE: &str = "Microsoft.KeyVault/vaults";

/// Whether `host` is the ARM endpoint.
pub(crate) fn is_arm_host(host: &str) -> bool {
    host_name(host).trim_end_matches('.') == ARM_HOST
}

impl Progress {
    /// Work that is complete at the next look.
    pub(crate) fn finished() -> Self {
        Progress {
            looks: 0,
            ready_at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    /// Counts one look at the work; whether it is complete.
    pub(crate) fn look(&mut self, now: OffsetDateTime) -> bool {
        self.looks = self.looks.saturating_sub(1);
        self.looks == 0 && now >= self.ready_at
    }

    /// The `Retry-After` of an answer about the work: the whole seconds until `ready_at`.
    pub(crate) fn retry_after(&self, now: OffsetDateTime) -> (String, String) {
        let left = (self.ready_at - now).max(time::Duration::ZERO);
        let seconds = left.whole_seconds() + i64::from(left.subsec_nanoseconds() > 0);
        ("retry-after".into(), seconds.to_string())
    }
}

impl ArmState {
    pub(crate) fn new(latency: Duration) -> Self {
        ArmState {
            inner: Mutex::default(),
            hsm: crate::arm::hsm::HsmState::default(),
            links: crate::arm::private_link::LinkState::default(),
            latency: Mutex::new(latency),
        }
    }
}

pub(crate) fn error(status: u16, code: &str, message: impl Into<String>) -> ServiceError {
    ServiceError::new(status, code, message)
}

pub(crate) fn bad_request(message: impl Into<String>) -> ServiceError {
    error(400, "BadRequest", message)
}

pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// Vault names: 3 to 24 of `a-z A-Z 0-9 -`, starting with a letter, no trailing `-`, no `--`.
pub(crate) fn vault_name_problem(name: &str) -> Option<&'static str> {
    if !(3..=24).contains(&name.len()) {
        Some("must be between 3 and 24 characters")
    } else if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        Some("may contain only alphanumeric characters and dashes")
    } else if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        Some("must start with a letter")
    } else if name.ends_with('-') || name.contains("--") {
        Some("must end with a letter or digit and cannot contain consecutive hyphens")
    } else {
        None
    }
}

pub(crate) fn is_guid(value: &str) -> bool {
    uuid::Uuid::parse_str(value).is_ok() && value.len() == 36
}

impl ArmVault {
    fn id(&self) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.KeyVault/vaults/{}",
            self.subscription, self.resource_group, self.name
        )
    }

    /// Counts one observation of a vault still provisioning.
    fn observe(&mut self, now: OffsetDateTime) {
        let provisioned = self.properties.get("provisioningState") == Some(&json!("Succeeded"));
        if !provisioned && self.progress.look(now) {
            self.properties
                .insert("provisioningState".into(), json!("Succeeded"));
        }
    }

    /// The resource as ARM shows it, with the private endpoint connections made to it.
    fn json(&self, state: &State) -> Value {
        let mut properties = self.properties.clone();
        crate::http::with_port(&mut properties, "vaultUri", state.port);
        let connections = crate::arm::private_link::items(
            state,
            crate::arm::private_link::Parent::Vault,
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
            "type": VAULT_TYPE,
            "location": self.location,
            "tags": self.tags,
            "systemData": self.system_data,
            "properties": Value::Object(properties),
        })
    }
}

impl DeletedArmVault {
    fn json(&self) -> Value {
        let v = &self.vault;
        json!({
            "id": format!(
                "/subscriptions/{}/providers/Microsoft.KeyVault/locations/{}/deletedVaults/{}",
                v.subscription, v.location, v.name
            ),
            "name": v.name,
            "type": "Microsoft.KeyVault/deletedVaults",
            "properties": {
                "vaultId": v.id(),
                "location": v.location,
                "deletionDate": rfc3339(self.deleted),
                "scheduledPurgeDate": rfc3339(self.purge),
                "tags": v.tags,
                "purgeProtectionEnabled": v.properties.get("enablePurgeProtection").and_then(Value::as_bool).unwrap_or(false),
            }
        })
    }
}

/// The id and region of the ARM vault `name` in `subscription`/`resource_group`, if it exists.
pub(crate) fn vault_of(
    state: &State,
    subscription: &str,
    resource_group: &str,
    name: &str,
) -> Option<(String, String)> {
    let inner = lock(&state.arm.inner);
    inner
        .vaults
        .get(&name.to_ascii_lowercase())
        .filter(|v| {
            v.subscription.eq_ignore_ascii_case(subscription)
                && v.resource_group.eq_ignore_ascii_case(resource_group)
        })
        .map(|v| (v.id(), v.location.clone()))
}

/// Answers a request to the ARM host.
/// The ARM shape of a refused token (checked by the server before [`handle`]):
/// `AuthenticationFailed` without a token, `InvalidAuthenticationToken` with one, keeping the
/// challenge headers.
pub(crate) fn unauthenticated(refusal: ServiceError, had_token: bool) -> ServiceError {
    let code = if had_token {
        "InvalidAuthenticationToken"
    } else {
        "AuthenticationFailed"
    };
    let mut arm = error(401, code, refusal.message);
    arm.headers = refusal.headers;
    arm
}

pub(crate) fn handle(state: &State, req: &Req) -> Reply {
    match dispatch(state, req) {
        Ok(reply) => reply,
        Err(e) => e.into(),
    }
}

fn dispatch(state: &State, req: &Req) -> Result<Reply, ServiceError> {
    let Some(api_version) = req.query("api-version").map(str::to_string) else {
        return Err(error(
            400,
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.",
        ));
    };
    let s: Vec<&str> = req.segments.iter().map(String::as_str).collect();
    let lower: Vec<String> = s.iter().map(|x| x.to_ascii_lowercase()).collect();
    let l: Vec<&str> = lower.iter().map(String::as_str).collect();
    let ctx = Ctx {
        state,
        req,
        api_version,
    };
    if let Some(reply) = crate::arm::hsm::dispatch(&ctx, &s, &l) {
        return reply;
    }
    if let Some(reply) = crate::arm::private_link::dispatch(&ctx, &s, &l) {
        return reply;
    }
    if let Some(reply) = crate::arm::secrets::dispatch(&ctx, &s, &l) {
        return reply;
    }
    if let Some(reply) = crate::arm::keys::dispatch(&ctx, &s, &l) {
        return reply;
    }
    match l.as_slice() {
        ["subscriptions", _, "resourcegroups", _, "providers", PROVIDER, "vaults"] => {
            ctx.list_vaults(Some((s[1], s[3])))
        }
        ["subscriptions", _, "providers", PROVIDER, "vaults"] => ctx.list_vaults(None),
        ["subscriptions", _, "resources"] => ctx.list_resources(s[1]),
        ["providers", PROVIDER, "operations"] => ctx.list_operations(),
        ["subscriptions", _, "resourcegroups", _, "providers", PROVIDER, "vaults", _] => {
            ctx.vault(s[1], s[3], s[7])
        }
        ["subscriptions", _, "resourcegroups", _, "providers", PROVIDER, "vaults", _, "accesspolicies", kind] => {
            ctx.access_policies(s[1], s[3], s[7], kind)
        }
        ["subscriptions", _, "providers", PROVIDER, "checknameavailability"] => {
            ctx.check_name()
        }
        ["subscriptions", _, "providers", PROVIDER, "deletedvaults"] => ctx.list_deleted(s[1]),
        ["subscriptions", _, "providers", PROVIDER, "locations", _, "deletedvaults", _] => {
            ctx.deleted(s[1], s[7])
        }
        ["subscriptions", _, "providers", PROVIDER, "locations", _, "deletedvaults", _, "purge"] => {
            ctx.purge(s[1], s[5], s[7])
        }
        ["subscriptions", _, "providers", PROVIDER, "locations", _, "asyncoperations", id] => {
            ctx.async_operation(s[1], s[5], id)
        }
        ["subscriptions", _, "providers", PROVIDER, "locations", _, "operationresults", id] => {
            ctx.operation_result(s[1], s[5], id)
        }
        _ => Err(error(
            404,
            "InvalidResourceType",
            format!("The resource path '{}' is not known to the emulator's Microsoft.KeyVault provider.", req.raw_path),
        )),
    }
}

pub(crate) struct Ctx<'a> {
    pub(crate) state: &'a State,
    pub(crate) req: &'a Req,
    pub(crate) api_version: String,
}

impl Ctx<'_> {
    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        lock(&self.state.arm.inner)
    }

    pub(crate) fn now(&self) -> OffsetDateTime {
        self.state.clock.now()
    }

    /// New asynchronous work, complete after `looks` looks and the operation latency.
    pub(crate) fn progress(&self, looks: u32) -> Progress {
        let latency = *lock(&self.state.arm.latency);
        Progress {
            looks,
            ready_at: self.now() + latency,
        }
    }

    pub(crate) fn method_not_allowed(&self) -> ServiceError {
        error(
            405,
            "MethodNotAllowed",
            format!(
                "The HTTP method '{}' is not supported here.",
                self.req.method
            ),
        )
    }

    pub(crate) fn body(&self) -> Result<Value, ServiceError> {
        if self.req.body.iter().all(u8::is_ascii_whitespace) {
            return Err(bad_request("The request content was invalid and could not be deserialized: the body is missing."));
        }
        serde_json::from_slice(&self.req.body).map_err(|e| {
            bad_request(format!(
                "The request content was invalid and could not be deserialized: {e}"
            ))
        })
    }

    pub(crate) fn operation_url(
        &self,
        subscription: &str,
        location: &str,
        kind: &str,
        id: &str,
    ) -> String {
        format!(
            "{}/subscriptions/{subscription}/providers/Microsoft.KeyVault/locations/{location}/{kind}/{id}?api-version={}",
            self.req.base(),
            self.api_version
        )
    }

    pub(crate) fn not_found(&self, resource_group: &str, name: &str) -> ServiceError {
        error(
            404,
            "ResourceNotFound",
            format!("The Resource 'Microsoft.KeyVault/vaults/{name}' under resource group '{resource_group}' was not found."),
        )
    }

    fn vault(
        &self,
        subscription: &str,
        resource_group: &str,
        name: &str,
    ) -> Result<Reply, ServiceError> {
        let key = name.to_ascii_lowercase();
        let mut inner = self.inner();
        let found = inner.vaults.get_mut(&key).filter(|v| {
            v.subscription.eq_ignore_ascii_case(subscription)
                && v.resource_group.eq_ignore_ascii_case(resource_group)
        });
        match self.req.method.as_str() {
            "GET" => {
                let Some(vault) = found else {
                    return Err(self.not_found(resource_group, name));
                };
                vault.observe(self.now());
                Ok(Reply::json(200, &vault.json(self.state)))
            }
            "PATCH" => {
                let Some(vault) = found else {
                    return Err(self.not_found(resource_group, name));
                };
                let body = self.body()?;
                let mut updated = vault.clone();
                if let Some(tags) = body.get("tags") {
                    updated.tags = tags.clone();
                }
                if let Some(properties) = body.get("properties").and_then(Value::as_object) {
                    for (k, v) in properties {
                        updated.properties.insert(k.clone(), v.clone());
                    }
                }
                check_properties(&updated.properties)?;
                if vault.properties.get("enablePurgeProtection") == Some(&json!(true))
                    && updated.properties.get("enablePurgeProtection") == Some(&json!(false))
                {
                    return Err(bad_request(
                        "Purge protection cannot be disabled once it is enabled.",
                    ));
                }
                updated.system_data["lastModifiedAt"] = json!(rfc3339(self.now()));
                Vault::apply_arm(
                    self.state,
                    &key,
                    Flavour::Vault,
                    &updated.location,
                    &updated.properties,
                );
                *vault = updated;
                Ok(Reply::json(200, &vault.json(self.state)))
            }
            "DELETE" => {
                let Some(vault) = found.map(|v| v.clone()) else {
                    return Ok(Reply::empty(204));
                };
                inner.vaults.remove(&key);
                let days = vault
                    .properties
                    .get("softDeleteRetentionInDays")
                    .and_then(Value::as_i64)
                    .unwrap_or(90);
                let now = self.now();
                inner.deleted.insert(
                    key,
                    DeletedArmVault {
                        vault,
                        deleted: now,
                        purge: now + time::Duration::days(days),
                    },
                );
                Ok(Reply::empty(200))
            }
            "PUT" => {
                let exists = found.is_some();
                drop(inner);
                self.put_vault(subscription, resource_group, name, exists)
            }
            _ => Err(self.method_not_allowed()),
        }
    }

    fn put_vault(
        &self,
        subscription: &str,
        resource_group: &str,
        name: &str,
        exists: bool,
    ) -> Result<Reply, ServiceError> {
        if let Some(problem) = vault_name_problem(name) {
            return Err(error(
                400,
                "VaultNameNotValid",
                format!("The vault name '{name}' is invalid: it {problem}."),
            ));
        }
        let body = self.body()?;
        let location = body["location"].as_str().unwrap_or_default().to_string();
        if location.is_empty() {
            return Err(bad_request("The 'location' property is required."));
        }
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
        let now = self.now();
        let mut inner = self.inner();
        if !exists {
            if let Some(other) = inner.vaults.get(&key) {
                return Err(error(409, "VaultAlreadyExists", format!("The vault name '{}' is already in use (resource group '{}'). Vault names are global.", other.name, other.resource_group)));
            }
            if inner.deleted.contains_key(&key) && !recover {
                return Err(error(409, "ConflictError", format!("A vault with the same name already exists in deleted state. You need to either recover or purge existing key vault. Vault name: '{name}'.")));
            }
        }
        if recover && !exists {
            let Some(deleted) = inner.deleted.remove(&key) else {
                return Err(error(
                    404,
                    "ResourceNotFound",
                    format!("No deleted vault named '{name}' was found to recover."),
                ));
            };
            let mut vault = deleted.vault;
            vault.subscription = subscription.to_string();
            vault.resource_group = resource_group.to_string();
            vault.system_data["lastModifiedAt"] = json!(rfc3339(now));
            inner.vaults.insert(key, vault.clone());
            return Ok(Reply::json(200, &vault.json(self.state)));
        }
        if properties.get("tenantId").and_then(Value::as_str).is_none() {
            return Err(bad_request(
                "The 'properties.tenantId' property is required.",
            ));
        }
        if properties.get("sku").and_then(Value::as_object).is_none() {
            return Err(bad_request("The 'properties.sku' property is required."));
        }
        check_properties(&properties)?;
        // Without the port: `json` adds the one the emulator listens on when it answers.
        properties.insert(
            "vaultUri".into(),
            json!(format!("https://{key}.vault.azure.net/")),
        );
        properties.entry("enableSoftDelete").or_insert(json!(true));
        properties
            .entry("softDeleteRetentionInDays")
            .or_insert(json!(90));
        properties
            .entry("enableRbacAuthorization")
            .or_insert(json!(false));
        properties.entry("accessPolicies").or_insert(json!([]));
        properties
            .entry("publicNetworkAccess")
            .or_insert(json!("Enabled"));
        let who = &self.state.client_id;
        let stamp = rfc3339(now);
        if exists {
            let vault = inner
                .vaults
                .get_mut(&key)
                .ok_or_else(|| self.not_found(resource_group, name))?;
            if vault.properties.get("enablePurgeProtection") == Some(&json!(true))
                && properties.get("enablePurgeProtection") != Some(&json!(true))
            {
                return Err(bad_request(
                    "Purge protection cannot be disabled once it is enabled.",
                ));
            }
            properties.insert("provisioningState".into(), json!("Succeeded"));
            Vault::apply_arm(self.state, &key, Flavour::Vault, &location, &properties);
            vault.location = location;
            vault.tags = body.get("tags").cloned().unwrap_or_else(|| json!({}));
            vault.properties = properties;
            vault.system_data["lastModifiedAt"] = json!(stamp);
            vault.system_data["lastModifiedBy"] = json!(who);
            return Ok(Reply::json(200, &vault.json(self.state)));
        }
        properties.insert("provisioningState".into(), json!("RegisteringDns"));
        let vault = ArmVault {
            subscription: subscription.to_string(),
            resource_group: resource_group.to_string(),
            name: name.to_string(),
            location: location.clone(),
            tags: body.get("tags").cloned().unwrap_or_else(|| json!({})),
            properties,
            system_data: json!({
                "createdBy": who, "createdByType": "Application", "createdAt": stamp,
                "lastModifiedBy": who, "lastModifiedByType": "Application", "lastModifiedAt": stamp,
            }),
            progress: self.progress(2),
        };
        let reply_body = vault.json(self.state);
        let progress = vault.progress;
        Vault::apply_arm(
            self.state,
            &key,
            Flavour::Vault,
            &vault.location,
            &vault.properties,
        );
        inner.vaults.insert(key.clone(), vault);
        let id = uuid::Uuid::new_v4().to_string();
        inner.operations.insert(
            id.clone(),
            Operation {
                kind: OperationKind::Create(key),
                started: now,
                progress,
            },
        );
        let mut reply = Reply::json(201, &reply_body);
        reply.headers.push((
            "azure-asyncoperation".into(),
            self.operation_url(subscription, &location, "asyncOperations", &id),
        ));
        reply.headers.push((
            "location".into(),
            self.operation_url(subscription, &location, "operationResults", &id),
        ));
        reply.headers.push(progress.retry_after(self.now()));
        Ok(reply)
    }

    fn list_vaults(&self, scope: Option<(&str, &str)>) -> Result<Reply, ServiceError> {
        if self.req.method != hyper::Method::GET {
            return Err(self.method_not_allowed());
        }
        let subscription = &self.req.segments[1];
        let now = self.now();
        let mut inner = self.inner();
        let items: Vec<Value> = inner
            .vaults
            .values_mut()
            .filter(|v| v.subscription.eq_ignore_ascii_case(subscription))
            .filter(|v| scope.is_none_or(|(_, rg)| v.resource_group.eq_ignore_ascii_case(rg)))
            .map(|v| {
                v.observe(now);
                v.json(self.state)
            })
            .collect();
        self.page(items)
    }

    /// ARM's generic resource list (`Vaults_List` uses it), over what this provider holds:
    /// vaults and Managed HSM pools, each with its id, name, type, region and tags only.
    fn list_resources(&self, subscription: &str) -> Result<Reply, ServiceError> {
        if self.req.method != hyper::Method::GET {
            return Err(self.method_not_allowed());
        }
        let wanted = self
            .req
            .query("$filter")
            .map(resource_type_filter)
            .transpose()?;
        let mut items: Vec<Value> = self
            .inner()
            .vaults
            .values()
            .filter(|v| v.subscription.eq_ignore_ascii_case(subscription))
            .map(|v| v.json(self.state))
            .collect();
        items.extend(crate::arm::hsm::pools_of(self.state, subscription));
        let items = items
            .iter()
            .filter(|r| {
                wanted.is_none_or(|t| {
                    r["type"]
                        .as_str()
                        .is_some_and(|x| x.eq_ignore_ascii_case(t))
                })
            })
            .map(|r| {
                json!({
                    "id": r["id"], "name": r["name"], "type": r["type"],
                    "location": r["location"], "tags": r["tags"],
                })
            })
            .collect();
        self.page(items)
    }

    /// The provider's operations: those of the RM spec's example, which are the service's.
    fn list_operations(&self) -> Result<Reply, ServiceError> {
        if self.req.method != hyper::Method::GET {
            return Err(self.method_not_allowed());
        }
        let operations: Vec<Value> = serde_json::from_str(OPERATIONS)
            .map_err(|e| error(500, "InternalServerError", e.to_string()))?;
        self.page(operations)
    }

    fn list_deleted(&self, subscription: &str) -> Result<Reply, ServiceError> {
        if self.req.method != hyper::Method::GET {
            return Err(self.method_not_allowed());
        }
        let items: Vec<Value> = self
            .inner()
            .deleted
            .values()
            .filter(|d| d.vault.subscription.eq_ignore_ascii_case(subscription))
            .map(DeletedArmVault::json)
            .collect();
        self.page(items)
    }

    /// One page of `items`: `$top` items (all when absent) from `$skiptoken`, with a `nextLink`.
    pub(crate) fn page(&self, items: Vec<Value>) -> Result<Reply, ServiceError> {
        let top = match self.req.query("$top") {
            Some(t) => t
                .parse::<usize>()
                .ok()
                .filter(|t| *t > 0)
                .ok_or_else(|| bad_request(format!("The value '{t}' of $top is not valid.")))?,
            None => usize::MAX,
        };
        let skip = match self.req.query("$skiptoken") {
            Some(t) => t
                .parse::<usize>()
                .map_err(|_| bad_request("The $skiptoken is not valid."))?,
            None => 0,
        };
        let page: Vec<Value> = items.iter().skip(skip).take(top).cloned().collect();
        let mut body = json!({ "value": page });
        let end = skip.saturating_add(top);
        if end < items.len() {
            // The next page must be filtered as this one was.
            let filter = self
                .req
                .query("$filter")
                .map(|f| {
                    let encoded: String =
                        url::form_urlencoded::byte_serialize(f.as_bytes()).collect();
                    format!("&$filter={encoded}")
                })
                .unwrap_or_default();
            body["nextLink"] = json!(format!(
                "{}{}?api-version={}&$top={top}&$skiptoken={end}{filter}",
                self.req.base(),
                self.req.raw_path,
                self.api_version
            ));
        }
        Ok(Reply::json(200, &body))
    }

    fn deleted(&self, subscription: &str, name: &str) -> Result<Reply, ServiceError> {
        if self.req.method != hyper::Method::GET {
            return Err(self.method_not_allowed());
        }
        let inner = self.inner();
        match inner
            .deleted
            .get(&name.to_ascii_lowercase())
            .filter(|d| d.vault.subscription.eq_ignore_ascii_case(subscription))
        {
            Some(d) => Ok(Reply::json(200, &d.json())),
            None => Err(error(
                404,
                "ResourceNotFound",
                format!("The deleted vault '{name}' was not found."),
            )),
        }
    }

    fn purge(&self, subscription: &str, location: &str, name: &str) -> Result<Reply, ServiceError> {
        if self.req.method != hyper::Method::POST {
            return Err(self.method_not_allowed());
        }
        let key = name.to_ascii_lowercase();
        let now = self.now();
        let mut inner = self.inner();
        let Some(deleted) = inner
            .deleted
            .get(&key)
            .filter(|d| d.vault.subscription.eq_ignore_ascii_case(subscription))
        else {
            return Err(error(
                404,
                "ResourceNotFound",
                format!("The deleted vault '{name}' was not found."),
            ));
        };
        if !deleted.vault.location.eq_ignore_ascii_case(location) {
            return Err(error(
                404,
                "ResourceNotFound",
                format!("The deleted vault '{name}' was not found in location '{location}'."),
            ));
        }
        let protected = deleted.vault.properties.get("enablePurgeProtection") == Some(&json!(true));
        if protected && now < deleted.purge {
            return Err(error(409, "Conflict", format!("The vault '{name}' has purge protection enabled; it can be purged only after its scheduled purge date.")));
        }
        let id = uuid::Uuid::new_v4().to_string();
        let progress = self.progress(2);
        inner.operations.insert(
            id.clone(),
            Operation {
                kind: OperationKind::Purge(key),
                started: now,
                progress,
            },
        );
        let mut reply = Reply::empty(202);
        reply.headers.push((
            "location".into(),
            self.operation_url(subscription, location, "operationResults", &id),
        ));
        reply.headers.push(progress.retry_after(self.now()));
        Ok(reply)
    }

    /// Advances operation `id` by one observation; `None` when it does not exist.
    fn advance(&self, id: &str) -> Option<(Operation, bool)> {
        let now = self.now();
        let mut inner = self.inner();
        let op = inner.operations.get_mut(id)?;
        let done = op.progress.look(now);
        let op = op.clone();
        if done {
            match &op.kind {
                OperationKind::Create(key) => {
                    if let Some(vault) = inner.vaults.get_mut(key) {
                        vault.progress = Progress::finished();
                        vault.observe(now);
                    }
                }
                OperationKind::Purge(key) => {
                    inner.deleted.remove(key);
                    drop(inner);
                    lock(&self.state.vaults).remove(&vault_key(key, Flavour::Vault));
                }
            }
        }
        Some((op, done))
    }

    fn operation_not_found(id: &str) -> ServiceError {
        error(
            404,
            "ResourceNotFound",
            format!("The operation '{id}' was not found."),
        )
    }

    fn async_operation(
        &self,
        subscription: &str,
        location: &str,
        id: &str,
    ) -> Result<Reply, ServiceError> {
        if self.req.method != hyper::Method::GET {
            return Err(self.method_not_allowed());
        }
        let (op, done) = self
            .advance(id)
            .ok_or_else(|| Self::operation_not_found(id))?;
        let mut body = json!({
            "id": format!("/subscriptions/{subscription}/providers/Microsoft.KeyVault/locations/{location}/asyncOperations/{id}"),
            "name": id,
            "status": if done { "Succeeded" } else { "InProgress" },
            "startTime": rfc3339(op.started),
        });
        if done {
            body["endTime"] = json!(rfc3339(self.now()));
        }
        let mut reply = Reply::json(200, &body);
        if !done {
            reply.headers.push(op.progress.retry_after(self.now()));
        }
        Ok(reply)
    }

    fn operation_result(
        &self,
        subscription: &str,
        location: &str,
        id: &str,
    ) -> Result<Reply, ServiceError> {
        if self.req.method != hyper::Method::GET {
            return Err(self.method_not_allowed());
        }
        let (op, done) = self
            .advance(id)
            .ok_or_else(|| Self::operation_not_found(id))?;
        if done {
            // Vaults_CreateOrUpdate is `final-state-via: location` with the Vault as its final
            // state: the completed creation's `Location` answers with the vault.
            if let OperationKind::Create(key) = &op.kind {
                if let Some(vault) = self.inner().vaults.get(key) {
                    return Ok(Reply::json(200, &vault.json(self.state)));
                }
            }
            return Ok(Reply::empty(200));
        }
        let mut reply = Reply::empty(202);
        reply.headers.push((
            "location".into(),
            self.operation_url(subscription, location, "operationResults", id),
        ));
        reply.headers.push(op.progress.retry_after(self.now()));
        Ok(reply)
    }

    fn check_name(&self) -> Result<Reply, ServiceError> {
        if self.req.method != hyper::Method::POST {
            return Err(self.method_not_allowed());
        }
        let body = self.body()?;
        let name = body["name"].as_str().unwrap_or_default();
        let kind = body["type"].as_str().unwrap_or_default();
        if !kind.eq_ignore_ascii_case(VAULT_TYPE) {
            return Err(bad_request(format!(
                "The type '{kind}' is not valid; expected '{VAULT_TYPE}'."
            )));
        }
        if let Some(problem) = vault_name_problem(name) {
            return Ok(Reply::json(
                200,
                &json!({
                    "nameAvailable": false,
                    "reason": "AccountNameInvalid",
                    "message": format!("Vault name '{name}' is invalid: it {problem}."),
                }),
            ));
        }
        let key = name.to_ascii_lowercase();
        let inner = self.inner();
        if inner.vaults.contains_key(&key) || inner.deleted.contains_key(&key) {
            return Ok(Reply::json(
                200,
                &json!({
                    "nameAvailable": false,
                    "reason": "AlreadyExists",
                    "message": format!("The vault name '{name}' is already in use. Vault names are globally unique so it is possible that the name is already taken."),
                }),
            ));
        }
        Ok(Reply::json(200, &json!({ "nameAvailable": true })))
    }

    fn access_policies(
        &self,
        subscription: &str,
        resource_group: &str,
        name: &str,
        kind: &str,
    ) -> Result<Reply, ServiceError> {
        if self.req.method != hyper::Method::PUT {
            return Err(self.method_not_allowed());
        }
        let kind = kind.to_ascii_lowercase();
        if !matches!(kind.as_str(), "add" | "replace" | "remove") {
            return Err(bad_request(format!(
                "The operation kind '{kind}' is not valid: expected add, replace or remove."
            )));
        }
        let body = self.body()?;
        let requested = body["properties"]["accessPolicies"]
            .as_array()
            .cloned()
            .ok_or_else(|| bad_request("The 'properties.accessPolicies' property is required."))?;
        check_policies(&requested)?;
        let mut inner = self.inner();
        let vault = inner
            .vaults
            .get_mut(&name.to_ascii_lowercase())
            .filter(|v| {
                v.subscription.eq_ignore_ascii_case(subscription)
                    && v.resource_group.eq_ignore_ascii_case(resource_group)
            })
            .ok_or_else(|| self.not_found(resource_group, name))?;
        let mut policies = vault
            .properties
            .get("accessPolicies")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for entry in &requested {
            let position = policies.iter().position(|p| same_identity(p, entry));
            match (kind.as_str(), position) {
                ("add", Some(i)) => {
                    for category in ["keys", "secrets", "certificates", "storage"] {
                        let mut set: Vec<Value> = policies[i]["permissions"][category]
                            .as_array()
                            .cloned()
                            .unwrap_or_default();
                        for p in entry["permissions"][category]
                            .as_array()
                            .into_iter()
                            .flatten()
                        {
                            if !set.contains(p) {
                                set.push(p.clone());
                            }
                        }
                        if !set.is_empty() {
                            policies[i]["permissions"][category] = Value::Array(set);
                        }
                    }
                }
                ("replace", Some(i)) => policies[i] = entry.clone(),
                ("remove", Some(i)) => {
                    let mut empty = true;
                    for category in ["keys", "secrets", "certificates", "storage"] {
                        let remove: Vec<Value> = entry["permissions"][category]
                            .as_array()
                            .cloned()
                            .unwrap_or_default();
                        if let Some(set) = policies[i]["permissions"][category].as_array_mut() {
                            set.retain(|p| !remove.contains(p));
                            empty &= set.is_empty();
                        }
                    }
                    if empty {
                        policies.remove(i);
                    }
                }
                ("add" | "replace", None) => policies.push(entry.clone()),
                _ => {}
            }
        }
        vault
            .properties
            .insert("accessPolicies".into(), Value::Array(policies));
        vault.system_data["lastModifiedAt"] = json!(rfc3339(self.now()));
        Vault::apply_arm(
            self.state,
            &vault.name,
            Flavour::Vault,
            &vault.location,
            &vault.properties,
        );
        let id = format!("{}/accessPolicies/{kind}", vault.id());
        let location = vault.location.clone();
        Ok(Reply::json(
            200,
            &json!({
                "id": id,
                "type": "Microsoft.KeyVault/vaults/accessPolicies",
                "location": location,
                "properties": { "accessPolicies": requested },
            }),
        ))
    }
}

/// The provider's operations, copied from the RM spec's `listOperations.json` example.
const OPERATIONS: &str = include_str!("arm/operations.json");

/// The type a `resourceType eq '<type>'` filter names: the one filter `Vaults_List` sends,
/// and the only one the emulator understands.
fn resource_type_filter(filter: &str) -> Result<&str, ServiceError> {
    let words: Vec<&str> = filter.split_whitespace().collect();
    match words.as_slice() {
        [field, op, value]
            if field.eq_ignore_ascii_case("resourceType")
                && op.eq_ignore_ascii_case("eq")
                && value.len() > 2
                && value.starts_with('\'')
                && value.ends_with('\'') =>
        {
            Ok(&value[1..value.len() - 1])
        }
        _ => Err(bad_request(format!(
            "The $filter '{filter}' is not supported by the emulator: use resourceType eq '<type>'."
        ))),
    }
}

fn same_identity(a: &Value, b: &Value) -> bool {
    let eq = |k: &str| {
        a[k].as_str()
            .unwrap_or_default()
            .eq_ignore_ascii_case(b[k].as_str().unwrap_or_default())
    };
    eq("tenantId") && eq("objectId") && eq("applicationId")
}

fn check_policies(policies: &[Value]) -> Result<(), ServiceError> {
    for p in policies {
        if !p["tenantId"].as_str().is_some_and(is_guid) {
            return Err(bad_request("An access policy's 'tenantId' must be a GUID."));
        }
        if p["objectId"].as_str().is_none_or(str::is_empty) {
            return Err(bad_request("An access policy's 'objectId' is required."));
        }
        if !p["permissions"].is_object() {
            return Err(bad_request("An access policy's 'permissions' is required."));
        }
    }
    Ok(())
}

fn check_properties(properties: &Map<String, Value>) -> Result<(), ServiceError> {
    if let Some(tenant) = properties.get("tenantId") {
        if !tenant.as_str().is_some_and(is_guid) {
            return Err(bad_request("The 'properties.tenantId' must be a GUID."));
        }
    }
    if let Some(sku) = properties.get("sku") {
        let name = sku["name"].as_str().unwrap_or_default();
        if !matches!(name, "standard" | "premium") || sku["family"] != "A" {
            return Err(bad_request(format!(
                "The SKU '{sku}' is not valid: family 'A', name 'standard' or 'premium'."
            )));
        }
    }
    if let Some(days) = properties.get("softDeleteRetentionInDays") {
        if !days.as_i64().is_some_and(|d| (7..=90).contains(&d)) {
            return Err(bad_request(
                "'softDeleteRetentionInDays' must be between 7 and 90.",
            ));
        }
    }
    if let Some(policies) = properties.get("accessPolicies") {
        check_policies(policies.as_array().map(Vec::as_slice).unwrap_or_default())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arm_hosts() {
        assert!(is_arm_host("management.azure.com"));
        assert!(is_arm_host("Management.Azure.com:8443"));
        assert!(!is_arm_host("v.vault.azure.net"));
        assert!(!is_arm_host("localhost:1"));
    }

    #[test]
    fn vault_names() {
        assert_eq!(vault_name_problem("sample-vault"), None);
        for bad in ["ab", "1ab", "a--b", "ab-", "a_b", &"a".repeat(25)] {
            assert!(vault_name_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn resource_type_filters() {
        assert_eq!(
            resource_type_filter("resourceType eq 'Microsoft.KeyVault/vaults'").unwrap(),
            "Microsoft.KeyVault/vaults"
        );
        assert_eq!(
            resource_type_filter("  RESOURCETYPE  EQ  'x/y' ").unwrap(),
            "x/y"
        );
        for bad in [
            "",
            "resourceType eq vaults",
            "name eq 'v'",
            "resourceType eq ''",
            "resourceType ne 'x'",
        ] {
            assert!(resource_type_filter(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_operations_are_valid_json() {
        let operations: Vec<Value> = serde_json::from_str(OPERATIONS).unwrap();
        assert!(operations
            .iter()
            .any(|o| o["name"] == "Microsoft.KeyVault/vaults/read"));
    }

    #[test]
    fn identities_compare_without_case() {
        let a = json!({"tenantId":"A","objectId":"o"});
        let b = json!({"tenantId":"a","objectId":"O"});
        assert!(same_identity(&a, &b));
        assert!(!same_identity(
            &a,
            &json!({"tenantId":"a","objectId":"o","applicationId":"x"})
        ));
    }
}
