"""The official azure-mgmt-keyvault KeyVaultManagementClient against the emulator's ARM
`Microsoft.KeyVault` provider on `https://management.azure.com:{port}`, operation by operation:
vaults, Managed HSM pools, the secrets and keys sub-resources, and the provider's operations.

conftest.py resolves `management.azure.com`, `*.vault.azure.net` and `*.managedhsm.azure.net` to
the loopback address, so a vault created here is also reached with the data-plane SDKs at its
`vaultUri` (and a pool at its `hsmUri`). Private endpoint connections are made by Azure's network
side, which the emulator lacks: the tests add them through its control endpoint, then drive them
with the official `private_endpoint_connections` and `mhsm_private_endpoint_connections` groups.
"""

import datetime
import os
import urllib.parse
import uuid

import pytest
from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ResourceExistsError,
    ResourceNotFoundError,
)
from azure.keyvault.keys import KeyClient
from azure.keyvault.secrets import SecretClient
from azure.mgmt.core.polling.arm_polling import ARMPolling
from azure.mgmt.keyvault import KeyVaultManagementClient
from azure.mgmt.keyvault import models as m

UTC = datetime.timezone.utc
LOCATION = "westus"
OBJECT_ID = "00000000-0000-0000-0000-0000000000b1"
OTHER_OBJECT_ID = "00000000-0000-0000-0000-0000000000b2"
FAST = {"polling_interval": 0.05}


@pytest.fixture(scope="module")
def tenant_id():
    return os.environ["KEYVAULT_EMULATOR_TENANT_ID"]


@pytest.fixture
def rg():
    """A resource group of the test's own (resource groups exist on demand)."""
    return "rg-" + uuid.uuid4().hex[:10]


@pytest.fixture
def vault_name():
    """A vault (or pool) name of the test's own: names are global."""
    return "mg" + uuid.uuid4().hex[:14]


@pytest.fixture(autouse=True)
def no_arm_latency(control):
    control.post("/arm-operation-latency", {"ms": 0})
    yield
    control.post("/arm-operation-latency", {"ms": 0})


def _code(excinfo):
    """The ARM error code of a raised HttpResponseError."""
    return excinfo.value.error.code


def _sku(name="standard"):
    return m.Sku(family="A", name=name)


def _policy(tenant_id, object_id=OBJECT_ID, keys=None, **permissions):
    # `Permissions.keys` would hide Mapping.keys: the SDK names the field `keys_property`.
    return m.AccessPolicyEntry(
        tenant_id=tenant_id, object_id=object_id, permissions=m.Permissions(keys_property=keys, **permissions)
    )


def _full_access(tenant_id, object_id):
    return _policy(tenant_id, object_id, keys=["all"], secrets=["all"], certificates=["all"])


def _vault_params(tenant_id, tags=None, **properties):
    properties.setdefault("sku", _sku())
    return m.VaultCreateOrUpdateParameters(
        location=LOCATION, tags=tags or {}, properties=m.VaultProperties(tenant_id=tenant_id, **properties)
    )


def _create_vault(mgmt_client, tenant_id, rg, name, **kwargs):
    return mgmt_client.vaults.begin_create_or_update(rg, name, _vault_params(tenant_id, **kwargs), **FAST).result()


def _hsm_params(tenant_id, tags=None, **properties):
    return m.ManagedHsm(
        location=LOCATION,
        sku=m.ManagedHsmSku(family="B", name="Standard_B1"),
        tags=tags or {},
        properties=m.ManagedHsmProperties(tenant_id=tenant_id, initial_admin_object_ids=[OBJECT_ID], **properties),
    )


def _create_hsm(mgmt_client, tenant_id, rg, name, **kwargs):
    return mgmt_client.managed_hsms.begin_create_or_update(rg, name, _hsm_params(tenant_id, **kwargs), **FAST).result()


def _arm_requests(control, fragment):
    """The ARM requests (since the log was last cleared) whose path contains `fragment`."""
    return [r for r in control.requests() if r["host"].startswith("management.azure.com") and fragment in r["path"]]


def _port(url):
    return urllib.parse.urlsplit(url).port


# --- Vaults ------------------------------------------------------------------------------------


def test_vault_create_or_update_get_and_round_trip(
    mgmt_client, tenant_id, rg, vault_name, emulator_url, subscription_id, control
):
    control.clear_requests()
    poller = mgmt_client.vaults.begin_create_or_update(
        rg,
        vault_name,
        _vault_params(
            tenant_id,
            tags={"team": "conformance"},
            access_policies=[_policy(tenant_id, keys=["get", "list"], secrets=["get"])],
            enabled_for_deployment=True,
            enabled_for_template_deployment=False,
            soft_delete_retention_in_days=7,
            sku=_sku("premium"),
        ),
        **FAST,
    )
    vault = poller.result()
    assert poller.done() and poller.status() == "Succeeded"
    assert isinstance(vault, m.Vault)
    assert vault.id == (
        f"/subscriptions/{subscription_id}/resourceGroups/{rg}/providers/Microsoft.KeyVault/vaults/{vault_name}"
    )
    assert vault.name == vault_name
    assert vault.type == "Microsoft.KeyVault/vaults"
    assert vault.location == LOCATION
    assert vault.tags == {"team": "conformance"}
    p = vault.properties
    assert p.provisioning_state == "Succeeded"
    assert p.tenant_id == tenant_id
    assert (p.sku.family, p.sku.name) == ("A", "premium")
    assert p.vault_uri == f"https://{vault_name}.vault.azure.net:{_port(emulator_url)}/"
    assert p.enabled_for_deployment is True
    assert p.enabled_for_template_deployment is False
    assert p.soft_delete_retention_in_days == 7
    assert p.enable_soft_delete is True
    assert p.enable_rbac_authorization is False
    assert p.public_network_access == "Enabled"
    assert len(p.access_policies) == 1
    assert p.access_policies[0].object_id == OBJECT_ID
    assert sorted(p.access_policies[0].permissions.keys_property) == ["get", "list"]
    assert p.access_policies[0].permissions.secrets == ["get"]
    assert vault.system_data.created_by_type == "Application"
    assert isinstance(vault.system_data.created_at, datetime.datetime)

    got = mgmt_client.vaults.get(rg, vault_name)
    assert got.as_dict() == vault.as_dict()

    # The creation answered 201 with Azure-AsyncOperation, which the poller followed.
    puts = [r for r in _arm_requests(control, f"/vaults/{vault_name}") if r["method"] == "PUT"]
    assert [r["status"] for r in puts] == [201]

    # PUT on an existing vault replaces it: 200, at once Succeeded.
    again = mgmt_client.vaults.begin_create_or_update(
        rg, vault_name, _vault_params(tenant_id, tags={"v": "2"}, enabled_for_disk_encryption=True), **FAST
    )
    replaced = again.result()
    assert replaced.tags == {"v": "2"}
    assert replaced.properties.enabled_for_disk_encryption is True
    assert replaced.properties.enabled_for_deployment is None
    assert replaced.properties.soft_delete_retention_in_days == 90
    assert replaced.properties.provisioning_state == "Succeeded"


