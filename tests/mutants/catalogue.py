"""The `Mutant` record and the per-assignment catalogues (`m_NAME.py`, each defining MUTANTS and
optionally EQUIVALENTS: right answers written differently from the solution)."""

from __future__ import annotations

import ast
import importlib
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Mutant:
    """A plausible wrong implementation of one graded function.

    function: the graded function's name, e.g. "dense_backward".
    name: a short id, unique per function, e.g. "dW_transposed".
    source: a complete `def function(...)` (may use `np` and the notebook's other functions).
    mistake: a case-insensitive substring the failure feedback must contain (None: any failure).
    """

    function: str
    name: str
    source: str
    mistake: str | None = None

    def __post_init__(self) -> None:
        try:
            tree = ast.parse(self.source)
        except SyntaxError as err:
            raise ValueError(f"mutant {self.id}: source does not parse: {err}") from err
        defined = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
        if defined != [self.function]:
            raise ValueError(
                f"mutant {self.id}: source must define exactly `def {self.function}(...)`, "
                f"defines {defined}"
            )

    @property
    def id(self) -> str:
        """`function:name`, unique within an assignment."""
        return f"{self.function}:{self.name}"


def catalogue_names() -> list[str]:
    """Assignments that have a catalogue, from the m_NAME.py files beside this module."""
    return sorted(path.stem[2:] for path in HERE.glob("m_*.py"))


def owning_questions(assignment: str) -> dict[str, frozenset[str]]:
    """QUESTIONS of m_ASSIGNMENT.py: {function: the questions that grade it} ({} if undefined).

    A mutant of `function` may lose points only on these questions (one mistake costs once).
    A value may be one question name or several.
    """
    module = importlib.import_module(f"{__package__}.m_{assignment}")
    table = getattr(module, "QUESTIONS", {})
    return {f: frozenset([q] if isinstance(q, str) else q) for f, q in table.items()}


def load_catalogue(assignment: str) -> list[Mutant]:
    """Return MUTANTS of m_ASSIGNMENT.py, checking that the ids are unique."""
    module = importlib.import_module(f"{__package__}.m_{assignment}")
    mutants: list[Mutant] = list(module.MUTANTS)
    ids = [m.id for m in mutants]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"m_{assignment}.py: duplicate mutant ids {duplicates}")
    return mutants


def load_equivalents(assignment: str) -> list[Mutant]:
    """EQUIVALENTS of m_ASSIGNMENT.py (none if it defines none): each must score full marks."""
    module = importlib.import_module(f"{__package__}.m_{assignment}")
    return list(getattr(module, "EQUIVALENTS", []))
