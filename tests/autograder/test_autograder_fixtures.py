"""Deterministic fixtures.npz (autograder.authoring.fixtures) and reproducible zips
(autograder.authoring.zipfiles)."""

import json
import os
import platform
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from autograder.authoring.build import stage_assignment
from autograder.authoring.fixtures import (
    FixturesError,
    array_differences,
    make_fixtures,
    npz_differences,
    write_npz,
)
from autograder.authoring.verify import _differences
from autograder.authoring.zipfiles import FIXED_DATE_TIME, normalize_zip
from autograder.config import load_config
from autograder.paths import project_paths

CHECKOUT = Path(__file__).resolve().parents[2]

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


def _ulp_up(array: np.ndarray) -> np.ndarray:
    """`array` with every finite value one ulp larger (NaN and infinities kept)."""
    return np.where(np.isfinite(array), np.nextafter(array, np.inf), array)


def _with(arrays: dict[str, np.ndarray], key: str, value: np.ndarray) -> dict[str, np.ndarray]:
    """A copy of `arrays` with `key` set to `value`."""
    return {**arrays, key: value}


COMMITTED = {
    "w": np.array([[0.5, -1.25, 3.0e5], [0.0, np.nan, -np.inf]]),
    "labels": np.array([2, 0, 1]),
    "w32": np.array([0.1, -7.5], dtype=np.float32),
}
W = COMMITTED["w"]


@pytest.mark.parametrize(
    "fresh",
    [
        COMMITTED,
        _with(COMMITTED, "w", _ulp_up(W)),
        _with(COMMITTED, "w", W + np.array([[0, 0, 3.0e5 * 1e-13], [1e-13, 0, 0]])),
        _with(COMMITTED, "w32", _ulp_up(COMMITTED["w32"])),
    ],
    ids=["same", "one ulp", "1e-13 relative to max(1, |value|)", "float32 one ulp"],
)
def test_array_differences_ignore_rounding_and_keep_nan_and_inf_in_place(fresh):
    assert array_differences(COMMITTED, fresh) == []


@pytest.mark.parametrize(
    ("fresh", "expected"),
    [
        (
            {k: v for k, v in COMMITTED.items() if k != "w"} | {"extra": W},
            ["w: only in the committed file", "extra: only in the fresh build"],
        ),
        (_with(COMMITTED, "w", W.reshape(3, 2)), ["w: shape (2, 3) committed, (3, 2) fresh"]),
        (
            _with(COMMITTED, "labels", np.array([2, 0, 1], dtype=np.int32)),
            ["labels: dtype int64 committed, int32 fresh"],
        ),
        (
            _with(COMMITTED, "labels", np.array([2, 1, 2])),
            ["labels: 2 of 3 values differ; first at index (1,): committed 0, fresh 1"],
        ),
        (
            _with(COMMITTED, "w", W + np.array([[0, 1e-6, 0], [0, 0, 0]])),
            [
                "w: 1 of 6 values differ by more than 1e-12 x max(1, |value|); most at index "
                "(0, 1): committed -1.25, fresh -1.249999"
            ],
        ),
        (
            _with(COMMITTED, "w", W + np.array([[0, 0, 1e-6], [1e-13, 0, 0]])),
            [
                "w: 1 of 6 values differ by more than 1e-12 x max(1, |value|); most at index "
                "(0, 2): committed 300000.0, fresh 300000.000001"
            ],
        ),
        (
            _with(COMMITTED, "w", W + np.array([[0, 0, 0], [np.nan, 0, 0]])),
            [
                "w: 1 of 6 values differ by more than 1e-12 x max(1, |value|); most at index "
                "(1, 0): committed 0.0, fresh nan"
            ],
        ),
        (
            _with(COMMITTED, "w", np.abs(W)),
            [
                "w: 2 of 6 values differ by more than 1e-12 x max(1, |value|); most at index "
                "(1, 2): committed -inf, fresh inf"
            ],
        ),
        (
            _with(COMMITTED, "w32", COMMITTED["w32"] * np.float32(1.001)),
            [
                "w32: 2 of 2 values differ by more than 7.62939e-06 x max(1, |value|); most at "
                "index (1,): committed -7.5, fresh -7.507500171661377"
            ],
        ),
    ],
    ids=["names", "shape", "dtype", "ints", "1e-6", "relative", "nan", "inf sign", "float32"],
)
def test_array_differences_say_which_array_differs_and_how(fresh, expected):
    assert array_differences(COMMITTED, fresh) == expected


