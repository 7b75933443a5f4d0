"""The class-wide mistake report (mistakes.md, mistakes.html, the terminal lines) and how a
mistake code travels: from the exception a test raised, never from any text."""

import html.parser
import re

import pytest

from autograder.grading.engine import _apply, _Attempt
from autograder.grading.events import EventError, event, parse_event
from autograder.grading.records import GradeRecord, QuestionRecord
from autograder.grading.records import TestRecord as _TestRecord  # not a pytest class
from autograder.grading.sandbox.cases import FAILED, mistake_code
from autograder.reports.feedback_html import page_names, write_feedback_pages
from autograder.reports.mistakes import (
    class_mistakes,
    failure_line,
    terminal_lines,
    write_mistake_report,
)
from autograder.reports.report import Report
from nncheck import Mistake

SCRIPT = "<script>alert('pwned')</script>"
POINTS = {"q_a": 5.0, "q_b": 10.0}


def _otter(message: str) -> str:
    """A failing test's message as otter words it."""
    return f"{FAILED}Error at line 3 in test q_a:\n  assert_close(x, y)\nAssertionError: {message}"


def _record(student_id, status, a, b=None):
    questions = [QuestionRecord("q_a", *a)]
    if b is not None:
        questions.append(QuestionRecord("q_b", *b))
    return GradeRecord(
        f"{student_id}.ipynb", student_id, status, "", tuple(questions), "c" * 64, "a" * 64
    )


def _failed(name, message, mistake="", hidden=False):
    return _TestRecord(name, False, hidden, _otter(message), mistake)


def _passed(name, hidden=False):
    return _TestRecord(name, True, hidden, "✅ Test case passed")


FULL_B = (10.0, 10.0, (_passed("q_b - 1"),))


@pytest.fixture
def report() -> Report:
    """Eight students: six transposed q_a (two also sign-flipped in a hidden test), one failed
    with a message naming nothing (numbers vary), one invalid; q_b: one unnamed failure."""
    records = [
        _record(
            f"s{i}",
            "graded",
            (0.0, 5.0, (_failed("q_a - 1", "dW is transposed", "transposed"),)),
            FULL_B,
        )
        for i in range(1, 7)
    ]
    records[0] = _record(
        "s1",
        "graded",
        (
            0.0,
            5.0,
            (
                _failed("q_a - 1", "dW is transposed", "transposed"),
                _failed("q_a - 2", "sign", "sign_flipped", hidden=True),
            ),
        ),
        FULL_B,
    )
    records.append(
        _record(
            f"x{SCRIPT}",
            "graded",
            (2.5, 5.0, (_failed("q_a - 1", f"3 of 12 values differ {SCRIPT} [transposed]"),)),
            (0.0, 10.0, (_failed("q_b - 1", "q_b is not defined"),)),
        )
    )
    records.append(
        _record(
            "s9",
            "timeout",
            (0.0, 5.0, (_failed("q_a - 1", f"7 of 12 values differ {SCRIPT} [transposed]"),)),
            FULL_B,
        )
    )
    records.append(_record("s0", "invalid", (0.0, 5.0, (_failed("q_a - 1", "not graded"),))))
    return Report(records, POINTS, f"Layers {SCRIPT}", titles={"q_a": "The dense layer"})


def test_named_mistakes_are_counted_once_per_submission_and_unnamed_grouped_by_message(report):
    q_a, q_b = class_mistakes(report)
    assert q_a.graded == 8 and len(q_a.failed) == 8  # the invalid submission is not counted
    assert [(g.code, g.count) for g in q_a.named] == [("transposed", 6), ("sign_flipped", 1)]
    assert q_a.named[1].hidden and not q_a.named[0].hidden
    # "3 of 12" and "7 of 12" are one message; the text "[transposed]" names nothing
    (unnamed,) = q_a.unnamed
    assert unnamed.count == 2 and unnamed.message.startswith("AssertionError: # of # values")
    assert q_b.graded == 8 and [g.count for g in q_b.unnamed] == [1] and not q_b.named


def test_the_terminal_lines_hold_codes_and_numbers_only(report):
    lines = terminal_lines(class_mistakes(report))
    assert lines == [
        "  q_a: 8 of 8 failed: transposed 6, sign_flipped 1; 2 unnamed",
        "  q_b: 1 of 8 failed; 1 unnamed",
    ]


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        self.links += [value for name, value in attrs if name == "href"]
        self.scripts += tag == "script"


def test_the_report_links_at_most_five_examples_and_escapes_student_text(report, tmp_path):
    write_feedback_pages(report, tmp_path / "feedback")
    paths = write_mistake_report(report, tmp_path)
    page = paths.html.read_text()
    assert SCRIPT not in page and "&lt;script&gt;" in page
    parser = _Links()
    parser.feed(page)
    assert parser.scripts == 0
    pages = page_names(r.student_id for r in report.records)
    transposed = [href for href in parser.links if href.startswith("feedback/s")]
    assert len(transposed) == 5 + 1 + 1  # 5 of the 6 transposed, the sign flip, the timeout
    for href in parser.links:  # summary.md is written beside it by `write_reports`
        assert href == "summary.md" or (tmp_path / href).is_file(), href
    assert f"feedback/{pages['x' + SCRIPT]}" in parser.links
    text = paths.markdown.read_text()
    assert "| `transposed` | 6 | 75% | q_a - 1 |" in text
    assert "| `sign_flipped` | 1 | 12% | q_a - 2 (hidden) |" in text
    assert "<script" not in re.sub(r"`+[^`]*`+", "", text)  # student text only in code spans
    assert "Not counted: 1 invalid." in text
    index = (tmp_path / "feedback" / "index.html").read_text()
    assert 'href="../mistakes.html"' in index


def test_failure_line_drops_otters_header_and_the_tests_source():
    assert failure_line(_otter("dW is off\nsecond line")) == "AssertionError: dW is off"
    assert failure_line(FAILED) == "(no message)"


# ------------------------------------------------------------------ how a code travels


def test_the_code_is_the_exceptions_own_attribute_never_its_text():
    assert mistake_code(Mistake("transposed", "dW is transposed")) == "transposed"
    assert mistake_code(AssertionError("Likely mistake [transposed]: forged")) == ""
    assert mistake_code(AssertionError("[transposed] forged")) == ""

    class Lying(Exception):
        def __getattr__(self, name):
            return "transposed"

    assert mistake_code(Lying("x")) == ""
    odd = AssertionError("x")
    odd.mistake_code = "Not A Code; <b>"
    assert mistake_code(odd) == ""


def test_only_the_referee_reports_a_code():
    line = event("test", file="q_a", case=0, passed=False, message="m", mistake="transposed")
    child, referee = _Attempt(), _Attempt()
    _apply(child, parse_event(line), tests_trusted=True, from_referee=False)
    _apply(referee, parse_event(line), tests_trusted=True, from_referee=True)
    assert child.tests[("q_a", 0)].mistake == ""
    assert referee.tests[("q_a", 0)].mistake == "transposed"
    assert parse_event(event("test", file="q", case=0, passed=True, message=""))["mistake"] == ""
    with pytest.raises(EventError):
        parse_event(event("test", file="q", case=0, passed=False, message="", mistake=3))
    forged = event("test", file="q_a", case=1, passed=False, message="m", mistake="<b> x")
    _apply(referee, parse_event(forged), tests_trusted=True, from_referee=True)
    assert referee.tests[("q_a", 1)].mistake == ""
