//! Certificate contacts: `PUT`, `GET` and `DELETE /certificates/contacts`.

use hyper::Method;
use serde::Deserialize;
use serde_json::{json, Value};

use super::Certificates;
use crate::errors::ServiceError;
use crate::http::{method_not_allowed, Ctx, Reply, Req};

#[derive(Debug, Deserialize)]
struct ContactsIn {
    contacts: Option<Vec<ContactIn>>,
}

#[derive(Debug, Deserialize)]
struct ContactIn {
    email: Option<String>,
    name: Option<String>,
    phone: Option<String>,
}

fn not_found() -> ServiceError {
    ServiceError::new(404, "ContactsNotFound", "Contacts not found")
}

fn body(ctx: &Ctx<'_>, contacts: &[Value]) -> Value {
    json!({ "id": format!("{}/certificates/contacts", ctx.base), "contacts": contacts })
}

/// Answers `/certificates/contacts`.
pub(crate) fn handle(
    ctx: &Ctx<'_>,
    certs: &mut Certificates,
    req: &Req,
) -> Result<Reply, ServiceError> {
    match req.method {
        Method::PUT => {
            let params: ContactsIn = req.json()?;
            let mut contacts = Vec::new();
            for c in params.contacts.unwrap_or_default() {
                let mut v = serde_json::Map::new();
                if let Some(email) = c.email {
                    v.insert("email".into(), json!(email));
                }
                if let Some(name) = c.name {
                    v.insert("name".into(), json!(name));
                }
                if let Some(phone) = c.phone {
                    v.insert("phone".into(), json!(phone));
                }
                if v.is_empty() {
                    return Err(ServiceError::bad_parameter(
                        "A contact must have an email, a name or a phone number.",
                    ));
                }
                contacts.push(Value::Object(v));
            }
            let reply = body(ctx, &contacts);
            certs.contacts = Some(contacts);
            Ok(Reply::json(200, &reply))
        }
        Method::GET => match &certs.contacts {
            Some(contacts) => Ok(Reply::json(200, &body(ctx, contacts))),
            None => Err(not_found()),
        },
        Method::DELETE => match certs.contacts.take() {
            Some(contacts) => Ok(Reply::json(200, &body(ctx, &contacts))),
            None => Err(not_found()),
        },
        _ => Err(method_not_allowed(req)),
    }
}
