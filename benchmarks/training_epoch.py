"""Time one training epoch of the same MLP in nnref (NumPy) and in PyTorch (CPU), in one run.

Model 784-256-256-10 with ReLU, softmax cross-entropy, plain SGD (lr 0.01), batch size 128,
60,000 synthetic float32 samples (MNIST-sized), shuffled every epoch. Both sides start from the
same weights (the torch model is nnref's twin) and do the same work per batch: gather the batch,
forward, loss, backward, update, and count the loss and correct predictions.

    python benchmarks/training_epoch.py [--repeats 3] [--threads 1] [--samples 60000]

Prints the seconds of every epoch, the medians and the ratio nnref / torch of the medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable

LAYER_SIZES = [784, 256, 256, 10]
BATCH_SIZE = 128
LEARNING_RATE = 0.01


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed epochs per library")
    parser.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP/torch threads")
    parser.add_argument("--samples", type=int, default=60_000, help="training samples")
    return parser.parse_args(argv)


def set_threads(n: int) -> None:
    """Same thread count for NumPy's BLAS and torch; must run before numpy/torch are imported."""
    if "numpy" in sys.modules or "torch" in sys.modules:
        raise RuntimeError("set_threads must run before numpy and torch are imported")
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(n)


def main(argv: list[str] | None = None) -> dict[str, float]:
    args = parse_args(argv)
    set_threads(args.threads)

    import numpy as np
    import torch
    from torch.nn import functional as F

    from nnref.model import MLP
    from nnref.optim import SGD
    from nnref.torch_twin import to_torch_model
    from nnref.train import train

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)

    rng = np.random.default_rng(0)
    X = rng.standard_normal((args.samples, LAYER_SIZES[0]), dtype=np.float32)
    y = (X @ rng.standard_normal((LAYER_SIZES[0], LAYER_SIZES[-1]), dtype=np.float32)).argmax(1)
    X_torch, y_torch = torch.from_numpy(X), torch.from_numpy(y)

    mlp = MLP(LAYER_SIZES, activation="relu", seed=0, dtype=np.float32)
    net = to_torch_model(mlp, dtype=torch.float32)
    nnref_optimizer = SGD(mlp.params, lr=LEARNING_RATE)
    torch_optimizer = torch.optim.SGD(net.parameters(), lr=LEARNING_RATE)

    def nnref_epoch(seed: int, n: int) -> float:
        history = train(
            mlp, nnref_optimizer, X[:n], y[:n], epochs=1, batch_size=BATCH_SIZE, seed=seed
        )
        return history.train_loss[-1]

    def torch_epoch(seed: int, n: int) -> float:
        order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
        loss_sum, correct = 0.0, 0
        for start in range(0, n, BATCH_SIZE):
            index = order[start : start + BATCH_SIZE]
            X_b, y_b = X_torch[index], y_torch[index]
            torch_optimizer.zero_grad()
            logits = net(X_b)
            loss = F.cross_entropy(logits, y_b)
            loss.backward()
            torch_optimizer.step()
            loss_sum += loss.item() * len(index)
            correct += int((logits.argmax(1) == y_b).sum())
        return loss_sum / n

    def timed(epoch: Callable[[int, int], float], seed: int) -> float:
        start = time.perf_counter()
        epoch(seed, args.samples)
        return time.perf_counter() - start

    print(
        f"MLP {'-'.join(map(str, LAYER_SIZES))} ReLU, SGD lr={LEARNING_RATE}, batch {BATCH_SIZE}, "
        f"{args.samples} samples float32; threads={args.threads} (OMP/OPENBLAS/MKL_NUM_THREADS, "
        f"torch.set_num_threads); numpy {np.__version__}, torch {torch.__version__}"
    )
    for epoch in (nnref_epoch, torch_epoch):  # warm-up: first-call costs, caches
        epoch(0, min(args.samples, 10 * BATCH_SIZE))
    times: dict[str, list[float]] = {"nnref": [], "torch": []}
    for repeat in range(1, args.repeats + 1):
        times["nnref"].append(timed(nnref_epoch, repeat))
        times["torch"].append(timed(torch_epoch, repeat))
        print(
            f"epoch {repeat}: nnref {times['nnref'][-1]:.3f} s   torch {times['torch'][-1]:.3f} s"
        )
    medians = {name: statistics.median(values) for name, values in times.items()}
    ratio = medians["nnref"] / medians["torch"]
    print(
        f"median seconds per epoch: nnref {medians['nnref']:.3f}, torch {medians['torch']:.3f}; "
        f"ratio nnref/torch = {ratio:.2f}"
    )
    return {**medians, "ratio": ratio}


if __name__ == "__main__":
    main()
