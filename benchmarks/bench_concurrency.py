"""The service under a crowd: rankings from 64 and 256 clients at once, 40 decisions, 6 imports.

    python benchmarks/bench_concurrency.py [--requests 512] [--workers 1] [--model use-multilingual]

Starts the real server (`passerelle serve`) on 127.0.0.1 over a fresh SQLite database holding
the demo region, warms the engine once (fitting is set-up, not request time), then:
- N ranking requests (needs for a person, candidates for a need) from 64, then 256, clients at
  once: p50 and p99 latency, answers by status; 503 (with Retry-After) is the service saying
  "busy", anything else not 200 is an error, and so is a request that never comes back. They
  go through a minimal keep-alive HTTP/1.1 client (httpx cost more CPU than the server on the
  same two cores); the CPU of the server and of the load client is printed beside;
- 40 coordinators deciding on 40 different suggestions at the same instant;
- 6 imports sent at the same instant.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import queue
import resource
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serving import (  # noqa: E402
    LightClient,
    Server,
    bench_env,
    cli,
    create_account,
    sign_in,
)

TIMEOUT_S = 60.0  # a request slower than this counts as hung


async def crowd(
    base: str, requests: list[tuple[str, str, dict[str, object]]], clients: int
) -> tuple[list[float], Counter[str]]:
    """Send `requests` from `clients` concurrent connections; latencies (ms) and outcomes."""
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    outcomes: Counter[str] = Counter()
    latencies: list[float] = []
    queue: asyncio.Queue[tuple[str, str, dict[str, object]]] = asyncio.Queue()
    for item in requests:
        queue.put_nowait(item)

    async def client_loop(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            method, url, kwargs = queue.get_nowait()
            started = time.perf_counter()
            try:
                answer = await client.request(method, url, **kwargs)  # type: ignore[arg-type]
            except httpx.TimeoutException:
                outcomes["hung"] += 1
                continue
            except httpx.TransportError as exc:
                outcomes[f"transport {type(exc).__name__}"] += 1
                continue
            latencies.append((time.perf_counter() - started) * 1000)
            status = answer.status_code
            if status == 503 and "retry-after" in answer.headers:
                outcomes["503 busy"] += 1
            else:
                outcomes[str(status)] += 1

    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT_S, limits=limits) as client:
        await asyncio.gather(*(client_loop(client) for _ in range(clients)))
    return latencies, outcomes


def get_crowd(
    base: str, paths: list[str], headers: dict[str, str], clients: int
) -> tuple[list[float], Counter[str]]:
    """GET `paths` from `clients` threads, each on its kept-alive connection (`LightClient`:
    httpx cost the load client more CPU than the server used, on the same two cores)."""
    todo: queue.SimpleQueue[str] = queue.SimpleQueue()
    for path in paths:
        todo.put(path)
    outcomes: Counter[str] = Counter()
    latencies: list[float] = []
    lock = threading.Lock()

    def client_loop() -> None:
        with LightClient(base, headers, TIMEOUT_S) as client:
            while True:
                try:
                    path = todo.get_nowait()
                except queue.Empty:
                    return
                started = time.perf_counter()
                try:
                    status, fields = client.fetch(path)
                except OSError as exc:  # TimeoutError included: this client stops
                    hung = isinstance(exc, TimeoutError)
                    with lock:
                        outcomes["hung" if hung else f"transport {type(exc).__name__}"] += 1
                    return
                elapsed = (time.perf_counter() - started) * 1000
                busy = status == 503 and "retry-after" in fields
                with lock:
                    latencies.append(elapsed)
                    outcomes["503 busy" if busy else str(status)] += 1

    threads = [threading.Thread(target=client_loop) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, outcomes


def _own_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def describe(name: str, latencies: list[float], outcomes: Counter[str], ok: set[str]) -> None:
    values = sorted(latencies) or [0.0]
    p99 = values[min(len(values) - 1, int(0.99 * len(values)))]
    errors = sum(n for k, n in outcomes.items() if k not in ok and k != "503 busy")
    print(
        f"{name}: p50 {statistics.median(values):.0f} ms, p99 {p99:.0f} ms, "
        f"errors {errors}, 503 busy {outcomes['503 busy']} — {dict(outcomes)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=512)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--model", default=os.environ.get("EMBEDDING_MODEL", "use-multilingual"))
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="passerelle-bench-"))
    env = bench_env(folder, args.model)
    for step in (["migrate"], ["load-demo"]):
        cli(env, *step)
    create_account(env)
    log = folder / "server.log"
    server = Server(env, workers=args.workers, log=log).start()
    base = server.base
    try:
        server.wait_healthy(120)
        with httpx.Client(base_url=base, timeout=300) as client:
            headers = sign_in(client)
            people = client.get("/api/v1/people", params={"limit": 100}, headers=headers).json()
            needs = client.get("/api/v1/needs", params={"limit": 100}).json()
            person_refs = [p["ref"] for p in people["items"]]
            need_refs = [n["ref"] for n in needs["items"]]
            started = time.perf_counter()
            for _ in range(max(1, args.workers) * 2):  # each worker process fits its own engine
                client.get(f"/api/v1/needs/{need_refs[0]}/candidates", headers=headers)
                client.get(f"/api/v1/people/{person_refs[0]}/recommendations", headers=headers)
            warm = time.perf_counter() - started
            batch = client.post("/api/v1/review/run", headers=headers)
            assert batch.status_code == 200, batch.text
            queue = client.get(
                "/api/v1/review/queue", params={"status": "proposed", "limit": 40}, headers=headers
            ).json()["items"]
        print(
            f"démo : {len(person_refs)}+ personnes, {len(need_refs)}+ besoins ; "
            f"{args.workers} worker(s), modèle {args.model} ; mise en route {warm:.1f} s"
        )
        rankings: list[str] = []
        for i in range(args.requests):
            if i % 2:
                url = f"/api/v1/people/{person_refs[i % len(person_refs)]}/recommendations"
            else:
                url = f"/api/v1/needs/{need_refs[i % len(need_refs)]}/candidates"
            rankings.append(f"{url}?limit=20")
        for clients in (64, 256):
            # Where the two cores went: the load client shares them with the server.
            client_cpu, server_cpu, wall = _own_cpu_s(), server.cpu_s(), time.perf_counter()
            latencies, outcomes = get_crowd(base, rankings, headers, clients)
            describe(f"{clients} clients classant / ranking", latencies, outcomes, {"200"})
            print(
                f"  {time.perf_counter() - wall:.1f} s ; CPU serveur / server "
                f"{server.cpu_s() - server_cpu:.1f} s, client de charge / load client "
                f"{_own_cpu_s() - client_cpu:.1f} s"
            )
        decisions: list[tuple[str, str, dict[str, object]]] = [
            (
                "POST",
                f"/api/v1/suggestions/{item['id']}/decision",
                {"headers": headers, "json": {"action": "approve"}},
            )
            for item in queue
        ]
        latencies, outcomes = asyncio.run(crowd(base, decisions, len(decisions)))
        describe(f"{len(decisions)} décisions simultanées", latencies, outcomes, {"200"})
        imports: list[tuple[str, str, dict[str, object]]] = []
        for n in range(6):
            rows = "".join(
                json.dumps({"id": f"BENCH{n}-O{k}", "kind": "company", "name": f"Atelier {n}-{k}"})
                + "\n"
                for k in range(20)
            )
            files = {"file": (f"o{n}.jsonl", rows.encode(), "application/x-ndjson")}
            imports.append(
                ("POST", "/api/v1/imports/organisations", {"headers": headers, "files": files})
            )
        latencies, outcomes = asyncio.run(crowd(base, imports, len(imports)))
        describe("6 imports simultanés", latencies, outcomes, {"200"})
    finally:
        server.stop()
    # A worker the supervisor found unresponsive is killed with its requests in flight.
    restarts = log.read_text(errors="replace").count("died") if log.exists() else 0
    print(f"workers relancés / workers restarted: {restarts} (journal : {log})")


if __name__ == "__main__":
    main()
