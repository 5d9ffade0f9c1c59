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
# # Sinusoidal positional encodings
#
# Attention by itself ignores order, so the original transformer adds a
# position vector to each token embedding. Dimension pair `i` of position `p`
# holds `sin(p * w_i)` and `cos(p * w_i)`, with frequencies
# `w_i = 10000^(-2i/d)` falling geometrically from 1 to nearly 1/10000. The
# fast pairs tell neighbours apart; the slow ones tell distant regions apart.
# We draw the encodings and measure how alike two positions look as they move
# apart.

# %%
import matplotlib.pyplot as plt
import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
print(f"device: {device} ({name})")

d_model, n_positions = 64, 128


def sinusoidal(n: int, d: int) -> torch.Tensor:
    """Return the (n, d) sinusoidal encoding: sines in even columns, cosines in odd."""
    position = torch.arange(n, dtype=torch.float32, device=device)[:, None]
    frequency = 10000.0 ** (-torch.arange(0, d, 2, dtype=torch.float32, device=device) / d)
    table = torch.zeros(n, d, device=device)
    table[:, 0::2] = torch.sin(position * frequency)
    table[:, 1::2] = torch.cos(position * frequency)
    return table


pe = sinusoidal(n_positions, d_model)
# every sin/cos pair has squared length 1, so each row has squared norm d/2
norms = pe.pow(2).sum(dim=1)
print(f"squared norm of every row: {norms.min():.2f} to {norms.max():.2f}")
similarity = (pe @ pe.T) / (d_model / 2)  # cosine similarity, since all rows share one norm
anchor = 64
for offset in [0, 1, 2, 4, 8, 16, 32, 63]:
    value = similarity[anchor, anchor + offset]
    print(f"similarity of positions {anchor} and {anchor + offset}: {value:.3f}")
# the dot product depends only on the offset, not on where the pair sits
shift_gap = (similarity[10, 10 + 7] - similarity[90, 90 + 7]).abs()
print(f"|sim(10, 17) - sim(90, 97)| = {shift_gap:.1e}")

# %% [markdown]
# Each sin/cos pair contributes `cos((p - q) * w_i)` to the dot product of
# positions `p` and `q`, so the similarity is a function of the offset alone,
# the same at position 10 as at position 90. It is 1 at offset 0 and falls off
# as the fast pairs decorrelate, though not monotonically: the sum of cosines
# ripples. RoPE uses the same frequencies differently: it rotates each query
# and key pair by the angle `p * w_i`, which makes the attention score itself,
# not an added vector, depend on `p - q`. We check that property too.


# %%
def rope(x: torch.Tensor, position: int) -> torch.Tensor:
    """Rotate each (even, odd) pair of x by position times its frequency."""
    d = x.shape[-1]
    frequency = 10000.0 ** (-torch.arange(0, d, 2, dtype=torch.float32, device=device) / d)
    angle = position * frequency
    even, odd = x[0::2], x[1::2]
    out = torch.empty_like(x)
    out[0::2] = even * torch.cos(angle) - odd * torch.sin(angle)
    out[1::2] = even * torch.sin(angle) + odd * torch.cos(angle)
    return out


q, k = torch.randn(d_model, device=device), torch.randn(d_model, device=device)
near = float(rope(q, 12) @ rope(k, 5))
far = float(rope(q, 112) @ rope(k, 105))
print(f"RoPE score, query at 12 and key at 5: {near:.4f}; query at 112 and key at 105: {far:.4f}")

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(9, 4))
image = left.imshow(pe.cpu(), aspect="auto", cmap="RdBu", vmin=-1, vmax=1)
left.set_xlabel("encoding dimension")
left.set_ylabel("position")
left.set_title("encoding of each position")
fig.colorbar(image, ax=left, fraction=0.05)
offsets = torch.arange(n_positions - anchor)
right.plot(offsets, similarity[anchor, anchor:].cpu(), color="tab:blue")
right.set_xlabel(f"distance from position {anchor}")
right.set_ylabel("cosine similarity")
right.set_title("nearby positions look alike")
fig.suptitle("Sinusoidal positions: similarity falls with distance (d = 64)")
plt.tight_layout()
plt.show()
