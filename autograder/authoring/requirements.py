"""Requirements by role, all taken from the one lock (requirements.txt) and its installed metadata.

A role names the packages it imports (`ROLES`); its requirements are those packages and
everything they declare (markers evaluated for the course's Python, requested extras followed),
each pinned as in requirements.txt, so two roles always agree on every package they share. The
lock itself is the developer's environment (what `make test` installs); every pin in it must be
needed by some role (`unexplained_pins`). The grading image (Gradescope) gets the `grading` role;
otter-grader is added to it by otter itself (`otter-grader[grading,plugins]==7.0.0`).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, requires
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from autograder.errors import AutograderError

# what the notebooks import (03 imports threadpoolctl itself, not only through scikit-learn)
NOTEBOOK_PACKAGES = ("numpy", "torch", "scikit-learn", "matplotlib", "threadpoolctl")
GRADING_PACKAGES = (*NOTEBOOK_PACKAGES, "scipy")
_INSTRUCTOR = (*GRADING_PACKAGES, "otter-grader", "pyyaml", "nbformat", "packaging", "jinja2")
ROLES: dict[str, tuple[str, ...]] = {
    # a student's notebook: the assignments' imports, otter's checks, and JupyterLab
    "student": (*NOTEBOOK_PACKAGES, "otter-grader", "jupyterlab"),
    # the grading image (Gradescope), and what the autograder zip's engine imports
    "grading": GRADING_PACKAGES,
    # an instructor's machine: build, verify, grade, reports
    "grader": _INSTRUCTOR,
    # `autograder grade --scheduler`: the grader's packages and Dask on every worker
    "cluster": (*_INSTRUCTOR, "dask", "distributed"),
}
DEV_TOOLS = ("pytest", "pytest-xdist", "ruff", "playwright")
"""What only the developer's environment (the whole lock) adds: tests, lint, the browser."""
# Installed with pip itself in every environment: needed but never pinned by us.
PROVIDED_BY_ENVIRONMENT = frozenset({"pip", "setuptools", "wheel"})
# torch's default PyPI wheel for Linux is the multi-GB CUDA build: its CPU index offers the same
# version as `2.13.0+cpu`, which pip prefers (a local version sorts above the plain one).
TORCH_CPU_INDEX = "--extra-index-url https://download.pytorch.org/whl/cpu"


class RequirementsError(AutograderError, ValueError):
    """requirements.txt is unreadable or lacks a pin that grading needs."""


def read_pins(path: Path) -> dict[str, str]:
    """Return canonical name -> pin line (`name==version`) for each requirement in `path`."""
    pins: dict[str, str] = {}
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        try:
            requirement = Requirement(text)
        except InvalidRequirement as err:
            raise RequirementsError(f"{path}:{number}: {err}") from err
        pins[canonicalize_name(requirement.name)] = text
    return pins


def _dependencies(
    package: str, extras: frozenset[str], environment: dict[str, str]
) -> list[tuple[str, frozenset[str]]]:
    """(canonical name, extras) that `package` installed with `extras` needs in `environment`."""
    try:
        declared = requires(package) or []
    except PackageNotFoundError as err:
        raise RequirementsError(f"{package} is not installed (dependencies unknown)") from err
    needed = []
    for line in declared:
        requirement = Requirement(line)
        marker = requirement.marker
        if marker is None or any(
            marker.evaluate({**environment, "extra": extra}) for extra in ("", *extras)
        ):
            needed.append((canonicalize_name(requirement.name), frozenset(requirement.extras)))
    return needed


def _environment(python_version: str) -> dict[str, str]:
    return {
        **default_environment(),
        "python_version": python_version,
        "python_full_version": f"{python_version}.0",
    }


def _closure(
    roots: tuple[str, ...], pins: dict[str, str], python_version: str, pins_file: Path
) -> list[str]:
    """Canonical names of `roots` and all they need, sorted; each must be pinned."""
    environment = _environment(python_version)
    needed: dict[str, frozenset[str]] = {}  # canonical name -> extras followed so far
    todo = [(canonicalize_name(p), frozenset(), "the role") for p in roots]
    while todo:
        name, extras, parent = todo.pop()
        known = needed.get(name)
        if name in PROVIDED_BY_ENVIRONMENT or (known is not None and extras <= known):
            continue
        if name not in pins:
            raise RequirementsError(f"{pins_file}: {name} (needed by {parent}) is not pinned")
        needed[name] = (known or frozenset()) | extras
        todo.extend((dep, more, name) for dep, more in _dependencies(name, extras, environment))
    return sorted(needed)


def role_requirements(role: str, pins_file: Path, python_version: str) -> list[str]:
    """Pinned requirement lines of `role`, sorted, after the torch CPU index line.

    Raises `RequirementsError` naming the package if something the role needs is not pinned.
    """
    pins = read_pins(pins_file)
    return [
        TORCH_CPU_INDEX,
        *(pins[n] for n in _closure(ROLES[role], pins, python_version, pins_file)),
    ]


def grading_requirements(pins_file: Path, python_version: str) -> list[str]:
    """The grading image's requirements (role `grading`)."""
    return role_requirements("grading", pins_file, python_version)


ROLE_FILES = ("student", "grader", "cluster")
"""The roles with a committed file (`grading` goes into each autograder zip instead)."""
_HEADERS = {
    "student": "The student environment: pip install -r requirements.txt (from this folder)",
    "grader": "An instructor's machine (build, grade): pip install -r requirements/grader.txt",
    "cluster": "A Dask worker or scheduler: pip install -r requirements/cluster.txt",
}


def role_file_text(role: str, pins_file: Path, python_version: str) -> str:
    """The committed requirements file of `role` (see `ProjectPaths.role_requirements`)."""
    lines = [
        f"# {_HEADERS[role]}",
        "# Written by `autograder build` from the project's requirements.txt; do not edit.",
        "# The index line gives torch's CPU build on Linux (PyPI's default wheel is the CUDA one).",
        *role_requirements(role, pins_file, python_version),
    ]
    return "\n".join(lines) + "\n"


def unexplained_pins(pins_file: Path, python_version: str) -> list[str]:
    """Pins of the lock that no role and no developer tool needs."""
    pins = read_pins(pins_file)
    roots = (*(p for packages in ROLES.values() for p in packages), *DEV_TOOLS)
    return sorted(set(pins) - set(_closure(roots, pins, python_version, pins_file)))
