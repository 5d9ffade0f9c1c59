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
# # Dropout against overfitting
#
# A network with far more weights than training examples can memorise the
# noise in them. Here 30 noisy samples of a smooth curve are fitted by a wide
# MLP, once as it is and once with dropout, and we watch the loss on 200
# held-out points from the same curve.

# %%
import matplotlib.pyplot as plt
import torch
from torch import nn

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
print(f"device: {device} ({name})")


def make_data(n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Return n noisy samples of sin(3x) on [-1, 1]."""
    x = torch.rand(n, 1) * 2 - 1  # drawn on the CPU, so the data are the same on any device
    return x.to(device), (torch.sin(3 * x) + noise * torch.randn(n, 1)).to(device)


noise = 0.5
x_train, y_train = make_data(30)
x_val, y_val = make_data(200)


def make_model(p: float) -> nn.Module:
    """Return an MLP with dropout probability p after each hidden layer."""
    return nn.Sequential(
        nn.Linear(1, 128), nn.ReLU(), nn.Dropout(p),
        nn.Linear(128, 128), nn.ReLU(), nn.Dropout(p),
        nn.Linear(128, 1),
    ).to(device)  # fmt: skip


def train(model: nn.Module, steps: int = 500) -> tuple[list[float], list[float]]:
    """Train with Adam on the full training set; return losses every 10 steps."""
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    train_curve, val_curve = [], []
    for step in range(1, steps + 1):
        model.train()  # dropout on
        loss = nn.functional.mse_loss(model(x_train), y_train)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10:
            continue
        model.eval()  # dropout off: measure the network as it will be used
        with torch.no_grad():
            train_curve.append(nn.functional.mse_loss(model(x_train), y_train).item())
            val_curve.append(nn.functional.mse_loss(model(x_val), y_val).item())
    return train_curve, val_curve


models = {"no dropout": make_model(0.0), "dropout p = 0.5": make_model(0.5)}
curves = {label: train(model) for label, model in models.items()}
for label, (tr, va) in curves.items():
    best = min(range(len(va)), key=va.__getitem__)
    print(f"{label:<16} train {tr[-1]:.3f}  validation {va[-1]:.3f}", end="  ")
    print(f"(best validation {va[best]:.3f} at step {10 * (best + 1)})")
print(f"noise floor (variance of the added noise): {noise**2:.3f}")

# %% [markdown]
# Without dropout the training loss keeps falling far below the noise floor
# (0.25): the network is fitting the noise, and the validation loss climbs
# after an early minimum. With dropout each step trains a random half of the
# units, so no single unit can memorise a point: the training loss falls more
# slowly and the validation loss stays close to the floor. On the right, the
# network without dropout bends to reach single noisy points.

# %%
styles = {"no dropout": "tab:red", "dropout p = 0.5": "tab:blue"}
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
for label, (tr, va) in curves.items():
    steps = range(10, 10 * len(tr) + 1, 10)
    left.plot(steps, tr, color=styles[label], linestyle="--", label=f"{label}: train")
    left.plot(steps, va, color=styles[label], label=f"{label}: validation")
left.axhline(noise**2, color="grey", linewidth=0.8, linestyle=":", label="noise floor")
left.set_xlabel("step")
left.set_ylabel("mean squared error")
left.set_title("Loss curves")
left.legend(fontsize=8)

grid = torch.linspace(-1, 1, 200, device=device).unsqueeze(1)
right.scatter(x_train.cpu(), y_train.cpu(), color="black", s=15, label="training points", zorder=3)
right.plot(grid.cpu(), torch.sin(3 * grid).cpu(), color="grey", label="true curve")
for label, model in models.items():
    model.eval()
    with torch.no_grad():
        right.plot(grid.cpu(), model(grid).cpu(), color=styles[label], label=label)
right.set_xlabel("x")
right.set_ylabel("y")
right.set_title("What each network learned")
right.legend(fontsize=8)
plt.tight_layout()
plt.show()
