"""Every SecretClient operation of the official azure-keyvault-secrets package against the emulator."""

import datetime

import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError

UTC = datetime.timezone.utc


def _delete_and_purge(client, name):
    client.begin_delete_secret(name).wait()
    client.purge_deleted_secret(name)


def test_set_with_properties_and_get_latest_and_by_version(client, name):
    not_before = datetime.datetime(2024, 1, 1, tzinfo=UTC)
    expires_on = datetime.datetime(2099, 1, 1, tzinfo=UTC)
    first = client.set_secret(
        name,
        "first-value",
        content_type="text/plain",
        enabled=True,
        not_before=not_before,
        expires_on=expires_on,
        tags={"team": "conformance", "env": "emulator"},
    )
    assert first.name == name
    assert first.value == "first-value"
    props = first.properties
    assert props.content_type == "text/plain"
    assert props.enabled is True
    assert props.not_before == not_before
    assert props.expires_on == expires_on
    assert props.tags == {"team": "conformance", "env": "emulator"}
    assert props.recovery_level == "Recoverable+Purgeable"
    assert props.recoverable_days == 90
    assert props.created_on is not None and props.updated_on is not None
    assert props.vault_url.rstrip("/") == client.vault_url.rstrip("/")
    assert len(props.version) == 32

    second = client.set_secret(name, "second-value")
    assert second.properties.version != first.properties.version

    latest = client.get_secret(name)
    assert latest.value == "second-value"
    assert latest.properties.version == second.properties.version
    by_version = client.get_secret(name, first.properties.version)
    assert by_version.value == "first-value"
    assert by_version.properties.tags == {"team": "conformance", "env": "emulator"}
    assert by_version.id == first.id


def test_update_secret_properties(client, name):
    created = client.set_secret(name, "value", content_type="a")
    updated = client.update_secret_properties(
        name, created.properties.version, content_type="b", tags={"k": "v"}, enabled=False
    )
    assert updated.content_type == "b"
    assert updated.tags == {"k": "v"}
    assert updated.enabled is False
    assert updated.version == created.properties.version

    with pytest.raises(HttpResponseError) as info:
        client.get_secret(name)
    assert info.value.status_code == 403
    assert info.value.error.code == "Forbidden"

    # Without a version, the latest version is updated.
    updated = client.update_secret_properties(name, enabled=True)
    assert updated.enabled is True
    assert client.get_secret(name).value == "value"


def test_list_properties_of_secrets_paged(client, name):
    names = {f"{name}-{i:02d}" for i in range(30)}
    for secret_name in names:
        client.set_secret(secret_name, "v", content_type="listed")

    pages = client.list_properties_of_secrets(max_page_size=10).by_page()
    seen = set()
    page_count = 0
    for page in pages:
        items = list(page)
        assert len(items) <= 10
        page_count += 1
        for item in items:
            if item.name in names:
                assert item.content_type == "listed"
                assert item.version is None
                assert item.enabled is True
                seen.add(item.name)
    assert seen == names
    assert page_count >= 3

    default_pages = list(client.list_properties_of_secrets().by_page())
    assert all(len(list(p)) <= 25 for p in default_pages)


def test_list_properties_of_secret_versions(client, name):
    versions = {client.set_secret(name, f"v{i}").properties.version for i in range(3)}
    listed = list(client.list_properties_of_secret_versions(name, max_page_size=2))
    assert {p.version for p in listed} == versions
    assert all(p.name == name for p in listed)


def test_delete_get_deleted_list_deleted_and_recover(client, name):
    client.set_secret(name, "keep-me", tags={"a": "b"})
    poller = client.begin_delete_secret(name)
    poller.wait()
    deleted = poller.result()
    assert deleted.name == name
    assert deleted.recovery_id.endswith(f"/deletedsecrets/{name}")
    assert deleted.deleted_date is not None
    assert deleted.scheduled_purge_date > deleted.deleted_date

    with pytest.raises(ResourceNotFoundError):
        client.get_secret(name)

    fetched = client.get_deleted_secret(name)
    assert fetched.name == name
    assert fetched.properties.tags == {"a": "b"}

    listed = [d for d in client.list_deleted_secrets(max_page_size=5) if d.name == name]
    assert len(listed) == 1
    assert listed[0].recovery_id == fetched.recovery_id

    poller = client.begin_recover_deleted_secret(name)
    poller.wait()
    recovered = poller.result()
    assert recovered.name == name
    assert client.get_secret(name).value == "keep-me"
    with pytest.raises(ResourceNotFoundError):
        client.get_deleted_secret(name)


def test_purge_deleted_secret(client, name):
    client.set_secret(name, "v")
    client.begin_delete_secret(name).wait()
    client.purge_deleted_secret(name)
    with pytest.raises(ResourceNotFoundError):
        client.get_deleted_secret(name)
    with pytest.raises(ResourceNotFoundError):
        client.purge_deleted_secret(name)
    # The name is free again.
    assert client.set_secret(name, "again").value == "again"


def test_backup_and_restore(client, name):
    client.set_secret(name, "one")
    client.set_secret(name, "two", content_type="ct")
    backup = client.backup_secret(name)
    assert isinstance(backup, bytes) and len(backup) > 0

    with pytest.raises(ResourceExistsError):
        client.restore_secret_backup(backup)

    _delete_and_purge(client, name)
    restored = client.restore_secret_backup(backup)
    assert restored.name == name
    assert restored.content_type == "ct"
    assert client.get_secret(name).value == "two"
    assert len(list(client.list_properties_of_secret_versions(name))) == 2


