"""The course kit's instructor tooling: authoring/ (build, verify), grading/ (one submission; what
the Gradescope zip ships), batch/ (many submissions), reports/ (what comes out). `cli` forwards to
them; `errors` holds the one error base and the exit codes."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_PARENT = Path(__file__).resolve().parent.parent
"""The folder holding the `autograder` package (the checkout, or the Gradescope zip's source/):
what the processes we start need on PYTHONPATH."""

ONE_THREAD = {var: "1" for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
"""One BLAS/OpenMP thread per process: grading runs one process per core, and results stay the
same whatever the machine."""


def subprocess_env(**extra: str) -> dict[str, str]:
    """This process's environment for a Python subprocess of ours: one thread, no display, the
    package importable, plus `extra`."""
    env = {**os.environ, **ONE_THREAD, "MPLBACKEND": "Agg", **extra}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_PARENT), env.get("PYTHONPATH")]))
    return env
