"""Every CertificateClient operation of the official azure-keyvault-certificates package against the emulator."""

import base64
import datetime
import uuid

import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.keyvault.certificates import (
    AdministratorContact,
    CertificateClient,
    CertificateContact,
    CertificateContentType,
    CertificatePolicy,
    WellKnownIssuerNames,
)
from azure.keyvault.secrets import SecretClient
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

UTC = datetime.timezone.utc
FAST = {"_polling_interval": 0.05}


@pytest.fixture(scope="module")
def certs(emulator_url, credential):
    return CertificateClient(vault_url=emulator_url, credential=credential, verify_challenge_resource=False)


@pytest.fixture(scope="module")
def secrets(emulator_url, credential):
    return SecretClient(vault_url=emulator_url, credential=credential, verify_challenge_resource=False)


@pytest.fixture
def cert_name():
    return "pyc-" + uuid.uuid4().hex[:12]


def _create(certs, name, policy=None, **kwargs):
    return certs.begin_create_certificate(name, policy or CertificatePolicy.get_default(), **FAST, **kwargs).result()


def _delete_and_purge(certs, name):
    certs.begin_delete_certificate(name, **FAST).wait()
    certs.purge_deleted_certificate(name)


def _self_signed_pfx(password):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "imported.example")])
    now = datetime.datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=90))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("imported.example")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    encryption = (
        serialization.BestAvailableEncryption(password.encode()) if password else serialization.NoEncryption()
    )
    pfx = pkcs12.serialize_key_and_certificates(b"imported", key, cert, None, encryption)
    return key, cert, pfx


def test_create_get_and_versions(certs, secrets, cert_name):
    policy = CertificatePolicy.get_default()
    created = _create(certs, cert_name, policy, tags={"suite": "conformance"})
    assert created.name == cert_name
    assert created.properties.tags == {"suite": "conformance"}
    assert created.policy.subject == "CN=DefaultPolicy"
    assert created.policy.issuer_name == "Self"
    assert created.policy.key_type == "RSA"
    assert created.policy.key_size == 2048
    assert created.policy.content_type == CertificateContentType.pkcs12
    cert = x509.load_der_x509_certificate(bytes(created.cer))
    assert cert.subject.rfc4514_string() == "CN=DefaultPolicy"
    assert created.properties.x509_thumbprint == cert.fingerprint(hashes.SHA1())
    assert created.key_id.endswith(f"/keys/{cert_name}/{created.properties.version}")
    assert created.secret_id.endswith(f"/secrets/{cert_name}/{created.properties.version}")

    # The managed secret is the PFX with the private key of the certificate.
    secret = secrets.get_secret(cert_name, created.properties.version)
    assert secret.properties.managed is True
    assert secret.properties.content_type == "application/x-pkcs12"
    key, leaf, _ = pkcs12.load_key_and_certificates(base64.b64decode(secret.value), None)
    assert leaf.public_bytes(serialization.Encoding.DER) == bytes(created.cer)
    assert key.public_key().public_numbers() == cert.public_key().public_numbers()

    fetched = certs.get_certificate(cert_name)
    assert fetched.id == created.id
    second = _create(certs, cert_name)
    assert second.properties.version != created.properties.version
    by_version = certs.get_certificate_version(cert_name, created.properties.version)
    assert by_version.properties.x509_thumbprint == created.properties.x509_thumbprint
    versions = list(certs.list_properties_of_certificate_versions(cert_name))
    assert {v.version for v in versions} == {created.properties.version, second.properties.version}
    _delete_and_purge(certs, cert_name)


def test_ec_pem_certificate(certs, secrets, cert_name):
    policy = CertificatePolicy(
        issuer_name=WellKnownIssuerNames.self,
        subject="CN=ec.example",
        san_dns_names=["ec.example", "www.ec.example"],
        key_type="EC",
        key_curve_name="P-384",
        content_type=CertificateContentType.pem,
        validity_in_months=6,
    )
    created = _create(certs, cert_name, policy)
    cert = x509.load_der_x509_certificate(bytes(created.cer))
    assert isinstance(cert.public_key(), ec.EllipticCurvePublicKey)
    assert cert.public_key().curve.name == "secp384r1"
    sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert sans.get_values_for_type(x509.DNSName) == ["ec.example", "www.ec.example"]
    secret = secrets.get_secret(cert_name)
    assert secret.properties.content_type == "application/x-pem-file"
    key = serialization.load_pem_private_key(secret.value.encode(), None)
    assert key.public_key().public_numbers() == cert.public_key().public_numbers()
    _delete_and_purge(certs, cert_name)


