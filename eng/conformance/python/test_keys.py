"""Every KeyClient and CryptographyClient operation of the official azure-keyvault-keys package
against the emulator: the default vault (Key Vault flavour) and a Managed HSM reached by name."""

import base64
import datetime
import hashlib
import json
import urllib.parse
import uuid

import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.keyvault.keys import (
    JsonWebKey,
    KeyCurveName,
    KeyReleasePolicy,
    KeyRotationLifetimeAction,
    KeyRotationPolicy,
    KeyRotationPolicyAction,
    KeyType,
)
from azure.keyvault.keys.crypto import (
    CryptographyClient,
    EncryptionAlgorithm,
    KeyWrapAlgorithm,
    SignatureAlgorithm,
)
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap_with_padding

UTC = datetime.timezone.utc


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _crypto(key_or_id, credential):
    return CryptographyClient(key_or_id, credential, verify_challenge_resource=False)


def _remote_only(control, key_id, credential):
    """A CryptographyClient that goes to the service for every operation, public ones included.

    The SDK downloads the key on first use and then encrypts, wraps and verifies locally; a 403
    on that download (a principal without keys/get) makes it stay remote for good.
    """
    client = _crypto(key_id, credential)
    control.post("/faults", {"kind": "status", "status": 403, "count": 1})
    return client


def _operations(control, key_id):
    path = urllib.parse.urlsplit(key_id).path
    return [
        r["path"][len(path) + 1 :].lower()
        for r in control.requests()
        if r["method"] == "POST" and r["path"].startswith(path + "/") and r["status"] == 200
    ]


def _purge(client, name):
    client.begin_delete_key(name).wait()
    client.purge_deleted_key(name)


def test_create_rsa_get_update_and_versions(key_client, name):
    expires_on = datetime.datetime(2099, 1, 1, tzinfo=UTC)
    first = key_client.create_rsa_key(name, size=3072, tags={"team": "conformance"}, expires_on=expires_on)
    assert first.name == name
    assert first.key_type == KeyType.rsa
    assert len(first.key.n) * 8 == 3072
    assert first.key.e == b"\x01\x00\x01"
    assert first.key.d is None
    assert first.properties.tags == {"team": "conformance"}
    assert first.properties.expires_on == expires_on
    assert first.properties.recovery_level == "Recoverable+Purgeable"
    assert first.properties.recoverable_days == 90
    assert set(first.key_operations) == {"encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"}

    second = key_client.create_rsa_key(name, hardware_protected=True, key_operations=["sign", "verify"])
    assert second.key_type == KeyType.rsa_hsm
    assert second.properties.version != first.properties.version

    latest = key_client.get_key(name)
    assert latest.properties.version == second.properties.version
    old = key_client.get_key(name, version=first.properties.version)
    assert old.key.n == first.key.n

    updated = key_client.update_key_properties(
        name, version=first.properties.version, enabled=False, tags={"x": "y"}, key_operations=["encrypt"]
    )
    assert updated.properties.enabled is False
    assert updated.properties.tags == {"x": "y"}
    assert updated.key_operations == ["encrypt"]

    versions = list(key_client.list_properties_of_key_versions(name))
    assert sorted(v.version for v in versions) == sorted([first.properties.version, second.properties.version])
    _purge(key_client, name)


def test_create_ec_every_curve_and_list(key_client, name):
    names = []
    for curve in (KeyCurveName.p_256, KeyCurveName.p_256_k, KeyCurveName.p_384, KeyCurveName.p_521):
        key_name = f"{name}-{curve.value.replace('-', '')}"
        key = key_client.create_ec_key(key_name, curve=curve)
        assert key.key.crv == curve
        assert key.key_type == KeyType.ec
        names.append(key_name)
    listed = {k.name for k in key_client.list_properties_of_keys(max_page_size=2)}
    assert set(names) <= listed
    for key_name in names:
        _purge(key_client, key_name)


def test_oct_keys_are_managed_hsm_only(key_client, hsm_client, name):
    with pytest.raises(HttpResponseError) as raised:
        key_client.create_oct_key(name, size=256)
    assert raised.value.status_code == 400
    assert raised.value.error.code == "BadParameter"
    assert "Invalid kty value" in raised.value.message

    key = hsm_client.create_oct_key(name, size=256, hardware_protected=True)
    assert key.key_type == KeyType.oct_hsm
    assert key.properties.exportable is False
    _purge(hsm_client, name)


