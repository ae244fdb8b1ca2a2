"""An item delegate that styles a cell from one Python call instead of seven model roles.

Owns: `Cell` and `CellDelegate`.

Qt's `QStyledItemDelegate` asks the model for seven roles per painted cell (font, alignment,
foreground, check state, decoration, display, background), in one `multiData` call. A
`QSortFilterProxyModel` does not forward `multiData`: Qt's fallback asks the Python model one role at a
time, seven calls from C++ into Python per painted cell, which made a repaint of the pending grid
the longest pass of the event loop while 10,000 orders refresh (bench P2). Measured here on the 240
cells of a 1200x700 grid: ~10 ms a repaint, against 3.4 ms for the same cells in a
`QStandardItemModel`. A Python `multiData` on the proxy and the model (one call per cell, but the
span's seven entries still cross into Python one by one) brought it to ~7.5 ms; this delegate, which
fills the style option from one cached tuple per cell, to ~5.5 ms. The rest is Qt's own painting and
the one call per cell.

Everything else the delegate does (tooltips, size hints, editing, the painting itself) is Qt's, and
the model's `data()` stays the reference: `CellDelegate` sets exactly what Qt's `initStyleOption`
would from the roles `data()` answers (tests/ui/test_pending_table.py compares the two per cell).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Final

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QPalette
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

Cell = tuple[str, Qt.AlignmentFlag, QBrush | None, QBrush | None]
"""A cell as painted: display text, alignment, then text and background brushes (None: the view's)."""

CellSource = Callable[[QModelIndex | QPersistentModelIndex], Cell | None]
"""The cell at a view index, or None to let Qt ask the model's roles as usual."""

_HAS_DISPLAY: Final = QStyleOptionViewItem.ViewItemFeature.HasDisplay
_TEXT: Final = QPalette.ColorRole.Text
_NO_BRUSH: Final = QBrush()
_LINE_SEPARATOR: Final = "\u2028"


@cache
def _with_display(features: QStyleOptionViewItem.ViewItemFeature) -> QStyleOptionViewItem.ViewItemFeature:
    # A view hands over a few distinct feature sets (alternate rows, word wrap); or-ing Python flag
    # enums costs microseconds, so each result is kept.
    return features | _HAS_DISPLAY


class CellDelegate(QStyledItemDelegate):
    """A `QStyledItemDelegate` whose style options come from `source` (see the module doc).

    The model must answer no font, decoration or check state, since those are left as Qt's defaults.
    """

    def __init__(self, source: CellSource, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source = source

    def initStyleOption(  # noqa: N802  (Qt override)
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        cell = self._source(index)
        if cell is None:
            super().initStyleOption(option, index)
            return
        text, alignment, foreground, background = cell
        option.index = index  # type: ignore[assignment]  # PySide converts a persistent index itself
        option.displayAlignment = alignment
        if foreground is not None:
            palette = option.palette
            palette.setBrush(_TEXT, foreground)
            option.palette = palette
        option.features = _with_display(option.features)
        option.text = text.replace("\n", _LINE_SEPARATOR) if "\n" in text else text  # as Qt's displayText
        option.backgroundBrush = _NO_BRUSH if background is None else background
        option.styleObject = None  # type: ignore[assignment]  # as Qt's nullptr: no style animations in views
