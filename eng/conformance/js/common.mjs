// Shared set-up of the JavaScript conformance suite: the emulator's address and credential, the
// official clients pointed at it, and host names resolved to the emulator.
//
// `*.vault.azure.net`, `*.managedhsm.azure.net` and `management.azure.com` resolve to the loopback
// address through the `dns.lookup` hook below (Node's `https` looks names up with `dns.lookup`),
// so a vault created through ARM is reached at its `vaultUri` as in Azure. The emulator's CA is
// trusted through NODE_EXTRA_CA_CERTS (run.sh).
import dns from "node:dns";
import { randomUUID } from "node:crypto";
import { ClientSecretCredential } from "@azure/identity";

const realLookup = dns.lookup;
function toEmulator(host) {
  const h = String(host).toLowerCase().replace(/\.$/, "");
  return h.endsWith(".vault.azure.net") || h.endsWith(".managedhsm.azure.net") || h === "management.azure.com";
}
dns.lookup = function lookup(host, options, callback) {
  return realLookup.call(this, toEmulator(host) ? "127.0.0.1" : host, options, callback);
};

function env(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run eng/conformance/js/run.sh`);
  }
  return value;
}

/** `https://localhost:{port}`: the emulator's default vault, token endpoint and control endpoint. */
export const emulatorUrl = env("KEYVAULT_EMULATOR_URL");
export const tenantId = env("KEYVAULT_EMULATOR_TENANT_ID");
export const port = new URL(emulatorUrl).port;

/**
 * The real ClientSecretCredential on the emulator's token endpoint: the authority host is the
 * emulator, and instance discovery (a request to login.microsoftonline.com) is off.
 */
export function credential() {
  return new ClientSecretCredential(tenantId, env("KEYVAULT_EMULATOR_CLIENT_ID"), env("KEYVAULT_EMULATOR_CLIENT_SECRET"), {
    authorityHost: emulatorUrl,
    disableInstanceDiscovery: true,
  });
}

/** A vault of the test file's own: `https://{name}.vault.azure.net:{port}`. */
export function vaultUrl(name) {
  return `https://${name}.vault.azure.net:${port}`;
}

/** A Managed HSM: `https://{name}.managedhsm.azure.net:{port}`. */
export function hsmUrl(name) {
  return `https://${name}.managedhsm.azure.net:${port}`;
}

/** `https://management.azure.com:{port}`: the emulator's ARM `Microsoft.KeyVault` provider. */
export const armUrl = `https://management.azure.com:${port}`;

/** A name unique to the test. */
export function uniqueName(prefix = "js") {
  return `${prefix}-${randomUUID().replaceAll("-", "").slice(0, 12)}`;
}

/** Pollers poll fast: the emulator answers with `Retry-After: 0`. */
export const fast = { intervalInMs: 20 };

/** Collects an async iterable. */
export async function all(iterable) {
  const out = [];
  for await (const item of iterable) {
    out.push(item);
  }
  return out;
}

/** The emulator's HTTP control endpoint (`/_emulator`). */
export const control = {
  async post(path, body = {}) {
    const response = await fetch(`${emulatorUrl}/_emulator${path}`, { method: "POST", body: JSON.stringify(body) });
    if (!response.ok) {
      throw new Error(`control ${path}: ${response.status} ${await response.text()}`);
    }
    return response;
  },
};
