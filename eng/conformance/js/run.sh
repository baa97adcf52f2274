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

# shellcheck source=../start-emulator.sh
source "$HERE/../start-emulator.sh"

# Node trusts the emulator's CA besides its own bundle.
export NODE_EXTRA_CA_CERTS="$WORK/ca.pem"
export NO_PROXY="localhost,127.0.0.1,.azure.net,management.azure.com${NO_PROXY:+,$NO_PROXY}"
export no_proxy="$NO_PROXY"

set +e
(cd "$HERE" && "$NODE" --test --test-concurrency=1 "$@" ./*.test.mjs)
STATUS=$?
set -e
exit "$STATUS"
