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
# # Finding edges with a convolution
#
# A convolution slides a small kernel over an image and, at each position,
# takes the weighted sum of the pixels under it. With the right weights that
# sum answers a question about the neighbourhood, such as "is it brighter on
# the right than on the left?". We draw an image with tensors and apply the
# two Sobel kernels, which ask exactly that horizontally and vertically.

# %%
import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

torch.manual_seed(0)
# IEEE fp32 on a GPU too (no TF32), so a GPU run prints what the CPU run prints
torch.backends.cudnn.allow_tf32 = False
torch.backends.cuda.matmul.allow_tf32 = False
device = "cuda" if torch.cuda.is_available() else "cpu"
name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
print(f"device: {device} ({name})")

size = 64
rows, cols = torch.meshgrid(torch.arange(size), torch.arange(size), indexing="ij")
square = (rows >= 10) & (rows < 30) & (cols >= 8) & (cols < 28)
circle = (rows - 42) ** 2 + (cols - 42) ** 2 < 14**2
image = (square | circle).float().to(device)

sobel_x = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]], device=device)
sobel_y = sobel_x.T
kernels = torch.stack([sobel_x, sobel_y]).unsqueeze(1)  # (out channels, in channels, 3, 3)
edges = F.conv2d(image[None, None], kernels, padding=1)[0]  # (2, 64, 64)
gx, gy = edges
magnitude = torch.sqrt(gx**2 + gy**2)
print(f"image {tuple(image.shape)}, kernels {tuple(kernels.shape)}, output {tuple(edges.shape)}")
print(f"pixels on an edge (magnitude > 1): {(magnitude > 1).sum().item()} of {size * size}")

# %% [markdown]
# In the horizontal response, the left side of each shape is positive (dark to
# bright) and the right side negative; flat regions, inside or outside a shape,
# give exactly 0. The magnitude combines both directions into an outline.

# %%
panels = [
    ("image", image, "gray"),
    ("Sobel x (horizontal change)", gx, "coolwarm"),
    ("Sobel y (vertical change)", gy, "coolwarm"),
    ("edge magnitude", magnitude, "magma"),
]
fig, axes = plt.subplots(1, 4, figsize=(11, 3.2))
for ax, (title, tensor, cmap) in zip(axes, panels, strict=True):
    limit = tensor.abs().max().item()
    vmin = -limit if cmap == "coolwarm" else 0
    shown = ax.imshow(tensor.cpu(), cmap=cmap, vmin=vmin, vmax=limit)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("column")
    fig.colorbar(shown, ax=ax, fraction=0.046)
axes[0].set_ylabel("row")
plt.tight_layout()
plt.show()

# %% [markdown]
# A network does not need to be told these weights. Below, a single 3x3
# filter starts random and is trained by gradient descent to reproduce the
# horizontal edge map. It recovers the Sobel kernel: those weights are the
# only ones that give this output.

# %%
learned = torch.randn(1, 1, 3, 3).to(device).requires_grad_()
opt = torch.optim.Adam([learned], lr=0.3)
for _ in range(500):
    loss = F.mse_loss(F.conv2d(image[None, None], learned, padding=1)[0, 0], gx)
    opt.zero_grad()
    loss.backward()
    opt.step()
kernel = learned.detach()[0, 0]
print(
    f"final loss {loss.item():.1e}, max |learned - Sobel x| = {(kernel - sobel_x).abs().max():.1e}"
)
print("learned filter:\n", kernel.cpu().round(decimals=2))

fig, axes = plt.subplots(1, 2, figsize=(6, 3))
for ax, (title, k) in zip(axes, [("Sobel x", sobel_x), ("learned from data", kernel)], strict=True):
    ax.imshow(k.cpu(), cmap="coolwarm", vmin=-2.5, vmax=2.5)
    for i in range(3):
        for j in range(3):
            ax.text(j, i, f"{k[i, j].item():.2f}", ha="center", va="center")
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
plt.tight_layout()
plt.show()
