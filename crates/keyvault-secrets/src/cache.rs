//! [`SecretCache`]: secret values kept in memory over a [`SecretClient`], refreshed ahead of
//! expiry in the background, one request per name however many callers miss at once, and the
//! last good value served for a bounded time while the vault fails.

use crate::{GetSecretOptions, SecretClient};
use futures::future::{BoxFuture, FutureExt, Shared};
use keyvault_core::{Error, SecretString};
use std::{
    collections::HashMap,
    fmt,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex, MutexGuard, OnceLock,
    },
    time::{Duration, Instant},
};

/// The error a [`SecretCache`] returns: the vault's [`Error`], shared, since one request answers
/// every caller waiting on it. It dereferences to the [`Error`], so `is_not_found()`, `status()`
/// and `inner_code()` work on it.
///
/// ```no_run
/// # async fn run(cache: &keyvault_secrets::SecretCache) {
/// match cache.get("db-password").await {
///     Ok(value) => println!("{} characters", keyvault_secrets::ExposeSecret::expose_secret(&value).len()),
///     Err(e) if e.is_not_found() => println!("no such secret"),
///     Err(e) => println!("failed: {e}"),
/// }
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct CacheError(Arc<Error>);

impl CacheError {
    /// The vault's error.
    ///
    /// ```no_run
    /// # async fn run(cache: &keyvault_secrets::SecretCache) {
    /// if let Err(e) = cache.get("db-password").await {
    ///     println!("status {:?} code {:?}", e.error().status(), e.error().code());
    /// }
    /// # }
    /// ```
    pub fn error(&self) -> &Error {
        &self.0
    }
}

impl std::ops::Deref for CacheError {
    type Target = Error;

    fn deref(&self) -> &Error {
        &self.0
    }
}

impl fmt::Display for CacheError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for CacheError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

impl From<Error> for CacheError {
    fn from(error: Error) -> Self {
        CacheError(Arc::new(error))
    }
}

/// The time source of a [`SecretCache`]: the monotonic clock at the resolution of the kernel's
/// tick (a few milliseconds; `CLOCK_MONOTONIC_COARSE` on Linux, read without the timestamp
/// counter, which made up a third of a hit's cost), or a manual clock that moves only when
/// told, for tests.
///
/// ```
/// use keyvault_secrets::CacheClock;
/// use std::time::Duration;
///
/// let clock = CacheClock::manual();
/// let before = clock.now();
/// clock.advance(Duration::from_secs(60));
/// assert_eq!(clock.now() - before, Duration::from_secs(60));
/// ```
#[derive(Debug, Clone, Default)]
pub struct CacheClock(Option<Arc<ManualClock>>);

#[derive(Debug)]
struct ManualClock {
    start: Instant,
    offset_nanos: AtomicU64,
}

impl CacheClock {
    /// The monotonic clock, at the kernel tick's resolution (the default).
    ///
    /// ```
    /// let clock = keyvault_secrets::CacheClock::system();
    /// let start = clock.now();
    /// std::thread::sleep(std::time::Duration::from_millis(50));
    /// assert!(clock.now() > start);
    /// ```
    pub fn system() -> Self {
        CacheClock(None)
    }

    /// A clock that stands still until [`CacheClock::advance`] moves it. Clones share it.
    ///
    /// ```
    /// let clock = keyvault_secrets::CacheClock::manual();
    /// assert_eq!(clock.now(), clock.now());
    /// ```
    pub fn manual() -> Self {
        CacheClock(Some(Arc::new(ManualClock {
            start: Instant::now(),
            offset_nanos: AtomicU64::new(0),
        })))
    }

    /// Moves a manual clock forward; does nothing to the system clock.
    ///
    /// ```
    /// # use std::time::Duration;
    /// let clock = keyvault_secrets::CacheClock::manual();
    /// let t0 = clock.now();
    /// clock.advance(Duration::from_millis(1500));
    /// assert_eq!(clock.now() - t0, Duration::from_millis(1500));
    /// ```
    pub fn advance(&self, by: Duration) {
        if let Some(manual) = &self.0 {
            let nanos = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
            manual.offset_nanos.fetch_add(nanos, Ordering::SeqCst);
        }
    }

