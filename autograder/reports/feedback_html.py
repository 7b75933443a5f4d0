"""Feedback pages: one self-contained HTML page per submission, and index.html for the TA.

A page shows the total with a bar, the status in plain words when the notebook was not graded to
the end, then per question its score and each test (passed/failed, its message in a <pre>, the
"Hint:" part of the message set apart). Everything from a record is HTML-escaped
(`escape.for_html`: names, ids and messages come from students and their code). Inline CSS only,
no scripts, no external resources; a Content-Security-Policy forbids both should anything slip
through.

Hidden tests follow grading.yml's `feedback.hidden_test_output`:
- "never": counted, and only a line "N hidden tests: M passed";
- "after_published": that line plus their detail in a collapsed <details> block;
- "always": listed with the public tests, marked hidden.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from autograder.config import HIDDEN_TEST_OUTPUT_CHOICES
from autograder.grading.records import GradeRecord, QuestionRecord, TestRecord
from autograder.reports.escape import for_html
from autograder.reports.report import STATUS_WORDS, Report, format_points

_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9._-]")
_LEADING_DOT = re.compile(r"^\.")  # no hidden files
_HINT_LINE = re.compile(r"^\s*Hint:\s*", re.MULTILINE)
_RESERVED_STEMS = {"index"}

_CSS = """
body { font: 16px/1.5 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto;
       padding: 0 1rem; color: #1f2328; }
h1 { font-size: 1.5rem; margin-bottom: 0.2rem; } h2 { font-size: 1.15rem; margin: 0; }
.sub { color: #57606a; margin-top: 0; }
.total { font-size: 1.3rem; font-weight: 600; }
.bar { background: #eaeef2; border-radius: 4px; height: 0.8rem; overflow: hidden; }
.fill { background: #2da44e; height: 100%; }
.status { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px;
          padding: 0.6rem 1rem; margin: 1rem 0; }
.question { border: 1px solid #d0d7de; border-radius: 6px; padding: 0.8rem 1rem; margin: 1rem 0; }
.qhead { display: flex; justify-content: space-between; align-items: baseline; }
.question > .bar { margin: 0.3rem 0 0.5rem; }
ul.tests { list-style: none; padding: 0; margin: 0.3rem 0; }
ul.tests li { margin: 0.4rem 0; }
.passed { color: #1a7f37; font-weight: 600; } .failed { color: #cf222e; font-weight: 600; }
pre { background: #f6f8fa; border-radius: 6px; padding: 0.6rem; overflow-x: auto;
      white-space: pre-wrap; font-size: 0.85rem; margin: 0.3rem 0; }
.hint { background: #ddf4ff; border-left: 4px solid #0969da; padding: 0.3rem 0.6rem;
        margin: 0.3rem 0; }
.muted { color: #57606a; }
table { border-collapse: collapse; } td, th { padding: 0.2rem 0.8rem; text-align: left;
        border-bottom: 1px solid #d0d7de; }
td.num { text-align: right; }
"""


def page_names(student_ids: Iterable[str]) -> dict[str, str]:
    """student_id -> page file name `<safe id>.html` (safe: only [A-Za-z0-9._-], others '_').

    A leading '.' becomes '_' too. Ids that become the same name, also ignoring case (macOS and
    Windows file systems), or the name "index", get "-<8 hex of the id's sha256>" appended, so
    no page overwrites another; an id that is already safe keeps its plain name.
    """
    stems = {i: _LEADING_DOT.sub("_", _UNSAFE_CHARS.sub("_", i)) or "_" for i in student_ids}
    names: dict[str, str] = {}
    taken = set(_RESERVED_STEMS)
    for student_id in sorted(stems, key=lambda i: (stems[i] != i, i)):  # safe ids first
        stem = stems[student_id]
        if stem.lower() in taken:
            stem += "-" + hashlib.sha256(student_id.encode()).hexdigest()[:8]
        taken.add(stem.lower())
        names[student_id] = stem + ".html"
    return names


def _status_html(record: GradeRecord) -> str:
    """The status in plain words for a record not graded to the end; "" for a graded one."""
    if record.status == "graded":
        return ""
    after = f" after {record.seconds:.0f} s" if record.seconds > 0 else ""
    words = {
        "timeout": f"Your notebook ran out of time{after}; "
        "the questions that ran before that are scored.",
        "memory": f"Your notebook used more memory than allowed{after}; "
        "the questions that ran before that are scored.",
        "error": "Grading stopped with an error; the questions that ran before that are scored. "
        "If you think this is our fault, contact the course staff.",
        "invalid": "Your submission could not be read as a Jupyter notebook, so it scored 0. "
        "Check that you submitted the .ipynb file.",
        "missing": "We received no submission from you, so it scored 0. If you did submit, "
        "contact the course staff.",
    }[record.status]
    details = f"<pre>{for_html(record.message)}</pre>" if record.message.strip() else ""
    return f'<div class="status"><p><strong>{for_html(words)}</strong></p>{details}</div>'


def _bar(score: float, max_score: float) -> str:
    percent = 100 * min(max(score / max_score, 0.0), 1.0) if max_score > 0 else 0.0
    return f'<div class="bar"><div class="fill" style="width: {percent:.1f}%"></div></div>'


def _test_html(test: TestRecord) -> str:
    result = "passed" if test.passed else "failed"
    mark = "&#10003;" if test.passed else "&#10007;"
    hidden = ' <span class="muted">(hidden test)</span>' if test.hidden else ""
    parts = [f'<li><span class="{result}">{mark} {result}</span> {for_html(test.name)}{hidden}']
    match = _HINT_LINE.search(test.message)
    body = test.message[: match.start()] if match else test.message
    if body.strip():
        parts.append(f"<pre>{for_html(body.rstrip())}</pre>")
    if match:
        hint = test.message[match.end() :].strip()
        parts.append(f'<p class="hint"><strong>Hint:</strong> {for_html(hint)}</p>')
    return "".join(parts) + "</li>"


def _tests_html(tests: Sequence[TestRecord]) -> str:
    return f'<ul class="tests">{"".join(_test_html(t) for t in tests)}</ul>' if tests else ""


def _hidden_html(hidden: Sequence[TestRecord], show_hidden: str) -> str:
    """The hidden tests of one question per `show_hidden` ("never" / "after_published")."""
    if not hidden:
        return ""
    passed = sum(t.passed for t in hidden)
    count = f"{len(hidden)} hidden test{'s' if len(hidden) != 1 else ''}: {passed} passed"
    line = f'<p class="muted">{count}</p>'
    if show_hidden == "never":
        return line
    return (
        f"{line}<details><summary>Hidden test details (shown after grades are published)"
        f"</summary>{_tests_html(hidden)}</details>"
    )


def _question_html(name: str, points: float, question: QuestionRecord | None, show: str) -> str:
    score = question.score if question else 0.0
    head = (
        f'<div class="qhead"><h2>{for_html(name)}</h2>'
        f"<span>{format_points(score)} / {format_points(points)}</span></div>{_bar(score, points)}"
    )
    if question is None:
        body = '<p class="muted">Not scored: this question did not run.</p>'
        return f'<section class="question">{head}{body}</section>'
    tests = question.tests
    if show == "always":
        body = _tests_html(tests)
    else:
        body = _tests_html([t for t in tests if not t.hidden])
        body += _hidden_html([t for t in tests if t.hidden], show)
    return f'<section class="question">{head}{body}</section>'


def _document(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{for_html(title)}</title><style>{_CSS}</style></head>\n<body>{body}</body></html>\n"
    )


def _page(record: GradeRecord, report: Report, show_hidden: str) -> str:
    title, points, max_score = report.title, report.points, report.max_points
    who = record.name or record.student_id
    questions = {q.name: q for q in record.questions}
    body = (
        f'<h1>{for_html(title)}</h1><p class="sub">Feedback for {for_html(who)} '
        f'({for_html(record.student_id)})</p><p class="total">{format_points(record.total)} / '
        f"{format_points(max_score)} points</p>"
        f"{_bar(record.total, max_score)}{_status_html(record)}"
        + "".join(
            _question_html(name, p, questions.get(name), show_hidden) for name, p in points.items()
        )
    )
    return _document(f"{title}: {who}", body)


def _index(records: list[GradeRecord], names: dict[str, str], title: str, max_score: float) -> str:
    rows = "".join(
        f'<tr><td><a href="{for_html(names[r.student_id])}">{for_html(r.student_id)}</a></td>'
        f'<td>{for_html(r.name)}</td><td class="num">{format_points(r.total)}</td>'
        f"<td>{for_html(STATUS_WORDS[r.status])}</td></tr>"
        for r in records
    )
    body = (
        f'<h1>{for_html(title)}</h1><p class="sub">{len(records)} feedback pages; '
        f"max {format_points(max_score)} points</p><table><tr><th>Student ID</th><th>Name</th>"
        f"<th>Total</th><th>Status</th></tr>{rows}</table>"
    )
    return _document(f"{title}: feedback pages", body)


def write_feedback_pages(report: Report, out_dir: Path | str) -> list[Path]:
    """Write `out_dir/<safe student_id>.html` per record and `out_dir/index.html`.

    The report's `hidden_test_output` is one of "never", "after_published", "always"; every
    question of the report is listed (one a record lacks shows as not scored). Returns the pages
    in the order of the records (index.html not included).
    """
    show_hidden = report.hidden_test_output
    if show_hidden not in HIDDEN_TEST_OUTPUT_CHOICES:
        raise ValueError(
            f"show_hidden must be one of {list(HIDDEN_TEST_OUTPUT_CHOICES)}, got {show_hidden!r}"
        )
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    names = page_names(r.student_id for r in report.records)
    pages = []
    for record in report.records:
        page = out_dir / names[record.student_id]
        page.write_text(_page(record, report, show_hidden), encoding="utf-8")
        pages.append(page)
    index = _index(report.by_student, names, report.title, report.max_points)
    (out_dir / "index.html").write_text(index, encoding="utf-8")
    return pages
