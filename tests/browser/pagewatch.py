"""A Playwright page wrapper that records what a test must find clean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


class PageWatch:
    """A page that records console errors, page errors, dialogs and every request."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("dialog", self._dialog)
        page.on("request", lambda request: self.requests.append(request.url))

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def off_origin(self) -> list[str]:
        """Return requests that left the site's origin."""
        local = ("data:", "blob:", "about:")
        return [u for u in self.requests if not u.startswith((self.base_url, *local))]

    def assert_clean(self) -> None:
        """Fail on any console error, off-origin request or dialog seen so far."""
        assert self.errors == []
        assert self.off_origin() == []
        assert self.dialogs == []

    def shot(self, name: str, full_page: bool = True) -> None:
        """Save a screenshot (of the whole page, or of the viewport) under test-artifacts/."""
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)
