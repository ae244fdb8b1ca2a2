"""Domestic reservation orders: order-resv (v1_국내주식-017), order-resv-ccnl (-020) and
order-resv-rvsecncl (-018 cancel CTSC0009U, -019 revise CTSC0013U). Real trading only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Self

from pydantic import Field, model_validator

from kisdesk.api.enums import BalanceKind, ResvOrderDivision, Side
from kisdesk.api.models.common import (
    Account8,
    KisRequest,
    KisResponse,
    ProductCode,
    WireDate,
    WireDecimal,
    WireInt,
)


class _ResvOrderFields(KisRequest):
    """Fields a new reservation and a revise share."""

    account: Account8 = Field(alias="CANO")
    product_code: ProductCode = Field(alias="ACNT_PRDT_CD")
    symbol: str = Field(alias="PDNO", pattern=r"^Q?\d{6}$")  # 종목코드; ETNs start with Q
    quantity: WireInt = Field(alias="ORD_QTY", gt=0, lt=10**10)
    price: WireDecimal = Field(alias="ORD_UNPR", ge=0)  # "0" for market (01) and pre-market (05)
    side: Side = Field(alias="SLL_BUY_DVSN_CD")
    division: ResvOrderDivision = Field(alias="ORD_DVSN_CD")
    balance: BalanceKind = Field(BalanceKind.CASH, alias="ORD_OBJT_CBLC_DVSN_CD")
    loan_date: WireDate | None = Field(None, alias="LOAN_DT")
    end_date: WireDate | None = Field(None, alias="RSVN_ORD_END_DT")  # set: period reservation

    @model_validator(mode="after")
    def _wire_rules(self) -> Self:
        if self.division.is_market_type and self.price != Decimal(0):
            raise ValueError(f'ORD_DVSN_CD {self.division.value} sends ORD_UNPR "0"')
        if not self.division.is_market_type and self.price <= 0:
            raise ValueError("a limit-type reservation needs a price above 0")
        if self.side is Side.BUY and self.balance is not BalanceKind.CASH:
            raise ValueError("only a cash (10) balance can buy")
        return self


class ReservationOrderRequest(_ResvOrderFields):
    """Body of `POST /uapi/domestic-stock/v1/trading/order-resv` (CTSC0008U)."""

    lending_date: WireDate | None = Field(None, alias="LDNG_DT")  # for 14 대여상환


class ReservationOrderOutput(KisResponse):
    """`output` of order-resv: the reservation sequence number (key of the row case is UNCERTAIN)."""

    sequence: str = Field(alias="RSVN_ORD_SEQ")


class ReservationReviseRequest(_ResvOrderFields):
    """Body of a revise (CTSC0013U). The sequence stays; org no. and date are sent when known."""

    sequence: str = Field(alias="RSVN_ORD_SEQ", min_length=1, max_length=10)
    org_no: str | None = Field(None, alias="RSVN_ORD_ORGNO", max_length=5)
    order_date: WireDate | None = Field(None, alias="RSVN_ORD_ORD_DT")


class ReservationCancelRequest(KisRequest):
    """Body of a cancel (CTSC0009U): the sequence, plus org no. and date when known."""

    account: Account8 = Field(alias="CANO")
    product_code: ProductCode = Field(alias="ACNT_PRDT_CD")
    sequence: str = Field(alias="RSVN_ORD_SEQ", min_length=1, max_length=10)
    org_no: str | None = Field(None, alias="RSVN_ORD_ORGNO", max_length=5)
    order_date: WireDate | None = Field(None, alias="RSVN_ORD_ORD_DT")


class ReservationReviseCancelOutput(KisResponse):
    processed: str = Field("", alias="NRML_PRCS_YN")  # 정상처리여부 Y


class ReservationListQuery(KisRequest):
    """Query of `GET /uapi/domestic-stock/v1/trading/order-resv-ccnl` (CTSC0004R), 20 rows a page."""

    start_date: WireDate = Field(alias="RSVN_ORD_ORD_DT")
    end_date: WireDate = Field(alias="RSVN_ORD_END_DT")
    sequence: str = Field("", alias="RSVN_ORD_SEQ", max_length=10)
    channel: str = Field("00", alias="TMNL_MDIA_KIND_CD")
    account: Account8 = Field(alias="CANO")
    product_code: ProductCode = Field(alias="ACNT_PRDT_CD")
    processed: str = Field("0", alias="PRCS_DVSN_CD", pattern=r"^0?[012]$")  # 0 all, 1 done, 2 not
    valid_only: str = Field("Y", alias="CNCL_YN", max_length=1)  # Y: only non-cancelled
    symbol: str = Field("", alias="PDNO", max_length=12)
    side: str = Field("", alias="SLL_BUY_DVSN_CD", max_length=2)
    ctx_fk: str = Field("", alias="CTX_AREA_FK200", max_length=200)
    ctx_nk: str = Field("", alias="CTX_AREA_NK200", max_length=200)


class ReservationRow(KisResponse):
    """One row of order-resv-ccnl."""

    sequence: str = Field(alias="rsvn_ord_seq")
    order_date: str = Field("", alias="rsvn_ord_ord_dt")  # date it is (was) to be ordered
    receipt_date: str = Field("", alias="rsvn_ord_rcit_dt")
    symbol: str = Field(alias="pdno")
    division_code: str = Field("", alias="ord_dvsn_cd")  # NOT the request's code domain (UNCERTAIN)
    quantity: WireInt = Field(0, alias="ord_rsvn_qty")
    filled_quantity: WireInt = Field(0, alias="tot_ccld_qty")
    cancel_date: str = Field("", alias="cncl_ord_dt")
    order_time: str = Field("", alias="ord_tmd")
    contact_phone: str = Field("", alias="ctac_tlno")
    reject_reason: str = Field("", alias="rjct_rson2")
    order_no: str = Field("", alias="odno")
    receipt_time: str = Field("", alias="rsvn_ord_rcit_tmd")
    name: str = Field("", alias="kor_item_shtn_name")
    side_code: str = Field("", alias="sll_buy_dvsn_cd")
    price: WireDecimal = Field(Decimal(0), alias="ord_rsvn_unpr")
    filled_amount: WireDecimal = Field(Decimal(0), alias="tot_ccld_amt")
    loan_date: str = Field("", alias="loan_dt")
    cancel_time: str = Field("", alias="cncl_rcit_tmd")
    result: str = Field("", alias="prcs_rslt")  # 처리결과, e.g. 미처리
    division_name: str = Field("", alias="ord_dvsn_name")
    channel: str = Field("", alias="tmnl_mdia_kind_cd")
    end_date: str = Field("", alias="rsvn_end_dt")
    org_no: str = Field("", alias="rsvn_ord_orgno")  # in no source; read if a server sends it

    @property
    def cancelled(self) -> bool:
        return bool(self.cancel_date.strip())

    @property
    def order_day(self) -> date | None:
        text = self.order_date.strip()
        return date(int(text[:4]), int(text[4:6]), int(text[6:])) if len(text) == 8 else None
