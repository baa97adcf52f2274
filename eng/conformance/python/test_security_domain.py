"""The official azure-keyvault-securitydomain client against the emulator's Managed HSM flavour.

Each test uses an HSM of its own, `https://sd-{name}.managedhsm.azure.net:{port}`; conftest.py
resolves `*.managedhsm.azure.net` to the loopback address.

The client treats the security domain as opaque and leaves its preparation for the transfer key
to the caller (as the CLI's `restore-blob` does for the real service). `_prepare_upload` does it
here for the emulator's documented format (crates/keyvault-emulator/src/admin/security_domain.rs),
independently of the emulator's own Rust helper, with the `cryptography` package.
"""

import base64
import datetime
import hashlib
import json
import urllib.parse
import uuid

import pytest
from azure.core.exceptions import HttpResponseError
from azure.keyvault.securitydomain import SecurityDomainClient
from azure.keyvault.securitydomain.models import (
    CertificateInfo,
    OperationStatus,
    SecurityDomain,
    SecurityDomainJsonWebKey,
)
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID


def _b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64u(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _int_bytes(value):
    return value.to_bytes((value.bit_length() + 7) // 8, "big")


def _oaep():
    return padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


class _Certificate:
    """An RSA key with a self-signed certificate, and its JWK for a download."""

    def __init__(self, name):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        now = datetime.datetime.now(datetime.timezone.utc)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .sign(self.key, hashes.SHA256())
        )
        der = certificate.public_bytes(serialization.Encoding.DER)
        numbers = self.key.public_key().public_numbers()
        self.jwk = SecurityDomainJsonWebKey(
            kid=name,
            kty="RSA",
            key_ops=["wrapKey"],
            n=_b64u(_int_bytes(numbers.n)),
            e=_b64u(_int_bytes(numbers.e)),
            x5_c=[base64.b64encode(der).decode()],
            x5_t_s256=_b64u(hashlib.sha256(der).digest()),
            alg="RSA-OAEP-256",
        )


def _prepare_upload(downloaded, certificates, transfer_key):
    """Re-encrypts the shares of `certificates` for `transfer_key`, in the emulator's format."""
    domain = json.loads(downloaded)
    public = rsa.RSAPublicNumbers(
        int.from_bytes(_unb64u(transfer_key.e), "big"), int.from_bytes(_unb64u(transfer_key.n), "big")
    ).public_key()
    shares = []
    for certificate in certificates:
        share = next(s for s in domain["shares"] if s["kid"] == certificate.jwk.kid)
        opened = certificate.key.decrypt(_unb64u(share["enc_key"]), _oaep())
        shares.append({"index": share["index"], "enc_key": _b64u(public.encrypt(opened, _oaep()))})
    return json.dumps(
        {
            "kind": "keyvault-emulator/security-domain-restore",
            "version": 1,
            "transfer_key_kid": transfer_key.kid,
            "domain": domain,
            "shares": shares,
        }
    )


@pytest.fixture(scope="module")
def certificates():
    return [_Certificate(f"py-sd-{i}") for i in range(3)]


@pytest.fixture
def hsm_url(emulator_url):
    port = urllib.parse.urlsplit(emulator_url).port
    return f"https://sd-{uuid.uuid4().hex[:8]}.managedhsm.azure.net:{port}"


@pytest.fixture
def client(hsm_url, credential):
    return SecurityDomainClient(hsm_url, credential, verify_challenge_resource=False)


@pytest.fixture(autouse=True)
def no_job_latency(control):
    control.post("/admin-job-latency", {"ms": 0})
    yield
    control.post("/admin-job-latency", {"ms": 0})


def _info(certificates, required=2):
    return CertificateInfo(certificates=[c.jwk for c in certificates], required=required)


def test_download_polls_activation_then_upload_restores(control, client, hsm_url, credential, certificates):
    # The operations run 1.5 s: the pollers follow the emulator's Retry-After to Success.
    control.post("/admin-job-latency", {"ms": 1500})
    poller = client.begin_download(_info(certificates))
    assert not poller.done()
    assert client.get_download_status().status == OperationStatus.IN_PROGRESS
    domain = poller.result()
    assert isinstance(domain, SecurityDomain)
    assert json.loads(domain.value)["required"] == 2
    status = client.get_download_status()
    assert status.status == OperationStatus.SUCCESS
    assert status.status_details

    target = SecurityDomainClient(
        hsm_url.replace("https://sd-", "https://sd-target-"), credential, verify_challenge_resource=False
    )
    transfer = target.get_transfer_key()
    assert transfer.key_format == "jwk"
    assert transfer.transfer_key.kty == "RSA"
    assert transfer.transfer_key.x5_c and transfer.transfer_key.x5_t_s256
    prepared = _prepare_upload(domain.value, [certificates[2], certificates[0]], transfer.transfer_key)
    upload = target.begin_upload(SecurityDomain(value=prepared))
    assert upload.status().lower() == "inprogress"
    assert upload.result() is None
    assert target.get_upload_status().status == OperationStatus.SUCCESS


def test_upload_resumes_from_a_continuation_token(control, client, certificates):
    domain = client.begin_download(_info(certificates)).result()
    prepared = _prepare_upload(domain.value, certificates[:2], client.get_transfer_key().transfer_key)
    control.post("/admin-job-latency", {"ms": 1500})
    poller = client.begin_upload(SecurityDomain(value=prepared))
    token = poller.continuation_token()
    resumed = client.begin_upload(None, continuation_token=token)
    assert resumed.result() is None
    assert client.get_upload_status().status == OperationStatus.SUCCESS


def test_skip_activation_polling(control, client, certificates):
    control.post("/admin-job-latency", {"ms": 60000})
    poller = client.begin_download(_info(certificates, required=3), skip_activation_polling=True)
    assert poller.done()
    assert json.loads(poller.result().value)["required"] == 3
    assert client.get_download_status().status == OperationStatus.IN_PROGRESS
    # One security domain operation at a time.
    with pytest.raises(HttpResponseError) as error:
        client.begin_download(_info(certificates))
    assert error.value.status_code == 409


def test_a_domain_that_does_not_open_fails_the_upload(client, certificates):
    domain = client.begin_download(_info(certificates)).result()
    document = json.loads(_prepare_upload(domain.value, certificates[:2], client.get_transfer_key().transfer_key))
    for entry in document["domain"]["quorum"]:
        entry["ciphertext"] = entry["iv"]
    with pytest.raises(HttpResponseError):
        client.begin_upload(SecurityDomain(value=json.dumps(document))).result()
    assert client.get_upload_status().status == OperationStatus.FAILED


def test_bad_requests_are_bad_parameters(client, certificates):
    with pytest.raises(HttpResponseError) as error:
        client.begin_download(_info(certificates[:2]))
    assert error.value.status_code == 400
    assert error.value.error.code == "BadParameter"
    with pytest.raises(HttpResponseError) as error:
        client.begin_download(_info(certificates, required=4))
    assert error.value.status_code == 400
    client.get_transfer_key()
    with pytest.raises(HttpResponseError) as error:
        client.begin_upload(SecurityDomain(value="not a security domain"))
    assert error.value.status_code == 400
    assert error.value.error.code == "BadParameter"


def test_async_client(aio, hsm_url, certificates):
    import asyncio

    from azure.keyvault.securitydomain.aio import SecurityDomainClient as AioSecurityDomainClient

    async def scenario():
        async with aio.credential() as credential:
            async with aio.client(AioSecurityDomainClient, hsm_url, credential) as client:
                poller = await client.begin_download(_info(certificates))
                domain = await poller.result()
                assert (await client.get_download_status()).status == OperationStatus.SUCCESS
                transfer = await client.get_transfer_key()
                prepared = _prepare_upload(domain.value, certificates[1:], transfer.transfer_key)
                poller = await client.begin_upload(SecurityDomain(value=prepared))
                assert await poller.result() is None
                assert (await client.get_upload_status()).status == OperationStatus.SUCCESS

    asyncio.run(scenario())
