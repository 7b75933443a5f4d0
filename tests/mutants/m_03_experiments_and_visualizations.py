"""Mutants of 03_experiments_and_visualizations: plausible wrong versions of every graded function.

The notebook's toolkit (init_mlp, train_mlp, accuracy, ACTIVATIONS) and init_weights are in scope.
"""

from tests.mutants.catalogue import Mutant

_SWEEP = "def learning_rate_sweep(lrs, X, y, layer_sizes, epochs=20, batch_size=32, seed=0):\n"
_BEST = "def best_learning_rate(lrs, final_losses):\n"
_INIT = "def init_weights(name, fan_in, fan_out, rng):\n"
_INIT_STDS = (
    "    stds = {'small': 0.01, 'large': 1.0, 'xavier': np.sqrt(2 / (fan_in + fan_out)),\n"
    "            'he': np.sqrt(2 / fan_in)}\n"
)
_STATS = (
    "def activation_stats(init_name, activation, depth=10, width=100, n_samples=500, seed=0):\n"
)
_GAP = "def generalization_gap(history):\n"
_STOP = "def early_stopping(val_losses, patience):\n"
_CAPACITY = (
    "def capacity_sweep(hidden_sizes, X_train, y_train, X_val, y_val, lr=0.1, epochs=100,\n"
    "                   batch_size=32, seed=0):\n"
    "    D, C = X_train.shape[1], int(y_train.max()) + 1\n"
)
_GRID = "def decision_grid(predict_fn, X, resolution=100, margin=0.5):\n"
_CM = "def confusion_matrix(y_true, y_pred, n_classes):\n"
_RECALL = "def per_class_accuracy(M):\n"
_PAIR = "def most_confused_pair(M):\n"
_HIST = "def weight_histograms(params, bins=20):\n"


def _stopping(improves: str, stop_when: str, best_line: str = "", shift: int = 0) -> str:
    """early_stopping with the given improvement test, stop test, best-epoch fix-up and offset."""
    return (
        _STOP + "    best, best_epoch, wait = np.inf, 0, 0\n"
        f"    for epoch, loss in enumerate(val_losses, start={1 - shift}):\n"
        f"        if {improves}:\n"
        "            best, best_epoch, wait = loss, epoch, 0\n"
        "        else:\n"
        "            wait += 1\n"
        f"            if {stop_when}:\n"
        f"{best_line}"
        "                return best_epoch, epoch\n"
        f"    return best_epoch, len(val_losses) - {shift}\n"
    )


