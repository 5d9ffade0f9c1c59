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
# # Gradient clipping against an exploding gradient
#
# A linear recurrent network with one hidden number, `h_t = w h_(t-1) + u x_t`,
# reads 20 random inputs and must output `sum_t 0.9^(20-t) x_t`, so the right
# answer is `w = 0.9`, `u = 1`. The gradient with respect to `w` contains
# powers of `w` up to `w^19`: harmless below 1, explosive just above it. We
# train it twice with SGD from the same start on the same batches, once
# plainly and once clipping the gradient's global norm to 2 with
# `torch.nn.utils.clip_grad_norm_`.

# %%
import math

import matplotlib.pyplot as plt
import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
print(f"device: {device} ({name})")

length, decay, batch, steps, lr, max_norm = 20, 0.9, 32, 300, 0.01, 2.0
weights = decay ** torch.arange(length - 1, -1, -1, dtype=torch.float64)
inputs = torch.randn(steps, batch, length, dtype=torch.float64)  # one batch per step
targets = (inputs * weights).sum(dim=2)


def train(clip: float | None) -> tuple[list[float], list[float]]:
    """Train (w, u) from (0.5, 0.5); return the loss and gradient norm of every step."""
    params = torch.tensor([0.5, 0.5], dtype=torch.float64, device=device, requires_grad=True)
    opt = torch.optim.SGD([params], lr=lr)
    losses, norms = [], []
    for step in range(steps):
        x, y = inputs[step].to(device), targets[step].to(device)
        h = torch.zeros(batch, dtype=torch.float64, device=device)
        for t in range(length):
            h = params[0] * h + params[1] * x[:, t]
        loss = ((h - y) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        # clip_grad_norm_ returns the norm before clipping; inf stands in for "no clipping"
        norm = torch.nn.utils.clip_grad_norm_([params], clip if clip else math.inf)
        losses.append(loss.item())
        norms.append(norm.item())
        opt.step()
    return losses, norms


runs = {"no clipping": train(None), f"clip global norm to {max_norm:g}": train(max_norm)}
for label, (losses, norms) in runs.items():
    finite = [n for n in norms if math.isfinite(n)]
    clipped = sum(n > max_norm for n in finite) / len(finite)
    late_peak = max(v for v in losses[100:] if math.isfinite(v))
    print(f"{label:<26} largest gradient norm {max(finite):.3g}   "
          f"largest loss after step 100 {late_peak:.3g}   final loss {losses[-1]:.3g}   "
          f"steps above {max_norm:g}: {clipped:.0%}")

# %% [markdown]
# Unclipped, every time `w` creeps towards 1 the gradient grows by orders of
# magnitude, the next step throws `w` far away, and the loss jumps back up to
# where it started: the run never settles (and had one throw landed above 1,
# the next gradient would have been astronomically large). Clipping keeps the direction of
# each step and caps only its length, so the same steep region costs one short
# step instead of a catastrophe. Most steps here are clipped, because the
# threshold is small next to this toy's gradients; with a real network the
# threshold is usually set so that clipping is rare. Both axes are logarithmic.

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(7.5, 3.6))
for label, (losses, norms) in runs.items():
    left.plot(losses, label=label, linewidth=0.9)
    right.plot(norms, label=label, linewidth=0.9)
right.axhline(max_norm, color="grey", linestyle=":", linewidth=1, label="threshold")
for ax, title, ylabel in [(left, "Training loss", "MSE on the batch"),
                          (right, "Gradient norm before clipping", "global gradient norm")]:
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
left.legend(fontsize=7)
plt.tight_layout()
plt.show()
