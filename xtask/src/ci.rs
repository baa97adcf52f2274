//! `cargo xtask ci`: the CI pipeline as an ordered list of named steps.
//!
//! Steps, in order:
//!
//! | step            | command(s)                                                                 |
//! |-----------------|----------------------------------------------------------------------------|
//! | `fmt`           | `cargo fmt --all --check`                                                  |
//! | `clippy`        | `cargo clippy --workspace --all-targets -- -D warnings`, and the feature sets of `keyvault-keys` and `keyvault-secrets` that the workspace build does not cover |
//! | `test`          | `cargo nextest run --workspace` + `cargo test --workspace --doc` when cargo-nextest is installed, else `cargo test --workspace`; then keyvault-secrets' `config_providers` tests with `--all-features` |
//! | `doc`           | `cargo doc --workspace --no-deps`, and `-p keyvault-secrets --all-features`, with `RUSTDOCFLAGS=-D warnings` |
//! | `tour`          | `cargo run --quiet -p keyvault-tour`                                        |
//! | `examples`      | `cargo build --workspace --examples --all-features`, then `cargo run -p P --all-features --example E` for every `crates/P/examples/E.rs`, against the embedded emulator (all features, so that examples of optional features run too) |
//! | `release-check` | `cargo xtask release check`                                                |
//! | `publish-dry-run` | `cargo xtask release publish --allow-dirty`: `cargo publish --dry-run` of every publishable crate in dependency order, each built from its packaged sources against the packages before it |
//! | `install-emulator` | `cargo install --locked --debug --path crates/keyvault-emulator --root T/install-emulator` (in the workspace's target dir), then `T/install-emulator/bin/keyvault-emulator --help` must exit 0 and print its usage (`T`: the target dir) |
//! | `bench`         | a `--quick` smoke run of `keyvault-bench`                                  |
//! | `conformance:X` | `bash eng/conformance/X/run.sh`, one step per suite directory that has a `run.sh` |
//!
//! Each step prints a header and its duration; the run stops at the first
//! failing step (exiting with that step's exit code) and always ends with a
//! summary table. `--skip STEP` and `--only STEP` (both repeatable) select
//! steps; `conformance` matches every `conformance:*` step.
//!
//! Building the step list and selecting steps are pure functions, unit-tested
//! below; only [`run`] spawns processes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::{cargo_bin, Error, Result};

/// One command of a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepCommand {
    /// Program to run (`cargo`, `bash`).
    pub program: String,
    /// Arguments.
    pub args: Vec<String>,
    /// Extra environment variables.
    pub env: Vec<(String, String)>,
    /// When set, the command's standard output must contain this text.
    pub expect_stdout: Option<String>,
}

impl StepCommand {
    fn new(program: &str, args: &[&str]) -> Self {
        StepCommand {
            program: program.to_owned(),
            args: args.iter().map(|s| (*s).to_owned()).collect(),
            env: Vec::new(),
            expect_stdout: None,
        }
    }

    fn expecting_stdout(mut self, text: &str) -> Self {
        self.expect_stdout = Some(text.to_owned());
        self
    }

    fn with_env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    /// Shell-like rendering for headers and logs.
    pub fn display(&self) -> String {
        let mut out = String::new();
        for (k, v) in &self.env {
            let _ = write!(out, "{k}={} ", shell_quote(v));
        }
        let program = Path::new(&self.program)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.program.clone());
        out.push_str(&program);
        for a in &self.args {
            out.push(' ');
            out.push_str(&shell_quote(a));
        }
        out
    }
}

fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:@+,".contains(c))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// A named CI step made of one or more commands run in sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Name used by `--skip` / `--only` and in the summary.
    pub name: String,
    /// Commands, run in order; the step fails at the first failing command.
    pub commands: Vec<StepCommand>,
}

