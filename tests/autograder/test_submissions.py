"""autograder.grading.submissions: who each notebook in the grade command's arguments belongs to."""

import json
import os
from pathlib import Path

import pytest

from autograder.authoring.zipfiles import write_reproducible_zip
from autograder.grading.submissions import SubmissionsError, discover

NB = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'

# As Gradescope writes it: Ruby-symbol keys, quoted sids, extra fields we do not use.
GRADESCOPE_METADATA = b"""\
---
submission_1001:
  :submitters:
  - :name: Alice Liddell
    :sid: '0042'
    :email: alice@example.edu
  :created_at: 2024-03-01 10:15:02.123456000 -08:00
  :score: !ruby/object:BigDecimal 18:0.18e2
  :status: processed
  :history: []
submission_1002:
  :submitters:
  - :name: Bob Builder
    :email: bob@example.edu
  - :name: Carol Danvers
    :sid: '7'
    :email: carol@example.edu
  - :name: Dan Brown
    :email: dan@example.edu
  :created_at: 2024-03-01 11:00:00.000000000 -08:00
submission_1003:
  :submitters:
  - :name: Erin Empty
    :sid: '99'
"""


def by_id(found):
    return {s.student_id: s for s in found.submissions}


def test_notebook_file_is_its_stem_and_content_is_raw_bytes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("alice.ipynb").write_bytes(b"not even json")
    (sub,) = discover(["alice.ipynb"]).submissions
    assert (sub.student_id, sub.file, sub.content) == ("alice", "alice.ipynb", b"not even json")
    assert sub.extra == {}


def test_folder_per_student_and_loose_notebooks(tmp_path):
    root = tmp_path / "subs"
    for rel in [
        "alice/01_nn.ipynb",
        "bob/work/deep/01_nn.ipynb",
        "carol.ipynb",
        "alice/.ipynb_checkpoints/01_nn-checkpoint.ipynb",
        ".hidden/x.ipynb",
        "bob/._01_nn.ipynb",
        "bob/notes.txt",
    ]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(NB)
    found = discover([root])
    assert [(s.student_id, s.file) for s in found.submissions] == [
        ("alice", str(root / "alice/01_nn.ipynb")),
        ("bob", str(root / "bob/work/deep/01_nn.ipynb")),
        ("carol", str(root / "carol.ipynb")),
    ]
    assert all(s.content == NB for s in found.submissions)
    assert found.warnings == []


def test_folder_order_is_natural(tmp_path):
    for n in (10, 2, 1):
        (tmp_path / f"student{n}.ipynb").write_bytes(NB)
    ids = [s.student_id for s in discover([tmp_path]).submissions]
    assert ids == ["student1", "student2", "student10"]


@pytest.mark.parametrize("root", ["", "assignment_77_export/"])
def test_gradescope_export(tmp_path, root):
    export = tmp_path / "export.zip"
    write_reproducible_zip(
        export,
        {
            f"{root}submission_metadata.yml": GRADESCOPE_METADATA,
            f"{root}submission_1001/hw1.ipynb": b"alice",
            f"{root}submission_1002/group.ipynb": b"group",
            f"{root}submission_1003/answers.pdf": b"%PDF",
            f"{root}submission_1004/late.ipynb": b"unknown",
        },
    )
    found = discover([export])
    subs = by_id(found)
    assert list(subs) == ["0042", "bob@example.edu", "99", "submission_1004"]

    alice = subs["0042"]
    assert (alice.file, alice.content) == (f"{export}!{root}submission_1001/hw1.ipynb", b"alice")
    assert (alice.name, alice.email) == ("Alice Liddell", "alice@example.edu")
    assert alice.extra == {
        "submission_id": "1001",
        "gradescope_folder": "submission_1001",
        "gradescope_sid": "0042",
    }

    group = subs["bob@example.edu"]
    assert group.name == "Bob Builder"
    assert group.extra["group"] == "7,dan@example.edu"
    assert json.loads(group.extra["submitters"]) == [
        {"name": "Bob Builder", "email": "bob@example.edu", "sid": ""},
        {"name": "Carol Danvers", "email": "carol@example.edu", "sid": "7"},
        {"name": "Dan Brown", "email": "dan@example.edu", "sid": ""},
    ]

    empty = subs["99"]
    assert (empty.file, empty.content) == (f"{export}!{root}submission_1003/", b"")
    assert "no notebook" in empty.extra["error"]

    unknown = subs["submission_1004"]
    assert unknown.content == b"unknown"
    assert unknown.extra["submission_id"] == "1004"
    assert any("submission_1004" in w and "no submitter" in w for w in found.warnings)


