//! The secrets sub-resource of ARM vaults (`.../vaults/{vault}/secrets/{name}`): PUT, PATCH, GET
//! and list, backed by the data-plane store of the same vault, so a secret set through ARM is
//! read on `{vault}.vault.azure.net` and the other way round. ARM never returns a value.

use serde_json::{json, Map, Value};

use crate::arm::{bad_request, error, vault_of, Ctx, PROVIDER};
use crate::errors::ServiceError;
use crate::http::Reply;
use crate::secrets::SecretVersion;
use crate::storage::store::{Lookup, Object};
use crate::storage::vault::{vault_key, Flavour};
use crate::sync::lock;

/// Answers the secrets paths; `None` for any other path.
pub(crate) fn dispatch(
    ctx: &Ctx<'_>,
    s: &[&str],
    l: &[&str],
) -> Option<Result<Reply, ServiceError>> {
    let reply = match l {
        ["subscriptions", _, "resourcegroups", _, "providers", PROVIDER, "vaults", _, "secrets"] => {
            list(ctx, s[1], s[3], s[7])
        }
        ["subscriptions", _, "resourcegroups", _, "providers", PROVIDER, "vaults", _, "secrets", _] => {
            secret(ctx, s[1], s[3], s[7], s[9])
        }
        _ => return None,
    };
    Some(reply)
}

struct VaultRef {
    id: String,
    location: String,
    /// The data-plane vault name (lower case).
    name: String,
}

fn vault(
    ctx: &Ctx<'_>,
    subscription: &str,
    resource_group: &str,
    name: &str,
) -> Result<VaultRef, ServiceError> {
    let (id, location) = vault_of(ctx.state, subscription, resource_group, name)
        .ok_or_else(|| ctx.not_found(resource_group, name))?;
    Ok(VaultRef {
        id,
        location,
        name: name.to_ascii_lowercase(),
    })
}

fn secret_not_found(name: &str) -> ServiceError {
    error(
        404,
        "ResourceNotFound",
        format!("The secret '{name}' was not found."),
    )
}

fn port(ctx: &Ctx<'_>) -> String {
    ctx.req
        .host
        .rsplit_once(':')
        .map(|(_, p)| format!(":{p}"))
        .unwrap_or_default()
}

fn json_of(ctx: &Ctx<'_>, v: &VaultRef, object: &Object<SecretVersion>) -> Option<Value> {
    let latest = object.latest()?;
    let uri = format!(
        "https://{}.vault.azure.net{}/secrets/{}",
        v.name,
        port(ctx),
        object.name
    );
    let mut attributes = json!({
        "enabled": latest.enabled,
        "created": latest.created,
        "updated": latest.updated,
    });
    if let Some(nbf) = latest.nbf {
        attributes["nbf"] = json!(nbf);
    }
    if let Some(exp) = latest.exp {
        attributes["exp"] = json!(exp);
    }
    let mut properties = json!({
        "attributes": attributes,
        "secretUri": uri,
        "secretUriWithVersion": format!("{uri}/{}", latest.version),
    });
    if let Some(content_type) = &latest.content_type {
        properties["contentType"] = json!(content_type);
    }
    Some(json!({
        "id": format!("{}/secrets/{}", v.id, object.name),
        "name": object.name,
        "type": "Microsoft.KeyVault/vaults/secrets",
        "location": v.location,
        "tags": latest.tags.clone().unwrap_or_default(),
        "properties": properties,
    }))
}

/// Applies `contentType` and `attributes` (`enabled`, `nbf`, `exp`) of a request to a version.
fn apply(version: &mut SecretVersion, properties: &Map<String, Value>) -> Result<(), ServiceError> {
    if let Some(content_type) = properties.get("contentType") {
        version.content_type = content_type.as_str().map(str::to_string);
    }
    if let Some(attributes) = properties.get("attributes") {
        if let Some(enabled) = attributes.get("enabled") {
            version.enabled = enabled
                .as_bool()
                .ok_or_else(|| bad_request("'attributes.enabled' must be a boolean."))?;
        }
        for (key, slot) in [("nbf", &mut version.nbf), ("exp", &mut version.exp)] {
            if let Some(value) = attributes.get(key) {
                *slot = match value {
                    Value::Null => None,
                    other => Some(other.as_i64().ok_or_else(|| {
                        bad_request(format!("'attributes.{key}' must be unix seconds."))
                    })?),
                };
            }
        }
    }
    Ok(())
}

