//! `keyvault-bench`: the Key Vault crates against the official Rust crates, raw reqwest and the
//! official Python SDK, all against one in-process emulator, in one run.
//!
//! ```text
//! cargo run --release -p keyvault-bench -- [--quick] [--out report.md] [options]
//! ```
//!
//! Sections: 1. `get_secret` throughput and latency at concurrency 1 and 32; 1b. the client
//! layer alone over an in-memory transport; 1c. the ladder from raw reqwest to the clients,
//! one layer per rung, with polls and wakes per call; 2. listing
//! secrets, time and peak client memory; 3. crypto (`get_key`, remote sign and decrypt, local
//! verify and encrypt against the bare RustCrypto primitives); 4. the first request of a fresh
//! client against a warm one; 5. `SecretCache` against uncached gets, its requests over time and
//! through an outage. The report is markdown, printed and written to `--out`.

mod alloc;
mod cache;
mod clients;
#[cfg(feature = "crypto")]
mod crypto;
mod env;
mod first;
mod get;
mod ladder;
mod list;
mod measure;
mod overhead;
mod python;
mod report;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use keyvault_emulator::{Emulator, EmulatorOptions};

use crate::report::{checks_table, Section};

#[global_allocator]
static ALLOCATOR: alloc::CountingAllocator = alloc::CountingAllocator;

const USAGE: &str = "\
keyvault-bench: Key Vault clients against one in-process emulator

USAGE: cargo run --release -p keyvault-bench -- [OPTIONS]

OPTIONS:
  --quick, --smoke        a fast smoke run (small counts, one round)
  --out PATH              also write the markdown report to PATH
  --rounds N              rounds per contender (default 3; --quick 1)
  --get-ops N             get_secret calls per round at concurrency 32 (default 20000)
  --get-ops-serial N      get_secret calls per round at concurrency 1 (default 3000)
  --list-items N          secrets in the large listing; the small one has N/10 (default 10000)
  --crypto-ops N          remote crypto calls per round (default 2000)
  --first N               fresh clients in the first-request section (default 20)
  --python PATH           Python with azure-keyvault-secrets (default: the conformance venv)
  --no-python             skip the Python SDK
  --only LIST             run only these sections, comma separated:
                          get,overhead,ladder,list,crypto,first,cache
  --rungs LIST            run only these rungs of the ladder (1-based, comma
                          separated), e.g. to profile one rung at a time
  -h, --help              this text
";

/// Iteration counts and switches.
#[derive(Debug, Clone)]
pub struct Config {
    /// A smoke run.
    pub quick: bool,
    /// Rounds per contender (get_secret, crypto).
    pub rounds: usize,
    /// get_secret calls per round at concurrency 1.
    pub get_ops_serial: usize,
    /// get_secret calls per round at concurrency 32.
    pub get_ops_concurrent: usize,
    /// Python get_secret calls per round at concurrency 1.
    pub python_ops_serial: usize,
    /// Python get_secret calls per round at concurrency 32.
    pub python_ops_concurrent: usize,
    /// Items of the large listing.
    pub list_items: usize,
    /// Listing rounds.
    pub list_rounds: usize,
    /// Remote crypto calls per round.
    pub crypto_ops: usize,
    /// Local crypto iterations.
    pub local_ops: usize,
    /// Fresh clients in section 4.
    pub first_iterations: usize,
    /// The Python interpreter, or `None` to skip Python.
    pub python: Option<PathBuf>,
    /// Where to write the report.
    pub out: Option<PathBuf>,
    /// Sections to run.
    pub only: Vec<String>,
    /// Rungs of the ladder to run (1-based); empty for all.
    pub rungs: Vec<usize>,
}

