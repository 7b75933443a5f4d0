"""The grading outputs: grades.csv, Canvas/Moodle imports, feedback pages and the summary."""

import csv
import html.parser

import numpy as np
import pytest
from PIL import Image

from autograder.grading.records import GradeRecord, QuestionRecord
from autograder.grading.records import TestRecord as _TestRecord  # not a pytest class
from autograder.reports.feedback_html import page_names, write_feedback_pages
from autograder.reports.grades_csv import write_grades_csv
from autograder.reports.lms import write_canvas_csv, write_moodle_csv
from autograder.reports.report import Report
from autograder.reports.summary import summary_table, write_summary

POINTS = {"q_a": 8.0, "q_b": 10.0}
TITLE = "Optimisers, from scratch"
SCRIPT = "<script>alert('pwned')</script>"
HIDDEN_SECRET = "expected 0.731 at index 3"


def _record(student_id, status, questions, message="", **kwargs):
    return GradeRecord(
        file=f"{student_id}.ipynb",
        student_id=student_id,
        status=status,
        message=message,
        questions=tuple(questions),
        content_hash="c" * 64,
        autograder_hash="a" * 64,
        **kwargs,
    )


def _question(name, score, max_score, *tests):
    return QuestionRecord(name, score, max_score, tuple(_TestRecord(*t) for t in tests))


@pytest.fixture
def records():
    """Four students, given out of order: graded, timeout, invalid, graded with LMS ids."""
    ada = _record(
        "s01",
        "graded",
        [
            _question("q_a", 8, 8, ("q_a - 1", True, False, ""), ("q_a - 2", True, True, "")),
            _question(
                "q_b",
                5,
                10,
                ("q_b - 1", False, False, f"step returned {SCRIPT}\nHint: check the sign of lr"),
                ("q_b - 2", False, True, HIDDEN_SECRET),
                ("q_b - 3", True, True, ""),
            ),
        ],
        name="Ada King Lovelace",
        email="ada@example.org",
    )
    jorg = _record(
        "s02",
        "timeout",
        [_question("q_a", 4, 8, ("q_a - 1", False, False, "wrong\nvalues"))],
        message=f"timed out after 60 s\nin cell 7 {SCRIPT}",
        name="Müller, Jörg",
        email="jörg@example.org",
        seconds=60.0,
    )
    broken = _record("s03", "invalid", [], message="not a notebook: Expecting value")
    plato = _record(
        "s10",
        "graded",
        [_question("q_a", 8, 8), _question("q_b", 10, 10)],
        name="Plato",
        extra={"canvas_user_id": "9001", "sis_user_id": "SIS10", "section": "Tue"},
    )
    return [plato, jorg, ada, broken]


def _read_csv(path):
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.reader(stream))


# grades.csv


def test_grades_csv_has_one_row_per_student_sorted_with_every_score(records, tmp_path):
    rows = _read_csv(write_grades_csv(Report(records, POINTS, TITLE), tmp_path / "grades.csv"))
    assert rows[0] == [
        "student_id", "name", "email", "file", "q_a", "q_b", "total", "max", "status", "message",
        "matched_by",
    ]  # fmt: skip
    assert [r[0] for r in rows[1:]] == ["s01", "s02", "s03", "s10"]
    by_id = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert by_id["s02"]["name"] == "Müller, Jörg" and by_id["s02"]["email"] == "jörg@example.org"
    assert [by_id["s02"][k] for k in ("q_a", "q_b", "total", "max", "status")] == [
        "4", "0", "4", "18", "timeout",
    ]  # fmt: skip
    assert [by_id["s03"][k] for k in ("q_a", "q_b", "total")] == ["0", "0", "0"]
    assert by_id["s01"]["total"] == "13" and by_id["s10"]["total"] == "18"
    assert by_id["s02"]["message"] == f"timed out after 60 s | in cell 7 {SCRIPT}"


def test_grades_csv_keeps_rows_on_one_line_and_defuses_formulas(records, tmp_path):
    records.append(_record("s04", "error", [], message='=HYPERLINK("http://x")\r\nboom'))
    path = write_grades_csv(Report(records, POINTS, TITLE), tmp_path / "grades.csv")
    assert len(path.read_text(encoding="utf-8").splitlines()) == 1 + len(records)
    header, *rows = _read_csv(path)
    assert rows[3][header.index("message")] == '\'=HYPERLINK("http://x") | boom'


