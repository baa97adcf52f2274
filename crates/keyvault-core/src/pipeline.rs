//! The HTTP pipeline every Key Vault client sends through.
//!
//! It is `azure_core`'s pipeline (user agent, retries on 408/429/500/502/503/504 honouring
//! `Retry-After`, `retry-after-ms` and `x-ms-retry-after-ms`, logging, the user's transport)
//! with [`ChallengeAuthPolicy`] per try, bound to one vault and one API version.

use crate::{
    api_version::ApiVersion,
    auth::ChallengeAuthPolicy,
    error::{Error, Result},
    repeat_guard::RepeatGuardPolicy,
    transport::ReqwestTransport,
};
use azure_core::{
    credentials::TokenCredential,
    http::{
        headers::{HeaderName, CLIENT_REQUEST_ID, CONTENT_TYPE},
        ClientMethodOptions, Context, Method, Pipeline, PipelineSendOptions, RawResponse, Request,
    },
    tracing::{PublicApiInstrumentationInformation, Tracer},
};
use serde::{de::DeserializeOwned, Serialize};
use std::{any::type_name, sync::Arc};
use url::Url;
use uuid::Uuid;

/// Options shared by every Key Vault client.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// The API version every request carries; `None` for the client's own default, chosen per
    /// client and named in its documentation (the version the Python package of the same
    /// generation sends).
    pub api_version: Option<ApiVersion>,
    /// `azure_core` options: retry, transport, user agent, logging, extra policies.
    pub client_options: azure_core::http::ClientOptions,
    /// Refuse a challenge whose resource the vault is not a subdomain of (default: true).
    pub verify_challenge_resource: bool,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            api_version: None,
            client_options: Default::default(),
            verify_challenge_resource: true,
        }
    }
}

/// A pipeline bound to one vault and one API version. Cheap to clone.
#[derive(Clone, Debug)]
pub struct KeyVaultPipeline {
    inner: Arc<Inner>,
    /// The public operation this pipeline sends for (see [`KeyVaultPipeline::operation`]).
    operation: Option<&'static str>,
    /// The caller's per-call context (`ClientMethodOptions::context`), given to every request
    /// of the operation.
    context: Context<'static>,
}

/// The `az.namespace` of every span: the resource provider, as OpenTelemetry's Azure
/// conventions name it.
const NAMESPACE: &str = "Microsoft.KeyVault";

#[derive(Debug)]
struct Inner {
    pipeline: Pipeline,
    vault_url: Url,
    api_version: ApiVersion,
    /// `api-version={api_version}`, encoded once rather than for every request.
    api_version_query: String,
    /// The tracer of the user's `tracer_provider`, when one is configured.
    tracer: Option<Arc<dyn Tracer>>,
}

impl Inner {
    fn new(
        pipeline: Pipeline,
        vault_url: Url,
        api_version: ApiVersion,
        tracer: Option<Arc<dyn Tracer>>,
    ) -> Arc<Inner> {
        let api_version_query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair(API_VERSION, api_version.as_str())
            .finish();
        Arc::new(Inner {
            pipeline,
            vault_url,
            api_version,
            api_version_query,
            tracer,
        })
    }
}

/// The tracer for `crate_name`'s spans, from the options' `instrumentation.tracer_provider`.
fn tracer(
    options: &azure_core::http::ClientOptions,
    crate_name: &'static str,
    crate_version: &'static str,
) -> Option<Arc<dyn Tracer>> {
    options
        .instrumentation
        .tracer_provider
        .as_ref()
        .map(|provider| provider.get_tracer(Some(NAMESPACE), crate_name, Some(crate_version)))
}

