//! Administration models, as Python's `azure-keyvault-administration` exposes them.
//!
//! The wire forms (`RoleAssignment`, `RoleDefinition`, `FullBackupOperation`, `Setting`, ...)
//! are private; the public models flatten what the service nests and keep unknown enum values.

use crate::scope::KeyVaultRoleScope;
use keyvault_core::{async_operation::unix_time_or_zero, Error, SecretString};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

keyvault_core::string_enum! {
    /// A data action a role can grant or exclude (the spec's `DataAction`).
    pub enum KeyVaultDataAction {
        /// Read HSM key metadata.
        ReadHsmKey = "Microsoft.KeyVault/managedHsm/keys/read/action",
        /// Update an HSM key.
        WriteHsmKey = "Microsoft.KeyVault/managedHsm/keys/write/action",
        /// Read a deleted HSM key.
        ReadDeletedHsmKey = "Microsoft.KeyVault/managedHsm/keys/deletedKeys/read/action",
        /// Recover a deleted HSM key.
        RecoverDeletedHsmKey = "Microsoft.KeyVault/managedHsm/keys/deletedKeys/recover/action",
        /// Back HSM keys up.
        BackupHsmKeys = "Microsoft.KeyVault/managedHsm/keys/backup/action",
        /// Restore HSM keys.
        RestoreHsmKeys = "Microsoft.KeyVault/managedHsm/keys/restore/action",
        /// Delete a role assignment.
        DeleteRoleAssignment = "Microsoft.KeyVault/managedHsm/roleAssignments/delete/action",
        /// Read a role assignment.
        GetRoleAssignment = "Microsoft.KeyVault/managedHsm/roleAssignments/read/action",
        /// Create or update a role assignment.
        WriteRoleAssignment = "Microsoft.KeyVault/managedHsm/roleAssignments/write/action",
        /// Read a role definition.
        ReadRoleDefinition = "Microsoft.KeyVault/managedHsm/roleDefinitions/read/action",
        /// Create or update a role definition.
        WriteRoleDefinition = "Microsoft.KeyVault/managedHsm/roleDefinitions/write/action",
        /// Delete a role definition.
        DeleteRoleDefinition = "Microsoft.KeyVault/managedHsm/roleDefinitions/delete/action",
        /// Encrypt with an HSM key.
        EncryptHsmKey = "Microsoft.KeyVault/managedHsm/keys/encrypt/action",
        /// Decrypt with an HSM key.
        DecryptHsmKey = "Microsoft.KeyVault/managedHsm/keys/decrypt/action",
        /// Wrap with an HSM key.
        WrapHsmKey = "Microsoft.KeyVault/managedHsm/keys/wrap/action",
        /// Unwrap with an HSM key.
        UnwrapHsmKey = "Microsoft.KeyVault/managedHsm/keys/unwrap/action",
        /// Sign with an HSM key.
        SignHsmKey = "Microsoft.KeyVault/managedHsm/keys/sign/action",
        /// Verify with an HSM key.
        VerifyHsmKey = "Microsoft.KeyVault/managedHsm/keys/verify/action",
        /// Create an HSM key.
        CreateHsmKey = "Microsoft.KeyVault/managedHsm/keys/create",
        /// Delete an HSM key.
        DeleteHsmKey = "Microsoft.KeyVault/managedHsm/keys/delete",
        /// Export an HSM key.
        ExportHsmKey = "Microsoft.KeyVault/managedHsm/keys/export/action",
        /// Release an HSM key (secure key release).
        ReleaseKey = "Microsoft.KeyVault/managedHsm/keys/release/action",
        /// Import an HSM key.
        ImportHsmKey = "Microsoft.KeyVault/managedHsm/keys/import/action",
        /// Purge a deleted HSM key.
        PurgeDeletedHsmKey = "Microsoft.KeyVault/managedHsm/keys/deletedKeys/delete",
        /// Download the security domain.
        DownloadHsmSecurityDomain = "Microsoft.KeyVault/managedHsm/securitydomain/download/action",
        /// Check the status of a security domain download.
        DownloadHsmSecurityDomainStatus = "Microsoft.KeyVault/managedHsm/securitydomain/download/read",
        /// Upload a security domain.
        UploadHsmSecurityDomain = "Microsoft.KeyVault/managedHsm/securitydomain/upload/action",
        /// Check the status of a security domain upload.
        ReadHsmSecurityDomainStatus = "Microsoft.KeyVault/managedHsm/securitydomain/upload/read",
        /// Download the security domain transfer key.
        ReadHsmSecurityDomainTransferKey = "Microsoft.KeyVault/managedHsm/securitydomain/transferkey/read",
        /// Start a full backup.
        StartHsmBackup = "Microsoft.KeyVault/managedHsm/backup/start/action",
        /// Start a restore.
        StartHsmRestore = "Microsoft.KeyVault/managedHsm/restore/start/action",
        /// Read the status of a backup.
        ReadHsmBackupStatus = "Microsoft.KeyVault/managedHsm/backup/status/action",
        /// Read the status of a restore.
        ReadHsmRestoreStatus = "Microsoft.KeyVault/managedHsm/restore/status/action",
        /// Generate random numbers.
        RandomNumbersGenerate = "Microsoft.KeyVault/managedHsm/rng/action",
    }
}

