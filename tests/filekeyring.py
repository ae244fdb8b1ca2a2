"""Test-only keyring backend that keeps passwords in one JSON file (the canary test's "OS keychain").

tests/test_canary_secrets.py selects it with PYTHON_KEYRING_BACKEND=filekeyring.FileKeyring and
KISDESK_TEST_KEYRING_FILE=<path> in a child process. The keychain is the one place secrets may be
written, so the test excludes this file from its scan, and also checks the canaries ARE in it:
that proves the scan would have found them anywhere else. Plain text on purpose; never installed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Final

from keyring.backend import KeyringBackend

PATH_VARIABLE: Final = "KISDESK_TEST_KEYRING_FILE"


class FileKeyring(KeyringBackend):
    """Entries as {"service\\nusername": password} in the file named by $KISDESK_TEST_KEYRING_FILE."""

    priority = 1  # keyring reads a plain number as well as its classproperty

    @property
    def path(self) -> Path:
        return Path(os.environ[PATH_VARIABLE])

    def _load(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return {str(k): str(v) for k, v in data.items()}

    def _save(self, entries: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(entries, indent=1), encoding="utf-8")

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\n{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        entries = self._load()
        entries[f"{service}\n{username}"] = password
        self._save(entries)

    def delete_password(self, service: str, username: str) -> None:
        entries = self._load()
        entries.pop(f"{service}\n{username}", None)
        self._save(entries)