impl Config {
    fn parse(args: impl Iterator<Item = String>) -> Result<Config, String> {
        let args: Vec<String> = args.collect();
        let quick = args.iter().any(|a| a == "--quick" || a == "--smoke");
        let mut config = if quick {
            Config {
                quick,
                rounds: 1,
                get_ops_serial: 200,
                get_ops_concurrent: 1_200,
                python_ops_serial: 100,
                python_ops_concurrent: 300,
                list_items: 2_000,
                list_rounds: 1,
                crypto_ops: 200,
                local_ops: 300,
                first_iterations: 3,
                python: Some(python::default_interpreter()),
                out: None,
                only: Vec::new(),
                rungs: Vec::new(),
            }
        } else {
            Config {
                quick,
                rounds: 3,
                get_ops_serial: 3_000,
                get_ops_concurrent: 20_000,
                python_ops_serial: 1_000,
                python_ops_concurrent: 2_000,
                list_items: 10_000,
                list_rounds: 3,
                crypto_ops: 2_000,
                local_ops: 3_000,
                first_iterations: 20,
                python: Some(python::default_interpreter()),
                out: None,
                only: Vec::new(),
                rungs: Vec::new(),
            }
        };
        let mut i = 0;
        while i < args.len() {
            let arg = args[i].as_str();
            let mut value = || {
                i += 1;
                args.get(i)
                    .cloned()
                    .ok_or_else(|| format!("{arg} needs a value"))
            };
            let number = |v: String| -> Result<usize, String> {
                v.parse::<usize>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("{arg}: not a positive number: {v}"))
            };
            match arg {
                "--quick" | "--smoke" => {}
                "--out" => config.out = Some(PathBuf::from(value()?)),
                "--rounds" => {
                    config.rounds = number(value()?)?;
                    config.list_rounds = config.rounds;
                }
                "--get-ops" => config.get_ops_concurrent = number(value()?)?,
                "--get-ops-serial" => config.get_ops_serial = number(value()?)?,
                "--list-items" => {
                    config.list_items = number(value()?)?;
                    if config.list_items < 10 {
                        return Err("--list-items must be at least 10".into());
                    }
                }
                "--crypto-ops" => config.crypto_ops = number(value()?)?,
                "--first" => config.first_iterations = number(value()?)?,
                "--python" => config.python = Some(PathBuf::from(value()?)),
                "--no-python" => config.python = None,
                "--only" => {
                    config.only = value()?.split(',').map(|s| s.trim().to_string()).collect()
                }
                "--rungs" => {
                    config.rungs = value()?
                        .split(',')
                        .map(|s| number(s.trim().to_string()))
                        .collect::<Result<_, _>>()?
                }
                "-h" | "--help" => return Err(String::new()),
                other => return Err(format!("unknown argument {other:?}")),
            }
            i += 1;
        }
        Ok(config)
    }

    fn runs(&self, section: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|s| s == section)
    }
}

fn main() {
    let config = match Config::parse(std::env::args().skip(1)) {
        Ok(config) => config,
        Err(message) => {
            if message.is_empty() {
                print!("{USAGE}");
                return;
            }
            eprintln!("error: {message}\n\n{USAGE}");
            std::process::exit(2);
        }
    };
    match run(config) {
        Ok(()) => {}
        Err(message) => {
            eprintln!("keyvault-bench failed: {message}");
            std::process::exit(1);
        }
    }
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".to_string())
}

