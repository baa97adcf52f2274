// @azure/keyvault-secrets' SecretClient against the emulator, method by method.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SecretClient } from "@azure/keyvault-secrets";
import { all, control, credential, emulatorUrl, fast, uniqueName, vaultUrl } from "./common.mjs";

const client = new SecretClient(vaultUrl("jssecrets"), credential());

test("setSecret with properties, getSecret latest and by version", async () => {
  const name = uniqueName();
  const expiresOn = new Date(Math.floor(Date.now() / 1000 + 86400) * 1000);
  const first = await client.setSecret(name, "v1", { contentType: "text/plain", tags: { a: "1" }, expiresOn });
  assert.equal(first.value, "v1");
  assert.equal(first.properties.contentType, "text/plain");
  assert.deepEqual(first.properties.tags, { a: "1" });
  assert.equal(first.properties.expiresOn.getTime(), expiresOn.getTime());
  assert.equal(first.properties.vaultUrl, vaultUrl("jssecrets"));
  assert.equal(first.properties.recoveryLevel, "Recoverable+Purgeable");
  const second = await client.setSecret(name, "v2");
  assert.equal((await client.getSecret(name)).value, "v2");
  const old = await client.getSecret(name, { version: first.properties.version });
  assert.equal(old.value, "v1");
  assert.equal(old.properties.id, first.properties.id);
  assert.notEqual(second.properties.version, first.properties.version);
});

test("updateSecretProperties: enabled, tags, content type, dates", async () => {
  const name = uniqueName();
  const secret = await client.setSecret(name, "value");
  const notBefore = new Date(Math.floor(Date.now() / 1000 - 60) * 1000);
  const updated = await client.updateSecretProperties(name, secret.properties.version, {
    enabled: false,
    tags: { env: "test" },
    contentType: "application/json",
    notBefore,
  });
  assert.equal(updated.enabled, false);
  assert.deepEqual(updated.tags, { env: "test" });
  assert.equal(updated.contentType, "application/json");
  assert.equal(updated.notBefore.getTime(), notBefore.getTime());
  // A disabled secret's value cannot be read: 403 Forbidden (inner SecretDisabled).
  await assert.rejects(client.getSecret(name), (e) => e.statusCode === 403 && e.code === "Forbidden");
});

test("listPropertiesOfSecrets pages, byPage with maxPageSize", async () => {
  const pager = new SecretClient(vaultUrl(uniqueName("jslist")), credential());
  const names = [];
  for (let i = 0; i < 7; i++) {
    names.push((await pager.setSecret(`s${i}`, `v${i}`)).name);
  }
  const listed = await all(pager.listPropertiesOfSecrets());
  assert.deepEqual(listed.map((p) => p.name).sort(), names.sort());
  assert.ok(listed.every((p) => p.value === undefined));
  const pages = await all(pager.listPropertiesOfSecrets().byPage({ maxPageSize: 3 }));
  assert.deepEqual(
    pages.map((p) => p.length),
    [3, 3, 1],
  );
  // The pages of this SDK version carry no `continuationToken` (its mapPagedAsyncIterable maps
  // each page with Array.map): see README.md.
});

test("listPropertiesOfSecretVersions", async () => {
  const name = uniqueName();
  const versions = [];
  for (const value of ["a", "b", "c"]) {
    versions.push((await client.setSecret(name, value)).properties.version);
  }
  const listed = await all(client.listPropertiesOfSecretVersions(name));
  assert.deepEqual(listed.map((p) => p.version).sort(), versions.sort());
  assert.ok(listed.every((p) => p.name === name));
});

