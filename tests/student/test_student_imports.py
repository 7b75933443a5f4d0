"""Every module a handout imports (its cells, its public tests, the Colab setup cell and all of
nncheck) imports in the student environment, from an assignment's folder as a kernel would: a
package the notebooks need but the student file lacks fails here, whichever assignment needs it.
One Python for all the assignments (their nncheck/ folders are one build of the same package).
"""

from __future__ import annotations

import json
import subprocess

import pytest

from autograder.authoring.colab import COLAB_DIR
from autograder.config import load_config
from tests.notebook_imports import imported_modules, notebook_sources
from tests.student.student_env import ROOT, student_bin, student_environ

pytestmark = pytest.mark.slow

NAMES = list(load_config(ROOT / "grading.yml").assignments)
IMPORT_ALL = """
import importlib, json, pkgutil, sys
import nncheck
wanted = sys.argv[1:] + [m.name for m in pkgutil.walk_packages(nncheck.__path__, "nncheck.")]
failed = {}
for module in wanted:
    try:
        importlib.import_module(module)
    except Exception as err:
        failed[module] = f"{type(err).__name__}: {err}"
print(json.dumps(failed))
"""
"""Imports each module named on the command line and every nncheck module; prints the failures."""


def _handout_sources(name: str) -> list[str]:
    folder = ROOT / "assignments" / name
    return notebook_sources(folder / f"{name}.ipynb") + notebook_sources(
        folder / COLAB_DIR / f"{name}.ipynb"
    )


def test_the_student_environment_imports_everything_the_handouts_import():
    importers: dict[str, list[str]] = {}
    for name in NAMES:
        for module in set().union(*map(imported_modules, _handout_sources(name))):
            importers.setdefault(module, []).append(name)
    assert {"numpy", "otter", "torch"} <= set(importers), importers  # the sources were read
    result = subprocess.run(
        [str(student_bin("python")), "-c", IMPORT_ALL, *sorted(importers)],
        cwd=ROOT / "assignments" / NAMES[0],
        env=student_environ(),
        capture_output=True,
        text=True,
        check=True,
    )
    failed = json.loads(result.stdout.splitlines()[-1])
    assert not failed, (
        "the student environment cannot import what the handouts import: "
        + "; ".join(
            f"{module} ({importers.get(module, ['nncheck'])}): {why}"
            for module, why in failed.items()
        )
        + ". Give its package to the student role (ROLES in autograder/authoring/requirements.py)"
    )
