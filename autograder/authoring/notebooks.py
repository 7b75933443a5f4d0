"""Finish otter's output notebooks: the export cell, and reproducible cell ids.

otter adds cells (init, check cells) with nbformat's random cell ids, so two builds differ. Each
cell id becomes a hash of the cell's type and source (a numeric suffix separates identical cells),
which is stable across builds and unaffected by cells inserted elsewhere. otter's export cell
names the handout's notebook; ours exports the notebook the student is working in
(`nncheck.notebook_in_use`) and says that the public checks are not the whole grade.
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


_EXPORT_CALL = re.compile(r"^grader\.export\((?P<args>.*)\)\s*$", re.MULTILINE)


def export_the_notebook_in_use(notebook: nbformat.NotebookNode, name: str) -> None:
    """Make every `grader.export(...)` cell export the notebook in use, then print the note."""
    for cell in notebook.cells:
        match = _EXPORT_CALL.search(cell.source) if cell.cell_type == "code" else None
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


def normalize_notebook(path: Path, name: str) -> None:
    """Rewrite the assignment `name`'s notebook at `path`: our export cell, content-derived
    cell ids (nbformat's stable JSON)."""
    notebook = nbformat.read(path, as_version=4)
    export_the_notebook_in_use(notebook, name)
    content_cell_ids(notebook)
    nbformat.validate(notebook)
    nbformat.write(notebook, path)
