from __future__ import annotations

import pytest

from kisdesk.api.credentials import Account, Credentials
from tests.api.kis_fakes import APPKEY, APPSECRET


def test_repr_and_str_mask_both_secrets() -> None:
    creds = Credentials(APPKEY, APPSECRET)
    for text in (repr(creds), str(creds), f"{creds}", repr([creds])):
        assert APPKEY not in text
        assert APPSECRET not in text
        assert "appsecret=***" in text


def test_repr_names_the_key_by_a_short_hash() -> None:
    creds = Credentials(APPKEY, APPSECRET)
    assert creds.fingerprint in repr(creds)
    assert len(creds.fingerprint) == 16


@pytest.mark.parametrize(
    ("appkey", "appsecret"),
    [
        (APPKEY[:-1], APPSECRET),
        (APPKEY + "x", APPSECRET),
        (APPKEY, APPSECRET[:-1]),
        (APPKEY[:-1] + " ", APPSECRET),
        (APPKEY[:-1] + "é", APPSECRET),
    ],
)
def test_wrong_shape_is_refused_without_echoing_the_value(appkey: str, appsecret: str) -> None:
    with pytest.raises(ValueError, match="must be") as info:
        Credentials(appkey, appsecret)
    assert appkey not in str(info.value)
    assert appsecret not in str(info.value)


@pytest.mark.parametrize("text", ["12345678-01", "1234567801", " 12345678-01 "])
def test_account_parse(text: str) -> None:
    account = Account.parse(text)
    assert (account.cano, account.product_code) == ("12345678", "01")
    assert str(account) == "12345678-01"


@pytest.mark.parametrize("text", ["1234567-01", "12345678-1", "abcdefgh-01", "12345678_01", ""])
def test_account_parse_refuses_other_shapes(text: str) -> None:
    with pytest.raises(ValueError, match="account number"):
        Account.parse(text)


def test_account_validates_fields() -> None:
    with pytest.raises(ValueError, match="CANO"):
        Account("1234", "01")
    with pytest.raises(ValueError, match="ACNT_PRDT_CD"):
        Account("12345678", "1")
