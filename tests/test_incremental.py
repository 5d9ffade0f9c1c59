"""Incremental builds equal clean builds, rebuild fully on config changes, rewrite only changes."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from trees import write_tree_into

from generator import mkdocs_plugin
from generator.incremental import PictureCache
from generator.mkdocs_plugin import SiteCommand, build_site

pytestmark = pytest.mark.slow

# Material's search draws the box; the Pagefind index of the pages on disk answers it.
CONFIG = """site_name: Tiny
docs_dir: entities
site_dir: site
use_directory_urls: false
theme:
  name: material
  font: false
plugins:
  - search
  - glossgraph:
      entities: entities
      demos: demos
"""
CONCEPTS = ("alpha", "beta", "gamma", "delta")


def concept(links: tuple[str, ...], title: str | None, tag: str, demo: bool) -> str:
    """Return one concept file's text."""
    head = [f"summary: About {tag}.", f"tags: [{tag}]"]
    if title is not None:
        head.append(f"title: {title}")
    if demo:
        head.append("demos: [tiny]")
    body = " ".join(f"See [[{name}]]." for name in links) or "Alone."
    return "---\n" + "\n".join(head) + "\n---\n" + body + "\n"


START: Mapping[str, str] = {
    "mkdocs.yml": CONFIG,
    "entities/alpha.md": concept(("beta",), None, "one", True),
    "entities/beta.md": concept(("alpha", "gamma"), None, "two", False),
    "entities/gamma.md": concept(("beta",), None, "one", False),
    "demos/tiny.py": "# %%\nprint('first')\n",
}

EDITS = st.one_of(
    st.tuples(st.just("link"), st.sampled_from(CONCEPTS), st.sampled_from(CONCEPTS)),
    st.tuples(st.just("unlink"), st.sampled_from(CONCEPTS), st.just("")),
    st.tuples(st.just("title"), st.sampled_from(CONCEPTS), st.sampled_from(("Renamed", "Other"))),
    st.tuples(st.just("tag"), st.sampled_from(CONCEPTS), st.sampled_from(("one", "two", "three"))),
    st.tuples(st.just("add"), st.sampled_from(CONCEPTS), st.just("")),
    st.tuples(st.just("delete"), st.sampled_from(CONCEPTS), st.just("")),
    st.tuples(st.just("demo"), st.just(""), st.sampled_from(("first", "second"))),
)


def apply(root: Path, edit: tuple[str, str, str]) -> None:
    """Apply one edit to the glossary at ``root``; keep every link pointing at a concept."""
    kind, name, value = edit
    path = root / "entities" / f"{name}.md"
    if kind == "demo":
        (root / "demos" / "tiny.py").write_text(f"# %%\nprint('{value}')\n", "utf-8")
        return
    if kind == "add":
        path.write_text(concept(("alpha",) if name != "alpha" else (), None, "new", False))
        return
    if not path.exists():
        return
    if kind == "delete":
        if name == "alpha":
            return  # the demo's concept stays, so the demo stays published
        path.unlink()
        for other in (root / "entities").glob("*.md"):
            other.write_text(other.read_text("utf-8").replace(f"See [[{name}]].", ""), "utf-8")
        return
    text = path.read_text("utf-8")
    if kind == "link" and (root / "entities" / f"{value}.md").exists() and value != name:
        text = text.replace("\n---\n", f"\n---\nSee [[{value}]]. ", 1)
    elif kind == "unlink":
        text = text.split("\n---\n", 1)[0] + "\n---\nNo links now.\n"
    elif kind == "title":
        lines = [line for line in text.split("\n") if not line.startswith("title: ")]
        text = "\n".join([lines[0], f"title: {value} {name}", *lines[1:]])
    elif kind == "tag":
        text = text.replace("tags: [", f"tags: [{value}, ", 1)
    path.write_text(text, "utf-8")


