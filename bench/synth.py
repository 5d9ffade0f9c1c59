"""Write a synthetic glossary of N concepts for the benchmarks.

Usage: ``python bench/synth.py N OUTDIR [--seed S] [--demos D]``

The corpus looks like a real one: a parent tree a few levels deep, power-law
``related`` and body links (preferential attachment), ``requires`` edges only
towards earlier concepts (so no cycles), tags, aliases, headings, a little
math and code, and tiny demos. The same seed gives byte-identical files.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


def _words(text: str) -> tuple[str, ...]:
    """Return the words of ``text``, so that a vocabulary reads as prose in the source."""
    return tuple(text.split())


ADJECTIVES = _words(
    "sparse dense latent stochastic causal residual recurrent convolutional adaptive "
    "bayesian linear nonlinear orthogonal spectral discrete continuous masked shared "
    "hierarchical contrastive generative discriminative variational implicit explicit "
    "local global gated normalized quantized pruned distilled federated robust greedy "
    "annealed momentum weighted smoothed factorized low-rank blockwise streaming"
)
NOUNS = _words(
    "gradient tensor kernel embedding attention encoder decoder layer optimizer "
    "scheduler regularizer activation projection sampler estimator prior posterior "
    "likelihood entropy divergence margin classifier regressor autoencoder transformer "
    "pooling dropout normalization initialization objective loss manifold subspace "
    "filter feature token vocabulary sequence batch epoch checkpoint buffer policy "
    "critic reward horizon trajectory graph clustering partition metric"
)
VERBS = _words(
    "reduces shapes couples scales bounds stabilizes regularizes projects samples "
    "aggregates propagates approximates smooths compresses factorizes aligns weights "
    "penalizes normalizes transforms"
)
ADVERBS = _words("quickly slowly jointly locally globally implicitly explicitly gradually")
TAGS = _words(
    "training inference optimization probability statistics architecture vision "
    "language audio reinforcement graphs theory hardware data evaluation "
    "regularization generative unsupervised supervised numerics"
)
TEMPLATES = (
    "The {a} {n} {v} the {n} of each {n}.",
    "In practice a {a} {n} {v} the {n} {r}, which keeps the {n} {a}.",
    "Every {n} {v} its {n} before the {a} {n} is updated.",
    "When the {n} is {a}, the {n} {v} the {n} and the {n} {v} the {n}.",
    "A {a} {n} is cheaper than a {a} {n} because it {v} fewer {n} terms.",
    "Most {n} methods {r} combine a {a} {n} with a {n}.",
)
CODE_SNIPPETS = ("x = w @ h + b", "loss = (y - y_hat).pow(2).mean()", "g = grad(loss, w)")
MATH_SNIPPETS = ("$w_{t+1} = w_t - \\eta g_t$", "$\\sum_i p_i = 1$", "$y = \\sigma(Wx + b)$")
MAX_DEPTH = 4
_ARTICLE = re.compile(r"\b([Aa]) ([aeiou])")


@dataclass(frozen=True, slots=True)
class Name:
    """How one concept is named: key, title, file stem, aliases."""

    key: str
    title: str
    stem: str
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Concept:
    """One synthetic concept's front matter, before its body is written."""

    name: Name
    parent: str | None
    related: tuple[str, ...]
    requires: tuple[str, ...]
    tags: tuple[str, ...]
    demos: tuple[str, ...]
    headings: tuple[str, ...]


