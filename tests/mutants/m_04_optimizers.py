"""Plausible wrong implementations of the graded functions of 04_optimizers.

Each mutant must lose points; `mistake` is a substring the feedback must contain (the phrase the
tests use to name that mistake: optimizer state, bias correction, eps placement), or None when any
failure will do.
"""

from tests.mutants.catalogue import Mutant

MUTANTS = [
    # ------------------------------------------------------------------ sgd_momentum_step
    Mutant(
        "sgd_momentum_step",
        "buffer_not_kept",
        """
def sgd_momentum_step(params, grads, state, lr, momentum):
    for name in params:
        buf = grads[name].copy()  # a new buffer at every call
        params[name] -= lr * buf
""",
        "not kept between calls",
    ),
    Mutant(
        "sgd_momentum_step",
        "dampened_average",
        """
def sgd_momentum_step(params, grads, state, lr, momentum):
    for name in params:
        buf = state.get(name, np.zeros_like(grads[name]))
        state[name] = momentum * buf + (1 - momentum) * grads[name]
        params[name] -= lr * state[name]
""",
        "is an average",
    ),
    Mutant(
        "sgd_momentum_step",
        "nesterov",
        """
def sgd_momentum_step(params, grads, state, lr, momentum):
    for name in params:
        g = grads[name]
        state[name] = g.copy() if name not in state else momentum * state[name] + g
        params[name] -= lr * (g + momentum * state[name])
""",
        "Nesterov",
    ),
    Mutant(
        "sgd_momentum_step",
        "one_buffer_for_all_parameters",
        """
def sgd_momentum_step(params, grads, state, lr, momentum):
    for name in params:
        g = grads[name]
        state["buf"] = g.copy() if "buf" not in state else momentum * state["buf"] + g
        params[name] -= lr * state["buf"]
""",
        "shared by all parameters",
    ),
    Mutant(
        "sgd_momentum_step",
        "not_in_place",
        """
def sgd_momentum_step(params, grads, state, lr, momentum):
    for name in params:
        g = grads[name]
        state[name] = g.copy() if name not in state else momentum * state[name] + g
        params[name] = params[name] - lr * state[name]
""",
        "not in place",
    ),
    Mutant(
        "sgd_momentum_step",
        "buffer_aliases_gradient",
        """
def sgd_momentum_step(params, grads, state, lr, momentum):
    for name in params:
        if name not in state:
            state[name] = grads[name]
        else:
            state[name] *= momentum
            state[name] += grads[name]
        params[name] -= lr * state[name]
""",
        "store a copy",
    ),
    Mutant(
        "sgd_momentum_step",
        "state_in_default_argument",
        """
def sgd_momentum_step(params, grads, state, lr, momentum, _buffers={}):
    for name in params:
        g = grads[name]
        _buffers[name] = g.copy() if name not in _buffers else momentum * _buffers[name] + g
        params[name] -= lr * _buffers[name]
""",
        "disturbed each other",
    ),
    Mutant(
        "sgd_momentum_step",
        "ascent",
        """
def sgd_momentum_step(params, grads, state, lr, momentum):
    for name in params:
        g = grads[name]
        state[name] = g.copy() if name not in state else momentum * state[name] + g
        params[name] += lr * state[name]
""",
        "stepped uphill",
    ),
    Mutant(
        "sgd_momentum_step",
        "rebinds_through_update",
        """
def sgd_momentum_step(params, grads, state, lr, momentum):
    for name in list(params):
        g = grads[name]
        state[name] = g.copy() if name not in state else momentum * state[name] + g
        params.update({name: params[name] - lr * state[name]})
""",
        "not in place",
    ),
    # ------------------------------------------------------------------------ rmsprop_step
    Mutant(
        "rmsprop_step",
        "eps_inside_sqrt",
        """
def rmsprop_step(params, grads, state, lr, alpha=0.99, eps=1e-8):
    for name in params:
        g = grads[name]
        state[name] = alpha * state.get(name, 0.0) + (1 - alpha) * g**2
        params[name] -= lr * g / np.sqrt(state[name] + eps)
""",
        "inside the square root",
    ),
    Mutant(
        "rmsprop_step",
        "average_not_kept",
        """
def rmsprop_step(params, grads, state, lr, alpha=0.99, eps=1e-8):
    for name in params:
        g = grads[name]
        v = (1 - alpha) * g**2
        params[name] -= lr * g / (np.sqrt(v) + eps)
""",
        "not kept between calls",
    ),
    Mutant(
        "rmsprop_step",
        "average_starts_at_g_squared",
        """
def rmsprop_step(params, grads, state, lr, alpha=0.99, eps=1e-8):
    for name in params:
        g = grads[name]
        old = state.get(name, g**2)
        state[name] = alpha * old + (1 - alpha) * g**2
        params[name] -= lr * g / (np.sqrt(state[name]) + eps)
""",
        "starts at g**2",
    ),
    Mutant(
        "rmsprop_step",
        "alpha_swapped",
        """
def rmsprop_step(params, grads, state, lr, alpha=0.99, eps=1e-8):
    for name in params:
        g = grads[name]
        state[name] = (1 - alpha) * state.get(name, 0.0) + alpha * g**2
        params[name] -= lr * g / (np.sqrt(state[name]) + eps)
""",
        "swapped",
    ),
    Mutant(
        "rmsprop_step",
        "no_sqrt",
        """
def rmsprop_step(params, grads, state, lr, alpha=0.99, eps=1e-8):
    for name in params:
        g = grads[name]
        state[name] = alpha * state.get(name, 0.0) + (1 - alpha) * g**2
        params[name] -= lr * g / (state[name] + eps)
""",
        "square root is missing",
    ),
    Mutant(
        "rmsprop_step",
        "one_average_for_all_parameters",
        """
def rmsprop_step(params, grads, state, lr, alpha=0.99, eps=1e-8):
    for name in params:
        g = grads[name]
        state["v"] = alpha * state.get("v", 0.0) + (1 - alpha) * g**2
        params[name] -= lr * g / (np.sqrt(state["v"]) + eps)
""",
        "shared by all parameters",
    ),
    Mutant(
        "rmsprop_step",
        "not_in_place",
        """
def rmsprop_step(params, grads, state, lr, alpha=0.99, eps=1e-8):
    for name in params:
        g = grads[name]
        state[name] = alpha * state.get(name, 0.0) + (1 - alpha) * g**2
        params[name] = params[name] - lr * g / (np.sqrt(state[name]) + eps)
""",
        "not in place",
    ),
    Mutant(
        "rmsprop_step",
        "state_in_default_argument",
        """
def rmsprop_step(params, grads, state, lr, alpha=0.99, eps=1e-8, _avg={}):
    for name in params:
        g = grads[name]
        _avg[name] = alpha * _avg.get(name, 0.0) + (1 - alpha) * g**2
        params[name] -= lr * g / (np.sqrt(_avg[name]) + eps)
""",
        "disturbed each other",
    ),
    Mutant(
        "rmsprop_step",
        "wrong_default_alpha",
        """
def rmsprop_step(params, grads, state, lr, alpha=0.9, eps=1e-8):
    for name in params:
        g = grads[name]
        state[name] = alpha * state.get(name, 0.0) + (1 - alpha) * g**2
        params[name] -= lr * g / (np.sqrt(state[name]) + eps)
""",
        "default values",
    ),
    Mutant(
        "rmsprop_step",
        "absolute_value_average",
        """
def rmsprop_step(params, grads, state, lr, alpha=0.99, eps=1e-8):
    for name in params:
        g = grads[name]
        state[name] = alpha * state.get(name, 0.0) + (1 - alpha) * np.abs(g)
        params[name] -= lr * g / (state[name] + eps)
""",
    ),
    Mutant(
        "rmsprop_step",
        "average_kept_on_the_function",
        """
def rmsprop_step(params, grads, state, lr, alpha=0.99, eps=1e-8):
    averages = rmsprop_step.__dict__.setdefault("averages", {})
    for name in params:
        g = grads[name]
        averages[name] = alpha * averages.get(name, 0.0) + (1 - alpha) * g**2
        params[name] -= lr * g / (np.sqrt(averages[name]) + eps)
""",
        "disturbed each other",
    ),
    # --------------------------------------------------------------------------- adam_step
    Mutant(
        "adam_step",
        "counter_incremented_after_use",
        """
def adam_step(params, grads, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    for name in params:
        g = grads[name]
        s = state.setdefault(name, {"t": 0, "m": 0.0, "v": 0.0})
        s["m"] = beta1 * s["m"] + (1 - beta1) * g
        s["v"] = beta2 * s["v"] + (1 - beta2) * g**2
        m_hat = s["m"] / (1 - beta1 ** s["t"])
        v_hat = s["v"] / (1 - beta2 ** s["t"])
        s["t"] += 1
        params[name] -= lr * m_hat / (np.sqrt(v_hat) + eps)
""",
        "incremented after use",
    ),
    Mutant(
        "adam_step",
        "counter_off_by_one",
        """
def adam_step(params, grads, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    for name in params:
        g = grads[name]
        s = state.setdefault(name, {"t": 1, "m": 0.0, "v": 0.0})
        s["t"] += 1
        s["m"] = beta1 * s["m"] + (1 - beta1) * g
        s["v"] = beta2 * s["v"] + (1 - beta2) * g**2
        m_hat = s["m"] / (1 - beta1 ** s["t"])
        v_hat = s["v"] / (1 - beta2 ** s["t"])
        params[name] -= lr * m_hat / (np.sqrt(v_hat) + eps)
""",
        "off by one",
    ),
    Mutant(
        "adam_step",
        "no_bias_correction",
        """
def adam_step(params, grads, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    for name in params:
        g = grads[name]
        s = state.setdefault(name, {"m": 0.0, "v": 0.0})
        s["m"] = beta1 * s["m"] + (1 - beta1) * g
        s["v"] = beta2 * s["v"] + (1 - beta2) * g**2
        params[name] -= lr * s["m"] / (np.sqrt(s["v"]) + eps)
""",
        "no bias correction",
    ),
    Mutant(
        "adam_step",
        "eps_inside_sqrt",
        """
def adam_step(params, grads, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    for name in params:
        g = grads[name]
        s = state.setdefault(name, {"t": 0, "m": 0.0, "v": 0.0})
        s["t"] += 1
        s["m"] = beta1 * s["m"] + (1 - beta1) * g
        s["v"] = beta2 * s["v"] + (1 - beta2) * g**2
        m_hat = s["m"] / (1 - beta1 ** s["t"])
        v_hat = s["v"] / (1 - beta2 ** s["t"])
        params[name] -= lr * m_hat / np.sqrt(v_hat + eps)
""",
        "inside the square root",
    ),
    Mutant(
        "adam_step",
        "state_not_kept",
        """
def adam_step(params, grads, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    for name in params:
        g = grads[name]
        m = (1 - beta1) * g
        v = (1 - beta2) * g**2
        m_hat, v_hat = m / (1 - beta1), v / (1 - beta2)
        params[name] -= lr * m_hat / (np.sqrt(v_hat) + eps)
""",
        "not kept between calls",
    ),
    Mutant(
        "adam_step",
        "one_counter_per_parameter_update",
        """
def adam_step(params, grads, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    for name in params:
        g = grads[name]
        state["t"] = state.get("t", 0) + 1
        m, v = state.get(name, (0.0, 0.0))
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        state[name] = (m, v)
        m_hat = m / (1 - beta1 ** state["t"])
        v_hat = v / (1 - beta2 ** state["t"])
        params[name] -= lr * m_hat / (np.sqrt(v_hat) + eps)
""",
        "shared by all parameters",
    ),
    Mutant(
        "adam_step",
        "one_moment_pair_for_all_parameters",
        """
def adam_step(params, grads, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    state["t"] = t = state.get("t", 0) + 1
    for name in params:
        g = grads[name]
        state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * g
        state["v"] = beta2 * state.get("v", 0.0) + (1 - beta2) * g**2
        m_hat = state["m"] / (1 - beta1**t)
        v_hat = state["v"] / (1 - beta2**t)
        params[name] -= lr * m_hat / (np.sqrt(v_hat) + eps)
""",
        "shared by all parameters",
    ),
    Mutant(
        "adam_step",
        "not_in_place",
        """
def adam_step(params, grads, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    for name in params:
        g = grads[name]
        s = state.setdefault(name, {"t": 0, "m": 0.0, "v": 0.0})
        s["t"] += 1
        s["m"] = beta1 * s["m"] + (1 - beta1) * g
        s["v"] = beta2 * s["v"] + (1 - beta2) * g**2
        m_hat = s["m"] / (1 - beta1 ** s["t"])
        v_hat = s["v"] / (1 - beta2 ** s["t"])
        params[name] = params[name] - lr * m_hat / (np.sqrt(v_hat) + eps)
""",
        "not in place",
    ),
    Mutant(
        "adam_step",
        "state_in_default_argument",
        """
def adam_step(params, grads, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, _s={}):
    for name in params:
        g = grads[name]
        s = _s.setdefault(name, {"t": 0, "m": 0.0, "v": 0.0})
        s["t"] += 1
        s["m"] = beta1 * s["m"] + (1 - beta1) * g
        s["v"] = beta2 * s["v"] + (1 - beta2) * g**2
        m_hat = s["m"] / (1 - beta1 ** s["t"])
        v_hat = s["v"] / (1 - beta2 ** s["t"])
        params[name] -= lr * m_hat / (np.sqrt(v_hat) + eps)
""",
        "disturbed each other",
    ),
    Mutant(
        "adam_step",
        "bias_correction_on_m_only",
        """
def adam_step(params, grads, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    for name in params:
        g = grads[name]
        s = state.setdefault(name, {"t": 0, "m": 0.0, "v": 0.0})
        s["t"] += 1
        s["m"] = beta1 * s["m"] + (1 - beta1) * g
        s["v"] = beta2 * s["v"] + (1 - beta2) * g**2
        params[name] -= lr * s["m"] / (1 - beta1 ** s["t"]) / (np.sqrt(s["v"]) + eps)
""",
    ),
    Mutant(
        "adam_step",
        "wrong_default_beta2",
        """
def adam_step(params, grads, state, lr=1e-3, beta1=0.9, beta2=0.99, eps=1e-8):
    for name in params:
        g = grads[name]
        s = state.setdefault(name, {"t": 0, "m": 0.0, "v": 0.0})
        s["t"] += 1
        s["m"] = beta1 * s["m"] + (1 - beta1) * g
        s["v"] = beta2 * s["v"] + (1 - beta2) * g**2
        m_hat = s["m"] / (1 - beta1 ** s["t"])
        v_hat = s["v"] / (1 - beta2 ** s["t"])
        params[name] -= lr * m_hat / (np.sqrt(v_hat) + eps)
""",
        "default values",
    ),
    Mutant(
        "adam_step",
        "first_moment_aliases_gradient",
        """
def adam_step(params, grads, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    for name in params:
        g = grads[name]
        if name not in state:
            state[name] = {"t": 0, "m": g, "v": 0.0}
            state[name]["m"] *= 1 - beta1
        else:
            state[name]["m"] = beta1 * state[name]["m"] + (1 - beta1) * g
        s = state[name]
        s["t"] += 1
        s["v"] = beta2 * s["v"] + (1 - beta2) * g**2
        m_hat = s["m"] / (1 - beta1 ** s["t"])
        v_hat = s["v"] / (1 - beta2 ** s["t"])
        params[name] -= lr * m_hat / (np.sqrt(v_hat) + eps)
""",
        "modified its input",
    ),
    # -------------------------------------------------------------------------- rosenbrock
    Mutant(
        "rosenbrock",
        "dx_first_term_sign",
        """
def rosenbrock(params, a=1.0, b=100.0):
    x, y = params["w"]
    r = y - x**2
    return float((a - x) ** 2 + b * r**2), {"w": np.array([2 * (a - x) + 4 * b * x * r, 2 * b * r])}
""",
        "wrong sign",
    ),
    Mutant(
        "rosenbrock",
        "chain_rule_factor_missing",
        """
def rosenbrock(params, a=1.0, b=100.0):
    x, y = params["w"]
    r = y - x**2
    grad = np.array([-2 * (a - x) - 2 * b * x * r, 2 * b * r])
    return float((a - x) ** 2 + b * r**2), {"w": grad}
""",
    ),
    Mutant(
        "rosenbrock",
        "ignores_a_and_b",
        """
def rosenbrock(params, a=1.0, b=100.0):
    x, y = params["w"]
    r = y - x**2
    return float((1 - x) ** 2 + 100 * r**2), {"w": np.array([-2 * (1 - x) - 400 * x * r, 200 * r])}
""",
        "Use the arguments a and b",
    ),
    Mutant(
        "rosenbrock",
        "gradient_not_in_a_dict",
        """
def rosenbrock(params, a=1.0, b=100.0):
    x, y = params["w"]
    r = y - x**2
    return float((a - x) ** 2 + b * r**2), np.array([-2 * (a - x) - 4 * b * x * r, 2 * b * r])
""",
        "should be a dict",
    ),
    Mutant(
        "rosenbrock",
        "writes_gradient_into_params",
        """
def rosenbrock(params, a=1.0, b=100.0):
    w = params["w"]
    x, y = w
    r = y - x**2
    loss = float((a - x) ** 2 + b * r**2)
    w[0], w[1] = -2 * (a - x) - 4 * b * x * r, 2 * b * r
    return loss, {"w": w}
""",
        "modified its input",
    ),
    # ----------------------------------------------------------------------- run_optimizer
    Mutant(
        "run_optimizer",
        "no_final_loss",
        """
def run_optimizer(step, loss_and_grads, params, n_steps, **hyper):
    state, losses, path = {}, [], []
    for _ in range(n_steps):
        loss, grads = loss_and_grads(params)
        losses.append(float(loss))
        path.append(np.concatenate([p.ravel() for p in params.values()]))
        step(params, grads, state, **hyper)
    return np.array(losses), np.array(path)
""",
        "the loss at the start",
    ),
    Mutant(
        "run_optimizer",
        "state_in_default_argument",
        """
def run_optimizer(step, loss_and_grads, params, n_steps, state={}, **hyper):
    losses, path = [], []
    for i in range(n_steps + 1):
        loss, grads = loss_and_grads(params)
        losses.append(float(loss))
        path.append(np.concatenate([p.ravel() for p in params.values()]))
        if i < n_steps:
            step(params, grads, state, **hyper)
    return np.array(losses), np.array(path)
""",
        "not empty",
    ),
    Mutant(
        "run_optimizer",
        "new_state_every_step",
        """
def run_optimizer(step, loss_and_grads, params, n_steps, **hyper):
    losses, path = [], []
    for i in range(n_steps + 1):
        loss, grads = loss_and_grads(params)
        losses.append(float(loss))
        path.append(np.concatenate([p.ravel() for p in params.values()]))
        if i < n_steps:
            step(params, grads, {}, **hyper)
    return np.array(losses), np.array(path)
""",
        "different state dicts",
    ),
    Mutant(
        "run_optimizer",
        "path_rows_are_views",
        """
def run_optimizer(step, loss_and_grads, params, n_steps, **hyper):
    state, losses, path = {}, [], []
    for i in range(n_steps + 1):
        loss, grads = loss_and_grads(params)
        losses.append(float(loss))
        path.append(params["w"])
        if i < n_steps:
            step(params, grads, state, **hyper)
    return np.array(losses), np.array(path)
""",
        "views of the parameter arrays",
    ),
    Mutant(
        "run_optimizer",
        "hyperparameters_dropped",
        """
def run_optimizer(step, loss_and_grads, params, n_steps, **hyper):
    state, losses, path = {}, [], []
    for i in range(n_steps + 1):
        loss, grads = loss_and_grads(params)
        losses.append(float(loss))
        path.append(np.concatenate([p.ravel() for p in params.values()]))
        if i < n_steps:
            step(params, grads, state)
    return np.array(losses), np.array(path)
""",
        "pass the hyper-parameters on",
    ),
    Mutant(
        "run_optimizer",
        "works_on_a_copy",
        """
def run_optimizer(step, loss_and_grads, params, n_steps, **hyper):
    params = {k: v.copy() for k, v in params.items()}
    state, losses, path = {}, [], []
    for i in range(n_steps + 1):
        loss, grads = loss_and_grads(params)
        losses.append(float(loss))
        path.append(np.concatenate([p.ravel() for p in params.values()]))
        if i < n_steps:
            step(params, grads, state, **hyper)
    return np.array(losses), np.array(path)
""",
        "in place",
    ),
    Mutant(
        "run_optimizer",
        "loss_recorded_after_each_step",
        """
def run_optimizer(step, loss_and_grads, params, n_steps, **hyper):
    state, losses, path = {}, [], []
    for _ in range(n_steps):
        _, grads = loss_and_grads(params)
        step(params, grads, state, **hyper)
        losses.append(float(loss_and_grads(params)[0]))
        path.append(np.concatenate([p.ravel() for p in params.values()]))
    losses.append(losses[-1] if losses else float(loss_and_grads(params)[0]))
    path.append(np.concatenate([p.ravel() for p in params.values()]))
    return np.array(losses), np.array(path)
""",
        "recorded after its step",
    ),
    Mutant(
        "run_optimizer",
        "state_kept_on_the_function",
        """
def run_optimizer(step, loss_and_grads, params, n_steps, **hyper):
    state = run_optimizer.__dict__.setdefault("state", {})
    losses, path = [], []
    for i in range(n_steps + 1):
        loss, grads = loss_and_grads(params)
        losses.append(float(loss))
        path.append(np.concatenate([p.ravel() for p in params.values()]))
        if i < n_steps:
            step(params, grads, state, **hyper)
    return np.array(losses), np.array(path)
""",
        "not empty",
    ),
]

EQUIVALENTS = [
    # Right answers written differently from the solution: each must score full marks.
    Mutant(
        "sgd_momentum_step",
        "velocity_formulation",
        """
def sgd_momentum_step(params, grads, state, lr, momentum):
    for name in params:
        if name not in state:
            state[name] = -lr * grads[name]
        else:
            state[name] = momentum * state[name] - lr * grads[name]
        params[name] += state[name]
""",
    ),
]

QUESTIONS = {
    # The question that grades each function: a mistake in it may cost points there only.
    "sgd_momentum_step": "q_sgd_momentum",
    "rmsprop_step": "q_rmsprop",
    "adam_step": "q_adam",
    "rosenbrock": "q_rosenbrock",
    "run_optimizer": "q_run_optimizer",
}
