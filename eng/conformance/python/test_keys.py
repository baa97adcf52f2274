"""Every KeyClient and CryptographyClient operation of the official azure-keyvault-keys package
against the emulator: the default vault (Key Vault flavour) and a Managed HSM reached by name."""

import base64
import datetime
import hashlib
import json
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


def test_crypto_aes_on_managed_hsm(hsm_client, credential, name):
    key = hsm_client.create_oct_key(name, size=256, hardware_protected=True)
    client = _crypto(key.id, credential)
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
