"""Where a command may write: never over the content it reads, never over a file.

A site folder is emptied before it is written, so a site folder that is,
contains or lies inside the entities, demos or cache folder would delete the
glossary itself. Such a folder is a usage error, found before anything is
built or deleted.
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
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{option} '{folder}' is a file, not a folder; give a folder")
    target = folder.resolve()
    for name, path in protected.items():
        source = path.resolve()
        if target == source or source.is_relative_to(target) or target.is_relative_to(source):
            raise UsageError(
                f"{option} '{folder}' overlaps the {name} folder '{path}': writing there would "
                f"delete it; choose a folder outside {name}/ (e.g. site/)"
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
