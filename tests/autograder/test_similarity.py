"""The similarity report (`autograder similar`, `grade --similarity`): what counts as a student's
own code, that a disguised copy ranks first, that bad notebooks are skipped with a reason and that
student text is escaped. Real notebooks of assignment 01 (its committed student variant is the
handout); only the `grade --similarity` test grades (slow)."""

from __future__ import annotations

import copy
import csv
import html.parser
import json
import shutil
from pathlib import Path

import pytest

from autograder import cli
from autograder.grading.records import Submission
from autograder.paths import project_paths
from autograder.reports.escape import for_html
from autograder.similarity.command import SimilarOptions, run_similar
from autograder.similarity.compare import fingerprints, rank, regions
from autograder.similarity.extract import MAX_CODE_CHARS, Code, Handout, Skipped, own_code
from autograder.similarity.normalise import cell_tokens
from examples.similarity_cases import answer_cells, disguised_copy, independent_class
from tests.build_once import built_root

ASSIGNMENT = "01_nn_from_scratch"
PATHS = project_paths()
HANDOUT_FILE = PATHS.student_dir(ASSIGNMENT) / f"{ASSIGNMENT}.ipynb"
SAMPLES = PATHS.root / "examples" / "submissions" / ASSIGNMENT


@pytest.fixture(scope="module")
def handout_notebook() -> dict:
    return json.loads(HANDOUT_FILE.read_bytes())


@pytest.fixture(scope="module")
def handout() -> Handout:
    return Handout.from_notebook(HANDOUT_FILE.read_bytes())


def _texts(source: str, keep: frozenset[str] = frozenset()) -> list[str]:
    return [token.text for token in cell_tokens(source, 0, keep)]


def _write(folder: Path, name: str, notebook: dict | bytes) -> Path:
    path = folder / f"{name}.ipynb"
    path.write_bytes(notebook if isinstance(notebook, bytes) else json.dumps(notebook).encode())
    return path


def _with_answer(handout_notebook: dict, source: str) -> dict:
    """The handout with `source` appended to its first answer cell."""
    notebook = copy.deepcopy(handout_notebook)
    cell = answer_cells(notebook)[0]
    cell["source"] = "".join(cell["source"]) + "\n" + source
    return notebook


# --- normalisation -------------------------------------------------------------------------


def test_renamed_locals_comments_and_docstrings_do_not_change_the_tokens():
    original = (
        'def f(X, W):\n    """Doc."""\n    Z = X @ W  # product\n    return np.maximum(Z, 0)\n'
    )
    renamed = "def f(inputs, weights):\n    # mine\n    out = inputs @ weights\n"
    renamed += "    return np.maximum(out, 0)\n"
    keep = frozenset({"f"})
    assert _texts(original, keep) == _texts(renamed, keep)
    assert "maximum" in _texts(original, keep) and "Doc" not in " ".join(_texts(original, keep))


def test_library_calls_and_numbers_are_not_normalised_away():
    assert _texts("a = np.maximum(Z, 0)") != _texts("a = np.minimum(Z, 0)")
    assert _texts("a = b * 2") != _texts("a = b * 3")


def test_code_that_does_not_parse_or_tokenise_still_gives_tokens():
    magic = "%matplotlib inline\nx = np.ones(3)\n"
    unclosed = "y = f(1,\nz = 'open"
    assert "ones" in _texts(magic)
    assert _texts(unclosed)[:3] == ["V", "=", "V"]


@pytest.mark.parametrize(
    "source",
    [
        "(" * 20_000 + "1" + ")" * 20_000,  # too deep for the parser
        "-" * 50_000 + "1",
        "if 1:\n" + "".join(" " * i + "if 1:\n" for i in range(1, 120)) + " " * 120 + "pass\n",
        'x = """never closed\n',
        "\x00\ud800 = 1\n",
    ],
)
def test_hostile_code_is_tokenised_without_running_or_crashing(source):
    assert _texts(source)


