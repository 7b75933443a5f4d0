"""The student's environment for the student tests: `.venv-student`, made by the Makefile only
from assignments/requirements.txt, as README "For students" tells a student to make theirs.

The tests start the student's kernel and JupyterLab from it, as an activated environment would
(`student_environ`); what grades their work stays in the developer's `.venv`. A missing or stale
environment fails the test, saying how to make it: a test that quietly used the developer's
packages instead would prove nothing about the student file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager

ROOT = Path(__file__).resolve().parents[2]
STUDENT_ENV = ROOT / ".venv-student"
STUDENT_REQUIREMENTS = ROOT / "assignments" / "requirements.txt"
_STAMP = STUDENT_ENV / ".installed"
_KERNEL = "student-python3"


def student_bin(program: str) -> Path:
    """The path of `program` (e.g. `python`, `jupyter-lab`) in the student's environment;
    fails the test when the environment is missing or older than the student file."""
    make = "make .venv-student/.installed (make test does it)"
    if not _STAMP.is_file():
        pytest.fail(f"the student environment {STUDENT_ENV} is missing: {make}")
    if _STAMP.stat().st_mtime < STUDENT_REQUIREMENTS.stat().st_mtime:
        pytest.fail(f"{STUDENT_ENV} is older than {STUDENT_REQUIREMENTS}: {make}")
    path = STUDENT_ENV / "bin" / program
    if not path.is_file():
        pytest.fail(f"{path} is missing: the student file does not install {program}")
    return path


def student_environ() -> dict[str, str]:
    """This process's environment as `. .venv-student/bin/activate` leaves it: the student's
    bin/ first on PATH, no other virtual environment's, no PYTHONPATH or PYTHONHOME."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
    }
    others = os.environ.get("VIRTUAL_ENV")
    path = [
        entry
        for entry in environ.get("PATH", "").split(os.pathsep)
        if entry and not (others and Path(entry) == Path(others) / "bin")
    ]
    environ["PATH"] = os.pathsep.join([str(STUDENT_ENV / "bin"), *path])
    environ["VIRTUAL_ENV"] = str(STUDENT_ENV)
    return environ


def student_kernel(folder: Path) -> KernelManager:
    """A kernel manager for the student environment's Python (a kernel spec in `folder`)."""
    spec = folder / _KERNEL
    spec.mkdir(parents=True, exist_ok=True)
    argv = [str(student_bin("python")), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    spec.joinpath("kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "Python 3 (student)", "language": "python"})
    )
    specs = KernelSpecManager(kernel_dirs=[str(folder)])
    return KernelManager(kernel_name=_KERNEL, kernel_spec_manager=specs)