def test_vault_create_poller_while_the_emulator_holds_it_in_progress(
    mgmt_client, tenant_id, rg, vault_name, control
):
    control.clear_requests()
    # The emulator holds the creation in progress for 2 s of its clock: its answers say
    # `Retry-After: 2`, which the poller honours over polling_interval.
    control.post("/arm-operation-latency", {"ms": 2000})
    poller = mgmt_client.vaults.begin_create_or_update(
        rg, vault_name, _vault_params(tenant_id, tags={"s": "1"}), **FAST
    )
    assert poller.status() == "InProgress"
    assert not poller.done()
    vault = mgmt_client.vaults.get(rg, vault_name)
    assert vault.properties.provisioning_state == "RegisteringDns"
    assert vault.properties.vault_uri
    # The name is taken while the vault is provisioning.
    check = mgmt_client.vaults.check_name_availability({"name": vault_name, "type": "Microsoft.KeyVault/vaults"})
    assert check.name_available is False and check.reason == "AlreadyExists"

    # A second poller resumed from the first one's continuation token follows the same operation.
    resumed = mgmt_client.vaults.begin_create_or_update(
        rg, vault_name, None, continuation_token=poller.continuation_token(), **FAST
    )
    assert not resumed.done()

    # Moving the emulator clock past the latency ends the operation at the pollers' next look;
    # each finishes with the final GET of the vault.
    control.post("/clock/advance", {"seconds": 3})
    for p in (poller, resumed):
        done = p.result(timeout=30)
        assert p.status() == "Succeeded"
        assert done.properties.provisioning_state == "Succeeded"
        assert done.tags == {"s": "1"}
    polls = [r for r in _arm_requests(control, "/asyncOperations/") if r["method"] == "GET"]
    assert len(polls) >= 3 and all(r["status"] == 200 for r in polls)


def test_vault_create_with_the_specs_final_state_via_location(mgmt_client, tenant_id, rg, vault_name, control):
    """The RM spec declares Vaults_CreateOrUpdate `final-state-via: location` with the Vault as
    the final state: a poller told so reads the result from the `Location` URL, not the vault."""
    control.clear_requests()
    polling = ARMPolling(0.05, lro_options={"final-state-via": "location"})
    vault = mgmt_client.vaults.begin_create_or_update(
        rg, vault_name, _vault_params(tenant_id, tags={"via": "location"}), polling=polling
    ).result()
    assert isinstance(vault, m.Vault)
    assert vault.name == vault_name
    assert vault.tags == {"via": "location"}
    assert vault.properties.provisioning_state == "Succeeded"
    # Polled at Azure-AsyncOperation, then read once at the Location.
    assert [r["status"] for r in _arm_requests(control, "/asyncOperations/")] == [200, 200]
    assert [r["status"] for r in _arm_requests(control, "/operationResults/")] == [200]


def test_vault_update_merges_properties_and_replaces_tags(mgmt_client, tenant_id, rg, vault_name):
    _create_vault(mgmt_client, tenant_id, rg, vault_name, tags={"a": "1"}, enabled_for_deployment=True)
    updated = mgmt_client.vaults.update(
        rg,
        vault_name,
        m.VaultPatchParameters(
            tags={"b": "2"},
            properties=m.VaultPatchProperties(
                enabled_for_disk_encryption=True, soft_delete_retention_in_days=30, enable_purge_protection=True
            ),
        ),
    )
    assert updated.tags == {"b": "2"}
    p = updated.properties
    assert p.enabled_for_deployment is True  # kept
    assert p.enabled_for_disk_encryption is True
    assert p.soft_delete_retention_in_days == 30
    assert p.enable_purge_protection is True
    assert updated.system_data.last_modified_at >= updated.system_data.created_at
    assert mgmt_client.vaults.get(rg, vault_name).as_dict() == updated.as_dict()

    # A dict works as well as a model.
    sku = mgmt_client.vaults.update(rg, vault_name, {"properties": {"sku": {"family": "A", "name": "premium"}}})
    assert sku.properties.sku.name == "premium"
    assert sku.tags == {"b": "2"}

    with pytest.raises(HttpResponseError) as bad:
        mgmt_client.vaults.update(rg, vault_name, {"properties": {"enablePurgeProtection": False}})
    assert bad.value.status_code == 400 and _code(bad) == "BadRequest"
    with pytest.raises(HttpResponseError) as bad:
        mgmt_client.vaults.update(rg, vault_name, {"properties": {"softDeleteRetentionInDays": 3}})
    assert bad.value.status_code == 400 and _code(bad) == "BadRequest"
    with pytest.raises(ResourceNotFoundError) as missing:
        mgmt_client.vaults.update(rg, "mg-missing-" + uuid.uuid4().hex[:8], {"tags": {}})
    assert _code(missing) == "ResourceNotFound"


def test_vault_create_errors(mgmt_client, tenant_id, rg, vault_name):
    _create_vault(mgmt_client, tenant_id, rg, vault_name)
    with pytest.raises(ResourceExistsError) as taken:
        _create_vault(mgmt_client, tenant_id, rg + "-other", vault_name)
    assert taken.value.status_code == 409 and _code(taken) == "VaultAlreadyExists"
    with pytest.raises(HttpResponseError) as invalid:
        _create_vault(mgmt_client, tenant_id, rg, "1-bad--name")
    assert invalid.value.status_code == 400 and _code(invalid) == "VaultNameNotValid"
    with pytest.raises(HttpResponseError) as no_sku:
        mgmt_client.vaults.begin_create_or_update(
            rg, "mg" + uuid.uuid4().hex[:10], {"location": LOCATION, "properties": {"tenantId": tenant_id}}
        )
    assert no_sku.value.status_code == 400 and _code(no_sku) == "BadRequest"
    with pytest.raises(HttpResponseError) as bad_tenant:
        _create_vault(mgmt_client, "not-a-guid", rg, "mg" + uuid.uuid4().hex[:10])
    assert bad_tenant.value.status_code == 400 and _code(bad_tenant) == "BadRequest"
    with pytest.raises(ResourceNotFoundError) as missing:
        mgmt_client.vaults.get(rg, "mg-missing-" + uuid.uuid4().hex[:8])
    assert _code(missing) == "ResourceNotFound"


