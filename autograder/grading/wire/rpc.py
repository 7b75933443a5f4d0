"""What both ends of the data-only wire share: frames that keep the mirror in step.

The referee asks (`RefereePeer.request` in grading/referee/remote.py) and the student's process
answers (`StudentPeer` in student_side.py); nothing goes the other way, so no code of the
referee's ever runs at the student's request. Every frame carries, besides its own fields, the
mirrored objects that changed since the last frame (`sync`) and the ids its sender stopped
tracking (`forget`), see mirror.py. Replies are `{"reply": value}` or
`{"raise": {"type": ..., "message": ...}}`.
"""

from __future__ import annotations

import socket
from typing import Any

import numpy as np

from autograder.errors import AutograderError
from autograder.grading.wire.frames import Decoder, Encoder, WireError, send_frame
from autograder.grading.wire.mirror import Mirror

MESSAGE_CHARS = 4000
_FRAME_FIELDS = ("op", "sync", "forget", "raise")


class RemoteError(AutograderError):
    """The other side raised; `kind` is its exception type's name."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(f"{kind}: {message}" if message else kind)
        self.kind, self.message = kind, message


class Peer:
    """One end of the wire: its mirror, and how it encodes what is not plain data."""

    def __init__(self, sock: socket.socket, sign: int) -> None:
        """`sign`: +1 on the referee's end, -1 on the student's (see `Mirror`)."""
        self.sock = sock
        self.mirror = Mirror(sign)

    def encode_other(self, value: Any) -> dict:
        """Encode a value that is not data (default: refuse)."""
        raise WireError(f"cannot send a {type(value).__name__}")

    def decode_ref(self, node: dict) -> Any:
        raise WireError("unexpected object reference")

    def send(self, header: dict, values: dict[str, Any]) -> None:
        """One frame: `header`, the encoded `values`, and the mirror's changes."""
        encoder = Encoder(self.encode_other, mirror=self.mirror)
        sync = encoder.sync()
        encoded = {key: encoder.encode(value) for key, value in values.items()}
        forget = self.mirror.drop_unheld()
        frame = {**header, **encoded, "sync": sync, "forget": forget}
        send_frame(self.sock, frame, encoder.arrays)

    def send_raise(self, err: BaseException) -> None:
        message = str(err)[:MESSAGE_CHARS]
        self.send({"raise": {"type": type(err).__name__, "message": message}}, {})

    def receive(self, header: Any, arrays: list[np.ndarray]) -> dict[str, Any]:
        """Apply a frame's changes to our mirror; return its other fields, decoded."""
        if not isinstance(header, dict):
            raise WireError("malformed message")
        decoder = Decoder(arrays, self.decode_ref, self.mirror)
        sync, forget = header.get("sync", []), header.get("forget", [])
        if type(sync) is not list or type(forget) is not list:
            raise WireError("malformed message")
        for node in sync:
            decoder.decode_change(node)
        fields = {k: decoder.decode(v) for k, v in header.items() if k not in _FRAME_FIELDS}
        for sid in forget:
            if type(sid) is not int or sid == 0 or self.mirror.ours(sid):
                raise WireError("a side may only drop its own objects")
            self.mirror.forget(sid)
        return fields


def remote_error(header: dict) -> RemoteError:
    """The error a `raise` reply reports (its fields cut to size: they are the other side's)."""
    problem = header["raise"] if isinstance(header["raise"], dict) else {}
    return RemoteError(
        str(problem.get("type", "Error"))[:200], str(problem.get("message", ""))[:MESSAGE_CHARS]
    )