def test_import_pfx_with_and_without_password(certs, cert_name):
    key, cert, pfx = _self_signed_pfx("p4ss")
    imported = certs.import_certificate(cert_name, pfx, password="p4ss", tags={"imported": "yes"}, enabled=True)
    assert bytes(imported.cer) == cert.public_bytes(serialization.Encoding.DER)
    assert imported.policy.issuer_name == "Unknown"
    assert imported.policy.subject == "CN=imported.example"
    assert imported.properties.tags == {"imported": "yes"}
    with pytest.raises(HttpResponseError) as info:
        certs.import_certificate(cert_name + "-x", pfx, password="wrong")
    assert info.value.status_code == 400
    assert info.value.error.code == "BadParameter"
    _, _, plain = _self_signed_pfx(None)
    again = certs.import_certificate(cert_name + "-np", plain)
    assert again.name == cert_name + "-np"
    _delete_and_purge(certs, cert_name)
    _delete_and_purge(certs, cert_name + "-np")


def test_merge_unknown_issuer(certs, cert_name):
    policy = CertificatePolicy(issuer_name=WellKnownIssuerNames.unknown, subject="CN=merge.example")
    poller = certs.begin_create_certificate(cert_name, policy, **FAST)
    operation = poller.result()
    assert operation.status == "inProgress"
    assert operation.issuer_name == "Unknown"
    csr = x509.load_der_x509_csr(bytes(operation.csr))
    assert csr.subject.rfc4514_string() == "CN=merge.example"
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Conformance CA")])
    now = datetime.datetime.now(UTC)
    signed = (
        x509.CertificateBuilder()
        .subject_name(csr.subject)
        .issuer_name(ca_name)
        .public_key(csr.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(ca_key, hashes.SHA256())
    )
    merged = certs.merge_certificate(cert_name, [signed.public_bytes(serialization.Encoding.DER)])
    assert bytes(merged.cer) == signed.public_bytes(serialization.Encoding.DER)
    assert certs.get_certificate_operation(cert_name).status == "completed"
    assert certs.get_certificate(cert_name).properties.version == merged.properties.version
    _delete_and_purge(certs, cert_name)


def test_merge_with_another_key_is_refused(certs, cert_name):
    policy = CertificatePolicy(issuer_name=WellKnownIssuerNames.unknown, subject="CN=m")
    certs.begin_create_certificate(cert_name, policy, **FAST).result()
    _, stranger, _ = _self_signed_pfx(None)
    with pytest.raises(HttpResponseError) as info:
        certs.merge_certificate(cert_name, [stranger.public_bytes(serialization.Encoding.DER)])
    assert info.value.status_code == 400
    certs.delete_certificate_operation(cert_name)


def test_policy_get_and_update(certs, cert_name):
    _create(certs, cert_name)
    policy = certs.get_certificate_policy(cert_name)
    assert policy.subject == "CN=DefaultPolicy"
    assert policy.validity_in_months == 12
    updated = certs.update_certificate_policy(
        cert_name,
        CertificatePolicy(issuer_name=WellKnownIssuerNames.self, subject="CN=Updated", validity_in_months=3),
    )
    assert updated.subject == "CN=Updated"
    assert updated.validity_in_months == 3
    renewed = _create(certs, cert_name, updated)
    assert x509.load_der_x509_certificate(bytes(renewed.cer)).subject.rfc4514_string() == "CN=Updated"
    _delete_and_purge(certs, cert_name)


def test_update_certificate_properties(certs, cert_name):
    created = _create(certs, cert_name)
    updated = certs.update_certificate_properties(
        cert_name, created.properties.version, enabled=False, tags={"k": "v"}
    )
    assert updated.properties.enabled is False
    assert updated.properties.tags == {"k": "v"}
    latest = certs.update_certificate_properties(cert_name, enabled=True)
    assert latest.properties.enabled is True
    _delete_and_purge(certs, cert_name)


def test_operation_get_cancel_delete(certs, control, cert_name):
    control.post("/certificate-latency", {"ms": 60000})
    try:
        poller = certs.begin_create_certificate(cert_name, CertificatePolicy.get_default(), **FAST)
        operation = certs.get_certificate_operation(cert_name)
        assert operation.status == "inProgress"
        with pytest.raises(ResourceExistsError):
            certs.begin_create_certificate(cert_name, CertificatePolicy.get_default(), **FAST)
        cancelled = certs.cancel_certificate_operation(cert_name)
        assert cancelled.cancellation_requested is True
        assert certs.get_certificate_operation(cert_name).status == "cancelled"
        result = poller.result()
        assert result.status == "cancelled"
        deleted = certs.delete_certificate_operation(cert_name)
        assert deleted.name == cert_name
        with pytest.raises(ResourceNotFoundError):
            certs.get_certificate_operation(cert_name)
    finally:
        control.post("/certificate-latency", {"ms": 0})


def test_delete_get_deleted_recover_purge(certs, secrets, cert_name):
    created = _create(certs, cert_name)
    deleted = certs.begin_delete_certificate(cert_name, **FAST).result()
    assert deleted.name == cert_name
    assert deleted.recovery_id.endswith(f"/deletedcertificates/{cert_name}")
    assert deleted.deleted_on is not None and deleted.scheduled_purge_date is not None
    with pytest.raises(ResourceNotFoundError):
        certs.get_certificate(cert_name)
    with pytest.raises(ResourceNotFoundError):
        secrets.get_secret(cert_name)
    got = certs.get_deleted_certificate(cert_name)
    assert got.properties.x509_thumbprint == created.properties.x509_thumbprint
    assert cert_name in {c.name for c in certs.list_deleted_certificates(include_pending=True)}
    with pytest.raises(ResourceExistsError):
        _create(certs, cert_name)
    recovered = certs.begin_recover_deleted_certificate(cert_name, **FAST).result()
    assert recovered.id == created.id
    assert secrets.get_secret(cert_name).properties.managed is True
    _delete_and_purge(certs, cert_name)
    with pytest.raises(ResourceNotFoundError):
        certs.get_deleted_certificate(cert_name)


def test_list_properties_of_certificates(certs, cert_name):
    names = {f"{cert_name}-{i}" for i in range(3)}
    for name in names:
        _create(certs, name)
    listed = {c.name for c in certs.list_properties_of_certificates(max_page_size=1)}
    assert names <= listed
    with_pending = {c.name for c in certs.list_properties_of_certificates(include_pending=True)}
    assert names <= with_pending
    for name in names:
        _delete_and_purge(certs, name)


def test_backup_restore(certs, cert_name):
    created = _create(certs, cert_name)
    blob = certs.backup_certificate(cert_name)
    assert isinstance(blob, bytes) and blob
    _delete_and_purge(certs, cert_name)
    restored = certs.restore_certificate_backup(blob)
    assert restored.id == created.id
    assert restored.properties.x509_thumbprint == created.properties.x509_thumbprint
    with pytest.raises(ResourceExistsError):
        certs.restore_certificate_backup(blob)
    _delete_and_purge(certs, cert_name)


def test_contacts(certs):
    contacts = [
        CertificateContact(email="one@example.com", name="One", phone="1111"),
        CertificateContact(email="two@example.com"),
    ]
    set_ = certs.set_contacts(contacts)
    assert [c.email for c in set_] == ["one@example.com", "two@example.com"]
    got = certs.get_contacts()
    assert got[0].name == "One" and got[0].phone == "1111"
    deleted = certs.delete_contacts()
    assert len(deleted) == 2
    with pytest.raises(ResourceNotFoundError):
        certs.get_contacts()


def test_issuers(certs, cert_name):
    admin = AdministratorContact(first_name="Jane", last_name="Doe", email="jane@example.com", phone="42")
    issuer = certs.create_issuer(
        cert_name, "Test", account_id="acct", password="secret-pwd", admin_contacts=[admin], enabled=True
    )
    assert issuer.name == cert_name
    assert issuer.provider == "Test"
    assert issuer.account_id == "acct"
    assert issuer.password is None
    assert issuer.admin_contacts[0].email == "jane@example.com"
    got = certs.get_issuer(cert_name)
    assert got.enabled is True
    updated = certs.update_issuer(cert_name, provider="Other", enabled=False)
    assert updated.provider == "Other" and updated.enabled is False
    assert cert_name in {i.name for i in certs.list_properties_of_issuers()}
    deleted = certs.delete_issuer(cert_name)
    assert deleted.name == cert_name
    with pytest.raises(ResourceNotFoundError):
        certs.get_issuer(cert_name)


def test_not_found_errors(certs, cert_name):
    with pytest.raises(ResourceNotFoundError) as info:
        certs.get_certificate(cert_name)
    assert info.value.error.code == "CertificateNotFound"
    with pytest.raises(ResourceNotFoundError):
        certs.get_certificate_policy(cert_name)
    with pytest.raises(ResourceNotFoundError):
        certs.get_deleted_certificate(cert_name)
    # The client itself refuses a policy with neither a subject nor subject alternative names
    # (the emulator's BadParameter for it is covered by the Rust tests).
    with pytest.raises(ValueError):
        certs.begin_create_certificate(cert_name, CertificatePolicy(issuer_name="Self"), **FAST)


def test_import_pem(certs, secrets, cert_name):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pem.example")])
    now = datetime.datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ) + cert.public_bytes(serialization.Encoding.PEM)
    policy = CertificatePolicy(
        issuer_name=WellKnownIssuerNames.unknown,
        subject="CN=pem.example",
        content_type=CertificateContentType.pem,
        key_type="EC",
        key_curve_name="P-256",
        exportable=True,
    )
    imported = certs.import_certificate(cert_name, pem, policy=policy, tags={"format": "pem"})
    assert bytes(imported.cer) == cert.public_bytes(serialization.Encoding.DER)
    assert imported.policy.content_type == CertificateContentType.pem
    assert imported.policy.key_type == "EC"
    assert imported.properties.tags == {"format": "pem"}
    assert imported.properties.x509_thumbprint == cert.fingerprint(hashes.SHA1())
    assert imported.properties.not_before is not None and imported.properties.expires_on is not None

    # The managed secret is PEM again, with the same private key.
    secret = secrets.get_secret(cert_name)
    assert secret.properties.content_type == "application/x-pem-file"
    assert secret.properties.key_id == imported.key_id
    private = serialization.load_pem_private_key(secret.value.encode(), None)
    assert private.public_key().public_numbers() == key.public_key().public_numbers()
    assert x509.load_pem_x509_certificate(secret.value.encode()) == cert

    with pytest.raises(HttpResponseError) as info:
        certs.import_certificate(cert_name + "-nokey", cert.public_bytes(serialization.Encoding.PEM), policy=policy)
    assert info.value.status_code == 400
    assert info.value.error.code == "BadParameter"
    _delete_and_purge(certs, cert_name)


