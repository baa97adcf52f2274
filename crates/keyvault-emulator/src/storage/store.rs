//! Generic store of named, versioned, soft-deletable objects: secrets, keys and certificates.
//!
//! Names are case-insensitive, as in Key Vault; the name given at creation is kept for ids.
//! Times are Unix seconds from the emulator clock.

use std::collections::{btree_map, BTreeMap};
use std::ops::Bound;

use serde::{Deserialize, Serialize};

/// Soft-delete information of a deleted object.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Deletion {
    pub(crate) deleted_date: i64,
    pub(crate) scheduled_purge_date: i64,
    /// Before this instant the deletion is still in progress: the object is neither active nor
    /// visible among the deleted objects.
    pub(crate) visible_at_ms: i128,
}

/// Lifecycle state of an object.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) enum ObjectState {
    Active,
    /// Recovery in progress; the object becomes active at this instant (ms).
    Recovering {
        active_at_ms: i128,
    },
    Deleted(Deletion),
}

/// An object and all its versions, oldest first.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Object<T> {
    pub(crate) name: String,
    pub(crate) versions: Vec<T>,
    pub(crate) state: ObjectState,
}

impl<T> Object<T> {
    /// The newest version.
    pub(crate) fn latest(&self) -> Option<&T> {
        self.versions.last()
    }
}

/// The result of looking an object up.
pub(crate) enum Lookup<'a, T> {
    Missing,
    Active(&'a mut Object<T>),
    BeingDeleted,
    BeingRecovered,
    Deleted(&'a mut Object<T>),
}

/// A store of objects keyed by lower-cased name.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Store<T> {
    objects: BTreeMap<String, Object<T>>,
}

impl<T> Default for Store<T> {
    fn default() -> Self {
        Self {
            objects: BTreeMap::new(),
        }
    }
}

/// The emulator time in milliseconds.
pub(crate) fn millis(now: time::OffsetDateTime) -> i128 {
    now.unix_timestamp_nanos() / 1_000_000
}

impl<T> Store<T> {
    /// Applies what time does: finished recoveries become active, deleted objects past their
    /// scheduled purge date are purged.
    pub(crate) fn sweep(&mut self, now: time::OffsetDateTime) {
        let now_ms = millis(now);
        let now_s = now.unix_timestamp();
        self.objects.retain(|_, o| match &o.state {
            ObjectState::Deleted(d) => d.scheduled_purge_date > now_s,
            _ => true,
        });
        for o in self.objects.values_mut() {
            if let ObjectState::Recovering { active_at_ms } = o.state {
                if active_at_ms <= now_ms {
                    o.state = ObjectState::Active;
                }
            }
        }
    }

