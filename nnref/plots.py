"""Figures for training runs: learning curves, decision boundaries, weights, confusion matrices.

Every function returns a :class:`matplotlib.figure.Figure` built without ``pyplot``, so nothing
is shown, no global figure state is touched and any backend (including Agg) works. Save one with
``fig.savefig("name.png")``; in a notebook, a returned figure displays itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from nnref._validation import (
    as_float_array,
    as_label_array,
    check_shape,
    checked,
    format_shape,
    prefixed,
)

__all__ = [
    "confusion_matrix",
    "plot_confusion_matrix",
    "plot_decision_boundary",
    "plot_history",
    "plot_weight_histograms",
    "plot_weight_norms",
]


class _Classifier(Protocol):
    def predict(self, X: np.ndarray) -> np.ndarray: ...


def plot_history(history: Any) -> Figure:
    """Loss (left) and accuracy (right) per epoch, training and validation.

    Args:
        history: a :class:`nnref.train.History` (anything with the lists ``train_loss``,
            ``val_loss``, ``train_acc``, ``val_acc``); empty validation lists are not drawn.

    Returns:
        A figure with two axes; line ``k`` of an axis plots ``(epochs, values)`` with
        ``epochs = 1, 2, ..., len(values)``, labelled ``"train"`` or ``"validation"``.
    """
    fig = Figure(figsize=(10, 4), layout="constrained")
    ax_loss, ax_acc = fig.subplots(1, 2)
    panels = [
        (ax_loss, "loss", "train_loss", "val_loss"),
        (ax_acc, "accuracy", "train_acc", "val_acc"),
    ]
    for ax, ylabel, train_key, val_key in panels:
        for key, label in ((train_key, "train"), (val_key, "validation")):
            values = np.asarray(getattr(history, key), dtype=np.float64)
            if values.size:
                ax.plot(np.arange(1, values.size + 1), values, marker=".", label=label)
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
        if ax.lines:
            ax.legend()
    ax_loss.set_title("Loss per epoch")
    ax_acc.set_title("Accuracy per epoch")
    return fig


@checked
def plot_decision_boundary(
    model: _Classifier,
    X: np.ndarray,
    y: np.ndarray,
    resolution: int = 200,
    margin: float = 0.5,
) -> Figure:
    """Predicted class regions of a 2-D classifier, with the data points on top.

    The grid spans ``[min(X[:, j]) - margin, max(X[:, j]) + margin]`` on each axis with
    ``resolution`` points, and ``classes = model.predict(grid)``.

    Args:
        model: anything with ``predict(X: (N, 2)) -> (N,)`` integer classes.
        X: ``(N, 2)`` points to draw.
        y: ``(N,)`` integer labels, used for the point colours.
        resolution: grid points per axis (>= 2).
        margin: how far the grid extends beyond the data, in feature units.

    Returns:
        The figure, with ``fig.decision_grid = (xx, yy, classes)``: three
        ``(resolution, resolution)`` arrays, ``xx``/``yy`` as from ``np.meshgrid`` and
        ``classes[i, j] = model.predict([[xx[i, j], yy[i, j]]])``.
    """
    X = as_float_array(X, "X", ndim=2)
    check_shape(X, "X", (None, 2), symbols=("N", "2"))
    y = as_label_array(y, "y")
    check_shape(y, "y", (X.shape[0],), symbols=("N",), match=("X", ("N", "2"), X.shape))
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)):
        raise TypeError(prefixed(f"resolution must be an int; got {type(resolution).__name__}"))
    if resolution < 2:
        raise ValueError(prefixed(f"resolution must be at least 2; got {resolution}"))
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    xx, yy = np.meshgrid(
        np.linspace(lo[0], hi[0], resolution, dtype=X.dtype),
        np.linspace(lo[1], hi[1], resolution, dtype=X.dtype),
    )
    grid = np.column_stack([xx.ravel(), yy.ravel()])
    classes = np.asarray(model.predict(grid)).reshape(xx.shape)
    n_classes = int(max(classes.max(), y.max())) + 1

    fig = Figure(figsize=(6, 5), layout="constrained")
    ax = fig.subplots()
    levels = np.arange(n_classes + 1) - 0.5
    ax.contourf(xx, yy, classes, levels=levels, cmap="coolwarm", alpha=0.35)
    points = ax.scatter(
        X[:, 0],
        X[:, 1],
        c=y,
        cmap="coolwarm",
        vmin=0,
        vmax=max(n_classes - 1, 1),
        s=12,
        edgecolors="k",
        linewidths=0.3,
    )
    ax.legend(*points.legend_elements(), title="class", loc="best")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_title("Decision boundary")
    fig.decision_grid = (xx, yy, classes)
    return fig


@checked
def plot_weight_histograms(
    params: Mapping[str, np.ndarray], keys: Sequence[str] | None = None, bins: int = 30
) -> Figure:
    """One histogram of the entries of each weight matrix.

    Args:
        params: parameters by name, e.g. ``MLP.params`` (``W1, b1, W2, ...``).
        keys: which parameters to draw; default: the weight matrices (names starting with ``W``).
        bins: number of histogram bins.

    Returns:
        A figure with one axis per key (titled with the name and shape); the bar heights of an
        axis sum to the number of entries of that parameter.
    """
    keys = [k for k in params if k.startswith("W")] if keys is None else list(keys)
    missing = [k for k in keys if k not in params]
    if not keys or missing:
        raise ValueError(
            prefixed(
                f"keys must name parameters in params {sorted(params)}; "
                f"got {keys if not missing else missing}"
            )
        )
    fig = Figure(figsize=(3.5 * len(keys), 3), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(keys)))
    for ax, key in zip(axes, keys, strict=True):
        values = as_float_array(params[key], key).ravel()
        ax.hist(values, bins=bins, color="tab:blue", alpha=0.8)
        ax.set_title(f"{key} {format_shape(params[key].shape)}")
        ax.set_xlabel("value")
    axes[0].set_ylabel("count")
    return fig


def plot_weight_norms(history: Any) -> Figure:
    """Frobenius norm ``||W||_F`` of each weight matrix per epoch.

    Args:
        history: a :class:`nnref.train.History`; ``history.weight_norms`` maps a parameter name
            to its list of norms, one per epoch.

    Returns:
        A figure with one line per parameter, labelled with its name, x = epochs 1, 2, ...
    """
    fig = Figure(figsize=(6, 4), layout="constrained")
    ax = fig.subplots()
    for name, norms in history.weight_norms.items():
        norms = np.asarray(norms, dtype=np.float64)
        ax.plot(np.arange(1, norms.size + 1), norms, marker=".", label=name)
    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("Frobenius norm")
    ax.set_title("Weight norms per epoch")
    ax.grid(alpha=0.3)
    if ax.lines:
        ax.legend()
    return fig


@checked
def confusion_matrix(
    y_true: np.ndarray, y_pred: np.ndarray, n_classes: int | None = None
) -> np.ndarray:
    """Count matrix ``C[i, j]`` = number of samples of true class ``i`` predicted as ``j``.

    Args:
        y_true: ``(N,)`` integer labels.
        y_pred: ``(N,)`` integer predictions.
        n_classes: ``C``; default ``max(y_true.max(), y_pred.max()) + 1``.

    Returns:
        ``(C, C)`` int64 array; rows are true classes, columns predictions; it sums to ``N``.
    """
    y_true = as_label_array(y_true, "y_true", n_classes)
    y_pred = as_label_array(y_pred, "y_pred", n_classes)
    check_shape(
        y_pred, "y_pred", y_true.shape, symbols=("N",), match=("y_true", ("N",), y_true.shape)
    )
    if n_classes is None:
        n_classes = int(max(y_true.max(initial=-1), y_pred.max(initial=-1))) + 1
    if (y_true < 0).any() or (y_pred < 0).any():
        raise ValueError(prefixed("labels must be non-negative class indices"))
    flat = np.bincount(y_true * n_classes + y_pred, minlength=n_classes * n_classes)
    return flat.reshape(n_classes, n_classes)


@checked
def plot_confusion_matrix(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    n_classes: int | None = None,
    class_names: Sequence[str] | None = None,
) -> Figure:
    """Confusion matrix as an image, each cell annotated with its count.

    Args:
        y_true, y_pred, n_classes: as in :func:`confusion_matrix`.
        class_names: ``C`` tick labels; default ``"0", "1", ...``.

    Returns:
        The figure, with ``fig.confusion_matrix`` the ``(C, C)`` counts drawn; the text of
        cell ``(i, j)`` is ``str(C[i, j])``.
    """
    counts = confusion_matrix(y_true, y_pred, n_classes)
    n = counts.shape[0]
    names = [str(k) for k in range(n)] if class_names is None else [str(c) for c in class_names]
    if len(names) != n:
        raise ValueError(
            prefixed(f"class_names must have {n} entries (one per class); got {len(names)}")
        )
    fig = Figure(figsize=(max(4.0, 1.0 + 0.5 * n), max(3.5, 0.5 + 0.45 * n)), layout="constrained")
    ax = fig.subplots()
    image = ax.imshow(counts, cmap="Blues")
    fig.colorbar(image, ax=ax)
    threshold = counts.max() / 2.0
    for (i, j), count in np.ndenumerate(counts):
        ax.text(
            j,
            i,
            str(count),
            ha="center",
            va="center",
            color="white" if count > threshold else "black",
            fontsize=8,
        )
    ax.set_xticks(range(n), names)
    ax.set_yticks(range(n), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(f"Confusion matrix (N = {counts.sum()})")
    fig.confusion_matrix = counts
    return fig
