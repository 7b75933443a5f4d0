"""`nncheck.notebook_in_use`: export the notebook the student works in, or say what to do."""

from __future__ import annotations

import warnings

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


KERNEL_NOTE = (
    "[IPKernelApp] WARNING | Kernel is running over TCP without encryption. All communication "
    "(including code and outputs) is sent in plain text and is susceptible to eavesdropping.\n"
)


def test_exporting_hides_ipykernels_transport_note_and_nothing_more(folder, monkeypatch):
    (folder / "mine.ipynb").write_text("{}")
    monkeypatch.setattr("IPython.get_ipython", lambda: None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        notebook_in_use("01_nn.ipynb", exporting=False)
        warnings.warn(KERNEL_NOTE, RuntimeWarning, stacklevel=1)
        assert len(caught) == 1, "only an export hides it"
        assert notebook_in_use("01_nn.ipynb") == "mine.ipynb"
        warnings.warn(KERNEL_NOTE, RuntimeWarning, stacklevel=1)
        warnings.warn(
            KERNEL_NOTE + "Traceback (most recent call last): ...\n", RuntimeWarning, stacklevel=1
        )
        warnings.warn(KERNEL_NOTE, UserWarning, stacklevel=1)
    shown = [(w.category, str(w.message)) for w in caught[1:]]
    assert shown == [
        (RuntimeWarning, KERNEL_NOTE + "Traceback (most recent call last): ...\n"),
        (UserWarning, KERNEL_NOTE),
    ]
