"""Find solution code and hidden tests in the files shipped to students.

Secrets of a master:
- every statement of a solution cell that touches a line otter replaced or removed for the student
  variant (what otter keeps, such as `def f(x):` and docstrings, is not secret), and every line of
  a solution Markdown cell that otter drops;
- every statement of a hidden test, as written and as otter rewrites it (`ast.unparse`).
Statements, not lines, so a multi-line call is one secret and its `) from None` tail is none.
Not secret: trivial statements (imports, `...`, `pass`, bare names, punctuation, comments, a
name set to an empty or zero value such as `losses = []`), text
that the master's ordinary cells show anyway (the prompt may state a formula the solution
implements), and, for hidden tests only, text also in a public test (shared set-up lines).
Public tests are NOT exempt for solutions: a public test message that spells out the answer leaks.
Matching collapses whitespace (line breaks included) and needs word boundaries around the secret.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from otter.assign.solutions import OTTER_INCLUDE_TAG, replace_solutions

from autograder.authoring.master import Master

_MARKER = re.compile(r"#\s*(BEGIN |END )?SOLUTION( NO PROMPT)?\s*$")
_TRIVIAL = re.compile(
    r"""^(?:
        \#.* | \.\.\. | pass | else: | try: | finally: | break | continue | return
      | (?:return\s+)?[A-Za-z_][\w.]* ,?       # a lone (dotted) name, maybe returned
      | [A-Za-z_]\w*\s*=\s*(?:\[\]|\{\}|\(\)|None|0|0\.0|True|False)  # an empty start
      | [\s\[\](){}:,;.'"`*\#-]*                 # punctuation, docstring quotes, rules
      | (?:import|from)\s.*                      # imports
    )$""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Leak:
    """A secret found in a student-facing file."""

    path: Path
    secret: str
    origin: str  # e.g. "solution of question 'scale'"


def normalize(text: str) -> str:
    """Collapse every whitespace run (line breaks included) to one space; strip the ends."""
    return " ".join(text.split())


def _statements(lines: list[str]) -> list[tuple[set[int], str, ast.stmt | None]]:
    """(line numbers, source text, node) of each statement; a compound one gives its header.

    Code that does not parse (e.g. IPython magics) falls back to one entry per line.
    """
    source = "\n".join(lines)
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return [({n}, line, None) for n, line in enumerate(lines, 1)]
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        body = getattr(node, "body", None)
        if isinstance(body, list) and body:  # compound: keep the header lines only
            last = max(node.lineno, body[0].lineno - 1)
            header = "\n".join(lines[node.lineno - 1 : last])
            found.append((set(range(node.lineno, last + 1)), header, None))
        else:
            span = set(range(node.lineno, node.end_lineno + 1))
            found.append((span, ast.get_source_segment(source, node), node))
    return found


def _meaningful(texts: Iterable[str]) -> set[str]:
    normalized = (normalize(text) for text in texts)
    return {text for text in normalized if text and not _TRIVIAL.match(text)}


def _code_statements(lines: list[str]) -> set[str]:
    """All statements of test code, as written and as `ast.unparse` writes simple ones."""
    texts = []
    for _, text, node in _statements(lines):
        texts.append(text)
        if node is not None:
            texts.append(ast.unparse(node))
    return _meaningful(texts)


def _solution_secrets(master: Master, index: int) -> set[str]:
    """Statements (or Markdown lines) of one solution cell that the student variant lacks."""
    cell, original = master.notebook.cells[index], master.source(index)
    if cell.cell_type != "code":
        included = OTTER_INCLUDE_TAG in cell.metadata.get("tags", [])
        return set() if included else _meaningful(original)
    kept = {normalize(line) for line in replace_solutions(original, "python")}
    stripped = [_MARKER.sub("", line) for line in original]
    code_lines = {n: normalize(line) for n, line in enumerate(stripped, 1)}
    changed = {
        n for n, line in code_lines.items() if line[:1] not in ("", "#") and line not in kept
    }
    return _meaningful(text for span, text, _ in _statements(stripped) if span & changed)


def _contains(text: str, secret: str) -> bool:
    """Whether `secret` occurs in `text` (both normalized) with word boundaries around it."""
    if secret not in text:
        return False
    return re.search(rf"(?<![\w]){re.escape(secret)}(?![\w])", text) is not None


def find_secrets(master: Master) -> dict[str, str]:
    """Map each secret of `master` (normalized text) to where it comes from."""
    prompt = normalize("\n".join(line for i in master.visible_cells for line in master.source(i)))
    public = normalize(
        "\n".join(
            statement
            for question in master.questions.values()
            for test in question.tests
            if not test.hidden
            for statement in _code_statements(test.body)
        )
    )
    secrets: dict[str, str] = {}
    for question in master.questions.values():
        for index in question.solution_cells:
            for secret in _solution_secrets(master, index):
                if not _contains(prompt, secret):
                    secrets.setdefault(secret, f"solution of question {question.name!r}")
        for test in question.tests:
            if not test.hidden:
                continue
            for secret in _code_statements(test.body):
                if not _contains(prompt, secret) and not _contains(public, secret):
                    secrets.setdefault(secret, f"hidden test of question {question.name!r}")
    return secrets


def _strings(value: object) -> Iterator[str]:
    """Every string inside a parsed JSON value (a notebook's sources, outputs, metadata)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def file_text(path: Path) -> str:
    """Normalized text of a file (of a notebook: its JSON strings); "" for binary files."""
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return ""
    if path.suffix == ".ipynb":
        try:
            text = "\n".join(_strings(json.loads(text)))
        except json.JSONDecodeError:
            pass
    return normalize(text)


def find_leaks(secrets: dict[str, str], folder: Path) -> list[Leak]:
    """Every (file, secret) pair where a secret occurs in a text file under `folder`."""
    leaks = []
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        text = file_text(path)
        leaks += [Leak(path, s, origin) for s, origin in secrets.items() if _contains(text, s)]
    return leaks