def incremental(root: Path, site: str = "site") -> None:
    """Build ``root`` the way ``glossgraph build`` does: dirty, decided per page."""
    build_site(SiteCommand(config_file=root / "mkdocs.yml", site_dir=root / site))


def clean(root: Path, site: Path) -> None:
    """Build ``root`` with plain MkDocs, cleaning ``site``: the reference."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    build(load_config(str(root / "mkdocs.yml"), site_dir=str(site)))


def snapshot(site: Path) -> dict[str, bytes]:
    """Return every file under ``site`` by relative path."""
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(autouse=True)
def reproducible(monkeypatch: pytest.MonkeyPatch) -> None:
    # The sitemap's dates come from the build date; pin it so two builds can agree.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    root = write_tree_into(tmp_path, START)
    incremental(root)
    return root


EVERY_KIND = [
    ("add", "delta", ""),
    ("link", "beta", "delta"),
    ("demo", "", "second"),
    ("title", "beta", "Renamed"),
    ("tag", "alpha", "three"),
    ("delete", "gamma", ""),
    ("unlink", "delta", ""),
]


@given(edits=st.lists(EDITS, min_size=1, max_size=3))
@example(edits=EVERY_KIND)
@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_incremental_build_equals_a_clean_build(
    edits: list[tuple[str, str, str]], shared_cache: Path
) -> None:
    with tempfile.TemporaryDirectory(prefix="gg-incr-") as scratch:
        root = write_tree_into(Path(scratch), START)
        (root / ".glossgraph").symlink_to(shared_cache)  # demo runs are shared, sites are not
        incremental(root)
        for step, edit in enumerate(edits):
            apply(root, edit)
            incremental(root)
            reference = root / f"clean-{step}"
            clean(root, reference)
            assert snapshot(root / "site") == snapshot(reference), edit


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield tmp_path_factory.mktemp("cache")


def stamps(site: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(site).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in site.rglob("*.html")
    }


def test_only_changed_files_are_written(tiny: Path) -> None:
    site = tiny / "site"
    before, old = stamps(site), snapshot(site)
    gamma = tiny / "entities" / "gamma.md"
    gamma.write_text(gamma.read_text("utf-8") + "\nOne more sentence.\n", "utf-8")
    incremental(tiny)
    after, new = stamps(site), snapshot(site)
    touched = {name for name in before if before[name] != after.get(name)}
    differs = {name for name in before if old[name] != new.get(name)}
    assert touched == differs == {"concepts/gamma.html"}


def rendered(caplog: pytest.LogCaptureFixture) -> str:
    found = [r.getMessage() for r in caplog.records if "incremental build:" in r.getMessage()]
    assert found, "no incremental build summary logged"
    return found[-1].split("incremental build: ", 1)[-1].split(",")[0]


@pytest.mark.parametrize("change", ["mkdocs.yml", "theme", "version"])
def test_a_changed_config_theme_or_version_renders_every_page(
    tiny: Path, change: str, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.INFO)
    incremental(tiny)
    assert rendered(caplog).startswith("0 of ")
    if change == "mkdocs.yml":
        config = tiny / "mkdocs.yml"
        config.write_text(config.read_text("utf-8").replace("Tiny", "Tiny, renamed"), "utf-8")
    else:
        versions = mkdocs_plugin._versions
        package = "mkdocs-material" if change == "theme" else "glossgraph"
        monkeypatch.setattr(
            mkdocs_plugin,
            "_versions",
            lambda: [v + ".post1" if v.startswith(package + "==") else v for v in versions()],
        )
    incremental(tiny)
    total = rendered(caplog).split(" of ")[1].split()[0]
    assert rendered(caplog) == f"{total} of {total} pages rendered"


def test_deleted_concept_leaves_no_page(tiny: Path) -> None:
    apply(tiny, ("delete", "gamma", ""))
    incremental(tiny)
    assert not (tiny / "site" / "concepts" / "gamma.html").exists()
    assert (tiny / "site" / "concepts" / "beta.html").is_file()


def test_strict_build_is_not_failed_by_the_dirty_notice(tiny: Path) -> None:
    build_site(SiteCommand(config_file=tiny / "mkdocs.yml", site_dir=tiny / "site", strict=True))


@pytest.mark.parametrize("epoch", ["pinned", "unset"])
def test_a_rebuild_of_unchanged_sources_writes_nothing(
    tiny: Path, epoch: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 10: MkDocs rewrote sitemap.xml.gz on every build, so a deploy saw it changed."""
    if epoch == "unset":
        monkeypatch.delenv("SOURCE_DATE_EPOCH")
        incremental(tiny)  # the first build's sitemap had the pinned date
    site = tiny / "site"
    before, old = every_stamp(site), snapshot(site)
    incremental(tiny)
    after, new = every_stamp(site), snapshot(site)
    assert "sitemap.xml.gz" in before
    assert new == old
    assert sorted(name for name in before if before[name] != after.get(name)) == []


