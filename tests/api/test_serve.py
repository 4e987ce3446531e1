"""`passerelle serve` as `make run` starts it: a connection kept alive stays usable."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from api.cli import KEEP_ALIVE_S
from tests.conftest import process_env

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
IDLE_S = 6  # past uvicorn's default keep-alive (5 s)


def _get(conn: socket.socket) -> bytes:
    conn.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def test_a_connection_idle_for_seconds_is_still_answered(tmp_path: Path) -> None:
    """A client that reads its answer late, under load, reuses its connection seconds later:
    the server must not have closed it in between (a request lost without any answer)."""
    assert KEEP_ALIVE_S > IDLE_S
    env = process_env(f"sqlite:///{tmp_path / 'serve.db'}")
    subprocess.run(
        [sys.executable, "-m", "api", "migrate"], env=env, cwd=ROOT, check=True, capture_output=True
    )
    port = _free_port()
    server = _serve(env, port)
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, "the server exited"
            try:
                conn = socket.create_connection(("127.0.0.1", port), timeout=10)
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        with conn:
            assert _get(conn).startswith(b"HTTP/1.1 200")
            time.sleep(IDLE_S)
            assert _get(conn).startswith(b"HTTP/1.1 200")  # the same connection, answered
    finally:
        server.terminate()
        server.wait(20)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _socket_owners(pids: list[int]) -> dict[int, int]:
    """Socket inode -> the process (of `pids`) holding it."""
    owners = {}
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = fd.readlink().name
            except OSError:
                continue
            if target.startswith("socket:["):
                owners[int(target[8:-1])] = pid
    return owners


def _sockets_on(port: int) -> list[tuple[int, bool, int]]:
    """The IPv4 sockets bound to `port` (/proc/net/tcp): remote port (0 for none), whether
    listening, inode."""
    found = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port:
            found.append((int(fields[2].split(":")[1], 16), fields[3] == "0A", int(fields[9])))
    return found


def _server_side_inodes(port: int) -> dict[int, int]:
    """Client port -> inode of the server's end of that connection (127.0.0.1:`port`)."""
    return {remote: inode for remote, _, inode in _sockets_on(port) if remote}


def _serve(env: dict[str, str], port: int, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "api", "serve", "--port", str(port), *extra],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _workers_answering(server: subprocess.Popen[bytes], port: int, count: int) -> list[int]:
    """Waits until `count` worker processes serve `port`; their pids."""
    deadline = time.monotonic() + 120
    while True:
        assert server.poll() is None, "the server exited"
        workers = [p for p in _children(server.pid) if _listens(p, port)]
        if len(workers) >= count:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
                    if _get(conn).startswith(b"HTTP/1.1 200"):
                        return workers
            except OSError:
                pass
        assert time.monotonic() < deadline, "the workers did not start"
        time.sleep(0.2)


def _listens(pid: int, port: int) -> bool:
    listening = {inode for _, listens, inode in _sockets_on(port) if listens}
    return bool(listening & set(_socket_owners([pid])))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SO_REUSEPORT spreading: Linux")
def test_connections_are_spread_over_the_workers_and_a_dead_worker_is_replaced(
    tmp_path: Path,
) -> None:
    """`serve --workers 2`: a crowd's kept-alive connections land on both workers about evenly
    (on one shared socket, 40 of 64 on one worker was common); a worker killed is replaced
    on its socket and every new connection is answered; a second server on the port refuses
    to start instead of taking part of its traffic."""
    env = process_env(f"sqlite:///{tmp_path / 'serve.db'}")
    subprocess.run(
        [sys.executable, "-m", "api", "migrate"], env=env, cwd=ROOT, check=True, capture_output=True
    )
    port = _free_port()
    server = _serve(env, port, "--workers", "2")
    try:
        workers = _workers_answering(server, port, 2)
        assert len(workers) == 2
        crowd = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(48)]
        try:
            for conn in crowd:
                assert _get(conn).startswith(b"HTTP/1.1 200")
            ends = _server_side_inodes(port)
            owners = _socket_owners(workers)
            held = [owners[ends[conn.getsockname()[1]]] for conn in crowd]
            shares = sorted(held.count(pid) for pid in workers)
            # fair hashing: fewer than 10 of 48 on one worker has odds of about 1 in 50,000
            assert shares[0] >= 10, f"connections per worker: {shares}"
        finally:
            for conn in crowd:
                conn.close()
        second = _serve(env, port, "--workers", "2")  # the port is taken: no sharing it
        assert second.wait(60) != 0
        os.kill(workers[0], signal.SIGKILL)
        deadline = time.monotonic() + 30
        while _listens(workers[0], port):  # its sockets stay listed until it has exited
            assert time.monotonic() < deadline, "the killed worker did not exit"
            time.sleep(0.05)
        replaced = _workers_answering(server, port, 2)
        assert workers[0] not in replaced and workers[1] in replaced
        for _ in range(16):  # some hash to the replaced worker's socket: all answered
            with socket.create_connection(("127.0.0.1", port), timeout=60) as conn:
                assert _get(conn).startswith(b"HTTP/1.1 200")
    finally:
        server.terminate()
        server.wait(30)
