"""`nncheck.in_student`: a test's scenario runs where the student's code lives, data comes back.

In one process (a notebook, `otter run`) it is a plain call; across the referee's wire the
scenario's source is defined in the student's process, called there with the student's real
objects, and its result returns as data.
"""

from __future__ import annotations

import socket
import threading

import numpy as np
import pytest
import torch

from autograder.grading.referee.remote import RefereePeer, RemoteNamespace
from autograder.grading.wire.student_side import serve
from nncheck import in_student


def where_it_runs(student_function, x):
    import threading

    return {
        "thread": threading.current_thread().name,
        "got_the_real_function": type(student_function).__name__ == "function",
        "result": student_function(x),
    }


def test_in_one_process_the_scenario_is_a_plain_call():
    got = in_student(where_it_runs, lambda x: x + 1, x=np.arange(3))
    assert got["thread"] == threading.current_thread().name
    assert got["got_the_real_function"]
    np.testing.assert_array_equal(got["result"], [1, 2, 3])


def test_a_scenario_using_the_tests_variables_is_refused():
    offset = 1

    def scenario(f):
        return f(offset)

    with pytest.raises(TypeError, match="offset"):
        in_student(scenario, abs)


@pytest.fixture
def student_namespace():
    """A referee's view (RemoteNamespace) of `namespace`, served on a 'student' thread."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    requests: list[str] = []

    def double(x):
        return 2 * x

    def broken(_x):
        raise ValueError("shapes (3,) and (4,) not aligned")

    namespace = {"double": double, "broken": broken, "requests": requests}
    server = threading.Thread(target=serve, args=(theirs, namespace), name="student")
    server.start()
    peer = RefereePeer(ours, pid=-1)
    yield RemoteNamespace(peer), peer
    peer.send({"op": "bye"}, {})
    server.join(timeout=10)
    ours.close()
    theirs.close()


def test_across_the_wire_the_scenario_runs_next_to_the_students_code(student_namespace):
    env, _peer = student_namespace
    got = in_student(where_it_runs, env["double"], torch.arange(3.0))
    assert got["thread"] == "student"
    assert got["got_the_real_function"]
    assert isinstance(got["result"], torch.Tensor)
    assert got["result"].tolist() == [0.0, 2.0, 4.0]


def test_what_the_students_code_raises_comes_out_of_in_student(student_namespace):
    env, _peer = student_namespace
    with pytest.raises(ValueError, match="not aligned"):
        in_student(where_it_runs, env["broken"], np.arange(3))


def test_a_scenario_is_defined_once_per_student_process(student_namespace):
    env, peer = student_namespace
    for x in range(3):
        assert in_student(where_it_runs, env["double"], x)["result"] == 2 * x
    assert len(peer._scenarios) == 1
