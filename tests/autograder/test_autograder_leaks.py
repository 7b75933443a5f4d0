"""Secret extraction and leak detection (autograder.authoring.leaks), without running otter."""

import json

import nbformat
import pytest

from autograder.authoring.leaks import _meaningful, find_leaks, find_secrets
from autograder.authoring.master import parse_master
from autograder.authoring.verify import released_leaks
from autograder.config import load_config


@pytest.fixture
def tiny_secrets(tiny_paths):
    return find_secrets(parse_master(tiny_paths.master_notebook("tiny")))


def _master(tmp_path, solution, public_test, prompt="Write f."):
    """A one-question master with the given solution cell, public test and prompt."""
    raw, code = nbformat.v4.new_raw_cell, nbformat.v4.new_code_cell
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        raw("# ASSIGNMENT CONFIG\nname: m"),
        raw("# BEGIN QUESTION\nname: q"),
        nbformat.v4.new_markdown_cell(prompt),
        raw("# BEGIN SOLUTION"),
        code(solution),
        raw("# END SOLUTION"),
        raw("# BEGIN TESTS"),
        code(public_test),
        raw("# END TESTS"),
        raw("# END QUESTION"),
    ]
    nbformat.write(notebook, tmp_path / "m.ipynb")
    return parse_master(tmp_path / "m.ipynb")


def test_secrets_are_removed_solution_statements_and_hidden_test_statements(tiny_secrets):
    assert tiny_secrets["x64 = np.asarray(x, dtype=np.float64)"] == "solution of question 'scale'"
    assert tiny_secrets["return a * x64"] == "solution of question 'scale'"
    # a `# SOLUTION` line: the code without its marker
    assert tiny_secrets["out = np.asarray(X, dtype=np.float64) + b"].startswith("solution")
    hidden = "np.testing.assert_allclose(scale(x, -1.5), tinyref.scale(x, -1.5))"
    assert tiny_secrets[hidden] == "hidden test of question 'scale'"
    # as written and as otter's test files write it (ast.unparse quotes)
    assert 'x = nncheck.load_fixtures()["scale_x"]' in tiny_secrets
    assert "x = nncheck.load_fixtures()['scale_x']" in tiny_secrets


@pytest.mark.parametrize(
    "shown_by_design",
    [
        "def scale(x, a):",  # kept by otter
        '"""Return a * x as float64."""',  # docstring, kept
        "return out",  # kept line of the `# SOLUTION` question
        "import numpy as np",  # trivial
        "fx = nncheck.load_fixtures()",  # in the setup cell and in public tests
        "...",
    ],
)
def test_what_students_get_by_design_is_not_secret(tiny_secrets, shown_by_design):
    assert shown_by_design not in tiny_secrets


def test_a_name_set_to_an_empty_start_is_not_secret_but_a_value_is():
    # `losses = []` opens loops in many notebooks; a hidden test using it reveals nothing
    texts = ["losses = []", "total = 0.0", "seen = {}", "done = None", "losses = [0.5]"]
    assert _meaningful(texts) == {"losses = [0.5]"}


def test_a_planted_solution_line_and_hidden_test_line_are_found(tiny_secrets, tmp_path):
    student = tmp_path / "assignments" / "tiny"
    (student / "nncheck").mkdir(parents=True)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("def scale(x, a):\n    ...")]
    nbformat.write(notebook, student / "tiny.ipynb")
    (student / "nncheck" / "__init__.py").write_text("def helper(a, x):\n    return 1\n")
    (student / "fixtures.npz").write_bytes(bytes(range(256)))
    assert find_leaks(tiny_secrets, tmp_path / "assignments") == []

    notebook.cells.append(
        nbformat.v4.new_code_cell("y = 2\nx64  =  np.asarray(x,\n dtype=np.float64)")
    )
    nbformat.write(notebook, student / "tiny.ipynb")
    (student / "nncheck" / "__init__.py").write_text("x = np.linspace(-3.0, 3.0, 7)\n")
    leaks = find_leaks(tiny_secrets, tmp_path / "assignments")
    found = {(leak.path.name, leak.secret, leak.origin) for leak in leaks}
    assert found == {
        ("tiny.ipynb", "x64 = np.asarray(x, dtype=np.float64)", "solution of question 'scale'"),
        ("__init__.py", "x = np.linspace(-3.0, 3.0, 7)", "hidden test of question 'scale'"),
    }


