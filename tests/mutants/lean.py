"""The solution notebook's code cells that the tests need, for grading many mutants cheaply.

Tests reach the notebook through their parameters (otter passes the names) and through
`env["name"]`. A cell is kept when it defines a name that is needed; the names a kept cell uses
become needed in turn (imports, helpers, data), until nothing changes. Demonstrations, plots and
experiments whose results no test reads are left out: they run before any mutant is put in
place, so they cannot change a mutant's verdict, only the cost of grading it. The test suite
checks the result: the lean baseline still scores full marks, in one process and through
`autograder grade`.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat

GRADER_CELL = re.compile(r"^\s*(import otter\b|from otter\b|grader\s*=|grader\.)", re.MULTILINE)
"""Cells that set up or call otter's student-side grader: not needed to grade."""


def _env_key(node: ast.AST) -> str | None:
    """ "name" in `env["name"]`, `env.get("name")` or `"name" in env`, else None."""

    def is_env(value: ast.AST) -> bool:
        return isinstance(value, ast.Name) and value.id == "env"

    key = None
    if isinstance(node, ast.Subscript) and is_env(node.value):
        key = node.slice
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
        key = node.args[0] if is_env(node.func.value) else None
    elif isinstance(node, ast.Compare) and any(is_env(c) for c in node.comparators):
        key = node.left
    if isinstance(key, ast.Constant) and isinstance(key.value, str):
        return key.value
    return None


def names_the_tests_use(test_files: list[Path]) -> set[str]:
    """Parameters of the test functions, and the names tests look up in `env`."""
    names: set[str] = set()
    for path in test_files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
                names |= {arg.arg for arg in node.args.args}
            elif (key := _env_key(node)) is not None:
                names.add(key)
    return names - {"env"}


def _names(tree: ast.AST) -> tuple[set[str], set[str]]:
    """(names stored, names loaded) anywhere in `tree`."""
    stored, loaded = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (stored if isinstance(node.ctx, ast.Store) else loaded).add(node.id)
        elif isinstance(node, ast.arg):
            stored.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            stored.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            stored |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    return stored, loaded


def _defined_and_used(source: str) -> tuple[set[str], set[str]]:
    """Global names a cell defines, and the global names it reads (a function's own locals and
    parameters are not global)."""
    code = "\n".join(
        line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))
    )
    defined: set[str] = set()
    used: set[str] = set()
    for statement in ast.parse(code).body:
        if isinstance(statement, (ast.FunctionDef, ast.ClassDef)):
            local, loaded = _names(statement)
            defined.add(statement.name)
            used |= loaded - (local - {statement.name})
        else:
            stored, loaded = _names(statement)
            defined |= stored
            used |= loaded
    return defined, used


def lean_cells(notebook: nbformat.NotebookNode, test_files: list[Path]) -> list[int]:
    """Indexes of the code cells the tests need (grader cells excluded), in notebook order."""
    cells = {
        index: _defined_and_used(cell.source)
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and not GRADER_CELL.search(cell.source)
    }
    needed = names_the_tests_use(test_files)
    kept: set[int] = set()
    while True:
        more = {i for i, (defined, _) in cells.items() if i not in kept and defined & needed}
        if not more:
            return sorted(kept)
        kept |= more
        for index in more:
            needed |= cells[index][1]


def lean_notebook(notebook: nbformat.NotebookNode, test_files: list[Path]) -> nbformat.NotebookNode:
    """A copy of `notebook` without the code cells the tests do not need (markdown kept)."""
    keep = set(lean_cells(notebook, test_files))
    lean = nbformat.v4.new_notebook(metadata=notebook.metadata)
    lean.cells = [
        cell
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type != "code" or index in keep or GRADER_CELL.search(cell.source)
    ]
    return lean
