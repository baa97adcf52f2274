#!/usr/bin/env bash
# Build cost: clean build time and crate count of `keyvault-secrets` against the official
# `azure_security_keyvault_secrets` 1.x, each in a fresh temporary target directory.
#
#   eng/bench/build-cost.sh [--release] [--out FILE]
#
# The official crate is built from a scratch package that depends on it as a user would
# (`azure_security_keyvault_secrets = "1.0"`, default features: azure_core with reqwest and
# rustls), resolved against a copy of this workspace's Cargo.lock so that the crates both share
# are at the same versions. Crate count: `cargo tree -e normal --prefix none | sort -u | wc -l`
# (normal dependencies only, each package once, the crate itself included). Downloads are not
# timed: both builds read the same local registry cache (the script fetches first).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PROFILE_ARGS=()
PROFILE=debug
OUT=""
while [ $# -gt 0 ]; do
    case "$1" in
        --release) PROFILE_ARGS=(--release); PROFILE=release ;;
        --out) OUT="$2"; shift ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT INT TERM

# The official crate, as a user depends on it.
mkdir -p "$WORK/official/src"
cat >"$WORK/official/Cargo.toml" <<'EOF'
[package]
name = "official-secrets-user"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
azure_security_keyvault_secrets = "1.0"

[workspace]
EOF
echo 'pub use azure_security_keyvault_secrets;' >"$WORK/official/src/lib.rs"
cp "$ROOT/Cargo.lock" "$WORK/official/Cargo.lock"

(cd "$ROOT" && cargo fetch --quiet)
(cd "$WORK/official" && cargo fetch --quiet)

count_crates() { # dir package
    (cd "$1" && cargo tree -p "$2" -e normal --prefix none) | sed 's/ (\*)$//' | sort -u | wc -l
}

build() { # dir package target-dir -> seconds
    local start end
    start=$(date +%s.%N)
    (cd "$1" && CARGO_TARGET_DIR="$3" cargo build --quiet "${PROFILE_ARGS[@]}" -p "$2")
    end=$(date +%s.%N)
    echo "$end - $start" | bc
}

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
OURS_S="$(build "$ROOT" keyvault-secrets "$WORK/target-ours")"
OFFICIAL_S="$(build "$WORK/official" azure_security_keyvault_secrets "$WORK/target-official")"
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
OURS_N="$(count_crates "$ROOT" keyvault-secrets)"
OFFICIAL_N="$(count_crates "$WORK/official" azure_security_keyvault_secrets)"
OFFICIAL_V="$(cd "$WORK/official" && cargo tree -p azure_security_keyvault_secrets --depth 0 --prefix none | cut -d' ' -f2)"

REPORT="$(cat <<EOF
## Build cost

Clean \`cargo build ${PROFILE_ARGS[*]:-}\` ($PROFILE) in a fresh target directory, $(nproc) CPU(s),
load average before: $LOAD_BEFORE, after: $LOAD_AFTER.

| crate | clean build s | crates (normal deps, incl. itself) |
|---|---|---|
| keyvault-secrets (ours) | $(printf '%.1f' "$OURS_S") | $OURS_N |
| azure_security_keyvault_secrets $OFFICIAL_V (official) | $(printf '%.1f' "$OFFICIAL_S") | $OFFICIAL_N |
| ours ÷ official | $(printf "%.2f" "$(echo "scale=4; $OURS_S / $OFFICIAL_S" | bc)")x | $(printf "%.2f" "$(echo "scale=4; $OURS_N / $OFFICIAL_N" | bc)")x |
EOF
)"
echo "$REPORT"
if [ -n "$OUT" ]; then
    echo "$REPORT" >"$OUT"
fi
