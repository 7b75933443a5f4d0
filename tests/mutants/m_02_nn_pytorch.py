"""Mutants of 02_nn_pytorch: plausible wrong versions of every graded function and class.

`Mutant.source` must define a function, so the classes (TwoLayerNet, MoonsDataset) are mutated
as factory functions of the same name that build and return an instance of a wrong class; the
tests only ever call `TwoLayerNet(D, H, C)` and `MoonsDataset(X, y)`.
"""

from tests.mutants.catalogue import Mutant


def _net(init: str, forward: str) -> str:
    """Source of a TwoLayerNet factory with the given __init__ and forward bodies."""
    return (
        "def TwoLayerNet(D, H, C):\n"
        "    class Net(nn.Module):\n"
        "        def __init__(self):\n"
        "            super().__init__()\n"
        + "".join(f"            {line}\n" for line in init.split("\n"))
        + "        def forward(self, X):\n"
        + "".join(f"            {line}\n" for line in forward.split("\n"))
        + "    return Net()\n"
    )


_LAYERS = "self.fc1 = nn.Linear(D, H)\nself.fc2 = nn.Linear(H, C)"


def _dataset(init: str, length: str = "return len(self.y)") -> str:
    """Source of a MoonsDataset factory with the given __init__ body."""
    return (
        "def MoonsDataset(X, y):\n"
        "    class Data(Dataset):\n"
        "        def __init__(self):\n"
        + "".join(f"            {line}\n" for line in init.split("\n"))
        + "        def __len__(self):\n"
        f"            {length}\n"
        "        def __getitem__(self, i):\n"
        "            return self.X[i], self.y[i]\n"
        "    return Data()\n"
    )


def _load(body: str) -> str:
    return "def load_numpy_weights(model, params):\n" + "".join(
        f"    {line}\n" for line in body.split("\n")
    )


def _loss_and_grads(loss: str, grad_w: str, ret: str = "loss.item(), grads", zero: bool = True):
    return (
        "def loss_and_grads(model, X, y):\n"
        + ("    model.zero_grad()\n" if zero else "")
        + f"    loss = {loss}\n"
        "    loss.backward()\n"
        "    grads = {}\n"
        "    for layer, k in ((model.fc1, '1'), (model.fc2, '2')):\n"
        f"        grads['W' + k] = {grad_w}\n"
        "        grads['b' + k] = layer.bias.grad.numpy().copy()\n"
        f"    return {ret}\n"
    )


_CE = "nn.functional.cross_entropy(model(X), y)"
_GRAD_W = "layer.weight.grad.numpy().T.copy()"


def _step(body: str) -> str:
    return "def train_step(model, optimizer, loss_fn, X, y):\n" + "".join(
        f"    {line}\n" for line in body.split("\n")
    )


def _epoch(result: str, extra: str = "model.train()") -> str:
    return (
        "def train_epoch(model, loader, optimizer, loss_fn):\n"
        f"    {extra}\n"
        "    losses, sizes = [], []\n"
        "    for X, y in loader:\n"
        "        losses.append(train_step(model, optimizer, loss_fn, X, y))\n"
        "        sizes.append(len(y))\n"
        f"    return {result}\n"
    )


def _evaluate(body: str) -> str:
    return "def evaluate(model, X, y):\n" + "".join(f"    {line}\n" for line in body.split("\n"))


