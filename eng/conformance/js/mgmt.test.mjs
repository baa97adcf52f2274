// @azure/arm-keyvault's KeyVaultManagementClient against the emulator's ARM `Microsoft.KeyVault`
// provider at https://management.azure.com:{port}: vaults, access policies, deleted vaults,
// secrets and keys through ARM, Managed HSM pools and their keys, private link, operations.
// A vault created here is reached with the data-plane SDKs at its `vaultUri`
// (`https://{name}.vault.azure.net:{port}`, resolved to the emulator by common.mjs).
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { KeyVaultManagementClient } from "@azure/arm-keyvault";
import { KeyClient } from "@azure/keyvault-keys";
import { SecretClient } from "@azure/keyvault-secrets";
import { all, armUrl, control, credential, port, tenantId, uniqueName } from "./common.mjs";

const LOCATION = "westus";
const OTHER_OBJECT_ID = "00000000-0000-0000-0000-0000000000b2";
const cred = credential();
const subscriptionId = randomUUID();
// The client asks for `{endpoint}/.default`; with a port in the endpoint that is not ARM's
// audience, so the scope is given.
const client = new KeyVaultManagementClient(cred, subscriptionId, {
  endpoint: armUrl,
  credentials: { scopes: ["https://management.azure.com/.default"] },
});
const poll = { updateIntervalInMs: 20 };
let objectId;

before(async () => {
  // The object id (`oid`) of the emulator's tokens: what an access policy must name.
  const token = await cred.getToken("https://vault.azure.net/.default");
  objectId = JSON.parse(Buffer.from(token.token.split(".")[1], "base64url")).oid;
});

const rgName = () => `rg-${randomUUID().slice(0, 10)}`;
const vaultName = () => `jsmg${randomUUID().replaceAll("-", "").slice(0, 14)}`;
const fullAccess = (oid) => ({
  tenantId,
  objectId: oid,
  permissions: { keys: ["all"], secrets: ["all"], certificates: ["all"] },
});
const vaultParams = (properties = {}, tags = {}) => ({
  location: LOCATION,
  tags,
  properties: { tenantId, sku: { family: "A", name: "standard" }, accessPolicies: [], ...properties },
});

async function createVault(rg, name, properties, tags) {
  return client.vaults.createOrUpdate(rg, name, vaultParams(properties, tags), poll);
}

test("vaults: createOrUpdate (poller), get, update, listByResourceGroup, listBySubscription, list", async () => {
  const rg = rgName();
  const name = vaultName();
  const created = await createVault(rg, name, { enableSoftDelete: true, softDeleteRetentionInDays: 30 }, { env: "test" });
  assert.equal(created.name, name);
  assert.equal(created.location, LOCATION);
  assert.equal(created.id, `/subscriptions/${subscriptionId}/resourceGroups/${rg}/providers/Microsoft.KeyVault/vaults/${name}`);
  assert.equal(created.properties.vaultUri, `https://${name}.vault.azure.net:${port}/`);
  assert.equal(created.properties.softDeleteRetentionInDays, 30);
  assert.equal(created.properties.provisioningState, "Succeeded");
  assert.deepEqual(created.tags, { env: "test" });
  const got = await client.vaults.get(rg, name);
  assert.equal(got.properties.tenantId, tenantId);
  assert.equal(got.properties.sku.name, "standard");
  // PATCH merges properties and replaces tags.
  const updated = await client.vaults.update(rg, name, { tags: { env: "prod" }, properties: { enabledForDeployment: true } });
  assert.deepEqual(updated.tags, { env: "prod" });
  assert.equal(updated.properties.enabledForDeployment, true);
  assert.equal(updated.properties.softDeleteRetentionInDays, 30);
  const second = vaultName();
  await createVault(rg, second);
  const inGroup = await all(client.vaults.listByResourceGroup(rg));
  assert.deepEqual(inGroup.map((v) => v.name).sort(), [name, second].sort());
  const paged = await all(client.vaults.listByResourceGroup(rg, { top: 1 }).byPage());
  assert.deepEqual(
    paged.map((p) => p.length),
    [1, 1],
  );
  const inSubscription = await all(client.vaults.listBySubscription());
  assert.ok(inSubscription.some((v) => v.name === name));
  const resources = await all(client.vaults.list());
  assert.ok(resources.some((r) => r.name === name && r.type === "Microsoft.KeyVault/vaults"));
});

