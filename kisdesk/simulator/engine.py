"""The gateway of one simulated KIS host: every check KIS makes before a business handler runs.

`Engine.handle` takes a parsed `SimRequest` and returns an `Outcome` the HTTP front executes. Checks run
in KIS order: path, method, content type, JSON body, appkey, appsecret, token, TR ID (present, of this
endpoint, of this host's family), account, rate limit, faults; then `book.advance(now)` and the handler.
All of it runs under one lock, so the book sees one request at a time; latency and stalls are only
described in the `Outcome` and happen in the server thread, outside the lock.

Gateway rejections are EGW/OPSQ envelopes with HTTP `settings.gateway_error_status`; account problems
are business rejections with `settings.business_error_status`. Choices the spec leaves open: unknown
path → 404 OPSQ0002; known path, wrong method → 405 EGW00101; bad JSON → OPSQ9995/OPSQ9997; a TR of
another endpoint → OPSQ0002; invalid CANO/ACNT_PRDT_CD → OPSQ2000; a handler crash → OPSQ3001.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from http import HTTPStatus
from typing import Any, Final, Protocol

from kisdesk.api.enums import TrFamily
from kisdesk.api.registry import (
    ENDPOINTS,
    ORDER_TR,
    RESV_REVISE_CANCEL_TR,
    REVISE_CANCEL_TR,
    SIMPLE_TR,
    ApiId,
    family_tr_ids,
)
from kisdesk.simulator.book import Book
from kisdesk.simulator.clock import Clock, SystemClock
from kisdesk.simulator.faults import Decision, Fault, FaultKind, Faults
from kisdesk.simulator.limits import RATE_LIMIT_CODE, RATE_LIMIT_TEXT, RateLimiter
from kisdesk.simulator.protocol import CallContext, Handler, SimReply, SimRequest, envelope
from kisdesk.simulator.routes import routes as book_routes
from kisdesk.simulator.settings import SimSettings
from kisdesk.simulator.tokens import TOKEN_ERROR_TEXT, Tokens, token_error

log = logging.getLogger(__name__)

TOKEN_PATH: Final = ENDPOINTS[ApiId.TOKEN].path
REVOKE_PATH: Final = ENDPOINTS[ApiId.REVOKE].path
INTENT_HEADER: Final = "x-kisdesk-intent"
JSON_TYPE: Final = "application/json; charset=utf-8"

# msg1 of the gateway codes this simulator emits. EGW00123 and EGW00201 are observed texts; the others
# paraphrase the KIS FAQ meaning (errors-and-limits.md §2–3).
GATEWAY_TEXT: Final[dict[str, str]] = {
    "EGW00101": "유효하지 않은 요청입니다.",
    "EGW00102": "AppKey는 필수입니다.",
    "EGW00103": "유효하지 않은 AppKey입니다.",
    "EGW00104": "AppSecret은 필수입니다.",
    "EGW00105": "유효하지 않은 AppSecret입니다.",
    "EGW00121": "유효하지 않은 token 입니다.",
    "EGW00123": "기간이 만료된 token 입니다.",
    "EGW00132": "유효하지 않은 Content-Type입니다.",
    RATE_LIMIT_CODE: RATE_LIMIT_TEXT,
    "EGW00205": "credentials_type이 유효하지 않습니다.(Bearer)",
    "EGW00301": "연결시간이 초과되었습니다. 이전 거래를 확인하세요.",
    "EGW00302": "거래시간이 초과되었습니다. 이전 거래를 확인하세요.",
    "OPSQ0002": "없는 서비스 코드 입니다.",
    "OPSQ3001": "응답 처리 중 오류가 발생하였습니다.",
    "OPSQ9995": "JSON PARSING ERROR : body not found",
    "OPSQ9997": "JSON PARSING ERROR : invalid json format",
    "OPSQ9999": "JSON PARSING ERROR : tr_id not found",
}
ACCOUNT_CODE: Final = "OPSQ2000"
ACCOUNT_TEXT: Final = "ERROR : INPUT_FIELD_NAME CANO 유효하지 않은 계좌번호입니다."
ACCOUNT_MISMATCH_TEXT: Final = "인증 시점의 계좌번호와 요청 계좌번호가 일치하지 않습니다."
PAPER_UNSUPPORTED_TEXT: Final = "모의투자에서는 해당업무가 제공되지 않습니다."
WRONG_FAMILY_TEXT: Final[dict[TrFamily, str]] = {
    TrFamily.PAPER: "모의투자 TR 이 아닙니다.",
    TrFamily.REAL: "실전투자 TR 이 아닙니다.",
}


class BookLike(Protocol):
    """What the gateway needs of the business half (kisdesk.simulator.book.Book)."""

    visibility_delay_s: float

    def advance(self, now: datetime) -> None: ...

    def ledger(self) -> Any: ...


class Action(StrEnum):
    REPLY = "reply"
    STALL = "stall"  # hold the connection, then close it without a response
    DROP = "drop"  # close the connection without a response


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the server must do with one request. `latency_s` is waited before replying or dropping."""

    action: Action
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    latency_s: float = 0.0
    stall_s: float | None = None  # None: until the server stops

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k == name), None)

    def json(self) -> Any:
        return json.loads(self.body)


