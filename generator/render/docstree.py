"""The docs tree: every file of the site's docs folder, held in memory."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import MappingProxyType

from generator.model import SiteUrl
from generator.render.fragments import Fragments


def _empty() -> Mapping[SiteUrl, str | bytes]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class DocsTree:
    """Docs paths (``concepts/attention.md``) mapped to text or bytes.

    A page's generated HTML parts are ``fragments``, behind placeholders in its
    text: the MkDocs adapter places them after conversion, ``inlined`` and
    ``write`` put them in the Markdown for a build with no plugin.
    """

    files: Mapping[SiteUrl, str | bytes] = field(default_factory=_empty)
    fragments: Fragments = field(default_factory=Fragments)

    def __post_init__(self) -> None:
        for path in self.files:
            _check_path(path)
        object.__setattr__(self, "files", MappingProxyType(dict(self.files)))

    def pages(self) -> tuple[SiteUrl, ...]:
        """Return the Markdown pages, sorted."""
        return tuple(sorted(p for p in self.files if p.endswith(".md")))

    def size(self) -> int:
        """Return the total size in bytes."""
        return sum(len(_as_bytes(content)) for content in self.files.values())

    def merged(self, other: Mapping[SiteUrl, str | bytes]) -> DocsTree:
        """Return a tree with ``other``'s files added (theirs win)."""
        return DocsTree({**self.files, **other}, self.fragments)

    def inlined(self) -> DocsTree:
        """Return the tree with every fragment written into its page as a raw HTML block."""
        files = dict(self.files)
        for page in self.fragments.pages:
            text = files.get(page)
            if isinstance(text, str):
                files[page] = self.fragments.place(page, text)[0]
        return DocsTree(files)

    def write(self, folder: Path) -> None:
        """Write every file under ``folder``, fragments inlined, creating folders as needed."""
        for path, content in sorted(self.inlined().files.items()):
            target = folder.joinpath(*PurePosixPath(path).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(_as_bytes(content))


def _as_bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def _check_path(path: str) -> None:
    pure = PurePosixPath(path)
    if pure.is_absolute() or not pure.parts or any(p in ("..", ".", "") for p in pure.parts):
        raise ValueError(f"not a docs path: {path!r}")
