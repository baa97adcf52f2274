//! Long-running operations.
//!
//! A [`Poller`] drives an [`Operation`] to completion: `.await` it for the result, or call
//! [`Poller::poll`] step by step. Between polls it waits for the interval the service asks for
//! (`Retry-After`), else the configured one. A failed poll (after the pipeline's own retries)
//! leaves the poller in progress, so the caller may poll again.

use crate::{
    error::{Error, Result},
    pipeline::{deserialize, KeyVaultPipeline},
};
use async_trait::async_trait;
use azure_core::http::{headers::RETRY_AFTER, Method, RawResponse, StatusCode};
use futures::future::BoxFuture;
use serde::de::DeserializeOwned;
use std::{fmt, future::IntoFuture, time::Duration};
use url::Url;

/// The default wait between polls when the service does not say.
pub const DEFAULT_POLLING_INTERVAL: Duration = Duration::from_secs(2);

/// The default longest wait between two polls: a service's `Retry-After` beyond it is cut to
/// it, so that a mistaken or hostile header cannot park a poller for hours.
pub const DEFAULT_MAX_POLLING_INTERVAL: Duration = Duration::from_secs(60);

/// Options of every operation that returns a [`Poller`].
#[derive(Debug, Clone, Default)]
pub struct PollerOptions {
    /// The wait between polls when the service does not say; default two seconds.
    pub polling_interval: Option<Duration>,
    /// Resume the operation from a token given by [`Poller::continuation_token`] instead of
    /// starting it.
    pub continuation_token: Option<String>,
    /// The longest wait between two polls, whatever the service's `Retry-After` asks; default
    /// one minute.
    pub max_polling_interval: Option<Duration>,
}

/// The state of a long-running operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PollerStatus {
    /// Not finished yet.
    InProgress,
    /// Finished; the result is available.
    Succeeded,
}

/// The outcome of one poll.
#[derive(Debug)]
pub enum Step<T> {
    /// Not finished; the service may say when to look again.
    Pending {
        /// The service's `Retry-After`.
        retry_after: Option<Duration>,
    },
    /// Finished with this result.
    Done(T),
}

/// One kind of long-running operation: how to poll it and how to resume it.
#[async_trait]
pub trait Operation<T>: Send + Sync {
    /// Checks the operation once.
    async fn poll(&mut self, pipeline: &KeyVaultPipeline) -> Result<Step<T>>;

    /// A token from which the operation can be resumed.
    fn continuation_token(&self) -> String;
}

/// A long-running operation in progress.
pub struct Poller<T> {
    pipeline: KeyVaultPipeline,
    operation: Box<dyn Operation<T>>,
    result: Option<T>,
    interval: Duration,
    max_interval: Duration,
    next_wait: Option<Duration>,
}

impl<T: Send + 'static> Poller<T> {
    /// A poller over `operation`.
    pub fn new(pipeline: KeyVaultPipeline, operation: impl Operation<T> + 'static) -> Self {
        Poller {
            pipeline,
            operation: Box::new(operation),
            result: None,
            interval: DEFAULT_POLLING_INTERVAL,
            max_interval: DEFAULT_MAX_POLLING_INTERVAL,
            next_wait: None,
        }
    }

    /// Sets the wait between polls used when the service does not give one.
    pub fn with_polling_interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// Sets the longest wait between two polls, whatever the service's `Retry-After` asks.
    pub fn with_max_polling_interval(mut self, max: Duration) -> Self {
        self.max_interval = max;
        self
    }

    /// Applies the polling intervals of `options` that are set.
    pub fn with_options(mut self, options: &PollerOptions) -> Self {
        if let Some(interval) = options.polling_interval {
            self = self.with_polling_interval(interval);
        }
        if let Some(max) = options.max_polling_interval {
            self = self.with_max_polling_interval(max);
        }
        self
    }

    /// The current status.
    pub fn status(&self) -> PollerStatus {
        if self.result.is_some() {
            PollerStatus::Succeeded
        } else {
            PollerStatus::InProgress
        }
    }

    /// The result, once the operation has succeeded.
    pub fn result(&self) -> Option<&T> {
        self.result.as_ref()
    }

    /// How long to wait before the next poll: the service's `Retry-After`, else the interval,
    /// and never more than the longest wait.
    pub fn next_wait(&self) -> Duration {
        self.next_wait
            .unwrap_or(self.interval)
            .min(self.max_interval)
    }

    /// A token from which [`Poller`] can be rebuilt, for example in another process.
    pub fn continuation_token(&self) -> String {
        self.operation.continuation_token()
    }

    /// Polls once, without waiting.
    pub async fn poll(&mut self) -> Result<PollerStatus> {
        if self.result.is_none() {
            match self.operation.poll(&self.pipeline).await? {
                Step::Pending { retry_after } => self.next_wait = retry_after,
                Step::Done(result) => self.result = Some(result),
            }
        }
        Ok(self.status())
    }

    /// Polls until the operation finishes and returns its result.
    pub async fn wait(mut self) -> Result<T> {
        loop {
            if self.poll().await? == PollerStatus::Succeeded {
                if let Some(result) = self.result.take() {
                    return Ok(result);
                }
            }
            azure_core::sleep::sleep(to_time(self.next_wait())).await;
        }
    }
}