def test_vault_lists_page_through_next_links(mgmt_client, tenant_id, rg, subscription_id, control):
    control.clear_requests()
    names = sorted("mg" + uuid.uuid4().hex[:12] for _ in range(3))
    other_rg = rg + "-b"
    for name in names[:2]:
        _create_vault(mgmt_client, tenant_id, rg, name, tags={"n": name})
    _create_vault(mgmt_client, tenant_id, other_rg, names[2])

    by_rg = list(mgmt_client.vaults.list_by_resource_group(rg))
    assert sorted(v.name for v in by_rg) == names[:2]
    assert all(v.properties.vault_uri and v.tags == {"n": v.name} for v in by_rg)
    paged_rg = list(mgmt_client.vaults.list_by_resource_group(rg, top=1))
    assert sorted(v.name for v in paged_rg) == names[:2]

    mine = set(names)
    by_sub = [v for v in mgmt_client.vaults.list_by_subscription(top=1) if v.name in mine]
    assert sorted(v.name for v in by_sub) == names
    assert {v.id.split("/")[4] for v in by_sub} == {rg, other_rg}

    # Vaults_List: the generic /resources list filtered to vaults, paged with the filter kept.
    resources = [r for r in mgmt_client.vaults.list(top=1) if r.name in mine]
    assert sorted(r.name for r in resources) == names
    assert all(isinstance(r, m.TrackedResource) and r.type == "Microsoft.KeyVault/vaults" for r in resources)
    assert all(r.location == LOCATION for r in resources)
    pages = [r for r in _arm_requests(control, f"/subscriptions/{subscription_id}/resources")]
    assert len(pages) >= 3 and all(r["status"] == 200 for r in pages)
    assert all("filter" in r["query"] for r in pages)


def test_check_name_availability(mgmt_client, tenant_id, rg, vault_name):
    free = mgmt_client.vaults.check_name_availability(
        m.VaultCheckNameAvailabilityParameters(name=vault_name, type="Microsoft.KeyVault/vaults")
    )
    assert free.name_available is True and free.reason is None
    invalid = mgmt_client.vaults.check_name_availability({"name": "-x", "type": "Microsoft.KeyVault/vaults"})
    assert invalid.name_available is False
    assert invalid.reason == m.Reason.ACCOUNT_NAME_INVALID
    assert invalid.message
    _create_vault(mgmt_client, tenant_id, rg, vault_name)
    taken = mgmt_client.vaults.check_name_availability(
        {"name": vault_name.upper(), "type": "Microsoft.KeyVault/vaults"}
    )
    assert taken.name_available is False
    assert taken.reason == m.Reason.ALREADY_EXISTS
    assert vault_name.upper() in taken.message


def test_delete_get_deleted_list_deleted_recover_and_purge(
    mgmt_client, tenant_id, rg, vault_name, credential, control, caller_object_id
):
    control.clear_requests()
    vault = _create_vault(
        mgmt_client,
        tenant_id,
        rg,
        vault_name,
        tags={"keep": "me"},
        soft_delete_retention_in_days=10,
        access_policies=[_full_access(tenant_id, caller_object_id)],
    )
    secrets = SecretClient(vault.properties.vault_uri, credential, verify_challenge_resource=False)
    secrets.set_secret("survivor", "still-here")

    mgmt_client.vaults.delete(rg, vault_name)
    with pytest.raises(ResourceNotFoundError) as gone:
        mgmt_client.vaults.get(rg, vault_name)
    assert _code(gone) == "ResourceNotFound"
    # Deleting what is not there is not an error (204).
    mgmt_client.vaults.delete(rg, vault_name)

    deleted = mgmt_client.vaults.get_deleted(vault_name, LOCATION)
    assert deleted.name == vault_name
    assert deleted.type == "Microsoft.KeyVault/deletedVaults"
    assert deleted.id.endswith(f"/locations/{LOCATION}/deletedVaults/{vault_name}")
    d = deleted.properties
    assert d.vault_id == vault.id
    assert d.location == LOCATION
    assert d.tags == {"keep": "me"}
    assert d.purge_protection_enabled is False
    assert d.scheduled_purge_date - d.deletion_date == datetime.timedelta(days=10)
    assert vault_name in [v.name for v in mgmt_client.vaults.list_deleted()]

    # The name stays held by the deleted vault.
    with pytest.raises(ResourceExistsError) as held:
        _create_vault(mgmt_client, tenant_id, rg, vault_name)
    assert _code(held) == "ConflictError"
    assert mgmt_client.vaults.check_name_availability(
        {"name": vault_name, "type": "Microsoft.KeyVault/vaults"}
    ).reason == "AlreadyExists"

    # createMode recover brings it back, with its data plane.
    recovered = mgmt_client.vaults.begin_create_or_update(
        rg, vault_name, _vault_params(tenant_id, create_mode="recover"), **FAST
    ).result()
    assert recovered.tags == {"keep": "me"}
    assert recovered.properties.soft_delete_retention_in_days == 10
    assert recovered.properties.provisioning_state == "Succeeded"
    assert secrets.get_secret("survivor").value == "still-here"
    with pytest.raises(ResourceNotFoundError):
        mgmt_client.vaults.get_deleted(vault_name, LOCATION)

    # Delete again and purge: the purge poller follows Location until 200.
    mgmt_client.vaults.delete(rg, vault_name)
    purge = mgmt_client.vaults.begin_purge_deleted(vault_name, LOCATION, **FAST)
    assert purge.result() is None
    assert purge.status() == "Succeeded"
    polls = [r["status"] for r in _arm_requests(control, "/operationResults/")]
    assert polls == [202, 200]
    with pytest.raises(ResourceNotFoundError) as purged:
        mgmt_client.vaults.get_deleted(vault_name, LOCATION)
    assert _code(purged) == "ResourceNotFound"
    assert vault_name not in [v.name for v in mgmt_client.vaults.list_deleted()]
    assert mgmt_client.vaults.check_name_availability(
        {"name": vault_name, "type": "Microsoft.KeyVault/vaults"}
    ).name_available is True
    # Purging dropped the data plane: a new vault of that name starts empty.
    _create_vault(mgmt_client, tenant_id, rg, vault_name, access_policies=[_full_access(tenant_id, caller_object_id)])
    with pytest.raises(ResourceNotFoundError):
        secrets.get_secret("survivor")


def test_purge_is_refused_under_purge_protection(mgmt_client, tenant_id, rg, vault_name):
    _create_vault(mgmt_client, tenant_id, rg, vault_name, enable_purge_protection=True)
    mgmt_client.vaults.delete(rg, vault_name)
    assert mgmt_client.vaults.get_deleted(vault_name, LOCATION).properties.purge_protection_enabled is True
    with pytest.raises(ResourceExistsError) as refused:
        mgmt_client.vaults.begin_purge_deleted(vault_name, LOCATION, **FAST)
    assert refused.value.status_code == 409 and _code(refused) == "Conflict"
    with pytest.raises(ResourceNotFoundError):
        mgmt_client.vaults.begin_purge_deleted("mg-never-" + uuid.uuid4().hex[:8], LOCATION, **FAST)


def test_access_policies_govern_the_data_plane(mgmt_client, tenant_id, rg, vault_name, credential, caller_object_id):
    vault = _create_vault(mgmt_client, tenant_id, rg, vault_name, access_policies=[_policy(tenant_id, keys=["get"])])
    data = SecretClient(vault.properties.vault_uri, credential, verify_challenge_resource=False)
    with pytest.raises(HttpResponseError) as denied:
        data.set_secret("s", "v")
    assert denied.value.status_code == 403
    assert denied.value.error.code == "Forbidden"
    assert "does not have secrets set permission" in denied.value.message
    mgmt_client.vaults.update_access_policy(
        rg,
        vault_name,
        "add",
        m.VaultAccessPolicyParameters(
            properties=m.VaultAccessPolicyProperties(
                access_policies=[_policy(tenant_id, caller_object_id, secrets=["get", "set"])]
            )
        ),
    )
    data.set_secret("s", "v")
    assert data.get_secret("s").value == "v"
    with pytest.raises(HttpResponseError) as denied:
        data.begin_delete_secret("s")
    assert denied.value.status_code == 403