keyvault_core::string_enum! {
    /// Whether a role definition is built in or custom.
    pub enum KeyVaultRoleType {
        /// A built-in role (`AKVBuiltInRole`).
        BuiltInRole = "AKVBuiltInRole",
        /// A custom role (`CustomRole`).
        CustomRole = "CustomRole",
    }
}

keyvault_core::string_enum! {
    /// The type of a setting's value.
    pub enum KeyVaultSettingType {
        /// `"true"` or `"false"`.
        Boolean = "boolean",
    }
}

/// What a role permits: actions and data actions granted, and those excluded.
///
/// Build one with struct update syntax:
///
/// ```
/// use keyvault_administration::{KeyVaultDataAction, KeyVaultPermission};
/// let sign_only = KeyVaultPermission {
///     data_actions: vec![KeyVaultDataAction::SignHsmKey],
///     ..Default::default()
/// };
/// assert!(sign_only.actions.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyVaultPermission {
    /// Actions granted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<String>,
    /// Actions excluded (but not denied: another role may grant them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_actions: Vec<String>,
    /// Data actions granted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_actions: Vec<KeyVaultDataAction>,
    /// Data actions excluded (but not denied: another role may grant them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_data_actions: Vec<KeyVaultDataAction>,
}

// ---------------------------------------------------------------- role assignments

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RoleAssignmentPropertiesWire {
    #[serde(default)]
    scope: Option<KeyVaultRoleScope>,
    #[serde(default)]
    role_definition_id: Option<String>,
    #[serde(default)]
    principal_id: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct RoleAssignmentWire {
    id: Option<String>,
    name: Option<String>,
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    properties: Option<RoleAssignmentPropertiesWire>,
}

/// The properties of a role assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct KeyVaultRoleAssignmentProperties {
    /// The principal (user, service principal, group or managed identity) object id.
    pub principal_id: String,
    /// The id of the role definition assigned.
    pub role_definition_id: String,
    /// Where the assignment applies.
    pub scope: KeyVaultRoleScope,
}

/// A role assigned to a principal at a scope.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RoleAssignmentWire")]
#[non_exhaustive]
pub struct KeyVaultRoleAssignment {
    /// The assignment's name, a GUID.
    pub name: String,
    /// The assignment's id, `{scope}/providers/Microsoft.Authorization/roleAssignments/{name}`.
    pub role_assignment_id: String,
    /// The resource type, `Microsoft.Authorization/roleAssignments`.
    pub assignment_type: String,
    /// Principal, role definition and scope.
    pub properties: KeyVaultRoleAssignmentProperties,
}

fn missing(model: &'static str, field: &str) -> Error {
    Error::Deserialize {
        model,
        message: format!("the required field `{field}` is missing"),
    }
}

impl TryFrom<RoleAssignmentWire> for KeyVaultRoleAssignment {
    type Error = Error;

