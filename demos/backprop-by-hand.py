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
# # Backpropagation, by hand
#
# Backpropagation is the chain rule applied layer by layer, from the loss back
# to every weight. We write out those steps for a tiny network
# (3 inputs, 4 tanh units, 1 output, mean squared error) and compare every
# gradient with what autograd finds.

# %%
import matplotlib.pyplot as plt
import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
print(f"device: {device} ({name})")

dtype = torch.float64  # double precision, so any difference is a real mistake
x = torch.randn(8, 3, dtype=dtype).to(device)  # drawn on the CPU: same on any device
y = torch.randn(8, 1, dtype=dtype).to(device)
params = {
    "W1": (0.5 * torch.randn(3, 4, dtype=dtype)).to(device).requires_grad_(),
    "b1": torch.zeros(4, device=device, dtype=dtype, requires_grad=True),
    "W2": (0.5 * torch.randn(4, 1, dtype=dtype)).to(device).requires_grad_(),
    "b2": torch.zeros(1, device=device, dtype=dtype, requires_grad=True),
}
W1, b1, W2, b2 = params.values()

# %% [markdown]
# The forward pass keeps every intermediate value, because the backward pass
# needs them. Then each gradient is the gradient that arrives from above times
# the local derivative of one step.

# %%
z = x @ W1 + b1  # (8, 4)
h = torch.tanh(z)
y_hat = h @ W2 + b2  # (8, 1)
loss = ((y_hat - y) ** 2).mean()

with torch.no_grad():
    d_y_hat = 2 * (y_hat - y) / y.numel()  # d loss / d y_hat
    manual = {
        "W2": h.T @ d_y_hat,  # y_hat = h @ W2 + b2
        "b2": d_y_hat.sum(dim=0),
    }
    d_h = d_y_hat @ W2.T
    d_z = d_h * (1 - h**2)  # tanh'(z) = 1 - tanh(z)^2
    manual["W1"] = x.T @ d_z
    manual["b1"] = d_z.sum(dim=0)

auto = dict(zip(params, torch.autograd.grad(loss, list(params.values())), strict=True))
print(f"loss = {loss.item():.4f}")
for key, g in auto.items():
    diff = (manual[key] - g).abs().max().item()
    print(f"{key}: shape {tuple(g.shape)}, max |manual - autograd| = {diff:.1e}")

# %% [markdown]
# Differences around 1e-16 are the rounding of double precision: the hand
# derivation and autograd agree. In the plot, each dot is one gradient entry;
# all of them sit on the diagonal.

# %%
fig, ax = plt.subplots(figsize=(4.5, 4))
for key, g in auto.items():
    ax.scatter(g.flatten().cpu(), manual[key].flatten().cpu(), label=key, s=30)
lim = max(g.abs().max().item() for g in auto.values())
ax.plot([-lim, lim], [-lim, lim], color="grey", linewidth=0.8, label="y = x")
ax.set_xlabel("gradient from autograd")
ax.set_ylabel("gradient by the chain rule")
ax.set_title("Every gradient entry, two ways")
ax.legend()
plt.tight_layout()
plt.show()
