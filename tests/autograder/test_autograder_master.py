"""Master notebook parsing, points insertion and the build's config checks (no otter run)."""

import dataclasses
import json

import nbformat
import pytest

from autograder.authoring.build import BuildError, stage_assignment
from autograder.authoring.master import MasterError, parse_master, with_points
from autograder.authoring.notebooks import content_cell_ids
from autograder.config import Feedback


def _edit_cell(path, index, old, new):
    """Replace `old` by `new` in cell `index` of the notebook at `path`."""
    notebook = nbformat.read(path, as_version=4)
    assert old in notebook.cells[index].source
    notebook.cells[index].source = notebook.cells[index].source.replace(old, new)
    nbformat.write(notebook, path)


def _cell_index(path, text):
    notebook = nbformat.read(path, as_version=4)
    return next(i for i, c in enumerate(notebook.cells) if text in c.source)


def test_parse_master_indexes_config_questions_solutions_and_tests(tiny_paths):
    master = parse_master(tiny_paths.master_notebook("tiny"))
    assert master.config["name"] == "tiny"
    assert master.config["autograder_files"] == ["tinyref"]
    assert list(master.questions) == ["scale", "add_offsets"]
    scale = master.questions["scale"]
    assert [master.source(i)[0] for i in scale.solution_cells] == ["def scale(x, a):"]
    assert [t.hidden for t in scale.tests] == [False, True]
    assert "TEST CONFIG" not in "".join(scale.tests[1].body)
    assert "def test_scale_against_reference(scale):" in scale.tests[1].body
    visible = "\n".join(line for i in master.visible_cells for line in master.source(i))
    assert "fx = nncheck.load_fixtures()" in visible and "Question 1" in visible
    assert "BEGIN" not in visible and "x64" not in visible


def test_with_points_inserts_grading_yml_points(tiny_paths, tiny_course):
    master = parse_master(tiny_paths.master_notebook("tiny"))
    notebook = with_points(master, tiny_course.assignment("tiny").questions, "grading.yml")
    rewritten = tiny_paths.root / "with_points.ipynb"
    nbformat.write(notebook, rewritten)
    again = parse_master(rewritten)
    assert {q.name: q.config["points"] for q in again.questions.values()} == {
        "scale": 1,
        "add_offsets": 2,
    }
    original = master.notebook.cells
    for i, cell in enumerate(notebook.cells):
        if i not in {q.config_index for q in master.questions.values()}:
            assert cell == original[i]
    assert master.notebook.cells[master.questions["scale"].config_index].source.count("points") == 0


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ({"scale": 1}, r"in the master but not in grading.yml: \['add_offsets'\]"),
        ({"scale": 1, "add_offsets": 2, "x": 3}, r"in grading.yml but not in the master: \['x'\]"),
        ({}, r"in the master but not in grading.yml: \['scale', 'add_offsets'\]"),
    ],
)  # fmt: skip
def test_question_mismatch_with_grading_yml_is_an_error(tiny_paths, points, message):
    master = parse_master(tiny_paths.master_notebook("tiny"))
    with pytest.raises(MasterError, match=message) as info:
        with_points(master, points, "grading.yml")
    assert "tiny.ipynb and grading.yml disagree" in str(info.value)


def test_master_that_sets_question_points_is_rejected(tiny_paths):
    path = tiny_paths.master_notebook("tiny")
    _edit_cell(path, _cell_index(path, "name: scale"), "name: scale", "name: scale\npoints: 3")
    with pytest.raises(MasterError, match="question 'scale' sets points: 3"):
        with_points(parse_master(path), {"scale": 1, "add_offsets": 2}, "grading.yml")


