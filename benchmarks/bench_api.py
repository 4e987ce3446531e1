"""Recommendation latency through HTTP on the demo region (p50, p99).

    python benchmarks/bench_api.py [--requests 200]

Starts the real server (uvicorn) on 127.0.0.1 with a fresh SQLite database holding the demo
region, signs a coordinator in, warms the engine once (fitting and embedding are set-up, not
request time), then times recommendation requests of both directions, one at a time.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="passerelle-bench-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
        "HF_HUB_OFFLINE": "1",
    }
    cli = [sys.executable, "-m", "api"]
    for step in (["migrate"], ["load-demo"]):
        subprocess.run(cli + step, env=env, check=True, cwd=ROOT, capture_output=True)
    password = "bench-password-123"
    subprocess.run(
        cli + ["create-user", "--email", "bench@passerelle.fr", "--password", password],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    port = free_port()
    server = subprocess.Popen(
        cli + ["serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=120) as client:
            for _ in range(300):
                try:
                    if client.get("/api/v1/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            token = client.post(
                "/api/v1/auth/token", data={"username": "bench@passerelle.fr", "password": password}
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            people = client.get("/api/v1/people", params={"limit": 100}, headers=headers).json()
            needs = client.get("/api/v1/needs", params={"limit": 100}).json()
            person_refs = [p["ref"] for p in people["items"]]
            need_refs = [n["ref"] for n in needs["items"]]
            started = time.perf_counter()
            client.get(f"/api/v1/needs/{need_refs[0]}/candidates", headers=headers)
            client.get(f"/api/v1/people/{person_refs[0]}/recommendations", headers=headers)
            warm = time.perf_counter() - started
            timings: dict[str, list[float]] = {
                "needs for a person": [],
                "candidates for a need": [],
            }
            for i in range(args.requests):
                if i % 2:
                    url = f"/api/v1/people/{person_refs[i % len(person_refs)]}/recommendations"
                    key = "needs for a person"
                else:
                    url = f"/api/v1/needs/{need_refs[i % len(need_refs)]}/candidates"
                    key = "candidates for a need"
                t0 = time.perf_counter()
                response = client.get(url, headers=headers, params={"limit": 20})
                timings[key].append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200, response.text
    finally:
        server.terminate()
        server.wait(10)
    print(
        f"démo : {len(person_refs)}+ personnes, {len(need_refs)}+ besoins ; première requête "
        f"(ajustement du moteur / engine fit) {warm:.1f} s"
    )
    for key, values in timings.items():
        values.sort()
        p99 = values[min(len(values) - 1, int(0.99 * len(values)))]
        print(
            f"{key}: p50 {statistics.median(values):.1f} ms, p99 {p99:.1f} ms "
            f"({len(values)} requêtes, top 20 expliqué)"
        )


if __name__ == "__main__":
    main()
