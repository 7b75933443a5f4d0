"""A submission's own code: its code cells, with the lines the handout gave removed.

A notebook is hostile input: it is only read as JSON (never executed), and anything that is not
an nbformat-4 notebook with code cells (bad JSON, wrong types, too deep, too much code) gives a
`Skipped` with the reason instead of an exception. The handout (the student variant
`assignments/NAME/NAME.ipynb`) gives the starter code: a line of a submission whose normalised
tokens (`normalise`: names and comments do not count) are those of a line of the handout's code
cells is not the student's own (so a signature with renamed parameters is still the handout's),
nor is a line without tokens (blank, a comment, a docstring). The cells keep every line so that
the report can show each own line in its place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from autograder.errors import AutograderError
from autograder.grading.records import Submission
from autograder.similarity.normalise import Token, cell_tokens, defined_functions

MAX_CODE_CHARS = 300_000
"""More code than this in one notebook (ten times a real one; a pasted data dump, a generated
cell) is skipped, not compared: every notebook then takes at most a second or two."""


class NotebookError(AutograderError, ValueError):
    """A notebook that cannot be read as an nbformat-4 notebook; the message says why."""


@dataclass(frozen=True)
class Cell:
    """One code cell: `index` among all the notebook's cells, its `lines`, and `own`, the
    (0-based) indexes of the lines the student wrote."""

    index: int
    lines: tuple[str, ...]
    own: frozenset[int]


@dataclass(frozen=True)
class Code:
    """A submission's code cells that hold at least one own line, and the normalised tokens of
    its own lines (`Token.cell`: a position in `cells`)."""

    submission: Submission
    cells: tuple[Cell, ...]
    tokens: tuple[Token, ...]


@dataclass(frozen=True)
class Skipped:
    """A submission left out of the comparison, and why (student text in `file`, `reason`)."""

    submission: Submission
    reason: str


@dataclass(frozen=True)
class Handout:
    """The starter code: the names of the functions the handout defines (students must keep
    them, so they are not normalised), the normalised tokens of each of its lines, and its code
    cells' sources (a submission's cell equal to one of them is not even tokenised)."""

    functions: frozenset[str]
    lines: frozenset[tuple[str, ...]]
    sources: frozenset[str]

    @classmethod
    def from_notebook(cls, content: bytes) -> Handout:
        """Raises `NotebookError` when the handout is not a readable notebook."""
        sources = [source for _, source in code_cells(content)]
        functions = frozenset().union(*(defined_functions(source) for source in sources))
        lines = frozenset(
            line
            for source in sources
            for line in _by_line(cell_tokens(source, 0, functions)).values()
        )
        return cls(functions, lines, frozenset(sources))


def _by_line(tokens: list[Token]) -> dict[int, tuple[str, ...]]:
    """A cell's tokens as {line index: the texts of its tokens}."""
    lines: dict[int, list[str]] = {}
    for token in tokens:
        lines.setdefault(token.line, []).append(token.text)
    return {line: tuple(texts) for line, texts in lines.items()}


def _text(source: object) -> str:
    """A cell's `source`: a string or a list of strings (nbformat allows both)."""
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(piece, str) for piece in source):
        return "".join(source)
    raise NotebookError("a code cell's source is neither text nor a list of text")


def code_cells(content: bytes) -> list[tuple[int, str]]:
    """(index among all cells, source) of every code cell of the notebook `content`.

    Raises `NotebookError` for anything that is not a notebook of cells.
    """
    if not content.strip():
        raise NotebookError("empty file")
    try:
        notebook = json.loads(content)
    except RecursionError as error:
        raise NotebookError("not a notebook: JSON nested too deep") from error
    except (ValueError, UnicodeDecodeError) as error:  # JSONDecodeError is a ValueError
        raise NotebookError(f"not a notebook: invalid JSON ({error})") from error
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise NotebookError("not a notebook: no list of cells")
    found, size = [], 0
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict):
            raise NotebookError(f"cell {index} is not a cell")
        if cell.get("cell_type") == "code":
            source = _text(cell.get("source", ""))
            size += len(source)
            if size > MAX_CODE_CHARS:
                raise NotebookError(f"more than {MAX_CODE_CHARS:,} characters of code")
            found.append((index, source))
    return found


def own_code(submission: Submission, handout: Handout) -> Code | Skipped:
    """The student's own code of `submission`, or why it is skipped (unreadable, not a
    notebook, no code beyond the starter code)."""
    if submission.extra.get("error"):
        return Skipped(submission, submission.extra["error"])
    try:
        cells = code_cells(submission.content)
    except NotebookError as error:
        return Skipped(submission, str(error))
    kept: list[Cell] = []
    tokens: list[Token] = []
    for index, source in cells:
        if source in handout.sources:
            continue
        found = cell_tokens(source, len(kept), handout.functions)
        lines = _by_line(found)
        own = frozenset(i for i, texts in lines.items() if texts not in handout.lines)
        if own:
            kept.append(Cell(index, tuple(source.splitlines()), own))
            tokens.extend(token for token in found if token.line in own)
    if not kept:
        return Skipped(submission, "no code beyond the handout's starter code")
    return Code(submission, tuple(kept), tuple(tokens))
