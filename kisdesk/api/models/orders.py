"""Overseas order entry: v1_해외주식-001 (order) and v1_해외주식-003 (revise/cancel)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Self

from pydantic import BeforeValidator, Field, model_validator

from kisdesk.api.enums import AlgoTiming, Exchange, OrderDivision, ReviseCancel
from kisdesk.api.models.common import (
    Account8,
    HhMmSs,
    KisRequest,
    KisResponse,
    ProductCode,
    WireDecimal,
    WireInt,
)


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


class OverseasOrderRequest(KisRequest):
    """Body of v1_해외주식-001 `POST /uapi/overseas-stock/v1/trading/order`.

    Wire rules that do not depend on the venue live here; which ORD_DVSN a TR allows is in the
    registry/capability tables.
    """

    account: Account8 = Field(alias="CANO")  # 종합계좌번호
    product_code: ProductCode = Field(alias="ACNT_PRDT_CD")  # 계좌상품코드
    exchange: Exchange = Field(alias="OVRS_EXCG_CD")  # 해외거래소코드
    symbol: str = Field(alias="PDNO", min_length=1, max_length=12)  # 상품번호
    quantity: WireInt = Field(alias="ORD_QTY", gt=0, lt=10**10)  # 주문수량
    price: WireDecimal = Field(alias="OVRS_ORD_UNPR", ge=0)  # 해외주문단가; "0" for MOO/MOC
    contact_phone: str = Field("", alias="CTAC_TLNO", max_length=20)  # 연락전화번호
    manager_order_no: str = Field("", alias="MGCO_APTM_ODNO", max_length=12)  # 운용사지정주문번호
    sell_type: str | None = Field(None, alias="SLL_TYPE", max_length=2)  # 판매유형: sell "00"
    server_division: str = Field("0", alias="ORD_SVR_DVSN_CD")  # 주문서버구분코드, always "0"
    # 주문구분. Optional only because the spec marks it "removed" for most Asian TRs; kisdesk sends it.
    division: Annotated[OrderDivision | None, BeforeValidator(_blank_to_none)] = Field(None, alias="ORD_DVSN")
    start_time: HhMmSs | None = Field(None, alias="START_TIME")  # 시작시간 (TWAP/VWAP)
    end_time: HhMmSs | None = Field(None, alias="END_TIME")  # 종료시간
    algo_timing: Annotated[AlgoTiming | None, BeforeValidator(_blank_to_none)] = Field(
        None, alias="ALGO_ORD_TMD_DVSN_CD"
    )

    @model_validator(mode="after")
    def _wire_rules(self) -> Self:
        division = self.division
        if division is not None and division.is_market_type and self.price != 0:
            raise ValueError(f"ORD_DVSN {division.value} is a market-type order: price must be 0")
        if division is not None and not division.is_market_type and self.price <= 0:
            raise ValueError("a limit-type order needs a price above 0")
        algo = division is not None and division.is_algo
        if algo:
            if self.algo_timing is None:
                raise ValueError("TWAP/VWAP need ALGO_ORD_TMD_DVSN_CD")
            if self.algo_timing is AlgoTiming.WINDOW and (not self.start_time or not self.end_time):
                raise ValueError("ALGO_ORD_TMD_DVSN_CD 00 needs START_TIME and END_TIME")
        elif self.algo_timing or self.start_time or self.end_time:
            raise ValueError("algo time fields are only for TWAP/VWAP (ORD_DVSN 35/36)")
        return self


class OrderOutput(KisResponse):
    """`output` of an order or revise/cancel: the (new) order number."""

    branch_no: str = Field("", alias="KRX_FWDG_ORD_ORGNO")  # 한국거래소전송주문조직번호
    order_no: str = Field(alias="ODNO")  # 주문번호
    order_time: str = Field("", alias="ORD_TMD")  # 주문시각 HHMMSS (KST)


class ReviseCancelRequest(KisRequest):
    """Body of v1_해외주식-003 `POST /uapi/overseas-stock/v1/trading/order-rvsecncl`.

    There is no ORD_DVSN: a revise keeps the original order type. A cancel sends price "0"; its
    quantity is the number of shares to cancel (0 or ≥ remaining: all of them — simulator setting).
    """

    account: Account8 = Field(alias="CANO")
    product_code: ProductCode = Field(alias="ACNT_PRDT_CD")
    exchange: Exchange = Field(alias="OVRS_EXCG_CD")
    symbol: str = Field(alias="PDNO", min_length=1, max_length=12)
    original_order_no: str = Field(alias="ORGN_ODNO", min_length=1, max_length=10)  # 원주문번호
    action: ReviseCancel = Field(alias="RVSE_CNCL_DVSN_CD")  # 정정취소구분코드
    quantity: WireInt = Field(alias="ORD_QTY", ge=0, lt=10**10)
    price: WireDecimal = Field(alias="OVRS_ORD_UNPR", ge=0)
    manager_order_no: str = Field("", alias="MGCO_APTM_ODNO", max_length=12)
    server_division: str = Field("0", alias="ORD_SVR_DVSN_CD")

    @model_validator(mode="after")
    def _wire_rules(self) -> Self:
        if self.action is ReviseCancel.CANCEL and self.price != Decimal(0):
            raise ValueError('a cancel sends OVRS_ORD_UNPR "0"')
        if self.action is ReviseCancel.REVISE and self.quantity < 1:
            raise ValueError("a revise needs the new quantity (≥ 1)")
        return self
