"""Handlers of the overseas read-only APIs: inquire-nccs (pending), inquire-ccnl (order history),
inquire-psamount (buying power) and the price quote (overseas-pending-and-fills.md §1–§4).

Rows carry every field the spec lists, with the lowercase keys of `kisdesk.api.models.inquiry`.
Paging follows README.md § Paging; the NK key is the last returned order number, so a page is stable
while orders come and go between calls. A page walks the account's rows from the cursor
(`replies.page_after`): its cost does not grow with the pages before it. Rows accepted less than
`book.visibility_delay_s` ago are left out (a fault knob).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any, Final

from kisdesk.api.enums import US_EXCHANGES, Exchange, ReviseCancel, Side, TrFamily
from kisdesk.api.models.inquiry import HistoryRow
from kisdesk.api.venue_rules import KST, board_lot, max_decimals
from kisdesk.simulator.book import BRANCH_NO, Book
from kisdesk.simulator.catalog import exchange_for_quote_code, find_overseas, overseas_or_placeholder
from kisdesk.simulator.protocol import CallContext, SimReply, envelope, ok
from kisdesk.simulator.records import OverseasOrder
from kisdesk.simulator.replies import (
    INQUIRY_OK,
    INVALID_INPUT,
    INVALID_MARKET,
    NO_DATA,
    QUOTE_OK,
    UNKNOWN_SYMBOL,
    Fields,
    RejectionError,
    fmt,
    is_continuation,
    page_after,
    paged_reply,
)

_SIDE_NAME: Final = {Side.SELL: "매도", Side.BUY: "매수"}
_RC_NAME: Final = {ReviseCancel.REVISE: "정정", ReviseCancel.CANCEL: "취소"}


# --- rows ----------------------------------------------------------------------------------------


def _row_core(order: OverseasOrder) -> dict[str, str]:
    """Fields inquire-nccs and inquire-ccnl share, under the same names."""
    info = order.exchange.info
    return {
        "ord_dt": order.local_date.strftime("%Y%m%d"),
        "ord_gno_brno": BRANCH_NO,
        "odno": order.order_no,
        "orgn_odno": order.original_no,
        "pdno": order.instrument.symbol,
        "prdt_name": order.instrument.name_ko,
        "sll_buy_dvsn_cd": order.side.value,
        "sll_buy_dvsn_cd_name": _SIDE_NAME[order.side],
        "rjct_rson": "",
        "rjct_rson_name": "",
        "ord_tmd": order.accepted_at.astimezone(KST).strftime("%H%M%S"),  # KST (UNCERTAIN in spec)
        "tr_mket_name": info.market_name,
        "tr_crcy_cd": info.currency,
        "ft_ord_qty": str(order.qty),
        "ft_ccld_qty": str(order.filled_qty),
        "nccs_qty": str(order.open_qty),
        "ft_ord_unpr3": fmt(order.price, 8),
        "ft_ccld_unpr3": fmt(order.avg_fill_price, 8),
        "ft_ccld_amt3": fmt(order.filled_amount, 5),
        "ovrs_excg_cd": order.exchange.value,
        "loan_type_cd": "10",  # 현금: the simulator has no credit orders
        "loan_dt": "",
        "usa_amk_exts_rqst_yn": "N",
        "splt_buy_attr_name": order.algo.label if order.algo else "",
    }


def pending_row(order: OverseasOrder) -> dict[str, str]:
    info = order.exchange.info
    return {
        **_row_core(order),
        "rvse_cncl_dvsn_cd": order.kind.value if order.kind else "00",
        "rvse_cncl_dvsn_cd_name": _RC_NAME[order.kind] if order.kind else "",
        "natn_cd": info.country_code,
        "natn_kor_name": info.country_name,
        "prcs_stat_name": "",  # the spec says this API leaves it blank
    }


def history_row(book: Book, order: OverseasOrder) -> dict[str, str]:
    info = order.exchange.info
    return {
        **_row_core(order),
        "rvse_cncl_dvsn": order.kind.value if order.kind else "00",
        "rvse_cncl_dvsn_name": _RC_NAME[order.kind] if order.kind else "",
        "prcs_stat_name": _status_name(book, order),
        "tr_natn": info.country_code,
        "tr_natn_name": info.country_name,
        "dmst_ord_dt": order.accepted_at.astimezone(KST).strftime("%Y%m%d"),
        "thco_ord_tmd": order.accepted_at.astimezone(KST).strftime("%H%M%S"),
        "mdia_dvsn_name": "OpenAPI",
    }


def _status_name(book: Book, order: OverseasOrder) -> str:
    """전송 until the exchange has seen the row (the first price step after it), then 완료."""
    clock = book.clock
    if clock is None or (clock - order.accepted_at).total_seconds() < book.prices.tick_seconds:
        return "전송"
    return "완료"


# An empty inquire-ccnl answers one object whose every field is blank (the spec's field list, which
# the client's HistoryRow model mirrors).
_BLANK_HISTORY_ROW: Final = {(f.alias or name): "" for name, f in HistoryRow.model_fields.items()}


def _venue_matches(query: str, exchange: Exchange) -> bool:
    """ "NASD" means all three US venues; blank or "%" means every venue."""
    query = query.strip()
    if query in ("", "%"):
        return True
    if query == Exchange.NASD.value:
        return exchange in US_EXCHANGES
    return query == exchange.value


def _order_number(order: OverseasOrder) -> int:
    return int(order.order_no)


# --- inquire-nccs --------------------------------------------------------------------------------


def pending_reply(book: Book, ctx: CallContext, data: Mapping[str, Any]) -> SimReply:
    """GET /uapi/overseas-stock/v1/trading/inquire-nccs."""
    settings = book.settings
    if book.family is TrFamily.PAPER and not settings.paper_supports_nccs:
        body = envelope("1", settings.paper_unsupported_code, "모의투자에서는 해당업무가 제공되지 않습니다.")
        return SimReply(settings.paper_unsupported_status, body)
    book.advance(ctx.now)
    f = Fields(data)
    account = f.account()
    venue = f.text("OVRS_EXCG_CD", 4, required=False).strip()
    sort = f.text("SORT_SQN", 2, required=False).strip()
    f.text("CTX_AREA_FK200", 200, required=False)  # echoed back by clients; the NK alone is the cursor
    nk = f.text("CTX_AREA_NK200", 200, required=False)
    descending = sort != "DS"  # DS = 정순; anything else (the spec's blank included) = 역순

    def wanted(o: OverseasOrder) -> bool:
        return o.open_qty > 0 and _venue_matches(venue, o.exchange) and book.visible(o.accepted_at, ctx.now)

    cursor = nk if is_continuation(ctx.tr_cont, nk) else ""
    rows = book.account_orders(account)
    page, more = page_after(rows, _order_number, cursor, descending, settings.nccs_page_size, wanted)
    return paged_reply(
        settings,
        rows=[pending_row(o) for o in page],
        fk=f"{account.cano}^{account.product}^{venue}^{sort}^",
        nk=f"{page[-1].order_no}^" if page else "",
        more=more,
        msg_cd=INQUIRY_OK,
        msg1="조회가 완료되었습니다.",
    )


# --- inquire-ccnl --------------------------------------------------------------------------------


def history_reply(book: Book, ctx: CallContext, data: Mapping[str, Any]) -> SimReply:
    """GET /uapi/overseas-stock/v1/trading/inquire-ccnl."""
    settings = book.settings
    book.advance(ctx.now)
    f = Fields(data)
    account = f.account()
    symbol = f.text("PDNO", 12).strip()
    start, end = f.day("ORD_STRT_DT"), f.day("ORD_END_DT")
    side, fill_state = _two_digit(f, "SLL_BUY_DVSN"), _two_digit(f, "CCLD_NCCS_DVSN")
    venue = f.text("OVRS_EXCG_CD", 4).strip()
    sort = f.text("SORT_SQN", 2, required=False).strip() or "DS"
    for key, label in (("ORD_DT", "주문일자"), ("ORD_GNO_BRNO", "주문채번지점번호"), ("ODNO", "주문번호")):
        if f.text(key, 10, required=False).strip():
            raise RejectionError(INVALID_INPUT, f"{label}({key})는 공백으로 입력하십시오.")
    f.text("CTX_AREA_FK200", 200, required=False)
    nk = f.text("CTX_AREA_NK200", 200, required=False)
    if book.family is TrFamily.PAPER:
        _check_paper_filters(symbol, side, fill_state, venue)
        sort = "DS"  # paper ignores SORT_SQN
    descending = sort == "AS"

    def wanted(o: OverseasOrder) -> bool:
        visible = book.visible(o.accepted_at, ctx.now)
        return visible and _history_match(o, symbol, start, end, side, fill_state, venue)

    cursor = nk if is_continuation(ctx.tr_cont, nk) else ""
    size = settings.ccnl_page_size_paper if book.family is TrFamily.PAPER else settings.ccnl_page_size_real
    page, more = page_after(book.account_orders(account), _order_number, cursor, descending, size, wanted)
    out: list[dict[str, str]] | dict[str, str] = [history_row(book, o) for o in page]
    if not page and settings.empty_ccnl_as_blank_object:
        out = dict(_BLANK_HISTORY_ROW)
    return paged_reply(
        settings,
        rows=out,
        fk=f"{account.cano}^{account.product}^{symbol}^{start:%Y%m%d}^{end:%Y%m%d}^{side}^{fill_state}^{venue}^",
        nk=f"{page[-1].order_no}^" if page else "",
        more=more,
        msg_cd=INQUIRY_OK if page else NO_DATA,
        msg1="조회가 완료되었습니다." if page else "조회할 내용이 없습니다.",
    )


def _two_digit(f: Fields, key: str) -> str:
    value = f.text(key, 2).strip()
    if value not in ("00", "01", "02"):
        raise RejectionError(INVALID_INPUT, f"{key} 입력값 오류입니다({value!r}): 00, 01, 02 중 하나입니다.")
    return value


def _check_paper_filters(symbol: str, side: str, fill_state: str, venue: str) -> None:
    """Paper answers only the "all" values of every filter (overseas-pending-and-fills.md §2.1)."""
    if symbol or side != "00" or fill_state != "00" or venue:
        raise RejectionError(
            INVALID_INPUT,
            "모의투자에서는 전체 조회만 가능합니다(PDNO·OVRS_EXCG_CD 공백, SLL_BUY_DVSN·CCLD_NCCS_DVSN 00).",
        )


def _history_match(
    o: OverseasOrder, symbol: str, start: date, end: date, side: str, fill_state: str, venue: str
) -> bool:
    if not start <= o.local_date <= end or not _venue_matches(venue, o.exchange):
        return False
    if symbol not in ("", "%") and o.instrument.symbol != symbol:
        return False
    if side != "00" and o.side.value != side:
        return False
    if fill_state == "01":
        return o.filled_qty > 0
    return fill_state != "02" or o.open_qty > 0


# --- inquire-psamount ----------------------------------------------------------------------------


def buying_power_reply(book: Book, ctx: CallContext, data: Mapping[str, Any]) -> SimReply:
    """GET /uapi/overseas-stock/v1/trading/inquire-psamount."""
    settings = book.settings
    book.advance(ctx.now)
    f = Fields(data)
    account, exchange = f.account(), f.exchange()
    price = f.money("OVRS_ORD_UNPR", 27)
    symbol = f.text("ITEM_CD", 12).strip()
    inst = find_overseas(exchange, symbol)
    if inst is None:
        if not settings.accept_unknown_symbols:
            raise RejectionError(UNKNOWN_SYMBOL, f"해당 종목정보가 없습니다({exchange.value} {symbol}).")
        inst = overseas_or_placeholder(exchange, symbol)
    unit = price if price > 0 else book.prices.price(inst, ctx.now)
    acct = book.account(account)
    currency = inst.currency
    own = acct.available_cash(currency)
    rate = settings.exchange_rates.get(currency, Decimal(1))
    krw_as_foreign = (acct.available_cash("KRW") / rate).quantize(Decimal("0.01"), ROUND_DOWN)
    integrated = own + krw_as_foreign
    lot = board_lot(exchange, Side.BUY, symbol)
    own_qty, int_qty = _max_qty(own, unit, lot), _max_qty(integrated, unit, lot)
    output = {
        "tr_crcy_cd": currency,
        "ord_psbl_frcr_amt": fmt(own, 2),
        "sll_ruse_psbl_amt": "0.00",
        "ovrs_ord_psbl_amt": fmt(own, 2),
        "max_ord_psbl_qty": str(own_qty),
        "echm_af_ord_psbl_amt": "0.00",
        "echm_af_ord_psbl_qty": "0",
        "ord_psbl_qty": str(own_qty),
        "exrt": fmt(rate, 6),
        "frcr_ord_psbl_amt1": fmt(integrated, 2),
        "ovrs_max_ord_psbl_qty": str(int_qty),
    }
    return SimReply(200, ok(INQUIRY_OK, "조회가 완료되었습니다.", output=output))


def _max_qty(amount: Decimal, unit: Decimal, lot: int) -> int:
    """Whole lots the amount buys: the spec truncates to the trading unit (545 → 500 for lot 100)."""
    if unit <= 0 or amount <= 0:
        return 0
    return int(amount / unit) // lot * lot


# --- price ---------------------------------------------------------------------------------------


def price_reply(book: Book, ctx: CallContext, data: Mapping[str, Any]) -> SimReply:
    """GET /uapi/overseas-price/v1/quotations/price."""
    settings = book.settings
    f = Fields(data)
    f.text("AUTH", 32, required=False)
    code = f.text("EXCD", 4).strip()
    symbol = f.text("SYMB", 16).strip()
    exchange = exchange_for_quote_code(code)
    if exchange is None:
        raise RejectionError(INVALID_MARKET, f"거래소코드(EXCD) 오류입니다({code!r}).")
    inst = find_overseas(exchange, symbol)
    if inst is None:
        if not settings.price_unknown_symbol_blank:
            raise RejectionError(UNKNOWN_SYMBOL, f"해당 종목정보가 없습니다({code} {symbol}).")
        blank = dict.fromkeys(("rsym", "zdiv", "base", "pvol", "last", "sign", "diff", "rate"), "")
        blank |= {"tvol": "", "tamt": "", "ordy": ""}
        return SimReply(200, ok(QUOTE_OK, "정상처리 되었습니다.", output=blank))
    prices = book.prices
    last, base = prices.price(inst, ctx.now), prices.previous_close(inst, ctx.now)
    decimals = max_decimals(exchange, last)
    volume = prices.volume(inst, ctx.now)
    day_start = prices.step_time(prices.step_of(ctx.now)[0], 0)
    prev_volume = prices.volume(inst, day_start - timedelta(seconds=prices.tick_seconds))
    rate = (last - base) / base * 100
    output = {
        "rsym": f"D{code}{symbol}",
        "zdiv": str(decimals),
        "base": fmt(base, decimals),
        "pvol": str(prev_volume),
        "last": fmt(last, decimals),
        "sign": "2" if last > base else "5" if last < base else "3",
        "diff": fmt(abs(last - base), decimals),
        "rate": f"{rate: .2f}",  # a leading space or minus, as in KIS examples
        "tvol": str(volume),
        "tamt": str(int(volume * last)),
        "ordy": "매수가능",
    }
    return SimReply(200, ok(QUOTE_OK, "정상처리 되었습니다.", output=output))
