"""The live index's figures (issue 12) on a region of any size, through the real server.

    python benchmarks/bench_live_index.py [--students 14000] [--workers 1] [--duration 30]
                                          [--model use-multilingual] [--quick] [--floor]

Builds a fresh SQLite database in a temporary folder with the command line (`migrate`,
`load-demo --students N`, `create-user`), starts `passerelle serve` in a subprocess and, over
HTTP only, measures:
- start to first answer: from spawning the server to the first 200 of a student's
  recommendations, then the first candidates of a need;
- a write visible in the next read: a need with a distinctive title is published, then the
  search of needs is polled until it lists it; a student's profile is rewritten after a need
  (title, skills), then that need's candidates are polled until they list the student;
- 8 readers (recommendations and candidates alternating, over many students and needs) and
  1 writer editing a profile every 0.2 s, for `--duration` seconds: p50/p95/p99 per endpoint.
  These readers send their next request as soon as the last one is answered: the server is
  saturated and the figures measure its queue as much as its work;
- with `--floor`, the same readers and writer on records alone (a student's and a need's own
  page, no ranking): the same HTTP, sign-in and SQL, so what this machine gives any read
  under that load;
- with `--rates 10,20,40`, the same 8 readers at a set pace instead (reads per second in all,
  Poisson arrivals), the writer still editing: the latency a user sees at that traffic,
  counted from the moment each request was due, so a reader held up by a slow answer does not
  hide the wait of the requests behind it;
- the server's resident memory (all its processes, from /proc) after the first answers and
  after the load;
- the batch of suggestions for the whole region (POST /api/v1/review/run): its time, and the
  readers' latencies while it runs;
- a restart over the same database (warm embedding cache): start to first answer again.
The machine's load average is printed too: on a shared machine it says what the figures cost.
`--quick` is a smoke run (a short load, fewer readers); the smoke test runs it on a tiny region.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serving import (  # noqa: E402
    LightClient,
    Server,
    bench_env,
    cli,
    create_account,
    percentile,
    sign_in,
)

REQUEST_S = 600.0  # one request slower than this counts as an error (a refit may take a minute)
POLL_S = 0.01  # between two reads while waiting for a write to show (a read takes longer)


@dataclass
class Region:
    students: list[str]  # refs of students
    needs: list[str]  # refs of open needs
    companies: list[str]  # refs of companies that posted a need
    counts: dict[str, int]


def read_region(database: Path) -> Region:
    """Refs straight from the database file (the benchmark is not a user of the API here)."""
    with sqlite3.connect(database) as db:
        students = [r for (r,) in db.execute("SELECT ref FROM people WHERE kind='student'")]
        needs = [r for (r,) in db.execute("SELECT ref FROM needs WHERE is_open ORDER BY ref")]
        companies = [
            r
            for (r,) in db.execute(
                "SELECT DISTINCT o.ref FROM organisations o JOIN needs n "
                "ON n.organisation_id = o.id ORDER BY o.ref"
            )
        ]
        counts = {
            "people": db.execute("SELECT count(*) FROM people").fetchone()[0],
            "needs": len(needs),
        }
    return Region(sorted(students), needs, companies, counts)


@dataclass
class Latencies:
    """Milliseconds per endpoint, and failures (not 200, transport errors, time-outs)."""

    ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def timed(self, name: str, call: Callable[[], int], due: float | None = None) -> None:
        """Time `call` (a request returning its status) from now, or from `due` (the
        perf_counter time it was meant to start); anything but 200 is an error."""
        started = time.perf_counter() if due is None else due
        try:
            ok = call() == 200
        except (httpx.HTTPError, OSError):
            ok = False
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.ms[name].append(elapsed)
            if not ok:
                self.errors[name] += 1

    def rows(self) -> list[str]:
        out = []
        for name in sorted(self.ms):
            v = self.ms[name]
            out.append(
                f"  {name:<22} {len(v):>6} {percentile(v, 50):>8.0f} {percentile(v, 95):>8.0f} "
                f"{percentile(v, 99):>8.0f} {max(v):>8.0f} {self.errors[name]:>6}"
            )
        return [
            f"  {'':<22} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
            f"{'max ms':>8} {'errors':>6}",
            *out,
        ]


def readers(
    base: str,
    headers: dict[str, str],
    region: Region,
    stats: Latencies,
    stop: threading.Event,
    count: int,
    rate: float | None = None,
    ranked: bool = True,
) -> list[threading.Thread]:
    """`count` clients, each alternating a student's recommendations and a need's candidates
    (with `ranked=False`, the student's and the need's own records: the same HTTP, sign-in
    and SQL, no ranking).

    Without `rate`, each sends its next request as soon as the last one is answered. With
    `rate`, they share `rate` reads per second (Poisson arrivals), and a request's latency runs
    from the time it was due, whether or not its client was free then (no coordinated omission).
    """

    def loop(n: int) -> None:
        rng = random.Random(n if rate is None else 1000 + n)
        with LightClient(base, headers, REQUEST_S) as client:  # httpx would take server CPU
            due, i = time.perf_counter(), 0
            while not stop.is_set():
                if rate is not None:
                    due += rng.expovariate(rate / count)
                    if stop.wait(max(0.0, due - time.perf_counter())):
                        break
                since = None if rate is None else due
                if i % 2 == 0:
                    path = f"/api/v1/people/{rng.choice(region.students)}"
                    name = "recommendations" if ranked else "person (no ranking)"
                    path += "/recommendations" if ranked else ""
                else:
                    path = f"/api/v1/needs/{rng.choice(region.needs)}"
                    name = "candidates" if ranked else "need (no ranking)"
                    path += "/candidates" if ranked else ""
                stats.timed(name, partial(client.get, path), since)
                i += 1

    threads = [threading.Thread(target=loop, args=(n,), daemon=True) for n in range(count)]
    for thread in threads:
        thread.start()
    return threads


def _patch(client: httpx.Client, url: str, body: dict[str, object]) -> int:
    return client.patch(url, json=body).status_code


def writer(
    base: str,
    headers: dict[str, str],
    region: Region,
    stats: Latencies,
    stop: threading.Event,
    every_s: float,
) -> threading.Thread:
    """One user editing a profile every `every_s` seconds (a different student each time)."""
    headlines = (
        "Étudiant en BUT Informatique, à la recherche d'un stage",
        "Futur diplômé – BTS Maintenance des systèmes",
        "Master Sciences de la mer · la pêche durable",
        "Étudiante en Licence pro Logistique, à la recherche d'une alternance",
    )

    def loop() -> None:
        rng = random.Random(99)
        with httpx.Client(base_url=base, headers=headers, timeout=REQUEST_S) as client:
            i = 0
            while not stop.is_set():
                started = time.perf_counter()
                ref = rng.choice(region.students)
                body = {"headline": headlines[i % len(headlines)], "mobility_km": 10 + i % 90}
                url = f"/api/v1/people/{ref}"
                stats.timed("profile edits (writer)", partial(_patch, client, url, body))
                i += 1
                stop.wait(max(0.0, every_s - (time.perf_counter() - started)))

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    return thread


def mixed_load(
    base: str,
    headers: dict[str, str],
    region: Region,
    args: argparse.Namespace,
    rate: float | None = None,
    ranked: bool = True,
) -> tuple[Latencies, float]:
    """`args.readers` readers (at `rate`, or without pause) and the writer for `args.duration`
    seconds: their latencies, and how long the last requests ran on after the stop."""
    stats, stop = Latencies(), threading.Event()
    threads = readers(base, headers, region, stats, stop, args.readers, rate, ranked)
    threads.append(writer(base, headers, region, stats, stop, args.write_every))
    time.sleep(args.duration)
    stop.set()
    ending = time.perf_counter()
    for thread in threads:
        thread.join(REQUEST_S)
    return stats, time.perf_counter() - ending


def until_listed(
    client: httpx.Client, url: str, ref: str, timeout_s: float, **kw: object
) -> tuple[float | None, int, float]:
    """Poll `url` until its items list `ref`: (seconds, reads, first read's seconds)."""
    started = time.perf_counter()
    reads, first = 0, 0.0
    while time.perf_counter() - started < timeout_s:
        t = time.perf_counter()
        answer = client.get(url, **kw)  # type: ignore[arg-type]
        reads += 1
        if reads == 1:
            first = time.perf_counter() - t
        if answer.status_code == 200 and any(i["ref"] == ref for i in answer.json()["items"]):
            return time.perf_counter() - started, reads, first
        time.sleep(POLL_S)
    return None, reads, first


def line(label: str, value: str) -> None:
    print(f"{label:<46} {value}", flush=True)


def seconds(value: float | None, timeout_s: float) -> str:
    return f"{value * 1000:.0f} ms" if value is not None else f"not seen in {timeout_s:.0f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--students", type=int, default=14_000, help="students in the region")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of mixed load")
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument("--write-every", type=float, default=0.2, help="seconds between edits")
    parser.add_argument("--model", default=os.environ.get("EMBEDDING_MODEL", "use-multilingual"))
    parser.add_argument("--visible-timeout", type=float, default=300.0)
    parser.add_argument(
        "--rates",
        default="",
        help="also run the readers at these paces, reads per second in all (e.g. 10,20,40)",
    )
    parser.add_argument("--no-batch", action="store_true", help="skip the suggestion batch")
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also the same readers without pause on records alone (no ranking): what HTTP, "
        "sign-in and SQL cost on this machine under that load",
    )
    parser.add_argument("--keep", type=Path, help="build the database in this folder, kept")
    parser.add_argument("--quick", action="store_true", help="smoke run: 3 s of load, 2 readers")
    args = parser.parse_args(argv)
    try:
        rates = [float(r) for r in args.rates.split(",") if r.strip()]
    except ValueError:
        parser.error(f"--rates: numbers separated by commas, not {args.rates!r}")
    if any(r <= 0 for r in rates):
        parser.error("--rates: each pace must be above 0 reads per second")
    if args.quick:
        args.duration, args.readers, args.visible_timeout = 3.0, 2, 120.0

    folder = args.keep or Path(tempfile.mkdtemp(prefix="passerelle-live-"))
    folder.mkdir(parents=True, exist_ok=True)
    env = bench_env(folder, args.model)
    print(
        f"Passerelle — index vivant / live index: SQLite, {args.students} étudiants / students, "
        f"modèle / model {args.model}, {args.workers} worker(s), {os.cpu_count()} CPU",
        flush=True,
    )
    line("machine load average (1 min) at the start", f"{os.getloadavg()[0]:.1f}")
    started = time.perf_counter()
    cli(env, "migrate")
    cli(env, "load-demo", "--students", str(args.students))
    line("load-demo --students (migrate included)", f"{time.perf_counter() - started:.1f} s")
    create_account(env, "admin")  # publishes for any company, edits any profile, runs the batch
    region = read_region(folder / "bench.db")
    line(
        "region",
        f"{region.counts['people']} people, {len(region.students)} students, "
        f"{len(region.needs)} open needs",
    )

    server = Server(env, workers=args.workers, log=folder / "server.log")
    with server:
        health = server.wait_healthy()
        line("start → health 200", f"{health:.1f} s")
        with httpx.Client(base_url=server.base, timeout=REQUEST_S) as client:
            headers = sign_in(client)
            client.headers.update(headers)
            student, need = region.students[0], region.needs[0]
            answer = client.get(f"/api/v1/people/{student}/recommendations")
            line(
                "start → first recommendations 200",
                f"{time.perf_counter() - server.started:.1f} s (status {answer.status_code})",
            )
            t = time.perf_counter()
            answer = client.get(f"/api/v1/needs/{need}/candidates")
            line(
                "then first candidates",
                f"{(time.perf_counter() - t) * 1000:.0f} ms (status {answer.status_code})",
            )
            for _ in range(max(0, args.workers - 1) * 2):  # each worker process builds its own
                client.get(f"/api/v1/people/{student}/recommendations")
                client.get(f"/api/v1/needs/{need}/candidates")
            rss, processes = server.rss_mb()
            line("server RSS after first answers", f"{rss:.0f} MB ({processes} processes)")

            # A need published by a company, then the search of needs polled.
            title = (
                f"Scaphandrier·e d'essais hydroliennes Wimereux {random.Random().randrange(10**6)}"
            )
            created = client.post(
                "/api/v1/needs",
                json={
                    "organisation": region.companies[0],
                    "kind": "job",
                    "title": title,
                    "description": "Plongée professionnelle, inspection de fondations d'hydroliennes.",
                    "skills": ["plongée professionnelle", "soudure", "inspection sous-marine"],
                },
            )
            created.raise_for_status()
            new_ref = created.json()["ref"]
            delay, reads, first = until_listed(
                client,
                "/api/v1/search/needs",
                new_ref,
                args.visible_timeout,
                params={"q": title, "limit": 10},
            )
            line(
                "new need → listed by search",
                f"{seconds(delay, args.visible_timeout)} "
                f"({reads} reads, first {first * 1000:.0f} ms)",
            )

            # A profile rewritten after a need: that need's candidates polled for it. The
            # student is one the need already ranks past its top 10 (its constraints pass).
            target, person = "", ""
            for ref in region.needs[:: max(1, len(region.needs) // 12)][:12]:
                ranked = client.get(f"/api/v1/needs/{ref}/candidates", params={"limit": 200})
                items = ranked.json()["items"] if ranked.status_code == 200 else []
                if len(items) > 10:
                    target, person = ref, items[-1]["ref"]
                    break
            if target:
                need_body = client.get(f"/api/v1/needs/{target}").json()
                edited = client.patch(
                    f"/api/v1/people/{person}",
                    json={"headline": need_body["title"], "skills": need_body["skills"][:12]},
                )
                edited.raise_for_status()
                delay, reads, first = until_listed(
                    client,
                    f"/api/v1/needs/{target}/candidates",
                    person,
                    args.visible_timeout,
                    params={"limit": 10},
                )
                line(
                    "profile edit → in the need's top 10",
                    f"{seconds(delay, args.visible_timeout)} "
                    f"({reads} reads, first {first * 1000:.0f} ms)",
                )
            else:
                line("profile edit → in the need's top 10", "skipped (no need with 11 candidates)")

        # Readers and one writer together.
        for with_rankings in (True, False) if args.floor else (True,):
            cpu, began = server.cpu_s(), time.perf_counter()
            stats, after_stop = mixed_load(server.base, headers, region, args, ranked=with_rankings)
            cores = (server.cpu_s() - cpu) / (time.perf_counter() - began)
            print(
                f"{args.readers} readers{'' if with_rankings else ' of records alone (no ranking)'} "
                f"+ 1 writer (every {args.write_every} s), {args.duration:.0f} s (last requests "
                f"ended {after_stop:.1f} s after the stop; server CPU {cores:.2f} cores):"
            )
            for row in stats.rows():
                print(row)
        rss, processes = server.rss_mb()
        line("server RSS after the load", f"{rss:.0f} MB ({processes} processes)")

        for rate in rates:
            paced, _ = mixed_load(server.base, headers, region, args, rate)
            reads = sum(len(v) for k, v in paced.ms.items() if "writer" not in k)
            print(
                f"{args.readers} readers at {rate:g} reads/s in all (Poisson) + 1 writer, "
                f"{args.duration:.0f} s: {reads / args.duration:.1f} reads/s served, "
                f"latency from the time each read was due:"
            )
            for row in paced.rows():
                print(row)

        if not args.no_batch:
            # The batch for the whole region while readers keep reading.
            during, stop = Latencies(), threading.Event()
            threads = readers(server.base, headers, region, during, stop, args.readers)
            with httpx.Client(base_url=server.base, headers=headers, timeout=3600) as client:
                t = time.perf_counter()
                batch = client.post("/api/v1/review/run")
                batch_s = time.perf_counter() - t
            stop.set()
            for thread in threads:
                thread.join(REQUEST_S)
            report = batch.json() if batch.status_code == 200 else {}
            line(
                "batch of suggestions (review/run)",
                f"{batch_s:.1f} s, status {batch.status_code}, {report.get('needs', '?')} needs, "
                f"{report.get('created', '?')} created",
            )
            print(f"{args.readers} readers during the batch:")
            for row in during.rows():
                print(row)
    # A restart over the same database: what a deploy or a crash costs once the embedding cache
    # (and whatever else the service persists) is warm.
    again = Server(env, workers=args.workers, log=folder / "server-restart.log")
    with again, httpx.Client(base_url=again.base, headers=headers, timeout=REQUEST_S) as client:
        again.wait_healthy()
        answer = client.get(f"/api/v1/people/{region.students[0]}/recommendations")
        line(
            "restart → first recommendations 200",
            f"{time.perf_counter() - again.started:.1f} s (status {answer.status_code})",
        )
        t = time.perf_counter()
        answer = client.get(f"/api/v1/needs/{region.needs[0]}/candidates")
        line(
            "then first candidates",
            f"{(time.perf_counter() - t) * 1000:.0f} ms (status {answer.status_code})",
        )
    line("machine load average (1 min) at the end", f"{os.getloadavg()[0]:.1f}")
    if args.keep is None:
        for path in sorted(folder.iterdir()):
            path.unlink()
        folder.rmdir()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
