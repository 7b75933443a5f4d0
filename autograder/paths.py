"""Where the course kit lives: project root, solutions/, assignments/, dist/ and friends.

The root is, in order: the `root` argument, the `AUTOGRADER_ROOT` environment variable, or the
folder holding the `autograder` package (the checkout, installed editable). Tests point the tooling
at a small project of their own by passing `root` (or setting the variable).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from autograder import PACKAGE_PARENT
from autograder.errors import AutograderError

ROOT_ENV_VAR = "AUTOGRADER_ROOT"
CONFIG_FILENAME = "grading.yml"


class ProjectNotFound(AutograderError, FileNotFoundError):
    """No grading.yml where the project root should be."""


@dataclass(frozen=True)
class ProjectPaths:
    """Locations used by build and verify.

    `root` holds grading.yml, requirements.txt and the packages listed in a master's `files` /
    `autograder_files` (nncheck, nnref). `assignments` and `dist` are outputs; verify swaps them for
    temporary folders to build a fresh copy without touching the committed one.
    """

    root: Path
    solutions: Path
    assignments: Path
    dist: Path

    @property
    def config_file(self) -> Path:
        """grading.yml."""
        return self.root / CONFIG_FILENAME

    @property
    def requirements_file(self) -> Path:
        """The project's pinned requirements.txt."""
        return self.root / "requirements.txt"

    def role_requirements(self, role: str) -> Path:
        """Where a role's requirements are written: the student's beside the assignments
        (what students receive), the others in requirements/."""
        if role == "student":
            return self.assignments / "requirements.txt"
        return self.root / "requirements" / f"{role}.txt"

    def master_dir(self, name: str) -> Path:
        """solutions/NAME/: the master notebook, fixtures.py and any data files."""
        return self.solutions / name

    def master_notebook(self, name: str) -> Path:
        """solutions/NAME/NAME.ipynb: the otter-assign master."""
        return self.master_dir(name) / f"{name}.ipynb"

    def student_dir(self, name: str) -> Path:
        """assignments/NAME/: the student variant."""
        return self.assignments / name

    def dist_dir(self, name: str) -> Path:
        """dist/NAME/: autograder zip and solution notebook."""
        return self.dist / name

    def autograder_zip(self, name: str) -> Path:
        """dist/NAME/NAME-autograder.zip: the Gradescope autograder."""
        return self.dist_dir(name) / f"{name}-autograder.zip"

    def solution_notebook(self, name: str) -> Path:
        """dist/NAME/solution/NAME.ipynb: the solution (autograder) variant."""
        return self.dist_dir(name) / "solution" / f"{name}.ipynb"

    def with_outputs(self, assignments: Path, dist: Path) -> ProjectPaths:
        """The same project with its outputs redirected (e.g. into a temporary folder)."""
        return ProjectPaths(self.root, self.solutions, Path(assignments), Path(dist))


def project_paths(root: Path | str | None = None) -> ProjectPaths:
    """Return the project's locations, rooted at `root`, $AUTOGRADER_ROOT or the checkout."""
    if root is None:
        root = os.environ.get(ROOT_ENV_VAR) or PACKAGE_PARENT
    root = Path(root).resolve()
    if not (root / CONFIG_FILENAME).is_file():
        raise ProjectNotFound(
            f"no {CONFIG_FILENAME} in {root}: pass the project root or set {ROOT_ENV_VAR}"
        )
    return ProjectPaths(root, root / "solutions", root / "assignments", root / "dist")
