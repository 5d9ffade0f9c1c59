"""The MkDocs adapter: inject the docs tree into a MkDocs build; run MkDocs for the CLI.

The only module that imports mkdocs. The core renders plain Markdown and files;
this plugin builds that tree once per build, adds it to MkDocs' files, puts the
generated HTML parts (``render.fragments``) into the converted pages, and logs
dangling links and failed demos as warnings (so ``--strict`` fails on them).
"""

from __future__ import annotations

import errno
import logging
import marshal
import os
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import yaml
from mkdocs import utils as mkdocs_utils
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, ConfigurationError, PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from generator.build import BuildOptions, ContentBlocked, SiteBuild, build_docs
from generator.cli.site import MAX_JOBS
from generator.demos import Device, RunOptions, summary_lines
from generator.demos.downloads import RepoLinks, repo_links
from generator.demos.model import DEFAULT_CACHE_DIR
from generator.demos.resources import MemoryLimit, parse_memory_limit
from generator.errors import BuildError, UsageError, not_a_folder
from generator.headings import Slugify, default_slugify
from generator.incremental import (
    BuildState,
    Digest,
    PageRecord,
    SourceUri,
    Writes,
    can_skip,
    digest,
    file_digest,
    holds,
    load_state,
    put_back_if_equal,
    remove_stale,
    rewritten_whole,
    save_state,
    set_aside,
    state_path,
)
from generator.incremental import fingerprint as make_fingerprint
from generator.model import SiteUrl
from generator.outputs import check_cache_folder, check_output_folder, check_site_folder
from generator.reading import ReadPolicy, parse_size
from generator.rebuilds import BuildGate, run_current
from generator.render.docstree import DocsTree
from generator.render.pages import asset_files
from generator.render.siteconfig import NAV, THEME_OVERRIDES, asset_urls, site_config
from generator.search import (
    BUNDLE_DIR,
    LaterIndex,
    SearchIndex,
    SearchIndexError,
    index_site,
    site_records,
    templates_dir,
)

if TYPE_CHECKING:  # serve only: its server and watcher cost a build 0.1 s to import
    from mkdocs.livereload import LiveReloadServer
    from watchdog.observers.api import BaseObserver

log = get_plugin_logger("glossgraph")

_NAV_PAGES = frozenset(page for item in NAV for page in item.values())
# Written by MkDocs itself, not through utils.write_file, on every build.
_ALWAYS_REWRITTEN = ("sitemap.xml.gz",)
# Set by the CLI for the builds it starts; `mkdocs serve` reloads the config on
# every rebuild, so command-line overrides cannot live on a plugin instance.
_OVERRIDES: dict[str, Any] = {}
# `glossgraph build` prints content errors itself, and makes an unsafe site folder
# a usage error; MkDocs would log them and abort.
_RAISE_CONTENT_ERRORS: list[bool] = [False]
# Set by `glossgraph build` and `serve`, which run MkDocs dirty and let the
# plugin decide per page; a plain `mkdocs build` stays a clean build.
_INCREMENTAL: list[bool] = [False]
# `serve` makes a new plugin per rebuild, so the gate that orders rebuilds, and
# the token of the build in progress, live here.
_GATE: list[BuildGate | None] = [None]
_TOKEN: list[int | None] = [None]
_LATER: list[LaterIndex | None] = [None]  # serve's search index, written after the reload


class GlossgraphConfig(base.Config):  # type: ignore[no-untyped-call]
    """The plugin's options in mkdocs.yml (paths relative to mkdocs.yml)."""

    entities = c.Type(str, default="entities")
    demos = c.Type(str, default="demos")
    device = c.Choice(("auto", "cpu", "cuda"), default="auto")
    jobs = c.Optional(c.Type(int))
    timeout = c.Optional(c.Type((int, float)))  # seconds; a demo's header timeout wins
    memory_limit = c.Type((str, int), default="50%")  # 4GB, 500MB, 50%, none
    executor = c.Optional(c.Type(str))  # dask://HOST:PORT: run demos on a Dask cluster
    rerun = c.Type(bool, default=False)
    strict = c.Type(bool, default=False)
    cache_dir = c.Type(str, default=".glossgraph/cache")
    max_file_size = c.Type((int, str), default="5MB")
    follow_symlinks = c.Type(bool, default=False)


