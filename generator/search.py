"""Site search: a Pagefind index of the concept pages, written after the site is built.

Pagefind splits its index into chunks the reader's browser fetches on demand,
so a search on a 10,000-concept site loads a few hundred kB, where Material's
single index is tens of MB. The pages keep Material's search box: our
``partials/search.html`` draws Material's dialog without Material's search
component, and ``assets/search.js`` runs Pagefind's JS API behind it.

Only concept pages are indexed; the home, A–Z, tag and graph pages are lists
of concepts, which would match every title. What a page marks with Material's
``data-search-exclude`` (generated lists and pictures) is left out: on a
heading, its whole section; on any other element, that element.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import NewType

# A page's URL as Pagefind reports it, from the site root: "/concepts/x.html".
ResultUrl = NewType("ResultUrl", str)

BUNDLE_DIR = "pagefind"
ENTRY_FILE = "pagefind-entry.json"  # the bundle's one file not named by its content
CONCEPT_DIR = "concepts"
MATERIAL_INDEX = "search/search_index.json"
EXCLUDE = "data-search-exclude"
# Pagefind weighs an h1 at 7 and body text at 1; the concept's title and its
# aliases name the concept, so a search for either ranks it above pages that
# only mention it.
TITLE_WEIGHT = 10
ALIAS_WEIGHT = 9
# Pagefind leaves these out as well: heading anchors ("¶").
_IGNORED = (f"[{EXCLUDE}]", ".headerlink")

_ARTICLE_START = re.compile(r"<article\b[^>]*>")
_HEADING = re.compile(r"<h([1-6])\b([^>]*)>")
_H1 = re.compile(r"<h1\b")
_ALIASES = re.compile(r'<(\w+) class="gg-aliases"')
_LANG = re.compile(r'<html\b[^>]*\blang="([\w-]+)"')


class SearchIndexError(Exception):
    """Raised when Pagefind cannot be started or fails to write the index."""


@dataclass(frozen=True, slots=True)
class SearchRecord:
    """What Pagefind indexes for one page: its URL and the HTML to read."""

    url: ResultUrl
    html: str


@dataclass(frozen=True, slots=True)
class SearchIndex:
    """What was indexed: the page count and the bundle's folder."""

    pages: int
    bundle: Path


def templates_dir() -> Path:
    """Return our theme overrides (``partials/search.html``), to put before Material's own."""
    return Path(str(resources.files("generator") / "templates"))


def index_site(site_dir: Path, *, directory_urls: bool) -> SearchIndex:
    """Write the Pagefind bundle of the built site's concept pages into ``site_dir/pagefind``."""
    records = site_records(site_dir, directory_urls=directory_urls)
    bundle = site_dir / BUNDLE_DIR
    write_bundle(records, bundle)
    return SearchIndex(pages=len(records), bundle=bundle)


def site_records(site_dir: Path, *, directory_urls: bool) -> list[SearchRecord]:
    """Return what search reads of the built site's concept pages, and drop Material's index."""
    records = list(_records(site_dir, directory_urls))
    # Material's own index of the whole site: our dialog never loads it.
    material = site_dir / MATERIAL_INDEX
    material.unlink(missing_ok=True)
    if material.parent.is_dir() and not any(material.parent.iterdir()):
        material.parent.rmdir()
    return records


def write_bundle(
    records: list[SearchRecord],
    bundle: Path,
    started: Callable[[subprocess.Popen[str]], None] | None = None,
) -> None:
    """Write the Pagefind bundle of ``records`` into ``bundle``; raise SearchIndexError.

    With ``started``, Pagefind runs in a session of its own (a Ctrl-C meant
    for serve does not reach it) and ``started`` is given its process. With
    no records (a glossary with no concepts yet) there is nothing to index
    and Pagefind would refuse: the bundle is left out.
    """
    if not records:
        shutil.rmtree(bundle, ignore_errors=True)
        return
    try:
        _write_index(records, bundle, started)
    except FileNotFoundError as error:
        raise SearchIndexError(
            f"cannot build the search index: {error}; install the pagefind binary"
            " with `pip install 'pagefind[bin]'`"
        ) from None


