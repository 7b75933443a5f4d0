"""Manual scores and late work belong to submissions: with a roster, a sheet or a time may name a
submission by its own id or by its roster student's; a group's members share their submission's
points and lateness; a roster student who submitted nothing has nothing pending."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from autograder.batch.adjustments import Adjustments, apply, save_answers
from autograder.grading.records import GradeRecord, QuestionRecord, Submission
from autograder.manual import answers
from autograder.manual.grades import ManualGrades, ManualScore
from autograder.manual.scores import ManualScoresError
from autograder.policy.late import LatePolicy
from autograder.reports.matching import roll_call
from autograder.reports.report import Report
from autograder.reports.roster import load_roster

ZURICH = ZoneInfo("Europe/Zurich")
POLICY = LatePolicy(
    due=datetime(2026, 11, 20, 23, 59, tzinfo=ZURICH),
    zone=ZURICH,
    per_day=10.0,
    extensions={
        "B2": datetime(2026, 11, 21, 23, 59, tzinfo=ZURICH),
        "C3": datetime(2026, 11, 25, 23, 59, tzinfo=ZURICH),
    },
)


def _record(student_id, file, email, **extra):
    question = QuestionRecord("q_auto", 50.0, 80.0)
    return GradeRecord(
        file, student_id, "graded", "", (question,), "c", "a", email=email, extra=extra
    )


@pytest.fixture
def run(tmp_path):
    """alice's notebook (matched to roster A1 by email), bob and carol's group submission (B2,
    C3), and dan (D4) on the roster with nothing submitted."""
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "id,name,email\nA1,Alice A,alice@x.org\nB2,Bob B,bob@x.org\nC3,Carol C,carol@x.org\n"
        "D4,Dan D,dan@x.org\n",
        encoding="utf-8",
    )
    members = [
        {"name": "Bob B", "email": "bob@x.org", "sid": ""},
        {"name": "Carol C", "email": "carol@x.org", "sid": ""},
    ]
    records = [
        _record("alice_nb", "alice_nb.ipynb", "alice@x.org"),
        _record(
            "bob@x.org",
            "export.zip!submission_7/nb.ipynb",
            "bob@x.org",
            gradescope_folder="submission_7",
            created_at="2026-11-22 10:00:00 +01:00",
            submitters=json.dumps(members),
        ),
    ]
    roll = roll_call(records, load_roster(roster))
    report = Report(roll.rows, {"q_auto": 80.0}, "T", "never", unmatched=roll.unmatched)
    return records, report


def _rows(report):
    return {r.student_id: r for r in report.records}


def test_scores_by_roster_or_submission_id_reach_every_row_of_that_submission(run, capsys):
    records, report = run
    scores = {
        ("A1", "q_written"): ManualScore(4.0, "roster id"),
        ("bob@x.org", "q_written"): ManualScore(3.0, "the group's submission id"),
        ("D4", "q_written"): ManualScore(5.0),
    }
    adjust = Adjustments(ManualGrades({"q_written": 5.0}, scores), {}, POLICY)
    applied = apply(adjust, report, records)
    rows = _rows(applied)
    assert applied.manual_score(rows["A1"], "q_written").points == 4.0
    assert [applied.total(rows[s]) for s in ("A1", "B2", "C3")] == [54.0, 53.0, 53.0]
    assert applied.late_of(rows["B2"]).days_late == 0  # C3's (the later) extension covers both
    assert applied.pending(rows["D4"]) == [] and applied.total(rows["D4"]) == 0.0
    assert [r.student_id for r in applied.gradebook] == ["A1", "B2", "C3", "D4"]
    assert "manual scores of D4 ignored: no submission of theirs" in capsys.readouterr().err


def test_late_times_by_a_members_id_and_without_extension(run):
    records, report = run
    policy = LatePolicy(POLICY.due, ZURICH, per_day=10.0)
    given = {"A1": datetime(2026, 11, 21, 0, 30, tzinfo=ZURICH)}
    applied = apply(Adjustments(ManualGrades(), given, policy), report, records)
    rows = _rows(applied)
    assert applied.late_of(rows["A1"]).days_late == 1 and applied.penalty(rows["A1"]) == 5.0
    assert {applied.late_of(rows[s]).days_late for s in ("B2", "C3")} == {2}  # Gradescope time


def test_one_submission_scored_under_two_ids_is_refused(run):
    records, report = run
    scores = {
        ("A1", "q_written"): ManualScore(4.0),
        ("alice_nb", "q_written"): ManualScore(2.0),
    }
    adjust = Adjustments(ManualGrades({"q_written": 5.0}, scores))
    with pytest.raises(ManualScoresError, match="A1 and alice_nb .*name one submission"):
        apply(adjust, report, records)


def test_written_answers_are_saved_under_the_roster_id(run, tmp_path):
    records, report = run
    submissions = [Submission(r.file, b"{}", r.student_id) for r in records]
    submissions.append(Submission("stray.ipynb", b"{}", "nobody"))
    adjust = Adjustments(ManualGrades({"q_written": 5.0}))
    saved = save_answers(adjust, submissions, report, tmp_path)
    _, students = answers.load(saved)
    assert [(s.student_id, s.name) for s in students] == [
        ("A1", "Alice A"),
        ("B2", "Bob B"),
        ("nobody", ""),  # matched to no roster student: its own id, still gradable
    ]
