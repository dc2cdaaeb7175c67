"""Fixtures shared by every test: paths to the bundled samples and --update-golden."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SEED = SAMPLES / "plaintext" / "000_2018aa1b5c0eb2cd.txt"
TEI_V19 = SAMPLES / "tei" / "frus1958-60v19-excerpt.xml"
TEI_V30 = SAMPLES / "tei" / "frus1964-68v30-excerpt.xml"
TEI_1901 = SAMPLES / "tei" / "frus1901China-excerpt.xml"
GOLDEN = Path(__file__).resolve().parent / "golden"


def pytest_configure(config: pytest.Config) -> None:
    """Refuse to test a compiled module older than its source (it would shadow the edit)."""
    from despatch._compiled import stale_extensions

    stale = stale_extensions()
    if stale:
        lines = "\n".join(f"  {ext} is older than {src.name}" for ext, src in stale)
        raise pytest.UsageError(
            "compiled modules are out of date; rebuild with `make install` "
            f"(or DESPATCH_PURE_PYTHON=1 .venv/bin/pip install -e .):\n{lines}"
        )


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the golden .json files from the current output; review the diff",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def seed_path() -> Path:
    return SEED


@pytest.fixture
def samples_dir() -> Path:
    return SAMPLES


# The real PostgreSQL server (session) and a fresh database per test / per module; see tests/pg.py.
from tests.pg import pg_module_url, pg_server, pg_url  # noqa: E402, F401
