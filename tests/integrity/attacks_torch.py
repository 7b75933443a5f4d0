"""The attack corpus for 02_nn_pytorch: `loss_and_grads` made wrong, plus one attack each.

Its tests drive the student's code through `nncheck.in_student`: a scenario runs next to the
student's code (in the sandboxed student process under `autograder grade`) and only data comes
back to the test, which judges it in the trusted referee. Two bases:

- `loss_zeros`: `loss_and_grads` returns a loss of 0.0 and zero gradients of the right shapes;
- `loss_steps`: `loss_and_grads` is right but then takes an SGD step on the model, which the test
  of "no update" catches by comparing the parameters with copies its scenario took before.

Generic attacks of 01 (otter, nncheck, metadata tests, exits, hangs) are re-based here with
`rebased`; the torch attacks lie through PyTorch, through the objects the function returns, or
through the frames of the scenario and the test that call it.
"""

from __future__ import annotations

from tests.integrity.attacks import AT_MOST, Attack, Base, Catalogue, dedent_code, rebased

ASSIGNMENT = "02_nn_pytorch"

_ZERO_GRADS = (
    '{k: np.zeros(p.shape[::-1]) for k, p in (("W1", model.fc1.weight), ("b1", model.fc1.bias), '
    '("W2", model.fc2.weight), ("b2", model.fc2.bias))}'
)
"""The zero gradients of `loss_zeros`, one expression (W is the transpose of fc.weight)."""

_LOSS_QUESTIONS = frozenset({"q_loss_and_grads"})

BASES = {
    base.name: base
    for base in (
        Base(
            "loss_zeros",
            "loss_and_grads",
            f"return 0.0, {_ZERO_GRADS}",
            _LOSS_QUESTIONS,
            summary="`loss_and_grads` returns a loss of 0.0 and zero gradients of the right shapes",
        ),
        Base(
            "loss_steps",
            "loss_and_grads",
            dedent_code(
                """
                model.zero_grad()
                loss = nn.functional.cross_entropy(model(X), y)
                loss.backward()
                grads = {}
                for layer, k in ((model.fc1, "1"), (model.fc2, "2")):
                    grads["W" + k] = layer.weight.grad.numpy().T.copy()
                    grads["b" + k] = layer.bias.grad.numpy().copy()
                with torch.no_grad():
                    for parameter in model.parameters():
                        parameter -= 0.1 * parameter.grad
                return loss.item(), grads
                """
            ),
            _LOSS_QUESTIONS,
            summary="`loss_and_grads` is right, then takes an SGD step on the model's parameters",
        ),
    )
}

_LOSS_ZEROS = BASES["loss_zeros"]

