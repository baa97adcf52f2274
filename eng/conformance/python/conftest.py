"""Fixtures: the official SecretClient and ClientSecretCredential pointed at the emulator."""

import json
import os
import uuid

import pytest
import requests
from azure.identity import ClientSecretCredential
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
