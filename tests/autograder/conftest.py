"""Fixtures for the autograder tests: a private copy of the tiny course project in data/project."""

import shutil
from pathlib import Path

import pytest

from autograder.config import CourseConfig, load_config
from autograder.paths import ProjectPaths, project_paths

DATA = Path(__file__).parent / "data"
CHECKOUT = Path(__file__).resolve().parents[2]


@pytest.fixture
def tiny_paths(tmp_path: Path) -> ProjectPaths:
    """A writable copy of the tiny project (grading.yml, solutions/tiny, tinyref, nncheck stand-in)
    with the checkout's pinned requirements.txt."""
    root = tmp_path / "project"
    shutil.copytree(DATA / "project", root, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(CHECKOUT / "requirements.txt", root / "requirements.txt")
    return project_paths(root)


@pytest.fixture
def tiny_course(tiny_paths: ProjectPaths) -> CourseConfig:
    """The tiny project's grading.yml, loaded."""
    return load_config(tiny_paths.config_file)
