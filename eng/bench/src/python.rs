//! The official Python SDK as a contender, driven by `python/get_secret.py` in a subprocess
//! against the same in-process emulator.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::env::Env;
use crate::measure::{merge, Sample};
use crate::{get::CONCURRENCIES, Config};

const SCRIPT: &str = include_str!("../python/get_secret.py");

/// A Python interpreter with the official SDK installed, and the files the script needs.
#[derive(Debug)]
pub struct Python {
    interpreter: PathBuf,
    /// The `azure-keyvault-secrets` version found.
    pub sdk_version: String,
    /// The emulator's CA certificate, written for `REQUESTS_CA_BUNDLE`.
    pub ca_file: PathBuf,
    script: PathBuf,
}

/// The conformance suite's virtual environment (created by `eng/conformance/python/run.sh`).
pub fn default_interpreter() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../conformance/python/.venv/bin/python")
}

impl Python {
    /// Finds the interpreter and the SDK, and writes the script and the CA certificate to a
    /// temporary folder. `Err` explains why the Python contender is skipped.
    pub fn find(interpreter: &Path, env: &Env) -> Result<Python, String> {
        if !interpreter.exists() {
            return Err(format!(
                "{} does not exist (run eng/conformance/python/run.sh once to create it)",
                interpreter.display()
            ));
        }
        let output = std::process::Command::new(interpreter)
            .args([
                "-c",
                "import azure.keyvault.secrets as s, azure.identity; print(s.__version__)",
            ])
            .output()
            .map_err(|e| format!("cannot run {}: {e}", interpreter.display()))?;
        if !output.status.success() {
            return Err(format!(
                "the official SDK is not importable with {}",
                interpreter.display()
            ));
        }
        let sdk_version = String::from_utf8_lossy(&output.stdout).trim().to_string();
        let dir = std::env::temp_dir().join(format!("keyvault-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let ca_file = dir.join("ca.pem");
        std::fs::write(&ca_file, env.emulator.ca_certificate_pem()).map_err(|e| e.to_string())?;
        let script = dir.join("get_secret.py");
        std::fs::write(&script, SCRIPT).map_err(|e| e.to_string())?;
        Ok(Python {
            interpreter: interpreter.to_path_buf(),
            sdk_version,
            ca_file,
            script,
        })
    }

    /// Runs `get_secret` at each concurrency; one merged sample per concurrency.
    pub async fn get_secret(
        &self,
        env: &Env,
        ca_file: &Path,
        vault: &str,
        name: &str,
        value: &str,
        config: &Config,
    ) -> Result<Vec<Sample>, String> {
        let runs: Vec<(usize, usize)> = CONCURRENCIES
            .iter()
            .map(|&c| {
                let total = if c == 1 {
                    config.python_ops_serial
                } else {
                    config.python_ops_concurrent
                };
                (c, total)
            })
            .collect();
        let argument = serde_json::json!({
            "vault_url": env.emulator.vault_url(vault),
            "authority": env.emulator.endpoint(),
            "tenant_id": env.emulator.tenant_id(),
            "client_id": env.emulator.client_id(),
            "client_secret": env.emulator.client_secret(),
            "name": name,
            "value": value,
            "runs": runs,
            "rounds": config.rounds,
        });
        let mut command = std::process::Command::new(&self.interpreter);
        command
            .arg(&self.script)
            .arg(argument.to_string())
            .env("REQUESTS_CA_BUNDLE", ca_file)
            .env("NO_PROXY", "*")
            .env("no_proxy", "*");
        let output = tokio::task::spawn_blocking(move || command.output())
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let tail: Vec<&str> = stderr.lines().rev().take(3).collect();
            return Err(format!("the script failed: {}", tail.join(" / ")));
        }
        let results: Vec<Vec<serde_json::Value>> =
            serde_json::from_slice(&output.stdout).map_err(|e| e.to_string())?;
        Ok(results
            .iter()
            .map(|rounds| {
                let samples: Vec<Sample> = rounds
                    .iter()
                    .map(|r| Sample {
                        throughput: r["throughput"].as_f64().unwrap_or(f64::NAN),
                        p50: Duration::from_secs_f64(r["p50"].as_f64().unwrap_or(0.0)),
                        p99: Duration::from_secs_f64(r["p99"].as_f64().unwrap_or(0.0)),
                        count: r["count"].as_u64().unwrap_or(0) as usize,
                        // Another process: not measured.
                        client_cpu: Duration::ZERO,
                        server_cpu: Duration::ZERO,
                        failures: (0, None),
                    })
                    .collect();
                merge(&samples)
            })
            .collect())
    }
}

impl Drop for Python {
    fn drop(&mut self) {
        if let Some(dir) = self.script.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}
