"""Who is calling: the app key pair (`Credentials`) and the account the orders go to (`Account`).

`Credentials` never prints its secrets: repr/str show only a short hash of the app key, which is
enough to tell two key pairs apart in a log without revealing either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

APPKEY_LENGTH: Final = 36
APPSECRET_LENGTH: Final = 180
_ACCOUNT = re.compile(r"^(\d{8})-?(\d{2})$")


def appkey_fingerprint(appkey: str) -> str:
    """First 16 hex digits of sha256(appkey): a stable, non-secret name for a key."""
    import hashlib  # here: it loads libcrypto, and this module is imported before the first paint

    return hashlib.sha256(appkey.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Credentials:
    """One environment's app key and app secret (README.md § Common REST request headers)."""

    appkey: str = field(repr=False)
    appsecret: str = field(repr=False)

    def __post_init__(self) -> None:
        # The messages state lengths only: the values themselves must never reach an exception.
        _check_secret("appkey", self.appkey, APPKEY_LENGTH)
        _check_secret("appsecret", self.appsecret, APPSECRET_LENGTH)

    @property
    def fingerprint(self) -> str:
        return appkey_fingerprint(self.appkey)

    def __repr__(self) -> str:
        return f"Credentials(appkey=<sha256:{self.fingerprint}>, appsecret=***)"

    __str__ = __repr__

    def secrets(self) -> tuple[str, str]:
        """The strings that must be scrubbed from anything shown or logged."""
        return (self.appkey, self.appsecret)


def _check_secret(name: str, value: str, length: int) -> None:
    if len(value) != length:
        raise ValueError(f"{name} must be {length} characters (got {len(value)})")
    if any(c.isspace() for c in value) or not value.isascii():
        raise ValueError(f"{name} must be printable ASCII without spaces")


@dataclass(frozen=True, slots=True)
class Account:
    """An 8-2 account number: CANO (8 digits) and ACNT_PRDT_CD (2 digits, 01 = 종합)."""

    cano: str
    product_code: str = "01"

    def __post_init__(self) -> None:
        if not re.fullmatch(r"\d{8}", self.cano):
            raise ValueError("CANO must be 8 digits")
        if not re.fullmatch(r"\d{2}", self.product_code):
            raise ValueError("ACNT_PRDT_CD must be 2 digits")

    @classmethod
    def parse(cls, text: str) -> Account:
        """Read "12345678-01" (or "1234567801")."""
        match = _ACCOUNT.fullmatch(text.strip())
        if match is None:
            raise ValueError("an account number looks like 12345678-01")
        return cls(match.group(1), match.group(2))

    def __str__(self) -> str:
        return f"{self.cano}-{self.product_code}"
