"""Quote and buying power: 해외주식 현재체결가 (price) and 매수가능금액조회 (inquire-psamount)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from kisdesk.api.enums import Exchange
from kisdesk.api.models.common import (
    Account8,
    KisRequest,
    KisResponse,
    ProductCode,
    WireDecimal,
    WireInt,
)


class PriceQuery(KisRequest):
    """Query of `GET /uapi/overseas-price/v1/quotations/price` (quote exchange codes, not order codes)."""

    auth: str = Field("", alias="AUTH")  # 사용자권한정보, always ""
    quote_exchange: str = Field(alias="EXCD", min_length=3, max_length=4)  # NAS, NYS, HKS, …
    symbol: str = Field(alias="SYMB", min_length=1, max_length=16)


class PriceOutput(KisResponse):
    """`output` of the price API. An unknown symbol comes back with a blank `last`."""

    realtime_key: str = Field("", alias="rsym")
    decimals: WireInt = Field(0, alias="zdiv")  # 소수점자리수
    prev_close: WireDecimal = Field(Decimal(0), alias="base")
    prev_volume: WireInt = Field(0, alias="pvol")
    last_text: str = Field("", alias="last")  # 현재가; kept as text: blank means "no such symbol"
    sign: str = Field("", alias="sign")
    change: WireDecimal = Field(Decimal(0), alias="diff")
    change_rate: WireDecimal = Field(Decimal(0), alias="rate")
    volume: WireInt = Field(0, alias="tvol")
    turnover: WireDecimal = Field(Decimal(0), alias="tamt")
    orderable: str = Field("", alias="ordy")  # 매수가능여부 text

    @property
    def found(self) -> bool:
        return bool(self.last_text.strip())

    @property
    def last(self) -> Decimal | None:
        return Decimal(self.last_text.strip()) if self.found else None


class BuyingPowerQuery(KisRequest):
    """Query of `GET /uapi/overseas-stock/v1/trading/inquire-psamount`."""

    account: Account8 = Field(alias="CANO")
    product_code: ProductCode = Field(alias="ACNT_PRDT_CD")
    exchange: Exchange = Field(alias="OVRS_EXCG_CD")
    price: WireDecimal = Field(alias="OVRS_ORD_UNPR", ge=0)  # price used for the quantity figure
    symbol: str = Field(alias="ITEM_CD", min_length=1, max_length=12)


class BuyingPowerOutput(KisResponse):
    """`output` of inquire-psamount: foreign-currency-only and integrated (통합) figures."""

    currency: str = Field("", alias="tr_crcy_cd")
    orderable_foreign: WireDecimal = Field(alias="ord_psbl_frcr_amt")  # 주문가능외화금액
    reusable_sale_amount: WireDecimal = Field(alias="sll_ruse_psbl_amt")  # 매도재사용가능금액
    orderable_amount: WireDecimal = Field(alias="ovrs_ord_psbl_amt")  # 해외주문가능금액 (외화)
    max_quantity: WireInt = Field(alias="max_ord_psbl_qty")  # 최대주문가능수량 (외화)
    orderable_quantity: WireInt = Field(alias="ord_psbl_qty")  # 주문가능수량
    exchange_rate: WireDecimal = Field(alias="exrt")  # 환율
    integrated_amount: WireDecimal = Field(alias="frcr_ord_psbl_amt1")  # 외화주문가능금액1 (통합)
    integrated_max_quantity: WireInt = Field(alias="ovrs_max_ord_psbl_qty")  # (통합)
