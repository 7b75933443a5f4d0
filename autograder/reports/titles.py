"""Each question's title, as the student reads it: the heading above its check in the notebook."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from autograder.authoring.notebooks import CHECK_CALL

_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def question_titles(notebook: Path) -> dict[str, str]:
    """question -> the last Markdown heading before its first `grader.check` cell, e.g.
    "Question 1: `sgd_momentum_step` (20 points)"; {} when the notebook cannot be read."""
    try:
        cells = nbformat.read(notebook, as_version=4).cells
    except (OSError, ValueError):
        return {}
    titles: dict[str, str] = {}
    heading = ""
    for cell in cells:
        if cell.cell_type == "markdown":
            found = _HEADING.findall(cell.source)
            heading = found[-1] if found else heading
        elif cell.cell_type == "code":
            for question in CHECK_CALL.findall(cell.source):
                titles.setdefault(question, heading.replace("`", ""))
    return titles
