"""The simulator's symbol catalogue: what each venue lists, with names, currency and a base price.

Demo data only: the names are real listings, the base prices are round, plausible figures that seed
the price paths (they are not quotes). Domestic KRX symbols serve the reservation-order APIs.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from kisdesk.api.enums import EXCHANGES, Exchange, Side
from kisdesk.api.venue_rules import board_lot

KRX: Final = "KRX"  # venue tag of domestic symbols (not an overseas Exchange code)


@dataclass(frozen=True, slots=True)
class Instrument:
    venue: str  # an Exchange value, or KRX
    symbol: str
    name_ko: str
    name_en: str
    currency: str
    base_price: Decimal
    lot: int  # buy lot (HK: the stock's board lot)

    @property
    def key(self) -> str:
        """Identity across venues: price paths and positions are keyed by it."""
        return f"{self.venue}:{self.symbol}"

    @property
    def exchange(self) -> Exchange | None:
        return None if self.venue == KRX else Exchange(self.venue)


def _listing(exchange: Exchange, symbol: str, name_ko: str, name_en: str, base: str) -> Instrument:
    lot = board_lot(exchange, Side.BUY, symbol)
    return Instrument(exchange.value, symbol, name_ko, name_en, exchange.info.currency, Decimal(base), lot)


def _krx(symbol: str, name_ko: str, name_en: str, base: str) -> Instrument:
    return Instrument(KRX, symbol, name_ko, name_en, "KRW", Decimal(base), 1)


_E = Exchange
_OVERSEAS: Final[tuple[Instrument, ...]] = (
    _listing(_E.NASD, "AAPL", "애플", "Apple Inc.", "228.50"),
    _listing(_E.NASD, "MSFT", "마이크로소프트", "Microsoft Corp.", "415.20"),
    _listing(_E.NASD, "NVDA", "엔비디아", "NVIDIA Corp.", "138.70"),
    _listing(_E.NASD, "TSLA", "테슬라", "Tesla Inc.", "251.30"),
    _listing(_E.NASD, "AMZN", "아마존닷컴", "Amazon.com Inc.", "186.40"),
    _listing(_E.NASD, "GOOGL", "알파벳 A", "Alphabet Inc. Class A", "165.90"),
    _listing(_E.NASD, "META", "메타 플랫폼스", "Meta Platforms Inc.", "560.10"),
    _listing(_E.NASD, "SIRI", "시리우스XM", "Sirius XM Holdings", "0.8500"),  # a sub-dollar tick case
    _listing(_E.NYSE, "KO", "코카콜라", "Coca-Cola Co.", "62.40"),
    _listing(_E.NYSE, "JPM", "JP모간체이스", "JPMorgan Chase & Co.", "212.80"),
    _listing(_E.NYSE, "XOM", "엑슨모빌", "Exxon Mobil Corp.", "118.60"),
    _listing(_E.NYSE, "IBM", "IBM", "International Business Machines", "205.30"),
    _listing(_E.AMEX, "GLD", "SPDR 골드 트러스트", "SPDR Gold Shares (demo listing)", "240.10"),
    _listing(_E.AMEX, "SLV", "아이셰어즈 실버 트러스트", "iShares Silver Trust (demo listing)", "28.70"),
    _listing(_E.SEHK, "00700", "텐센트", "Tencent Holdings", "412.40"),
    _listing(_E.SEHK, "09988", "알리바바", "Alibaba Group", "86.35"),
    _listing(_E.SEHK, "00005", "HSBC 홀딩스", "HSBC Holdings", "68.20"),
    _listing(_E.SHAA, "600519", "귀주모태주", "Kweichow Moutai", "1525.00"),
    _listing(_E.SHAA, "601318", "중국평안보험", "Ping An Insurance", "48.62"),
    _listing(_E.SZAA, "000858", "오량액", "Wuliangye Yibin", "142.80"),
    _listing(_E.SZAA, "300750", "CATL", "Contemporary Amperex Technology", "251.60"),
    _listing(_E.TKSE, "7203", "도요타자동차", "Toyota Motor", "2710"),
    _listing(_E.TKSE, "6758", "소니그룹", "Sony Group", "3105"),
    _listing(_E.TKSE, "9984", "소프트뱅크그룹", "SoftBank Group", "8950"),
    _listing(_E.HASE, "SHS", "사이공하노이증권", "Saigon-Hanoi Securities", "12500"),
    _listing(_E.HASE, "PVS", "페트로베트남기술서비스", "PetroVietnam Technical Services", "34600"),
    _listing(_E.VNSE, "VNM", "비나밀크", "Vinamilk", "64800"),
    _listing(_E.VNSE, "FPT", "FPT", "FPT Corporation", "138500"),
    _listing(_E.VNSE, "VIC", "빈그룹", "Vingroup", "41250"),
)

_DOMESTIC: Final[tuple[Instrument, ...]] = (
    _krx("005930", "삼성전자", "Samsung Electronics", "56000"),
    _krx("000660", "SK하이닉스", "SK hynix", "178000"),
    _krx("035420", "NAVER", "NAVER Corp.", "168500"),
    _krx("035720", "카카오", "Kakao Corp.", "36550"),
    _krx("005380", "현대차", "Hyundai Motor", "221000"),
    _krx("373220", "LG에너지솔루션", "LG Energy Solution", "392000"),
)

OVERSEAS: Final[dict[tuple[Exchange, str], Instrument]] = {
    (Exchange(i.venue), i.symbol): i for i in _OVERSEAS
}
DOMESTIC: Final[dict[str, Instrument]] = {i.symbol: i for i in _DOMESTIC}

# Base price of a symbol outside the catalogue, when settings.accept_unknown_symbols lets it trade.
_PLACEHOLDER_BASE: Final[dict[str, str]] = {
    "USD": "50.00",
    "HKD": "50.00",
    "CNY": "20.00",
    "JPY": "1000",
    "VND": "20000",
}


def find_overseas(exchange: Exchange, symbol: str) -> Instrument | None:
    return OVERSEAS.get((exchange, symbol))


def overseas_or_placeholder(exchange: Exchange, symbol: str) -> Instrument:
    """The listed instrument, or a stand-in for an unknown symbol that the settings let through."""
    found = find_overseas(exchange, symbol)
    if found is not None:
        return found
    currency = exchange.info.currency
    return _listing(exchange, symbol, symbol, symbol, _PLACEHOLDER_BASE[currency])


def find_by_quote_code(quote_code: str, symbol: str) -> Instrument | None:
    """Look a symbol up by the quotation APIs' EXCD (NAS, NYS, HKS, …), not the order code."""
    exchange = exchange_for_quote_code(quote_code)
    return None if exchange is None else find_overseas(exchange, symbol)


# US daytime-session quote codes name the same listings (overseas-order.md §5).
_DAYTIME_CODES: Final[dict[str, Exchange]] = {"BAQ": _E.NASD, "BAY": _E.NYSE, "BAA": _E.AMEX}


def exchange_for_quote_code(quote_code: str) -> Exchange | None:
    for exchange, info in EXCHANGES.items():
        if info.quote_code == quote_code:
            return exchange
    return _DAYTIME_CODES.get(quote_code)


def find_domestic(symbol: str) -> Instrument | None:
    return DOMESTIC.get(symbol)


def domestic_or_placeholder(symbol: str) -> Instrument:
    """The listed KRX stock, or a stand-in when settings.accept_unknown_symbols lets it through."""
    return DOMESTIC.get(symbol) or _krx(symbol, symbol, symbol, "10000")


def all_instruments() -> list[Instrument]:
    return [*_OVERSEAS, *_DOMESTIC]
