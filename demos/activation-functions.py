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
# # Activation functions and their slopes
#
# Without a non-linearity between them, stacked linear layers collapse into a
# single linear map. We draw four common activations and let autograd compute
# their derivatives, which is what backpropagation multiplies along the way.

# %%
from collections.abc import Callable

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
print(f"device: {device} ({name})")

x = (torch.arange(-200, 201, device=device) / 50).requires_grad_()  # -4 to 4, exact 0
Activation = Callable[[torch.Tensor], torch.Tensor]
activations: dict[str, Activation] = {
    "ReLU": F.relu,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "GELU": F.gelu,
}

curves = {}
for label, fn in activations.items():
    y = fn(x)
    (dy,) = torch.autograd.grad(y.sum(), x)  # each y[i] depends only on x[i]
    curves[label] = (y.detach().cpu(), dy.cpu())

# %% [markdown]
# Summing the outputs before calling `autograd.grad` is a trick: since each
# output depends only on its own input, the gradient of the sum is the
# derivative at every point at once.

# %%
zero = 200  # index of x == 0
print(f"{'function':<8} {'f(0)':>6} {'slope at 0':>11} {'max slope':>10} {'slope at -4':>12}")
for label, (y, dy) in curves.items():
    row = f"{label:<8} {y[zero]:6.3f} {dy[zero]:11.3f} {dy.max():10.3f} {dy[0]:12.4f}"
    print(row)

# %% [markdown]
# Look at the right panel. The sigmoid's slope is never above 0.25, so a chain
# of sigmoids shrinks gradients layer after layer; tanh reaches 1 but only near
# zero. ReLU's slope is exactly 1 for every positive input (and 0 for negative
# ones; PyTorch uses 0 at the kink). GELU is a smooth ReLU that dips slightly
# below zero.

# %%
xs = x.detach().cpu()
fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5))
for label, (y, dy) in curves.items():
    left.plot(xs, y, label=label)
    right.plot(xs, dy, label=label)
left.set_title("activation f(x)")
right.set_title("derivative f'(x), from autograd")
for ax in (left, right):
    ax.axhline(0, color="grey", linewidth=0.6)
    ax.axvline(0, color="grey", linewidth=0.6)
    ax.set_xlabel("x")
    ax.legend()
left.set_ylabel("f(x)")
right.set_ylabel("f'(x)")
left.set_ylim(-1.5, 4)
plt.tight_layout()
plt.show()