def test_update_access_policy_add_replace_remove(mgmt_client, tenant_id, rg, vault_name):
    _create_vault(mgmt_client, tenant_id, rg, vault_name, access_policies=[_policy(tenant_id, keys=["get"])])

    def policies():
        return {p.object_id: p.permissions for p in mgmt_client.vaults.get(rg, vault_name).properties.access_policies}

    added = mgmt_client.vaults.update_access_policy(
        rg,
        vault_name,
        "add",
        m.VaultAccessPolicyParameters(
            properties=m.VaultAccessPolicyProperties(
                access_policies=[
                    _policy(tenant_id, keys=["list", "get"], secrets=["get"]),
                    _policy(tenant_id, OTHER_OBJECT_ID, certificates=["get"]),
                ]
            )
        ),
    )
    assert added.type == "Microsoft.KeyVault/vaults/accessPolicies"
    assert added.location == LOCATION
    assert [p.object_id for p in added.properties.access_policies] == [OBJECT_ID, OTHER_OBJECT_ID]
    now = policies()
    assert sorted(now[OBJECT_ID].keys_property) == ["get", "list"]  # merged, without duplicates
    assert now[OBJECT_ID].secrets == ["get"]
    assert now[OTHER_OBJECT_ID].certificates == ["get"]

    mgmt_client.vaults.update_access_policy(
        rg,
        vault_name,
        m.AccessPolicyUpdateKind.REPLACE,
        {"properties": {"accessPolicies": [_policy(tenant_id, secrets=["set"]).as_dict()]}},
    )
    now = policies()
    assert now[OBJECT_ID].secrets == ["set"]
    assert not now[OBJECT_ID].keys_property
    assert now[OTHER_OBJECT_ID].certificates == ["get"]

    mgmt_client.vaults.update_access_policy(
        rg,
        vault_name,
        "remove",
        {"properties": {"accessPolicies": [_policy(tenant_id, OTHER_OBJECT_ID, certificates=["get"]).as_dict()]}},
    )
    assert set(policies()) == {OBJECT_ID}

    with pytest.raises(HttpResponseError) as bad:
        mgmt_client.vaults.update_access_policy(
            rg,
            vault_name,
            "add",
            {"properties": {"accessPolicies": [{"tenantId": "x", "objectId": "o", "permissions": {}}]}},
        )
    assert bad.value.status_code == 400 and _code(bad) == "BadRequest"
    with pytest.raises(ResourceNotFoundError) as missing:
        mgmt_client.vaults.update_access_policy(
            rg, "mg-missing-" + uuid.uuid4().hex[:8], "add", {"properties": {"accessPolicies": []}}
        )
    assert _code(missing) == "ResourceNotFound"


def test_arm_wants_a_management_token(arm_url, credential, subscription_id):
    """A token for another audience (the data plane's) is refused at once, without a challenge."""
    wrong = KeyVaultManagementClient(
        credential, subscription_id, base_url=arm_url, credential_scopes=["https://vault.azure.net/.default"]
    )
    with pytest.raises(ClientAuthenticationError) as refused:
        list(wrong.vaults.list_by_subscription())
    assert refused.value.status_code == 401
    assert _code(refused) == "InvalidAuthenticationToken"


def test_operations_list(mgmt_client):
    operations = list(mgmt_client.operations.list())
    by_name = {o.name: o for o in operations}
    for name in [
        "Microsoft.KeyVault/vaults/read",
        "Microsoft.KeyVault/vaults/write",
        "Microsoft.KeyVault/vaults/delete",
        "Microsoft.KeyVault/checkNameAvailability/read",
        "Microsoft.KeyVault/managedHSMs/read",
    ]:
        assert name in by_name, name
    read = by_name["Microsoft.KeyVault/vaults/read"]
    assert read.display.provider == "Microsoft Key Vault"
    assert read.display.operation == "View Key Vault"
    assert read.is_data_action is False
    assert all(o.display and o.display.provider for o in operations)


# --- Secrets -----------------------------------------------------------------------------------


def test_secrets_create_update_get_and_list(mgmt_client, tenant_id, rg, vault_name, credential, caller_object_id):
    vault = _create_vault(
        mgmt_client, tenant_id, rg, vault_name, access_policies=[_full_access(tenant_id, caller_object_id)]
    )
    expires = int(datetime.datetime(2099, 1, 1, tzinfo=UTC).timestamp())
    created = mgmt_client.secrets.create_or_update(
        rg,
        vault_name,
        "db-password",
        m.SecretCreateOrUpdateParameters(
            tags={"env": "test"},
            properties=m.SecretProperties(
                value="s3cr3t",
                content_type="text/plain",
                attributes=m.SecretAttributes(expires=datetime.datetime.fromtimestamp(expires, UTC)),
            ),
        ),
    )
    assert created.name == "db-password"
    assert created.type == "Microsoft.KeyVault/vaults/secrets"
    assert created.id == f"{vault.id}/secrets/db-password"
    assert created.tags == {"env": "test"}
    p = created.properties
    assert p.value is None  # ARM never returns a value
    assert p.content_type == "text/plain"
    assert p.attributes.enabled is True
    assert int(p.attributes.expires.timestamp()) == expires
    assert p.secret_uri == vault.properties.vault_uri + "secrets/db-password"
    first_version = p.secret_uri_with_version.rsplit("/", 1)[1]

    # The data plane of the same vault holds it.
    data = SecretClient(vault.properties.vault_uri, credential, verify_challenge_resource=False)
    on_data_plane = data.get_secret("db-password")
    assert on_data_plane.value == "s3cr3t"
    assert on_data_plane.properties.version == first_version
    assert on_data_plane.properties.content_type == "text/plain"

    # update (PATCH) without a value changes the current version's attributes in place.
    patched = mgmt_client.secrets.update(
        rg,
        vault_name,
        "db-password",
        m.SecretPatchParameters(
            tags={"env": "prod"},
            properties=m.SecretPatchProperties(
                content_type="application/x-pem", attributes=m.SecretAttributes(enabled=False)
            ),
        ),
    )
    assert patched.tags == {"env": "prod"}
    assert patched.properties.content_type == "application/x-pem"
    assert patched.properties.attributes.enabled is False
    assert patched.properties.secret_uri_with_version.endswith(first_version)
    # ARM reads a disabled secret's metadata (the data plane refuses its value).
    assert mgmt_client.secrets.get(rg, vault_name, "db-password").properties.attributes.enabled is False
    with pytest.raises(HttpResponseError) as disabled:
        data.get_secret("db-password")
    assert disabled.value.status_code == 403
    # update with a value makes a new version.
    rotated = mgmt_client.secrets.update(
        rg, vault_name, "db-password", {"properties": {"value": "n3w", "attributes": {"enabled": True}}}
    )
    assert not rotated.properties.secret_uri_with_version.endswith(first_version)
    assert data.get_secret("db-password").value == "n3w"

    # create_or_update of an existing secret: a new version, 200.
    again = mgmt_client.secrets.create_or_update(rg, vault_name, "db-password", {"properties": {"value": "v3"}})
    assert again.properties.attributes.enabled is True
    assert data.get_secret("db-password").value == "v3"

    got = mgmt_client.secrets.get(rg, vault_name, "db-password")
    assert got.as_dict() == again.as_dict()

    data.set_secret("from-data-plane", "x", content_type="ct")
    mgmt_client.secrets.create_or_update(rg, vault_name, "third", {"properties": {"value": "3"}})
    listed = {s.name: s for s in mgmt_client.secrets.list(rg, vault_name, top=1)}
    assert set(listed) == {"db-password", "from-data-plane", "third"}
    assert listed["from-data-plane"].properties.content_type == "ct"
    assert all(s.properties.value is None for s in listed.values())

    with pytest.raises(ResourceNotFoundError) as missing:
        mgmt_client.secrets.get(rg, vault_name, "nope")
    assert _code(missing) == "ResourceNotFound"
    with pytest.raises(ResourceNotFoundError):
        mgmt_client.secrets.update(rg, vault_name, "nope", {"properties": {"contentType": "x"}})
    with pytest.raises(HttpResponseError) as bad:
        mgmt_client.secrets.create_or_update(rg, vault_name, "bad_name", {"properties": {"value": "v"}})
    assert bad.value.status_code == 400 and _code(bad) == "BadRequest"
    with pytest.raises(ResourceNotFoundError) as no_vault:
        mgmt_client.secrets.get(rg, "mg-missing-" + uuid.uuid4().hex[:8], "db-password")
    assert _code(no_vault) == "ResourceNotFound"


