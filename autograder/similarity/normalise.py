"""A code cell as a stream of normalised tokens: what a renaming cannot change.

Each code cell is tokenised whole (Python's `tokenize`; its syntax tree from `ast.parse` tells
which names it binds and where each top-level statement starts); `extract` then keeps the tokens
of the student's own lines. Normalised:

- a name the cell binds (parameters, assignment, loop, `with`/`except` and comprehension targets,
  the functions and classes it defines) becomes `V`, except the names `keep` lists (the
  handout's function names: renaming them would break the grading, so they stay);
  attributes (`.sum`), modules and builtins used but not bound (`np`, `range`) stay as written;
- string literals become `S`; numbers stay; comments, docstrings (string statements), line
  breaks and indentation are dropped.

Code that does not parse (a syntax error, an IPython `%magic`) is read with every name that does
not follow a `.` and is not a keyword or builtin taken as bound; code that does not even
tokenise (an unclosed bracket or string) falls back to a simple split into words and symbols.
Nothing is executed.
"""

from __future__ import annotations

import ast
import bisect
import builtins
import io
import keyword
import re
import tokenize
from collections.abc import Iterator
from typing import NamedTuple

BOUND = "V"
STRING = "S"
_BUILTINS = frozenset(dir(builtins))
_SKIPPED_TYPES = frozenset(
    {
        tokenize.COMMENT,
        tokenize.NL,
        tokenize.NEWLINE,
        tokenize.INDENT,
        tokenize.DEDENT,
        tokenize.ENDMARKER,
    }
)
_WORD = re.compile(r"[A-Za-z_]\w*|\d[\w.]*|\S")


class Token(NamedTuple):
    """A normalised token, and where it was written: the cell's position in the submission's
    `Code.cells`, the line's index (0-based) in that cell, and the top-level statement (a
    function, a loop, an assignment) of the cell it belongs to (fingerprints do not cross
    from one to the next, so their order does not matter)."""

    text: str
    cell: int
    line: int
    statement: int


class _Parsed(NamedTuple):
    """What the syntax tree says: the names bound, the lines that are string statements, the
    first line of each top-level statement."""

    bound: frozenset[str] | None  # None: the cell did not parse
    docstring_lines: frozenset[int]  # 1-based
    statement_starts: tuple[int, ...] = ()  # 1-based, ascending


def _bound_names(tree: ast.AST) -> frozenset[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return frozenset(names)


def _tree(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # ValueError: null bytes
        return None


def _parse(source: str) -> _Parsed:
    tree = _tree(source)
    if tree is None:
        return _Parsed(None, frozenset())  # the whole cell one statement
    docstrings = frozenset(
        line
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        for line in range(node.lineno, (node.end_lineno or node.lineno) + 1)
    )
    starts = tuple(
        min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))])
        for node in tree.body
    )
    return _Parsed(_bound_names(tree), docstrings, starts)


def _normal_name(
    name: str, after_dot: bool, bound: frozenset[str] | None, keep: frozenset[str]
) -> str:
    if after_dot or keyword.iskeyword(name) or name in keep:
        return name
    if bound is None:
        return name if name in _BUILTINS else BOUND
    return BOUND if name in bound else name


def _python_tokens(source: str, parsed: _Parsed, keep: frozenset[str]) -> Iterator[tuple[str, int]]:
    """(normalised text, 1-based line) of each token; raises `tokenize.TokenError`,
    `SyntaxError` (bad indentation) when the source does not tokenise."""
    previous = ""
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        line = token.start[0]
        if token.type in _SKIPPED_TYPES or line in parsed.docstring_lines:
            continue
        if token.type == tokenize.NAME:
            text = _normal_name(token.string, previous == ".", parsed.bound, keep)
        elif token.type == tokenize.STRING:
            text = STRING
        else:
            text = token.string
        previous = token.string
        yield text, line


def _word_tokens(source: str, keep: frozenset[str]) -> Iterator[tuple[str, int]]:
    """The fallback for code that does not tokenise: words and symbols, `#` comments dropped."""
    for number, line in enumerate(source.splitlines(), start=1):
        previous = ""
        for word in _WORD.findall(line.split("#", 1)[0]):
            is_name = word[0].isalpha() or word[0] == "_"
            yield (_normal_name(word, previous == ".", None, keep) if is_name else word), number
            previous = word


def defined_functions(source: str) -> frozenset[str]:
    """The names of the functions `source` defines (none if it does not parse)."""
    tree = _tree(source)
    if tree is None:
        return frozenset()
    return frozenset(n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef))


def cell_tokens(source: str, position: int, keep: frozenset[str]) -> list[Token]:
    """The normalised tokens of one code cell; `position`: the cell's place in its submission."""
    parsed = _parse(source)
    try:
        found = list(_python_tokens(source, parsed, keep))
    except (tokenize.TokenError, SyntaxError):
        found = list(_word_tokens(source, keep))
    return [
        Token(text, position, line - 1, bisect.bisect_right(parsed.statement_starts, line))
        for text, line in found
    ]
