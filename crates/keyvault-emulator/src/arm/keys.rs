//! The keys sub-resource of ARM vaults and Managed HSM pools
//! (`.../{vaults|managedHSMs}/{name}/keys[/{key}[/versions[/{version}]]]`): create-if-not-exist,
//! get, get version, list and list versions. Every call is answered by the data-plane keys
//! handler of `{name}.vault.azure.net` or `{name}.managedhsm.azure.net` (real key generation,
//! rotation policies, release policies), and its key bundles are shown in ARM's shape.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use bytes::Bytes;
use hyper::header::HeaderMap;
use hyper::Method;
use serde_json::{json, Map, Value};

use crate::arm::{bad_request, vault_of, Ctx, PROVIDER};
use crate::errors::ServiceError;
use crate::http::api_version::ApiVersion;
use crate::http::{Reply, Req};
use crate::storage::vault::{vault_key, Flavour};
use crate::sync::lock;

/// The data-plane API version the ARM provider speaks to its vaults.
const DATA_PLANE_API: &str = "2026-04-01";

/// Answers the keys paths; `None` for any other path.
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
        "",
        "",
        "keys",
    ];
    if l.len() < prefix.len() || !l.iter().zip(prefix).all(|(a, b)| b.is_empty() || *a == b) {
        return None;
    }
    let flavour = match l[6] {
        "vaults" => Flavour::Vault,
        "managedhsms" => Flavour::ManagedHsm,
        _ => return None,
    };
    let (sub, rg, vault_name) = (s[1], s[3], s[7]);
    let rest = &s[9..];
    let lower_rest = &l[9..];
    let reply = (|| {
        let v = Vault::find(ctx, flavour, sub, rg, vault_name)?;
        match (ctx.req.method.as_str(), lower_rest) {
            ("GET", []) => list(ctx, &v, "keys", None),
            ("PUT", [_]) => create_if_not_exist(ctx, &v, rest[0]),
            ("GET", [_]) => {
                let bundle = v.call(ctx, Method::GET, &["keys", rest[0]], None)?;
                Ok(Reply::json(200, &v.arm(&bundle, false)))
            }
            ("GET", [_, "versions"]) => list(ctx, &v, rest[0], Some(())),
            ("GET", [_, "versions", _]) => {
                let bundle = v.call(ctx, Method::GET, &["keys", rest[0], rest[2]], None)?;
                Ok(Reply::json(200, &v.arm(&bundle, true)))
            }
            (_, [] | [_] | [_, "versions"] | [_, "versions", _]) => Err(ctx.method_not_allowed()),
            _ => Err(crate::arm::error(
                404,
                "InvalidResourceType",
                format!(
                    "The resource path '{}' is not known to the emulator.",
                    ctx.req.raw_path
                ),
            )),
        }
    })();
    Some(reply)
}

/// An ARM vault or pool and the data-plane host that serves it.
struct Vault {
    id: String,
    location: String,
    name: String,
    host: String,
    flavour: Flavour,
}

impl Vault {
    fn find(
        ctx: &Ctx<'_>,
        flavour: Flavour,
        subscription: &str,
        resource_group: &str,
        name: &str,
    ) -> Result<Self, ServiceError> {
        let found = match flavour {
            Flavour::ManagedHsm => {
                crate::arm::hsm::hsm_of(ctx.state, subscription, resource_group, name)
            }
            _ => vault_of(ctx.state, subscription, resource_group, name),
        };
        let (id, location) = found.ok_or_else(|| match flavour {
            Flavour::ManagedHsm => crate::arm::error(
                404,
                "ResourceNotFound",
                format!("The Resource 'Microsoft.KeyVault/managedHSMs/{name}' under resource group '{resource_group}' was not found."),
            ),
            _ => ctx.not_found(resource_group, name),
        })?;
        let port = ctx
            .req
            .host
            .rsplit_once(':')
            .map(|(_, p)| format!(":{p}"))
            .unwrap_or_default();
        let name = name.to_ascii_lowercase();
        Ok(Vault {
            id,
            location,
            host: match flavour {
                Flavour::ManagedHsm => format!("{name}.managedhsm.azure.net{port}"),
                _ => format!("{name}.vault.azure.net{port}"),
            },
            name,
            flavour,
        })
    }

