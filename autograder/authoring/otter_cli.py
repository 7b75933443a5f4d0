"""Run the venv's otter-grader command line (`python -m otter ...`) in a subprocess.

A subprocess keeps otter's kernels, logging and working-directory changes out of our process and
lets us enforce a timeout. Its combined stdout/stderr is returned, or shown in the error.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from autograder import ONE_THREAD
from autograder.errors import AutograderError

_OUTPUT_TAIL_CHARS = 6000


class OtterError(AutograderError, RuntimeError):
    """otter exited with an error or ran out of time."""


def _tail(text: str) -> str:
    return text if len(text) <= _OUTPUT_TAIL_CHARS else "...\n" + text[-_OUTPUT_TAIL_CHARS:]


def run_otter(args: list[str], *, cwd: Path, timeout: float, what: str) -> str:
    """Run `otter ARGS` in `cwd`; return its output, or raise `OtterError` naming `what`."""
    env = {**os.environ, **ONE_THREAD, "MPLBACKEND": "Agg"}
    # A new session, so a timeout can end otter together with the kernels it started.
    with subprocess.Popen(
        [sys.executable, "-m", "otter", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    ) as process:
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
            raise OtterError(
                f"{what}: otter {args[0]} took over {timeout:.0f} s\n{_tail(output)}"
            ) from None
    if process.returncode != 0:
        raise OtterError(
            f"{what}: otter {args[0]} failed (exit {process.returncode}):\n{_tail(output)}"
        )
    return output
