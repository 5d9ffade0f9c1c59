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
# # One hidden layer, more and more units
#
# The universal approximation theorem says that one hidden layer with enough
# units can approximate any continuous function on an interval as closely as
# we like. Each tanh unit contributes one smooth step, `a * tanh(w * x + b)`,
# and the output adds the steps up. We fit the same wiggly function with 4, 16
# and 64 hidden units and watch the fit improve.

# %%
import matplotlib.pyplot as plt
import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
print(f"device: {device} ({name})")

x = torch.linspace(-3, 3, 300, device=device).unsqueeze(1)
y = torch.sin(2 * x) + 0.5 * torch.sin(5 * x) + 0.25 * torch.sin(11 * x)


def one_hidden_layer(hidden: int) -> nn.Sequential:
    """Return a tanh network whose units start as steps spread evenly over [-3, 3]."""
    first = nn.Linear(1, hidden)
    with torch.no_grad():
        first.weight.copy_(6 * torch.where(torch.rand(hidden, 1) < 0.5, -1.0, 1.0))
        centres = torch.linspace(-3, 3, hidden + 2)[1:-1]  # where each step is centred
        first.bias.copy_(-first.weight[:, 0] * centres)
    return nn.Sequential(first, nn.Tanh(), nn.Linear(hidden, 1)).to(device)


def fit(model: nn.Module, steps: int = 500) -> float:
    """Fit the model to (x, y) with Adam; return the final mean squared error."""
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    for _ in range(steps):
        loss = nn.functional.mse_loss(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
    return nn.functional.mse_loss(model(x), y).item()


widths = [4, 16, 64]
models = {h: one_hidden_layer(h) for h in widths}
errors = {h: fit(m) for h, m in models.items()}
for h, error in errors.items():
    print(f"{h:>2} hidden units, {3 * h + 1:>3} parameters: mean squared error {error:.4f}")

# %% [markdown]
# Four steps can follow only the broadest rise and fall. Sixteen catch the
# larger waves but smooth over the fastest ripple; sixty-four trace the curve
# almost exactly. The theorem
# promises that some width is enough; it does not say how many units a given
# function needs, nor that training will find the right weights. (Starting
# the steps spread over the interval, as above, helps training a lot.)

# %%
fig, axes = plt.subplots(1, 3, figsize=(11, 3.3), sharey=True)
for ax, (h, model) in zip(axes, models.items(), strict=True):
    with torch.no_grad():
        prediction = model(x).cpu()
    ax.plot(x.cpu(), y.cpu(), color="grey", linewidth=3, alpha=0.5, label="target")
    ax.plot(x.cpu(), prediction, color="tab:blue", label="network")
    ax.set_title(f"{h} hidden units (MSE {errors[h]:.3f})")
    ax.set_xlabel("x")
axes[0].set_ylabel("y")
axes[0].set_ylim(-2, 2.3)
axes[0].legend(fontsize=8, loc="upper right", ncol=2)
plt.tight_layout()
plt.show()
