"""Wire vocabulary of the KIS Open API: environments, venues, sides and order codes.

Every enum value is the code KIS puts on the wire, so a member can be dumped into a request as is.
Display labels belong to the UI, never here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class Env(StrEnum):
    """Which KIS host a session talks to.

    DEMO is the simulator built into kisdesk; it imitates the real host (real TR IDs, every order type).
    """

    REAL = "real"
    PAPER = "paper"
    DEMO = "demo"

    @property
    def family(self) -> TrFamily:
        """The TR-ID family this environment's requests carry."""
        return TrFamily.PAPER if self is Env.PAPER else TrFamily.REAL


class TrFamily(StrEnum):
    """The two TR-ID columns of the KIS spec: real-trading (T…/C…) and paper (V…) IDs."""

    REAL = "real"
    PAPER = "paper"


class Market(StrEnum):
    """Country/market groups that share TR IDs (the KIS spec's rows)."""

    US = "US"
    HK = "HK"
    SH = "SH"
    SZ = "SZ"
    JP = "JP"
    VN = "VN"


class Exchange(StrEnum):
    """Order-side exchange codes (OVRS_EXCG_CD)."""

    NASD = "NASD"
    NYSE = "NYSE"
    AMEX = "AMEX"
    SEHK = "SEHK"
    SHAA = "SHAA"
    SZAA = "SZAA"
    TKSE = "TKSE"
    HASE = "HASE"
    VNSE = "VNSE"

    @property
    def info(self) -> ExchangeInfo:
        return EXCHANGES[self]

    @property
    def market(self) -> Market:
        return EXCHANGES[self].market


@dataclass(frozen=True, slots=True)
class ExchangeInfo:
    """Facts about one venue from overseas-order.md §5."""

    exchange: Exchange
    market: Market
    quote_code: str  # EXCD for the quotation APIs (NAS, NYS, …), not the order code
    currency: str
    timezone: str
    country_code: str  # natn_cd / tr_natn in inquiry rows
    country_name: str  # natn_kor_name
    market_name: str  # tr_mket_name (Korean)


EXCHANGES: Final[dict[Exchange, ExchangeInfo]] = {
    e.exchange: e
    for e in (
        ExchangeInfo(Exchange.NASD, Market.US, "NAS", "USD", "America/New_York", "840", "미국", "나스닥"),
        ExchangeInfo(Exchange.NYSE, Market.US, "NYS", "USD", "America/New_York", "840", "미국", "뉴욕"),
        ExchangeInfo(Exchange.AMEX, Market.US, "AMS", "USD", "America/New_York", "840", "미국", "아멕스"),
        ExchangeInfo(Exchange.SEHK, Market.HK, "HKS", "HKD", "Asia/Hong_Kong", "344", "홍콩", "홍콩"),
        ExchangeInfo(Exchange.SHAA, Market.SH, "SHS", "CNY", "Asia/Shanghai", "156", "중국", "상해"),
        ExchangeInfo(Exchange.SZAA, Market.SZ, "SZS", "CNY", "Asia/Shanghai", "156", "중국", "심천"),
        ExchangeInfo(Exchange.TKSE, Market.JP, "TSE", "JPY", "Asia/Tokyo", "392", "일본", "동경"),
        ExchangeInfo(Exchange.HASE, Market.VN, "HNX", "VND", "Asia/Ho_Chi_Minh", "704", "베트남", "하노이"),
        ExchangeInfo(Exchange.VNSE, Market.VN, "HSX", "VND", "Asia/Ho_Chi_Minh", "704", "베트남", "호치민"),
    )
}

US_EXCHANGES: Final[frozenset[Exchange]] = frozenset({Exchange.NASD, Exchange.NYSE, Exchange.AMEX})


class Side(StrEnum):
    """SLL_BUY_DVSN_CD: KIS codes sell as 01 and buy as 02."""

    SELL = "01"
    BUY = "02"


class OrderDivision(StrEnum):
    """ORD_DVSN of v1_해외주식-001."""

    LIMIT = "00"  # 지정가
    MOO = "31"  # 장개시시장가 market-on-open
    LOO = "32"  # 장개시지정가 limit-on-open
    MOC = "33"  # 장마감시장가 market-on-close
    LOC = "34"  # 장마감지정가 limit-on-close
    TWAP = "35"  # 시간가중평균
    VWAP = "36"  # 거래량가중평균
    ODD_LOT = "50"  # 단주지정가 (HK odd-lot sell)

    @property
    def is_market_type(self) -> bool:
        """Market-type orders carry price "0" on the wire."""
        return self in (OrderDivision.MOO, OrderDivision.MOC)

    @property
    def is_algo(self) -> bool:
        """TWAP/VWAP need the algo time fields and cannot be revised."""
        return self in (OrderDivision.TWAP, OrderDivision.VWAP)


class AlgoTiming(StrEnum):
    """ALGO_ORD_TMD_DVSN_CD: how a TWAP/VWAP window is given."""

    WINDOW = "00"  # START_TIME/END_TIME given explicitly
    UNTIL_CLOSE = "02"  # until the regular session ends


class ReviseCancel(StrEnum):
    """RVSE_CNCL_DVSN_CD of v1_해외주식-003."""

    REVISE = "01"
    CANCEL = "02"


class ResvOrderDivision(StrEnum):
    """ORD_DVSN_CD of the domestic reservation order (order-resv)."""

    LIMIT = "00"  # 지정가
    MARKET = "01"  # 시장가
    CONDITIONAL_LIMIT = "02"  # 조건부지정가
    PRE_MARKET = "05"  # 장전 시간외

    @property
    def is_market_type(self) -> bool:
        """Market and pre-market reservations carry ORD_UNPR "0"."""
        return self in (ResvOrderDivision.MARKET, ResvOrderDivision.PRE_MARKET)


class BalanceKind(StrEnum):
    """ORD_OBJT_CBLC_DVSN_CD: which balance a reservation order draws on. Only cash is buyable."""

    CASH = "10"  # 현금
    STOCK_LOAN = "12"  # 주식담보대출 (sell only)
    LENDING_REPAY = "14"  # 대여상환 (sell only)
    OWN_CREDIT_NEW = "21"  # 자기융자신규
    DIST_SHORT_NEW = "22"  # 유통대주신규
    DIST_CREDIT_NEW = "23"  # 유통융자신규
    OWN_SHORT_NEW = "24"  # 자기대주신규
    OWN_CREDIT_REPAY = "25"  # 자기융자상환
    DIST_SHORT_REPAY = "26"  # 유통대주상환
    DIST_CREDIT_REPAY = "27"  # 유통융자상환
    OWN_SHORT_REPAY = "28"  # 자기대주상환


class CustType(StrEnum):
    """custtype header: P individual, B corporate/affiliate."""

    PERSONAL = "P"
    CORPORATE = "B"


class ContinuationFlag(StrEnum):
    """tr_cont response header values (README.md § Paging)."""

    FIRST = "F"
    MORE = "M"
    DONE = "D"
    END = "E"
    NEXT = "N"  # request header for a follow-up page

    @property
    def has_more(self) -> bool:
        return self in (ContinuationFlag.FIRST, ContinuationFlag.MORE)
