//! Every long-running operation of `KeyVaultManagementClient` resumed from its continuation
//! token by a new client, against the emulator's ARM provider held in progress by its
//! operation latency; and the tokens that must be refused before anything is sent.

use crate::common::{
    arm_client, arm_client_at, fast, hsm_parameters, resume, standard_vault, Polling,
};
use keyvault_core::serde::base64url;
use keyvault_emulator::{Emulator, EmulatorOptions};
use mgmt_keyvault::{
    Error, KeyVaultManagementClient, ManagedHsmPatchParameters, Poller, PollerStatus,
    ProvisioningState, Result, VaultCreateOrUpdateParameters, VaultProvisioningState,
};
use std::{collections::HashMap, future::Future, time::Duration};

const SUBSCRIPTION: &str = "00000000-0000-0000-0000-000000000005";
const RG: &str = "resume-rg";
/// Long enough that no test outlives it by accident; the tests move the emulator clock past it.
const LATENCY: Duration = Duration::from_secs(600);

async fn emulator() -> Emulator {
    Emulator::start(EmulatorOptions {
        arm_operation_latency: LATENCY,
        ..Default::default()
    })
    .await
    .expect("emulator starts")
}

/// A new client each time: resuming must not depend on anything the first client kept.
fn client(emulator: &Emulator) -> KeyVaultManagementClient {
    arm_client(emulator, SUBSCRIPTION)
}

fn vault_parameters(emulator: &Emulator) -> VaultCreateOrUpdateParameters {
    VaultCreateOrUpdateParameters {
        tags: Some(HashMap::from([(
            "stage".to_string(),
            "resumed".to_string(),
        )])),
        ..standard_vault(emulator)
    }
}

/// Starts an operation on a client that is dropped afterwards, checks that it is in progress
/// and returns its token.
async fn started<T, O, F, Fut>(emulator: &Emulator, start: F) -> String
where
    T: Send + 'static,
    O: Polling,
    F: FnOnce(KeyVaultManagementClient, Option<O>) -> Fut,
    Fut: Future<Output = Result<Poller<T>>>,
{
    let mut poller = start(client(emulator), fast()).await.expect("started");
    assert_eq!(poller.poll().await.unwrap(), PollerStatus::InProgress);
    let token = poller.continuation_token();
    assert!(
        token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
        "URL-safe: {token}"
    );
    token
}

/// Resumes `token` on a new client: still in progress while the latency runs, finished once
/// the clock has passed it, and nothing but polls sent.
async fn resumed<T, O, F, Fut>(emulator: &Emulator, token: &str, start: F) -> T
where
    T: Send + 'static,
    O: Polling,
    F: FnOnce(KeyVaultManagementClient, Option<O>) -> Fut,
    Fut: Future<Output = Result<Poller<T>>>,
{
    let before = emulator.control().requests().len();
    let mut poller = start(client(emulator), resume(token))
        .await
        .expect("resumed");
    assert_eq!(
        poller.poll().await.unwrap(),
        PollerStatus::InProgress,
        "the latency holds the operation"
    );
    emulator.control().advance_clock(LATENCY);
    let result = poller.await.expect("finished");
    let sent = emulator.control().requests();
    assert!(
        sent[before..].iter().all(|r| r.method == "GET"),
        "only polls: {:?}",
        &sent[before..]
    );
    result
}

#[tokio::test]
async fn a_vault_creation_resumes_on_a_new_client() {
    let emulator = emulator().await;
    let parameters = vault_parameters(&emulator);
    let token = started(&emulator, |c, o| {
        let p = parameters.clone();
        async move { c.create_or_update_vault(RG, "resumed-vault", p, o).await }
    })
    .await;
    let vault = resumed(&emulator, &token, |c, o| async move {
        c.create_or_update_vault(RG, "resumed-vault", parameters, o)
            .await
    })
    .await;
    assert_eq!(vault.name, "resumed-vault");
    assert_eq!(vault.tags["stage"], "resumed");
    assert_eq!(
        vault.properties.provisioning_state,
        Some(VaultProvisioningState::Succeeded)
    );
    let got = client(&emulator)
        .get_vault(RG, "resumed-vault", None)
        .await
        .unwrap();
    assert_eq!(got, vault);

    // A PUT of an existing vault finishes at once; its token resumes to the vault too.
    let poller = client(&emulator)
        .create_or_update_vault(RG, "resumed-vault", vault_parameters(&emulator), fast())
        .await
        .unwrap();
    let token = poller.continuation_token();
    drop(poller);
    let again = client(&emulator)
        .create_or_update_vault(
            RG,
            "resumed-vault",
            vault_parameters(&emulator),
            resume(&token),
        )
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(again.id, vault.id);
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_vault_purge_resumes_on_a_new_client() {
    let emulator = emulator().await;
    emulator.control().set_arm_operation_latency(Duration::ZERO);
    client(&emulator)
        .create_or_update_vault(RG, "purged-vault", vault_parameters(&emulator), fast())
        .await
        .unwrap()
        .await
        .unwrap();
    client(&emulator)
        .delete_vault(RG, "purged-vault", None)
        .await
        .unwrap();
    emulator.control().set_arm_operation_latency(LATENCY);
    let token = started(&emulator, |c, o| async move {
        c.purge_deleted_vault("westus", "purged-vault", o).await
    })
    .await;
    // Still deleted, not yet purged.
    client(&emulator)
        .get_deleted_vault("westus", "purged-vault", None)
        .await
        .unwrap();
    resumed(&emulator, &token, |c, o| async move {
        c.purge_deleted_vault("westus", "purged-vault", o).await
    })
    .await;
    let err = client(&emulator)
        .get_deleted_vault("westus", "purged-vault", None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Service { status: 404, .. }), "{err}");
    emulator.shutdown().await;
}

