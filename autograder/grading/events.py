"""The one event format of grading, and the one function that reads it.

The sandboxed child (over its event socket) and the referee (over its control socket) report what
happened as JSON objects `{"event": KIND, FIELD: value, ...}`:

  sandbox     applied: [str], missing: [str]     the isolation the child got (child only)
  cell        index: int                         about to run code cell `index`
  cell_error  index: int, type: str, message: str
  cells_done  interrupted_at: int | None         the cell stopped at the time limit (-1: none ran)
  test_start  file: str, case: int
  test        file: str, case: int, passed: bool, message: str, mistake: str (the code of the
                                                 mistake the failure names, "" for none; the
                                                 grader keeps it from the referee only)
  done        interrupted: bool, died: bool, stopped: str    the tests ended (died: the student's
                                                 process ended during a test; stopped: why)
  fatal       type: str, message: str            the child could not go on
  ready       (no fields)                        the referee started

Whatever sends them, `parse_event` checks the kind, every field's type and, given the number of
code cells, every cell index; anything else is an `EventError`, which fails that submission alone.
(The student's code can write to the child's socket: a malformed line must never end a batch.)
"""

from __future__ import annotations

import json
from typing import Any

from autograder.errors import AutograderError

_OPTIONAL = object()
FIELDS: dict[str, dict[str, tuple[type, ...]]] = {
    "sandbox": {"applied": (list,), "missing": (list,)},
    "cell": {"index": (int,)},
    "cell_error": {"index": (int,), "type": (str,), "message": (str,)},
    "cells_done": {"interrupted_at": (int, type(None))},
    "test_start": {"file": (str,), "case": (int,)},
    "test": {
        "file": (str,),
        "case": (int,),
        "passed": (bool,),
        "message": (str,),
        "mistake": (str,),
    },
    "done": {"interrupted": (bool,), "died": (bool,), "stopped": (str,)},
    "fatal": {"type": (str,), "message": (str,)},
    "ready": {},
}
DEFAULTS: dict[str, dict[str, Any]] = {
    "done": {"died": False, "stopped": ""},
    "test": {"mistake": ""},
}
"""Fields a sender may leave out (the child's `done` has no `died`, its `test` no `mistake`)."""
_CELL_INDEX = {"cell": "index", "cell_error": "index", "cells_done": "interrupted_at"}


class EventError(AutograderError, ValueError):
    """A message that is not an event of this format (or names a cell that does not exist)."""


def event(kind: str, **fields: Any) -> bytes:
    """One event as the line a sender writes (JSON, ASCII, newline-terminated)."""
    return (json.dumps({"event": kind, **fields}, ensure_ascii=True) + "\n").encode("ascii")


def parse_event(raw: bytes | str, *, cells: int | None = None) -> dict[str, Any]:
    """The event in `raw`, every field checked (module doc); raise `EventError` otherwise.

    `cells`: the number of code cells, so a cell index outside the notebook is refused.
    """
    try:
        message = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as err:
        raise EventError(f"the grading process sent a message that is not JSON ({err})") from None
    kind = message.get("event") if isinstance(message, dict) else None
    if kind not in FIELDS:
        raise EventError(f"the grading process sent an unknown message {str(kind)[:40]!r}")
    message = {**DEFAULTS.get(kind, {}), **message}
    for name, types in FIELDS[kind].items():
        value = message.get(name, _OPTIONAL)
        # bool is an int in Python: an index or case must be a real int
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            raise EventError(f"the grading process sent a malformed {kind!r} message ({name})")
    index_field = _CELL_INDEX.get(kind)
    if cells is not None and index_field is not None:
        index = message[index_field]
        low = -1 if kind == "cells_done" else 0
        if index is not None and not low <= index < cells:
            raise EventError(f"the grading process named code cell {index} of {cells}")
    return message
