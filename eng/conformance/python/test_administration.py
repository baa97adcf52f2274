"""The official azure-keyvault-administration clients against the emulator's Managed HSM flavour.

The HSM is `https://admin-conformance.managedhsm.azure.net:{port}`; conftest.py resolves
`*.managedhsm.azure.net` to the loopback address. Backups go to a local folder of the emulator
standing in for blob storage.
"""

import urllib.parse
import uuid

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.keyvault.administration import (
    KeyVaultAccessControlClient,
    KeyVaultBackupClient,
    KeyVaultDataAction,
    KeyVaultPermission,
    KeyVaultRoleScope,
    KeyVaultSetting,
    KeyVaultSettingsClient,
    KeyVaultSettingType,
)
from azure.keyvault.keys import KeyClient

ADMINISTRATOR = "a290e904-7015-4bba-90c8-60543313cdb4"
CRYPTO_USER = "21dbd100-6940-42c2-9190-5d6cb909625b"
CONTAINER = "https://conformance.blob.core.windows.net/backups"
SAS = "sv=2024-08-04&sr=c&sig=conformance"
SETTING = "AllowKeyManagementOperationsThroughARM"
FAST = {"_polling_interval": 0.05}


@pytest.fixture(scope="module")
def admin_hsm_url(emulator_url):
    port = urllib.parse.urlsplit(emulator_url).port
    return f"https://admin-conformance.managedhsm.azure.net:{port}"


@pytest.fixture(scope="module")
def rbac(admin_hsm_url, credential):
    return KeyVaultAccessControlClient(admin_hsm_url, credential, verify_challenge_resource=False)


@pytest.fixture(scope="module")
def backup_client(admin_hsm_url, credential):
    return KeyVaultBackupClient(admin_hsm_url, credential, verify_challenge_resource=False)


@pytest.fixture(scope="module")
def settings_client(admin_hsm_url, credential):
    return KeyVaultSettingsClient(admin_hsm_url, credential, verify_challenge_resource=False)


@pytest.fixture(scope="module")
def hsm_keys(admin_hsm_url, credential):
    return KeyClient(vault_url=admin_hsm_url, credential=credential, verify_challenge_resource=False)


@pytest.fixture(autouse=True)
def no_job_latency(control):
    control.post("/admin-job-latency", {"ms": 0})
    yield
    control.post("/admin-job-latency", {"ms": 0})


def _destroy(keys, name):
    keys.begin_delete_key(name).wait()
    keys.purge_deleted_key(name)


def test_built_in_role_definitions(rbac):
    definitions = list(rbac.list_role_definitions(KeyVaultRoleScope.GLOBAL))
    by_name = {d.name: d for d in definitions}
    user = by_name[CRYPTO_USER]
    assert user.role_name == "Managed HSM Crypto User"
    assert user.role_type == "AKVBuiltInRole"
    assert user.id.endswith(CRYPTO_USER)
    assert KeyVaultDataAction.SIGN_HSM_KEY in user.permissions[0].data_actions
    assert user.assignable_scopes == [KeyVaultRoleScope.GLOBAL]
    admin = rbac.get_role_definition(KeyVaultRoleScope.GLOBAL, ADMINISTRATOR)
    assert admin.role_name == "Managed HSM Administrator"
    assert len(list(rbac.list_role_definitions(KeyVaultRoleScope.KEYS))) == len(definitions)


def test_custom_role_definition_lifecycle(rbac):
    permissions = [KeyVaultPermission(data_actions=[KeyVaultDataAction.SIGN_HSM_KEY])]
    created = rbac.set_role_definition(
        KeyVaultRoleScope.GLOBAL, role_name="py-signer", description="signs", permissions=permissions
    )
    assert created.role_type == "CustomRole"
    assert created.role_name == "py-signer"
    assert created.permissions[0].data_actions == [KeyVaultDataAction.SIGN_HSM_KEY]
    updated = rbac.set_role_definition(
        KeyVaultRoleScope.GLOBAL,
        name=created.name,
        role_name="py-signer",
        description="signs things",
        permissions=permissions,
    )
    assert updated.name == created.name
    assert updated.description == "signs things"
    got = rbac.get_role_definition(KeyVaultRoleScope.GLOBAL, created.name)
    assert got.description == "signs things"
    assert any(d.name == created.name for d in rbac.list_role_definitions(KeyVaultRoleScope.GLOBAL))
    rbac.delete_role_definition(KeyVaultRoleScope.GLOBAL, created.name)
    with pytest.raises(ResourceNotFoundError):
        rbac.get_role_definition(KeyVaultRoleScope.GLOBAL, created.name)
    # The built-in names are reserved.
    with pytest.raises(HttpResponseError) as error:
        rbac.set_role_definition(KeyVaultRoleScope.GLOBAL, name=ADMINISTRATOR, role_name="mine", permissions=permissions)
    assert error.value.status_code == 400


