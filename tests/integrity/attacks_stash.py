"""The attack corpus for 00, 03, 04, 05 and 07: a *callback stash* on one wrong function each.

Tests of these assignments once handed the student's process callables of their own: 00 passed
reference sigmoid and ReLU lambdas to the student's `neuron_forward`, 03 put a
reference-backed `init_weights` into the notebook's namespace while grading `activation_stats`,
04 drove `run_optimizer` with test-defined step and loss functions, 05 replayed reference masks.
Now each test either calls the student's own functions or runs a *scenario* (nncheck.in_student)
whose stand-ins live in the student's process and know no answer. The attack keeps every callable
that reaches the notebook from outside (an argument of a notebook function, or a notebook global
replaced during a call) and makes the wrong function answer with the first kept callable that
accepts its arguments. It must score exactly its honest twin: nothing the tests hand over
answers another question.

Bases (one per assignment, each the only function its twin gets wrong):
- 00 `sigmoid_zeros`: `sigmoid` returns zeros;
- 03 `init_zeros`: `init_weights` returns zeros for every scheme;
- 04 `adam_noop`: `adam_step` changes nothing;
- 05 `dropout_backward_passthrough`: `dropout_backward` returns `dout` (no mask, no scaling);
- 07 `conv_backward_zeros`: `conv2d_backward` returns zero gradients.
"""

from __future__ import annotations

from tests.integrity.attacks import Attack, Base, Catalogue, dedent_code

STASH_CELL = dedent_code(
    """
    import builtins
    import functools
    import types

    _notebook = globals()
    builtins.__stash__ = []
    _own = {
        name: value
        for name, value in list(_notebook.items())
        if isinstance(value, types.FunctionType) and value.__globals__ is _notebook
    }
    _wrappers = {}


    def _foreign(value):
        return (
            callable(value)
            and not isinstance(value, type)
            and value not in _own.values()
            and value not in _wrappers.values()
            and getattr(value, "__globals__", None) is not _notebook
        )


    def _keep(value):
        if _foreign(value) and all(value is not kept for kept in builtins.__stash__):
            builtins.__stash__.append(value)


    def _keep_replaced_globals():
        for name in _own:
            value = _notebook.get(name)
            if value is not _own[name] and value is not _wrappers.get(name):
                _keep(value)


    def _wrap(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            for value in (*args, *kwargs.values()):
                _keep(value)
            _keep_replaced_globals()
            try:
                return function(*args, **kwargs)
            finally:
                _keep_replaced_globals()

        return wrapper


    for _name, _function in _own.items():
        if _name != "WRONG_FUNCTION":
            _wrappers[_name] = _notebook[_name] = _wrap(_function)
    """
)
"""Wrap every function of the notebook (except the wrong one) so that it keeps foreign callables."""


def _answer_from_stash(arguments: str) -> str:
    """The wrong function's first lines: answer with a kept callable that accepts `arguments`."""
    return dedent_code(
        f"""
        import builtins
        for _kept in getattr(builtins, "__stash__", []):
            try:
                return _kept({arguments})
            except Exception:
                continue
        """
    )


def _catalogue(assignment: str, base: Base, arguments: str) -> Catalogue:
    attack = Attack(
        "callback_stash",
        f"keep every callable the tests hand the notebook (arguments, replaced globals) and "
        f"let `{base.function}` answer with the first that accepts its arguments",
        base=base.name,
        prepend=_answer_from_stash(arguments),
        cells=(STASH_CELL.replace("WRONG_FUNCTION", base.function),),
    )
    return Catalogue(assignment, {base.name: base}, (attack,))


CATALOGUES = (
    _catalogue(
        "00_introduction",
        Base(
            "sigmoid_zeros",
            "sigmoid",
            "return np.zeros_like(np.asarray(z, dtype=float))",
            frozenset({"q_sigmoid"}),
        ),
        "z",
    ),
    _catalogue(
        "03_experiments_and_visualizations",
        Base(
            "init_zeros",
            "init_weights",
            "return np.zeros((fan_in, fan_out))",
            frozenset({"q_init_weights"}),
        ),
        "name, fan_in, fan_out, rng",
    ),
    _catalogue(
        "04_optimizers",
        Base("adam_noop", "adam_step", "return None", frozenset({"q_adam"})),
        "params, grads, state, lr, beta1, beta2, eps",
    ),
    _catalogue(
        "05_regularization",
        Base(
            "dropout_backward_passthrough",
            "dropout_backward",
            "return dout",
            frozenset({"q_dropout_backward"}),
        ),
        "dout, mask, p",
    ),
    _catalogue(
        "07_convolutions",
        Base(
            "conv_backward_zeros",
            "conv2d_backward",
            "return np.zeros(X.shape), np.zeros(W.shape), np.zeros(W.shape[0])",
            frozenset({"q_conv_backward", "q_cnn", "q_cnn_train"}),
        ),
        "dout, X, W, stride, padding",
    ),
)
"""One catalogue per assignment, each graded in its own batch."""
