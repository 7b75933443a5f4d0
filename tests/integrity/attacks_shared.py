"""Attacks written once for every assignment: issue 18's rows, instantiated on any base.

A row here (or one of 01's catalogue named in `FROM_01`) makes sense on any assignment: its code
lives in cells of its own or in a prepend that does not read the wrong function's arguments by
name. `shared_catalogue(assignment, base)` puts every row on that base (one line per assignment
in catalogues.py); `extended(catalogue, base)` adds to an assignment's own catalogue the rows it
does not have yet.

The rows: what a student's process can read (the grader's environment by every route, the
process table, the mount table, the command lines), kill or outlive (`pid_walker`), say on the
wire (forged and malformed events, a forged sandbox report, a forged identity on the referee's
wire), keep (`callback_stash`), the student text every output must escape (`hostile_text`, its
file name and its message), the identity it may not take (`identity_hijack`), the disk quota and
an honest notebook far larger than the others (`big_data_cell`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from tests.integrity.attacks import (
    AT_MOST,
    ERROR,
    SEND_TO_EVERY_STREAM_SOCKET,
    Attack,
    Base,
    Catalogue,
    dedent_code,
    rebased,
)

FROM_01 = (
    "leak_environment",
    "read_grader_environment",
    "process_table",
    "pid_walker",
    "fill_the_disk",
    "forge_grading_events",
    "forge_sandbox_warning",
    "big_data_cell",
)
"""01's rows that are generic (the names of attacks.ATTACKS), re-based on each assignment."""

HOSTILE_TEXT = (
    '=HYPERLINK("evil.example","x")\x1b]0;pwned\x07\x1b[2J'
    "<img src=x onerror=alert(1)>[link](javascript:alert(1))\n# forged heading"
)
"""Student text that would drive a spreadsheet, a terminal, a web page and Markdown (no `/`:
it is also a file name)."""

STASH_CELL = dedent_code(
    """
    import builtins
    import functools
    import types

    _notebook = globals()
    builtins.__stash__ = []
    _own = {
        name: value
        for name, value in list(_notebook.items())
        if isinstance(value, types.FunctionType) and value.__globals__ is _notebook
    }
    _wrappers = {}


    def _foreign(value):
        return (
            callable(value)
            and not isinstance(value, type)
            and value not in _own.values()
            and value not in _wrappers.values()
            and getattr(value, "__globals__", None) is not _notebook
        )


    def _keep(value):
        if _foreign(value) and all(value is not kept for kept in builtins.__stash__):
            builtins.__stash__.append(value)


    def _keep_replaced_globals():
        for name in _own:
            value = _notebook.get(name)
            if value is not _own[name] and value is not _wrappers.get(name):
                _keep(value)


    def _wrap(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            for value in (*args, *kwargs.values()):
                _keep(value)
            _keep_replaced_globals()
            try:
                return function(*args, **kwargs)
            finally:
                _keep_replaced_globals()

        return wrapper


    for _name, _function in _own.items():
        if _name != "WRONG_FUNCTION":
            _wrappers[_name] = _notebook[_name] = _wrap(_function)
    """
)
"""Wrap every function of the notebook (except the wrong one) so that it keeps foreign callables."""

FORGE_IDENTITY_CELL = dedent_code(
    """
    import functools
    import sys

    import numpy as np

    _mirror_module = sys.modules.get("autograder.grading.wire.mirror")
    _returned = []  # what WRONG_FUNCTION returned: held, so the mirror never forgets it
    _first = {}


    def _shape_of(value):
        if isinstance(value, dict):
            return tuple((key, np.shape(item)) for key, item in value.items())
        return (np.shape(value), str(getattr(value, "dtype", "")))


    if _mirror_module is not None:
        _real_allocate = _mirror_module.Mirror.allocate

        def _forging_allocate(self, value):
            if not any(value is kept for kept in _returned):
                return _real_allocate(self, value)
            key = (type(value), _shape_of(value))
            if key in _first:  # every second result takes the identity of the one before
                sid, _ = _first.pop(key)
                self.adopt(sid, value)
                return sid
            sid = _real_allocate(self, value)
            _first[key] = (sid, value)
            return sid

        _mirror_module.Mirror.allocate = _forging_allocate

    _honest_function = WRONG_FUNCTION


    @functools.wraps(_honest_function)
    def WRONG_FUNCTION(*args, **kwargs):
        result = _honest_function(*args, **kwargs)
        _returned.append(result)
        return result
    """
)
"""Patch the student side of the wire so that each second new object the wrong function returns
travels with the identity of the one before it (the referee overwrites the first in place)."""


