//! Long-running operations that report through an `Azure-AsyncOperation` status resource.
//!
//! The service answers the start of such an operation (for example a Managed HSM full backup)
//! with `202 Accepted`, an `Azure-AsyncOperation` header naming a status URL and a `Retry-After`.
//! The status resource is `{"status": "InProgress" | "Succeeded" | "Failed" | "Canceled", "error":
//! {..}, "startTime": .., "endTime": .., "jobId": .., ...}`. [`AzureAsyncOperation`] polls it for a
//! [`Poller`](crate::Poller): pending while in progress (honouring `Retry-After`), done with the
//! status body deserialized into `T` once succeeded, and an [`Error::OperationFailed`] once failed
//! or canceled. Its continuation token is the status URL.

use crate::{
    error::{Error, InnerError, Result},
    pipeline::{deserialize, KeyVaultPipeline},
    polling::{retry_after, Operation, Step},
};
use async_trait::async_trait;
use azure_core::http::{headers::HeaderName, Method, RawResponse};
use serde::{de::DeserializeOwned, Deserialize, Deserializer};
use std::marker::PhantomData;
use time::OffsetDateTime;
use url::Url;

/// The `Azure-AsyncOperation` response header.
pub const AZURE_ASYNC_OPERATION: HeaderName = HeaderName::from_static("azure-asyncoperation");

crate::string_enum! {
    /// The state of an asynchronous operation, as its status resource reports it.
    pub enum OperationStatus {
        /// Still running.
        InProgress = "InProgress",
        /// Finished successfully.
        Succeeded = "Succeeded",
        /// Canceled before it finished.
        Canceled = "Canceled",
        /// Finished in failure; the status carries an `error`.
        Failed = "Failed",
    }
}

impl OperationStatus {
    /// Whether the operation has finished, one way or another. An unknown status is taken as
    /// still running.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            OperationStatus::Succeeded | OperationStatus::Canceled | OperationStatus::Failed
        )
    }
}

/// `Option<OffsetDateTime>` as unix seconds where `0` and `null` mean "not set" (an operation
/// still running reports `"endTime": 0` or `null`).
pub mod unix_time_or_zero {
    use super::*;

    /// Deserializes unix seconds; `0`, `null` and absent are `None`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Option<OffsetDateTime>, D::Error> {
        match Option::<i64>::deserialize(deserializer)? {
            None | Some(0) => Ok(None),
            Some(seconds) => OffsetDateTime::from_unix_timestamp(seconds)
                .map(Some)
                .map_err(serde::de::Error::custom),
        }
    }
}

/// The common part of every status resource.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AsyncOperationStatus {
    /// The state of the operation.
    pub status: OperationStatus,
    /// A description of the state, when the service gives one.
    #[serde(default)]
    pub status_details: Option<String>,
    /// Why the operation failed.
    #[serde(default)]
    pub error: Option<InnerError>,
    /// When the operation started.
    #[serde(default, deserialize_with = "unix_time_or_zero::deserialize")]
    pub start_time: Option<OffsetDateTime>,
    /// When the operation ended; `None` while it runs.
    #[serde(default, deserialize_with = "unix_time_or_zero::deserialize")]
    pub end_time: Option<OffsetDateTime>,
    /// The service's identifier of the operation.
    #[serde(default)]
    pub job_id: Option<String>,
}

impl AsyncOperationStatus {
    /// The error to report for a failed or canceled operation: its code, message and job id.
    pub fn failure(&self) -> Error {
        let mut text = format!("the operation ended with status {}", self.status);
        if let Some(error) = &self.error {
            text.push_str(&format!(": {error}"));
        } else if let Some(details) = self.status_details.as_deref().filter(|d| !d.is_empty()) {
            text.push_str(&format!(": {details}"));
        }
        if let Some(job) = &self.job_id {
            text.push_str(&format!(" (job {job})"));
        }
        Error::OperationFailed(text)
    }
}

/// Polls an `Azure-AsyncOperation` status URL; the final status body is deserialized into `T`.
pub struct AzureAsyncOperation<T> {
    url: Url,
    _result: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for AzureAsyncOperation<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AzureAsyncOperation")
            .field("url", &self.url.as_str())
            .finish()
    }
}

impl<T> AzureAsyncOperation<T> {
    /// Polls `url`, which must already be checked to point at the pipeline's vault.
    pub fn new(url: Url) -> Self {
        AzureAsyncOperation {
            url,
            _result: PhantomData,
        }
    }

    /// The operation a `202 Accepted` started: its `Azure-AsyncOperation` header, which must
    /// point at the pipeline's vault (it is polled with the pipeline's `api-version`).
    pub fn from_response(pipeline: &KeyVaultPipeline, response: &RawResponse) -> Result<Self> {
        let link = response
            .headers()
            .get_optional_str(&AZURE_ASYNC_OPERATION)
            .ok_or_else(|| Error::Deserialize {
                model: "AzureAsyncOperation",
                message: "the response has no Azure-AsyncOperation header".into(),
            })?;
        Ok(Self::new(pipeline.next_link(link)?))
    }

    /// Resumes from a continuation token of an operation of the same vault.
    pub fn from_continuation_token(pipeline: &KeyVaultPipeline, token: &str) -> Result<Self> {
        Ok(Self::new(pipeline.next_link(token)?))
    }

    /// The status URL.
    pub fn url(&self) -> &Url {
        &self.url
    }
}