class LaterIndex:
    """``serve``'s search index, written after the rebuilt pages are served.

    A save's rebuild reloads the page as soon as the pages are written; the
    index of the same pages follows a few tenths of a second later. It is
    written beside the live bundle and moved in file by file, the entry file
    last: Pagefind names every other file by its content, so a reader whose
    search began on the last index still finds that index's files, which stay
    until the next index replaces this one. One index is written at a time:
    ``submit`` and ``wait`` first let the one in progress finish, and a build
    must ``wait`` before it removes anything from the site folder.
    """

    def __init__(self, report: Callable[[SearchIndex | SearchIndexError], None]) -> None:
        self._report = report
        self._thread: threading.Thread | None = None
        self._process: subprocess.Popen[str] | None = None
        self._stopping = False
        self._last: set[PurePosixPath] | None = None  # the files the live index names

    def submit(self, records: list[SearchRecord], site_dir: Path) -> None:
        """Start writing the index of ``records`` into ``site_dir``'s bundle."""
        self.wait()
        self._thread = threading.Thread(
            target=self._write, args=(records, site_dir), name="glossgraph-search", daemon=True
        )
        self._thread.start()

    def wait(self) -> None:
        """Return once no index is being written."""
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join()

    def stop(self) -> None:
        """Stop the index in progress, if any (a second Ctrl-C while serve shuts down)."""
        self._stopping = True
        process = self._process
        if process is not None and process.poll() is None:
            process.kill()
        self.wait()

    def _started(self, process: subprocess.Popen[str]) -> None:
        self._process = process

    def _write(self, records: list[SearchRecord], site_dir: Path) -> None:
        bundle = site_dir / BUNDLE_DIR
        fresh = bundle.with_name(f"{BUNDLE_DIR}.next")
        try:
            shutil.rmtree(fresh, ignore_errors=True)
            write_bundle(records, fresh, started=self._started)
            self._move_in(fresh, bundle)
        except (SearchIndexError, OSError) as error:
            if self._stopping:
                return
            said = str(error)
            if not isinstance(error, SearchIndexError):
                said = f"cannot move in the index: {error}"
            self._report(SearchIndexError(f"{said}; search keeps the last index"))
            return
        finally:
            self._process = None
            shutil.rmtree(fresh, ignore_errors=True)
        self._report(SearchIndex(pages=len(records), bundle=bundle))

    def _move_in(self, fresh: Path, bundle: Path) -> None:
        """Move ``fresh`` into ``bundle``; drop the files neither it nor the last index names."""
        if self._last is None:  # the bundle the first build wrote in place
            self._last = _bundle_files(bundle)
        new = _bundle_files(fresh)
        entry = PurePosixPath(ENTRY_FILE)
        for relative in [*sorted(new - {entry}), entry]:  # the entry, which names the rest, last
            target = bundle.joinpath(relative)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(fresh.joinpath(relative), target)
        for relative in _bundle_files(bundle) - new - self._last:
            bundle.joinpath(relative).unlink()
        self._last = new


def _bundle_files(folder: Path) -> set[PurePosixPath]:
    """Return every file under ``folder``, relative to it."""
    return {
        PurePosixPath(path.relative_to(folder).as_posix())
        for path in folder.rglob("*")
        if path.is_file()
    }


def _records(site_dir: Path, directory_urls: bool) -> Iterator[SearchRecord]:
    folder = site_dir / CONCEPT_DIR
    for path in sorted(folder.rglob("*.html")):
        relative = PurePosixPath(path.relative_to(site_dir).as_posix())
        yield SearchRecord(
            url=result_url(relative, directory_urls),
            html=search_html(path.read_text("utf-8")),
        )


def result_url(relative: PurePosixPath, directory_urls: bool) -> ResultUrl:
    """Return the URL a reader follows to the page at ``relative`` in the site."""
    if directory_urls and relative.name == "index.html":
        return ResultUrl(f"/{relative.parent.as_posix()}/")
    return ResultUrl(f"/{relative.as_posix()}")


