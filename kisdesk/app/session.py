"""A Session: one environment, one account, one KisClient, and the services the window calls.

Switching environment means closing this session and opening another (style.md B.11): nothing
flips a flag on a live client, so host, keys, token and limits of two environments never mix.

Orders go through `session.intents` (IntentService): call `await session.intents.startup()` right
after opening — new orders are refused until the journal's open intents are reconciled. Domestic
reservations go through `session.reservations` (ReservationIntentService), journaled in the same
file; its own `startup()` (run by the Reservations tab) holds new reservations back the same way. REAL and
PAPER journal to the per-user data directory; DEMO keeps its journal in memory, because the embedded
simulator forgets its orders when it stops and a stored DEMO intent could never be reconciled.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import cast

from kisdesk.api.auth import MemoryTokenStore, TokenStore
from kisdesk.api.client import KisClient
from kisdesk.api.clock import Clock
from kisdesk.api.credentials import Account, Credentials
from kisdesk.api.enums import Env
from kisdesk.app.demo import DEMO_ACCOUNT, DEMO_CREDENTIALS, EmbeddedSimulator
from kisdesk.app.errors import SessionBusyError
from kisdesk.app.intents import IntentService
from kisdesk.app.journal import MEMORY, Journal
from kisdesk.app.logs import register_credentials, register_secret
from kisdesk.app.market import MarketDataService
from kisdesk.app.orders import OrderService
from kisdesk.app.reconcile import ReconcileSettings
from kisdesk.app.reservation_intents import ReservationIntentService
from kisdesk.app.reservations import ReservationService


@dataclass(frozen=True, slots=True)
class Profile:
    """What a session needs to open: environment, keys and account (keys never logged)."""

    env: Env
    credentials: Credentials
    account: Account
    base_url: str | None = None  # the simulator's URL for DEMO (or a loopback test host)


class Session:
    """One open environment. Use `await Session.open(...)` and `await session.close()`."""

    def __init__(
        self,
        profile: Profile,
        client: KisClient,
        simulator: EmbeddedSimulator | None,
        *,
        journal: Journal | None = None,
        reconcile: ReconcileSettings | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.profile = profile
        self.client = client
        self._simulator = simulator
        self.orders = OrderService(client)
        self.market = MarketDataService(client)
        if journal is None:
            journal = Journal(MEMORY if profile.env is Env.DEMO else None)
        self.journal = journal
        self.intents = IntentService(self.orders, journal, clock=clock, settings=reconcile)
        self.reservations = ReservationIntentService(
            ReservationService(client), journal, clock=clock, settings=reconcile
        )

    @property
    def env(self) -> Env:
        return self.profile.env

    @property
    def remembers_intents(self) -> bool:
        """Whether unresolved intents are still in the journal at the next start (DEMO's is in memory)."""
        return self.journal.path != MEMORY

    @property
    def account(self) -> Account:
        return self.profile.account

    @property
    def unresolved_count(self) -> int:
        """Order and reservation intents whose outcome is still open (SENDING/UNKNOWN/AMBIGUOUS):
        warn before closing."""
        return self.intents.unresolved_count + self.reservations.unresolved_count

    @classmethod
    async def open(
        cls,
        profile: Profile,
        token_store: TokenStore,
        *,
        journal_path: Path | str | None = None,
        reconcile: ReconcileSettings | None = None,
        **client_options: object,
    ) -> Session:
        """Open a session; `journal_path=None` journals to the per-user data directory."""
        register_credentials(profile.credentials)  # masked in every log line from here on
        client = KisClient(
            profile.env,
            profile.credentials,
            profile.account,
            token_store=token_store,
            base_url=profile.base_url,
            on_token=register_secret,
            **client_options,  # type: ignore[arg-type]
        )
        clock = cast("Clock | None", client_options.get("clock"))  # the client's clock, if a test gave one
        return cls(
            profile,
            client,
            None,
            journal=Journal(journal_path),
            reconcile=reconcile,
            clock=clock,
        )

    @classmethod
    async def open_demo(cls, seed: int | None = None) -> Session:
        """Start the embedded simulator and open a DEMO session against it (tokens in memory)."""
        simulator = EmbeddedSimulator(seed)
        url = simulator.start()
        profile = Profile(Env.DEMO, DEMO_CREDENTIALS, DEMO_ACCOUNT, url)
        client = KisClient(
            Env.DEMO, DEMO_CREDENTIALS, DEMO_ACCOUNT, token_store=MemoryTokenStore(), base_url=url
        )
        return cls(profile, client, simulator)

    @property
    def busy(self) -> bool:
        """Requests in flight or queued at the rate limiter."""
        return self.orders.in_flight > 0 or self.client.limiter.queued() > 0

    async def close(self, *, force: bool = False) -> None:
        if self.busy and not force:
            raise SessionBusyError("requests are still in flight")
        await self.intents.close()  # unresolved intents stay journaled; the next start reconciles them
        await self.reservations.close()
        await self.client.aclose()
        await self.journal.aclose()
        if self._simulator is not None:
            self._simulator.stop()
