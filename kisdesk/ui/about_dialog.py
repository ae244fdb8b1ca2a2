"""Help → About kisdesk: versions, and the licences of what kisdesk ships (non-modal).

Owns: `AboutDialog` and the Qt-free helpers it reads: `component_versions()` (kisdesk, Python, Qt,
PySide6, qasync, httpx, pydantic, keyring) and `dependency_licences()` (every installed runtime
dependency of kisdesk, from `importlib.metadata`; packaging/kisdesk.spec copies that metadata into
the bundle so the list is the same there).

PySide6 and Qt are LGPL-3.0: the dialog states how the bundle complies (dynamically linked Qt,
shipped as separate replaceable shared libraries in the one-folder bundle; licence texts in
resources/licenses; where Qt's source is). NanumGothic is under the OFL (resources/fonts/OFL.txt).
"""

from __future__ import annotations

import html
import platform
import re
from dataclasses import dataclass
from importlib import metadata
from typing import Final

import PySide6
from PySide6.QtCore import QEvent, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from kisdesk import __version__
from kisdesk.paths import resources_dir

VERSIONED: Final = ("qasync", "httpx", "pydantic", "keyring")
QT_SOURCE_URL: Final = "https://download.qt.io/official_releases/qt/"
PYSIDE_SOURCE_URL: Final = "https://code.qt.io/cgit/pyside/pyside-setup.git/"
# Used when kisdesk's own metadata is missing (running from a bare checkout without pip install).
FALLBACK_REQUIREMENTS: Final = (
    "PySide6-Essentials",
    "qasync",
    "httpx",
    "pydantic",
    "keyring",
    "platformdirs",
    "tzdata",
)
_NAME_RE: Final = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


@dataclass(frozen=True, slots=True)
class Licence:
    package: str
    version: str
    licence: str


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "?"


def component_versions() -> list[tuple[str, str]]:
    """(name, version) of kisdesk and the parts it runs on, in the order the dialog shows them."""
    rows = [
        ("kisdesk", __version__),
        ("Python", platform.python_version()),
        ("Qt", qVersion()),
        ("PySide6", PySide6.__version__),
    ]
    return rows + [(name, _version(name)) for name in VERSIONED]


def licence_of(dist: metadata.Distribution) -> str:
    """A short licence name: License-Expression, else the classifiers, else the License field's first line."""
    meta = dist.metadata
    expression = meta.get_all("License-Expression") or []
    if expression:
        return str(expression[0])
    classifiers = [
        c.rsplit("::", 1)[-1].strip()
        for c in meta.get_all("Classifier") or []
        if c.startswith("License ::") and c.count("::") >= 2
    ]
    if classifiers:
        return ", ".join(classifiers)
    text = str((meta.get_all("License") or [""])[0]).strip()
    if text:
        first = text.splitlines()[0].strip()
        return first if len(first) <= 60 else first[:57] + "..."
    return "?"


def _requirements(distribution: str) -> list[str]:
    """The names `distribution` requires unconditionally or by platform (extras left out)."""
    try:
        requires = metadata.requires(distribution) or []
    except metadata.PackageNotFoundError:
        return []
    names = []
    for requirement in requires:
        marker = requirement.partition(";")[2]
        if "extra" in marker:
            continue
        match = _NAME_RE.match(requirement)
        if match:
            names.append(match.group(1))
    return names


def dependency_licences(root: str = "kisdesk") -> list[Licence]:
    """Every installed package kisdesk needs at run time (the whole tree), sorted by name."""
    seen: dict[str, Licence] = {}
    queue = _requirements(root) or list(FALLBACK_REQUIREMENTS)
    while queue:
        name = queue.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # a platform-only dependency (pywin32-ctypes on Linux), or not bundled
        seen[key] = Licence(str(dist.name or name), dist.version, licence_of(dist))
        queue += _requirements(name)
    return sorted(seen.values(), key=lambda lic: lic.package.lower())


class AboutDialog(QDialog):
    """Non-modal: open it with `show()`. Its text is rebuilt on LanguageChange.

    Children: `browser` (QTextBrowser with the whole text), `buttons` (Close).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModal(False)
        self.resize(620, 560)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(self.buttons)
        self._licences = dependency_licences()
        self._retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def text(self) -> str:
        """The dialog's text as plain text (tests, copy and paste)."""
        return self.browser.toPlainText()

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("About kisdesk"))
        self.browser.setHtml(self._html())

    def _html(self) -> str:
        esc = html.escape
        licences_dir = resources_dir() / "licenses"
        fonts_dir = resources_dir() / "fonts"
        versions = "".join(
            f"<tr><td>{esc(n)}</td><td><b>{esc(v)}</b></td></tr>" for n, v in component_versions()
        )
        packages = "".join(
            f"<tr><td>{esc(lic.package)}</td><td>{esc(lic.version)}</td><td>{esc(lic.licence)}</td></tr>"
            for lic in self._licences
        )
        qt_text = (
            self.tr(
                "Qt and PySide6 are licensed under the GNU Lesser General Public License version 3 "
                "(LGPL-3.0). kisdesk links them dynamically: in the one-folder bundle (the default build) "
                "the Qt and PySide6 libraries are separate shared-library files next to the kisdesk "
                "program, and you may replace them with your own build of the same version. The licence "
                "texts (LGPL-3.0 and the GPL-3.0 it builds on) are in %1. Qt's source code: %2; "
                "PySide6's: %3."
            )
            .replace("%1", f"<code>{esc(str(licences_dir))}</code>")
            .replace("%2", f'<a href="{QT_SOURCE_URL}">{QT_SOURCE_URL}</a>')
            .replace("%3", f'<a href="{PYSIDE_SOURCE_URL}">{PYSIDE_SOURCE_URL}</a>')
        )
        onefile_text = self.tr(
            "The one-file build carries the same libraries inside a self-extracting archive that is "
            "unpacked to a temporary folder at every start; they can still be extracted and replaced, "
            "but the one-folder build is the compliance-friendly default."
        )
        font_text = self.tr(
            "The NanumGothic font is licensed under the SIL Open Font License 1.1 (%1)."
        ).replace("%1", f"<code>{esc(str(fonts_dir / 'OFL.txt'))}</code>")
        tagline = self.tr("Desktop order ticket for the Korea Investment & Securities (KIS) Open API.")
        heads = (self.tr("Versions"), self.tr("Licences"), self.tr("Other components and their licences:"))
        columns = (self.tr("Package"), self.tr("Version"), self.tr("Licence"))
        header = "".join(f"<th align=left>{esc(c)}</th>" for c in columns)
        return (
            f"<h2>kisdesk {esc(__version__)}</h2><p>{esc(tagline)}</p>"
            f"<h3>{esc(heads[0])}</h3><table cellspacing=4>{versions}</table>"
            f"<h3>{esc(heads[1])}</h3><p>{qt_text}</p><p>{esc(onefile_text)}</p><p>{font_text}</p>"
            f"<p>{esc(heads[2])}</p><table cellspacing=4><tr>{header}</tr>{packages}</table>"
        )
