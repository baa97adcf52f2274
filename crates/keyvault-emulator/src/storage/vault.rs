//! Vault routing: the `Host` of a request chooses the vault and its flavour.

use crate::storage::access::AccessPolicies;
use crate::storage::certificates::Certificates;
use crate::storage::keys::KeyState;
use crate::storage::secrets::SecretVersion;
use crate::storage::store::Store;

/// The kind of service a host name stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// A Key Vault (`*.vault.azure.net`, `*.localhost`, `localhost`).
    Vault,
    /// A Managed HSM (`*.managedhsm.azure.net`).
    ManagedHsm,
    /// Azure Resource Manager (`management.azure.com`), answered by `crate::arm`.
    Arm,
}

impl Flavour {
    /// The token audience (resource) the vault accepts and names in its challenge.
    pub fn resource(self) -> &'static str {
        match self {
            Flavour::Vault => "https://vault.azure.net",
            Flavour::ManagedHsm => "https://managedhsm.azure.net",
            Flavour::Arm => "https://management.azure.com",
        }
    }
}

/// The name of the vault that answers hosts without a vault name (`localhost`, `127.0.0.1`).
pub const DEFAULT_VAULT: &str = "default";

/// The host without its port, lower-cased.
pub(crate) fn host_name(host: &str) -> String {
    let host = host.trim().to_ascii_lowercase();
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or_default().to_string();
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name.to_string(),
        _ => host,
    }
}

/// Maps a `Host` header to (vault name, flavour).
pub fn route(host: &str) -> (String, Flavour) {
    let name = host_name(host);
    let name = name.trim_end_matches('.');
    for (suffix, flavour) in [
        (".vault.azure.net", Flavour::Vault),
        (".managedhsm.azure.net", Flavour::ManagedHsm),
        (".localhost", Flavour::Vault),
    ] {
        if let Some(vault) = name.strip_suffix(suffix) {
            if !vault.is_empty() {
                return (vault.to_string(), flavour);
            }
        }
    }
    (DEFAULT_VAULT.to_string(), Flavour::Vault)
}

/// A vault's soft-delete settings: how many days a deleted object is kept, and whether purge
/// protection forbids purging it before then. Set through ARM (`softDeleteRetentionInDays`,
/// `enablePurgeProtection`) or [`crate::Control::set_soft_delete`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Retention {
    pub(crate) days: i64,
    pub(crate) purge_protection: bool,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            days: 90,
            purge_protection: false,
        }
    }
}

impl Retention {
    /// The `recoveryLevel` these settings give every object, as the service's
    /// `DeletionRecoveryLevel` describes it: `Customized` below the default 90 days,
    /// `+Purgeable` unless purge protection is on.
    pub(crate) fn recovery_level(self) -> &'static str {
        match (self.days < 90, self.purge_protection) {
            (false, false) => "Recoverable+Purgeable",
            (false, true) => "Recoverable",
            (true, false) => "CustomizedRecoverable+Purgeable",
            (true, true) => "CustomizedRecoverable",
        }
    }
}

/// The state of one vault.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Vault {
    pub(crate) retention: Retention,
    /// The access policies that govern the data plane; `None`: any valid token may do anything.
    pub(crate) access: Option<AccessPolicies>,
    pub(crate) secrets: Store<SecretVersion>,
    pub(crate) keys: KeyState,
    pub(crate) certificates: Certificates,
}

impl Vault {
    /// Makes the settings of ARM resource `properties` those of the data-plane vault or pool
    /// `name`: its soft delete (`softDeleteRetentionInDays`, `enablePurgeProtection`) and, for
    /// a vault, its access policies (none under `enableRbacAuthorization`).
    pub(crate) fn apply_arm(
        state: &crate::storage::state::State,
        name: &str,
        flavour: Flavour,
        location: &str,
        properties: &serde_json::Map<String, serde_json::Value>,
    ) {
        let mut vaults = crate::sync::lock(&state.vaults);
        let vault = vaults
            .entry(vault_key(&name.to_ascii_lowercase(), flavour))
            .or_default();
        vault.retention = Retention {
            days: properties
                .get("softDeleteRetentionInDays")
                .and_then(serde_json::Value::as_i64)
                .unwrap_or(90),
            purge_protection: properties.get("enablePurgeProtection")
                == Some(&serde_json::Value::Bool(true)),
        };
        if flavour == Flavour::Vault {
            vault.access = AccessPolicies::from_arm(location, properties);
        }
    }
}

/// The key of a vault in the emulator's map: Managed HSMs and vaults of the same name are distinct.
pub(crate) fn vault_key(name: &str, flavour: Flavour) -> String {
    match flavour {
        Flavour::Vault => format!("vault:{name}"),
        Flavour::ManagedHsm => format!("hsm:{name}"),
        Flavour::Arm => format!("arm:{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        assert_eq!(route("localhost:8443"), ("default".into(), Flavour::Vault));
        assert_eq!(route("127.0.0.1:1"), ("default".into(), Flavour::Vault));
        assert_eq!(route("[::1]:1"), ("default".into(), Flavour::Vault));
        assert_eq!(
            route("MyVault.vault.azure.net:99"),
            ("myvault".into(), Flavour::Vault)
        );
        assert_eq!(route("a.localhost"), ("a".into(), Flavour::Vault));
        assert_eq!(
            route("h.managedhsm.azure.net"),
            ("h".into(), Flavour::ManagedHsm)
        );
        assert_eq!(route("vault.azure.net"), ("default".into(), Flavour::Vault));
    }
}
