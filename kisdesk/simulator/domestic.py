"""Handlers of the domestic reservation APIs (domestic-reservation.md): order-resv (CTSC0008U),
order-resv-ccnl (CTSC0004R) and order-resv-rvsecncl (CTSC0009U cancel, CTSC0013U revise).

Real trading only: on the paper host they answer settings.paper_unsupported_code. A reservation is
identified by (CANO, ACNT_PRDT_CD, RSVN_ORD_SEQ); its processing date (rsvn_ord_ord_dt) is the next
KRX business day, and `Book.advance` sends it at that day's open (`matching.py`). The success code
of order-resv is not documented; APBK0013 ("order sent", used by every order-type API) is used.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Final, TypeVar

from kisdesk.api.enums import BalanceKind, ResvOrderDivision, ReviseCancel, Side, TrFamily
from kisdesk.api.registry import RESV_REVISE_CANCEL_TR
from kisdesk.api.venue_rules import KST, reservation_order_date, reservation_window_open
from kisdesk.simulator.book import BRANCH_NO, Book
from kisdesk.simulator.catalog import Instrument, domestic_or_placeholder, find_domestic
from kisdesk.simulator.protocol import AccountKey, Business, CallContext, SimReply, envelope, ok
from kisdesk.simulator.records import Reservation
from kisdesk.simulator.replies import (
    INQUIRY_LAST,
    INQUIRY_OK,
    INVALID_INPUT,
    INVALID_MARKET,
    ORDER_OK,
    RESV_CHANGE_OK,
    RESV_WINDOW_CLOSED,
    RULE_VIOLATION,
    UNKNOWN_SYMBOL,
    Fields,
    RejectionError,
    fmt,
    is_continuation,
    page_after,
    paged_reply,
)

_E = TypeVar("_E", Side, ResvOrderDivision, BalanceKind)
_PDNO: Final = re.compile(r"^Q?\d{6}$")  # 6-digit code; ETNs start with Q
_MAX_PERIOD_DAYS: Final = 30
_DIVISION_NAME: Final = {
    ResvOrderDivision.LIMIT: "지정가",
    ResvOrderDivision.MARKET: "시장가",
    ResvOrderDivision.CONDITIONAL_LIMIT: "조건부지정가",
    ResvOrderDivision.PRE_MARKET: "장전시간외",
}
_CHANNEL: Final = "31"  # tmnl_mdia_kind_cd of the XLSX-EXPORT example row


def real_only(run: Business) -> Business:
    """Wrap a reservation handler: KIS offers these in real trading only ("모의투자 사용 불가").

    The gateway already refuses the paper host's missing TR; this keeps the book itself honest when a
    handler is driven directly.
    """

    def guarded(book: Book, ctx: CallContext, data: Mapping[str, Any]) -> SimReply:
        settings = book.settings
        if book.family is TrFamily.PAPER:
            msg = "모의투자에서는 해당업무가 제공되지 않습니다."
            return SimReply(
                settings.paper_unsupported_status, envelope("1", settings.paper_unsupported_code, msg)
            )
        book.advance(ctx.now)
        return run(book, ctx, data)

    return guarded


@dataclass(frozen=True)
class _Terms:
    instrument: Instrument
    qty: int
    price: Decimal
    side: Side
    division: ResvOrderDivision
    balance: BalanceKind
    loan_date: str
    end_date: date | None


def _terms(book: Book, f: Fields) -> _Terms:
    """The order fields a new reservation and a revise share (§1.1, §3.1)."""
    symbol = f.text("PDNO", 12).strip()
    if not _PDNO.match(symbol):
        raise RejectionError(INVALID_INPUT, f"종목코드(PDNO) 형식 오류입니다({symbol!r}).")
    inst = find_domestic(symbol)
    if inst is None and not book.settings.accept_unknown_symbols:
        raise RejectionError(UNKNOWN_SYMBOL, f"해당 종목정보가 없습니다({symbol}).")
    qty, price = f.quantity("ORD_QTY"), f.money("ORD_UNPR", 19)
    side = _code(Side, f.text("SLL_BUY_DVSN_CD", 2), "매도매수구분코드")
    division = _code(ResvOrderDivision, f.text("ORD_DVSN_CD", 2), "주문구분코드")
    balance = _code(BalanceKind, f.text("ORD_OBJT_CBLC_DVSN_CD", 2), "주문대상잔고구분코드")
    loan = f.day_or_none("LOAN_DT")
    end = f.day_or_none("RSVN_ORD_END_DT")
    if qty < 1:
        raise RejectionError(RULE_VIOLATION, "주문수량은 1주 이상이어야 합니다.")
    if side is Side.BUY and balance is not BalanceKind.CASH:
        raise RejectionError(RULE_VIOLATION, "매수 예약주문은 현금(10) 잔고만 가능합니다.")
    if division.is_market_type and price != 0:
        raise RejectionError(RULE_VIOLATION, '시장가·장전시간외 예약주문은 주문단가를 "0"으로 입력하십시오.')
    if not division.is_market_type and price <= 0:
        raise RejectionError(RULE_VIOLATION, "주문단가를 0보다 크게 입력하십시오.")
    loan_text = loan.strftime("%Y%m%d") if loan else ""
    inst = inst or domestic_or_placeholder(symbol)
    return _Terms(inst, qty, price, side, division, balance, loan_text, end)


def _code(kind: type[_E], raw: str, label: str) -> _E:
    try:
        return kind(raw.strip())
    except ValueError as exc:
        raise RejectionError(INVALID_INPUT, f"{label} 입력값 오류입니다({raw!r}).") from exc


def _check_end_date(end: date | None, order_date: date, today: date) -> None:
    """A period reservation ends after today and within 30 days of its first processing day (§0)."""
    if end is None:
        return
    if end <= today:
        raise RejectionError(RULE_VIOLATION, "예약주문종료일자는 오늘 이후 일자로 입력하십시오.")
    if end > order_date + timedelta(days=_MAX_PERIOD_DAYS):
        raise RejectionError(
            RULE_VIOLATION, f"예약주문종료일자는 최대 {_MAX_PERIOD_DAYS}일 이내로 입력하십시오."
        )


def _phone(f: Fields) -> str:
    """The spec names it CTAL_TLNO, its example and the rows CTAC_TLNO: either is accepted."""
    return f.text("CTAL_TLNO", 20, required=False) or f.text("CTAC_TLNO", 20, required=False)


# --- order-resv ----------------------------------------------------------------------------------


def _reserve(book: Book, ctx: CallContext, data: Mapping[str, Any]) -> SimReply:
    settings = book.settings
    f = Fields(data)
    account = f.account()
    terms = _terms(book, f)
    f.day_or_none("LDNG_DT")
    now = ctx.now.astimezone(KST)
    if settings.enforce_reservation_window and not reservation_window_open(now):
        raise RejectionError(
            RESV_WINDOW_CLOSED, "예약주문 가능시간이 아닙니다(15:40~익일 07:30, 23:40~00:10 제외)."
        )
    order_date = reservation_order_date(now)
    _check_end_date(terms.end_date, order_date, now.date())
    if terms.end_date is not None:
        _check_period_capacity(book, account, now.date())
    resv = _new_reservation(account, terms, order_date, ctx.now, _phone(f))
    book.add_reservation(ctx, resv, data)
    key = "RSVN_ORD_SEQ" if settings.resv_output_uppercase else "rsvn_ord_seq"
    return SimReply(200, ok(ORDER_OK, "예약주문이 접수되었습니다.", output={key: resv.seq}), committed=True)


def _check_period_capacity(book: Book, account: AccountKey, today: date) -> None:
    limit = book.settings.resv_max_period_orders
    active = [
        r
        for r in book.reservations_for(account)
        if r.end_date is not None and r.cancelled_at is None and r.remaining > 0 and r.end_date >= today
    ]
    if len(active) >= limit:
        raise RejectionError(RULE_VIOLATION, f"기간예약주문 가능건수({limit}건)를 초과하였습니다.")


def _new_reservation(
    account: AccountKey, terms: _Terms, order_date: date, received_at: datetime, phone: str
) -> Reservation:
    return Reservation(
        seq="",
        account=account,
        instrument=terms.instrument,
        side=terms.side,
        division=terms.division,
        balance=terms.balance.value,
        qty=terms.qty,
        price=terms.price,
        order_date=order_date,
        end_date=terms.end_date,
        received_at=received_at,
        phone=phone,
        loan_date=terms.loan_date,
    )


# --- order-resv-rvsecncl -------------------------------------------------------------------------


def _change(book: Book, ctx: CallContext, data: Mapping[str, Any]) -> SimReply:
    action = next((a for (_, a), tr in RESV_REVISE_CANCEL_TR.items() if tr == ctx.tr_id), None)
    if action is None:
        raise RejectionError(INVALID_MARKET, f"예약주문 정정취소 거래ID가 아닙니다({ctx.tr_id}).")
    f = Fields(data)
    account = f.account()
    seq = f.text("RSVN_ORD_SEQ", 10).strip()
    if not seq:
        raise RejectionError(INVALID_INPUT, "예약주문순번(RSVN_ORD_SEQ)을 입력하십시오.")
    f.text("RSVN_ORD_ORGNO", 5, required=False)  # accepted and ignored: no source says what it checks
    order_date = f.day_or_none("RSVN_ORD_ORD_DT")
    if action is ReviseCancel.CANCEL:
        resv = _changeable(book, account, seq, order_date, ctx.now, cancelling=True)
        book.cancel_reservation(ctx, resv, data)
    else:
        terms = _terms(book, f)
        resv = _changeable(book, account, seq, order_date, ctx.now, cancelling=False)
        _revise(book, ctx, resv, terms, _phone(f), data)
    key = "NRML_PRCS_YN" if book.settings.resv_output_uppercase else "nrml_prcs_yn"
    return SimReply(200, ok(RESV_CHANGE_OK, "정상처리 되었습니다.", output={key: "Y"}), committed=True)


def _changeable(
    book: Book, account: AccountKey, seq: str, order_date: date | None, now: datetime, *, cancelling: bool
) -> Reservation:
    resv = book.find_reservation(account, seq)
    if resv is None:
        raise RejectionError(RULE_VIOLATION, f"해당 예약주문이 존재하지 않습니다(예약주문순번 {seq}).")
    if order_date is not None and book.settings.resv_check_order_date and order_date != resv.order_date:
        raise RejectionError(RULE_VIOLATION, "예약주문주문일자(RSVN_ORD_ORD_DT)가 일치하지 않습니다.")
    if resv.cancelled_at is not None:
        raise RejectionError(RULE_VIOLATION, "이미 취소된 예약주문입니다.")
    if resv.processed:
        # Cancelling a running period reservation stops its future days (§0); all else is final.
        future_days = resv.end_date is not None and resv.end_date > now.astimezone(KST).date()
        if not (cancelling and future_days and resv.remaining > 0 and not resv.reject_reason):
            raise RejectionError(RULE_VIOLATION, "이미 처리된 예약주문은 정정/취소할 수 없습니다.")
    return resv


def _revise(
    book: Book, ctx: CallContext, old: Reservation, terms: _Terms, phone: str, data: Mapping[str, Any]
) -> None:
    if terms.instrument.symbol != old.instrument.symbol or terms.side is not old.side:
        raise RejectionError(RULE_VIOLATION, "예약주문의 종목과 매도매수구분은 정정할 수 없습니다.")
    _check_end_date(terms.end_date, old.order_date, ctx.now.astimezone(KST).date())
    keeps = book.settings.resv_revise_keeps_sequence
    new = _new_reservation(old.account, terms, old.order_date, old.received_at if keeps else ctx.now, phone)
    book.replace_reservation(ctx, old, new, data)


# --- order-resv-ccnl -----------------------------------------------------------------------------


def _list(book: Book, ctx: CallContext, data: Mapping[str, Any]) -> SimReply:
    f = Fields(data)
    start, end = f.day("RSVN_ORD_ORD_DT"), f.day("RSVN_ORD_END_DT")
    seq = f.text("RSVN_ORD_SEQ", 10, required=False).strip()
    f.text("TMNL_MDIA_KIND_CD", 2, required=False)
    account = f.account()
    processed = f.text("PRCS_DVSN_CD", 2).strip()
    if processed not in ("0", "1", "2", "00", "01", "02"):
        raise RejectionError(INVALID_INPUT, f"처리구분코드(PRCS_DVSN_CD) 입력값 오류입니다({processed!r}).")
    valid_only = f.text("CNCL_YN", 1, required=False).strip().upper() == "Y"
    symbol = f.text("PDNO", 12, required=False).strip()
    side = f.text("SLL_BUY_DVSN_CD", 2, required=False).strip()
    f.text("CTX_AREA_FK200", 200, required=False)
    nk = f.text("CTX_AREA_NK200", 200, required=False)

    def wanted(r: Reservation) -> bool:
        if not start <= r.order_date <= end or not book.visible(r.received_at, ctx.now):
            return False
        if (seq and r.seq != seq) or (symbol and r.instrument.symbol != symbol):
            return False
        if (side and r.side.value != side) or (valid_only and r.cancelled_at is not None):
            return False
        return processed[-1] == "0" or r.processed == (processed[-1] == "1")

    cursor = nk if is_continuation(ctx.tr_cont, nk) else ""
    rows = book.account_reservations(account)
    page, more = page_after(rows, _seq_number, cursor, False, book.settings.resv_page_size, wanted)
    return paged_reply(
        book.settings,
        rows=[reservation_row(book, r) for r in page],
        fk=f"{start:%Y%m%d}!^{end:%Y%m%d}!^{processed}!^{'Y' if valid_only else ''}!^{symbol}!^{side}!^",
        nk=f"{page[-1].seq}!^" if page else "",
        more=more,
        msg_cd=INQUIRY_OK if more else INQUIRY_LAST,
        msg1="조회가 완료되었습니다.",
    )


def _seq_number(r: Reservation) -> int:
    return int(r.seq)


def _kst(moment: datetime | None, pattern: str) -> str:
    return moment.astimezone(KST).strftime(pattern) if moment is not None else ""


def reservation_row(book: Book, r: Reservation) -> dict[str, str]:
    """One order-resv-ccnl row (names of `kisdesk.api.models.reservation.ReservationRow`).

    ord_dvsn_cd/ord_dvsn_name use the request's code domain; the spec's one example pairs "01" with
    "현금매수", so the real domain is UNCERTAIN.
    """
    row = {
        "rsvn_ord_seq": r.seq,
        "rsvn_ord_ord_dt": r.order_date.strftime("%Y%m%d"),
        "rsvn_ord_rcit_dt": _kst(r.received_at, "%Y%m%d"),
        "pdno": r.instrument.symbol,
        "ord_dvsn_cd": r.division.value,
        "ord_rsvn_qty": str(r.qty),
        "tot_ccld_qty": str(r.filled_qty),
        "cncl_ord_dt": _kst(r.cancelled_at, "%Y%m%d"),
        "ord_tmd": _kst(r.ordered_at, "%H%M%S"),
        "ctac_tlno": r.phone,
        "rjct_rson2": r.reject_reason,
        "odno": r.order_no,
        "rsvn_ord_rcit_tmd": _kst(r.received_at, "%H%M%S"),
        "kor_item_shtn_name": r.instrument.name_ko,
        "sll_buy_dvsn_cd": r.side.value,
        "ord_rsvn_unpr": fmt(r.price, 0),
        "tot_ccld_amt": fmt(r.filled_amount, 0),
        "loan_dt": r.loan_date,
        "cncl_rcit_tmd": _kst(r.cancelled_at, "%H%M%S"),
        "prcs_rslt": "처리" if r.processed else "미처리",
        "ord_dvsn_name": _DIVISION_NAME[r.division],
        "tmnl_mdia_kind_cd": _CHANNEL,
        "rsvn_end_dt": r.end_date.strftime("%Y%m%d") if r.end_date else "",
    }
    if book.settings.resv_emit_orgno:
        row["rsvn_ord_orgno"] = BRANCH_NO
    return row


# The gateway's entry points (routes.py binds them to a book).
reservation_reply = real_only(_reserve)
reservation_list_reply = real_only(_list)
reservation_change_reply = real_only(_change)
