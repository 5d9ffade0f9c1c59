"""Incremental builds: render again only the pages whose inputs changed.

A build keeps a state file: a fingerprint of everything every page depends on
(the config file, theme and package versions, the plugin options, the nav) and,
per output page, the digest of its generated Markdown and of the HTML written
for it. A page is skipped only when the fingerprint, its Markdown digest and its
output file's digest all match; anything else renders it again. Files whose
bytes did not change are never rewritten, and files a clean build would not
produce are removed, so the site folder equals a clean build's.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import NewType

import networkx as nx

Digest = NewType("Digest", str)
SourceUri = NewType("SourceUri", str)

_STATE_VERSION = 1


def digest(data: bytes) -> Digest:
    """Return the hex SHA-256 of ``data``."""
    return Digest(hashlib.sha256(data).hexdigest())


def fingerprint(parts: Iterable[str | bytes]) -> Digest:
    """Return one digest of ``parts``, each length-prefixed so no two lists collide."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return Digest(hasher.hexdigest())


def file_digest(path: Path) -> Digest | None:
    """Return the digest of the file at ``path``, or None where there is none."""
    try:
        return digest(path.read_bytes())
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


@dataclass(frozen=True, slots=True)
class PageRecord:
    """What the last build wrote for one page: its Markdown and output digests."""

    source: Digest
    output: str  # relative to the site folder, POSIX
    written: Digest | None


@dataclass(frozen=True, slots=True)
class BuildState:
    """The state one build leaves for the next."""

    fingerprint: Digest
    pages: Mapping[SourceUri, PageRecord]


def state_path(cache_dir: Path, site_dir: Path) -> Path:
    """Return where the state of builds into ``site_dir`` is kept."""
    key = digest(str(site_dir.resolve()).encode("utf-8"))[:16]
    return cache_dir / "builds" / f"{key}.json"


def load_state(path: Path) -> BuildState | None:
    """Return the saved state, or None when there is none or it is unreadable."""
    try:
        raw = json.loads(path.read_text("utf-8"))
        if raw.get("version") != _STATE_VERSION:
            return None
        pages = {
            SourceUri(uri): PageRecord(Digest(r[0]), r[1], None if r[2] is None else Digest(r[2]))
            for uri, r in raw["pages"].items()
        }
        return BuildState(Digest(raw["fingerprint"]), pages)
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None  # a broken state only costs a full build


