"""Kernel-side half of the mutant runner: its source is executed inside the Jupyter kernel.

After the solution notebook has run, `snapshot(globals())` records the notebook's state. Each
`grade(globals(), function, source, test_glob)` call then restores that state, replaces
`function` by the mutant (exec of `source` in the notebook's globals; None = the unmutated
baseline), runs every test file through otter's own `create_test_file(...).run(env)`, prints one
line `MARKER + json` with per-question scores and messages, and puts the original function back.
Only the standard library and otter are used here.
"""

import copy
import glob
import json
import types

from otter.nbmeta_config import NBMetadataConfig
from otter.test_files import create_test_file

MARKER = "@@mutant-grade@@"

# IPython's own bookkeeping in the user namespace; never copied or restored.
_IPYTHON_NAMES = {"In", "Out", "get_ipython", "exit", "quit"}
_CODE_TYPES = (
    types.ModuleType,
    types.FunctionType,
    types.BuiltinFunctionType,
    types.MethodType,
    type,
)

_state = {}


def _is_data(name, value):
    """Notebook data a mutant could change in place (arrays, containers, notebook objects)."""
    if name.startswith("_") or name in _IPYTHON_NAMES or isinstance(value, _CODE_TYPES):
        return False
    module = type(value).__module__
    return module in ("builtins", "__main__") or module.startswith("numpy")


def snapshot(env):
    """Remember the notebook's globals: bindings as they are, data as a deep copy."""
    data = {}
    memo = {}
    for name, value in env.items():
        if _is_data(name, value):
            try:
                data[name] = copy.deepcopy(value, memo)
            except Exception:  # noqa: BLE001 - an uncopyable object is restored by binding only
                continue
    _state["bindings"] = {k: v for k, v in env.items() if not k.startswith("_")}
    _state["data"] = data


def _restore(env):
    bindings = _state["bindings"]
    for name in [k for k in env if not k.startswith("_") and k not in bindings]:
        del env[name]
    env.update(bindings)
    env.update(copy.deepcopy(_state["data"]))


def _run_tests(env, test_glob):
    questions = []
    for path in sorted(glob.glob(test_glob)):
        test_file = create_test_file(path, NBMetadataConfig())
        test_file.run(env)
        cases = [
            {
                "name": result.test_case.name,
                "hidden": bool(result.test_case.hidden),
                "passed": bool(result.passed),
                "message": result.message or "",
            }
            for result in test_file.test_case_results
        ]
        questions.append(
            {
                "question": test_file.name,
                "score": float(test_file.score),
                "possible": float(test_file.possible),
                "cases": cases,
            }
        )
    return questions


def grade(env, function, source, test_glob):
    """Grade the notebook state with `function` replaced by `source`; print MARKER + JSON."""
    _restore(env)
    outcome = {"questions": [], "error": None}
    try:
        if function is not None:
            exec(compile(source, f"<mutant {function}>", "exec"), env)
        outcome["questions"] = _run_tests(env, test_glob)
    except BaseException as err:  # noqa: BLE001 - reported to the runner, kernel stays usable
        outcome["error"] = f"{type(err).__name__}: {err}"
    finally:
        _restore(env)
    print(MARKER + json.dumps(outcome))
