//! The emulator in a test of your own: start it in-process, reach a vault over HTTPS with any
//! HTTP client and a real `azure_identity` token, then make it misbehave (throttling) and move
//! its clock, as a reliability test would.
//!
//! ```sh
//! cargo run -p keyvault-emulator --example in_process
//! ```
//!
//! With the Key Vault crates of this workspace you would hand `emulator.credential()` and
//! `emulator.client_options()` to a client instead of sending requests by hand.

use std::time::Duration;

use azure_core::credentials::TokenCredential;
use keyvault_emulator::{Emulator, EmulatorOptions, Fault};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let emulator = Emulator::start(EmulatorOptions::default()).await?;
    let vault = emulator.vault_url("in-process");
    println!("vault {vault}, token endpoint {}", emulator.endpoint());

    // A real client-secret credential, signing in at the emulator's token endpoint.
    let token = emulator
        .credential()
        .get_token(&["https://vault.azure.net/.default"], None)
        .await?;
    let bearer = format!("Bearer {}", token.token.secret());

    // Any HTTP client works; this one trusts the emulator's CA and resolves every host to it.
    let http = emulator.http_client();
    let url = format!("{vault}/secrets/greeting?api-version=2026-04-01");
    let set = http
        .put(&url)
        .header("Authorization", &bearer)
        .json(&serde_json::json!({ "value": "hello" }))
        .send()
        .await?;
    assert_eq!(set.status(), 200);
    println!("PUT  /secrets/greeting -> {}", set.status());

    // Without a token the vault answers with the challenge every Key Vault client expects.
    let anonymous = http.get(&url).send().await?;
    assert_eq!(anonymous.status(), 401);
    println!(
        "GET without a token -> {} ({})",
        anonymous.status(),
        anonymous
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    );

    // The next request is throttled, as a busy vault would.
    let control = emulator.control();
    control.inject_faults(
        Fault::Status {
            status: 429,
            retry_after: Duration::from_secs(2),
        },
        1,
    );
    let throttled = http
        .get(&url)
        .header("Authorization", &bearer)
        .send()
        .await?;
    assert_eq!(throttled.status(), 429);
    println!(
        "GET throttled -> {} (Retry-After {:?})",
        throttled.status(),
        throttled.headers().get("retry-after")
    );

    // Moving the clock past the token's expiry makes the vault refuse it.
    control.advance_clock(Duration::from_secs(2 * 3600));
    let expired = http
        .get(&url)
        .header("Authorization", &bearer)
        .send()
        .await?;
    assert_eq!(expired.status(), 401);
    println!(
        "GET two hours later -> {} (token expired)",
        expired.status()
    );

    println!("{} requests recorded", control.requests().len());
    emulator.shutdown().await;
    Ok(())
}