def test_a_notebook_with_too_much_code_is_skipped(handout, handout_notebook):
    notebook = _with_answer(handout_notebook, "x = 1\n" * (MAX_CODE_CHARS // 6 + 1))
    skipped = own_code(Submission("big.ipynb", json.dumps(notebook).encode(), "big"), handout)
    assert isinstance(skipped, Skipped)
    assert f"more than {MAX_CODE_CHARS:,} characters of code" in skipped.reason


def test_handout_lines_are_not_the_students_own_even_with_renamed_parameters(
    handout, handout_notebook
):
    untouched = Submission("h.ipynb", HANDOUT_FILE.read_bytes(), "h")
    assert own_code(untouched, handout) == Skipped(
        untouched, "no code beyond the handout's starter code"
    )
    notebook = copy.deepcopy(handout_notebook)
    cell = answer_cells(notebook)[0]  # def dense_forward(X, W, b): ... ...
    cell["source"] = "".join(cell["source"]).replace("(X, W, b)", "(inputs, weights, bias)")
    renamed = Submission("r.ipynb", json.dumps(notebook).encode(), "r")
    assert isinstance(own_code(renamed, handout), Skipped)
    notebook = _with_answer(notebook, "    return inputs @ weights + bias\n")
    code = own_code(Submission("s.ipynb", json.dumps(notebook).encode(), "s"), handout)
    assert isinstance(code, Code)
    assert [cell.lines[i] for cell in code.cells for i in sorted(cell.own)] == [
        "    return inputs @ weights + bias"
    ]


# --- ranking --------------------------------------------------------------------------------


def test_a_renamed_reordered_recommented_copy_ranks_above_every_independent_pair(
    handout, handout_notebook
):
    students = independent_class(handout_notebook, 12, seed=3)
    students.append(disguised_copy(students[5], seed=3))
    codes = [
        own_code(Submission(f"s{i}.ipynb", json.dumps(nb).encode(), f"s{i}"), handout)
        for i, nb in enumerate(students)
    ]
    assert all(isinstance(code, Code) for code in codes)
    prints = [fingerprints(code.tokens) for code in codes]
    pairs = rank(prints)
    assert (pairs[0].a, pairs[0].b) == (5, 12)
    assert pairs[0].score > pairs[1].score
    # the copy really is disguised: of its own lines only bare brackets are the original's
    original = {line for cell in codes[5].cells for line in cell.lines}
    same = {cell.lines[i] for cell in codes[12].cells for i in cell.own} & original
    assert all(set(line.strip()) <= set("return{}()[] ") for line in same)
    shared = regions(prints[5], prints[12], codes[5].tokens, codes[12].tokens)
    assert len(shared) >= len(
        answer_cells(handout_notebook)
    )  # reordered: one region or more a cell
    for region in shared:  # each region is the same normalised code on both sides
        texts_a = [token.text for token in codes[5].tokens[region.a[0] : region.a[1]]]
        assert texts_a == [token.text for token in codes[12].tokens[region.b[0] : region.b[1]]]


def test_samples_are_compared_and_the_broken_ones_skipped_with_their_reason(tmp_path, capsys):
    outputs = run_similar(SimilarOptions(ASSIGNMENT, [str(SAMPLES)], tmp_path), PATHS)
    with outputs["similarity"].open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    ids = {row["student_a"] for row in rows} | {row["student_b"] for row in rows}
    assert "alice_correct" in ids
    assert not ids & {"pete_invalid_json", "quinn_empty", "carol_blank"}
    scores = [float(row["score"]) for row in rows]
    assert scores == sorted(scores, reverse=True)
    out = capsys.readouterr().out
    assert "skipped pete_invalid_json" in out and "invalid JSON" in out
    assert "skipped quinn_empty" in out and "empty file" in out
    assert "skipped carol_blank" in out and "no code beyond the handout's starter code" in out


def test_a_disguised_copy_of_a_sample_scores_as_high_as_any_pair_of_the_samples(tmp_path):
    subs = tmp_path / "subs"
    shutil.copytree(SAMPLES, subs)
    alice = json.loads((SAMPLES / "alice_correct.ipynb").read_bytes())
    _write(subs, "zed_copier", disguised_copy(alice, seed=0))
    outputs = run_similar(SimilarOptions(ASSIGNMENT, [str(subs)], tmp_path / "out"), PATHS)
    with outputs["similarity"].open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    copy = next(
        r for r in rows if {r["student_a"], r["student_b"]} == {"alice_correct", "zed_copier"}
    )
    assert float(copy["score"]) == max(float(row["score"]) for row in rows) == 1.0


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"{not json", "not a notebook: invalid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "not a notebook"),
        (b'{"cells": 3}', "not a notebook: no list of cells"),
        (b'{"cells": [7]}', "cell 0 is not a cell"),
        (b'{"cells": [{"cell_type": "code", "source": 5}]}', "neither text nor a list of text"),
        (b"\xff\xfe\x00", "not a notebook: invalid JSON"),
    ],
)
def test_a_malformed_notebook_is_skipped_with_a_reason(handout, content, reason):
    skipped = own_code(Submission("bad.ipynb", content, "bad"), handout)
    assert isinstance(skipped, Skipped)
    assert reason in skipped.reason