def test_gradescope_unreadable_metadata_falls_back_to_folder_names(tmp_path):
    export = tmp_path / "export.zip"
    write_reproducible_zip(
        export,
        {
            "submission_metadata.yml": b"submission_1: [unclosed",
            "submission_1/a.ipynb": NB,
            "submission_2/b.ipynb": NB,
        },
    )
    found = discover([export])
    assert [s.student_id for s in found.submissions] == ["submission_1", "submission_2"]
    assert any("submission_metadata.yml" in w for w in found.warnings)


def test_canvas_download(tmp_path):
    canvas = tmp_path / "canvas.zip"
    write_reproducible_zip(
        canvas,
        {
            "doejane_12345_67890_nn.ipynb": b"first",
            "doejane_12345_67890_nn-1.ipynb": b"resubmitted",
            "smithjohn_late_222_333_01_nn_from_scratch.ipynb": b"late",
            "smithjohn_222_334_report.pdf": b"%PDF",
            "renamed_by_hand.ipynb": b"odd",
        },
    )
    found = discover([canvas])
    assert [(s.student_id, s.file, s.content) for s in found.submissions] == [
        ("12345", f"{canvas}!doejane_12345_67890_nn.ipynb", b"first"),
        ("12345#2", f"{canvas}!doejane_12345_67890_nn-1.ipynb", b"resubmitted"),
        ("renamed_by_hand", f"{canvas}!renamed_by_hand.ipynb", b"odd"),
        ("222", f"{canvas}!smithjohn_late_222_333_01_nn_from_scratch.ipynb", b"late"),
    ]
    late = found.submissions[3]
    assert late.name == "smithjohn"
    assert late.extra == {
        "canvas_user_id": "222",
        "canvas_submission_id": "333",
        "late": "true",
    }
    assert found.submissions[0].extra["late"] == "false"
    assert any("report.pdf" in w and "not a notebook" in w for w in found.warnings)
    assert any("renamed_by_hand" in w for w in found.warnings)
    assert any("12345#2" in w for w in found.warnings)


def test_plain_zip_of_a_folder_reads_like_the_folder(tmp_path):
    archive = tmp_path / "subs.zip"
    write_reproducible_zip(
        archive,
        {
            "subs/alice/01_nn.ipynb": b"a",
            "subs/bob.ipynb": b"b",
            "subs/.ipynb_checkpoints/bob-checkpoint.ipynb": b"old",
            "__MACOSX/subs/._bob.ipynb": b"junk",
            "subs/readme.md": b"hi",
        },
    )
    found = discover([archive])
    assert [(s.student_id, s.file) for s in found.submissions] == [
        ("alice", f"{archive}!subs/alice/01_nn.ipynb"),
        ("bob", f"{archive}!subs/bob.ipynb"),
    ]


def test_zip_members_with_path_tricks_are_ignored(tmp_path):
    archive = tmp_path / "tricks.zip"
    write_reproducible_zip(
        archive,
        {
            "../evil.ipynb": b"x",
            "a/../../evil2.ipynb": b"x",
            "/etc/abs.ipynb": b"x",
            "ok.ipynb": NB,
        },
    )
    found = discover([archive])
    assert [s.student_id for s in found.submissions] == ["ok"]
    assert sum("unsafe member name" in w for w in found.warnings) == 3
    assert not (tmp_path.parent / "evil.ipynb").exists()


