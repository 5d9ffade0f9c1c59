"""Limits that hold on every path: what is read, where output goes, which arguments pass.

Each test names the finding of the reliability review it guards.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from test_site_build import glossgraph
from trees import TreeWriter

from generator.cli import main
from generator.linker import load_concept_graph
from generator.reading import ReadPolicy, ReadRefused, parse_size, read_bytes, real_folder
from generator.render.pages import RenderOptions, render_site
from generator.render.text import page_meta
from generator.render.tree import tag_path

CONCEPT = "---\ntitle: A\n---\nBody of a.\n"
DEMO = "# %%\nprint('hi')\n"


@pytest.fixture
def glossary(write_tree: TreeWriter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A one-concept glossary with one demo, the working directory."""
    write_tree(tmp_path, {"entities/a.md": CONCEPT, "demos/d.py": DEMO})
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def deadline() -> Iterator[None]:
    """Fail a test that blocks instead of hanging the suite."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError("blocked for 20 s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _write_plugin_config(glossary: Path, options: dict[str, object]) -> None:
    """Write a mkdocs.yml that gives the glossgraph plugin ``options``."""
    config = {"site_name": "G", "docs_dir": "entities", "theme": {"name": "material"}}
    config["plugins"] = [{"glossgraph": options}]  # type: ignore[assignment]
    (glossary / "mkdocs.yml").write_text(yaml.safe_dump(config))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


# --- Finding 6: reading ----------------------------------------------------------------


@pytest.mark.usefixtures("deadline")
@pytest.mark.parametrize("fifo", ["entities/x.md", "demos/f.py"])
def test_fifo_is_not_read(glossary: Path, capsys: pytest.CaptureFixture[str], fifo: str) -> None:
    """Finding 6: a FIFO named x.md in entities/, or f.py in demos/, made check block forever."""
    os.mkfifo(glossary / fifo)
    code, out = run(capsys, "check")
    assert code == 1
    assert f"{fifo}:1:1: error: not a regular file" in out


@pytest.mark.usefixtures("deadline")
def test_symlink_to_a_device_is_not_read(
    glossary: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Finding 6: a symlink to /dev/zero read without bound (even when symlinks may leave)."""
    (glossary / "entities" / "z.md").symlink_to("/dev/zero")
    code, out = run(capsys, "check", "--follow-symlinks")
    assert code == 1
    assert "entities/z.md:1:1: error: not a regular file" in out
    code, out = run(capsys, "check")
    assert code == 1 and "entities/z.md:1:1: error: symlink to '/dev/zero' leaves" in out