/// The cargo target directory: `$CARGO_TARGET_DIR` (relative to `root`
/// when relative), else `<root>/target`.
pub fn target_dir(root: &Path, env: Option<&str>) -> PathBuf {
    match env.filter(|d| !d.is_empty()) {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

/// Builds the full, ordered list of CI steps.
///
/// `cargo` is the cargo binary to invoke, `nextest` whether cargo-nextest is
/// available, `target` the cargo target directory, `examples` the crates'
/// examples (see [`examples`]) and `conformance_suites` the suite names
/// (directory names under `eng/conformance` that contain a `run.sh`).
pub fn steps(
    cargo: &str,
    nextest: bool,
    root: &Path,
    target: &Path,
    examples: &[Example],
    conformance_suites: &[String],
) -> Vec<Step> {
    let install_root = target.join("install-emulator");
    let install_root = install_root.to_string_lossy();
    let emulator_bin = target
        .join("install-emulator")
        .join("bin")
        .join("keyvault-emulator");
    let mut steps = vec![
        Step {
            name: "fmt".into(),
            commands: vec![StepCommand::new(cargo, &["fmt", "--all", "--check"])],
        },
        Step {
            name: "clippy".into(),
            commands: vec![
                StepCommand::new(
                    cargo,
                    &[
                        "clippy",
                        "--workspace",
                        "--all-targets",
                        "--",
                        "-D",
                        "warnings",
                    ],
                ),
                // Remote-only users drop the crypto crates; that build must stay clean too.
                StepCommand::new(
                    cargo,
                    &[
                        "clippy",
                        "-p",
                        "keyvault-keys",
                        "--no-default-features",
                        "--all-targets",
                        "--",
                        "-D",
                        "warnings",
                    ],
                ),
                // keyvault-secrets: the configuration providers (features `figment`, `config`)
                // and the build without the cache.
                StepCommand::new(
                    cargo,
                    &[
                        "clippy",
                        "-p",
                        "keyvault-secrets",
                        "--all-features",
                        "--all-targets",
                        "--",
                        "-D",
                        "warnings",
                    ],
                ),
                StepCommand::new(
                    cargo,
                    &[
                        "clippy",
                        "-p",
                        "keyvault-secrets",
                        "--no-default-features",
                        "--all-targets",
                        "--",
                        "-D",
                        "warnings",
                    ],
                ),
            ],
        },
        Step {
            name: "test".into(),
            commands: if nextest {
                vec![
                    // nextest does not run doctests, hence the second command.
                    StepCommand::new(cargo, &["nextest", "run", "--workspace", "--no-tests=warn"]),
                    StepCommand::new(cargo, &["test", "--workspace", "--doc"]),
                    // The tests of keyvault-secrets' optional configuration providers.
                    StepCommand::new(
                        cargo,
                        &[
                            "nextest",
                            "run",
                            "-p",
                            "keyvault-secrets",
                            "--all-features",
                            "--no-tests=warn",
                            "config_providers",
                        ],
                    ),
                ]
            } else {
                vec![
                    StepCommand::new(cargo, &["test", "--workspace"]),
                    StepCommand::new(
                        cargo,
                        &[
                            "test",
                            "-p",
                            "keyvault-secrets",
                            "--all-features",
                            "config_providers",
                        ],
                    ),
                ]
            },
        },
        Step {
            name: "doc".into(),
            commands: vec![
                StepCommand::new(cargo, &["doc", "--workspace", "--no-deps"])
                    .with_env("RUSTDOCFLAGS", "-D warnings"),
                StepCommand::new(
                    cargo,
                    &[
                        "doc",
                        "-p",
                        "keyvault-secrets",
                        "--all-features",
                        "--no-deps",
                    ],
                )
                .with_env("RUSTDOCFLAGS", "-D warnings"),
            ],
        },
        Step {
            // The README's main job: the tour against the embedded emulator.
            name: "tour".into(),
            commands: vec![StepCommand::new(
                cargo,
                &["run", "--quiet", "-p", "keyvault-tour"],
            )],
        },
        Step {
            // Every example of every crate runs, against the embedded emulator: they are the
            // first code a user copies. One build first, so the examples link in parallel.
            name: "examples".into(),
            commands: std::iter::once(StepCommand::new(
                cargo,
                // All features: an example of an optional feature declares it in
                // `required-features` and runs too.
                &[
                    "build",
                    "--quiet",
                    "--workspace",
                    "--examples",
                    "--all-features",
                ],
            ))
            .chain(examples.iter().map(|e| {
                StepCommand::new(
                    cargo,
                    &[
                        "run",
                        "--quiet",
                        "-p",
                        &e.package,
                        "--all-features",
                        "--example",
                        &e.name,
                    ],
                )
                // The examples run against the emulator, whatever the caller's environment.
                .with_env("AZURE_KEYVAULT_URL", "")
                .with_env("AZURE_MANAGEDHSM_URL", "")
                .with_env("AZURE_SUBSCRIPTION_ID", "")
            }))
            .collect(),
        },
        Step {
            // Every publishable crate stays publishable: metadata, README, CHANGELOG, and no
            // dependency that would block `cargo publish`.
            name: "release-check".into(),
            commands: vec![StepCommand::new(
                cargo,
                &["run", "--quiet", "-p", "xtask", "--", "release", "check"],
            )],
        },
        Step {
            // Every publishable crate packages and builds from its packaged sources against the
            // packages before it. `--allow-dirty`: packaging, not the git state, is on trial.
            name: "publish-dry-run".into(),
            commands: vec![StepCommand::new(
                cargo,
                &[
                    "run",
                    "--quiet",
                    "-p",
                    "xtask",
                    "--",
                    "release",
                    "publish",
                    "--allow-dirty",
                ],
            )],
        },
        Step {
            // `cargo install keyvault-emulator` keeps working: the binary builds with the locked
            // dependencies and answers `--help`. `--debug` proves the same build in a fraction
            // of the release build's time, and in the workspace's target dir it is the build the
            // conformance suites run, made once.
            name: "install-emulator".into(),
            commands: vec![
                StepCommand::new(
                    cargo,
                    &[
                        "install",
                        "--locked",
                        "--debug",
                        "--path",
                        "crates/keyvault-emulator",
                        "--root",
                        &install_root,
                    ],
                ),
                StepCommand {
                    program: emulator_bin.to_string_lossy().into_owned(),
                    args: vec!["--help".into()],
                    env: Vec::new(),
                    expect_stdout: None,
                }
                .expecting_stdout("Usage: keyvault-emulator"),
            ],
        },
        Step {
            // A smoke run keeps the benchmark command working from a fresh clone; its
            // figures mean nothing on a busy CI machine.
            name: "bench".into(),
            commands: vec![StepCommand::new(
                cargo,
                &[
                    "run",
                    "--quiet",
                    "--release",
                    "-p",
                    "keyvault-bench",
                    "--",
                    "--quick",
                    "--no-python",
                    "--out",
                    "target/bench-quick.md",
                ],
            )],
        },
    ];
    for suite in conformance_suites {
        let script = root
            .join("eng")
            .join("conformance")
            .join(suite)
            .join("run.sh");
        steps.push(Step {
            name: format!("conformance:{suite}"),
            commands: vec![StepCommand {
                program: "bash".into(),
                args: vec![script.to_string_lossy().into_owned()],
                env: Vec::new(),
                expect_stdout: None,
            }],
        });
    }
    steps
}

/// One example program of a crate: `crates/<package>/examples/<name>.rs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// The crate (its folder under `crates/` is named after it).
    pub package: String,
    /// The example's name (its file name without `.rs`).
    pub name: String,
}

/// The examples of the crates under `<root>/crates/`, sorted by crate and name.
pub fn examples(root: &Path) -> Vec<Example> {
    let mut found = Vec::new();
    for krate in std::fs::read_dir(root.join("crates"))
        .into_iter()
        .flatten()
        .flatten()
    {
        let package = krate.file_name().to_string_lossy().into_owned();
        for file in std::fs::read_dir(krate.path().join("examples"))
            .into_iter()
            .flatten()
            .flatten()
        {
            let path = file.path();
            if path.extension().is_some_and(|e| e == "rs") {
                if let Some(stem) = path.file_stem() {
                    found.push(Example {
                        package: package.clone(),
                        name: stem.to_string_lossy().into_owned(),
                    });
                }
            }
        }
    }
    found.sort_by(|a, b| (&a.package, &a.name).cmp(&(&b.package, &b.name)));
    found
}

/// Names of the conformance suites: sorted directory names under
/// `<root>/eng/conformance/` that contain a `run.sh`.
pub fn conformance_suites(root: &Path) -> Vec<String> {
    let dir = root.join("eng").join("conformance");
    let mut suites: Vec<String> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().join("run.sh").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    suites.sort();
    suites
}

/// Whether a `--skip`/`--only` pattern designates the step: exact name, or
/// `conformance` for every `conformance:*` step.
fn matches(pattern: &str, step: &str) -> bool {
    pattern == step
        || step
            .strip_prefix(pattern)
            .is_some_and(|rest| rest.starts_with(':'))
}

/// Applies `--skip` and `--only` to `steps`, returning for each step whether
/// it runs. Unknown step names are an error (listing the valid ones).
pub fn select(steps: &[Step], skip: &[String], only: &[String]) -> Result<Vec<bool>> {
    for pattern in skip.iter().chain(only) {
        if !steps.iter().any(|s| matches(pattern, &s.name)) {
            let known: Vec<&str> = steps.iter().map(|s| s.name.as_str()).collect();
            return Err(Error::new(format!(
                "unknown CI step `{pattern}` (steps: {})",
                known.join(", ")
            )));
        }
    }
    Ok(steps
        .iter()
        .map(|s| {
            let wanted = only.is_empty() || only.iter().any(|p| matches(p, &s.name));
            let skipped = skip.iter().any(|p| matches(p, &s.name));
            wanted && !skipped
        })
        .collect())
}

/// Outcome of one step, for the summary table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Ran and succeeded.
    Passed(Duration),
    /// Ran and failed.
    Failed(Duration),
    /// Deselected by `--skip` / `--only`.
    Skipped,
    /// Not reached because an earlier step failed.
    NotRun,
}

