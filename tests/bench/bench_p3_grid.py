"""P3 grid: applying a refresh of 10,000 pending orders to the grid's model, and sorting it.

    python tests/bench/bench_p3_grid.py [--rows 10000] [--repeat 5]

The grid is the real one: a `PendingOrdersPanel` (model, proxy and table view, shown offscreen) fed
synthetic orders, so every signal reaches the proxy and the view as in the app. A refresh is
`PendingBook.replace(snapshot)` (the diff) then `PendingOrdersModel.apply(diff)`; the figures time
both, for three snapshots: all orders new, nothing changed, every order changed. Sorting is
`QTableView.sortByColumn` on a numeric column (Price, then Qty descending). Each figure is the median
of `--repeat` runs.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `tests.bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: TID251  (benchmarks drive the Qt grid directly)
from PySide6.QtWidgets import QApplication  # noqa: TID251

from kisdesk.domain.pending import PendingBook, PendingOrder
from kisdesk.ui.pending_panel import PendingOrdersPanel
from kisdesk.ui.pending_table import Column
from tests.bench._common import Figure, StubOrders, make_orders, median, print_figures, save_figures

BENCH = "P3"
APPLY_GOAL_MS = 50.0
SORT_GOAL_MS = 100.0


def qt_app() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    return QApplication(sys.argv[:1])


def _ms(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def _one_run(app: QApplication, orders: list[PendingOrder]) -> dict[str, float]:
    panel = PendingOrdersPanel(StubOrders())  # sorted by time, newest first, as the app starts
    panel.resize(1200, 700)
    panel.show()
    app.processEvents()
    model, book = panel.model, PendingBook()
    same = [replace(o) for o in orders]  # a new snapshot with equal values
    changed = [replace(o, filled=o.filled + 1, remaining=o.remaining - 1) for o in orders]
    out: dict[str, float] = {}
    for name, snapshot in (("all new", orders), ("nothing changed", same), ("all changed", changed)):
        started = time.perf_counter()
        diff = book.replace(snapshot)
        diffed = time.perf_counter()
        model.apply(diff)
        out[f"diff {name}"] = (diffed - started) * 1000
        out[f"apply {name}"] = (time.perf_counter() - diffed) * 1000
        out[f"paint {name}"] = _ms(lambda: (panel.table.viewport().repaint(), app.processEvents()))
    out["sort price"] = _ms(lambda: panel.table.sortByColumn(Column.PRICE, Qt.SortOrder.AscendingOrder))
    out["paint sort price"] = _ms(lambda: (panel.table.viewport().repaint(), app.processEvents()))
    out["sort qty"] = _ms(lambda: panel.table.sortByColumn(Column.QTY, Qt.SortOrder.DescendingOrder))
    if model.rowCount() != len(orders):
        raise RuntimeError(f"the grid shows {model.rowCount()} rows, not {len(orders)}")
    panel.close()
    panel.deleteLater()
    app.processEvents()
    return out


def run(rows: int = 10_000, repeat: int = 5) -> list[Figure]:
    app = qt_app()
    orders = make_orders(rows)
    runs = [_one_run(app, orders) for _ in range(max(1, repeat))]
    fig = {name: median([r[name] for r in runs]) for name in runs[0]}
    goal_apply, goal_sort = f"< {APPLY_GOAL_MS:.0f} ms", f"< {SORT_GOAL_MS:.0f} ms"
    figures: list[Figure] = []
    for name in ("all new", "nothing changed", "all changed"):
        apply_ms = fig[f"apply {name}"]
        figures.append(
            Figure(
                BENCH, f"apply {rows:,} rows, {name}", apply_ms, "ms", goal_apply, apply_ms < APPLY_GOAL_MS
            )
        )
        figures.append(Figure(BENCH, f"  diff (PendingBook.replace), {name}", fig[f"diff {name}"], "ms"))
        figures.append(Figure(BENCH, f"  repaint after, {name}", fig[f"paint {name}"], "ms"))
    for name, label in (("sort price", "sort by Price (numeric)"), ("sort qty", "sort by Qty, descending")):
        figures.append(
            Figure(BENCH, f"{label}, {rows:,} rows", fig[name], "ms", goal_sort, fig[name] < SORT_GOAL_MS)
        )
    figures.append(Figure(BENCH, "  repaint after sort", fig["paint sort price"], "ms"))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON (run_all.py)")
    args = parser.parse_args()
    figures = run(args.rows, args.repeat)
    print_figures("P3 grid", figures)
    save_figures(figures, args.json)


if __name__ == "__main__":
    main()
