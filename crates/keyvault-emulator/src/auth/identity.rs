//! Token endpoints: Entra ID v2 (client credentials), OpenID discovery, and managed identity
//! (IMDS and App Service styles).

use hyper::Method;
use serde_json::{json, Value};

use crate::auth::{audience_of, issue};
use crate::http::{Reply, Req};
use crate::storage::state::State;

/// Answers the request if it is addressed to a token or discovery endpoint.
pub(crate) fn handle(state: &State, req: &Req) -> Option<Reply> {
    let segs: Vec<String> = req
        .segments
        .iter()
        .map(|s| s.to_ascii_lowercase())
        .collect();
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    let original = |i: usize| req.segments[i].as_str();
    match segs.as_slice() {
        [_, "oauth2", "v2.0", "token"] if !is_vault_collection(segs[0]) => {
            Some(if req.method == Method::POST {
                entra_token(state, req, original(0))
            } else {
                aad_error(
                    state,
                    405,
                    "invalid_request",
                    900561,
                    "AADSTS900561: The endpoint only accepts POST requests.",
                )
            })
        }
        [_, "v2.0", ".well-known", "openid-configuration"]
        | [_, ".well-known", "openid-configuration"]
            if !is_vault_collection(segs[0]) =>
        {
            Some(openid_configuration(state, req, original(0)))
        }
        [_, "discovery", "v2.0", "keys"] | [_, "discovery", "keys"]
            if !is_vault_collection(segs[0]) =>
        {
            Some(Reply::json(200, &json!({ "keys": [] })))
        }
        ["metadata", "identity", "oauth2", "token"] => Some(imds_token(state, req)),
        ["msi", "token"] => Some(app_service_token(state, req)),
        _ => None,
    }
}

fn is_vault_collection(segment: &str) -> bool {
    matches!(
        segment,
        "secrets"
            | "deletedsecrets"
            | "keys"
            | "deletedkeys"
            | "certificates"
            | "deletedcertificates"
    )
}

fn aad_error(state: &State, status: u16, error: &str, code: u32, description: &str) -> Reply {
    let now = state.clock.now();
    let timestamp = now
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let trace_id = uuid::Uuid::new_v4().to_string();
    let correlation_id = uuid::Uuid::new_v4().to_string();
    Reply::json(
        status,
        &json!({
            "error": error,
            "error_description": format!("{description} Trace ID: {trace_id} Correlation ID: {correlation_id} Timestamp: {timestamp}"),
            "error_codes": [code],
            "timestamp": timestamp,
            "trace_id": trace_id,
            "correlation_id": correlation_id,
            "error_uri": format!("{}/error?code={code}", state.endpoint()),
        }),
    )
}

fn known_tenant(state: &State, tenant: &str) -> bool {
    tenant.eq_ignore_ascii_case(&state.tenant_id)
}

fn entra_token(state: &State, req: &Req, tenant: &str) -> Reply {
    if !known_tenant(state, tenant) {
        return aad_error(
            state,
            400,
            "invalid_request",
            90002,
            &format!("AADSTS90002: Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."),
        );
    }
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&req.body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    match field("grant_type") {
        Some("client_credentials") => {}
        None => return aad_error(
            state,
            400,
            "invalid_request",
            900144,
            "AADSTS900144: The request body must contain the following parameter: 'grant_type'.",
        ),
        Some(other) => {
            return aad_error(
                state,
                400,
                "unsupported_grant_type",
                70003,
                &format!("AADSTS70003: The app requested an unsupported grant type '{other}'."),
            )
        }
    }
    let Some(client_id) = field("client_id") else {
        return aad_error(
            state,
            400,
            "invalid_request",
            900144,
            "AADSTS900144: The request body must contain the following parameter: 'client_id'.",
        );
    };
    if client_id != state.client_id {
        return aad_error(
            state,
            400,
            "unauthorized_client",
            700016,
            &format!("AADSTS700016: Application with identifier '{client_id}' was not found in the directory '{tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant."),
        );
    }
    match field("client_secret") {
        None => {
            return aad_error(state, 401, "invalid_client", 7000216, "AADSTS7000216: 'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.")
        }
        Some(secret) if secret != state.client_secret => {
            return aad_error(
                state,
                401,
                "invalid_client",
                7000215,
                &format!("AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{}'.", state.client_id),
            )
        }
        Some(_) => {}
    }
    let Some(scope) = field("scope") else {
        return aad_error(
            state,
            400,
            "invalid_request",
            900144,
            "AADSTS900144: The request body must contain the following parameter: 'scope'.",
        );
    };
    let resources: Vec<&str> = scope
        .split_whitespace()
        .filter(|s| !matches!(*s, "openid" | "profile" | "offline_access"))
        .collect();
    let [resource] = resources.as_slice() else {
        return aad_error(state, 400, "invalid_scope", 70011, &format!("AADSTS70011: The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope {scope} is not valid."));
    };
    if !resource.ends_with("/.default") {
        return aad_error(state, 400, "invalid_scope", 1002012, &format!("AADSTS1002012: The provided value for scope {resource} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)."));
    }
    let issued = issue(state, &audience_of(resource));
    Reply::json(
        200,
        &json!({
            "token_type": "Bearer",
            "expires_in": issued.expires_in,
            "ext_expires_in": issued.expires_in,
            "access_token": issued.access_token,
        }),
    )
}

