"""`nncheck.notebook_in_use`: export the notebook the student works in, or say what to do."""

from __future__ import annotations

import otter
import pytest

from nncheck.export import NotebookNotFound, notebook_in_use


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(otter.Notebook, "_grading_mode", False, raising=False)
    return tmp_path


def _session(monkeypatch, value):
    class Shell:
        user_ns = {"__session__": value}

    monkeypatch.setattr("IPython.get_ipython", lambda: Shell())


def test_a_renamed_copy_beside_the_handout_is_the_one_jupyter_names(folder, monkeypatch):
    (folder / "01_nn.ipynb").write_text("{}")
    (folder / "01_nn-Copy1.ipynb").write_text("{}")
    _session(monkeypatch, str(folder / "01_nn-Copy1.ipynb"))
    assert notebook_in_use("01_nn.ipynb") == "01_nn-Copy1.ipynb"


def test_the_only_notebook_of_the_folder_when_jupyter_does_not_say(folder, monkeypatch):
    (folder / "mine.ipynb").write_text("{}")
    _session(monkeypatch, str(folder / "renamed-since.ipynb"))  # stale: renamed after start
    assert notebook_in_use("01_nn.ipynb") == "mine.ipynb"


def test_several_notebooks_and_no_name_stops_with_what_to_do(folder, monkeypatch):
    (folder / "01_nn.ipynb").write_text("{}")
    (folder / "01_nn-Copy1.ipynb").write_text("{}")
    monkeypatch.setattr("IPython.get_ipython", lambda: None)
    with pytest.raises(NotebookNotFound, match=r'grader\.export\("YOUR_NOTEBOOK\.ipynb"'):
        notebook_in_use("01_nn.ipynb")


def test_no_notebook_here_says_where_to_run_it(folder, monkeypatch):
    monkeypatch.setattr("IPython.get_ipython", lambda: None)
    with pytest.raises(NotebookNotFound, match="from its own folder"):
        notebook_in_use("01_nn.ipynb")


def test_while_grading_it_is_the_handouts_name_and_nothing_is_looked_up(folder, monkeypatch):
    monkeypatch.setattr(otter.Notebook, "_grading_mode", True, raising=False)
    assert notebook_in_use("01_nn.ipynb") == "01_nn.ipynb"