test("vaults: createOrUpdate waits out an asynchronous ARM operation", async () => {
  await control.post("/arm-operation-latency", { ms: 300 });
  try {
    const rg = rgName();
    const name = vaultName();
    const poller = client.vaults.createOrUpdate(rg, name, vaultParams(), poll);
    const vault = await poller;
    assert.equal(vault.properties.provisioningState, "Succeeded");
    assert.equal((await client.vaults.get(rg, name)).name, name);
  } finally {
    await control.post("/arm-operation-latency", { ms: 0 });
  }
});

test("vaults: checkNameAvailability and errors", async () => {
  const rg = rgName();
  const name = vaultName();
  assert.equal((await client.vaults.checkNameAvailability({ name, type: "Microsoft.KeyVault/vaults" })).nameAvailable, true);
  await createVault(rg, name);
  const taken = await client.vaults.checkNameAvailability({ name, type: "Microsoft.KeyVault/vaults" });
  assert.equal(taken.nameAvailable, false);
  assert.equal(taken.reason, "AlreadyExists");
  await assert.rejects(client.vaults.get(rg, vaultName()), (e) => e.statusCode === 404 && e.code === "ResourceNotFound");
  await assert.rejects(client.vaults.createOrUpdate(rg, "x", vaultParams(), poll), (e) => e.statusCode === 400);
});

test("vaults: delete, listDeleted, getDeleted, purgeDeleted (poller), recover through createMode", async () => {
  const rg = rgName();
  const name = vaultName();
  await createVault(rg, name);
  await client.vaults.delete(rg, name);
  await assert.rejects(client.vaults.get(rg, name), (e) => e.statusCode === 404);
  const deleted = await client.vaults.getDeleted(name, LOCATION);
  assert.equal(deleted.name, name);
  assert.equal(deleted.properties.location, LOCATION);
  assert.ok(deleted.properties.scheduledPurgeDate > deleted.properties.deletionDate);
  assert.ok((await all(client.vaults.listDeleted())).some((v) => v.name === name));
  // Recover it: createOrUpdate with createMode "recover".
  const recovered = await createVault(rg, name, { createMode: "recover" });
  assert.equal(recovered.name, name);
  await client.vaults.delete(rg, name);
  await client.vaults.purgeDeleted(name, LOCATION, poll);
  await assert.rejects(client.vaults.getDeleted(name, LOCATION), (e) => e.statusCode === 404);
});

test("access policies govern the data plane; updateAccessPolicy add, replace, remove", async () => {
  const rg = rgName();
  const name = vaultName();
  const vault = await createVault(rg, name, { accessPolicies: [fullAccess(OTHER_OBJECT_ID)] });
  const secrets = new SecretClient(vault.properties.vaultUri, cred);
  // The caller is in no policy: 403 Forbidden.
  await assert.rejects(secrets.setSecret("s", "v"), (e) => e.statusCode === 403 && e.code === "Forbidden");
  const added = await client.vaults.updateAccessPolicy(rg, name, "add", {
    properties: { accessPolicies: [{ tenantId, objectId, permissions: { secrets: ["set", "get"] } }] },
  });
  assert.equal(added.properties.accessPolicies.length, 1);
  assert.equal((await secrets.setSecret("s", "v")).value, "v");
  assert.equal((await secrets.getSecret("s")).value, "v");
  // Not allowed to delete.
  await assert.rejects(secrets.beginDeleteSecret("s"), (e) => e.statusCode === 403);
  await client.vaults.updateAccessPolicy(rg, name, "replace", {
    properties: { accessPolicies: [{ tenantId, objectId, permissions: { secrets: ["get"] } }] },
  });
  const policies = (await client.vaults.get(rg, name)).properties.accessPolicies;
  assert.deepEqual(policies.find((p) => p.objectId === objectId).permissions.secrets, ["get"]);
  await client.vaults.updateAccessPolicy(rg, name, "remove", {
    properties: { accessPolicies: [{ tenantId, objectId, permissions: { secrets: ["get"] } }] },
  });
  // Removing an entry's last permissions removes the entry.
  assert.equal((await client.vaults.get(rg, name)).properties.accessPolicies.some((p) => p.objectId === objectId), false);
  await assert.rejects(secrets.getSecret("s"), (e) => e.statusCode === 403);
  // Data-plane keys of a vault with full access.
  const open = await createVault(rg, vaultName(), { accessPolicies: [fullAccess(objectId)] });
  const keys = new KeyClient(open.properties.vaultUri, cred);
  assert.equal((await keys.createEcKey("k")).name, "k");
});

