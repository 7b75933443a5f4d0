"""The data-only wire between the student's process and the referee refuses what is not plain data.

What a student's process sends is hostile: no pickles (an object array is a pickle inside the
.npz), no frame over the size limit, no nesting deeper than the limit, no value tag the protocol
does not know; and an ndarray subclass (which could lie in `__eq__`/`__array_function__`)
arrives as a plain ndarray.
"""

from __future__ import annotations

import io
import json
import pickle
import resource
import socket
import time
import zipfile

import numpy as np
import pytest

from autograder.grading.wire.frames import (
    MAX_DEPTH,
    MAX_FRAME_BYTES,
    MAX_INT_DIGITS,
    Decoder,
    Encoder,
    FrameReader,
    WireError,
    recv_frame,
    send_frame,
)


class _Liar(np.ndarray):
    """An array that claims to equal anything."""

    def __eq__(self, other):
        return np.ones(self.shape, dtype=bool)

    def __array_function__(self, func, types, args, kwargs):
        return True

    __hash__ = None


def _refuse(value):
    raise TypeError(f"cannot send {type(value).__name__}")


def _no_refs(node):
    raise AssertionError("unexpected reference")


def _decode(node, arrays=()):
    return Decoder(list(arrays), _no_refs).decode(node)


def _npz(**entries) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **entries)
    return buffer.getvalue()


def _header(value) -> np.ndarray:
    return np.frombuffer(json.dumps(value).encode(), dtype=np.uint8)


@pytest.fixture
def pair():
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    with ours, theirs:
        yield ours, theirs


def _send_raw(sock: socket.socket, data: bytes) -> None:
    sock.sendall(len(data).to_bytes(8, "big") + data)


def test_an_ndarray_subclass_arrives_as_a_plain_ndarray(pair):
    ours, theirs = pair
    liar = np.arange(6.0).reshape(2, 3).view(_Liar)
    encoder = Encoder(_refuse)
    header = {"reply": encoder.encode({"Z": liar})}
    send_frame(ours, header, encoder.arrays)
    received, arrays = recv_frame(theirs)
    value = _decode(received["reply"], arrays)["Z"]
    assert type(value) is np.ndarray
    np.testing.assert_array_equal(value, np.arange(6.0).reshape(2, 3))
    assert not np.array_equal(value, np.zeros((2, 3)))


def test_an_object_array_in_a_frame_is_refused(pair):
    ours, theirs = pair
    objects = np.array([{"a": 1}, None], dtype=object)
    _send_raw(ours, _npz(h=_header({"reply": {"$a": 0}}), a0=objects))
    with pytest.raises(WireError):
        recv_frame(theirs)


def test_a_pickle_instead_of_a_frame_is_refused(pair):
    ours, theirs = pair
    _send_raw(ours, pickle.dumps({"reply": np.zeros(3)}))
    with pytest.raises(WireError, match="unreadable"):
        recv_frame(theirs)


def test_a_string_array_is_refused(pair):
    ours, theirs = pair
    _send_raw(ours, _npz(h=_header({"reply": {"$a": 0}}), a0=np.array(["✅ passed"])))
    with pytest.raises(WireError, match="numeric or boolean"):
        recv_frame(theirs)


def test_an_oversized_frame_is_refused_before_it_is_read(pair):
    ours, theirs = pair
    ours.sendall((MAX_FRAME_BYTES + 1).to_bytes(8, "big"))
    with pytest.raises(WireError, match="limit"):
        recv_frame(theirs)


def _bomb(declared_bytes: int) -> bytes:
    """A valid frame plus a deflated member `a0`: a float64 array of `declared_bytes` zeros,
    1/1000 of that on the wire (the referee decompression row of issue 18)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("h.npy", _npy_bytes(_header({"reply": {"$a": 0}})))
        with archive.open("a0.npy", "w", force_zip64=True) as member:
            header = io.BytesIO()
            np.lib.format.write_array_header_1_0(
                header, {"descr": "<f8", "fortran_order": False, "shape": (declared_bytes // 8,)}
            )
            member.write(header.getvalue())
            zeros = bytes(1 << 24)
            for _ in range(declared_bytes // len(zeros)):
                member.write(zeros)
    return buffer.getvalue()


def _npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def _forged_shape() -> bytes:
    """A stored member whose .npy header declares 2 GB over 80 bytes of data."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("h.npy", _npy_bytes(_header({"reply": {"$a": 0}})))
        header = io.BytesIO()
        np.lib.format.write_array_header_1_0(
            header, {"descr": "<f8", "fortran_order": False, "shape": (2**28,)}
        )
        archive.writestr("a0.npy", header.getvalue() + bytes(80))
    return buffer.getvalue()


