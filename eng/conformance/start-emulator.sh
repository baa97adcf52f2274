# Sourced by each suite's run.sh (after `set -euo pipefail` and with ROOT set to the repository):
# builds the keyvault-emulator binary (honouring CARGO_TARGET_DIR), starts it on a free port with
# a fresh client secret, waits for its ready line, stops it on exit, and exports what the suites'
# tests read: KEYVAULT_EMULATOR_URL, _TENANT_ID, _CLIENT_ID, _CLIENT_SECRET. The CA's PEM is
# "$WORK/ca.pem".

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

export KEYVAULT_EMULATOR_URL="$URL"
export KEYVAULT_EMULATOR_TENANT_ID="$TENANT_ID"
export KEYVAULT_EMULATOR_CLIENT_ID="$CLIENT_ID"
export KEYVAULT_EMULATOR_CLIENT_SECRET="$CLIENT_SECRET"
