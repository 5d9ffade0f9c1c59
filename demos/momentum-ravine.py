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
# ---

# %% [markdown]
# # Momentum in a ravine
#
# The loss `L(x, y) = (x² + 100 y²) / 2` is a ravine: a hundred times steeper
# across (`y`) than along (`x`). Its minimum is at the origin. Plain gradient
# descent must keep its step below `2 / 100` or it diverges across the steep
# axis, and with such a small step it creeps along the shallow one. We run
# `torch.optim.SGD` from the same start with and without momentum and record
# the distance to the minimum after every step.

# %%
import math

import matplotlib.pyplot as plt
import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
print(f"device: {device} ({name})")

curvature = torch.tensor([1.0, 100.0], dtype=torch.float64, device=device)
start = [-10.0, 1.0]
steps = 300
lo, hi = curvature.min().item(), curvature.max().item()
best_plain_lr = 2 / (lo + hi)  # the fastest plain gradient descent can go on this bowl
settings = {
    f"SGD, lr {best_plain_lr:.4f}": {"lr": best_plain_lr, "momentum": 0.0},
    "SGD + momentum 0.9, lr 0.01": {"lr": 0.01, "momentum": 0.9},
}


def loss_fn(w: torch.Tensor) -> torch.Tensor:
    """Return the ravine loss at w."""
    return 0.5 * (curvature * w**2).sum()


paths, distances = {}, {}
for label, options in settings.items():
    w = torch.tensor(start, dtype=torch.float64, device=device, requires_grad=True)
    opt = torch.optim.SGD([w], **options)
    trace = [w.detach().cpu().clone()]
    for _ in range(steps):
        opt.zero_grad()
        loss_fn(w).backward()
        opt.step()
        trace.append(w.detach().cpu().clone())
    path = torch.stack(trace)
    paths[label], distances[label] = path, path.norm(dim=1)
    reached = next((t for t, d in enumerate(distances[label]) if d < 1e-3), None)
    print(f"{label:<28} distance after {steps} steps {distances[label][-1]:.1e}   "
          f"first step below 1e-3: {reached}")

kappa = hi / lo
print(f"condition number {kappa:.0f}: plain rate per step (k-1)/(k+1) = {(kappa - 1) / (kappa + 1):.4f}, "
      f"momentum 0.9 rate sqrt(0.9) = {math.sqrt(0.9):.4f}")

# %% [markdown]
# Without momentum the error along the shallow axis shrinks by only about 2 %
# per step, whatever learning rate we pick, because the steep axis caps it.
# Momentum adds up the small, consistent pushes along the ravine floor while
# the alternating pushes across it cancel, so the same kind of step travels much
# further. The right panel is on a logarithmic scale.

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(7.5, 3.6))
for label, path in paths.items():
    left.plot(path[:60, 0], path[:60, 1], marker=".", markersize=3, linewidth=0.8, label=label)
left.plot(0, 0, marker="*", color="black", markersize=10)
left.set_xlabel("x (shallow axis)")
left.set_ylabel("y (steep axis)")
left.set_title("First 60 steps", fontsize=10)
for label, dist in distances.items():
    right.plot(dist, label=label)
right.set_yscale("log")
right.set_xlabel("step")
right.set_ylabel("distance to the minimum")
right.set_title("Distance per step", fontsize=10)
right.legend(fontsize=7)
plt.tight_layout()
plt.show()
