"""The Colab variant of an assignment: one self-contained notebook.

On Colab a student opens the notebook alone: no `tests/`, `fixtures.npz` or `nncheck/` beside
it, and otter then reads tests only from a `tests/` folder (not from the notebook's metadata)
and refuses to export. The variant's first cell (a Colab form, its code hidden) writes those
files next to the notebook: the public tests as text (so the leak check reads them like any
other cell), nncheck's sources as text and the fixtures base64-encoded. Its last cell runs every
public check and says how to submit: File > Download > Download .ipynb, then upload that file,
which `autograder grade` grades like any notebook (the setup cell only rewrites files it already
has). Colab comes without otter-grader: the setup cell installs our pin of it when it is missing
(never while grading, where otter is there). Everything else is the student variant, cell for
cell.
"""

from __future__ import annotations

import base64
import copy
from pathlib import Path

import nbformat

from autograder.authoring.notebooks import EXPORT_CALL

COLAB_DIR = "colab"
_TEXT_SUFFIXES = (".py", ".json")


def _support_files(student_dir: Path, notebook: nbformat.NotebookNode) -> tuple[dict, dict]:
    """(text files, binary files as base64) a check needs, by path relative to the notebook."""
    text = {
        f"tests/{name}.py": source
        for name, source in sorted(notebook.metadata["otter"]["tests"].items())
    }
    binary = {}
    for path in sorted(student_dir.rglob("*")):
        relative = path.relative_to(student_dir)
        if not path.is_file() or relative.parts[0] == COLAB_DIR or path.suffix == ".ipynb":
            continue
        if "__pycache__" in relative.parts or relative.name == "requirements.txt":
            continue
        if path.suffix in _TEXT_SUFFIXES:
            text[relative.as_posix()] = path.read_text(encoding="utf-8")
        else:
            binary[relative.as_posix()] = base64.b64encode(path.read_bytes()).decode("ascii")
    return text, binary


def _setup_cell(
    text: dict[str, str], binary: dict[str, str], otter_pin: str
) -> nbformat.NotebookNode:
    lines = [
        "#@title Setup for Colab: run this cell first (it writes the checks next to the notebook)",
        "import base64, pathlib, subprocess, sys",
        "",
        "try:",
        "    import otter",
        "except ImportError:  # Colab does not come with otter-grader",
        f"    pip = [sys.executable, '-m', 'pip', 'install', '-q', {otter_pin!r}]",
        "    subprocess.run(pip, check=True)",
        "",
        "TEXT_FILES = {",
        *(f"    {name!r}: {content!r}," for name, content in text.items()),
        "}",
        "BINARY_FILES = {",
        *(f"    {name!r}: {content!r}," for name, content in binary.items()),
        "}",
        "for name, content in TEXT_FILES.items():",
        "    pathlib.Path(name).parent.mkdir(parents=True, exist_ok=True)",
        "    pathlib.Path(name).write_text(content, encoding='utf-8')",
        "for name, content in BINARY_FILES.items():",
        "    pathlib.Path(name).parent.mkdir(parents=True, exist_ok=True)",
        "    pathlib.Path(name).write_bytes(base64.b64decode(content))",
        "print(f'{len(TEXT_FILES) + len(BINARY_FILES)} files written: the checks are ready.')",
    ]
    cell = nbformat.v4.new_code_cell("\n".join(lines))
    cell.metadata["cellView"] = "form"  # Colab shows the title and hides the code
    cell.metadata["jupyter"] = {"source_hidden": True}
    return cell


_SUBMIT_CELL = """\
# On Colab otter cannot export: run every public check, then download this notebook
# (File > Download > Download .ipynb) and upload that .ipynb file as your course explains.
from nncheck import HIDDEN_TESTS_NOTE

grader.check_all()
print("Now: File > Download > Download .ipynb, and upload that file.")
print(HIDDEN_TESTS_NOTE)"""


def colab_variant(student_dir: Path, name: str, otter_pin: str) -> nbformat.NotebookNode:
    """The Colab notebook of the built student variant in `student_dir`; `otter_pin` is what
    the setup cell installs when otter is missing (`otter-grader==7.0.0`)."""
    notebook = nbformat.read(student_dir / f"{name}.ipynb", as_version=4)
    colab = copy.deepcopy(notebook)
    for cell in colab.cells:
        if cell.cell_type == "code" and EXPORT_CALL.search(cell.source):
            cell.source = _SUBMIT_CELL
    colab.cells.insert(0, _setup_cell(*_support_files(student_dir, notebook), otter_pin))
    colab.metadata["colab"] = {"name": f"{name}.ipynb", "provenance": []}
    return colab
