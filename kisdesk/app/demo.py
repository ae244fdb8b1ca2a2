"""The DEMO environment: the KIS simulator embedded in kisdesk, with its own fixed demo credentials.

Demo keys are not secrets: they open only the local simulator, which accepts any well-formed key.
"""

from __future__ import annotations

import logging
from typing import Final

from kisdesk.api.credentials import Account, Credentials
from kisdesk.api.enums import TrFamily

log = logging.getLogger(__name__)

DEMO_CREDENTIALS: Final = Credentials("DEMO" + "0" * 32, "demo-secret-" + "0" * 168)
DEMO_ACCOUNT: Final = Account("50000000", "01")


class EmbeddedSimulator:
    """Starts the simulator (imitating the real host) on a free loopback port; stop() ends it."""

    def __init__(self, seed: int | None = None) -> None:
        # Imported here so that a PAPER/REAL session never loads the simulator at all.
        from kisdesk.simulator.engine import Engine
        from kisdesk.simulator.server import SimServer
        from kisdesk.simulator.settings import SimSettings

        settings = SimSettings()
        if seed is not None:
            settings.seed = seed
        self.engine = Engine(TrFamily.REAL, settings)
        self._server = SimServer(self.engine)
        self.base_url = ""

    def start(self) -> str:
        self.base_url = self._server.start()
        log.info("demo simulator listening on %s", self.base_url)
        return self.base_url

    def stop(self) -> None:
        self._server.stop()
