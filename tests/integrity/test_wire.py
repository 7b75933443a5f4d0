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
import socket

import numpy as np
import pytest

from autograder.grading.wire.frames import (
    MAX_DEPTH,
    MAX_FRAME_BYTES,
    MAX_INT_DIGITS,
    Decoder,
    Encoder,
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
    received, arrays = recv_frame(theirs, deadline=None)
    value = _decode(received["reply"], arrays)["Z"]
    assert type(value) is np.ndarray
    np.testing.assert_array_equal(value, np.arange(6.0).reshape(2, 3))
    assert not np.array_equal(value, np.zeros((2, 3)))


def test_an_object_array_in_a_frame_is_refused(pair):
    ours, theirs = pair
    objects = np.array([{"a": 1}, None], dtype=object)
    _send_raw(ours, _npz(h=_header({"reply": {"$a": 0}}), a0=objects))
    with pytest.raises(WireError):
        recv_frame(theirs, deadline=None)


def test_a_pickle_instead_of_a_frame_is_refused(pair):
    ours, theirs = pair
    _send_raw(ours, pickle.dumps({"reply": np.zeros(3)}))
    with pytest.raises(WireError, match="unreadable"):
        recv_frame(theirs, deadline=None)


def test_a_string_array_is_refused(pair):
    ours, theirs = pair
    _send_raw(ours, _npz(h=_header({"reply": {"$a": 0}}), a0=np.array(["✅ passed"])))
    with pytest.raises(WireError, match="numeric or boolean"):
        recv_frame(theirs, deadline=None)


def test_an_oversized_frame_is_refused_before_it_is_read(pair):
    ours, theirs = pair
    ours.sendall((MAX_FRAME_BYTES + 1).to_bytes(8, "big"))
    with pytest.raises(WireError, match="limit"):
        recv_frame(theirs, deadline=None)


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