MUTANTS = [
    # ------------------------------------------------------------------ learning_rate_sweep
    Mutant(
        "learning_rate_sweep",
        "params_not_reinitialised",
        _SWEEP + "    params = init_mlp(layer_sizes, seed=seed)\n"
        "    curves = []\n"
        "    for lr in lrs:\n"
        "        h = train_mlp(params, X, y, lr=lr, epochs=epochs, batch_size=batch_size,\n"
        "                      seed=seed)\n"
        "        curves.append(h['train_loss'])\n"
        "    return np.array(curves)\n",
        mistake="continued from the weights the previous run left behind",
    ),
    Mutant(
        "learning_rate_sweep",
        "final_loss_only",
        _SWEEP + "    return np.array([train_mlp(init_mlp(layer_sizes, seed=seed), X, y, lr=lr,\n"
        "                               epochs=epochs, batch_size=batch_size,\n"
        "                               seed=seed)['train_loss'][-1] for lr in lrs])\n",
        mistake="whole loss curve",
    ),
    Mutant(
        "learning_rate_sweep",
        "transposed",
        _SWEEP + "    return np.array([train_mlp(init_mlp(layer_sizes, seed=seed), X, y, lr=lr,\n"
        "                               epochs=epochs, batch_size=batch_size,\n"
        "                               seed=seed)['train_loss'] for lr in lrs]).T\n",
        mistake="transposed",
    ),
    Mutant(
        "learning_rate_sweep",
        "seed_per_run",
        _SWEEP + "    return np.array([train_mlp(init_mlp(layer_sizes, seed=seed + k), X, y,\n"
        "                               lr=lr, epochs=epochs, batch_size=batch_size,\n"
        "                               seed=seed + k)['train_loss']\n"
        "                     for k, lr in enumerate(lrs)])\n",
        mistake="must start from the same weights",
    ),
    Mutant(
        "learning_rate_sweep",
        "accuracy_curves",
        _SWEEP + "    return np.array([train_mlp(init_mlp(layer_sizes, seed=seed), X, y, lr=lr,\n"
        "                               epochs=epochs, batch_size=batch_size,\n"
        "                               seed=seed)['train_acc'] for lr in lrs])\n",
        mistake="training accuracies, not losses",
    ),
    Mutant(
        "learning_rate_sweep",
        "ignores_batch_size",
        _SWEEP + "    return np.array([train_mlp(init_mlp(layer_sizes, seed=seed), X, y, lr=lr,\n"
        "                               epochs=epochs, seed=seed)['train_loss'] for lr in lrs])\n",
    ),
    # ------------------------------------------------------------------ best_learning_rate
    Mutant(
        "best_learning_rate",
        "argmin_keeps_nan",
        _BEST + "    return float(np.asarray(lrs)[np.argmin(final_losses)])\n",
        mistake="diverged",
    ),
    Mutant(
        "best_learning_rate",
        "largest_loss",
        _BEST + "    losses = np.where(np.isfinite(final_losses), final_losses, -np.inf)\n"
        "    return float(np.asarray(lrs)[np.argmax(losses)])\n",
        mistake="LARGEST loss",
    ),
    Mutant(
        "best_learning_rate",
        "returns_index",
        _BEST + "    losses = np.where(np.isfinite(final_losses), final_losses, np.inf)\n"
        "    return int(np.argmin(losses))\n",
        mistake="position",
    ),
    Mutant(
        "best_learning_rate",
        "tie_first_in_list",
        _BEST + "    losses = np.asarray(final_losses, dtype=float)\n"
        "    if not np.isfinite(losses).any():\n"
        "        raise ValueError('every run diverged')\n"
        "    losses = np.where(np.isfinite(losses), losses, np.inf)\n"
        "    return float(np.asarray(lrs)[np.argmin(losses)])\n",
        mistake="tie must not be broken by the order",
    ),
    Mutant(
        "best_learning_rate",
        "no_error_when_all_diverged",
        _BEST + "    lrs = np.asarray(lrs, dtype=float)\n"
        "    losses = np.asarray(final_losses, dtype=float)\n"
        "    finite = np.isfinite(losses)\n"
        "    if not finite.any():\n"
        "        return float('nan')\n"
        "    return float(lrs[finite & (losses == losses[finite].min())].min())\n",
        mistake="should raise ValueError",
    ),
    # ------------------------------------------------------------------ init_weights
    Mutant(
        "init_weights",
        "he_fan_out",
        _INIT
        + "    if name == 'zeros':\n        return np.zeros((fan_in, fan_out))\n"
        + _INIT_STDS.replace("np.sqrt(2 / fan_in)", "np.sqrt(2 / fan_out)")
        + "    if name not in stds:\n        raise ValueError(name)\n"
        "    return rng.normal(0.0, stds[name], size=(fan_in, fan_out))\n",
        mistake="fan_out where He uses fan_in",
    ),
    Mutant(
        "init_weights",
        "variance_as_std",
        _INIT
        + "    if name == 'zeros':\n        return np.zeros((fan_in, fan_out))\n"
        + _INIT_STDS
        + "    if name not in stds:\n        raise ValueError(name)\n"
        "    return rng.normal(0.0, stds[name] ** 2, size=(fan_in, fan_out))\n",
        mistake="variance",
    ),
    Mutant(
        "init_weights",
        "he_without_factor_2",
        _INIT
        + "    if name == 'zeros':\n        return np.zeros((fan_in, fan_out))\n"
        + _INIT_STDS.replace("np.sqrt(2 / fan_in)", "np.sqrt(1 / fan_in)")
        + "    if name not in stds:\n        raise ValueError(name)\n"
        "    return rng.normal(0.0, stds[name], size=(fan_in, fan_out))\n",
        mistake="factor 2 is missing",
    ),
    Mutant(
        "init_weights",
        "xavier_lecun",
        _INIT
        + "    if name == 'zeros':\n        return np.zeros((fan_in, fan_out))\n"
        + _INIT_STDS.replace("np.sqrt(2 / (fan_in + fan_out))", "np.sqrt(1 / fan_in)")
        + "    if name not in stds:\n        raise ValueError(name)\n"
        "    return rng.normal(0.0, stds[name], size=(fan_in, fan_out))\n",
        mistake="LeCun",
    ),
    Mutant(
        "init_weights",
        "xavier_uniform",
        _INIT + "    if name == 'zeros':\n        return np.zeros((fan_in, fan_out))\n"
        "    if name == 'xavier':\n"
        "        a = np.sqrt(6 / (fan_in + fan_out))\n"
        "        return rng.uniform(-a, a, size=(fan_in, fan_out))\n"
        + _INIT_STDS
        + "    if name not in stds:\n        raise ValueError(name)\n"
        "    return rng.normal(0.0, stds[name], size=(fan_in, fan_out))\n",
        mistake="uniform draws",
    ),
    Mutant(
        "init_weights",
        "transposed_shape",
        _INIT
        + "    if name == 'zeros':\n        return np.zeros((fan_out, fan_in))\n"
        + _INIT_STDS
        + "    if name not in stds:\n        raise ValueError(name)\n"
        "    return rng.normal(0.0, stds[name], size=(fan_out, fan_in))\n",
        mistake="transposed",
    ),
    Mutant(
        "init_weights",
        "own_generator",
        _INIT
        + "    if name == 'zeros':\n        return np.zeros((fan_in, fan_out))\n"
        + _INIT_STDS
        + "    if name not in stds:\n        raise ValueError(name)\n"
        "    return np.random.default_rng(0).normal(0.0, stds[name], size=(fan_in, fan_out))\n",
        mistake="do not create a new generator",
    ),
    Mutant(
        "init_weights",
        "unknown_name_gives_zeros",
        _INIT + _INIT_STDS + "    if name not in stds:\n"
        "        return np.zeros((fan_in, fan_out))\n"
        "    return rng.normal(0.0, stds[name], size=(fan_in, fan_out))\n",
        mistake="should raise ValueError",
    ),
    # ------------------------------------------------------------------ activation_stats
    Mutant(
        "activation_stats",
        "pre_activation_std",
        _STATS + "    rng = np.random.default_rng(seed)\n"
        "    A = rng.standard_normal((n_samples, width))\n"
        "    stds = []\n"
        "    for _ in range(depth):\n"
        "        Z = A @ init_weights(init_name, width, width, rng)\n"
        "        A = ACTIVATIONS[activation](Z)\n"
        "        stds.append(Z.std())\n"
        "    return np.array(stds)\n",
        mistake="before the activation",
    ),
    Mutant(
        "activation_stats",
        "includes_input",
        _STATS + "    rng = np.random.default_rng(seed)\n"
        "    A = rng.standard_normal((n_samples, width))\n"
        "    stds = [A.std()]\n"
        "    for _ in range(depth):\n"
        "        A = ACTIVATIONS[activation](A @ init_weights(init_name, width, width, rng))\n"
        "        stds.append(A.std())\n"
        "    return np.array(stds)\n",
        mistake="leave out the input",
    ),
    Mutant(
        "activation_stats",
        "per_unit_std",
        _STATS + "    rng = np.random.default_rng(seed)\n"
        "    A = rng.standard_normal((n_samples, width))\n"
        "    stds = []\n"
        "    for _ in range(depth):\n"
        "        A = ACTIVATIONS[activation](A @ init_weights(init_name, width, width, rng))\n"
        "        stds.append(A.std(axis=0).mean())\n"
        "    return np.array(stds)\n",
        mistake="ALL entries",
    ),
    Mutant(
        "activation_stats",
        "new_generator_per_layer",
        _STATS + "    A = np.random.default_rng(seed).standard_normal((n_samples, width))\n"
        "    stds = []\n"
        "    for _ in range(depth):\n"
        "        W = init_weights(init_name, width, width, np.random.default_rng(seed))\n"
        "        A = ACTIVATIONS[activation](A @ W)\n"
        "        stds.append(A.std())\n"
        "    return np.array(stds)\n",
        mistake="new generator was created in every layer",
    ),
    Mutant(
        "activation_stats",
        "weights_before_input",
        _STATS + "    rng = np.random.default_rng(seed)\n"
        "    Ws = [init_weights(init_name, width, width, rng) for _ in range(depth)]\n"
        "    A = rng.standard_normal((n_samples, width))\n"
        "    stds = []\n"
        "    for W in Ws:\n"
        "        A = ACTIVATIONS[activation](A @ W)\n"
        "        stds.append(A.std())\n"
        "    return np.array(stds)\n",
    ),
    # ------------------------------------------------------------------ generalization_gap
    Mutant(
        "generalization_gap",
        "sign_flipped",
        _GAP + "    return float(history['val_acc'][-1] - history['train_acc'][-1])\n",
        mistake="sign is flipped",
    ),
    Mutant(
        "generalization_gap",
        "first_epoch",
        _GAP + "    return float(history['train_acc'][0] - history['val_acc'][0])\n",
        mistake="first epoch",
    ),
    Mutant(
        "generalization_gap",
        "uses_losses",
        _GAP + "    return float(history['train_loss'][-1] - history['val_loss'][-1])\n",
        mistake="uses the losses",
    ),
    Mutant(
        "generalization_gap",
        "absolute_value",
        _GAP + "    return abs(float(history['train_acc'][-1] - history['val_acc'][-1]))\n",
        mistake="no abs()",
    ),
    Mutant(
        "generalization_gap",
        "largest_gap",
        _GAP + "    return float(np.max(np.subtract(history['train_acc'], history['val_acc'])))\n",
        mistake="largest gap over all epochs",
    ),
    # ------------------------------------------------------------------ early_stopping
    Mutant(
        "early_stopping",
        "zero_based_epochs",
        _stopping("loss < best", "wait == patience", shift=1),
        mistake="off by one",
    ),
    Mutant(
        "early_stopping",
        "ties_improve",
        _stopping("loss <= best", "wait == patience"),
        mistake="strict <",
    ),
    Mutant(
        "early_stopping",
        "one_epoch_late",
        _stopping("loss < best", "wait > patience"),
        mistake="one epoch too late",
    ),
    Mutant(
        "early_stopping",
        "best_over_all_epochs",
        _stopping(
            "loss < best",
            "wait == patience",
            best_line="                best_epoch = int(np.nanargmin(val_losses)) + 1\n",
        ),
        mistake="up to the stop",
    ),
    Mutant(
        "early_stopping",
        "never_stops_returns_last_best",
        _STOP + "    best_epoch = int(np.nanargmin(val_losses)) + 1\n"
        "    return best_epoch, min(best_epoch + patience, len(val_losses))\n",
    ),
    # ------------------------------------------------------------------ capacity_sweep
    Mutant(
        "capacity_sweep",
        "history_accuracy",
        _CAPACITY + "    train_acc, val_acc = [], []\n"
        "    for hidden in hidden_sizes:\n"
        "        params = init_mlp([D, hidden, C], seed=seed)\n"
        "        h = train_mlp(params, X_train, y_train, X_val, y_val, lr=lr, epochs=epochs,\n"
        "                      batch_size=batch_size, seed=seed)\n"
        "        train_acc.append(h['train_acc'][-1])\n"
        "        val_acc.append(h['val_acc'][-1])\n"
        "    return np.array(train_acc), np.array(val_acc)\n",
        mistake="measured during the last epoch",
    ),
    Mutant(
        "capacity_sweep",
        "swapped_outputs",
        _CAPACITY + "    train_acc, val_acc = [], []\n"
        "    for hidden in hidden_sizes:\n"
        "        params = init_mlp([D, hidden, C], seed=seed)\n"
        "        train_mlp(params, X_train, y_train, lr=lr, epochs=epochs, batch_size=batch_size,\n"
        "                  seed=seed)\n"
        "        train_acc.append(accuracy(params, X_train, y_train))\n"
        "        val_acc.append(accuracy(params, X_val, y_val))\n"
        "    return np.array(val_acc), np.array(train_acc)\n",
        mistake="swapped",
    ),
    Mutant(
        "capacity_sweep",
        "trains_on_validation",
        _CAPACITY + "    train_acc, val_acc = [], []\n"
        "    for hidden in hidden_sizes:\n"
        "        params = init_mlp([D, hidden, C], seed=seed)\n"
        "        train_mlp(params, X_val, y_val, lr=lr, epochs=epochs, batch_size=batch_size,\n"
        "                  seed=seed)\n"
        "        train_acc.append(accuracy(params, X_train, y_train))\n"
        "        val_acc.append(accuracy(params, X_val, y_val))\n"
        "    return np.array(train_acc), np.array(val_acc)\n",
    ),
    Mutant(
        "capacity_sweep",
        "seed_per_width",
        _CAPACITY + "    train_acc, val_acc = [], []\n"
        "    for k, hidden in enumerate(hidden_sizes):\n"
        "        params = init_mlp([D, hidden, C], seed=seed + k)\n"
        "        train_mlp(params, X_train, y_train, lr=lr, epochs=epochs, batch_size=batch_size,\n"
        "                  seed=seed + k)\n"
        "        train_acc.append(accuracy(params, X_train, y_train))\n"
        "        val_acc.append(accuracy(params, X_val, y_val))\n"
        "    return np.array(train_acc), np.array(val_acc)\n",
        mistake="a fresh network, the same seed",
    ),
    Mutant(
        "capacity_sweep",
        "ignores_lr",
        _CAPACITY + "    train_acc, val_acc = [], []\n"
        "    for hidden in hidden_sizes:\n"
        "        params = init_mlp([D, hidden, C], seed=seed)\n"
        "        train_mlp(params, X_train, y_train, epochs=epochs, batch_size=batch_size,\n"
        "                  seed=seed)\n"
        "        train_acc.append(accuracy(params, X_train, y_train))\n"
        "        val_acc.append(accuracy(params, X_val, y_val))\n"
        "    return np.array(train_acc), np.array(val_acc)\n",
    ),
    # ------------------------------------------------------------------ decision_grid
    Mutant(
        "decision_grid",
        "ij_indexing",
        _GRID + "    low, high = X.min(axis=0) - margin, X.max(axis=0) + margin\n"
        "    xx, yy = np.meshgrid(np.linspace(low[0], high[0], resolution),\n"
        "                         np.linspace(low[1], high[1], resolution), indexing='ij')\n"
        "    classes = np.asarray(predict_fn(np.column_stack([xx.ravel(), yy.ravel()])))\n"
        "    return xx, yy, classes.reshape(xx.shape)\n",
        mistake="transposed",
    ),
    Mutant(
        "decision_grid",
        "no_margin",
        _GRID + "    low, high = X.min(axis=0), X.max(axis=0)\n"
        "    xx, yy = np.meshgrid(np.linspace(low[0], high[0], resolution),\n"
        "                         np.linspace(low[1], high[1], resolution))\n"
        "    classes = np.asarray(predict_fn(np.column_stack([xx.ravel(), yy.ravel()])))\n"
        "    return xx, yy, classes.reshape(xx.shape)\n",
        mistake="margin is missing",
    ),
    Mutant(
        "decision_grid",
        "flat_classes",
        _GRID + "    low, high = X.min(axis=0) - margin, X.max(axis=0) + margin\n"
        "    xx, yy = np.meshgrid(np.linspace(low[0], high[0], resolution),\n"
        "                         np.linspace(low[1], high[1], resolution))\n"
        "    return xx, yy, np.asarray(predict_fn(np.column_stack([xx.ravel(), yy.ravel()])))\n",
        "lost a dimension",
    ),
    Mutant(
        "decision_grid",
        "one_point_at_a_time",
        _GRID + "    low, high = X.min(axis=0) - margin, X.max(axis=0) + margin\n"
        "    xx, yy = np.meshgrid(np.linspace(low[0], high[0], resolution),\n"
        "                         np.linspace(low[1], high[1], resolution))\n"
        "    classes = np.array([predict_fn(np.array([[x, y]]))[0]\n"
        "                        for x, y in zip(xx.ravel(), yy.ravel())])\n"
        "    return xx, yy, classes.reshape(xx.shape)\n",
        mistake="call it ONCE",
    ),
    Mutant(
        "decision_grid",
        "one_range_for_both_axes",
        _GRID + "    low, high = X.min() - margin, X.max() + margin\n"
        "    xx, yy = np.meshgrid(np.linspace(low, high, resolution),\n"
        "                         np.linspace(low, high, resolution))\n"
        "    classes = np.asarray(predict_fn(np.column_stack([xx.ravel(), yy.ravel()])))\n"
        "    return xx, yy, classes.reshape(xx.shape)\n",
    ),
    # ------------------------------------------------------------------ confusion_matrix
    Mutant(
        "confusion_matrix",
        "transposed",
        _CM + "    M = np.zeros((n_classes, n_classes), dtype=int)\n"
        "    np.add.at(M, (y_pred, y_true), 1)\n"
        "    return M\n",
        mistake="rows and columns are swapped",
    ),
    Mutant(
        "confusion_matrix",
        "fancy_index_counts_once",
        _CM + "    M = np.zeros((n_classes, n_classes), dtype=int)\n"
        "    M[y_true, y_pred] += 1\n"
        "    return M\n",
        mistake="counted only once",
    ),
    Mutant(
        "confusion_matrix",
        "size_from_labels",
        _CM + "    C = int(max(np.max(y_true), np.max(y_pred))) + 1\n"
        "    M = np.zeros((C, C), dtype=int)\n"
        "    np.add.at(M, (y_true, y_pred), 1)\n"
        "    return M\n",
        mistake="use n_classes",
    ),
    Mutant(
        "confusion_matrix",
        "float_counts",
        _CM + "    M = np.zeros((n_classes, n_classes))\n"
        "    np.add.at(M, (y_true, y_pred), 1)\n"
        "    return M\n",
        mistake="integer counts",
    ),
    # ------------------------------------------------------------------ per_class_accuracy
    Mutant(
        "per_class_accuracy",
        "column_sums",
        _RECALL + "    M = np.asarray(M, dtype=float)\n"
        "    with np.errstate(invalid='ignore', divide='ignore'):\n"
        "        return np.diag(M) / M.sum(axis=0)\n",
        mistake="COLUMN sums",
    ),
    Mutant(
        "per_class_accuracy",
        "empty_class_zero",
        _RECALL + "    M = np.asarray(M, dtype=float)\n"
        "    support = M.sum(axis=1)\n"
        "    return np.diag(M) / np.maximum(support, 1)\n",
        mistake="return np.nan, not 0",
    ),
    Mutant(
        "per_class_accuracy",
        "overall_accuracy",
        _RECALL + "    M = np.asarray(M, dtype=float)\n"
        "    return np.full(M.shape[0], np.trace(M) / M.sum())\n",
        mistake="overall accuracy",
    ),
    Mutant(
        "per_class_accuracy",
        "integer_division",
        _RECALL + "    M = np.asarray(M)\n"
        "    support = M.sum(axis=1)\n"
        "    with np.errstate(invalid='ignore', divide='ignore'):\n"
        "        return np.where(support > 0, np.diag(M) // np.maximum(support, 1), np.nan)\n",
        mistake="integer division",
    ),
    # ------------------------------------------------------------------ most_confused_pair
    Mutant(
        "most_confused_pair",
        "includes_diagonal",
        _PAIR + "    i, j = np.unravel_index(np.argmax(M), np.shape(M))\n"
        "    return int(i), int(j)\n",
        mistake="diagonal",
    ),
    Mutant(
        "most_confused_pair",
        "predicted_true_order",
        _PAIR + "    errors = np.array(M, dtype=float)\n"
        "    np.fill_diagonal(errors, -1)\n"
        "    if errors.max() <= 0:\n"
        "        return None\n"
        "    i, j = np.unravel_index(np.argmax(errors), errors.shape)\n"
        "    return int(j), int(i)\n",
        mistake="(TRUE class, predicted class)",
    ),
    Mutant(
        "most_confused_pair",
        "column_major_ties",
        _PAIR + "    errors = np.array(M, dtype=float).T\n"
        "    np.fill_diagonal(errors, -1)\n"
        "    if errors.max() <= 0:\n"
        "        return None\n"
        "    j, i = np.unravel_index(np.argmax(errors), errors.shape)\n"
        "    return int(i), int(j)\n",
        mistake="row-major",
    ),
    Mutant(
        "most_confused_pair",
        "blanks_diagonal_in_place",
        _PAIR + "    np.fill_diagonal(M, 0)\n"
        "    if M.max() <= 0:\n"
        "        return None\n"
        "    i, j = np.unravel_index(np.argmax(M), M.shape)\n"
        "    return int(i), int(j)\n",
        mistake="modified its input",
    ),
    Mutant(
        "most_confused_pair",
        "never_none",
        _PAIR + "    errors = np.array(M, dtype=float)\n"
        "    np.fill_diagonal(errors, -1)\n"
        "    i, j = np.unravel_index(np.argmax(errors), errors.shape)\n"
        "    return int(i), int(j)\n",
        mistake="return None",
    ),
    # ------------------------------------------------------------------ weight_histograms
    Mutant(
        "weight_histograms",
        "includes_biases",
        _HIST + "    values = np.concatenate([np.ravel(v) for v in params.values()])\n"
        "    edges = np.histogram_bin_edges(values, bins=bins)\n"
        "    return edges, {k: np.histogram(params[k], bins=edges)[0] for k in params}\n",
        mistake="biases",
    ),
    Mutant(
        "weight_histograms",
        "own_bins_per_matrix",
        _HIST + "    names = [k for k in params if k.startswith('W')]\n"
        "    values = np.concatenate([np.ravel(params[k]) for k in names])\n"
        "    edges = np.histogram_bin_edges(values, bins=bins)\n"
        "    return edges, {k: np.histogram(params[k], bins=bins)[0] for k in names}\n",
        mistake="its own bins",
    ),
    Mutant(
        "weight_histograms",
        "edges_of_first_matrix",
        _HIST + "    names = [k for k in params if k.startswith('W')]\n"
        "    edges = np.histogram_bin_edges(params[names[0]], bins=bins)\n"
        "    return edges, {k: np.histogram(params[k], bins=edges)[0] for k in names}\n",
        mistake="W1 alone",
    ),
    Mutant(
        "weight_histograms",
        "counts_as_list",
        _HIST + "    names = [k for k in params if k.startswith('W')]\n"
        "    values = np.concatenate([np.ravel(params[k]) for k in names])\n"
        "    edges = np.histogram_bin_edges(values, bins=bins)\n"
        "    return edges, [np.histogram(params[k], bins=edges)[0] for k in names]\n",
        mistake="should be a dict",
    ),
]

