"""What a student sees, in the student environment's kernel, after each workflow mistake the
handout can meet: the notebook moved out of its folder, a kernel of another Python (one without
otter), an old otter, fixtures.npz missing, a renamed notebook, an export that cannot tell which
notebook is the student's. Each runs the built handout's own cells in a fresh kernel started in
the folder as the student left it, and each message must say what to do.

Two mistakes are staged inside the kernel, by a first cell, as they cannot be installed here: a
kernel without otter (`sys.modules["otter"] = None`, which makes `import otter` fail as on a
Python without it) and an old otter (its `__version__` set to an older release).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.build_once import built
from tests.student.student_env import student_environ, student_kernel

pytestmark = pytest.mark.slow

NAME = "00_introduction"
INIT = "# Initialize Otter"
ANSWER = "def sigmoid("
CHECK = 'grader.check("q_sigmoid")'
EXPORT = "# Save your notebook first"


def _handout() -> nbformat.NotebookNode:
    return nbformat.read(built(NAME).student_notebook(NAME), as_version=4)


def _cell(starts: str) -> str:
    return next(c.source for c in _handout().cells if c.source.startswith(starts))


def _folder(tmp_path: Path, *, notebooks: tuple[str, ...], fixtures: bool = True) -> Path:
    """The assignment's folder as a student may leave it: its notebook under each of the names
    `notebooks`, nncheck/ and (unless not `fixtures`) fixtures.npz."""
    folder = tmp_path / "work"
    shutil.copytree(built(NAME).student_dir(NAME), folder)
    handout = folder / f"{NAME}.ipynb"
    for name in notebooks:
        if name != handout.name:
            shutil.copyfile(handout, folder / name)
    if handout.name not in notebooks:
        handout.unlink()
    if not fixtures:
        (folder / "fixtures.npz").unlink()
    return folder


def _outputs(folder: Path, cells: list[str], tmp_path: Path) -> list[str]:
    """Each cell's output as the student reads it (an error as `Name: message`), the cells run
    in order in a student kernel started in `folder`, going on after an error as a student
    running the next cell would."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(
        notebook,
        km=student_kernel(tmp_path / "kernels"),
        timeout=600,
        allow_errors=True,
        resources={"metadata": {"path": str(folder)}},
    ).execute(env=student_environ())

    def text(output) -> str:
        if output.output_type == "error":
            return f"{output.ename}: {output.evalue}"
        return output.get("text", "") + output.get("data", {}).get("text/plain", "")

    return ["".join(map(text, cell.outputs)) for cell in notebook.cells]


def test_a_notebook_moved_out_of_its_folder_is_told_to_go_back(tmp_path):
    alone = tmp_path / "Downloads"
    alone.mkdir()
    shutil.copyfile(built(NAME).student_notebook(NAME), alone / f"{NAME}.ipynb")
    [init] = _outputs(alone, [_cell(INIT)], tmp_path)
    assert init.startswith("ModuleNotFoundError: nncheck/ is not beside this notebook"), init
    assert "keep the notebook in its assignment folder" in init, init


def test_a_kernel_of_a_python_without_otter_is_told_to_change_kernel(tmp_path):
    folder = _folder(tmp_path, notebooks=(f"{NAME}.ipynb",))
    _, init = _outputs(folder, ["import sys\nsys.modules['otter'] = None", _cell(INIT)], tmp_path)
    assert init.startswith("ModuleNotFoundError: this kernel's Python has no otter"), init
    assert "Kernel > Change Kernel" in init and "pip install -r requirements.txt" in init, init


def test_an_old_otter_is_told_what_to_install(tmp_path):
    folder = _folder(tmp_path, notebooks=(f"{NAME}.ipynb",))
    _, init = _outputs(folder, ["import otter\notter.__version__ = '5.4.1'", _cell(INIT)], tmp_path)
    assert init.startswith("OtterTooOld: this assignment needs otter-grader 7.0.0"), init
    assert "has 5.4.1" in init and "pip install otter-grader==7.0.0" in init, init


def test_missing_fixtures_are_named_with_where_they_belong(tmp_path):
    folder = _folder(tmp_path, notebooks=(f"{NAME}.ipynb",), fixtures=False)
    init, _, check = _outputs(folder, [_cell(INIT), _cell(ANSWER), _cell(CHECK)], tmp_path)
    assert init == "", init
    assert f"fixtures.npz not found (working folder: {folder})" in check, check
    assert "keep fixtures.npz next to the notebook" in check, check


def test_a_renamed_notebook_alone_in_its_folder_is_checked(tmp_path):
    folder = _folder(tmp_path, notebooks=("my work.ipynb",))
    init, _, check = _outputs(folder, [_cell(INIT), _cell(ANSWER), _cell(CHECK)], tmp_path)
    assert init == "", init
    assert "q_sigmoid results" in check and "sigmoid(z) is None" in check, check


def test_an_export_that_cannot_tell_the_students_notebook_asks_for_its_name(tmp_path):
    folder = _folder(tmp_path, notebooks=(f"{NAME}.ipynb", "my work.ipynb"))
    init, export = _outputs(folder, [_cell(INIT), _cell(EXPORT)], tmp_path)
    assert init == "", init
    assert export.startswith("NotebookNotFound: cannot tell which notebook you are working in")
    assert 'Name yours: grader.export("YOUR_NOTEBOOK.ipynb"' in export, export
    assert not list(folder.glob("*.zip")), "nothing is exported"