def test_import_key_with_private_parts(key_client, credential, name):
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    numbers = private.private_numbers()

    def to_bytes(value):
        return value.to_bytes((value.bit_length() + 7) // 8, "big")

    jwk = JsonWebKey(
        kty=KeyType.rsa,
        n=to_bytes(numbers.public_numbers.n),
        e=to_bytes(numbers.public_numbers.e),
        d=to_bytes(numbers.d),
        p=to_bytes(numbers.p),
        q=to_bytes(numbers.q),
        dp=to_bytes(numbers.dmp1),
        dq=to_bytes(numbers.dmq1),
        qi=to_bytes(numbers.iqmp),
    )
    imported = key_client.import_key(name, jwk, hardware_protected=True, tags={"src": "python"})
    assert imported.key_type == KeyType.rsa_hsm
    assert imported.key.n == jwk.n
    assert imported.key.d is None

    # The emulator signs with the imported key; the local private key's public half verifies.
    digest = hashlib.sha256(b"imported").digest()
    signed = _crypto(imported.id, credential).sign(SignatureAlgorithm.rs256, digest)
    private.public_key().verify(
        signed.signature, b"imported", padding.PKCS1v15(), hashes.SHA256()
    )

    with pytest.raises(HttpResponseError) as raised:
        key_client.import_key(name + "-bad", JsonWebKey(kty=KeyType.rsa, n=jwk.n, e=jwk.e))
    assert raised.value.status_code == 400
    _purge(key_client, name)


def test_delete_get_deleted_list_recover_and_purge(key_client, name):
    key_client.create_ec_key(name)
    deleted = key_client.begin_delete_key(name).result()
    assert deleted.name == name
    assert deleted.recovery_id.endswith(f"/deletedkeys/{name}")
    assert deleted.scheduled_purge_date > deleted.deleted_date
    assert key_client.get_deleted_key(name).name == name
    assert name in {k.name for k in key_client.list_deleted_keys()}
    with pytest.raises(ResourceExistsError) as raised:
        key_client.create_ec_key(name)
    assert raised.value.error.innererror["code"] == "ObjectIsDeletedButRecoverable"

    recovered = key_client.begin_recover_deleted_key(name).result()
    assert recovered.name == name
    assert key_client.get_key(name).name == name

    _purge(key_client, name)
    with pytest.raises(ResourceNotFoundError) as raised:
        key_client.get_key(name)
    assert raised.value.error.code == "KeyNotFound"
    with pytest.raises(ResourceNotFoundError):
        key_client.get_deleted_key(name)


def test_backup_and_restore(key_client, name):
    original = key_client.create_rsa_key(name)
    backup = key_client.backup_key(name)
    assert isinstance(backup, bytes) and len(backup) > 100
    _purge(key_client, name)
    restored = key_client.restore_key_backup(backup)
    assert restored.name == name
    assert restored.key.n == original.key.n
    with pytest.raises(ResourceExistsError):
        key_client.restore_key_backup(backup)
    _purge(key_client, name)


def test_rotate_and_rotation_policy(key_client, name):
    key_client.create_ec_key(name, curve=KeyCurveName.p_384)
    default = key_client.get_key_rotation_policy(name)
    assert [a.action for a in default.lifetime_actions] == [KeyRotationPolicyAction.notify]

    policy = KeyRotationPolicy(
        expires_in="P2Y",
        lifetime_actions=[
            KeyRotationLifetimeAction(KeyRotationPolicyAction.rotate, time_after_create="P90D"),
            KeyRotationLifetimeAction(KeyRotationPolicyAction.notify, time_before_expiry="P30D"),
        ],
    )
    updated = key_client.update_key_rotation_policy(name, policy)
    assert updated.expires_in == "P2Y"
    assert updated.id.endswith(f"/keys/{name}/rotationpolicy")
    actions = {a.action: a for a in updated.lifetime_actions}
    assert actions[KeyRotationPolicyAction.rotate].time_after_create == "P90D"
    assert actions[KeyRotationPolicyAction.notify].time_before_expiry == "P30D"
    assert key_client.get_key_rotation_policy(name).expires_in == "P2Y"

    rotated = key_client.rotate_key(name)
    assert rotated.key.crv == KeyCurveName.p_384
    assert rotated.properties.expires_on is not None
    assert len(list(key_client.list_properties_of_key_versions(name))) == 2

    with pytest.raises(HttpResponseError) as raised:
        key_client.update_key_rotation_policy(name, KeyRotationPolicy(expires_in="P1D"))
    assert raised.value.status_code == 400
    _purge(key_client, name)


def test_get_random_bytes(key_client, hsm_client):
    for count in (1, 32, 128):
        assert len(hsm_client.get_random_bytes(count)) == count
    with pytest.raises(HttpResponseError) as raised:
        hsm_client.get_random_bytes(129)
    assert raised.value.status_code == 400
    # Key Vault answers GetRandomBytes with an error: it is a Managed HSM operation.
    with pytest.raises(HttpResponseError) as raised:
        key_client.get_random_bytes(4)
    assert raised.value.status_code == 400


def _attestation_token(authority, runtime_public):
    numbers = runtime_public.public_numbers()
    claims = {
        "iss": authority,
        "x-ms-isolation-tee": {"x-ms-attestation-type": "sevsnpvm"},
        "x-ms-runtime": {
            "keys": [
                {
                    "kid": "TpmEphemeralEncryptionKey",
                    "kty": "RSA",
                    "key_ops": ["encrypt"],
                    "n": _b64(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")),
                    "e": _b64(numbers.e.to_bytes(3, "big")),
                }
            ]
        },
    }
    header = {"alg": "RS256", "typ": "JWT"}
    return ".".join(
        [_b64(json.dumps(header).encode()), _b64(json.dumps(claims).encode()), _b64(b"signature")]
    )


def test_release_key(key_client, name):
    authority = "https://sharedeus.eus.attest.azure.net"
    rules = {
        "version": "1.0.0",
        "anyOf": [
            {
                "authority": authority,
                "allOf": [{"claim": "x-ms-isolation-tee.x-ms-attestation-type", "equals": "sevsnpvm"}],
            }
        ],
    }
    policy = KeyReleasePolicy(json.dumps(rules).encode())
    key = key_client.create_ec_key(
        name, curve=KeyCurveName.p_256, hardware_protected=True, exportable=True, release_policy=policy
    )
    assert key.properties.exportable is True
    assert key.properties.release_policy.encoded_policy == json.dumps(rules).encode()

    runtime = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = _attestation_token(authority, runtime.public_key())
    released = key_client.release_key(name, token, nonce="python-nonce")
    parts = released.value.split(".")
    assert len(parts) == 3
    payload = json.loads(_unb64(parts[1]))
    assert payload["request"]["nonce"] == "python-nonce"
    key_hsm = json.loads(_unb64(payload["response"]["key"]["key"]["key_hsm"]))
    ciphertext = _unb64(key_hsm["ciphertext"])
    # CKM_RSA_AES_KEY_WRAP: RSA-OAEP(SHA-1) of an AES key, then the PKCS#8 key wrapped with it.
    aes = runtime.decrypt(
        ciphertext[:256], padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None)
    )
    pkcs8 = aes_key_unwrap_with_padding(aes, ciphertext[256:])
    private = serialization.load_der_private_key(pkcs8, password=None)
    x = private.public_key().public_numbers().x.to_bytes(32, "big")
    assert x == key.key.x

    with pytest.raises(HttpResponseError) as raised:
        key_client.release_key(name, "not-a-jwt")
    assert raised.value.status_code == 400
    _purge(key_client, name)


def test_release_key_on_managed_hsm_with_rsa_aes_key_wrap_256(hsm_client, name):
    from azure.keyvault.keys import KeyExportEncryptionAlgorithm

    authority = "https://sharedweu.weu.attest.azure.net"
    rules = {
        "version": "1.0.0",
        "anyOf": [
            {
                "authority": authority,
                "allOf": [{"claim": "x-ms-isolation-tee.x-ms-attestation-type", "equals": "sevsnpvm"}],
            }
        ],
    }
    key = hsm_client.create_rsa_key(
        name,
        size=2048,
        hardware_protected=True,
        exportable=True,
        release_policy=KeyReleasePolicy(json.dumps(rules).encode()),
    )
    # A release policy not marked immutable can be replaced.
    rules["anyOf"][0]["authority"] = authority + "/"
    updated = hsm_client.update_key_properties(name, release_policy=KeyReleasePolicy(json.dumps(rules).encode()))
    assert json.loads(updated.properties.release_policy.encoded_policy)["anyOf"][0]["authority"] == authority + "/"

    runtime = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    released = hsm_client.release_key(
        name,
        _attestation_token(authority, runtime.public_key()),
        version=key.properties.version,
        algorithm=KeyExportEncryptionAlgorithm.rsa_aes_key_wrap_256,
    )
    payload = json.loads(_unb64(released.value.split(".")[1]))
    key_hsm = json.loads(_unb64(payload["response"]["key"]["key"]["key_hsm"]))
    ciphertext = _unb64(key_hsm["ciphertext"])
    aes = runtime.decrypt(
        ciphertext[:256], padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    )
    private = serialization.load_der_private_key(aes_key_unwrap_with_padding(aes, ciphertext[256:]), password=None)
    assert private.public_key().public_numbers().n == int.from_bytes(key.key.n, "big")
    _purge(hsm_client, name)


def test_crypto_rsa_every_algorithm(key_client, credential, name):
    key = key_client.create_rsa_key(name, size=2048)
    remote = _crypto(key.id, credential)  # gets the key, then works locally where it can
    local_key = _crypto(key, credential)
    plaintext = b"conformance plaintext"
    for alg in (EncryptionAlgorithm.rsa1_5, EncryptionAlgorithm.rsa_oaep, EncryptionAlgorithm.rsa_oaep_256):
        encrypted = local_key.encrypt(alg, plaintext)
        assert remote.decrypt(alg, encrypted.ciphertext).plaintext == plaintext
    for alg in (KeyWrapAlgorithm.rsa1_5, KeyWrapAlgorithm.rsa_oaep, KeyWrapAlgorithm.rsa_oaep_256):
        wrapped = local_key.wrap_key(alg, b"k" * 32)
        assert remote.unwrap_key(alg, wrapped.encrypted_key).key == b"k" * 32
    for alg, hash_fn in (
        (SignatureAlgorithm.rs256, hashlib.sha256),
        (SignatureAlgorithm.rs384, hashlib.sha384),
        (SignatureAlgorithm.rs512, hashlib.sha512),
        (SignatureAlgorithm.ps256, hashlib.sha256),
        (SignatureAlgorithm.ps384, hashlib.sha384),
        (SignatureAlgorithm.ps512, hashlib.sha512),
    ):
        digest = hash_fn(b"signed").digest()
        signature = remote.sign(alg, digest).signature
        assert local_key.verify(alg, digest, signature).is_valid
        assert not local_key.verify(alg, hash_fn(b"other").digest(), signature).is_valid
    _purge(key_client, name)


def test_crypto_ec_every_curve(key_client, credential, name):
    for curve, alg, hash_fn, size in (
        (KeyCurveName.p_256, SignatureAlgorithm.es256, hashlib.sha256, 32),
        (KeyCurveName.p_256_k, SignatureAlgorithm.es256_k, hashlib.sha256, 32),
        (KeyCurveName.p_384, SignatureAlgorithm.es384, hashlib.sha384, 48),
        (KeyCurveName.p_521, SignatureAlgorithm.es512, hashlib.sha512, 66),
    ):
        key_name = f"{name}-{curve.value.replace('-', '')}"
        key = key_client.create_ec_key(key_name, curve=curve)
        client = _crypto(key.id, credential)
        digest = hash_fn(b"ecdsa").digest()
        signed = client.sign(alg, digest)
        assert len(signed.signature) == 2 * size
        assert client.verify(alg, digest, signed.signature).is_valid
        # The raw r||s signature verifies with `cryptography` and the returned public key.
        r = int.from_bytes(signed.signature[:size], "big")
        s = int.from_bytes(signed.signature[size:], "big")
        curve_obj = {
            KeyCurveName.p_256: ec.SECP256R1(),
            KeyCurveName.p_256_k: ec.SECP256K1(),
            KeyCurveName.p_384: ec.SECP384R1(),
            KeyCurveName.p_521: ec.SECP521R1(),
        }[curve]
        public = ec.EllipticCurvePublicNumbers(
            int.from_bytes(key.key.x, "big"), int.from_bytes(key.key.y, "big"), curve_obj
        ).public_key()
        from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

        hash_alg = {32: hashes.SHA256(), 48: hashes.SHA384(), 66: hashes.SHA512()}[size]
        public.verify(encode_dss_signature(r, s), digest, ec.ECDSA(Prehashed(hash_alg)))
        _purge(key_client, key_name)


def test_crypto_aes_on_managed_hsm(hsm_client, credential, control, name):
    key = hsm_client.create_oct_key(name, size=256, hardware_protected=True)
    # Remote only: with the key downloaded (no `k`), the SDK would run AES-KW and A256CBCPAD
    # locally with a key of its own and never reach the HSM.
    client = _remote_only(control, key.id, credential)
    plaintext = b"sixteen byte msg" * 2
    encrypted = client.encrypt(EncryptionAlgorithm.a256_gcm, plaintext, additional_authenticated_data=b"aad")
    assert len(encrypted.iv) == 12 and len(encrypted.tag) == 16
    decrypted = client.decrypt(
        EncryptionAlgorithm.a256_gcm,
        encrypted.ciphertext,
        iv=encrypted.iv,
        authentication_tag=encrypted.tag,
        additional_authenticated_data=b"aad",
    )
    assert decrypted.plaintext == plaintext
    iv = uuid.uuid4().bytes
    for alg in (EncryptionAlgorithm.a256_cbc, EncryptionAlgorithm.a256_cbcpad):
        encrypted = client.encrypt(alg, plaintext, iv=iv)
        assert client.decrypt(alg, encrypted.ciphertext, iv=encrypted.iv).plaintext == plaintext
    for alg in (KeyWrapAlgorithm.aes_256, KeyWrapAlgorithm.ckm_aes_key_wrap):
        wrapped = client.wrap_key(alg, b"w" * 32)
        assert client.unwrap_key(alg, wrapped.encrypted_key).key == b"w" * 32
    ops = _operations(control, key.id)
    assert ops.count("encrypt") == 3 and ops.count("decrypt") == 3
    assert ops.count("wrapkey") == 2 and ops.count("unwrapkey") == 2
    _purge(hsm_client, name)


def test_crypto_errors(key_client, credential, name):
    key = key_client.create_ec_key(name, key_operations=["verify"])
    client = _crypto(key.id, credential)
    with pytest.raises(HttpResponseError) as raised:
        client.sign(SignatureAlgorithm.es256, hashlib.sha256(b"x").digest())
    assert raised.value.status_code == 403
    assert raised.value.error.innererror["code"] == "KeyOperationForbidden"
    with pytest.raises(ResourceNotFoundError):
        _crypto(key.id.rsplit("/", 2)[0] + "/missing", credential).sign(
            SignatureAlgorithm.es256, hashlib.sha256(b"x").digest()
        )
    _purge(key_client, name)


def test_create_key_every_type(key_client, hsm_client, name):
    # 65537: other exponents take the emulator's unoptimised debug build tens of seconds to generate.
    rsa_key = key_client.create_key(name + "-rsa", KeyType.rsa, size=2048, public_exponent=65537)
    assert rsa_key.key_type == KeyType.rsa
    assert len(rsa_key.key.n) * 8 == 2048
    assert rsa_key.key.e == b"\x01\x00\x01"
    ec_key = key_client.create_key(name + "-ec", KeyType.ec_hsm, curve=KeyCurveName.p_521)
    assert ec_key.key_type == KeyType.ec_hsm
    assert ec_key.key.crv == KeyCurveName.p_521
    assert len(ec_key.key.x) == 66
    not_before = datetime.datetime(2024, 6, 1, tzinfo=UTC)
    oct_key = hsm_client.create_key(name + "-oct", KeyType.oct_hsm, size=128, not_before=not_before, enabled=False)
    assert oct_key.key_type == KeyType.oct_hsm
    assert oct_key.key.k is None  # symmetric material never leaves the HSM
    assert oct_key.properties.not_before == not_before
    assert oct_key.properties.enabled is False
    with pytest.raises(HttpResponseError) as raised:
        key_client.create_key(name + "-oct", KeyType.oct_hsm)
    assert raised.value.error.code == "BadParameter"
    assert raised.value.error.innererror["code"] == "KeyTypeNotSupported"
    for client, key_name in ((key_client, name + "-rsa"), (key_client, name + "-ec"), (hsm_client, name + "-oct")):
        _purge(client, key_name)


def test_managed_hsm_key_lifecycle(hsm_client, name):
    """The KeyClient surface on the Managed HSM flavour: ids on the HSM host, versions, update,
    backup/restore and the deleted-key lifecycle."""
    first = hsm_client.create_rsa_key(name, size=3072, hardware_protected=True, tags={"on": "hsm"})
    assert first.key_type == KeyType.rsa_hsm
    assert first.id.startswith(hsm_client.vault_url.rstrip("/") + f"/keys/{name}/")
    assert first.properties.managed is None
    second = hsm_client.create_rsa_key(name, size=2048, hardware_protected=True)
    versions = {p.version for p in hsm_client.list_properties_of_key_versions(name)}
    assert versions == {first.properties.version, second.properties.version}
    assert name in {p.name for p in hsm_client.list_properties_of_keys()}

    updated = hsm_client.update_key_properties(name, expires_on=datetime.datetime(2098, 1, 1, tzinfo=UTC))
    assert updated.properties.version == second.properties.version
    assert updated.properties.expires_on.year == 2098

    policy = hsm_client.update_key_rotation_policy(
        name,
        KeyRotationPolicy(
            expires_in="P1Y",
            lifetime_actions=[KeyRotationLifetimeAction(KeyRotationPolicyAction.rotate, time_after_create="P30D")],
        ),
    )
    assert policy.expires_in == "P1Y"
    assert hsm_client.get_key_rotation_policy(name).lifetime_actions[0].time_after_create == "P30D"
    rotated = hsm_client.rotate_key(name)
    assert rotated.key_type == KeyType.rsa_hsm
    assert len(rotated.key.n) * 8 == 2048  # the latest version's size
    assert rotated.properties.expires_on is not None  # from the policy's expires_in

    backup = hsm_client.backup_key(name)
    deleted = hsm_client.begin_delete_key(name).result()
    assert deleted.recovery_id == hsm_client.vault_url.rstrip("/") + f"/deletedkeys/{name}"
    assert deleted.key.n == rotated.key.n
    listed = [d for d in hsm_client.list_deleted_keys() if d.name == name]
    assert len(listed) == 1 and listed[0].recovery_id == deleted.recovery_id
    assert hsm_client.get_deleted_key(name).properties.version == rotated.properties.version
    recovered = hsm_client.begin_recover_deleted_key(name).result()
    assert recovered.properties.version == rotated.properties.version
    assert hsm_client.get_key(name, first.properties.version).key.n == first.key.n

    _purge(hsm_client, name)
    with pytest.raises(ResourceNotFoundError):
        hsm_client.get_key(name)
    restored = hsm_client.restore_key_backup(backup)
    assert restored.id == rotated.id
    assert restored.properties.tags is None
    assert len(list(hsm_client.list_properties_of_key_versions(name))) == 3
    _purge(hsm_client, name)


def test_managed_hsm_import_symmetric_and_ec(hsm_client, credential, control, name):
    aes = uuid.uuid4().bytes + uuid.uuid4().bytes
    imported = hsm_client.import_key(name, JsonWebKey(kty=KeyType.oct_hsm, k=aes, key_ops=["wrapKey", "unwrapKey"]))
    assert imported.key_type == KeyType.oct_hsm
    assert imported.key.k is None
    assert set(imported.key_operations) == {"wrapKey", "unwrapKey"}
    # The HSM wraps with the imported AES key: `cryptography` unwraps with the same bytes. (Remote
    # only: the service never returns `k`, and the SDK would wrap "locally" with a random key.)
    from cryptography.hazmat.primitives.keywrap import aes_key_unwrap

    wrapped = _remote_only(control, imported.id, credential).wrap_key(KeyWrapAlgorithm.aes_256, b"q" * 32)
    assert aes_key_unwrap(aes, wrapped.encrypted_key) == b"q" * 32

    private = ec.generate_private_key(ec.SECP384R1())
    numbers = private.private_numbers()
    jwk = JsonWebKey(
        kty=KeyType.ec_hsm,
        crv=KeyCurveName.p_384,
        x=numbers.public_numbers.x.to_bytes(48, "big"),
        y=numbers.public_numbers.y.to_bytes(48, "big"),
        d=numbers.private_value.to_bytes(48, "big"),
    )
    ec_key = hsm_client.import_key(name + "-ec", jwk)
    assert ec_key.key.x == jwk.x and ec_key.key.d is None
    digest = hashlib.sha384(b"imported ec").digest()
    signature = _crypto(ec_key.id, credential).sign(SignatureAlgorithm.es384, digest).signature
    from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

    private.public_key().verify(
        encode_dss_signature(int.from_bytes(signature[:48], "big"), int.from_bytes(signature[48:], "big")),
        digest,
        ec.ECDSA(Prehashed(hashes.SHA384())),
    )
    _purge(hsm_client, name)
    _purge(hsm_client, name + "-ec")


def test_get_key_attestation(hsm_client, key_client, name):
    from cryptography import x509

    key = hsm_client.create_ec_key(name, curve=KeyCurveName.p_384, hardware_protected=True)
    attested = hsm_client.get_key_attestation(name)
    assert attested.id == key.id
    assert attested.key.x == key.key.x
    attestation = attested.properties.attestation
    assert attestation is not None and attestation.version
    assert x509.load_pem_x509_certificate(attestation.certificate_pem_file).subject
    assert attestation.private_key_attestation and attestation.public_key_attestation
    by_version = hsm_client.get_key_attestation(name, version=key.properties.version)
    assert by_version.properties.version == key.properties.version
    # Only HSM-protected keys have an attestation; a plain get carries none.
    assert hsm_client.get_key(name).properties.attestation is None
    software = key_client.create_ec_key(name)
    with pytest.raises(HttpResponseError) as raised:
        key_client.get_key_attestation(software.name)
    assert raised.value.status_code == 400
    assert raised.value.error.code == "BadParameter"
    _purge(hsm_client, name)
    _purge(key_client, name)


def test_get_cryptography_client(key_client, name):
    first = key_client.create_rsa_key(name, size=2048)
    second = key_client.create_rsa_key(name, size=2048)
    latest = key_client.get_cryptography_client(name)
    pinned = key_client.get_cryptography_client(name, key_version=first.properties.version)
    assert pinned.key_id == first.id
    encrypted = latest.encrypt(EncryptionAlgorithm.rsa_oaep_256, b"latest")
    assert encrypted.key_id == second.id
    assert latest.decrypt(EncryptionAlgorithm.rsa_oaep_256, encrypted.ciphertext).plaintext == b"latest"
    encrypted = pinned.encrypt(EncryptionAlgorithm.rsa_oaep_256, b"pinned")
    assert encrypted.key_id == first.id
    assert pinned.decrypt(EncryptionAlgorithm.rsa_oaep_256, encrypted.ciphertext).plaintext == b"pinned"
    # Each version has its own key pair: the latest version cannot decrypt the first's ciphertext.
    with pytest.raises(HttpResponseError) as raised:
        latest.decrypt(EncryptionAlgorithm.rsa_oaep_256, encrypted.ciphertext)
    assert raised.value.status_code == 400
    _purge(key_client, name)


def test_crypto_remote_only_rsa(key_client, credential, control, name):
    key = key_client.create_rsa_key(name, size=2048)
    client = _remote_only(control, key.id, credential)
    public = CryptographyClient.from_jwk(key.key)
    for alg in (EncryptionAlgorithm.rsa1_5, EncryptionAlgorithm.rsa_oaep, EncryptionAlgorithm.rsa_oaep_256):
        encrypted = client.encrypt(alg, b"remote plaintext")
        assert encrypted.key_id == key.id and encrypted.algorithm == alg
        assert client.decrypt(alg, encrypted.ciphertext).plaintext == b"remote plaintext"
    for alg in (KeyWrapAlgorithm.rsa1_5, KeyWrapAlgorithm.rsa_oaep, KeyWrapAlgorithm.rsa_oaep_256):
        wrapped = client.wrap_key(alg, b"c" * 32)
        assert client.unwrap_key(alg, wrapped.encrypted_key).key == b"c" * 32
    digest = hashlib.sha384(b"remote").digest()
    for alg in (SignatureAlgorithm.rs384, SignatureAlgorithm.ps384):
        signature = client.sign(alg, digest).signature
        assert client.verify(alg, digest, signature).is_valid
        assert not client.verify(alg, hashlib.sha384(b"tampered").digest(), signature).is_valid
        # The local client with the JWK the emulator returned agrees with the service.
        assert public.verify(alg, digest, signature).is_valid
    ops = _operations(control, key.id)
    assert ops.count("encrypt") == 3 and ops.count("wrapkey") == 3 and ops.count("verify") == 4
    _purge(key_client, name)


def test_crypto_remote_only_ec(key_client, credential, control, name):
    for curve, alg, hash_fn in (
        (KeyCurveName.p_256, SignatureAlgorithm.es256, hashlib.sha256),
        (KeyCurveName.p_521, SignatureAlgorithm.es512, hashlib.sha512),
    ):
        key_name = f"{name}-{curve.value.replace('-', '')}"
        key = key_client.create_ec_key(key_name, curve=curve)
        client = _remote_only(control, key.id, credential)
        digest = hash_fn(b"remote ecdsa").digest()
        signature = client.sign(alg, digest).signature
        assert client.verify(alg, digest, signature).is_valid
        assert not client.verify(alg, hash_fn(b"other").digest(), signature).is_valid
        assert CryptographyClient.from_jwk(key.key).verify(alg, digest, signature).is_valid
        assert _operations(control, key.id) == ["sign", "verify", "verify"]
        _purge(key_client, key_name)


def test_crypto_local_with_the_emulators_jwk(key_client, credential, name):
    """`from_jwk` works on the public JWK the emulator returns: encrypt and wrap locally, decrypt
    and unwrap remotely, verify locally what the service signed."""
    rsa_key = key_client.create_rsa_key(name, size=4096)
    local = CryptographyClient.from_jwk(rsa_key.key)
    assert local.key_id == rsa_key.id
    remote = _crypto(rsa_key.id, credential)
    encrypted = local.encrypt(EncryptionAlgorithm.rsa_oaep_256, b"local to remote")
    assert remote.decrypt(EncryptionAlgorithm.rsa_oaep_256, encrypted.ciphertext).plaintext == b"local to remote"
    wrapped = local.wrap_key(KeyWrapAlgorithm.rsa_oaep, b"x" * 16)
    assert remote.unwrap_key(KeyWrapAlgorithm.rsa_oaep, wrapped.encrypted_key).key == b"x" * 16
    # The public JWK cannot decrypt; a local-only client says so instead of calling the service.
    with pytest.raises(NotImplementedError):
        local.decrypt(EncryptionAlgorithm.rsa_oaep_256, encrypted.ciphertext)

    ec_key = key_client.create_ec_key(name + "-ec", curve=KeyCurveName.p_256_k)
    digest = hashlib.sha256(b"secp256k1").digest()
    signature = _crypto(ec_key.id, credential).sign(SignatureAlgorithm.es256_k, digest).signature
    assert CryptographyClient.from_jwk(ec_key.key).verify(SignatureAlgorithm.es256_k, digest, signature).is_valid
    _purge(key_client, name)
    _purge(key_client, name + "-ec")


def test_rsa_key_adapters_for_cryptography(key_client, credential, name):
    """`create_rsa_private_key`/`create_rsa_public_key`: `cryptography`'s RSA interfaces backed by
    the service's sign and decrypt."""
    key = key_client.create_rsa_key(name, size=2048)
    client = _crypto(key.id, credential)
    private = client.create_rsa_private_key()
    public = client.create_rsa_public_key()
    assert private.key_size == 2048
    assert public.public_numbers().n == int.from_bytes(key.key.n, "big")
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)
    signature = private.sign(b"adapter message", pss, hashes.SHA256())
    public.verify(signature, b"adapter message", pss, hashes.SHA256())
    loaded = serialization.load_der_public_key(public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ))
    loaded.verify(signature, b"adapter message", pss, hashes.SHA256())
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    assert private.decrypt(loaded.encrypt(b"adapter secret", oaep), oaep) == b"adapter secret"
    _purge(key_client, name)


