"""autograder.reports.roster and .matching: every roster student one row, the right student."""

import json

import pytest

from autograder import cli
from autograder.grading.records import GradeRecord, QuestionRecord
from autograder.reports.matching import roll_call
from autograder.reports.roster import RosterError, load_roster

CANVAS_EXPORT = """\
Student,ID,SIS User ID,SIS Login ID,Section,Homework 1 (311),Final Score
    Points Possible,,,,,100,
"Lovelace, Ada",101,S001,ada,Tue,80,
"Turing, Alan",102,S002,alan@uni.edu,Wed,,
"Student, Test",999,,,Tue,,
"""


def write(tmp_path, text, name="roster.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def record(student_id, score=5.0, status="graded", file=None, **kwargs):
    questions = (QuestionRecord("q1", score, 10.0),) if status != "invalid" else ()
    return GradeRecord(
        file=file or f"{student_id}.ipynb",
        student_id=student_id,
        status=status,
        message="",
        questions=questions,
        content_hash="c" * 64,
        autograder_hash="a" * 64,
        **kwargs,
    )


# reading a roster


def test_canvas_export_is_read_by_column_name(tmp_path):
    roster = load_roster(write(tmp_path, CANVAS_EXPORT))
    assert roster.kind == "canvas" and roster.warnings == ()
    ada, alan = roster.students  # the Points Possible row and the Test Student are skipped
    assert (ada.id, ada.name, ada.canvas_user_id) == ("101", "Lovelace, Ada", "101")
    assert (ada.sis_user_id, ada.sis_login_id, ada.section) == ("S001", "ada", "Tue")
    assert (alan.sis_login_id, alan.line) == ("alan@uni.edu", 4)


def test_canvas_export_with_an_unexpected_column_says_so_and_still_reads(tmp_path):
    text = CANVAS_EXPORT.replace("SIS Login ID,Section", "SIS Login ID,Pronouns,Section")
    text = text.replace(",ada,Tue", ",ada,she,Tue").replace("alan@uni.edu,Wed", "alan@uni.edu,,Wed")
    text = text.replace("    Points Possible,,,,,", "    Points Possible,,,,,,").replace(
        'Test",999,,,Tue', 'Test",999,,,,Tue'
    )
    roster = load_roster(write(tmp_path, text))
    assert [s.section for s in roster.students] == ["Tue", "Wed"]
    (warning,) = roster.warnings
    assert "'Pronouns'" in warning and "ignored" in warning


def test_canvas_export_without_section_is_an_error_naming_the_columns(tmp_path):
    with pytest.raises(RosterError, match="needs a Section column.*found: Student, ID, Email"):
        load_roster(write(tmp_path, "Student,ID,Email\nAda,101,a@x\n"))


def test_canvas_row_without_a_user_id_is_an_error(tmp_path):
    text = CANVAS_EXPORT + "Ghost,,S9,,Tue,,\n"
    with pytest.raises(RosterError, match="line 6: 'Ghost' has no Canvas user id"):
        load_roster(write(tmp_path, text))


def test_plain_roster_columns_and_the_id_as_sis_user_id(tmp_path):
    text = "\ufeffID,Name,E-mail,Username,Notes\nalice,Alice A,alice@x.edu,aa1,hi\nbob,Bob,,,\n"
    with pytest.raises(RosterError, match="needs an `id` column") as error:
        load_roster(write(tmp_path, text.replace("ID,", "Key,")))
    assert "found: Key, Name" in str(error.value)
    roster = load_roster(write(tmp_path, text.replace("E-mail", "email")))
    alice, bob = roster.students
    assert (alice.id, alice.name, alice.email, alice.sis_login_id) == (
        "alice", "Alice A", "alice@x.edu", "aa1"
    )  # fmt: skip
    assert (alice.sis_user_id, bob.sis_user_id) == ("alice", "bob")
    assert any("'Notes' ignored" in w for w in roster.warnings)


@pytest.mark.parametrize(
    ("rows", "shared"),
    [
        ("a,A,a@x\na,B,b@x\n", "id 'a' on lines 2, 3"),
        ("a,A,Same@x\nb,B,same@X\n", "email 'same@x' on lines 2, 3"),
    ],
)
def test_duplicate_identities_are_an_error_naming_the_lines(tmp_path, rows, shared):
    with pytest.raises(RosterError, match="share an identity") as error:
        load_roster(write(tmp_path, "id,name,email\n" + rows))
    assert shared in error.value.lines


def test_unreadable_or_empty_roster(tmp_path):
    with pytest.raises(RosterError, match="cannot read the roster"):
        load_roster(tmp_path / "nope.csv")
    with pytest.raises(RosterError, match="is empty"):
        load_roster(write(tmp_path, "\n\n"))


def test_the_grade_command_stops_on_a_bad_roster_or_lms_option_before_grading(tmp_path, capsys):
    notebook = write(tmp_path, "{}", "alice.ipynb")
    roster = write(tmp_path, "id,name\na,A\na,B\n")
    base = ["grade", "01_nn_from_scratch", str(notebook), "--out", str(tmp_path / "out")]
    assert cli.main([*base, "--roster", str(roster)]) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert "students share an identity" in err and "id 'a' on lines 2, 3" in err
    assert cli.main([*base, "--canvas-assignment-id", "12a"]) == cli.EXIT_USAGE
    assert "a Canvas assignment id is digits, not '12a'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()  # nothing graded, nothing written


# matching


def group(members, **kwargs):
    submitters = [{"name": n, "email": e, "sid": s} for n, e, s in members]
    extra = {
        "gradescope_folder": "submission_7",
        "submitters": json.dumps(submitters),
        **({"gradescope_sid": members[0][2]} if members[0][2] else {}),
    }
    first = members[0]
    return record(first[2] or first[1], name=first[0], email=first[1], extra=extra, **kwargs)


def test_every_roster_student_one_row_with_the_match_used(tmp_path):
    roster = load_roster(
        write(
            tmp_path,
            "id,name,email,canvas_user_id,sis_login_id,sis_user_id\n"
            "u1,One,one@x.edu,11,,u1\nu2,Two,two@x.edu,12,,\nu3,Three,three@x.edu,,l3,\n"
            "u4,Four,four@x.edu,,,\nu5,Five,,,,S5\nu6,Six,,,,\nu7,Seven,,,,\n",
        )
    )
    records = [
        record("9", extra={"gradescope_folder": "submission_1", "gradescope_sid": "u1"}),
        record("ONE@x.edu", email="TWO@X.EDU", extra={"gradescope_folder": "submission_2"}),
        record("l3", 7.0),
        record("11", extra={"canvas_user_id": "11", "canvas_submission_id": "5"}),
        record("u5", 3.0),
        record("stranger", 9.0),
        record("u6", 1.0, file="x.zip!u6.ipynb", extra={"named_inside_zip": "true"}),
        record("u7", 2.0),
    ]
    roll = roll_call(records, roster)
    rows = {r.student_id: r for r in roll.rows}
    assert list(rows) == ["u1", "u2", "u3", "u4", "u5", "u6", "u7"]
    assert {i: r.extra.get("matched_by") for i, r in rows.items()} == {
        "u1": "canvas user id",  # the sid's u1 matched first, then the Canvas download won (later)
        "u2": "email",
        "u3": "sis login id",
        "u4": None,
        "u5": "file name",
        "u6": None,
        "u7": "sis user id",  # a plain roster's id is its SIS User ID unless one is given
    }
    assert rows["u4"].status == rows["u6"].status == "missing" and rows["u4"].total == 0
    assert rows["u3"].total == 7.0 and rows["u3"].extra["submitted_as"] == "l3"
    assert rows["u2"].email == "two@x.edu"  # the roster's spelling, for Moodle
    reasons = {u.student_id: u.reason for u in roll.unmatched}
    assert set(reasons) == {"9", "stranger", "u6"}
    assert "also submitted 11.ipynb" in reasons["9"]
    assert reasons["stranger"].startswith("on no roster line: tried sis user id 'stranger'")
    assert "name inside a zip" in reasons["u6"]


def test_a_group_gives_every_member_a_row_with_the_groups_grade(tmp_path):
    roster = load_roster(write(tmp_path, "id,name,email\ns1,A,a@x\ns2,B,b@x\ns3,C,c@x\n"))
    members = [("A", "a@x", "s1"), ("B", "b@x", ""), ("Zed", "z@x", "s9")]
    roll = roll_call([group(members, score=6.0)], roster)
    assert [(r.student_id, r.status, r.total) for r in roll.rows] == [
        ("s1", "graded", 6.0), ("s2", "graded", 6.0), ("s3", "missing", 0.0),
    ]  # fmt: skip
    (stranger,) = roll.unmatched
    assert (stranger.student_id, stranger.name) == ("s9", "Zed")


def test_without_a_roster_group_members_get_their_own_rows():
    members = [("A", "a@x", "s1"), ("B", "b@x", "")]
    rows = roll_call([group(members, score=6.0), record("b@x")], None).rows
    assert [(r.student_id, r.name, r.total) for r in rows] == [
        ("s1", "A", 6.0), ("b@x", "", 5.0), ("b@x#2", "B", 6.0),
    ]  # fmt: skip


def test_an_identity_naming_two_roster_students_matches_nobody(tmp_path):
    roster = load_roster(write(tmp_path, "id,name,email,sis_login_id\na,A,x@y.z,\nb,B,,X@y.z\n"))
    gradescope = {"gradescope_folder": "submission_1"}
    roll = roll_call([record("x@y.z", email="x@y.z", extra=gradescope)], roster)
    assert [r.status for r in roll.rows] == ["missing", "missing"]
    assert "names several roster students ('a', 'b')" in roll.unmatched[0].reason
