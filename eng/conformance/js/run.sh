#!/usr/bin/env bash
# Conformance suite: the official Azure SDK for JavaScript against the keyvault-emulator binary:
# @azure/keyvault-secrets, -keys (with its CryptographyClient) and -certificates on the data plane
# (secrets.test.mjs, keys.test.mjs, certificates.test.mjs), @azure/arm-keyvault on the emulator's
# ARM provider at https://management.azure.com:{port} (mgmt.test.mjs), and @azure/identity's
# ClientSecretCredential for tokens.
#
#   eng/conformance/js/run.sh [node --test args...]
#
# Installs the pinned packages of package-lock.json (npm ci), builds and starts the emulator on a
# free port, runs the tests with Node's built-in runner and exits with its status. Honours
# CARGO_TARGET_DIR.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
NODE="${NODE:-node}"

# npm ci wipes node_modules; skip it when the installed tree already matches the lock file.
if ! cmp -s "$HERE/package-lock.json" "$HERE/node_modules/.package-lock.json.ci" 2>/dev/null; then
    (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error --engine-strict=false)
    cp "$HERE/package-lock.json" "$HERE/node_modules/.package-lock.json.ci"
fi

(cd "$ROOT" && cargo build --quiet -p keyvault-emulator --bin keyvault-emulator)
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
case "$TARGET_DIR" in
    /*) ;;
    *) TARGET_DIR="$ROOT/$TARGET_DIR" ;;
esac
BIN="$TARGET_DIR/debug/keyvault-emulator"

TENANT_ID="6d4a3f6e-5b2c-4e8e-9f3a-1c2b3d4e5f60"
CLIENT_ID="conformance-client"
CLIENT_SECRET="conformance-secret-$RANDOM$RANDOM"

WORK="$(mktemp -d)"
EMU_PID=""
cleanup() {
    if [ -n "$EMU_PID" ]; then
        kill "$EMU_PID" 2>/dev/null || true
        wait "$EMU_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

"$BIN" --bind 127.0.0.1:0 --cert-out "$WORK/ca.pem" \
    --tenant-id "$TENANT_ID" --client-id "$CLIENT_ID" --client-secret "$CLIENT_SECRET" \
    >"$WORK/stdout" 2>"$WORK/stderr" &
EMU_PID=$!

URL=""
for _ in $(seq 1 300); do
    URL="$(sed -n 's/^keyvault-emulator listening on //p' "$WORK/stdout" | head -n 1)"
    [ -n "$URL" ] && break
    if ! kill -0 "$EMU_PID" 2>/dev/null; then
        echo "keyvault-emulator exited before it was ready:" >&2
        cat "$WORK/stderr" >&2
        exit 1
    fi
    sleep 0.1
done
if [ -z "$URL" ]; then
    echo "keyvault-emulator did not print its ready line in 30 s" >&2
    exit 1
fi

# Node trusts the emulator's CA besides its own bundle.
export NODE_EXTRA_CA_CERTS="$WORK/ca.pem"
export KEYVAULT_EMULATOR_URL="$URL"
export KEYVAULT_EMULATOR_TENANT_ID="$TENANT_ID"
export KEYVAULT_EMULATOR_CLIENT_ID="$CLIENT_ID"
export KEYVAULT_EMULATOR_CLIENT_SECRET="$CLIENT_SECRET"
export NO_PROXY="localhost,127.0.0.1,.azure.net,management.azure.com${NO_PROXY:+,$NO_PROXY}"
export no_proxy="$NO_PROXY"

set +e
(cd "$HERE" && "$NODE" --test --test-concurrency=1 "$@" ./*.test.mjs)
STATUS=$?
set -e
exit "$STATUS"
