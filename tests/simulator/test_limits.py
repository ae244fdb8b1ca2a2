"""The per-second limit: EGW00201 above the budget, sliding window, keying, settings."""

from __future__ import annotations

import pytest

from kisdesk.api.enums import TrFamily
from kisdesk.simulator.clock import ManualClock
from kisdesk.simulator.limits import RateLimiter
from kisdesk.simulator.settings import SimSettings


def test_real_host_admits_its_budget_then_answers_egw00201(make_rig):
    rig = make_rig(real_rate_per_s=3)
    token = rig.token()
    assert [rig.order(token).json()["rt_cd"] for _ in range(3)] == ["0", "0", "0"]
    out = rig.order(token)
    assert out.status == 500
    assert out.json() == {"rt_cd": "1", "msg_cd": "EGW00201", "msg1": "초당 거래건수를 초과하였습니다."}
    assert out.header("tr_id") == "TTTT1002U"
    assert len(rig.book.orders) == 3  # the throttled order never reached the book


def test_paper_host_uses_the_paper_rate(make_rig):
    rig = make_rig(TrFamily.PAPER, paper_rate_per_s=2, real_rate_per_s=100)
    token = rig.token()
    assert [rig.nccs(token).json()["rt_cd"] for _ in range(3)] == ["0", "0", "1"]


def test_window_slides(make_rig):
    rig = make_rig(real_rate_per_s=2)
    token = rig.token()
    rig.order(token)
    rig.clock.advance(0.5)
    rig.order(token)
    rig.clock.advance(0.4)
    assert rig.order(token).json()["msg_cd"] == "EGW00201"
    rig.clock.advance(0.2)  # the first request left the window at t=1.0
    assert rig.order(token).json()["rt_cd"] == "0"
    assert rig.order(token).json()["msg_cd"] == "EGW00201"


def test_gateway_status_is_a_setting(make_rig):
    rig = make_rig(real_rate_per_s=1, gateway_error_status=200)
    token = rig.token()
    rig.order(token)
    out = rig.order(token)
    assert (out.status, out.json()["msg_cd"]) == (200, "EGW00201")


@pytest.mark.parametrize(("counted", "admitted_after"), [(False, 2), (True, 1)])
def test_throttled_requests_count_setting(counted, admitted_after):
    settings = SimSettings(real_rate_per_s=2, throttled_requests_count=counted)
    clock = ManualClock()
    limiter = RateLimiter(TrFamily.REAL, settings, clock)
    assert limiter.admit("k")
    assert limiter.admit("k")
    clock.advance(0.9)
    assert not limiter.admit("k")
    clock.advance(0.2)  # the first two have left the window; the rejected one has not
    assert sum(limiter.admit("k") for _ in range(3)) == admitted_after


def test_limit_is_per_account_by_default(make_rig):
    rig = make_rig(real_rate_per_s=1)
    first = rig.token()
    second = rig.token(appkey=rig.OTHER_APPKEY)
    assert rig.order(first).json()["rt_cd"] == "0"
    # Another app key on the same account shares the account's budget ...
    assert rig.order(second, appkey=rig.OTHER_APPKEY).json()["msg_cd"] == "EGW00201"


def test_limit_per_appkey_when_configured(make_rig):
    rig = make_rig(real_rate_per_s=1, rate_limit_key="appkey")
    first = rig.token()
    second = rig.token(appkey=rig.OTHER_APPKEY)
    assert rig.order(first).json()["rt_cd"] == "0"
    assert rig.order(second, appkey=rig.OTHER_APPKEY).json()["rt_cd"] == "0"
    assert rig.order(first).json()["msg_cd"] == "EGW00201"


def test_quotes_count_against_the_bound_account(make_rig):
    rig = make_rig(real_rate_per_s=1)
    token = rig.token()
    rig.order(token)  # binds the app key to CANO
    out = rig.get(
        rig.PRICE_PATH, {"AUTH": "", "EXCD": "NAS", "SYMB": "AAPL"}, rig.headers(token, "HHDFS00000300")
    )
    assert out.json()["msg_cd"] == "EGW00201"


def test_budget_scales_with_window():
    limiter = RateLimiter(TrFamily.REAL, SimSettings(real_rate_per_s=18, rate_window_s=2.0), ManualClock())
    assert limiter.budget == 36
    paper = RateLimiter(TrFamily.PAPER, SimSettings(paper_rate_per_s=1, rate_window_s=0.5), ManualClock())
    assert paper.budget == 1  # never below one request
