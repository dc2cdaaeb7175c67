"""The ``despatch`` command: parses arguments, calls the library, prints the result.

Each group of commands lives in its own module and registers itself on ``app``;
errors are turned into messages here, in one place (``main``).
"""

from __future__ import annotations

import sys

from despatch.cli._app import app, console_err
from despatch.errors import DespatchError

# Importing the command modules registers their commands on ``app``.
from despatch.cli import parse as _parse  # noqa: F401  isort: skip
from despatch.cli import archive as _archive  # noqa: F401  isort: skip
from despatch.cli import fetch as _fetch  # noqa: F401  isort: skip
from despatch.cli import serve as _serve  # noqa: F401  isort: skip
from despatch.cli import cite as _cite  # noqa: F401  isort: skip


def main() -> None:
    """Run the CLI; a ``DespatchError`` becomes ``error: …`` on stderr and exit status 1."""
    try:
        app(standalone_mode=True)
    except DespatchError as exc:
        console_err.print(f"[bold red]error:[/] {exc}", highlight=False, markup=True)
        sys.exit(1)


__all__ = ["app", "main"]
