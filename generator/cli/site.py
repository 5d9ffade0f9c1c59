"""Sub-commands registered by this module (to be written)."""

from __future__ import annotations

import argparse
from typing import Any


def register(commands: Any) -> None:
    """Add this module's sub-commands to the glossgraph parser."""
    del commands
