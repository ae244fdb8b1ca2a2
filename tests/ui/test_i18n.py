"""Translations: the Korean catalogue is complete, current and compiled, and it is applied.

A new `tr()` string without a Korean translation fails here: lupdate's view of kisdesk/ui/*.py, plus
the `translate(CONSTANT, "…")` / `_t("…")` calls lupdate cannot resolve, must all be in the .ts.
To update: run pyside6-lupdate as in the README, translate, then pyside6-lrelease.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QSettings

from kisdesk.api.enums import OrderDivision, Side
from kisdesk.ui.i18n import (
    Language,
    app_qm_path,
    effective_language,
    install_language,
    save_language,
    saved_language,
)
from kisdesk.ui.labels import division_label, side_label

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "kisdesk_ko.ts"
TOOLS = Path(sys.executable).parent
UI_FILES = sorted(str(p) for p in (ROOT / "kisdesk" / "ui").glob("*.py"))


def _messages(ts: Path) -> Iterator[tuple[str, ET.Element]]:
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            yield name, message


def _sources(ts: Path) -> set[tuple[str, str]]:
    return {(name, m.findtext("source") or "") for name, m in _messages(ts)}


def _hidden_sources(path: Path) -> set[tuple[str, str]]:
    """translate(CONSTANT, "text") and one-argument wrappers of it, e.g. labels.py's _t("text")."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants: dict[str, str] = {}
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
        target = node.target if isinstance(node, ast.AnnAssign) else target
        value = getattr(node, "value", None)
        if isinstance(target, ast.Name) and isinstance(value, ast.Constant) and isinstance(value.value, str):
            constants[target.id] = value.value
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]

    def name_of(call: ast.Call) -> str | None:
        return getattr(call.func, "attr", None) or getattr(call.func, "id", None)

    def context_of(call: ast.Call) -> str | None:
        if name_of(call) != "translate" or len(call.args) < 2 or not isinstance(call.args[0], ast.Name):
            return None
        return constants.get(call.args[0].id)

    wrappers = {
        fn.name: ctx
        for fn in ast.walk(tree)
        if isinstance(fn, ast.FunctionDef)
        for call in ast.walk(fn)
        if isinstance(call, ast.Call) and (ctx := context_of(call)) and isinstance(call.args[1], ast.Name)
    }
    found = set()
    for call in calls:
        literal = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if (ctx := context_of(call)) and isinstance(call.args[1], ast.Constant):
            found.add((ctx, str(call.args[1].value)))
        elif name_of(call) in wrappers and literal:
            found.add((wrappers[str(name_of(call))], literal[0]))
    return found


@pytest.fixture
def korean(qapp) -> Iterator[None]:
    assert install_language(Language.KOREAN)
    yield
    install_language(Language.ENGLISH)


def test_every_message_is_translated() -> None:
    unfinished = []
    for name, message in _messages(TS):
        translation = message.find("translation")
        assert translation is not None
        forms = [f.text for f in translation.iter("numerusform")] or [translation.text]
        if translation.get("type") or not all(f and f.strip() for f in forms):
            unfinished.append((name, message.findtext("source")))
    assert unfinished == []


def test_every_source_string_is_in_the_catalogue(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.ts"
    subprocess.run(
        [str(TOOLS / "pyside6-lupdate"), *UI_FILES, "-ts", str(fresh)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    wanted = _sources(fresh) | set().union(*(_hidden_sources(Path(f)) for f in UI_FILES))
    assert wanted - _sources(TS) == set()


def test_the_compiled_catalogue_is_current(tmp_path: Path) -> None:
    qm = tmp_path / "kisdesk_ko.qm"
    subprocess.run(
        [str(TOOLS / "pyside6-lrelease"), str(TS), "-qm", str(qm)], check=True, capture_output=True
    )
    assert qm.read_bytes() == app_qm_path().read_bytes()


@pytest.mark.usefixtures("korean")
def test_korean_labels_use_kis_terms() -> None:
    assert side_label(Side.BUY) == "매수"
    assert side_label(Side.SELL) == "매도"
    assert division_label(OrderDivision.MOO) == "장개시시장가(MOO)"
    assert division_label(OrderDivision.ODD_LOT) == "단주지정가"


def test_english_is_the_source_language(qapp) -> None:
    install_language(Language.ENGLISH)
    assert side_label(Side.BUY) == "Buy"


def test_language_choice_is_saved_and_the_system_locale_decides_otherwise(tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "lang.ini"), QSettings.Format.IniFormat)
    assert saved_language(settings) is Language.SYSTEM
    save_language(settings, Language.KOREAN)
    assert saved_language(settings) is Language.KOREAN
    settings.setValue("ui/language", "xx")
    assert saved_language(settings) is Language.SYSTEM
    korean_system = QLocale(QLocale.Language.Korean, QLocale.Country.SouthKorea)
    assert effective_language(Language.SYSTEM, korean_system) is Language.KOREAN
    assert effective_language(Language.SYSTEM, QLocale(QLocale.Language.English)) is Language.ENGLISH
    assert effective_language(Language.ENGLISH, korean_system) is Language.ENGLISH
