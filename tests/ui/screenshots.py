"""Produce the README screenshots: the real window on the embedded simulator (a tool, not a test).

    xvfb-run -a -s "-screen 0 1400x900x24 -nolisten tcp" .venv/bin/python tests/ui/screenshots.py \
        resources/screenshots

(QT_QPA_PLATFORM=offscreen works too.) Settings go to a temporary INI file and credentials to memory,
so the run touches neither the user's config nor a keychain. REAL is a second simulator imitating the
real host on loopback; nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path

import qasync
import shiboken6
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from kisdesk.api.enums import Env, Exchange, OrderDivision, ResvOrderDivision, Side, TrFamily
from kisdesk.app.secrets import MemoryStore, save_credentials
from kisdesk.app.session import Session
from kisdesk.domain.ticket import OverseasTicket, ReservationTicket
from kisdesk.simulator.engine import Engine
from kisdesk.simulator.server import SimServer
from kisdesk.ui.app import load_app_font
from kisdesk.ui.i18n import Language, install_language
from kisdesk.ui.main_window import MainWindow

SHOT_KEY = "S" * 36  # a made-up key for the loopback simulator; not a real credential
SHOT_SECRET = "s" * 180
DEMO_ORDERS = (
    (Exchange.NASD, "AAPL", Side.BUY, 10, "210.00"),
    (Exchange.NASD, "TSLA", Side.BUY, 5, "230.00"),
    (Exchange.NYSE, "KO", Side.BUY, 20, "55.00"),
    (Exchange.TKSE, "7203", Side.BUY, 100, "2500"),
)


def save(widget: QWidget, out: Path, name: str) -> None:
    path = out / f"{name}.png"
    widget.grab().save(str(path), "PNG", 0)  # quality 0 = strongest PNG compression
    print(f"{path}  {path.stat().st_size // 1024} KB")


def set_division(window: MainWindow, division: OrderDivision) -> None:
    combo = window.ticket.division_combo
    for index in range(combo.count()):
        if combo.itemData(index) in (division, division.value):
            combo.setCurrentIndex(index)
            return
    raise LookupError(f"{division.name} is not offered by the ticket")


async def settle(seconds: float = 0.4) -> None:
    await asyncio.sleep(seconds)  # quotes load and Qt paints meanwhile


RESERVATIONS = (
    ("005930", Side.BUY, 10, "55000"),
    ("000660", Side.SELL, 5, "181000"),
    ("035420", Side.BUY, 3, "171500"),
)


async def shoot(out: Path, real_url: str, settings: QSettings) -> MainWindow:
    store = MemoryStore()
    save_credentials(store, Env.REAL, SHOT_KEY, SHOT_SECRET, "12345678-01")
    session = await Session.open_demo(seed=7)
    window = MainWindow(session, settings, secret_store=store, base_urls={Env.REAL: real_url})
    window.resize(1320, 780)
    window.show()
    await window.check_connection()
    for exchange, symbol, side, qty, price in DEMO_ORDERS:
        order = OverseasTicket(Env.DEMO, exchange, symbol, side, OrderDivision.LIMIT, qty, Decimal(price))
        try:
            await session.orders.submit(order)
        except Exception as exc:  # a screenshot run goes on without the row
            print(f"skipped {symbol}: {exc}")
    await window.pending_panel.refresh()

    ticket = window.ticket
    ticket.prefill("AAPL", Side.BUY, 10, Decimal("215.50"), exchange=Exchange.NASD)
    await settle(1.2)
    save(window, out, "window_en")
    save(ticket, out, "ticket_limit")
    ticket.set_side(Side.SELL)
    set_division(window, OrderDivision.MOC)
    await settle()
    save(ticket, out, "ticket_moc")
    ticket.set_side(Side.BUY)
    set_division(window, OrderDivision.TWAP)
    await settle()
    save(ticket, out, "ticket_twap")
    save(window.pending_panel, out, "pending_grid")

    window.pending_panel.table.selectRow(0)
    window.pending_panel.revise_action.trigger()
    await settle()
    dialog = window.pending_panel.active_dialog
    if dialog is not None:
        save(dialog, out, "revise_dialog")
        dialog.reject()
    for symbol, side, qty, price in RESERVATIONS:
        reservation = ReservationTicket(Env.DEMO, symbol, side, ResvOrderDivision.LIMIT, qty, Decimal(price))
        try:
            await session.reservations.place(reservation)
        except Exception as exc:  # a screenshot run goes on without the row
            print(f"skipped reservation {symbol}: {exc}")
    window.tabs.setCurrentIndex(1)
    await window.reservations_tab.refresh()
    await settle()
    save(window, out, "reservations_tab")
    window.tabs.setCurrentIndex(0)

    window.set_language(Language.KOREAN)
    await window.check_connection()
    window.ticket.prefill("7203", Side.BUY, 100, Decimal("2600"), exchange=Exchange.TKSE)
    await settle(1.2)
    save(window, out, "window_ko")

    task = window.request_env(Env.REAL)
    if task is not None:
        await task
    box = window.real_confirmation
    if box is not None:
        await settle()
        save(box, out, "real_confirmation")
        confirm = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole)
        confirm.click()
        if window.switch_task is not None:
            await window.switch_task
    window.ticket.prefill("AAPL", Side.BUY, 1, Decimal("228.00"), exchange=Exchange.NASD)
    await settle(1.2)
    save(window, out, "real_banner_ko")
    window.set_language(Language.ENGLISH)
    await window.check_connection()
    window.ticket.prefill("AAPL", Side.BUY, 1, Decimal("228.00"), exchange=Exchange.NASD)
    await settle(1.2)
    save(window, out, "real_banner_en")
    return window


# --- order precautions (precaution_warn.png, precaution_confirm.png) ------------------------------


async def shoot_precautions(out: Path, settings: QSettings) -> MainWindow:
    """The ticket with a live WARN (+6 % from the last price) and the typed confirmation (+12 %)."""
    from kisdesk.ui.precaution_dialog import TypedConfirmDialog

    session = await Session.open_demo(seed=7)
    window = MainWindow(session, settings, secret_store=MemoryStore())
    window.resize(1320, 780)
    window.show()
    await window.check_connection()
    ticket = window.ticket
    last = (await session.market.quote(Exchange.NASD, "AAPL")).last or Decimal("228.50")
    ticket.prefill(
        "AAPL", Side.BUY, 10, (last * Decimal("1.06")).quantize(Decimal("0.01")), exchange=Exchange.NASD
    )
    await settle(1.5)  # the quote and the rate arrive; the live warning appears under the price
    save(ticket, out, "precaution_warn")

    ticket.prefill("AAPL", Side.BUY, 10, (last * Decimal("1.12")).quantize(Decimal("0.01")))
    await settle(1.0)
    task = asyncio.ensure_future(ticket.submit())
    dialog = None
    for _ in range(100):
        await asyncio.sleep(0.05)
        dialog = next((d for d in ticket.findChildren(TypedConfirmDialog) if d.isVisible()), None)
        if dialog is not None:
            break
    if dialog is not None:
        dialog.typed_edit.setText("AAP")  # not yet the symbol: the button stays disabled
        await settle()
        save(dialog, out, "precaution_confirm")
        dialog.reject()
    await task
    return window


# --- order activity and history (intents_unknown.png, intents_ambiguous.png, history.png) ----------


async def shoot_intents(out: Path, settings: QSettings) -> MainWindow:
    """Order activity with a real UNKNOWN order (the answer was dropped after KIS recorded it, and the
    order shows in inquiries only later) and an AMBIGUOUS one (made up: two matching orders), then
    the History tab."""
    from datetime import datetime

    from kisdesk.app.reconcile import ReconcileSettings
    from kisdesk.domain.intents import KST, Fingerprint, Intent, IntentKind, IntentState
    from kisdesk.simulator.faults import Fault, FaultKind

    session = await Session.open_demo(seed=7)
    session.intents.reconciler.settings = ReconcileSettings(grace_s=30.0)
    settings.setValue("orders/confirm", False)
    window = MainWindow(session, settings, secret_store=MemoryStore())
    window.resize(1320, 780)
    window.show()
    await window.check_connection()
    await window.start_intents()
    ticket = window.ticket
    for exchange, symbol, side, qty, price in DEMO_ORDERS[:3]:
        ticket.prefill(symbol, side, qty, Decimal(price), exchange=exchange)
        await settle(0.6)
        await ticket.submit()
    assert session._simulator is not None
    engine = session._simulator.engine
    engine.faults.add(Fault(FaultKind.REFLECTION_DELAY, seconds=120))
    engine.faults.add(Fault(FaultKind.DROP_AFTER, match="orders", count=1))
    ticket.prefill("MSFT", Side.BUY, 3, Decimal("410.00"), exchange=Exchange.NASD)
    await settle(0.6)
    await ticket.submit()  # UNKNOWN: the reconciler keeps looking for 30 s
    fp = Fingerprint(Exchange.NASD, "NVDA", Side.BUY, 5, Decimal("120.00"), OrderDivision.LIMIT)
    now = datetime.now(KST)
    ambiguous = Intent(
        "shot-ambiguous",
        IntentKind.ORDER,
        Env.DEMO,
        session.intents.account,
        fp,
        now,
        state=IntentState.AMBIGUOUS,
        candidates=("0030135101", "0030135102"),
        message="2 orders match",
    )
    session.intents._publish(ambiguous)  # screenshot only: shown as the service would show it
    window.tabs.setCurrentWidget(window.intents_panel)
    await settle(0.6)
    save(window, out, "intents_unknown")
    dialog = window.intents_panel.open_choice(ambiguous)
    dialog.list_widget.setCurrentRow(0)
    await settle()
    save(dialog, out, "intents_ambiguous")
    dialog.reject()
    window.tabs.setCurrentWidget(window.history_panel)
    await window.history_panel.refresh()
    await settle(0.6)
    save(window, out, "history")
    return window


Shooter = Callable[[Path, QSettings], Awaitable[MainWindow]]


def main(argv: list[str]) -> int:
    """Every screenshot set, each on a fresh window, session and settings file."""
    out = Path(argv[1] if len(argv) > 1 else "resources/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(argv[:1])
    load_app_font(app)
    real = SimServer(Engine(TrFamily.REAL))
    real_url = real.start()
    shooters: list[Shooter] = [
        lambda o, s: shoot(o, real_url, s),
        shoot_precautions,
        shoot_intents,
    ]
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        for shooter in shooters:
            install_language(Language.ENGLISH)
            _run_shooter(loop, shooter, out)
    finally:
        real.stop()
        loop.close()  # also stops the executor threads of asyncio.to_thread
        asyncio.set_event_loop(None)
    return 0


def _run_shooter(loop: asyncio.AbstractEventLoop, shooter: Shooter, out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = QSettings(str(Path(tmp) / "kisdesk.ini"), QSettings.Format.IniFormat)
        window = None
        try:
            window = loop.run_until_complete(shooter(out, settings))
            loop.run_until_complete(window.aclose())
        finally:
            if window is not None:
                window.close()
                shiboken6.delete(window)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
