// @azure/keyvault-certificates' CertificateClient against the emulator, method by method,
// including the SDK's own merge sample flow (a CSR signed by a test CA with the openssl CLI).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CertificateClient, DefaultCertificatePolicy } from "@azure/keyvault-certificates";
import { SecretClient } from "@azure/keyvault-secrets";
import { all, credential, fast, uniqueName, vaultUrl } from "./common.mjs";

const cred = credential();
const url = vaultUrl("jscerts");
const client = new CertificateClient(url, cred);
const secrets = new SecretClient(url, cred);
const work = fs.mkdtempSync(path.join(os.tmpdir(), "kv-js-certs-"));
after(() => fs.rmSync(work, { recursive: true, force: true }));

const selfPolicy = (subject, extra = {}) => ({ issuerName: "Self", subject, ...extra });

function openssl(...args) {
  return execFileSync("openssl", args, { cwd: work, stdio: ["ignore", "pipe", "pipe"] });
}

/** A self-signed P-256 certificate and its PKCS#8 key, as PEM files made by the openssl CLI. */
function selfSigned(cn) {
  const key = path.join(work, `${cn}.key`);
  const crt = path.join(work, `${cn}.crt`);
  openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", `/CN=${cn}`, "-days", "30", "-keyout", key, "-out", crt);
  return { key, crt, pem: fs.readFileSync(key, "utf8") + fs.readFileSync(crt, "utf8") };
}

async function purge(name) {
  await (await client.beginDeleteCertificate(name, fast)).pollUntilDone();
  await client.purgeDeletedCertificate(name);
}

test("beginCreateCertificate poller, getCertificate, getCertificateVersion, listPropertiesOfCertificateVersions", async () => {
  const name = uniqueName();
  const policy = selfPolicy("CN=js-created", {
    subjectAlternativeNames: { dnsNames: ["js.example"], emails: ["js@example.com"] },
    keyType: "RSA",
    keySize: 2048,
    validityInMonths: 6,
    contentType: "application/x-pem-file",
  });
  const poller = await client.beginCreateCertificate(name, policy, { ...fast, tags: { made: "by js" } });
  const created = await poller.pollUntilDone();
  assert.equal(created.name, name);
  assert.equal(created.policy.subject, "CN=js-created");
  assert.deepEqual(created.policy.subjectAlternativeNames.dnsNames, ["js.example"]);
  assert.equal(created.policy.validityInMonths, 6);
  assert.deepEqual(created.properties.tags, { made: "by js" });
  assert.ok(created.cer.length > 100);
  assert.equal(created.properties.x509Thumbprint.length, 20);
  // The certificate is real X.509: Node reads it.
  const x509 = new crypto.X509Certificate(Buffer.from(created.cer));
  assert.equal(x509.subject, "CN=js-created");
  assert.match(x509.subjectAltName, /DNS:js\.example/);
  // Its managed secret is the PEM of the key and the certificate.
  const secret = await secrets.getSecret(name);
  assert.equal(secret.properties.contentType, "application/x-pem-file");
  assert.match(secret.value, /-----BEGIN PRIVATE KEY-----/);
  const second = await (await client.beginCreateCertificate(name, DefaultCertificatePolicy, fast)).pollUntilDone();
  const latest = await client.getCertificate(name);
  assert.equal(latest.properties.version, second.properties.version);
  const first = await client.getCertificateVersion(name, created.properties.version);
  assert.deepEqual(Buffer.from(first.cer), Buffer.from(created.cer));
  const versions = await all(client.listPropertiesOfCertificateVersions(name));
  assert.deepEqual(versions.map((v) => v.version).sort(), [created.properties.version, second.properties.version].sort());
});

test("beginCreateCertificate: EC keys and the poller's resume from a serialized state", async () => {
  const name = uniqueName();
  const poller = await client.beginCreateCertificate(name, selfPolicy("CN=ec", { keyType: "EC", keyCurveName: "P-384" }), fast);
  const state = poller.toString();
  const resumed = await client.beginCreateCertificate(name, selfPolicy("CN=ec"), { ...fast, resumeFrom: state });
  const certificate = await resumed.pollUntilDone();
  assert.equal(certificate.policy.keyType, "EC");
  assert.equal(certificate.policy.keyCurveName, "P-384");
});