def test_oversized_notebooks_still_yield_a_submission(tmp_path):
    archive = tmp_path / "big.zip"
    write_reproducible_zip(archive, {"big.ipynb": b"x" * 3000, "small.ipynb": NB})
    (tmp_path / "huge.ipynb").write_bytes(b"y" * 5000)
    found = discover([archive, tmp_path / "huge.ipynb"], max_notebook_bytes=2048)
    subs = by_id(found)
    assert subs["small"].content == NB
    assert subs["big"].content == b""
    assert subs["big"].extra["error"] == "notebook is 2.9 KB, larger than the 2 KB limit"
    assert subs["huge"].content == b""
    assert "larger than the 2 KB limit" in subs["huge"].extra["error"]
    assert sum("larger than" in w for w in found.warnings) == 2


def test_duplicates_are_numbered_never_dropped(tmp_path):
    for folder in ("a", "b", "c"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "alice.ipynb").write_bytes(folder.encode())
    found = discover([tmp_path / "a", tmp_path / "b", tmp_path / "c"])
    assert [(s.student_id, s.content) for s in found.submissions] == [
        ("alice", b"a"),
        ("alice#2", b"b"),
        ("alice#3", b"c"),
    ]
    assert len([w for w in found.warnings if "duplicate student id 'alice'" in w]) == 2


def test_mixed_arguments_keep_argument_order(tmp_path):
    (tmp_path / "zed.ipynb").write_bytes(NB)
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "amy.ipynb").write_bytes(NB)
    write_reproducible_zip(tmp_path / "more.zip", {"max.ipynb": NB})
    found = discover([tmp_path / "zed.ipynb", tmp_path / "more.zip", tmp_path / "folder"])
    assert [s.student_id for s in found.submissions] == ["zed", "max", "amy"]


def test_missing_path_is_an_error_naming_it(tmp_path):
    (tmp_path / "alice.ipynb").write_bytes(NB)
    with pytest.raises(SubmissionsError, match="nope.zip"):
        discover([tmp_path / "alice.ipynb", tmp_path / "nope.zip"])
    assert issubclass(SubmissionsError, ValueError)


def test_no_notebooks_at_all_is_an_error(tmp_path):
    (tmp_path / "notes.txt").write_text("hi")
    with pytest.raises(SubmissionsError, match="no notebooks found"):
        discover([tmp_path])


def test_broken_zip_is_an_error(tmp_path):
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(SubmissionsError, match="broken.zip"):
        discover([tmp_path / "broken.zip"])


def test_gradescope_unquoted_sid_keeps_its_leading_zeros(tmp_path):
    export = tmp_path / "export.zip"
    metadata = b"submission_5:\n  :submitters:\n  - :sid: 00123\n    :email:\n"
    write_reproducible_zip(
        export, {"submission_metadata.yml": metadata, "submission_5/a.ipynb": NB}
    )
    (sub,) = discover([export]).submissions
    assert (sub.student_id, sub.email) == ("00123", "")


# identity: a name inside a student's zip never takes another student's id


@pytest.mark.parametrize("zip_first", [True, False])
def test_a_name_inside_a_zip_never_takes_a_top_level_notebooks_id(tmp_path, zip_first):
    write_reproducible_zip(tmp_path / "alice.zip", {"bob.ipynb": b"alice's"})
    (tmp_path / "bob.ipynb").write_bytes(b"bob's")
    args = [tmp_path / "alice.zip", tmp_path / "bob.ipynb"]
    found = discover(args if zip_first else args[::-1])
    ids = {s.content: s.student_id for s in found.submissions}
    assert ids == {b"bob's": "bob", b"alice's": "bob#2"}
    order = [s.content for s in found.submissions]  # argument order is kept
    assert order == ([b"alice's", b"bob's"] if zip_first else [b"bob's", b"alice's"])
    (warning,) = [w for w in found.warnings if "duplicate" in w]
    assert f"{tmp_path / 'alice.zip'}!bob.ipynb is graded as 'bob#2'" in warning
    assert f"never takes the id of {tmp_path / 'bob.ipynb'}" in warning


