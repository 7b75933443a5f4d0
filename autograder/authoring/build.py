"""Build one assignment: stage the master, run `otter assign`, publish the outputs.

Staging (a temporary folder) holds the master with grading.yml's points and the build's config
keys inserted, fixtures.npz from fixtures.py (the committed file's bytes if its arrays are equal up
to rounding: a build on another CPU leaves it unchanged), the other files of solutions/NAME/,
copies of the packages the master lists in `files`/`autograder_files` (nncheck gets tolerances.json
from grading.yml) and requirements.txt for the grading image. Outputs:
  assignments/NAME/                    the student variant (cleared first)
  dist/NAME/NAME-autograder.zip        the Gradescope autograder (reproducible zip), rewritten by
                                       gradescope_zip to grade with the engine of `autograder grade`
  dist/NAME/solution/NAME.ipynb        the solution variant, beside the files it needs to run
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from autograder.authoring.colab import COLAB_DIR, colab_variant
from autograder.authoring.fixtures import make_fixtures, write_npz
from autograder.authoring.gradescope_zip import GradescopeZipError, use_engine
from autograder.authoring.master import Master, parse_master, with_assignment_config, with_points
from autograder.authoring.notebooks import content_cell_ids, normalize_notebook
from autograder.authoring.otter_cli import OtterError, run_otter
from autograder.authoring.requirements import grading_requirements, read_pins
from autograder.config import CourseConfig, load_config
from autograder.errors import AutograderError
from autograder.grading.bundle import Settings
from autograder.paths import ProjectPaths, project_paths

CHECK_PACKAGE = "nncheck"  # gets tolerances.json in the staged copy
FIXTURES_SCRIPT = "fixtures.py"
FIXTURES_FILE = "fixtures.npz"
REQUIREMENTS_FILE = "requirements.txt"
_JUNK = ("__pycache__", "*.pyc", ".ipynb_checkpoints")
_NOT_STAGED = shutil.ignore_patterns(*_JUNK)
_SHOW_HIDDEN = {"never": False, "after_published": True}


class BuildError(AutograderError, RuntimeError):
    """The assignment cannot be built; the message names the notebook and the cause."""


@dataclass(frozen=True)
class BuildResult:
    """Where one build wrote its outputs, otter's log, and how long it took."""

    name: str
    student_dir: Path
    autograder_zip: Path
    solution_notebook: Path
    otter_output: str
    seconds: float


def _set_owned(config: dict[str, Any], key: str, value: Any, where: str) -> None:
    """Set a key the build owns; a master that sets it to something else is an error."""
    if key in config and str(config[key]) != str(value):
        raise BuildError(
            f"{where}: {key} is {config[key]!r} but the build sets {value!r} "
            "(from grading.yml / the folder name); remove it from the master"
        )
    config[key] = value


def _assignment_config(master: Master, name: str, course: CourseConfig) -> dict[str, Any]:
    """The master's ASSIGNMENT CONFIG with the keys the build owns set from grading.yml."""
    hidden_output = course.feedback.hidden_test_output
    if hidden_output not in _SHOW_HIDDEN:
        raise BuildError(
            f"{course.source.name}: feedback.hidden_test_output: {hidden_output!r} is not "
            f"supported by otter-grader 7 (choose one of {sorted(_SHOW_HIDDEN)})"
        )
    where = f"{master.path.name}: ASSIGNMENT CONFIG"
    config = dict(master.config)
    _set_owned(config, "name", name, where)
    _set_owned(config, "python_version", course.python_version, where)
    _set_owned(config, "requirements", REQUIREMENTS_FILE, where)
    generate = config.get("generate", True)
    if generate is False:
        raise BuildError(f"{where}: generate is false, but the build needs the autograder zip")
    config["generate"] = {} if generate is True else dict(generate)
    _set_owned(config["generate"], "show_hidden", _SHOW_HIDDEN[hidden_output], f"{where}: generate")
    return config


def _stage_listed_files(master: Master, stage: Path, root: Path) -> None:
    """Copy every `files`/`autograder_files` entry not already staged from the project root."""
    for entry in [*master.config.get("files", []), *master.config.get("autograder_files", [])]:
        target = stage / entry
        if target.exists():
            continue
        source = root / entry
        if source.is_dir():
            shutil.copytree(source, target, ignore=_NOT_STAGED)
        elif source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        else:
            raise BuildError(
                f"{master.path.name}: {entry!r} (listed in files/autograder_files) is neither in "
                f"{master.path.parent} nor in the project root {root}"
            )


