"""Deterministic fixtures.npz (autograder.authoring.fixtures) and reproducible zips
(autograder.authoring.zipfiles)."""

import zipfile

import numpy as np
import pytest

from autograder.authoring.fixtures import FixturesError, make_fixtures, write_npz
from autograder.authoring.zipfiles import FIXED_DATE_TIME, normalize_zip

ARRAYS = {
    "weights": np.arange(12, dtype=np.float64).reshape(3, 4) / 7,
    "labels": np.array([2, 0, 1], dtype=np.int64),
    "mask": np.array([True, False]),
    "scalar": np.float32(1.5),
}


def test_write_npz_round_trips_without_pickles(tmp_path):
    write_npz(tmp_path / "f.npz", ARRAYS)
    with np.load(tmp_path / "f.npz", allow_pickle=False) as data:
        assert sorted(data.files) == sorted(ARRAYS)
        for key, value in ARRAYS.items():
            np.testing.assert_array_equal(data[key], value)
            assert data[key].dtype == np.asarray(value).dtype


def test_write_npz_is_byte_identical_whatever_the_time_and_key_order(tmp_path):
    write_npz(tmp_path / "a.npz", ARRAYS)
    write_npz(tmp_path / "b.npz", dict(reversed(list(ARRAYS.items()))))
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.npz") as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == sorted(f"{k}.npy" for k in ARRAYS)
    assert all(i.date_time == FIXED_DATE_TIME for i in infos)


@pytest.mark.parametrize(
    ("arrays", "message"),
    [
        ({"bad key": np.zeros(2)}, "identifiers"),
        ({"objs": np.array([{}, 1], dtype=object)}, "plain numeric"),
        ({"masked": np.ma.masked_array([1.0, 2.0])}, "plain numeric"),
    ],
)
def test_write_npz_rejects_what_np_load_cannot_read_safely(tmp_path, arrays, message):
    with pytest.raises(FixturesError, match=message):
        write_npz(tmp_path / "f.npz", arrays)


def test_make_fixtures_runs_the_assignments_fixtures_py(tiny_paths):
    fixtures = make_fixtures(tiny_paths.master_dir("tiny") / "fixtures.py", tiny_paths.root)
    assert set(fixtures) == {"scale_x", "scale_out", "offsets_out"}
    np.testing.assert_allclose(fixtures["scale_out"], 2.5 * fixtures["scale_x"])
    again = make_fixtures(tiny_paths.master_dir("tiny") / "fixtures.py", tiny_paths.root)
    np.testing.assert_array_equal(again["scale_x"], fixtures["scale_x"])


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (None, "not found"),
        ("X = 1\n", "defines no make_fixtures"),
        ("def make_fixtures():\n    return [1, 2]\n", "must return a non-empty dict"),
        ("def make_fixtures():\n    return {}\n", "must return a non-empty dict"),
    ],
)
def test_make_fixtures_errors_name_the_file(tmp_path, source, message):
    script = tmp_path / "fixtures.py"
    if source is not None:
        script.write_text(source)
    with pytest.raises(FixturesError, match=message) as info:
        make_fixtures(script, tmp_path)
    assert str(script) in str(info.value)


def test_normalize_zip_keeps_contents_and_fixes_metadata(tmp_path):
    path = tmp_path / "ag.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("tests/q1.py", "print(1)\n")
        archive.writestr("run_autograder", "#!/bin/sh\n")
    normalize_zip(path, executables=frozenset({"run_autograder"}))
    first = path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        assert archive.read("tests/q1.py") == b"print(1)\n"
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in archive.infolist()}
        assert all(i.date_time == FIXED_DATE_TIME for i in archive.infolist())
    assert modes == {"run_autograder": 0o755, "tests/q1.py": 0o644}
    normalize_zip(path, executables=frozenset({"run_autograder"}))
    assert path.read_bytes() == first
