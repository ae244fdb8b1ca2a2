"""The reservation grid's data: ReservationModel (rows of order-resv-ccnl keyed by sequence), its sort
proxy, and the status a row is in (미처리 / 처리 / 취소 / 거부), derived from the row's fields.

KIS sends no notice when a reservation is processed (domestic-reservation.md §0), so the status is
worked out from each inquiry row; the tab re-lists and feeds the rows in with `sync()`.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from enum import IntEnum
from typing import Any, Final

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from kisdesk.api.enums import ResvOrderDivision, Side
from kisdesk.api.models.reservation import ReservationRow
from kisdesk.domain.reservation_intents import DIVISION_BY_NAME
from kisdesk.ui.labels import resv_division_label, side_label
from kisdesk.ui.theme import ERROR_TEXT, side_color

Index = QModelIndex | QPersistentModelIndex

SORT_ROLE: Final = Qt.ItemDataRole.UserRole + 1  # typed value for sorting
ROW_ROLE: Final = Qt.ItemDataRole.UserRole + 2  # the ReservationRow itself

_UNPROCESSED: Final = "미처리"  # prcs_rslt of a reservation not yet sent (the spec's example value)


class Column(IntEnum):
    SEQUENCE = 0
    ORDER_DATE = 1
    SYMBOL = 2
    NAME = 3
    SIDE = 4
    TYPE = 5
    QTY = 6
    PRICE = 7
    FILLED = 8
    STATUS = 9
    END_DATE = 10
    REJECT_REASON = 11


class ResvStatus(IntEnum):
    """Where a reservation stands; the value orders the status column when sorted."""

    PENDING = 0  # 미처리: can still be revised or cancelled
    PROCESSED = 1  # 처리: sent as a normal order on its processing day
    REJECTED = 2  # 거부: refused on its processing day (rjct_rson2)
    CANCELLED = 3  # 취소

    @property
    def changeable(self) -> bool:
        return self is ResvStatus.PENDING


def status_of(row: ReservationRow) -> ResvStatus:
    """domestic-reservation.md §2.2 (ASSUMPTION): cancel date, then reject reason, then processed."""
    if row.cancelled:
        return ResvStatus.CANCELLED
    if row.reject_reason.strip():
        return ResvStatus.REJECTED
    result = row.result.strip()
    if (result and result != _UNPROCESSED) or row.order_no.strip():
        return ResvStatus.PROCESSED
    return ResvStatus.PENDING


def side_of(row: ReservationRow) -> Side | None:
    try:
        return Side(row.side_code.strip())
    except ValueError:
        return None


def division_of(row: ReservationRow) -> ResvOrderDivision | None:
    """The request-domain order type of a row: by name first, by code only when no name came."""
    name = row.division_name.replace(" ", "")
    if name:
        return DIVISION_BY_NAME.get(name)
    try:
        return ResvOrderDivision(row.division_code.strip())
    except ValueError:
        return None


def is_changeable(row: ReservationRow) -> bool:
    """Revise and cancel are offered for an unprocessed, uncancelled row of a known side."""
    return status_of(row).changeable and side_of(row) is not None


def wire_date_text(text: str) -> str:
    """'20261123' → '2026-11-23'; anything else unchanged."""
    text = text.strip()
    return f"{text[:4]}-{text[4:6]}-{text[6:]}" if len(text) == 8 and text.isdigit() else text


def _sequence_key(row: ReservationRow) -> str:
    # zero-padded to RSVN_ORD_SEQ's 10 characters, so "88010" sorts after "9001" as text too
    return row.sequence.strip().rjust(10, "0")


_NUMERIC: Final = frozenset({Column.SEQUENCE, Column.QTY, Column.PRICE, Column.FILLED})


class ReservationModel(QAbstractTableModel):
    """Reservation rows keyed by `sequence`; `sync()` updates row by row so selection survives.

    Signals: only QAbstractTableModel's own.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ReservationRow] = []
        self._index: dict[str, int] = {}

    # --- mutation -------------------------------------------------------------------------------

    def reset(self, rows: Iterable[ReservationRow]) -> None:
        self.beginResetModel()
        self._rows = list({r.sequence: r for r in rows}.values())
        self._reindex()
        self.endResetModel()

    def upsert(self, row: ReservationRow) -> None:
        at = self._index.get(row.sequence)
        if at is None:
            at = len(self._rows)
            self.beginInsertRows(QModelIndex(), at, at)
            self._rows.append(row)
            self._index[row.sequence] = at
            self.endInsertRows()
        elif self._rows[at] != row:
            self._rows[at] = row
            self.dataChanged.emit(self.index(at, 0), self.index(at, len(Column) - 1))

    def remove(self, sequence: str) -> None:
        at = self._index.get(sequence)
        if at is None:
            return
        self.beginRemoveRows(QModelIndex(), at, at)
        del self._rows[at]
        self._reindex()
        self.endRemoveRows()

    def sync(self, rows: Iterable[ReservationRow]) -> None:
        """Make the model hold exactly `rows`: drop the missing, update the known, append the new."""
        fresh = {r.sequence: r for r in rows}
        for sequence in [s for s in self._index if s not in fresh]:
            self.remove(sequence)
        for row in fresh.values():
            self.upsert(row)

    def _reindex(self) -> None:
        self._index = {r.sequence: i for i, r in enumerate(self._rows)}

    # --- access ---------------------------------------------------------------------------------

    def row(self, sequence: str) -> ReservationRow | None:
        at = self._index.get(sequence)
        return None if at is None else self._rows[at]

    def rows(self) -> list[ReservationRow]:
        return list(self._rows)

    def pending_duplicate(self, symbol: str, side: Side, quantity: int, price: Decimal) -> str | None:
        """The sequence of a pending reservation with the same terms, if any (a likely double entry)."""
        for row in self._rows:
            terms = (row.symbol, side_of(row), row.quantity, row.price)
            if terms == (symbol, side, quantity, price) and status_of(row).changeable:
                return row.sequence
        return None

    # --- Qt model -------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is not Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return self._headers()[Column(section)] if 0 <= section < len(Column) else None

    def _headers(self) -> dict[Column, str]:
        return {
            Column.SEQUENCE: self.tr("Seq."),
            Column.ORDER_DATE: self.tr("Order date"),
            Column.SYMBOL: self.tr("Symbol"),
            Column.NAME: self.tr("Name"),
            Column.SIDE: self.tr("Side"),
            Column.TYPE: self.tr("Type"),
            Column.QTY: self.tr("Qty"),
            Column.PRICE: self.tr("Price"),
            Column.FILLED: self.tr("Filled"),
            Column.STATUS: self.tr("Status"),
            Column.END_DATE: self.tr("Period end"),
            Column.REJECT_REASON: self.tr("Reject reason"),
        }

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == SORT_ROLE:
            return self._sort_value(row, column)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._colour(row, column)
        return None

    def _colour(self, row: ReservationRow, column: Column) -> Any:
        side = side_of(row)
        if column is Column.SIDE and side is not None:
            return side_color(side)  # 매수 red / 매도 blue (theme.py)
        if column is Column.STATUS and status_of(row) is ResvStatus.REJECTED:
            return ERROR_TEXT
        return None

    def status_text(self, status: ResvStatus) -> str:
        return {
            ResvStatus.PENDING: self.tr("Pending"),
            ResvStatus.PROCESSED: self.tr("Processed"),
            ResvStatus.REJECTED: self.tr("Rejected"),
            ResvStatus.CANCELLED: self.tr("Cancelled"),
        }[status]

    def _text(self, row: ReservationRow, column: Column) -> str:
        side, division = side_of(row), division_of(row)
        match column:
            case Column.SEQUENCE:
                return row.sequence
            case Column.ORDER_DATE:
                return wire_date_text(row.order_date)
            case Column.SYMBOL:
                return row.symbol
            case Column.NAME:
                return row.name
            case Column.SIDE:
                return side_label(side) if side is not None else row.side_code
            case Column.TYPE:
                return resv_division_label(division) if division is not None else row.division_name
            case Column.QTY:
                return f"{row.quantity:,}"
            case Column.PRICE:
                return f"{row.price:,}"
            case Column.FILLED:
                return f"{row.filled_quantity:,}"
            case Column.STATUS:
                return self.status_text(status_of(row))
            case Column.END_DATE:
                return wire_date_text(row.end_date)
            case _:  # Column.REJECT_REASON
                return row.reject_reason

    def _sort_value(self, row: ReservationRow, column: Column) -> Any:
        # Typed values: as text "1,000" sorts before "900".
        values: dict[Column, Any] = {
            Column.SEQUENCE: _sequence_key(row),
            Column.QTY: row.quantity,
            Column.PRICE: row.price,
            Column.FILLED: row.filled_quantity,
            Column.STATUS: int(status_of(row)),
        }
        return values.get(column, self._text(row, column))


class ReservationProxy(QSortFilterProxyModel):
    """Sorts the reservation grid on SORT_ROLE values compared in Python.

    Signals: only QSortFilterProxyModel's own.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)

    def lessThan(self, left: Index, right: Index) -> bool:
        return bool(left.data(SORT_ROLE) < right.data(SORT_ROLE))
