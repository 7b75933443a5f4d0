"""Run the venv's otter-grader command line (`python -m otter ...`) in a subprocess.

A subprocess keeps otter's kernels, logging and working-directory changes out of our process and
lets us enforce a timeout. Its combined stdout/stderr is returned, or shown in the error.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from autograder import ONE_THREAD
from autograder.errors import AutograderError
from autograder.grading.sandbox.cputime import WALL_FACTOR, CpuBudget

_OUTPUT_TAIL_CHARS = 6000


OUT_OF_TIME = "ran out of time"


class OtterError(AutograderError, RuntimeError):
    """otter exited with an error or ran out of time."""


def _tail(text: str) -> str:
    return text if len(text) <= _OUTPUT_TAIL_CHARS else "...\n" + text[-_OUTPUT_TAIL_CHARS:]


def run_otter(args: list[str], *, cwd: Path, cpu_seconds: float, what: str) -> str:
    """Run `otter ARGS` in `cwd`; return its output, or raise `OtterError` naming `what`.

    otter and the kernels it starts get `cpu_seconds` of CPU time together (wall clock capped at
    `WALL_FACTOR` times that): a busy machine slows them down but never fails them.
    """
    env = {**os.environ, **ONE_THREAD, "MPLBACKEND": "Agg"}
    # A new session: its CPU time is counted whole, and a stop ends otter with its kernels.
    with subprocess.Popen(
        [sys.executable, "-m", "otter", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    ) as process:
        budget = CpuBudget(process.pid, cpu_seconds, whole_session=True)
        deadline = budget.first_deadline
        while True:
            try:
                output, _ = process.communicate(timeout=max(0.01, deadline - time.monotonic()))
                break
            except subprocess.TimeoutExpired:
                later = budget.later_deadline() if process.poll() is None else time.monotonic()
                if later is None:
                    os.killpg(process.pid, signal.SIGKILL)
                    output, _ = process.communicate()
                    raise OtterError(
                        f"{what}: otter {args[0]} {OUT_OF_TIME} ({cpu_seconds:.0f} CPU seconds, "
                        f"or {WALL_FACTOR * cpu_seconds:.0f} s of wall clock)\n{_tail(output)}"
                    ) from None
                deadline = later
    if process.returncode != 0:
        raise OtterError(
            f"{what}: otter {args[0]} failed (exit {process.returncode}):\n{_tail(output)}"
        )
    return output