    /// Looks an object up by name.
    pub(crate) fn lookup(&mut self, name: &str, now: time::OffsetDateTime) -> Lookup<'_, T> {
        self.sweep(now);
        let now_ms = millis(now);
        match self.objects.get_mut(&name.to_ascii_lowercase()) {
            None => Lookup::Missing,
            Some(o) => match &o.state {
                ObjectState::Active => Lookup::Active(o),
                ObjectState::Recovering { .. } => Lookup::BeingRecovered,
                ObjectState::Deleted(d) if d.visible_at_ms > now_ms => Lookup::BeingDeleted,
                ObjectState::Deleted(_) => Lookup::Deleted(o),
            },
        }
    }

    /// Adds a version to an active object, or creates the object. The caller has checked that the
    /// name is not deleted.
    pub(crate) fn push_version(&mut self, name: &str, version: T) -> &Object<T> {
        let o = self
            .objects
            .entry(name.to_ascii_lowercase())
            .or_insert_with(|| Object {
                name: name.to_string(),
                versions: Vec::new(),
                state: ObjectState::Active,
            });
        o.versions.push(version);
        o
    }

    /// Inserts a whole object (restore). The caller has checked that the name is free.
    pub(crate) fn insert(&mut self, object: Object<T>) -> &Object<T> {
        let key = object.name.to_ascii_lowercase();
        self.objects.insert(key.clone(), object);
        &self.objects[&key]
    }

    /// Soft-deletes an active object, kept `retention_days`; it becomes visible as deleted
    /// after `latency`.
    pub(crate) fn delete(
        &mut self,
        name: &str,
        now: time::OffsetDateTime,
        latency: std::time::Duration,
        retention_days: i64,
    ) -> Option<&Object<T>> {
        let o = self.objects.get_mut(&name.to_ascii_lowercase())?;
        let deleted_date = now.unix_timestamp();
        o.state = ObjectState::Deleted(Deletion {
            deleted_date,
            scheduled_purge_date: deleted_date + retention_days * 86_400,
            visible_at_ms: millis(now) + latency.as_millis() as i128,
        });
        Some(o)
    }

    /// Starts recovering a deleted object; it becomes active after `latency`.
    pub(crate) fn recover(
        &mut self,
        name: &str,
        now: time::OffsetDateTime,
        latency: std::time::Duration,
    ) -> Option<&Object<T>> {
        let o = self.objects.get_mut(&name.to_ascii_lowercase())?;
        o.state = if latency.is_zero() {
            ObjectState::Active
        } else {
            ObjectState::Recovering {
                active_at_ms: millis(now) + latency.as_millis() as i128,
            }
        };
        Some(o)
    }

    /// Removes an object for good.
    pub(crate) fn purge(&mut self, name: &str) {
        self.objects.remove(&name.to_ascii_lowercase());
    }

    /// The object stored under `name`, in whatever state, as it is: for answering with an object
    /// just deleted or recovered, which `lookup` would report as in transition.
    pub(crate) fn get(&self, name: &str) -> Option<&Object<T>> {
        self.objects.get(&name.to_ascii_lowercase())
    }

    /// Active objects, ordered by lower-cased name, with that name as paging marker.
    pub(crate) fn active(
        &mut self,
        now: time::OffsetDateTime,
    ) -> impl Iterator<Item = (&String, &Object<T>)> + '_ {
        self.listed_after(now, None, false)
            .map(|(key, o, _)| (key, o))
    }

    /// The objects a list shows, from the first whose marker (the lower-cased name) sorts after
    /// `after`, in marker order: the active ones or, with `deleted`, the deleted ones whose
    /// deletion has completed, with their deletion.
    pub(crate) fn listed_after<'s>(
        &'s mut self,
        now: time::OffsetDateTime,
        after: Option<&str>,
        deleted: bool,
    ) -> impl Iterator<Item = (&'s String, &'s Object<T>, Option<&'s Deletion>)> + 's {
        self.sweep(now);
        let now_ms = millis(now);
        range_after(&self.objects, after).filter_map(move |(key, o)| match &o.state {
            ObjectState::Active if !deleted => Some((key, o, None)),
            ObjectState::Deleted(d) if deleted && d.visible_at_ms <= now_ms => {
                Some((key, o, Some(d)))
            }
            _ => None,
        })
    }
}

/// The entries of `map` whose key, their marker, sorts after `after` (all with `None`), in
/// order: a range of the map, so that a page costs what the page holds.
pub(crate) fn range_after<'a, V>(
    map: &'a BTreeMap<String, V>,
    after: Option<&str>,
) -> btree_map::Range<'a, String, V> {
    let start = after.map_or(Bound::Unbounded, Bound::Excluded);
    map.range::<str, _>((start, Bound::Unbounded))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn lifecycle() {
        let mut s: Store<u32> = Store::default();
        let t0 = time::OffsetDateTime::from_unix_timestamp(1_000_000).unwrap();
        s.push_version("Name", 1);
        s.push_version("name", 2);
        assert!(
            matches!(s.lookup("NAME", t0), Lookup::Active(o) if o.versions == vec![1, 2] && o.name == "Name")
        );
        s.delete("name", t0, Duration::from_secs(2), 90);
        assert!(matches!(s.lookup("name", t0), Lookup::BeingDeleted));
        assert_eq!(s.listed_after(t0, None, true).count(), 0);
        let t1 = t0 + Duration::from_secs(3);
        assert!(matches!(s.lookup("name", t1), Lookup::Deleted(_)));
        assert_eq!(s.listed_after(t1, None, true).count(), 1);
        assert_eq!(s.listed_after(t1, Some("name"), true).count(), 0);
        assert_eq!(s.listed_after(t1, Some("a"), true).count(), 1);
        s.recover("name", t1, Duration::from_secs(1));
        assert!(matches!(s.lookup("name", t1), Lookup::BeingRecovered));
        let t2 = t1 + Duration::from_secs(1);
        assert!(matches!(s.lookup("name", t2), Lookup::Active(_)));
        s.delete("name", t2, Duration::ZERO, 90);
        let purge_time = t2 + Duration::from_secs(91 * 86_400);
        assert!(matches!(s.lookup("name", purge_time), Lookup::Missing));
        assert_eq!(s.listed_after(purge_time, None, true).count(), 0);
    }
}
