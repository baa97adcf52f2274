#!/usr/bin/env bash
# Builds the libFuzzer targets on the stable toolchain (no cargo-fuzz, no nightly) and runs one.
#   fuzz/run.sh build                         # build every target
#   fuzz/run.sh TARGET [libFuzzer flags...]   # e.g. fuzz/run.sh challenge -runs=1000000
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/target}"
# The flags cargo-fuzz passes, minus the nightly-only sanitizer (-Zsanitizer).
export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cllvm-args=-simplifycfg-branch-fold-threshold=0 \
-Cdebug-assertions -Coverflow-checks"
triple="$(rustc -vV | sed -n 's/^host: //p')"
cargo build --manifest-path "$here/Cargo.toml" --release --target "$triple" --bins
[ "${1:-build}" = build ] && exit 0
target="$1"; shift
corpus="$here/corpus/$target"
mkdir -p "$corpus" "$here/artifacts/$target"
seeds=()
[ -d "$here/seeds/$target" ] && seeds=("$here/seeds/$target")
exec "$CARGO_TARGET_DIR/$triple/release/$target" -artifact_prefix="$here/artifacts/$target/" \
  -max_len=4096 "$@" "$corpus" "${seeds[@]}"
