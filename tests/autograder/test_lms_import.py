"""canvas.csv and moodle.csv read by the real importers' rules (tests/autograder/lms_importers.py)
in a course with traps: every grade lands on its own student, nobody else's; and no text cell of
any CSV the grade command writes starts a formula, whatever the students are called."""

import csv

import pytest

from autograder.grading.records import GradeRecord, QuestionRecord
from autograder.reports import write_reports
from autograder.reports.matching import roll_call
from autograder.reports.report import Report
from autograder.reports.roster import load_roster
from autograder.reports.unmatched import left_out
from tests.autograder.lms_importers import ImportRejected, LmsUser, canvas_import, moodle_import

HOSTILE = '=HYPERLINK("http://evil","click")'
USERS = [
    LmsUser("101", "Ada Lovelace", "S001", "ada", "ada@uni.edu"),
    LmsUser("102", "Alan Turing", "S002", "alan@uni.edu", "alan@uni.edu"),
    LmsUser("103", "Grace Hopper", "S003", "grace", "Grace@uni.edu"),
    LmsUser("104", "Eve Trap", "alice", "eve", "eve@uni.edu"),  # SIS id = a folder's name
    LmsUser("105", HOSTILE, "S005", "mal", "mal@uni.edu"),
    LmsUser("106", "Nobody Else", "S006", "nobody", "nobody@uni.edu"),
    LmsUser("107", "Hank Absent", "S007", "hank", "hank@uni.edu"),
]
ON_ROSTER = ["101", "102", "103", "105", "107"]
POINTS = {"q1": 10.0, "q2": 10.0}


def graded(student_id, total, **kwargs):
    return GradeRecord(
        file=kwargs.pop("file", f"{student_id}.ipynb"),
        student_id=student_id,
        status="graded",
        message="",
        questions=(QuestionRecord("q1", min(total, 10.0), 10.0), QuestionRecord("q2", 0.0, 10.0)),
        content_hash="c" * 64,
        autograder_hash="a" * 64,
        **kwargs,
    )


def submissions():
    """Alan via Gradescope, Ada and Mallory via a Canvas download, Grace and a stranger "alice"
    as folders; Hank submitted nothing."""
    return [
        graded(
            "S002",
            4,
            name="Alan T.",
            email="alan@uni.edu",
            extra={"gradescope_folder": "submission_1", "gradescope_sid": "S002"},
        ),
        graded("101", 9, name="lovelaceada", extra={"canvas_user_id": "101"}),
        graded("105", 7, name="mal", extra={"canvas_user_id": "105"}),
        graded("grace", 6, file="subs/grace/hw.ipynb"),
        graded("alice", 10, file="subs/alice/hw.ipynb"),
    ]


EXPECTED = {"101": "9", "102": "4", "103": "6", "105": "7", "107": "0"}


def canvas_roster(tmp_path):
    path = tmp_path / "canvas_roster.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "HW (1)"])
        writer.writerow(["    Points Possible", "", "", "", "", "20"])
        for u in USERS:
            if u.canvas_id in ON_ROSTER:
                writer.writerow([u.name, u.canvas_id, u.sis_user_id, u.sis_login_id, "A", ""])
    return path


def plain_roster(tmp_path):
    path = tmp_path / "plain_roster.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["id", "name", "email", "canvas_user_id", "sis_user_id", "sis_login_id"])
        for u in USERS:
            if u.canvas_id in ON_ROSTER:
                writer.writerow(
                    [f"u{u.canvas_id}", u.name, u.email, u.canvas_id, u.sis_user_id, u.sis_login_id]
                )
    return path


def write_all(tmp_path, roster_path, **options):
    options.setdefault("canvas_assignment_id", "4711")  # the title ends like an id
    roster = load_roster(roster_path) if roster_path else None
    roll = roll_call(submissions(), roster)
    report = Report(roll.rows, POINTS, "HW (2026)", unmatched=roll.unmatched, **options)
    out = tmp_path / "out"
    write_reports(report, out)
    return report, out


@pytest.mark.parametrize("make_roster", [canvas_roster, plain_roster])
def test_canvas_import_gives_every_grade_to_its_own_student(tmp_path, make_roster):
    report, out = write_all(tmp_path, make_roster(tmp_path), canvas_assignment_id="4711")
    imported = canvas_import(out / "canvas.csv", USERS)
    assert (imported.assignment_title, imported.assignment_id) == ("HW (2026)", "4711")
    assert imported.points_possible == "20"
    assert imported.grades == EXPECTED  # Eve (SIS id "alice") and Nobody get nothing
    assert imported.new_students == []
    assert [u.student_id for u in report.unmatched] == ["alice"]


