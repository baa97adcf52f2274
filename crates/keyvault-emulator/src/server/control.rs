//! The control plane: an in-process [`Control`] handle and the same operations over HTTP under
//! `/_emulator/` (no authentication).

use std::sync::Arc;
use std::time::Duration;

use hyper::Method;
use serde::Deserialize;
use serde_json::json;

use crate::http::{Reply, Req};
use crate::server::faults::Fault;
use crate::storage::state::State;
use crate::storage::vault::{vault_key, Flavour, Retention};
use crate::sync::lock;

pub use crate::storage::requests::RecordedRequest;

/// A cheap, cloneable handle to the emulator's control plane.
#[derive(Debug, Clone)]
pub struct Control {
    pub(crate) state: Arc<State>,
}

impl Control {
    /// The emulator clock: real time plus every [`Control::advance_clock`].
    pub fn now(&self) -> time::OffsetDateTime {
        self.state.clock.now()
    }

    /// Moves the emulator clock forward (token expiry, scheduled purge dates, timestamps).
    pub fn advance_clock(&self, by: Duration) {
        self.state.clock.advance(by);
        crate::persistence::store_everything(&self.state);
    }

    /// Sets how long a deletion (and a recovery) takes before it becomes visible.
    pub fn set_delete_latency(&self, latency: Duration) {
        *lock(&self.state.delete_latency) = latency;
    }

    /// Sets how long a certificate request to the `Self` issuer (or a configured issuer) stays
    /// `inProgress` before it completes; requests already started keep their own deadline.
    pub fn set_certificate_latency(&self, latency: Duration) {
        *lock(&self.state.certificate_latency) = latency;
    }

    /// Sets how long, at the least, new asynchronous ARM operations (creating a vault or a
    /// Managed HSM pool, updating or deleting a pool, purging either) stay in progress;
    /// operations already started keep their own deadline. The emulator clock counts, so
    /// [`Control::advance_clock`] ends the wait at once.
    pub fn set_arm_operation_latency(&self, latency: Duration) {
        *lock(&self.state.arm.latency) = latency;
    }

    /// Sets the soft-delete settings of the vault (or Managed HSM) `name`, as ARM's
    /// `softDeleteRetentionInDays` and `enablePurgeProtection` do: objects deleted from then on
    /// are kept `retention_days` (7 to 90), every object reports the `recoveryLevel` and
    /// `recoverableDays` these give, and with purge protection a purge is 403 `Forbidden`.
    pub fn set_soft_delete(
        &self,
        name: &str,
        flavour: Flavour,
        retention_days: u32,
        purge_protection: bool,
    ) -> Result<(), String> {
        if flavour == Flavour::Arm {
            return Err(
                "soft-delete settings belong to a vault or a Managed HSM, not to ARM".into(),
            );
        }
        if !(7..=90).contains(&retention_days) {
            return Err(format!(
                "retention_days must be 7 to 90, not {retention_days}"
            ));
        }
        lock(&self.state.vaults)
            .entry(vault_key(name, flavour))
            .or_default()
            .retention = Retention {
            days: i64::from(retention_days),
            purge_protection,
        };
        crate::persistence::store_everything(&self.state);
        Ok(())
    }

    /// Adds a private endpoint connection named `name` to the vault or Managed HSM pool whose
    /// ARM resource id is `resource_id`, from the private endpoint `private_endpoint_id`
    /// (a made-up `Microsoft.Network/privateEndpoints/{name}` of the same resource group when
    /// `None`), as Azure's network side does when such an endpoint is created: the connection
    /// is `Pending` until approved or rejected with a PUT through ARM. Returns the connection
    /// as ARM shows it, or why it could not be added (no such vault or pool, a bad name). A
    /// connection of the same name is replaced.
    pub fn add_private_endpoint_connection(
        &self,
        resource_id: &str,
        name: &str,
        private_endpoint_id: Option<&str>,
    ) -> Result<serde_json::Value, String> {
        let added = crate::arm::private_link::add_connection(
            &self.state,
            resource_id,
            name,
            private_endpoint_id,
        );
        crate::persistence::store_everything(&self.state);
        added
    }

    /// The next `count` vault requests (not token or control requests) get `fault`. Faults queue up
    /// in the order injected.
    pub fn inject_faults(&self, fault: Fault, count: u32) {
        self.state.faults.push(fault, count);
    }

    /// Removes every pending fault.
    pub fn clear_faults(&self) {
        self.state.faults.clear();
    }

    /// Revokes every token issued so far: vaults answer them with a CAE claims challenge
    /// (401, `WWW-Authenticate: Bearer ... error="insufficient_claims", claims="<base64 json>"`).
    pub fn revoke_tokens(&self) {
        let mut revocation = lock(&self.state.revocation);
        revocation.epoch += 1;
        revocation.at = self.state.clock.unix();
        drop(revocation);
        crate::persistence::store_everything(&self.state);
    }

    /// The vault requests received since start or the last [`Control::clear_requests`].
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state.requests).clone()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        lock(&self.state.requests).clear();
    }
}

#[derive(Deserialize)]
struct Advance {
    seconds: Option<f64>,
    ms: Option<u64>,
}