# --- Keys --------------------------------------------------------------------------------------


def test_vault_keys_create_if_not_exist_get_versions_and_lists(
    mgmt_client, tenant_id, rg, vault_name, credential, caller_object_id
):
    vault = _create_vault(
        mgmt_client, tenant_id, rg, vault_name, access_policies=[_full_access(tenant_id, caller_object_id)]
    )
    expires = int(datetime.datetime(2099, 1, 1, tzinfo=UTC).timestamp())
    rsa = mgmt_client.keys.create_if_not_exist(
        rg,
        vault_name,
        "rsa-key",
        m.KeyCreateParameters(
            tags={"purpose": "wrap"},
            properties=m.KeyProperties(
                kty="RSA",
                key_size=3072,
                key_ops=["wrapKey", "unwrapKey"],
                attributes=m.KeyAttributes(expires=expires),
            ),
        ),
    )
    assert rsa.name == "rsa-key"
    assert rsa.type == "Microsoft.KeyVault/vaults/keys"
    assert rsa.id == f"{vault.id}/keys/rsa-key"
    assert rsa.tags == {"purpose": "wrap"}
    p = rsa.properties
    assert p.kty == "RSA" and p.key_size == 3072
    assert p.key_ops == ["wrapKey", "unwrapKey"]
    assert p.attributes.enabled is True and p.attributes.expires == expires
    assert p.attributes.recovery_level
    assert p.key_uri == vault.properties.vault_uri + "keys/rsa-key"
    first = p.key_uri_with_version.rsplit("/", 1)[1]

    # Not an update: an existing key is returned as it is.
    same = mgmt_client.keys.create_if_not_exist(
        rg, vault_name, "rsa-key", {"properties": {"kty": "EC", "curveName": "P-256"}}
    )
    assert same.properties.kty == "RSA"
    assert same.properties.key_uri_with_version == p.key_uri_with_version

    ec = mgmt_client.keys.create_if_not_exist(
        rg,
        vault_name,
        "ec-key",
        {
            "properties": {
                "kty": "EC",
                "curveName": "P-384",
                "rotationPolicy": {
                    "attributes": {"expiryTime": "P90D"},
                    "lifetimeActions": [{"trigger": {"timeBeforeExpiry": "P30D"}, "action": {"type": "rotate"}}],
                },
            }
        },
    )
    assert ec.properties.kty == "EC" and ec.properties.curve_name == "P-384"
    assert ec.properties.key_size is None
    assert ec.properties.rotation_policy.attributes.expiry_time == "P90D"

    # A second version through the data plane; ARM shows both.
    data = KeyClient(vault.properties.vault_uri, credential, verify_challenge_resource=False)
    assert data.get_key_rotation_policy("ec-key").expires_in == "P90D"
    second = data.create_rsa_key("rsa-key", size=2048)
    got = mgmt_client.keys.get(rg, vault_name, "rsa-key")
    assert got.properties.key_uri_with_version == second.id
    assert got.properties.key_size == 2048

    old = mgmt_client.keys.get_version(rg, vault_name, "rsa-key", first)
    assert old.name == first
    assert old.type == "Microsoft.KeyVault/vaults/keys/versions"
    assert old.id == f"{vault.id}/keys/rsa-key/versions/{first}"
    assert old.properties.key_size == 3072

    versions = list(mgmt_client.keys.list_versions(rg, vault_name, "rsa-key"))
    assert sorted(v.name for v in versions) == sorted([first, second.properties.version])
    assert all(v.type == "Microsoft.KeyVault/vaults/keys/versions" for v in versions)

    keys = {k.name: k for k in mgmt_client.keys.list(rg, vault_name)}
    assert set(keys) == {"rsa-key", "ec-key"}
    assert keys["ec-key"].properties.curve_name == "P-384"

    with pytest.raises(ResourceNotFoundError):
        mgmt_client.keys.get(rg, vault_name, "nope")
    with pytest.raises(ResourceNotFoundError):
        mgmt_client.keys.get_version(rg, vault_name, "rsa-key", "0" * 32)
    with pytest.raises(HttpResponseError) as bad:
        mgmt_client.keys.create_if_not_exist(rg, vault_name, "no-kty", {"properties": {}})
    assert bad.value.status_code == 400 and _code(bad) == "BadRequest"
    with pytest.raises(ResourceNotFoundError) as no_vault:
        mgmt_client.keys.list(rg, "mg-missing-" + uuid.uuid4().hex[:8]).next()
    assert _code(no_vault) == "ResourceNotFound"


# --- Managed HSM pools -------------------------------------------------------------------------