class ContentStop(PluginError):
    """Raised when the concept graph has errors; carries them for the CLI."""

    def __init__(self, blocked: ContentBlocked) -> None:
        self.diagnostics = blocked.diagnostics
        lines = "\n".join(str(d) for d in blocked.diagnostics)
        super().__init__(f"{lines}\n{blocked}")


class GlossgraphPlugin(BasePlugin[GlossgraphConfig]):  # type: ignore[no-untyped-call]
    """Add the glossary's pages, images, demo outputs and assets to a MkDocs build."""

    _source_dirs: set[Path]
    _built: SiteBuild
    _templates: _KeptTemplates | None = None
    _mkdocs_observer: BaseObserver | None = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Apply CLI overrides, check the site folder, and build the docs tree.

        The tree is built here, before MkDocs empties the site folder, so a
        build that stops on content errors leaves the last site as it was.
        """
        self._run: _IncrementalRun | None = None
        self._source_dirs = {self._path(config, self.config.entities)}
        for name, value in _OVERRIDES.items():
            self.config[name] = value
        self._check_site_dir(config)
        if config.theme.name != "material":
            raise PluginError(
                f"glossgraph writes its pages for the Material theme, not {config.theme.name!r}:"
                " set `theme: {name: material}` in mkdocs.yml (pip package mkdocs-material)"
            )
        _add_needed_extensions(config)
        if not config.nav:
            config.nav = list(NAV)
        css, js = asset_urls(asset_files())
        config.extra_css.extend(u for u in css if u not in config.extra_css)
        config.extra_javascript.extend(js)
        _add_overrides(config)
        _keep_search_box_only(config)
        self._built = self._build(config)
        _stop_if_superseded()
        _report(self._built, strict=self.config.strict)
        self._run = self._start_incremental(config) if _INCREMENTAL[0] else None
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Let serve's last search index finish before MkDocs may empty the site folder.

        The index writes beside the bundle, so it must also be done before
        ``on_post_build`` removes stale files.
        """
        later = _LATER[0]
        if later is not None:
            later.wait()

    def on_env(
        self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files
    ) -> jinja2.Environment:
        """Keep the theme's compiled templates: for the process, and for the next build.

        ``serve`` compiles them once; ``glossgraph build`` and ``serve`` also
        keep them in the cache folder, so a build does not compile Material's
        templates again (0.15 s, most of the time of a build that renders
        two pages). Plain ``mkdocs build`` keeps them in memory only.
        """
        folder = self._path(config, self.config.cache_dir) if _INCREMENTAL[0] else None
        self._templates = _kept_templates(env, folder)
        env.bytecode_cache = self._templates
        return env

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        """Put the docs tree's files in place of the entity sources."""
        built = self._built
        docs_dir = Path(config.docs_dir)  # as MkDocs spells it, and so its source paths
        self._source_dirs.add(self._path(config, self.config.entities))
        real_docs = docs_dir.resolve()
        for folder in self._source_dirs:  # the entities folder, or one inside the docs folder
            if not folder.is_relative_to(real_docs):
                continue
            sources = [f for f in files if _inside(f, docs_dir / folder.relative_to(real_docs))]
            for source in sources:
                files.remove(source)
            others = [f for f in sources if not f.src_uri.lower().endswith(".md")]
            _name_left_out(others, built.tree)
        for path, content in built.tree.files.items():
            existing = files.get_file_from_path(path)
            if existing is not None:
                files.remove(existing)
                if existing.generated_by is None:
                    log.warning(
                        f"{path} is replaced by the page glossgraph writes there;"
                        " rename yours to keep it"
                    )
            level = InclusionLevel.UNDEFINED if path in _NAV_PAGES else InclusionLevel.NOT_IN_NAV
            if isinstance(content, str):  # a slotted fragment's placeholder costs Markdown a block
                content = built.tree.fragments.for_markdown(path, content)
            files.append(File.generated(config, path, content=content, inclusion=level))
        if self._run is not None:
            self._run.mark(files, built.tree)
        return files

    @event_priority(-100)  # after search has read the page: fragments are never searched
    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        """Put the page's generated HTML parts in place of their placeholders."""
        path = SiteUrl(page.file.src_uri)
        content, missing = self._built.tree.fragments.place_converted(path, page.content or "")
        page.content = content
        if missing:
            log.warning(
                f"{path}: {len(missing)} generated part(s) lost their place on the page "
                "(a plugin that runs before glossgraph's on_page_context removed it)"
            )
        return context

    def on_pre_page(self, page: Page, /, *, config: MkDocsConfig, files: Files) -> Page:
        """Stop a ``serve`` rebuild that a newer save has made out of date."""
        _stop_if_superseded()
        return page

    @event_priority(-100)  # last: after Material's search plugin, whose index it removes
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Index the built concept pages for search; then tidy the site and keep the state.

        Pagefind reads every page on disk, so pages an incremental build kept
        are indexed as much as the pages it rendered. A site whose theme draws
        no search box (no search plugin, or one set ``enabled: false``) gets no
        index: nothing would read it.
        """
        site_dir = Path(config.site_dir)
        bundle = site_dir / BUNDLE_DIR
        later = _LATER[0]  # on_pre_build waited for its last index
        run = self._run
        searched = _search_box_shown(config)
        if run is not None:  # first: a deleted concept's page must not be indexed
            run.tidy(spare=bundle if searched else None)
        if not searched:
            log.debug("search: no search plugin, so no search index")
        elif later is not None:  # serve: the page reloads now, its search follows
            later.submit(site_records(site_dir, directory_urls=config.use_directory_urls), site_dir)
        else:
            # Pagefind leaves old chunks in place; an incremental site must lose them.
            fresh = rewritten_whole(bundle, run.writes.produced) if run else nullcontext()
            try:
                with fresh:
                    built = index_site(site_dir, directory_urls=config.use_directory_urls)
            except SearchIndexError as error:
                raise PluginError(str(error)) from None
            _log_index(built)
        run, self._run = self._run, None
        if run is not None:
            run.finish()
        if self._templates is not None:
            self._templates.save()

    def on_build_error(self, *, error: Exception) -> None:
        """Stop intercepting writes; the last state stays, so the next build redoes this one."""
        run, self._run = self._run, None
        if run is not None:
            run.abandon()

    def _start_incremental(self, config: MkDocsConfig) -> _IncrementalRun:
        site_dir = Path(config.site_dir).resolve()
        path = state_path(self._path(config, self.config.cache_dir), site_dir)
        parts = _fingerprint_parts(config, dict(self.config))
        return _IncrementalRun(site_dir, path, make_fingerprint(parts))

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        """Rebuild when a concept or a demo changes: once per burst, the newest save winning."""
        from generator.watching import watch_content

        gate = BuildGate(time.monotonic)
        _GATE[0] = gate
        _LATER[0] = LaterIndex(_log_index)
        folders = [self._watched(config, f) for f in (self.config.entities, self.config.demos)]
        self._mkdocs_observer = watch_content(server, folders, gate.change)
        server.build_delay = gate.quiet  # MkDocs waits this long for saves to stop
        mkdocs_builder = server.builder

        def build_current() -> None:
            def attempt(token: int) -> None:
                _TOKEN[0] = token
                try:
                    mkdocs_builder()
                finally:
                    _TOKEN[0] = None

            runs = run_current(gate, attempt, time.sleep)
            if runs > 1:
                log.info(f"{runs - 1} rebuilds superseded by newer saves")

        server.builder = build_current
        return server

    def on_shutdown(self) -> None:
        """Let the last search index finish; stop the observer ``on_serve`` started.

        A second Ctrl-C meanwhile stops the index, and MkDocs still removes
        the site folder.
        """
        later = _LATER[0]
        if later is not None:
            try:
                later.wait()
            except KeyboardInterrupt:
                later.stop()
        observer, self._mkdocs_observer = self._mkdocs_observer, None
        if observer is not None:
            observer.stop()
            observer.join()

    def _check_site_dir(self, config: MkDocsConfig) -> None:
        protected = {
            name: self._path(config, getattr(self.config, option))
            for name, option in (
                ("entities", "entities"),
                ("demos", "demos"),
                ("cache", "cache_dir"),
            )
        }
        site_dir = Path(config.site_dir)
        with _usage_errors_as_plugin_errors():
            sources = {name: protected[name] for name in ("entities", "demos")}
            for name, folder in sources.items():
                if folder.exists() and not folder.is_dir():
                    raise not_a_folder(f"glossgraph option {name}: the {name}", folder)
            check_cache_folder(protected["cache"], "glossgraph option cache_dir", sources)
            check_output_folder(site_dir, "site_dir", protected)
            built_before = state_path(protected["cache"], site_dir.resolve()).exists()
            check_site_folder(site_dir, "site_dir", built_before=built_before)

    def _reading(self) -> ReadPolicy:
        try:
            size = parse_size(str(self.config.max_file_size))
        except ValueError as error:
            raise PluginError(f"glossgraph option max_file_size: {error}") from None
        return ReadPolicy(max_file_size=size, follow_symlinks=self.config.follow_symlinks)

    def _jobs(self) -> int | None:
        value = self.config.jobs
        if value is not None and (isinstance(value, bool) or not 1 <= value <= MAX_JOBS):
            raise PluginError(f"glossgraph option jobs: expected 1 to {MAX_JOBS}, got {value!r}")
        return value

    def _timeout(self) -> float | None:
        value = self.config.timeout
        if value is not None and (isinstance(value, bool) or not value > 0):
            raise PluginError(f"glossgraph option timeout: expected seconds > 0, got {value!r}")
        return None if value is None else float(value)

    def _memory_limit(self) -> MemoryLimit:
        try:
            return parse_memory_limit(str(self.config.memory_limit))
        except ValueError as error:
            raise PluginError(f"glossgraph option memory_limit: {error}") from None

    def _build(self, config: MkDocsConfig) -> SiteBuild:
        options = BuildOptions(
            entities=self._path(config, self.config.entities),
            demos=self._path(config, self.config.demos),
            site_name=config.site_name,
            directory_urls=config.use_directory_urls,
            slugify=_toc_slugify(config),
            repo=self._repo(config),
            run=RunOptions(
                device=Device(self.config.device),
                jobs=self._jobs(),
                timeout=self._timeout(),
                memory_limit=self._memory_limit(),
                executor=self.config.executor,
                rerun=self.config.rerun,
                cache_dir=self._path(config, self.config.cache_dir),
                progress=sys.stderr,
            ),
            reading=self._reading(),
            # Only glossgraph build and serve keep pictures: plain mkdocs build draws them all.
            pictures=self._path(config, self.config.cache_dir) / "pictures.bin"
            if _INCREMENTAL[0]
            else None,
        )
        try:
            with _usage_errors_as_plugin_errors():  # a missing entities folder, say
                return build_docs(options)
        except ContentBlocked as blocked:
            if _RAISE_CONTENT_ERRORS[0]:
                raise
            raise ContentStop(blocked) from None

    def _repo(self, config: MkDocsConfig) -> RepoLinks | None:
        """Return the GitHub repository of ``repo_url``, taking mkdocs.yml's folder as its root."""
        root = self._path(config, ".")
        demos = self._path(config, self.config.demos)
        inside = demos.relative_to(root).as_posix() if demos.is_relative_to(root) else None
        return repo_links(config.repo_url, config.edit_uri, inside)

    @staticmethod
    def _path(config: MkDocsConfig, value: str) -> Path:
        base_dir = Path(config.config_file_path or ".").resolve().parent
        return (base_dir / value).resolve()

    @staticmethod
    def _watched(config: MkDocsConfig, value: str) -> Path:
        """Return a folder as MkDocs spells its own watches: absolute, symlinks kept.

        A symlinked entities folder pointed elsewhere is then heard, and MkDocs'
        watch of the same folder is found to hand over.
        """
        config_file = _kept_link(Path(config.config_file_path or "mkdocs.yml"))
        return _kept_link(config_file.parent / value)


