#![doc = include_str!("../README.md")]
// docs.rs (nightly) labels items behind a cfg with it; `doc_auto_cfg` was merged into
// `doc_cfg` in Rust 1.92.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod client;
mod create;
mod formats;
mod identifier;
mod models;
mod policy;

pub use client::{
    BackupCertificateOptions, BeginCreateCertificateOptions, BeginDeleteCertificateOptions,
    BeginRecoverDeletedCertificateOptions, CancelCertificateOperationOptions, CertificateClient,
    CertificateClientOptions, CreateIssuerOptions, DeleteCertificateOperationOptions,
    DeleteContactsOptions, DeleteIssuerOptions, GetCertificateOperationOptions,
    GetCertificateOptions, GetCertificatePolicyOptions, GetCertificateVersionOptions,
    GetContactsOptions, GetDeletedCertificateOptions, GetIssuerOptions, ImportCertificateOptions,
    ListDeletedCertificatesOptions, ListPropertiesOfCertificateVersionsOptions,
    ListPropertiesOfCertificatesOptions, ListPropertiesOfIssuersOptions, MergeCertificateOptions,
    PurgeDeletedCertificateOptions, RestoreCertificateBackupOptions, SetContactsOptions,
    UpdateCertificatePolicyOptions, UpdateCertificatePropertiesOptions, UpdateIssuerOptions,
};
pub use create::CreateCertificateResult;
pub use identifier::KeyVaultCertificateIdentifier;
pub use models::{
    AdministratorContact, CertificateContact, CertificateIssuer, CertificateOperation,
    CertificateOperationError, CertificateOperationStatus, CertificateProperties,
    DeletedCertificate, IssuerProperties, KeyVaultCertificate,
};
pub use policy::{
    CertificateContentType, CertificatePolicy, CertificatePolicyAction, KeyCurveName, KeyType,
    KeyUsageType, LifetimeAction, WellKnownIssuerNames,
};

/// The `azure_core` this crate is built on: its `ClientOptions`, `Request` (for
/// `send_request`) and credential traits, at the version the clients take.
pub use keyvault_core::azure_core;
pub use keyvault_core::{
    ApiVersion, DeletionRecoveryLevel, Error, ExposeSecret, Page, Pager, Poller, PollerStatus,
    Result, SecretBytes, SecretString,
};

#[cfg(test)]
mod wire_tests;