fn to_time(d: Duration) -> azure_core::time::Duration {
    azure_core::time::Duration::try_from(d).unwrap_or(azure_core::time::Duration::MAX)
}

impl<T: Send + 'static> IntoFuture for Poller<T> {
    type Output = Result<T>;
    type IntoFuture = BoxFuture<'static, Result<T>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.wait())
    }
}

impl<T> fmt::Debug for Poller<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Poller")
            .field("done", &self.result.is_some())
            .field("interval", &self.interval)
            .finish()
    }
}

/// The `Retry-After` of a response: delay seconds, or an HTTP-date (RFC 9110 section 10.2.3),
/// which is read as the time from now until then (zero when it is past).
pub fn retry_after(response: &RawResponse) -> Option<Duration> {
    parse_retry_after(
        response.headers().get_optional_str(&RETRY_AFTER)?,
        time::OffsetDateTime::now_utc(),
    )
}

fn parse_retry_after(value: &str, now: time::OffsetDateTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = azure_core::time::parse_rfc7231(value).ok()?;
    Some(Duration::try_from(when - now).unwrap_or(Duration::ZERO))
}

/// Waits for an entity to appear, as soft delete and recovery need: the operation is done
/// when a GET of the entity answers 200 (its body is the result), still running on 404, and
/// done on 403 (the caller may not read it) with the result of the initial request.
pub struct AwaitEntity<T> {
    url: Url,
    initial: Option<T>,
    /// Resumed from the token of a [`Finished`] operation: the entity may never appear (a
    /// deletion in a vault without soft delete keeps no deleted object), so 404 ends the poll.
    finished: bool,
}

/// The fragment that marks the continuation token of a [`Finished`] operation.
const FINISHED: &str = "finished";

impl<T> AwaitEntity<T> {
    /// Polls `url`; `initial` is the result when the entity cannot be read (403).
    pub fn new(url: Url, initial: Option<T>) -> Self {
        AwaitEntity {
            url,
            initial,
            finished: false,
        }
    }

    /// Resumes from a continuation token of an `AwaitEntity` or [`Finished`] poller of the
    /// same vault.
    pub fn from_continuation_token(pipeline: &KeyVaultPipeline, token: &str) -> Result<Self> {
        let mut url = pipeline.next_link(token)?;
        let finished = url.fragment() == Some(FINISHED);
        url.set_fragment(None);
        Ok(AwaitEntity {
            url,
            initial: None,
            finished,
        })
    }
}

#[async_trait]
impl<T: DeserializeOwned + Send + Sync> Operation<T> for AwaitEntity<T> {
    async fn poll(&mut self, pipeline: &KeyVaultPipeline) -> Result<Step<T>> {
        let response = pipeline
            .send_raw(Method::Get, self.url.clone(), None)
            .await?;
        match response.status() {
            StatusCode::Ok => Ok(Step::Done(deserialize(response.body().as_ref())?)),
            StatusCode::NotFound if self.finished => Err(Error::OperationFailed(
                "the operation had finished when its token was taken, and its result cannot be \
                 read back (a deletion in a vault without soft delete keeps no deleted object)"
                    .into(),
            )),
            StatusCode::NotFound => Ok(Step::Pending {
                retry_after: retry_after(&response),
            }),
            StatusCode::Forbidden => match self.initial.take() {
                Some(initial) => Ok(Step::Done(initial)),
                None => Err(Error::from_response(&response)),
            },
            _ => Err(Error::from_response(&response)),
        }
    }

    fn continuation_token(&self) -> String {
        self.url.to_string()
    }
}

/// An operation that is already finished, for example a delete in a vault without soft delete.
pub struct Finished<T>(Option<T>, String);

impl<T> Finished<T> {
    /// An operation finished with `result`; `token` is what a resumed poller would poll.
    pub fn new(result: T, token: String) -> Self {
        Finished(Some(result), token)
    }
}

#[async_trait]
impl<T: Send + Sync> Operation<T> for Finished<T> {
    async fn poll(&mut self, _: &KeyVaultPipeline) -> Result<Step<T>> {
        self.0
            .take()
            .map(Step::Done)
            .ok_or_else(|| Error::OperationFailed("the result was already taken".into()))
    }

    fn continuation_token(&self) -> String {
        self.1.clone()
    }
}