test("secrets through ARM: createOrUpdate, update, get, list", async () => {
  const rg = rgName();
  const name = vaultName();
  const vault = await createVault(rg, name, { accessPolicies: [fullAccess(objectId)] });
  const created = await client.secrets.createOrUpdate(rg, name, "arm-secret", {
    properties: { value: "from ARM", contentType: "text/plain" },
    tags: { via: "arm" },
  });
  assert.equal(created.name, "arm-secret");
  assert.equal(created.properties.contentType, "text/plain");
  // ARM never answers the value.
  assert.equal(created.properties.value, undefined);
  assert.ok(created.properties.secretUriWithVersion.startsWith(`${vault.properties.vaultUri}secrets/arm-secret/`));
  const updated = await client.secrets.update(rg, name, "arm-secret", { properties: { contentType: "application/json" } });
  assert.equal(updated.properties.contentType, "application/json");
  assert.equal((await client.secrets.get(rg, name, "arm-secret")).properties.contentType, "application/json");
  await client.secrets.createOrUpdate(rg, name, "other", { properties: { value: "x" } });
  assert.deepEqual((await all(client.secrets.list(rg, name))).map((s) => s.name).sort(), ["arm-secret", "other"]);
  // The data plane reads what ARM wrote.
  assert.equal((await new SecretClient(vault.properties.vaultUri, cred).getSecret("arm-secret")).value, "from ARM");
});

test("keys through ARM: createIfNotExist, get, getVersion, list, listVersions", async () => {
  const rg = rgName();
  const name = vaultName();
  await createVault(rg, name, { accessPolicies: [fullAccess(objectId)] });
  const key = await client.keys.createIfNotExist(rg, name, "arm-key", {
    properties: { kty: "RSA", keySize: 2048, keyOps: ["sign", "verify"] },
    tags: { via: "arm" },
  });
  // arm-keyvault 5 flattens a key's `properties` into the key.
  assert.equal(key.name, "arm-key");
  assert.equal(key.kty, "RSA");
  assert.equal(key.keySize, 2048);
  assert.deepEqual(key.keyOps.sort(), ["sign", "verify"]);
  assert.deepEqual(key.tags, { via: "arm" });
  // A second call keeps the existing key.
  const again = await client.keys.createIfNotExist(rg, name, "arm-key", { properties: { kty: "EC", curveName: "P-256" } });
  assert.equal(again.keyUriWithVersion, key.keyUriWithVersion);
  assert.equal((await client.keys.get(rg, name, "arm-key")).kty, "RSA");
  const version = key.keyUriWithVersion.split("/").pop();
  assert.equal((await client.keys.getVersion(rg, name, "arm-key", version)).name, version);
  await client.keys.createIfNotExist(rg, name, "ec-key", { properties: { kty: "EC", curveName: "P-384" } });
  assert.deepEqual((await all(client.keys.list(rg, name))).map((k) => k.name).sort(), ["arm-key", "ec-key"]);
  assert.equal((await all(client.keys.listVersions(rg, name, "arm-key"))).length, 1);
});