/// Formats a duration as `12.3s` or `2m05.1s`.
pub fn format_duration(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs < 60.0 {
        format!("{secs:.1}s")
    } else {
        let mins = (secs / 60.0).floor();
        format!("{}m{:04.1}s", mins as u64, secs - mins * 60.0)
    }
}

/// Renders the summary table printed at the end of a run.
pub fn summary_table(results: &[(String, Outcome)]) -> String {
    let width = results
        .iter()
        .map(|(n, _)| n.len())
        .chain(std::iter::once(4))
        .max()
        .unwrap_or(4);
    let mut out = String::new();
    let _ = writeln!(out, "{:<width$}  {:<7}  time", "step", "result");
    let _ = writeln!(out, "{}", "-".repeat(width + 17));
    let mut total = Duration::ZERO;
    for (name, outcome) in results {
        let (status, time) = match outcome {
            Outcome::Passed(d) => {
                total += *d;
                ("ok", format_duration(*d))
            }
            Outcome::Failed(d) => {
                total += *d;
                ("FAILED", format_duration(*d))
            }
            Outcome::Skipped => ("skipped", "-".to_owned()),
            Outcome::NotRun => ("not run", "-".to_owned()),
        };
        let _ = writeln!(out, "{name:<width$}  {status:<7}  {time}");
    }
    let _ = writeln!(out, "{}", "-".repeat(width + 17));
    let _ = writeln!(
        out,
        "{:<width$}  {:<7}  {}",
        "total",
        "",
        format_duration(total)
    );
    out
}

