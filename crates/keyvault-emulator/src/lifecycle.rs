//! What secrets, keys and certificates share: the soft-delete lifecycle (delete, get and list
//! deleted, recover, purge), the lists of objects and of versions, and the name checks and error
//! texts of each state of a name.
//!
//! A kind gives its names and texts ([`Names`]), its store and the JSON of its objects
//! ([`Lifecycle`]). What a transition does besides moving the object (a certificate's managed
//! secret and key, a key's rotation policy) is in the kind's hooks.

use hyper::Method;
use serde_json::{json, Map, Value};

use crate::errors::ServiceError;
use crate::http::paging::{by_index, PageRequest};
use crate::http::{method_not_allowed, not_found as route_not_found, Ctx, Reply, Req};
use crate::storage::store::{Deletion, Lookup, Object, ObjectState, Store};
use crate::storage::vault::Vault;

/// The names and error texts of a kind of object.
#[derive(Debug)]
pub(crate) struct Names {
    /// The kind as a message starts with it: `Secret`.
    pub(crate) title: &'static str,
    /// The kind within a sentence: `secret`.
    pub(crate) noun: &'static str,
    /// The collection of the objects in paths and ids: `secrets`.
    pub(crate) collection: &'static str,
    /// The collection of the deleted objects: `deletedsecrets`.
    pub(crate) deleted_collection: &'static str,
    /// The code of a 404: `SecretNotFound`.
    pub(crate) not_found_code: &'static str,
    /// The query parameters the `nextLink` of a list carries.
    pub(crate) carry: &'static [&'static str],
}

impl Names {
    /// 404: no active object (or version) `name`.
    pub(crate) fn not_found(&self, name: &str) -> ServiceError {
        let noun = self.noun;
        ServiceError::new(
            404,
            self.not_found_code,
            format!("A {noun} with (name/id) {name} was not found in this key vault. If you recently deleted this {noun} you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182"),
        )
    }

    /// 404: no deleted object `name`.
    fn deleted_not_found(&self, name: &str) -> ServiceError {
        ServiceError::new(
            404,
            self.not_found_code,
            format!("Deleted {} not found: {name}", self.title),
        )
    }

    /// 409: `name` is deleted, so it can be neither written nor restored.
    fn deleted_conflict(&self, name: &str) -> ServiceError {
        ServiceError::conflict(
            format!("{} {name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the {} can only be recovered or purged.", self.title, self.noun),
            "ObjectIsDeletedButRecoverable",
        )
    }

    /// 409: the deletion of `name` has not completed yet.
    fn being_deleted(&self, name: &str) -> ServiceError {
        self.in_transition(name, "deleted", "ObjectIsBeingDeleted")
    }

    /// 409: the recovery of `name` has not completed yet.
    fn being_recovered(&self, name: &str) -> ServiceError {
        self.in_transition(name, "recovered", "ObjectIsBeingRecovered")
    }

    fn in_transition(&self, name: &str, done: &str, inner: &str) -> ServiceError {
        ServiceError::conflict(
            format!("{} {name} is currently being {done}.", self.title),
            inner,
        )
    }

    /// Fails unless a new version may be added under `name`: the name is free or active.
    pub(crate) fn check_writable<T>(
        &self,
        lookup: Lookup<'_, T>,
        name: &str,
    ) -> Result<(), ServiceError> {
        match lookup {
            Lookup::Missing | Lookup::Active(_) => Ok(()),
            // The other states refuse a write as they refuse a restore.
            lookup => self.check_restorable(lookup, name),
        }
    }

    /// Fails unless a backup of `name` may be restored: the name is free.
    pub(crate) fn check_restorable<T>(
        &self,
        lookup: Lookup<'_, T>,
        name: &str,
    ) -> Result<(), ServiceError> {
        match lookup {
            Lookup::Missing => Ok(()),
            Lookup::Active(_) => Err(ServiceError::new(
                409,
                "Conflict",
                format!("{} {name} already exists. A {noun} can only be restored into a vault where no {noun} of the same name exists.", self.title, noun = self.noun),
            )),
            Lookup::BeingDeleted => Err(self.being_deleted(name)),
            Lookup::BeingRecovered => Err(self.being_recovered(name)),
            Lookup::Deleted(_) => Err(self.deleted_conflict(name)),
        }
    }
}

