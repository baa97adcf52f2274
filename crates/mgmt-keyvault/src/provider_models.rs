//! The models of the provider's own description: the REST operations it offers
//! ([`crate::KeyVaultManagementClient::list_operations`]).

use serde::Deserialize;

/// One operation of the `Microsoft.KeyVault` provider, as RBAC and Azure Monitor know it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Operation {
    /// `{provider}/{resource}/{operation}`, for example `Microsoft.KeyVault/vaults/read`: the
    /// action a role definition grants.
    pub name: String,
    /// What the portal shows of it.
    #[serde(default)]
    pub display: Option<OperationDisplay>,
    /// Who performs it: `user`, `system` or `user,system`.
    #[serde(default)]
    pub origin: Option<String>,
    /// Whether it is a data action (on a vault's contents) rather than a control action.
    #[serde(default)]
    pub is_data_action: Option<bool>,
    /// The logs and metrics it feeds (diagnostic operations only).
    #[serde(default)]
    pub properties: Option<OperationProperties>,
}

/// The display strings of an [`Operation`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct OperationDisplay {
    /// `Microsoft Key Vault`.
    #[serde(default)]
    pub provider: Option<String>,
    /// The resource it acts on, for example `Key Vault` or `Secret`.
    #[serde(default)]
    pub resource: Option<String>,
    /// Its short title, for example `View Key Vault`.
    #[serde(default)]
    pub operation: Option<String>,
    /// What it does.
    #[serde(default)]
    pub description: Option<String>,
}

/// The properties of an [`Operation`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OperationProperties {
    /// Its logs and metrics.
    #[serde(default)]
    pub service_specification: Option<ServiceSpecification>,
}

/// The logs and metrics an [`Operation`] feeds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ServiceSpecification {
    /// Its logs.
    #[serde(default)]
    pub log_specifications: Vec<LogSpecification>,
    /// Its metrics.
    #[serde(default)]
    pub metric_specifications: Vec<MetricSpecification>,
}

/// A log category, such as `AuditEvent`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LogSpecification {
    /// The category name.
    #[serde(default)]
    pub name: Option<String>,
    /// Its display name.
    #[serde(default)]
    pub display_name: Option<String>,
    /// How much time one blob of the log covers (ISO 8601 duration, for example `PT1H`).
    #[serde(default)]
    pub blob_duration: Option<String>,
}

/// A metric, such as `ServiceApiHit`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MetricSpecification {
    /// The metric name.
    #[serde(default)]
    pub name: Option<String>,
    /// Its display name.
    #[serde(default)]
    pub display_name: Option<String>,
    /// Its description.
    #[serde(default)]
    pub display_description: Option<String>,
    /// Its unit: `Bytes`, `Count`, `Milliseconds`, ...
    #[serde(default)]
    pub unit: Option<String>,
    /// The default aggregation: `Average`, `Count`, `Total`, ...
    #[serde(default)]
    pub aggregation_type: Option<String>,
    /// The aggregations it supports.
    #[serde(default)]
    pub supported_aggregation_types: Vec<String>,
    /// The time grains it supports (ISO 8601 durations).
    #[serde(default)]
    pub supported_time_grain_types: Vec<String>,
    /// The aggregation it is locked to, if any.
    #[serde(default)]
    pub lock_aggregation_type: Option<String>,
    /// Its dimensions.
    #[serde(default)]
    pub dimensions: Vec<DimensionProperties>,
    /// Whether gaps are filled with zero.
    #[serde(default)]
    pub fill_gap_with_zero: Option<bool>,
    /// The service's internal name of the metric.
    #[serde(default)]
    pub internal_metric_name: Option<String>,
}

/// A dimension of a [`MetricSpecification`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DimensionProperties {
    /// The dimension name, for example `ActivityType`.
    #[serde(default)]
    pub name: Option<String>,
    /// Its display name.
    #[serde(default)]
    pub display_name: Option<String>,
    /// Whether it is exported for Shoebox (Azure Monitor's internal pipeline).
    #[serde(default)]
    pub to_be_exported_for_shoebox: Option<bool>,
}
