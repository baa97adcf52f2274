//! ARM long-running operations: `Azure-AsyncOperation` status resources, `Location` polling and
//! `provisioningState`, and the continuation tokens that resume them.

use async_trait::async_trait;
use azure_core::http::{headers::HeaderName, Method, RawResponse, StatusCode};
use keyvault_core::{
    async_operation::{OperationStatus, AZURE_ASYNC_OPERATION},
    error::InnerError,
    pipeline::deserialize,
    polling::{retry_after, Operation, Step},
    serde::base64url,
    Error, KeyVaultPipeline, Result,
};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
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

/// The long-running operations of the client. A token names its kind so that it resumes only
/// through the method that started it: a purge token handed to a create would otherwise poll
/// the wrong thing and report the wrong result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OperationKind {
    VaultsCreateOrUpdate,
    VaultsPurgeDeleted,
    ManagedHsmsCreateOrUpdate,
    ManagedHsmsUpdate,
    ManagedHsmsDelete,
    ManagedHsmsPurgeDeleted,
    PrivateEndpointConnectionsDelete,
    MhsmPrivateEndpointConnectionsDelete,
}

impl OperationKind {
    /// The spec's operation id: stable across releases of this crate, so tokens stay valid.
    fn as_str(self) -> &'static str {
        match self {
            OperationKind::VaultsCreateOrUpdate => "Vaults_CreateOrUpdate",
            OperationKind::VaultsPurgeDeleted => "Vaults_PurgeDeleted",
            OperationKind::ManagedHsmsCreateOrUpdate => "ManagedHsms_CreateOrUpdate",
            OperationKind::ManagedHsmsUpdate => "ManagedHsms_Update",
            OperationKind::ManagedHsmsDelete => "ManagedHsms_Delete",
            OperationKind::ManagedHsmsPurgeDeleted => "ManagedHsms_PurgeDeleted",
            OperationKind::PrivateEndpointConnectionsDelete => "PrivateEndpointConnections_Delete",
            OperationKind::MhsmPrivateEndpointConnectionsDelete => {
                "MHSMPrivateEndpointConnections_Delete"
            }
        }
    }
}

/// The version of the token layout; a token of another version is refused rather than
/// misread.
const TOKEN_VERSION: u32 = 1;

/// What a continuation token carries, as JSON inside unpadded base64url (URL-safe, so it can
/// travel in a query string or a file name).
#[derive(Serialize, Deserialize)]
struct TokenBody {
    v: u32,
    kind: String,
    resource: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    location: Option<String>,
}

/// Where an operation is followed: the resource it acts on, its `Azure-AsyncOperation` status
/// resource and its `Location`, the last two when the service gave them.
pub(crate) struct Tracking {
    kind: OperationKind,
    resource: Url,
    status: Option<Url>,
    location: Option<Url>,
}

fn bad_token(message: impl Into<String>) -> Error {
    Error::invalid_argument("continuation_token", message)
}

impl Tracking {
    /// The links of the response that started operation `kind` on `resource`.
    fn from_response(
        pipeline: &KeyVaultPipeline,
        kind: OperationKind,
        resource: Url,
        response: &RawResponse,
    ) -> Result<Self> {
        Ok(Tracking {
            kind,
            resource,
            status: link(pipeline, response, &AZURE_ASYNC_OPERATION)?,
            location: link(pipeline, response, &LOCATION)?,
        })
    }

    /// Reads `token`, which must be one of `kind` on `resource` whose links all point at the
    /// client's endpoint: a token is input like any other, and following a link to another
    /// host would hand that host the client's ARM token.
    pub(crate) fn resume(
        pipeline: &KeyVaultPipeline,
        kind: OperationKind,
        resource: Url,
        token: &str,
    ) -> Result<Self> {
        let not_ours = || bad_token("not a continuation token of an ARM operation");
        let bytes = base64url::decode(token.trim()).map_err(|_| not_ours())?;
        let body: TokenBody = serde_json::from_slice(&bytes).map_err(|_| not_ours())?;
        if body.v != TOKEN_VERSION {
            return Err(bad_token(format!(
                "a token of layout version {} cannot be read by this version of the client",
                body.v
            )));
        }
        if body.kind != kind.as_str() {
            return Err(bad_token(format!(
                "the token resumes {}, not {}",
                body.kind,
                kind.as_str()
            )));
        }
        let follow = |link: &str| {
            pipeline.next_link(link).map_err(|_| {
                bad_token(format!(
                    "the token points at {link:?}, not at {}",
                    pipeline.vault_url()
                ))
            })
        };
        let named = follow(&body.resource)?;
        if !named.path().eq_ignore_ascii_case(resource.path()) {
            return Err(bad_token(format!(
                "the token is of the operation on {}, not on {}",
                named.path(),
                resource.path()
            )));
        }
        Ok(Tracking {
            kind,
            resource,
            status: body.status.as_deref().map(follow).transpose()?,
            location: body.location.as_deref().map(follow).transpose()?,
        })
    }

