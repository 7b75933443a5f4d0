"""The data-only wire between the student's process and the trusted referee.

A frame is an 8-byte big-endian length, then an `.npz` archive (never pickled): entry `h` holds a
JSON header (uint8), entries `a0`, `a1`, ... the arrays it refers to. Values are encoded as JSON
with tagged objects:

  None, bool, str, int (`{"$int": "..."}` when large), float (`{"$f": "nan"}` when not finite),
  list, `{"$t": [...]}` tuple, `{"$d": [[k, v], ...]}` dict, `{"$c": [re, im]}` complex,
  `{"$a": i}` ndarray, `{"$s": i}` NumPy scalar, `{"$tensor": i, "rg": bool}` torch tensor (by
  value: the graph does not travel), `{"$rng": state}` NumPy Generator (PCG64) by value,
  `{"$dtype": "<f8"}` a NumPy dtype (numeric or boolean), `{"$tdtype": "int64"}` a torch dtype,
  `{"$ref": id, "type": "...", "callable": bool}` an object that stays in the student's process,
  `{"$lib": "numpy.tanh"}` a library function, looked up by name where it arrives (library.py).

With a `Mirror` (see mirror.py) mutable values keep their identity: a dict, list (`{"$l": [...]}`),
ndarray (with `"ro": true` when read-only) or Generator carries `"m": id`, and one the other side
already has travels as `{"$m": id}`.

Decoding builds only those types; arrays must be numeric or boolean. Anything else is an error.
"""

from __future__ import annotations

import io
import json
import math
import socket
import sys
import time
import zipfile
from collections.abc import Callable
from typing import Any

import numpy as np

from autograder.errors import AutograderError
from autograder.grading.wire.mirror import ARRAY_KINDS, Mirror, mirrored

MAX_FRAME_BYTES = 512 * 2**20
MAX_HEADER_BYTES = 8 * 2**20
MAX_NODES = 2_000_000
MAX_DEPTH = 64
MAX_INT_DIGITS = 4000


class WireError(AutograderError, ValueError):
    """A frame or value that breaks the protocol (treated as the student process misbehaving)."""


class PeerGone(AutograderError, ConnectionError):
    """The other side closed the connection (the student's process ended)."""


def _torch() -> Any:
    return sys.modules.get("torch")


def _numeric(array: np.ndarray) -> np.ndarray:
    if array.dtype.kind not in ARRAY_KINDS or array.dtype.fields is not None:
        raise WireError(f"arrays must be numeric or boolean, got dtype {array.dtype}")
    return array