fn tags_of(body: &Value) -> Option<std::collections::BTreeMap<String, String>> {
    body.get("tags").and_then(Value::as_object).map(|t| {
        t.iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
            .collect()
    })
}

fn secret(
    ctx: &Ctx<'_>,
    subscription: &str,
    resource_group: &str,
    vault_name: &str,
    name: &str,
) -> Result<Reply, ServiceError> {
    let v = vault(ctx, subscription, resource_group, vault_name)?;
    if name.is_empty()
        || name.len() > 127
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(bad_request(format!(
            "The secret name '{name}' is invalid: 1 to 127 of 0-9, a-z, A-Z and '-'."
        )));
    }
    let now = ctx.now();
    let mut vaults = lock(&ctx.state.vaults);
    let data = vaults
        .entry(vault_key(&v.name, Flavour::Vault))
        .or_default();
    match ctx.req.method.as_str() {
        "GET" => match data.secrets.lookup(name, now) {
            Lookup::Active(object) => {
                let body = json_of(ctx, &v, object).ok_or_else(|| secret_not_found(name))?;
                Ok(Reply::json(200, &body))
            }
            _ => Err(secret_not_found(name)),
        },
        "PUT" | "PATCH" => {
            let body = ctx.body()?;
            let properties = body["properties"].as_object().cloned().unwrap_or_default();
            let value = match properties.get("value") {
                None => None,
                Some(value) => Some(
                    value
                        .as_str()
                        .ok_or_else(|| bad_request("'properties.value' must be a string."))?
                        .to_string(),
                ),
            };
            let put = ctx.req.method == hyper::Method::PUT;
            if put && value.is_none() {
                return Err(bad_request("The 'properties.value' property is required."));
            }
            let previous = match data.secrets.lookup(name, now) {
                Lookup::Missing if put => None,
                Lookup::Missing => return Err(secret_not_found(name)),
                Lookup::Active(object) => object.latest().cloned(),
                _ => {
                    return Err(error(
                        409,
                        "Conflict",
                        format!("Secret '{name}' is deleted or being deleted or recovered."),
                    ));
                }
            };
            let stamp = now.unix_timestamp();
            let created_new = previous.is_none();
            match (value, previous) {
                (Some(value), previous) => {
                    let mut version = SecretVersion {
                        version: uuid::Uuid::new_v4().simple().to_string(),
                        value,
                        content_type: None,
                        tags: None,
                        enabled: true,
                        nbf: None,
                        exp: None,
                        created: stamp,
                        updated: stamp,
                        managed: None,
                        kid: None,
                    };
                    if let (false, Some(previous)) = (put, previous) {
                        version.content_type = previous.content_type;
                        version.tags = previous.tags;
                        version.enabled = previous.enabled;
                        version.nbf = previous.nbf;
                        version.exp = previous.exp;
                    }
                    apply(&mut version, &properties)?;
                    if let Some(tags) = tags_of(&body) {
                        version.tags = Some(tags);
                    }
                    data.secrets.push_version(name, version);
                }
                (None, _) => {
                    let Lookup::Active(object) = data.secrets.lookup(name, now) else {
                        return Err(secret_not_found(name));
                    };
                    let latest = object
                        .versions
                        .last_mut()
                        .ok_or_else(|| secret_not_found(name))?;
                    let mut updated = latest.clone();
                    apply(&mut updated, &properties)?;
                    if let Some(tags) = tags_of(&body) {
                        updated.tags = Some(tags);
                    }
                    updated.updated = stamp;
                    *latest = updated;
                }
            }
            let Lookup::Active(object) = data.secrets.lookup(name, now) else {
                return Err(secret_not_found(name));
            };
            let body = json_of(ctx, &v, object).ok_or_else(|| secret_not_found(name))?;
            Ok(Reply::json(if created_new { 201 } else { 200 }, &body))
        }
        _ => Err(ctx.method_not_allowed()),
    }
}

fn list(
    ctx: &Ctx<'_>,
    subscription: &str,
    resource_group: &str,
    vault_name: &str,
) -> Result<Reply, ServiceError> {
    if ctx.req.method != hyper::Method::GET {
        return Err(ctx.method_not_allowed());
    }
    let v = vault(ctx, subscription, resource_group, vault_name)?;
    let now = ctx.now();
    let items: Vec<Value> = {
        let mut vaults = lock(&ctx.state.vaults);
        let data = vaults
            .entry(vault_key(&v.name, Flavour::Vault))
            .or_default();
        data.secrets
            .active(now)
            .filter_map(|(_, object)| json_of(ctx, &v, object))
            .collect()
    };
    ctx.page(items)
}