def test_async_key_and_cryptography_clients(aio, hsm_url, name):
    import asyncio

    from azure.keyvault.keys.aio import KeyClient as AioKeyClient
    from azure.keyvault.keys.crypto.aio import CryptographyClient as AioCryptographyClient

    async def scenario():
        async with aio.credential() as credential:
            async with aio.client(AioKeyClient, aio.url, credential) as client:
                key = await client.create_rsa_key(name, size=2048, tags={"io": "async"})
                ec_key = await client.create_ec_key(name + "-ec", curve=KeyCurveName.p_384)
                assert (await client.get_key(name)).key.n == key.key.n
                assert {p.name async for p in client.list_properties_of_keys()} >= {name, name + "-ec"}
                rotated = await client.rotate_key(name)
                assert rotated.properties.version != key.properties.version
                versions = [p async for p in client.list_properties_of_key_versions(name)]
                assert len(versions) == 2
                policy = await client.get_key_rotation_policy(name)
                assert policy.lifetime_actions

                # Shares the KeyClient's transport: closing it would close the KeyClient's too.
                crypto = client.get_cryptography_client(name, key_version=key.properties.version)
                encrypted = await crypto.encrypt(EncryptionAlgorithm.rsa_oaep, b"async")
                assert (await crypto.decrypt(EncryptionAlgorithm.rsa_oaep, encrypted.ciphertext)).plaintext == b"async"
                async with aio.client(AioCryptographyClient, ec_key.id, credential) as ec_crypto:
                    digest = hashlib.sha384(b"async ecdsa").digest()
                    signed = await ec_crypto.sign(SignatureAlgorithm.es384, digest)
                    assert (await ec_crypto.verify(SignatureAlgorithm.es384, digest, signed.signature)).is_valid

                backup = await client.backup_key(name)
                deleted = await client.delete_key(name)
                assert deleted.recovery_id.endswith(f"/deletedkeys/{name}")
                assert name in {d.name async for d in client.list_deleted_keys()}
                await client.recover_deleted_key(name)
                assert (await client.get_key(name)).properties.version == rotated.properties.version
                for key_name in (name, name + "-ec"):
                    await client.delete_key(key_name)
                    await client.purge_deleted_key(key_name)
                restored = await client.restore_key_backup(backup)
                assert restored.properties.version == rotated.properties.version
                await client.delete_key(name)
                await client.purge_deleted_key(name)
            async with aio.client(AioKeyClient, hsm_url, credential) as hsm:
                assert len(await hsm.get_random_bytes(16)) == 16

    asyncio.run(scenario())