def every_stamp(site: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(site).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in site.rglob("*")
        if p.is_file()
    }


@pytest.mark.parametrize(
    ("old", "new", "kept", "left"),
    [
        (b"same", b"same", True, b"same"),
        (b"old", b"new", False, b"new"),
        (b"old", None, True, b"old"),  # the build stopped before writing it
        (None, b"new", False, b"new"),  # a first build
    ],
)
def test_a_file_set_aside_comes_back_only_if_rewritten_unchanged(
    tmp_path: Path, old: bytes | None, new: bytes | None, kept: bool, left: bytes
) -> None:
    from generator.incremental import put_back_if_equal, set_aside

    path = tmp_path / "sitemap.xml.gz"
    if old is not None:
        path.write_bytes(old)
    inode = path.stat().st_ino if old is not None else None
    aside = set_aside(path)
    if new is not None:
        path.write_bytes(new)
    assert put_back_if_equal(path, aside) is kept
    assert path.read_bytes() == left and sorted(p.name for p in tmp_path.iterdir()) == [path.name]
    assert (path.stat().st_ino == inode) is kept


def drawn_pictures(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the neighbourhood pictures the next builds really draw, by centre."""
    from generator import build

    centres: list[str] = []
    draw = build.neighbourhood_svg

    def counted(graph: Any, key: Any, href: Any) -> str:
        centres.append(key)
        return draw(graph, key, href)

    monkeypatch.setattr(build, "neighbourhood_svg", counted)
    return centres


def test_a_body_edit_draws_no_picture_again(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    centres = drawn_pictures(monkeypatch)
    gamma = tiny / "entities" / "gamma.md"
    gamma.write_text(gamma.read_text("utf-8") + "\nOne more sentence.\n", "utf-8")
    incremental(tiny)
    assert centres == []
    clean(tiny, tmp_path / "clean")
    assert sorted(centres) == ["alpha", "beta", "gamma"]  # plain MkDocs draws every picture
    assert snapshot(tiny / "site") == snapshot(tmp_path / "clean")


def test_a_title_edit_draws_every_picture_again(
    tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    centres = drawn_pictures(monkeypatch)
    apply(tiny, ("title", "gamma", "Renamed"))
    incremental(tiny)
    assert sorted(centres) == ["alpha", "beta", "gamma"]
    assert "Renamed gamma" in (tiny / "site" / "concepts" / "beta.html").read_text("utf-8")


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _offset_past_the_end(data: bytes) -> bytes:
    at = len(PictureCache.MAGIC)
    return data[:at] + b"9" * 16 + data[at + 16 :]


def _one_length_longer(data: bytes) -> bytes:
    head, _, index = data.rpartition(b'",')
    length, rest = index.split(b"]", 1)
    return head + b'",' + str(int(length) + 1).encode() + b"]" + rest


@pytest.mark.parametrize(
    "break_it",
    [lambda _: b'{"not": 1', _truncated, _offset_past_the_end, _one_length_longer],
    ids=["not-a-picture-file", "truncated", "offset-past-the-end", "index-disagrees"],
)
def test_broken_kept_pictures_only_cost_drawing_them(
    tiny: Path, monkeypatch: pytest.MonkeyPatch, break_it: Callable[[bytes], bytes]
) -> None:
    kept = tiny / ".glossgraph" / "cache" / "pictures.bin"
    assert kept.read_bytes().startswith(PictureCache.MAGIC)
    kept.write_bytes(break_it(kept.read_bytes()))
    centres = drawn_pictures(monkeypatch)
    incremental(tiny)
    assert sorted(centres) == ["alpha", "beta", "gamma"]
    centres.clear()
    incremental(tiny)  # the file was written afresh: nothing to draw now
    assert centres == []


def test_kept_pictures_come_back_as_drawn(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "pictures.bin"
    legacy = path.with_name("pictures.json")
    legacy.parent.mkdir()
    legacy.write_text("{}", "utf-8")
    pictures = {
        "a": "<svg>Kullback\u2013Leibler \u2026</svg>",
        "b": "",
        "c": "<svg>\U0001d6fc</svg>",
    }
    first = PictureCache(path, directory_urls=False)
    for key, svg in pictures.items():
        assert first.get(key, lambda svg=svg: svg) == svg
    first.save()
    assert not legacy.exists()  # the earlier versions' file is not left behind
    second = PictureCache(path, directory_urls=False)
    drawn = [second.get(key, lambda: "drawn again") for key in pictures]
    assert drawn == list(pictures.values())
    written = path.stat().st_mtime_ns
    second.save()  # nothing new: the file is left as it is
    assert path.stat().st_mtime_ns == written


def test_a_kept_picture_that_is_not_utf8_is_drawn_again_alone(tmp_path: Path) -> None:
    path = tmp_path / "pictures.bin"
    first = PictureCache(path, directory_urls=False)
    for key in ("a", "b"):
        first.get(key, lambda key=key: f"<svg>{key * 3}</svg>")
    first.save()
    path.write_bytes(path.read_bytes().replace(b"bbb", b"\xff\xfe\xfd"))
    second = PictureCache(path, directory_urls=False)
    assert second.get("a", lambda: "redrawn") == "<svg>aaa</svg>"
    assert second.get("b", lambda: "redrawn") == "redrawn"
    second.save()
    assert PictureCache(path, directory_urls=False).get("b", lambda: "again") == "redrawn"


def test_a_build_compiles_no_template_the_last_build_kept(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The theme's compiled templates are kept in the cache folder, as a new process finds them."""
    import jinja2

    kept = list((tiny / ".glossgraph" / "cache").glob("templates-*.bin"))
    assert len(kept) == 1
    monkeypatch.setattr(mkdocs_plugin, "_KEPT_TEMPLATES", {})  # as a new process starts
    monkeypatch.setattr(mkdocs_plugin, "_TEMPLATE_FILES", {})
    compiled: list[str | None] = []
    compile_source = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: str, name: str | None = None, *a: Any) -> Any:
        compiled.append(name)
        return compile_source(self, source, name, *a)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    gamma = tiny / "entities" / "gamma.md"
    gamma.write_text(gamma.read_text("utf-8") + "\nOne more sentence.\n", "utf-8")
    incremental(tiny)
    assert compiled  # Material's language partials are compiled on every render
    assert not {"main.html", "base.html", "partials/header.html"} & set(compiled)
    kept[0].write_bytes(b"not marshal data")  # a broken file only costs compiling again
    monkeypatch.setattr(mkdocs_plugin, "_KEPT_TEMPLATES", {})
    monkeypatch.setattr(mkdocs_plugin, "_TEMPLATE_FILES", {})
    gamma.write_text(gamma.read_text("utf-8") + "\nAnd another.\n", "utf-8")
    incremental(tiny)
    assert "main.html" in compiled
    clean(tiny, tmp_path / "clean")
    assert snapshot(tiny / "site") == snapshot(tmp_path / "clean")
