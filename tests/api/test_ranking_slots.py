"""The gate in front of ranking: at most n at once, the others let in by order of arrival."""

from __future__ import annotations

import threading
import time

import pytest

from api.core import unit_of_work
from api.engine.service import FairSlots


def test_waiters_enter_in_their_order_of_arrival() -> None:
    slots = FairSlots(1)
    entered: list[int] = []
    threads = []
    with slots:  # held: every thread below queues
        for i in range(6):
            thread = threading.Thread(target=lambda i=i: _enter(slots, entered, i))
            thread.start()
            threads.append(thread)
            deadline = time.monotonic() + 5
            while len(slots._waiting) < i + 1 and time.monotonic() < deadline:
                time.sleep(0.001)
            assert len(slots._waiting) == i + 1
    for thread in threads:
        thread.join(5)
    assert entered == list(range(6))


def test_no_more_than_n_hold_a_slot_at_once() -> None:
    slots = FairSlots(2)
    inside = 0
    most = 0
    lock = threading.Lock()

    def work() -> None:
        nonlocal inside, most
        for _ in range(20):
            with slots:
                with lock:
                    inside += 1
                    most = max(most, inside)
                time.sleep(0.0005)
                with lock:
                    inside -= 1

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert most == 2
    assert inside == 0
    with slots, slots:  # both slots free again
        pass


def _enter(slots: FairSlots, entered: list[int], i: int) -> None:
    with slots:
        entered.append(i)


def test_worker_processes_share_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(unit_of_work, "usable_cores", lambda: 4)
    monkeypatch.delenv(unit_of_work.WORKER_PROCESSES, raising=False)
    assert unit_of_work.cores_per_process() == 4
    monkeypatch.setenv(unit_of_work.WORKER_PROCESSES, "2")
    assert unit_of_work.cores_per_process() == 2
    monkeypatch.setenv(unit_of_work.WORKER_PROCESSES, "8")
    assert unit_of_work.cores_per_process() == 1  # never none
    monkeypatch.setenv(unit_of_work.WORKER_PROCESSES, "beaucoup")
    assert unit_of_work.cores_per_process() == 4
