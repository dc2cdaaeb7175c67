"""`despatch` commands: ingest, search, show, stats, reindex, resolve, check."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from despatch.cli._app import app, console, console_err, fail, state
from despatch.errors import DespatchError
from despatch.search import query as query_module


class OutputFormat(StrEnum):
    """How results are printed."""

    TEXT = "text"
    JSON = "json"


class Sort(StrEnum):
    """Result order."""

    RELEVANCE = "relevance"
    DATE = "date"


def _query_help() -> str:
    """The query language for ``despatch search --help`` (from ``search.query``)."""
    syntax = query_module.SYNTAX_HELP
    fields = [query_module.FIELD_HELP[f] for f in query_module.FIELDS]
    width = max(len(e) for e, _ in [*syntax, *fields]) + 2
    lines = ["\b", "The query language:"]
    lines += [f"  {e.ljust(width)}{d}" for e, d in syntax]
    lines += ["", 'Fields (field:value, field:"two words", field:(a OR b)):']
    lines += [f"  {e.ljust(width)}{d}" for e, d in fields]
    lines += ["", "Case and accents do not matter. '' matches every document."]
    return "\n".join(lines).replace("[", "\\[")


def _open(*, create: bool = False):  # type: ignore[no-untyped-def]
    from despatch.store import open_store

    return open_store(state.archive, create=create)


# --- ingest ---------------------------------------------------------------------------


class _DocsPerSecond(ProgressColumn):
    def render(self, task: Task) -> Text:
        docs = int(task.fields.get("documents", 0))
        elapsed = task.elapsed or 0.0
        rate = docs / elapsed if elapsed > 0 else 0.0
        return Text(f"{docs:,} docs · {rate:,.0f} docs/s", style="progress.data.speed")


@app.command()
def ingest(
    paths: Annotated[
        list[str],
        typer.Argument(help="Files, folders or globs ('volumes/*.xml'; quote globs)."),
    ],
    strict: Annotated[
        bool, typer.Option("--strict", help="Stop at the first file or document that fails.")
    ] = False,
    volume: Annotated[
        str | None,
        typer.Option(
            "--volume",
            help="Volume id (frus1958-60v19) for plain-text files that do not name one; "
            "overrides despatch.toml.",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", min=1, help="Parsing processes (default: the number of cores, up to 4)."
        ),
    ] = None,
    enrich: Annotated[
        bool,
        typer.Option(
            "--enrich/--no-enrich",
            help="Mark people, places and terms and link citations (default), or store "
            "the records as read (faster).",
        ),
    ] = True,
) -> None:
    """Read documents into the archive: TEI, plain text, Markdown.

    Formats are detected from each file. Ingesting the same files again
    changes nothing; a changed document is updated in place; a document the
    archive holds from a richer source (TEI over Markdown over plain text)
    is counted as superseded and kept.

    A file that fails does not stop the rest (unless --strict); the exit
    status is 1 when any failed.

    Plain-text copies from history.state.gov do not name their volume: give
    it with --volume, or in a despatch.toml beside them
    (volume = "frus1958-60v19", or per file under \\[files."name.txt"]).
    """
    from despatch.ingest import IngestProgress
    from despatch.ingest import ingest as run_ingest

    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        _DocsPerSecond(),
        TimeRemainingColumn(),
    )
    try:
        store = _open(create=True)
    except DespatchError as exc:
        raise fail(exc) from exc
    try:
        with Progress(*columns, console=console_err, transient=True) as bar:
            task = bar.add_task("ingesting", total=None, documents=0)

            def on_progress(p: IngestProgress) -> None:
                bar.update(
                    task,
                    total=max(p.bytes_total, 1),
                    completed=p.bytes_done,
                    documents=p.documents,
                    description=f"ingesting {p.files_done}/{p.files_total} files",
                )

            report = run_ingest(
                store,
                paths,
                strict=strict,
                volume=volume,
                workers=workers,
                progress=on_progress,
                enrich=enrich,
            )
    except DespatchError as exc:
        raise fail(exc) from exc
    finally:
        store.close()
    console.print(
        f"[bold]{report.documents:,}[/] documents from {report.files:,} files in "
        f"{report.seconds:.1f} s ({report.documents_per_second:,.0f} docs/s) into "
        f"{escape(state.archive)}",
        highlight=False,
    )
    console.print(
        f"  added {report.added:,} · updated {report.updated:,} · "
        f"unchanged {report.unchanged:,} · superseded {report.superseded:,} · "
        f"failed {report.failed:,}",
        highlight=False,
    )
    if report.linked:
        cites = "citation" if report.linked == 1 else "citations"
        docs = "document" if report.linked_documents == 1 else "documents"
        console.print(
            f"  linked {report.linked:,} more {cites} in {report.linked_documents:,} "
            f"{docs} stored before or elsewhere in this run, to documents of this run",
            highlight=False,
        )
    if _links_are_stale():
        console.print(
            "  [yellow]note:[/] documents stored by an older despatch have their citations "
            "linked only within their own file; run `despatch resolve` once to link them "
            "across the archive",
            highlight=False,
        )
    if report.skipped:
        console.print(
            f"  skipped {len(report.skipped)} files that are not documents "
            f"({escape(', '.join(report.skipped[:3]))}{', …' if len(report.skipped) > 3 else ''})",
            highlight=False,
        )
    for failure in report.failures:
        console.print(f"  [red]failed[/] {escape(str(failure))}", highlight=False)
    if report.failures:
        raise typer.Exit(1)


# --- search ---------------------------------------------------------------------------


def _highlighted(snippet: str, spans: list[tuple[int, int]]) -> Text:
    text = Text(snippet)
    for a, b in spans:
        text.stylize("bold yellow", a, b)
    return text


@app.command(help="Search the archive.\n\n" + _query_help())
def search(
    query: Annotated[
        str, typer.Argument(help="A query, e.g. 'Chiang Kai-shek from:Moscow'; '' for all.")
    ],
    limit: Annotated[int, typer.Option("--limit", "-n", min=0, help="Results to show.")] = 10,
    offset: Annotated[int, typer.Option("--offset", min=0, help="Results to skip.")] = 0,
    sort: Annotated[Sort, typer.Option("--sort", help="relevance (BM25) or date.")] = (
        Sort.RELEVANCE
    ),
    facets: Annotated[
        bool,
        typer.Option(
            "--facets",
            help="Also count matches by type, year, sender, recipient, classification, "
            "precedence and volume.",
        ),
    ] = False,
    exact_facets: Annotated[
        bool,
        typer.Option(
            "--exact-facets",
            help="Count facets over every match. Without it, counts over more than "
            "100,000 matches are estimated from a sample and shown with ≈.",
        ),
    ] = False,
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text or json.")
    ] = OutputFormat.TEXT,
) -> None:
    try:
        with _open() as store:
            results = store.search(
                query,
                limit=limit,
                offset=offset,
                sort=sort.value,
                facets=facets or exact_facets,
                exact_facets=exact_facets,
            )
    except DespatchError as exc:
        raise fail(exc) from exc
    if output == OutputFormat.JSON:
        console.print_json(results.model_dump_json())
        return
    shown = f"{results.offset + 1}–{results.offset + len(results.hits)} of " if results.hits else ""
    console.print(
        f"[bold]{shown}{results.total:,}[/] documents match [cyan]{escape(query or '(all)')}[/] "
        f"({results.took_ms:.1f} ms)",
        highlight=False,
    )
    for i, hit in enumerate(results.hits, start=results.offset + 1):
        page = f"p. {hit.page}" if hit.page else ""
        console.print(
            f"\n[bold]{i}. {escape(hit.id)}[/]  {escape(hit.date or 'undated')}  "
            f"{escape(hit.type)}  {escape(page)}",
            highlight=False,
        )
        console.print(f"   {escape(hit.title)}", highlight=False)
        if hit.sender or hit.recipient:
            sender = ", ".join(hit.sender) or "?"
            recipient = ", ".join(hit.recipient) or "?"
            console.print(
                f"   {escape(sender)} → {escape(recipient)}",
                highlight=False,
                style="dim",
            )
        if hit.snippet:
            console.print(Text("   ") + _highlighted(hit.snippet, hit.highlights))
    if results.facets:
        console.print()
        about = "≈" if results.facets_estimated else ""
        if results.facets_estimated:
            console.print(
                f"[dim]Facet counts estimated from {results.facets_sample:,} of the matches "
                "(a fixed sample); --exact-facets counts them all.[/]",
                highlight=False,
            )
        for name, values in results.facets.items():
            if values:
                listed = ", ".join(f"{v.value} ({about}{v.count:,})" for v in values[:8])
                more = f", … {len(values) - 8} more" if len(values) > 8 else ""
                console.print(f"[bold]{name}[/]: {escape(listed)}{more}", highlight=False)


# --- show, stats ----------------------------------------------------------------------


@app.command()
def show(
    doc_id: Annotated[
        str, typer.Argument(metavar="ID", help="A document id: frus1958-60v19/d110.")
    ],
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text or json (the whole record).")
    ] = OutputFormat.TEXT,
) -> None:
    """Print one document: its heading fields, text with page breaks, and notes."""
    try:
        with _open() as store:
            doc = store.get(doc_id)
    except DespatchError as exc:
        raise fail(exc) from exc
    if output == OutputFormat.JSON:
        console.print_json(doc.to_json())
        return
    console.print(f"[bold]{escape(doc.id)}[/]  {escape(doc.heading or doc.title)}", highlight=False)
    facts = [
        ("date", doc.date.value or ("undated" if doc.date.is_undated else None)),
        ("from", "; ".join(p.name + (f" ({p.place})" if p.place else "") for p in doc.sender)),
        ("to", "; ".join(p.name + (f" ({p.place})" if p.place else "") for p in doc.recipient)),
        ("type", doc.type.value),
        ("telegram", doc.telegram.serial if doc.telegram else None),
        ("classification", doc.telegram.classification if doc.telegram else None),
        ("precedence", doc.telegram.precedence if doc.telegram else None),
        ("pages", "–".join(p for p in (doc.first_page, doc.last_page) if p) or None),
        ("source", doc.origin),
    ]
    for label, value in facts:
        if value:
            console.print(f"  [dim]{label}:[/] {escape(str(value))}", highlight=False)
    console.print()
    breaks = sorted((b.offset, b.page) for b in doc.pages if b.note is None)
    text, last = [], 0
    for offset, page in breaks:
        text.append(doc.text[last:offset])
        text.append(f"[Page {page}] ")
        last = offset
    text.append(doc.text[last:])
    console.print("".join(text), highlight=False, markup=False)
    if doc.notes:
        console.print()
        for note in doc.notes:
            console.print(f"  {note.n}. {note.text}", highlight=False, markup=False)


@app.command()
def stats(
    output: Annotated[OutputFormat, typer.Option("--format", "-f", help="text or json.")] = (
        OutputFormat.TEXT
    ),
) -> None:
    """Count the archive's documents by volume, type and year."""
    try:
        with _open() as store:
            result = store.stats()
    except DespatchError as exc:
        raise fail(exc) from exc
    if output == OutputFormat.JSON:
        console.print_json(result.model_dump_json())
        return
    console.print(
        f"[bold]{result.documents:,}[/] documents in [bold]{result.volumes:,}[/] volumes "
        f"({escape(state.archive)})",
        highlight=False,
    )
    for title, counts in (
        ("volume", result.by_volume),
        ("type", result.by_type),
        ("year", result.by_year),
    ):
        if not counts:
            continue
        table = Table(title=f"by {title}", title_justify="left", show_header=False)
        table.add_column(title)
        table.add_column("documents", justify="right")
        for key, n in counts.items():
            table.add_row(key, f"{n:,}")
        console.print(table)


