"""Synthetic classes for the similarity report (its tests and benchmarks/similarity.py).

`independent_class(handout, n, seed)` writes `n` students of assignment 01 who did not copy: each
answer function's body is one of several hand-written ways to write it (`BODIES`), the same
student's local names in one naming style of several, and comments of their own. Independent
students still write some functions the same way (there are only so many ways to write
`tanh_forward`), as a real class does. `disguised_copy(notebook, seed)` is what a student who
copies does to hide it: every local name renamed, the functions of each answer cell in reverse
order, the answer cells' order within the notebook kept (the questions fix it), comments
replaced.

Notebooks are nbformat-4 dicts, as `json.loads` of the handout gives; nothing is executed.
"""

from __future__ import annotations

import ast
import copy
import io
import random
import tokenize
from typing import Any

ANSWER_TAG = "otter_answer_cell"

# Bodies (4-space indented, without the handout's docstring) per answer function of assignment
# 01_nn_from_scratch: different ways students write each one.
BODIES: dict[str, list[str]] = {
    "dense_forward": [
        "return X @ W + b",
        "Z = np.dot(X, W) + b\nreturn Z",
        "out = X.dot(W)\nout = out + b.reshape(1, -1)\nreturn out",
    ],
    "dense_backward": [
        "dX = dZ @ W.T\ndW = X.T @ dZ\ndb = dZ.sum(axis=0)\nreturn dX, dW, db",
        "return np.dot(dZ, W.T), np.dot(X.T, dZ), np.sum(dZ, axis=0)",
        "grad_input = dZ.dot(W.transpose())\ngrad_weights = X.transpose().dot(dZ)\n"
        "grad_bias = np.sum(dZ, axis=0, keepdims=False)\n"
        "return grad_input, grad_weights, grad_bias",
    ],
    "relu_forward": [
        "return np.maximum(Z, 0.0)",
        "A = Z.copy()\nA[A < 0] = 0\nreturn A",
        "return np.where(Z > 0, Z, 0.0)",
    ],
    "relu_backward": [
        "return dA * (Z > 0)",
        "dZ = np.array(dA, copy=True)\ndZ[Z <= 0] = 0\nreturn dZ",
        "mask = (Z > 0).astype(dA.dtype)\nreturn mask * dA",
    ],
    "sigmoid_forward": [
        "return np.exp(-np.logaddexp(0.0, -Z))",
        "out = np.empty_like(Z, dtype=float)\npos = Z >= 0\nout[pos] = 1 / (1 + np.exp(-Z[pos]))\n"
        "e = np.exp(Z[~pos])\nout[~pos] = e / (1 + e)\nreturn out",
        "return 0.5 * (1 + np.tanh(0.5 * Z))",
    ],
    "sigmoid_backward": [
        "return dA * A * (1.0 - A)",
        "local = A * (1 - A)\nreturn dA * local",
        "dZ = dA * A\ndZ = dZ * (1 - A)\nreturn dZ",
    ],
    "tanh_forward": [
        "return np.tanh(Z)",
        "e2 = np.exp(-2 * np.abs(Z))\nreturn np.sign(Z) * (1 - e2) / (1 + e2)",
    ],
    "tanh_backward": [
        "return dA * (1.0 - A**2)",
        "return dA * (1 - np.square(A))",
        "deriv = 1 - A * A\nreturn deriv * dA",
    ],
    "softmax": [
        "E = np.exp(Z - Z.max(axis=1, keepdims=True))\nreturn E / E.sum(axis=1, keepdims=True)",
        "shifted = Z - np.max(Z, axis=1, keepdims=True)\nexps = np.exp(shifted)\n"
        "sums = np.sum(exps, axis=1, keepdims=True)\nreturn exps / sums",
        "P = np.zeros_like(Z, dtype=float)\nfor i in range(Z.shape[0]):\n"
        "    row = Z[i] - np.max(Z[i])\n    P[i] = np.exp(row) / np.sum(np.exp(row))\nreturn P",
    ],
    "cross_entropy_loss": [
        "N = Z.shape[0]\nrows = np.arange(N)\nshifted = Z - Z.max(axis=1, keepdims=True)\n"
        "log_sum_exp = np.log(np.exp(shifted).sum(axis=1))\n"
        "loss = np.mean(log_sum_exp - shifted[rows, y])\ndZ = softmax(Z)\ndZ[rows, y] -= 1.0\n"
        "return float(loss), dZ / N",
        "n = len(y)\nP = softmax(Z)\nlogp = -np.log(P[np.arange(n), y] + 1e-12)\n"
        "loss = logp.sum() / n\nonehot = np.zeros_like(P)\nonehot[np.arange(n), y] = 1\n"
        "grad = (P - onehot) / n\nreturn float(loss), grad",
        "total = 0.0\ngrad = softmax(Z)\nfor i, label in enumerate(y):\n"
        "    m = np.max(Z[i])\n    lse = m + np.log(np.sum(np.exp(Z[i] - m)))\n"
        "    total += lse - Z[i, label]\n    grad[i, label] -= 1\n"
        "return total / Z.shape[0], grad / Z.shape[0]",
    ],
    "mse_loss": [
        "diff = Y_hat - Y\nreturn float(np.mean(diff**2)), 2.0 * diff / diff.size",
        "N, M = Y.shape\nerr = Y_hat - Y\nloss = np.sum(err * err) / (N * M)\n"
        "grad = 2 * err / (N * M)\nreturn float(loss), grad",
        "loss = ((Y_hat - Y) ** 2).mean()\ngrad = (Y_hat - Y) * (2 / Y.size)\nreturn loss, grad",
    ],
    "numerical_gradient": [
        "grad = np.zeros(x.shape, dtype=np.float64)\nfor idx in np.ndindex(x.shape):\n"
        "    original = x[idx]\n    x[idx] = original + h\n    f_plus = f(x)\n"
        "    x[idx] = original - h\n    f_minus = f(x)\n    x[idx] = original\n"
        "    grad[idx] = (f_plus - f_minus) / (2 * h)\nreturn grad",
        "grad = np.zeros_like(x, dtype=float)\nit = np.nditer(x, flags=['multi_index'])\n"
        "while not it.finished:\n    i = it.multi_index\n    old = x[i]\n    x[i] = old + h\n"
        "    up = f(x)\n    x[i] = old - h\n    down = f(x)\n    x[i] = old\n"
        "    grad[i] = (up - down) / (2 * h)\n    it.iternext()\nreturn grad",
        "flat = x.reshape(-1)\ng = np.zeros(flat.size)\nfor k in range(flat.size):\n"
        "    keep = flat[k]\n    flat[k] = keep + h\n    a = f(x)\n    flat[k] = keep - h\n"
        "    c = f(x)\n    flat[k] = keep\n    g[k] = (a - c) / (2 * h)\nreturn g.reshape(x.shape)",
    ],
    "sgd_step": [
        "for name in params:\n    params[name] -= lr * grads[name]",
        "for key, value in params.items():\n    value -= lr * grads[key]",
        "for k in list(params.keys()):\n    np.subtract(params[k], lr * grads[k], out=params[k])",
    ],
    "init_two_layer": [
        'rng = np.random.default_rng(seed)\nreturn {\n    "W1": rng.normal(0.0, np.sqrt(2.0 / D), '
        'size=(D, H)),\n    "b1": np.zeros(H),\n    "W2": rng.normal(0.0, np.sqrt(2.0 / H), '
        'size=(H, C)),\n    "b2": np.zeros(C),\n}',
        "gen = np.random.default_rng(seed)\nW1 = gen.standard_normal((D, H)) * np.sqrt(2 / D)\n"
        "W2 = gen.standard_normal((H, C)) * np.sqrt(2 / H)\n"
        "return dict(W1=W1, b1=np.zeros(H), W2=W2, b2=np.zeros(C))",
        "r = np.random.default_rng(seed)\nparams = {}\n"
        'params["W1"] = r.normal(scale=(2 / D) ** 0.5, size=(D, H))\n'
        'params["b1"] = np.zeros((H,))\n'
        'params["W2"] = r.normal(scale=(2 / H) ** 0.5, size=(H, C))\n'
        'params["b2"] = np.zeros((C,))\n'
        "return params",
    ],
    "two_layer_forward": [
        'Z1 = dense_forward(X, params["W1"], params["b1"])\nA1 = relu_forward(Z1)\n'
        'logits = dense_forward(A1, params["W2"], params["b2"])\nreturn logits, (X, Z1, A1)',
        'hidden_pre = X @ params["W1"] + params["b1"]\nhidden = np.maximum(hidden_pre, 0)\n'
        'out = hidden @ params["W2"] + params["b2"]\n'
        'return out, {"X": X, "pre": hidden_pre, "h": hidden}',
        'W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]\n'
        "a = relu_forward(dense_forward(X, W1, b1))\nreturn dense_forward(a, W2, b2), (X, a)",
    ],
    "two_layer_backward": [
        'X, Z1, A1 = cache\ndA1, dW2, db2 = dense_backward(dlogits, A1, params["W2"])\n'
        'dZ1 = relu_backward(dA1, Z1)\n_, dW1, db1 = dense_backward(dZ1, X, params["W1"])\n'
        'return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}',
        'X, h_pre, h = cache["X"], cache["pre"], cache["h"]\ngrads = {}\n'
        'grads["W2"] = h.T @ dlogits\ngrads["b2"] = dlogits.sum(axis=0)\n'
        'dh = dlogits @ params["W2"].T\ndh[h_pre <= 0] = 0\ngrads["W1"] = X.T @ dh\n'
        'grads["b1"] = dh.sum(axis=0)\nreturn grads',
        'X, a = cache\nda, gW2, gb2 = dense_backward(dlogits, a, params["W2"])\n'
        'dpre = da * (a > 0)\n_, gW1, gb1 = dense_backward(dpre, X, params["W1"])\n'
        "return dict(W1=gW1, b1=gb1, W2=gW2, b2=gb2)",
    ],
    "train_step": [
        "logits, cache = two_layer_forward(X, params)\n"
        "loss, dlogits = cross_entropy_loss(logits, y)\n"
        "sgd_step(params, two_layer_backward(dlogits, cache, params), lr)\nreturn loss",
        "out, c = two_layer_forward(X, params)\nl, g = cross_entropy_loss(out, y)\n"
        "grads = two_layer_backward(g, c, params)\nsgd_step(params, grads, lr)\nreturn float(l)",
    ],
    "train_two_layer": [
        "rng = np.random.default_rng(seed)\nN, D = X.shape\n"
        "params = init_two_layer(D, hidden, int(y.max()) + 1, seed)\nlosses = []\n"
        "for epoch in range(epochs):\n    order = rng.permutation(N)\n    batch_losses = []\n"
        "    for start in range(0, N, batch_size):\n"
        "        idx = order[start : start + batch_size]\n"
        "        batch_losses.append(train_step(params, X[idx], y[idx], lr))\n"
        "    losses.append(float(np.mean(batch_losses)))\nreturn params, losses",
        "gen = np.random.default_rng(seed)\nn_classes = int(np.max(y)) + 1\n"
        "params = init_two_layer(X.shape[1], hidden, n_classes, seed)\nhistory = []\n"
        "for _ in range(epochs):\n    perm = gen.permutation(len(X))\n    total, count = 0.0, 0\n"
        "    for i in range(0, len(X), batch_size):\n        b = perm[i:i + batch_size]\n"
        "        total += train_step(params, X[b], y[b], lr)\n        count += 1\n"
        "    history.append(total / count)\nreturn params, history",
        "r = np.random.default_rng(seed)\n"
        "params = init_two_layer(X.shape[1], hidden, y.max() + 1, seed)\n"
        "epoch_losses = []\nepoch = 0\nwhile epoch < epochs:\n"
        "    shuffled = r.permutation(X.shape[0])\n"
        "    Xs, ys = X[shuffled], y[shuffled]\n    ls = [train_step(params, Xs[s:s + batch_size], "
        "ys[s:s + batch_size], lr)\n          for s in range(0, X.shape[0], batch_size)]\n"
        "    epoch_losses.append(sum(ls) / len(ls))\n    epoch += 1\nreturn params, epoch_losses",
    ],
}

