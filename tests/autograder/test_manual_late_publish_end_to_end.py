"""End to end on the real assignment 03 (three written answers, 15 of its 100 points): grade a
Gradescope export and a loose notebook, write the graders' pages and sheet, refuse a bad sheet
without losing anything, grade again with the filled sheet and submission times under a late
policy, and publish; the pages written before publishing hold no hidden test source and no
hidden test's message (expected values)."""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from pathlib import Path

import pytest
import yaml

from autograder import cli
from autograder.grading.records import GradeRecord
from autograder.reports.report import format_points
from tests.build_once import built_root

pytestmark = pytest.mark.slow

NAME = "03_experiments_and_visualizations"
CHECKOUT = Path(__file__).resolve().parents[2]
SAMPLES = CHECKOUT / "examples" / "submissions" / NAME
WRITTEN = ["q_written_lr", "q_written_init", "q_written_capacity"]
GRADESCOPE = {  # submission folder: (sample, sid, created_at as Gradescope writes it)
    "submission_101": ("alice_correct", "alice", "2026-11-20 22:10:00.123456000 +01:00"),
    "submission_102": ("dave_params_not_reinitialised", "dave", "2026-11-22 08:00:00 +00:00"),
    "submission_103": ("bob_partial", "bob", "2026-11-22 12:00:00 +01:00"),
}
LATE = {
    "due": "2026-11-20 23:59",
    "timezone": "Europe/Zurich",
    "grace_minutes": 10,
    "penalty_per_day": 10,
    "cap": 30,
    "extensions": {"bob": 3},
}


def _root(tmp_path: Path) -> Path:
    """A project root with this run's build of 03 and a grading.yml giving 03 a late policy."""
    built = built_root(NAME)
    root = tmp_path / "root"
    root.mkdir()
    for entry in built.iterdir():
        if entry.name != "grading.yml":
            (root / entry.name).symlink_to(entry.resolve())
    config = yaml.safe_load((CHECKOUT / "grading.yml").read_text(encoding="utf-8"))
    config["assignments"][NAME]["late"] = LATE
    (root / "grading.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return root


def _gradescope_export(path: Path) -> Path:
    metadata = {
        folder: {
            ":submitters": [{":name": sample.title(), ":sid": sid, ":email": f"{sid}@x.org"}],
            ":created_at": created,
        }
        for folder, (sample, sid, created) in GRADESCOPE.items()
    }
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("submission_metadata.yml", yaml.safe_dump(metadata))
        for folder, (sample, _, _) in GRADESCOPE.items():
            archive.write(SAMPLES / f"{sample}.ipynb", f"{folder}/{NAME}.ipynb")
    return path


def _csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.reader(stream))


def _grades(out: Path) -> dict[str, dict[str, str]]:
    rows = _csv(out / "grades.csv")
    return {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}


def _page_text(out: Path, student: str) -> str:
    return html.unescape((out / "feedback" / f"{student}.html").read_text(encoding="utf-8"))


def _records(out: Path) -> dict[str, GradeRecord]:
    import json

    lines = (out / "results.jsonl").read_text(encoding="utf-8").splitlines()
    return {r.student_id: r for r in (GradeRecord.from_json(json.loads(x)) for x in lines)}


def _hidden_test_lines(root: Path) -> set[str]:
    """Lines of the hidden test functions in the autograder zip that no public test shares."""
    hidden, public = set(), set()
    zip_path = root / "dist" / NAME / f"{NAME}-autograder.zip"
    with zipfile.ZipFile(zip_path) as archive:
        for name in archive.namelist():
            if re.fullmatch(r"tests/q_\w+\.py", name):
                source = io.TextIOWrapper(archive.open(name), encoding="utf-8").read()
                for block in re.split(r"(?=@test_case\()", source)[1:]:
                    lines = {line.strip() for line in block.splitlines() if len(line.strip()) > 24}
                    (hidden if "hidden=True" in block.splitlines()[0] else public).update(lines)
    return hidden - public


def _messages(record: GradeRecord, *, hidden: bool) -> set[str]:
    return {
        line.strip()
        for q in record.questions
        for t in q.tests
        if t.hidden == hidden and not t.passed
        for line in t.message.splitlines()
        if len(line.strip()) > 24
    }


def _hidden_messages(record: GradeRecord) -> set[str]:
    """The lines of the failed hidden tests' messages that no public test's message shows."""
    return _messages(record, hidden=True) - _messages(record, hidden=False)


