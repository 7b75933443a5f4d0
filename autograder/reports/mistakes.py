"""What the class got wrong: mistakes.md and mistakes.html, and a few lines for the terminal.

Per question: how many of the graded submissions lost points on it, the named mistakes (the
codes the referee recorded per failing test, `TestRecord.mistake`; see nncheck.mistakes) with
how many submissions made each, and the failures that name no mistake grouped by their message
(the exception line of otter's message, numbers masked, so "12 of 12 values differ" and "3 of 3
values differ" are one group), each with links to up to `EXAMPLES` feedback pages.

Counted: the submissions whose notebook ran (`graded`, `timeout`, `memory`); an `invalid` or
`error` submission and a roster student who submitted nothing lost every question for a reason
of its own, which the summary lists. A submission counts once per code per question, and once
in the unnamed group of its first failing test when none of its failing tests names a code.

The report is for instructors: it shows hidden tests' messages (marked hidden) whatever
`feedback.hidden_test_output` says; the feedback pages it links to show only what that setting
allows. Student text (ids, messages) is escaped for each sink: HTML by the templates'
`for_html`, Markdown as code spans (`for_markdown`); the terminal lines hold only codes
(`[a-z0-9_]`, checked where recorded) and numbers.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from autograder.grading.records import GradeRecord, QuestionRecord, TestRecord
from autograder.grading.sandbox.cases import FAILED
from autograder.reports.escape import for_markdown
from autograder.reports.report import Report, by_student

EXAMPLES = 5
"""Feedback pages linked per mistake."""
RAN = ("graded", "timeout", "memory")
"""Statuses whose notebook ran: the submissions the report counts."""
_NUMBER = re.compile(r"(?<![A-Za-z_])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_OTTER_HEADER = re.compile(r"^Error at line \d+ in test [^\n]*:\n(?:  [^\n]*\n)*")
_TERMINAL_MISTAKES = 3


@dataclass(frozen=True)
class MistakeGroup:
    """Submissions that failed one question the same way: a named mistake (`code`) or, for the
    unnamed, one failure message (`message`, numbers masked as `#`)."""

    code: str
    message: str
    students: tuple[str, ...]
    tests: tuple[str, ...]
    hidden: bool  # every test case behind it is hidden

    @property
    def count(self) -> int:
        return len(self.students)


@dataclass(frozen=True)
class QuestionMistakes:
    """One question: who lost points on it, and how."""

    question: str
    title: str
    graded: int
    failed: tuple[str, ...]
    named: tuple[MistakeGroup, ...]
    unnamed: tuple[MistakeGroup, ...]


def failure_line(message: str) -> str:
    """The line of a failing test's message that says what went wrong: otter's `Error at line N
    in test ...:` header and the test's source line dropped, the first line of what remains."""
    text = message.removeprefix(FAILED)
    text = _OTTER_HEADER.sub("", text, count=1).strip()
    return text.splitlines()[0].strip() if text else "(no message)"


def masked(line: str) -> str:
    """`line` with every number written as `#` (names such as W1 keep their digits)."""
    return _NUMBER.sub("#", line)


def _failing(question: QuestionRecord) -> list[TestRecord]:
    return [t for t in question.tests if not t.passed]


def _group(
    code: str, message: str, rows: list[tuple[str, TestRecord]], order: dict[str, int]
) -> MistakeGroup:
    students = sorted({student for student, _ in rows}, key=order.__getitem__)
    tests = tuple(dict.fromkeys(test.name for _, test in rows))
    return MistakeGroup(code, message, tuple(students), tests, all(t.hidden for _, t in rows))


def _by_count(groups: list[MistakeGroup]) -> tuple[MistakeGroup, ...]:
    return tuple(sorted(groups, key=lambda g: (-g.count, g.code or g.message)))


def _question(
    name: str, points: float, title: str, records: list[GradeRecord], order: dict[str, int]
) -> QuestionMistakes:
    failed: list[str] = []
    named: dict[str, list[tuple[str, TestRecord]]] = {}
    unnamed: dict[str, list[tuple[str, TestRecord]]] = {}
    for record in records:
        question = next((q for q in record.questions if q.name == name), None)
        if question is not None and question.score >= points:
            continue
        failed.append(record.student_id)
        failing = _failing(question) if question else []
        coded = [t for t in failing if t.mistake]
        for test in coded:
            named.setdefault(test.mistake, []).append((record.student_id, test))
        if not coded and failing:
            key = masked(failure_line(failing[0].message))
            unnamed.setdefault(key, []).append((record.student_id, failing[0]))
    return QuestionMistakes(
        question=name,
        title=title,
        graded=len(records),
        failed=tuple(failed),
        named=_by_count([_group(code, "", rows, order) for code, rows in named.items()]),
        unnamed=_by_count([_group("", key, rows, order) for key, rows in unnamed.items()]),
    )


def class_mistakes(report: Report) -> list[QuestionMistakes]:
    """Every auto-graded question of `report`, in the assignment's order (see module doc)."""
    records = [r for r in by_student(report.records) if r.status in RAN]
    order = {r.student_id: i for i, r in enumerate(records)}
    return [
        _question(name, points, report.titles.get(name, name), records, order)
        for name, points in report.points.items()
    ]