/// Starts, or resumes from `options.continuation_token`, the deletion of a soft-deletable
/// object: sends `DELETE` to `object` (path segments under the vault) and returns a poller
/// that completes once `deleted` (for example `["deletedkeys", name]`) can be read. When the
/// deleted object is not recoverable (`is_recoverable` false: a vault without soft delete),
/// the poller is finished at once.
pub async fn begin_delete<T>(
    pipeline: &KeyVaultPipeline,
    object: &[&str],
    deleted: &[&str],
    options: &PollerOptions,
    is_recoverable: fn(&T) -> bool,
) -> Result<Poller<T>>
where
    T: DeserializeOwned + Send + Sync + 'static,
{
    let poll_url = pipeline.url(deleted);
    let poller = match &options.continuation_token {
        Some(token) => Poller::new(
            pipeline.clone(),
            AwaitEntity::<T>::from_continuation_token(pipeline, token)?,
        ),
        None => {
            let result: T = match pipeline
                .send_json(Method::Delete, pipeline.url(object), None)
                .await
            {
                Ok(result) => result,
                // A DELETE whose response was lost is repeated by the retry policy, and the
                // repeat answers 404 when the first one was applied. The deleted object tells
                // them apart: if it can be read, the deletion succeeded.
                Err(not_found) if not_found.is_not_found() => {
                    match pipeline
                        .send_json(Method::Get, poll_url.clone(), None)
                        .await
                    {
                        Ok(deleted) => deleted,
                        Err(_) => return Err(not_found),
                    }
                }
                Err(other) => return Err(other),
            };
            if is_recoverable(&result) {
                Poller::new(pipeline.clone(), AwaitEntity::new(poll_url, Some(result)))
            } else {
                // A poller resumed from this token reads the deleted object once: the marked
                // token lets a 404 end it instead of keeping it waiting for an object the
                // vault does not keep.
                let mut token = poll_url.clone();
                token.set_fragment(Some(FINISHED));
                Poller::new(pipeline.clone(), Finished::new(result, token.to_string()))
            }
        }
    };
    Ok(poller.with_options(options))
}

