"""nnref.plots: figures render headless (tests/conftest.py sets MPLBACKEND=Agg) and show what
they claim."""

import io

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from nnref import (
    MLP,
    History,
    confusion_matrix,
    plot_confusion_matrix,
    plot_decision_boundary,
    plot_history,
    plot_weight_histograms,
    plot_weight_norms,
)


def _renders(fig):
    assert isinstance(fig, Figure)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    assert buffer.getvalue().startswith(b"\x89PNG")


@pytest.fixture(autouse=True)
def _no_pyplot_figures():
    before = plt.get_fignums()
    yield
    assert plt.get_fignums() == before, "a plot function opened a pyplot figure"


def _history(with_val=True):
    return History(
        train_loss=[1.0, 0.6, 0.4],
        val_loss=[1.1, 0.8, 0.7] if with_val else [],
        train_acc=[0.5, 0.7, 0.9],
        val_acc=[0.4, 0.6, 0.8] if with_val else [],
        weight_norms={"W1": [3.0, 3.5, 3.7], "W2": [1.0, 0.9, 0.8]},
    )


def _line_data(ax):
    return {line.get_label(): (list(line.get_xdata()), list(line.get_ydata())) for line in ax.lines}


@pytest.mark.parametrize("with_val", [True, False])
def test_plot_history_curves_equal_history(with_val):
    history = _history(with_val)
    fig = plot_history(history)
    _renders(fig)
    ax_loss, ax_acc = fig.axes
    expected_loss = {"train": ([1, 2, 3], history.train_loss)}
    expected_acc = {"train": ([1, 2, 3], history.train_acc)}
    if with_val:
        expected_loss["validation"] = ([1, 2, 3], history.val_loss)
        expected_acc["validation"] = ([1, 2, 3], history.val_acc)
    assert _line_data(ax_loss) == expected_loss
    assert _line_data(ax_acc) == expected_acc


def test_plot_weight_norms_lines_equal_history():
    history = _history()
    fig = plot_weight_norms(history)
    _renders(fig)
    assert _line_data(fig.axes[0]) == {k: ([1, 2, 3], v) for k, v in history.weight_norms.items()}


class _RightHalfPlane:
    """A known classifier: class 1 where x1 > 0.3."""

    def predict(self, X):
        return (X[:, 0] > 0.3).astype(np.int64)


def test_decision_grid_classes_are_the_model_predictions():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((40, 2)), rng.integers(0, 3, 40)
    model = MLP([2, 8, 3], seed=0)
    fig = plot_decision_boundary(model, X, y, resolution=50)
    _renders(fig)
    xx, yy, classes = fig.decision_grid
    assert xx.shape == yy.shape == classes.shape == (50, 50)
    assert xx.min() <= X[:, 0].min() and xx.max() >= X[:, 0].max()
    assert yy.min() <= X[:, 1].min() and yy.max() >= X[:, 1].max()
    np.testing.assert_array_equal(
        classes, model.predict(np.c_[xx.ravel(), yy.ravel()]).reshape(50, 50)
    )

    xx, _, classes = plot_decision_boundary(_RightHalfPlane(), X, y, resolution=30).decision_grid
    np.testing.assert_array_equal(classes, xx > 0.3)


def test_decision_boundary_rejects_non_2d_data():
    with pytest.raises(ValueError, match=r"X must have shape \(N, 2\).*got \(5, 3\)"):
        plot_decision_boundary(_RightHalfPlane(), np.zeros((5, 3)), np.zeros(5, dtype=int))


def test_confusion_matrix_counts():
    rng = np.random.default_rng(1)
    y_true, y_pred = rng.integers(0, 4, 200), rng.integers(0, 4, 200)
    C = confusion_matrix(y_true, y_pred)
    expected = np.zeros((4, 4), dtype=np.int64)
    for t, p in zip(y_true, y_pred, strict=True):
        expected[t, p] += 1
    np.testing.assert_array_equal(C, expected)
    assert C.sum() == 200 and C.dtype == np.int64
    np.testing.assert_array_equal(
        confusion_matrix([0, 1], [1, 1], n_classes=3), [[0, 1, 0], [0, 1, 0], [0, 0, 0]]
    )


def test_confusion_matrix_errors():
    with pytest.raises(ValueError, match=r"y_pred must have shape \(N,\) = \(3,\)"):
        confusion_matrix([0, 1, 2], [0, 1])
    with pytest.raises(ValueError, match=r"y_true must hold labels in \[0, 1\]"):
        confusion_matrix([0, 2], [0, 1], n_classes=2)
    with pytest.raises(TypeError, match="integer class labels"):
        confusion_matrix([0.0, 1.0], [0, 1])


def test_plot_confusion_matrix_annotates_the_counts():
    y_true = np.array([0, 0, 1, 2, 2, 2])
    y_pred = np.array([0, 1, 1, 2, 0, 2])
    fig = plot_confusion_matrix(y_true, y_pred, class_names=["a", "b", "c"])
    _renders(fig)
    C = confusion_matrix(y_true, y_pred)
    np.testing.assert_array_equal(fig.confusion_matrix, C)
    ax = fig.axes[0]
    cells = {
        (round(t.get_position()[1]), round(t.get_position()[0])): t.get_text() for t in ax.texts
    }
    assert cells == {(i, j): str(C[i, j]) for i in range(3) for j in range(3)}
    np.testing.assert_array_equal(ax.images[0].get_array(), C)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    with pytest.raises(ValueError, match="class_names must have 3 entries"):
        plot_confusion_matrix(y_true, y_pred, class_names=["a"])


def test_weight_histograms_count_every_weight():
    model = MLP([5, 7, 3], seed=0)
    fig = plot_weight_histograms(model.params)
    _renders(fig)
    assert [ax.get_title() for ax in fig.axes] == ["W1 (5, 7)", "W2 (7, 3)"]
    for ax, key in zip(fig.axes, ["W1", "W2"], strict=True):
        assert sum(patch.get_height() for patch in ax.patches) == model.params[key].size
    fig = plot_weight_histograms(model.params, keys=["b1"])
    assert len(fig.axes) == 1
    with pytest.raises(ValueError, match=r"keys must name parameters.*\['W9'\]"):
        plot_weight_histograms(model.params, keys=["W9"])