# What the generated Markdown uses: the lead, image sizes and excluded headings,
# callouts, folded callouts; and fenced code, for demos, which MkDocs always adds.
_NEEDED_EXTENSIONS = ("attr_list", "admonition", "pymdownx.details")


def _add_needed_extensions(config: MkDocsConfig) -> None:
    """Add the Markdown extensions our pages are written with, where mkdocs.yml lacks them.

    Without them a page shows ``{: .gg-lead }`` and callouts as text; the
    addition is said once, with how to choose their options instead.
    """
    have = {str(name).removeprefix("markdown.extensions.") for name in config.markdown_extensions}
    added = [name for name in _NEEDED_EXTENSIONS if name not in have]
    if added:
        config.markdown_extensions.extend(added)
        log.info(
            f"added the Markdown extensions its pages need: {', '.join(added)}"
            " (list them under markdown_extensions in mkdocs.yml to set their options)"
        )


def _search_box_shown(config: MkDocsConfig) -> bool:
    """Return whether Material draws its search box: its search plugin is there and enabled."""
    search = config.plugins.get("material/search")
    return search is not None and bool(getattr(search.config, "enabled", True))


def _keep_search_box_only(config: MkDocsConfig) -> None:
    """Keep Material's search box but not its index: Pagefind indexes the built pages.

    Material's search plugin draws the box only while it is enabled, and while
    enabled it parses every page's HTML into one index our dialog never loads
    (a fifth of a build's time); so its two indexing handlers are unregistered.
    """
    search = config.plugins.get("material/search")
    if search is None:
        return
    for event, handler in (
        ("page_context", search.on_page_context),
        ("post_build", search.on_post_build),
    ):
        handlers = config.plugins.events[event]
        handlers[:] = [h for h in handlers if h != handler]