def save_state(path: Path, state: BuildState) -> None:
    """Write ``state`` atomically (a half-written state must not be read)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pages = {uri: [r.source, r.output, r.written] for uri, r in sorted(state.pages.items())}
    raw = {"version": _STATE_VERSION, "fingerprint": state.fingerprint, "pages": pages}
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(raw, separators=(",", ":")), "utf-8")
    os.replace(temporary, path)


def can_skip(
    previous: BuildState | None, current: Digest, uri: SourceUri, source: Digest, site_dir: Path
) -> bool:
    """Return whether the page at ``uri`` may keep the output the last build wrote."""
    if previous is None or previous.fingerprint != current:
        return False
    record = previous.pages.get(uri)
    if record is None or record.source != source or record.written is None:
        return False
    return file_digest(site_dir / record.output) == record.written


@dataclass(slots=True)
class Writes:
    """The files one build produced (written or found already equal), by absolute path."""

    produced: set[str] = field(default_factory=set)
    written: int = 0
    digests: dict[str, Digest] = field(default_factory=dict)  # of what each path was given

    def write(self, content: bytes, output_path: str) -> None:
        """Write ``content`` to ``output_path`` unless the file already holds exactly it."""
        path = os.path.abspath(output_path)
        self.produced.add(path)
        self.digests[path] = digest(content)  # the state records it: no reading the page back
        if holds(output_path, content):
            return
        os.makedirs(os.path.dirname(output_path) or ".", exist_ok=True)
        with open(output_path, "wb") as handle:
            handle.write(content)
        self.written += 1


def holds(path: str, content: bytes) -> bool:
    """Return whether the file at ``path`` holds exactly ``content``."""
    try:
        if os.path.getsize(path) != len(content):
            return False
        with open(path, "rb") as handle:
            return handle.read() == content
    except OSError:
        return False


def remove_stale(
    site_dir: Path, keep: set[str], since: float, spare: Path | None = None
) -> list[Path]:
    """Remove files under ``site_dir`` a clean build would not have; return them.

    A file is kept when the build produced it (``keep``), when something
    outside MkDocs' writers wrote it during this build (its mtime is not older
    than ``since``), or when it lies in ``spare``, a folder written afresh later.
    Hidden entries at the top (``.git`` of a Pages branch, ``.nojekyll``) are
    never looked at, as MkDocs' own clean build leaves them.
    """
    removed: list[Path] = []
    spared = os.path.abspath(spare) + os.sep if spare is not None else "\0"  # no path has NUL
    for folder, dirs, names in _walk_unhidden(site_dir):
        for name in names:
            path = os.path.abspath(os.path.join(folder, name))
            if path in keep or path.startswith(spared) or os.path.getmtime(path) >= since:
                continue
            os.remove(path)
            removed.append(Path(path))
        for name in dirs:
            child = os.path.join(folder, name)
            if not os.path.islink(child) and not os.listdir(child):
                os.rmdir(child)
    return removed


def _walk_unhidden(site_dir: Path) -> Iterator[tuple[str, list[str], list[str]]]:
    """Walk ``site_dir`` bottom-up as ``os.walk`` does, without its hidden top-level entries."""
    try:
        top = [entry for entry in os.listdir(site_dir) if not entry.startswith(".")]
    except OSError:
        return
    folders = [name for name in top if os.path.isdir(os.path.join(site_dir, name))]
    for name in folders:
        if not os.path.islink(os.path.join(site_dir, name)):
            yield from os.walk(os.path.join(site_dir, name), topdown=False)
    yield str(site_dir), folders, [name for name in top if name not in folders]


@contextmanager
def rewritten_whole(folder: Path, produced: set[str]) -> Iterator[None]:
    """Let a writer that leaves old files behind write ``folder`` afresh, keeping equal files.

    The old folder is moved aside; once the writer is done, each new file whose
    bytes equal the old one's is replaced by the old file, so its mtime and
    inode stay, and whatever the writer did not write again is gone. Every
    file in the new folder is added to ``produced``.
    """
    aside = folder.with_name(folder.name + ".glossgraph-previous")
    shutil.rmtree(aside, ignore_errors=True)
    if folder.is_dir():
        folder.rename(aside)
    try:
        yield
    finally:
        if aside.is_dir():
            for old in [p for p in aside.rglob("*") if p.is_file()]:
                new = folder / old.relative_to(aside)
                if new.is_file() and holds(str(new), old.read_bytes()):
                    os.replace(old, new)
            shutil.rmtree(aside)
        produced.update(os.path.abspath(p) for p in folder.rglob("*") if p.is_file())


def set_aside(path: Path) -> Path | None:
    """Move ``path`` aside before a writer that rewrites it even when its bytes stay the same.

    Return where it went (None if there was no file); ``put_back_if_equal`` ends it.
    """
    aside = path.with_name(path.name + ".glossgraph-previous")
    try:
        path.rename(aside)
    except OSError:  # no such file (a first build), or a folder in its place
        return None
    return aside


def put_back_if_equal(path: Path, aside: Path | None) -> bool:
    """Put the file set aside back if the writer wrote the same bytes, or none; drop it otherwise.

    The file put back keeps its mtime and inode, so a deploy that compares
    them sees it unchanged. Return whether it was put back.
    """
    if aside is None:
        return False
    if not path.exists() or holds(str(path), aside.read_bytes()):
        os.replace(aside, path)
        return True
    aside.unlink()
    return False


def graph_digest(graph: nx.MultiDiGraph) -> Digest:
    """Return a digest of everything in ``graph``: its attributes and both adjacencies, in order.

    Order counts: a picture lays nodes out in the graph's iteration order, so
    two graphs with the same nodes and edges added in another order differ.
    """
    succ = [(u, list(nbrs.items())) for u, nbrs in graph.adjacency()]
    pred = [(v, list(nbrs.items())) for v, nbrs in graph.pred.items()]
    return fingerprint(
        [repr(graph.graph), repr(list(graph.nodes(data=True))), repr(succ), repr(pred)]
    )


def code_digest() -> Digest:
    """Return a digest of glossgraph's own code and the networkx it draws with."""
    root = Path(__file__).resolve().parent
    files = sorted(root.rglob("*.py"))
    return fingerprint(
        [
            nx.__version__,
            *(p.relative_to(root).as_posix() for p in files),
            *(p.read_bytes() for p in files),
        ]
    )


