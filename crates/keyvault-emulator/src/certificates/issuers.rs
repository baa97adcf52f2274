//! Certificate issuers: `/certificates/issuers[/{issuer-name}]` (set, update, get, delete, list).
//! The issuer's password is kept (an issuer needs it) but never answered nor printed.

use hyper::Method;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::{Certificates, CARRY};
use crate::errors::ServiceError;
use crate::http::paging::{self, PageRequest};
use crate::http::{method_not_allowed, Ctx, Reply, Req};
use crate::lifecycle::validate_name;
pub(crate) use crate::storage::certificates::Issuer;

impl Drop for Issuer {
    fn drop(&mut self) {
        if let Some(p) = self.password.as_mut() {
            zeroize::Zeroize::zeroize(p);
        }
    }
}

#[derive(Debug, Deserialize)]
struct CredentialsIn {
    account_id: Option<String>,
    pwd: Option<String>,
}

#[derive(Debug, Deserialize)]
struct AttributesIn {
    enabled: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct IssuerIn {
    provider: Option<String>,
    credentials: Option<CredentialsIn>,
    org_details: Option<Value>,
    attributes: Option<AttributesIn>,
}

fn not_found(name: &str) -> ServiceError {
    ServiceError::new(
        404,
        "CertificateIssuerNotFound",
        format!("Issuer not found: {name}"),
    )
}

fn id(ctx: &Ctx<'_>, name: &str) -> String {
    format!("{}/certificates/issuers/{name}", ctx.base)
}

fn bundle(ctx: &Ctx<'_>, i: &Issuer) -> Value {
    let mut b = Map::new();
    b.insert("id".into(), json!(id(ctx, &i.name)));
    b.insert("provider".into(), json!(i.provider));
    if let Some(account) = &i.account_id {
        b.insert("credentials".into(), json!({ "account_id": account }));
    }
    if let Some(org) = &i.org_details {
        b.insert("org_details".into(), org.clone());
    }
    b.insert(
        "attributes".into(),
        json!({"enabled": i.enabled, "created": i.created, "updated": i.updated}),
    );
    Value::Object(b)
}

fn apply(i: &mut Issuer, params: IssuerIn) -> Result<(), ServiceError> {
    if let Some(provider) = params.provider {
        i.provider = provider;
    }
    if let Some(c) = params.credentials {
        if c.account_id.is_some() {
            i.account_id = c.account_id;
        }
        if c.pwd.is_some() {
            i.password = c.pwd;
        }
    }
    if let Some(org) = params.org_details {
        if !org.is_object() {
            return Err(ServiceError::bad_parameter(
                "org_details must be an object.",
            ));
        }
        i.org_details = Some(org);
    }
    if let Some(enabled) = params.attributes.and_then(|a| a.enabled) {
        i.enabled = enabled;
    }
    Ok(())
}

/// Answers `/certificates/issuers` (`name` None) and `/certificates/issuers/{name}`.
pub(crate) fn handle(
    ctx: &Ctx<'_>,
    certs: &mut Certificates,
    req: &Req,
    name: Option<&str>,
) -> Result<Reply, ServiceError> {
    let Some(name) = name else {
        return match req.method {
            Method::GET => {
                let paging = PageRequest::of(req)?;
                let items = paging::range_after(&certs.issuers, paging.after());
                let path = "/certificates/issuers";
                Ok(paging.reply(
                    ctx,
                    req,
                    path,
                    CARRY,
                    items,
                    |i| json!({"id": id(ctx, &i.name), "provider": i.provider}),
                ))
            }
            _ => Err(method_not_allowed(req)),
        };
    };
    validate_name(name)?;
    let key = name.to_ascii_lowercase();
    let now = ctx.now.unix_timestamp();
    match req.method {
        Method::PUT => {
            let params: IssuerIn = req.json()?;
            if params.provider.as_deref().is_none_or(str::is_empty) {
                return Err(ServiceError::bad_parameter(
                    "The request body must contain the property 'provider'.",
                ));
            }
            let created = certs.issuers.get(&key).map_or(now, |i| i.created);
            let mut issuer = Issuer {
                name: name.to_string(),
                provider: String::new(),
                account_id: None,
                password: None,
                org_details: None,
                enabled: true,
                created,
                updated: now,
            };
            apply(&mut issuer, params)?;
            let reply = bundle(ctx, &issuer);
            certs.issuers.insert(key, issuer);
            Ok(Reply::json(200, &reply))
        }
        Method::PATCH => {
            let params: IssuerIn = req.json()?;
            let issuer = certs.issuers.get_mut(&key).ok_or_else(|| not_found(name))?;
            apply(issuer, params)?;
            issuer.updated = now;
            Ok(Reply::json(200, &bundle(ctx, issuer)))
        }
        Method::GET => {
            let issuer = certs.issuers.get(&key).ok_or_else(|| not_found(name))?;
            Ok(Reply::json(200, &bundle(ctx, issuer)))
        }
        Method::DELETE => {
            let issuer = certs.issuers.remove(&key).ok_or_else(|| not_found(name))?;
            Ok(Reply::json(200, &bundle(ctx, &issuer)))
        }
        _ => Err(method_not_allowed(req)),
    }
}