/// Sends the request that starts an asynchronous operation and returns the operation it
/// started. A non-success status is an error.
pub async fn start<T>(
    pipeline: &KeyVaultPipeline,
    method: Method,
    url: Url,
    body: Option<Vec<u8>>,
) -> Result<AzureAsyncOperation<T>> {
    let response = pipeline.send(method, url, body).await?;
    AzureAsyncOperation::from_response(pipeline, &response)
}

#[async_trait]
impl<T: DeserializeOwned + Send + Sync> Operation<T> for AzureAsyncOperation<T> {
    async fn poll(&mut self, pipeline: &KeyVaultPipeline) -> Result<Step<T>> {
        let response = pipeline.send(Method::Get, self.url.clone(), None).await?;
        let body = response.body().as_ref();
        let status: AsyncOperationStatus = deserialize(body)?;
        match status.status {
            OperationStatus::Succeeded => Ok(Step::Done(deserialize(body)?)),
            OperationStatus::Failed | OperationStatus::Canceled => Err(status.failure()),
            _ => Ok(Step::Pending {
                retry_after: retry_after(&response),
            }),
        }
    }

    fn continuation_token(&self) -> String {
        self.url.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        pipeline::ClientOptions,
        polling::{Poller, PollerStatus},
        test_support::{CountingCredential, Reply, Server},
    };
    use std::{sync::Arc, time::Duration};

    fn pipeline(server: &Arc<Server>) -> (KeyVaultPipeline, String) {
        let mut options = ClientOptions::default();
        options.client_options.transport = Some(server.transport());
        let credential = CountingCredential::new(azure_core::time::Duration::hours(1));
        let host = crate::test_support::unique_vault_url("async");
        (
            KeyVaultPipeline::new(&host, credential, options, "t", "0").unwrap(),
            host,
        )
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Backup {
        azure_storage_blob_container_uri: String,
    }

    #[test]
    fn statuses_parse_with_zero_and_null_end_times() {
        let s: AsyncOperationStatus = serde_json::from_str(
            r#"{"status":"InProgress","statusDetails":null,"error":null,"startTime":1490790000,"endTime":0,"jobId":"j"}"#,
        )
        .unwrap();
        assert_eq!(s.status, OperationStatus::InProgress);
        assert!(!s.status.is_terminal());
        assert_eq!(s.start_time.unwrap().unix_timestamp(), 1490790000);
        assert_eq!(s.end_time, None);
        let s: AsyncOperationStatus =
            serde_json::from_str(r#"{"status":"Paused","endTime":null}"#).unwrap();
        assert_eq!(s.status, OperationStatus::Other("Paused".into()));
        assert!(!s.status.is_terminal());
    }

    #[tokio::test]
    async fn polls_until_succeeded_honouring_retry_after() {
        let server = Server::authorized(|seen, n| match n {
            2 => Reply::json(202, r#"{"status":"InProgress","jobId":"j1"}"#)
                .header(
                    "azure-asyncoperation",
                    &format!(
                        "{}/backup/j1/pending",
                        seen.url.split("/backup").next().unwrap()
                    ),
                )
                .header("retry-after", "0"),
            3 => Reply::json(200, r#"{"status":"InProgress","jobId":"j1","endTime":0}"#)
                .header("retry-after", "0"),
            _ => Reply::json(
                200,
                r#"{"status":"Succeeded","jobId":"j1","azureStorageBlobContainerUri":"https://a.blob.core.windows.net/c/f"}"#,
            ),
        });
        let (p, host) = pipeline(&server);
        let operation: AzureAsyncOperation<Backup> =
            start(&p, Method::Post, p.url(&["backup"]), Some(b"{}".to_vec()))
                .await
                .unwrap();
        let token = operation.continuation_token();
        assert!(
            token.starts_with(&format!("{host}/backup/j1/pending")),
            "{token}"
        );
        assert!(token.contains("api-version="), "{token}");
        let mut poller =
            Poller::new(p.clone(), operation).with_polling_interval(Duration::from_secs(60));
        assert_eq!(poller.poll().await.unwrap(), PollerStatus::InProgress);
        assert_eq!(poller.next_wait(), Duration::ZERO, "Retry-After wins");
        let result = poller.await.unwrap();
        assert_eq!(
            result.azure_storage_blob_container_uri,
            "https://a.blob.core.windows.net/c/f"
        );
        // The token resumes on the same vault only.
        assert!(AzureAsyncOperation::<Backup>::from_continuation_token(&p, &token).is_ok());
        assert!(AzureAsyncOperation::<Backup>::from_continuation_token(
            &p,
            "https://elsewhere.example/backup/j1/pending"
        )
        .is_err());
    }

    #[tokio::test]
    async fn a_failed_operation_is_an_error_with_the_service_code() {
        let server = Server::authorized(|_, _| {
            Reply::json(
                200,
                r#"{"status":"Failed","jobId":"j2","error":{"code":"InvalidStorage","message":"The container was not found."}}"#,
            )
        });
        let (p, host) = pipeline(&server);
        let url = p.next_link(&format!("{host}/restore/j2/pending")).unwrap();
        let err = Poller::new(p, AzureAsyncOperation::<AsyncOperationStatus>::new(url))
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, Error::OperationFailed(_)));
        assert!(
            text.contains("InvalidStorage") && text.contains("j2"),
            "{text}"
        );
    }

    #[tokio::test]
    async fn a_start_without_the_header_is_a_clear_error() {
        let server = Server::authorized(|_, _| Reply::json(202, r#"{"status":"InProgress"}"#));
        let (p, _) = pipeline(&server);
        let err = start::<AsyncOperationStatus>(&p, Method::Post, p.url(&["backup"]), None)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("Azure-AsyncOperation"), "{err}");
    }
}
