"""tokenP / revokeP and the token check of business calls (auth.md §1–2)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from kisdesk.api.enums import TrFamily
from kisdesk.simulator.clock import KST


def test_token_issue_shape(rig):
    out = rig.post(rig.TOKEN_PATH, rig.token_body())
    assert out.status == 200
    body = out.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "access_token_token_expired"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == rig.engine.settings.token_lifetime_s
    assert len(body["access_token"]) >= 300
    assert body["access_token"].count(".") == 2
    assert rig.APPKEY not in body["access_token"]
    expected = (rig.clock.now() + timedelta(days=1)).astimezone(KST).strftime("%Y-%m-%d %H:%M:%S")
    assert body["access_token_token_expired"] == expected
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", expected)


def test_second_issue_within_a_minute_is_403_egw00133(rig):
    rig.token()
    rig.clock.advance(59)
    out = rig.post(rig.TOKEN_PATH, rig.token_body())
    assert out.status == 403
    assert out.json() == {
        "error_code": "EGW00133",
        "error_description": "접근토큰 발급 잠시 후 다시 시도하세요(1분당 1회)",
    }


def test_reissue_inside_reuse_window_returns_same_token(rig):
    first = rig.token()
    rig.clock.advance(3600)
    second = rig.post(rig.TOKEN_PATH, rig.token_body()).json()
    assert second["access_token"] == first
    assert second["expires_in"] == rig.engine.settings.token_lifetime_s - 3600


def test_reissue_after_reuse_window_returns_new_token_and_old_still_works(rig):
    first = rig.token()
    rig.clock.advance(rig.engine.settings.token_reuse_window_s + 1)
    second = rig.token()
    assert second != first
    assert rig.order(first).json()["rt_cd"] == "0"
    assert rig.order(second).json()["rt_cd"] == "0"


def test_min_interval_is_a_setting(make_rig):
    rig = make_rig(token_min_interval_s=0)
    assert rig.token() == rig.token()


@pytest.mark.parametrize(
    ("appkey", "appsecret", "code"),
    [
        ("short", "s" * 180, "EGW00103"),
        ("", "s" * 180, "EGW00102"),
        ("k" * 36, "", "EGW00104"),
        ("k" * 36, "s" * 179, "EGW00105"),
    ],
)
def test_malformed_credentials_are_403(rig, appkey, appsecret, code):
    out = rig.post(rig.TOKEN_PATH, rig.token_body(appkey, appsecret))
    assert out.status == 403
    assert out.json()["error_code"] == code
    assert "rt_cd" not in out.json()


def test_bad_credentials_code_is_a_setting(make_rig):
    rig = make_rig(bad_credentials_code="EGW00112")
    out = rig.post(rig.TOKEN_PATH, rig.token_body(appkey="x"))
    assert (out.status, out.json()["error_code"]) == (403, "EGW00112")


def test_secret_is_bound_to_the_key_at_first_use(rig):
    rig.token()
    rig.clock.advance(61)
    out = rig.post(rig.TOKEN_PATH, rig.token_body(appsecret="t" * 180))
    assert out.json()["error_code"] == "EGW00105"


def test_grant_type_is_required(rig):
    body = rig.token_body()
    del body["grant_type"]
    assert rig.post(rig.TOKEN_PATH, body).json()["error_code"] == "EGW00115"
    body["grant_type"] = "password"
    assert rig.post(rig.TOKEN_PATH, body).json()["error_code"] == "EGW00116"


def test_token_endpoint_refuses_non_json_content_type(rig):
    out = rig.post(rig.TOKEN_PATH, rig.token_body(), {"content-type": "text/plain"})
    assert (out.status, out.json()["error_code"]) == (403, "EGW00132")


def test_revoke_stops_the_token(rig):
    token = rig.token()
    out = rig.post(rig.REVOKE_PATH, {"appkey": rig.APPKEY, "appsecret": rig.APPSECRET, "token": token})
    assert out.status == 200
    assert out.json()["code"] == "200"
    rejected = rig.order(token)
    assert rejected.status == 500
    assert rejected.json()["msg_cd"] == "EGW00121"
    rig.clock.advance(61)
    assert rig.token() != token  # a revoked token is never re-returned


def test_revoke_unknown_token_is_403(rig):
    rig.token()
    out = rig.post(rig.REVOKE_PATH, {"appkey": rig.APPKEY, "appsecret": rig.APPSECRET, "token": "nope"})
    assert (out.status, out.json()["error_code"]) == (403, "EGW00121")


def test_expired_token_is_egw00123(rig):
    token = rig.token()
    rig.clock.advance(rig.engine.settings.token_lifetime_s)
    out = rig.order(token)
    assert out.status == rig.engine.settings.gateway_error_status
    assert out.json() == {"rt_cd": "1", "msg_cd": "EGW00123", "msg1": "기간이 만료된 token 입니다."}


@pytest.mark.parametrize(
    ("authorization", "code"),
    [
        (None, "EGW00121"),
        ("Bearer garbage", "EGW00121"),
        ("Bearer ", "EGW00121"),
        ("bearer {token}", None),
        ("Token {token}", "EGW00205"),
        ("{token}", "EGW00205"),
    ],
)
def test_authorization_header_checks(rig, authorization, code):
    token = rig.token()
    headers = rig.headers(token, "TTTT1002U")
    if authorization is None:
        del headers["authorization"]
    else:
        headers["authorization"] = authorization.format(token=token)
    out = rig.post(rig.ORDER_PATH, rig.order_body(), headers)
    if code is None:
        assert out.json()["rt_cd"] == "0"
        return
    assert out.json()["msg_cd"] == code
    assert out.json()["rt_cd"] == "1"
    assert rig.book.orders == []


def test_token_must_belong_to_the_appkey(rig):
    token = rig.token()
    rig.token(appkey=rig.OTHER_APPKEY)
    out = rig.order(token, appkey=rig.OTHER_APPKEY)
    assert out.json()["msg_cd"] == "EGW00121"


def test_real_token_is_unknown_to_paper_instance(make_rig):
    real, paper = make_rig(TrFamily.REAL), make_rig(TrFamily.PAPER, paper_rate_per_s=100)
    token = real.token()
    assert real.order(token).json()["rt_cd"] == "0"
    out = paper.order(token)
    assert out.json()["msg_cd"] == "EGW00121"


def test_token_calls_do_not_use_rate_budget(make_rig):
    rig = make_rig(TrFamily.PAPER, paper_rate_per_s=1)
    token = rig.token()
    assert rig.order(token).json()["rt_cd"] == "0"
    # A revoke with a bad token is still a token call, not a business call.
    rig.post(rig.REVOKE_PATH, {"appkey": rig.APPKEY, "appsecret": rig.APPSECRET, "token": "x"})
    assert rig.order(token).json()["msg_cd"] == "EGW00201"
