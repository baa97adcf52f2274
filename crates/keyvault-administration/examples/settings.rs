//! Account settings of a Managed HSM: list them, read one, and change it (then put it back).
//!
//! Runs against an emulator started in this process:
//!
//! ```sh
//! cargo run -p keyvault-administration --example settings
//! ```
//!
//! or against your Managed HSM (signed in with `az login` as one of its administrators):
//!
//! ```sh
//! AZURE_MANAGEDHSM_URL=https://{hsm}.managedhsm.azure.net \
//!     cargo run -p keyvault-administration --example settings
//! ```

use keyvault_administration::{
    AdministrationClientOptions, KeyVaultSetting, KeyVaultSettingsClient,
};
use keyvault_emulator::Target;

/// Whether keys may be managed through Azure Resource Manager as well as the data plane.
const SETTING: &str = "AllowKeyManagementOperationsThroughARM";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let target = Target::from_env("settings").await?;
    let client = KeyVaultSettingsClient::new(
        target.require_managed_hsm()?,
        target.credential.clone(),
        Some(AdministrationClientOptions {
            client_options: target.client_options.clone(),
            ..Default::default()
        }),
    )?;

    // Every setting, in one answer.
    for setting in client.list_settings(None).await? {
        println!(
            "{} = {} ({:?})",
            setting.name, setting.value, setting.setting_type
        );
    }

    // One setting; a boolean one reads as a bool.
    let setting = client.get_setting(SETTING, None).await?;
    let before = setting
        .as_bool()
        .ok_or("AllowKeyManagementOperationsThroughARM is not a boolean")?;
    println!("{SETTING} is {before}");

    // Change it, then put it back as it was.
    let updated = client
        .update_setting(&KeyVaultSetting::boolean(SETTING, !before), None)
        .await?;
    println!("{SETTING} is now {}", updated.value);
    assert_eq!(updated.as_bool(), Some(!before));
    assert_eq!(
        client.get_setting(SETTING, None).await?.as_bool(),
        Some(!before)
    );
    client
        .update_setting(&KeyVaultSetting::boolean(SETTING, before), None)
        .await?;
    println!("{SETTING} is back to {before}");
    Ok(())
}