class Encoder:
    """Turns a value into JSON + arrays; `fallback(value)` encodes anything else (or raises).

    With `mirror`, mutable values travel with their shared id (new ones get one), and one the
    other side already has as `{"$m": id}`; `sync()` encodes those that changed since."""

    def __init__(self, fallback: Callable[[Any], dict], *, mirror: Mirror | None = None) -> None:
        self.arrays: list[np.ndarray] = []
        self._fallback = fallback
        self._mirror = mirror

    def _array(self, array: np.ndarray) -> int:
        self.arrays.append(np.array(array, copy=True, subok=False))
        return len(self.arrays) - 1

    def sync(self) -> list:
        """Full nodes of the mirrored objects whose state the other side has not seen."""
        mirror = self._mirror
        if mirror is None:
            return []
        return [self._full(obj, mirror.shared_id(obj), 0) for obj in mirror.changed()]

    def encode(self, value: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise WireError("value nested too deeply")
        if self._mirror is not None and mirrored(value):
            sid = self._mirror.shared_id(value)
            if sid is not None:
                return {"$m": sid}
            return self._full(value, self._mirror.allocate(value), depth)
        return self._value(value, depth)

    def _full(self, value: Any, sid: Any, depth: int) -> dict:
        node = self._value(value, depth)
        if type(value) is list:
            node = {"$l": node}
        elif isinstance(value, np.ndarray) and not value.flags.writeable:
            node["ro"] = True
        node["m"] = sid
        self._mirror.remember(sid)
        return node

    def _value(self, value: Any, depth: int) -> Any:
        kind = type(value)
        if value is None or kind in (bool, str):
            return value
        if kind is int:
            return value if abs(value) < 2**53 else {"$int": str(value)}
        if kind is float:
            return value if math.isfinite(value) else {"$f": repr(value)}
        if kind is complex:
            return {"$c": [self.encode(value.real), self.encode(value.imag)]}
        if kind in (list, tuple):
            items = [self.encode(v, depth + 1) for v in value]
            return items if kind is list else {"$t": items}
        if kind is dict:
            return {
                "$d": [
                    [self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in value.items()
                ]
            }
        if isinstance(value, np.ndarray) and value.dtype.kind in ARRAY_KINDS:
            return {"$a": self._array(value)}
        if isinstance(value, np.generic) and value.dtype.kind in ARRAY_KINDS:
            return {"$s": self._array(np.asarray(value))}
        if isinstance(value, np.random.Generator) and type(value.bit_generator).__name__ == "PCG64":
            return {"$rng": Encoder(self._fallback).encode(value.bit_generator.state, depth + 1)}
        if isinstance(value, np.dtype) and value.kind in ARRAY_KINDS and value.fields is None:
            return {"$dtype": value.str}
        torch = _torch()
        if torch is not None and isinstance(value, torch.Tensor) and value.layout == torch.strided:
            data = value.detach().cpu()
            if data.dtype == torch.bfloat16:
                data = data.float()
            return {"$tensor": self._array(data.numpy()), "rg": bool(value.requires_grad)}
        if torch is not None and isinstance(value, torch.dtype):
            return {"$tdtype": str(value).removeprefix("torch.")}
        return self._fallback(value)


class Decoder:
    """Turns JSON + arrays back into values; `on_ref` builds the proxies of `$ref` objects.

    With `mirror`, a node with `"m": id` becomes a new object with that id, or, as a change
    (`decode_change`, a frame's `sync`), updates the object with that id in place; `{"$m": id}`
    is that object. An id neither side gave out is refused, and so is a full node naming an
    object both sides track anywhere but as a change: the other side's encoder never writes one,
    so a second object cannot claim the first one's identity."""

    def __init__(
        self,
        arrays: list[np.ndarray],
        on_ref: Callable[[dict], Any],
        mirror: Mirror | None = None,
    ) -> None:
        self._arrays = arrays
        self._used: set[int] = set()
        self._on_ref = on_ref
        self._mirror = mirror
        self._nodes = 0
        self._change = False

    def _array(self, index: Any) -> np.ndarray:
        if type(index) is not int or not 0 <= index < len(self._arrays) or index in self._used:
            raise WireError("bad array reference")
        self._used.add(index)
        return self._arrays[index]

    def decode_change(self, node: Any) -> Any:
        """A `sync` entry: the new state of an object both sides track."""
        sid = node.get("m") if isinstance(node, dict) else None
        if self._mirror is None or type(sid) is not int or not self._mirror.known(sid):
            raise WireError("a change must name an object both sides track")
        self._change = True
        return self.decode(node)

    def decode(self, node: Any, depth: int = 0) -> Any:
        self._nodes += 1
        if depth > MAX_DEPTH or self._nodes > MAX_NODES:
            raise WireError("value nested too deeply or too large")
        kind = type(node)
        if node is None or kind in (bool, int, float, str):
            return node
        if kind is list:
            return [self.decode(v, depth + 1) for v in node]
        if kind is not dict or len(node) not in (1, 2, 3):
            raise WireError("malformed value")
        tag = next((k for k in node if k.startswith("$")), None)
        if "m" in node or tag in ("$m", "$l"):
            return self._mirrored(tag, node, depth)
        body = node.get(tag)
        if tag == "$t":
            return tuple(self.decode(v, depth + 1) for v in self._list(body))
        if tag == "$d":
            return dict(self._pairs(body, depth))
        if tag == "$a":
            return self._array(body)
        if tag == "$s":
            return self._array(body)[()]
        if tag == "$int":
            if type(body) is not str or len(body) > MAX_INT_DIGITS:
                raise WireError("bad integer")
            return int(body)
        if tag == "$f":
            if body not in ("nan", "inf", "-inf"):
                raise WireError("bad float")
            return float(body)
        if tag == "$c":
            real, imag = (float(self.decode(v, depth + 1)) for v in self._list(body))
            return complex(real, imag)
        if tag == "$tensor":
            return self._tensor(self._array(body), bool(node.get("rg")))
        if tag == "$rng":
            return self._generator(self.decode(body, depth + 1))
        if tag == "$dtype":
            return self._dtype(body)
        if tag == "$tdtype":
            return self._torch_dtype(body)
        if tag in ("$ref", "$lib"):
            return self._on_ref(node)
        raise WireError(f"unknown value tag {tag!r}")

    def _pairs(self, body: Any, depth: int) -> list[tuple[Any, Any]]:
        pairs = [self._list(p) for p in self._list(body)]
        if any(len(p) != 2 for p in pairs):
            raise WireError("malformed dict")
        return [(self._key(k, depth), self.decode(v, depth + 1)) for k, v in pairs]

    # -- values with an identity (see mirror.py) ------------------------------------------------
    def _mirrored(self, tag: Any, node: dict, depth: int) -> Any:
        mirror, change, self._change = self._mirror, self._change, False
        sid = node.get("$m", node.get("m"))
        if mirror is None or type(sid) is not int or sid == 0:
            raise WireError("malformed object identity")
        if tag == "$m":
            if len(node) != 1 or not mirror.known(sid):
                raise WireError("unknown object identity")
            return mirror.objects[sid]
        if not mirror.known(sid) and mirror.ours(sid):
            raise WireError("unknown object identity")
        if mirror.known(sid) and not change:
            raise WireError("an object that crossed before travels by its identity alone")
        local = mirror.objects.get(sid)
        body = node.get(tag)
        if tag == "$d":
            value = self._fill(local, dict, sid, lambda: dict(self._pairs(body, depth)))
        elif tag == "$l":
            value = self._fill(
                local, list, sid, lambda: [self.decode(v, depth + 1) for v in self._list(body)]
            )
        elif tag == "$a":
            value = self._update_array(local, self._array(body), bool(node.get("ro")), sid)
        elif tag == "$rng" and (local is None or isinstance(local, np.random.Generator)):
            value = self._generator(self.decode(body, depth + 1), local)
            mirror.adopt(sid, value)
        else:
            raise WireError("this value cannot carry an identity")
        mirror.remember(sid)
        return value

    def _fill(self, local: Any, kind: type, sid: int, contents: Callable[[], Any]) -> Any:
        """The container `sid` (new, registered before its contents for cycles), refilled."""
        if local is None:
            local = kind()
            self._mirror.adopt(sid, local)
        elif type(local) is not kind:
            raise WireError("an object cannot change its type")
        new = contents()
        if kind is dict:
            local.clear()
            local.update(new)
        else:
            local[:] = new
        return local

    def _update_array(self, local: Any, new: np.ndarray, read_only: bool, sid: int) -> np.ndarray:
        """The array `sid` with `new`'s contents: in place when it keeps its shape and dtype."""
        if local is not None and not isinstance(local, np.ndarray):
            raise WireError("an object cannot change its type")
        same = local is not None and local.shape == new.shape and local.dtype == new.dtype
        if same:
            try:
                local.flags.writeable = True
                np.copyto(local, new)
                local.flags.writeable = not read_only
                return local
            except ValueError:  # a view of memory we may not write: it becomes a new object
                pass
        new.flags.writeable = not read_only
        self._mirror.adopt(sid, new)
        return new

    @staticmethod
    def _list(value: Any) -> list:
        if type(value) is not list:
            raise WireError("malformed value")
        return value

    def _key(self, node: Any, depth: int) -> Any:
        key = self.decode(node, depth + 1)
        if not isinstance(key, (str, int, float, bool, tuple, type(None))):
            raise WireError("dict keys must be plain values")
        return key

    @staticmethod
    def _dtype(text: Any) -> np.dtype:
        """A numeric or boolean NumPy dtype, from its `.str` ("<f8")."""
        try:
            dtype = np.dtype(str(text)[:16])
        except TypeError:
            raise WireError("bad dtype") from None
        if dtype.kind not in ARRAY_KINDS or dtype.fields is not None:
            raise WireError("bad dtype")
        return dtype

    @staticmethod
    def _torch_dtype(name: Any) -> Any:
        """A torch dtype by its name ("int64")."""
        import torch

        dtype = getattr(torch, str(name)[:32], None) if str(name).isidentifier() else None
        if not isinstance(dtype, torch.dtype):
            raise WireError("bad torch dtype")
        return dtype

    @staticmethod
    def _tensor(array: np.ndarray, requires_grad: bool) -> Any:
        import torch

        tensor = torch.from_numpy(array.copy(order="C"))  # keeps 0-d shapes
        if requires_grad and tensor.is_floating_point():
            tensor.requires_grad_(True)
        return tensor

    @staticmethod
    def _generator(state: Any, generator: np.random.Generator | None = None) -> np.random.Generator:
        """`generator` (or a new PCG64 one) set to `state`."""
        if not isinstance(state, dict) or state.get("bit_generator") != "PCG64":
            raise WireError("only PCG64 generators travel")
        generator = generator or np.random.Generator(np.random.PCG64())
        try:
            generator.bit_generator.state = state
        except (TypeError, ValueError, KeyError) as err:
            raise WireError(f"bad generator state: {err}") from None
        return generator


def send_frame(sock: socket.socket, header: dict, arrays: list[np.ndarray]) -> None:
    """Send one frame (header JSON + arrays)."""
    buffer = io.BytesIO()
    entries = {f"a{i}": a for i, a in enumerate(arrays)}
    np.savez(buffer, h=np.frombuffer(json.dumps(header).encode(), dtype=np.uint8), **entries)
    data = buffer.getvalue()
    sock.sendall(len(data).to_bytes(8, "big") + data)


def _check_members(data: bytes) -> None:
    """Refuse a frame whose arrays would take more memory than its bytes, before loading any:
    every member stored uncompressed (as `send_frame` writes them), each `.npy` header's shape
    and dtype accounting exactly for the member's size. A forged header or a compressed member
    declaring gigabytes is refused here, without allocating them."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if info.compress_type != zipfile.ZIP_STORED or info.file_size != info.compress_size:
                    raise WireError(f"a compressed member in a message ({info.file_size} bytes)")
                with archive.open(info) as member:
                    version = np.lib.format.read_magic(member)
                    if version not in ((1, 0), (2, 0)):
                        raise WireError(f"an array of format {version} in a message")
                    read_header = getattr(np.lib.format, f"read_array_header_{version[0]}_0")
                    shape, _fortran, dtype = read_header(member, max_header_size=4096)
                    declared = member.tell() + math.prod(shape) * dtype.itemsize
                if declared != info.file_size:
                    raise WireError(
                        f"an array declaring {declared} bytes in a member of {info.file_size}"
                    )
    except WireError:
        raise
    except Exception as err:  # noqa: BLE001 - anything unreadable is a protocol error
        raise WireError(f"unreadable message ({type(err).__name__})") from None


class FrameReader:
    """Reads frames from `sock`. A read that times out keeps what it got, so the next read goes
    on from there: a frame is never lost half-read (which would read its bytes as a length)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._buffer = bytearray()

    def _fill(self, size: int, deadline: float | None) -> None:
        while len(self._buffer) < size:
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                self.sock.settimeout(remaining)
            else:
                self.sock.settimeout(None)
            try:
                chunk = self.sock.recv(min(size - len(self._buffer), 1 << 20))
            except TimeoutError:
                raise
            except OSError as err:
                raise PeerGone(str(err)) from None
            if not chunk:
                raise PeerGone("connection closed")
            self._buffer += chunk

    def read(self, deadline: float | None = None) -> tuple[Any, list[np.ndarray]]:
        """One frame: (header, arrays); raise TimeoutError (read again to go on), PeerGone or
        WireError."""
        self._fill(8, deadline)
        size = int.from_bytes(self._buffer[:8], "big")
        if size > MAX_FRAME_BYTES:
            raise WireError(f"a message of {size} bytes is over the {MAX_FRAME_BYTES} byte limit")
        self._fill(8 + size, deadline)
        data = bytes(self._buffer[8 : 8 + size])
        del self._buffer[: 8 + size]
        return _decode_frame(data)


def recv_frame(sock: socket.socket) -> tuple[Any, list[np.ndarray]]:
    """Receive one frame, waiting as long as it takes: (header, arrays); raise PeerGone or
    WireError. (With a deadline, read with a `FrameReader`.)"""
    return FrameReader(sock).read()


def _decode_frame(data: bytes) -> tuple[Any, list[np.ndarray]]:
    _check_members(data)
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            raw = archive["h"]
            if raw.nbytes > MAX_HEADER_BYTES:
                raise WireError(f"a message header over {MAX_HEADER_BYTES} bytes")
            header = json.loads(bytes(raw).decode())
            count = len(archive.files) - 1
            arrays = [_numeric(archive[f"a{i}"]) for i in range(count)]
    except WireError:
        raise
    except Exception as err:  # noqa: BLE001 - anything unreadable is a protocol error
        raise WireError(f"unreadable message ({type(err).__name__})") from None
    return header, arrays
