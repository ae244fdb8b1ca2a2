"""What the business handlers share: the message codes they answer with, request-field parsing that
turns malformed input into a KIS-style rejection, and the paging rules of README.md § Paging.

Message codes. KIS publishes no list of business codes (errors-and-limits.md §4), so the choice is
ours and stated here once:
- `APBK1664` overseas market closed, `APBK0656` unknown symbol, `APBK0918` every other order-rule
  rejection (buying power, holdings, order type, lot, tick, revise/cancel state) — the §4 guidance;
- `OPSQ2002` malformed input (missing required key, value too long, not a number/date/time): the
  REST processor's "invalid field length" code (§3), the closest documented input-validation code;
- `OPSQ2001` a TR ID that belongs to another market than OVRS_EXCG_CD, or an unknown exchange/quote
  code ("invalid market division code", §3);
- `APBK0919` a domestic reservation outside its intake window (PYKIS's "domestic market not open").
Every rejection is rt_cd "1" with a descriptive Korean msg1 and HTTP settings.business_error_status.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any, Final, TypeVar

from kisdesk.api.enums import Exchange
from kisdesk.simulator.protocol import AccountKey, SimReply, business_error, pad200
from kisdesk.simulator.settings import SimSettings

ORDER_OK: Final = "APBK0013"
MARKET_CLOSED: Final = "APBK1664"
UNKNOWN_SYMBOL: Final = "APBK0656"
RULE_VIOLATION: Final = "APBK0918"
RESV_WINDOW_CLOSED: Final = "APBK0919"
INVALID_INPUT: Final = "OPSQ2002"
INVALID_MARKET: Final = "OPSQ2001"
INQUIRY_OK: Final = "KIOK0510"
INQUIRY_LAST: Final = "KIOK0460"
NO_DATA: Final = "KIOK0560"
RESV_CHANGE_OK: Final = "KIOK0430"
QUOTE_OK: Final = "MCA00000"


class RejectionError(Exception):
    """A business rejection raised anywhere below a handler; the handler turns it into the reply."""

    def __init__(self, msg_cd: str, msg1: str) -> None:
        super().__init__(f"{msg_cd} {msg1}")
        self.msg_cd = msg_cd
        self.msg1 = msg1


def rejection_reply(settings: SimSettings, exc: RejectionError) -> SimReply:
    return business_error(exc.msg_cd, exc.msg1, settings.business_error_status)


def handle(settings: SimSettings, body: Callable[[], SimReply]) -> SimReply:
    """Run a handler body, answering a raised `RejectionError` as KIS would."""
    try:
        return body()
    except RejectionError as exc:
        return rejection_reply(settings, exc)


_DECIMAL_TEXT: Final = re.compile(r"^\d+(\.\d+)?$")


class Fields:
    """Typed reads of a request body/query, each failure a `RejectionError(OPSQ2002)` naming the field."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = data

    def text(self, key: str, max_len: int, *, required: bool = True) -> str:
        value = self._data.get(key)
        if value is None:
            if required:
                raise RejectionError(INVALID_INPUT, f"필수 입력값이 누락되었습니다({key}).")
            return ""
        if not isinstance(value, str):  # KIS sends and expects every value as a JSON string
            raise RejectionError(INVALID_INPUT, f"입력값은 문자열이어야 합니다({key}).")
        if len(value) > max_len:
            raise RejectionError(
                INVALID_INPUT, f"입력값의 길이가 최대 길이({max_len})를 초과하였습니다({key})."
            )
        return value

    def digits(self, key: str, length: int) -> str:
        value = self.text(key, length)
        if len(value) != length or not value.isdigit():
            raise RejectionError(INVALID_INPUT, f"{key}는 숫자 {length}자리여야 합니다.")
        return value

    def quantity(self, key: str, max_len: int = 10) -> int:
        value = self.text(key, max_len).strip()
        if not value.isdigit():
            raise RejectionError(INVALID_INPUT, f"수량 입력값 오류입니다({key}: {value!r}).")
        return int(value)

    def money(self, key: str, max_len: int) -> Decimal:
        value = self.text(key, max_len).strip()
        if not _DECIMAL_TEXT.match(value):
            raise RejectionError(INVALID_INPUT, f"단가 입력값 오류입니다({key}: {value!r}).")
        try:
            return Decimal(value)
        except InvalidOperation as exc:  # pragma: no cover - the pattern already admits only numbers
            raise RejectionError(INVALID_INPUT, f"단가 입력값 오류입니다({key}).") from exc

    def day(self, key: str) -> date:
        """A required YYYYMMDD date."""
        found = self.day_or_none(key, required=True)
        assert found is not None
        return found

    def day_or_none(self, key: str, *, required: bool = False) -> date | None:
        """An optional YYYYMMDD date; blank or absent is None."""
        value = self.text(key, 8, required=required).strip()
        if not value:
            if required:
                raise RejectionError(INVALID_INPUT, f"필수 입력값이 누락되었습니다({key}).")
            return None
        try:
            if len(value) != 8 or not value.isdigit():
                raise ValueError(value)
            return date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError as exc:
            raise RejectionError(INVALID_INPUT, f"일자 형식(YYYYMMDD) 오류입니다({key}: {value!r}).") from exc

    def account(self) -> AccountKey:
        """CANO (8 digits) and ACNT_PRDT_CD (2 digits)."""
        return AccountKey(self.digits("CANO", 8), self.digits("ACNT_PRDT_CD", 2))

    def exchange(self, key: str = "OVRS_EXCG_CD") -> Exchange:
        value = self.text(key, 4).strip()
        try:
            return Exchange(value)
        except ValueError as exc:
            raise RejectionError(INVALID_MARKET, f"해외거래소코드 오류입니다({key}: {value!r}).") from exc

    def hhmmss(self, key: str) -> time | None:
        """An optional HHMMSS time; blank or absent is None."""
        value = self.text(key, 6, required=False).strip()
        if not value:
            return None
        try:
            if len(value) != 6 or not value.isdigit():
                raise ValueError(value)
            return time(int(value[:2]), int(value[2:4]), int(value[4:]))
        except ValueError as exc:
            raise RejectionError(INVALID_INPUT, f"시간 형식(HHMMSS) 오류입니다({key}: {value!r}).") from exc