    /// The current time (for the system clock, at the kernel tick's resolution).
    ///
    /// ```
    /// let clock = keyvault_secrets::CacheClock::system();
    /// let _elapsed = clock.now().elapsed();
    /// ```
    pub fn now(&self) -> Instant {
        match &self.0 {
            None => coarse_now(),
            Some(manual) => {
                manual.start + Duration::from_nanos(manual.offset_nanos.load(Ordering::SeqCst))
            }
        }
    }
}

/// The coarse monotonic clock as an `Instant`: the standard clock read once, plus the coarse
/// clock's progress since. `now_without_cache_update`: coarsetime's `now` also stores the
/// reading in a shared atomic, a write on every hit.
fn coarse_now() -> Instant {
    static BASE: OnceLock<(Instant, coarsetime::Instant)> = OnceLock::new();
    let (base, coarse_base) = *BASE.get_or_init(|| {
        (
            Instant::now(),
            coarsetime::Instant::now_without_cache_update(),
        )
    });
    base + Duration::from(
        coarsetime::Instant::now_without_cache_update().duration_since(coarse_base),
    )
}

/// What a [`SecretCache`] has done since it was built, as counted when
/// [`SecretCache::stats`] was called.
///
/// ```no_run
/// # fn run(cache: &keyvault_secrets::SecretCache) {
/// let stats = cache.stats();
/// println!("{} hits, {} misses, {} vault requests", stats.hits, stats.misses, stats.requests);
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CacheStats {
    /// Gets answered from memory with a fresh value (pinned versions included).
    pub hits: u64,
    /// Gets that found nothing in memory and waited for the vault.
    pub misses: u64,
    /// Requests made to renew a value already held (in the background or by a caller).
    pub refreshes: u64,
    /// Gets answered with a value past its time to live (within the staleness bound) because
    /// the vault was failing or the value's refresh was still running.
    pub stale_serves: u64,
    /// Requests to the vault that failed.
    pub errors: u64,
    /// Values dropped because the vault said the secret is gone (404), disabled or no longer
    /// readable, or because they outlived the staleness bound; capacity evictions not included.
    pub evictions: u64,
    /// `GET` requests to the vault that have ended, in success or failure (each may include
    /// the client's own retries).
    pub requests: u64,
}

/// A counter bumped by every hit: one cache line per slot, threads spread over the slots, so
/// that concurrent hits on several cores do not contend on one line.
#[derive(Debug, Default)]
struct StripedCounter([PaddedCounter; 8]);

#[derive(Debug, Default)]
#[repr(align(128))]
struct PaddedCounter(AtomicU64);

impl StripedCounter {
    fn bump(&self) {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        thread_local!(static SLOT: usize = (NEXT.fetch_add(1, Ordering::Relaxed) % 8) as usize);
        let slot = SLOT.with(|slot| *slot);
        self.0[slot].0.fetch_add(1, Ordering::Relaxed);
    }

    fn load(&self) -> u64 {
        self.0.iter().map(|c| c.0.load(Ordering::Relaxed)).sum()
    }
}

