"""A Hypothesis state machine over client + simulator + IntentService + journal (order-safety.md row 27).

Rules: submit, drop the next answer (a one-shot after-commit fault), crash mid-flight (cancel the
submitting task after the request went out, or right after the journal write, and throw the service and
client away without a clean shutdown), restart, fill (simulated time passes with fill probability 1),
cancel, reconcile. Invariants after every step: ≤1 ledger order and ≤1 processed POST per intent, no
order number owned twice, only legal transitions in the journal's events table; after `reconcile` and
at the end, every ledger order maps to exactly one journal row and nothing is left unresolved.

Deterministic (derandomize=True). CI size: 30 examples x 15 steps. Bigger, e.g. the nightly 500 x 50:
    KISDESK_SM_EXAMPLES=500 KISDESK_SM_STEPS=50 .venv/bin/python -m pytest tests/safety/test_state_machine.py
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from kisdesk.api.enums import Env
from kisdesk.app.intents import IntentService
from kisdesk.domain.intents import Intent, IntentKind, IntentState
from kisdesk.simulator.faults import Fault, FaultKind
from tests.safety.harness import Rig, check_invariants, make_rig, ticket

S = IntentState
EXAMPLES = int(os.environ.get("KISDESK_SM_EXAMPLES", "30"))
STEPS = int(os.environ.get("KISDESK_SM_STEPS", "15"))
STEP_TIMEOUT_S = 30.0
PRICES = ["150.00", "151.00", "300.00"]  # two resting prices and one that trades once time passes
DROPS = [FaultKind.DROP_AFTER, FaultKind.HTML_500_AFTER, FaultKind.MALFORMED_JSON]


class OrderMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.tmp = Path(tempfile.mkdtemp(prefix="kisdesk-sm-"))
        self.rig: Rig = make_rig(Env.REAL, self.tmp)
        self.service: IntentService = self.run(self.rig.started())
        self.sent: list[str] = []

    def run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(asyncio.wait_for(coro, STEP_TIMEOUT_S))

    def teardown(self) -> None:
        try:
            self.run(self._settle_all())
            self.run(check_invariants(self.rig.engine, self.rig.journal, self.rig.wiretap.gateway_refused))
        finally:
            self.run(self.rig.close())
            self.loop.run_until_complete(self.loop.shutdown_default_executor())
            self.loop.close()
            shutil.rmtree(self.tmp, ignore_errors=True)

    async def _settle_all(self) -> None:
        for intent in await self.rig.journal.unresolved():
            if intent.state is S.UNKNOWN:
                await self.service.settle(intent)

    # --- rules ----------------------------------------------------------------------------------

    @rule(price=st.sampled_from(PRICES))
    def submit(self, price: str) -> None:
        intent = self.run(self.service.submit(ticket(price=price)))
        self.sent.append(intent.intent_id)
        assert intent.state in (S.ACKED, S.UNKNOWN, S.REJECTED), intent.message

    @rule(kind=st.sampled_from(DROPS))
    def drop_next_response(self, kind: FaultKind) -> None:
        self.rig.engine.faults.add(Fault(kind, match="orders", count=1))

    @rule(after_post=st.booleans(), price=st.sampled_from(PRICES))
    def crash(self, after_post: bool, price: str) -> None:
        """Cancel a submit mid-flight and abandon the service; a new one starts on the same journal."""
        self.run(self._crash(after_post, price))
        self.service = self.run(self.rig.started())

    async def _crash(self, after_post: bool, price: str) -> None:
        journaled: asyncio.Future[Intent] = self.loop.create_future()
        hold = asyncio.Event()

        async def checkpoint(point: str, intent: Intent) -> None:
            if point == "journaled" and not journaled.done():
                journaled.set_result(intent)
                if not after_post:
                    await hold.wait()  # cancelled here: SENDING is durable, nothing was sent

        doomed = self.rig.service(checkpoint=checkpoint)
        await doomed.startup()
        if after_post:
            self.rig.engine.faults.add(Fault(FaultKind.ACCEPT_THEN_STALL, match="orders", count=1))
        task = asyncio.ensure_future(doomed.submit(ticket(price=price)))
        intent = await journaled
        self.sent.append(intent.intent_id)
        if after_post:
            for _ in range(2000):  # until the simulator has the order (bounded: ≤2 s)
                if self.rig.ledger_of(intent):
                    break
                await asyncio.sleep(0.001)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await doomed.close()  # the process is gone: its reconciliation stops with it

    @rule()
    def restart(self) -> None:
        self.run(self.service.close())
        self.service = self.run(self.rig.started())

    @rule(seconds=st.integers(1, 5))
    def fill(self, seconds: int) -> None:
        self.rig.engine.settings.update(fill_probability=1.0)
        self.rig.clock.advance(seconds)

    @precondition(lambda self: self.service.ready)
    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        pending = self.run(self.service.orders.pending())
        if not pending:
            return
        order = data.draw(st.sampled_from(sorted(pending, key=lambda o: o.order_no)))
        intent = self.run(self.service.cancel(order))
        self.sent.append(intent.intent_id)
        assert intent.kind is IntentKind.CANCEL
        assert intent.state in (S.ACKED, S.UNKNOWN, S.REJECTED), intent.message

    @rule()
    def reconcile(self) -> None:
        self.run(self._settle_all())
        self.run(check_invariants(self.rig.engine, self.rig.journal, self.rig.wiretap.gateway_refused))

    # --- invariants -----------------------------------------------------------------------------

    @invariant()
    def at_most_one_processed_post_and_legal_transitions(self) -> None:
        unresolved = [i.intent_id for i in self.run(self.rig.journal.unresolved())]
        self.run(
            check_invariants(
                self.rig.engine,
                self.rig.journal,
                self.rig.wiretap.gateway_refused,
                allow_unsettled=unresolved,
            )
        )


OrderMachine.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestOrderMachine = OrderMachine.TestCase
