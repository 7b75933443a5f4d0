"""Written answers: what a student wrote for each question graded by hand (`manual: true`).

otter-assign marks each manual question of the student notebook with HTML comments: the prompt
cell starts with `<!-- BEGIN QUESTION -->` and the cell after the answer starts with
`<!-- END QUESTION -->` (the markers otter's own PDF export filters on, recognised here with
otter's `has_begin`/`has_end`). The cells between them are the answer: text, code and the code's
outputs (text and figures). The k-th marked region is the k-th manual question of the master.

A notebook is student text and may be hostile: it is read with `json` (never executed, never
rendered here), every text is cut at `MAX_TEXT_CHARS`, only PNG, JPEG and GIF figures are kept
(their base64 checked, each at most `MAX_IMAGE_BYTES`, at most `MAX_IMAGES` per answer), and a
notebook that cannot be read, or whose markers were changed, gives answers carrying the reason.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from otter.export.exporters.utils import has_begin, has_end

from autograder.errors import AutograderError
from autograder.grading.records import Submission

ANSWERS_FILE = "written_answers.json"
"""What `autograder grade` writes next to grades.csv for an assignment with manual questions."""
MAX_TEXT_CHARS = 20_000
MAX_IMAGE_BYTES = 2 * 2**20
MAX_IMAGES = 10
PLACEHOLDER = "_Type your answer here, replacing this text._"
"""otter-assign's text in an unanswered written-answer cell."""
_IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif")


class AnswersError(AutograderError, ValueError):
    """The written answers of a grading run are missing or unreadable."""


@dataclass(frozen=True)
class Output:
    """One output of an answer's code cell: text, or an image (`mime`, base64 `data`)."""

    text: str = ""
    mime: str = ""
    data: str = ""


@dataclass(frozen=True)
class AnswerCell:
    """One cell of an answer: `kind` markdown | code | raw, its source and (code) outputs."""

    kind: str
    source: str
    outputs: tuple[Output, ...] = ()


@dataclass(frozen=True)
class WrittenAnswer:
    """One student's answer to one manual question; `problem` says why there is none to show."""

    cells: tuple[AnswerCell, ...] = ()
    problem: str = ""

    @property
    def blank(self) -> bool:
        """No problem, and nothing but otter's placeholder or whitespace was written."""
        return not self.problem and all(
            c.source.strip() in ("", PLACEHOLDER) and not c.outputs for c in self.cells
        )


@dataclass(frozen=True)
class StudentAnswers:
    """A submission's written answers, question -> answer, with who and where from."""

    student_id: str
    name: str
    file: str
    answers: dict[str, WrittenAnswer] = field(default_factory=dict)


def _cut(text: str) -> str:
    if len(text) <= MAX_TEXT_CHARS:
        return text
    return text[:MAX_TEXT_CHARS] + f"\n[... cut: {len(text) - MAX_TEXT_CHARS} more characters]"


