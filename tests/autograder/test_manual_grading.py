"""Written answers graded by people: answers found in real notebooks, the pages for the graders,
the scores sheet (written, merged, read back strictly), and what otter's PDF export keeps."""

import base64
import copy
import csv
import html
import html.parser
import io
import json
from pathlib import Path

import nbformat
import pytest
from otter.export.exporters.base_exporter import BaseExporter
from PIL import Image

from autograder.batch.adjustments import prepare
from autograder.config import load_config
from autograder.grading.records import Submission
from autograder.grading.submissions import discover
from autograder.manual import answers
from autograder.manual.command import SHEET_FILE, NoManualQuestions, manual_points, run_manual
from autograder.manual.pages import question_page
from autograder.manual.scores import ManualScoresError, read_sheet
from autograder.paths import project_paths
from autograder.reports.sheets import SheetError

NAME = "03_experiments_and_visualizations"
CHECKOUT = Path(__file__).resolve().parents[2]
SAMPLES = CHECKOUT / "examples" / "submissions" / NAME
QUESTIONS = ["q_written_lr", "q_written_init", "q_written_capacity"]
SCRIPT = "<script>alert('pwned')</script>"


def _png() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "red").save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def _hostile_notebook() -> bytes:
    """alice's notebook with a hostile first written answer: Markdown with a script, and a code
    cell printing, raising and showing a real figure, a forged one and an SVG."""
    notebook = json.loads((SAMPLES / "alice_correct.ipynb").read_text(encoding="utf-8"))
    begin = next(
        i for i, c in enumerate(notebook["cells"]) if "BEGIN QUESTION" in "".join(c["source"])
    )
    forged = 'AAAA"><script>alert(1)</script>'
    code = {
        "cell_type": "code",
        "metadata": {},
        "execution_count": 1,
        "source": "plt.plot(losses)",
        "outputs": [
            {"output_type": "stream", "name": "stdout", "text": [f"printed {SCRIPT}\n"]},
            {"output_type": "display_data", "metadata": {}, "data": {"image/png": _png()}},
            {"output_type": "display_data", "metadata": {}, "data": {"image/png": forged}},
            {"output_type": "display_data", "metadata": {},
             "data": {"image/svg+xml": "<svg onload='alert(1)'/>", "text/plain": "<Figure>"}},
            {"output_type": "error", "ename": "ValueError", "evalue": SCRIPT, "traceback": []},
        ],
    }  # fmt: skip
    notebook["cells"][begin + 1]["source"] = f"# My answer\n{SCRIPT} and **bold**"
    notebook["cells"].insert(begin + 2, code)
    return json.dumps(notebook).encode()


@pytest.fixture(scope="module")
def points():
    paths = project_paths(CHECKOUT)
    return manual_points(paths, load_config(paths.config_file).assignment(NAME))


def test_the_manual_questions_come_from_the_master_with_grading_yml_points(points):
    assert points == {q: 5 for q in QUESTIONS}


def test_written_answers_of_the_samples_are_found_in_order():
    alice = answers.written_answers((SAMPLES / "alice_correct.ipynb").read_bytes(), QUESTIONS)
    assert list(alice) == QUESTIONS
    assert alice["q_written_lr"].cells[0].source.startswith("(a) With `lr = 0.001`")
    assert alice["q_written_init"].cells[0].source.startswith("(a) With all weights 0")
    assert alice["q_written_capacity"].cells[0].source.startswith("(a) `H = 1` underfits")
    assert not any(a.blank or a.problem for a in alice.values())
    carol = answers.written_answers((SAMPLES / "carol_blank.ipynb").read_bytes(), QUESTIONS)
    assert all(a.blank for a in carol.values())
    broken = answers.written_answers((SAMPLES / "pete_invalid_json.ipynb").read_bytes(), QUESTIONS)
    assert all("not a readable notebook" in a.problem for a in broken.values())


def test_a_notebook_whose_markers_were_changed_is_sent_to_the_grader():
    notebook = json.loads((SAMPLES / "alice_correct.ipynb").read_text(encoding="utf-8"))
    prompt = next(c for c in notebook["cells"] if "Written question 2" in "".join(c["source"]))
    prompt["source"] = "".join(prompt["source"]).replace("<!-- BEGIN QUESTION -->", "")
    found = answers.written_answers(json.dumps(notebook).encode(), QUESTIONS)
    assert all("2 written-answer regions" in a.problem for a in found.values())


