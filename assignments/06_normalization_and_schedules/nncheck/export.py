"""Which notebook to export: the one the student is working in, never silently another.

Jupyter tells the kernel the notebook it was started for (JupyterLab and Notebook 7 set
`__session__`, VS Code `__vsc_ipynb_file__`); a copy made with File > Make a copy gets its own
kernel and so its own name. When that is unknown or stale (the notebook was renamed later), the
folder's only notebook is the answer; with several, the student is asked to name it.

otter's export (`run_tests=True`) checks the zip in a new kernel and passes that run's stderr on
as a RuntimeWarning; ipykernel's note that the kernel talks over local TCP without encryption,
when it is all there is, is hidden while exporting: it tells the student nothing they can act on.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

HIDDEN_TESTS_NOTE = (
    "The checks above are the public ones only: hidden tests with other inputs run when your "
    "submission is graded, so passing every public check is not yet a full grade."
)


KERNEL_TRANSPORT_NOTE = (
    r"\[IPKernelApp\] WARNING \| Kernel is running over TCP without encryption\.[^\n]*\s*\Z"
)
"""The whole of a warning that is only ipykernel's note (anything more is shown whole)."""


class NotebookNotFound(RuntimeError):
    """The notebook to export cannot be told apart from others in the folder."""


def _grading() -> bool:
    """True while a grader runs the notebook (otter's grading mode): nothing is exported then."""
    try:
        import otter
    except ImportError:
        return False
    return bool(getattr(otter.Notebook, "_grading_mode", False))


def _on_colab() -> bool:
    """Google Colab, detected as otter detects it (the IPython shell's class)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return "google.colab" in str(get_ipython())


def _session_notebook() -> Path | None:
    """The notebook Jupyter (or VS Code) started this kernel for, if it says."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    names = dict(shell.user_ns) if shell is not None else {}
    for value in (names.get("__vsc_ipynb_file__"), names.get("__session__")):
        if isinstance(value, str) and value.endswith(".ipynb"):
            return Path(value)
    return None


def notebook_in_use(expected: str, exporting: bool = True) -> str | None:
    """The path of the notebook in use (`expected`, the handout's name, while grading).

    Exporting, it must be the notebook the student works in; otherwise (otter's checks only read
    the tests, the same in every copy) the handout's notebook will do when it is there, and on
    Colab, where no notebook file exists and otter reads the tests from tests/, None. Raises
    NotebookNotFound, saying what to do, when the folder holds several notebooks and the one in
    use cannot be known. Exporting, ipykernel's transport note is hidden from then on.
    """
    if exporting:
        warnings.filterwarnings("ignore", KERNEL_TRANSPORT_NOTE, RuntimeWarning)
    if _grading() or (not exporting and Path(expected).is_file()):
        return expected
    if not exporting and _on_colab():
        return None  # no notebook file on Colab: otter reads the tests from tests/
    here = Path.cwd()
    session = _session_notebook()
    if session is not None:
        for candidate in (session, here / session.name):
            if candidate.is_file():
                return (
                    os.path.relpath(candidate, here) if candidate.is_absolute() else str(candidate)
                )
    notebooks = sorted(p.name for p in here.glob("*.ipynb"))
    if len(notebooks) == 1:
        return notebooks[0]
    if not notebooks:
        raise NotebookNotFound(
            f"there is no notebook in {here}: open the assignment's notebook from its own folder "
            "(beside fixtures.npz and nncheck/) and run this cell there"
        )
    raise NotebookNotFound(
        f"cannot tell which notebook you are working in: {here} holds {', '.join(notebooks)}. "
        'Name yours: grader.export("YOUR_NOTEBOOK.ipynb", pdf=False, run_tests=True)'
    )
