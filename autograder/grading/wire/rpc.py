"""Requests over the data-only wire, usable from both ends (student process and referee).

Each side may ask the other while it is being asked (a student function calling back a referee
function that calls student code again): `request` serves incoming requests until its own reply
arrives. Replies are `{"reply": value}` or `{"raise": {"type": ..., "message": ...}}`.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import numpy as np

from autograder.errors import AutograderError
from autograder.grading.wire.frames import Decoder, Encoder, WireError, recv_frame, send_frame

MESSAGE_CHARS = 4000


class RemoteError(AutograderError):
    """The other side raised; `kind` is its exception type's name."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(f"{kind}: {message}" if message else kind)
        self.kind, self.message = kind, message


def restore(original: Any, new: Any) -> Any:
    """Copy what a call did to an argument (`new`) into our object; return the value to keep.

    Arrays are updated in place (same shape and dtype), dicts and lists in place, recursively;
    a tuple's elements in place; a Generator's state; anything else is replaced by `new`.
    """
    if isinstance(original, np.ndarray) and isinstance(new, np.ndarray):
        same = original.shape == new.shape and original.dtype == new.dtype
        if same and original.flags.writeable:
            np.copyto(original, new)
            return original
        return new
    if type(original) is dict and type(new) is dict:
        for key in [k for k in original if k not in new]:
            del original[key]
        for key, value in new.items():
            original[key] = restore(original[key], value) if key in original else value
        return original
    if type(original) is list and type(new) is list:
        if len(original) == len(new):
            original[:] = [restore(o, n) for o, n in zip(original, new, strict=True)]
        else:
            original[:] = new
        return original
    if type(original) is tuple and type(new) is tuple and len(original) == len(new):
        kept = tuple(restore(o, n) for o, n in zip(original, new, strict=True))
        return original if all(k is o for k, o in zip(kept, original, strict=True)) else kept
    if isinstance(original, np.random.Generator) and isinstance(new, np.random.Generator):
        original.bit_generator.state = new.bit_generator.state
        return original
    return new


def restore_call(args: list, kwargs: dict, after_args: Any, after_kwargs: Any) -> None:
    """Copy the arguments' state after (or during) a student call back into ours."""
    if isinstance(after_args, list) and len(after_args) == len(args):
        for original, new in zip(args, after_args, strict=True):
            restore(original, new)
    if isinstance(after_kwargs, dict):
        for key, value in kwargs.items():
            if key in after_kwargs:
                restore(value, after_kwargs[key])


class Peer:
    """One end of the wire: exports objects by id and answers the other end's requests."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.exported: dict[int, Any] = {}
        self._ids: dict[int, int] = {}
        self.deadline: float | None = None
        self.sent_dicts: list | None = None  # a list: tag dicts so the other side keeps identity
        self.memo: dict[int, dict] | None = None  # set to keep identities of received dicts

    # -- what each end customises -------------------------------------------------------------
    def encode_other(self, value: Any) -> dict:
        """Encode a value that is not plain data (default: refuse)."""
        raise WireError(f"cannot send a {type(value).__name__}")

    def decode_ref(self, node: dict) -> Any:
        raise WireError("unexpected object reference")

    def decode_callback(self, node: dict) -> Any:
        raise WireError("unexpected callback")

    def handle(self, op: str, header: dict, decode: Callable[[Any], Any]) -> Any:
        """Answer one request; the default understands only callbacks of exported functions."""
        if op == "call":
            return self.call_exported(header, decode)
        raise WireError(f"unknown request {op!r}")

    def on_timeout(self) -> None:
        raise TimeoutError

    # -- shared machinery ---------------------------------------------------------------------
    def export(self, value: Any) -> int:
        key = id(value)
        if key not in self._ids:
            self._ids[key] = len(self.exported) + 1
            self.exported[self._ids[key]] = value
        return self._ids[key]

    def exported_object(self, node: dict) -> Any:
        ident = node.get("$ref", node.get("$cb"))
        if type(ident) is not int or ident not in self.exported:
            raise WireError("unknown object reference")
        return self.exported[ident]

    def send(self, header: dict, values: dict[str, Any]) -> None:
        encoder = Encoder(self.encode_other, keep=self.sent_dicts)
        encoded = {key: encoder.encode(value) for key, value in values.items()}
        send_frame(self.sock, {**header, **encoded}, encoder.arrays)

    def _decoder(self, arrays: list) -> Decoder:
        return Decoder(arrays, self.decode_ref, self.decode_callback, self.memo)

    def request(self, op: str, fields: dict[str, Any], values: dict[str, Any]) -> dict:
        """Send request `op`; serve requests until the reply; return {key: decoded value}."""
        self.send({"op": op, **fields}, values)
        while True:
            try:
                header, arrays = recv_frame(self.sock, self.deadline)
            except TimeoutError:
                self.on_timeout()
                continue
            if not isinstance(header, dict):
                raise WireError("malformed message")
            decoder = self._decoder(arrays)
            if "raise" in header:
                problem = header["raise"] if isinstance(header["raise"], dict) else {}
                raise RemoteError(
                    str(problem.get("type", "Error"))[:200],
                    str(problem.get("message", ""))[:MESSAGE_CHARS],
                )
            if "reply" in header:
                return {k: decoder.decode(v) for k, v in header.items() if k in ("reply", "after")}
            self.answer(header, decoder)

    def answer(self, header: dict, decoder: Decoder) -> None:
        """Handle one incoming request and send its reply (or what it raised)."""
        op = header.get("op")
        try:
            reply = self.handle(str(op), header, decoder.decode)
        except KeyboardInterrupt:
            self._send_raise(TimeoutError("stopped at the time limit"))
            return
        except SystemExit as err:
            self._send_raise(RuntimeError(f"the code called sys.exit({err.code!r})"))
            return
        except WireError:
            raise
        except Exception as err:  # noqa: BLE001 - the other side learns what was raised
            self._send_raise(err)
            return
        try:
            self.send({}, reply)
        except Exception as err:  # noqa: BLE001 - e.g. a value that cannot travel
            self._send_raise(err)

    def _send_raise(self, err: BaseException) -> None:
        message = str(err)[:MESSAGE_CHARS]
        self.send({"raise": {"type": type(err).__name__, "message": message}}, {})

    def call_exported(
        self, header: dict, decode: Callable[[Any], Any], active: list[list] | None = None
    ) -> dict[str, Any]:
        """`call`: run an exported function; reply with its result and the arguments after it.

        `active`, if given, holds the arguments of the calls in progress while this one runs.
        """
        function = self.exported_object(header.get("target") or {})
        args, kwargs = decode(header.get("args", [])), decode(header.get("kwargs", {"$d": []}))
        if not isinstance(args, list) or not isinstance(kwargs, dict):
            raise WireError("malformed call")
        if not all(isinstance(k, str) for k in kwargs):
            raise WireError("keyword names must be strings")
        if active is None:
            return {"reply": function(*args, **kwargs), "after": [args, kwargs]}
        active.append([args, kwargs])
        try:
            return {"reply": function(*args, **kwargs), "after": [args, kwargs]}
        finally:
            active.pop()
