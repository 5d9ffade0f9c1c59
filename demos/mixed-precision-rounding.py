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
# # Small updates in fp16, bf16 and fp32
#
# Training adds many tiny updates to weights of ordinary size. A number format
# can only represent values a certain distance apart, and an addition whose
# result falls between two representable values is rounded. We start one
# weight at 1.0 and add an update of 0.0001 to it 10,000 times in each format;
# the exact answer is 2.0. Then we look at the other end of the range: tiny
# gradients that fp16 cannot represent at all, and what multiplying the loss
# by a scale factor does to them.

# %%
import matplotlib.pyplot as plt
import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
print(f"device: {device} ({name})")

formats = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}
for label, dtype in formats.items():
    info = torch.finfo(dtype)
    print(f"{label}: spacing at 1.0 = {info.eps:.3g}   largest = {info.max:.3g}   "
          f"smallest normal = {info.tiny:.3g}")

steps, update = 10_000, 1e-4
trajectories = {}
for label, dtype in formats.items():
    w = torch.ones((), dtype=dtype, device=device)
    step = torch.tensor(update, dtype=dtype, device=device)
    values = []
    for _ in range(steps):
        w = w + step  # the sum is rounded to the weight's own format
        values.append(w.item())
    trajectories[label] = values
    print(f"weight kept in {label}: after {steps} updates of {update:g}: {values[-1]:.4f}")

# %% [markdown]
# In fp16 the neighbours of 1.0 are 2^-10 (about 0.00098) apart, so adding
# 0.0001 rounds straight back to 1.0: ten thousand updates are lost, and bf16,
# with only 8 significant bits, loses them too. This is why mixed-precision
# training keeps a *master copy* of the weights in fp32 and adds the updates
# there, even when the forward and backward passes run in 16 bits. The second
# problem is underflow: fp16's smallest positive value is about 6e-8 (a
# subnormal; the smallest normal one is about 6e-5), and many gradients are
# smaller. Multiplying the loss by a scale factor `S` multiplies
# every gradient by `S` too (the chain rule is linear), lifts them into range,
# and the optimiser divides by `S` again in fp32.

# %%
grads = 10 ** (torch.rand(100_000) * 8 - 12)  # magnitudes spread evenly from 1e-12 to 1e-4
scales = [2.0**k for k in range(0, 25, 2)]
lost = {}
for label in ["fp16", "bf16"]:
    dtype = formats[label]
    lost[label] = [((grads * s).to(device, dtype) == 0).float().mean().item() for s in scales]
for s, f16, b16 in zip(scales, lost["fp16"], lost["bf16"], strict=True):
    print(f"loss scale 2^{int(s).bit_length() - 1:<2}  flushed to zero: fp16 {f16:6.1%}   bf16 {b16:6.1%}")
overflow = (grads.max() * scales[-1] > torch.finfo(torch.float16).max).item()
print(f"largest gradient times 2^24 overflows fp16: {overflow}")

# %% [markdown]
# Left: only the fp32 weight climbs to 2.0 (to 2.0002: fp32 rounds too, just
# far more finely). Right: with no scaling, fp16 turns
# every gradient below about 3e-8 (more than half of this spread) into exactly
# zero,
# while bf16, which has fp32's exponent range, loses none; a scale of 2^16 or
# more rescues almost all of them for fp16, as long as the largest gradients do
# not overflow 65,504. That is why fp16 training needs loss scaling and bf16
# training usually does not.

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(7.5, 3.6))
for label, values in trajectories.items():
    left.plot(values, label=f"weight in {label}")
left.set_xlabel("number of updates of 0.0001")
left.set_ylabel("weight")
left.set_title("Accumulating small updates", fontsize=10)
left.legend(fontsize=8)
exponents = [int(s).bit_length() - 1 for s in scales]
for label, fractions in lost.items():
    right.plot(exponents, fractions, marker="o", markersize=3, label=label)
right.set_xlabel("loss scale (log2)")
right.set_ylabel("fraction of gradients lost to zero")
right.set_title("Underflow and loss scaling", fontsize=10)
right.legend(fontsize=8)
plt.tight_layout()
plt.show()
