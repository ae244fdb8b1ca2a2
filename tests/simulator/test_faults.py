"""Fault rules: parsing, matching, counting, and what each kind does to a request (through the engine)."""

from __future__ import annotations

import json

import pytest

from kisdesk.api.enums import TrFamily
from kisdesk.simulator.engine import Action
from kisdesk.simulator.faults import Fault, FaultKind


@pytest.fixture
def token(rig):
    return rig.token()


def test_parse_text_form():
    fault = Fault.parse("accept_then_stall,match=orders,count=1,seconds=2.5")
    assert fault == Fault(FaultKind.ACCEPT_THEN_STALL, match="orders", count=1, seconds=2.5)
    assert Fault.parse("egw,code=EGW00123,probability=0.25").code == "EGW00123"
    assert Fault.from_mapping(fault.as_json()) == fault


@pytest.mark.parametrize(
    "text",
    ["nonsense", "latency", "latency,seconds=x", "drop_before,colour=red", "page_size", "egw,count=-1"],
)
def test_parse_rejects_bad_specs(text):
    with pytest.raises(ValueError):  # noqa: PT011  (each spec fails for its own reason)
        Fault.parse(text)


def test_from_mapping_rejects_unknown_fields():
    with pytest.raises(ValueError, match="unknown fault fields"):
        Fault.from_mapping({"kind": "drop_before", "when": "always"})


def test_drop_before_records_nothing(rig, token):
    rig.engine.faults.add(Fault(FaultKind.DROP_BEFORE, match="orders", count=1))
    assert rig.order(token).action is Action.DROP
    assert rig.book.orders == []
    assert rig.order(token).json()["rt_cd"] == "0"  # count=1: the next order is untouched


def test_drop_after_records_the_order(rig, token):
    rig.engine.faults.add(Fault(FaultKind.DROP_AFTER, match="orders"))
    assert rig.order(token).action is Action.DROP
    assert len(rig.book.orders) == 1


@pytest.mark.parametrize(("kind", "recorded"), [("html_500_before", 0), ("html_500_after", 1)])
def test_html_pages(rig, token, kind, recorded):
    rig.engine.faults.add(Fault(FaultKind(kind), match="orders"))
    out = rig.order(token)
    assert out.action is Action.REPLY
    assert out.status == 502
    assert out.header("content-type") == "text/html"
    assert out.body.startswith(b"<html>")
    assert b"502 Bad Gateway" in out.body
    assert len(rig.book.orders) == recorded


def test_html_status_is_configurable(rig, token):
    rig.engine.faults.add(Fault.parse("html_500_before,status=503"))
    out = rig.order(token)
    assert out.status == 503
    assert b"Service Unavailable" in out.body


def test_accept_then_stall(rig, token):
    rig.engine.faults.add(Fault(FaultKind.ACCEPT_THEN_STALL, match="orders", count=1))
    out = rig.order(token)
    assert (out.action, out.stall_s) == (Action.STALL, None)
    assert len(rig.book.orders) == 1
    rig.engine.faults.add(Fault(FaultKind.ACCEPT_THEN_STALL, seconds=2.0))
    assert rig.order(token).stall_s == 2.0


def test_malformed_json_after_recording(rig, token):
    rig.engine.faults.add(Fault(FaultKind.MALFORMED_JSON, match="orders"))
    out = rig.order(token)
    assert out.status == 200
    assert (
        out.header(
            "content-type",
        )
        == "application/json; charset=utf-8"
    )
    assert out.header("content-length") == str(len(out.body))
    with pytest.raises(json.JSONDecodeError):
        json.loads(out.body)
    assert len(rig.book.orders) == 1


def test_egw_fault_answers_before_the_handler(rig, token):
    rig.engine.faults.add(Fault(FaultKind.EGW, match="inquiries", code="EGW00123", count=1))
    out = rig.nccs(token)
    assert out.status == 500
    assert out.json() == {"rt_cd": "1", "msg_cd": "EGW00123", "msg1": "기간이 만료된 token 입니다."}
    assert rig.book.advanced_to == []
    assert rig.order(token).json()["rt_cd"] == "0"  # "inquiries" does not match orders
    assert rig.nccs(token).json()["rt_cd"] == "0"


def test_egw_fault_on_token_endpoint_uses_oauth_shape(make_rig):
    rig = make_rig()
    rig.engine.faults.add(Fault(FaultKind.EGW, match=rig.TOKEN_PATH, code="EGW00133", count=1))
    out = rig.post(rig.TOKEN_PATH, rig.token_body())
    assert (out.status, out.json()["error_code"]) == (403, "EGW00133")
    assert rig.token()  # the fault is used up; this is the first real issuance