def test_a_leak_in_notebook_metadata_is_found(tiny_secrets, tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["otter"] = {"tests": {"scale": "def t(scale):\n    return a * x64\n"}}
    (tmp_path / "student").mkdir()
    nbformat.write(notebook, tmp_path / "student" / "nb.ipynb")
    leaks = find_leaks(tiny_secrets, tmp_path / "student")
    assert [leak.secret for leak in leaks] == ["return a * x64"]


def test_matches_need_word_boundaries(tiny_secrets, tmp_path):
    (tmp_path / "student").mkdir()
    text = "return a * x640\nmy_x64 = np.asarray(x, dtype=np.float64)\n"
    (tmp_path / "student" / "a.py").write_text(text)
    assert find_leaks(tiny_secrets, tmp_path / "student") == []


def test_multi_line_statements_are_one_secret_without_fragment_lines(tmp_path):
    master = _master(
        tmp_path,
        "def f(x):\n    # BEGIN SOLUTION\n    y = np.maximum(\n        0, x)\n    return y\n"
        "    # END SOLUTION",
        "def test_f(f):\n    assert f(1) == 1",
    )
    secrets = find_secrets(master)
    assert set(secrets) == {"y = np.maximum( 0, x)"}


def test_a_public_test_message_that_spells_out_the_answer_is_a_leak(tmp_path):
    master = _master(
        tmp_path,
        "def f(x):\n    return 2 * x + 1  # SOLUTION",
        'def test_f(f):\n    assert f(1) == 3, "hint: return 2 * x + 1"',
    )
    assert find_secrets(master) == {"return 2 * x + 1": "solution of question 'q'"}
    (tmp_path / "student").mkdir()
    shipped = {"metadata": {"otter": {"tests": {"q": "hint: return 2 * x + 1"}}}}
    (tmp_path / "student" / "m.ipynb").write_text(json.dumps(shipped))
    assert len(find_leaks(find_secrets(master), tmp_path / "student")) == 1


def test_a_formula_stated_in_the_prompt_is_not_secret(tmp_path):
    master = _master(
        tmp_path,
        "def f(p, b):\n    s = p + b  # SOLUTION\n    return s",
        "def test_f(f):\n    assert f(1, 2) == 3",
        prompt="Forward: $s = p + b$, then return s.",
    )
    assert find_secrets(master) == {}


def test_released_leaks_follow_the_release_order(tiny_paths) -> None:
    """A secret of `tiny` may reappear in a later assignment, never in an earlier one."""
    config = tiny_paths.config_file.read_text().replace(
        "assignments:\n",
        'assignments:\n  before:\n    title: "Released earlier"\n    questions: {q: 1}\n',
    )
    config += '  after:\n    title: "Released later"\n    questions: {q: 1}\n'
    tiny_paths.config_file.write_text(config)
    course = load_config(tiny_paths.config_file)
    assert list(course.assignments) == ["before", "tiny", "after"]
    secret_line = "x = np.linspace(-3.0, 3.0, 7)\n"  # from tiny's hidden test of `scale`
    for name in ("before", "after"):
        tiny_paths.student_dir(name).mkdir(parents=True)
        (tiny_paths.student_dir(name) / "notes.py").write_text(secret_line)
    master = parse_master(tiny_paths.master_notebook("tiny"))
    leaks = released_leaks(tiny_paths, course, "tiny", master)
    assert {leak.path.parent.name for leak in leaks} == {"before"}
