"""Run part of a test where the student's code lives, and get back only data.

A test that needs live objects around the student's code (a PyTorch model to train, an
optimizer, a DataLoader) puts that part in a *scenario*: a self-contained function that builds
the objects, calls the student's code and returns plain data (arrays, tensors, numbers,
strings, lists, dicts). The test then judges that data::

    def scenario(train_step, params, X, y):      # runs next to the student's code
        import torch
        model = ...                               # built from params
        loss = train_step(model, ...)
        return {"loss": loss, "W1": model[0].weight.detach().numpy().T}

    got = in_student(scenario, train_step, params, X, y)
    assert_close(got["W1"], expected_W1, "W1 after one step")   # judged here

In a notebook (`grader.check`) and under `otter run` everything shares one process and
`in_student` simply calls the scenario. Under `autograder grade` and on Gradescope the tests
run in a separate trusted process and the student's functions arrive as stand-ins that carry a
way to run code in the student's process: the scenario's source is sent there, run on copies of
the arguments, and its result travels back as data. A scenario therefore may not use variables
of the enclosing test (pass them as arguments) and must do its imports itself. It returns data
and decides nothing: what it computes is the student's process's word, so every verdict (equal,
unchanged, the right length) is taken in the test body, from the returned data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

RUN_HOOK = "run_scenario_in_student_process"


def in_student(scenario: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Return `scenario(*args, **kwargs)`, run in the process that holds the student's code.

    The first argument whose type offers `run_scenario_in_student_process` (a stand-in for an
    object of the student's process) decides where it runs; without one it runs here.
    """
    free = scenario.__code__.co_freevars
    if free:
        raise TypeError(
            f"scenario {scenario.__name__} uses {', '.join(free)} from the enclosing test: "
            "pass them as arguments (a scenario may run in another process)"
        )
    for value in (*args, *kwargs.values()):
        run = getattr(type(value), RUN_HOOK, None)
        if run is not None:
            return run(value, scenario, args, kwargs)
    return scenario(*args, **kwargs)
