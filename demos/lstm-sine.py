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
# # An LSTM predicts a sine wave
#
# A recurrent network reads a sequence one step at a time and carries a state
# from step to step. Here an `nn.LSTM` reads windows of a sine wave and learns
# to predict the value that comes next. Afterwards we let it run on its own
# predictions to see whether it has learned the wave or only the last step.

# %%
import matplotlib.pyplot as plt
import torch
from torch import nn

torch.manual_seed(0)
torch.set_num_threads(1)  # models this small run faster on one CPU thread than on several
device = "cuda" if torch.cuda.is_available() else "cpu"
name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
print(f"device: {device} ({name})")

step, window = 0.2, 30  # about 31 samples per period; the model sees 30 at a time
wave = torch.sin(torch.arange(600, device=device) * step)
starts = torch.arange(0, 400 - window)  # train on the first 400 samples only
inputs = torch.stack([wave[s : s + window] for s in starts]).unsqueeze(-1)  # (N, 30, 1)
targets = wave[starts + window].unsqueeze(-1)  # (N, 1): the value after each window
print(f"{len(inputs)} training windows of {window} steps")


class NextValue(nn.Module):
    """An LSTM whose last hidden state is mapped to one number."""

    def __init__(self, hidden: int = 32) -> None:
        super().__init__()
        self.lstm = nn.LSTM(input_size=1, hidden_size=hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.lstm(x)  # out: (batch, time, hidden)
        return self.head(out[:, -1])


model = NextValue().to(device)
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
losses = []
for _ in range(150):
    batch = torch.randint(0, len(inputs), (64,)).to(device)
    loss = nn.functional.mse_loss(model(inputs[batch]), targets[batch])
    opt.zero_grad()
    loss.backward()
    opt.step()
    losses.append(loss.item())
print(f"loss: first step {losses[0]:.3f}, last step {losses[-1]:.2e}")

# %% [markdown]
# Two tests on the part of the wave it never trained on (samples 400 to 600).
# One step ahead: every prediction starts from a true window. Free running:
# the model gets only the first window, then feeds each prediction back in as
# its next input, so its errors add up.

# %%
model.eval()
with torch.no_grad():
    test_starts = torch.arange(400 - window, 600 - window)
    one_step = model(torch.stack([wave[s : s + window] for s in test_starts]).unsqueeze(-1))
    history = wave[400 - window : 400].tolist()
    for _ in range(200):
        recent = torch.tensor(history[-window:], device=device).view(1, window, 1)
        history.append(model(recent).item())
free_run = torch.tensor(history[window:])
truth = wave[400:600].cpu()
print(f"one step ahead: max error {(one_step.cpu().squeeze() - truth).abs().max():.3f}")
print(f"free running:   max error {(free_run - truth).abs().max():.3f}")

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.5), gridspec_kw={"width_ratios": [1, 2]})
left.plot(losses)
left.set_yscale("log")
left.set_xlabel("training step")
left.set_ylabel("mean squared error")
left.set_title("Training loss")
t = torch.arange(400, 600)
right.plot(t, truth, color="grey", linewidth=3, alpha=0.5, label="true wave")
right.plot(t, one_step.cpu(), color="tab:blue", label="one step ahead")
right.plot(t, free_run, color="tab:orange", linestyle="--", label="free running")
right.set_xlabel("sample")
right.set_ylabel("value")
right.set_title("Predictions on samples it never saw")
right.set_ylim(-1.6, 1.2)
right.legend(loc="lower center", ncol=3, fontsize=8)
plt.tight_layout()
plt.show()
