"""Quote and buying power for the ticket's symbol."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kisdesk.api.client import KisClient
from kisdesk.api.enums import Exchange
from kisdesk.api.models import BuyingPowerOutput, BuyingPowerQuery


@dataclass(frozen=True, slots=True)
class Quote:
    exchange: Exchange
    symbol: str
    last: Decimal | None  # None: KIS does not know the symbol
    prev_close: Decimal
    change_rate: Decimal
    decimals: int


class MarketDataService:
    def __init__(self, client: KisClient) -> None:
        self._client = client

    async def quote(self, exchange: Exchange, symbol: str) -> Quote:
        out = await self._client.quote(exchange, symbol)
        return Quote(exchange, symbol, out.last, out.prev_close, out.change_rate, out.decimals)

    async def buying_power(self, exchange: Exchange, symbol: str, price: Decimal) -> BuyingPowerOutput:
        query = BuyingPowerQuery(
            account=self._client.account.cano,
            product_code=self._client.account.product_code,
            exchange=exchange,
            price=price,
            symbol=symbol,
        )
        return await self._client.buying_power(query)