/// Checks a vault URL (`https://host[:port]` with no path, query or fragment) and returns
/// it with a trailing slash.
pub fn parse_vault_url(vault_url: &str) -> Result<Url> {
    let bad = |why: &str| Error::invalid_argument("vault_url", format!("{why}: {vault_url:?}"));
    if vault_url.trim().is_empty() {
        return Err(bad("must not be empty"));
    }
    let url = Url::parse(vault_url).map_err(|_| bad("not a URL"))?;
    if url.scheme() != "https" {
        return Err(bad(
            "must use https (bearer tokens never travel over plain http)",
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("has no host"));
    }
    if url.path() != "/" {
        return Err(bad("must not have a path"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("must not have a query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("must not carry credentials"));
    }
    Ok(url)
}

const API_VERSION: &str = "api-version";

/// The options with [`ReqwestTransport`]'s default client when they name no transport (azure_core
/// would build its own reqwest client, whose response conversion costs more).
fn with_default_transport(mut options: ClientOptions) -> Result<ClientOptions> {
    if options.client_options.transport.is_none() {
        options.client_options.transport = Some(ReqwestTransport::default_transport()?);
    }
    Ok(options)
}

impl KeyVaultPipeline {
    /// Builds the pipeline for `vault_url`, naming `crate_name`/`crate_version` in the user agent.
    pub fn new(
        vault_url: &str,
        credential: Arc<dyn TokenCredential>,
        options: ClientOptions,
        crate_name: &'static str,
        crate_version: &'static str,
    ) -> Result<Self> {
        let vault_url = parse_vault_url(vault_url)?;
        let options = with_default_transport(options)?;
        let auth = Arc::new(ChallengeAuthPolicy::new(
            credential,
            options.verify_challenge_resource,
        ));
        let tracer = tracer(&options.client_options, crate_name, crate_version);
        let pipeline = Pipeline::new(
            Some(crate_name),
            Some(crate_version),
            options.client_options,
            Vec::new(),
            vec![auth, Arc::new(RepeatGuardPolicy)],
            None,
        );
        Ok(KeyVaultPipeline {
            inner: Inner::new(
                pipeline,
                vault_url,
                options.api_version.unwrap_or_default(),
                tracer,
            ),
            operation: None,
            context: Context::new(),
        })
    }

    /// Builds a pipeline for a service authenticated with a plain bearer token for `scopes`
    /// (no challenge), such as Azure Resource Manager at `https://management.azure.com` with
    /// scope `https://management.azure.com/.default`. `endpoint` is checked as a vault URL is
    /// (https, no path); [`ClientOptions::verify_challenge_resource`] does not apply.
    pub fn with_bearer_token(
        endpoint: &str,
        credential: Arc<dyn TokenCredential>,
        scopes: &[&str],
        options: ClientOptions,
        crate_name: &'static str,
        crate_version: &'static str,
    ) -> Result<Self> {
        let endpoint = parse_vault_url(endpoint)?;
        let options = with_default_transport(options)?;
        let auth = Arc::new(
            azure_core::http::policies::auth::BearerTokenAuthorizationPolicy::new(
                credential,
                scopes.iter().copied(),
            ),
        );
        let tracer = tracer(&options.client_options, crate_name, crate_version);
        let pipeline = Pipeline::new(
            Some(crate_name),
            Some(crate_version),
            options.client_options,
            Vec::new(),
            vec![auth, Arc::new(RepeatGuardPolicy)],
            None,
        );
        Ok(KeyVaultPipeline {
            inner: Inner::new(
                pipeline,
                endpoint,
                options.api_version.unwrap_or_default(),
                tracer,
            ),
            operation: None,
            context: Context::new(),
        })
    }

    /// The same pipeline (policies, transport, token cache) bound to another API version, for
    /// the odd operation that a service pins to a version of its own (ARM's generic
    /// `/resources` list answers only its own versions). Sharing the policies means sharing
    /// the cached token rather than fetching a second one.
    pub fn with_api_version(&self, api_version: ApiVersion) -> Self {
        KeyVaultPipeline {
            inner: Inner::new(
                self.inner.pipeline.clone(),
                self.inner.vault_url.clone(),
                api_version,
                self.inner.tracer.clone(),
            ),
            operation: self.operation,
            context: self.context.clone(),
        }
    }

    /// This pipeline sending for the public operation `name` (`"SecretClient.get_secret"`)
    /// with the caller's per-call options: every request it sends (a page, a poll) carries
    /// `method_options.context` through the azure_core pipeline, and when the client options
    /// carry a `tracer_provider` it is a span of that name with `az.namespace`
    /// `Microsoft.KeyVault`, parent of azure_core's HTTP spans. Without a tracer provider
    /// nothing is added to a request.
    pub fn operation(
        &self,
        name: &'static str,
        method_options: &ClientMethodOptions<'_>,
    ) -> KeyVaultPipeline {
        KeyVaultPipeline {
            inner: self.inner.clone(),
            operation: Some(name),
            context: method_options.context.clone().into_owned(),
        }
    }

    /// The vault URL, `https://host[:port]/`.
    pub fn vault_url(&self) -> &Url {
        &self.inner.vault_url
    }

    /// The API version every request carries.
    pub fn api_version(&self) -> &ApiVersion {
        &self.inner.api_version
    }

    /// Fails before sending when the selected version is older than `minimum`.
    pub fn require(&self, minimum: &ApiVersion, operation: &'static str) -> Result<()> {
        self.inner.api_version.require(minimum, operation)
    }

    /// The URL of `segments` under the vault (empty segments are skipped), with `api-version`.
    pub fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.inner.vault_url.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty();
            path.extend(segments.iter().filter(|s| !s.is_empty()));
        }
        url.set_query(Some(&self.inner.api_version_query));
        url
    }

    /// A continuation token (an absolute link this crate gave out) made safe to follow, as
    /// [`KeyVaultPipeline::next_link_from`] does.
    pub fn next_link(&self, link: &str) -> Result<Url> {
        let absolute = Url::parse(link)
            .map_err(|_| Error::invalid_argument("continuation_token", "not a URL"))?;
        self.next_link_from(&absolute, link)
    }

    /// A `nextLink` made safe to follow: resolved against `base` (the URL of the page that
    /// gave it) when relative; it must point at this vault; it goes out as the service wrote
    /// it, with this client's `api-version` in place of the one it carries. The query is not
    /// re-encoded: `$skiptoken` stays `$skiptoken` and an encoded space stays `%20`.
    pub fn next_link_from(&self, base: &Url, link: &str) -> Result<Url> {
        let url = base
            .join(link)
            .map_err(|_| Error::invalid_argument("continuation_token", "not a URL"))?;
        let vault = &self.inner.vault_url;
        if url.scheme() != vault.scheme()
            || url.host_str().map(str::to_ascii_lowercase)
                != vault.host_str().map(str::to_ascii_lowercase)
            || url.port_or_known_default() != vault.port_or_known_default()
        {
            return Err(Error::invalid_argument(
                "continuation_token",
                format!("the next link does not point at {vault}"),
            ));
        }
        let mut query = url
            .query()
            .unwrap_or_default()
            .split('&')
            .filter(|pair| !pair.is_empty() && pair.split('=').next() != Some(API_VERSION))
            .collect::<Vec<_>>()
            .join("&");
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(&self.inner.api_version_query);
        let mut fixed = url;
        fixed.set_query(Some(&query));
        Ok(fixed)
    }

    /// Sends a request and returns the raw response, whatever its status.
    pub async fn send_raw(
        &self,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
    ) -> Result<RawResponse> {
        let mut request = Request::new(url, method);
        request.insert_header(CLIENT_REQUEST_ID, Uuid::new_v4().to_string());
        if let Some(body) = body {
            request.insert_header(CONTENT_TYPE, "application/json");
            request.set_body(body);
        }
        self.dispatch(request).await
    }

    /// Sends a request of the caller's own through this pipeline (challenge authentication,
    /// retries, request id) and returns the response whatever its status, as Python's
    /// `send_request` does: for operations a client does not offer yet. The URL must point at
    /// this client's vault, so that its token never goes elsewhere; the client's `api-version`
    /// is added when the URL carries none.
    pub async fn send_request(&self, mut request: Request) -> Result<RawResponse> {
        let vault = &self.inner.vault_url;
        let url = request.url();
        if url.scheme() != vault.scheme()
            || url.host_str() != vault.host_str()
            || url.port_or_known_default() != vault.port_or_known_default()
        {
            return Err(Error::invalid_argument(
                "request",
                format!("the URL {url} does not point at {vault}"),
            ));
        }
        if !url.query_pairs().any(|(k, _)| k == API_VERSION) {
            request
                .url_mut()
                .query_pairs_mut()
                .append_pair(API_VERSION, self.inner.api_version.as_str());
        }
        let has_id = request
            .headers()
            .iter()
            .any(|(name, _)| *name == CLIENT_REQUEST_ID);
        if !has_id {
            request.insert_header(CLIENT_REQUEST_ID, Uuid::new_v4().to_string());
        }
        self.dispatch(request).await
    }

    /// Sends a request that carries its `x-ms-client-request-id`.
    async fn dispatch(&self, mut request: Request) -> Result<RawResponse> {
        // The request id is set by the callers (one per operation, kept across retries), as
        // azure_core's ClientRequestIdPolicy would add it. That policy looks the header up with
        // `Headers::get_optional_str`, which builds and drops an `Error` when it is missing: a
        // `format!` and a `Backtrace::capture` on every request, a full stack walk whenever
        // RUST_BACKTRACE is set (a quarter of the client's CPU per request in eng/bench).
        let options = PipelineSendOptions {
            skip_checks: true,
            ..Default::default()
        };
        // Borrowed: the caller's context is copied only when tracing adds to it.
        let context = match (self.operation, &self.inner.tracer) {
            (Some(name), Some(tracer)) => self
                .context
                .to_borrowed()
                .with_value(PublicApiInstrumentationInformation::new(name, Vec::new()))
                .with_value(tracer.clone()),
            _ => self.context.to_borrowed(),
        };
        let response = self
            .inner
            .pipeline
            .send(&context, &mut request, Some(options))
            .await?;
        Ok(response)
    }

    /// Sends a request; a non-success status becomes [`Error::Service`] (or
    /// [`Error::Authentication`] for 401).
    pub async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
    ) -> Result<RawResponse> {
        let response = self.send_raw(method, url, body).await?;
        if response.status().is_success() {
            Ok(response)
        } else {
            Err(Error::from_response(&response))
        }
    }

    /// Sends a request and deserializes the successful response body.
    pub async fn send_json<T: DeserializeOwned>(
        &self,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
    ) -> Result<T> {
        let response = self.send(method, url, body).await?;
        deserialize(response.body().as_ref())
    }
}

/// Serializes a request body.
pub fn to_json<T: Serialize + ?Sized>(body: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(body)
        .map_err(|_| Error::invalid_argument("body", "could not be serialized as JSON"))
}

/// Deserializes a response body, describing a failure without echoing the payload.
pub fn deserialize<T: DeserializeOwned>(body: &[u8]) -> Result<T> {
    serde_json::from_slice(body).map_err(|e| Error::deserialize(short_type_name::<T>(), &e))
}

fn short_type_name<T>() -> &'static str {
    let full = type_name::<T>();
    let base = full.split('<').next().unwrap_or(full);
    base.rsplit("::").next().unwrap_or(base)
}