def _log_index(outcome: SearchIndex | SearchIndexError) -> None:
    if isinstance(outcome, SearchIndexError):
        log.error(str(outcome))  # serve: the pages are served; their search is the last one
    else:
        log.info(f"search: indexed {outcome.pages} concept pages")


def _stop_if_superseded() -> None:
    gate, token = _GATE[0], _TOKEN[0]
    if gate is not None and token is not None:
        gate.check(token)


class _IncrementalRun:
    """One dirty MkDocs build: which pages to render, what was written, the new state."""

    def __init__(self, site_dir: Path, path: Path, fingerprint: Digest) -> None:
        self.site_dir = site_dir
        self.path = path
        self.previous = load_state(path)
        self.fingerprint = fingerprint
        self.since = time.time()
        self.writes = Writes()
        self.files: Files | None = None
        self.removed = 0
        self.sources: dict[SourceUri, tuple[Digest, bool]] = {}
        self._write_file = mkdocs_utils.write_file
        mkdocs_utils.write_file = self.writes.write
        self.aside = {name: set_aside(site_dir / name) for name in _ALWAYS_REWRITTEN}

    def mark(self, files: Files, tree: DocsTree) -> None:
        """Set each file's ``is_modified``: pages by content digest, other files by bytes.

        A page's digest is taken of the docs tree's text with its fragments in
        place: the placeholders carry a nonce that is new in every build, and
        MkDocs is given a page's Markdown without its slotted fragments.
        """
        self.files = files
        fragments = tree.fragments
        for file in files:
            if file.is_documentation_page():
                uri = SourceUri(file.src_uri)
                page = SiteUrl(file.src_uri)
                ours = tree.files.get(page)
                text = ours if isinstance(ours, str) else file.content_string
                if page in fragments.pages:
                    text = fragments.place(page, text)[0]
                source = digest(text.encode("utf-8"))
                skip = can_skip(self.previous, self.fingerprint, uri, source, self.site_dir)
                self.sources[uri] = (source, not skip)
                modified = not skip
            else:
                modified = not holds(file.abs_dest_path, file.content_bytes)
            file.is_modified = _constant(modified)  # type: ignore[method-assign]

    def tidy(self, spare: Path | None) -> None:
        """Remove the outputs a clean build would not have, but those in ``spare``, if any."""
        self._put_back()  # first: a file set aside is not stale
        files = self.files or Files([])
        keep = self.writes.produced | {os.path.abspath(f.abs_dest_path) for f in files}
        self.removed = len(remove_stale(self.site_dir, keep, self.since, spare))

    def finish(self) -> None:
        """Save the state, and log how much work was done."""
        self.abandon()
        files = self.files or Files([])
        pages: dict[SourceUri, PageRecord] = {}
        for file in files.documentation_pages():
            uri = SourceUri(file.src_uri)
            if uri not in self.sources:  # added after on_files (a blog's archive): always built
                continue
            source, rendered = self.sources[uri]
            output = Path(file.abs_dest_path)
            written = self._written(output) if rendered else self._kept(uri)
            relative = output.relative_to(self.site_dir).as_posix()
            pages[uri] = PageRecord(source, relative, written)
        save_state(self.path, BuildState(self.fingerprint, pages))
        rendered_count = sum(1 for _, again in self.sources.values() if again)
        log.info(
            f"incremental build: {rendered_count} of {len(self.sources)} pages rendered,"
            f" {self.writes.written} files written, {self.removed} stale files removed"
        )

    def _written(self, output: Path) -> Digest | None:
        """Return the digest of what this build wrote to ``output``, read back if another wrote it.

        A plugin that changes the page on disk later makes the next build
        render the page again (its digest no longer matches): never a stale page.
        """
        found = self.writes.digests.get(os.path.abspath(output))
        return found if found is not None else file_digest(output)

    def _kept(self, uri: SourceUri) -> Digest | None:
        """Return the recorded output digest of a page this build skipped."""
        assert self.previous is not None  # a page is skipped only against a state
        return self.previous.pages[uri].written

    def abandon(self) -> None:
        """Put MkDocs' own writer back, and the files it rewrote unchanged."""
        mkdocs_utils.write_file = self._write_file
        self._put_back()

    def _put_back(self) -> None:
        """Keep the old file for each of ``_ALWAYS_REWRITTEN`` that MkDocs wrote again unchanged."""
        for name, aside in self.aside.items():
            if put_back_if_equal(self.site_dir / name, aside):
                self.writes.produced.add(str(self.site_dir / name))  # old, but not stale
        self.aside = {}


