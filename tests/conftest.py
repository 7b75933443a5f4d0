"""Suite-wide settings: a headless plotting backend and one BLAS thread per process.

`make test` runs two pytest-xdist workers with `--dist loadfile`: each test file runs on one
worker, so a file's expensive fixtures (an attack batch, the mutant kernels, a built Gradescope
zip) are built once. (`--dist loadgroup` would not do: xdist 3.8 renames grouped tests through
`item._nodeid`, which pytest 9 no longer reads, so its groups are silently ignored.)"""

import os
import shutil
import tempfile

import pytest

from tests.build_once import RUN_DIR_VAR

os.environ.setdefault("MPLBACKEND", "Agg")
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


def pytest_configure(config: pytest.Config) -> None:
    """The run's folder for tests/build_once.py, made before pytest-xdist starts its workers
    (they inherit the variable), by the controlling process only."""
    if not hasattr(config, "workerinput"):
        os.environ[RUN_DIR_VAR] = tempfile.mkdtemp(prefix="nn-course-builds-")


def pytest_unconfigure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):
        shutil.rmtree(os.environ.pop(RUN_DIR_VAR, ""), ignore_errors=True)