#[tokio::test]
async fn every_managed_hsm_operation_resumes_on_a_new_client() {
    let emulator = emulator().await;
    let parameters = hsm_parameters(&emulator);

    let token = started(&emulator, |c, o| {
        let p = parameters.clone();
        async move {
            c.create_or_update_managed_hsm(RG, "resumed-hsm", p, o)
                .await
        }
    })
    .await;
    let hsm = resumed(&emulator, &token, |c, o| {
        let p = parameters.clone();
        async move {
            c.create_or_update_managed_hsm(RG, "resumed-hsm", p, o)
                .await
        }
    })
    .await;
    assert_eq!(
        hsm.properties.provisioning_state,
        Some(ProvisioningState::Succeeded)
    );
    assert!(hsm.properties.hsm_uri.is_some());

    let patch = ManagedHsmPatchParameters {
        tags: Some(HashMap::from([("slice".to_string(), "B".to_string())])),
        ..Default::default()
    };
    let token = started(&emulator, |c, o| {
        let p = patch.clone();
        async move { c.update_managed_hsm(RG, "resumed-hsm", p, o).await }
    })
    .await;
    let updated = resumed(&emulator, &token, |c, o| async move {
        c.update_managed_hsm(RG, "resumed-hsm", patch, o).await
    })
    .await;
    assert_eq!(updated.tags["slice"], "B");
    assert_eq!(
        updated.properties.provisioning_state,
        Some(ProvisioningState::Succeeded)
    );
    assert_eq!(
        client(&emulator)
            .get_managed_hsm(RG, "resumed-hsm", None)
            .await
            .unwrap(),
        updated
    );

    let token = started(&emulator, |c, o| async move {
        c.delete_managed_hsm(RG, "resumed-hsm", o).await
    })
    .await;
    resumed(&emulator, &token, |c, o| async move {
        c.delete_managed_hsm(RG, "resumed-hsm", o).await
    })
    .await;
    let deleted = client(&emulator)
        .get_deleted_managed_hsm("westus", "resumed-hsm", None)
        .await
        .unwrap();
    assert_eq!(deleted.name, "resumed-hsm");

    let token = started(&emulator, |c, o| async move {
        c.purge_deleted_managed_hsm("westus", "resumed-hsm", o)
            .await
    })
    .await;
    resumed(&emulator, &token, |c, o| async move {
        c.purge_deleted_managed_hsm("westus", "resumed-hsm", o)
            .await
    })
    .await;
    let err = client(&emulator)
        .get_deleted_managed_hsm("westus", "resumed-hsm", None)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Service { status: 404, .. }), "{err}");
    emulator.shutdown().await;
}

fn refused<T>(result: Result<T>) -> String {
    match result {
        Err(Error::InvalidArgument {
            argument: "continuation_token",
            message,
        }) => message,
        Err(other) => panic!("not an InvalidArgument: {other}"),
        Ok(_) => panic!("the token was accepted"),
    }
}

/// `token` with its JSON changed by `edit`, re-encoded as a client would encode it.
fn tampered(token: &str, edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut body: serde_json::Value =
        serde_json::from_slice(&base64url::decode(token).unwrap()).unwrap();
    edit(&mut body);
    base64url::encode(body.to_string().as_bytes())
}

#[tokio::test]
async fn malformed_foreign_and_mismatched_tokens_are_refused_before_sending() {
    let emulator = emulator().await;
    let parameters = vault_parameters(&emulator);
    let token = started(&emulator, |c, o| async move {
        c.create_or_update_vault(RG, "token-vault", parameters, o)
            .await
    })
    .await;
    let before = emulator.control().requests().len();
    let c = client(&emulator);
    let create = |name: &'static str, token: String| {
        let c = c.clone();
        let parameters = vault_parameters(&emulator);
        async move {
            c.create_or_update_vault(RG, name, parameters, resume(&token))
                .await
        }
    };

    for junk in ["", "x", "not a token", "eyJ2IjoxfQ"] {
        let message = refused(create("token-vault", junk.to_string()).await);
        assert!(message.contains("not a continuation token"), "{message}");
    }
    let to_evil = tampered(&token, |body| {
        let status = body["status"].as_str().unwrap().to_string();
        let host = status.split('/').nth(2).unwrap().to_string();
        body["status"] = status.replace(&host, "evil.example").into();
    });
    let message = refused(create("token-vault", to_evil).await);
    assert!(message.contains("evil.example"), "{message}");
    // A client of another endpoint (another port here) refuses the token of this one.
    let elsewhere = arm_client_at(&emulator, SUBSCRIPTION, "https://management.azure.com:1");
    let message = refused(
        elsewhere
            .create_or_update_vault(
                RG,
                "token-vault",
                vault_parameters(&emulator),
                resume(&token),
            )
            .await,
    );
    assert!(message.contains("points at"), "{message}");
    // The token of one vault does not resume another's creation, nor another operation.
    let message = refused(create("other-vault", token.clone()).await);
    assert!(message.contains("token-vault"), "{message}");
    let message = refused(
        c.purge_deleted_vault("westus", "token-vault", resume(&token))
            .await,
    );
    assert!(message.contains("Vaults_CreateOrUpdate"), "{message}");
    let message = refused(
        c.create_or_update_managed_hsm(
            RG,
            "token-vault",
            hsm_parameters(&emulator),
            resume(&token),
        )
        .await,
    );
    assert!(message.contains("Vaults_CreateOrUpdate"), "{message}");
    let message = refused(create("token-vault", tampered(&token, |b| b["v"] = 9.into())).await);
    assert!(message.contains("version 9"), "{message}");

    assert_eq!(
        emulator.control().requests().len(),
        before,
        "nothing was sent"
    );
    emulator.shutdown().await;
}