#[derive(Debug, Default)]
struct Counters {
    hits: StripedCounter,
    misses: AtomicU64,
    refreshes: AtomicU64,
    stale_serves: AtomicU64,
    errors: AtomicU64,
    evictions: AtomicU64,
    requests: AtomicU64,
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// The defaults of [`SecretCacheBuilder`].
const DEFAULT_TTL: Duration = Duration::from_secs(300);
const DEFAULT_REFRESH_AHEAD: Duration = Duration::from_secs(60);
const DEFAULT_MAX_STALENESS: Duration = Duration::from_secs(900);
const DEFAULT_RETRY_INTERVAL: Duration = Duration::from_secs(5);
const DEFAULT_CAPACITY: usize = 1_000;

/// Builds a [`SecretCache`]; from [`SecretCache::builder`].
///
/// ```no_run
/// use keyvault_secrets::SecretCache;
/// use std::time::Duration;
/// # fn run(client: keyvault_secrets::SecretClient) {
/// let cache = SecretCache::builder(client)
///     .ttl(Duration::from_secs(300))
///     .refresh_ahead(Duration::from_secs(60))
///     .max_staleness(Duration::from_secs(900))
///     .max_capacity(1_000)
///     .build();
/// # }
/// ```
#[derive(Debug)]
#[must_use]
pub struct SecretCacheBuilder {
    client: SecretClient,
    ttl: Duration,
    refresh_ahead: Duration,
    max_staleness: Duration,
    retry_interval: Duration,
    max_capacity: usize,
    clock: CacheClock,
}

impl SecretCacheBuilder {
    /// How long a value is served without asking the vault again; 5 minutes by default.
    ///
    /// ```no_run
    /// # fn run(client: keyvault_secrets::SecretClient) {
    /// let cache = keyvault_secrets::SecretCache::builder(client)
    ///     .ttl(std::time::Duration::from_secs(60))
    ///     .build();
    /// # }
    /// ```
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// How long before expiry a get starts a refresh in the background, so that a value in use
    /// is renewed before any caller has to wait for it; 1 minute by default, at most half the
    /// time to live (a longer one is shortened to that). `Duration::ZERO` turns refresh ahead
    /// off: the first get after expiry waits for the vault.
    ///
    /// ```no_run
    /// # fn run(client: keyvault_secrets::SecretClient) {
    /// let cache = keyvault_secrets::SecretCache::builder(client)
    ///     .refresh_ahead(std::time::Duration::from_secs(30))
    ///     .build();
    /// # }
    /// ```
    pub fn refresh_ahead(mut self, refresh_ahead: Duration) -> Self {
        self.refresh_ahead = refresh_ahead;
        self
    }

    /// How long past its time to live a value may still be served while refreshing it fails
    /// with a transient error (429, 408, 5xx, a transport error: timeout, refused or dropped
    /// connection; a credential that could not get a token); 15 minutes by default. Past it
    /// the caller gets the error. `Duration::ZERO` never serves a stale value.
    ///
    /// ```no_run
    /// # fn run(client: keyvault_secrets::SecretClient) {
    /// let cache = keyvault_secrets::SecretCache::builder(client)
    ///     .max_staleness(std::time::Duration::from_secs(3600))
    ///     .build();
    /// # }
    /// ```
    pub fn max_staleness(mut self, max_staleness: Duration) -> Self {
        self.max_staleness = max_staleness;
        self
    }

    /// After a failed refresh, how long to wait before the next one (while stale values are
    /// served); 5 seconds by default.
    ///
    /// ```no_run
    /// # fn run(client: keyvault_secrets::SecretClient) {
    /// let cache = keyvault_secrets::SecretCache::builder(client)
    ///     .refresh_retry_interval(std::time::Duration::from_secs(1))
    ///     .build();
    /// # }
    /// ```
    pub fn refresh_retry_interval(mut self, interval: Duration) -> Self {
        self.retry_interval = interval;
        self
    }

    /// How many values (latest or pinned versions) are kept, at most; 1,000 by default. Past
    /// it the least useful ones are evicted (`quick_cache`'s CLOCK-PRO policy).
    ///
    /// ```no_run
    /// # fn run(client: keyvault_secrets::SecretClient) {
    /// let cache = keyvault_secrets::SecretCache::builder(client).max_capacity(100).build();
    /// # }
    /// ```
    pub fn max_capacity(mut self, max_capacity: usize) -> Self {
        self.max_capacity = max_capacity.max(1);
        self
    }

    /// The time source; [`CacheClock::system`] by default. Tests pass a
    /// [`CacheClock::manual`] and advance it.
    ///
    /// ```no_run
    /// # fn run(client: keyvault_secrets::SecretClient) {
    /// let clock = keyvault_secrets::CacheClock::manual();
    /// let cache = keyvault_secrets::SecretCache::builder(client).clock(clock.clone()).build();
    /// clock.advance(std::time::Duration::from_secs(600)); // every value has expired
    /// # }
    /// ```
    pub fn clock(mut self, clock: CacheClock) -> Self {
        self.clock = clock;
        self
    }

