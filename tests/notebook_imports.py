"""What a handout imports: the module names in its notebooks' code cells and public tests.

Shared by the check of the student role against the lock (tests/autograder) and the imports run
in the student environment itself (tests/student).
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
from IPython.core.inputtransformer2 import TransformerManager


def imported_modules(source: str) -> set[str]:
    """The absolute module names (dotted, e.g. `sklearn.datasets`) that the cell or file
    `source` imports; IPython syntax (`%matplotlib inline`, `!pip`) is understood."""
    tree = ast.parse(TransformerManager().transform_cell(source))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def notebook_sources(path: Path) -> list[str]:
    """The code cells of the notebook at `path`, then the public tests otter keeps in its
    metadata (none in a notebook without them)."""
    notebook = nbformat.read(path, as_version=4)
    tests = notebook.metadata.get("otter", {}).get("tests", {})
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"] + list(
        tests.values()
    )