def test_error_cases(client, name):
    with pytest.raises(ResourceNotFoundError) as info:
        client.get_secret(name)
    assert info.value.error.code == "SecretNotFound"
    with pytest.raises(ResourceNotFoundError):
        client.begin_delete_secret(name)
    with pytest.raises(ResourceNotFoundError):
        client.get_deleted_secret(name)
    with pytest.raises(ResourceNotFoundError):
        client.backup_secret(name)

    client.set_secret(name, "v")
    client.begin_delete_secret(name).wait()
    with pytest.raises(ResourceExistsError) as info:
        client.set_secret(name, "reuse")
    assert info.value.error.code == "Conflict"
    assert "deleted but recoverable" in info.value.error.message
    client.purge_deleted_secret(name)

    with pytest.raises(HttpResponseError) as info:
        client.set_secret("bad_name", "v")
    assert info.value.status_code == 400
    assert info.value.error.code == "BadParameter"


def test_delete_latency_is_polled(client, control, name):
    client.set_secret(name, "v")
    control.post("/delete-latency", {"ms": 1500})
    try:
        poller = client.begin_delete_secret(name, _polling_interval=0.2)
        with pytest.raises(ResourceNotFoundError):
            client.get_deleted_secret(name)
        poller.wait()  # result() of Key Vault pollers does not wait
        assert poller.result().name == name
        polls = [r["status"] for r in control.requests() if r["path"] == f"/deletedsecrets/{name}"]
        assert polls[0] == 404 and polls[-1] == 200 and len(polls) >= 3
        assert client.get_deleted_secret(name).name == name
        client.begin_recover_deleted_secret(name, _polling_interval=0.2).wait()
        assert client.get_secret(name).value == "v"
    finally:
        control.post("/delete-latency", {"ms": 0})


def test_throttling_is_retried_by_the_sdk(client, control, name):
    client.set_secret(name, "v")
    control.post("/faults", {"kind": "status", "status": 429, "retry_after_seconds": 1, "count": 2})
    assert client.get_secret(name).value == "v"
    statuses = [r["status"] for r in control.requests() if r["path"].rstrip("/").endswith(name)]
    assert statuses[-3:] == [429, 429, 200]


def test_update_secret_properties_dates_and_tags_round_trip(client, name):
    created = client.set_secret(name, "dated", tags={"old": "tag"})
    not_before = datetime.datetime(2030, 5, 1, 12, 30, tzinfo=UTC)
    expires_on = datetime.datetime(2031, 5, 1, 12, 30, tzinfo=UTC)
    updated = client.update_secret_properties(
        name, not_before=not_before, expires_on=expires_on, tags={"new": "tag"}, content_type="application/json"
    )
    assert updated.version == created.properties.version
    assert updated.not_before == not_before and updated.expires_on == expires_on
    assert updated.tags == {"new": "tag"}
    assert updated.updated_on >= created.properties.updated_on
    # Fields left out of an update keep their values; the value itself is never touched.
    again = client.update_secret_properties(name, enabled=True)
    assert again.tags == {"new": "tag"} and again.content_type == "application/json"
    assert again.not_before == not_before
    listed = list(client.list_properties_of_secret_versions(name))
    assert len(listed) == 1 and listed[0].expires_on == expires_on
    with pytest.raises(ResourceNotFoundError) as info:
        client.update_secret_properties(name, "0" * 32, enabled=False)
    assert info.value.error.code == "SecretNotFound"


def test_send_request_and_close(emulator_url, credential, name):
    from azure.core.rest import HttpRequest
    from azure.keyvault.secrets import SecretClient

    with SecretClient(emulator_url, credential, verify_challenge_resource=False) as scoped:
        created = scoped.set_secret(name, "raw")
        request = HttpRequest("GET", f"/secrets/{name}/{created.properties.version}")
        response = scoped.send_request(request)
        assert response.status_code == 200
        body = response.json()
        assert body["value"] == "raw" and body["id"] == created.id
        missing = scoped.send_request(HttpRequest("GET", f"/secrets/{name}-missing"))
        assert missing.status_code == 404
        assert missing.json()["error"]["code"] == "SecretNotFound"
        _delete_and_purge(scoped, name)


def test_async_secret_client(aio, name):
    import asyncio

    from azure.keyvault.secrets.aio import SecretClient as AioSecretClient

    async def scenario():
        async with aio.credential() as credential, aio.client(AioSecretClient, aio.url, credential) as client:
            first = await client.set_secret(name, "async-one", tags={"io": "async"})
            second = await client.set_secret(name, "async-two", content_type="text/plain")
            assert (await client.get_secret(name)).value == "async-two"
            assert (await client.get_secret(name, first.properties.version)).value == "async-one"
            versions = {p.version async for p in client.list_properties_of_secret_versions(name)}
            assert versions == {first.properties.version, second.properties.version}
            assert name in {p.name async for p in client.list_properties_of_secrets()}
            updated = await client.update_secret_properties(name, tags={"io": "updated"})
            assert updated.tags == {"io": "updated"} and updated.version == second.properties.version
            backup = await client.backup_secret(name)

            deleted = await client.delete_secret(name)
            assert deleted.name == name and deleted.recovery_id.endswith(f"/deletedsecrets/{name}")
            assert (await client.get_deleted_secret(name)).properties.version == second.properties.version
            assert name in {d.name async for d in client.list_deleted_secrets()}
            recovered = await client.recover_deleted_secret(name)
            assert recovered.version == second.properties.version
            assert (await client.get_secret(name)).value == "async-two"

            await client.delete_secret(name)
            await client.purge_deleted_secret(name)
            with pytest.raises(ResourceNotFoundError):
                await client.get_deleted_secret(name)
            restored = await client.restore_secret_backup(backup)
            assert restored.version == second.properties.version
            assert (await client.get_secret(name, first.properties.version)).value == "async-one"
            await client.delete_secret(name)
            await client.purge_deleted_secret(name)

    asyncio.run(scenario())