    /// The cache.
    ///
    /// ```no_run
    /// # fn run(client: keyvault_secrets::SecretClient) {
    /// let cache = keyvault_secrets::SecretCache::builder(client).build();
    /// # }
    /// ```
    pub fn build(self) -> SecretCache {
        let refresh_ahead = self.refresh_ahead.min(self.ttl / 2);
        SecretCache {
            inner: Arc::new(Inner {
                client: self.client,
                entries: quick_cache::sync::Cache::new(self.max_capacity),
                inflight: Mutex::default(),
                failures: Mutex::default(),
                serials: AtomicU64::new(0),
                fresh_for: self.ttl - refresh_ahead,
                ttl: self.ttl,
                max_staleness: self.max_staleness,
                retry_interval: self.retry_interval,
                max_capacity: self.max_capacity,
                clock: self.clock,
                counters: Counters::default(),
            }),
        }
    }
}

/// A secret value held in memory. Held by value and cloned out on each get (a copy of the
/// string): a shared `Arc` would make every hit on every core write its count.
#[derive(Clone)]
struct Entry {
    value: SecretString,
    /// When the value was read from the vault.
    fetched_at: Instant,
    /// Which read of the vault this is: tells this value from a newer one under the same key.
    serial: u64,
    /// A pinned version: never refreshed.
    pinned: bool,
}

type Load = Shared<BoxFuture<'static, Result<Entry, CacheError>>>;

struct Inner {
    client: SecretClient,
    /// Keyed by `name` (latest) or `name/version` (pinned): names never hold a `/`.
    entries: quick_cache::sync::Cache<String, Entry>,
    inflight: Mutex<HashMap<String, Load>>,
    /// Keys whose last refresh failed with a transient error, with when it ended; only read
    /// once a value is due for refresh, never on a fresh hit.
    failures: Mutex<HashMap<String, Instant>>,
    /// The serial of the next read of the vault.
    serials: AtomicU64,
    ttl: Duration,
    /// `ttl - refresh_ahead`: served without a refresh until then.
    fresh_for: Duration,
    max_staleness: Duration,
    retry_interval: Duration,
    max_capacity: usize,
    clock: CacheClock,
    counters: Counters,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Errors after which the last good value may still be served: the vault (or the path to it)
/// is failing, not saying anything about the secret.
fn is_transient(error: &Error) -> bool {
    match error {
        Error::Transport(_) => true,
        Error::Service { status, .. } => matches!(status, 408 | 429 | 500..=599),
        // The credential could not get a token (the identity endpoint is down): no service
        // answer, so nothing was said about the secret.
        Error::Authentication { request_id, .. } => request_id.is_none(),
        _ => false,
    }
}

/// A secret cache over a [`SecretClient`]: values stay in memory for a time to live, are
/// refreshed in the background before they expire (so a value in use never makes a caller
/// wait), one request answers every caller that misses the same name at once, and when the
/// vault fails (throttling, outage, dropped connections) the last good value is served for a
/// bounded time. Values stay [`SecretString`]s; `Debug` shows settings and counters, never a
/// value. Cheap to clone (an `Arc`); clones share the values.
///
/// Refreshes run as tokio tasks: use it inside a tokio runtime.
///
/// ```no_run
/// use keyvault_secrets::{ExposeSecret, SecretCache, SecretClient};
/// use std::time::Duration;
/// # async fn run(client: SecretClient) -> Result<(), keyvault_secrets::CacheError> {
/// let cache = SecretCache::builder(client).ttl(Duration::from_secs(300)).build();
/// let password = cache.get("db-password").await?; // one request
/// let again = cache.get("db-password").await?; // from memory
/// assert_eq!(password.expose_secret(), again.expose_secret());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct SecretCache {
    inner: Arc<Inner>,
}

impl fmt::Debug for SecretCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("SecretCache")
            .field("vault_url", &inner.client.vault_url())
            .field("ttl", &inner.ttl)
            .field("refresh_ahead", &(inner.ttl - inner.fresh_for))
            .field("max_staleness", &inner.max_staleness)
            .field("max_capacity", &inner.max_capacity)
            .field("len", &inner.entries.len())
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

impl SecretCache {
    /// A builder of a cache over `client`.
    ///
    /// ```no_run
    /// # fn run(client: keyvault_secrets::SecretClient) {
    /// let cache = keyvault_secrets::SecretCache::builder(client)
    ///     .ttl(std::time::Duration::from_secs(120))
    ///     .build();
    /// # }
    /// ```
    pub fn builder(client: SecretClient) -> SecretCacheBuilder {
        SecretCacheBuilder {
            client,
            ttl: DEFAULT_TTL,
            refresh_ahead: DEFAULT_REFRESH_AHEAD,
            max_staleness: DEFAULT_MAX_STALENESS,
            retry_interval: DEFAULT_RETRY_INTERVAL,
            max_capacity: DEFAULT_CAPACITY,
            clock: CacheClock::system(),
        }
    }

