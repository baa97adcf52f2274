//! Vault access policies. A vault created through ARM without `enableRbacAuthorization` lets a
//! caller do only what an access policy of its tenant and object id grants, and answers the
//! rest 403 `Forbidden` (inner `AccessDenied`) as the service does. Vaults ARM did not create,
//! and vaults under RBAC (whose role assignments live outside Key Vault), let any valid token
//! do anything.

use crate::errors::ServiceError;
pub(crate) use crate::storage::access::AccessPolicies;
use crate::storage::access::Grant;
use crate::storage::state::State;
use hyper::Method;

/// The object kinds an access policy grants permissions on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Keys,
    Secrets,
    Certificates,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Keys => "keys",
            Kind::Secrets => "secrets",
            Kind::Certificates => "certificates",
        }
    }
}

impl Grant {
    fn permissions(&self, kind: Kind) -> &[String] {
        match kind {
            Kind::Keys => &self.keys,
            Kind::Secrets => &self.secrets,
            Kind::Certificates => &self.certificates,
        }
    }
}

impl AccessPolicies {
    /// Whether the emulator's principal may do `permission` on `kind` in vault `vault`.
    pub(crate) fn check(
        &self,
        state: &State,
        vault: &str,
        (kind, permission): (Kind, &'static str),
    ) -> Result<(), ServiceError> {
        let granted = self.grants.iter().any(|g| {
            g.tenant.eq_ignore_ascii_case(&state.tenant_id)
                && g.object.eq_ignore_ascii_case(&state.object_id)
                && g.permissions(kind)
                    .iter()
                    .any(|p| p == "all" || p == permission)
        });
        if granted {
            return Ok(());
        }
        Err(ServiceError::new(
            403,
            "Forbidden",
            format!(
                "The user, group or application 'appid={};oid={};iss={}/{}/v2.0' does not have {} {permission} permission on key vault '{vault};location={}'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287",
                state.client_id,
                state.object_id,
                state.endpoint(),
                state.tenant_id,
                kind.as_str(),
                self.location,
            ),
        )
        .with_inner("AccessDenied"))
    }
}

/// The access-policy permission a data-plane request needs (the REST reference's "This
/// operation requires the keys/sign permission"), lower-cased; `None` for paths no policy
/// governs (they answer 404 anyway).
pub(crate) fn required(method: &Method, segments: &[&str]) -> Option<(Kind, &'static str)> {
    let lower: Vec<String> = segments.iter().map(|s| s.to_ascii_lowercase()).collect();
    let s: Vec<&str> = lower.iter().map(String::as_str).collect();
    let get = method == Method::GET;
    let post = method == Method::POST;
    let put = method == Method::PUT;
    let patch = method == Method::PATCH;
    let delete = method == Method::DELETE;
    let permission = match s.as_slice() {
        // Objects that were deleted: reading them needs `list`.
        [c, rest @ ..] if c.starts_with("deleted") => {
            let kind = match *c {
                "deletedkeys" => Kind::Keys,
                "deletedsecrets" => Kind::Secrets,
                "deletedcertificates" => Kind::Certificates,
                _ => return None,
            };
            let permission = match rest {
                [] | [_] if get => "list",
                [_] if delete => "purge",
                [_, "recover"] if post => "recover",
                _ => return None,
            };
            return Some((kind, permission));
        }
        ["secrets", rest @ ..] => {
            let permission = match rest {
                [] | [_, "versions"] if get => "list",
                [_] | [_, _] if get => "get",
                [_] if put => "set",
                [_, _] if patch => "set",
                [_] if delete => "delete",
                [_, "backup"] if post => "backup",
                ["restore"] if post => "restore",
                _ => return None,
            };
            return Some((Kind::Secrets, permission));
        }
        ["keys", rest @ ..] => match rest {
            [] | [_, "versions"] if get => "list",
            [_, "rotationpolicy"] if get => "getrotationpolicy",
            [_, "rotationpolicy"] if put => "setrotationpolicy",
            [_] | [_, _] | [_, _, "attestation"] if get => "get",
            [_, "create"] if post => "create",
            [_] if put => "import",
            [_, _] if patch => "update",
            [_] if delete => "delete",
            [_, "backup"] if post => "backup",
            ["restore"] if post => "restore",
            [_, "rotate"] if post => "rotate",
            [_, "release"] | [_, _, "release"] if post => "release",
            [_, op] | [_, _, op] if post => match *op {
                "encrypt" => "encrypt",
                "decrypt" => "decrypt",
                "sign" => "sign",
                "verify" => "verify",
                "wrapkey" => "wrapkey",
                "unwrapkey" => "unwrapkey",
                _ => return None,
            },
            _ => return None,
        },
        ["certificates", rest @ ..] => {
            let permission = match rest {
                ["contacts"] => "managecontacts",
                ["issuers"] if get => "listissuers",
                ["issuers", _] if get => "getissuers",
                ["issuers", _] if put || patch => "setissuers",
                ["issuers", _] if delete => "deleteissuers",
                [] | [_, "versions"] if get => "list",
                [_, "pending"] | [_, "policy"] if get => "get",
                [_, "pending"] | [_, "policy"] if patch => "update",
                [_, "pending"] if delete => "update",
                [_, "pending", "merge"] if post => "create",
                [_] | [_, _] if get => "get",
                [_, "create"] if post => "create",
                [_, "import"] if post => "import",
                [_, _] if patch => "update",
                [_] if delete => "delete",
                [_, "backup"] if post => "backup",
                ["restore"] if post => "restore",
                _ => return None,
            };
            return Some((Kind::Certificates, permission));
        }
        _ => return None,
    };
    Some((Kind::Keys, permission))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn need(method: Method, path: &str) -> Option<(Kind, &'static str)> {
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        required(&method, &segments)
    }

    #[test]
    fn each_operation_needs_its_permission() {
        use Kind::*;
        for (method, path, expected) in [
            (Method::GET, "/secrets", (Secrets, "list")),
            (Method::GET, "/secrets/s/versions", (Secrets, "list")),
            (Method::GET, "/secrets/s", (Secrets, "get")),
            (Method::GET, "/secrets/s/abc", (Secrets, "get")),
            (Method::PUT, "/secrets/s", (Secrets, "set")),
            (Method::PATCH, "/secrets/s/abc", (Secrets, "set")),
            (Method::DELETE, "/secrets/s", (Secrets, "delete")),
            (Method::POST, "/secrets/s/backup", (Secrets, "backup")),
            (Method::POST, "/secrets/restore", (Secrets, "restore")),
            (Method::GET, "/deletedsecrets/s", (Secrets, "list")),
            (Method::DELETE, "/deletedsecrets/s", (Secrets, "purge")),
            (
                Method::POST,
                "/deletedsecrets/s/recover",
                (Secrets, "recover"),
            ),
            (Method::POST, "/keys/k/create", (Keys, "create")),
            (Method::PUT, "/keys/k", (Keys, "import")),
            (Method::POST, "/keys/k/abc/sign", (Keys, "sign")),
            (Method::POST, "/keys/k/wrapKey", (Keys, "wrapkey")),
            (
                Method::GET,
                "/keys/k/rotationpolicy",
                (Keys, "getrotationpolicy"),
            ),
            (
                Method::PUT,
                "/keys/k/rotationpolicy",
                (Keys, "setrotationpolicy"),
            ),
            (Method::POST, "/keys/k/rotate", (Keys, "rotate")),
            (Method::POST, "/keys/k/abc/release", (Keys, "release")),
            (Method::GET, "/deletedkeys", (Keys, "list")),
            (
                Method::GET,
                "/certificates/contacts",
                (Certificates, "managecontacts"),
            ),
            (
                Method::PUT,
                "/certificates/contacts",
                (Certificates, "managecontacts"),
            ),
            (
                Method::GET,
                "/certificates/issuers",
                (Certificates, "listissuers"),
            ),
            (
                Method::PUT,
                "/certificates/issuers/i",
                (Certificates, "setissuers"),
            ),
            (
                Method::POST,
                "/certificates/c/create",
                (Certificates, "create"),
            ),
            (
                Method::POST,
                "/certificates/c/pending/merge",
                (Certificates, "create"),
            ),
            (
                Method::PATCH,
                "/certificates/c/policy",
                (Certificates, "update"),
            ),
            (
                Method::GET,
                "/certificates/c/pending",
                (Certificates, "get"),
            ),
        ] {
            assert_eq!(
                need(method.clone(), path),
                Some(expected),
                "{method} {path}"
            );
        }
        assert_eq!(need(Method::GET, "/rng"), None);
        assert_eq!(need(Method::GET, "/settings"), None);
    }

    #[test]
    fn rbac_vaults_have_no_policies() {
        let properties = serde_json::json!({"enableRbacAuthorization": true, "accessPolicies": []});
        assert!(AccessPolicies::from_arm("westus", properties.as_object().unwrap()).is_none());
        let properties = serde_json::json!({"accessPolicies": [{"tenantId": "t", "objectId": "o",
            "permissions": {"secrets": ["Get", "List"]}}]});
        let policies = AccessPolicies::from_arm("westus", properties.as_object().unwrap()).unwrap();
        assert_eq!(policies.grants[0].secrets, ["get", "list"]);
        assert!(policies.grants[0].keys.is_empty());
    }
}
