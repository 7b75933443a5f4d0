"""A cheater's answer server for the `network_answers` attack, on 127.0.0.1.

Protocol (one request per connection): 8-byte big-endian length, then an `.npz` with arrays X, W
and b; the reply is framed the same way, an `.npz` with Z = nnref.dense_forward(X, W, b).
It stands for any machine a student controls: where a notebook can reach it, it gets answers.
"""

from __future__ import annotations

import io
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

import nnref

MAX_REQUEST_BYTES = 64 * 2**20


def _read_exactly(sock, size: int) -> bytes:
    chunks, received = [], 0
    while received < size:
        chunk = sock.recv(min(size - received, 1 << 20))
        if not chunk:
            raise ConnectionError("request cut short")
        chunks.append(chunk)
        received += len(chunk)
    return b"".join(chunks)


class _Answer(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        try:
            size = int.from_bytes(_read_exactly(self.request, 8), "big")
            if size > MAX_REQUEST_BYTES:
                return
            request = io.BytesIO(_read_exactly(self.request, size))
            with np.load(request, allow_pickle=False) as data:
                Z = nnref.dense_forward(data["X"], data["W"], data["b"])
            out = io.BytesIO()
            np.savez(out, Z=Z)
            self.request.sendall(len(out.getvalue()).to_bytes(8, "big") + out.getvalue())
        except (OSError, ValueError, KeyError):
            return  # a client that went away or sent nonsense gets nothing


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextmanager
def answer_server(port: int = 0) -> Iterator[int]:
    """Serve answers on 127.0.0.1:`port` (0: any free port) while in the block; yield the port."""
    with _Server(("127.0.0.1", port), _Answer) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True, name="answers")
        thread.start()
        try:
            yield server.server_address[1]
        finally:
            server.shutdown()
            thread.join()
