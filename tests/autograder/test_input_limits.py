"""Limits enforced before grading starts (issue 18): what a submission may make the grader hold."""

from __future__ import annotations

import json
import zipfile

import pytest

from autograder.grading.sandbox.handover import MAX_CONFIG_BYTES, HandoverError, encode_config
from autograder.grading.submissions import MAX_EXPANSION, discover


def _notebook(extra_bytes: int) -> bytes:
    """A valid notebook whose one code cell holds a string of `extra_bytes` zeros."""
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}
    notebook = {
        "cells": [{**cell, "source": f"data = '{'0' * extra_bytes}'"}],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(notebook).encode()


def test_a_zip_bomb_is_refused_and_an_honest_zip_is_read(tmp_path):
    """The issue's 588 KB zip of 12 members of 48 MB made the grader peak at 762 MB: every
    notebook is held in memory. A member expanding over MAX_EXPANSION times (above 1 MB) is
    refused with the reason, before any grading; an honest zip (a compressible 3 MB data cell,
    a small notebook) is read whole."""
    bomb, honest = tmp_path / "bomb.zip", tmp_path / "honest.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for i in range(2):
            archive.writestr(f"s{i}.ipynb", _notebook(48 * 2**20))
    with zipfile.ZipFile(honest, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("alice.ipynb", json.dumps(json.loads(_notebook(10)), indent=1))
        archive.writestr(
            "bob.ipynb",
            _notebook(0).replace(b"data = ''", " ".join(map(str, range(600_000))).encode()),
        )
    assert bomb.stat().st_size < 2**20
    found = discover([bomb, honest]).submissions
    by_file = {sub.file.split("!")[1]: sub for sub in found}
    for name in ("s0.ipynb", "s1.ipynb"):
        assert by_file[name].content == b""
        assert f"over {MAX_EXPANSION} times" in by_file[name].extra["error"]
    assert len(by_file["bob.ipynb"].content) > 3 * 2**20
    assert all("error" not in by_file[n].extra for n in ("alice.ipynb", "bob.ipynb"))


def test_a_notebook_too_large_for_its_grading_process_is_refused_with_its_size():
    """The configuration handed to a sandboxed child has a limit of its own (above the notebook
    limit, but JSON can grow a notebook's text): over it, a clear reason, not a broken channel."""
    cells = ["\x01" * (MAX_CONFIG_BYTES // 6 + 1)]  # each control character takes 6 in JSON
    with pytest.raises(HandoverError, match=r"the notebook's code is \d+ MB, over the 64 MB"):
        encode_config({"cells": cells})  # Zygote.spawn: a SandboxError, the record's reason
    assert len(encode_config({"cells": ["x = 1"]})) < 100
