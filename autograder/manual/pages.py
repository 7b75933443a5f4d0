"""One HTML page per question graded by hand: every student's answer, for the people grading.

Everything on the page comes from students' notebooks and is shown, never run: text and code are
HTML-escaped in <pre> blocks (Markdown is not rendered), figures are PNG, JPEG or GIF `data:`
images whose base64 `answers` checked, and the page's Content-Security-Policy allows nothing else
(no script, no external resource). Answers are in student-id order, each with an anchor
(`#student-<page name>`) and the row of the scores sheet to fill in.
"""

from __future__ import annotations

from pathlib import Path

from autograder.manual.answers import AnswerCell, StudentAnswers, WrittenAnswer
from autograder.reports.escape import for_html
from autograder.reports.feedback_html import html_document, page_names
from autograder.reports.report import format_points

_CSS = """
body { max-width: 60rem; }
.answer { border: 1px solid #d0d7de; border-radius: 6px; padding: 0.8rem 1rem; margin: 1rem 0; }
.answer h2 { font-size: 1.1rem; margin: 0; } pre.code { border-left: 4px solid #0969da; }
img { max-width: 100%; } .problem { background: #fff8c5; padding: 0.3rem 0.6rem; }
"""


def _cell_html(cell: AnswerCell) -> str:
    kind = "code" if cell.kind == "code" else "text"
    parts = [f'<pre class="{kind}">{for_html(cell.source)}</pre>'] if cell.source.strip() else []
    for out in cell.outputs:
        if out.data:
            parts.append(f'<img alt="figure" src="data:{for_html(out.mime)};base64,{out.data}">')
        elif out.text.strip():
            parts.append(f"<pre>{for_html(out.text)}</pre>")
    return "".join(parts)


def _answer_html(student: StudentAnswers, answer: WrittenAnswer, anchor: str) -> str:
    who = f"{student.student_id}" + (f" ({student.name})" if student.name else "")
    head = (
        f'<h2 id="{for_html(anchor)}">{for_html(who)}</h2>'
        f'<p class="muted">{for_html(student.file)}</p>'
    )
    if answer.problem:
        body = f'<p class="problem">{for_html(answer.problem)}</p>'
    elif answer.blank:
        body = '<p class="problem">No answer: the cell was left as handed out.</p>'
    else:
        body = "".join(_cell_html(c) for c in answer.cells)
    return f'<section class="answer">{head}{body}</section>'


def question_page(
    title: str,
    question: str,
    points: float,
    students: list[StudentAnswers],
    sheet: str,
    prompt: str = "",
) -> str:
    """The page of `question` (worth `points`, asked as `prompt`) with every student's answer;
    `sheet` names the scores sheet to fill in."""
    ordered = sorted(students, key=lambda s: s.student_id)
    anchors = page_names(s.student_id for s in ordered)
    answers = "".join(
        _answer_html(
            s,
            s.answers.get(question, WrittenAnswer(problem="no answer recorded")),
            "student-" + anchors[s.student_id].removesuffix(".html"),
        )
        for s in ordered
    )
    body = (
        f"<h1>{for_html(title)}: {for_html(question)}</h1>"
        f'<p class="muted">{len(ordered)} answers, {format_points(points)} points each. '
        f"Give points (0 to {format_points(points)}) and a comment in {for_html(sheet)}, "
        "then grade again with --manual-scores.</p>"
        + (f'<pre class="text">{for_html(prompt)}</pre>' if prompt else "")
        + answers
    )
    return html_document(f"{title}: {question}", body, style=_CSS, data_images=True)


def write_question_pages(
    title: str,
    points: dict[str, float],
    students: list[StudentAnswers],
    out_dir: Path,
    sheet: str,
    prompts: dict[str, str],
) -> list[Path]:
    """Write `out_dir/<question>.html` for each manual question (with its prompt from `prompts`,
    if there); return the pages."""
    out_dir.mkdir(parents=True, exist_ok=True)
    pages = []
    for question, worth in points.items():
        page = out_dir / f"{question}.html"
        text = question_page(title, question, worth, students, sheet, prompts.get(question, ""))
        page.write_text(text, encoding="utf-8")
        pages.append(page)
    return pages
