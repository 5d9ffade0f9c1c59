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
# # Byte-pair encoding, trained from scratch
#
# Byte-pair encoding (BPE) builds a subword vocabulary bottom-up. It starts
# from single characters, counts every pair of neighbouring symbols in the
# training words, fuses the most frequent pair into one new symbol, and
# repeats. Each merge is one new vocabulary entry. We train it on a small
# built-in text and watch the average number of tokens per word fall as the
# merges pile up.

# %%
from collections import Counter
from itertools import pairwise

import matplotlib.pyplot as plt
import torch

torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
print(f"device: {device} ({name})")

text = """
the lower layers learn edges and the higher layers learn shapes
a newer model is trained longer and a wider model is trained faster
the learner lowers the loss while the loader loads the next batch
training a larger network needs lower learning rates and longer warmup
the newest tokenizer merges the most frequent pairs into new tokens
"""
END = "</w>"  # marks the end of a word, so "er" inside a word and "er" at its end stay distinct
word_counts = Counter(text.split())
print(f"{sum(word_counts.values())} words, {len(word_counts)} distinct")


def split_word(word: str) -> tuple[str, ...]:
    """Return a word as single characters plus the end-of-word marker."""
    return (*word, END)


def pair_counts(corpus: dict[tuple[str, ...], int]) -> Counter[tuple[str, str]]:
    """Count each adjacent symbol pair, weighted by how often its word occurs."""
    counts: Counter[tuple[str, str]] = Counter()
    for symbols, n in corpus.items():
        for pair in pairwise(symbols):
            counts[pair] += n
    return counts


def apply_merge(symbols: tuple[str, ...], pair: tuple[str, str]) -> tuple[str, ...]:
    """Fuse every left-to-right occurrence of a pair into one symbol."""
    out: list[str] = []
    i = 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            out.append(symbols[i] + symbols[i + 1])
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return tuple(out)


def tokens_per_word(corpus: dict[tuple[str, ...], int]) -> float:
    """Return the mean number of tokens per running word."""
    total = sum(corpus.values())
    return sum(len(s) * n for s, n in corpus.items()) / total


corpus = {split_word(w): n for w, n in word_counts.items()}
alphabet = {ch for symbols in corpus for ch in symbols}
merges: list[tuple[str, str]] = []
history = [tokens_per_word(corpus)]
max_merges = 120
while len(merges) < max_merges:
    counts = pair_counts(corpus)
    if not counts:
        break
    # ties go to the pair seen first, so the run is reproducible
    best, best_n = counts.most_common(1)[0]
    if best_n < 2:
        break  # a pair seen once buys nothing over spelling it out
    merges.append(best)
    corpus = {apply_merge(s, best): n for s, n in corpus.items()}
    history.append(tokens_per_word(corpus))

print(f"start: {len(alphabet)} symbols, {history[0]:.2f} tokens per word")
print("first ten merges:")
for i, (a, b) in enumerate(merges[:10], start=1):
    print(f"  {i:2d}. {a!r} + {b!r} -> {a + b!r}")
print(
    f"after {len(merges)} merges: vocabulary {len(alphabet) + len(merges)}, "
    f"{history[-1]:.2f} tokens per word"
)


# %% [markdown]
# The first merges fuse the commonest pairs: `e r`, then `s` and `er` at the
# end of a word, then the pieces of "the". Training stops once no pair occurs
# twice. Because the merges are stored in order, a word that never appears in
# the training text can still be encoded by replaying them; it just ends up in
# more, shorter pieces. None of the four words below is in the text.


# %%
def encode(word: str) -> list[str]:
    """Encode one word by replaying the learned merges in order."""
    symbols = split_word(word)
    for pair in merges:
        symbols = apply_merge(symbols, pair)
    return list(symbols)


for word in ["lowest", "learners", "slowest", "tokenized"]:
    assert word not in word_counts
    print(f"{word:>9} -> {encode(word)}")

# %%
fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(range(len(history)), history, color="tab:blue")
ax.axhline(1.0, color="grey", linestyle="--", linewidth=1)
ax.text(len(history) - 1, 1.05, "one token per word", ha="right", color="grey")
ax.set_xlabel("number of merges learned")
ax.set_ylabel("tokens per word (training text)")
ax.set_ylim(0, history[0] * 1.05)
ax.set_title("Each BPE merge shortens the encoding of the text")
plt.tight_layout()
plt.show()
