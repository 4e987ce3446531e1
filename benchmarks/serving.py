"""What the server benchmarks share: a fresh database built by the CLI, the real server, sign-in.

The benchmarks drive Passerelle as an operator would: `python -m api migrate`, `load-demo`,
`create-user`, then `serve` in a subprocess on a free port of 127.0.0.1, over HTTP only.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
BENCH_EMAIL = "bench@passerelle.fr"
BENCH_PASSWORD = "bench-password-123"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bench_env(folder: Path, model: str) -> dict[str, str]:
    """The environment of a server and CLI over `folder/bench.db` (SQLite)."""
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
        "EMBEDDING_MODEL": model,
        "HF_HUB_OFFLINE": "1",
    }


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run `passerelle ARGS` (this checkout's); raise with its output when it fails."""
    result = subprocess.run(
        [sys.executable, "-m", "api", *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(f"passerelle {' '.join(args)}: {result.stderr.strip()[-2000:]}")
    return result


def create_account(env: dict[str, str], role: str = "coordinator") -> None:
    """The benchmark's account; one already there (a region kept by `--keep`) is used as is."""
    try:
        cli(
            env, "create-user", "--email", BENCH_EMAIL, "--password", BENCH_PASSWORD, "--role", role
        )
    except RuntimeError as exc:
        if "account exists" not in str(exc):
            raise


def sign_in(client: httpx.Client) -> dict[str, str]:
    """Authorization headers of the benchmark's account."""
    answer = client.post(
        "/api/v1/auth/token", data={"username": BENCH_EMAIL, "password": BENCH_PASSWORD}
    )
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


class Server:
    """`passerelle serve` on a free port; `started` is when the process was spawned."""

    def __init__(self, env: dict[str, str], workers: int = 1, log: Path | None = None) -> None:
        self.env = env
        self.workers = workers
        self.log = log
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.started = 0.0

    def start(self) -> Server:
        command = [sys.executable, "-m", "api", "serve", "--port", str(self.port)]
        if self.workers > 1:
            command += ["--workers", str(self.workers)]
        out = self.log.open("wb") if self.log else subprocess.DEVNULL
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            command, env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
        )
        return self

    def wait_healthy(self, timeout_s: float = 300) -> float:
        """Seconds from spawning to the first 200 of /api/v1/health."""
        deadline = time.monotonic() + timeout_s
        with httpx.Client(base_url=self.base, timeout=5) as client:
            while time.monotonic() < deadline:
                if self.process is not None and self.process.poll() is not None:
                    raise RuntimeError(
                        f"the server exited ({self.process.returncode}){self.tail()}"
                    )
                try:
                    if client.get("/api/v1/health").status_code == 200:
                        return time.perf_counter() - self.started
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
        raise RuntimeError(f"the server did not answer in {timeout_s:.0f} s{self.tail()}")

    def tail(self) -> str:
        if self.log is None or not self.log.exists():
            return ""
        return "\n" + self.log.read_text(errors="replace")[-3000:]

    def rss_mb(self) -> tuple[float, int]:
        """Resident memory of the server and its worker processes (MB), and how many there are."""
        if self.process is None:
            return 0.0, 0
        pids = _descendants(self.process.pid)
        return sum(_rss_kb(pid) for pid in pids) / 1024, len(pids)

    def cpu_s(self) -> float:
        """CPU seconds (user + system) used so far by the server and its worker processes."""
        if self.process is None:
            return 0.0
        return sum(_cpu_s(pid) for pid in _descendants(self.process.pid))

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class LightClient:
    """GETs on one kept-alive HTTP/1.1 connection, with the least work a client can do.

    httpx costs a load client 2-7 ms of CPU per request: on a 2-core machine that is CPU the
    server being measured does not get (at 256 clients, more than the server used). This one
    writes the request line and headers and reads the answer by its Content-Length.
    """

    def __init__(self, base: str, headers: dict[str, str], timeout_s: float) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.address = (host, int(port))
        self.timeout_s = timeout_s
        extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        self.head = f"Host: {host}\r\n{extra}\r\n"
        self.sock: socket.socket | None = None
        self.stream: Any = None

    def get(self, path: str) -> int:
        """The status of GET `path`; OSError when the connection fails (it is then closed)."""
        return self.fetch(path)[0]

    def fetch(self, path: str) -> tuple[int, dict[str, str]]:
        """The status and headers (names in lower case) of GET `path`; TimeoutError when no
        answer came in time, OSError when the connection failed (it is then closed)."""
        try:
            if self.sock is None:
                self.sock = socket.create_connection(self.address, timeout=self.timeout_s)
                self.stream = self.sock.makefile("rb")
            self.sock.sendall(f"GET {path} HTTP/1.1\r\n{self.head}".encode())
            status = int(self.stream.readline().split()[1])
            fields: dict[str, str] = {}
            while (line := self.stream.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                fields[name.strip().lower()] = value.strip()
            length = int(fields.get("content-length", "0"))
            if len(self.stream.read(length)) != length:
                raise ConnectionError("answer cut short")
        except TimeoutError:
            self.close()
            raise
        except (OSError, ValueError, IndexError) as exc:
            self.close()
            raise OSError(str(exc)) from exc
        if fields.get("connection", "").lower() == "close":
            self.close()
        return status, fields

    def close(self) -> None:
        if self.sock is not None:
            self.stream.close()
            self.sock.close()
        self.sock, self.stream = None, None

    def __enter__(self) -> LightClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _cpu_s(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _descendants(root: int) -> list[int]:
    """`root` and every process below it (uvicorn's workers, its multiprocessing helpers)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by nearest rank; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]
