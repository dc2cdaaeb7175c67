"""The Typer application that every command module registers on."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from despatch.errors import DespatchError
from despatch.settings import setting_default

app = typer.Typer(
    name="despatch",
    help="Structured, searchable, citable archives of diplomatic documents.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
console = Console()
console_err = Console(stderr=True)


class State:
    """Options given before the command, shared by every command."""

    archive: str = setting_default("archive") or "./despatch-archive"


state = State()


@app.callback()
def _root(
    archive: Annotated[
        str | None,
        typer.Option(
            "--archive",
            "-a",
            help="Archive folder or postgresql:// URL \\[env DESPATCH_ARCHIVE; "
            "default ./despatch-archive].",
        ),
    ] = None,
) -> None:
    if archive:
        state.archive = archive


def fail(exc: DespatchError) -> typer.Exit:
    """Print a despatch error the one way the CLI prints errors; return the exit to raise."""
    console_err.print(f"[bold red]error:[/] {exc}", highlight=False, markup=True, soft_wrap=True)
    return typer.Exit(1)