    /// Sends a request to the data-plane keys handler of this vault; a non-200 answer is
    /// returned as the error it is.
    fn call(
        &self,
        ctx: &Ctx<'_>,
        method: Method,
        segments: &[&str],
        body: Option<&Value>,
    ) -> Result<Value, ServiceError> {
        self.call_query(ctx, method, segments, body, Vec::new())
    }

    fn call_query(
        &self,
        ctx: &Ctx<'_>,
        method: Method,
        segments: &[&str],
        body: Option<&Value>,
        mut query: Vec<(String, String)>,
    ) -> Result<Value, ServiceError> {
        query.push(("api-version".into(), DATA_PLANE_API.into()));
        let raw_query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&query)
            .finish();
        let req = Req {
            method,
            host: self.host.clone(),
            raw_path: format!("/{}", segments.join("/")),
            segments: segments.iter().map(|s| s.to_string()).collect(),
            raw_query,
            query,
            headers: HeaderMap::new(),
            body: body.map(|b| Bytes::from(b.to_string())).unwrap_or_default(),
        };
        let state = ctx.state;
        let api = ApiVersion::parse(Some(DATA_PLANE_API))?;
        let reply = {
            let mut vaults = lock(&state.vaults);
            let vault = vaults
                .entry(vault_key(&self.name, self.flavour))
                .or_default();
            let data_ctx = crate::http::Ctx {
                base: format!("https://{}", self.host),
                api,
                now: state.clock.now(),
                latency: *lock(&state.delete_latency),
                state,
                flavour: self.flavour,
                retention: vault.retention,
            };
            crate::keys::handle(&data_ctx, vault, &req, segments)?
        };
        let value: Value = reply
            .body
            .as_deref()
            .and_then(|b| serde_json::from_slice(b).ok())
            .unwrap_or(Value::Null);
        if reply.status == 200 {
            Ok(value)
        } else {
            let code = value["error"]["code"]
                .as_str()
                .unwrap_or("BadRequest")
                .to_string();
            let message = value["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            Err(ServiceError::new(reply.status, &code, message))
        }
    }

    /// A data-plane key bundle in ARM's shape.
    fn arm(&self, bundle: &Value, version: bool) -> Value {
        let key = &bundle["key"];
        let kid = key["kid"].as_str().unwrap_or_default();
        let mut parts = kid.rsplitn(2, '/');
        let key_version = parts.next().unwrap_or_default();
        let key_uri = parts.next().unwrap_or_default();
        let name = key_uri.rsplit('/').next().unwrap_or_default();
        let mut attributes = Map::new();
        for field in [
            "enabled",
            "nbf",
            "exp",
            "created",
            "updated",
            "recoveryLevel",
            "exportable",
        ] {
            if let Some(v) = bundle["attributes"].get(field) {
                attributes.insert(field.into(), v.clone());
            }
        }
        let mut properties = json!({
            "attributes": attributes,
            "kty": key["kty"],
            "keyOps": key["key_ops"],
            "keyUri": key_uri,
            "keyUriWithVersion": kid,
        });
        if let Some(n) = key["n"].as_str() {
            if let Ok(bytes) = URL_SAFE_NO_PAD.decode(n.trim_end_matches('=')) {
                let significant = bytes.iter().skip_while(|b| **b == 0).count();
                properties["keySize"] = json!(significant * 8);
            }
        }
        if let Some(crv) = key.get("crv") {
            properties["curveName"] = crv.clone();
        }
        if let Some(policy) = bundle.get("release_policy") {
            properties["release_policy"] = policy.clone();
        }
        let resource = match self.flavour {
            Flavour::ManagedHsm => "Microsoft.KeyVault/managedHSMs/keys",
            _ => "Microsoft.KeyVault/vaults/keys",
        };
        let (id, kind) = if version {
            (
                format!("{}/keys/{name}/versions/{key_version}", self.id),
                format!("{resource}/versions"),
            )
        } else {
            (format!("{}/keys/{name}", self.id), resource.to_string())
        };
        json!({
            "id": id,
            "name": if version { key_version } else { name },
            "type": kind,
            "location": self.location,
            "tags": bundle.get("tags").cloned().unwrap_or_else(|| json!({})),
            "properties": properties,
        })
    }
}

