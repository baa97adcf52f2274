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

# shellcheck source=../start-emulator.sh
source "$HERE/../start-emulator.sh"

export REQUESTS_CA_BUNDLE="$WORK/ca.pem"
export NO_PROXY="localhost,127.0.0.1${NO_PROXY:+,$NO_PROXY}"
export no_proxy="$NO_PROXY"

set +e
"$VENV/bin/python" -m pytest "$HERE" -p no:cacheprovider "$@"
STATUS=$?
set -e
exit "$STATUS"