/// The `x-ms-request-id` header.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-ms-request-id");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vault_urls_are_checked() {
        assert_eq!(
            parse_vault_url("https://v.vault.azure.net")
                .unwrap()
                .as_str(),
            "https://v.vault.azure.net/"
        );
        parse_vault_url("https://localhost:8443/").unwrap();
        for (bad, why) in [
            ("", "empty"),
            ("http://v.vault.azure.net", "https"),
            ("https://v.vault.azure.net/secrets", "path"),
            ("https://v.vault.azure.net/?a=b", "query"),
            ("v.vault.azure.net", "URL"),
            ("https://user:pw@v.vault.azure.net", "credentials"),
        ] {
            let err = parse_vault_url(bad).unwrap_err();
            assert!(matches!(
                err,
                Error::InvalidArgument {
                    argument: "vault_url",
                    ..
                }
            ));
            assert!(err.to_string().contains(why), "{bad}: {err}");
        }
    }

    #[derive(Debug)]
    struct NoCredential;

    #[async_trait::async_trait]
    impl TokenCredential for NoCredential {
        async fn get_token(
            &self,
            _: &[&str],
            _: Option<azure_core::credentials::TokenRequestOptions<'_>>,
        ) -> azure_core::Result<azure_core::credentials::AccessToken> {
            Err(azure_core::Error::with_message(
                azure_core::error::ErrorKind::Credential,
                "none",
            ))
        }
    }

    fn pipeline(version: &str) -> KeyVaultPipeline {
        let options = ClientOptions {
            api_version: Some(ApiVersion::new(version)),
            ..Default::default()
        };
        KeyVaultPipeline::new(
            "https://v.vault.azure.net:8443",
            Arc::new(NoCredential),
            options,
            "t",
            "0",
        )
        .unwrap()
    }

    #[tokio::test]
    async fn own_requests_must_point_at_the_vault() {
        let p = pipeline("7.4");
        for url in [
            "https://other.vault.azure.net:8443/secrets/s",
            "https://v.vault.azure.net/secrets/s",
            "http://v.vault.azure.net:8443/secrets/s",
        ] {
            let request = Request::new(Url::parse(url).unwrap(), Method::Get);
            let err = p.send_request(request).await.unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::InvalidArgument {
                        argument: "request",
                        ..
                    }
                ),
                "{url}: {err:?}"
            );
        }
    }

    #[test]
    fn urls_carry_the_api_version() {
        let p = pipeline("7.4");
        assert_eq!(
            p.url(&["secrets", "s1", ""]).as_str(),
            "https://v.vault.azure.net:8443/secrets/s1?api-version=7.4"
        );
    }

    #[test]
    fn next_links_get_our_api_version_and_stay_on_the_vault() {
        let p = pipeline("7.4");
        let next = p
            .next_link("https://V.vault.azure.net:8443/secrets?api-version=2026-04-01&$skiptoken=abc&maxresults=2")
            .unwrap();
        let pairs: Vec<_> = next.query_pairs().collect();
        assert!(pairs.iter().any(|(k, v)| k == "api-version" && v == "7.4"));
        assert_eq!(pairs.iter().filter(|(k, _)| k == "api-version").count(), 1);
        assert!(pairs.iter().any(|(k, v)| k == "$skiptoken" && v == "abc"));
        assert!(p.next_link("https://evil.example/secrets?x=1").is_err());
        assert!(
            p.next_link("https://v.vault.azure.net/secrets").is_err(),
            "other port"
        );
        assert!(p.next_link("not a url").is_err());
    }

    fn fake_vault(server: &Arc<crate::test_support::Server>) -> KeyVaultPipeline {
        let mut options = ClientOptions::default();
        options.client_options.transport = Some(server.transport());
        options.client_options.retry =
            azure_core::http::RetryOptions::fixed(azure_core::http::FixedRetryOptions {
                delay: azure_core::time::Duration::milliseconds(1),
                ..Default::default()
            });
        let credential =
            crate::test_support::CountingCredential::new(azure_core::time::Duration::hours(1));
        let host = crate::test_support::unique_vault_url("p");
        KeyVaultPipeline::new(&host, credential, options, "keyvault-test", "9.9.9").unwrap()
    }

    #[tokio::test]
    async fn requests_name_our_crate_and_use_the_callers_transport() {
        use crate::test_support::{Reply, Server};
        let server = Server::authorized(|_, _| Reply::json(200, r#"{"ok":true}"#));
        let pipeline = fake_vault(&server);
        let body: serde_json::Value = pipeline
            .send_json(Method::Get, pipeline.url(&["secrets"]), None)
            .await
            .unwrap();
        assert_eq!(body["ok"], true);
        let seen = server.seen();
        assert_eq!(seen.len(), 2);
        let agent = seen[1].user_agent.as_deref().unwrap();
        assert!(
            agent.starts_with("azsdk-rust-keyvault-test/9.9.9"),
            "{agent}"
        );
    }

    #[tokio::test]
    async fn bearer_token_pipelines_send_the_token_at_once_for_their_scope() {
        use crate::test_support::{Reply, Server};
        let server = Server::replying(|_, _| Reply::json(200, r#"{"ok":true}"#));
        let mut options = ClientOptions {
            api_version: Some(ApiVersion::new("2026-02-01")),
            ..Default::default()
        };
        options.client_options.transport = Some(server.transport());
        let credential =
            crate::test_support::CountingCredential::new(azure_core::time::Duration::hours(1));
        let pipeline = KeyVaultPipeline::with_bearer_token(
            "https://management.azure.com",
            credential.clone(),
            &["https://management.azure.com/.default"],
            options.clone(),
            "t",
            "0",
        )
        .unwrap();
        let url = pipeline.url(&["subscriptions", "s"]);
        assert_eq!(
            url.as_str(),
            "https://management.azure.com/subscriptions/s?api-version=2026-02-01"
        );
        pipeline.send(Method::Get, url, None).await.unwrap();
        let seen = server.seen();
        assert_eq!(seen.len(), 1, "no challenge round trip");
        assert_eq!(seen[0].authorization.as_deref(), Some("Bearer token-1"));
        assert_eq!(
            credential.calls(),
            ["https://management.azure.com/.default"]
        );

        let resources = pipeline.with_api_version(ApiVersion::new("2015-11-01"));
        let url = resources.url(&["subscriptions", "s", "resources"]);
        assert_eq!(
            url.as_str(),
            "https://management.azure.com/subscriptions/s/resources?api-version=2015-11-01"
        );
        assert_eq!(
            resources
                .next_link("https://management.azure.com/x?api-version=2026-02-01")
                .unwrap()
                .query(),
            Some("api-version=2015-11-01")
        );
        resources.send(Method::Get, url, None).await.unwrap();
        assert_eq!(
            server.seen()[1].authorization.as_deref(),
            Some("Bearer token-1"),
            "the token is shared"
        );
        assert_eq!(credential.calls().len(), 1);
        assert_eq!(pipeline.api_version().as_str(), "2026-02-01");

        assert!(KeyVaultPipeline::with_bearer_token(
            "http://management.azure.com",
            credential,
            &["https://management.azure.com/.default"],
            options,
            "t",
            "0",
        )
        .is_err());
    }

    #[tokio::test]
    async fn each_operation_has_one_client_request_id_kept_across_retries() {
        use crate::test_support::{Reply, Server};
        let server = Server::authorized(|_, n| match n {
            2 => Reply::status(503).header("retry-after-ms", "1"),
            _ => Reply::json(200, "{}"),
        });
        let pipeline = fake_vault(&server);
        for _ in 0..2 {
            pipeline
                .send(Method::Get, pipeline.url(&["secrets"]), None)
                .await
                .unwrap();
        }
        let ids: Vec<String> = server
            .seen()
            .into_iter()
            .map(|s| s.client_request_id.expect("every request carries an id"))
            .collect();
        // Operation 1: discovery, then the authorized try, then its retry; operation 2: one try.
        assert_eq!(ids.len(), 4);
        assert!(ids.iter().all(|id| azure_core::Uuid::parse_str(id).is_ok()));
        assert_eq!(ids[0], ids[1]);
        assert_eq!(ids[1], ids[2]);
        assert_ne!(ids[2], ids[3]);
    }

    #[tokio::test]
    async fn throttling_and_server_errors_are_retried_as_told() {
        use crate::test_support::{Reply, Server};
        let server = Server::authorized(|_, n| match n {
            2 => Reply::status(429).header("retry-after-ms", "10"),
            3 => Reply::status(503).header("x-ms-retry-after-ms", "10"),
            4 => Reply::status(408),
            5 => Reply::status(500),
            6 => Reply::status(502),
            7 => Reply::status(504).header("retry-after", "0"),
            _ => Reply::json(200, "{}"),
        });
        let pipeline = fake_vault(&server);
        pipeline
            .send(Method::Get, pipeline.url(&["secrets"]), None)
            .await
            .unwrap();
        assert_eq!(server.seen().len(), 8);
    }

    #[tokio::test]
    async fn failures_become_typed_errors() {
        use crate::test_support::{Reply, Server};
        let server = Server::authorized(|_, _| {
            Reply::json(404, r#"{"error":{"code":"SecretNotFound","message":"A secret with (name/id) x was not found in this key vault."}}"#)
                .header("x-ms-request-id", "rid-7")
        });
        let pipeline = fake_vault(&server);
        let err = pipeline
            .send(Method::Get, pipeline.url(&["secrets", "x"]), None)
            .await
            .unwrap_err();
        assert!(err.is_not_found());
        assert_eq!(err.code(), Some("SecretNotFound"));
        assert_eq!(err.request_id(), Some("rid-7"));
        // The raw response stays reachable for callers who need headers.
        let raw = pipeline
            .send_raw(Method::Get, pipeline.url(&["secrets", "x"]), None)
            .await
            .unwrap();
        assert_eq!(u16::from(raw.status()), 404);
    }

    #[test]
    fn pipelines_without_a_transport_get_ours_and_keep_the_callers() {
        let options = with_default_transport(ClientOptions::default()).unwrap();
        let transport = format!("{:?}", options.client_options.transport);
        assert!(transport.contains("ReqwestTransport"), "{transport}");

        let server = crate::test_support::Server::replying(|_, _| {
            crate::test_support::Reply::json(200, "{}")
        });
        let mut options = ClientOptions::default();
        options.client_options.transport = Some(server.transport());
        let options = with_default_transport(options).unwrap();
        let transport = format!("{:?}", options.client_options.transport);
        assert!(!transport.contains("ReqwestTransport"), "{transport}");
    }

    #[test]
    fn type_names_are_short() {
        assert_eq!(short_type_name::<Vec<u8>>(), "Vec");
        assert_eq!(short_type_name::<ClientOptions>(), "ClientOptions");
    }
}
