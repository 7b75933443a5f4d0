"""Each assignment built once per test run, from the current sources, outside the checkout.

`built(NAME)` returns project paths whose outputs (`assignments/`, `dist/`) hold a build of NAME
made in this run: the first caller builds it (`build_assignment`, otter's own run of the tests
skipped: the suite grades the solution itself), every later caller, in any pytest-xdist worker,
reuses it. Nothing is written into the checkout, so `autograder verify`'s comparison of the
committed student variant with a fresh build stays a real one.

The builds live in the run's folder: `RUN_DIR_VAR`, made by tests/conftest.py before the workers
start and removed when the run ends; outside pytest (e.g. `python -m tests.mutants.report`), a
folder of this process's, removed at exit.
"""

from __future__ import annotations

import atexit
import fcntl
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from autograder.authoring.build import build_assignment
from autograder.config import load_config
from autograder.paths import ProjectPaths, project_paths

RUN_DIR_VAR = "NN_COURSE_TEST_BUILDS"
DONE_MARK = ".built"


class AssignmentMissing(LookupError):
    """solutions/NAME does not exist (yet)."""


def _run_dir() -> Path:
    if RUN_DIR_VAR not in os.environ:
        folder = tempfile.mkdtemp(prefix="nn-course-builds-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        os.environ[RUN_DIR_VAR] = folder
    return Path(os.environ[RUN_DIR_VAR])


def built(name: str, root: Path | None = None) -> ProjectPaths:
    """Paths of the project at `root` (default: this checkout) whose outputs hold this run's
    build of `name`; raises `AssignmentMissing` when solutions/NAME does not exist."""
    paths = project_paths(root)
    if not paths.master_dir(name).is_dir():
        raise AssignmentMissing(f"solutions/{name} does not exist yet")
    project = hashlib.sha256(str(paths.root).encode()).hexdigest()[:12]
    out = _run_dir() / project / name
    out.mkdir(parents=True, exist_ok=True)
    fresh = paths.with_outputs(out / "assignments", out / "dist")
    with open(out / ".lock", "w") as lock:  # one build at a time, across pytest-xdist workers
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / DONE_MARK).exists():
            course = load_config(paths.config_file)
            build_assignment(name, paths=fresh, course=course, run_tests=False)
            (out / DONE_MARK).touch()
    return fresh


def built_root(name: str) -> Path:
    """A project root for the `autograder` command (`--root`) whose dist/ is this run's build of
    `name`; everything else links to the checkout's own files."""
    paths = built(name)
    root = paths.dist.parent / "root"
    if not root.is_dir():
        root.mkdir()
        for entry in paths.root.iterdir():
            if entry.name not in {"dist", "assignments", ".git", ".venv"}:
                (root / entry.name).symlink_to(entry)
        (root / "dist").symlink_to(paths.dist)
        (root / "assignments").symlink_to(paths.assignments)
    return root
