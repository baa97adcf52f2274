//! The HTTPS server: accept loop, request normalisation, dispatch and common response headers.

pub(crate) mod control;
pub(crate) mod faults;
pub(crate) mod tls;

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

use crate::errors::ServiceError;
use crate::http::api_version::ApiVersion;
use crate::http::{not_found, Ctx, Reply, Req};
use crate::server::control::RecordedRequest;
use crate::server::faults::Fault;
use crate::storage::state::State;
use crate::storage::vault::{route, vault_key, Flavour};
use crate::sync::lock;

/// The value of `x-ms-keyvault-service-version`.
pub(crate) const SERVICE_VERSION: &str = "1.9.2703.1";

/// Largest request body accepted.
const MAX_BODY: usize = 4 * 1024 * 1024;

/// The error that makes hyper close the connection without answering.
#[derive(Debug)]
struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for DropConnection {}

/// Runs the accept loop until `shutdown` turns true.
pub(crate) async fn serve(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    state: Arc<State>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = shutdown.changed() => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => {
                let Ok((tcp, _)) = accepted else { continue };
                let acceptor = acceptor.clone();
                let state = state.clone();
                connections.spawn(async move {
                    let Ok(tls) = acceptor.accept(tcp).await else { return };
                    let service = hyper::service::service_fn(move |req| handle(state.clone(), req));
                    let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
                    let _ = builder.serve_connection(TokioIo::new(tls), service).await;
                });
            }
        }
    }
    connections.abort_all();
    while connections.join_next().await.is_some() {}
}

async fn handle(
    state: Arc<State>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, DropConnection> {
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            let fallback = format!("localhost:{}", state.port);
            let req = Req::new(parts, Bytes::new(), &fallback);
            let reply = Reply::from(ServiceError::new(
                413,
                "RequestEntityTooLarge",
                "The request body is too large.",
            ));
            return Ok(into_response(reply, &req));
        }
    };
    let fallback = format!("localhost:{}", state.port);
    let req = Req::new(parts, body, &fallback);
    let first = req.segments.first().map(|s| s.to_ascii_lowercase());
    let mut reply = if first.as_deref() == Some("_emulator") {
        crate::fixture::control(&state, &req)
            .or_else(|| crate::admin::control(&state, &req))
            .unwrap_or_else(|| crate::server::control::handle(&state, &req))
    } else if let Some(reply) = crate::auth::identity::handle(&state, &req) {
        reply
    } else if crate::arm::is_arm_host(&req.host) {
        let authorization = req.header("authorization");
        let reply = match crate::auth::check(&state, authorization, Flavour::Arm) {
            Ok(()) => crate::arm::handle(&state, &req),
            Err(e) => crate::arm::unauthenticated(e, authorization.is_some()).into(),
        };
        record(&state, &req, reply.status);
        reply
    } else {
        vault_request(&state, &req).await?
    };
    // With `--state-dir`, what a successful write changed is stored before it is answered.
    if let Err(e) = crate::persistence::after_write(
        &state,
        matches!(req.method, hyper::Method::GET | hyper::Method::HEAD),
        &persistence_reach(&req),
        reply.status,
    )
    .await
    {
        reply = Reply::from(ServiceError::new(
            500,
            "InternalError",
            format!("The change could not be stored: {e}"),
        ));
    }
    Ok(into_response(reply, &req))
}

fn record(state: &State, req: &Req, status: u16) {
    lock(&state.requests).push(RecordedRequest {
        method: req.method.to_string(),
        host: req.host.clone(),
        path: req.raw_path.clone(),
        query: req.raw_query.clone(),
        has_authorization: req.headers.contains_key(hyper::header::AUTHORIZATION),
        traceparent: req
            .headers
            .get("traceparent")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        body_len: req.body.len(),
        status,
    });
}