def stage_assignment(name: str, stage: Path, paths: ProjectPaths, course: CourseConfig) -> Master:
    """Fill `stage` with everything `otter assign` needs; return the parsed (unstaged) master."""
    master = parse_master(paths.master_notebook(name))
    notebook = with_points(master, course.assignment(name).questions, course.source.name)
    notebook = with_assignment_config(master, notebook, _assignment_config(master, name, course))
    skip = shutil.ignore_patterns(*_JUNK, master.path.name, FIXTURES_SCRIPT)
    shutil.copytree(paths.master_dir(name), stage, ignore=skip)
    nbformat.write(notebook, stage / master.path.name)
    fixtures_script = paths.master_dir(name) / FIXTURES_SCRIPT
    if fixtures_script.is_file():
        fixtures = make_fixtures(fixtures_script, paths.root)
        previous = paths.student_dir(name) / FIXTURES_FILE
        write_npz(stage / FIXTURES_FILE, fixtures, previous=previous)
    _stage_listed_files(master, stage, paths.root)
    if (stage / CHECK_PACKAGE).is_dir():
        (stage / CHECK_PACKAGE / "tolerances.json").write_text(
            json.dumps(course.tolerances, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
    requirements = grading_requirements(paths.requirements_file, course.python_version)
    (stage / REQUIREMENTS_FILE).write_text("\n".join(requirements) + "\n", encoding="utf-8")
    return master


def _replace_dir(source: Path, target: Path) -> None:
    """Make `target` an exact copy of `source` (stale files cannot survive)."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=_NOT_STAGED)


def _publish(
    name: str, out: Path, paths: ProjectPaths, reference_only: list[str], settings: Settings
) -> None:
    """Copy otter's student and autograder outputs from `out` to assignments/ and dist/."""
    student, autograder = out / "student", out / "autograder"
    leaked = [entry for entry in reference_only if (student / entry).exists()]
    if leaked:
        raise BuildError(f"{name}: autograder-only files reached the student variant: {leaked}")
    otter_pin = read_pins(paths.requirements_file)["otter-grader"]
    helpers = [student / CHECK_PACKAGE / module for module in ("export.py", "environment.py")]
    in_use = otter_pin.split("==")[1] if all(path.is_file() for path in helpers) else None
    normalize_notebook(student / f"{name}.ipynb", name, in_use)
    normalize_notebook(autograder / f"{name}.ipynb", name, in_use)
    colab = colab_variant(student, name, otter_pin)
    content_cell_ids(colab)
    (student / COLAB_DIR).mkdir()
    nbformat.write(colab, student / COLAB_DIR / f"{name}.ipynb")
    zips = sorted(autograder.glob("*.zip"))
    if len(zips) != 1:
        raise BuildError(f"{name}: expected one autograder zip from otter, found {zips}")
    try:
        use_engine(zips[0], settings)
    except GradescopeZipError as err:
        raise BuildError(f"{name}: {err}") from err
    _replace_dir(student, paths.student_dir(name))
    if paths.dist_dir(name).exists():
        shutil.rmtree(paths.dist_dir(name))
    paths.dist_dir(name).mkdir(parents=True)
    shutil.move(zips[0], paths.autograder_zip(name))
    _replace_dir(autograder, paths.solution_notebook(name).parent)


def build_assignment(
    name: str,
    *,
    paths: ProjectPaths | None = None,
    course: CourseConfig | None = None,
    run_tests: bool = True,
) -> BuildResult:
    """Build assignment `name` from solutions/NAME/ into assignments/NAME/ and dist/NAME/.

    `run_tests` lets `otter assign` grade the solution variant (it fails unless all tests pass).
    Raises `BuildError` (or the `ConfigError`/`MasterError`/`FixturesError` behind it) with the
    notebook named; outputs are only replaced once otter has succeeded.
    """
    start = time.perf_counter()
    paths = paths or project_paths()
    course = course or load_config(paths.config_file)
    course.assignment(name)
    with tempfile.TemporaryDirectory(prefix=f"autograder-build-{name}-") as tmp:
        stage, out = Path(tmp) / "stage", Path(tmp) / "out"
        master = stage_assignment(name, stage, paths, course)
        args = ["assign", "-v", str(stage / master.path.name), str(out)]
        args += [] if run_tests else ["--no-run-tests"]
        try:
            output = run_otter(
                args, cwd=stage, cpu_seconds=course.otter_cpu_seconds, what=f"{master.path}"
            )
        except OtterError as err:
            raise BuildError(f"building {name}: {err}") from err
        assignment = course.assignment(name)
        settings = Settings(
            course.limits,
            tuple(assignment.questions),
            tuple(master.config.get("autograder_files", [])),
            assignment.tests_in_student_process,
        )
        _publish(name, out, paths, master.config.get("autograder_files", []), settings)
    return BuildResult(
        name=name,
        student_dir=paths.student_dir(name),
        autograder_zip=paths.autograder_zip(name),
        solution_notebook=paths.solution_notebook(name),
        otter_output=output,
        seconds=time.perf_counter() - start,
    )
