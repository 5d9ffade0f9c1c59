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
# # A small network learns a curved decision boundary
#
# Two interleaved half-moons of points, 200 per class, cannot be split by a
# straight line. We train a network with two hidden layers of 16 ReLU units
# (2 → 16 → 16 → 1, 337 parameters) by full-batch gradient descent with Adam
# and binary cross-entropy, and take snapshots of the region it assigns to
# each class as training goes on.

# %%
import math

import matplotlib.pyplot as plt
import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
print(f"device: {device} ({name})")


def two_moons(n: int, noise: float = 0.12) -> tuple[torch.Tensor, torch.Tensor]:
    """Return n points per class on two interleaved half-circles, with labels 0 and 1."""
    angle = torch.rand(n) * math.pi
    upper = torch.stack([torch.cos(angle), torch.sin(angle)], dim=1)
    lower = torch.stack([1 - torch.cos(angle), 0.5 - torch.sin(angle)], dim=1)
    points = torch.cat([upper, lower]) + noise * torch.randn(2 * n, 2)
    labels = torch.cat([torch.zeros(n), torch.ones(n)])
    return points.to(device), labels.to(device)  # drawn on the CPU: same on any device


x, y = two_moons(200)
model = nn.Sequential(
    nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1)
).to(device)
print(f"parameters: {sum(p.numel() for p in model.parameters())}")
opt = torch.optim.Adam(model.parameters(), lr=0.01)

grid = torch.linspace(-1.6, 2.6, 120)
gx, gy = torch.meshgrid(grid, torch.linspace(-1.2, 1.7, 90), indexing="xy")
grid_points = torch.stack([gx.flatten(), gy.flatten()], dim=1).to(device)
snapshot_steps = [0, 25, 100, 600]
snapshots = {}
for step in range(snapshot_steps[-1] + 1):
    if step in snapshot_steps:
        with torch.no_grad():
            prob = torch.sigmoid(model(grid_points)).view(gx.shape).cpu()
            accuracy = ((model(x).squeeze(1) > 0).float() == y).float().mean().item()
        snapshots[step] = (prob, accuracy)
        print(f"step {step:>3}: training accuracy {accuracy:.1%}")
    loss = nn.functional.binary_cross_entropy_with_logits(model(x).squeeze(1), y)
    opt.zero_grad()
    loss.backward()
    opt.step()

# %% [markdown]
# At step 0 the random network splits the plane almost arbitrarily. Within a
# few dozen steps it has found the best straight-ish cut, which gets most
# points right but not the tips of the moons. Only later do the hidden units'
# kinks line up so that the boundary bends around each moon. Every ReLU unit
# contributes one straight fold, so the boundary is made of straight pieces.

# %%
fig, axes = plt.subplots(2, 2, figsize=(7, 6), sharex=True, sharey=True)
points, labels = x.cpu(), y.cpu()
for ax, (step, (prob, accuracy)) in zip(axes.flat, snapshots.items()):
    ax.contourf(gx, gy, prob, levels=[0, 0.5, 1], colors=["#c6dbef", "#fdd0a2"])
    ax.contour(gx, gy, prob, levels=[0.5], colors="black", linewidths=1)
    for cls, colour in [(0, "tab:blue"), (1, "tab:orange")]:
        chosen = points[labels == cls]
        ax.scatter(chosen[:, 0], chosen[:, 1], s=6, color=colour)
    ax.set_title(f"step {step}: {accuracy:.1%} correct", fontsize=10)
for ax in axes[1]:
    ax.set_xlabel("x1")
for ax in axes[:, 0]:
    ax.set_ylabel("x2")
fig.suptitle("Decision boundary (black line) as training goes on")
plt.tight_layout()
plt.show()
