"""get_secret with the official Python SDK against the bench's in-process emulator.

Invoked by keyvault-bench with one JSON argument; prints one JSON line of results.
The synchronous SecretClient is shared by a thread pool (the SDK's clients are thread safe),
over a requests session whose connection pool is as large as the concurrency.
"""

import concurrent.futures
import itertools
import json
import socket
import sys
import threading
import time

import requests
from azure.core.pipeline.transport import RequestsTransport
from azure.identity import ClientSecretCredential
from azure.keyvault.secrets import SecretClient

config = json.loads(sys.argv[1])

_real_getaddrinfo = socket.getaddrinfo


def _getaddrinfo(host, *args, **kwargs):
    """Resolves every *.vault.azure.net to the emulator, as the Rust transport does."""
    if isinstance(host, str) and host.lower().endswith(".vault.azure.net"):
        host = "127.0.0.1"
    return _real_getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _getaddrinfo

max_concurrency = max(c for c, _ in config["runs"])
session = requests.Session()
adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=max_concurrency)
session.mount("https://", adapter)
transport = RequestsTransport(session=session, session_owner=False)

credential = ClientSecretCredential(
    config["tenant_id"],
    config["client_id"],
    config["client_secret"],
    authority=config["authority"],
    disable_instance_discovery=True,
)
# The emulator listens on a port other than 443; the SDK compares host *and* port with the
# challenge's resource, so the check is off (the conformance suite does the same).
client = SecretClient(
    vault_url=config["vault_url"],
    credential=credential,
    verify_challenge_resource=False,
    transport=transport,
)


def get():
    start = time.perf_counter()
    secret = client.get_secret(config["name"])
    elapsed = time.perf_counter() - start
    if secret.value != config["value"]:
        raise RuntimeError("unexpected secret value")
    return elapsed


def run(concurrency, total):
    counter = itertools.count()
    lock = threading.Lock()

    def worker():
        latencies = []
        while True:
            with lock:
                i = next(counter)
            if i >= total:
                return latencies
            latencies.append(get())

    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        start = time.perf_counter()
        futures = [pool.submit(worker) for _ in range(concurrency)]
        latencies = [x for f in futures for x in f.result()]
        wall = time.perf_counter() - start
    latencies.sort()

    def q(p):
        return latencies[min(len(latencies) - 1, round((len(latencies) - 1) * p))]

    return {
        "concurrency": concurrency,
        "count": len(latencies),
        "throughput": len(latencies) / wall,
        "p50": q(0.5),
        "p99": q(0.99),
    }


# Warm up: challenge, token, connections.
run(max_concurrency, max_concurrency * 2)
results = []
for concurrency, total in config["runs"]:
    rounds = [run(concurrency, total) for _ in range(config["rounds"])]
    results.append(rounds)
print(json.dumps(results))
