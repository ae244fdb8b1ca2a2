"""Smoke test of the chaos benchmark (tests/bench/chaos.py): N=50 attempts produce every figure, and the
order-safety invariants G1/G2/G3 hold. Timing goals (G5) are the script's to report, not asserted here.
"""

from __future__ import annotations

from pathlib import Path

from tests.bench.chaos import CATALOGUE, render, run_chaos, table


async def test_chaos_with_50_attempts_produces_the_figures_and_keeps_g1_g2_g3(tmp_path: Path) -> None:
    figures = await run_chaos(50, workers=4, seed=7, segment=25, out=tmp_path / "run")
    assert figures["attempts"] == 50
    assert set(figures["per_fault"]) <= set(CATALOGUE)
    assert figures["errors"] == []
    goals = {row[0]: row for row in table(figures)}
    for goal in ("G1 duplicates", "G2 lost", "G2 UNKNOWN→resolved", "G3 no auto-resend", "G5 event loop"):
        assert goal in goals
    assert figures["heartbeats"] > 0
    assert figures["canary_files"] > 0
    assert "wall time" in render(figures)
    # G1, G3: never twice; G2: nothing lost, nothing left unresolved
    assert figures["duplicates"] == 0
    assert figures["illegal_transitions"] == 0
    assert figures["lost"] == 0
    assert figures["unresolved_rows"] == 0
    assert figures["canary_hits"] == 0
    assert figures["tr_family_mismatches"] == figures["appkey_mismatches"] == 0


def test_ledger_counts_catch_each_kind_of_violation() -> None:
    """The chaos figures are only as good as this count: each violation it exists for is counted."""
    from dataclasses import replace
    from datetime import datetime
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    from kisdesk.api.enums import Env, Exchange, OrderDivision, Side
    from kisdesk.domain.intents import Fingerprint, Intent, IntentKind, IntentState
    from tests.bench.chaos import ledger_counts

    fp = Fingerprint(Exchange.NASD, "AAPL", Side.BUY, 1, Decimal("150"), OrderDivision.LIMIT)
    at = datetime(2026, 11, 18, 10, 40, tzinfo=ZoneInfo("Asia/Seoul"))
    base = Intent("a", IntentKind.ORDER, Env.REAL, "50000000-01", fp, at, state=IntentState.ACKED)
    rows = [
        replace(base, order_no="0000000001"),  # fine
        replace(base, intent_id="b", order_no="0000000002"),  # two ledger orders: G1
        replace(base, intent_id="c", state=IntentState.NOT_FOUND),  # the ledger has it: false NOT_FOUND
        replace(base, intent_id="d", state=IntentState.UNKNOWN),  # left unresolved
        replace(base, intent_id="e", state=IntentState.AMBIGUOUS),
    ]
    ledger = [("a", "1"), ("b", "2"), ("b", "3"), ("c", "4"), ("x", "5")]
    posts = {"a": 2, "b": 1, "c": 3}
    counts = ledger_counts(rows, ledger, posts, {"a": 1, "c": 1})  # a: one POST refused at the gateway
    assert counts == {
        "ledger_orders": 5,
        "duplicate_ledger": 1,  # b
        "duplicate_posts": 1,  # c: 3 POSTs, 1 refused
        "lost_ledger": 3,  # b's second order, c's order (row owns none), x (no row)
        "unresolved_rows": 1,
        "ambiguous_rows": 1,
        "false_not_found": 1,
    }
