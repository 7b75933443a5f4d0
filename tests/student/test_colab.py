"""The Colab variant through otter's own Colab code path: a notebook alone in a folder (as in
Colab's /content), a kernel of the student environment (only assignments/requirements.txt)
whose shell otter takes for Colab's, one answer, the checks, the submit cell; the notebook the
student would download gets the grade the student variant gets (graded in the developer's .venv).
"""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.authoring.colab import COLAB_DIR
from autograder.batch.command import GradeOptions, run_grade
from autograder.batch.runner import RESULTS_FILE
from autograder.config import load_config
from nncheck import HIDDEN_TESTS_NOTE
from tests.build_once import built
from tests.student.student_env import STUDENT_ENV, student_environ, student_kernel

pytestmark = pytest.mark.slow

NAME = "00_introduction"
LOOK_LIKE_COLAB = (
    "ip = get_ipython()\n"
    "ip.__class__ = type('Shell', (type(ip),), {'__module__': 'google.colab._shell'})"
)
"""otter decides it runs on Colab when str(get_ipython()) names google.colab (check/utils.py)."""
PROBE = "print('INTERPRETER', grader.interpreter, 'PREFIX', __import__('sys').prefix)"


def _answered(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """`notebook` with the solution's sigmoid typed in."""
    solution = nbformat.read(built(NAME).solution_notebook(NAME), as_version=4)
    answer = next(c.source for c in solution.cells if c.source.startswith("def sigmoid("))
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.source.startswith("def sigmoid("):
            cell.source = answer
    return notebook


def _scores(notebook_path, out) -> dict[str, float]:
    paths = built(NAME)
    run_grade(
        GradeOptions(NAME, [str(notebook_path)], out, workers=1),
        paths,
        load_config(paths.config_file),
    )
    [record] = [json.loads(line) for line in (out / RESULTS_FILE).read_text().splitlines()]
    return {q["name"]: q["score"] for q in record["questions"]}


def test_the_colab_variant_checks_and_grades_like_the_student_variant(tmp_path):
    student_dir = built(NAME).student_dir(NAME)
    content = tmp_path / "content"
    content.mkdir()
    notebook = _answered(nbformat.read(student_dir / COLAB_DIR / f"{NAME}.ipynb", as_version=4))
    notebook.cells.insert(0, nbformat.v4.new_code_cell(LOOK_LIKE_COLAB))
    notebook.cells.append(nbformat.v4.new_code_cell(PROBE))
    NotebookClient(
        notebook,
        km=student_kernel(tmp_path / "kernels"),
        timeout=600,
        allow_errors=True,
        resources={"metadata": {"path": str(content)}},
    ).execute(env=student_environ())

    def output(cell) -> str:
        return "".join(o.get("text", "") + json.dumps(o.get("data", {})) for o in cell.outputs)

    outputs = {
        cell.source.splitlines()[0] if cell.source else "": output(cell)
        for cell in notebook.cells
        if cell.cell_type == "code"
    }
    assert "IPythonInterpreter.COLAB" in outputs[PROBE], outputs[PROBE]
    assert f"PREFIX {STUDENT_ENV}\n" in outputs[PROBE], "the kernel is not the student's"
    check = outputs['grader.check("q_sigmoid")']
    assert "passed" in check.lower() and "Error" not in check, check
    submit = next(text for first, text in outputs.items() if first.startswith("# On Colab"))
    assert "File > Download" in submit and HIDDEN_TESTS_NOTE[:40] in submit, submit
    assert not list(content.glob("*.zip")), "nothing is exported on Colab"

    notebook.cells = notebook.cells[1:-1]  # what the student downloads has no test harness
    downloaded = tmp_path / "downloaded" / f"{NAME}.ipynb"
    downloaded.parent.mkdir()
    nbformat.write(notebook, downloaded)
    plain = tmp_path / "plain" / f"{NAME}.ipynb"
    plain.parent.mkdir()
    nbformat.write(_answered(nbformat.read(student_dir / f"{NAME}.ipynb", as_version=4)), plain)
    from_colab = _scores(downloaded, tmp_path / "graded-colab")
    assert from_colab == _scores(plain, tmp_path / "graded-plain")
    assert from_colab["q_sigmoid"] > 0 and sum(from_colab.values()) == from_colab["q_sigmoid"]
    shutil.rmtree(content)
