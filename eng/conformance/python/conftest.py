"""Fixtures: the official clients and credentials (sync and async) pointed at the emulator.

The data-plane clients (azure-keyvault-*) reach the default vault at the emulator's URL and a
Managed HSM at `https://conformance.managedhsm.azure.net:{port}`; the management client
(azure-mgmt-keyvault) reaches the emulator's ARM provider at `https://management.azure.com:{port}`,
and the vaults and pools it creates at `https://{name}.vault.azure.net:{port}` and
`https://{name}.managedhsm.azure.net:{port}`. These names resolve to the loopback address through
the getaddrinfo hook below.
"""

import base64
import json
import os
import socket
import urllib.parse
import uuid

import pytest
import requests
from azure.identity import ClientSecretCredential
from azure.keyvault.keys import KeyClient
from azure.keyvault.secrets import SecretClient


def _env(name):
    value = os.environ.get(name)
    if not value:
        pytest.exit(f"{name} is not set: run eng/conformance/python/run.sh", returncode=2)
    return value


@pytest.fixture(scope="session")
def emulator_url():
    return _env("KEYVAULT_EMULATOR_URL")


@pytest.fixture(scope="session")
def credential(emulator_url):
    return ClientSecretCredential(
        _env("KEYVAULT_EMULATOR_TENANT_ID"),
        _env("KEYVAULT_EMULATOR_CLIENT_ID"),
        _env("KEYVAULT_EMULATOR_CLIENT_SECRET"),
        authority=emulator_url,
        disable_instance_discovery=True,
    )


@pytest.fixture(scope="session")
def caller_object_id(credential):
    """The object id (`oid`) the emulator's tokens carry: what an access policy must name."""
    payload = credential.get_token("https://vault.azure.net/.default").token.split(".")[1]
    payload += "=" * (-len(payload) % 4)
    return json.loads(base64.urlsafe_b64decode(payload))["oid"]


@pytest.fixture(scope="session")
def aio(emulator_url):
    """Makes what an async client needs, inside the test's own event loop.

    aiohttp ignores REQUESTS_CA_BUNDLE, so the emulator's CA goes to every async transport as
    `connection_verify`.
    """
    return AioSetup(emulator_url, _env("REQUESTS_CA_BUNDLE"))


class AioSetup:
    def __init__(self, url, ca_bundle):
        self.url = url
        self.transport = {"connection_verify": ca_bundle}

    def credential(self):
        from azure.identity.aio import ClientSecretCredential as AioClientSecretCredential

        return AioClientSecretCredential(
            _env("KEYVAULT_EMULATOR_TENANT_ID"),
            _env("KEYVAULT_EMULATOR_CLIENT_ID"),
            _env("KEYVAULT_EMULATOR_CLIENT_SECRET"),
            authority=self.url,
            disable_instance_discovery=True,
            **self.transport,
        )

    def client(self, cls, url, credential):
        return cls(url, credential, verify_challenge_resource=False, **self.transport)


@pytest.fixture(scope="session")
def client(emulator_url, credential):
    return SecretClient(vault_url=emulator_url, credential=credential, verify_challenge_resource=False)


@pytest.fixture
def name():
    """A secret name unique to the test."""
    return "py-" + uuid.uuid4().hex[:12]


class Control:
    """The emulator's HTTP control endpoint."""

    def __init__(self, url):
        self.url = url + "/_emulator"

    def post(self, path, body=None):
        response = requests.post(self.url + path, data=json.dumps(body or {}), timeout=10)
        response.raise_for_status()
        return response

    def requests(self):
        response = requests.get(self.url + "/requests", timeout=10)
        response.raise_for_status()
        return response.json()

    def clear_requests(self):
        requests.delete(self.url + "/requests", timeout=10).raise_for_status()


@pytest.fixture(scope="session")
def control(emulator_url):
    return Control(emulator_url)


# --- Keys: KeyClient, and a Managed HSM reachable by name -------------------------------------

_HSM_SUFFIX = ".managedhsm.azure.net"
_VAULT_SUFFIX = ".vault.azure.net"
_ARM_HOST = "management.azure.com"
_real_getaddrinfo = socket.getaddrinfo


def _to_emulator(host):
    host = host.lower().rstrip(".")
    return host.endswith(_HSM_SUFFIX) or host.endswith(_VAULT_SUFFIX) or host == _ARM_HOST


def _getaddrinfo(host, *args, **kwargs):
    """Resolves *.managedhsm.azure.net, *.vault.azure.net (the `vaultUri` of a vault created
    through ARM) and management.azure.com to the emulator (loopback), as the Rust harness does."""
    if isinstance(host, str) and _to_emulator(host):
        host = "127.0.0.1"
    return _real_getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _getaddrinfo


@pytest.fixture(scope="session")
def hsm_url(emulator_url):
    """`https://conformance.managedhsm.azure.net:{port}`: the emulator's Managed HSM flavour."""
    port = urllib.parse.urlsplit(emulator_url).port
    return f"https://conformance{_HSM_SUFFIX}:{port}"


@pytest.fixture(scope="session")
def key_client(emulator_url, credential):
    return KeyClient(vault_url=emulator_url, credential=credential, verify_challenge_resource=False)


@pytest.fixture(scope="session")
def hsm_client(hsm_url, credential):
    # The challenge names https://managedhsm.azure.net; the SDK compares host *and* port, and the
    # emulator's port is not 443, so the check is off as for the default vault.
    return KeyClient(vault_url=hsm_url, credential=credential, verify_challenge_resource=False)


# --- Management: KeyVaultManagementClient on the emulator's ARM provider ---------------------


@pytest.fixture(scope="session")
def arm_url(emulator_url):
    """`https://management.azure.com:{port}`: the emulator's ARM `Microsoft.KeyVault` provider."""
    port = urllib.parse.urlsplit(emulator_url).port
    return f"https://{_ARM_HOST}:{port}"


@pytest.fixture(scope="session")
def subscription_id():
    """A subscription of its own for the session: ARM subscriptions exist on demand."""
    return str(uuid.uuid4())


@pytest.fixture(scope="session")
def mgmt_client(arm_url, credential, subscription_id):
    """The management client. It asks the credential for `https://management.azure.com/.default`
    (its default scope), the audience the emulator's ARM wants; `polling_interval` is the wait
    between polls when an answer carries no `Retry-After` (the emulator's always do)."""
    from azure.mgmt.keyvault import KeyVaultManagementClient

    return KeyVaultManagementClient(credential, subscription_id, base_url=arm_url, polling_interval=0.05)
