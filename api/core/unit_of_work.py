"""A request's unit of work runs again when it lost a race for a lock, before anything is sent.

The request's transaction commits before the response goes out (`api.core.deps.get_session`),
so a unit of work that failed on a busy lock (SQLite's `database is locked`, PostgreSQL's
serialisation failures and deadlocks) was rolled back whole and nothing was answered yet: the
request may simply run again. On SQLite the first attempt starts a deferred transaction, so
reads and rankings run side by side without any lock and the write lock is taken at the first
write; a retry takes the lock at BEGIN (`BEGIN IMMEDIATE`), where SQLite queues writers for up
to busy_timeout instead of failing them. After the last attempt the caller gets 503 with
Retry-After (`api.core.errors`).
"""

from __future__ import annotations

import asyncio
import os
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from matching import usable_cores

SCOPE_KEY = "passerelle.unit_of_work"
ATTEMPTS = 3
DEFAULT_MAX_BODY = 5 * 1024 * 1024


@dataclass
class Attempt:
    """Which run of the request this is, and whether its unit of work lost a lock race."""

    number: int = 1
    last: bool = True
    busy: bool = False

    @property
    def write_lock(self) -> bool:
        """A retry takes the write lock at BEGIN: it is known to write, and lost once."""
        return self.number > 1


def attempt_of(scope: Scope) -> Attempt | None:
    found = scope.get(SCOPE_KEY)
    return found if isinstance(found, Attempt) else None


class RetryBusy:
    """ASGI middleware: replays a request whose unit of work was rolled back as busy.

    The body is kept in memory to be replayed, up to the service's request size limit; a
    larger body streams through untouched and is not retried (the size check refuses it).
    """

    def __init__(self, app: ASGIApp, attempts: int = ATTEMPTS) -> None:
        self.app = app
        self.attempts = attempts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = _max_body(scope)
        declared = dict(scope.get("headers") or []).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > limit:
            # Refused by the size check anyway: read nothing here, let it answer 413 at once.
            scope[SCOPE_KEY] = Attempt()
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        replayable = True
        tail: list[Message] = []
        while more:
            message = await receive()
            if message["type"] != "http.request":
                tail.append(message)  # a disconnect: hand it on, do not retry
                replayable = False
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = bool(message.get("more_body", False))
            if size > limit:
                replayable = False
                break
        body = b"".join(chunks)
        attempts = self.attempts if replayable else 1
        for number in range(1, attempts + 1):
            attempt = Attempt(number=number, last=number == attempts)
            scope[SCOPE_KEY] = attempt
            held = await self._run(scope, _replay(body, more, tail, receive), send, attempt)
            if not held:
                return
            # Let the lock's holder finish; the jitter keeps retries from arriving in step.
            await anyio.sleep(random.uniform(0.005, 0.03) * number)

    async def _run(self, scope: Scope, receive: Receive, send: Send, attempt: Attempt) -> bool:
        """Run the app once; True when its busy answer was held back for another attempt."""
        held = False

        async def send_unless_busy(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start" and attempt.busy and not attempt.last:
                held = True
            if not held:
                await send(message)

        await self.app(scope, receive, send_unless_busy)
        return held


def _max_body(scope: Scope) -> int:
    app: Any = scope.get("app")
    settings = getattr(getattr(app, "state", None), "settings", None)
    return int(getattr(settings, "max_request_bytes", DEFAULT_MAX_BODY))


def _replay(body: bytes, more: bool, tail: list[Message], receive: Receive) -> Receive:
    """A receive channel that gives the kept body again, then whatever the client sends."""
    pending: list[Message] = [{"type": "http.request", "body": body, "more_body": more}, *tail]

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed


class LoopSemaphore:
    """An anyio semaphore (first come, first served) for the running event loop: one per loop,
    as a test client runs each of its sessions in a loop of its own."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._slots: tuple[object, anyio.Semaphore] | None = None

    def get(self) -> anyio.Semaphore:
        loop = asyncio.get_running_loop()
        slots = self._slots
        if slots is None or slots[0] is not loop:
            slots = (loop, anyio.Semaphore(self.capacity))
            self._slots = slots
        return slots[1]


# Requests that rank, at work at once in this process; the others wait their turn, in order,
# in the event loop (not in a thread). A ranking is CPU work under the interpreter lock: 64
# requests at work together served 66 rankings/s, two at a time 87/s, and the slowest of 64
# clients waited 2.0 s against 1.1 s (64 clients over HTTP, demo region, 2 cores).
# Several worker processes share the cores: each takes its part of them (`passerelle serve
# --workers N` says how many there are in WORKER_PROCESSES).
WORKER_PROCESSES = "PASSERELLE_WORKER_PROCESSES"


def cores_per_process() -> int:
    """This process's share of the cores: how many rankings it runs at once."""
    try:
        processes = max(1, int(os.environ.get(WORKER_PROCESSES, "1")))
    except ValueError:
        processes = 1
    return max(1, usable_cores() // processes)


RANKING_TURNS = LoopSemaphore(cores_per_process())


async def ranking_turn() -> AsyncIterator[None]:
    """Dependency of the routes that rank: waits for a turn, holds it until the answer is out."""
    async with RANKING_TURNS.get():
        yield


class ConnectionGate:
    """ASGI middleware: at most as many requests in progress as the pool has connections.

    A request beyond that waits here, in the event loop, for up to `wait_s` seconds, then is
    refused by `refuse` (503 with Retry-After). Without the gate, a crowd queues for the
    server's worker threads with no time limit, and a request could wait a minute before it
    even asked the pool for a connection.
    """

    def __init__(
        self, app: ASGIApp, capacity: int, wait_s: float, refuse: Callable[[Request], Response]
    ) -> None:
        self.app = app
        self.capacity = capacity
        self.wait_s = wait_s
        self.refuse = refuse
        self._slots = LoopSemaphore(capacity)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        slots = self._slots.get()
        with anyio.move_on_after(self.wait_s) as waited:
            await slots.acquire()
        if waited.cancelled_caught:
            await self.refuse(Request(scope))(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            slots.release()
