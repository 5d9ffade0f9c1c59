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
# # Decoding strategies on one next-token distribution
#
# A language model hands the decoder a vector of logits over its vocabulary;
# the decoding rule decides which token comes next. Greedy decoding takes the
# largest. Sampling draws from the softmax, and the usual knobs reshape or
# trim that distribution first: temperature divides the logits, top-k keeps
# the k most likely tokens, and top-p (nucleus) keeps the smallest set whose
# probabilities add up to at least p. We apply each rule to the same
# hand-made logits, after the prompt "The cat sat on the", and count what
# 10,000 seeded draws pick.

# %%
import matplotlib.pyplot as plt
import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
print(f"device: {device} ({name})")

words = ["mat", "floor", "sofa", "bed", "roof", "table", "grass", "moon", "piano", "idea"]
logits = torch.tensor([3.0, 2.2, 1.8, 1.5, 0.9, 0.6, 0.2, -0.8, -1.2, -2.0], device=device)
n_draws = 10_000


def top_k_filter(z: torch.Tensor, k: int) -> torch.Tensor:
    """Set every logit outside the k largest to minus infinity."""
    kth = torch.topk(z, k).values[-1]
    return torch.where(z >= kth, z, torch.tensor(float("-inf"), device=z.device))


def top_p_filter(z: torch.Tensor, p: float) -> torch.Tensor:
    """Keep the smallest set of most likely tokens whose probability reaches p."""
    probs, order = torch.sort(torch.softmax(z, dim=-1), descending=True)
    before = torch.cumsum(probs, dim=-1) - probs  # mass of the tokens ranked above each one
    keep_sorted = before < p  # a token is kept while the set above it is still short of p
    keep = torch.zeros_like(keep_sorted).scatter(0, order, keep_sorted)
    return torch.where(keep, z, torch.tensor(float("-inf"), device=z.device))


rules = {
    "greedy": None,
    "sample, T = 1": logits,
    "sample, T = 0.5": logits / 0.5,
    "sample, T = 2": logits / 2.0,
    "top-k, k = 3": top_k_filter(logits, 3),
    "top-p, p = 0.9": top_p_filter(logits, 0.9),
}
generator = torch.Generator(device=device).manual_seed(0)
shares = {}
for label, z in rules.items():
    if z is None:
        picks = logits.argmax().repeat(n_draws)  # greedy is deterministic: one answer every time
    else:
        probs = torch.softmax(z, dim=-1)
        picks = torch.multinomial(probs, n_draws, replacement=True, generator=generator)
    shares[label] = torch.bincount(picks, minlength=len(words)).float().cpu() / n_draws

print(f"{'':>16}" + "".join(f"{w:>7}" for w in words) + "   kept")
print(f"{'softmax(logits)':>16}" + "".join(f"{v:7.3f}" for v in torch.softmax(logits, 0).cpu()))
for label, share in shares.items():
    kept = int((torch.isfinite(rules[label])).sum()) if rules[label] is not None else 1
    print(f"{label:>16}" + "".join(f"{v:7.3f}" for v in share) + f"  {kept:5d}")

# %% [markdown]
# Greedy always says "mat". Temperature keeps every token but moves mass
# between them: at T = 0.5 "mat" wins most draws, at T = 2 even "idea" turns
# up. Top-k and top-p cut the tail off completely, then renormalise what is
# left. They differ on how they choose the cut: top-k keeps a fixed number of
# tokens whatever the distribution looks like, while top-p keeps as many as it
# takes to cover p of the mass, so its cut moves with the model's confidence.
# Below, the same p = 0.9 on a confident and on a flat distribution.

# %%
confident = torch.tensor([6.0, 2.0, 1.0, 0.5, 0.0, 0.0, -0.5, -1.0, -1.0, -2.0], device=device)
flat = torch.tensor([0.5, 0.45, 0.4, 0.4, 0.35, 0.3, 0.3, 0.25, 0.2, 0.1], device=device)
for label, z in [("confident", confident), ("flat", flat)]:
    kept_p = int(torch.isfinite(top_p_filter(z, 0.9)).sum())
    print(
        f"{label:>9}: top-p 0.9 keeps {kept_p} of 10, top-k 3 keeps 3, "
        f"largest probability {torch.softmax(z, 0).max():.3f}"
    )

# %%
table = torch.stack(list(shares.values()))
fig, ax = plt.subplots(figsize=(7, 4))
image = ax.imshow(table, cmap="Blues", vmin=0, vmax=1, aspect="auto")
for i in range(table.shape[0]):
    for j in range(table.shape[1]):
        if table[i, j] > 0:
            ax.text(
                j,
                i,
                f"{table[i, j]:.2f}".lstrip("0"),
                ha="center",
                va="center",
                fontsize=7,
                color="white" if table[i, j] > 0.5 else "black",
            )
ax.set_xticks(range(len(words)), words, rotation=45, ha="right")
ax.set_yticks(range(len(shares)), list(shares))
ax.set_xlabel('next word after "The cat sat on the"')
ax.set_title(f"Share of {n_draws:,d} draws; blank = never drawn")
fig.colorbar(image, ax=ax, fraction=0.04, label="share of draws")
plt.tight_layout()
plt.show()
