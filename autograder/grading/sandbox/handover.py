"""A sandboxed child's configuration, handed over its own channel (never through the zygote).

The grader writes it right after the zygote forked the child: an 8-byte big-endian length, then
JSON. So the zygote (whose memory every later child inherits) never holds one student's notebook
or the grader's paths, and a large notebook meets no socket message limit, only `MAX_CONFIG_BYTES`.
"""

from __future__ import annotations

import json
import socket
from typing import Any

from autograder.errors import AutograderError

MAX_CONFIG_BYTES = 64 * 2**20
"""Above the largest notebook `discover` reads (submissions.DEFAULT_MAX_NOTEBOOK_BYTES)."""


class HandoverError(AutograderError, ValueError):
    """The configuration is too large, or did not arrive whole."""


def encode_config(config: dict[str, Any]) -> bytes:
    """The bytes to write on the child's channel; raise `HandoverError` over the limit."""
    data = json.dumps(config).encode()
    if len(data) > MAX_CONFIG_BYTES:
        raise HandoverError(
            f"the notebook's code is {len(data) / 2**20:.0f} MB, over the "
            f"{MAX_CONFIG_BYTES // 2**20} MB a grading process accepts"
        )
    return len(data).to_bytes(8, "big") + data


def receive_config(channel: socket.socket) -> dict[str, Any]:
    """Read the configuration `encode_config` wrote; raise `HandoverError`."""
    size = int.from_bytes(_exactly(channel, 8), "big")
    if size > MAX_CONFIG_BYTES:
        raise HandoverError(f"a configuration of {size} bytes")
    config = json.loads(_exactly(channel, size))
    if not isinstance(config, dict):
        raise HandoverError("the configuration is not an object")
    return config


def _exactly(channel: socket.socket, size: int) -> bytes:
    chunks, received = [], 0
    while received < size:
        chunk = channel.recv(min(size - received, 1 << 20))
        if not chunk:
            raise HandoverError("the grader closed the channel before the configuration arrived")
        chunks.append(chunk)
        received += len(chunk)
    return b"".join(chunks)
