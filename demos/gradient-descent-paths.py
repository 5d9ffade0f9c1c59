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
# # Gradient descent on a long, narrow valley
#
# The loss `f(w) = 0.5 * (w1^2 + 10 * w2^2)` is ten times steeper along `w2`
# than along `w1`, like many real losses. Plain gradient descent steps
# `w <- w - lr * grad f(w)`; we start at the same point with several learning
# rates and draw where each one goes.

# %%
import matplotlib.pyplot as plt
import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
print(f"device: {device} ({name})")

curvature = torch.tensor([1.0, 10.0], device=device)


def loss_fn(w: torch.Tensor) -> torch.Tensor:
    """Return the quadratic loss at w (the last axis holds the two coordinates)."""
    return 0.5 * (curvature * w**2).sum(dim=-1)


def descend(lr: float, steps: int = 30) -> torch.Tensor:
    """Return the points visited by gradient descent from a fixed start."""
    w = torch.tensor([-4.0, 1.5], device=device, requires_grad=True)
    path = [w.detach().clone()]
    for _ in range(steps):
        (grad,) = torch.autograd.grad(loss_fn(w), w)
        with torch.no_grad():
            w -= lr * grad
        path.append(w.detach().clone())
    return torch.stack(path).cpu()


rates = [0.02, 0.08, 0.18, 0.22]
paths = {lr: descend(lr) for lr in rates}
for lr, path in paths.items():
    covered = 1 - path[-1, 0].abs() / path[0, 0].abs()  # share of the shallow-axis distance
    print(
        f"lr = {lr:<5} loss after {len(path) - 1} steps: {loss_fn(path[-1].to(device)):.3g}, "
        f"shallow axis {covered:.0%} of the way"
    )

# %% [markdown]
# Along the steep axis, a step multiplies the distance to the minimum by
# `1 - 10 * lr`. Below `lr = 0.1` that factor is positive and smaller than 1,
# so the steep coordinate settles quickly without overshooting; between 0.1
# and 0.2 it is negative and the path zig-zags across the valley; above 0.2
# its size is over 1, so every step lands further away: the run diverges.
# Along the shallow axis a step multiplies the distance only by `1 - lr`, so
# with a small rate the path creeps along the valley floor (at `lr = 0.02`,
# 30 steps cover only about 45% of the way to the minimum). The steep axis
# caps the rate, and the shallow axis then sets how slow progress is.

# %%
grid = torch.linspace(-5, 5, 201)
g1, g2 = torch.meshgrid(grid, grid, indexing="xy")
surface = loss_fn(torch.stack([g1, g2], dim=-1).to(device)).cpu()


def until_outside(path: torch.Tensor, limit: float = 5.0) -> torch.Tensor:
    """Return the path up to and including its first point beyond the limit."""
    outside = (path.abs() > limit).any(dim=1).nonzero()
    return path if len(outside) == 0 else path[: int(outside[0]) + 1]


fig, ax = plt.subplots(figsize=(7, 4))
ax.contour(g1, g2, surface, levels=[0.5, 2, 5, 10, 20, 40, 80], colors="lightgrey")
for lr, full_path in paths.items():
    path = until_outside(full_path)
    ax.plot(path[:, 0], path[:, 1], marker="o", markersize=3, linewidth=1, label=f"lr = {lr}")
ax.plot(0, 0, marker="*", color="black", markersize=12, linestyle="none", label="minimum")
ax.set_xlim(-5, 1.5)
ax.set_ylim(-3, 3)
ax.set_xlabel("w1 (shallow direction)")
ax.set_ylabel("w2 (steep direction)")
ax.set_title("30 steps of gradient descent from (-4, 1.5)")
ax.legend(loc="lower right", fontsize=8)
plt.tight_layout()
plt.show()