def search_html(page: str) -> str:
    """Return the part of a built page that search reads, weighted for Pagefind.

    That is the page's article without its excluded sections, with the title
    and the aliases weighted above the body.
    """
    lang = _LANG.search(page)
    start = _ARTICLE_START.search(page)
    end = page.rfind("</article>")
    article = page[start.end() : end] if start and end > start.end() else ""
    body = _without_excluded_sections(article)
    body = _H1.sub(f'<h1 data-pagefind-weight="{TITLE_WEIGHT}"', body, count=1)
    body = _ALIASES.sub(rf'<\1 class="gg-aliases" data-pagefind-weight="{ALIAS_WEIGHT}"', body)
    language = lang.group(1) if lang else "en"
    return f'<html lang="{language}"><body><main data-pagefind-body>{body}</main></body></html>'


def _without_excluded_sections(html: str) -> str:
    """Drop each heading marked excluded and what follows it up to a heading of its level."""
    kept: list[str] = []
    keep_from = 0
    skipping: int | None = None
    for match in _HEADING.finditer(html):
        level = int(match.group(1))
        if skipping is not None and level <= skipping:
            skipping = None
            keep_from = match.start()
        if skipping is None and EXCLUDE in match.group(2):
            kept.append(html[keep_from : match.start()])
            skipping = level
    if skipping is None:
        kept.append(html[keep_from:])
    return "".join(kept)


def _write_index(
    records: list[SearchRecord],
    bundle: Path,
    started: Callable[[subprocess.Popen[str]], None] | None = None,
) -> None:
    """Run Pagefind's indexer over the pages as search reads them.

    The command line indexes a folder in one go; Pagefind's Python API waits a
    tenth of a second for each page's reply, minutes for a large glossary.
    """
    from pagefind.service import get_executable

    binary = get_executable()
    if binary is None:
        raise FileNotFoundError("no pagefind binary is installed")
    size = sum(len(record.html) for record in records) * 4  # UTF-8 at worst
    with tempfile.TemporaryDirectory(prefix="glossgraph-search-", dir=scratch_dir(size)) as folder:
        for record in records:
            target = Path(folder, *_page_file(record.url))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(record.html, "utf-8")
        command = [str(binary), "--site", folder, "--output-path", str(bundle.resolve())]
        for selector in _IGNORED:
            command += ["--exclude-selectors", selector]
        with subprocess.Popen(
            [*command, "--silent"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=started is not None,
        ) as process:
            if started is not None:
                started(process)
            try:
                out, err = process.communicate()
            except BaseException:  # an interrupt: leave no Pagefind behind
                process.kill()
                raise
    if process.returncode != 0:
        said = (err or out).strip()
        raise SearchIndexError(f"cannot build the search index: pagefind says: {said}")


MEMORY_DIR = Path("/dev/shm")


def scratch_dir(size: int, memory: Path = MEMORY_DIR) -> str | None:
    """Return where to write ``size`` bytes of scratch files: memory-backed storage if it has room.

    That is Linux's ``/dev/shm`` when it is writable with twice ``size`` free,
    else None (the system's temporary folder). The copies Pagefind reads are
    one new file per page, and creating a file on a disk costs the kernel far
    more than writing it: about 0.5 ms each on this project's machines, some
    0.6 s of CPU for 1,000 pages, against a few ms in memory.
    """
    try:
        stats = os.statvfs(memory)
    except OSError:
        return None
    if stats.f_bavail * stats.f_frsize < 2 * size or not os.access(memory, os.W_OK | os.X_OK):
        return None
    return str(memory)


def _page_file(url: ResultUrl) -> tuple[str, ...]:
    """Return the file Pagefind must index for the page at ``url``, as path parts."""
    parts = tuple(part for part in url.split("/") if part)
    return (*parts, "index.html") if url.endswith("/") else parts