    fn try_from(wire: RoleAssignmentWire) -> Result<Self, Self::Error> {
        const MODEL: &str = "KeyVaultRoleAssignment";
        let properties = wire
            .properties
            .ok_or_else(|| missing(MODEL, "properties"))?;
        Ok(KeyVaultRoleAssignment {
            name: wire.name.ok_or_else(|| missing(MODEL, "name"))?,
            role_assignment_id: wire.id.ok_or_else(|| missing(MODEL, "id"))?,
            assignment_type: wire.kind.unwrap_or_default(),
            properties: KeyVaultRoleAssignmentProperties {
                principal_id: properties
                    .principal_id
                    .ok_or_else(|| missing(MODEL, "properties.principalId"))?,
                role_definition_id: properties
                    .role_definition_id
                    .ok_or_else(|| missing(MODEL, "properties.roleDefinitionId"))?,
                scope: properties.scope.unwrap_or_default(),
            },
        })
    }
}

/// Body of `PUT {scope}/providers/Microsoft.Authorization/roleAssignments/{name}`.
#[derive(Serialize)]
pub(crate) struct RoleAssignmentCreateParameters<'a> {
    pub properties: RoleAssignmentProperties<'a>,
}

/// The properties of a new role assignment.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RoleAssignmentProperties<'a> {
    pub role_definition_id: &'a str,
    pub principal_id: &'a str,
}

// ---------------------------------------------------------------- role definitions

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RoleDefinitionPropertiesWire {
    #[serde(default)]
    role_name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(rename = "type", default)]
    role_type: Option<KeyVaultRoleType>,
    #[serde(default)]
    permissions: Option<Vec<KeyVaultPermission>>,
    #[serde(default)]
    assignable_scopes: Option<Vec<KeyVaultRoleScope>>,
}

#[derive(Deserialize)]
pub(crate) struct RoleDefinitionWire {
    id: Option<String>,
    name: Option<String>,
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    properties: Option<RoleDefinitionPropertiesWire>,
}

/// A role: a named set of permissions, assignable at some scopes.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RoleDefinitionWire")]
#[non_exhaustive]
pub struct KeyVaultRoleDefinition {
    /// The definition's id, for example
    /// `Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/{name}`: what a role
    /// assignment names.
    pub id: String,
    /// The definition's name, a GUID.
    pub name: String,
    /// The resource type, `Microsoft.Authorization/roleDefinitions`.
    pub definition_type: String,
    /// The display name, for example `Managed HSM Crypto User`.
    pub role_name: String,
    /// The description.
    pub description: String,
    /// Built in or custom.
    pub role_type: KeyVaultRoleType,
    /// What the role permits.
    pub permissions: Vec<KeyVaultPermission>,
    /// Where the role can be assigned.
    pub assignable_scopes: Vec<KeyVaultRoleScope>,
}

impl TryFrom<RoleDefinitionWire> for KeyVaultRoleDefinition {
    type Error = Error;

    fn try_from(wire: RoleDefinitionWire) -> Result<Self, Self::Error> {
        const MODEL: &str = "KeyVaultRoleDefinition";
        let properties = wire
            .properties
            .ok_or_else(|| missing(MODEL, "properties"))?;
        Ok(KeyVaultRoleDefinition {
            id: wire.id.ok_or_else(|| missing(MODEL, "id"))?,
            name: wire.name.ok_or_else(|| missing(MODEL, "name"))?,
            definition_type: wire.kind.unwrap_or_default(),
            role_name: properties.role_name.unwrap_or_default(),
            description: properties.description.unwrap_or_default(),
            role_type: properties.role_type.unwrap_or(KeyVaultRoleType::CustomRole),
            permissions: properties.permissions.unwrap_or_default(),
            assignable_scopes: properties.assignable_scopes.unwrap_or_default(),
        })
    }
}

/// Body of `PUT {scope}/providers/Microsoft.Authorization/roleDefinitions/{name}`.
#[derive(Serialize)]
pub(crate) struct RoleDefinitionCreateParameters<'a> {
    pub properties: RoleDefinitionProperties<'a>,
}

/// The properties of a custom role definition.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RoleDefinitionProperties<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_name: Option<&'a str>,
    #[serde(rename = "type")]
    pub role_type: KeyVaultRoleType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissions: Option<&'a [KeyVaultPermission]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignable_scopes: Option<&'a [KeyVaultRoleScope]>,
}

// ---------------------------------------------------------------- backup and restore