    fn token(&self) -> String {
        let body = TokenBody {
            v: TOKEN_VERSION,
            kind: self.kind.as_str().to_string(),
            resource: self.resource.to_string(),
            status: self.status.as_ref().map(Url::to_string),
            location: self.location.as_ref().map(Url::to_string),
        };
        // Serializing strings into JSON cannot fail.
        base64url::encode(&serde_json::to_vec(&body).unwrap_or_default())
    }

    /// Polls the `Azure-AsyncOperation` status resource: `Some(Step::Pending)` while it runs,
    /// `None` once it has succeeded.
    async fn poll_status<T>(
        pipeline: &KeyVaultPipeline,
        status_url: &Url,
    ) -> Result<Option<Step<T>>> {
        let response = pipeline.send(Method::Get, status_url.clone(), None).await?;
        let status: StatusBody = deserialize(response.body().as_ref())?;
        match status.status {
            OperationStatus::Succeeded => Ok(None),
            OperationStatus::Failed | OperationStatus::Canceled => {
                Err(failed(status.status.as_str(), status.error))
            }
            _ => Ok(Some(Step::Pending {
                retry_after: retry_after(&response),
            })),
        }
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
/// service gave one and then reads the resource; else its `Location` (202 while running, then
/// the resource, the spec's `final-state-via: location`); else the resource's
/// `provisioningState`.
pub(crate) struct ResourceOperation<T> {
    tracking: Tracking,
    done: Option<T>,
}

impl<T: DeserializeOwned> ResourceOperation<T> {
    /// The operation the response to the initial PUT or PATCH of `resource_url` started.
    pub(crate) fn from_response(
        pipeline: &KeyVaultPipeline,
        kind: OperationKind,
        resource_url: Url,
        response: &RawResponse,
    ) -> Result<Self> {
        let tracking = Tracking::from_response(pipeline, kind, resource_url, response)?;
        let body = response.body().as_ref();
        let mut done = None;
        // A 201/202 may come without a body (then the resource is polled).
        if tracking.status.is_none() && !body.iter().all(u8::is_ascii_whitespace) {
            let state: ProvisioningBody = deserialize(body)?;
            let state = state.properties.and_then(|p| p.provisioning_state);
            if state
                .as_deref()
                .is_none_or(|s| s.eq_ignore_ascii_case("Succeeded"))
            {
                done = Some(deserialize(body)?);
            }
        }
        Ok(ResourceOperation { tracking, done })
    }

    /// The operation a continuation token names (checked by [`Tracking::resume`]).
    pub(crate) fn resume(tracking: Tracking) -> Self {
        ResourceOperation {
            tracking,
            done: None,
        }
    }
}

#[async_trait]
impl<T: DeserializeOwned + Send + Sync> Operation<T> for ResourceOperation<T> {
    async fn poll(&mut self, pipeline: &KeyVaultPipeline) -> Result<Step<T>> {
        if let Some(done) = self.done.take() {
            return Ok(Step::Done(done));
        }
        let resource_url = &self.tracking.resource;
        if let Some(status_url) = &self.tracking.status {
            if let Some(pending) = Tracking::poll_status(pipeline, status_url).await? {
                return Ok(pending);
            }
            let resource = pipeline
                .send(Method::Get, resource_url.clone(), None)
                .await?;
            return Ok(Step::Done(deserialize(resource.body().as_ref())?));
        }
        if let Some(location) = &self.tracking.location {
            let response = pipeline.send(Method::Get, location.clone(), None).await?;
            if response.status() == StatusCode::Accepted {
                return Ok(Step::Pending {
                    retry_after: retry_after(&response),
                });
            }
            if let Some(resource) = optional_body(&response)? {
                return Ok(Step::Done(resource));
            }
            // A final answer without a body: the resource itself is the result.
            let resource = pipeline
                .send(Method::Get, resource_url.clone(), None)
                .await?;
            return Ok(Step::Done(deserialize(resource.body().as_ref())?));
        }
        let response = pipeline
            .send(Method::Get, resource_url.clone(), None)
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
        self.tracking.token()
    }
}

/// An operation without a result (delete, purge): done at once on 200/204, else polled at its
/// `Azure-AsyncOperation` status or, without one, its `Location` (202 while running, 200/204
/// when done).
pub(crate) struct LocationOperation {
    tracking: Tracking,
}

impl LocationOperation {
    /// The operation the response to the initial request on `resource_url` started.
    pub(crate) fn from_response(
        pipeline: &KeyVaultPipeline,
        kind: OperationKind,
        resource_url: Url,
        response: &RawResponse,
    ) -> Result<Self> {
        if response.status() != StatusCode::Accepted {
            return Ok(LocationOperation {
                tracking: Tracking {
                    kind,
                    resource: resource_url,
                    status: None,
                    location: None,
                },
            });
        }
        let tracking = Tracking::from_response(pipeline, kind, resource_url, response)?;
        if tracking.status.is_none() && tracking.location.is_none() {
            return Err(Error::Deserialize {
                model: "LocationOperation",
                message: "a 202 response has neither a Location nor an Azure-AsyncOperation header"
                    .into(),
            });
        }
        Ok(LocationOperation { tracking })
    }

    /// The operation a continuation token names (checked by [`Tracking::resume`]).
    pub(crate) fn resume(tracking: Tracking) -> Self {
        LocationOperation { tracking }
    }
}

#[async_trait]
impl Operation<()> for LocationOperation {
    async fn poll(&mut self, pipeline: &KeyVaultPipeline) -> Result<Step<()>> {
        if let Some(status_url) = &self.tracking.status {
            return Ok(Tracking::poll_status(pipeline, status_url)
                .await?
                .unwrap_or(Step::Done(())));
        }
        let Some(location) = &self.tracking.location else {
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
        self.tracking.token()
    }
}

/// An operation whose result is what its `Location` answers at the end (the spec's
/// `final-state-via: location` with a `final-state-schema`), such as the delete of a private
/// endpoint connection: done at once on 200 (with the resource) or 204 (without), else polled
/// at its `Location` (202 while running). The result is `None` when the final answer has no
/// body, as a 204 for a connection that did not exist.
pub(crate) struct FinalLocationOperation<T> {
    tracking: Tracking,
    done: Option<Option<T>>,
}

/// The resource a final answer carries; `None` for an empty body.
fn optional_body<T: DeserializeOwned>(response: &RawResponse) -> Result<Option<T>> {
    let body = response.body().as_ref();
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    deserialize(body).map(Some)
}

impl<T: DeserializeOwned> FinalLocationOperation<T> {
    /// The operation the response to the initial request on `resource_url` started.
    pub(crate) fn from_response(
        pipeline: &KeyVaultPipeline,
        kind: OperationKind,
        resource_url: Url,
        response: &RawResponse,
    ) -> Result<Self> {
        if response.status() != StatusCode::Accepted {
            return Ok(FinalLocationOperation {
                tracking: Tracking {
                    kind,
                    resource: resource_url,
                    status: None,
                    location: None,
                },
                done: Some(optional_body(response)?),
            });
        }
        let tracking = Tracking::from_response(pipeline, kind, resource_url, response)?;
        if tracking.location.is_none() && tracking.status.is_none() {
            return Err(Error::Deserialize {
                model: "FinalLocationOperation",
                message: "a 202 response has neither a Location nor an Azure-AsyncOperation header"
                    .into(),
            });
        }
        Ok(FinalLocationOperation {
            tracking,
            done: None,
        })
    }

    /// The operation a continuation token names (checked by [`Tracking::resume`]).
    pub(crate) fn resume(tracking: Tracking) -> Self {
        FinalLocationOperation {
            tracking,
            done: None,
        }
    }
}

#[async_trait]
impl<T: DeserializeOwned + Send + Sync> Operation<Option<T>> for FinalLocationOperation<T> {
    async fn poll(&mut self, pipeline: &KeyVaultPipeline) -> Result<Step<Option<T>>> {
        if let Some(done) = self.done.take() {
            return Ok(Step::Done(done));
        }
        if let Some(status_url) = &self.tracking.status {
            if let Some(pending) = Tracking::poll_status(pipeline, status_url).await? {
                return Ok(pending);
            }
        }
        // A token of an operation that was complete at once carries no link: nothing is left
        // to read.
        let Some(location) = &self.tracking.location else {
            return Ok(Step::Done(None));
        };
        let response = pipeline.send(Method::Get, location.clone(), None).await?;
        if response.status() == StatusCode::Accepted {
            return Ok(Step::Pending {
                retry_after: retry_after(&response),
            });
        }
        Ok(Step::Done(optional_body(&response)?))
    }

    fn continuation_token(&self) -> String {
        self.tracking.token()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
    use std::sync::Arc;

    /// Token tests never send, so the credential is never asked.
    #[derive(Debug)]
    struct Unused;

    #[async_trait]
    impl TokenCredential for Unused {
        async fn get_token(
            &self,
            _: &[&str],
            _: Option<TokenRequestOptions<'_>>,
        ) -> azure_core::Result<AccessToken> {
            unreachable!("nothing is sent")
        }
    }

    fn pipeline() -> KeyVaultPipeline {
        KeyVaultPipeline::with_bearer_token(
            "https://management.azure.com:8443",
            Arc::new(Unused),
            &["https://management.azure.com/.default"],
            keyvault_core::ClientOptions {
                api_version: Some(keyvault_core::ApiVersion::new("2026-02-01")),
                ..Default::default()
            },
            "t",
            "0",
        )
        .unwrap()
    }

    const VAULT: &str = "subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/v";

    fn vault_url(p: &KeyVaultPipeline) -> Url {
        p.url(&VAULT.split('/').collect::<Vec<_>>())
    }

    fn tracking(p: &KeyVaultPipeline) -> Tracking {
        Tracking {
            kind: OperationKind::VaultsCreateOrUpdate,
            resource: vault_url(p),
            status: Some(
                p.next_link("https://management.azure.com:8443/subscriptions/s/providers/Microsoft.KeyVault/locations/westus/asyncOperations/op-1?api-version=2026-02-01")
                    .unwrap(),
            ),
            location: None,
        }
    }

    fn resume(p: &KeyVaultPipeline, kind: OperationKind, token: &str) -> Result<Tracking> {
        Tracking::resume(p, kind, vault_url(p), token)
    }

    #[test]
    fn tokens_are_url_safe_and_round_trip() {
        let p = pipeline();
        let token = tracking(&p).token();
        assert!(
            token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
            "{token}"
        );
        let back = resume(&p, OperationKind::VaultsCreateOrUpdate, &token).unwrap();
        assert_eq!(back.resource, tracking(&p).resource);
        assert_eq!(back.status, tracking(&p).status);
        assert_eq!(back.location, None);
        assert_eq!(back.token(), token, "stable");
        let body: serde_json::Value =
            serde_json::from_slice(&base64url::decode(&token).unwrap()).unwrap();
        assert_eq!(body["v"], 1);
        assert_eq!(body["kind"], "Vaults_CreateOrUpdate");
    }

    #[test]
    fn a_resumed_token_gets_the_clients_api_version() {
        let p = pipeline();
        let token = tracking(&p).token();
        let older = p.with_api_version(keyvault_core::ApiVersion::new("2023-07-01"));
        let back = resume(&older, OperationKind::VaultsCreateOrUpdate, &token).unwrap();
        assert_eq!(back.status.unwrap().query(), Some("api-version=2023-07-01"));
    }

    /// The other refusals (junk, version, kind, resource) are exercised end to end in
    /// `tests/integration/resume.rs`; these need no server.
    #[test]
    fn a_resource_on_another_scheme_host_or_port_is_refused_and_case_is_not() {
        let p = pipeline();
        let kind = OperationKind::VaultsCreateOrUpdate;
        let resource = vault_url(&p).to_string();
        let with_resource = |resource: String| {
            let body = serde_json::json!({"v": 1, "kind": kind.as_str(), "resource": resource});
            resume(&p, kind, &base64url::encode(body.to_string().as_bytes()))
        };
        for foreign in [
            resource.replace("management.azure.com:8443", "evil.example"),
            resource.replace(":8443", ":9443"),
            resource.replace("https:", "http:"),
        ] {
            let err = with_resource(foreign).err().expect("refused").to_string();
            assert!(
                err.contains("`continuation_token`") && err.contains("points at"),
                "{err}"
            );
        }
        // Resource paths compare without case, as ARM's do.
        with_resource(resource.replace("/vaults/v", "/VAULTS/V")).unwrap();
    }
}
