"""The PyInstaller bundle: spec and build script are sound; a built dist/kisdesk (if any) is clean.

The bundle itself is built by `bash packaging/build.sh` (CI does it after the tests and runs the
bundle's `--self-test`); the dist/ checks here skip when no bundle has been built.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kisdesk import __version__

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "kisdesk.spec"
BUILD = ROOT / "packaging" / "build.sh"
BUNDLE = ROOT / "dist" / "kisdesk"
TEST_TOOLS = ("pytest", "_pytest", "pytestqt", "hypothesis", "mypy", "ruff", "importlinter")


def test_the_spec_parses_and_ships_the_resources_under_a_stable_name() -> None:
    text = SPEC.read_text(encoding="utf-8")
    ast.parse(text, filename=str(SPEC))
    for folder in ("fonts", "icons", "licenses", "translations"):
        assert f'"resources/{folder}"' in text
    assert "screenshots" not in text
    assert "kisdesk_ko.qm" in text
    assert "kisdesk_ko.ts" not in text
    for excluded in ("tkinter", "pytest", "hypothesis", "mypy", "ruff", "PySide6.QtWebEngineCore"):
        assert f'"{excluded}"' in text
    assert '"libqgtk3"' in text
    assert "KISDESK_ONEFILE" in text


def test_the_build_script_is_executable_and_parses() -> None:
    assert os.access(BUILD, os.X_OK)
    bash = shutil.which("bash")
    assert bash is not None
    subprocess.run([bash, "-n", str(BUILD)], check=True)
    text = BUILD.read_text(encoding="utf-8")
    assert "pip install -q . " in text  # runtime dependencies only: no [test] extra
    assert "--onefile" in text


def test_build_output_is_ignored_by_git() -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    result = subprocess.run(
        ["git", "check-ignore", "build/x", "dist/x"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.stdout.split() == ["build/x", "dist/x"]


def test_licence_texts_ship_with_the_resources() -> None:
    licences = ROOT / "resources" / "licenses"
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in (licences / "LGPL-3.0.txt").read_text(encoding="utf-8")
    assert "GNU GENERAL PUBLIC LICENSE" in (licences / "GPL-3.0.txt").read_text(encoding="utf-8")
    assert (ROOT / "resources" / "fonts" / "OFL.txt").is_file()


def test_version_answers_without_a_qapplication() -> None:
    code = (
        "import sys\n"
        "from kisdesk.__main__ import main\n"
        "rc = main(['--version'])\n"
        "print('widgets loaded:', 'PySide6.QtWidgets' in sys.modules)\n"
        "sys.exit(rc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"kisdesk {__version__}"
    assert lines[1].startswith(f"Python {sys.version.split()[0]}, Qt 6.")
    assert lines[-1] == "widgets loaded: False"


# --- a built bundle, if there is one ------------------------------------------------------------

needs_bundle = pytest.mark.skipif(not (BUNDLE / "kisdesk").is_file(), reason="no bundle in dist/kisdesk")


def _internal() -> Path:
    return BUNDLE / "_internal"


@needs_bundle
def test_the_bundle_has_the_resources() -> None:
    resources = _internal() / "resources"
    for path in (
        "fonts/NanumGothic.ttf",
        "fonts/OFL.txt",
        "icons/kisdesk.svg",
        "translations/kisdesk_ko.qm",
        "licenses/LGPL-3.0.txt",
        "licenses/GPL-3.0.txt",
    ):
        assert (resources / path).is_file(), path
    assert not (resources / "screenshots").exists()
    assert not list(resources.rglob("*.ts"))


@needs_bundle
def test_the_bundle_has_no_test_tools() -> None:
    names = {p.name.split("-")[0].lower() for p in _internal().iterdir()}
    assert names.isdisjoint(TEST_TOOLS)
    assert not list(_internal().glob("PySide6/Qt/plugins/platformthemes/libqgtk3*"))
    assert not list(_internal().glob("libgtk-3*"))


@needs_bundle
def test_the_bundle_ships_qt_as_replaceable_shared_libraries() -> None:
    # LGPL: dynamically linked Qt, as separate files the user can swap (About dialog, licenses/README.txt)
    assert list(_internal().glob("PySide6/Qt/lib/libQt6Core.so*")) or list(_internal().glob("libQt6Core.so*"))


SECRET_LIKE = re.compile(rb"PS[A-Za-z0-9]{34}")  # the shape of a KIS app key


@needs_bundle
def test_the_bundle_carries_no_config_or_key_files() -> None:
    config_like = {".env", ".ini", ".yaml", ".yml", ".toml"}
    suspicious = [
        p for p in BUNDLE.rglob("*") if p.is_file() and (p.suffix in config_like or p.name.startswith(".env"))
    ]
    assert suspicious == []
    for path in (_internal() / "resources").rglob("*"):
        if path.is_file():
            assert not SECRET_LIKE.search(path.read_bytes()), path
