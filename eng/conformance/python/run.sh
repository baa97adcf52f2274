#!/usr/bin/env bash
# Conformance suite: the official Python Key Vault SDK against the keyvault-emulator binary:
# azure-keyvault-secrets, -keys, -certificates and -administration on the data plane (test_secrets.py,
# test_keys.py, test_certificates.py, test_administration.py), the pre-release
# azure-keyvault-securitydomain on a Managed HSM's security domain (test_security_domain.py),
# azure-mgmt-keyvault on the emulator's ARM provider at https://management.azure.com:{port}
# (test_mgmt.py), and azure-identity for tokens.
#
#   eng/conformance/python/run.sh [pytest args...]
#
# Creates eng/conformance/python/.venv, installs the pinned packages of requirements.txt, builds and
# starts the emulator on a free port, runs pytest and exits with its status. Honours CARGO_TARGET_DIR.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
VENV="$HERE/.venv"
PYTHON="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$HERE/requirements.txt"

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

export REQUESTS_CA_BUNDLE="$WORK/ca.pem"
export KEYVAULT_EMULATOR_URL="$URL"
export KEYVAULT_EMULATOR_TENANT_ID="$TENANT_ID"
export KEYVAULT_EMULATOR_CLIENT_ID="$CLIENT_ID"
export KEYVAULT_EMULATOR_CLIENT_SECRET="$CLIENT_SECRET"
export NO_PROXY="localhost,127.0.0.1${NO_PROXY:+,$NO_PROXY}"
export no_proxy="$NO_PROXY"

set +e
"$VENV/bin/python" -m pytest "$HERE" -p no:cacheprovider "$@"
STATUS=$?
set -e
exit "$STATUS"
