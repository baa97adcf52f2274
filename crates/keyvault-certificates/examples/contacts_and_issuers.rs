//! Certificate contacts (who Key Vault emails about expiring certificates) and issuers (the
//! certificate authority accounts Key Vault orders certificates from): set, read, update, list
//! and delete them. The vault's own contacts are put back at the end.
//!
//! Runs against an emulator started in this process, or against your vault when
//! `AZURE_KEYVAULT_URL=https://{vault}.vault.azure.net` is set (signed in with `az login`):
//!
//! ```sh
//! cargo run -p keyvault-certificates --example contacts_and_issuers
//! ```

use futures::TryStreamExt;
use keyvault_certificates::{
    AdministratorContact, CertificateClient, CertificateClientOptions, CertificateContact,
    CreateIssuerOptions, SecretString, UpdateIssuerOptions,
};
use keyvault_emulator::Target;

type Error = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let target = Target::from_env("contacts-and-issuers").await?;
    let client = CertificateClient::new(
        target.require_vault()?,
        target.credential.clone(),
        Some(CertificateClientOptions {
            client_options: target.client_options.clone(),
            ..Default::default()
        }),
    )?;
    let suffix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();

    // Contacts are one list per vault: keep the current one to put it back afterwards.
    let previous = match client.get_contacts(None).await {
        Ok(contacts) => contacts,
        Err(e) if e.is_not_found() => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    let contacts = vec![
        CertificateContact {
            email: Some("admin@contoso.com".into()),
            name: Some("John Doe".into()),
            phone: Some("1111111111".into()),
        },
        CertificateContact {
            email: Some("admin2@contoso.com".into()),
            name: Some("John Doe2".into()),
            phone: Some("2222222222".into()),
        },
    ];
    let set = client.set_contacts(&contacts, None).await?;
    println!("set      {} contacts", set.len());
    let got = client.get_contacts(None).await?;
    for contact in &got {
        println!("         {:?} <{:?}>", contact.name, contact.email);
    }
    assert_eq!(got, contacts);
    let deleted = client.delete_contacts(None).await?;
    println!("deleted  {} contacts", deleted.len());
    if !previous.is_empty() {
        client.set_contacts(&previous, None).await?;
        println!("restored the vault's {} contacts", previous.len());
    }

    // An issuer: the provider, your account there (its password is a `SecretString`, never
    // printed) and the organization's administrators.
    let issuer_name = format!("issuer-{suffix}");
    let admins = vec![AdministratorContact {
        first_name: Some("John".into()),
        last_name: Some("Doe".into()),
        email: Some("admin@contoso.com".into()),
        phone: Some("4255555555".into()),
    }];
    let issuer = client
        .create_issuer(
            &issuer_name,
            "Test",
            Some(CreateIssuerOptions {
                enabled: Some(true),
                account_id: Some("keyvaultuser".into()),
                password: Some(SecretString::new("issuer-account-password")),
                organization_id: Some("contoso".into()),
                admin_contacts: Some(admins.clone()),
                ..Default::default()
            }),
        )
        .await?;
    println!(
        "create   issuer {} ({:?}), account {:?}",
        issuer.name(),
        issuer.properties.provider,
        issuer.account_id
    );
    assert_eq!(issuer.admin_contacts, admins);

    let issuer = client.get_issuer(&issuer_name, None).await?;
    println!(
        "get      issuer {}, enabled {:?}",
        issuer.name(),
        issuer.enabled
    );
    assert_eq!(issuer.account_id.as_deref(), Some("keyvaultuser"));

    // Only what is set changes.
    let issuer = client
        .update_issuer(
            &issuer_name,
            Some(UpdateIssuerOptions {
                enabled: Some(false),
                account_id: Some("otheruser".into()),
                ..Default::default()
            }),
        )
        .await?;
    println!(
        "update   issuer {}: enabled {:?}, account {:?}",
        issuer.name(),
        issuer.enabled,
        issuer.account_id
    );
    assert_eq!(issuer.enabled, Some(false));
    assert_eq!(issuer.admin_contacts, admins, "unchanged by the update");

    let issuers: Vec<_> = client
        .list_properties_of_issuers(None)?
        .try_collect()
        .await?;
    println!("list     {} issuers", issuers.len());
    assert!(issuers.iter().any(|i| i.name == issuer_name));

    // Issuers are deleted at once: there is no soft delete for them.
    let deleted = client.delete_issuer(&issuer_name, None).await?;
    println!("delete   issuer {}", deleted.name());
    Ok(())
}
