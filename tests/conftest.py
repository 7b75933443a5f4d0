"""Suite-wide settings and scheduling.

- A headless plotting backend and one BLAS thread per process.
- `make test` runs two pytest-xdist workers with `--dist loadscope --no-loadscope-reorder`: each
  test class, and each module's functions, run on one worker, so expensive fixtures (an attack
  batch, a mutant kernel) are made once; tests/scheduling.py makes one class per assignment so the
  workers share the assignments. (`--dist loadgroup` would not do: xdist 3.8 renames grouped tests
  through `item._nodeid`, which pytest 9 no longer reads, so its groups are silently ignored.)
- Slow tests are collected first, so the workers start on the long ones and the quick unit tests
  fill in at the end instead of leaving one worker idle behind a long tail.
- tests/build_once.py's builds live in a folder of the run, made here before the workers start.
"""

import os
import shutil
import tempfile

import pytest

from tests.build_once import RUN_DIR_VAR

os.environ.setdefault("MPLBACKEND", "Agg")
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable: slow first


def pytest_configure(config: pytest.Config) -> None:
    """The run's folder for tests/build_once.py, made before pytest-xdist starts its workers
    (they inherit the variable), by the controlling process only."""
    if not hasattr(config, "workerinput"):
        os.environ[RUN_DIR_VAR] = tempfile.mkdtemp(prefix="nn-course-builds-")


def pytest_unconfigure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):
        shutil.rmtree(os.environ.pop(RUN_DIR_VAR, ""), ignore_errors=True)