def _constant(value: bool) -> Any:
    return lambda: value


def _fingerprint_parts(config: MkDocsConfig, options: Mapping[str, Any]) -> list[str | bytes]:
    """Return everything every page depends on besides its own Markdown."""
    config_file = Path(config.config_file_path) if config.config_file_path else None
    theme = config.theme
    parts: list[str | bytes] = [
        config_file.read_bytes() if config_file and config_file.is_file() else b"",
        repr(sorted(options.items())),
        repr(config.nav),
        repr([config.site_url, config.site_dir, config.use_directory_urls]),
        repr([theme.name, list(theme.dirs), sorted(theme.items(), key=str)]),
        repr([config.extra_css, config.extra_javascript, list(config.plugins)]),
        *_versions(),
    ]
    for folder in theme.dirs:
        # Installed themes are covered by their versions; a custom_dir or a
        # source checkout's templates can change without one.
        if "site-packages" not in Path(folder).parts:
            parts.extend(_folder_contents(Path(folder)))
    return parts


def _versions() -> list[str]:
    """Return the versions of the packages that shape every page."""
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in (
        "glossgraph",
        "mkdocs",
        "mkdocs-material",
        "markdown",
        "pymdown-extensions",
        "pygments",
    ):
        try:
            found.append(f"{name}=={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} absent")
    return found