def test_grades_csv_writes_fractional_points_without_float_noise(tmp_path):
    record = _record("s1", "graded", [_question("q_a", 8 / 3, 8), _question("q_b", 7.5, 10)])
    rows = _read_csv(write_grades_csv(Report([record], POINTS, TITLE), tmp_path / "g.csv"))
    assert rows[1][4:8] == ["2.6667", "7.5", "10.1667", "18"]


# Canvas and Moodle


def test_canvas_csv_header_points_possible_row_and_only_real_canvas_identities(records, tmp_path):
    path = write_canvas_csv(Report(records, POINTS, TITLE), tmp_path / "canvas.csv")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == 'Student,ID,SIS User ID,SIS Login ID,Section,"Optimisers, from scratch"'
    assert lines[1] == "    Points Possible,,,,,18"
    rows = _read_csv(path)[2:]
    assert rows == [["Plato", "9001", "SIS10", "", "Tue", "18"]]  # the others: file names only


def test_canvas_csv_assignment_id_in_the_header(records, tmp_path):
    report = Report(records, POINTS, TITLE, canvas_assignment_id="4711")
    path = write_canvas_csv(report, tmp_path / "canvas.csv")
    assert _read_csv(path)[0][5] == "Optimisers, from scratch (4711)"


def test_moodle_csv_columns_names_and_feedback(records, tmp_path):
    rows = _read_csv(write_moodle_csv(Report(records, POINTS, TITLE), tmp_path / "moodle.csv"))
    assert rows[0] == [
        "First name", "Last name", "Email address",
        f"Assignment: {TITLE} (Real)", f"Feedback: {TITLE}",
    ]  # fmt: skip
    assert [r[2] for r in rows[1:]] == ["ada@example.org", "jörg@example.org"]
    by_email = {r[2]: r for r in rows[1:]}
    assert by_email["ada@example.org"] == [
        "Ada King", "Lovelace", "ada@example.org", "13", "13/18 points; graded",
    ]  # fmt: skip
    assert by_email["jörg@example.org"][:2] == ["Jörg", "Müller"]  # "Last, First" as Canvas
    assert by_email["jörg@example.org"][3:] == ["4", "4/18 points; ran out of time"]


def test_moodle_csv_by_idnumber_leaves_out_rows_without_one(records, tmp_path):
    report = Report(records, POINTS, TITLE, moodle_identifier="idnumber")
    rows = _read_csv(write_moodle_csv(report, tmp_path / "moodle.csv"))
    assert rows[0][2] == "ID number"
    assert rows[1:] == [["Plato", "", "SIS10", "18", "18/18 points; graded"]]


# feedback pages


