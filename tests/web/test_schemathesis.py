"""Property-based tests of the JSON API from its own OpenAPI document: no server errors.

Schemathesis generates requests for every operation (valid and invalid parameters) and
checks that none gets a 5xx and that every response matches the documented schema and
status codes. Bounded to a few examples per operation so the suite stays quick.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from despatch.store import open_store
from despatch.web.app import WebSettings, create_app
from tests.web.conftest import load_samples

# The ingest route is included (a token is configured) so it is exercised too; it
# refuses every generated request without the token.
_FOLDER = tempfile.TemporaryDirectory(prefix="despatch-schemathesis-")
APP = create_app(
    load_samples(open_store(Path(_FOLDER.name) / "archive")),
    WebSettings(ingest_token="not-guessable-token"),
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_has_no_server_errors(case: schemathesis.Case) -> None:
    case.call_and_validate(
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ]
    )
