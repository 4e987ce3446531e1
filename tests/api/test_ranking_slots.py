"""The gate in front of ranking: at most n at once, the others let in by order of arrival."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from api.core import unit_of_work
from api.engine.service import FairSlots
from tests.conftest import process_env

ROOT = Path(__file__).resolve().parents[2]


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


_HEAP_PROBE = """
import gc, time
from fastapi.testclient import TestClient
from api.main import app_from_env, create_app

def frozen_after_start(app):
    with TestClient(app) as client:
        assert client.get("/api/v1/health").status_code == 200
        deadline = time.monotonic() + 60
        while not gc.get_freeze_count() and time.monotonic() < deadline:
            if app.state.matching.ready() and app.state.matching._work.empty():
                time.sleep(0.5)  # the job after the load: give it its moment
                break
            time.sleep(0.05)
        return gc.get_freeze_count()

print(frozen_after_start(create_app()), frozen_after_start(app_from_env()))
"""


@pytest.mark.slow
def test_a_serving_process_hides_its_loaded_index_from_the_cycle_collector(
    tmp_path: Path,
) -> None:
    """A full collection walked every object of the loaded index and ESCO while holding the
    interpreter (140 ms on the demo region): a pause for all of a worker's requests. The
    served app freezes what it loaded; an app built by tests leaves the collector alone."""
    env = process_env(f"sqlite:///{tmp_path / 'heap.db'}")
    subprocess.run(
        [sys.executable, "-m", "api", "migrate"], env=env, cwd=ROOT, check=True, capture_output=True
    )
    probe = subprocess.run(
        [sys.executable, "-c", _HEAP_PROBE], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert probe.returncode == 0, probe.stderr[-2000:]
    tests_app, served_app = (int(n) for n in probe.stdout.split())
    assert tests_app == 0
    assert served_app > 10_000  # the modules, the vocabulary and the (empty) index at least
