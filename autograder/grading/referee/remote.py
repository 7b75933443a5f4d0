"""Stand-ins for the student's objects in the referee, and the referee's end of the wire.

A test gets `RemoteNamespace` as the notebook's globals. Plain values (numbers, strings, arrays,
containers of them, tensors by value) arrive as real, trusted objects; anything else as a
`RemoteObject` whose attributes, items and calls are requests to the student's process.
Mutable data keeps one identity on both sides (see wire/mirror.py): what the student's code does
to an argument, to a result or to an object kept from an earlier call reaches the referee's
object, as it would in one process. Only data and the student's own objects are sent to the
student's process: a function of the referee's is refused (a library function such as `np.tanh`
travels by name and the student's process uses its own), so nothing of the answer key can be
called, or kept, from there.
"""

from __future__ import annotations

import builtins
import inspect
import socket
import textwrap
from collections.abc import Iterator, MutableMapping
from typing import Any

import numpy as np

from autograder.errors import AutograderError
from autograder.grading.sandbox.cputime import CpuBudget, Deadline
from autograder.grading.wire.frames import FrameReader, PeerGone, WireError
from autograder.grading.wire.library import library_name
from autograder.grading.wire.rpc import Peer, RemoteError, remote_error

_BUILTIN_ERRORS = {
    name: cls
    for name, cls in vars(builtins).items()
    if isinstance(cls, type) and issubclass(cls, Exception)
}


class StudentCodeStopped(AutograderError, RuntimeError):
    """The student's process ended or stopped answering (time limit, crash, exit)."""


def _raise_as_student(err: RemoteError) -> None:
    """Re-raise what the student's code raised, as the builtin type when there is one."""
    kind = _BUILTIN_ERRORS.get(err.kind)
    if kind is not None and kind not in (SystemExit, KeyboardInterrupt):
        raise kind(err.message) from None
    raise RuntimeError(f"{err.kind}: {err.message}") from None


class RefereePeer(Peer):
    """Talks to the student's process `pid`; interrupts it at the deadline, then kills it."""

    def __init__(self, sock: socket.socket, pid: int, grace: float = 5.0) -> None:
        super().__init__(sock, sign=1)
        self.pid, self.grace = pid, grace
        self._frames = FrameReader(sock)
        self.stopped: str = ""
        self.timed_out = False
        self._deadline: Deadline | None = None
        self._phase: CpuBudget | None = None
        self.deadline: float | None = None
        self._scenarios: dict[Any, RemoteCallable] = {}  # by code object

    def encode_other(self, value: Any) -> dict:
        if isinstance(value, RemoteObject):
            return {"$ref": value._ident}
        name = library_name(value)
        if name is not None:
            return {"$lib": name}
        raise TypeError(
            f"a {type(value).__name__} of the test's cannot be passed to the student's code: "
            "pass data, or the student's own objects"
        )

    def decode_ref(self, node: dict) -> Any:
        ident = node.get("$ref")
        if type(ident) is not int:
            raise WireError("bad object reference")
        kind = str(node.get("type", "object"))[:200]
        proxy = RemoteCallable if node.get("callable") is True else RemoteObject
        return proxy(self, ident, kind)

    def start_test(self, seconds: float) -> None:
        """A new test case: its own CPU seconds of the student's process (see cputime), and a
        fresh chance to be interrupted politely. Its clock runs only while the referee waits
        for the student's process (see `request`)."""
        self._deadline = Deadline(self.pid, seconds, self.grace)
        self._deadline.pause()
        self.deadline = self._deadline.at

    def start_phase(self, seconds: float) -> None:
        """The whole test phase: `seconds` CPU seconds of the student's process, counted like
        a test case's (see `phase_spent`)."""
        self._phase = CpuBudget(self.pid, seconds)
        self._phase.pause()

    def phase_spent(self) -> bool:
        """Whether the test phase's budget is used up (no phase started: it is not)."""
        return self._phase is not None and self._phase.spent()

    def _resume_clocks(self) -> None:
        if self._phase is not None:
            self._phase.resume()
        if self._deadline is not None:
            self._deadline.resume()
            self.deadline = self._deadline.at

    def _pause_clocks(self) -> None:
        if self._phase is not None:
            self._phase.pause()
        if self._deadline is not None:
            self._deadline.pause()

    def scenario(self, function: Any) -> RemoteCallable:
        """`function` (a test's scenario, see nncheck.scenario) defined in the student's process.

        Its source is sent once per submission; what the student's process makes of it can only
        change the data it sends back, which the test then judges here.
        """
        code = function.__code__  # the same for every call of the test; its source is read once
        if code not in self._scenarios:
            source = textwrap.dedent(inspect.getsource(function))
            reply = self.ask("define", {"source": source, "name": function.__name__})["reply"]
            if not isinstance(reply, RemoteCallable):
                raise StudentCodeStopped("the student's process did not define a test scenario")
            self._scenarios[code] = reply
        return self._scenarios[code]

    def on_timeout(self) -> None:
        step = self._deadline.expired()
        self.deadline = self._deadline.at
        if step == Deadline.EXTENDED:  # the student's process was waiting for a CPU
            return
        self.timed_out = True
        if step == Deadline.KILLED:
            self.stopped = "your code did not stop at the time limit and was ended"
            raise StudentCodeStopped(self.stopped)

    def request(self, op: str, fields: dict, values: dict) -> dict:
        """Send request `op`; wait (to the deadline) for the reply; return its decoded fields.

        The clocks of the test and of the whole test phase count only this wait: the time the
        referee itself takes between requests is not the student's."""
        self.send({"op": op, **fields}, values)
        self._resume_clocks()
        try:
            header, arrays = self._reply()
        finally:
            self._pause_clocks()
        decoded = self.receive(header, arrays)  # what changed counts even if it raised
        if "raise" in header:
            raise remote_error(header)
        if "reply" not in decoded:
            raise WireError("the student's process may only reply")
        return decoded

    def _reply(self) -> tuple[Any, list[np.ndarray]]:
        """The next frame from the student's process, waiting to the deadline (extended while
        it waits for a CPU, interrupted and then killed past it)."""
        while True:
            try:
                return self._frames.read(self.deadline)
            except TimeoutError:
                self.on_timeout()

    def ask(self, op: str, fields: dict, values: dict | None = None) -> dict:
        """A request on behalf of a test: student errors re-raised, a dead peer reported."""
        if self.stopped:
            raise StudentCodeStopped(self.stopped)
        try:
            return self.request(op, fields, values or {})
        except RemoteError as err:
            if err.kind == "TimeoutError" and self._deadline and self._deadline.interrupted:
                raise TimeoutError(
                    "your code did not finish within this test's time limit"
                ) from None
            _raise_as_student(err)
        except (PeerGone, WireError) as err:
            self.stopped = f"your code ended the grading process ({err})"
            raise StudentCodeStopped(self.stopped) from None
        raise AssertionError("unreachable")


