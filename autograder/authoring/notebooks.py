"""Finish otter's output notebooks: the export cell, and reproducible cell ids.

otter adds cells (init, check cells) with nbformat's random cell ids, so two builds differ. Each
cell id becomes a hash of the cell's type and source (a numeric suffix separates identical cells),
which is stable across builds and unaffected by cells inserted elsewhere. otter's export cell
cells name the handout's notebook; ours use the notebook the student is working in
(`nncheck.notebook_in_use`), and the export cell says that the public checks are not the whole
grade.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import nbformat


def content_cell_ids(notebook: nbformat.NotebookNode) -> None:
    """Replace every cell id of `notebook` in place by a hash of the cell's type and source."""
    seen: dict[str, int] = {}
    for cell in notebook.cells:
        digest = hashlib.sha256(f"{cell.cell_type}\n{cell.source}".encode()).hexdigest()[:16]
        seen[digest] = seen.get(digest, 0) + 1
        cell.id = digest if seen[digest] == 1 else f"{digest}-{seen[digest]}"


CHECK_CALL = re.compile(r"""grader\.check\(\s*["'](\w+)["']\s*\)""")
"""A check cell's call; group 1 is the question."""
EXPORT_CALL = re.compile(r"^grader\.export\((?P<args>.*)\)\s*$", re.MULTILINE)
_INIT_CALL = re.compile(
    r"^grader = otter\.Notebook\((?P<name>\"[^\"]+\.ipynb\")\)\s*$", re.MULTILINE
)


def use_the_notebook_in_use(notebook: nbformat.NotebookNode, name: str) -> None:
    """otter's init cell reads the tests from the notebook in use (a renamed copy works), and
    every `grader.export(...)` cell exports it, then prints the note on hidden tests."""
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        init = _INIT_CALL.search(cell.source)
        if init is not None:
            call = f"grader = otter.Notebook(notebook_in_use({init['name']}, exporting=False))"
            cell.source = cell.source.replace(
                init[0].rstrip(), f"from nncheck import notebook_in_use\n{call}"
            )
        match = EXPORT_CALL.search(cell.source)
        if match is None:
            continue
        args = match["args"].strip()
        call = f'grader.export(notebook_in_use("{name}.ipynb"){", " + args if args else ""})'
        comments = [line for line in cell.source.splitlines() if line.startswith("#")]
        cell.source = "\n".join(
            [
                *comments,
                "from nncheck import HIDDEN_TESTS_NOTE, notebook_in_use",
                "",
                call,
                "print(HIDDEN_TESTS_NOTE)",
            ]
        )


def normalize_notebook(path: Path, name: str, in_use: bool = True) -> None:
    """Rewrite the assignment `name`'s notebook at `path`: our init and export cells when the
    assignment ships nncheck's `notebook_in_use` (`in_use`), content-derived cell ids
    (nbformat's stable JSON)."""
    notebook = nbformat.read(path, as_version=4)
    if in_use:
        use_the_notebook_in_use(notebook, name)
    content_cell_ids(notebook)
    nbformat.validate(notebook)
    nbformat.write(notebook, path)
