"""nnref: the reference NumPy implementation of the course (the answer key, never shipped).

The public names below are re-exported here, so ``import nnref; nnref.dense_forward(...)`` works.
"""

import importlib
import types

from nnref.activations import (
    ACTIVATIONS,
    leaky_relu_backward,
    leaky_relu_forward,
    relu_backward,
    relu_forward,
    sigmoid_backward,
    sigmoid_forward,
    softmax,
    softmax_backward,
    tanh_backward,
    tanh_forward,
)
from nnref.conv import (
    conv2d_backward,
    conv2d_forward,
    conv2d_forward_fast,
    conv_output_size,
    im2col,
    maxpool2d_backward,
    maxpool2d_forward,
)
from nnref.gradcheck import (
    gradient_check,
    numerical_gradient,
    numerical_gradient_array,
    relative_error,
)
from nnref.init import (
    INITIALIZERS,
    glorot_normal,
    glorot_uniform,
    he_normal,
    he_uniform,
    kaiming_normal,
    kaiming_uniform,
    normal,
    xavier_normal,
    xavier_uniform,
    zeros,
)
from nnref.layers import dense_backward, dense_forward
from nnref.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy_loss,
    log_softmax,
    mse_loss,
)
from nnref.model import MLP
from nnref.normalization import (
    batchnorm_backward,
    batchnorm_eval,
    batchnorm_forward,
    layernorm_backward,
    layernorm_forward,
    update_running_stats,
)
from nnref.optim import OPTIMIZERS, SGD, Adam, Optimizer, RMSprop, sgd_step
from nnref.regularization import dropout_backward, dropout_forward, l2_gradient, l2_penalty
from nnref.schedules import cosine_lr, step_lr, warmup_cosine_lr
from nnref.train import History, iterate_minibatches, train

# Modules with heavy imports (scikit-learn, matplotlib, torch) load on first use of a name.
_LAZY_EXPORTS = {
    "nnref.data": (
        "Split",
        "load_circles",
        "load_classification",
        "load_digits",
        "load_moons",
        "standardize",
    ),
    "nnref.plots": (
        "confusion_matrix",
        "plot_confusion_matrix",
        "plot_decision_boundary",
        "plot_history",
        "plot_weight_histograms",
        "plot_weight_norms",
    ),
    "nnref.torch_twin": (
        "to_torch_model",
        "to_torch_optimizer",
        "torch_grads_as_numpy",
        "torch_params_as_numpy",
    ),
    "nnref.demo": ("run_demo",),
}
_LAZY_MODULE = {name: module for module, names in _LAZY_EXPORTS.items() for name in names}

# Every name imported above (the submodules themselves aside) and every lazy one.
__all__ = sorted(
    [
        name
        for name, value in globals().items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    ]
    + list(_LAZY_MODULE)
)


def __getattr__(name: str) -> object:
    """PEP 562 lazy re-export: ``nnref.load_moons`` imports ``nnref.data`` on first access."""
    if name not in _LAZY_MODULE:
        raise AttributeError(f"module 'nnref' has no attribute {name!r}")
    return getattr(importlib.import_module(_LAZY_MODULE[name]), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY_MODULE})