test("getCertificateOperation, cancelOperation, deleteCertificateOperation", async () => {
  const name = uniqueName();
  // An Unknown issuer waits for a merge: the operation stays inProgress.
  await client.beginCreateCertificate(name, { issuerName: "Unknown", subject: "CN=cancelled" }, fast);
  // getCertificateOperation reads the certificate (whose only version is pending) and then its
  // operation.
  const operationPoller = await client.getCertificateOperation(name, fast);
  const operation = operationPoller.getOperationState().certificateOperation;
  assert.equal(operation.status, "inProgress");
  assert.equal(operation.issuerName, "Unknown");
  assert.ok(operation.csr.length > 0);
  const pending = await client.getCertificate(name);
  assert.equal(pending.properties.enabled, false);
  assert.equal(pending.cer, undefined);
  assert.equal(pending.policy.issuerName, "Unknown");
  await operationPoller.cancelOperation();
  assert.equal(operationPoller.getOperationState().certificateOperation.cancellationRequested, true);
  const cancelled = (await client.getCertificateOperation(name)).getOperationState().certificateOperation;
  assert.equal(cancelled.status, "cancelled");
  const deleted = await client.deleteCertificateOperation(name);
  assert.equal(deleted.status, "cancelled");
  await assert.rejects(client.getCertificateOperation(name), (e) => e.statusCode === 404);
  // The certificate stays, as its disabled pending version, and is deleted and purged.
  const kept = await client.getCertificate(name);
  assert.equal(kept.properties.version, pending.properties.version);
  assert.equal(kept.properties.enabled, false);
  await purge(name);
});

test("beginDeleteCertificate of a certificate whose only version is pending, and its recovery", async () => {
  const name = uniqueName();
  await client.beginCreateCertificate(name, { issuerName: "Unknown", subject: "CN=pending" });
  const pending = await client.getCertificate(name);
  const deleted = await (await client.beginDeleteCertificate(name, fast)).pollUntilDone();
  assert.equal(deleted.properties.version, pending.properties.version);
  assert.equal(deleted.recoveryId, `${url}/deletedcertificates/${name}`);
  await assert.rejects(client.getCertificateOperation(name), (e) => e.statusCode === 404);
  const recovered = await (await client.beginRecoverDeletedCertificate(name, fast)).pollUntilDone();
  assert.equal(recovered.properties.enabled, false);
  await purge(name);
});