def percent(count: int, of: int) -> str:
    """`count` as a percentage of `of`, no decimals ("0%" of nothing)."""
    return f"{100 * count / of:.0f}%" if of else "0%"


def not_counted(report: Report) -> dict[str, int]:
    """Status -> number of report rows the mistake report leaves out (not run, not submitted)."""
    return dict(Counter(r.status for r in report.records if r.status not in RAN))


def terminal_lines(questions: list[QuestionMistakes]) -> list[str]:
    """A few lines for the terminal: per question with failures, how many failed and its most
    frequent named mistakes (codes and numbers only: no student text)."""
    lines = []
    for q in questions:
        if not q.failed:
            continue
        top = ", ".join(f"{g.code} {g.count}" for g in q.named[:_TERMINAL_MISTAKES])
        more = f" (+{len(q.named) - _TERMINAL_MISTAKES} more)" if len(q.named) > 3 else ""
        unnamed = sum(g.count for g in q.unnamed)
        rest = f"; {unnamed} unnamed" if unnamed else ""
        named = f": {top}{more}" if top else ""
        lines.append(f"  {q.question}: {len(q.failed)} of {q.graded} failed{named}{rest}")
    return lines


def _markdown_examples(group: MistakeGroup, pages: dict[str, str]) -> str:
    return ", ".join(f"[{for_markdown(s)}](feedback/{pages[s]})" for s in group.students[:EXAMPLES])


def _markdown_tests(group: MistakeGroup) -> str:
    return ", ".join(group.tests) + (" (hidden)" if group.hidden else "")


def markdown(report: Report, questions: list[QuestionMistakes], pages: dict[str, str]) -> str:
    """mistakes.md: per question, a table of named mistakes and one of unnamed failures."""
    graded = questions[0].graded if questions else 0
    lines = [f"# Mistakes: {for_markdown(report.title)}", ""]
    lines.append(
        f"{graded} submissions counted (their notebook ran); percentages are of them. "
        + _left_out(report)
    )
    for q in questions:
        lines += ["", f"## {q.question}: {for_markdown(q.title)}", ""]
        lines.append(
            f"{len(q.failed)} of {q.graded} lost points ({percent(len(q.failed), q.graded)})."
        )
        if q.named:
            lines += [
                "",
                "| mistake | submissions | % | tests | examples |",
                "|---|---|---|---|---|",
            ]
            for g in q.named:
                lines.append(
                    f"| `{g.code}` | {g.count} | {percent(g.count, q.graded)} | "
                    f"{_markdown_tests(g)} | {_markdown_examples(g, pages)} |"
                )
        if q.unnamed:
            lines += ["", "| failure naming no mistake | submissions | % | tests | examples |"]
            lines.append("|---|---|---|---|---|")
            for g in q.unnamed:
                message = for_markdown(g.message).replace("|", "\\|")
                lines.append(
                    f"| {message} | {g.count} | {percent(g.count, q.graded)} | "
                    f"{_markdown_tests(g)} | {_markdown_examples(g, pages)} |"
                )
    return "\n".join(lines) + "\n"


def _left_out(report: Report) -> str:
    left = not_counted(report)
    if not left:
        return ""
    parts = ", ".join(f"{count} {status}" for status, count in sorted(left.items()))
    return f"Not counted: {parts}."


@dataclass(frozen=True)
class MistakePaths:
    """The files `write_mistake_report` wrote."""

    markdown: Path
    html: Path


def write_mistake_report(report: Report, out_dir: Path) -> MistakePaths:
    """Write `out_dir/mistakes.md` and `out_dir/mistakes.html` (linking `feedback/` pages)."""
    from autograder.reports.feedback_html import page_names, render

    questions = class_mistakes(report)
    pages = page_names(r.student_id for r in report.records)
    out_dir.mkdir(parents=True, exist_ok=True)
    md = out_dir / "mistakes.md"
    md.write_text(markdown(report, questions, pages), encoding="utf-8")
    html = out_dir / "mistakes.html"
    context = {
        "script_hash": "",
        "page_title": f"{report.title}: mistakes",
        "title": report.title,
        "left_out": _left_out(report),
        "graded": questions[0].graded if questions else 0,
        "examples": EXAMPLES,
        "questions": [_question_view(q, pages) for q in questions],
    }
    html.write_text(render(report, "mistakes.html.j2", context), encoding="utf-8")
    return MistakePaths(md, html)


def _group_view(group: MistakeGroup, graded: int, pages: dict[str, str]) -> dict:
    return {
        "code": group.code,
        "message": group.message,
        "count": group.count,
        "percent": percent(group.count, graded),
        "tests": ", ".join(group.tests),
        "hidden": group.hidden,
        "examples": [
            {"student_id": s, "href": f"feedback/{pages[s]}"} for s in group.students[:EXAMPLES]
        ],
    }


def _question_view(q: QuestionMistakes, pages: dict[str, str]) -> dict:
    return {
        "id": q.question,
        "title": q.title,
        "failed": len(q.failed),
        "graded": q.graded,
        "percent": percent(len(q.failed), q.graded),
        "named": [_group_view(g, q.graded, pages) for g in q.named],
        "unnamed": [_group_view(g, q.graded, pages) for g in q.unnamed],
    }
