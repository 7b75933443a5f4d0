"""The student's side of the referee wire: answer requests about the notebook's namespace.

After the notebook has run, the referee (a trusted process holding the tests and the answer key)
asks for names, calls functions and reads attributes; values go back as plain data, anything
else as a reference to an object that stays here. The referee's own functions arrive as
callbacks the student's code may call.
"""

from __future__ import annotations

import itertools
import signal
import socket
from collections.abc import Callable
from typing import Any

import numpy as np

from autograder.grading.wire.frames import PeerGone, WireError, recv_frame
from autograder.grading.wire.rpc import Peer, restore_call

MAX_ITEMS = 1_000_000


class Callback:
    """A referee function, callable from student code (arguments travel as data)."""

    def __init__(self, peer: Peer, ident: int) -> None:
        self._peer, self._ident = peer, ident

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        fields = {"target": {"$cb": self._ident}}
        values = {"args": list(args), "kwargs": kwargs}
        if self._peer.active:
            values["sync"] = self._peer.active[-1]  # the referee's copies see in-place changes
        answer = self._peer.request("call", fields, values)
        after = answer.get("after")
        if isinstance(after, list) and len(after) == 2:
            restore_call(list(args), kwargs, after[0], after[1])
        return answer["reply"]


class StudentPeer(Peer):
    """Serves the namespace `namespace` (the notebook's globals)."""

    def __init__(self, sock: socket.socket, namespace: dict[str, Any]) -> None:
        super().__init__(sock)
        self.namespace = namespace
        self.active: list[list] = []  # arguments of the calls in progress, innermost last
        self.sent_dicts = []

    def send(self, header: dict, values: dict[str, Any]) -> None:
        """Send a whole frame: the referee's interrupt (its time limit) waits until the frame is
        out, so it cannot cut one in half and garble the stream."""
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            super().send(header, values)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)

    def encode_other(self, value: Any) -> dict:
        kind = type(value)
        name = f"{kind.__module__}.{kind.__qualname__}"
        return {"$ref": self.export(value), "type": name, "callable": callable(value)}

    def decode_ref(self, node: dict) -> Any:
        return self.exported_object(node)

    def decode_callback(self, node: dict) -> Any:
        ident = node.get("$cb")
        if type(ident) is not int:
            raise WireError("bad callback")
        return Callback(self, ident)

    def handle(self, op: str, header: dict, decode: Callable[[Any], Any]) -> Any:
        if op in _NAMESPACE_OPS:
            return {"reply": _NAMESPACE_OPS[op](self.namespace, header, decode)}
        if op == "call":
            return self.call_exported(header, decode, self.active)
        if op in _OBJECT_OPS:
            target = self.exported_object(header.get("target") or {})
            return {"reply": _OBJECT_OPS[op](target, header, decode)}
        raise WireError(f"unknown request {op!r}")


def _name(header: dict) -> str:
    name = header.get("name")
    if not isinstance(name, str):
        raise WireError("a name must be a string")
    return name


def _get(namespace: dict, header: dict, _decode: Callable) -> Any:
    name = _name(header)
    if name not in namespace:
        raise NameError(f"name '{name}' is not defined")
    return namespace[name]


def _set(namespace: dict, header: dict, decode: Callable) -> None:
    namespace[_name(header)] = decode(header.get("value"))


def _delete(namespace: dict, header: dict, _decode: Callable) -> None:
    namespace.pop(_name(header), None)


def _define(_namespace: dict, header: dict, _decode: Callable) -> Callable:
    """A test scenario's function (see nncheck.scenario), compiled here, apart from the notebook."""
    source = header.get("source")
    if not isinstance(source, str):
        raise WireError("a scenario's source must be a string")
    scope: dict[str, Any] = {"__name__": "test_scenario"}
    exec(compile(source, "<test scenario>", "exec"), scope)  # noqa: S102 - the referee's code
    return scope[_name(header)]


_NAMESPACE_OPS: dict[str, Callable[[dict, dict, Callable], Any]] = {
    "get": _get,
    "set": _set,
    "del": _delete,
    "define": _define,
    "has": lambda ns, h, _d: _name(h) in ns,
    "keys": lambda ns, _h, _d: [k for k in ns if isinstance(k, str) and not k.startswith("_")],
}
_OBJECT_OPS: dict[str, Callable[[Any, dict, Callable], Any]] = {
    "getattr": lambda obj, h, _d: getattr(obj, _name(h)),
    "setattr": lambda obj, h, d: setattr(obj, _name(h), d(h.get("value"))),
    "getitem": lambda obj, h, d: obj[d(h.get("key"))],
    "setitem": lambda obj, h, d: obj.__setitem__(d(h.get("key")), d(h.get("value"))),
    "contains": lambda obj, h, d: d(h.get("item")) in obj,
    "len": lambda obj, _h, _d: len(obj),
    "iter": lambda obj, _h, _d: list(itertools.islice(obj, MAX_ITEMS)),
    "array": lambda obj, _h, _d: np.asarray(obj),
    "float": lambda obj, _h, _d: float(obj),
    "int": lambda obj, _h, _d: int(obj),
    "bool": lambda obj, _h, _d: bool(obj),
    "repr": lambda obj, _h, _d: repr(obj)[:2000],
    "str": lambda obj, _h, _d: str(obj)[:2000],
}


def serve(sock: socket.socket, namespace: dict[str, Any]) -> None:
    """Answer the referee until it says `bye` or goes away."""
    peer = StudentPeer(sock, namespace)
    while True:
        try:
            header, arrays = recv_frame(sock)
        except KeyboardInterrupt:
            continue
        except PeerGone:
            return
        if not isinstance(header, dict) or header.get("op") == "bye":
            return
        try:
            peer.answer(header, peer._decoder(arrays))
        except KeyboardInterrupt:  # arrived once the reply was out: nothing left to stop
            continue