def _trs_by_path(family: TrFamily) -> dict[str, frozenset[str]]:
    """TR IDs each registry endpoint accepts in `family`; an empty set means "not offered"."""
    per_api: dict[ApiId, set[str]] = {a: set() for a in ENDPOINTS if ENDPOINTS[a].authorized}
    per_api[ApiId.OVERSEAS_ORDER] = {tr for (f, *_), tr in ORDER_TR.items() if f is family}
    per_api[ApiId.OVERSEAS_REVISE_CANCEL] = {tr for (f, _), tr in REVISE_CANCEL_TR.items() if f is family}
    per_api[ApiId.DOMESTIC_RESV_REVISE_CANCEL] = {
        tr for (f, _), tr in RESV_REVISE_CANCEL_TR.items() if f is family
    }
    for api, per_family in SIMPLE_TR.items():
        per_api[api] = {tr for f, tr in per_family.items() if f is family}
    return {ENDPOINTS[a].path: frozenset(trs) for a, trs in per_api.items()}


# Registry endpoints that take no account (quotes); every other business endpoint needs CANO.
_NO_ACCOUNT_PATHS: Final = frozenset({ENDPOINTS[ApiId.OVERSEAS_PRICE].path})


class Engine:
    """One simulated KIS host: gateway checks in front of a `Book` (or any routes, for tests)."""

    def __init__(
        self,
        family: TrFamily,
        settings: SimSettings | None = None,
        clock: Clock | None = None,
        *,
        book: BookLike | None = None,
        routes: Mapping[tuple[str, str], Handler] | None = None,
    ) -> None:
        self.family = family
        self.settings = settings if settings is not None else SimSettings()
        self.clock: Clock = clock if clock is not None else SystemClock()
        if book is None:
            book = Book(family, self.settings)
        if routes is None:
            if not isinstance(book, Book):
                raise TypeError("an Engine over a stand-in book needs explicit routes")
            routes = book_routes(book)
        self.book: BookLike = book
        self._routes: dict[tuple[str, str], Handler | None] = {
            **routes,
            ("POST", TOKEN_PATH): None,  # answered by `tokens`, not by the book
            ("POST", REVOKE_PATH): None,
        }
        self._paths = {path for _, path in self._routes}
        self._own_trs = _trs_by_path(family)
        other = TrFamily.PAPER if family is TrFamily.REAL else TrFamily.REAL
        self._other_only = family_tr_ids(other) - family_tr_ids(family)
        self.tokens = Tokens(self.settings, self.clock)
        self.limiter = RateLimiter(family, self.settings, self.clock)
        self.faults = Faults(self.settings.seed, self._apply_setting_fault, self._undo_setting_faults)
        self._lock = threading.RLock()
        self._accounts: dict[str, str] = {}  # appkey -> CANO bound at first use
        self._intent_posts: Counter[str] = Counter()
        self._saved: dict[str, Any] = {}  # values overridden by setting faults, restored by clear()
        self.handler_errors: list[BaseException] = []

    @property
    def lock(self) -> threading.RLock:
        """The lock every request runs under; hold it to inspect the book consistently."""
        return self._lock

    # --- public views ----------------------------------------------------------------------------

    def ledger(self) -> Any:
        with self._lock:
            return self.book.ledger()

    def intent_posts(self) -> dict[str, int]:
        """POSTs that reached the gateway per `x-kisdesk-intent` header value (order-safety G1)."""
        with self._lock:
            return dict(self._intent_posts)

    def account_of(self, appkey: str) -> str | None:
        with self._lock:
            return self._accounts.get(appkey)

    # --- the request pipeline --------------------------------------------------------------------

    def handle(self, req: SimRequest) -> Outcome:
        method = req.method.upper()
        with self._lock:
            if req.path not in self._paths:
                return self._gateway("OPSQ0002", status=HTTPStatus.NOT_FOUND)
            if (method, req.path) not in self._routes:
                allowed = ", ".join(sorted(m for m, p in self._routes if p == req.path))
                return self._gateway(
                    "EGW00101", status=HTTPStatus.METHOD_NOT_ALLOWED, extra=(("allow", allowed),)
                )
            intent = req.headers.get(INTENT_HEADER) or None
            if method == "POST" and intent is not None and not req.path.startswith("/oauth2/"):
                self._intent_posts[intent] += 1
            if req.path in (TOKEN_PATH, REVOKE_PATH):
                return self._token_call(method, req)
            return self._business_call(method, req, intent)

    def _token_call(self, method: str, req: SimRequest) -> Outcome:
        if not _json_content_type(req.headers):
            return self._reply(token_error("EGW00132"))
        body = _json_object(req.body)
        if not isinstance(body, dict):
            return self._reply(token_error("EGW00101"))
        decision = self.faults.decide(method, req.path, "")
        if decision.before is not None:
            return self._before_fault(decision, token_call=True)
        reply = self.tokens.issue(body) if req.path == TOKEN_PATH else self.tokens.revoke(body)
        return self._after(reply, decision, tr_id=None)

    def _business_call(self, method: str, req: SimRequest, intent: str | None) -> Outcome:
        params: Mapping[str, Any]
        if method == "POST":
            if not _json_content_type(req.headers):
                return self._gateway("EGW00132")
            if not req.body.strip():
                return self._gateway("OPSQ9995")
            body = _json_object(req.body)
            if not isinstance(body, dict):
                return self._gateway("OPSQ9997")
            params = body
        else:
            params = dict(req.query)
        auth_error = self.tokens.authenticate(req.headers)
        if auth_error is not None:
            return self._gateway(auth_error)
        tr_id = req.headers.get("tr_id", "").strip()
        if not tr_id:
            return self._gateway("OPSQ9999")
        tr_error = self._check_tr(req.path, tr_id)
        if tr_error is not None:
            return tr_error
        appkey = req.headers["appkey"]
        account = self._check_account(req.path, appkey, params, tr_id)
        if isinstance(account, Outcome):
            return account
        if not self.limiter.admit(self.limiter.key(appkey, account or self._accounts.get(appkey))):
            return self._gateway(RATE_LIMIT_CODE, tr_id=tr_id)
        decision = self.faults.decide(method, req.path, tr_id)
        if decision.before is not None:
            return self._before_fault(decision, token_call=False, tr_id=tr_id)
        now = self.clock.now()
        ctx = CallContext(self.family, tr_id, req.headers.get("tr_cont", ""), appkey, now, intent)
        try:
            self.book.advance(now)
            handler = self._routes[(method, req.path)]
            assert handler is not None
            reply = handler(ctx, params)
        except Exception as exc:  # a book bug must not kill the server thread; tests read handler_errors
            log.exception("simulator handler failed for %s %s", method, req.path)
            self.handler_errors.append(exc)
            return self._gateway("OPSQ3001", tr_id=tr_id)
        return self._after(reply, decision, tr_id=tr_id)

    def _check_tr(self, path: str, tr_id: str) -> Outcome | None:
        own = self._own_trs.get(path)
        s = self.settings
        if own is not None and not own:
            return self._envelope(
                s.paper_unsupported_status, s.paper_unsupported_code, PAPER_UNSUPPORTED_TEXT, tr_id
            )
        if own is not None and tr_id in own:
            return None
        if tr_id in self._other_only:
            text = WRONG_FAMILY_TEXT[self.family]
            return self._envelope(s.gateway_error_status, s.wrong_family_code, text, tr_id)
        if own is not None:
            return self._gateway("OPSQ0002", tr_id=tr_id)
        return None  # a routed path outside the registry: any TR of this family passes

    def _check_account(
        self, path: str, appkey: str, params: Mapping[str, Any], tr_id: str
    ) -> str | Outcome | None:
        """Validate CANO/ACNT_PRDT_CD and bind the app key to its account at first use."""
        needs_account = path in self._own_trs and path not in _NO_ACCOUNT_PATHS
        if not needs_account and "CANO" not in params:
            return None
        cano, product = params.get("CANO"), params.get("ACNT_PRDT_CD")
        s = self.settings
        if not (isinstance(cano, str) and len(cano) == 8 and cano.isdigit() and product == "01"):
            return self._envelope(s.business_error_status, ACCOUNT_CODE, ACCOUNT_TEXT, tr_id)
        bound = self._accounts.setdefault(appkey, cano)
        if bound != cano:
            return self._envelope(
                s.business_error_status, s.account_mismatch_code, ACCOUNT_MISMATCH_TEXT, tr_id
            )
        return cano

    # --- faults ----------------------------------------------------------------------------------

    def _before_fault(self, decision: Decision, *, token_call: bool, tr_id: str | None = None) -> Outcome:
        fault = decision.before
        assert fault is not None
        if fault.kind is FaultKind.DROP_BEFORE:
            return Outcome(Action.DROP, latency_s=decision.latency_s)
        if fault.kind is FaultKind.HTML_500_BEFORE:
            return _html(fault.status, decision.latency_s)
        if token_call:
            return self._reply(token_error(fault.code, TOKEN_ERROR_TEXT.get(fault.code)), decision.latency_s)
        out = self._gateway(fault.code, tr_id=tr_id)
        return Outcome(out.action, out.status, out.headers, out.body, decision.latency_s)

    def _after(self, reply: SimReply, decision: Decision, tr_id: str | None) -> Outcome:
        fault = decision.after
        latency = decision.latency_s
        if fault is None:
            return self._reply(reply, latency, tr_id)
        if fault.kind is FaultKind.ACCEPT_THEN_STALL:
            return Outcome(Action.STALL, latency_s=latency, stall_s=fault.seconds)
        if fault.kind is FaultKind.DROP_AFTER:
            return Outcome(Action.DROP, latency_s=latency)
        if fault.kind is FaultKind.HTML_500_AFTER:
            return _html(fault.status, latency)
        full = self._reply(reply, latency, tr_id)  # MALFORMED_JSON: the real answer, cut in half
        body = full.body[: len(full.body) // 2] if len(full.body) > 1 else b"{"
        headers = tuple((k, str(len(body)) if k == "content-length" else v) for k, v in full.headers)
        return Outcome(Action.REPLY, 200, headers, body, latency)

    def _apply_setting_fault(self, fault: Fault) -> None:
        with self._lock:
            if fault.kind is FaultKind.REFLECTION_DELAY:
                self._saved.setdefault("visibility_delay_s", self.book.visibility_delay_s)
                self.book.visibility_delay_s = float(fault.seconds or 0.0)
                return
            for name in ("nccs_page_size", "ccnl_page_size_real", "ccnl_page_size_paper", "resv_page_size"):
                self._saved.setdefault(name, getattr(self.settings, name))
                setattr(self.settings, name, fault.size)

    def _undo_setting_faults(self) -> None:
        with self._lock:
            for name, value in self._saved.items():
                if name == "visibility_delay_s":
                    self.book.visibility_delay_s = value
                else:
                    setattr(self.settings, name, value)
            self._saved.clear()

    # --- replies ---------------------------------------------------------------------------------

    def _gateway(
        self,
        code: str,
        *,
        tr_id: str | None = None,
        status: int | None = None,
        extra: tuple[tuple[str, str], ...] = (),
    ) -> Outcome:
        text = GATEWAY_TEXT.get(code, "오류가 발생하였습니다.")
        out = self._envelope(status or self.settings.gateway_error_status, code, text, tr_id)
        return Outcome(out.action, out.status, out.headers + extra, out.body)

    def _envelope(self, status: int, code: str, text: str, tr_id: str | None) -> Outcome:
        return self._reply(SimReply(status, envelope("1", code, text)), tr_id=tr_id)

    def _reply(self, reply: SimReply, latency_s: float = 0.0, tr_id: str | None = None) -> Outcome:
        body = reply.encoded()
        headers: list[tuple[str, str]] = [("content-type", reply.content_type)]
        if tr_id:
            headers.append(("tr_id", tr_id))  # KIS echoes it; the official client reads lowercase names
        reserved = ("content-type", "content-length", "tr_id", "gt_uid")
        headers.extend((k.lower(), v) for k, v in reply.headers.items() if k.lower() not in reserved)
        headers.append(("gt_uid", uuid.uuid4().hex))
        headers.append(("content-length", str(len(body))))
        return Outcome(Action.REPLY, reply.status, tuple(headers), body, latency_s)


def _json_content_type(headers: Mapping[str, str]) -> bool:
    """Only a content type that is given and clearly not JSON is refused (KIS marks it optional)."""
    ctype = headers.get("content-type", "").strip().lower()
    return not ctype or "json" in ctype


def _json_object(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


def _html(status: int, latency_s: float) -> Outcome:
    """An nginx-style error page, as a load balancer in front of KIS would send."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    page = (
        f"<html>\r\n<head><title>{status} {phrase}</title></head>\r\n<body>\r\n"
        f"<center><h1>{status} {phrase}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    ).encode("ascii")
    headers = (("content-type", "text/html"), ("content-length", str(len(page))))
    return Outcome(Action.REPLY, status, headers, page, latency_s)
