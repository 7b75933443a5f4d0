"""The student's side of the referee wire: answer requests about the notebook's namespace.

After the notebook has run, the referee (a trusted process holding the tests and the answer key)
asks for names, calls functions and reads attributes; values go back as data that keeps its
identity (see mirror.py), anything else as a reference to an object that stays here. The
referee sends only data and references to our own objects: no function of the referee's ever
reaches this process.
"""

from __future__ import annotations

import contextlib
import itertools
import signal
import socket
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from autograder.grading.wire.frames import PeerGone, WireError, recv_frame
from autograder.grading.wire.library import library_object
from autograder.grading.wire.rpc import Peer

MAX_ITEMS = 1_000_000


@contextlib.contextmanager
def _uninterrupted() -> Iterator[None]:
    """The referee's interrupt (its time limit) waits until the block is done: it cannot cut a
    frame in half or leave the mirror half updated; it arrives in the student's code after."""
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


class StudentPeer(Peer):
    """Serves the namespace `namespace` (the notebook's globals)."""

    def __init__(self, sock: socket.socket, namespace: dict[str, Any]) -> None:
        super().__init__(sock, sign=-1)
        self.namespace = namespace
        self._exported: dict[int, Any] = {}
        self._export_ids: dict[int, int] = {}

    def send(self, header: dict, values: dict[str, Any]) -> None:
        with _uninterrupted():
            super().send(header, values)

    def encode_other(self, value: Any) -> dict:
        kind = type(value)
        name = f"{kind.__module__}.{kind.__qualname__}"
        return {"$ref": self._export(value), "type": name, "callable": callable(value)}

    def _export(self, value: Any) -> int:
        key = id(value)
        if key not in self._export_ids:
            self._export_ids[key] = len(self._exported) + 1
            self._exported[self._export_ids[key]] = value
        return self._export_ids[key]

    def decode_ref(self, node: dict) -> Any:
        if "$lib" in node:
            try:
                return library_object(node["$lib"])
            except ValueError as err:
                raise WireError(str(err)) from None
        ident = node.get("$ref")
        if type(ident) is not int or ident not in self._exported:
            raise WireError("unknown object reference")
        return self._exported[ident]

    def answer(self, header: Any, arrays: list[np.ndarray]) -> None:
        """Handle one request and send its reply (or what it raised)."""
        try:
            with _uninterrupted():
                fields = self.receive(header, arrays)
            reply = self.handle(str(header.get("op")), fields)
        except KeyboardInterrupt:
            self.send_raise(TimeoutError("stopped at the time limit"))
            return
        except SystemExit as err:
            self.send_raise(RuntimeError(f"the code called sys.exit({err.code!r})"))
            return
        except WireError:
            raise
        except Exception as err:  # noqa: BLE001 - the referee learns what was raised
            self.send_raise(err)
            return
        try:
            self.send({}, {"reply": reply})
        except Exception as err:  # noqa: BLE001 - e.g. a value that cannot travel
            self.send_raise(err)

    def handle(self, op: str, fields: dict[str, Any]) -> Any:
        if op in _NAMESPACE_OPS:
            return _NAMESPACE_OPS[op](self.namespace, fields)
        if op in _OBJECT_OPS:
            return _OBJECT_OPS[op](fields.get("target"), fields)
        raise WireError(f"unknown request {op!r}")


def _name(fields: dict) -> str:
    name = fields.get("name")
    if not isinstance(name, str):
        raise WireError("a name must be a string")
    return name


def _get(namespace: dict, fields: dict) -> Any:
    name = _name(fields)
    if name not in namespace:
        raise NameError(f"name '{name}' is not defined")
    return namespace[name]


def _set(namespace: dict, fields: dict) -> None:
    namespace[_name(fields)] = fields.get("value")


def _delete(namespace: dict, fields: dict) -> None:
    namespace.pop(_name(fields), None)


def _define(_namespace: dict, fields: dict) -> Callable:
    """A test scenario's function (see nncheck.scenario), compiled here, apart from the notebook."""
    source = fields.get("source")
    if not isinstance(source, str):
        raise WireError("a scenario's source must be a string")
    scope: dict[str, Any] = {"__name__": "test_scenario"}
    exec(compile(source, "<test scenario>", "exec"), scope)  # noqa: S102 - the referee's code
    return scope[_name(fields)]


def _call(function: Any, fields: dict) -> Any:
    """`function(*args, **kwargs)`: args a tuple, kwargs a tuple of (name, value) pairs."""
    args, pairs = fields.get("args", ()), fields.get("kwargs", ())
    if type(args) is not tuple or type(pairs) is not tuple:
        raise WireError("malformed call")
    if not all(type(p) is tuple and len(p) == 2 and type(p[0]) is str for p in pairs):
        raise WireError("keyword names must be strings")
    return function(*args, **dict(pairs))


_NAMESPACE_OPS: dict[str, Callable[[dict, dict], Any]] = {
    "get": _get,
    "set": _set,
    "del": _delete,
    "define": _define,
    "has": lambda ns, f: _name(f) in ns,
    "keys": lambda ns, _f: [k for k in ns if isinstance(k, str) and not k.startswith("_")],
}
_OBJECT_OPS: dict[str, Callable[[Any, dict], Any]] = {
    "call": _call,
    "getattr": lambda obj, f: getattr(obj, _name(f)),
    "setattr": lambda obj, f: setattr(obj, _name(f), f.get("value")),
    "getitem": lambda obj, f: obj[f.get("key")],
    "setitem": lambda obj, f: obj.__setitem__(f.get("key"), f.get("value")),
    "contains": lambda obj, f: f.get("item") in obj,
    "len": lambda obj, _f: len(obj),
    "iter": lambda obj, _f: list(itertools.islice(obj, MAX_ITEMS)),
    "array": lambda obj, _f: np.asarray(obj),
    "float": lambda obj, _f: float(obj),
    "int": lambda obj, _f: int(obj),
    "bool": lambda obj, _f: bool(obj),
    "repr": lambda obj, _f: repr(obj)[:2000],
    "str": lambda obj, _f: str(obj)[:2000],
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
            peer.answer(header, arrays)
        except KeyboardInterrupt:  # arrived once the reply was out: nothing left to stop
            continue