#[derive(Deserialize)]
struct FaultBody {
    kind: String,
    status: Option<u16>,
    retry_after_seconds: Option<f64>,
    delay_ms: Option<u64>,
    count: Option<u32>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConnectionBody {
    resource_id: String,
    name: String,
    private_endpoint_id: Option<String>,
}

#[derive(Deserialize)]
struct Latency {
    ms: u64,
}

fn bad(message: impl Into<String>) -> Reply {
    Reply::json(
        400,
        &json!({"error": {"code": "BadParameter", "message": message.into()}}),
    )
}

fn parse<T: serde::de::DeserializeOwned>(req: &Req) -> Result<T, Reply> {
    serde_json::from_slice(&req.body).map_err(|e| bad(format!("Invalid control body: {e}")))
}

fn seconds(value: f64) -> Result<Duration, Reply> {
    Duration::try_from_secs_f64(value)
        .map_err(|_| bad("Durations must be finite and non-negative."))
}

/// Answers `/_emulator/...`.
pub(crate) fn handle(state: &Arc<State>, req: &Req) -> Reply {
    match handle_inner(state, req) {
        Ok(reply) | Err(reply) => reply,
    }
}

fn handle_inner(state: &Arc<State>, req: &Req) -> Result<Reply, Reply> {
    let control = Control {
        state: state.clone(),
    };
    let path: Vec<String> = req.segments[1..]
        .iter()
        .map(|s| s.to_ascii_lowercase())
        .collect();
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    let now = |c: &Control| json!({ "now": c.now().unix_timestamp() });
    let m = &req.method;
    Ok(match (m, path.as_slice()) {
        (&Method::GET, ["clock"]) => Reply::json(200, &now(&control)),
        (&Method::POST, ["clock", "advance"]) => {
            let body: Advance = parse(req)?;
            let by = match (body.seconds, body.ms) {
                (Some(s), _) => seconds(s)?,
                (None, Some(ms)) => Duration::from_millis(ms),
                (None, None) => return Err(bad("Give 'seconds' or 'ms'.")),
            };
            control.advance_clock(by);
            Reply::json(200, &now(&control))
        }
        (&Method::POST, ["faults"]) => {
            let body: FaultBody = parse(req)?;
            let fault = match body.kind.as_str() {
                "status" => {
                    let status = body.status.unwrap_or(429);
                    if !(400..=599).contains(&status) {
                        return Err(bad("'status' must be an error status (429 or 503)."));
                    }
                    Fault::Status {
                        status,
                        retry_after: seconds(body.retry_after_seconds.unwrap_or(0.0))?,
                    }
                }
                "delay" => Fault::Delay(Duration::from_millis(body.delay_ms.unwrap_or(0))),
                "drop" => Fault::DropConnection,
                "lose" => Fault::LoseResponse,
                other => {
                    return Err(bad(format!(
                        "Unknown fault kind '{other}': use status, delay, drop or lose."
                    )))
                }
            };
            let count = body.count.unwrap_or(1);
            control.inject_faults(fault, count);
            Reply::json(200, &json!({ "injected": count }))
        }
        (&Method::DELETE, ["faults"]) => {
            control.clear_faults();
            Reply::empty(204)
        }
        (&Method::POST, ["delete-latency"]) => {
            let body: Latency = parse(req)?;
            control.set_delete_latency(Duration::from_millis(body.ms));
            Reply::json(200, &json!({ "ms": body.ms }))
        }
        (&Method::POST, ["certificate-latency"]) => {
            let body: Latency = parse(req)?;
            control.set_certificate_latency(Duration::from_millis(body.ms));
            Reply::json(200, &json!({ "ms": body.ms }))
        }
        (&Method::POST, ["arm-operation-latency"]) => {
            let body: Latency = parse(req)?;
            control.set_arm_operation_latency(Duration::from_millis(body.ms));
            Reply::json(200, &json!({ "ms": body.ms }))
        }
        (&Method::POST, ["private-endpoint-connections"]) => {
            let body: ConnectionBody = parse(req)?;
            let connection = control
                .add_private_endpoint_connection(
                    &body.resource_id,
                    &body.name,
                    body.private_endpoint_id.as_deref(),
                )
                .map_err(bad)?;
            Reply::json(201, &connection)
        }
        (&Method::POST, ["revoke-tokens"]) => {
            control.revoke_tokens();
            Reply::json(200, &now(&control))
        }
        (&Method::GET, ["requests"]) => Reply::json(200, &json!(control.requests())),
        (&Method::DELETE, ["requests"]) => {
            control.clear_requests();
            Reply::empty(204)
        }
        (&Method::GET, ["ca.pem"]) => {
            Reply::text(200, "application/x-pem-file", state.ca_pem.clone())
        }
        (&Method::GET, ["health"]) => Reply::json(200, &json!({ "status": "ok" })),
        _ => Reply::json(
            404,
            &json!({"error": {"code": "NotFound", "message": format!("Unknown control endpoint {} {}", req.method, req.raw_path)}}),
        ),
    })
}

// Managed HSM administration.
impl Control {
    /// Sets how long Managed HSM backup and restore jobs stay `InProgress`; jobs already
    /// started keep their own deadline.
    pub fn set_admin_job_latency(&self, latency: Duration) {
        *lock(&self.state.admin.job_latency) = latency;
    }

    /// The folder standing in for Azure Blob Storage: the container
    /// `https://{host}/{container}` is the folder `{backup_dir}/{host}/{container}`, and a full
    /// backup writes a sealed `backup.blob` into a new folder of it.
    pub fn backup_dir(&self) -> std::path::PathBuf {
        self.state.admin.backup_root.clone()
    }
}