def test_latency_adds_up_and_combines_with_an_action(rig, token):
    faults = rig.engine.faults
    faults.add(Fault(FaultKind.LATENCY, seconds=0.25))
    faults.add(Fault(FaultKind.LATENCY, match="orders", seconds=0.5))
    faults.add(Fault(FaultKind.HTML_500_AFTER, match="orders", count=1))
    out = rig.order(token)
    assert (out.status, out.latency_s) == (502, 0.75)
    assert rig.nccs(token).latency_s == 0.25


def test_match_by_tr_id_and_path(rig, token):
    rig.engine.faults.add(Fault(FaultKind.DROP_BEFORE, match="TTTT1006U"))
    rig.engine.faults.add(Fault(FaultKind.HTML_500_BEFORE, match=rig.NCCS_PATH))
    assert rig.order(token).json()["rt_cd"] == "0"  # TTTT1002U (buy)
    assert rig.order(token, tr_id="TTTT1006U").action is Action.DROP
    assert rig.nccs(token).status == 502


def test_match_all_includes_token_calls(rig):
    rig.engine.faults.add(Fault(FaultKind.DROP_BEFORE, count=1))
    assert rig.post(rig.TOKEN_PATH, rig.token_body()).action is Action.DROP
    assert rig.token()


def test_count_is_consumed_and_rule_retired(rig, token):
    fault = rig.engine.faults.add(Fault(FaultKind.DROP_BEFORE, match="orders", count=2))
    outcomes = [rig.order(token).action for _ in range(3)]
    assert outcomes == [Action.DROP, Action.DROP, Action.REPLY]
    assert fault.count == 0
    assert rig.engine.faults.active() == []


def test_only_one_action_per_request_and_later_rules_keep_their_budget(rig, token):
    first = rig.engine.faults.add(Fault(FaultKind.DROP_BEFORE, count=1))
    second = rig.engine.faults.add(Fault(FaultKind.HTML_500_BEFORE, count=1))
    assert rig.order(token).action is Action.DROP
    assert (first.count, second.count) == (0, 1)
    assert rig.order(token).status == 502


def _pattern(rig, token, n):
    return [rig.order(token).action is Action.DROP for _ in range(n)]


def test_probability_is_seeded_and_repeatable(make_rig):
    patterns = []
    for _ in range(2):
        rig = make_rig(real_rate_per_s=10_000, seed=7)
        token = rig.token()
        rig.engine.faults.add(Fault(FaultKind.DROP_BEFORE, match="orders", probability=0.5))
        patterns.append(_pattern(rig, token, 200))
    assert patterns[0] == patterns[1]
    assert 60 < sum(patterns[0]) < 140


def test_probability_and_count_together(rig, token):
    rig.engine.faults.add(Fault(FaultKind.DROP_BEFORE, probability=1.0, count=3))
    assert sum(_pattern(rig, token, 10)) == 3


def test_reflection_delay_sets_the_book_and_clear_restores(rig):
    rig.book.visibility_delay_s = 0.5
    rig.engine.faults.add(Fault.parse("reflection_delay,seconds=4"))
    assert rig.book.visibility_delay_s == 4.0
    assert rig.engine.faults.active() == []  # a setting, not a request rule
    rig.engine.faults.clear()
    assert rig.book.visibility_delay_s == 0.5


def test_page_size_sets_settings_and_clear_restores(rig):
    settings = rig.engine.settings
    before = (settings.nccs_page_size, settings.ccnl_page_size_real, settings.resv_page_size)
    rig.engine.faults.add(Fault(FaultKind.PAGE_SIZE, size=2))
    rig.engine.faults.add(Fault(FaultKind.PAGE_SIZE, size=3))
    assert (settings.nccs_page_size, settings.ccnl_page_size_paper, settings.resv_page_size) == (3, 3, 3)
    rig.engine.faults.clear()
    assert (settings.nccs_page_size, settings.ccnl_page_size_real, settings.resv_page_size) == before


def test_intent_header_is_counted_per_post_and_reaches_the_handler(make_rig):
    rig = make_rig(TrFamily.REAL, real_rate_per_s=1000)
    token = rig.token()
    rig.engine.faults.add(Fault(FaultKind.DROP_AFTER, match="orders", count=1))
    rig.order(token, **{"x-kisdesk-intent": "I-1"})
    rig.order(token, **{"x-kisdesk-intent": "I-1"})
    rig.order(token, **{"x-kisdesk-intent": "I-2"})
    rig.order(token)
    rig.nccs(token)
    assert rig.engine.intent_posts() == {"I-1": 2, "I-2": 1}
    assert [o["intent"] for o in rig.book.orders] == ["I-1", "I-1", "I-2", None]