class RemoteObject:
    """An object that lives in the student's process."""

    __slots__ = ("_peer", "_ident", "_type")

    def __init__(self, peer: RefereePeer, ident: int, kind: str) -> None:
        object.__setattr__(self, "_peer", peer)
        object.__setattr__(self, "_ident", ident)
        object.__setattr__(self, "_type", kind)

    def _ask(self, op: str, fields: dict | None = None, values: dict | None = None) -> Any:
        target = {"target": {"$ref": self._ident}, **(fields or {})}
        return self._peer.ask(op, target, values)["reply"]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._ask("getattr", {"name": name})

    def __setattr__(self, name: str, value: Any) -> None:
        self._ask("setattr", {"name": name}, {"value": value})

    def __getitem__(self, key: Any) -> Any:
        return self._ask("getitem", None, {"key": key})

    def __setitem__(self, key: Any, value: Any) -> None:
        self._ask("setitem", None, {"key": key, "value": value})

    def __contains__(self, item: Any) -> bool:
        return bool(self._ask("contains", None, {"item": item}))

    def __len__(self) -> int:
        return int(self._ask("len"))

    def __iter__(self) -> Iterator[Any]:
        return iter(self._ask("iter"))

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        array = np.asarray(self._ask("array"))
        return array.astype(dtype) if dtype is not None else array

    def __float__(self) -> float:
        return float(self._ask("float"))

    def __int__(self) -> int:
        return int(self._ask("int"))

    def __bool__(self) -> bool:
        return bool(self._ask("bool"))

    def __repr__(self) -> str:
        try:
            return str(self._ask("repr"))
        except (StudentCodeStopped, Exception):  # noqa: BLE001 - a repr must not fail a message
            return f"<{self._type} object>"

    def __str__(self) -> str:
        try:
            return str(self._ask("str"))
        except (StudentCodeStopped, Exception):  # noqa: BLE001
            return f"<{self._type} object>"

    def run_scenario_in_student_process(self, scenario: Any, args: tuple, kwargs: dict) -> Any:
        """`nncheck.in_student`'s hook: run a test's scenario where this object lives."""
        return self._peer.scenario(scenario)(*args, **kwargs)


class RemoteCallable(RemoteObject):
    """A function or class of the student's: calling it runs it in the student's process."""

    __slots__ = ()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._ask("call", None, {"args": args, "kwargs": tuple(kwargs.items())})


class RemoteNamespace(MutableMapping):
    """The notebook's globals, as the tests see them (`env`, and each argument by name)."""

    def __init__(self, peer: RefereePeer) -> None:
        self._peer = peer

    def __getitem__(self, name: str) -> Any:
        try:
            return self._peer.ask("get", {"name": name})["reply"]
        except NameError:
            raise KeyError(name) from None

    def __setitem__(self, name: str, value: Any) -> None:
        self._peer.ask("set", {"name": name}, {"value": value})

    def __delitem__(self, name: str) -> None:
        self._peer.ask("del", {"name": name})

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and bool(self._peer.ask("has", {"name": name})["reply"])

    def __iter__(self) -> Iterator[str]:
        return iter(self._peer.ask("keys", {})["reply"])

    def __len__(self) -> int:
        return len(self._peer.ask("keys", {})["reply"])
