"""Where kisdesk's bundled resources live: a checkout (or editable install) versus a PyInstaller bundle.

This is the only module that knows about freezing. It imports no Qt, so tests and tools can use it
without a QApplication. A plain (non-editable) wheel does not carry `resources/`; the supported ways
to run are a checkout with `pip install -e .` and the PyInstaller bundle (style.md B.9).
"""

from __future__ import annotations

import sys
from pathlib import Path

FONT_FILE = "NanumGothic.ttf"
FONT_FAMILY = "NanumGothic"
"""The family name inside FONT_FILE, as QFontDatabase reports it."""


def resources_dir() -> Path:
    """The `resources/` folder: inside the bundle when frozen, else at the repository root."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is not None:
        # packaging/kisdesk.spec copies the repo's resources/ to <bundle>/resources
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def font_path() -> Path:
    """The bundled Korean UI font, so Hangul renders without any system font installed."""
    return resources_dir() / "fonts" / FONT_FILE


def icon_path() -> Path:
    """The application icon (SVG)."""
    return resources_dir() / "icons" / "kisdesk.svg"
