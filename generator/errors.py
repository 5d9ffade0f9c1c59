"""The exceptions glossgraph raises; content mistakes are Diagnostics, not exceptions.

A user's content problem (bad YAML, a dangling link, a failing demo) is data:
a ``Diagnostic`` or a failed ``DemoResult``. These exceptions are for what
stops a command as a whole; the CLI prints them as one line, never a traceback.
"""


class GlossgraphError(Exception):
    """Base class: the CLI turns it into ``glossgraph: error: ...`` and exit code 1."""


class UsageError(GlossgraphError):
    """Raised for a wrong command line or option value (exit code 2).

    Examples: an unknown concept key passed to ``query``, ``--device cuda``
    where no GPU is visible, a folder that does not exist.
    """


def not_a_folder(what: str, path: object, advice: str = "") -> UsageError:
    """Return the usage error for a ``what`` folder (entities, demos) that is not one.

    It says whether ``path`` is a file or missing, which need different fixes.
    """
    from pathlib import Path

    problem = "is a file, not a folder" if Path(str(path)).exists() else "does not exist"
    return UsageError(f"{what} folder '{path}' {problem}{advice}")


class ContentError(GlossgraphError):
    """Raised when content errors stop a command that needs a clean graph (exit code 1)."""


class BuildError(GlossgraphError):
    """Raised by the site builder when MkDocs or the output folder fails (exit code 1)."""
