"""Suite-wide settings: a headless plotting backend, one BLAS thread per process, and how the
slow tests share out over pytest-xdist workers (`make test`: `-n 2 --dist loadgroup`)."""

import os

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

# Tests that share an expensive fixture run on one worker, so it is built once: one graded
# attack batch per assignment, one mutant kernel per assignment, one built Gradescope zip.
# Every other test goes to whichever worker is free.
_GROUPED_BY_PARAMETER = {"test_attacks.py": "assignment", "test_mutants.py": "name"}
_GROUPED_BY_FILE = {"test_gradescope_zip.py"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        file = item.path.name
        params = getattr(getattr(item, "callspec", None), "params", {})
        if file in _GROUPED_BY_PARAMETER and _GROUPED_BY_PARAMETER[file] in params:
            group = f"{file}:{params[_GROUPED_BY_PARAMETER[file]]}"
        elif file in _GROUPED_BY_PARAMETER or file in _GROUPED_BY_FILE:
            group = file
        else:
            continue
        item.add_marker(pytest.mark.xdist_group(group))
