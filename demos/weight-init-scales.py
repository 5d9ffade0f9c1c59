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
# # How the initial weight scale carries through a deep stack
#
# Every layer sums 256 weighted inputs, so the spread of its output is the
# spread of its input times about `√256 · σ` (and a factor for the
# activation). We build 20-layer stacks of ReLU and of tanh layers with four
# starting scales and measure the standard deviation of the activations after
# every layer, for one batch of standard-normal inputs:
#
# - **std 1**: weights drawn from a standard normal;
# - **Xavier**: variance `2 / (n_in + n_out)`, 1/256 here;
# - **He**: variance `2 / n_in`;
# - **PyTorch default**: what `nn.Linear` draws unless told otherwise,
#   `kaiming_uniform_(a=√5)`, which is uniform on `±1/√n_in`,
#   variance `1 / (3 n_in)`.
#
# Biases are zero in every case, so only the weight scale differs.

# %%
import math
from collections.abc import Callable

import matplotlib.pyplot as plt
import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
print(f"device: {device} ({name})")

depth, width = 20, 256
x = torch.randn(1000, width).to(device)  # drawn on the CPU: same on any device


Init = Callable[[torch.Tensor], object]
Activation = Callable[[torch.Tensor], torch.Tensor]
schemes: dict[str, Init] = {
    "std 1": lambda w: nn.init.normal_(w, std=1.0),
    "Xavier": nn.init.xavier_normal_,
    "He": lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu"),
    "PyTorch default": lambda w: nn.init.kaiming_uniform_(w, a=math.sqrt(5)),  # as nn.Linear does
}
default_var = nn.Linear(width, width).weight.var().item()
print(f"nn.Linear default weight variance {default_var:.2e}; 1/(3n) = {1 / (3 * width):.2e}")
print(f"He variance 2/n = {2 / width:.2e}, {2 / width / default_var:.1f} times the default")


def stds_per_layer(init: Init, activation: Activation) -> list[float]:
    """Return the activation std after each of depth layers for one weight scale."""
    h, stds = x, []
    with torch.no_grad():
        for _ in range(depth):
            linear = nn.Linear(width, width, bias=False).to(device)
            init(linear.weight)
            h = activation(linear(h))
            stds.append(h.std().item())
    return stds


results = {
    act_name: {label: stds_per_layer(init, act) for label, init in schemes.items()}
    for act_name, act in [("ReLU", torch.relu), ("tanh", torch.tanh)]
}
for act_name, by_scheme in results.items():
    for label, stds in by_scheme.items():
        print(f"{act_name:<5} {label:<16} layer 1: {stds[0]:9.3g}   layer {depth}: {stds[-1]:9.3g}")
relu_default = results["ReLU"]["PyTorch default"]
print(f"ReLU, PyTorch default: std shrinks {relu_default[0] / relu_default[1]:.2f}x per layer")

# %% [markdown]
# With ReLU, a standard-normal start multiplies the spread by about
# √128 ≈ 11 per layer, so it explodes; PyTorch's default gives
# each layer a sixth of the variance He asks for, so the spread shrinks by
# about √6 ≈ 2.4 per layer and is almost gone after 20 layers.
# He keeps it steady, and Xavier, made for activations that do not zero half
# their inputs, loses about √2 per layer. With tanh the standard-normal
# start cannot explode: it saturates, its units sit at ±1 where the slope
# is nearly zero, so its gradients would die instead. Xavier shrinks only
# slowly, and the default shrinks fast again. The y-axis is logarithmic.

# %%
layers = range(1, depth + 1)
fig, axes = plt.subplots(1, 2, figsize=(7, 3.8), sharey=True)
for ax, (act_name, by_scheme) in zip(axes, results.items()):
    for label, stds in by_scheme.items():
        ax.plot(layers, stds, marker="o", markersize=3, label=label)
    ax.set_yscale("log")
    ax.set_title(f"{act_name} stack")
    ax.set_xlabel("layer")
axes[0].set_ylabel("std of the activations")
axes[1].legend(fontsize=8)
plt.tight_layout()
plt.show()
