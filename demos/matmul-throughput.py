# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   glossgraph:
#     timeout: 60
# ---

# %% [markdown]
# # How fast does this machine multiply matrices?
#
# Almost all the arithmetic of inference is matrix multiplication: a layer
# with an `n_in x n_out` weight matrix applied to a batch of `b` inputs costs
# `2 * b * n_in * n_out` floating-point operations (one multiply and one add
# per weight per input). So the rate at which the hardware multiplies
# matrices, in FLOP/s, sets how fast a model answers. We measure it for square
# matrices of growing size on the CPU and, when there is one, on the GPU.

# %%
import time

import matplotlib.pyplot as plt
import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
print(f"device: {device} ({name})")


def throughput(n: int, where: str, dtype: torch.dtype, budget: float = 0.2) -> float:
    """Return GFLOP/s of an n x n matrix product, from a batch that lasts at least `budget` s.

    A GPU runs queued work while Python goes on, so the batch is timed as one
    piece, with a single wait for the GPU at its end: waiting after every
    small product would time the wait, not the arithmetic.
    """
    a = torch.randn(n, n).to(where, dtype)
    b = torch.randn(n, n).to(where, dtype)
    sync = torch.cuda.synchronize if where == "cuda" else (lambda: None)
    a @ b  # warm-up: the first call pays for kernel selection and caches
    sync()
    repeats = 1
    while True:
        start = time.perf_counter()
        for _ in range(repeats):
            a @ b
        sync()
        seconds = time.perf_counter() - start
        if seconds >= budget:
            return 2 * n**3 * repeats / seconds / 1e9
        repeats *= 2


# %% [markdown]
# Small products cannot keep the hardware busy: the time goes on starting the
# operation and moving data, not on arithmetic. As the matrices grow, the rate
# climbs towards the hardware's peak. A GPU's peak is far higher than a CPU's,
# and it is higher still in bfloat16, the 16-bit format most large models run
# in.

# %%
sizes = [64, 128, 256, 512, 1024, 2048]
runs = {"CPU float32": [throughput(n, "cpu", torch.float32) for n in sizes]}
if device == "cuda":
    gpu_sizes = [*sizes, 4096, 8192]
    for label, dtype in (("float32", torch.float32), ("bfloat16", torch.bfloat16)):
        runs[f"GPU {label}"] = [throughput(n, "cuda", dtype) for n in gpu_sizes]

print(f"{'n':>6}" + "".join(f"{label:>16}" for label in runs))
for i, n in enumerate([*sizes, 4096, 8192]):
    cells = [f"{rates[i]:>16,.0f}" if i < len(rates) else f"{'':>16}" for rates in runs.values()]
    if any(cell.strip() for cell in cells):
        print(f"{n:>6}" + "".join(cells))
print("(GFLOP/s)")

# %%
fig, ax = plt.subplots(figsize=(6, 3.5))
for label, rates in runs.items():
    ax.plot([64 * 2**i for i in range(len(rates))], rates, marker="o", label=label)
ax.set_xscale("log", base=2)
ax.set_yscale("log")
ax.set_xlabel("matrix size n (n x n times n x n)")
ax.set_ylabel("GFLOP/s")
ax.set_title(f"Matrix multiply throughput on {name}")
ax.legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# To turn a rate into an answer time: a forward pass of a 7-billion-parameter
# language model costs about 2 x 7e9 = 1.4e10 FLOPs per generated token, so at
# 100 GFLOP/s that is a tenth of a second of pure arithmetic per token, and at
# 500 TFLOP/s it is 28 microseconds. In practice reading the weights from
# memory, not the arithmetic, is often what limits generation speed.