def test_managed_hsm_create_poller_get_and_update(mgmt_client, tenant_id, rg, vault_name, emulator_url, control):
    control.clear_requests()
    # Held in progress for 1 s of the emulator clock, so that the pool is seen provisioning.
    control.post("/arm-operation-latency", {"ms": 1000})
    poller = mgmt_client.managed_hsms.begin_create_or_update(
        rg, vault_name, _hsm_params(tenant_id, tags={"Dept": "hsm"}, soft_delete_retention_in_days=14), **FAST
    )
    assert poller.status() == "InProgress"
    provisioning = mgmt_client.managed_hsms.get(rg, vault_name)
    assert provisioning.properties.provisioning_state == "Provisioning"
    assert provisioning.properties.hsm_uri is None
    assert provisioning.properties.status_message == "Allocating hardware"
    control.post("/clock/advance", {"seconds": 2})
    # ManagedHsms_CreateOrUpdate is `final-state-via: location`: the poller takes the pool from
    # the last answer of the `Location` URL.
    pool = poller.result(timeout=30)
    assert pool.name == vault_name
    assert pool.type == "Microsoft.KeyVault/managedHSMs"
    assert pool.location == LOCATION
    assert (pool.sku.family, pool.sku.name) == ("B", "Standard_B1")
    assert pool.tags == {"Dept": "hsm"}
    p = pool.properties
    assert p.provisioning_state == "Succeeded"
    assert p.status_message == "ManagedHsm is functional."
    assert p.hsm_uri == f"https://{vault_name}.managedhsm.azure.net:{_port(emulator_url)}/"
    assert p.tenant_id == tenant_id
    assert p.initial_admin_object_ids == [OBJECT_ID]
    assert p.enable_soft_delete is True
    assert p.soft_delete_retention_in_days == 14
    assert p.enable_purge_protection is False
    polls = [r["status"] for r in _arm_requests(control, "/managedHsmOperationResults/")]
    assert polls == [202, 200]

    assert mgmt_client.managed_hsms.get(rg, vault_name).as_dict() == pool.as_dict()

    # An update is asynchronous too: 202 `Updating`, then `Succeeded` through the Location.
    control.post("/arm-operation-latency", {"ms": 1000})
    update = mgmt_client.managed_hsms.begin_update(
        rg,
        vault_name,
        m.ManagedHsm(
            tags={"Dept": "hsm", "Slice": "A"}, properties=m.ManagedHsmProperties(enable_purge_protection=True)
        ),
        **FAST,
    )
    assert update.status() == "InProgress"
    updating = mgmt_client.managed_hsms.get(rg, vault_name)
    assert updating.properties.provisioning_state == "Updating"
    assert updating.properties.status_message == "ManagedHsm is updating."
    assert updating.tags == {"Dept": "hsm", "Slice": "A"}
    control.post("/clock/advance", {"seconds": 2})
    updated = update.result(timeout=30)
    assert update.status() == "Succeeded"
    assert updated.tags == {"Dept": "hsm", "Slice": "A"}
    assert updated.properties.enable_purge_protection is True
    assert updated.properties.provisioning_state == "Succeeded"
    assert updated.properties.hsm_uri == p.hsm_uri
    assert updated.properties.initial_admin_object_ids == [OBJECT_ID]

    with pytest.raises(HttpResponseError) as bad:
        mgmt_client.managed_hsms.begin_update(
            rg, vault_name, {"properties": {"enablePurgeProtection": False}}, **FAST
        ).result()
    assert bad.value.status_code == 400 and _code(bad) == "BadRequest"
    with pytest.raises(ResourceNotFoundError) as missing:
        mgmt_client.managed_hsms.get(rg, "mg-missing-" + uuid.uuid4().hex[:8])
    assert _code(missing) == "ResourceNotFound"


def test_managed_hsm_create_errors(mgmt_client, tenant_id, rg, vault_name):
    _create_hsm(mgmt_client, tenant_id, rg, vault_name)
    with pytest.raises(ResourceExistsError) as taken:
        _create_hsm(mgmt_client, tenant_id, rg + "-other", vault_name)
    assert _code(taken) == "Conflict"
    no_admins = _hsm_params(tenant_id)
    no_admins.properties.initial_admin_object_ids = []
    with pytest.raises(HttpResponseError) as bad:
        mgmt_client.managed_hsms.begin_create_or_update(rg, "mg" + uuid.uuid4().hex[:10], no_admins, **FAST)
    assert bad.value.status_code == 400 and _code(bad) == "BadRequest"
    wrong_sku = _hsm_params(tenant_id)
    wrong_sku.sku = m.ManagedHsmSku(family="A", name="standard")
    with pytest.raises(HttpResponseError) as bad:
        mgmt_client.managed_hsms.begin_create_or_update(rg, "mg" + uuid.uuid4().hex[:10], wrong_sku, **FAST)
    assert bad.value.status_code == 400 and _code(bad) == "BadRequest"


def test_managed_hsm_lists(mgmt_client, tenant_id, rg):
    names = sorted("mg" + uuid.uuid4().hex[:12] for _ in range(3))
    _create_hsm(mgmt_client, tenant_id, rg, names[0])
    _create_hsm(mgmt_client, tenant_id, rg, names[1])
    _create_hsm(mgmt_client, tenant_id, rg + "-b", names[2])
    by_rg = list(mgmt_client.managed_hsms.list_by_resource_group(rg, top=1))
    assert sorted(h.name for h in by_rg) == names[:2]
    assert all(h.properties.provisioning_state == "Succeeded" for h in by_rg)
    mine = set(names)
    by_sub = [h for h in mgmt_client.managed_hsms.list_by_subscription(top=1) if h.name in mine]
    assert sorted(h.name for h in by_sub) == names
    # Vaults_List is filtered to vaults: no pools.
    assert not [r for r in mgmt_client.vaults.list() if r.name in mine]


