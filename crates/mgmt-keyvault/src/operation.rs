//! ARM long-running operations: `Azure-AsyncOperation` status resources, `Location` polling and
//! `provisioningState`.

use async_trait::async_trait;
use azure_core::http::{headers::HeaderName, Method, RawResponse, StatusCode};
use keyvault_core::{
    async_operation::{OperationStatus, AZURE_ASYNC_OPERATION},
    error::InnerError,
    pipeline::deserialize,
    polling::{retry_after, Operation, Step},
    Error, KeyVaultPipeline, Result,
};
use serde::{de::DeserializeOwned, Deserialize};
use url::Url;

/// The `Location` response header.
const LOCATION: HeaderName = HeaderName::from_static("location");

/// The link of `header` in `response`, made safe to follow (same host, our `api-version`).
fn link(
    pipeline: &KeyVaultPipeline,
    response: &RawResponse,
    header: &HeaderName,
) -> Result<Option<Url>> {
    match response.headers().get_optional_str(header) {
        Some(link) if !link.is_empty() => pipeline.next_link(link).map(Some),
        _ => Ok(None),
    }
}

#[derive(Deserialize)]
struct StatusBody {
    status: OperationStatus,
    #[serde(default)]
    error: Option<InnerError>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProvisioningBody {
    #[serde(default)]
    properties: Option<ProvisioningProperties>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProvisioningProperties {
    #[serde(default)]
    provisioning_state: Option<String>,
}

fn failed(state: &str, error: Option<InnerError>) -> Error {
    match error {
        Some(error) => Error::OperationFailed(format!("the operation ended {state}: {error}")),
        None => Error::OperationFailed(format!("the operation ended {state}")),
    }
}

/// Creates or updates a resource: polls the `Azure-AsyncOperation` status resource when the
/// service gave one, else the resource's `provisioningState`, then reads the resource.
pub(crate) struct ResourceOperation<T> {
    status_url: Option<Url>,
    resource_url: Url,
    done: Option<T>,
}

impl<T: DeserializeOwned> ResourceOperation<T> {
    /// The operation the response to the initial PUT or PATCH of `resource_url` started.
    pub(crate) fn from_response(
        pipeline: &KeyVaultPipeline,
        resource_url: Url,
        response: &RawResponse,
    ) -> Result<Self> {
        let status_url = link(pipeline, response, &AZURE_ASYNC_OPERATION)?;
        let body = response.body().as_ref();
        let mut done = None;
        // A 201/202 may come without a body (then the resource is polled).
        if status_url.is_none() && !body.iter().all(u8::is_ascii_whitespace) {
            let state: ProvisioningBody = deserialize(body)?;
            let state = state.properties.and_then(|p| p.provisioning_state);
            if state
                .as_deref()
                .is_none_or(|s| s.eq_ignore_ascii_case("Succeeded"))
            {
                done = Some(deserialize(body)?);
            }
        }
        Ok(ResourceOperation {
            status_url,
            resource_url,
            done,
        })
    }
}

#[async_trait]
impl<T: DeserializeOwned + Send + Sync> Operation<T> for ResourceOperation<T> {
    async fn poll(&mut self, pipeline: &KeyVaultPipeline) -> Result<Step<T>> {
        if let Some(done) = self.done.take() {
            return Ok(Step::Done(done));
        }
        if let Some(status_url) = &self.status_url {
            let response = pipeline.send(Method::Get, status_url.clone(), None).await?;
            let status: StatusBody = deserialize(response.body().as_ref())?;
            match status.status {
                OperationStatus::Succeeded => {}
                OperationStatus::Failed | OperationStatus::Canceled => {
                    return Err(failed(status.status.as_str(), status.error))
                }
                _ => {
                    return Ok(Step::Pending {
                        retry_after: retry_after(&response),
                    })
                }
            }
            let resource = pipeline
                .send(Method::Get, self.resource_url.clone(), None)
                .await?;
            return Ok(Step::Done(deserialize(resource.body().as_ref())?));
        }
        let response = pipeline
            .send(Method::Get, self.resource_url.clone(), None)
            .await?;
        let body = response.body().as_ref();
        let state: ProvisioningBody = deserialize(body)?;
        match state.properties.and_then(|p| p.provisioning_state) {
            None => Ok(Step::Done(deserialize(body)?)),
            Some(s) if s.eq_ignore_ascii_case("Succeeded") => Ok(Step::Done(deserialize(body)?)),
            Some(s) if s.eq_ignore_ascii_case("Failed") || s.eq_ignore_ascii_case("Canceled") => {
                Err(failed(&s, None))
            }
            Some(_) => Ok(Step::Pending {
                retry_after: retry_after(&response),
            }),
        }
    }

    fn continuation_token(&self) -> String {
        self.status_url
            .as_ref()
            .unwrap_or(&self.resource_url)
            .to_string()
    }
}

/// An operation without a result (delete, purge): done at once on 200/204, else polled at its
/// `Location` (202 while running, 200/204 when done) or `Azure-AsyncOperation` status.
pub(crate) struct LocationOperation {
    location: Option<Url>,
    status_url: Option<Url>,
}

impl LocationOperation {
    /// The operation the response to the initial request started.
    pub(crate) fn from_response(
        pipeline: &KeyVaultPipeline,
        response: &RawResponse,
    ) -> Result<Self> {
        if response.status() != StatusCode::Accepted {
            return Ok(LocationOperation {
                location: None,
                status_url: None,
            });
        }
        let status_url = link(pipeline, response, &AZURE_ASYNC_OPERATION)?;
        let location = link(pipeline, response, &LOCATION)?;
        if status_url.is_none() && location.is_none() {
            return Err(Error::Deserialize {
                model: "LocationOperation",
                message: "a 202 response has neither a Location nor an Azure-AsyncOperation header"
                    .into(),
            });
        }
        Ok(LocationOperation {
            location,
            status_url,
        })
    }
}

#[async_trait]
impl Operation<()> for LocationOperation {
    async fn poll(&mut self, pipeline: &KeyVaultPipeline) -> Result<Step<()>> {
        if let Some(status_url) = &self.status_url {
            let response = pipeline.send(Method::Get, status_url.clone(), None).await?;
            let status: StatusBody = deserialize(response.body().as_ref())?;
            return match status.status {
                OperationStatus::Succeeded => Ok(Step::Done(())),
                OperationStatus::Failed | OperationStatus::Canceled => {
                    Err(failed(status.status.as_str(), status.error))
                }
                _ => Ok(Step::Pending {
                    retry_after: retry_after(&response),
                }),
            };
        }
        let Some(location) = &self.location else {
            return Ok(Step::Done(()));
        };
        let response = pipeline.send(Method::Get, location.clone(), None).await?;
        match response.status() {
            StatusCode::Accepted => Ok(Step::Pending {
                retry_after: retry_after(&response),
            }),
            _ => Ok(Step::Done(())),
        }
    }

    fn continuation_token(&self) -> String {
        self.status_url
            .as_ref()
            .or(self.location.as_ref())
            .map(Url::to_string)
            .unwrap_or_default()
    }
}