def _folder_contents(folder: Path) -> list[str | bytes]:
    return [
        item
        for path in sorted(p for p in folder.rglob("*") if p.is_file())
        for item in (path.relative_to(folder).as_posix(), path.read_bytes())
    ]


def _add_overrides(config: MkDocsConfig) -> None:
    """Put our templates after the user's ``custom_dir``, before the theme's.

    ``theme/`` holds the Open Graph tags; ``templates/`` the search dialog, which
    only a site with our Pagefind index can answer, so export-docs leaves it out.
    """
    for folder in (THEME_OVERRIDES, templates_dir()):
        ours = str(folder)
        if ours not in config.theme.dirs:
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, ours)


def _toc_slugify(config: MkDocsConfig) -> Slugify | None:
    """Return how the ``toc`` extension makes heading ids, where mkdocs.yml changes it.

    That is its ``slugify`` and its ``separator`` (``-`` unless set).
    """
    options = config.mdx_configs.get("toc", {})
    if not isinstance(options, dict):
        return None
    found = options.get("slugify")
    chosen: Slugify | None = found if callable(found) else None
    separator = options.get("separator")
    if not isinstance(separator, str) or separator == "-":
        return chosen
    base = chosen or default_slugify()
    return lambda text, _: base(text, separator)


def _name_left_out(sources: list[File], tree: DocsTree) -> None:
    """Warn of each file of the entities folder that no page publishes (CNAME, a stylesheet).

    A file a concept shows or links to is published as a copy, perhaps under
    another path, so it is recognised by its bytes.
    """
    if not sources:
        return
    published = {digest(content) for content in tree.files.values() if isinstance(content, bytes)}
    for source in sources:
        try:
            kept = digest(Path(source.abs_src_path or "").read_bytes()) in published
        except OSError:
            kept = False
        if not kept:
            log.warning(
                f"{source.src_uri} in the entities folder is not published: only the concepts"
                " and the files they show or link to are; give the site's own files a"
                " docs_dir of their own"
            )


@contextmanager
def _usage_errors_as_plugin_errors() -> Iterator[None]:
    """Let MkDocs report a usage error in one line: ``glossgraph build`` reports its own."""
    try:
        yield
    except UsageError as error:
        if _RAISE_CONTENT_ERRORS[0]:
            raise
        raise PluginError(str(error)) from None


def _inside(file: File, folder: Path) -> bool:
    """Return whether a file is a source in ``folder`` (not a theme or generated file)."""
    return file.generated_by is None and Path(file.abs_src_path or "/").is_relative_to(folder)


