"""The grading image's requirements: our pins for the packages grading imports, and their needs.

Starting from `GRADING_PACKAGES`, follow each installed distribution's declared dependencies
(markers evaluated for the grading image's Python), and take every package's pin from the project's
requirements.txt. otter-grader itself is added by otter (`otter-grader[grading,plugins]==7.0.0`);
the grading engine the zip runs (see gradescope_zip) needs nothing beyond otter's own dependencies
(nbformat, IPython, PyYAML).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, requires
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from autograder.errors import AutograderError

GRADING_PACKAGES = ("numpy", "torch", "scikit-learn", "matplotlib", "scipy")
# Installed with pip itself in the grading environment: needed but never pinned by us.
PROVIDED_BY_ENVIRONMENT = frozenset({"pip", "setuptools", "wheel"})
# torch's default PyPI wheel for Linux is the multi-GB CUDA build; prefer the CPU wheels.
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


def _dependencies(package: str, environment: dict[str, str]) -> list[str]:
    """Canonical names `package` needs in `environment` (extras-only requirements skipped)."""
    try:
        declared = requires(package) or []
    except PackageNotFoundError as err:
        raise RequirementsError(f"{package} is not installed (dependencies unknown)") from err
    needed = []
    for line in declared:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate({**environment, "extra": ""}):
            needed.append(canonicalize_name(requirement.name))
    return needed


def grading_requirements(pins_file: Path, python_version: str) -> list[str]:
    """Pinned requirement lines for the grading image, sorted, plus the torch CPU index line.

    Raises `RequirementsError` naming the package if something grading needs is not pinned.
    """
    pins = read_pins(pins_file)
    environment = {
        **default_environment(),
        "python_version": python_version,
        "python_full_version": f"{python_version}.0",
    }
    needed: dict[str, str] = {}  # canonical name -> who needs it
    todo = [(canonicalize_name(p), "grading") for p in GRADING_PACKAGES]
    while todo:
        name, parent = todo.pop()
        if name in needed or name in PROVIDED_BY_ENVIRONMENT:
            continue
        if name not in pins:
            raise RequirementsError(f"{pins_file}: {name} (needed by {parent}) is not pinned")
        needed[name] = parent
        todo.extend((dep, name) for dep in _dependencies(name, environment))
    return [TORCH_CPU_INDEX, *(pins[name] for name in sorted(needed))]
