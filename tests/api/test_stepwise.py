"""Large answers decoded and validated a step at a time: the same result as in one go, loop turns between."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Coroutine
from datetime import date
from typing import Any, TypeVar, cast

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kisdesk.api import stepwise
from kisdesk.api.errors import KisProtocolError
from kisdesk.api.models import HistoryRow, PagedEnvelope
from kisdesk.api.models.common import is_blank_row
from tests.api.kis_fakes import FakeKis, envelope

CCNL = "/uapi/overseas-stock/v1/trading/inquire-ccnl"
T = TypeVar("T")

JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=8), inner, max_size=6),
    max_leaves=12,
)
DOCUMENTS = st.dictionaries(st.text(max_size=8), JSON_VALUES | st.lists(JSON_VALUES, max_size=12), max_size=6)


@settings(max_examples=150, deadline=None)
@given(DOCUMENTS, st.sampled_from([None, 0, 2]), st.booleans())
def test_loads_decodes_exactly_what_json_loads_does(
    doc: dict[str, Any], indent: int | None, ascii_only: bool
) -> None:
    text = json.dumps(doc, indent=indent, ensure_ascii=ascii_only)
    assert _drive(stepwise.loads(text)) == json.loads(text)


def _drive(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that awaits nothing but loop turns (asyncio.sleep(0)) without a loop."""
    while True:
        try:
            coro.send(None)
        except StopIteration as done:
            return cast(T, done.value)


@pytest.mark.parametrize(
    "text",
    [
        '{"output": [1, 2',  # truncated inside an array
        '{"output": [1, 2]',  # truncated object
        '{"output": [1 2]}',  # missing comma
        '{"a": 1,}',  # trailing comma
        '{"a": 1} x',  # extra data
        "{1: 2}",  # a key that is not a string
        '{"a" 1}',  # missing colon
        "",
    ],
)
async def test_loads_refuses_what_json_loads_refuses(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 (json.JSONDecodeError is a ValueError)
        json.loads(text)
    with pytest.raises(ValueError):  # noqa: PT011
        await stepwise.loads(text)


async def test_loads_accepts_a_bom_and_documents_that_are_not_objects() -> None:
    assert await stepwise.loads('\ufeff {"a": [1, {"b": null}]} ') == {"a": [1, {"b": None}]}
    assert await stepwise.loads("[1, 2]") == [1, 2]


async def test_decode_cuts_between_bytes_of_one_character_safely(monkeypatch: pytest.MonkeyPatch) -> None:
    text = '{"msg1": "주문 전송 완료 되었습니다.", "rows": ["매수", "매도", "€"]}' * 50
    for size in (1, 2, 7, 4096):
        monkeypatch.setattr(stepwise, "DECODE_SLICE", size)
        assert await stepwise.decode(text.encode("utf-8"), "utf-8") == text
    with pytest.raises(UnicodeDecodeError):
        await stepwise.decode("매수".encode()[:-1], "utf-8")  # a character cut off at the end


async def test_validated_rows_are_let_go_one_by_one() -> None:
    rows: list[Any] = [{"odno": str(n), "pdno": "AAPL", "sll_buy_dvsn_cd": "02"} for n in range(3)]
    rows.insert(1, {"odno": " ", "pdno": "", "sll_buy_dvsn_cd": ""})
    got = await stepwise.validate_rows(HistoryRow, rows, skip=is_blank_row)
    assert [r.order_no for r in got] == ["0", "1", "2"]
    assert rows == [None] * 4


async def _turns_while(work: Callable[[], Awaitable[Any]]) -> int:
    """How many times another task ran while `work` did."""
    turns = 0
    done = False

    async def ticker() -> None:
        nonlocal turns
        while not done:
            turns += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    turns = 0
    try:
        await work()
    finally:
        done = True
        await task
    return turns


async def test_the_loop_turns_between_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    text = json.dumps(
        {
            "rt_cd": "0",
            "output": [{"odno": str(n), "pdno": "AAPL", "sll_buy_dvsn_cd": "02"} for n in range(50)],
        }
    )
    monkeypatch.setattr(stepwise, "STEP_S", 0.0)  # a turn after every row
    assert await _turns_while(lambda: stepwise.loads(text)) >= 50
    rows = json.loads(text)["output"]
    assert await _turns_while(lambda: stepwise.validate_rows(HistoryRow, rows)) >= 50


async def test_validate_rows_names_the_row_that_failed() -> None:
    rows = [{"odno": "1", "pdno": "AAPL", "sll_buy_dvsn_cd": "02"}, {"pdno": "AAPL", "sll_buy_dvsn_cd": "02"}]
    with pytest.raises(stepwise.RowInvalidError) as caught:
        await stepwise.validate_rows(HistoryRow, rows)
    assert caught.value.index == 1


# --- through the client: a page far above LARGE_BODY ----------------------------------------------


def _rows(count: int) -> list[dict[str, str]]:
    return [
        {
            "odno": f"{n:010d}",
            "pdno": "AAPL",
            "sll_buy_dvsn_cd": "02",
            "ovrs_excg_cd": "NASD",
            "ord_dt": "20260105",
        }
        for n in range(count)
    ]


async def test_a_large_page_reads_as_a_small_one_would(kis: FakeKis, make_client) -> None:
    rows = _rows(4000)
    rows[7] = dict.fromkeys(rows[7], " ")  # all blank: dropped, as on any page
    body = {**envelope(None, msg_cd="KIOK0510"), "Output": rows, "ctx_area_fk200": "F", "ctx_area_nk200": "N"}
    raw = json.dumps(body).encode()
    assert len(raw) > stepwise.LARGE_BODY
    kis.on(CCNL, httpx.Response(200, content=raw, headers={"tr_cont": "E"}))
    page = await make_client(kis).history_all(date(2026, 1, 5), date(2026, 1, 5))
    expected = PagedEnvelope[HistoryRow].model_validate(json.loads(raw)).output
    assert page == expected
    assert len(page) == 3999


async def test_a_bad_row_in_a_large_page_is_a_protocol_error_naming_it(kis: FakeKis, make_client) -> None:
    rows = _rows(4000)
    del rows[3210]["odno"]
    kis.on(CCNL, httpx.Response(200, json={**envelope(rows, msg_cd="KIOK0510")}, headers={"tr_cont": "E"}))
    with pytest.raises(KisProtocolError, match=r"output\.3210\.odno"):
        await make_client(kis).history_all(date(2026, 1, 5), date(2026, 1, 5))


async def test_a_large_body_that_is_not_json_is_a_protocol_error(kis: FakeKis, make_client) -> None:
    raw = json.dumps(envelope(_rows(4000))).encode()[:-2]  # truncated
    kis.on(CCNL, httpx.Response(200, content=raw, headers={"tr_cont": "E"}))
    with pytest.raises(KisProtocolError):
        await make_client(kis).history_all(date(2026, 1, 5), date(2026, 1, 5))


async def test_the_client_reads_a_large_page_with_the_loop_turning(
    kis: FakeKis, make_client, monkeypatch: pytest.MonkeyPatch
) -> None:
    kis.on(CCNL, httpx.Response(200, json=envelope(_rows(4000), msg_cd="KIOK0510"), headers={"tr_cont": "E"}))
    client = make_client(kis)
    await client.issue_token()
    monkeypatch.setattr(stepwise, "STEP_S", 0.0)
    turns = await _turns_while(lambda: client.history_all(date(2026, 1, 5), date(2026, 1, 5)))
    assert turns >= 2 * 4000  # a turn after each row decoded, and after each row validated