def slug(text: str) -> str:
    """Return the lowercase, dash-joined slug of ``text`` (ASCII input only)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _make_names(rng: random.Random, n: int) -> list[Name]:
    """Return ``n`` names whose keys, titles and aliases never collide after slugging."""
    used: set[str] = set()
    names: list[Name] = []
    for index in range(n):
        words = [*rng.sample(ADJECTIVES, rng.choice((1, 2))), rng.choice(NOUNS)]
        title = " ".join(words).title()
        while slug(title) in used:
            title = f"{title} {rng.choice(NOUNS).title()}"
        key = slug(title)
        used.add(key)
        aliases = _make_aliases(rng, words, index, used)
        stem = title if rng.random() < 0.05 else key
        names.append(Name(key, title, stem, aliases))
    return names


def _make_aliases(
    rng: random.Random, words: list[str], index: int, used: set[str]
) -> tuple[str, ...]:
    """Return zero to two aliases (an acronym, a reordered phrase) not used by anyone yet."""
    candidates = [
        "".join(w[0] for w in words).upper() + str(index),
        f"{words[-1]} of {words[0]} {index}",
    ]
    chosen = candidates[: rng.choice((0, 1, 1, 2))]
    aliases = tuple(a for a in chosen if slug(a) not in used)
    used.update(slug(a) for a in aliases)
    return aliases


def _make_parents(rng: random.Random, n: int) -> list[int | None]:
    """Return each concept's parent index: ~10-20 roots, then a tree at most MAX_DEPTH deep."""
    roots = max(1, min(20, max(10, n // 500), n))
    parents: list[int | None] = [None] * min(roots, n)
    depth = [0] * len(parents)
    open_nodes = list(range(len(parents)))
    for index in range(len(parents), n):
        parent = open_nodes[int(len(open_nodes) * rng.random() ** 2)]
        parents.append(parent)
        depth.append(depth[parent] + 1)
        if depth[-1] < MAX_DEPTH:
            open_nodes.append(index)
    return parents


def _pick_distinct(rng: random.Random, pool: list[int], count: int, exclude: set[int]) -> list[int]:
    """Return up to ``count`` distinct members of ``pool`` not in ``exclude``, degree-weighted."""
    chosen: list[int] = []
    for _ in range(count * 4):
        if len(chosen) == count or not pool:
            break
        candidate = rng.choice(pool)
        if candidate not in exclude and candidate not in chosen:
            chosen.append(candidate)
    return chosen


def _make_concepts(
    rng: random.Random, names: list[Name], demo_owner: dict[int, list[int]]
) -> list[Concept]:
    """Return the concepts' front matter: tree, power-law related, acyclic requires, demos."""
    parents = _make_parents(rng, len(names))
    pool: list[int] = []
    concepts: list[Concept] = []
    for index, name in enumerate(names):
        parent = parents[index]
        exclude = {index} if parent is None else {index, parent}
        related = _pick_distinct(rng, pool, rng.choice((0, 1, 1, 2, 3)), exclude)
        requires = _pick_distinct(rng, pool, rng.choice((0, 0, 1, 2)), exclude | set(related))
        pool.extend([index, index, *related, *requires])
        tags = rng.sample(TAGS, rng.choice((1, 1, 2, 3)))
        concepts.append(
            Concept(
                name=name,
                parent=None if parent is None else names[parent].key,
                related=tuple(names[i].key for i in related),
                requires=tuple(names[i].key for i in requires),
                tags=tuple(tags),
                demos=tuple(demo_id(d) for d in demo_owner.get(index, [])),
                headings=tuple(_heading(rng) for _ in range(rng.choice((1, 2)))),
            )
        )
    return concepts


def _assign_demos(rng: random.Random, n: int, demos: int) -> dict[int, list[int]]:
    """Return concept index -> the demo numbers it lists (each demo listed once)."""
    owners = rng.sample(range(n), min(n, demos)) if n else []
    assigned: dict[int, list[int]] = {}
    for number in range(demos if owners else 0):
        assigned.setdefault(owners[number % len(owners)], []).append(number)
    return assigned


def demo_id(number: int) -> str:
    """Return the id of synthetic demo ``number``."""
    return f"synth-demo-{number:04d}"


def _heading(rng: random.Random) -> str:
    return f"{rng.choice(ADJECTIVES).title()} {rng.choice(NOUNS)}"


def _sentence(rng: random.Random) -> str:
    template = rng.choice(TEMPLATES)
    text = re.sub(
        r"\{(\w)\}",
        lambda m: rng.choice({"a": ADJECTIVES, "n": NOUNS, "v": VERBS, "r": ADVERBS}[m.group(1)]),
        template,
    )
    return _ARTICLE.sub(lambda m: f"{m.group(1)}n {m.group(2)}", text)


def _link(rng: random.Random, target: Concept) -> str:
    """Return one body link to ``target`` in one of the forms authors write."""
    name = target.name
    forms = [
        f"[[{name.key}]]",
        f"[[{name.title}]]",
        f"[[{name.key}|the {name.title.lower()}]]",
        f"[[{name.key}#{target.headings[0]}]]",
    ]
    if name.aliases:
        forms.append(f"[[{name.aliases[0]}]]")
    if name.stem == name.key:
        forms.append(f"[{name.title.lower()}]({name.key}.md)")
    return rng.choice(forms)


def _paragraph(rng: random.Random, words: int, links: list[str]) -> str:
    """Return a paragraph of about ``words`` words with ``links`` woven between sentences."""
    sentences: list[str] = []
    count = 0
    while count < words:
        sentence = _sentence(rng)
        if links and rng.random() < 0.5:
            sentence = f"{sentence[:-1]}, as in {links.pop()}."
        if rng.random() < 0.08:
            sentence = f"{sentence[:-1]}, written `{rng.choice(CODE_SNIPPETS)}`."
        elif rng.random() < 0.05:
            sentence = f"{sentence[:-1]}, that is {rng.choice(MATH_SNIPPETS)}."
        sentences.append(sentence)
        count += len(sentence.split())
    return " ".join(sentences)


def _mention_weights(concepts: list[Concept]) -> list[int]:
    """Return cumulative weights: 1 + how often each concept is named by others (power law)."""
    index = {c.name.key: i for i, c in enumerate(concepts)}
    weights = [1] * len(concepts)
    for concept in concepts:
        for key in (*concept.related, *concept.requires, concept.parent):
            if key is not None:
                weights[index[key]] += 1
    total = 0
    cumulative: list[int] = []
    for weight in weights:
        total += weight
        cumulative.append(total)
    return cumulative


def _body(rng: random.Random, concept: Concept, links: list[str]) -> str:
    """Return a body of 150-400 words: paragraphs, the concept's headings, its links."""
    words = rng.randint(135, 330)  # paragraphs overshoot a little; the result is 150-400
    count = rng.randint(3, 5)
    blocks: list[str] = []
    headings = list(concept.headings)
    for number in range(count):
        if number in (1, 3) and headings:
            blocks.append(f"## {headings.pop(0)}")
        blocks.append(_paragraph(rng, words // count, links))
        if number == 1 and rng.random() < 0.2:
            blocks.append(f"```python\n{rng.choice(CODE_SNIPPETS)}\n```")
    blocks.extend(f"## {heading}" for heading in headings)
    if links:
        blocks.append(f"Compare {', '.join(links)}.")
    return "\n\n".join(blocks) + "\n"


def _front_matter(rng: random.Random, concept: Concept, summary: str) -> str:
    """Return the YAML front matter block, written the way people write it by hand."""
    name = concept.name
    lines = ["---"]
    if name.stem == name.key:
        if rng.random() < 0.1:
            lines.append(f"entity_key: {name.key}")
        lines.append(f"title: {name.title}")
    lines.append(f"summary: {summary}")
    fields: list[tuple[str, Sequence[str]]] = [
        ("aliases", name.aliases),
        ("related", concept.related),
        ("requires", concept.requires),
        ("tags", concept.tags),
        ("demos", concept.demos),
    ]
    if concept.parent is not None:
        lines.append(f"parent: {concept.parent}")
    lines.extend(f"{field}: [{', '.join(values)}]" for field, values in fields if values)
    lines.append("---")
    return "\n".join(lines) + "\n"


def _demo_text(number: int) -> str:
    """Return a tiny jupytext percent-format demo that finishes well under a second."""
    rows, cols = 2 + number % 5, 3 + number % 7
    return (
        "# ---\n# jupyter:\n#   glossgraph:\n#     timeout: 60\n# ---\n\n"
        f"# %% [markdown]\n# # Synthetic demo {number}\n"
        "# A small tensor, summed and averaged.\n\n"
        "# %%\nimport torch\n\n"
        f"x = torch.arange({rows * cols}, dtype=torch.float32).reshape({rows}, {cols})\n"
        "print(x.sum(dim=0))\n\n"
        "# %%\n(x * 3).mean().item()\n"
    )


MKDOCS_YML = """\
# A synthetic glossary, configured like the shipped one so that builds compare.
site_name: Synthetic glossary
docs_dir: entities
use_directory_urls: false
theme:
  name: material
  font: false
  features: [navigation.tabs, navigation.top, search.highlight, content.code.copy]
plugins:
  - search
  - glossgraph:
      entities: entities
      demos: demos
nav:
  - Home: index.md
  - A–Z: a-z.md
  - Tags: tags/index.md
  - Graph: graph.md
markdown_extensions:
  - abbr
  - admonition
  - attr_list
  - def_list
  - footnotes
  - md_in_html
  - tables
  - toc:
      permalink: true
  - pymdownx.details
  - pymdownx.highlight:
      use_pygments: true
  - pymdownx.inlinehilite
  - pymdownx.superfences
  - pymdownx.tasklist:
      custom_checkbox: true
"""


def write_corpus(n: int, outdir: Path, seed: int = 0, demos: int = 0) -> None:
    """Write ``n`` concepts to ``outdir/entities`` and ``demos`` demos to ``outdir/demos``."""
    rng = random.Random(seed)
    # Demos draw from their own generator, so a corpus with demos differs from one
    # without only in its demos: lines, and the two can be timed against each other.
    owners = _assign_demos(random.Random(f"demos-{seed}"), n, demos)
    concepts = _make_concepts(rng, _make_names(rng, n), owners)
    cumulative = _mention_weights(concepts)
    entities = outdir / "entities"
    demo_dir = outdir / "demos"
    entities.mkdir(parents=True, exist_ok=True)
    demo_dir.mkdir(parents=True, exist_ok=True)
    for index, concept in enumerate(concepts):
        picks = rng.choices(range(n), cum_weights=cumulative, k=rng.randint(2, 8))
        links = [_link(rng, concepts[i]) for i in dict.fromkeys(picks) if i != index]
        summary = _sentence(rng)
        text = _front_matter(rng, concept, summary) + "\n" + _body(rng, concept, links)
        path = entities / f"{concept.name.stem}.md"
        path.write_bytes(text.encode("utf-8"))
    for number in range(demos):
        (demo_dir / f"{demo_id(number)}.py").write_bytes(_demo_text(number).encode("utf-8"))
    (outdir / "mkdocs.yml").write_bytes(MKDOCS_YML.encode("utf-8"))


def _is_empty(folder: Path) -> bool:
    return not folder.exists() or not any(folder.iterdir())


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and write the corpus; refuse to write over existing files."""
    parser = argparse.ArgumentParser(description="Write a synthetic glossary for benchmarks.")
    parser.add_argument("n", type=int, help="number of concepts")
    parser.add_argument("outdir", type=Path, help="folder to write entities/, demos/ into")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--demos", type=int, default=0, metavar="D", help="number of demos")
    args = parser.parse_args(argv)
    if args.n < 1 or args.demos < 0:
        parser.error("N must be at least 1 and D at least 0")
    for folder in (args.outdir / "entities", args.outdir / "demos"):
        if not _is_empty(folder):
            parser.error(f"{folder} is not empty; choose a new OUTDIR")
    write_corpus(args.n, args.outdir, seed=args.seed, demos=args.demos)
    print(f"wrote {args.n} concepts and {args.demos} demos to {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