/// Whether `cargo nextest` is installed.
pub fn nextest_available(cargo: &str) -> bool {
    Command::new(cargo)
        .args(["nextest", "--version"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Options of `cargo xtask ci`.
#[derive(Debug, Default, Clone)]
pub struct CiOptions {
    /// Steps to leave out (`--skip`).
    pub skip: Vec<String>,
    /// Steps to run exclusively (`--only`).
    pub only: Vec<String>,
    /// Only print the steps (`--list`).
    pub list: bool,
}

/// Runs the CI pipeline in `root`.
pub fn run(root: &Path, opts: &CiOptions) -> Result<()> {
    let cargo = cargo_bin();
    let suites = conformance_suites(root);
    let target = target_dir(root, std::env::var("CARGO_TARGET_DIR").ok().as_deref());
    let all = steps(
        &cargo,
        nextest_available(&cargo),
        root,
        &target,
        &examples(root),
        &suites,
    );
    let selected = select(&all, &opts.skip, &opts.only)?;

    if opts.list {
        for (step, on) in all.iter().zip(&selected) {
            let mark = if *on { " " } else { "-" };
            for (i, c) in step.commands.iter().enumerate() {
                let name = if i == 0 { step.name.as_str() } else { "" };
                println!("{mark} {name:<24} {}", c.display());
            }
        }
        return Ok(());
    }

    let mut results: Vec<(String, Outcome)> = Vec::new();
    let mut failure: Option<(String, i32)> = None;
    for (step, on) in all.iter().zip(&selected) {
        if !*on {
            results.push((step.name.clone(), Outcome::Skipped));
            continue;
        }
        if failure.is_some() {
            results.push((step.name.clone(), Outcome::NotRun));
            continue;
        }
        println!("\n==> [{}]", step.name);
        let start = Instant::now();
        let mut code = 0;
        for c in &step.commands {
            println!("    $ {}", c.display());
            code = run_command(c, root);
            if code != 0 {
                break;
            }
        }
        let elapsed = start.elapsed();
        if code == 0 {
            println!("<== [{}] ok in {}", step.name, format_duration(elapsed));
            results.push((step.name.clone(), Outcome::Passed(elapsed)));
        } else {
            println!(
                "<== [{}] FAILED (exit code {code}) after {}",
                step.name,
                format_duration(elapsed)
            );
            results.push((step.name.clone(), Outcome::Failed(elapsed)));
            failure = Some((step.name.clone(), code));
        }
    }

    println!("\n{}", summary_table(&results));
    match failure {
        Some((name, code)) => Err(Error::with_code(format!("CI step `{name}` failed"), code)),
        None => {
            println!("CI passed");
            Ok(())
        }
    }
}

/// Runs one command with inherited stdio (standard output captured, then
/// printed, when it is checked); returns its exit code (1 when it could not
/// be started, was killed by a signal or did not print what was expected).
fn run_command(c: &StepCommand, root: &Path) -> i32 {
    let mut cmd = Command::new(&c.program);
    cmd.args(&c.args).current_dir(root);
    for (k, v) in &c.env {
        cmd.env(k, v);
    }
    let Some(expected) = &c.expect_stdout else {
        return match cmd.status() {
            Ok(status) => status.code().unwrap_or(1),
            Err(e) => {
                eprintln!("error: failed to start `{}`: {e}", c.display());
                1
            }
        };
    };
    match cmd.stderr(Stdio::inherit()).output() {
        Ok(out) => {
            let stdout = String::from_utf8_lossy(&out.stdout);
            print!("{stdout}");
            let code = out.status.code().unwrap_or(1);
            if code == 0 && !stdout.contains(expected.as_str()) {
                eprintln!("error: `{}` did not print `{expected}`", c.display());
                return 1;
            }
            code
        }
        Err(e) => {
            eprintln!("error: failed to start `{}`: {e}", c.display());
            1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(steps: &[Step]) -> Vec<&str> {
        steps.iter().map(|s| s.name.as_str()).collect()
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| (*x).to_owned()).collect()
    }

    #[test]
    fn steps_in_order_with_conformance_last() {
        let steps = steps(
            "cargo",
            false,
            Path::new("/ws"),
            Path::new("/ws/target"),
            &[Example {
                package: "keyvault-secrets".into(),
                name: "hello_world".into(),
            }],
            &s(&["keys", "secrets"]),
        );
        assert_eq!(
            names(&steps),
            [
                "fmt",
                "clippy",
                "test",
                "doc",
                "tour",
                "examples",
                "release-check",
                "publish-dry-run",
                "install-emulator",
                "bench",
                "conformance:keys",
                "conformance:secrets"
            ]
        );
        assert_eq!(steps[0].commands[0].display(), "cargo fmt --all --check");
        assert_eq!(
            steps[1].commands[0].display(),
            "cargo clippy --workspace --all-targets -- -D warnings"
        );
        assert_eq!(
            steps[3].commands[0].display(),
            "RUSTDOCFLAGS='-D warnings' cargo doc --workspace --no-deps"
        );
        assert_eq!(
            steps[4].commands[0].display(),
            "cargo run --quiet -p keyvault-tour"
        );
        assert_eq!(
            steps[5]
                .commands
                .iter()
                .map(StepCommand::display)
                .collect::<Vec<_>>(),
            [
                "cargo build --quiet --workspace --examples --all-features",
                "AZURE_KEYVAULT_URL='' AZURE_MANAGEDHSM_URL='' AZURE_SUBSCRIPTION_ID='' \
                 cargo run --quiet -p keyvault-secrets --all-features --example hello_world"
            ]
        );
        assert_eq!(
            steps[10].commands[0].display(),
            "bash /ws/eng/conformance/keys/run.sh"
        );
    }

    #[test]
    fn discovers_each_crates_examples() {
        let root = crate::test_support::temp_dir("ci-examples");
        for (krate, file) in [
            ("b-crate", "two.rs"),
            ("b-crate", "one.rs"),
            ("a-crate", "only.rs"),
            ("a-crate", "notes.md"),
        ] {
            let dir = root.join("crates").join(krate).join("examples");
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(file), "fn main() {}\n").unwrap();
        }
        std::fs::create_dir_all(root.join("crates").join("c-crate")).unwrap();
        let found: Vec<(String, String)> = examples(&root)
            .into_iter()
            .map(|e| (e.package, e.name))
            .collect();
        assert_eq!(
            found,
            [
                ("a-crate".to_string(), "only".to_string()),
                ("b-crate".to_string(), "one".to_string()),
                ("b-crate".to_string(), "two".to_string()),
            ]
        );
        assert!(examples(&root.join("missing")).is_empty());
    }

    #[test]
    fn publish_dry_run_and_install_emulator_steps() {
        let steps = steps(
            "cargo",
            false,
            Path::new("/ws"),
            Path::new("/tmp/t"),
            &[],
            &[],
        );
        let step = |name: &str| steps.iter().find(|s| s.name == name).unwrap();
        let cmds = |name: &str| -> Vec<String> {
            step(name).commands.iter().map(|c| c.display()).collect()
        };
        assert_eq!(
            cmds("publish-dry-run"),
            ["cargo run --quiet -p xtask -- release publish --allow-dirty"]
        );
        assert_eq!(
            cmds("install-emulator"),
            [
                "cargo install --locked --debug --path crates/keyvault-emulator \
                 --root /tmp/t/install-emulator",
                "keyvault-emulator --help"
            ]
        );
        let help = &step("install-emulator").commands[1];
        assert_eq!(
            help.program,
            "/tmp/t/install-emulator/bin/keyvault-emulator"
        );
        assert_eq!(
            help.expect_stdout.as_deref(),
            Some("Usage: keyvault-emulator")
        );
        assert!(step("publish-dry-run").commands[0].expect_stdout.is_none());
    }

    #[test]
    fn target_dir_follows_cargo_target_dir() {
        let root = Path::new("/ws");
        assert_eq!(target_dir(root, None), Path::new("/ws/target"));
        assert_eq!(target_dir(root, Some("")), Path::new("/ws/target"));
        assert_eq!(target_dir(root, Some("out")), Path::new("/ws/out"));
        assert_eq!(target_dir(root, Some("/tmp/t")), Path::new("/tmp/t"));
    }

    #[test]
    fn expected_stdout_is_checked() {
        let root = std::env::temp_dir();
        let echo = |text: &str| StepCommand::new("echo", &[text]);
        assert_eq!(
            run_command(&echo("Usage: x").expecting_stdout("Usage"), &root),
            0
        );
        assert_eq!(
            run_command(&echo("hello").expecting_stdout("Usage"), &root),
            1
        );
        assert_eq!(
            run_command(&StepCommand::new("false", &[]).expecting_stdout(""), &root),
            1
        );
        assert_eq!(run_command(&StepCommand::new("true", &[]), &root), 0);
        assert_eq!(
            run_command(&StepCommand::new("/nonexistent/program", &[]), &root),
            1
        );
    }

    #[test]
    fn test_step_uses_nextest_plus_doctests_when_available() {
        let with = steps(
            "cargo",
            true,
            Path::new("/ws"),
            Path::new("/ws/target"),
            &[],
            &[],
        );
        let cmds: Vec<String> = with[2].commands.iter().map(|c| c.display()).collect();
        assert_eq!(
            cmds,
            [
                "cargo nextest run --workspace --no-tests=warn",
                "cargo test --workspace --doc",
                "cargo nextest run -p keyvault-secrets --all-features --no-tests=warn config_providers"
            ]
        );
        let without = steps(
            "cargo",
            false,
            Path::new("/ws"),
            Path::new("/ws/target"),
            &[],
            &[],
        );
        let cmds: Vec<String> = without[2].commands.iter().map(|c| c.display()).collect();
        assert_eq!(
            cmds,
            [
                "cargo test --workspace",
                "cargo test -p keyvault-secrets --all-features config_providers"
            ]
        );
    }

    #[test]
    fn select_only_and_skip() {
        let steps = steps(
            "cargo",
            false,
            Path::new("/ws"),
            Path::new("/ws/target"),
            &[],
            &s(&["a", "b"]),
        );
        assert_eq!(select(&steps, &[], &[]).unwrap(), [true; 12]);
        assert_eq!(
            select(&steps, &[], &s(&["fmt"])).unwrap(),
            [true, false, false, false, false, false, false, false, false, false, false, false]
        );
        assert_eq!(
            select(&steps, &s(&["clippy", "doc"]), &[]).unwrap(),
            [true, false, true, false, true, true, true, true, true, true, true, true]
        );
        assert_eq!(
            select(&steps, &[], &s(&["publish-dry-run", "install-emulator"])).unwrap(),
            [false, false, false, false, false, false, false, true, true, false, false, false]
        );
        // `conformance` selects every suite, `conformance:b` just one.
        assert_eq!(
            select(&steps, &[], &s(&["conformance"])).unwrap(),
            [false, false, false, false, false, false, false, false, false, false, true, true]
        );
        assert_eq!(
            select(&steps, &s(&["conformance:b"]), &s(&["conformance"])).unwrap(),
            [false, false, false, false, false, false, false, false, false, false, true, false]
        );
    }

    #[test]
    fn select_rejects_unknown_steps() {
        let steps = steps(
            "cargo",
            false,
            Path::new("/ws"),
            Path::new("/ws/target"),
            &[],
            &[],
        );
        let err = select(&steps, &s(&["lint"]), &[]).unwrap_err().to_string();
        assert!(err.contains("unknown CI step `lint`"), "{err}");
        assert!(err.contains("fmt, clippy, test, doc"), "{err}");
        // `conformance` with no suites is unknown too, and prefixes do not match.
        assert!(select(&steps, &[], &s(&["conformance"])).is_err());
        assert!(select(&steps, &[], &s(&["cl"])).is_err());
    }

    #[test]
    fn discovers_conformance_suites_with_run_sh() {
        let root = crate::test_support::temp_dir("ci-suites");
        let base = root.join("eng").join("conformance");
        for (suite, script) in [("zeta", true), ("alpha", true), ("empty", false)] {
            std::fs::create_dir_all(base.join(suite)).unwrap();
            if script {
                std::fs::write(base.join(suite).join("run.sh"), "exit 0\n").unwrap();
            }
        }
        assert_eq!(conformance_suites(&root), ["alpha", "zeta"]);
        assert!(conformance_suites(&root.join("missing")).is_empty());
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn formats_durations() {
        assert_eq!(format_duration(Duration::from_millis(1234)), "1.2s");
        assert_eq!(format_duration(Duration::from_millis(125_100)), "2m05.1s");
    }

    #[test]
    fn summary_table_lists_every_step() {
        let table = summary_table(&[
            ("fmt".into(), Outcome::Passed(Duration::from_secs(1))),
            ("clippy".into(), Outcome::Failed(Duration::from_secs(2))),
            ("test".into(), Outcome::NotRun),
            ("doc".into(), Outcome::Skipped),
        ]);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines[0], "step    result   time");
        assert_eq!(lines[2], "fmt     ok       1.0s");
        assert_eq!(lines[3], "clippy  FAILED   2.0s");
        assert_eq!(lines[4], "test    not run  -");
        assert_eq!(lines[5], "doc     skipped  -");
        assert_eq!(lines[7], "total            3.0s");
    }

    #[test]
    fn quotes_shell_arguments() {
        assert_eq!(shell_quote("plain-arg"), "plain-arg");
        assert_eq!(shell_quote("-D warnings"), "'-D warnings'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
    }
}
