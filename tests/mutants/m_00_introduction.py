"""Mutants of 00_introduction: plausible wrong versions of every graded function."""

from tests.mutants.catalogue import Mutant


def _graph_backward(de: str, ds: str, grads: str) -> str:
    """Source of a graph_backward with the given dL/de, dL/ds and returned dict."""
    return (
        "def graph_backward(w, x, b, t):\n"
        "    v = graph_forward(w, x, b, t)\n"
        f"    de = {de}\n"
        f"    ds = {ds}\n"
        f"    return {grads}\n"
    )


_DE = "2 * v['e']"
_DS = "de * v['a'] * (1 - v['a'])"
_GRADS = "{'dw': ds * x, 'dx': ds * w, 'db': ds, 'dt': -de}"

MUTANTS = [
    # ------------------------------------------------------------------ neuron_forward
    Mutant(
        "neuron_forward",
        "no_bias",
        "def neuron_forward(x, w, b, activation):\n    return activation(np.dot(w, x))\n",
        mistake="bias term is missing",
    ),
    Mutant(
        "neuron_forward",
        "no_activation",
        "def neuron_forward(x, w, b, activation):\n    return np.dot(w, x) + b\n",
        mistake="forgot to apply `activation`",
    ),
    Mutant(
        "neuron_forward",
        "no_sum",
        "def neuron_forward(x, w, b, activation):\n    return activation(w * x + b)\n",
        mistake="single number",
    ),
    Mutant(
        "neuron_forward",
        "activation_on_inputs",
        "def neuron_forward(x, w, b, activation):\n    return np.dot(w, activation(x)) + b\n",
        mistake="to the inputs x",
    ),
    Mutant(
        "neuron_forward",
        "scales_x_in_place",
        "def neuron_forward(x, w, b, activation):\n"
        "    x *= w\n"
        "    return activation(x.sum() + b)\n",
        mistake="modified its input",
    ),
    # ------------------------------------------------------------------ sigmoid
    Mutant(
        "sigmoid",
        "unstable_exp_ratio",
        "def sigmoid(z):\n    return np.exp(z) / (1 + np.exp(z))\n",
        mistake="NaN/inf",
    ),
    Mutant(
        "sigmoid",
        "sign_flipped",
        "def sigmoid(z):\n    return 1 / (1 + np.exp(z))\n",
        mistake="sign in the exponent",
    ),
    Mutant(
        "sigmoid",
        "negates_in_place",
        "def sigmoid(z):\n"
        "    z = np.asarray(z, dtype=float)\n"
        "    np.negative(z, out=z)\n"
        "    return 1 / (1 + np.exp(z))\n",
        mistake="modified its input",
    ),
    # ------------------------------------------------------------------ sigmoid_derivative
    Mutant(
        "sigmoid_derivative",
        "formula_on_input",
        "def sigmoid_derivative(z):\n    return z * (1 - z)\n",
        mistake="OUTPUT",
    ),
    Mutant(
        "sigmoid_derivative",
        "returns_sigmoid",
        "def sigmoid_derivative(z):\n    return sigmoid(z)\n",
        mistake="not its derivative",
    ),
    Mutant(
        "sigmoid_derivative",
        "sigmoid_twice",
        "def sigmoid_derivative(z):\n    a = sigmoid(sigmoid(z))\n    return a * (1 - a)\n",
        mistake="sigmoid twice",
    ),
    Mutant(
        "sigmoid_derivative",
        "denominator_not_squared",
        "def sigmoid_derivative(z):\n    return np.exp(-z) / (1 + np.exp(-z))\n",
        mistake="1 - sigmoid(z)",
    ),
    # ------------------------------------------------------------------ relu
    Mutant(
        "relu",
        "in_place",
        "def relu(z):\n    z = np.asarray(z, dtype=float)\n    z[z < 0] = 0\n    return z\n",
        mistake="modified its input",
    ),
    Mutant(
        "relu",
        "minimum",
        "def relu(z):\n    return np.minimum(z, 0)\n",
        mistake="not np.minimum",
    ),
    Mutant(
        "relu", "absolute_value", "def relu(z):\n    return np.abs(z)\n", mistake="absolute value"
    ),
    # ------------------------------------------------------------------ relu_derivative
    Mutant(
        "relu_derivative",
        "one_at_zero",
        "def relu_derivative(z):\n    return (np.asarray(z) >= 0).astype(float)\n",
        mistake="exactly 0",
    ),
    Mutant(
        "relu_derivative",
        "returns_relu",
        "def relu_derivative(z):\n    return np.maximum(z, 0)\n",
        mistake="relu(z) itself",
    ),
    Mutant(
        "relu_derivative",
        "half_at_zero",
        "def relu_derivative(z):\n    return 0.5 * (np.sign(z) + 1)\n",
        mistake="exactly 0",
    ),
    # ------------------------------------------------------------------ graph_forward
    Mutant(
        "graph_forward",
        "loss_not_squared",
        "def graph_forward(w, x, b, t):\n"
        "    p = w * x\n    s = p + b\n    a = float(sigmoid(s))\n    e = a - t\n"
        "    return {'p': p, 's': s, 'a': a, 'e': e, 'L': abs(e)}\n",
        mistake="SQUARED error",
    ),
    Mutant(
        "graph_forward",
        "error_sign",
        "def graph_forward(w, x, b, t):\n"
        "    p = w * x\n    s = p + b\n    a = float(sigmoid(s))\n    e = t - a\n"
        "    return {'p': p, 's': s, 'a': a, 'e': e, 'L': e ** 2}\n",
        mistake="wrong sign",
    ),
    Mutant(
        "graph_forward",
        "no_bias",
        "def graph_forward(w, x, b, t):\n"
        "    p = w * x\n    s = p\n    a = float(sigmoid(s))\n    e = a - t\n"
        "    return {'p': p, 's': s, 'a': a, 'e': e, 'L': e ** 2}\n",
        mistake="bias is missing",
    ),
    # ------------------------------------------------------------------ graph_backward
    Mutant(
        "graph_backward",
        "missing_factor_2",
        _graph_backward("v['e']", _DS, _GRADS),
        mistake="factor 2 is missing",
    ),
    Mutant(
        "graph_backward",
        "sigmoid_derivative_of_output",
        _graph_backward(_DE, "de * sigmoid_derivative(v['a'])", _GRADS),
        mistake="instead of the forward value a",
    ),
    Mutant(
        "graph_backward",
        "multiply_gate_not_swapped",
        _graph_backward(_DE, _DS, "{'dw': ds * w, 'dx': ds * x, 'db': ds, 'dt': -de}"),
        mistake="OTHER input",
    ),
    Mutant(
        "graph_backward",
        "target_gradient_sign",
        _graph_backward(_DE, _DS, "{'dw': ds * x, 'dx': ds * w, 'db': ds, 'dt': de}"),
        mistake="wrong sign",
    ),
    Mutant(
        "graph_backward",
        "local_gradient_only",
        _graph_backward(_DE, _DS, "{'dw': x, 'dx': w, 'db': ds, 'dt': -de}"),
        mistake="local gradient",
    ),
    # ------------------------------------------------------------------ layer_forward_loop
    Mutant(
        "layer_forward_loop",
        "bias_per_row",
        "def layer_forward_loop(X, W, b):\n"
        "    Z = np.zeros((X.shape[0], W.shape[1]))\n"
        "    for n in range(X.shape[0]):\n"
        "        for m in range(W.shape[1]):\n"
        "            Z[n, m] = np.dot(X[n], W[:, m]) + b[n]\n"
        "    return Z\n",
        mistake="per example (row)",
    ),
    Mutant(
        "layer_forward_loop",
        "no_bias",
        "def layer_forward_loop(X, W, b):\n"
        "    Z = np.zeros((X.shape[0], W.shape[1]))\n"
        "    for n in range(X.shape[0]):\n"
        "        for m in range(W.shape[1]):\n"
        "            Z[n, m] = np.dot(X[n], W[:, m])\n"
        "    return Z\n",
        mistake="term is missing",
    ),
    Mutant(
        "layer_forward_loop",
        "last_example_only",
        "def layer_forward_loop(X, W, b):\n"
        "    Z = np.zeros((X.shape[0], W.shape[1]))\n"
        "    for n in range(X.shape[0]):\n"
        "        for m in range(W.shape[1]):\n"
        "            Z[-1, m] = np.dot(X[n], W[:, m]) + b[m]\n"
        "    return Z\n",
        mistake="last row of Z",
    ),
    # ------------------------------------------------------------------ layer_forward
    Mutant(
        "layer_forward",
        "bias_per_row",
        "def layer_forward(X, W, b):\n    return X @ W + b[:, None]\n",
        mistake="per example (row)",
    ),
    Mutant(
        "layer_forward",
        "no_bias",
        "def layer_forward(X, W, b):\n    return X @ W\n",
        mistake="term is missing",
    ),
    Mutant(
        "layer_forward",
        "bias_summed",
        "def layer_forward(X, W, b):\n    return X @ W + b.sum()\n",
        mistake="summed into one number",
    ),
    Mutant(
        "layer_forward",
        "adds_bias_into_X",
        "def layer_forward(X, W, b):\n"
        "    X += b.mean()\n"
        "    return X @ W + b - b.mean() * W.sum(axis=0)\n",
        mistake="modified its input",
    ),
]

