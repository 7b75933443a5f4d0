"""Late work: grading.yml's late policy, submission times from every source, the penalty."""

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from autograder.config import ConfigError, parse_config
from autograder.grading.records import GradeRecord
from autograder.policy.late import LatePolicy, TimeFormatError, parse_time
from autograder.policy.times import late_outcome, read_submitted_at
from autograder.reports.sheets import SheetError

ZURICH = ZoneInfo("Europe/Zurich")
COURSE = """
course: C
python_version: "3.11"
tolerances: {forward: {rtol: 1.0e-9}}
limits: {time_seconds: 30, memory_mb: 1024}
feedback: {hidden_test_output: never}
late: {timezone: Europe/Zurich, grace_minutes: 15, penalty_per_day: 10, cap: 25}
assignments:
  a1:
    title: A
    questions: {q1: 1}
    late:
      due: "2026-11-20 23:59"
      extensions: {alice: "2026-11-23 12:00", bob: 2}
  a2:
    title: B
    questions: {q1: 1}
    late: {due: "2026-11-27T23:59:00+00:00", curve: [5, 20, 50]}
  a3: {title: C, questions: {q1: 1}}
"""


def _course(text: str = COURSE, **edits):
    raw = yaml.safe_load(text)
    for dotted, value in edits.items():
        node = raw
        *path, last = dotted.split("__")
        for key in path:
            node = node[key]
        node[last] = value
    return parse_config(raw, Path("grading.yml"))


def _record(student_id: str, **extra: str) -> GradeRecord:
    return GradeRecord(f"{student_id}.ipynb", student_id, "graded", "", (), "c", "a", extra=extra)


def test_grading_yml_late_policy_merges_course_and_assignment_keys():
    course = _course()
    a1, a2 = course.assignments["a1"].late, course.assignments["a2"].late
    assert a1.due == datetime(2026, 11, 20, 23, 59, tzinfo=ZURICH)
    assert a1.grace == timedelta(minutes=15) and a1.per_day == 10 and a1.cap == 25
    assert a1.extensions == {
        "alice": datetime(2026, 11, 23, 12, 0, tzinfo=ZURICH),
        "bob": datetime(2026, 11, 22, 23, 59, tzinfo=ZURICH),
    }
    assert a2.curve == (5, 20, 50) and a2.per_day is None  # the assignment's curve, not per day
    assert a2.due.utcoffset() == timedelta(0) and a2.cap == 25
    assert course.assignments["a3"].late is None  # no due time: no policy


@pytest.mark.parametrize(
    ("edits", "message"),
    [
        ({"assignments__a1__late__due": "20.11.2026"}, r"a1\.late\.due: '20\.11\.2026' is not a"),
        ({"late__timezone": "Mars/Olympus"}, r"a1\.late\.timezone: unknown time zone"),
        ({"late__cap": 150}, r"a1\.late\.cap: expected a number from 0 to 100"),
        ({"late__grace_minutes": -5}, r"a1\.late\.grace: expected a number"),
        ({"late__due": "2026-11-20 23:59"}, r"late: unknown key\(s\) \['due'\]"),
        ({"late__curve": [10]}, "give exactly one of penalty_per_day and curve"),
        ({"late__penalty_per_day": None}, r"a1\.late\.penalty_per_day: expected a number"),
        ({"assignments__a3__late": {"extensions": {"x": 1}}}, "extensions need a due time"),
        ({"assignments__a1__late__extensions": {"bob": -1}}, r"extensions\.bob: expected a pos"),
        ({"assignments__a1__late__penalty": 5}, r"unknown key\(s\) \['penalty'\]"),
    ],
)
def test_bad_late_policy_is_a_config_error_naming_the_key(edits, message):
    with pytest.raises(ConfigError, match=message):
        _course(**edits)


def test_a_curve_must_not_fall():
    raw = yaml.safe_load(COURSE)
    raw["assignments"]["a2"]["late"] = {"due": "2026-11-27 23:59", "curve": [20, 10]}
    with pytest.raises(ConfigError, match="a later day cannot cost less"):
        parse_config(raw, Path("grading.yml"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-10-01 15:19:15.432010000 -07:00", "2019-10-01T15:19:15.432010-07:00"),  # Gradescope
        ("2019-10-01 15:19:15 -0700", "2019-10-01T15:19:15-07:00"),
        ("2026-11-20T22:59:00Z", "2026-11-20T22:59:00+00:00"),
        ("2026-11-20 23:59", "2026-11-20T23:59:00+01:00"),  # no offset: the policy's zone
        ("2026-07-20 23:59 UTC", "2026-07-20T23:59:00+00:00"),
    ],
)
def test_parse_time_reads_gradescope_iso_and_local_times(text, expected):
    assert parse_time(text, ZURICH).isoformat() == expected


