"""kisdesk.paths finds the resources in a checkout and inside a PyInstaller bundle."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kisdesk import paths

REPO_ROOT = Path(__file__).resolve().parent.parent


def test_checkout_resources_are_at_repo_root() -> None:
    assert paths.resources_dir() == REPO_ROOT / "resources"


def test_bundled_font_and_icon_exist() -> None:
    assert paths.font_path().is_file()
    assert paths.font_path().stat().st_size > 1_000_000  # the real TTF, not an LFS pointer or stub
    assert (paths.font_path().parent / "OFL.txt").is_file()
    assert paths.icon_path().read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_frozen_bundle_uses_meipass(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.resources_dir() == tmp_path / "resources"
    assert paths.font_path() == tmp_path / "resources" / "fonts" / "NanumGothic.ttf"


def test_paths_module_does_not_import_qt() -> None:
    source = Path(paths.__file__).read_text(encoding="utf-8")
    assert "PySide6" not in source
    assert "qasync" not in source
