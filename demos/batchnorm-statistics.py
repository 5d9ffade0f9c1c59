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
# # What batch normalisation does to activations, in training and in evaluation
#
# Batch normalisation standardises every unit over the current batch (mean 0,
# standard deviation 1, then a learned scale and shift). We push one batch
# through 15-layer ReLU networks of width 256 with and without `nn.BatchNorm1d` and record
# the mean and standard deviation after every layer. The plain network gets
# He initialisation, the scale that suits ReLU, so any difference comes from
# the normalisation and not from a badly scaled start.

# %%
import matplotlib.pyplot as plt
import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
print(f"device: {device} ({name})")

depth, width = 15, 256


def inputs(n: int) -> torch.Tensor:
    """Return n inputs that are neither centred nor of unit scale (mean 3, std 2)."""
    return (3 + 2 * torch.randn(n, width)).to(device)  # drawn on the CPU: same on any device


def deep_net(batchnorm: bool) -> nn.Sequential:
    """Return depth blocks of Linear (+ BatchNorm1d) + ReLU, He-initialised, zero biases."""
    blocks: list[nn.Module] = []
    for _ in range(depth):
        linear = nn.Linear(width, width)
        nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
        nn.init.zeros_(linear.bias)
        blocks.append(linear)
        if batchnorm:
            blocks.append(nn.BatchNorm1d(width))
        blocks.append(nn.ReLU())
    return nn.Sequential(*blocks).to(device)


def activation_stats(model: nn.Sequential, x: torch.Tensor) -> tuple[list[float], list[float]]:
    """Return the mean and standard deviation of the activations after each ReLU."""
    means, stds = [], []
    h = x
    with torch.no_grad():
        for module in model:
            h = module(h)
            if isinstance(module, nn.ReLU):
                means.append(h.mean().item())
                stds.append(h.std().item())
    return means, stds


x = inputs(512)
draws = 10  # a single random network drifts by chance; ten show what is typical
stats = {
    label: torch.tensor([activation_stats(deep_net(bn), x) for _ in range(draws)])
    for label, bn in [("plain, He init", False), ("with BatchNorm1d", True)]
}  # shape (draws, 2, depth): mean and std after every layer, for every draw
for label, s in stats.items():
    std = s[:, 1]
    print(f"{label:<16} std at layer 1: {std[:, 0].mean():.2f}", end="   ")
    print(f"at layer {depth}: {std[:, -1].mean():.2f} (range {std[:, -1].min():.2f} to {std[:, -1].max():.2f})")
plain = stats["plain, He init"][:, 1]
print(f"plain network, average std at layer {depth} / layer 1: {(plain[:, -1] / plain[:, 0]).mean():.2f}")
torch.manual_seed(0)
net = deep_net(False)
half = activation_stats(net, x / 2)[1][-1] / activation_stats(net, x)[1][-1]
print(f"plain network, input halved: layer-{depth} std changes by a factor {half:.2f}")

# %% [markdown]
# With He initialisation the plain network neither explodes nor dies out: on
# average its spread loses about a fifth over 15 layers (the ratio printed
# above), where PyTorch's default initialisation would lose a factor of about
# 2.4 at every layer. Any one random network drifts up or down by chance,
# which the shaded band (the range over ten networks) shows, and the scale it
# keeps is the input's: halve the input and every layer's output halves. With batch
# normalisation each layer starts again from mean 0 and standard deviation 1
# before its ReLU, so every layer shows the same numbers, whatever the scale
# and centre of the input. (A plain ReLU stack whose activations shrink
# steadily with depth usually has too small an initial scale, such as
# PyTorch's default for `nn.Linear`, a sixth of He's variance; depth itself
# is not the cause.)

# %%
layers = range(1, depth + 1)
fig, (left, right) = plt.subplots(1, 2, figsize=(7, 3.6))
for label, s in stats.items():
    for ax, values in ((left, s[:, 0]), (right, s[:, 1])):
        (line,) = ax.plot(layers, values.mean(dim=0), marker="o", markersize=3, label=label)
        ax.fill_between(layers, values.min(dim=0).values, values.max(dim=0).values,
                        color=line.get_color(), alpha=0.2)
left.set_title("mean of the activations")
right.set_title("spread of the activations")
for ax in (left, right):
    ax.set_xlabel("layer")
    ax.set_ylim(bottom=0)
left.set_ylabel(f"mean (average of {draws} networks)")
right.set_ylabel("standard deviation")
left.legend(fontsize=8)
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Training mode and evaluation mode
#
# In training mode a batch-norm layer uses the statistics of the batch in
# front of it, so an example's output depends on which other examples share
# its batch. It also keeps running averages of those statistics, and after
# `model.eval()` it uses the averages instead. We let the running averages
# settle over 100 batches (a forward pass in training mode updates them; no
# learning is needed), then put one fixed example into 30 different batches
# of 8 and read the same output unit in both modes.

# %%
probe = inputs(1)
normed = deep_net(True)
with torch.no_grad():
    for _ in range(100):
        normed(inputs(64))
    train_mode = [normed(torch.cat([probe, inputs(7)]))[0, 0].item() for _ in range(30)]
    normed.eval()
    eval_mode = [normed(torch.cat([probe, inputs(7)]))[0, 0].item() for _ in range(30)]
spread = torch.tensor(train_mode)
print(f"training mode:   mean {spread.mean():.3f}, from {spread.min():.3f} to {spread.max():.3f}")
print(f"evaluation mode: from {min(eval_mode):.3f} to {max(eval_mode):.3f}")
normed.train()
try:
    normed(probe)
except ValueError as err:
    print(f"training mode, batch of one: ValueError: {err}")

# %% [markdown]
# In training mode the same example gets a different answer in every batch;
# in evaluation mode it gets one answer, and a batch of one works. Forgetting
# `model.eval()` before testing or serving leaves the model in the first
# situation: its predictions wobble with their batch-mates, and a single
# example cannot be processed at all.

# %%
fig, ax = plt.subplots(figsize=(7, 3.6))
batches = range(1, 31)
ax.plot(batches, train_mode, marker="o", linestyle="none", label="training mode (batch statistics)")
ax.plot(batches, eval_mode, marker="s", markersize=4, label="evaluation mode (running statistics)")
ax.set_xlabel("batch the example was placed in")
ax.set_ylabel("output of unit 1 for the example")
ax.set_title("One example, 30 batches of 8")
ax.legend(fontsize=8)
plt.tight_layout()
plt.show()