/// How the Managed HSM authenticates to the blob storage container.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StorageAuthentication {
    /// A shared access signature for the container (never printed).
    SasToken(SecretString),
    /// The HSM's user-assigned managed identity (API version 7.5 and later).
    ManagedIdentity,
}

impl StorageAuthentication {
    /// A SAS token, with or without its leading `?`.
    pub fn sas_token(token: impl Into<String>) -> Self {
        StorageAuthentication::SasToken(SecretString::new(token))
    }
}

/// Body of `POST /backup` and `POST /prebackup`, and the `sasTokenParameters` of restores.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SasTokenParameter<'a> {
    pub storage_resource_uri: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub use_managed_identity: Option<bool>,
}

/// Body of `PUT /restore` and `PUT /prerestore`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RestoreOperationParameters<'a> {
    pub sas_token_parameters: SasTokenParameter<'a>,
    pub folder_to_restore: &'a str,
}

/// Body of `PUT /keys/{name}/restore`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SelectiveKeyRestoreOperationParameters<'a> {
    pub sas_token_parameters: SasTokenParameter<'a>,
    pub folder: &'a str,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FullBackupOperationWire {
    #[serde(default)]
    azure_storage_blob_container_uri: Option<String>,
    #[serde(default)]
    job_id: Option<String>,
    #[serde(default)]
    status_details: Option<String>,
    #[serde(default, deserialize_with = "unix_time_or_zero::deserialize")]
    start_time: Option<OffsetDateTime>,
    #[serde(default, deserialize_with = "unix_time_or_zero::deserialize")]
    end_time: Option<OffsetDateTime>,
}

/// The result of a full backup: where it was written.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "FullBackupOperationWire")]
#[non_exhaustive]
pub struct KeyVaultBackupResult {
    /// The URL of the folder holding the backup, `{container}/{folder}`: what
    /// [`KeyVaultBackupClient::begin_restore`](crate::KeyVaultBackupClient::begin_restore) takes.
    pub folder_url: String,
    /// The backup job's id.
    pub job_id: Option<String>,
    /// When the backup started.
    pub start_time: Option<OffsetDateTime>,
    /// When the backup ended.
    pub end_time: Option<OffsetDateTime>,
}

impl TryFrom<FullBackupOperationWire> for KeyVaultBackupResult {
    type Error = Error;

    fn try_from(wire: FullBackupOperationWire) -> Result<Self, Self::Error> {
        Ok(KeyVaultBackupResult {
            folder_url: wire
                .azure_storage_blob_container_uri
                .ok_or_else(|| missing("KeyVaultBackupResult", "azureStorageBlobContainerUri"))?,
            job_id: wire.job_id,
            start_time: wire.start_time,
            end_time: wire.end_time,
        })
    }
}

/// The result of a restore (full or of one key), or of a pre-backup or pre-restore check.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "FullBackupOperationWire")]
#[non_exhaustive]
pub struct KeyVaultRestoreResult {
    /// The job's id.
    pub job_id: Option<String>,
    /// The service's description of the outcome, if any.
    pub status_details: Option<String>,
    /// When the job started.
    pub start_time: Option<OffsetDateTime>,
    /// When the job ended.
    pub end_time: Option<OffsetDateTime>,
}

impl From<FullBackupOperationWire> for KeyVaultRestoreResult {
    fn from(wire: FullBackupOperationWire) -> Self {
        KeyVaultRestoreResult {
            job_id: wire.job_id,
            status_details: wire.status_details,
            start_time: wire.start_time,
            end_time: wire.end_time,
        }
    }
}

// ---------------------------------------------------------------- settings

/// An account setting of a Managed HSM, for example `AllowKeyManagementOperationsThroughARM`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct KeyVaultSetting {
    /// The setting's name.
    pub name: String,
    /// The value, as text (`"true"` or `"false"` for a boolean setting).
    pub value: String,
    /// The type of the value.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub setting_type: Option<KeyVaultSettingType>,
}

impl KeyVaultSetting {
    /// A setting with a value of the given type.
    pub fn new(
        name: impl Into<String>,
        value: impl Into<String>,
        setting_type: Option<KeyVaultSettingType>,
    ) -> Self {
        KeyVaultSetting {
            name: name.into(),
            value: value.into(),
            setting_type,
        }
    }

