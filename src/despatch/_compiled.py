"""Which modules the build compiles with mypyc, and whether the compiled ones are current.

``setup.py`` compiles the modules in ``COMPILED`` (the per-document hot path of an ingest:
the TEI reader, the shared reading grammars, enrichment) to C extensions when it can, and
builds pure Python otherwise. An extension module shadows its ``.py`` source on import, so
a source edited after the build would silently not run: ``stale_extensions`` finds such
extensions (``tests/conftest.py`` refuses to run the tests with one; ``make install``
rebuilds whenever one of these sources changes).

Standard library only, and never compiled itself: ``setup.py`` and the Makefile read it
before despatch is installed (``python src/despatch/_compiled.py --sources``).
"""

from __future__ import annotations

import importlib.machinery
import sys
from pathlib import Path

#: Modules compiled by mypyc. Not here, on purpose: ``readers/tei.py``'s neighbours that
#: are not on the ingest path, ``enrich/resolve.py`` (its frozen ``SerialCandidate`` travels
#: between processes by pickle, which mypyc's frozen dataclasses do not support), and
#: modules other work is changing (``search/fields.py``, ``store/_tantivy.py``).
COMPILED: tuple[str, ...] = (
    "despatch.readers._tei_builder",
    "despatch.readers._tei_text",
    "despatch.readers._tei_document",
    "despatch.readers._tei_records",
    "despatch.readers._tei_dates",
    "despatch.readers._tei_volume",
    "despatch.readers.tei",
    "despatch.readers.sourcenote",
    "despatch.readers.dates",
    "despatch.readers.heading",
    "despatch.readers.posts",
    "despatch.readers.footmarks",
    "despatch.enrich._scan",
    "despatch.enrich._wordlists",
    "despatch.enrich.authority",
    "despatch.enrich.citations",
    "despatch.enrich.entities",
    "despatch.enrich.lexicon",
    "despatch.enrich.references",
    "despatch.enrich.volumes",
)

#: The package folder (``src/despatch`` in a checkout).
PACKAGE = Path(__file__).resolve().parent


def source_paths(root: Path = PACKAGE.parent) -> list[Path]:
    """The ``.py`` files of ``COMPILED`` under ``root`` (the folder holding ``despatch``)."""
    return [root.joinpath(*name.split(".")).with_suffix(".py") for name in COMPILED]


def extension_paths(source: Path) -> list[Path]:
    """Extension modules built from ``source`` that sit beside it (any ABI suffix)."""
    stem = source.with_suffix("")
    return [
        Path(f"{stem}{suffix}")
        for suffix in importlib.machinery.EXTENSION_SUFFIXES
        if Path(f"{stem}{suffix}").exists()
    ]


def compiled_modules() -> list[str]:
    """The modules of ``COMPILED`` that have an extension module beside their source."""
    return [
        name
        for name, source in zip(COMPILED, source_paths(), strict=True)
        if extension_paths(source)
    ]


def stale_extensions(package: Path = PACKAGE) -> list[tuple[Path, Path]]:
    """``(extension, source)`` pairs under ``package`` whose source is newer than the build.

    Every extension module in the package folder counts, listed in ``COMPILED`` or not (one
    left behind by an older build shadows its source just the same).
    """
    stale: list[tuple[Path, Path]] = []
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        for ext in sorted(package.rglob(f"*{suffix}")):
            source = ext.with_name(ext.name[: -len(suffix)] + ".py")
            if source.exists() and source.stat().st_mtime > ext.stat().st_mtime:
                stale.append((ext, source))
    return stale


def _main(argv: list[str]) -> int:
    """``--sources``: the compiled modules' sources, one per line (for the Makefile);
    ``--status``: what is compiled in this checkout, and a warning when nothing is."""
    if argv == ["--sources"]:
        root = Path.cwd() / "src"
        print("\n".join(str(p.relative_to(Path.cwd())) for p in source_paths(root)))
        return 0
    if argv == ["--status"]:
        done = compiled_modules()
        stale = stale_extensions()
        for ext, source in stale:
            print(f"error: {ext.name} is older than {source}: rebuild (make install)")
        if not done:
            print(
                "WARNING: despatch runs as pure Python (no module compiled: "
                "DESPATCH_PURE_PYTHON was set, or no C compiler), which is slower "
                "(docs/benchmarks.md); install gcc and run `make install` again to compile."
            )
        else:
            print(f"despatch: {len(done)} of {len(COMPILED)} hot modules compiled (mypyc)")
        return 1 if stale else 0
    print("usage: python src/despatch/_compiled.py --sources | --status", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
