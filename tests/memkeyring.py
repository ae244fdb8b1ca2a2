"""Test-only keyring backend that keeps passwords in memory.

tests/conftest.py selects it with PYTHON_KEYRING_BACKEND=memkeyring.MemoryKeyring, so no test ever
touches an OS keychain. Not part of the app: it lives in tests/ and is never installed.
"""

from __future__ import annotations

from keyring.backend import KeyringBackend


class MemoryKeyring(KeyringBackend):
    """Passwords in a dict on the instance; keyring keeps one instance as its default backend."""

    priority = 1  # keyring reads a plain number as well as its classproperty

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)
