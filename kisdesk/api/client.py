"""`KisClient`: one environment, one account, one HTTP link to its host, one typed method per endpoint.

Every request takes the same path (`_fetch`): isolation check, token, rate-limit slot, one HTTP
exchange under a deadline, `transport.unwrap`, and the retry table of `transport`. The methods
below only pick the TR ID, build the body or query and validate the answer into a model.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from types import TracebackType
from typing import Any, Final, Self, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from kisdesk.api import stepwise
from kisdesk.api.auth import AccessToken, TokenManager, TokenStore
from kisdesk.api.clock import Clock, SystemClock
from kisdesk.api.credentials import Account, Credentials
from kisdesk.api.enums import US_EXCHANGES, CustType, Env, Exchange, ReviseCancel, Side
from kisdesk.api.errors import IsolationError, KisAuthError, KisError, KisProtocolError
from kisdesk.api.isolation import LOOPBACK_HOSTS, check_request, resolve_base_url
from kisdesk.api.models import (
    BuyingPowerOutput,
    BuyingPowerQuery,
    Envelope,
    HistoryQuery,
    HistoryRow,
    OrderOutput,
    OverseasOrderRequest,
    PagedEnvelope,
    PendingQuery,
    PendingRow,
    PriceOutput,
    PriceQuery,
    ReservationCancelRequest,
    ReservationListQuery,
    ReservationOrderOutput,
    ReservationOrderRequest,
    ReservationReviseCancelOutput,
    ReservationReviseRequest,
    ReservationRow,
    ReviseCancelRequest,
)
from kisdesk.api.models.common import is_blank_row, wire_rows
from kisdesk.api.paging import FIRST_PAGE, NEXT_PAGE, Page, more_pages, read_all_pages
from kisdesk.api.ratelimit import Priority, RateLimiter
from kisdesk.api.registry import (
    ENDPOINTS,
    ApiId,
    order_tr_id,
    resv_revise_cancel_tr_id,
    revise_cancel_tr_id,
    simple_tr_id,
)
from kisdesk.api.transport import (
    TOKEN_INVALID_CODES,
    Kind,
    Link,
    unwrap,
    with_retries,
)

JSON_CONTENT_TYPE: Final = "application/json; charset=utf-8"
DEFAULT_TIMEOUT: Final = httpx.Timeout(connect=5.0, read=10.0, write=10.0, pool=5.0)
DEFAULT_DEADLINE_S: Final = 15.0  # whole exchange, including a body that drips in (order-safety row 23)
# errors-and-limits.md §6 minus headroom: real 20/s → 18; paper's latest portal figure is 1/s.
DEFAULT_RATES: Final[dict[Env, int]] = {Env.REAL: 18, Env.DEMO: 18, Env.PAPER: 1}
INTENT_HEADER: Final = "x-kisdesk-intent"  # simulator-only: counts POSTs per order intent
STEPWISE_ROWS: Final = 200  # a page with more rows is validated a step at a time (~8 µs a row)

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class _Call:
    api_id: ApiId
    tr_id: str
    kind: Kind
    body: dict[str, str] | None = None
    params: dict[str, str] | None = None
    tr_cont: str | None = None  # paged GETs only
    intent: str | None = None


class KisClient:
    """The KIS Open API for one environment and one account. Use as `async with KisClient(...)`."""

    def __init__(
        self,
        env: Env,
        credentials: Credentials,
        account: Account,
        *,
        token_store: TokenStore,
        base_url: str | None = None,
        rate_per_s: int | None = None,
        timeout: httpx.Timeout | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
        cust_type: CustType = CustType.PERSONAL,
        deadline_s: float = DEFAULT_DEADLINE_S,
        token_refresh_margin_s: float = 600.0,
        on_token: Callable[[str], None] | None = None,
    ) -> None:
        self._env = env
        self.account = account
        self._base_url = resolve_base_url(env, base_url)  # raises before any socket exists
        self._credentials = credentials
        self._secrets = credentials.secrets()
        self._cust_type = cust_type
        self._deadline_s = deadline_s
        self._clock: Clock = clock or SystemClock()
        self.limiter = RateLimiter(rate_per_s or DEFAULT_RATES[env], clock=self._clock)
        # Endpoint URLs joined once: httpx.URL.join re-parses both URLs (~60 µs a request).
        self._urls: dict[ApiId, httpx.URL] = {}
        # Isolation verdicts per (API, TR ID): the URL of an API is fixed for this client.
        self._checked: set[tuple[ApiId, str]] = set()
        # TLS verification is httpx's default and is never switched off (order-safety.md row 19).
        self._link = Link(self.base_url, timeout=timeout or DEFAULT_TIMEOUT, transport=transport)
        self.tokens = TokenManager(
            env,
            self.base_url,
            credentials,
            token_store,
            self._link,
            self._clock,
            limiter=self.limiter,
            refresh_margin_s=token_refresh_margin_s,
            deadline_s=deadline_s,
            on_token=on_token,
        )

    # Read-only: the per-client isolation verdicts (`_checked`) hold only while neither changes.
    @property
    def env(self) -> Env:
        return self._env

    @property
    def base_url(self) -> httpx.URL:
        return self._base_url

    def __repr__(self) -> str:
        return f"KisClient(env={self.env.value}, host={self.base_url.host}, account={self.account})"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._link.aclose()

    # --- tokens ---------------------------------------------------------------------------------

    async def issue_token(self) -> AccessToken:
        """The current token: from memory or the store, or freshly issued when allowed."""
        return await self.tokens.get()

    async def revoke_token(self) -> None:
        await self.tokens.revoke()

    # --- orders ---------------------------------------------------------------------------------

    async def place_order(
        self, req: OverseasOrderRequest, side: Side, *, intent: str | None = None
    ) -> OrderOutput:
        """v1_해외주식-001. An outcome-unknown failure raises; it is never resent (see transport)."""
        self._check_account(req.account, req.product_code)
        tr = order_tr_id(self.env, req.exchange, side)
        call = _Call(ApiId.OVERSEAS_ORDER, tr, Kind.ORDER, body=req.to_wire(), intent=intent)
        return _output(Envelope[OrderOutput], await self._fetch_json(call), tr)

    async def revise_cancel(self, req: ReviseCancelRequest, *, intent: str | None = None) -> OrderOutput:
        """v1_해외주식-003; a revise on a cancel-only market raises NotAvailableError unsent."""
        self._check_account(req.account, req.product_code)
        tr = revise_cancel_tr_id(self.env, req.exchange, req.action)
        call = _Call(ApiId.OVERSEAS_REVISE_CANCEL, tr, Kind.ORDER, body=req.to_wire(), intent=intent)
        return _output(Envelope[OrderOutput], await self._fetch_json(call), tr)

    # --- inquiries ------------------------------------------------------------------------------

    async def pending_page(self, query: PendingQuery, *, tr_cont: str = FIRST_PAGE) -> Page[PendingRow]:
        self._check_account(query.account, query.product_code)
        tr = simple_tr_id(ApiId.OVERSEAS_PENDING, self.env)
        call = _Call(ApiId.OVERSEAS_PENDING, tr, Kind.QUERY, params=query.to_wire(), tr_cont=tr_cont)
        return await self._page(PagedEnvelope[PendingRow], PendingRow, call)

    async def pending_all(self, exchange: Exchange | str) -> list[PendingRow]:
        """Every open order on `exchange` (NASD covers all three US venues)."""
        query = PendingQuery(
            account=self.account.cano, product_code=self.account.product_code, exchange=str(exchange)
        )

        def fetch(tr_cont: str, fk: str, nk: str) -> Awaitable[Page[PendingRow]]:
            return self.pending_page(query.model_copy(update={"ctx_fk": fk, "ctx_nk": nk}), tr_cont=tr_cont)

        return await read_all_pages(fetch, key=lambda r: (r.order_date, r.branch_no, r.order_no))

    async def history_page(self, query: HistoryQuery, *, tr_cont: str = FIRST_PAGE) -> Page[HistoryRow]:
        self._check_account(query.account, query.product_code)
        tr = simple_tr_id(ApiId.OVERSEAS_HISTORY, self.env)
        call = _Call(ApiId.OVERSEAS_HISTORY, tr, Kind.QUERY, params=query.to_wire(), tr_cont=tr_cont)
        return await self._page(PagedEnvelope[HistoryRow], HistoryRow, call)

    async def history_all(
        self,
        start: date,
        end: date,
        *,
        symbol: str | None = None,
        exchange: Exchange | None = None,
        side: Side | None = None,
    ) -> list[HistoryRow]:
        """Orders, revises and cancels between two local exchange dates, any state.

        Paper accepts only the "all" filters, so there the filters are applied to the rows here.
        """
        paper = self.env is Env.PAPER
        query = HistoryQuery(
            account=self.account.cano,
            product_code=self.account.product_code,
            start_date=start.strftime("%Y%m%d"),
            end_date=end.strftime("%Y%m%d"),
            symbol="" if paper else (symbol or "%"),
            exchange="" if paper else (exchange.value if exchange else "%"),
            side="00" if paper or side is None else side.value,
            fill_state="00",
        )

        def fetch(tr_cont: str, fk: str, nk: str) -> Awaitable[Page[HistoryRow]]:
            return self.history_page(query.model_copy(update={"ctx_fk": fk, "ctx_nk": nk}), tr_cont=tr_cont)

        rows = await read_all_pages(fetch, key=lambda r: (r.order_date, r.branch_no, r.order_no))
        return [r for r in rows if not paper or _history_matches(r, symbol, exchange, side)]

    async def buying_power(self, query: BuyingPowerQuery) -> BuyingPowerOutput:
        self._check_account(query.account, query.product_code)
        tr = simple_tr_id(ApiId.OVERSEAS_BUYING_POWER, self.env)
        call = _Call(ApiId.OVERSEAS_BUYING_POWER, tr, Kind.QUERY, params=query.to_wire())
        return _output(Envelope[BuyingPowerOutput], await self._fetch_json(call), tr)

    async def quote(self, exchange: Exchange, symbol: str) -> PriceOutput:
        """Last price; the quote API wants the quote code (NAS, HKS …), not the order code."""
        query = PriceQuery(quote_exchange=exchange.info.quote_code, symbol=symbol)
        tr = simple_tr_id(ApiId.OVERSEAS_PRICE, self.env)
        call = _Call(ApiId.OVERSEAS_PRICE, tr, Kind.QUERY, params=query.to_wire())
        return _output(Envelope[PriceOutput], await self._fetch_json(call), tr)

    # --- domestic reservations (real trading only) ---------------------------------------------

    async def place_reservation(
        self, req: ReservationOrderRequest, *, intent: str | None = None
    ) -> ReservationOrderOutput:
        tr = simple_tr_id(ApiId.DOMESTIC_RESV_ORDER, self.env)  # NotAvailableError on paper
        self._check_account(req.account, req.product_code)
        call = _Call(ApiId.DOMESTIC_RESV_ORDER, tr, Kind.ORDER, body=req.to_wire(), intent=intent)
        return _output(Envelope[ReservationOrderOutput], await self._fetch_json(call), tr)

    async def reservations_page(
        self, query: ReservationListQuery, *, tr_cont: str = FIRST_PAGE
    ) -> Page[ReservationRow]:
        tr = simple_tr_id(ApiId.DOMESTIC_RESV_LIST, self.env)
        self._check_account(query.account, query.product_code)
        call = _Call(ApiId.DOMESTIC_RESV_LIST, tr, Kind.QUERY, params=query.to_wire(), tr_cont=tr_cont)
        return await self._page(PagedEnvelope[ReservationRow], ReservationRow, call)

    async def reservations_all(
        self, start: date, end: date, *, symbol: str = "", include_cancelled: bool = False
    ) -> list[ReservationRow]:
        simple_tr_id(ApiId.DOMESTIC_RESV_LIST, self.env)  # refuse on paper before building anything
        query = ReservationListQuery(
            start_date=start,
            end_date=end,
            account=self.account.cano,
            product_code=self.account.product_code,
            symbol=symbol,
            valid_only="N" if include_cancelled else "Y",
        )

        def fetch(tr_cont: str, fk: str, nk: str) -> Awaitable[Page[ReservationRow]]:
            updated = query.model_copy(update={"ctx_fk": fk, "ctx_nk": nk})
            return self.reservations_page(updated, tr_cont=tr_cont)

        return await read_all_pages(fetch, key=lambda r: r.sequence)

    async def revise_reservation(
        self, req: ReservationReviseRequest, *, intent: str | None = None
    ) -> ReservationReviseCancelOutput:
        return await self._resv_change(ReviseCancel.REVISE, req, intent)

    async def cancel_reservation(
        self, req: ReservationCancelRequest, *, intent: str | None = None
    ) -> ReservationReviseCancelOutput:
        return await self._resv_change(ReviseCancel.CANCEL, req, intent)

    # --- the one request path -------------------------------------------------------------------

    async def _resv_change(
        self,
        action: ReviseCancel,
        req: ReservationReviseRequest | ReservationCancelRequest,
        intent: str | None,
    ) -> ReservationReviseCancelOutput:
        tr = resv_revise_cancel_tr_id(self.env, action)  # NotAvailableError on paper
        self._check_account(req.account, req.product_code)
        call = _Call(ApiId.DOMESTIC_RESV_REVISE_CANCEL, tr, Kind.ORDER, body=req.to_wire(), intent=intent)
        return _output(Envelope[ReservationReviseCancelOutput], await self._fetch_json(call), tr)

    def _check_account(self, cano: str, product_code: str) -> None:
        if (cano, product_code) != (self.account.cano, self.account.product_code):
            raise IsolationError("the request names another account than this client's")

    async def _page(self, envelope: type[PagedEnvelope[R]], row: type[R], call: _Call) -> Page[R]:
        if call.tr_cont not in (FIRST_PAGE, NEXT_PAGE):
            raise ValueError('tr_cont is "" for the first page and "N" for the next')
        data, headers = await self._fetch(call)
        key, rows = wire_rows(data)
        if isinstance(rows, list) and len(rows) > STEPWISE_ROWS:
            # Validated row by row with turns of the loop between (kisdesk/api/stepwise.py).
            head = _validate(envelope, {k: v for k, v in data.items() if k != key}, call.tr_id)
            try:
                output = await stepwise.validate_rows(row, rows, skip=is_blank_row)
            except stepwise.RowInvalidError as exc:
                raise _protocol_error(exc.error, call.tr_id, (str(key), exc.index)) from None
        else:
            head = _validate(envelope, data, call.tr_id)
            output = list(head.output)
        has_more = more_pages(headers.get("tr_cont"), call.tr_id)
        return Page(output, has_more, head.ctx_area_fk200, head.ctx_area_nk200)

    async def _fetch_json(self, call: _Call) -> dict[str, Any]:
        data, _ = await self._fetch(call)
        return data

    async def _fetch(self, call: _Call) -> tuple[dict[str, Any], httpx.Headers]:
        return await with_retries(call.kind, lambda: self._attempt(call), self._clock)

    async def _attempt(self, call: _Call) -> tuple[dict[str, Any], httpx.Headers]:
        endpoint = ENDPOINTS[call.api_id]
        url = self._urls.get(call.api_id)
        if url is None:
            url = self._urls[call.api_id] = self.base_url.join(endpoint.path)
        if (call.api_id, call.tr_id) not in self._checked:  # before the token: nothing leaves
            check_request(self.env, self.base_url, url, call.tr_id)
            self._checked.add((call.api_id, call.tr_id))
        token = await self._token_for(call)
        priority = Priority.ORDER if call.kind is Kind.ORDER else Priority.QUERY
        async with self.limiter.slot(priority):
            # Built once admitted: a burst of requests queued at the limiter then costs the loop
            # almost nothing until each one's turn (P2: 100 orders started in one loop pass).
            request = self._link.request(
                endpoint.method,
                url,
                self._headers(call, token),
                params=call.params,
                content=None
                if call.body is None
                else json.dumps(call.body, ensure_ascii=False).encode("utf-8"),
            )
            response = await self._link.send(request, self._deadline_s, call.tr_id)
        try:
            return await unwrap(response, call.tr_id, (*self._secrets, token)), response.headers
        except KisAuthError as exc:
            if exc.msg_cd in TOKEN_INVALID_CODES:
                await self.tokens.invalidate(token)  # the retry table allows one more attempt
            raise

    async def _token_for(self, call: _Call) -> str:
        """The bearer token; failing to get one is final and means this request was never sent."""
        try:
            return await self.tokens.token()
        except KisAuthError:
            raise
        except KisError as exc:
            # Not the request's own transport error: an order must not look "outcome unknown" here.
            raise KisAuthError(
                tr_id=call.tr_id, rt_cd="", msg_cd="", msg1=f"no access token ({exc}); request not sent"
            ) from exc

    def _headers(self, call: _Call, token: str) -> dict[str, str]:
        headers = {
            "content-type": JSON_CONTENT_TYPE,
            "authorization": f"Bearer {token}",
            "appkey": self._credentials.appkey,
            "appsecret": self._credentials.appsecret,
            "tr_id": call.tr_id,
            "custtype": self._cust_type.value,
        }
        if call.tr_cont is not None:
            headers["tr_cont"] = call.tr_cont
        if call.intent is not None and self.base_url.host in LOOPBACK_HOSTS:
            headers[INTENT_HEADER] = call.intent  # only the simulator ever sees it
        return headers


def _validate(model: type[M], data: dict[str, Any], tr_id: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _protocol_error(exc, tr_id) from None


def _protocol_error(exc: ValidationError, tr_id: str, where: tuple[str | int, ...] = ()) -> KisProtocolError:
    # Field names only: pydantic's text would quote the values.
    fields = ", ".join(".".join(map(str, (*where, *e["loc"]))) for e in exc.errors()[:5])
    return KisProtocolError(f"answer does not match the spec ({fields})", tr_id)


def _output(envelope: type[Envelope[M]], data: dict[str, Any], tr_id: str) -> M:
    output = _validate(envelope, data, tr_id).output
    if output is None:
        raise KisProtocolError("successful answer without output", tr_id)
    return output


def _history_matches(
    row: HistoryRow, symbol: str | None, exchange: Exchange | None, side: Side | None
) -> bool:
    if symbol and row.symbol != symbol:
        return False
    if side is not None and row.side_code != side.value:
        return False
    if exchange is None:
        return True
    if exchange is Exchange.NASD:  # as on the wire: NASD means every US venue
        return row.exchange in {e.value for e in US_EXCHANGES}
    return row.exchange == exchange.value