test("managed HSMs: createOrUpdate, get, update, lists, keys, delete, getDeleted, purgeDeleted, name availability", async () => {
  const rg = rgName();
  const name = vaultName();
  const params = {
    location: LOCATION,
    sku: { family: "B", name: "Standard_B1" },
    tags: { kind: "hsm" },
    properties: { tenantId, initialAdminObjectIds: [objectId], softDeleteRetentionInDays: 7 },
  };
  assert.equal((await client.managedHsms.checkMhsmNameAvailability({ name })).nameAvailable, true);
  const hsm = await client.managedHsms.createOrUpdate(rg, name, params, poll);
  assert.equal(hsm.name, name);
  assert.equal(hsm.properties.hsmUri, `https://${name}.managedhsm.azure.net:${port}/`);
  assert.equal(hsm.properties.provisioningState, "Succeeded");
  assert.equal((await client.managedHsms.checkMhsmNameAvailability({ name })).nameAvailable, false);
  assert.equal((await client.managedHsms.get(rg, name)).sku.name, "Standard_B1");
  const updated = await client.managedHsms.update(rg, name, { ...params, tags: { kind: "updated" } }, poll);
  assert.deepEqual(updated.tags, { kind: "updated" });
  assert.ok((await all(client.managedHsms.listByResourceGroup(rg))).some((h) => h.name === name));
  assert.ok((await all(client.managedHsms.listBySubscription())).some((h) => h.name === name));
  // Keys through ARM, then on the pool's data plane (the creator is its administrator).
  const key = await client.managedHsmKeys.createIfNotExist(rg, name, "hsm-key", { properties: { kty: "EC-HSM", curveName: "P-256" } });
  assert.equal(key.kty, "EC-HSM");
  assert.equal((await client.managedHsmKeys.get(rg, name, "hsm-key")).name, "hsm-key");
  const version = key.keyUriWithVersion.split("/").pop();
  assert.equal((await client.managedHsmKeys.getVersion(rg, name, "hsm-key", version)).name, version);
  assert.deepEqual((await all(client.managedHsmKeys.list(rg, name))).map((k) => k.name), ["hsm-key"]);
  assert.equal((await all(client.managedHsmKeys.listVersions(rg, name, "hsm-key"))).length, 1);
  const dataPlane = new KeyClient(hsm.properties.hsmUri, cred);
  assert.equal((await dataPlane.getKey("hsm-key")).keyType, "EC-HSM");
  assert.equal((await dataPlane.createOctKey("oct", { hsm: true })).keyType, "oct-HSM");
  await client.managedHsms.delete(rg, name, poll);
  await assert.rejects(client.managedHsms.get(rg, name), (e) => e.statusCode === 404);
  const deleted = await client.managedHsms.getDeleted(name, LOCATION);
  assert.equal(deleted.name, name);
  assert.ok((await all(client.managedHsms.listDeleted())).some((h) => h.name === name));
  await client.managedHsms.purgeDeleted(name, LOCATION, poll);
  await assert.rejects(client.managedHsms.getDeleted(name, LOCATION), (e) => e.statusCode === 404);
});

test("private endpoint connections and private link resources of a vault; mhsmRegions", async () => {
  const rg = rgName();
  const name = vaultName();
  const vault = await createVault(rg, name);
  // Connections are made by Azure's network side: the emulator's control endpoint adds one.
  await control.post("/private-endpoint-connections", { resourceId: vault.id, name: "pe-1" });
  const listed = await all(client.privateEndpointConnections.listByResource(rg, name));
  assert.deepEqual(
    listed.map((c) => c.name),
    ["pe-1"],
  );
  const connection = await client.privateEndpointConnections.get(rg, name, "pe-1");
  // arm-keyvault 5 flattens a connection's `properties` into it.
  assert.equal(connection.privateLinkServiceConnectionState.status, "Pending");
  const approved = await client.privateEndpointConnections.put(rg, name, "pe-1", {
    privateLinkServiceConnectionState: { status: "Approved", description: "ok" },
  });
  assert.equal(approved.privateLinkServiceConnectionState.status, "Approved");
  assert.equal(approved.privateLinkServiceConnectionState.description, "ok");
  const removed = await client.privateEndpointConnections.delete(rg, name, "pe-1", poll);
  assert.equal(removed.name, "pe-1");
  assert.deepEqual(await all(client.privateEndpointConnections.listByResource(rg, name)), []);
  const resources = await client.privateLinkResources.listByVault(rg, name);
  assert.equal(resources.value[0].groupId, "vault");

  const hsmName = vaultName();
  await client.managedHsms.createOrUpdate(
    rg,
    hsmName,
    { location: LOCATION, sku: { family: "B", name: "Standard_B1" }, properties: { tenantId, initialAdminObjectIds: [objectId] } },
    poll,
  );
  const regions = await all(client.mhsmRegions.listByResource(rg, hsmName));
  assert.ok(regions.some((r) => r.name === LOCATION && r.isPrimary));
});

test("operations.list, and ARM wants a management token", async () => {
  const operations = await all(client.operations.list());
  assert.ok(operations.some((o) => o.name === "Microsoft.KeyVault/vaults/read"));
  // A client that asks for its default scope with the port in it gets no token ARM accepts.
  const wrongAudience = new KeyVaultManagementClient(cred, subscriptionId, {
    endpoint: armUrl,
    credentials: { scopes: ["https://vault.azure.net/.default"] },
  });
  await assert.rejects(wrongAudience.vaults.get(rgName(), vaultName()), (e) => e.statusCode === 401);
});