@pytest.mark.parametrize(
    ("previous", "kept"),
    [
        ({"weights": _ulp_up(ARRAYS["weights"])}, True),
        ({"weights": ARRAYS["weights"] + 1e-6}, False),
        ({"renamed": ARRAYS["weights"]}, False),
        (b"not a zip", False),
        (None, False),
    ],
    ids=["one ulp: kept", "1e-6: rewritten", "an extra array", "not an npz", "no previous file"],
)
def test_write_npz_keeps_previous_bytes_only_when_the_arrays_are_equal(tmp_path, previous, kept):
    write_npz(tmp_path / "fresh.npz", ARRAYS)
    old = tmp_path / "old.npz"
    if isinstance(previous, dict):
        write_npz(old, ARRAYS | previous)
    elif previous is not None:
        old.write_bytes(previous)
    write_npz(tmp_path / "built.npz", ARRAYS, previous=old)
    expected = old if kept else tmp_path / "fresh.npz"
    assert (tmp_path / "built.npz").read_bytes() == expected.read_bytes()
    assert old.is_file() is (previous is not None)
    if kept:
        assert old.read_bytes() != (tmp_path / "fresh.npz").read_bytes()


def test_npz_differences_report_an_unreadable_committed_file(tmp_path):
    write_npz(tmp_path / "fresh.npz", ARRAYS)
    (tmp_path / "committed.npz").write_bytes(b"version https://git-lfs.github.com/spec/v1\n")
    assert npz_differences(tmp_path / "committed.npz", tmp_path / "fresh.npz") == [
        f"{tmp_path / 'committed.npz'}: not an .npz (zip) file"
    ]


def test_verify_compares_npz_arrays_up_to_rounding_and_other_files_byte_for_byte(tmp_path):
    committed, fresh = tmp_path / "committed", tmp_path / "fresh"
    for folder, text in [(committed, "old"), (fresh, "new")]:
        folder.mkdir()
        (folder / "notes.txt").write_text(text)
    write_npz(fresh / "fixtures.npz", ARRAYS)
    write_npz(committed / "fixtures.npz", _with(ARRAYS, "weights", _ulp_up(ARRAYS["weights"])))
    assert _differences(committed, fresh) == ["differs from a fresh build: notes.txt"]
    changed = ARRAYS["weights"].copy()
    changed[1, 2] += 1e-6
    write_npz(committed / "fixtures.npz", _with(ARRAYS, "weights", changed))
    assert _differences(committed, fresh) == [
        "differs from a fresh build: fixtures.npz: weights: 1 of 12 values differ by more than "
        "1e-12 x max(1, |value|); most at index (1, 2): committed 0.8571438571428571, "
        "fresh 0.8571428571428571",
        "differs from a fresh build: notes.txt",
    ]


# The script imports from the modules this file imports from, so it follows them when they move.
_STAGE_UNDER_KERNEL = f"""
import json, sys
from pathlib import Path
import threadpoolctl
from {stage_assignment.__module__} import stage_assignment
from {load_config.__module__} import load_config
from {make_fixtures.__module__} import make_fixtures, write_npz
from {project_paths.__module__} import project_paths

root, name, out = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
paths = project_paths(root)
stage_assignment(name, out / "stage", paths, load_config(paths.config_file))
write_npz(out / "computed.npz", make_fixtures(paths.master_dir(name) / "fixtures.py", root))
blas = [i for i in threadpoolctl.threadpool_info() if i["internal_api"] == "openblas"]
print(json.dumps([i["architecture"] for i in blas]))
"""


def _stage_under_kernel(kernel: str, name: str, out: Path) -> None:
    """Stage assignment `name` into `out/stage` in a process whose OpenBLAS uses `kernel`, and
    write the fixtures it computed to `out/computed.npz`; skip if OpenBLAS runs another kernel."""
    env = {**os.environ, "OPENBLAS_CORETYPE": kernel}
    args = [sys.executable, "-c", _STAGE_UNDER_KERNEL, str(CHECKOUT), name, str(out)]
    done = subprocess.run(args, cwd=CHECKOUT, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    used = json.loads(done.stdout.splitlines()[-1])
    if {k.lower() for k in used} != {kernel.lower()}:
        pytest.skip(f"OPENBLAS_CORETYPE={kernel} gave OpenBLAS kernels {used}")


@pytest.mark.skipif(
    platform.machine().lower() not in {"x86_64", "amd64"}, reason="x86-64 OpenBLAS kernel names"
)
def test_builds_with_two_blas_kernels_stage_the_committed_fixtures(tmp_path):
    """Under OpenBLAS's Haswell and SandyBridge kernels 01's fixtures come out different in the
    last bits (on the x86-64 machine this was written on; by up to 4e-16) yet within tolerance of
    the committed ones: both builds stage the committed bytes, so neither changes assignments/."""
    name = "01_nn_from_scratch"
    committed = CHECKOUT / "assignments" / name / "fixtures.npz"
    for kernel in ("Haswell", "SandyBridge"):
        _stage_under_kernel(kernel, name, tmp_path / kernel)
        assert npz_differences(committed, tmp_path / kernel / "computed.npz") == []
        assert (tmp_path / kernel / "stage" / "fixtures.npz").read_bytes() == committed.read_bytes()