def test_managed_hsm_delete_deleted_purge_and_name_availability(mgmt_client, tenant_id, rg, vault_name, control):
    free = mgmt_client.managed_hsms.check_mhsm_name_availability(m.CheckMhsmNameAvailabilityParameters(name=vault_name))
    assert free.name_available is True
    invalid = mgmt_client.managed_hsms.check_mhsm_name_availability({"name": "9"})
    assert invalid.name_available is False and invalid.reason == "AccountNameInvalid"
    pool = _create_hsm(mgmt_client, tenant_id, rg, vault_name, tags={"t": "1"})
    taken = mgmt_client.managed_hsms.check_mhsm_name_availability({"name": vault_name})
    assert taken.name_available is False and taken.reason == "AlreadyExists" and taken.message

    delete = mgmt_client.managed_hsms.begin_delete(rg, vault_name, **FAST)
    assert delete.result() is None
    assert delete.status() == "Succeeded"
    with pytest.raises(ResourceNotFoundError):
        mgmt_client.managed_hsms.get(rg, vault_name)

    deleted = mgmt_client.managed_hsms.get_deleted(vault_name, LOCATION)
    assert deleted.name == vault_name
    assert deleted.type == "Microsoft.KeyVault/deletedManagedHSMs"
    assert deleted.id.endswith(f"/locations/{LOCATION}/deletedManagedHSMs/{vault_name}")
    d = deleted.properties
    assert d.mhsm_id == pool.id
    assert d.location == LOCATION
    assert d.tags == {"t": "1"}
    assert d.purge_protection_enabled is False
    assert d.scheduled_purge_date - d.deletion_date == datetime.timedelta(days=90)
    assert vault_name in [h.name for h in mgmt_client.managed_hsms.list_deleted()]
    assert mgmt_client.managed_hsms.check_mhsm_name_availability({"name": vault_name}).name_available is False
    with pytest.raises(ResourceExistsError) as held:
        _create_hsm(mgmt_client, tenant_id, rg, vault_name)
    assert _code(held) == "ConflictError"

    # createMode recover brings it back; delete it again to purge it.
    recovered = mgmt_client.managed_hsms.begin_create_or_update(
        rg, vault_name, _hsm_params(tenant_id, create_mode="recover"), **FAST
    ).result()
    assert recovered.tags == {"t": "1"}
    assert recovered.properties.hsm_uri == pool.properties.hsm_uri
    assert recovered.properties.provisioning_state == "Succeeded"
    with pytest.raises(ResourceNotFoundError):
        mgmt_client.managed_hsms.get_deleted(vault_name, LOCATION)
    mgmt_client.managed_hsms.begin_delete(rg, vault_name, **FAST).wait()

    purge = mgmt_client.managed_hsms.begin_purge_deleted(vault_name, LOCATION, **FAST)
    assert purge.result() is None
    assert purge.status() == "Succeeded"
    with pytest.raises(ResourceNotFoundError) as purged:
        mgmt_client.managed_hsms.get_deleted(vault_name, LOCATION)
    assert _code(purged) == "ResourceNotFound"
    assert vault_name not in [h.name for h in mgmt_client.managed_hsms.list_deleted()]
    assert mgmt_client.managed_hsms.check_mhsm_name_availability({"name": vault_name}).name_available is True
    with pytest.raises(ResourceNotFoundError):
        mgmt_client.managed_hsms.begin_purge_deleted(vault_name, LOCATION, **FAST)


def test_managed_hsm_keys(mgmt_client, tenant_id, rg, vault_name, credential):
    pool = _create_hsm(mgmt_client, tenant_id, rg, vault_name)
    created = mgmt_client.managed_hsm_keys.create_if_not_exist(
        rg,
        vault_name,
        "hsm-key",
        m.ManagedHsmKeyCreateParameters(
            tags={"k": "v"},
            properties=m.ManagedHsmKeyProperties(kty="RSA-HSM", key_size=2048, key_ops=["sign", "verify"]),
        ),
    )
    assert created.name == "hsm-key"
    assert created.type == "Microsoft.KeyVault/managedHSMs/keys"
    assert created.id == f"{pool.id}/keys/hsm-key"
    assert created.tags == {"k": "v"}
    p = created.properties
    assert p.kty == "RSA-HSM" and p.key_size == 2048
    assert p.key_ops == ["sign", "verify"]
    assert p.key_uri == pool.properties.hsm_uri + "keys/hsm-key"
    assert p.attributes.exportable is False
    first = p.key_uri_with_version.rsplit("/", 1)[1]

    same = mgmt_client.managed_hsm_keys.create_if_not_exist(
        rg, vault_name, "hsm-key", {"properties": {"kty": "EC-HSM"}}
    )
    assert same.properties.key_uri_with_version == p.key_uri_with_version

    ec = mgmt_client.managed_hsm_keys.create_if_not_exist(
        rg, vault_name, "hsm-ec", {"properties": {"kty": "EC-HSM", "curveName": "P-256K"}}
    )
    assert ec.properties.kty == "EC-HSM" and ec.properties.curve_name == "P-256K"

    # The pool's data plane sees the key; a new version made there shows through ARM.
    data = KeyClient(pool.properties.hsm_uri, credential, verify_challenge_resource=False)
    assert data.get_key("hsm-key").properties.version == first
    second = data.create_rsa_key("hsm-key", size=3072, hardware_protected=True)
    got = mgmt_client.managed_hsm_keys.get(rg, vault_name, "hsm-key")
    assert got.properties.key_uri_with_version == second.id
    assert got.properties.key_size == 3072
    old = mgmt_client.managed_hsm_keys.get_version(rg, vault_name, "hsm-key", first)
    assert old.name == first
    assert old.type == "Microsoft.KeyVault/managedHSMs/keys/versions"
    assert old.properties.key_size == 2048
    versions = list(mgmt_client.managed_hsm_keys.list_versions(rg, vault_name, "hsm-key"))
    assert sorted(v.name for v in versions) == sorted([first, second.properties.version])
    assert {k.name for k in mgmt_client.managed_hsm_keys.list(rg, vault_name)} == {"hsm-key", "hsm-ec"}

    with pytest.raises(ResourceNotFoundError):
        mgmt_client.managed_hsm_keys.get(rg, vault_name, "nope")
    with pytest.raises(ResourceNotFoundError) as no_pool:
        mgmt_client.managed_hsm_keys.get(rg, "mg-missing-" + uuid.uuid4().hex[:8], "hsm-key")
    assert _code(no_pool) == "ResourceNotFound"


# --- The async client --------------------------------------------------------------------------


def test_async_management_client(aio, arm_url, subscription_id, tenant_id, rg, vault_name):
    import asyncio

    from azure.mgmt.keyvault.aio import KeyVaultManagementClient as AioKeyVaultManagementClient

    async def scenario():
        async with aio.credential() as credential, AioKeyVaultManagementClient(
            credential, subscription_id, base_url=arm_url, **aio.transport
        ) as client:
            poller = await client.vaults.begin_create_or_update(
                rg, vault_name, _vault_params(tenant_id, tags={"io": "async"}), **FAST
            )
            vault = await poller.result()
            assert vault.properties.provisioning_state == "Succeeded"
            assert (await client.vaults.get(rg, vault_name)).tags == {"io": "async"}
            assert vault_name in [v.name async for v in client.vaults.list_by_resource_group(rg)]
            secret = await client.secrets.create_or_update(rg, vault_name, "s", {"properties": {"value": "v"}})
            assert secret.properties.secret_uri == vault.properties.vault_uri + "secrets/s"
            key = await client.keys.create_if_not_exist(rg, vault_name, "k", {"properties": {"kty": "EC"}})
            assert key.properties.curve_name == "P-256"
            await client.vaults.delete(rg, vault_name)
            assert (await client.vaults.get_deleted(vault_name, LOCATION)).properties.vault_id == vault.id
            await (await client.vaults.begin_purge_deleted(vault_name, LOCATION, **FAST)).result()
            with pytest.raises(ResourceNotFoundError):
                await client.vaults.get_deleted(vault_name, LOCATION)

            pool_name = vault_name + "h"
            pool = await (
                await client.managed_hsms.begin_create_or_update(rg, pool_name, _hsm_params(tenant_id), **FAST)
            ).result()
            assert pool.properties.provisioning_state == "Succeeded" and pool.properties.hsm_uri
            await (await client.managed_hsms.begin_delete(rg, pool_name, **FAST)).result()
            assert pool_name in [h.name async for h in client.managed_hsms.list_deleted()]
            await (await client.managed_hsms.begin_purge_deleted(pool_name, LOCATION, **FAST)).result()
            assert (await client.managed_hsms.check_mhsm_name_availability({"name": pool_name})).name_available

    asyncio.run(scenario())