# The questions that grade each function: a mutant may cost only these (one mistake costs once).
QUESTIONS = {
    "neuron_forward": "q_neuron",
    "sigmoid": "q_sigmoid",
    "sigmoid_derivative": "q_sigmoid",
    "relu": "q_relu",
    "relu_derivative": "q_relu",
    "graph_forward": "q_graph",
    "graph_backward": "q_graph",
    "layer_forward_loop": "q_layer",
    "layer_forward": "q_layer",
}

EQUIVALENTS = [
    # Right answers written differently from the solution: each must score full marks.
    Mutant(
        "neuron_forward",
        "sum_of_products",
        "def neuron_forward(x, w, b, activation):\n"
        "    return activation(sum(wi * xi for wi, xi in zip(w, x)) + b)\n",
    ),
    Mutant(
        "sigmoid",
        "scipy_expit",
        "from scipy.special import expit\n\n\n"
        "def sigmoid(z):\n    return expit(np.asarray(z, dtype=float))\n",
    ),
    Mutant(
        "relu",
        "clip_below_at_zero",
        "def relu(z):\n    return np.clip(np.asarray(z, dtype=float), 0.0, None)\n",
    ),
    Mutant(
        "relu_derivative",
        "where_positive",
        "def relu_derivative(z):\n    return np.where(np.asarray(z) > 0, 1.0, 0.0)\n",
    ),
    Mutant(
        "graph_backward",
        "sigmoid_derivative_of_s",
        "def graph_backward(w, x, b, t):\n"
        "    s = w * x + b\n"
        "    de = 2 * (float(sigmoid(s)) - t)\n"
        "    ds = de * float(sigmoid_derivative(s))\n"
        "    return {'dw': ds * x, 'dx': ds * w, 'db': ds, 'dt': -de}\n",
    ),
    Mutant(
        "layer_forward",
        "einsum",
        "def layer_forward(X, W, b):\n    return np.einsum('nd,dm->nm', X, W) + b\n",
    ),
]
