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
# # Gradients through a deep stack, with and without skip connections
#
# We build the same 30 blocks twice. Each block is two linear layers with a
# ReLU between them, `F(h) = W2 · ReLU(W1 · h)`.
# The plain stack computes `h ← F(h)`; the residual
# stack computes `h ← h + F(h)`. Both keep
# PyTorch's default initialisation, as a model written without thought for
# the initial scale would. One backward pass, and we record the gradient norm
# of each block's first weight matrix.

# %%
import matplotlib.pyplot as plt
import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
print(f"device: {device} ({name})")

blocks, width = 30, 64
x = torch.randn(256, width).to(device)  # drawn on the CPU: same on any device
target = torch.randn(256, 1).to(device)


class Stack(nn.Module):
    """Blocks of Linear, ReLU, Linear, with or without a skip around each block."""

    def __init__(self, skip: bool, he_init: bool = False) -> None:
        super().__init__()
        self.skip = skip
        self.blocks = nn.ModuleList(
            nn.Sequential(nn.Linear(width, width), nn.ReLU(), nn.Linear(width, width))
            for _ in range(blocks)
        )
        if he_init:  # gain 2 where a ReLU follows, gain 1 where none does
            for block in self.blocks:
                nn.init.kaiming_normal_(block[0].weight, nonlinearity="relu")
                nn.init.kaiming_normal_(block[2].weight, nonlinearity="linear")
        self.head = nn.Linear(width, 1)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        for block in self.blocks:
            h = h + block(h) if self.skip else block(h)
        return self.head(h)


def first_layer_grad_norms(model: Stack) -> list[float]:
    """Return the gradient norm of every block's first weight matrix, input side first."""
    model = model.to(device)
    loss = nn.functional.mse_loss(model(x), target)
    weights = [block[0].weight for block in model.blocks]
    return [g.norm().item() for g in torch.autograd.grad(loss, weights)]


torch.manual_seed(1)
plain = first_layer_grad_norms(Stack(skip=False))
torch.manual_seed(1)
residual = first_layer_grad_norms(Stack(skip=True))
torch.manual_seed(1)
plain_he = first_layer_grad_norms(Stack(skip=False, he_init=True))
for label, norms in [("plain", plain), ("residual", residual), ("plain, He init", plain_he)]:
    ratio = norms[-1] / norms[0]
    print(f"{label:<15} block 1: {norms[0]:.2e}  block {blocks}: {norms[-1]:.2e}  last/first {ratio:.1e}")

# %% [markdown]
# In the plain stack the gradient has to pass back through every block's
# Jacobian, and with this initial scale each one shrinks it, so the blocks near
# the input receive almost nothing. In the residual stack the backward signal
# at each block is the one from above plus whatever passes through the block,
# `I + dF/dh`, so it reaches the first block at
# about the size it has at the last. The last printed line is a fair warning
# against reading too much into one picture: at this depth, He initialisation
# alone also keeps the plain stack's gradients in range. Skip connections make
# the network indifferent to that choice, and they still matter where good
# initialisation is not enough: He and colleagues (2016) found plain stacks of
# a few dozen layers training worse than shallower ones even with good
# initialisation and batch normalisation. The y-axis is logarithmic.

# %%
fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(range(1, blocks + 1), plain, marker="o", markersize=3, label="plain: h = F(h)")
ax.plot(range(1, blocks + 1), residual, marker="o", markersize=3, label="residual: h = h + F(h)")
ax.set_yscale("log")
ax.set_xlabel("block (1 = nearest the input)")
ax.set_ylabel("gradient norm of the block's W1")
ax.set_title(f"One backward pass through {blocks} blocks, PyTorch default init")
ax.legend()
plt.tight_layout()
plt.show()
