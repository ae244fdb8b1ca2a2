"""Handlers of overseas order entry: v1_해외주식-001 order and v1_해외주식-003 revise/cancel.

Each request is checked in the order a back office would: wire format, TR ID against the venue and
side, order type for that TR, price rules, algo window, symbol, market hours, lot and tick, then
funds (in `Book`). The rules are overseas-order.md §1–§4 and §7 and overseas-revise-cancel.md; every
point the spec leaves open reads a named setting. Message codes are explained in `replies.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from kisdesk.api.enums import AlgoTiming, Exchange, Market, OrderDivision, ReviseCancel, Side, TrFamily
from kisdesk.api.registry import ALLOWED_DIVISIONS, CANCEL_ONLY_MARKETS, ORDER_TR, REVISE_CANCEL_TR
from kisdesk.api.venue_rules import (
    KST,
    board_lot,
    is_on_tick,
    is_order_window_open,
    next_regular_session,
    tick_size,
)
from kisdesk.simulator.book import BRANCH_NO, Book
from kisdesk.simulator.catalog import Instrument, find_overseas, overseas_or_placeholder
from kisdesk.simulator.protocol import AccountKey, CallContext, SimReply, ok
from kisdesk.simulator.records import AlgoWindow, OverseasOrder
from kisdesk.simulator.replies import (
    INVALID_INPUT,
    INVALID_MARKET,
    MARKET_CLOSED,
    ORDER_OK,
    RULE_VIOLATION,
    UNKNOWN_SYMBOL,
    Fields,
    RejectionError,
)


def _accepted(ctx: CallContext, order: OverseasOrder) -> SimReply:
    output = {
        "KRX_FWDG_ORD_ORGNO": BRANCH_NO,
        "ODNO": order.order_no,
        "ORD_TMD": ctx.now.astimezone(KST).strftime("%H%M%S"),  # KST, as PYKIS reads it
    }
    return SimReply(200, ok(ORDER_OK, "주문 전송 완료 되었습니다.", output=output), committed=True)


# --- new orders ----------------------------------------------------------------------------------


def order_reply(book: Book, ctx: CallContext, data: Mapping[str, Any]) -> SimReply:
    """POST /uapi/overseas-stock/v1/trading/order."""
    book.advance(ctx.now)
    f = Fields(data)
    account, exchange = f.account(), f.exchange()
    symbol = _symbol(f)
    qty = f.quantity("ORD_QTY")
    price = f.money("OVRS_ORD_UNPR", 31)
    f.text("CTAC_TLNO", 20, required=False)
    f.text("MGCO_APTM_ODNO", 12, required=False)
    if f.text("ORD_SVR_DVSN_CD", 1) != "0":
        raise RejectionError(INVALID_INPUT, '주문서버구분코드(ORD_SVR_DVSN_CD)는 "0"이어야 합니다.')
    if qty < 1:
        raise RejectionError(RULE_VIOLATION, "주문수량은 1주 이상이어야 합니다.")
    side = _side_of_tr(book, ctx.tr_id, exchange)
    division, sent = _division(book, f, exchange, side, ctx.tr_id)
    _check_price(division, price)
    _check_sell_type(f, side)
    algo = _algo_window(book, f, division, exchange, ctx.now)
    instrument = _instrument(book, exchange, symbol)
    _check_hours(book, exchange, ctx.now)
    _check_lot(book, instrument, side, division, qty)
    _check_tick(book, exchange, price)
    order = book.place_order(ctx, account, instrument, side, (division, sent), qty, price, algo, data)
    return _accepted(ctx, order)


def _symbol(f: Fields) -> str:
    symbol = f.text("PDNO", 12).strip()
    if not symbol:
        raise RejectionError(INVALID_INPUT, "상품번호(PDNO)를 입력하십시오.")
    return symbol


def _side_of_tr(book: Book, tr_id: str, exchange: Exchange) -> Side:
    """The order TR names the side (there is no side field); it must belong to the venue's market."""
    for (family, market, side), tr in ORDER_TR.items():
        if tr == tr_id and family is book.family:
            if market is not exchange.market:
                raise RejectionError(
                    INVALID_MARKET,
                    f"거래ID({tr_id})와 해외거래소코드({exchange.value})의 시장이 일치하지 않습니다.",
                )
            return side
    raise RejectionError(INVALID_MARKET, f"해외주식 주문 거래ID가 아닙니다({tr_id}).")