COMMENTS = [
    "# compute the result",
    "# TODO double-check the shapes",
    "# vectorised, no loops",
    "# see lecture 3",
    "# this took me a while",
    "# works on the public tests",
]
NAME_STYLES = ("{}", "{}_", "my_{}", "{}_val", "tmp_{}")


def answer_cells(notebook: dict[str, Any]) -> list[dict[str, Any]]:
    """The cells students fill in (tagged `otter_answer_cell`), in order."""
    return [
        cell
        for cell in notebook["cells"]
        if cell["cell_type"] == "code" and ANSWER_TAG in cell.get("metadata", {}).get("tags", [])
    ]


def _source(cell: dict[str, Any]) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def _indent(body: str) -> str:
    return "".join(f"    {line}" if line.strip() else line for line in body.splitlines(True))


def _fill(cell_source: str, bodies: dict[str, str]) -> str:
    """The handout cell with each function's body after its docstring (`...`, or the starter
    code around it) replaced by `bodies[name]`."""
    lines = cell_source.splitlines()
    for node in sorted(ast.parse(cell_source).body, key=lambda n: -n.lineno):
        if isinstance(node, ast.FunctionDef) and node.name in bodies:
            first, last = node.body[1].lineno, node.body[-1].end_lineno
            lines[first - 1 : last] = _indent(bodies[node.name]).splitlines()
    return "\n".join(lines)


