"""The entry point of a serving process (`passerelle serve`, each uvicorn worker).

The collector's policy for serving (`api.heap.freeze_survivors`) is set before the app's
modules are imported, so the start's full collections walk only what is new: start to first
answer 8.9-9.8 s -> 8.0-8.5 s at 14,000 students with 2 workers (three starts each, alternated;
README).
"""

from __future__ import annotations

from api.heap import freeze_survivors

freeze_survivors()

from api.main import app_from_env  # noqa: E402  (after the collector's policy, on purpose)

__all__ = ["app_from_env"]
