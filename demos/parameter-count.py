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
# # Counting a network's parameters
#
# A fully connected layer from `n_in` to `n_out` units holds an
# `n_out x n_in` weight matrix and, usually, one bias per output unit:
# `n_in * n_out + n_out` numbers. We count the parameters of the classic
# 784-128-128-10 MLP (a 28x28 image in, ten classes out) with that formula and
# check the count against PyTorch.

# %%
from itertools import pairwise

import matplotlib.pyplot as plt
import torch
from IPython.display import HTML, display
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
print(f"device: {device} ({name})")

sizes = [784, 128, 128, 10]
layer_shapes = list(pairwise(sizes))  # [(784, 128), (128, 128), (128, 10)]


def mlp(bias: bool) -> nn.Sequential:
    """Return the MLP with ReLU between its layers, with or without biases."""
    layers: list[nn.Module] = []
    for n_in, n_out in layer_shapes:
        layers += [nn.Linear(n_in, n_out, bias=bias), nn.ReLU()]
    return nn.Sequential(*layers[:-1]).to(device)  # no ReLU after the last layer


for bias in (True, False):
    formula = sum(n_in * n_out + (n_out if bias else 0) for n_in, n_out in layer_shapes)
    counted = sum(p.numel() for p in mlp(bias).parameters())
    print(f"bias={bias!s:<5}  formula {formula:>7,}  sum(p.numel()) {counted:>7,}", end="  ")
    print(f"equal: {formula == counted}")

# %% [markdown]
# Per layer, it is clear where the parameters are: the first layer, which sees
# all 784 pixels, holds 85% of them. The biases are a rounding error next to
# the weights: 266 numbers out of about 118 thousand.

# %%
rows = [
    (f"layer {i}", f"{n_in} → {n_out}", n_in * n_out, n_out)
    for i, (n_in, n_out) in enumerate(layer_shapes, 1)
]
total_weights = sum(w for _, _, w, _ in rows)
total_biases = sum(b for _, _, _, b in rows)
total = total_weights + total_biases


def html_row(cells: list[str], tag: str = "td") -> str:
    """Return one HTML table row; the columns after the first two are numbers."""
    styles = ["", ""] + [" style='text-align: right'"] * (len(cells) - 2)
    row = "".join(f"<{tag}{s}>{c}</{tag}>" for s, c in zip(styles, cells, strict=True))
    return f"<tr>{row}</tr>"


head = html_row(["layer", "shape", "weights", "biases", "total", "share"], tag="th")
body = [
    html_row([label, shape, f"{w:,}", f"{b:,}", f"{w + b:,}", f"{(w + b) / total:.1%}"])
    for label, shape, w, b in rows
]
foot = html_row(
    ["all", "", f"{total_weights:,}", f"{total_biases:,}", f"{total:,}", "100%"], tag="th"
)
display(
    HTML(f"<table><thead>{head}</thead><tbody>{''.join(body)}</tbody><tfoot>{foot}</tfoot></table>")
)

# %%
fig, ax = plt.subplots(figsize=(6, 3.2))
labels = [f"{label}\n{shape}" for label, shape, _, _ in rows]
weights = [w for _, _, w, _ in rows]
biases = [b for _, _, _, b in rows]
ax.bar(labels, weights, label="weights")
ax.bar(labels, biases, bottom=weights, label="biases")
for i, (w, b) in enumerate(zip(weights, biases, strict=True)):
    ax.text(i, w + b, f"{w + b:,}", ha="center", va="bottom")
ax.set_ylabel("parameters")
ax.set_ylim(0, max(weights) * 1.15)
ax.set_title("Parameters per layer of a 784-128-128-10 MLP")
ax.legend()
plt.tight_layout()
plt.show()