def _bound_names(tree: ast.AST) -> set[str]:
    """Names bound inside functions: parameters and assignment targets."""
    names: set[str] = set()
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef):
            names.update(a.arg for a in function.args.args)
            names.update(
                node.id
                for node in ast.walk(function)
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
            )
    return names - {"_"}


def _rename(source: str, new_name: dict[str, str]) -> str:
    """`source` with every NAME token (not an attribute) in `new_name` replaced."""
    lines = source.splitlines(True)
    previous = ""
    edits = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.NAME and token.string in new_name and previous != ".":
            edits.append(token)
        if token.type not in (tokenize.NL, tokenize.COMMENT):
            previous = token.string
    for token in reversed(edits):
        (row, col), (_, end) = token.start, token.end
        line = lines[row - 1]
        lines[row - 1] = line[:col] + new_name[token.string] + line[end:]
    return "".join(lines)


def _restyle(source: str, rng: random.Random, style: str) -> str:
    """Local names in `style`, one comment of the student's own after each function's def."""
    names = _bound_names(ast.parse(source))
    source = _rename(source, {name: style.format(name) for name in names if style != "{}"})
    out = []
    for line in source.splitlines():
        out.append(line)
        if line.startswith("def ") and rng.random() < 0.5:
            out.append(f"    {rng.choice(COMMENTS)}")
    return "\n".join(out) + "\n"


