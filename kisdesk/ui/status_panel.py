"""StatusPanel: the status bar's permanent fields for the current session.

Environment, account, connection state, token expiry, rate budget in use and the last error
(product.md §3 items 4, 5). `refresh(session)` reads in-memory state only (the limiter's counters and
the token manager's cached token), so the window can call it from a 1 s timer without any I/O.
"""

from __future__ import annotations

import time
from enum import Enum
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from kisdesk.api.enums import Env
from kisdesk.ui.env_banner import ENV_NAMES
from kisdesk.ui.theme import ERROR_TEXT, env_color

if TYPE_CHECKING:
    from kisdesk.api.credentials import Account


class Connection(Enum):
    CONNECTING = "connecting"
    OK = "ok"
    ERROR = "error"


class _SessionLike(Protocol):
    @property
    def env(self) -> Env: ...

    @property
    def account(self) -> Account: ...

    @property
    def client(self) -> Any: ...


def token_expiry(client: Any) -> float | None:
    """Epoch seconds at which the client's cached token expires, or None before the first token.

    TokenManager keeps the token it handed out in memory; it has no public accessor yet, so this
    reads it defensively and degrades to "no token" if the attribute moves.
    """
    tokens = getattr(client, "tokens", None)
    token = getattr(tokens, "current", None) or getattr(tokens, "_cached", None)
    expires_at = getattr(token, "expires_at", None)
    return float(expires_at) if isinstance(expires_at, int | float) else None


class StatusPanel(QWidget):
    """The row of labels shown as a permanent widget in the window's QStatusBar.

    Signals: none. The window calls `refresh(session)` every second, `set_connection()` when a
    request succeeds or fails, and `set_last_error()` with user wording (message_for style).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.env_label = QLabel()
        self.account_label = QLabel()
        self.connection_label = QLabel()
        self.token_label = QLabel()
        self.rate_label = QLabel()
        self.error_label = QLabel()
        self.error_label.setStyleSheet(f"color: {ERROR_TEXT.name()};")
        self.error_label.setMaximumWidth(420)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        labels = (
            self.env_label,
            self.account_label,
            self.connection_label,
            self.token_label,
            self.rate_label,
            self.error_label,
        )
        for index, label in enumerate(labels):
            if index:
                separator = QFrame()
                separator.setFrameShape(QFrame.Shape.VLine)
                layout.addWidget(separator)
            layout.addWidget(label)
        self.connection = Connection.CONNECTING
        self._connection_detail = ""
        self._last_error = ""
        self._session: _SessionLike | None = None
        self._env: tuple[Env, Account] | None = None

    def set_connection(self, state: Connection, detail: str = "") -> None:
        self.connection = state
        self._connection_detail = detail
        self._show_connection()

    def set_last_error(self, text: str) -> None:
        self._last_error = text
        self.error_label.setText(self.tr("Last error: %1").replace("%1", text) if text else "")
        self.error_label.setToolTip(text)

    def refresh(self, session: _SessionLike | None, now: float | None = None) -> None:
        """Re-read the session's in-memory figures (cheap: no I/O, safe every second)."""
        self._session = session
        if session is None:
            return
        self.show_env(session.env, session.account)
        self.token_label.setText(self._token_text(session.client, time.time() if now is None else now))
        self.rate_label.setText(self._rate_text(session.client))
        self._show_connection()

    def show_env(self, env: Env, account: Account) -> None:
        """Environment and account only: what the window shows before its session exists."""
        self._env = (env, account)
        self.env_label.setText(ENV_NAMES[env])
        self.env_label.setStyleSheet(f"color: {env_color(env).name()}; font-weight: bold;")
        self.account_label.setText(self.tr("Account %1").replace("%1", str(account)))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            if self._session is None and self._env is not None:
                self.show_env(*self._env)
            self.refresh(self._session)
            self.set_last_error(self._last_error)
        super().changeEvent(event)

    def connection_words(self, state: Connection) -> str:
        """`state` as the status bar words it, in the current language."""
        words = {
            Connection.CONNECTING: self.tr("connecting…"),
            Connection.OK: self.tr("connected"),
            Connection.ERROR: self.tr("connection error"),
        }
        return words[state]

    def _show_connection(self) -> None:
        colours = {Connection.CONNECTING: "#616161", Connection.OK: "#2e7d32", Connection.ERROR: "#c62828"}
        self.connection_label.setText(self.connection_words(self.connection))
        self.connection_label.setStyleSheet(f"color: {colours[self.connection]};")
        self.connection_label.setToolTip(self._connection_detail)

    def _token_text(self, client: Any, now: float) -> str:
        expires_at = token_expiry(client)
        if expires_at is None:
            return self.tr("Token: not issued yet")
        left = int(expires_at - now)
        if left <= 0:
            return self.tr("Token: expired")
        hours, minutes = divmod(left // 60, 60)
        return self.tr("Token: %1h %2m left").replace("%1", str(hours)).replace("%2", f"{minutes:02d}")

    def _rate_text(self, client: Any) -> str:
        limiter = getattr(client, "limiter", None)
        if limiter is None:
            return ""
        budget = limiter.budget()
        text = (
            self.tr("Requests: %1/%2 per s").replace("%1", str(budget.in_use)).replace("%2", str(budget.rate))
        )
        if budget.queued:
            text += self.tr(", %1 queued").replace("%1", str(budget.queued))
        return text