def _report(built: SiteBuild, *, strict: bool) -> None:
    if built.demo_run.results:
        for line in summary_lines(built.demo_run):
            log.info(line)
    for warning in built.warnings:
        log.warning(str(warning))
    if strict and built.warnings:
        raise PluginError(f"{len(built.warnings)} warnings and the glossgraph option strict is on")


@dataclass(frozen=True, slots=True)
class SiteCommand:
    """What ``glossgraph build`` / ``serve`` asked for."""

    config_file: Path | None
    entities: Path | None = None
    demos: Path | None = None
    site_dir: Path | None = None
    strict: bool = False
    rerun: bool = False
    jobs: int | None = None
    timeout: float | None = None
    memory_limit: str | None = None
    device: str | None = None
    executor: str | None = None
    dev_addr: str | None = None
    max_file_size: int | None = None
    follow_symlinks: bool = False


class _KeptTemplates(jinja2.BytecodeCache):
    """Compiled Jinja templates in memory, by template and source checksum.

    MkDocs makes a new Jinja environment for every build, so ``serve`` compiled
    Material's templates again on each save (0.4 s of a rebuild). Jinja checks
    each entry's source checksum before using it, so an edited template (a
    ``custom_dir`` override) is compiled afresh; environments that compile
    differently (extensions, syntax) never share entries.

    Given a file, the entries are read from it once a process and written back
    after a build that compiled a template. It holds compiled code the build
    runs, as Python's ``__pycache__`` does, and is trusted as much; anything
    unreadable in it only means compiling again.
    """

    def __init__(self, code: dict[str, bytes], path: Path | None = None) -> None:
        self._code = code
        self._path = path

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()

    def save(self) -> None:
        """Write the entries to the file, if there is one and it holds other entries."""
        path = self._path
        if path is None or _TEMPLATE_FILES.get(path) == self._code:
            return
        temporary = path.with_suffix(".tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(marshal.dumps(self._code))
            os.replace(temporary, path)
        except OSError as error:  # a cache that cannot be written costs compiling next time
            log.debug(f"templates not kept: {error}")
            return
        _TEMPLATE_FILES[path] = dict(self._code)


_KEPT_TEMPLATES: dict[str, dict[str, bytes]] = {}
_TEMPLATE_FILES: dict[Path, dict[str, bytes]] = {}  # what each file holds, as read or written


def _kept_templates(env: jinja2.Environment, folder: Path | None = None) -> _KeptTemplates:
    """Return the process's template cache for environments that compile like ``env``.

    With a ``folder``, the cache is also kept there, in one file per way of compiling.
    """
    escape = "callable" if callable(env.autoescape) else bool(env.autoescape)
    compiles_as = repr(
        (
            sorted(env.extensions),
            env.block_start_string,
            env.block_end_string,
            env.variable_start_string,
            env.variable_end_string,
            env.comment_start_string,
            env.comment_end_string,
            env.line_statement_prefix,
            env.line_comment_prefix,
            env.trim_blocks,
            env.lstrip_blocks,
            env.newline_sequence,
            env.keep_trailing_newline,
            env.optimized,
            env.is_async,
            escape,
        )
    )
    code = _KEPT_TEMPLATES.setdefault(compiles_as, {})
    if folder is None:
        return _KeptTemplates(code)
    # Jinja's version too: its compiled code calls its runtime, which may change.
    path = folder / f"templates-{make_fingerprint([compiles_as, jinja2.__version__])[:16]}.bin"
    if path not in _TEMPLATE_FILES:
        _TEMPLATE_FILES[path] = _read_templates(path)
        for key, value in _TEMPLATE_FILES[path].items():
            code.setdefault(key, value)
    return _KeptTemplates(code, path)


def _read_templates(path: Path) -> dict[str, bytes]:
    """Return the compiled templates kept in ``path``: none if it is missing or unreadable."""
    try:
        raw = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    if not isinstance(raw, dict):
        return {}
    return {k: v for k, v in raw.items() if isinstance(k, str) and isinstance(v, bytes)}


def build_site(command: SiteCommand) -> None:
    """Run ``mkdocs build`` with our plugin; raise ContentBlocked or BuildError on failure."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    if command.site_dir is not None:
        # Before MkDocs reads the config: it rejects a site folder that holds
        # the docs folder, but as a configuration error, not a usage error.
        protected = {
            "entities": command.entities or Path("entities"),
            "demos": command.demos or Path("demos"),
            "cache": DEFAULT_CACHE_DIR,
        }
        check_output_folder(command.site_dir, "--site-dir", protected)
    with _session(command) as config_file:
        site_dir = str(command.site_dir.resolve()) if command.site_dir else None
        _RAISE_CONTENT_ERRORS[0] = True
        try:
            config = load_config(config_file, strict=command.strict or None, site_dir=site_dir)
            config.plugins.on_startup(command="build", dirty=True)  # as `mkdocs build` does
            try:
                build(config, dirty=True)
            finally:
                config.plugins.on_shutdown()
        except (Abort, PluginError, ConfigurationError) as error:
            raise BuildError(str(error).strip() or type(error).__name__) from None


def serve_site(command: SiteCommand) -> None:
    """Run ``mkdocs serve`` with our plugin; rebuild when entities or demos change."""
    from mkdocs.commands.serve import serve

    with _session(command) as config_file:
        try:
            serve(
                config_file=config_file,
                dev_addr=command.dev_addr,
                strict=command.strict or None,
                build_type="dirty",
            )
        except (Abort, PluginError, ConfigurationError) as error:
            raise BuildError(str(error).strip() or type(error).__name__) from None
        except OSError as error:  # binding the address: the only OSError serve lets out
            if error.errno not in (errno.EADDRINUSE, errno.EADDRNOTAVAIL):
                raise
            where = command.dev_addr or "the config's dev_addr (127.0.0.1:8000 unless set)"
            raise UsageError(
                f"cannot serve on {where}: {error.strerror};"
                " choose another address with --dev-addr HOST:PORT"
            ) from None


@contextmanager
def _session(command: SiteCommand) -> Iterator[str]:
    overrides = {
        "entities": _absolute(command.entities),
        "demos": _absolute(command.demos),
        "device": command.device,
        "jobs": command.jobs,
        "timeout": command.timeout,
        "memory_limit": command.memory_limit,
        "executor": command.executor,
        "rerun": command.rerun or None,
        "max_file_size": command.max_file_size,
        "follow_symlinks": command.follow_symlinks or None,
    }
    _OVERRIDES.clear()
    _OVERRIDES.update({k: v for k, v in overrides.items() if v is not None})
    _show_mkdocs_log()
    _INCREMENTAL[0] = True
    build_logger = logging.getLogger("mkdocs.commands.build")
    build_logger.addFilter(_hide_dirty_notices)
    try:
        if command.config_file is not None:
            if not command.config_file.is_file():
                raise UsageError(f"no such config file: {command.config_file}")
            yield str(command.config_file)
            return
        with tempfile.TemporaryDirectory(prefix="glossgraph-") as folder:
            yield str(_write_builtin_config(command, Path(folder)))
    finally:
        _OVERRIDES.clear()
        _RAISE_CONTENT_ERRORS[0] = False
        _INCREMENTAL[0] = False
        _GATE[0] = None
        _LATER[0] = None
        build_logger.removeFilter(_hide_dirty_notices)


def _hide_dirty_notices(record: logging.LogRecord) -> bool:
    """Drop MkDocs' dirty-build notices: ours equal clean builds, and --strict counts them."""
    message = record.getMessage()
    return not (
        message.startswith("A 'dirty' build is being performed")
        or message.startswith("The directory contains stale files")
    )


def _write_builtin_config(command: SiteCommand, folder: Path) -> Path:
    entities = _kept_link(command.entities or Path("entities"))
    if not entities.is_dir():
        raise UsageError(f"no entities folder at {entities} (use --entities DIR)")
    config: dict[str, Any] = site_config("Glossary", str(entities), ())
    del config["extra_css"], config["extra_javascript"]
    config["site_dir"] = str((command.site_dir or Path("site")).resolve())
    config["plugins"] = ["search", {"glossgraph": _plugin_paths(command, entities)}]
    path = folder / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def _plugin_paths(command: SiteCommand, entities: Path) -> Mapping[str, str]:
    demos = _kept_link(command.demos or Path("demos"))
    cache = Path(".glossgraph/cache").resolve()
    return {"entities": str(entities), "demos": str(demos), "cache_dir": str(cache)}


def _absolute(path: Path | None) -> str | None:
    return None if path is None else str(_kept_link(path))


def _kept_link(path: Path) -> Path:
    """Return ``path`` made absolute with its symlinks kept: a build reads where they point now."""
    return Path(os.path.abspath(path))


def _show_mkdocs_log() -> None:
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_glossgraph", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        handler._glossgraph = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
