"""`passerelle serve` as `make run` starts it: a connection kept alive stays usable."""

from __future__ import annotations

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
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "api", "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
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
