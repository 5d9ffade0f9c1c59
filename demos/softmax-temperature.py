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
# # Softmax and temperature
#
# Softmax turns a vector of scores (logits) into probabilities:
# `p_i = exp(z_i / T) / sum_j exp(z_j / T)`. The temperature `T` decides how
# sure the result is. We take one logit vector and sweep `T`.

# %%
import math

import matplotlib.pyplot as plt
import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
print(f"device: {device} ({name})")

tokens = ["cat", "dog", "fox", "owl", "emu"]
logits = torch.tensor([2.0, 1.0, 0.5, 0.0, -1.0], device=device)
temperatures = [0.25, 0.5, 1.0, 2.0, 5.0]


def entropy_bits(p: torch.Tensor) -> float:
    """Return the entropy of a probability vector, in bits."""
    return float(-(p * torch.log2(p.clamp_min(1e-12))).sum())


probs = {t: torch.softmax(logits / t, dim=0).cpu() for t in temperatures}
print(f"{'T':>5} " + " ".join(f"{w:>6}" for w in tokens) + "  entropy")
for t, p in probs.items():
    print(f"{t:5.2f} " + " ".join(f"{v:6.3f}" for v in p) + f"  {entropy_bits(p):.2f} bits")
print(f"uniform over {len(tokens)} tokens: {math.log2(len(tokens)):.2f} bits")

# %% [markdown]
# Read the entropy column: a low temperature sharpens the distribution towards
# the largest logit (close to 0 bits: almost certain), a high one flattens it
# towards uniform (close to log2 5 = 2.32 bits). The order of the tokens never
# changes; only how far apart their probabilities are.

# %%
fig, axes = plt.subplots(1, len(temperatures), figsize=(11, 3), sharey=True)
for ax, (t, p) in zip(axes, probs.items(), strict=True):
    ax.bar(tokens, p, color="tab:blue")
    ax.set_title(f"T = {t}\nentropy {entropy_bits(p):.2f} bits", fontsize=10)
    ax.set_ylim(0, 1)
    ax.set_xlabel("token")
    ax.tick_params(axis="x", labelsize=8)
axes[0].set_ylabel("probability")
fig.suptitle("softmax(logits / T) for logits " + ", ".join(f"{v:g}" for v in logits.tolist()))
plt.tight_layout()
plt.show()
