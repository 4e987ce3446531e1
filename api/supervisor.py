"""Several worker processes on one port, each with its own listening socket (SO_REUSEPORT).

uvicorn's supervisor gives every worker the same listening socket, and a crowd that connects
at once is then shared by chance of wake-up: 40 of 64 kept-alive connections on one worker and
24 on the other was common, 48 against 16 seen (bench_concurrency's crowd of 64, each
connection traced to its process with `ss`).
A connection stays on its worker, so the loaded worker's clients waited about twice as long
while the other sat idle, and that worker set the p99. Here each worker slot has a socket of
its own, all bound to the same port with SO_REUSEPORT: Linux spreads new connections over the
listening sockets by a hash of their addresses, evenly on average and independent of which
worker happened to be awake.

The supervisor keeps the sockets, listening, for the life of the server: a worker that dies
is replaced on the same socket, and the connections that reach that socket meanwhile (or
before its worker first starts) wait in its queue instead of being refused. They listen from
the start so that no other server can bind the port meanwhile (two sockets with SO_REUSEADDR
may share a port while neither listens). Only on Linux (elsewhere SO_REUSEPORT does not spread
connections): other systems keep uvicorn's shared socket.
"""

from __future__ import annotations

import logging
import socket
import sys

from uvicorn.config import STARTUP_FAILURE, Config
from uvicorn.supervisors.multiprocess import Multiprocess, Process

logger = logging.getLogger("uvicorn.error")


def spreads_connections() -> bool:
    """Whether this system spreads connections over sockets sharing a port (Linux)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def port_sockets(host: str, port: int, count: int, backlog: int) -> list[socket.socket]:
    """`count` listening sockets bound to (host, port) with SO_REUSEPORT; OSError if the port
    is in use (by any other process, this program included)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # SO_REUSEPORT would let this server join another one of the same user already on the
    # port and share its traffic: a plain bind first fails on a port in use, as uvicorn's does.
    with socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((host, port))
            sock.listen(backlog)
            sock.set_inheritable(True)
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


class SharedPortSupervisor(Multiprocess):
    """uvicorn's `Multiprocess`, worker slot i serving on socket i (one per worker)."""

    def __init__(self, config: Config, sockets: list[socket.socket]) -> None:
        assert len(sockets) == config.workers, "one socket per worker"
        super().__init__(config, sockets)
        self.slots = sockets

    def _spawn(self, index: int) -> Process:
        process = Process(self.config, [self.slots[index]])
        process.start()
        return process

    def init_processes(self) -> None:
        self.processes = [self._spawn(index) for index in range(len(self.slots))]

    def restart_all(self) -> None:
        """On SIGHUP: each slot's worker replaced in turn, the new one ready before the old
        one leaves (as uvicorn does)."""
        for index, old in enumerate(self.processes):
            if self.should_exit.is_set():
                return
            new = self._spawn(index)
            if not new.wait_until_ready(self.config.timeout_worker_healthcheck, self.should_exit):
                new.kill()
                new.join()
                if not self.should_exit.is_set():
                    logger.error(
                        f"New child process [{new.pid}] was not ready in time; keeping [{old.pid}]."
                    )
                return
            old.terminate()
            old.join()
            self.processes[index] = new

    def keep_subprocess_alive(self) -> None:
        """A worker that died or stopped answering is replaced on its own socket."""
        if self.should_exit.is_set():
            return
        for index, process in enumerate(self.processes):
            if process.is_alive(timeout=self.config.timeout_worker_healthcheck):
                continue
            process.kill()
            process.join()
            if process.exitcode == STARTUP_FAILURE:
                logger.error(f"Child process [{process.pid}] failed to start, stopping.")
                self.should_exit.set()
                return
            if self.should_exit.is_set():
                return
            logger.info(f"Child process [{process.pid}] died")
            self.processes[index] = self._spawn(index)