    /// A cache over `client` with the default settings (see [`SecretCacheBuilder`]).
    ///
    /// ```no_run
    /// # fn run(client: keyvault_secrets::SecretClient) {
    /// let cache = keyvault_secrets::SecretCache::new(client);
    /// # }
    /// ```
    pub fn new(client: SecretClient) -> Self {
        Self::builder(client).build()
    }

    /// The client the cache reads through.
    ///
    /// ```no_run
    /// # fn run(cache: &keyvault_secrets::SecretCache) {
    /// println!("{}", cache.client().vault_url());
    /// # }
    /// ```
    pub fn client(&self) -> &SecretClient {
        &self.inner.client
    }

    /// The latest version of the secret `name`: from memory while fresh, else from the vault.
    ///
    /// A value within `refresh_ahead` of its expiry is returned at once and refreshed in the
    /// background. An expired one less than `max_staleness` past its expiry is returned at once
    /// while its refresh is still running (slowed by the client's retries) or after its last
    /// refresh failed with a transient error (429, 408, 5xx, a transport error); these are
    /// counted in [`CacheStats::stale_serves`], and a failing vault is reported by a `tracing`
    /// warning naming the secret, never its value. Otherwise an expired value is read again,
    /// the caller waiting (within the client's retry policy); a transient failure of that read
    /// within the bound also returns the old value. A secret the vault says is gone (404),
    /// disabled (403 `SecretDisabled`) or otherwise unreadable is dropped and the caller gets
    /// that error.
    ///
    /// ```no_run
    /// use keyvault_secrets::ExposeSecret;
    /// # async fn run(cache: &keyvault_secrets::SecretCache) -> Result<(), keyvault_secrets::CacheError> {
    /// let password = cache.get("db-password").await?;
    /// let _connection_string = format!("Password={}", password.expose_secret());
    /// # Ok(()) }
    /// ```
    pub async fn get(&self, name: &str) -> Result<SecretString, CacheError> {
        self.get_key(name, name, None).await
    }

    /// The version `version` of the secret `name`. A version never changes, so it is never
    /// refreshed: it stays until evicted for room or invalidated.
    ///
    /// ```no_run
    /// # async fn run(cache: &keyvault_secrets::SecretCache) -> Result<(), keyvault_secrets::CacheError> {
    /// let old = cache.get_version("db-password", "6a2b0d5e4f3c4b2a9e8d7c6b5a4f3e2d").await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_version(&self, name: &str, version: &str) -> Result<SecretString, CacheError> {
        let key = format!("{name}/{version}");
        self.get_key(&key, name, Some(version)).await
    }

    /// Reads the latest version of `name` from the vault now, whatever is in memory, and keeps
    /// it. Callers already waiting on a request for it share this one.
    ///
    /// ```no_run
    /// # async fn run(cache: &keyvault_secrets::SecretCache) -> Result<(), keyvault_secrets::CacheError> {
    /// // Just rotated: read the new value.
    /// let password = cache.refresh("db-password").await?;
    /// # Ok(()) }
    /// ```
    pub async fn refresh(&self, name: &str) -> Result<SecretString, CacheError> {
        if self.inner.entries.get(name).is_some() {
            bump(&self.inner.counters.refreshes);
        }
        let entry = self.load(name, name, None).await?;
        Ok(entry.value)
    }

    /// Forgets the latest version of `name` (pinned versions stay): the next get reads it from
    /// the vault.
    ///
    /// ```no_run
    /// # fn run(cache: &keyvault_secrets::SecretCache) {
    /// cache.invalidate("db-password");
    /// # }
    /// ```
    pub fn invalidate(&self, name: &str) {
        self.inner.entries.remove(name);
        lock(&self.inner.failures).remove(name);
    }

