"""Settings → Precautions: `PrecautionsDialog` and the QSettings round trip of `PrecautionSettings`.

Owns editing the pre-trade precaution thresholds within their hard bounds (`domain.precautions.BOUNDS`)
and persisting them under "precautions/…" in QSettings (numbers only; nothing secret). Warn and
confirm tiers can be switched off ("Off" = the spin box minimum); a block tier cannot: its spin box
starts at the rule's lowest bound and stops at its ceiling, so there is no global bypass. Quantity and
tick thresholds are per market (the venue presets); the market list picks which market is edited.
Invalid or hand-edited stored values fall back to the default of that rule, never to "no limit".
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Final

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kisdesk.api.enums import Market
from kisdesk.domain.precautions import (
    BOUNDS,
    DEFAULT_QUANTITY,
    DEFAULT_TICKS,
    DUPLICATE_BOUNDS,
    Kind,
    Limits,
    PrecautionSettings,
    PrecautionSettingsError,
    Tier,
)
from kisdesk.ui import theme

PREFIX: Final = "precautions"
_TIERS: Final = (Tier.WARN, Tier.CONFIRM, Tier.BLOCK)
_DECIMALS: Final[dict[Kind, int]] = {Kind.QUANTITY: 0, Kind.NOTIONAL: 0, Kind.PERCENT: 1, Kind.TICKS: 0}


# --- QSettings -----------------------------------------------------------------------------------


def _key(rule: str, tier: Tier, market: Market | None = None) -> str:
    name = tier.name.lower()
    return f"{PREFIX}/{rule}/{market.value}/{name}" if market else f"{PREFIX}/{rule}/{name}"


def _read_limits(
    settings: QSettings, rule: str, kind: Kind, default: Limits, market: Market | None
) -> Limits:
    values: dict[Tier, Decimal | None] = {}
    try:
        for tier in _TIERS:
            raw = settings.value(_key(rule, tier, market))
            if raw is None:
                values[tier] = default.threshold(tier)
            else:
                text = str(raw).strip()
                values[tier] = None if text in ("", "off") else Decimal(text)
        block = values[Tier.BLOCK]
        if block is None or not block.is_finite():
            return default  # a block tier cannot be off: a stored "off" is not honoured
        limits = Limits(values[Tier.WARN], values[Tier.CONFIRM], block)
    except (InvalidOperation, ValueError):
        return default
    return default if limits.problems(kind) else limits


def _write_limits(settings: QSettings, rule: str, limits: Limits, market: Market | None) -> None:
    for tier in _TIERS:
        value = limits.threshold(tier)
        settings.setValue(_key(rule, tier, market), "off" if value is None else str(value))


def load_precautions(settings: QSettings) -> PrecautionSettings:
    """The saved thresholds; each rule that is missing or invalid gets its default."""
    base = PrecautionSettings()
    quantity = {m: _read_limits(settings, "quantity", Kind.QUANTITY, DEFAULT_QUANTITY[m], m) for m in Market}
    ticks = {m: _read_limits(settings, "ticks", Kind.TICKS, DEFAULT_TICKS[m], m) for m in Market}
    try:
        seconds = int(str(settings.value(f"{PREFIX}/duplicate_seconds", base.duplicate_seconds)))
    except ValueError:
        seconds = base.duplicate_seconds
    low, high = DUPLICATE_BOUNDS
    return PrecautionSettings(
        notional_krw=_read_limits(settings, "notional_krw", Kind.NOTIONAL, base.notional_krw, None),
        percent=_read_limits(settings, "percent", Kind.PERCENT, base.percent, None),
        quantity=quantity,
        ticks=ticks,
        duplicate_seconds=seconds if low <= seconds <= high else base.duplicate_seconds,
    )


def save_precautions(settings: QSettings, precautions: PrecautionSettings) -> None:
    _write_limits(settings, "notional_krw", precautions.notional_krw, None)
    _write_limits(settings, "percent", precautions.percent, None)
    for market in Market:
        _write_limits(settings, "quantity", precautions.quantity[market], market)
        _write_limits(settings, "ticks", precautions.ticks[market], market)
    settings.setValue(f"{PREFIX}/duplicate_seconds", precautions.duplicate_seconds)
    settings.sync()


# --- the dialog ----------------------------------------------------------------------------------


class _LimitsRow:
    """Three spin boxes (warn, confirm, block) for one rule. Warn/confirm show "Off" at 0."""

    def __init__(self, kind: Kind, off_text: str, suffix: str) -> None:
        bounds = BOUNDS[kind]
        decimals = _DECIMALS[kind]
        self.kind = kind
        self.boxes: list[QDoubleSpinBox] = []
        for tier in _TIERS:
            box = QDoubleSpinBox()
            box.setDecimals(decimals)
            box.setGroupSeparatorShown(True)
            box.setSuffix(suffix)
            box.setSingleStep(1 if decimals == 0 else 0.5)
            low = float(bounds.low) if tier is Tier.BLOCK else 0.0  # block: never off
            box.setRange(low, float(bounds.high))
            if tier is not Tier.BLOCK:
                box.setSpecialValueText(off_text)
            self.boxes.append(box)

    def set(self, limits: Limits) -> None:
        for box, tier in zip(self.boxes, _TIERS, strict=True):
            value = limits.threshold(tier)
            box.setValue(0.0 if value is None else float(value))

    def get(self) -> Limits:
        def value(box: QDoubleSpinBox) -> Decimal:
            return Decimal(str(round(box.value(), box.decimals())))

        warn, confirm, block = (value(b) for b in self.boxes)
        return Limits(warn or None, confirm or None, block)


class PrecautionsDialog(QDialog):
    """Edits `PrecautionSettings` within bounds; Save is disabled while anything is invalid.

    Signals: only QDialog's own. After `accepted`, `result_settings()` is the new settings.
    Children: `notional_row`, `percent_row`, `quantity_row`, `ticks_row` (each `.boxes`: warn,
    confirm, block), `market_combo`, `duplicate_spin`, `problems_label`, `defaults_button`,
    `save_button`, `cancel_button` (default).
    """

    def __init__(self, current: PrecautionSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Order precautions"))
        off = self.tr("Off")
        self.notional_row = _LimitsRow(Kind.NOTIONAL, off, " KRW")
        self.percent_row = _LimitsRow(Kind.PERCENT, off, " %")
        self.quantity_row = _LimitsRow(Kind.QUANTITY, off, "")
        self.ticks_row = _LimitsRow(Kind.TICKS, off, "")
        self.market_combo = QComboBox()
        for market in Market:
            self.market_combo.addItem(market.value, market.value)
        self.duplicate_spin = QSpinBox()
        self.duplicate_spin.setRange(*DUPLICATE_BOUNDS)
        self.duplicate_spin.setSuffix(" s")
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet(f"color: {theme.ERROR_TEXT.name()};")
        self.defaults_button = QPushButton(self.tr("Restore defaults"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.save_button = QPushButton(self.tr("Save"))
        self._quantity: dict[Market, Limits] = {}
        self._ticks: dict[Market, Limits] = {}
        self._market = Market.US
        self._result = current
        self._layout()
        self._load(current)
        self._connect()
        self._check()

    def result_settings(self) -> PrecautionSettings:
        return self._result

    def settings_now(self) -> PrecautionSettings:
        """The settings as edited; raises PrecautionSettingsError while they are invalid."""
        self._store_market()
        return PrecautionSettings(
            notional_krw=self.notional_row.get(),
            percent=self.percent_row.get(),
            quantity=dict(self._quantity),
            ticks=dict(self._ticks),
            duplicate_seconds=self.duplicate_spin.value(),
        )

    # --- building --------------------------------------------------------------------------------

    def _layout(self) -> None:
        grid = QGridLayout()
        for column, title in enumerate((self.tr("Warn"), self.tr("Confirm by typing"), self.tr("Block")), 1):
            grid.addWidget(QLabel(f"<b>{title}</b>"), 0, column)
        rows: list[tuple[str, _LimitsRow]] = [
            (self.tr("Order value (KRW, converted)"), self.notional_row),
            (self.tr("Price away from the last price"), self.percent_row),
        ]
        self._add_rows(grid, rows, 1)
        all_group = QGroupBox(self.tr("All venues"))
        all_group.setLayout(grid)
        market_grid = QGridLayout()
        market_grid.addWidget(QLabel(self.tr("Market")), 0, 0)
        market_grid.addWidget(self.market_combo, 0, 1)
        rows = [
            (self.tr("Quantity (shares)"), self.quantity_row),
            (self.tr("Ticks away from the last price"), self.ticks_row),
        ]
        self._add_rows(market_grid, rows, 1)
        market_group = QGroupBox(self.tr("Per market"))
        market_group.setLayout(market_grid)
        duplicate = QHBoxLayout()
        duplicate.addWidget(QLabel(self.tr("Identical order again within")))
        duplicate.addWidget(self.duplicate_spin)
        duplicate.addWidget(QLabel(self.tr("asks for typed confirmation")))
        duplicate.addStretch(1)
        note = QLabel(self.tr("Block limits cannot be switched off, only raised up to a fixed ceiling."))
        note.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.defaults_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        for widget in (all_group, market_group):
            layout.addWidget(widget)
        layout.addLayout(duplicate)
        layout.addWidget(note)
        layout.addWidget(self.problems_label)
        layout.addLayout(buttons)

    @staticmethod
    def _add_rows(grid: QGridLayout, rows: list[tuple[str, _LimitsRow]], first: int) -> None:
        for offset, (title, row) in enumerate(rows):
            grid.addWidget(QLabel(title), first + offset, 0)
            for column, box in enumerate(row.boxes, 1):
                grid.addWidget(box, first + offset, column)

    def _connect(self) -> None:
        self.cancel_button.setDefault(True)
        self.cancel_button.setAutoDefault(True)
        self.save_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        self.save_button.clicked.connect(self._on_save)
        self.defaults_button.clicked.connect(lambda: self._load(PrecautionSettings()))
        self.market_combo.currentIndexChanged.connect(self._on_market_changed)
        self.duplicate_spin.valueChanged.connect(self._check)
        for row in (self.notional_row, self.percent_row, self.quantity_row, self.ticks_row):
            for box in row.boxes:
                box.valueChanged.connect(self._check)

    def _load(self, settings: PrecautionSettings) -> None:
        self._quantity = dict(settings.quantity)
        self._ticks = dict(settings.ticks)
        self.notional_row.set(settings.notional_krw)
        self.percent_row.set(settings.percent)
        self.duplicate_spin.setValue(settings.duplicate_seconds)
        self._show_market()

    def _show_market(self) -> None:
        self.quantity_row.set(self._quantity[self._market])
        self.ticks_row.set(self._ticks[self._market])

    def _store_market(self) -> None:
        self._quantity[self._market] = self.quantity_row.get()
        self._ticks[self._market] = self.ticks_row.get()

    def _on_market_changed(self) -> None:
        self._store_market()
        self._market = Market(self.market_combo.currentData())
        self._show_market()
        self._check()

    def _check(self) -> bool:
        try:
            self.settings_now()
        except PrecautionSettingsError:
            # The domain's reasons are English and technical; one translated line says what to fix.
            self.problems_label.setText(
                self.tr("Each row must rise from warn to confirm to block, within its bounds.")
            )
            self.save_button.setEnabled(False)
            return False
        self.problems_label.clear()
        self.save_button.setEnabled(True)
        return True

    def _on_save(self) -> None:
        if self._check():
            self._result = self.settings_now()
            self.accept()