fn openid_configuration(state: &State, req: &Req, tenant: &str) -> Reply {
    let base = req.base();
    let lower = tenant.to_ascii_lowercase();
    let issuer_tenant = if matches!(lower.as_str(), "common" | "organizations" | "consumers") {
        "{tenantid}".to_string()
    } else if known_tenant(state, tenant) {
        tenant.to_string()
    } else {
        return aad_error(
            state,
            400,
            "invalid_tenant",
            90002,
            &format!("AADSTS90002: Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."),
        );
    };
    let v2 = req
        .segments
        .get(1)
        .is_some_and(|s| s.eq_ignore_ascii_case("v2.0"));
    let (oauth, issuer) = if v2 {
        (
            format!("{base}/{tenant}/oauth2/v2.0"),
            format!("{base}/{issuer_tenant}/v2.0"),
        )
    } else {
        (
            format!("{base}/{tenant}/oauth2"),
            format!("{base}/{issuer_tenant}/"),
        )
    };
    let body: Value = json!({
        "token_endpoint": format!("{oauth}/token"),
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "jwks_uri": format!("{base}/{tenant}/discovery/v2.0/keys"),
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": issuer,
        "request_uri_parameter_supported": false,
        "userinfo_endpoint": format!("{base}/oidc/userinfo"),
        "authorization_endpoint": format!("{oauth}/authorize"),
        "device_authorization_endpoint": format!("{oauth}/devicecode"),
        "http_logout_supported": true,
        "frontchannel_logout_supported": true,
        "end_session_endpoint": format!("{oauth}/logout"),
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce", "tid", "ver", "oid"],
        "kerberos_endpoint": format!("{base}/{tenant}/kerberos"),
        "tenant_region_scope": "NA",
        "cloud_instance_name": "localhost",
        "cloud_graph_host_name": "localhost",
        "msgraph_host": "localhost",
        "rbac_url": "https://localhost",
    });
    Reply::json(200, &body)
}

fn mi_error(status: u16, error: &str, description: &str) -> Reply {
    Reply::json(
        status,
        &json!({ "error": error, "error_description": description }),
    )
}

fn imds_token(state: &State, req: &Req) -> Reply {
    if req.method != Method::GET {
        return mi_error(
            405,
            "invalid_request",
            "The request method is not supported.",
        );
    }
    if !req
        .header("metadata")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    {
        return mi_error(
            400,
            "invalid_request",
            "Required metadata header not specified",
        );
    }
    if req.query("api-version").is_none() {
        return mi_error(
            400,
            "invalid_request",
            "Required query variable 'api-version' is missing",
        );
    }
    let Some(resource) = req.query("resource").filter(|r| !r.is_empty()) else {
        return mi_error(
            400,
            "invalid_request",
            "Required query variable 'resource' is missing",
        );
    };
    let issued = issue(state, &audience_of(resource));
    Reply::json(
        200,
        &json!({
            "access_token": issued.access_token,
            "client_id": req.query("client_id").unwrap_or(&state.client_id),
            "expires_in": issued.expires_in.to_string(),
            "expires_on": issued.expires_on.to_string(),
            "ext_expires_in": issued.expires_in.to_string(),
            "not_before": issued.issued_at.to_string(),
            "resource": resource,
            "token_type": "Bearer",
        }),
    )
}

fn app_service_token(state: &State, req: &Req) -> Reply {
    if req.method != Method::GET {
        return mi_error(
            405,
            "invalid_request",
            "The request method is not supported.",
        );
    }
    if req
        .header("x-identity-header")
        .is_none_or(|v| v.trim().is_empty())
    {
        return mi_error(
            400,
            "invalid_request",
            "The X-IDENTITY-HEADER header is missing.",
        );
    }
    if req.query("api-version").is_none() {
        return mi_error(
            400,
            "invalid_request",
            "The api-version query parameter is missing.",
        );
    }
    let Some(resource) = req.query("resource").filter(|r| !r.is_empty()) else {
        return mi_error(
            400,
            "invalid_request",
            "The resource query parameter is missing.",
        );
    };
    let issued = issue(state, &audience_of(resource));
    Reply::json(
        200,
        &json!({
            "access_token": issued.access_token,
            "expires_on": issued.expires_on.to_string(),
            "expires_in": issued.expires_in,
            "resource": resource,
            "token_type": "Bearer",
            "client_id": req.query("client_id").unwrap_or(&state.client_id),
        }),
    )
}