fn create_if_not_exist(ctx: &Ctx<'_>, v: &Vault, name: &str) -> Result<Reply, ServiceError> {
    let body = ctx.body()?;
    match v.call(ctx, Method::GET, &["keys", name], None) {
        Ok(existing) => return Ok(Reply::json(200, &v.arm(&existing, false))),
        Err(e) if e.status == 404 => {}
        Err(e) => return Err(e),
    }
    let p = &body["properties"];
    let kty = p["kty"]
        .as_str()
        .ok_or_else(|| bad_request("The 'properties.kty' property is required."))?;
    let mut create = json!({ "kty": kty });
    if let Some(size) = p.get("keySize") {
        create["key_size"] = size.clone();
    }
    if let Some(crv) = p.get("curveName") {
        create["crv"] = crv.clone();
    }
    if let Some(ops) = p.get("keyOps") {
        create["key_ops"] = ops.clone();
    }
    if let Some(attributes) = p.get("attributes").and_then(Value::as_object) {
        let mut a = Map::new();
        for field in ["enabled", "nbf", "exp", "exportable"] {
            if let Some(value) = attributes.get(field) {
                a.insert(field.into(), value.clone());
            }
        }
        create["attributes"] = Value::Object(a);
    }
    if let Some(tags) = body.get("tags") {
        create["tags"] = tags.clone();
    }
    if let Some(policy) = p.get("release_policy") {
        create["release_policy"] = policy.clone();
    }
    let mut bundle = v.call(ctx, Method::POST, &["keys", name, "create"], Some(&create))?;
    if let Some(policy) = p.get("rotationPolicy") {
        let mut rotation = json!({
            "lifetimeActions": policy.get("lifetimeActions").cloned().unwrap_or_else(|| json!([])),
        });
        if let Some(expiry) = policy["attributes"].get("expiryTime") {
            rotation["attributes"] = json!({ "expiryTime": expiry });
        }
        v.call(
            ctx,
            Method::PUT,
            &["keys", name, "rotationpolicy"],
            Some(&rotation),
        )?;
        bundle = v.call(ctx, Method::GET, &["keys", name], None)?;
    }
    let mut arm = v.arm(&bundle, false);
    if let Some(policy) = p.get("rotationPolicy") {
        arm["properties"]["rotationPolicy"] = policy.clone();
    }
    Ok(Reply::json(200, &arm))
}

/// Every key (`versions_of` = None) or every version of key `name`, in ARM's shape and paged
/// by ARM's `$top`/`$skiptoken`.
fn list(
    ctx: &Ctx<'_>,
    v: &Vault,
    name: &str,
    versions_of: Option<()>,
) -> Result<Reply, ServiceError> {
    let segments: Vec<&str> = match versions_of {
        Some(()) => vec!["keys", name, "versions"],
        None => vec!["keys"],
    };
    let mut kids = Vec::new();
    let mut query: Vec<(String, String)> = vec![("maxresults".into(), "25".into())];
    loop {
        let page = v.call_query(ctx, Method::GET, &segments, None, query)?;
        for item in page["value"].as_array().into_iter().flatten() {
            if let Some(kid) = item["kid"].as_str() {
                kids.push(kid.to_string());
            }
        }
        let Some(next) = page["nextLink"]
            .as_str()
            .and_then(|l| url::Url::parse(l).ok())
        else {
            break;
        };
        query = next
            .query_pairs()
            .filter(|(k, _)| k != "api-version")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    }
    let mut items = Vec::new();
    for kid in kids {
        let path: Vec<&str> = kid
            .splitn(4, '/')
            .nth(3)
            .unwrap_or_default()
            .split('/')
            .filter(|s| !s.is_empty())
            .collect();
        let bundle = v.call(ctx, Method::GET, &path, None)?;
        items.push(v.arm(&bundle, versions_of.is_some()));
    }
    ctx.page(items)
}
