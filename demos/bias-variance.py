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
# # Bias and variance in polynomial fits
#
# The data: 30 points with `x` uniform on [-1, 1] and `y = sin(pi x)` plus
# Gaussian noise of standard deviation 0.3. We fit polynomials of degree 0 to
# 12 by least squares and measure the error on the 30 training points and on
# 500 fresh validation points. To see the typical behaviour rather than one
# lucky or unlucky draw, we repeat this on 200 independent training sets and
# report the median errors, plus the squared bias and the variance of the
# fitted curves.

# %%
import matplotlib.pyplot as plt
import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
print(f"device: {device} ({name})")

n_train, n_val, noise, draws, max_degree = 30, 500, 0.3, 200, 12
f64 = {"dtype": torch.float64}


def truth(x: torch.Tensor) -> torch.Tensor:
    """Return the noise-free curve."""
    return torch.sin(torch.pi * x)


def features(x: torch.Tensor, degree: int) -> torch.Tensor:
    """Return Legendre polynomials 0..degree of x (better conditioned than raw powers)."""
    orders = torch.arange(degree + 1, **f64).to(x.device)
    return torch.special.legendre_polynomial_p(x.unsqueeze(-1), orders)


x_train = (torch.rand(draws, n_train, **f64) * 2 - 1).to(device)
y_train = truth(x_train) + noise * torch.randn(draws, n_train, **f64).to(device)
x_val = (torch.rand(n_val, **f64) * 2 - 1).to(device)
y_val = truth(x_val) + noise * torch.randn(n_val, **f64).to(device)

degrees = list(range(max_degree + 1))
train_err, val_err, fits = [], [], {}
print("degree  train MSE  val MSE   bias^2   variance")
print("(MSEs: medians over the draws; bias^2 and variance: over the validation inputs)")
for d in degrees:
    a = features(x_train, d)
    coef = torch.linalg.lstsq(a.cpu(), y_train.unsqueeze(-1).cpu()).solution.to(device)
    train = ((a @ coef).squeeze(-1) - y_train).pow(2).mean(dim=1)
    pred = (features(x_val, d) @ coef).squeeze(-1)  # one row of predictions per draw
    val = (pred - y_val).pow(2).mean(dim=1)
    bias2 = (pred.mean(dim=0) - truth(x_val)).pow(2).mean().item()
    variance = pred.var(dim=0).mean().item()
    train_err.append(train.median().item())
    val_err.append(val.median().item())
    fits[d] = coef[0]
    print(f"{d:>6}  {train_err[-1]:9.4f}  {val_err[-1]:7.4f}  {bias2:7.4f}  {variance:9.4f}")
best = degrees[val_err.index(min(val_err))]
print(f"lowest median validation error at degree {best}; noise variance {noise**2:.2f}")

# %% [markdown]
# Training error falls with every extra degree, because each higher-degree
# family contains the lower ones. Validation error falls while the extra
# flexibility removes bias (degree 0 and 1 cannot bend like a sine), then
# rises as the fits start chasing the noise of their particular 30 points:
# the variance column grows by orders of magnitude. Both panels use the first
# of the 200 training sets for the picture; the right panel's y-axis is
# logarithmic.

# %%
grid = torch.linspace(-1, 1, 300, **f64).to(device)
fig, (left, right) = plt.subplots(1, 2, figsize=(7.5, 3.6))
left.scatter(x_train[0].cpu(), y_train[0].cpu(), s=10, color="black", zorder=3, label="data")
for d in [1, best, max_degree]:
    left.plot(grid.cpu(), (features(grid, d) @ fits[d]).squeeze(-1).cpu(), label=f"degree {d}")
left.set_ylim(-2, 2)
left.set_xlabel("x")
left.set_ylabel("y")
left.set_title("Fits to one training set", fontsize=10)
left.legend(fontsize=7)
right.plot(degrees, train_err, marker="o", markersize=3, label="training")
right.plot(degrees, val_err, marker="o", markersize=3, label="validation")
right.axhline(noise**2, color="grey", linestyle=":", linewidth=1, label="noise variance")
right.set_yscale("log")
right.set_xlabel("polynomial degree")
right.set_ylabel("median MSE over 200 draws")
right.set_title("Error against degree", fontsize=10)
right.legend(fontsize=7)
plt.tight_layout()
plt.show()