def _callback_stash(base: Base) -> Attack:
    return Attack(
        "callback_stash",
        "keep every callable the tests hand the notebook (arguments, replaced globals) and "
        f"let `{base.function}` answer with the first that accepts its arguments",
        base=base.name,
        prepend=dedent_code(
            """
            _arguments = list(locals().values())  # first line: the function's own arguments
            import builtins

            for _kept in getattr(builtins, "__stash__", []):
                try:
                    return _kept(*_arguments)
                except Exception:
                    continue
            """
        ),
        cells=(STASH_CELL,),
        why="no test hands the student's process a callable of its own",
    )


def _new_rows(base: Base) -> tuple[Attack, ...]:
    """The rows first written here, on `base`."""
    return (
        _callback_stash(base),
        Attack(
            "forged_identity",
            f"patch the wire's encoder so that each second dict or array `{base.function}` "
            "returns carries the identity of the one before (the referee overwrites the first "
            "with it: `a is b`)",
            base=base.name,
            cells=(FORGE_IDENTITY_CELL,),
            expect=AT_MOST,
            why="the referee refuses the forged identity: the test that received it fails, as "
            "if the code had crashed, and can cost a question that calls the function too",
        ),
        Attack(
            "malformed_event",
            "write a malformed `cell` event (index `X`) to every inherited Unix stream socket",
            base=base.name,
            cells=(
                dedent_code(
                    """
                    import json
                    import os
                    import socket

                    _payload = (json.dumps({"event": "cell", "index": "X"}) + "\\n").encode()
                    """
                )
                + "\n"
                + SEND_TO_EVERY_STREAM_SOCKET,
            ),
            expect=ERROR,
            why="it once ended the whole run (no grades.csv for anyone); now that submission "
            "alone fails, with the reason",
        ),
        Attack(
            "hostile_text",
            "a file name and a raised message holding a spreadsheet formula, terminal escapes "
            "(window title, clear screen), HTML and Markdown",
            base=base.name,
            cells=(f"raise RuntimeError({HOSTILE_TEXT!r})",),
            file_stem=HOSTILE_TEXT + " hostile_text",
            why="scores as its twin; every output shows the text escaped for its sink",
        ),
        Attack(
            "identity_hijack",
            "hand in a zip of its own holding `solution.ipynb` (another student's file name), "
            "listed before that student's notebook",
            base=base.name,
            zip_as="solution",
            why="a name inside a zip yields to the file that owns it: graded as `solution#2`",
        ),
    )


def shared_attacks(base: Base, skip: Collection[str] = ()) -> tuple[Attack, ...]:
    """Every shared row on `base`, but those named in `skip`."""
    rows = tuple(rebased(name, base) for name in FROM_01) + _new_rows(base)
    return tuple(row for row in rows if row.name not in skip)


def shared_catalogue(assignment: str, base: Base) -> Catalogue:
    """An assignment's corpus: every shared row on its one base, graded from lean notebooks."""
    return Catalogue(assignment, {base.name: base}, shared_attacks(base), lean=True)


def extended(
    catalogue: Catalogue, base: str, *, on: Base | None = None, only: Collection[str] = ()
) -> Catalogue:
    """`catalogue` with the shared rows it does not have yet, on its base `base`; with `on`, the
    rows named in `only` go on that new base instead."""
    rows = shared_attacks(
        catalogue.bases[base], skip={a.name for a in catalogue.attacks} | set(only)
    )
    bases = dict(catalogue.bases)
    if on is not None:
        bases[on.name] = on
        rows += tuple(a for a in shared_attacks(on) if a.name in only)
    return replace(catalogue, bases=bases, attacks=catalogue.attacks + rows)