def _division(book: Book, f: Fields, exchange: Exchange, side: Side, tr_id: str) -> tuple[OrderDivision, str]:
    """The effective ORD_DVSN and what was sent. Blank is limit where §3 calls the field "removed"."""
    raw = f.text("ORD_DVSN", 2, required=False).strip()
    market = exchange.market
    if not raw:
        removed = market is not Market.US and not (market is Market.HK and side is Side.SELL)
        if removed and book.settings.accept_blank_division_outside_us_hk:
            return OrderDivision.LIMIT, ""
        raise RejectionError(INVALID_INPUT, "주문구분(ORD_DVSN)을 입력하십시오.")
    try:
        division = OrderDivision(raw)
    except ValueError as exc:
        raise RejectionError(RULE_VIOLATION, f"주문구분 코드 오류입니다(ORD_DVSN {raw}).") from exc
    if division not in ALLOWED_DIVISIONS[(book.family, market, side)]:
        if book.family is TrFamily.PAPER:
            raise RejectionError(RULE_VIOLATION, "모의투자에서는 지정가(00) 주문만 가능합니다.")
        raise RejectionError(
            RULE_VIOLATION, f"해당 거래ID({tr_id})에서 사용할 수 없는 주문구분입니다({raw})."
        )
    return division, raw


def _check_price(division: OrderDivision, price: Decimal) -> None:
    if division.is_market_type and price != 0:
        raise RejectionError(RULE_VIOLATION, '시장가(MOO/MOC) 주문은 주문단가를 "0"으로 입력하십시오.')
    if not division.is_market_type and price <= 0:
        raise RejectionError(RULE_VIOLATION, "주문단가를 0보다 크게 입력하십시오.")


def _check_sell_type(f: Fields, side: Side) -> None:
    sell_type = f.text("SLL_TYPE", 2, required=False).strip()
    if side is Side.SELL and sell_type != "00":
        raise RejectionError(INVALID_INPUT, '매도주문은 판매유형(SLL_TYPE) "00"을 입력하십시오.')
    if side is Side.BUY and sell_type:
        raise RejectionError(INVALID_INPUT, "매수주문은 판매유형(SLL_TYPE)을 입력하지 않습니다.")


def _algo_window(
    book: Book, f: Fields, division: OrderDivision, exchange: Exchange, now: datetime
) -> AlgoWindow | None:
    """§4: TWAP/VWAP need ALGO_ORD_TMD_DVSN_CD; 00 a START/END window, 02 runs to the regular close."""
    code = f.text("ALGO_ORD_TMD_DVSN_CD", 2, required=False).strip()
    start, end = f.hhmmss("START_TIME"), f.hhmmss("END_TIME")
    if not division.is_algo:
        if code or start or end:
            raise RejectionError(RULE_VIOLATION, "알고리즘 주문시간 항목은 TWAP/VWAP 주문에만 입력합니다.")
        return None
    if not code:
        raise RejectionError(INVALID_INPUT, "TWAP/VWAP 주문은 알고리즘주문시간구분코드를 입력하십시오.")
    try:
        timing = AlgoTiming(code)
    except ValueError as exc:
        raise RejectionError(RULE_VIOLATION, f"알고리즘주문시간구분코드 오류입니다({code}).") from exc
    session = next_regular_session(exchange, now)
    if timing is AlgoTiming.UNTIL_CLOSE:
        if start or end:
            raise RejectionError(
                RULE_VIOLATION, "정규장 종료까지(02) 주문은 시작/종료시간을 입력하지 않습니다."
            )
        return AlgoWindow(max(now, session[0]), session[1], "정규장 종료")
    if start is None or end is None:
        raise RejectionError(INVALID_INPUT, "시간지정(00) 주문은 시작시간과 종료시간을 입력하십시오.")
    return _explicit_window(book, exchange, session, start, end, now)