def test_written_answers_late_work_and_publishing_end_to_end(tmp_path, capsys):
    root = _root(tmp_path)
    export = _gradescope_export(tmp_path / "gradescope_export.zip")
    loose = tmp_path / "loose"
    loose.mkdir()
    (loose / "carol.ipynb").write_bytes((SAMPLES / "carol_blank.ipynb").read_bytes())
    times = tmp_path / "times.csv"
    times.write_text("student,submitted_at\ncarol,2026-11-21 00:05\n", encoding="utf-8")
    out = tmp_path / "out"
    grade = ["--root", str(root), "grade", NAME, str(export), str(loose), "--out", str(out)]
    grade += ["--workers", "1", "--time-limit", "10", "--submitted-at", str(times)]

    # 1. grading without scores for the written answers: nothing reaches the gradebook yet
    assert cli.main(grade) == cli.EXIT_OK
    printed = capsys.readouterr().out
    assert "written answers: 4 of 4 students not scored yet" in printed
    assert "hidden-test details are left out until the grades are published" in printed
    assert _csv(out / "canvas.csv")[1][-1] == "100"  # Points Possible: the whole assignment
    assert len(_csv(out / "moodle.csv")) == 1  # everyone has an email: no row, no partial total
    grades, records = _grades(out), _records(out)
    alice = records["alice"].total  # the auto-graded part: 85 for the reference answers
    assert float(grades["alice"]["total"]) == pytest.approx(alice, abs=1e-4)
    assert grades["alice"]["max"] == "100"
    assert grades["alice"]["q_written_lr"] == ""  # not scored: empty, not 0
    assert f"{format_points(alice)} / 100 points so far" in _page_text(out, "alice")

    # 2. unpublished pages: no hidden test source, no hidden test's message
    hidden_source = _hidden_test_lines(root)
    assert len(hidden_source) > 20
    for student in ("bob", "alice", "dave", "carol"):
        page = _page_text(out, student)
        assert not [line for line in hidden_source if line in page], student
        assert not [m for m in _hidden_messages(records[student]) if m in page], student
        assert "Hidden test details" not in page
    assert _hidden_messages(records["bob"])  # bob fails hidden tests: the check can fail

    # 3. the graders' pages and sheet
    assert cli.main(["--root", str(root), "manual", NAME, "--out", str(out)]) == cli.EXIT_OK
    page = (out / "manual" / "q_written_capacity.html").read_text(encoding="utf-8")
    assert "`H = 1` underfits" in html.unescape(page) and "alice" in page
    sheet = out / "manual" / "manual_scores.csv"
    rows = _csv(sheet)
    assert len(rows) == 1 + 4 * 3 and {r[2] for r in rows[1:]} == set(WRITTEN)

    # 4. a sheet with a score out of range and an unknown student: refused, nothing lost
    given = {"alice": ["5", "5", "5"], "dave": ["4", "5", "5"], "bob": ["0", "0", "0"]}
    given["carol"] = ["0", "0", "0"]
    filled = [rows[0]] + [
        r[:4] + [given[r[0]][WRITTEN.index(r[2])], f"comment for {r[0]}"] for r in rows[1:]
    ]
    bad = [filled[0], *filled[1:], ["mallory", "", "q_written_lr", "5", "5", ""]]
    bad[1] = bad[1][:4] + ["7", "too many"]
    with sheet.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(bad)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert cli.main([*grade, "--manual-scores", str(sheet)]) == cli.EXIT_USAGE
    error = capsys.readouterr().err
    assert "2 problem(s), nothing was graded" in error
    assert "points '7' is outside 0..5" in error and "student 'mallory' is not among" in error
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before

    # 5. the filled sheet and the submission times: full points reachable, late work penalised
    with sheet.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(filled)
    assert cli.main([*grade, "--manual-scores", str(sheet)]) == cli.EXIT_OK
    printed = capsys.readouterr().out
    assert "grading 0 of 4 submissions" in printed and "late: 1 penalised (dave)" in printed
    grades = _grades(out)
    assert float(grades["alice"]["total"]) == pytest.approx(alice + 15, abs=1e-4)  # 100 if right
    assert [grades["alice"][k] for k in ("max", "days_late", "penalty")] == ["100", "0", "0"]
    assert grades["alice"]["submitted_at"] == "2026-11-20T22:10:00+01:00"
    dave_before = records["dave"].total + 14  # auto-graded points and 4 + 5 + 5 by hand
    assert grades["dave"]["days_late"] == "2" and grades["dave"]["submitted_at"].endswith("+01:00")
    assert float(grades["dave"]["penalty"]) == pytest.approx(0.2 * dave_before, abs=1e-4)
    assert float(grades["dave"]["total"]) == pytest.approx(0.8 * dave_before, abs=1e-4)
    assert grades["bob"]["days_late"] == "0"  # within the 3-day extension
    assert grades["carol"]["days_late"] == "0"  # 6 minutes late: within the grace period
    assert grades["dave"]["q_written_lr comment"] == "comment for dave"
    moodle = {r[2]: r for r in _csv(out / "moodle.csv")[1:]}  # by email, from Gradescope
    assert float(moodle["alice@x.org"][3]) == pytest.approx(alice + 15, abs=1e-4)
    assert float(moodle["dave@x.org"][3]) == pytest.approx(0.8 * dave_before, abs=1e-4)
    assert "submitted 2 days after the due time" in moodle["dave@x.org"][4]
    assert "q_written_lr: 4/5: comment for dave" in moodle["dave@x.org"][4]
    dave = _page_text(out, "dave")
    assert "Late work: submitted 2 days after the due time" in dave and "comment for dave" in dave

    # 6. publishing: the same run, the hidden tests' detail now shown
    publish = ["--root", str(root), "publish", *grade[3:], "--manual-scores", str(sheet)]
    assert cli.main(publish) == cli.EXIT_OK
    published = _page_text(out, "bob")
    assert "Hidden test details" in published
    assert [m for m in _hidden_messages(records["bob"]) if m in published]