async fn vault_request(state: &State, req: &Req) -> Result<Reply, DropConnection> {
    let fault = state.faults.take();
    match fault {
        Some(Fault::DropConnection) => {
            record(state, req, 0);
            return Err(DropConnection);
        }
        Some(Fault::Delay(delay)) => tokio::time::sleep(delay).await,
        Some(Fault::Status {
            status,
            retry_after,
        }) => {
            record(state, req, status);
            return Ok(Fault::error(status, retry_after).into());
        }
        Some(Fault::LoseResponse) | None => {}
    }
    let reply = match vault_dispatch(state, req) {
        Ok(reply) => reply,
        Err(e) => e.into(),
    };
    record(state, req, reply.status);
    if fault == Some(Fault::LoseResponse) {
        return Err(DropConnection);
    }
    Ok(reply)
}

fn vault_dispatch(state: &State, req: &Req) -> Result<Reply, ServiceError> {
    let (name, flavour) = route(&req.host);
    crate::auth::check(state, req.header("authorization"), flavour)?;
    let api = ApiVersion::parse(
        req.query("api-version")
            .or_else(|| crate::admin::implied_api_version(flavour, req)),
    )?;
    let mut vaults = lock(&state.vaults);
    let vault = vaults.entry(vault_key(&name, flavour)).or_default();
    let ctx = Ctx {
        base: req.base(),
        api,
        now: state.clock.now(),
        latency: *lock(&state.delete_latency),
        state,
        flavour,
        retention: vault.retention,
    };
    let segments: Vec<&str> = req.segments.iter().map(String::as_str).collect();
    if let Some(access) = &vault.access {
        if let Some(needed) = crate::auth::access::required(&req.method, &segments) {
            access.check(state, &name, needed)?;
        }
    }
    if flavour == crate::storage::vault::Flavour::ManagedHsm {
        crate::auth::rbac::check(state, &name, &req.method, &segments)?;
    }
    if let Some(reply) = crate::admin::handle(&ctx, &name, vault, req, &segments) {
        return reply;
    }
    let collection = segments.first().map(|s| s.to_ascii_lowercase());
    match collection.as_deref() {
        Some("secrets") | Some("deletedsecrets") => {
            crate::secrets::handle(&ctx, vault, req, &segments)
        }
        Some("keys") | Some("deletedkeys") | Some("rng") => {
            crate::keys::handle(&ctx, vault, req, &segments)
        }
        Some("certificates") | Some("deletedcertificates") => {
            crate::certificates::handle(&ctx, vault, req, &segments)
        }
        _ => Err(not_found(req)),
    }
}

fn into_response(reply: Reply, req: &Req) -> Response<Full<Bytes>> {
    let mut builder = Response::builder()
        .status(reply.status)
        .header("cache-control", "no-cache")
        .header("pragma", "no-cache")
        .header("expires", "-1")
        .header("x-content-type-options", "nosniff")
        .header(
            "strict-transport-security",
            "max-age=31536000;includeSubDomains",
        )
        .header("x-ms-request-id", uuid::Uuid::new_v4().to_string())
        .header("x-ms-keyvault-service-version", SERVICE_VERSION)
        .header("x-ms-keyvault-region", "local");
    if let Some(id) = req.header("x-ms-client-request-id") {
        builder = builder.header("x-ms-client-request-id", id);
    }
    if reply.body.is_some() {
        builder = builder.header("content-type", reply.content_type);
    }
    for (name, value) in &reply.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let body = Full::new(Bytes::from(reply.body.unwrap_or_default()));
    builder.body(body).unwrap_or_else(|_| {
        let mut fallback = Response::new(Full::new(Bytes::new()));
        *fallback.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
        fallback
    })
}

/// What `req` may change, for the persistence layer: everything for ARM and control requests,
/// else the vault (or Managed HSM) of its host.
fn persistence_reach(req: &Req) -> crate::persistence::Reach {
    let control = req
        .segments
        .first()
        .is_some_and(|s| s.eq_ignore_ascii_case("_emulator"));
    if control || crate::arm::is_arm_host(&req.host) {
        return crate::persistence::Reach::Everything;
    }
    let (name, flavour) = route(&req.host);
    crate::persistence::Reach::Vault(name, flavour)
}