fn run(config: Config) -> Result<(), String> {
    // The emulator gets a runtime of its own, whose threads the allocator does not count.
    let emulator_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("emulator")
        .on_thread_start(alloc::ignore_this_thread)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let client_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("client")
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;

    let emulator = emulator_runtime
        .block_on(Emulator::start(EmulatorOptions::default()))
        .map_err(|e| format!("emulator: {e}"))?;
    let load_before = load_average();
    let started = Instant::now();

    let result = client_runtime.block_on(async {
        let env = Arc::new(env::Env::new(emulator).await?);
        let python = match &config.python {
            Some(interpreter) => match python::Python::find(interpreter, &env) {
                Ok(python) => Ok(python),
                Err(why) => Err(why),
            },
            None => Err("--no-python".to_string()),
        };
        let mut sections: Vec<Section> = Vec::new();
        if config.runs("get") {
            eprintln!("keyvault-bench: 1. get_secret ...");
            let mut section = get::section(&env, &config, python.as_ref().ok()).await?;
            if let Err(why) = &python {
                section
                    .markdown
                    .push_str(&format!("\nPython SDK not run: {why}.\n"));
            }
            sections.push(section);
        }
        if config.runs("overhead") {
            eprintln!("keyvault-bench: 1b. client layer alone ...");
            sections.push(overhead::section(&env, &config).await?);
        }
        if config.runs("ladder") {
            eprintln!("keyvault-bench: 1c. the ladder ...");
            sections.push(ladder::section(&env, &config).await?);
        }
        if config.runs("list") {
            eprintln!("keyvault-bench: 2. listing ...");
            sections.push(list::section(&env, &config).await?);
        }
        if config.runs("crypto") {
            eprintln!("keyvault-bench: 3. crypto ...");
            sections.push(crypto_section(&env, &config).await?);
        }
        if config.runs("first") {
            eprintln!("keyvault-bench: 4. first request ...");
            sections.push(first::section(&env, &config).await?);
        }
        if config.runs("cache") {
            eprintln!("keyvault-bench: 5. secret cache ...");
            sections.push(cache::section(&env, &config).await?);
        }
        drop(python);
        let env = Arc::try_unwrap(env).map_err(|_| "the environment is still shared")?;
        Ok::<_, String>((sections, env))
    });
    let (sections, env) = result?;
    emulator_runtime.block_on(env.emulator.shutdown());

    let load_after = load_average();
    let mut report = format!(
        "# keyvault-bench report\n\n\
         - mode: {} ({} round(s))\n\
         - machine: {} CPU(s); load average (1, 5, 15 min) before: {load_before}; after: {load_after}\n\
         - one in-process emulator (HTTPS, HTTP/2, its own 2-thread runtime); clients on a 2-thread runtime\n\
         - RUST_BACKTRACE: {} (when set, azure_core captures a backtrace for every error it builds, \
         including the one its ClientRequestIdPolicy builds and drops on every request without \
         an `x-ms-client-request-id`)\n\
         - duration: {:.1} s\n\n\
         Timings are trustworthy only when the load average was well under 1 before and after.\n\n",
        if config.quick { "--quick (smoke: figures are indicative only)" } else { "full" },
        config.rounds,
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        std::env::var("RUST_BACKTRACE")
            .map(|v| format!("`{v}`"))
            .unwrap_or_else(|_| "unset".to_string()),
        started.elapsed().as_secs_f64()
    );
    let checks: Vec<_> = sections.iter().flat_map(|s| s.checks.clone()).collect();
    if !checks.is_empty() {
        report.push_str("## Targets\n\n");
        report.push_str(&checks_table(&checks));
        report.push('\n');
    }
    for section in &sections {
        report.push_str(&section.markdown);
        report.push('\n');
    }
    print!("{report}");
    if let Some(out) = &config.out {
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(out, &report).map_err(|e| format!("{}: {e}", out.display()))?;
        eprintln!("keyvault-bench: report written to {}", out.display());
    }
    Ok(())
}

#[cfg(feature = "crypto")]
async fn crypto_section(env: &Arc<env::Env>, config: &Config) -> Result<Section, String> {
    crypto::section(env, config).await
}

#[cfg(not(feature = "crypto"))]
async fn crypto_section(_env: &Arc<env::Env>, _config: &Config) -> Result<Section, String> {
    Ok(Section {
        markdown: "## 3. Crypto\n\nNot measured: built without the `crypto` feature \
                   (keyvault-keys).\n"
            .to_string(),
        checks: Vec::new(),
    })
}