T = TypeVar("T")


def take_page(
    rows: Sequence[T], number: Callable[[T], int], cursor: str, descending: bool, size: int
) -> tuple[list[T], bool]:
    """The page after `cursor` (the last number the previous page returned) and whether more follow.

    Rows must already be sorted by `number` in the given direction. The cursor is compared by value,
    not by position, so a page stays stable when rows appear or drop out between calls.
    """
    remaining = list(rows)
    if cursor.strip():
        last = _cursor_number(cursor)
        remaining = [r for r in rows if (number(r) < last if descending else number(r) > last)]
    return remaining[:size], len(remaining) > size


def page_after(
    rows: Sequence[T],
    number: Callable[[T], int],
    cursor: str,
    descending: bool,
    size: int,
    keep: Callable[[T], bool],
) -> tuple[list[T], bool]:
    """`take_page` over the rows `keep` accepts, without filtering or sorting all of them.

    `rows` must be in strictly ascending `number` order (the book issues order and reservation
    numbers increasing). The walk starts at the cursor by bisection and stops at the first accepted
    row beyond the page, so a call costs the page plus the rejected rows it steps over — not the whole
    book. Same rows, same order, same `more` as `take_page(sorted(filter(keep, rows)), ...)`.
    """
    if cursor.strip():
        last = _cursor_number(cursor)
        if descending:
            start = bisect_left(rows, last, key=number) - 1
        else:
            start = bisect_right(rows, last, key=number)
    else:
        start = len(rows) - 1 if descending else 0
    walk = range(start, -1, -1) if descending else range(start, len(rows))
    page: list[T] = []
    for index in walk:
        row = rows[index]
        if keep(row):
            if len(page) >= size:
                return page, True
            page.append(row)
    return page, False


def _cursor_number(cursor: str) -> int:
    head = cursor.strip().split("^")[0].rstrip("!")
    if not head.isdigit():
        raise RejectionError(INVALID_INPUT, "연속조회키(CTX_AREA_NK200)가 올바르지 않습니다.")
    return int(head)


def is_continuation(tr_cont: str, nk: str) -> bool:
    """A follow-up page needs request header tr_cont "N" and the previous NK echoed back."""
    return tr_cont.strip().upper() == "N" and bool(nk.strip())


def paged_reply(
    settings: SimSettings,
    *,
    rows: list[dict[str, str]] | dict[str, str],
    fk: str,
    nk: str,
    more: bool,
    msg_cd: str,
    msg1: str,
) -> SimReply:
    """A page: rows in `output`, keys space-padded at the top level, tr_cont in the response header."""
    body = {
        "rt_cd": "0",
        "msg_cd": msg_cd,
        "msg1": msg1,
        "ctx_area_fk200": pad200(fk),
        "ctx_area_nk200": pad200(nk),
        "output": rows,
    }
    return SimReply(200, body, headers={"tr_cont": settings.more_flag if more else settings.last_flag})


def fmt(value: Decimal, decimals: int) -> str:
    """Fixed-point text with exactly `decimals` places (KIS pads amounts: 200.00000000)."""
    return f"{value:.{decimals}f}"