def _explicit_window(
    book: Book,
    exchange: Exchange,
    session: tuple[datetime, datetime],
    start: time,
    end: time,
    now: datetime,
) -> AlgoWindow:
    zone = KST if book.settings.algo_time_zone.upper() == "KST" else ZoneInfo(exchange.info.timezone)
    start_at, end_at = _on_session(start, session, zone), _on_session(end, session, zone)
    if start_at >= end_at:
        raise RejectionError(RULE_VIOLATION, "시작시간은 종료시간보다 빨라야 합니다.")
    cutoff_min = book.settings.algo_close_cutoff_min
    if end_at > session[1] - timedelta(minutes=cutoff_min):
        raise RejectionError(RULE_VIOLATION, f"종료시간은 정규장 마감 {cutoff_min}분 전까지 입력 가능합니다.")
    if end_at <= now:
        raise RejectionError(RULE_VIOLATION, "종료시간이 이미 지났습니다.")
    label = f"{start:%H:%M}~{end:%H:%M}"
    return AlgoWindow(max(start_at, session[0], now), end_at, label)


def _on_session(t: time, session: tuple[datetime, datetime], zone: ZoneInfo) -> datetime:
    """The occurrence of time-of-day `t` (in `zone`) nearest the session: windows may cross midnight."""
    mid = session[0] + (session[1] - session[0]) / 2
    base = mid.astimezone(zone).date()
    candidates = [datetime.combine(base + timedelta(days=k), t, zone) for k in (-1, 0, 1)]
    return min(candidates, key=lambda c: abs((c - mid).total_seconds()))


def _instrument(book: Book, exchange: Exchange, symbol: str) -> Instrument:
    found = find_overseas(exchange, symbol)
    if found is not None:
        return found
    if book.settings.accept_unknown_symbols:
        return overseas_or_placeholder(exchange, symbol)
    raise RejectionError(UNKNOWN_SYMBOL, f"해당 종목정보가 없습니다({exchange.value} {symbol}).")


def _check_hours(book: Book, exchange: Exchange, now: datetime) -> None:
    if book.settings.enforce_market_hours and not is_order_window_open(exchange, now):
        raise RejectionError(MARKET_CLOSED, f"주문가능시간이 아닙니다({exchange.value} 장운영시간 외).")


def _check_lot(book: Book, inst: Instrument, side: Side, division: OrderDivision, qty: int) -> None:
    if not book.settings.enforce_lots:
        return
    exchange = inst.exchange
    assert exchange is not None
    lot = board_lot(exchange, side, inst.symbol)
    if division is OrderDivision.ODD_LOT:
        if qty >= lot:
            raise RejectionError(RULE_VIOLATION, f"단주 주문수량은 매매단위({lot}주) 미만이어야 합니다.")
    elif qty % lot:
        raise RejectionError(RULE_VIOLATION, f"주문수량은 매매단위({lot}주)의 배수로 입력하십시오.")


def _check_tick(book: Book, exchange: Exchange, price: Decimal) -> None:
    if not book.settings.enforce_ticks or price == 0:
        return
    tick = tick_size(exchange, price)
    if not is_on_tick(tick, price):
        raise RejectionError(RULE_VIOLATION, f"호가단위 오류입니다(호가단위 {tick}).")


# --- revise / cancel -----------------------------------------------------------------------------