def _text(value: Any) -> str:
    """A notebook's multiline string (a str or a list of str); anything else is ""."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "".join(value)
    return ""


def _image(mime: str, value: Any) -> Output | None:
    data = "".join(_text(value).split())
    try:
        size = len(base64.b64decode(data, validate=True))
    except (binascii.Error, ValueError):
        return None
    return Output(mime=mime, data=data) if 0 < size <= MAX_IMAGE_BYTES else None


def _outputs(raw: Any) -> list[Output]:
    outputs: list[Output] = []
    for out in raw if isinstance(raw, list) else []:
        if not isinstance(out, dict):
            continue
        kind = out.get("output_type")
        if kind == "stream":
            outputs.append(Output(text=_cut(_text(out.get("text")))))
        elif kind == "error":
            outputs.append(Output(text=_cut(f"{out.get('ename', '')}: {out.get('evalue', '')}")))
        elif kind in ("execute_result", "display_data") and isinstance(out.get("data"), dict):
            data = out["data"]
            image = next((_image(m, data[m]) for m in _IMAGE_TYPES if m in data), None)
            if image is not None:
                outputs.append(image)
            elif "text/plain" in data:
                outputs.append(Output(text=_cut(_text(data["text/plain"]))))
    return outputs


def _cell(raw: dict[str, Any]) -> AnswerCell:
    kind = raw.get("cell_type")
    kind = kind if kind in ("markdown", "code", "raw") else "raw"
    outputs = _outputs(raw.get("outputs")) if kind == "code" else []
    return AnswerCell(kind, _cut(_text(raw.get("source"))), tuple(outputs))


def _regions(cells: list[Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """(prompt, answer cells) of each `<!-- BEGIN QUESTION -->` ... `<!-- END QUESTION -->`
    region; the prompt is the text of the cell holding the BEGIN marker, marker left out."""
    regions: list[tuple[str, list[dict[str, Any]]]] = []
    current: tuple[str, list[dict[str, Any]]] | None = None
    for cell in cells:
        if not isinstance(cell, dict):
            continue
        lines = _text(cell.get("source")).splitlines()
        if current is not None and any(has_end(line) for line in lines):
            regions.append(current)
            current = None
        if current is None and any(has_begin(line) for line in lines):
            current = ("\n".join(line for line in lines if not has_begin(line)).strip(), [])
        elif current is not None:
            current[1].append(cell)
    if current is not None:
        regions.append(current)
    return regions


def prompts(notebook: Path, questions: Sequence[str]) -> dict[str, str]:
    """The prompt of each of `questions` in the student variant `notebook` (as built); {} when
    it cannot be read or its regions do not match the questions."""
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells")
    except (OSError, UnicodeDecodeError, ValueError, AttributeError):
        return {}
    regions = _regions(cells) if isinstance(cells, list) else []
    if len(regions) != len(questions):
        return {}
    return {q: prompt for q, (prompt, _) in zip(questions, regions, strict=True)}


def _for_all(questions: Sequence[str], problem: str) -> dict[str, WrittenAnswer]:
    return {q: WrittenAnswer(problem=problem) for q in questions}


def written_answers(content: bytes, questions: Sequence[str]) -> dict[str, WrittenAnswer]:
    """The answer to each of `questions` (the manual questions in master order) in a notebook's
    raw bytes; a notebook that is unreadable or whose question markers do not match gives every
    question an answer whose `problem` says so."""
    try:
        cells = json.loads(content.decode("utf-8")).get("cells")
    except (UnicodeDecodeError, ValueError, AttributeError):
        cells = None
    if not isinstance(cells, list):
        return _for_all(questions, "the submission is not a readable notebook")
    regions = _regions(cells)
    if len(regions) != len(questions):
        return _for_all(
            questions,
            f"the notebook has {len(regions)} written-answer regions (<!-- BEGIN QUESTION --> "
            f"markers) where {len(questions)} were handed out: open the notebook itself",
        )
    return {
        q: WrittenAnswer(tuple(_cell(c) for c in region))
        for q, (_, region) in zip(questions, regions, strict=True)
    }


def collect(submissions: Iterable[Submission], questions: Sequence[str]) -> list[StudentAnswers]:
    """Every submission's written answers to `questions`."""
    return [
        StudentAnswers(s.student_id, s.name, s.file, written_answers(s.content, questions))
        for s in submissions
    ]


def save(answers: list[StudentAnswers], questions: Sequence[str], path: Path) -> Path:
    """Write `path` (JSON: the questions, then every student's answers); returns `path`."""
    data = {"questions": list(questions), "students": [asdict(a) for a in answers]}
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)
    return path


def load(path: Path) -> tuple[list[str], list[StudentAnswers]]:
    """(questions, answers) as `save` wrote them; `AnswersError` if missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        students = [
            StudentAnswers(
                s["student_id"],
                s["name"],
                s["file"],
                {
                    q: WrittenAnswer(
                        tuple(
                            AnswerCell(
                                c["kind"], c["source"], tuple(Output(**o) for o in c["outputs"])
                            )
                            for c in a["cells"]
                        ),
                        a["problem"],
                    )
                    for q, a in s["answers"].items()
                },
            )
            for s in data["students"]
        ]
        return [str(q) for q in data["questions"]], students
    except FileNotFoundError as error:
        raise AnswersError(
            f"{path} is missing: grade the submissions into this folder first "
            "(`autograder grade NAME SUBMISSIONS... --out DIR`)"
        ) from error
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise AnswersError(f"{path}: cannot read it ({error}); grade again to rewrite it") from (
            error
        )
