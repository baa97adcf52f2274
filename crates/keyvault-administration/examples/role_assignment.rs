//! Role-based access control of a Managed HSM: list the role definitions, assign the built-in
//! "Managed HSM Crypto User" role to a principal for every key (`/keys`), read the assignment
//! back, list the assignments, and delete it.
//!
//! Runs against an emulator started in this process:
//!
//! ```sh
//! cargo run -p keyvault-administration --example role_assignment
//! ```
//!
//! or against your Managed HSM (signed in with `az login` as one of its administrators), giving
//! the object id of the user, group or service principal to assign the role to:
//!
//! ```sh
//! AZURE_MANAGEDHSM_URL=https://{hsm}.managedhsm.azure.net \
//! AZURE_PRINCIPAL_ID=$(az ad signed-in-user show --query id -o tsv) \
//!     cargo run -p keyvault-administration --example role_assignment
//! ```

use futures::TryStreamExt;
use keyvault_administration::{
    AdministrationClientOptions, KeyVaultAccessControlClient, KeyVaultRoleScope,
};
use keyvault_emulator::Target;

/// The built-in role assigned here.
const CRYPTO_USER: &str = "Managed HSM Crypto User";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let target = Target::from_env("role-assignment").await?;
    let client = KeyVaultAccessControlClient::new(
        target.require_managed_hsm()?,
        target.credential.clone(),
        Some(AdministrationClientOptions {
            client_options: target.client_options.clone(),
            ..Default::default()
        }),
    )?;
    // Whom to give the role: any principal id will do on the emulator.
    let principal_id = match std::env::var("AZURE_PRINCIPAL_ID") {
        Ok(id) if !id.trim().is_empty() => id,
        _ if target.emulator.is_some() => "6f0c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f".to_owned(),
        _ => return Err("set AZURE_PRINCIPAL_ID to the object id to assign the role to".into()),
    };

    // The roles that can be assigned at the HSM's root, built in and custom.
    let mut crypto_user = None;
    let mut definitions = client.list_role_definitions(&KeyVaultRoleScope::Global, None)?;
    while let Some(definition) = definitions.try_next().await? {
        println!("role {} ({})", definition.role_name, definition.name);
        if definition.role_name == CRYPTO_USER {
            crypto_user = Some(definition);
        }
    }
    let crypto_user = crypto_user.ok_or("the HSM has no Managed HSM Crypto User role")?;

    // Assign it for every key. The assignment's name is a new GUID unless you choose one.
    let scope = KeyVaultRoleScope::Keys;
    let assignment = client
        .create_role_assignment(&scope, &crypto_user.id, &principal_id, None)
        .await?;
    println!(
        "assigned {CRYPTO_USER} to {} at {}: assignment {}",
        assignment.properties.principal_id, assignment.properties.scope, assignment.name
    );

    // Read it back, and find it among the assignments at that scope.
    let got = client
        .get_role_assignment(&scope, &assignment.name, None)
        .await?;
    assert_eq!(got.properties.role_definition_id, crypto_user.id);
    assert_eq!(got.properties.principal_id, principal_id);
    let assignments: Vec<_> = client
        .list_role_assignments(&scope, None)?
        .try_collect()
        .await?;
    println!("{} role assignments at {scope}", assignments.len());
    assert!(assignments.iter().any(|a| a.name == assignment.name));

    // Clean up.
    client
        .delete_role_assignment(&scope, &assignment.name, None)
        .await?;
    println!("deleted assignment {}", assignment.name);
    Ok(())
}