def test_otters_pdf_export_filter_keeps_exactly_the_written_questions():
    """The student variant as built carries otter's markers: `otter export --filtering` (what
    `grader.export(pdf=True)` and Gradescope's PDF hand-in use) keeps the three written
    questions with their answers and nothing of the auto-graded code."""
    notebook = nbformat.read(SAMPLES / "alice_correct.ipynb", as_version=4)
    kept = BaseExporter.filter_cells(copy.deepcopy(notebook), pagebreaks=True).cells
    text = "\n".join(cell.source for cell in kept)
    for n in (1, 2, 3):
        assert f"**Written question {n} (5 points, graded by hand).**" in text
    assert "(a) `H = 1` underfits" in text and "(a) With all weights 0" in text
    assert "def init_weights" not in text and "grader.check" not in text
    assert all(cell.cell_type == "markdown" for cell in kept)


class _Parsed(html.parser.HTMLParser):
    def __init__(self, text):
        super().__init__()
        self.tags, self.images, self.data = [], [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "img":
            self.images.append(dict(attrs)["src"])

    def handle_data(self, data):
        self.data.append(data)


def test_the_graders_page_shows_text_code_and_figures_and_runs_nothing():
    student = answers.StudentAnswers(
        "=eve",
        f"Eve {SCRIPT}",
        "eve.ipynb",
        answers.written_answers(_hostile_notebook(), QUESTIONS),
    )
    blank = answers.StudentAnswers(
        "bob",
        "",
        "bob.ipynb",
        answers.written_answers((SAMPLES / "bob_partial.ipynb").read_bytes(), QUESTIONS),
    )
    page = question_page("Experiments", "q_written_lr", 5.0, [student, blank], SHEET_FILE)
    parsed = _Parsed(page)
    text = "".join(parsed.data)
    assert "script" not in parsed.tags and "svg" not in parsed.tags
    assert parsed.images == [f"data:image/png;base64,{_png()}"]  # the forged one is dropped
    assert f"# My answer\n{SCRIPT} and **bold**" in text  # shown as text, not rendered
    assert f"printed {SCRIPT}" in text and f"ValueError: {SCRIPT}" in text
    assert "plt.plot(losses)" in text and "<Figure>" in text
    assert f"=eve (Eve {SCRIPT})" in text
    assert "No answer: the cell was left as handed out." in text
    assert "img-src data:" in page and "default-src 'none'" in page
    assert text.index("=eve (Eve") < text.index("bob.ipynb")  # in student-id order


def _sheet(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerows([["student", "name", "question", "max_points", "points", "comment"]])
        writer.writerows(rows)
    return path


def test_a_filled_sheet_reads_back_points_comments_and_what_is_not_scored(tmp_path, points):
    sheet = _sheet(
        tmp_path / "s.csv",
        [
            ["'=eve", "Eve", "q_written_lr", "5", "4,5", "'-1 for units"],
            ["bob", "", "q_written_lr", "5", "0", "No answer."],
            ["bob", "", "q_written_init", "5", "", ""],
            ["bob", "", "q_written_capacity", "5", " 5 ", "well argued"],
        ],
    )
    grades = read_sheet(sheet, points, ["=eve", "bob"])
    assert grades.score("=eve", "q_written_lr").points == 4.5
    assert grades.score("=eve", "q_written_lr").comment == "-1 for units"
    assert grades.score("bob", "q_written_lr").points == 0.0  # a zero someone typed
    assert grades.pending("bob") == ["q_written_init"]  # empty cell: not a zero
    assert grades.pending("=eve") == ["q_written_init", "q_written_capacity"]  # no row at all
    assert grades.total("bob") == 5.0


def test_a_bad_sheet_lists_every_problem_and_grades_nothing(tmp_path, points):
    sheet = _sheet(
        tmp_path / "bad.csv",
        [
            ["mallory", "", "q_written_lr", "5", "5", ""],
            ["bob", "", "q_lr_sweep", "10", "5", ""],
            ["bob", "", "q_written_lr", "5", "6", ""],
            ["bob", "", "q_written_init", "5", "five", ""],
            ["bob", "", "q_written_capacity", "5", "-1", ""],
            ["alice", "", "q_written_lr", "5", "nan", ""],
            ["alice", "", "q_written_init", "5", "3", ""],
            ["alice", "", "q_written_init", "5", "4", ""],
        ],
    )
    with pytest.raises(ManualScoresError) as error:
        read_sheet(sheet, points, ["alice", "bob"])
    message = str(error.value)
    assert "7 problem(s), nothing was graded" in message
    for line in (
        "line 2: student 'mallory' is not among the graded submissions",
        "line 3: question 'q_lr_sweep' is not graded by hand",
        "line 4: bob q_written_lr: points '6' is outside 0..5",
        "line 5: bob q_written_init: points 'five' is not a number",
        "line 6: bob q_written_capacity: points '-1' is outside 0..5",
        "line 7: alice q_written_lr: points 'nan' is outside 0..5",
        "line 9: alice q_written_init is in the sheet twice",
    ):
        assert line in message
    (tmp_path / "long.csv").write_text(
        "student,question,points,comment\nbob,q_written_lr,4,good,extra\n", encoding="utf-8"
    )
    with pytest.raises(SheetError, match="line 2 has more cells than the header"):
        read_sheet(tmp_path / "long.csv", points, ["bob"])
    (tmp_path / "cols.csv").write_text("student,question,score\n", encoding="utf-8")
    with pytest.raises(SheetError, match=r"missing column\(s\) \['points', 'comment'\]"):
        read_sheet(tmp_path / "cols.csv", points, ["alice"])


def test_manual_writes_pages_and_a_sheet_and_a_rerun_keeps_what_was_typed(tmp_path):
    paths = project_paths(CHECKOUT)
    assignment = load_config(paths.config_file).assignment(NAME)
    subs = [
        Submission(f"{n}.ipynb", (SAMPLES / f"{n}.ipynb").read_bytes(), n, name=f"Name {n}")
        for n in ("alice_correct", "bob_partial")
    ]
    answers.save(answers.collect(subs, QUESTIONS), QUESTIONS, tmp_path / answers.ANSWERS_FILE)
    run = run_manual(NAME, tmp_path, paths, assignment)
    assert [p.name for p in run.pages] == [f"{q}.html" for q in QUESTIONS]
    page = html.unescape(run.pages[1].read_text(encoding="utf-8"))
    assert "**Written question 2 (5 points, graded by hand).**" in page  # the prompt, as built
    rows = list(csv.reader(run.sheet.open(encoding="utf-8")))
    assert rows[0] == ["student", "name", "question", "max_points", "points", "comment"]
    assert rows[1:3] == [
        ["alice_correct", "Name alice_correct", "q_written_lr", "5", "", ""],
        ["bob_partial", "Name bob_partial", "q_written_lr", "5", "", ""],
    ]
    rows[1][4:] = ["4", "=typed by a TA"]
    with run.sheet.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(rows + [["gone", "", "q_written_lr", "5", "3", "kept"]])

    subs.append(Submission("carol.ipynb", (SAMPLES / "carol_blank.ipynb").read_bytes(), "carol"))
    answers.save(answers.collect(subs, QUESTIONS), QUESTIONS, tmp_path / answers.ANSWERS_FILE)
    again = run_manual(NAME, tmp_path, paths, assignment)
    rows = list(csv.reader(again.sheet.open(encoding="utf-8")))
    assert [
        "alice_correct",
        "Name alice_correct",
        "q_written_lr",
        "5",
        "4",
        "'=typed by a TA",
    ] in rows
    assert ["carol", "", "q_written_capacity", "5", "", ""] in rows
    assert ["gone", "", "q_written_lr", "5", "3", "kept"] in rows and again.stale_rows == 1
    assert len(rows) == 1 + 3 * 3 + 1

    extra = again.sheet.read_text(encoding="utf-8").replace("comment", "comment,notes", 1)
    again.sheet.write_text(extra, encoding="utf-8")
    with pytest.raises(SheetError, match=r"column\(s\) \['notes'\] this tool does not write"):
        run_manual(NAME, tmp_path, paths, assignment)
    assert again.sheet.read_text(encoding="utf-8") == extra  # left as it was


def test_manual_before_grading_or_without_written_questions_says_what_is_wrong(tmp_path):
    paths = project_paths(CHECKOUT)
    course = load_config(paths.config_file)
    with pytest.raises(answers.AnswersError, match="grade the submissions into this folder first"):
        run_manual(NAME, tmp_path, paths, course.assignment(NAME))
    other = course.assignment("01_nn_from_scratch")
    with pytest.raises(
        NoManualQuestions, match="01_nn_from_scratch has no question graded by hand"
    ):
        run_manual(other.name, tmp_path, paths, other)
    sheet = _sheet(tmp_path / "s.csv", [])
    with pytest.raises(NoManualQuestions, match="--manual-scores .*s.csv: 01_nn_from_scratch has"):
        prepare(other, paths, [], manual_scores=sheet)


def test_the_demo_sheet_scores_every_written_answer_of_every_sample(points):
    """`make demo` grades 03's samples with examples/manual_scores/: the sheet must fit them."""
    sheet = CHECKOUT / "examples" / "manual_scores" / f"{NAME}.csv"
    samples = [s.student_id for s in discover([SAMPLES]).submissions]
    grades = read_sheet(sheet, points, samples)
    assert len(samples) == 19 and not [s for s in samples if grades.pending(s)]
    assert grades.total("alice_correct") == 15 and grades.total("carol_blank") == 0
