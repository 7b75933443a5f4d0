"""Feedback pages: one self-contained HTML page per submission, and index.html for the TA.

Rendered from Jinja2 templates (`templates/`: base, page, index), which a course can replace one
by one with files of the same name in its `feedback_templates/` folder (wording, branding). A
page leads with what needs attention: the total, the notebook-level message (which cell raised
what, a time or memory limit), then the questions that lost points, by their titles, each with
its failing tests, their messages and hints (its passed tests collapsed); the questions with full
marks follow as one line each. Everything from a record goes through `escape.for_html` (the
templates' finalize step): names, ids and messages come from students and their code. Inline
CSS; student pages have no script, the index one inline script (sorting, a status filter) that
the Content-Security-Policy admits by its hash; no external resources.

Hidden tests follow grading.yml's `feedback.hidden_test_output` (`Report.hidden_detail`):
- "never": counted, and only a line "N hidden tests: M passed" (no name, no message);
- "after_published": the same as "never" until the grades are published (`autograder publish`,
  `grade --publish`); the pages written then add their detail in a collapsed <details> block;
- "always": listed with the public tests, marked hidden.
Questions graded by hand follow the auto-graded ones, with the points and comment given (or "not
graded yet"); a late submission's page says when it came and what the policy took.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from autograder.config import HIDDEN_TEST_OUTPUT_CHOICES
from autograder.grading.records import GradeRecord, QuestionRecord, TestRecord
from autograder.reports.escape import for_html
from autograder.reports.report import STATUS_WORDS, Report, format_points

_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9._-]")
_LEADING_DOT = re.compile(r"^\.")  # no hidden files
_HINT_LINE = re.compile(r"^\s*Hint:\s*", re.MULTILINE)
_RESERVED_STEMS = {"index"}
TEMPLATES = Path(__file__).resolve().parent / "templates"

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


_STATUS_WORDS = {
    "graded": "Your notebook ran to the end, with this note:",
    "timeout": "Your notebook ran out of time; the questions that ran before that are scored.",
    "memory": "Your notebook used more memory than allowed; the questions that ran before that "
    "are scored.",
    "error": "Grading stopped with an error; the questions that ran before that are scored. "
    "If you think this is our fault, contact the course staff.",
    "invalid": "Your submission could not be read as a Jupyter notebook, so it scored 0. "
    "Check that you submitted the .ipynb file, then submit again.",
    "missing": "We received no submission from you, so it scored 0. If you did submit, "
    "contact the course staff.",
}
_NOTHING_GRADED = ("invalid", "missing")


def _percent(score: float, points: float) -> str:
    return f"{100 * min(max(score / points, 0.0), 1.0):.1f}" if points > 0 else "0.0"


def _test_view(test: TestRecord) -> dict[str, Any]:
    match = _HINT_LINE.search(test.message)
    body = test.message[: match.start()] if match else test.message
    hint = test.message[match.end() :].strip() if match else ""
    return {
        "name": test.name,
        "passed": test.passed,
        "hidden": test.hidden,
        "body": body.rstrip(),
        "hint": hint,
    }


def _hidden_line(hidden: Sequence[TestRecord]) -> str:
    if not hidden:
        return ""
    passed = sum(t.passed for t in hidden)
    return f"{len(hidden)} hidden test{'s' if len(hidden) != 1 else ''}: {passed} passed"


def _question_view(
    name: str, points: float, title: str, question: QuestionRecord | None, show: str
) -> dict[str, Any]:
    tests = question.tests if question else ()
    visible = tests if show == "always" else [t for t in tests if not t.hidden]
    hidden = [] if show == "always" else [t for t in tests if t.hidden]
    score = question.score if question else 0.0
    return {
        "id": name,
        "title": title or name,
        "s": score,
        "p": points,
        "score": format_points(score),
        "points": format_points(points),
        "ran": question is not None,
        "lost": question is None or score < points,
        "failed": [_test_view(t) for t in visible if not t.passed],
        "passed": [_test_view(t) for t in visible if t.passed],
        "hidden_line": _hidden_line(hidden),
        "hidden_detail": [_test_view(t) for t in hidden] if show == "after_published" else [],
    }


def _manual_views(report: Report, record: GradeRecord) -> list[dict[str, Any]]:
    views = []
    for name, points in report.manual.points.items():
        score = report.manual_score(record, name)
        views.append(
            {
                "id": name,
                "title": report.titles.get(name, name),
                "s": score.points or 0.0,
                "p": points,
                "given": "not graded yet" if score.points is None else format_points(score.points),
                "points": format_points(points),
                "comment": score.comment.strip(),
            }
        )
    return views


def _page_context(record: GradeRecord, report: Report, show: str) -> dict[str, Any]:
    questions = {q.name: q for q in record.questions}
    views = [
        _question_view(name, p, report.titles.get(name, ""), questions.get(name), show)
        for name, p in report.points.items()
    ]
    late = report.late_of(record)
    taken = report.penalty(record)
    message = record.message.strip()
    who = record.name or record.student_id
    return {
        "script_hash": "",  # a student's page runs no script
        "page_title": f"{report.title}: {who}",
        "title": report.title,
        "who": who,
        "student_id": record.student_id,
        "total": format_points(report.total(record)),
        "total_value": report.total(record),
        "max_points": format_points(report.max_points),
        "max_value": report.max_points,
        "pending": report.pending(record),
        "status_words": _STATUS_WORDS[record.status]
        if record.status != "graded" or message
        else "",
        "status_message": message,
        "late_note": late.note,
        "penalty": format_points(taken) if taken else "",
        "graded_questions": record.status not in _NOTHING_GRADED,
        "lost": [v for v in views if v["lost"]],
        "full": [v for v in views if not v["lost"]],
        "manual": _manual_views(report, record),
    }


INDEX_SCRIPT = """(function () {
  var table = document.getElementById("grades"), body = table.tBodies[0];
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, column) {
    var button = th.querySelector("button"), ascending = true;
    button.addEventListener("click", function () {
      var numeric = button.getAttribute("data-sort") === "num";
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[column].textContent, y = b.cells[column].textContent;
        var order = numeric ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y);
        return ascending ? order : -order;
      });
      ascending = !ascending;
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  document.getElementById("status").addEventListener("change", function (event) {
    Array.prototype.forEach.call(body.rows, function (row) {
      row.hidden = event.target.value !== "" &&
        row.getAttribute("data-status") !== event.target.value;
    });
  });
})();"""
INDEX_SCRIPT_HASH = (
    "sha256-" + base64.b64encode(hashlib.sha256(INDEX_SCRIPT.encode()).digest()).decode()
)
_INDEX_LINKS = (
    ("../mistakes.html", "Mistakes"),
    ("../summary.md", "Summary"),
    ("../summary.png", "Score plots"),
    ("../grades.csv", "grades.csv"),
)


def _index_context(report: Report, names: dict[str, str]) -> dict[str, Any]:
    rows = []
    for record in report.by_student:
        scores = {q.name: q.score for q in record.questions}
        cells = [
            {
                "text": format_points(scores[q]) if q in scores else "-",
                "lost": scores.get(q, 0.0) < points,
            }
            for q, points in report.points.items()
        ]
        rows.append(
            {
                "href": names[record.student_id],
                "student_id": record.student_id,
                "name": record.name,
                "total": format_points(report.total(record)),
                "status": STATUS_WORDS[record.status],
                "status_code": record.status,
                "cells": cells,
            }
        )
    return {
        "page_title": f"{report.title}: feedback pages",
        "title": report.title,
        "max_points": format_points(report.max_points),
        "rows": rows,
        "statuses": sorted({(row["status_code"], row["status"]) for row in rows}),
        "questions": [{"id": q, "title": report.titles.get(q, q)} for q in report.points],
        "links": [{"href": href, "text": text} for href, text in _INDEX_LINKS],
        "script": Markup(INDEX_SCRIPT),
        "script_hash": INDEX_SCRIPT_HASH,
    }


def _finalize(value: Any) -> Markup:
    """Every value a template prints: trusted markup as it is, anything else `for_html`."""
    return value if isinstance(value, Markup) else Markup(for_html(value))


def _templates(report: Report) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if report.templates is not None and report.templates.is_dir():
        loaders.append(jinja2.FileSystemLoader(report.templates))
    loaders.append(jinja2.FileSystemLoader(TEMPLATES))
    environment = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.globals.update(percent=_percent, fmt=format_points)
    return environment


def render(report: Report, template: str, context: dict[str, Any]) -> str:
    """`template` (a course's own in `feedback_templates/`, else ours) rendered with `context`;
    every value it prints is escaped (`_finalize`)."""
    return _templates(report).get_template(template).render(context)


def html_document(title: str, body: str, *, data_images: bool = False) -> str:
    """A self-contained page: inline CSS, no scripts or external resources (the CSP forbids
    them); `data_images` lets it show `data:` images (figures of written answers)."""
    images = "; img-src data:" if data_images else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" '
        f"content=\"default-src 'none'; style-src 'unsafe-inline'{images}\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{for_html(title)}</title><style>{_CSS}</style></head>\n<body>{body}</body></html>\n"
    )


def write_feedback_pages(report: Report, out_dir: Path | str) -> list[Path]:
    """Write `out_dir/<safe student_id>.html` per record and `out_dir/index.html`.

    The report's `hidden_test_output` is one of "never", "after_published", "always" (shown as
    `Report.hidden_detail` says); every question of the report is listed (one a record lacks
    shows as not scored). Returns the pages in the order of the records (index.html not included).
    """
    if report.hidden_test_output not in HIDDEN_TEST_OUTPUT_CHOICES:
        raise ValueError(
            f"show_hidden must be one of {list(HIDDEN_TEST_OUTPUT_CHOICES)}, "
            f"got {report.hidden_test_output!r}"
        )
    show_hidden = report.hidden_detail
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    templates = _templates(report)
    page, index = templates.get_template("page.html.j2"), templates.get_template("index.html.j2")
    names = page_names(r.student_id for r in report.records)
    pages = []
    for record in report.records:
        path = out_dir / names[record.student_id]
        path.write_text(page.render(_page_context(record, report, show_hidden)), encoding="utf-8")
        pages.append(path)
    (out_dir / "index.html").write_text(
        index.render(_index_context(report, names)), encoding="utf-8"
    )
    return pages