def test_async_certificate_client(aio, cert_name):
    import asyncio

    from azure.keyvault.certificates.aio import CertificateClient as AioCertificateClient

    async def scenario():
        async with aio.credential() as credential, aio.client(AioCertificateClient, aio.url, credential) as certs:
            policy = CertificatePolicy(
                issuer_name=WellKnownIssuerNames.self, subject="CN=async.example", validity_in_months=2
            )
            created = await certs.create_certificate(cert_name, policy, tags={"io": "async"}, **FAST)
            cert = x509.load_der_x509_certificate(bytes(created.cer))
            assert cert.subject.rfc4514_string() == "CN=async.example"
            assert (await certs.get_certificate(cert_name)).properties.x509_thumbprint == cert.fingerprint(
                hashes.SHA1()
            )
            assert (await certs.get_certificate_operation(cert_name)).status == "completed"
            assert (await certs.get_certificate_policy(cert_name)).validity_in_months == 2
            updated = await certs.update_certificate_properties(cert_name, tags={"io": "updated"})
            assert updated.properties.tags == {"io": "updated"}
            assert cert_name in {c.name async for c in certs.list_properties_of_certificates()}
            versions = [v async for v in certs.list_properties_of_certificate_versions(cert_name)]
            assert [v.version for v in versions] == [created.properties.version]
            await certs.set_contacts([CertificateContact(email="async@example.com")])
            assert [c.email for c in await certs.get_contacts()] == ["async@example.com"]
            await certs.delete_contacts()

            backup = await certs.backup_certificate(cert_name)
            deleted = await certs.delete_certificate(cert_name, **FAST)
            assert deleted.recovery_id.endswith(f"/deletedcertificates/{cert_name}")
            assert cert_name in {d.name async for d in certs.list_deleted_certificates()}
            recovered = await certs.recover_deleted_certificate(cert_name, **FAST)
            assert recovered.id == created.id
            await certs.delete_certificate(cert_name, **FAST)
            await certs.purge_deleted_certificate(cert_name)
            restored = await certs.restore_certificate_backup(backup)
            assert restored.properties.x509_thumbprint == created.properties.x509_thumbprint
            await certs.delete_certificate(cert_name, **FAST)
            await certs.purge_deleted_certificate(cert_name)

    asyncio.run(scenario())