    /// Forgets every value.
    ///
    /// ```no_run
    /// # fn run(cache: &keyvault_secrets::SecretCache) {
    /// cache.invalidate_all();
    /// assert!(cache.is_empty());
    /// # }
    /// ```
    pub fn invalidate_all(&self) {
        self.inner.entries.clear();
        lock(&self.inner.failures).clear();
    }

    /// How many values are held.
    ///
    /// ```no_run
    /// # fn run(cache: &keyvault_secrets::SecretCache) {
    /// println!("{} values in memory", cache.len());
    /// # }
    /// ```
    pub fn len(&self) -> usize {
        self.inner.entries.len()
    }

    /// True when no value is held.
    ///
    /// ```no_run
    /// # fn run(cache: &keyvault_secrets::SecretCache) {
    /// if cache.is_empty() { println!("cold"); }
    /// # }
    /// ```
    pub fn is_empty(&self) -> bool {
        self.inner.entries.is_empty()
    }

    /// The counters.
    ///
    /// ```no_run
    /// # fn run(cache: &keyvault_secrets::SecretCache) {
    /// let stats = cache.stats();
    /// if stats.stale_serves > 0 {
    ///     println!("the vault is failing: {} stale values served", stats.stale_serves);
    /// }
    /// # }
    /// ```
    pub fn stats(&self) -> CacheStats {
        let c = &self.inner.counters;
        CacheStats {
            hits: c.hits.load(),
            misses: c.misses.load(Ordering::Relaxed),
            refreshes: c.refreshes.load(Ordering::Relaxed),
            stale_serves: c.stale_serves.load(Ordering::Relaxed),
            errors: c.errors.load(Ordering::Relaxed),
            evictions: c.evictions.load(Ordering::Relaxed),
            requests: c.requests.load(Ordering::Relaxed),
        }
    }

    async fn get_key(
        &self,
        key: &str,
        name: &str,
        version: Option<&str>,
    ) -> Result<SecretString, CacheError> {
        let inner = &*self.inner;
        let Some(entry) = inner.entries.get(key) else {
            bump(&inner.counters.misses);
            return Ok(self.load(key, name, version).await?.value);
        };
        if entry.pinned {
            inner.counters.hits.bump();
            return Ok(entry.value);
        }
        let now = inner.clock.now();
        let age = now.saturating_duration_since(entry.fetched_at);
        if age < inner.fresh_for {
            inner.counters.hits.bump();
            return Ok(entry.value);
        }
        if age < inner.ttl {
            // Refresh ahead: this caller gets the value at once.
            inner.counters.hits.bump();
            self.refresh_in_background(key, name, now);
            return Ok(entry.value);
        }
        let within_bound = age < inner.ttl + inner.max_staleness;
        if within_bound {
            let failing = inner.failed_at(key).is_some();
            if failing || lock(&inner.inflight).contains_key(key) {
                // The vault is known to be failing, or a refresh (started ahead of expiry, or
                // by another caller) is still running, slowed by the client's retries: no caller
                // waits on it.
                if failing {
                    self.refresh_in_background(key, name, now);
                }
                self.serve_stale(name, age, failing);
                return Ok(entry.value);
            }
        }
        bump(&inner.counters.refreshes);
        match self.load(key, name, version).await {
            Ok(fresh) => Ok(fresh.value),
            Err(error) if within_bound && is_transient(&error) => {
                self.serve_stale(name, age, true);
                Ok(entry.value)
            }
            Err(error) => {
                // Gone, or stale past the bound: the value is dropped (`fetch` removed gone
                // ones already).
                if inner
                    .entries
                    .remove_if(key, |held| held.serial == entry.serial)
                    .is_some()
                {
                    lock(&inner.failures).remove(key);
                    bump(&inner.counters.evictions);
                }
                Err(error)
            }
        }
    }

    fn serve_stale(&self, name: &str, age: Duration, failing: bool) {
        bump(&self.inner.counters.stale_serves);
        let past_ttl_ms =
            u64::try_from(age.saturating_sub(self.inner.ttl).as_millis()).unwrap_or(u64::MAX);
        let max_staleness_ms =
            u64::try_from(self.inner.max_staleness.as_millis()).unwrap_or(u64::MAX);
        if failing {
            tracing::warn!(
                secret = name,
                past_ttl_ms,
                max_staleness_ms,
                "serving a stale secret value: the vault is failing"
            );
        } else {
            tracing::debug!(
                secret = name,
                past_ttl_ms,
                max_staleness_ms,
                "serving a stale secret value while its refresh runs"
            );
        }
    }

