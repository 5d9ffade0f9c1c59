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
# # Scaled dot-product attention, by hand
#
# Attention lets every token build its output from every other token. Each
# token is projected to a query, a key and a value; the weight that token *i*
# gives token *j* is the softmax over *j* of `q_i . k_j / sqrt(d)`, and the
# output is the weighted sum of the values. We compute this on six toy tokens
# and compare it with PyTorch's own `F.scaled_dot_product_attention`.

# %%
import math

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
print(f"device: {device} ({name})")

tokens = ["the", "cat", "sat", "on", "the", "mat"]
vocabulary = sorted(set(tokens))
d = 8
embedding = torch.randn(len(vocabulary), d).to(device)  # drawn on the CPU: same on any device
x = embedding[[vocabulary.index(t) for t in tokens]]  # (6, d): one row per token
w_q, w_k, w_v = (torch.randn(d, d).to(device) / math.sqrt(d) for _ in range(3))
q, k, v = x @ w_q, x @ w_k, x @ w_v

scores = q @ k.T / math.sqrt(d)  # (6, 6): row i scores every token j for token i
weights = torch.softmax(scores, dim=-1)
by_hand = weights @ v

by_torch = F.scaled_dot_product_attention(q[None], k[None], v[None])[0]
print(f"max |by hand - F.scaled_dot_product_attention| = {(by_hand - by_torch).abs().max():.1e}")
print(f"row sums of the weights: {weights.sum(dim=-1).cpu().round(decimals=4).tolist()}")

# %% [markdown]
# A decoder that generates text must not look ahead, so it masks every token
# after the current one before the softmax (a causal mask). PyTorch does this
# with `is_causal=True`; by hand, we set those scores to minus infinity.

# %%
future = torch.triu(torch.ones(6, 6, dtype=torch.bool, device=device), diagonal=1)
causal_weights = torch.softmax(scores.masked_fill(future, float("-inf")), dim=-1)
causal_by_torch = F.scaled_dot_product_attention(q[None], k[None], v[None], is_causal=True)[0]
print(f"causal: max difference {(causal_weights @ v - causal_by_torch).abs().max():.1e}")

# %% [markdown]
# Read each row as "where this token looks". The two rows for "the" are
# identical, as are the two columns: attention on its own sees only what a
# token is, not where it is, which is why transformers add position
# information to the embeddings. With the causal mask, everything above the
# diagonal is zero and the first token can only attend to itself.

# %%
fig, axes = plt.subplots(1, 2, figsize=(9, 4), layout="constrained")
for ax, (title, w) in zip(
    axes, [("full attention", weights), ("causal attention", causal_weights)], strict=True
):
    shown = ax.imshow(w.cpu(), cmap="Blues", vmin=0, vmax=1)
    for i in range(6):
        for j in range(6):
            value = w[i, j].item()
            ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=8,
                    color="white" if value > 0.6 else "black")  # fmt: skip
    ax.set_xticks(range(6), tokens)
    ax.set_yticks(range(6), tokens)
    ax.set_xlabel("key: token attended to")
    ax.set_title(title)
axes[0].set_ylabel("query: token attending")
fig.colorbar(shown, ax=axes, fraction=0.025, label="attention weight")
plt.show()