@pytest.mark.parametrize("zip_first", [True, False])
def test_a_name_inside_a_zip_never_takes_a_folder_entrys_or_an_lms_id(tmp_path, zip_first):
    write_reproducible_zip(tmp_path / "mallory.zip", {"bob/x.ipynb": b"m1", "0042.ipynb": b"m2"})
    (tmp_path / "subs" / "bob").mkdir(parents=True)
    (tmp_path / "subs" / "bob" / "hw.ipynb").write_bytes(b"bob's")
    export = tmp_path / "export.zip"
    write_reproducible_zip(
        export,
        {
            "submission_metadata.yml": b"submission_1:\n  :submitters:\n  - :sid: '0042'\n",
            "submission_1/a.ipynb": b"alice's",
        },
    )
    args = [tmp_path / "mallory.zip", tmp_path / "subs", export]
    found = discover(args if zip_first else args[::-1])
    ids = {s.content: s.student_id for s in found.submissions}
    assert ids == {b"bob's": "bob", b"alice's": "0042", b"m1": "bob#2", b"m2": "0042#2"}


@pytest.mark.parametrize("zip_first", [True, False])
def test_a_student_zip_owns_its_stem_against_names_in_other_zips(tmp_path, zip_first):
    write_reproducible_zip(tmp_path / "mallory.zip", {"bob.ipynb": b"m", "alice.ipynb": b"m2"})
    write_reproducible_zip(tmp_path / "bob.zip", {"bob.ipynb": b"bob's"})
    write_reproducible_zip(tmp_path / "alice.zip", {"01_nn.ipynb": b"alice's"})
    args = [tmp_path / "mallory.zip", tmp_path / "bob.zip", tmp_path / "alice.zip"]
    found = discover(args if zip_first else args[::-1])
    ids = {s.content: s.student_id for s in found.submissions}
    # alice.zip's notebook keeps its own name (as before); nobody else becomes `alice`
    assert ids == {b"bob's": "bob", b"m": "bob#2", b"alice's": "01_nn", b"m2": "alice#2"}
    assert any(f"never takes the id of {tmp_path / 'alice.zip'}" in w for w in found.warnings)


def test_a_zip_of_a_folder_yields_to_a_late_notebook_given_beside_it(tmp_path):
    write_reproducible_zip(
        tmp_path / "subs.zip", {"subs/bob/a.ipynb": b"old", "subs/amy.ipynb": NB}
    )
    (tmp_path / "bob.ipynb").write_bytes(b"late")
    found = discover([tmp_path / "subs.zip", tmp_path / "bob.ipynb"])
    assert [s.student_id for s in found.submissions] == ["amy", "bob#2", "bob"]


def test_a_canvas_id_wins_over_a_renamed_file_with_the_same_name(tmp_path):
    canvas = tmp_path / "canvas.zip"
    write_reproducible_zip(
        canvas, {"12345.ipynb": b"renamed", "doejane_12345_67890_nn.ipynb": b"jane's"}
    )
    found = discover([canvas])
    ids = {s.content: s.student_id for s in found.submissions}
    assert ids == {b"jane's": "12345", b"renamed": "12345#2"}


def test_file_names_that_are_not_utf8_become_plain_text(tmp_path):
    folder = bytes(tmp_path / "subs")
    os.mkdir(folder)
    with open(folder + b"/caf\xe9.ipynb", "wb") as stream:  # Latin-1, as an old zip tool leaves it
        stream.write(NB)
    (sub,) = discover([tmp_path / "subs"]).submissions
    assert sub.student_id == "caf\\xe9" and sub.file.endswith("caf\\xe9.ipynb")
    assert sub.content == NB
    (sub.student_id + sub.file).encode("utf-8")  # writable to results.jsonl, CSVs and pages


def test_a_zip_whose_names_are_flagged_utf8_but_are_not_is_an_error_naming_it(tmp_path):
    archive = tmp_path / "odd.zip"
    write_reproducible_zip(archive, {"AAAA.ipynb": NB})
    data = bytearray(archive.read_bytes().replace(b"AAAA", b"\xff\xfeAA"))
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # local, central header
        i = data.find(signature) + flags_at
        data[i : i + 2] = (int.from_bytes(data[i : i + 2], "little") | 0x800).to_bytes(2, "little")
    archive.write_bytes(data)
    with pytest.raises(SubmissionsError, match="odd.zip is not a readable zip file"):
        discover([archive])