test("mergeCertificate: the SDK's merge sample (Unknown issuer, CSR signed with the openssl CLI)", async () => {
  const name = uniqueName();
  // A test CA, as the sample makes it.
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=JS Test CA", "-days", "30", "-keyout", "ca.key", "-out", "ca.crt");
  await client.beginCreateCertificate(name, { issuerName: "Unknown", certificateTransparency: false, subject: "cn=MyCert" });
  const operationPoller = await client.getCertificateOperation(name);
  const { csr } = operationPoller.getOperationState().certificateOperation;
  const base64Csr = Buffer.from(csr).toString("base64");
  fs.writeFileSync(path.join(work, "test.csr"), `-----BEGIN CERTIFICATE REQUEST-----\n${base64Csr}\n-----END CERTIFICATE REQUEST-----`);
  openssl("x509", "-req", "-in", "test.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "test.crt");
  // The sample's own reading of the signed certificate: the PEM file's lines after the first.
  const base64Crt = fs.readFileSync(path.join(work, "test.crt")).toString().split("\n").slice(1, -1).join("");
  const merged = await client.mergeCertificate(name, [Buffer.from(base64Crt)]);
  assert.equal(merged.name, name);
  const x509 = new crypto.X509Certificate(Buffer.from(merged.cer));
  assert.equal(x509.issuer, "CN=JS Test CA");
  assert.equal(x509.subject, "CN=MyCert");
  const done = (await client.getCertificateOperation(name)).getOperationState().certificateOperation;
  assert.equal(done.status, "completed");
  assert.equal((await client.getCertificate(name)).properties.enabled, true);

  // The whole PEM text as bytes, and the DER, merge too.
  for (const form of ["pem", "der"]) {
    const other = uniqueName();
    await client.beginCreateCertificate(other, { issuerName: "Unknown", subject: `CN=${form}` });
    const state = (await client.getCertificateOperation(other)).getOperationState().certificateOperation;
    fs.writeFileSync(path.join(work, `${form}.csr`), Buffer.from(state.csr));
    openssl("x509", "-req", "-inform", "DER", "-in", `${form}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", `${form}.crt`);
    const pem = fs.readFileSync(path.join(work, `${form}.crt`));
    const bytes = form === "pem" ? pem : new crypto.X509Certificate(pem).raw;
    const result = await client.mergeCertificate(other, [bytes]);
    assert.equal(new crypto.X509Certificate(Buffer.from(result.cer)).subject, `CN=${form}`);
  }
  // A certificate of another key is refused.
  const stranger = uniqueName();
  await client.beginCreateCertificate(stranger, { issuerName: "Unknown", subject: "CN=stranger" });
  await assert.rejects(client.mergeCertificate(stranger, [fs.readFileSync(path.join(work, "test.crt"))]), (e) => e.statusCode === 400 && e.code === "BadParameter");
});

test("getCertificatePolicy and updateCertificatePolicy", async () => {
  const name = uniqueName();
  await (await client.beginCreateCertificate(name, selfPolicy("CN=policy"), fast)).pollUntilDone();
  const policy = await client.getCertificatePolicy(name);
  assert.equal(policy.subject, "CN=policy");
  assert.equal(policy.issuerName, "Self");
  const updated = await client.updateCertificatePolicy(name, {
    ...policy,
    validityInMonths: 24,
    keyUsage: ["digitalSignature"],
    lifetimeActions: [{ action: "EmailContacts", daysBeforeExpiry: 30 }],
  });
  // This SDK version answers an empty policy here (it never reads the response: see README.md);
  // the update is read back.
  assert.equal(typeof updated, "object");
  const read = await client.getCertificatePolicy(name);
  assert.equal(read.validityInMonths, 24);
  assert.deepEqual(read.keyUsage, ["digitalSignature"]);
  assert.equal(read.lifetimeActions[0].daysBeforeExpiry, 30);
  assert.equal(read.subject, "CN=policy");
});

test("updateCertificateProperties: enabled and tags", async () => {
  const name = uniqueName();
  const created = await (await client.beginCreateCertificate(name, selfPolicy("CN=props"), fast)).pollUntilDone();
  const updated = await client.updateCertificateProperties(name, created.properties.version, { enabled: false, tags: { a: "b" } });
  assert.equal(updated.properties.enabled, false);
  assert.deepEqual(updated.properties.tags, { a: "b" });
  // The latest version when the version is "".
  const latest = await client.updateCertificateProperties(name, "", { enabled: true });
  assert.equal(latest.properties.enabled, true);
});

test("importCertificate: PFX with a password (openssl CLI), PFX by node-forge (PBES2, PBKDF2-HMAC-SHA1, AES-256-CBC), PEM", async () => {
  const { key, crt, pem } = selfSigned("imported");
  const pfxPath = path.join(work, "imported.pfx");
  openssl("pkcs12", "-export", "-inkey", key, "-in", crt, "-passout", "pass:js-test-password", "-out", pfxPath);
  const pfxName = uniqueName();
  const fromPfx = await client.importCertificate(pfxName, fs.readFileSync(pfxPath), { password: "js-test-password", tags: { from: "pfx" } });
  assert.equal(fromPfx.policy.subject, "CN=imported");
  assert.equal(fromPfx.policy.issuerName, "Unknown");
  assert.equal(fromPfx.policy.keyType, "EC");
  assert.deepEqual(fromPfx.properties.tags, { from: "pfx" });
  assert.deepEqual(Buffer.from(fromPfx.cer), new crypto.X509Certificate(fs.readFileSync(crt)).raw);
  await assert.rejects(client.importCertificate(uniqueName(), fs.readFileSync(pfxPath), { password: "wrong" }), (e) => e.statusCode === 400);

  // The fixture's password is a test value (see the emulator test that uses it).
  const forge = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "../../../crates/keyvault-emulator/tests/integration/fixtures/pbes2-sha1-aes256.p12"));
  const fromForge = await client.importCertificate(uniqueName(), forge, { password: "test-password" });
  assert.equal(fromForge.policy.subject, "CN=pbes2-sha1");

  const pemName = uniqueName();
  const fromPem = await client.importCertificate(pemName, Buffer.from(pem), { policy: { contentType: "application/x-pem-file" } });
  assert.equal(fromPem.policy.contentType, "application/x-pem-file");
  const secret = await secrets.getSecret(pemName);
  assert.match(secret.value, /-----BEGIN CERTIFICATE-----/);
});

test("beginDeleteCertificate, getDeletedCertificate, listDeletedCertificates, beginRecoverDeletedCertificate, purgeDeletedCertificate", async () => {
  const name = uniqueName();
  await (await client.beginCreateCertificate(name, selfPolicy("CN=deleted"), fast)).pollUntilDone();
  const deleted = await (await client.beginDeleteCertificate(name, fast)).pollUntilDone();
  assert.equal(deleted.name, name);
  assert.ok(deleted.deletedOn instanceof Date);
  assert.equal(deleted.recoveryId, `${url}/deletedcertificates/${name}`);
  assert.equal((await client.getDeletedCertificate(name)).name, name);
  assert.ok((await all(client.listDeletedCertificates())).some((c) => c.name === name));
  // The managed secret went with it.
  await assert.rejects(secrets.getSecret(name), (e) => e.statusCode === 404);
  const recovered = await (await client.beginRecoverDeletedCertificate(name, fast)).pollUntilDone();
  assert.equal(recovered.name, name);
  assert.equal((await secrets.getSecret(name)).name, name);
  await purge(name);
  await assert.rejects(client.getDeletedCertificate(name), (e) => e.statusCode === 404 && e.code === "CertificateNotFound");
});

test("listPropertiesOfCertificates, with includePending", async () => {
  const vault = new CertificateClient(vaultUrl(uniqueName("jscl")), cred);
  for (const n of ["a", "b", "c"]) {
    await (await vault.beginCreateCertificate(n, selfPolicy(`CN=${n}`), fast)).pollUntilDone();
  }
  await vault.beginCreateCertificate("waiting", { issuerName: "Unknown", subject: "CN=waiting" });
  const listed = await all(vault.listPropertiesOfCertificates());
  assert.deepEqual(listed.map((c) => c.name).sort(), ["a", "b", "c"]);
  const withPending = await all(vault.listPropertiesOfCertificates({ includePending: true }));
  assert.deepEqual(withPending.map((c) => c.name).sort(), ["a", "b", "c", "waiting"]);
  // byPage's maxPageSize does not reach this SDK's certificate lists (see README.md); the
  // generated option `maxresults` does.
  const pages = await all(vault.listPropertiesOfCertificates({ maxresults: 2 }).byPage());
  assert.deepEqual(
    pages.map((p) => p.length),
    [2, 1],
  );
});

test("backupCertificate and restoreCertificateBackup", async () => {
  const name = uniqueName();
  const created = await (await client.beginCreateCertificate(name, selfPolicy("CN=backup"), fast)).pollUntilDone();
  const backup = await client.backupCertificate(name);
  assert.ok(backup.length > 0);
  await assert.rejects(client.restoreCertificateBackup(backup), (e) => e.statusCode === 409);
  await purge(name);
  const restored = await client.restoreCertificateBackup(backup);
  assert.equal(restored.name, name);
  assert.deepEqual(Buffer.from(restored.cer), Buffer.from(created.cer));
  assert.equal((await secrets.getSecret(name)).name, name);
});

test("setContacts, getContacts, deleteContacts", async () => {
  const vault = new CertificateClient(vaultUrl(uniqueName("jscontacts")), cred);
  await assert.rejects(vault.getContacts(), (e) => e.statusCode === 404 && e.code === "ContactsNotFound");
  const contacts = [
    { email: "a@example.com", name: "A", phone: "555-0100" },
    { email: "b@example.com", name: "B" },
  ];
  const set = await vault.setContacts(contacts);
  assert.deepEqual(
    set.map((c) => c.email),
    ["a@example.com", "b@example.com"],
  );
  const got = await vault.getContacts();
  assert.equal(got[0].phone, "555-0100");
  // The service answers the deleted contacts; this SDK version reads them under a name the wire
  // does not use and returns [] (see README.md).
  assert.deepEqual(await vault.deleteContacts(), []);
  await assert.rejects(vault.getContacts(), (e) => e.statusCode === 404);
});

test("createIssuer, getIssuer, updateIssuer, listPropertiesOfIssuers, deleteIssuer, and a certificate it issues", async () => {
  const vault = new CertificateClient(vaultUrl(uniqueName("jsissuers")), cred);
  const issuer = await vault.createIssuer("js-issuer", "Test", {
    accountId: "account",
    password: "issuer-password",
    organizationId: "org",
    enabled: false,
    administratorContacts: [{ email: "admin@example.com", firstName: "Ad", lastName: "Min", phone: "555-0101" }],
  });
  // The SDK parses the issuer's id (`{vault}/certificates/issuers/{name}`) as a certificate id, so
  // its `name` is "issuers" against the service too (see README.md).
  assert.equal(issuer.id, `${vault.vaultUrl}/certificates/issuers/js-issuer`);
  assert.equal(issuer.provider, "Test");
  assert.equal(issuer.accountId, "account");
  // The password is kept but never answered.
  assert.equal(issuer.password, undefined);
  const got = await vault.getIssuer("js-issuer");
  assert.equal(got.administratorContacts[0].email, "admin@example.com");
  assert.equal(got.enabled, false);
  // updateIssuer sends `enabled` only when it is true (see README.md).
  const updated = await vault.updateIssuer("js-issuer", { enabled: true, accountId: "other" });
  assert.equal(updated.enabled, true);
  assert.equal(updated.accountId, "other");
  const listed = await all(vault.listPropertiesOfIssuers());
  assert.deepEqual(
    listed.map((i) => i.id),
    [issuer.id],
  );
  const issued = await (await vault.beginCreateCertificate("by-issuer", { issuerName: "js-issuer", subject: "CN=by-issuer" }, fast)).pollUntilDone();
  assert.equal(issued.policy.issuerName, "js-issuer");
  const deleted = await vault.deleteIssuer("js-issuer");
  assert.equal(deleted.id, issuer.id);
  await assert.rejects(vault.getIssuer("js-issuer"), (e) => e.statusCode === 404 && e.code === "CertificateIssuerNotFound");
});

test("errors: unknown names and bad policies", async () => {
  await assert.rejects(client.getCertificate(uniqueName()), (e) => e.statusCode === 404 && e.code === "CertificateNotFound");
  await assert.rejects(client.getCertificatePolicy(uniqueName()), (e) => e.statusCode === 404);
  await assert.rejects(client.beginCreateCertificate(uniqueName(), { issuerName: "Self" }), /subject|subjectAlternativeNames/i);
  await assert.rejects(client.beginCreateCertificate(uniqueName(), selfPolicy("CN=x", { keyType: "RSA", keySize: 1000 })), (e) => e.statusCode === 400);
  await assert.rejects(client.importCertificate(uniqueName(), Buffer.from("not a certificate")), (e) => e.statusCode === 400);
});
