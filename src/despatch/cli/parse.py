"""`despatch` commands: parse."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from despatch.cli._app import app, console, fail
from despatch.errors import ConfigError, DespatchError
from despatch.model import Document, Party, Volume

_VOLUME_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$")


class OutputFormat(StrEnum):
    """How ``despatch parse`` prints records."""

    text = "text"
    json = "json"


@app.command()
def parse(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Documents to read: history.state.gov plain text (.txt), Markdown with "
            "YAML front matter (.md) or TEI XML (.xml).",
            show_default=False,
            metavar="FILE",
        ),
    ],
    volume: Annotated[
        str | None,
        typer.Option(
            "--volume",
            metavar="ID",
            help="Volume id the documents belong to (e.g. frus1958-60v19); gives them "
            "citable ids such as frus1958-60v19/d110.",
        ),
    ] = None,
    output: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            "-f",
            help="text: a summary to check at a glance; json: the full record (one object "
            "for one record, an array for several).",
        ),
    ] = OutputFormat.text,
) -> None:
    """Read documents and print their records, without adding them to an archive."""
    from despatch.readers import read_path

    if volume is not None and not _VOLUME_ID.match(volume):
        raise fail(
            ConfigError(
                f"--volume {volume!r} is not a volume id; use letters, digits, '.', '-' "
                "and '_' (e.g. frus1958-60v19)"
            )
        )
    records: list[Document | Volume] = []
    failed = 0
    for path in files:
        try:
            if not path.exists():
                raise ConfigError(f"{path}: no such file")
            if path.is_dir():
                raise ConfigError(f"{path}: is a folder; give the document files inside it")
            records.extend(read_path(path, volume=volume))
        except DespatchError as exc:
            fail(exc)
            failed += 1
    if output is OutputFormat.json:
        if len(records) == 1 and len(files) == 1:
            typer.echo(records[0].to_json(indent=2))
        elif records:
            typer.echo("[\n" + ",\n".join(r.to_json(indent=2) for r in records) + "\n]")
    else:
        for record in records:
            console.print(summary(record))
    if failed:
        raise typer.Exit(1)


def _fmt_party(parties: list[Party]) -> str:
    out = []
    for p in parties:
        out.append(f"{p.name} ({p.place})" if p.place else p.name)
    return "; ".join(out) or "—"


def summary(record: Document | Volume) -> Panel:
    """A Rich panel summarising a record for a historian to check at a glance."""
    if isinstance(record, Volume):
        body = Text(
            f"{record.title or record.id}\n{len(record.divisions)} divisions, "
            f"{len(record.persons)} persons, {len(record.terms)} terms"
        )
        return Panel(body, title=f"[bold]volume {escape(record.id)}[/]", title_align="left")
    doc = record
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold cyan", no_wrap=True)
    grid.add_column()

    def row(label: str, value: str | None) -> None:
        if value:
            grid.add_row(label, escape(value))

    row("type", doc.type.value + (f" ({doc.subtype})" if doc.subtype else ""))
    date = doc.date
    if date.value:
        row("date", f"{date.value}  from {date.source.value if date.source else '?'}, "
            f"{date.confidence.value}")  # fmt: skip
    elif date.is_undated:
        row("date", "undated")
    else:
        row("date", "unknown")
    row("dateline", doc.dateline)
    row("from", _fmt_party(doc.sender) if doc.sender else None)
    row("to", _fmt_party(doc.recipient) if doc.recipient else None)
    t = doc.telegram
    if t is not None:
        bits = [
            f"no. {t.serial}" if t.serial else None,
            t.classification,
            t.precedence,
            ", ".join(t.handling) if t.handling else None,
            f"{t.sections} sections" if t.sections else None,
            f"sent {t.sent}" if t.sent else None,
            f"received {t.received}" if t.received else None,
        ]
        row("telegram", " · ".join(b for b in bits if b))
        if t.addressees:
            row(
                "addressees",
                "; ".join(
                    f"{a.name}{' ' + a.qualifier if a.qualifier else ''} "
                    f"[{a.role}{', ' + a.precedence if a.precedence else ''}]"
                    for a in t.addressees
                ),
            )
    for src in doc.archival:
        row("source", src.text + (f"  (filed {src.file_date})" if src.file_date else ""))
    if doc.drafting is not None:
        d = doc.drafting
        bits = [
            f"drafted by {', '.join(d.drafted_by)}" if d.drafted_by else None,
            f"cleared by {', '.join(d.cleared_by)}" if d.cleared_by else None,
            f"approved by {', '.join(d.approved_by)}" if d.approved_by else None,
        ]
        row("drafting", "; ".join(b for b in bits if b))
    if doc.first_page:
        pages = (
            doc.first_page
            if doc.first_page == doc.last_page
            else (f"{doc.first_page}–{doc.last_page}")
        )
        row("pages", f"{pages} ({sum(1 for b in doc.pages if b.note is None)} page breaks)")
    words = len(doc.text.split())
    row("text", f"{len(doc.paragraphs)} paragraphs, {words:,} words")
    row("signed", ", ".join(doc.signers) if doc.signers else None)
    for e in doc.embedded:
        bits = [
            f"{e.kind.value}",
            f"from {e.author}" if e.author else None,
            f"to {e.addressee}" if e.addressee else None,
            f"“{e.salutation}”" if e.salutation else None,
            e.signed,
            f"replies to {e.replies_to}" if e.replies_to else None,
        ]
        row("embedded", " · ".join(b for b in bits if b))
    lines: list[Text] = []
    for note in doc.notes:
        if note.anchor is None:
            where = "on the heading"
        else:
            before = " ".join(doc.text[max(0, note.anchor - 30) : note.anchor].split())
            where = f"after “…{before}”"
        if note.page:
            where += f", p. {note.page}"
        marker = f" (marker {note.marker})" if note.marker not in (None, note.n) else ""
        snippet = note.text if len(note.text) <= 110 else note.text[:107] + "…"
        lines.append(
            Text.assemble(
                (f"  {note.n}. ", "bold"), (f"[{note.kind}, {where}{marker}] ", "dim"), snippet
            )
        )
    parts: list[Table | Text] = [grid]
    if lines:
        parts.append(Text("notes", style="bold cyan"))
        parts.extend(lines)
    for w in doc.warnings:
        where = f" (line {w.line})" if w.line else ""
        parts.append(Text(f"warning{where}: {w.message} [{w.code}]", style="yellow"))
    title = f"[bold]{escape(doc.id)}[/]  {escape(doc.heading or doc.title or '(no heading)')}"
    return Panel(Group(*parts), title=title, title_align="left")


__all__ = ["parse", "summary"]
