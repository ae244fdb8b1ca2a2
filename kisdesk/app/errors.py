"""Errors the app layer raises before anything reaches the network."""

from __future__ import annotations

from kisdesk.domain.rules import Problem


class OrderRuleError(Exception):
    """A ticket broke one or more domain rules; nothing was sent. `problems` lists every one."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems) or "the ticket is not valid")


class SessionBusyError(Exception):
    """The session cannot be switched or closed while requests are in flight."""
