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
# # What batch normalisation does to activations
#
# As a batch flows through a deep network, each layer changes the scale and
# the centre of its activations, and the changes compound. Batch
# normalisation re-centres and re-scales every unit over the batch (to mean 0,
# standard deviation 1, then a learned scale and shift). We push one batch
# through a 15-layer ReLU network with and without `nn.BatchNorm1d` and record
# the mean and standard deviation after every layer.

# %%
import matplotlib.pyplot as plt
import torch
from torch import nn

torch.manual_seed(0)
torch.set_num_threads(1)  # models this small run faster on one CPU thread than on several
device = "cuda" if torch.cuda.is_available() else "cpu"
name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
print(f"device: {device} ({name})")

depth, width = 15, 128
x = (3 + 2 * torch.randn(512, width)).to(device)  # not centred; drawn on the CPU


def deep_net(batchnorm: bool) -> nn.Sequential:
    """Return depth blocks of Linear (+ BatchNorm1d) + ReLU with PyTorch's default init."""
    blocks: list[nn.Module] = []
    for _ in range(depth):
        blocks.append(nn.Linear(width, width))
        if batchnorm:
            blocks.append(nn.BatchNorm1d(width))
        blocks.append(nn.ReLU())
    return nn.Sequential(*blocks).to(device)


def activation_stats(model: nn.Sequential) -> tuple[list[float], list[float]]:
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


stats = {
    "plain": activation_stats(deep_net(False)),
    "with BatchNorm1d": activation_stats(deep_net(True)),
}
for label, (means, stds) in stats.items():
    print(f"{label:<16} layer 1: mean {means[0]:.3f} std {stds[0]:.3f}", end="   ")
    print(f"layer {depth}: mean {means[-1]:.2e} std {stds[-1]:.2e}")

# %% [markdown]
# Without normalisation, PyTorch's default initialisation shrinks the
# activations layer after layer until little but the biases is left: by layer
# 15 their spread is about forty times smaller than at layer 1 (the right
# panel is logarithmic), and where they start depends on the input's scale.
# With batch normalisation every layer starts from mean 0 and standard
# deviation 1, so after the ReLU the numbers are the same at every depth,
# whatever the input's scale.

# %%
layers = range(1, depth + 1)
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
for label, (means, stds) in stats.items():
    left.plot(layers, means, marker="o", markersize=4, label=label)
    right.plot(layers, stds, marker="o", markersize=4, label=label)
left.set_title("mean of the activations")
right.set_title("standard deviation of the activations")
right.set_yscale("log")
for ax in (left, right):
    ax.set_xlabel("layer")
    ax.legend()
left.set_ylabel("mean")
right.set_ylabel("standard deviation")
plt.tight_layout()
plt.show()
