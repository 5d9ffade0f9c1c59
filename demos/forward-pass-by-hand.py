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
# # A forward pass, by hand
#
# A layer of a network is a matrix product plus a bias: `h = x @ W.T + b`.
# Here we build a two-layer network with `nn.Linear`, then compute its output
# ourselves from the same weights and check that the two agree.

# %%
import matplotlib.pyplot as plt
import torch
from torch import nn

torch.manual_seed(0)
# IEEE fp32 on a GPU too (no TF32), so a GPU run prints what the CPU run prints
torch.backends.cudnn.allow_tf32 = False
torch.backends.cuda.matmul.allow_tf32 = False
device = "cuda" if torch.cuda.is_available() else "cpu"
name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
print(f"device: {device} ({name})")

first, second = nn.Linear(3, 5), nn.Linear(5, 2)
model = nn.Sequential(first, nn.ReLU(), second).to(device)
x = torch.randn(4, 3).to(device)  # a batch of 4 examples, 3 features each

# %% [markdown]
# Each row of `x` is one example. The first layer maps 3 numbers to 5, ReLU
# zeroes the negative ones, and the second layer maps 5 numbers to 2.

# %%
with torch.no_grad():
    z1 = x @ first.weight.T + first.bias  # (4, 3) @ (3, 5) -> (4, 5)
    h1 = torch.clamp(z1, min=0.0)  # ReLU: max(0, z)
    by_hand = h1 @ second.weight.T + second.bias  # (4, 5) @ (5, 2) -> (4, 2)
    by_module = model(x)

for label, t in [("x", x), ("W1", first.weight), ("z1", z1), ("h1", h1), ("y", by_hand)]:
    print(f"{label:>3} shape {tuple(t.shape)}")
diff = (by_hand - by_module).abs().max().item()
print(f"max |by hand - nn.Sequential| = {diff:.2e}")
print(f"allclose: {torch.allclose(by_hand, by_module)}")

# %% [markdown]
# The difference is zero or a rounding error: `nn.Linear` is nothing more than
# this product. In the picture, every negative pre-activation in `z1` becomes
# 0 in `h1`: for that example, that unit passes nothing to the next layer.

# %%
panels = [("input x", x), ("pre-activation z1", z1), ("after ReLU h1", h1), ("output y", by_hand)]
fig, axes = plt.subplots(1, 4, figsize=(9, 3.2), gridspec_kw={"width_ratios": [3, 5, 5, 2]})
for ax, (title, tensor) in zip(axes, panels, strict=True):
    values = tensor.cpu()
    ax.imshow(values, cmap="coolwarm", vmin=-1.5, vmax=1.5)
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            ax.text(j, i, f"{values[i, j]:.1f}", ha="center", va="center", fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("unit")
    ax.set_xticks(range(values.shape[1]))
    ax.set_yticks(range(values.shape[0]))
axes[0].set_ylabel("example")
fig.suptitle("The same batch, layer by layer")
plt.tight_layout()
plt.show()
