"""Translated text for domain problems and precaution hits: `problem_text` and `hit_text`.

Owns the mapping from every `Problem.code` that `kisdesk.domain.rules` can emit, and from every
precaution `Rule`, to a translatable template, formatted with the problem's `params`. The English
templates equal the domain's English messages, so the English UI reads the same either way. A code
without a template, or a problem whose params do not fill its template (e.g. one built by hand in
another layer), falls back to the English `message`: the trader always sees something true.

Every template is spelled `QCoreApplication.translate("problems", "…")` in full, so pyside6-lupdate
sees it (see labels.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

from PySide6.QtCore import QCoreApplication

from kisdesk.domain.capabilities import Reason
from kisdesk.domain.precautions import PrecautionHit, Rule
from kisdesk.domain.rules import Problem
from kisdesk.ui.labels import reason_label

Template = Callable[[Mapping[str, str]], str]


def _problem_templates() -> dict[str, str]:
    return {
        "SYMBOL_REQUIRED": QCoreApplication.translate("problems", "enter a symbol"),
        "QTY_REQUIRED": QCoreApplication.translate("problems", "enter a quantity"),
        "QTY_NOT_POSITIVE": QCoreApplication.translate("problems", "quantity must be at least 1 share"),
        "QTY_TOO_LARGE": QCoreApplication.translate("problems", "quantity has more than 10 digits"),
        "PRICE_REQUIRED": QCoreApplication.translate("problems", "enter a price"),
        "PRICE_NOT_POSITIVE": QCoreApplication.translate("problems", "price must be above 0"),
        "PRICE_DECIMALS": QCoreApplication.translate(
            "problems", "{venue} prices at this level take at most {decimals} decimals"
        ),
        "PRICE_TICK": QCoreApplication.translate(
            "problems",
            "{price} is off the {tick} tick of {venue}; nearest valid prices are {below} and {above}",
        ),
        "QTY_ODD_LOT_TOO_LARGE": QCoreApplication.translate(
            "problems", "an odd-lot order is for fewer than {lot} shares"
        ),
        "ALGO_WINDOW_EMPTY": QCoreApplication.translate("problems", "the window must end after it starts"),
        "ALGO_WINDOW_ORDER": QCoreApplication.translate("problems", "the window must end after it starts"),
        "ALGO_TIME_OUTSIDE_SESSION": QCoreApplication.translate(
            "problems", "{venue} takes orders {windows} KST"
        ),
        "ALGO_END_TOO_LATE": QCoreApplication.translate(
            "problems", "the window must end by {cutoff} KST (5 min before close)"
        ),
        "ALGO_START_PASSED": QCoreApplication.translate("problems", "the start time has already passed"),
        "ALGO_NOT_APPLICABLE": QCoreApplication.translate(
            "problems", "only TWAP/VWAP orders take an algorithm window"
        ),
        "ALGO_TIMING_REQUIRED": QCoreApplication.translate(
            "problems", "choose an explicit window or 'until the close'"
        ),
        "ALGO_TIME_NOT_USED": QCoreApplication.translate(
            "problems", "'until the close' takes no start or end time"
        ),
        "START_TIME_REQUIRED": QCoreApplication.translate("problems", "enter the window's start time (KST)"),
        "END_TIME_REQUIRED": QCoreApplication.translate("problems", "enter the window's end time (KST)"),
        "BALANCE_BUY_CASH_ONLY": QCoreApplication.translate(
            "problems", "a buy can only use the cash balance"
        ),
        "END_DATE_NOT_AFTER_TODAY": QCoreApplication.translate(
            "problems", "the end date must be after today"
        ),
        "END_DATE_BEFORE_FIRST_DAY": QCoreApplication.translate(
            "problems", "the reservation is first sent on {date}"
        ),
        "END_DATE_TOO_FAR": QCoreApplication.translate(
            "problems", "the end date can be at most {date} (30 days)"
        ),
        "RESV_WINDOW_CLOSED": QCoreApplication.translate(
            "problems", "reservations are accepted 15:40–07:30 KST, except 23:40–00:10"
        ),
    }


def _symbol_hint(market: str) -> str:
    hints = {
        "US": QCoreApplication.translate(
            "problems", "US tickers are letters (dots allowed), up to 12 characters, e.g. AAPL or BRK.B"
        ),
        "HK": QCoreApplication.translate("problems", "HK codes are 5 digits, e.g. 00700"),
        "JP": QCoreApplication.translate("problems", "Tokyo codes are 4 characters, e.g. 7203"),
        "SH": QCoreApplication.translate("problems", "Shanghai codes are 6 digits, e.g. 600519"),
        "SZ": QCoreApplication.translate("problems", "Shenzhen codes are 6 digits, e.g. 000001"),
        "VN": QCoreApplication.translate("problems", "Vietnam tickers are letters, e.g. VNM"),
        "KRX": QCoreApplication.translate("problems", "KRX codes are 6 digits, e.g. 005930"),
    }
    return hints[market]


def _weekday(iso: str) -> str:
    names = (
        QCoreApplication.translate("problems", "Mon"),
        QCoreApplication.translate("problems", "Tue"),
        QCoreApplication.translate("problems", "Wed"),
        QCoreApplication.translate("problems", "Thu"),
        QCoreApplication.translate("problems", "Fri"),
        QCoreApplication.translate("problems", "Sat"),
        QCoreApplication.translate("problems", "Sun"),
    )
    return names[int(iso) - 1]


def _symbol_format(p: Mapping[str, str]) -> str:
    text = QCoreApplication.translate("problems", "{symbol} is not a valid code: {hint}")
    return text.format(symbol=repr(p["symbol"]), hint=_symbol_hint(p["market"]))


def _price_ignored(p: Mapping[str, str]) -> str:
    if p["order_type"] == "RESV":
        return QCoreApplication.translate(
            "problems", "market and pre-market orders are sent with price 0; the price is ignored"
        )
    text = QCoreApplication.translate(
        "problems", "{order_type} orders are sent with price 0; the price is ignored"
    )
    return text.format(order_type=p["order_type"])


def _qty_lot(p: Mapping[str, str]) -> str:
    if p["odd_lot"]:
        text = QCoreApplication.translate(
            "problems", "{venue} trades in lots of {lot} shares; sell the remainder as an odd-lot order"
        )
    else:
        text = QCoreApplication.translate("problems", "{venue} trades in lots of {lot} shares")
    return text.format(venue=p["venue"], lot=p["lot"])


def _market_closed(p: Mapping[str, str]) -> str:
    if not p["weekday"]:
        text = QCoreApplication.translate("problems", "{venue} is not accepting orders now")
        return text.format(venue=p["venue"])
    text = QCoreApplication.translate(
        "problems", "{venue} is not accepting orders now; next window opens {day} {time} KST"
    )
    return text.format(venue=p["venue"], day=_weekday(p["weekday"]), time=p["time"])


_SPECIAL: Final[dict[str, Template]] = {
    "SYMBOL_FORMAT": _symbol_format,
    "PRICE_IGNORED": _price_ignored,
    "QTY_LOT": _qty_lot,
    "MARKET_CLOSED": _market_closed,
}


def _reason(code: str, p: Mapping[str, str]) -> str:
    """A capability Reason used as a code: an order type that is not available, or (without an
    order type) the reason alone, e.g. reservations on paper."""
    reason = reason_label(Reason(code))
    if "order_type" not in p:
        return reason
    text = QCoreApplication.translate("problems", "{order_type} not available: {reason}")
    return text.format(order_type=p["order_type"], reason=reason)


_REASONS: Final = frozenset(r.value for r in Reason)


def problem_codes() -> frozenset[str]:
    """Every code with a translated template (for the completeness test)."""
    return frozenset(_problem_templates()) | frozenset(_SPECIAL) | _REASONS


def problem_text(problem: Problem) -> str:
    """The problem in the UI language; the English `message` when the code or params are unknown."""
    params = problem.params
    try:
        if problem.code in _SPECIAL:
            return _SPECIAL[problem.code](params)
        if problem.code in _REASONS:
            return _reason(problem.code, params)
        template = _problem_templates().get(problem.code)
        if template is None:
            return problem.message
        if "{" in template and not params:
            return problem.message  # built by hand without params: its own message is the best text
        return template.format(**params)
    except (KeyError, ValueError, IndexError):
        return problem.message


def _hit_templates() -> dict[Rule, str]:
    return {
        Rule.QUANTITY: QCoreApplication.translate(
            "problems", "quantity {quantity} reaches the {market} limit of {limit} shares"
        ),
        Rule.NOTIONAL: QCoreApplication.translate(
            "problems", "order value ≈ ₩{krw} ({amount} {currency} at {rate}) reaches the limit of ₩{limit}"
        ),
        Rule.PRICE_PERCENT: QCoreApplication.translate(
            "problems", "price {price} is {percent}% from the last price {last} (limit {limit}%)"
        ),
        Rule.PRICE_TICKS: QCoreApplication.translate(
            "problems", "price {price} is {ticks} ticks of {tick} from the last price {last} (limit {limit})"
        ),
        Rule.DUPLICATE: QCoreApplication.translate("problems", "an identical order was sent {seconds} s ago"),
        Rule.NO_QUOTE: QCoreApplication.translate(
            "problems", "no quote: the checks against the market price were skipped"
        ),
        Rule.NO_FX_RATE: QCoreApplication.translate(
            "problems", "no KRW exchange rate for {currency}: the order value check was skipped"
        ),
    }


def hit_text(hit: PrecautionHit) -> str:
    """The precaution hit in the UI language; the English `message` if its params do not fit."""
    try:
        return _hit_templates()[hit.rule].format(**hit.params)
    except (KeyError, ValueError, IndexError):
        return hit.message
