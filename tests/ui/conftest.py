"""Shared UI fixtures: a throw-away QSettings file, simulators per TR family, and test credentials.

Settings always live in a temporary INI file, so no test reads or writes the real user config.
The simulators are real loopback servers (style.md B.7); PAPER/REAL sessions reach them through
the api layer's loopback override of the official host.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from kisdesk.api.enums import Env, TrFamily
from kisdesk.app.secrets import MemoryStore, save_credentials

# Canary values: a test greps every file the window writes for them (order-safety.md G8).
TEST_APPKEY = "PStestAPPKEY" + "k" * 24
TEST_APPSECRET = "testSECRET" + "s" * 170
TEST_ACCOUNTS = {Env.REAL: "12345678-01", Env.PAPER: "87654321-01"}


@pytest.fixture
def ui_settings(tmp_path: Path) -> QSettings:
    """A QSettings backed by an INI file in the test's temporary folder."""
    return QSettings(str(tmp_path / "kisdesk.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def start_sim() -> Iterator[Callable[[TrFamily], str]]:
    """Start a simulator of a TR family on a free loopback port; all are stopped after the test."""
    from kisdesk.simulator.engine import Engine
    from kisdesk.simulator.server import SimServer

    servers: list[SimServer] = []

    def start(family: TrFamily) -> str:
        server = SimServer(Engine(family))
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def canary_keys() -> tuple[str, str]:
    """The (appkey, appsecret) the credential fixtures use: grep written files for them."""
    return TEST_APPKEY, TEST_APPSECRET


@pytest.fixture
def stored_credentials() -> MemoryStore:
    """A secret store holding test credentials for PAPER and REAL."""
    store = MemoryStore()
    for env, account in TEST_ACCOUNTS.items():
        save_credentials(store, env, TEST_APPKEY, TEST_APPSECRET, account)
    return store
