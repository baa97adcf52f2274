//! The `keyvault-emulator` binary: runs the emulator until SIGINT or SIGTERM.

use std::io::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use keyvault_emulator::{Emulator, EmulatorOptions};

const USAGE: &str = "Usage: keyvault-emulator [--bind ADDR] [--cert-out PATH] [--tenant-id ID] \
[--client-id ID] [--client-secret SECRET] [--delete-latency-ms MS] \
[--certificate-latency-ms MS] [--backup-dir PATH] [--admin-job-latency-ms MS] \
[--arm-operation-latency-ms MS] [--state-dir DIR] [--import FILE]

A local Azure Key Vault over HTTPS. When ready it prints one line, `keyvault-emulator listening
on https://localhost:{port}`, and runs until SIGINT or SIGTERM. Flags take `--flag VALUE` or
`--flag=VALUE`.

  --bind ADDR              address to listen on (default 127.0.0.1:8443; port 0 picks a free port)
  --cert-out PATH          write the PEM of the CA certificate that clients must trust (default:
                           not written; it is also served at GET /_emulator/ca.pem)
  --tenant-id ID           tenant of the token endpoint
                           (default 6d4a3f6e-5b2c-4e8e-9f3a-1c2b3d4e5f60)
  --client-id ID           the only client id the token endpoint accepts
                           (default keyvault-emulator-client)
  --client-secret SECRET   that client's secret (default keyvault-emulator-secret)
  --delete-latency-ms MS   how long deletions and recoveries take (default 0)
  --certificate-latency-ms MS
                           how long a self-signed certificate request stays in progress (default 0)
  --backup-dir PATH        folder standing in for blob storage in Managed HSM backups
                           (default: a new folder under the temporary directory)
  --admin-job-latency-ms MS
                           how long Managed HSM backup and restore jobs stay in progress (default 0)
  --arm-operation-latency-ms MS
                           how long, at the least, asynchronous ARM operations stay in progress
                           (default 0)
  --state-dir DIR          keep the state (vaults, HSMs, ARM resources, clock, CA, keys) in
                           DIR/state.sqlite3 across restarts; every write answered with a 2xx is
                           stored first (default: in memory only)
  --import FILE            add the vaults, secrets, keys and certificates of the JSON fixture FILE
                           (the format of GET /_emulator/export; see the README) at start
                           (default: none)
  -h, --help               print this help";

struct Args {
    options: EmulatorOptions,
    cert_out: Option<String>,
    import: Option<String>,
}

/// A `--...-ms` flag's value as a duration.
fn millis(flag: &str, value: &str) -> Result<Duration, String> {
    let ms: u64 = value.parse().map_err(|e| format!("{flag} {value}: {e}"))?;
    Ok(Duration::from_millis(ms))
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut options = EmulatorOptions {
        bind: SocketAddr::from(([127, 0, 0, 1], 8443)),
        ..EmulatorOptions::default()
    };
    let mut cert_out = None;
    let mut import = None;
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        if flag == "--help" || flag == "-h" {
            return Err(String::new());
        }
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--bind" => {
                let v = value()?;
                options.bind = v.parse().map_err(|e| format!("--bind {v}: {e}"))?;
            }
            "--cert-out" => cert_out = Some(value()?),
            "--tenant-id" => options.tenant_id = value()?,
            "--client-id" => options.client_id = value()?,
            "--client-secret" => options.client_secret = value()?,
            "--delete-latency-ms" => options.delete_latency = millis(&flag, &value()?)?,
            "--certificate-latency-ms" => options.certificate_latency = millis(&flag, &value()?)?,
            "--backup-dir" => options.backup_dir = Some(value()?.into()),
            "--state-dir" => options.state_dir = Some(value()?.into()),
            "--import" => import = Some(value()?),
            "--admin-job-latency-ms" => options.admin_job_latency = millis(&flag, &value()?)?,
            "--arm-operation-latency-ms" => {
                options.arm_operation_latency = millis(&flag, &value()?)?
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(Args {
        options,
        cert_out,
        import,
    })
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            if message.is_empty() {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            eprintln!("keyvault-emulator: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let emulator = match Emulator::start(args.options).await {
        Ok(emulator) => emulator,
        Err(e) => {
            eprintln!("keyvault-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(path) = &args.import {
        let imported = std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|text| serde_json::from_str(&text).map_err(|e| e.to_string()))
            .and_then(|document| emulator.control().import(&document));
        if let Err(e) = imported {
            eprintln!("keyvault-emulator: cannot import {path}: {e}");
            return ExitCode::FAILURE;
        }
    }
    if let Some(path) = &args.cert_out {
        if let Err(e) = std::fs::write(path, emulator.ca_certificate_pem()) {
            eprintln!("keyvault-emulator: cannot write {path}: {e}");
            return ExitCode::FAILURE;
        }
    }
    let mut stdout = std::io::stdout();
    let _ = writeln!(
        stdout,
        "keyvault-emulator listening on {}",
        emulator.endpoint()
    );
    let _ = stdout.flush();
    wait_for_signal().await;
    emulator.shutdown().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, String> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn parses_flags() {
        let args = parse(&[
            "--bind",
            "127.0.0.1:0",
            "--cert-out=/tmp/x.pem",
            "--delete-latency-ms",
            "250",
            "--arm-operation-latency-ms=1500",
        ])
        .unwrap();
        assert_eq!(args.options.bind.port(), 0);
        assert_eq!(args.cert_out.as_deref(), Some("/tmp/x.pem"));
        assert_eq!(args.options.delete_latency, Duration::from_millis(250));
        assert_eq!(
            args.options.arm_operation_latency,
            Duration::from_millis(1500)
        );
        assert!(parse(&["--arm-operation-latency-ms", "soon"]).is_err());
        assert_eq!(parse(&[]).unwrap().options.bind.port(), 8443);
        assert!(parse(&["--nope"]).is_err());
        assert!(parse(&["--bind"]).is_err());
    }

    /// Every flag `parse_args` accepts has a line of its own in the help, and the defaults the
    /// help states are the library's.
    #[test]
    fn help_documents_every_flag() {
        let source = include_str!("main.rs");
        let parser = &source[source.find("fn parse_args").unwrap()
            ..source.find("async fn wait_for_signal").unwrap()];
        let flags: Vec<&str> = parser
            .split('"')
            .filter(|s| s.starts_with("--") && s.len() > 2 && !s.contains(char::is_whitespace))
            .collect();
        assert!(flags.len() >= 11, "{flags:?}");
        for flag in flags {
            assert!(
                USAGE.lines().any(|l| l.trim_start().starts_with(flag)
                    || l.trim_start().starts_with(&format!("-h, {flag}"))),
                "{flag} has no line in USAGE"
            );
        }
        for default in [
            keyvault_emulator::DEFAULT_TENANT_ID,
            keyvault_emulator::DEFAULT_CLIENT_ID,
            keyvault_emulator::DEFAULT_CLIENT_SECRET,
        ] {
            assert!(
                USAGE.contains(default),
                "{default} is not the help's default"
            );
        }
        assert!(parse(&["--help"]).is_err_and(|m| m.is_empty()));
    }
}
