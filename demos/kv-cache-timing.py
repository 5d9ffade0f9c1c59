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
# # The KV cache: time per generated token
#
# A causal transformer generates one token at a time, and each new token
# attends to the keys and values of every token before it. Those keys and
# values never change once computed, because later tokens cannot affect
# earlier ones. Without a cache, each step runs the whole prefix through the
# model again; with a cache, each step runs only the newest token and appends
# its keys and values to the stored ones. We write a tiny randomly
# initialised causal transformer, generate greedily both ways, check that the
# tokens agree, and time every step.

# %%
import time

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
print(f"device: {device} ({name})")

vocab, d_model, n_heads, n_layers, max_len = 100, 64, 4, 2, 512
d_head = d_model // n_heads
# per layer: the keys and the values, each of shape (heads, seq, d_head)
Cache = list[tuple[torch.Tensor, torch.Tensor]]


class Block(torch.nn.Module):
    """One pre-norm transformer block with causal self-attention."""

    def __init__(self) -> None:
        super().__init__()
        self.norm1 = torch.nn.LayerNorm(d_model)
        self.qkv = torch.nn.Linear(d_model, 3 * d_model)
        self.out = torch.nn.Linear(d_model, d_model)
        self.norm2 = torch.nn.LayerNorm(d_model)
        self.mlp = torch.nn.Sequential(
            torch.nn.Linear(d_model, 4 * d_model),
            torch.nn.GELU(),
            torch.nn.Linear(4 * d_model, d_model),
        )

    def forward(
        self, x: torch.Tensor, past: tuple[torch.Tensor, torch.Tensor] | None
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        """Attend from the new positions in x to the past ones and to themselves."""
        n_new = x.shape[0]
        q, k, v = self.qkv(self.norm1(x)).view(n_new, 3, n_heads, d_head).permute(1, 2, 0, 3)
        if past is not None:
            k, v = torch.cat([past[0], k], dim=1), torch.cat([past[1], v], dim=1)
        n_past = k.shape[1] - n_new
        # new query i sits at absolute position n_past + i and may see keys 0 .. n_past + i
        mask = torch.ones(n_new, k.shape[1], dtype=torch.bool, device=x.device)
        mask = mask.tril(diagonal=n_past)
        attended = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        x = x + self.out(attended.transpose(0, 1).reshape(n_new, d_model))
        x = x + self.mlp(self.norm2(x))
        return x, (k, v)


class TinyLM(torch.nn.Module):
    """A decoder-only language model small enough to time on a CPU."""

    def __init__(self) -> None:
        super().__init__()
        self.tokens = torch.nn.Embedding(vocab, d_model)
        self.positions = torch.nn.Embedding(max_len, d_model)
        self.blocks = torch.nn.ModuleList(Block() for _ in range(n_layers))
        self.norm = torch.nn.LayerNorm(d_model)
        self.head = torch.nn.Linear(d_model, vocab)

    def forward(self, ids: torch.Tensor, cache: Cache | None) -> tuple[torch.Tensor, Cache]:
        """Return next-token logits at each new position and the updated cache."""
        start = 0 if cache is None else cache[0][0].shape[1]
        where = torch.arange(start, start + len(ids), device=ids.device)  # true positions
        x = self.tokens(ids) + self.positions(where)
        new_cache: Cache = []
        for i, block in enumerate(self.blocks):
            x, kv = block(x, None if cache is None else cache[i])
            new_cache.append(kv)
        return self.head(self.norm(x)), new_cache


model = TinyLM().to(device).eval()
prompt = torch.randint(0, vocab, (8,), device=device)
n_new = 240


def sync() -> None:
    """Wait for queued GPU work, so a timer measures the work and not its launch."""
    if device == "cuda":
        torch.cuda.synchronize()


@torch.no_grad()
def generate(use_cache: bool) -> tuple[list[int], list[float]]:
    """Generate n_new tokens greedily; return them and the seconds each step took."""
    ids, cache, steps = prompt.clone(), None, []
    logits, cache = model(ids, None)  # the prompt is processed once either way
    for _ in range(n_new):
        sync()
        t0 = time.perf_counter()
        next_id = logits[-1].argmax().view(1)
        ids = torch.cat([ids, next_id])
        if use_cache:
            logits, cache = model(next_id, cache)  # only the new token goes in
        else:
            logits, _ = model(ids, None)  # the whole sequence again
        sync()
        steps.append(time.perf_counter() - t0)
    return ids[len(prompt) :].tolist(), steps


generate(use_cache=True)  # warm-up, so first-call costs do not land in the timings
tokens_cached, time_cached = generate(use_cache=True)
tokens_plain, time_plain = generate(use_cache=False)
print(f"same {n_new} tokens with and without the cache: {tokens_cached == tokens_plain}")
assert tokens_cached == tokens_plain
print(f"first tokens: {tokens_cached[:12]}")


def median_ms(times: list[float], lo: int, hi: int) -> float:
    """Return the median step time in milliseconds over steps lo .. hi - 1."""
    return float(torch.tensor(times[lo:hi]).median()) * 1000


for lo in [0, 80, 160, 220]:
    plain, cached = median_ms(time_plain, lo, lo + 20), median_ms(time_cached, lo, lo + 20)
    print(
        f"sequence length {len(prompt) + lo:3d}-{len(prompt) + lo + 19}: "
        f"no cache {plain:6.2f} ms/token, cache {cached:5.2f} ms/token, "
        f"ratio {plain / cached:4.1f}x"
    )
print(f"total: no cache {sum(time_plain):.2f} s, cache {sum(time_cached):.2f} s")

# %% [markdown]
# With the cache the cost of a step barely moves as the sequence grows: the
# projections and the MLP touch one token, and only the attention over the
# stored keys grows, by a little per step. Without it, every step redoes all
# of that work for the whole prefix, so its cost climbs with the length and
# the total for n tokens grows roughly as n squared. The price of the cache is
# memory: here `2 * layers * d_model` stored numbers per token.

# %%
window = 10
positions = torch.arange(len(prompt), len(prompt) + n_new)


def smooth(times: list[float]) -> torch.Tensor:
    """Return a running median in milliseconds, to tame a shared machine's noise."""
    t = torch.tensor(times) * 1000
    padded = torch.cat([t[:1].repeat(window // 2), t, t[-1:].repeat(window - window // 2 - 1)])
    return padded.unfold(0, window, 1).median(dim=1).values


fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(positions, smooth(time_plain), color="tab:red", label="no cache: rerun the whole prefix")
ax.plot(positions, smooth(time_cached), color="tab:blue", label="KV cache: run the new token only")
ax.set_xlabel("sequence length when the token is generated")
ax.set_ylabel("time per token (ms, running median)")
ax.set_ylim(bottom=0)
ax.set_title(f"Greedy generation, {n_layers}-layer model on {name}")
ax.legend()
plt.tight_layout()
plt.show()
