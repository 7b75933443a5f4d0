"""Points given by hand and late penalties in every output: grades.csv, the gradebook imports
and the feedback pages; totals out of the assignment's full points."""

import csv
import html.parser

import pytest

from autograder.grading.records import GradeRecord, QuestionRecord
from autograder.manual.scores import ManualGrades, ManualScore
from autograder.policy.late import LateOutcome
from autograder.reports.feedback_html import write_feedback_pages
from autograder.reports.grades_csv import write_grades_csv
from autograder.reports.lms import write_canvas_csv, write_moodle_csv
from autograder.reports.report import Report
from autograder.reports.summary import summary_table, write_summary

POINTS = {"q_auto": 80.0}
MANUAL = {"q_written": 15.0, "q_essay": 5.0}
SCRIPT = "<script>alert(1)</script>"


def _record(student_id: str, score: float) -> GradeRecord:
    question = QuestionRecord("q_auto", score, 80.0)
    return GradeRecord(
        f"{student_id}.ipynb",
        student_id,
        "graded",
        "",
        (question,),
        "c",
        "a",
        name=student_id,
        email=f"{student_id}@example.org",
        extra={"canvas_user_id": str(len(student_id) * 1000 + ord(student_id[0]))},
    )


@pytest.fixture
def report() -> Report:
    """ann: everything scored, on time; ben: scored, 2 days late (20%); cat: one answer not
    scored yet; dan: Canvas says late, no time. Scores and outcomes are by submission (file)."""
    scores = {
        ("ann.ipynb", "q_written"): ManualScore(15.0, f"=excellent {SCRIPT}"),
        ("ann.ipynb", "q_essay"): ManualScore(5.0),
        ("ben.ipynb", "q_written"): ManualScore(10.0, "cite numbers"),
        ("ben.ipynb", "q_essay"): ManualScore(0.0, "no answer"),
        ("cat.ipynb", "q_written"): ManualScore(12.0),
        ("dan.ipynb", "q_written"): ManualScore(7.5),
        ("dan.ipynb", "q_essay"): ManualScore(2.5),
    }
    late = {
        "ann.ipynb": LateOutcome("2026-11-20T23:00:00+01:00", 0, 0.0, ""),
        "ben.ipynb": LateOutcome(
            "2026-11-22T10:00:00+01:00", 2, 20.0, "submitted 2 days late: 20%"
        ),
        "dan.ipynb": LateOutcome(note="Canvas marks this submission late but gives no time"),
    }
    records = [_record("ben", 70.0), _record("ann", 80.0), _record("cat", 40.0), _record("dan", 0)]
    return Report(records, POINTS, "T", "never", manual=ManualGrades(MANUAL, scores), late=late)


def _rows(path):
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    return rows[0], {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}


def test_totals_add_the_points_given_by_hand_less_the_late_penalty(report):
    by_id = {r.student_id: r for r in report.records}
    assert report.max_points == 100.0  # auto-graded 80 + written 20
    assert report.total(by_id["ann"]) == 100.0
    assert report.penalty(by_id["ben"]) == 16.0 and report.total(by_id["ben"]) == 64.0
    assert report.pending(by_id["cat"]) == ["q_essay"] and report.total(by_id["cat"]) == 52.0
    assert [r.student_id for r in report.gradebook] == ["ann", "ben", "dan"]


def test_grades_csv_has_the_written_scores_comments_and_late_columns(report, tmp_path):
    header, rows = _rows(write_grades_csv(report, tmp_path / "grades.csv"))
    assert header == [
        "student_id", "name", "email", "file", "q_auto", "q_written", "q_essay", "total", "max",
        "status", "message", "matched_by", "q_written comment", "q_essay comment",
        "submitted_at", "days_late", "penalty", "late_note",
    ]  # fmt: skip
    ann, ben, cat, dan = rows["ann"], rows["ben"], rows["cat"], rows["dan"]
    assert [ann[k] for k in ("q_written", "q_essay", "total", "max")] == ["15", "5", "100", "100"]
    assert ann["q_written comment"] == f"'=excellent {SCRIPT}"  # guarded
    assert [ben[k] for k in ("total", "days_late", "penalty")] == ["64", "2", "16"]
    assert ben["submitted_at"] == "2026-11-22T10:00:00+01:00" and ben["q_essay"] == "0"
    assert cat["q_essay"] == "" and cat["total"] == "52"  # not scored: empty, never 0
    assert dan["days_late"] == "" and "no time" in dan["late_note"] and dan["penalty"] == "0"


def test_gradebooks_get_final_totals_only(report, tmp_path):
    canvas = list(csv.reader((write_canvas_csv(report, tmp_path / "c.csv")).open()))
    assert canvas[1][-1] == "100"  # Points Possible: the whole assignment
    assert {row[0]: row[-1] for row in canvas[2:]} == {"ann": "100", "ben": "64", "dan": "10"}
    moodle = list(csv.reader((write_moodle_csv(report, tmp_path / "m.csv")).open()))
    feedback = {row[2]: row[-1] for row in moodle[1:]}
    assert set(feedback) == {f"{s}@example.org" for s in ("ann", "ben", "dan")}  # cat: not yet
    assert feedback["ben@example.org"] == (
        "64/100 points; graded; submitted 2 days late: 20%; q_written: 10/15: cite numbers; "
        "q_essay: 0/5: no answer"
    )


class _Text(html.parser.HTMLParser):
    def __init__(self, text):
        super().__init__()
        self.tags, self.data = [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.data.append(data)


def test_feedback_pages_show_written_scores_comments_and_the_late_penalty(report, tmp_path):
    pages = {
        p.stem: _Text(p.read_text(encoding="utf-8")) for p in write_feedback_pages(report, tmp_path)
    }
    ann = "".join(pages["ann"].data)
    assert "100 / 100 points" in ann and f"=excellent {SCRIPT}" in ann
    assert "script" not in pages["ann"].tags
    ben = "".join(pages["ben"].data)
    assert "64 / 100 points" in ben and "Late work: submitted 2 days late: 20% (−16 points)." in ben
    assert "10 / 15" in ben and "cite numbers" in ben
    cat = "".join(pages["cat"].data)
    assert "52 / 100 points so far" in cat and "Not graded yet: q_essay" in cat
    assert "not graded yet / 5" in cat


def test_the_summary_counts_written_answers_and_totals_out_of_the_whole(report, tmp_path):
    table = summary_table(report).splitlines()
    assert table[2].split() == ["q_auto", "80", "47.50", "55.00"]
    assert table[3].split() == ["q_written", "15", "11.12", "11.00"]  # the four scored
    assert table[4].split() == ["q_essay", "5", "2.50", "2.50"]  # ann, ben, dan: cat not yet
    assert table[-1].split() == ["total", "100", "56.50", "58.00"]  # 100, 64, 52, 10
    markdown = write_summary(report, tmp_path).markdown.read_text(encoding="utf-8")
    assert "## Written answers not scored yet (1)\n\n- `cat`: q_essay" in markdown
    assert "- `ben`: `submitted 2 days late: 20%`, 16 points taken" in markdown
