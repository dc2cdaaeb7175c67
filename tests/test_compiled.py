"""The build's list of compiled modules, and the check for stale compiled modules."""

from __future__ import annotations

import importlib
import importlib.machinery
import os
import subprocess
import sys
from pathlib import Path

from despatch import _compiled

ROOT = Path(__file__).resolve().parent.parent
SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]


def test_every_compiled_module_has_its_source() -> None:
    sources = _compiled.source_paths()
    assert len(sources) == len(_compiled.COMPILED)
    for name, path in zip(_compiled.COMPILED, sources, strict=True):
        assert path.is_file(), name
        assert path.name == name.rsplit(".", 1)[-1] + ".py"


def test_compiled_modules_are_the_ones_imported() -> None:
    # an extension beside its source is what Python imports; in a pure build there is none
    for name in _compiled.compiled_modules():
        module = importlib.import_module(name)
        assert module.__file__ is not None
        assert not module.__file__.endswith(".py"), name


def test_an_extension_older_than_its_source_is_stale(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    source = pkg / "mod.py"
    ext = pkg / f"mod{SUFFIX}"
    fresh_source = pkg / "other.py"
    fresh_ext = pkg / f"other{SUFFIX}"
    for path in (source, fresh_source):
        path.write_text("x = 1\n")
    for path in (ext, fresh_ext):
        path.write_bytes(b"\x7fELF")
    os.utime(ext, (1_000_000, 1_000_000))
    os.utime(source, (2_000_000, 2_000_000))
    os.utime(fresh_source, (1_000_000, 1_000_000))
    os.utime(fresh_ext, (2_000_000, 2_000_000))
    assert _compiled.stale_extensions(pkg) == [(ext, source)]


def test_this_checkout_has_no_stale_extension() -> None:
    assert _compiled.stale_extensions() == []


def test_sources_for_the_makefile() -> None:
    out = subprocess.run(
        [sys.executable, "src/despatch/_compiled.py", "--sources"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == [str(p.relative_to(ROOT)) for p in _compiled.source_paths(ROOT / "src")]
    assert all((ROOT / p).is_file() for p in out)