# --- maintenance ----------------------------------------------------------------------


@app.command()
def reindex() -> None:
    """Rebuild the search index from the stored records (local archives)."""
    from despatch.store.local import LocalStore

    try:
        with _open() as store:
            if not isinstance(store, LocalStore):
                console.print("This archive indexes as it stores; there is nothing to rebuild.")
                return
            count = store.reindex()
    except DespatchError as exc:
        raise fail(exc) from exc
    console.print(f"Reindexed {count:,} documents.")


def _links_are_stale() -> bool:
    try:
        with _open() as store:
            is_stale = getattr(store.reference_lookup(), "is_stale", None)
            return bool(is_stale()) if callable(is_stale) else False
    except DespatchError:
        return False


@app.command()
def resolve() -> None:
    """Link every citation in the archive to the document it cites, across files.

    Ingest does this as it goes (each new document is linked to the
    archive, and the archive's pending citations to it); run this once on an
    archive built by an older despatch, or after ingesting with --no-enrich
    and then enriching. Safe to run any time: it changes only links.
    """
    from despatch.resolution import resolve_archive

    try:
        with _open() as store:
            report = resolve_archive(store)
    except DespatchError as exc:
        raise fail(exc) from exc
    noun = "reference" if report.references == 1 else "references"
    docs = "document" if report.documents == 1 else "documents"
    console.print(
        f"Resolved {report.references:,} more {noun} in {report.documents:,} {docs} "
        f"({report.checked:,} pending references tried over {report.indexed:,} documents, "
        f"{report.seconds:.1f} s).",
        highlight=False,
    )


@app.command()
def check(
    integrity: Annotated[
        bool,
        typer.Option(
            "--integrity",
            help="Also verify every stored record (it loads, and its content hash matches); "
            "slower on big archives.",
        ),
    ] = False,
) -> None:
    """Check the archive: database integrity, and that the index matches the records."""
    try:
        with _open() as store:
            problems = store.check(records=integrity)
    except DespatchError as exc:
        raise fail(exc) from exc
    if problems:
        for p in problems:
            console_err.print(f"[red]problem:[/] {escape(p)}", highlight=False)
        raise typer.Exit(1)
    console.print("The archive is sound.")


__all__ = ["check", "ingest", "reindex", "resolve", "search", "show", "stats"]
