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


class ContentError(GlossgraphError):
    """Raised when content errors stop a command that needs a clean graph (exit code 1)."""


class BuildError(GlossgraphError):
    """Raised by the site builder when MkDocs or the output folder fails (exit code 1)."""
