"""`matching` loads each name's module at its first use: a command that needs none of the
engine (the supervising process of `passerelle serve`) does not pay for scikit-learn and
SciPy, and every public name still resolves."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import matching

ROOT = Path(__file__).resolve().parents[1]

_PROBE = """
import sys
import api.cli
heavy = sorted(m for m in ("sklearn", "scipy", "pandas", "matching.index") if m in sys.modules)
print(",".join(heavy) or "-")
"""


def test_the_command_line_loads_no_engine_until_a_command_needs_it() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "-"


def test_every_public_name_resolves_from_its_module_and_others_do_not() -> None:
    assert sorted(matching.__all__) == sorted(matching._WHERE)
    for name in matching.__all__:
        value = getattr(matching, name)
        module = sys.modules[matching._WHERE[name]]
        assert value is getattr(module, name)
        assert name in dir(matching)
    with pytest.raises(AttributeError, match="no_such_name"):
        matching.no_such_name  # noqa: B018
