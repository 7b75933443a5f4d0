"""One identity on both sides of the wire for every mutable value that crossed it.

A numeric ndarray, a dict, a list or a PCG64 Generator that travels gets a shared id; the side
that sent it first owns it (referee ids > 0, student ids < 0) and the other side keeps a
replica. Both sides remember the state they last exchanged. Before each frame a side sends the
objects whose state changed since (`changed`), so an in-place change made on either side reaches
the other side's copy whoever holds it; an object sent again travels as `{"$m": id}` and arrives
as the same object. So `is`, aliasing between arguments, between calls and between arguments and
results, rebinding a dict's entry, and changes made later to an object kept from an earlier call
behave as in one process. A side drops its own objects once nothing but the mirror holds them
(`drop_unheld`) and says so in the frame; the other side then drops its replica (`forget`).

What the student's process can claim is bounded: it can name only ids it was sent or sent
itself (anything else is a WireError), and naming one means "this is that object, now in this
state", which code in one process can do too.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

ARRAY_KINDS = "biufc"


def mirrored(value: Any) -> bool:
    """Whether `value` travels with an identity (mutable data) rather than as a plain value."""
    kind = type(value)
    if kind is dict or kind is list:
        return True
    if isinstance(value, np.ndarray):
        return value.dtype.kind in ARRAY_KINDS and value.dtype.fields is None
    return isinstance(value, np.random.Generator) and type(value.bit_generator).__name__ == "PCG64"


def _token(value: Any) -> Any:
    """What a container's state records of one element: identity for mirrored objects, the
    value (bit for bit) for plain ones, identity for anything else."""
    if mirrored(value):
        return ("o", id(value))
    kind = type(value)
    if kind is float:
        return ("f", value.hex())
    if kind is complex:
        return ("c", value.real.hex(), value.imag.hex())
    if value is None or kind in (bool, int, str):
        return ("v", kind.__name__, value)
    if kind is tuple:
        return ("t", tuple(_token(v) for v in value))
    if isinstance(value, np.generic):
        return ("g", value.dtype.str, value.tobytes())
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor) and value.layout == torch.strided:
        data = value.detach().cpu()
        return ("T", id(value), str(data.dtype), tuple(data.shape), data.numpy().tobytes())
    return ("r", id(value))


def state(value: Any) -> Any:
    """A mirrored object's state, comparable with `==` (arrays bit for bit)."""
    if isinstance(value, np.ndarray):
        return (value.shape, value.dtype.str, bool(value.flags.writeable), value.tobytes())
    if type(value) is dict:
        return tuple((_token(k), _token(v)) for k, v in value.items())
    if type(value) is list:
        return tuple(_token(v) for v in value)
    return value.bit_generator.state


class Mirror:
    """The shared ids of one side: objects, their ids, and the state last exchanged."""

    def __init__(self, sign: int) -> None:
        """`sign`: +1 for the referee's ids, -1 for the student process's."""
        self.sign = sign
        self.objects: dict[int, Any] = {}
        self._ids: dict[int, int] = {}  # id(object) -> shared id
        self._seen: dict[int, Any] = {}
        self._allocated = 0

    def shared_id(self, value: Any) -> int | None:
        return self._ids.get(id(value))

    def allocate(self, value: Any) -> int:
        """A new id of ours for `value`, sent for the first time."""
        self._allocated += 1
        sid = self.sign * self._allocated
        self.adopt(sid, value)
        return sid

    def adopt(self, sid: int, value: Any) -> None:
        """Track `value` under `sid` (replacing what was there)."""
        old = self.objects.get(sid)
        if old is not None:
            self._ids.pop(id(old), None)
        self._ids[id(value)] = sid
        self.objects[sid] = value

    def ours(self, sid: int) -> bool:
        return sid * self.sign > 0

    def remember(self, sid: int) -> None:
        """The other side now has the object's present state."""
        self._seen[sid] = state(self.objects[sid])

    def changed(self) -> list[Any]:
        """The objects whose state differs from what the other side last got."""
        return [obj for sid, obj in self.objects.items() if state(obj) != self._seen.get(sid)]

    def drop_unheld(self) -> list[int]:
        """Stop tracking our objects that nothing but the mirror holds; return their ids."""
        baseline = sys.getrefcount(object())  # what a reference only from here would count
        dropped = []
        for sid in [s for s in self.objects if self.ours(s)]:
            if sys.getrefcount(self.objects[sid]) - 1 <= baseline:
                dropped.append(sid)
                self._untrack(sid)
        return dropped

    def forget(self, sid: int) -> None:
        """The other side dropped its object `sid`: drop our replica."""
        if sid in self.objects:
            self._untrack(sid)

    def _untrack(self, sid: int) -> None:
        value = self.objects.pop(sid)
        self._ids.pop(id(value), None)
        self._seen.pop(sid, None)

    def known(self, sid: int) -> bool:
        """Whether `sid` names an object both sides track."""
        return sid in self.objects