/// Starts, or resumes from `options.continuation_token`, the recovery of a deleted object:
/// sends `POST` to `recover` (for example `["deletedkeys", name, "recover"]`) and returns a
/// poller that completes once `object` (for example `["keys", name]`) can be read again.
pub async fn begin_recover<T>(
    pipeline: &KeyVaultPipeline,
    recover: &[&str],
    object: &[&str],
    options: &PollerOptions,
) -> Result<Poller<T>>
where
    T: DeserializeOwned + Send + Sync + 'static,
{
    let operation = match &options.continuation_token {
        Some(token) => AwaitEntity::from_continuation_token(pipeline, token)?,
        None => {
            let recovered: T = pipeline
                .send_json(Method::Post, pipeline.url(recover), None)
                .await?;
            AwaitEntity::new(pipeline.url(object), Some(recovered))
        }
    };
    Ok(Poller::new(pipeline.clone(), operation).with_options(options))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        pipeline::ClientOptions,
        test_support::{CountingCredential, Reply, Server},
    };
    use std::sync::Arc;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Thing {
        name: String,
    }

    fn pipeline(server: &Arc<Server>) -> KeyVaultPipeline {
        let mut options = ClientOptions::default();
        options.client_options.transport = Some(server.transport());
        let credential = CountingCredential::new(azure_core::time::Duration::hours(1));
        let host = crate::test_support::unique_vault_url("poll");
        KeyVaultPipeline::new(&host, credential, options, "t", "0").unwrap()
    }

    const FAST: Duration = Duration::from_millis(5);

    #[tokio::test]
    async fn a_resumed_delete_in_a_vault_without_soft_delete_ends() {
        // The vault keeps no deleted object: the DELETE answers without a recovery id, and the
        // deleted object's URL answers 404 for ever.
        let server = Server::authorized(|seen, _| {
            if seen.url.contains("/deletedthings/") {
                Reply::status(404)
            } else {
                Reply::json(200, r#"{"name":"gone"}"#)
            }
        });
        let p = pipeline(&server);
        let poller = begin_delete(
            &p,
            &["things", "t"],
            &["deletedthings", "t"],
            &PollerOptions::default(),
            |_: &Thing| false,
        )
        .await
        .unwrap();
        let token = poller.continuation_token();
        assert_eq!(poller.await.unwrap().name, "gone");

        let resumed: Poller<Thing> = begin_delete(
            &p,
            &["things", "t"],
            &["deletedthings", "t"],
            &PollerOptions {
                continuation_token: Some(token),
                polling_interval: Some(FAST),
                ..Default::default()
            },
            |_: &Thing| false,
        )
        .await
        .unwrap();
        let err = tokio::time::timeout(Duration::from_secs(5), resumed.wait())
            .await
            .expect("the resumed poller ends")
            .unwrap_err();
        assert!(err.to_string().contains("soft delete"), "{err}");
        // The fragment marking the token never reaches the service.
        assert!(server.seen().iter().all(|s| !s.url.contains('#')));
    }

    #[tokio::test]
    async fn polls_until_the_entity_appears_honouring_retry_after() {
        let server = Server::authorized(|_, n| match n {
            2 => Reply::status(404).header("retry-after", "0"),
            3 => Reply::status(404),
            _ => Reply::json(200, r#"{"name":"polled"}"#),
        });
        let p = pipeline(&server);
        let url = p.url(&["deletedsecrets", "s"]);
        let mut poller = Poller::new(
            p,
            AwaitEntity::new(
                url,
                Some(Thing {
                    name: "initial".into(),
                }),
            ),
        )
        .with_polling_interval(FAST);
        assert_eq!(poller.status(), PollerStatus::InProgress);
        assert_eq!(poller.poll().await.unwrap(), PollerStatus::InProgress);
        assert_eq!(poller.next_wait(), Duration::ZERO, "Retry-After wins");
        assert!(poller.result().is_none());
        let done = poller.await.unwrap();
        assert_eq!(done.name, "polled");
        assert_eq!(server.seen().len(), 4);
    }

    #[tokio::test]
    async fn forbidden_means_done_with_the_initial_result() {
        let server = Server::authorized(|_, _| Reply::status(403));
        let p = pipeline(&server);
        let url = p.url(&["deletedsecrets", "s"]);
        let done = Poller::new(
            p.clone(),
            AwaitEntity::new(
                url.clone(),
                Some(Thing {
                    name: "initial".into(),
                }),
            ),
        )
        .await
        .unwrap();
        assert_eq!(done.name, "initial");
        // Resumed from a token there is no initial result: the 403 is the caller's.
        let token = url.to_string();
        let resumed = AwaitEntity::<Thing>::from_continuation_token(&p, &token).unwrap();
        let err = Poller::new(p, resumed).await.unwrap_err();
        assert!(err.is_forbidden());
    }

    #[tokio::test]
    async fn a_failed_poll_leaves_the_poller_usable() {
        let server = Server::authorized(|_, n| match n {
            2 => Reply::json(400, r#"{"error":{"code":"BadParameter","message":"no"}}"#),
            _ => Reply::json(200, r#"{"name":"late"}"#),
        });
        let p = pipeline(&server);
        let url = p.url(&["deletedsecrets", "s"]);
        let mut poller = Poller::new(p, AwaitEntity::<Thing>::new(url, None));
        assert!(poller.poll().await.is_err());
        assert_eq!(poller.status(), PollerStatus::InProgress);
        assert_eq!(poller.poll().await.unwrap(), PollerStatus::Succeeded);
        assert_eq!(poller.result().unwrap().name, "late");
    }

    #[tokio::test]
    async fn tokens_resume_on_the_same_vault_only() {
        let server = Server::authorized(|_, _| Reply::json(200, r#"{"name":"x"}"#));
        let p = pipeline(&server);
        let poller = Poller::new(
            p.clone(),
            AwaitEntity::<Thing>::new(p.url(&["deletedkeys", "k"]), None),
        );
        let token = poller.continuation_token();
        assert!(token.contains("/deletedkeys/k"));
        assert!(AwaitEntity::<Thing>::from_continuation_token(&p, &token).is_ok());
        assert!(AwaitEntity::<Thing>::from_continuation_token(
            &p,
            "https://elsewhere.example/deletedkeys/k"
        )
        .is_err());
        let finished = Poller::new(p, Finished::new(Thing { name: "now".into() }, token));
        assert_eq!(finished.await.unwrap().name, "now");
    }

    #[test]
    fn retry_after_takes_seconds_and_http_dates() {
        let now = time::macros::datetime!(2026-12-06 20:00:00 UTC);
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Sun, 06 Dec 2026 20:00:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        // A date already past means now.
        assert_eq!(
            parse_retry_after("Sun, 06 Dec 2026 19:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }

    #[test]
    fn a_long_retry_after_is_capped() {
        let server = Server::authorized(|_, _| Reply::json(200, "{}"));
        let mut poller = Poller::new(
            pipeline(&server),
            Finished::new(Thing { name: "t".into() }, String::new()),
        );
        poller.next_wait = Some(Duration::from_secs(86_400));
        assert_eq!(poller.next_wait(), DEFAULT_MAX_POLLING_INTERVAL);
        let poller = poller.with_options(&PollerOptions {
            max_polling_interval: Some(Duration::from_secs(5)),
            ..Default::default()
        });
        assert_eq!(poller.next_wait(), Duration::from_secs(5));
    }
}