def test_test_with_points_is_rejected_unless_zero(tiny_paths):
    path = tiny_paths.master_notebook("tiny")
    index = _cell_index(path, "def test_scale_against_reference")
    _edit_cell(path, index, "hidden: true", "hidden: true\npoints: 0")
    points = {"scale": 1, "add_offsets": 2}
    with_points(parse_master(path), points, "grading.yml")  # a test worth nothing is fine
    _edit_cell(path, index, "points: 0", "points: 2")
    with pytest.raises(MasterError, match=f"test of question 'scale' \\(cell {index + 1}\\) sets"):
        with_points(parse_master(path), points, "grading.yml")


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (["# BEGIN QUESTION\nname: q", "# BEGIN SOLUTION", "# END QUESTION"], "END QUESTION w"),
        (["# BEGIN SOLUTION"], "BEGIN SOLUTION outside a question"),
        (["# BEGIN QUESTION\nname: q"], "BEGIN QUESTION is never ended"),
        (["# BEGIN QUESTION\npoints: 1", "# END QUESTION"], "needs a YAML mapping with a name"),
        (["# ASSIGNMENT CONFIG\nname: x"], "a second ASSIGNMENT CONFIG"),
    ],
)  # fmt: skip
def test_malformed_masters_are_reported_with_the_cell(tmp_path, cells, message):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_raw_cell("# ASSIGNMENT CONFIG\nname: x")]
    notebook.cells += [nbformat.v4.new_raw_cell(source) for source in cells]
    nbformat.write(notebook, tmp_path / "x.ipynb")
    with pytest.raises(MasterError, match=message):
        parse_master(tmp_path / "x.ipynb")


def test_missing_master_and_missing_config_are_errors(tmp_path):
    with pytest.raises(MasterError, match="master notebook not found"):
        parse_master(tmp_path / "none.ipynb")
    nbformat.write(nbformat.v4.new_notebook(), tmp_path / "empty.ipynb")
    with pytest.raises(MasterError, match="no '# ASSIGNMENT CONFIG'"):
        parse_master(tmp_path / "empty.ipynb")


def test_staging_inserts_points_config_fixtures_tolerances_and_packages(
    tiny_paths, tiny_course, tmp_path
):
    stage = tmp_path / "stage"
    master = stage_assignment("tiny", stage, tiny_paths, tiny_course)
    staged = parse_master(stage / "tiny.ipynb")
    assert {q: staged.questions[q].config["points"] for q in staged.questions} == {
        "scale": 1,
        "add_offsets": 2,
    }
    assert staged.config["requirements"] == "requirements.txt"
    assert staged.config["python_version"] == "3.11"
    assert staged.config["generate"] == {"show_hidden": True}
    assert master.path == tiny_paths.master_notebook("tiny")
    names = sorted(p.relative_to(stage).as_posix() for p in stage.rglob("*") if p.is_file())
    assert names == [
        "fixtures.npz",
        "nncheck/__init__.py",
        "nncheck/tolerances.json",
        "offsets.csv",
        "requirements.txt",
        "tiny.ipynb",
        "tinyref/__init__.py",
    ]
    assert json.loads((stage / "nncheck/tolerances.json").read_text()) == tiny_course.tolerances
    assert "numpy==" in (stage / "requirements.txt").read_text()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("name: tiny", "name: other", "name is 'other' but the build sets 'tiny'"),
        ('python_version: "3.11"', 'python_version: "3.12"', "python_version is '3.12'"),
        ("export_cell: false", "export_cell: false\nrequirements: reqs.txt", "requirements is"),
        ("export_cell: false", "export_cell: false\ngenerate: false", "generate is false"),
        (
            "export_cell: false",
            "export_cell: false\ngenerate: {show_hidden: false}",
            "generate: show_hidden is False but the build sets True",
        ),
        ("- tinyref", "- tinyref\n- missing_pkg", "'missing_pkg' .* is neither in"),
    ],
)
def test_staging_rejects_config_the_build_owns_or_cannot_satisfy(
    tiny_paths, tiny_course, tmp_path, old, new, message
):
    path = tiny_paths.master_notebook("tiny")
    _edit_cell(path, 0, old, new)
    with pytest.raises(BuildError, match=message):
        stage_assignment("tiny", tmp_path / "stage", tiny_paths, tiny_course)


def test_unsupported_feedback_setting_is_a_build_error(tiny_paths, tiny_course, tmp_path):
    course = dataclasses.replace(tiny_course, feedback=Feedback("always"))
    with pytest.raises(BuildError, match="'always' is not supported by otter-grader 7"):
        stage_assignment("tiny", tmp_path / "stage", tiny_paths, course)


def test_content_cell_ids_are_stable_and_unique():
    def notebook():
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("x = 1")]
        nb.cells.append(nbformat.v4.new_markdown_cell("x = 1"))
        return nb

    first, second = notebook(), notebook()
    assert first.cells[0].id != second.cells[0].id  # nbformat's ids are random
    content_cell_ids(first)
    content_cell_ids(second)
    ids = [c.id for c in first.cells]
    assert ids == [c.id for c in second.cells]
    assert len(set(ids)) == 3
    nbformat.validate(first)