    /// A boolean setting.
    pub fn boolean(name: impl Into<String>, value: bool) -> Self {
        Self::new(name, value.to_string(), Some(KeyVaultSettingType::Boolean))
    }

    /// The value as a boolean: `Some` when it is `true` or `false` (in any case) and the
    /// setting is boolean or untyped, `None` otherwise.
    pub fn as_bool(&self) -> Option<bool> {
        match &self.setting_type {
            None | Some(KeyVaultSettingType::Boolean) => parse_bool(&self.value),
            Some(_) => None,
        }
    }
}

/// `true` or `false`, in any case.
pub(crate) fn parse_bool(value: &str) -> Option<bool> {
    if value.eq_ignore_ascii_case("true") {
        Some(true)
    } else if value.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Body of `PATCH /settings/{name}`.
#[derive(Serialize)]
pub(crate) struct UpdateSettingRequest<'a> {
    pub value: &'a str,
}

/// Response of `GET /settings`.
#[derive(Deserialize)]
pub(crate) struct SettingsListResult {
    #[serde(default)]
    pub settings: Vec<KeyVaultSetting>,
}

// ---------------------------------------------------------------- external key manager

/// A list of certificates, each DER, as standard base64 strings on the wire (`format: byte`).
mod der_list {
    use keyvault_core::serde::base64;
    use serde::{ser::SerializeSeq, Deserialize, Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(
        certificates: &[Vec<u8>],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(certificates.len()))?;
        for certificate in certificates {
            seq.serialize_element(&base64::encode(certificate))?;
        }
        seq.end()
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<Vec<u8>>, D::Error> {
        Vec::<String>::deserialize(deserializer)?
            .iter()
            .map(|text| {
                base64::decode(text).map_err(|_| serde::de::Error::custom("invalid base64"))
            })
            .collect()
    }

    /// The same, optional (serialized only: updates are never read back).
    pub(crate) mod option {
        use serde::Serializer;

        pub(crate) fn serialize<S: Serializer>(
            certificates: &Option<Vec<Vec<u8>>>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match certificates {
                Some(c) => super::serialize(c, serializer),
                None => serializer.serialize_none(),
            }
        }
    }
}

/// Prints certificates as their count and sizes rather than their bytes.
struct DerSizes<'a>(&'a [Vec<u8>]);

impl std::fmt::Debug for DerSizes<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut list = f.debug_list();
        for certificate in self.0 {
            list.entry(&format_args!("<{} bytes of DER>", certificate.len()));
        }
        list.finish()
    }
}

/// A Managed HSM's connection to its External Key Manager (EKM) proxy (the spec's
/// `EkmConnection`; Python's `KeyVaultEkmConnection`).
///
/// ```
/// use keyvault_administration::KeyVaultEkmConnection;
/// # let root_ca_der = vec![0x30, 0x00];
/// let connection = KeyVaultEkmConnection::new("ekm-proxy.contoso.com", vec![root_ca_der])
///     .with_path_prefix("/api/v1");
/// assert_eq!(connection.path_prefix.as_deref(), Some("/api/v1"));
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct KeyVaultEkmConnection {
    /// The EKM proxy's fully qualified domain name, optionally with a port: only `a-z`, `A-Z`,
    /// `0-9`, `-`, `.` and `:`.
    pub host: String,
    /// The path prefix of the EKM proxy's API, if any (`/api/v1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_prefix: Option<String>,
    /// The root CA certificate chain that issued the proxy server's certificate, each
    /// certificate DER (base64 on the wire).
    #[serde(with = "der_list")]
    pub server_ca_certificates: Vec<Vec<u8>>,
    /// The subject common name the proxy server's certificate must have, if checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_subject_common_name: Option<String>,
}

impl KeyVaultEkmConnection {
    /// A connection to the proxy at `host` whose server certificate chains to
    /// `server_ca_certificates` (DER).
    pub fn new(host: impl Into<String>, server_ca_certificates: Vec<Vec<u8>>) -> Self {
        KeyVaultEkmConnection {
            host: host.into(),
            path_prefix: None,
            server_ca_certificates,
            server_subject_common_name: None,
        }
    }

    /// The same connection with a path prefix.
    pub fn with_path_prefix(mut self, path_prefix: impl Into<String>) -> Self {
        self.path_prefix = Some(path_prefix.into());
        self
    }

