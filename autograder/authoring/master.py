"""Read an otter-assign v1 master notebook and rewrite its config cells.

The block structure is recognised with otter's own helpers (`otter.assign.blocks`), so "what is a
solution cell / a test cell / a hidden test" means exactly what it means to `otter assign`.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import yaml
from otter.assign.blocks import (
    BlockType,
    get_cell_config,
    is_assignment_config_cell,
    is_block_boundary_cell,
)
from otter.assign.tests_manager import BEGIN_TEST_CONFIG_REGEX, END_TEST_CONFIG_REGEX
from otter.assign.utils import is_ignore_cell
from otter.utils import get_source

from autograder.errors import AutograderError

ASSIGNMENT_CONFIG_HEADER = "# ASSIGNMENT CONFIG"
QUESTION_HEADER = "# BEGIN QUESTION"


class MasterError(AutograderError, ValueError):
    """The master notebook is malformed or disagrees with grading.yml."""


@dataclass(frozen=True)
class TestCell:
    """One test cell of a question: its index in the master, hidden flag, config and body lines."""

    index: int
    hidden: bool
    config: dict[str, Any]
    body: list[str]


@dataclass
class Question:
    """A `# BEGIN QUESTION` ... `# END QUESTION` block of the master."""

    name: str
    config_index: int
    config: dict[str, Any]
    solution_cells: list[int] = field(default_factory=list)
    tests: list[TestCell] = field(default_factory=list)


@dataclass
class Master:
    """A parsed master: the notebook, its assignment config and its questions in order.

    `visible_cells` are the cells a student receives as written (outside solution and test blocks,
    not config or ignored cells).
    """

    path: Path
    notebook: nbformat.NotebookNode
    config: dict[str, Any]
    config_index: int
    questions: dict[str, Question]
    visible_cells: list[int]

    def source(self, index: int) -> list[str]:
        """The source lines of cell `index`."""
        return get_source(self.notebook.cells[index])


def _parse_test(index: int, cell: nbformat.NotebookNode) -> TestCell:
    """Split a test cell into config and body the way otter's AssignmentTestsManager does."""
    source = get_source(cell)
    hidden = source[0].lstrip().startswith("#") and bool(
        re.search(r"\bhidden\b", source[0], flags=re.IGNORECASE)
    )
    body_start = 1 if hidden else 0
    config: dict[str, Any] = {}
    if re.match(BEGIN_TEST_CONFIG_REGEX, source[0], flags=re.IGNORECASE):
        end = next(
            (i for i, line in enumerate(source) if re.match(END_TEST_CONFIG_REGEX, line, re.I)),
            len(source) - 1,
        )
        config = yaml.safe_load("\n".join(source[1:end])) or {}
        body_start = end + 1
    return TestCell(index, bool(config.get("hidden", hidden)), config, source[body_start:])


def _boundary(cell: nbformat.NotebookNode, *, end: bool) -> BlockType | None:
    return next((b for b in BlockType if is_block_boundary_cell(cell, b, end=end)), None)