    fn refresh_in_background(&self, key: &str, name: &str, now: Instant) {
        if let Some(failed_at) = self.inner.failed_at(key) {
            if now < failed_at + self.inner.retry_interval {
                return;
            }
        }
        if lock(&self.inner.inflight).contains_key(key) {
            return;
        }
        bump(&self.inner.counters.refreshes);
        // The load runs as a task of its own; nobody needs to await it.
        drop(self.load(key, name, None));
    }

    /// The request for `key`: the one in flight, or a new one (a tokio task, so that it ends
    /// and updates the cache even when every caller waiting on it gives up).
    fn load(&self, key: &str, name: &str, version: Option<&str>) -> Load {
        let mut inflight = lock(&self.inner.inflight);
        if let Some(load) = inflight.get(key) {
            return load.clone();
        }
        let inner = Arc::clone(&self.inner);
        let (key, name, version) = (key.to_owned(), name.to_owned(), version.map(str::to_owned));
        let task = tokio::spawn({
            let key = key.clone();
            async move { inner.fetch(key, name, version).await }
        });
        let load = async move {
            task.await.unwrap_or_else(|join| {
                Err(CacheError::from(Error::OperationFailed(format!(
                    "the secret cache's request task ended: {join}"
                ))))
            })
        }
        .boxed()
        .shared();
        inflight.insert(key, load.clone());
        load
    }
}

impl Inner {
    /// When the last refresh of `key` failed, if it did and no read has succeeded since.
    fn failed_at(&self, key: &str) -> Option<Instant> {
        lock(&self.failures).get(key).copied()
    }

    async fn fetch(
        self: Arc<Self>,
        key: String,
        name: String,
        version: Option<String>,
    ) -> Result<Entry, CacheError> {
        let options = GetSecretOptions {
            version: version.clone(),
            ..Default::default()
        };
        let result = self.client.get_secret(&name, Some(options)).await;
        let now = self.clock.now();
        let outcome = match result {
            Ok(secret) => {
                let entry = Entry {
                    value: secret.value,
                    fetched_at: now,
                    serial: self.serials.fetch_add(1, Ordering::Relaxed),
                    pinned: version.is_some(),
                };
                self.entries.insert(key.clone(), entry.clone());
                lock(&self.failures).remove(&key);
                Ok(entry)
            }
            Err(error) => {
                bump(&self.counters.errors);
                if is_transient(&error) {
                    if self.entries.contains_key(&key) {
                        lock(&self.failures).insert(key.clone(), now);
                    }
                    tracing::warn!(secret = %name, error = %error, "refreshing a cached secret failed");
                } else if self.entries.remove(&key).is_some() {
                    lock(&self.failures).remove(&key);
                    bump(&self.counters.evictions);
                    tracing::info!(secret = %name, error = %error, "a cached secret was dropped: the vault no longer serves it");
                }
                Err(CacheError::from(error))
            }
        };
        lock(&self.inflight).remove(&key);
        // Counted last, so that a count seen means the cache already holds the outcome.
        bump(&self.counters.requests);
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(status: u16) -> Error {
        Error::Service {
            status,
            code: None,
            message: String::new(),
            inner: None,
            request_id: Some("r".into()),
        }
    }

    #[test]
    fn only_failures_that_say_nothing_about_the_secret_are_transient() {
        for status in [408, 429, 500, 502, 503, 504] {
            assert!(is_transient(&service(status)), "{status}");
        }
        for status in [400, 401, 403, 404, 409] {
            assert!(!is_transient(&service(status)), "{status}");
        }
        let no_token = Error::Authentication {
            message: "the identity endpoint is down".into(),
            request_id: None,
        };
        assert!(is_transient(&no_token));
        let refused = Error::Authentication {
            message: "every token refused".into(),
            request_id: Some("r".into()),
        };
        assert!(!is_transient(&refused));
    }

    #[test]
    fn a_striped_counter_sums_its_slots() {
        let counter = StripedCounter::default();
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| (0..1000).for_each(|_| counter.bump()));
            }
        });
        assert_eq!(counter.load(), 4000);
    }
}
