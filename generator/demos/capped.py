"""An nbclient client that counts every output message against the output limits.

Every iopub message that adds to or changes the notebook counts, by bytes and
by number: stream text, display data, display updates (which nbclient applies
to earlier outputs through ``_update_display_id``, bypassing ``output()``),
execute results, errors and widget (comm) messages. Counting happens in
``process_message``, the one door every message goes through, so no output
path is left uncounted. Past either limit nothing more is kept, a note says
so, and the supervisor stops the kernel.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

COUNTED = frozenset(
    {
        "stream",
        "display_data",
        "update_display_data",
        "execute_result",
        "error",
        "comm_open",
        "comm_msg",
    }
)


@dataclass(frozen=True, slots=True)
class OutputLimits:
    """How much output a demo may send: bytes and messages."""

    max_bytes: int
    max_messages: int


def megabytes(count: int) -> str:
    """Return a byte count as ``10 MB`` (decimal megabytes, as the limit is stated)."""
    return f"{count / 1_000_000:g} MB"


def limit_message(limits: OutputLimits, by_count: bool) -> str:
    """Return the error text of a demo stopped at the output limit."""
    if by_count:
        return (
            f"output limit: the demo sent more than {limits.max_messages} output messages "
            f"(limits: {megabytes(limits.max_bytes)}, {limits.max_messages} messages); "
            "kernel stopped"
        )
    return f"output limit: the demo's output passed {megabytes(limits.max_bytes)}; kernel stopped"


def make_client(notebook: Any, km: Any, limits: OutputLimits) -> Any:
    """Return an nbclient client that stops keeping output past ``limits``."""
    from nbclient import NotebookClient

    class CappedClient(NotebookClient):
        gg_over_limit: str | None = None
        gg_bytes = 0
        gg_messages = 0

        def process_message(self, msg: dict[str, Any], cell: Any, cell_index: int) -> Any:
            if msg.get("msg_type") in COUNTED:
                if self.gg_over_limit is not None:
                    return None
                room = limits.max_bytes - self.gg_bytes
                self.gg_bytes += message_size(msg)
                self.gg_messages += 1
                by_count = self.gg_messages > limits.max_messages
                if by_count or self.gg_bytes > limits.max_bytes:
                    self.gg_over_limit = limit_message(limits, by_count)
                    cell.outputs.append(_cut_output(msg, room))
                    return None
            return super().process_message(msg, cell, cell_index)

    return CappedClient(
        notebook,
        km=km,
        timeout=None,
        allow_errors=False,
        shutdown_kernel="immediate",
        record_timing=True,  # per-cell times: the page shows the demo's own cells, not set-up
        iopub_timeout=10,
    )


def message_size(msg: dict[str, Any]) -> int:
    """Return the bytes a message carries: its content as JSON plus any binary buffers."""
    content = json.dumps(msg.get("content", {}), ensure_ascii=False).encode("utf-8")
    return len(content) + sum(len(buffer) for buffer in msg.get("buffers") or ())


def _cut_output(msg: dict[str, Any], room: int) -> Any:
    """Return a stream output with what fits of ``msg`` and a note that the rest was dropped."""
    from nbformat.v4 import new_output

    content = msg.get("content", {})
    text = str(content.get("text", "")) if msg.get("msg_type") == "stream" else ""
    kept = text[: max(room, 0)]
    note = "\n[output cut: the demo sent more than the output limit; the kernel was stopped]\n"
    name = content.get("name", "stdout") if msg.get("msg_type") == "stream" else "stdout"
    return new_output("stream", name=name, text=kept + note)  # type: ignore[no-untyped-call]
