"""Smoke test of the GUI-loop chaos pass (tests/bench/chaos_gui.py): a few attempts per fault kind on a
qasync loop against the host process are all counted, and none is duplicated, lost or left unresolved.
The G5 figures are the script's to report; no timing is asserted here.
"""

from __future__ import annotations

from pathlib import Path

from kisdesk.app.reconcile import ReconcileSettings
from tests.bench.chaos_gui import render, run_gui_pass

# One of each path: a plain ACK, UNKNOWN found by reconciliation, a wire fault, UNKNOWN never found.
KINDS = ("none", "drop_after", "wire_reset_down", "drop_before")


def test_gui_pass_counts_every_attempt_and_loses_or_duplicates_none(tmp_path: Path) -> None:
    figures = run_gui_pass(
        2,
        2,
        kinds=KINDS,
        paper_share=0.5,  # one real host, one paper host
        deadline_s=2.0,
        settings=ReconcileSettings(grace_s=1.0),  # NOT_FOUND in seconds, not the app's 10 s
        out=tmp_path / "run",
    )
    assert figures["errors"] == []
    assert figures["attempts"] == 2 * len(KINDS)
    assert {k: v["attempts"] for k, v in figures["per_fault"].items()} == dict.fromkeys(KINDS, 2)
    assert figures["paper_workers"] == 1
    assert figures["per_fault"]["drop_after"]["final_states"] == {"ACKED": 2}
    assert figures["per_fault"]["drop_before"]["final_states"] == {"NOT_FOUND": 2}
    assert figures["ledger_orders"] == 6  # drop_before never reached the book
    assert figures["duplicates"] == 0
    assert figures["unresolved_rows"] == 0
    assert figures["lost_ledger"] == figures["false_not_found"] == 0
    assert figures["illegal_transitions"] == 0
    assert figures["tr_family_mismatches"] == 0
    assert figures["stale_wire_faults"] == 0
    assert figures["heartbeats"] > 0
    assert "G5 overall" in render(figures)