MUTANTS = [
    # ------------------------------------------------------------------ TwoLayerNet
    Mutant(
        "TwoLayerNet",
        "softmax_output",
        _net(_LAYERS, "return torch.softmax(self.fc2(torch.relu(self.fc1(X))), dim=1)"),
        mistake="softmax",
    ),
    Mutant(
        "TwoLayerNet",
        "no_relu",
        _net(_LAYERS, "return self.fc2(self.fc1(X))"),
        mistake="ReLU between fc1 and fc2 is missing",
    ),
    Mutant(
        "TwoLayerNet",
        "relu_after_output",
        _net(_LAYERS, "return torch.relu(self.fc2(torch.relu(self.fc1(X))))"),
        mistake="ReLU after fc2",
    ),
    Mutant(
        "TwoLayerNet",
        "sigmoid_hidden",
        _net(_LAYERS, "return self.fc2(torch.sigmoid(self.fc1(X)))"),
        mistake="hidden activation is a sigmoid",
    ),
    Mutant(
        "TwoLayerNet",
        "numpy_relu",
        _net(
            _LAYERS,
            "hidden = np.maximum(self.fc1(X).detach().numpy(), 0)\n"
            "return self.fc2(torch.from_numpy(hidden))",
        ),
        mistake="received no gradient",
    ),
    Mutant(
        "TwoLayerNet",
        "other_names",
        _net(
            "self.hidden = nn.Linear(D, H)\nself.out = nn.Linear(H, C)",
            "return self.out(torch.relu(self.hidden(X)))",
        ),
        mistake="fc1 and fc2",
    ),
    Mutant(
        "TwoLayerNet",
        "no_bias",
        _net(
            "self.fc1 = nn.Linear(D, H, bias=False)\nself.fc2 = nn.Linear(H, C, bias=False)",
            "return self.fc2(torch.relu(self.fc1(X)))",
        ),
        mistake="with a bias",
    ),
    Mutant(
        "TwoLayerNet",
        "linear_arguments_swapped",
        _net(
            "self.fc1 = nn.Linear(H, D)\nself.fc2 = nn.Linear(C, H)",
            "return self.fc2(torch.relu(self.fc1(X)))",
        ),
        mistake="out_features",
    ),
    # ------------------------------------------------------------------ load_numpy_weights
    Mutant(
        "load_numpy_weights",
        "missing_transpose",
        _load(
            "with torch.no_grad():\n"
            "    for layer, k in ((model.fc1, '1'), (model.fc2, '2')):\n"
            "        layer.weight.copy_(torch.as_tensor(params['W' + k]))\n"
            "        layer.bias.copy_(torch.as_tensor(params['b' + k]))\n"
            "return model"
        ),
        mistake="W1.T",
    ),
    Mutant(
        "load_numpy_weights",
        "new_parameters_without_transpose",
        _load(
            "model.fc1.weight = nn.Parameter(torch.as_tensor(params['W1']))\n"
            "model.fc1.bias = nn.Parameter(torch.as_tensor(params['b1']))\n"
            "model.fc2.weight = nn.Parameter(torch.as_tensor(params['W2']))\n"
            "model.fc2.bias = nn.Parameter(torch.as_tensor(params['b2']))\n"
            "return model"
        ),
        mistake="W1.T",
    ),
    Mutant(
        "load_numpy_weights",
        "new_parameters",
        _load(
            "model.fc1.weight = nn.Parameter(torch.as_tensor(params['W1'].T))\n"
            "model.fc1.bias = nn.Parameter(torch.as_tensor(params['b1']))\n"
            "model.fc2.weight = nn.Parameter(torch.as_tensor(params['W2'].T))\n"
            "model.fc2.bias = nn.Parameter(torch.as_tensor(params['b2']))\n"
            "return model"
        ),
        mistake="replaced the parameter tensors",
    ),
    Mutant(
        "load_numpy_weights",
        "no_no_grad",
        _load(
            "for layer, k in ((model.fc1, '1'), (model.fc2, '2')):\n"
            "    layer.weight.copy_(torch.as_tensor(params['W' + k].T))\n"
            "    layer.bias.copy_(torch.as_tensor(params['b' + k]))\n"
            "return model"
        ),
        mistake="torch.no_grad()",
    ),
    Mutant(
        "load_numpy_weights",
        "transposes_params_in_place",
        _load(
            "params['W1'], params['W2'] = params['W1'].T, params['W2'].T\n"
            "with torch.no_grad():\n"
            "    for layer, k in ((model.fc1, '1'), (model.fc2, '2')):\n"
            "        layer.weight.copy_(torch.as_tensor(params['W' + k]))\n"
            "        layer.bias.copy_(torch.as_tensor(params['b' + k]))\n"
            "return model"
        ),
        mistake="in place",
    ),
    Mutant(
        "load_numpy_weights",
        "returns_nothing",
        _load(
            "with torch.no_grad():\n"
            "    for layer, k in ((model.fc1, '1'), (model.fc2, '2')):\n"
            "        layer.weight.copy_(torch.as_tensor(params['W' + k].T))\n"
            "        layer.bias.copy_(torch.as_tensor(params['b' + k]))"
        ),
        mistake="return the model",
    ),
    Mutant(
        "load_numpy_weights",
        "weights_only",
        _load(
            "with torch.no_grad():\n"
            "    model.fc1.weight.copy_(torch.as_tensor(params['W1'].T))\n"
            "    model.fc2.weight.copy_(torch.as_tensor(params['W2'].T))\n"
            "return model"
        ),
        mistake="bias still holds",
    ),
    # ------------------------------------------------------------------ loss_and_grads
    Mutant(
        "loss_and_grads",
        "no_zero_grad",
        _loss_and_grads(_CE, _GRAD_W, zero=False),
        mistake="zero_grad",
    ),
    Mutant(
        "loss_and_grads",
        "weight_grad_not_transposed",
        _loss_and_grads(_CE, "layer.weight.grad.numpy().copy()"),
        mistake="transpose",
    ),
    Mutant(
        "loss_and_grads",
        "summed_loss",
        _loss_and_grads("nn.functional.cross_entropy(model(X), y, reduction='sum')", _GRAD_W),
        mistake="average over the batch",
    ),
    Mutant(
        "loss_and_grads",
        "softmax_before_loss",
        _loss_and_grads("nn.functional.cross_entropy(torch.softmax(model(X), dim=1), y)", _GRAD_W),
        mistake="softmax before the loss",
    ),
    Mutant(
        "loss_and_grads",
        "returns_tensors",
        _loss_and_grads(_CE, "layer.weight.grad.T.clone()"),
        mistake="NumPy array",
    ),
    Mutant(
        "loss_and_grads",
        "returns_loss_tensor",
        _loss_and_grads(_CE, _GRAD_W, ret="loss, grads"),
        mistake="Python float",
    ),
    Mutant(
        "loss_and_grads",
        "updates_parameters",
        "def loss_and_grads(model, X, y):\n"
        "    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n"
        "    optimizer.zero_grad()\n"
        "    loss = nn.functional.cross_entropy(model(X), y)\n"
        "    loss.backward()\n"
        "    grads = {'W1': model.fc1.weight.grad.numpy().T.copy(),\n"
        "             'b1': model.fc1.bias.grad.numpy().copy(),\n"
        "             'W2': model.fc2.weight.grad.numpy().T.copy(),\n"
        "             'b2': model.fc2.bias.grad.numpy().copy()}\n"
        "    optimizer.step()\n"
        "    return loss.item(), grads\n",
        mistake="changed the model's parameters",
    ),
    # ------------------------------------------------------------------ train_step
    Mutant(
        "train_step",
        "no_zero_grad",
        _step("loss = loss_fn(model(X), y)\nloss.backward()\noptimizer.step()\nreturn loss.item()"),
        mistake="zero_grad",
    ),
    Mutant(
        "train_step",
        "no_step",
        _step(
            "optimizer.zero_grad()\nloss = loss_fn(model(X), y)\nloss.backward()\n"
            "return loss.item()"
        ),
        mistake="optimizer.step()",
    ),
    Mutant(
        "train_step",
        "loss_after_step",
        _step(
            "optimizer.zero_grad()\nloss_fn(model(X), y).backward()\noptimizer.step()\n"
            "return loss_fn(model(X), y).item()"
        ),
        mistake="loss after the step",
    ),
    Mutant(
        "train_step",
        "hard_coded_loss",
        _step(
            "optimizer.zero_grad()\nloss = nn.functional.cross_entropy(model(X), y)\n"
            "loss.backward()\noptimizer.step()\nreturn loss.item()"
        ),
        mistake="you are given",
    ),
    Mutant(
        "train_step",
        "own_sgd_optimizer",
        _step(
            "sgd = torch.optim.SGD(model.parameters(), lr=optimizer.param_groups[0]['lr'])\n"
            "sgd.zero_grad()\nloss = loss_fn(model(X), y)\nloss.backward()\nsgd.step()\n"
            "return loss.item()"
        ),
        mistake="you are given",
    ),
    Mutant(
        "train_step",
        "returns_tensor",
        _step(
            "optimizer.zero_grad()\nloss = loss_fn(model(X), y)\nloss.backward()\n"
            "optimizer.step()\nreturn loss"
        ),
        mistake="Python float",
    ),
    Mutant(
        "train_step",
        "step_before_backward",
        _step(
            "optimizer.zero_grad()\nloss = loss_fn(model(X), y)\noptimizer.step()\n"
            "loss.backward()\nreturn loss.item()"
        ),
        mistake="after loss.backward()",
    ),
    # ------------------------------------------------------------------ MoonsDataset
    Mutant(
        "MoonsDataset",
        "forces_float32",
        _dataset(
            "self.X = torch.tensor(X, dtype=torch.float32)\n"
            "self.y = torch.as_tensor(y, dtype=torch.int64)"
        ),
        mistake="dtype",
    ),
    Mutant(
        "MoonsDataset",
        "float_labels",
        _dataset("self.X = torch.as_tensor(X)\nself.y = torch.as_tensor(y, dtype=torch.float32)"),
        mistake="int64",
    ),
    Mutant(
        "MoonsDataset",
        "length_is_features",
        _dataset(
            "self.X = torch.as_tensor(X)\nself.y = torch.as_tensor(y, dtype=torch.int64)",
            length="return self.X.shape[1]",
        ),
        mistake="number of examples",
    ),
    # ------------------------------------------------------------------ make_loader
    Mutant(
        "make_loader",
        "unseeded",
        "def make_loader(X, y, batch_size, shuffle, seed):\n"
        "    return DataLoader(MoonsDataset(X, y), batch_size=batch_size, shuffle=shuffle)\n",
        mistake="generator",
    ),
    Mutant(
        "make_loader",
        "global_seed",
        "def make_loader(X, y, batch_size, shuffle, seed):\n"
        "    torch.manual_seed(seed)\n"
        "    return DataLoader(MoonsDataset(X, y), batch_size=batch_size, shuffle=shuffle)\n",
        mistake="own generator",
    ),
    Mutant(
        "make_loader",
        "always_shuffles",
        "def make_loader(X, y, batch_size, shuffle, seed):\n"
        "    g = torch.Generator().manual_seed(seed)\n"
        "    return DataLoader(MoonsDataset(X, y), batch_size=batch_size, shuffle=True,\n"
        "                      generator=g)\n",
        mistake="original order",
    ),
    Mutant(
        "make_loader",
        "drops_last_batch",
        "def make_loader(X, y, batch_size, shuffle, seed):\n"
        "    g = torch.Generator().manual_seed(seed)\n"
        "    return DataLoader(MoonsDataset(X, y), batch_size=batch_size, shuffle=shuffle,\n"
        "                      generator=g, drop_last=True)\n",
        mistake="smaller batch",
    ),
    Mutant(
        "make_loader",
        "one_fixed_permutation",
        "def make_loader(X, y, batch_size, shuffle, seed):\n"
        "    n = len(y)\n"
        "    order = np.random.default_rng(seed).permutation(n) if shuffle else np.arange(n)\n"
        "    return DataLoader(MoonsDataset(X[order], y[order]), batch_size=batch_size)\n",
        mistake="reshuffle",
    ),
    # ------------------------------------------------------------------ train_epoch
    Mutant(
        "train_epoch",
        "unweighted_mean",
        _epoch("sum(losses) / len(losses)"),
        mistake="weighting them by batch size",
    ),
    Mutant("train_epoch", "last_batch_loss", _epoch("losses[-1]"), mistake="last batch"),
    Mutant("train_epoch", "summed_losses", _epoch("sum(losses)"), mistake="summed"),
    Mutant(
        "train_epoch",
        "no_train_mode",
        _epoch("sum(l * n for l, n in zip(losses, sizes)) / sum(sizes)", extra="pass"),
        mistake="model.train()",
    ),
    Mutant(
        "train_epoch",
        "inline_step_without_zero_grad",
        "def train_epoch(model, loader, optimizer, loss_fn):\n"
        "    model.train()\n"
        "    total, count = 0.0, 0\n"
        "    for X, y in loader:\n"
        "        loss = loss_fn(model(X), y)\n"
        "        loss.backward()\n"
        "        optimizer.step()\n"
        "        total += loss.item() * len(y)\n"
        "        count += len(y)\n"
        "    return total / count\n",
        mistake="ADDS to .grad",
    ),
    Mutant(
        "train_epoch",
        "divides_by_batches",
        _epoch("sum(l * n for l, n in zip(losses, sizes)) / len(losses)"),
        mistake="number of batches",
    ),
    # ------------------------------------------------------------------ evaluate
    Mutant(
        "evaluate",
        "percentage",
        _evaluate(
            "model.eval()\nwith torch.no_grad():\n    predictions = model(X).argmax(dim=1)\n"
            "return 100 * (predictions == y).double().mean().item()"
        ),
        mistake="percentage",
    ),
    Mutant(
        "evaluate",
        "argmax_over_examples",
        _evaluate(
            "model.eval()\nwith torch.no_grad():\n    predictions = model(X).argmax(dim=0)\n"
            "return (predictions == y).double().mean().item()"
        ),
        mistake="dim=0",
    ),
    Mutant(
        "evaluate",
        "no_eval_mode",
        _evaluate(
            "with torch.no_grad():\n    predictions = model(X).argmax(dim=1)\n"
            "return (predictions == y).double().mean().item()"
        ),
        mistake="model.eval()",
    ),
    Mutant(
        "evaluate",
        "counts_correct",
        _evaluate(
            "model.eval()\nwith torch.no_grad():\n    predictions = model(X).argmax(dim=1)\n"
            "return float((predictions == y).sum().item())"
        ),
        mistake="divide by N",
    ),
    Mutant(
        "evaluate",
        "returns_tensor",
        _evaluate(
            "model.eval()\nwith torch.no_grad():\n    predictions = model(X).argmax(dim=1)\n"
            "return (predictions == y).double().mean()"
        ),
        mistake="Python float",
    ),
    # ------------------------------------------------------------------ train_digits
    Mutant(
        "train_digits",
        "untrained",
        "def train_digits(X_train, y_train, seed=0):\n"
        "    torch.manual_seed(seed)\n"
        "    return TwoLayerNet(64, 64, 10)\n",
        mistake="93%",
    ),
    Mutant(
        "train_digits",
        "too_little_training",
        "def train_digits(X_train, y_train, seed=0):\n"
        "    torch.manual_seed(seed)\n"
        "    model = TwoLayerNet(64, 16, 10)\n"
        "    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)\n"
        "    loader = make_loader(X_train, y_train, batch_size=256, shuffle=True, seed=seed)\n"
        "    train_epoch(model, loader, optimizer, nn.CrossEntropyLoss())\n"
        "    return model\n",
        mistake="93%",
    ),
    Mutant(
        "train_digits",
        "forgets_return",
        "def train_digits(X_train, y_train, seed=0):\n"
        "    torch.manual_seed(seed)\n"
        "    model = TwoLayerNet(64, 64, 10)\n"
        "    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)\n"
        "    loader = make_loader(X_train, y_train, batch_size=64, shuffle=True, seed=seed)\n"
        "    for _ in range(15):\n"
        "        train_epoch(model, loader, optimizer, nn.CrossEntropyLoss())\n",
        mistake="return the trained model",
    ),
]