@pytest.mark.parametrize("text", ["", "yesterday", "2026-13-40 25:00", "2026-11-20"])
def test_parse_time_rejects_what_is_not_a_time(text):
    with pytest.raises(TimeFormatError):
        parse_time(text, ZURICH)


def _policy(**kwargs) -> LatePolicy:
    base = {
        "due": datetime(2026, 11, 20, 23, 59, tzinfo=ZURICH),
        "zone": ZURICH,
        "grace": timedelta(minutes=15),
        "per_day": 10.0,
        "cap": 25.0,
    }
    return LatePolicy(**{**base, **kwargs})


def test_days_late_count_started_days_after_the_grace_period_and_the_cap_holds():
    policy = _policy(extensions={"alice": datetime(2026, 11, 23, 12, 0, tzinfo=ZURICH)})
    due = policy.due
    on_time = policy.assess("x", due + timedelta(minutes=15))
    assert (on_time.days_late, on_time.percent, on_time.note) == (0, 0.0, "")
    one = policy.assess("x", due + timedelta(minutes=16))
    assert (one.days_late, one.percent) == (1, 10.0) and "1 day after the due time" in one.note
    two = policy.assess("x", due + timedelta(days=1, seconds=1))
    assert (two.days_late, two.percent) == (2, 20.0)
    five = policy.assess("x", due + timedelta(days=4, hours=2))
    assert (five.days_late, five.percent) == (5, 25.0)  # capped
    assert policy.assess("alice", due + timedelta(days=2)).days_late == 0  # extension
    late_alice = policy.assess("alice", datetime(2026, 11, 24, 12, 0, tzinfo=ZURICH))
    assert late_alice.days_late == 1 and "(extended)" in late_alice.note
    assert one.penalty(85.0) == 8.5 and one.penalty(-1.0) == 0.0


def test_a_curve_gives_each_day_its_percent_and_later_days_the_last():
    policy = _policy(per_day=None, curve=(5.0, 20.0, 50.0), cap=100.0)
    assert [policy.percent(d) for d in range(6)] == [0.0, 5.0, 20.0, 50.0, 50.0, 50.0]


def test_times_come_from_the_file_then_gradescope_then_the_canvas_flag():
    policy = _policy()
    given = {"s1": datetime(2026, 11, 21, 0, 30, tzinfo=ZURICH)}
    from_file = late_outcome(_record("s1", created_at="2026-11-01 10:00:00 +01:00"), given, policy)
    assert from_file.days_late == 1 and from_file.submitted_at == "2026-11-21T00:30:00+01:00"
    gradescope = late_outcome(_record("s2", created_at="2026-11-23 07:59:00.5 +00:00"), {}, policy)
    assert (gradescope.days_late, gradescope.submitted_at) == (3, "2026-11-23T08:59:00+01:00")
    canvas = late_outcome(_record("s3", late="true"), {}, policy)
    assert canvas.days_late is None and canvas.percent == 0 and "--submitted-at" in canvas.note
    unreadable = late_outcome(_record("s4", created_at="soon"), {}, policy)
    assert unreadable.percent == 0 and "could not be read" in unreadable.note
    assert late_outcome(_record("s5", late="false"), {}, policy).note == ""
    no_policy = late_outcome(_record("s6", created_at="2026-11-23 07:59:00 +00:00"), {}, None)
    assert no_policy.submitted_at == "2026-11-23T07:59:00+00:00" and no_policy.days_late is None


def test_submitted_at_file_reads_guarded_ids_and_reports_every_problem(tmp_path):
    good = tmp_path / "times.csv"
    good.write_text(
        "\ufeffStudent ,submitted_at\n'=bob,2026-11-21 10:00\nalice,2026-11-21T09:00:00Z\n\n",
        encoding="utf-8",
    )
    times = read_submitted_at(good, ["alice", "=bob"], ZURICH)
    assert times == {
        "=bob": datetime(2026, 11, 21, 10, 0, tzinfo=ZURICH),
        "alice": datetime(2026, 11, 21, 9, 0, tzinfo=ZoneInfo("UTC")),
    }
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "student,submitted_at\nmallory,2026-11-21 10:00\nalice,tomorrow\nbob,2026-11-21 10:00\n"
        "bob,2026-11-22 10:00\n",
        encoding="utf-8",
    )
    with pytest.raises(SheetError) as error:
        read_submitted_at(bad, ["alice", "bob"], ZURICH)
    message = str(error.value)
    assert "3 problem(s), nothing was graded" in message
    assert "line 2: student 'mallory' is not among" in message
    assert "line 3: alice: 'tomorrow' is not a date" in message
    assert "line 5: bob is in the file twice" in message
    (tmp_path / "cols.csv").write_text("student,when\nalice,now\n", encoding="utf-8")
    with pytest.raises(SheetError, match=r"missing column\(s\) \['submitted_at'\]"):
        read_submitted_at(tmp_path / "cols.csv", ["alice"], ZURICH)
