//! The HTTP transport: `reqwest`, as azure_core's own, with less work per request.
//!
//! azure_core 1.x's `HttpClient` implementation for `reqwest::Client` converts every response
//! header name through `HeaderName::from(String)`, which lowercases it character by character
//! (Unicode-aware) and then checks every character again, and collects the headers into a map
//! that grows as it goes. For a Key Vault answer of a dozen headers that is about a tenth of the
//! client's instructions per call (eng/bench, section 1c). [`ReqwestTransport`] does the same
//! conversion without it: the names reqwest hands over are lowercase already, the ones Key Vault
//! sends are static, and the map is sized once. It is the transport of every
//! [`KeyVaultPipeline`](crate::KeyVaultPipeline) whose options name none, built as azure_core
//! builds its default one; a transport the caller configures is used as it is.

use async_trait::async_trait;
use azure_core::{
    error::{Error, ErrorKind},
    http::{
        headers::{HeaderName, HeaderValue, Headers},
        response::PinnedStream,
        AsyncRawResponse, Body, HttpClient, Method, Request, Transport,
    },
};
use futures::TryStreamExt;
use std::{collections::HashMap, sync::Arc, time::Duration};

/// azure_core's connect timeout for its default client.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);
/// azure_core's read timeout for its default client.
const READ_TIMEOUT: Duration = Duration::from_secs(60);

/// An azure_core [`HttpClient`] over a [`reqwest::Client`] that behaves as azure_core's own
/// (same request, same errors: [`ErrorKind::Connection`] when connecting failed,
/// [`ErrorKind::Io`] otherwise; the body streamed) and converts the response headers without
/// per-character work.
///
/// Give it your own `reqwest::Client` (a proxy, a root certificate) with
/// [`ReqwestTransport::transport`]:
///
/// ```
/// use keyvault_core::{transport::ReqwestTransport, ClientOptions};
///
/// let client = reqwest::Client::builder().build().unwrap();
/// let mut options = ClientOptions::default();
/// options.client_options.transport = Some(ReqwestTransport::transport(client));
/// ```
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// Wraps `client`.
    pub fn new(client: reqwest::Client) -> Self {
        ReqwestTransport { client }
    }

    /// An azure_core [`Transport`] sending through `client`.
    pub fn transport(client: reqwest::Client) -> Transport {
        Transport::new(Arc::new(ReqwestTransport::new(client)))
    }

    /// The transport of a pipeline whose options name none: a client built as azure_core 1.x
    /// builds its default one (20 s connect timeout, 60 s read timeout, no redirects).
    pub(crate) fn default_transport() -> azure_core::Result<Transport> {
        let client = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .read_timeout(READ_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| {
                Error::with_error(ErrorKind::Other, e, "failed to build `reqwest` client")
            })?;
        Ok(ReqwestTransport::transport(client))
    }

    /// The wrapped client.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

#[async_trait]
impl HttpClient for ReqwestTransport {
    async fn execute_request(&self, request: &Request) -> azure_core::Result<AsyncRawResponse> {
        let method = method(request.method());
        // A GET, HEAD or DELETE without a body goes without one (rather than with an empty
        // one); anything else carries its body, empty or not, as azure_core's client does.
        let bodiless = matches!(
            method,
            reqwest::Method::GET | reqwest::Method::HEAD | reqwest::Method::DELETE
        ) && request.body().is_empty() == Some(true);
        let mut builder = self.client.request(method, request.url().clone());
        for (name, value) in request.headers().iter() {
            builder = builder.header(name.as_str(), value.as_str());
        }
        if !bodiless {
            builder = match request.body().clone() {
                Body::Bytes(bytes) => builder.body(bytes),
                Body::SeekableStream(stream) => builder.body(reqwest::Body::wrap_stream(stream)),
            };
        }
        let request = builder.build().map_err(|e| {
            Error::with_error(ErrorKind::Other, e, "failed to build `reqwest` request")
        })?;
        let response = self.client.execute(request).await.map_err(|e| {
            let kind = if e.is_connect() {
                ErrorKind::Connection
            } else {
                ErrorKind::Io
            };
            Error::with_error(kind, e, "failed to execute `reqwest` request")
        })?;
        let status = response.status().as_u16().into();
        let headers = headers(response.headers());
        let body: PinnedStream = Box::pin(response.bytes_stream().map_err(|e| {
            Error::with_error(
                ErrorKind::Io,
                e,
                "error converting `reqwest` request into a byte stream",
            )
        }));
        Ok(AsyncRawResponse::new(status, headers, body))
    }
}

fn method(method: Method) -> reqwest::Method {
    match method {
        Method::Delete => reqwest::Method::DELETE,
        Method::Get => reqwest::Method::GET,
        Method::Head => reqwest::Method::HEAD,
        Method::Patch => reqwest::Method::PATCH,
        Method::Post => reqwest::Method::POST,
        Method::Put => reqwest::Method::PUT,
        // `Method` is non-exhaustive; azure_core 1.x has no other method.
        _ => reqwest::Method::GET,
    }
}

/// The response headers as azure_core's `Headers`: the same entries azure_core's own client
/// gives (a value that is not UTF-8 is left out), the well-known names without an allocation.
fn headers(map: &reqwest::header::HeaderMap) -> Headers {
    let mut headers = HashMap::with_capacity(map.keys_len());
    for (name, value) in map {
        let Ok(value) = value.to_str() else {
            tracing::warn!("header value for `{}` is not utf8", name.as_str());
            continue;
        };
        headers.insert(header_name(name), HeaderValue::from(value.to_owned()));
    }
    Headers::from(headers)
}

/// `name` as an azure_core header name. reqwest's names are lowercase already, so the static
/// ones need no copy and the others only a copy (azure_core's `From<String>` lowercases and
/// checks them again).
fn header_name(name: &reqwest::header::HeaderName) -> HeaderName {
    well_known(name.as_str()).unwrap_or_else(|| HeaderName::from(name.as_str().to_owned()))
}

macro_rules! well_known {
    ($($name:literal),* $(,)?) => {
        /// The static name for the names Key Vault and Azure Resource Manager answer with.
        fn well_known(name: &str) -> Option<HeaderName> {
            match name {
                // Constants, so that `from_static`'s lowercase check runs at compile time.
                $($name => Some(const { HeaderName::from_static($name) }),)*
                _ => None,
            }
        }
    };
}

well_known![
    "content-type",
    "content-length",
    "date",
    "x-ms-request-id",
    "x-ms-client-request-id",
    "x-ms-keyvault-service-version",
    "x-ms-keyvault-network-info",
    "x-ms-keyvault-region",
    "x-ms-keyvault-rbac-assignment-id",
    "x-ms-keyvault-rbac-cache",
    "cache-control",
    "pragma",
    "expires",
    "strict-transport-security",
    "x-content-type-options",
    "x-frame-options",
    "server",
    "www-authenticate",
    "retry-after",
    "retry-after-ms",
    "x-ms-retry-after-ms",
    "location",
    "azure-asyncoperation",
    "etag",
    "vary",
    "x-ms-correlation-request-id",
    "x-ms-routing-request-id",
    "x-ms-ratelimit-remaining-subscription-reads",
    "x-ms-ratelimit-remaining-subscription-writes",
    "x-ms-build-version",
    "x-ms-server-latency",
];