# The questions that grade each function: a mutant may cost only these (one mistake costs once).
QUESTIONS = {
    "TwoLayerNet": "q_model",
    "load_numpy_weights": "q_load_weights",
    "loss_and_grads": "q_loss_and_grads",
    "train_step": "q_train_step",
    "MoonsDataset": "q_data",
    "make_loader": "q_data",
    "train_epoch": "q_train_epoch",
    "evaluate": "q_evaluate",
    "train_digits": "q_digits",
}

EQUIVALENTS = [
    # Right answers written differently from the solution: each must score full marks.
    Mutant(
        "TwoLayerNet",
        "functional_relu",
        _net(_LAYERS, "return self.fc2(nn.functional.relu(self.fc1(X)))"),
    ),
    Mutant(
        "load_numpy_weights",
        "slice_assignment",
        _load(
            "with torch.no_grad():\n"
            "    model.fc1.weight[...] = torch.from_numpy(params['W1']).T\n"
            "    model.fc1.bias[...] = torch.from_numpy(params['b1'])\n"
            "    model.fc2.weight[...] = torch.from_numpy(params['W2']).T\n"
            "    model.fc2.bias[...] = torch.from_numpy(params['b2'])\n"
            "return model"
        ),
    ),
    Mutant(
        "loss_and_grads",
        "loss_module_and_grads_set_to_none",
        "def loss_and_grads(model, X, y):\n"
        "    for p in model.parameters():\n"
        "        p.grad = None\n"
        "    loss = nn.CrossEntropyLoss()(model(X), y)\n"
        "    loss.backward()\n"
        "    grads = {\n"
        "        'W1': model.fc1.weight.grad.detach().T.numpy().copy(),\n"
        "        'b1': model.fc1.bias.grad.detach().numpy().copy(),\n"
        "        'W2': model.fc2.weight.grad.detach().T.numpy().copy(),\n"
        "        'b2': model.fc2.bias.grad.detach().numpy().copy(),\n"
        "    }\n"
        "    return float(loss), grads\n",
    ),
    Mutant(
        "train_step",
        "model_zero_grad",
        _step(
            "model.zero_grad()\n"
            "loss = loss_fn(model(X), y)\n"
            "loss.backward()\n"
            "optimizer.step()\n"
            "return float(loss.detach())"
        ),
    ),
    Mutant(
        "train_epoch",
        "weighted_average",
        _epoch("float(np.average(losses, weights=sizes))"),
    ),
    Mutant(
        "evaluate",
        "count_over_total",
        _evaluate(
            "model.eval()\n"
            "with torch.no_grad():\n"
            "    right = (model(X).argmax(dim=1) == y).sum().item()\n"
            "return right / len(y)"
        ),
    ),
]
