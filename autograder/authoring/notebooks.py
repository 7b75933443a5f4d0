"""Make otter's output notebooks reproducible.

otter adds cells (init, check cells) with nbformat's random cell ids, so two builds differ. Each
cell id becomes a hash of the cell's type and source (a numeric suffix separates identical cells),
which is stable across builds and unaffected by cells inserted elsewhere.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import nbformat


def content_cell_ids(notebook: nbformat.NotebookNode) -> None:
    """Replace every cell id of `notebook` in place by a hash of the cell's type and source."""
    seen: dict[str, int] = {}
    for cell in notebook.cells:
        digest = hashlib.sha256(f"{cell.cell_type}\n{cell.source}".encode()).hexdigest()[:16]
        seen[digest] = seen.get(digest, 0) + 1
        cell.id = digest if seen[digest] == 1 else f"{digest}-{seen[digest]}"


def normalize_notebook(path: Path) -> None:
    """Rewrite the notebook at `path` with content-derived cell ids (nbformat's stable JSON)."""
    notebook = nbformat.read(path, as_version=4)
    content_cell_ids(notebook)
    nbformat.validate(notebook)
    nbformat.write(notebook, path)