def revise_cancel_reply(book: Book, ctx: CallContext, data: Mapping[str, Any]) -> SimReply:
    """POST /uapi/overseas-stock/v1/trading/order-rvsecncl."""
    book.advance(ctx.now)
    f = Fields(data)
    account, exchange = f.account(), f.exchange()
    symbol = _symbol(f)
    original_no = f.text("ORGN_ODNO", 10).strip()
    action = _action(f)
    qty = f.quantity("ORD_QTY")
    price = f.money("OVRS_ORD_UNPR", 32)
    f.text("MGCO_APTM_ODNO", 12, required=False)
    if f.text("ORD_SVR_DVSN_CD", 1, required=False) not in ("", "0"):
        raise RejectionError(INVALID_INPUT, '주문서버구분코드(ORD_SVR_DVSN_CD)는 "0"이어야 합니다.')
    _check_revise_cancel_tr(book, ctx.tr_id, exchange)
    if action is ReviseCancel.REVISE and exchange.market in CANCEL_ONLY_MARKETS:
        raise RejectionError(RULE_VIOLATION, f"{exchange.value} 시장은 정정주문이 불가합니다(취소만 가능).")
    target = _target(book, account, original_no, exchange, symbol)
    _check_hours(book, exchange, ctx.now)
    if action is ReviseCancel.CANCEL:
        # The spec sends price "0" on a cancel; OTA-PM sends the original price. Either is accepted.
        if target.division.is_algo and not book.settings.algo_cancel_allowed:
            raise RejectionError(RULE_VIOLATION, "TWAP, VWAP 주문은 취소할 수 없습니다.")
        return _accepted(ctx, book.cancel(ctx, target, qty, data))
    _check_revise(book, target, qty, price)
    return _accepted(ctx, book.revise(ctx, target, qty, price, data))


def _action(f: Fields) -> ReviseCancel:
    raw = f.text("RVSE_CNCL_DVSN_CD", 2).strip()
    try:
        return ReviseCancel(raw)
    except ValueError as exc:
        raise RejectionError(
            INVALID_INPUT, f"정정취소구분코드 오류입니다(RVSE_CNCL_DVSN_CD {raw!r})."
        ) from exc


def _check_revise_cancel_tr(book: Book, tr_id: str, exchange: Exchange) -> None:
    """The per-market TR of overseas-revise-cancel.md §1; the US TR for every market if settings allow."""
    if tr_id == REVISE_CANCEL_TR[(book.family, exchange.market)]:
        return
    us_tr = REVISE_CANCEL_TR[(book.family, Market.US)]
    if tr_id == us_tr and book.settings.us_revise_tr_for_other_markets:
        return
    if tr_id in REVISE_CANCEL_TR.values():
        raise RejectionError(
            INVALID_MARKET, f"거래ID({tr_id})와 해외거래소코드({exchange.value})의 시장이 일치하지 않습니다."
        )
    raise RejectionError(INVALID_MARKET, f"해외주식 정정취소 거래ID가 아닙니다({tr_id}).")


def _target(
    book: Book, account: AccountKey, original_no: str, exchange: Exchange, symbol: str
) -> OverseasOrder:
    target = book.find_order(account, original_no)
    if target is None:
        raise RejectionError(RULE_VIOLATION, f"원주문번호가 존재하지 않습니다({original_no}).")
    if target.exchange is not exchange or target.instrument.symbol != symbol:
        raise RejectionError(RULE_VIOLATION, "원주문의 거래소 또는 종목과 일치하지 않습니다.")
    if target.kind is ReviseCancel.CANCEL:
        raise RejectionError(RULE_VIOLATION, "취소주문은 정정/취소할 수 없습니다.")
    if target.open_qty == 0:
        raise RejectionError(RULE_VIOLATION, _closed_reason(target))
    return target


def _closed_reason(target: OverseasOrder) -> str:
    if target.closed_by == "cancel":
        return "이미 취소된 주문입니다."
    if target.closed_by == "revise":
        return "이미 정정된 주문입니다. 정정주문의 주문번호로 다시 요청하십시오."
    if target.closed_by == "expire":
        return "주문기간이 종료된 주문입니다."
    return "이미 체결된 주문입니다."


def _check_revise(book: Book, target: OverseasOrder, qty: int, price: Decimal) -> None:
    if target.division.is_algo:
        raise RejectionError(RULE_VIOLATION, "TWAP, VWAP 주문은 정정할 수 없습니다.")
    if qty < 1:
        raise RejectionError(RULE_VIOLATION, "정정수량은 1주 이상이어야 합니다.")
    if qty > target.open_qty and not book.settings.revise_may_increase_qty:
        raise RejectionError(RULE_VIOLATION, f"정정수량이 정정가능수량({target.open_qty}주)을 초과합니다.")
    _check_price(target.division, price)
    _check_lot(book, target.instrument, target.side, target.division, qty)
    _check_tick(book, target.exchange, price)