test("beginDeleteSecret poller, getDeletedSecret, listDeletedSecrets, beginRecoverDeletedSecret", async () => {
  const name = uniqueName();
  await client.setSecret(name, "value");
  const poller = await client.beginDeleteSecret(name, fast);
  const deleted = await poller.pollUntilDone();
  assert.equal(deleted.name, name);
  assert.ok(deleted.properties.deletedOn instanceof Date);
  assert.ok(deleted.properties.scheduledPurgeDate > deleted.properties.deletedOn);
  assert.equal(deleted.properties.recoveryId, `${vaultUrl("jssecrets")}/deletedsecrets/${name}`);
  assert.equal((await client.getDeletedSecret(name)).name, name);
  const listed = await all(client.listDeletedSecrets());
  assert.ok(listed.some((s) => s.name === name));
  // Setting a deleted name is 409 Conflict.
  await assert.rejects(client.setSecret(name, "again"), (e) => e.statusCode === 409);
  const recovered = await (await client.beginRecoverDeletedSecret(name, fast)).pollUntilDone();
  assert.equal(recovered.name, name);
  assert.equal((await client.getSecret(name)).value, "value");
});

test("delete and recover pollers wait out the emulator's delete latency", async () => {
  const name = uniqueName();
  await client.setSecret(name, "value");
  await control.post("/delete-latency", { ms: 300 });
  try {
    const poller = await client.beginDeleteSecret(name, fast);
    assert.equal(poller.isDone(), false);
    const deleted = await poller.pollUntilDone();
    assert.equal(deleted.name, name);
    const recover = await client.beginRecoverDeletedSecret(name, fast);
    await recover.pollUntilDone();
    assert.equal((await client.getSecret(name)).value, "value");
  } finally {
    await control.post("/delete-latency", { ms: 0 });
  }
});

test("purgeDeletedSecret", async () => {
  const name = uniqueName();
  await client.setSecret(name, "value");
  await (await client.beginDeleteSecret(name, fast)).pollUntilDone();
  await client.purgeDeletedSecret(name);
  await assert.rejects(client.getDeletedSecret(name), (e) => e.statusCode === 404 && e.code === "SecretNotFound");
  // The name is free again.
  assert.equal((await client.setSecret(name, "new")).value, "new");
});

test("backupSecret and restoreSecretBackup", async () => {
  const name = uniqueName();
  await client.setSecret(name, "precious", { tags: { kept: "yes" } });
  const backup = await client.backupSecret(name);
  assert.ok(backup instanceof Uint8Array && backup.length > 0);
  // Restoring over an existing name is 409 Conflict.
  await assert.rejects(client.restoreSecretBackup(backup), (e) => e.statusCode === 409);
  await (await client.beginDeleteSecret(name, fast)).pollUntilDone();
  await client.purgeDeletedSecret(name);
  const restored = await client.restoreSecretBackup(backup);
  assert.equal(restored.name, name);
  assert.deepEqual(restored.tags, { kept: "yes" });
  assert.equal((await client.getSecret(name)).value, "precious");
  // ... into another vault of the same emulator too.
  const other = new SecretClient(vaultUrl(uniqueName("jsother")), credential());
  assert.equal((await other.restoreSecretBackup(backup)).name, name);
});

test("errors are RestErrors with the service's codes", async () => {
  const name = uniqueName();
  await assert.rejects(client.getSecret(name), (e) => e.name === "RestError" && e.statusCode === 404 && e.code === "SecretNotFound");
  await assert.rejects(client.setSecret("not_valid!", "x"), (e) => e.statusCode === 400 && e.code === "BadParameter");
  await assert.rejects(client.backupSecret(name), (e) => e.statusCode === 404);
});

test("the localhost vault with disableChallengeResourceVerification", async () => {
  // The challenge names https://vault.azure.net; `localhost` is not under it, so the SDK's check
  // must be off to reach the default vault at https://localhost:{port}.
  const strict = new SecretClient(emulatorUrl, credential());
  await assert.rejects(strict.getSecret("anything"), /challenge resource/i);
  const local = new SecretClient(emulatorUrl, credential(), { disableChallengeResourceVerification: true });
  const name = uniqueName();
  await local.setSecret(name, "on localhost");
  assert.equal((await local.getSecret(name)).value, "on localhost");
});

test("throttling (429 with Retry-After) is retried by the SDK", async () => {
  const name = uniqueName();
  await client.setSecret(name, "value");
  await control.post("/faults", { kind: "status", status: 429, retry_after_seconds: 0, count: 2 });
  assert.equal((await client.getSecret(name)).value, "value");
});
