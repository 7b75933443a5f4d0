"""Finish otter's output notebooks: the export cell, and reproducible cell ids.

otter adds cells (init, check cells) with nbformat's random cell ids, so two builds differ. Each
cell id becomes a hash of the cell's type and source (a numeric suffix separates identical cells),
which is stable across builds and unaffected by cells inserted elsewhere. otter's init and export
cells name the handout's notebook; ours use the notebook the student is working in
(`nncheck.notebook_in_use`), and the export cell says that the public checks are not the whole
grade. Our init cell also says what to do when the kernel lacks a package (another Python than
the course environment's), when nncheck/ is not beside the notebook (it was moved out of its
folder), and when otter is older than the pin the assignment was built with
(`nncheck.require_otter`).
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
    r"^import otter\n+grader = otter\.Notebook\((?P<name>\"[^\"]+\.ipynb\")\)\s*$", re.MULTILINE
)
_INIT = """\
try:
    import otter
    from nncheck import notebook_in_use, require_otter
except ModuleNotFoundError as missing:  # say what to do instead
    raise ModuleNotFoundError(
        (
            "nncheck/ is not beside this notebook: keep the notebook in its assignment folder, "
            "next to nncheck/ and fixtures.npz, and open it from there"
            if missing.name == "nncheck"
            else f"this kernel's Python has no {{missing.name}}: choose the course environment's "
            "kernel (Kernel > Change Kernel) or install it: pip install -r requirements.txt"
        )
        + "; on Colab, run the Setup cell first"
    ) from None
require_otter("{version}")
grader = otter.Notebook(notebook_in_use({name}, exporting=False))"""


def use_the_notebook_in_use(notebook: nbformat.NotebookNode, name: str, otter_version: str) -> None:
    """otter's init cell reads the tests from the notebook in use (a renamed copy works), after
    checking the kernel has what it needs (otter `otter_version` or newer, nncheck beside the
    notebook); every `grader.export(...)` cell exports the notebook in use, then prints the note
    on hidden tests."""
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        init = _INIT_CALL.search(cell.source)
        if init is not None:
            replacement = _INIT.format(version=otter_version, name=init["name"])
            cell.source = cell.source.replace(init[0].rstrip(), replacement)
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


def normalize_notebook(path: Path, name: str, otter_version: str | None) -> None:
    """Rewrite the assignment `name`'s notebook at `path`: our init and export cells, for otter
    `otter_version`, when the assignment ships nncheck's `notebook_in_use` and `require_otter`
    (None: it does not), content-derived cell ids (nbformat's stable JSON)."""
    notebook = nbformat.read(path, as_version=4)
    if otter_version is not None:
        use_the_notebook_in_use(notebook, name, otter_version)
    content_cell_ids(notebook)
    nbformat.validate(notebook)
    nbformat.write(notebook, path)
