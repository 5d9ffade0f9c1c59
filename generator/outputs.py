"""Where a command may write: never over the content it reads, never over a file.

A site folder is emptied before it is written, so a site folder that is,
contains or lies inside the entities, demos or cache folder would delete the
glossary itself. Such a folder is a usage error, found before anything is
built or deleted. So is a folder that holds something other than a built
site (a project, a home folder): building there would delete what it holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from generator.errors import UsageError


def check_output_folder(folder: Path, option: str, protected: Mapping[str, Path]) -> None:
    """Raise UsageError if ``folder`` is a file, or overlaps a folder in ``protected``.

    ``option`` names the folder as the user gave it (``--site-dir``);
    ``protected`` maps a name (``entities``) to a folder glossgraph reads.
    """
    _check_is_folder(folder, option)
    _refuse_overlap(folder, option, protected, "writing there would delete it", "(e.g. site/)")


def check_cache_folder(folder: Path, option: str, protected: Mapping[str, Path]) -> None:
    """Raise UsageError if the cache ``folder`` is a file or overlaps a folder in ``protected``.

    The cache holds executed notebooks and the build's state: inside the
    entities folder they would be published as attachments, and over a file
    the first build to save its state fails.
    """
    _check_is_folder(folder, option)
    why = "the cache's files would be read as part of the glossary"
    _refuse_overlap(folder, option, protected, why, "(the default is .glossgraph/cache)")


def _check_is_folder(folder: Path, option: str) -> None:
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{option} '{folder}' is a file, not a folder; give a folder")


def _refuse_overlap(
    folder: Path, option: str, protected: Mapping[str, Path], why: str, example: str
) -> None:
    """Raise UsageError, saying ``why``, if ``folder`` is, holds or lies in one of ``protected``."""
    target = folder.resolve()
    for name, path in protected.items():
        source = path.resolve()
        if target == source or source.is_relative_to(target) or target.is_relative_to(source):
            raise UsageError(
                f"{option} '{folder}' overlaps the {name} folder '{path}': {why};"
                f" choose a folder outside {name}/ {example}"
            )


def check_output_file(path: Path, option: str, protected: Mapping[str, Path]) -> None:
    """Raise UsageError if ``path`` lies in a folder in ``protected`` (a concept, say)."""
    target = path.resolve()
    for name, folder in protected.items():
        if target.is_relative_to(folder.resolve()):
            raise UsageError(
                f"{option} '{path}' lies in the {name} folder '{folder}': writing there would"
                f" change the glossary itself; write it outside {name}/"
            )


# What a built site has at its top, MkDocs' or ours; and what a project has.
_SITE_SIGNS = ("index.html", "404.html", "sitemap.xml", "assets/glossgraph")
_PROJECT_SIGNS = ("mkdocs.yml", "mkdocs.yaml")


def check_site_folder(folder: Path, option: str, *, built_before: bool) -> None:
    """Raise UsageError if ``folder`` holds files and is not a site: the build would delete them.

    A folder is a site when this glossary was built into it before
    (``built_before``) or it has what any MkDocs build leaves at its top
    (``index.html``, ``404.html``, ``sitemap.xml``), and no ``mkdocs.yml``.
    Hidden entries (``.git`` for a Pages branch, ``.nojekyll``) are not
    counted, and a build keeps them, as MkDocs does.
    """
    if not folder.is_dir():
        return
    held = sorted(entry.name for entry in folder.iterdir() if not entry.name.startswith("."))
    if not held:
        return
    project = [name for name in _PROJECT_SIGNS if name in held]
    site = built_before or any(folder.joinpath(sign).exists() for sign in _SITE_SIGNS)
    if site and not project:
        return
    shown = ", ".join(f"{name}/" if folder.joinpath(name).is_dir() else name for name in held[:4])
    shown += ", …" if len(held) > 4 else ""
    what = "a project (it has mkdocs.yml)" if project else "files that are not a built site"
    raise UsageError(
        f"{option} '{folder}' holds {what}: {shown}; building there would delete them."
        " Choose an empty folder or the site folder of an earlier build (e.g. site/)"
    )
