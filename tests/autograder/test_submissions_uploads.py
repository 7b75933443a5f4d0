"""autograder.grading.submissions: the zip `grader.export()` makes is graded as its notebook,
wherever it is (argument, folder, Canvas or Gradescope export); nobody vanishes."""

import io
import zipfile

from autograder.authoring.zipfiles import write_reproducible_zip
from autograder.grading.submissions import discover
from tests.autograder.otter_exports import STAMP, otter_export


def otter_zip(notebook: bytes, stem: str = "01_nn") -> bytes:
    return otter_export(notebook, stem)


def by_id(found):
    return {s.student_id: s for s in found.submissions}


def test_export_zip_as_an_argument_is_its_notebook_under_the_zips_stem(tmp_path):
    path = tmp_path / f"01_nn_{STAMP}.zip"
    path.write_bytes(otter_zip(b"nb"))
    renamed = tmp_path / "alice.zip"
    renamed.write_bytes(otter_zip(b"alice's"))
    subs = by_id(discover([path, renamed]))
    assert subs[f"01_nn_{STAMP}"].content == b"nb"
    assert subs[f"01_nn_{STAMP}"].file == f"{path}!01_nn.ipynb"
    assert subs["alice"].content == b"alice's"
    assert "named_inside_zip" not in subs["alice"].extra


def test_export_named_by_otter_without_marker_is_recognised(tmp_path):
    path = tmp_path / f"hw_{STAMP}.zip"
    write_reproducible_zip(path, {"hw.ipynb": b"x"})
    (sub,) = discover([path]).submissions
    assert (sub.student_id, sub.content) == (f"hw_{STAMP}", b"x")


def test_export_zips_in_a_folder_belong_to_the_folder_entry(tmp_path):
    root = tmp_path / "subs"
    (root / "bob").mkdir(parents=True)
    (root / "bob" / f"01_nn_{STAMP}.zip").write_bytes(otter_zip(b"bob's"))
    (root / "carol.zip").write_bytes(otter_zip(b"carol's"))
    (root / "dan.zip").write_bytes(b"PK not a zip")
    (root / "erin.zip").write_bytes(zipfile_bytes({"notes.txt": b"no notebook"}))
    found = discover([root])
    subs = by_id(found)
    assert subs["bob"].content == b"bob's"
    assert subs["bob"].file == f"{root}/bob/01_nn_{STAMP}.zip!01_nn.ipynb"
    assert subs["carol"].content == b"carol's"
    assert subs["dan"].content == b"" and "cannot read the zip" in subs["dan"].extra["error"]
    assert subs["erin"].content == b"" and "holds no notebook" in subs["erin"].extra["error"]


def zipfile_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_export_zip_inside_a_canvas_download_keeps_the_canvas_identity(tmp_path):
    canvas = tmp_path / "canvas.zip"
    write_reproducible_zip(
        canvas,
        {
            f"doejane_late_123_456_01_nn_{STAMP}.zip": otter_zip(b"jane's"),
            "roeric_124_457_01_nn.ipynb": b"eric's",
        },
    )
    subs = by_id(discover([canvas]))
    jane = subs["123"]
    assert jane.content == b"jane's"
    assert jane.file == f"{canvas}!doejane_late_123_456_01_nn_{STAMP}.zip!01_nn.ipynb"
    assert jane.extra["canvas_user_id"] == "123" and jane.extra["late"] == "true"
    assert subs["124"].content == b"eric's"


def test_export_zip_inside_a_gradescope_export_keeps_the_submitter(tmp_path):
    export = tmp_path / "gs.zip"
    metadata = b"submission_1:\n  :submitters:\n  - :name: Ann\n    :sid: '5'\n"
    write_reproducible_zip(
        export,
        {"submission_metadata.yml": metadata, f"submission_1/01_nn_{STAMP}.zip": otter_zip(b"a")},
    )
    (ann,) = discover([export]).submissions
    assert (ann.student_id, ann.name, ann.content) == ("5", "Ann", b"a")
    assert ann.extra["gradescope_sid"] == "5"


def test_an_export_inside_a_folder_is_one_upload_with_a_warning(tmp_path):
    root = tmp_path / "subs"
    root.mkdir()
    (root / "canvas.zip").write_bytes(zipfile_bytes({"doejane_123_456_x.ipynb": b"j"}))
    found = discover([root])
    (sub,) = found.submissions
    assert sub.student_id == "canvas"
    assert any("looks like a Canvas or Gradescope export" in w for w in found.warnings)


def test_gradescope_export_without_metadata_says_so(tmp_path):
    export = tmp_path / "gs.zip"
    write_reproducible_zip(export, {"submission_1/a.ipynb": b"a", "submission_2/b.ipynb": b"b"})
    found = discover([export])
    assert sorted(by_id(found)) == ["submission_1", "submission_2"]
    assert all(s.extra["named_inside_zip"] == "true" for s in found.submissions)
    (warning,) = found.warnings
    assert "2 notebooks in submission_<id> folders but no submission_metadata.yml" in warning
