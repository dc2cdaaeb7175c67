"""`despatch` commands: fetch (download FRUS volumes, optionally ingest them)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from despatch.cli._app import app, console, console_err, fail, state
from despatch.errors import ConfigError, DespatchError
from despatch.settings import setting_default

fetch_app = typer.Typer(
    help="Download documentary editions for your archive.", no_args_is_help=True
)
app.add_typer(fetch_app, name="fetch")


@fetch_app.command("frus")
def fetch_frus(
    volumes: Annotated[
        list[str] | None,
        typer.Argument(help="Volume ids, e.g. frus1958-60v19 frus1964-68v30.", show_default=False),
    ] = None,
    all_volumes: Annotated[
        bool, typer.Option("--all", help="Every FRUS volume known to despatch (546 files).")
    ] = False,
    dest: Annotated[
        Path, typer.Option("--dest", "-d", help="Folder to keep the volume files in.")
    ] = Path("frus-volumes"),
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            help="Where the volume files are \\[env DESPATCH_FRUS_BASE_URL; default the "
            "raw files of HistoryAtState/frus on GitHub].",
        ),
    ] = None,
    ingest: Annotated[
        bool, typer.Option("--ingest", help="Add the downloaded volumes to the archive.")
    ] = False,
    list_ids: Annotated[
        bool, typer.Option("--list", help="Print the known volume ids and exit.")
    ] = False,
    retries: Annotated[
        int, typer.Option(min=0, max=20, help="Resume attempts per volume before giving up.")
    ] = 3,
) -> None:
    """Download FRUS TEI volumes from HistoryAtState/frus (resumable, verified, skipping
    unchanged files), with a progress bar; --ingest adds them to the archive."""
    import httpx

    from despatch.fetch import check_volume_id, fetch_volume, volume_ids

    if list_ids:
        for vid in volume_ids():
            console.print(vid, highlight=False)
        return
    try:
        if all_volumes and volumes:
            raise ConfigError("give volume ids or --all, not both")
        wanted = volume_ids() if all_volumes else [check_volume_id(v) for v in volumes or []]
        if not wanted:
            raise ConfigError(
                "name the volumes to fetch (e.g. `despatch fetch frus frus1958-60v19`) or "
                "pass --all; `despatch fetch frus --list` prints the ids"
            )
        url = base_url or setting_default("frus_base_url") or ""
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"--base-url {url!r} is not an http(s) address")
        ingester = _ingester() if ingest else None
    except DespatchError as exc:
        raise fail(exc) from exc

    failures: list[str] = []
    paths: list[Path] = []
    timeout = httpx.Timeout(30.0, read=60.0)
    with (
        httpx.Client(timeout=timeout, follow_redirects=True) as client,
        Progress(
            TextColumn("[bold]{task.fields[volume]}", justify="right"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=console_err,
            transient=True,
        ) as bar,
    ):
        overall = bar.add_task("all", total=len(wanted), volume=f"{len(wanted)} volume(s)")
        for vid in wanted:
            task = bar.add_task(vid, total=None, volume=vid)

            def show(volume: str, done: int, total: int | None, task: TaskID = task) -> None:
                bar.update(task, completed=done, total=total)

            try:
                result = fetch_volume(
                    client, vid, dest, base_url=url, progress=show, retries=retries
                )
            except DespatchError as exc:
                failures.append(str(exc))
                console_err.print(f"[bold red]error:[/] {exc}", highlight=False)
            else:
                paths.append(result.path)
                console.print(
                    f"{result.status:>10}  {result.path}  ({result.size:,} bytes)",
                    highlight=False,
                )
            bar.remove_task(task)
            bar.advance(overall)
    if ingester is not None and paths:
        try:
            ingester(paths)
        except DespatchError as exc:
            raise fail(exc) from exc
    if failures:
        console_err.print(
            f"{len(failures)} of {len(wanted)} volume(s) failed; run the same command "
            "again to resume them",
            highlight=False,
        )
        raise typer.Exit(1)


def _ingester() -> Callable[[list[Path]], None]:
    """The archive's ingest (``despatch.archive.Archive``), as a function of the paths."""
    try:
        from despatch.archive import Archive
    except ImportError as exc:
        raise ConfigError(
            "--ingest needs the archive's ingest (despatch.archive), which this installation "
            "lacks; fetch without --ingest, then run `despatch ingest DEST`"
        ) from exc
    archive_path = state.archive

    def run(paths: list[Path]) -> None:
        with Archive.open(archive_path) as archive:
            report = archive.ingest(paths)
        console.print(
            f"ingested into {archive_path}: {report.documents:,} documents "
            f"({report.added:,} added, {report.updated:,} updated, "
            f"{report.unchanged:,} unchanged), {report.volumes} volume(s)",
            highlight=False,
        )
        for failure in report.failures:
            console_err.print(f"[bold red]error:[/] {failure}", highlight=False)

    return run