class PictureCache:
    """Graph pictures kept from the last build, reused while the graph and the code are unchanged.

    A picture is a pure function of the graph, its centre and how links are
    written (the page's place and ``directory_urls``, one per centre), so its
    key is the digest of the whole graph, of glossgraph's code, the URL style
    and the centre: any change to any concept's title, summary, tags or links
    draws every picture again. One file holds the pictures of the last graph.

    The file is the pictures' UTF-8 bytes one after another, then a JSON index
    of each one's key and length, found through the header's offset. A build
    reads it whole but decodes a picture only when a page asks for it, and
    writes each picture as it encodes it: a 1,000-concept glossary keeps some
    25 MB of SVG, which one JSON document would parse, escape and copy whole.
    Anything unreadable in it is the same as no file: every picture is drawn.
    """

    MAGIC = b"glossgraph pictures 1\n"
    _OFFSET_DIGITS = 16
    LEGACY = "pictures.json"  # the one JSON document earlier versions kept, removed on saving

    def __init__(self, path: Path, directory_urls: bool) -> None:
        self.path = path
        self.salt = fingerprint([code_digest(), str(directory_urls)])
        self.graphs: dict[int, tuple[nx.MultiDiGraph, Digest]] = {}
        self.data = b""
        self.spans: dict[str, tuple[int, int]] = {}
        self.drawn: dict[str, str] = {}
        self.changed = False  # whether this build drew a picture the file does not hold
        try:
            self.data = path.read_bytes()
            self.spans = _picture_spans(self.data, self.MAGIC, self._OFFSET_DIGITS)
        except (OSError, ValueError):
            self.data, self.spans = b"", {}  # no pictures kept: draw them all

    def key(self, graph: nx.MultiDiGraph, centre: str) -> str:
        """Return the key of the picture of ``graph`` around ``centre`` ("" for the whole graph)."""
        known = self.graphs.get(id(graph))
        if known is None or known[0] is not graph:
            known = self.graphs[id(graph)] = (graph, graph_digest(graph))
        return fingerprint([self.salt, known[1], centre])

    def get(self, key: str, draw: Callable[[], str]) -> str:
        """Return the picture kept under ``key``, else draw it."""
        svg = self._kept(key)
        if svg is None:
            svg = draw()
            self.changed = True
        self.drawn[key] = svg
        return svg

    def _kept(self, key: str) -> str | None:
        span = self.spans.get(key)
        if span is None:
            return None
        try:
            return self.data[span[0] : span[1]].decode("utf-8")
        except UnicodeDecodeError:
            return None

    def save(self) -> None:
        """Keep the pictures this build showed (and only those), written atomically."""
        if not self.changed and self.drawn.keys() == self.spans.keys():
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        lengths: list[tuple[str, int]] = []
        with temporary.open("wb") as out:
            out.write(self.MAGIC + b"0" * self._OFFSET_DIGITS + b"\n")
            for key, svg in self.drawn.items():
                lengths.append((key, out.write(svg.encode("utf-8"))))
            index_at = out.tell()
            out.write(json.dumps(lengths, separators=(",", ":")).encode("utf-8"))
            out.seek(len(self.MAGIC))
            out.write(b"%0*d" % (self._OFFSET_DIGITS, index_at))
        os.replace(temporary, self.path)
        if self.path.name != self.LEGACY:
            self.path.with_name(self.LEGACY).unlink(missing_ok=True)
        self.data, self.spans = b"", {}


def _picture_spans(data: bytes, magic: bytes, digits: int) -> dict[str, tuple[int, int]]:
    """Return where each picture lies in a picture file's bytes; raise ValueError if malformed."""
    if not data.startswith(magic):
        raise ValueError("not a picture file")
    index_at = int(data[len(magic) : len(magic) + digits])
    start = len(magic) + digits + 1
    index = json.loads(data[index_at:])
    if not isinstance(index, list):
        raise ValueError("bad picture index")
    spans: dict[str, tuple[int, int]] = {}
    for entry in index:
        if not (isinstance(entry, list) and len(entry) == 2):
            raise ValueError("bad picture index")
        key, length = entry
        if not isinstance(key, str) or not isinstance(length, int) or length < 0:
            raise ValueError("bad picture index")
        spans[key] = (start, start + length)
        start += length
    if start != index_at:
        raise ValueError("picture index does not match the pictures")
    return spans