    /// The same connection with the subject common name of the proxy server's certificate.
    pub fn with_server_subject_common_name(mut self, name: impl Into<String>) -> Self {
        self.server_subject_common_name = Some(name.into());
        self
    }
}

impl std::fmt::Debug for KeyVaultEkmConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyVaultEkmConnection")
            .field("host", &self.host)
            .field("path_prefix", &self.path_prefix)
            .field(
                "server_ca_certificates",
                &DerSizes(&self.server_ca_certificates),
            )
            .field(
                "server_subject_common_name",
                &self.server_subject_common_name,
            )
            .finish()
    }
}

/// The changes of an EKM connection update (the spec's `EkmConnectionUpdate`): fields left
/// `None` keep their value. A whole [`KeyVaultEkmConnection`] converts into one that replaces
/// every field it has.
///
/// ```
/// use keyvault_administration::KeyVaultEkmConnectionUpdate;
/// let update = KeyVaultEkmConnectionUpdate {
///     host: Some("ekm-proxy-2.contoso.com".into()),
///     ..Default::default()
/// };
/// # let _ = update;
/// ```
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
pub struct KeyVaultEkmConnectionUpdate {
    /// A new proxy host (same characters as [`KeyVaultEkmConnection::host`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// A new path prefix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path_prefix: Option<String>,
    /// A new root CA certificate chain of the proxy server (DER, at least one).
    #[serde(with = "der_list::option", skip_serializing_if = "Option::is_none")]
    pub server_ca_certificates: Option<Vec<Vec<u8>>>,
    /// A new subject common name of the proxy server's certificate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_subject_common_name: Option<String>,
}

impl From<KeyVaultEkmConnection> for KeyVaultEkmConnectionUpdate {
    fn from(connection: KeyVaultEkmConnection) -> Self {
        KeyVaultEkmConnectionUpdate {
            host: Some(connection.host),
            path_prefix: connection.path_prefix,
            server_ca_certificates: Some(connection.server_ca_certificates),
            server_subject_common_name: connection.server_subject_common_name,
        }
    }
}

impl std::fmt::Debug for KeyVaultEkmConnectionUpdate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyVaultEkmConnectionUpdate")
            .field("host", &self.host)
            .field("path_prefix", &self.path_prefix)
            .field(
                "server_ca_certificates",
                &self.server_ca_certificates.as_deref().map(DerSizes),
            )
            .field(
                "server_subject_common_name",
                &self.server_subject_common_name,
            )
            .finish()
    }
}

/// The client certificate the Managed HSM presents to its EKM proxy (the spec's
/// `EkmProxyClientCertificateInfo`): configure the proxy to trust `ca_certificates` and this
/// subject.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct KeyVaultEkmProxyClientCertificateInfo {
    /// The root CA certificate chain of the client certificate, each DER (base64 on the wire).
    #[serde(with = "der_list")]
    pub ca_certificates: Vec<Vec<u8>>,
    /// The subject common name of the client certificate.
    pub subject_common_name: String,
}

impl std::fmt::Debug for KeyVaultEkmProxyClientCertificateInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyVaultEkmProxyClientCertificateInfo")
            .field("ca_certificates", &DerSizes(&self.ca_certificates))
            .field("subject_common_name", &self.subject_common_name)
            .finish()
    }
}

/// What the EKM proxy reported about itself when the connection was checked (the spec's
/// `EkmProxyInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct KeyVaultEkmProxyInfo {
    /// The highest version of the proxy interface API the proxy supports.
    pub api_version: String,
    /// The proxy's vendor.
    pub proxy_vendor: String,
    /// The proxy product and its version.
    pub proxy_name: String,
    /// The EKM's vendor.
    pub ekm_vendor: String,
    /// The EKM product and its version.
    pub ekm_product: String,
}

keyvault_core::string_enum! {
    /// The state of a security domain download or upload (the spec's `OperationStatus`).
    /// The service says `Success`, not the `Succeeded` of other operations.
    pub enum SecurityDomainStatus {
        /// Finished: the HSM is activated with the security domain.
        Success = "Success",
        /// Still running.
        InProgress = "InProgress",
        /// Finished in failure; `status_details` says why.
        Failed = "Failed",
    }
}