EQUIVALENTS = [
    # Right answers written differently from the solution: each must score full marks.
    Mutant(
        "init_weights",
        "std_times_standard_normal",
        """
def init_weights(name, fan_in, fan_out, rng):
    gains = {"small": 0.01, "large": 1.0}
    if name == "zeros":
        return np.zeros((fan_in, fan_out))
    if name == "xavier":
        std = np.sqrt(2.0 / (fan_in + fan_out))
    elif name == "he":
        std = np.sqrt(2.0 / fan_in)
    elif name in gains:
        std = gains[name]
    else:
        raise ValueError(f"unknown initialisation {name!r}")
    return std * rng.standard_normal((fan_in, fan_out))
""",
    ),
]

QUESTIONS = {
    # The question that grades each function: a mistake in it may cost points there only.
    "learning_rate_sweep": "q_lr_sweep",
    "best_learning_rate": "q_best_lr",
    "init_weights": "q_init_weights",
    "activation_stats": "q_activation_stats",
    "generalization_gap": "q_generalization_gap",
    "early_stopping": "q_early_stopping",
    "capacity_sweep": "q_capacity_sweep",
    "decision_grid": "q_decision_grid",
    "confusion_matrix": "q_confusion_matrix",
    "per_class_accuracy": "q_per_class_accuracy",
    "most_confused_pair": "q_most_confused_pair",
    "weight_histograms": "q_weight_histograms",
}
