"""Every assignment's attack catalogue, one batch each in test_attacks.py.

01 and 02 have catalogues of their own (attacks.py, attacks_torch.py), extended with the shared
rows they lack; every other assignment gets the shared rows (attacks_shared.py) on one base, its
honest twin: one wrong function, the only one its twin gets wrong. Adding an assignment is one
`shared_catalogue(...)` line below.
"""

from __future__ import annotations

from tests.integrity import attacks, attacks_torch
from tests.integrity.attacks import Base, Catalogue
from tests.integrity.attacks_shared import extended, shared_catalogue

INIT_UNSEEDED = Base(
    "init_unseeded",
    "init_two_layer",
    'rng = np.random.default_rng()\nreturn {"W1": rng.normal(0.0, np.sqrt(2.0 / D), size=(D, H)), '
    '"b1": np.zeros(H), "W2": rng.normal(0.0, np.sqrt(2.0 / H), size=(H, C)), "b2": np.zeros(C)}',
    frozenset({"q_init_two_layer", "q_train_two_layer"}),
    summary="`init_two_layer` draws He-scaled weights without its seed",
)
"""01's base for `forged_identity`: its seeding check compares two results of one seed."""

_ALL = (
    extended(attacks.CATALOGUE, "dense_zeros", on=INIT_UNSEEDED, only={"forged_identity"}),
    extended(attacks_torch.CATALOGUE, "loss_zeros"),
    shared_catalogue(
        "00_introduction",
        Base(
            "sigmoid_zeros",
            "sigmoid",
            "return np.zeros_like(np.asarray(z, dtype=float))",
            frozenset({"q_sigmoid", "q_graph"}),  # graph_forward calls sigmoid
        ),
    ),
    shared_catalogue(
        "03_experiments_and_visualizations",
        Base(
            "init_zeros",
            "init_weights",
            "return np.zeros((fan_in, fan_out))",
            frozenset({"q_init_weights"}),
        ),
    ),
    shared_catalogue(
        "04_optimizers", Base("adam_noop", "adam_step", "return None", frozenset({"q_adam"}))
    ),
    shared_catalogue(
        "05_regularization",
        Base(
            "dropout_backward_passthrough",
            "dropout_backward",
            "return dout",
            frozenset({"q_dropout_backward"}),
        ),
    ),
    shared_catalogue(
        "06_normalization_and_schedules",
        Base("cosine_lr_zero", "cosine_lr", "return 0.0", frozenset({"q_cosine_lr"})),
    ),
    shared_catalogue(
        "07_convolutions",
        Base(
            "conv_backward_zeros",
            "conv2d_backward",
            "return np.zeros(X.shape), np.zeros(W.shape), np.zeros(W.shape[0])",
            frozenset({"q_conv_backward", "q_cnn", "q_cnn_train"}),
        ),
    ),
)

CATALOGUES: dict[str, Catalogue] = {catalogue.assignment: catalogue for catalogue in _ALL}
"""The catalogue of each assignment the corpus covers."""
