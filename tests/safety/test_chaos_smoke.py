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