def _with_sources(notebook: dict[str, Any], sources: list[str]) -> dict[str, Any]:
    result = copy.deepcopy(notebook)
    for cell, source in zip(answer_cells(result), sources, strict=True):
        cell["source"] = source
    return result


def independent_class(handout: dict[str, Any], n: int, seed: int = 0) -> list[dict[str, Any]]:
    """`n` students of 01_nn_from_scratch who wrote their own answers (see module doc)."""
    rng = random.Random(seed)
    students = []
    for _ in range(n):
        style = rng.choice(NAME_STYLES)
        bodies = {name: rng.choice(ways) for name, ways in BODIES.items()}
        sources = [_restyle(_fill(_source(c), bodies), rng, style) for c in answer_cells(handout)]
        students.append(_with_sources(handout, sources))
    return students


def _disguise(source: str, rng: random.Random) -> str:
    """One answer cell of a copier: functions reversed, locals renamed, comments replaced."""
    tree = ast.parse(source)
    lines = source.splitlines()
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    pieces = ["\n".join(lines[f.lineno - 1 : f.end_lineno]) for f in reversed(functions)]
    reordered = "\n\n\n".join(pieces) + "\n"
    names = sorted(_bound_names(ast.parse(reordered)))
    new_names = {name: f"v{rng.randrange(10**6)}_{i}" for i, name in enumerate(names)}
    renamed = _rename(reordered, new_names)
    out = []
    for line in renamed.splitlines():
        code = line.split("  #")[0].rstrip() if "  #" in line else line
        if code.strip().startswith("#"):
            continue
        out.append(code)
        if code.startswith("def "):
            out.append("    # my own implementation, written from scratch")
    return "\n".join(out) + "\n"


def disguised_copy(notebook: dict[str, Any], seed: int = 0) -> dict[str, Any]:
    """A copy of `notebook` renamed, reordered and re-commented (see module doc)."""
    rng = random.Random(seed)
    return _with_sources(notebook, [_disguise(_source(c), rng) for c in answer_cells(notebook)])
