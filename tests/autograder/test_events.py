"""grading/events.py: the one event format; anything else is refused, never trusted."""

from __future__ import annotations

import json

import pytest

from autograder.grading.events import FIELDS, EventError, event, parse_event

GOOD = {
    "sandbox": {"applied": ["uid"], "missing": []},
    "cell": {"index": 3},
    "cell_error": {"index": 0, "type": "ValueError", "message": "bad"},
    "cells_done": {"interrupted_at": None},
    "test_start": {"file": "q1", "case": 0},
    "test": {"file": "q1", "case": 2, "passed": False, "message": "no", "mistake": "transposed"},
    "done": {"interrupted": False, "died": True, "stopped": "it exited"},
    "fatal": {"type": "OSError", "message": "gone"},
    "ready": {},
}


def test_every_kind_round_trips():
    assert set(GOOD) == set(FIELDS)
    for kind, fields in GOOD.items():
        assert parse_event(event(kind, **fields), cells=5) == {"event": kind, **fields}


def test_the_childs_done_may_leave_out_died_and_stopped():
    parsed = parse_event(event("done", interrupted=True))
    assert (parsed["died"], parsed["stopped"]) == (False, "")


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b"not json", "not JSON"),
        (b"[1, 2]", "unknown message"),
        (json.dumps({"event": "teleport"}).encode(), "unknown message"),
        (json.dumps({"event": "cell", "index": "X"}).encode(), "malformed 'cell' message (index)"),
        (json.dumps({"event": "cell", "index": True}).encode(), "malformed 'cell'"),
        (json.dumps({"event": "cell"}).encode(), "malformed 'cell'"),
        (json.dumps({"event": "cell", "index": 5}).encode(), "code cell 5 of 5"),
        (json.dumps({"event": "cell", "index": -1}).encode(), "code cell -1 of 5"),
        (
            json.dumps(
                {"event": "cell_error", "index": 999999, "type": "E", "message": ""}
            ).encode(),
            "code cell 999999",
        ),
        (json.dumps({"event": "cells_done", "interrupted_at": 9}).encode(), "code cell 9"),
        (
            json.dumps(
                {"event": "test", "file": "q", "case": 0, "passed": 1, "message": ""}
            ).encode(),
            "malformed 'test' message (passed)",
        ),
        (b"\xff\xfe", "not JSON"),
    ],
)
def test_anything_else_is_an_event_error_naming_the_problem(raw, why):
    with pytest.raises(EventError, match=None) as caught:
        parse_event(raw, cells=5)
    assert why in str(caught.value)


def test_cells_done_may_say_no_cell_ran():
    assert parse_event(event("cells_done", interrupted_at=-1), cells=5)["interrupted_at"] == -1
