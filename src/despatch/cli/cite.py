"""`despatch` commands: cite."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

import typer

from despatch.cli._app import app, console, fail, state
from despatch.errors import DespatchError, NotFound


class CiteStyle(StrEnum):
    """The citation styles of ``despatch.cite``."""

    CHICAGO = "chicago"
    CHICAGO_BIBLIOGRAPHY = "chicago-bibliography"
    BIBTEX = "bibtex"
    RIS = "ris"
    CSL_JSON = "csl-json"


@app.command()
def cite(
    doc_id: Annotated[
        str, typer.Argument(metavar="ID", help="A document id: frus1958-60v19/d110.")
    ],
    style: Annotated[
        CiteStyle,
        typer.Option(
            "--style",
            "-s",
            help="chicago (note form), chicago-bibliography, bibtex, ris or csl-json.",
        ),
    ] = CiteStyle.CHICAGO,
    accessed: Annotated[
        bool,
        typer.Option("--accessed", help="Add today's date as the date of access."),
    ] = False,
) -> None:
    """Print a citation of one archived document, ready to paste or import."""
    from despatch.cite import format_citation
    from despatch.store import open_store

    try:
        with open_store(state.archive, create=False) as store:
            doc = store.get(doc_id)
            volume = None
            if doc.volume:
                try:
                    volume = store.get_volume(doc.volume)
                except NotFound:
                    volume = None  # documents read without their volume's front matter
            text = format_citation(
                doc, style.value, volume=volume, accessed=date.today() if accessed else None
            )
    except DespatchError as exc:
        raise fail(exc) from exc
    console.print(text.rstrip("\n"), highlight=False, markup=False, soft_wrap=True)