def test_role_assignment_lifecycle(rbac):
    definition = rbac.get_role_definition(KeyVaultRoleScope.GLOBAL, CRYPTO_USER)
    principal = str(uuid.uuid4())
    created = rbac.create_role_assignment(KeyVaultRoleScope.KEYS, definition.id, principal)
    assert created.properties.principal_id == principal
    assert created.properties.role_definition_id == definition.id
    assert created.properties.scope == KeyVaultRoleScope.KEYS
    got = rbac.get_role_assignment(KeyVaultRoleScope.KEYS, created.name)
    assert got.role_assignment_id == created.role_assignment_id
    assert any(a.name == created.name for a in rbac.list_role_assignments(KeyVaultRoleScope.KEYS))
    named = str(uuid.uuid4())
    by_name = rbac.create_role_assignment(KeyVaultRoleScope.GLOBAL, definition.id, principal, name=named)
    assert by_name.name == named
    for scope, name in ((KeyVaultRoleScope.KEYS, created.name), (KeyVaultRoleScope.GLOBAL, named)):
        rbac.delete_role_assignment(scope, name)
        with pytest.raises(ResourceNotFoundError):
            rbac.get_role_assignment(scope, name)


def test_role_assignment_on_one_key(rbac):
    scope = "/keys/py-scoped-" + uuid.uuid4().hex[:8]
    definition = rbac.get_role_definition(KeyVaultRoleScope.GLOBAL, CRYPTO_USER)
    principal = str(uuid.uuid4())
    created = rbac.create_role_assignment(scope, definition.id, principal)
    assert created.properties.scope == scope
    assert created.role_assignment_id == f"{scope}/providers/Microsoft.Authorization/roleAssignments/{created.name}"
    at_key = {a.name: a for a in rbac.list_role_assignments(scope)}
    assert at_key[created.name].properties.principal_id == principal
    assert rbac.get_role_assignment(scope, created.name).properties.role_definition_id == definition.id
    rbac.delete_role_assignment(scope, created.name)
    assert created.name not in {a.name for a in rbac.list_role_assignments(scope)}
    with pytest.raises(ResourceNotFoundError) as error:
        rbac.get_role_assignment(scope, created.name)
    assert error.value.error.code == "RoleAssignmentNotFound"
    # The SDK swallows the 404 of a second delete; the service did answer one.
    rbac.delete_role_assignment(scope, created.name)


def test_full_backup_and_restore(backup_client, hsm_keys):
    name = "py-admin-" + uuid.uuid4().hex[:8]
    key = hsm_keys.create_ec_key(name, curve="P-256", hardware_protected=True)
    result = backup_client.begin_backup(CONTAINER, SAS, **FAST).result()
    assert result.folder_url.startswith(CONTAINER + "/mhsm-admin-conformance-")
    _destroy(hsm_keys, name)
    with pytest.raises(ResourceNotFoundError):
        hsm_keys.get_key(name)
    assert backup_client.begin_restore(result.folder_url, SAS, **FAST).result() is None
    assert hsm_keys.get_key(name).properties.version == key.properties.version


def test_selective_key_restore(backup_client, hsm_keys):
    name = "py-selective-" + uuid.uuid4().hex[:8]
    other = "py-other-" + uuid.uuid4().hex[:8]
    key = hsm_keys.create_rsa_key(name, size=2048, hardware_protected=True)
    hsm_keys.create_ec_key(other, curve="P-256", hardware_protected=True)
    result = backup_client.begin_backup(CONTAINER, sas_token=SAS, **FAST).result()
    _destroy(hsm_keys, name)
    _destroy(hsm_keys, other)
    backup_client.begin_restore(result.folder_url, SAS, key_name=name, **FAST).wait()
    assert hsm_keys.get_key(name).properties.version == key.properties.version
    with pytest.raises(ResourceNotFoundError):
        hsm_keys.get_key(other)


def test_managed_identity_and_pre_checks(backup_client):
    result = backup_client.begin_backup(CONTAINER, use_managed_identity=True, **FAST).result()
    assert result.folder_url.startswith(CONTAINER)
    assert backup_client.begin_pre_backup(CONTAINER, sas_token=SAS, **FAST).result() is None
    assert backup_client.begin_pre_restore(result.folder_url, sas_token=SAS, **FAST).result() is None


def test_a_restore_from_a_missing_folder_fails(backup_client):
    poller = backup_client.begin_restore(CONTAINER + "/mhsm-nothing-here", SAS, **FAST)
    with pytest.raises(HttpResponseError):
        poller.result()


def test_backup_resumes_from_a_continuation_token(control, backup_client):
    control.post("/admin-job-latency", {"ms": 1500})
    poller = backup_client.begin_backup(CONTAINER, SAS, **FAST)
    token = poller.continuation_token()
    resumed = backup_client.begin_backup(CONTAINER, SAS, continuation_token=token, **FAST)
    result = resumed.result()
    assert result.folder_url.startswith(CONTAINER)
    assert poller.result().folder_url == result.folder_url


