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
# # SGD, momentum and Adam on the same problem
#
# Optimisers differ in how they turn a gradient into a step. Plain SGD steps
# straight down the gradient; momentum keeps a running average of past
# gradients, so steps in a consistent direction build up speed; Adam also
# divides each parameter's step by a running estimate of its gradient's size,
# so every parameter moves at a similar pace. We train copies of one small
# network, from the same starting weights, on two interleaved spirals.

# %%
import copy
import math

import matplotlib.pyplot as plt
import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
print(f"device: {device} ({name})")


def spirals(n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Return n points on each of two interleaved spirals, with labels 0 and 1."""
    t = torch.linspace(0.25, 1, n) * 3 * math.pi
    arm = torch.stack([t * torch.cos(t), t * torch.sin(t)], dim=1) / (3 * math.pi)
    points = torch.cat([arm, -arm]) + 0.03 * torch.randn(2 * n, 2)
    labels = torch.cat([torch.zeros(n), torch.ones(n)]).long()
    return points.to(device), labels.to(device)


x, y = spirals(100)
start = nn.Sequential(nn.Linear(2, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 2))
optimisers = {
    "SGD, lr 0.1": lambda p: torch.optim.SGD(p, lr=0.1),
    "SGD + momentum 0.9, lr 0.1": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
    "Adam, lr 0.01": lambda p: torch.optim.Adam(p, lr=0.01),
}

curves, models = {}, {}
for label, make_optimiser in optimisers.items():
    model = copy.deepcopy(start).to(device)  # the same initial weights for every optimiser
    opt = make_optimiser(model.parameters())
    losses = []
    for _ in range(300):
        loss = nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    curves[label], models[label] = losses, model
    accuracy = (model(x).argmax(dim=1) == y).float().mean().item()
    print(f"{label:<27} final loss {losses[-1]:.3f}   training accuracy {accuracy:.0%}")

# %% [markdown]
# All three see the same gradients at the start. Plain SGD barely leaves the
# starting plateau in 300 steps; momentum builds up speed and is half-way
# there (its spike is an overshoot: the built-up speed carries the weights
# past a drop); Adam, which rescales the small gradients of the early layers,
# separates the spirals. The loss axis is logarithmic. The pictures on the
# right colour the plane by the class each model predicts at the end.

# %%
fig = plt.figure(figsize=(11, 3.6))
grid = fig.add_gridspec(1, 4, width_ratios=[1.6, 1, 1, 1])
curve_ax = fig.add_subplot(grid[0])
for label, losses in curves.items():
    curve_ax.plot(losses, label=label)
curve_ax.set_yscale("log")
curve_ax.set_xlabel("step")
curve_ax.set_ylabel("cross-entropy loss")
curve_ax.set_title("Training loss")
curve_ax.legend(fontsize=7)

side = torch.linspace(-1.2, 1.2, 150, device=device)
gx, gy = torch.meshgrid(side, side, indexing="xy")
grid_points = torch.stack([gx.flatten(), gy.flatten()], dim=1)
for i, (label, model) in enumerate(models.items(), start=1):
    ax = fig.add_subplot(grid[i])
    with torch.no_grad():
        p1 = torch.softmax(model(grid_points), dim=1)[:, 1].view(gx.shape)
    extent = (-1.2, 1.2, -1.2, 1.2)
    ax.imshow(p1.cpu(), extent=extent, origin="lower", cmap="coolwarm", vmin=0, vmax=1, alpha=0.6)
    ax.scatter(
        x[:, 0].cpu(),
        x[:, 1].cpu(),
        c=y.cpu(),
        cmap="coolwarm",
        s=4,
        edgecolors="black",
        linewidths=0.2,
    )
    ax.set_title(label.split(",")[0], fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
plt.tight_layout()
plt.show()
