"""The referee is transparent for honest code: across the wire a test sees what it would see in
one process (`otter run`), for identity, aliasing and in-place changes.

Each case is student code and a test body; the body runs once with the notebook's namespace
itself (one process) and once with the referee's `RemoteNamespace` of the same code served on a
"student" thread over a socket, and both must observe the same things.
"""

from __future__ import annotations

import socket
import textwrap
import threading

import numpy as np
import pytest

from autograder.grading.referee.remote import (
    RefereePeer,
    RemoteCallable,
    RemoteNamespace,
    StudentCodeStopped,
)
from autograder.grading.wire.frames import recv_frame, send_frame
from autograder.grading.wire.student_side import serve


def _seen(value):
    """An observation made comparable: arrays as (dtype, shape, values)."""
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str, value.shape, value.tolist())
    if isinstance(value, dict):
        return {k: _seen(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_seen(v) for v in value]
    return value


class Case:
    def __init__(self, name: str, student: str, body):
        self.name, self.student, self.body = name, textwrap.dedent(student), body

    def namespace(self) -> dict:
        namespace: dict = {"np": np}
        exec(self.student, namespace)
        return namespace

    def __repr__(self) -> str:
        return self.name


def _params():
    return {"W1": np.arange(6.0).reshape(2, 3), "b1": np.zeros(3)}


def _grads():
    return {"W1": np.ones((2, 3)), "b1": np.full(3, 0.5)}


def sgd_rebinds(env):
    params, grads = _params(), _grads()
    W1 = params["W1"]
    env["sgd_step"](params, grads, 0.1)
    return [params["W1"] is W1, params, W1]


def momentum_aliases_the_gradient(env):
    params, state = _params(), {}
    g1, g2 = _grads(), _grads()
    env["momentum_step"](params, g1, state, 0.1)
    env["momentum_step"](params, g2, state, 0.1)
    return [g1, g2, state["v"] is g1["W1"], params]


def kept_argument_changed_later(env):
    a = np.zeros(3)
    env["keep"](a)
    env["poke"](7.0)
    return [a]


def referee_changes_a_kept_argument(env):
    a = np.zeros(3)
    env["keep"](a)
    a[1] = 5.0
    return [env["first_kept"]()]


def same_object_twice_as_arguments(env):
    x = np.zeros(2)
    result = env["bump_first_return_second"](x, x)
    return [x, result is x]


def returned_argument_is_the_argument(env):
    x, d = np.zeros(2), {"a": 1}
    return [env["identity"](x) is x, env["identity"](d) is d]


def cached_result_is_the_same_object(env):
    first = env["cached"]()
    second = env["cached"]()
    first["W"][0] = 3.0
    return [first is second, second, env["cached"]()]


def result_changed_by_a_later_call(env):
    made = env["make"]()
    env["bump"]()
    return [made]


def generator_state_advances(env):
    rng = np.random.default_rng(0)
    drawn = env["draw"](rng)
    return [drawn, rng.normal()]


def dict_and_list_edited_in_place(env):
    d, items = {"a": 1, "b": np.zeros(2)}, [np.ones(1)]
    env["edit"](d, items)
    return [d, items, len(items)]


def error_after_a_change_keeps_the_change(env):
    a = np.zeros(2)
    with pytest.raises(ValueError, match="after the change"):
        env["change_then_fail"](a)
    return [a]


def read_only_array_stays_read_only(env):
    a = np.zeros(2)
    a.flags.writeable = False
    with pytest.raises(ValueError):
        env["write_first"](a)
    return [a, a.flags.writeable]


def attribute_array_changed_by_the_test(env):
    weights = env["layer"].W
    weights[0] = 4.0
    return [env["layer"].total(), env["layer"].W is weights]


def nested_tuple_of_arrays(env):
    pair = (np.zeros(2), np.ones(2))
    env["scale_pair"](pair)
    return [pair]


def a_dict_that_holds_itself(env):
    d = {"x": 1}
    d["self"] = d
    out = env["identity"](d)
    return [out is d, out["self"] is d]


def library_function_as_an_argument(env):
    x = np.linspace(-2, 2, 5)
    return [env["apply"](np.tanh, x), env["apply"](np.maximum, x, 0.0)]


def dtypes_are_data(env):
    import torch

    got = env["dtypes"]()
    return [got[0] == np.dtype("float32"), got[1] == torch.int64, got[2] is torch.float64]


def nan_values_round_trip(env):
    d = {"x": float("nan"), "a": np.array([np.nan, 1.0])}
    env["identity"](d)
    return [np.isnan(d["x"]), np.isnan(d["a"]).tolist()]


CASES = [
    Case(
        "sgd_rebinds",
        """
        def sgd_step(params, grads, lr):
            for k in params:
                params[k] = params[k] - lr * grads[k]
        """,
        sgd_rebinds,
    ),
    Case(
        "sgd_in_place",
        """
        def sgd_step(params, grads, lr):
            for k in params:
                params[k] -= lr * grads[k]
        """,
        sgd_rebinds,
    ),
    Case(
        "momentum_aliases_the_gradient",
        """
        def momentum_step(params, grads, state, lr):
            if "v" not in state:
                state["v"] = grads["W1"]          # no .copy(): the caller's array
            else:
                state["v"] *= 0.9
                state["v"] += grads["W1"]
            params["W1"] -= lr * state["v"]
        """,
        momentum_aliases_the_gradient,
    ),
    Case(
        "kept_argument_changed_later",
        """
        kept = []
        def keep(x):
            kept.append(x)
        def poke(value):
            kept[0][0] = value
        def first_kept():
            return kept[0].copy()
        """,
        kept_argument_changed_later,
    ),
    Case(
        "referee_changes_a_kept_argument",
        """
        kept = []
        def keep(x):
            kept.append(x)
        def first_kept():
            return kept[0].copy()
        """,
        referee_changes_a_kept_argument,
    ),
    Case(
        "same_object_twice_as_arguments",
        """
        def bump_first_return_second(a, b):
            a += 1
            return b
        """,
        same_object_twice_as_arguments,
    ),
    Case(
        "returned_argument_is_the_argument",
        "def identity(x):\n    return x\n",
        returned_argument_is_the_argument,
    ),
    Case(
        "cached_result_is_the_same_object",
        """
        cache = {}
        def cached():
            if "W" not in cache:
                cache["W"] = np.zeros(2)
            return cache
        """,
        cached_result_is_the_same_object,
    ),
    Case(
        "result_changed_by_a_later_call",
        """
        made = []
        def make():
            made.append(np.zeros(2))
            return made[0]
        def bump():
            made[0] += 1
        """,
        result_changed_by_a_later_call,
    ),
    Case(
        "generator_state_advances",
        "def draw(rng):\n    return rng.normal()\n",
        generator_state_advances,
    ),
    Case(
        "dict_and_list_edited_in_place",
        """
        def edit(d, items):
            del d["a"]
            d["b"][1] = 2.0
            d["c"] = [1, 2]
            items.append(np.zeros(1))
            items[0] *= 3
        """,
        dict_and_list_edited_in_place,
    ),
    Case(
        "error_after_a_change_keeps_the_change",
        """
        def change_then_fail(a):
            a[0] = 1.0
            raise ValueError("after the change")
        """,
        error_after_a_change_keeps_the_change,
    ),
    Case(
        "read_only_array_stays_read_only",
        "def write_first(a):\n    a[0] = 1.0\n",
        read_only_array_stays_read_only,
    ),
    Case(
        "attribute_array_changed_by_the_test",
        """
        class Layer:
            def __init__(self):
                self.W = np.zeros(3)
            def total(self):
                return float(self.W.sum())
        layer = Layer()
        """,
        attribute_array_changed_by_the_test,
    ),
    Case(
        "nested_tuple_of_arrays",
        "def scale_pair(pair):\n    pair[0][:] = 2.0\n    np.multiply(pair[1], 3, out=pair[1])\n",
        nested_tuple_of_arrays,
    ),
    Case("a_dict_that_holds_itself", "def identity(x):\n    return x\n", a_dict_that_holds_itself),
    Case(
        "library_function_as_an_argument",
        "def apply(f, *args):\n    return f(*args)\n",
        library_function_as_an_argument,
    ),
    Case(
        "dtypes_are_data",
        """
        import torch
        def dtypes():
            return [np.zeros(1, np.float32).dtype, torch.int64, torch.float64]
        """,
        dtypes_are_data,
    ),
    Case("nan_values_round_trip", "def identity(x):\n    return x\n", nan_values_round_trip),
]


@pytest.fixture
def across_the_wire():
    """`serve(namespace)` on a student thread; yields a function giving the referee's view."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    served: list[tuple[threading.Thread, RefereePeer]] = []

    def view(namespace: dict) -> RemoteNamespace:
        server = threading.Thread(target=serve, args=(theirs, namespace), name="student")
        server.start()
        served.append((server, RefereePeer(ours, pid=-1)))
        return RemoteNamespace(served[-1][1])

    yield view
    for server, peer in served:
        peer.send({"op": "bye"}, {})
        server.join(timeout=10)
    ours.close()
    theirs.close()


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_a_test_sees_across_the_wire_what_it_sees_in_one_process(case, across_the_wire):
    in_one_process = _seen(case.body(case.namespace()))
    across = _seen(case.body(across_the_wire(case.namespace())))
    assert across == in_one_process


def test_the_mirror_forgets_what_neither_side_holds(across_the_wire):
    env = across_the_wire(Case("", "def double(x):\n    return 2 * x\n", None).namespace())
    double = env["double"]
    for _ in range(200):
        assert double(np.ones(100))[0] == 2.0
    assert len(double._peer.mirror.objects) < 10


def test_a_function_of_the_tests_is_never_sent_to_the_student(across_the_wire):
    env = across_the_wire(Case("", "def call(f):\n    return f(1)\n", None).namespace())
    with pytest.raises(TypeError, match="cannot be passed to the student's code"):
        env["call"](lambda x: x + 1)


def _forged_reply(reply, *, first=None, sync=()) -> Exception:
    """What the referee makes of a student process that answers a request with `reply` (a raw
    header value, with `sync` as its changes), after the referee sent it one array; with
    `first`, the student answered an earlier request with that reply (one array), accepted."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    with ours, theirs:
        peer = RefereePeer(ours, pid=-1)
        proxy = RemoteCallable(peer, 1, "function")
        frames = [] if first is None else [(first, [])]
        frames.append((reply, list(sync)))

        def student() -> None:
            for answer, changes in frames:
                recv_frame(theirs)
                header = {"reply": answer, "sync": changes, "forget": []}
                send_frame(theirs, header, [np.zeros(2)])

        thread = threading.Thread(target=student)
        thread.start()
        if first is not None:
            proxy(np.zeros(2))
        with pytest.raises(StudentCodeStopped) as caught:
            proxy(np.zeros(2))
        thread.join(timeout=10)
        return caught.value


@pytest.mark.parametrize(
    "reply",
    [
        {"$m": 999},  # an id nobody gave out
        {"$m": 2},  # one of the referee's ids that does not exist
        {"$d": [], "m": 1},  # the referee's array (id 1) claimed to be a dict
        {"$a": 0, "m": 5},  # an id of the referee's namespace the referee never gave out
        [{"$a": 0, "m": -1}, {"$a": 0, "m": -2}],  # one array sent as two objects
        {"$lib": "numpy.tanh"},  # a library function for the referee to call
    ],
)
def test_identities_the_student_process_forges_are_refused(reply):
    assert "ended the grading process" in str(_forged_reply(reply))


@pytest.mark.parametrize(
    ("reply", "sync"),
    [
        ({"$d": [["k", {"$a": 0}]], "m": -1}, []),  # a second dict claims the first one's id
        ({"$m": -1}, [{"$d": [], "m": -7}]),  # a change to an object nobody tracks
    ],
)
def test_an_identity_the_student_process_gave_out_cannot_be_claimed_again(reply, sync):
    """Its encoder writes a full object only with a new id (a change goes in `sync`): a second
    object sent in full under the first one's id would make the referee's `a is b`."""
    first = {"$d": [["k", {"$a": 0}]], "m": -1}
    assert "ended the grading process" in str(_forged_reply(reply, first=first, sync=sync))
