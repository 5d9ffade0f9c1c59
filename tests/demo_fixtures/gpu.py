# %%
import torch

device = "cuda" if torch.cuda.is_available() else "cpu"
x = torch.ones(1024, 1024, device=device)
print(device, (x @ x)[0, 0].item())
