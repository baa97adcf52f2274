#!/usr/bin/env bash
# Instructions per get_secret of each rung of the ladder (section 1c), counted by callgrind on
# the client runtime's threads only (the emulator's are left out). Deterministic: usable on a
# busy machine, where timings are not. Needs valgrind (callgrind_annotate).
#
#   cargo build --release -p keyvault-bench
#   eng/bench/callgrind-ladder.sh [target/release/keyvault-bench] [rung ...]
#
# Each rung runs in its own process: one first call, 32 warm-up calls, SER calls at
# concurrency 1 and OPS at 32 (--quick divides both by 4), every one of them counted.
set -euo pipefail
BIN=${1:-target/release/keyvault-bench}
shift || true
RUNGS=${*:-1 2 3 4 5 6 7 8 9 10 11 12}
OPS=${OPS:-1200}
SER=${SER:-200}
CALLS=$((32 + OPS / 4 + SER / 4))
OUT=$(mktemp -d)
for k in $RUNGS; do
  valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$OUT/r$k.%p" \
    "$BIN" --quick --no-python --only ladder --rungs "$k" --get-ops "$OPS" --get-ops-serial "$SER" \
    >"$OUT/r$k.log" 2>&1
  client=0
  inside=0
  for f in "$OUT"/r"$k".*-0*; do
    ann=$(callgrind_annotate --inclusive=yes "$f" 2>/dev/null)
    # The client runtime's threads are those that drive reqwest's HTTP/2 connection.
    if grep -q "h2::client::Connection" <<<"$ann"; then
      total=$(grep "PROGRAM TOTALS" <<<"$ann" | awk '{gsub(",","",$1); print $1}')
      counted=$(grep "ladder::Counted" <<<"$ann" | head -1 | awk '{gsub(",","",$1); print $1}')
      client=$((client + total))
      inside=$((inside + ${counted:-0}))
    fi
  done
  echo "rung $k: $((client / CALLS)) instructions per call on the client threads, $((inside / CALLS)) inside the call's future"
done
echo "callgrind files: $OUT"
