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
# # Warm-up and cosine decay against a constant learning rate
#
# A small network fits a noisy curve with Adam on mini-batches of 32. One run
# keeps the learning rate at its peak value throughout; the other ramps it up
# linearly over the first 30 steps and then lowers it along half a cosine to
# zero. Both start from the same weights and see the same batches. We record
# the loss on the whole training set after every step.

# %%
import copy
import math

import matplotlib.pyplot as plt
import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
print(f"device: {device} ({name})")

n, noise = 512, 0.1
x = torch.rand(n, 1) * 4 - 2
clean = torch.sin(3 * x) + 0.3 * x**2
y = clean + noise * torch.randn(n, 1)
x, y = x.to(device), y.to(device)
noise_floor = ((y.cpu() - clean) ** 2).mean().item()  # the loss of the true curve itself
start = nn.Sequential(nn.Linear(1, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 1))
steps, warmup, peak_lr, batch = 600, 30, 0.03, 32


def warmup_cosine(step: int) -> float:
    """Return the multiplier of the peak rate at a step: linear ramp, then half a cosine."""
    if step < warmup:
        return (step + 1) / warmup
    progress = (step - warmup) / (steps - warmup)
    return 0.5 * (1 + math.cos(math.pi * progress))


schedules = {"constant": lambda step: 1.0, "warm-up + cosine": warmup_cosine}
rates, curves = {}, {}
for label, multiplier in schedules.items():
    torch.manual_seed(1)  # the same sequence of batches for both runs
    model = copy.deepcopy(start).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=peak_lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, multiplier)
    lrs, losses = [], []
    for _ in range(steps):
        idx = torch.randint(0, n, (batch,)).to(device)
        loss = nn.functional.mse_loss(model(x[idx]), y[idx])
        opt.zero_grad()
        loss.backward()
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
        with torch.no_grad():
            losses.append(nn.functional.mse_loss(model(x), y).item())
    rates[label], curves[label] = lrs, losses
    tail = sum(losses[-100:]) / 100
    print(f"{label:<17} final loss {losses[-1]:.4f}   mean of the last 100 steps {tail:.4f}")
print(f"noise floor (loss of the true curve): {noise_floor:.4f}")

# %% [markdown]
# With a constant rate the loss stops improving at a level set by the noise
# of the mini-batch gradients: every step is as large as ever, so the weights
# keep jittering around a good solution. The decaying schedule shrinks the
# steps as training ends and settles at the noise floor, the loss of the true
# curve itself and so about the best any model can do on this data. The right panel is on a logarithmic scale.

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(7.5, 3.6))
for label in schedules:
    left.plot(rates[label], label=label)
    right.plot(curves[label], label=label, linewidth=0.9)
left.set_xlabel("step")
left.set_ylabel("learning rate")
left.set_title("The schedule", fontsize=10)
left.legend(fontsize=8)
right.axhline(noise_floor, color="grey", linestyle=":", linewidth=1, label="noise floor")
right.set_yscale("log")
right.set_xlabel("step")
right.set_ylabel("training loss (MSE, all data)")
right.set_title("Its effect", fontsize=10)
right.legend(fontsize=8)
plt.tight_layout()
plt.show()
