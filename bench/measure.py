"""Timing helpers for the benchmark: medians, and commands run with their peak memory."""

from __future__ import annotations

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Timing:
    """Repeated measurements of one operation (seconds), after the warm-up runs."""

    runs: tuple[float, ...]
    peak_rss_mib: float | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.runs)


@dataclass(frozen=True)
class CommandRun:
    """One run of a command: wall time, peak resident memory, exit code and stderr."""

    seconds: float
    peak_rss_mib: float
    returncode: int
    stderr: str
    timed_out: bool = False


class CommandFailed(RuntimeError):
    """A benchmarked command exited with an error: its numbers would mean nothing."""


def cli_command() -> list[str]:
    """The `labatlas` command of this environment (the console script next to Python)."""
    script = Path(sys.executable).with_name("labatlas")
    if script.exists():
        return [str(script)]
    found = shutil.which("labatlas")
    return [found] if found else [sys.executable, "-m", "labatlas.cli"]


# Runs a command from a small process and reports its wall time and peak RSS. Linux carries
# the peak RSS of the process that execs into the new program (exec keeps the high-water
# mark), so a command forked straight from the benchmark would report at least the
# benchmark's own size; forked from this 10 MiB launcher, it reports its own.
_LAUNCHER = """
import json, os, sys, time
report, args = sys.argv[1], sys.argv[2:]
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(args[0], args)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - started
with open(report, "w") as handle:
    json.dump([seconds, usage.ru_maxrss, os.waitstatus_to_exitcode(status)], handle)
"""


def run_command(
    args: Sequence[str],
    stdout: int | None = subprocess.DEVNULL,
    stdin: str | None = None,
    timeout: float | None = None,
) -> CommandRun:
    """Run `args` to completion; measure its wall time and its own peak RSS.

    A run longer than `timeout` seconds is killed (with everything it started) and comes
    back with ``timed_out`` set.

    Examples
    --------
    >>> run = run_command([sys.executable, "-c", "x = bytearray(200 * 2**20)"])
    >>> run.returncode, run.seconds > 0, 200 < run.peak_rss_mib < 400
    (0, True, True)
    """
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "run.json"
        errors_path = Path(folder) / "stderr"
        with errors_path.open("wb") as errors:
            launcher = subprocess.Popen(
                [sys.executable, "-S", "-c", _LAUNCHER, str(report), *args],
                stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                stdout=stdout,
                stderr=errors,
                start_new_session=True,  # one process group: a timeout kills the command too
            )
            try:
                launcher.communicate(stdin.encode() if stdin is not None else None, timeout)
            except subprocess.TimeoutExpired:
                os.killpg(launcher.pid, signal.SIGKILL)
                launcher.wait()
                return CommandRun(float(timeout or 0), 0.0, -9, "timed out", timed_out=True)
        stderr = errors_path.read_text(encoding="utf-8", errors="replace")
        if not report.exists():
            return CommandRun(0.0, 0.0, 127, stderr or "the launcher failed")
        seconds, max_rss_kib, returncode = json.loads(report.read_text())
    return CommandRun(seconds, max_rss_kib / 1024, returncode, stderr)


def time_command(args: Sequence[str], repeats: int, warmups: int = 1) -> Timing:
    """Median-ready timings of a command, with the largest peak RSS of its runs.

    Raises
    ------
    CommandFailed
        The command failed (its stderr is in the message).
    """
    runs: list[float] = []
    peak = 0.0
    for index in range(warmups + repeats):
        run = run_command(args)
        if run.returncode != 0:
            raise CommandFailed(f"{' '.join(args)} exited {run.returncode}: {run.stderr.strip()}")
        peak = max(peak, run.peak_rss_mib)
        if index >= warmups:
            runs.append(run.seconds)
    return Timing(tuple(runs), peak)


def time_call(
    call: Callable[[], object], repeats: int, warmups: int = 1, slow: float = 5.0
) -> Timing:
    """Median-ready timings of a function call in this process.

    A warm-up that takes longer than `slow` seconds is reported as the only run: repeating
    a query that takes a minute would say nothing more.

    Examples
    --------
    >>> len(time_call(lambda: sum(range(100)), repeats=5).runs)
    5
    """
    for _ in range(warmups):
        started = time.perf_counter()
        call()
        if time.perf_counter() - started > slow:
            return Timing((time.perf_counter() - started,))
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        runs.append(time.perf_counter() - started)
    return Timing(tuple(runs))