/// A kind of soft-deletable object: what the shared handlers need to know of it.
pub(crate) trait Lifecycle {
    /// One version of an object.
    type Version;

    /// The kind's names and error texts.
    const NAMES: &'static Names;

    /// The kind's store in a vault.
    fn store(vault: &mut Vault) -> &mut Store<Self::Version>;

    /// The kind's store, to read: for answering with an object while rendering it needs the rest
    /// of the vault.
    fn stored(vault: &Vault) -> &Store<Self::Version>;

    /// The version id of `v`.
    fn version(v: &Self::Version) -> &str;

    /// The bundle of version `v` of object `name` that delete, get-deleted and recover answer
    /// (before the deletion fields).
    fn bundle(ctx: &Ctx<'_>, vault: &Vault, name: &str, v: &Self::Version) -> Map<String, Value>;

    /// The list item of version `v`, under `id`.
    fn item(ctx: &Ctx<'_>, id: String, v: &Self::Version) -> Map<String, Value>;

    /// What deleting `name` does besides soft-deleting the object.
    fn deleted(_ctx: &Ctx<'_>, _vault: &mut Vault, _name: &str) {}

    /// What recovering `name` does besides recovering the object.
    fn recovered(_ctx: &Ctx<'_>, _vault: &mut Vault, _name: &str) {}

    /// What purging `name` does besides purging the object.
    fn purged(_ctx: &Ctx<'_>, _vault: &mut Vault, _name: &str) {}
}

/// Names of objects: `^[0-9a-zA-Z-]{1,127}$`.
pub(crate) fn validate_name(name: &str) -> Result<(), ServiceError> {
    let valid = (1..=127).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if valid {
        Ok(())
    } else {
        Err(ServiceError::bad_parameter(format!(
            "The request URI contains an invalid name: {name}"
        )))
    }
}

/// The attributes every kind of object has.
pub(crate) fn attributes(
    ctx: &Ctx<'_>,
    enabled: bool,
    nbf: Option<i64>,
    exp: Option<i64>,
    created: i64,
    updated: i64,
) -> Map<String, Value> {
    let mut a = Map::new();
    a.insert("enabled".into(), json!(enabled));
    if let Some(nbf) = nbf {
        a.insert("nbf".into(), json!(nbf));
    }
    if let Some(exp) = exp {
        a.insert("exp".into(), json!(exp));
    }
    a.insert("created".into(), json!(created));
    a.insert("updated".into(), json!(updated));
    a.insert(
        "recoveryLevel".into(),
        json!(ctx.retention.recovery_level()),
    );
    if ctx.api.has_recoverable_days() {
        a.insert("recoverableDays".into(), json!(ctx.retention.days));
    }
    a
}

/// The unversioned id of object `name`.
pub(crate) fn id<K: Lifecycle>(ctx: &Ctx<'_>, name: &str) -> String {
    format!("{}/{}/{name}", ctx.base, K::NAMES.collection)
}

/// The id of version `version` of object `name`.
pub(crate) fn versioned_id<K: Lifecycle>(ctx: &Ctx<'_>, name: &str, version: &str) -> String {
    format!("{}/{}/{name}/{version}", ctx.base, K::NAMES.collection)
}

/// Version `version` of `o`, the latest when it is `None` or empty.
pub(crate) fn find_version<'a, K: Lifecycle>(
    o: &'a mut Object<K::Version>,
    name: &str,
    version: Option<&str>,
) -> Result<&'a mut K::Version, ServiceError> {
    match version {
        None | Some("") => o
            .versions
            .last_mut()
            .ok_or_else(|| K::NAMES.not_found(name)),
        Some(version) => o
            .versions
            .iter_mut()
            .find(|v| K::version(v).eq_ignore_ascii_case(version))
            .ok_or_else(|| K::NAMES.not_found(&format!("{name}/{version}"))),
    }
}

/// Adds what a deleted object answers besides its bundle or item.
fn add_deletion<K: Lifecycle>(ctx: &Ctx<'_>, b: &mut Map<String, Value>, name: &str, d: &Deletion) {
    b.insert(
        "recoveryId".into(),
        json!(format!(
            "{}/{}/{name}",
            ctx.base,
            K::NAMES.deleted_collection
        )),
    );
    b.insert("deletedDate".into(), json!(d.deleted_date));
    b.insert("scheduledPurgeDate".into(), json!(d.scheduled_purge_date));
}

/// The deleted bundle of `name`, as it is stored now (the deletion may still be in progress).
fn deleted_bundle<K: Lifecycle>(
    ctx: &Ctx<'_>,
    vault: &Vault,
    name: &str,
) -> Result<Value, ServiceError> {
    let o = K::stored(vault)
        .get(name)
        .ok_or_else(|| K::NAMES.deleted_not_found(name))?;
    let (Some(latest), ObjectState::Deleted(d)) = (o.latest(), &o.state) else {
        return Err(K::NAMES.deleted_not_found(&o.name));
    };
    let mut b = K::bundle(ctx, vault, &o.name, latest);
    add_deletion::<K>(ctx, &mut b, &o.name, d);
    Ok(Value::Object(b))
}

/// `DELETE /{collection}/{name}`: soft-deletes an active object.
pub(crate) fn delete<K: Lifecycle>(
    ctx: &Ctx<'_>,
    vault: &mut Vault,
    name: &str,
) -> Result<Reply, ServiceError> {
    validate_name(name)?;
    match K::store(vault).lookup(name, ctx.now) {
        Lookup::Active(_) => {}
        Lookup::BeingRecovered => return Err(K::NAMES.being_recovered(name)),
        _ => return Err(K::NAMES.not_found(name)),
    }
    K::store(vault)
        .delete(name, ctx.now, ctx.latency, ctx.retention.days)
        .ok_or_else(|| K::NAMES.not_found(name))?;
    K::deleted(ctx, vault, name);
    Ok(Reply::json(200, &deleted_bundle::<K>(ctx, vault, name)?))
}

/// `GET /{deleted collection}/{name}`.
fn get_deleted<K: Lifecycle>(
    ctx: &Ctx<'_>,
    vault: &mut Vault,
    name: &str,
) -> Result<Reply, ServiceError> {
    validate_name(name)?;
    match K::store(vault).lookup(name, ctx.now) {
        Lookup::Deleted(_) => Ok(Reply::json(200, &deleted_bundle::<K>(ctx, vault, name)?)),
        _ => Err(K::NAMES.deleted_not_found(name)),
    }
}

/// Fails unless `name` is deleted and its deletion has completed.
fn check_deleted<K: Lifecycle>(
    ctx: &Ctx<'_>,
    vault: &mut Vault,
    name: &str,
) -> Result<(), ServiceError> {
    validate_name(name)?;
    match K::store(vault).lookup(name, ctx.now) {
        Lookup::Deleted(_) => Ok(()),
        Lookup::BeingDeleted => Err(K::NAMES.being_deleted(name)),
        _ => Err(K::NAMES.deleted_not_found(name)),
    }
}

/// `DELETE /{deleted collection}/{name}`: purges a deleted object.
fn purge<K: Lifecycle>(
    ctx: &Ctx<'_>,
    vault: &mut Vault,
    name: &str,
) -> Result<Reply, ServiceError> {
    check_deleted::<K>(ctx, vault, name)?;
    if ctx.retention.purge_protection {
        return Err(ServiceError::new(
            403,
            "Forbidden",
            "Operation \"purge\" is not allowed because purge protection is enabled for this vault. Key Vault service will automatically purge it after the retention period has passed.",
        ));
    }
    K::store(vault).purge(name);
    K::purged(ctx, vault, name);
    Ok(Reply::empty(204))
}

/// `POST /{deleted collection}/{name}/recover`: answers the recovered object's bundle.
fn recover<K: Lifecycle>(
    ctx: &Ctx<'_>,
    vault: &mut Vault,
    name: &str,
) -> Result<Reply, ServiceError> {
    check_deleted::<K>(ctx, vault, name)?;
    K::store(vault)
        .recover(name, ctx.now, ctx.latency)
        .ok_or_else(|| K::NAMES.deleted_not_found(name))?;
    K::recovered(ctx, vault, name);
    let o = K::stored(vault)
        .get(name)
        .ok_or_else(|| K::NAMES.deleted_not_found(name))?;
    let latest = o.latest().ok_or_else(|| K::NAMES.deleted_not_found(name))?;
    Ok(Reply::json(
        200,
        &Value::Object(K::bundle(ctx, vault, &o.name, latest)),
    ))
}

/// `GET /{collection}`: a page of the active objects, each as its latest version.
pub(crate) fn list<K: Lifecycle>(
    ctx: &Ctx<'_>,
    vault: &mut Vault,
    req: &Req,
) -> Result<Reply, ServiceError> {
    list_latest::<K>(ctx, vault, req, false)
}

/// A page of the active objects or, with `deleted`, of the deleted ones, each as its latest
/// version.
fn list_latest<K: Lifecycle>(
    ctx: &Ctx<'_>,
    vault: &mut Vault,
    req: &Req,
    deleted: bool,
) -> Result<Reply, ServiceError> {
    let paging = PageRequest::of(req)?;
    let items = K::store(vault)
        .listed_after(ctx.now, paging.after(), deleted)
        .filter_map(|(key, o, d)| Some((key, (o, o.latest()?, d))));
    let names = K::NAMES;
    let collection = if deleted {
        names.deleted_collection
    } else {
        names.collection
    };
    let path = format!("/{collection}");
    Ok(
        paging.reply(ctx, req, &path, names.carry, items, |(o, latest, d)| {
            let mut item = K::item(ctx, id::<K>(ctx, &o.name), latest);
            if let Some(d) = d {
                add_deletion::<K>(ctx, &mut item, &o.name, d);
            }
            Value::Object(item)
        }),
    )
}

/// `GET /{collection}/{name}/versions`: a page of the versions of an active object, oldest first
/// (none when there is no such object).
pub(crate) fn list_versions<K: Lifecycle>(
    ctx: &Ctx<'_>,
    vault: &mut Vault,
    req: &Req,
    name: &str,
) -> Result<Reply, ServiceError> {
    validate_name(name)?;
    let paging = PageRequest::of(req)?;
    let (object_name, versions) = match K::store(vault).lookup(name, ctx.now) {
        Lookup::Active(o) => (o.name.as_str(), o.versions.as_slice()),
        _ => ("", &[][..]),
    };
    let path = format!("/{}/{name}/versions", K::NAMES.collection);
    let items = by_index(versions, paging.after());
    Ok(paging.reply(ctx, req, &path, K::NAMES.carry, items, |v| {
        let id = versioned_id::<K>(ctx, object_name, K::version(v));
        Value::Object(K::item(ctx, id, v))
    }))
}

/// Routes `/{deleted collection}...`; `rest` is the path after the collection.
pub(crate) fn handle_deleted<K: Lifecycle>(
    ctx: &Ctx<'_>,
    vault: &mut Vault,
    req: &Req,
    rest: &[&str],
) -> Result<Reply, ServiceError> {
    let m = &req.method;
    match rest {
        [] => match *m {
            Method::GET => list_latest::<K>(ctx, vault, req, true),
            _ => Err(method_not_allowed(req)),
        },
        [name] => match *m {
            Method::GET => get_deleted::<K>(ctx, vault, name),
            Method::DELETE => purge::<K>(ctx, vault, name),
            _ => Err(method_not_allowed(req)),
        },
        [name, word] if word.eq_ignore_ascii_case("recover") => match *m {
            Method::POST => recover::<K>(ctx, vault, name),
            _ => Err(method_not_allowed(req)),
        },
        _ => Err(route_not_found(req)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(validate_name("abc-DEF-123").is_ok());
        assert!(validate_name(&"a".repeat(127)).is_ok());
        assert!(validate_name(&"a".repeat(128)).is_err());
        assert!(validate_name("bad_name").is_err());
        assert!(validate_name("").is_err());
    }
}
