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
# # Cross-entropy and squared error on a saturated sigmoid
#
# A binary classifier outputs a logit `z` and a probability `p = sigmoid(z)`.
# The true label here is `y = 1`. We ask autograd for the gradient of each loss
# with respect to the logit, over a sweep of logits from confidently wrong
# (very negative) to confidently right, and then train one logit from a
# confidently wrong start with each loss.

# %%
import matplotlib.pyplot as plt
import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
print(f"device: {device} ({name})")


def cross_entropy(z: torch.Tensor, y: float) -> torch.Tensor:
    """Return binary cross-entropy of label y for logit z, summed over z."""
    target = torch.full_like(z, y)
    return torch.nn.functional.binary_cross_entropy_with_logits(z, target, reduction="sum")


def squared_error(z: torch.Tensor, y: float) -> torch.Tensor:
    """Return the squared error between sigmoid(z) and label y, summed over z."""
    return ((torch.sigmoid(z) - y) ** 2).sum()


losses = {"cross-entropy": cross_entropy, "squared error": squared_error}
logits = torch.linspace(-10, 10, 401, dtype=torch.float64, device=device)
grads = {}
for label, loss_fn in losses.items():
    z = logits.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(loss_fn(z, 1.0), z)
    grads[label] = grad.abs().cpu()

for z0 in [-6.0, -2.0, 0.0, 2.0]:
    i = int(torch.argmin((logits - z0).abs()))
    p = torch.sigmoid(logits[i]).item()
    ce, mse = grads["cross-entropy"][i].item(), grads["squared error"][i].item()
    print(f"z = {z0:+.0f}  p = {p:.4f}   |dCE/dz| = {ce:.4f}   |dMSE/dz| = {mse:.5f}")

# %% [markdown]
# For cross-entropy the gradient is `p - y`: close to 1 in size when the model
# is confidently wrong. For squared error it is `2 (p - y) p (1 - p)`: the
# sigmoid's own slope `p (1 - p)` multiplies it, and that slope is nearly zero
# exactly where the model is most wrong. Now the consequence for training: one
# logit, starting at `z = -6`, plain gradient descent with step 1.

# %%
steps, lr, start = 300, 1.0, -6.0
paths = {}
for label, loss_fn in losses.items():
    z = torch.tensor([start], dtype=torch.float64, device=device, requires_grad=True)
    probs = []
    for _ in range(steps):
        probs.append(torch.sigmoid(z).item())
        (grad,) = torch.autograd.grad(loss_fn(z, 1.0), z)
        with torch.no_grad():
            z -= lr * grad
    paths[label] = probs
    crossed = next((t for t, p in enumerate(probs) if p > 0.5), None)
    print(f"{label:<14} p after {steps} steps: {probs[-1]:.3f}   first step with p > 0.5: {crossed}")

# %% [markdown]
# Cross-entropy pulls the wrong prediction across 0.5 within a few steps;
# squared error spends about thirty times as many crawling along the flat tail
# of the sigmoid before its gradient grows. Same start, same step size: only
# the loss differs. The left panel is on a logarithmic scale.

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(7.5, 3.6))
for label, grad in grads.items():
    left.plot(logits.cpu(), grad, label=label)
left.set_yscale("log")
left.set_xlabel("logit z (true label y = 1)")
left.set_ylabel("|d loss / d z|")
left.set_title("Gradient at the logit", fontsize=10)
left.legend(fontsize=8)
for label, probs in paths.items():
    right.plot(probs, label=label)
right.axhline(0.5, color="grey", linewidth=0.8, linestyle=":")
right.set_xlabel("gradient-descent step")
right.set_ylabel("p = sigmoid(z)")
right.set_title("Training from z = -6", fontsize=10)
right.legend(fontsize=8)
plt.tight_layout()
plt.show()