# --- Private link: connections, private link resources, Managed HSM regions -------------------


def _connect(control, resource_id, name):
    """A `Pending` connection, as the network side adds one when a private endpoint is created."""
    return control.post("/private-endpoint-connections", {"resourceId": resource_id, "name": name}).json()


def _approval(status, description, etag=None):
    return m.PrivateEndpointConnection(
        etag=etag,
        properties=m.PrivateEndpointConnectionProperties(
            private_link_service_connection_state=m.PrivateLinkServiceConnectionState(
                status=status, description=description
            )
        ),
    )


def test_vault_private_endpoint_connections(mgmt_client, tenant_id, rg, vault_name, control):
    vault = _create_vault(mgmt_client, tenant_id, rg, vault_name)
    _connect(control, vault.id, "pe-one")
    _connect(control, vault.id, "pe-two")
    ops = mgmt_client.private_endpoint_connections

    pending = ops.get(rg, vault_name, "pe-one")
    assert pending.name == "pe-one"
    assert pending.type == "Microsoft.KeyVault/vaults/privateEndpointConnections"
    assert pending.private_link_service_connection_state.status == "Pending"
    assert pending.private_endpoint.id.endswith("/Microsoft.Network/privateEndpoints/pe-one")

    approved = ops.put(rg, vault_name, "pe-one", _approval("Approved", "Approved by Joe.", etag=pending.etag))
    assert approved.private_link_service_connection_state.status == "Approved"
    assert approved.private_link_service_connection_state.description == "Approved by Joe."
    assert approved.private_link_service_connection_state.actions_required == "None"
    assert approved.provisioning_state == "Succeeded"
    assert approved.etag != pending.etag
    with pytest.raises(HttpResponseError) as stale:
        ops.put(rg, vault_name, "pe-one", _approval("Rejected", "late", etag=pending.etag))
    assert stale.value.status_code == 412

    rejected = ops.put(rg, vault_name, "pe-two", _approval("Rejected", "Not ours."))
    assert rejected.private_link_service_connection_state.status == "Rejected"
    assert sorted(c.name for c in ops.list_by_resource(rg, vault_name)) == ["pe-one", "pe-two"]

    with pytest.raises(ResourceNotFoundError) as missing:
        ops.put(rg, vault_name, "never-made", _approval("Approved", "x"))
    assert _code(missing) == "PrivateEndpointConnectionNotFound"

    poller = ops.begin_delete(rg, vault_name, "pe-one", **FAST)
    gone = poller.result()
    assert gone.name == "pe-one"
    assert gone.provisioning_state == "Disconnected"
    with pytest.raises(ResourceNotFoundError) as after:
        ops.get(rg, vault_name, "pe-one")
    assert _code(after) == "PrivateEndpointConnectionNotFound"
    assert [c.name for c in ops.list_by_resource(rg, vault_name)] == ["pe-two"]
    # The spec's 204 for a connection that does not exist: done at once, without a result.
    assert ops.begin_delete(rg, vault_name, "pe-one", **FAST).result() is None


def test_vault_private_endpoint_connection_delete_resumes(mgmt_client, tenant_id, rg, vault_name, control):
    vault = _create_vault(mgmt_client, tenant_id, rg, vault_name)
    _connect(control, vault.id, "pe-resume")
    # Held in progress for 2 s of the emulator clock: the answers say `Retry-After: 2`, which the
    # pollers honour over polling_interval.
    control.post("/arm-operation-latency", {"ms": 2000})
    ops = mgmt_client.private_endpoint_connections
    poller = ops.begin_delete(rg, vault_name, "pe-resume", **FAST)
    assert not poller.done()
    token = poller.continuation_token()
    resumed = ops.begin_delete(rg, vault_name, "pe-resume", continuation_token=token, **FAST)
    assert ops.get(rg, vault_name, "pe-resume").provisioning_state == "Deleting"
    control.post("/clock/advance", {"seconds": 3})
    for p in (poller, resumed):
        assert p.result(timeout=30).provisioning_state == "Disconnected"
    with pytest.raises(ResourceNotFoundError):
        ops.get(rg, vault_name, "pe-resume")


def test_vault_private_link_resources(mgmt_client, tenant_id, rg, vault_name):
    _create_vault(mgmt_client, tenant_id, rg, vault_name)
    resources = mgmt_client.private_link_resources.list_by_vault(rg, vault_name).value
    assert [r.name for r in resources] == ["vault"]
    assert resources[0].type == "Microsoft.KeyVault/vaults/privateLinkResources"
    assert resources[0].group_id == "vault"
    assert resources[0].required_members == ["default"]
    assert resources[0].required_zone_names == ["privatelink.vaultcore.azure.net"]
    with pytest.raises(ResourceNotFoundError):
        mgmt_client.private_link_resources.list_by_vault(rg, vault_name + "x")


def test_managed_hsm_private_endpoint_connections_link_resources_and_regions(
    mgmt_client, tenant_id, rg, vault_name, control
):
    hsm = _create_hsm(mgmt_client, tenant_id, rg, vault_name, regions=[m.MHSMGeoReplicatedRegion(name="eastus")])
    _connect(control, hsm.id, "hsm-pe")
    ops = mgmt_client.mhsm_private_endpoint_connections
    listed = list(ops.list_by_resource(rg, vault_name))
    assert [c.name for c in listed] == ["hsm-pe"]
    assert listed[0].type == "Microsoft.KeyVault/managedHSMs/privateEndpointConnections"
    approval = m.MHSMPrivateEndpointConnection(
        properties=m.MHSMPrivateEndpointConnectionProperties(
            private_link_service_connection_state=m.MHSMPrivateLinkServiceConnectionState(
                status="Approved", description="ok"
            )
        )
    )
    approved = ops.put(rg, vault_name, "hsm-pe", approval)
    assert approved.private_link_service_connection_state.status == "Approved"
    assert ops.get(rg, vault_name, "hsm-pe").private_link_service_connection_state.status == "Approved"
    gone = ops.begin_delete(rg, vault_name, "hsm-pe", **FAST).result()
    assert gone.provisioning_state == "Disconnected"
    with pytest.raises(ResourceNotFoundError):
        ops.get(rg, vault_name, "hsm-pe")

    resources = mgmt_client.mhsm_private_link_resources.list_by_mhsm_resource(rg, vault_name).value
    assert [r.name for r in resources] == ["managedhsm"]
    assert resources[0].location == LOCATION
    assert resources[0].required_zone_names == ["privatelink.managedhsm.azure.net"]

    regions = list(mgmt_client.mhsm_regions.list_by_resource(rg, vault_name))
    assert [(r.name, r.is_primary, r.provisioning_state) for r in regions] == [
        (LOCATION, True, "Succeeded"),
        ("eastus", False, "Succeeded"),
    ]
    with pytest.raises(ResourceNotFoundError):
        list(mgmt_client.mhsm_regions.list_by_resource(rg, vault_name + "x"))