class _Parsed(html.parser.HTMLParser):
    """Tags and text of a page as a browser would see them."""

    def __init__(self, text):
        super().__init__()
        self.tags, self.links, self.data = [], [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.links += [v for k, v in attrs if k in ("href", "src")]

    def handle_data(self, data):
        self.data.append(data)

    @property
    def text(self):
        return "".join(self.data)


@pytest.mark.parametrize("show_hidden", ["never", "after_published", "always"])
def test_feedback_pages_escape_student_text_and_load_nothing(records, tmp_path, show_hidden):
    pages = write_feedback_pages(Report(records, POINTS, TITLE, show_hidden), tmp_path)
    assert [p.name for p in pages] == ["s10.html", "s02.html", "s01.html", "s03.html"]
    for page in pages:
        parsed = _Parsed(page.read_text(encoding="utf-8"))
        assert "script" not in parsed.tags and "link" not in parsed.tags and parsed.links == []
    ada = _Parsed(pages[2].read_text(encoding="utf-8"))
    assert f"step returned {SCRIPT}" in ada.text  # the student sees their output, as text
    assert "Hint: check the sign of lr" in ada.text
    assert "Feedback for Ada King Lovelace (s01)" in ada.text and "13 / 18 points" in ada.text


def test_feedback_page_shows_hidden_tests_per_setting(records, tmp_path):
    def page_of(show):
        out = tmp_path / show
        text = write_feedback_pages(Report(records, POINTS, TITLE, show), out)[2].read_text(
            encoding="utf-8"
        )
        return text, _Parsed(text)

    never, never_parsed = page_of("never")
    assert "2 hidden tests: 1 passed" in never_parsed.text
    assert "1 hidden test: 1 passed" in never_parsed.text
    assert HIDDEN_SECRET not in never and "q_b - 2" not in never and "<details>" not in never
    assert "q_b - 1" in never  # public tests are listed

    published, published_parsed = page_of("after_published")
    assert "2 hidden tests: 1 passed" in published_parsed.text
    details = published.index("<details>")
    assert "shown after grades are published" in published[details:]
    assert published.index(HIDDEN_SECRET) > details and "<details open" not in published

    always, always_parsed = page_of("always")
    assert HIDDEN_SECRET in always_parsed.text and "<details>" not in always
    assert "hidden tests:" not in always_parsed.text


def test_feedback_page_explains_a_timeout_and_an_invalid_submission(records, tmp_path):
    pages = write_feedback_pages(Report(records, POINTS, TITLE, "never"), tmp_path)
    timeout = _Parsed(pages[1].read_text(encoding="utf-8")).text
    assert "ran out of time after 60 s; the questions that ran before that are scored" in timeout
    assert f"in cell 7 {SCRIPT}" in timeout  # the message, escaped
    assert "4 / 18 points" in timeout
    assert "Not scored: this question did not run." in timeout  # q_b never ran
    invalid = _Parsed(pages[3].read_text(encoding="utf-8")).text
    assert "could not be read as a Jupyter notebook" in invalid and "0 / 18 points" in invalid


def test_feedback_index_links_every_student_once(records, tmp_path):
    pages = write_feedback_pages(Report(records, POINTS, TITLE, "always"), tmp_path)
    index = _Parsed((tmp_path / "index.html").read_text(encoding="utf-8"))
    assert index.links == ["s01.html", "s02.html", "s03.html", "s10.html"]
    assert sorted(index.links) == sorted(p.name for p in pages)
    assert "Müller, Jörg" in index.text


def test_page_names_are_safe_and_never_collide():
    ids = ["a/b", "a_b", "AB", "ab", "index", "../etc", "", "ok-1.x"]
    names = page_names(ids)
    assert len({n.lower() for n in names.values()} | {"index.html"}) == len(ids) + 1
    assert all(n.endswith(".html") and not n.startswith(".") for n in names.values())
    assert all(set(n) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
               for n in names.values())  # fmt: skip
    assert names["a_b"] == "a_b.html" and names["ok-1.x"] == "ok-1.x.html"


def test_feedback_pages_reject_an_unknown_hidden_setting(records, tmp_path):
    with pytest.raises(ValueError, match="after_published"):
        write_feedback_pages(Report(records, POINTS, TITLE, "sometimes"), tmp_path)


# summary


def test_summary_table_counts_statuses_and_averages(records):
    table = summary_table(Report(records, POINTS, TITLE)).splitlines()
    assert table[0] == "4 submissions: 2 graded, 1 timeout, 0 memory, 0 error, 1 invalid"
    rows = {line.split()[0]: line.split()[1:] for line in table[2:] if not line.startswith("-")}
    assert rows["q_a"] == ["8", "5.00", "6.00"]
    assert rows["q_b"] == ["10", "3.75", "2.50"]
    assert rows["total"] == ["18", "8.75", "8.50"]


def test_summary_markdown_and_png(records, tmp_path):
    paths = write_summary(Report(records, POINTS, TITLE), tmp_path)
    markdown = paths.markdown.read_text(encoding="utf-8")
    assert "4 submissions: 2 graded, 1 timeout, 0 memory, 0 error, 1 invalid" in markdown
    assert "Total (max 18): mean 8.75, median 8.50" in markdown
    assert "| q_a | 8 | 5.00 | 6.00 | 50% |" in markdown
    assert "| q_b | 10 | 3.75 | 2.50 | 25% |" in markdown
    assert "| total | 18 | 8.75 | 8.50 | 25% |" in markdown
    not_graded = markdown.split("## Not graded to the end (2)")[1].split("\n## ")[0]
    assert "s02" in not_graded and "timed out after 60 s | in cell 7" in not_graded
    assert "s03" in not_graded and "not a notebook: Expecting value" in not_graded
    assert "s01" not in not_graded and "s10" not in not_graded
    left_out = markdown.split("## Left out of canvas.csv (3)")[1].split("\n## ")[0]
    assert all(f"`{s}`: no Canvas identity" in left_out for s in ("s01", "s02", "s03"))
    with Image.open(paths.png) as image:
        assert image.format == "PNG"
        width, height = image.size
        pixels = np.asarray(image.convert("L"))
    assert width >= 1200 and height >= 500
    assert pixels.std() > 10  # something was drawn


def test_summary_without_submissions(tmp_path):
    assert "total" in summary_table(Report([], POINTS, TITLE)) and "-" in summary_table(
        Report([], POINTS, TITLE)
    )
    paths = write_summary(Report([], POINTS, TITLE), tmp_path)
    assert "0 submissions" in paths.markdown.read_text(encoding="utf-8")
    assert paths.png.stat().st_size > 0