impl SecurityDomainStatus {
    /// Whether the operation finished successfully. `Succeeded`, which the service does not
    /// send today but other operations do, counts too, as in Python's client.
    pub fn is_success(&self) -> bool {
        match self {
            SecurityDomainStatus::Success => true,
            SecurityDomainStatus::Other(other) => other.eq_ignore_ascii_case("succeeded"),
            _ => false,
        }
    }

    /// Whether the operation finished in failure (`Failed`, or `Canceled`).
    pub fn is_failure(&self) -> bool {
        match self {
            SecurityDomainStatus::Failed => true,
            SecurityDomainStatus::Other(other) => other.eq_ignore_ascii_case("canceled"),
            _ => false,
        }
    }
}

/// The status of a security domain download or upload (the spec's
/// `SecurityDomainOperationStatus`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct SecurityDomainOperationStatus {
    /// The state of the operation.
    pub status: SecurityDomainStatus,
    /// What the service says about it, for example why it failed.
    #[serde(default)]
    pub status_details: Option<String>,
}

/// A Managed HSM security domain (the spec's `SecurityDomainObject`; Python's
/// `SecurityDomain`): the blob a download returns, encrypted for the certificates it was
/// downloaded with, or one prepared for an HSM's transfer key before an upload.
///
/// The blob is secret material: it is held in a [`SecretString`], never printed by `Debug`,
/// and zeroized on drop. Keep it as the service gave it: clients treat it as opaque.
///
/// ```
/// use keyvault_administration::SecurityDomain;
/// let domain = SecurityDomain::new("{\"EncData\": \"...\"}");
/// assert!(!format!("{domain:?}").contains("EncData"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SecurityDomain {
    /// The security domain, as the service gives and takes it.
    pub value: SecretString,
}

impl SecurityDomain {
    /// A security domain from its blob, for example one read back from where it was stored.
    pub fn new(value: impl Into<SecretString>) -> Self {
        SecurityDomain {
            value: value.into(),
        }
    }
}

/// A JSON Web Key of a security domain operation (the spec's `SecurityDomainJsonWebKey`): an
/// RSA public key with its X.509 certificate, used to encrypt a downloaded security domain,
/// or the HSM's transfer key.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SecurityDomainJsonWebKey {
    /// The key identifier.
    pub kid: String,
    /// The key type; `RSA` for a security domain.
    pub kty: String,
    /// The operations the key may be used for.
    #[serde(default)]
    pub key_ops: Vec<String>,
    /// The RSA modulus (base64url on the wire).
    #[serde(with = "keyvault_core::serde::base64url")]
    pub n: Vec<u8>,
    /// The RSA public exponent (base64url on the wire).
    #[serde(with = "keyvault_core::serde::base64url")]
    pub e: Vec<u8>,
    /// The X.509 certificate chain of the key, leaf first, each certificate DER (standard
    /// base64 on the wire).
    #[serde(with = "der_list")]
    pub x5c: Vec<Vec<u8>>,
    /// The intended use; `enc` when present.
    #[serde(rename = "use", default, skip_serializing_if = "Option::is_none")]
    pub key_use: Option<String>,
    /// The SHA-1 thumbprint of the leaf certificate (base64url on the wire).
    #[serde(
        default,
        with = "keyvault_core::serde::base64url_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub x5t: Option<Vec<u8>>,
    /// The SHA-256 thumbprint of the leaf certificate (base64url on the wire). The spec
    /// marks it required; the service computes it from `x5c` when it is absent.
    #[serde(
        rename = "x5t#S256",
        default,
        with = "keyvault_core::serde::base64url_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub x5t_s256: Option<Vec<u8>>,
    /// The algorithm intended for the key, for example `RSA-OAEP-256`.
    pub alg: String,
}

impl SecurityDomainJsonWebKey {
    /// An RSA public key (`n`, `e`, big-endian) with its certificate chain `x5c` (DER, leaf
    /// first), for `RSA-OAEP-256`. `kid` names it in the downloaded security domain.
    pub fn rsa(kid: impl Into<String>, n: Vec<u8>, e: Vec<u8>, x5c: Vec<Vec<u8>>) -> Self {
        SecurityDomainJsonWebKey {
            kid: kid.into(),
            kty: "RSA".into(),
            key_ops: vec!["wrapKey".into()],
            n,
            e,
            x5c,
            key_use: None,
            x5t: None,
            x5t_s256: None,
            alg: "RSA-OAEP-256".into(),
        }
    }