@pytest.mark.parametrize(
    ("identifier", "column", "field"),
    [("email", "Email address", "email"), ("username", "Username", "sis_login_id")],
)
def test_moodle_import_gives_every_grade_to_its_own_student(tmp_path, identifier, column, field):
    _, out = write_all(tmp_path, plain_roster(tmp_path), moodle_identifier=identifier)
    assert moodle_import(out / "moodle.csv", USERS, column, field) == EXPECTED


def test_moodle_by_idnumber_from_a_canvas_roster(tmp_path):
    _, out = write_all(tmp_path, canvas_roster(tmp_path), moodle_identifier="idnumber")
    assert moodle_import(out / "moodle.csv", USERS, "ID number", "sis_user_id") == EXPECTED


def test_without_a_roster_only_real_lms_identities_reach_the_lms_files(tmp_path):
    report, out = write_all(tmp_path, None)
    assert canvas_import(out / "canvas.csv", USERS).grades == {"101": "9", "105": "7"}
    assert moodle_import(out / "moodle.csv", USERS, "Email address", "email") == {"102": "4"}
    reasons = {name: {o.record.student_id for o in rows} for name, rows in left_out(report).items()}
    assert reasons == {
        "canvas.csv": {"S002", "alice", "grace"},
        "moodle.csv": {"101", "105", "alice", "grace"},
    }


def test_the_importers_would_catch_a_file_name_as_an_identity(tmp_path):
    """The rules are strict enough to fail the old output: "ID" holding a folder's name."""
    path = tmp_path / "old.csv"
    path.write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section,HW\n"
        "    Points Possible,,,,,20\nalice,alice,alice,,,10\n",
        encoding="utf-8",
    )
    assert canvas_import(path, USERS).grades == {"104": "10"}  # Eve would get alice's grade
    path.write_text("First name,Last name,ID number,Assignment: HW (Real)\na,,alice,10\n")
    with pytest.raises(ImportRejected, match="import aborted"):
        moodle_import(path, USERS, "ID number", "idnumber")


# spreadsheet safety

FORMULAS = ["=1+1", "+1", "-1+2", "@SUM(1)", "\t=1", "\r=1", " =1", "=cmd|' /C calc'!A0"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def hostile_inputs(tmp_path):
    """A roster and submissions whose every student-chosen text is a formula."""
    roster = tmp_path / "hostile_roster.csv"
    with roster.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["id", "name", "email", "sis_login_id", "section"])
        for i, text in enumerate(FORMULAS):
            writer.writerow([f"{text}{i}", text, f"{text}{i}@x", f"{text}l{i}", text])
    records = [
        graded(f"{text}{i}", i, name=text, email=f"{text}{i}@x", file=f"{text}.ipynb")
        for i, text in enumerate(FORMULAS)
    ]
    records += [
        graded(text, 1, name=text, email=text, file=f"{text}/x.ipynb", extra={"section": text})
        for text in FORMULAS
    ]
    return load_roster(roster), records


def test_no_text_cell_of_any_csv_starts_a_formula(tmp_path):
    roster, records = hostile_inputs(tmp_path)
    roll = roll_call(records, roster)
    assert roll.unmatched and all(r.status == "graded" for r in roll.rows)
    negative = GradeRecord(  # a negative number stays a number
        "f.ipynb", "neg", "graded", "=msg", (QuestionRecord("q1", -2.5, 10.0),), "c", "a"
    )
    report = Report(roll.rows + [negative], POINTS, "=title (x)", unmatched=roll.unmatched)
    out = tmp_path / "out"
    for moodle_identifier in ("email", "username"):
        write_reports(Report(**{**report.__dict__, "moodle_identifier": moodle_identifier}), out)
        csv_files = sorted(out.glob("**/*.csv"))
        assert {p.name for p in csv_files} >= {
            "grades.csv",
            "canvas.csv",
            "moodle.csv",
            "unmatched.csv",
        }
        cells = 0
        for path in csv_files:
            for row in csv.reader(path.open(encoding="utf-8", newline="")):
                for cell in row:
                    cells += 1
                    if cell.lstrip(" ").startswith(FORMULA_STARTS):
                        float(cell)  # only the tool's own numbers may start so
        assert cells > 100
    # identities a guard would change are left out of the LMS files, and said so
    reasons = {o.reason for rows in left_out(report).values() for o in rows}
    assert any("starts like a spreadsheet formula" in r for r in reasons)
