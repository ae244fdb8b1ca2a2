"""problem_text / hit_text: every code the rules can emit has a template, English equals the domain's
message, Korean is used when installed, and params are substituted."""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from kisdesk.api.enums import Exchange, OrderDivision
from kisdesk.domain import rules
from kisdesk.domain.capabilities import Reason
from kisdesk.domain.precautions import PrecautionHit, RecentOrder, Rule, Tier, check_precautions
from kisdesk.domain.rules import Problem, Severity, validate_overseas, validate_reservation
from kisdesk.ui.i18n import Language, install_language
from kisdesk.ui.problem_text import hit_text, problem_codes, problem_text
from tests.domain.test_precautions import BASE, DEFAULTS, NOW
from tests.domain.test_rules import CASES, RESV_CASES, WARNINGS, ot, rt


@pytest.fixture
def korean(qapp) -> Iterator[None]:
    assert install_language(Language.KOREAN)
    yield
    install_language(Language.ENGLISH)


@pytest.fixture
def english(qapp) -> None:
    install_language(Language.ENGLISH)


def emitted_codes() -> set[str]:
    """Every code rules.py can emit: string literals given to _err/_warn, plus the capability Reasons
    it passes through (`choice.reason.value`, `capability.reason.value`)."""
    tree = ast.parse(Path(rules.__file__).read_text(encoding="utf-8"))
    codes: set[str] = set()
    for call in ast.walk(tree):
        if not (isinstance(call, ast.Call) and getattr(call.func, "id", None) in ("_err", "_warn")):
            continue
        code = call.args[1]
        if isinstance(code, ast.Constant) and isinstance(code.value, str):
            codes.add(code.value)
        else:
            assert ast.unparse(code).endswith("reason.value"), ast.unparse(code)
            codes |= {r.value for r in Reason}
    return codes


def all_problems() -> list[Problem]:
    found = [p for _, kw, now, _ in CASES + WARNINGS for p in validate_overseas(ot(**kw), now)]
    found += [p for _, kw, now, _ in RESV_CASES for p in validate_reservation(rt(**kw), now)]
    return found


def all_hits() -> list[PrecautionHit]:
    ticket = dataclasses.replace(BASE, quantity=60_000, price=Decimal("300.00"))
    recent = (RecentOrder.of(ticket, NOW),)
    hits = check_precautions(
        ticket, last=Decimal("228.50"), krw_rate=None, recent=recent, now=NOW, settings=DEFAULTS
    )
    hits += check_precautions(
        ticket, last=None, krw_rate=Decimal(1380), recent=(), now=NOW, settings=DEFAULTS
    )
    moc = dataclasses.replace(BASE, division=OrderDivision.MOC, price=None)
    hits += check_precautions(moc, last=None, krw_rate=None, recent=(), now=NOW, settings=DEFAULTS)
    return hits


def test_every_code_the_rules_can_emit_has_a_template() -> None:
    codes = emitted_codes()
    assert len(codes) > 30
    assert codes - problem_codes() == set()


def test_the_cases_exercise_most_codes() -> None:
    seen = {p.code for p in all_problems()}
    assert len(seen) >= 25
    assert seen <= problem_codes()


@pytest.mark.usefixtures("english")
def test_english_text_equals_the_domain_message() -> None:
    for problem in all_problems():
        assert problem_text(problem) == problem.message, problem.code


@pytest.mark.usefixtures("english")
def test_every_precaution_rule_has_a_template_equal_to_its_message() -> None:
    hits = all_hits()
    assert {h.rule for h in hits} == set(Rule)
    for hit in hits:
        assert hit_text(hit) == hit.message, hit.rule


@pytest.mark.usefixtures("korean")
def test_korean_is_used_with_params_substituted() -> None:
    for problem in all_problems():
        text = problem_text(problem)
        assert text != problem.message, problem.code
        assert "{" not in text, text
    for hit in all_hits():
        assert hit_text(hit) != hit.message, hit.rule
        assert "{" not in hit_text(hit)


@pytest.mark.usefixtures("korean")
def test_the_screenshot_message_is_korean() -> None:
    now = datetime.fromisoformat("2026-01-10T12:00:00+09:00")  # Saturday: Tokyo opens Monday
    ticket = ot(exchange=Exchange.TKSE, symbol="7203", price=Decimal("2600"), quantity=100)
    (closed,) = [p for p in validate_overseas(ticket, now) if p.code == "MARKET_CLOSED"]
    assert (closed.params["venue"], closed.params["weekday"]) == ("TKSE", "1")
    text = problem_text(closed)
    assert "TKSE" in text
    assert "월" in text
    assert "is not accepting" not in text


@pytest.mark.usefixtures("korean")
def test_params_are_substituted_into_the_korean_template() -> None:
    tick = Problem(
        "price",
        "PRICE_TICK",
        "x",
        Severity.ERROR,
        {"price": "2600.5", "tick": "1", "venue": "TKSE", "below": "2600", "above": "2601"},
    )
    text = problem_text(tick)
    for part in ("2600.5", "TKSE", "2600", "2601"):
        assert part in text


@pytest.mark.usefixtures("korean")
def test_unknown_codes_and_missing_params_fall_back_to_the_message() -> None:
    assert problem_text(Problem("ticket", "SOMETHING_NEW", "plain English")) == "plain English"
    assert problem_text(Problem("price", "PRICE_TICK", "off tick")) == "off tick"  # built without params
    bad = PrecautionHit(Rule.NOTIONAL, Tier.WARN, "value is large", {})
    assert hit_text(bad) == "value is large"
