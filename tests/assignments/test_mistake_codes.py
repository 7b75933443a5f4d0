"""The masters name mistakes the way nncheck.mistakes says (docs/mistake-codes.md): no
`mistakes` table written as a dict literal gives one code twice (Python would keep only the
last entry, silently), and every literal code is a valid code."""

from __future__ import annotations

import ast

import nbformat
import pytest

from autograder.paths import project_paths
from nncheck.mistakes import CODE

PATHS = project_paths()
MASTERS = sorted(PATHS.root.glob("solutions/*/*.ipynb"))


def _tables(source: str) -> list[ast.Dict]:
    """The dict literals passed as `mistakes=` in one cell."""
    return [
        keyword.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        for keyword in node.keywords
        if keyword.arg == "mistakes" and isinstance(keyword.value, ast.Dict)
    ]


@pytest.mark.parametrize("master", MASTERS, ids=[m.parent.name for m in MASTERS])
def test_mistakes_tables_name_each_code_once(master) -> None:
    notebook = nbformat.read(master, as_version=4)
    problems = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code" or "mistakes=" not in cell.source:
            continue
        for table in _tables(cell.source):
            codes = [k.value for k in table.keys if isinstance(k, ast.Constant)]
            problems += [
                f"cell {index}: code {code!r} " + ("twice" if codes.count(code) > 1 else "invalid")
                for code in dict.fromkeys(codes)
                if codes.count(code) > 1 or not CODE.fullmatch(str(code))
            ]
    assert not problems, problems
