"""Run a command as a child process and measure it: wall time, CPU time, peak memory.

Peak memory is measured two ways, because an ingest may run a pool of worker processes:

* ``peak_tree_mb`` — the largest sum of resident memory (VmRSS) over the child and all its
  descendants, sampled every 50 ms from ``/proc`` (what the machine had to hold);
* ``peak_anon_mb`` — the same sum counting only anonymous memory (heap, stacks), without
  the file-backed pages of memory-mapped files: tantivy maps its segment files, and
  those pages count as resident although the kernel can drop them at will;
* ``peak_pss_mb`` / ``peak_pss_anon_mb`` — the same sums of proportional set size
  (``/proc/PID/smaps_rollup``, every 0.5 s): a page shared by several processes of the tree (the
  parsing workers are forked from one fork server and share what it loaded) counts once
  in all, split between them, where the resident sums count it once per process. The
  anonymous PSS is what the tree really holds in memory of its own;
* ``max_rss_mb`` — ``ru_maxrss`` of the child's own resource usage (``os.wait4``): the peak
  of the largest single process among the child and the descendants it waited for.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

_PAGE = os.sysconf("SC_PAGE_SIZE")
_TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Measurement:
    """What one measured child process cost."""

    command: list[str]
    returncode: int
    load_before: float  # 1-minute load average when the child started (2 cores)
    seconds: float
    user_s: float  # rusage of the child (and the descendants it waited for)
    sys_s: float
    cpu_s: float  # CPU time of the whole process tree
    peak_tree_mb: float
    peak_anon_mb: float
    peak_pss_mb: float
    peak_pss_anon_mb: float
    processes: list[dict[str, Any]]  # the largest processes: pid, role, peak RSS / anon MB
    max_rss_mb: float
    stdout_tail: str
    stderr_tail: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: parse after the last ")".
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        kids.setdefault(ppid, []).append(int(entry.name))
    return kids


def _pss(pid: int) -> tuple[int, int]:
    """Proportional set size and its anonymous part of one process, in bytes."""
    pss = pss_anon = 0
    with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
        for line in fh:
            if line.startswith(b"Pss:"):
                pss = int(line.split()[1]) * 1024
            elif line.startswith(b"Pss_Anon:"):
                pss_anon = int(line.split()[1]) * 1024
    return pss, pss_anon


def tree_rss(
    pid: int, per: dict[int, list[int]] | None = None, pss: list[int] | None = None
) -> tuple[int, int]:
    """Resident and anonymous-resident bytes of ``pid`` and all its descendants.

    ``per`` collects each process's peak ``[rss, anon]`` and its latest own CPU time
    (``utime + stime`` in clock ticks) by pid; ``pss``, when given, gets the tree's
    ``[pss, pss_anon]`` sums.
    """
    kids = _children()
    total = anon = 0
    if pss is not None:
        pss[:] = [0, 0]
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/statm", "rb") as fh:
                fields = fh.read().split()
            # statm: size resident shared …; shared = file-backed (+ shmem) resident pages.
            rss_p = int(fields[1]) * _PAGE
            anon_p = (int(fields[1]) - int(fields[2])) * _PAGE
            total += rss_p
            anon += anon_p
            if pss is not None:
                p_pss, p_anon = _pss(p)
                pss[0] += p_pss
                pss[1] += p_anon
            if per is not None:
                peak = per.setdefault(p, [0, 0, 0])
                peak[0] = max(peak[0], rss_p)
                peak[1] = max(peak[1], anon_p)
                with open(f"/proc/{p}/stat", "rb") as fh:
                    stat = fh.read()
                fields = stat[stat.rindex(b")") + 2 :].split()
                peak[2] = int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
        stack.extend(kids.get(p, ()))
    return total, anon


def run_measured(
    command: list[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    interval: float = 0.05,
    log: Path | None = None,
) -> Measurement:
    """Run ``command`` to completion, sampling its process tree's memory."""
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    err_path = Path(str(log) + ".err") if log else None
    err = open(err_path, "wb") if err_path else subprocess.DEVNULL  # noqa: SIM115
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    try:
        proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=err)
        peak = peak_anon = peak_pss = peak_pss_anon = 0
        per: dict[int, list[int]] = {}
        pss = [0, 0]
        tick = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            # PSS every tenth sample: smaps_rollup walks every mapping of a process (the
            # writer maps each index segment's files), too dear to read every 50 ms.
            rss, anon = tree_rss(proc.pid, per, pss if tick % 10 == 0 else None)
            tick += 1
            peak = max(peak, rss)
            peak_anon = max(peak_anon, anon)
            peak_pss = max(peak_pss, pss[0])
            peak_pss_anon = max(peak_pss_anon, pss[1])
            time.sleep(interval)
        seconds = time.perf_counter() - t0
        returncode = proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if log:
            out.close()  # type: ignore[union-attr]
            err.close()  # type: ignore[union-attr]

    def tail(p: Path | None) -> str:
        if p is None or not p.exists():
            return ""
        return p.read_bytes()[-2000:].decode("utf-8", "replace")

    # Workers started by a fork server are not waited for by the measured process, so its
    # rusage misses their CPU time; the sum sampled from /proc does not (it loses at most
    # the last 50 ms of each process).
    sampled_cpu = sum(v[2] for v in per.values()) / _TICK
    return Measurement(
        command=command,
        returncode=returncode,
        load_before=load,
        seconds=seconds,
        user_s=usage.ru_utime,
        sys_s=usage.ru_stime,
        cpu_s=max(sampled_cpu, usage.ru_utime + usage.ru_stime),
        peak_tree_mb=peak / 2**20,
        peak_anon_mb=peak_anon / 2**20,
        peak_pss_mb=peak_pss / 2**20,
        peak_pss_anon_mb=peak_pss_anon / 2**20,
        processes=[
            {
                "pid": p,
                "role": "main" if p == proc.pid else "child",
                "peak_rss_mb": round(v[0] / 2**20),
                "peak_anon_mb": round(v[1] / 2**20),
                "cpu_s": round(v[2] / _TICK, 1),
            }
            for p, v in sorted(per.items(), key=lambda kv: -kv[1][0])[:4]
        ],
        max_rss_mb=usage.ru_maxrss / 1024,
        stdout_tail=tail(log),
        stderr_tail=tail(err_path),
    )


def machine() -> dict[str, Any]:
    """The machine a figure was measured on."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "mem_gib": round(mem / 2**30, 1),
        "loadavg": os.getloadavg(),
    }
