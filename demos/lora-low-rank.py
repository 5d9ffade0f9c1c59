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
# # LoRA: a low-rank update to a frozen weight
#
# LoRA leaves a pretrained weight matrix `W` untouched and learns a change to
# it in factored form, `W + B A`, with `B` of shape (d_out, r) and `A` of shape
# (r, d_in). `B` starts at zero, so training begins from exactly the original
# layer. Here `W` is a random 128 x 128 matrix and the change we want it to
# learn has most of its energy in a few directions, as fine-tuning updates
# tend to. We train `B A` for several ranks `r` and compare the error with the
# best any rank-r matrix could reach, which the SVD gives.

# %%
import matplotlib.pyplot as plt
import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
print(f"device: {device} ({name})")

d_in = d_out = 128
w_frozen = (torch.randn(d_out, d_in) / d_in**0.5).to(device)
# the target change: orthogonal directions whose strengths fall off geometrically
u, _ = torch.linalg.qr(torch.randn(d_out, d_out))
v, _ = torch.linalg.qr(torch.randn(d_in, d_in))
strengths = 0.7 ** torch.arange(d_in, dtype=torch.float32)
delta = ((u * strengths) @ v.T).to(device)
x = torch.randn(512, d_in).to(device)  # inputs the layer sees
y = x @ (w_frozen + delta).T  # what the adapted layer should output


def relative_error(update: torch.Tensor) -> float:
    """Return ||delta - update|| / ||delta|| in the Frobenius norm."""
    return float(torch.linalg.norm(delta - update) / torch.linalg.norm(delta))


def train_lora(rank: int, steps: int = 300) -> torch.Tensor:
    """Fit B A to the target outputs with W frozen; return the learned update."""
    a = torch.nn.Parameter(torch.randn(rank, d_in, device=device) / d_in**0.5)
    b = torch.nn.Parameter(torch.zeros(d_out, rank, device=device))  # zero: start at W itself
    optimiser = torch.optim.Adam([a, b], lr=2e-2)
    for _ in range(steps):
        prediction = x @ w_frozen.T + (x @ a.T) @ b.T  # never forms W + B A
        loss = torch.mean((prediction - y) ** 2)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return (b @ a).detach()


singular = torch.linalg.svdvals(delta)
ranks = [1, 2, 4, 8, 16]
trained, best = [], []
print(f"{'rank':>4} {'LoRA params':>11} {'of full':>8} {'trained error':>13} {'best rank-r':>11}")
for r in ranks:
    trained.append(relative_error(train_lora(r)))
    best.append(float(torch.sqrt((singular[r:] ** 2).sum() / (singular**2).sum())))
    params = r * (d_in + d_out)
    share = params / (d_in * d_out)
    print(f"{r:4d} {params:11,d} {share:8.2%} {trained[-1]:13.4f} {best[-1]:11.4f}")
print(f"full update: {d_in * d_out:,d} parameters")

# %% [markdown]
# Each extra rank costs `d_in + d_out` parameters, against `d_in * d_out` for a
# full update of this one layer (the table's last column but one). Up to rank 8
# the trained error sits on the SVD bound: plain gradient descent on `B` and
# `A` finds close to the best rank-r approximation. At rank 16 it stays above
# the bound, because the directions still missing are so weak that their
# gradients are tiny and 300 steps do not finish fitting them. When a change
# really is concentrated in a few directions, a small rank captures almost all
# of it for a small share of the parameters.

# %%
fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(ranks, trained, "o-", color="tab:blue", label="LoRA, trained with W frozen")
ax.plot(ranks, best, "k--", linewidth=1, label="best possible at that rank (SVD)")
ax.set_xscale("log", base=2)
ax.set_yscale("log")
ax.set_xticks(ranks, [str(r) for r in ranks])
ax.set_xlabel("rank r of the update B A")
ax.set_ylabel("relative error of the update")
ax.set_title("A low-rank update recovers most of a concentrated change")
ax.legend()
plt.tight_layout()
plt.show()