    /// The same key with its SHA-256 certificate thumbprint.
    pub fn with_x5t_s256(mut self, thumbprint: Vec<u8>) -> Self {
        self.x5t_s256 = Some(thumbprint);
        self
    }
}

impl std::fmt::Debug for SecurityDomainJsonWebKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecurityDomainJsonWebKey")
            .field("kid", &self.kid)
            .field("kty", &self.kty)
            .field("key_ops", &self.key_ops)
            .field("n", &format_args!("<{} bits>", self.n.len() * 8))
            .field("x5c", &DerSizes(&self.x5c))
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

/// What a security domain download needs (the spec's `CertificateInfoObject`; Python's
/// `CertificateInfo`): the certificates (3 to 10) whose keys encrypt the security domain, and
/// the quorum of their private keys (2 to the number of certificates) needed to restore it.
///
/// ```
/// use keyvault_administration::{CertificateInfo, SecurityDomainJsonWebKey};
/// # let keys: Vec<SecurityDomainJsonWebKey> = Vec::new();
/// let info = CertificateInfo::new(keys, 2);
/// # let _ = info;
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateInfo {
    /// The certificates, with their RSA public keys.
    pub certificates: Vec<SecurityDomainJsonWebKey>,
    /// How many of the certificates' private keys restore the security domain.
    pub required: u32,
}

impl CertificateInfo {
    /// The certificates and the quorum `required` of their private keys.
    pub fn new(certificates: Vec<SecurityDomainJsonWebKey>, required: u32) -> Self {
        CertificateInfo {
            certificates,
            required,
        }
    }
}

fn jwk_format() -> String {
    "jwk".into()
}

/// The key a security domain is prepared for before an upload to this HSM (the spec's
/// `TransferKey`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct TransferKey {
    /// The format of the key; `jwk`.
    #[serde(default = "jwk_format")]
    pub key_format: String,
    /// The transfer key: the HSM's RSA public key with its certificate.
    pub transfer_key: SecurityDomainJsonWebKey,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_actions_keep_unknown_values() {
        let action: KeyVaultDataAction =
            serde_json::from_str("\"Microsoft.KeyVault/managedHsm/keys/sign/action\"").unwrap();
        assert_eq!(action, KeyVaultDataAction::SignHsmKey);
        let other: KeyVaultDataAction =
            serde_json::from_str("\"Microsoft.KeyVault/managedHsm/future/action\"").unwrap();
        assert_eq!(
            serde_json::to_string(&other).unwrap(),
            "\"Microsoft.KeyVault/managedHsm/future/action\""
        );
        assert_eq!(KeyVaultDataAction::KNOWN.len(), 34);
    }

    #[test]
    fn settings_read_as_booleans() {
        assert_eq!(KeyVaultSetting::boolean("a", true).as_bool(), Some(true));
        assert_eq!(
            KeyVaultSetting::new("a", "FALSE", None).as_bool(),
            Some(false)
        );
        assert_eq!(
            KeyVaultSetting::new("a", "yes", Some(KeyVaultSettingType::Boolean)).as_bool(),
            None
        );
        assert_eq!(
            KeyVaultSetting::new("a", "true", Some(KeyVaultSettingType::Other("int".into())))
                .as_bool(),
            None
        );
    }

    #[test]
    fn sas_tokens_are_never_printed() {
        let auth = StorageAuthentication::sas_token("sig=hunter2");
        assert!(!format!("{auth:?}").contains("hunter2"));
    }

    #[test]
    fn missing_required_fields_are_clear_errors() {
        let err =
            serde_json::from_str::<KeyVaultRoleAssignment>(r#"{"id":"x","name":"n"}"#).unwrap_err();
        assert!(err.to_string().contains("properties"), "{err}");
        let err =
            serde_json::from_str::<KeyVaultBackupResult>(r#"{"status":"Succeeded"}"#).unwrap_err();
        assert!(
            err.to_string().contains("azureStorageBlobContainerUri"),
            "{err}"
        );
    }
}