def test_settings(settings_client):
    settings = list(settings_client.list_settings())
    assert [s.name for s in settings] == [SETTING]
    assert settings[0].setting_type == KeyVaultSettingType.BOOLEAN
    updated = settings_client.update_setting(KeyVaultSetting(name=SETTING, value=True))
    assert updated.getboolean() is True
    assert settings_client.get_setting(SETTING).getboolean() is True
    updated = settings_client.update_setting(KeyVaultSetting(name=SETTING, value="false"))
    assert updated.getboolean() is False
    with pytest.raises(HttpResponseError) as error:
        settings_client.update_setting(KeyVaultSetting(name=SETTING, value="maybe", setting_type="boolean"))
    assert error.value.status_code == 400


def test_async_administration_clients(aio, admin_hsm_url):
    import asyncio

    from azure.keyvault.administration.aio import (
        KeyVaultAccessControlClient as AioAccessControlClient,
        KeyVaultBackupClient as AioBackupClient,
        KeyVaultSettingsClient as AioSettingsClient,
    )
    from azure.keyvault.keys.aio import KeyClient as AioKeyClient

    async def scenario():
        async with aio.credential() as credential:
            async with aio.client(AioAccessControlClient, admin_hsm_url, credential) as rbac:
                names = {d.name async for d in rbac.list_role_definitions(KeyVaultRoleScope.GLOBAL)}
                assert {ADMINISTRATOR, CRYPTO_USER} <= names
                definition = await rbac.get_role_definition(KeyVaultRoleScope.GLOBAL, CRYPTO_USER)
                principal = str(uuid.uuid4())
                assignment = await rbac.create_role_assignment(KeyVaultRoleScope.GLOBAL, definition.id, principal)
                assert (await rbac.get_role_assignment(KeyVaultRoleScope.GLOBAL, assignment.name)).properties.principal_id == principal
                assert assignment.name in {a.name async for a in rbac.list_role_assignments(KeyVaultRoleScope.GLOBAL)}
                await rbac.delete_role_assignment(KeyVaultRoleScope.GLOBAL, assignment.name)
                with pytest.raises(ResourceNotFoundError):
                    await rbac.get_role_assignment(KeyVaultRoleScope.GLOBAL, assignment.name)

            async with aio.client(AioSettingsClient, admin_hsm_url, credential) as settings:
                assert [s.name async for s in settings.list_settings()] == [SETTING]
                assert (await settings.update_setting(KeyVaultSetting(name=SETTING, value=True))).getboolean() is True
                assert (await settings.get_setting(SETTING)).getboolean() is True
                await settings.update_setting(KeyVaultSetting(name=SETTING, value=False))

            name = "py-async-" + uuid.uuid4().hex[:8]
            async with aio.client(AioBackupClient, admin_hsm_url, credential) as backups, aio.client(
                AioKeyClient, admin_hsm_url, credential
            ) as keys:
                key = await keys.create_ec_key(name, curve="P-256", hardware_protected=True)
                poller = await backups.begin_backup(CONTAINER, SAS, **FAST)
                result = await poller.result()
                assert result.folder_url.startswith(CONTAINER + "/mhsm-admin-conformance-")
                await keys.delete_key(name)
                await keys.purge_deleted_key(name)
                poller = await backups.begin_restore(result.folder_url, SAS, key_name=name, **FAST)
                await poller.wait()
                assert (await keys.get_key(name)).properties.version == key.properties.version
                await keys.delete_key(name)
                await keys.purge_deleted_key(name)

    asyncio.run(scenario())


def test_role_assignments_govern_key_operations(emulator_url, credential, caller_object_id):
    # An HSM of its own: the test takes its principal's crypto roles away.
    port = urllib.parse.urlsplit(emulator_url).port
    url = f"https://rbac-conformance.managedhsm.azure.net:{port}"
    rbac = KeyVaultAccessControlClient(url, credential, verify_challenge_resource=False)
    keys = KeyClient(vault_url=url, credential=credential, verify_challenge_resource=False)
    keys.create_ec_key("allowed", curve="P-256", hardware_protected=True)
    for assignment in rbac.list_role_assignments(KeyVaultRoleScope.GLOBAL):
        if assignment.properties.principal_id == caller_object_id and not assignment.properties.role_definition_id.endswith(
            ADMINISTRATOR
        ):
            rbac.delete_role_assignment(KeyVaultRoleScope.GLOBAL, assignment.name)
    with pytest.raises(HttpResponseError) as denied:
        keys.create_ec_key("refused", curve="P-256", hardware_protected=True)
    assert denied.value.status_code == 403
    assert denied.value.error.code == "Forbidden"
    assert "Microsoft.KeyVault/managedHsm/keys/create" in denied.value.message
    # Crypto User on one key's scope lets that key in, and only it.
    user = next(d for d in rbac.list_role_definitions(KeyVaultRoleScope.GLOBAL) if d.role_name == "Managed HSM Crypto User")
    rbac.create_role_assignment("/keys/scoped", user.id, caller_object_id)
    keys.create_ec_key("scoped", curve="P-256", hardware_protected=True)
    with pytest.raises(HttpResponseError):
        keys.get_key("allowed")
