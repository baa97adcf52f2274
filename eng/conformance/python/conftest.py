"""Fixtures: the official clients and credentials (sync and async) pointed at the emulator."""

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


@pytest.fixture(scope="session")
def control(emulator_url):
    return Control(emulator_url)


# --- Keys: KeyClient, and a Managed HSM reachable by name -------------------------------------

_HSM_SUFFIX = ".managedhsm.azure.net"
_real_getaddrinfo = socket.getaddrinfo


def _getaddrinfo(host, *args, **kwargs):
    """Resolves *.managedhsm.azure.net to the emulator (loopback), as the Rust harness does."""
    if isinstance(host, str) and host.lower().endswith(_HSM_SUFFIX):
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
