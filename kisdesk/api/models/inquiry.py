"""Overseas pending orders (inquire-nccs, v1_해외주식-005) and order history (inquire-ccnl, -007)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from kisdesk.api.models.common import (
    Account8,
    KisRequest,
    KisResponse,
    ProductCode,
    WireDecimal,
    WireInt,
)


class PendingQuery(KisRequest):
    """Query of `GET /uapi/overseas-stock/v1/trading/inquire-nccs`. NASD means all three US venues."""

    account: Account8 = Field(alias="CANO")
    product_code: ProductCode = Field(alias="ACNT_PRDT_CD")
    # Always a venue code: the spec warns a blank one makes the next-page call impossible.
    exchange: str = Field(alias="OVRS_EXCG_CD", min_length=4, max_length=4)
    sort: str = Field("", alias="SORT_SQN", max_length=2)  # "" for TTTS3018R per spec, "DS" ascending
    ctx_fk: str = Field("", alias="CTX_AREA_FK200", max_length=200)
    ctx_nk: str = Field("", alias="CTX_AREA_NK200", max_length=200)


class PendingRow(KisResponse):
    """One row of inquire-nccs: an order with an unfilled quantity."""

    order_date: str = Field("", alias="ord_dt")  # 주문일자 (local exchange date)
    branch_no: str = Field("", alias="ord_gno_brno")  # 주문채번지점번호
    order_no: str = Field(alias="odno")  # 주문번호
    original_order_no: str = Field("", alias="orgn_odno")  # 원주문번호
    symbol: str = Field(alias="pdno")
    name: str = Field("", alias="prdt_name")
    side_code: str = Field(alias="sll_buy_dvsn_cd")  # 01 sell, 02 buy
    side_name: str = Field("", alias="sll_buy_dvsn_cd_name")
    revise_cancel_code: str = Field("", alias="rvse_cncl_dvsn_cd")
    revise_cancel_name: str = Field("", alias="rvse_cncl_dvsn_cd_name")
    reject_reason: str = Field("", alias="rjct_rson")
    reject_reason_name: str = Field("", alias="rjct_rson_name")
    order_time: str = Field("", alias="ord_tmd")
    market_name: str = Field("", alias="tr_mket_name")
    currency: str = Field("", alias="tr_crcy_cd")
    country_code: str = Field("", alias="natn_cd")
    country_name: str = Field("", alias="natn_kor_name")
    quantity: WireInt = Field(0, alias="ft_ord_qty")
    filled_quantity: WireInt = Field(0, alias="ft_ccld_qty")
    unfilled_quantity: WireInt = Field(0, alias="nccs_qty")
    price: WireDecimal = Field(Decimal(0), alias="ft_ord_unpr3")
    avg_fill_price: WireDecimal = Field(Decimal(0), alias="ft_ccld_unpr3")
    filled_amount: WireDecimal = Field(Decimal(0), alias="ft_ccld_amt3")
    exchange: str = Field("", alias="ovrs_excg_cd")  # the real venue, even when queried with NASD
    status_name: str = Field("", alias="prcs_stat_name")
    loan_type: str = Field("", alias="loan_type_cd")
    loan_date: str = Field("", alias="loan_dt")
    us_after_market_extension: str = Field("", alias="usa_amk_exts_rqst_yn")
    algo_window: str = Field("", alias="splt_buy_attr_name")  # TWAP/VWAP window text


class HistoryQuery(KisRequest):
    """Query of `GET /uapi/overseas-stock/v1/trading/inquire-ccnl`. Dates are local exchange dates.

    Paper accepts only the "all" filter values (PDNO "", SLL_BUY_DVSN "00", CCLD_NCCS_DVSN "00",
    OVRS_EXCG_CD "").
    """

    account: Account8 = Field(alias="CANO")
    product_code: ProductCode = Field(alias="ACNT_PRDT_CD")
    symbol: str = Field("%", alias="PDNO", max_length=12)  # "%" all (real), "" all (paper)
    start_date: str = Field(alias="ORD_STRT_DT", pattern=r"^\d{8}$")
    end_date: str = Field(alias="ORD_END_DT", pattern=r"^\d{8}$")
    side: str = Field("00", alias="SLL_BUY_DVSN", pattern=r"^0[012]$")  # 00 all, 01 sell, 02 buy
    fill_state: str = Field("00", alias="CCLD_NCCS_DVSN", pattern=r"^0[012]$")  # 00/01 filled/02 open
    exchange: str = Field("%", alias="OVRS_EXCG_CD", max_length=4)  # "%" all, NASD = all US
    sort: str = Field("DS", alias="SORT_SQN", max_length=2)  # DS ascending, AS descending
    order_date: str = Field("", alias="ORD_DT", max_length=8)  # must be ""
    branch_no: str = Field("", alias="ORD_GNO_BRNO", max_length=5)  # must be ""
    order_no: str = Field("", alias="ODNO", max_length=10)  # must be "": no search by order no.
    ctx_nk: str = Field("", alias="CTX_AREA_NK200", max_length=200)
    ctx_fk: str = Field("", alias="CTX_AREA_FK200", max_length=200)


class HistoryRow(KisResponse):
    """One row of inquire-ccnl: an order, revise or cancel, in any state."""

    order_date: str = Field("", alias="ord_dt")  # local exchange date
    branch_no: str = Field("", alias="ord_gno_brno")
    order_no: str = Field(alias="odno")
    original_order_no: str = Field("", alias="orgn_odno")
    side_code: str = Field(alias="sll_buy_dvsn_cd")
    side_name: str = Field("", alias="sll_buy_dvsn_cd_name")
    revise_cancel_code: str = Field("", alias="rvse_cncl_dvsn")  # no _cd suffix here (unlike nccs)
    revise_cancel_name: str = Field("", alias="rvse_cncl_dvsn_name")
    symbol: str = Field(alias="pdno")
    name: str = Field("", alias="prdt_name")
    quantity: WireInt = Field(0, alias="ft_ord_qty")
    price: WireDecimal = Field(Decimal(0), alias="ft_ord_unpr3")
    filled_quantity: WireInt = Field(0, alias="ft_ccld_qty")
    avg_fill_price: WireDecimal = Field(Decimal(0), alias="ft_ccld_unpr3")
    filled_amount: WireDecimal = Field(Decimal(0), alias="ft_ccld_amt3")
    unfilled_quantity: WireInt = Field(0, alias="nccs_qty")
    status_name: str = Field("", alias="prcs_stat_name")  # 완료 / 거부 / 전송
    reject_reason: str = Field("", alias="rjct_rson")
    reject_reason_name: str = Field("", alias="rjct_rson_name")
    order_time: str = Field("", alias="ord_tmd")
    market_name: str = Field("", alias="tr_mket_name")
    country_code: str = Field("", alias="tr_natn")
    country_name: str = Field("", alias="tr_natn_name")
    exchange: str = Field("", alias="ovrs_excg_cd")
    currency: str = Field("", alias="tr_crcy_cd")
    kr_order_date: str = Field("", alias="dmst_ord_dt")  # 국내주문일자 (KST)
    kr_receipt_time: str = Field("", alias="thco_ord_tmd")  # 당사주문시각 (KST)
    loan_type: str = Field("", alias="loan_type_cd")
    loan_date: str = Field("", alias="loan_dt")
    channel: str = Field("", alias="mdia_dvsn_name")
    us_after_market_extension: str = Field("", alias="usa_amk_exts_rqst_yn")
    algo_window: str = Field("", alias="splt_buy_attr_name")
