"""The region's suggestion batch as a background job, and how fast the service answers meanwhile.

    python benchmarks/bench_jobs.py [--per-need 5] [--probes 40]

Starts the real server (`passerelle serve`, as `make run` does: SQLite database, the job queue
in a SQLite file beside it, consumed by a thread of the web process) over a fresh database
holding the demo region, warms the engine (fitting is set-up, not job time), then:
- answers before any job: the review queue (API), a need's candidates (API, a ranking) and the
  review page, one after the other, `--probes` times each: p50, p99, max;
- starts the batch (`POST /api/v1/jobs`, 202), then sends the same requests, one after the
  other, until the job is done: its wall time (202 to "done" read back) and the same latencies
  while it runs. A request that does not come back within 60 s counts as hung.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from serving import free_port  # noqa: E402

TIMEOUT_S = 60.0


def summary(name: str, latencies: list[float]) -> str:
    if not latencies:
        return f"{name}: -"
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return (
        f"{name}: n={len(ordered)} p50 {statistics.median(ordered):.0f} ms, "
        f"p99 {p99:.0f} ms, max {ordered[-1]:.0f} ms"
    )


def probe(client: httpx.Client, urls: dict[str, str], seen: dict[str, list[float]]) -> None:
    for name, url in urls.items():
        started = time.perf_counter()
        answer = client.get(url)
        assert answer.status_code == 200, (url, answer.status_code)
        seen.setdefault(name, []).append((time.perf_counter() - started) * 1000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-need", type=int, default=5)
    parser.add_argument("--probes", type=int, default=40)
    parser.add_argument("--model", default=os.environ.get("EMBEDDING_MODEL", "use-multilingual"))
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="passerelle-bench-jobs-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
        "EMBEDDING_MODEL": args.model,
        "HF_HUB_OFFLINE": "1",
        "ENVIRONMENT": "development",
    }
    cli = [sys.executable, "-m", "api"]
    for step in (["migrate"], ["load-demo"]):
        subprocess.run(cli + step, env=env, check=True, cwd=ROOT, capture_output=True)
    password = "bench-password-123"
    email = "bench-jobs@passerelle.fr"
    subprocess.run(
        cli + ["create-user", "--email", email, "--password", password],
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
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=TIMEOUT_S) as client:
            for _ in range(600):
                try:
                    if client.get("/api/v1/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            token = client.post(
                "/api/v1/auth/token", data={"username": email, "password": password}
            ).json()["access_token"]
            client.headers["Authorization"] = f"Bearer {token}"
            client.cookies.set("passerelle_token", token)
            need = client.get("/api/v1/needs", params={"limit": 1}).json()["items"][0]["ref"]
            urls = {
                "file de revue / review queue (API)": "/api/v1/review/queue?limit=30",
                "candidats / candidates (API)": f"/api/v1/needs/{need}/candidates",
                "page /revue": "/revue",
            }
            started = time.perf_counter()
            for url in urls.values():  # fits the engine (loads the model, embeds the region)
                client.get(url, timeout=900)
            print(f"Moteur prêt / engine warm: {time.perf_counter() - started:.1f} s")
            before: dict[str, list[float]] = {}
            for _ in range(args.probes):
                probe(client, urls, before)

            started = time.perf_counter()
            answer = client.post(
                "/api/v1/jobs", json={"kind": "propose", "per_need": args.per_need}
            )
            assert answer.status_code == 202, answer.text
            location = answer.headers["location"]
            during: dict[str, list[float]] = {}
            while True:
                job = client.get(location).json()
                if job["status"] not in ("queued", "running"):
                    break
                probe(client, urls, during)
            elapsed = time.perf_counter() - started
            print(
                f"Lot de la région / region batch ({job['total']} besoins ouverts / open needs, "
                f"{job['result'].get('created')} suggestions): {job['status']} en / in "
                f"{elapsed:.1f} s"
            )
            for name in urls:
                print("  avant / before  " + summary(name, before[name]))
                print("  pendant / during " + summary(name, during.get(name, [])))
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
