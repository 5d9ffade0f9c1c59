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
# # Vanishing gradients in a deep MLP
#
# Backpropagation multiplies one factor per layer on its way down. If those
# factors are below 1, the gradient reaching the first layers is tiny and they
# barely learn. We build two 20-layer MLPs that differ in their activation and
# in the initialisation that goes with it: sigmoid with Xavier, ReLU with He
# (Kaiming). We push one batch through and measure the gradient of each
# layer's weights.

# %%
import matplotlib.pyplot as plt
import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
print(f"device: {device} ({name})")

depth, width = 20, 64
x = torch.randn(256, width).to(device)  # drawn on the CPU: same on any device
target = torch.randn(256, 1).to(device)


def deep_mlp(activation: type[nn.Module]) -> nn.Sequential:
    """Return a depth-layer MLP, initialised as is usual for its activation."""
    layers: list[nn.Module] = []
    for _ in range(depth - 1):
        linear = nn.Linear(width, width)
        if activation is nn.ReLU:
            nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
        else:
            nn.init.xavier_normal_(linear.weight)
        nn.init.zeros_(linear.bias)
        layers += [linear, activation()]
    layers.append(nn.Linear(width, 1))
    return nn.Sequential(*layers).to(device)


def weight_grad_norms(model: nn.Sequential) -> list[float]:
    """Return the gradient norm of every linear layer's weight, first layer first."""
    loss = nn.functional.mse_loss(model(x), target)
    linears = [m for m in model if isinstance(m, nn.Linear)]
    grads = torch.autograd.grad(loss, [m.weight for m in linears])
    return [g.norm().item() for g in grads]


norms = {
    label: weight_grad_norms(deep_mlp(act))
    for label, act in [("sigmoid", nn.Sigmoid), ("ReLU", nn.ReLU)]
}
for label, n in norms.items():
    print(f"{label:<7} layer 1: {n[0]:.2e}   layer {depth}: {n[-1]:.2e}   ratio {n[0] / n[-1]:.1e}")

# %% [markdown]
# The sigmoid's slope is at most 0.25, so each layer can shrink the gradient
# fourfold or more: after 20 layers the first layer's gradient is many orders
# of magnitude smaller than the last one's. ReLU's slope is 1 wherever a unit
# is active, and with the matching (He) initialisation the gradient keeps
# roughly the same size all the way down. Both changes matter: ReLU with too
# small an initial scale, such as PyTorch's default, loses its gradient too.
# The y-axis is logarithmic.

# %%
layers = range(1, depth + 1)
fig, ax = plt.subplots(figsize=(6.5, 3.8))
for label, n in norms.items():
    ax.plot(layers, n, marker="o", markersize=4, label=label)
ax.set_yscale("log")
ax.set_xticks(range(1, depth + 1, 2))
ax.set_xlabel("layer (1 = nearest the input)")
ax.set_ylabel("gradient norm of the layer's weights")
ax.set_title(f"Gradient size per layer in a {depth}-layer MLP")
ax.legend()
plt.tight_layout()
plt.show()
