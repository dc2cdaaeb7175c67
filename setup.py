"""Build despatch, compiling the per-document hot modules with mypyc when it can.

The TEI reader, the shared reading grammars and enrichment run for every document of an
ingest; compiled to C by mypyc (part of mypy: a build requirement in ``pyproject.toml``)
they cost less CPU per document (docs/benchmarks.md, "TEI reader" and "Ingest"). The code
stays plain, type-checked Python; the tests pass against the compiled build and the pure
one. The modules compiled are listed in ``src/despatch/_compiled.py``.

- ``DESPATCH_PURE_PYTHON=1`` builds pure Python (nothing compiled).
- Without mypyc or without a working C compiler the build prints a warning and builds
  pure Python: despatch installs and works, only slower. (pip shows a build's messages
  with ``-v``; ``make install`` prints ``python src/despatch/_compiled.py --status``.)
- An in-place build (``pip install -e .``) puts the extension modules beside their
  sources in ``src/``, where they shadow the ``.py`` files: a pure build removes the ones
  an earlier compiled build left there, so they never run instead of newer sources.

Everything else (metadata, packages, data) is in ``pyproject.toml``.
"""

from __future__ import annotations

import os
import runpy
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

from setuptools import setup

ROOT = Path(__file__).resolve().parent
SRC = ROOT / "src"
_compiled = runpy.run_path(str(SRC / "despatch" / "_compiled.py"))
COMPILED: tuple[str, ...] = _compiled["COMPILED"]
GROUP = "despatch"  # the shared library mypyc builds is ``despatch__mypyc``
_EXTENSION_SUFFIXES = [sysconfig.get_config_var("EXT_SUFFIX") or ".so", ".abi3.so", ".so"]


def _warn(message: str) -> None:
    bar = "*" * 78
    print(f"\n{bar}\nWARNING (despatch build): {message}\n{bar}\n", file=sys.stderr)


def _compiler_works() -> bool:
    """Whether a C compiler builds a Python extension object here (tried on a probe)."""
    from setuptools._distutils.ccompiler import new_compiler
    from setuptools._distutils.sysconfig import customize_compiler

    compiler: Any = new_compiler()
    customize_compiler(compiler)
    with tempfile.TemporaryDirectory(prefix="despatch-cc-") as tmp:
        probe = Path(tmp, "probe.c")
        probe.write_text("#include <Python.h>\nint despatch_probe(void) { return 0; }\n")
        try:
            compiler.compile(
                [str(probe)], output_dir=tmp, include_dirs=[sysconfig.get_paths()["include"]]
            )
        except Exception as exc:  # CompileError, or the compiler's executable missing
            _warn(f"no working C compiler ({exc}); building pure Python (slower)")
            return False
    return True


def _remove_inplace_extensions() -> None:
    """Delete extension modules an earlier in-place compiled build left in ``src/``."""
    stems = [SRC.joinpath(*name.split(".")) for name in COMPILED] + [SRC / f"{GROUP}__mypyc"]
    for stem in stems:
        for suffix in _EXTENSION_SUFFIXES:
            Path(f"{stem}{suffix}").unlink(missing_ok=True)


def ext_modules() -> list[Any]:
    """The mypyc extensions to build, or none (pure Python)."""
    if os.environ.get("DESPATCH_PURE_PYTHON", "") not in ("", "0"):
        print("despatch build: DESPATCH_PURE_PYTHON is set: pure Python", file=sys.stderr)
        _remove_inplace_extensions()
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        _warn("mypyc (part of mypy) is not installed; building pure Python (slower)")
        _remove_inplace_extensions()
        return []
    if not _compiler_works():
        _remove_inplace_extensions()
        return []
    paths = [str(Path("src", *name.split(".")).with_suffix(".py")) for name in COMPILED]
    return list(mypycify(paths, opt_level="3", debug_level="0", group_name=GROUP))


setup(ext_modules=ext_modules())
