"""What a reader takes away from a demo: its script, its executed notebook, Colab and Binder links.

Both files are published next to the demo's outputs, under ``demos/<id>/``.
The launch links are plain links built from the site's ``repo_url`` (only a
github.com repository: Colab and Binder's ``gh`` provider read GitHub). The
repository holds the jupytext script, not a notebook, so Binder opens the
script (JupyterLab with jupytext opens it as a notebook); Colab opens only
``.ipynb`` files, so a demo gets a Colab link only where the repository holds
its notebook, which is true of a frozen output (``demos/_outputs/<id>.ipynb``).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from generator.demos.freeze import FROZEN_FOLDER
from generator.demos.model import DemoResult, Obtained

_EDIT_PREFIXES = ("edit", "blob", "tree")


@dataclass(frozen=True, slots=True)
class RepoLinks:
    """A GitHub repository, the branch to link and the demos folder's path inside it."""

    owner: str
    name: str
    branch: str
    demos_path: str


def repo_links(repo_url: str | None, edit_uri: str | None, demos_path: str | None) -> RepoLinks | None:
    """Return the repository behind ``repo_url`` if it is on github.com, else None.

    The branch is the one ``edit_uri`` names (``edit/dev/docs/`` → ``dev``), else ``main``.

    >>> repo_links("https://github.com/ada/gloss.git", "blob/dev/docs/", "demos")
    RepoLinks(owner='ada', name='gloss', branch='dev', demos_path='demos')
    """
    if not repo_url or demos_path is None:
        return None
    parts = urlsplit(repo_url)
    segments = [s for s in parts.path.split("/") if s]
    if parts.hostname not in ("github.com", "www.github.com") or len(segments) < 2:
        return None
    name = segments[1].removesuffix(".git")
    return RepoLinks(segments[0], name, _branch(edit_uri), demos_path.strip("/") or ".")


def _branch(edit_uri: str | None) -> str:
    segments = [s for s in (edit_uri or "").split("/") if s]
    if len(segments) >= 2 and segments[0] in _EDIT_PREFIXES:
        return segments[1]
    return "main"


def download_files(result: DemoResult, script: bytes | None) -> dict[str, bytes]:
    """Return the demo's script and executed notebook, keyed by docs-tree path."""
    import nbformat

    folder = f"demos/{result.id}"
    notebook = nbformat.from_dict(result.notebook)  # type: ignore[no-untyped-call]
    files = {f"{folder}/{result.id}.ipynb": nbformat.writes(notebook).encode("utf-8")}  # type: ignore[no-untyped-call]
    if script is not None:
        files[f"{folder}/{result.id}.py"] = script
    return files


def links_markdown(
    result: DemoResult, files: dict[str, bytes], page_dir: str, repo: RepoLinks | None
) -> str:
    """Return the demo's line of links: downloads, then Colab and Binder where they work.

    Markdown links, so MkDocs rewrites the relative ones for directory URLs too.
    """
    links = []
    for path in sorted(files, key=lambda p: not p.endswith(".py")):
        kind = "script" if path.endswith(".py") else "notebook"
        href = posixpath.relpath(path, page_dir or ".")
        links.append(f"[the {kind} ({posixpath.basename(path)})]({href})")
    line = "Download " + " · ".join(links)
    if repo is not None:
        line += " · " + " · ".join(_launch_links(result, repo))
    return line


def _launch_links(result: DemoResult, repo: RepoLinks) -> list[str]:
    script = posixpath.normpath(f"{repo.demos_path}/{result.id}.py")
    base = f"{quote(repo.owner)}/{quote(repo.name)}"
    binder = f"https://mybinder.org/v2/gh/{base}/{quote(repo.branch)}?labpath={quote(script)}"
    links = []
    if result.record.obtained is Obtained.FROZEN:
        notebook = posixpath.normpath(f"{repo.demos_path}/{FROZEN_FOLDER}/{result.id}.ipynb")
        colab = f"https://colab.research.google.com/github/{base}/blob/{quote(repo.branch)}/"
        links.append(f"[Open in Colab]({colab}{quote(notebook)})")
    links.append(f"[Open in Binder]({binder})")
    return links