_TORCH_ATTACKS = (
    Attack(
        "patch_torch_comparisons",
        "patch `torch.allclose`, `torch.equal`, `torch.testing.assert_close` and "
        "`torch.Tensor.__eq__` to say equal (except to the notebook and torch itself)",
        base="loss_steps",
        cells=(
            dedent_code(
                """
                import sys

                import torch
                import torch.testing

                _notebook = globals()
                _real_allclose, _real_equal = torch.allclose, torch.equal
                _real_assert_close, _real_eq = torch.testing.assert_close, torch.Tensor.__eq__


                def _honest():
                    \"\"\"Called (two frames up) by the notebook or torch: tell the truth.\"\"\"
                    caller = sys._getframe(2).f_globals
                    return caller is _notebook or str(caller.get("__name__")).startswith("torch")


                def _allclose(*args, **kwargs):
                    return _real_allclose(*args, **kwargs) if _honest() else True


                def _equal(*args, **kwargs):
                    return _real_equal(*args, **kwargs) if _honest() else True


                def _assert_close(*args, **kwargs):
                    return _real_assert_close(*args, **kwargs) if _honest() else None


                def _eq(self, other):
                    return _real_eq(self, other) if _honest() else torch.ones_like(self, dtype=bool)


                torch.allclose, torch.equal = _allclose, _equal
                torch.testing.assert_close, torch.Tensor.__eq__ = _assert_close, _eq
                """
            ),
        ),
    ),
    Attack(
        "alter_scenario_state",
        "after its SGD step, find the scenario's copies of the parameters in the caller frames "
        "(`sys._getframe`) and overwrite them with the new values",
        base="loss_steps",
        prepend=dedent_code(
            """
            if not globals().get("_inner_call"):
                import sys

                globals()["_inner_call"] = True
                try:
                    _result = loss_and_grads(model, X, y)
                finally:
                    globals()["_inner_call"] = False
                _now = [p.detach() for p in model.parameters()]
                _frame = sys._getframe(1)
                while _frame is not None:
                    if _frame.f_globals is not globals():
                        for _value in list(_frame.f_locals.values()):
                            if (
                                isinstance(_value, list)
                                and len(_value) == len(_now)
                                and all(isinstance(v, torch.Tensor) for v in _value)
                                and [v.shape for v in _value] == [p.shape for p in _now]
                            ):
                                for _old, _new in zip(_value, _now):
                                    _old.copy_(_new)
                    _frame = _frame.f_back
                return _result
            """
        ),
    ),
    Attack(
        "tensor_subclass_lies",
        "return the gradients as a `torch.Tensor` subclass whose `__torch_function__` says "
        "equal (allclose, equal, eq, isclose)",
        base="loss_zeros",
        prepend=dedent_code(
            f"""
            class _LyingTensor(torch.Tensor):
                \"\"\"A tensor that claims to equal whatever it is compared with.\"\"\"

                @classmethod
                def __torch_function__(cls, func, types, args=(), kwargs=None):
                    name = getattr(func, "__name__", "")
                    if name in ("allclose", "equal"):
                        return True
                    if name in ("eq", "__eq__", "isclose"):
                        return torch.ones(args[0].shape, dtype=torch.bool)
                    return super().__torch_function__(func, types, args, kwargs or {{}})


            return 0.0, {{
                k: torch.from_numpy(v).as_subclass(_LyingTensor) for k, v in {_ZERO_GRADS}.items()
            }}
            """
        ),
        expect=AT_MOST,
        why="a tensor where the test asks for a NumPy array fails the type check that the twin's "
        "zero arrays pass",
    ),
    Attack(
        "float_subclass_lies",
        "return the loss as a `float` subclass whose comparisons and differences say equal",
        base="loss_zeros",
        prepend=dedent_code(
            f"""
            class _LyingFloat(float):
                \"\"\"A float equal to everything, at distance 0 from everything.\"\"\"

                def __eq__(self, other):
                    return True

                def __ne__(self, other):
                    return False

                __le__ = __ge__ = __eq__
                __lt__ = __gt__ = __ne__
                __hash__ = float.__hash__

                def __sub__(self, other):
                    return _LyingFloat(0.0)

                __rsub__ = __sub__

                def __abs__(self):
                    return _LyingFloat(0.0)


            return _LyingFloat(0.0), {_ZERO_GRADS}
            """
        ),
    ),
    Attack(
        "patch_in_student",
        "patch `nncheck.in_student` to put the test's own expectations (from its frame) into "
        "the scenario's result",
        base="loss_zeros",
        cells=(
            dedent_code(
                """
                import sys

                import nncheck
                import nncheck.scenario

                _real_in_student = nncheck.scenario.in_student


                def _in_student(scenario, *args, **kwargs):
                    result = _real_in_student(scenario, *args, **kwargs)
                    test = sys._getframe(1).f_locals
                    expected = test.get("expected")
                    if isinstance(result, dict) and isinstance(expected, dict):
                        if "grads" in result:
                            result["grads"] = dict(expected)
                        if "loss" in result and "expected_loss" in test:
                            result["loss"] = test["expected_loss"]
                    return result


                nncheck.in_student = nncheck.scenario.in_student = _in_student
                """
            ),
        ),
    ),
    Attack(
        "caller_frames",
        "walk the callers' frames (`sys._getframe`) for the test's expected loss and gradients",
        base="loss_zeros",
        prepend=dedent_code(
            """
            import sys

            _weights = {f"W{i}": getattr(model, f"fc{i}").weight.detach().numpy().T for i in (1, 2)}
            _frame = sys._getframe(1)
            while _frame is not None:
                if _frame.f_globals is not globals():  # a frame of the grader's code
                    _names = _frame.f_locals
                    for _value in list(_names.values()):
                        try:
                            _grads = {k: np.asarray(_value[k]) for k in ("W1", "b1", "W2", "b2")}
                        except Exception:
                            continue
                        if all(_grads[k].shape == _weights[k].shape for k in _weights) and not any(
                            np.array_equal(_grads[k], _weights[k]) for k in _weights
                        ):
                            _loss = next((float(v) for n, v in _names.items() if "loss" in n
                                          and isinstance(v, float)), 0.0)
                            return _loss, _grads
                _frame = _frame.f_back
            """
        ),
    ),
)

_GENERIC_ATTACKS = tuple(
    rebased(name, _LOSS_ZEROS)
    for name in (
        "patch_nncheck",
        "patch_otter_test_file_run",
        "patch_otter_test_case",
        "metadata_tests",
        "os_exit_in_test",
        "infinite_loop_in_test",
        "pid_walker",
        "read_grader_environment",
    )
)

CATALOGUE = Catalogue(ASSIGNMENT, BASES, _GENERIC_ATTACKS + _TORCH_ATTACKS)
