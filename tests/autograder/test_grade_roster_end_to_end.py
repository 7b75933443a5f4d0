"""`autograder grade --roster` end to end on real sample notebooks of 01: uploads as folders,
otter export zips, a Canvas download and a Gradescope group export; every roster student one row
with the right grade, the stranger reported, the LMS files importable."""

import csv
import json

import pytest

from autograder import cli
from autograder.authoring.zipfiles import write_reproducible_zip
from examples.make_submissions import DEFAULT_OUT
from tests.autograder.lms_importers import LmsUser, canvas_import, moodle_import
from tests.autograder.otter_exports import STAMP, otter_export
from tests.build_once import built_root

pytestmark = pytest.mark.slow

ASSIGNMENT = "01_nn_from_scratch"
SAMPLES = DEFAULT_OUT / ASSIGNMENT
ROSTER = """\
id,name,email,canvas_user_id,sis_user_id,sis_login_id
s1,Alice Archer,alice@uni.edu,,S1,alice
s2,Bob Baker,bob@uni.edu,,S2,bob
s3,Carol Chen,carol@uni.edu,201,S3,carol
s4,Erin Evans,erin@uni.edu,,E5,erin
s5,Frank Fischer,Frank@uni.edu,,S5,frank
s6,Zoe Zimmermann,zoe@uni.edu,,S6,zoe
"""
USERS = [
    LmsUser("101", "Alice Archer", "S1", "alice", "alice@uni.edu"),
    LmsUser("102", "Bob Baker", "S2", "bob", "bob@uni.edu"),
    LmsUser("201", "Carol Chen", "S3", "carol", "carol@uni.edu"),
    LmsUser("104", "Erin Evans", "E5", "erin", "erin@uni.edu"),
    LmsUser("105", "Frank Fischer", "S5", "frank", "Frank@uni.edu"),
    LmsUser("106", "Zoe Zimmermann", "S6", "zoe", "zoe@uni.edu"),
    LmsUser("107", "Quinn Quist", "quinn_empty", "quinn", "quinn@uni.edu"),  # not on the roster
]


def sample(student: str) -> bytes:
    return (SAMPLES / f"{student}.ipynb").read_bytes()


def otter_export_of(student: str) -> bytes:
    return otter_export(sample(student), ASSIGNMENT)


def expected_total(student: str) -> float:
    return json.loads((SAMPLES / "expected.json").read_text())[student]["total"]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("roster_e2e")
    subs = tmp / "subs"
    (subs / "alice").mkdir(parents=True)
    (subs / "alice" / f"{ASSIGNMENT}.ipynb").write_bytes(sample("alice_correct"))
    (subs / "bob").mkdir()
    (subs / "bob" / f"{ASSIGNMENT}_{STAMP}.zip").write_bytes(otter_export_of("bob_partial"))
    (subs / "quinn_empty.ipynb").write_bytes(sample("quinn_empty"))  # not on the roster
    canvas = tmp / "canvas.zip"
    write_reproducible_zip(
        canvas,
        {f"chencarol_late_201_9001_{ASSIGNMENT}_{STAMP}.zip": otter_export_of("carol_blank")},
    )
    gradescope = tmp / "gradescope.zip"
    metadata = (
        "submission_77:\n  :submitters:\n"
        "  - :name: Erin E.\n    :sid: 'E5'\n    :email: erin@elsewhere.org\n"
        "  - :name: Frank F.\n    :email: frank@UNI.edu\n"
    )
    write_reproducible_zip(
        gradescope,
        {
            "submission_metadata.yml": metadata.encode(),
            f"submission_77/{ASSIGNMENT}_{STAMP}.zip": otter_export_of("erin_forgot_batch_mean"),
        },
    )
    roster = tmp / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    out = tmp / "out"
    argv = [
        "--root", str(built_root(ASSIGNMENT)), "grade", ASSIGNMENT,
        str(subs), str(canvas), str(gradescope), "--out", str(out), "--workers", "2",
        "--time-limit", "20", "--roster", str(roster), "--canvas-assignment-id", "555",
    ]  # fmt: skip
    status = cli.main(argv)
    return status, out


def read_csv(path):
    with path.open(encoding="utf-8", newline="") as stream:
        header, *rows = list(csv.reader(stream))
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_every_roster_student_one_row_with_the_right_grade(graded, capsys):
    status, out = graded
    assert status == 0
    rows = {r["student_id"]: r for r in read_csv(out / "grades.csv")}
    assert sorted(rows) == ["s1", "s2", "s3", "s4", "s5", "s6"]
    assert {k: r["matched_by"] for k, r in rows.items()} == {
        "s1": "sis login id",  # the folder entry "alice"
        "s2": "sis login id",  # an otter export zip in the folder "bob"
        "s3": "canvas user id",  # an otter export zip in a Canvas download
        "s4": "gradescope sid",  # a group: its first member by sid ...
        "s5": "email",  # ... and its second by email, ignoring case
        "s6": "",
    }
    totals = {k: float(r["total"]) for k, r in rows.items()}
    assert totals["s1"] == pytest.approx(expected_total("alice_correct"))
    assert totals["s2"] == pytest.approx(expected_total("bob_partial"))
    assert totals["s3"] == pytest.approx(expected_total("carol_blank"))
    assert totals["s4"] == totals["s5"] == pytest.approx(expected_total("erin_forgot_batch_mean"))
    assert (rows["s6"]["status"], totals["s6"]) == ("missing", 0.0)
    assert (out / "feedback" / "s6.html").is_file()


def test_the_stranger_is_reported_and_in_no_lms_file(graded):
    _, out = graded
    (stranger,) = read_csv(out / "unmatched.csv")
    assert stranger["student_id"] == "quinn_empty" and stranger["status"] == "invalid"
    assert "on no roster line" in stranger["reason"]
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "## Matched to no roster student" in summary and "`quinn_empty`" in summary
    assert "## On the roster, nothing submitted (1)" in summary and "`s6`" in summary
    assert "5 submissions:" in summary and "1 on the roster submitted nothing" in summary


def test_the_lms_files_import_onto_the_right_students(graded):
    _, out = graded
    grades = {r["student_id"]: r["total"] for r in read_csv(out / "grades.csv")}
    by_user = {u.canvas_id: grades[f"s{i + 1}"] for i, u in enumerate(USERS[:6])}
    imported = canvas_import(out / "canvas.csv", USERS)
    assert imported.assignment_id == "555" and imported.new_students == []
    assert imported.grades == by_user
    assert moodle_import(out / "moodle.csv", USERS, "Email address", "email") == by_user
