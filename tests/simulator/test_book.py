"""The living book: accounts, fills over time against the price paths, determinism, algo schedules."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from kisdesk.api.enums import Exchange, TrFamily
from kisdesk.api.registry import ENDPOINTS, ApiId
from kisdesk.api.venue_rules import KST
from kisdesk.simulator.book import Book
from kisdesk.simulator.catalog import DOMESTIC, OVERSEAS
from kisdesk.simulator.protocol import AccountKey, CallContext
from kisdesk.simulator.records import OverseasOrder
from kisdesk.simulator.routes import routes
from kisdesk.simulator.settings import SimSettings

T0 = datetime(2026, 11, 24, 0, 30, tzinfo=KST)  # US regular session (Monday in New York)
KEY = AccountKey("50123456", "01")
ACCT = {"CANO": KEY.cano, "ACNT_PRDT_CD": KEY.product}
AAPL = OVERSEAS[(Exchange.NASD, "AAPL")]


def new_book(**settings: Any) -> Book:
    return Book(TrFamily.REAL, SimSettings(**settings))


def place(book: Book, now: datetime, tr_id: str = "TTTT1002U", **fields: str) -> OverseasOrder:
    body = {
        **ACCT,
        "OVRS_EXCG_CD": "NASD",
        "PDNO": "AAPL",
        "ORD_QTY": "10",
        "OVRS_ORD_UNPR": "150.00",
        "ORD_SVR_DVSN_CD": "0",
        "ORD_DVSN": "00",
        **fields,
    }
    endpoint = ENDPOINTS[ApiId.OVERSEAS_ORDER]
    reply = routes(book)[(endpoint.method, endpoint.path)](
        CallContext(TrFamily.REAL, tr_id, "", "k", now), body
    )
    assert reply.body["rt_cd"] == "0", reply.body
    found = book.find_order(KEY, reply.body["output"]["ODNO"])
    assert found is not None
    return found


def marketable_buy_price(book: Book, at: datetime) -> str:
    """A limit safely above the market for the next hour."""
    return f"{book.prices.price(AAPL, at) * Decimal('1.2'):.2f}"


def fill_history(book: Book, order: OverseasOrder, start: datetime, seconds: int) -> list[int]:
    history = []
    for s in range(1, seconds + 1):
        book.advance(start + timedelta(seconds=s))
        history.append(order.filled_qty)
    return history


def test_accounts_open_with_the_starting_cash_and_positions() -> None:
    book = new_book(starting_position=250)
    acct = book.account(KEY)
    assert acct.cash["USD"] == Decimal("100000")
    assert acct.cash["KRW"] == Decimal("100000000")
    assert acct.positions[AAPL.key] == 250
    assert acct.positions[DOMESTIC["005930"].key] == 250
    assert book.account(KEY) is acct


def test_marketable_limit_fills_partially_over_several_steps() -> None:
    book = new_book(check_buying_power=False)
    order = place(book, T0, ORD_QTY="400", OVRS_ORD_UNPR=marketable_buy_price(book, T0))
    history = fill_history(book, order, T0, 600)
    assert history[-1] == 400
    partial_states = {q for q in history if 0 < q < 400}
    assert len(partial_states) >= 2  # several partial fills, not one block
    assert history == sorted(history)
    acct = book.account(KEY)
    assert acct.cash["USD"] == Decimal("100000") - order.filled_amount
    assert acct.reserved_cash["USD"] == 0
    assert acct.positions[AAPL.key] == 1000 + 400
    assert order.open_qty == 0


def test_fills_happen_at_step_prices_never_worse_than_the_limit() -> None:
    book = new_book()
    limit = book.prices.price(AAPL, T0) + Decimal("0.30")
    order = place(book, T0, ORD_QTY="200", OVRS_ORD_UNPR=f"{limit:.2f}")
    book.advance(T0 + timedelta(hours=2))
    if order.filled_qty:
        assert order.avg_fill_price <= limit


def test_unmarketable_limit_does_not_fill() -> None:
    book = new_book(fill_probability=1.0)
    order = place(book, T0, OVRS_ORD_UNPR="100.00")
    book.advance(T0 + timedelta(hours=1))
    assert order.filled_qty == 0
    assert book.account(KEY).reserved_cash["USD"] == Decimal("1000.00")


def test_nothing_fills_before_the_next_step() -> None:
    book = new_book(fill_probability=1.0, tick_seconds=10.0)
    order = place(book, T0, ORD_QTY="1", OVRS_ORD_UNPR=marketable_buy_price(book, T0))
    book.advance(T0 + timedelta(seconds=9))
    assert order.filled_qty == 0
    book.advance(T0 + timedelta(seconds=10))
    assert order.filled_qty == 1


def test_moo_and_moc_fill_completely_at_the_next_step_price() -> None:
    book = new_book()
    moo = place(book, T0, "TTTT1006U", ORD_DVSN="31", OVRS_ORD_UNPR="0", ORD_QTY="7", SLL_TYPE="00")
    moc = place(book, T0, "TTTT1006U", ORD_DVSN="33", OVRS_ORD_UNPR="0", ORD_QTY="3", SLL_TYPE="00")
    book.advance(T0 + timedelta(seconds=1))
    step_price = book.prices.price(AAPL, T0 + timedelta(seconds=1))
    assert (moo.filled_qty, moo.avg_fill_price) == (7, step_price)
    assert (moc.filled_qty, moc.avg_fill_price) == (3, step_price)
    assert book.account(KEY).cash["USD"] == Decimal("100000") + 10 * step_price
    assert book.account(KEY).positions[AAPL.key] == 990


def _run(seed: int, chunks: list[int]) -> list[tuple[int, Decimal]]:
    book = new_book(seed=seed, check_buying_power=False)
    price = marketable_buy_price(book, T0)
    orders = [place(book, T0, ORD_QTY="150", OVRS_ORD_UNPR=price) for _ in range(3)]
    now = T0
    for chunk in chunks:
        now += timedelta(seconds=chunk)
        book.advance(now)
    return [(o.filled_qty, o.filled_amount) for o in orders]


def test_same_seed_gives_the_same_fills_however_often_advance_is_called() -> None:
    one_jump = _run(42, [40])
    many_steps = _run(42, [1] * 40)
    uneven = _run(42, [3, 0, 7, 13, 17])
    assert one_jump == many_steps == uneven
    assert sum(q for q, _ in one_jump) > 0


def test_different_seeds_give_different_fills() -> None:
    assert _run(1, [40]) != _run(2, [40])


def test_orders_of_one_book_fill_independently() -> None:
    fills = _run(42, [20])
    assert len({q for q, _ in fills}) > 1  # same terms, own RNG each: different progress


def test_twap_until_close_fills_evenly_and_completes_at_the_close() -> None:
    book = new_book()
    close = datetime(2026, 11, 24, 6, 0, tzinfo=KST)
    order = place(book, T0, ORD_DVSN="35", ALGO_ORD_TMD_DVSN_CD="02", ORD_QTY="90", OVRS_ORD_UNPR="900.00")
    middle = T0 + (close - T0) / 2
    book.advance(middle)
    assert 44 <= order.filled_qty <= 45
    book.advance(T0 + (close - T0) / 3)  # the past: nothing changes
    assert 44 <= order.filled_qty <= 45
    book.advance(close + timedelta(seconds=1))
    assert order.filled_qty == 90
    assert order.open_qty == 0


def test_vwap_explicit_window_waits_for_its_start() -> None:
    book = new_book()
    window = {"ALGO_ORD_TMD_DVSN_CD": "00", "START_TIME": "020000", "END_TIME": "030000"}
    order = place(book, T0, ORD_DVSN="36", ORD_QTY="60", OVRS_ORD_UNPR="900.00", **window)
    book.advance(datetime(2026, 11, 24, 1, 59, tzinfo=KST))
    assert order.filled_qty == 0
    book.advance(datetime(2026, 11, 24, 2, 30, tzinfo=KST))
    assert order.filled_qty == 30
    book.advance(datetime(2026, 11, 24, 3, 0, 1, tzinfo=KST))
    assert order.filled_qty == 60


def test_twap_remainder_expires_when_the_price_never_allows_it() -> None:
    book = new_book()
    window = {"ALGO_ORD_TMD_DVSN_CD": "00", "START_TIME": "010000", "END_TIME": "011000"}
    order = place(book, T0, ORD_DVSN="35", ORD_QTY="10", OVRS_ORD_UNPR="100.00", **window)
    book.advance(datetime(2026, 11, 24, 1, 10, 1, tzinfo=KST))
    assert (order.filled_qty, order.open_qty, order.closed_by) == (0, 0, "expire")
    assert book.account(KEY).reserved_cash["USD"] == 0


def test_enforced_hours_gate_the_fills() -> None:
    book = new_book(fill_probability=1.0)
    lunch = datetime(2026, 11, 24, 11, 40, tzinfo=KST)
    body = {"OVRS_EXCG_CD": "TKSE", "PDNO": "7203", "ORD_QTY": "100", "OVRS_ORD_UNPR": "9000"}
    order = place(book, lunch, "TTTS0308U", **body)
    book.settings.enforce_market_hours = True
    book.advance(datetime(2026, 11, 24, 12, 29, 59, tzinfo=KST))
    assert order.filled_qty == 0
    book.advance(datetime(2026, 11, 24, 12, 30, 1, tzinfo=KST))
    assert order.filled_qty == 100


def test_hours_not_enforced_trade_around_the_clock() -> None:
    book = new_book(fill_probability=1.0)
    night = datetime(2026, 11, 24, 2, 0, tzinfo=KST)  # Tokyo is closed
    order = place(
        book, night, "TTTS0308U", OVRS_EXCG_CD="TKSE", PDNO="7203", ORD_QTY="100", OVRS_ORD_UNPR="9000"
    )
    book.advance(night + timedelta(seconds=1))
    assert order.filled_qty == 100


def test_advance_never_goes_back() -> None:
    book = new_book()
    book.advance(T0)
    book.advance(T0 - timedelta(hours=1))
    assert book.clock == T0


def test_ledger_is_a_copy_of_accepted_requests() -> None:
    book = new_book()
    place(book, T0)
    ledger = book.ledger()
    ledger.clear()
    (entry,) = book.ledger()
    assert (entry.kind, entry.tr_id, entry.account) == ("order", "TTTT1002U", KEY)
    assert entry.fields["OVRS_ORD_UNPR"] == "150.00"


def test_visibility_window() -> None:
    book = new_book()
    book.visibility_delay_s = 2.5
    assert not book.visible(T0, T0 + timedelta(seconds=2))
    assert book.visible(T0, T0 + timedelta(seconds=2.5))