def test_symlink_out_of_the_folder_is_refused(
    glossary: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Finding 6: a concept file linking outside entities/ (e.g. /etc/passwd) was published."""
    secret = glossary / "secret.txt"
    secret.write_text("root:x:0:0\n")
    (glossary / "entities" / "passwd.md").symlink_to(secret)
    code, out = run(capsys, "check")
    assert code == 1
    assert (
        f"entities/passwd.md:1:1: error: symlink to '{secret.resolve()}' leaves the folder it is in"
    ) in out
    assert "--follow-symlinks" in out
    graph = load_concept_graph(Path("entities"))
    assert "passwd" not in graph.entities
    allowed = load_concept_graph(Path("entities"), policy=ReadPolicy(follow_symlinks=True))
    assert "root:x:0:0" in allowed.entities["passwd"].body


def test_a_symlink_loop_says_what_to_do(glossary: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (glossary / "entities" / "loop.md").symlink_to("loop.md")
    code, out = run(capsys, "check")
    assert code == 1
    assert "entities/loop.md:1:1: error: cannot read file: " in out
    assert "(a symbolic link that leads back to itself: fix or remove it)" in out


def test_symlink_inside_the_folder_is_read(glossary: Path) -> None:
    """Finding 6: a symlink that stays inside its folder is an ordinary file."""
    (glossary / "entities" / "sub").mkdir()
    (glossary / "entities" / "sub" / "real.md").write_text("Real body.\n")
    (glossary / "entities" / "b.md").symlink_to(glossary / "entities" / "sub" / "real.md")
    graph = load_concept_graph(Path("entities"))
    assert graph.entities["b"].body == "Real body.\n"
    assert not [d for d in graph.diagnostics if d.code == "unreadable"]


def test_embedded_image_linking_out_is_never_published(
    write_tree: TreeWriter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding 6: an embedded image that links outside entities/ was published."""
    write_tree(
        tmp_path,
        {"entities/a.md": "---\ntitle: A\n---\n![[leak.png]] and ![[ok.png]]\n", "x.png": b"x"},
    )
    monkeypatch.chdir(tmp_path)
    (tmp_path / "entities" / "ok.png").write_bytes(b"fine")
    (tmp_path / "entities" / "leak.png").symlink_to(tmp_path / "x.png")
    graph = load_concept_graph(Path("entities"))
    shown = [str(d) for d in graph.diagnostics]
    assert any(
        line.startswith("entities/leak.png:1:1: warning: symlink to ") and "not published" in line
        for line in shown
    )
    assert any("embedded file 'leak.png' is not in the entities folder" in line for line in shown)
    files = render_site(graph, {}, RenderOptions(entities=Path("entities"))).tree.files
    assert files["images/ok.png"] == b"fine"
    assert "images/leak.png" not in files


def test_oversize_file_is_an_error(glossary: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Finding 6: any file was read whole, however large."""
    (glossary / "entities" / "big.md").write_text("word " * 100)
    code, out = run(capsys, "check", "--max-file-size", "200")
    assert code == 1
    assert (
        "entities/big.md:1:1: error: file is 500 bytes, over the 200 bytes limit "
        "(raise it with --max-file-size, or max_file_size in the plugin options)"
    ) in out
    code, out = run(capsys, "check", "--max-file-size", "1kB")
    assert code == 0 and "limit" not in out


def test_read_bytes_checks_the_file_it_opened(tmp_path: Path) -> None:
    """Finding 6: the size cap holds on the bytes read, not only on what stat said."""
    path = tmp_path / "a.md"
    path.write_bytes(b"x" * 10)
    assert read_bytes(path, real_folder(tmp_path), ReadPolicy(max_file_size=10)) == b"x" * 10
    with pytest.raises(ReadRefused, match="over the 9 bytes limit"):
        read_bytes(path, real_folder(tmp_path), ReadPolicy(max_file_size=9))


@pytest.mark.parametrize(
    ("text", "size"), [("5MB", 5_000_000), ("200kB", 200_000), ("7", 7), ("1 gb", 10**9)]
)
def test_parse_size(text: str, size: int) -> None:
    assert parse_size(text) == size


def test_bad_size_is_a_usage_error(glossary: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["check", "--max-file-size", "lots"])
    assert stop.value.code == 2
    assert "expected a size such as 5MB" in capsys.readouterr().err


def test_reads_through_a_symlinked_folder_is_refused(
    glossary: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Finding 6: 'reads:' was checked as a string only; a symlinked folder led outside."""
    outside = glossary / "outside"
    outside.mkdir()
    (outside / "x.csv").write_text("1,2\n")
    (glossary / "demos" / "data").symlink_to(outside)
    header = "# ---\n# jupyter:\n#   glossgraph:\n#     reads: [data/x.csv]\n# ---\n"
    (glossary / "demos" / "d.py").write_text(header + DEMO)
    code, out = run(capsys, "check")
    assert code == 1
    assert "demo option 'reads': 'data/x.csv' leads outside demos through a symlink" in out


# --- Finding 5: output paths -----------------------------------------------------------


@pytest.mark.parametrize("site_dir", ["demos", "entities", ".glossgraph/cache", ".", "entities/x"])
def test_site_dir_over_content_is_a_usage_error(
    glossary: Path, capsys: pytest.CaptureFixture[str], site_dir: str
) -> None:
    """Finding 5: `build --site-dir demos` deleted every demo script, with exit 0."""
    (glossary / ".glossgraph" / "cache").mkdir(parents=True)
    (glossary / ".glossgraph" / "cache" / "entry.ipynb").write_text("{}")
    code, out = run(capsys, "build", "--site-dir", site_dir)
    assert code == 2
    assert "overlaps the" in out and "Traceback" not in out
    assert (glossary / "demos" / "d.py").read_text() == DEMO
    assert (glossary / "entities" / "a.md").read_text() == CONCEPT
    assert (glossary / ".glossgraph" / "cache" / "entry.ipynb").is_file()


def test_site_dir_that_is_a_file_is_a_usage_error(
    glossary: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Finding 5: a site dir that is a file gave a traceback."""
    (glossary / "site").write_text("not a folder")
    code, out = run(capsys, "build", "--site-dir", "site")
    assert code == 2
    assert "--site-dir 'site' is a file" in out


def test_site_dir_in_a_config_file_is_checked(
    glossary: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Finding 5: a config file's site_dir over the demos folder is refused before building."""
    config = {"site_name": "G", "docs_dir": "entities", "site_dir": "demos"}
    config["plugins"] = ["glossgraph"]  # type: ignore[assignment]
    (glossary / "mkdocs.yml").write_text(yaml.safe_dump(config))
    code, out = run(capsys, "build")
    assert code == 2
    assert "site_dir" in out and "overlaps the demos folder" in out
    assert (glossary / "demos" / "d.py").is_file()


@pytest.mark.parametrize(
    ("cache_dir", "said"),
    [
        ("mkdocs.yml", "mkdocs.yml' is a file, not a folder"),
        ("entities", "overlaps the entities folder"),
        ("entities/cache", "overlaps the entities folder"),
        ("demos/cache", "overlaps the demos folder"),
    ],
)
def test_cache_dir_over_content_or_a_file_is_a_usage_error(
    glossary: Path, capsys: pytest.CaptureFixture[str], cache_dir: str, said: str
) -> None:
    """A cache_dir naming mkdocs.yml ended in a traceback; one in entities/ was published."""
    _write_plugin_config(glossary, {"cache_dir": cache_dir})
    code, out = run(capsys, "build", "--site-dir", "site")
    assert code == 2 and said in out, out
    assert "Traceback" not in out and not (glossary / "site").exists()
    assert sorted(p.name for p in (glossary / "entities").iterdir()) == ["a.md"]


@pytest.mark.parametrize("option", ["demos", "entities"])
def test_a_folder_option_naming_a_file_is_a_usage_error(
    glossary: Path, capsys: pytest.CaptureFixture[str], option: str
) -> None:
    """`demos: mkdocs.yml` reported every demo as missing instead of the option."""
    _write_plugin_config(glossary, {option: "mkdocs.yml"})
    code, out = run(capsys, "build", "--site-dir", "site")
    assert code == 2 and f"option {option}: the {option} folder" in out, out
    assert "is a file, not a folder" in out and not (glossary / "site").exists()


@pytest.mark.parametrize("jobs", [0, -3, 257, True])
def test_the_jobs_option_is_checked_as_the_flag_is(
    glossary: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture, jobs: int
) -> None:
    """`jobs: 0` in mkdocs.yml was taken silently; `--jobs 0` is refused."""
    _write_plugin_config(glossary, {"jobs": jobs})
    code, out = run(capsys, "build", "--site-dir", "site")
    said = f"glossgraph option jobs: expected 1 to 256, got {jobs!r}"
    assert code != 0 and said in out + caplog.text, out  # MkDocs logs it once its log is set up
    assert not (glossary / "site").exists()


@pytest.mark.parametrize(
    ("held", "said"),
    [
        ({"notes.txt": "mine"}, "holds files that are not a built site: notes.txt"),
        ({"MARKER": "", "mkdocs.yml": "site_name: X\n", "index.html": ""}, "holds a project"),
        (
            {"docs/x.md": "# X\n", ".git/HEAD": "ref"},
            "holds files that are not a built site: docs/",
        ),
    ],
)
def test_site_dir_holding_other_files_is_refused(
    glossary: Path, capsys: pytest.CaptureFixture[str], held: dict[str, str], said: str
) -> None:
    """`build --site-dir ../project` emptied the project, .git and all, with exit 0."""
    for name, text in held.items():
        (glossary / "out" / name).parent.mkdir(parents=True, exist_ok=True)
        (glossary / "out" / name).write_text(text)
    code, out = run(capsys, "build", "--site-dir", "out")
    assert code == 2 and said in out, out
    assert "building there would delete them" in out and "Traceback" not in out
    assert all((glossary / "out" / name).read_text() == text for name, text in held.items())


def test_a_site_folder_is_rebuilt_keeping_its_hidden_entries(
    glossary: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Another MkDocs site's folder may be built over; a Pages branch's .git stays, as in MkDocs."""
    site = glossary / "site"
    site.mkdir()
    (site / "index.html").write_text("an older site")
    (site / "old.html").write_text("gone after the build")
    (site / ".git").mkdir()
    (site / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (site / ".nojekyll").write_text("")
    code, out = run(capsys, "build", "--site-dir", "site")
    assert code == 0, out
    assert (site / "concepts" / "a.html").is_file() and not (site / "old.html").exists()
    assert (site / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert (site / ".nojekyll").is_file()
    code, out = run(capsys, "build", "--site-dir", "site")  # its own site: built again
    assert code == 0, out


def test_a_bad_demo_header_stops_the_build_as_check_reports_it(
    glossary: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """check gave demos/d.py:4:7: error…; build said only that the demo failed, with exit 0."""
    (glossary / "entities" / "a.md").write_text("---\ntitle: A\ndemos: [d]\n---\nBody.\n")
    header = "# ---\n# jupyter:\n#   glossgraph:\n#     timeout: forever\n# ---\n"
    (glossary / "demos" / "d.py").write_text(header + DEMO)
    said = "demos/d.py:4:7: error: demo option 'timeout' must be a positive number of seconds"
    code, out = run(capsys, "check")
    assert code == 1 and said in out
    code, out = run(capsys, "build", "--site-dir", "site")
    assert code == 1 and said in out and "the site was not built" in out, out
    assert not (glossary / "site").exists()


@pytest.mark.slow
def test_content_errors_leave_the_site_folder_alone(glossary: Path) -> None:
    """Finding 5: a build that stopped on content errors had already emptied site/."""
    (glossary / "site").mkdir()
    (glossary / "site" / "index.html").write_text("last good build")
    (glossary / "entities" / "a.md").write_text("---\nparent: [unclosed\n---\nBody.\n")
    result = glossgraph(glossary, "build", "--site-dir", "site")
    assert result.returncode == 1, result.stderr
    assert "the site was not built" in result.stderr
    assert (glossary / "site" / "index.html").read_text() == "last good build"


@pytest.mark.parametrize("folder", ["entities", "demos", "entities/out", "."])
def test_export_docs_over_content_is_a_usage_error(
    glossary: Path, capsys: pytest.CaptureFixture[str], folder: str
) -> None:
    """Finding 5: export-docs into a content folder would delete what it reads."""
    code, out = run(capsys, "export-docs", folder)
    assert code == 2
    assert "export folder" in out and "overlaps the" in out
    assert (glossary / "entities" / "a.md").read_text() == CONCEPT


# --- Finding 10: arguments -------------------------------------------------------------


def test_export_docs_into_a_file_is_a_usage_error(
    glossary: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Finding 10: `export-docs FILE` gave a traceback."""
    (glossary / "out.txt").write_text("x")
    code, out = run(capsys, "export-docs", "out.txt")
    assert code == 2
    assert "is a file" in out and "Traceback" not in out


def test_export_to_a_folder_is_a_usage_error(
    glossary: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Finding 10: output paths that are folders are usage errors."""
    (glossary / "out").mkdir()
    code, out = run(capsys, "export", "-o", "out")
    assert code == 2
    assert "cannot write 'out'" in out


@pytest.mark.usefixtures("deadline")
@pytest.mark.parametrize("depth", ["100000000000000000000", "1e20", "-1"])
def test_huge_depth_is_a_usage_error(
    glossary: Path, capsys: pytest.CaptureFixture[str], depth: str
) -> None:
    """Finding 10: `query neighbors --depth 1e20` never ended."""
    with pytest.raises(SystemExit) as stop:
        main(["query", "neighbors", "a", "--depth", depth])
    assert stop.value.code == 2
    assert "--depth: expected a whole number from 0 to 1,000,000" in capsys.readouterr().err


@pytest.mark.usefixtures("deadline")
def test_deep_traversal_stops_when_nothing_new_is_reached(
    glossary: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Finding 10: a traversal went on counting hops after it had reached everything."""
    from generator import queries

    graph = load_concept_graph(Path("entities"))
    assert queries.neighbors(graph.graph, "a", depth=10**20) == []
    code, out = run(capsys, "query", "neighbors", "a", "--depth", "1000000")
    assert code == 0 and "Traceback" not in out


def test_too_many_jobs_is_a_usage_error(glossary: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Finding 10: counts are bounded like depths."""
    with pytest.raises(SystemExit) as stop:
        main(["build", "--jobs", "100000000"])
    assert stop.value.code == 2
    assert "--jobs: expected a whole number from 1 to 256" in capsys.readouterr().err


# --- Finding 11: tag pages; finding 9: Unicode titles ----------------------------------


def test_tag_named_index_keeps_its_own_page(
    write_tree: TreeWriter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding 11: a tag named `index` lost its page to the tag listing."""
    write_tree(
        tmp_path,
        {
            "entities/a.md": "---\ntags: [index, nlp]\n---\nA.\n",
            "entities/b.md": "---\ntags: [tag-index]\n---\nB.\n",
        },
    )
    monkeypatch.chdir(tmp_path)
    site = render_site(load_concept_graph(Path("entities")), {}, RenderOptions())
    files = site.tree.inlined().files  # the listing is a fragment: read it in place
    listing = str(files["tags/index.md"])
    assert "# Tags" in listing
    assert '<a href="tag-index.html">index</a> (1)' in listing
    assert '<a href="tag-tag-index.html">tag-index</a> (1)' in listing
    assert "# Tag: index" in str(files["tags/tag-index.md"])
    assert "# Tag: tag-index" in str(files["tags/tag-tag-index.md"])
    assert tag_path("nlp") == "tags/nlp.md"  # ordinary tags keep their URL


@pytest.mark.parametrize("title", ["Emoji 😀 title", "Ünïcödé", "math 𝔼[x]", "plain"])
def test_titles_outside_the_bmp_survive_front_matter(title: str) -> None:
    """Finding 9: an emoji title was written as JSON surrogate escapes, which YAML rejects."""
    from mkdocs.utils.meta import get_data

    meta = page_meta(title)
    assert "\\ud83d" not in meta
    _, data = get_data(meta + "# Body\n")
    assert data["title"] == title


@pytest.mark.slow
def test_emoji_title_and_tag_reach_the_built_page(write_tree: TreeWriter, tmp_path: Path) -> None:
    """Finding 9: MkDocs showed the front matter as text and dropped the emoji from <title>."""
    rocket = "---\ntitle: Rocket 🚀\ntags: [🔥 hot]\n---\nGo.\n"
    write_tree(tmp_path, {"entities/rocket.md": rocket})
    result = glossgraph(tmp_path, "build", "--site-dir", "out")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "out" / "concepts" / "rocket.html").read_text("utf-8")
    assert "<title>Rocket 🚀" in page
    assert "hide:" not in page  # the front matter was read, not shown
    tags = [p for p in (tmp_path / "out" / "tags").glob("*.html") if p.name != "index.html"]
    assert len(tags) == 1 and "<title>Tag: 🔥 hot" in tags[0].read_text("utf-8")
