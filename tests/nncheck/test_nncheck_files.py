"""tolerances.json is honoured; fixtures load without pickle."""

import json
from pathlib import Path

import numpy as np
import pytest
import yaml

import nncheck
from nncheck import tolerances

GRADING_YML = Path(__file__).resolve().parents[2] / "grading.yml"


def test_defaults_equal_grading_yml() -> None:
    config = yaml.safe_load(GRADING_YML.read_text())["tolerances"]
    assert tolerances.DEFAULT_TOLERANCES == config


def test_tolerances_json_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "tolerances.json"
    table = {"forward": {"rtol": 1e-3, "atol": 0.0}, "gradcheck": {"max_relative_error": 1e-5}}
    path.write_text(json.dumps(table))
    got, expected = np.array([1.0005]), np.array([1.0])
    with pytest.raises(AssertionError, match="rtol=1e-09"):
        nncheck.assert_close(got, expected, "Z", tol="forward")
    monkeypatch.setattr(tolerances, "TOLERANCES_FILE", path)
    nncheck.assert_close(got, expected, "Z", tol="forward")
    assert nncheck.get_tolerance("forward") == (1e-3, 0.0)
    assert nncheck.get_tolerance("backward") == (1e-7, 1e-10)  # not in the file: default
    assert nncheck.gradcheck_threshold() == 1e-5


@pytest.mark.parametrize(
    "content, phrase",
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"forward": {"rtol": 1e-3}}', "entry 'forward' must be an object with keys"),
        ('{"forward": {"rtol": -1, "atol": 0}}', "non-negative numbers"),
        ('{"gradcheck": {"rtol": 1, "atol": 0}}', "['max_relative_error']"),
    ],
)
def test_malformed_tolerances_json(tmp_path: Path, content: str, phrase: str) -> None:
    path = tmp_path / "tolerances.json"
    path.write_text(content)
    with pytest.raises(ValueError) as info:
        nncheck.load_tolerances(path)
    assert phrase in str(info.value) and str(path) in str(info.value)


def test_gradcheck_is_not_a_comparison_kind() -> None:
    with pytest.raises(ValueError, match="unknown tolerance kind 'gradcheck'"):
        nncheck.get_tolerance("gradcheck")


def test_load_fixtures_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    arrays = {"X": np.arange(6.0).reshape(2, 3), "y": np.array([0, 2])}
    np.savez(tmp_path / "fixtures.npz", **arrays)
    monkeypatch.chdir(tmp_path)
    loaded = nncheck.load_fixtures()
    assert loaded.keys() == arrays.keys()
    for key, value in arrays.items():
        np.testing.assert_array_equal(loaded[key], value)
        assert loaded[key].dtype == value.dtype


def test_load_fixtures_refuses_pickles(tmp_path: Path) -> None:
    path = tmp_path / "evil.npz"
    np.savez(path, obj=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError, match="allow_pickle"):
        nncheck.load_fixtures(path)


def test_load_fixtures_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="keep fixtures.npz next to the notebook"):
        nncheck.load_fixtures(tmp_path / "fixtures.npz")
