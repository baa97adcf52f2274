//! Access tokens (HS256 JWTs signed with a per-process random key) and the vault's challenges.

pub(crate) mod access;
pub(crate) mod identity;
pub(crate) mod rbac;

use aws_lc_rs::hmac;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use serde_json::{json, Value};

use crate::errors::ServiceError;
use crate::storage::state::State;
pub(crate) use crate::storage::tokens::{Revocation, TokenSigner};
use crate::storage::vault::Flavour;

impl TokenSigner {
    /// A signer with a fresh random key.
    pub(crate) fn generate() -> Result<Self, String> {
        let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
        aws_lc_rs::rand::fill(bytes.as_mut()).map_err(|_| "random generator failed".to_string())?;
        Ok(Self::from_bytes(bytes))
    }

    /// A signer with the key `bytes`.
    pub(crate) fn from_bytes(bytes: zeroize::Zeroizing<[u8; 32]>) -> Self {
        Self {
            key: hmac::Key::new(hmac::HMAC_SHA256, bytes.as_ref()),
            bytes,
        }
    }

    /// The key's bytes.
    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.bytes
    }

    /// Produces a compact JWS (HS256) of `claims`.
    pub(crate) fn sign(&self, claims: &Value) -> String {
        let header = URL_SAFE_NO_PAD.encode(json!({"alg":"HS256","typ":"JWT"}).to_string());
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        let signing_input = format!("{header}.{payload}");
        let tag = hmac::sign(&self.key, signing_input.as_bytes());
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(tag.as_ref()))
    }

    /// Checks the signature and returns the claims.
    pub(crate) fn verify(&self, token: &str) -> Option<Value> {
        let mut parts = token.split('.');
        let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        let signing_input = format!("{header}.{payload}");
        hmac::verify(&self.key, signing_input.as_bytes(), &signature).ok()?;
        let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
        if header["alg"] != "HS256" {
            return None;
        }
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
    }
}

/// An issued token.
pub(crate) struct Issued {
    pub(crate) access_token: String,
    pub(crate) issued_at: i64,
    pub(crate) expires_on: i64,
    pub(crate) expires_in: i64,
}

/// Strips `/.default` from a scope, giving the audience.
pub(crate) fn audience_of(scope: &str) -> String {
    scope.strip_suffix("/.default").unwrap_or(scope).to_string()
}

/// Issues a token for `audience`.
pub(crate) fn issue(state: &State, audience: &str) -> Issued {
    let now = state.clock.unix();
    let lifetime = state.token_lifetime.as_secs() as i64;
    let epoch = crate::sync::lock(&state.revocation).epoch;
    let claims = json!({
        "aud": audience,
        "iss": format!("{}/{}/v2.0", state.endpoint(), state.tenant_id),
        "iat": now,
        "nbf": now,
        "exp": now + lifetime,
        "tid": state.tenant_id,
        "appid": state.client_id,
        "azp": state.client_id,
        "oid": state.object_id,
        "sub": state.object_id,
        "idtyp": "app",
        "ver": "2.0",
        "uti": uuid::Uuid::new_v4().simple().to_string(),
        "xms_emu_rev": epoch,
    });
    Issued {
        access_token: state.signer.sign(&claims),
        issued_at: now,
        expires_on: now + lifetime,
        expires_in: lifetime,
    }
}

/// The standard challenge of a vault of this flavour.
pub(crate) fn challenge(state: &State, flavour: Flavour) -> String {
    format!(
        "Bearer authorization=\"{}/{}\", resource=\"{}\"",
        state.endpoint(),
        state.tenant_id,
        flavour.resource()
    )
}

fn unauthorized(state: &State, flavour: Flavour, message: impl Into<String>) -> ServiceError {
    ServiceError::new(401, "Unauthorized", message)
        .with_header("www-authenticate", challenge(state, flavour))
}

/// Checks the `Authorization` header of a vault request.
pub(crate) fn check(
    state: &State,
    authorization: Option<&str>,
    flavour: Flavour,
) -> Result<(), ServiceError> {
    let token = authorization.and_then(|h| {
        let (scheme, rest) = h.trim().split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
    });
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Err(unauthorized(
            state,
            flavour,
            "AKV10000: Request is missing a Bearer or PoP token.",
        ));
    };
    let Some(claims) = state.signer.verify(token) else {
        return Err(unauthorized(
            state,
            flavour,
            "AKV10031: Invalid token: the signature or the format of the token is invalid.",
        ));
    };
    let now = state.clock.unix();
    let aud = claims["aud"].as_str().unwrap_or_default();
    let resource = flavour.resource();
    if aud.trim_end_matches('/') != resource {
        return Err(unauthorized(
            state,
            flavour,
            format!("AKV10022: Invalid audience. Expected {resource}, found: {aud}."),
        ));
    }
    let tid = claims["tid"].as_str().unwrap_or_default();
    if !tid.eq_ignore_ascii_case(&state.tenant_id) {
        return Err(unauthorized(
            state,
            flavour,
            format!("AKV10032: Invalid issuer. Expected one of the issuers of tenant {}, found tenant {tid}.", state.tenant_id),
        ));
    }
    let exp = claims["exp"].as_i64().unwrap_or(0);
    let nbf = claims["nbf"].as_i64().unwrap_or(0);
    if exp <= now {
        return Err(unauthorized(
            state,
            flavour,
            format!("AKV10033: Token is expired (exp {exp}, now {now})."),
        ));
    }
    if nbf > now + 300 {
        return Err(unauthorized(
            state,
            flavour,
            format!("AKV10034: Token is not yet valid (nbf {nbf}, now {now})."),
        ));
    }
    let rev = claims["xms_emu_rev"].as_u64().unwrap_or(0);
    let revocation = crate::sync::lock(&state.revocation);
    if rev < revocation.epoch {
        let claims =
            json!({"access_token":{"nbf":{"essential":true,"value":revocation.at.to_string()}}});
        let header = format!(
            "Bearer realm=\"\", authorization_uri=\"{}/{}/oauth2/authorize\", error=\"insufficient_claims\", claims=\"{}\"",
            state.endpoint(),
            state.tenant_id,
            STANDARD.encode(claims.to_string())
        );
        return Err(ServiceError::new(
            401,
            "Unauthorized",
            "AKV10038: The access token has been revoked; a token with the requested claims is required.",
        )
        .with_header("www-authenticate", header));
    }
    Ok(())
}
