"""Property-based run of the whole JSON API against its own OpenAPI document (schemathesis).

Every /api/v1 operation is called with generated inputs as the demo coordinator, and every
answer must pass all of schemathesis' checks: no 5xx, a documented status, content type and
headers, and a body that matches the declared schema (errors as problem+json).

Destructive operations (DELETE of people, needs, events...) are run too: each operation is one
test, whose writes the `client` fixture rolls back, so none removes demo data another needs.
Each operation is driven through `as_strategy` under a plain hypothesis test rather than
schemathesis' pytest plugin, whose parametrisation fails under pytest 9 ('_nodeid').
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from api.core.settings import Settings
from api.main import create_app
from tests.conftest import TEST_SECRET

# The API contract is the same on both databases: this runs on SQLite only, to keep make test
# under 8 minutes; database-specific input handling (NUL bytes, bounds) runs on both in
# tests/security/test_strict_input.py.
pytestmark = pytest.mark.slow

COORDINATOR = {"username": "coordination@demo.passerelle.fr", "password": "demo-passerelle-2027"}


# Whole-region runs of the engine: each example embeds and matches the whole demo region,
# minutes for a handful of examples on a small machine. Covered by tests/api/test_allocations.py
# and tests/api/test_recommendations_review.py.
SLOW = {
    ("POST", "/api/v1/allocations"),
    ("POST", "/api/v1/allocations/{run_id}/rerun"),
    ("POST", "/api/v1/review/run"),
}


# Schema-valid inputs that a rule of the domain refuses with 422, a rule no JSON schema can say:
# references must name existing people, an event's slots must fit in its day, a team needs
# participants, an uploaded file must be a readable spreadsheet, a CV a readable PDF (and one
# applies once, to an open need, as a student or researcher). positive_data_acceptance
# (which expects schema-valid data to be accepted) is replaced for these by the check that
# such a 422 carries the rule's own code; every other check still runs.
BUSINESS_RULES = {
    ("POST", "/api/v1/job-dating"),
    ("POST", "/api/v1/hackathons"),
    ("POST", "/api/v1/imports/{kind}"),
    ("POST", "/api/v1/needs/{ref}/applications"),
    ("POST", "/api/v1/auth/password/reset"),  # a well-formed token that no link issued
}


def _runs() -> list[tuple[str, str, GenerationMode]]:
    """Every operation with valid inputs, and with invalid ones where it takes any input."""
    app = create_app(Settings(database_url="sqlite://", environment="test", secret_key=TEST_SECRET))
    runs: list[tuple[str, str, GenerationMode]] = []
    for path, item in app.openapi()["paths"].items():
        for method, operation in item.items():
            if not path.startswith("/api/v1/") or (method.upper(), path) in SLOW:
                continue
            runs.append((method.upper(), path, GenerationMode.POSITIVE))
            if operation.get("parameters") or operation.get("requestBody"):
                runs.append((method.upper(), path, GenerationMode.NEGATIVE))
    return runs


@pytest.fixture
def coordinator_headers(client: TestClient) -> dict[str, str]:
    token = client.post("/api/v1/auth/token", data=COORDINATOR).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


# Valid inputs must be answered as documented; invalid ones (negative) refused with a 4xx.
@pytest.mark.parametrize(("method", "path", "mode"), _runs(), ids=lambda v: getattr(v, "value", v))
def test_every_operation_answers_as_documented(
    client: TestClient,
    coordinator_headers: dict[str, str],
    method: str,
    path: str,
    mode: GenerationMode,
) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    operation = schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=8,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def answers_as_documented(case: schemathesis.Case) -> None:
        if mode is GenerationMode.NEGATIVE or (method, path) not in BUSINESS_RULES:
            case.call_and_validate(headers=coordinator_headers)
            return
        response = case.call_and_validate(
            headers=coordinator_headers, excluded_checks=[positive_data_acceptance]
        )
        if response.status_code == 422:
            # A rule of the domain refused it, by its own code: never the generic schema one.
            assert response.json()["code"] != "invalid", response.text

    answers_as_documented()