@pytest.mark.slow
def test_a_frame_declaring_gigabytes_is_refused_without_allocating_them():
    """Issue 18: two ~2 MB frames whose arrays declare 2 GB made the referee peak at 2.5 GB.
    Both kinds are refused before any array is loaded (a 256 MB bomb here, to keep the test
    quick: the refusal does not depend on the size): the receiver's peak memory stays put."""
    frames = [_bomb(256 * 2**20), _forged_shape()]
    assert all(len(frame) < 2**20 for frame in frames)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for frame, reason in zip(frames, ("compressed member", "declaring"), strict=True):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        with ours, theirs:
            _send_raw_in_thread(ours, frame)
            with pytest.raises(WireError, match=reason):
                recv_frame(theirs)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 64


def _send_raw_in_thread(sock: socket.socket, data: bytes) -> None:
    import threading

    threading.Thread(target=_send_raw, args=(sock, data), daemon=True).start()


def _nested(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


def test_deep_nesting_is_refused_both_ways():
    with pytest.raises(WireError, match="deeply"):
        Encoder(_refuse).encode(_nested(MAX_DEPTH + 5))
    with pytest.raises(WireError, match="deeply"):
        _decode(_nested(MAX_DEPTH + 5))
    assert _decode(_nested(MAX_DEPTH - 1)) == _nested(MAX_DEPTH - 1)


@pytest.mark.parametrize(
    ("node", "arrays"),
    [
        ({"$pickle": "gASVAAAAAAAAAAA="}, []),
        ({"$int": "9" * (MAX_INT_DIGITS + 1)}, []),
        ({"$f": "1e999"}, []),
        ({"$a": 1}, [np.zeros(2)]),
        ({"$d": [[{"$a": 0}, 1]]}, [np.zeros(2)]),
        ({"$rng": {"bit_generator": "MT19937", "state": {}}}, []),
        ({"$t": "not a list"}, []),
    ],
    ids=["unknown-tag", "huge-int", "bad-float", "missing-array", "array-key", "mt19937", "tuple"],
)
def test_values_outside_the_protocol_are_refused(node, arrays):
    with pytest.raises(WireError):
        _decode(node, arrays)


def test_the_encoder_hands_anything_else_to_its_fallback():
    class Anything:
        def __eq__(self, other):
            return True

    with pytest.raises(TypeError, match="cannot send Anything"):
        Encoder(_refuse).encode({"Z": Anything()})
    with pytest.raises(TypeError, match="cannot send ndarray"):
        Encoder(_refuse).encode(np.array([Anything()], dtype=object))


def test_plain_values_keep_their_types_shapes_and_dtypes():
    import torch

    values = {
        "loss": torch.tensor(1.5, dtype=torch.float64, requires_grad=True),
        "scalar": torch.tensor(3),
        "transposed": torch.arange(6.0).reshape(2, 3).T,
        "float32": np.float32(0.25),
        "array0d": np.array(2.0),
        "nested": ([1, 2.5, "x", None], {"k": (True, 2**60)}),
    }
    encoder = Encoder(_refuse)
    node = encoder.encode(values)
    got = _decode(json.loads(json.dumps(node)), encoder.arrays)
    assert got["loss"].shape == () and got["loss"].requires_grad
    assert got["scalar"].shape == () and got["scalar"].dtype == torch.int64
    assert torch.equal(got["transposed"], values["transposed"])
    assert type(got["float32"]) is np.float32 and got["array0d"].shape == ()
    assert got["nested"] == values["nested"]


def test_a_frame_that_arrives_after_a_timeout_is_read_whole(pair):
    """A busy machine can deliver a frame in pieces around a deadline: the read that timed out
    keeps its bytes, and the next read returns the frame (it never reads the middle of a frame
    as the next frame's length)."""
    ours, theirs = pair
    encoder = Encoder(_refuse)
    header = {"reply": encoder.encode({"W": np.arange(12.0).reshape(3, 4)})}
    writer, reader = socket.socketpair()
    with writer, reader:
        send_frame(writer, header, encoder.arrays)
        writer.shutdown(socket.SHUT_WR)
        whole = reader.recv(1 << 20)
        while more := reader.recv(1 << 20):
            whole += more
    frames = FrameReader(theirs)
    ours.sendall(whole[:20])  # the length and a part of the frame, then nothing for a while
    with pytest.raises(TimeoutError):
        frames.read(time.monotonic() + 0.2)
    ours.sendall(whole[20:])
    received, arrays = frames.read(time.monotonic() + 10)
    np.testing.assert_array_equal(
        _decode(received["reply"], arrays)["W"], np.arange(12.0).reshape(3, 4)
    )
