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
# # Quantization error: per-tensor against per-channel scales
#
# Symmetric integer quantization with `b` bits stores each weight as an
# integer `q` in `[-(2^(b-1) - 1), 2^(b-1) - 1]` and one floating-point scale
# `s`, and reads it back as `q * s`. The scale is set so the largest weight
# magnitude maps to the largest integer. With one scale for the whole tensor,
# a single row of large weights stretches the grid for everyone; with one
# scale per output channel (row), each row gets a grid sized to itself. We
# quantize a weight matrix that has one outlier channel both ways and measure
# the round-trip error at each bit width.

# %%
import matplotlib.pyplot as plt
import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
print(f"device: {device} ({name})")

rows, cols = 256, 256
weights = (torch.randn(rows, cols) * 0.02).to(device)
weights[17] *= 30  # one output channel with weights 30 times larger than the rest
print(
    f"largest |w|: ordinary rows {weights[torch.arange(rows) != 17].abs().max():.3f}, "
    f"outlier row {weights[17].abs().max():.3f}"
)


def quantize(w: torch.Tensor, bits: int, per_channel: bool) -> torch.Tensor:
    """Round-trip w through symmetric b-bit integers; return the dequantized tensor."""
    levels = 2 ** (bits - 1) - 1  # symmetric: the code -2^(b-1) is left unused
    peak = w.abs().amax(dim=1, keepdim=True) if per_channel else w.abs().max()
    scale = peak / levels
    q = torch.clamp(torch.round(w / scale), -levels, levels)
    return q * scale


def relative_rms_error(w: torch.Tensor, w_hat: torch.Tensor) -> float:
    """Return the RMS round-trip error divided by the RMS weight."""
    return float(torch.sqrt(torch.mean((w - w_hat) ** 2) / torch.mean(w**2)))


def ordinary_rows_error(w: torch.Tensor, w_hat: torch.Tensor) -> float:
    """Return the relative error on every row except the outlier."""
    keep = torch.arange(rows, device=w.device) != 17
    return relative_rms_error(w[keep], w_hat[keep])


bit_widths = [2, 3, 4, 5, 6, 7, 8]
errors: dict[str, list[float]] = {"per-tensor": [], "per-channel": []}
print(f"{'bits':>4} {'per-tensor':>11} {'per-channel':>12}   (relative RMS error on ordinary rows)")
for bits in bit_widths:
    for label, per_channel in [("per-tensor", False), ("per-channel", True)]:
        errors[label].append(ordinary_rows_error(weights, quantize(weights, bits, per_channel)))
    print(f"{bits:4d} {errors['per-tensor'][-1]:11.4f} {errors['per-channel'][-1]:12.4f}")

ordinary = torch.arange(rows, device=device) != 17
for bits in [4, 8]:
    for label, per_channel in [("per-tensor", False), ("per-channel", True)]:
        w_hat = quantize(weights, bits, per_channel)
        zeroed = float((w_hat[ordinary] == 0).float().mean())
        print(f"int{bits} {label:>11}: {zeroed:6.1%} of ordinary weights round to exactly zero")
print(f"storage at int8: {rows * cols:,d} bytes + scales; in fp32: {4 * rows * cols:,d} bytes")

# %% [markdown]
# Per channel, each extra bit halves the grid spacing and the error halves
# with it. Per tensor, the outlier row sets the spacing for everyone: up to 5
# bits the step is wider than almost every ordinary weight, which all round to
# zero (relative error 1), and even at 8 bits the ordinary rows are worse off
# than they are at 4 bits with their own scales. One extra scale per row is a
# tiny storage cost for several bits' worth of accuracy.

# %%
fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(bit_widths, errors["per-tensor"], "o-", color="tab:red", label="one scale per tensor")
ax.plot(bit_widths, errors["per-channel"], "o-", color="tab:blue", label="one scale per output row")
ax.set_yscale("log")
ax.set_xlabel("bits per weight")
ax.set_ylabel("relative RMS error (ordinary rows)")
ax.set_title("One outlier row ruins a shared scale; per-row scales do not care")
ax.legend()
plt.tight_layout()
plt.show()