def parse_master(path: Path) -> Master:
    """Read the master notebook at `path` and index its config, questions, solutions and tests."""
    path = Path(path)
    if not path.is_file():
        raise MasterError(f"{path}: master notebook not found")
    notebook = nbformat.read(path, as_version=4)
    config, config_index = None, -1
    questions: dict[str, Question] = {}
    visible: list[int] = []
    stack: list[BlockType] = []
    question: Question | None = None
    for i, cell in enumerate(notebook.cells):
        where = f"{path.name}, cell {i + 1}"
        if is_ignore_cell(cell):
            continue
        if is_assignment_config_cell(cell):
            if config is not None:
                raise MasterError(f"{where}: a second ASSIGNMENT CONFIG cell")
            config, config_index = get_cell_config(cell), i
            continue
        begin, end = _boundary(cell, end=False), _boundary(cell, end=True)
        if begin is BlockType.QUESTION:
            qconfig = get_cell_config(cell)
            if not isinstance(qconfig, dict) or "name" not in qconfig:
                raise MasterError(f"{where}: BEGIN QUESTION needs a YAML mapping with a name")
            if qconfig["name"] in questions:
                raise MasterError(f"{where}: question {qconfig['name']!r} defined twice")
            question = Question(str(qconfig["name"]), i, qconfig)
            questions[question.name] = question
        if begin is not None:
            if question is None:
                raise MasterError(f"{where}: BEGIN {begin.value.upper()} outside a question")
            stack.append(begin)
        elif end is not None:
            if not stack or stack[-1] is not end:
                raise MasterError(f"{where}: END {end.value.upper()} without a matching BEGIN")
            stack.pop()
            question = question if stack else None
        elif stack and stack[-1] is BlockType.SOLUTION:
            question.solution_cells.append(i)
        elif stack and stack[-1] is BlockType.TESTS:
            question.tests.append(_parse_test(i, cell))
        else:
            visible.append(i)
    if stack:
        raise MasterError(f"{path.name}: BEGIN {stack[-1].value.upper()} is never ended")
    if not isinstance(config, dict):
        raise MasterError(f"{path.name}: no '# ASSIGNMENT CONFIG' raw cell with a YAML mapping")
    return Master(path, notebook, config, config_index, questions, visible)


def _config_cell(header: str, config: dict[str, Any], like: nbformat.NotebookNode):
    """A raw cell `header` + YAML `config`, keeping the id/metadata of the cell it replaces."""
    cell = nbformat.v4.new_raw_cell(
        header + "\n" + yaml.safe_dump(config, sort_keys=False, default_flow_style=False).rstrip()
    )
    cell.metadata = copy.deepcopy(like.get("metadata", {}))
    if "id" in like:
        cell.id = like.id
    return cell


def check_points_free(master: Master) -> None:
    """Raise `MasterError` if a question or test sets points (grading.yml is the only source).

    A test may say `points: 0` (e.g. a public smoke test): otter then shares the question's points
    among the other tests, so grading.yml's total still holds.
    """
    for q in master.questions.values():
        if "points" in q.config:
            raise MasterError(
                f"{master.path.name}: question {q.name!r} sets points: {q.config['points']!r}; "
                "remove it, points come from grading.yml"
            )
        for test in q.tests:
            if test.config.get("points", 0) != 0:
                raise MasterError(
                    f"{master.path.name}: a test of question {q.name!r} (cell {test.index + 1}) "
                    f"sets points: {test.config['points']!r}; remove it, points come from "
                    "grading.yml (only `points: 0`, a test worth nothing, is allowed)"
                )


def with_points(master: Master, points: dict[str, float], source: str) -> nbformat.NotebookNode:
    """Return a copy of the master notebook with each question's points inserted.

    `points` maps question name -> points (from `source`, i.e. grading.yml). The question names of
    the master and of `points` must agree exactly, and the master must not set points itself.
    """
    check_points_free(master)
    missing = [q for q in master.questions if q not in points]
    extra = [q for q in points if q not in master.questions]
    problems = [f"in the master but not in {source}: {missing}"] if missing else []
    problems += [f"in {source} but not in the master: {extra}"] if extra else []
    if problems:
        raise MasterError(
            f"{master.path.name} and {source} disagree on the questions: " + "; ".join(problems)
        )
    notebook = copy.deepcopy(master.notebook)
    for q in master.questions.values():
        value = points[q.name]
        config = {**q.config, "points": int(value) if float(value).is_integer() else value}
        notebook.cells[q.config_index] = _config_cell(
            QUESTION_HEADER, config, master.notebook.cells[q.config_index]
        )
    return notebook


def with_assignment_config(
    master: Master, notebook: nbformat.NotebookNode, config: dict[str, Any]
) -> nbformat.NotebookNode:
    """Return a copy of `notebook` (a version of `master`) with its ASSIGNMENT CONFIG replaced."""
    notebook = copy.deepcopy(notebook)
    notebook.cells[master.config_index] = _config_cell(
        ASSIGNMENT_CONFIG_HEADER, config, master.notebook.cells[master.config_index]
    )
    return notebook