def test_malformed_notebooks_do_not_stop_the_run(tmp_path, handout_notebook, capsys):
    subs = tmp_path / "subs"
    subs.mkdir()
    students = independent_class(handout_notebook, 3, seed=1)
    for i, notebook in enumerate(students):
        _write(subs, f"s{i}", notebook)
    _write(subs, "broken", b'{"cells": [{"cell_type": "code", "source": {"x": 1}}]}')
    _write(subs, "deep", b"[" * 50_000)
    outputs = run_similar(SimilarOptions(ASSIGNMENT, [str(subs)], tmp_path / "out"), PATHS)
    page = outputs["similarity page"].read_text(encoding="utf-8")
    assert "Skipped (2)" in page and "broken" in page and "deep" in page
    assert "3 submissions compared, 2 skipped" in capsys.readouterr().out


# --- escaping -------------------------------------------------------------------------------


class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.add(tag)


def test_the_page_escapes_hostile_code_ids_and_file_names(tmp_path, handout_notebook):
    hostile = (
        '    s = "</script><script>alert(1)</script>"\n'
        "    t = '<img src=x onerror=alert(2)>\ud800\x1b'  # </pre><iframe src=//evil>\n"
        "    return X @ W + b + len(s) + len(t)\n"
    )
    subs = tmp_path / "subs"
    subs.mkdir()
    name = "<img src=x onerror=alert(3)>"
    notebook = _with_answer(handout_notebook, hostile)
    _write(subs, name, notebook)
    _write(subs, "twin", notebook)
    _write(subs, "<b onclick=alert(4)>bad", b"<script>alert(5)</script>")
    outputs = run_similar(SimilarOptions(ASSIGNMENT, [str(subs)], tmp_path / "out"), PATHS)
    page = outputs["similarity page"].read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(page)
    assert not parser.tags & {"script", "img", "iframe", "b"}
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "\\ud800" in page  # a lone surrogate (valid JSON) shown, the page still written
    assert for_html(name) in page
    assert "http" not in page and "<link" not in page  # self-contained
    with outputs["similarity"].open(encoding="utf-8") as stream:
        (row,) = csv.DictReader(stream)
    assert {row["student_a"], row["student_b"]} == {name, "twin"}


# --- command line ---------------------------------------------------------------------------


def test_cli_similar_writes_the_report_and_rejects_an_unknown_assignment(tmp_path, capsys):
    inputs = [str(SAMPLES / "alice_correct.ipynb"), str(SAMPLES / "bob_partial.ipynb")]
    argv = ["similar", ASSIGNMENT, *inputs, "--out", str(tmp_path), "--pairs", "1"]
    assert cli.main(argv) == cli.EXIT_OK
    assert (tmp_path / "similarity.csv").is_file() and (tmp_path / "similarity.html").is_file()
    assert cli.main(["similar", "nope", str(SAMPLES), "--out", str(tmp_path)]) == cli.EXIT_USAGE
    missing = str(tmp_path / "missing.ipynb")
    assert cli.main(["similar", ASSIGNMENT, missing, "--out", str(tmp_path)]) == cli.EXIT_USAGE
    assert "no such file or folder" in capsys.readouterr().err


def test_an_assignment_never_built_is_a_usage_error(tiny_paths, capsys):
    argv = ["--root", str(tiny_paths.root), "similar", "tiny", str(SAMPLES), "--out", "x"]
    assert cli.main(argv) == cli.EXIT_USAGE
    assert "run `autograder build tiny`" in capsys.readouterr().err


@pytest.mark.slow
def test_grade_with_similarity_writes_the_report_beside_the_grades(tmp_path):
    root = built_root(ASSIGNMENT)
    inputs = [str(SAMPLES / "alice_correct.ipynb"), str(SAMPLES / "frank_sgd_sign.ipynb")]
    argv = ["--root", str(root), "grade", ASSIGNMENT, *inputs, "--out", str(tmp_path)]
    assert cli.main([*argv, "--similarity", "--time-limit", "30"]) == cli.EXIT_OK
    assert (tmp_path / "grades.csv").is_file()
    with (tmp_path / "similarity.csv").open(encoding="utf-8") as stream:
        (row,) = csv.DictReader(stream)
    assert {row["student_a"], row["student_b"]} == {"alice_correct", "frank_sgd_sign"}
